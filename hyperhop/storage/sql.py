"""The SQL schema and logic shared by the SQLite and the SQLAlchemy (PostgreSQL, MySQL) backends.

A backend only supplies :meth:`SQLStorage._run`: run one function inside one transaction
(``BEGIN IMMEDIATE`` for SQLite writers, a pooled connection for a server), retry it on a
lock or serialization conflict, and wrap the driver's exceptions. Everything else (the
statements, number allocation, compare-and-set, incremental reads) lives here, once.

Locking: every change to a study's trials first bumps the study row's ``seq`` (an
``UPDATE`` that holds the row lock until commit). That one statement serializes the
writers of a study, gives each change its sequence number (stamped on the trial, which is
what makes ``get_trials(since=)`` incremental) and, for a new trial, allocates its number
from ``n_trials``. Studies are always locked before trials, and several studies in id
order, so the servers cannot deadlock on our own statements. ``UNIQUE(study_id, number)``
and ``UNIQUE(study_id, enqueue_hash)`` keep the invariants even if that ever failed.

Every statement is a constant with ``:named`` parameters; names and keys are data, bound
as parameters. Long names (a study may be called by a 10,000-character string) are made
unique through a SHA-256 column, which every server can index.
"""

from __future__ import annotations

import abc
import dataclasses
import hashlib
import random
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from hyperhop.exceptions import (
    BudgetReachedError,
    CorruptStateError,
    DuplicateStudyError,
    IncompatibleFormatError,
    StudyNotFoundError,
    TrialNotFoundError,
)
from hyperhop.storage import codec
from hyperhop.storage.base import (
    NOT_RUN_PREFIXES,
    SCHEMA_VERSION,
    Storage,
    StudyInfo,
    StudySummary,
    TrialCap,
    check_cas,
    check_size,
    check_text,
)
from hyperhop.trial import Trial, TrialError, TrialState

T = TypeVar("T")


class Result(Protocol):
    """What a driver's ``execute`` returns (a DB-API cursor or a SQLAlchemy result)."""

    @property
    def rowcount(self) -> int: ...

    @property
    def lastrowid(self) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> Any: ...


class Tx(Protocol):
    """One open transaction: executes a ``:named``-parameter statement."""

    def execute(self, sql: str, params: Mapping[str, Any] = ..., /) -> Result: ...


@dataclass(frozen=True)
class Dialect:
    """The few things that differ between the SQL servers."""

    name: str
    types: Mapping[str, str]
    update_returning: bool
    """``UPDATE ... RETURNING`` works (PostgreSQL, SQLite >= 3.35; not MySQL/MariaDB)."""
    insert_returning: bool
    """The new id comes from ``INSERT ... RETURNING id`` rather than ``lastrowid``."""
    table_exists: str
    separate_indexes: bool = True


# --------------------------------------------------------------------------- schema

_DDL_META = """CREATE TABLE IF NOT EXISTS hyperhop_meta (
    name {short} NOT NULL PRIMARY KEY,
    value {text} NOT NULL
){opts}"""

_DDL_STUDIES = """CREATE TABLE IF NOT EXISTS hyperhop_studies (
    id {id},
    name {text} NOT NULL,
    name_hash {short} NOT NULL UNIQUE,
    directions {text} NOT NULL,
    space {text},
    attrs {text} NOT NULL,
    seq {bigint} NOT NULL,
    n_trials {bigint} NOT NULL,
    created {double} NOT NULL
){opts}"""

_DDL_TRIALS = """CREATE TABLE IF NOT EXISTS hyperhop_trials (
    id {id},
    study_id {bigint} NOT NULL,
    number {bigint} NOT NULL,
    state {short} NOT NULL,
    params {text} NOT NULL,
    vals {text},
    intermediate {text} NOT NULL,
    user_attrs {text} NOT NULL,
    system_attrs {text} NOT NULL,
    error {text},
    owner {text},
    heartbeat {double},
    datetime_start {double},
    datetime_complete {double},
    enqueue_key {text},
    enqueue_hash {short},
    retried_from {bigint},
    seq {bigint} NOT NULL,
    UNIQUE (study_id, number),
    UNIQUE (study_id, enqueue_hash),
    FOREIGN KEY (study_id) REFERENCES hyperhop_studies (id) ON DELETE CASCADE{inline_indexes}
){opts}"""

_DDL_ATTACHMENTS = """CREATE TABLE IF NOT EXISTS hyperhop_attachments (
    trial_id {bigint} NOT NULL,
    name {text} NOT NULL,
    name_hash {short} NOT NULL,
    data {blob} NOT NULL,
    PRIMARY KEY (trial_id, name_hash),
    FOREIGN KEY (trial_id) REFERENCES hyperhop_trials (id) ON DELETE CASCADE
){opts}"""

_DDL_INDEXES = (
    "CREATE INDEX IF NOT EXISTS hyperhop_trials_seq ON hyperhop_trials (study_id, seq)",
    "CREATE INDEX IF NOT EXISTS hyperhop_trials_state ON hyperhop_trials (study_id, state, number)",
)
_INLINE_INDEXES = (
    ",\n    INDEX hyperhop_trials_seq (study_id, seq),"
    "\n    INDEX hyperhop_trials_state (study_id, state, number)"
)

SQLITE_TYPES = {
    "id": "INTEGER PRIMARY KEY AUTOINCREMENT",
    "bigint": "INTEGER",
    "short": "TEXT",
    "text": "TEXT",
    "double": "REAL",
    "blob": "BLOB",
    "opts": "",
}
POSTGRES_TYPES = {
    "id": "BIGSERIAL PRIMARY KEY",
    "bigint": "BIGINT",
    "short": "VARCHAR(64)",
    "text": "TEXT",
    "double": "DOUBLE PRECISION",
    "blob": "BYTEA",
    "opts": "",
}
MYSQL_TYPES = {
    "id": "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY",
    "bigint": "BIGINT",
    "short": "VARCHAR(64)",
    "text": "LONGTEXT",
    "double": "DOUBLE",
    "blob": "LONGBLOB",
    "opts": " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
}

SQLITE_TABLE_EXISTS = (
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'hyperhop_meta'"
)
POSTGRES_TABLE_EXISTS = (
    "SELECT COUNT(*) FROM information_schema.tables "
    "WHERE table_schema = current_schema() AND table_name = 'hyperhop_meta'"
)
MYSQL_TABLE_EXISTS = (
    "SELECT COUNT(*) FROM information_schema.tables "
    "WHERE table_schema = DATABASE() AND table_name = 'hyperhop_meta'"
)


def ddl(dialect: Dialect) -> list[str]:
    """The statements that create the schema (idempotent: ``IF NOT EXISTS``)."""
    slots = dict(dialect.types)
    slots["inline_indexes"] = "" if dialect.separate_indexes else _INLINE_INDEXES
    out = [t.format(**slots) for t in (_DDL_META, _DDL_STUDIES, _DDL_TRIALS, _DDL_ATTACHMENTS)]
    if dialect.separate_indexes:
        out.extend(_DDL_INDEXES)
    return out


# --------------------------------------------------------------------------- statements

_GET_VERSION = "SELECT value FROM hyperhop_meta WHERE name = 'schema_version'"
_SET_VERSION = "INSERT INTO hyperhop_meta (name, value) VALUES ('schema_version', :v)"

_STUDY_BY_HASH = (
    "SELECT id, name, directions, space, attrs, created FROM hyperhop_studies WHERE name_hash = :h"
)
_STUDY_BY_ID = (
    "SELECT id, name, directions, space, attrs, created FROM hyperhop_studies WHERE id = :sid"
)
_ALL_STUDIES = (
    "SELECT id, name, directions, space, attrs, created FROM hyperhop_studies ORDER BY id"
)
_COUNTS = "SELECT study_id, state, COUNT(*) FROM hyperhop_trials GROUP BY study_id, state"
_INSERT_STUDY = (
    "INSERT INTO hyperhop_studies (name, name_hash, directions, space, attrs, seq, n_trials, "
    "created) VALUES (:name, :h, :directions, :space, '{}', 0, 0, :created)"
)
_INSERT_STUDY_RETURNING = _INSERT_STUDY + " RETURNING id"
_DELETE_STUDY = "DELETE FROM hyperhop_studies WHERE id = :sid"
_STUDY_ATTRS = "SELECT attrs FROM hyperhop_studies WHERE id = :sid"
_SET_STUDY_ATTRS = "UPDATE hyperhop_studies SET attrs = :attrs WHERE id = :sid"

# The study-row lock: bumps the sequence (and, for a new trial, the trial count).
_BUMP = "UPDATE hyperhop_studies SET seq = seq + 1, n_trials = n_trials + :n WHERE id = :sid"
_BUMP_RETURNING = _BUMP + " RETURNING seq, n_trials"
_SEQ = "SELECT seq, n_trials FROM hyperhop_studies WHERE id = :sid"
_STUDY_OF_TRIAL = "SELECT study_id FROM hyperhop_trials WHERE id = :id"
_BUMP_FOR_TRIAL_RETURNING = (
    "UPDATE hyperhop_studies SET seq = seq + 1 "
    "WHERE id = (SELECT study_id FROM hyperhop_trials WHERE id = :id) RETURNING id, seq"
)

_TRIAL_COLUMNS = (
    "id, study_id, number, state, params, vals, intermediate, user_attrs, system_attrs, "
    "error, owner, heartbeat, datetime_start, datetime_complete, enqueue_key, retried_from, seq"
)
"""The trial columns in the order :func:`row_to_trial` reads (the SELECTs below spell them
out: ruff's S608 rejects a SELECT built by concatenation)."""
_TRIAL_BY_ID = (
    "SELECT id, study_id, number, state, params, vals, intermediate, user_attrs, system_attrs, "
    "error, owner, heartbeat, datetime_start, datetime_complete, enqueue_key, retried_from, seq "
    "FROM hyperhop_trials WHERE id = :id"
)
_TRIAL_BY_KEY = (
    "SELECT id, study_id, number, state, params, vals, intermediate, user_attrs, system_attrs, "
    "error, owner, heartbeat, datetime_start, datetime_complete, enqueue_key, retried_from, seq "
    "FROM hyperhop_trials WHERE study_id = :sid AND enqueue_hash = :h"
)
_TRIALS_SINCE = (
    "SELECT id, study_id, number, state, params, vals, intermediate, user_attrs, system_attrs, "
    "error, owner, heartbeat, datetime_start, datetime_complete, enqueue_key, retried_from, seq "
    "FROM hyperhop_trials WHERE study_id = :sid AND seq > :since ORDER BY number"
)
_INSERT_TRIAL = (
    "INSERT INTO hyperhop_trials (study_id, number, state, params, vals, intermediate, "
    "user_attrs, system_attrs, error, owner, heartbeat, datetime_start, datetime_complete, "
    "enqueue_key, enqueue_hash, retried_from, seq) VALUES (:sid, :number, :state, :params, "
    "NULL, '{}', '{}', :system_attrs, NULL, :owner, :now, :now, NULL, :key, :h, :retried_from, "
    ":seq)"
)
_INSERT_TRIAL_RETURNING = _INSERT_TRIAL + " RETURNING id"
_FIRST_QUEUED = (
    "SELECT s.id, (SELECT MIN(number) FROM hyperhop_trials "
    "WHERE study_id = s.id AND state = 'QUEUED') FROM hyperhop_studies s WHERE s.id = :sid"
)
_QUEUED_BY_NUMBER = (
    "SELECT id FROM hyperhop_trials WHERE study_id = :sid AND state = 'QUEUED' "
    "ORDER BY number LIMIT 1"
)
_CLAIM = (
    "UPDATE hyperhop_trials SET state = 'RUNNING', owner = :owner, heartbeat = :now, "
    "datetime_start = :now, seq = :seq WHERE id = :id AND state = 'QUEUED'"
)
_UPDATE_TRIAL = (
    "UPDATE hyperhop_trials SET state = :state, vals = :vals, error = :error, "
    "intermediate = :intermediate, user_attrs = :user_attrs, system_attrs = :system_attrs, "
    "heartbeat = :heartbeat, datetime_complete = :datetime_complete, seq = :seq "
    "WHERE id = :id AND state = :expect_state"
)
# The common change (a state, values, an error, a heartbeat) in one statement, the
# compare-and-set in its WHERE clause, for the servers with UPDATE ... RETURNING.
_CHANGE_TRIAL = (
    "UPDATE hyperhop_trials SET state = :state, vals = COALESCE(:vals, vals), "
    "error = COALESCE(:error, error), heartbeat = COALESCE(:heartbeat, heartbeat), "
    "datetime_complete = COALESCE(:datetime_complete, datetime_complete), seq = :seq "
    "WHERE id = :id AND state = :expect_state"
)
_AND_OWNER = " AND owner = :expect_owner"
_AND_HEARTBEAT = " AND heartbeat = :expect_heartbeat"
_RETURNING_TRIAL = " RETURNING " + _TRIAL_COLUMNS
_HELD = (
    "SELECT study_id FROM hyperhop_trials WHERE id = :id AND state = 'RUNNING' AND owner = :owner"
)
_HEARTBEAT = (
    "UPDATE hyperhop_trials SET heartbeat = :now, seq = :seq "
    "WHERE id = :id AND state = 'RUNNING' AND owner = :owner"
)
_TRIAL_EXISTS = "SELECT id FROM hyperhop_trials WHERE id = :id"
_DELETE_ATTACHMENT = "DELETE FROM hyperhop_attachments WHERE trial_id = :id AND name_hash = :h"
_INSERT_ATTACHMENT = (
    "INSERT INTO hyperhop_attachments (trial_id, name, name_hash, data) "
    "VALUES (:id, :name, :h, :data)"
)
_GET_ATTACHMENT = (
    "SELECT name, data FROM hyperhop_attachments WHERE trial_id = :id AND name_hash = :h"
)
_LIST_ATTACHMENTS = "SELECT name FROM hyperhop_attachments WHERE trial_id = :id"

# A budget (TrialCap): of the study's n_trials, those that hold no place. Each count is an
# index range on (study_id, state): fresh QUEUED trials, FAILED ones that did not run (or
# every FAILED one when failures do not count), PRUNED ones when they do not count.
_NOT_HOLDING = (
    "SELECT (SELECT COUNT(*) FROM hyperhop_trials WHERE study_id = :sid AND state = 'QUEUED' "
    "AND retried_from IS NULL), (SELECT COUNT(*) FROM hyperhop_trials WHERE study_id = :sid "
    "AND state = 'FAILED' AND (:failed = 0 OR error LIKE :nr0 OR error LIKE :nr1)), "
    "(SELECT COUNT(*) FROM hyperhop_trials WHERE study_id = :sid AND state = 'PRUNED' "
    "AND :pruned = 0)"
)
_QUEUED_RETRY_BY_NUMBER = (
    "SELECT id FROM hyperhop_trials WHERE study_id = :sid AND state = 'QUEUED' "
    "AND retried_from IS NOT NULL ORDER BY number LIMIT 1"
)


# --------------------------------------------------------------------------- helpers


def name_hash(text: str) -> str:
    """The SHA-256 hex digest that indexes a (possibly very long) name."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def backoff(attempt: int, base: float = 0.001, cap: float = 0.25) -> float:
    """Seconds to wait before retry ``attempt`` (0-based): full jitter, exponential, capped."""
    return random.uniform(0.0, min(cap, base * 2.0**attempt))


def _json_dict(text: str | bytes | None) -> dict[str, Any]:
    """A JSON object column (TypeError when it holds anything else)."""
    if text is None or text == "{}":
        return {}
    out = codec.loads(text)
    if not isinstance(out, dict):
        raise TypeError(f"expected a JSON object, found {type(out).__name__}")
    return out


def _float_or_none(x: Any) -> float | None:
    return None if x is None else float(x)


def _corrupt(what: str, row_id: Any, column: str, e: Exception, source: str) -> CorruptStateError:
    return CorruptStateError(
        f"{source}: {what} row id {row_id!r:.40}, column {column!r}, cannot be read "
        f"({type(e).__name__}: {e!s:.200}); it was not written by hyperhop."
    )


_STATES = {s.value: s for s in TrialState}


def row_to_trial(row: Sequence[Any], source: str = "storage") -> Trial:
    """A :class:`Trial` from a row in the column order of the trial SELECTs above; a column
    that does not decode raises CorruptStateError naming the row and the column."""
    column = "params"
    try:
        # one string object per label and per owner, not one per trial (35 MB at 100k)
        params = {sys.intern(k): v for k, v in _json_dict(row[4]).items()}
        column = "vals"
        vals = codec.loads(row[5])
        values = None if vals is None else tuple(float(v) for v in vals)
        column = "intermediate"
        intermediate = {int(k): float(v) for k, v in _json_dict(row[6]).items()}
        column = "user_attrs"
        user_attrs = _json_dict(row[7])
        column = "system_attrs"
        system_attrs = _json_dict(row[8])
        column = "error"
        error = TrialError.from_json(codec.loads(row[9]))
        column = "state"
        state = _STATES.get(row[3]) or TrialState(row[3])  # the call raises for a bad value
        column = "heartbeat"
        heartbeat = _float_or_none(row[11])
        column = "datetime_start"
        start = _float_or_none(row[12])
        column = "datetime_complete"
        complete = _float_or_none(row[13])
    except (ValueError, TypeError, AttributeError) as e:
        raise _corrupt("trial", row[0], column, e, source) from e
    return Trial(
        id=int(row[0]),
        study_id=int(row[1]),
        number=int(row[2]),
        state=state,
        assignment=params,
        values=values,
        intermediate=intermediate,
        user_attrs=user_attrs,
        system_attrs=system_attrs,
        error=error,
        owner=None if row[10] is None else sys.intern(row[10]),
        heartbeat=heartbeat,
        datetime_start=start,
        datetime_complete=complete,
        enqueue_key=row[14],
        retried_from=None if row[15] is None else int(row[15]),
        seq=int(row[16]),
    )


def row_to_study(row: Sequence[Any], source: str = "storage") -> StudyInfo:
    """A :class:`StudyInfo` from a row in the column order of the study SELECTs above."""
    column = "directions"
    try:
        directions = tuple(str(d) for d in codec.loads(row[2]))
        column = "space"
        space = codec.loads(row[3])
        column = "attrs"
        attrs = _json_dict(row[4])
    except (ValueError, TypeError, AttributeError) as e:
        raise _corrupt("study", row[0], column, e, source) from e
    return StudyInfo(
        id=int(row[0]),
        name=row[1],
        directions=directions,
        space=space,
        attrs=attrs,
        created=_float_or_none(row[5]),
    )


# --------------------------------------------------------------------------- the storage


class SQLStorage(Storage):
    """The storage contract on a SQL database; subclasses provide transactions."""

    dialect: Dialect

    @abc.abstractmethod
    def _run(self, op: Callable[[Tx], T], *, write: bool, retry_integrity: bool = False) -> T:
        """Run ``op`` in one transaction and commit; retry on lock conflicts (and, with
        ``retry_integrity``, on a unique-constraint race); wrap driver errors as
        StorageError. Exceptions raised by ``op`` itself roll back and propagate."""

    # ---------------------------------------------------------------- schema
    def _init_schema(self, lock: Callable[[Tx], None] | None = None) -> None:
        """Create the tables when absent and check the stored format version."""

        def read(tx: Tx) -> int | None:
            if not tx.execute(self.dialect.table_exists).fetchone()[0]:
                return None
            row = tx.execute(_GET_VERSION).fetchone()
            if row is None:
                return None
            try:
                return int(row[0])
            except ValueError:
                raise IncompatibleFormatError(
                    f"{self.url} has an unreadable storage format version {row[0]!r:.40}; this "
                    f"hyperhop reads and writes version {SCHEMA_VERSION}."
                ) from None

        def create(tx: Tx) -> int | None:
            if lock is not None:
                lock(tx)
            found = read(tx)
            if found is None:
                for statement in ddl(self.dialect):
                    tx.execute(statement)
                tx.execute(_SET_VERSION, {"v": str(SCHEMA_VERSION)})
            return found

        found = self._run(read, write=False)
        if found is None:
            found = self._run(create, write=True, retry_integrity=True)
        if found is not None and found != SCHEMA_VERSION:
            newer = found > SCHEMA_VERSION
            raise IncompatibleFormatError(
                f"{self.url} was written with storage format version {found}, but this "
                f"hyperhop reads and writes version {SCHEMA_VERSION}"
                + (": upgrade hyperhop to open it." if newer else " and has no upgrade from it.")
            )

    def _bump(self, tx: Tx, study_id: int, new_trial: bool = False) -> tuple[int, int] | None:
        """Lock the study row and take its next sequence number; ``(seq, n_trials)``."""
        p = {"sid": study_id, "n": 1 if new_trial else 0}
        if self.dialect.update_returning:
            row = tx.execute(_BUMP_RETURNING, p).fetchone()
        else:
            if tx.execute(_BUMP, p).rowcount == 0:
                return None
            row = tx.execute(_SEQ, {"sid": study_id}).fetchone()
        return None if row is None else (int(row[0]), int(row[1]))

    def _bump_for_trial(self, tx: Tx, trial_id: int) -> tuple[int, int] | None:
        """Lock the study of a trial and take its next sequence number; ``(study_id, seq)``."""
        if self.dialect.update_returning:
            row = tx.execute(_BUMP_FOR_TRIAL_RETURNING, {"id": trial_id}).fetchone()
            return None if row is None else (int(row[0]), int(row[1]))
        row = tx.execute(_STUDY_OF_TRIAL, {"id": trial_id}).fetchone()
        if row is None:
            return None
        bumped = self._bump(tx, int(row[0]))
        return None if bumped is None else (int(row[0]), bumped[0])

    def _wire_size(self, value: str | bytes) -> int:
        """The bytes a value takes in a statement (stored JSON text is ASCII)."""
        return len(value)

    def _cap_used(self, tx: Tx, study_id: int, n_trials: int, cap: TrialCap) -> int:
        """How many of the study's ``n_trials`` trials hold a place of ``cap``."""
        p = {
            "sid": study_id,
            "failed": int(cap.failed),
            "pruned": int(cap.pruned),
            "nr0": NOT_RUN_PREFIXES[0],
            "nr1": NOT_RUN_PREFIXES[1],
        }
        row = tx.execute(_NOT_HOLDING, p).fetchone()
        return n_trials - sum(int(x) for x in row)

    def _insert(self, tx: Tx, plain: str, returning: str, params: Mapping[str, Any]) -> int:
        if self.dialect.insert_returning:
            return int(tx.execute(returning, params).fetchone()[0])
        return int(tx.execute(plain, params).lastrowid)

    def _missing_study(self, study_id: int) -> StudyNotFoundError:
        return StudyNotFoundError(f"No study with id {study_id} in {self.url}.")

    def _missing_trial(self, trial_id: int) -> TrialNotFoundError:
        return TrialNotFoundError(f"No trial with id {trial_id} in {self.url}.")

    # ---------------------------------------------------------------- studies
    def create_study(
        self,
        name: str,
        directions: Sequence[str],
        space: Any = None,
        *,
        load_if_exists: bool = True,
    ) -> tuple[StudyInfo, bool]:
        check_text(name, "study name")
        h = name_hash(name)
        space_text = codec.dumps(space)
        dirs = [str(d) for d in directions]

        def op(tx: Tx) -> tuple[StudyInfo, bool]:
            row = tx.execute(_STUDY_BY_HASH, {"h": h}).fetchone()
            if row is not None:
                if not load_if_exists:
                    raise DuplicateStudyError(
                        f"A study named {name!r:.200} already exists in {self.url}."
                    )
                return row_to_study(row, self.url), False
            now = time.time()
            params = {
                "name": name,
                "h": h,
                "directions": codec.dumps(dirs),
                "space": space_text,
                "created": now,
            }
            sid = self._insert(tx, _INSERT_STUDY, _INSERT_STUDY_RETURNING, params)
            info = StudyInfo(sid, name, tuple(dirs), codec.loads(space_text), {}, now)
            return info, True

        return self._run(op, write=True, retry_integrity=True)

    def get_study(self, name: str) -> StudyInfo:
        h = name_hash(name)
        row = self._run(lambda tx: tx.execute(_STUDY_BY_HASH, {"h": h}).fetchone(), write=False)
        if row is None:
            raise StudyNotFoundError(f"No study named {name!r:.200} in {self.url}.")
        return row_to_study(row, self.url)

    def get_study_by_id(self, study_id: int) -> StudyInfo:
        row = self._run(
            lambda tx: tx.execute(_STUDY_BY_ID, {"sid": study_id}).fetchone(), write=False
        )
        if row is None:
            raise self._missing_study(study_id)
        return row_to_study(row, self.url)

    def list_studies(self) -> list[StudySummary]:
        def op(tx: Tx) -> tuple[list[Any], list[Any]]:
            return tx.execute(_ALL_STUDIES).fetchall(), tx.execute(_COUNTS).fetchall()

        studies, counts = self._run(op, write=False)
        by_study: dict[int, dict[str, int]] = {}
        for sid, state, n in counts:
            by_study.setdefault(int(sid), {})[str(state)] = int(n)
        return [
            StudySummary(row_to_study(r, self.url), by_study.get(int(r[0]), {})) for r in studies
        ]

    def delete_study(self, study_id: int) -> None:
        def op(tx: Tx) -> None:
            if tx.execute(_DELETE_STUDY, {"sid": study_id}).rowcount == 0:
                raise self._missing_study(study_id)

        self._run(op, write=True)

    def set_study_attr(self, study_id: int, key: str, value: Any) -> None:
        encoded = codec.loads(codec.dumps(value))

        def op(tx: Tx) -> None:
            if self._bump(tx, study_id) is None:
                raise self._missing_study(study_id)
            try:
                attrs = _json_dict(tx.execute(_STUDY_ATTRS, {"sid": study_id}).fetchone()[0])
            except (ValueError, TypeError) as e:
                raise _corrupt("study", study_id, "attrs", e, self.url) from e
            attrs[key] = encoded
            tx.execute(_SET_STUDY_ATTRS, {"sid": study_id, "attrs": codec.dumps(attrs)})

        self._run(op, write=True)

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
        running = state is TrialState.RUNNING
        params_text = codec.dumps(dict(assignment))
        sys_text = codec.dumps(dict(system_attrs or {}))
        size = self._wire_size(params_text) + self._wire_size(sys_text)
        check_size(self, size, "A new trial's parameters")
        owner = check_text(owner, "trial owner") if running and owner is not None else None
        h = None if enqueue_key is None else name_hash(check_text(enqueue_key, "enqueue key"))

        def op(tx: Tx) -> Trial:
            if h is not None:
                row = tx.execute(_TRIAL_BY_KEY, {"sid": study_id, "h": h}).fetchone()
                if row is not None:
                    return row_to_trial(row, self.url)
            bumped = self._bump(tx, study_id, new_trial=True)
            if bumped is None:
                raise self._missing_study(study_id)
            seq, n_trials = bumped
            if cap is not None and self._cap_used(tx, study_id, n_trials - 1, cap) >= cap.goal:
                raise BudgetReachedError(f"The study's budget of {cap.goal} trials is taken.")
            now = time.time() if running else None
            values = {
                "sid": study_id,
                "number": n_trials - 1,
                "state": state.value,
                "params": params_text,
                "system_attrs": sys_text,
                "owner": owner,
                "now": now,
                "key": enqueue_key,
                "h": h,
                "retried_from": retried_from,
                "seq": seq,
            }
            tid = self._insert(tx, _INSERT_TRIAL, _INSERT_TRIAL_RETURNING, values)
            return Trial(
                id=tid,
                number=n_trials - 1,
                study_id=study_id,
                state=state,
                assignment=_json_dict(params_text),
                system_attrs=_json_dict(sys_text),
                owner=owner,
                heartbeat=now,
                datetime_start=now,
                enqueue_key=enqueue_key,
                retried_from=retried_from,
                seq=seq,
            )

        # A unique-key race on the enqueue key rolls back; the retry finds the winner's trial.
        return self._run(op, write=True, retry_integrity=h is not None)

    def claim_queued_trial(
        self, study_id: int, owner: str, cap: TrialCap | None = None
    ) -> Trial | None:
        check_text(owner, "trial owner")
        row = self._run(
            lambda tx: tx.execute(_FIRST_QUEUED, {"sid": study_id}).fetchone(), write=False
        )
        if row is None:
            raise self._missing_study(study_id)
        if row[1] is None:  # nothing queued: no write transaction at all
            return None

        def op(tx: Tx) -> Trial | None:
            bumped = self._bump(tx, study_id)
            if bumped is None:
                raise self._missing_study(study_id)
            found = tx.execute(_QUEUED_BY_NUMBER, {"sid": study_id}).fetchone()
            if found is None:
                return None
            if cap is not None and self._cap_used(tx, study_id, bumped[1], cap) >= cap.goal:
                # only a queued retry (it holds its place already) may start
                found = tx.execute(_QUEUED_RETRY_BY_NUMBER, {"sid": study_id}).fetchone()
                if found is None:
                    raise BudgetReachedError(f"The study's budget of {cap.goal} trials is taken.")
            now = time.time()
            p = {"id": found[0], "owner": owner, "now": now, "seq": bumped[0]}
            if tx.execute(_CLAIM, p).rowcount != 1:  # cannot happen under the study lock
                return None
            return row_to_trial(tx.execute(_TRIAL_BY_ID, {"id": found[0]}).fetchone(), self.url)

        return self._run(op, write=True)

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
        new_values = None if values is None else tuple(float(v) for v in values)
        new_inter = {int(k): float(v) for k, v in (intermediate or {}).items()}
        new_user = codec.loads(codec.dumps(dict(user_attrs))) if user_attrs else None
        new_sys = codec.loads(codec.dumps(dict(system_attrs))) if system_attrs else None

        fast = (
            self.dialect.update_returning
            and not (new_inter or new_user or new_sys)
            and not expect_state.is_finished
        )
        if fast:
            sql = _CHANGE_TRIAL
            if expect_owner is not None:
                sql += _AND_OWNER
            if expect_heartbeat is not None:
                sql += _AND_HEARTBEAT
            sql += _RETURNING_TRIAL
            vals_text = None if new_values is None else codec.dumps(list(new_values))
            error_text = None if error is None else codec.dumps(error.to_json())
            size = self._wire_size(vals_text or "") + self._wire_size(error_text or "")
            check_size(self, size, "The trial's record")

        def op(tx: Tx) -> Trial:
            bumped = self._bump_for_trial(tx, trial_id)
            if bumped is None:
                raise self._missing_trial(trial_id)
            if fast:
                new_state = expect_state if state is None else state
                p = {
                    "id": trial_id,
                    "expect_state": expect_state.value,
                    "expect_owner": expect_owner,
                    "expect_heartbeat": expect_heartbeat,
                    "state": new_state.value,
                    "vals": vals_text,
                    "error": error_text,
                    "heartbeat": heartbeat,
                    "datetime_complete": time.time() if new_state.is_finished else None,
                    "seq": bumped[1],
                }
                row = tx.execute(sql, p).fetchone()
                if row is not None:
                    return row_to_trial(row, self.url)
                # no match: read the trial to raise the right error below
            current = tx.execute(_TRIAL_BY_ID, {"id": trial_id}).fetchone()
            if current is None:
                raise self._missing_trial(trial_id)
            t = row_to_trial(current, self.url)
            check_cas(t, expect_state, expect_owner, expect_heartbeat)
            changes: dict[str, Any] = {"seq": bumped[1]}
            if state is not None:
                changes["state"] = state
                if state.is_finished:
                    changes["datetime_complete"] = time.time()
            if new_values is not None:
                changes["values"] = new_values
            if error is not None:
                changes["error"] = error
            if new_inter:
                changes["intermediate"] = {**t.intermediate, **new_inter}
            if new_user:
                changes["user_attrs"] = {**t.user_attrs, **new_user}
            if new_sys:
                changes["system_attrs"] = {**t.system_attrs, **new_sys}
            if heartbeat is not None:
                changes["heartbeat"] = heartbeat
            new = dataclasses.replace(t, **changes)
            p = {
                "id": trial_id,
                "expect_state": expect_state.value,
                "state": new.state.value,
                "vals": None if new.values is None else codec.dumps(list(new.values)),
                "error": None if new.error is None else codec.dumps(new.error.to_json()),
                "intermediate": codec.dumps({str(k): v for k, v in new.intermediate.items()}),
                "user_attrs": codec.dumps(new.user_attrs),
                "system_attrs": codec.dumps(new.system_attrs),
                "heartbeat": new.heartbeat,
                "datetime_complete": new.datetime_complete,
                "seq": new.seq,
            }
            size = sum(self._wire_size(v) for v in p.values() if isinstance(v, str))
            check_size(self, size, f"Trial {t.number}'s record")
            tx.execute(_UPDATE_TRIAL, p)
            return new

        return self._run(op, write=True)

    def heartbeat(self, trial_ids: Sequence[int], owner: str) -> list[int]:
        ids = list(dict.fromkeys(int(t) for t in trial_ids))
        if not ids:
            return []

        def op(tx: Tx) -> list[int]:
            held: dict[int, int] = {}
            for tid in ids:
                row = tx.execute(_HELD, {"id": tid, "owner": owner}).fetchone()
                if row is not None:
                    held[tid] = int(row[0])
            seqs: dict[int, int] = {}
            for sid in sorted(set(held.values())):  # studies in id order: no deadlock
                bumped = self._bump(tx, sid)
                if bumped is not None:
                    seqs[sid] = bumped[0]
            now = time.time()
            out = []
            for tid, sid in held.items():
                if sid not in seqs:
                    continue
                p = {"id": tid, "owner": owner, "now": now, "seq": seqs[sid]}
                if tx.execute(_HEARTBEAT, p).rowcount == 1:
                    out.append(tid)
            return out

        return self._run(op, write=True)

    def get_trial(self, trial_id: int) -> Trial:
        row = self._run(
            lambda tx: tx.execute(_TRIAL_BY_ID, {"id": trial_id}).fetchone(), write=False
        )
        if row is None:
            raise self._missing_trial(trial_id)
        return row_to_trial(row, self.url)

    def get_trials(self, study_id: int, since: int = 0) -> tuple[list[Trial], int]:
        def op(tx: Tx) -> tuple[list[Any], int]:
            # The study's sequence first: under READ COMMITTED each statement sees its own
            # snapshot, so reading it last could skip a change committed in between.
            row = tx.execute(_SEQ, {"sid": study_id}).fetchone()
            if row is None:
                raise self._missing_study(study_id)
            if since > 0 and int(row[0]) == since:
                return [], since  # nothing changed: skip the trials query
            rows = tx.execute(_TRIALS_SINCE, {"sid": study_id, "since": max(since, 0)})
            return rows.fetchall(), int(row[0])

        rows, seq = self._run(op, write=False)
        return [row_to_trial(r, self.url) for r in rows], seq

    # ---------------------------------------------------------------- attachments
    def set_attachment(self, trial_id: int, name: str, data: bytes) -> None:
        h = name_hash(check_text(name, "attachment name"))
        blob = bytes(data)
        size = self._wire_size(blob) + self._wire_size(name)
        check_size(self, size, f"The attachment {name!r:.80}")

        def op(tx: Tx) -> None:
            if tx.execute(_TRIAL_EXISTS, {"id": trial_id}).fetchone() is None:
                raise self._missing_trial(trial_id)
            tx.execute(_DELETE_ATTACHMENT, {"id": trial_id, "h": h})
            tx.execute(_INSERT_ATTACHMENT, {"id": trial_id, "name": name, "h": h, "data": blob})

        self._run(op, write=True)

    def get_attachment(self, trial_id: int, name: str) -> bytes:
        h = name_hash(name)
        row = self._run(
            lambda tx: tx.execute(_GET_ATTACHMENT, {"id": trial_id, "h": h}).fetchone(),
            write=False,
        )
        if row is None or row[0] != name:
            raise KeyError(f"Trial id {trial_id} has no attachment named {name!r}.")
        return bytes(row[1])

    def list_attachments(self, trial_id: int) -> list[str]:
        rows = self._run(
            lambda tx: tx.execute(_LIST_ATTACHMENTS, {"id": trial_id}).fetchall(), write=False
        )
        return sorted(str(r[0]) for r in rows)
