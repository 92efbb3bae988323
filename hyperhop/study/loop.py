"""One call of ``Study.optimize``: the budget, and the loop that keeps an executor busy.

The loop runs in the caller's thread: while the budget allows and a worker is free, it
asks the study for a trial and submits it; it collects finished evaluations and tells the
study. Executors only evaluate, so the same loop drives threads, isolated processes and
remote clusters.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hyperhop.exceptions import (
    BudgetReachedError,
    SearchExhaustedError,
    StaleTrialError,
    TooManyFailuresError,
    TrialStateError,
)
from hyperhop.execution import EvalSpec, Executor, OutsideWorkers, Task, TaskResult
from hyperhop.storage.base import TrialCap
from hyperhop.study.failures import FailFast, cause_of
from hyperhop.study.progress import ProgressBar
from hyperhop.study.results import Outcome, interpret
from hyperhop.trial import FailReason, Trial, TrialError, TrialState, is_better

if TYPE_CHECKING:
    from hyperhop.study.study import Study

log = logging.getLogger("hyperhop.study")


class Budget:
    """When to stop launching trials: a trial count, a deadline, a target value.

    ``n_trials`` counts the trials that ran: COMPLETE, PRUNED and FAILED by the objective
    (``rule``: :class:`~hyperhop.storage.base.TrialCap`, which may leave out failures or
    pruned trials); a trial failed as stale or interrupted does not count (its retry does).
    A total budget counts every worker's running trials too, and on a persistent storage
    it is enforced where trials start (:meth:`cap`), so workers sharing it never overshoot.
    """

    def __init__(
        self,
        study: Study,
        *,
        goal: int | None,
        increment: int | None,
        rule: TrialCap,
        seconds: float | None,
        target: float | None,
    ) -> None:
        self.study = study
        self.goal = goal
        self.increment = increment
        """``n_trials`` in increment mode: this run's own trials count, not the study's, so
        several processes that each add ``n_trials`` to one study add them all."""
        self.rule = rule
        self.seconds = seconds
        self.deadline = None if seconds is None else time.monotonic() + seconds
        self.target = target
        self.done = 0

    def finished(self) -> int:
        """Trials of the study that ended and count."""
        return self.study._cache.budget_used(self.rule, finished=True)

    def cap(self) -> TrialCap | None:
        """The cap that a storage enforces when this run starts a trial (a total budget on
        a storage other processes may share)."""
        if self.goal is None or self.increment is not None or not self.study._persistent:
            return None
        return dataclasses.replace(self.rule, goal=self.goal)

    def progress(self) -> float:
        """The fraction used: trials done of the goal, or time of the runtime (the larger)."""
        frac = 0.0
        if self.increment:
            frac = self.done / self.increment
        elif self.goal:
            frac = self.finished() / self.goal
        if self.deadline is not None and self.seconds:
            frac = max(frac, 1.0 - (self.deadline - time.monotonic()) / self.seconds)
        return min(max(frac, 0.0), 1.0)

    def reached_target(self) -> bool:
        if self.target is None:
            return False
        b = self.study._cache.best
        return (
            b is not None
            and b.value is not None
            and (b.value == self.target or is_better(b.value, self.target, self.study.direction))
        )

    def allows(self, in_flight: int) -> bool:
        """Whether one more trial may start while ``in_flight`` are running (as far as this
        process has read: the storage has the last word through :meth:`cap`)."""
        if self.deadline is not None and time.monotonic() >= self.deadline:
            return False
        if self.reached_target():
            return False
        if self.increment is not None:
            return self.done + in_flight < self.increment
        if self.goal is not None:
            # every worker's running trials hold places; a queued retry already holds one
            cache = self.study._cache
            return cache.queued_retries > 0 or cache.budget_used(self.rule) < self.goal
        return True


class OptimizeRun:
    """Drives an executor until the budget ends; also the executor's relay to the study."""

    def __init__(
        self,
        study: Study,
        spec: EvalSpec,
        budget: Budget,
        callbacks: list[Callable[[Study, Trial], Any]],
        max_consecutive_failures: int | None,
        bar: ProgressBar,
        fail_fast: int | None = None,
    ) -> None:
        self.study = study
        self.spec = spec
        self.budget = budget
        self.callbacks = callbacks
        self.max_fail = max_consecutive_failures
        self.bar = bar
        self.running: dict[int, Trial] = {}
        self.consecutive_failures = 0
        self.fail_fast = FailFast(
            None
            if fail_fast is None or max_consecutive_failures is None
            else min(fail_fast, max_consecutive_failures)
        )
        self.error: BaseException | None = None
        self.lag: int | None = None
        """``deterministic=True``: how many of the newest trials a suggestion may not see."""
        self._lock = threading.Lock()

    # ------------------------------------------------------------ relay (any thread)
    def report(self, trial_id: int, step: int, value: float) -> None:
        trial = self.running.get(trial_id)
        owner = trial.owner if trial is not None else None
        self.study.storage.update_trial(
            trial_id,
            expect_state=TrialState.RUNNING,
            expect_owner=owner,
            intermediate={step: value},
        )

    def should_prune(self, trial_id: int) -> bool:
        return self.study._should_prune(trial_id)

    # ------------------------------------------------------------ the loop
    def run(self, executor: Executor) -> None:
        s = self.study
        executor.start(self.spec, self)
        clean = False
        try:
            while True:
                while executor.capacity > 0:
                    s._cache.refresh()  # one read per launch serves the budget and the ask
                    if not self._may_launch(executor.in_flight):
                        break
                    try:
                        trial = s._ask(fresh=True, cap=self.budget.cap())
                    except SearchExhaustedError as e:
                        log.info("the sampler has nothing left to propose: %s", e)
                        s._stop.set()
                        break
                    except BudgetReachedError:
                        break  # other workers took the last places: wait for them below
                    self.running[trial.id] = trial
                    executor.submit(
                        Task(trial.id, trial.number, s._task_config(trial), trial.params)
                    )
                if executor.in_flight == 0:
                    if not self._wait_for_others(executor):
                        break
                    continue
                for res in executor.collect(timeout=0.5):
                    self._complete(res)
            clean = True
        except KeyboardInterrupt as e:
            executor.shutdown(cancel=True)
            self.abandon(e)
            raise
        finally:
            if clean:
                executor.shutdown()

    def _wait_for_others(self, executor: Executor) -> bool:
        """Nothing runs here: whether to wait (one poll of storage, about a second) rather
        than return. ``n_jobs=0`` waits until outside workers meet the budget or the runtime
        ends; a total ``n_trials`` budget waits while other workers still run trials that
        fill it (one may fail and leave room)."""
        s, b = self.study, self.budget
        outside = isinstance(executor, OutsideWorkers)
        if s._stop.is_set() or self.error is not None or b.reached_target():
            return False
        if b.deadline is not None and time.monotonic() >= b.deadline:
            return False
        if b.goal is None and not outside:
            return False
        if not outside and b.increment is not None:
            return False
        s._cache.refresh()
        s.reap()
        if b.goal is not None and b.finished() >= b.goal:
            return False
        if not outside:
            if not any(t.owner != s.owner for t in s._cache.running()):
                return False
            if b.allows(0):
                return True  # room again: launch at once
        pause = 1.0 if b.deadline is None else min(1.0, max(b.deadline - time.monotonic(), 0.0))
        time.sleep(pause)
        s._cache.refresh()
        self.bar.update(b.finished(), s._best_value_or_none(), s._cache.count(TrialState.FAILED))
        return True

    def _may_launch(self, in_flight: int) -> bool:
        if self.study._stop.is_set() or self.error is not None:
            return False
        if self.lag is not None and not self._oldest_done():
            return False
        return self.budget.allows(in_flight)

    def _oldest_done(self) -> bool:
        """deterministic=True: trial ``k`` may start once every trial below ``k - lag`` finished."""
        assert self.lag is not None
        cache = self.study._cache
        k = len(cache)
        return all(t.state.is_finished or t.number >= k - self.lag for t in cache.running())

    def _complete(self, res: TaskResult) -> None:
        trial = self.running.pop(res.trial_id, None)
        if trial is None:
            return
        if res.intermediate:
            try:
                self.study.storage.update_trial(
                    trial.id,
                    expect_state=TrialState.RUNNING,
                    expect_owner=trial.owner,
                    intermediate=res.intermediate,
                )
            except TrialStateError:
                pass
        if res.error is not None:
            outcome = Outcome(TrialState.FAILED, error=res.error)
        elif res.pruned:  # the attributes a pruned objective returned are kept
            attrs = interpret(res.result, 1).user_attrs if isinstance(res.result, dict) else {}
            outcome = Outcome(TrialState.PRUNED, user_attrs=attrs)
        else:
            outcome = interpret(res.result, self.spec.n_objectives)
        finished = self._record(trial, outcome)
        if res.reraise is not None and self.error is None:
            self.error = res.reraise  # before _after: a SystemExit stays a SystemExit
        if finished is not None:
            if self.budget.rule.holds(finished):
                self.budget.done += 1
            self._after(finished, res.cause)

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

    def _after(self, trial: Trial, cause: BaseException | None = None) -> None:
        s = self.study
        if trial.state is TrialState.FAILED:
            self.consecutive_failures += 1
        else:
            self.consecutive_failures = 0
        for cb in self.callbacks:
            cb(s, trial)
        self.bar.update(
            self.budget.finished(), s._best_value_or_none(), s._cache.count(TrialState.FAILED)
        )
        early = self.fail_fast.after(trial, cause)
        if early is not None and self.error is None:
            self.error = early
        if (
            self.max_fail is not None
            and self.consecutive_failures >= self.max_fail
            and self.error is None
        ):
            self.error = TooManyFailuresError(
                f"{self.consecutive_failures} trials in a row failed (max_consecutive_failures="
                f"{self.max_fail}); the last: {trial.error}. Fix the objective, or raise the limit."
            )
            self.error.__cause__ = cause_of(trial.error, cause)

    # ------------------------------------------------------------ interruption
    def abandon(self, exc: BaseException) -> None:
        """Ctrl+C: fail as interrupted every trial this process still holds RUNNING in the
        study, including one whose ask() or tell() the interrupt cut short (it is in storage,
        but no loop variable holds it)."""
        s = self.study
        s._stop.set()
        try:
            s._cache.refresh()
        except Exception as e:  # noqa: BLE001 - the KeyboardInterrupt must still reach the caller
            log.warning("interrupted: could not read the study to fail its running trials: %s", e)
            return
        for t in s._cache.running():
            if t.owner == s.owner:
                self._interrupt(t, exc)

    def _interrupt(self, trial: Trial, exc: BaseException) -> None:
        err = TrialError(
            FailReason.INTERRUPTED.value,
            "interrupted by the user (KeyboardInterrupt)",
            type(exc).__name__,
        )
        try:
            self.study._finish(trial, Outcome(TrialState.FAILED, error=err))
        except TrialStateError:
            return
        except Exception as e:  # noqa: BLE001 - the KeyboardInterrupt must still reach the caller
            log.warning(
                "interrupted: trial %d stays RUNNING until reaped (could not mark it: %s)",
                trial.number,
                e,
            )
            return
        log.warning("interrupted: trial %d marked FAILED(interrupted)", trial.number)
