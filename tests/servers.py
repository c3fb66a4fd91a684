"""
Real servers for tests (and `make bench`) that run the site in other processes: a prepared database, and a
Redis and a PostgreSQL server of their own.
"""

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
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


def collect_static(root):
    """collectstatic into `root` with the production storage (hashed names, a manifest), as a deploy runs it."""
    env = site_environment(root / "unused.sqlite3", DJANGO_SETTINGS_MODULE="residency.settings", STATIC_ROOT=str(root))
    manage(env, "collectstatic", "--noinput")
    return root


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


class MissingServer(RuntimeError):
    """A server program the caller needs is not installed."""


class PostgresCluster:
    """
    A PostgreSQL server of the caller's own: a new cluster made by Debian's `initdb` in a temporary folder,
    run by `pg_ctl` on a free loopback port (never the shared server), so it can be stopped and started again
    as an outage would. PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.
    """

    def __init__(self):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_version) or [shutil.which("pg_ctl")]
        if not found[-1]:
            raise MissingServer("PostgreSQL's initdb and pg_ctl are not installed (Debian package postgresql)")
        self.bin = os.path.dirname(found[-1])
        self.port = free_port()
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            try:
                pwd.getpwnam(self.user)
            except KeyError:
                raise MissingServer("running as root, PostgreSQL needs a `postgres` user to run as") from None
        # Not under pytest's temporary folders: the postgres user must be able to reach it.
        self.folder = tempfile.mkdtemp(prefix="residency-postgres-")
        self.data = os.path.join(self.folder, "data")
        if self.user:
            shutil.chown(self.folder, self.user)
        try:
            self._run(
                "initdb",
                "--pgdata",
                self.data,
                "--username",
                "postgres",
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--no-locale",
                "--no-sync",
            )
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise

    def _run(self, program, *arguments):
        result = subprocess.run(
            [os.path.join(self.bin, program), *arguments], user=self.user, capture_output=True, text=True
        )
        if result.returncode:
            raise RuntimeError(f"{program} failed: {result.stdout}{result.stderr}")
        return result

    def url(self, database="postgres"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self):
        """Start the server and wait until it accepts connections."""
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.folder} "
            # A throwaway cluster: durability traded for speed.
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        log = os.path.join(self.folder, "server.log")
        self._run("pg_ctl", "start", "--pgdata", self.data, "--wait", "--timeout", "60", "-o", options, "--log", log)

    def stop(self, mode="fast"):
        """Stop the server: "fast" disconnects the clients cleanly, "immediate" is as abrupt as a crash."""
        self._run("pg_ctl", "stop", "--pgdata", self.data, "--wait", "--mode", mode)

    def create_database(self, name):
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def remove(self):
        with contextlib.suppress(RuntimeError):
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


def _version(path):
    """/usr/lib/postgresql/15/bin/pg_ctl -> 15, to pick the newest installed."""
    return int(path.split("/")[-3]) if path.split("/")[-3].isdigit() else 0


@contextlib.contextmanager
def postgres_cluster():
    """A started PostgresCluster, removed afterwards; MissingServer when PostgreSQL is not installed."""
    cluster = PostgresCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()
