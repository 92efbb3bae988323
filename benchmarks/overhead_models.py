"""Milliseconds per suggestion of the model-based samplers (``cbo``, ``gp``).

A study on a 10-dimensional space is filled with completed random trials through ask/tell
(memory storage); then only ``sampler.suggest(history)`` is timed, on the histories of the
first N, N+1, ..., N+repeats-1 trials in turn (as in a study, where a sampler that keeps a
warm start sees a history one trial longer each time). Medians and means of the wall-clock
time and of the CPU time of the calling thread are printed (CPU time is what to compare on
a busy machine). Optuna's GPSampler is timed on the same
trials when Optuna (with torch) is installed and ``--optuna`` is given.

    .venv/bin/python benchmarks/overhead_models.py                 # cbo 100/1000, gp 100/500
    .venv/bin/python benchmarks/overhead_models.py --space mixed   # floats, log, ints, choices
    .venv-bench/bin/python benchmarks/overhead_models.py --optuna  # plus Optuna's GP sampler
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import hyperhop as hh
from hyperhop.samplers import History, Sampler
from hyperhop.samplers.cbo import CBOSampler
from hyperhop.samplers.gp import GPSampler

DIM = 10


def make_space(kind: str) -> dict[str, Any]:
    if kind == "float":
        return {f"x{i}": hh.float(-5, 5) for i in range(DIM)}
    return {
        **{f"x{i}": hh.float(-5, 5) for i in range(4)},
        "lr": hh.float(1e-5, 1e-1, log=True),
        "c": hh.float(1e-3, 1e3, log=True),
        "n": hh.int(1, 100),
        "m": hh.int(16, 512, power_of=2),
        "opt": hh.choice("adam", "sgd", "rmsprop"),
        "act": hh.choice("relu", "tanh", "gelu", "silu"),
    }


def objective(config: dict[str, Any]) -> float:
    return float(sum(v * v for v in config.values() if isinstance(v, float)))


def history(kind: str, n: int, seed: int = 0) -> History:
    """A history of ``n`` completed random trials, built through ask/tell."""
    study = hh.Study(make_space(kind), algo="random", seed=seed)
    for _ in range(n):
        t = study.ask()
        study.tell(t, objective(t.config))
    return History(study.space, study.directions, list(study.trials))


def prefix(h: History, n: int) -> History:
    return History(h.space, h.directions, h.trials[:n])


def time_suggest(
    sampler: Sampler, h: History, n: int, repeats: int
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds (this thread's CPU time: the samplers run BLAS on
    the calling thread, so it is all their work, and it is not inflated by a busy machine)."""
    sampler.suggest(prefix(h, n - 1))  # warm-up (imports, caches, the first fit)
    wall, cpu = [], []
    for k in range(repeats):
        hk = prefix(h, n + k)
        c0, t0 = time.thread_time(), time.perf_counter()
        sampler.suggest(hk)
        wall.append(1000.0 * (time.perf_counter() - t0))
        cpu.append(1000.0 * (time.thread_time() - c0))
    return wall, cpu


def time_optuna_gp(h: History, n: int, repeats: int) -> tuple[list[float], list[float]]:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    dists: dict[str, Any] = {}
    for spec in h.space.params:
        p: Any = spec.param
        if p.kind == "float":
            dists[spec.label] = optuna.distributions.FloatDistribution(p.low, p.high, log=p.log)
        elif p.kind == "int":
            dists[spec.label] = optuna.distributions.IntDistribution(p.low, p.high, log=p.log)
        else:
            dists[spec.label] = optuna.distributions.CategoricalDistribution(
                list(range(p.n_values))
            )
    study = optuna.create_study(sampler=optuna.samplers.GPSampler(seed=0))
    study.add_trials(
        [
            optuna.trial.create_trial(
                params={k: t.assignment[k] for k in dists}, distributions=dists, value=t.value
            )
            for t in h.trials[: n - 1]
        ]
    )
    wall, cpu = [], []
    for k in range(repeats + 1):
        c0, t0 = time.process_time(), time.perf_counter()
        trial = study.ask(dists)
        wall.append(1000.0 * (time.perf_counter() - t0))
        cpu.append(1000.0 * (time.process_time() - c0))
        study.tell(trial, state=optuna.trial.TrialState.FAIL)
        t = h.trials[n - 1 + k]
        study.add_trial(
            optuna.trial.create_trial(
                params={k: t.assignment[k] for k in dists}, distributions=dists, value=t.value
            )
        )
    return wall[1:], cpu[1:]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--space", choices=("float", "mixed"), default="float")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--cbo", type=int, nargs="*", default=[100, 1000])
    ap.add_argument("--gp", type=int, nargs="*", default=[100, 500])
    ap.add_argument("--optuna", action="store_true", help="also time Optuna's GPSampler")
    args = ap.parse_args()
    r = args.repeats
    Timer = Callable[[History, int], tuple[list[float], list[float]]]
    cases: list[tuple[str, int, Timer]] = []
    for n in args.cbo:
        cases.append(("cbo", n, lambda h, n: time_suggest(CBOSampler(seed=0), h, n, r)))
    for n in args.gp:
        cases.append(("gp", n, lambda h, n: time_suggest(GPSampler(seed=0), h, n, r)))
        if args.optuna:
            cases.append(("optuna-gp", n, lambda h, n: time_optuna_gp(h, n, max(r // 2, 2))))
    print(
        f"{DIM}-dimensional {args.space} space, {r} suggestions each, milliseconds per suggestion"
    )
    print(
        f"  {'sampler':10s} {'trials':>6s}  {'wall median':>11s} {'mean':>7s}  {'CPU median':>10s} {'mean':>7s}"
    )
    h = history(args.space, max(n for _, n, _ in cases) + r + 1)
    for name, n, run in cases:
        wall, cpu = run(h, n)
        print(
            f"  {name:10s} {n:6d}  {statistics.median(wall):11.1f} {statistics.mean(wall):7.1f}"
            f"  {statistics.median(cpu):10.1f} {statistics.mean(cpu):7.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
