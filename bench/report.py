"""The benchmark's results as a plain-text table, a Markdown table, the targets and the machine."""

import os
import platform
from dataclasses import dataclass

from loadgen import LoadResult

RATIO_TARGET = 0.8
P99_TARGET_MS = 50.0
HEADERS = ("page", "bytes", "queries cold/cached", "req/s", "vs floor", "p50 ms", "p99 ms", "errors")
RIGHT_ALIGNED = {1, 2, 3, 4, 5, 6, 7}


@dataclass
class Row:
    """One measured URL: a page, or the floor."""

    path: str
    size: int
    queries: tuple
    result: LoadResult
    ratio: float = 1.0

    def cells(self):
        """The row's table cells, as text."""
        cold, cached = self.queries
        return (
            self.path,
            str(self.size),
            f"{cold}/{cached}",
            f"{self.result.requests_per_second:.0f}",
            f"{self.ratio:.2f}",
            f"{self.result.p50_ms:.2f}",
            f"{self.result.p99_ms:.2f}",
            str(self.result.errors),
        )


def text_table(rows):
    """Rows as aligned plain text, under a header line."""
    lines = [HEADERS, *(row.cells() for row in rows)]
    widths = [max(len(line[column]) for line in lines) for column in range(len(HEADERS))]

    def format_line(cells):
        return "  ".join(
            cell.rjust(width) if column in RIGHT_ALIGNED else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    header, *body = lines
    return "\n".join([format_line(header), "  ".join("-" * width for width in widths), *map(format_line, body)])


def markdown_table(rows):
    """Rows as a Markdown table, numbers right-aligned."""
    align = ["---:" if column in RIGHT_ALIGNED else "---" for column in range(len(HEADERS))]
    lines = [HEADERS, align, *(row.cells() for row in rows)]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def soak_line(result, connections, seconds, page_count):
    """One line for the error run over all pages."""
    return (
        f"soak: {connections} connections for {seconds} s over {page_count} pages: {result.requests} requests, "
        f"{result.requests_per_second:.0f} req/s, p50 {result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms, "
        f"errors {result.describe_errors()}"
    )


def missed_targets(pages, floor, soak):
    """Each target the results miss, in words (an empty list when all are met)."""
    missed = [
        f"{row.path} serves {row.ratio:.2f} of the floor's req/s (target >= {RATIO_TARGET})"
        for row in pages
        if row.ratio < RATIO_TARGET
    ]
    missed += [
        f"{row.path} p99 {row.result.p99_ms:.2f} ms at 32 connections (target < {P99_TARGET_MS:.0f} ms)"
        for row in [*pages, floor]
        if row.result.p99_ms >= P99_TARGET_MS
    ]
    if soak.errors:
        missed.append(f"{soak.errors} errors at 64 connections (target 0)")
    return missed


def targets_text(pages, floor, soak):
    """The targets, and which were missed."""
    lines = [
        f"targets: every page >= {RATIO_TARGET} of the floor's req/s; p99 < {P99_TARGET_MS:.0f} ms at 32 connections; "
        "no errors at 64 connections"
    ]
    missed = missed_targets(pages, floor, soak)
    lines += [f"  missed: {item}" for item in missed] or ["  all met"]
    return "\n".join(lines)


def machine_text(tool, workers, load_average):
    """The load tool and the machine: cores, CPU model, Python version, gunicorn workers, load before the run."""
    tool_name = "wrk" if tool == "wrk" else "python fallback (threads, http.client)"
    return (
        f"tool: {tool_name}\n"
        f"machine: nproc {nproc()}, {cpu_model()}, Python {platform.python_version()}, {workers} gunicorn workers; "
        f"load average {load_average:.2f} before the run"
    )


def nproc():
    """The number of cores this process may run on, as nproc counts them."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count()


def cpu_model():
    """The CPU's model name from /proc/cpuinfo, or what the platform module knows."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"
