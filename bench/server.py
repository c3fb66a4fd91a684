"""The production server for the benchmark: its environment, its one-off setup commands, and gunicorn itself."""

import contextlib
import os
import runpy
import secrets
import signal
import socket
import subprocess
import sys
import time
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
# The site sits behind a TLS proxy; without this header every page redirects to https.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
START_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 40


class ServerError(RuntimeError):
    """The server, or a command preparing it, failed; the message names the log to read."""


def free_port():
    """A TCP port on the loopback address that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def bench_environment(temp_dir, port):
    """
    The production settings on loopback, plus the floor endpoint.

    DEBUG is removed so it stays off; DATABASE_URL is kept when set, else a SQLite file in `temp_dir`.
    Returns the environment and whether the database is the benchmark's own.
    """
    env = {key: value for key, value in os.environ.items() if key != "DEBUG"}
    own_database = not env.get("DATABASE_URL")
    if own_database:
        env["DATABASE_URL"] = f"sqlite:///{Path(temp_dir) / 'bench.sqlite3'}"
    env.update(
        DJANGO_SETTINGS_MODULE="residency.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        HOST=HOST,
        PORT=str(port),
        BENCHMARK_FLOOR="1",
    )
    return env, own_database


def prepare(env, own_database, log_path):
    """Migrate, load the content and collect the static files, as a deployment does; output goes to `log_path`."""
    # A database someone else set up keeps its content: loading the fixtures would undo their edits.
    load = ["load_content"] if own_database else ["load_content", "--if-empty"]
    for command in (["migrate", "--noinput"], load, ["collectstatic", "--noinput"]):
        run_manage(command, env, log_path)


def run_manage(arguments, env, log_path):
    """Run one `manage.py` command with `env`, appending its output to `log_path`; raise ServerError if it fails."""
    with open(log_path, "ab") as log:
        log.write(f"$ manage.py {' '.join(arguments)}\n".encode())
        log.flush()
        result = subprocess.run(
            [sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    if result.returncode != 0:
        raise ServerError(f"manage.py {' '.join(arguments)} failed (exit {result.returncode})")


def configured_workers(env):
    """The number of gunicorn workers gunicorn.conf.py asks for with `env`."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        return runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"]
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def running_server(env, log_path):
    """gunicorn with the project's configuration, ready to answer; stopped on leaving, whatever happened."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [str(gunicorn), "--config", "gunicorn.conf.py", "residency.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own session: a Ctrl-C reaches the benchmark, which then stops the server in order.
            start_new_session=True,
        )
    try:
        wait_until_ready(process, int(env["PORT"]))
        yield process
    finally:
        stop(process)


def wait_until_ready(process, port):
    """Wait until the server answers a request; raise ServerError if it exits or takes too long."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"gunicorn exited with {process.returncode} while starting")
        with contextlib.suppress(OSError):
            status, _ = get(port, "/_floor/1/")
            if status == 200:
                return
        time.sleep(0.2)
    raise ServerError(f"gunicorn did not answer within {START_TIMEOUT_SECONDS} s")


def stop(process):
    """Stop gunicorn gracefully (SIGTERM to the master), and kill its whole session if it hangs."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def get(port, path, timeout=10):
    """One GET through the proxy header: (status, body)."""
    connection = HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers=PROXY_HEADERS)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()
