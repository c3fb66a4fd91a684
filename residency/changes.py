"""
When a page's content last changed: the latest `last_changed` of the content objects it shows.

Every content model has `changed_at` (`residency.models.ContentModel`): a save stamps it, fixtures
carry it, `load_content` keeps what they hold. Two writes that are not a save of the object
itself stamp it here, except inside a load (`pagecache.one_change()`), which keeps the fixtures'
times:
- adding or removing a many-to-many link (a clinic's tracks) stamps the object that holds it;
- deleting an object stamps the objects it points to (an interview day's track rule), or, for
  one that points to none (a clinic, a benefit), the others of its kind: their list changed.

A page says what it shows through its template context: `latest()` reads the content objects in
it, with their parents fetched by `select_related` and children by `prefetch_related`, and any
list or dataclass holding them. It reads only what is already fetched, so it runs no query.
"""

import dataclasses

from django.db import models
from django.utils.functional import LazyObject, empty

from . import pagecache
from .models import ContentModel, change_time


def latest(*values):
    """The latest change time of the content objects in `values`, or None when none has one."""
    found = []
    seen = set()
    stack = list(values)
    while stack:
        value = stack.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, LazyObject):
            # A lazily fetched object (the program in every page's header) counts once it has been used.
            if value._wrapped is not empty:
                stack.append(value._wrapped)
        elif isinstance(value, models.Model):
            moment = getattr(value, "last_changed", None)
            if moment is not None:
                found.append(moment)
            stack.extend(value._state.fields_cache.values())
            # Prefetched children (a dict of querysets) and lists fetched with Prefetch(to_attr=…).
            stack.extend(item for item in vars(value).values() if isinstance(item, dict | list))
        elif isinstance(value, models.QuerySet):
            # Only what the page has already fetched: never a query of its own.
            if value._result_cache is not None:
                stack.extend(value._result_cache)
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list | tuple | set | frozenset):
            stack.extend(value)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            stack.extend(vars(value).values())
    return max(found, default=None)


def _stamp(model, pks):
    if pks:
        model._base_manager.filter(pk__in=pks).update(changed_at=change_time())


def on_links_change(sender, instance, action, reverse, model, pk_set, **kwargs):
    """m2m_changed receiver: links added, removed or cleared stamp the objects that hold them."""
    if pagecache.in_one_change() or action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        _stamp(type(instance), [instance.pk])
    elif pk_set:
        _stamp(model, pk_set)


def _parents(instance):
    """The content objects `instance` is shown with: those its foreign keys point to."""
    return [
        (field.related_model, getattr(instance, field.attname))
        for field in instance._meta.concrete_fields
        if field.many_to_one
        and issubclass(field.related_model, ContentModel)
        and getattr(instance, field.attname) is not None
    ]


def on_delete(sender, instance, **kwargs):
    """post_delete receiver: the parent of what was deleted changed; without a parent, the rest of its kind."""
    if pagecache.in_one_change():
        return
    parents = _parents(instance)
    if parents:
        for model, pk in parents:
            _stamp(model, [pk])
    else:
        sender._base_manager.update(changed_at=change_time())
