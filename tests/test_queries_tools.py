"""
The applicants' tools run a small, fixed number of queries, however much content there is
(as tests/test_queries.py pins for the other pages): each page with its parameters, before
and after the content grows tenfold, then from the page cache.
"""

import pytest
from django.urls import reverse

from residency import pagecache
from sites.models import Practice

from .test_queries import multiply_content

pytestmark = pytest.mark.django_db


def compare_sites():
    return {"site": list(Practice.objects.values_list("slug", flat=True)[:3])}


# (url name, args, a function giving the query parameters, queries, whether the answer is cached).
TOOLS = [
    ("sites:practice_list", [], lambda: {"track": "categorical"}, 5, True),
    ("sites:practice_compare", [], compare_sites, 5, True),
    ("applications:calendar", [], dict, 5, True),
    ("applications:calendar", [], lambda: {"track": "categorical"}, 6, True),
]


@pytest.mark.parametrize(
    ("name", "args", "params", "queries", "cached"), TOOLS, ids=[f"{tool[0]}-{i}" for i, tool in enumerate(TOOLS)]
)
def test_tool_runs_a_fixed_number_of_queries(client, django_assert_num_queries, name, args, params, queries, cached):
    url = reverse(name, args=args)
    pagecache.current_version()  # Looked up once a second, not per page: outside the count.
    query = params()
    with django_assert_num_queries(queries):
        assert client.get(url, query).status_code == 200
    multiply_content()
    query = params()
    with django_assert_num_queries(queries):
        assert client.get(url, query).status_code == 200
    with django_assert_num_queries(0 if cached else queries):
        assert client.get(url, query).status_code == 200
