"""
Load generators behind one interface: `run_load(tool, port, paths, connections, seconds)`.

"wrk" drives the load with wrk (its own threads, HdrHistogram percentiles); "python" needs nothing beyond the
standard library: one thread per connection, each holding a keep-alive HTTPConnection. With one path, every
request asks for it; with several, requests rotate through them (wrk does that with rotate.lua).
"""

import http.client
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"

ROTATE_SCRIPT = Path(__file__).resolve().parent / "rotate.lua"
WRK_THREADS = 2
# wrk's own default: a request still unanswered after this long counts as a timeout.
TIMEOUT_SECONDS = 2
SOCKET_ERROR_KINDS = ("connect", "read", "write", "timeout")


class LoadFailed(RuntimeError):
    """The load tool could not run at all (wrk exits when it cannot connect, for one)."""


@dataclass
class LoadResult:
    """What one load run measured."""

    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    # Responses outside 2xx and 3xx.
    bad_responses: int = 0
    # Socket errors by kind (connect, read, write, timeout).
    socket_errors: dict = field(default_factory=lambda: dict.fromkeys(SOCKET_ERROR_KINDS, 0))

    @property
    def errors(self):
        """Error responses and socket errors together."""
        return self.bad_responses + sum(self.socket_errors.values())

    def describe_errors(self):
        """The errors in words, e.g. '0' or '3 (non-2xx/3xx 1, read 2)'."""
        parts = [f"non-2xx/3xx {self.bad_responses}"] if self.bad_responses else []
        parts += [f"{kind} {count}" for kind, count in self.socket_errors.items() if count]
        return f"{self.errors} ({', '.join(parts)})" if parts else "0"


def choose_tool(requested=None):
    """'wrk' when it is installed (unless 'python' is requested), else 'python'."""
    if requested not in (None, "", "wrk", "python"):
        raise ValueError(f"BENCH_TOOL must be 'wrk' or 'python', not {requested!r}")
    if requested == "python" or not shutil.which("wrk"):
        return "python"
    return "wrk"


def run_load(tool, port, paths, connections, seconds):
    """Load `paths` on the server at `port` with `connections` concurrent connections for `seconds` seconds."""
    if tool == "wrk":
        return run_wrk(port, paths, connections, seconds)
    return run_python(port, paths, connections, seconds)


# --- wrk ---------------------------------------------------------------------------------------


def run_wrk(port, paths, connections, seconds):
    """Run wrk and parse its report; several paths go to rotate.lua after `--`."""
    command = [shutil.which("wrk"), f"-t{WRK_THREADS}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if len(paths) == 1:
        command.append(f"http://{HOST}:{port}{paths[0]}")
    else:
        command += ["-s", str(ROTATE_SCRIPT), f"http://{HOST}:{port}/", "--", *paths]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise LoadFailed(f"wrk failed (exit {result.returncode}): {result.stderr.strip() or result.stdout.strip()}")
    return parse_wrk(result.stdout)


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def parse_wrk(output):
    """A LoadResult from wrk's text report (run with --latency)."""
    return LoadResult(
        requests=int(_search(r"^\s*(\d+) requests in", output)),
        requests_per_second=float(_search(r"^Requests/sec:\s*([\d.]+)", output)),
        p50_ms=_latency_ms("50", output),
        p99_ms=_latency_ms("99", output),
        max_ms=_max_latency_ms(output),
        bad_responses=int(_search(r"^\s*Non-2xx or 3xx responses:\s*(\d+)", output, default="0")),
        socket_errors=_socket_errors(output),
    )


def _search(pattern, text, default=None):
    """The first group of `pattern` in `text` (multi-line), or `default`; a missing line without one is an error."""
    match = re.search(pattern, text, re.MULTILINE)
    if match:
        return match.group(1)
    if default is None:
        raise ValueError(f"unexpected wrk output, no match for {pattern!r}:\n{text}")
    return default


def _latency_ms(percent, output):
    """A line of the latency distribution ('  99%   12.34ms') in milliseconds."""
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", _search(rf"^\s*{percent}%\s+(\S+)\s*$", output)).groups()
    return float(value) * _UNIT_MS[unit]


def _max_latency_ms(output):
    """The maximum of wrk's 'Latency  avg  stdev  max  +/- stdev' line, in milliseconds."""
    maximum = _search(r"^\s*Latency\s+\S+\s+\S+\s+(\S+)", output)
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", maximum).groups()
    return float(value) * _UNIT_MS[unit]


def _socket_errors(output):
    """wrk's 'Socket errors: connect 0, read 0, write 0, timeout 0' line (absent when there were none)."""
    line = _search(r"^\s*Socket errors:(.*)$", output, default="")
    counts = dict.fromkeys(SOCKET_ERROR_KINDS, 0)
    counts.update({kind: int(count) for kind, count in re.findall(r"(\w+) (\d+)", line)})
    return counts


# --- Python fallback ---------------------------------------------------------------------------


class _Tally:
    """Latencies, statuses and socket errors, collected by every client thread under one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = []
        self.bad_responses = 0
        self.socket_errors = dict.fromkeys(SOCKET_ERROR_KINDS, 0)

    def add(self, latencies, bad_responses, socket_errors):
        with self.lock:
            self.latencies.extend(latencies)
            self.bad_responses += bad_responses
            for kind, count in socket_errors.items():
                self.socket_errors[kind] += count


def run_python(port, paths, connections, seconds):
    """Threads, one per connection, each sending requests back to back until the time is up."""
    tally = _Tally()
    started = time.monotonic()
    deadline = started + seconds
    threads = [
        threading.Thread(target=_client, args=(port, paths, offset, deadline, tally), daemon=True)
        for offset in range(connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies = sorted(tally.latencies)
    return LoadResult(
        requests=len(latencies),
        requests_per_second=len(latencies) / elapsed,
        p50_ms=percentile(latencies, 50),
        p99_ms=percentile(latencies, 99),
        max_ms=latencies[-1] if latencies else 0.0,
        bad_responses=tally.bad_responses,
        socket_errors=tally.socket_errors,
    )


def _client(port, paths, offset, deadline, tally):
    """One connection's loop; each thread starts at its own place in `paths`."""
    latencies, bad_responses = [], 0
    socket_errors = dict.fromkeys(SOCKET_ERROR_KINDS, 0)
    connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT_SECONDS)
    index = offset
    while time.monotonic() < deadline:
        path = paths[index % len(paths)]
        index += 1
        started = time.perf_counter()
        try:
            status = _request(connection, path)
        except OSError as error:
            socket_errors[_error_kind(error, connection)] += 1
            connection.close()
            continue
        except http.client.HTTPException:
            socket_errors["read"] += 1
            connection.close()
            continue
        latencies.append((time.perf_counter() - started) * 1000)
        bad_responses += not 200 <= status < 400
    connection.close()
    tally.add(latencies, bad_responses, socket_errors)


def _request(connection, path):
    """Send one GET and read the whole response; the connection reconnects by itself when the server closed it."""
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    return response.status


def _error_kind(error, connection):
    """Which of wrk's socket error kinds an exception from http.client is."""
    if isinstance(error, TimeoutError):
        return "timeout"
    if connection.sock is None or isinstance(error, ConnectionRefusedError):
        return "connect"
    return "read"


def percentile(sorted_values, percent):
    """The nearest-rank percentile of an ascending list (0.0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, round(percent / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]
