"""Parallel evaluation: worker utilization and throughput of hyperhop's executors, beside
Optuna's ``n_jobs`` (threads) and, when installed, Ray Tune, in one run.

Utilization: N simulated workers, an objective that sleeps a random 0.5 to 2 s, random
search and ``cbo`` (whose suggestion, with N trials running, is what limits the loop), a
memory storage. It is busy time / (N x window), over the window from the moment all N
workers have started a trial to the end of the runtime budget (the ramp-up is shown apart
as "start s"; the drain after the deadline is not counted). ``optimize(deterministic=True)``
(thread backend) is measured beside the default: its cost is the utilization lost while
trial k waits for every trial below k - N to finish. Ray Tune (``tune.Tuner``, random
search, ``max_concurrent_trials=N``, actors reused, each trial a fraction of a CPU) runs
the same sleeping objective. Throughput: an objective that returns at once; trials per
second between the first trial's start and the last's end, hyperhop and Optuna on the
same storage (memory, and SQLite in a temporary file).

    .venv/bin/python benchmarks/parallel.py            # 16, 64 and 256 workers, 20 s windows
    .venv/bin/python benchmarks/parallel.py --quick    # 16 and 64 workers, 10 s windows
    .venv/bin/python benchmarks/parallel.py --workers 64 --samplers cbo --backends thread

Run it with the project's venv (Ray and Dask come with the dev extra). Optuna and Ray Tune
run in ``.venv-bench`` (``make bench-env``) when that has them; a case that cannot run
here shows why. Every case runs in its own process with a timeout. Ray and Dask clusters are started
before the timed call; Ray and Dask simulate many workers as threads of at most 4
processes (``ray-procs``: one Ray actor process per worker). The start of the process
executor's worker processes (forks of its zygote) and of Ray's (one fresh interpreter each)
is part of "start s".
"""

from __future__ import annotations

import argparse
import json
import os
import random
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
BACKENDS = ("thread", "process", "ray", "dask", "optuna", "raytune")
EXTRA_BACKENDS = ("ray-procs",)
PEERS = ("optuna", "raytune")  # random search only, run in .venv-bench
SAMPLERS = ("random", "cbo")


def sleepy(cfg: dict[str, Any]) -> dict[str, float]:
    # the sleep is drawn apart from the configuration, so that a model-based sampler that
    # finds the optimum does not shorten the trials (and raise the rate of asks) as it goes
    t0 = time.time()
    time.sleep(random.uniform(0.5, 2.0))
    return {"value": (cfg["d"] - 0.8) ** 2, "t0": t0, "t1": time.time()}


def instant(cfg: dict[str, Any]) -> dict[str, float]:
    t = time.time()
    return {"value": (cfg["d"] - 0.8) ** 2, "t0": t, "t1": t}


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


def _sqlite_url(tmp: str) -> str:
    return f"sqlite:///{Path(tmp) / 'bench.db'}"


def _hyperhop_run(
    kind: str,
    workers: int,
    objective: Any,
    *,
    sampler: str = "random",
    storage: str = "memory",
    deterministic: bool = False,
    **budget: Any,
) -> tuple[list[tuple[float, float]], float, float]:
    import tempfile

    import hyperhop as hh

    cleanup: list[Any] = []
    executor: Any
    if kind == "thread":
        # one worker: the caller's thread, as optimize(n_jobs=1) and Optuna's n_jobs=1 do
        executor = None if workers == 1 else hh.execution.ThreadExecutor(workers)
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
    tmp = tempfile.TemporaryDirectory()
    cleanup.insert(0, tmp.cleanup)
    url = None if storage == "memory" else _sqlite_url(tmp.name)
    try:
        study = hh.Study({"d": hh.float(0.5, 2.0)}, algo=sampler, seed=0, storage=url, name="bench")
        t_call = time.time()
        study.optimize(
            objective, executor=executor, progress=False, deterministic=deterministic, **budget
        )
        t_end = time.time()
        spans = [(t.user_attrs["t0"], t.user_attrs["t1"]) for t in study.trials if t.user_attrs]
        study.storage.close()
        return spans, t_call, t_end
    finally:
        for fn in reversed(cleanup):
            fn()


def _optuna_run(
    workers: int, objective: Any, *, storage: str = "memory", **budget: Any
) -> tuple[list[tuple[float, float]], float, float]:
    import tempfile

    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)

    def obj(trial: Any) -> float:
        out = objective({"d": trial.suggest_float("d", 0.5, 2.0)})
        trial.set_user_attr("t0", out["t0"])
        trial.set_user_attr("t1", out["t1"])
        return float(out["value"])

    with tempfile.TemporaryDirectory() as tmp:
        url = None if storage == "memory" else _sqlite_url(tmp)
        study = optuna.create_study(
            sampler=optuna.samplers.RandomSampler(seed=0), storage=url, study_name="bench"
        )
        t_call = time.time()
        study.optimize(obj, n_jobs=workers, **budget)
        t_end = time.time()
        spans = [(t.user_attrs["t0"], t.user_attrs["t1"]) for t in study.trials if t.user_attrs]
    return spans, t_call, t_end


def _raytune_trainable(config: dict[str, Any]) -> dict[str, float]:
    # a function trainable's returned dict is its final result
    return sleepy(config)


def _raytune_run(workers: int, runtime: float) -> tuple[list[tuple[float, float]], float, float]:
    """Ray Tune's own loop: ``max_concurrent_trials=workers``, each trial a 1/workers share
    of the CPUs Ray is given (as many as the machine's cores), actors reused, random search
    (the default variant generator over ``tune.uniform``), no result files (the spans come
    to the driver through a callback)."""
    import tempfile

    os.environ.setdefault("TUNE_DISABLE_AUTO_CALLBACK_LOGGERS", "1")
    os.environ.setdefault("RAY_AIR_NEW_OUTPUT", "0")
    import ray
    from ray import tune

    spans: list[tuple[float, float]] = []

    class Spans(tune.Callback):
        def on_trial_result(
            self, iteration: int, trials: Any, trial: Any, result: Any, **info: Any
        ) -> None:
            if "t0" in result and "t1" in result:
                spans.append((float(result["t0"]), float(result["t1"])))

    cpus = os.cpu_count() or 2
    ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tuner = tune.Tuner(
                tune.with_resources(_raytune_trainable, {"cpu": cpus / workers}),
                param_space={"d": tune.uniform(0.5, 2.0)},
                tune_config=tune.TuneConfig(
                    num_samples=int(workers * runtime / 0.5) + workers,
                    max_concurrent_trials=workers,
                    time_budget_s=runtime,
                    reuse_actors=True,
                ),
                run_config=tune.RunConfig(storage_path=tmp, verbose=0, callbacks=[Spans()]),
            )
            t_call = time.time()
            tuner.fit()
            t_end = time.time()
    finally:
        ray.shutdown()
    return spans, t_call, t_end


def start_allowance(kind: str, workers: int) -> float:
    """Seconds added to the runtime budget for the workers to start (fresh interpreters,
    actors), so that the measured window is as long for every backend."""
    return {
        "process": 0.02 * workers + 2,  # forks of the executor's zygote
        "ray": 10.0,
        "ray-procs": 1.0 * workers + 5,
        "raytune": 1.5 * workers + 15,  # an actor process per trial slot
    }.get(kind, 1.0)


def run_case(
    mode: str,
    kind: str,
    workers: int,
    seconds: float,
    *,
    sampler: str = "random",
    storage: str = "memory",
    deterministic: bool = False,
) -> dict[str, Any]:
    if mode == "util":
        runtime = start_allowance(kind, workers) + seconds
        if kind == "optuna":
            spans, t_call, _ = _optuna_run(workers, sleepy, timeout=runtime)
        elif kind == "raytune":
            spans, t_call, _ = _raytune_run(workers, runtime)
        else:
            spans, t_call, _ = _hyperhop_run(
                kind, workers, sleepy, sampler=sampler, deterministic=deterministic,
                runtime=runtime,
            )  # fmt: skip
        deadline = t_call + runtime
        out: dict[str, Any] = utilization(spans, workers, deadline)
        starts = sorted(s for s, _ in spans)
        out["start"] = (starts[workers - 1] - t_call) if len(starts) >= workers else None
        out["trials"] = len(spans)
        return out
    n = int(seconds)
    if kind == "optuna":
        spans, _, _ = _optuna_run(workers, instant, storage=storage, n_trials=n)
    else:
        spans, _, _ = _hyperhop_run(
            kind, workers, instant, sampler=sampler, storage=storage, n_trials=n
        )
    first = min(s for s, _ in spans)
    last = max(e for _, e in spans)
    return {"tps": (len(spans) - 1) / max(last - first, 1e-9), "trials": len(spans)}


# --------------------------------------------------------------------------- the table


def isolated(
    mode: str, kind: str, workers: int, seconds: float, timeout: float, *extra: str
) -> dict[str, Any]:
    python = str(BENCH_PY) if kind in PEERS else sys.executable
    if kind in PEERS and not BENCH_PY.exists():
        return {"error": "no .venv-bench (make bench-env)"}
    argv = [python, __file__, "--case", mode, kind, str(workers), str(seconds), *extra]
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
        if "ray.tune" in tail and "dependencies are missing" in tail:
            return {"error": "ray[tune] not installed"}
        return {"error": f"exit {proc.returncode}: {tail[:100]}"}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def _util_row(
    label: str, sampler: str, kind: str, workers: int, window: float, *extra: str
) -> tuple[list[str], dict[str, Any]]:
    timeout = window + start_allowance(kind, workers) + 0.6 * workers + 120
    r = isolated("util", kind, workers, window, timeout, "--sampler", sampler, *extra)
    if "error" in r or "util" not in r:
        row = [sampler, label, str(workers), "-", "-", "-"]
        row.append(r.get("error", "not all workers started"))
    else:
        row = [sampler, label, str(workers), f"{100 * r['util']:.1f}%", f"{r['start']:.1f}"]
        row += [str(r["trials"]), ""]
    print(f"  {row}", file=sys.stderr, flush=True)
    return row, r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="16 and 64 workers, 10 s windows")
    ap.add_argument("--workers", type=int, nargs="*", help="worker counts (default 16 64 256)")
    ap.add_argument("--window", type=float, help="utilization window, s (default 20, quick 10)")
    ap.add_argument(
        "--backends",
        nargs="*",
        default=list(BACKENDS),
        help=f"of {', '.join(BACKENDS + EXTRA_BACKENDS)} (default: {' '.join(BACKENDS)})",
    )
    ap.add_argument(
        "--samplers", nargs="*", default=list(SAMPLERS), help="of random, cbo (default: both)"
    )
    ap.add_argument(
        "--no-deterministic", action="store_true", help="skip the deterministic=True rows"
    )
    ap.add_argument("--no-throughput", action="store_true", help="skip the throughput table")
    ap.add_argument("--case", nargs=4, metavar=("MODE", "KIND", "WORKERS", "SECONDS"))
    ap.add_argument("--sampler", default="random", help=argparse.SUPPRESS)
    ap.add_argument("--storage", default="memory", help=argparse.SUPPRESS)
    ap.add_argument("--deterministic", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.case:
        mode, kind, workers, seconds = args.case
        out = run_case(
            mode, kind, int(workers), float(seconds), sampler=args.sampler,
            storage=args.storage, deterministic=args.deterministic,
        )  # fmt: skip
        print(json.dumps(out))
        return
    counts = args.workers or ([16, 64] if args.quick else [16, 64, 256])
    window = args.window or (10.0 if args.quick else 20.0)
    rows: list[list[str]] = []
    det: dict[tuple[str, int], tuple[dict[str, Any], dict[str, Any]]] = {}
    for workers in counts:
        for sampler in args.samplers:
            for kind in args.backends:
                if kind in PEERS and sampler != "random":
                    continue  # the peers run random search only
                if kind in ("ray-procs", "raytune") and workers > 64:
                    rows.append([sampler, kind, str(workers), "-", "-", "-"])
                    rows[-1].append("skipped: 256 actor processes do not start on 2 cores in time")
                    continue
                row, r = _util_row(kind, sampler, kind, workers, window)
                rows.append(row)
                if kind == "thread" and not args.no_deterministic:
                    row_d, r_d = _util_row(
                        "thread det", sampler, kind, workers, window, "--deterministic"
                    )
                    rows.append(row_d)
                    det[sampler, workers] = (r, r_d)
    if rows:  # none with --samplers and nothing after it: the throughput only
        print(
            f"\nWorker utilization: objective sleeps U(0.5, 2) s, memory storage, {window:g} s "
            "window ('thread det': optimize(deterministic=True))\n"
        )
        print(
            format_table(
                ["sampler", "backend", "workers", "utilization", "start s", "trials", "note"], rows
            )
        )
    if det:
        drows = []
        for (sampler, workers), (r, r_d) in det.items():
            if "util" in r and "util" in r_d:
                u, u_d = 100 * r["util"], 100 * r_d["util"]
                drows.append([sampler, str(workers), f"{u:.1f}%", f"{u_d:.1f}%", f"{u - u_d:+.1f}"])
        print("\nThe cost of deterministic=True (thread backend)\n")
        print(
            format_table(["sampler", "workers", "default", "deterministic", "cost (points)"], drows)
        )
    if args.no_throughput:
        return

    trows = []
    for kind, workers, n, storage in [
        ("thread", 1, 2000, "memory"),
        ("optuna", 1, 2000, "memory"),
        ("thread", 4, 2000, "memory"),
        ("optuna", 4, 2000, "memory"),
        ("thread", 1, 500, "sqlite"),
        ("optuna", 1, 500, "sqlite"),
        ("thread", 4, 500, "sqlite"),
        ("optuna", 4, 500, "sqlite"),
        ("process", 2, 1000, "memory"),
        ("ray", 2, 500, "memory"),
        ("dask", 2, 500, "memory"),
    ]:
        if kind not in args.backends:
            continue
        r = isolated("tput", kind, workers, n, 300, "--storage", storage)
        if "error" in r:
            trows.append([kind, storage, str(workers), "-", "-", r["error"]])
        else:
            trows.append([kind, storage, str(workers), f"{r['tps']:.0f}", str(r["trials"]), ""])
        print(f"  {trows[-1]}", file=sys.stderr, flush=True)
    print("\nThroughput: an objective that returns at once, random search\n")
    print(format_table(["backend", "storage", "workers", "trials/s", "trials", "note"], trows))


if __name__ == "__main__":
    main()
