"""The study: one loop that asks the sampler, runs the objective and records every result.

Storage is the truth. The study keeps no state that it cannot rebuild from storage, so a
second process (or a rerun after ``kill -9``) with the same storage and name carries on.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hyperhop._validation import describe
from hyperhop.artifacts import binding as artifact_binding
from hyperhop.exceptions import (
    InvalidSpaceError,
    NoCompletedTrialsError,
    TrialStateError,
)
from hyperhop.execution import EvalSpec, Executor, make_executor
from hyperhop.execution.evaluate import error_from, wants_trial
from hyperhop.execution.external import outside_only
from hyperhop.multiobjective.constraints import feasible_complete
from hyperhop.multiobjective.dominance import as_minimization
from hyperhop.multiobjective.dominance import pareto_front as mo_pareto_front
from hyperhop.multiobjective.hypervolume import hypervolume as mo_hypervolume
from hyperhop.pruning import Fidelity, NopPruner, Pruner, make_pruner
from hyperhop.pruning.serialize import CUSTOM, pruner_from_dict, pruning_record, read_record
from hyperhop.samplers import History, Sampler, make_sampler
from hyperhop.space import Space, as_space
from hyperhop.space.serialize import space_from_definition
from hyperhop.storage import MemoryStorage, Storage, codec, get_storage
from hyperhop.storage.base import TrialCap
from hyperhop.study.evolve import CURRENT_SPACE_ATTR, Fitting, changes, current_definition
from hyperhop.study.failures import FailureLog
from hyperhop.study.history import TrialCache
from hyperhop.study.lease import Heartbeat, owner_id, stale_reason
from hyperhop.study.loop import Budget, OptimizeRun
from hyperhop.study.naming import study_name
from hyperhop.study.progress import ProgressBar
from hyperhop.study.record import record
from hyperhop.study.results import Outcome, interpret
from hyperhop.study.runtime import parse_runtime
from hyperhop.study.spellings import attribute_error, spelled
from hyperhop.study.trials import TrialList
from hyperhop.trial import FailReason, Trial, TrialError, TrialState

log = logging.getLogger("hyperhop.study")

_DIRECTIONS = {
    "min": "min",
    "minimize": "min",
    "minimise": "min",
    "max": "max",
    "maximize": "max",
    "maximise": "max",
}


def _direction(d: Any) -> str:
    if isinstance(d, str) and d.lower() in _DIRECTIONS:
        return _DIRECTIONS[d.lower()]
    raise ValueError(
        f"The 'direction' parameter of Study must be 'min' or 'max'. Got {describe(d)} instead."
    )


class Study:
    """A search over a space, recorded in a storage.

    Args:
        space: a template (dict/list of parameters) or a :class:`~hyperhop.Space`.
        direction: ``"min"`` or ``"max"``.
        storage: None (memory), a URL (``"sqlite:///runs.db"``) or a Storage.
        name: the study's name in the storage; rerunning with the same storage and name
            resumes the study. Without a name, a persistent storage starts a new study with
            a generated name (logged; see :attr:`name`), never one already stored.
        algo: a sampler name (``"auto"``, ``"random"``...) or a Sampler.
        seed: makes sequential runs reproducible.
        load_if_exists: continue a study of that name (else raise DuplicateStudyError).
        heartbeat_interval: seconds between heartbeats of running trials (persistent storages).
        grace_period: a RUNNING trial whose heartbeat is older than this is failed as stale.
        max_retries: how many times a stale trial's configuration is queued again.
        checkpoint_path: PyHopper's spelling of a file storage: ``"run.db"`` (SQLite) or
            ``"run.jsonl"`` (journal).
        pruner: when to stop a trial early: None (never; successive halving with a
            ``fidelity``), a name (``"median"``, ``"sha"``, ``"hyperband"``, ``"lce"``...)
            or a :class:`~hyperhop.pruning.Pruner`. A pruned trial keeps its intermediate
            values and its last one as its value.
        fidelity: a :class:`~hyperhop.Fidelity` (``hh.Fidelity("epochs", 1, 81)``): the
            objective receives ``config["epochs"] = 81`` and reports one value per epoch;
            the pruner allocates epochs between trials.
        artifacts: where ``trial.save_artifact`` keeps files (a directory or ``file://``
            URL every worker reaches; recorded with the study). Default: beside a SQLite or
            journal file (``runs.db.artifacts/``), a temporary folder for memory storage.

    The pruner and the fidelity are stored with a new study (as JSON; a pruner class of
    your own by name only). A study opened again (``load_study``, a rerun, ``hyperhop
    worker``) uses the stored ones where ``pruner``/``fidelity`` are None, so workers that
    share a database prune alike; one given that differs wins, with a logged warning.

    Example:
        >>> import hyperhop as hh
        >>> study = hh.Study({"x": hh.float(-2, 2)}, direction="min", seed=1)
        >>> _ = study.optimize(lambda cfg: (cfg["x"] - 0.5) ** 2, n_trials=50, progress=False)
        >>> abs(study.best.config["x"] - 0.5) < 0.2
        True
    """

    @spelled("Study()")
    def __init__(
        self,
        space: Any,
        direction: str = "min",
        storage: Any = None,
        name: str | None = None,
        algo: Any = "auto",
        seed: int | None = None,
        load_if_exists: bool = True,
        *,
        directions: Sequence[str] | Mapping[str, str] | None = None,
        heartbeat_interval: float | None = 10.0,
        grace_period: float = 60.0,
        max_retries: int = 0,
        checkpoint_path: str | os.PathLike[str] | None = None,
        pruner: str | Pruner | None = None,
        fidelity: Fidelity | None = None,
        artifacts: str | os.PathLike[str] | None = None,
    ) -> None:
        self.space: Space = as_space(space)
        names: tuple[str, ...] | None = None
        if isinstance(directions, Mapping):
            names = tuple(str(k) for k in directions)
            directions = list(directions.values())
        dirs = (
            tuple(_direction(d) for d in directions)
            if directions is not None
            else (_direction(direction),)
        )
        if not dirs:
            raise ValueError(
                "The 'directions' parameter of Study must name at least one direction."
            )
        if checkpoint_path is not None:
            if storage is not None:
                raise ValueError(
                    "Pass either 'storage' or 'checkpoint_path' (a .db or .jsonl file), not both."
                )
            storage = checkpoint_path
        self.storage: Storage = get_storage(storage)
        self.name = study_name(name, self.storage, checkpoint=checkpoint_path is not None)
        if not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError(
                f"The 'max_retries' parameter of Study must be an int >= 0. Got {describe(max_retries)} instead."
            )
        make_pruner(pruner, fidelity)  # bad arguments fail before anything is stored
        self._check_fidelity(fidelity)
        definition = {**self.space.definition(), _PRUNING_KEY: pruning_record(pruner, fidelity)}
        info, created = self.storage.create_study(
            self.name, dirs, definition, load_if_exists=load_if_exists
        )
        changed: list[str] | None = None
        if not created:
            if self._stored_with_old_labels(info.space):
                self.space = Space(self.space, branch_labels=False)
                definition = {**self.space.definition(), _PRUNING_KEY: definition[_PRUNING_KEY]}
            changed = self._check_compatible(
                info.directions, info.space, dirs, definition, info.attrs, info.id
            )
            log.info("resuming study %r from %s", self.name, self.storage.url)
            pruner, fidelity = self._stored_pruning(info.space, pruner, fidelity)
        self.id = info.id
        self.directions = dirs
        self.artifacts = artifact_binding.resolve_store(
            self.storage, self.id, info.attrs, artifacts
        )
        """The :class:`~hyperhop.artifacts.ArtifactStore` of the study (None: no store)."""
        self._names: tuple[str, ...] | None = _names_in(info.attrs)
        if names is not None:
            self._agree_on_names(names)
        self.seed = seed
        self.sampler: Sampler = make_sampler(algo, self.space, seed)
        self.pruner: Pruner = make_pruner(pruner, fidelity)
        self.fidelity: Fidelity | None = fidelity
        self.owner = owner_id()
        self.grace_period = float(grace_period)
        self.max_retries = max_retries
        self._persistent = not isinstance(self.storage, MemoryStorage)
        self._cache = TrialCache(self.storage, self.id, dirs[0] if len(dirs) == 1 else None)
        self._cache.watch_others(self.owner, time.time())
        self._cache.refresh()
        self._fitting: Fitting | None = None
        self._created_space: Space | None = None
        if changed is not None:
            self._follow_space(changed, info.space)
        self._lost: set[int] = set()
        self._heartbeat = (
            Heartbeat(self.storage, self.owner, float(heartbeat_interval), self._lost.add)
            if self._persistent and heartbeat_interval
            else None
        )
        self._stop = threading.Event()
        self._failure_log = FailureLog()
        self._budget: Budget | None = None
        self._lag: int | None = None
        self.reap()

    # ------------------------------------------------------------------ state
    def _check_compatible(
        self,
        old_dirs: Sequence[str],
        old_space: Any,
        dirs: Sequence[str],
        definition: Mapping[str, Any],
        attrs: Mapping[str, Any],
        study_id: int,
    ) -> list[str] | None:
        """Check a reopened study; the changes of its space in words (``[]``: none now),
        or None when its space never changed. An incompatible change raises."""
        if tuple(old_dirs) != tuple(dirs):
            raise ValueError(
                f"Study {self.name!r} in {self.storage.url} optimizes {list(old_dirs)}, not {list(dirs)}. "
                "Use a new study name, or the original direction."
            )
        if not isinstance(old_space, Mapping) or "params" not in old_space:
            return None
        current = {
            k: v for k, v in current_definition(old_space, attrs).items() if k != _PRUNING_KEY
        }
        new = codec.loads(codec.dumps({k: v for k, v in definition.items() if k != _PRUNING_KEY}))
        said = changes(current, new, f"Study {self.name!r} in {self.storage.url}")
        if said:
            self.storage.set_study_attr(study_id, CURRENT_SPACE_ATTR, new)
            log.warning(
                "the space of study %r changed: %s. Its trials stay; the sampler learns from "
                "those that fit the new space.",
                self.name,
                "; ".join(said),
            )
            return said
        if new != current:  # the template alone changed (a constant): follow it quietly
            self.storage.set_study_attr(study_id, CURRENT_SPACE_ATTR, new)
            return []
        return [] if CURRENT_SPACE_ATTR in attrs else None

    def _attach(self, trial: Trial) -> Trial:
        """The trial, its ``config`` built through the current space, or (when the space
        changed since and the trial does not fit it) the space the study was created with."""
        if self._fitting is None or self._created_space is None or self._fitting.fit(trial):
            return trial.attach(self.space)
        return trial.attach(self._created_space)

    def _follow_space(self, said: list[str], original: Any) -> None:
        """Show samplers only the trials that fit the current space (it changed), and give
        them streams of their own, so as not to replay the old space's draws."""
        self._fitting = Fitting(self.space)
        try:
            self._created_space = space_from_definition(original)
        except InvalidSpaceError:  # expressions, custom types: old trials show params only
            self._created_space = None
        self.sampler.stream = zlib.crc32(self.space.fingerprint().encode()) or 1
        trials = self._cache.all()
        fit = len(self._fitting.view(trials))
        log.log(
            logging.WARNING if said else logging.INFO,
            "study %r: %d of its %d trials fit the current space and guide the sampler.",
            self.name,
            fit,
            len(trials),
        )

    def _stored_with_old_labels(self, stored: Any) -> bool:
        """Whether a study was stored with the labels of before branch labels (see Space)."""
        if not isinstance(stored, Mapping) or "params" not in stored:
            return False
        old = {p["label"] for p in stored["params"]}
        if old == set(self.space.labels):
            return False
        return old == set(Space(self.space, branch_labels=False).labels)

    def _check_fidelity(self, fidelity: Fidelity | None) -> None:
        template = self.space.template
        if fidelity is not None and (
            fidelity.name in self.space.labels
            or (isinstance(template, Mapping) and fidelity.name in template)
        ):
            raise ValueError(
                f"The fidelity {fidelity.name!r} is also a parameter of the space; the pruner "
                "allocates it. Remove it from the space, or give the fidelity another name."
            )

    def _stored_pruning(
        self, stored: Any, pruner: Any, fidelity: Fidelity | None
    ) -> tuple[Any, Fidelity | None]:
        """The pruner and fidelity of a study opened again: the stored ones, unless given
        here. A given one that differs from the stored one wins, with a warning (workers
        that disagree do not prune alike)."""
        record = stored.get(_PRUNING_KEY) if isinstance(stored, Mapping) else None
        old_pruner, old_fidelity = read_record(record)
        where = f"Study {self.name!r} in {self.storage.url}"
        if fidelity is None:
            fidelity = old_fidelity
            self._check_fidelity(fidelity)
        elif old_fidelity is not None and old_fidelity != fidelity:
            log.warning(
                "%s was created with %r; this process uses %r, as given.",
                where,
                old_fidelity,
                fidelity,
            )
        if old_pruner is None:
            return pruner, fidelity
        if pruner is None:
            if old_pruner.get("name") == CUSTOM:
                log.warning(
                    "%s was created with the pruner %s, code that storage does not hold: this "
                    "process does not prune. Pass pruner=... (or --pruner) to prune alike.",
                    where,
                    old_pruner.get("repr"),
                )
                return NopPruner(), fidelity
            return pruner_from_dict(old_pruner), fidelity
        mine = pruning_record(pruner, None)["pruner"]
        if _effective(mine, fidelity) != _effective(old_pruner, fidelity):
            log.warning(
                "%s was created with the pruner %s; this process uses %s, as given (workers "
                "that use different pruners do not prune alike).",
                where,
                _describe_pruner(old_pruner),
                _describe_pruner(mine),
            )
        return pruner, fidelity

    @property
    def direction(self) -> str:
        return self.directions[0]

    @property
    def objective_names(self) -> tuple[str, ...] | None:
        """The objectives' names (from ``directions={"acc": "max", ...}`` or the first
        dict of named objectives an objective returned), kept in the study's attributes."""
        if self._names is None:
            self._names = _names_in(self.storage.get_study_by_id(self.id).attrs)
        return self._names

    def _agree_on_names(self, names: tuple[str, ...]) -> None:
        """Record the objectives' names, or check them against the recorded ones."""
        if len(names) != len(self.directions) or len(set(names)) != len(names):
            raise ValueError(
                f"The study has {len(self.directions)} objective(s); got the names {list(names)}."
            )
        known = self.objective_names
        if known is None:
            self.storage.set_study_attr(self.id, _NAMES_ATTR, list(names))
            self._names = names
        elif set(known) != set(names):
            raise ValueError(
                f"Study {self.name!r} names its objectives {list(known)}, not {list(names)}. "
                "Use those names, or a new study name."
            )

    @property
    def trials(self) -> TrialList:
        """Every trial, ordered by number (fresh from storage)."""
        self._cache.refresh()
        # one space shows every trial's values, unless the space changed (each its own)
        shown = self.space if self._fitting is None else None
        return TrialList((self._attach(t) for t in self._cache.all()), space=shown)

    @property
    def best(self) -> Trial:
        """The best completed trial (ties: the earliest), among those that meet their outcome
        constraints. Raises if there is none."""
        if len(self.directions) != 1:
            raise ValueError(
                "A multi-objective study has no single best trial; use study.pareto_front()."
            )
        self._cache.refresh()
        best = self._cache.best
        if best is None:
            raise NoCompletedTrialsError(
                f"Study {self.name!r} has no completed trial yet that meets its constraints "
                f"({self._cache.count(TrialState.FAILED)} failed, {len(self._cache)} in all)."
            )
        return self._attach(best)

    @property
    def best_value(self) -> float:
        v = self.best.value
        assert v is not None
        return v

    @property
    def best_config(self) -> Any:
        return self.best.config

    def pareto_front(self) -> list[Trial]:
        """The completed trials that meet their outcome constraints and that no other such
        trial dominates, by number (with one objective: the trials tied for best).

        Example:
            >>> import hyperhop as hh
            >>> study = hh.Study({"x": hh.float(0, 1)}, directions=["min", "max"], seed=0)
            >>> for x in (0.2, 0.5, 0.9):
            ...     _ = study.tell(study.ask(), (x, x * x if x != 0.5 else 0.0))
            >>> [round(t.values[0], 1) for t in study.pareto_front()]
            [0.2, 0.9]
        """
        self._cache.refresh()
        trials = feasible_complete(self._cache.all())
        if not trials:
            return []
        Y = as_minimization([t.values or () for t in trials], self.directions)
        return [self._attach(trials[i]) for i in mo_pareto_front(Y)]

    def hypervolume(self, reference_point: Sequence[float]) -> float:
        """The hypervolume of :meth:`pareto_front` up to ``reference_point`` (in the
        objectives' own units and directions: a point worse than every trial you care
        about). Exact with 2 and 3 objectives; a seeded Monte Carlo estimate above (see
        :func:`hyperhop.multiobjective.hypervolume`).

        Example:
            >>> import hyperhop as hh
            >>> study = hh.Study({"x": hh.float(0, 1)}, directions=["min", "max"], seed=0)
            >>> _ = study.tell(study.ask(), (1.0, 3.0))
            >>> study.hypervolume([2.0, 0.0])
            3.0
        """
        ref = np.asarray(reference_point, dtype=float).reshape(-1)
        if len(ref) != len(self.directions):
            raise ValueError(
                f"The reference point needs {len(self.directions)} coordinate(s), one per "
                f"objective. Got {ref.tolist()} instead."
            )
        front = self.pareto_front()
        if not front:
            return 0.0
        Y = as_minimization([t.values or () for t in front], self.directions)
        return mo_hypervolume(Y, as_minimization(ref[None, :], self.directions)[0])

    def stop(self) -> None:
        """Ask a running :meth:`optimize` to launch no more trials (e.g. from a callback)."""
        self._stop.set()

    if not TYPE_CHECKING:  # type checkers keep flagging unknown attributes

        def __getattr__(self, name: str) -> Any:
            raise attribute_error(self, name)

    def __repr__(self) -> str:
        return f"Study(name={self.name!r}, directions={list(self.directions)}, storage={self.storage.url!r})"

    def _repr_html_(self) -> str:
        """In Jupyter: the summary and the best trials as tables (user strings escaped)."""
        from hyperhop._studydata import study_data
        from hyperhop.report.tables import study_html

        return study_html(study_data(self))

    # ------------------------------------------------------------------ leases
    def reap(self) -> list[Trial]:
        """Fail RUNNING trials whose worker died or stopped beating; re-queue them if
        ``max_retries`` allows. Runs at start-up and before every ask."""
        return [t.attach(self.space) for t in self._reap(recheck=0.0)]

    def _reap(self, recheck: float) -> list[Trial]:
        """:meth:`reap`; before an ask, a local worker found alive less than ``recheck``
        seconds ago is not looked up again."""
        reaped: list[Trial] = []
        now = time.time()
        grace = self.grace_period if self._persistent else None
        for t in self._cache.running():
            if t.owner == self.owner:
                continue
            why = stale_reason(t, now, grace, recheck=recheck)
            if why is None:
                continue
            try:
                new = self.storage.update_trial(
                    t.id,
                    expect_state=TrialState.RUNNING,
                    expect_heartbeat=t.heartbeat,
                    state=TrialState.FAILED,
                    error=TrialError(FailReason.STALE.value, f"Reaped: {why}."),
                )
            except TrialStateError:
                continue
            self._cache.put(new)
            reaped.append(new)
            log.warning("trial %d of study %r failed as stale: %s", t.number, self.name, why)
            if self.max_retries and self._retry_depth(t) < self.max_retries:
                q = self.storage.create_trial(
                    self.id,
                    state=TrialState.QUEUED,
                    assignment=t.assignment,
                    retried_from=t.number,
                    enqueue_key=f"retry:{t.id}",
                )
                self._cache.put(q)
        return reaped

    def _retry_depth(self, t: Trial) -> int:
        depth = 0
        trials = {x.number: x for x in self._cache.all()}
        while t.retried_from is not None and t.retried_from in trials and depth < 1000:
            depth += 1
            t = trials[t.retried_from]
        return depth

    # ------------------------------------------------------------------ ask / tell
    def ask(self) -> Trial:
        """Start a trial: a queued configuration if any, else the sampler's suggestion.

        Example:
            >>> import hyperhop as hh
            >>> study = hh.Study({"x": hh.int(0, 9)}, seed=0)
            >>> trial = study.ask()
            >>> study.tell(trial, trial.config["x"] * 2.0).state.name
            'COMPLETE'
        """
        return self._ask(fresh=False)

    def _ask(self, fresh: bool, cap: TrialCap | None = None) -> Trial:
        """``ask`` for callers that refreshed the cache just before (saves a read per trial);
        with a ``cap``, the storage raises BudgetReachedError rather than start one more."""
        if not fresh:
            self._cache.refresh()
        self._reap(recheck=0.5)
        if self.sampler.stream == 0 and self.sampler.seed is not None:
            self._own_stream_if_shared()
        trial = None
        if self._cache.count(TrialState.QUEUED):  # enqueued by anyone, as of the last read
            trial = self.storage.claim_queued_trial(self.id, self.owner, cap)
        if trial is None:
            trials = self._cache.view() if self._lag is None else self._lagged_view(self._lag)
            history = self._history(trials)
            assignment = self.sampler.suggest(history)
            trial = self.storage.create_trial(
                self.id, state=TrialState.RUNNING, assignment=assignment, owner=self.owner, cap=cap
            )
        self._cache.put(trial)
        if self._heartbeat is not None:
            self._heartbeat.add(trial.id)
        return trial.attach(self.space)

    def _own_stream_if_shared(self) -> None:
        """Once another worker starts trials of this study, draw from this process's own
        streams: workers given the same seed would otherwise propose the same
        configurations whenever they ask at the same point. A study run by one process at
        a time (resumes included) keeps the seed's own streams, so it stays reproducible."""
        if self._cache.others_active:
            self.sampler.stream = zlib.crc32(self.owner.encode()) or 1
            log.info(
                "study %r: other workers share it; %s draws from its own streams (stream %d)",
                self.name,
                self.owner,
                self.sampler.stream,
            )

    def _history(self, trials: Sequence[Trial]) -> History:
        """What the sampler and the pruner see, with the running ``optimize`` call's budget."""
        if self._fitting is not None:
            trials = self._fitting.view(trials)
        b = self._budget
        if b is None:
            return History(self.space, self.directions, trials)
        return History(self.space, self.directions, trials, b.progress(), b.goal)

    def _lagged_view(self, lag: int) -> list[Trial]:
        """The history for ``deterministic=True``: trials numbered below ``k - lag`` as they
        are (all finished: the loop waits for them), the ``lag`` newest shown as still
        RUNNING whatever their real state, so the suggestion for trial ``k`` does not depend
        on the order in which parallel workers finished."""
        trials = self._cache.all()
        k = len(trials)
        return [
            t
            if t.number < k - lag
            else dataclasses.replace(t, state=TrialState.RUNNING, values=None, error=None)
            for t in trials
        ]

    def tell(self, trial: Trial | int, result: Any = None) -> Trial:
        """Finish a trial with a value (or tuple, or result dict), an exception, or a state
        (``TrialState.PRUNED`` / ``TrialState.FAILED``). Returns the finished trial."""
        t = self._resolve(trial)
        if isinstance(result, BaseException):
            outcome = Outcome(TrialState.FAILED, error=error_from(result))
        elif isinstance(result, TrialState):
            if result not in (TrialState.PRUNED, TrialState.FAILED, TrialState.COMPLETE):
                raise ValueError(f"tell() takes PRUNED, FAILED or a value, not {result.name}.")
            if result is TrialState.COMPLETE:
                raise ValueError(
                    "tell(trial, TrialState.COMPLETE) needs a value: pass the value instead."
                )
            err = (
                TrialError(FailReason.USER.value, "told FAILED")
                if result is TrialState.FAILED
                else None
            )
            outcome = Outcome(result, error=err)
        else:
            outcome = interpret(result, len(self.directions))
        return self._finish(t, outcome)

    def _resolve(self, trial: Trial | int) -> Trial:
        if isinstance(trial, Trial):
            return trial
        self._cache.refresh()
        for t in self._cache.all():
            if t.number == trial:
                return t
        raise KeyError(f"Study {self.name!r} has no trial number {trial!r}.")

    def _finish(self, trial: Trial, outcome: Outcome) -> Trial:
        if outcome.names is not None and outcome.values is not None:
            outcome = self._order_named(outcome)
        if (
            outcome.state is TrialState.PRUNED
            and outcome.values is None
            and len(self.directions) == 1
        ):
            inter = self.storage.get_trial(trial.id).intermediate
            if inter:
                outcome = dataclasses.replace(outcome, values=(inter[max(inter)],))
        try:
            new = record(self.storage, trial, outcome)
        finally:
            if self._heartbeat is not None:
                self._heartbeat.discard(trial.id)
        self._cache.put(new)
        if new.state is TrialState.COMPLETE:
            log.info(
                "trial %d finished with value %s",
                new.number,
                new.values if len(self.directions) > 1 else new.value,
            )
        elif new.state is TrialState.FAILED:
            self._failure_log.failed(new)
        return new.attach(self.space)

    def _order_named(self, outcome: Outcome) -> Outcome:
        """Put named objective values in the study's order (recording the names the first
        time); a different set of names fails the trial with ``invalid_value``."""
        assert outcome.names is not None and outcome.values is not None
        try:
            self._agree_on_names(outcome.names)
        except ValueError as e:
            return Outcome(
                TrialState.FAILED,
                error=TrialError(FailReason.INVALID_VALUE.value, str(e)),
                user_attrs=outcome.user_attrs,
                attachments=outcome.attachments,
            )
        known = self._names or outcome.names
        by_name = dict(zip(outcome.names, outcome.values, strict=True))
        return dataclasses.replace(outcome, values=tuple(by_name[n] for n in known))

    def enqueue(self, config: Any, *, key: str | None = "auto") -> Trial:
        """Queue a configuration to be evaluated before the sampler's suggestions (a partial
        config gets the rest sampled). The same config enqueued twice runs once, unless
        ``key=None``.

        Example:
            >>> import hyperhop as hh
            >>> study = hh.Study({"x": hh.float(0, 1), "y": hh.int(1, 3)}, seed=0)
            >>> study.enqueue({"x": 0.25}).params["x"]
            0.25
        """
        partial = self.space.from_config(config, partial=True)
        if key == "auto":
            key = "config:" + codec.dumps(partial)
        n = len(self._cache)
        assignment = self.space.complete(partial, self.sampler.rng_for(10**9 + n))
        trial = self.storage.create_trial(
            self.id, state=TrialState.QUEUED, assignment=assignment, enqueue_key=key
        )
        self._cache.put(trial)
        return trial.attach(self.space)

    def attachment(self, trial: Trial, name: str) -> bytes:
        """Bytes that the objective returned under ``attachments`` for this trial."""
        return self.storage.get_attachment(trial.id, name)

    def save_artifact(self, trial: Trial, name: str, obj: Any, *, pickle: bool = False) -> None:
        """Keep a model, array or file with a trial (ask/tell; an objective that takes the
        trial calls ``trial.save_artifact``). See :mod:`hyperhop.artifacts` for the formats."""
        artifact_binding.save(
            self.storage, self.artifacts, self.id, trial, name, obj, pickle=pickle
        )

    def load_artifact(
        self,
        trial: Trial,
        name: str,
        *,
        trusted: bool = False,
        factory: Callable[..., Any] | None = None,
    ) -> Any:
        """A trial's artifact, read back from a safe format. A PyTorch model needs
        ``factory(trial.config)`` to build the module its weights go into; a pickle (or a
        skops file with types it does not trust) loads only with ``trusted=True``."""
        return artifact_binding.load(
            self.storage, self.artifacts, trial, name, trusted=trusted, factory=factory
        )

    def artifact_names(self, trial: Trial) -> list[str]:
        """The names of the artifacts a trial saved, sorted."""
        return artifact_binding.names(self.storage, trial)

    # ------------------------------------------------------------------ the loop
    def report(self, trial: Trial | int, value: float, step: int | None = None) -> None:
        """Record an intermediate value of a running trial (ask/tell); ``step`` defaults to
        the one after the last reported. NaN is not recorded.

        Example:
            >>> import hyperhop as hh
            >>> study = hh.Study({"x": hh.float(0, 1)}, pruner=hh.pruning.ThresholdPruner(upper=1.0))
            >>> trial = study.ask()
            >>> study.report(trial, 2.0)
            >>> study.should_prune(trial)
            True
            >>> study.tell(trial, hh.TrialState.PRUNED).value
            2.0
        """
        t = self._resolve(trial)
        v = float(value)
        if v != v:  # NaN
            return
        if step is None:
            done = self.storage.get_trial(t.id).intermediate
            step = max(done) + 1 if done else 0
        new = self.storage.update_trial(
            t.id, expect_state=TrialState.RUNNING, expect_owner=t.owner, intermediate={int(step): v}
        )
        self._cache.put(new)

    def should_prune(self, trial: Trial | int) -> bool:
        """Whether the study's pruner would stop this running trial now (ask/tell)."""
        return self._should_prune(self._resolve(trial).id)

    @spelled("optimize()")
    def optimize(
        self,
        objective: Callable[..., Any],
        n_trials: int | None = None,
        runtime: float | str | None = None,
        n_jobs: int | str = 1,
        callbacks: Iterable[Callable[[Study, Trial], Any]] = (),
        catch: type[BaseException] | tuple[type[BaseException], ...] = (Exception,),
        progress: bool = True,
        target: float | None = None,
        *,
        n_trials_mode: str = "total",
        n_trials_counts: str = "all",
        count_pruned: bool = True,
        max_consecutive_failures: int | None = 20,
        fail_fast: int | None = 3,
        kwargs: Mapping[str, Any] | None = None,
        executor: Any = None,
        trial_timeout: float | None = None,
        memory_limit: int | str | None = None,
        deterministic: bool = False,
    ) -> Study:
        """Run the objective until a budget ends: ``n_trials``, ``runtime`` or ``target``.

        ``n_trials`` counts every trial that ran: completed, pruned and failed by the
        objective, as Hyperopt's ``max_evals`` and Optuna's ``n_trials`` do (a trial failed
        as stale, its worker dead, does not count: its retry does; nor does one interrupted
        by Ctrl+C). ``n_trials_counts="successes"`` counts completed and pruned trials only,
        for spaces where many configurations fail (hidden constraints); ``count_pruned=False``
        leaves out pruned ones. With ``n_trials_mode="total"`` the trials already in the
        study count too, so rerunning a script finishes the same budget, and workers that
        share a study on a persistent storage share the budget exactly (each trial takes its
        place in the same transaction that starts it); ``"increment"`` adds ``n_trials``
        more. A failing objective makes a FAILED trial and the study goes on (exceptions not
        in ``catch`` are re-raised after the trial is recorded). Ctrl+C marks the running trial FAILED(interrupted) and
        re-raises KeyboardInterrupt.

        When the first ``fail_fast`` (3) trials of the run all fail the same way (same
        exception type and line, or the same invalid result), the run stops with
        TooManyFailuresError chained to the objective's own exception; ``fail_fast=None``
        (or ``max_consecutive_failures=None``) turns this off.

        ``n_jobs`` workers (an int, ``"auto"``, ``"per-gpu"``) run as threads, or as
        isolated processes with ``executor="process"``; ``trial_timeout`` (seconds) and
        ``memory_limit`` (``"2GiB"``) imply processes, where a trial that hangs, crashes
        or runs out of memory fails alone and its worker is replaced. With
        ``executor="ray"``, ``"dask"`` or ``"mpi"`` they run each trial in a child process
        on its worker; an executor object takes them as its own arguments instead.

        ``n_jobs=0`` evaluates nothing here: it waits, polling storage every second, until
        outside workers (``hyperhop worker`` processes on any machine that reaches the
        storage) meet the ``n_trials`` total or ``runtime`` ends. ``executor`` also takes
        ``"ray"``, ``"dask"``, ``"mpi"`` or an executor (``hh.RayExecutor(address=...)``).

        ``deterministic=True`` makes a seeded parallel run repeatable whatever order the
        workers finish in: the suggestion for trial ``k`` sees the trials numbered below
        ``k - workers`` only (it waits for them), and the newer ones as still running. The
        price is idle workers while the oldest trial finishes (see benchmarks/parallel.py).
        """
        if not callable(objective):
            raise TypeError(
                f"The 'objective' parameter of optimize() must be callable. Got {describe(objective)} instead."
            )
        pass_trial = wants_trial(objective, kwargs or {})
        if n_trials is not None and (
            isinstance(n_trials, bool) or not isinstance(n_trials, int) or n_trials < 0
        ):
            raise ValueError(
                f"The 'n_trials' parameter of optimize() must be an int >= 0 or None. Got {describe(n_trials)} instead."
            )
        seconds = None if runtime is None else parse_runtime(runtime)
        if n_trials is None and seconds is None:
            raise ValueError(
                "optimize() needs a budget: pass n_trials=..., runtime=... (e.g. '1h 30min'), or both."
            )
        if n_trials_mode not in ("total", "increment"):
            raise ValueError(
                f"The 'n_trials_mode' parameter of optimize() must be 'total' or 'increment'. Got {n_trials_mode!r} instead."
            )
        if fail_fast is not None and (
            isinstance(fail_fast, bool) or not isinstance(fail_fast, int) or fail_fast < 1
        ):
            raise ValueError(
                f"The 'fail_fast' parameter of optimize() must be an int >= 1 or None. Got {describe(fail_fast)} instead."
            )
        if n_trials_counts not in ("all", "successes"):
            raise ValueError(
                f"The 'n_trials_counts' parameter of optimize() must be 'all' or 'successes'. Got {n_trials_counts!r} instead."
            )
        if target is not None and len(self.directions) != 1:
            raise ValueError("'target' applies to single-objective studies only.")
        executor_obj: Executor | None = outside_only(
            n_jobs,
            executor,
            persistent=self._persistent,
            trial_timeout=trial_timeout,
            memory_limit=memory_limit,
        )
        if executor_obj is None:
            executor_obj = make_executor(
                n_jobs, executor, trial_timeout=trial_timeout, memory_limit=memory_limit
            )
        catch_t = (catch,) if isinstance(catch, type) else tuple(catch)
        rule = TrialCap(0, failed=n_trials_counts == "all", pruned=bool(count_pruned))
        self._cache.refresh()
        goal = None
        if n_trials is not None:
            goal = n_trials
            if n_trials_mode == "increment":
                goal += self._cache.budget_used(rule, finished=True)
        budget = Budget(
            self,
            goal=goal,
            increment=n_trials if n_trials_mode == "increment" else None,
            rule=rule,
            seconds=seconds,
            target=target,
        )
        if pass_trial:  # the trial can save artifacts, wherever the objective runs
            objective = artifact_binding.BindArtifacts(
                objective,
                self.artifacts,
                self.id,
                artifact_binding.no_store_message(self.storage.url),
            )
        spec = EvalSpec(
            objective,
            dict(kwargs or {}),
            pass_trial,
            catch_t,
            len(self.directions),
        )
        bar = ProgressBar(progress, goal, seconds)
        run = OptimizeRun(
            self, spec, budget, list(callbacks), max_consecutive_failures, bar, fail_fast
        )
        self._stop.clear()
        self._budget = budget
        if deterministic:
            run.lag = self._lag = executor_obj.capacity
        try:
            run.run(executor_obj)
        finally:
            self._budget = None
            self._lag = None
            bar.update(
                budget.finished(),
                self._best_value_or_none(),
                self._cache.count(TrialState.FAILED),
                force=True,
            )
            bar.close()
        if run.error is not None:
            raise run.error
        return self

    def _should_prune(self, trial_id: int) -> bool:
        """Whether the study's pruner stops this trial now, from what storage holds.

        A pruner that raises does not stop the trial (logged): a bug in a pruner must not
        take down the trial or the executor that asked."""
        if isinstance(self.pruner, NopPruner):
            return False
        self._cache.refresh()
        trial = next((t for t in self._cache.running() if t.id == trial_id), None)
        if trial is None:
            trial = self.storage.get_trial(trial_id)
            if trial.state is not TrialState.RUNNING:
                return False
        history = self._history(self._cache.view())
        try:
            return bool(self.pruner.should_prune(trial, history))
        except Exception as e:  # noqa: BLE001 - see the docstring
            log.warning(
                "pruner %r failed on trial %d; it goes on: %r", self.pruner, trial.number, e
            )
            return False

    def _task_config(self, trial: Trial) -> Any:
        """The config the objective receives: the trial's, plus the fidelity's budget."""
        config = trial.config
        if self.fidelity is not None and isinstance(config, Mapping):
            config = {**config, self.fidelity.name: self.fidelity.max}
        return config

    def _best_value_or_none(self) -> float | None:
        b = self._cache.best
        return None if b is None else b.value


_NAMES_ATTR = "objective_names"
_PRUNING_KEY = "pruning"
"""The key of the pruner and fidelity in the study's stored definition (written with the
study, in one transaction, so every worker that opens it finds them)."""


def _effective(d: Mapping[str, Any] | None, fidelity: Fidelity | None) -> Any:
    """A stored pruner as it prunes with ``fidelity`` (its resource range filled in)."""
    if d is None or d.get("name") == CUSTOM:
        return d
    return pruning_record(make_pruner(pruner_from_dict(d), fidelity), None)["pruner"]


def _describe_pruner(d: Mapping[str, Any] | None) -> str:
    if d is None:
        return "default"
    if d.get("name") == CUSTOM:
        return str(d.get("repr"))
    try:
        return repr(pruner_from_dict(d))
    except ValueError:
        return str(d)


def _names_in(attrs: Mapping[str, Any]) -> tuple[str, ...] | None:
    names = attrs.get(_NAMES_ATTR)
    return tuple(str(n) for n in names) if isinstance(names, list) else None
