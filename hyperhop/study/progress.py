"""Progress while a study runs: trials done, best so far, time left.

Three ways to show it, chosen from where the output goes:

- a terminal: one line, redrawn in place at most ten times a second and cut to the
  terminal's width (read at every redraw, so a resized window is followed);
- a Jupyter notebook: the same line, redrawn in place with a carriage return (which notebooks
  honour) at most twice a second, without terminal escape codes;
- anything else (a batch log, a pipe): a plain line every ``every`` seconds (30 by default),
  and a last one at the end when any was written, so short runs stay quiet.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from typing import TextIO


def _clock(seconds: float) -> str:
    seconds = max(int(seconds), 0)
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def in_notebook(stream: TextIO) -> bool:
    """Whether ``stream`` is a Jupyter kernel's output stream."""
    return type(stream).__module__.split(".")[0] == "ipykernel"


def _isatty(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return callable(isatty) and bool(isatty())
    except ValueError:  # a closed stream
        return False


class ProgressBar:
    """Shows a study's progress on ``stream`` (standard error by default), as a terminal
    line, a notebook line or periodic plain lines (see the module's docstring)."""

    NOTEBOOK_WIDTH = 100

    def __init__(
        self,
        enabled: bool,
        total: int | None,
        runtime: float | None,
        stream: TextIO | None = None,
        *,
        every: float = 30.0,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.mode = "off"
        if enabled:
            if in_notebook(self.stream):
                self.mode = "notebook"
            elif _isatty(self.stream):
                self.mode = "terminal"
            else:
                self.mode = "plain"
        self.enabled = self.mode != "off"
        self.total = total
        self.runtime = runtime
        self.every = every
        self.start = time.monotonic()
        self._last = self.start if self.mode == "plain" else 0.0
        self._shown = False
        self._drawn = 0
        self._state: tuple[int, float | None, int] = (0, None, 0)

    def width(self) -> int:
        """The columns a line may take (one less than the terminal's: the last column would
        wrap on some terminals)."""
        if self.mode == "notebook":
            return self.NOTEBOOK_WIDTH
        try:
            columns = os.get_terminal_size(self.stream.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = shutil.get_terminal_size((80, 24)).columns
        return max(columns - 1, 10)

    def line(self, done: int, best: float | None, failed: int = 0, width: int = 0) -> str:
        """The progress as one line; ``width`` > 0: the most that fits in that many columns
        (a shorter bar first, then fewer words, then cut)."""
        elapsed = time.monotonic() - self.start
        frac = None
        if self.total:
            frac = min(done / self.total, 1.0)
        if self.runtime:
            frac = max(frac or 0.0, min(elapsed / self.runtime, 1.0))
        count = f"{done}/{self.total}" if self.total else f"{done} trials"
        extra = [f"{failed} failed"] if failed else []
        best_text = "best " + ("-" if best is None else f"{best:.6g}")
        left = None
        if self.runtime:
            left = self.runtime - elapsed
        if self.total and done:
            eta = elapsed / done * (self.total - done)
            left = eta if left is None else min(left, eta)
        long_time = f"{_clock(elapsed)} elapsed" + (
            f", {_clock(left)} left" if left is not None else ""
        )
        short_time = f"{_clock(left)} left" if left is not None else _clock(elapsed)

        def bar(n: int) -> list[str]:
            if frac is None:
                return []
            if n == 0:
                return [f"{frac * 100:3.0f}%"]
            fill = int(frac * n)
            return ["[" + "#" * fill + "." * (n - fill) + f"] {frac * 100:3.0f}%"]

        candidates = [[*bar(n), count, *extra, best_text, long_time] for n in (24, 16, 10)]
        candidates += [
            [*bar(0), count, *extra, best_text, short_time],
            [count, *extra, best_text],
        ]
        for parts in candidates:
            text = " | ".join(parts)
            if width <= 0 or len(text) <= width:
                return text
        return text[: max(width - 1, 0)] + "…"

    def update(self, done: int, best: float | None, failed: int = 0, force: bool = False) -> None:
        if not self.enabled:
            return
        self._state = (done, best, failed)
        if force and self.mode == "plain":
            return  # the last line, if any, comes from close()
        now = time.monotonic()
        interval = {"terminal": 0.1, "notebook": 0.5}.get(self.mode, self.every)
        if not force and now - self._last < interval:
            return
        self._last = now
        self._draw()

    def _draw(self) -> None:
        text = self.line(*self._state, width=0 if self.mode == "plain" else self.width())
        if self.mode == "terminal":
            self.stream.write("\r" + text + "\x1b[K")
        elif self.mode == "notebook":  # no escape codes: pad over a longer previous line
            self.stream.write("\r" + text.ljust(self._drawn))
            self._drawn = len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if not (self.enabled and self._shown):
            return
        if self.mode == "plain":
            self._draw()  # the final state
            return
        self.stream.write("\n")
        self.stream.flush()
