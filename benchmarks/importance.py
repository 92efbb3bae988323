"""Parameter importance: time at 10,000 trials x 20 parameters, and the ranking beside
Optuna's fANOVA on the same trials.

Targets (issue 21): ``importance()`` under 2 s at 10,000 trials x 20 parameters; the
ranking of the parameters agrees with Optuna's ``FanovaImportanceEvaluator`` (Spearman
>= 0.9). The problems give every parameter a distinct, non-zero importance (a ranking of
parameters that do not matter is noise in both libraries):

- ``additive``: sum of w_i * sin(2 pi x_i) with w_i = 1 / (i + 1), 20 floats;
- ``mixed``: 16 floats (4 of them log-scaled) with weights 1 / (i + 1), a 4-option choice
  and an int, plus two pairwise interactions;
- ``quadratic``: sum of w_i (x_i - c_i)^2 with random centres and weights 1.5^-i.

Each library's fANOVA is fitted with forest seeds 0, 1, 2 on the same trials; the table
gives the mean Spearman over the pairs of fits, each library's self-agreement (its fits
with different seeds: how much its ranking owes to the forest's randomness), the
agreement with the analytic ranking, and the same over only the parameters whose
analytic share is at least 1e-3 (those an estimator can resolve from 2,000 trials).

Measured on the shared 2-core machine (another session running; CPU seconds; Optuna
5.0.0 with numpy 2.4.6, scipy 1.17.1 and scikit-learn 1.9.1 in a venv), hyperhop at the
commit that fits each tree on distinct trials: fANOVA 0.67-0.77 s and PED-ANOVA
0.10-0.11 s at 10,000 x 20; at 2,000 trials (0.63-0.74 s a fit against Optuna's
60-65 s):

    all parameters   hh~optuna optuna~optuna hh~hh hh~truth optuna~truth
    additive             0.962         0.964 0.974    0.965        0.948
    mixed                0.956         0.983 0.979    0.986        0.961
    quadratic            0.895         0.938 0.912    0.834        0.820
    share >= 1e-3
    additive (20/20)     0.962         0.964 0.974    0.965        0.948
    mixed (17/18)        0.972         0.980 0.975    0.984        0.978
    quadratic (9/20)     1.000         1.000 1.000    0.983        0.983

With trees on bootstrap samples (before), the same fits gave hh~optuna 0.955, 0.944,
0.846, hh~hh 0.957, 0.981, 0.843 and hh~truth 0.939, 0.977, 0.838. Over 20 draws of the
trials (2 seeds each), distinct trials raised the agreement with the analytic ranking by
+0.009 +- 0.003 (additive) and +0.008 +- 0.002 (mixed), and left quadratic's unchanged
(+0.000 +- 0.010; +0.003 +- 0.001 over its 9 resolvable parameters); Optuna's forest
(best splits on bootstrap samples, which hyperhop's leaf-box code reproduces to 3e-15 on
the same trees) gained less (+0.006, +0.006, +0.006 +- 0.011) at a third more cost.

On ``quadratic`` the weights fall as 1.5^-i: 11 of the 20 parameters have shares below
1e-3 (down to 1e-7) and every fit ranks them by its own fit error. Optuna's ranking of
them is repeatable across its seeds (0.938: the error comes from the same trials) but not
the true one (0.820); hyperhop's extremely randomized trees make different errors, so
hyperhop~optuna (0.895 here; 0.835-0.938 over the 9 seed pairs) is short of 0.9 while
both agree exactly over the 9 parameters that can be resolved. ``mixed``'s log-scaled
parameters are weighed on their log scale by hyperhop and on the raw one by Optuna.

Inputs are drawn uniformly (as the random sampler would); each timing is the median of 3,
wall-clock and CPU time of the process (the same on an idle machine; on a shared one the
wall time grows with the other processes' load, the CPU time much less).
Optuna runs when installed (``make bench-env``, or a venv with optuna, numpy, scipy and
scikit-learn), else the table says so.

    PYTHONPATH=. .venv-bench/bin/python benchmarks/importance.py [--trials 10000] [--agree-trials 2000] [--seeds 3]

(the figures above: ``python3 -m venv /tmp/optvenv && /tmp/optvenv/bin/pip install
optuna==5.0.0 numpy==2.4.6 scipy==1.17.1 scikit-learn==1.9.1``, then
``PYTHONPATH=. /tmp/optvenv/bin/python benchmarks/importance.py``, 11 minutes; the nine
Optuna fits take most of it).
"""

from __future__ import annotations

import argparse
import itertools
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
from hyperhop.importance import importance
from hyperhop.trial import Trial, TrialState

D = 20


def problem(name: str) -> tuple[dict[str, Any], Callable[[dict[str, np.ndarray]], np.ndarray]]:
    """The space and a vectorized objective over columns of values."""
    w = 1.0 / (np.arange(D) + 1)
    if name == "additive":
        space = {f"x{i:02d}": hh.float(0, 1) for i in range(D)}
        return space, lambda v: sum(w[i] * np.sin(2 * np.pi * v[f"x{i:02d}"]) for i in range(D))
    if name == "mixed":
        space: dict[str, Any] = {f"x{i:02d}": hh.float(0, 1) for i in range(12)}
        space.update({f"l{i:02d}": hh.float(1e-4, 1.0, log=True) for i in range(4)})
        space["opt"] = hh.choice("adam", "sgd", "rmsprop", "adagrad")
        space["units"] = hh.int(1, 100)

        def f(v: dict[str, np.ndarray]) -> np.ndarray:
            y = sum(w[i] * v[f"x{i:02d}"] for i in range(12))
            y = y + sum(w[12 + i] * np.log10(v[f"l{i:02d}"]) / 4 for i in range(4))
            y = y + 0.9 * np.array([0.0, 1.0, 0.3, 0.6])[v["opt"].astype(int)]
            y = y + 0.04 * v["units"] / 100 + 0.2 * v["x00"] * v["x01"] + 0.1 * v["x02"] * v["x03"]
            return y

        return space, f
    rng = np.random.default_rng(7)
    centres = rng.random(D)
    wq = 1.5 ** -np.arange(D)
    space = {f"x{i:02d}": hh.float(0, 1) for i in range(D)}
    return space, lambda v: sum(wq[i] * (v[f"x{i:02d}"] - centres[i]) ** 2 for i in range(D))


def truth(name: str, space: dict[str, Any]) -> dict[str, float]:
    """Each parameter's main-effect variance, Var(E[f | x_i]), worked out by hand (the
    problems are additive; ``mixed``'s interactions 0.2 x0 x1 and 0.1 x2 x3 add 0.1 x0,
    0.1 x1, 0.05 x2 and 0.05 x3 to the main effects)."""
    w = 1.0 / (np.arange(D) + 1)
    if name == "additive":
        return {f"x{i:02d}": w[i] ** 2 / 2 for i in range(D)}  # Var(sin(2 pi x)) = 1/2
    if name == "mixed":
        coef = {f"x{i:02d}": w[i] for i in range(12)}
        for k, extra in (("x00", 0.1), ("x01", 0.1), ("x02", 0.05), ("x03", 0.05)):
            coef[k] += extra
        out = {k: c**2 / 12 for k, c in coef.items()}
        out.update({f"l{i:02d}": w[12 + i] ** 2 / 12 for i in range(4)})  # log10(l) / 4: width 1
        out["opt"] = 0.81 * float(np.var([0.0, 1.0, 0.3, 0.6]))
        out["units"] = 0.04**2 * (100**2 - 1) / 12 / 100**2
        return out
    rng = np.random.default_rng(7)
    centres = rng.random(D)
    wq = 1.5 ** -np.arange(D)
    grid = (np.arange(100_000) + 0.5) / 100_000
    return {f"x{i:02d}": float(wq[i] ** 2 * np.var((grid - centres[i]) ** 2)) for i in range(D)}


def draw(space: dict[str, Any], n: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    out: dict[str, np.ndarray] = {}
    for label, p in space.items():
        kind = type(p).__name__
        if kind == "Choice":
            out[label] = rng.integers(0, len(p.options), n).astype(float)
        elif kind == "Int":
            out[label] = rng.integers(p.low, p.high + 1, n).astype(float)
        elif p.log:
            out[label] = np.exp(rng.uniform(np.log(p.low), np.log(p.high), n))
        else:
            out[label] = rng.uniform(p.low, p.high, n)
    return out


def hh_snapshot(space: dict[str, Any], v: dict[str, np.ndarray], y: np.ndarray) -> StudyData:
    sp = hh.Space(space)
    ints = {lbl for lbl, p in space.items() if type(p).__name__ in ("Choice", "Int")}
    trials = []
    for i in range(len(y)):
        a = {k: (int(col[i]) if k in ints else float(col[i])) for k, col in v.items()}
        trials.append(Trial(i, i, 1, TrialState.COMPLETE, a, (float(y[i]),)))
    return StudyData("bench", sp, ("min",), trials)


def fresh(snap: StudyData) -> StudyData:
    return StudyData(snap.name, snap.space, snap.directions, snap.trials)


def optuna_rankings(
    space: dict[str, Any], v: dict[str, np.ndarray], y: np.ndarray, seeds: range
) -> tuple[list[dict[str, float]], float] | None:
    """Optuna's fANOVA importances for each forest seed on the same trials, and the median
    CPU seconds of one fit (None when Optuna is not installed)."""
    try:
        import optuna
    except ImportError:
        return None
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    dists: dict[str, Any] = {}
    for label, p in space.items():
        kind = type(p).__name__
        if kind == "Choice":
            dists[label] = CategoricalDistribution(list(p.options))
        elif kind == "Int":
            dists[label] = IntDistribution(p.low, p.high)
        else:
            dists[label] = FloatDistribution(p.low, p.high, log=p.log)
    study = optuna.create_study()
    trials = []
    for i in range(len(y)):
        params = {}
        for k, d in dists.items():
            x = v[k][i]
            params[k] = (
                d.choices[int(x)]
                if isinstance(d, CategoricalDistribution)
                else (int(x) if isinstance(d, IntDistribution) else float(x))
            )
        trials.append(
            optuna.trial.create_trial(params=params, distributions=dists, value=float(y[i]))
        )
    study.add_trials(trials)
    out, cpu = [], []
    for seed in seeds:
        t = time.process_time()
        imp = optuna.importance.get_param_importances(
            study, evaluator=optuna.importance.FanovaImportanceEvaluator(seed=seed)
        )
        cpu.append(time.process_time() - t)
        out.append(dict(imp))
    return out, statistics.median(cpu)


def spearman(a: dict[str, float], b: dict[str, float], keys: list[str] | None = None) -> float:
    """Spearman's rho between two rankings, over ``keys`` (default: all parameters)."""
    from scipy.stats import spearmanr

    keys = sorted(a) if keys is None else keys
    return float(spearmanr([a[k] for k in keys], [b[k] for k in keys]).statistic)


def across(
    rankings: list[dict[str, float]], others: list[dict[str, float]] | None, keys: list[str] | None
) -> float:
    """Mean Spearman over the pairs: within ``rankings`` (the self-agreement across seeds)
    when ``others`` is None, else between each of ``rankings`` and each of ``others``."""
    if others is None:
        pairs = list(itertools.combinations(rankings, 2))
    else:
        pairs = list(itertools.product(rankings, others))
    return statistics.mean(spearman(a, b, keys) for a, b in pairs) if pairs else float("nan")


def row(
    ours: list[dict[str, float]],
    ped: list[dict[str, float]],
    theirs: list[dict[str, float]],
    true: dict[str, float],
    keys: list[str] | None,
) -> str:
    """The agreement columns: hyperhop's fANOVA and PED-ANOVA against Optuna's fANOVA,
    each fANOVA against itself across seeds, and each against the analytic truth."""
    return (
        f"{across(ours, theirs, keys):9.3f} {across(ped, theirs, keys):10.3f} "
        f"{across(theirs, None, keys):13.3f} {across(ours, None, keys):6.3f} "
        f"{across(ours, [true], keys):8.3f} {across(theirs, [true], keys):12.3f}"
    )


def median_time(fn: Callable[[], Any], repeats: int = 3) -> tuple[float, float]:
    """Median wall and CPU seconds (on a shared machine the CPU time is the figure that
    other processes do not inflate; importance() uses one core)."""
    wall, cpu = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trials", type=int, default=10_000, help="trials for the timing")
    ap.add_argument("--agree-trials", type=int, default=2_000, help="trials for the ranking")
    ap.add_argument("--seeds", type=int, default=3, help="forest seeds per library")
    args = ap.parse_args()

    print(f"Time of importance() at {args.trials:,} trials x {D} parameters (median of 3)\n")
    print(f"{'problem':10s} {'method':10s} {'wall s':>7s} {'CPU s':>6s}  under 2 s (CPU)")
    print("-" * 48)
    for name in ("additive", "mixed", "quadratic"):
        space, f = problem(name)
        v = draw(space, args.trials, seed=0)
        y = f(v)
        snap = hh_snapshot(space, v, y)
        for method in ("fanova", "ped_anova"):
            # a fresh snapshot (no cached columns): reading the parameters out of the trials counts
            wall, cpu = median_time(lambda m=method, s=snap: importance(fresh(s), m))  # type: ignore[misc]
            print(f"{name:10s} {method:10s} {wall:7.2f} {cpu:6.2f}  {'yes' if cpu < 2 else 'NO'}")

    seeds = range(args.seeds)
    print(f"\nRanking beside Optuna's fANOVA on the same {args.agree_trials:,} trials\n")
    print(
        f"Spearman's rho between rankings, the mean over every pair of fits with forest seeds "
        f"0-{args.seeds - 1};\n'truth': the analytic main effects; a~a: one library's fits "
        "with different seeds (its self-agreement)"
    )
    head = (
        f"{'hh~optuna':>9s} {'ped~optuna':>10s} {'optuna~optuna':>13s} {'hh~hh':>6s} "
        f"{'hh~truth':>8s} {'optuna~truth':>12s}"
    )
    print(f"{'problem':10s} {head} {'hh CPU s':>8s} {'optuna CPU s':>12s}")
    print("-" * 96)
    restricted = []
    for name in ("additive", "mixed", "quadratic"):
        space, f = problem(name)
        v = draw(space, args.agree_trials, seed=1)
        y = f(v)
        theirs = optuna_rankings(space, v, y, seeds)
        if theirs is None:
            print(f"{name:10s} optuna is not installed here: run in .venv-bench (make bench-env)")
            continue
        t = time.process_time()
        ours = [importance(hh_snapshot(space, v, y), "fanova", seed=s).to_dict() for s in seeds]
        hh_s = (time.process_time() - t) / len(seeds)
        ped = [importance(hh_snapshot(space, v, y), "ped_anova").to_dict()]
        true = truth(name, space)
        total = sum(true.values())
        big = sorted(k for k, x in true.items() if x / total >= 1e-3)

        print(f"{name:10s} {row(ours, ped, theirs[0], true, None)} {hh_s:8.2f} {theirs[1]:12.2f}")
        restricted.append(
            f"{name:10s} {len(big):3d}/{len(true):<3d} {row(ours, ped, theirs[0], true, big)}"
        )
    if restricted:
        print("\nThe same, over the parameters whose analytic share is at least 1e-3 only")
        print(f"{'problem':10s} {'params':7s} {head}")
        print("-" * 84)
        print("\n".join(restricted))


if __name__ == "__main__":
    main()
