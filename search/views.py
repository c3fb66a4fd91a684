from django.views.generic import TemplateView

from residency import variants
from residency.views import PublicPageMixin

from . import engine


class SearchView(PublicPageMixin, TemplateView):
    """
    Results for `?q=`: the sections of the public pages that hold the words, best first, each linking to
    its page and anchor. The page itself is not page-cached (the engine caches its answers, in bounded
    slots); the empty form is an ordinary cached page.
    """

    template_name = "search/results.html"
    # Search results are not a page to list (sitemap, navigation); the form is on every page.
    listed = False
    limited = True
    # Its sections are the results, each a link already: no list of them on top.
    contents_list = False
    # The page's own search box; the front page shows it too, for phones.
    form_template = "search/includes/_page_form.html"

    @classmethod
    def query(cls, request):
        return engine.normalise(variants.query(request).get("q", ""))

    @classmethod
    def page_variant(cls, request):
        return None if cls.query(request) else ""

    def get_context_data(self, **kwargs):
        query = self.query(self.request)
        answer = engine.search(query) if query else engine.Answer()
        kwargs.update(
            query=query,
            # The header's search box shows what was searched for.
            search_query=query,
            answer=answer,
            searched_for=engine.corrected_query(query, answer.corrections),
            has_words=bool(engine.words(query)),
            form_template=self.form_template,
        )
        return super().get_context_data(**kwargs)
