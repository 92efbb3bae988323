"""Optuna's logging switches, acting on hyperhop's logger (``"hyperhop"``)."""

from __future__ import annotations

import logging as _logging

CRITICAL = _logging.CRITICAL
FATAL = _logging.FATAL
ERROR = _logging.ERROR
WARNING = _logging.WARNING
WARN = _logging.WARN
INFO = _logging.INFO
DEBUG = _logging.DEBUG

_LOGGER = _logging.getLogger("hyperhop")


def set_verbosity(verbosity: int) -> None:
    """Show hyperhop's messages from this level on."""
    _LOGGER.setLevel(verbosity)


def get_verbosity() -> int:
    return _LOGGER.getEffectiveLevel()


def disable_default_handler() -> None:
    """Nothing to do: hyperhop adds no handler of its own."""


def enable_default_handler() -> None:
    """Nothing to do: hyperhop adds no handler of its own."""


def disable_propagation() -> None:
    _LOGGER.propagate = False


def enable_propagation() -> None:
    _LOGGER.propagate = True
