"""
A deploy is a reload, not an outage: SIGHUP to what `make serve` runs (as `systemctl reload` sends it to
gunicorn) brings up the new code and templates while every request is still answered (the old workers answer
until new ones have loaded the app), and no page the old code stored in the shared cache is served after it.

The site runs from a copy of the project, so the test can change a template the way a deploy does.
"""

import http.client
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings

from tests import servers

sys.path.insert(0, str(settings.BASE_DIR / "deploy"))
import stack  # noqa: E402

MARKER = "<!-- the new release -->"
# What a deploy brings: the code and its templates, not the local virtual environment, database or assets.
# Put at the top of the new release's residency/wsgi.py: its app loads once the file `path` exists.
LOADS_WHEN = """import pathlib, time
while not pathlib.Path({path!r}).exists():
    time.sleep(0.1)
"""
NOT_COPIED = shutil.ignore_patterns(".*", "node_modules", "staticfiles", "__pycache__", "*.sqlite3", "docs", "bench")


@pytest.fixture
def redis_url():
    with servers.redis_server() as url:
        yield url


@pytest.fixture
def project(tmp_path):
    copy = tmp_path / "app"
    shutil.copytree(settings.BASE_DIR, copy, ignore=NOT_COPIED)
    return copy


def get(url, timeout=60):
    # Patient, as a visitor is: a worker loading the app, or a busy machine, is slow, not a failure.
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read().decode()


class Visitors(threading.Thread):
    """Requests back to back (a page nginx caches, and the never-cached /healthz), counting any that fail."""

    def __init__(self, port, paths):
        super().__init__(daemon=True)
        self.port, self.paths = port, paths
        self.stopping = threading.Event()
        self.answered, self.failed = 0, []

    def run(self):
        while not self.stopping.is_set():
            for path in self.paths:
                if self.stopping.is_set():
                    break
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                try:
                    connection.request("GET", path)
                    response = connection.getresponse()
                    response.read()
                    if response.status == HTTPStatus.OK:
                        self.answered += 1
                    else:
                        self.failed.append(f"{path}: {response.status}")
                except OSError as error:
                    self.failed.append(f"{path}: {error!r}")
                finally:
                    connection.close()


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} within {seconds} s"
        time.sleep(0.2)


def test_sighup_to_make_serve_brings_up_new_templates_with_no_failed_request(
    project, redis_url, tmp_path, sample_fixtures
):
    if stack.nginx_binary() is None:
        pytest.skip("nginx is not installed (Debian package nginx; .ci/run installs it)")
    database = servers.prepare_database(tmp_path / "site.sqlite3", sample_fixtures)
    static_root = tmp_path / "static"
    static_root.mkdir()
    port = servers.free_port()
    env = servers.site_environment(
        database,
        DJANGO_SETTINGS_MODULE="tests.nginx_settings",
        CACHE_URL=redis_url,
        WEB_CONCURRENCY="2",
        PORT=str(port),
        STATIC_ROOT=str(static_root),
        CONTENT_VERSION_CHECK_SECONDS="1",
    )
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 (closed below)
    serve = subprocess.Popen(
        [sys.executable, str(project / "deploy" / "serve.py")], cwd=project, env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    visitors = Visitors(port, ["/apply/", "/healthz"])
    try:
        wait_for(lambda: _answers(url + "/healthz"), 180, "make serve answered /healthz")
        status, page = get(url + "/apply/")
        assert status == HTTPStatus.OK and MARKER not in page
        visitors.start()
        time.sleep(1)
        (master,) = {pid for pid in _children(serve.pid) if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes()}
        old_workers = _children(master)
        base = project / "templates" / "base.html"
        base.write_text(base.read_text().replace("</body>", f"{MARKER}\n</body>"))
        # A release whose app loads only when the test lets it: meanwhile the old workers must answer.
        loaded = tmp_path / "let-the-app-load"
        wsgi = project / "residency" / "wsgi.py"
        wsgi.write_text(f"{LOADS_WHEN.format(path=str(loaded))}\n{wsgi.read_text()}")
        os.kill(serve.pid, signal.SIGHUP)
        time.sleep(2)
        for _ in range(3):
            assert _answers(url + "/healthz", timeout=15), "nobody answered while the new workers loaded the app"
        assert _children(master) >= old_workers, "an old worker stopped before a new one had loaded the app"
        loaded.touch()
        wait_for(lambda: MARKER in get(url + "/apply/")[1], 180, "the new template showed")
        # Each old worker was stopped by a new one that had loaded the app: two workers remain, all new.
        wait_for(lambda: len(_children(master)) == 2 and not _children(master) & old_workers, 90, "old workers gone")
        time.sleep(1)
    finally:
        # The visitors finish before the site stops: a request sent after it would find nothing there.
        visitors.stopping.set()
        visitors.join(65)
        serve.send_signal(signal.SIGTERM)
        serve.wait(60)
        log.close()
    assert serve.returncode == 143, (tmp_path / "serve.log").read_text()[-3000:]  # stopped by SIGTERM
    assert visitors.answered > 0
    assert visitors.failed == []
    assert "Handling signal: hup" in (tmp_path / "serve.log").read_text()


def _children(pid):
    """The pids of a process's children (Linux's /proc)."""
    return {int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}


def _answers(url, timeout=60):
    try:
        return get(url, timeout)[0] == HTTPStatus.OK
    except (urllib.error.URLError, OSError):
        return False


def test_the_systemd_unit_reloads_by_sighup_to_gunicorn_which_loads_the_app_in_each_worker():
    unit = (settings.BASE_DIR / "deploy" / "systemd" / "residency.service").read_text()
    assert "ExecReload=/bin/kill -s HUP $MAINPID" in unit
    assert "gunicorn --config gunicorn.conf.py residency.wsgi" in unit
    config = {}
    exec((settings.BASE_DIR / "gunicorn.conf.py").read_text(), config)
    # Preloaded in the master, the app would survive a reload: new workers would run the old code.
    assert config["preload_app"] is False
