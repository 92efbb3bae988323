"""PyHopper's parameter constructors, as hyperhop parameters with PyHopper's extras.

``int``, ``float``, ``choice``, ``bool`` and ``custom`` return hyperhop parameters (so every
sampler and storage takes them) that also carry PyHopper's ``init``, ``seeding_fn`` and
``mutation_fn``. Bounds follow PyHopper's rules: one bound is the upper bound above 0,
swapped bounds are reordered, no bounds is unbounded (a float drawn from N(0, 1), an int
in the int32 range), and NumPy arrays give one bound per entry.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any

import numpy as np

import hyperhop as hh
from hyperhop.pyhopper.types import (
    ArrayBounds,
    ChoiceParameter,
    FloatParameter,
    IntParameter,
    UnboundedFloat,
)
from hyperhop.space.categorical import Choice
from hyperhop.space.numeric import Float, Int

_INT32 = (-(2**31), 2**31 - 1)


def _bounds(lb: Any, ub: Any, func: str) -> tuple[Any, Any]:
    """PyHopper's rules: one bound is the upper one above 0; swapped bounds are reordered."""
    if lb is None and ub is None:
        return None, None
    if ub is None or lb is None:
        single = lb if ub is None else ub
        if np.any(np.asarray(single) <= 0):
            raise ValueError(
                f"{func} with one bound takes it as the upper bound above 0 (the lower is 0). "
                f"Got {single!r}; pass both bounds, e.g. {func[:-2]}({single}, 0)."
            )
        lb, ub = 0, single
    if np.ndim(lb) or np.ndim(ub):
        lo, hi = np.broadcast_arrays(np.asarray(lb), np.asarray(ub))
        return np.minimum(lo, hi), np.maximum(lo, hi)
    return min(lb, ub), max(lb, ub)


def _shape(shape: Any, init: Any, *bounds: Any) -> tuple[builtins.int, ...] | None:
    if shape is not None:
        if isinstance(shape, (builtins.int, np.integer)):
            return (builtins.int(shape),)
        return tuple(builtins.int(s) for s in shape)
    for v in (init, *bounds):
        if isinstance(v, np.ndarray) and v.ndim:
            return tuple(v.shape)
    return None


def float(
    lb: Any = None,
    ub: Any = None,
    fmt: str | None = None,
    init: Any = None,
    log: builtins.bool | None = None,
    precision: builtins.int | None = None,
    shape: Any = None,
    mutation_fn: Callable[..., Any] | None = None,
    seeding_fn: Callable[[], Any] | None = None,
) -> hh.Parameter:
    """A float parameter (PyHopper's ``pyhopper.float``).

    Example:
        >>> from hyperhop import pyhopper
        >>> round(pyhopper.float(1e-4, 1, log=True).initial_value, 12)
        0.01
        >>> pyhopper.float(1e-5, 1e-2, "0.1g").log
        True
    """
    func = "pyhopper.float()"
    if fmt is not None:
        if log is not None or precision is not None:
            raise ValueError(
                f"{func}: pass fmt alone (it sets log and precision), not with log or precision."
            )
        log_, precision = hh.space.parse_format(str(fmt).lstrip(":"), func)
        log = log_
    lo, hi = _bounds(lb, ub, func)
    shp = _shape(shape, init, lo, hi)
    if precision is not None and shp is not None:
        raise NotImplementedError("pyhopper.float(): precision is not supported with shape.")
    if lo is None:
        if log:
            raise ValueError(
                f"{func} with log=True needs both bounds, e.g. pyhopper.float(1e-5, 1e-1, log=True)."
            )
        p: Any = UnboundedFloat(shp)
    elif isinstance(lo, np.ndarray):
        p = ArrayBounds(lo.astype(builtins.float), hi.astype(builtins.float), integer=False)
    else:
        p = FloatParameter.__new__(FloatParameter)
        Float.__init__(p, lo, hi, log=builtins.bool(log), precision=precision, shape=shp, func=func)
    if init is not None and shp is not None:
        init = np.broadcast_to(np.asarray(init, dtype=np.float32), shp).copy()
    p._hook(init, seeding_fn, mutation_fn, func)
    return p


def int(
    lb: Any = None,
    ub: Any = None,
    init: Any = None,
    multiple_of: builtins.int | None = None,
    power_of: builtins.int | None = None,
    shape: Any = None,
    seeding_fn: Callable[[], Any] | None = None,
    mutation_fn: Callable[..., Any] | None = None,
) -> hh.Parameter:
    """An integer parameter in ``[lb, ub]`` (PyHopper's ``pyhopper.int``).

    Example:
        >>> from hyperhop import pyhopper
        >>> pyhopper.int(8, 64, power_of=2).initial_value
        16
    """
    func = "pyhopper.int()"
    if power_of is not None and power_of not in (1, 2):
        raise ValueError(f"{func}: power_of must be 1 or 2. Got {power_of!r}.")
    lo, hi = _bounds(lb, ub, func)
    shp = _shape(shape, init, lo, hi)
    if lo is None:
        lo, hi = _INT32
    if isinstance(lo, np.ndarray):
        p: Any = ArrayBounds(lo.astype(np.int64), hi.astype(np.int64), integer=True)
    else:
        p = IntParameter.__new__(IntParameter)
        Int.__init__(
            p,
            builtins.int(lo),
            builtins.int(hi),
            multiple_of=multiple_of,
            power_of=2 if power_of == 2 else None,
            shape=shp,
            func=func,
        )
    if init is not None and shp is not None:
        init = np.broadcast_to(np.asarray(init, dtype=np.int64), shp).copy()
    p._hook(init, seeding_fn, mutation_fn, func)
    return p


def choice(
    *options: Any,
    init_index: builtins.int | None = None,
    is_ordinal: builtins.bool = False,
    mutation_fn: Callable[..., Any] | None = None,
    seeding_fn: Callable[[], Any] | None = None,
) -> hh.Parameter:
    """One of the options (PyHopper's ``pyhopper.choice``); a single list is unpacked.

    Example:
        >>> from hyperhop import pyhopper
        >>> pyhopper.choice([1, 2, 3], is_ordinal=True).initial_value
        2
    """
    if len(options) == 1 and isinstance(options[0], list):
        options = tuple(options[0])
    if not options:
        raise ValueError("pyhopper.choice() needs at least one option.")
    p = ChoiceParameter.__new__(ChoiceParameter)
    Choice.__init__(p, tuple(options), ordinal=is_ordinal, func="pyhopper.choice()")
    p._hook(init_index, seeding_fn, mutation_fn, "pyhopper.choice()")
    return p


def bool(
    init: builtins.bool | None = None,
    mutation_fn: Callable[..., Any] | None = None,
    seeding_fn: Callable[[], Any] | None = None,
) -> hh.Parameter:
    """True or False, starting at ``init`` (PyHopper's ``bool(True)`` started at False).

    Example:
        >>> from hyperhop import pyhopper
        >>> pyhopper.bool(False).initial_value
        False
    """
    return choice(
        True,
        False,
        init_index=None if init is None else (0 if init else 1),
        mutation_fn=mutation_fn,
        seeding_fn=seeding_fn,
    )


def custom(
    seeding_fn: Callable[[], Any] | None = None,
    mutation_fn: Callable[..., Any] | None = None,
    init: Any = None,
) -> hh.Parameter:
    """A parameter of your own functions (PyHopper's ``pyhopper.custom``); needs ``init``
    or ``seeding_fn``.

    Example:
        >>> from hyperhop import pyhopper
        >>> pyhopper.custom(init=[1, 2]).default()
        [1, 2]
    """
    if seeding_fn is None and init is None:
        raise ValueError("pyhopper.custom() needs init=... or seeding_fn=....")
    return hh.custom(sample=seeding_fn, mutate=mutation_fn, init=init)


register_int = int
register_float = float
register_choice = choice
register_bool = bool
register_custom = custom
"""PyHopper's longer names of the constructors."""
