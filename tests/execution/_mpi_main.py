"""Rank 0's script for the MPI tests, run as
``mpirun -n 3 python -m mpi4py.futures tests/execution/_mpi_main.py MODE OUT CONTROL``.

MODE ``parity`` runs the seeded 16-trial study of quad; ``raise`` and ``exit`` run chaos
with that one fault; ``isolated`` runs chaos with ``exit`` and ``hang`` on isolated ranks
with a 2 s trial timeout. Writes the trials as JSON to OUT.
"""

from __future__ import annotations

import functools
import json
import sys
from typing import Any

import hyperhop as hh
from tests.execution._objectives import N_TRIALS, SEED, SPACE, chaos, quad


def main(mode: str, out: str, control: str) -> None:
    objective: Any
    if mode == "parity":
        objective, executor = quad, hh.MPIExecutor()
    elif mode == "isolated":
        objective = functools.partial(chaos, control=control, faults=("exit", "hang"))
        executor = hh.MPIExecutor(trial_timeout=2.0)
    else:
        objective = functools.partial(chaos, control=control, faults=(mode,))
        executor = hh.MPIExecutor()
    study = hh.Study(SPACE, algo="random", seed=SEED)
    study.optimize(objective, n_trials=N_TRIALS, executor=executor, progress=False)
    rows = [
        [t.number, dict(t.assignment), t.value, t.state.name, t.error.reason if t.error else None]
        for t in study.trials
    ]
    with open(out, "w") as f:
        json.dump(rows, f)


if __name__ == "__main__":
    main(*sys.argv[1:4])
