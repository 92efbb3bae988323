"""HTML tables of a study and its trials (for Jupyter's ``_repr_html_`` and reports).
Every string that comes from the user (study, parameter and objective names, values,
worker names, error messages) is escaped."""

from __future__ import annotations

import datetime as _dt
import html
from collections import Counter
from collections.abc import Sequence
from typing import Any

from hyperhop._studydata import StudyData, value_text
from hyperhop.trial import Trial, TrialState

MAX_ROWS = 50
"""A table of more trials shows the first and the last ``MAX_ROWS // 2``."""


def esc(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _num(v: float | None) -> str:
    return "" if v is None else f"{v:.6g}"


def _when(ts: float | None) -> str:
    if ts is None:
        return ""
    return _dt.datetime.fromtimestamp(ts, tz=_dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def table(header: Sequence[str], rows: Sequence[Sequence[str]], *, escaped: bool = False) -> str:
    """An HTML table; cells are escaped unless ``escaped`` (already HTML)."""
    cell = (lambda c: c) if escaped else esc
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="hh"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def trial_rows(data: StudyData, trials: Sequence[Trial]) -> tuple[list[str], list[list[str]]]:
    """Header and rows: number, state, value(s), parameters (choice values), duration,
    error."""
    labels = list(data.space.labels) or sorted({k for t in trials for k in t.assignment})
    objs = [data.objective_label(i) for i in range(data.n_objectives)]
    header = ["#", "state", *objs, *labels, "seconds", "error"]
    rows = []
    for t in trials:
        a = t.assignment
        vals = [
            _num(t.values[i]) if t.values and i < len(t.values) else ""
            for i in range(data.n_objectives)
        ]
        params = [value_text(data, lb, a[lb]) if lb in a else "" for lb in labels]
        rows.append(
            [str(t.number), t.state.name, *vals, *params, _num(t.duration), str(t.error or "")]
        )
    return header, rows


def trials_html(data: StudyData, trials: Sequence[Trial] | None = None) -> str:
    """The trials as a table (at most :data:`MAX_ROWS` rows: the first and the last)."""
    trials = list(data.trials if trials is None else trials)
    cut = len(trials) > MAX_ROWS
    shown = trials[: MAX_ROWS // 2] + trials[-MAX_ROWS // 2 :] if cut else trials
    header, rows = trial_rows(data, shown)
    if cut:
        rows.insert(MAX_ROWS // 2, ["…"] * len(header))
    note = f"<p>{len(trials)} trials; the first and last {MAX_ROWS // 2} shown.</p>" if cut else ""
    return table(header, rows) + note


def best_trials(data: StudyData, top: int = 10) -> list[Trial]:
    """The ``top`` best completed trials (single objective), or the Pareto front."""
    done = [t for t in data.trials if t.state is TrialState.COMPLETE and t.values]
    if data.n_objectives > 1:
        from hyperhop.multiobjective import as_minimization, pareto_front
        from hyperhop.multiobjective.constraints import is_feasible

        done = [t for t in done if is_feasible(t)]
        if not done:
            return []
        Y = as_minimization([t.values or () for t in done], data.directions)
        return [done[i] for i in pareto_front(Y)][:top]
    sign = 1.0 if data.directions[0] == "min" else -1.0
    done.sort(key=lambda t: (sign * t.values[0], t.number))  # type: ignore[index]
    return done[:top]


def summary_rows(data: StudyData) -> list[list[str]]:
    counts = Counter(t.state.name for t in data.trials)
    starts = [t.datetime_start for t in data.trials if t.datetime_start is not None]
    ends = [t.datetime_complete for t in data.trials if t.datetime_complete is not None]
    objs = ", ".join(f"{data.objective_label(i)} ({d})" for i, d in enumerate(data.directions))
    rows = [
        ["study", data.name],
        ["objectives", objs],
        ["trials", ", ".join(f"{n} {s.lower()}" for s, n in sorted(counts.items())) or "none"],
        ["parameters", ", ".join(data.space.labels)],
        ["first start", _when(min(starts)) if starts else ""],
        ["last end", _when(max(ends)) if ends else ""],
        ["workers", str(len({t.owner for t in data.trials if t.owner}))],
    ]
    best = best_trials(data, 1)
    if data.n_objectives == 1 and best:
        rows.append(["best value", f"{_num(best[0].value)} (trial {best[0].number})"])
    return rows


def study_html(data: StudyData, top: int = 5) -> str:
    """A study in a notebook: its summary and its best trials."""
    best = best_trials(data, top)
    header, rows = trial_rows(data, best)
    title = "Pareto front" if data.n_objectives > 1 else f"Best {len(best)} trial(s)"
    return (
        table(["", ""], summary_rows(data))
        + f"<p><b>{esc(title)}</b></p>"
        + (table(header, rows) if rows else "<p>No completed trial yet.</p>")
    )


def trial_list_html(trials: Sequence[Trial]) -> str:
    """A study's trial list as a table, through the space its trials are attached to
    (raw parameters when they are not attached to one)."""
    from hyperhop.space import Space

    space = trials[0].__dict__.get("_space") if trials else None
    if not isinstance(space, Space):
        space = Space({})
    n_obj = max((len(t.values) for t in trials if t.values), default=1)
    data = StudyData("trials", space, ("min",) * n_obj, list(trials))
    return trials_html(data)
