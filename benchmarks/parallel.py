"""Parallel evaluation: worker utilization and throughput of hyperhop's executors, beside
Optuna's ``n_jobs`` (threads), in one run.

Utilization: N simulated workers, an objective that sleeps a random 0.5 to 2 s, random
search, a memory storage. It is busy time / (N x window), over the window from the moment
all N workers have started a trial to the end of the runtime budget (the ramp-up is shown
apart as "start s"; the drain after the deadline is not counted). Throughput: an objective
that returns at once; trials per second between the first trial's start and the last's end.

    .venv/bin/python benchmarks/parallel.py            # 16, 64 and 256 workers, 20 s windows
    .venv/bin/python benchmarks/parallel.py --quick    # 16 and 64 workers, 10 s windows

Run it with the project's venv (Ray and Dask come with the dev extra). Optuna runs in
``.venv-bench`` (``make bench-env``) when that has it; a case that cannot run here shows
why. Every case runs in its own process with a timeout. Ray and Dask clusters are started
before the timed call; Ray and Dask simulate many workers as threads of at most 4
processes (``ray-procs``: one Ray actor process per worker). The start of the process
executor's and Ray's worker processes (one fresh interpreter each) is part of "start s".
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import format_table

ROOT = Path(__file__).resolve().parents[1]
BENCH_PY = ROOT / ".venv-bench" / "bin" / "python"
BACKENDS = ("thread", "process", "ray", "dask", "optuna")
EXTRA_BACKENDS = ("ray-procs",)


def sleepy(cfg: dict[str, Any]) -> dict[str, float]:
    t0 = time.time()
    time.sleep(cfg["d"])
    return {"value": cfg["d"], "t0": t0, "t1": time.time()}


def instant(cfg: dict[str, Any]) -> dict[str, float]:
    t = time.time()
    return {"value": cfg["d"], "t0": t, "t1": t}


def utilization(
    spans: Sequence[tuple[float, float]], workers: int, deadline: float
) -> dict[str, float]:
    starts = sorted(s for s, _ in spans)
    if len(starts) < workers:
        return {"error_": 1.0}
    begin = starts[workers - 1]  # every worker has had its first trial by now
    if begin >= deadline:
        return {"error_": 2.0}
    busy = sum(max(0.0, min(e, deadline) - max(s, begin)) for s, e in spans)
    return {"util": busy / (workers * (deadline - begin)), "window": deadline - begin}


# --------------------------------------------------------------------------- one case


def _hyperhop_run(
    kind: str, workers: int, objective: Any, **budget: Any
) -> tuple[list[tuple[float, float]], float, float]:
    import hyperhop as hh

    cleanup: list[Any] = []
    executor: Any
    if kind == "thread":
        executor = hh.execution.ThreadExecutor(workers)
    elif kind == "process":
        executor = hh.execution.ProcessExecutor(workers)
    elif kind in ("ray", "ray-procs"):
        import ray

        # simulated workers, as for Dask: a few actor processes, the rest as threads
        # ("ray-procs": one process per worker, as on a cluster with a CPU per worker; on
        # 2 cores Ray starts them two at a time, and they start during the window)
        procs = min(workers, 4) if kind == "ray" else workers
        ray.init(num_cpus=procs, include_dashboard=False, log_to_driver=False)
        cleanup.append(ray.shutdown)
        executor = hh.RayExecutor(
            num_workers=workers,
            trials_per_process=-(-workers // procs),
            cpus_per_trial=procs / workers,
        )
    elif kind == "dask":
        import distributed

        # simulated workers: a few processes, the rest as threads (one trial per thread)
        procs = min(workers, 4)
        cluster = distributed.LocalCluster(
            n_workers=procs,
            threads_per_worker=-(-workers // procs),
            processes=True,
            dashboard_address=None,
        )
        client = distributed.Client(cluster)
        cleanup += [cluster.close, client.close]
        executor = hh.DaskExecutor(client, n_workers=workers)
    else:
        raise ValueError(kind)
    try:
        study = hh.Study({"d": hh.float(0.5, 2.0)}, algo="random", seed=0)
        t_call = time.time()
        study.optimize(objective, executor=executor, progress=False, **budget)
        t_end = time.time()
        spans = [(t.user_attrs["t0"], t.user_attrs["t1"]) for t in study.trials if t.user_attrs]
        return spans, t_call, t_end
    finally:
        for fn in reversed(cleanup):
            fn()


def _optuna_run(
    workers: int, objective: Any, **budget: Any
) -> tuple[list[tuple[float, float]], float, float]:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)

    def obj(trial: Any) -> float:
        out = objective({"d": trial.suggest_float("d", 0.5, 2.0)})
        trial.set_user_attr("t0", out["t0"])
        trial.set_user_attr("t1", out["t1"])
        return float(out["value"])

    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    t_call = time.time()
    study.optimize(obj, n_jobs=workers, **budget)
    t_end = time.time()
    spans = [(t.user_attrs["t0"], t.user_attrs["t1"]) for t in study.trials if t.user_attrs]
    return spans, t_call, t_end


def run_case(mode: str, kind: str, workers: int, seconds: float) -> dict[str, Any]:
    if mode == "util":
        start_allowance = {
            "process": 0.25 * workers + 2,
            "ray": 10.0,
            "ray-procs": 1.0 * workers + 5,
        }.get(kind, 1.0)
        runtime = start_allowance + seconds
        if kind == "optuna":
            spans, t_call, _ = _optuna_run(workers, sleepy, timeout=runtime)
        else:
            spans, t_call, _ = _hyperhop_run(kind, workers, sleepy, runtime=runtime)
        deadline = t_call + runtime
        out: dict[str, Any] = utilization(spans, workers, deadline)
        starts = sorted(s for s, _ in spans)
        out["start"] = (starts[workers - 1] - t_call) if len(starts) >= workers else None
        out["trials"] = len(spans)
        return out
    n = int(seconds)
    if kind == "optuna":
        spans, _, _ = _optuna_run(workers, instant, n_trials=n)
    else:
        spans, _, _ = _hyperhop_run(kind, workers, instant, n_trials=n)
    first = min(s for s, _ in spans)
    last = max(e for _, e in spans)
    return {"tps": (len(spans) - 1) / max(last - first, 1e-9), "trials": len(spans)}


# --------------------------------------------------------------------------- the table


def isolated(mode: str, kind: str, workers: int, seconds: float, timeout: float) -> dict[str, Any]:
    python = str(BENCH_PY) if kind == "optuna" else sys.executable
    if kind == "optuna" and not BENCH_PY.exists():
        return {"error": "no .venv-bench (make bench-env)"}
    argv = [python, __file__, "--case", mode, kind, str(workers), str(seconds)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RAY_DEDUP_LOGS": "0"}
    try:
        proc = subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:g} s"}
    lines = [x for x in proc.stdout.strip().splitlines() if x.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        if "No module named" in tail:
            return {"error": tail.split("No module named")[-1].strip() + " not installed"}
        return {"error": f"exit {proc.returncode}: {tail[:100]}"}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="16 and 64 workers, 10 s windows")
    ap.add_argument("--workers", type=int, nargs="*", help="worker counts (default 16 64 256)")
    ap.add_argument(
        "--backends",
        nargs="*",
        default=list(BACKENDS),
        help=f"of {', '.join(BACKENDS + EXTRA_BACKENDS)} (default: {' '.join(BACKENDS)})",
    )
    ap.add_argument("--case", nargs=4, metavar=("MODE", "KIND", "WORKERS", "SECONDS"))
    args = ap.parse_args()
    if args.case:
        mode, kind, workers, seconds = args.case
        print(json.dumps(run_case(mode, kind, int(workers), float(seconds))))
        return
    counts = args.workers or ([16, 64] if args.quick else [16, 64, 256])
    window = 10.0 if args.quick else 20.0
    rows = []
    for workers in counts:
        for kind in args.backends:
            if kind in ("ray-procs", "process") and workers > 64:
                rows.append(
                    [
                        kind,
                        str(workers),
                        "-",
                        "-",
                        "-",
                        "skipped: 256 fresh interpreters do not start on 2 cores in time",
                    ]
                )
                continue
            r = isolated("util", kind, workers, window, timeout=window + 0.6 * workers + 120)
            if "error" in r or "util" not in r:
                rows.append(
                    [kind, str(workers), "-", "-", "-", r.get("error", "not all workers started")]
                )
            else:
                rows.append(
                    [
                        kind,
                        str(workers),
                        f"{100 * r['util']:.1f}%",
                        f"{r['start']:.1f}",
                        str(r["trials"]),
                        "",
                    ]
                )
            print(f"  {rows[-1]}", file=sys.stderr, flush=True)
    print(
        f"\nWorker utilization: objective sleeps U(0.5, 2) s, random search, {window:g} s window\n"
    )
    print(format_table(["backend", "workers", "utilization", "start s", "trials", "note"], rows))

    trows = []
    for kind, workers, n in [
        ("thread", 1, 2000),
        ("optuna", 1, 2000),
        ("thread", 4, 2000),
        ("optuna", 4, 2000),
        ("process", 2, 1000),
        ("ray", 2, 500),
        ("dask", 2, 500),
    ]:
        if kind not in args.backends:
            continue
        r = isolated("tput", kind, workers, n, timeout=300)
        if "error" in r:
            trows.append([kind, str(workers), "-", "-", r["error"]])
        else:
            trows.append([kind, str(workers), f"{r['tps']:.0f}", str(r["trials"]), ""])
        print(f"  {trows[-1]}", file=sys.stderr, flush=True)
    print("\nThroughput: an objective that returns at once, random search, memory storage\n")
    print(format_table(["backend", "workers", "trials/s", "trials", "note"], trows))


if __name__ == "__main__":
    main()
