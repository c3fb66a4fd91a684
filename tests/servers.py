"""
Real servers for tests that run the site in other processes: a prepared database, a Redis and a PostgreSQL
server of their own, and gunicorn behind nginx. The servers are the ones `make serve` and `make bench` start
(deploy/stack.py); a server that is not installed skips the test, saying so.
"""

import contextlib
import os
import shutil
import subprocess
import sys

import pytest
from django.conf import settings

sys.path.insert(0, str(settings.BASE_DIR / "deploy"))
import stack  # noqa: E402

free_port = stack.free_port


def site_environment(database_path, **extra):
    """The environment of a server process: the test settings on a SQLite file of its own."""
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "DATABASE_URL", "CACHE_URL"}}
    env.update({"DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": f"sqlite:///{database_path}", **extra})
    return env


def manage(env, *arguments):
    try:
        stack.manage(env, *arguments)
    except stack.StackError as error:
        pytest.fail(str(error))


def prepare_database(path, fixtures):
    """Migrate a new SQLite file and load the content of `fixtures` (the conftest's `sample_fixtures`) into it."""
    env = site_environment(path)
    manage(env, "migrate", "--noinput")
    manage(env, "load_content", "--fixtures", str(fixtures))
    return path


def collect_static(root):
    """collectstatic into `root` with the production storage (hashed names, a manifest), as a deploy runs it."""
    env = site_environment(root / "unused.sqlite3", DJANGO_SETTINGS_MODULE="residency.settings", STATIC_ROOT=str(root))
    manage(env, "collectstatic", "--noinput")
    return root


def self_signed_certificate(folder):
    """A throwaway certificate for 127.0.0.1, made with openssl in `folder`: (certificate, key)."""
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a throwaway certificate")
    certificate, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-nodes", "-newkey", "rsa:2048", "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
    )
    return certificate, key


@contextlib.contextmanager
def _or_skip():
    """Skip the test, saying why, when the server it needs is not installed."""
    try:
        yield
    except stack.StackError as error:
        if "not installed" not in str(error):
            raise
        pytest.skip(str(error))


@contextlib.contextmanager
def redis_server():
    """A Redis server of the test's own, on a free port (never the shared one), stopped afterwards: its URL."""
    with _or_skip(), stack.redis_server() as redis:
        yield redis.url


@contextlib.contextmanager
def postgres_cluster():
    """A PostgreSQL cluster of the test's own (stack.PostgresCluster), started, and removed afterwards."""
    with _or_skip(), stack.postgres_cluster() as cluster:
        yield cluster
