"""SQLite storage on the standard library's ``sqlite3``: one file, shared by processes.

``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db`` or ``sqlite:///:memory:``;
options as a query string: ``?timeout=60`` (seconds a write may wait for the lock before
StorageError) and ``?synchronous=NORMAL|FULL``.

Design:

- **One connection per process** (per storage object) behind a lock. SQLite lets one
  writer at a time into a file anyway, so a connection per thread would only add
  ``SQLITE_BUSY`` races between our own threads; statements take microseconds, and one
  connection keeps one warm page cache. After a ``fork`` the child opens its own.
- **WAL mode** (readers never block the writer), ``synchronous=NORMAL`` (a commit survives
  a killed process; a power cut may lose the last commits but never corrupts the file;
  ``?synchronous=FULL`` syncs every commit), foreign keys on.
- **Writers** start with ``BEGIN IMMEDIATE`` (take the write lock first, so a transaction
  never fails half-way on an upgrade). Waiting for the lock: first an exclusive ``flock``
  on ``<file>-lock`` beside the database, polled at a fine, jittered interval (20 us
  doubling to 2 ms), where SQLite's own busy handler sleeps 1, 2, 5 ... 100 ms: with 8
  processes on one file the slowest trial waited up to 1.5 s without it and under 0.1 s
  with it. The flock only orders our writers; SQLite's locks stay the authority, behind
  ``busy_timeout`` and a bounded retry with jittered backoff on ``database is locked``,
  up to ``timeout`` seconds in all (then StorageError).
- **Network file systems** (NFS, SMB/CIFS, sshfs, AFS) are refused with a clear error:
  their locks are unreliable, and WAL needs shared memory that they do not have.
- **Someone else's database** (a non-empty SQLite file with tables but without hyperhop's
  schema) is refused, and left byte for byte as it was (see :func:`check_not_foreign`).
"""

from __future__ import annotations

import contextlib
import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar
from urllib.parse import parse_qsl, quote, unquote

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: SQLite's own locking alone
    fcntl = None  # type: ignore[assignment]

from hyperhop.exceptions import CorruptStateError, StorageError, StorageFullError
from hyperhop.storage.sql import (
    SQLITE_TABLE_EXISTS,
    SQLITE_TYPES,
    Dialect,
    SQLStorage,
    Tx,
    backoff,
)

T = TypeVar("T")

NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "afs", "fuse.sshfs", "sshfs"}
)

_SYNCHRONOUS = {
    "OFF": "PRAGMA synchronous = OFF",
    "NORMAL": "PRAGMA synchronous = NORMAL",
    "FULL": "PRAGMA synchronous = FULL",
    "EXTRA": "PRAGMA synchronous = EXTRA",
}
_BUSY_CODES = (5, 6)
_INHERITED: list[
    sqlite3.Connection
] = []  # connections a forked child must never close  # SQLITE_BUSY, SQLITE_LOCKED (extended codes share the low byte)


def _dialect() -> Dialect:
    return Dialect(
        name="sqlite",
        types=SQLITE_TYPES,
        update_returning=sqlite3.sqlite_version_info >= (3, 35, 0),
        insert_returning=False,
        table_exists=SQLITE_TABLE_EXISTS,
    )


def parse_url(url: str) -> tuple[str, dict[str, str]]:
    """``(path, options)`` from ``sqlite:///relative.db`` or ``sqlite:////abs/path.db``."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.split("+", 1)[0].lower() != "sqlite" or not rest.startswith("/"):
        raise ValueError(
            f"An SQLite URL looks like 'sqlite:///relative.db' or 'sqlite:////abs/path.db'. "
            f"Got {url!r} instead."
        )
    path, _, query = rest[1:].partition("?")
    path = unquote(path)
    if not path:
        raise ValueError(f"The SQLite URL {url!r} names no file.")
    return path, dict(parse_qsl(query, keep_blank_values=True))


def read_mounts() -> str:
    """The mount table (``/proc/mounts``); empty where there is none (macOS, Windows)."""
    try:
        with open("/proc/mounts", encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def _unescape_mount(field: str) -> str:
    """Undo the octal escapes of /proc/mounts (``\\040`` for a space)."""
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and i + 3 < len(field) and field[i + 1 : i + 4].isdigit():
            out.append(chr(int(field[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def filesystem_of(directory: str, mounts: str) -> tuple[str, str] | None:
    """``(fstype, mount point)`` of the mount holding ``directory`` (the longest match)."""
    best: tuple[str, str] | None = None
    target = os.path.realpath(directory)
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point, fstype = _unescape_mount(fields[1]), fields[2]
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) > len(best[1])):
            best = (fstype, point)
    return best


def check_local_filesystem(path: str) -> None:
    """Raise StorageError when ``path`` lies on a network file system."""
    found = filesystem_of(os.path.dirname(os.path.abspath(path)), read_mounts())
    if found is None:
        return
    fstype, point = found
    if fstype.lower() in NETWORK_FILESYSTEMS or fstype.lower().startswith("nfs"):
        raise StorageError(
            f"The SQLite file {path!r} is on a network file system ({fstype} mounted at "
            f"{point!r}). SQLite's locking is unreliable there and would corrupt the study or "
            "hang. Put the file on a local disk, or use a server (postgresql://) or a "
            "journal:/// storage."
        )


_HEADER = b"SQLite format 3\x00"


def check_not_foreign(path: str) -> None:
    """Refuse a non-empty SQLite file that holds another application's tables and no
    hyperhop schema, reading it without a change: no WAL switch, no lock file, no
    ``-shm`` (``immutable=1``, unless a ``-wal`` file beside it holds recent changes). A
    file that is not SQLite at all is left to the normal open, which names it."""
    try:
        with open(path, "rb") as f:
            head = f.read(len(_HEADER))
    except OSError:
        return  # absent (a new study) or unreadable (the normal open says why)
    if head != _HEADER:
        return
    mode = "ro" if os.path.exists(path + "-wal") else "ro&immutable=1"
    uri = "file:" + quote(os.path.abspath(path)) + "?mode=" + mode
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            names = [r[0] for r in conn.execute(_TABLES).fetchall()]
        finally:
            conn.close()
    except sqlite3.Error:
        return  # damaged: the normal open raises CorruptStateError
    if not names or "hyperhop_meta" in names:
        return
    shown = ", ".join(repr(n) for n in names[:5]) + (", ..." if len(names) > 5 else "")
    raise StorageError(
        f"The SQLite file {path!r} holds another application's tables ({shown}) and no "
        "hyperhop study; hyperhop leaves it unchanged. Give hyperhop a file of its own, "
        "e.g. 'sqlite:///hyperhop.db'."
    )


_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"


def _try_flock(fd: int, deadline: float) -> bool:
    """Take an exclusive flock on ``fd``, polling finely until the ``deadline`` (monotonic);
    False when it could not (then SQLite's own locking alone decides)."""
    delay = 20e-6
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
        except OSError:
            return False
        time.sleep(random.uniform(0.0, delay))
        delay = min(delay * 2.0, 0.002)


def _is_busy(e: sqlite3.Error) -> bool:
    code = getattr(e, "sqlite_errorcode", None)
    if code is not None:
        return bool(code & 0xFF in _BUSY_CODES)
    msg = str(e).lower()
    return "locked" in msg or "busy" in msg


def _wrap(e: sqlite3.Error, path: str) -> StorageError:
    msg = str(e)
    low = msg.lower()
    if "full" in low and "disk" in low:
        return StorageFullError(f"The disk under the SQLite file {path!r} is full: {msg}")
    if "not a database" in low or "malformed" in low:
        return CorruptStateError(f"The SQLite file {path!r} is damaged or not a database: {msg}")
    if _is_busy(e):
        return StorageError(f"The SQLite file {path!r} stayed locked past the timeout: {msg}")
    return StorageError(f"SQLite error on {path!r}: {msg}")


class SQLiteStorage(SQLStorage):
    """Studies and trials in one SQLite file, safe for many threads and processes."""

    max_value_bytes = 1_000_000_000
    limit_source = "SQLite's longest string or blob, SQLITE_MAX_LENGTH"

    def __init__(self, url: str, *, timeout: float | None = None) -> None:
        path, options = parse_url(url)
        unknown = set(options) - {"timeout", "synchronous"}
        if unknown:
            raise ValueError(
                f"Unknown option(s) {sorted(unknown)} in {url!r}; use timeout= and synchronous=."
            )
        self.url = url
        self.dialect = _dialect()
        self.path = path
        self.timeout = float(options.get("timeout", 60.0) if timeout is None else timeout)
        self._synchronous = options.get("synchronous", "NORMAL").upper()
        if self._synchronous not in _SYNCHRONOUS:
            raise ValueError(f"synchronous= must be NORMAL or FULL; got {self._synchronous!r}.")
        self._memory = path == ":memory:"
        if not self._memory:
            directory = os.path.dirname(os.path.abspath(path))
            if not os.path.isdir(directory):
                raise StorageError(
                    f"The directory {directory!r} for the SQLite file {path!r} does not exist; "
                    "create it first."
                )
            check_local_filesystem(path)
            check_not_foreign(path)
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._lockfile: int | None = None
        self._pid = os.getpid()
        self._closed = False
        self._init_schema()

    # ---------------------------------------------------------------- connection
    def _connect(self) -> sqlite3.Connection:
        """A configured connection (raises sqlite3.Error, which ``_run`` retries or wraps)."""
        conn = sqlite3.connect(
            self.path,
            timeout=min(self.timeout, 5.0),
            isolation_level=None,
            check_same_thread=False,
        )
        try:
            if not self._memory:
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute(_SYNCHRONOUS[self._synchronous])
            conn.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            conn.close()
            raise
        return conn

    def _connection(self) -> sqlite3.Connection:
        """This process's connection (call with ``self._lock`` held)."""
        if self._closed:
            raise StorageError(f"{self!r} is closed.")
        if self._conn is None:
            self._conn = self._connect()
            if not self._memory and fcntl is not None:
                with contextlib.suppress(OSError):
                    self._lockfile = os.open(self.path + "-lock", os.O_RDWR | os.O_CREAT, 0o644)
        return self._conn

    def _check_fork(self) -> None:
        """In a forked child, leave the parent's connection alone and open our own."""
        if os.getpid() == self._pid:
            return
        self._pid = os.getpid()
        self._lock = threading.Lock()
        if self._conn is not None:
            # Closing it here could roll back or checkpoint on the parent's behalf.
            _INHERITED.append(self._conn)
            self._conn = None
        if self._lockfile is not None:
            # Our copy of the descriptor: closing it leaves the parent's flock in place.
            with contextlib.suppress(OSError):
                os.close(self._lockfile)
            self._lockfile = None

    @contextlib.contextmanager
    def _write_turn(self, deadline: float) -> Iterator[None]:
        """Wait for our turn to write on the ``-lock`` file (see the module docstring)."""
        fd = self._lockfile
        if fd is None:
            yield
            return
        got = _try_flock(fd, deadline)
        try:
            yield
        finally:
            if got:
                fcntl.flock(fd, fcntl.LOCK_UN)

    def _run(self, op: Callable[[Tx], T], *, write: bool, retry_integrity: bool = False) -> T:
        self._check_fork()
        deadline = time.monotonic() + self.timeout
        attempt = 0
        while True:
            with self._lock:
                try:
                    conn = self._connection()
                    if conn.in_transaction:  # left open by an interrupt we could not clean up
                        conn.execute("ROLLBACK")
                    if not write:  # each read is safe on its own: see SQLStorage.get_trials
                        return op(conn)
                    with self._write_turn(deadline):
                        try:
                            conn.execute("BEGIN IMMEDIATE")
                            result = op(conn)
                            conn.execute("COMMIT")
                        except BaseException:  # Ctrl+C included: never leave the lock held
                            if conn.in_transaction:
                                with contextlib.suppress(sqlite3.Error):
                                    conn.execute("ROLLBACK")
                            raise
                    return result
                except sqlite3.Error as e:
                    error = e
            again = _is_busy(error) or (
                retry_integrity and isinstance(error, sqlite3.IntegrityError) and attempt < 3
            )
            if not again or time.monotonic() >= deadline:
                raise _wrap(error, self.path) from error
            time.sleep(backoff(attempt))
            attempt += 1

    # ---------------------------------------------------------------- lifecycle
    def close(self) -> None:
        self._check_fork()
        with self._lock:
            self._closed = True
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            if self._lockfile is not None:
                os.close(self._lockfile)
                self._lockfile = None
