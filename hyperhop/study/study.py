"""The study: one loop that asks the sampler, runs the objective and records every result.

Storage is the truth. The study keeps no state that it cannot rebuild from storage, so a
second process (or a rerun after ``kill -9``) with the same storage and name carries on.
"""

from __future__ import annotations

import inspect
import logging
import math
import os
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from hyperhop._validation import describe
from hyperhop.exceptions import (
    InvalidSpaceError,
    NoCompletedTrialsError,
    StaleTrialError,
    TooManyFailuresError,
    TrialStateError,
)
from hyperhop.samplers import History, Sampler, make_sampler
from hyperhop.space import Space, as_space
from hyperhop.storage import MemoryStorage, Storage, codec, get_storage
from hyperhop.study.history import TrialCache
from hyperhop.study.lease import Heartbeat, owner_id, stale_reason
from hyperhop.study.progress import ProgressBar
from hyperhop.study.results import Outcome, interpret
from hyperhop.study.runtime import parse_runtime
from hyperhop.study.trials import TrialList
from hyperhop.trial import FailReason, Trial, TrialError, TrialState, is_better

log = logging.getLogger("hyperhop.study")

_DIRECTIONS = {
    "min": "min",
    "minimize": "min",
    "minimise": "min",
    "max": "max",
    "maximize": "max",
    "maximise": "max",
}
MAX_NAME_LENGTH = 10_000


def _direction(d: Any) -> str:
    if isinstance(d, str) and d.lower() in _DIRECTIONS:
        return _DIRECTIONS[d.lower()]
    raise ValueError(
        f"The 'direction' parameter of Study must be 'min' or 'max'. Got {describe(d)} instead."
    )


def _check_name(name: Any) -> str:
    if not isinstance(name, str) or not name:
        raise ValueError(
            f"The 'name' parameter of Study must be a non-empty string. Got {describe(name)} instead."
        )
    if len(name) > MAX_NAME_LENGTH:
        raise ValueError(
            f"The 'name' parameter of Study must be at most {MAX_NAME_LENGTH} characters. Got {len(name)} instead."
        )
    if "\x00" in name:
        raise ValueError("The 'name' parameter of Study must not contain NUL characters.")
    return name


def _error_from(exc: BaseException, reason: str = FailReason.EXCEPTION.value) -> TrialError:
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return TrialError(reason, str(exc), type(exc).__qualname__, tb)


class Study:
    """A search over a space, recorded in a storage.

    Args:
        space: a template (dict/list of parameters) or a :class:`~hyperhop.Space`.
        direction: ``"min"`` or ``"max"``.
        storage: None (memory), a URL (``"sqlite:///runs.db"``) or a Storage.
        name: the study's name in the storage (default ``"default"``); rerunning with the
            same storage and name resumes the study.
        algo: a sampler name (``"auto"``, ``"random"``...) or a Sampler.
        seed: makes sequential runs reproducible.
        load_if_exists: continue a study of that name (else raise DuplicateStudyError).
        heartbeat_interval: seconds between heartbeats of running trials (persistent storages).
        grace_period: a RUNNING trial whose heartbeat is older than this is failed as stale.
        max_retries: how many times a stale trial's configuration is queued again.
        checkpoint_path: PyHopper's spelling of a file storage: ``"run.db"`` (SQLite) or
            ``"run.jsonl"`` (journal).

    Example:
        >>> import hyperhop as hh
        >>> study = hh.Study({"x": hh.float(-2, 2)}, direction="min", seed=1)
        >>> _ = study.optimize(lambda cfg: (cfg["x"] - 0.5) ** 2, n_trials=50, progress=False)
        >>> abs(study.best.config["x"] - 0.5) < 0.2
        True
    """

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
        directions: Sequence[str] | None = None,
        heartbeat_interval: float | None = 10.0,
        grace_period: float = 60.0,
        max_retries: int = 0,
        checkpoint_path: str | os.PathLike[str] | None = None,
    ) -> None:
        self.space: Space = as_space(space)
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
        self.name = _check_name(name if name is not None else "default")
        if not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError(
                f"The 'max_retries' parameter of Study must be an int >= 0. Got {describe(max_retries)} instead."
            )
        definition = self.space.definition()
        info, created = self.storage.create_study(
            self.name, dirs, definition, load_if_exists=load_if_exists
        )
        if not created:
            self._check_compatible(info.directions, info.space, dirs, definition)
            log.info("resuming study %r from %s", self.name, self.storage.url)
        self.id = info.id
        self.directions = dirs
        self.seed = seed
        self.sampler: Sampler = make_sampler(algo, self.space, seed)
        self.owner = owner_id()
        self.grace_period = float(grace_period)
        self.max_retries = max_retries
        self._persistent = not isinstance(self.storage, MemoryStorage)
        self._cache = TrialCache(self.storage, self.id, dirs[0] if len(dirs) == 1 else None)
        self._cache.refresh()
        self._lost: set[int] = set()
        self._heartbeat = (
            Heartbeat(self.storage, self.owner, float(heartbeat_interval), self._lost.add)
            if self._persistent and heartbeat_interval
            else None
        )
        self._stop = threading.Event()
        self._progress: Callable[[], float] | None = None
        self.reap()

    # ------------------------------------------------------------------ state
    def _check_compatible(
        self,
        old_dirs: Sequence[str],
        old_space: Any,
        dirs: Sequence[str],
        definition: Mapping[str, Any],
    ) -> None:
        if tuple(old_dirs) != tuple(dirs):
            raise ValueError(
                f"Study {self.name!r} in {self.storage.url} optimizes {list(old_dirs)}, not {list(dirs)}. "
                "Use a new study name, or the original direction."
            )
        if not isinstance(old_space, Mapping) or "params" not in old_space:
            return
        old = {p["label"]: p for p in old_space["params"]}
        new = {p["label"]: p for p in codec.loads(codec.dumps(definition["params"]))}
        for label in sorted(set(old) | set(new)):
            if old.get(label) != new.get(label):
                was = old[label]["def"] if label in old else "absent"
                now = new[label]["def"] if label in new else "absent"
                raise InvalidSpaceError(
                    f"Study {self.name!r} in {self.storage.url} was created with a different space: "
                    f"parameter {label!r} was {was} and is now {now}. Use a new study name, or the original space."
                )

    @property
    def direction(self) -> str:
        return self.directions[0]

    @property
    def trials(self) -> TrialList:
        """Every trial, ordered by number (fresh from storage)."""
        self._cache.refresh()
        return TrialList(t.attach(self.space) for t in self._cache.all())

    @property
    def best(self) -> Trial:
        """The best completed trial (ties: the earliest). Raises if none completed."""
        if len(self.directions) != 1:
            raise ValueError(
                "A multi-objective study has no single best trial; use study.pareto_front()."
            )
        self._cache.refresh()
        best = self._cache.best
        if best is None:
            raise NoCompletedTrialsError(
                f"Study {self.name!r} has no completed trial yet "
                f"({self._cache.count(TrialState.FAILED)} failed, {len(self._cache)} in all)."
            )
        return best.attach(self.space)

    @property
    def best_value(self) -> float:
        v = self.best.value
        assert v is not None
        return v

    @property
    def best_config(self) -> Any:
        return self.best.config

    def stop(self) -> None:
        """Ask a running :meth:`optimize` to launch no more trials (e.g. from a callback)."""
        self._stop.set()

    def __repr__(self) -> str:
        return f"Study(name={self.name!r}, directions={list(self.directions)}, storage={self.storage.url!r})"

    # ------------------------------------------------------------------ leases
    def reap(self) -> list[Trial]:
        """Fail RUNNING trials whose worker died or stopped beating; re-queue them if
        ``max_retries`` allows. Runs at start-up and before every ask."""
        reaped: list[Trial] = []
        now = time.time()
        grace = self.grace_period if self._persistent else None
        for t in self._cache.running():
            if t.owner == self.owner:
                continue
            why = stale_reason(t, now, grace)
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
                    params=t.params,
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
        self._cache.refresh()
        self.reap()
        trial = self.storage.claim_queued_trial(self.id, self.owner)
        if trial is None:
            progress = self._progress() if self._progress is not None else None
            history = History(self.space, self.directions, self._cache.view(), progress)
            params = self.sampler.suggest(history)
            trial = self.storage.create_trial(
                self.id, state=TrialState.RUNNING, params=params, owner=self.owner
            )
        self._cache.put(trial)
        if self._heartbeat is not None:
            self._heartbeat.add(trial.id)
        return trial.attach(self.space)

    def tell(self, trial: Trial | int, result: Any = None) -> Trial:
        """Finish a trial with a value (or tuple, or result dict), an exception, or a state
        (``TrialState.PRUNED`` / ``TrialState.FAILED``). Returns the finished trial."""
        t = self._resolve(trial)
        if isinstance(result, BaseException):
            outcome = Outcome(TrialState.FAILED, error=_error_from(result))
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
        for name, data in outcome.attachments.items():
            self.storage.set_attachment(trial.id, name, data)
        user_attrs = outcome.user_attrs
        if user_attrs:
            try:
                codec.dumps(user_attrs)
            except (TypeError, ValueError) as e:
                log.warning(
                    "trial %d: extra result keys are not JSON and were stored as text (%s)",
                    trial.number,
                    e,
                )
                user_attrs = {k: _jsonable_or_repr(v) for k, v in user_attrs.items()}
        try:
            new = self.storage.update_trial(
                trial.id,
                expect_state=TrialState.RUNNING,
                expect_owner=trial.owner,
                state=outcome.state,
                values=outcome.values,
                error=outcome.error,
                user_attrs=user_attrs or None,
            )
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
            log.warning("trial %d failed: %s", new.number, new.error)
        return new.attach(self.space)

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
        params = self.space.complete(partial, self.sampler.rng_for(10**9 + n))
        trial = self.storage.create_trial(
            self.id, state=TrialState.QUEUED, params=params, enqueue_key=key
        )
        self._cache.put(trial)
        return trial.attach(self.space)

    def attachment(self, trial: Trial, name: str) -> bytes:
        """Bytes that the objective returned under ``attachments`` for this trial."""
        return self.storage.get_attachment(trial.id, name)

    # ------------------------------------------------------------------ the loop
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
        count_pruned: bool = True,
        max_consecutive_failures: int | None = 20,
        kwargs: Mapping[str, Any] | None = None,
    ) -> Study:
        """Run the objective until a budget ends: ``n_trials``, ``runtime`` or ``target``.

        ``n_trials`` counts completed (and pruned) trials; with ``n_trials_mode="total"`` the
        trials already in the study count too, so rerunning a script finishes the same
        budget, and ``"increment"`` adds ``n_trials`` more. A failing objective makes a
        FAILED trial and the study goes on (exceptions not in ``catch`` are re-raised after
        the trial is recorded). Ctrl+C marks the running trial FAILED(interrupted) and
        re-raises KeyboardInterrupt.
        """
        if not callable(objective):
            raise TypeError(
                f"The 'objective' parameter of optimize() must be callable. Got {describe(objective)} instead."
            )
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
        if target is not None and len(self.directions) != 1:
            raise ValueError("'target' applies to single-objective studies only.")
        workers = _n_workers(n_jobs)
        catch_t = (catch,) if isinstance(catch, type) else tuple(catch)
        counted = (
            (TrialState.COMPLETE, TrialState.PRUNED) if count_pruned else (TrialState.COMPLETE,)
        )
        self._cache.refresh()
        goal = None
        if n_trials is not None:
            goal = n_trials if n_trials_mode == "total" else self._cache.count(*counted) + n_trials
        run = _Run(
            self,
            objective,
            goal,
            counted,
            seconds,
            target,
            list(callbacks),
            catch_t,
            max_consecutive_failures,
            dict(kwargs or {}),
        )
        if n_trials is not None and n_trials_mode == "increment":
            run.increment = n_trials
        bar = ProgressBar(progress, goal, seconds)
        run.bar = bar
        self._stop.clear()
        self._progress = run.progress
        try:
            if workers == 1:
                run.worker()
            else:
                run.threads(workers)
            if isinstance(run.error, KeyboardInterrupt):  # raised in a worker thread
                raise run.error
        except KeyboardInterrupt as e:
            run.abandon(e)
            raise
        finally:
            self._progress = None
            bar.update(
                self._cache.count(*counted),
                self._best_value_or_none(),
                self._cache.count(TrialState.FAILED),
                force=True,
            )
            bar.close()
        if run.error is not None:
            raise run.error
        return self

    def _best_value_or_none(self) -> float | None:
        b = self._cache.best
        return None if b is None else b.value


def _jsonable_or_repr(v: Any) -> Any:
    try:
        codec.dumps(v)
        return v
    except (TypeError, ValueError):
        return repr(v)


def _n_workers(n_jobs: int | str) -> int:
    if isinstance(n_jobs, str):
        text = n_jobs.strip().lower()
        if text == "auto":
            return (
                len(os.sched_getaffinity(0))
                if hasattr(os, "sched_getaffinity")
                else (os.cpu_count() or 1)
            )
        if text.isdigit():
            n_jobs = int(text)
        else:
            raise ValueError(
                f"The 'n_jobs' parameter of optimize() must be an int >= 1 or 'auto'. Got {n_jobs!r} instead."
            )
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs < 1:
        raise ValueError(
            f"The 'n_jobs' parameter of optimize() must be an int >= 1 or 'auto'. Got {describe(n_jobs)} instead."
        )
    return n_jobs


def _wants_trial(objective: Callable[..., Any]) -> bool:
    try:
        params = [
            p
            for p in inspect.signature(objective).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
        ]
    except (TypeError, ValueError):
        return False
    return len(params) >= 2


class _Run:
    """One call of :meth:`Study.optimize`: budget, counters, and the worker loop."""

    def __init__(
        self,
        study: Study,
        objective: Callable[..., Any],
        goal: int | None,
        counted: tuple[TrialState, ...],
        seconds: float | None,
        target: float | None,
        callbacks: list[Callable[[Study, Trial], Any]],
        catch: tuple[type[BaseException], ...],
        max_consecutive_failures: int | None,
        kwargs: dict[str, Any],
    ) -> None:
        self.study = study
        self.objective = objective
        self.goal = goal
        self.counted = counted
        self.seconds = seconds
        self.deadline = None if seconds is None else time.monotonic() + seconds
        self.target = target
        self.callbacks = callbacks
        self.catch = catch
        self.max_fail = max_consecutive_failures
        self.kwargs = kwargs
        self.pass_trial = _wants_trial(objective)
        self.lock = threading.Lock()
        self.in_flight = 0
        self.increment: int | None = None
        """``n_trials`` in increment mode: this run's own trials count, not the study's, so
        several processes that each add ``n_trials`` to one study add them all."""
        self.done = 0
        self.consecutive_failures = 0
        self.error: BaseException | None = None
        self.bar: ProgressBar | None = None
        self.running: dict[int, Trial] = {}

    def progress(self) -> float:
        """The fraction of the budget used: trials done of the goal, or time of the runtime."""
        frac = 0.0
        if self.increment:
            frac = self.done / self.increment
        elif self.goal:
            frac = self.study._cache.count(*self.counted) / self.goal
        if self.deadline is not None and self.seconds:
            frac = max(frac, 1.0 - (self.deadline - time.monotonic()) / self.seconds)
        return min(max(frac, 0.0), 1.0)

    def _reached_target(self) -> bool:
        if self.target is None:
            return False
        b = self.study._cache.best
        return (
            b is not None
            and b.value is not None
            and (b.value == self.target or is_better(b.value, self.target, self.study.direction))
        )

    def _may_launch(self) -> bool:
        s = self.study
        if s._stop.is_set() or self.error is not None:
            return False
        if self.deadline is not None and time.monotonic() >= self.deadline:
            return False
        if self._reached_target():
            return False
        if self.increment is not None:
            return self.done + self.in_flight < self.increment
        if self.goal is not None:
            s._cache.refresh()
            return s._cache.count(*self.counted) + self.in_flight < self.goal
        return True

    def worker(self) -> None:
        while True:
            with self.lock:
                if not self._may_launch():
                    return
                self.in_flight += 1
            try:
                trial = self.study.ask()
                with self.lock:
                    self.running[trial.id] = trial
                try:
                    outcome, raise_after = self._evaluate(trial)
                except KeyboardInterrupt as e:
                    self._interrupt(trial, e)
                    raise
                finished = self._record(trial, outcome)
                with self.lock:
                    self.running.pop(trial.id, None)
                    if finished is not None and finished.state in self.counted:
                        self.done += 1
            finally:
                with self.lock:
                    self.in_flight -= 1
            if finished is not None:
                self._after(finished)
            if raise_after is not None:
                with self.lock:
                    if self.error is None:
                        self.error = raise_after
                return

    def threads(self, n: int) -> None:
        def body() -> None:
            try:
                self.worker()
            except BaseException as e:  # noqa: BLE001 - handed to the main thread
                with self.lock:
                    if self.error is None:
                        self.error = e

        pool = [
            threading.Thread(target=body, name=f"hyperhop-worker-{i}", daemon=True)
            for i in range(n)
        ]
        for th in pool:
            th.start()
        try:
            for th in pool:
                while th.is_alive():
                    th.join(0.2)
        except KeyboardInterrupt:
            self.study._stop.set()
            raise

    def abandon(self, exc: BaseException) -> None:
        """Ctrl+C: fail as interrupted every trial this process still holds RUNNING in the
        study, including one whose ask() or tell() the interrupt cut short (it is in storage,
        but no loop variable holds it)."""
        s = self.study
        s._stop.set()
        s._cache.refresh()
        for t in s._cache.running():
            if t.owner == s.owner:
                self._interrupt(t, exc)

    def _interrupt(self, trial: Trial, exc: BaseException) -> None:
        try:
            self.study._finish(
                trial,
                Outcome(
                    TrialState.FAILED,
                    error=TrialError(
                        FailReason.INTERRUPTED.value,
                        "interrupted by the user (KeyboardInterrupt)",
                        type(exc).__name__,
                    ),
                ),
            )
        except TrialStateError:
            return
        log.warning("interrupted: trial %d marked FAILED(interrupted)", trial.number)

    def _evaluate(self, trial: Trial) -> tuple[Outcome, BaseException | None]:
        """Run the objective; never raises except KeyboardInterrupt."""
        try:
            if self.pass_trial:
                result = self.objective(trial.config, trial, **self.kwargs)
            else:
                result = self.objective(trial.config, **self.kwargs)
            if inspect.isgenerator(result):
                result = self._drain(trial, result)
        except KeyboardInterrupt:
            raise
        except BaseException as e:  # noqa: BLE001 - every failure becomes a FAILED trial
            reason = (
                FailReason.OOM.value if isinstance(e, MemoryError) else FailReason.EXCEPTION.value
            )
            outcome = Outcome(TrialState.FAILED, error=_error_from(e, reason))
            caught = isinstance(e, self.catch) and not isinstance(e, (SystemExit, GeneratorExit))
            return outcome, None if caught else e
        return interpret(result, len(self.study.directions)), None

    def _drain(self, trial: Trial, gen: Any) -> Any:
        """A generator objective: each yield is an intermediate value; the last (or the
        returned value) is the result."""
        last: Any = None
        step = 0
        while True:
            try:
                value = next(gen)
            except StopIteration as stop:
                return stop.value if stop.value is not None else last
            last = value
            num = None
            try:
                num = float(value)
            except (TypeError, ValueError):
                pass
            if num is not None and not math.isnan(num):
                self.study.storage.update_trial(
                    trial.id,
                    expect_state=TrialState.RUNNING,
                    expect_owner=trial.owner,
                    intermediate={step: num},
                )
            step += 1

    def _record(self, trial: Trial, outcome: Outcome) -> Trial | None:
        try:
            return self.study._finish(trial, outcome)
        except StaleTrialError as e:
            log.warning(
                "trial %d was reaped as stale while it ran; its result is discarded (%s)",
                trial.number,
                e,
            )
            return None

    def _after(self, trial: Trial) -> None:
        s = self.study
        with self.lock:
            if trial.state is TrialState.FAILED:
                self.consecutive_failures += 1
                too_many = self.max_fail is not None and self.consecutive_failures >= self.max_fail
            else:
                self.consecutive_failures = 0
                too_many = False
        for cb in self.callbacks:
            cb(s, trial)
        if self.bar is not None:
            self.bar.update(
                s._cache.count(*self.counted),
                s._best_value_or_none(),
                s._cache.count(TrialState.FAILED),
            )
        if too_many:
            with self.lock:
                if self.error is None:
                    self.error = TooManyFailuresError(
                        f"{self.consecutive_failures} trials in a row failed (max_consecutive_failures="
                        f"{self.max_fail}); the last: {trial.error}. Fix the objective, or raise the limit."
                    )
