"""The storage contract every backend implements, and the conformance suite checks.

Contract (the conformance tests in ``tests/storage/conformance.py`` enforce each line):

- **Thread safety**: one storage object may be used from many threads at once.
- **Atomic writes**: every method that changes something is one transaction; a crash
  leaves either all of it or none of it.
- **Numbers**: trial numbers are unique and contiguous per study (0, 1, 2, ...), allocated
  inside the creating transaction; uniqueness is also a schema constraint.
- **Compare-and-set**: :meth:`update_trial` changes a trial only if its state (and, when
  given, owner and heartbeat) still match what the caller expects; otherwise it raises
  :class:`~hyperhop.exceptions.TrialStateError` (or :class:`StaleTrialError` when the trial
  was failed as stale) and changes nothing. Finished trials are immutable.
- **Claiming**: :meth:`claim_queued_trial` hands each QUEUED trial to exactly one caller.
- **Enqueue keys**: at most one trial per ``(study, enqueue_key)``; creating a second
  returns the first.
- **Incremental reads**: each change to a study's trials takes the study's next sequence
  number; :meth:`get_trials` with ``since`` returns only trials changed after it.
- **Data, not objects**: params, values and attributes are stored as JSON through
  :mod:`hyperhop.storage.codec`; names and keys are bound as parameters, never spliced
  into SQL; nothing read back is unpickled. A value the codec cannot store raises
  ``TypeError`` before anything is written.
- **Snapshots**: returned :class:`~hyperhop.trial.Trial` objects never change afterwards.
- **Names**: study names, owners, enqueue keys and attachment names may not contain NUL
  (PostgreSQL cannot store it); every backend raises ``ValueError`` for an attachment
  name with one (:func:`check_text`), before anything is written.
- **Sizes**: a value larger than :attr:`Storage.max_value_bytes` (a trial's encoded values
  and attributes, one attachment) raises
  :class:`~hyperhop.exceptions.ValueTooLargeError` naming the limit and the size, before
  anything is sent (:func:`check_size`).
- **Budgets**: :meth:`create_trial` and :meth:`claim_queued_trial` given a
  :class:`TrialCap` start a trial only while fewer than ``cap.goal`` trials of the study
  are running or counted (checked in the same transaction, so workers sharing a budget
  never overshoot it); else they raise :class:`~hyperhop.exceptions.BudgetReachedError`.
- **Format version**: opening a storage written by a newer schema raises
  :class:`~hyperhop.exceptions.IncompatibleFormatError` naming both versions.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hyperhop.exceptions import (
    BudgetReachedError,
    StaleTrialError,
    TrialStateError,
    ValueTooLargeError,
)
from hyperhop.trial import NOT_RUN_REASONS, Trial, TrialError, TrialState, counts_as_run

SCHEMA_VERSION = 1
"""The storage format this library writes. Bump it (with an upgrade path) on any change."""


@dataclass(frozen=True)
class StudyInfo:
    """What a storage knows about a study besides its trials.

    Example:
        >>> from hyperhop.storage import MemoryStorage
        >>> info, created = MemoryStorage().create_study("demo", ["min"])
        >>> info.name, info.directions, created
        ('demo', ('min',), True)
    """

    id: int
    name: str
    directions: tuple[str, ...]
    space: Any = None
    attrs: dict[str, Any] = field(default_factory=dict)
    created: float | None = None


@dataclass(frozen=True)
class StudySummary:
    """A study with its trial counts per state (for listings).

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.storage import MemoryStorage
        >>> store = MemoryStorage()
        >>> study = hh.Study({"x": hh.float(0, 1)}, storage=store, name="demo", seed=0)
        >>> _ = study.optimize(lambda c: c["x"], n_trials=3, progress=False)
        >>> [(s.info.name, s.counts, s.n_trials) for s in store.list_studies()]
        [('demo', {'COMPLETE': 3}, 3)]
    """

    info: StudyInfo
    counts: dict[str, int]

    @property
    def n_trials(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class TrialCap:
    """A study's shared ``n_trials`` budget, enforced where trials start.

    A trial holds a place while it is RUNNING, QUEUED as the retry of a stale trial
    (``retried_from`` set), or finished with an outcome of its own: COMPLETE, PRUNED unless
    ``pruned`` is False, FAILED (unless ``failed`` is False) for any reason but ``stale`` or
    ``interrupted``.
    """

    goal: int
    failed: bool = True
    pruned: bool = True

    def holds(self, trial: Trial) -> bool:
        """Whether ``trial`` takes a place of the budget."""
        s = trial.state
        if s is TrialState.RUNNING:
            return True
        if s is TrialState.QUEUED:
            return trial.retried_from is not None
        if s is TrialState.FAILED:
            return self.failed and counts_as_run(trial)
        if s is TrialState.PRUNED:
            return self.pruned
        return s is TrialState.COMPLETE

    def check(self, trials: Iterable[Trial], claiming: Trial | None = None) -> None:
        """Raise BudgetReachedError unless one more trial fits (``claiming``: a QUEUED one
        about to start, which fits anyway when it already holds its place)."""
        if claiming is not None and self.holds(claiming):
            return
        self.require_room(sum(1 for t in trials if self.holds(t)))

    def require_room(self, used: int) -> None:
        """Raise BudgetReachedError when ``used`` places fill the budget."""
        if used >= self.goal:
            raise BudgetReachedError(
                f"The study's budget of {self.goal} trials is taken ({used} trials ran, run "
                "or wait as retries)."
            )


NOT_RUN_PREFIXES = tuple(f'{{"reason":"{r}",%' for r in sorted(NOT_RUN_REASONS))
"""``LIKE`` patterns matching the stored error of a trial that did not run (an error is
stored as JSON that starts with its reason: see :meth:`TrialError.to_json`)."""


def check_text(value: str, what: str) -> str:
    """Reject what no SQL server can store in a text column (NUL)."""
    if "\x00" in value:
        raise ValueError(f"A {what} cannot contain a NUL character (\\x00); got {value!r:.80}.")
    return value


def check_size(storage: Storage, size: int, what: str) -> None:
    """Raise ValueTooLargeError when ``size`` bytes exceed the storage's limit."""
    limit = storage.max_value_bytes
    if limit is not None and size > limit:
        raise ValueTooLargeError(
            f"{what} is {size:,} bytes encoded, over the {limit:,}-byte limit of "
            f"{storage.url or type(storage).__name__} ({storage.limit_source}). Keep large "
            "outputs in a file and return its path (or raise the limit)."
        )


class Storage(abc.ABC):
    """Where studies and trials live: the single source of truth.

    Every backend (memory, SQLite, PostgreSQL, MySQL, Redis, a journal file) implements
    this contract and passes the same conformance tests; a study talks to nothing else.

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.storage import MemoryStorage, Storage
        >>> store: Storage = MemoryStorage()
        >>> study = hh.Study({"x": hh.float(0, 1)}, storage=store, name="demo", seed=0)
        >>> _ = study.optimize(lambda c: c["x"], n_trials=2, progress=False)
        >>> info = store.get_study("demo")
        >>> len(store.get_trials(info.id))
        2
    """

    url: str = ""
    """Where the storage lives, for display (credentials may be hidden)."""

    max_value_bytes: int | None = None
    """The most bytes this backend stores in one piece: a trial's encoded values, error and
    attributes together, or one attachment. None: no limit of its own."""

    limit_source = "no limit of its own"
    """Where :attr:`max_value_bytes` comes from, for error messages."""

    # ---------------------------------------------------------------- studies
    @abc.abstractmethod
    def create_study(
        self,
        name: str,
        directions: Sequence[str],
        space: Any = None,
        *,
        load_if_exists: bool = True,
    ) -> tuple[StudyInfo, bool]:
        """Create the study, or (with ``load_if_exists``) return the existing one; atomic
        even when many processes race on the same new name. Returns ``(info, created)``.
        Raises DuplicateStudyError when it exists and ``load_if_exists`` is False."""

    @abc.abstractmethod
    def get_study(self, name: str) -> StudyInfo:
        """Raises StudyNotFoundError."""

    @abc.abstractmethod
    def get_study_by_id(self, study_id: int) -> StudyInfo:
        """Raises StudyNotFoundError."""

    @abc.abstractmethod
    def list_studies(self) -> list[StudySummary]:
        """Every study, with trial counts per state, ordered by id."""

    @abc.abstractmethod
    def delete_study(self, study_id: int) -> None:
        """Delete the study with its trials and attachments. Raises StudyNotFoundError."""

    @abc.abstractmethod
    def set_study_attr(self, study_id: int, key: str, value: Any) -> None:
        """Set one JSON attribute of the study."""

    # ---------------------------------------------------------------- trials
    @abc.abstractmethod
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
        """A new QUEUED or RUNNING trial with the next number. A RUNNING one gets ``owner``,
        ``datetime_start`` and ``heartbeat`` set to now. With an ``enqueue_key`` already
        used in this study, nothing is created and that trial is returned. With a ``cap``,
        raises BudgetReachedError (creating nothing) when the budget is taken."""

    @abc.abstractmethod
    def claim_queued_trial(
        self, study_id: int, owner: str, cap: TrialCap | None = None
    ) -> Trial | None:
        """Atomically move the lowest-numbered QUEUED trial to RUNNING for ``owner``
        (start and heartbeat now); None when the queue is empty. With a ``cap`` that is
        taken, only a queued retry (which holds its place already) may start; else
        BudgetReachedError."""

    @abc.abstractmethod
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
        """Compare-and-set update. ``intermediate``, ``user_attrs`` and ``system_attrs``
        are merged into the existing ones; a new final ``state`` also sets
        ``datetime_complete`` to now. Returns the new snapshot."""

    @abc.abstractmethod
    def heartbeat(self, trial_ids: Sequence[int], owner: str) -> list[int]:
        """Refresh the heartbeat of the RUNNING trials that ``owner`` holds; returns the ids
        it still holds (a missing id means the trial was reaped or finished). Each refresh
        takes a sequence number, so readers see the new heartbeat."""

    @abc.abstractmethod
    def get_trial(self, trial_id: int) -> Trial:
        """Raises TrialNotFoundError."""

    @abc.abstractmethod
    def get_trials(self, study_id: int, since: int = 0) -> tuple[list[Trial], int]:
        """Trials of the study changed after sequence number ``since`` (all with 0), ordered
        by number, and the study's current sequence number to pass next time. A trial
        changed concurrently may come back again on the next call: keep the latest."""

    # ---------------------------------------------------------------- attachments
    @abc.abstractmethod
    def set_attachment(self, trial_id: int, name: str, data: bytes) -> None:
        """Store bytes beside a trial (overwrites a previous one of that name). Attachments are
        not part of trial snapshots, so this does not bump the study's sequence number."""

    @abc.abstractmethod
    def get_attachment(self, trial_id: int, name: str) -> bytes:
        """Raises KeyError when there is none."""

    @abc.abstractmethod
    def list_attachments(self, trial_id: int) -> list[str]:
        """Names of the trial's attachments, sorted."""

    # ---------------------------------------------------------------- lifecycle
    def close(self) -> None:  # noqa: B027 - a no-op is the right default for memory
        """Release connections and locks (the storage may not be used afterwards)."""

    def __enter__(self) -> Storage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r})"


def check_cas(
    trial: Trial,
    expect_state: TrialState,
    expect_owner: str | None,
    expect_heartbeat: float | None,
) -> None:
    """Raise the right TrialStateError unless ``trial`` matches the expectation (shared by
    backends that check in Python rather than in a WHERE clause)."""
    ok = trial.state is expect_state and not trial.state.is_finished
    ok = ok and (expect_owner is None or trial.owner == expect_owner)
    ok = ok and (expect_heartbeat is None or trial.heartbeat == expect_heartbeat)
    if ok:
        return
    if (
        trial.state is TrialState.FAILED
        and trial.error is not None
        and trial.error.reason == "stale"
    ):
        raise StaleTrialError(
            f"Trial {trial.number} (id {trial.id}) was failed as stale before this update; "
            "its worker's lease had expired."
        )
    raise TrialStateError(
        f"Trial {trial.number} (id {trial.id}) is {trial.state.name} (owner {trial.owner!r}, "
        f"heartbeat {trial.heartbeat!r}); expected {expect_state.name}"
        + (f" owned by {expect_owner!r}" if expect_owner else "")
        + (f" with heartbeat {expect_heartbeat!r}" if expect_heartbeat is not None else "")
        + "."
    )
