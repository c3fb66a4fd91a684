"""
The site's content as fixtures: one JSON file per content app.

A content app says so on its AppConfig (`content = True`); everything that needs the list of
content (export and load, the page-cache signals, the coordinators' rights, the tests) reads it
from here. An app that has models but holds no content says `content = False`.

`load_content` and `export_content` both read this module, so the file set, the order of
models and the order of objects inside each model are decided here once.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import transaction

from .pagecache import content_changed, one_change


class ContentError(Exception):
    """A fixture that cannot be loaded, with the file and the object at fault."""


def content_apps():
    """The app configs that hold site content, in the order of INSTALLED_APPS."""
    return [config for config in apps.get_app_configs() if getattr(config, "content", False)]


def content_models(app_configs=None):
    """The content models, each after the models it refers to (so a load can go in this order)."""
    app_configs = content_apps() if app_configs is None else app_configs
    return serializers.sort_dependencies([(config, None) for config in app_configs], allow_cycles=True)


def is_content_model(model):
    return getattr(model._meta.app_config, "content", False)


def fixture_paths(directory):
    return [Path(directory) / f"{config.label}.json" for config in content_apps()]


def _sorted_objects(model):
    return sorted(model._default_manager.all(), key=lambda obj: obj.natural_key())


def dump(app_config):
    """The app's content as fixture text: natural keys, objects sorted by them, two-space indent."""
    objects = [obj for model in content_models([app_config]) for obj in _sorted_objects(model)]
    text = serializers.serialize(
        "json", objects, indent=2, use_natural_foreign_keys=True, use_natural_primary_keys=True
    )
    # Django ends indented output with a newline of its own; make sure of exactly one.
    return text.rstrip("\n") + "\n"


def export(directory):
    """Write every content app's fixture into `directory`; returns the paths written."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = fixture_paths(directory)
    for config, path in zip(content_apps(), paths, strict=True):
        path.write_text(dump(config), encoding="utf-8")
    return paths


def has_content():
    """Whether any content has been loaded or entered."""
    return any(model._default_manager.exists() for model in content_models())


def snapshot():
    """Every content object as the fixtures hold it: {(model label, natural key): fields}."""
    state = {}
    for model in content_models():
        objects = _sorted_objects(model)
        for obj, raw in zip(
            objects, serializers.serialize("python", objects, use_natural_foreign_keys=True), strict=True
        ):
            state[(model._meta.label_lower, obj.natural_key())] = raw["fields"]
    return state


@dataclass
class Summary:
    """What a load did (or, in a dry run, would do): the content objects added, changed and deleted."""

    added: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    deleted: list = field(default_factory=list)

    @classmethod
    def between(cls, before, after):
        return cls(
            added=sorted(key for key in after if key not in before),
            changed=sorted(key for key in after if key in before and after[key] != before[key]),
            deleted=sorted(key for key in before if key not in after),
        )

    @property
    def total(self):
        return len(self.added) + len(self.changed) + len(self.deleted)

    def __str__(self):
        return f"{len(self.added)} added, {len(self.changed)} changed, {len(self.deleted)} deleted"


def _describe(position, raw):
    fields = raw.get("fields", {}) if isinstance(raw, dict) else {}
    fields = fields if isinstance(fields, dict) else {}
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


def _check_is_content(where, raw):
    label = raw.get("model") if isinstance(raw, dict) else None
    try:
        model = apps.get_model(label) if isinstance(label, str) else None
    except (LookupError, ValueError):
        model = None
    if model is None:
        raise ContentError(f"{where}: {label!r} is not a model of this site")
    if not is_content_model(model):
        allowed = ", ".join(config.label for config in content_apps())
        raise ContentError(
            f"{where}: {model._meta.label_lower} is not site content and is never loaded "
            f"(fixtures hold only the models of {allowed})"
        )


@transaction.atomic
def load(directory, dry_run=False):
    """
    Make the database's content exactly what the fixtures in `directory` hold: add, update and
    delete, validating each object, all in one transaction. On any error nothing is changed;
    loading the same files again changes nothing. With `dry_run`, work out the changes and undo them.
    Returns a Summary of what changed.
    """
    with one_change():
        summary = _sync(directory)
    if dry_run:
        transaction.set_rollback(True)
    elif summary.total:
        content_changed()
    return summary


def _sync(directory):
    before = snapshot()
    deferred = []
    kept = {model: set() for model in content_models()}
    for path in fixture_paths(directory):
        for position, raw in enumerate(_read(path), start=1):
            where = f"{path}: {_describe(position, raw)}"
            _check_is_content(where, raw)
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
            kept[type(deserialized.object)].add(deserialized.object.pk)
    for where, deserialized in deferred:
        try:
            deserialized.save_deferred_fields()
        except Exception as error:
            raise ContentError(f"{where}: {_reason(error)}") from error
    _delete_all_but(kept)
    return Summary.between(before, snapshot())


def _delete_all_but(kept):
    """Delete what the fixtures no longer hold, children before the parents they protect."""
    for model in reversed(list(kept)):
        stale = model._default_manager.exclude(pk__in=kept[model])
        try:
            stale.delete()
        except Exception as error:
            names = ", ".join(str(obj) for obj in stale[:5])
            raise ContentError(f"{model._meta.label_lower} {names}: cannot be deleted: {_reason(error)}") from error


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
