"""One self-contained HTML file about a study: summary, best trials, plots (inline PNG)
and parameter importances. Nothing in it is fetched from a network."""

from __future__ import annotations

import base64
import io
import logging
import os
from collections.abc import Callable, Sequence
from typing import Any

from hyperhop._studydata import StudyData, complete_mask, study_data
from hyperhop.report.tables import best_trials, esc, summary_rows, table, trial_rows
from hyperhop.trial import TrialState

log = logging.getLogger("hyperhop.report")

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}
table.hh{border-collapse:collapse;font-size:13px;margin:0.5em 0}
table.hh td,table.hh th{border:1px solid #ccc;padding:2px 6px;text-align:left}
table.hh th{background:#f2f2f2}
img{max-width:100%;border:1px solid #eee;margin:0.5em 0}
"""


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _plots(
    data: StudyData, reference_point: Sequence[float] | None
) -> list[tuple[str, Callable[[], Any]]]:
    from hyperhop import plot

    n_ok = int(complete_mask(data).sum())
    out: list[tuple[str, Callable[[], Any]]] = []
    if data.n_objectives > 1:
        if data.n_objectives <= 3:
            out.append(
                (
                    "Pareto front",
                    lambda: plot.plot_pareto_front(data, reference_point=reference_point),
                )
            )
    else:
        out.append(("Optimization history", lambda: plot.plot_history(data)))
        out.append(("Distribution of values", lambda: plot.plot_edf(data)))
    out.append(("Slice", lambda: plot.plot_slice(data)))
    out.append(("Parallel coordinates", lambda: plot.plot_parallel_coordinates(data)))
    if any(t.intermediate for t in data.trials):
        out.append(("Learning curves", lambda: plot.plot_intermediate(data)))
    out.append(("Timeline", lambda: plot.plot_timeline(data)))
    if n_ok < 2:
        return out[-1:]
    return out


def _importances(data: StudyData) -> tuple[str, list[tuple[str, Any]]]:
    """The importances table (fANOVA and PED-ANOVA per objective) and the figures."""
    from hyperhop.importance import importance
    from hyperhop.plot import plot_importance

    rows: list[list[str]] = []
    figs: list[tuple[str, Any]] = []
    for k in range(data.n_objectives):
        for method in ("fanova", "ped_anova"):
            try:
                imp = importance(data, method, objective=k)
            except ValueError as e:
                log.info("no %s importance for objective %d: %s", method, k, e)
                continue
            for p, s, sd in zip(imp.params, imp.shares, imp.std, strict=True):
                rows.append([imp.objective, method, p, f"{s:.3f}", f"{sd:.3f}"])
            if method == "fanova":
                figs.append((f"Importance for {imp.objective}", plot_importance(imp)))
    if not rows:
        return "<p>Not enough completed trials for parameter importance.</p>", figs
    return table(["objective", "method", "parameter", "share", "± std"], rows), figs


def report_html(
    study: Any, *, top: int = 10, reference_point: Sequence[float] | None = None
) -> str:
    """The report as one HTML string (plots need ``hyperhop[plot]``).

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.report import report_html
        >>> s = hh.minimize(lambda c: c["x"], {"x": hh.float(0, 1)}, n_trials=5, seed=0, progress=False, name="<b>demo</b>")
        >>> page = report_html(s)
        >>> "&lt;b&gt;demo&lt;/b&gt;" in page and "<b>demo</b>" not in page and "data:image/png;base64," in page
        True
    """
    data = study_data(study)
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>hyperhop report: {esc(data.name)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>Study {esc(data.name)}</h1>",
        table(["", ""], summary_rows(data)),
    ]
    best = best_trials(data, top)
    header, rows = trial_rows(data, best)
    parts.append(f"<h2>{'Pareto front' if data.n_objectives > 1 else 'Best trials'}</h2>")
    parts.append(table(header, rows) if rows else "<p>No completed trial yet.</p>")
    failed = [t for t in data.trials if t.state is TrialState.FAILED][-top:]
    if failed:
        parts.append("<h2>Failed trials</h2>")
        parts.append(table(["#", "error"], [[str(t.number), str(t.error or "")] for t in failed]))
        parts.append(f"<p>The last {len(failed)} shown.</p>")
    parts.append("<h2>Plots</h2>")
    for title, make in _plots(data, reference_point):
        parts.append(f"<h3>{esc(title)}</h3><img alt='{esc(title)}' src='{_png(make())}'>")
    imp_table, figs = _importances(data)
    parts.append("<h2>Parameter importance</h2>")
    parts.append(imp_table)
    for title, fig in figs:
        parts.append(f"<img alt='{esc(title)}' src='{_png(fig)}'>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(
    study: Any,
    path: str | os.PathLike[str],
    *,
    top: int = 10,
    reference_point: Sequence[float] | None = None,
) -> None:
    """Write :func:`report_html` to ``path`` (UTF-8): one self-contained HTML page.

    Args:
        study: the study to describe.
        path: the file to write (replaced if it exists).
        top: how many of the best trials the table lists.
        reference_point: the hypervolume's reference point, for several objectives.

    Example:
        >>> import os, tempfile
        >>> import hyperhop as hh
        >>> from hyperhop.report import write_report
        >>> s = hh.minimize(lambda c: c["x"], {"x": hh.float(0, 1)}, n_trials=3, seed=0,
        ...                 progress=False)
        >>> with tempfile.TemporaryDirectory() as d:
        ...     write_report(s, os.path.join(d, "report.html"), top=3)
        ...     open(os.path.join(d, "report.html"), encoding="utf-8").read(15)
        '<!DOCTYPE html>'
    """
    text = report_html(study, top=top, reference_point=reference_point)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
