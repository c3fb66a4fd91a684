"""
wrk, the load generator of `make bench`, and its report parsed: `run(port, paths, connections, seconds)`, or
`start(port, paths, connections)` for a load that runs until its `stop()` (while something else happens).

With one path every request asks for it; with several, requests rotate through them (rotate.lua). A
script of its own (junk.lua, search.lua) may be given instead, with its arguments.
"""

import re
import shutil
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
HOST = "127.0.0.1"
SOCKET_ERROR_KINDS = ("connect", "read", "write", "timeout")
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


class LoadFailed(RuntimeError):
    """wrk could not run at all (it exits when it cannot connect, for one)."""


@dataclass
class LoadResult:
    """What one wrk run measured."""

    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    # Responses outside 2xx and 3xx.
    bad_responses: int = 0
    # Socket errors by kind (connect, read, write, timeout).
    socket_errors: dict = field(default_factory=lambda: dict.fromkeys(SOCKET_ERROR_KINDS, 0))
    # What a script printed as "status N count" lines (search.lua): {status: count}.
    statuses: dict = field(default_factory=dict)

    @property
    def errors(self):
        """Error responses and socket errors together."""
        return self.bad_responses + sum(self.socket_errors.values())

    def describe_errors(self):
        """The errors in words, e.g. '0' or '3 (non-2xx/3xx 1, read 2)'."""
        parts = [f"non-2xx/3xx {self.bad_responses}"] if self.bad_responses else []
        parts += [f"{kind} {count}" for kind, count in self.socket_errors.items() if count]
        return f"{self.errors} ({', '.join(parts)})" if parts else "0"


def installed():
    return shutil.which("wrk") is not None


def run(port, paths, connections, seconds, *, threads=1, headers=(), script=None, arguments=()):
    """Load the server at `port`: `paths` (rotated), or `script` with `arguments`; wrk's report parsed."""
    command = _command(port, paths, connections, seconds, threads, headers, script, arguments)
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise LoadFailed(f"wrk failed (exit {result.returncode}): {result.stderr.strip() or result.stdout.strip()}")
    return parse(result.stdout)


# wrk needs a duration: a started load runs at most this long if nobody stops it.
LONGEST_SECONDS = 3600


def start(port, paths, connections, *, threads=1, headers=(), script=None, arguments=()):
    """The same load as `run`, started in the background: a Load whose `stop()` ends it and returns its report."""
    command = _command(port, paths, connections, LONGEST_SECONDS, threads, headers, script, arguments)
    return Load(subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))


class Load:
    """A wrk run in the background."""

    def __init__(self, process):
        self.process = process

    def stop(self):
        """Stop wrk as Ctrl-C does (it reports what it measured until then): its report parsed."""
        self.process.send_signal(signal.SIGINT)
        output, errors = self.process.communicate(timeout=60)
        if self.process.returncode != 0:
            raise LoadFailed(f"wrk failed (exit {self.process.returncode}): {errors.strip() or output.strip()}")
        return parse(output)


def _command(port, paths, connections, seconds, threads, headers, script, arguments):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{round(seconds)}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", str(HERE / script), f"http://{HOST}:{port}/", "--", *arguments]
    elif len(paths) == 1:
        command.append(f"http://{HOST}:{port}{paths[0]}")
    else:
        command += ["-s", str(HERE / "rotate.lua"), f"http://{HOST}:{port}/", "--", *paths]
    return command


def parse(output):
    """A LoadResult from wrk's text report (run with --latency)."""
    return LoadResult(
        requests=int(_search(r"^\s*(\d+) requests in", output)),
        requests_per_second=float(_search(r"^Requests/sec:\s*([\d.]+)", output)),
        p50_ms=_latency_ms("50", output),
        p99_ms=_latency_ms("99", output),
        max_ms=_duration_ms(_search(r"^\s*Latency\s+\S+\s+\S+\s+(\S+)", output)),
        bad_responses=int(_search(r"^\s*Non-2xx or 3xx responses:\s*(\d+)", output, default="0")),
        socket_errors=_socket_errors(output),
        statuses={int(status): int(count) for status, count in re.findall(r"^status (\d+) (\d+)$", output, re.M)},
    )


def _search(pattern, text, default=None):
    """The first group of `pattern` in `text` (multi-line), or `default`; a missing line without one is an error."""
    match = re.search(pattern, text, re.MULTILINE)
    if match:
        return match.group(1)
    if default is None:
        raise ValueError(f"unexpected wrk output, no match for {pattern!r}:\n{text}")
    return default


def _duration_ms(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text).groups()
    return float(value) * _UNIT_MS[unit]


def _latency_ms(percent, output):
    """A line of the latency distribution ('  99%   12.34ms') in milliseconds."""
    return _duration_ms(_search(rf"^\s*{percent}%\s+(\S+)\s*$", output))


def _socket_errors(output):
    """wrk's 'Socket errors: connect 0, read 0, write 0, timeout 0' line (absent when there were none)."""
    line = _search(r"^\s*Socket errors:(.*)$", output, default="")
    counts = dict.fromkeys(SOCKET_ERROR_KINDS, 0)
    counts.update({kind: int(count) for kind, count in re.findall(r"(\w+) (\d+)", line)})
    return counts
