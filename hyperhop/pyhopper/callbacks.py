"""PyHopper's callbacks and history: ``Callback`` hooks, ``History``, ``ParamInfo``."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any


class CandidateType(enum.IntEnum):
    """Where a candidate came from.

    Example:
        >>> from hyperhop.pyhopper import CandidateType
        >>> CandidateType.RANDOM_SEEDING.name, int(CandidateType.LOCAL_SAMPLING)
        ('RANDOM_SEEDING', 3)
    """

    INIT = 0
    MANUALLY_ADDED = 1
    RANDOM_SEEDING = 2
    LOCAL_SAMPLING = 3


@dataclass
class ParamInfo:
    """What a callback learns about a candidate besides its values.

    Example:
        >>> from hyperhop.pyhopper import CandidateType, ParamInfo
        >>> ParamInfo(CandidateType.INIT).is_pruned
        False
    """

    type: CandidateType
    sampled_at: float | None = None
    finished_at: float | None = None
    is_pruned: bool = False
    is_nan: bool = False


class Callback:
    """Subclass and override the hooks you need; pass instances to ``run(callbacks=[...])``.

    Example:
        >>> from hyperhop import pyhopper
        >>> class Count(pyhopper.callbacks.Callback):
        ...     n = 0
        ...     def on_evaluate_end(self, candidate, f, info):
        ...         self.n += 1
        >>> count = Count()
        >>> _ = pyhopper.Search(x=pyhopper.float(0, 1)).run(
        ...     lambda p: p["x"], "max", steps=5, callbacks=[count], quiet=True)
        >>> count.n
        5
    """

    def on_search_start(self, search: Any) -> None:
        """Before the first evaluation of ``run``."""

    def on_evaluate_start(self, candidate: dict[str, Any], info: ParamInfo) -> None:
        """When an evaluation starts (threads only: not called for process workers)."""

    def on_evaluate_end(self, candidate: dict[str, Any], f: float, info: ParamInfo) -> None:
        """When an evaluation finishes with a value."""

    def on_duplicate_sampled(self, candidate: dict[str, Any], info: ParamInfo) -> None:
        """Never called: hyperhop's sampler does not propose a duplicate in the first place."""

    def on_evaluate_pruned(self, candidate: dict[str, Any], info: ParamInfo) -> None:
        """When an evaluation was pruned."""

    def on_evaluate_nan(self, candidate: dict[str, Any], info: ParamInfo) -> None:
        """When an evaluation returned NaN (with ``ignore_nans=True``)."""

    def on_new_best(self, new_best: dict[str, Any], f: float, info: ParamInfo) -> None:
        """When an evaluation beats the best so far."""

    def on_search_end(self) -> None:
        """After ``run``'s last evaluation."""

    def state_dict(self) -> dict[str, Any]:
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Nothing to restore by default."""


class History(Callback):
    """Every evaluated candidate of a search, across its runs.

    ``len(h)``, ``h[i]`` (the i-th candidate), ``h["lr"]`` (that parameter's values),
    ``fs`` (values), ``best_fs`` (running best), ``steps``, ``seconds`` (since the start).

    Example:
        >>> from hyperhop import pyhopper
        >>> search = pyhopper.Search(x=pyhopper.float(0, 1))
        >>> _ = search.run(lambda p: p["x"], "max", steps=6, quiet=True)
        >>> len(search.history), len(search.history["x"]), search.history.best_f == search.best_f
        (6, 6, True)
    """

    def __init__(self) -> None:
        self.direction = "max"
        self.clear()

    def clear(self) -> None:
        """Forget everything."""
        self._log_candidate: list[Any] = []
        self._log_f: list[float] = []
        self._log_types: list[CandidateType] = []
        self._log_finished_at: list[float] = []
        self._log_best_f: list[float] = []
        self._pruned_candidate: list[Any] = []
        self._pruned_f: list[float] = []
        self._nan_candidate: list[Any] = []
        self._start: float | None = None

    def _better(self, f: float, best: float) -> bool:
        return f > best if self.direction == "max" else f < best

    def on_evaluate_end(self, candidate: dict[str, Any], f: float, info: ParamInfo) -> None:
        finished = info.finished_at or 0.0
        if self._start is None:
            self._start = info.sampled_at or finished
        best = (
            f
            if not self._log_best_f or self._better(f, self._log_best_f[-1])
            else self._log_best_f[-1]
        )
        self._log_candidate.append(candidate)
        self._log_f.append(f)
        self._log_types.append(info.type)
        self._log_finished_at.append(finished)
        self._log_best_f.append(best)

    def on_evaluate_pruned(self, candidate: dict[str, Any], info: ParamInfo) -> None:
        self._pruned_candidate.append(candidate)

    def on_evaluate_nan(self, candidate: dict[str, Any], info: ParamInfo) -> None:
        self._nan_candidate.append(candidate)

    def __len__(self) -> int:
        return len(self._log_candidate)

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, str):
            return [c[key] for c in self._log_candidate]
        return self._log_candidate[key]

    def get_marginal(self, name: str) -> list[Any]:
        """The values of one parameter over the evaluations."""
        return self[name]

    def get_pruned_marginal(self, name: str) -> list[Any]:
        """The values of one parameter over the pruned evaluations."""
        return [c[name] for c in self._pruned_candidate]

    @property
    def fs(self) -> list[float]:
        return list(self._log_f)

    @property
    def best_fs(self) -> list[float]:
        return list(self._log_best_f)

    @property
    def best_f(self) -> float | None:
        return self._log_best_f[-1] if self._log_best_f else None

    @property
    def types(self) -> list[CandidateType]:
        return list(self._log_types)

    @property
    def steps(self) -> list[int]:
        return list(range(len(self._log_f)))

    @property
    def seconds(self) -> list[float]:
        start = self._start or 0.0
        return [t - start for t in self._log_finished_at]

    @property
    def minutes(self) -> list[float]:
        return [s / 60 for s in self.seconds]

    @property
    def hours(self) -> list[float]:
        return [s / 3600 for s in self.seconds]


__all__ = ["Callback", "CandidateType", "History", "ParamInfo"]
