"""ConfigSpace objects translated into a hyperhop space: hyperparameters into parameters,
conditions into gates (:func:`hyperhop.gated`), forbidden clauses into constraints."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import hyperhop as hh
from hyperhop._lazy import require
from hyperhop.space import Float, Gate, Space


def configspace() -> Any:
    """The ConfigSpace module, or an error naming the extra to install."""
    return require("ConfigSpace", "deephyper", "hyperhop.deephyper")


class _NormalPrior(Float):
    """A float in ``[low, high]`` drawn from a normal prior truncated to the bounds
    (ConfigSpace's ``NormalFloatHyperparameter``); models see the plain interval."""

    def __init__(self, mu: float, sigma: float, low: float, high: float, log: bool) -> None:
        super().__init__(low, high, log=log)
        self.mu, self.sigma = float(mu), float(sigma)

    def sample(self, rng: np.random.Generator) -> Any:
        lo, hi = (math.log(self.low), math.log(self.high)) if self.log else (self.low, self.high)
        for _ in range(1000):
            v = rng.normal(self.mu, self.sigma)
            if lo <= v <= hi:
                return float(math.exp(v)) if self.log else float(v)
        return float(min(max(self.mu, self.low), self.high))

    def default(self) -> Any:
        return float(min(max(math.exp(self.mu) if self.log else self.mu, self.low), self.high))

    def definition(self) -> dict[str, Any]:
        return {**super().definition(), "prior": "normal", "mu": self.mu, "sigma": self.sigma}


class _NormalIntPrior(_NormalPrior):
    def __init__(self, mu: float, sigma: float, low: int, high: int, log: bool) -> None:
        super().__init__(mu, sigma, low - 0.5, high + 0.4999999, log=False)
        self.bounds = (int(low), int(high))

    def sample(self, rng: np.random.Generator) -> Any:
        return float(min(max(round(super().sample(rng)), self.bounds[0]), self.bounds[1]))

    def to_value(self, value: Any) -> Any:
        return int(min(max(round(float(value)), self.bounds[0]), self.bounds[1]))

    def contains(self, value: Any) -> bool:
        return super().contains(value) and float(value) == round(float(value))

    def decode(self, x: np.ndarray) -> Any:
        return float(round(float(super().decode(x))))

    def from_value(self, value: Any) -> Any:
        return float(value)


def parameter(hp: Any) -> Any:
    """The hyperhop parameter for one ConfigSpace hyperparameter."""
    cs = configspace()
    name = hp.name
    if isinstance(hp, cs.Constant):
        return hh.choice(hp.value)
    if isinstance(hp, cs.CategoricalHyperparameter):
        w = getattr(hp, "weights", None)
        if w is not None:
            total = float(sum(w))
            return hh.choice(*hp.choices, probs=[float(x) / total for x in w])
        return hh.choice(*hp.choices)
    if isinstance(hp, cs.OrdinalHyperparameter):
        return hh.choice(*hp.sequence, ordinal=True)
    if isinstance(hp, cs.NormalIntegerHyperparameter):
        return _NormalIntPrior(hp.mu, hp.sigma, int(hp.lower), int(hp.upper), bool(hp.log))
    if isinstance(hp, cs.NormalFloatHyperparameter):
        return _NormalPrior(hp.mu, hp.sigma, float(hp.lower), float(hp.upper), bool(hp.log))
    if isinstance(hp, cs.UniformIntegerHyperparameter):
        return hh.int(int(hp.lower), int(hp.upper), log=bool(hp.log))
    if isinstance(hp, cs.UniformFloatHyperparameter):
        return hh.float(float(hp.lower), float(hp.upper), log=bool(hp.log))
    raise TypeError(
        f"The hyperparameter {name!r} is a {type(hp).__name__}, which hyperhop.deephyper does not "
        "translate; use a uniform or normal float or integer, a categorical, an ordinal or a "
        "constant."
    )


def _value(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def gate(cond: Any) -> Gate:
    """The gate for a ConfigSpace condition or conjunction."""
    cs = configspace()
    if isinstance(cond, cs.AndConjunction):
        parts = [gate(c) for c in cond.components]
        out = parts[0]
        for p in parts[1:]:
            out = out & p
        return out
    if isinstance(cond, cs.OrConjunction):
        parts = [gate(c) for c in cond.components]
        out = parts[0]
        for p in parts[1:]:
            out = out | p
        return out
    parent = hh.ref(cond.parent.name)
    if isinstance(cond, cs.EqualsCondition):
        return parent == _value(cond.value)
    if isinstance(cond, cs.NotEqualsCondition):
        return parent != _value(cond.value)
    if isinstance(cond, cs.InCondition):
        return parent.isin([_value(v) for v in cond.values])
    if isinstance(cond, cs.GreaterThanCondition):
        return parent > _value(cond.value)
    if isinstance(cond, cs.LessThanCondition):
        return parent < _value(cond.value)
    raise TypeError(f"The condition {cond!r} ({type(cond).__name__}) is not translated.")


def _child(cond: Any) -> str:
    child = cond.child if hasattr(cond, "child") else cond.get_children()[0]
    return str(child.name)


class Forbidden:
    """A constraint: the config is allowed unless one of the forbidden clauses matches
    (a clause on an inactive hyperparameter never matches, as in ConfigSpace)."""

    def __init__(self, clauses: list[Any]) -> None:
        self.clauses = list(clauses)

    def __call__(self, config: dict[str, Any]) -> bool:
        return not any(_forbids(c, config) for c in self.clauses)

    def __repr__(self) -> str:
        return f"Forbidden({self.clauses!r})"


def _forbids(clause: Any, config: dict[str, Any]) -> bool:
    cs = configspace()
    if isinstance(clause, cs.ForbiddenAndConjunction):
        return all(_forbids(c, config) for c in clause.components)
    if hasattr(clause, "left") and hasattr(clause, "right"):  # a relation between two
        a, b = config.get(clause.left.name), config.get(clause.right.name)
        if a is None or b is None:
            return False
        if isinstance(clause, cs.ForbiddenEqualsRelation):
            return bool(a == b)
        if isinstance(clause, cs.ForbiddenGreaterThanRelation):
            return bool(a > b)
        return bool(a < b)
    name = clause.hyperparameter.name
    if name not in config:
        return False
    v = config[name]
    if isinstance(clause, cs.ForbiddenInClause):
        return v in {_value(x) for x in clause.values}
    return bool(v == _value(clause.value))


class ConstraintFn:
    """DeepHyper's ``set_constraint_fn``: ``fn(DataFrame) -> bool Series`` on one config."""

    def __init__(self, fn: Any) -> None:
        self.fn = fn

    def __call__(self, config: dict[str, Any]) -> bool:
        import pandas as pd

        out = self.fn(pd.DataFrame([config]))
        return bool(np.asarray(out).reshape(-1)[0])

    def __repr__(self) -> str:
        return f"ConstraintFn({getattr(self.fn, '__name__', self.fn)!r})"


def to_space(config_space: Any, constraint_fn: Any = None) -> Space:
    """The hyperhop space for a ``ConfigurationSpace`` (names in alphabetical order)."""
    names = sorted(config_space.keys())
    gates: dict[str, Gate] = {}
    for cond in config_space.conditions:
        gates[_child(cond)] = gate(cond)
    template: dict[str, Any] = {}
    for name in names:
        p = parameter(config_space[name])
        template[name] = hh.gated(p, when=gates[name]) if name in gates else p
    constraints: list[Any] = []
    if config_space.forbidden_clauses:
        constraints.append(Forbidden(list(config_space.forbidden_clauses)))
    if constraint_fn is not None:
        constraints.append(ConstraintFn(constraint_fn))
    return Space(template, constraints=constraints)
