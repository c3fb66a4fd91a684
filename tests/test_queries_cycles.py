"""
Query counts of the pages the cycle's lifecycle changed, pinned as content grows tenfold: a
closed cycle's pages, a staff member's preview of a draft (never cached), and the admin's
content report. (tests/test_queries.py pins the public pages as visitors see them.)
"""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import preview
from applications.models import ApplicationCycle
from programs.context_processors import current_program
from residency import pagecache
from tests.test_queries import multiply_content

pytestmark = pytest.mark.django_db

CYCLE_PAGES = [
    ("applications:apply", list),
    ("applications:interviews", list),
    ("applications:graduates", list),
    # A track open to application in the live cycle.
    ("overview:track_detail", lambda: [ApplicationCycle.objects.live().track_applications.first().track.slug]),
]


def count(client, url):
    """The queries one request for `url` runs."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(("name", "args"), CYCLE_PAGES, ids=[page[0] for page in CYCLE_PAGES])
def test_a_previewed_draft_runs_a_fixed_number_of_queries(coordinator_client, name, args):
    draft = ApplicationCycle.objects.live().copy("Previewed")
    coordinator_client.get(reverse("admin:applications_applicationcycle_preview", args=[draft.pk]))
    url = preview.address(reverse(name, args=args()))
    # Looked up once per content version, not per page: outside the count.
    pagecache.current_version()
    current_program()
    before = count(coordinator_client, url)
    multiply_content()
    draft.delete()
    draft = ApplicationCycle.objects.live().copy("Previewed")
    session = coordinator_client.session
    session["preview_cycle"] = draft.pk
    session.save()
    pagecache.current_version()
    current_program()
    assert count(coordinator_client, url) == before
    # Never cached: the same again, not zero.
    assert count(coordinator_client, url) == before


@pytest.mark.parametrize(("name", "args"), CYCLE_PAGES, ids=[page[0] for page in CYCLE_PAGES])
def test_a_closed_cycles_pages_run_a_fixed_number_of_queries(client, django_assert_num_queries, name, args):
    url = reverse(name, args=args())
    after_deadline = ApplicationCycle.objects.live().deadline + datetime.timedelta(days=1)
    with time_machine.travel(after_deadline):
        pagecache.current_version()
        before = count(client, url)
        multiply_content()
        pagecache.current_version()
        assert count(client, url) == before
        with django_assert_num_queries(0):
            assert client.get(url).status_code == 200


def test_the_content_report_runs_a_fixed_number_of_queries(admin_client):
    url = reverse("admin:applications_applicationcycle_report")
    admin_client.get(url)  # The session and permissions are looked up once.
    before = count(admin_client, url)
    multiply_content()
    assert count(admin_client, url) == before
