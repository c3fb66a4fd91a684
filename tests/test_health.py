"""/healthz tells a load balancer whether the site can answer: the database, the cache and the content each; the
500 page shows even with the database down (tests/test_outages.py covers the cache and cached pages in outages)."""

import datetime
import json
import os
import subprocess
import sys
from http import HTTPStatus

import pytest
from django.conf import settings
from django.db import ProgrammingError
from django.utils import timezone

from applications.factories import ApplicationCycleFactory
from applications.models import ApplicationCycle
from programs.models import Program
from residency import health

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_when_the_database_answers_with_content(client):
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.OK
    assert response.content == b"database: ok\ncache: ok\ncontent: ok\n"
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_healthz_answers_503_for_a_migrated_database_without_content(client):
    # What a server started before `load_content` has: a load balancer must not send applicants to it.
    ApplicationCycle.objects.all().delete()
    Program.objects.all().delete()
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.content == b"database: ok\ncache: ok\ncontent: missing (program, published cycle)\n"


def test_healthz_answers_503_while_the_only_cycles_are_drafts_or_scheduled(client):
    ApplicationCycle.objects.update(publish_at=None)
    ApplicationCycleFactory(publish_at=timezone.now() + datetime.timedelta(days=3))
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.text.splitlines() == ["database: ok", "cache: ok", "content: missing (published cycle)"]
    ApplicationCycleFactory(publish_at=timezone.now() - datetime.timedelta(minutes=1))
    assert client.get("/healthz").status_code == HTTPStatus.OK


def test_healthz_says_the_content_is_unknown_when_the_tables_are_missing(client, monkeypatch):
    def no_table(**kwargs):
        raise ProgrammingError('relation "programs_program" does not exist')

    monkeypatch.setattr(health.content_checks, "send", no_table)
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.text.splitlines() == ["database: ok", "cache: ok", "content: unknown"]


def test_healthz_answers_over_plain_http_and_any_host():
    from django.test import Client

    # A load balancer or the container's health check asks by address, without the proxy's header.
    response = Client(HTTP_HOST="10.0.0.5:8000").get("/healthz")
    assert response.status_code == HTTPStatus.OK


def test_healthz_is_never_cached(client):
    client.get("/healthz")
    assert "no-store" in client.get("/healthz")["Cache-Control"]


# Run in a fresh process whose DATABASE_URL points at a port where no database listens.
DATABASE_DOWN = """
import json, django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False, HTTP_X_FORWARDED_PROTO="https")
health = client.get("/healthz")
page = client.get("/apply/")
print(json.dumps({
    "health": health.status_code, "health_cache": health["Cache-Control"], "health_text": health.content.decode(),
    "page": page.status_code, "page_text": page.content.decode(),
}))
"""


@pytest.fixture(scope="module")
def database_down():
    env = {key: value for key, value in os.environ.items() if key != "DEBUG"}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL="postgres://postgres@127.0.0.1:9/unreachable",
        CONN_MAX_AGE="0",
    )
    result = subprocess.run(
        [sys.executable, "-c", DATABASE_DOWN], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_healthz_answers_503_when_the_database_does_not(database_down):
    assert database_down["health"] == HTTPStatus.SERVICE_UNAVAILABLE
    assert database_down["health_text"] == "database: unavailable\ncache: ok\ncontent: unknown\n"
    assert "no-store" in database_down["health_cache"]


def test_the_500_page_renders_in_the_sites_layout_without_the_database(database_down):
    assert database_down["page"] == HTTPStatus.INTERNAL_SERVER_ERROR
    text = database_down["page_text"]
    assert "Something went wrong" in text
    assert 'href="/apply/"' in text  # the site's navigation
    assert "css/site.css" in text
