"""The journal storage: conformance, file format, damage, concurrency, crashes, disk full."""

from __future__ import annotations

import errno
import json
import logging
import multiprocessing
import os
import pickle
import random
import signal
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hyperhop.exceptions import (
    CorruptStateError,
    IncompatibleFormatError,
    StorageError,
    StorageFullError,
)
from hyperhop.storage import get_storage
from hyperhop.storage import journal as journal_module
from hyperhop.storage.base import Storage
from hyperhop.storage.journal import JournalStorage
from hyperhop.trial import TrialError, TrialState
from tests.storage.conformance import StorageConformance

RUN = TrialState.RUNNING
COMPLETE = TrialState.COMPLETE
OWNER = "host:1:abc"
REPO = Path(__file__).resolve().parents[2]
LOGGER = "hyperhop.storage.journal"


class TestJournalStorage(StorageConformance):
    persistent = True

    @pytest.fixture
    def path(self, tmp_path: Path) -> Path:
        return tmp_path / "journal.jsonl"

    @pytest.fixture
    def storage(self, path: Path) -> Iterator[Storage]:
        s = JournalStorage(f"journal:///{path}")
        yield s
        s.close()

    @pytest.fixture
    def reopen(self, path: Path) -> Callable[[], Storage]:
        return lambda: JournalStorage(f"journal:///{path}")


# ---------------------------------------------------------------- helpers
def _line(text: str | bytes) -> bytes:
    """A journal line written independently of the implementation."""
    body = text.encode() if isinstance(text, str) else text
    return b"%08x %s\n" % (zlib.crc32(body), body)


HEADER = _line('{"format":"hyperhop-journal","version":1,"created":0}')


def _fill(path: Path, n: int = 5) -> None:
    """A journal with one study and ``n`` COMPLETE trials; the last line completes trial n-1."""
    with JournalStorage(path) as s:
        sid = s.create_study("s", ["min"])[0].id
        for i in range(n):
            t = s.create_trial(sid, state=RUN, assignment={"i": i}, owner=OWNER)
            s.update_trial(t.id, expect_state=RUN, state=COMPLETE, values=[float(i)])


def _line_starts(data: bytes) -> list[int]:
    return [0] + [i + 1 for i, b in enumerate(data[:-1]) if b == 0x0A]


def _states(path: Path) -> list[TrialState]:
    with JournalStorage(path) as s:
        return [t.state for t in s.get_trials(s.get_study("s").id)[0]]


def _warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == LOGGER and r.levelno == logging.WARNING]


# ---------------------------------------------------------------- URLs and format
def test_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    rel = get_storage("journal:///rel.jsonl")
    assert isinstance(rel, JournalStorage) and rel.path == "rel.jsonl"
    assert (tmp_path / "rel.jsonl").exists()
    absolute = JournalStorage(f"journal:///{tmp_path}/abs.jsonl?fsync=1")
    assert absolute.path == f"{tmp_path}/abs.jsonl" and absolute._fsync
    bare = get_storage(str(tmp_path / "bare.jsonl"))
    assert isinstance(bare, JournalStorage) and (tmp_path / "bare.jsonl").exists()
    for s in (rel, absolute, bare):
        s.close()
    for bad in ("journal://", "journal:///x.jsonl?fsync=maybe", "journal:///x.jsonl?sync=1"):
        with pytest.raises(ValueError):
            JournalStorage(bad)
    with pytest.raises(StorageError, match="No such file"):
        JournalStorage(tmp_path / "missing-dir" / "j.jsonl")


def test_file_is_one_checksummed_json_operation_per_line(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    _fill(path, 2)
    lines = path.read_bytes().splitlines()
    assert len(lines) == 1 + 1 + 2 * 2
    records = []
    for line in lines:
        crc, _, body = line.partition(b" ")
        assert int(crc, 16) == zlib.crc32(body)
        records.append(json.loads(body))
    assert records[0]["format"] == "hyperhop-journal" and records[0]["version"] == 1
    assert [r["op"] for r in records[1:]] == ["create_study"] + ["create_trial", "update_trial"] * 2
    assert not list(tmp_path.glob(".*.tmp")), "the temporary header file is removed"


def test_reads_are_incremental(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "j.jsonl"
    _fill(path, 50)
    with JournalStorage(path) as reader, JournalStorage(path) as writer:
        sid = reader.get_study("s").id
        _, seq = reader.get_trials(sid)
        size = path.stat().st_size
        t = writer.create_trial(sid, state=RUN, assignment={}, owner=OWNER)
        reads: list[tuple[int, int]] = []
        real = os.pread

        def spy(fd: int, n: int, offset: int) -> bytes:
            reads.append((n, offset))
            return real(fd, n, offset)

        monkeypatch.setattr(journal_module.os, "pread", spy)
        changed, _ = reader.get_trials(sid, since=seq)
        assert [c.id for c in changed] == [t.id]
        assert reads == [(path.stat().st_size - size, size)]
        reads.clear()
        reader.get_trial(t.id)  # nothing new: no read at all
        assert reads == []


def test_lines_longer_than_a_read_chunk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "j.jsonl"
    monkeypatch.setattr(journal_module, "_CHUNK", 16)
    with JournalStorage(path) as s:
        sid = s.create_study("s", ["min"])[0].id
        t = s.create_trial(sid, state=RUN, assignment={"x": "y" * 1000}, owner=OWNER)
        s.set_attachment(t.id, "blob", bytes(range(256)) * 40)
    with JournalStorage(path) as s:
        assert s.get_attachment(t.id, "blob") == bytes(range(256)) * 40
        assert s.get_trial(t.id).assignment == {"x": "y" * 1000}


def test_delete_study_replays(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    with JournalStorage(path) as s:
        a = s.create_study("a", ["min"])[0].id
        t = s.create_trial(a, state=TrialState.QUEUED, assignment={}, enqueue_key="k")
        s.set_attachment(t.id, "f", b"x")
        s.delete_study(a)
        b = s.create_study("a", ["max"])[0].id
        s.create_trial(b, state=TrialState.QUEUED, assignment={}, enqueue_key="k")
        s.set_study_attr(b, "note", [1, 2])
    with JournalStorage(path) as s:
        info = s.get_study("a")
        assert info.id == b != a and info.directions == ("max",) and info.attrs == {"note": [1, 2]}
        assert [t.enqueue_key for t in s.get_trials(b)[0]] == ["k"]
        assert s.list_attachments(t.id) == []


def test_fork_gets_its_own_lock(tmp_path: Path) -> None:
    """A forked child reopens the file: a shared descriptor would share the flock."""
    path = tmp_path / "j.jsonl"
    s = JournalStorage(path)
    sid = s.create_study("s", ["min"])[0].id
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            for _ in range(100):
                s.create_trial(sid, state=RUN, assignment={}, owner="child")
        except BaseException:  # noqa: BLE001 - reported through the exit code
            code = 1
        os._exit(code)
    for _ in range(100):
        s.create_trial(sid, state=RUN, assignment={}, owner="parent")
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    trials = s.get_trials(sid)[0]
    assert sorted(t.number for t in trials) == list(range(200))
    s.close()


def test_read_only_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "j.jsonl"
    _fill(path, 2)
    real_open = os.open

    def no_write_access(file: Any, flags: int, *args: Any) -> int:
        if flags & os.O_RDWR:
            raise PermissionError(errno.EACCES, "Permission denied", file)
        return real_open(file, flags, *args)

    monkeypatch.setattr(journal_module.os, "open", no_write_access)
    with JournalStorage(path) as s:
        assert len(s.get_trials(s.get_study("s").id)[0]) == 2
        with pytest.raises(StorageError, match="read-only"):
            s.create_study("t", ["min"])


def test_deleted_while_open(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    with JournalStorage(path) as s:
        path.unlink()
        with pytest.raises(StorageError, match="deleted or replaced"):
            s.create_study("s", ["min"])


def test_closed_storage_refuses(tmp_path: Path) -> None:
    s = JournalStorage(tmp_path / "j.jsonl")
    s.close()
    s.close()
    with pytest.raises(StorageError, match="closed"):
        s.list_studies()


# ---------------------------------------------------------------- torn tails and damage
def test_torn_last_line_is_skipped_with_one_warning_then_repaired(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    good = tmp_path / "good.jsonl"
    _fill(good, 4)
    data = good.read_bytes()
    last = _line_starts(data)[-1]
    rng = random.Random(0)
    offsets = {last + 1, len(data) - 1} | {rng.randrange(last + 1, len(data)) for _ in range(6)}
    for cut in sorted(offsets):
        path = tmp_path / f"torn{cut}.jsonl"
        path.write_bytes(data[:cut])
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger=LOGGER):
            s = JournalStorage(path)
            sid = s.get_study("s").id
            states = [t.state for t in s.get_trials(sid)[0]]
            assert states == [COMPLETE] * 3 + [RUN], cut  # the last update is lost
            assert path.read_bytes() == data[:cut], "a reader does not repair"
            t = s.create_trial(sid, state=RUN, assignment={}, owner=OWNER)  # the next write repairs
            assert t.number == 4
        warned = _warnings(caplog)
        assert len(warned) == 1, [r.getMessage() for r in warned]
        assert str(path) in warned[0].getMessage() and f"offset {last}" in warned[0].getMessage()
        repaired = path.read_bytes()
        assert repaired.startswith(data[:last]) and repaired.count(b"\n") == data.count(b"\n")
        s.close()
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger=LOGGER):
            assert _states(path) == [COMPLETE] * 3 + [RUN, RUN]
        assert _warnings(caplog) == []


def test_flipped_byte_raises_with_the_offset(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    _fill(good, 4)
    data = good.read_bytes()
    starts = _line_starts(data)
    rng = random.Random(1)
    for pos in rng.sample(range(starts[1], len(data) - 1), 40):
        path = tmp_path / "flipped.jsonl"
        damaged = bytearray(data)
        damaged[pos] ^= 0x01
        path.write_bytes(damaged)
        line_start = max(s for s in starts if s <= pos)
        with pytest.raises(CorruptStateError) as e:
            JournalStorage(path)
        assert str(path) in str(e.value) and f"byte offset {line_start} " in str(e.value), pos
        assert path.read_bytes() == damaged, "never rewritten"
    for pos in range(starts[1]):  # the header
        damaged = bytearray(data)
        damaged[pos] ^= 0x01
        path.write_bytes(damaged)
        with pytest.raises(CorruptStateError, match="not a hyperhop journal"):
            JournalStorage(path)


def test_truncation_in_the_middle_raises_with_the_offset(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    _fill(good, 4)
    data = good.read_bytes()
    starts = _line_starts(data)
    path = tmp_path / "cut.jsonl"
    for k in (2, 4, 6):
        a = starts[k] + 10
        b = starts[k + 1] + 5
        path.write_bytes(data[:a] + data[b:])
        with pytest.raises(CorruptStateError, match=f"byte offset {starts[k]} "):
            JournalStorage(path)
        path.write_bytes(data[: starts[k]] + data[starts[k] + 30 :])  # a hole inside one line
        with pytest.raises(CorruptStateError, match=f"byte offset {starts[k]} "):
            JournalStorage(path)


def test_damage_seen_by_a_live_handle(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    _fill(path, 3)
    with JournalStorage(path) as s:
        sid = s.get_study("s").id
        size = path.stat().st_size
        with path.open("ab") as f:  # a bad line followed by a good one
            f.write(
                b"00000000 {}\n" + _line('{"op":"set_study_attr","study":1,"key":"k","value":1}')
            )
        for _ in range(2):  # and it stays an error
            with pytest.raises(CorruptStateError, match=f"byte offset {size} "):
                s.get_trials(sid)
    with JournalStorage(tmp_path / "j2.jsonl") as s:
        s.create_study("s", ["min"])
        os.truncate(s.path, 10)
        with pytest.raises(CorruptStateError, match="shrank"):
            s.list_studies()


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    path.write_bytes(b"")
    with pytest.raises(CorruptStateError, match="empty") as e:
        JournalStorage(path)
    assert str(path) in str(e.value)
    assert path.read_bytes() == b"", "an empty file is not silently made a new journal"


@pytest.mark.parametrize(
    "content",
    [
        b"hello world\n",
        b"SQLite format 3\x00\x10\x00\x01\x01",
        _line('{"format":"something-else","version":1}'),
        _line("[1,2,3]"),
        HEADER[:20],
        b'{"format":"hyperhop-journal","version":1}\n',  # no checksum
    ],
)
def test_not_a_journal(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "j.jsonl"
    path.write_bytes(content)
    with pytest.raises(CorruptStateError, match="not a hyperhop journal") as e:
        JournalStorage(path)
    assert str(path) in str(e.value)


def test_newer_or_unknown_version(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    path.write_bytes(_line('{"format":"hyperhop-journal","version":2}') + b"anything\n")
    with pytest.raises(IncompatibleFormatError, match="version 2.*version 1") as e:
        JournalStorage(path)
    assert str(path) in str(e.value)
    path.write_bytes(_line('{"format":"hyperhop-journal","version":"one"}'))
    with pytest.raises(IncompatibleFormatError, match="'one'"):
        JournalStorage(path)


STUDY = '{"op":"create_study","study":1,"name":"s","directions":["min"],"space":null,"time":1}'
TRIAL = '{"op":"create_trial","study":1,"trial":1,"number":0,"state":"QUEUED","params":{},"time":1}'
TRIAL2 = TRIAL.replace('"trial":1', '"trial":2').replace('"number":0', '"number":1')


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ('{"op":"explode","study":1}', "unknown operation 'explode'"),
        ('{"no_op":1}', "unknown operation None"),
        ("[1]", "not a JSON object"),
        ("{not json", "not valid JSON"),
        ('{"op":"create_trial","study":1}', "field 'trial' is missing"),
        (TRIAL2.replace('"study":1', '"study":9'), "study 9 does not exist"),
        (TRIAL2.replace('"number":1', '"number":3'), "number 3 is out of sequence"),
        (TRIAL2.replace('"QUEUED"', '"DONE"'), "not a trial state"),
        (TRIAL2.replace('"QUEUED"', '"COMPLETE"'), "cannot be COMPLETE"),
        (TRIAL2.replace('"params":{}', '"params":5'), "'params' must be dict"),
        (STUDY.replace('"study":1', '"study":2'), "a second study named 's'"),
        ('{"op":"update_trial","trial":1,"values":["x"],"time":1}', "numbers only"),
        ('{"op":"update_trial","trial":1,"intermediate":{"a":1},"time":1}', "integer steps"),
        ('{"op":"claim","trial":7,"owner":"o","time":1}', "trial 7 does not exist"),
        ('{"op":"heartbeat","trials":[1],"owner":"o","time":1}', "does not hold"),
        ('{"op":"set_attachment","trial":1,"name":"a","data":"text"}', "'data' must be bytes"),
        ('{"op":"set_study_attr","study":1,"key":"k"}', "'value' is missing"),
        ('{"op":"update_trial","trial":1,"values":[{"__ndarray__":{}}],"time":1}', "numbers"),
        ('{"op":"set_attachment","trial":1,"name":"a","data":{"__bytes__":"A"}}', "JSON"),
    ],
)
def test_valid_lines_with_a_wrong_schema(tmp_path: Path, record: str, message: str) -> None:
    path = tmp_path / "j.jsonl"
    prefix = HEADER + _line(STUDY) + _line(TRIAL)
    path.write_bytes(prefix + _line(record) + _line('{"op":"delete_study","study":1}'))
    with pytest.raises(CorruptStateError) as e:
        JournalStorage(path)
    assert str(path) in str(e.value) and f"byte offset {len(prefix)} " in str(e.value)
    assert message in str(e.value)


class _Boom:
    def __init__(self, sentinel: Path) -> None:
        self.sentinel = sentinel

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (f"touch {self.sentinel}",))


def test_stored_data_never_executes(tmp_path: Path) -> None:
    sentinel = tmp_path / "pwned"
    payload = pickle.dumps(_Boom(sentinel))
    path = tmp_path / "j.jsonl"
    prefix = HEADER + _line(STUDY)
    for planted in (_line(payload), payload + b"\n"):  # with and without a valid checksum
        path.write_bytes(prefix + planted + _line(TRIAL))
        with pytest.raises(CorruptStateError):
            JournalStorage(path)
    hostile = {
        "a": {"__class__": "os.system", "args": [f"touch {sentinel}"]},
        "b": {"py/object": "subprocess.Popen"},
        "c": {"__ndarray__": {"dtype": "object", "shape": [1], "b64": "AAAA"}},
        "d": {"__reduce__": ["os.system", [f"touch {sentinel}"]]},
    }
    record = json.loads(TRIAL)
    record["params"] = hostile
    path.write_bytes(prefix + _line(json.dumps(record)))
    with JournalStorage(path) as s:
        assert s.get_trial(1).assignment == hostile  # just data
    assert not sentinel.exists()


# ---------------------------------------------------------------- disk full
def test_disk_full_raises_and_leaves_the_file_valid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "j.jsonl"
    _fill(path, 3)
    s = JournalStorage(path)
    sid = s.get_study("s").id
    before = path.read_bytes()
    real_write = os.write

    def full(fd: int, data: Any) -> int:
        if fd == s._fd:
            real_write(fd, bytes(data)[: len(data) // 2])  # half a line reaches the disk
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(journal_module.os, "write", full)
    with pytest.raises(StorageFullError, match="No space left") as e:
        s.create_trial(sid, state=RUN, assignment={"x": 1}, owner=OWNER)
    assert isinstance(e.value, OSError) and e.value.errno == errno.ENOSPC
    assert isinstance(e.value.__cause__, OSError) and e.value.__cause__.errno == errno.ENOSPC
    with pytest.raises(StorageFullError):
        s.set_attachment(1, "model", b"\x00" * 1000)
    assert path.read_bytes() == before, "the partial line is truncated"
    monkeypatch.setattr(journal_module.os, "write", real_write)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert _states(path) == [COMPLETE] * 3
        t = s.create_trial(sid, state=RUN, assignment={"x": 2}, owner=OWNER)  # space is back
        assert t.number == 3
    assert _warnings(caplog) == []
    s.close()

    fsynced = JournalStorage(f"journal:///{path}?fsync=1")

    def fsync_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(journal_module.os, "fsync", fsync_full)
    before = path.read_bytes()
    with pytest.raises(StorageFullError):
        fsynced.create_trial(sid, state=RUN, assignment={}, owner=OWNER)
    assert path.read_bytes() == before
    fsynced.close()


# ---------------------------------------------------------------- processes
def _mp_worker(url: str, barrier: Any, k: int) -> None:
    s = JournalStorage(url)
    barrier.wait()
    sid = s.create_study("race", ["min"], load_if_exists=True)[0].id
    for i in range(50):
        t = s.create_trial(sid, state=RUN, assignment={"k": k, "i": i}, owner=f"w{k}")
        s.update_trial(t.id, expect_state=RUN, expect_owner=f"w{k}", state=COMPLETE, values=[i])
    s.close()


def test_four_processes_share_one_journal(tmp_path: Path) -> None:
    url = f"journal:///{tmp_path}/race.jsonl"
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(4)
    procs = [ctx.Process(target=_mp_worker, args=(url, barrier, k)) for k in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    with JournalStorage(url) as s:
        [summary] = s.list_studies()
        trials = s.get_trials(summary.info.id)[0]
    assert [t.number for t in trials] == list(range(200))
    assert all(t.state is COMPLETE and t.values is not None for t in trials)
    assert sorted((t.assignment["k"], t.assignment["i"]) for t in trials) == [
        (k, i) for k in range(4) for i in range(50)
    ]


HOLD_LOCK = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(60)
"""


def test_lock_of_a_killed_holder_does_not_block(tmp_path: Path) -> None:
    """RELIABILITY scenario 4: the lock is the journal's own flock, which the kernel drops."""
    path = tmp_path / "j.jsonl"
    s = JournalStorage(path)
    sid = s.create_study("s", ["min"])[0].id
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        done = threading.Event()
        worker = threading.Thread(
            target=lambda: (s.create_trial(sid, state=RUN, assignment={}, owner=OWNER), done.set())
        )
        worker.start()
        assert not done.wait(0.3), "the lock excludes writers while its holder lives"
        os.kill(holder.pid, signal.SIGKILL)
        assert done.wait(5), "the lock is free once its holder is killed"
        worker.join()
    finally:
        holder.kill()
        holder.wait()
    assert len(s.get_trials(sid)[0]) == 1
    s.close()


CHAOS_WORKER = """
import sys
from hyperhop.storage.journal import JournalStorage
from hyperhop.trial import TrialError, TrialState as S
s = JournalStorage(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()
sid = s.create_study("s", ["min"])[0].id
i = 0
while True:
    t = s.create_trial(sid, state=S.RUNNING, assignment={"i": i}, owner="w")
    if i % 100 == 99:
        s.set_attachment(t.id, "big", bytes(300_000))
    if i % 3 == 2:
        s.update_trial(t.id, expect_state=S.RUNNING, state=S.FAILED, error=TrialError("exception", "x"))
    else:
        s.update_trial(t.id, expect_state=S.RUNNING, state=S.COMPLETE, values=[float(i)])
    i += 1
"""


@pytest.mark.chaos
def test_sigkill_while_appending(tmp_path: Path) -> None:
    """RELIABILITY scenario 3 for the journal: SIGKILL a writer 0-50 ms into its appends."""
    path = tmp_path / "chaos.jsonl"
    JournalStorage(path).close()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    rng = random.Random(2)

    def start() -> subprocess.Popen[bytes]:  # it opens the journal, then waits for "go"
        return subprocess.Popen(
            [sys.executable, "-c", CHAOS_WORKER, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )

    watcher = JournalStorage(path)  # one handle that follows incrementally
    upcoming = start()
    for round_ in range(20):
        child, upcoming = upcoming, (start() if round_ < 19 else None)  # the next one loads
        assert child.stdin is not None and child.stdout is not None
        assert child.stdout.readline() == b"ready\n"
        child.stdin.write(b"go\n")
        child.stdin.flush()
        time.sleep(rng.uniform(0, 0.05))
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        with JournalStorage(path) as fresh:
            sid = fresh.get_study("s").id
            trials = fresh.get_trials(sid)[0]
        assert [t.number for t in trials] == list(range(len(trials)))
        for t in trials:
            assert t.state in (RUN, COMPLETE, TrialState.FAILED), t
            assert (t.state is COMPLETE) == (t.values is not None)
            assert (t.state is TrialState.FAILED) == (t.error == TrialError("exception", "x"))
        assert [(t.id, t.state) for t in watcher.get_trials(sid)[0]] == [
            (t.id, t.state) for t in trials
        ]
    watcher.close()
