"""
`make bench`: the deployment's targets, measured on the stack as deployed (nginx in front of gunicorn).

It starts a Redis of its own, prepares a SQLite database of its own, starts gunicorn (production
settings, gunicorn.conf.py) behind nginx (deploy/nginx/, as `make serve` runs it) and measures:
throughput of each main page against the same bytes served as files, by nginx and by whitenoise
in the same gunicorn, in pairs; 200 slow clients; how soon an edit shows; 256 connections for 30 s;
the database made unavailable; Redis stopped; a PostgreSQL cluster of its own stopped and started again.
See bench/README.md and docs/performance.md.

Exit status: 0; 1 when a request failed where none may (the first fetch, the load and outage runs);
2 when the servers could not be prepared or started. Missed targets are reported, not failed.
"""

import datetime
import gzip
import os
import platform
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import loadgen
import queries

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy"))
sys.path.insert(0, str(ROOT))
import stack  # noqa: E402

from tests.servers import MissingServer  # noqa: E402

# The main public pages, one of each kind, from the site's one list (filled in once Django is set up).
PAGES = []

SECONDS = int(os.environ.get("BENCH_SECONDS", 4))
SOAK_SECONDS = int(os.environ.get("BENCH_SOAK_SECONDS", 30))
CONNECTIONS = 32
SOAK_CONNECTIONS = 256
SLOW_CLIENTS = 200
EDITS = 8
TOOL = "wrk"
TARGETS = {"nginx": 0.5, "gunicorn": 0.8, "slow_max_ms": 2000, "slow_p99_ms": 50, "edit_seconds": 2}


class BenchFailed(Exception):
    """A request failed where none may."""


def progress(message):
    print(message, file=sys.stderr, flush=True)


def manage(env, log, *arguments):
    log.write(f"$ manage.py {' '.join(arguments)}\n".encode())
    log.flush()
    result = subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, stdout=log, stderr=log)
    if result.returncode:
        raise stack.StackError(f"manage.py {' '.join(arguments)} failed")


class Redis:
    """A redis-server of the benchmark's own on a free port (the machine's shared one is never touched)."""

    def __init__(self):
        if not shutil.which("redis-server"):
            raise stack.StackError("redis-server is not installed (Debian package redis-server)")
        self.port = stack.free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(200):
            if stack._connects(("127.0.0.1", self.port)):
                return
            time.sleep(0.05)
        raise stack.StackError("redis-server did not start")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class SlowClients(threading.Thread):
    """`count` connections held open, each sending one more header byte a second; reconnected when dropped."""

    def __init__(self, port, count):
        super().__init__(daemon=True)
        self.port, self.count = port, count
        self.stopping = threading.Event()
        self.held = 0
        self.dropped = 0

    def run(self):
        held = []
        while not self.stopping.is_set():
            while len(held) < self.count:
                try:
                    sock = socket.create_connection(("127.0.0.1", self.port), timeout=2)
                    sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                    held.append(sock)
                except OSError:
                    break
            for sock in list(held):
                try:
                    sock.send(b"x")
                except OSError:
                    held.remove(sock)
                    sock.close()
                    self.dropped += 1
            self.held = len(held)
            self.stopping.wait(1)
        for sock in held:
            sock.close()


def get(port, path, timeout=10):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
        return response.status, response.read()


def load(port, paths, connections, seconds, label):
    progress(f"{label}: {connections} connections, {seconds} s")
    return loadgen.run_load(TOOL, port, paths, connections, seconds)


def pairs(port, paths, copies, label):
    """Each page and its copy as a file, measured one right after the other: {path: (page, file)}."""
    results = {}
    for path in paths:
        copy = load(port, [copies[path]], CONNECTIONS, SECONDS, f"{label}: file copy of {path}")
        page = load(port, [path], CONNECTIONS, SECONDS, f"{label}: {path}")
        results[path] = (page, copy)
    return results


def measure_edits(port, page_model):
    """Seconds from a saved edit until the page served through nginx shows it, for EDITS edits."""
    obj = page_model.objects.order_by("pk").first()
    path, original = obj.get_absolute_url(), obj.description
    delays = []
    try:
        for number in range(EDITS):
            time.sleep(random.uniform(0, 1))  # edits at any moment of nginx's and Django's cycles
            marker = f"Edited by the benchmark, {number}."
            obj.description = f"{original}\n\n{marker}"
            obj.save()
            saved = time.monotonic()
            while marker.encode() not in get(port, path)[1]:
                if time.monotonic() - saved > 15:
                    raise BenchFailed(f"an edit of {path} did not show within 15 s")
                time.sleep(0.02)
            delays.append(time.monotonic() - saved)
    finally:
        obj.description = original
        obj.save()
    return path, delays


def database_outage(env, site, direct_port):
    """Make the database file unavailable, load pages through nginx and gunicorn, then restore it."""
    path = Path(env["DATABASE_PATH"])
    os.rename(path, path.with_suffix(".away"))
    path.mkdir()  # every new connection now fails, as with a database server that is down
    try:
        health = _status(direct_port, "/healthz")
        through_nginx = load(site.port, PAGES, CONNECTIONS, 8, "database down, through nginx")
        direct = load(direct_port, PAGES, CONNECTIONS, 5, "database down, gunicorn alone")
    finally:
        path.rmdir()
        os.rename(path.with_suffix(".away"), path)
    return health, through_nginx, direct


def redis_outage(redis, site, direct_port):
    """Stop Redis two seconds into a load run through nginx, then load gunicorn alone without it."""
    timer = threading.Timer(2, redis.stop)
    timer.start()
    through_nginx = load(site.port, PAGES, CONNECTIONS, 10, "Redis stopped after 2 s, through nginx")
    timer.join()
    direct = load(direct_port, PAGES, CONNECTIONS, 5, "Redis stopped, gunicorn alone")
    return _status(direct_port, "/healthz"), through_nginx, direct


def postgres_outage(temp_dir, log):
    """
    The same site on a PostgreSQL cluster of its own (tests/servers.py) with a Redis of its own: the cluster
    is stopped as a crash would stop it 2 s into a load through nginx, gunicorn alone is loaded while it is
    down, then it is started again and the site must recover by itself.
    """
    from tests import servers

    redis = Redis()
    try:
        with servers.postgres_cluster() as cluster:
            env = environment(temp_dir, redis.url)
            env.pop("DATABASE_PATH")
            env.update(DATABASE_URL=cluster.create_database("bench"), CONN_MAX_AGE="60")
            progress("PostgreSQL: a cluster of its own, migrate and load_content")
            for command in (["migrate", "--noinput"], ["load_content"]):
                manage(env, log, *command)
            direct_port = stack.free_port()
            with stack.Stack(
                env,
                temp_dir / "run-postgres",
                port=stack.free_port(),
                static_root=env["STATIC_ROOT"],
                also_bind=f"127.0.0.1:{direct_port}",
                output=log,
            ) as site:
                # Every page once on each port first: the workers load the app before they answer (no preload).
                for path in PAGES:
                    for port in (site.port, direct_port):
                        if get(port, path, timeout=60)[0] != 200:
                            raise BenchFailed(f"{path} did not answer 200 on PostgreSQL")
                load(site.port, PAGES, CONNECTIONS, 3, "PostgreSQL: warm-up through nginx")
                load(direct_port, PAGES, CONNECTIONS, 3, "PostgreSQL: warm-up of gunicorn alone")
                timer = threading.Timer(2, cluster.stop, kwargs={"mode": "immediate"})
                timer.start()
                through_nginx = load(site.port, PAGES, CONNECTIONS, 8, "PostgreSQL stopped after 2 s, through nginx")
                timer.join()
                health = _status(direct_port, "/healthz")
                direct = load(direct_port, PAGES, CONNECTIONS, 5, "PostgreSQL stopped, gunicorn alone")
                cluster.start()
                started = time.monotonic()
                while _status(direct_port, "/healthz") != 200:
                    if time.monotonic() - started > 60:
                        raise BenchFailed("the site did not recover within 60 s of PostgreSQL starting again")
                    time.sleep(0.05)
                recovered = time.monotonic() - started
                after = load(direct_port, PAGES, CONNECTIONS, 3, "PostgreSQL started again, gunicorn alone")
        return health, through_nginx, direct, recovered, after
    finally:
        redis.stop()


def _status(port, path):
    try:
        return get(port, path)[0]
    except urllib.error.HTTPError as error:
        return error.code


def environment(temp_dir, redis_url):
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "DATABASE_URL", "CACHE_URL"}}
    database = temp_dir / "bench.sqlite3"
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{database}",
        DATABASE_PATH=str(database),
        # A new SQLite connection per request, so that making the file unavailable is an outage at once.
        CONN_MAX_AGE="0",
        CACHE_URL=redis_url,
        STATIC_ROOT=str(temp_dir / "static"),
        BENCH_COPIES=str(temp_dir / "copies"),
        # No TLS on loopback, as in `make serve`.
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
    )
    return env


def row(cells):
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def report(results):
    """The results as Markdown (for docs/performance.md) and the targets met or missed."""
    lines = [
        row(
            [
                "page",
                "bytes",
                "gzip",
                "queries cold/cached",
                "nginx page",
                "nginx file",
                "ratio",
                "p99 ms",
                "gunicorn page",
                "whitenoise",
                "ratio",
                "p99 ms",
            ]
        ),
        row(["---", *["---:"] * 11]),
    ]
    missed = []
    for path in PAGES:
        (counts, size, gzipped) = results["pages"][path]
        nginx_page, nginx_file = results["nginx"][path]
        app_page, app_file = results["gunicorn"][path]
        nginx_ratio = nginx_page.requests_per_second / nginx_file.requests_per_second
        app_ratio = app_page.requests_per_second / app_file.requests_per_second
        lines.append(
            row(
                [
                    path,
                    size,
                    gzipped,
                    f"{counts[0]}/{counts[1]}",
                    f"{nginx_page.requests_per_second:.0f}",
                    f"{nginx_file.requests_per_second:.0f}",
                    f"{nginx_ratio:.2f}",
                    f"{nginx_page.p99_ms:.1f}",
                    f"{app_page.requests_per_second:.0f}",
                    f"{app_file.requests_per_second:.0f}",
                    f"{app_ratio:.2f}",
                    f"{app_page.p99_ms:.1f}",
                ]
            )
        )
        if nginx_ratio < TARGETS["nginx"]:
            missed.append(f"{path}: {nginx_ratio:.2f} of nginx serving the file (target {TARGETS['nginx']})")
        if app_ratio < TARGETS["gunicorn"]:
            missed.append(f"{path}: {app_ratio:.2f} of whitenoise in gunicorn (target {TARGETS['gunicorn']})")
    slow, held, dropped = results["slow"]
    path, delays = results["edits"]
    soak = results["soak"]
    db_health, db_nginx, db_direct = results["database"]
    redis_health, redis_nginx, redis_direct = results["redis"]
    pg_health, pg_nginx, pg_direct, pg_recovered, pg_after = results["postgres"]
    lines += [
        "",
        f"- Slow clients: {held} held open (nginx dropped and the bench reopened {dropped}); normal requests at "
        f"8 connections for {SECONDS * 3} s: {slow.requests_per_second:.0f} req/s, p50 {slow.p50_ms:.1f} ms, "
        f"p99 {slow.p99_ms:.1f} ms, max {slow.max_ms:.0f} ms, errors {slow.describe_errors()}.",
        f"- Edits of {path} visible through nginx after {', '.join(f'{d:.2f}' for d in delays)} s "
        f"(max {max(delays):.2f}, mean {statistics.mean(delays):.2f}).",
        f"- Load: {SOAK_CONNECTIONS} connections for {SOAK_SECONDS} s over {len(PAGES)} pages: {soak.requests} "
        f"requests, {soak.requests_per_second:.0f} req/s, p99 {soak.p99_ms:.1f} ms, errors {soak.describe_errors()}.",
        f"- Database unavailable: /healthz {db_health}; through nginx {db_nginx.requests} requests, errors "
        f"{db_nginx.describe_errors()}; gunicorn alone {db_direct.requests} requests, errors "
        f"{db_direct.describe_errors()}.",
        f"- Redis stopped: /healthz {redis_health}; through nginx {redis_nginx.requests} requests, errors "
        f"{redis_nginx.describe_errors()}; gunicorn alone {redis_direct.requests} requests, "
        f"{redis_direct.requests_per_second:.0f} req/s, errors {redis_direct.describe_errors()}.",
        f"- PostgreSQL stopped (a cluster of its own, `pg_ctl stop -m immediate`): /healthz {pg_health}; through "
        f"nginx {pg_nginx.requests} requests, errors {pg_nginx.describe_errors()}; gunicorn alone "
        f"{pg_direct.requests} requests, errors {pg_direct.describe_errors()}; started again, /healthz 200 after "
        f"{pg_recovered:.2f} s, then {pg_after.requests} requests, errors {pg_after.describe_errors()}.",
    ]
    if slow.max_ms >= TARGETS["slow_max_ms"] or slow.errors:
        missed.append(f"slow clients: max {slow.max_ms:.0f} ms, errors {slow.errors} (target all under 2 s)")
    if slow.p99_ms >= TARGETS["slow_p99_ms"]:
        missed.append(f"slow clients: p99 {slow.p99_ms:.1f} ms (target under 50 ms)")
    if max(delays) >= TARGETS["edit_seconds"]:
        missed.append(f"edits: the slowest showed after {max(delays):.2f} s (target under 2 s)")
    for name, result in [
        ("load", soak),
        ("database down", db_nginx),
        ("database down, gunicorn", db_direct),
        ("Redis stopped", redis_nginx),
        ("Redis stopped, gunicorn", redis_direct),
        ("PostgreSQL stopped", pg_nginx),
        ("PostgreSQL stopped, gunicorn", pg_direct),
        ("PostgreSQL started again, gunicorn", pg_after),
    ]:
        if result.errors:
            missed.append(f"{name}: {result.describe_errors()} errors (target 0)")
    return "\n".join(lines), missed


def run(temp_dir, log):
    redis = Redis()
    try:
        env = environment(temp_dir, redis.url)
        progress(f"preparing the database, the content and the static files (log: {temp_dir / 'bench.log'})")
        for command in (["migrate", "--noinput"], ["load_content"], ["collectstatic", "--noinput"]):
            manage(env, log, *command)
        progress("counting queries and bytes per page (Django's test client, in this process)")
        queries.setup_django(env)
        from residency.pages import main_pages
        from sites.models import Practice

        PAGES[:] = main_pages()

        measured = queries.measure_pages(PAGES)
        copies_dir = temp_dir / "copies" / "_copies"
        copies_dir.mkdir(parents=True)
        copies = {}
        for number, path in enumerate(PAGES):
            (copies_dir / f"{number}.html").write_bytes(measured[path][1])
            copies[path] = f"/_copies/{number}.html"
        direct_port = stack.free_port()
        extra = f"location /_copies/ {{ alias {copies_dir}/; }}"
        progress("starting gunicorn behind nginx")
        with stack.Stack(
            env,
            temp_dir / "run",
            port=stack.free_port(),
            static_root=env["STATIC_ROOT"],
            extra=extra,
            also_bind=f"127.0.0.1:{direct_port}",
            output=log,
        ) as site:
            for path in PAGES:
                for port in (site.port, direct_port):
                    status, body = get(port, path)
                    if status != 200 or body != measured[path][1]:
                        raise BenchFailed(f"{path} did not answer 200 with the page's bytes")
            load(site.port, PAGES, CONNECTIONS, 3, "warm-up through nginx")
            load(direct_port, PAGES, CONNECTIONS, 3, "warm-up of gunicorn alone")
            results = {
                "pages": {path: (counts, len(body), gzipped_size(body)) for path, (counts, body) in measured.items()}
            }
            results["nginx"] = pairs(site.port, PAGES, copies, "nginx")
            results["gunicorn"] = pairs(direct_port, PAGES, copies, "gunicorn alone")
            slow_clients = SlowClients(site.port, SLOW_CLIENTS)
            slow_clients.start()
            time.sleep(3)
            slow = load(site.port, PAGES, 8, SECONDS * 3, f"normal requests with {SLOW_CLIENTS} slow clients")
            held = slow_clients.held
            slow_clients.stopping.set()
            slow_clients.join()
            results["slow"] = (slow, held, slow_clients.dropped)
            progress("edits: saving a change and polling the page through nginx")
            results["edits"] = measure_edits(site.port, Practice)
            results["soak"] = load(site.port, PAGES, SOAK_CONNECTIONS, SOAK_SECONDS, "load")
            results["database"] = database_outage(env, site, direct_port)
            results["redis"] = redis_outage(redis, site, direct_port)
        results["postgres"] = postgres_outage(temp_dir, log)
        return results
    finally:
        redis.stop()


def gzipped_size(body):
    return len(gzip.compress(body, compresslevel=6, mtime=0))


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    global TOOL
    TOOL = loadgen.choose_tool(os.environ.get("BENCH_TOOL"))
    temp_dir = Path(tempfile.mkdtemp(prefix="residency-bench-"))
    load_average = os.getloadavg()[0]
    status = 2
    try:
        with open(temp_dir / "bench.log", "ab") as log:
            results = run(temp_dir, log)
        text, missed = report(results)
        now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        print(
            f"\nmake bench, {now}; tool {TOOL}; nproc {os.cpu_count()}, Python {platform.python_version()}, "
            f"load average {load_average:.2f} before the run; {CONNECTIONS} connections, {SECONDS} s per URL\n"
        )
        print(text)
        print("\ntargets:", "all met" if not missed else "")
        for item in missed:
            print(f"  missed: {item}")
        # Errors where none may be are a failure; other missed targets are only reported.
        status = 1 if any("errors" in item and "slow clients" not in item for item in missed) else 0
    except (stack.StackError, MissingServer) as error:
        print(f"FAILED: {error}", file=sys.stderr)
    except (BenchFailed, loadgen.LoadFailed) as error:
        status = 1
        print(f"FAILED: {error}", file=sys.stderr)
    except KeyboardInterrupt:
        status = 130
    finally:
        if status == 0:
            shutil.rmtree(temp_dir, ignore_errors=True)
        else:
            print(f"log: {temp_dir / 'bench.log'}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
