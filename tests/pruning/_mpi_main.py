"""Rank 0's script for the MPI pruning test, run as
``mpirun -n 3 python -m mpi4py.futures tests/pruning/_mpi_main.py OUT``: every objective
of :mod:`tests.pruning._remote` under the threshold pruner, plain and on isolated ranks;
writes ``{case: {x: [number of values, state]}}`` as JSON to OUT."""

from __future__ import annotations

import json
import sys

import hyperhop as hh
from tests.pruning._remote import OBJECTIVES, XS, pruned_study


def main(out: str) -> None:
    rows: dict[str, dict[str, list[object]]] = {}
    for isolate in (False, True):
        for name, objective in OBJECTIVES.items():
            study = pruned_study()
            executor = hh.MPIExecutor(isolate=isolate)
            study.optimize(objective, n_trials=len(XS), executor=executor, progress=False)
            rows[f"{name}{'-isolated' if isolate else ''}"] = {
                str(t.config["x"]): [len(t.intermediate), t.state.name] for t in study.trials
            }
    with open(out, "w") as f:
        json.dump(rows, f)


if __name__ == "__main__":
    main(sys.argv[1])
