"""
What an object owns, and a history that keeps to it: record, compare, revert and recover.

An object owns the rows that point to it with a foreign key that is deleted along with it
(`on_delete=CASCADE`): a cycle its letters, track applications, interview activities and
graduate requirements; a track application its interview days; a pathway its leaders and
sections. Everything here reads that from the models' relations, never from a list: a model
added later with such a key is owned without another step.

django-reversion keeps the values (each content model is registered to follow what it owns,
so a revision of an object holds its rows). Its own revert puts back *every* object stored in
the revision, and its recover finds only what the deleted object's last revision happened to
hold; `Restore` instead puts back exactly one object and the rows it owns, as one version holds
them, and says beforehand what that changes.
"""

import copy
import datetime
import hashlib
from collections import defaultdict

import reversion
from django.contrib.auth import get_permission_codename
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import capfirst
from reversion.models import Revision, Version

from .content import is_content_model

# How coordinators read a moment in the history: to the second, as two edits a minute apart are told apart.
MOMENT = "N j, Y, g:i:s a"


def owned_relations(model):
    """The relations whose rows `model` owns: foreign keys pointing to it that delete their rows with it."""
    return [
        relation
        for relation in model._meta.related_objects
        if (relation.one_to_many or relation.one_to_one)
        and not relation.parent_link
        and relation.on_delete is models.CASCADE
    ]


def kept_relations(model):
    """The owned relations whose rows have a history (content models): what a revision of `model` follows."""
    return [relation for relation in owned_relations(model) if is_content_model(relation.related_model)]


def _key(obj):
    return (type(obj), str(obj.pk))


def owned_rows(obj, relations=kept_relations):
    """Every row `obj` owns, at any depth, each once: one query per relation and level."""
    found = {}
    frontier = {type(obj): {obj.pk}}
    while frontier:
        following = defaultdict(set)
        for model, pks in frontier.items():
            for relation in relations(model):
                rows = relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": pks})
                for row in rows.order_by("pk"):
                    if _key(row) not in found and _key(row) != _key(obj):
                        found[_key(row)] = row
                        following[type(row)].add(row.pk)
        frontier = following
    return list(found.values())


def _serialized(objects):
    return serializers.serialize("json", objects, use_natural_foreign_keys=False)


# --- Edit conflicts -------------------------------------------------------------------------------


def state_token(obj):
    """A token of what `obj` and its rows hold now, with the moment it was taken; "absent" for no object."""
    if obj is None or obj.pk is None:
        return f"absent.{timezone.now().timestamp():.6f}"
    digest = hashlib.sha256(_serialized([obj, *owned_rows(obj)]).encode()).hexdigest()
    return f"{digest}.{timezone.now().timestamp():.6f}"


def _parse_token(token):
    digest, _, moment = (token or "").partition(".")
    try:
        taken = datetime.datetime.fromtimestamp(float(moment), tz=datetime.UTC)
    except (ValueError, OverflowError, OSError):
        taken = None
    return digest, taken


def same_state(token, current_token):
    """Whether the state a form was opened on (`token`) is still the state now (`current_token`)."""
    return _parse_token(token)[0] == _parse_token(current_token)[0]


def revisions_of(obj, rows=None):
    """Revisions that hold `obj` or any row it owns, newest first."""
    rows = owned_rows(obj) if rows is None else rows
    by_model = defaultdict(set)
    for row in [obj, *rows]:
        by_model[type(row)].add(str(row.pk))
    query = models.Q()
    for model, ids in by_model.items():
        query |= models.Q(pk__in=Version.objects.get_for_model(model).filter(object_id__in=ids).values("revision_id"))
    return Revision.objects.filter(query).select_related("user").order_by("-date_created", "-pk")


def conflict_message(obj, token):
    """Why a form opened on `token` may not be saved over what `obj` holds now: who changed what, and when."""
    _, opened = _parse_token(token)
    since = revisions_of(obj)
    if opened is not None:
        since = since.filter(date_created__gt=opened)
    lines = [
        f"{revision.user.get_username() if revision.user else 'a command'} on "
        f"{_moment(revision.date_created)}: {revision.get_comment() or 'changed it'}"
        for revision in since[:5]
    ]
    who = "; ".join(lines) if lines else "outside the admin (a command or a load), with no record of who"
    return (
        f"Someone else saved this {obj._meta.verbose_name} after you opened it: {who}. "
        "Nothing you typed was saved, and it is all still below. Check their change (History, top right), "
        "then Save again to put yours over theirs, or reload the page to start from theirs."
    )


def _moment(value):
    return date_format(timezone.localtime(value), MOMENT)


# --- Recording ------------------------------------------------------------------------------------


def record(objects, user=None, comment=""):
    """
    Store `objects` (with the rows each owns) as a revision of their own, at once. Used before a deletion:
    a revision is only saved for objects that still exist when it closes, so the deleted ones must be
    recorded before they go. Must not be called inside another revision (it would be merged into it).
    """
    objects = [obj for obj in objects if obj.pk is not None]
    if not objects:
        return
    if reversion.is_active():
        raise RuntimeError("history.record() inside another revision would be saved only after the deletion")
    with reversion.create_revision(manage_manually=True):
        reversion.set_user(user)
        reversion.set_comment(comment)
        for obj in objects:
            reversion.add_to_revision(obj)


def record_unrecorded(objects, comment="As it was before its first change in admin"):
    """A first revision, with their rows, for objects that have none (content made outside the admin)."""
    objects = list(objects)
    recorded = set()
    for model in {type(obj) for obj in objects}:
        ids = [str(obj.pk) for obj in objects if type(obj) is model]
        recorded |= {
            (model, object_id)
            for object_id in Version.objects.get_for_model(model)
            .filter(object_id__in=ids)
            .values_list("object_id", flat=True)
        }
    record([obj for obj in objects if _key(obj) not in recorded], comment=comment)


# --- One version, with its rows --------------------------------------------------------------------


def version_tree(version):
    """
    The version and the versions of the rows its object owned then, from the same revision:
    {(model, object id): Version}, the object first and each row after the row that owns it.
    """
    by_model = defaultdict(list)
    for other in version.revision.version_set.select_related("content_type").order_by("pk"):
        if other.pk != version.pk and other._model is not None:
            by_model[other._model].append(other)
    tree = {(version._model, version.object_id): version}
    frontier = [(version._model, version.object_id)]
    while frontier:
        model, object_id = frontier.pop(0)
        for relation in kept_relations(model):
            for other in by_model.get(relation.related_model, ()):
                key = (other._model, other.object_id)
                if key not in tree and str(other.field_dict.get(relation.field.attname)) == object_id:
                    tree[key] = other
                    frontier.append(key)
    return tree


def _values(obj):
    """The fields history keeps, as `Version.field_dict` gives them (many-to-many as sorted ids)."""
    values = {field.attname: field.value_from_object(obj) for field in obj._meta.concrete_fields}
    for field in obj._meta.many_to_many:
        values[field.attname] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return values


def _version_values(version):
    values = dict(version.field_dict)
    for field in version._model._meta.many_to_many:
        if field.attname in values:
            values[field.attname] = sorted(values[field.attname])
    return values


def _shown(field, value):
    if value in (None, "", []):
        return "(empty)"
    if field.many_to_many:
        names = [str(obj) for obj in field.related_model._base_manager.filter(pk__in=value)]
        return ", ".join(names) or "(none)"
    if field.is_relation:
        target = field.related_model._base_manager.filter(pk=value).first()
        return str(target) if target is not None else f"(deleted, #{value})"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime.datetime):
        return _moment(value)
    if isinstance(value, datetime.date):
        return date_format(value, "l F j, Y")
    text = str(value)
    return text if len(text) <= 80 else f"{text[:79]}…"


def field_changes(model, before, after, skip=()):
    """[(field, shown before, shown after)] for each field history keeps that differs between two value dicts."""
    changes = []
    for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
        if field.primary_key or not field.editable or field.name in skip or field.attname not in after:
            continue
        if before.get(field.attname) != after.get(field.attname):
            changes.append((field, _shown(field, before.get(field.attname)), _shown(field, after[field.attname])))
    return changes


class RestoreError(Exception):
    """A version that cannot be put back as it is, with the reason in a coordinator's words."""


class Restore:
    """
    Put one object and the rows it owns back as `version` holds them: rows added since are removed,
    rows removed since come back, and nothing else in the version's revision changes. Fields in
    `keep` stay as they are now (whether a cycle is published has its own buttons).
    """

    def __init__(self, version, keep=(), prepare=None):
        self.version = version
        self.model = version._model
        self.keep = tuple(keep)
        self.prepare = prepare
        self.current = self.model._base_manager.filter(pk=version.object_id).first()
        self.tree = version_tree(version)
        now = [self.current, *owned_rows(self.current)] if self.current is not None else []
        self.now = {(type(obj), str(obj.pk)): obj for obj in now}
        self.root_key = (self.model, version.object_id)
        self.removed = [obj for key, obj in self.now.items() if key not in self.tree]
        self.added, self.changed = [], []
        for key, row_version in self.tree.items():
            if key not in self.now:
                self.added.append(row_version)
            elif key == self.root_key or _values(self.now[key]) != _version_values(row_version):
                self.changed.append(row_version)

    @property
    def recovering(self):
        return self.current is None

    def models(self):
        """{model: {"add", "change", "delete"}}: the rights a coordinator needs to make this change."""
        needed = defaultdict(set)
        for row_version in self.added:
            needed[row_version._model] |= {"add", "change"} if row_version is self.version else {"add"}
        for row_version in self.changed:
            needed[row_version._model].add("change")
        for obj in self.removed:
            needed[type(obj)].add("delete")
        return needed

    def refused_for(self, user):
        """The rights `user` lacks for this change, in words, or an empty list."""
        missing = []
        for model, actions in self.models().items():
            for action in sorted(actions):
                if not user.has_perm(f"{model._meta.app_label}.{get_permission_codename(action, model._meta)}"):
                    missing.append(f"{action} {model._meta.verbose_name_plural}")
        return missing

    def _object(self, row_version):
        # A copy: the version's own object stays as stored (its field_dict is read from it).
        obj = copy.copy(row_version._object_version.object)
        if row_version is self.version:
            if self.current is not None:
                for name in self.keep:
                    setattr(obj, name, getattr(self.current, name))
            elif self.prepare is not None:
                self.prepare(obj)
        return obj

    def changes(self):
        """What saving this version changes against the current state, as sentences for the revert page."""
        lines = []
        root_version = self.version
        if self.current is None:
            lines.append(f"Brings back the {self.model._meta.verbose_name} “{root_version.object_repr}”.")
            obj = self._object(root_version)
            for name in self.keep:
                if getattr(obj, name) != root_version.field_dict.get(name):
                    field = self.model._meta.get_field(name)
                    lines.append(
                        f"{capfirst(field.verbose_name)}: comes back as {_shown(field, getattr(obj, name))} "
                        f"(it was {_shown(field, root_version.field_dict.get(name))}); use the buttons to change it."
                    )
        else:
            for field, before, after in field_changes(
                self.model, _values(self.current), _version_values(root_version), skip=self.keep
            ):
                lines.append(f"{capfirst(field.verbose_name)}: “{before}” becomes “{after}”.")
            kept = [
                self.model._meta.get_field(name)
                for name in self.keep
                if getattr(self.current, name) != root_version.field_dict.get(name)
            ]
            if kept:
                names = ", ".join(str(field.verbose_name) for field in kept)
                lines.append(f"Kept as it is now: {names} (changed with its own buttons, never by a revert).")
        for row_version in self.added:
            if row_version is not root_version:
                lines.append(f"Brings back {row_version._model._meta.verbose_name} “{row_version.object_repr}”.")
        for obj in self.removed:
            lines.append(f"Removes {obj._meta.verbose_name} “{obj}”, added since.")
        for row_version in self.changed:
            if row_version is root_version:
                continue
            current = self.now[(row_version._model, row_version.object_id)]
            fields = field_changes(row_version._model, _values(current), _version_values(row_version))
            described = "; ".join(
                f"{field.verbose_name} “{before}” becomes “{after}”" for field, before, after in fields
            )
            lines.append(f"Changes {row_version._model._meta.verbose_name} “{current}”: {described}.")
        return lines

    def _check_references(self, objects):
        """Refuse rows that refer to an object deleted since (outside what is being put back)."""
        wanted = set(self.tree)
        for obj in objects:
            for field in obj._meta.concrete_fields:
                value = getattr(obj, field.attname)
                if not field.many_to_one or value is None or (field.related_model, str(value)) in wanted:
                    continue
                if not field.related_model._base_manager.filter(pk=value).exists():
                    last = Version.objects.get_for_object_reference(field.related_model, value).first()
                    name = f"“{last.object_repr}”" if last else f"#{value}"
                    raise RestoreError(
                        f"“{obj}” refers to the {field.related_model._meta.verbose_name} {name}, which has been "
                        "deleted since: recover it first."
                    )

    @transaction.atomic
    def apply(self):
        """Make the change (inside the caller's revision, so it is recorded with who made it)."""
        to_save = [(row_version, self._object(row_version)) for row_version in [*self.changed, *self.added]]
        order = {key: position for position, key in enumerate(self.tree)}
        to_save.sort(key=lambda pair: order[(pair[0]._model, pair[0].object_id)])
        self._check_references([obj for _, obj in to_save])
        by_model = defaultdict(list)
        for obj in self.removed:
            by_model[type(obj)].append(obj.pk)
        for model, pks in by_model.items():
            model._base_manager.filter(pk__in=pks).delete()
        errors = []
        for _, obj in to_save:
            obj._state.adding = False
            try:
                obj.validate_unique()
                obj.validate_constraints()
            except ValidationError as error:
                errors.append(f"“{obj}”: {' '.join(error.messages)}")
        if errors:
            raise RestoreError("This version cannot be put back as it is: " + " ".join(errors))
        for row_version, obj in to_save:
            try:
                obj.save()
            except ValidationError as error:
                raise RestoreError(f"“{obj}”: {' '.join(error.messages)}") from error
            for name, ids in row_version._object_version.m2m_data.items():
                field = obj._meta.get_field(name)
                getattr(obj, name).set(field.related_model._base_manager.filter(pk__in=ids))
        return self.model._base_manager.get(pk=self.version.object_id)


# --- Compare ----------------------------------------------------------------------------------------


def row_changes(version1, version2):
    """
    How the rows the object owned differ between two of its versions, by relation:
    [(relation's name, [(kind, text)])] with kind "added", "removed" or "changed".
    """
    older, newer = version_tree(version1), version_tree(version2)
    groups = defaultdict(list)
    for key in sorted(set(older) | set(newer), key=lambda key: (key[0]._meta.label, _number(key[1]))):
        model = key[0]
        if key == (version1._model, version1.object_id):
            continue
        name = capfirst(model._meta.verbose_name_plural)
        if key not in older:
            groups[name].append(("added", newer[key].object_repr))
        elif key not in newer:
            groups[name].append(("removed", older[key].object_repr))
        else:
            fields = field_changes(model, _version_values(older[key]), _version_values(newer[key]))
            if fields:
                described = "; ".join(f"{field.verbose_name} “{a}” → “{b}”" for field, a, b in fields)
                groups[name].append(("changed", f"{newer[key].object_repr}: {described}"))
    return list(groups.items())


def _number(text):
    return (0, int(text), "") if text.isdigit() else (1, 0, text)
