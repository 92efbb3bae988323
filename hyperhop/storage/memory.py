"""In-memory storage: the default for a quick call; nothing survives the process."""

from __future__ import annotations

import bisect
import dataclasses
import heapq
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from hyperhop.exceptions import (
    BudgetReachedError,
    DuplicateStudyError,
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
from hyperhop.trial import Trial, TrialError, TrialState

_SCALARS = frozenset((float, int, str, bool, type(None)))
_SIZED = ("values", "intermediate", "user_attrs", "system_attrs")


def _evolve(t: Any, **changes: Any) -> Any:
    """``dataclasses.replace`` for snapshots, without its per-call introspection (hot path);
    private caches (the attached space, the built config and params) are not carried over."""
    if type(t) is not Trial:
        return dataclasses.replace(t, **changes)
    d = t.__dict__.copy()
    d.pop("_space", None)
    d.pop("_config", None)
    d.pop("_params", None)
    d.update(changes)
    new = object.__new__(Trial)
    object.__setattr__(new, "__dict__", d)
    return new


_DEFAULTS = {
    f.name: f.default for f in dataclasses.fields(Trial) if f.default is not dataclasses.MISSING
}
_FACTORIES = [
    (f.name, f.default_factory)
    for f in dataclasses.fields(Trial)
    if f.default_factory is not dataclasses.MISSING
]


def _new_trial(**fields: Any) -> Trial:
    """A new snapshot, built like :func:`_evolve` (a frozen dataclass's ``__init__`` costs
    a call per field); fields not given take the dataclass defaults."""
    d: dict[str, Any] = dict(_DEFAULTS)
    for name, make in _FACTORIES:
        d[name] = make()
    d.update(fields)
    new = object.__new__(Trial)
    object.__setattr__(new, "__dict__", d)
    return new


def _copy_json(obj: Any) -> Any:
    """A deep, JSON-faithful copy, so the memory backend stores what a database would."""
    if type(obj) is dict:
        for k, v in obj.items():
            if type(v) not in _SCALARS or type(k) is not str:
                break
        else:
            return dict(obj)  # the common case (flat params of plain numbers): no round trip
    return codec.loads(codec.dumps(obj))


class MemoryStorage(Storage):
    """Keeps everything in this process, behind one lock; same contract as the others.

    The default storage of a :class:`~hyperhop.Study`; nothing outlives the process.

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.storage import MemoryStorage
        >>> store = MemoryStorage()
        >>> _ = hh.Study({"x": hh.float(0, 1)}, storage=store, name="a").optimize(
        ...     lambda c: c["x"], n_trials=2, progress=False)
        >>> hh.load_study(store, "a").trials[-1].number
        1
    """

    def __init__(self) -> None:
        self.url = "memory://"
        self._lock = threading.RLock()
        self._studies: dict[int, StudyInfo] = {}
        self._by_name: dict[str, int] = {}
        self._trials: dict[int, list[Trial]] = {}
        self._by_id: dict[int, Trial] = {}
        self._seq: dict[int, int] = {}
        self._keys: dict[tuple[int, str], int] = {}
        self._queued: dict[int, list[int]] = {}
        self._log: dict[int, list[tuple[int, int]]] = {}
        self._attachments: dict[tuple[int, str], bytes] = {}
        self._next_study = 1
        self._next_trial = 1

    # ---------------------------------------------------------------- studies
    def create_study(
        self,
        name: str,
        directions: Sequence[str],
        space: Any = None,
        *,
        load_if_exists: bool = True,
    ) -> tuple[StudyInfo, bool]:
        with self._lock:
            if name in self._by_name:
                if not load_if_exists:
                    raise DuplicateStudyError(
                        f"A study named {name!r} already exists in {self.url}."
                    )
                return self._studies[self._by_name[name]], False
            info = StudyInfo(
                id=self._next_study,
                name=name,
                directions=tuple(directions),
                space=_copy_json(space),
                attrs={},
                created=time.time(),
            )
            self._next_study += 1
            self._studies[info.id] = info
            self._by_name[name] = info.id
            self._trials[info.id] = []
            self._seq[info.id] = 0
            self._queued[info.id] = []
            self._log[info.id] = []
            return info, True

    def get_study(self, name: str) -> StudyInfo:
        with self._lock:
            if name not in self._by_name:
                raise StudyNotFoundError(f"No study named {name!r} in {self.url}.")
            return self._studies[self._by_name[name]]

    def get_study_by_id(self, study_id: int) -> StudyInfo:
        with self._lock:
            if study_id not in self._studies:
                raise StudyNotFoundError(f"No study with id {study_id} in {self.url}.")
            return self._studies[study_id]

    def list_studies(self) -> list[StudySummary]:
        with self._lock:
            out = []
            for sid in sorted(self._studies):
                counts: dict[str, int] = {}
                for t in self._trials[sid]:
                    counts[t.state.name] = counts.get(t.state.name, 0) + 1
                out.append(StudySummary(self._studies[sid], counts))
            return out

    def delete_study(self, study_id: int) -> None:
        with self._lock:
            info = self.get_study_by_id(study_id)
            for t in self._trials.pop(study_id):
                del self._by_id[t.id]
                for key in [k for k in self._attachments if k[0] == t.id]:
                    del self._attachments[key]
            for key in [k for k in self._keys if k[0] == study_id]:
                del self._keys[key]
            del self._studies[study_id], self._by_name[info.name], self._seq[study_id]
            del self._queued[study_id], self._log[study_id]

    def set_study_attr(self, study_id: int, key: str, value: Any) -> None:
        with self._lock:
            info = self.get_study_by_id(study_id)
            attrs = {**info.attrs, key: _copy_json(value)}
            self._studies[study_id] = _evolve(info, attrs=attrs)

    # ---------------------------------------------------------------- trials
    def _bump(self, study_id: int) -> int:
        self._seq[study_id] += 1
        return self._seq[study_id]

    def _put(self, trial: Trial) -> Trial:
        self._trials[trial.study_id][trial.number] = trial
        self._by_id[trial.id] = trial
        self._log[trial.study_id].append((trial.seq, trial.number))
        return trial

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
        with self._lock:
            if study_id not in self._studies:
                self.get_study_by_id(study_id)  # raises
            if enqueue_key is not None and (study_id, enqueue_key) in self._keys:
                return self._by_id[self._keys[(study_id, enqueue_key)]]
            if cap is not None:
                cap.check(self._trials[study_id])
            now = time.time()
            running = state is TrialState.RUNNING
            trial = _new_trial(
                id=self._next_trial,
                number=len(self._trials[study_id]),
                study_id=study_id,
                state=state,
                assignment=_copy_json(assignment if type(assignment) is dict else dict(assignment)),
                system_attrs=_copy_json(dict(system_attrs)) if system_attrs else {},
                owner=owner if running else None,
                heartbeat=now if running else None,
                datetime_start=now if running else None,
                enqueue_key=enqueue_key,
                retried_from=retried_from,
                seq=self._bump(study_id),
            )
            self._next_trial += 1
            self._trials[study_id].append(trial)
            self._put(trial)
            if state is TrialState.QUEUED:
                heapq.heappush(self._queued[study_id], trial.number)
            if enqueue_key is not None:
                self._keys[(study_id, enqueue_key)] = trial.id
            return trial

    def claim_queued_trial(
        self, study_id: int, owner: str, cap: TrialCap | None = None
    ) -> Trial | None:
        with self._lock:
            self.get_study_by_id(study_id)
            trials = self._trials[study_id]
            queue = self._queued[study_id]
            while queue and trials[queue[0]].state is not TrialState.QUEUED:
                heapq.heappop(queue)
            if not queue:
                return None
            number = queue[0]
            if cap is not None:
                t = trials[number]
                try:
                    cap.check(trials, claiming=t)
                except BudgetReachedError:
                    retries = sorted(n for n in queue if cap.holds(trials[n]))
                    if not retries:
                        raise
                    number = retries[0]
            queue.remove(number)
            heapq.heapify(queue)
            now = time.time()
            return self._put(
                _evolve(
                    trials[number],
                    state=TrialState.RUNNING,
                    owner=owner,
                    heartbeat=now,
                    datetime_start=now,
                    seq=self._bump(study_id),
                )
            )

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
        with self._lock:
            t = self.get_trial(trial_id)
            check_cas(t, expect_state, expect_owner, expect_heartbeat)
            changes: dict[str, Any] = {}
            if state is not None:
                changes["state"] = state
                if state.is_finished:
                    changes["datetime_complete"] = time.time()
            if values is not None:
                changes["values"] = tuple(map(float, values))
            if error is not None:
                changes["error"] = error
            if intermediate:
                changes["intermediate"] = {
                    **t.intermediate,
                    **{int(k): float(v) for k, v in intermediate.items()},
                }
            if user_attrs:
                changes["user_attrs"] = {**t.user_attrs, **_copy_json(dict(user_attrs))}
            if system_attrs:
                changes["system_attrs"] = {**t.system_attrs, **_copy_json(dict(system_attrs))}
            if heartbeat is not None:
                changes["heartbeat"] = heartbeat
            if self.max_value_bytes is not None:
                err = changes.get("error")
                size = len(codec.dumps([changes.get(k) for k in _SIZED])) + len(
                    codec.dumps(err.to_json() if err is not None else None)
                )
                check_size(self, size, f"Trial {t.number}'s record")
            changes["seq"] = self._bump(t.study_id)
            return self._put(_evolve(t, **changes))

    def heartbeat(self, trial_ids: Sequence[int], owner: str) -> list[int]:
        with self._lock:
            held = []
            now = time.time()
            for tid in trial_ids:
                t = self._by_id.get(tid)
                if t is not None and t.state is TrialState.RUNNING and t.owner == owner:
                    self._put(_evolve(t, heartbeat=now, seq=self._bump(t.study_id)))
                    held.append(tid)
            return held

    def get_trial(self, trial_id: int) -> Trial:
        with self._lock:
            try:
                return self._by_id[trial_id]
            except KeyError:
                raise TrialNotFoundError(f"No trial with id {trial_id} in {self.url}.") from None

    def get_trials(self, study_id: int, since: int = 0) -> tuple[list[Trial], int]:
        with self._lock:
            self.get_study_by_id(study_id)
            trials = self._trials[study_id]
            if since <= 0:
                return list(trials), self._seq[study_id]
            seq = self._seq[study_id]
            if since >= seq:
                return [], seq
            log = self._log[study_id]
            # every change is logged in order, so the entry of sequence number s is log[s - 1]
            start = (
                since
                if log[since - 1][0] == since
                else bisect.bisect_right(log, (since, sys.maxsize))
            )
            numbers = sorted({n for _, n in log[start:]})
            return [trials[n] for n in numbers], self._seq[study_id]

    # ---------------------------------------------------------------- attachments
    def set_attachment(self, trial_id: int, name: str, data: bytes) -> None:
        check_text(name, "attachment name")
        check_size(self, len(data), f"The attachment {name!r:.80}")
        with self._lock:
            self.get_trial(trial_id)
            self._attachments[(trial_id, name)] = bytes(data)

    def get_attachment(self, trial_id: int, name: str) -> bytes:
        with self._lock:
            try:
                return self._attachments[(trial_id, name)]
            except KeyError:
                raise KeyError(f"Trial id {trial_id} has no attachment named {name!r}.") from None

    def list_attachments(self, trial_id: int) -> list[str]:
        with self._lock:
            return sorted(n for (tid, n) in self._attachments if tid == trial_id)
