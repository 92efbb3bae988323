"""What every plot shares: the lazy matplotlib import, a figure on the Agg canvas,
thinning, parameter axes and the study arguments."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from hyperhop._lazy import require
from hyperhop._studydata import Column, StudyData, study_data

MAX_LINES = 1000
"""Line plots (parallel coordinates, learning curves) draw at most this many trials."""

STATE_COLORS = {
    "COMPLETE": "tab:blue",
    "PRUNED": "tab:orange",
    "FAILED": "tab:red",
    "RUNNING": "tab:green",
    "QUEUED": "tab:gray",
}


def mpl_collections() -> Any:
    """``matplotlib.collections``, or an error naming the extra to install."""
    return require("matplotlib.collections", "plot", "hyperhop.plot")


_FIGURE: list[Any] = []


def _figure_class() -> Any:
    """matplotlib's Figure with ``_repr_png_``, so that Jupyter shows it inline even
    when pyplot (which registers the inline display) was never imported."""
    if not _FIGURE:
        import io

        from matplotlib.figure import Figure

        class StudyFigure(Figure):
            def _repr_png_(self) -> bytes:
                buf = io.BytesIO()
                self.savefig(buf, format="png", bbox_inches="tight")
                return buf.getvalue()

        _FIGURE.append(StudyFigure)
    return _FIGURE[0]


def new_figure(n_axes: int = 1, *, ncols: int | None = None, size: float = 4.0) -> Any:
    """A matplotlib Figure on an Agg canvas with ``n_axes`` axes (in a grid), no pyplot
    involved (so no GUI backend is started and nothing is left open)."""
    require("matplotlib", "plot", "hyperhop.plot")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    Figure = _figure_class()
    ncols = ncols or min(n_axes, 3)
    nrows = max(1, -(-n_axes // ncols))
    width, height = max(6.0, 1.1 * size * ncols), max(3.6, 0.85 * size * nrows)
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax in axes[n_axes:]:
        ax.set_visible(False)
    return fig


def visible_axes(fig: Any) -> list[Any]:
    return [ax for ax in fig.axes if ax.get_visible()]


def thin(n: int, max_n: int, keep: np.ndarray | None = None, seed: int = 0) -> np.ndarray:
    """Indices of at most ``max_n`` of ``n`` items, in order: every index in ``keep``
    (e.g. the best trials) and a seeded random sample of the rest."""
    if n <= max_n:
        return np.arange(n)
    kept = np.unique(np.asarray(keep, dtype=int)) if keep is not None else np.zeros(0, int)
    kept = kept[:max_n]
    rest = np.setdiff1d(np.arange(n), kept, assume_unique=True)
    extra = np.random.default_rng(seed).choice(rest, size=max_n - len(kept), replace=False)
    return np.sort(np.concatenate([kept, extra]))


def as_studies(studies: Any) -> list[StudyData]:
    """One study, or a sequence of studies, as a list of :class:`StudyData`."""
    if isinstance(studies, Sequence) and not isinstance(studies, (str, bytes)):
        out = [study_data(s) for s in studies]
        if not out:
            raise ValueError("Pass at least one study to plot.")
        return out
    return [study_data(studies)]


def as_groups(studies: Any) -> dict[str, list[StudyData]]:
    """Groups of studies to compare: a mapping name -> studies (seeds of one algorithm),
    a sequence (each study its own group, named by the study) or one study."""
    if isinstance(studies, Mapping):
        groups = {str(k): as_studies(v) for k, v in studies.items()}
        if not groups:
            raise ValueError("Pass at least one group of studies to plot.")
        return groups
    out: dict[str, list[StudyData]] = {}
    for d in as_studies(studies):
        name = d.name
        while name in out:
            name += "'"
        out[name] = [d]
    return out


def set_param_axis(ax: Any, col: Column, axis: str = "x") -> None:
    """Label an axis with the parameter: choice values as tick labels, a log scale for
    log-scaled parameters."""
    set_label = ax.set_xlabel if axis == "x" else ax.set_ylabel
    set_label(col.label)
    if col.categories is not None:
        ticks = np.arange(len(col.categories))
        if axis == "x":
            ax.set_xticks(ticks, col.categories, rotation=30 if len(col.categories) > 4 else 0)
            ax.set_xlim(-0.5, len(ticks) - 0.5)
        else:
            ax.set_yticks(ticks, col.categories)
            ax.set_ylim(-0.5, len(ticks) - 0.5)
    elif col.log:
        (ax.set_xscale if axis == "x" else ax.set_yscale)("log")


def value_label(data: StudyData, objective: int) -> str:
    d = data.directions[objective]
    return f"{data.objective_label(objective)} ({'min' if d == 'min' else 'max'})"


def labels_to_plot(data: StudyData, params: Sequence[str] | None) -> list[str]:
    from hyperhop._studydata import plottable

    allowed = plottable(data.space)
    if params is None:
        return allowed
    for p in params:
        if p not in allowed:
            raise ValueError(
                f"Study {data.name!r} has no plottable parameter {p!r}; the parameters "
                f"with one number per trial are {allowed}."
            )
    return list(params)


MAX_COLORED_POINTS = 5000
"""Above this many points, a scatter's colours are binned into :data:`COLOR_BINS`
shades (one marker layer per shade), which draws several times faster."""

COLOR_BINS = 8


def points(
    ax: Any,
    x: np.ndarray,
    y: np.ndarray,
    c: np.ndarray | None = None,
    *,
    cmap: str = "viridis",
    size: float = 3.0,
    color: str = "tab:blue",
    alpha: float = 0.7,
    label: str | None = None,
) -> Any:
    """Markers at ``(x, y)``, coloured by ``c`` through ``cmap`` (or all ``color``). Up
    to :data:`MAX_COLORED_POINTS` a scatter with exact colours; above, one marker layer
    per colour bin. Returns a ScalarMappable for a colour bar (None without ``c``)."""
    import matplotlib

    if c is None:
        ax.plot(x, y, ".", ms=size, color=color, alpha=alpha, label=label, linestyle="none")
        return None
    if len(x) <= MAX_COLORED_POINTS:
        return ax.scatter(x, y, c=c, cmap=cmap, s=size**2, alpha=alpha, linewidths=0, label=label)
    lo, hi = (float(np.min(c)), float(np.max(c))) if len(c) else (0.0, 1.0)
    norm = matplotlib.colors.Normalize(lo, hi)
    cm = matplotlib.colormaps[cmap]
    edges = np.linspace(lo, hi, COLOR_BINS + 1)
    which = np.clip(np.searchsorted(edges, c, side="right") - 1, 0, COLOR_BINS - 1)
    for b in range(COLOR_BINS):
        m = which == b
        if m.any():
            mid = 0.5 * (edges[b] + edges[b + 1])
            ax.plot(x[m], y[m], ".", ms=size, color=cm(norm(mid)), alpha=alpha, linestyle="none")
    return matplotlib.cm.ScalarMappable(norm=norm, cmap=cm)
