"""
Whole public pages, cached until the content changes, and answered before most of the middleware.

Any save or delete of content (in admin, or by `load_content`) moves the content version on;
the version is part of every page's cache key, so the next request renders afresh. The version
lives in the database, so every server process sees a change; each process looks it up at most
once every CONTENT_VERSION_CHECK_SECONDS, and at once after a change it made itself. The rest of
the process learns of a change only when its transaction commits (`transaction.on_commit`), so a
thread never stores a page rendered from the content before the change under the key of after
it; the thread that made the change sees it at once, as its own database connection does.

Content can also change by itself at a known time (a scheduled publication, a deadline that
passes): apps answer the `scheduled_changes` signal with such times. The version is the latest
of the last change and the scheduled times already passed, and each process looks again the
moment the next scheduled time comes, so no page of before is served after it. Pages also say
which dates are past, so a cached page lasts one day of the site's time zone at most.

`residency.middleware.PageCacheMiddleware` uses this module: for a request that resolves to a
public page (a view with `page_variant`, from `residency.views.PublicPageMixin`) it answers from
the cache, with the security headers the rest of the middleware added when the page was stored,
compressed as the client accepts (brotli, else gzip). Every encoding is stored, in the shared
cache and in a small copy of the pages each process served last (no round trip to Redis for a hit).
A public page is the same for everyone, so its request's cookies are dropped before anything reads
them: no cookie, made up or real, can make a visitor miss the cache (staff preview the site under
the admin's path, where the session cookie is sent; `applications.middleware`). When the content
changes, nginx's copies are purged too (`residency.edge`).

Every cache call of the site goes through this module (`cache_get`, `cache_get_many`, `cache_set`,
`cache_add`, `cache_delete`), and outages degrade instead of failing: a cache error (refused, timed
out) is logged and the call answers as a miss, and the cache is left alone for CACHE_RETRY_SECONDS;
a database error while checking the version falls back to the version last known (this process's,
or the one stored in the cache), so cached pages are still served while the database is down.
"""

import collections
import contextlib
import datetime
import functools
import gzip
import hashlib
import logging
import pickle
import re
import time

import brotli
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, connection, transaction
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

from . import edge
from .models import ContentVersion

try:
    from redis.exceptions import RedisError
except ImportError:  # Redis is only needed when CACHE_URL names it.
    RedisError = OSError

log = logging.getLogger(__name__)

# What a cache that is down, hung or handing back damaged values raises.
CACHE_ERRORS = (OSError, RedisError, pickle.UnpicklingError, EOFError)
# After a cache error, this process renders without the cache for this long before trying again.
CACHE_RETRY_SECONDS = 5.0
# After a database error, the last known version is used for this long before asking again.
DATABASE_RETRY_SECONDS = 5.0
VERSION_KEY = "page-cache:content-version"
# The encodings a page is stored in, the client's choice first: brotli, gzip, none ("").
ENCODINGS = ("br", "gzip", "")
COMPRESSIBLE_TYPES = {"application/json", "application/ld+json", "application/xml", "image/svg+xml"}
# Below this many bytes, a compressed format's own header and footer outweigh what it saves.
MIN_COMPRESS_BYTES = 200
_QUALITY = re.compile(r";\s*q\s*=\s*([0-9.]+)")

# Receivers return a list of aware datetimes at which the pages change without anyone saving.
scheduled_changes = Signal()

_NEVER = datetime.datetime.max.replace(tzinfo=datetime.UTC)
_memo = {"version": None, "checked": float("-inf"), "batched": False, "recheck_at": _NEVER}
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_cache_down_until = {"at": float("-inf")}
# The memories of the functions wrapped by `per_version`, emptied by `forget`.
_per_version = []


# --- The content version ------------------------------------------------------------------------


def _scheduled(now):
    """The latest scheduled change at or before `now`, and the first after it."""
    moments = [moment for _, answer in scheduled_changes.send(sender=None) for moment in answer or ()]
    passed = max((moment for moment in moments if moment <= now), default=None)
    upcoming = min((moment for moment in moments if moment > now), default=_NEVER)
    return passed, upcoming


def _own_view():
    """
    This thread's own view of the version while its transaction holds an uncommitted change of the
    content (the latest), or None: what its database connection shows, and nobody else sees yet.
    """
    views = [getattr(func, "content_view", None) for _, func, _ in connection.run_on_commit]
    return max(filter(None, views), key=lambda view: view["changed_at"], default=None)


def current_version():
    """
    When the content last changed, by an edit or on schedule, as this process last looked it up (or
    last knew, with the database down); in a thread whose open transaction changed it, that change.
    """
    own = _own_view()
    memo = _memo if own is None else own
    now = time.monotonic()
    wall = timezone.now()
    if (
        memo["version"] is None
        or now - memo["checked"] > settings.CONTENT_VERSION_CHECK_SECONDS
        or wall >= memo["recheck_at"]
    ):
        try:
            # The one row is made by a migration; without it (a flushed test database) the version is the epoch.
            latest = ContentVersion.objects.values_list("changed_at", flat=True).first() or EPOCH
            passed, upcoming = _scheduled(wall)
        except DatabaseError as error:
            known = memo["version"] or cache_get(VERSION_KEY)
            if known is None:
                raise
            log.warning("Database unavailable (%s); serving the pages of the content last known.", error)
            memo.update(version=known, checked=now + DATABASE_RETRY_SECONDS - settings.CONTENT_VERSION_CHECK_SECONDS)
            return known
        latest = max(latest, passed) if passed else latest
        previous = memo["version"]
        memo.update(version=latest, checked=now, recheck_at=upcoming)
        if memo is _memo and latest != previous:
            cache_set(VERSION_KEY, latest, None)
            if previous is not None:
                # Another process's edit, or a scheduled change nobody saved: nginx's copies go too (once).
                edge.purge_once(latest)
    return memo["version"]


def content_changed():
    """
    Record that the content changed: every cached page is stale from the next request after the commit
    (at once in this thread), and nginx's copies are purged then.
    """
    changed_at = timezone.now()
    if not ContentVersion.objects.update(changed_at=changed_at):
        ContentVersion.objects.create(changed_at=changed_at)
    # Until the commit, only this thread sees the new version; the rest of the process keeps the old one.
    view = {"changed_at": changed_at, "version": changed_at, "checked": time.monotonic()}
    view["recheck_at"] = _scheduled(changed_at)[1]

    def committed():
        _memo.update(version=view["version"], checked=view["checked"], recheck_at=view["recheck_at"])
        cache_set(VERSION_KEY, view["version"], None)
        edge.purge_once(view["version"])

    # A change rolled back with its savepoint takes this callback, and its view, with it (Django drops it).
    committed.content_view = view
    transaction.on_commit(committed, robust=True)


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


def per_version(function):
    """
    `function` (no arguments) called once per content version by this process: its value is kept in the
    process's memory until the version moves on (what every page shows, such as the program in its header).
    Like the pages, the value of before a change is never used after it: an uncommitted change of this
    thread is a version of its own.
    """
    memo = {}
    _per_version.append(memo)

    @functools.wraps(function)
    def for_this_version():
        version = current_version()
        kept = memo.get("kept")
        if kept is None or kept[0] != version:
            kept = memo["kept"] = (version, function())
        return kept[1]

    return for_this_version


def forget():
    """Drop this process's memory of the version, its local copies and cache errors (tests start each afresh)."""
    _memo.update(version=None, checked=float("-inf"), recheck_at=_NEVER)
    _local.clear()
    _cache_down_until["at"] = float("-inf")
    for memo in _per_version:
        memo.clear()


# --- The cache, tolerating its outages ------------------------------------------------------------


def cache_get(key):
    """The cached value, or None when it is missing or the cache is unavailable."""
    return _cache_call("get", key)


def cache_get_many(keys):
    """{key: value} of the keys found; {} when the cache is unavailable."""
    return _cache_call("get_many", keys) or {}


def cache_set(key, value, timeout):
    """Store `value` for `timeout` seconds (None: until evicted); nothing happens when the cache is unavailable."""
    _cache_call("set", key, value, timeout)


def cache_add(key, value, timeout):
    """
    Store `value` only if `key` is not there yet: True if this call stored it, False if it was there,
    None when the cache is unavailable (nobody can say).
    """
    return _cache_call("add", key, value, timeout)


def cache_delete(key):
    _cache_call("delete", key)


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


def public_page(request):
    """
    The public page view `request` resolves to, or None (admin, the preview, anything else). Its request
    is made anonymous: a public page is the same for everyone, so no cookie may change or bypass it.
    """
    view_class = _page_view(settings.ROOT_URLCONF, request.path_info)
    if view_class is not None:
        request.META.pop("HTTP_COOKIE", None)
    return view_class


def page_key(request, view_class):
    """
    The cache key of the public page `request` asks for (`view_class`, from `public_page`), without its
    encoding; None when the request is not for a cacheable page (not GET or HEAD, a variant that is not
    cached), or when the rest of the middleware must answer it (a Host not allowed, plain HTTP to redirect).
    """
    if request.method not in ("GET", "HEAD"):
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
    # The site's date is in the key too: pages say which dates are past; and the release, so a deploy renders afresh.
    return f"page:{settings.RELEASE}:{version.timestamp()}:{timezone.localdate().isoformat()}:{request.scheme}:{page}"


def encoding_for(request):
    """The stored copy this client gets: "br" or "gzip" when its Accept-Encoding allows it (q > 0), else ""."""
    accepted = {}
    for part in request.META.get("HTTP_ACCEPT_ENCODING", "").lower().split(","):
        name, _, parameters = part.partition(";")
        quality = _QUALITY.search(";" + parameters)
        try:
            accepted[name.strip()] = float(quality.group(1)) if quality else 1.0
        except ValueError:
            accepted[name.strip()] = 0.0
    return next((encoding for encoding in ENCODINGS if encoding and accepted.get(encoding, 0) > 0), "")


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


_local = _LocalCopies(size=768)


def is_storable(response):
    """Whether a finished response may be stored for everyone: a public 200 that sets no cookie and varies by none."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "")
    vary = response.get("Vary", "").lower()
    return "public" in cache_control and "private" not in cache_control and "cookie" not in vary


def store(request, key, response):
    """Store `response` (final, with every header) in each encoding; return the one this client gets."""
    patch_vary_headers(response, ["Accept-Encoding"])
    variants = {"": response}
    for encoding in ENCODINGS:
        compressed = _compressed(response, encoding) if encoding else None
        if compressed is not None:
            variants[encoding] = compressed
    for encoding, variant in variants.items():
        stored = (variant.status_code, dict(variant.items()), variant.content)
        cache_set(f"{key}:{encoding}", stored, settings.PAGE_CACHE_TIMEOUT)
        _local.put(f"{key}:{encoding}", stored)
    return variants.get(encoding_for(request), response)


def _compress(content, encoding):
    if encoding == "br":
        return brotli.compress(content, quality=11)
    # No timestamp in the gzip header: the same page always compresses to the same bytes (and ETag).
    return gzip.compress(content, compresslevel=6, mtime=0)


def _compressed(response, encoding):
    """A copy of `response` compressed with `encoding`, with its own ETag; None if not text or not smaller."""
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    if not (content_type.startswith("text/") or content_type in COMPRESSIBLE_TYPES):
        return None
    if len(response.content) < MIN_COMPRESS_BYTES or response.has_header("Content-Encoding"):
        return None
    content = _compress(response.content, encoding)
    if len(content) >= len(response.content):
        return None
    compressed = HttpResponse(content, status=response.status_code, headers=dict(response.items()))
    compressed["Content-Encoding"] = encoding
    compressed["Content-Length"] = str(len(content))
    del compressed["ETag"]
    set_response_etag(compressed)
    return compressed


def add_preview_headers(response):
    """A staff member's preview of unpublished content: never cached, anywhere, never indexed."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    response["X-Robots-Tag"] = "noindex, nofollow"


def add_private_headers(response):
    """A page holding a visitor's own answers: kept by nobody, not even the browser's cache."""
    response["Cache-Control"] = "private, no-store"


def add_page_headers(response):
    """The validators and cache policy of a freshly rendered public page (a 200)."""
    response["Last-Modified"] = http_date(current_version().timestamp())
    # Browsers check back every time (a cheap 304 while nothing changed), so a coordinator sees an edit
    # at once; CDNs and proxies may keep the page briefly.
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True, s_maxage=settings.PAGE_SHARED_MAX_AGE)
    set_response_etag(response)
