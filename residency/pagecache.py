"""
Whole public pages, cached until the content changes.

Any save or delete of content (in admin, or by `load_content`) moves the content version on;
the version is part of every page's cache key, so the next request renders afresh. The version
lives in the database, so every server process sees a change; each process looks it up at most
once every CONTENT_VERSION_CHECK_SECONDS, and at once after a change it made itself.

Content can also change by itself at a known time (a scheduled publication, a deadline that
passes): apps answer the `scheduled_changes` signal with such times. The version is the latest
of the last change and the scheduled times already passed, and each process looks again the
moment the next scheduled time comes, so no page of before is served after it. Pages also say
which dates are past, so a cached page lasts one day of the site's time zone at most.
"""

import contextlib
import datetime
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.dispatch import Signal
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control, set_response_etag
from django.utils.http import http_date

from .models import ContentVersion

# Receivers return a list of aware datetimes at which the pages change without anyone saving.
scheduled_changes = Signal()

_NEVER = datetime.datetime.max.replace(tzinfo=datetime.UTC)
_memo = {"version": None, "checked": float("-inf"), "batched": False, "recheck_at": _NEVER}
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def _scheduled(now):
    """The latest scheduled change at or before `now`, and the first after it."""
    moments = [moment for _, answer in scheduled_changes.send(sender=None) for moment in answer or ()]
    passed = max((moment for moment in moments if moment <= now), default=None)
    upcoming = min((moment for moment in moments if moment > now), default=_NEVER)
    return passed, upcoming


def current_version():
    """When the content last changed, by an edit or on schedule, as this process last looked it up."""
    now = time.monotonic()
    wall = timezone.now()
    if (
        _memo["version"] is None
        or now - _memo["checked"] > settings.CONTENT_VERSION_CHECK_SECONDS
        or wall >= _memo["recheck_at"]
    ):
        # The one row is made by a migration; without it (a flushed test database) the version is the epoch.
        latest = ContentVersion.objects.values_list("changed_at", flat=True).first() or EPOCH
        passed, upcoming = _scheduled(wall)
        _memo.update(version=max(latest, passed) if passed else latest, checked=now, recheck_at=upcoming)
    return _memo["version"]


def content_changed():
    """Record that the content changed: every cached page is stale from the next request on."""
    changed_at = timezone.now()
    if not ContentVersion.objects.update(changed_at=changed_at):
        ContentVersion.objects.create(changed_at=changed_at)
    _memo.update(version=changed_at, checked=time.monotonic(), recheck_at=_scheduled(changed_at)[1])


def on_content_change(sender, raw=False, **kwargs):
    """Signal receiver for saves, deletes and many-to-many changes of content, except inside `one_change()`."""
    if not raw and not _memo["batched"] and not kwargs.get("action", "post_").startswith("pre_"):
        content_changed()


@contextlib.contextmanager
def one_change():
    """Make the changes inside count as one: `load_content` records its single change itself at the end."""
    _memo["batched"] = True
    try:
        yield
    finally:
        _memo["batched"] = False


def forget():
    """Drop this process's memory of the version (tests start each from the database)."""
    _memo.update(version=None, checked=float("-inf"), recheck_at=_NEVER)


def _key(request, version):
    # No public page reads its query string, so it is left out: junk parameters cannot fill the cache.
    path = hashlib.sha256(request.path.encode()).hexdigest()
    return f"page:{version.timestamp()}:{timezone.localdate().isoformat()}:{path}"


def cached_response(request, render):
    """The page for `request`: from the cache, or from `render()` and then cached if it is a 200."""
    if getattr(request, "page_preview", False):
        # A staff member's preview of unpublished content: never cached, anywhere, never indexed.
        response = render()
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
    version = current_version()
    key = _key(request, version)
    response = cache.get(key)
    if response is None:
        response = render()
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code == 200:
            response["Last-Modified"] = http_date(version.timestamp())
            # Browsers check back every time (a cheap 304 while nothing changed), so a coordinator sees
            # an edit at once; CDNs and proxies may keep the page briefly.
            patch_cache_control(
                response, public=True, max_age=0, must_revalidate=True, s_maxage=settings.PAGE_SHARED_MAX_AGE
            )
            set_response_etag(response)
            cache.set(key, response, settings.PAGE_CACHE_TIMEOUT)
    return response
