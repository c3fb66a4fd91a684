"""Site-wide views: error pages, and what every public page shares."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import (
    Http404,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponsePermanentRedirect,
    HttpResponseServerError,
)
from django.template import loader
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

from . import pagecache


class PublicPageMixin:
    """
    A page for applicants: read-only, the same for everyone, cached whole until the content changes.

    residency.middleware.PageCacheMiddleware stores and answers these pages; here a freshly rendered
    page gets its validators and cache policy. Other methods answer 405 (the CSRF check is skipped
    because nothing here accepts a form). Every view built on it is a public page (`residency.pages`)
    unless it sets `listed = False`; one with a `nav_label` is in the main navigation, and one with a
    `footer_label` in every page's footer links, in the order of the URL configuration.
    """

    http_method_names = ["get", "head", "options"]
    listed = True
    nav_label = None
    footer_label = None
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


def permission_denied(request, exception):
    """403: inside the admin, the admin's own page with its reason and a way back; elsewhere the site's."""
    if not _in_admin(request):
        return defaults.permission_denied(request, exception)
    reason = str(exception) if str(exception) else ""
    return HttpResponseForbidden(_admin_error(request, "admin/403.html", "You may not do that", reason))


def page_not_found(request, exception):
    """404: inside the admin, the admin's own page with a way back; elsewhere the site's."""
    if not _in_admin(request):
        return defaults.page_not_found(request, exception)
    return HttpResponseNotFound(_admin_error(request, "admin/404.html", "Not found", ""))


def _in_admin(request):
    return request.path.startswith(f"/{settings.ADMIN_URL}")


def _admin_error(request, template, title, reason):
    from django.contrib import admin

    context = {**admin.site.each_context(request), "title": title, "reason": reason, "back": _came_from(request)}
    return loader.render_to_string(template, context, request)


def _came_from(request):
    """The admin page the browser came from (its path, on this site only), or ""."""
    try:
        referrer = urlsplit(request.META.get("HTTP_REFERER", ""))
    except ValueError:
        return ""
    same_site = referrer.hostname and referrer.hostname == request.get_host().rsplit(":", 1)[0]
    if not same_site or not referrer.path.startswith(f"/{settings.ADMIN_URL}") or referrer.path == request.path:
        return ""
    return referrer.path + (f"?{referrer.query}" if referrer.query else "")


def favicon(request):
    """Browsers ask for /favicon.ico on every page, the admin's included: send them to the site's icon."""
    return HttpResponsePermanentRedirect(staticfiles_storage.url("favicon.svg"))
