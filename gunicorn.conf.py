"""gunicorn settings for a small machine; `make serve` and the Docker image use them. PORT picks the port."""

import multiprocessing
import os

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
