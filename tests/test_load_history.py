"""Loading the fixtures is a change like any other: recorded, undoable, and never a silent loss of work."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from reversion.models import Revision, Version

from applications.factories import ApplicationCycleFactory, InterviewDateFactory, TrackApplicationFactory
from applications.models import ApplicationCycle
from residency import content
from sites.factories import PracticeFactory
from sites.models import Practice

pytestmark = pytest.mark.django_db


def load(directory, **options):
    out = io.StringIO()
    call_command("load_content", fixtures=directory, stdout=out, **options)
    return out.getvalue()


def test_an_export_loads_back_with_nothing_changed_even_after_a_publication(tmp_path, coordinator_client):
    cycle = ApplicationCycleFactory(publish_at=None)
    publish = reverse("admin:applications_applicationcycle_publish", args=[cycle.pk])
    assert coordinator_client.post(publish, {"confirmed": "on"}).status_code == 302
    call_command("export_content", output=tmp_path, stdout=io.StringIO())
    assert "0 added, 0 changed, 0 deleted" in load(tmp_path, dry_run=True)
    assert "0 added, 0 changed, 0 deleted" in load(tmp_path)


def test_work_done_in_admin_since_the_export_is_kept_and_named(tmp_path, coordinator_client):
    call_command("export_content", output=tmp_path, stdout=io.StringIO())
    draft = ApplicationCycleFactory(publish_at=None, name="Made in admin")
    before = content.snapshot()
    with pytest.raises(Exception) as error:
        load(tmp_path)
    assert "Made in admin" in str(error.value) and "created since" in str(error.value)
    assert content.snapshot() == before
    with pytest.raises(Exception, match="Made in admin"):
        load(tmp_path, dry_run=True)
    assert "1 deleted" in load(tmp_path, discard_unexported=True)
    assert not ApplicationCycle.objects.filter(pk=draft.pk).exists()


def test_each_load_is_recorded_and_what_it_deleted_can_be_recovered(tmp_path):
    practice = PracticeFactory()
    application = TrackApplicationFactory()
    start, _end = application.cycle.season
    for week in range(2):
        InterviewDateFactory(track_application=application, date=start + datetime.timedelta(weeks=10 + week))
    call_command("export_content", output=tmp_path, stdout=io.StringIO())
    # Loaded once: every object gets a first revision, with the rows it owns.
    load(tmp_path)
    version = Version.objects.get_for_object(application).get()
    assert version.revision.comment.startswith(f"Loaded {tmp_path.name}")
    days = {str(interview.pk) for interview in application.interview_dates.all()}
    assert days <= set(version.revision.version_set.values_list("object_id", flat=True))
    # A load that deletes records the deleted first, so they can be recovered.
    (tmp_path / "sites.json").write_text(
        (tmp_path / "sites.json").read_text().replace(f'"slug": "{practice.slug}"', '"slug": "renamed"')
    )
    assert "1 added, 0 changed, 1 deleted" in load(tmp_path)
    gone = Version.objects.get_deleted(Practice).get(object_id=str(practice.pk))
    assert gone.revision.comment.startswith("Deleted by loading")
    assert Revision.objects.order_by("-pk").first().comment.startswith(f"Loaded {tmp_path.name}: 1 added")
