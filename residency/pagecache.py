"""
Whole public pages, cached until the content changes.

Any save or delete of content (in admin, or by `load_content`) moves the content version on;
the version is part of every page's cache key, so the next request renders afresh. The version
lives in the database, so every server process sees a change; each process looks it up at most
once every CONTENT_VERSION_CHECK_SECONDS, and at once after a change it made itself.
"""

import contextlib
import datetime
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.cache import patch_cache_control, set_response_etag
from django.utils.http import http_date

from .models import ContentVersion

_memo = {"version": None, "checked": float("-inf"), "batched": False}
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def current_version():
    """When the content last changed, as this process last looked it up."""
    now = time.monotonic()
    if _memo["version"] is None or now - _memo["checked"] > settings.CONTENT_VERSION_CHECK_SECONDS:
        # The one row is made by a migration; without it (a flushed test database) the version is the epoch.
        latest = ContentVersion.objects.values_list("changed_at", flat=True).first() or EPOCH
        _memo.update(version=latest, checked=now)
    return _memo["version"]


def content_changed():
    """Record that the content changed: every cached page is stale from the next request on."""
    changed_at = timezone.now()
    if not ContentVersion.objects.update(changed_at=changed_at):
        ContentVersion.objects.create(changed_at=changed_at)
    _memo.update(version=changed_at, checked=time.monotonic())


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
    _memo.update(version=None, checked=float("-inf"))


def _key(request, version):
    # No public page reads its query string, so it is left out: junk parameters cannot fill the cache.
    path = hashlib.sha256(request.path.encode()).hexdigest()
    return f"page:{version.timestamp()}:{path}"


def cached_response(request, render):
    """The page for `request`: from the cache, or from `render()` and then cached if it is a 200."""
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
