"""
PostgreSQL stopped under load, then started again, with the site as deployed (gunicorn behind nginx, Redis):
cached pages are served throughout, /healthz says the database is down, and the site recovers by itself.

The server is a private cluster of the test's own (tests/servers.py: Debian's initdb and pg_ctl on a free port),
so it can be stopped as a crash would stop it without touching the shared one.
"""

import http.client
import sys
import threading
import time
import urllib.error
import urllib.request
from http import HTTPStatus

import pytest
from django.conf import settings

from tests import servers

sys.path.insert(0, str(settings.BASE_DIR / "deploy"))
import stack  # noqa: E402

CACHED_PAGES = ["/", "/tracks/", "/apply/", "/sites/", "/curriculum/"]
# Never cached: each answer needs the database.
UNCACHED = "/search/?q=clinic"


@pytest.fixture(scope="module")
def cluster(postgres_cluster):
    return postgres_cluster


@pytest.fixture(scope="module")
def database_url(cluster, sample_fixtures):
    url = cluster.create_database("site")
    env = servers.site_environment("unused", DATABASE_URL=url)  # the private cluster's, not a SQLite file
    servers.manage(env, "migrate", "--noinput")
    servers.manage(env, "load_content", "--fixtures", str(sample_fixtures))
    return url


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    return servers.collect_static(tmp_path_factory.mktemp("static"))


@pytest.fixture
def redis_url():
    with servers.redis_server() as url:
        yield url


def status(url):
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


class Visitors(threading.Thread):
    """Requests for the cached pages, back to back on one port, each answer recorded with its time."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port = port
        self.stopping = threading.Event()
        self.answers = []

    def run(self):
        while not self.stopping.is_set():
            for path in CACHED_PAGES:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                try:
                    connection.request("GET", path)
                    response = connection.getresponse()
                    response.read()
                    self.answers.append((time.monotonic(), path, response.status))
                except OSError as error:
                    self.answers.append((time.monotonic(), path, repr(error)))
                finally:
                    connection.close()


def test_postgresql_stopped_under_load_cached_pages_served_throughout_and_the_site_recovers(
    cluster, database_url, redis_url, static_root, tmp_path
):
    if stack.nginx_binary() is None:
        pytest.skip("nginx is not installed (Debian package nginx; .ci/run installs it)")
    direct_port = servers.free_port()
    # The production settings, as `make serve` runs them (plain HTTP behind nginx on loopback): connections
    # kept and health-checked, and the content version asked every second, so the outage is noticed at once.
    env = servers.site_environment(
        "unused",
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="residency.settings",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        CACHE_URL=redis_url,
        WEB_CONCURRENCY="2",
        CONN_MAX_AGE="60",
        CONTENT_VERSION_CHECK_SECONDS="1",
    )
    with stack.Stack(
        env, tmp_path / "run", port=servers.free_port(), static_root=static_root, also_bind=f"127.0.0.1:{direct_port}"
    ) as site:
        direct = f"http://127.0.0.1:{direct_port}"
        for path in CACHED_PAGES:  # into the page cache (Redis, and each worker's own copy)
            for _ in range(4):
                assert status(direct + path) == HTTPStatus.OK
        # gunicorn alone, so nginx's stale copies cannot hide a failure; and through nginx, as visitors reach it.
        visitors = [Visitors(direct_port), Visitors(site.port)]
        for thread in visitors:
            thread.start()
        time.sleep(1)
        cluster.stop("immediate")
        stopped = time.monotonic()
        try:
            time.sleep(3)
            assert status(direct + "/healthz") == HTTPStatus.SERVICE_UNAVAILABLE
            assert status(direct + UNCACHED) == HTTPStatus.INTERNAL_SERVER_ERROR  # nothing to serve it from
            time.sleep(2)
        finally:
            cluster.start()
        started = time.monotonic()
        # Recovers by itself: nobody restarts gunicorn or nginx.
        deadline = started + 30
        while status(direct + "/healthz") != HTTPStatus.OK or status(direct + UNCACHED) != HTTPStatus.OK:
            assert time.monotonic() < deadline, "the site did not recover within 30 s of PostgreSQL starting"
            time.sleep(0.2)
        time.sleep(1)
        for thread in visitors:
            thread.stopping.set()
            thread.join(15)
    for thread in visitors:
        during = [answer for answer in thread.answers if stopped <= answer[0] <= started]
        assert len(during) > 20, "too few requests while the database was down to tell anything"
        assert [answer for answer in thread.answers if answer[2] != HTTPStatus.OK] == []
