from adminsortable2.admin import SortableAdminMixin
from django.contrib import admin

from residency.admin import ADVANCED, FilledSlugMixin, PhotoAdminMixin

from .models import Practice


@admin.register(Practice)
class PracticeAdmin(PhotoAdminMixin, FilledSlugMixin, SortableAdminMixin, admin.ModelAdmin):
    """The continuity sites, put in the sites page's order by dragging; a new site goes last."""

    list_display = ["name", "abbreviation", "track_names", "residents", "is_health_center"]
    list_filter = ["is_health_center", "tracks"]
    search_fields = ["name", "abbreviation", "description"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["tracks"]
    fieldsets = [
        (None, {"fields": ["name", "abbreviation", "is_health_center", "url"]}),
        ("Residents", {"fields": ["tracks", "residents_label", "residents_min", "residents_max"]}),
        ("Where", {"fields": ["town", "distance"]}),
        (None, {"fields": ["description"]}),
        ADVANCED,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tracks")

    @admin.display(description="Tracks")
    def track_names(self, practice):
        return ", ".join(track.name for track in practice.tracks.all())

    @admin.display(description="Residents", ordering="residents_min")
    def residents(self, practice):
        return practice.residents_display
