"""
Every public page runs a small, fixed number of queries, however much content there is.

The counts are pinned to catch an n+1 creeping in: each test multiplies the content tenfold
with factories and expects the same count. The pages come from the one list of public pages,
so a new page fails here until its count is pinned.
"""

import pytest

from applications.factories import (
    GraduateRequirementFactory,
    InterviewActivityFactory,
    InterviewDateFactory,
    LetterRequirementFactory,
    TrackApplicationFactory,
)
from applications.models import ApplicationCycle
from curriculum.factories import ConferenceFormatFactory, ElectiveFactory, RotationFactory
from curriculum.models import Conference
from programs.factories import (
    BenefitFactory,
    PathwayItemFactory,
    PathwayLeaderFactory,
    PathwaySectionFactory,
    TrackFactory,
)
from programs.models import Pathway, Track
from residency import pagecache
from residency.pages import routes
from sites.factories import PracticeFactory
from sites.models import Practice

pytestmark = pytest.mark.django_db

# Queries per page, by URL name. The program for the header is one query on every page that shows it, the first
# rendered after a change (each process keeps it for the content version).
QUERIES = {
    "overview:home": 5,
    "overview:track_list": 7,
    "overview:track_detail": 8,
    "programs:research": 6,
    "programs:leadership": 6,
    "programs:pathway_detail": 6,
    "programs:benefits": 2,
    "sites:practice_list": 4,
    "sites:practice_compare": 2,
    "sites:practice_detail": 3,
    "curriculum:rotation_list": 2,
    "curriculum:elective_list": 3,
    "curriculum:conference_list": 3,
    "curriculum:conference_detail": 3,
    "applications:apply": 7,
    "applications:interviews": 5,
    "applications:graduates": 5,
    "applications:graduate_check": 4,
    "applications:planner": 7,
}


def test_every_public_page_has_its_query_count_pinned():
    assert {route.name for route in routes()} == set(QUERIES)


def multiply_content(times=10):
    """Add `times` as much of every kind of content, linked the way the real content is: to the pages' objects."""
    track = Track.objects.first()
    cycle = ApplicationCycle.objects.current()
    pathways = list(Pathway.objects.all())
    conference = Conference.objects.first()
    practice = Practice.objects.first()
    application = cycle.track_applications.filter(track=track).first() or TrackApplicationFactory(
        cycle=cycle, track=track
    )
    for _ in range(times):
        new_track = TrackFactory(match_via=track)
        PracticeFactory.create_batch(2, tracks=[new_track, track])
        practice.tracks.add(new_track)
        for pathway in pathways:
            section = PathwaySectionFactory(pathway=pathway)
            PathwayItemFactory.create_batch(2, section=section)
            PathwayLeaderFactory(pathway=pathway)
        for kind in Pathway.Kind:
            PathwayItemFactory.create_batch(2, section=PathwaySectionFactory(pathway__kind=kind))
        BenefitFactory.create_batch(2)
        RotationFactory()
        ElectiveFactory.create_batch(2)
        ConferenceFormatFactory.create_batch(2, conference=conference)
        ConferenceFormatFactory()
        new_application = TrackApplicationFactory(cycle=cycle, track=new_track, is_exclusive=True)
        InterviewDateFactory.create_batch(2, track_application=new_application)
        InterviewDateFactory(track_application=application)
        LetterRequirementFactory(cycle=cycle)
        InterviewActivityFactory(cycle=cycle)
        parent = GraduateRequirementFactory(cycle=cycle)
        GraduateRequirementFactory(cycle=cycle, parent=parent)


@pytest.mark.parametrize("route", routes(), ids=lambda route: route.name)
def test_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries, django_assert_max_num_queries, route):
    queries = QUERIES[route.name]
    url = route.paths()[0]
    pagecache.current_version()  # Looked up once a second, not per page: outside the count.
    # Fewer when the page's object has nothing of a kind to prefetch (a pathway without sections).
    with django_assert_max_num_queries(queries):
        assert client.get(url).status_code == 200
    multiply_content()
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    # Served from the page cache until the content changes again.
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200
