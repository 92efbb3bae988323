from __future__ import annotations

import numpy as np

import hyperhop as hh
from hyperhop.plot import plot_intermediate


def _study(pruner=None, fidelity=None) -> hh.Study:  # type: ignore[no-untyped-def]
    s = hh.Study({"x": hh.float(0, 1)}, seed=0, pruner=pruner, fidelity=fidelity)
    for i in range(3):
        t = s.ask()
        for step in range(4 if i != 1 else 2):
            s.report(t, 10.0 * i + step, step)
        s.tell(t, hh.TrialState.PRUNED if i == 1 else 10.0 * i + 3)
    return s


def test_curves_by_state_with_pruned_ends_marked() -> None:
    ax = plot_intermediate(_study()).axes[0]
    complete, pruned = ax.collections[0], ax.collections[1]
    assert complete.get_label() == "complete" and pruned.get_label() == "pruned"
    ys = sorted(seg[:, 1].tolist() for seg in complete.get_segments())
    assert ys == [[0.0, 1.0, 2.0, 3.0], [20.0, 21.0, 22.0, 23.0]]
    np.testing.assert_array_equal(pruned.get_segments()[0], [[0, 10], [1, 11]])
    np.testing.assert_array_equal(ax.collections[2].get_offsets(), [[1, 11]])  # where it stopped


def test_rungs_of_the_pruner_are_marked_at_their_steps() -> None:
    s = _study(pruner="sha", fidelity=hh.Fidelity("epochs", 1, 9))
    ax = plot_intermediate(s).axes[0]
    rungs = [line.get_xdata()[0] for line in ax.lines if line.get_linestyle() == "--"]
    assert rungs == [0, 2]  # resources 1 and 3: steps 0 and 2
    ax = plot_intermediate(_study(), rungs=[4]).axes[0]
    assert [line.get_xdata()[0] for line in ax.lines] == [3]


def test_many_curves_are_thinned_keeping_the_best() -> None:
    s = hh.Study({"x": hh.float(0, 1)}, seed=0)
    for i in range(30):
        t = s.ask()
        s.report(t, float(i), 0)
        s.tell(t, float(i))
    ax = plot_intermediate(s, max_lines=10).axes[0]
    segs = ax.collections[0].get_segments()
    assert len(segs) == 10 and "10 of 30" in ax.get_title()
    assert min(seg[0, 1] for seg in segs) == 0.0
