"""Pruning through the study: the three ways to report progress, on every local executor
and storage, and two processes sharing one SQLite file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import hyperhop as hh
from hyperhop.pruning import SuccessiveHalvingPruner, ThresholdPruner
from hyperhop.trial import TrialState
from tests.conftest import require_module

from ._worker import SPACE as WORKER_SPACE
from ._worker import curve_objective

REPO = Path(__file__).resolve().parents[2]
XS = [0.1, 0.3, 0.5, 0.7, 0.9, 1.5]
# x * (step + 1) > 2 stops the trial: the number of values each x reports
EXPECTED = {0.1: 6, 0.3: 6, 0.5: 5, 0.7: 3, 0.9: 3, 1.5: 2}


def generator(cfg: dict):  # type: ignore[no-untyped-def]
    for step in range(cfg["epochs"]):
        yield cfg["x"] * (step + 1)


def trial_aware(cfg: dict, trial) -> float:  # type: ignore[no-untyped-def]
    for step in range(cfg["epochs"]):
        trial.report(cfg["x"] * (step + 1), step)
        if trial.should_prune():
            raise hh.Pruned()
    return cfg["x"] * cfg["epochs"]


def trial_aware_returning(cfg: dict, trial) -> float:  # type: ignore[no-untyped-def]
    v = 0.0
    for step in range(cfg["epochs"]):
        v = cfg["x"] * (step + 1)
        trial.report(v, step)
        if trial.should_prune():
            return v  # returning after a yes is a prune too
    return v


OBJECTIVES = {"generator": generator, "trial": trial_aware, "returning": trial_aware_returning}
CASES = [
    *[("inline", s, o) for s in ("memory", "sqlite") for o in OBJECTIVES],
    *[("thread", s, o) for s in ("memory", "sqlite") for o in OBJECTIVES],
    ("process", "memory", "generator"),
    ("process", "sqlite", "trial"),
]


def _storage(kind: str, tmp_path: Path) -> str | None:
    return None if kind == "memory" else f"sqlite:///{tmp_path / 'p.db'}"


@pytest.mark.timeout(120)
@pytest.mark.parametrize(("executor", "storage", "objective"), CASES)
def test_every_style_prunes_the_same_on_every_executor_and_storage(
    executor: str, storage: str, objective: str, tmp_path: Path
) -> None:
    study = hh.Study(
        {"x": hh.float(0, 2)},
        storage=_storage(storage, tmp_path),
        pruner=ThresholdPruner(upper=2.0),
        fidelity=hh.Fidelity("epochs", 1, 6),
        seed=0,
    )
    for x in XS:
        study.enqueue({"x": x})
    n_jobs = 1 if executor == "inline" else 2
    study.optimize(
        OBJECTIVES[objective],
        n_trials=len(XS),
        n_jobs=n_jobs,
        executor=None if executor == "inline" else executor,
        progress=False,
    )
    trials = {t.config["x"]: t for t in study.trials}
    assert {x: len(t.intermediate) for x, t in trials.items()} == EXPECTED
    for x, t in trials.items():
        steps = EXPECTED[x]
        assert t.intermediate == {s: pytest.approx(x * (s + 1)) for s in range(steps)}
        if steps < 6:
            assert t.state is TrialState.PRUNED
            assert t.value == pytest.approx(x * steps)  # the last intermediate value
        else:
            assert t.state is TrialState.COMPLETE
            assert t.value == pytest.approx(x * 6)
    assert study.best.config["x"] == 0.1


@pytest.mark.slow
@pytest.mark.timeout(240)
@pytest.mark.parametrize(
    ("executor", "storage", "objective", "module", "extra"),
    [
        ("ray", "sqlite", "generator", "ray", "ray"),
        ("ray", "memory", "trial", "ray", "ray"),
        ("dask", "memory", "generator", "distributed", "dask"),
        ("dask", "sqlite", "returning", "distributed", "dask"),
    ],
)
def test_pruning_is_the_same_under_ray_and_dask(
    executor: str, storage: str, objective: str, module: str, extra: str, tmp_path: Path
) -> None:
    """The same trials stop at the same steps when the objective runs on a local Ray or
    Dask cluster: reports and pruning questions travel to the study that decides."""
    require_module(module, extra)
    test_every_style_prunes_the_same_on_every_executor_and_storage(
        executor, storage, objective, tmp_path
    )


def test_the_fidelity_reaches_the_objective_and_cannot_shadow_a_parameter() -> None:
    seen = []
    study = hh.Study({"x": hh.float(0, 1)}, fidelity=hh.Fidelity("epochs", 1, 9), algo="random")
    assert study.pruner == SuccessiveHalvingPruner(1, 3, 9)
    study.optimize(lambda cfg: seen.append(cfg["epochs"]) or 0.0, n_trials=2, progress=False)
    assert seen == [9, 9]
    with pytest.raises(ValueError, match="also a parameter"):
        hh.Study({"epochs": hh.int(1, 9)}, fidelity=hh.Fidelity("epochs", 1, 9))
    with pytest.raises(ValueError, match="Fidelity"):
        hh.Study({"x": hh.float(0, 1)}, fidelity=("epochs", 1, 9))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="min"):
        hh.Fidelity("epochs", 10, 9)


def test_sha_with_threads_stops_only_at_rungs() -> None:
    study = hh.Study(
        {"x": hh.float(0, 1)},
        pruner="sha",
        fidelity=hh.Fidelity("epochs", 1, 9),
        seed=3,
        algo="random",
    )
    study.optimize(generator, n_trials=24, n_jobs=3, progress=False)
    pruned = [t for t in study.trials if t.state is TrialState.PRUNED]
    assert pruned
    for t in pruned:
        assert len(t.intermediate) in (1, 3)
        assert t.value == t.intermediate[max(t.intermediate)]


def test_a_failing_pruner_never_stops_the_trial(caplog: pytest.LogCaptureFixture) -> None:
    class Broken(hh.Pruner):
        def should_prune(self, trial, history):  # type: ignore[no-untyped-def]
            raise RuntimeError("bug in a pruner")

    study = hh.Study(
        {"x": hh.float(0, 1)}, pruner=Broken(), fidelity=hh.Fidelity("epochs", 1, 3), algo="random"
    )
    study.optimize(generator, n_trials=2, progress=False)
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 2
    assert "bug in a pruner" in caplog.text


def test_pruned_trials_feed_the_samplers_value() -> None:
    """A pruned trial's value is its last intermediate one, which CBO and GP read."""
    from hyperhop.samplers.modelspace import ModelSpace, observe

    study = hh.Study({"x": hh.float(0, 1)}, pruner=ThresholdPruner(upper=0.5), seed=0)
    study.enqueue({"x": 0.9})
    study.optimize(lambda cfg: (yield cfg["x"]), n_trials=1, progress=False)
    (t,) = study.trials
    assert t.state is TrialState.PRUNED and t.value == 0.9
    from hyperhop.samplers.base import History

    obs = observe(History(study.space, study.directions, study.trials), ModelSpace(study.space))
    assert obs.n == 1


def _worker(url: str, name: str, mode: str, arg: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.pruning._worker", url, name, mode, arg],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _result(proc: subprocess.Popen[str]) -> dict:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.timeout(180)
def test_two_processes_share_one_sqlite_study_and_prune_alike(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    study = hh.Study(
        WORKER_SPACE, storage=url, name="s", pruner=hh.pruning.MedianPruner(3), algo="random"
    )
    # both workers at once, one study; then this process adds its own
    procs = [_worker(url, "s", "run", "8") for _ in range(2)]
    results = [_result(p) for p in procs]
    study.optimize(curve_objective, n_trials=8, n_trials_mode="increment", progress=False)
    trials = study.trials
    assert len(trials) == 24
    assert len({t.owner for t in trials}) == 3
    pruned = [t for t in trials if t.state is TrialState.PRUNED]
    assert sum(r["pruned"] for r in results) + sum(t.owner == study.owner for t in pruned) == len(
        pruned
    )
    assert len(pruned) >= 3
    for t in pruned:
        assert t.intermediate and t.value == t.intermediate[max(t.intermediate)]
    # the same question gets the same answer in another process: decisions come from storage
    bad, good = study.ask(), study.ask()
    study.report(bad, 5.0, 0)
    study.report(good, 0.0, 0)
    answers = [_result(_worker(url, "s", "ask", str(t.number)))["prune"] for t in (bad, good)]
    assert answers == [study.should_prune(bad), study.should_prune(good)] == [True, False]
