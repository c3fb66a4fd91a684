"""Site-wide views: error pages, and what every public page shares."""

from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import Http404, HttpResponsePermanentRedirect, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import csrf_exempt

from . import pagecache


class PublicPageMixin:
    """
    A page for applicants: read-only, the same for everyone, cached whole until the content changes.

    residency.middleware.PageCacheMiddleware stores and answers these pages; here a freshly rendered
    page gets its validators and cache policy. Other methods answer 405 (the CSRF check is skipped
    because nothing here accepts a form). Every view built on it is a public page (`residency.pages`)
    unless it sets `listed = False`; one with a `nav_label` is in the main navigation, in the order of
    the URL configuration.
    """

    http_method_names = ["get", "head", "options"]
    listed = True
    nav_label = None
    # Answers each query afresh (search, the answered self-check): nginx limits how often one client may
    # ask, and how many such requests Django works on at once (deploy/nginx/residency.conf lists the paths).
    limited = False
    # Its query string holds a visitor's own answers: an answered page is `private, no-store` (see
    # `is_private`), and nginx logs its path without the query string (deploy/nginx/residency.conf).
    private_queries = False

    @classmethod
    def as_view(cls, **initkwargs):
        # Wrapped once here rather than with method_decorator, which re-wraps on every request.
        return csrf_exempt(super().as_view(**initkwargs))

    @classmethod
    def page_variant(cls, request):
        """
        Which version of the page `request` asks for, as part of its cache key: a normalised string of only
        the query parameters and values this page knows (e.g. "track=categorical"), "" when the page reads
        no query string (the default: junk parameters never make new cache entries), or None for a
        response that must not be cached (search results).
        """
        return ""

    def is_private(self):
        """Whether this response holds the visitor's own answers (a page with `private_queries`, answered)."""
        return self.private_queries and self.page_variant(self.request) is None

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if self.is_private():
                pagecache.add_private_headers(response)
            elif getattr(request, "page_preview", False):
                pagecache.add_preview_headers(response)
            else:
                pagecache.add_page_headers(response)
        return response


class CurrentObjectMixin:
    """For a page about the one current object of a model (the program, the application cycle)."""

    current_model = None
    current_context_name = None

    def get_current_object(self):
        obj = self.current_model.objects.current()
        if obj is None:
            raise Http404(f"No {self.current_model._meta.verbose_name} has been published yet.")
        return obj

    def get_context_data(self, **kwargs):
        kwargs.setdefault(self.current_context_name, self.get_current_object())
        return super().get_context_data(**kwargs)


def server_error(request):
    """The 500 page, drawn without the database, which may be the thing that failed."""
    from .context_processors import navigation

    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render(navigation(request)))


def favicon(request):
    """Browsers ask for /favicon.ico on every page, the admin's included: send them to the site's icon."""
    return HttpResponsePermanentRedirect(staticfiles_storage.url("favicon.svg"))
