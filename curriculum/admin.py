from django.contrib import admin
from django.db.models import Count

from .models import Conference, ConferenceFormat, Elective, ElectiveCategory, Rotation


@admin.register(Rotation)
class RotationAdmin(admin.ModelAdmin):
    list_display = ["name", "abbreviation", "setting", "order"]
    list_editable = ["order"]
    list_filter = ["setting"]
    search_fields = ["name", "abbreviation", "description"]
    prepopulated_fields = {"slug": ["name"]}


class ElectiveInline(admin.TabularInline):
    model = Elective
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "order"]
    extra = 0


@admin.register(ElectiveCategory)
class ElectiveCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "elective_count", "order"]
    list_editable = ["order"]
    search_fields = ["name", "description", "electives__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ElectiveInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(elective_count=Count("electives"))

    @admin.display(description="Electives", ordering="elective_count")
    def elective_count(self, category):
        return category.elective_count


@admin.register(Elective)
class ElectiveAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "order"]
    list_editable = ["order"]
    list_filter = ["category"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["category"]


class ConferenceFormatInline(admin.StackedInline):
    model = ConferenceFormat
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "order", "text"]
    extra = 0


@admin.register(Conference)
class ConferenceAdmin(admin.ModelAdmin):
    list_display = ["name", "days", "hours", "period", "order"]
    list_editable = ["order"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "order"]}),
        ("Schedule", {"fields": ["days", ("start_time", "end_time"), "period"]}),
        (None, {"fields": ["description"]}),
    ]
    inlines = [ConferenceFormatInline]
