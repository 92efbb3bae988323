"""A worker process: ``python -m tests.reliability_tests._worker --storage URL --study NAME ...``.

Opens (or creates) the study with :data:`_objectives.SPACE`, runs the named objective from
:data:`_objectives.OBJECTIVES` through ``study.optimize`` (or, with ``--loop asktell``, does
``n_trials`` ask/tell cycles of :func:`_objectives.value_of`) and exits with

- 0 when ``optimize`` returned,
- 130 on KeyboardInterrupt (what a shell reports for Ctrl+C),
- 1 on any other exception (its traceback on stderr),
- 3 when the barrier was never released.

The last line on stdout is ``RESULT {json}`` with the counts this process saw at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

BARRIER_TIMEOUT = 60.0


def _parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="tests.reliability_tests._worker")
    p.add_argument("--storage", required=True)
    p.add_argument("--study", required=True)
    p.add_argument("--n-trials", type=int, required=True)
    p.add_argument("--objective", required=True)
    p.add_argument("--mode", default="total", choices=("total", "increment"))
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--algo", default="random")
    p.add_argument("--grid-resolution", type=int, default=None, help="with --algo grid")
    p.add_argument("--n-jobs", type=int, default=1)
    p.add_argument("--dir", default=None)
    p.add_argument("--hang-at", type=int, default=None)
    p.add_argument("--barrier", default=None, help="folder of a file barrier (see _harness)")
    p.add_argument("--heartbeat", type=float, default=10.0)
    p.add_argument("--grace", type=float, default=60.0)
    p.add_argument("--max-retries", type=int, default=0)
    p.add_argument(
        "--loop",
        default="optimize",
        choices=("optimize", "asktell"),
        help="study.optimize, or the caller's own ask/tell loop of n_trials cycles",
    )
    return p.parse_args(argv)


def _barrier(folder: Path) -> bool:
    """Say we are ready, then wait for the parent's ``go`` file."""
    (folder / f"ready-{os.getpid()}").write_text("", encoding="utf-8")
    deadline = time.monotonic() + BARRIER_TIMEOUT
    go = folder / "go"
    while not go.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.001)
    return True


def main(argv: list[str]) -> int:
    args = _parse(argv)
    from tests.reliability_tests import _objectives

    objective = _objectives.OBJECTIVES[args.objective]
    _objectives.CONTEXT["dir"] = args.dir
    _objectives.CONTEXT["hang_at"] = args.hang_at
    import hyperhop as hh

    if args.barrier is not None and not _barrier(Path(args.barrier)):
        print("barrier never released", file=sys.stderr)
        return 3
    algo: object = args.algo
    if args.algo == "grid":
        from hyperhop.samplers import GridSampler

        algo = GridSampler(args.seed, resolution=args.grid_resolution)
    try:
        study = hh.Study(
            _objectives.SPACE,
            direction="min",
            storage=args.storage,
            name=args.study,
            algo=algo,
            seed=args.seed,
            load_if_exists=True,
            heartbeat_interval=args.heartbeat,
            grace_period=args.grace,
            max_retries=args.max_retries,
        )
        if args.loop == "asktell":
            for _ in range(args.n_trials):
                trial = study.ask()
                study.tell(trial, _objectives.value_of(trial.config))
        else:
            study.optimize(
                objective,
                n_trials=args.n_trials,
                n_jobs=args.n_jobs,
                progress=False,
                n_trials_mode=args.mode,
            )
        states: dict[str, int] = {}
        for t in study.trials:
            states[t.state.name] = states.get(t.state.name, 0) + 1
        print("RESULT " + json.dumps({"pid": os.getpid(), "states": states}), flush=True)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr, flush=True)
        return 130
    except Exception:  # noqa: BLE001 - reported to the test through stderr and the exit code
        traceback.print_exc()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
