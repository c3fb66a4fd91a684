"""
`make serve`: the site as deployed, in the foreground: gunicorn behind nginx on 127.0.0.1:PORT, its
purge listener on a free port of its own (the server processes' NGINX_PURGE_URLS).

Ctrl-C or SIGTERM stops both; SIGHUP reloads gunicorn with the new code and templates (a deploy).
Without nginx it says how to install it and exits; it installs nothing.
The Makefile has already collected the static files, migrated and loaded the content.
"""

import os
import signal
import sys
import tempfile
import time
from pathlib import Path

from nginxconf import MODULES
from stack import INSTALL_HINT, ROOT, Stack, StackError, nginx_binary


def main():
    if nginx_binary() is None:
        print(f"make serve: {INSTALL_HINT}", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    # Ctrl-C stops both, even when started from a shell that ignores SIGINT for background jobs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    port = int(os.environ.get("PORT", "8000"))
    static_root = os.environ.get("STATIC_ROOT", str(ROOT / "staticfiles"))
    with tempfile.TemporaryDirectory(prefix="residency-serve-") as run_dir:
        try:
            with Stack(
                dict(os.environ),
                Path(run_dir),
                port=port,
                static_root=static_root,
                access_log="/dev/stdout",
                error_log="/dev/stderr",
            ) as stack:
                for part in sorted(set(MODULES) - stack.modules):
                    module, package = MODULES[part]
                    print(f"make serve: nginx's {module} is not installed ({package}): running without it.")
                # A deploy without an outage: `kill -HUP <pid>` starts gunicorn workers with the new code.
                signal.signal(signal.SIGHUP, lambda *_: stack.reload())
                print(
                    f"The site is at {stack.url}/ (nginx in front of gunicorn); Ctrl-C stops both; "
                    f"`kill -HUP {os.getpid()}` reloads the code.",
                    flush=True,
                )
                while stack.running():
                    time.sleep(0.5)
                print("make serve: gunicorn or nginx stopped by itself; stopping the other.", file=sys.stderr)
                return 1
        except KeyboardInterrupt:
            print("\nstopped nginx and gunicorn", file=sys.stderr)
        except StackError as error:
            print(f"make serve: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
