"""MPIExecutor on real MPI ranks: ``mpirun -n 3 python -m mpi4py.futures`` (rank 0 runs the
study, ranks 1 and 2 evaluate), in a subprocess with a timeout."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import hyperhop as hh
from tests.execution._harness import ROOT, run_mpi
from tests.execution._objectives import N_TRIALS, SPACE, quad, reference

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]


def mpirun(mode: str, tmp_path: Path, timeout: float = 90) -> tuple[int, list[Any], str]:
    out = tmp_path / "trials.json"
    script = ROOT / "tests" / "execution" / "_mpi_main.py"
    proc = run_mpi(script, mode, str(out), str(tmp_path), timeout=timeout)
    rows = json.loads(out.read_text()) if out.exists() else []
    return proc.returncode, rows, proc.stdout + proc.stderr


def test_ranks_give_the_inline_results(tmp_path: Path) -> None:
    code, rows, log = mpirun("parity", tmp_path)
    assert code == 0, log
    assert [(n, p, v) for n, p, v, _, _ in rows] == reference()


def test_an_objective_that_raises_fails_its_trial_only(tmp_path: Path) -> None:
    code, rows, log = mpirun("raise", tmp_path)
    assert code == 0, log
    failed = [r for r in rows if r[3] == "FAILED"]
    assert [r[4] for r in failed] == ["exception"]
    complete = [r for r in rows if r[3] == "COMPLETE"]
    assert len(complete) == N_TRIALS - 1 and len(rows) == N_TRIALS  # n_trials counts failures


def test_a_rank_that_dies_ends_the_job_without_a_hang(tmp_path: Path) -> None:
    """MPI has no worker fault tolerance: under Open MPI's defaults a rank that exits
    mid-trial makes mpirun abort the whole job. The documented behaviour: the job ends
    (no hang), with a non-zero exit status; killing a rank from outside is the same event
    (so no test kills one)."""
    code, rows, log = mpirun("exit", tmp_path, timeout=60)
    assert code != 0 and rows == [], log
    assert "exit" in log.lower()


def test_isolated_ranks_survive_exit_and_hang(tmp_path: Path) -> None:
    """With isolate (here through trial_timeout), each rank runs trials in a child process:
    os._exit fails one trial (worker_lost), a hang past 2 s another (timeout), the ranks
    live on and the study completes."""
    code, rows, log = mpirun("isolated", tmp_path)
    assert code == 0, log
    assert sorted(r[4] for r in rows if r[3] == "FAILED") == ["timeout", "worker_lost"], rows
    complete = [r for r in rows if r[3] == "COMPLETE"]
    assert len(complete) == N_TRIALS - 2 and len(rows) == N_TRIALS  # n_trials counts failures
    space = hh.Space(SPACE)
    assert all(v == quad(space.to_config(p)) for _, p, v, s, _ in rows if s == "COMPLETE")
