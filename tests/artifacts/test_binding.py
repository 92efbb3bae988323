"""Artifacts through a study: every executor, hh.repeat, ask/tell, ``hyperhop worker``
(killed mid-trial), a database server's store, and deletion with the study."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import hyperhop as hh
from hyperhop.cli import main as cli
from hyperhop.exceptions import ArtifactNotFoundError
from hyperhop.trial import TrialState
from tests.artifacts._objectives import SPACE, X_VAL, Y_VAL, fit_tree
from tests.conftest import require_module, require_service

ROOT = Path(__file__).resolve().parents[2]


def saves_array(cfg: dict[str, Any], trial: Any) -> float:
    trial.save_artifact("w", np.full(2, cfg["depth"], dtype=float))
    return float(cfg["depth"])


@pytest.mark.parametrize("executor", ["inline", "thread", "process"])
def test_artifacts_from_every_local_executor(tmp_path: Path, executor: str) -> None:
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    study = hh.Study(SPACE, storage=url, seed=0)
    study.optimize(saves_array, n_trials=4, n_jobs=2, executor=executor, progress=False)
    assert study.artifacts is not None
    assert study.artifacts.root == (tmp_path / "runs.db.artifacts").absolute()
    for t in study.trials:
        assert study.artifact_names(t) == ["w"]
        assert study.load_artifact(t, "w").tolist() == [t.config["depth"]] * 2


def test_generators_dicts_and_tuples_keep_their_meaning() -> None:
    def gen(cfg: dict[str, Any], trial: Any) -> Any:
        trial.save_artifact("w", b"x")
        yield 3.0
        return {"loss": 1.0, "extra": 7}

    study = hh.Study(SPACE, seed=0)
    study.optimize(gen, n_trials=1, progress=False)
    t = study.trials[0]
    assert t.value == 1.0 and t.user_attrs == {"extra": 7} and t.intermediate == {0: 3.0}
    assert study.load_artifact(t, "w") == b"x"

    def two(cfg: dict[str, Any], trial: Any) -> tuple[float, float]:
        trial.save_artifact("w", b"y")
        return 1.0, 2.0

    mo = hh.Study(SPACE, directions=["min", "max"], seed=0)
    mo.optimize(two, n_trials=1, progress=False)
    assert mo.trials[0].values == (1.0, 2.0)
    assert mo.load_artifact(mo.trials[0], "w") == b"y"


def test_through_repeat_each_repetition_gets_the_trial() -> None:
    def noisy(cfg: dict[str, Any], trial: Any) -> float:
        trial.save_artifact(f"seed{cfg['seed']}", np.array([cfg["seed"]]))
        return float(cfg["depth"] + cfg["seed"])

    study = hh.Study(SPACE, seed=0)
    study.optimize(hh.repeat(noisy, n=3), n_trials=2, progress=False)
    t = study.trials[0]
    assert t.state is TrialState.COMPLETE and t.value == t.config["depth"] + 1.0
    assert study.artifact_names(t) == ["seed0", "seed1", "seed2"]
    assert study.load_artifact(t, "seed2").tolist() == [2]


def test_a_failed_trial_leaves_no_reference_and_errors_name_the_fix() -> None:
    def fails_first(cfg: dict[str, Any], trial: Any) -> float:
        trial.save_artifact("w", b"x")
        if trial.number == 0:
            raise RuntimeError("boom")
        return 1.0

    study = hh.Study(SPACE, seed=0)
    study.optimize(fails_first, n_trials=2, progress=False)  # the failed trial counts too
    failed, done = study.trials
    assert failed.state is TrialState.FAILED and study.artifact_names(failed) == []
    assert study.artifact_names(done) == ["w"]
    with pytest.raises(ArtifactNotFoundError, match="saved none"):
        study.load_artifact(failed, "w")

    def bad_name(cfg: dict[str, Any], trial: Any) -> float:
        if trial.number == 2:
            trial.save_artifact("../../etc/passwd", b"x")
        return 1.0

    study.optimize(bad_name, n_trials=3, progress=False)
    assert "artifact name must be" in study.trials[2].error.message


def test_ask_tell() -> None:
    study = hh.Study(SPACE, seed=0)
    trial = study.ask()
    study.save_artifact(trial, "notes", {"ok": True})
    study.tell(trial, 1.0)
    assert study.load_artifact(study.best, "notes") == {"ok": True}
    with pytest.raises(ArtifactNotFoundError, match="'notes'"):
        study.load_artifact(study.best, "model")


def test_a_chosen_store_is_recorded_for_the_workers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    shared = tmp_path / "shared"
    study = hh.Study(SPACE, storage=url, name="s", artifacts=shared, seed=0)
    study.optimize(saves_array, n_trials=2, progress=False)
    again = hh.load_study(url, "s")
    assert again.artifacts is not None and again.artifacts.root == shared
    assert again.load_artifact(again.trials[1], "w").shape == (2,)
    assert (shared / f"study-{study.id}").is_dir()
    assert not (tmp_path / "runs.db.artifacts").exists()
    elsewhere = hh.load_study(url, "s", artifacts=tmp_path / "elsewhere")
    assert elsewhere.artifacts is not None and elsewhere.artifacts.root == tmp_path / "elsewhere"
    assert hh.load_study(url, "s").artifacts.root == shared  # the recorded one stays


@pytest.mark.server
def test_a_database_server_needs_a_store_and_finds_the_recorded_one(tmp_path: Path) -> None:
    require_module("psycopg", "postgres")
    require_service("postgres")
    from tests.execution._harness import pg_database

    with pg_database() as url:
        plain = hh.Study(SPACE, storage=url, name="plain", seed=0)
        with pytest.raises(ValueError, match="artifacts='/a/directory"):
            plain.save_artifact(plain.ask(), "w", b"x")
        study = hh.Study(SPACE, storage=url, name="s", artifacts=tmp_path, seed=0)
        study.optimize(saves_array, n_trials=2, n_jobs=2, executor="process", progress=False)
        again = hh.load_study(url, "s")
        assert again.load_artifact(again.trials[0], "w").shape == (2,)
        assert cli(["delete", "--storage", url, "--study", "s", "--yes"]) == 0
        assert not (tmp_path / f"study-{study.id}").exists()


def test_deleting_a_study_deletes_its_artifacts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    keep = hh.Study(SPACE, storage=url, name="keep", seed=0)
    gone = hh.Study(SPACE, storage=url, name="gone", seed=0)
    for s in (keep, gone):
        s.optimize(saves_array, n_trials=1, progress=False)
    folder = tmp_path / "runs.db.artifacts"
    assert cli(["delete", "--storage", url, "--study", "gone", "--yes"]) == 0
    assert sorted(p.name for p in folder.iterdir()) == [f"study-{keep.id}"]
    hh.artifacts.delete_study(url, "keep")
    assert list(folder.iterdir()) == []


def test_memory_storage_keeps_artifacts_in_a_private_temporary_folder() -> None:
    study = hh.Study(SPACE, seed=0)
    assert study.artifacts is not None
    root = study.artifacts.root
    assert not root.exists()  # made on the first write only
    study.optimize(saves_array, n_trials=1, progress=False)
    assert root.is_dir() and (root.stat().st_mode & 0o777) == 0o700
    assert study.load_artifact(study.trials[0], "w").shape == (2,)


@pytest.mark.chaos
@pytest.mark.slow
@pytest.mark.timeout(120)
def test_artifacts_survive_a_killed_worker_and_go_with_the_study(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    name = f"s{uuid.uuid4().hex[:8]}"
    hh.Study(SPACE, storage=url, name=name)
    env = {**os.environ, "HH_HANG_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "hyperhop.cli", "worker", "--storage", url, "--study", name]
    argv += ["--objective", "tests.artifacts._objectives:fit_tree", "--n-trials", "6"]
    argv += ["--algo", "random", "--seed", "0"]
    with open(tmp_path / "worker.log", "wb") as log:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while not (tmp_path / "hanging").exists():
            assert proc.poll() is None, (tmp_path / "worker.log").read_text()
            assert time.monotonic() < deadline, "the worker never reached trial 3"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(10)
    study = hh.load_study(url, name, grace_period=0.0)
    states = [t.state for t in study.trials]
    assert states[:3] == [TrialState.COMPLETE] * 3 and study.trials[3].state is TrialState.FAILED
    assert study.artifact_names(study.trials[3]) == []  # killed: never referenced
    folder = tmp_path / "runs.db.artifacts" / f"study-{study.id}"
    assert not list(folder.rglob("*.tmp")) and not list(folder.rglob(".*"))
    ens = hh.ensemble.from_study(study, X_VAL, Y_VAL, k=3)
    assert {t.number for t in ens.trials_} <= {0, 1, 2}
    assert ens.predict(X_VAL[:4]).shape == (4,)
    assert cli(["delete", "--storage", url, "--study", name, "--yes"]) == 0
    assert not folder.exists()


def test_a_journal_keeps_its_artifacts_beside_the_file(tmp_path: Path) -> None:
    study = hh.Study(SPACE, storage=str(tmp_path / "runs.jsonl"), name="j", seed=0)
    study.optimize(saves_array, n_trials=1, progress=False)
    assert (tmp_path / "runs.jsonl.artifacts" / f"study-{study.id}").is_dir()
    again = hh.load_study(str(tmp_path / "runs.jsonl"), "j")
    assert again.load_artifact(again.trials[0], "w").shape == (2,)


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_dask_workers_save_artifacts_and_predict_members(tmp_path: Path) -> None:
    require_module("distributed", "dask")
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    study = hh.Study(SPACE, storage=url, algo="random", seed=0)
    study.optimize(fit_tree, n_trials=4, n_jobs=2, executor="dask", progress=False)
    assert all(study.artifact_names(t) == ["model", "val_pred"] for t in study.trials)
    here = hh.ensemble.from_study(study, X_VAL, Y_VAL, k=3)
    there = hh.ensemble.from_study(study, X_VAL, Y_VAL, k=3, n_jobs=2, executor="dask")
    np.testing.assert_allclose(here.weights_, there.weights_)
    saved = hh.ensemble.from_study(study, None, Y_VAL, k=3, predictions="val_pred")
    np.testing.assert_allclose(here.weights_, saved.weights_)
