"""
Uncached searches against a cached page, side by side on the same gunicorn, on PostgreSQL (issue 15's target:
a search answered afresh at least 0.1 of the rate of a cached page, with a p99 under 100 ms at 4 connections).

It starts a PostgreSQL cluster and a Redis of its own (deploy/stack.py), prepares the content with the
production settings, and starts gunicorn (gunicorn.conf.py) alone on a loopback port: nginx limits how often
one client may search, so the searches are measured where Django answers them. Then, BENCH_ROUNDS times, one
right after the other, wrk -t1 -c4 for BENCH_SECONDS: a cached page (the home page, from Django's page cache
in Redis), then searches that are each different (`search.lua`: two words the pages use and a number that
changes with every request), so none is answered from the search cache. The ratio is the median over the
rounds of search req/s over page req/s: throughput on a shared machine drifts, so only pairs seconds apart
compare. Beside the rates, each run counts the CPU time the servers spent (gunicorn's workers, PostgreSQL
and Redis, from /proc), per request: unlike a rate, it does not move with what else the machine is running.

    .venv/bin/python bench/searches.py       # or `make bench-search`; about a minute
"""

import datetime
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import run
import wrk

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy"))
import stack  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", 5))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
CONNECTIONS = 4
PAGE = "/"
# The words searched for: the pages' most used words, so that searches find many sections (the most work).
WORDS = 200
TARGETS = {"ratio": 0.1, "p99_ms": 100}


def progress(message):
    print(message, file=sys.stderr, flush=True)


def get(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return None, b""


def words(env):
    """The WORDS words the most sections use (letters only), read from the index the content load built."""
    code = (
        "from search.models import Word; "
        f"print(' '.join([w for w in Word.objects.order_by('-sections', 'spelling')"
        f".values_list('spelling', flat=True) if w.isalpha() and len(w) > 3][:{WORDS}]))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode or not result.stdout.split():
        raise stack.StackError(f"could not read the index's words: {result.stderr}")
    return result.stdout.split()


def gunicorn(env, port, log):
    """gunicorn (gunicorn.conf.py) on 127.0.0.1:`port`, once its workers answer."""
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--config", "gunicorn.conf.py", "residency.wsgi"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + stack.START_TIMEOUT_SECONDS
    while get(port, "/healthz")[0] != 200:
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise stack.StackError("gunicorn did not start; see the log")
        time.sleep(0.2)
    return process


def cpu_seconds(roots):
    """{pid: CPU seconds (user and system)} of the processes `roots` and all their descendants, from /proc."""
    found, children = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # Gone meanwhile.
            continue
        pid = int(stat.parent.name)
        children.setdefault(int(fields[1]), []).append(pid)
        found[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    spent, pending = {}, list(roots)
    while pending:
        pid = pending.pop()
        if pid in found and pid not in spent:
            spent[pid] = found[pid]
            pending.extend(children.get(pid, []))
    return spent


def loaded(roots, run):
    """wrk's result of `run()`, and the CPU milliseconds the servers spent per request meanwhile."""
    before = cpu_seconds(roots)
    result = run()
    after = cpu_seconds(roots)
    spent = sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())
    return result, spent * 1000 / max(1, result.requests)


def measure(port, words, roots):
    pairs = []
    for number in range(ROUNDS):
        progress(f"round {number + 1} of {ROUNDS}: {PAGE} cached, then searches, {SECONDS} s each")
        page = loaded(roots, lambda: wrk.run(port, [PAGE], CONNECTIONS, SECONDS))
        search = loaded(roots, lambda: wrk.run(port, [], CONNECTIONS, SECONDS, script="search.lua", arguments=words))
        pairs.append((search, page))
    return pairs


def report(pairs, workers):
    ratios = [search.requests_per_second / page.requests_per_second for (search, _), (page, _) in pairs]
    ratio = statistics.median(ratios)
    p99 = statistics.median(search.p99_ms for (search, _), _ in pairs)
    cpu_ratio = statistics.median(page_cpu / search_cpu for (_, search_cpu), (_, page_cpu) in pairs)
    lines = [
        "| round | cached page req/s | p99 ms | CPU ms/req | search req/s | p50 ms | p99 ms | CPU ms/req | statuses "
        "| ratio |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for number, (((search, search_cpu), (page, page_cpu)), share) in enumerate(zip(pairs, ratios, strict=True), 1):
        statuses = ", ".join(f"{count} x {status}" for status, count in sorted(search.statuses.items()))
        lines.append(
            f"| {number} | {page.requests_per_second:.0f} | {page.p99_ms:.1f} | {page_cpu:.2f} | "
            f"{search.requests_per_second:.1f} | {search.p50_ms:.1f} | {search.p99_ms:.1f} | {search_cpu:.2f} | "
            f"{statuses} | {share:.3f} |"
        )
    lines.append(
        f"\nMedian ratio **{ratio:.3f}** (target {TARGETS['ratio']}), searches' median p99 **{p99:.1f} ms** "
        f"(target under {TARGETS['p99_ms']} ms), {workers} gunicorn workers, wrk -t1 -c{CONNECTIONS}. By the "
        f"servers' CPU time per request, a search costs what **{1 / cpu_ratio:.1f}** cached pages cost (a ratio "
        f"of {cpu_ratio:.3f})."
    )
    errors = sum(search.errors + page.errors for (search, _), (page, _) in pairs)
    missed = []
    if ratio < TARGETS["ratio"]:
        missed.append(f"ratio {ratio:.3f} (target {TARGETS['ratio']})")
    if p99 >= TARGETS["p99_ms"]:
        missed.append(f"p99 {p99:.1f} ms (target under {TARGETS['p99_ms']} ms)")
    if errors:
        missed.append(f"{errors} errors (target 0)")
    return "\n".join(lines), missed, errors


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not wrk.installed():
        print("bench/searches.py needs wrk (Debian package wrk)", file=sys.stderr)
        return 2
    temp_dir = Path(tempfile.mkdtemp(prefix="residency-searches-"))
    load_before = os.getloadavg()[0]
    try:
        with (
            open(temp_dir / "bench.log", "ab") as log,
            stack.postgres_cluster() as cluster,
            stack.redis_server() as redis,
        ):
            env = run.environment(temp_dir, redis.url, cluster.create_database("bench"), GUNICORN_ACCESS_LOG="")
            progress(f"preparing the database, the content and the static files (log: {temp_dir / 'bench.log'})")
            for command in (["migrate", "--noinput"], ["load_content"], ["collectstatic", "--noinput"]):
                stack.manage(env, *command, output=log)
            searched = words(env)
            port = stack.free_port()
            server = gunicorn(env, port, log)
            try:
                workers = int(env.get("WEB_CONCURRENCY", os.cpu_count() + 1))
                # Warm: every worker has loaded the app, the page is cached, the index's words are read.
                wrk.run(port, [PAGE], CONNECTIONS, 2)
                wrk.run(port, [], CONNECTIONS, 2, script="search.lua", arguments=searched)
                # PostgreSQL's main process (its backends are its children), from its pid file.
                postmaster = int((Path(cluster.data) / "postmaster.pid").read_text().split()[0])
                roots = [server.pid, postmaster, redis.process.pid]
                pairs = measure(port, searched, roots)
            finally:
                server.send_signal(signal.SIGTERM)
                server.wait(stack.STOP_TIMEOUT_SECONDS)
    except (stack.StackError, wrk.LoadFailed) as error:
        print(f"FAILED: {error}\nlog: {temp_dir / 'bench.log'}", file=sys.stderr)
        return 2
    shutil.rmtree(temp_dir, ignore_errors=True)
    text, missed, errors = report(pairs, workers)
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(
        f"\nbench/searches.py, {now}; {SECONDS} s per run, {ROUNDS} rounds; nproc {os.cpu_count()}, Python "
        f"{platform.python_version()}; load average {load_before:.2f} before and {os.getloadavg()[0]:.2f} after\n"
    )
    print(text)
    print("\ntargets:", "all met" if not missed else "")
    for item in missed:
        print(f"  missed: {item}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
