"""
A server error reaches someone: a mail to ADMINS, and Sentry when SENTRY_DSN is set; neither carries the
self-check's answers (its query string) nor anything else personal. Both are off by default.
"""

import gzip
import json
import subprocess
import sys
import threading
import zlib
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from applications.views import GraduateCheckView
from tests import servers

pytestmark = pytest.mark.django_db

# Answers only a visitor could have typed; none may appear in a report.
ANSWERS = {"visa": "answer-visa-h1b", "step1": "answer-9137", "ecfmg_date": "answer-2031-01-02"}
QUERY = "&".join(f"{name}={value}" for name, value in ANSWERS.items())
VISITOR = {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "198.51.100.23"}
HTTPS = {"HTTP_X_FORWARDED_PROTO": "https"}


def break_the_self_check(self, **kwargs):
    raise RuntimeError("forced by the test")


@pytest.fixture
def failing_check(monkeypatch):
    monkeypatch.setattr(GraduateCheckView, "get_context_data", break_the_self_check)
    return reverse("applications:graduate_check") + "?" + QUERY


def test_a_server_error_is_mailed_to_the_admins_without_the_visitors_answers(settings, mailoutbox, failing_check):
    settings.ADMINS = [("Web team", "web@example.org")]
    response = Client(raise_request_exception=False, **HTTPS, **VISITOR).get(failing_check)
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    (mail,) = mailoutbox
    assert mail.to == ["web@example.org"]
    assert mail.subject.startswith(settings.EMAIL_SUBJECT_PREFIX)
    assert "Internal Server Error: /apply/international-graduates/check/" in mail.subject
    assert "RuntimeError" in mail.body and "forced by the test" in mail.body
    assert "break_the_self_check" in mail.body  # the traceback, to find the fault
    for name, value in ANSWERS.items():
        assert value not in mail.body
        assert f"{name} = '[Filtered]'" in mail.body  # which parameters were sent, not what they said
    for address in VISITOR.values():
        assert address not in mail.body


def test_without_admins_nobody_is_mailed_and_the_error_is_still_logged(mailoutbox, failing_check, caplog):
    assert settings.ADMINS == []
    response = Client(raise_request_exception=False, **HTTPS).get(failing_check)
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert mailoutbox == []
    assert "Internal Server Error: /apply/international-graduates/check/" in caplog.text


def test_sentry_is_off_without_a_dsn():
    import sentry_sdk

    assert settings.SENTRY_DSN == ""
    assert not sentry_sdk.get_client().is_active()


# --- Sentry, in a process of its own started with SENTRY_DSN pointing at a stub of Sentry's endpoint ---------------

# The request goes through the WSGI application, as gunicorn hands it over, so Sentry's WSGI layer sees it too.
# What the visitor sent comes from the environment: Sentry reports the command line, and the source lines
# around each frame of the traceback, so none of it may be written in a file or argument of the scenario.
SENTRY_SCENARIO = """
import json, os, wsgiref.util, django
django.setup()
import sentry_sdk
from applications.views import GraduateCheckView
from residency.wsgi import application

def break_the_self_check(self, **kwargs):
    raise RuntimeError("forced by the test")

GraduateCheckView.get_context_data = break_the_self_check
environ = json.loads(os.environ["REQUEST_ENVIRON"])
wsgiref.util.setup_testing_defaults(environ)
statuses = []
body = b"".join(application(environ, lambda status, headers, exc_info=None: statuses.append(status)))
sentry_sdk.flush(10)
from django.conf import settings
print(json.dumps({"status": int(statuses[0].split()[0]), "release": settings.RELEASE}))
"""


class SentryStub(BaseHTTPRequestHandler):
    """Sentry's envelope endpoint: keeps every item it is sent, answers 200."""

    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        # sentry-sdk compresses with brotli when it is installed (it is, for the pages), else gzip.
        encoding = self.headers.get("Content-Encoding")
        if encoding == "br":
            body = brotli.decompress(body)
        elif encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        self.received.append((self.path, body))
        self.send_response(HTTPStatus.OK)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def database(tmp_path_factory, sample_fixtures):
    return servers.prepare_database(tmp_path_factory.mktemp("sentry-db") / "site.sqlite3", sample_fixtures)


@pytest.fixture
def sentry_stub():
    SentryStub.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), SentryStub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], SentryStub.received
    server.shutdown()
    server.server_close()


def events(received):
    """The events in the envelopes received (an envelope: a header line, then an item header and payload per item)."""
    found = []
    for _, body in received:
        lines = body.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                found.append(json.loads(payload))
    return found


def test_with_sentry_dsn_a_server_error_reaches_sentry_without_personal_data(database, sentry_stub):
    port, received = sentry_stub
    environ = {
        "PATH_INFO": reverse("applications:graduate_check"),
        "QUERY_STRING": QUERY,
        "HTTP_HOST": "testserver",
        "HTTP_COOKIE": "sessionid=abcdefghijk",
        **HTTPS,
        **VISITOR,
    }
    env = servers.site_environment(
        database, SENTRY_DSN=f"http://publickey@127.0.0.1:{port}/42", REQUEST_ENVIRON=json.dumps(environ)
    )
    result = subprocess.run(
        [sys.executable, "-c", SENTRY_SCENARIO],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == HTTPStatus.INTERNAL_SERVER_ERROR
    assert {path for path, _ in received} == {"/api/42/envelope/"}
    (event,) = events(received)
    (exception,) = event["exception"]["values"]
    assert (exception["type"], exception["value"]) == ("RuntimeError", "forced by the test")
    assert event["release"] == answer["release"]  # the release that process runs
    request = event["request"]
    assert request["url"].endswith("/apply/international-graduates/check/")
    assert request["query_string"] == "visa=[Filtered]&step1=[Filtered]&ecfmg_date=[Filtered]"
    sent = b"".join(body for _, body in received).decode()
    for secret in [*ANSWERS.values(), *VISITOR.values(), "abcdefghijk"]:
        assert secret not in sent
    assert "user" not in event or "ip_address" not in event["user"]
    assert all("vars" not in frame for frame in exception["stacktrace"]["frames"])
