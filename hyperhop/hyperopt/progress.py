"""Progress reporting for ``fmin``: context managers ``callback(initial, total)`` that yield
an object with ``update(n)`` and a ``postfix`` attribute (Hyperopt's protocol).

``default_callback`` draws hyperhop's one-line bar on the terminal (nothing when the
output is not a terminal); ``tqdm_progress_callback`` uses tqdm when it is installed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from hyperhop.study.progress import ProgressBar

__all__ = ["default_callback", "no_progress_callback", "tqdm_progress_callback"]


class _Bar:
    def __init__(self, initial: int, total: int | None) -> None:
        self.n = initial
        self.postfix: Any = None
        self.best: float | None = None
        self._bar = ProgressBar(True, total if total and total < 2**62 else None, None)

    def update(self, n: int) -> None:
        self.n += n
        best = None
        if isinstance(self.postfix, str) and self.postfix.startswith("best loss: "):
            try:
                best = float(self.postfix[len("best loss: ") :])
            except ValueError:
                best = None
        self._bar.update(self.n, best, force=True)


@contextlib.contextmanager
def default_callback(initial: int, total: int | None) -> Iterator[Any]:
    """hyperhop's progress line: trials done, best loss, time left."""
    bar = _Bar(initial, total)
    try:
        yield bar
    finally:
        bar._bar.close()


@contextlib.contextmanager
def no_progress_callback(initial: int, total: int | None) -> Iterator[Any]:
    """Reports nothing."""

    class NoProgressContext:
        postfix: Any = None

        def update(self, n: int) -> None:
            pass

    yield NoProgressContext()


class _TqdmWriter:
    """A stream that prints through ``tqdm.write`` so that output does not break the bar."""

    def __init__(self, tqdm: Any, stream: Any) -> None:
        self._tqdm = tqdm
        self._stream = stream

    def write(self, text: str) -> None:
        if text.rstrip():
            self._tqdm.write(text.rstrip("\n"), file=self._stream)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return bool(getattr(self._stream, "isatty", lambda: False)())


@contextlib.contextmanager
def tqdm_progress_callback(initial: int, total: int | None) -> Iterator[Any]:
    """A tqdm bar with the best loss as postfix (``pip install tqdm``); while it runs,
    ``print`` goes through tqdm, and ``sys.stdout`` is restored afterwards."""
    import sys

    from hyperhop._lazy import require

    tqdm = require("tqdm", "hyperopt", "hyperopt.progress.tqdm_progress_callback").tqdm
    real_out, real_err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _TqdmWriter(tqdm, real_out), _TqdmWriter(tqdm, real_err)
    try:
        with tqdm(
            total=total,
            file=real_out,
            postfix={"best loss": "?"},
            dynamic_ncols=True,
            unit="trial",
            initial=initial,
        ) as pbar:
            yield pbar
    finally:
        sys.stdout, sys.stderr = real_out, real_err
