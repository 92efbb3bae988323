"""The study's view of its trials: an incrementally refreshed cache over the storage."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import overload

from hyperhop.multiobjective.constraints import is_feasible
from hyperhop.storage.base import Storage, TrialCap
from hyperhop.trial import NOT_RUN_REASONS, Trial, TrialState, is_better


class TrialCache:
    """Trials by number, refreshed with only what changed since the last read.

    Also keeps the best completed trial (among those that meet their outcome constraints)
    and per-state counts, so budget checks and ``study.best`` cost O(1) however long the
    study.
    """

    def __init__(self, storage: Storage, study_id: int, direction: str | None) -> None:
        self._storage = storage
        self._study_id = study_id
        self._direction = direction
        self._lock = threading.RLock()
        self._trials: list[Trial | None] = []
        self._seq = 0
        self._counts: dict[TrialState, int] = dict.fromkeys(TrialState, 0)
        self._not_run = 0
        """FAILED trials that did not run to an outcome (stale, interrupted)."""
        self._retries = 0
        """QUEUED retries of stale trials (each holds its place in a budget)."""
        self._running: dict[int, Trial] = {}
        self.best: Trial | None = None
        self._me: str | None = None
        self._since = 0.0
        self.others_active = False
        """Whether a trial started by another worker after :meth:`watch_others` was seen."""

    def watch_others(self, owner: str, since: float) -> None:
        """Note in :attr:`others_active` any trial another worker started after ``since``
        (time.time()): then this study is being run by several workers at once."""
        self._me, self._since = owner, since

    def refresh(self) -> list[Trial]:
        """Read what changed; returns the trials that changed (new snapshots)."""
        with self._lock:
            changed, seq = self._storage.get_trials(self._study_id, since=self._seq)
            for t in changed:
                self._put(t)
            self._seq = max(self._seq, seq)
            return changed

    def put(self, trial: Trial) -> None:
        """Record a snapshot this process just wrote (saves a read). When its sequence
        number directly follows the last one read, nobody else changed the study in
        between, so the next refresh need not read it back."""
        with self._lock:
            self._put(trial)
            if trial.seq == self._seq + 1:
                self._seq = trial.seq

    def _put(self, t: Trial) -> None:
        n = t.number
        if n >= len(self._trials):
            self._trials.extend([None] * (n + 1 - len(self._trials)))
        old = self._trials[n]
        if old is not None and old.seq >= t.seq:
            return  # already have this version (or a newer one)
        if old is not None:
            self._counts[old.state] -= 1
            self._tally(old, -1)
        self._trials[n] = t
        self._counts[t.state] += 1
        self._tally(t, 1)
        if (
            self._me is not None
            and t.owner is not None
            and t.owner != self._me
            and (t.datetime_start or 0.0) >= self._since
        ):
            self.others_active = True
        if t.state is TrialState.RUNNING:
            self._running[n] = t
        else:
            self._running.pop(n, None)
        if (
            t.state is TrialState.COMPLETE
            and t.values
            and self._direction is not None
            and is_feasible(t)
        ):
            v = t.values[0]
            b = self.best
            bv = None if b is None or not b.values else b.values[0]
            if (
                b is None
                or bv is None
                or is_better(v, bv, self._direction)
                or (v == bv and t.number < b.number)
            ):
                self.best = t

    def _tally(self, t: Trial, sign: int) -> None:
        if t.state is TrialState.FAILED:
            if t.error is not None and t.error.reason in NOT_RUN_REASONS:
                self._not_run += sign
        elif t.state is TrialState.QUEUED and t.retried_from is not None:
            self._retries += sign

    def budget_used(self, rule: TrialCap, *, finished: bool = False) -> int:
        """How many trials hold a place of an ``n_trials`` budget counted by ``rule`` (see
        :meth:`TrialCap.holds`); ``finished``: only those that ended."""
        c = self._counts
        n = c[TrialState.COMPLETE]
        if rule.pruned:
            n += c[TrialState.PRUNED]
        if rule.failed:
            n += c[TrialState.FAILED] - self._not_run
        if not finished:
            n += c[TrialState.RUNNING] + self._retries
        return n

    @property
    def queued_retries(self) -> int:
        return self._retries

    def count(self, *states: TrialState) -> int:
        c = self._counts
        return sum(map(c.__getitem__, states))

    def running(self) -> list[Trial]:
        """The RUNNING trials (kept apart, so reaping costs nothing per finished trial)."""
        with self._lock:
            return list(self._running.values())

    def view(self) -> Sequence[Trial]:
        """A read-only, copy-free view of the trials by number (for samplers: O(1) per ask)."""
        return _View(self._trials)

    def all(self) -> list[Trial]:
        with self._lock:
            return [t for t in self._trials if t is not None]

    def with_state(self, *states: TrialState) -> list[Trial]:
        with self._lock:
            return [t for t in self._trials if t is not None and t.state in states]

    def __len__(self) -> int:
        with self._lock:
            return sum(1 for t in self._trials if t is not None)

    def __iter__(self) -> Iterator[Trial]:
        return iter(self.all())


class _View(Sequence[Trial]):
    """The cache's list seen as a sequence; numbers are contiguous, so there are no holes
    except, briefly, a trial another process created but this one has not read yet."""

    __slots__ = ("_items", "_n")

    def __init__(self, items: list[Trial | None]) -> None:
        self._items = items
        n = len(items)
        while n and items[n - 1] is None:
            n -= 1
        self._n = n

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, i: int) -> Trial: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[Trial]: ...

    def __getitem__(self, i: int | slice) -> Trial | Sequence[Trial]:
        if isinstance(i, slice):
            return [t for t in self._items[: self._n][i] if t is not None]
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(i)
        t = self._items[i]
        if t is None:
            raise LookupError(f"trial {i} is not loaded yet")
        return t

    def __iter__(self) -> Iterator[Trial]:
        return (t for t in self._items[: self._n] if t is not None)
