"""PostgreSQL and MySQL/MariaDB storage through SQLAlchemy Core (no ORM).

``postgresql://user:pass@host/db`` (or ``postgres://``) uses psycopg 3
(``hyperhop[postgres]``); ``mysql://`` and ``mariadb://`` use PyMySQL
(``hyperhop[mysql]``); a URL that names its driver (``postgresql+psycopg2://``) keeps it.

Design:

- A pooled engine; each storage call is one transaction on one pooled connection, with
  READ COMMITTED isolation (MySQL's default, REPEATABLE READ, would make a writer that
  waited for the study lock read an old snapshot). On PostgreSQL, reads (each safe
  statement by statement, see :meth:`SQLStorage.get_trials`) run in autocommit, saving
  the ``BEGIN``/``ROLLBACK`` round trips (half the time of a one-row read).
- The statements are the shared constants of :mod:`hyperhop.storage.sql`; each becomes a
  ``text()`` clause once, so SQLAlchemy's compiled cache and psycopg's prepared statements
  serve every later call.
- Serialization failures, deadlocks, lock timeouts and dropped connections are retried
  with jittered exponential backoff, at most 12 times and ``timeout`` seconds; any other
  driver error is raised as StorageError (``from`` the original).
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from hyperhop.exceptions import MissingDependencyError, StorageError, StorageFullError
from hyperhop.storage.sql import (
    MYSQL_TABLE_EXISTS,
    MYSQL_TYPES,
    POSTGRES_TABLE_EXISTS,
    POSTGRES_TYPES,
    Dialect,
    Result,
    SQLStorage,
    Tx,
    backoff,
)

T = TypeVar("T")

_DRIVERS = {"postgresql": "postgresql+psycopg", "postgres": "postgresql+psycopg"}
_DRIVERS.update(mysql="mysql+pymysql", mariadb="mysql+pymysql")
_EXTRAS = {"postgresql": "postgres", "postgres": "postgres", "mysql": "mysql", "mariadb": "mysql"}

_PG_RETRY = frozenset({"40001", "40P01", "55P03"})  # serialization, deadlock, lock not available
_MYSQL_RETRY = frozenset({1205, 1213})  # lock wait timeout, deadlock
_PG_FULL = frozenset({"53100"})  # disk_full
_MYSQL_FULL = frozenset({1021, 1114})  # disk full, table full
_MAX_ATTEMPTS = 12
_MYSQL_PACKET = "SELECT @@max_allowed_packet"
_STATEMENT_ROOM = 65_536
_MYSQL_ESCAPED = ("\\", "'", '"', "\x00", "\n", "\r", "\x1a")
"""What the MySQL driver escapes in a string or bytes literal (each adds one byte)."""

# Serializes the first creation of the schema between processes (an arbitrary constant).
_PG_SCHEMA_LOCK = "SELECT pg_advisory_xact_lock(7342186001)"

_POSTGRES = Dialect(
    name="postgresql",
    types=POSTGRES_TYPES,
    update_returning=True,
    insert_returning=True,
    table_exists=POSTGRES_TABLE_EXISTS,
)
_MYSQL = Dialect(
    name="mysql",
    types=MYSQL_TYPES,
    update_returning=False,
    insert_returning=False,
    table_exists=MYSQL_TABLE_EXISTS,
    separate_indexes=False,
)


def normalize_url(url: str) -> str:
    """Name the default driver: ``postgresql://`` -> ``postgresql+psycopg://`` and
    ``mysql://``/``mariadb://`` -> ``mysql+pymysql://``; a named driver is kept."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError(f"A database URL looks like 'postgresql://user@host/db'. Got {url!r}.")
    base, plus, driver = scheme.partition("+")
    base = base.lower()
    if base not in _EXTRAS:
        raise ValueError(
            f"RDBStorage takes postgresql://, postgres://, mysql:// or mariadb:// URLs. Got {url!r}."
        )
    if plus:
        return f"{'postgresql' if base == 'postgres' else base}+{driver}://{rest}"
    return f"{_DRIVERS[base]}://{rest}"


@functools.lru_cache(maxsize=256)
def _text(sql: str) -> Any:
    from sqlalchemy import text

    return text(sql)


class _Tx:
    """A SQLAlchemy connection seen through the :class:`~hyperhop.storage.sql.Tx` protocol."""

    __slots__ = ("_conn",)

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Mapping[str, Any] | None = None, /) -> Result:
        result: Result = self._conn.execute(_text(sql), params or {})
        return result


class RDBStorage(SQLStorage):
    """Studies and trials in PostgreSQL or MySQL/MariaDB, shared by any number of workers.

    Size limits (:attr:`max_value_bytes`): PostgreSQL stores up to 1 GB in a field; MySQL
    takes no statement longer than the server's ``max_allowed_packet`` (read when the
    storage opens).

    Args:
        url: ``postgresql://...``, ``mysql://...`` or ``mariadb://...``.
        timeout: seconds a call may spend retrying lock conflicts before StorageError.
        engine_kwargs: passed to :func:`sqlalchemy.create_engine` (pool size and so on).
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 60.0,
        engine_kwargs: Mapping[str, Any] | None = None,
    ) -> None:
        full = normalize_url(url)
        base = url.partition("://")[0].partition("+")[0].lower()
        extra = _EXTRAS[base]
        try:
            import sqlalchemy as sa
        except ImportError as e:
            raise MissingDependencyError(
                f"The {base} storage needs SQLAlchemy: pip install hyperhop[{extra}]"
            ) from e
        self._sa = sa
        self.timeout = float(timeout)
        sa_url = sa.engine.make_url(full)
        self.url = sa_url.render_as_string(hide_password=True)
        mysql = sa_url.get_backend_name() in ("mysql", "mariadb")
        self.dialect = _MYSQL if mysql else _POSTGRES
        kwargs: dict[str, Any] = {
            "isolation_level": "READ COMMITTED",
            "pool_size": 8,
            "max_overflow": 32,
            "pool_recycle": 3600,
        }
        if mysql and "charset" not in sa_url.query:
            sa_url = sa_url.update_query_dict({"charset": "utf8mb4"})
        kwargs.update(engine_kwargs or {})
        try:
            self._engine = sa.create_engine(sa_url, **kwargs)
        except ImportError as e:
            raise MissingDependencyError(
                f"The {base} storage needs its database driver ({e.name or e}): "
                f"pip install hyperhop[{extra}]"
            ) from e
        # psycopg switches autocommit on the client side, PyMySQL with a round trip each way.
        self._reader = (
            self._engine if mysql else self._engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        self._pid = os.getpid()
        try:
            self._init_schema(None if mysql else self._lock_schema)
            if mysql:
                self._read_packet_limit()
        except BaseException:
            self._engine.dispose()
            raise

    def _read_packet_limit(self) -> None:
        """MySQL refuses a statement longer than its ``max_allowed_packet`` by dropping the
        connection: measure values against it (less room for the rest of the statement)."""
        packet = int(self._run(lambda tx: tx.execute(_MYSQL_PACKET).fetchone()[0], write=False))
        self.max_value_bytes = max(packet - _STATEMENT_ROOM, 0)
        self.limit_source = (
            f"the server's max_allowed_packet of {packet:,} bytes, less "
            f"{_STATEMENT_ROOM:,} for the rest of the statement"
        )

    max_value_bytes: int | None = 1_073_741_823
    limit_source = "PostgreSQL's 1 GB limit on one field"

    def _wire_size(self, value: str | bytes) -> int:
        if self.dialect is not _MYSQL:
            return len(value)
        if isinstance(value, str):
            return len(value) + sum(value.count(c) for c in _MYSQL_ESCAPED)
        return len(value) + sum(value.count(c.encode()) for c in _MYSQL_ESCAPED)

    @staticmethod
    def _lock_schema(tx: Tx) -> None:
        tx.execute(_PG_SCHEMA_LOCK)

    # ---------------------------------------------------------------- transactions
    def _run(self, op: Callable[[Tx], T], *, write: bool, retry_integrity: bool = False) -> T:
        sa = self._sa
        if os.getpid() != self._pid:  # a forked child must not share the parent's sockets
            self._pid = os.getpid()
            self._engine.dispose(close=False)
        deadline = time.monotonic() + self.timeout
        attempt = 0
        while True:
            try:
                if write:
                    with self._engine.begin() as conn:
                        return op(_Tx(conn))
                with self._reader.connect() as conn:
                    return op(_Tx(conn))
            except sa.exc.DBAPIError as e:
                again = self._retryable(e, retry_integrity, attempt)
                if not again or attempt + 1 >= _MAX_ATTEMPTS or time.monotonic() >= deadline:
                    raise self._wrap(e) from e
            except sa.exc.SQLAlchemyError as e:
                raise StorageError(f"{self.url}: {e}") from e
            time.sleep(backoff(attempt, base=0.002))
            attempt += 1

    def _retryable(self, e: Any, retry_integrity: bool, attempt: int) -> bool:
        if e.connection_invalidated:
            return True
        if isinstance(e, self._sa.exc.IntegrityError):
            return retry_integrity and attempt < 3
        orig = e.orig
        if self.dialect is _POSTGRES:
            return getattr(orig, "sqlstate", None) in _PG_RETRY
        code = orig.args[0] if getattr(orig, "args", None) else None
        return code in _MYSQL_RETRY

    def _wrap(self, e: Any) -> StorageError:
        orig = e.orig
        code = getattr(orig, "sqlstate", None)
        if code is None and getattr(orig, "args", None):
            code = orig.args[0]
        msg = f"{self.url}: {type(orig).__name__}: {orig}"
        if code in _PG_FULL or code in _MYSQL_FULL:
            return StorageFullError(msg)
        return StorageError(msg)

    # ---------------------------------------------------------------- lifecycle
    def close(self) -> None:
        self._engine.dispose()
