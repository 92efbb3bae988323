"""DeepHyper's ``HpProblem``: a search space held in a real ``ConfigSpace.ConfigurationSpace``
(shorthands for hyperparameters, ConfigSpace conditions and forbidden clauses, a
constraint function), turned into a hyperhop space when a search starts."""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from hyperhop._validation import describe
from hyperhop.deephyper._configspace import configspace, to_space
from hyperhop.space import Space


def _is_real(x: Any) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _shorthand(value: Any, name: str, default_value: Any) -> Any:
    cs = configspace()
    kw = {} if default_value is None else {"default_value": default_value}
    if isinstance(value, tuple):
        if len(value) not in (2, 3) or not all(_is_real(v) for v in value[:2]):
            raise ValueError(
                f"The range of {name!r} must be (low, high) or (low, high, 'log-uniform'); got "
                f"{describe(value)}."
            )
        prior = value[2] if len(value) == 3 else "uniform"
        if prior not in ("uniform", "log-uniform"):
            raise ValueError(
                f"The third element of the range of {name!r} must be 'uniform' or "
                f"'log-uniform'; got {describe(prior)}."
            )
        low, high = value[0], value[1]
        log = prior == "log-uniform"
        if isinstance(low, numbers.Integral) and isinstance(high, numbers.Integral):
            return cs.UniformIntegerHyperparameter(name, int(low), int(high), log=log, **kw)
        return cs.UniformFloatHyperparameter(name, float(low), float(high), log=log, **kw)
    if isinstance(value, list):
        if not value:
            raise ValueError(f"The list of categories of {name!r} is empty.")
        if any(isinstance(v, (str, bool)) for v in value):
            return cs.CategoricalHyperparameter(name, value, **kw)
        return cs.OrdinalHyperparameter(name, value, **kw)
    if isinstance(value, Mapping):
        if "mu" not in value or "sigma" not in value:
            raise ValueError(
                f"A dict for {name!r} is a normal prior and needs 'mu' and 'sigma' (and "
                f"'lower', 'upper'); got keys {sorted(value)}."
            )
        mu, sigma = value["mu"], value["sigma"]
        lower = value.get("lower", mu - 4 * sigma)
        upper = value.get("upper", mu + 4 * sigma)
        if isinstance(mu, numbers.Integral):
            return cs.NormalIntegerHyperparameter(
                name, mu=mu, sigma=sigma, lower=int(lower), upper=int(upper), **kw
            )
        return cs.NormalFloatHyperparameter(
            name, mu=float(mu), sigma=float(sigma), lower=float(lower), upper=float(upper), **kw
        )
    if isinstance(value, (str, numbers.Real)):
        return cs.Constant(name, value)
    raise TypeError(
        f"hyperhop.deephyper cannot read the hyperparameter {name!r} from {describe(value)}; use "
        "(low, high), (low, high, 'log-uniform'), a list of categories, a dict with 'mu' and "
        "'sigma', a constant or a ConfigSpace hyperparameter."
    )


class HpProblem:
    """A hyperparameter search problem (DeepHyper's ``HpProblem``) over ConfigSpace objects.

    Example:
        >>> from hyperhop.deephyper.hpo import HpProblem
        >>> problem = HpProblem()
        >>> _ = problem.add_hyperparameter((1, 10), "units")
        >>> _ = problem.add_hyperparameter((1e-4, 1e-1, "log-uniform"), "lr")
        >>> _ = problem.add_hyperparameter(["relu", "tanh"], "act")
        >>> problem.hyperparameter_names
        ['act', 'lr', 'units']
    """

    def __init__(self, config_space: Any = None, seed: int | None = None) -> None:
        cs = configspace()
        if config_space is not None and not isinstance(config_space, cs.ConfigurationSpace):
            raise TypeError(
                "The 'config_space' parameter of HpProblem must be a "
                f"ConfigSpace.ConfigurationSpace. Got {describe(config_space)} instead."
            )
        self._space = config_space if config_space is not None else cs.ConfigurationSpace(seed=seed)
        self.seed = seed
        self._rng = np.random.default_rng(seed)
        self._constraint_fn: Callable[[Any], Any] | None = None

    # ----------------------------------------------------------------- building
    def add_hyperparameter(
        self, value: Any, name: str | None = None, default_value: Any = None
    ) -> Any:
        """Add a hyperparameter (a shorthand or a ConfigSpace object); returns it."""
        cs = configspace()
        if isinstance(value, cs.hyperparameters.Hyperparameter):
            self._space.add(value)
            return value
        if not isinstance(name, str):
            raise TypeError(
                f"The 'name' of a hyperparameter must be a str. Got {describe(name)} instead."
            )
        hp = _shorthand(value, name, default_value)
        self._space.add(hp)
        return hp

    def add(self, value: Any, name: str | None = None, default_value: Any = None) -> Any:
        """Add a hyperparameter, a list of them, a condition or a forbidden clause."""
        cs = configspace()
        if (
            isinstance(value, list)
            and value
            and all(isinstance(v, cs.hyperparameters.Hyperparameter) for v in value)
        ):
            return self.add_hyperparameters(value)
        if name is None and not isinstance(value, cs.hyperparameters.Hyperparameter):
            self._space.add(value)
            return value
        return self.add_hyperparameter(value, name, default_value)

    def add_hyperparameters(self, hps: Sequence[Any]) -> list[Any]:
        """Add several ConfigSpace hyperparameters."""
        return [self.add_hyperparameter(hp) for hp in hps]

    def add_condition(self, condition: Any) -> Any:
        """Add a ConfigSpace condition or conjunction."""
        self._space.add(condition)
        return condition

    def add_conditions(self, conditions: Sequence[Any]) -> list[Any]:
        return [self.add_condition(c) for c in conditions]

    def add_forbidden_clause(self, clause: Any) -> Any:
        """Add a ConfigSpace forbidden clause or relation."""
        self._space.add(clause)
        return clause

    def set_constraint_fn(self, fn: Callable[[Any], Any]) -> None:
        """Configurations are kept only where ``fn(df)`` (a one-row DataFrame) is True."""
        if not callable(fn):
            raise TypeError(f"set_constraint_fn() takes a callable; got {describe(fn)}.")
        self._constraint_fn = fn

    def set_seed(self, seed: int | None) -> None:
        self.seed = seed
        self._rng = np.random.default_rng(seed)
        self._space.seed(seed)

    # ----------------------------------------------------------------- reading
    @property
    def space(self) -> Any:
        """The ConfigSpace ``ConfigurationSpace``."""
        return self._space

    @property
    def hyperparameter_names(self) -> list[str]:
        """The names in ConfigSpace's order (alphabetical, conditional ones after their
        parents), the order of the results' ``p:`` columns."""
        return list(self._space.keys())

    def __len__(self) -> int:
        return len(self._space)

    def __getitem__(self, name: str) -> Any:
        return self._space[name]

    def __repr__(self) -> str:
        return repr(self._space)

    @property
    def default_configuration(self) -> dict[str, Any]:
        """ConfigSpace's defaults for every hyperparameter (inactive ones included)."""
        return {name: _plain(self._space[name].default_value) for name in self.hyperparameter_names}

    def to_json(self) -> dict[str, Any]:
        """ConfigSpace's JSON-ready description of the space."""
        out: dict[str, Any] = self._space.to_serialized_dict()
        return out

    def to_space(self) -> Space:
        """The hyperhop space (gates for conditions, constraints for forbidden clauses)."""
        return to_space(self._space, self._constraint_fn)

    def check_configuration(
        self, parameters: Mapping[str, Any], raise_if_not_valid: bool = True
    ) -> bool:
        """Whether ``parameters`` is a valid, allowed configuration of this problem."""
        space = self.to_space()
        try:
            space.validate(space.from_config(dict(parameters)))
            ok = space.is_feasible(space.from_config(dict(parameters)))
            reason = "it breaks a forbidden clause or the constraint function"
        except ValueError as e:
            ok, reason = False, str(e)
        if not ok and raise_if_not_valid:
            raise ValueError(f"The configuration {dict(parameters)!r} is not valid: {reason}")
        return ok

    def sample(
        self, size: int = 1, strict: bool = False, max_trials: int = 5, n_jobs: int = 1
    ) -> list[dict[str, Any]]:
        """``size`` random configurations (allowed ones)."""
        space = self.to_space()
        return [space.to_config(space.sample_assignment(self._rng)) for _ in range(size)]


def _plain(v: Any) -> Any:
    return v.item() if hasattr(v, "item") else v
