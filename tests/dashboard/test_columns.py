"""The column store behind StudyView agrees with a plain Python reading of the trials,
however the study changed between refreshes (hypothesis drives the changes)."""

from __future__ import annotations

import csv
import io
import math
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hyperhop as hh
from hyperhop.dashboard import formatting
from hyperhop.dashboard.columns import thin
from hyperhop.dashboard.data import StudyView
from hyperhop.trial import Trial, TrialState

SPACE = {
    "x": hh.float(0, 1),
    "k": hh.choice("a", 'b,"c"', 3),  # numbers and strings in one column, quoting
    "flag": hh.choice(True, False),
    "m": hh.choice({"kind": "a", "c": hh.int(1, 9)}, {"kind": "b"}),  # m.c is conditional
}

OUTCOMES = st.one_of(
    st.floats(-5, 5, allow_nan=False),
    st.sampled_from([math.inf, -math.inf, "fail", "prune", "running"]),
)
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("new"), OUTCOMES, st.integers(0, 3)),
        st.tuples(st.just("finish"), st.integers(0, 50), st.floats(-5, 5, allow_nan=False)),
        st.just(("refresh",)),
    ),
    min_size=1,
    max_size=40,
)


def _sortable(v: Any) -> tuple[int, Any]:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return (2, 0)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return (0, v)
    return (1, str(v))


def _field(t: Trial, key: str) -> Any:
    if key == "state":
        return t.state.name
    if key == "value":
        return t.values[0] if t.values else None
    if key == "duration":
        return t.duration
    return t.params.get(key[6:])


def _naive_sorted(trials: list[Trial], key: str, descending: bool) -> list[int]:
    keyed = [(_sortable(_field(t, key)), t) for t in sorted(trials, key=lambda t: t.number)]
    present = [(k, t) for k, t in keyed if k[0] < 2]
    present.sort(key=lambda kt: (kt[0], kt[1].number), reverse=descending)
    return [t.number for _, t in present] + [t.number for k, t in keyed if k[0] == 2]


def _naive_csv(view: StudyView) -> str:
    """The CSV as ``csv.writer`` writes it, one trial at a time."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["number", "state", "value", *view.labels, "start", "complete", "duration"])
    for t in sorted(view.trials.values(), key=lambda t: t.number):
        writer.writerow(
            [
                t.number,
                t.state.name,
                t.values[0] if t.values else None,
                *(t.params.get(k, "") for k in view.labels),
                formatting.iso(t.datetime_start) or "",
                formatting.iso(t.datetime_complete) or "",
                "" if t.duration is None else t.duration,
            ]
        )
    return out.getvalue()


def _run(study: hh.Study, view: StudyView, steps: list[Any]) -> None:
    running: list[Trial] = []
    for step in steps:
        if step[0] == "refresh":
            view.refresh()
            view.table(sort="value")  # fill the caches between changes
            view.csv()
            continue
        if step[0] == "finish":
            if running:
                study.tell(running.pop(step[1] % len(running)), step[2])
            continue
        _, outcome, n_reports = step
        t = study.ask()
        for s in range(n_reports):
            study.report(t, float(s), s)
        if outcome == "running":
            running.append(t)
        elif outcome == "fail":
            study.tell(t, hh.TrialState.FAILED)
        elif outcome == "prune":
            study.tell(t, hh.TrialState.PRUNED)
        else:
            study.tell(t, outcome)
    view.refresh()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=STEPS, seed=st.integers(0, 3))
def test_incremental_view_agrees_with_a_plain_reading(steps: list[Any], seed: int) -> None:
    study = hh.Study(SPACE, seed=seed)
    view = StudyView(study.storage, study.storage.get_study(study.name))
    _run(study, view, steps)
    trials = list(view.trials.values())
    assert sorted(t.number for t in trials) == [t.number for t in study.trials]
    for key in ("value", "state", "duration", "param:x", "param:k", "param:flag", "param:m.c"):
        for desc in (False, True):
            got = [r["number"] for r in view.table(sort=key, descending=desc, size=500)["rows"]]
            assert got == _naive_sorted(trials, key, desc), (key, desc)
    counts = view.counts()
    assert all(counts[s.name] == sum(t.state is s for t in trials) for s in TrialState)
    done = [t for t in trials if t.state is TrialState.COMPLETE and t.values]
    best = sorted(done, key=lambda t: (t.values[0], t.number))[:5]  # type: ignore[index]
    assert [t.number for t in view.best()] == [t.number for t in best]
    low = view.table(ranges={"param:m.c": (2, 6), "value": (-1.0, None)}, size=500)
    expect = [
        t.number
        for t in sorted(trials, key=lambda t: t.number)
        if isinstance(t.params.get("m.c"), int)
        and 2 <= t.params["m.c"] <= 6
        and t.values
        and t.values[0] >= -1.0
    ]
    assert [r["number"] for r in low["rows"]] == expect
    fresh = StudyView(study.storage, study.storage.get_study(study.name))
    fresh.refresh()
    assert view.csv() == _naive_csv(view) == fresh.csv()
    assert view.series() == _without_now(fresh.series(), view.series())


def _without_now(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """``a`` with the timeline's open ends (now, for running trials) taken from ``b``."""
    tl = a["timeline"]
    tl["end"] = [
        y if state == "RUNNING" else x
        for x, y, state in zip(tl["end"], b["timeline"]["end"], tl["state"], strict=True)
    ]
    return a


def test_best_so_far_line_matches_a_loop() -> None:
    study = hh.Study(SPACE, seed=0)
    rng = np.random.default_rng(0)
    for _ in range(300):
        t = study.ask()
        study.tell(t, float(rng.normal()) if rng.random() > 0.1 else hh.TrialState.FAILED)
    view = StudyView(study.storage, study.storage.get_study(study.name))
    view.refresh()
    best, line = math.inf, []
    for t in study.trials:
        if t.state is TrialState.COMPLETE and t.values[0] < best:  # type: ignore[index]
            best = t.values[0]  # type: ignore[index]
            line.append(t.number)
    assert view.series()["history"]["best_number"] == line


def test_thin_keeps_pinned_rows_and_an_even_sample() -> None:
    rows = np.arange(100, 1100)
    pinned = np.zeros(1000, bool)
    pinned[[3, 500, 999]] = True
    kept = thin(rows, pinned, 103)
    assert {103, 600, 1099} <= set(kept.tolist())
    assert len(kept) <= 106 and list(kept) == sorted(kept)
    assert np.array_equal(thin(rows[:50], pinned[:50], 100), rows[:50])


def test_csv_lines_follow_changes() -> None:
    study = hh.Study({"x": hh.float(0, 1)}, seed=0)
    view = StudyView(study.storage, study.storage.get_study(study.name))
    t = study.ask()
    view.refresh()
    assert next(csv.reader(io.StringIO(view.csv().splitlines()[1])))[1] == "RUNNING"
    study.tell(t, 0.5)
    view.refresh()
    row = next(csv.reader(io.StringIO(view.csv().splitlines()[1])))
    assert row[1:3] == ["COMPLETE", "0.5"]
