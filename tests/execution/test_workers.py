"""``hyperhop worker`` processes sharing one study in PostgreSQL or SQLite, with a driver
that evaluates nothing (``optimize(n_jobs=0)``) and waits for them."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import hyperhop as hh
from hyperhop.trial import TrialError, TrialState
from tests.execution._harness import Killer, check_fault_study
from tests.execution._objectives import N_TRIALS, SEED, SPACE, quad, reference

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def storage(worker_storage: str) -> str:
    """SQLite, and PostgreSQL (tests/conftest.py)."""
    return worker_storage


@contextlib.contextmanager
def workers(
    n: int, storage: str, objective: str, folder: Path, env: dict[str, str] | None = None
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """``n`` real ``hyperhop worker`` processes; every one is gone when the block ends."""
    argv = [
        sys.executable,
        "-m",
        "hyperhop.cli",
        "worker",
        "--storage",
        storage,
        "--study",
        "shared",
        "--objective",
        f"tests.execution._objectives:{objective}",
        "--n-trials",
        str(N_TRIALS),
        "--algo",
        "random",
        "--seed",
        str(SEED),
    ]
    procs = []
    try:
        for i in range(n):
            with open(folder / f"worker{i}.log", "wb") as log:
                procs.append(
                    subprocess.Popen(
                        argv,
                        cwd=ROOT,
                        env={**os.environ, **(env or {})},
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        stdin=subprocess.DEVNULL,
                    )
                )
        yield procs
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
            p.wait(10)


def logs(folder: Path) -> str:
    return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(folder.glob("*.log")))


def test_workers_complete_the_total_budget_without_repeating_a_draw(
    storage: str, tmp_path: Path
) -> None:
    """3 workers given one seed, one study, 16 trials in all: each worker draws from its
    own streams (``--seed`` with workers), so no configuration repeats, and every value is
    the deterministic objective's at its config. The total is exact: workers that check the
    budget at the same instant cannot each start a last trial (issue 18 item 7)."""
    driver = hh.Study(SPACE, storage=storage, name="shared", algo="random", seed=SEED)
    with workers(3, storage, "slow_quad", tmp_path) as procs:
        driver.optimize(quad, n_trials=N_TRIALS, n_jobs=0, runtime=120, progress=False)
        codes = [p.wait(60) for p in procs]
    assert codes == [0, 0, 0], logs(tmp_path)
    trials = driver.trials
    assert len(trials) == N_TRIALS
    assert all(t.state is TrialState.COMPLETE for t in trials)
    for t in trials:
        assert t.value == quad(t.config), t
    assert len({repr(sorted(t.params.items())) for t in trials}) == len(trials)
    assert len({t.owner for t in trials}) >= 2, "the workers did not share the study"


def test_a_worker_killed_mid_trial_is_reaped_and_the_others_finish(
    storage: str, tmp_path: Path
) -> None:
    """One trial raises, one worker is SIGKILLed mid-trial from outside: its trial is
    reaped as stale by the others, which complete the budget."""
    control = tmp_path / "control"
    control.mkdir()
    driver = hh.Study(SPACE, storage=storage, name="shared", algo="random", seed=SEED)
    killer = Killer(control).start()
    env = {"HH_TEST_CONTROL": str(control)}
    with workers(3, storage, "slow_chaos", tmp_path, env) as procs:
        killer.reap = lambda pid: [p.wait(10) for p in procs if p.pid == pid]
        driver.optimize(quad, n_trials=N_TRIALS, n_jobs=0, runtime=120, progress=False)
        codes = sorted(p.wait(60) for p in procs)
    killer.join()
    assert killer.killed is not None
    assert codes == [-9, 0, 0], logs(tmp_path)
    check_fault_study(driver, {"exception": 1, "stale": 1})


def test_n_jobs_0_needs_a_shared_storage() -> None:
    with pytest.raises(ValueError, match="n_jobs"):
        hh.Study(SPACE).optimize(quad, n_trials=1, n_jobs=0)


def test_worker_reports_a_bad_objective_reference(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'study.db'}"
    hh.Study(SPACE, storage=url, name="shared")
    proc = subprocess.run(
        [sys.executable, "-m", "hyperhop.cli", "worker", "--storage", url, "--study", "shared"]
        + ["--objective", "tests.execution._objectives:missing", "--n-trials", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1 and "has no attribute 'missing'" in proc.stderr


def test_a_total_budget_counts_trials_other_workers_run(tmp_path: Path) -> None:
    """Another worker's RUNNING trial holds one place of the total, and so does this
    process's own ask/tell trial (every running trial will end with an outcome that
    counts): this process waits for the other (bounded by runtime) and takes the place
    back when that trial fails as stale (its worker gone), not when it fails by itself."""
    url = f"sqlite:///{tmp_path / 'study.db'}"
    study = hh.Study(SPACE, storage=url, name="shared", algo="random", seed=SEED)
    params = dict(reference()[0][1])
    other = study.storage.create_trial(
        study.id, state=TrialState.RUNNING, assignment=params, owner="elsewhere:1:1"
    )
    study.ask()  # this process's own trial, outside the loop: it holds a place too
    t0 = time.monotonic()
    study.optimize(quad, n_trials=3, runtime=2, progress=False)
    assert time.monotonic() - t0 >= 1.5  # it waited for the other worker's trial
    assert sum(t.state is TrialState.COMPLETE for t in study.trials) == 1

    def reap_other() -> None:
        time.sleep(0.5)
        study.storage.update_trial(
            other.id,
            expect_state=TrialState.RUNNING,
            expect_owner="elsewhere:1:1",
            state=TrialState.FAILED,
            error=TrialError("stale", "the other worker is gone"),
        )

    threading.Thread(target=reap_other, daemon=True).start()
    t0 = time.monotonic()
    study.optimize(quad, n_trials=3, runtime=30, progress=False)
    assert time.monotonic() - t0 < 20
    assert sum(t.state is TrialState.COMPLETE for t in study.trials) == 2
