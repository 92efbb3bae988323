"""RayExecutor on a real local Ray cluster (2 CPUs): parity with the inline run, and faults."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import hyperhop as hh
from tests.conftest import require_module
from tests.execution._harness import Killer, check_fault_study
from tests.execution._objectives import (
    N_TRIALS,
    SEED,
    SPACE,
    chaos,
    pid_quad,
    quad,
    reference,
    summary,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]


def test_executor_started_cluster_gives_the_inline_results() -> None:
    """executor="ray" starts a local cluster for the run and shuts it down after."""
    require_module("ray", "ray")
    import ray

    study = hh.Study(SPACE, algo="random", seed=SEED)
    study.optimize(quad, n_trials=N_TRIALS, n_jobs=2, executor="ray", progress=False)
    assert summary(study) == reference()
    assert not ray.is_initialized()


def test_intermediate_values_reach_the_study(ray_session: Any) -> None:
    def curve(cfg: dict[str, Any], trial: Any) -> float:
        for step in range(3):
            trial.report(cfg["x"] + step, step)
            assert not trial.should_prune()  # no pruner: the study says go on
        return quad(cfg)

    study = hh.Study(SPACE, algo="random", seed=SEED)
    study.optimize(curve, n_trials=4, executor=hh.RayExecutor(num_workers=2), progress=False)
    for t in study.trials:
        assert t.intermediate == {s: t.config["x"] + s for s in range(3)}
    assert ray_session.is_initialized()  # a session the executor did not start stays up


def test_faults_fail_their_trials_and_the_study_goes_on(ray_session: Any, tmp_path: Path) -> None:
    """An objective that raises, one that calls os._exit, and a worker SIGKILLed from
    outside mid-trial: 16 trials still complete, the faulty ones fail with their reason."""
    killer = Killer(tmp_path).start()
    study = hh.Study(SPACE, algo="random", seed=SEED)
    study.optimize(
        chaos,
        n_trials=N_TRIALS,
        executor=hh.RayExecutor(num_workers=2),
        kwargs={"control": str(tmp_path)},
        progress=False,
    )
    killer.join()
    assert killer.killed is not None
    check_fault_study(study, {"exception": 1, "worker_lost": 2})


def test_isolated_trials_time_out_and_the_study_goes_on(ray_session: Any, tmp_path: Path) -> None:
    """With trial_timeout each actor runs its trials in a child process: one that raises,
    one that calls os._exit and one that hangs past 2 s fail with their reasons, the
    actors live on and 16 trials complete."""
    study = hh.Study(SPACE, algo="random", seed=SEED)
    study.optimize(
        chaos,
        n_trials=N_TRIALS,
        executor=hh.RayExecutor(num_workers=2, trial_timeout=2.0),
        kwargs={"control": str(tmp_path)},
        progress=False,
    )
    check_fault_study(study, {"exception": 1, "worker_lost": 1, "timeout": 1})
    (hung,) = [t for t in study.trials if t.error and t.error.reason == "timeout"]
    assert "trial_timeout=2" in hung.error.message


def test_threaded_actors_share_a_process(ray_session: Any) -> None:
    """trials_per_process=2: one actor runs both trials at once, in one process."""
    study = hh.Study(SPACE, algo="random", seed=SEED)
    executor = hh.RayExecutor(num_workers=2, trials_per_process=2, cpus_per_trial=0.5)
    study.optimize(pid_quad, n_trials=8, executor=executor, progress=False)
    assert len({t.user_attrs["pid"] for t in study.trials}) == 1
    assert all(t.value == quad(t.config) for t in study.trials)
