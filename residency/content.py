"""
The site's content as fixtures: one JSON file per content app.

A content app says so on its AppConfig (`content = True`); everything that needs the list of
content (export and load, the page-cache signals, the coordinators' rights, the tests) reads it
from here. An app that has models but holds no content says `content = False`.

`load_content` and `export_content` both read this module, so the file set, the order of
models and the order of objects inside each model are decided here once.

Each export and each load records the content as it then is (`ContentBaseline`, a digest per
object). A later load that would change or delete an object created or changed since (work done
in admin, not yet exported) stops, changes nothing and names those objects, unless told to
discard them. Each load is recorded in the history, and objects deleted by it can be recovered.
"""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import ContentBaseline
from .pagecache import content_changed, one_change


class ContentError(Exception):
    """A fixture that cannot be loaded, with the file and the object at fault."""


class UnexportedWork(ContentError):
    """A load would throw away objects created or changed since the last export or load."""

    def __init__(self, lost, names):
        self.lost = lost
        lines = [
            f"  {label} {'/'.join(map(str, key))} ({names.get((label, key), '')}): {kind}"
            for (label, key), kind in sorted(lost.items())
        ]
        super().__init__(
            f"{len(lost)} object{'s' if len(lost) != 1 else ''} created or changed since the last export or load "
            "would be lost:\n" + "\n".join(lines) + "\nExport them first (make export, then commit the fixtures), "
            "or load with --discard-unexported to throw them away."
        )


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
    """Write every content app's fixture into `directory`, and remember the content as exported; returns the paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = fixture_paths(directory)
    for config, path in zip(content_apps(), paths, strict=True):
        path.write_text(dump(config), encoding="utf-8")
    remember(snapshot())
    return paths


def has_content():
    """Whether any content has been loaded or entered."""
    return any(model._default_manager.exists() for model in content_models())


def snapshot(names=None):
    """
    Every content object as the fixtures hold it: {(model label, natural key): fields}, the values as
    the JSON files write them (a time to the millisecond), so an export loads back unchanged. `names`,
    a dict, is filled with each object's name.
    """
    state = {}
    for model in content_models():
        objects = _sorted_objects(model)
        text = serializers.serialize("json", objects, use_natural_foreign_keys=True)
        for obj, raw in zip(objects, json.loads(text), strict=True):
            key = (model._meta.label_lower, obj.natural_key())
            state[key] = raw["fields"]
            if names is not None:
                names[key] = str(obj)
    return state


def _digest(fields):
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def _baseline_key(key):
    label, natural_key = key
    return f"{label} {json.dumps(list(natural_key))}"


def remember(state):
    """Record `state` as the content last exported or loaded."""
    digests = {_baseline_key(key): _digest(fields) for key, fields in state.items()}
    ContentBaseline.objects.all().delete()
    ContentBaseline.objects.create(taken_at=timezone.now(), digests=digests)


def unexported(state):
    """
    {key: "created" or "changed"}: the objects of `state` created or changed since the last export or
    load. With no record of one, any content is unexported work (None: nothing can be told apart).
    """
    baseline = ContentBaseline.objects.first()
    if baseline is None:
        return None
    work = {}
    for key, fields in state.items():
        digest = baseline.digests.get(_baseline_key(key))
        if digest is None:
            work[key] = "created since"
        elif digest != _digest(fields):
            work[key] = "changed since"
    return work


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
def load(directory, dry_run=False, discard_unexported=False):
    """
    Make the database's content exactly what the fixtures in `directory` hold: add, update and
    delete, validating each object, all in one transaction. On any error nothing is changed;
    loading the same files again changes nothing. With `dry_run`, work out the changes and undo them.

    A load that would change or delete objects created or changed since the last export or load
    raises UnexportedWork (nothing changed) unless `discard_unexported`. Returns a Summary.
    """
    names = {}
    before = snapshot(names)
    work = unexported(before) if has_content() else {}
    with one_change():
        summary, after = _sync(directory, before)
    if work is None:
        # Content with no record of an export or load: everything the load would change is at stake.
        work = dict.fromkeys(before, "never exported")
    lost = {key: kind for key, kind in work.items() if after.get(key) != before[key]}
    if lost and not discard_unexported:
        raise UnexportedWork(lost, names)
    if dry_run:
        transaction.set_rollback(True)
        return summary
    _record_load(directory, summary)
    remember(after)
    if summary.total:
        content_changed()
    return summary


def _record_load(directory, summary):
    """A revision of what the load added or changed, and of every object not yet in the history (with its rows)."""
    from .history import record, record_unrecorded

    touched = set(summary.added) | set(summary.changed)
    objects = [obj for model in content_models() for obj in model._default_manager.all()]
    comment = f"Loaded {Path(directory).name or directory}: {summary}"
    record([obj for obj in objects if (obj._meta.label_lower, obj.natural_key()) in touched], comment=comment)
    record_unrecorded(objects, comment=comment)


def _sync(directory, before):
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
    _delete_all_but(kept, directory)
    after = snapshot()
    return Summary.between(before, after), after


def _delete_all_but(kept, directory):
    """Delete what the fixtures no longer hold, children before the parents they protect; recorded first."""
    from .history import record

    gone = [obj for model in kept for obj in model._default_manager.exclude(pk__in=kept[model])]
    record(gone, comment=f"Deleted by loading {Path(directory).name or directory}: not in its fixtures")
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
