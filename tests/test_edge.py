"""
When the content changes, every nginx in front of the site drops its copies of the pages
(residency.edge): at once after the commit, and again once every server process has seen the change.
These tests stand two small HTTP servers in for two nginx purge listeners (tests/test_nginx.py purges
a real nginx).
"""

import http.server
import threading
from http import HTTPStatus

import pytest
from django.test import override_settings

from residency import edge, pagecache, pages
from sites.models import Practice
from tests import servers

pytestmark = pytest.mark.django_db


class PurgeListener(http.server.ThreadingHTTPServer):
    """Records each PURGE it is sent, (path, encoding); answers 200 as if it held a copy."""

    def __init__(self):
        self.purged = []
        super().__init__(("127.0.0.1", servers.free_port()), self.Handler)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_PURGE(self):  # noqa: N802 (the method's name)
            self.server.purged.append((self.path, self.headers.get("Accept-Encoding", "")))
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass


@pytest.fixture
def listeners():
    started = [PurgeListener(), PurgeListener()]
    for listener in started:
        threading.Thread(target=listener.serve_forever, daemon=True).start()
    yield started
    for listener in started:
        listener.shutdown()
        listener.server_close()


def wait_for_the_purges():
    thread = edge._state["thread"]
    if thread is not None:
        thread.join(10)
    assert edge._state["thread"] is None


def edit(django_capture_on_commit_callbacks):
    practice = Practice.objects.order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        practice.description += " Edited."
        practice.save()


def test_a_change_purges_every_page_in_every_encoding_from_every_nginx_twice(
    listeners, django_capture_on_commit_callbacks
):
    every = {(path, encoding) for path in pages.cached_paths() for encoding in ("br", "gzip", "")}
    assert ("/robots.txt", "br") in every and ("/data/program.json", "") in every
    with override_settings(
        NGINX_PURGE_URLS=[listener.url for listener in listeners], CONTENT_VERSION_CHECK_SECONDS=0.05
    ):
        edit(django_capture_on_commit_callbacks)
        wait_for_the_purges()
    for listener in listeners:
        assert set(listener.purged) == every
        # Once at the commit, once after the server processes' check interval.
        assert len(listener.purged) == 2 * len(every)


def test_nothing_is_purged_before_the_commit(listeners, django_capture_on_commit_callbacks):
    with override_settings(NGINX_PURGE_URLS=[listeners[0].url], CONTENT_VERSION_CHECK_SECONDS=0.05):
        practice = Practice.objects.order_by("pk").first()
        practice.description += " Not committed."
        practice.save()
        assert edge._state["thread"] is None and listeners[0].purged == []


def test_an_nginx_that_does_not_answer_leaves_the_others_purged(listeners, django_capture_on_commit_callbacks, caplog):
    down = f"http://127.0.0.1:{servers.free_port()}"
    with override_settings(NGINX_PURGE_URLS=[down, listeners[0].url], CONTENT_VERSION_CHECK_SECONDS=0.05):
        edit(django_capture_on_commit_callbacks)
        wait_for_the_purges()
    assert listeners[0].purged
    assert f"Could not purge nginx at {down}" in caplog.text


def test_a_version_the_process_notices_is_purged_once_whoever_notices_it(listeners):
    # Another process's edit, or a scheduled publication nobody saved: the first process to see it purges.
    from residency.models import ContentVersion

    with override_settings(NGINX_PURGE_URLS=[listeners[0].url], CONTENT_VERSION_CHECK_SECONDS=0):
        before = pagecache.current_version()
        version = ContentVersion.objects.get()
        ContentVersion.objects.filter(pk=version.pk).update(changed_at=version.changed_at.replace(year=2099))
        assert pagecache.current_version() > before
        wait_for_the_purges()
        purged = len(listeners[0].purged)
        assert purged
        # Another process noticing the same version finds it purged already (the shared cache says so).
        pagecache._memo["version"] = before
        assert pagecache.current_version() > before
        wait_for_the_purges()
        assert len(listeners[0].purged) == purged
