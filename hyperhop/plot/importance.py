"""Parameter importance as bars with their uncertainty."""

from __future__ import annotations

from typing import Any

import numpy as np

from hyperhop.importance import Importance, importance
from hyperhop.plot._common import new_figure


def plot_importance(study: Any, method: str = "fanova", **kwargs: Any) -> Any:
    """Horizontal bars of each parameter's share (most important on top) with one
    standard deviation as an error bar. ``study`` may also be an :class:`Importance`
    already computed; other arguments go to :func:`hyperhop.importance.importance`.

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.plot import plot_importance
        >>> s = hh.minimize(lambda c: c["a"], {"a": hh.float(0, 1), "b": hh.float(0, 1)}, n_trials=50, seed=0, progress=False)
        >>> [t.get_text() for t in plot_importance(s).axes[0].get_yticklabels()]
        ['a', 'b']
    """
    imp = study if isinstance(study, Importance) else importance(study, method, **kwargs)
    fig = new_figure(1, size=max(3.0, 0.35 * len(imp.params)))
    ax = fig.axes[0]
    pos = np.arange(len(imp.params))[::-1]
    ax.barh(pos, imp.shares, xerr=imp.std, color="tab:blue", capsize=3)
    ax.set_yticks(pos, imp.params)
    ax.set_xlim(
        0,
        max(1e-9, max((s + e for s, e in zip(imp.shares, imp.std, strict=True)), default=1.0))
        * 1.1,
    )
    ax.set_xlabel(f"share of importance ({imp.method}, {imp.n_trials} trials)")
    ax.set_title(f"Parameter importance for {imp.objective}")
    return fig
