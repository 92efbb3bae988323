from __future__ import annotations

import numpy as np
import pytest

import hyperhop as hh
from hyperhop._studydata import study_data
from hyperhop.plot import plot_contour, plot_slice
from hyperhop.plot.params import contour_grid


def _complete(study: hh.Study) -> list[hh.Trial]:
    return [t for t in study.trials if t.state is hh.TrialState.COMPLETE]


def _xy(ax) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    if ax.collections:
        xy = ax.collections[0].get_offsets()
        return np.asarray(xy[:, 0]), np.asarray(xy[:, 1])
    return np.asarray(ax.lines[0].get_xdata()), np.asarray(ax.lines[0].get_ydata())


def test_slice_has_one_panel_per_parameter_with_values_not_indices(study: hh.Study) -> None:
    fig = plot_slice(study)
    axes = [ax for ax in fig.axes if ax.get_visible() and ax.get_xlabel()]
    assert [ax.get_xlabel() for ax in axes] == ["lr", "opt", "model", "model.C", "model.depth"]
    opt = axes[1]
    assert [t.get_text() for t in opt.get_xticklabels()] == ["adam", "sgd"]
    assert [t.get_text() for t in axes[2].get_xticklabels()] == ["kind=svm", "kind=tree"]
    assert axes[0].get_xscale() == "log"
    done = _complete(study)
    x, y = _xy(opt)
    np.testing.assert_array_equal(x, [["adam", "sgd"].index(t.config["opt"]) for t in done])
    np.testing.assert_array_equal(y, [t.value for t in done])


def test_slice_leaves_out_trials_where_the_parameter_is_inactive(study: hh.Study) -> None:
    fig = plot_slice(study, ["model.C", "model.depth"])
    done = _complete(study)
    svm = [t for t in done if t.config["model"]["kind"] == "svm"]
    tree = [t for t in done if t.config["model"]["kind"] == "tree"]
    assert svm and tree
    x, y = _xy(fig.axes[0])
    np.testing.assert_allclose(np.sort(x), np.sort([t.config["model"]["C"] for t in svm]))
    x, _ = _xy(fig.axes[1])
    np.testing.assert_array_equal(np.sort(x), np.sort([t.config["model"]["depth"] for t in tree]))
    assert not np.any(np.isnan(x))


def test_slice_refuses_an_unknown_parameter(study: hh.Study) -> None:
    with pytest.raises(ValueError, match="no plottable parameter 'nope'.*'lr'"):
        plot_slice(study, ["nope"])


def test_contour_is_the_mean_value_per_cell(study: hh.Study) -> None:
    ex, ey, Z = contour_grid(study_data(study), "lr", "opt", bins=3)
    assert Z.shape == (2, 3)  # one row per option
    done = _complete(study)
    adam_low = [
        t.value for t in done if t.config["opt"] == "adam" and ex[0] <= t.config["lr"] < ex[1]
    ]
    assert Z[0, 0] == pytest.approx(np.mean(adam_low))
    fig = plot_contour(study, ["lr", "opt"], bins=3)
    ax = fig.axes[0]
    np.testing.assert_allclose(
        np.ma.filled(ax.collections[0].get_array(), np.nan).ravel(), Z.ravel()
    )
    assert [t.get_text() for t in ax.get_yticklabels()] == ["adam", "sgd"]


def test_contour_of_two_conditional_parameters_of_different_branches_is_empty(
    study: hh.Study,
) -> None:
    _, _, Z = contour_grid(study_data(study), "model.C", "model.depth", bins=4)
    assert np.isnan(Z).all()  # never both active: gaps, not zeros
    with pytest.raises(ValueError, match="needs two parameters"):
        plot_contour(study, ["lr"])


def test_contour_of_three_parameters_has_a_panel_per_pair_on_one_scale(study: hh.Study) -> None:
    fig = plot_contour(study, ["lr", "opt", "model"], bins=3)
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.get_xlabel()]
    assert [(a.get_xlabel(), a.get_ylabel()) for a in panels] == [
        ("lr", "opt"), ("lr", "model"), ("opt", "model"),
    ]  # fmt: skip
    limits = {a.collections[0].get_clim() for a in panels}
    assert len(limits) == 1
    _, _, Z = contour_grid(study_data(study), "opt", "model", bins=3)
    np.testing.assert_allclose(
        np.ma.filled(panels[2].collections[0].get_array(), np.nan).ravel(), Z.ravel()
    )
