"""
Each page's footer says when what it shows last changed: the time every content object carries,
set when a coordinator saves, written by export and kept by load, never the time of a load.
"""

import datetime
import json
import re
import zoneinfo
from http import HTTPStatus

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from applications.factories import InterviewDateFactory, TrackApplicationFactory
from applications.models import ApplicationCycle, TrackApplication
from curriculum.models import Rotation
from programs.factories import BenefitFactory, TrackFactory
from programs.models import Benefit, Program
from residency import content, pagecache
from residency.content import content_models
from residency.views import server_error
from sites.factories import PracticeFactory
from sites.models import Practice
from tests.forms import practice_form

pytestmark = pytest.mark.django_db

EASTERN = zoneinfo.ZoneInfo("America/New_York")
# Later than anything the fixtures or a test run could hold, so a page showing it is unmistakable.
LATER = datetime.datetime(2041, 3, 4, 15, 0, tzinfo=EASTERN)
LATER_STILL = datetime.datetime(2042, 5, 6, 15, 0, tzinfo=EASTERN)


def footer_time(client, url):
    """The time the page's footer gives, or None when it gives none."""
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    footer = response.text.split('<footer class="site-footer">', 1)[1]
    match = re.search(r'last changed <time datetime="([^"]+)">', footer)
    return datetime.datetime.fromisoformat(match[1]) if match else None


def everything_changed_at(moment):
    """Every content object dated `moment`, as if written so (an update, which does not stamp)."""
    for model in content_models():
        model._base_manager.update(changed_at=moment)
    pagecache.content_changed()


@pytest.mark.parametrize("model", content_models(), ids=lambda model: model._meta.label)
def test_every_content_model_carries_its_change_time(model):
    field = model._meta.get_field("changed_at")
    assert not field.editable and field.null


@pytest.mark.content
def test_the_fixtures_carry_a_change_time_for_every_object_and_loading_keeps_it():
    stored = {}
    for path in content.fixture_paths(settings.CONTENT_FIXTURES_DIR):
        for obj in json.loads(path.read_text()):
            assert obj["fields"].get("changed_at"), (path.name, obj["fields"].get("slug"))
            stored.setdefault(obj["model"], set()).add(obj["fields"]["changed_at"])
    for model in content_models():
        times = set(model._base_manager.values_list("changed_at", flat=True))
        assert {datetime.datetime.fromisoformat(time) for time in stored[model._meta.label_lower]} == times


def test_a_coordinators_save_in_admin_dates_the_pages_showing_it(client, coordinator):
    everything_changed_at(LATER)
    practice = Practice.objects.first()
    other = Practice.objects.exclude(pk=practice.pk).first()
    with time_machine.travel(LATER_STILL, tick=False):
        client.force_login(coordinator)
        data = practice_form(practice, description="Rewritten by a coordinator.")
        response = client.post(reverse("admin:sites_practice_change", args=[practice.pk]), data)
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == reverse("admin:sites_practice_changelist")
    client.logout()
    practice.refresh_from_db()
    assert practice.changed_at == LATER_STILL
    # The pages that show it say so; a page that does not still gives the date of its own content.
    assert footer_time(client, practice.get_absolute_url()) == LATER_STILL
    assert footer_time(client, reverse("sites:practice_list")) == LATER_STILL
    assert footer_time(client, other.get_absolute_url()) == LATER
    assert footer_time(client, reverse("curriculum:rotation_list")) == LATER


def test_the_footer_gives_the_latest_of_what_the_page_shows_and_never_the_load_time(client, tmp_path):
    everything_changed_at(LATER)
    content.export(tmp_path)
    with time_machine.travel(LATER_STILL, tick=False):
        Rotation.objects.first().save()
        assert footer_time(client, reverse("curriculum:rotation_list")) == LATER_STILL
        assert footer_time(client, reverse("programs:benefits")) == LATER
    # Loading the export puts back the times it holds: the rotation's edit is undone, and so is its date.
    with time_machine.travel(LATER_STILL + datetime.timedelta(days=30), tick=False):
        call_command("load_content", fixtures=tmp_path, discard_unexported=True, verbosity=0)
        assert footer_time(client, reverse("curriculum:rotation_list")) == LATER
    assert set(Rotation.objects.values_list("changed_at", flat=True)) == {LATER}


def test_an_export_writes_the_time_of_the_edit(tmp_path):
    benefit = Benefit.objects.first()
    with time_machine.travel(LATER, tick=False):
        benefit.text = "Edited in admin."
        benefit.save()
    content.export(tmp_path)
    exported = json.loads((tmp_path / "programs.json").read_text())
    fields = next(obj["fields"] for obj in exported if obj["fields"].get("slug") == benefit.slug)
    assert datetime.datetime.fromisoformat(fields["changed_at"]) == LATER


def test_a_save_of_some_fields_stamps_the_time_too():
    cycle = ApplicationCycle.objects.live()
    with time_machine.travel(LATER, tick=False):
        cycle.unpublish()
    cycle.refresh_from_db()
    assert cycle.changed_at == LATER


def test_removing_an_item_dates_the_list_it_was_in(client):
    everything_changed_at(LATER)
    with time_machine.travel(LATER_STILL, tick=False):
        BenefitFactory().delete()
        assert footer_time(client, reverse("programs:benefits")) == LATER_STILL
        assert footer_time(client, reverse("curriculum:rotation_list")) == LATER


def test_removing_an_interview_day_dates_its_tracks_rule(client):
    cycle = ApplicationCycle.objects.live()
    application = TrackApplicationFactory(cycle=cycle)
    day = InterviewDateFactory(track_application=application)
    everything_changed_at(LATER)
    with time_machine.travel(LATER_STILL, tick=False):
        day.delete()
    assert TrackApplication.objects.get(pk=application.pk).changed_at == LATER_STILL
    assert footer_time(client, reverse("applications:interviews")) >= LATER_STILL


def test_linking_a_clinic_to_a_track_dates_the_clinic():
    practice = PracticeFactory()
    Practice.objects.filter(pk=practice.pk).update(changed_at=LATER)
    with time_machine.travel(LATER_STILL, tick=False):
        TrackFactory().practices.add(practice)
    practice.refresh_from_db()
    assert practice.changed_at == LATER_STILL


def test_a_load_that_removes_and_relinks_keeps_the_fixtures_times(tmp_path):
    everything_changed_at(LATER)
    content.export(tmp_path)
    with time_machine.travel(LATER_STILL, tick=False):
        # Unexported work a load undoes: an added benefit (deleted by the load), a clinic's tracks.
        BenefitFactory()
        Practice.objects.first().tracks.clear()
        call_command("load_content", fixtures=tmp_path, discard_unexported=True, verbosity=0)
    for model in content_models():
        assert set(model._base_manager.values_list("changed_at", flat=True)) == {LATER}, model


def test_a_cycle_that_closed_or_went_live_after_its_last_edit_dates_its_pages_then(client):
    cycle = ApplicationCycle.objects.live()
    everything_changed_at(LATER)
    ApplicationCycle.objects.filter(pk=cycle.pk).update(
        publish_at=LATER + datetime.timedelta(days=1), deadline=LATER + datetime.timedelta(days=2)
    )
    with time_machine.travel(LATER + datetime.timedelta(days=3), tick=False):
        assert footer_time(client, reverse("applications:apply")) == LATER + datetime.timedelta(days=2)


def test_a_page_whose_content_has_no_time_gives_none(client):
    everything_changed_at(None)
    assert footer_time(client, reverse("programs:benefits")) is None
    Program.objects.update(changed_at=LATER)
    pagecache.content_changed()
    assert footer_time(client, reverse("programs:benefits")) == LATER


def test_a_time_saved_within_a_millisecond_of_a_second_exports_the_same_after_a_load(tmp_path):
    # JSON fixtures keep milliseconds and write none for a whole second: a stored 15:00:00.000412 would
    # export as "…15:00:00.000Z", load as 15:00:00 and export again as "…15:00:00Z".
    with time_machine.travel(LATER.replace(microsecond=412), tick=False):
        Benefit.objects.first().save()
    first = content.export(tmp_path / "first")
    call_command("load_content", fixtures=tmp_path / "first", verbosity=0)
    again = content.export(tmp_path / "again")
    assert [path.read_bytes() for path in again] == [path.read_bytes() for path in first]


def footer(response):
    return response.text.split('<footer class="site-footer">', 1)[1].split("</footer>", 1)[0]


def test_each_pages_footer_is_its_own_though_drawn_once_per_content_version(client, rf):
    everything_changed_at(LATER)
    Rotation.objects.update(changed_at=LATER_STILL)
    pagecache.content_changed()
    program = Program.objects.current()
    # The error page, drawn without the database, has no program in its footer: never another page's.
    error = server_error(rf.get("/"))
    assert program.name not in error.content.decode().split('<footer class="site-footer">', 1)[1]
    benefits = footer(client.get(reverse("programs:benefits")))
    assert program.name in benefits
    assert footer_time(client, reverse("curriculum:rotation_list")) == LATER_STILL
    assert footer(client.get(reverse("curriculum:elective_list"))) == benefits
    # The program's edit is a new content version: every footer is drawn again.
    program.name = "Zephyrine Internal Medicine Residency"
    program.save()
    assert "Zephyrine Internal Medicine Residency" in footer(client.get(reverse("programs:benefits")))
