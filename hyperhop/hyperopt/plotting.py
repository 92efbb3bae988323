"""``hyperopt.plotting`` is not offered here: plot a study with hyperhop's plots.

Each function raises an error that names the replacement.
"""

from __future__ import annotations

from typing import Any, NoReturn

from hyperhop.exceptions import HyperhopError

__all__ = ["main_plot_1D_attachment", "main_plot_histogram", "main_plot_history", "main_plot_vars"]


class PlottingUnavailableError(HyperhopError, NotImplementedError):
    """hyperopt.plotting's functions are not offered by the front end."""


def _unavailable(name: str) -> NoReturn:
    raise PlottingUnavailableError(
        f"hyperhop.hyperopt.plotting.{name} is not offered; draw the study with hyperhop's "
        "plots (the hyperhop.plot module, pip install 'hyperhop[plot]') on "
        "hh.load_study(...), or read trials.losses() and trials.vals into matplotlib."
    )


def main_plot_history(*args: Any, **kwargs: Any) -> NoReturn:
    """Not offered (see the module docstring)."""
    _unavailable("main_plot_history")


def main_plot_histogram(*args: Any, **kwargs: Any) -> NoReturn:
    """Not offered (see the module docstring)."""
    _unavailable("main_plot_histogram")


def main_plot_vars(*args: Any, **kwargs: Any) -> NoReturn:
    """Not offered (see the module docstring)."""
    _unavailable("main_plot_vars")


def main_plot_1D_attachment(*args: Any, **kwargs: Any) -> NoReturn:
    """Not offered (see the module docstring)."""
    _unavailable("main_plot_1D_attachment")
