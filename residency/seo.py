"""What search engines read: robots.txt, and the sitemap of every public page from the one list."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.views.generic import TemplateView, View

from . import pagecache, pages
from .views import PublicPageMixin


class PublicPagesSitemap(Sitemap):
    """Every public page (`residency.pages`), at the configured SITE_URL, last changed when the content did."""

    def items(self):
        return pages.public_pages()

    def location(self, item):
        return item

    def lastmod(self, item):
        return pagecache.current_version()

    def get_domain(self, site=None):
        # The configured address, never the request's Host header.
        return urlsplit(settings.SITE_URL).netloc

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme


class SitemapView(PublicPageMixin, View):
    listed = False

    def get(self, request):
        return sitemap(request, sitemaps={"pages": PublicPagesSitemap})


class RobotsView(PublicPageMixin, TemplateView):
    listed = False
    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"
