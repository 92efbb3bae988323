"""PyHopper's parameter constructors, as hyperhop parameters with PyHopper's extras.

``int``, ``float``, ``choice``, ``bool`` and ``custom`` return hyperhop parameters (so every
sampler and storage takes them) that also carry PyHopper's ``init``, ``seeding_fn`` and
``mutation_fn``. Bounds follow PyHopper's rules: one bound is the upper bound above 0,
swapped bounds are reordered, no bounds is unbounded (a float drawn from N(0, 1), an int
in the int32 range), and NumPy arrays give one bound per entry.
"""

from __future__ import annotations

import builtins
import copy
from collections.abc import Callable
from typing import Any

import numpy as np

import hyperhop as hh
from hyperhop.space.categorical import Choice
from hyperhop.space.custom import _arity
from hyperhop.space.numeric import Float, Int

_INT32 = (-(2**31), 2**31 - 1)


class Parameter:
    """PyHopper's base for your own parameter types: set ``initial_value`` and implement
    ``sample()`` and ``mutate(value, temperature)``.

    Example:
        >>> from hyperhop import pyhopper
        >>> class Odd(pyhopper.Parameter):
        ...     initial_value = 1
        ...     def sample(self):
        ...         return 3
        ...     def mutate(self, value, temperature):
        ...         return value + 2
        >>> pyhopper.Search(n=Odd()).best["n"]
        1
    """

    initial_value: Any = None


def as_custom(param: Parameter) -> hh.Parameter:
    """A hyperhop parameter for an instance of a :class:`Parameter` subclass of your own."""
    init = getattr(param, "initial_value", None)
    sample = getattr(param, "sample", None)
    mutate = getattr(param, "mutate", None)
    if not callable(sample) or not callable(mutate):
        raise TypeError(
            f"{type(param).__name__} subclasses pyhopper.Parameter: implement sample() and "
            "mutate(value, temperature)."
        )
    return hh.custom(sample=sample, mutate=mutate, init=init)


def _call(fn: Callable[..., Any], value: Any, temperature: builtins.float) -> Any:
    return fn(value, temperature) if _arity(fn) >= 2 else fn(value)


class _Hooks:
    """PyHopper's ``init``, ``seeding_fn`` and ``mutation_fn`` over a hyperhop parameter
    (listed first among the bases, so that these methods come before the parameter's)."""

    _init_raw: Any = None
    _seeding_fn: Callable[[], Any] | None = None
    _mutation_fn: Callable[..., Any] | None = None
    _raw_is_value = False

    def _hook(self, init: Any, seeding_fn: Any, mutation_fn: Any, func: str) -> None:
        for name, fn in (("seeding_fn", seeding_fn), ("mutation_fn", mutation_fn)):
            if fn is not None and not callable(fn):
                raise ValueError(
                    f"The '{name}' parameter of {func} must be callable. Got {fn!r} instead."
                )
        self._seeding_fn = seeding_fn
        self._mutation_fn = mutation_fn
        if init is not None:
            self._init_raw = init if self._raw_is_value else self.from_value(init)  # type: ignore[attr-defined]

    @property
    def initial_value(self) -> Any:
        """The value the search starts from (PyHopper's ``init``)."""
        return self.to_value(self.default())  # type: ignore[attr-defined]

    def default(self) -> Any:
        if self._init_raw is not None:
            return copy.deepcopy(self._init_raw)
        return super().default()  # type: ignore[misc]

    def _user_value(self, raw: Any) -> Any:
        return raw if self._raw_is_value else self.to_value(raw)  # type: ignore[attr-defined]

    def _from_user(self, value: Any) -> Any:
        return value if self._raw_is_value else self.from_value(value)  # type: ignore[attr-defined]

    def sample(self, rng: np.random.Generator) -> Any:
        if self._seeding_fn is not None:
            return self._from_user(self._seeding_fn())
        return super().sample(rng)  # type: ignore[misc]

    def mutate(self, value: Any, temperature: builtins.float, rng: np.random.Generator) -> Any:
        if self._mutation_fn is not None:
            return self._from_user(_call(self._mutation_fn, self._user_value(value), temperature))
        return super().mutate(value, temperature, rng)  # type: ignore[misc]

    def local_step(self, value: Any, temperature: builtins.float, rng: np.random.Generator) -> Any:
        if self._mutation_fn is not None:
            return self.mutate(value, temperature, rng)
        return super().local_step(value, temperature, rng)  # type: ignore[misc]

    def contains(self, value: Any) -> builtins.bool:
        if self._seeding_fn is not None or self._mutation_fn is not None:
            return True  # your functions decide the domain
        if isinstance(self, Choice):
            return builtins.bool(super().contains(value))  # type: ignore[misc]
        # PyHopper evaluates init and your guesses as given, even outside the bounds
        return _is_number(value) or builtins.bool(super().contains(value))  # type: ignore[misc]


def _is_number(value: Any) -> builtins.bool:
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "iuf" and builtins.bool(np.all(np.isfinite(value)))
    return (
        isinstance(value, (builtins.int, builtins.float, np.integer, np.floating))
        and not isinstance(value, builtins.bool)
        and np.isfinite(value)
    )


class FloatParameter(_Hooks, Float, Parameter):
    """``pyhopper.float`` with bounds."""


class IntParameter(_Hooks, Int, Parameter):
    """``pyhopper.int`` with bounds."""


class ChoiceParameter(_Hooks, Choice, Parameter):
    """``pyhopper.choice``: ``seeding_fn`` returns an option's index and ``mutation_fn``
    receives and returns one, as in PyHopper."""

    _raw_is_value = True


class UnboundedFloat(_Hooks, hh.Parameter, Parameter):
    """``pyhopper.float()`` without bounds: drawn from N(0, 1), moved by N(0, temperature)."""

    kind = "custom"
    _raw_is_value = True

    def __init__(self, shape: tuple[builtins.int, ...] | None) -> None:
        self.shape = shape

    def _super_sample(self, rng: np.random.Generator) -> Any:
        if self.shape is None:
            return builtins.float(rng.normal())
        return rng.normal(size=self.shape).astype(np.float32)

    def sample(self, rng: np.random.Generator) -> Any:
        if self._seeding_fn is not None:
            return self._seeding_fn()
        return self._super_sample(rng)

    def mutate(self, value: Any, temperature: builtins.float, rng: np.random.Generator) -> Any:
        if self._mutation_fn is not None:
            return _call(self._mutation_fn, value, temperature)
        step = rng.normal(0.0, temperature + 1e-8, size=self.shape)
        return (
            builtins.float(value + step)
            if self.shape is None
            else (value + step).astype(np.float32)
        )

    def local_step(self, value: Any, temperature: builtins.float, rng: np.random.Generator) -> Any:
        return self.mutate(value, temperature, rng)

    def default(self) -> Any:
        if self._init_raw is not None:
            return copy.deepcopy(self._init_raw)
        return 0.0 if self.shape is None else np.zeros(self.shape, dtype=np.float32)

    def contains(self, value: Any) -> builtins.bool:
        return True

    def definition(self) -> dict[str, Any]:
        return {"type": "custom", "class": "pyhopper.float", "shape": self.shape}


class ArrayBounds(_Hooks, hh.Parameter, Parameter):
    """A float or int array with one bound per entry (PyHopper's array bounds)."""

    kind = "custom"
    _raw_is_value = True

    def __init__(self, low: np.ndarray, high: np.ndarray, integer: builtins.bool) -> None:
        self.low, self.high, self.integer = low, high, integer
        self.shape = tuple(low.shape)

    def _clip(self, v: np.ndarray) -> np.ndarray:
        v = np.clip(v, self.low, self.high)
        return np.round(v).astype(np.int64) if self.integer else v

    def sample(self, rng: np.random.Generator) -> Any:
        if self._seeding_fn is not None:
            return self._seeding_fn()
        if self.integer:
            return rng.integers(self.low, self.high, endpoint=True).astype(np.int64)
        return rng.uniform(self.low, self.high)

    def mutate(self, value: Any, temperature: builtins.float, rng: np.random.Generator) -> Any:
        if self._mutation_fn is not None:
            return _call(self._mutation_fn, value, temperature)
        spread = (self.high - self.low) / 2
        return self._clip(value + temperature * rng.uniform(-spread, spread))

    def local_step(self, value: Any, temperature: builtins.float, rng: np.random.Generator) -> Any:
        return self.mutate(value, temperature, rng)

    def default(self) -> Any:
        if self._init_raw is not None:
            return copy.deepcopy(self._init_raw)
        return self._clip((self.low + self.high) / 2)

    def contains(self, value: Any) -> builtins.bool:
        return True

    def definition(self) -> dict[str, Any]:
        return {
            "type": "custom",
            "class": "pyhopper.int" if self.integer else "pyhopper.float",
            "low": self.low.tolist(),
            "high": self.high.tolist(),
        }


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
