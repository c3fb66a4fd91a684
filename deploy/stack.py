"""
The site's servers for `make serve`, the tests and `make bench`, each on free loopback ports of its own.

`Stack`: gunicorn behind nginx, as deployed, started and stopped together in the foreground:
gunicorn with gunicorn.conf.py on a unix socket in a run folder, and nginx with the configuration
rendered from deploy/nginx/ (deploy/nginxconf.py) on a loopback port, its purge listener on another
(the site's NGINX_PURGE_URLS). `redis_server`: a Redis of its own (the machine's shared one is never
touched). `manage`: a management command with a given environment.
"""

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nginxconf import installed_modules, render_local

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 30
INSTALL_HINT = (
    "nginx is not installed; the site runs behind it. On Debian or Ubuntu: sudo apt-get install nginx "
    "(nothing was installed)."
)


class StackError(RuntimeError):
    """gunicorn, nginx or Redis did not start, or is missing; or a management command failed."""


def nginx_binary():
    """Debian's nginx (/usr/sbin is not on every user's PATH), or None."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def free_port():
    """A TCP port on the loopback address that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *arguments, output=None):
    """Run `manage.py` with `arguments` and the environment `env`; StackError (with its output) if it fails."""
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        stdout=output or subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=output is None,
    )
    if result.returncode:
        raise StackError(f"manage.py {' '.join(arguments)} failed: {result.stdout or 'see the log'}")


@contextlib.contextmanager
def redis_server():
    """A redis-server of its own on a free loopback port, for a `with` block: yields its CACHE_URL."""
    if not shutil.which("redis-server"):
        raise StackError("redis-server is not installed (Debian package redis-server)")
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not _connects(("127.0.0.1", port)):
            if process.poll() is not None or time.monotonic() > deadline:
                raise StackError("redis-server did not start")
            time.sleep(0.05)
        yield RedisServer(process, f"redis://127.0.0.1:{port}/0")
    finally:
        _stop(process, signal.SIGTERM)


class RedisServer:
    """A running redis-server: its CACHE_URL, and a way to stop it early (an outage)."""

    def __init__(self, process, url):
        self.process = process
        self.url = url

    def stop(self):
        _stop(self.process, signal.SIGTERM)


class PostgresCluster:
    """
    A PostgreSQL server of the caller's own: a new cluster made by Debian's `initdb` in a temporary folder,
    run by `pg_ctl` on a free loopback port (never the shared server), so it can be stopped and started again
    as an outage would. PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.
    """

    def __init__(self):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_version) or [shutil.which("pg_ctl")]
        if not found[-1]:
            raise StackError("PostgreSQL's initdb and pg_ctl are not installed (Debian package postgresql)")
        self.bin = os.path.dirname(found[-1])
        self.port = free_port()
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            try:
                pwd.getpwnam(self.user)
            except KeyError:
                raise StackError(
                    "running as root, PostgreSQL needs a `postgres` user to run as, and it is not installed"
                ) from None
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
            raise StackError(f"{program} failed: {result.stdout}{result.stderr}")
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
        with contextlib.suppress(StackError):
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


def _version(path):
    """/usr/lib/postgresql/15/bin/pg_ctl -> 15, to pick the newest installed."""
    return int(path.split("/")[-3]) if path.split("/")[-3].isdigit() else 0


@contextlib.contextmanager
def postgres_cluster():
    """A started PostgresCluster, removed afterwards; StackError when PostgreSQL is not installed."""
    cluster = PostgresCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


class Stack:
    """gunicorn and nginx, for a `with` block: both ready inside it, both stopped on leaving, whatever happened."""

    def __init__(
        self,
        env,
        run_dir,
        *,
        port,
        static_root,
        media_root=None,
        extra="",
        access_log=None,
        error_log=None,
        output=None,
        also_bind="",
    ):
        self.nginx = nginx_binary()
        if self.nginx is None:
            raise StackError(INSTALL_HINT)
        self.run_dir = Path(run_dir)
        self.port = port
        self.socket_path = self.run_dir / "gunicorn.sock"
        # The optional modules (brotli, cache purge) that Debian's nginx has here.
        self.modules = installed_modules()
        self.purge_port = free_port()
        # The site behind one proxy that overwrites X-Forwarded-For; nginx logs the requests.
        self.env = {
            "PROXY_COUNT": "1",
            "GUNICORN_ACCESS_LOG": "",
            **env,
            "STATIC_ROOT": str(static_root),
            # Uploaded photos: stored there by the site, served from there by nginx.
            "MEDIA_ROOT": str(media_root or env.get("MEDIA_ROOT") or ROOT / "media"),
            # also_bind: an address of gunicorn's own as well (make bench measures gunicorn alone there).
            "GUNICORN_BIND": ",".join(filter(None, [f"unix:{self.socket_path}", also_bind])),
        }
        if "purge.conf" in self.modules:
            self.env["NGINX_PURGE_URLS"] = self.purge_url
        self.static_root = static_root
        self.extra = extra
        self.access_log = access_log
        self.error_log = error_log
        self.output = output
        self.gunicorn_process = None
        self.nginx_process = None

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def purge_url(self):
        return f"http://127.0.0.1:{self.purge_port}"

    def start(self):
        (self.run_dir / "cache").mkdir(parents=True, exist_ok=True)
        self.start_gunicorn()
        config = render_local(
            self.run_dir / "nginx",
            self.run_dir,
            listen=f"127.0.0.1:{self.port}",
            upstream=f"unix:{self.socket_path}",
            static_root=self.static_root,
            media_root=self.env["MEDIA_ROOT"],
            purge_listen=f"127.0.0.1:{self.purge_port}",
            extra=self.extra,
            access_log=self.access_log,
            error_log=self.error_log,
            parts=self.modules,
        )
        test = subprocess.run(
            [self.nginx, "-t", "-q", "-p", str(self.run_dir), "-c", str(config)], capture_output=True
        )
        if test.returncode != 0:
            raise StackError(f"nginx refused its configuration: {test.stderr.decode().strip()}")
        self.nginx_process = self._popen([self.nginx, "-p", str(self.run_dir), "-c", str(config)], os.environ)
        self._wait(lambda: _connects(("127.0.0.1", self.port)), self.nginx_process, "nginx")

    def start_gunicorn(self):
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.gunicorn_process = self._popen(
            [str(gunicorn), "--config", "gunicorn.conf.py", "residency.wsgi"], self.env
        )
        self._wait(lambda: _connects(str(self.socket_path), socket.AF_UNIX), self.gunicorn_process, "gunicorn")

    def running(self):
        """Whether both gunicorn and nginx are still running."""
        return all(process.poll() is None for process in (self.gunicorn_process, self.nginx_process))

    def stop_gunicorn(self):
        """Stop gunicorn alone, as a crash or a deploy would (nginx keeps answering)."""
        _stop(self.gunicorn_process, signal.SIGTERM)
        with contextlib.suppress(FileNotFoundError):
            self.socket_path.unlink()

    def reload(self):
        """A deploy: gunicorn starts workers with the new code and templates; the old ones finish their requests."""
        if self.gunicorn_process is not None and self.gunicorn_process.poll() is None:
            self.gunicorn_process.send_signal(signal.SIGHUP)

    def stop(self):
        # nginx first (SIGQUIT: finish the requests in flight), so nobody reaches a stopped gunicorn.
        _stop(self.nginx_process, signal.SIGQUIT)
        _stop(self.gunicorn_process, signal.SIGTERM)
        _discard_in_background(self.run_dir / "cache")

    def _popen(self, command, env):
        # Its own session: a Ctrl-C reaches only the parent, which then stops both in order.
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=self.output,
            stderr=subprocess.STDOUT if self.output else None,
            start_new_session=True,
        )

    def _wait(self, ready, process, name):
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise StackError(f"{name} exited with {process.returncode} while starting")
            if ready():
                return
            time.sleep(0.1)
        raise StackError(f"{name} did not start within {START_TIMEOUT_SECONDS} s")


def _connects(address, family=socket.AF_INET):
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        return sock.connect_ex(address) == 0


def _discard_in_background(folder):
    """
    Remove nginx's cache folder after this process has gone: tens of thousands of cached pages take
    seconds to delete (15 s for 34,000 here), which would keep the port of a restarted `make serve`
    waiting. It is moved out of the run folder (which its owner deletes) and removed by `rm` on its own.
    """
    if not folder.is_dir():
        return
    doomed = folder.parent.parent / f".{folder.parent.name}-{folder.name}-discarded"
    try:
        folder.rename(doomed)
    except OSError:  # Another file system, or a name taken: the run folder's owner deletes it as before.
        return
    subprocess.Popen(["rm", "-rf", "--", str(doomed)], start_new_session=True, stdout=subprocess.DEVNULL)


def _stop(process, stop_signal):
    """Stop a process gracefully, and kill its whole session if it hangs."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(stop_signal)
    try:
        process.wait(STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
