from __future__ import annotations

import multiprocessing as mp
import os
import random
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hyperhop.exceptions import CorruptStateError, IncompatibleFormatError, StorageError
from hyperhop.storage import get_storage
from hyperhop.storage import sqlite as sqlite_mod
from hyperhop.storage.base import SCHEMA_VERSION, Storage
from hyperhop.storage.sqlite import SQLiteStorage, filesystem_of, parse_url
from hyperhop.trial import TrialError, TrialState
from tests.storage.conformance import StorageConformance

RUN, DONE = TrialState.RUNNING, TrialState.COMPLETE


class TestSQLiteStorage(StorageConformance):
    persistent = True

    @pytest.fixture
    def url(self, tmp_path: Path) -> str:
        return f"sqlite:///{tmp_path / 'study.db'}"

    @pytest.fixture
    def storage(self, url: str) -> Iterator[Storage]:
        s = SQLiteStorage(url)
        yield s
        s.close()

    @pytest.fixture
    def reopen(self, url: str) -> Callable[[], Storage]:
        return lambda: SQLiteStorage(url)


# ---------------------------------------------------------------- N processes, one study


def race_worker(url: str, name: str, n: int, barrier: object, errors: object) -> None:
    """One of N processes: create (or load) the same new study, then n create/complete
    cycles. Shared with the server tests (spawned children import it by name)."""
    try:
        storage = get_storage(url)
        barrier.wait(timeout=60)  # type: ignore[attr-defined]
        info, _ = storage.create_study(name, ["min"], load_if_exists=True)
        owner = f"worker-{os.getpid()}"
        for i in range(n):
            t = storage.create_trial(info.id, state=RUN, assignment={"i": i}, owner=owner)
            storage.update_trial(
                t.id, expect_state=RUN, expect_owner=owner, state=DONE, values=[float(i)]
            )
        storage.close()
    except BaseException as e:
        errors.put(f"{type(e).__name__}: {e}")  # type: ignore[attr-defined]
        raise


def run_race(url: str, name: str, processes: int = 8, n: int = 50) -> None:
    """Start the processes behind a barrier and check: one study, every trial, no error."""
    ctx = mp.get_context("spawn")
    barrier, errors = ctx.Barrier(processes), ctx.Queue()
    procs = [
        ctx.Process(target=race_worker, args=(url, name, n, barrier, errors))
        for _ in range(processes)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    reported = []
    while not errors.empty():
        reported.append(errors.get())
    assert not reported, reported
    assert [p.exitcode for p in procs] == [0] * processes
    storage = get_storage(url)
    try:
        studies = [s for s in storage.list_studies() if s.info.name == name]
        assert len(studies) == 1
        trials, _ = storage.get_trials(studies[0].info.id)
        assert [t.number for t in trials] == list(range(processes * n))
        assert all(t.state is DONE and t.values is not None for t in trials)
        assert len({t.id for t in trials}) == processes * n
    finally:
        storage.close()


def test_eight_processes_race_on_one_new_study(tmp_path: Path) -> None:
    run_race(f"sqlite:///{tmp_path / 'race.db'}", "the same new study")


def _use_after_fork(storage: Storage, study_id: int) -> None:
    t = storage.create_trial(study_id, state=RUN, assignment={"child": True}, owner="child")
    storage.update_trial(t.id, expect_state=RUN, state=DONE, values=[1.0])


def check_fork(storage: Storage) -> None:
    """A storage object used before a fork works in the child and, after it, in the parent.
    Shared with the server tests."""
    info, _ = storage.create_study("forked", ["min"])
    storage.create_trial(info.id, state=RUN, assignment={}, owner="parent")
    child = mp.get_context("fork").Process(target=_use_after_fork, args=(storage, info.id))
    child.start()
    child.join(timeout=60)
    assert child.exitcode == 0
    storage.create_trial(info.id, state=RUN, assignment={}, owner="parent")
    trials, _ = storage.get_trials(info.id)
    assert [t.owner for t in trials] == ["parent", "child", "parent"]
    assert trials[1].state is DONE


def test_storage_survives_fork(tmp_path: Path) -> None:
    with SQLiteStorage(f"sqlite:///{tmp_path / 'f.db'}") as storage:
        check_fork(storage)


# ---------------------------------------------------------------- kill inside a write


def _chaos_child(url: str, ready: int) -> None:
    """Write trials as fast as possible until killed (runs in a forked child)."""
    storage = SQLiteStorage(url)
    info, _ = storage.create_study("chaos", ["min"])
    os.write(ready, b"x")
    i = 0
    while True:
        t = storage.create_trial(
            info.id, state=RUN, assignment={"i": i, "pad": "p" * 2000}, owner="c"
        )
        if i % 3 == 2:
            storage.update_trial(
                t.id,
                expect_state=RUN,
                state=TrialState.FAILED,
                error=TrialError("exception", "boom", "ValueError", "tb" * 500),
            )
        else:
            storage.update_trial(
                t.id, expect_state=RUN, state=DONE, values=[float(i)], user_attrs={"k": i}
            )
            storage.set_attachment(t.id, "blob", os.urandom(4096))
        i += 1


@pytest.mark.chaos
def test_sigkill_inside_writes_never_leaves_half_a_trial(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'chaos.db'}"
    path = parse_url(url)[0]
    rng = random.Random(1234)
    ctx = mp.get_context("fork")
    for _ in range(30):
        r, w = os.pipe()
        child = ctx.Process(target=_chaos_child, args=(url, w))
        child.start()
        os.close(w)
        assert os.read(r, 1) == b"x"
        os.close(r)
        time.sleep(rng.uniform(0.0, 0.05))
        assert child.pid is not None
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        assert child.exitcode == -signal.SIGKILL
        conn = sqlite3.connect(path)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        finally:
            conn.close()
        storage = SQLiteStorage(url)
        try:
            trials, _ = storage.get_trials(storage.get_study("chaos").id)
            assert [t.number for t in trials] == list(range(len(trials)))
            for t in trials:
                if t.state is DONE:
                    assert t.values == (float(t.assignment["i"]),) and t.user_attrs == {
                        "k": t.assignment["i"]
                    }
                elif t.state is TrialState.FAILED:
                    assert t.error is not None and t.error.reason == "exception"
                else:
                    assert t.state is RUN and t.values is None and t.error is None
        finally:
            storage.close()
    assert len(trials) > 30  # the children did write between the kills


# ---------------------------------------------------------------- format version, URL, errors


def test_newer_schema_version_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'v.db'}"
    SQLiteStorage(url).close()
    conn = sqlite3.connect(parse_url(url)[0])
    with conn:
        conn.execute("UPDATE hyperhop_meta SET value = '99' WHERE name = 'schema_version'")
    conn.close()
    with pytest.raises(IncompatibleFormatError) as e:
        SQLiteStorage(url)
    assert "99" in str(e.value) and str(SCHEMA_VERSION) in str(e.value)
    conn = sqlite3.connect(parse_url(url)[0])
    with conn:
        conn.execute("UPDATE hyperhop_meta SET value = 'v2-beta' WHERE name = 'schema_version'")
    conn.close()
    with pytest.raises(IncompatibleFormatError, match="v2-beta"):
        SQLiteStorage(url)


def test_damaged_json_column_is_a_corrupt_state_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    with SQLiteStorage(url) as s:
        sid = s.create_study("s", ["min"])[0].id
        tid = s.create_trial(sid, state=RUN, assignment={"x": 1}, owner="o").id
    conn = sqlite3.connect(parse_url(url)[0])
    with conn:
        conn.execute("UPDATE hyperhop_trials SET user_attrs = ? WHERE id = ?", (b"\x80\x04K.", tid))
    conn.close()
    with SQLiteStorage(url) as s, pytest.raises(CorruptStateError, match="user_attrs") as e:
        s.get_trial(tid)
    assert "c.db" in str(e.value) and f"row id {tid}" in str(e.value)


def test_url_forms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert parse_url("sqlite:///rel/x.db") == ("rel/x.db", {})
    assert parse_url("sqlite:////abs/x.db?timeout=5") == ("/abs/x.db", {"timeout": "5"})
    for bad in ("sqlite://x.db", "sqlite:///", "postgresql:///x"):
        with pytest.raises(ValueError):
            parse_url(bad)
    monkeypatch.chdir(tmp_path)
    s = get_storage("sqlite:///relative.db")
    s.create_study("s", ["min"])
    s.close()
    assert (tmp_path / "relative.db").exists()
    with get_storage("relative.db") as again:  # a bare path works too
        assert again.get_study("s").name == "s"
    with get_storage("sqlite:///:memory:") as mem:
        assert mem.create_study("m", ["min"])[1]


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="does not exist"):
        SQLiteStorage(f"sqlite:///{tmp_path / 'nope' / 'x.db'}")
    assert not (tmp_path / "nope").exists()


def test_not_a_database_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StorageError, match="junk.db"):
        SQLiteStorage(f"sqlite:///{path}")


def test_wal_mode_and_lock_wait(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    storage = SQLiteStorage(url)
    info, _ = storage.create_study("s", ["min"])
    conn = sqlite3.connect(parse_url(url)[0], isolation_level=None, check_same_thread=False)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    conn.execute("BEGIN IMMEDIATE")  # another writer holds the lock for a while
    timer = threading.Timer(0.3, lambda: conn.execute("COMMIT"))
    timer.start()
    t = storage.create_trial(info.id, state=RUN, assignment={}, owner="o")  # waits, then succeeds
    timer.join()
    assert t.number == 0
    conn.close()
    storage.close()


def test_lock_held_too_long_is_an_error_not_a_hang(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    storage = SQLiteStorage(url, timeout=0.3)
    info, _ = storage.create_study("s", ["min"])
    conn = sqlite3.connect(parse_url(url)[0], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    start = time.monotonic()
    with pytest.raises(StorageError, match="locked"):
        storage.create_trial(info.id, state=RUN, assignment={}, owner="o")
    assert time.monotonic() - start < 3
    conn.execute("ROLLBACK")
    conn.close()
    assert storage.get_trials(info.id)[0] == []
    storage.close()


# ---------------------------------------------------------------- network file systems

MOUNTS = """\
/dev/vda / ext4 rw,relatime 0 0
server:/export {point} nfs4 rw,relatime,vers=4.2 0 0
tmpfs /dev/shm tmpfs rw 0 0
"""


def test_nfs_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    share = tmp_path / "share"
    share.mkdir()
    mounts = MOUNTS.format(point=os.path.realpath(share))
    monkeypatch.setattr(sqlite_mod, "read_mounts", lambda: mounts)
    with pytest.raises(StorageError, match="network file system.*nfs4"):
        SQLiteStorage(f"sqlite:///{share / 'x.db'}")
    assert not (share / "x.db").exists()
    SQLiteStorage(f"sqlite:///{tmp_path / 'local.db'}").close()  # beside it: local disk


def test_filesystem_of_takes_the_longest_mount() -> None:
    mounts = "/dev/a / ext4 rw 0 0\nsrv:/x /mnt/my\\040share nfs rw 0 0\n/dev/b /mnt ext4 rw 0 0\n"
    assert filesystem_of("/mnt/my share/deep", mounts) == ("nfs", "/mnt/my share")
    assert filesystem_of("/mnt/other", mounts) == ("ext4", "/mnt")
    assert filesystem_of("/mnt/my shared", mounts) == ("ext4", "/mnt")
    assert filesystem_of("/home", mounts) == ("ext4", "/")
    assert filesystem_of("/home", "") is None


# ---------------------------------------------------------------- someone else's database


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("journal_mode", ["delete", "wal"])
def test_a_foreign_database_is_refused_and_left_unchanged(
    tmp_path: Path, journal_mode: str
) -> None:
    """Issue 18 item 4: ``storage="app.db"`` on an application's database used to switch
    it to WAL and add hyperhop's tables and a lock file beside it. A non-empty SQLite file
    with tables but no hyperhop schema is refused, byte for byte unchanged, no file added."""
    import hyperhop as hh

    app = tmp_path / "app.db"
    con = sqlite3.connect(app)
    con.execute(f"PRAGMA journal_mode = {journal_mode}")
    con.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    con.executemany("INSERT INTO users (name) VALUES (?)", [("ada",), ("alan",)])
    con.commit()
    con.close()
    before = _snapshot(tmp_path)
    for target in (f"sqlite:///{app}", str(app)):
        with pytest.raises(StorageError, match=r"another application's tables \('users'\)"):
            get_storage(target)
        with pytest.raises(StorageError, match="leaves it unchanged"):
            hh.Study({"x": hh.float(0, 1)}, storage=target)
        assert _snapshot(tmp_path) == before


def test_an_empty_file_and_a_hyperhop_database_still_open(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    get_storage(f"sqlite:///{empty}").close()
    with get_storage(f"sqlite:///{empty}") as again:  # now hyperhop's: it opens again
        assert again.list_studies() == []
