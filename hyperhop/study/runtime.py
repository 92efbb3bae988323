"""Wall-clock budgets written the way people say them ("90s", "1h 30min", "2d 4h")."""

from __future__ import annotations

import math
import re
from typing import Any

from hyperhop._validation import describe, fail, is_real

_UNITS = {
    "w": 604800,
    "week": 604800,
    "weeks": 604800,
    "d": 86400,
    "day": 86400,
    "days": 86400,
    "h": 3600,
    "hour": 3600,
    "hours": 3600,
    "hr": 3600,
    "hrs": 3600,
    "m": 60,
    "min": 60,
    "mins": 60,
    "minute": 60,
    "minutes": 60,
    "s": 1,
    "sec": 1,
    "secs": 1,
    "second": 1,
    "seconds": 1,
}
_PART = re.compile(r"^(\d+(?:\.\d*)?|\.\d+)([a-z]*)$")


def parse_runtime(runtime: Any, func: str = "optimize()") -> float:
    """Seconds from a number or a string.

    Accepts PyHopper's forms: ``"1723"`` (seconds), ``"1:30"`` (m:s), ``"1:1:30"`` (h:m:s),
    and unit words summed over parts, where a bare unit attaches to the number before it
    (``"1 h 1 min 30s"`` is 3690, ``"5 days 24h"`` is six days).

    Example:
        >>> parse_runtime("1h 30min")
        5400.0
        >>> parse_runtime("1:30")
        90.0
    """
    if is_real(runtime):
        seconds = float(runtime)
    elif isinstance(runtime, str):
        seconds = _parse_text(runtime, func)
    else:
        raise fail(
            func,
            "runtime",
            "seconds or a duration string such as '1h 30min'",
            describe(runtime),
            cls=ValueError,
        )
    if not math.isfinite(seconds) or seconds <= 0:
        raise fail(
            func, "runtime", "a positive, finite duration", describe(runtime), cls=ValueError
        )
    return seconds


def _parse_text(text: str, func: str) -> float:
    s = text.strip().lower()
    bad = fail(
        func,
        "runtime",
        "a duration such as '90s', '1h 30min', '2d 4h' or '1:30'",
        describe(text),
        cls=ValueError,
    )
    if not s:
        raise bad
    if ":" in s:
        parts = s.split(":")
        if len(parts) > 3 or not all(p.strip().replace(".", "", 1).isdigit() for p in parts):
            raise bad
        total = 0.0
        for p in parts:
            total = total * 60 + float(p)
        return total
    tokens = s.replace(",", " ").split()
    total, pending = 0.0, None
    for tok in tokens:
        if tok in _UNITS:
            if pending is None:
                raise bad
            total += pending * _UNITS[tok]
            pending = None
            continue
        m = _PART.match(tok)
        if m is None:
            raise bad
        if pending is not None:
            total += pending
        num, unit = float(m.group(1)), m.group(2)
        if unit:
            if unit not in _UNITS:
                raise bad
            total += num * _UNITS[unit]
            pending = None
        else:
            pending = num
    if pending is not None:
        total += pending
    return total
