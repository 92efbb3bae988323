"""Hypothesis strategies that build random, valid search-space templates.

Every generated parameter can take at least two values, keys are unique across the whole
template (so path labels never collide), and constant options are unique strings (so a
config never matches two options of a choice). Templates nest dicts, lists, choices whose
options hold further conditional parameters, and (optionally) expressions, parameters given
directly as options, and one parameter object used in several places.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

import hyperhop as hh


def _join(*parts: Any) -> list[Any]:
    """An expression function (module-level, so its name is stable)."""
    return list(parts)


def _scaled(x: Any, factor: float = 2.0) -> Any:
    return x * factor


@dataclass
class _Budget:
    """Per-example state: unique names and the pool of parameters to reuse."""

    allow_exprs: bool
    allow_direct: bool
    allow_reuse: bool
    names: int = 0
    pool: list[Any] = field(default_factory=list)

    def name(self, prefix: str = "k") -> str:
        self.names += 1
        return f"{prefix}{self.names}"


def reals(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


@st.composite
def leaves(draw: st.DrawFn, budget: _Budget | None = None) -> Any:
    """One parameter with random valid arguments."""
    kind = draw(
        st.sampled_from(
            [
                "float",
                "float_log",
                "float_q",
                "float_q_log",
                "float_precision",
                "float_fmt_f",
                "float_fmt_g",
                "float_array",
                "int",
                "int_log",
                "int_multiple",
                "int_power",
                "int_array",
                "choice",
                "randint",
                "uniform",
                "quniform",
                "loguniform",
                "qloguniform",
                "uniformint",
                "normal",
                "lognormal",
                "qnormal",
                "qlognormal",
            ]
        )
    )
    low = draw(reals(-1e3, 1e3))
    width = draw(reals(1e-3, 1e3))
    log_low = 10.0 ** draw(reals(-6, 3))
    log_ratio = 10.0 ** draw(reals(0.05, 4))
    if kind == "float":
        return hh.float(low, low + width)
    if kind == "float_log":
        return hh.float(log_low, log_low * log_ratio, log=True)
    if kind in ("float_q", "float_q_log"):
        q = draw(st.sampled_from([0.1, 0.25, 0.5, 1.0, 2.0, 5.0]))
        n = draw(st.integers(1, 40))
        if kind == "float_q":
            start = draw(st.integers(-100, 100)) * q
            return hh.float(start, start + n * q, q=q)
        start = draw(st.integers(1, 100)) * q
        return hh.float(start, start + n * q, q=q, log=True)
    if kind in ("float_precision", "float_fmt_f"):
        digits = draw(st.integers(0, 3))
        w = max(width, 3 * 10.0**-digits)
        if kind == "float_fmt_f":
            return hh.float(low, low + w, f"0.{digits}f")
        return hh.float(low, low + w, precision=digits)
    if kind == "float_fmt_g":
        digits = draw(st.integers(1, 3))
        return hh.float(log_low, log_low * max(log_ratio, 10.0), f"0.{digits}g")
    if kind == "float_array":
        shape = draw(st.sampled_from([1, 3, (2, 2)]))
        if draw(st.booleans()):
            return hh.float(log_low, log_low * log_ratio, log=True, shape=shape)
        return hh.float(low, low + width, shape=shape)
    if kind in ("int", "int_log", "int_array"):
        step = draw(st.integers(1, 5))
        n = draw(st.integers(1, 60))
        start = draw(st.integers(1, 1000)) if kind == "int_log" else draw(st.integers(-1000, 1000))
        shape = 3 if kind == "int_array" else None
        return hh.int(start, start + step * n, step=step, log=kind == "int_log", shape=shape)
    if kind == "int_multiple":
        m = draw(st.integers(2, 10))
        start = draw(st.integers(-50, 50))
        return hh.int(start, start + 2 * m + draw(st.integers(0, 100)), multiple_of=m)
    if kind == "int_power":
        p = draw(st.integers(2, 4))
        e0 = draw(st.integers(0, 6))
        e1 = e0 + draw(st.integers(1, 4))
        lo = draw(st.integers(max(p ** (e0 - 1) + 1, 1) if e0 else 0, p**e0))
        hi = draw(st.integers(p**e1, p ** (e1 + 1) - 1))
        return hh.int(lo, hi, power_of=p)
    if kind == "choice":
        n = draw(st.integers(2, 5))
        opts = [f"{budget.name('c') if budget else f'c{i}'}" for i in range(n)]
        probs = None
        if draw(st.booleans()):
            weights = draw(st.lists(reals(0.05, 1.0), min_size=n, max_size=n))
            probs = [x / sum(weights) for x in weights]
        return hh.choice(*opts, probs=probs, ordinal=draw(st.booleans()))
    if kind == "randint":
        start = draw(st.integers(-20, 20))
        return hh.randint(start, start + draw(st.integers(2, 30)))
    if kind == "uniform":
        return hh.uniform(low, low + width)
    if kind == "quniform":
        q = draw(st.sampled_from([0.1, 0.5, 1.0, 3.0]))
        return hh.quniform(low, low + max(width, 2 * q), q)
    if kind in ("loguniform", "qloguniform"):
        a = draw(reals(-10, 5))
        b = a + draw(reals(0.1, 5))
        if kind == "loguniform":
            return hh.loguniform(a, b)
        q = (math.exp(b) - math.exp(a)) / draw(st.integers(2, 20))
        return hh.qloguniform(a, b, q)
    if kind == "uniformint":
        start = draw(st.integers(-50, 50))
        return hh.uniformint(start, start + draw(st.integers(1, 40)))
    mu = draw(reals(-3, 3))
    sigma = draw(reals(0.1, 2))
    frac = draw(st.sampled_from([0.05, 0.1, 0.25, 0.5]))
    if kind == "normal":
        return hh.normal(mu, sigma)
    if kind == "lognormal":
        return hh.lognormal(mu, sigma)
    if kind == "qnormal":
        return hh.qnormal(mu, sigma, frac * sigma)
    return hh.qlognormal(mu, sigma, frac * sigma * math.exp(mu))


@st.composite
def _value(draw: st.DrawFn, budget: _Budget, depth: int) -> Any:
    """Something to put under a key: a parameter, a constant, or a nested structure."""
    choices = ["leaf", "leaf", "leaf", "const"]
    if depth < 3:
        choices += ["dict", "list", "choice", "choice"]
    if budget.allow_exprs:
        choices.append("expr")
    if budget.allow_reuse and budget.pool:
        choices.append("reuse")
    what = draw(st.sampled_from(choices))
    if what == "leaf":
        p = draw(leaves(budget))
        budget.pool.append(p)
        return p
    if what == "const":
        return draw(st.sampled_from([0, 1.5, "text", None, True, [1, 2]]))
    if what == "reuse":
        return draw(st.sampled_from(budget.pool))
    if what == "dict":
        return draw(_dicts(budget, depth + 1))
    if what == "list":
        n = draw(st.integers(1, 3))
        return [draw(_value(budget, depth + 1)) for _ in range(n)]
    if what == "expr":
        p = draw(leaves(budget))
        if draw(st.booleans()):
            return hh.expr(_join, p, draw(leaves(budget)), "end")
        number = draw(leaves(budget).filter(lambda q: not isinstance(q, hh.space.Choice)))
        return hh.expr(_scaled, number, factor=draw(st.sampled_from([0.5, 3.0])))
    # a choice: constant strings, nested dicts of conditional parameters, direct parameters
    n = draw(st.integers(2, 4))
    kinds = ["const", "dict", "dict"] + (["param"] if budget.allow_direct else [])
    options: list[Any] = []
    for _ in range(n):
        k = draw(st.sampled_from(kinds))
        if k == "const":
            options.append(budget.name("opt"))
        elif k == "dict":
            options.append(draw(_dicts(budget, depth + 1)))
        else:
            options.append(draw(leaves(budget)))
    probs = None
    if draw(st.booleans()):
        w = draw(st.lists(reals(0.05, 1.0), min_size=n, max_size=n))
        probs = [x / sum(w) for x in w]
    return hh.choice(*options, probs=probs, ordinal=draw(st.booleans()))


@st.composite
def _dicts(draw: st.DrawFn, budget: _Budget, depth: int) -> dict[str, Any]:
    n = draw(st.integers(1, 4))
    return {budget.name(): draw(_value(budget, depth)) for _ in range(n)}


@st.composite
def templates(
    draw: st.DrawFn,
    *,
    exprs: bool = True,
    direct_options: bool = True,
    reuse: bool = True,
) -> Any:
    """A random template: usually a dict, sometimes a list or a lone parameter."""
    budget = _Budget(allow_exprs=exprs, allow_direct=direct_options, allow_reuse=reuse)
    top = draw(st.sampled_from(["dict", "dict", "dict", "list", "leaf"]))
    if top == "leaf":
        return draw(leaves(budget))
    if top == "list":
        return [draw(_value(budget, 1)) for _ in range(draw(st.integers(1, 3)))]
    return draw(_dicts(budget, 0))
