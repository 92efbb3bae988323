"""Helpers shared by the benchmark scripts: timing with medians, one process per case, and
plain-text tables.

Benchmarks run on demand (never in the test suite), with the peers installed in their own
virtual environment (`make bench-env`).
"""

from __future__ import annotations

import gc
import importlib.metadata
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any


def median_time_us(
    fn: Callable[[], Any], *, repeats: int = 7, min_round_s: float = 0.2, warmup: int = 3
) -> float:
    """Median over ``repeats`` rounds of the time of one call, in microseconds.

    Each round times as many back-to-back calls as fill ``min_round_s`` (calibrated on
    the warm-up), so fast calls are not lost in the timer's resolution. The garbage
    collector is paused inside a round, as ``timeit`` does.
    """
    t0 = time.perf_counter()
    for _ in range(warmup):
        fn()
    per_call = max((time.perf_counter() - t0) / warmup, 1e-7)
    number = max(1, int(min_round_s / per_call))
    times = []
    for _ in range(repeats):
        enabled = gc.isenabled()
        gc.disable()
        try:
            start = time.perf_counter()
            for _ in range(number):
                fn()
            times.append((time.perf_counter() - start) / number)
        finally:
            if enabled:
                gc.enable()
    return statistics.median(times) * 1e6


def version_of(package: str) -> str | None:
    """The installed version of a distribution, or None when it is not installed."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def run_isolated(script: str, args: Sequence[str], timeout_s: float) -> dict[str, Any]:
    """Run ``script args...`` in a fresh interpreter; its last stdout line is a JSON object.

    A crash, a hang past ``timeout_s`` or unreadable output costs this one case only: the
    result is then ``{"error": ...}``.
    """
    try:
        proc = subprocess.run(
            [sys.executable, script, *args],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout_s:g} s"}
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {proc.returncode}: {tail[:120]}"}
    try:
        out = json.loads(lines[-1])
    except json.JSONDecodeError:
        return {"error": f"unreadable output: {lines[-1][:120]}"}
    return out if isinstance(out, dict) else {"error": "unreadable output"}


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table (Markdown-compatible), columns padded to their widest cell."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(headers), sep, *(line(r) for r in rows)])
