"""B. Concurrency and load: RELIABILITY scenarios 7, 8, 9 and 10 (and issue 3's 8-process check)."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import hyperhop as hh
from hyperhop.exceptions import NoCompletedTrialsError
from hyperhop.trial import Trial, TrialState
from tests.reliability_tests._backends import ALL, Backend, on
from tests.reliability_tests._harness import (
    FileBarrier,
    check_invariants,
    count,
    fingerprint,
    spawn_worker,
)
from tests.reliability_tests._objectives import SPACE, value_of

N_PROCS = 8
PER_PROC = 50

TRIAL_COUNTS = {
    "sqlite": "SELECT COUNT(*), COUNT(DISTINCT number) FROM hyperhop_trials WHERE study_id = ?",
    "postgres": "SELECT COUNT(*), COUNT(DISTINCT number) FROM hyperhop_trials WHERE study_id = %s",
    "mysql": "SELECT COUNT(*), COUNT(DISTINCT number) FROM hyperhop_trials WHERE study_id = %s",
}
ORPHANS = (
    "SELECT COUNT(*) FROM hyperhop_trials t LEFT JOIN hyperhop_studies s ON s.id = t.study_id "
    "WHERE s.id IS NULL",
    "SELECT COUNT(*) FROM hyperhop_attachments a LEFT JOIN hyperhop_trials t ON t.id = a.trial_id "
    "WHERE t.id IS NULL",
)


def _run_together(
    backend: Backend,
    tmp_path: Path,
    n: int,
    *args: Any,
    loops: tuple[str, ...] = ("optimize",),
    **opts: Any,
) -> None:
    """Start ``n`` workers behind one barrier (worker i uses ``loops[i % len(loops)]``);
    each must exit 0 with no lock error shown."""
    assert backend.url is not None
    barrier = FileBarrier(tmp_path / "barrier", n)
    workers = [
        spawn_worker(
            backend.url,
            *args,
            barrier=barrier.folder,
            dir=tmp_path,
            loop=loops[i % len(loops)],
            **opts,
        )
        for i in range(n)
    ]
    barrier.release(60)
    for w in workers:
        rc = w.wait(120)
        assert rc == 0, w.describe()
        assert "database is locked" not in w.stderr + w.stdout, w.describe()


# --------------------------------------------------------------------------- scenarios 7, 8


@pytest.mark.slow
@pytest.mark.timeout(180)
@pytest.mark.parametrize("backend", on("sqlite", "postgres"), indirect=True)
def test_eight_processes_race_on_a_new_study(backend: Backend, tmp_path: Path) -> None:
    """Scenarios 7 (SQLite) and 8 (PostgreSQL), and issue 3's concurrency check: 8 processes
    released together each open the same *new* study with ``load_if_exists=True`` and run 50
    more trials (half through ``optimize(n_trials_mode='increment')``, half as their own 50
    ask/tell cycles): one study, 400 COMPLETE numbered 0..399, every process exits 0, no
    'database is locked' surfaces."""
    name = "race-new-name"
    _run_together(
        backend,
        tmp_path,
        N_PROCS,
        name,
        PER_PROC,
        "tiny",
        mode="increment",
        loops=("optimize", "asktell"),
    )
    store = backend.open()
    assert [s.info.name for s in store.list_studies()] == [name]
    trials = check_invariants(store, name)
    assert len(trials) == N_PROCS * PER_PROC
    assert count(trials, TrialState.COMPLETE) == N_PROCS * PER_PROC
    assert len({t.owner for t in trials}) == N_PROCS
    if backend.name in TRIAL_COUNTS:
        sid = store.get_study(name).id
        [(total, distinct)] = backend.sql(TRIAL_COUNTS[backend.name], (sid,))
        assert total == distinct == N_PROCS * PER_PROC
        for statement in ORPHANS:
            assert backend.sql(statement) == [(0,)], statement


@pytest.mark.slow
@pytest.mark.timeout(180)
@pytest.mark.parametrize("backend", on("sqlite", "journal", "postgres", "mysql"), indirect=True)
def test_workers_sharing_a_total_budget_run_it_exactly(backend: Backend, tmp_path: Path) -> None:
    """Issue 18 item 7: 8 processes released together each run ``optimize(n_trials=100)``
    on one study: exactly 100 trials, not 100-104 (each trial takes its place of the
    budget in the transaction that starts it)."""
    _run_together(backend, tmp_path, N_PROCS, "budget", 100, "tiny", mode="total")
    store = backend.open()
    trials = check_invariants(store, "budget")
    assert len(trials) == count(trials, TrialState.COMPLETE) == 100
    assert len({t.owner for t in trials}) > 1, "the workers did not share the study"


@pytest.mark.slow
@pytest.mark.timeout(180)
@pytest.mark.parametrize("backend", on("sqlite"), indirect=True)
def test_workers_given_one_seed_propose_different_configs(backend: Backend, tmp_path: Path) -> None:
    """Four processes seeded alike on one study: once each sees another's running trial it
    draws from its own streams, so at most the first round (before they see each other)
    can repeat a configuration. Without it they ask in lockstep and repeat most of them."""
    _run_together(backend, tmp_path, 4, "one-seed", 15, "sleep10ms", mode="increment", seed=0)
    trials = check_invariants(backend.open(), "one-seed")
    assert len(trials) == 60
    distinct = {json.dumps(t.assignment, sort_keys=True) for t in trials}
    assert len(distinct) >= len(trials) - 3, f"{len(trials) - len(distinct)} repeated configs"


# --------------------------------------------------------------------------- scenario 9


def _configs(n: int) -> list[dict[str, Any]]:
    return [{"x": -4.95 + 0.1 * i, "y": i % 11, "c": "abc"[i % 3]} for i in range(n)]


def _key(cfg: dict[str, Any]) -> tuple[float, int, str]:
    return (round(float(cfg["x"]), 9), int(cfg["y"]), str(cfg["c"]))


def _param_key(t: Trial) -> tuple[float, int, str]:
    """``_key`` of a stored trial (its flat params hold the choice's index)."""
    p = t.assignment
    return (round(float(p["x"]), 9), int(p["y"]), "abc"[int(p["c"])])


def _check_enqueued(trials: list[Trial], configs: list[dict[str, Any]], evals: Counter) -> None:
    wanted = {_key(c) for c in configs}
    assert len(wanted) == len(configs)
    keyed = [t for t in trials if t.enqueue_key is not None]
    assert len(keyed) == len(configs)
    assert len({t.enqueue_key for t in keyed}) == len(configs)
    assert all(t.state is TrialState.COMPLETE for t in keyed), [
        t for t in keyed if t.state is not TrialState.COMPLETE
    ]
    assert {_param_key(t) for t in keyed} == wanted
    twice = {k: n for k, n in evals.items() if k in wanted and n != 1}
    assert twice == {}, f"enqueued configs evaluated more than once: {twice}"
    assert wanted <= set(evals), f"never evaluated: {wanted - set(evals)}"


@pytest.mark.slow
@pytest.mark.timeout(180)
@pytest.mark.parametrize("backend", on("sqlite", "journal", "postgres", "mysql"), indirect=True)
def test_enqueued_configs_run_exactly_once_across_processes(
    backend: Backend, tmp_path: Path
) -> None:
    """Scenario 9: 100 distinct configurations enqueued, then 8 worker processes claim
    them: each is evaluated exactly once (counted by enqueue key in storage, and by the
    objective's own log of evaluations), none is lost."""
    name = "enqueued"
    configs = _configs(100)
    study = hh.Study(SPACE, storage=backend.target, name=name, seed=0, algo="random")
    for cfg in configs:
        study.enqueue(cfg)
    _run_together(backend, tmp_path, N_PROCS, name, len(configs), "record")
    evals: Counter = Counter()
    for log in tmp_path.glob("evals-*.jsonl"):
        for line in log.read_text(encoding="utf-8").splitlines():
            evals[_key(json.loads(line))] += 1
    trials = check_invariants(backend.open(), name)
    _check_enqueued(trials, configs, evals)


def test_enqueued_configs_run_exactly_once_across_threads() -> None:
    """Scenario 9 on memory: 8 threads of one process share the queue."""
    configs = _configs(100)
    study = hh.Study(SPACE, name="enqueued-threads", seed=0, algo="random")
    for cfg in configs:
        study.enqueue(cfg)
    evals: Counter = Counter()
    lock = threading.Lock()

    def objective(cfg: dict[str, Any]) -> float:
        with lock:
            evals[_key(cfg)] += 1
        time.sleep(0.001)
        return value_of(cfg)

    study.optimize(objective, n_trials=len(configs), n_jobs=8, progress=False)
    trials = check_invariants(study.storage, study.name, space=SPACE)
    _check_enqueued(trials, configs, evals)


# --------------------------------------------------------------------------- scenario 10


@pytest.mark.timeout(120)
@pytest.mark.parametrize("backend", on(*ALL), indirect=True)
def test_sixteen_threads_and_a_reader(backend: Backend) -> None:
    """Scenario 10: ``n_jobs=16`` threads write trials, attributes and study attributes
    while a reader thread iterates ``study.trials`` and the attrs: no exception in any
    thread, and no object the reader holds ever changes under it."""
    n_trials = 96
    study = hh.Study(SPACE, storage=backend.target, name="threads", seed=1, algo="random")
    errors: list[BaseException] = []
    held: list[tuple[Any, str]] = []
    done = threading.Event()

    def objective(cfg: dict[str, Any], trial: Trial) -> dict[str, Any]:
        time.sleep(0.001)
        return {"loss": value_of(cfg), "tag": trial.number, "seen": [cfg["y"], cfg["c"]]}

    def callback(s: hh.Study, t: Trial) -> None:
        s.storage.set_study_attr(s.id, f"last{t.number % 4}", t.number)

    def reader() -> None:
        try:
            while not done.is_set():
                trials = study.trials
                for t in trials:
                    _ = (t.assignment, t.user_attrs, t.values, t.state, t.error)
                    if t.state.is_finished and len(held) < 2000:
                        held.append((t, fingerprint(t)))
                    if t.state is TrialState.COMPLETE:
                        assert t.user_attrs["tag"] == t.number
                        assert t.config["c"] in ("a", "b", "c")
                attrs = study.storage.get_study_by_id(study.id).attrs
                for key, value in attrs.items():
                    assert key.startswith("last") and isinstance(value, int)
                held.append((attrs, json.dumps(attrs, sort_keys=True)))
                try:
                    _ = study.best.value
                except NoCompletedTrialsError:
                    pass
        except BaseException as e:  # noqa: BLE001 - reported by the main thread
            errors.append(e)

    r = threading.Thread(target=reader, name="reader", daemon=True)
    r.start()
    try:
        study.optimize(
            objective, n_trials=n_trials, n_jobs=16, callbacks=[callback], progress=False
        )
    finally:
        done.set()
        r.join(30)
    assert not r.is_alive(), "the reader thread hangs"
    assert errors == [], errors
    for obj, fp in held:
        now = json.dumps(obj, sort_keys=True) if isinstance(obj, dict) else fingerprint(obj)
        assert now == fp, f"an object the reader held changed: {obj!r}"
    trials = check_invariants(backend.open(), study.name, space=SPACE)
    assert count(trials, TrialState.COMPLETE) == n_trials
