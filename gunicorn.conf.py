"""gunicorn settings for a small machine; `make serve` and the Docker image use them. PORT picks the port."""

import contextlib
import multiprocessing
import os
import signal
import threading
from pathlib import Path

# GUNICORN_BIND (e.g. unix:/run/residency/gunicorn.sock behind nginx; comma-separated for several) or HOST:PORT.
_address = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
bind = (os.environ.get("GUNICORN_BIND") or _address).split(",")

# One worker per core plus one: pages come from the cache, so the work is CPU, and more processes
# than that only add switching (measured with `make bench`, docs/performance.md).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5

# Recycle workers now and then, at staggered moments, so a slow leak cannot grow without bound.
# Rarely: a new worker starts with an empty local page cache (unless CACHE_URL is Redis).
max_requests = 20000
max_requests_jitter = 2000

# Each worker loads the application itself, so a reload (SIGHUP: `systemctl reload residency`, or to
# `make serve`) starts workers that run the new code and templates while the old ones finish their requests.
# Preloading in the master would share memory, but every reload would start workers with the old code.
preload_app = False

# Logs to stdout and stderr, for the container runtime or systemd to collect. Behind nginx, whose
# access log names the client, GUNICORN_ACCESS_LOG="" turns gunicorn's off.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

# Refuse oversized request lines and headers before Django sees them.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# No runtime control socket: it would be shared by every gunicorn of the same user, and the
# container's user has no home to put it in.
control_socket_disable = True

# Trust X-Forwarded-* only from the proxy in front (comma-separated addresses; default: loopback).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


# A reload hands the socket over from the old workers to the new ones without a pause. By itself gunicorn
# stops the old workers as soon as it has forked the new ones, which then still load the app (2 s, or 12 s
# on a loaded machine), so whatever nginx does not answer from its cache waits meanwhile. Here the master
# lets go of the old workers when the reload starts, and each new worker, once it has loaded the app, stops
# one of them as gunicorn would (SIGTERM: it finishes its request and exits), then kills it if it is still
# there after graceful_timeout. Their pids wait in a pipe, so each old worker is stopped by one new one.


def on_reload(server):
    """In the master, before the reload forks the new workers: the old ones are left to them."""
    _stop_waiting(server)
    old = list(server.WORKERS)
    server.handover = None
    if old:
        for pid in old:
            server.WORKERS.pop(pid).tmp.close()
        read_end, write_end = os.pipe()
        os.write(write_end, b"".join(pid.to_bytes(4, "little") for pid in old))
        os.close(write_end)
        # Each new worker's share, so that fewer new workers than old ones still stop them all.
        server.handover = (read_end, -(-len(old) // server.cfg.workers))


def pre_fork(server, worker):
    worker.handover = getattr(server, "handover", None)


def post_worker_init(worker):
    """In a worker that has loaded the app: after a reload, its share of the old workers stops."""
    if getattr(worker, "handover", None) is None:
        return
    read_end, share = worker.handover
    for pid in _waiting(read_end, share):
        _send(pid, signal.SIGTERM, worker.ppid)
        kill = threading.Timer(worker.cfg.graceful_timeout, _send, (pid, signal.SIGKILL, worker.ppid))
        kill.daemon = True
        kill.start()


def on_exit(server):
    _stop_waiting(server)


def _stop_waiting(server):
    """Old workers that no new one has stopped yet (the master stops, or reloads again) stop now."""
    handover = getattr(server, "handover", None)
    if handover is not None:
        for pid in _waiting(handover[0]):
            _send(pid, signal.SIGTERM, server.pid)
        os.close(handover[0])
        server.handover = None


def _waiting(read_end, count=None):
    """Up to `count` pids from the pipe (each read by one process only); none once it is empty."""
    pids = []
    while count is None or len(pids) < count:
        data = os.read(read_end, 4)
        if len(data) < 4:
            break
        pids.append(int.from_bytes(data, "little"))
    return pids


def _send(pid, signal_number, master):
    """`signal_number` to `pid` if it is still the master's child (it may have exited, and its pid been reused)."""
    if Path("/proc/self/stat").is_file():
        try:
            # The fourth field is the parent's pid (the second, the name in parentheses, may hold spaces).
            parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            return
        if parent != master:
            return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal_number)
