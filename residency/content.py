"""
The site's content as fixtures: one JSON file per app, in the order they load.

`load_content` and `export_content` both read this module, so the file set, the order of
models inside each file and the order of objects inside each model are decided here once.
"""

import json
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import transaction

from .pagecache import content_changed

# The apps that hold content, parents first: sites and curriculum refer to programs' tracks,
# applications to tracks too.
CONTENT_APPS = ["programs", "sites", "curriculum", "applications"]


class ContentError(Exception):
    """A fixture that cannot be loaded, with the file and the object at fault."""


def content_models(app_label):
    """The app's models in an order where each comes after the models it refers to."""
    return serializers.sort_dependencies([(apps.get_app_config(app_label), None)], allow_cycles=True)


def fixture_paths(directory):
    return [Path(directory) / f"{app_label}.json" for app_label in CONTENT_APPS]


def dump(app_label):
    """The app's content as fixture text: natural keys, objects sorted by them, two-space indent."""
    objects = []
    for model in content_models(app_label):
        objects.extend(sorted(model._default_manager.all(), key=lambda obj: obj.natural_key()))
    text = serializers.serialize(
        "json", objects, indent=2, use_natural_foreign_keys=True, use_natural_primary_keys=True
    )
    # Django ends indented output with a newline of its own; make sure of exactly one.
    return text.rstrip("\n") + "\n"


def export(directory):
    """Write every app's fixture into `directory`; returns the paths written."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = fixture_paths(directory)
    for app_label, path in zip(CONTENT_APPS, paths, strict=True):
        path.write_text(dump(app_label), encoding="utf-8")
    return paths


def has_content():
    """Whether any content has been loaded or entered."""
    return any(model._default_manager.exists() for app in CONTENT_APPS for model in content_models(app))


def _describe(position, raw):
    fields = raw.get("fields", {}) if isinstance(raw, dict) else {}
    model = raw.get("model", "?") if isinstance(raw, dict) else "?"
    key = fields.get("slug") or fields.get("date") or fields.get("track") or fields.get("person")
    return f"object {position} ({model}{f' {key}' if key else ''})"


def _read(path):
    try:
        raw_objects = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ContentError(f"{path}: cannot be read as JSON: {error}") from error
    if not isinstance(raw_objects, list):
        raise ContentError(f"{path}: a fixture is a JSON list of objects")
    return raw_objects


@transaction.atomic
def load(directory):
    """
    Load every fixture in `directory`, validating each object, all in one transaction:
    on any error nothing is changed. Loading the same files again changes nothing.
    Returns the number of objects loaded.
    """
    deferred = []
    count = 0
    for path in fixture_paths(directory):
        for position, raw in enumerate(_read(path), start=1):
            where = f"{path}: {_describe(position, raw)}"
            try:
                (deserialized,) = serializers.deserialize("python", [raw], handle_forward_references=True)
                if deserialized.object.pk is not None:
                    # Found by its natural key: an update, so its own row is no clash.
                    deserialized.object._state.adding = False
                deserialized.object.full_clean(exclude=[field.name for field in deserialized.deferred_fields])
                deserialized.save()
            except ValidationError as error:
                raise ContentError(f"{where}: {'; '.join(_messages(error))}") from error
            except Exception as error:  # The deserializer wraps what went wrong, often with no message of its own.
                raise ContentError(f"{where}: {_reason(error)}") from error
            if deserialized.deferred_fields:
                deferred.append((where, deserialized))
            count += 1
    for where, deserialized in deferred:
        try:
            deserialized.save_deferred_fields()
        except Exception as error:
            raise ContentError(f"{where}: {_reason(error)}") from error
    content_changed()
    return count


def _messages(error):
    if hasattr(error, "error_dict"):
        return [f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()]
    return error.messages


def _reason(error):
    reasons = []
    while error is not None:
        if str(error) and str(error) not in reasons:
            reasons.append(str(error))
        error = error.__cause__ or error.__context__
    return " ← ".join(reasons) or type(error).__name__
