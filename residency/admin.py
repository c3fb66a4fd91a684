import reversion
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.utils import unquote
from django.core.validators import MaxLengthValidator
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from reversion.admin import VersionAdmin
from reversion.models import Revision, Version
from reversion_compare.admin import CompareVersionAdmin

from . import content


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


# --- History: every content change kept as a revision (django-reversion) ---------------------------


class HistoryAdmin(CompareVersionAdmin):
    """
    django-reversion's admin, which first records an object as it is when its first change or
    its deletion comes: content loaded from fixtures has no revision yet, and without one
    there would be nothing to revert to or to recover.
    """

    # Fields a revert leaves as they are now (e.g. whether a cycle is published, which has its own buttons).
    history_keep = ()

    def revision_view(self, request, object_id, version_id, extra_context=None):
        if self.history_keep:
            current = self.get_queryset(request).filter(pk=unquote(object_id)).values(*self.history_keep).first()
            request.history_keep = current or {}
        return super().revision_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        for field, value in getattr(request, "history_keep", {}).items():
            setattr(obj, field, value)
        super().save_model(request, obj, form, change)

    def _record_as_is(self, request, object_ids):
        for obj in self.get_queryset(request).filter(pk__in=[pk for pk in object_ids if str(pk).isdigit()]):
            if not Version.objects.get_for_object(obj).exists():
                with reversion.create_revision():
                    reversion.set_comment("As it was before its first change in admin")
                    reversion.add_to_revision(obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            self._record_as_is(request, [unquote(object_id)])
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        if request.method == "POST":
            self._record_as_is(request, [unquote(object_id)])
        with self.create_revision(request):
            return super().delete_view(request, object_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST":
            self._record_as_is(request, request.POST.getlist(helpers.ACTION_CHECKBOX_NAME))
        # A list that is also sorted by dragging (adminsortable2) keeps the "Recover deleted" button.
        extra_context = {"base_change_list_template": "reversion/change_list.html", **(extra_context or {})}
        return super().changelist_view(request, extra_context)


def keep_history(site=admin.site):
    """
    Give every content model's admin django-reversion's history: the values of each change,
    compare two revisions, revert one, recover a deleted object. Admins of a model's inlines
    follow them, so a revision of a page holds its inline rows too. Coordinators need nothing
    beyond their rights on the content: history, revert and recover check those.
    """
    for model in content.content_models():
        model_admin = site._registry.get(model)
        if model_admin is not None and not isinstance(model_admin, VersionAdmin):
            cls = type(model_admin)
            site.unregister(model)
            site.register(model, type(cls.__name__, (cls, HistoryAdmin), {"__module__": cls.__module__}))
        if not reversion.is_registered(model):
            reversion.register(model)


@admin.register(Revision)
class RecentChangeAdmin(admin.ModelAdmin):
    """Recent changes by every coordinator, newest first, each linking to the history of what it changed."""

    list_display = ["date_created", "user", "comment", "changed"]
    list_filter = ["user"]
    search_fields = ["comment", "version__object_repr"]
    date_hierarchy = "date_created"
    list_select_related = ["user"]
    ordering = ["-date_created"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("version_set__content_type")

    @admin.display(description="what changed")
    def changed(self, revision):
        links = []
        for version in revision.version_set.all():
            model = version.content_type.model_class()
            if model is None or model not in admin.site._registry:
                continue
            opts = model._meta
            try:
                url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[version.object_id])
            except NoReverseMatch:
                continue
            links.append(format_html('<a href="{}">{}: {}</a>', url, capfirst(opts.verbose_name), version.object_repr))
        return format_html_join(mark_safe("<br>"), "{}", ((link,) for link in links))

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
