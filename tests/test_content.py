"""Staff export the content back into fixtures; loading them is a validated, atomic sync."""

import io
import json
import shutil

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from applications.factories import InterviewDateFactory
from applications.models import InterviewDate, TrackApplication
from residency import content
from sites.models import Practice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixtures_folder(request, settings, tmp_path):
    """
    The folder load_content and export_content use by default: the sample site's export, as if it
    were fixtures/; the tests marked `content` keep the real fixtures/.
    """
    if request.node.get_closest_marker("content") is None:
        settings.CONTENT_FIXTURES_DIR = content.export(tmp_path / "exported")[0].parent
    return settings.CONTENT_FIXTURES_DIR


def read_tree(directory):
    return {path.name: path.read_bytes() for path in sorted(directory.glob("*.json"))}


@pytest.mark.content
def test_export_reproduces_the_fixtures_byte_for_byte(tmp_path):
    call_command("export_content", output=tmp_path)
    assert read_tree(tmp_path) == read_tree(settings.CONTENT_FIXTURES_DIR)


@pytest.mark.content
def test_the_fixtures_load_into_an_empty_database_and_export_the_same(tmp_path):
    for model in reversed(content.content_models()):
        model._default_manager.all().delete()
    assert not content.has_content()
    summary = content.load(settings.CONTENT_FIXTURES_DIR)
    assert summary.added and not summary.changed and not summary.deleted
    assert read_tree(content.export(tmp_path)[0].parent) == read_tree(settings.CONTENT_FIXTURES_DIR)


def test_exported_files_use_natural_keys_and_end_with_a_newline(tmp_path):
    call_command("export_content", output=tmp_path)
    text = (tmp_path / "sites.json").read_text()
    assert text.endswith("]\n")
    assert '"pk"' not in text
    assert not text.endswith("\n\n")
    track = Practice.objects.first().tracks.first()
    assert f'"tracks": [\n      [\n        "{track.slug}"\n      ]' in text


def load(**options):
    """Run load_content as staff would; returns what it printed."""
    out = io.StringIO()
    call_command("load_content", stdout=out, **options)
    return out.getvalue()


def test_loading_twice_changes_nothing(tmp_path):
    before = content.snapshot()
    assert "0 added, 0 changed, 0 deleted" in load()
    assert "0 added, 0 changed, 0 deleted" in load()
    assert content.snapshot() == before
    call_command("export_content", output=tmp_path)
    assert read_tree(tmp_path) == read_tree(settings.CONTENT_FIXTURES_DIR)


def test_loading_keeps_a_coordinators_unexported_edit_and_names_it():
    practice = Practice.objects.first()
    Practice.objects.filter(pk=practice.pk).update(residents_min=practice.residents_min + 1)
    before = content.snapshot()
    with pytest.raises(CommandError) as error:
        load()
    assert practice.name in str(error.value) and "--discard-unexported" in str(error.value)
    assert content.snapshot() == before


def test_loading_with_discard_unexported_restores_the_fixtures():
    practice = Practice.objects.first()
    Practice.objects.filter(pk=practice.pk).update(residents_min=practice.residents_min + 1)
    assert "0 added, 1 changed, 0 deleted" in load(discard_unexported=True)
    practice_after = Practice.objects.get(pk=practice.pk)
    assert practice_after.residents_min == practice.residents_min


def test_loading_removes_what_the_fixtures_no_longer_hold(tmp_path):
    gone = Practice.objects.first()
    directory = broken_copy(
        tmp_path, "sites.json", lambda objects: objects.remove(find(objects, "sites.practice", gone.slug))
    )
    assert "0 added, 0 changed, 1 deleted" in load(fixtures=directory)
    assert not Practice.objects.filter(slug=gone.slug).exists()
    # Loading the repository's fixtures again brings it back: git is a rollback.
    assert "1 added, 0 changed, 0 deleted" in load()
    assert Practice.objects.filter(slug=gone.slug).exists()


def test_loading_drops_content_added_since_the_export_only_when_told():
    before = InterviewDate.objects.count()
    InterviewDateFactory(track_application=TrackApplication.objects.first())
    with pytest.raises(CommandError, match="created since"):
        load()
    assert InterviewDate.objects.count() == before + 1
    assert "0 added, 0 changed, 1 deleted" in load(discard_unexported=True)
    assert InterviewDate.objects.count() == before


def test_dry_run_says_what_would_change_and_changes_nothing(tmp_path):
    gone = Practice.objects.first()
    directory = broken_copy(
        tmp_path, "sites.json", lambda objects: objects.remove(find(objects, "sites.practice", gone.slug))
    )
    before = content.snapshot()
    assert "0 added, 0 changed, 1 deleted" in load(fixtures=directory, dry_run=True)
    assert content.snapshot() == before


def test_fixture_text_is_stored_with_plain_line_endings(tmp_path):
    practice = Practice.objects.first()

    def change(objects):
        find(objects, "sites.practice", practice.slug)["fields"]["description"] = "One.\r\n\r\nTwo."

    load(fixtures=broken_copy(tmp_path, "sites.json", change))
    practice.refresh_from_db()
    assert practice.description == "One.\n\nTwo."


def test_a_coordinators_edit_is_a_small_diff(tmp_path):
    practice = Practice.objects.filter(residents_max__isnull=False).first()
    Practice.objects.filter(pk=practice.pk).update(residents_max=practice.residents_max + 2)
    call_command("export_content", output=tmp_path)
    before = (settings.CONTENT_FIXTURES_DIR / "sites.json").read_text().splitlines()
    after = (tmp_path / "sites.json").read_text().splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [
        (f'    "residents_max": {practice.residents_max},', f'    "residents_max": {practice.residents_max + 2},')
    ]


def broken_copy(tmp_path, filename, change):
    directory = tmp_path / "fixtures"
    shutil.copytree(settings.CONTENT_FIXTURES_DIR, directory)
    objects = json.loads((directory / filename).read_text())
    change(objects)
    (directory / filename).write_text(json.dumps(objects))
    return directory


def find(objects, model, slug=None):
    """The object of `model` with `slug` in a fixture's objects; the first of that model without one."""
    return next(obj for obj in objects if obj["model"] == model and slug in (None, obj["fields"].get("slug")))


def assert_fails_and_changes_nothing(directory, *expected, tmp_path):
    # Change something first, so that "nothing changed" also covers files loaded before the broken one.
    Practice.objects.filter(pk=Practice.objects.first().pk).update(description="Edited, not exported.")
    before = tmp_path / "before"
    content.export(before)
    with pytest.raises(CommandError) as error:
        call_command("load_content", fixtures=directory, discard_unexported=True)
    for words in expected:
        assert words in str(error.value)
    after = tmp_path / "after"
    content.export(after)
    assert read_tree(after) == read_tree(before)


def test_broken_reference_fails_naming_the_file_and_object(tmp_path):
    practice = Practice.objects.first()

    def change(objects):
        find(objects, "sites.practice", practice.slug)["fields"]["tracks"].append(["no-such-track"])

    directory = broken_copy(tmp_path, "sites.json", change)
    assert_fails_and_changes_nothing(
        directory, "sites.json", f"sites.practice {practice.slug}", "no-such-track", tmp_path=tmp_path
    )


def test_invalid_value_fails_naming_the_file_object_and_field(tmp_path):
    broken = {}

    def change(objects):
        broken.update(find(objects, "applications.letterrequirement"))
        broken["fields"]["count_max"] = -3

    directory = broken_copy(tmp_path, "applications.json", change)
    assert_fails_and_changes_nothing(
        directory,
        "applications.json",
        f"applications.letterrequirement {broken['fields']['slug']}",
        "count_max",
        tmp_path=tmp_path,
    )


def test_broken_range_fails_with_the_models_own_message(tmp_path):
    practice = Practice.objects.filter(residents_min__gt=1).first()

    def change(objects):
        find(objects, "sites.practice", practice.slug)["fields"]["residents_max"] = practice.residents_min - 1

    directory = broken_copy(tmp_path, "sites.json", change)
    assert_fails_and_changes_nothing(
        directory, f"sites.practice {practice.slug}", "cannot be fewer than the fewest", tmp_path=tmp_path
    )


def test_unknown_field_fails(tmp_path):
    track = {}

    def change(objects):
        track.update(find(objects, "programs.track"))
        track["fields"]["colour"] = "blue"

    directory = broken_copy(tmp_path, "programs.json", change)
    assert_fails_and_changes_nothing(
        directory, "programs.json", f"programs.track {track['fields']['slug']}", tmp_path=tmp_path
    )


def test_malformed_json_fails_naming_the_file(tmp_path):
    directory = tmp_path / "fixtures"
    shutil.copytree(settings.CONTENT_FIXTURES_DIR, directory)
    (directory / "curriculum.json").write_text('[{"model": ')
    assert_fails_and_changes_nothing(directory, "curriculum.json", "cannot be read as JSON", tmp_path=tmp_path)


def test_missing_file_fails_naming_it(tmp_path):
    directory = tmp_path / "fixtures"
    shutil.copytree(settings.CONTENT_FIXTURES_DIR, directory)
    (directory / "applications.json").unlink()
    assert_fails_and_changes_nothing(directory, "applications.json", tmp_path=tmp_path)


def test_a_user_in_the_fixtures_is_refused_and_nothing_changes(tmp_path):
    def change(objects):
        objects.append(
            {
                "model": "auth.user",
                "fields": {"username": "intruder", "password": "x", "is_superuser": True, "is_staff": True},
            }
        )

    directory = broken_copy(tmp_path, "programs.json", change)
    assert_fails_and_changes_nothing(
        directory, "programs.json", "(auth.user)", "auth.user is not site content", tmp_path=tmp_path
    )
    assert not User.objects.filter(username="intruder").exists()


def test_an_unknown_model_is_refused(tmp_path):
    directory = broken_copy(tmp_path, "sites.json", lambda objects: objects.append({"model": "sites.nothing"}))
    assert_fails_and_changes_nothing(directory, "sites.json", "'sites.nothing' is not a model", tmp_path=tmp_path)
