"""The state a journal's operations rebuild: each operation validated against the schema
and the history so far, then applied (see :mod:`hyperhop.storage.journal` for the file)."""

from __future__ import annotations

import dataclasses
import heapq
from collections.abc import Callable, Mapping
from typing import Any

from hyperhop.storage.base import StudyInfo, TrialCap
from hyperhop.trial import Trial, TrialError, TrialState, counts_as_run

_NUM = (int, float)

Commit = Callable[[], None]


class BadOperation(Exception):
    """An operation that parses but breaks the journal's schema or history."""


def _field(op: Mapping[str, Any], key: str, types: tuple[type, ...], required: bool = True) -> Any:
    """``op[key]`` checked against ``types`` (None allowed when not required)."""
    value = op.get(key)
    if value is None:
        if required:
            raise BadOperation(f"field {key!r} is missing")
        return None
    if isinstance(value, bool) or not isinstance(value, types):
        names = " or ".join(t.__name__ for t in types)
        raise BadOperation(f"field {key!r} must be {names}, got {value!r:.60}")
    return value


def _state_field(op: Mapping[str, Any], key: str) -> TrialState:
    name = _field(op, key, (str,))
    try:
        return TrialState(name)
    except ValueError:
        raise BadOperation(f"field {key!r} is not a trial state: {name!r:.60}") from None


def _numbers(value: list[Any], key: str) -> list[float]:
    if not all(isinstance(v, _NUM) and not isinstance(v, bool) for v in value):
        raise BadOperation(f"field {key!r} must hold numbers only")
    return [float(v) for v in value]


class JournalState:
    """The state rebuilt from the journal's operations.

    Each ``_op_*`` method validates an operation without changing anything and returns the
    function that applies it, so a writer can check an operation before appending it.
    """

    def __init__(self) -> None:
        self.studies: dict[int, StudyInfo] = {}
        self.by_name: dict[str, int] = {}
        self.trials: dict[int, list[Trial]] = {}
        self.by_id: dict[int, Trial] = {}
        self.seq: dict[int, int] = {}
        self.changed: dict[int, dict[int, int]] = {}  # study -> number -> seq, in seq order
        self.counts: dict[int, dict[str, int]] = {}
        self.unheld: dict[int, int] = {}
        """Per study: trials that hold no place of a budget whatever its rule (fresh QUEUED
        ones, FAILED ones that did not run): see :meth:`budget_used`."""
        self.queued: dict[int, list[int]] = {}  # heap of numbers, lazily cleaned
        self.keys: dict[tuple[int, str], int] = {}
        self.attachments: dict[int, dict[str, bytes]] = {}
        self.next_study = 1
        self.next_trial = 1

    def check(self, op: Mapping[str, Any]) -> Commit:
        """Validate ``op``; return the function that applies it. Raises BadOperation."""
        name = op.get("op")
        handler = _HANDLERS.get(name) if isinstance(name, str) else None
        if handler is None:
            raise BadOperation(f"unknown operation {name!r:.60}")
        return handler(self, op)

    # ---------------------------------------------------------------- helpers
    def _study(self, op: Mapping[str, Any]) -> int:
        sid: int = _field(op, "study", (int,))
        if sid not in self.studies:
            raise BadOperation(f"study {sid} does not exist here")
        return sid

    def _trial(self, op: Mapping[str, Any]) -> Trial:
        tid = _field(op, "trial", (int,))
        trial = self.by_id.get(tid)
        if trial is None:
            raise BadOperation(f"trial {tid} does not exist here")
        return trial

    def _put(self, old: Trial | None, new: Trial) -> None:
        sid = new.study_id
        if old is None:
            self.trials[sid].append(new)
        else:
            self.trials[sid][new.number] = new
        self.by_id[new.id] = new
        changed = self.changed[sid]
        changed.pop(new.number, None)
        changed[new.number] = new.seq
        self.unheld[sid] += _unheld(new) - (0 if old is None else _unheld(old))
        if old is None or old.state is not new.state:
            counts = self.counts[sid]
            if old is not None:
                counts[old.state.name] -= 1
                if not counts[old.state.name]:
                    del counts[old.state.name]
            counts[new.state.name] = counts.get(new.state.name, 0) + 1
            if new.state is TrialState.QUEUED:
                heapq.heappush(self.queued[sid], new.number)

    def budget_used(self, study_id: int, cap: TrialCap) -> int:
        """How many trials of the study hold a place of ``cap`` (O(1), from the counts)."""
        counts = self.counts[study_id]
        n = len(self.trials[study_id]) - self.unheld[study_id]
        if not cap.failed:
            n -= counts.get("FAILED", 0) - self._not_run(study_id, counts)
        if not cap.pruned:
            n -= counts.get("PRUNED", 0)
        return n

    def _not_run(self, study_id: int, counts: Mapping[str, int]) -> int:
        """FAILED trials that did not run: the unheld ones that are not fresh QUEUED ones."""
        return self.unheld[study_id] - (counts.get("QUEUED", 0) - self.retries(study_id))

    def retries(self, study_id: int) -> int:
        return sum(
            1
            for n in self.queued[study_id]
            if (t := self.trials[study_id][n]).state is TrialState.QUEUED
            and t.retried_from is not None
        )

    def bump(self, study_id: int) -> int:
        self.seq[study_id] += 1
        return self.seq[study_id]

    def first_queued(self, study_id: int) -> Trial | None:
        """The lowest-numbered QUEUED trial of the study."""
        heap, trials = self.queued[study_id], self.trials[study_id]
        while heap and trials[heap[0]].state is not TrialState.QUEUED:
            heapq.heappop(heap)
        return trials[heap[0]] if heap else None

    # ---------------------------------------------------------------- operations
    def _op_create_study(self, op: Mapping[str, Any]) -> Commit:
        sid = _field(op, "study", (int,))
        name = _field(op, "name", (str,))
        directions = _field(op, "directions", (list,))
        created = float(_field(op, "time", _NUM))
        if not all(isinstance(d, str) for d in directions):
            raise BadOperation("field 'directions' must hold strings only")
        if sid != self.next_study:
            raise BadOperation(f"study id {sid} is out of sequence (expected {self.next_study})")
        if name in self.by_name:
            raise BadOperation(f"a second study named {name!r:.60}")
        info = StudyInfo(sid, name, tuple(directions), op.get("space"), {}, created)

        def commit() -> None:
            self.studies[sid] = info
            self.by_name[name] = sid
            self.trials[sid] = []
            self.seq[sid] = 0
            self.changed[sid] = {}
            self.counts[sid] = {}
            self.unheld[sid] = 0
            self.queued[sid] = []
            self.next_study = sid + 1

        return commit

    def _op_set_study_attr(self, op: Mapping[str, Any]) -> Commit:
        sid = self._study(op)
        key = _field(op, "key", (str,))
        if "value" not in op:
            raise BadOperation("field 'value' is missing")
        info = self.studies[sid]
        new = dataclasses.replace(info, attrs={**info.attrs, key: op["value"]})

        def commit() -> None:
            self.studies[sid] = new

        return commit

    def _op_delete_study(self, op: Mapping[str, Any]) -> Commit:
        sid = self._study(op)

        def commit() -> None:
            for t in self.trials.pop(sid):
                del self.by_id[t.id]
                self.attachments.pop(t.id, None)
                if t.enqueue_key is not None:
                    del self.keys[(sid, t.enqueue_key)]
            del self.by_name[self.studies.pop(sid).name]
            del self.seq[sid], self.changed[sid], self.counts[sid], self.queued[sid]
            del self.unheld[sid]

        return commit

    def _op_create_trial(self, op: Mapping[str, Any]) -> Commit:
        sid = self._study(op)
        tid = _field(op, "trial", (int,))
        number = _field(op, "number", (int,))
        state = _state_field(op, "state")
        params = _field(op, "params", (dict,))
        now = float(_field(op, "time", _NUM))
        owner = _field(op, "owner", (str,), required=False)
        key = _field(op, "enqueue_key", (str,), required=False)
        retried_from = _field(op, "retried_from", (int,), required=False)
        system_attrs = _field(op, "system_attrs", (dict,), required=False) or {}
        if tid != self.next_trial:
            raise BadOperation(f"trial id {tid} is out of sequence (expected {self.next_trial})")
        if number != len(self.trials[sid]):
            raise BadOperation(
                f"trial number {number} is out of sequence (expected {len(self.trials[sid])})"
            )
        if state not in (TrialState.QUEUED, TrialState.RUNNING):
            raise BadOperation(f"a new trial cannot be {state.name}")
        if key is not None and (sid, key) in self.keys:
            raise BadOperation(f"enqueue key {key!r:.60} is used twice")
        running = state is TrialState.RUNNING

        def commit() -> None:
            trial = Trial(
                id=tid,
                number=number,
                study_id=sid,
                state=state,
                assignment=params,
                system_attrs=system_attrs,
                owner=owner if running else None,
                heartbeat=now if running else None,
                datetime_start=now if running else None,
                enqueue_key=key,
                retried_from=retried_from,
                seq=self.bump(sid),
            )
            self._put(None, trial)
            self.next_trial = tid + 1
            if key is not None:
                self.keys[(sid, key)] = tid

        return commit

    def _op_claim(self, op: Mapping[str, Any]) -> Commit:
        t = self._trial(op)
        owner = _field(op, "owner", (str,))
        now = float(_field(op, "time", _NUM))
        if t.state is not TrialState.QUEUED:
            raise BadOperation(f"trial {t.id} is claimed while {t.state.name}")

        def commit() -> None:
            new = dataclasses.replace(
                t,
                state=TrialState.RUNNING,
                owner=owner,
                heartbeat=now,
                datetime_start=now,
                seq=self.bump(t.study_id),
            )
            self._put(t, new)

        return commit

    def _op_update_trial(self, op: Mapping[str, Any]) -> Commit:
        t = self._trial(op)
        now = float(_field(op, "time", _NUM))
        changes: dict[str, Any] = {}
        state = None if op.get("state") is None else _state_field(op, "state")
        if state is not None:
            changes["state"] = state
            if state.is_finished:
                changes["datetime_complete"] = now
        values = _field(op, "values", (list,), required=False)
        if values is not None:
            changes["values"] = tuple(_numbers(values, "values"))
        error = _field(op, "error", (dict,), required=False)
        if error is not None:
            changes["error"] = TrialError.from_json(error)
        intermediate = _field(op, "intermediate", (dict,), required=False)
        if intermediate is not None:
            try:
                steps = [int(k) for k in intermediate]
            except ValueError:
                raise BadOperation("field 'intermediate' must have integer steps as keys") from None
            points = dict(
                zip(steps, _numbers(list(intermediate.values()), "intermediate"), strict=True)
            )
            changes["intermediate"] = {**t.intermediate, **points}
        for name in ("user_attrs", "system_attrs"):
            attrs = _field(op, name, (dict,), required=False)
            if attrs is not None:
                changes[name] = {**getattr(t, name), **attrs}
        heartbeat = _field(op, "heartbeat", _NUM, required=False)
        if heartbeat is not None:
            changes["heartbeat"] = float(heartbeat)

        def commit() -> None:
            self._put(t, dataclasses.replace(t, **changes, seq=self.bump(t.study_id)))

        return commit

    def _op_heartbeat(self, op: Mapping[str, Any]) -> Commit:
        ids = _field(op, "trials", (list,))
        owner = _field(op, "owner", (str,))
        now = float(_field(op, "time", _NUM))
        for tid in ids:
            t = self.by_id.get(tid) if isinstance(tid, int) else None
            if t is None or t.state is not TrialState.RUNNING or t.owner != owner:
                raise BadOperation(
                    f"heartbeat for trial {tid!r:.20} that {owner!r:.60} does not hold"
                )

        def commit() -> None:
            for tid in ids:
                t = self.by_id[tid]
                self._put(t, dataclasses.replace(t, heartbeat=now, seq=self.bump(t.study_id)))

        return commit

    def _op_set_attachment(self, op: Mapping[str, Any]) -> Commit:
        t = self._trial(op)
        name = _field(op, "name", (str,))
        data = _field(op, "data", (bytes,))

        def commit() -> None:
            self.attachments.setdefault(t.id, {})[name] = data

        return commit


_HANDLERS: dict[str, Callable[[JournalState, Mapping[str, Any]], Commit]] = {
    "create_study": JournalState._op_create_study,
    "set_study_attr": JournalState._op_set_study_attr,
    "delete_study": JournalState._op_delete_study,
    "create_trial": JournalState._op_create_trial,
    "claim": JournalState._op_claim,
    "update_trial": JournalState._op_update_trial,
    "heartbeat": JournalState._op_heartbeat,
    "set_attachment": JournalState._op_set_attachment,
}


def _unheld(t: Trial) -> int:
    """1 for a trial that holds no place of any budget (see :class:`TrialCap`)."""
    if t.state is TrialState.QUEUED:
        return int(t.retried_from is None)
    return int(t.state is TrialState.FAILED and not counts_as_run(t))
