"""DeepHyper's ``CBO`` on hyperhop's :class:`~hyperhop.samplers.cbo.CBOSampler`, taking
both generations of its arguments: the flat ones of DeepHyper <= 0.9 (``kappa``, ``xi``,
``scheduler``, ``n_points``, ``filter_failures``, ...) and the grouped ones of >= 0.10
(``acq_func_kwargs``, ``acq_optimizer_kwargs``, ``surrogate_model_kwargs``)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

from hyperhop._validation import describe
from hyperhop.deephyper.hpo._design import check_design, design_points
from hyperhop.deephyper.hpo._search import Search
from hyperhop.samplers import RandomSampler, Sampler
from hyperhop.samplers.cbo import CBOSampler

_FLAT = {
    "kappa", "xi", "n_points", "acq_optimizer_freq", "filter_duplicated", "update_prior",
    "update_prior_quantile", "filter_failures", "max_failures", "scheduler", "n_jobs",
    "sync_communication", "moo_upper_bounds",
}  # fmt: skip
_UCB = ("UCB", "UCBd")
_SCALARIZATIONS = {
    "Linear": "linear",
    "Chebyshev": "chebyshev",
    "AugChebyshev": "augmented_chebyshev",
    "PBI": "pbi",
}
_SURROGATES = ("ET", "RF", "TB", "GBRT", "HGBRT", "GP", "RS", "DUMMY")


def _warn(message: str) -> None:
    warnings.warn(message, UserWarning, stacklevel=3)  # the user's CBO(...) line


def scalarization_name(strategy: Any) -> str:
    """hyperhop's name for DeepHyper's ``moo_scalarization_strategy``."""
    name = strategy[1:] if isinstance(strategy, str) and strategy[:1] == "r" else strategy
    if name not in _SCALARIZATIONS:
        raise ValueError(
            "The 'moo_scalarization_strategy' parameter of CBO must be one of "
            f"{list(_SCALARIZATIONS)} (an 'r' prefix, as in 'rChebyshev', also works). Got "
            f"{describe(strategy)} instead."
        )
    return _SCALARIZATIONS[name]


class CBO(Search):
    """Centralized Bayesian optimization (maximizes): a forest surrogate, UCBd with
    DeepHyper's kappa schedule, a genetic acquisition search.

    Example:
        >>> from hyperhop.deephyper.hpo import CBO, HpProblem
        >>> problem = HpProblem()
        >>> _ = problem.add_hyperparameter((-10.0, 10.0), "x")
        >>> search = CBO(problem, random_state=42, log_dir="/tmp/hh-cbo-doctest")
        >>> results = search.search(lambda job: -job.parameters["x"] ** 2, max_evals=15)
        >>> len(results), bool(results["objective"].max() > -5)
        (15, True)
    """

    def __init__(
        self,
        problem: Any,
        evaluator: Any = None,
        random_state: Any = None,
        log_dir: str = ".",
        verbose: int = 0,
        stopper: Any = None,
        checkpoint_history_to_csv: bool = True,
        solution_selection: Any = None,
        checkpoint_restart: bool = False,
        surrogate_model: Any = "ET",
        surrogate_model_kwargs: Mapping[str, Any] | None = None,
        acq_func: str = "UCBd",
        acq_func_kwargs: Mapping[str, Any] | None = None,
        acq_optimizer: str = "mixedga",
        acq_optimizer_kwargs: Mapping[str, Any] | None = None,
        multi_point_strategy: str = "cl_max",
        n_initial_points: int | None = None,
        initial_point_generator: str = "random",
        initial_points: Sequence[Mapping[str, Any]] | None = None,
        moo_lower_bounds: Sequence[float | None] | None = None,
        moo_scalarization_strategy: Any = "Chebyshev",
        moo_scalarization_weight: Sequence[float] | None = None,
        objective_scaler: str = "minmax",
        *,
        storage: Any = None,
        study_name: str = "deephyper",
        **flat: Any,
    ) -> None:
        super().__init__(
            problem, evaluator, random_state, log_dir, verbose, stopper,
            checkpoint_history_to_csv, solution_selection, checkpoint_restart,
            storage=storage, study_name=study_name,
        )  # fmt: skip
        unknown = sorted(set(flat) - _FLAT)
        if unknown:
            raise TypeError(
                f"CBO got an unexpected keyword argument {unknown[0]!r}; its arguments are "
                "DeepHyper's (flat ones of <= 0.9 or the grouped *_kwargs of >= 0.10)."
            )
        acq = dict(acq_func_kwargs or {})
        opt = dict(acq_optimizer_kwargs or {})
        sur = dict(surrogate_model_kwargs or {})
        old = bool(flat)  # the flat arguments of DeepHyper <= 0.9, with their defaults
        for key in ("kappa", "xi", "scheduler"):
            if key in flat:
                acq.setdefault(key, flat[key])
        for key in ("n_points", "filter_failures", "filter_duplicated", "acq_optimizer_freq"):
            if key in flat:
                opt.setdefault(key, flat[key])
        if "max_failures" in flat:
            opt.setdefault("max_total_failures", flat["max_failures"])
        if acq_func not in _UCB:
            _warn(
                f"acq_func={acq_func!r}: hyperhop's CBO optimizes UCBd (the forest's epistemic "
                "spread); it is used instead."
            )
        if surrogate_model not in _SURROGATES:
            raise ValueError(
                f"The 'surrogate_model' parameter of CBO must be one of {list(_SURROGATES)}. Got "
                f"{describe(surrogate_model)} instead."
            )
        if surrogate_model not in ("ET", "GP", "RS", "DUMMY"):
            _warn(
                f"surrogate_model={surrogate_model!r}: hyperhop's CBO fits extremely randomized "
                "trees (DeepHyper's default 'ET'); they are used instead."
            )
        self.surrogate_model = surrogate_model
        scheduler = acq.get("scheduler", "bandit" if old else _DEFAULT_SCHEDULER)
        sched_kw = _scheduler(scheduler, old)
        failures = opt.get("filter_failures", "min" if old else "max")
        self._lower_bounds = None if moo_lower_bounds is None else list(moo_lower_bounds)
        self._weights = None if moo_scalarization_weight is None else list(moo_scalarization_weight)
        self.design = check_design(initial_point_generator, "CBO's initial_point_generator")
        self.initial_points = [dict(p) for p in initial_points or []]
        if n_initial_points is None and old:
            n_initial_points = 10
        self.n_initial_points = n_initial_points
        self._cbo_kwargs: dict[str, Any] = {
            "n_initial_points": n_initial_points,
            "kappa": float(acq.get("kappa", 1.96)),
            "filter_failures": "max" if failures == "min" else failures,
            "liar": multi_point_strategy
            if multi_point_strategy in ("cl_max", "cl_mean", "cl_min")
            else "cl_max",
            "n_trees": int(sur.get("n_estimators", 10)),
            "min_impurity_decrease": float(sur.get("min_impurity_decrease", 0.005)),
            "outliers_iqr_factor": opt.get("outliers_iqr_factor", 1.5),
            "scalarization": scalarization_name(moo_scalarization_strategy),
            "weights": self._weights,
            **sched_kw,
        }
        self.acq_func = acq_func
        self.xi = acq.get("xi", 0.001 if old else 0.1)

    def _n_objectives(self) -> int | None:
        for seq in (self._lower_bounds, self._weights):
            if seq is not None:
                return len(seq)
        return None

    def _initial_points(self) -> list[dict[str, Any]]:
        points = list(self.initial_points)
        if self.design != "random":
            space = self.problem.to_space()
            n = self.n_initial_points if self.n_initial_points is not None else 2 * len(space) + 1
            points += design_points(space, max(n - len(points), 0), self.design, self.seed)
        return points

    def _sampler(self, n_objectives: int) -> Sampler:
        if self.surrogate_model in ("RS", "DUMMY"):
            return RandomSampler(self.seed)
        if self.surrogate_model == "GP":
            from hyperhop.samplers.gp import GPSampler

            return GPSampler(self.seed)
        return CBOSampler(self.seed, **self._cbo_kwargs)

    def _run_options(self) -> dict[str, Any]:
        return {"lower_bounds": self._lower_bounds}


_DEFAULT_SCHEDULER: dict[str, Any] = {"type": "periodic-exp-decay"}


def _scheduler(scheduler: Any, old: bool) -> dict[str, Any]:
    """CBOSampler's schedule arguments from DeepHyper's ``scheduler``."""
    if scheduler is None:
        return {"scheduler": "bandit"}
    if callable(scheduler):
        return {"scheduler": scheduler}
    if isinstance(scheduler, str):
        scheduler = {"type": scheduler}
    if not isinstance(scheduler, Mapping) or scheduler.get("type") not in (
        "constant", "bandit", "periodic-exp-decay",
    ):  # fmt: skip
        raise ValueError(
            "The 'scheduler' of CBO must be None, a callable or a dict whose 'type' is "
            f"'constant', 'bandit' or 'periodic-exp-decay'. Got {describe(scheduler)} instead."
        )
    kind = scheduler["type"]
    out: dict[str, Any] = {"scheduler": kind}
    if kind == "periodic-exp-decay":
        out["period"] = int(scheduler.get("period", 10))
        out["kappa_final"] = float(scheduler.get("kappa_final", 0.1 if old else 0.01))
    return out
