"""Milliseconds per suggestion of hyperhop's samplers beside Optuna's and Hyperopt's TPE.

A 10-dimensional space (6 uniform floats, 2 log-uniform floats, 2 integers) with 100, 1,000
and 5,000 completed trials. For hyperhop the history is built with a memory study (random
search, ask/tell) and only ``sampler.suggest(history)`` is timed, each call on a history one
trial longer than the last (as in a real study, so incremental caches pay for one new trial
each time); for ``cobyla``, which replays its solver against the history, the history is
the trajectory that solver takes (:func:`_cobyla_study`). Optuna: ``study.ask()`` with
its default ``TPESampler`` on a study filled with ``add_trials``. Hyperopt:
``tpe.suggest`` on a filled ``Trials``. Medians over several calls; every case runs in its
own process with a timeout; a missing peer shows as "not installed". ``--stretch`` times
whole studies instead (its cases have 0 trials and 0 calls in the case string).

    .venv-bench/bin/python benchmarks/overhead_samplers.py            # 100, 1,000, 5,000
    .venv-bench/bin/python benchmarks/overhead_samplers.py --quick    # 100, 1,000
    .venv-bench/bin/python benchmarks/overhead_samplers.py --samplers tpe,optuna-tpe
    .venv-bench/bin/python benchmarks/overhead_samplers.py --stretch  # 1,000 trials, 40 floats

Run it with the benchmark venv (`make bench-env`), where the peers are installed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any

import numpy as np

HYPERHOP = ("random", "tpe", "hyperopt_tpe", "anneal", "hyperopt_anneal", "cobyla", "grid", "sobol")
PEERS = ("optuna-tpe", "hyperopt-tpe")


def _objective(x: dict[str, Any]) -> float:
    return float(sum((float(v) - 0.3) ** 2 for v in x.values()))


def _hyperhop_space() -> Any:
    import hyperhop as hh

    return hh.Space(
        {
            **{f"x{i}": hh.float(-5.0, 5.0) for i in range(6)},
            "l0": hh.float(1e-4, 1.0, log=True),
            "l1": hh.float(1e-3, 10.0, log=True),
            "i0": hh.int(1, 100),
            "i1": hh.int(0, 9),
        }
    )


def _make(name: str, seed: int) -> Any:
    from hyperhop.samplers import make_sampler

    space = _hyperhop_space()
    if name == "grid":
        return make_sampler(name, space, seed).__class__(seed, resolution=4)
    return make_sampler(name, space, seed)


def _cobyla_study(space: Any, n: int) -> Any:
    """A study of ``n`` trials that ``cobyla`` itself would have run (its solver driven
    directly by ``CobylaSampler.run_solver``, random points once its restarts are spent),
    so that its replay walks the whole history, as in a real study."""
    import hyperhop as hh
    from hyperhop.samplers.cobyla import CobylaSampler
    from hyperhop.samplers.modelspace import ModelSpace

    ms = ModelSpace(space)
    study = hh.Study(space, algo="random", seed=0)
    rng = np.random.default_rng(0)

    class Full(Exception):
        pass

    def f(u: np.ndarray) -> tuple[float, bool]:
        if len(study.trials) >= n:
            raise Full
        study.enqueue(space.to_config(ms.decode(ms.snap(u[None, :])[0], rng)), key=None)
        t = study.ask()
        value = _objective(t.config)
        study.tell(t, value)
        return value, True

    try:
        CobylaSampler().run_solver(f, ms.dim)
    except Full:
        pass
    while len(study.trials) < n:
        t = study.ask()
        study.tell(t, _objective(t.config))
    return study


def run_hyperhop(name: str, n: int, calls: int) -> list[float]:
    import hyperhop as hh
    from hyperhop.samplers import History

    space = _hyperhop_space()
    if name == "cobyla":
        study = _cobyla_study(space, n + calls)
    else:
        study = hh.Study(space, algo="random", seed=0)
        rng = np.random.default_rng(0)
        for _ in range(n + calls):
            t = study.ask()
            study.tell(t, float(rng.random()))
    trials = list(study.trials)
    sampler = _make(name, 1)
    # warm up on a shorter history (fills any cache, as the study's earlier asks would)
    sampler.suggest(History(space, ("min",), trials[: n - 1], 0.5))
    times = []
    for i in range(calls):
        h = History(space, ("min",), trials[: n + i], 0.5)
        t0 = time.perf_counter()
        sampler.suggest(h)
        times.append(time.perf_counter() - t0)
    return times


def run_optuna(n: int, calls: int) -> list[float]:
    import optuna
    from optuna.distributions import FloatDistribution, IntDistribution

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    dists: dict[str, Any] = {f"x{i}": FloatDistribution(-5.0, 5.0) for i in range(6)}
    dists["l0"] = FloatDistribution(1e-4, 1.0, log=True)
    dists["l1"] = FloatDistribution(1e-3, 10.0, log=True)
    dists["i0"] = IntDistribution(1, 100)
    dists["i1"] = IntDistribution(0, 9)
    rng = np.random.default_rng(0)
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=1))
    filled = []
    for _ in range(n):
        params: dict[str, Any] = {}
        for k, d in dists.items():
            if isinstance(d, IntDistribution):
                params[k] = int(rng.integers(d.low, d.high + 1))
            elif d.log:
                params[k] = float(np.exp(rng.uniform(np.log(d.low), np.log(d.high))))
            else:
                params[k] = float(rng.uniform(d.low, d.high))
        filled.append(
            optuna.trial.create_trial(params=params, distributions=dists, value=float(rng.random()))
        )
    study.add_trials(filled)
    times = []
    for _ in range(calls):
        t0 = time.perf_counter()
        trial = study.ask(dists)
        times.append(time.perf_counter() - t0)
        study.tell(trial, _objective(trial.params))
    return times


def run_hyperopt(n: int, calls: int) -> list[float]:
    import logging

    from hyperopt import Trials, fmin, hp, rand, tpe
    from hyperopt.base import Domain

    logging.getLogger("hyperopt").setLevel(logging.ERROR)
    space = {f"x{i}": hp.uniform(f"x{i}", -5.0, 5.0) for i in range(6)}
    space["l0"] = hp.loguniform("l0", np.log(1e-4), 0.0)
    space["l1"] = hp.loguniform("l1", np.log(1e-3), np.log(10.0))
    space["i0"] = hp.uniformint("i0", 1, 100)
    space["i1"] = hp.uniformint("i1", 0, 9)
    trials = Trials()
    fmin(
        _objective,
        space,
        algo=rand.suggest,
        max_evals=n,
        trials=trials,
        rstate=np.random.default_rng(0),
        show_progressbar=False,
    )
    domain = Domain(_objective, space)
    times = []
    for i in range(calls):
        t0 = time.perf_counter()
        tpe.suggest([n + i], domain, trials, i)
        times.append(time.perf_counter() - t0)
    return times


STRETCH_DIM = 40
STRETCH_TRIALS = 1000


def _study_cpu(ask: Any, tell: Any, params_of: Any) -> float:
    """CPU seconds in ``ask`` and ``tell`` over ``STRETCH_TRIALS`` trials (not the objective)."""
    spent = 0.0
    for _ in range(STRETCH_TRIALS):
        t0 = time.process_time()
        trial = ask()
        spent += time.process_time() - t0
        value = _objective(params_of(trial))
        t0 = time.process_time()
        tell(trial, value)
        spent += time.process_time() - t0
    return spent


def run_stretch(lib: str) -> list[float]:
    """CPU seconds of the optimizer over a whole study of ``STRETCH_TRIALS`` trials on
    ``STRETCH_DIM`` uniform floats (asks and tells, not the objective)."""
    names = [f"x{i}" for i in range(STRETCH_DIM)]
    if lib == "optuna-tpe":
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        dists = {k: optuna.distributions.FloatDistribution(-5.0, 5.0) for k in names}
        study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))
        return [_study_cpu(lambda: study.ask(dists), study.tell, lambda t: t.params)]
    import hyperhop as hh

    hstudy = hh.Study(hh.Space({k: hh.float(-5.0, 5.0) for k in names}), algo=lib, seed=0)
    return [_study_cpu(hstudy.ask, hstudy.tell, lambda t: t.config)]


def one_case(case: str) -> dict[str, Any]:
    lib, n_text, calls_text = case.split(":")
    n, calls = int(n_text), int(calls_text)
    if n == 0:
        return {"case": case, "ms": [1000 * t for t in run_stretch(lib)]}
    if lib == "optuna-tpe":
        times = run_optuna(n, calls)
    elif lib == "hyperopt-tpe":
        times = run_hyperopt(n, calls)
    else:
        times = run_hyperhop(lib, n, calls)
    return {"case": case, "ms": [1000 * t for t in times]}


def run_case(case: str, timeout: float) -> dict[str, Any]:
    try:
        proc = subprocess.run(
            [sys.executable, os.path.abspath(__file__), "--case", case],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"case": case, "error": f"timeout {timeout:.0f}s"}
    if proc.returncode:
        last = (proc.stderr.strip().splitlines() or ["failed"])[-1]
        return {"case": case, "error": last[:120]}
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def have(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--case", help=argparse.SUPPRESS)
    p.add_argument("--quick", action="store_true", help="100 and 1,000 trials only")
    p.add_argument("--calls", type=int, default=15, help="timed suggestions per case and round")
    p.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds, each running every case once in a fresh process (interleaved, so that "
        "the load of a shared machine falls on every sampler alike); the median is over all",
    )
    p.add_argument("--samplers", default=",".join(HYPERHOP + PEERS), help="comma-separated")
    p.add_argument("--timeout", type=float, default=900)
    p.add_argument(
        "--stretch",
        action="store_true",
        help=f"only the issue's stretch case: optimizer CPU time of a whole study of "
        f"{STRETCH_TRIALS:,} trials on {STRETCH_DIM} floats, tpe beside Optuna's TPE",
    )
    args = p.parse_args()
    if args.case:
        print(json.dumps(one_case(args.case)))
        return 0
    if args.stretch:
        return stretch(args.rounds, args.timeout)

    sizes = (100, 1000) if args.quick else (100, 1000, 5000)
    names = [s for s in args.samplers.split(",") if s]
    installed = {"optuna-tpe": have("optuna"), "hyperopt-tpe": have("hyperopt")}
    ms: dict[tuple[str, int], float] = {}
    cells: dict[tuple[str, int], str] = {}
    pooled: dict[tuple[str, int], list[float]] = {}
    errors: dict[tuple[str, int], str] = {}
    for rnd in range(args.rounds):
        for n in sizes:
            for name in names:
                if name in installed and not installed[name]:
                    cells[(name, n)] = "not installed"
                    continue
                r = run_case(f"{name}:{n}:{args.calls}", args.timeout)
                if "ms" in r:
                    pooled.setdefault((name, n), []).extend(r["ms"])
                else:
                    errors[(name, n)] = r.get("error", "failed")
                done = pooled.get((name, n))
                shown = f"{statistics.median(done):.2f}" if done else errors.get((name, n))
                print(f"  round {rnd + 1}: {name} at {n}: {shown}", file=sys.stderr, flush=True)
    for key, times in pooled.items():
        ms[key] = statistics.median(times)
        cells[key] = f"{ms[key]:.2f}"
    for key, err in errors.items():
        cells.setdefault(key, err)

    header = ["trials", *names, "optuna/tpe", "hyperopt/tpe"]
    rows = []
    for n in sizes:
        row = [f"{n:,}", *[cells[(name, n)] for name in names]]
        for peer in PEERS:
            a, b = ms.get((peer, n)), ms.get(("tpe", n))
            row.append(f"{a / b:.1f}x" if a and b else "-")
        rows.append(row)
    print(
        f"\nMilliseconds per suggestion (10-dim space, median of {args.calls} calls x "
        f"{args.rounds} rounds; ratios: peer / hyperhop tpe, higher is better for hyperhop)"
    )
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)))
    if len(sizes) >= 2:
        lo, hi = sizes[-2], sizes[-1]
        growth = []
        for name in names:
            a, b = ms.get((name, lo)), ms.get((name, hi))
            if a and b:
                growth.append(f"{name} x{b / a:.1f}")
        print(
            f"\nGrowth from {lo:,} to {hi:,} trials (x{hi / lo:.0f} trials): " + ", ".join(growth)
        )
    return 0


def stretch(rounds: int, timeout: float) -> int:
    libs = ["tpe", "optuna-tpe"] if have("optuna") else ["tpe"]
    totals: dict[str, list[float]] = {lib: [] for lib in libs}
    for rnd in range(rounds):
        for lib in libs:
            r = run_case(f"{lib}:0:0", timeout)
            if "ms" in r:
                totals[lib].extend(t / 1000 for t in r["ms"])
            shown = f"{totals[lib][-1]:.2f} s" if "ms" in r else r.get("error", "failed")
            print(f"  round {rnd + 1}: {lib}: {shown}", file=sys.stderr, flush=True)
    print(
        f"\nOptimizer CPU seconds for a study of {STRETCH_TRIALS:,} trials on {STRETCH_DIM} "
        f"floats (median of {rounds} rounds; the issue's stretch target is 1.5 s for tpe)"
    )
    for lib, ts in totals.items():
        print(f"  {lib:12s} {statistics.median(ts):.2f} s" if ts else f"  {lib:12s} failed")
    a, b = totals.get("optuna-tpe"), totals["tpe"]
    if a and b:
        print(f"  optuna-tpe / tpe: {statistics.median(a) / statistics.median(b):.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
