"""Live pruning on the remote executors: a generator objective, ``trial.report`` /
``should_prune`` and ``hh.repeat`` stop where the pruner says on a real local Ray
cluster, a real Dask LocalCluster and real MPI ranks (2 workers each), plain and with
each trial in an isolated child process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import hyperhop as hh
from tests.conftest import require_module
from tests.execution._harness import ROOT, run_mpi
from tests.pruning._remote import EXPECTED, OBJECTIVES, XS, check, pruned_study

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

CASES = [(name, isolate) for isolate in (False, True) for name in OBJECTIVES]


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Any]:
    require_module("distributed", "dask")
    import distributed

    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


@pytest.mark.parametrize(("objective", "isolate"), CASES)
def test_ray_trials_stop_when_the_pruner_says(
    ray_session: Any, objective: str, isolate: bool
) -> None:
    study = pruned_study()
    executor = hh.RayExecutor(num_workers=2, isolate=isolate)
    study.optimize(OBJECTIVES[objective], n_trials=len(XS), executor=executor, progress=False)
    check(study)


@pytest.mark.parametrize(("objective", "isolate"), CASES)
def test_dask_trials_stop_when_the_pruner_says(
    dask_client: Any, objective: str, isolate: bool
) -> None:
    study = pruned_study()
    executor = hh.DaskExecutor(dask_client, isolate=isolate)
    study.optimize(OBJECTIVES[objective], n_trials=len(XS), executor=executor, progress=False)
    check(study)


def test_sha_on_ray_stops_trials_at_rungs_only(ray_session: Any) -> None:
    """Successive halving decides from what the other trials reported live."""
    study = hh.Study(
        {"x": hh.float(0, 1)},
        pruner="sha",
        fidelity=hh.Fidelity("epochs", 1, 9),
        seed=3,
        algo="random",
    )
    study.optimize(
        OBJECTIVES["generator"],
        n_trials=12,
        executor=hh.RayExecutor(num_workers=2),
        progress=False,
    )
    pruned = [t for t in study.trials if t.state.name == "PRUNED"]
    assert pruned
    assert all(len(t.intermediate) in (1, 3) for t in pruned)


def test_mpi_ranks_stop_trials_when_the_pruner_says(tmp_path: Path) -> None:
    out = tmp_path / "rows.json"
    proc = run_mpi(ROOT / "tests" / "pruning" / "_mpi_main.py", str(out), timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = json.loads(out.read_text())
    expected = {str(x): [n, "PRUNED" if n < 6 else "COMPLETE"] for x, n in EXPECTED.items()}
    assert rows == {f"{name}{'-isolated' if iso else ''}": expected for name, iso in CASES}
