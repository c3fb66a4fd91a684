from django.views.generic import TemplateView

from residency import variants
from residency.views import PublicPageMixin

from . import engine


class SearchView(PublicPageMixin, TemplateView):
    """
    Results for `?q=`: every kind of content, each result linking to the page and section holding it.
    Results are worked out afresh (not page-cached); the empty form is an ordinary cached page.
    """

    template_name = "search/results.html"
    # Search results are not a page to list (sitemap, navigation); the form is on every page.
    listed = False
    limited = True

    @classmethod
    def query(cls, request):
        return engine.normalise(variants.query(request).get("q", ""))

    @classmethod
    def page_variant(cls, request):
        return None if cls.query(request) else ""

    def get_context_data(self, **kwargs):
        query = self.query(self.request)
        kwargs["query"] = query
        # The header's search box shows what was searched for.
        kwargs["search_query"] = query
        kwargs["results"] = engine.search(query) if query else []
        kwargs["has_words"] = bool(engine.words(query))
        return super().get_context_data(**kwargs)
