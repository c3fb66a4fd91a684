from django.views.generic import DetailView, ListView

from programs.views import OneTrackMixin
from residency.variants import chosen_slugs
from residency.views import PublicPageMixin

from .models import Practice


class PracticeListView(OneTrackMixin, PublicPageMixin, ListView):
    """The clinics in a compact list, filtered by track with `?track=<slug>`, with boxes to compare a few."""

    context_object_name = "practices"
    nav_label = "Continuity sites"

    def get_queryset(self):
        self.tracks = list(Practice.objects.served_tracks())
        self.track = next((track for track in self.tracks if track.slug == self.chosen_track(self.request)), None)
        practices = Practice.objects.with_tracks()
        return practices.for_track(self.track) if self.track else practices

    def get_context_data(self, **kwargs):
        kwargs["tracks"] = self.tracks
        kwargs["track"] = self.track
        kwargs["health_centers"] = [practice for practice in self.object_list if practice.is_health_center]
        return super().get_context_data(**kwargs)


class PracticeCompareView(PublicPageMixin, ListView):
    """Two or three clinics side by side: `?site=<slug>&site=<slug>`."""

    context_object_name = "practices"
    template_name = "sites/practice_compare.html"
    most = 3

    @classmethod
    def chosen(cls, request):
        return chosen_slugs(request, "site", Practice, most=cls.most)

    @classmethod
    def page_variant(cls, request):
        chosen = cls.chosen(request)
        return "site=" + ",".join(sorted(chosen)) if chosen else ""

    def get_queryset(self):
        self.all_practices = list(Practice.objects.all())
        chosen = set(self.chosen(self.request))
        return Practice.objects.with_tracks().filter(slug__in=chosen) if chosen else Practice.objects.none()

    def get_context_data(self, **kwargs):
        chosen = {practice.slug for practice in self.object_list}
        kwargs["choices"] = [(practice, practice.slug in chosen) for practice in self.all_practices]
        kwargs["most"] = self.most
        return super().get_context_data(**kwargs)


class PracticeDetailView(PublicPageMixin, DetailView):
    context_object_name = "practice"

    def get_queryset(self):
        return Practice.objects.with_tracks()
