"""Pages that read their query string, for tests of the page cache's variants (tests/test_cache.py)."""

import itertools

from django.http import HttpResponse
from django.urls import include, path
from django.views import View

from residency.views import PublicPageMixin

renders = itertools.count(1)


class CountingPage(PublicPageMixin, View):
    """A page whose body says how many times any page here was rendered."""

    def get(self, request):
        return HttpResponse(f"<p>render {next(renders)}</p>" + "<p>padding for compression</p>" * 20)


class TrackFilteredPage(CountingPage):
    tracks = {"first-track", "second-track"}

    @classmethod
    def page_variant(cls, request):
        track = request.GET.get("track")
        return f"track={track}" if track in cls.tracks else ""


class SearchResults(CountingPage):
    @classmethod
    def page_variant(cls, request):
        return None


urlpatterns = [
    path("filtered/", TrackFilteredPage.as_view()),
    path("search/", SearchResults.as_view()),
    path("", include("residency.urls")),
]
