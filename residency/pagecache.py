"""
Whole public pages, cached until the content changes, and answered before most of the middleware.

Any save or delete of content (in admin, or by `load_content`) moves the content version on;
the version is part of every page's cache key, so the next request renders afresh. The version
lives in the database, so every server process sees a change; each process looks it up at most
once every CONTENT_VERSION_CHECK_SECONDS, and at once after a change it made itself.

Content can also change by itself at a known time (a scheduled publication, a deadline that
passes): apps answer the `scheduled_changes` signal with such times. The version is the latest
of the last change and the scheduled times already passed, and each process looks again the
moment the next scheduled time comes, so no page of before is served after it. Pages also say
which dates are past, so a cached page lasts one day of the site's time zone at most.

`residency.middleware.PageCacheMiddleware` uses this module: for a request that resolves to a
public page (a view with `page_variant`, from `residency.views.PublicPageMixin`) it answers from
the cache, with the security headers the rest of the middleware added when the page was stored,
and gzip-compressed when the client accepts it. Both encodings are stored, in the shared cache
and in a small copy of the pages each process served last (no round trip to Redis for a hit).

Outages degrade instead of failing: a cache error (refused, timed out) is logged and the page is
rendered without the cache, which is left alone for CACHE_RETRY_SECONDS; a database error while
checking the version falls back to the version last known (this process's, or the one stored
in the cache), so cached pages are still served while the database is down.
"""

import collections
import contextlib
import datetime
import functools
import gzip
import hashlib
import logging
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from django.dispatch import Signal
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import http_date, parse_http_date_safe

from .models import ContentVersion

try:
    from redis.exceptions import RedisError
except ImportError:  # Redis is only needed when CACHE_URL names it.
    RedisError = OSError

log = logging.getLogger(__name__)

CACHE_ERRORS = (OSError, RedisError)
# After a cache error, this process renders without the cache for this long before trying again.
CACHE_RETRY_SECONDS = 5.0
# After a database error, the last known version is used for this long before asking again.
DATABASE_RETRY_SECONDS = 5.0
VERSION_KEY = "page-cache:content-version"
# Django's GZipMiddleware reads Accept-Encoding the same way.
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
COMPRESSIBLE_TYPES = {"application/json", "application/ld+json", "application/xml", "image/svg+xml"}
# Below this many bytes, gzip's own header and footer outweigh what it saves.
MIN_COMPRESS_BYTES = 200

# Receivers return a list of aware datetimes at which the pages change without anyone saving.
scheduled_changes = Signal()

_NEVER = datetime.datetime.max.replace(tzinfo=datetime.UTC)
_memo = {"version": None, "checked": float("-inf"), "batched": False, "recheck_at": _NEVER}
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_cache_down_until = {"at": float("-inf")}


# --- The content version ------------------------------------------------------------------------


def _scheduled(now):
    """The latest scheduled change at or before `now`, and the first after it."""
    moments = [moment for _, answer in scheduled_changes.send(sender=None) for moment in answer or ()]
    passed = max((moment for moment in moments if moment <= now), default=None)
    upcoming = min((moment for moment in moments if moment > now), default=_NEVER)
    return passed, upcoming


def current_version():
    """
    When the content last changed, by an edit or on schedule, as this process last looked it up (or
    last knew, with the database down).
    """
    now = time.monotonic()
    wall = timezone.now()
    if (
        _memo["version"] is None
        or now - _memo["checked"] > settings.CONTENT_VERSION_CHECK_SECONDS
        or wall >= _memo["recheck_at"]
    ):
        try:
            # The one row is made by a migration; without it (a flushed test database) the version is the epoch.
            latest = ContentVersion.objects.values_list("changed_at", flat=True).first() or EPOCH
            passed, upcoming = _scheduled(wall)
        except DatabaseError as error:
            known = _memo["version"] or cache_get(VERSION_KEY)
            if known is None:
                raise
            log.warning("Database unavailable (%s); serving the pages of the content last known.", error)
            _memo.update(version=known, checked=now + DATABASE_RETRY_SECONDS - settings.CONTENT_VERSION_CHECK_SECONDS)
            return known
        latest = max(latest, passed) if passed else latest
        if latest != _memo["version"]:
            cache_set(VERSION_KEY, latest, None)
        _memo.update(version=latest, checked=now, recheck_at=upcoming)
    return _memo["version"]


def content_changed():
    """Record that the content changed: every cached page is stale from the next request on."""
    changed_at = timezone.now()
    if not ContentVersion.objects.update(changed_at=changed_at):
        ContentVersion.objects.create(changed_at=changed_at)
    _memo.update(version=changed_at, checked=time.monotonic(), recheck_at=_scheduled(changed_at)[1])
    cache_set(VERSION_KEY, changed_at, None)


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


def in_one_change():
    """Whether the changes now being made are inside `one_change()` (a `load_content`)."""
    return _memo["batched"]


def forget():
    """Drop this process's memory of the version, its local copies and cache errors (tests start each afresh)."""
    _memo.update(version=None, checked=float("-inf"), recheck_at=_NEVER)
    _local.clear()
    _cache_down_until["at"] = float("-inf")


# --- The cache, tolerating its outages ------------------------------------------------------------


def cache_get(key):
    """The cached value, or None when it is missing or the cache is unavailable."""
    return _cache_call("get", key)


def cache_set(key, value, timeout):
    _cache_call("set", key, value, timeout)


def _cache_call(method, *args):
    if time.monotonic() < _cache_down_until["at"]:
        return None
    try:
        return getattr(cache, method)(*args)
    except CACHE_ERRORS as error:
        _cache_down_until["at"] = time.monotonic() + CACHE_RETRY_SECONDS
        log.warning("Page cache unavailable (%s); rendering pages without it for %.0f s.", error, CACHE_RETRY_SECONDS)
        return None


def cache_is_up():
    """Whether the cache answers a write and a read now (for /healthz); never raises."""
    try:
        cache.set("page-cache:health", 1, 10)
        return cache.get("page-cache:health") == 1
    except CACHE_ERRORS:
        return False


# --- Pages ----------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def _page_view(urlconf, path):
    """The public page view class `path` resolves to, or None."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    view_class = getattr(match.func, "view_class", None)
    return view_class if hasattr(view_class, "page_variant") else None


def page_key(request):
    """
    The cache key of the public page `request` asks for, without its encoding; None when the request
    is not for a cacheable page (not GET or HEAD, not a public page, a variant that is not cached), or
    when the rest of the middleware must answer it (a session, a Host not allowed, plain HTTP to redirect).
    """
    if request.method not in ("GET", "HEAD"):
        return None
    # Someone with a session (staff) may be previewing unpublished content: the full stack decides.
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None
    view_class = _page_view(settings.ROOT_URLCONF, request.path_info)
    if view_class is None:
        return None
    try:
        request.get_host()
    except DisallowedHost:
        return None
    if settings.SECURE_SSL_REDIRECT and not request.is_secure():
        return None
    variant = view_class.page_variant(request)
    if variant is None:
        return None
    try:
        version = current_version()
    except DatabaseError:
        return None
    page = hashlib.sha256(f"{request.path}?{variant}".encode()).hexdigest()
    # The site's date is in the key too: pages say which dates are past.
    return f"page:{version.timestamp()}:{timezone.localdate().isoformat()}:{request.scheme}:{page}"


def encoding_for(request):
    """The encoding of the stored copy this client gets: "gzip" when it accepts it, else ""."""
    return "gzip" if ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) else ""


def cached_page(request, key):
    """The stored page for `request` (a 304 when the client's copy is current), or None."""
    full_key = f"{key}:{encoding_for(request)}"
    stored = _local.get(full_key)
    if stored is None:
        stored = cache_get(full_key)
        if stored is None:
            return None
        _local.put(full_key, stored)
    status, headers, content = stored
    return conditional(request, HttpResponse(content, status=status, headers=headers))


def conditional(request, response):
    """`response`, or a 304 when the request's If-None-Match or If-Modified-Since says the client has it."""
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
        response=response,
    )


class _LocalCopies:
    """
    The pages this process served last, in its own memory, in front of the shared cache: a hit costs no
    round trip to Redis. Keys hold the content version, so a change makes every copy unreachable at once;
    the oldest are dropped beyond `size`.
    """

    def __init__(self, size):
        self.size = size
        self.entries = collections.OrderedDict()

    def get(self, key):
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
        return entry

    def put(self, key, entry):
        self.entries[key] = entry
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)

    def clear(self):
        self.entries.clear()


_local = _LocalCopies(size=512)


def is_storable(response):
    """Whether a finished response may be stored for everyone: a public 200 that sets no cookie and varies by none."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "")
    vary = response.get("Vary", "").lower()
    return "public" in cache_control and "private" not in cache_control and "cookie" not in vary


def store(request, key, response):
    """Store `response` (final, with every header) in both encodings; return the one this client gets."""
    patch_vary_headers(response, ["Accept-Encoding"])
    variants = {"": response}
    compressed = _gzipped(response)
    if compressed is not None:
        variants["gzip"] = compressed
    for encoding, variant in variants.items():
        stored = (variant.status_code, dict(variant.items()), variant.content)
        cache_set(f"{key}:{encoding}", stored, settings.PAGE_CACHE_TIMEOUT)
        _local.put(f"{key}:{encoding}", stored)
    return variants.get(encoding_for(request), response)


def _gzipped(response):
    """A gzip-compressed copy of `response` with its own ETag, or None if it would not be smaller or is not text."""
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    if not (content_type.startswith("text/") or content_type in COMPRESSIBLE_TYPES):
        return None
    if len(response.content) < MIN_COMPRESS_BYTES or response.has_header("Content-Encoding"):
        return None
    # No timestamp in the gzip header: the same page always compresses to the same bytes (and ETag).
    content = gzip.compress(response.content, compresslevel=6, mtime=0)
    if len(content) >= len(response.content):
        return None
    compressed = HttpResponse(content, status=response.status_code, headers=dict(response.items()))
    compressed["Content-Encoding"] = "gzip"
    compressed["Content-Length"] = str(len(content))
    del compressed["ETag"]
    set_response_etag(compressed)
    return compressed


def add_preview_headers(response):
    """A staff member's preview of unpublished content: never cached, anywhere, never indexed."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    response["X-Robots-Tag"] = "noindex, nofollow"


def add_page_headers(response):
    """The validators and cache policy of a freshly rendered public page (a 200)."""
    response["Last-Modified"] = http_date(current_version().timestamp())
    # Browsers check back every time (a cheap 304 while nothing changed), so a coordinator sees an edit
    # at once; CDNs and proxies may keep the page briefly.
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True, s_maxage=settings.PAGE_SHARED_MAX_AGE)
    set_response_etag(response)
