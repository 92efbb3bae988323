"""The list of a study's trials, with exports to pandas, CSV and JSON.

The three exports say the same thing: parameters as values (a choice's option, not its
index) under ``params.<label>`` (the label is the parameter's nested path, ``model.C``),
times in ISO 8601 (UTC), durations in seconds (a ``Timedelta`` in pandas). They are built
column by column, so 100,000 trials export in a fraction of a second
(``benchmarks/exports.py``).
"""

from __future__ import annotations

import csv
import itertools
import operator
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np

from hyperhop._lazy import require
from hyperhop.space.numeric import Float, Int, Normal
from hyperhop.storage import codec
from hyperhop.trial import Trial, TrialState

if TYPE_CHECKING:
    from hyperhop.space import Space
    from hyperhop.space.base import Parameter

Columns = dict[str, Any]
"""Column name -> a list, or a NumPy array (numbers; NaN where a float is missing)."""

_TIMES = ("datetime_start", "datetime_complete")


def _cell(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return v.tolist() if v.size <= 16 else f"<array shape={v.shape}>"
    return v


def _floats(xs: list[Any]) -> np.ndarray:
    return np.array(xs, dtype=float)  # None becomes NaN


def _as_list(col: list[Any] | np.ndarray) -> list[Any]:
    """A column as plain Python values, a missing float (NaN) as None."""
    if not isinstance(col, np.ndarray):
        return col
    if col.dtype.kind != "f":
        return col.tolist()
    return [None if x != x else x for x in col.tolist()]


def datetimes(s: np.ndarray) -> np.ndarray:
    """Seconds since the epoch (NaN: none) as ``datetime64[us]`` in UTC (NaT: none), to the
    microsecond, as every export writes them."""
    ok = ~np.isnan(s)
    us = np.zeros(len(s), dtype=np.int64)
    us[ok] = np.round(s[ok] * 1e6).astype(np.int64)
    out = us.astype("datetime64[us]")
    out[~ok] = np.datetime64("NaT")
    return out


def iso_times(s: np.ndarray) -> list[str | None]:
    """Seconds since the epoch (NaN: none) as ISO 8601 UTC text
    (``2026-12-07T18:11:12.123456Z``)."""
    text = np.datetime_as_string(datetimes(s), unit="us", timezone="UTC")
    return [None if t == "NaT" else t for t in text.tolist()]


def _union(dicts: list[dict[str, Any]]) -> list[str]:
    shapes = dict.fromkeys(map(tuple, dicts))  # the few distinct key orders, in order
    return list(dict.fromkeys(itertools.chain.from_iterable(shapes)))


def _column(dicts: list[dict[str, Any]], key: str) -> list[Any]:
    try:  # a key that every dict has (the common case) is read without .get()
        return list(map(operator.itemgetter(key), dicts))
    except KeyError:
        return [d.get(key) for d in dicts]


_STATE_NAMES = {s: s.name for s in TrialState}


def columns(trials: list[Trial], space: Space | None) -> Columns:
    """One list per column, in order: number, state, value(s), times, worker, one column per
    parameter (``params.<label>``, values), one per user attribute (``attrs.<key>``), the
    error's reason and message, and ``retried_from`` when any trial was a retry. Times stay
    seconds since the epoch here (each export formats them)."""
    if not trials:
        return {}
    numbers, states, values, starts, ends, owners, assignments, attrs, errors, retried = (
        list(map(operator.attrgetter(name), trials))
        for name in (
            "number",
            "state",
            "values",
            "datetime_start",
            "datetime_complete",
            "owner",
            "assignment",
            "user_attrs",
            "error",
            "retried_from",
        )
    )
    cols: Columns = {
        "number": np.array(numbers, dtype=np.int64),
        "state": list(map(_STATE_NAMES.__getitem__, states)),
    }
    width = max(map(len, filter(None, values)), default=1)
    if width > 1:
        for i in range(width):
            cols[f"value_{i}"] = _floats([v[i] if v else None for v in values])
    else:
        cols["value"] = _floats([v[0] if v else None for v in values])
    cols["datetime_start"], cols["datetime_complete"] = _floats(starts), _floats(ends)
    us = np.round(cols["datetime_complete"] * 1e6) - np.round(cols["datetime_start"] * 1e6)
    cols["duration"] = us / 1e6  # what the times in microseconds say
    cols["worker"] = owners
    if space is None:  # a list built by hand: the space its trials are attached to
        space = trials[0].__dict__.get("_space")
    for label in _union(assignments):
        raw = _column(assignments, label)
        param = space[label].param if space is not None and label in space else None
        if param is not None:
            raw = param.display_values(raw)
        if (param is None or param.shape is not None) and _has_arrays(raw):
            raw = [_cell(v) for v in raw]
        cols[f"params.{label}"] = _numeric(raw, param)
    for key in _union(attrs):
        cols[f"attrs.{key}"] = _column(attrs, key)
    cols["error"] = [None if e is None else e.reason for e in errors]
    cols["error_message"] = [None if e is None else e.message for e in errors]
    if any(r is not None for r in retried):
        cols["retried_from"] = retried
    return cols


def _numeric(xs: list[Any], param: Parameter | None) -> list[Any] | np.ndarray:
    """A scalar number parameter's values as an array (NaN where it was inactive; an int
    parameter only when it never was), so that no export has to guess their type."""
    if param is None or param.shape is not None:
        return xs
    if isinstance(param, Normal) or (isinstance(param, Float) and not param.as_int):
        return _floats(xs)
    if isinstance(param, (Int, Float)) and None not in xs:
        return np.array(xs, dtype=np.int64)
    return xs


def _has_arrays(xs: list[Any]) -> bool:
    return any(type(x) is np.ndarray for x in xs)


class TrialList(list[Trial]):
    """The study's trials ordered by number, with export helpers.

    Example:
        >>> import hyperhop as hh
        >>> study = hh.minimize(lambda c: c["x"] ** 2, {"x": hh.float(-1, 1)}, n_trials=3, seed=0, progress=False)
        >>> [t.state.name for t in study.trials]
        ['COMPLETE', 'COMPLETE', 'COMPLETE']
    """

    def __init__(self, trials: Iterable[Trial] = (), *, space: Space | None = None) -> None:
        super().__init__(trials)
        self.space = space
        """The space that shows the parameters as values (None: each trial's own)."""

    def _columns(self, text: bool) -> Columns:
        """:func:`columns`; with ``text``, all lists, times as ISO text (for CSV and JSON)."""
        cols = columns(self, self.space)
        if text:
            for name, col in cols.items():
                cols[name] = iso_times(col) if name in _TIMES else _as_list(col)
        return cols

    def _repr_html_(self) -> str:
        """In Jupyter: the trials as a table, choices shown by value (user strings escaped)."""
        from hyperhop.report.tables import trial_list_html

        return trial_list_html(self)

    def records(self) -> list[dict[str, Any]]:
        """One flat dict per trial, as in :meth:`to_csv` (times as ISO text)."""
        cols = self._columns(text=True)
        names = list(cols)
        return [dict(zip(names, row, strict=True)) for row in zip(*cols.values(), strict=True)]

    def to_pandas(self) -> Any:
        """A ``pandas.DataFrame`` with one row per trial (needs ``hyperhop[pandas]``): the
        columns of :func:`columns`; times as UTC datetimes, ``duration`` as timedeltas.

        Example:
            >>> import hyperhop as hh
            >>> space = {"depth": hh.choice(4, 8), "lr": hh.float(0.01, 0.1)}
            >>> df = hh.minimize(lambda c: c["lr"], space, n_trials=3, progress=False).trials.to_pandas()
            >>> sorted(set(df["params.depth"]) - {4, 8}), str(df["datetime_start"].dtype)
            ([], 'datetime64[us, UTC]')
        """
        pd = require("pandas", "pandas", "study.trials.to_pandas()")
        cols = self._columns(text=False)
        if not cols:
            return pd.DataFrame()
        for name in _TIMES:
            cols[name] = pd.DatetimeIndex(datetimes(cols[name])).tz_localize("UTC")
        cols["duration"] = pd.TimedeltaIndex(cols["datetime_complete"] - cols["datetime_start"])
        return pd.DataFrame(cols)

    def to_csv(self, path: str | os.PathLike[str] | TextIO) -> None:
        """Write one row per trial (the columns of :meth:`to_pandas`; times as ISO text,
        ``duration`` in seconds, lists and dicts as JSON) to a path or a text file."""
        if hasattr(path, "write"):
            self._write_csv(path)  # type: ignore[arg-type]
            return
        with open(path, "w", newline="", encoding="utf-8") as f:
            self._write_csv(f)

    def _write_csv(self, f: TextIO) -> None:
        cols = self._columns(text=True)
        for name, col in cols.items():
            if any(isinstance(v, (list, dict)) for v in col):
                cols[name] = [codec.dumps(v) if isinstance(v, (list, dict)) else v for v in col]
        w = csv.writer(f)
        w.writerow(cols)
        w.writerows(zip(*cols.values(), strict=True))

    def to_json(self, path: str | os.PathLike[str] | None = None) -> str:
        """The trials as a JSON array, one object per trial (written to ``path`` when given,
        and returned): ``params`` by label as values, times as ISO text, ``duration`` in
        seconds, and the intermediate values and the error in full."""
        cols = self._columns(text=True)
        params = [name for name in cols if name.startswith("params.")]
        out = []
        for i, t in enumerate(self):
            out.append(
                {
                    "number": t.number,
                    "state": t.state.name,
                    "values": list(t.values) if t.values else None,
                    "params": {
                        name[7:]: cols[name][i] for name in params if name[7:] in t.assignment
                    },
                    "user_attrs": t.user_attrs,
                    "intermediate": {str(k): v for k, v in t.intermediate.items()},
                    "datetime_start": cols["datetime_start"][i],
                    "datetime_complete": cols["datetime_complete"][i],
                    "duration": cols["duration"][i],
                    "worker": t.owner,
                    "error": None if t.error is None else t.error.to_json(),
                    "retried_from": t.retried_from,
                }
            )
        text = codec.dumps(out)
        if path is not None:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        return text
