"""The one place where plots, importances and reports read a study's trials.

Everything that looks at a study goes through :func:`study_data` and :func:`column`, so
that a change in how trials hold their parameters (raw choice indices today) is adapted
here only. A column holds each trial's *value* as the objective saw it (a choice's
option, not its index) as a float array with NaN where the parameter is inactive.

Example:
    >>> import hyperhop as hh
    >>> study = hh.Study({"opt": hh.choice("adam", "sgd"), "x": hh.float(0, 1)}, seed=0)
    >>> for _ in range(4):
    ...     _ = study.tell(study.ask(), 1.0)
    >>> col = column(study_data(study), "opt")
    >>> col.categories, sorted(set(col.values.tolist())) <= [0.0, 1.0]
    (('adam', 'sgd'), True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hyperhop.space import Space
from hyperhop.space.categorical import Choice, RandInt
from hyperhop.space.numeric import Float, Int, Normal
from hyperhop.trial import Trial, TrialState

__all__ = ["Column", "StudyData", "column", "objective_values", "study_data"]


@dataclass(frozen=True)
class StudyData:
    """A read-only snapshot of a study: what every view of it needs."""

    name: str
    space: Space
    directions: tuple[str, ...]
    trials: Sequence[Trial]
    objective_names: tuple[str, ...] | None = None
    rungs: tuple[int, ...] = ()
    """The pruner's rungs, in units of resource (successive halving, Hyperband)."""
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_objectives(self) -> int:
        return len(self.directions)

    def objective_label(self, i: int) -> str:
        """The name of objective ``i`` ("value" for a single unnamed objective)."""
        if self.objective_names is not None and i < len(self.objective_names):
            return self.objective_names[i]
        return "value" if self.n_objectives == 1 else f"value {i}"

    def objective_index(self, objective: int | str) -> int:
        """The index of an objective given by index or name; raises with the choices."""
        if isinstance(objective, str):
            names = self.objective_names or ()
            if objective not in names:
                raise ValueError(
                    f"Study {self.name!r} has no objective named {objective!r}; its objectives "
                    f"are {list(names) or list(range(self.n_objectives))}."
                )
            return names.index(objective)
        if not 0 <= int(objective) < self.n_objectives:
            raise ValueError(
                f"The 'objective' parameter must be in 0..{self.n_objectives - 1} for study "
                f"{self.name!r}. Got {objective!r} instead."
            )
        return int(objective)

    def states(self) -> np.ndarray:
        """Each trial's state name, as an array of strings."""
        if "states" not in self._cache:
            self._cache["states"] = np.array([t.state.name for t in self.trials], dtype=object)
        out: np.ndarray = self._cache["states"]
        return out

    def numbers(self) -> np.ndarray:
        if "numbers" not in self._cache:
            self._cache["numbers"] = np.fromiter(
                (t.number for t in self.trials), dtype=float, count=len(self.trials)
            )
        out: np.ndarray = self._cache["numbers"]
        return out

    def assignments(self) -> list[Mapping[str, Any]]:
        if "assignments" not in self._cache:
            self._cache["assignments"] = [t.assignment for t in self.trials]
        out: list[Mapping[str, Any]] = self._cache["assignments"]
        return out


def study_data(study: Any) -> StudyData:
    """A :class:`StudyData` from a :class:`~hyperhop.Study` (or a StudyData, returned as is)."""
    if isinstance(study, StudyData):
        return study
    space = getattr(study, "space", None)
    if not isinstance(space, Space) or not hasattr(study, "trials"):
        raise TypeError(
            f"Expected a hyperhop Study (hh.Study, hh.load_study(...)); got {type(study).__name__}."
        )
    pruner = getattr(study, "pruner", None)
    levels = getattr(pruner, "levels", None)
    rungs: tuple[int, ...] = ()
    if callable(levels):
        try:
            rungs = tuple(int(r) for r in levels())
        except TypeError:  # a pruner whose levels need arguments: no rungs to mark
            rungs = ()
    names = getattr(study, "objective_names", None)
    return StudyData(
        name=str(getattr(study, "name", "study")),
        space=space,
        directions=tuple(study.directions),
        trials=list(study.trials),
        objective_names=tuple(names) if names else None,
        rungs=rungs,
    )


def objective_values(data: StudyData, objective: int = 0) -> np.ndarray:
    """Objective ``objective`` of each trial; NaN where a trial has no value (failed,
    running; a pruned trial has its last reported value)."""
    key = f"values{objective}"
    if key not in data._cache:
        data._cache[key] = np.array(
            [
                t.values[objective] if t.values and len(t.values) > objective else np.nan
                for t in data.trials
            ],
            dtype=float,
        )
    out: np.ndarray = data._cache[key]
    return out


def complete_mask(data: StudyData) -> np.ndarray:
    """Which trials are COMPLETE with values."""
    return (data.states() == TrialState.COMPLETE.name) & np.isfinite(objective_values(data, 0))


def option_text(option: Any, index: int) -> str:
    """How a choice's option is shown: its value, or a short name for a nested option."""
    if isinstance(option, Mapping):
        consts = [
            f"{k}={v}"
            for k, v in option.items()
            if isinstance(v, (str, int)) and not isinstance(v, bool)
        ]
        return ", ".join(consts[:2]) if consts else f"option {index}"
    if isinstance(option, (list, tuple)) or hasattr(option, "sample"):
        return f"option {index}"
    text = str(option)
    return text if len(text) <= 24 else text[:23] + "…"


@dataclass(frozen=True)
class Column:
    """One parameter across trials: ``values`` is a float per trial (NaN: inactive or not
    a number); for a choice, the option's position, with ``categories`` its values as text."""

    label: str
    values: np.ndarray
    categories: tuple[str, ...] | None = None
    log: bool = False
    low: float | None = None
    high: float | None = None

    @property
    def categorical(self) -> bool:
        return self.categories is not None

    @property
    def active(self) -> np.ndarray:
        return ~np.isnan(self.values)

    def unit(self) -> tuple[np.ndarray, list[tuple[float, str]]]:
        """The values mapped to [0, 1] (a log scale for a log parameter, a choice's options
        at ``(i + 0.5) / k``; NaN where inactive), with tick positions and their labels.

        Example:
            >>> Column("o", np.array([0.0, 1.0, np.nan]), categories=("a", "b")).unit()[0].tolist()
            [0.25, 0.75, nan]
        """
        v = self.values
        if self.categories is not None:
            k = len(self.categories)
            pos = (np.arange(k) + 0.5) / k
            return (v + 0.5) / k, [(float(p), c) for p, c in zip(pos, self.categories, strict=True)]
        act = v[self.active]
        lo = self.low if self.low is not None else float(np.min(act)) if len(act) else 0.0
        hi = self.high if self.high is not None else float(np.max(act)) if len(act) else 1.0
        if self.log and lo > 0:
            with np.errstate(invalid="ignore", divide="ignore"):
                t, a, b = np.log(v), np.log(lo), np.log(hi)
        else:
            t, a, b = v, lo, hi
        span = b - a if b > a else 1.0
        return np.clip((t - a) / span, 0.0, 1.0), [(0.0, f"{lo:.3g}"), (1.0, f"{hi:.3g}")]


def plottable(space: Space) -> list[str]:
    """The labels of the parameters that have one number per trial (arrays and custom
    types are left out)."""
    out = []
    for spec in space.params:
        p = spec.param
        if isinstance(p, (Choice, RandInt)) or (
            isinstance(p, (Float, Int, Normal)) and getattr(p, "shape", None) is None
        ):
            out.append(spec.label)
    return out


def column(data: StudyData, label: str) -> Column:
    """The :class:`Column` of parameter ``label`` (raises naming the plottable labels)."""
    key = f"col:{label}"
    if key in data._cache:
        cached: Column = data._cache[key]
        return cached
    if label not in plottable(data.space):
        raise ValueError(
            f"Parameter {label!r} cannot be plotted; the parameters with one number per trial "
            f"are {plottable(data.space)}."
        )
    p = data.space[label].param
    assigns = data.assignments()
    # raw values are numbers (a choice's option index, a RandInt's int): read them in one pass
    vals = np.fromiter((a.get(label, np.nan) for a in assigns), dtype=float, count=len(assigns))
    if isinstance(p, Choice):
        cats = tuple(option_text(o, i) for i, o in enumerate(p.options))
        col = Column(label, vals, categories=cats, low=-0.5, high=len(cats) - 0.5)
    else:
        lo = getattr(p, "low", None)
        hi = getattr(p, "high", None)
        col = Column(
            label,
            vals,
            log=bool(getattr(p, "log", False) or getattr(p, "power_of", None)),
            low=None if lo is None else float(lo),
            high=None if hi is None else float(hi),
        )
    data._cache[key] = col
    return col


def stored_study_data(storage: Any, name: str) -> StudyData:
    """A :class:`StudyData` read straight from a storage, writing nothing (no study is
    opened, so no stale trial is reaped): the space is rebuilt from its stored
    description, the rungs from the stored pruner."""
    from hyperhop.pruning import make_pruner
    from hyperhop.pruning.serialize import CUSTOM, pruner_from_dict, read_record
    from hyperhop.space.serialize import space_from_definition
    from hyperhop.storage import get_storage
    from hyperhop.study.study import _NAMES_ATTR, _PRUNING_KEY

    store = get_storage(storage)
    info = store.get_study(name)
    space = space_from_definition(info.space)
    trials, _ = store.get_trials(info.id)
    for t in trials:
        t.attach(space)
    rungs: tuple[int, ...] = ()
    record = info.space.get(_PRUNING_KEY) if isinstance(info.space, Mapping) else None
    try:
        described, fidelity = read_record(record)
        if described is not None and described.get("name") != CUSTOM:
            levels = getattr(make_pruner(pruner_from_dict(described), fidelity), "levels", None)
            rungs = tuple(int(r) for r in levels()) if callable(levels) else ()
    except (ValueError, TypeError):  # an unreadable pruner record: no rungs to mark
        rungs = ()
    names = info.attrs.get(_NAMES_ATTR)
    return StudyData(
        name=info.name,
        space=space,
        directions=tuple(info.directions),
        trials=trials,
        objective_names=tuple(str(n) for n in names) if isinstance(names, list) else None,
        rungs=rungs,
    )


def value_text(data: StudyData, label: str, raw: Any) -> str:
    """A parameter's value as text: a choice's option, a number to 6 significant digits."""
    if label not in data.space:
        return str(raw)
    p = data.space[label].param
    if isinstance(p, Choice):
        return option_text(p.options[int(raw)], int(raw))
    try:
        v = p.to_value(raw)
    except (TypeError, ValueError, IndexError):
        v = raw
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, np.ndarray):
        return f"<array shape={v.shape}>"
    text = str(v)
    return text if len(text) <= 40 else text[:39] + "…"
