"""The parameter base class and deterministic expressions.

A :class:`Parameter` knows how to draw a *raw* value (what a flat assignment stores: a
float, an int, a choice index, an array), how to move it by a temperature, how to encode
it into the unit cube and back, and how to turn it into the value the objective sees.
"""

from __future__ import annotations

import abc
import operator
from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar

import numpy as np

Raw = Any
"""A raw value as stored in a flat assignment (JSON-friendly scalar or NumPy array)."""


def reflect_unit(x: np.ndarray) -> np.ndarray:
    """Fold any real numbers into [0, 1] by reflection at the bounds (no mass piles on an edge)."""
    x = np.abs(x) % 2.0
    return np.where(x > 1.0, 2.0 - x, x)


class Arithmetic:
    """Arithmetic on parameters and expressions builds deterministic expressions, as
    Hyperopt's pyll nodes do (``hh.float(0, 1) * 10`` is an :class:`Expr`)."""

    def __add__(self, other: Any) -> Expr:
        return Expr(_op_add, self, other)

    def __radd__(self, other: Any) -> Expr:
        return Expr(_op_add, other, self)

    def __sub__(self, other: Any) -> Expr:
        return Expr(_op_sub, self, other)

    def __rsub__(self, other: Any) -> Expr:
        return Expr(_op_sub, other, self)

    def __mul__(self, other: Any) -> Expr:
        return Expr(_op_mul, self, other)

    def __rmul__(self, other: Any) -> Expr:
        return Expr(_op_mul, other, self)

    def __truediv__(self, other: Any) -> Expr:
        return Expr(_op_div, self, other)

    def __rtruediv__(self, other: Any) -> Expr:
        return Expr(_op_div, other, self)

    def __pow__(self, other: Any) -> Expr:
        return Expr(_op_pow, self, other)

    def __rpow__(self, other: Any) -> Expr:
        return Expr(_op_pow, other, self)

    def __floordiv__(self, other: Any) -> Expr:
        return Expr(operator.floordiv, self, other)

    def __rfloordiv__(self, other: Any) -> Expr:
        return Expr(operator.floordiv, other, self)

    def __mod__(self, other: Any) -> Expr:
        return Expr(operator.mod, self, other)

    def __rmod__(self, other: Any) -> Expr:
        return Expr(operator.mod, other, self)

    def __neg__(self) -> Expr:
        return Expr(_op_neg, self)

    def __abs__(self) -> Expr:
        return Expr(abs, self)

    def __getitem__(self, key: Any) -> Expr:
        """Indexing builds an expression too (``hh.choice((1, 2), (3, 4))[0]``)."""
        return Expr(operator.getitem, self, key)

    def __iter__(self) -> Iterator[Any]:
        # Without this, ``__getitem__`` would make ``list(p)`` loop for ever.
        raise TypeError(
            f"{type(self).__name__} is not iterable; index it (p[0]) to build an expression."
        )


class Parameter(Arithmetic, abc.ABC):
    """One searchable quantity.

    Subclass it for a custom type: implement :meth:`sample` and :meth:`mutate` (and
    optionally :meth:`contains`); such a parameter works in random and local search.

    Example:
        >>> import hyperhop as hh
        >>> class Odd(hh.Parameter):
        ...     def sample(self, rng):
        ...         return int(rng.integers(0, 50)) * 2 + 1
        ...     def mutate(self, value, temperature, rng):
        ...         return max(1, value + 2 * int(rng.choice([-1, 1])))
        >>> hh.sample({"n": Odd()}, seed=0)["n"] % 2
        1
    """

    kind: ClassVar[str] = "custom"
    """'float', 'int', 'categorical', 'ordinal' or 'custom' (no numeric encoding)."""

    label: str | None = None
    shape: tuple[int, ...] | None = None

    @abc.abstractmethod
    def sample(self, rng: np.random.Generator) -> Raw:
        """Draw a raw value from the prior."""

    @abc.abstractmethod
    def mutate(self, value: Raw, temperature: float, rng: np.random.Generator) -> Raw:
        """A nearby raw value: temperature 1 is a fresh sample, near 0 a tiny move."""

    def contains(self, value: Raw) -> bool:
        """Whether a raw value belongs to this parameter's domain."""
        return True

    def to_value(self, value: Raw) -> Any:
        """The value the objective sees for a raw value."""
        return value

    def from_value(self, value: Any) -> Raw:
        """The raw value for a value found in a config (inverse of :meth:`to_value`)."""
        return value

    def display_value(self, value: Raw) -> Any:
        """The value a person reads in ``trial.params``, tables and exports (by default the
        value the objective sees)."""
        return self.to_value(value)

    def display_values(self, values: list[Raw]) -> list[Any]:
        """:meth:`display_value` of each raw value (None stays None: an inactive parameter);
        a subclass whose raw values read as they are returns the list itself."""
        show = self.display_value
        return [None if v is None else show(v) for v in values]

    def default(self) -> Raw | None:
        """A central raw value (PyHopper's initial solution), or None when there is none."""
        return None

    @property
    def n_columns(self) -> int:
        """How many columns the numeric encoding uses (0: not encodable)."""
        return 0

    def encode(self, value: Raw) -> np.ndarray:
        """Raw value -> ``n_columns`` numbers in [0, 1]."""
        raise NotImplementedError(f"{type(self).__name__} has no numeric encoding")

    def decode(self, x: np.ndarray) -> Raw:
        """``n_columns`` numbers in [0, 1] -> raw value."""
        raise NotImplementedError(f"{type(self).__name__} has no numeric encoding")

    def definition(self) -> dict[str, Any]:
        """A JSON description: equal definitions mean the same parameter."""
        cls = type(self)
        return {"type": "custom", "class": f"{cls.__module__}.{cls.__qualname__}"}

    def __repr__(self) -> str:
        d = self.definition()
        args = ", ".join(f"{k}={v!r}" for k, v in d.items() if k != "type" and v is not None)
        return f"{d.get('type', type(self).__name__)}({args})"


def _op_add(a: Any, b: Any) -> Any:
    return a + b


def _op_sub(a: Any, b: Any) -> Any:
    return a - b


def _op_mul(a: Any, b: Any) -> Any:
    return a * b


def _op_div(a: Any, b: Any) -> Any:
    return a / b


def _op_pow(a: Any, b: Any) -> Any:
    return a**b


def _op_neg(a: Any) -> Any:
    return -a


class Expr(Arithmetic):
    """A deterministic function of parameters, evaluated when the config is built.

    Example:
        >>> import hyperhop as hh
        >>> space = {"lr": hh.expr(lambda e: 10.0 ** e, hh.int(-5, -1))}
        >>> 1e-5 <= hh.sample(space, seed=1)["lr"] <= 0.1
        True
    """

    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        if not callable(fn):
            from hyperhop._validation import describe, fail

            raise fail("hh.expr()", "fn", "callable", describe(fn))
        self.fn = fn
        self.args = args
        self.kwargs = kwargs

    def __repr__(self) -> str:
        return f"expr({getattr(self.fn, '__qualname__', repr(self.fn))}, ...)"


class Const:
    """A value passed to the objective unchanged, whatever it is (a class, a model object).

    Example:
        >>> import hyperhop as hh
        >>> hh.sample({"cls": hh.const(dict), "n": 3}, seed=0)["cls"] is dict
        True
    """

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"const({self.value!r})"


def callable_name(obj: Any) -> str:
    """A stable name for functions and classes (no memory address), else a repr."""
    qual = getattr(obj, "__qualname__", None)
    if qual is not None:
        return f"{getattr(obj, '__module__', '?')}.{qual}"
    return repr(obj)


def init_params(obj: Any) -> dict[str, Any] | None:
    """The constructor arguments of an object with scikit-learn's ``get_params`` (an
    estimator), else None."""
    get = getattr(obj, "get_params", None)
    if isinstance(obj, type) or not callable(get):
        return None
    try:
        params = get(deep=False)
    except Exception:  # noqa: BLE001 - not the estimator API after all
        return None
    return dict(params) if isinstance(params, Mapping) else None


def same_constant(a: Any, b: Any) -> bool:
    """Whether two constants are one value: identical, equal, or two estimators of one
    class with the same parameters (``get_params``; estimators compare by identity)."""
    if a is b:
        return True
    pa, pb = init_params(a), init_params(b)
    if pa is not None or pb is not None:
        return (
            type(a) is type(b)
            and pa is not None
            and pb is not None
            and pa.keys() == pb.keys()
            and all(same_constant(pa[k], pb[k]) for k in pa)
        )
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False
