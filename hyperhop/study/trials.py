"""The list of a study's trials, with exports to pandas, CSV and JSON."""

from __future__ import annotations

import csv
import datetime as _dt
import os
from collections.abc import Iterable
from typing import Any, TextIO

import numpy as np

from hyperhop._lazy import require
from hyperhop.storage import codec
from hyperhop.trial import Trial


def _iso(ts: float | None) -> str | None:
    return None if ts is None else _dt.datetime.fromtimestamp(ts, tz=_dt.timezone.utc).isoformat()


def _cell(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return v.tolist() if v.size <= 16 else f"<array shape={v.shape}>"
    return v


def trial_record(t: Trial, *, config: bool = False) -> dict[str, Any]:
    """One flat row per trial: number, state, value(s), timing, worker, params, attrs, error."""
    row: dict[str, Any] = {"number": t.number, "state": t.state.name}
    if t.values is not None and len(t.values) > 1:
        for i, v in enumerate(t.values):
            row[f"value_{i}"] = v
    else:
        row["value"] = t.value
    row.update(
        {
            "datetime_start": _iso(t.datetime_start),
            "datetime_complete": _iso(t.datetime_complete),
            "duration": t.duration,
            "worker": t.owner,
        }
    )
    for k, v in t.params.items():
        row[f"params.{k}"] = _cell(v)
    for k, v in t.user_attrs.items():
        row[f"attrs.{k}"] = _cell(v)
    row["error"] = None if t.error is None else t.error.reason
    row["error_message"] = None if t.error is None else t.error.message
    if t.retried_from is not None:
        row["retried_from"] = t.retried_from
    return row


class TrialList(list[Trial]):
    """The study's trials ordered by number, with export helpers.

    Example:
        >>> import hyperhop as hh
        >>> study = hh.minimize(lambda c: c["x"] ** 2, {"x": hh.float(-1, 1)}, n_trials=3, seed=0, progress=False)
        >>> [t.state.name for t in study.trials]
        ['COMPLETE', 'COMPLETE', 'COMPLETE']
    """

    def __init__(self, trials: Iterable[Trial] = ()) -> None:
        super().__init__(trials)

    def _repr_html_(self) -> str:
        """In Jupyter: the trials as a table, choices shown by value (user strings escaped)."""
        from hyperhop.report.tables import trial_list_html

        return trial_list_html(self)

    def records(self) -> list[dict[str, Any]]:
        return [trial_record(t) for t in self]

    def to_pandas(self) -> Any:
        """A ``pandas.DataFrame`` with one row per trial (needs ``hyperhop[pandas]``)."""
        pd = require("pandas", "pandas", "study.trials.to_pandas()")
        return pd.DataFrame.from_records(self.records())

    def to_csv(self, path: str | os.PathLike[str] | TextIO) -> None:
        """Write one row per trial (columns are the union over trials) to a path or a text file."""
        rows = self.records()
        columns: dict[str, None] = {}
        for r in rows:
            columns.update(dict.fromkeys(r))
        if hasattr(path, "write"):
            self._write_csv(path, rows, list(columns))  # type: ignore[arg-type]
            return
        with open(path, "w", newline="", encoding="utf-8") as f:
            self._write_csv(f, rows, list(columns))

    @staticmethod
    def _write_csv(f: TextIO, rows: list[dict[str, Any]], columns: list[str]) -> None:
        w = csv.DictWriter(f, fieldnames=columns)
        w.writeheader()
        for r in rows:
            w.writerow(
                {k: codec.dumps(v) if isinstance(v, (list, dict)) else v for k, v in r.items()}
            )

    def to_json(self, path: str | os.PathLike[str] | None = None) -> str:
        """The trials as a JSON array (written to ``path`` when given, and returned)."""
        text = codec.dumps(
            [
                {
                    "number": t.number,
                    "state": t.state.name,
                    "values": list(t.values) if t.values else None,
                    "params": t.params,
                    "user_attrs": t.user_attrs,
                    "intermediate": {str(k): v for k, v in t.intermediate.items()},
                    "datetime_start": t.datetime_start,
                    "datetime_complete": t.datetime_complete,
                    "worker": t.owner,
                    "error": None if t.error is None else t.error.to_json(),
                    "retried_from": t.retried_from,
                }
                for t in self
            ]
        )
        if path is not None:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        return text
