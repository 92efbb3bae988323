"""What the dashboard shows, read from a storage incrementally and kept per study.

A :class:`StudyView` holds the latest snapshot of every trial of one study. Each request
first asks the storage for the trials changed since the last sequence number it saw (the
storages' incremental read) and writes them into numpy columns
(:mod:`hyperhop.dashboard.columns`), so a page over a 100,000-trial study costs one cheap
query plus the work on the rows it shows, even just after a change. Nothing here writes
to the storage.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable
from typing import Any

import numpy as np

from hyperhop.dashboard import charts
from hyperhop.dashboard.columns import STATES, Columns, rows_of
from hyperhop.dashboard.csvfile import csv_text
from hyperhop.dashboard.formatting import iso, jsonable, params_of
from hyperhop.space.serialize import space_for_reading
from hyperhop.storage.base import Storage, StudyInfo
from hyperhop.trial import Trial

MAX_POINTS = 5000
"""Trials drawn individually in a chart; past this the charts are thinned (see ``series``)."""

MAX_PAGE = 500
"""The largest page of the trials table."""


class StudyView:
    """The trials of one study, refreshed incrementally from the storage.

    Sorting, filtering, counting and thinning run over numpy columns (:class:`Columns`)
    that a refresh updates in place, so the first answer after a worker's change costs
    milliseconds at 100,000 trials, not a recompute over every ``Trial``.

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.dashboard import StudyView
        >>> study = hh.minimize(lambda c: c["x"], {"x": hh.float(0, 1)}, n_trials=5, seed=0,
        ...                     progress=False)
        >>> view = StudyView(study.storage, study.storage.get_study(study.name))
        >>> len(view.refresh()), view.refresh()       # the second read finds nothing new
        (5, [])
        >>> view.table(sort="value", size=2)["rows"][0]["values"] == [study.best_value]
        True
    """

    def __init__(self, storage: Storage, info: StudyInfo) -> None:
        self.storage = storage
        self.info = info
        self.space = space_for_reading(info.space)  # shows choices as values
        self.trials: dict[int, Trial] = {}
        self.seq = 0
        self.cols = Columns(len(info.directions))
        self._lock = threading.RLock()
        self._cache: dict[Any, Any] = {}
        self._last_summary: dict[str, Any] | None = None

    @property
    def labels(self) -> list[str]:
        """Every parameter label seen, in the order first seen."""
        return self.cols.labels

    def refresh(self) -> list[Trial]:
        """Read the trials changed since the last call; returns them."""
        with self._lock:
            changed, seq = self.storage.get_trials(self.info.id, since=self.seq)
            if changed:
                self._cache = {}  # derived data is rebuilt once per change, not per request
                for t in changed:
                    self.trials[t.number] = t.attach(self.space)
                self.cols.update(changed)
            self.seq = max(self.seq, seq)
            return changed

    def cached(self, key: Any, make: Any) -> Any:
        """``make()``, computed once per change of the study (``key`` names it)."""
        with self._lock:
            cache = self._cache
            if key not in cache:
                cache[key] = make()
            return cache[key]

    @property
    def sign(self) -> float:
        """1 when the first objective is minimized, -1 when maximized (sign * value: lower
        is better)."""
        return 1.0 if self.info.directions[0] == "min" else -1.0

    def by_number(self) -> np.ndarray:
        """The rows of :attr:`cols` in the order of the trials' numbers (cached)."""
        return self.cached("by_number", self.cols.by_number)

    def changed_since(self, seq: int, limit: int = 500) -> list[Trial]:
        """The trials written after sequence number ``seq`` (the first ``limit`` by number)."""
        with self._lock:
            rows = np.flatnonzero(self.cols.seq > seq)
            rows = rows[np.argsort(self.cols.number[rows], kind="stable")][:limit]
            return rows_of(self.cols, rows)

    # -- summary -----------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        return self.cols.counts()

    def best(self, k: int = 5) -> list[Trial]:
        """The ``k`` best completed trials (single objective; the Pareto front's first ``k``
        by number otherwise)."""
        cols = self.cols
        if len(self.info.directions) == 1:
            return rows_of(cols, cols.best_rows(k, self.sign))
        from hyperhop.multiobjective import as_minimization, pareto_front

        done = cols.completed()
        if not len(done):
            return []
        front = done[pareto_front(as_minimization(cols.values[done], self.info.directions))]
        return rows_of(cols, np.sort(front[np.argsort(cols.number[front])][:k]))

    def last_activity(self) -> float | None:
        stamps = np.concatenate([self.cols.start, self.cols.complete])
        stamps = stamps[~np.isnan(stamps)]
        return float(stamps.max()) if len(stamps) else None

    def summary(self) -> dict[str, Any]:
        return self.cached("summary", self._summary)

    def summary_now(self) -> dict[str, Any] | None:
        """The summary after a refresh, without waiting: while another thread reads the
        study, the last summary made (None before the first)."""
        if not self._lock.acquire(blocking=False):
            return self._last_summary
        try:
            self.refresh()
            return self.summary()
        finally:
            self._lock.release()

    def _summary(self) -> dict[str, Any]:
        self._last_summary = summary = {
            "id": self.info.id,
            "name": self.info.name,
            "directions": list(self.info.directions),
            "seq": self.seq,
            "n_trials": len(self.trials),
            "counts": self.counts(),
            "best": [self.row(t) for t in self.best()],
            "last_activity": iso(self.last_activity()),
            "labels": self.labels,
        }
        return summary

    # -- rows and the trials table -----------------------------------------------------
    def row(self, t: Trial) -> dict[str, Any]:
        return {
            "number": t.number,
            "state": t.state.name,
            "values": jsonable(list(t.values)) if t.values else None,
            "params": jsonable(params_of(t)),
            "start": iso(t.datetime_start),
            "complete": iso(t.datetime_complete),
            "duration": t.duration,
            "worker": t.owner,
        }

    def table(
        self,
        *,
        sort: str = "number",
        descending: bool = False,
        states: Iterable[str] = (),
        ranges: dict[str, tuple[float | None, float | None]] | None = None,
        page: int = 0,
        size: int = 50,
    ) -> dict[str, Any]:
        """One page of the trials, sorted and filtered on the server.

        ``sort`` is ``number``, ``state``, ``value`` (the first objective), ``duration`` or
        ``param:<label>``; ``states`` keeps only those states; ``ranges`` keeps trials whose
        numeric parameter (or ``value``) lies in ``[low, high]``.
        """
        size = max(1, min(int(size), MAX_PAGE))
        _check_key(sort)
        wanted = frozenset(s.upper() for s in states)
        bounds = tuple(sorted((ranges or {}).items()))
        for key, _ in bounds:
            _check_key(key)

        def select() -> np.ndarray:
            cols = self.cols
            rows = self._sorted(sort, descending)
            keep = np.ones(cols.n, bool)
            if wanted:
                codes = [i for i, s in enumerate(STATES) if s.name in wanted]
                keep &= np.isin(cols.state, codes)
            for key, (low, high) in bounds:
                x = cols.numeric(key)
                with np.errstate(invalid="ignore"):
                    keep &= ~np.isnan(x)
                    if low is not None:
                        keep &= x >= low
                    if high is not None:
                        keep &= x <= high
            return rows[keep[rows]]

        rows = (
            self.cached(("table", sort, descending, wanted, bounds), select)
            if (wanted or bounds)
            else self._sorted(sort, descending)
        )
        total = len(rows)
        pages = max(1, math.ceil(total / size))
        page = max(0, min(int(page), pages - 1))
        chunk = rows_of(self.cols, rows[page * size : (page + 1) * size])
        return {
            "total": total,
            "page": page,
            "pages": pages,
            "size": size,
            "labels": self.labels,
            "rows": [self.row(t) for t in chunk],
        }

    def _sorted(self, sort: str, descending: bool) -> np.ndarray:
        """Every row sorted by ``sort`` (missing values last either way), cached."""
        if sort == "number":
            rows = self.by_number()
            return rows[::-1] if descending else rows
        return self.cached(
            ("sorted", sort, descending), lambda: self.cols.sorted_rows(sort, descending)
        )

    def page_of(self, number: int, size: int = 50) -> int:
        """The page (sorted by number) that holds trial ``number``, for 'jump to'."""
        size = max(1, min(int(size), MAX_PAGE))
        return int(np.count_nonzero(self.cols.number < number)) // size

    def csv(self) -> str:
        """Every trial as CSV: number, state, values, parameters by label, times."""
        return self.cached("csv", lambda: csv_text(self))

    # -- one trial ---------------------------------------------------------------------
    def trial(self, number: int) -> dict[str, Any]:
        """Everything about one trial; raises KeyError when there is none."""
        t = self.trials[number]
        out = self.row(t)
        out.update(
            intermediate=[[int(k), jsonable(v)] for k, v in sorted(t.intermediate.items())],
            user_attrs=jsonable(t.user_attrs),
            error=None
            if t.error is None
            else {
                "reason": str(getattr(t.error.reason, "value", t.error.reason)),
                "type": t.error.type,
                "message": t.error.message,
                "traceback": t.error.traceback,
            },
            retried_from=t.retried_from,
            attachments=self.storage.list_attachments(t.id),
        )
        return out

    # -- charts --------------------------------------------------------------------------
    def series(self) -> dict[str, Any]:
        """The charts' data (see :func:`~hyperhop.dashboard.charts.series`), computed once
        per change of the study."""
        return self.cached("series", lambda: charts.series(self, MAX_POINTS))


def _check_key(key: str) -> None:
    if key not in ("number", "state", "value", "duration") and not key.startswith("param:"):
        raise ValueError(
            f"Cannot sort or filter by {key!r}; use number, state, value, duration or "
            "param:<label>."
        )
