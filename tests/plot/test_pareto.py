from __future__ import annotations

import numpy as np
import pytest

import hyperhop as hh
from hyperhop.plot import plot_pareto_front

POINTS = [(1.0, 4.0), (2.0, 2.0), (3.0, 3.0), (4.0, 1.0), (0.5, 0.5)]


def _study(directions: list[str], points=POINTS, infeasible=(4,)) -> hh.Study:  # type: ignore[no-untyped-def]
    s = hh.Study({"x": hh.float(0, 1)}, directions=directions, seed=0)
    for i, p in enumerate(points):
        s.tell(s.ask(), {"values": list(p), "constraints": [1.0 if i in infeasible else -1.0]})
    return s


def _layer(ax, label: str) -> np.ndarray:  # type: ignore[no-untyped-def]
    for line in ax.lines:
        if line.get_label() == label:
            return np.column_stack([line.get_xdata(), line.get_ydata()])
    raise AssertionError(label)


def test_front_dominated_and_infeasible_are_distinct_with_the_hypervolume() -> None:
    s = _study(["min", "min"])
    ax = plot_pareto_front(s, reference_point=[5, 5]).axes[0]
    np.testing.assert_array_equal(_layer(ax, "Pareto front"), [[1, 4], [2, 2], [4, 1]])
    np.testing.assert_array_equal(_layer(ax, "dominated"), [[3, 3]])
    np.testing.assert_array_equal(_layer(ax, "infeasible"), [[0.5, 0.5]])  # would dominate all
    assert ax.get_title().endswith(f"hypervolume {s.hypervolume([5, 5]):.4g}")
    assert "hypervolume 11" in ax.get_title()


def test_maximized_objectives_flip_dominance() -> None:
    s = _study(["max", "max"], infeasible=())
    ax = plot_pareto_front(s).axes[0]
    np.testing.assert_array_equal(_layer(ax, "Pareto front"), [[1, 4], [3, 3], [4, 1]])


def test_three_objectives_use_a_3d_axis() -> None:
    s = _study(["min", "min", "min"], points=[(1, 2, 3), (3, 2, 1), (3, 3, 3)], infeasible=())
    fig = plot_pareto_front(s, reference_point=[4, 4, 4])
    ax = fig.axes[-1]
    assert ax.name == "3d"
    xs, ys, zs = next(line for line in ax.lines if line.get_label() == "Pareto front").get_data_3d()
    assert sorted(zip(xs, ys, zs, strict=True)) == [(1, 2, 3), (3, 2, 1)]
    assert f"hypervolume {s.hypervolume([4, 4, 4]):.4g}" in ax.get_title()


def test_one_objective_and_a_bad_reference_point_are_refused() -> None:
    single = hh.minimize(
        lambda c: c["x"], {"x": hh.float(0, 1)}, n_trials=2, seed=0, progress=False
    )
    with pytest.raises(ValueError, match="one objective"):
        plot_pareto_front(single)
    with pytest.raises(ValueError, match="needs 2 coordinates"):
        plot_pareto_front(_study(["min", "min"]), reference_point=[1, 2, 3])
