from django.conf import settings

from .pages import navigation_routes


def navigation(request):
    """The main navigation, marking the section of the page being shown."""
    match = getattr(request, "resolver_match", None)
    here = match.view_name if match else None
    return {
        "navigation": [
            {"url": route.path, "label": route.nav_label, "current": route.name == here}
            for route in navigation_routes()
        ]
    }


def site(request):
    """The site's configured address, and this page's canonical address built on it (never on the Host header)."""
    return {"site_url": settings.SITE_URL, "canonical_url": settings.SITE_URL + request.path}
