"""The trials of one study as numpy columns, updated in place as trials change.

The dashboard sorts, filters, counts and thins 100,000 trials after every change a worker
writes. Done in Python over ``Trial`` objects that costs about a second each time; over
columns it costs milliseconds, and a change only rewrites the rows of the trials that
changed. Rows are kept in arrival order (a trial keeps its row for life); ``by_number``
gives the order by trial number.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from hyperhop.trial import Trial, TrialState

STATES = list(TrialState)
"""State codes: a trial's state is ``STATES[code]``."""

CODE = {s: i for i, s in enumerate(STATES)}

_NAMES = [s.name for s in STATES]

_NAME_RANK = np.argsort(np.argsort(_NAMES))
"""Each state code's rank when states are sorted by name (as the table sorts them)."""

_FIELDS: dict[str, Any] = {
    "number": np.int64,
    "state": np.int8,
    "seq": np.int64,
    "duration": np.float64,
    "start": np.float64,
    "complete": np.float64,
    "has_values": np.bool_,
    "curves": np.bool_,
}


def _number(v: Any) -> float:
    """``v`` as a float when it is a number (not a bool), else NaN."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    return math.nan


def _time(v: float | None) -> float:
    return math.nan if v is None else float(v)


class Columns:
    """One row per trial: number, state, values, times and each parameter by label.

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.dashboard.columns import Columns
        >>> study = hh.minimize(lambda c: c["x"], {"x": hh.float(0, 1)}, n_trials=4, seed=0,
        ...                     progress=False)
        >>> cols = Columns(n_objectives=1)
        >>> cols.update(study.trials)
        >>> cols.labels, int(cols.n)
        (['x'], 4)
        >>> bool(cols.values[cols.best_rows(1)[0], 0] == study.best_value)
        True
    """

    def __init__(self, n_objectives: int) -> None:
        self.n = 0
        self.n_objectives = n_objectives
        self.trials: list[Trial] = []
        self.row_of: dict[int, int] = {}
        self.labels: list[str] = []
        self._cap = 0
        self._data: dict[str, np.ndarray] = {k: np.empty(0, t) for k, t in _FIELDS.items()}
        self._values = np.empty((0, n_objectives))
        self._params: dict[str, np.ndarray] = {}  # numeric parameters, NaN elsewhere
        self._other: dict[str, dict[int, Any]] = {}  # non-numeric parameter values by row
        self._ints: dict[str, bool] = {}  # whether every number seen for a label is an int

    # -- writing -----------------------------------------------------------------------
    def _grow(self, need: int) -> None:
        if need <= self._cap:
            return
        cap = max(need, 2 * self._cap, 1024)
        for k, a in self._data.items():
            b = np.empty(cap, a.dtype)
            b[: self.n] = a[: self.n]
            self._data[k] = b
        values = np.full((cap, self.n_objectives), np.nan)
        values[: self.n] = self._values[: self.n]
        self._values = values
        for k, a in self._params.items():
            b = np.full(cap, np.nan)
            b[: self.n] = a[: self.n]
            self._params[k] = b
        self._cap = cap

    def update(self, trials: Iterable[Trial]) -> None:
        """Write ``trials``: new ones get a row, known ones overwrite theirs."""
        trials = list(trials)
        self._grow(self.n + len(trials))
        d = self._data
        for t in trials:
            row = self.row_of.get(t.number)
            if row is None:
                row = self.row_of[t.number] = self.n
                self.n += 1
                self.trials.append(t)
            else:
                self.trials[row] = t
            d["number"][row] = t.number
            d["state"][row] = CODE[t.state]
            d["seq"][row] = t.seq
            d["duration"][row] = _time(t.duration)
            d["start"][row] = _time(t.datetime_start)
            d["complete"][row] = _time(t.datetime_complete)
            d["has_values"][row] = bool(t.values)
            d["curves"][row] = bool(t.intermediate)
            self._values[row] = t.values if t.values else np.nan
            params = t.params
            for label, known in self._params.items():
                if label not in params:
                    known[row] = np.nan
                    self._other[label].pop(row, None)
            for label, v in params.items():
                if label not in self._params:
                    self._params[label] = np.full(self._cap, np.nan)
                    self._other[label] = {}
                    self._ints[label] = True
                    self.labels.append(label)
                x = _number(v)
                if isinstance(v, float):
                    self._ints[label] = False
                self._params[label][row] = x
                if math.isnan(x) and not (isinstance(v, float) and math.isnan(v)):
                    self._other[label][row] = v
                else:
                    self._other[label].pop(row, None)

    # -- reading -----------------------------------------------------------------------
    def __getattr__(self, name: str) -> np.ndarray:
        """The per-row columns ``number``, ``state`` (codes), ``seq``, ``duration``,
        ``start``, ``complete`` (NaN where unset), ``has_values`` and ``curves``."""
        data = self.__dict__.get("_data")
        if data is not None and name in data:
            return data[name][: self.n]
        raise AttributeError(name)

    @property
    def values(self) -> np.ndarray:
        """The objective values, one column per objective (NaN where none)."""
        return self._values[: self.n]

    def param(self, label: str) -> np.ndarray:
        """Parameter ``label`` where it is a number (NaN where missing or not a number)."""
        column = self._params.get(label)
        return np.full(self.n, np.nan) if column is None else column[: self.n]

    def other(self, label: str) -> dict[int, Any]:
        """Parameter ``label``'s values that are not numbers (strings, bools, ...), by row."""
        return self._other.get(label, {})

    def is_int(self, label: str) -> bool:
        """Whether every number parameter ``label`` took is an int (to write it as one)."""
        return self._ints.get(label, False)

    def by_number(self) -> np.ndarray:
        """The rows in the order of the trials' numbers."""
        return np.argsort(self.number, kind="stable")

    def numeric(self, key: str) -> np.ndarray:
        """The column a range filter compares: ``number``, ``value`` (first objective),
        ``duration`` or ``param:<label>``; NaN where the field is not a number."""
        if key == "number":
            return self.number.astype(np.float64)
        if key == "value":
            return self.values[:, 0]
        if key == "duration":
            return self.duration
        if key.startswith("param:"):
            return self.param(key[6:])
        return np.full(self.n, np.nan)

    def sort_keys(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """``(group, rank)`` per row for sorting by ``key``: group 0 holds numbers, 1
        strings, 2 missing values; rank orders rows within their group."""
        if key == "state":
            return np.ones(self.n, np.int8), _NAME_RANK[self.state].astype(np.float64)
        x = self.numeric(key)
        group = np.where(np.isnan(x), 2, 0).astype(np.int8)
        rank = np.where(np.isnan(x), 0.0, x)
        other = self._other.get(key[6:]) if key.startswith("param:") else None
        if other:
            rows = np.fromiter(other, np.int64, len(other))
            text = np.array([str(v) for v in other.values()])
            _, codes = np.unique(text, return_inverse=True)
            group[rows] = 1
            rank[rows] = codes
        return group, rank

    def sorted_rows(self, key: str, descending: bool = False) -> np.ndarray:
        """Every row sorted by ``key`` (ties by number), missing values last either way."""
        if key == "number":
            rows = self.by_number()
            return rows[::-1] if descending else rows
        group, rank = self.sort_keys(key)
        order = np.lexsort((self.number, rank, group))
        present = order[group[order] < 2]
        missing = order[group[order] == 2]
        return np.concatenate([present[::-1] if descending else present, missing])

    def completed(self) -> np.ndarray:
        """The rows of the completed trials that hold values."""
        return np.flatnonzero((self.state == CODE[TrialState.COMPLETE]) & self.has_values)

    def best_rows(self, k: int, sign: float = 1.0) -> np.ndarray:
        """The ``k`` best completed rows on the first objective (ties by number)."""
        done = self.completed()
        v = sign * self.values[done, 0]
        v = np.where(np.isnan(v), np.inf, v)
        order = np.lexsort((self.number[done], v))
        return done[order[:k]]

    def state_names(self, rows: np.ndarray) -> list[str]:
        """The state of each of ``rows``, by name."""
        return [_NAMES[c] for c in self.state[rows].tolist()]

    def counts(self) -> dict[str, int]:
        """How many trials are in each state, by state name."""
        n = np.bincount(self.state, minlength=len(STATES))
        return {s.name: int(n[i]) for i, s in enumerate(STATES)}


def thin(rows: np.ndarray, pinned: np.ndarray, limit: int) -> np.ndarray:
    """At most about ``limit`` of ``rows`` (kept in their order): every pinned one and an
    even sample of the others. ``pinned`` is a boolean mask over ``rows``."""
    if len(rows) <= limit:
        return rows
    n_pinned = int(np.count_nonzero(pinned))
    rest = ~pinned
    room = max(0, limit - n_pinned)
    n_rest = len(rows) - n_pinned
    step = max(1, math.ceil(n_rest / room)) if room else n_rest + 1
    rank = np.cumsum(rest) - 1
    return rows[pinned | (rest & (rank % step == 0))]


def rows_of(cols: Columns, rows: Sequence[int] | np.ndarray) -> list[Trial]:
    """The trials of ``rows``, in that order."""
    trials = cols.trials
    return [trials[r] for r in np.asarray(rows).tolist()]
