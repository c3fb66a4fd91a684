"""
Which cycle a staff member is previewing, for the request being answered.

The preview middleware sets it from the session for the length of one request; the cycle
queryset's `live()` reads it, so every public page shows the previewed cycle without knowing.
"""

import contextvars

SESSION_KEY = "preview_cycle"

_previewed = contextvars.ContextVar("previewed_cycle", default=None)


def previewed_cycle():
    return _previewed.get()


def previewing(cycle):
    """Show `cycle` as the live one until the returned token is passed to `stop`."""
    return _previewed.set(cycle)


def stop(token):
    _previewed.reset(token)
