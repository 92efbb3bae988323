"""What the dashboard shows, read from a storage incrementally and kept per study.

A :class:`StudyView` holds the latest snapshot of every trial of one study. Each request
first asks the storage for the trials changed since the last sequence number it saw (the
storages' incremental read), so a page over a 100,000-trial study costs one cheap query
plus the work on the rows it shows. Nothing here writes to the storage.
"""

from __future__ import annotations

import csv
import io
import math
import threading
import time
from collections.abc import Iterable, Sequence
from typing import Any

from hyperhop.space.serialize import space_for_reading
from hyperhop.storage.base import Storage, StudyInfo
from hyperhop.trial import Trial, TrialState

MAX_POINTS = 5000
"""Trials drawn individually in a chart; past this the charts are thinned (see ``series``)."""

MAX_PAGE = 500
"""The largest page of the trials table."""


def jsonable(x: Any) -> Any:
    """``x`` with non-finite floats as the strings ``"inf"``, ``"-inf"``, ``"nan"`` (JSON has none)."""
    if isinstance(x, float):
        if math.isfinite(x):
            return x
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if x is None or isinstance(x, (str, int, bool)):
        return x
    return str(x)


def iso(ts: float | None) -> str | None:
    """A POSIX time as ISO 8601 in UTC, to the second (None stays None)."""
    if ts is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def params_of(trial: Trial) -> dict[str, Any]:
    """The parameters a person reads for ``trial``, flat by label (not to be modified)."""
    return trial.params


def _sortable(v: Any) -> tuple[int, Any]:
    """A key that orders numbers, then strings, then missing values, whatever the mix."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return (2, 0)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return (0, v)
    return (1, str(v))


class StudyView:
    """The trials of one study, refreshed incrementally from the storage.

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
        self.labels: list[str] = []
        self._label_set: set[str] = set()
        self._lock = threading.Lock()
        self._cache: dict[Any, Any] = {}

    def refresh(self) -> list[Trial]:
        """Read the trials changed since the last call; returns them."""
        with self._lock:
            changed, seq = self.storage.get_trials(self.info.id, since=self.seq)
            if changed:
                self._cache = {}  # derived data is rebuilt once per change, not per request
            for t in changed:
                self.trials[t.number] = t.attach(self.space)
                for k in params_of(t):
                    if k not in self._label_set:
                        self._label_set.add(k)
                        self.labels.append(k)
            self.seq = max(self.seq, seq)
            return changed

    def cached(self, key: Any, make: Any) -> Any:
        """``make()``, computed once per change of the study (``key`` names it)."""
        cache = self._cache
        if key not in cache:
            cache[key] = make()
        return cache[key]

    def ordered(self) -> list[Trial]:
        """Every trial, by number."""
        return self.cached("ordered", lambda: [self.trials[n] for n in sorted(self.trials)])

    # -- summary -----------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        counts = {s.name: 0 for s in TrialState}
        for t in self.trials.values():
            counts[t.state.name] += 1
        return counts

    def best(self, k: int = 5) -> list[Trial]:
        """The ``k`` best completed trials (single objective; the Pareto front's first ``k``
        by number otherwise)."""
        done = [t for t in self.trials.values() if t.state is TrialState.COMPLETE and t.values]
        if len(self.info.directions) != 1:
            from hyperhop.multiobjective import as_minimization, pareto_front

            if not done:
                return []
            idx = pareto_front(
                as_minimization([list(t.values or ()) for t in done], self.info.directions)
            )
            return sorted((done[i] for i in idx), key=lambda t: t.number)[:k]
        sign = 1.0 if self.info.directions[0] == "min" else -1.0
        done.sort(key=lambda t: (sign * t.values[0], t.number))  # type: ignore[index]
        return done[:k]

    def last_activity(self) -> float | None:
        stamps = [
            x
            for t in self.trials.values()
            for x in (t.datetime_complete, t.datetime_start)
            if x is not None
        ]
        return max(stamps) if stamps else None

    def summary(self) -> dict[str, Any]:
        return self.cached("summary", self._summary)

    def _summary(self) -> dict[str, Any]:
        return {
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
        wanted = frozenset(s.upper() for s in states)
        bounds = tuple(sorted((ranges or {}).items()))

        def select() -> list[Trial]:
            rows = self._sorted(sort, descending)
            if wanted:
                rows = [t for t in rows if t.state.name in wanted]
            for key, (low, high) in bounds:
                _check_key(key)
                rows = [t for t in rows if _within(_field(t, key), low, high)]
            return rows

        rows = (
            self.cached(("table", sort, descending, wanted, bounds), select)
            if (wanted or bounds)
            else self._sorted(sort, descending)
        )
        total = len(rows)
        pages = max(1, math.ceil(total / size))
        page = max(0, min(int(page), pages - 1))
        chunk = rows[page * size : (page + 1) * size]
        return {
            "total": total,
            "page": page,
            "pages": pages,
            "size": size,
            "labels": self.labels,
            "rows": [self.row(t) for t in chunk],
        }

    def _sorted(self, sort: str, descending: bool) -> list[Trial]:
        """Every trial sorted by ``sort`` (missing values last either way), cached."""
        if sort == "number":
            rows = self.ordered()
            return rows[::-1] if descending else rows
        _check_key(sort)

        def make() -> list[Trial]:
            keyed = [(_sortable(_field(t, sort)), t) for t in self.ordered()]
            present = [(k, t) for k, t in keyed if k[0] < 2]
            present.sort(key=lambda kt: (kt[0], kt[1].number), reverse=descending)
            return [t for _, t in present] + [t for k, t in keyed if k[0] == 2]

        return self.cached(("sorted", sort, descending), make)

    def page_of(self, number: int, size: int = 50) -> int:
        """The page (sorted by number) that holds trial ``number``, for 'jump to'."""
        size = max(1, min(int(size), MAX_PAGE))
        before = sum(1 for n in self.trials if n < number)
        return before // size

    def csv(self) -> str:
        """Every trial as CSV: number, state, values, parameters by label, times."""
        return self.cached("csv", self._csv)

    def _csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        n_obj = len(self.info.directions)
        value_cols = ["value"] if n_obj == 1 else [f"value_{i}" for i in range(n_obj)]
        writer.writerow(
            ["number", "state", *value_cols, *self.labels, "start", "complete", "duration"]
        )
        for t in self.ordered():
            values = list(t.values) if t.values else [None] * n_obj
            p = params_of(t)
            writer.writerow(
                [
                    t.number,
                    t.state.name,
                    *values,
                    *(p.get(k, "") for k in self.labels),
                    iso(t.datetime_start) or "",
                    iso(t.datetime_complete) or "",
                    "" if t.duration is None else t.duration,
                ]
            )
        return out.getvalue()

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
        """The charts' data (see :meth:`_series`), computed once per change of the study."""
        return self.cached("series", self._series)

    def _series(self) -> dict[str, Any]:
        """The data of the study page's charts, thinned past ``MAX_POINTS`` trials.

        The history keeps every trial that improved the best (so the best-so-far line is
        exact) and an even sample of the others; the parameter charts use the best tenth
        and an even sample of the rest, ``MAX_POINTS`` in all.
        """
        trials = self.ordered()
        directions = self.info.directions
        sign = 1.0 if directions[0] == "min" else -1.0
        scored = [t for t in trials if t.values and t.state is not TrialState.RUNNING]
        best_line: list[tuple[int, float]] = []
        best = math.inf
        for t in scored:
            v = sign * t.values[0]  # type: ignore[index]
            if t.state is TrialState.COMPLETE and v < best:
                best = v
                best_line.append((t.number, t.values[0]))  # type: ignore[index]
        keep = _thin(scored, {n for n, _ in best_line}, MAX_POINTS)
        ranked = sorted(scored, key=lambda t: sign * t.values[0])  # type: ignore[index]
        top = {t.number for t in ranked[: max(1, len(ranked) // 10)]}
        keep_params = _thin(scored, top, MAX_POINTS)
        curves = [t for t in trials if t.intermediate]
        curves = _thin(curves, top, 200)
        flat = [params_of(t) for t in keep_params]
        return {
            "n": len(trials),
            "shown": len(keep),
            "directions": list(directions),
            "history": {
                "number": [t.number for t in keep],
                "value": [jsonable(t.values[0]) for t in keep],  # type: ignore[index]
                "state": [t.state.name for t in keep],
                "hover": [_hover(t) for t in keep],
                "best_number": [n for n, _ in best_line],
                "best_value": [jsonable(v) for _, v in best_line],
            },
            "params": {
                "value": [jsonable(t.values[0]) for t in keep_params],  # type: ignore[index]
                "number": [t.number for t in keep_params],
                "columns": {k: [jsonable(p.get(k)) for p in flat] for k in self.labels},
            },
            "curves": [
                {
                    "number": t.number,
                    "state": t.state.name,
                    "steps": sorted(t.intermediate),
                    "values": [jsonable(t.intermediate[s]) for s in sorted(t.intermediate)],
                }
                for t in curves
            ],
            "timeline": [
                {
                    "number": t.number,
                    "worker": t.owner or "?",
                    "state": t.state.name,
                    "start": t.datetime_start,
                    "end": t.datetime_complete or time.time(),
                }
                for t in _thin([t for t in trials if t.datetime_start], set(), MAX_POINTS)
            ],
        }


def _field(t: Trial, key: str) -> Any:
    if key == "number":
        return t.number
    if key == "state":
        return t.state.name
    if key == "value":
        return t.values[0] if t.values else None
    if key == "duration":
        return t.duration
    if key.startswith("param:"):
        return params_of(t).get(key[6:])
    _check_key(key)
    return None


def _check_key(key: str) -> None:
    if key not in ("number", "state", "value", "duration") and not key.startswith("param:"):
        raise ValueError(
            f"Cannot sort or filter by {key!r}; use number, state, value, duration or "
            "param:<label>."
        )


def _within(v: Any, low: float | None, high: float | None) -> bool:
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        return False
    return (low is None or v >= low) and (high is None or v <= high)


def _thin(trials: Sequence[Trial], always: set[int], limit: int) -> list[Trial]:
    """At most about ``limit`` trials in number order: those in ``always`` and an even
    sample of the others."""
    if len(trials) <= limit:
        return list(trials)
    pinned = [t for t in trials if t.number in always]
    rest = [t for t in trials if t.number not in always]
    room = max(0, limit - len(pinned))
    step = max(1, math.ceil(len(rest) / room)) if room else len(rest) + 1
    chosen = pinned + rest[::step]
    chosen.sort(key=lambda t: t.number)
    return chosen


def _hover(t: Trial) -> str:
    parts = [f"#{t.number} {t.state.name}"]
    parts += [f"{k} = {v}" for k, v in params_of(t).items()]
    return "\n".join(parts)
