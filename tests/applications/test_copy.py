"""
A cycle's copy is complete by construction: what belongs to a cycle is found from the relations, so a
model added later that belongs to each cycle is copied with no other step, or the copy refuses,
naming it, before anything is made.
"""

import contextlib
from http import HTTPStatus

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.urls import reverse

from applications.factories import ApplicationCycleFactory, InterviewDateFactory, TrackApplicationFactory
from applications.models import ApplicationCycle, TrackApplication

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def added_model(name, **fields):
    """A model of the applications app, added for one test: its table is made inside the test's transaction."""
    meta = type("Meta", (), {"app_label": "applications", "verbose_name_plural": f"{name.lower()} rows"})
    model = type(name, (models.Model,), {"__module__": "applications.models", "Meta": meta, **fields})
    editor = connection.schema_editor()
    # Not entered as a context manager: SQLite's editor refuses to run inside a transaction, and the
    # table only needs to live as long as the test's transaction.
    editor.deferred_sql = []
    editor.create_model(model)
    for statement in editor.deferred_sql:
        editor.execute(statement)
    try:
        yield model
    finally:
        del apps.all_models["applications"][model._meta.model_name]
        apps.clear_cache()


def test_a_model_added_later_that_belongs_to_each_cycle_is_copied():
    with added_model(
        "CycleNote",
        cycle=models.ForeignKey(ApplicationCycle, on_delete=models.CASCADE, related_name="notes"),
        text=models.TextField(),
    ) as CycleNote:
        source = ApplicationCycleFactory()
        CycleNote.objects.create(cycle=source, text="Written for the 2030 season.")
        CycleNote.objects.create(cycle=source, text="No year here.")
        copy = source.copy("Next", weeks=52)
        assert sorted(note.text for note in CycleNote.objects.filter(cycle=copy)) == [
            "No year here.",
            "Written for the 2031 season.",
        ]
        assert CycleNote.objects.filter(cycle=source).count() == 2
        assert any(item["before"] == "Written for the 2030 season." for item in copy.review_items())


def test_a_model_added_later_that_belongs_to_a_track_application_is_copied_with_it():
    with added_model(
        "TrackNote",
        track_application=models.ForeignKey(TrackApplication, on_delete=models.CASCADE, related_name="notes"),
        text=models.TextField(),
    ) as TrackNote:
        application = TrackApplicationFactory()
        InterviewDateFactory(track_application=application)
        TrackNote.objects.create(track_application=application, text="A note on this track's interviews.")
        copy = application.cycle.copy("Next", weeks=52)
        copied = TrackApplication.objects.get(cycle=copy)
        assert [note.text for note in TrackNote.objects.filter(track_application=copied)] == [
            "A note on this track's interviews."
        ]
        assert copied.interview_dates.count() == 1


def test_a_model_that_cannot_be_copied_stops_the_copy_naming_it_before_anything_is_made(coordinator_client):
    with added_model(
        "CycleCode",
        cycle=models.ForeignKey(ApplicationCycle, on_delete=models.CASCADE, related_name="codes"),
        code=models.CharField(max_length=20, unique=True),
    ) as CycleCode:
        source = ApplicationCycleFactory()
        CycleCode.objects.create(cycle=source, code="A-1")
        before = ApplicationCycle.objects.count()
        with pytest.raises(
            ValidationError,
            match="Cyclecode rows belong to the cycle but cannot be copied: their “code” must be unique",
        ):
            source.copy("Next", weeks=52)
        assert ApplicationCycle.objects.count() == before
        response = coordinator_client.post(
            reverse("admin:applications_applicationcycle_copy", args=[source.pk]), {"name": "Next", "weeks": 52}
        )
        assert response.status_code == HTTPStatus.OK
        assert "cannot be copied" in " ".join(response.context["form"].non_field_errors())
        assert ApplicationCycle.objects.count() == before


def test_the_copy_takes_every_row_that_belongs_to_the_cycle():
    application = TrackApplicationFactory()
    InterviewDateFactory.create_batch(2, track_application=application)
    source = application.cycle
    copy = source.copy("Next", weeks=52)
    for relation in ApplicationCycle._meta.related_objects:
        if relation.on_delete is models.CASCADE:
            accessor = relation.get_accessor_name()
            assert getattr(copy, accessor).count() == getattr(source, accessor).count(), accessor
