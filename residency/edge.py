"""
nginx's copies of the pages (deploy/nginx/), purged from every nginx when the content changes.

nginx keeps each public page, asked for without a query string, for about a second under its path
and encoding ("/apply/ br"), and serves that copy until then without asking Django. When the
content version moves on (a commit that changed the content, or a scheduled change the first
process notices), every public address (`residency.pages.cached_paths`) is purged in each
encoding from each nginx listed in NGINX_PURGE_URLS: the listener of the cache-purge module
(libnginx-mod-http-cache-purge) that deploy/nginx/residency.conf opens. The purge runs in a thread
of its own, so no request waits for it, and once per version across the processes that share the
cache.

A server process may go on answering from the version it knew for up to
CONTENT_VERSION_CHECK_SECONDS, and nginx would keep what it answered; so the pages are purged a
second time once every process has seen the change. A purge that fails (an nginx down or
unreachable) is logged; nginx's own second then bounds how long it serves the old page.
"""

import http.client
import logging
import threading
import time
from urllib.parse import quote, urlsplit

from django.conf import settings

log = logging.getLogger(__name__)

# The encodings nginx keys its copies on (deploy/nginx/residency.conf, $residency_encoding).
ENCODINGS = ("br", "gzip", "")
# Beyond the processes' check interval, for a page being rendered from the old version as it ends.
SECOND_PASS_MARGIN_SECONDS = 0.25
TIMEOUT_SECONDS = 2

_state = {"thread": None, "pending": False, "paths": []}
_condition = threading.Condition()


def purge_once(version):
    """Purge nginx's copies for the content `version` unless another process already did (or is doing) it."""
    from .pagecache import cache_add
    from .pages import cached_paths

    if not settings.NGINX_PURGE_URLS:
        return
    # None (the cache is down, nobody can say) purges too: twice is harmless, never is not.
    if cache_add(f"edge:purged:{version.timestamp()}", 1, 3600) is False:
        return
    try:
        # Listed here, in the thread that saw the change committed, with the database as it now stands.
        paths = cached_paths()
    except Exception:
        log.exception("Could not list the pages to purge from nginx; its copies last their second.")
        return
    purge_soon(paths)


def purge_soon(paths):
    """Purge `paths` now, and again after every process has seen the change, in a thread; calls coalesce."""
    with _condition:
        _state["paths"] = paths
        _state["pending"] = True
        if _state["thread"] is None:
            _state["thread"] = threading.Thread(target=_purger, name="nginx-purge", daemon=False)
            _state["thread"].start()
        _condition.notify()


def _purger():
    """Purge whenever asked, then once more when the processes' check interval has passed with no new ask."""
    try:
        while True:
            with _condition:
                _state["pending"] = False
                paths = _state["paths"]
            _purge_everywhere(paths)
            deadline = time.monotonic() + settings.CONTENT_VERSION_CHECK_SECONDS + SECOND_PASS_MARGIN_SECONDS
            with _condition:
                while not _state["pending"] and (left := deadline - time.monotonic()) > 0:
                    _condition.wait(left)
                if _state["pending"]:
                    continue
            _purge_everywhere(paths)
            with _condition:
                if not _state["pending"]:
                    _state["thread"] = None
                    return
    except BaseException:
        with _condition:
            _state["thread"] = None
        raise


def _purge_everywhere(paths):
    for base_url in settings.NGINX_PURGE_URLS:
        try:
            purge(base_url, paths)
        except (OSError, http.client.HTTPException) as error:
            log.warning("Could not purge nginx at %s (%s); its copies last their second.", base_url, error)


def purge(base_url, paths):
    """Purge `paths`, in every encoding, from the nginx whose purge listener is `base_url`; how many it held."""
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port or 80, timeout=TIMEOUT_SECONDS)
    purged = 0
    try:
        for path in paths:
            for encoding in ENCODINGS:
                connection.request("PURGE", quote(path), headers={"Accept-Encoding": encoding})
                response = connection.getresponse()
                response.read()
                # 200: it held a copy and dropped it; 404: it held none.
                if response.status not in (200, 404):
                    raise http.client.HTTPException(f"{response.status} {response.reason} for {path}")
                purged += response.status == 200
    finally:
        connection.close()
    return purged
