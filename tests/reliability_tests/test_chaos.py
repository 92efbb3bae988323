"""The chaos test of issue 18: SIGKILL worker processes in the middle of their trials while
they share one study, then check that nothing was lost, doubled or left running.

Scaled down to run in well under a minute on two cores: the issue asks for a 1,000-trial
study with a random 10% of ``hyperhop worker`` processes killed; here 8 workers share a
120-trial study of a 100 ms objective and 1 of them (12.5%, the nearest to 10% at this
scale) is killed while it runs a trial, at a random point after a third of the budget.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

import hyperhop as hh
from hyperhop.trial import FailReason, Trial, TrialState, counts_as_run
from tests.reliability_tests._backends import Backend, on
from tests.reliability_tests._harness import (
    REPO_ROOT,
    check_invariants,
    kill,
    read_trials,
    wait_until,
)
from tests.reliability_tests._objectives import SPACE

N_TRIALS = 120
WORKERS = 8
KILLED = 1
STUDY = "chaos"


def _worker(url: str, log: Path) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "-m", "hyperhop.cli", "worker", "--storage", url, "--study", STUDY]
    argv += ["--objective", "tests.reliability_tests._objectives:sleep100ms"]
    argv += ["--n-trials", str(N_TRIALS), "--algo", "random", "--max-retries", "2"]
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    with open(log, "wb") as out:
        return subprocess.Popen(
            argv, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=out
        )


def _pid(t: Trial) -> int | None:
    parts = (t.owner or "").rsplit(":", 2)
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None


@pytest.mark.chaos
@pytest.mark.slow
@pytest.mark.timeout(240)
@pytest.mark.parametrize("backend", on("sqlite", "postgres", "mysql"), indirect=True)
def test_sigkilled_workers_lose_nothing_and_the_budget_stays_exact(
    backend: Backend, tmp_path: Path
) -> None:
    assert backend.url is not None
    hh.Study(SPACE, storage=backend.url, name=STUDY, algo="random", seed=0)
    procs = [_worker(backend.url, tmp_path / f"worker{i}.log") for i in range(WORKERS)]
    logs = lambda: "\n".join(p.read_text(errors="replace")[-2000:] for p in tmp_path.glob("*.log"))  # noqa: E731
    store = backend.open()
    rng = random.Random(os.getpid())
    start_at = rng.randint(N_TRIALS // 3, N_TRIALS // 2)
    killed: dict[int, int] = {}  # pid -> number of the trial it was running
    try:
        wait_until(
            lambda: sum(t.state.is_finished for t in read_trials(store, STUDY)) >= start_at,
            90,
            interval=0.05,
            what=f"{start_at} finished trials",
        )
        pids = {p.pid: p for p in procs}

        def fresh_trial() -> list[Trial]:
            """Trials a live worker started under 40 ms ago (a 100 ms objective: the kill
            lands in the middle, not between two trials)."""
            now = time.time()
            return [
                t
                for t in read_trials(store, STUDY)
                if t.state is TrialState.RUNNING
                and _pid(t) in pids
                and _pid(t) not in killed
                and now - (t.datetime_start or 0.0) < 0.04
            ]

        while len(killed) < KILLED:
            victim = rng.choice(wait_until(fresh_trial, 60, what="a trial just started"))
            pid = _pid(victim)
            assert pid is not None
            kill(pid, signal.SIGKILL)
            pids[pid].wait(10)  # reap the zombie: a dead pid, as on any other host
            killed[pid] = victim.number
        codes = [p.wait(120) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(10)
    assert sorted(codes) == sorted([-signal.SIGKILL] * KILLED + [0] * (WORKERS - KILLED)), logs()

    # at rest, without running the reaper: nothing RUNNING, numbers unique and contiguous,
    # every failure has a known reason, every retry names a stale original with its params
    trials = check_invariants(store, STUDY, reap=False)
    states = Counter(t.state for t in trials)
    assert states[TrialState.RUNNING] == 0 and states[TrialState.QUEUED] == 0, states
    # every killed trial failed as stale and was queued again exactly once; none was lost
    stale = [t for t in trials if t.error is not None and t.error.reason == FailReason.STALE.value]
    assert {t.number for t in stale} >= set(killed.values()), (killed, stale)
    assert all(_pid(t) in killed for t in stale), "a live worker's trial was reaped"
    retries = Counter(t.retried_from for t in trials if t.retried_from is not None)
    assert {n: retries[n] for n in (t.number for t in stale)} == {t.number: 1 for t in stale}
    for t in stale:
        [retry] = [r for r in trials if r.retried_from == t.number]
        assert retry.state is TrialState.COMPLETE and retry.assignment == t.assignment
    # the budget is exact: every trial that ran counts, the stale ones do not
    assert sum(counts_as_run(t) for t in trials) == N_TRIALS
    assert len(trials) == N_TRIALS + len(stale)
    assert states[TrialState.COMPLETE] == N_TRIALS
