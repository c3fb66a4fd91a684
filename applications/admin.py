import reversion
from adminsortable2.admin import SortableAdminBase, SortableAdminMixin, SortableInlineAdminMixin
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html

from residency.admin import ADVANCED

from . import preview, report
from .forms import AddInterviewLinesForm, CopyCycleForm, InterviewLinesForm, PublishCycleForm, next_name
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
    fields = ["track", "application_name", "is_exclusive", "interview_lines", "order"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("track").prefetch_related("interview_dates")


class InterviewActivityInline(CycleInline):
    model = InterviewActivity
    fields = ["text", "order"]


@admin.register(ApplicationCycle)
class ApplicationCycleAdmin(SortableAdminBase, admin.ModelAdmin):
    list_display = ["name", "status_label", "publish_at", "deadline", "invitations_by", "step2_deadline"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["letters_tracks"]
    # Published, scheduled or draft is set with the buttons on the cycle's page, not typed.
    readonly_fields = ["status_label", "publish_at", "review_list"]
    fieldsets = [
        (None, {"fields": ["name", "status_label", "publish_at", "review_list"]}),
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
    # Reverting a cycle's content leaves it published (or not): that is done with Publish and Return to draft.
    history_keep = ["publish_at"]

    @admin.display(description="status")
    def status_label(self, cycle):
        if cycle.pk is None:
            return "Draft (new)"
        status = cycle.status
        if status == ApplicationCycle.Status.SCHEDULED:
            return f"Scheduled: goes live {timezone.localtime(cycle.publish_at):%B %-d, %Y at %-I:%M %p} Eastern Time"
        return status.label

    @admin.display(description="texts to review")
    def review_list(self, cycle):
        if not cycle.texts_to_review:
            return "None: no years were moved in this cycle's texts."
        return format_html(
            "<ul>{}</ul><p>The years in these texts were moved on by the copy: check each one, then choose "
            "“Mark texts as reviewed” in the list of cycles.</p>",
            format_html("".join("<li>{}</li>" for _ in cycle.texts_to_review), *cycle.texts_to_review),
        )

    @admin.action(description="Mark texts as reviewed")
    def mark_reviewed(self, request, queryset):
        queryset.update(texts_to_review=[])

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/copy/", view(self.copy_view), name="applications_applicationcycle_copy"),
            path("<int:pk>/publish/", view(self.publish_view), name="applications_applicationcycle_publish"),
            path("<int:pk>/unpublish/", view(self.unpublish_view), name="applications_applicationcycle_unpublish"),
            path("<int:pk>/preview/", view(self.preview_view), name="applications_applicationcycle_preview"),
            path("stop-preview/", view(self.stop_preview_view), name="applications_applicationcycle_stop_preview"),
            path("report/", view(self.report_view), name="applications_applicationcycle_report"),
            *super().get_urls(),
        ]

    def _cycle(self, request, pk, permission):
        if not permission(request):
            raise PermissionDenied
        return get_object_or_404(ApplicationCycle, pk=pk)

    def _page(self, request, cycle, template, form, title):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": cycle,
            "cycle": cycle,
            "form": form,
            "media": self.media + form.media,
            "title": title,
        }
        return TemplateResponse(request, f"admin/applications/applicationcycle/{template}", context)

    def copy_view(self, request, pk):
        """“Copy to a new draft cycle”: everything of the cycle, every date moved on."""
        cycle = self._cycle(request, pk, self.has_add_permission)
        form = CopyCycleForm(
            request.POST if request.method == "POST" else None, initial={"name": next_name(cycle.name), "weeks": 52}
        )
        if request.method == "POST" and form.is_valid():
            try:
                with reversion.create_revision():
                    reversion.set_user(request.user)
                    reversion.set_comment(f"Copied from {cycle.name}")
                    copy = cycle.copy(form.cleaned_data["name"], weeks=form.cleaned_data["weeks"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.log_addition(request, copy, f"Copied from {cycle.name}")
                self.message_user(
                    request,
                    f"{copy.name} is a draft copy of {cycle.name}, its dates moved on by "
                    f"{form.cleaned_data['weeks']} weeks. Check the texts listed for review, then preview "
                    "and publish.",
                    messages.SUCCESS,
                )
                return redirect("admin:applications_applicationcycle_change", copy.pk)
        return self._page(request, cycle, "copy_form.html", form, f"Copy {cycle.name} to a new draft cycle")

    def publish_view(self, request, pk):
        """Publish now, or schedule: the live cycle is archived when this one goes live."""
        cycle = self._cycle(request, pk, self.has_change_permission)
        form = PublishCycleForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            at = form.cleaned_data["publish_at"]
            try:
                with reversion.create_revision():
                    reversion.set_user(request.user)
                    reversion.set_comment("Scheduled" if at else "Published")
                    cycle.publish(at)
            except ValidationError as error:
                form.add_error("publish_at", error)
            else:
                self.log_change(request, cycle, "Scheduled" if at else "Published")
                when = f"on {timezone.localtime(at):%B %-d, %Y at %-I:%M %p} Eastern Time" if at else "now"
                self.message_user(request, f"{cycle.name} goes live {when}.", messages.SUCCESS)
                return redirect("admin:applications_applicationcycle_change", cycle.pk)
        return self._page(request, cycle, "publish_form.html", form, f"Publish {cycle.name}")

    def unpublish_view(self, request, pk):
        cycle = self._cycle(request, pk, self.has_change_permission)
        if request.method == "POST":
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment("Returned to draft")
                cycle.unpublish()
            self.log_change(request, cycle, "Returned to draft")
            self.message_user(request, f"{cycle.name} is a draft again.", messages.SUCCESS)
        return redirect("admin:applications_applicationcycle_change", cycle.pk)

    def preview_view(self, request, pk):
        """The public site as it will look with this cycle, for this staff member only."""
        cycle = self._cycle(request, pk, self.has_view_permission)
        request.session[preview.SESSION_KEY] = cycle.pk
        return redirect(preview.address(cycle.get_absolute_url()))

    def report_view(self, request):
        """Stale and missing content, for coordinators."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        panel = report.this_cycle()
        since = panel["since"]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Stale and missing content",
            "panel": panel,
            "since": since,
            "stale": report.stale_content(since),
            "missing": report.missing_facts(),
            "not_on_the_site": report.NOT_ON_THE_SITE,
        }
        return TemplateResponse(request, "admin/applications/applicationcycle/report.html", context)

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
