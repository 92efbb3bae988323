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


def run_hyperhop(kind: str, n: int, tmp: str) -> tuple[float, float]:
    import hyperhop as hh

    space = {f"x{i}": hh.float(-5, 5) for i in range(SPACE_DIM)}
    storage, cleanup = _storage(kind, tmp, "hyperhop")
    try:
        study = hh.Study(space, storage=storage, name="bench", algo="random", seed=0)
        t0, c0 = time.perf_counter(), time.process_time()
        study.optimize(lambda c: c["x0"], n_trials=n, progress=False)
        elapsed = time.perf_counter() - t0, time.process_time() - c0
        assert len(study.trials) == n
        study.storage.close()
        return elapsed
    finally:
        if cleanup:
            cleanup()


def run_optuna(kind: str, n: int, tmp: str) -> tuple[float, float]:
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

        t0, c0 = time.perf_counter(), time.process_time()
        study.optimize(objective, n_trials=n)
        return time.perf_counter() - t0, time.process_time() - c0
    finally:
        if cleanup:
            cleanup()


def run_sqlite_floor(n: int, tmp: str) -> tuple[float, float]:
    """The floor under any durable SQLite storage: plain ``sqlite3`` (WAL, synchronous
    NORMAL, as hyperhop) doing only the two transactions a trial needs, one that creates it
    RUNNING and one that completes it, on hyperhop's own schema; no Python layer on top."""
    import sqlite3

    import hyperhop as hh

    path = os.path.join(tmp, "floor.db")
    hh.Study({"x": hh.float(0, 1)}, storage=f"sqlite:///{path}", name="s").storage.close()
    c = sqlite3.connect(path, isolation_level=None)
    c.execute("PRAGMA journal_mode = WAL")
    c.execute("PRAGMA synchronous = NORMAL")
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(n):
        c.execute("BEGIN IMMEDIATE")
        seq, count = c.execute(
            "UPDATE hyperhop_studies SET seq = seq + 1, n_trials = n_trials + 1 WHERE id = 1 "
            "RETURNING seq, n_trials"
        ).fetchone()
        tid = c.execute(
            "INSERT INTO hyperhop_trials (study_id, number, state, params, intermediate, "
            "user_attrs, system_attrs, owner, heartbeat, datetime_start, seq) VALUES "
            "(1, ?, 'RUNNING', ?, '{}', '{}', '{}', 'me', ?, ?, ?) RETURNING id",
            (count - 1, json.dumps({"x": 0.5}), time.time(), time.time(), seq),
        ).fetchone()[0]
        c.execute("COMMIT")
        c.execute("BEGIN IMMEDIATE")
        (seq,) = c.execute(
            "UPDATE hyperhop_studies SET seq = seq + 1 WHERE id = 1 RETURNING seq"
        ).fetchone()
        c.execute(
            "UPDATE hyperhop_trials SET state = 'COMPLETE', vals = '[0.5]', "
            "datetime_complete = ?, seq = ? WHERE id = ? AND state = 'RUNNING'",
            (time.time(), seq, tid),
        )
        c.execute("COMMIT")
    elapsed = time.perf_counter() - t0, time.process_time() - c0
    c.close()
    return elapsed


def _shared_worker(url: str, n: int, flags: str) -> None:
    import hyperhop as hh

    space = {f"x{i}": hh.float(-5, 5) for i in range(SPACE_DIM)}
    study = hh.Study(space, storage=url, name="shared", algo="random")
    open(os.path.join(flags, f"ready-{os.getpid()}"), "w").close()
    while not os.path.exists(os.path.join(flags, "go")):
        time.sleep(0.001)
    study.optimize(lambda c: c["x0"], n_trials=n, n_trials_mode="increment", progress=False)
    with open(os.path.join(flags, f"done-{os.getpid()}"), "w") as f:
        f.write(repr(time.time()))


def run_shared_sqlite(procs: int, n: int, tmp: str) -> float:
    """Wall time for ``procs`` processes doing ``n`` trials each on one SQLite file, from
    the moment all of them are ready to the end of the last one's ``optimize`` (imports,
    start-up and interpreter exit are not counted)."""
    import hyperhop as hh

    url = f"sqlite:///{os.path.join(tmp, 'shared.db')}"
    hh.Study(
        {f"x{i}": hh.float(-5, 5) for i in range(SPACE_DIM)}, storage=url, name="shared"
    ).storage.close()
    flags = os.path.join(tmp, "flags")
    os.mkdir(flags)
    here = os.path.dirname(os.path.abspath(__file__))
    code = (
        f"import sys; sys.path.insert(0, {here!r}); from overhead import _shared_worker; "
        f"_shared_worker({url!r}, {n}, {flags!r})"
    )
    ps = [
        subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True)
        for _ in range(procs)
    ]
    while len(os.listdir(flags)) < procs and all(p.poll() is None for p in ps):  # all ready
        time.sleep(0.01)
    start = time.time()
    open(os.path.join(flags, "go"), "w").close()
    errors = []
    for p in ps:
        _, err = p.communicate(timeout=600)
        if p.returncode:
            errors.append(err.strip().splitlines()[-1] if err.strip() else f"exit {p.returncode}")
        elif "database is locked" in err:
            errors.append("'database is locked' reached the user")
    if errors:
        raise RuntimeError("; ".join(errors))
    # the last trial's end, as each worker saw it (process exit is not the storage's cost)
    finished = max(
        float(open(os.path.join(flags, f)).read()) for f in os.listdir(flags) if f[:5] == "done-"
    )
    study = hh.load_study(url, "shared")
    total = sum(t.state is hh.TrialState.COMPLETE for t in study.trials)
    assert total == procs * n, (total, procs * n)
    return finished - start


def one_case(case: str) -> dict[str, Any]:
    lib, kind, n_text = case.split(":")
    n = int(n_text)
    with tempfile.TemporaryDirectory() as tmp:
        if lib == "shared":
            procs = int(kind)
            return {"case": case, "seconds": run_shared_sqlite(procs, n, tmp)}
        if lib == "floor":
            wall, cpu = run_sqlite_floor(n, tmp)
            return {"case": case, "seconds": wall, "cpu": cpu}
        fn = run_hyperhop if lib == "hyperhop" else run_optuna
        wall, cpu = fn(kind, n, tmp)
        return {"case": case, "seconds": wall, "cpu": cpu}


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
        "--repeats", type=int, default=5, help="runs per case at the smaller size (median)"
    )
    p.add_argument("--timeout", type=float, default=900)
    args = p.parse_args()
    if args.case:
        print(json.dumps(one_case(args.case)))
        return 0

    sizes = (300, 1000) if args.quick else (1000, 10000)
    kinds = ["memory", "sqlite"] + (["postgres"] if _pg_up() and have("psycopg") else [])
    libs = ["hyperhop"] + (["optuna"] if have("optuna") else [])
    rows = []
    wall: dict[tuple[str, str, int], float] = {}
    cpu: dict[tuple[str, str, int], float] = {}
    for kind in kinds:
        for n in sizes:
            reps = args.repeats if n == sizes[0] else 1
            runs: dict[str, list[dict[str, Any]]] = {lib: [] for lib in libs}
            for _ in range(reps):  # interleaved, so a change in the machine's load hits both
                for lib in libs:
                    runs[lib].append(run_case(f"{lib}:{kind}:{n}", args.timeout))
            row = [kind, f"{n:,}"]
            for lib in ("hyperhop", "optuna"):
                ok = [r for r in runs.get(lib, []) if "seconds" in r]
                if lib not in runs:
                    row += ["not installed", "-"]
                    continue
                if not ok:
                    row += [runs[lib][0].get("error", "failed"), "-"]
                    continue
                wall[(lib, kind, n)] = statistics.median(r["seconds"] for r in ok) / n * 1000
                cpu[(lib, kind, n)] = statistics.median(r["cpu"] for r in ok) / n * 1000
                row += [f"{wall[(lib, kind, n)]:.3f}", f"{cpu[(lib, kind, n)]:.3f}"]
            for table in (wall, cpu):
                h, o = table.get(("hyperhop", kind, n)), table.get(("optuna", kind, n))
                row.append(f"{o / h:.1f}x" if h and o else "-")
            rows.append(row)
            print("  " + "  ".join(row), file=sys.stderr, flush=True)

    print(
        f"\nOverhead per trial, ms (random search, {SPACE_DIM} floats, trivial objective; median "
        f"of {args.repeats} interleaved runs at {sizes[0]:,}, 1 run at {sizes[1]:,}). CPU is "
        "the driver process's own (a database server's work is not in it), the steadier "
        "figure on a busy machine."
    )
    header = ["storage", "trials", "hyperhop wall", "cpu", "optuna wall", "cpu"]
    header += ["optuna/hyperhop wall", "cpu"]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)))
    print("target: optuna/hyperhop >= 5x on every storage")

    for n in sizes:
        m, q = wall.get(("hyperhop", "memory", n)), wall.get(("hyperhop", "sqlite", n))
        mc, qc = cpu.get(("hyperhop", "memory", n)), cpu.get(("hyperhop", "sqlite", n))
        if m and q and mc and qc:
            print(
                f"hyperhop SQLite / memory at {n:,} trials: wall {q / m:.2f}x, cpu {qc / mc:.2f}x "
                "(target <= 2x)"
            )

    floor = [run_case(f"floor:sqlite:{sizes[0]}", args.timeout) for _ in range(args.repeats)]
    ok = [r for r in floor if "seconds" in r]
    m, mc = wall.get(("hyperhop", "memory", sizes[0])), cpu.get(("hyperhop", "memory", sizes[0]))
    if ok and m and mc:
        fw = statistics.median(r["seconds"] for r in ok) / sizes[0] * 1000
        fc = statistics.median(r["cpu"] for r in ok) / sizes[0] * 1000
        print(
            f"floor: plain sqlite3 doing only a trial's 2 transactions: {fw:.3f} ms wall, "
            f"{fc:.3f} ms cpu per trial = {fw / m:.2f}x / {fc / mc:.2f}x hyperhop's whole "
            "memory loop"
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
