"""
`make bench`: requests per second and latency of each public page, against a floor endpoint.

The production server (gunicorn with gunicorn.conf.py and the production settings) runs on loopback with
the floor endpoint on: /_floor/<size>/ answers <size> bytes through the whole middleware stack, with no
template and no database, so it is what the server, the middleware and the load tool cost by themselves.
Each page's req/s is compared with the floor's at the pages' mean size. See bench/README.md and
docs/performance.md.

Environment: BENCH_SECONDS (per URL, default 6), BENCH_SOAK_SECONDS (error run, default 30),
BENCH_WARMUP_SECONDS (per URL, default 2), BENCH_TOOL (wrk or python; default wrk when installed),
DATABASE_URL (default: a new SQLite file in a temporary folder).
Exit status: 0; 1 when any request failed (non-200 on the first fetch, non-2xx/3xx or a socket error in
any run, or wrk could not connect at all); 2 when the server could not be prepared or started.
Missed targets are reported, not failed.
"""

import datetime
import os
import shutil
import signal
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import loadgen
import queries
import report
import server

CONNECTIONS = 32
SOAK_CONNECTIONS = 64


class RequestFailed(Exception):
    """A page did not answer 200 when first fetched."""


@dataclass
class Plan:
    """How this run loads the server: the tool and the durations (seconds), from the environment."""

    tool: str
    seconds: int
    soak_seconds: int
    warmup_seconds: int

    @classmethod
    def from_environment(cls):
        """The plan that BENCH_TOOL, BENCH_SECONDS, BENCH_SOAK_SECONDS and BENCH_WARMUP_SECONDS ask for."""
        return cls(
            tool=loadgen.choose_tool(os.environ.get("BENCH_TOOL")),
            seconds=env_seconds("BENCH_SECONDS", 6),
            soak_seconds=env_seconds("BENCH_SOAK_SECONDS", 30),
            warmup_seconds=env_seconds("BENCH_WARMUP_SECONDS", 2),
        )


@dataclass
class Results:
    """Everything one run measured."""

    pages: list
    floor: report.Row
    floor_runs: list
    soak: loadgen.LoadResult
    warmup_errors: int

    @property
    def errors(self):
        """Error responses and socket errors in every run, the warm-up and every floor run included."""
        measured = sum(result.errors for result in [*(row.result for row in self.pages), *self.floor_runs])
        return measured + self.soak.errors + self.warmup_errors


def env_seconds(name, default):
    """A positive whole number of seconds from the environment."""
    value = int(os.environ.get(name, default))
    if value < 1:
        raise ValueError(f"{name} must be at least 1, not {value}")
    return value


def progress(message):
    """A progress note on stderr, keeping stdout for the results."""
    print(message, file=sys.stderr, flush=True)


def fetch_sizes(port, paths):
    """{path: body size in bytes}, fetching each page once; anything but a 200 raises RequestFailed."""
    sizes = {}
    for path in paths:
        status, body = server.get(port, path)
        if status != 200:
            raise RequestFailed(f"{path} answered {status}, not 200")
        sizes[path] = len(body)
    return sizes


def warm_up(plan, port, paths):
    """Load every URL for a while, so that each gunicorn worker has it in its own cache; the errors seen."""
    errors = 0
    for path in paths:
        progress(f"warming up {path} ({plan.warmup_seconds} s)")
        errors += loadgen.run_load(plan.tool, port, [path], CONNECTIONS, plan.warmup_seconds).errors
    return errors


def measure(plan, port, path):
    """One URL at CONNECTIONS concurrent connections for the plan's seconds."""
    progress(f"measuring {path} ({CONNECTIONS} connections, {plan.seconds} s)")
    return loadgen.run_load(plan.tool, port, [path], CONNECTIONS, plan.seconds)


def benchmark(plan, port, env):
    """Fetch the pages, count their queries, warm up, measure each page and the floor, then the error run."""
    paths = queries.main_pages(env)
    sizes = fetch_sizes(port, paths)
    floor_size = round(statistics.mean(sizes.values()))
    floor_path = f"/_floor/{floor_size}/"
    progress("counting queries per page (Django test client, in this process)")
    query_counts = queries.count_queries(env, [*paths, floor_path])
    warmup_errors = warm_up(plan, port, [*paths, floor_path])
    # The floor is measured again just before each page, and each page is compared with that run:
    # on a shared or throttled machine, throughput drifts over minutes, and a pair a few seconds
    # apart sees the same machine.
    floors, pages = [], []
    for path in paths:
        floor_result = measure(plan, port, floor_path)
        floors.append(floor_result)
        result = measure(plan, port, path)
        ratio = result.requests_per_second / floor_result.requests_per_second
        pages.append(report.Row(path, sizes[path], query_counts[path], result, ratio))
    # The floor's row: its median run by throughput.
    median_floor = sorted(floors, key=lambda floor_result: floor_result.requests_per_second)[len(floors) // 2]
    floor = report.Row(floor_path, floor_size, query_counts[floor_path], median_floor)
    progress(f"error run: {SOAK_CONNECTIONS} connections over all pages ({plan.soak_seconds} s)")
    soak = loadgen.run_load(plan.tool, port, paths, SOAK_CONNECTIONS, plan.soak_seconds)
    return Results(pages, floor, floors, soak, warmup_errors)


def print_results(results, plan, machine):
    """The table with the floor's row last, the error run, the tool and machine, the targets; then Markdown."""
    rows = [*results.pages, results.floor]
    print()
    # UTC: Django, set up in this process to count queries, has switched local time to the site's zone.
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"make bench, {now}: {CONNECTIONS} connections, {plan.seconds} s per URL")
    print(report.text_table(rows))
    print(report.soak_line(results.soak, SOAK_CONNECTIONS, plan.soak_seconds, len(results.pages)))
    if results.warmup_errors:
        print(f"warm-up: {results.warmup_errors} errors")
    print(machine)
    print(report.targets_text(results.pages, results.floor, results.soak))
    print()
    print("Markdown:")
    print()
    print(report.markdown_table(rows))
    print()


def run(plan, temp_dir):
    """Prepare and start the server, benchmark it, stop it, print the results; the exit status."""
    log_path = temp_dir / "server.log"
    env, own_database = server.bench_environment(temp_dir, server.free_port())
    load_average = os.getloadavg()[0]
    progress(f"preparing the database and static files (log: {log_path})")
    server.prepare(env, own_database, log_path)
    workers = server.configured_workers(env)
    progress(f"starting gunicorn ({workers} workers) on {server.HOST}:{env['PORT']}; load from {plan.tool}")
    with server.running_server(env, log_path):
        results = benchmark(plan, int(env["PORT"]), env)
    print_results(results, plan, report.machine_text(plan.tool, workers, load_average))
    if results.errors:
        print(f"FAILED: {results.errors} error responses or socket errors")
        return 1
    return 0


def main():
    """Run the benchmark in a temporary folder, kept (with the server's log) when anything failed."""
    # A plain `kill` stops the server too, as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    plan = Plan.from_environment()
    temp_dir = Path(tempfile.mkdtemp(prefix="residency-bench-"))
    status = 2
    try:
        status = run(plan, temp_dir)
    except server.ServerError as error:
        print(f"FAILED: {error}", file=sys.stderr)
    except (RequestFailed, loadgen.LoadFailed) as error:
        status = 1
        print(f"FAILED: {error}", file=sys.stderr)
    except KeyboardInterrupt:
        status = 130
        print("interrupted", file=sys.stderr)
    finally:
        if status == 0:
            shutil.rmtree(temp_dir, ignore_errors=True)
        else:
            print(f"server log: {temp_dir / 'server.log'}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
