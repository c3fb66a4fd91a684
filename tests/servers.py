"""Real servers for tests that run the site in other processes: a prepared database, and a Redis of their own."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_environment(database_path, **extra):
    """The environment of a server process: the test settings on a SQLite file of its own."""
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "DATABASE_URL", "CACHE_URL"}}
    env.update({"DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": f"sqlite:///{database_path}", **extra})
    return env


def manage(env, *arguments):
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def prepare_database(path):
    """Migrate a new SQLite file and load the content into it."""
    env = site_environment(path)
    manage(env, "migrate", "--noinput")
    manage(env, "load_content")
    return path


@contextlib.contextmanager
def redis_server():
    """A Redis server of the test's own, on a free port (never the shared one), stopped afterwards."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed (Debian package redis-server)")
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)
