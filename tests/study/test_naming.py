"""A study without a name never joins another experiment (SQLite, journal, PostgreSQL)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

import hyperhop as hh
from hyperhop.study.naming import check_name, generated_name

SPACE = {"x": hh.float(0, 1)}


def f1(cfg: dict[str, Any]) -> float:
    return cfg["x"]


def f2(cfg: dict[str, Any]) -> float:
    return 10 + cfg["x"]


def test_a_second_unnamed_run_is_a_new_experiment(
    url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="hyperhop"):
        first = hh.minimize(f1, SPACE, storage=url, n_trials=4, seed=0, progress=False)
    assert first.name != "default"
    assert repr(first.name) in caplog.text and f"name={first.name!r}" in caplog.text
    second = hh.minimize(f2, SPACE, storage=url, n_trials=4, seed=0, progress=False)
    # the issue's trap: f2 ran 0 trials and reported f1's best
    assert second.name != first.name
    assert len(second.trials) == 4 and second.best_value >= 10
    # resuming is by name, and then it adds to the same study
    again = hh.minimize(f1, SPACE, storage=url, name=first.name, n_trials=6, progress=False)
    assert len(again.trials) == 6 and again.best_value < 1
    assert len(hh.load_study(url, second.name).trials) == 4


def test_an_old_default_study_is_not_joined_silently(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    hh.Study(SPACE, storage=url, name="default").optimize(f1, n_trials=2, progress=False)
    with pytest.warns(FutureWarning, match="name='default'") as record:
        study = hh.Study(SPACE, storage=url)
    assert record[0].filename == __file__  # points at the user's line
    assert study.name != "default" and len(study.trials) == 0
    assert len(hh.Study(SPACE, storage=url, name="default").trials) == 2


def test_memory_and_checkpoint_path_keep_the_quick_path(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="hyperhop"):
        assert hh.Study(SPACE).name == "default"
        path = tmp_path / "run.db"
        hh.Study(SPACE, checkpoint_path=path).optimize(f1, n_trials=3, progress=False)
        resumed = hh.Study(SPACE, checkpoint_path=path)
    assert resumed.name == "default" and len(resumed.trials) == 3
    assert caplog.text == ""


def test_generated_names_are_unique_and_valid() -> None:
    names = {generated_name() for _ in range(200)}
    assert len(names) == 200
    assert all(check_name(n) == n and n.startswith("study-") for n in names)
    with pytest.raises(ValueError, match="non-empty"):
        check_name("")
