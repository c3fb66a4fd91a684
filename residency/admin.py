import contextlib
import datetime
import json
from collections import defaultdict

import reversion
from adminsortable2.admin import (
    SortableAdminMixin,
    SortableInlineAdminMixin,
    SortableStackedInline,
    SortableTabularInline,
)
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Revision, Version
from reversion_compare.admin import CompareVersionAdmin
from reversion_compare.compare import CompareObjects

from . import content, history, pagecache


class LoginForm(AdminAuthenticationForm):
    """The admin login form, refusing usernames longer than any account can have."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # Django sets the field's max_length after building it, so the check is never added;
        # without it, the throttle's record of a failed login overflows its column.
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


admin.site.login_form = LoginForm
admin.site.site_header = "Residency site administration"
admin.site.site_title = "Residency site admin"
admin.site.index_title = "Content"

# Slugs are filled in from names and used only in addresses and fixtures: out of the way, collapsed.
ADVANCED = ("Advanced", {"classes": ["collapse"], "fields": ["slug"]})


class FilledSlugMixin:
    """A slug a coordinator may leave empty: the browser fills it in from the name, and so does saving."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "slug" in form.base_fields:
            form.base_fields["slug"].required = False
        return form

    def get_fieldsets(self, request, obj=None):
        if self.fieldsets:
            return super().get_fieldsets(request, obj)
        # Django's one fieldset of every field: the slug moves under Advanced, the order is dragged.
        fields = [name for name in self.get_fields(request, obj) if name not in ("slug", "order")]
        return [(None, {"fields": fields}), ADVANCED]


# A photo with its alt text (residency.models.PhotoModel), in a fieldset of its own before Advanced.
PHOTO_FIELDS = ("photo", "photo_preview", "photo_alt")
PHOTO = (
    "Photo",
    {
        "description": "Shown on the site page; the site looks finished without one. Uploading makes the sizes "
        "each screen needs, and removes the photo's location and camera data.",
        "fields": list(PHOTO_FIELDS),
    },
)


class PhotoAdminMixin:
    """The admin of content with a photo: the upload, a preview of the photo saved, and its alt text."""

    readonly_fields = ["photo_preview"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**options, "fields": [field for field in options["fields"] if field not in PHOTO_FIELDS]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        return [*fieldsets[:-1], PHOTO, *fieldsets[-1:]]

    @admin.display(description="Preview")
    def photo_preview(self, obj):
        picture = obj.picture if obj else None
        if picture is None:
            return "No photo yet."
        smallest = obj.photo_renditions[0]
        return format_html(
            '<img class="photo-preview" src="{}" width="{}" height="{}" alt="{}">',
            picture.thumbnail,
            240,
            round(smallest["height"] * 240 / smallest["width"]),
            picture.alt,
        )


# --- History: every content change kept as a revision (django-reversion) ---------------------------


class _Undone(Exception):
    """Leaves a transaction without its changes, handing back the page to show."""

    def __init__(self, response):
        self.response = response


# Django's own inline templates, and adminsortable2's versions of them with "move to first / last" buttons.
SORTABLE_TEMPLATES = {
    "admin/edit_inline/tabular.html": SortableTabularInline.template,
    "admin/edit_inline/stacked.html": SortableStackedInline.template,
}
EDIT_TOKEN = "_edit_token"


class HistoryAdmin(CompareVersionAdmin):
    """
    django-reversion's admin, with every way of changing content recorded, and history kept to what an
    object owns (`residency.history`):

    - a save records the object with the rows it owns; the first change to content made outside the
      admin first records it as it was, so there is something to go back to;
    - a deletion (one, or several from the list) is recorded with everything it owns, by whom, before
      the rows go, so "Recover deleted" brings all of it back;
    - revert and recover put back exactly the object and its rows, after checking that the version is
      one of this admin's model and that the coordinator may change everything it touches, and say
      what will change before Save;
    - a change form opened before someone else saved the object (or its rows) is refused on Save;
    - compare shows the rows it owns (interview days, letters) beside its fields.
    """

    # Fields a revert or recover leaves as they are now (e.g. whether a cycle is published: its own buttons).
    history_keep = ()
    revision_form_template = "admin/history/revision_form.html"
    recover_form_template = "admin/history/recover_form.html"
    recover_list_template = "admin/history/recover_list.html"

    def prepare_recovered(self, obj):
        """Set what a recovered object's `history_keep` fields become (by default, as recorded)."""

    # Saving: record content made outside the admin before its first change, refuse stale forms.

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            obj = self.get_queryset(request).filter(pk=_pk(object_id)).first()
            if obj is not None:
                history.record_unrecorded([obj])
        return super().change_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        token = request.POST.get(EDIT_TOKEN) if request.method == "POST" else None
        if obj is None or not token:
            return form

        class StateCheckedForm(form):
            def clean(self):
                cleaned = super().clean()
                current = getattr(request, "history_state_token", None) or history.state_token(obj)
                if not history.same_state(token, current):
                    raise ValidationError(history.conflict_message(obj, token), code="edit_conflict")
                return cleaned

        StateCheckedForm.__name__ = form.__name__
        return StateCheckedForm

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            # The state as stored (a form that failed validation has put its values on `obj`).
            stored = self.model._base_manager.filter(pk=obj.pk).first()
            context["edit_token"] = getattr(request, "history_state_token", None) or history.state_token(stored)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        for inline in inlines:
            # Rows put in order by dragging also get "move to first" and "move to last" buttons.
            if isinstance(inline, SortableInlineAdminMixin) and inline.template in SORTABLE_TEMPLATES:
                inline.template = SORTABLE_TEMPLATES[inline.template]
        return inlines

    # Deleting: recorded with everything the objects own, before they go.

    def delete_model(self, request, obj):
        with transaction.atomic():
            history.record([obj], request.user, f"Deleted {obj._meta.verbose_name} “{obj}”")
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            objects = list(queryset)
            names = self.model._meta.verbose_name if len(objects) == 1 else self.model._meta.verbose_name_plural
            history.record(objects, request.user, f"Deleted {len(objects)} {names}")
            super().delete_queryset(request, queryset)

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        # The rows that join a many-to-many field ("ApplicationCycle-track relationship") are no one's concern.
        joins = {
            field.remote_field.through._meta
            for model in content.content_models()
            for field in model._meta.many_to_many
            if field.remote_field.through._meta.auto_created
        }
        hidden = tuple(f"{capfirst(opts.verbose_name)}: " for opts in joins)
        model_count = {
            name: count for name, count in model_count.items() if name not in {o.verbose_name_plural for o in joins}
        }
        return _without(deleted, hidden), model_count, perms_needed, protected

    # The list: actions record their own revision (VersionAdmin runs the whole page inside one, which
    # would hold back a bulk deletion's record until its rows were gone).

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and helpers.ACTION_CHECKBOX_NAME in request.POST:
            objects = self.get_queryset(request).filter(
                pk__in=[_pk(pk) for pk in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)]
            )
            history.record_unrecorded(objects)
        extra_context = {
            # A list that is also sorted by dragging (adminsortable2) keeps the "Recover deleted" button.
            "base_change_list_template": "reversion/change_list.html",
            "has_change_permission": self.has_change_permission(request),
            **(extra_context or {}),
        }
        return super(VersionAdmin, self).changelist_view(request, extra_context)

    def response_action(self, request, queryset):
        if request.POST.get("action") == "delete_selected":
            return super().response_action(request, queryset)
        with self.create_revision(request):
            return super().response_action(request, queryset)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_change_permission(request):
            actions["mark_checked"] = self.get_action(HistoryAdmin.mark_checked)
        return actions

    @admin.action(description="Mark as checked: still true")
    def mark_checked(self, request, queryset):
        """Record that a coordinator read the selected items and found them still true (nothing changes)."""
        objects = list(queryset)
        for obj in objects:
            reversion.add_to_revision(obj)
        reversion.set_comment(f"Checked: still true ({len(objects)} {self.model._meta.verbose_name_plural})")
        self.message_user(request, f"{len(objects)} marked as checked.", messages.SUCCESS)

    # Revert and recover.

    def revision_view(self, request, object_id, version_id, extra_context=None):
        versions = Version.objects.get_for_model(self.model).select_related("revision")
        version = get_object_or_404(versions, pk=_pk(version_id), object_id=str(_pk(object_id)))
        context = {"title": f"Revert {version.object_repr}", "revert": True, **(extra_context or {})}
        return self._restore_view(request, version, self.revision_form_template, context)

    def recover_view(self, request, version_id, extra_context=None):
        versions = Version.objects.get_for_model(self.model).select_related("revision")
        version = get_object_or_404(versions, pk=_pk(version_id))
        if self.model._base_manager.filter(pk=version.object_id).exists():
            opts = self.model._meta
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_revision", quote(version.object_id), version.pk)
        context = {"title": f"Recover {version.object_repr}", "recover": True, **(extra_context or {})}
        return self._restore_view(request, version, self.recover_form_template, context)

    def _restore_view(self, request, version, template, context):
        opts = self.model._meta
        try:
            restore = history.Restore(version, keep=self.history_keep, prepare=self.prepare_recovered)
        except RevertError as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        allowed = self.has_add_permission(request) if restore.recovering else self.has_change_permission(request)
        missing = restore.refused_for(request.user)
        if not allowed or missing:
            raise PermissionDenied(
                f"Putting this version back needs the right to {', '.join(missing) or 'change it'}."
            )
        # The page shows what saving changes against the state it was opened on (before the version is put back).
        request.history_state_token = history.state_token(restore.current)
        context["changes"] = restore.changes()
        when = dateformat.format(timezone.localtime(version.revision.date_created), history.MOMENT)
        comment = f"{'Recovered' if restore.recovering else 'Reverted to'} the version of {when}"
        if version.revision.comment:
            comment += f" (“{version.revision.get_comment()}”)"
        try:
            with self.create_revision(request):
                # Shown, not saved: putting the version back for the page must not tell the page cache.
                with pagecache.one_change() if request.method != "POST" else contextlib.nullcontext():
                    obj = restore.apply()
                response = self.changeform_view(request, quote(str(obj.pk)), request.path, context)
                if request.method == "POST" and response.status_code == 302:
                    reversion.set_comment(comment)
                elif response.status_code == 200:
                    response.template_name = template
                    raise _Undone(response.render())
                else:
                    raise history.RestoreError(f"{version.object_repr} could not be put back.")
        except _Undone as undone:
            return undone.response
        except history.RestoreError as error:
            self.message_user(request, str(error), messages.ERROR)
            if restore.recovering:
                return redirect(f"admin:{opts.app_label}_{opts.model_name}_recoverlist")
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_history", quote(version.object_id))
        pagecache.content_changed()
        return response

    def recoverlist_view(self, request, extra_context=None):
        deleted = Version.objects.get_deleted(self.model).select_related("revision__user")
        context = {"moment": history.MOMENT, "deleted": self._reversion_order_version_queryset(request, deleted)}
        return super().recoverlist_view(request, {**context, **(extra_context or {})})

    def history_view(self, request, object_id, extra_context=None):
        return super().history_view(request, object_id, {"moment": history.MOMENT, **(extra_context or {})})

    # Compare: the fields that differ, and the rows the object owns.

    def compare(self, obj, version1, version2):
        self.reverse_fields = []
        diff = []
        for field in [*obj._meta.concrete_fields, *obj._meta.many_to_many]:
            if field.primary_key or not field.editable:
                continue
            before, after = version1.field_dict.get(field.attname), version2.field_dict.get(field.attname)
            if field.many_to_many:
                before, after = sorted(before or []), sorted(after or [])
            if before == after:
                continue
            compared = CompareObjects(field, field.name, obj, version1, version2, False)
            diff.append({"field": field, "is_related": False, "follow": None, "diff": self._get_compare(compared)})
        for name, rows in history.row_changes(version1, version2):
            html = format_html_join(
                mark_safe("<br>"),
                "<{0}>{1} {2}</{0}>",
                (({"added": "ins", "removed": "del"}.get(kind, "span"), kind, text) for kind, text in rows),
            )
            diff.append({"field": {"verbose_name": name}, "is_related": True, "follow": True, "diff": html})
        return diff, False


class RecordedReorder:
    """
    adminsortable2's drag-and-drop endpoint, made a write like any other: it stores the new order with a
    bulk update that sends no signal, so here the moved rows are recorded (by whom) and the public pages
    are told the content changed. A refused or broken request changes nothing.
    """

    def update_order(self, request):
        if request.method != "POST":
            return super().update_order(request)
        try:
            with self.create_revision(request):
                response = super().update_order(request)
                if response.status_code != 200:
                    raise _Undone(response)
                ids = [item[0] for item in json.loads(request.body)["updatedItems"]]
                for obj in self.model._default_manager.filter(pk__in=ids):
                    reversion.add_to_revision(obj)
                    self.log_change(request, obj, [{"changed": {"fields": ["order"]}}])
                reversion.set_comment(f"Reordered {self.model._meta.verbose_name_plural} by dragging")
        except _Undone as undone:
            return undone.response
        pagecache.content_changed()
        return response


def _pk(value):
    """A primary key from the address: an integer, or None for anything else (so a look-up finds nothing)."""
    value = unquote(str(value))
    return int(value) if value.isdigit() else None


def _without(items, prefixes):
    """The nested list of the deletion page without the lines starting with `prefixes`."""
    kept = []
    for item in items:
        if isinstance(item, list):
            item = _without(item, prefixes)
            if item:
                kept.append(item)
        elif not str(item).startswith(prefixes):
            kept.append(item)
    return kept


def keep_history(site=admin.site):
    """
    Give every content model's admin the history of `HistoryAdmin`: the values of each change, compare
    two revisions, revert one, recover a deleted object. Each model is registered with django-reversion
    to follow the rows it owns (`residency.history.kept_relations`), so a revision of a page holds its
    rows too. Coordinators need nothing beyond their rights on the content: history, revert and
    recover check those.
    """
    for model in content.content_models():
        if reversion.is_registered(model):
            reversion.unregister(model)
        reversion.register(model, follow=[relation.get_accessor_name() for relation in history.kept_relations(model)])
    for model in content.content_models():
        model_admin = site._registry.get(model)
        if model_admin is None or isinstance(model_admin, HistoryAdmin):
            continue
        cls = type(model_admin)
        bases = (RecordedReorder, cls, HistoryAdmin) if issubclass(cls, SortableAdminMixin) else (cls, HistoryAdmin)
        site.unregister(model)
        site.register(model, type(cls.__name__, bases, {"__module__": cls.__module__}))


class WhenFilter(admin.SimpleListFilter):
    """Recent changes of today, yesterday or the last seven days, in the site's time zone."""

    title = "when"
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("today", "Today"), ("yesterday", "Yesterday"), ("week", "Last 7 days")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        start_of = lambda day: timezone.make_aware(datetime.datetime.combine(day, datetime.time()))  # noqa: E731
        ranges = {
            "today": (start_of(today), None),
            "yesterday": (start_of(today - datetime.timedelta(days=1)), start_of(today)),
            "week": (start_of(today - datetime.timedelta(days=6)), None),
        }
        if self.value() not in ranges:
            return queryset
        start, end = ranges[self.value()]
        queryset = queryset.filter(date_created__gte=start)
        return queryset.filter(date_created__lt=end) if end else queryset


@admin.register(Revision)
class RecentChangeAdmin(admin.ModelAdmin):
    """Recent changes by every coordinator and command, newest first, each linking to what it changed."""

    list_display = ["when", "by", "comment", "changed"]
    list_filter = [WhenFilter, "user"]
    search_fields = ["comment", "version__object_repr"]
    list_select_related = ["user"]
    ordering = ["-date_created", "-pk"]
    # The objects a revision names: beyond these, "and N more".
    SHOWN = 10

    def get_queryset(self, request):
        versions = Version.objects.only(
            "revision_id", "content_type_id", "object_id", "object_repr", "serialized_data"
        )
        return super().get_queryset(request).prefetch_related(models.Prefetch("version_set", versions.order_by("pk")))

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        self._links = _revision_links(changelist.result_list)
        return changelist

    @admin.display(description="when", ordering="date_created")
    def when(self, revision):
        return dateformat.format(timezone.localtime(revision.date_created), history.MOMENT)

    @admin.display(description="by", ordering="user")
    def by(self, revision):
        return revision.user.get_username() if revision.user else "a command"

    @admin.display(description="what changed")
    def changed(self, revision):
        links = getattr(self, "_links", {}).get(revision.pk, [])
        shown = format_html_join(mark_safe("<br>"), "{}", ((link,) for link in links[: self.SHOWN]))
        if len(links) > self.SHOWN:
            shown = format_html("{}<br>and {} more", shown, len(links) - self.SHOWN)
        return shown

    # Staff who may change any content may read the list; nobody edits revisions by hand.
    def has_view_permission(self, request, obj=None):
        return (
            request.user.is_active
            and request.user.is_staff
            and any(request.user.has_module_perms(model._meta.app_label) for model in content.content_models())
        )

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _revision_links(revisions):
    """
    {revision id: [link]}: for each revision the objects it changed, leaving out rows saved with the
    object that owns them (an interview day saved with its track); a deleted object links to Recover.
    """
    named = {}
    for revision in revisions:
        versions = [version for version in revision.version_set.all() if version._model is not None]
        present = {(version._model, version.object_id) for version in versions}
        named[revision.pk] = [
            version
            for version in versions
            if version._model in admin.site._registry and not _is_owned_within(version, present)
        ]
    ids = defaultdict(set)
    for versions in named.values():
        for version in versions:
            ids[version._model].add(_pk(version.object_id))
    existing = {
        model: {str(pk) for pk in model._base_manager.filter(pk__in=pks).order_by().values_list("pk", flat=True)}
        for model, pks in ids.items()
    }
    links = {}
    for revision_id, versions in named.items():
        links[revision_id] = []
        for version in versions:
            opts = version._model._meta
            name = capfirst(opts.verbose_name)
            if version.object_id in existing[version._model]:
                url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[quote(version.object_id)])
                links[revision_id].append(format_html('<a href="{}">{}: {}</a>', url, name, version.object_repr))
            else:
                url = reverse(f"admin:{opts.app_label}_{opts.model_name}_recover", args=[version.pk])
                links[revision_id].append(
                    format_html('{}: {}, deleted (<a href="{}">recover</a>)', name, version.object_repr, url)
                )
    return links


def _is_owned_within(version, present):
    """Whether `version`'s object is owned by another object of the same revision (its row, saved with it)."""
    fields = json.loads(version.serialized_data)[0]["fields"]
    for field in version._model._meta.concrete_fields:
        if field.many_to_one and field.remote_field.on_delete is models.CASCADE:
            value = fields.get(field.name)
            if value is not None and (field.related_model, str(value)) in present and str(value) != version.object_id:
                return True
    return False
