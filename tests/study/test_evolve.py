"""A stored study's space may change compatibly: old trials stay, samplers use those that fit."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import hyperhop as hh
from hyperhop.samplers import History

ROOT = Path(__file__).resolve().parents[2]


class Recording(hh.RandomSampler):
    """Random search that remembers how many trials each suggestion saw."""

    def __init__(self, seed: int | None = None) -> None:
        super().__init__(seed)
        self.seen: list[int] = []

    def suggest(self, history: History) -> dict[str, Any]:
        self.seen.append(history.n)
        return super().suggest(history)


def first_run(url: str, n: int = 6) -> hh.Study:
    study = hh.Study({"x": hh.float(0, 1), "c": hh.choice("a", "b")}, storage=url, name="e", seed=0)
    for x in (0.05, 0.2, 0.5, 0.8, 0.95, 0.99)[:n]:
        study.enqueue({"x": x})
    return study.optimize(lambda c: -c["x"], n_trials=n, progress=False)


def test_a_widened_range_keeps_every_trial_and_reaches_past_the_old_bound(
    url: str, caplog: pytest.LogCaptureFixture
) -> None:
    first_run(url)
    sampler = Recording(seed=1)
    with caplog.at_level(logging.INFO, logger="hyperhop"):
        study = hh.Study(
            {"x": hh.float(0, 4), "c": hh.choice("a", "b")}, storage=url, name="e", algo=sampler
        )
    assert "'x' float [0.0, 1.0] -> float [0.0, 4.0]" in caplog.text
    assert "6 of its 6 trials fit the current space" in caplog.text
    study.optimize(lambda c: -c["x"], n_trials=16, progress=False)
    assert sampler.seen[0] == 6  # the sampler learnt from the old trials
    assert len(study.trials) == 16 and study.best.config["x"] > 1
    # resuming without the space (load_study, hyperhop worker) follows the stored current one
    again = hh.load_study(url, "e")
    assert again.space["x"].param.high == 4


def test_a_narrowed_range_hides_the_trials_outside_from_the_sampler(
    url: str, caplog: pytest.LogCaptureFixture
) -> None:
    first_run(url)
    sampler = Recording(seed=1)
    with caplog.at_level(logging.WARNING, logger="hyperhop"):
        study = hh.Study(
            {"x": hh.float(0, 0.6), "c": hh.choice("a", "b")}, storage=url, name="e", algo=sampler
        )
    assert "3 of its 6 trials fit the current space" in caplog.text
    study.optimize(lambda c: -c["x"], n_trials=8, progress=False)
    assert sampler.seen == [3, 4]
    assert len(study.trials) == 8 and study.best.config["x"] == 0.99  # old trials stay


def test_added_and_removed_parameters_and_an_added_option(url: str) -> None:
    first_run(url)
    space = {"x": hh.float(0, 1), "c": hh.choice("a", "b", "z"), "y": hh.int(1, 3)}
    sampler = Recording(seed=2)
    study = hh.Study(space, storage=url, name="e", algo=sampler)
    study.optimize(lambda c: c["y"] - c["x"], n_trials=9, progress=False)
    assert sampler.seen == [0, 1, 2]  # no old trial has 'y'
    old, new = study.trials[0], study.trials[-1]
    assert old.config == {"x": 0.05, "c": old.config["c"]} and "y" in new.config
    # remove 'c': every trial fits again (its 'c' dropped for the sampler)
    sampler = Recording(seed=3)
    study = hh.Study({"x": hh.float(0, 1), "y": hh.int(1, 3)}, storage=url, name="e", algo=sampler)
    study.optimize(lambda c: c["y"] - c["x"], n_trials=10, progress=False)
    assert sampler.seen == [3]
    assert hh.load_study(url, "e").space.labels == ("x", "y")


@pytest.mark.parametrize(
    ("space", "fragment"),
    [
        (
            {"x": hh.int(0, 1), "c": hh.choice("a", "b")},
            "'x' as float [0.0, 1.0], and it is now int [0, 1]",
        ),
        ({"x": hh.float(0, 1), "c": hh.choice("b", "a")}, "add new options at the end"),
        ({"x": hh.float(0, 1, shape=2), "c": hh.choice("a", "b")}, "its shape changed"),
    ],
)
def test_an_incompatible_change_is_refused_saying_what_changed(
    url: str, space: dict[str, Any], fragment: str
) -> None:
    first_run(url, n=2)
    with pytest.raises(hh.InvalidSpaceError) as info:
        hh.Study(space, storage=url, name="e")
    assert fragment in str(info.value) and "new study name" in str(info.value)
    assert len(hh.load_study(url, "e").trials) == 2  # nothing changed


def test_hyperhop_worker_follows_the_stored_current_space(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    first_run(url, n=2)
    hh.Study({"x": hh.float(5, 6), "c": hh.choice("a", "b")}, storage=url, name="e")
    (tmp_path / "wobj.py").write_text("def objective(cfg):\n    return cfg['x']\n")
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{tmp_path}"}
    proc = subprocess.run(
        [sys.executable, "-m", "hyperhop.cli", "worker", "--storage", url, "--study", "e",
         "--objective", "wobj:objective", "--n-trials", "4"],
        capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    xs = [t.params["x"] for t in hh.load_study(url, "e").trials]
    assert len(xs) == 4 and all(5 <= x <= 6 for x in xs[2:])


def test_the_same_space_again_is_no_change(url: str, caplog: pytest.LogCaptureFixture) -> None:
    first_run(url, n=2)
    with caplog.at_level(logging.INFO, logger="hyperhop"):
        study = hh.Study({"x": hh.float(0, 1), "c": hh.choice("a", "b")}, storage=url, name="e")
    assert "changed" not in caplog.text and "fit the current space" not in caplog.text
    assert study._fitting is None
