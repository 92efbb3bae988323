"""trial.params shows values (a choice's option, not its index); trial.assignment keeps the
raw form that samplers and storages use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import hyperhop as hh
from hyperhop.storage import get_storage

SPACE = {
    "max_depth": hh.choice(4, 8, 16),
    "scale": hh.choice(True, False),
    "lr": hh.float(1e-3, 1.0, log=True),
    "model": hh.choice({"kind": "svm", "C": hh.float(0.1, 10.0)}, {"kind": "tree"}),
}


def _study(url: str = "memory://") -> hh.Study:
    study = hh.Study(SPACE, storage=url, name="values", seed=0)
    study.optimize(lambda c: c["lr"], n_trials=12, progress=False)
    return study


def test_params_are_values_by_label_and_assignment_keeps_indices() -> None:
    study = _study()
    for t in study.trials:
        depth = t.config["max_depth"]
        assert t.params["max_depth"] == depth in (4, 8, 16)
        assert t.assignment["max_depth"] == (4, 8, 16).index(depth)
        assert t.params["scale"] is t.config["scale"]
        assert t.params["model"] == t.config["model"]["kind"]  # a nested option: its constant
        assert ("model.C" in t.params) == (t.params["model"] == "svm")
        assert set(t.params) == set(t.assignment)
    assert study.best.params["lr"] == study.best.config["lr"]
    assert "params={" in repr(study.best) and "'max_depth'" in repr(study.best)


def test_objective_trial_sees_values() -> None:
    seen: list[tuple[Any, Any]] = []

    def objective(cfg: dict[str, Any], trial: Any) -> float:
        seen.append((trial.params["max_depth"], cfg["max_depth"]))
        return 0.0

    hh.Study(SPACE, seed=1).optimize(objective, n_trials=6, progress=False)
    assert len(seen) == 6 and all(p == c for p, c in seen)


def test_trial_straight_from_a_storage_names_assignment(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/r.db"
    study = _study(url)
    store = get_storage(url)
    raw, _ = store.get_trials(study.id)
    assert raw[0].assignment == study.trials[0].assignment
    with pytest.raises(AttributeError, match="trial.assignment"):
        _ = raw[0].params
    store.close()


def test_a_reloaded_study_shows_the_same_values(tmp_path: Path) -> None:
    url = f"journal:///{tmp_path}/r.jsonl"
    before = [t.params for t in _study(url).trials]
    after = [t.params for t in hh.load_study(url, "values").trials]
    assert after == before
