"""StudyView: incremental reads, server-side sorting, filtering, paging and thinning."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import hyperhop as hh
from hyperhop.dashboard import data, formatting
from hyperhop.dashboard.data import StudyView
from hyperhop.storage import get_storage


def _view(n: int = 40) -> tuple[hh.Study, StudyView]:
    study = hh.Study({"x": hh.float(0, 1), "k": hh.choice("a", "b")}, seed=0)
    study.optimize(lambda c: math.inf if c["x"] > 0.95 else c["x"], n_trials=n, progress=False)
    info = study.storage.get_study(study.name)
    return study, StudyView(study.storage, info)


def test_refresh_reads_only_what_changed() -> None:
    study, view = _view(10)
    assert len(view.refresh()) == len(study.trials)
    assert view.refresh() == []
    study.optimize(lambda c: c["x"], n_trials=3, n_trials_mode="increment", progress=False)
    assert len(view.refresh()) >= 3 and len(view.trials) == len(study.trials)


def test_table_sorts_filters_and_pages_on_the_server() -> None:
    study, view = _view()
    view.refresh()
    page = view.table(sort="value", size=7)
    values = [r["values"][0] for r in page["rows"]]
    assert values == sorted(values) and values[0] == study.best_value
    assert page["total"] == len(study.trials) and page["pages"] == math.ceil(page["total"] / 7)
    low = view.table(ranges={"param:x": (0.0, 0.2)}, size=500)
    assert all(0 <= r["params"]["x"] <= 0.2 for r in low["rows"])
    assert low["total"] == sum(1 for t in study.trials if 0 <= t.params["x"] <= 0.2)
    desc = view.table(sort="value", descending=True, size=500)["rows"]
    finite = [r["values"][0] for r in desc if r["values"] and r["values"][0] != "inf"]
    assert finite == sorted(finite, reverse=True)
    assert view.page_of(15, size=7) == 2


def test_infinite_values_travel_as_strings() -> None:
    assert formatting.jsonable([math.inf, -math.inf, 1.5, {"a": math.nan}]) == [
        "inf",
        "-inf",
        1.5,
        {"a": "nan"},
    ]


def test_series_thins_but_keeps_every_improvement(monkeypatch: pytest.MonkeyPatch) -> None:
    study, view = _view(60)
    view.refresh()
    monkeypatch.setattr(data, "MAX_POINTS", 20)
    s = view.series()
    h = s["history"]
    assert s["n"] == 60 and len(h["number"]) <= 30
    assert set(h["best_number"]) <= set(h["number"])
    assert h["best_value"][-1] == study.best_value


def test_csv_has_a_column_per_parameter() -> None:
    study, view = _view(5)
    view.refresh()
    lines = view.csv().splitlines()
    assert lines[0].split(",")[:5] == ["number", "state", "value", "x", "k"]
    assert len(lines) == 1 + len(study.trials)


def test_views_never_write(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/s.db"
    hh.Study({"x": hh.float(0, 1)}, storage=url, name="s", seed=0).optimize(
        lambda c: c["x"], n_trials=3, progress=False
    )
    store = get_storage(url)
    before = store.get_trials(store.get_study("s").id)[1]
    view = StudyView(store, store.get_study("s"))
    view.refresh()
    view.summary()
    view.series()
    assert store.get_trials(store.get_study("s").id)[1] == before
    store.close()
