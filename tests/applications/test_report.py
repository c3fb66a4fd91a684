"""The admin index's "This cycle" panel and the report of stale and missing content."""

from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils.text import capfirst

from applications.models import ApplicationCycle
from programs.models import Program

pytestmark = pytest.mark.django_db

REPORT = reverse("admin:applications_applicationcycle_report")


def test_the_admin_index_shows_this_cycle(coordinator_client):
    live = ApplicationCycle.objects.live()
    response = coordinator_client.get(reverse("admin:index"))
    assert response.status_code == HTTPStatus.OK
    assert "This cycle" in response.text
    assert live.name in response.text
    assert REPORT in response.text
    assert "not changed or checked since" in response.text


def test_the_panel_names_a_draft_and_its_texts_to_review(coordinator_client):
    live = ApplicationCycle.objects.live()
    draft = live.copy("Next cycle")
    text = coordinator_client.get(reverse("admin:index")).text
    assert "Next cycle" in text and "Draft" in text
    assert f"{len(draft.texts_to_review)} text" in text


def test_every_empty_applicant_fact_is_reported_and_a_filled_one_is_not(coordinator_client):
    program = Program.objects.current()
    empty = [name for name in Program.APPLICANT_FACTS if not getattr(program, name)]
    text = coordinator_client.get(REPORT).text
    for name in empty:
        assert capfirst(Program._meta.get_field(name).verbose_name) in text
    program.visa_policy = "The program sponsors J-1 visas."
    program.save()
    assert "Visa sponsorship policy" not in coordinator_client.get(REPORT).text


def test_content_not_changed_since_the_cycle_began_is_stale_until_saved(coordinator_client):
    from sites.models import Practice
    from tests.forms import practice_form

    name = capfirst(Practice._meta.verbose_name_plural)
    rows = {row["name"]: row for row in coordinator_client.get(REPORT).context["stale"]}
    assert rows[name]["stale"] == rows[name]["total"] == Practice.objects.count()
    practice = Practice.objects.first()
    url = reverse("admin:sites_practice_change", args=[practice.pk])
    assert coordinator_client.post(url, practice_form(practice)).status_code == HTTPStatus.FOUND
    rows = {row["name"]: row for row in coordinator_client.get(REPORT).context["stale"]}
    assert rows[name]["stale"] == Practice.objects.count() - 1


@pytest.mark.parametrize(
    ("field", "url_name", "value"),
    [
        ("salary", "programs:benefits", "PGY-1: a salary line"),
        ("leave", "programs:benefits", "Four weeks of vacation a year."),
        ("visa_policy", "applications:graduates", "The program sponsors J-1 visas."),
        ("graduate_outcomes", "programs:track_list", "Most went on to fellowships."),
        ("contact_email", "programs:home", "residency@example.org"),
        ("contact_phone", "programs:home", "617 555 0100"),
    ],
)
def test_an_applicant_fact_is_shown_only_once_filled(client, field, url_name, value):
    program = Program.objects.current()
    setattr(program, field, "")
    program.save()
    assert value not in client.get(reverse(url_name)).text
    setattr(program, field, value)
    program.save()
    assert value in client.get(reverse(url_name)).text
