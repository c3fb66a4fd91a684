"""Staff export the content back into fixtures; loading them is validated, atomic and idempotent."""

import json
import shutil

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from residency import content
from sites.models import Practice

pytestmark = pytest.mark.django_db

FIXTURES = settings.CONTENT_FIXTURES_DIR


def read_tree(directory):
    return {path.name: path.read_bytes() for path in sorted(directory.glob("*.json"))}


def test_export_reproduces_the_fixtures_byte_for_byte(tmp_path):
    call_command("export_content", output=tmp_path)
    assert read_tree(tmp_path) == read_tree(FIXTURES)


def test_exported_files_use_natural_keys_and_end_with_a_newline(tmp_path):
    call_command("export_content", output=tmp_path)
    text = (tmp_path / "sites.json").read_text()
    assert text.endswith("]\n")
    assert '"pk"' not in text
    assert not text.endswith("\n\n")
    assert '"tracks": [\n      [\n        "categorical"\n      ],' in text


def test_loading_twice_changes_nothing(tmp_path):
    before = {model: model.objects.count() for app in content.CONTENT_APPS for model in content.content_models(app)}
    call_command("load_content")
    call_command("load_content")
    after = {model: model.objects.count() for app in content.CONTENT_APPS for model in content.content_models(app)}
    assert after == before
    call_command("export_content", output=tmp_path)
    assert read_tree(tmp_path) == read_tree(FIXTURES)


def test_loading_restores_a_coordinators_unexported_edit():
    Practice.objects.filter(slug="chelsea-healthcare-center").update(residents_min=5)
    call_command("load_content")
    assert Practice.objects.get(slug="chelsea-healthcare-center").residents_min == 2


def test_a_coordinators_edit_is_a_small_diff(tmp_path):
    Practice.objects.filter(slug="chelsea-healthcare-center").update(residents_max=12)
    call_command("export_content", output=tmp_path)
    before = (FIXTURES / "sites.json").read_text().splitlines()
    after = (tmp_path / "sites.json").read_text().splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [('    "residents_max": 10,', '    "residents_max": 12,')]


def broken_copy(tmp_path, filename, change):
    directory = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, directory)
    objects = json.loads((directory / filename).read_text())
    change(objects)
    (directory / filename).write_text(json.dumps(objects))
    return directory


def find(objects, model, slug):
    return next(obj for obj in objects if obj["model"] == model and obj["fields"].get("slug") == slug)


def assert_fails_and_changes_nothing(directory, *expected, tmp_path):
    # Change something first, so that "nothing changed" also covers files loaded before the broken one.
    Practice.objects.filter(slug="chelsea-healthcare-center").update(residents_min=5)
    before = tmp_path / "before"
    content.export(before)
    with pytest.raises(CommandError) as error:
        call_command("load_content", fixtures=directory)
    for words in expected:
        assert words in str(error.value)
    after = tmp_path / "after"
    content.export(after)
    assert read_tree(after) == read_tree(before)


def test_broken_reference_fails_naming_the_file_and_object(tmp_path):
    def change(objects):
        find(objects, "sites.practice", "chelsea-healthcare-center")["fields"]["tracks"].append(["no-such-track"])

    directory = broken_copy(tmp_path, "sites.json", change)
    assert_fails_and_changes_nothing(
        directory, "sites.json", "sites.practice chelsea-healthcare-center", "no-such-track", tmp_path=tmp_path
    )


def test_invalid_value_fails_naming_the_file_object_and_field(tmp_path):
    def change(objects):
        find(objects, "applications.letterrequirement", "additional-letters")["fields"]["count_max"] = -3

    directory = broken_copy(tmp_path, "applications.json", change)
    assert_fails_and_changes_nothing(
        directory,
        "applications.json",
        "applications.letterrequirement additional-letters",
        "count_max",
        tmp_path=tmp_path,
    )


def test_broken_range_fails_with_the_models_own_message(tmp_path):
    def change(objects):
        find(objects, "sites.practice", "beacon-hill-primary-care")["fields"]["residents_max"] = 1

    directory = broken_copy(tmp_path, "sites.json", change)
    assert_fails_and_changes_nothing(
        directory, "sites.practice beacon-hill-primary-care", "cannot be fewer than the fewest", tmp_path=tmp_path
    )


def test_unknown_field_fails(tmp_path):
    def change(objects):
        find(objects, "programs.track", "categorical")["fields"]["colour"] = "blue"

    directory = broken_copy(tmp_path, "programs.json", change)
    assert_fails_and_changes_nothing(directory, "programs.json", "programs.track categorical", tmp_path=tmp_path)


def test_malformed_json_fails_naming_the_file(tmp_path):
    directory = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, directory)
    (directory / "curriculum.json").write_text('[{"model": ')
    assert_fails_and_changes_nothing(directory, "curriculum.json", "cannot be read as JSON", tmp_path=tmp_path)


def test_missing_file_fails_naming_it(tmp_path):
    directory = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, directory)
    (directory / "applications.json").unlink()
    assert_fails_and_changes_nothing(directory, "applications.json", tmp_path=tmp_path)
