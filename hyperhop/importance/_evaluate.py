"""``importance(study, method=...)``: each parameter's share, with its uncertainty."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hyperhop._studydata import (
    StudyData,
    column,
    complete_mask,
    objective_values,
    plottable,
    study_data,
)
from hyperhop.trial import Trial

METHODS = ("fanova", "ped_anova")


@dataclass(frozen=True)
class Importance:
    """Parameters' shares (summing to 1, most important first) and their uncertainty (a
    standard deviation, on the same scale: over the forest's trees for fANOVA, over
    bootstrap resamples for PED-ANOVA). Returned by :func:`importance`; ``imp[label]`` is a
    parameter's share.

    Example:
        >>> from hyperhop.importance import Importance
        >>> imp = Importance("fanova", "value", ("a", "b"), (0.9, 0.1), (0.01, 0.01), 50)
        >>> imp["b"], imp.to_dict()
        (0.1, {'a': 0.9, 'b': 0.1})
    """

    method: str
    objective: str
    params: tuple[str, ...]
    shares: tuple[float, ...]
    std: tuple[float, ...]
    n_trials: int

    def __getitem__(self, label: str) -> float:
        return self.shares[self.params.index(label)]

    def to_dict(self) -> dict[str, float]:
        """Label -> share, most important first."""
        return dict(zip(self.params, self.shares, strict=True))

    def __repr__(self) -> str:
        body = ", ".join(
            f"{p}={s:.3f}±{e:.3f}"
            for p, s, e in zip(self.params, self.shares, self.std, strict=True)
        )
        return f"Importance({self.method}, {self.objective}: {body})"


def _select(data: StudyData, trials: Any) -> np.ndarray:
    ok = complete_mask(data)
    if trials is None:
        return ok
    if callable(trials):
        chosen = np.array([bool(trials(t)) for t in data.trials], dtype=bool)
    else:
        numbers = {t.number if isinstance(t, Trial) else int(t) for t in _iter(trials)}
        chosen = np.array([t.number in numbers for t in data.trials], dtype=bool)
    return ok & chosen


def _iter(trials: Iterable[Any]) -> Iterable[Any]:
    if isinstance(trials, (str, bytes)) or not isinstance(trials, Iterable):
        raise TypeError(
            "The 'trials' parameter of importance() must be trials, trial numbers or a "
            f"predicate (trial -> bool). Got {type(trials).__name__} instead."
        )
    return trials


def importance(
    study: Any,
    method: str = "fanova",
    *,
    params: Sequence[str] | None = None,
    objective: int | str = 0,
    trials: Iterable[Trial | int] | Callable[[Trial], bool] | None = None,
    seed: int = 0,
    **options: Any,
) -> Importance:
    """How much each parameter matters to the objective, as shares that sum to 1.

    Args:
        study: a study (its completed trials are used).
        method: ``"fanova"``: the variance of a forest's prediction that each
            parameter explains alone (options ``n_trees``, ``max_depth``,
            ``min_samples_leaf``, ``max_samples``); ``"ped_anova"``: how differently each
            parameter is spread among the best ``gamma`` (0.1) of the trials than among
            all of them (options ``gamma``, ``baseline``, ``n_bootstrap``).
        params: the parameters to weigh (default: all with one number per trial).
        objective: which objective of a multi-objective study (index or name).
        trials: a subset: trials, trial numbers or a predicate on a trial.
        seed: seeds the forest / the bootstrap.

    An inactive parameter (its branch not chosen) is filled with uniform noise for fANOVA,
    so that it explains nothing there; PED-ANOVA compares its densities where it is active.

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.importance import importance
        >>> study = hh.minimize(lambda c: 3 * c["a"] + c["b"], {"a": hh.float(0, 1), "b": hh.float(0, 1)},
        ...                     n_trials=200, algo="random", seed=0, progress=False)
        >>> imp = importance(study)
        >>> imp.params, round(imp["a"], 1)
        (('a', 'b'), 0.9)
    """
    if method not in METHODS:
        raise ValueError(
            f"The 'method' parameter of importance() must be one of {list(METHODS)}. Got {method!r} instead."
        )
    data = study_data(study)
    k = data.objective_index(objective)
    labels = list(params) if params is not None else plottable(data.space)
    for label in labels:
        if label not in plottable(data.space):
            raise ValueError(
                f"Study {data.name!r} has no parameter {label!r} with one number per trial; "
                f"the parameters are {plottable(data.space)}."
            )
    rows = _select(data, trials)
    y = objective_values(data, k)[rows]
    keep = np.isfinite(y)
    y = y[keep]
    if len(y) < 2 or not labels:
        raise ValueError(
            f"Parameter importance needs at least 2 completed trials with finite values and "
            f"one parameter; study {data.name!r} has {len(y)} such trial(s) in the selection."
        )
    if data.directions[k] == "max":
        y = -y
    cols = [column(data, label) for label in labels]
    X = np.column_stack([c.unit()[0][rows][keep] for c in cols])
    if method == "fanova":
        from hyperhop.importance.fanova import fanova

        rng = np.random.default_rng(seed)
        nan = np.isnan(X)
        X[nan] = rng.random(int(nan.sum()))
        mean, std = fanova(X, y, seed=seed, **options)
    else:
        from hyperhop.importance.ped_anova import ped_anova

        cats = [len(c.categories) if c.categories is not None else None for c in cols]
        mean, std = ped_anova(X, y, cats, seed=seed, **options)
    total = float(mean.sum())
    if total > 0:
        mean, std = mean / total, std / total
    else:
        mean = np.full(len(labels), 1.0 / len(labels))
    order = np.argsort(-mean, kind="stable")
    return Importance(
        method=method,
        objective=data.objective_label(k),
        params=tuple(labels[i] for i in order),
        shares=tuple(float(mean[i]) for i in order),
        std=tuple(float(std[i]) for i in order),
        n_trials=len(y),
    )
