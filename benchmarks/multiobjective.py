"""Multi-objective quality: hypervolume after 100 and 300 evaluations, hyperhop beside Optuna.

Problems (all minimized, standard definitions):

- ZDT1, ZDT2, ZDT3: 2 objectives, 30 variables in [0, 1] (convex, concave and
  disconnected fronts); reference point (1.1, 11);
- DTLZ2: 3 objectives, 12 variables in [0, 1] (a spherical front); reference (2.5, 2.5, 2.5);
- SRN: 2 objectives, 2 variables in [-20, 20], 2 outcome constraints (Srinivas & Deb);
  reference (250, 50); only feasible evaluations count.

Each (optimizer, problem, seed) runs once up to the largest budget, in its own process with
a timeout; the hypervolume of the first 100 and of all 300 evaluations goes to a results
file, one JSON line per run (rerunning skips the runs already there). The table gives the
median hypervolume over the seeds per problem and budget, and the target: hyperhop's best
sampler above Optuna's best on every problem at 100 evaluations.

    .venv-bench/bin/python benchmarks/multiobjective.py                 # 10 seeds, all
    .venv-bench/bin/python benchmarks/multiobjective.py --seeds 3 --jobs 2 \\
        --problems zdt1,srn --optimizers hh-tpe,optuna-tpe
    .venv-bench/bin/python benchmarks/multiobjective.py --report-only

A caveat when reading the table: the Pareto sets of ZDT1-3 lie on the boundary of the box
(every variable but the first at 0), and DTLZ2's extreme points on edges of it, which
rewards samplers whose proposals drift to the bounds (the GP's acquisition search does);
SRN's Pareto set is inside the box.

Optuna's samplers get the constraints through ``trial.set_constraint`` (Optuna 5's API for
them, which its NSGA-II and TPE samplers read); hyperhop's objective returns
``{"values": ..., "constraints": ...}``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from _common import format_table, run_isolated, version_of  # benchmarks/

BUDGETS = (100, 300)
DEFAULT_RESULTS = Path(__file__).parent / "results" / "multiobjective.jsonl"


# ---------------------------------------------------------------------------- problems
@dataclass(frozen=True)
class Problem:
    name: str
    n_vars: int
    low: float
    high: float
    n_obj: int
    reference: tuple[float, ...]
    evaluate: Callable[[np.ndarray], tuple[list[float], list[float]]]  # x -> (f, constraints)


def _zdt(
    h: Callable[[float, float], float],
) -> Callable[[np.ndarray], tuple[list[float], list[float]]]:
    def f(x: np.ndarray) -> tuple[list[float], list[float]]:
        f1 = float(x[0])
        g = 1.0 + 9.0 * float(np.sum(x[1:])) / (len(x) - 1)
        return [f1, g * h(f1, g)], []

    return f


def _dtlz2(x: np.ndarray) -> tuple[list[float], list[float]]:
    m = 3
    g = float(np.sum((x[m - 1 :] - 0.5) ** 2))
    a, b = x[0] * math.pi / 2, x[1] * math.pi / 2
    r = 1.0 + g
    return [r * math.cos(a) * math.cos(b), r * math.cos(a) * math.sin(b), r * math.sin(a)], []


def _srn(x: np.ndarray) -> tuple[list[float], list[float]]:
    x1, x2 = float(x[0]), float(x[1])
    f1 = 2.0 + (x1 - 2.0) ** 2 + (x2 - 1.0) ** 2
    f2 = 9.0 * x1 - (x2 - 1.0) ** 2
    return [f1, f2], [x1 * x1 + x2 * x2 - 225.0, x1 - 3.0 * x2 + 10.0]


PROBLEMS = {
    p.name: p
    for p in (
        Problem("zdt1", 30, 0.0, 1.0, 2, (1.1, 11.0), _zdt(lambda f1, g: 1 - math.sqrt(f1 / g))),
        Problem("zdt2", 30, 0.0, 1.0, 2, (1.1, 11.0), _zdt(lambda f1, g: 1 - (f1 / g) ** 2)),
        Problem(
            "zdt3",
            30,
            0.0,
            1.0,
            2,
            (1.1, 11.0),
            _zdt(lambda f1, g: 1 - math.sqrt(f1 / g) - f1 / g * math.sin(10 * math.pi * f1)),
        ),
        Problem("dtlz2", 12, 0.0, 1.0, 3, (2.5, 2.5, 2.5), _dtlz2),
        Problem("srn", 2, -20.0, 20.0, 2, (250.0, 50.0), _srn),
    )
}


# ---------------------------------------------------------------------------- optimizers
Record = list[tuple[list[float], list[float]]]


def _hh(algo: str) -> Callable[[Problem, int, int, Record], None]:
    def run(prob: Problem, seed: int, budget: int, record: Record) -> None:
        import hyperhop as hh

        space = {f"x{i}": hh.float(prob.low, prob.high) for i in range(prob.n_vars)}

        def objective(cfg: dict[str, float]) -> Any:
            x = np.array([cfg[f"x{i}"] for i in range(prob.n_vars)])
            f, c = prob.evaluate(x)
            record.append((f, c))
            return {"values": f, "constraints": c} if c else f

        study = hh.Study(space, directions=["min"] * prob.n_obj, algo=algo, seed=seed)
        study.optimize(objective, n_trials=budget, progress=False)

    return run


def _optuna(kind: str) -> Callable[[Problem, int, int, Record], None]:
    def run(prob: Problem, seed: int, budget: int, record: Record) -> None:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.ERROR)
        sampler = (
            optuna.samplers.NSGAIISampler(seed=seed)
            if kind == "nsga2"
            else optuna.samplers.TPESampler(seed=seed)
        )
        study = optuna.create_study(directions=["minimize"] * prob.n_obj, sampler=sampler)

        def objective(trial: Any) -> list[float]:
            x = np.array(
                [trial.suggest_float(f"x{i}", prob.low, prob.high) for i in range(prob.n_vars)]
            )
            f, c = prob.evaluate(x)
            record.append((f, c))
            for i, v in enumerate(c):
                trial.set_constraint(f"c{i}", v)  # Optuna 5's API for outcome constraints
            return f

        study.optimize(objective, n_trials=budget)

    return run


OPTIMIZERS: dict[str, tuple[str, Callable[[Problem, int, int, Record], None]]] = {
    "hh-nsga2": ("hyperhop", _hh("nsga2")),
    "hh-tpe": ("hyperhop", _hh("tpe")),
    "hh-cbo": ("hyperhop", _hh("cbo")),
    "hh-random": ("hyperhop", _hh("random")),
    "hh-auto": ("hyperhop", _hh("auto")),
    "hh-gp": ("hyperhop", _hh("gp")),
    "optuna-nsga2": ("optuna", _optuna("nsga2")),
    "optuna-tpe": ("optuna", _optuna("tpe")),
}


# ---------------------------------------------------------------------------- one run
def hypervolume_of(record: Record, prob: Problem) -> float:
    from hyperhop.multiobjective import hypervolume

    pts = [f for f, c in record if all(v <= 0 for v in c)]
    if not pts:
        return 0.0
    return float(hypervolume(np.array(pts), prob.reference))


def run_one(optimizer: str, problem: str, seed: int, budget: int) -> dict[str, Any]:
    prob = PROBLEMS[problem]
    record: Record = []
    t0 = time.perf_counter()
    OPTIMIZERS[optimizer][1](prob, seed, budget, record)
    wall = time.perf_counter() - t0
    hv = {str(b): hypervolume_of(record[:b], prob) for b in BUDGETS if b <= budget}
    return {"hv": hv, "n": len(record), "wall_s": wall}


# ---------------------------------------------------------------------------- the driver
def _load(path: Path) -> dict[tuple[str, str, int], dict[str, Any]]:
    out: dict[tuple[str, str, int], dict[str, Any]] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if line.strip():
                r = json.loads(line)
                out[(r["optimizer"], r["problem"], r["seed"])] = r
    return out


def report(
    results: dict[tuple[str, str, int], dict[str, Any]],
    optimizers: Sequence[str],
    problems: Sequence[str],
) -> str:
    med: dict[tuple[str, str, int], float] = {}
    for opt in optimizers:
        for prob in problems:
            for b in BUDGETS:
                vals = [
                    r["hv"][str(b)]
                    for (o, p, _), r in results.items()
                    if o == opt and p == prob and "hv" in r and str(b) in r["hv"]
                ]
                if vals:
                    med[(opt, prob, b)] = statistics.median(vals)
    lines = []
    for b in BUDGETS:
        headers = ["optimizer", *problems]
        rows = []
        for opt in optimizers:
            cells = [opt]
            for prob in problems:
                v = med.get((opt, prob, b))
                n = sum(
                    1 for (o, p, _), r in results.items() if o == opt and p == prob and "hv" in r
                )
                cells.append("-" if v is None else f"{v:.4f} (n={n})")
            rows.append(cells)
        lines.append(f"Median hypervolume after {b} evaluations\n")
        lines.append(format_table(headers, rows))
        lines.append("")
    checks = []
    for prob in problems:
        hh_best = max(
            ((med.get((o, prob, 100), -1.0), o) for o in optimizers if o.startswith("hh-")),
            default=None,
        )
        op_best = max(
            ((med.get((o, prob, 100), -1.0), o) for o in optimizers if o.startswith("optuna-")),
            default=None,
        )
        if hh_best and op_best and hh_best[0] >= 0 and op_best[0] >= 0:
            ok = hh_best[0] > op_best[0]
            checks.append(
                f"{prob}: hyperhop best {hh_best[1]} {hh_best[0]:.4f} vs Optuna best {op_best[1]} "
                f"{op_best[0]:.4f}: {'met' if ok else 'NOT met'}"
            )
    if checks:
        lines.append("Target (100 evaluations): hyperhop's best median above Optuna's best")
        lines.extend(checks)
    errors = [f"{k}: {r['error']}" for k, r in sorted(results.items()) if "error" in r]
    if errors:
        lines.append("\nErrors:")
        lines.extend(errors)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--jobs", type=int, default=max(1, (os.cpu_count() or 2) // 1))
    ap.add_argument("--problems", default=",".join(PROBLEMS))
    ap.add_argument("--optimizers", default=",".join(OPTIMIZERS))
    ap.add_argument("--budget", type=int, default=max(BUDGETS))
    ap.add_argument("--timeout", type=float, default=900.0)
    ap.add_argument("--results", type=Path, default=DEFAULT_RESULTS)
    ap.add_argument("--report-only", action="store_true")
    ap.add_argument("--retry-errors", action="store_true")
    ap.add_argument(
        "--child", nargs=4, metavar=("OPT", "PROBLEM", "SEED", "BUDGET"), help=argparse.SUPPRESS
    )
    args = ap.parse_args(argv)
    if args.child:
        opt, prob, seed, budget = args.child
        print(json.dumps(run_one(opt, prob, int(seed), int(budget))))
        return 0
    problems = [p for p in args.problems.split(",") if p]
    optimizers = [o for o in args.optimizers.split(",") if o]
    for name in problems:
        if name not in PROBLEMS:
            ap.error(f"unknown problem {name!r}; known: {sorted(PROBLEMS)}")
    missing = {o for o in optimizers if o not in OPTIMIZERS or version_of(OPTIMIZERS[o][0]) is None}
    for o in sorted(missing):
        print(f"{o}: not installed (or unknown), skipped", file=sys.stderr)
    optimizers = [o for o in optimizers if o not in missing]
    args.results.parent.mkdir(parents=True, exist_ok=True)
    results = _load(args.results)
    if not args.report_only:
        todo = [
            (o, p, s)
            for s in range(args.seeds)
            for p in problems
            for o in optimizers
            if (o, p, s) not in results or (args.retry_errors and "error" in results[(o, p, s)])
        ]
        print(f"{len(todo)} runs to do ({len(results)} in {args.results})", file=sys.stderr)

        def one(key: tuple[str, str, int]) -> None:
            o, p, s = key
            out = run_isolated(__file__, ["--child", o, p, str(s), str(args.budget)], args.timeout)
            row = {"optimizer": o, "problem": p, "seed": s, **out}
            with args.results.open("a") as fh:
                fh.write(json.dumps(row) + "\n")
            results[key] = row
            hv = out.get("hv", out.get("error"))
            print(
                f"{o} {p} seed={s}: {hv} ({out.get('wall_s', 0):.1f} s)",
                file=sys.stderr,
                flush=True,
            )

        with ThreadPoolExecutor(args.jobs) as pool:
            list(pool.map(one, todo))
    print(
        f"versions: hyperhop (this checkout), optuna {version_of('optuna')}; seeds 0..{args.seeds - 1}"
    )
    print(report(results, optimizers, problems))
    return 0


if __name__ == "__main__":
    sys.exit(main())
