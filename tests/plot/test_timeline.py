from __future__ import annotations

import numpy as np

import hyperhop as hh
from hyperhop._studydata import StudyData
from hyperhop.plot import plot_timeline
from hyperhop.trial import Trial, TrialState


def _trial(n: int, owner: str, start: float, end: float | None, state: TrialState) -> Trial:
    return Trial(n, n, 1, state, {"x": 0.5}, (1.0,) if state is TrialState.COMPLETE else None,
                 owner=owner, datetime_start=start, datetime_complete=end)  # fmt: skip


def test_one_row_per_worker_one_bar_per_trial_coloured_by_state() -> None:
    trials = [
        _trial(0, "a:1:x", 100.0, 103.0, TrialState.COMPLETE),
        _trial(1, "b:2:y", 101.0, 102.0, TrialState.FAILED),
        _trial(2, "a:1:x", 105.0, 106.0, TrialState.COMPLETE),  # a idles from 103 to 105
        _trial(3, "b:2:y", 102.0, None, TrialState.RUNNING),
    ]
    data = StudyData("s", hh.Space({"x": hh.float(0, 1)}), ("min",), trials)
    ax = plot_timeline(data).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a:1:x", "b:2:y"]
    by_label = {c.get_label(): c for c in ax.collections}
    assert set(by_label) == {"complete", "failed", "running"}
    boxes = [p.vertices for p in by_label["complete"].get_paths()]
    spans = sorted(
        (float(v[:, 0].min()), float(v[:, 0].max()), float(v[:, 1].min() + v[:, 1].max()) / 2)
        for v in boxes
    )
    assert spans == [(0.0, 3.0, 0.0), (5.0, 6.0, 0.0)]
    failed = by_label["failed"].get_paths()[0].vertices
    assert (
        failed[:, 0].min(),
        failed[:, 0].max(),
        (failed[:, 1].min() + failed[:, 1].max()) / 2,
    ) == (1.0, 2.0, 1.0)
    running = by_label["running"].get_paths()[0].vertices
    assert running[:, 0].max() > 1000  # a running trial reaches now
    assert np.allclose(by_label["complete"].get_facecolor()[0][:3], (0.12, 0.47, 0.71), atol=0.01)


def test_a_study_without_started_trials_draws_an_empty_timeline() -> None:
    s = hh.Study({"x": hh.float(0, 1)}, seed=0)
    s.enqueue({"x": 0.5})
    ax = plot_timeline(s).axes[0]
    assert len(ax.collections) == 0 and "0 workers" in ax.get_title()
