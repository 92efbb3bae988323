"""How the dashboard writes values for a browser: JSON-safe numbers, ISO times, parameters."""

from __future__ import annotations

import math
import time
from typing import Any

from hyperhop.trial import Trial


def jsonable(x: Any) -> Any:
    """``x`` with non-finite floats as the strings ``"inf"``, ``"-inf"``, ``"nan"`` (JSON has none)."""
    if isinstance(x, float):
        if math.isfinite(x):
            return x
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if x is None or isinstance(x, (str, int, bool)):
        return x
    return str(x)


def iso(ts: float | None) -> str | None:
    """A POSIX time as ISO 8601 in UTC, to the second (None stays None)."""
    if ts is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def params_of(trial: Trial) -> dict[str, Any]:
    """The parameters a person reads for ``trial``, flat by label (not to be modified)."""
    return trial.params
