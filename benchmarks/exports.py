"""Time to export a study's trials: ``to_pandas()``, ``to_csv()`` and ``to_json()``.

Trials are built directly (no objective runs), on a space with floats, an int, a choice and
a nested choice, with two user attributes; a twentieth of them failed. The table shows the
median over the repeats of the wall time and of the CPU time (on a shared, loaded machine
the CPU time is the figure to compare), and the CPU cost per trial. The target:
``to_pandas()`` of 100,000 trials in under 0.5 s.

    PYTHONPATH=. .venv/bin/python benchmarks/exports.py             # 100,000 trials
    PYTHONPATH=. .venv/bin/python benchmarks/exports.py --n 10000 --repeats 5
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import hyperhop as hh
from hyperhop.study.trials import TrialList
from hyperhop.trial import FailReason, Trial, TrialError, TrialState

SPACE = {
    "lr": hh.float(1e-5, 1e-1, log=True),
    "dropout": hh.float(0.0, 0.5),
    "units": hh.int(16, 512, power_of=2),
    "opt": hh.choice("adam", "sgd", "rmsprop"),
    "model": hh.choice(
        {"kind": "svm", "C": hh.float(1e-3, 1e3, log=True)},
        {"kind": "forest", "trees": hh.int(10, 500)},
    ),
}


def make_trials(n: int, seed: int = 0) -> TrialList:
    """``n`` finished trials of :data:`SPACE`, attached to it as a study's are."""
    space = hh.Space(SPACE)
    rng = np.random.default_rng(seed)
    t0 = 1.8e9
    trials = []
    for i in range(n):
        a = space.complete({}, rng)  # a draw from the prior (the same on every version)
        start = t0 + 2.0 * i
        failed = i % 20 == 7
        trials.append(
            Trial(
                id=i + 1,
                number=i,
                study_id=1,
                state=TrialState.FAILED if failed else TrialState.COMPLETE,
                assignment=a,
                values=None if failed else (float(rng.random()),),
                user_attrs={"fold": i % 5, "note": "ok"},
                error=TrialError(FailReason.EXCEPTION.value, "boom", "ValueError")
                if failed
                else None,
                owner="host:1:abc",
                datetime_start=start,
                datetime_complete=start + 1.5,
            ).attach(space)
        )
    return TrialList(trials, space=space)


def _median_seconds(fn: Callable[[], Any], repeats: int) -> tuple[float, float]:
    """The median wall and CPU seconds of ``fn()``."""
    wall, cpu = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="trials (default 100,000)")
    ap.add_argument("--repeats", type=int, default=3, help="runs per export (default 3)")
    args = ap.parse_args()
    trials = make_trials(args.n)
    with tempfile.TemporaryDirectory() as d:
        cases: list[tuple[str, Callable[[], Any]]] = [
            ("to_pandas()", trials.to_pandas),
            ("to_csv(file)", lambda: trials.to_csv(os.path.join(d, "t.csv"))),
            ("to_csv(StringIO)", lambda: trials.to_csv(io.StringIO())),
            ("to_json()", trials.to_json),
        ]
        rows = [(name, _median_seconds(fn, args.repeats)) for name, fn in cases]
    print(f"{args.n:,} trials, median of {args.repeats} runs")
    print(f"{'export':<18} {'wall s':>8} {'CPU s':>8} {'CPU us/trial':>13}")
    for name, (wall, cpu) in rows:
        print(f"{name:<18} {wall:>8.3f} {cpu:>8.3f} {1e6 * cpu / args.n:>13.2f}")


if __name__ == "__main__":
    main()
