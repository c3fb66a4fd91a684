from django.contrib import admin
from django.db import models

from .models import (
    ApplicationCycle,
    GraduateRequirement,
    InterviewActivity,
    InterviewDate,
    LetterRequirement,
    TrackApplication,
)


class LetterRequirementInline(admin.TabularInline):
    model = LetterRequirement
    prepopulated_fields = {"slug": ["text"]}
    fields = ["text", "count_min", "count_max", "slug", "order"]
    extra = 0


class TrackApplicationInline(admin.TabularInline):
    model = TrackApplication
    fields = ["track", "application_name", "is_exclusive", "order"]
    show_change_link = True
    extra = 0


class InterviewActivityInline(admin.TabularInline):
    model = InterviewActivity
    prepopulated_fields = {"slug": ["text"]}
    fields = ["text", "slug", "order"]
    extra = 0


@admin.register(ApplicationCycle)
class ApplicationCycleAdmin(admin.ModelAdmin):
    list_display = ["name", "is_current", "deadline", "invitations_by", "step2_deadline"]
    list_filter = ["is_current"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["letters_tracks"]
    # An address typed without a scheme is taken as https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "slug", "is_current", "order"]}),
        (
            "Dates",
            {
                "description": "Dates and times are Eastern.",
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
    ]
    inlines = [LetterRequirementInline, TrackApplicationInline, InterviewActivityInline]


class InterviewDateInline(admin.TabularInline):
    model = InterviewDate
    fields = ["date", "second_date"]
    extra = 0


@admin.register(TrackApplication)
class TrackApplicationAdmin(admin.ModelAdmin):
    list_display = ["application_name", "track", "cycle", "is_exclusive", "interview_days", "order"]
    list_editable = ["order"]
    list_filter = ["cycle", "is_exclusive"]
    search_fields = ["application_name", "track__name", "rule"]
    autocomplete_fields = ["cycle", "track"]
    fields = ["cycle", "track", "application_name", "is_exclusive", "rule", "interview_heading", "order"]
    inlines = [InterviewDateInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("cycle", "track").prefetch_related("interview_dates")

    @admin.display(description="Interview days")
    def interview_days(self, track_application):
        return len(track_application.interview_dates.all())


@admin.register(GraduateRequirement)
class GraduateRequirementAdmin(admin.ModelAdmin):
    list_display = ["__str__", "parent", "date", "cycle", "order"]
    list_editable = ["order"]
    list_filter = ["cycle"]
    search_fields = ["text"]
    prepopulated_fields = {"slug": ["text"]}
    autocomplete_fields = ["cycle", "parent"]
    fields = ["cycle", "text", "date", "parent", "slug", "order"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("cycle", "parent")
