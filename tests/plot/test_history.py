from __future__ import annotations

import numpy as np
import pytest

import hyperhop as hh
from hyperhop.plot import plot_edf, plot_history


def _values(study: hh.Study) -> tuple[np.ndarray, np.ndarray]:
    done = [t for t in study.trials if t.state is hh.TrialState.COMPLETE]
    return np.array([t.number for t in done], float), np.array([t.value for t in done])


def test_history_plots_every_value_and_the_running_best(study: hh.Study) -> None:
    ax = plot_history(study).axes[0]
    numbers, values = _values(study)
    dots, best = ax.lines[0], ax.lines[1]
    np.testing.assert_array_equal(dots.get_xdata(), numbers)
    np.testing.assert_array_equal(dots.get_ydata(), values)
    np.testing.assert_array_equal(best.get_ydata(), np.minimum.accumulate(values))
    assert best.get_ydata()[-1] == study.best_value


def test_history_of_a_maximized_study_keeps_the_largest() -> None:
    s = hh.maximize(lambda c: c["x"], {"x": hh.float(0, 1)}, n_trials=15, seed=0, progress=False)
    best = plot_history(s).axes[0].lines[1].get_ydata()
    np.testing.assert_array_equal(best, np.maximum.accumulate(_values(s)[1]))


def test_history_compares_groups_with_a_median_and_band() -> None:
    def run(seed: int, shift: float) -> hh.Study:
        return hh.minimize(
            lambda c: c["x"] + shift,
            {"x": hh.float(0, 1)},
            n_trials=10,
            algo="random",
            seed=seed,
            progress=False,
        )

    groups = {"a": [run(s, 0.0) for s in range(3)], "b": [run(s, 5.0) for s in range(4)]}
    ax = plot_history(groups).axes[0]
    curves = [np.minimum.accumulate(_values(s)[1]) for s in groups["a"]]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), np.median(np.stack(curves), axis=0))
    assert ax.lines[1].get_ydata()[0] >= 5.0  # group b is shifted
    assert len(ax.collections) == 2  # one band per group
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "a (median of 3)",
        "b (median of 4)",
    ]


def test_history_of_several_studies_overlays_them(study: hh.Study) -> None:
    other = hh.minimize(
        lambda c: 1.0, {"x": hh.float(0, 1)}, n_trials=5, seed=0, progress=False, name="flat"
    )
    ax = plot_history([study, other]).axes[0]
    assert len(ax.lines) == 4
    np.testing.assert_array_equal(ax.lines[3].get_ydata(), np.ones(5))


def test_history_of_a_named_objective_and_a_bad_one() -> None:
    s = hh.Study({"x": hh.float(0, 1)}, directions={"acc": "max", "ms": "min"}, seed=0)
    for a, b in [(0.5, 3.0), (0.9, 1.0)]:
        s.tell(s.ask(), {"acc": a, "ms": b})
    ax = plot_history(s, objective="ms").axes[0]
    assert ax.get_ylabel() == "ms (min)"
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), [3.0, 1.0])
    with pytest.raises(ValueError, match="no objective named 'loss'"):
        plot_history(s, objective="loss")


def test_edf_is_the_fraction_at_or_below_each_value(study: hh.Study) -> None:
    line = plot_edf(study).axes[0].lines[0]
    values = np.sort(_values(study)[1])
    np.testing.assert_array_equal(line.get_xdata(), values)
    np.testing.assert_allclose(line.get_ydata(), np.arange(1, len(values) + 1) / len(values))


def test_failed_trials_have_no_point() -> None:
    def f(c: dict) -> float:
        if c["x"] > 0.5:
            raise ValueError("no")
        return c["x"]

    s = hh.minimize(
        f, {"x": hh.float(0, 1)}, n_trials=20, seed=0, progress=False, catch=(ValueError,)
    )
    ok = [t for t in s.trials if t.state is hh.TrialState.COMPLETE]
    assert 0 < len(ok) < len(s.trials)
    assert len(plot_history(s).axes[0].lines[0].get_xdata()) == len(ok)


def test_a_study_without_completed_trials_draws_empty_axes() -> None:
    import warnings

    s = hh.Study({"x": hh.float(0, 1)}, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(plot_edf(s).axes[0].lines) == 0
        assert len(plot_history(s).axes[0].lines[0].get_xdata()) == 0
