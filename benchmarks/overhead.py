"""Overhead per trial of the study loop and its storages, hyperhop beside Optuna.

Random search on a trivial objective, so the time measured is the optimizer's own: asking,
sampling, recording. Every case runs in its own process with a timeout; the table shows
medians and the ratio Optuna / hyperhop (higher is better for hyperhop).

    .venv-bench/bin/python benchmarks/overhead.py            # 1,000 and 10,000 trials
    .venv-bench/bin/python benchmarks/overhead.py --quick    # 300 and 1,000 trials

Run it with the benchmark venv (`make bench-env`), where Optuna is installed; a peer that
is missing shows as "not installed". PostgreSQL cases need the server on 127.0.0.1:5432.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from typing import Any

PG = "127.0.0.1", 5432
SPACE_DIM = 5


def _pg_up() -> bool:
    try:
        with socket.create_connection(PG, timeout=1):
            return True
    except OSError:
        return False


class _PgDatabase:
    """A throwaway PostgreSQL database (trust auth, user postgres)."""

    def __init__(self) -> None:
        import psycopg

        self.name = f"hh_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{self.name}"')

    def url(self, driver: str) -> str:
        return f"postgresql+{driver}://postgres@127.0.0.1:5432/{self.name}"

    def drop(self) -> None:
        import psycopg

        with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _storage(kind: str, tmp: str, lib: str) -> tuple[Any, Any]:
    """(storage argument, cleanup) for a storage kind."""
    if kind == "memory":
        return None, None
    if kind == "sqlite":
        path = os.path.join(tmp, f"{lib}.db")
        return f"sqlite:///{path}" if lib == "hyperhop" else f"sqlite:///{path}", None
    if kind == "postgres":
        db = _PgDatabase()
        return db.url("psycopg"), db.drop
    raise ValueError(kind)


def run_hyperhop(kind: str, n: int, tmp: str) -> float:
    import hyperhop as hh

    space = {f"x{i}": hh.float(-5, 5) for i in range(SPACE_DIM)}
    storage, cleanup = _storage(kind, tmp, "hyperhop")
    try:
        study = hh.Study(space, storage=storage, name="bench", algo="random", seed=0)
        t0 = time.perf_counter()
        study.optimize(lambda c: c["x0"], n_trials=n, progress=False)
        elapsed = time.perf_counter() - t0
        assert len(study.trials) == n
        study.storage.close()
        return elapsed
    finally:
        if cleanup:
            cleanup()


def run_optuna(kind: str, n: int, tmp: str) -> float:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage, cleanup = _storage(kind, tmp, "optuna")
    try:
        study = optuna.create_study(
            storage=storage, sampler=optuna.samplers.RandomSampler(seed=0), study_name="bench"
        )

        def objective(trial: Any) -> float:
            return (
                sum(trial.suggest_float(f"x{i}", -5, 5) for i in range(SPACE_DIM)) * 0
                + trial.params["x0"]
            )

        t0 = time.perf_counter()
        study.optimize(objective, n_trials=n)
        return time.perf_counter() - t0
    finally:
        if cleanup:
            cleanup()


def _shared_worker(url: str, n: int, start_at: float) -> None:
    import hyperhop as hh

    space = {f"x{i}": hh.float(-5, 5) for i in range(SPACE_DIM)}
    study = hh.Study(space, storage=url, name="shared", algo="random")
    while time.time() < start_at:
        time.sleep(0.001)
    study.optimize(lambda c: c["x0"], n_trials=n, n_trials_mode="increment", progress=False)


def run_shared_sqlite(procs: int, n: int, tmp: str) -> float:
    """Wall time for ``procs`` processes doing ``n`` trials each on one SQLite file."""
    import hyperhop as hh

    url = f"sqlite:///{os.path.join(tmp, 'shared.db')}"
    hh.Study(
        {f"x{i}": hh.float(-5, 5) for i in range(SPACE_DIM)}, storage=url, name="shared"
    ).storage.close()
    start_at = time.time() + 2.0
    here = os.path.dirname(os.path.abspath(__file__))
    code = (
        f"import sys; sys.path.insert(0, {here!r}); from overhead import _shared_worker; "
        f"_shared_worker({url!r}, {n}, {start_at!r})"
    )
    ps = [
        subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True)
        for _ in range(procs)
    ]
    errors = []
    for p in ps:
        _, err = p.communicate(timeout=600)
        if p.returncode:
            errors.append(err.strip().splitlines()[-1] if err.strip() else f"exit {p.returncode}")
        elif "database is locked" in err:
            errors.append("'database is locked' reached the user")
    finished = time.time()
    if errors:
        raise RuntimeError("; ".join(errors))
    study = hh.load_study(url, "shared")
    total = sum(t.state is hh.TrialState.COMPLETE for t in study.trials)
    assert total == procs * n, (total, procs * n)
    return finished - start_at


def one_case(case: str) -> dict[str, Any]:
    lib, kind, n_text = case.split(":")
    n = int(n_text)
    with tempfile.TemporaryDirectory() as tmp:
        if lib == "shared":
            procs = int(kind)
            return {"case": case, "seconds": run_shared_sqlite(procs, n, tmp)}
        fn = run_hyperhop if lib == "hyperhop" else run_optuna
        return {"case": case, "seconds": fn(kind, n, tmp)}


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
    return json.loads(proc.stdout.strip().splitlines()[-1])


def have(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--case", help=argparse.SUPPRESS)
    p.add_argument("--quick", action="store_true", help="smaller trial counts")
    p.add_argument(
        "--repeats", type=int, default=3, help="runs per case at the smaller size (median)"
    )
    p.add_argument("--timeout", type=float, default=900)
    args = p.parse_args()
    if args.case:
        print(json.dumps(one_case(args.case)))
        return 0

    sizes = (300, 1000) if args.quick else (1000, 10000)
    kinds = ["memory", "sqlite"] + (["postgres"] if _pg_up() and have("psycopg") else [])
    peers = {"optuna": have("optuna")}
    rows = []
    per_trial: dict[tuple[str, str, int], float] = {}
    for kind in kinds:
        for n in sizes:
            row = [kind, f"{n:,}"]
            for lib in ("hyperhop", "optuna"):
                if lib != "hyperhop" and not peers[lib]:
                    row.append("not installed")
                    continue
                reps = args.repeats if n == sizes[0] else 1
                results = [run_case(f"{lib}:{kind}:{n}", args.timeout) for _ in range(reps)]
                ok = [r["seconds"] for r in results if "seconds" in r]
                if not ok:
                    row.append(results[0].get("error", "failed"))
                    continue
                ms = statistics.median(ok) / n * 1000
                per_trial[(lib, kind, n)] = ms
                row.append(f"{ms:.3f}")
            h, o = per_trial.get(("hyperhop", kind, n)), per_trial.get(("optuna", kind, n))
            row.append(f"{o / h:.1f}x" if h and o else "-")
            rows.append(row)
            print("  " + "  ".join(row), file=sys.stderr, flush=True)

    print(
        f"\nOverhead per trial, ms (random search, {SPACE_DIM} floats, trivial objective; median of "
        f"{args.repeats} runs at {sizes[0]:,}, 1 run at {sizes[1]:,})"
    )
    header = ["storage", "trials", "hyperhop", "optuna", "optuna/hyperhop"]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)))

    for n in sizes:
        m, s = per_trial.get(("hyperhop", "memory", n)), per_trial.get(("hyperhop", "sqlite", n))
        if m and s:
            print(
                f"hyperhop SQLite / memory wall time at {n:,} trials: {s / m:.2f}x (target <= 2x)"
            )

    procs, each = 8, (150 if args.quick else 250)
    shared = run_case(f"shared:{procs}:{each}", args.timeout)
    if "seconds" in shared:
        rate = procs * each / shared["seconds"]
        print(
            f"{procs} processes on one SQLite file: {procs * each:,} trials in {shared['seconds']:.2f} s "
            f"= {rate:,.0f} trials/s together (target >= 1,000), no 'database is locked' error"
        )
    else:
        print(f"{procs} processes on one SQLite file: {shared.get('error')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
