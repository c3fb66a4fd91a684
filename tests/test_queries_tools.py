"""
The applicants' tools run a small, fixed number of queries, however much content there is
(as tests/test_queries.py pins for the other pages): each page with its parameters, before
and after the content grows tenfold, then from the page cache.
"""

import pytest
from django.urls import reverse

from applications.models import ApplicationCycle
from programs.models import Track
from residency import pagecache
from sites.models import Practice

from .test_queries import multiply_content

pytestmark = pytest.mark.django_db


def compare_sites():
    return {"site": list(Practice.objects.values_list("slug", flat=True)[:3])}


def applied():
    """The slugs of the tracks open to application in the live cycle."""
    return [application.track.slug for application in ApplicationCycle.objects.live().track_applications.all()]


def matched_through():
    """A track matched through another's NRMP number, that other track, and a slug no track has."""
    track = Track.objects.exclude(match_via=None).first()
    return [track.match_via.slug, track.slug, "junk"]


# (url name, args, a function giving the query parameters, queries, queries when asked again: 0 from the
# page cache; a page that is not cached runs fewer: the header's program is kept for the content version, and
# the known slugs are found in the cache).
TOOLS = [
    ("sites:practice_list", [], lambda: {"track": Practice.objects.served_tracks().first().slug}, 5, 0),
    ("sites:practice_compare", [], compare_sites, 5, 0),
    # Within one track: its slug known, the track, and its clinics to choose from.
    ("sites:practice_compare", [], lambda: {**compare_sites(), "track": Track.objects.first().slug}, 7, 0),
    ("applications:planner", [], dict, 7, 0),
    ("applications:planner", [], lambda: {"track": applied()[:2]}, 8, 0),
    ("applications:planner", [], lambda: {"track": matched_through()}, 8, 0),
    ("applications:planner", [], lambda: {"track": list(Track.objects.values_list("slug", flat=True))}, 8, 6),
    ("applications:graduate_check", [], lambda: {"step1": "255", "visa": "h1b", "ecfmg_date": "2020-12-01"}, 4, 3),
    # The empty search form; a search's own count is pinned in tests/search/test_queries.py.
    ("search:results", [], dict, 1, 0),
    ("applications:calendar", [], dict, 5, 0),
    ("applications:calendar", [], lambda: {"track": applied()[0]}, 6, 0),
]


@pytest.mark.parametrize(
    ("name", "args", "params", "queries", "again"), TOOLS, ids=[f"{tool[0]}-{i}" for i, tool in enumerate(TOOLS)]
)
def test_tool_runs_a_fixed_number_of_queries(client, django_assert_num_queries, name, args, params, queries, again):
    url = reverse(name, args=args)
    pagecache.current_version()  # Looked up once a second, not per page: outside the count.
    query = params()
    with django_assert_num_queries(queries):
        assert client.get(url, query).status_code == 200
    multiply_content()
    query = params()
    with django_assert_num_queries(queries):
        assert client.get(url, query).status_code == 200
    with django_assert_num_queries(again):
        assert client.get(url, query).status_code == 200
