"""
Deploys measured under load: `make serve` reloaded (SIGHUP, as a deploy does) and restarted (stopped as
Ctrl-C stops it, then `make serve` again), with PostgreSQL (a cluster of its own) and Redis (its own).

From 5 s before each until 8 s after the site answers again, wrk loads the main pages through nginx (32
connections) and a prober asks nginx for /healthz, which is never cached, so gunicorn must answer it, 20 ms
after each answer. For each: wrk's failed requests,
the prober's failures, and the gap: the longest time between two answered probes. For the restart, also how
long the stop took (Ctrl-C until `make serve` exited) and the start (`make serve` until /healthz answered).
The restart is measured a second time with nginx's cache folder holding about 34,000 pages.

    .venv/bin/python bench/deploys.py        # about 5 minutes; docs/performance.md has the figures
"""

import os
import secrets
import shutil
import signal
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
from run import Redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests import servers  # noqa: E402

CONNECTIONS = 32
PROBE_SECONDS = 0.02
CACHE_FILES = 34_000
# wrk asks for a new address each time (random, each thread seeded apart), so nginx stores a copy per request:
# of robots.txt, cached like a page and small enough for 34,000 copies to fit nginx's 200 MB (max_size).
DISTINCT_ADDRESSES = """
init = function(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16))
end
request = function()
  return wrk.format(nil, "/robots.txt?fill=" .. math.random(1, 2^30) .. math.random(1, 2^30))
end
"""


def progress(message):
    print(message, file=sys.stderr, flush=True)


class Prober(threading.Thread):
    """GET /healthz every PROBE_SECONDS; each answer's time and whether it was a 200."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.url = f"http://127.0.0.1:{port}/healthz"
        self.stopping = threading.Event()
        self.results = []

    def run(self):
        while not self.stopping.is_set():
            try:
                # A visitor waits: only a refused connection or an error answer fails.
                with urllib.request.urlopen(self.url, timeout=30) as response:
                    ok = response.status == 200
            except (urllib.error.URLError, OSError):
                ok = False
            self.results.append((time.monotonic(), ok))
            self.stopping.wait(PROBE_SECONDS)

    def gap(self):
        """The longest time between two answered probes, in seconds."""
        times = [moment for moment, ok in self.results if ok]
        return max((later - earlier for earlier, later in zip(times, times[1:], strict=False)), default=0.0)

    def failures(self):
        return sum(1 for _, ok in self.results if not ok)


class Serve:
    """`make serve` in a process group of its own, as a terminal would run it."""

    def __init__(self, env, log):
        self.env, self.log = env, log
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["make", "--no-print-directory", "serve"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )

    def serve_py(self):
        """The pid of deploy/serve.py, which make runs (SIGHUP goes to it, not to make)."""
        for _ in range(100):
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
            if children:
                return int(children[0])
            time.sleep(0.1)
        raise RuntimeError("make serve started no process")

    def interrupt(self):
        """Ctrl-C: SIGINT to make and serve.py; returns when make has exited."""
        os.killpg(self.process.pid, signal.SIGINT)
        self.process.wait(120)


def wait_for(port, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.05)
    raise RuntimeError(f"make serve did not answer within {seconds} s")


def measure(port, pages, action, settle=8):
    """
    wrk and the prober from 5 s before `action()` until `settle` s after it returned (the site answering again):
    (wrk's result, the prober, what the action returned).
    """
    prober = Prober(port)
    prober.start()
    command = [shutil.which("wrk"), "-t2", f"-c{CONNECTIONS}", "-d600s", "--latency", "-s", str(loadgen.ROTATE_SCRIPT)]
    wrk = subprocess.Popen([*command, f"http://127.0.0.1:{port}/", "--", *pages], stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(5)
        value = action()
        time.sleep(settle)
    finally:
        wrk.send_signal(signal.SIGINT)  # wrk stops and reports
        output = wrk.communicate(timeout=30)[0]
        prober.stopping.set()
        prober.join()
    return loadgen.parse_wrk(output), prober, value


def reload(serve):
    os.kill(serve.serve_py(), signal.SIGHUP)


def restart(serve, port):
    started = time.monotonic()
    serve.interrupt()
    stopped = time.monotonic()
    serve.start()
    wait_for(port)
    return stopped - started, time.monotonic() - stopped


def fill_cache(port, folder):
    """About CACHE_FILES pages in nginx's cache folder, each under its own address."""
    script = folder / "fill.lua"
    script.write_text(DISTINCT_ADDRESSES)
    for _ in range(100):
        count = sum(1 for path in folder.glob("residency-serve-*/cache/*/*/*") if path.is_file())
        if count >= CACHE_FILES:
            break
        subprocess.run(
            ["wrk", "-t2", f"-c{CONNECTIONS}", "-d5s", "-s", str(script), f"http://127.0.0.1:{port}/"],
            capture_output=True,
            check=True,
        )
    return count


def line(name, result, prober, extra=""):
    return (
        f"| {name} | {result.requests} | {result.describe_errors()} | {prober.failures()} of {len(prober.results)} "
        f"| {prober.gap():.2f} |{extra}"
    )


def main():
    if loadgen.choose_tool() != "wrk":
        sys.exit("bench/deploys.py needs wrk (Debian package wrk)")
    temp = Path(tempfile.mkdtemp(prefix="residency-deploys-"))
    log = open(temp / "deploys.log", "ab")  # noqa: SIM115 (open for the whole run)
    redis = Redis()
    rows = []
    serve = Serve(None, log)
    try:
        with servers.postgres_cluster() as cluster:
            port = servers.free_port()
            env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "MAKEFLAGS", "MAKELEVEL"}}
            env.update(
                PORT=str(port),
                SECRET_KEY=secrets.token_urlsafe(50),
                DATABASE_URL=cluster.create_database("deploys"),
                CACHE_URL=redis.url,
                # make serve's run folder (and nginx's cache) goes here, to be counted.
                TMPDIR=str(temp),
            )
            serve.env = env
            progress(f"make serve on port {port} (PostgreSQL and Redis of its own; log {temp / 'deploys.log'})")
            serve.start()
            wait_for(port)  # migrated and loaded by make serve
            queries.setup_django(dict(env, ALLOWED_HOSTS="127.0.0.1", DJANGO_SETTINGS_MODULE="residency.settings"))
            from residency.pages import main_pages

            pages = main_pages()
            loadgen.run_load("wrk", port, pages, CONNECTIONS, 3)

            progress("reload: SIGHUP to make serve under load")
            result, prober, _ = measure(port, pages, lambda: reload(serve))
            rows.append(line("reload (SIGHUP)", result, prober, " | | |"))

            progress("full restart under load: Ctrl-C, then make serve")
            result, prober, (stop, start) = measure(port, pages, lambda: restart(serve, port))
            rows.append(line("full restart", result, prober, f" {stop:.1f} | {start:.1f} |"))

            progress(f"filling nginx's cache folder with {CACHE_FILES:,} pages")
            count = fill_cache(port, temp)
            result, prober, (stop, start) = measure(port, pages, lambda: restart(serve, port))
            rows.append(line(f"full restart, {count:,} pages cached", result, prober, f" {stop:.1f} | {start:.1f} |"))
    finally:
        if serve.process is not None and serve.process.poll() is None:
            serve.interrupt()
        redis.stop()
        log.close()
    print(
        f"\nbench/deploys.py; wrk {CONNECTIONS} connections over {len(pages)} pages through nginx; "
        f"/healthz probed every {PROBE_SECONDS * 1000:.0f} ms; nproc {os.cpu_count()}, load average "
        f"{os.getloadavg()[0]:.2f} at the end\n"
    )
    print("| what | requests | failed (wrk) | probes failed | gap s | stop s | start s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
