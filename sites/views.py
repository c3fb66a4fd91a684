from urllib.parse import urlencode

from django.views.generic import DetailView, ListView

from programs.models import Track
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


class PracticeCompareView(OneTrackMixin, PublicPageMixin, ListView):
    """
    Two or three clinics side by side: `?site=<slug>&site=<slug>`. With `&track=<slug>` (the list's
    filter, kept) the clinics to choose from are that track's.
    """

    context_object_name = "practices"
    template_name = "sites/practice_compare.html"
    most = 3

    @classmethod
    def chosen(cls, request):
        return chosen_slugs(request, "site", Practice, most=cls.most)

    @classmethod
    def page_variant(cls, request):
        sites = ",".join(sorted(cls.chosen(request)))
        return "&".join(part for part in (f"site={sites}" if sites else "", super().page_variant(request)) if part)

    def get_queryset(self):
        slug = self.chosen_track(self.request)
        self.track = Track.objects.filter(slug=slug).first() if slug else None
        practices = Practice.objects.all()
        self.choosable = list(practices.for_track(self.track) if self.track else practices)
        chosen = set(self.chosen(self.request))
        return Practice.objects.with_tracks().filter(slug__in=chosen) if chosen else Practice.objects.none()

    def get_context_data(self, **kwargs):
        chosen = {practice.slug for practice in self.object_list}
        kwargs["choices"] = [(practice, practice.slug in chosen) for practice in self.choosable]
        kwargs["most"] = self.most
        kwargs["track"] = self.track
        kwargs["sites_query"] = urlencode([("site", practice.slug) for practice in self.object_list])
        return super().get_context_data(**kwargs)


class PracticeDetailView(PublicPageMixin, DetailView):
    context_object_name = "practice"

    def get_queryset(self):
        return Practice.objects.with_tracks()
