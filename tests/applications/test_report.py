"""The admin index's "This cycle" panel and the report of stale and missing content."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

from applications.factories import ApplicationCycleFactory
from applications.models import ApplicationCycle
from programs.factories import TrackFactory
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
        ("graduate_outcomes", "overview:track_list", "Most went on to fellowships."),
        ("contact_email", "overview:home", "residency@example.org"),
        ("contact_phone", "overview:home", "617 555 0100"),
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


def stale_row(client, model):
    rows = {row["name"]: row for row in client.get(REPORT).context["stale"]}
    return rows.get(capfirst(model._meta.verbose_name_plural))


def test_staleness_counts_from_the_draft_copy_and_links_to_exactly_the_stale_items(coordinator_client):
    from sites.factories import PracticeFactory
    from sites.models import Practice
    from tests.admin_forms import form_data

    source = ApplicationCycleFactory(publish_at=timezone.now() - datetime.timedelta(days=30))
    copy = reverse("admin:applications_applicationcycle_copy", args=[source.pk])
    assert coordinator_client.post(copy, {"name": "Next cycle", "weeks": 52}).status_code == HTTPStatus.FOUND
    draft = ApplicationCycle.objects.get(name="Next cycle")
    checked, stale = PracticeFactory(), PracticeFactory()
    # Edited on the draft, before it is published: that counts as checked for the cycle it is for.
    address = reverse("admin:sites_practice_change", args=[checked.pk])
    data = form_data(coordinator_client.get(address), tracks=[str(TrackFactory().pk)])
    assert coordinator_client.post(address, data).status_code == HTTPStatus.FOUND
    draft.publish()
    row = stale_row(coordinator_client, Practice)
    listed = coordinator_client.get(row["url"])
    assert listed.status_code == HTTPStatus.OK
    shown = set(listed.context["cl"].result_list)
    assert stale in shown and checked not in shown
    assert len(shown) == row["stale"]
    # Still true: ticked in that list and marked checked, all at once.
    changelist = reverse("admin:sites_practice_changelist")
    action = {"action": "mark_checked", "_selected_action": [practice.pk for practice in shown]}
    assert coordinator_client.post(changelist, action).status_code == HTTPStatus.FOUND
    assert stale_row(coordinator_client, Practice) is None
    assert Practice.objects.get(pk=stale.pk).description == stale.description
