"""A one-line progress bar on the terminal: trials done, best so far, time left."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def _clock(seconds: float) -> str:
    seconds = max(int(seconds), 0)
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


class ProgressBar:
    """Redraws at most ten times a second; silent unless enabled and on a terminal."""

    def __init__(
        self, enabled: bool, total: int | None, runtime: float | None, stream: TextIO | None = None
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(enabled) and callable(isatty) and bool(isatty())
        self.total = total
        self.runtime = runtime
        self.start = time.monotonic()
        self._last = 0.0
        self._shown = False

    def line(self, done: int, best: float | None, failed: int = 0) -> str:
        elapsed = time.monotonic() - self.start
        parts = []
        frac = None
        if self.total:
            frac = min(done / self.total, 1.0)
        if self.runtime:
            frac = max(frac or 0.0, min(elapsed / self.runtime, 1.0))
        if frac is not None:
            width = 24
            fill = int(frac * width)
            parts.append("[" + "#" * fill + "." * (width - fill) + f"] {frac * 100:3.0f}%")
        parts.append(f"{done}/{self.total}" if self.total else f"{done} trials")
        if failed:
            parts.append(f"{failed} failed")
        parts.append("best " + ("-" if best is None else f"{best:.6g}"))
        left = None
        if self.runtime:
            left = self.runtime - elapsed
        if self.total and done:
            eta = elapsed / done * (self.total - done)
            left = eta if left is None else min(left, eta)
        parts.append(
            f"{_clock(elapsed)} elapsed" + (f", {_clock(left)} left" if left is not None else "")
        )
        return " | ".join(parts)

    def update(self, done: int, best: float | None, failed: int = 0, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < 0.1:
            return
        self._last = now
        self.stream.write("\r" + self.line(done, best, failed) + "\x1b[K")
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self.enabled and self._shown:
            self.stream.write("\n")
            self.stream.flush()
