from urllib.parse import urlsplit

from django.conf import settings

from .pages import footer_routes, home_route, navigation_routes


def navigation(request):
    """The home page, the main navigation (marking the section of the page being shown) and the footer's links."""
    match = getattr(request, "resolver_match", None)
    here = match.view_name if match else None
    return {
        "home_url": home_route().path,
        "navigation": [
            {"url": route.path, "label": route.nav_label, "current": route.name == here}
            for route in navigation_routes()
        ],
        "footer_links": [{"url": route.path, "label": route.footer_label} for route in footer_routes()],
    }


def site(request):
    """
    The site's configured address, its host (and port) alone, and this page's canonical address built on
    it: never on the Host header, since the page is cached for everyone.
    """
    return {
        "site_url": settings.SITE_URL,
        "site_netloc": urlsplit(settings.SITE_URL).netloc,
        "canonical_url": settings.SITE_URL + request.path,
    }
