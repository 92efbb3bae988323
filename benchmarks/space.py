"""Time per sample of the space language, hyperhop beside Hyperopt and PyHopper.

Two spaces, written the same way in each library:

- a realistic 20-parameter conditional space (log floats, ints, powers of two, a quantized
  float, choices; a model choice among svm / forest / mlp and an optimizer choice between
  sgd and adam, each branch with its own parameters);
- one 1,000,000-entry float array parameter.

hyperhop is timed as ``Space.sample`` + ``Space.to_config`` (a flat assignment and the
config the objective receives) and as ``hh.sample(space)``; Hyperopt as
``hyperopt.pyll.stochastic.sample`` on the space (converted to a pyll graph once);
PyHopper as ``Search.sample_solution()`` plus unwrapping to a plain dict, which is what its
random-seeding phase does per candidate (it cannot be seeded: it draws from a fresh
``np.random.default_rng()`` on every parameter, which is part of its cost). Each case runs
in its own process with a timeout; the table shows the median time per sample over several
rounds, after a warm-up, and the ratio peer / hyperhop (above 1: hyperhop is faster).

    .venv-bench/bin/python benchmarks/space.py          # 3 passes x 7 rounds of >= 0.2 s
    .venv-bench/bin/python benchmarks/space.py --quick  # 1 pass x 3 rounds of >= 0.05 s

Run it with the benchmark venv (`make bench-env`); a peer that is missing shows as
"not installed".
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
from collections.abc import Callable
from typing import Any

from _common import format_table, median_time_us, run_isolated, version_of  # benchmarks/

ARRAY_SIZE = 1_000_000
CASES = {
    "conditional": "20-parameter conditional space",
    "array": f"{ARRAY_SIZE:,}-entry float array",
}
# (library, call, case) in table order; the first hyperhop call of a case is the reference
RUNS = [
    ("hyperhop", "Space.sample + to_config", "conditional"),
    ("hyperhop", "hh.sample(space)", "conditional"),
    ("hyperhop", "Space.sample (flat assignment)", "conditional"),
    ("hyperopt", "pyll.stochastic.sample", "conditional"),
    ("pyhopper", "Search.sample_solution + unwrap", "conditional"),
    ("hyperhop", "Space.sample + to_config", "array"),
    ("hyperhop", "hh.sample(space)", "array"),
    ("hyperopt", "pyll.stochastic.sample", "array"),
    ("pyhopper", "Search.sample_solution + unwrap", "array"),
]
DIST = {"hyperhop": "hyperhop", "hyperopt": "hyperopt", "pyhopper": "pyhopper"}


# ----------------------------------------------------------------------------- the spaces
def hyperhop_space(case: str) -> Any:
    import hyperhop as hh

    if case == "array":
        return hh.Space({"w": hh.float(0.0, 1.0, shape=ARRAY_SIZE)})
    return hh.Space(
        {
            "lr": hh.float(1e-5, 1e-1, log=True),
            "batch_size": hh.int(16, 512, power_of=2),
            "epochs": hh.int(5, 100),
            "dropout": hh.float(0.0, 0.5, q=0.05),
            "weight_decay": hh.float(1e-6, 1e-2, log=True),
            "activation": hh.choice("relu", "tanh", "gelu"),
            "model": hh.choice(
                {
                    "kind": "svm",
                    "C": hh.float(1e-3, 1e3, log=True),
                    "kernel": hh.choice("rbf", "poly", "linear"),
                    "gamma": hh.float(1e-4, 1.0, log=True),
                },
                {
                    "kind": "forest",
                    "n_estimators": hh.int(10, 500),
                    "max_depth": hh.int(2, 32),
                    "max_features": hh.float(0.1, 1.0),
                },
                {
                    "kind": "mlp",
                    "layers": hh.int(1, 4),
                    "units": hh.int(16, 1024, power_of=2),
                },
            ),
            "optimizer": hh.choice(
                {
                    "name": "sgd",
                    "momentum": hh.float(0.5, 0.99),
                    "nesterov": hh.choice(False, True),
                },
                {
                    "name": "adam",
                    "beta1": hh.float(0.8, 0.999),
                    "beta2": hh.float(0.9, 0.9999),
                },
            ),
        }
    )


def hyperopt_space(case: str) -> Any:
    from hyperopt import hp

    if case == "array":
        return None  # Hyperopt has no array-valued hyperparameter
    log = math.log
    return {
        "lr": hp.loguniform("lr", log(1e-5), log(1e-1)),
        "batch_size": hp.choice("batch_size", [2**e for e in range(4, 10)]),
        "epochs": hp.randint("epochs", 5, 101),
        "dropout": hp.quniform("dropout", 0.0, 0.5, 0.05),
        "weight_decay": hp.loguniform("weight_decay", log(1e-6), log(1e-2)),
        "activation": hp.choice("activation", ["relu", "tanh", "gelu"]),
        "model": hp.choice(
            "model",
            [
                {
                    "kind": "svm",
                    "C": hp.loguniform("model.C", log(1e-3), log(1e3)),
                    "kernel": hp.choice("model.kernel", ["rbf", "poly", "linear"]),
                    "gamma": hp.loguniform("model.gamma", log(1e-4), 0.0),
                },
                {
                    "kind": "forest",
                    "n_estimators": hp.randint("model.n_estimators", 10, 501),
                    "max_depth": hp.randint("model.max_depth", 2, 33),
                    "max_features": hp.uniform("model.max_features", 0.1, 1.0),
                },
                {
                    "kind": "mlp",
                    "layers": hp.randint("model.layers", 1, 5),
                    "units": hp.choice("model.units", [2**e for e in range(4, 11)]),
                },
            ],
        ),
        "optimizer": hp.choice(
            "optimizer",
            [
                {
                    "name": "sgd",
                    "momentum": hp.uniform("optimizer.momentum", 0.5, 0.99),
                    "nesterov": hp.choice("optimizer.nesterov", [False, True]),
                },
                {
                    "name": "adam",
                    "beta1": hp.uniform("optimizer.beta1", 0.8, 0.999),
                    "beta2": hp.uniform("optimizer.beta2", 0.9, 0.9999),
                },
            ],
        ),
    }


def pyhopper_space(case: str) -> dict[str, Any]:
    import pyhopper

    if case == "array":
        return {"w": pyhopper.float(0.0, 1.0, shape=ARRAY_SIZE)}
    return {
        "lr": pyhopper.float(1e-5, 1e-1, log=True),
        "batch_size": pyhopper.int(16, 512, power_of=2),
        "epochs": pyhopper.int(5, 100),
        "dropout": pyhopper.float(0.0, 0.5, precision=2),
        "weight_decay": pyhopper.float(1e-6, 1e-2, log=True),
        "activation": pyhopper.choice("relu", "tanh", "gelu"),
        "model": pyhopper.choice(
            {
                "kind": "svm",
                "C": pyhopper.float(1e-3, 1e3, log=True),
                "kernel": pyhopper.choice("rbf", "poly", "linear"),
                "gamma": pyhopper.float(1e-4, 1.0, log=True),
            },
            {
                "kind": "forest",
                "n_estimators": pyhopper.int(10, 500),
                "max_depth": pyhopper.int(2, 32),
                "max_features": pyhopper.float(0.1, 1.0),
            },
            {
                "kind": "mlp",
                "layers": pyhopper.int(1, 4),
                "units": pyhopper.int(16, 1024, power_of=2),
            },
        ),
        "optimizer": pyhopper.choice(
            {
                "name": "sgd",
                "momentum": pyhopper.float(0.5, 0.99),
                "nesterov": pyhopper.choice(False, True),
            },
            {
                "name": "adam",
                "beta1": pyhopper.float(0.8, 0.999),
                "beta2": pyhopper.float(0.9, 0.9999),
            },
        ),
    }


# ----------------------------------------------------------------------------- one case
def sampler(lib: str, call: str, case: str) -> Callable[[], Any] | str:
    """A no-argument function drawing one sample, or the reason there is none."""
    import numpy as np

    rng = np.random.default_rng(0)
    if lib == "hyperhop":
        import hyperhop as hh

        space = hyperhop_space(case)
        if call.startswith("hh.sample"):
            return lambda: hh.sample(space, rng=rng)
        if "to_config" in call:
            return lambda: space.to_config(space.sample_assignment(rng))
        return lambda: space.sample_assignment(rng)
    if lib == "hyperopt":
        from hyperopt.pyll import as_apply, stochastic

        template = hyperopt_space(case)
        if template is None:
            return "n/a: no array-valued parameters"
        graph = as_apply(template)
        return lambda: stochastic.sample(graph, rng)
    if lib == "pyhopper":
        import pyhopper
        from pyhopper.utils import unwrap_sample

        search = pyhopper.Search(pyhopper_space(case))
        return lambda: unwrap_sample(search.sample_solution())
    raise ValueError(f"unknown library {lib!r}")


def measure(lib: str, call: str, case: str, repeats: int, min_round_s: float) -> dict[str, Any]:
    fn = sampler(lib, call, case)
    if isinstance(fn, str):
        return {"note": fn}
    return {"us": median_time_us(fn, repeats=repeats, min_round_s=min_round_s)}


# ----------------------------------------------------------------------------- the table
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter rounds")
    parser.add_argument("--repeats", type=int, default=None, help="rounds per case")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON lines")
    parser.add_argument("--passes", type=int, default=None, help="processes per case (median)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per case")
    parser.add_argument("--one", nargs=3, metavar=("LIB", "CALL", "CASE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 7)
    min_round_s = 0.05 if args.quick else 0.2

    if args.one:
        lib, call, case = args.one
        print(json.dumps(measure(lib, call, case, repeats, min_round_s)))
        return 0

    versions = {lib: version_of(dist) for lib, dist in DIST.items()}
    extra = ["--repeats", str(repeats)] + (["--quick"] if args.quick else [])
    passes = args.passes or (1 if args.quick else 3)
    # Every pass runs every case once, in its own process; passes interleave the libraries
    # so that a burst of load on a shared machine does not land on one library only.
    per_run: list[list[dict[str, Any]]] = [[] for _ in RUNS]
    for n in range(passes):
        for i, (lib, call, case) in enumerate(RUNS):
            if versions[lib] is None:
                res: dict[str, Any] = {"note": "not installed"}
            else:
                res = run_isolated(__file__, ["--one", lib, call, case, *extra], args.timeout)
            per_run[i].append(res)
            print(f"  pass {n + 1}/{passes}, {CASES[case]}: {lib} {call}: {res}", file=sys.stderr)
    results: list[dict[str, Any]] = []
    for (lib, call, case), runs in zip(RUNS, per_run, strict=True):
        times = [r["us"] for r in runs if "us" in r]
        res = {"us": statistics.median(times), "passes": times} if times else runs[-1]
        results.append({"library": lib, "call": call, "case": case, **res})

    rows = []
    for case in CASES:
        ref = next(
            (r.get("us") for r in results if r["case"] == case and r["library"] == "hyperhop"),
            None,
        )
        for r in results:
            if r["case"] != case:
                continue
            us = r.get("us")
            if us is None:
                time_cell, ratio = r.get("note") or r.get("error", "?"), "-"
            else:
                time_cell = f"{us:,.1f}" if us < 1e4 else f"{us:,.0f}"
                ratio = f"{us / ref:.1f}x" if ref else "-"
            name = r["library"] + (f" {versions[r['library']]}" if versions[r["library"]] else "")
            rows.append([CASES[case], name, r["call"], time_cell, ratio])
    print(
        f"Time per sample in microseconds: median over {passes} process(es) of the median of "
        f"{repeats} rounds; ratio = time / hyperhop's Space.sample + to_config (above 1x: "
        "hyperhop is faster)"
    )
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(format_table(["space", "library", "call", "us/sample", "ratio"], rows))
    if args.json:
        with open(args.json, "a", encoding="utf-8") as f:
            for r in results:
                f.write(json.dumps({**r, "version": versions[r["library"]]}) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
