"""What hyperhop prints: warnings and errors on stderr by default, one call to change it.

hyperhop's loggers live under ``"hyperhop"``. Until the application configures
:mod:`logging` itself, records at the verbosity (``"warning"`` by default) are written to
the *current* ``sys.stderr`` (so they reach a notebook's output as well as a batch log).
Once the root logger has a handler (``logging.basicConfig(...)``, a framework's set-up),
hyperhop's own handler steps aside and the records go where the application sends them.
"""

from __future__ import annotations

import logging
import sys

__all__ = ["set_verbosity"]

_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
}
ROOT = "hyperhop"


class _StderrUntilConfigured(logging.Handler):
    """Writes to ``sys.stderr`` as it is at each record, while the root logger has no
    handler of its own."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter("[hyperhop] %(levelname)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        if logging.getLogger().handlers:
            return  # the application configured logging: the record propagates to it
        try:
            stream = sys.stderr
            if stream is None:  # pythonw, some services
                return
            isatty = getattr(stream, "isatty", None)
            clear = "\r\x1b[K" if callable(isatty) and isatty() else ""  # over a progress bar
            stream.write(clear + self.format(record) + "\n")
            stream.flush()
        except Exception:  # noqa: BLE001 - logging must never break the study
            self.handleError(record)


def install() -> None:
    """Give the ``"hyperhop"`` logger its default handler (once)."""
    logger = logging.getLogger(ROOT)
    if not any(isinstance(h, _StderrUntilConfigured) for h in logger.handlers):
        logger.addHandler(_StderrUntilConfigured())


def set_verbosity(level: str | int) -> None:
    """How much hyperhop says: ``"debug"``, ``"info"`` (one line per finished trial),
    ``"warning"`` (the default: failures, stale trials, resumed studies), ``"error"``,
    or a :mod:`logging` level.

    Example:
        >>> import logging
        >>> import hyperhop as hh
        >>> hh.set_verbosity("info")
        >>> logging.getLogger("hyperhop").level == logging.INFO
        True
        >>> hh.set_verbosity("warning")
    """
    if isinstance(level, str) and level.lower() in _LEVELS:
        value = _LEVELS[level.lower()]
    elif isinstance(level, int) and not isinstance(level, bool):
        value = level
    else:
        raise ValueError(
            f"The 'level' parameter of set_verbosity() must be one of {sorted(_LEVELS)} or a "
            f"logging level. Got {level!r} instead."
        )
    logging.getLogger(ROOT).setLevel(value)
