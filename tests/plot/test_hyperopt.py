from __future__ import annotations

import numpy as np

import hyperhop as hh
from hyperhop.plot import main_plot_histogram, main_plot_history, main_plot_vars


def test_history_scatters_losses_with_the_best_as_a_line(study: hh.Study) -> None:
    ax = main_plot_history(study).axes[0]
    done = [t for t in study.trials if t.state is hh.TrialState.COMPLETE]
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [t.value for t in done])
    assert ax.lines[1].get_ydata()[0] == study.best_value
    assert ax.get_title() == "Loss History"


def test_histogram_counts_every_completed_loss(study: hh.Study) -> None:
    ax = main_plot_histogram(study, bins=5).axes[0]
    heights = [p.get_height() for p in ax.patches]
    values = [t.value for t in study.trials if t.state is hh.TrialState.COMPLETE]
    np.testing.assert_array_equal(heights, np.histogram(values, bins=5)[0])


def test_vars_has_one_panel_per_parameter_with_values_over_time(study: hh.Study) -> None:
    fig = main_plot_vars(study)
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert titles == ["lr", "opt", "model", "model.C", "model.depth"]
    depth = fig.axes[4]
    pts = depth.collections[0].get_offsets()
    tree = [t for t in study.trials if t.config["model"]["kind"] == "tree"]
    np.testing.assert_array_equal(pts[:, 0], [t.number for t in tree])
    np.testing.assert_array_equal(pts[:, 1], [t.config["model"]["depth"] for t in tree])
    assert [t.get_text() for t in fig.axes[1].get_yticklabels()] == ["adam", "sgd"]
