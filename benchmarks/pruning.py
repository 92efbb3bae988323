"""Early stopping: epochs spent and best final score, hyperhop's pruners beside Optuna's.

Problems (maximize a validation score after ``--epochs`` epochs, 27 by default):

- ``sgd-digits``: ``SGDClassifier`` trained epoch by epoch with ``partial_fit`` on
  scikit-learn's digits (fixed 70/30 split, standardized, ``random_state`` fixed per
  configuration); alpha, eta0, learning-rate schedule and loss are searched.
- ``mlp-digits`` (off by default, slow here): the same with a one-layer ``MLPClassifier``.
- ``synthetic``: learning curves with a known optimum: a bowl over (a, b) sets the level a
  configuration converges to; the learning rate sets both the speed and a penalty, so fast
  starters are not the best finishers (curves cross); small seeded noise per epoch.

Protocol. For each problem and seed, ``--n-trials`` configurations (81) are drawn once at
random and their full learning curves computed once (training is deterministic, so a
pruned trial would have produced exactly the prefix it reported). Every method then
evaluates the same configurations in the same order, one at a time, replaying the curves:
the epochs counted are the values it let a trial report. "best" is the best final score
among the trials that ran all epochs. Each (problem, seed, method) runs in its own process
with a timeout; results go to a JSON-lines file and are skipped when already there (made
by the same pruner code: a digest of ``hyperhop/pruning``, or Optuna's version).

Report: medians over seeds of the epochs spent (as a share of no pruning's) and of the best
final score. A method has "the same best" as no pruning when the median over seeds of its
gap to no pruning's best (same seed) is at most ``tol``, the standard deviation over seeds
of no pruning's best (its seed-to-seed noise); one rule for every method, hyperhop's and
Optuna's. The target line per problem: ``sha`` or ``lce`` has the same best with at most
1/3 of the epochs and fewer epochs than the cheapest Optuna pruner with the same best.

Methods: hyperhop's ``none``, ``median``, ``sha``, ``hyperband``, ``lce``, ``sha+lce``
(halving, and extrapolation between rungs) and ``lcsha`` (halving that ranks curves
extrapolated with shapes borrowed from completed trials) with
``hh.Fidelity("epochs", 1, 27)``; Optuna's ``MedianPruner()`` (defaults),
``SuccessiveHalvingPruner(min_resource=1, reduction_factor=3)`` and
``HyperbandPruner(min_resource=1, max_resource=27, reduction_factor=3)``, reporting
``step = epoch`` (1-based) so that their rungs fall on the same epochs as hyperhop's.

    .venv-bench/bin/python benchmarks/pruning.py                       # sgd-digits, synthetic; 5 seeds
    .venv-bench/bin/python benchmarks/pruning.py --quick               # 2 seeds, 27 configurations
    .venv-bench/bin/python benchmarks/pruning.py --problems mlp-digits --seeds 3
    .venv-bench/bin/python benchmarks/pruning.py --report-only

Run it with the benchmark venv (``make bench-env``), where Optuna is installed; without it
the Optuna rows say "not installed".
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import statistics
import sys
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from _common import format_table, run_isolated, version_of  # benchmarks/

RESULTS_DIR = Path(__file__).parent / "results"
HYPERHOP = ("none", "median", "sha", "hyperband", "lce", "sha+lce", "lcsha")
OPTUNA = ("optuna-median", "optuna-sha", "optuna-hyperband")
METHODS = HYPERHOP + OPTUNA
TARGET_METHODS = ("sha", "lce", "lcsha")
"""The methods the target line counts: halving, extrapolation, and the two together
(``lcsha``: successive halving ranking extrapolated curves)."""
PROBLEMS = ("sgd-digits", "mlp-digits", "synthetic")


# ---------------------------------------------------------------------------- problems
def _digits() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X, y = load_digits(return_X_y=True)
    Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    scaler = StandardScaler().fit(Xtr)
    return scaler.transform(Xtr), scaler.transform(Xva), ytr, yva


def _sgd_config(rng: np.random.Generator) -> dict[str, Any]:
    return {
        "alpha": float(10 ** rng.uniform(-6, -1)),
        "eta0": float(10 ** rng.uniform(-4, 0)),
        "learning_rate": str(rng.choice(["constant", "invscaling", "adaptive"])),
        "loss": str(rng.choice(["hinge", "log_loss", "modified_huber"])),
    }


def _sgd_curve(cfg: dict[str, Any], epochs: int) -> list[float]:
    from sklearn.linear_model import SGDClassifier

    Xtr, Xva, ytr, yva = _digits()
    model = SGDClassifier(random_state=0, **cfg)
    classes = np.unique(ytr)
    out = []
    for _ in range(epochs):
        model.partial_fit(Xtr, ytr, classes=classes)
        out.append(float(model.score(Xva, yva)))
    return out


def _mlp_config(rng: np.random.Generator) -> dict[str, Any]:
    return {
        "hidden_layer_sizes": [int(2 ** rng.integers(3, 8))],
        "alpha": float(10 ** rng.uniform(-6, -1)),
        "learning_rate_init": float(10 ** rng.uniform(-4.5, -1)),
        "batch_size": int(2 ** rng.integers(4, 9)),
    }


def _mlp_curve(cfg: dict[str, Any], epochs: int) -> list[float]:
    from sklearn.neural_network import MLPClassifier

    Xtr, Xva, ytr, yva = _digits()
    kw = {**cfg, "hidden_layer_sizes": tuple(cfg["hidden_layer_sizes"])}
    model = MLPClassifier(random_state=0, **kw)
    classes = np.unique(ytr)
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(epochs):
            model.partial_fit(Xtr, ytr, classes=classes)
            out.append(float(model.score(Xva, yva)))
    return out


def _synthetic_config(rng: np.random.Generator) -> dict[str, Any]:
    return {
        "a": float(rng.uniform()),
        "b": float(rng.uniform()),
        "lr": float(10 ** rng.uniform(-3, 0)),
    }


def _synthetic_mean(a: float, b: float, lr: float, epoch: np.ndarray) -> np.ndarray:
    """The noise-free curve: converges to a level set by (a, b) minus a penalty for a large
    learning rate, at a speed set by the learning rate."""
    level = 0.95 - 0.5 * ((a - 0.7) ** 2 + (b - 0.3) ** 2)
    penalty = 0.15 * max(0.0, math.log10(lr) + 1.5) ** 2
    rate = 0.2 + 0.6 * (math.log10(lr) + 3) / 3
    final = level - penalty
    return final - (final - 0.1) * epoch ** (-rate)


def _synthetic_curve(cfg: dict[str, Any], epochs: int) -> list[float]:
    seed = int(hashlib.sha256(json.dumps(cfg, sort_keys=True).encode()).hexdigest()[:16], 16)
    noise = np.random.default_rng(seed).normal(0, 0.004, epochs)
    mean = _synthetic_mean(cfg["a"], cfg["b"], cfg["lr"], np.arange(1, epochs + 1, dtype=float))
    return [float(v) for v in mean + noise]


def synthetic_optimum(epochs: int) -> float:
    """The best noise-free score at ``epochs``: at (0.7, 0.3), over the learning rate."""
    lrs = 10 ** np.linspace(-3, 0, 3001)
    return max(float(_synthetic_mean(0.7, 0.3, lr, np.array([float(epochs)]))[0]) for lr in lrs)


_PROBLEM: dict[
    str, tuple[Callable[[np.random.Generator], dict[str, Any]], Callable[..., list[float]]]
] = {
    "sgd-digits": (_sgd_config, _sgd_curve),
    "mlp-digits": (_mlp_config, _mlp_curve),
    "synthetic": (_synthetic_config, _synthetic_curve),
}


def _one_curve(args: tuple[str, dict[str, Any], int]) -> list[float]:
    problem, cfg, epochs = args
    return _PROBLEM[problem][1](cfg, epochs)


def curves_for(
    problem: str, seed: int, n: int, epochs: int, cache: Path, jobs: int
) -> list[list[float]]:
    """The full curves of ``n`` random configurations (computed once, cached as JSON)."""
    path = cache / f"pruning-curves-{problem}-s{seed}-n{n}-e{epochs}.json"
    if path.exists():
        return json.loads(path.read_text())["curves"]
    rng = np.random.default_rng(1000 + seed)
    configs = [_PROBLEM[problem][0](rng) for _ in range(n)]
    tasks = [(problem, c, epochs) for c in configs]
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            curves = list(pool.map(_one_curve, tasks, chunksize=4))
    else:
        curves = [_one_curve(t) for t in tasks]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"configs": configs, "curves": curves}))
    return curves


# ---------------------------------------------------------------------------- methods
def run_hyperhop(method: str, curves: list[list[float]], epochs: int) -> dict[str, Any]:
    import hyperhop as hh

    n = len(curves)
    study = hh.Study(
        {"i": hh.int(0, n - 1)},
        direction="max",
        algo="random",
        seed=0,
        pruner=method,
        fidelity=hh.Fidelity("epochs", 1, epochs),
    )
    for i in range(n):
        study.enqueue({"i": i})

    def objective(cfg: dict[str, Any]) -> Any:
        yield from curves[cfg["i"]][: cfg["epochs"]]

    study.optimize(objective, n_trials=n, progress=False)
    trials = study.trials
    done = [t.value for t in trials if t.state is hh.TrialState.COMPLETE and t.value is not None]
    return {
        "epochs": sum(len(t.intermediate) for t in trials),
        "best": max(done) if done else None,
        "completed": len(done),
    }


def run_optuna(method: str, curves: list[list[float]], epochs: int) -> dict[str, Any]:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    pruner = {
        "optuna-median": lambda: optuna.pruners.MedianPruner(),
        "optuna-sha": lambda: optuna.pruners.SuccessiveHalvingPruner(
            min_resource=1, reduction_factor=3
        ),
        "optuna-hyperband": lambda: optuna.pruners.HyperbandPruner(
            min_resource=1, max_resource=epochs, reduction_factor=3
        ),
    }[method]()
    study = optuna.create_study(
        direction="maximize",
        pruner=pruner,
        sampler=optuna.samplers.RandomSampler(seed=0),
        study_name="pruning-benchmark",
    )

    def objective(trial: Any) -> float:
        curve = curves[trial.number]
        for epoch, v in enumerate(curve, start=1):
            trial.report(v, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return curve[-1]

    study.optimize(objective, n_trials=len(curves))
    done = [t.value for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    return {
        "epochs": sum(len(t.intermediate_values) for t in study.trials),
        "best": max(done) if done else None,
        "completed": len(done),
    }


def code_of(method: str) -> str:
    """What a result depends on besides the curves: Optuna's version, or a digest of
    hyperhop's pruning sources (a result made by other pruner code is run again)."""
    if method.startswith("optuna"):
        return f"optuna {version_of('optuna')}"
    import hyperhop.pruning

    digest = hashlib.sha256()
    for path in sorted(Path(hyperhop.pruning.__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return f"hyperhop {digest.hexdigest()[:12]}"


def run_case(
    problem: str, seed: int, method: str, n: int, epochs: int, cache: Path
) -> dict[str, Any]:
    curves = curves_for(problem, seed, n, epochs, cache, jobs=1)
    import time

    t0 = time.process_time()
    out = (run_optuna if method.startswith("optuna") else run_hyperhop)(method, curves, epochs)
    out["cpu_s"] = round(time.process_time() - t0, 2)
    out["oracle"] = max(c[-1] for c in curves)
    out["code"] = code_of(method)
    return out


# ---------------------------------------------------------------------------- report
def load(path: Path) -> dict[tuple[str, int, str], dict[str, Any]]:
    out: dict[tuple[str, int, str], dict[str, Any]] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            r = json.loads(line)
            out[r["problem"], r["seed"], r["method"]] = r
    return out


def tolerance(
    results: dict[tuple[str, int, str], dict[str, Any]], problem: str, seeds: list[int]
) -> float:
    """The seed-to-seed noise of no pruning: the standard deviation over seeds of the best
    final score it finds (each seed draws other configurations)."""
    bests = [
        r["best"] for s in seeds if (r := results.get((problem, s, "none"))) and "error" not in r
    ]
    return statistics.stdev(bests) if len(bests) > 1 else 0.0


class Row:
    """One method on one problem: medians over seeds."""

    def __init__(self, rs: list[dict[str, Any]], base: list[dict[str, Any]], tol: float) -> None:
        self.frac = statistics.median(
            r["epochs"] / b["epochs"] for r, b in zip(rs, base, strict=True)
        )
        self.best = statistics.median(r["best"] if r["best"] is not None else -math.inf for r in rs)
        gaps = [
            b["best"] - (r["best"] if r["best"] is not None else -math.inf)
            for r, b in zip(rs, base, strict=True)
        ]
        self.gap = statistics.median(gaps)
        self.within = sum(g <= tol + 1e-12 for g in gaps)
        self.same = self.gap <= tol + 1e-12


def report(
    results: dict[tuple[str, int, str], dict[str, Any]],
    problems: list[str],
    seeds: list[int],
    epochs: int,
) -> str:
    lines = []
    optuna_version = version_of("optuna")
    verdicts = []
    for p in problems:
        table = []
        base = [results.get((p, s, "none")) for s in seeds]
        f_star = synthetic_optimum(epochs) if p == "synthetic" else None
        tol = tolerance(results, p, seeds)
        stats: dict[str, Row] = {}
        for m in METHODS:
            rs = [results.get((p, s, m)) for s in seeds]
            if m.startswith("optuna") and optuna_version is None:
                table.append([m, "not installed", "", "", "", ""])
                continue
            bad = [r for r in [*rs, *base] if r is None or "error" in r]
            if bad:
                err = next((r.get("error", "") for r in bad if r is not None), "missing")
                table.append([m, f"error: {err}"[:40], "", "", "", ""])
                continue
            row = stats[m] = Row(rs, base, tol)  # type: ignore[arg-type]
            stale = any(r.get("code") != code_of(m) for r in rs if r is not None)
            cells = [
                f"{m} (stale)" if stale else m,
                f"{100 * row.frac:.1f} %",
                f"{row.best:.4f}",
                f"{row.gap:.4f}",
                f"{row.within}/{len(seeds)}",
                "yes" if row.same else "no",
            ]
            if f_star is not None:
                cells.append(f"{f_star - row.best:.4f}")
            table.append(cells)
        head = [
            "method",
            "epochs (of none)",
            "best final",
            "gap to none",
            "seeds <= tol",
            "same best",
        ]
        if f_star is not None:
            head.append("regret")
        star = f"; f* = {f_star:.4f}" if f_star is not None else ""
        lines.append(f"\n{p} (medians over seeds {seeds}; tol = {tol:.4f}{star})")
        lines.append(format_table(head, table))
        verdicts.append(_verdict(p, stats))
    lines.append(
        "\nepochs: spent, as a share of no pruning's on the same seed; gap to none: no pruning's\n"
        "best final minus the method's, on the same seed; tol: the standard deviation over the\n"
        "seeds of no pruning's best final (its seed-to-seed noise). 'same best': the median gap\n"
        "is at most tol, the same rule for every method, hyperhop's and Optuna's."
    )
    lines.append(
        "(stale): made by other pruner code than this checkout's (run again without\n"
        "--report-only to redo it)."
    )
    lines.append(
        "Target: sha, lce or lcsha has the same best with at most 1/3 of the epochs, and fewer\n"
        "epochs than the cheapest Optuna pruner that has the same best."
    )
    lines.extend(verdicts)
    return "\n".join(lines)


def _verdict(problem: str, stats: dict[str, Row]) -> str:
    ours = {m: r for m, r in stats.items() if m in TARGET_METHODS and r.same}
    theirs = {m: r for m, r in stats.items() if m.startswith("optuna") and r.same}
    om = min(theirs, key=lambda m: theirs[m].frac) if theirs else None
    other = f"{om} {100 * theirs[om].frac:.1f} %" if om else "no Optuna pruner has the same best"
    combo = stats.get("sha+lce")
    note = (
        f" (sha+lce: {100 * combo.frac:.1f} %, same best: {'yes' if combo.same else 'no'})"
        if combo
        else ""
    )
    if not ours:
        return f"  {problem}: NOT MET: none of sha, lce, lcsha has the same best; {other}{note}"
    m = min(ours, key=lambda k: ours[k].frac)
    frac = ours[m].frac
    met = frac <= 1 / 3 and (om is None or frac < theirs[om].frac)
    word = "met" if met else "NOT MET"
    return f"  {problem}: {word}: {m} {100 * frac:.1f} % with the same best; {other}{note}"


# ---------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--problems", default="sgd-digits,synthetic")
    ap.add_argument("--methods", default=",".join(METHODS))
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--n-trials", type=int, default=81)
    ap.add_argument("--epochs", type=int, default=27)
    ap.add_argument("--jobs", type=int, default=2, help="processes computing the curves")
    ap.add_argument("--timeout", type=float, default=600.0)
    ap.add_argument("--quick", action="store_true", help="2 seeds, 27 configurations")
    ap.add_argument(
        "--results", type=Path, default=None, help="JSON-lines file (default: per size)"
    )
    ap.add_argument("--report-only", action="store_true")
    ap.add_argument(
        "--case", nargs=3, metavar=("PROBLEM", "SEED", "METHOD"), help=argparse.SUPPRESS
    )
    args = ap.parse_args(argv)
    if args.quick:
        args.seeds, args.n_trials = 2, 27
    if args.results is None:
        args.results = RESULTS_DIR / f"pruning-n{args.n_trials}-e{args.epochs}.jsonl"
    cache = args.results.parent
    if args.case:
        p, s, m = args.case
        print(json.dumps(run_case(p, int(s), m, args.n_trials, args.epochs, cache)))
        return
    problems = [p for p in args.problems.split(",") if p]
    methods = [m for m in args.methods.split(",") if m]
    for name in problems + methods:
        if name not in PROBLEMS + METHODS:
            ap.error(f"unknown problem or method {name!r}")
    seeds = list(range(args.seeds))
    results = load(args.results)
    if not args.report_only:
        args.results.parent.mkdir(parents=True, exist_ok=True)
        for p in problems:
            for s in seeds:
                curves_for(p, s, args.n_trials, args.epochs, cache, args.jobs)
                for m in methods:
                    done = results.get((p, s, m))
                    if done and "error" not in done and done.get("code") == code_of(m):
                        continue
                    if m.startswith("optuna") and version_of("optuna") is None:
                        continue
                    extra = [
                        "--n-trials",
                        str(args.n_trials),
                        "--epochs",
                        str(args.epochs),
                        "--results",
                        str(args.results),
                    ]
                    out = run_isolated(__file__, [*extra, "--case", p, str(s), m], args.timeout)
                    line = {"problem": p, "seed": s, "method": m, "n": args.n_trials, **out}
                    with args.results.open("a") as fh:
                        fh.write(json.dumps(line) + "\n")
                    results[p, s, m] = line
                    print(f"{p} seed {s} {m}: {out}", file=sys.stderr)
    print(
        f"hyperhop {version_of('hyperhop')}, optuna {version_of('optuna') or 'not installed'}; "
        f"{args.n_trials} configurations x {args.epochs} epochs per seed"
    )
    print(report(results, problems, seeds, args.epochs))


if __name__ == "__main__":
    main()
