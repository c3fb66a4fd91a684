from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils.html import escape

from applications.factories import ApplicationCycleFactory, InterviewDateFactory, TrackApplicationFactory
from programs.factories import (
    BenefitFactory,
    PathwayFactory,
    PathwayItemFactory,
    PathwayLeaderFactory,
    PathwaySectionFactory,
    PersonFactory,
    TrackFactory,
)
from programs.models import Benefit, Pathway, PathwaySection, Program
from residency.pages import navigation_routes
from sites.factories import PracticeFactory

pytestmark = pytest.mark.django_db


def test_home_page_gives_the_overview_and_links_to_every_section(client):
    program = Program.objects.current()
    response = client.get(reverse("programs:home"))
    assert response.status_code == HTTPStatus.OK
    for paragraph in program.overview.split("\n\n"):
        assert escape(paragraph.strip().split("\n")[0]) in response.text
    for route in navigation_routes():
        assert f'href="{route.path}"' in response.text


def test_tracks_page_lists_every_track_with_its_nrmp_number_in_a_table(client):
    track = TrackFactory(length_label="4 years, with a research year")
    response = client.get(reverse("programs:track_list"))
    assert response.status_code == HTTPStatus.OK
    assert "<table>" in response.text
    assert f"NRMP #{track.nrmp_number}" in response.text
    assert "4 years, with a research year" in response.text


def test_track_page_shows_its_sites_and_interview_dates(client):
    track = TrackFactory()
    practice = PracticeFactory(tracks=[track])
    cycle = ApplicationCycleFactory()
    application = TrackApplicationFactory(cycle=cycle, track=track, interview_heading="Its Interview Days")
    interview = InterviewDateFactory(track_application=application)
    response = client.get(track.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert f"NRMP #{track.nrmp_number}" in response.text
    assert practice.name in response.text
    assert "Its Interview Days" in response.text
    assert f'<time datetime="{interview.date.isoformat()}">' in response.text


def test_track_page_leaves_out_other_cycles_dates(client):
    track = TrackFactory()
    old = InterviewDateFactory(track_application__track=track, track_application__cycle__publish_at=None)
    ApplicationCycleFactory()  # the cycle shown, in which the track has no rule
    assert f'datetime="{old.date.isoformat()}"' not in client.get(track.get_absolute_url()).text


def test_pathway_list_shows_each_pathway_of_its_kind_with_leaders_and_sections(client):
    pathway = PathwayFactory(kind=Pathway.Kind.RESEARCH, name="Lab Years")
    PathwayLeaderFactory(pathway=pathway, person=PersonFactory(name="Ann Lead", credentials="MD, PhD"))
    section = PathwaySectionFactory(pathway=pathway, name="What you learn")
    PathwayItemFactory(section=section, text="Writing grants")
    other = PathwayFactory(kind=Pathway.Kind.LEADERSHIP, name="Leading Teams")
    text = client.get(reverse("programs:research")).text
    assert "Lab Years" in text and "Ann Lead, MD, PhD" in text
    assert "What you learn" in text and "<li>Writing grants</li>" in text
    assert other.name not in text


def test_numbered_sections_are_numbered_lists(client):
    section = PathwaySectionFactory(
        pathway__kind=Pathway.Kind.LEADERSHIP, list_style=PathwaySection.ListStyle.NUMBERED
    )
    PathwayItemFactory(section=section, text="First goal")
    text = client.get(section.pathway.get_absolute_url()).text
    assert "<ol>" in text
    assert text.index("<ol>") < text.index("First goal")


def test_pathway_page_names_leaders_in_order(client):
    pathway = PathwayFactory(kind=Pathway.Kind.LEADERSHIP)
    PathwayLeaderFactory(pathway=pathway, person=PersonFactory(name="Zed Last"), order=1)
    PathwayLeaderFactory(pathway=pathway, person=PersonFactory(name="Amy First"), order=2)
    response = client.get(pathway.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert "Led by Zed Last, MD and Amy First, MD" in response.text


def test_benefits_page_separates_provided_from_full_access(client):
    provided = BenefitFactory(kind=Benefit.Kind.PROVIDED, text="Free parking")
    access = BenefitFactory(kind=Benefit.Kind.ACCESS, text="The library")
    response = client.get(reverse("programs:benefits"))
    assert response.status_code == HTTPStatus.OK
    text = response.text
    assert text.index(Benefit.Kind.PROVIDED.label) < text.index(provided.text) < text.index(Benefit.Kind.ACCESS.label)
    assert text.index(Benefit.Kind.ACCESS.label) < text.index(access.text)


@pytest.mark.parametrize("name", ["programs:track_detail", "programs:pathway_detail"])
def test_unknown_slug_answers_not_found(client, name):
    assert client.get(reverse(name, args=["no-such-thing"])).status_code == HTTPStatus.NOT_FOUND


def test_track_matched_through_another_shows_that_number(client):
    parent = TrackFactory(name="Main")
    track = TrackFactory(nrmp_number="", match_via=parent)
    response = client.get(track.get_absolute_url())
    assert "Applicants match through the" in response.text
    assert f"NRMP #{parent.nrmp_number}" in response.text
