"""Real ``hyperhop worker`` processes pruning one shared study, in SQLite and PostgreSQL:
the pruner and fidelity come from storage (or from ``--pruner``/``--fidelity``), and every
decision is one that the values in storage justify."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import hyperhop as hh
from hyperhop.pruning.base import resource, value_at_resource
from hyperhop.trial import Trial, TrialState

from ._objectives import EPOCHS

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

ROOT = Path(__file__).resolve().parents[2]
SPACE = {"x": hh.float(0, 1)}
N_TRIALS = 18
RUNGS = [1, 3]  # successive halving on epochs 1..9 with eta = 3


@pytest.fixture
def storage(worker_storage: str) -> str:
    """SQLite, and PostgreSQL (tests/conftest.py)."""
    return worker_storage


def run_workers(storage: str, folder: Path, *extra: str, n: int = 2) -> list[str]:
    """``n`` ``hyperhop worker`` processes on study ``shared`` until it has N_TRIALS; their
    logs."""
    argv = [sys.executable, "-m", "hyperhop.cli", "-v", "worker", "--storage", storage]
    argv += ["--study", "shared", "--objective", "tests.pruning._objectives:curve"]
    argv += ["--n-trials", str(N_TRIALS), "--algo", "random", *extra]
    procs = []
    try:
        for i in range(n):
            procs.append(
                subprocess.Popen(
                    [*argv, "--seed", str(i)],
                    cwd=ROOT,
                    env={**os.environ, "PYTHONPATH": str(ROOT)},
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    text=True,
                )
            )
        outs = [p.communicate(timeout=180)[0] for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(10)
    assert [p.returncode for p in procs] == [0] * n, "\n".join(outs)
    return outs


def check_halving(trials: list[Trial]) -> None:
    """Every trial ran the full budget or stopped at a rung where a value in storage beat
    it; at least one such stop was justified by another worker's trial."""
    pruned = [t for t in trials if t.state is TrialState.PRUNED]
    complete = [t for t in trials if t.state is TrialState.COMPLETE]
    assert len(pruned) >= 3, [(t.number, t.state, len(t.intermediate)) for t in trials]
    assert complete
    for t in complete:
        assert sorted(t.intermediate) == list(range(EPOCHS))
    across = 0
    for t in pruned:
        stop = resource(max(t.intermediate))
        assert stop in RUNGS and len(t.intermediate) < EPOCHS
        assert t.value == t.intermediate[max(t.intermediate)]  # it keeps its values
        mine = value_at_resource(t, stop)
        assert mine is not None
        better = [
            o
            for o in trials
            if o.id != t.id and (v := value_at_resource(o, stop)) is not None and v < mine
        ]
        assert better, f"trial {t.number} was pruned at {stop} without a better value there"
        across += any(o.owner != t.owner for o in better)
    assert across >= 1, "no pruning decision used the other worker's values"
    assert len({t.owner for t in trials}) == 2, "the workers did not share the study"


def test_workers_use_the_pruner_and_fidelity_stored_with_the_study(
    storage: str, tmp_path: Path
) -> None:
    """The study is created with successive halving and a fidelity; the workers are given
    neither, read both from storage, and prune alike."""
    hh.Study(
        SPACE,
        storage=storage,
        name="shared",
        pruner=hh.pruning.SuccessiveHalvingPruner(reduction_factor=3),
        fidelity=hh.Fidelity("epochs", 1, EPOCHS),
        algo="random",
    )
    outs = run_workers(storage, tmp_path)
    assert all("SuccessiveHalvingPruner(min_resource=1" in o for o in outs), outs
    study = hh.load_study(storage, "shared")
    assert study.fidelity == hh.Fidelity("epochs", 1, EPOCHS)
    check_halving(list(study.trials))


def test_pruner_and_fidelity_given_on_the_command_line(storage: str, tmp_path: Path) -> None:
    """A study created without pruning gets it from ``--pruner`` and ``--fidelity``."""
    hh.Study(SPACE, storage=storage, name="shared", algo="random")
    run_workers(
        storage,
        tmp_path,
        "--pruner",
        "sha:min_resource=1,reduction_factor=3",
        "--fidelity",
        f"epochs:1:{EPOCHS}",
    )
    check_halving(list(hh.load_study(storage, "shared").trials))


def test_a_bad_pruner_spelling_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from hyperhop.cli import main

    url = f"sqlite:///{tmp_path / 'study.db'}"
    hh.Study(SPACE, storage=url, name="shared")
    base = ["worker", "--storage", url, "--study", "shared"]
    base += ["--objective", "tests.pruning._objectives:curve", "--n-trials", "1"]
    for extra, message in [
        (["--pruner", "sha:reduction_factor"], "key=value"),
        (["--pruner", "sha:reduction_factor=1"], "'reduction_factor' parameter"),
        (["--pruner", "nope"], "'pruner' parameter"),
        (["--pruner", "median:bogus=1"], "does not take these arguments"),
        (["--fidelity", "epochs:1"], "NAME:MIN:MAX"),
        (["--fidelity", "epochs:9:1"], "'min' parameter of Fidelity"),
    ]:
        assert main(base + extra) == 1
        assert message in capsys.readouterr().err, extra
    assert hh.load_study(url, "shared").trials == []  # nothing ran
