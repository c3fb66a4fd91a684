"""
Every public page runs a small, fixed number of queries, however much content there is.

The counts are pinned to catch an n+1 creeping in: each test multiplies the content tenfold
with factories and expects the same count.
"""

import pytest
from django.urls import reverse

from applications.factories import (
    GraduateRequirementFactory,
    InterviewActivityFactory,
    InterviewDateFactory,
    LetterRequirementFactory,
    TrackApplicationFactory,
)
from applications.models import ApplicationCycle
from curriculum.factories import ConferenceFormatFactory, ElectiveFactory, RotationFactory
from programs.factories import (
    BenefitFactory,
    PathwayItemFactory,
    PathwayLeaderFactory,
    PathwaySectionFactory,
    TrackFactory,
)
from programs.models import Pathway, Track
from residency import pagecache
from sites.factories import PracticeFactory

pytestmark = pytest.mark.django_db

# (url name, args, queries). The program for the header is one query on every page that shows it.
PAGES = [
    ("home", [], 3),
    ("programs:track_list", [], 2),
    ("programs:track_detail", ["categorical"], 6),
    ("programs:research", [], 5),
    ("programs:leadership", [], 5),
    ("programs:pathway_detail", ["leadership-program"], 5),
    ("programs:benefits", [], 2),
    ("sites:practice_list", [], 3),
    ("sites:practice_detail", ["chelsea-healthcare-center"], 3),
    ("curriculum:rotation_list", [], 2),
    ("curriculum:elective_list", [], 3),
    ("curriculum:conference_list", [], 3),
    ("curriculum:conference_detail", ["case-conference"], 3),
    ("applications:apply", [], 6),
    ("applications:interviews", [], 5),
    ("applications:graduates", [], 4),
]


def multiply_content(times=10):
    """Add `times` as much of every kind of content, linked the way the real content is."""
    categorical = Track.objects.get(slug="categorical")
    cycle = ApplicationCycle.objects.current()
    leadership = Pathway.objects.get(slug="leadership-program")
    categorical_application = cycle.track_applications.get(track=categorical)
    for _ in range(times):
        track = TrackFactory(match_via=categorical)
        PracticeFactory.create_batch(2, tracks=[track, categorical])
        for kind in Pathway.Kind:
            section = PathwaySectionFactory(pathway__kind=kind)
            PathwayItemFactory.create_batch(2, section=section)
            PathwayLeaderFactory(pathway=section.pathway)
        PathwayItemFactory.create_batch(2, section=PathwaySectionFactory(pathway=leadership))
        PathwayLeaderFactory(pathway=leadership)
        BenefitFactory.create_batch(2)
        RotationFactory()
        ElectiveFactory.create_batch(2)
        ConferenceFormatFactory.create_batch(2)
        application = TrackApplicationFactory(cycle=cycle, track=track, is_exclusive=True)
        InterviewDateFactory.create_batch(2, track_application=application)
        InterviewDateFactory(track_application=categorical_application)
        LetterRequirementFactory(cycle=cycle)
        InterviewActivityFactory(cycle=cycle)
        parent = GraduateRequirementFactory(cycle=cycle)
        GraduateRequirementFactory(cycle=cycle, parent=parent)


@pytest.mark.parametrize(("name", "args", "queries"), PAGES, ids=[page[0] for page in PAGES])
def test_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries, name, args, queries):
    url = reverse(name, args=args)
    pagecache.current_version()  # Looked up once a second, not per page: outside the count.
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    multiply_content()
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    # Served from the page cache until the content changes again.
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200
