"""Quality per evaluation: hyperhop's samplers beside the peers on one problem suite.

Each optimizer runs each problem (benchmarks/problems.py) for each seed up to the budget
(100 evaluations by default), in its own process with a timeout, and the best-so-far curve
goes to a results file, one JSON line per (optimizer, problem, seed): rerunning skips the
runs already there (``--retry-errors`` reruns the failed ones). The tables read the curves
at 25, 50 and 100 evaluations as normalized regret, (best - f*) / (f_ref - f*), with f_ref
the median of random configurations (computed once per problem with a fixed seed and
cached beside the results) and f* the known optimum, or for the scikit-learn problems the
best value any run or the reference sample saw; 0 is the optimum and 1 a typical random
point. Per family (synthetic, ml) and budget: the mean normalized regret per problem over
the seeds, and each optimizer's average rank over the problems (ranked by that mean; 1 is
best). Then the issue's targets, checked, and one PNG of curves per family.

    .venv-bench/bin/python benchmarks/quality.py --quick                # 2 seeds, 25 evaluations
    .venv-bench/bin/python benchmarks/quality.py --jobs 2               # everything, 10 seeds
    .venv-bench/bin/python benchmarks/quality.py --problems branin,mixed \\
        --optimizers hh-auto,optuna-tpe --seeds 5 --budget 50
    .venv-bench/bin/python benchmarks/quality.py --report-only          # tables from the file

Optimizers whose distributions are missing show as "not installed"; a peer that cannot
express a problem (scikit-optimize: conditional spaces) shows "n/a" there. After changing
a problem, delete its lines from the results file and its entry in ``*.ref.json``. To
benchmark a fixed hyperhop while the working tree is being edited, point PYTHONPATH at an
export of a commit (``git archive HEAD hyperhop | tar -x -C /tmp/snap``,
``PYTHONPATH=/tmp/snap``): every run then imports that copy.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from _common import format_table, run_isolated, version_of  # benchmarks/
from peers import OPTIMIZERS, quiet
from problems import PROBLEMS

CHECKPOINTS = (25, 50, 100)
REF_SEED = 12345
REF_SAMPLES = {"synthetic": 1000, "ml": 200}
DEFAULT_RESULTS = Path(__file__).parent / "results" / "quality.jsonl"
FAMILIES = ("synthetic", "ml")

Key = tuple[str, str, int]  # optimizer, problem, seed


# ---------------------------------------------------------------------- in the child process
def run_one(optimizer: str, problem: str, seed: int, budget: int) -> dict[str, Any]:
    """Run one optimizer on one problem; the best-so-far curve over ``budget`` evaluations."""
    quiet()
    prob = PROBLEMS[problem]
    values: list[float] = []
    eval_s = 0.0

    def f(cfg: dict[str, Any]) -> float:
        nonlocal eval_s
        t = time.perf_counter()
        try:
            v = float(prob.objective(cfg))
        except Exception:  # noqa: BLE001 - a failing evaluation counts as the worst value
            v = math.inf
        eval_s += time.perf_counter() - t
        values.append(v if not math.isnan(v) else math.inf)
        return values[-1]

    t0 = time.perf_counter()
    OPTIMIZERS[optimizer].run(prob.template(), f, seed, budget)
    wall = time.perf_counter() - t0
    curve, best = [], math.inf
    for v in values[:budget]:
        best = min(best, v)
        curve.append(best)
    curve += [best] * (budget - len(curve))  # fewer evaluations than the budget (PyHopper)
    return {
        "curve": curve,
        "n_evals": len(values),
        "wall_s": round(wall, 3),
        "optimizer_s": round(wall - eval_s, 3),
    }


def reference(problem: str) -> dict[str, Any]:
    """Median and minimum of random configurations of ``problem`` (hyperhop's sampler)."""
    import numpy as np

    import hyperhop as hh

    quiet()
    prob = PROBLEMS[problem]
    space = hh.Space(prob.template())
    rng = np.random.default_rng(REF_SEED)
    n = REF_SAMPLES[prob.family]
    vals = [prob.objective(space.to_config(space.sample_assignment(rng))) for _ in range(n)]
    return {"median": statistics.median(vals), "min": min(vals), "n": n, "seed": REF_SEED}


# ------------------------------------------------------------------------- the results file
def load_results(path: Path) -> dict[Key, dict[str, Any]]:
    """The results by key; of several lines for one key, the longest successful curve wins."""
    out: dict[Key, dict[str, Any]] = {}
    if not path.exists():
        return out
    for line in path.read_text().splitlines():
        try:
            r = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by a kill
        key = (r["optimizer"], r["problem"], r["seed"])
        old = out.get(key)
        if (
            old is None
            or ("error" in old and "error" not in r)
            or ("curve" in r and "curve" in old and len(r["curve"]) > len(old["curve"]))
        ):
            out[key] = r
    return out


def load_references(path: Path, problems: Sequence[str], jobs: int) -> dict[str, Any]:
    refs: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    missing = [p for p in problems if p not in refs]
    if missing:
        print(f"reference medians ({', '.join(missing)}) ...", file=sys.stderr)
        with ThreadPoolExecutor(jobs) as pool:
            got = list(pool.map(lambda p: run_isolated(__file__, ["--ref", p], 3600.0), missing))
        for p, r in zip(missing, got, strict=True):
            if "error" in r:
                raise SystemExit(f"reference for {p} failed: {r['error']}")
            refs[p] = r
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(refs, indent=1, sort_keys=True) + "\n")
    return refs


# ------------------------------------------------------------------------------- the tables
def seeded_regrets(
    results: dict[Key, dict[str, Any]], refs: dict[str, Any], budget: int
) -> dict[Key, list[float]]:
    """Normalized regret curve per (optimizer, problem, seed), up to ``budget``."""
    f_star: dict[str, float] = {}
    for name, prob in PROBLEMS.items():
        if prob.f_star is not None:
            f_star[name] = prob.f_star
        else:
            seen = [
                r["curve"][-1] for (_, p, _), r in results.items() if p == name and "curve" in r
            ]
            f_star[name] = min([refs[name]["min"], *seen]) if name in refs else math.nan
    out: dict[Key, list[float]] = {}
    for (opt, prob, seed), r in sorted(results.items()):
        if "curve" not in r or prob not in refs or len(r["curve"]) < budget:
            continue
        scale = max(refs[prob]["median"] - f_star[prob], 1e-12)
        out[opt, prob, seed] = [max(v - f_star[prob], 0.0) / scale for v in r["curve"][:budget]]
    return out


def regrets(
    results: dict[Key, dict[str, Any]], refs: dict[str, Any], budget: int
) -> dict[tuple[str, str], list[list[float]]]:
    """Normalized regret curves per (optimizer, problem), one per seed, up to ``budget``."""
    out: dict[tuple[str, str], list[list[float]]] = defaultdict(list)
    for (opt, prob, _), curve in seeded_regrets(results, refs, budget).items():
        out[opt, prob].append(curve)
    return out


def paired_t(seeded: dict[Key, list[float]], a: str, b: str, prob: str, at: int) -> str:
    """How far ``a``'s regret at ``at`` is above ``b``'s, in standard errors of the mean
    difference over the seeds both ran (a paired t statistic; |t| < 2 is seed noise)."""
    seeds = sorted({s for o, p, s in seeded if o == a and p == prob})
    d = [
        seeded[a, prob, s][at - 1] - seeded[b, prob, s][at - 1]
        for s in seeds
        if (b, prob, s) in seeded
    ]
    if len(d) < 3:
        return "too few paired seeds"
    sd = statistics.stdev(d)
    if sd == 0:
        return "identical on every seed"
    return f"paired t = {statistics.fmean(d) / (sd / math.sqrt(len(d))):.2f} over {len(d)} seeds"


def _ranks(values: dict[str, float]) -> dict[str, float]:
    """Average ranks (1 = lowest value; ties share the mean rank)."""
    order = sorted(values, key=lambda k: values[k])
    ranks: dict[str, float] = {}
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in order[i : j + 1]:
            ranks[k] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def summarize(
    curves: dict[tuple[str, str], list[list[float]]],
    optimizers: Sequence[str],
    problems: Sequence[str],
    b: int,
) -> tuple[dict[tuple[str, str], float], dict[str, float], dict[str, int]]:
    """Mean regret at ``b`` per (optimizer, problem); average rank and problem count per optimizer."""
    mean = {
        (o, p): statistics.fmean(c[b - 1] for c in cs)
        for (o, p), cs in curves.items()
        if o in optimizers and p in problems and cs
    }
    rank_sum: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    for p in problems:
        ranks = _ranks({o: mean[o, p] for o in optimizers if (o, p) in mean})
        for o, r in ranks.items():
            rank_sum[o] += r
            count[o] += 1
    return mean, {o: rank_sum[o] / count[o] for o in count}, dict(count)


def _cell(
    opt: str, prob: str, mean: dict[tuple[str, str], float], installed: dict[str, bool]
) -> str:
    if not installed[opt]:
        return "not installed"
    if PROBLEMS[prob].conditional and not OPTIMIZERS[opt].conditional:
        return "n/a"
    if (opt, prob) not in mean:
        return "-"
    v = mean[opt, prob]
    return f"{v:.3f}" if v >= 0.01 or v == 0 else f"{v:.1e}"


def report(
    results: dict[Key, dict[str, Any]],
    refs: dict[str, Any],
    optimizers: Sequence[str],
    problems: Sequence[str],
    budget: int,
    plot_prefix: Path | None,
) -> None:
    installed = {o: all(version_of(d) for d in OPTIMIZERS[o].needs) for o in optimizers}
    checkpoints = [b for b in CHECKPOINTS if b <= budget] or [budget]
    seeded = seeded_regrets(results, refs, budget)
    curves = regrets(results, refs, budget)
    seeds = defaultdict(set)
    errors: dict[tuple[str, str], list[str]] = defaultdict(list)
    for (o, p, s), r in results.items():
        if "curve" in r:
            seeds[o, p].add(s)
        else:
            errors[o, p].append(f"seed {s}: {r.get('error', '?')}")
    all_ranks: dict[tuple[str, int], dict[str, float]] = {}
    all_means: dict[int, dict[tuple[str, str], float]] = {}
    for family in FAMILIES:
        probs = [p for p in problems if PROBLEMS[p].family == family]
        if not probs:
            continue
        for b in checkpoints:
            mean, avg_rank, count = summarize(curves, optimizers, probs, b)
            # the targets compare optimizers that ran every problem of the family
            all_ranks[family, b] = {o: r for o, r in avg_rank.items() if count[o] == len(probs)}
            all_means.setdefault(b, {}).update(mean)
            rows = []
            partial = {o: count.get(o, 0) < len(probs) for o in optimizers}
            for o in sorted(optimizers, key=lambda o: (partial[o], avg_rank.get(o, math.inf), o)):
                cells = [_cell(o, p, mean, installed) for p in probs]
                n = {len(seeds[o, p]) for p in probs if (o, p) in mean}
                rank = f"{avg_rank[o]:.2f}" if o in avg_rank else "-"
                if o in count and count[o] < len(probs):
                    rank += f" ({count[o]}/{len(probs)})"
                rows.append([o, *cells, rank, "/".join(str(k) for k in sorted(n)) or "-"])
            print(
                f"\n{family}: mean normalized regret after {b} evaluations "
                "(0 = optimum, 1 = median random point); avg rank over problems (1 = best)"
            )
            print(format_table(["optimizer", *probs, "avg rank", "seeds"], rows))
    if errors:
        print("\nfailed runs:")
        for (o, p), errs in sorted(errors.items()):
            print(f"  {o} on {p}: {len(errs)} ({errs[0]})")
    print_targets(all_ranks, all_means, problems, optimizers, seeded)
    if plot_prefix is not None:
        plot(curves, optimizers, problems, plot_prefix)


def print_targets(
    ranks: dict[tuple[str, int], dict[str, float]],
    means: dict[int, dict[tuple[str, str], float]],
    problems: Sequence[str],
    optimizers: Sequence[str],
    seeded: dict[Key, list[float]],
) -> None:
    """The issue's targets, as far as the results reach. A lost comparison says how far
    the mean is off in seed-to-seed noise (a paired t statistic)."""
    print(
        "\ntargets (mean normalized regret compared per problem, lower is better; ranks among "
        "the optimizers that ran every problem of the family; a loss shows its paired t over "
        "the seeds, where |t| < 2 is within the noise)"
    )
    for (family, b), r in sorted(ranks.items()):
        if b in (50, 100) and "hh-auto" in r:
            best = min(r, key=lambda o: r[o])
            ok = r["hh-auto"] <= r[best]
            print(
                f"- auto best average rank, {family} at {b}: {'yes' if ok else 'NO'} "
                f"(auto {r['hh-auto']:.2f}; best {best} {r[best]:.2f})"
            )

    def compare(a: str, b_: str, at: Sequence[int], strict: bool) -> None:
        for b in at:
            m = means.get(b, {})
            pairs = [(p, m[a, p], m[b_, p]) for p in problems if (a, p) in m and (b_, p) in m]
            if not pairs:
                continue
            lost = [
                f"{p} ({x:.3f} vs {y:.3f}, {paired_t(seeded, a, b_, p, b)})"
                for p, x, y in pairs
                if (x >= y if strict else x > y)
            ]
            word = "beats" if strict else ">="
            verdict = "yes" if not lost else f"NO on {len(lost)}/{len(pairs)}: " + ", ".join(lost)
            print(f"- {a} {word} {b_} on every problem at {b}: {verdict}")

    if "hh-tpe" in optimizers and "hyperopt-tpe" in optimizers:
        compare("hh-tpe", "hyperopt-tpe", [25, 50, 100], strict=False)
    if "hh-tpe" in optimizers and "optuna-tpe" in optimizers:
        for (family, b), r in sorted(ranks.items()):
            if "hh-tpe" in r and "optuna-tpe" in r:
                print(
                    f"- tpe vs optuna-tpe, {family} at {b}: average rank "
                    f"{r['hh-tpe']:.2f} vs {r['optuna-tpe']:.2f}"
                )
    if "hh-cbo" in optimizers and "hh-random" in optimizers:
        compare("hh-cbo", "hh-random", [100], strict=True)
    if "hh-anneal" in optimizers and "pyhopper" in optimizers:
        compare("hh-anneal", "pyhopper", [25, 50, 100], strict=False)


def plot(
    curves: dict[tuple[str, str], list[list[float]]],
    optimizers: Sequence[str],
    problems: Sequence[str],
    prefix: Path,
) -> None:
    """One PNG per family: mean normalized regret of the best so far per evaluation."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot", file=sys.stderr)
        return
    import numpy as np

    colors = plt.get_cmap("tab20")
    style = {
        o: (colors(i % 20), "-" if o.startswith("hh-") else "--") for i, o in enumerate(optimizers)
    }
    for family in FAMILIES:
        probs = [
            p
            for p in problems
            if PROBLEMS[p].family == family and any((o, p) in curves for o in optimizers)
        ]
        if not probs:
            continue
        ncol = min(4, len(probs))
        nrow = math.ceil(len(probs) / ncol)
        fig, axes = plt.subplots(nrow, ncol, figsize=(4.2 * ncol, 3.4 * nrow), squeeze=False)
        for ax, p in zip(axes.flat, probs, strict=False):
            for o in optimizers:
                if (o, p) not in curves:
                    continue
                y = np.mean(np.array(curves[o, p]), axis=0)
                color, ls = style[o]
                ax.plot(
                    np.arange(1, y.size + 1), np.maximum(y, 1e-4), ls, color=color, label=o, lw=1.3
                )
            ax.set_yscale("log")
            ax.set_title(p, fontsize=10)
            ax.set_xlabel("evaluations", fontsize=8)
            ax.grid(alpha=0.3)
        for ax in list(axes.flat)[len(probs) :]:
            ax.axis("off")
        axes.flat[0].set_ylabel("mean normalized regret", fontsize=8)
        legend: dict[str, Any] = {}
        for ax in axes.flat:
            for h, label in zip(*ax.get_legend_handles_labels(), strict=True):
                legend.setdefault(label, h)
        handles, labels = list(legend.values()), list(legend)
        fig.legend(handles, labels, loc="lower center", ncol=min(8, len(labels)), fontsize=8)
        fig.tight_layout(rect=(0, 0.08, 1, 1))
        out = prefix.with_name(f"{prefix.stem}_{family}.png")
        fig.savefig(out, dpi=110)
        plt.close(fig)
        print(f"wrote {out}")


# ------------------------------------------------------------------------------------ main
def _names(arg: str | None, known: Sequence[str], what: str) -> list[str]:
    if arg is None:
        return list(known)
    names = [n.strip() for n in arg.split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"unknown {what}: {', '.join(unknown)}; choose from {', '.join(known)}")
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--problems", help="comma-separated problem names (default: all)")
    parser.add_argument("--optimizers", help="comma-separated optimizer names (default: all)")
    parser.add_argument("--seeds", type=int, default=None, help="seeds 0..N-1 (default 10)")
    parser.add_argument(
        "--budget", type=int, default=None, help="evaluations per run (default 100)"
    )
    parser.add_argument(
        "--results", type=Path, default=DEFAULT_RESULTS, help="JSON-lines results file"
    )
    parser.add_argument("--jobs", type=int, default=1, help="runs in parallel (default 1)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per run")
    parser.add_argument("--quick", action="store_true", help="2 seeds, 25 evaluations")
    parser.add_argument("--retry-errors", action="store_true", help="rerun failed runs")
    parser.add_argument("--report-only", action="store_true", help="no runs: tables from the file")
    parser.add_argument("--no-plot", action="store_true", help="no PNG")
    parser.add_argument(
        "--one", nargs=4, metavar=("OPT", "PROBLEM", "SEED", "BUDGET"), help=argparse.SUPPRESS
    )
    parser.add_argument("--ref", metavar="PROBLEM", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.one:
        opt, prob, seed, budget = args.one
        print(json.dumps(run_one(opt, prob, int(seed), int(budget))))
        return 0
    if args.ref:
        print(json.dumps(reference(args.ref)))
        return 0

    problems = _names(args.problems, list(PROBLEMS), "problems")
    optimizers = _names(args.optimizers, list(OPTIMIZERS), "optimizers")
    n_seeds = args.seeds or (2 if args.quick else 10)
    budget = args.budget or (25 if args.quick else 100)
    # one BLAS/OpenMP/torch thread per run: --jobs decides the parallelism, for every library
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    args.results.parent.mkdir(parents=True, exist_ok=True)
    refs = load_references(args.results.with_suffix(".ref.json"), problems, args.jobs)
    results = load_results(args.results)
    installed = {o: all(version_of(d) for d in OPTIMIZERS[o].needs) for o in optimizers}
    todo = []
    if not args.report_only:
        for seed in range(n_seeds):  # seed-major: a cut-short run still covers every pair
            for p in problems:
                for o in optimizers:
                    old = results.get((o, p, seed))
                    if not installed[o] or (
                        PROBLEMS[p].conditional and not OPTIMIZERS[o].conditional
                    ):
                        continue
                    if old is not None and ("error" not in old or not args.retry_errors):
                        if "error" in old or len(old["curve"]) >= budget:
                            continue
                    todo.append((o, p, seed))
    lock = threading.Lock()
    done = [0]

    def work(job: tuple[str, str, int]) -> None:
        o, p, seed = job
        t = time.perf_counter()
        r = run_isolated(__file__, ["--one", o, p, str(seed), str(budget)], args.timeout)
        line = {"optimizer": o, "problem": p, "seed": seed, "budget": budget, **r}
        with lock:
            with args.results.open("a") as fh:
                fh.write(json.dumps(line) + "\n")
            results[o, p, seed] = line
            done[0] += 1
            what = (
                r.get("error") or f"best {r['curve'][-1]:.5g}, {r['optimizer_s']:.1f} s optimizer"
            )
            print(
                f"[{done[0]}/{len(todo)}] {o} {p} seed {seed}: {what} ({time.perf_counter() - t:.0f} s)",
                file=sys.stderr,
                flush=True,
            )

    if todo:
        print(f"{len(todo)} runs to do, {args.jobs} at a time", file=sys.stderr)
        with ThreadPoolExecutor(max(1, args.jobs)) as pool:
            list(pool.map(work, todo))
    versions = {d: version_of(d) for o in optimizers for d in ("hyperhop", *OPTIMIZERS[o].needs)}
    print(
        "versions: " + ", ".join(f"{d} {v or 'not installed'}" for d, v in sorted(versions.items()))
    )
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; results in {args.results}")
    report(
        load_results(args.results),
        refs,
        optimizers,
        problems,
        budget,
        None if args.no_plot else args.results.with_suffix(""),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
