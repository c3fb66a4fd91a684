"""Every content change is kept with its values: coordinators compare, revert, recover and see each other's changes."""

from http import HTTPStatus

import pytest
import reversion
from django.contrib import admin
from django.urls import reverse
from reversion.models import Revision, Version

from programs.models import Track
from residency import content
from sites.factories import PracticeFactory
from sites.models import Practice
from tests.forms import practice_form

pytestmark = pytest.mark.django_db


def practice_on_a_track(**kwargs):
    """A practice a coordinator can save as it is: it serves a track."""
    return PracticeFactory(tracks=[Track.objects.first()], **kwargs)


def edit(client, practice, description):
    url = reverse("admin:sites_practice_change", args=[practice.pk])
    response = client.post(url, practice_form(practice, description=description))
    assert response.status_code == HTTPStatus.FOUND


def test_every_content_model_keeps_history():
    for model in content.content_models():
        assert reversion.is_registered(model), model
        if model in admin.site._registry:
            assert hasattr(admin.site._registry[model], "history_view"), model


def test_an_edit_keeps_the_old_and_the_new_values(coordinator_client):
    practice = practice_on_a_track(description="Before.")
    edit(coordinator_client, practice, "After.")
    versions = Version.objects.get_for_object(practice)
    assert [version.field_dict["description"] for version in versions] == ["After.", "Before."]
    assert versions[0].revision.user.username == "coordinator"


def test_a_coordinator_compares_two_revisions(coordinator_client):
    practice = practice_on_a_track(description="The old words.")
    edit(coordinator_client, practice, "The new words.")
    newer, older = Version.objects.get_for_object(practice)
    history = coordinator_client.get(reverse("admin:sites_practice_history", args=[practice.pk]))
    assert history.status_code == HTTPStatus.OK
    compare = coordinator_client.get(
        reverse("admin:sites_practice_compare", args=[practice.pk]),
        {"version_id1": older.pk, "version_id2": newer.pk},
    )
    assert compare.status_code == HTTPStatus.OK
    assert "old words" in compare.text and "new words" in compare.text


def test_a_coordinator_reverts_an_edit_and_the_site_shows_it(client, coordinator_client):
    practice = practice_on_a_track(description="The first description.")
    edit(coordinator_client, practice, "A mistaken description.")
    assert "A mistaken description." in client.get(practice.get_absolute_url()).text
    older = Version.objects.get_for_object(practice)[1]
    url = reverse("admin:sites_practice_revision", args=[practice.pk, older.pk])
    assert coordinator_client.get(url).status_code == HTTPStatus.OK
    response = coordinator_client.post(url, practice_form(practice, description="The first description."))
    assert response.status_code == HTTPStatus.FOUND
    practice.refresh_from_db()
    assert practice.description == "The first description."
    assert "The first description." in client.get(practice.get_absolute_url()).text


def test_a_deleted_object_is_recovered(client, coordinator_client):
    practice = practice_on_a_track(description="Soon deleted, then back.")
    form = practice_form(practice)
    url = reverse("admin:sites_practice_delete", args=[practice.pk])
    assert coordinator_client.post(url, {"post": "yes"}).status_code == HTTPStatus.FOUND
    assert not Practice.objects.filter(pk=practice.pk).exists()
    recover_list = coordinator_client.get(reverse("admin:sites_practice_recoverlist"))
    assert recover_list.status_code == HTTPStatus.OK
    version = Version.objects.get_deleted(Practice).get(object_id=str(practice.pk))
    recover = reverse("admin:sites_practice_recover", args=[version.pk])
    assert coordinator_client.get(recover).status_code == HTTPStatus.OK
    response = coordinator_client.post(recover, form)
    assert response.status_code == HTTPStatus.FOUND
    assert Practice.objects.get(slug=practice.slug).description == "Soon deleted, then back."
    assert client.get(practice.get_absolute_url()).status_code == HTTPStatus.OK


def test_recent_changes_by_every_coordinator(coordinator_client, django_user_model):
    practice = practice_on_a_track()
    edit(coordinator_client, practice, "Changed by the first coordinator.")
    response = coordinator_client.get(reverse("admin:reversion_revision_changelist"))
    assert response.status_code == HTTPStatus.OK
    assert "coordinator" in response.text
    assert reverse("admin:sites_practice_history", args=[practice.pk]) in response.text
    # Nobody edits or deletes the record of changes.
    revision = Revision.objects.latest("date_created")
    assert (
        coordinator_client.post(
            reverse("admin:reversion_revision_delete", args=[revision.pk]), {"post": "yes"}
        ).status_code
        == HTTPStatus.FORBIDDEN
    )


def test_revisions_are_not_part_of_the_fixtures(coordinator_client, tmp_path):
    edit(coordinator_client, practice_on_a_track(), "Anything.")
    content.export(tmp_path)
    assert all("reversion" not in path.read_text() for path in tmp_path.iterdir())
