"""
What `make bench BENCH=deploys` drives: `make serve` run as a user runs it, reloaded (SIGHUP, as a deploy does)
and restarted (Ctrl-C, then `make serve` again), while wrk loads pages through nginx and a prober asks nginx
for /healthz, which is never cached, so gunicorn must answer it. bench/run.py orchestrates the runs and reports.
"""

import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import wrk

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = 32
PROBE_SECONDS = 0.02
# Before and after each deploy, while the load runs.
LEAD_SECONDS = 5
SETTLE_SECONDS = 8


class Prober(threading.Thread):
    """GET /healthz every PROBE_SECONDS after the last answer; each answer's time and whether it was a 200."""

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
    """`make serve` in a process group of its own, as a terminal runs it; `env` sets its PORT and TMPDIR."""

    def __init__(self, env, log):
        self.env, self.log = env, log
        self.port = int(env["PORT"])
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

    def wait_until_answering(self, seconds=180):
        """Until /healthz answers 200 (make serve has collected, migrated, loaded and started)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"make serve exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)
        raise RuntimeError(f"make serve did not answer within {seconds} s")

    def cache_folder(self):
        """nginx's cache folder, in the run folder deploy/serve.py made under TMPDIR."""
        (folder,) = Path(self.env["TMPDIR"]).glob("residency-serve-*/cache")
        return folder

    def reload(self):
        """SIGHUP to deploy/serve.py, which make runs (it passes it to gunicorn, as `systemctl reload` does)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        os.kill(int(children[0]), signal.SIGHUP)

    def interrupt(self):
        """Ctrl-C: SIGINT to make and serve.py; returns when make has exited."""
        os.killpg(self.process.pid, signal.SIGINT)
        self.process.wait(120)

    def restart(self):
        """Ctrl-C, then `make serve` at once: (seconds to stop, seconds until /healthz answered)."""
        started = time.monotonic()
        self.interrupt()
        stopped = time.monotonic()
        self.start()
        self.wait_until_answering()
        return stopped - started, time.monotonic() - stopped


def measure(serve, pages, action):
    """
    wrk over `pages` through nginx and the prober from LEAD_SECONDS before `action()` until SETTLE_SECONDS after
    it returned: (wrk's result, the prober, what the action returned).
    """
    prober = Prober(serve.port)
    prober.start()
    load = wrk.start(serve.port, pages, CONNECTIONS, threads=2)
    try:
        time.sleep(LEAD_SECONDS)
        value = action()
        time.sleep(SETTLE_SECONDS)
    finally:
        result = load.stop()
        prober.stopping.set()
        prober.join()
    return result, prober, value
