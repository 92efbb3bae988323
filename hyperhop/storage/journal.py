"""Journal storage: an append-only text file of operations that several processes share.

URL: ``journal:///relative/path.jsonl`` or ``journal:////absolute/path.jsonl``, with the
option ``?fsync=1`` (default off). POSIX only (``fcntl.flock``), on a local file system.

**Format.** ASCII text, one operation per line; each line is the CRC32 of its JSON text
(8 lowercase hex digits), a space, and the JSON text (written by :mod:`~hyperhop.storage.codec`,
so ±inf appear as ``Infinity`` and bytes as ``{"__bytes__": base64}``). The first line is the
header; it keeps this layout in every version, so a newer file is recognised::

    9676e9b5 {"format":"hyperhop-journal","version":1,"created":1795448798.058026}
    42da41d2 {"op":"create_study","study":1,"name":"demo","directions":["min"],"space":null,"time":1795448798.0599663}
    8b02ea29 {"op":"create_trial","study":1,"trial":1,"number":0,"state":"RUNNING","params":{"x":0.5},"time":1795448798.0600848,"owner":"host:12:ab"}
    1445d739 {"op":"update_trial","trial":1,"state":"COMPLETE","values":[0.25],"time":1795448798.0601726}

Operations map 1:1 to the :class:`~hyperhop.storage.base.Storage` methods that change
something: ``create_study``, ``set_study_attr``, ``delete_study``, ``create_trial``,
``claim``, ``update_trial``, ``heartbeat`` and ``set_attachment``. Replaying them in order
rebuilds the state; ids, numbers and times are in the line, so every process rebuilds the
same snapshots.

**Locking.** A writer takes an exclusive ``flock`` on the journal itself (there is no lock
file, so nothing is left behind: the kernel drops the lock of a killed holder). Under the
lock it reads the lines others appended since its last read (it keeps the replayed state and
the byte offset in memory), checks its compare-and-set conditions on that state, appends one
line with one ``write`` and releases the lock. Readers take a shared lock, only when the
file grew. A threading lock serialises the threads of one process. A new journal is written
to a temporary file and hard-linked into place, so it always has its header.

**Durability.** The newline ends a record: a line without one (a writer killed mid-append)
is skipped with one warning and truncated by the next writer before it appends. Without
``fsync=1`` a killed process loses nothing it had written, but an OS crash or power loss may
lose the last operations; with it every operation is fsynced before it returns (slower).
Any other damage (a line failing its checksum, an invalid operation, a file that shrank)
raises :class:`~hyperhop.exceptions.CorruptStateError` naming the file and byte offset;
the study is never silently restarted. A full disk raises
:class:`~hyperhop.exceptions.StorageFullError` and leaves the file as it was.

**Limits.** Every process keeps the whole replayed state (attachments included) in memory,
and the file only grows. Not for NFS, where ``flock`` may not lock across machines.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import secrets
import threading
import time
import weakref
import zlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs

from hyperhop.exceptions import (
    BudgetReachedError,
    CorruptStateError,
    DuplicateStudyError,
    IncompatibleFormatError,
    StorageError,
    StorageFullError,
    StudyNotFoundError,
    TrialNotFoundError,
)
from hyperhop.storage import codec
from hyperhop.storage.base import (
    Storage,
    StudyInfo,
    StudySummary,
    TrialCap,
    check_cas,
    check_size,
    check_text,
)
from hyperhop.storage.journal_state import BadOperation, JournalState
from hyperhop.trial import Trial, TrialError, TrialState

__all__ = ["FORMAT_NAME", "JOURNAL_VERSION", "JournalStorage"]

logger = logging.getLogger(__name__)

FORMAT_NAME = "hyperhop-journal"
JOURNAL_VERSION = 1
"""The journal format this library writes (its header's ``version``)."""

_CHUNK = 8 << 20
_HEX = frozenset(b"0123456789abcdef")
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


def _encode(record: Mapping[str, Any]) -> bytes:
    """One journal line: CRC32 of the JSON text in hex, a space, the JSON text, a newline."""
    body = codec.dumps(record).encode("ascii")
    return b"%08x %s\n" % (zlib.crc32(body), body)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _parse_url(url: str | os.PathLike[str]) -> tuple[str, str, bool]:
    """``(url, path, fsync)`` from a journal URL or a plain path."""
    url = os.fspath(url)
    if "://" not in url:
        return f"journal:///{url}", url, False
    scheme, _, rest = url.partition("://")
    rest, _, query = rest.partition("?")
    if scheme.lower() != "journal" or not rest.startswith("/") or len(rest) < 2:
        raise ValueError(
            f"The 'url' parameter of JournalStorage must look like 'journal:///relative.jsonl' "
            f"or 'journal:////absolute/path.jsonl'. Got {url!r} instead."
        )
    options = parse_qs(query, keep_blank_values=True)
    unknown = sorted(set(options) - {"fsync"})
    if unknown:
        raise ValueError(f"Unknown option(s) {unknown} in {url!r}; the journal knows 'fsync'.")
    flag = options.get("fsync", ["0"])[-1].lower()
    if flag not in _TRUE | _FALSE:
        raise ValueError(f"The 'fsync' option in {url!r} must be 1 or 0. Got {flag!r} instead.")
    return url, rest[1:], flag in _TRUE


class JournalStorage(Storage):
    """An append-only journal file shared by threads and processes (see the module notes).

    Example:
        >>> import tempfile, os
        >>> from hyperhop.storage.journal import JournalStorage
        >>> path = os.path.join(tempfile.mkdtemp(), "runs.jsonl")
        >>> with JournalStorage("journal:///" + path) as storage:
        ...     info, created = storage.create_study("demo", ["min"])
        >>> created
        True
    """

    def __init__(self, url: str | os.PathLike[str]) -> None:
        self.url, self.path, self._fsync = _parse_url(url)
        self._lock = threading.RLock()
        self._state = JournalState()
        self._offset = 0  # end of the last line applied
        self._lines = 0  # lines applied (the header included)
        self._torn = False  # an incomplete line follows self._offset
        self._warned_at: int | None = None  # offset of the torn line already warned about
        self._closed = False
        self._fd = -1
        self._readonly = False
        if not os.path.exists(self.path):
            self._create()
        self._open()
        try:
            with self._lock, self._flock(self._fd, exclusive=False):
                self._catch_up(self._fd, repair=False)
        except BaseException:
            self.close()
            raise

    # ---------------------------------------------------------------- file
    def _create(self) -> None:
        """Write the header to a temporary file and hard-link it into place (never replaces)."""
        directory = os.path.dirname(os.path.abspath(self.path))
        tmp = os.path.join(
            directory, f".{os.path.basename(self.path)}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        )
        header = {"format": FORMAT_NAME, "version": JOURNAL_VERSION, "created": time.time()}
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
            try:
                _write_all(fd, _encode(header))
                os.fsync(fd)
            finally:
                os.close(fd)
            try:
                os.link(tmp, self.path)
            except FileExistsError:
                return  # another process created it first: use theirs
            dir_fd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except OSError as e:
            raise self._os_error(e, "create") from e
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)

    def _open(self) -> None:
        try:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CLOEXEC)
            except PermissionError:
                fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
                self._readonly = True
        except OSError as e:
            raise self._os_error(e, "open") from e
        self._fd, self._pid = fd, os.getpid()
        self._closer = weakref.finalize(self, os.close, fd)

    def _fd_here(self) -> int:
        """The descriptor, reopened after a fork (a shared one would share the flock)."""
        if self._closed:
            raise StorageError(f"The journal storage {self.url} is closed.")
        if self._pid != os.getpid():
            self._closer()
            self._open()
        return self._fd

    def _os_error(self, e: OSError, doing: str) -> StorageError:
        if e.errno in (errno.ENOSPC, errno.EDQUOT):
            full = StorageFullError(
                f"No space left to {doing} the journal {self.path}: the operation was not "
                "recorded and the file is as it was before. Free some disk space and retry."
            )
            full.errno = e.errno
            return full
        return StorageError(f"Could not {doing} the journal {self.path}: {e}")

    def _corrupt(self, offset: int, what: str) -> CorruptStateError:
        return CorruptStateError(
            f"The journal {self.path} is damaged at byte offset {offset} (line {self._lines + 1}): "
            f"{what}. hyperhop will not skip it; restore a backup, or keep what comes before "
            f"with `truncate -s {offset} {self.path}`."
        )

    @contextlib.contextmanager
    def _flock(self, fd: int, exclusive: bool) -> Iterator[None]:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """Hold the thread lock, after reading what other processes appended."""
        with self._lock:
            fd = self._fd_here()
            if self._torn or os.fstat(fd).st_size != self._offset:
                with self._flock(fd, exclusive=False):
                    self._catch_up(fd, repair=False)
            yield

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the thread lock and the exclusive file lock, with the state up to date."""
        with self._lock:
            fd = self._fd_here()
            if self._readonly:
                raise StorageError(f"The journal {self.path} is read-only for this process.")
            with self._flock(fd, exclusive=True):
                try:
                    st = os.stat(self.path)
                except FileNotFoundError:
                    st = None
                fst = os.fstat(fd)
                if st is None or (st.st_dev, st.st_ino) != (fst.st_dev, fst.st_ino):
                    raise StorageError(
                        f"The journal {self.path} was deleted or replaced while open; "
                        "nothing was recorded."
                    )
                self._catch_up(fd, repair=True)
                yield

    def _catch_up(self, fd: int, repair: bool) -> None:
        """Apply the complete lines after ``self._offset``; handle an incomplete last line."""
        size = os.fstat(fd).st_size
        if size < self._offset:
            raise self._corrupt(
                size,
                f"the file shrank to {size} bytes, below the {self._offset} bytes already "
                "read; something other than hyperhop truncated or rewrote it",
            )
        if size == 0:
            raise CorruptStateError(
                f"The journal {self.path} is empty, so it is not a hyperhop journal (a journal "
                "always starts with its header line); delete it to start a new one."
            )
        want = _CHUNK
        while self._offset < size:
            chunk = os.pread(fd, min(want, size - self._offset), self._offset)
            end = chunk.rfind(b"\n")
            if end < 0:
                if self._offset + len(chunk) < size:
                    want *= 2  # a line longer than the chunk
                    continue
                break
            self._apply_lines(chunk[: end + 1])
            want = _CHUNK
        if self._offset == size:
            self._torn = False
            return
        if self._lines == 0:
            raise CorruptStateError(
                f"The journal {self.path} is not a hyperhop journal: its first line "
                "(the header) is incomplete."
            )
        torn = self._offset
        if self._warned_at != torn:
            self._warned_at = torn
            logger.warning(
                "The journal %s ends with an incomplete line at byte offset %d (%d bytes, from a "
                "writer killed mid-append); it is skipped and will be truncated by the next write.",
                self.path,
                torn,
                size - torn,
            )
        self._torn = not repair
        if repair:
            try:
                os.ftruncate(fd, torn)
            except OSError as e:
                raise self._os_error(e, "repair the torn last line of") from e
            logger.info("Truncated the incomplete last line of %s at offset %d.", self.path, torn)

    def _apply_lines(self, buf: bytes) -> None:
        start = 0
        while start < len(buf):
            end = buf.index(b"\n", start)
            self._apply_line(buf[start:end], self._offset)
            self._offset += end + 1 - start
            self._lines += 1
            start = end + 1

    def _apply_line(self, line: bytes, offset: int) -> None:
        crc, sep, body = line.partition(b" ")
        ok = sep and len(crc) == 8 and set(crc) <= _HEX and int(crc, 16) == zlib.crc32(body)
        if not ok:
            if self._lines == 0:
                raise CorruptStateError(
                    f"The journal {self.path} is not a hyperhop journal, or its header line "
                    "is damaged (it fails its checksum)."
                )
            raise self._corrupt(offset, "the line fails its checksum")
        try:
            record = codec.loads(body)
        except (ValueError, TypeError, KeyError) as e:
            record = e
        if self._lines == 0:
            if not isinstance(record, dict):
                raise CorruptStateError(
                    f"The journal {self.path} is not a hyperhop journal: its first line is not "
                    "a JSON header."
                )
            self._check_header(record)
            return
        if isinstance(record, Exception):
            raise self._corrupt(
                offset, f"the line is not valid JSON or holds a malformed value ({record})"
            )
        if not isinstance(record, dict):
            raise self._corrupt(offset, "the line is not a JSON object")
        try:
            self._state.check(record)()
        except BadOperation as e:
            raise self._corrupt(offset, f"the line is not a valid operation: {e}") from None

    def _check_header(self, header: dict[str, Any]) -> None:
        if header.get("format") != FORMAT_NAME:
            raise CorruptStateError(
                f"The journal {self.path} is not a hyperhop journal: its header names the "
                f"format {header.get('format')!r:.60}, not {FORMAT_NAME!r}."
            )
        version = header.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise IncompatibleFormatError(
                f"The journal {self.path} has format version {version!r:.30}, which this "
                f"hyperhop (journal format version {JOURNAL_VERSION}) does not know."
            )
        if version > JOURNAL_VERSION:
            raise IncompatibleFormatError(
                f"The journal {self.path} was written with journal format version {version}, "
                f"newer than version {JOURNAL_VERSION} that this hyperhop reads; upgrade "
                "hyperhop to open it."
            )

    def _append(self, op: dict[str, Any]) -> None:
        """Validate ``op``, append it as one line (under the exclusive lock) and apply it."""
        line = _encode(op)
        check_size(self, len(line), f"The journal record of {op['op']}")
        try:
            commit = self._state.check(codec.loads(line[9:]))
        except BadOperation as e:
            raise TypeError(f"Cannot record {op['op']} in the journal {self.path}: {e}.") from None
        fd = self._fd
        try:
            _write_all(fd, line)
            if self._fsync:
                os.fsync(fd)
        except OSError as e:
            with contextlib.suppress(OSError):  # the next writer truncates a leftover anyway
                os.ftruncate(fd, self._offset)
            raise self._os_error(e, "append to") from e
        commit()
        self._offset += len(line)
        self._lines += 1

    def close(self) -> None:
        """Close the file (the kernel drops any lock with it)."""
        with self._lock:
            if not self._closed:
                self._closed = True
                if self._fd >= 0 and self._pid == os.getpid():
                    self._closer()

    # ---------------------------------------------------------------- lookups
    def _info(self, study_id: int) -> StudyInfo:
        try:
            return self._state.studies[study_id]
        except KeyError:
            raise StudyNotFoundError(f"No study with id {study_id} in {self.url}.") from None

    def _get_trial(self, trial_id: int) -> Trial:
        try:
            return self._state.by_id[trial_id]
        except KeyError:
            raise TrialNotFoundError(f"No trial with id {trial_id} in {self.url}.") from None

    # ---------------------------------------------------------------- studies
    def create_study(
        self,
        name: str,
        directions: Sequence[str],
        space: Any = None,
        *,
        load_if_exists: bool = True,
    ) -> tuple[StudyInfo, bool]:
        st = self._state
        with self._writing():
            if name in st.by_name:
                if not load_if_exists:
                    raise DuplicateStudyError(
                        f"A study named {name!r} already exists in {self.url}."
                    )
                return st.studies[st.by_name[name]], False
            sid = st.next_study
            self._append(
                {
                    "op": "create_study",
                    "study": sid,
                    "name": name,
                    "directions": list(directions),
                    "space": space,
                    "time": time.time(),
                }
            )
            return st.studies[sid], True

    def get_study(self, name: str) -> StudyInfo:
        with self._reading():
            if name not in self._state.by_name:
                raise StudyNotFoundError(f"No study named {name!r} in {self.url}.")
            return self._state.studies[self._state.by_name[name]]

    def get_study_by_id(self, study_id: int) -> StudyInfo:
        with self._reading():
            return self._info(study_id)

    def list_studies(self) -> list[StudySummary]:
        with self._reading():
            st = self._state
            return [
                StudySummary(st.studies[sid], dict(st.counts[sid])) for sid in sorted(st.studies)
            ]

    def delete_study(self, study_id: int) -> None:
        with self._writing():
            self._info(study_id)
            self._append({"op": "delete_study", "study": study_id})

    def set_study_attr(self, study_id: int, key: str, value: Any) -> None:
        with self._writing():
            self._info(study_id)
            self._append({"op": "set_study_attr", "study": study_id, "key": key, "value": value})

    # ---------------------------------------------------------------- trials
    def create_trial(
        self,
        study_id: int,
        *,
        state: TrialState,
        assignment: Mapping[str, Any],
        owner: str | None = None,
        enqueue_key: str | None = None,
        retried_from: int | None = None,
        system_attrs: Mapping[str, Any] | None = None,
        cap: TrialCap | None = None,
    ) -> Trial:
        if state not in (TrialState.QUEUED, TrialState.RUNNING):
            raise ValueError(f"A new trial is QUEUED or RUNNING, not {state.name}.")
        st = self._state
        with self._writing():
            self._info(study_id)
            if enqueue_key is not None and (study_id, enqueue_key) in st.keys:
                return st.by_id[st.keys[(study_id, enqueue_key)]]
            if cap is not None:
                cap.require_room(st.budget_used(study_id, cap))
            tid = st.next_trial
            op: dict[str, Any] = {
                "op": "create_trial",
                "study": study_id,
                "trial": tid,
                "number": len(st.trials[study_id]),
                "state": state.value,
                "params": dict(assignment),
                "time": time.time(),
            }
            if owner is not None and state is TrialState.RUNNING:
                op["owner"] = owner
            if enqueue_key is not None:
                op["enqueue_key"] = enqueue_key
            if retried_from is not None:
                op["retried_from"] = retried_from
            if system_attrs:
                op["system_attrs"] = dict(system_attrs)
            self._append(op)
            return st.by_id[tid]

    def claim_queued_trial(
        self, study_id: int, owner: str, cap: TrialCap | None = None
    ) -> Trial | None:
        with self._writing():
            self._info(study_id)
            trial = self._state.first_queued(study_id)
            if trial is None:
                return None
            if cap is not None and not cap.holds(trial):
                try:
                    cap.require_room(self._state.budget_used(study_id, cap))
                except BudgetReachedError:  # only a queued retry (it holds its place) may start
                    trials = self._state.trials[study_id]
                    queued = sorted(self._state.queued[study_id])
                    trial = next(
                        (
                            trials[n]
                            for n in queued
                            if trials[n].state is TrialState.QUEUED and cap.holds(trials[n])
                        ),
                        None,
                    )
                    if trial is None:
                        raise
            self._append({"op": "claim", "trial": trial.id, "owner": owner, "time": time.time()})
            return self._state.by_id[trial.id]

    def update_trial(
        self,
        trial_id: int,
        *,
        expect_state: TrialState,
        expect_owner: str | None = None,
        expect_heartbeat: float | None = None,
        state: TrialState | None = None,
        values: Sequence[float] | None = None,
        error: TrialError | None = None,
        intermediate: Mapping[int, float] | None = None,
        user_attrs: Mapping[str, Any] | None = None,
        system_attrs: Mapping[str, Any] | None = None,
        heartbeat: float | None = None,
    ) -> Trial:
        with self._writing():
            check_cas(self._get_trial(trial_id), expect_state, expect_owner, expect_heartbeat)
            op: dict[str, Any] = {"op": "update_trial", "trial": trial_id}
            if state is not None:
                op["state"] = state.value
            if values is not None:
                op["values"] = [float(v) for v in values]
            if error is not None:
                op["error"] = error.to_json()
            if intermediate:
                op["intermediate"] = {str(int(k)): float(v) for k, v in intermediate.items()}
            if user_attrs:
                op["user_attrs"] = dict(user_attrs)
            if system_attrs:
                op["system_attrs"] = dict(system_attrs)
            if heartbeat is not None:
                op["heartbeat"] = float(heartbeat)
            op["time"] = time.time()
            self._append(op)
            return self._state.by_id[trial_id]

    def heartbeat(self, trial_ids: Sequence[int], owner: str) -> list[int]:
        with self._writing():
            by_id = self._state.by_id
            held = [
                tid
                for tid in trial_ids
                if (t := by_id.get(tid)) is not None
                and t.state is TrialState.RUNNING
                and t.owner == owner
            ]
            if held:
                self._append(
                    {"op": "heartbeat", "trials": held, "owner": owner, "time": time.time()}
                )
            return held

    def get_trial(self, trial_id: int) -> Trial:
        with self._reading():
            return self._get_trial(trial_id)

    def get_trials(self, study_id: int, since: int = 0) -> tuple[list[Trial], int]:
        with self._reading():
            self._info(study_id)
            st = self._state
            trials = st.trials[study_id]
            if since <= 0:
                return list(trials), st.seq[study_id]
            out = []
            for number, seq in reversed(st.changed[study_id].items()):
                if seq <= since:
                    break
                out.append(trials[number])
            out.sort(key=lambda t: t.number)
            return out, st.seq[study_id]

    # ---------------------------------------------------------------- attachments
    def set_attachment(self, trial_id: int, name: str, data: bytes) -> None:
        check_text(name, "attachment name")
        with self._writing():
            self._get_trial(trial_id)
            self._append(
                {"op": "set_attachment", "trial": trial_id, "name": name, "data": bytes(data)}
            )

    def get_attachment(self, trial_id: int, name: str) -> bytes:
        with self._reading():
            try:
                return self._state.attachments[trial_id][name]
            except KeyError:
                raise KeyError(f"Trial id {trial_id} has no attachment named {name!r}.") from None

    def list_attachments(self, trial_id: int) -> list[str]:
        with self._reading():
            return sorted(self._state.attachments.get(trial_id, {}))
