from http import HTTPStatus

import pytest
from django.urls import reverse

from programs.factories import PathwayFactory, PathwayLeaderFactory, PersonFactory
from programs.models import Pathway, Track

pytestmark = pytest.mark.django_db


def test_home_page_gives_the_overview_and_links_to_every_section(client):
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    assert "Outpatient education is provided by the ambulatory care rotation (ACR)" in response.text
    assert "the Global Health Program complements traditional training" in response.text
    for name in ["tracks", "sites", "research", "leadership", "benefits", "apply", "electives", "conferences"]:
        assert name in response.text.lower()
    for url in [reverse("programs:research"), reverse("sites:practice_list"), reverse("applications:apply")]:
        assert f'href="{url}"' in response.text


def test_tracks_page_lists_every_nrmp_number_in_a_table(client):
    response = client.get(reverse("programs:track_list"))
    assert response.status_code == HTTPStatus.OK
    assert "<table>" in response.text
    for number in ["1261140C0", "1261140P0", "1261140M0", "1261140P1"]:
        assert f"NRMP #{number}" in response.text
    assert "3 year traditional, ABIM Research Pathway" in response.text


def test_track_page_shows_its_sites_and_interview_dates(client):
    response = client.get(reverse("programs:track_detail", args=["primary-care"]))
    assert response.status_code == HTTPStatus.OK
    assert "NRMP #1261140M0" in response.text
    assert "Mass General Broadway Primary Care – Revere" in response.text
    assert "Primary Care Interview Days (both days required)" in response.text
    assert "Monday November 16th, 2020" in response.text


def test_research_page_shows_the_physician_scientist_pathway_and_its_leaders(client):
    response = client.get(reverse("programs:research"))
    assert response.status_code == HTTPStatus.OK
    assert "Stanbury Physician-Scientist Pathway" in response.text
    assert "Carrie Sokol, MD, PhD" in response.text
    assert "short-track" in response.text
    assert "Tools of Human Investigation course" in response.text


def test_leadership_page_numbers_the_goals(client):
    response = client.get(reverse("programs:leadership"))
    assert response.status_code == HTTPStatus.OK
    assert "<ol>" in response.text
    assert "Provide all residents with the essential tools to become effective clinical leaders" in response.text
    assert "Emotional Intelligence" in response.text
    assert "Christiana Iyasere, MD, MBA" in response.text


def test_pathway_page_names_leaders_in_order(client):
    pathway = PathwayFactory(kind=Pathway.Kind.LEADERSHIP)
    PathwayLeaderFactory(pathway=pathway, person=PersonFactory(name="Zed Last"), order=1)
    PathwayLeaderFactory(pathway=pathway, person=PersonFactory(name="Amy First"), order=2)
    response = client.get(pathway.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert "Led by Zed Last, MD and Amy First, MD" in response.text


def test_benefits_page_separates_provided_from_full_access(client):
    response = client.get(reverse("programs:benefits"))
    assert response.status_code == HTTPStatus.OK
    assert "Malpractice insurance coverage by the hospital" in response.text
    assert "Mass General Treadwell Library" in response.text
    assert response.text.index("Provided to each resident") < response.text.index("Full access for each resident")
    assert "Clinical Fellow in Medicine at Harvard Medical School" in response.text


@pytest.mark.parametrize("name", ["programs:track_detail", "programs:pathway_detail"])
def test_unknown_slug_answers_not_found(client, name):
    assert client.get(reverse(name, args=["no-such-thing"])).status_code == HTTPStatus.NOT_FOUND


def test_track_matched_through_another_shows_that_number(client):
    response = client.get(Track.objects.get(slug="physician-scientist").get_absolute_url())
    assert "Applicants match through the" in response.text
    assert "NRMP #1261140C0" in response.text
