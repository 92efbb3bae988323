"""How fast the dashboard answers on a large study, and how much memory its server holds.

Builds a study of N trials (default 100,000; random search, 6 parameters, a few
intermediate values each) in SQLite and, when the server is up, in PostgreSQL; starts
``hyperhop dashboard`` on it in a separate process; then requests every page and data
endpoint R times and prints, per storage and endpoint, the first (cold) answer, the
median and the 95th percentile of the others, the median answer just after a worker
finished a trial (what a live page sees: the view reads the change and its derived data
is stale), and the server's resident memory at the end. The PostgreSQL database is made
with ``synchronous_commit`` off, only so that building it takes minutes, not ten.

    .venv/bin/python benchmarks/dashboard.py                  # 100,000 trials, 20 requests
    .venv/bin/python benchmarks/dashboard.py --trials 20000 --repeat 10 --no-postgres

Targets (issue 21): every page under 1 s, server p95 under 200 ms per request, server under
500 MB.

Measured on the 2-core machine with nothing else running (2026-12-07; 100,000 trials,
20 requests each): every page and data endpoint has a p95 of 1.0-23 ms on SQLite and
1.1-38 ms on PostgreSQL; just after a change the charts' data takes 79-82 ms and every
other endpoint 0.8-14 ms; the CSV download of all 100,000 trials takes 0.47 s once per
change (0.55-0.76 s the first time; 12-14 ms when unchanged); the server holds 438 MB
(SQLite) and 445 MB (PostgreSQL). Before the column store (numpy columns updated in place, see
``hyperhop/dashboard/columns.py``) the first answer after a change took about 1.3 s for
the charts, the sort by value and the CSV.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from typing import Any

import numpy as np

import hyperhop as hh
from hyperhop.storage import get_storage

ENDPOINTS = [
    ("studies page", "/"),
    ("studies data", "/api/studies"),
    ("study page", "/study/{id}"),
    ("study summary", "/api/study/{id}/summary"),
    ("study updates (none)", "/api/study/{id}/updates?since={seq}"),
    ("study charts", "/api/study/{id}/series"),
    ("trials page", "/study/{id}/trials"),
    ("trials: by number", "/api/study/{id}/trials?page=3"),
    ("trials: by value", "/api/study/{id}/trials?sort=value"),
    ("trials: filtered", "/api/study/{id}/trials?state=COMPLETE&range=param:x0:0.2,0.4"),
    ("one trial", "/api/study/{id}/trial/{last}"),
    ("trials CSV", "/study/{id}/trials.csv"),
]


SPACE = {f"x{i}": hh.float(0, 1) for i in range(4)}
SPACE.update(opt=hh.choice("adam", "sgd", "rmsprop"), layers=hh.int(1, 8))


def build(url: str, n: int, seed: int = 0) -> None:
    """A study of ``n`` finished trials (one in ten pruned, three intermediate values
    each), written straight through the storage, two writes per trial (start, finish).
    One process writes fastest: several contend for the next trial number."""
    hh.Study(SPACE, storage=url, name="big", algo="random", seed=seed).storage.close()
    store = get_storage(url)
    info = store.get_study("big")
    space = hh.Space(SPACE)
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    for k in range(n):
        one(store, info.id, space, rng, "bench", pruned=k % 10 == 9)
    store.close()
    print(f"  {n} trials written ({n / (time.perf_counter() - t0):.0f}/s)", file=sys.stderr)


def one(store: Any, study_id: int, space: Any, rng: Any, owner: str, pruned: bool) -> None:
    """Write one trial as a worker would: start it, then finish it with its results."""
    a = space.sample_assignment(rng)
    t = store.create_trial(study_id, state=hh.TrialState.RUNNING, assignment=a, owner=owner)
    x = float(a["x0"])
    store.update_trial(
        t.id,
        expect_state=hh.TrialState.RUNNING,
        expect_owner=owner,
        state=hh.TrialState.PRUNED if pruned else hh.TrialState.COMPLETE,
        values=None if pruned else [x + float(rng.normal(0, 0.01))],
        intermediate={step: x + 1.0 / (step + 1) for step in range(3)},
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> float:
    t0 = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as r:
        r.read()
    return time.perf_counter() - t0


def measure(url: str, repeat: int) -> tuple[list[list[Any]], float]:
    import psutil

    port = _free_port()
    env = dict(os.environ)
    proc = subprocess.Popen(
        [sys.executable, "-m", "hyperhop.cli", "dashboard", "--storage", url, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _get(base + "/static/dashboard.css")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        store = get_storage(url)
        info = store.get_study("big")
        _, seq = store.get_trials(info.id)
        last = store.list_studies()[0].n_trials - 1
        space = hh.Space(SPACE)
        rng = np.random.default_rng(1)
        rows = []
        for name, path in ENDPOINTS:
            full = base + path.format(id=info.id, seq=seq, last=last)
            cold = _get(full)
            times = sorted(_get(full) for _ in range(repeat))
            p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
            changed = []  # a worker finishes a trial, then the page asks again
            for _ in range(max(3, repeat // 4)):
                one(store, info.id, space, rng, "bench-live", pruned=False)
                changed.append(_get(full))
            after = statistics.median(changed)
            rows.append([name, cold * 1e3, statistics.median(times) * 1e3, p95 * 1e3, after * 1e3])
        rss = psutil.Process(proc.pid).memory_info().rss / 2**20
        store.close()
        return rows, rss
    finally:
        proc.terminate()
        proc.wait(10)


def _pg_url() -> str | None:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            pass
    except OSError:
        return None
    import sqlalchemy

    name = f"hh_dash_{uuid.uuid4().hex[:8]}"
    admin = sqlalchemy.create_engine(
        "postgresql+psycopg://postgres@127.0.0.1/postgres", isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as c:
        c.execute(sqlalchemy.text(f"CREATE DATABASE {name}"))
        # only to build the study faster: a commit no longer waits for its WAL flush
        c.execute(sqlalchemy.text(f"ALTER DATABASE {name} SET synchronous_commit TO off"))
    admin.dispose()
    return f"postgresql://postgres@127.0.0.1/{name}"


def _drop_pg(url: str) -> None:
    import sqlalchemy

    name = url.rsplit("/", 1)[1]
    admin = sqlalchemy.create_engine(
        "postgresql+psycopg://postgres@127.0.0.1/postgres", isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as c:
        c.execute(sqlalchemy.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trials", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--no-postgres", action="store_true")
    args = ap.parse_args()
    cases = []
    with tempfile.TemporaryDirectory() as tmp:
        cases.append(("sqlite", f"sqlite:///{tmp}/big.db"))
        pg = None if args.no_postgres else _pg_url()
        if pg:
            cases.append(("postgres", pg))
        try:
            for label, url in cases:
                print(f"building {args.trials} trials in {label} ...", file=sys.stderr, flush=True)
                build(url, args.trials)
                rows, rss = measure(url, args.repeat)
                print(f"\n{label}: {args.trials} trials, {args.repeat} requests per endpoint")
                print(
                    f"{'endpoint':24s} {'cold ms':>9s} {'median ms':>10s} {'p95 ms':>8s}"
                    f" {'after a change ms':>18s}"
                )
                for name, cold, med, p95, after in rows:
                    print(f"{name:24s} {cold:9.1f} {med:10.1f} {p95:8.1f} {after:18.1f}")
                print(f"server memory (RSS): {rss:.0f} MB")
        finally:
            if pg:
                _drop_pg(pg)


if __name__ == "__main__":
    main()
