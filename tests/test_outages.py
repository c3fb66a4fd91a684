"""
Outages degrade instead of failing: with the cache down or hung, every page, with or without
parameters, is rendered without it; with the database down, cached pages are still served and
/healthz says which part is down.

Each scenario runs in a fresh process with the production settings, against a real Redis started
for the test (or a port that refuses, or one that never answers) and a SQLite database file that
the scenario makes unavailable.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
from http import HTTPStatus

import pytest
from django.conf import settings

from tests import servers

SCENARIO = """
import json, os, shutil, sys, django
django.setup()
from django.conf import settings

from tests import servers
from django.db import connections
from django.test import Client

# tests.settings checks the content version hourly; a scenario may ask for another interval.
settings.CONTENT_VERSION_CHECK_SECONDS = float(os.environ.get("VERSION_CHECK_SECONDS", 3600))
client = Client(raise_request_exception=False, HTTP_X_FORWARDED_PROTO="https")
results = []
for step, argument in json.loads(sys.argv[1]):
    if step == "get":
        response = client.get(argument)
        results.append({"status": response.status_code, "text": response.content.decode()})
    elif step == "get_every_page":
        # Every public address, and every page that reads its query string with known values from this database.
        from residency import pages
        from tests.parameters import pages_with_parameters

        paths = [*pages.cached_paths(), *pages_with_parameters()]
        statuses = {path: client.get(path).status_code for path in paths}
        failed = {path: status for path, status in statuses.items() if status != 200}
        results.append({"pages": len(paths), "failed": failed})
    elif step == "break_database":
        # The file becomes a folder: every new connection fails, as with a database server that is down.
        connections.close_all()
        path = os.environ["DATABASE_PATH"]
        os.rename(path, path + ".away")
        os.mkdir(path)
print(json.dumps(results))
"""


@pytest.fixture(scope="module")
def database_file(tmp_path_factory, sample_fixtures):
    """A SQLite file with the migrated schema and the content, made once; each test gets a copy."""
    return servers.prepare_database(tmp_path_factory.mktemp("outage-db") / "site.sqlite3", sample_fixtures)


@pytest.fixture
def database(database_file, tmp_path):
    copy = tmp_path / "site.sqlite3"
    shutil.copy(database_file, copy)
    return copy


@pytest.fixture
def redis_url():
    with servers.redis_server() as url:
        yield url


@pytest.fixture
def hung_port():
    """A port that accepts connections (the kernel completes them) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        yield sock.getsockname()[1]


def run(database_path, cache_url, *steps, **extra):
    env = servers.site_environment(
        database_path, DATABASE_PATH=str(database_path), CACHE_URL=cache_url, CONN_MAX_AGE="0", **extra
    )
    result = subprocess.run(
        [sys.executable, "-c", SCENARIO, json.dumps(steps)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


def test_with_redis_refusing_pages_are_rendered_and_healthz_reports_the_cache_down(database):
    (first, second, health), log = run(
        database,
        f"redis://127.0.0.1:{servers.free_port()}/0",
        ["get", "/apply/"],
        ["get", "/apply/"],
        ["get", "/healthz"],
    )
    assert first["status"] == second["status"] == HTTPStatus.OK
    assert second["text"] == first["text"]
    assert health["status"] == HTTPStatus.OK
    assert health["text"] == "database: ok\ncache: unavailable\ncontent: ok\n"
    assert "Page cache unavailable" in log


@pytest.mark.parametrize("outage", ["refused", "hung"])
def test_every_page_with_or_without_parameters_answers_with_redis_down(database, hung_port, outage):
    port = hung_port if outage == "hung" else servers.free_port()
    (first, second), log = run(
        database, f"redis://127.0.0.1:{port}/0", ["get_every_page", None], ["get_every_page", None]
    )
    for answer in (first, second):
        assert answer["pages"] > 20 and answer["failed"] == {}
    assert "Page cache unavailable" in log


def test_with_redis_hung_pages_are_rendered_without_it(database, hung_port):
    (page, health), log = run(database, f"redis://127.0.0.1:{hung_port}/0", ["get", "/tracks/"], ["get", "/healthz"])
    assert page["status"] == HTTPStatus.OK
    assert health == {"status": HTTPStatus.OK, "text": "database: ok\ncache: unavailable\ncontent: ok\n"}
    assert "Timeout" in log or "timed out" in log


def test_with_the_database_down_cached_pages_are_served_and_healthz_says_503(database, redis_url):
    (cached, during, uncached, health), log = run(
        database,
        redis_url,
        ["get", "/apply/"],
        ["break_database", None],
        ["get", "/apply/"],
        ["get", "/tracks/"],
        ["get", "/healthz"],
        VERSION_CHECK_SECONDS="0",
    )
    assert cached["status"] == during["status"] == HTTPStatus.OK
    assert during["text"] == cached["text"]
    assert uncached["status"] == HTTPStatus.INTERNAL_SERVER_ERROR  # never cached: nothing to serve
    assert health == {
        "status": HTTPStatus.SERVICE_UNAVAILABLE,
        "text": "database: unavailable\ncache: ok\ncontent: unknown\n",
    }
    assert "Database unavailable" in log


def test_a_server_process_started_while_the_database_is_down_serves_the_pages_in_redis(database, redis_url):
    (cached,), _ = run(database, redis_url, ["get", "/apply/"])
    os.rename(database, f"{database}.away")
    os.mkdir(database)
    (page, health), _ = run(database, redis_url, ["get", "/apply/"], ["get", "/healthz"])
    assert page == cached
    assert health["status"] == HTTPStatus.SERVICE_UNAVAILABLE
