from adminsortable2.admin import SortableAdminMixin, SortableInlineAdminMixin
from django.contrib import admin
from django.db.models import Count

from residency.admin import ADVANCED, FilledSlugMixin

from .models import Conference, ConferenceFormat, Elective, ElectiveCategory, Rotation

# Lists are put in the page's order by dragging; a new item goes last. Slugs are filled in from
# the names, under "Advanced" on an item's own page and out of sight on rows edited inline.


@admin.register(Rotation)
class RotationAdmin(FilledSlugMixin, SortableAdminMixin, admin.ModelAdmin):
    list_display = ["name", "abbreviation", "setting"]
    list_filter = ["setting"]
    search_fields = ["name", "abbreviation", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [(None, {"fields": ["name", "abbreviation", "setting", "description"]}), ADVANCED]


class ElectiveInline(SortableInlineAdminMixin, admin.TabularInline):
    model = Elective
    fields = ["name", "order"]
    extra = 0


@admin.register(ElectiveCategory)
class ElectiveCategoryAdmin(FilledSlugMixin, SortableAdminMixin, admin.ModelAdmin):
    list_display = ["name", "elective_count"]
    search_fields = ["name", "description", "electives__name"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [(None, {"fields": ["name", "description"]}), ADVANCED]
    inlines = [ElectiveInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(elective_count=Count("electives")).order_by("order", "slug")

    @admin.display(description="Electives", ordering="elective_count")
    def elective_count(self, category):
        return category.elective_count


@admin.register(Elective)
class ElectiveAdmin(FilledSlugMixin, SortableAdminMixin, admin.ModelAdmin):
    list_display = ["name", "category"]
    list_filter = ["category"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["category"]
    fieldsets = [(None, {"fields": ["name", "category"]}), ADVANCED]


class ConferenceFormatInline(SortableInlineAdminMixin, admin.StackedInline):
    model = ConferenceFormat
    fields = ["name", "text", "order"]
    extra = 0


@admin.register(Conference)
class ConferenceAdmin(FilledSlugMixin, SortableAdminMixin, admin.ModelAdmin):
    list_display = ["name", "days", "hours", "period"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name"]}),
        ("Schedule", {"fields": ["days", ("start_time", "end_time"), "period"]}),
        (None, {"fields": ["description"]}),
        ADVANCED,
    ]
    inlines = [ConferenceFormatInline]
