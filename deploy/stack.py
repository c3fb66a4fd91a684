"""
gunicorn behind nginx, as deployed, started and stopped together in the foreground.

`make serve` (deploy/serve.py), the tests (tests/test_nginx.py) and `make bench` run the site this
way: gunicorn with gunicorn.conf.py on a unix socket in a run folder, and nginx with the
configuration rendered from deploy/nginx/ (deploy/nginxconf.py) on a loopback port.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from nginxconf import render_local

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 30
INSTALL_HINT = (
    "nginx is not installed; the site runs behind it. On Debian or Ubuntu: sudo apt-get install nginx "
    "(nothing was installed)."
)


class StackError(RuntimeError):
    """gunicorn or nginx did not start, or nginx is missing."""


def nginx_binary():
    """Debian's nginx (/usr/sbin is not on every user's PATH), or None."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def free_port():
    """A TCP port on the loopback address that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    """gunicorn and nginx, for a `with` block: both ready inside it, both stopped on leaving, whatever happened."""

    def __init__(
        self, env, run_dir, *, port, static_root, extra="", access_log=None, error_log=None, output=None, also_bind=""
    ):
        self.nginx = nginx_binary()
        if self.nginx is None:
            raise StackError(INSTALL_HINT)
        self.run_dir = Path(run_dir)
        self.port = port
        self.socket_path = self.run_dir / "gunicorn.sock"
        # The site behind one proxy that overwrites X-Forwarded-For; nginx logs the requests.
        self.env = {
            "PROXY_COUNT": "1",
            "GUNICORN_ACCESS_LOG": "",
            **env,
            "STATIC_ROOT": str(static_root),
            # also_bind: an address of gunicorn's own as well (make bench measures gunicorn alone there).
            "GUNICORN_BIND": ",".join(filter(None, [f"unix:{self.socket_path}", also_bind])),
        }
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

    def start(self):
        (self.run_dir / "cache").mkdir(parents=True, exist_ok=True)
        self.start_gunicorn()
        config = render_local(
            self.run_dir / "nginx",
            self.run_dir,
            listen=f"127.0.0.1:{self.port}",
            upstream=f"unix:{self.socket_path}",
            static_root=self.static_root,
            extra=self.extra,
            access_log=self.access_log,
            error_log=self.error_log,
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
