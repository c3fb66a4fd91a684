"""
`make bench`: the deployment's targets, measured with wrk on the stack as deployed (nginx in front of gunicorn).

`bench/run.py [SCENARIO …]` (`make bench BENCH="…"`), by default `site postgres`:

- site: a Redis of its own, a SQLite database of its own, gunicorn (production settings, gunicorn.conf.py)
  behind nginx (deploy/nginx/, as `make serve` runs it), all started by deploy/stack.py as the tests do; each
  main page served from nginx's cache against the same bytes served by nginx as files, in pairs, plain, gzip
  and brotli; pages asked for with a made-up session cookie; how soon an edit shows; a flood of junk query
  strings; plain pages while 16 connections search; slow clients; a load run; Redis stopped under load.
- postgres: the same site on a PostgreSQL cluster of its own, stopped as a crash under load and started again.
- deploys: `make serve` on PostgreSQL and a Redis of its own, reloaded and restarted under load (deploys.py).

See bench/README.md and docs/performance.md.

Exit status: 0; 1 when a request failed where none may (the first fetches, the load and outage runs, a
reload); 2 when the servers could not be prepared or started. Missed targets are reported, not failed.
"""

import argparse
import datetime
import hashlib
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import deploys
import wrk

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy"))
import stack  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", 1))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
SOAK_SECONDS = int(os.environ.get("BENCH_SOAK_SECONDS", 15))
# The pairs: one wrk thread and 16 connections, as the issue measured them.
CONNECTIONS = 16
ENCODINGS = {"plain": "identity", "gzip": "gzip", "br": "gzip, deflate, br"}
SOAK_CONNECTIONS = 256
SLOW_CLIENTS = 200
EDITS = 5
POLL_SECONDS = 0.05
JUNK = 20_000
# At most this long for the junk (Django answers each one).
JUNK_SECONDS = 600
TARGETS = {
    "file_ratio": 0.8,
    "edit_seconds": 1.0,
    "cookie_ratio": 0.5,
    "junk_cache_mb": 50,
    "search_p99_ms": 50,
    "slow_max_ms": 2000,
}


class BenchFailed(Exception):
    """A request failed where none may."""


STARTED = time.monotonic()


def progress(message):
    print(f"[{time.monotonic() - STARTED:4.0f} s] {message}", file=sys.stderr, flush=True)


def get(port, path, headers=None, timeout=10):
    """(status, headers, body) of a GET straight to 127.0.0.1:`port`, errors included."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def status_of(port, path):
    """The status of a GET, or None when the server could not be reached."""
    try:
        return get(port, path)[0]
    except OSError:
        return None


def setup_django(env):
    """Django in this process, on the servers' database and cache: the page lists, and the edits."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


MAIN_PAGES = []


def read_main_pages(env):
    """
    The main public pages, one of each kind (residency.pages). Read once, with Django set up on `env` unless
    an earlier scenario has set it up: every scenario loads the same content from the same fixtures.
    """
    if not MAIN_PAGES:
        from django.apps import apps

        if not apps.ready:
            setup_django(env)
        from django.db import connections

        from residency.pages import main_pages

        MAIN_PAGES.extend(main_pages())
        connections.close_all()
    return list(MAIN_PAGES)


# --- The scenarios -------------------------------------------------------------------------------


def write_copies(site, pages, folder):
    """Each page's bytes in each encoding, as nginx serves them, written as a file nginx serves too."""
    copies = {}
    for number, path in enumerate(pages):
        for name, accepted in ENCODINGS.items():
            status, headers, body = get(site.port, path, {"Accept-Encoding": accepted})
            if status != 200:
                raise BenchFailed(f"{path} answered {status}")
            suffix = {"gzip": ".gz", "br": ".br"}.get(headers.get("Content-Encoding"), "")
            if (name == "plain") == bool(suffix):
                raise BenchFailed(f"{path} came back as {headers.get('Content-Encoding')!r} to {accepted!r}")
            (folder / f"{number}.html{suffix}").write_bytes(body)
        copies[path] = f"/_copies/{number}.html"
    return copies


def pairs(site, pages, copies):
    """{(path, encoding): [(page, file), …]}: each page and its file copy, one right after the other, ROUNDS times."""
    results = {}
    for round_number in range(ROUNDS):
        progress(f"pairs, round {round_number + 1} of {ROUNDS}: {len(pages)} pages x {len(ENCODINGS)} encodings")
        for path in pages:
            for name, accepted in ENCODINGS.items():
                headers = [f"Accept-Encoding: {accepted}"]
                copy = wrk.run(site.port, [copies[path]], CONNECTIONS, SECONDS, headers=headers)
                page = wrk.run(site.port, [path], CONNECTIONS, SECONDS, headers=headers)
                results.setdefault((path, name), []).append((page, copy))
    return results


def with_a_cookie(site, direct_port, pages):
    """Pages asked for with a made-up session cookie against without, through nginx and on gunicorn alone."""
    cookie = f"Cookie: sessionid={secrets.token_hex(16)}"
    results = {}
    for label, port in [("nginx", site.port), ("gunicorn", direct_port)]:
        for _ in range(ROUNDS):
            plain = wrk.run(port, pages, CONNECTIONS, SECONDS * 2)
            cookied = wrk.run(port, pages, CONNECTIONS, SECONDS * 2, headers=[cookie])
            results.setdefault(label, []).append((cookied, plain))
    return results


def measure_edits(site, page_model):
    """Seconds from a committed edit until the page, polled through nginx every 50 ms and kept hot, shows it."""
    obj = page_model.objects.order_by("pk").first()
    path, original = obj.get_absolute_url(), obj.description
    delays = []
    try:
        for number in range(EDITS):
            marker = f"Edited by the benchmark, {number}.".encode()
            seen = threading.Event()
            saved = {}

            def poll(marker=marker, seen=seen, saved=saved):
                while True:
                    if marker in get(site.port, path)[2]:
                        seen.set()
                        saved["seen_at"] = time.monotonic()
                        return
                    if "at" in saved and time.monotonic() - saved["at"] > 15:
                        return
                    time.sleep(POLL_SECONDS)

            poller = threading.Thread(target=poll)
            poller.start()
            time.sleep(1 + number * 0.37 % 1)  # the page is hot; edits at any moment of nginx's second
            obj.description = f"{original}\n\n{marker.decode()}"
            obj.save()
            saved["at"] = time.monotonic()
            poller.join()
            if not seen.is_set():
                raise BenchFailed(f"an edit of {path} did not show within 15 s")
            delays.append(saved["seen_at"] - saved["at"])
    finally:
        obj.description = original
        obj.save()
    return path, delays


def folder_size(folder):
    files = [path for path in Path(folder).rglob("*") if path.is_file()]
    return sum(path.stat().st_size for path in files), len(files)


def cache_file(cache_dir, path, encoding):
    """Where nginx keeps its copy of `path` in `encoding` (levels=1:2 of the md5 of the key, locations.conf)."""
    digest = hashlib.md5(f"{path} {encoding}".encode()).hexdigest()  # noqa: S324 (nginx's own key hash)
    return Path(cache_dir) / digest[-1] / digest[-3:-1] / digest


def log_tail(path, size=65536):
    """The last `size` bytes of a log file."""
    with open(path, "rb") as log:
        log.seek(max(0, log.seek(0, os.SEEK_END) - size))
        return log.read()


def junk_flood(site, pages):
    """JUNK distinct junk query strings through nginx: its cache folder before and after, the real pages' copies."""
    cache_dir = site.run_dir / "cache"
    encodings = {"": "identity", "gzip": "gzip", "br": "br"}
    time.sleep(2)  # the edits' second purges are done
    for path in pages:
        for accepted in encodings.values():
            get(site.port, path, {"Accept-Encoding": accepted})
    before = folder_size(cache_dir)
    kept_before = sum(cache_file(cache_dir, path, encoding).exists() for path in pages for encoding in encodings)
    progress(f"junk: {JUNK} distinct query strings through nginx")
    started = time.monotonic()
    load = wrk.start(site.port, [], CONNECTIONS, script="junk.lua", arguments=[pages[0], str(JUNK), "0"])
    # junk.lua stops wrk's thread after the last query string, but wrk itself waits out its duration: it is
    # stopped once nginx has logged the last one (the log is flushed every second). wrk leaves the answers in
    # flight when its thread stopped out of its count, so the report gives JUNK and the time instead.
    last = f"?junk{JUNK}={JUNK} ".encode()
    while last not in log_tail(site.run_dir / "nginx-access.log") and time.monotonic() - started < JUNK_SECONDS:
        time.sleep(0.5)
    seconds = time.monotonic() - started
    sent = JUNK if last in log_tail(site.run_dir / "nginx-access.log") else None
    flood = load.stop()
    after = folder_size(cache_dir)
    kept_after = sum(cache_file(cache_dir, path, encoding).exists() for path in pages for encoding in encodings)
    return {
        "flood": flood,
        # None when JUNK_SECONDS ran out first.
        "sent": sent,
        "seconds": seconds,
        "before": before,
        "after": after,
        "kept": (kept_before, kept_after, len(pages) * len(encodings)),
    }


def searches_and_pages(site, pages, words):
    """16 connections of random searches, and meanwhile plain pages at 16 connections: the pages' latency."""
    results = {}
    thread = threading.Thread(
        target=lambda: results.update(
            search=wrk.run(site.port, [], CONNECTIONS, SECONDS * 8 + 2, script="search.lua", arguments=words)
        )
    )
    thread.start()
    time.sleep(1)
    results["pages"] = wrk.run(site.port, pages, CONNECTIONS, SECONDS * 8)
    thread.join()
    results["alone"] = wrk.run(site.port, pages, CONNECTIONS, SECONDS * 8)
    return results


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


def slow_clients(site, pages):
    clients = SlowClients(site.port, SLOW_CLIENTS)
    clients.start()
    time.sleep(3)
    result = wrk.run(site.port, pages, 8, SECONDS * 8)
    held = clients.held
    clients.stopping.set()
    clients.join()
    return result, held, clients.dropped


def redis_outage(redis, site, direct_port, paths, limited):
    """Redis stopped: every page, with or without parameters, through nginx and on gunicorn alone."""
    redis.stop()
    time.sleep(1)
    through_nginx = wrk.run(site.port, paths, CONNECTIONS, 8)
    direct = wrk.run(direct_port, paths, CONNECTIONS, 5)
    tools = {path: get(site.port, path)[0] for path in limited}
    return get(direct_port, "/healthz")[0], through_nginx, direct, tools


def postgres_outage(temp_dir, log):
    """
    The site on a PostgreSQL cluster of its own (deploy/stack.py) with a Redis of its own: the cluster is
    stopped as a crash would stop it 2 s into a load through nginx, gunicorn alone is loaded while it is down,
    then it is started again and the site must recover by itself.
    """
    with stack.redis_server() as redis, stack.postgres_cluster() as cluster:
        env = environment(temp_dir, redis.url)
        env["DATABASE_URL"] = cluster.create_database("bench")
        progress("PostgreSQL: a cluster of its own, migrate and load_content")
        commands = [["migrate", "--noinput"], ["load_content"]]
        if not Path(env["STATIC_ROOT"]).is_dir():
            commands.append(["collectstatic", "--noinput"])
        for command in commands:
            stack.manage(env, *command, output=log)
        pages = read_main_pages(env)
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
            for path in pages:
                for port in (site.port, direct_port):
                    if get(port, path, timeout=60)[0] != 200:
                        raise BenchFailed(f"{path} did not answer 200 on PostgreSQL")
            progress("PostgreSQL: warm-up through nginx and on gunicorn alone")
            wrk.run(site.port, pages, CONNECTIONS, 3)
            wrk.run(direct_port, pages, CONNECTIONS, 3)
            progress("PostgreSQL stopped as a crash 2 s into 8 s of load through nginx, then gunicorn alone")
            crash = threading.Timer(2, cluster.stop, kwargs={"mode": "immediate"})
            crash.start()
            through_nginx = wrk.run(site.port, pages, CONNECTIONS, 8)
            crash.join()
            health = status_of(direct_port, "/healthz")
            direct = wrk.run(direct_port, pages, CONNECTIONS, 5)
            progress("PostgreSQL started again: the time until /healthz answers 200, then gunicorn alone")
            cluster.start()
            started = time.monotonic()
            while status_of(direct_port, "/healthz") != 200:
                if time.monotonic() - started > 60:
                    raise BenchFailed("the site did not recover within 60 s of PostgreSQL starting again")
                time.sleep(0.05)
            recovered = time.monotonic() - started
            after = wrk.run(direct_port, pages, CONNECTIONS, 3)
    return {"health": health, "nginx": through_nginx, "direct": direct, "recovered": recovered, "after": after}


CACHE_FILES = 34_000


def fill_cache(cache_dir, count):
    """
    About `count` files in nginx's cache folder, named and laid out as nginx names its copies, each a copy of
    the smallest it holds: nginx keeps no copy of an address with a query string, so its cache cannot be
    filled with distinct addresses any more; what a restart pays for is the folder on disk.
    """
    smallest = min((path for path in cache_dir.rglob("*") if path.is_file()), key=lambda path: path.stat().st_size)
    body = smallest.read_bytes()
    for number in range(count):
        path = cache_file(cache_dir, f"/filled/{number}/", "identity")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    return folder_size(cache_dir)[1]


def deploy_runs(temp_dir, log):
    """
    `make serve` on a PostgreSQL cluster and a Redis of their own, as a user runs it, reloaded and restarted
    under load (bench/deploys.py); the restart again with CACHE_FILES files in nginx's cache folder.
    """
    with stack.redis_server() as redis, stack.postgres_cluster() as cluster:
        env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "MAKEFLAGS", "MAKELEVEL"}}
        env.update(
            PORT=str(stack.free_port()),
            SECRET_KEY=secrets.token_urlsafe(50),
            DATABASE_URL=cluster.create_database("deploys"),
            CACHE_URL=redis.url,
            STATIC_ROOT=str(temp_dir / "static"),
            # make serve's run folder, and nginx's cache in it, go here.
            TMPDIR=str(temp_dir),
        )
        serve = deploys.Serve(env, log)
        progress(f"make serve on port {serve.port} (PostgreSQL and Redis of its own)")
        serve.start()
        rows = []
        try:
            serve.wait_until_answering()  # collected, migrated and loaded by make serve
            pages = read_main_pages(dict(env, ALLOWED_HOSTS="127.0.0.1", DJANGO_SETTINGS_MODULE="residency.settings"))
            wrk.run(serve.port, pages, deploys.CONNECTIONS, 3)

            progress("reload: SIGHUP to make serve under load")
            rows.append(("reload (SIGHUP)", *deploys.measure(serve, pages, serve.reload)))
            progress("full restart under load: Ctrl-C, then make serve")
            rows.append(("full restart", *deploys.measure(serve, pages, serve.restart)))
            progress(f"filling nginx's cache folder with {CACHE_FILES:,} files, then a full restart")
            get(serve.port, "/robots.txt")
            count = fill_cache(serve.cache_folder(), CACHE_FILES)
            rows.append((f"full restart, {count:,} files cached", *deploys.measure(serve, pages, serve.restart)))
        finally:
            if serve.process.poll() is None:
                serve.interrupt()
    return {"pages": pages, "rows": rows}


# --- The run ---------------------------------------------------------------------------------------


def environment(temp_dir, redis_url, database_url=None, **settings):
    """The production settings for the servers of a run in `temp_dir` (SQLite there unless `database_url`)."""
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "DATABASE_URL", "CACHE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="residency.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL="http://127.0.0.1",
        DATABASE_URL=database_url or f"sqlite:///{temp_dir / 'bench.sqlite3'}",
        CACHE_URL=redis_url,
        STATIC_ROOT=str(temp_dir / "static"),
        # No TLS on loopback, as in `make serve`.
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        **settings,
    )
    return env


def site_runs(temp_dir, log):
    with stack.redis_server() as redis:
        env = environment(temp_dir, redis.url)
        progress(f"preparing the database, the content and the static files (log: {temp_dir / 'bench.log'})")
        for command in (["migrate", "--noinput"], ["load_content"], ["collectstatic", "--noinput"]):
            stack.manage(env, *command, output=log)
        copies_dir = temp_dir / "copies"
        (copies_dir / "_copies").mkdir(parents=True)
        direct_port = stack.free_port()
        brotli = temp_dir / "run" / "nginx" / "brotli.conf"
        extra = f"location /_copies/ {{ alias {copies_dir / '_copies'}/; gzip_static on; include {brotli}; }}"
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
            # This process saves the edits, as a server process would: with the same purge listener.
            setup_django({**env, "NGINX_PURGE_URLS": site.env.get("NGINX_PURGE_URLS", "")})
            from programs.models import Track
            from residency.pages import all_routes, cached_paths
            from sites.models import Practice
            from tests.parameters import pages_with_parameters

            pages = read_main_pages(env)
            everything = [*cached_paths(), *pages_with_parameters()]
            # Answered afresh and limited per client by nginx: asked once each, not loaded.
            tools = {route.paths()[0] for route in all_routes() if route.view_class.limited}
            limited = [path for path in everything if "?" in path and path.split("?")[0] in tools]
            words = sorted({word.lower() for track in Track.objects.all() for word in track.name.split()})
            results = {"modules": sorted(site.modules), "pages": pages}
            results["copies"] = copies = write_copies(site, pages, copies_dir / "_copies")
            for path in everything:
                if path not in limited and get(site.port, path)[0] != 200:
                    raise BenchFailed(f"{path} did not answer 200")
            wrk.run(site.port, pages, CONNECTIONS, 3)
            results["pairs"] = pairs(site, pages, copies)
            progress("a made-up session cookie, through nginx and on gunicorn alone")
            results["cookie"] = with_a_cookie(site, direct_port, pages)
            progress("edits: saving a change and polling the page through nginx every 50 ms")
            results["edits"] = measure_edits(site, Practice)
            results["junk"] = junk_flood(site, pages)
            progress("16 connections of random searches, and plain pages meanwhile")
            results["search"] = searches_and_pages(site, pages, words)
            progress(f"{SLOW_CLIENTS} slow clients, and plain pages meanwhile")
            results["slow"] = slow_clients(site, pages)
            progress(f"load: {SOAK_CONNECTIONS} connections for {SOAK_SECONDS} s")
            results["soak"] = wrk.run(site.port, pages, SOAK_CONNECTIONS, SOAK_SECONDS, threads=2)
            progress("Redis stopped: every page, with or without parameters")
            results["redis"] = redis_outage(
                redis, site, direct_port, [path for path in everything if path not in limited], limited
            )
        return results


# --- The report ------------------------------------------------------------------------------------


def row(cells):
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def ratio(pairs_of_results):
    """The median of page/file (or with/without) req/s over the rounds."""
    return statistics.median(a.requests_per_second / b.requests_per_second for a, b in pairs_of_results)


def report_site(results):
    """The site's results as Markdown (for docs/performance.md) and the targets missed."""
    missed = []
    lines = [
        row(["page", *(f"{name} page / file req/s" for name in ENCODINGS), *(f"{name} ratio" for name in ENCODINGS)]),
        row(["---", *["---:"] * (2 * len(ENCODINGS))]),
    ]
    ratios = {name: [] for name in ENCODINGS}
    for path in results["pages"]:
        cells, shares = [], []
        for name in ENCODINGS:
            measured = results["pairs"][(path, name)]
            page = statistics.median(page.requests_per_second for page, _ in measured)
            copy = statistics.median(copy.requests_per_second for _, copy in measured)
            cells.append(f"{page:.0f} / {copy:.0f}")
            shares.append(ratio(measured))
            ratios[name].append(shares[-1])
        lines.append(row([path, *cells, *(f"{share:.2f}" for share in shares)]))
    lines.append(
        row(
            [
                "**median of the pages**",
                *[""] * len(ENCODINGS),
                *(f"**{statistics.median(ratios[n]):.2f}**" for n in ENCODINGS),
            ]
        )
    )
    for name in ("plain", "gzip"):
        if statistics.median(ratios[name]) < TARGETS["file_ratio"]:
            missed.append(f"cached pages, {name}: {statistics.median(ratios[name]):.2f} of the files (target 0.8)")

    cookie = {label: ratio(measured) for label, measured in results["cookie"].items()}
    path, delays = results["edits"]
    junk = results["junk"]
    # When the time ran out, wrk's count (the answers in flight when it was stopped are not in it).
    sent = junk["sent"] or junk["flood"].requests
    until = "nginx logged the last" if junk["sent"] else f"the time ran out ({JUNK_SECONDS} s)"
    size_before, files_before = junk["before"]
    size_after, files_after = junk["after"]
    kept_before, kept_after, kept_total = junk["kept"]
    search = results["search"]
    slow, held, dropped = results["slow"]
    soak = results["soak"]
    health, redis_nginx, redis_direct, tools = results["redis"]
    lines += [
        "",
        f"- **A made-up session cookie**: {cookie['nginx']:.2f} of the speed without it through nginx, "
        f"{cookie['gunicorn']:.2f} on gunicorn alone (medians of {ROUNDS} pairs over the main pages).",
        f"- **Edits** of {path}, the page polled through nginx every {POLL_SECONDS * 1000:.0f} ms: visible after "
        f"{', '.join(f'{delay:.2f}' for delay in delays)} s (worst {max(delays):.2f}).",
        f"- **Junk**: {sent} distinct junk query strings in {junk['seconds']:.1f} s, until {until} "
        f"({sent / junk['seconds']:.0f} req/s, errors {junk['flood'].describe_errors()}); nginx's cache "
        f"folder {size_before / 1e6:.2f} MB in {files_before} files before, {size_after / 1e6:.2f} MB in "
        f"{files_after} files after; the main pages' copies (3 encodings) kept: {kept_before} of {kept_total} before, "
        f"{kept_after} after.",
        f"- **Searches**: 16 connections of random searches, {search['search'].requests} asked "
        f"({', '.join(f'{count} x {status}' for status, count in sorted(search['search'].statuses.items()))}); "
        f"plain pages meanwhile at 16 connections: {search['pages'].requests_per_second:.0f} req/s, p99 "
        f"{search['pages'].p99_ms:.1f} ms, max {search['pages'].max_ms:.0f} ms, errors "
        f"{search['pages'].describe_errors()} (alone just after: {search['alone'].requests_per_second:.0f} req/s, "
        f"p99 {search['alone'].p99_ms:.1f} ms).",
        f"- **Slow clients**: {held} held open (nginx dropped and the bench reopened {dropped}); plain pages at 8 "
        f"connections meanwhile: {slow.requests_per_second:.0f} req/s, p99 {slow.p99_ms:.1f} ms, max "
        f"{slow.max_ms:.0f} ms, errors {slow.describe_errors()}.",
        f"- **Load**: {SOAK_CONNECTIONS} connections for {SOAK_SECONDS} s over {len(results['pages'])} pages: "
        f"{soak.requests} requests, {soak.requests_per_second:.0f} req/s, p99 {soak.p99_ms:.1f} ms, errors "
        f"{soak.describe_errors()}.",
        f"- **Redis stopped**: /healthz {health}; every page with or without parameters through nginx: "
        f"{redis_nginx.requests} requests, errors {redis_nginx.describe_errors()}; on gunicorn alone "
        f"{redis_direct.requests} requests, {redis_direct.requests_per_second:.0f} req/s, errors "
        f"{redis_direct.describe_errors()}; the limited tools once each: "
        f"{', '.join(f'{status}' for status in tools.values())}.",
    ]
    if min(cookie.values()) < TARGETS["cookie_ratio"]:
        missed.append(f"made-up cookie: {min(cookie.values()):.2f} of the cached speed (target 0.5)")
    if max(delays) > TARGETS["edit_seconds"]:
        missed.append(f"edits: the slowest showed after {max(delays):.2f} s (target 1 s)")
    if size_after / 1e6 >= TARGETS["junk_cache_mb"] or kept_after < kept_before:
        missed.append(f"junk: cache folder {size_after / 1e6:.1f} MB, {kept_before - kept_after} copies evicted")
    if search["pages"].p99_ms >= TARGETS["search_p99_ms"]:
        missed.append(f"searches: plain pages' p99 {search['pages'].p99_ms:.1f} ms (target under 50 ms)")
    if slow.max_ms >= TARGETS["slow_max_ms"] or slow.errors:
        missed.append(f"slow clients: max {slow.max_ms:.0f} ms, errors {slow.errors} (target all under 2 s)")
    for name, result in [
        ("load", soak),
        ("searches, plain pages", search["pages"]),
        ("Redis stopped", redis_nginx),
        ("Redis stopped, gunicorn", redis_direct),
    ]:
        if result.errors:
            missed.append(f"{name}: {result.describe_errors()} errors (target 0)")
    if any(status != 200 for status in tools.values()):
        missed.append(f"Redis stopped, limited tools: errors {tools} (target 0)")
    return "\n".join(lines), missed


def report_postgres(results):
    nginx, direct, after = results["nginx"], results["direct"], results["after"]
    text = (
        f"- **PostgreSQL stopped** (a cluster of its own, `pg_ctl stop -m immediate` 2 s into the load): /healthz "
        f"{results['health']} while it was down; through nginx {nginx.requests} requests, errors "
        f"{nginx.describe_errors()}; gunicorn alone {direct.requests} requests, {direct.requests_per_second:.0f} "
        f"req/s, errors {direct.describe_errors()}; started again, /healthz 200 after {results['recovered']:.2f} s, "
        f"then gunicorn alone {after.requests} requests, errors {after.describe_errors()}."
    )
    missed = [
        f"{name}: {result.describe_errors()} errors (target 0)"
        for name, result in [
            ("PostgreSQL stopped", nginx),
            ("PostgreSQL stopped, gunicorn", direct),
            ("PostgreSQL started again, gunicorn", after),
        ]
        if result.errors
    ]
    return text, missed


def report_deploys(results):
    lines = [
        f"wrk -t2 -c{deploys.CONNECTIONS} over the {len(results['pages'])} main pages through nginx, from "
        f"{deploys.LEAD_SECONDS} s before each deploy until {deploys.SETTLE_SECONDS} s after the site answered "
        f"again; /healthz probed {deploys.PROBE_SECONDS * 1000:.0f} ms after each answer.",
        "",
        row(["what", "requests", "failed (wrk)", "probes failed", "gap s", "stop s", "start s"]),
        row(["---", *["---:"] * 6]),
    ]
    missed = []
    for name, result, prober, times in results["rows"]:
        stop, start = (f"{seconds:.1f}" for seconds in times) if times else ("", "")
        probes, gap = f"{prober.failures()} of {len(prober.results)}", f"{prober.gap():.2f}"
        lines.append(row([name, result.requests, result.describe_errors(), probes, gap, stop, start]))
        if times is None and (result.errors or prober.failures()):
            missed.append(f"{name}: {result.describe_errors()} errors, {prober.failures()} probes failed (target 0)")
    return "\n".join(lines), missed


SCENARIOS = {
    "site": (site_runs, report_site),
    "postgres": (postgres_outage, report_postgres),
    "deploys": (deploy_runs, report_deploys),
}
DEFAULT = "site postgres"


def run_scenario(name, temp_dir, log):
    """One scenario's results; a PostgreSQL that is not installed skips its scenario, saying why."""
    try:
        return SCENARIOS[name][0](temp_dir, log)
    except stack.StackError as error:
        if name == "site" or "not installed" not in str(error):
            raise
        progress(f"{name}: skipped, {error}")
        return {"skipped": str(error)}


def main():
    parser = argparse.ArgumentParser(description="The deployment's targets measured with wrk (bench/README.md).")
    names = ", ".join(SCENARIOS)
    parser.add_argument("scenarios", nargs="*", metavar="SCENARIO", help=f"{names} (default: {DEFAULT})")
    chosen = parser.parse_args().scenarios or DEFAULT.split()
    if unknown := set(chosen) - set(SCENARIOS):
        parser.error(f"no scenario {', '.join(sorted(unknown))}; there are {names}")
    # In this order, whatever the order asked: the site's edits are saved by Django in this process, on its
    # database, so it is set up for the site first.
    scenarios = [name for name in SCENARIOS if name in chosen]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not wrk.installed():
        print("make bench needs wrk (Debian package wrk; .ci/run installs it)", file=sys.stderr)
        return 2
    temp_dir = Path(tempfile.mkdtemp(prefix="residency-bench-"))
    load_average = os.getloadavg()
    status = 2
    try:
        progress(f"scenarios: {', '.join(scenarios)} (log: {temp_dir / 'bench.log'})")
        with open(temp_dir / "bench.log", "ab") as log:
            results = {name: run_scenario(name, temp_dir, log) for name in scenarios}
        now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        modules = results.get("site", {}).get("modules")
        print(
            f"\nmake bench {' '.join(scenarios)}, {now}; nproc {os.cpu_count()}, Python {platform.python_version()}; "
            f"load average {load_average[0]:.2f} before the run and {os.getloadavg()[0]:.2f} after"
            + (f"; wrk -t1 -c{CONNECTIONS}, {SECONDS:g} s per run, {ROUNDS} rounds" if "site" in results else "")
            + (f"; nginx modules: {', '.join(modules) or 'none'}" if modules is not None else "")
        )
        missed = []
        for name, result in results.items():
            if "skipped" in result:
                print(f"\n- **{name}**: not measured, {result['skipped']}")
                continue
            text, missed_here = SCENARIOS[name][1](result)
            print(f"\n{text}")
            missed += missed_here
        print("\ntargets:", "all met" if not missed else "")
        for item in missed:
            print(f"  missed: {item}")
        # Errors where none may be are a failure; other missed targets are only reported.
        status = 1 if any("errors" in item and "slow clients" not in item for item in missed) else 0
    except stack.StackError as error:
        print(f"FAILED: {error}", file=sys.stderr)
    except (BenchFailed, wrk.LoadFailed) as error:
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
