from adminsortable2.admin import SortableAdminMixin, SortableInlineAdminMixin
from django.contrib import admin

from residency.admin import ADVANCED, FilledSlugMixin, PhotoAdminMixin

from .models import Benefit, Link, Pathway, PathwayItem, PathwayLeader, PathwaySection, Person, Program, Track


@admin.register(Program)
class ProgramAdmin(PhotoAdminMixin, FilledSlugMixin, admin.ModelAdmin):
    list_display = ["name", "short_name"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "short_name"]}),
        ("The hospital", {"fields": ["hospital", "hospital_url"]}),
        ("Home page", {"fields": ["overview"]}),
        (
            "Section introductions",
            {
                "description": "The text at the top of each section's page. A blank line starts a new paragraph.",
                "fields": [
                    "sites_intro",
                    "health_centers_intro",
                    "electives_intro",
                    "conferences_intro",
                    "research_intro",
                    "benefits_intro",
                    "appointment",
                ],
            },
        ),
        (
            "What applicants look for",
            {
                "description": "Each is shown on the site once filled in; the content report lists the empty ones.",
                "fields": [
                    ("contact_email", "contact_phone"),
                    "contact_address",
                    "salary",
                    "leave",
                    "visa_policy",
                    "graduate_outcomes",
                ],
            },
        ),
        ADVANCED,
    ]


@admin.register(Track)
class TrackAdmin(PhotoAdminMixin, FilledSlugMixin, SortableAdminMixin, admin.ModelAdmin):
    list_display = ["name", "nrmp_number", "length_label", "match_via"]
    list_filter = ["length_years"]
    search_fields = ["name", "nrmp_number"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["match_via", "pathway"]


@admin.register(Person)
class PersonAdmin(FilledSlugMixin, admin.ModelAdmin):
    list_display = ["name", "credentials"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class PathwayLeaderInline(SortableInlineAdminMixin, admin.TabularInline):
    model = PathwayLeader
    autocomplete_fields = ["person"]
    extra = 0


class PathwaySectionInline(SortableInlineAdminMixin, admin.StackedInline):
    model = PathwaySection
    fields = ["name", "body", "list_style", "closing", "order"]
    show_change_link = True
    extra = 0


@admin.register(Pathway)
class PathwayAdmin(FilledSlugMixin, SortableAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PathwayLeaderInline, PathwaySectionInline]


class PathwayItemInline(SortableInlineAdminMixin, admin.TabularInline):
    model = PathwayItem
    fields = ["text", "order"]
    extra = 0


@admin.register(PathwaySection)
class PathwaySectionAdmin(FilledSlugMixin, SortableAdminMixin, admin.ModelAdmin):
    list_display = ["name", "pathway", "list_style"]
    list_filter = ["pathway"]
    search_fields = ["name", "body", "items__text"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["pathway"]
    inlines = [PathwayItemInline]


@admin.register(Benefit)
class BenefitAdmin(FilledSlugMixin, SortableAdminMixin, admin.ModelAdmin):
    list_display = ["text", "kind"]
    list_filter = ["kind"]
    search_fields = ["text"]
    prepopulated_fields = {"slug": ["text"]}


@admin.register(Link)
class LinkAdmin(FilledSlugMixin, SortableAdminMixin, admin.ModelAdmin):
    list_display = ["name", "page", "url"]
    list_filter = ["page"]
    search_fields = ["name", "url"]
    prepopulated_fields = {"slug": ["name"]}
