from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs.factories import (
    BenefitFactory,
    PathwayFactory,
    PathwayItemFactory,
    PathwayLeaderFactory,
    PathwaySectionFactory,
    PersonFactory,
)
from programs.models import Benefit, Pathway, PathwaySection, Program

pytestmark = pytest.mark.django_db


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


def test_unknown_pathway_answers_not_found(client):
    assert client.get(reverse("programs:pathway_detail", args=["no-such-thing"])).status_code == HTTPStatus.NOT_FOUND


def header_fetches_the_program(client, url):
    """Whether rendering `url` asked the database for the program (the header's, or the page's own)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == HTTPStatus.OK
    return any('FROM "programs_program"' in query["sql"] for query in queries)


def test_the_program_in_every_header_is_fetched_once_per_content_version_and_an_edit_shows_at_once(client):
    program = Program.objects.current()
    first, second = reverse("curriculum:rotation_list"), reverse("sites:practice_compare")
    assert header_fetches_the_program(client, first)
    assert not header_fetches_the_program(client, second)
    program.name = "Zephyrine Internal Medicine Residency"
    program.save()
    assert header_fetches_the_program(client, first)
    header = client.get(second).text.split("</header>", 1)[0]
    assert "Zephyrine Internal Medicine Residency" in header
