"""A second process on a shared study: ``python -m tests.pruning._worker URL NAME MODE``.

MODE ``run N``: run N trials of :func:`curve_objective` with the median pruner.
MODE ``ask NUMBER``: print whether the median pruner stops trial NUMBER now.
The last stdout line is a JSON object.
"""

from __future__ import annotations

import json
import sys

import hyperhop as hh

SPACE = {"x": hh.float(0, 1)}
PRUNER = hh.pruning.MedianPruner(n_startup_trials=3)


def curve_objective(cfg: dict):  # type: ignore[no-untyped-def]
    """Loss curves that keep their order: final value x, starting at 1 + x."""
    for step in range(8):
        yield cfg["x"] + 1.0 / (step + 1)


def main(argv: list[str]) -> None:
    url, name, mode, arg = argv
    study = hh.Study(SPACE, storage=url, name=name, pruner=PRUNER, algo="random")
    if mode == "run":
        study.optimize(
            curve_objective, n_trials=int(arg), n_trials_mode="increment", progress=False
        )
        mine = [t for t in study.trials if t.owner == study.owner]
        print(
            json.dumps(
                {"owner": study.owner, "pruned": sum(t.state.name == "PRUNED" for t in mine)}
            )
        )
    else:
        print(json.dumps({"prune": study.should_prune(int(arg))}))


if __name__ == "__main__":
    main(sys.argv[1:])
