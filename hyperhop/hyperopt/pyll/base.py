"""Hyperopt's expression graph (pyll) on hyperhop's expressions.

A pyll node is a hyperhop :class:`~hyperhop.Parameter` (an ``hp.*`` call) or a
:class:`~hyperhop.Expr` (``scope.f(...)``, arithmetic, indexing). ``scope.f(*args)``
builds an expression that calls ``f`` when the config is built; ``@scope.define``
registers your own function. Stochastic functions (``scope.normal(0, 1)``) outside an
``hp.*`` label are noise: drawn anew each time a config is built, never optimized.

Example:
    >>> from hyperhop.hyperopt import hp
    >>> from hyperhop.hyperopt.pyll import scope
    >>> from hyperhop.hyperopt.pyll.stochastic import sample
    >>> @scope.define
    ... def double(x):
    ...     return 2 * x
    >>> space = scope.double(hp.uniform("x", 1, 2)) + 1
    >>> 3 <= sample(space) <= 5
    True
"""

from __future__ import annotations

import abc
import builtins
import contextvars
import math
import operator
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from hyperhop.space import Expr, Parameter, Space

__all__ = ["Apply", "Literal", "as_apply", "rec_eval", "scope"]

noise_rng: contextvars.ContextVar[np.random.Generator | None] = contextvars.ContextVar(
    "hyperhop_hyperopt_noise_rng", default=None
)
"""The generator that noise nodes without ``rng=`` draw from (set by ``sample`` and ``fmin``)."""

_fallback = np.random.default_rng()


def _rng(rng: Any) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    current = noise_rng.get()
    return current if current is not None else _fallback


class Apply(abc.ABC):  # noqa: B024 - a marker: every parameter and expression is a node
    """What ``isinstance(x, pyll.Apply)`` tests: an ``hp.*`` parameter or an expression."""


Apply.register(Parameter)  # type: ignore[type-abstract]
Apply.register(Expr)


def _identity(x: Any) -> Any:
    return x


def Literal(obj: Any = None) -> Expr:
    """A constant as a node, so that it can be indexed by a parameter (``Literal(xs)[i]``)."""
    return Expr(_identity, obj)


def as_apply(obj: Any) -> Any:
    """A node for ``obj``: nodes are returned as they are, anything else becomes a literal."""
    if isinstance(obj, (Parameter, Expr)):
        return obj
    return Literal(obj)


def rec_eval(expr: Any, memo: Mapping[Any, Any] | None = None) -> Any:
    """Evaluate a space: ``memo`` maps ``hp.*`` nodes (or their labels) to stored values;
    parameters not in it are drawn from their prior."""
    space = Space(expr)
    given = {}
    for key, value in (memo or {}).items():
        label = key if isinstance(key, str) else getattr(key, "label", None)
        if label is not None and label in space:
            given[label] = value
    return space.to_config(space.complete(given, _rng(None)))


# ----------------------------------------------------------------------------- functions
def _switch(index: Any, *options: Any) -> Any:
    return options[int(index)]


def _call_method(obj: Any, methodname: str, *args: Any, **kwargs: Any) -> Any:
    return getattr(obj, methodname)(*args, **kwargs)


def _uniform(low: float, high: float, rng: Any = None, size: Any = ()) -> Any:
    return _rng(rng).uniform(low, high, size=size or None)


def _loguniform(low: float, high: float, rng: Any = None, size: Any = ()) -> Any:
    return np.exp(_uniform(low, high, rng, size))


def _quniform(low: float, high: float, q: float, rng: Any = None, size: Any = ()) -> Any:
    return np.round(_uniform(low, high, rng, size) / q) * q


def _qloguniform(low: float, high: float, q: float, rng: Any = None, size: Any = ()) -> Any:
    return np.round(_loguniform(low, high, rng, size) / q) * q


def _normal(mu: float, sigma: float, rng: Any = None, size: Any = ()) -> Any:
    return _rng(rng).normal(mu, sigma, size=size or None)


def _qnormal(mu: float, sigma: float, q: float, rng: Any = None, size: Any = ()) -> Any:
    return np.round(_normal(mu, sigma, rng, size) / q) * q


def _lognormal(mu: float, sigma: float, rng: Any = None, size: Any = ()) -> Any:
    return np.exp(_normal(mu, sigma, rng, size))


def _qlognormal(mu: float, sigma: float, q: float, rng: Any = None, size: Any = ()) -> Any:
    return np.round(_lognormal(mu, sigma, rng, size) / q) * q


def _randint(low: int, high: int | None = None, rng: Any = None, size: Any = ()) -> Any:
    if high is None:
        low, high = 0, low
    return _rng(rng).integers(low, high, size=size or None)


def _one_of(*options: Any, rng: Any = None) -> Any:
    return options[int(_rng(rng).integers(len(options)))]


def _categorical(p: Any, upper: Any = None, rng: Any = None, size: Any = ()) -> Any:
    p = np.asarray(p, dtype=float)
    return _rng(rng).choice(len(p), p=p / p.sum(), size=size or None)


_BUILTIN: dict[str, Callable[..., Any]] = {
    "abs": builtins.abs,
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "div": operator.truediv,
    "truediv": operator.truediv,
    "floordiv": operator.floordiv,
    "mod": operator.mod,
    "neg": operator.neg,
    "pow": builtins.pow,
    "getitem": operator.getitem,
    "getattr": builtins.getattr,
    "identity": _identity,
    "int": builtins.int,
    "float": builtins.float,
    "bool": builtins.bool,
    "str": builtins.str,
    "len": builtins.len,
    "min": builtins.min,
    "max": builtins.max,
    "sum": builtins.sum,
    "round": builtins.round,
    "range": builtins.range,
    "list": lambda *args: list(args),
    "tuple": lambda *args: tuple(args),
    "pos_args": lambda *args: args,
    "dict": lambda *args, **kwargs: dict(*args, **kwargs),
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "arctan": np.arctan,
    "tanh": np.tanh,
    "minimum": np.minimum,
    "maximum": np.maximum,
    "asarray": np.asarray,
    "ceil": math.ceil,
    "floor": math.floor,
    "switch": _switch,
    "call_method": _call_method,
    "uniform": _uniform,
    "loguniform": _loguniform,
    "quniform": _quniform,
    "qloguniform": _qloguniform,
    "normal": _normal,
    "qnormal": _qnormal,
    "lognormal": _lognormal,
    "qlognormal": _qlognormal,
    "randint": _randint,
    "categorical": _categorical,
    "one_of": _one_of,
}


class SymbolTable:
    """``scope``: ``scope.f(*args)`` is an expression calling ``f`` when the config is built."""

    def __init__(self) -> None:
        self._impls: dict[str, Callable[..., Any]] = dict(_BUILTIN)

    def define(self, f: Callable[..., Any]) -> Callable[..., Any]:
        """Register ``f`` so that ``scope.<name>(...)`` builds an expression; returns ``f``."""
        if not callable(f):
            raise TypeError(f"scope.define() takes a function, got {f!r}")
        self._impls[f.__name__] = f
        return f

    define_pure = define

    def define_info(self, o_len: Any = None, pure: bool = False) -> Callable[..., Any]:
        """``@scope.define_info(o_len=2)``: the same as ``@scope.define``."""
        return self.define

    def undefine(self, f: Callable[..., Any] | str) -> None:
        """Forget a function registered with :meth:`define`."""
        self._impls.pop(f if isinstance(f, str) else f.__name__, None)

    def implicit_stochastic(self, f: Callable[..., Any]) -> Callable[..., Any]:
        """Register a stochastic function (noise when used outside an ``hp.*`` label)."""
        return self.define(f)

    def __getattr__(self, name: str) -> Callable[..., Expr]:
        if name.startswith("__"):
            raise AttributeError(name)
        impl = self._impls.get(name)
        if impl is None:
            raise AttributeError(
                f"scope has no function {name!r}; register one with @scope.define "
                "(the built-in ones are " + ", ".join(sorted(self._impls)) + ")"
            )

        def node(*args: Any, **kwargs: Any) -> Expr:
            return Expr(impl, *args, **kwargs)

        node.__name__ = name
        return node


scope = SymbolTable()
