"""Argument checks with one message template, so every error reads the same way.

"The 'low' parameter of hh.float() must be < high. Got low=5, high=1 instead."
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from hyperhop.exceptions import InvalidSpaceError


def describe(value: Any) -> str:
    """A short, safe repr for error messages (long values are cut)."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def fail(
    func: str,
    name: str,
    rule: str,
    got: str,
    *,
    label: str | None = None,
    fix: str | None = None,
    cls: type[Exception] = InvalidSpaceError,
) -> Exception:
    """Build (not raise) the error: the caller writes ``raise fail(...)`` so tracebacks stay short."""
    where = f" (parameter '{label}')" if label else ""
    msg = f"The '{name}' parameter of {func}{where} must be {rule}. Got {got} instead."
    if fix:
        msg += f" {fix}"
    return cls(msg)


def is_real(value: Any) -> bool:
    """True for ints and floats (numpy's too), False for bool and everything else."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def real(value: Any, func: str, name: str, *, label: str | None = None) -> float:
    """Coerce a finite real number, or raise naming the argument."""
    if not is_real(value):
        raise fail(func, name, "a real number", describe(value), label=label)
    out = float(value)
    if not math.isfinite(out):
        raise fail(func, name, "finite", describe(value), label=label)
    return out


def integer(value: Any, func: str, name: str, *, label: str | None = None) -> int:
    """Coerce an integral number (3 or 3.0), or raise naming the argument."""
    out = real(value, func, name, label=label)
    if out != int(out):
        raise fail(
            func,
            name,
            "an integer",
            describe(value),
            label=label,
            fix="Use hh.float() for a continuous range.",
        )
    return int(out)


def positive(value: Any, func: str, name: str, *, label: str | None = None) -> float:
    out = real(value, func, name, label=label)
    if out <= 0:
        raise fail(func, name, "> 0", describe(value), label=label)
    return out


MAX_LABEL_LENGTH = 256


def check_label(label: Any, func: str = "hh.Space()") -> str:
    """A label is a non-empty string of at most 256 characters without NUL."""
    if not isinstance(label, str):
        raise fail(func, "label", "a string", describe(label))
    if not label:
        raise fail(func, "label", "a non-empty string", "''")
    if len(label) > MAX_LABEL_LENGTH:
        raise fail(
            func,
            "label",
            f"at most {MAX_LABEL_LENGTH} characters long",
            f"{len(label)} characters ({describe(label)})",
        )
    if "\x00" in label:
        raise fail(func, "label", "free of NUL characters", describe(label))
    return label
