"""How long each plot takes to build and draw (Agg, to pixels) on a 100,000-trial study.

The target (issue 21): every plot under 2 s at 100,000 trials. The study is made up
directly as trial snapshots (a conditional space with a choice, log-scaled floats and an
int; 16 workers; 8 intermediate values per trial; two objectives with a constraint for
the Pareto front), so that the figure measures the plots, not the optimizer.
Each case is the median of 3 runs of: read the parameters out of the trials, build the
figure, ``fig.canvas.draw()`` (importing matplotlib, once, is left out), as wall-clock
and CPU time of the process (equal on an idle machine; on a shared one the wall time
grows with the other processes' load, the CPU time much less).

Measured on the shared 2-core machine at 100,000 trials: 0.14 s (histogram) to 1.26 s
(timeline, 100,000 bars) of CPU per plot; slice and main_plot_vars (6 panels) about 1 s.

    PYTHONPATH=. /work/main/.venv/bin/python benchmarks/plots.py [--trials 100000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import hyperhop as hh
from hyperhop._studydata import StudyData
from hyperhop.trial import Trial, TrialState

SPACE = hh.Space(
    {
        "lr": hh.float(1e-5, 1e-1, log=True),
        "units": hh.int(16, 512),
        "opt": hh.choice("adam", "sgd", "rmsprop"),
        "model": hh.choice(
            {"kind": "svm", "C": hh.float(1e-3, 1e3, log=True)},
            {"kind": "forest", "trees": hh.int(10, 500)},
        ),
    }
)


def make_trials(n: int, n_objectives: int, seed: int = 0) -> list[Trial]:
    """``n`` finished trials (80% complete, 15% pruned, 5% failed) of :data:`SPACE`."""
    rng = np.random.default_rng(seed)
    lr = np.exp(rng.uniform(np.log(1e-5), np.log(1e-1), n))
    units = rng.integers(16, 513, n)
    opt = rng.integers(0, 3, n)
    model = rng.integers(0, 2, n)
    c = np.exp(rng.uniform(np.log(1e-3), np.log(1e3), n))
    trees = rng.integers(10, 501, n)
    loss = (np.log10(lr) + 3) ** 2 + 0.3 * opt + 0.1 * rng.normal(size=n)
    second = 1.0 / (1.0 + units / 100) + 0.05 * rng.normal(size=n)
    u = rng.random(n)
    t0 = 1.7e9
    workers = [f"node{w // 4}:{1000 + w}:ab{w:02d}" for w in range(16)]
    out = []
    for i in range(n):
        a: dict[str, Any] = {"lr": float(lr[i]), "units": int(units[i]), "opt": int(opt[i])}
        a["model"] = int(model[i])
        if model[i] == 0:
            a["model.C"] = float(c[i])
        else:
            a["model.trees"] = int(trees[i])
        state = (
            TrialState.COMPLETE
            if u[i] < 0.8
            else TrialState.PRUNED
            if u[i] < 0.95
            else TrialState.FAILED
        )
        values = (
            None
            if state is TrialState.FAILED
            else (float(loss[i]),)
            if n_objectives == 1
            else (float(loss[i]), float(second[i]))
        )
        steps = 3 if state is TrialState.PRUNED else 8
        inter = {s: float(loss[i] + 1.0 / (s + 1)) for s in range(steps)}
        start = t0 + (i // 16) * 10.0 + rng.random()
        out.append(
            Trial(
                i,  # id, number, study id, state and the raw assignment, by position
                i,
                1,
                state,
                a,
                values=values,
                intermediate=inter,
                system_attrs={"constraints": [float(units[i] - 480)]} if n_objectives > 1 else {},
                owner=workers[i % 16],
                datetime_start=start,
                datetime_complete=start + 5.0 + 4.0 * rng.random(),
            )
        )
    return out


def snapshot(trials: list[Trial], n_objectives: int) -> StudyData:
    """A fresh snapshot (no cached columns), as a plot receives from a study."""
    return StudyData(
        name="bench",
        space=SPACE,
        directions=("min",) * n_objectives,
        trials=trials,
        rungs=(1, 3),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trials", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    from hyperhop import plot

    plot.plot_history(snapshot(make_trials(10, 1), 1)).canvas.draw()  # import matplotlib first
    single = make_trials(args.trials, 1)
    multi = make_trials(args.trials, 2, seed=1)
    cases: list[tuple[str, Callable[[], Any]]] = [
        ("plot_history", lambda: plot.plot_history(snapshot(single, 1))),
        (
            "plot_history (3 groups x 5 seeds)",
            lambda: plot.plot_history(
                {g: [snapshot(single[: args.trials // 15], 1)] * 5 for g in ("a", "b", "c")}
            ),
        ),
        ("plot_edf", lambda: plot.plot_edf(snapshot(single, 1))),
        ("plot_slice", lambda: plot.plot_slice(snapshot(single, 1))),
        ("plot_contour", lambda: plot.plot_contour(snapshot(single, 1), ["lr", "opt"])),
        ("plot_parallel_coordinates", lambda: plot.plot_parallel_coordinates(snapshot(single, 1))),
        ("plot_intermediate", lambda: plot.plot_intermediate(snapshot(single, 1))),
        ("plot_timeline", lambda: plot.plot_timeline(snapshot(single, 1))),
        (
            "plot_pareto_front (2 objectives)",
            lambda: plot.plot_pareto_front(snapshot(multi, 2), reference_point=[20, 2]),
        ),
        ("main_plot_history", lambda: plot.main_plot_history(snapshot(single, 1))),
        ("main_plot_histogram", lambda: plot.main_plot_histogram(snapshot(single, 1))),
        ("main_plot_vars", lambda: plot.main_plot_vars(snapshot(single, 1))),
    ]
    imp_trials = single[: min(args.trials, 10_000)]
    cases.append(
        (
            "plot_importance (fanova, 10,000 trials)",
            lambda: plot.plot_importance(snapshot(imp_trials, 1)),
        )
    )
    print(f"{args.trials:,} trials, median of {args.repeats} runs (build + Agg draw)\n")
    print(f"{'plot':42s} {'wall s':>7s} {'CPU s':>6s}  under 2 s (CPU)")
    print("-" * 68)
    for name, fn in cases:
        wall, cpu = [], []
        for _ in range(args.repeats):
            t, c = time.perf_counter(), time.process_time()
            fig = fn()
            fig.canvas.draw()
            wall.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        w, c = statistics.median(wall), statistics.median(cpu)
        print(f"{name:42s} {w:7.2f} {c:6.2f}  {'yes' if c < 2.0 else 'NO'}")


if __name__ == "__main__":
    main()
