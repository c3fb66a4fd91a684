"""
Which cycle a staff member is previewing, for the request being answered, and where previews live.

Staff preview the public site under the admin's path (`/<ADMIN_URL>preview/…`), the only place their
session cookie is sent (SESSION_COOKIE_PATH): public pages never see it, so they stay the same for
everyone and no cookie can make a visitor miss a cache. A preview request is resolved with
`applications.preview_urls`, so every link inside it stays in the preview.

The preview middleware sets the cycle from the session for the length of one request; the cycle
queryset's `live()` reads it, so every public page shows the previewed cycle without knowing.
"""

import contextvars

from django.conf import settings

SESSION_KEY = "preview_cycle"
URLCONF = "applications.preview_urls"

_previewed = contextvars.ContextVar("previewed_cycle", default=None)


def route():
    """The preview's part of the URL configuration: `<ADMIN_URL>preview/`."""
    return f"{settings.ADMIN_URL}preview/"


def address(path):
    """The preview's address of the public page at `path`."""
    return f"/{route()}{path.lstrip('/')}"


def public_address(path):
    """The public page a preview address `path` shows; None for a path outside the preview."""
    prefix = f"/{route()}"
    return "/" + path.removeprefix(prefix) if path.startswith(prefix) else None


def previewed_cycle():
    return _previewed.get()


def previewing(cycle):
    """Show `cycle` as the live one until the returned token is passed to `stop`."""
    return _previewed.set(cycle)


def stop(token):
    _previewed.reset(token)
