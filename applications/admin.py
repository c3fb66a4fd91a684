from adminsortable2.admin import SortableAdminBase, SortableAdminMixin, SortableInlineAdminMixin
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone

from residency.admin import ADVANCED

from . import admin_views, preview
from .forms import AddInterviewLinesForm, ApplicationCycleForm, InterviewLinesForm, InterviewLinesFormSet
from .models import (
    ApplicationCycle,
    GraduateRequirement,
    InterviewActivity,
    InterviewDate,
    LetterRequirement,
    TrackApplication,
)

# Inline rows stay narrow enough for the cycle's page to fit a 1,280 px screen.
NARROW_TEXT = {
    models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 32})},
    models.CharField: {"widget": forms.TextInput(attrs={"size": 24})},
}


class CycleInline(SortableInlineAdminMixin, admin.TabularInline):
    """Rows of the cycle's page, put in order by dragging; a new row goes last; slugs are filled in."""

    formfield_overrides = NARROW_TEXT
    extra = 0


class LetterRequirementInline(CycleInline):
    model = LetterRequirement
    fields = ["text", "count_min", "count_max", "order"]


class TrackApplicationInline(CycleInline):
    model = TrackApplication
    form = InterviewLinesForm
    formset = InterviewLinesFormSet
    fields = ["track", "application_name", "is_exclusive", "interview_lines", "order"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("track").prefetch_related("interview_dates")


class InterviewActivityInline(CycleInline):
    model = InterviewActivity
    fields = ["text", "order"]


@admin.register(ApplicationCycle)
class ApplicationCycleAdmin(SortableAdminBase, admin.ModelAdmin):
    form = ApplicationCycleForm
    list_display = ["name", "status_label", "publish_at", "deadline", "invitations_by", "step2_deadline"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["letters_tracks"]
    # Published, scheduled or draft is set with the buttons on the cycle's page, not typed.
    readonly_fields = ["status_label", "publish_at"]
    fieldsets = [
        (None, {"fields": ["name", "status_label", "publish_at"]}),
        (
            "Dates",
            {
                "description": (
                    "Dates and times are Eastern Time. Invitations and Step 2 results come after the deadline."
                ),
                "fields": ["deadline", "invitations_by", "step2_deadline"],
            },
        ),
        ("Applying", {"fields": ["eras_intro", "screening_note", "step2_reason"]}),
        (
            "Letters of recommendation",
            {"fields": ["letters_intro", "letters_guideline", "letters_tracks", "letters_max_in_eras"]},
        ),
        ("Applying to several programs", {"fields": ["multiple_programs_intro", "simultaneous_review"]}),
        (
            "Interviews and the Match",
            {
                "fields": [
                    "interview_selection",
                    "match_intro",
                    "med_peds_text",
                    "med_peds_url",
                    "interview_format",
                    "interview_agenda_intro",
                ]
            },
        ),
        (
            "International medical graduates",
            {
                "fields": [
                    "img_intro",
                    "applications_per_year",
                    ("img_typical_min", "img_typical_max"),
                    "residents_total",
                ]
            },
        ),
        ("Away rotations and observerships", {"fields": ["away_rotations", "observerships"]}),
        ADVANCED,
    ]
    inlines = [LetterRequirementInline, TrackApplicationInline, InterviewActivityInline]
    actions = ["mark_reviewed"]
    # Reverting or recovering a cycle never publishes it or takes it off the site: Publish and Return to draft do.
    history_keep = ["publish_at"]

    @admin.display(description="status")
    def status_label(self, cycle):
        if cycle.pk is None:
            return "Draft (new)"
        status = cycle.status
        if status == ApplicationCycle.Status.SCHEDULED:
            return f"Scheduled: goes live {timezone.localtime(cycle.publish_at):%B %-d, %Y at %-I:%M %p} Eastern Time"
        return status.label

    def view_on_site(self, cycle):
        """The live cycle on the site; any other through a preview, which shows it as it would be."""
        if cycle.status == ApplicationCycle.Status.LIVE:
            return cycle.get_absolute_url()
        return reverse("admin:applications_applicationcycle_preview", args=[cycle.pk])

    def prepare_recovered(self, cycle):
        """A recovered cycle never goes live by itself: archived if a later cycle is live, else a draft."""
        live = ApplicationCycle.objects.published().order_by("-publish_at", "-pk").first()
        if cycle.publish_at is not None and (live is None or cycle.publish_at >= live.publish_at):
            cycle.publish_at = None

    @admin.action(description="Mark texts as reviewed")
    def mark_reviewed(self, request, queryset):
        for cycle in queryset.exclude(texts_to_review=[]):
            cycle.texts_to_review = []
            cycle.save(update_fields=["texts_to_review"])
            self.log_change(request, cycle, "Marked its texts as reviewed")

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            delete_selected, name, description = actions["delete_selected"]

            def delete_unless_published(model_admin, request, queryset):
                refusals = [refusal for cycle in queryset if (refusal := cycle.deletion_refusal())]
                if refusals:
                    model_admin.message_user(request, " ".join(refusals), messages.ERROR)
                    return None
                return delete_selected(model_admin, request, queryset)

            actions["delete_selected"] = (delete_unless_published, name, description)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        cycle = (
            ApplicationCycle.objects.filter(pk=unquote(object_id)).first() if unquote(object_id).isdigit() else None
        )
        refusal = cycle.deletion_refusal() if cycle is not None else None
        if refusal:
            self.message_user(request, refusal, messages.ERROR)
            return redirect("admin:applications_applicationcycle_change", cycle.pk)
        return super().delete_view(request, object_id, extra_context)

    def get_urls(self):
        def view(view_class, **kwargs):
            return self.admin_site.admin_view(view_class.as_view(model_admin=self, **kwargs))

        return [
            path("<int:pk>/copy/", view(admin_views.CopyView), name="applications_applicationcycle_copy"),
            path("<int:pk>/publish/", view(admin_views.PublishView), name="applications_applicationcycle_publish"),
            path(
                "<int:pk>/unpublish/", view(admin_views.UnpublishView), name="applications_applicationcycle_unpublish"
            ),
            path("<int:pk>/reviewed/", view(admin_views.ReviewedView), name="applications_applicationcycle_reviewed"),
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="applications_applicationcycle_preview",
            ),
            path(
                "stop-preview/",
                self.admin_site.admin_view(self.stop_preview_view),
                name="applications_applicationcycle_stop_preview",
            ),
            path("report/", view(admin_views.ReportView), name="applications_applicationcycle_report"),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk):
        """The public site as it will look with this cycle, for this staff member only."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        cycle = get_object_or_404(ApplicationCycle, pk=pk)
        request.session[preview.SESSION_KEY] = cycle.pk
        return redirect(preview.address(cycle.get_absolute_url()))

    def stop_preview_view(self, request):
        pk = request.session.pop(preview.SESSION_KEY, None)
        if pk and ApplicationCycle.objects.filter(pk=pk).exists():
            return redirect("admin:applications_applicationcycle_change", pk)
        return redirect("admin:applications_applicationcycle_changelist")


class InterviewDateInline(admin.TabularInline):
    model = InterviewDate
    fields = ["date", "second_date", "weekdays"]
    readonly_fields = ["weekdays"]
    extra = 0

    @admin.display(description="weekday")
    def weekdays(self, interview):
        if not interview.date:
            return ""
        if interview.second_date:
            return f"{interview.weekday} and {interview.second_date:%A}"
        return interview.weekday


@admin.register(TrackApplication)
class TrackApplicationAdmin(SortableAdminMixin, admin.ModelAdmin):
    form = AddInterviewLinesForm
    list_display = ["application_name", "track", "cycle", "is_exclusive", "interview_days"]
    list_filter = ["cycle", "is_exclusive"]
    search_fields = ["application_name", "track__name", "rule"]
    autocomplete_fields = ["cycle", "track"]
    fields = ["cycle", "track", "application_name", "is_exclusive", "rule", "interview_heading", "interview_lines"]
    inlines = [InterviewDateInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("cycle", "track").prefetch_related("interview_dates")

    @admin.display(description="Interview days")
    def interview_days(self, track_application):
        return len(track_application.interview_dates.all())

    def save_related(self, request, form, formsets, change):
        # The inline rows first, then the pasted days, so a pasted day is not deleted as a missing row.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        form.save_m2m()


@admin.register(GraduateRequirement)
class GraduateRequirementAdmin(SortableAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "parent", "date", "cycle"]
    list_filter = ["cycle"]
    search_fields = ["text"]
    autocomplete_fields = ["cycle", "parent"]
    fields = ["cycle", "text", "date", "parent"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("cycle", "parent")
