from __future__ import annotations

import math

import numpy as np

import hyperhop as hh
from hyperhop.plot import plot_parallel_coordinates


def test_one_line_per_trial_through_each_axis(study: hh.Study) -> None:
    ax = plot_parallel_coordinates(study).axes[0]
    segs = [p.vertices for p in ax.collections[0].get_paths()]  # NaN kept (get_segments drops it)
    done = [t for t in study.trials if t.state is hh.TrialState.COMPLETE]
    assert len(segs) == len(done)
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "value",
        "lr",
        "opt",
        "model",
        "model.C",
        "model.depth",
    ]
    texts = {t.get_text().strip() for t in ax.texts}
    assert {"adam", "sgd", "kind=svm", "kind=tree"} <= texts
    # the best trial is drawn last, at the bottom of the value axis
    best = study.best
    last = segs[-1]
    assert last[0, 1] == 0.0
    lr = (math.log(best.config["lr"]) - math.log(1e-4)) / (math.log(1e-1) - math.log(1e-4))
    assert abs(last[1, 1] - lr) < 1e-9
    assert last[2, 1] == (0.25 if best.config["opt"] == "adam" else 0.75)
    svm = best.config["model"]["kind"] == "svm"
    assert np.isnan(last[5 if svm else 4, 1])  # the inactive parameter is a gap


def test_lines_are_thinned_keeping_the_best() -> None:
    s = hh.minimize(
        lambda c: c["x"], {"x": hh.float(0, 1)}, n_trials=60, algo="random", seed=0, progress=False
    )
    ax = plot_parallel_coordinates(s, max_lines=20).axes[0]
    segs = ax.collections[0].get_segments()
    assert len(segs) == 20
    assert "20 of 60" in ax.get_title()
    assert min(seg[0, 1] for seg in segs) == 0.0  # the best is kept
