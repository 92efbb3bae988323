"""DeepHyper's ``Search`` base class on :class:`hyperhop.Study`: both API generations
(``Search(problem, evaluator).search(max_evals)`` and ``Search(problem).search(evaluator,
max_evals)``), DeepHyper's results DataFrame, ``results.csv`` in ``log_dir``."""

from __future__ import annotations

import inspect
import math
import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import hyperhop as hh
from hyperhop._validation import describe
from hyperhop.deephyper.evaluator import Evaluator
from hyperhop.deephyper.evaluator._job import RunFunction, to_result
from hyperhop.deephyper.evaluator.callback import TqdmCallback
from hyperhop.deephyper.hpo._results import results_frame
from hyperhop.deephyper.problem import HpProblem
from hyperhop.deephyper.stopper import Stopper
from hyperhop.samplers import Sampler
from hyperhop.trial import TrialState


def _seed(random_state: Any) -> int | None:
    if random_state is None:
        return None
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(2**31 - 1))
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(2**31 - 1))
    if isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool):
        return int(random_state)
    raise TypeError(
        "The 'random_state' parameter must be an int, a numpy RandomState or Generator, or "
        f"None. Got {describe(random_state)} instead."
    )


class Search:
    """The base of DeepHyper's searches: a problem, a sampler, and a hyperhop study.

    ``storage`` (hyperhop's, optional) keeps the study in a database or journal file
    (``"sqlite:///search.db"``), so that a search survives a crash and
    ``checkpoint_restart=True`` continues it.
    """

    def __init__(
        self,
        problem: HpProblem,
        evaluator: Any = None,
        random_state: Any = None,
        log_dir: str = ".",
        verbose: int = 0,
        stopper: Stopper | None = None,
        checkpoint_history_to_csv: bool = True,
        solution_selection: Any = None,
        checkpoint_restart: bool = False,
        *,
        storage: Any = None,
        study_name: str = "deephyper",
    ) -> None:
        if not isinstance(problem, HpProblem):
            raise TypeError(
                f"The 'problem' parameter must be an HpProblem. Got {describe(problem)} instead."
            )
        if (
            evaluator is not None
            and not isinstance(evaluator, Evaluator)
            and not callable(evaluator)
        ):
            # the newer signature: Search(problem, random_state, ...)
            random_state, evaluator = evaluator, None
        if stopper is not None and not isinstance(stopper, Stopper):
            raise TypeError(
                "The 'stopper' parameter must be one of hyperhop.deephyper.stopper's stoppers. "
                f"Got {describe(stopper)} instead."
            )
        self.problem = problem
        self.evaluator = evaluator
        self.random_state = random_state
        self.seed = _seed(random_state)
        self.log_dir = str(log_dir)
        self.verbose = verbose
        self.stopper = stopper
        self.checkpoint_history_to_csv = bool(checkpoint_history_to_csv)
        self.checkpoint_restart = bool(checkpoint_restart)
        self.storage = storage
        self.study_name = study_name
        self.search_id = "0"
        self.study: hh.Study | None = None
        self._t0 = time.time()
        self._csv_checked = False

    # ----------------------------------------------------------------- to override
    def _sampler(self, n_objectives: int) -> Sampler:
        raise NotImplementedError

    def _n_objectives(self) -> int | None:
        """The number of objectives when the arguments say it (else learned from a job)."""
        return None

    def _initial_points(self) -> list[dict[str, Any]]:
        return []

    def _run_options(self) -> dict[str, Any]:
        return {}

    # ----------------------------------------------------------------- the search
    def search(
        self,
        evaluator: Any = None,
        max_evals: int = -1,
        timeout: float | None = None,
        max_evals_strict: bool = False,
    ) -> Any:
        """Run jobs until ``max_evals`` more evaluations (failures count), or ``timeout``
        seconds; returns the results DataFrame of every job so far (None if there is none).

        ``evaluator``: an :class:`Evaluator` or a run function (``async def`` runs one job
        at a time, a plain function in one thread); ``search(100)`` and
        ``search(max_evals=100)`` use the evaluator given to the constructor."""
        if isinstance(evaluator, (int, np.integer)) and not isinstance(evaluator, bool):
            evaluator, max_evals, timeout = (
                None,
                int(evaluator),
                (timeout if timeout is not None else (max_evals if max_evals != -1 else None)),
            )
        ev = self._evaluator(evaluator)
        if isinstance(max_evals, bool) or not isinstance(max_evals, (int, np.integer)):
            raise TypeError(
                f"The 'max_evals' parameter must be an int. Got {describe(max_evals)} instead."
            )
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0
        ):
            raise ValueError(
                f"The 'timeout' parameter must be a positive number of seconds or None. Got {describe(timeout)} instead."
            )
        unlimited = max_evals is None or max_evals < 0
        if unlimited and timeout is None:
            raise ValueError(
                "search() needs a budget: max_evals=... (a number of evaluations) or "
                "timeout=... (seconds)."
            )
        run = RunFunction(
            ev.run_function,
            ev.run_function_kwargs,
            self.stopper.max_steps if self.stopper else None,
            self.search_id,
            **self._run_options(),
        )
        started = time.time()
        remaining = None if unlimited else int(max_evals)
        study = self.study
        if study is None:
            study, probed = self._start(run)
            remaining = None if remaining is None else remaining - probed
        counted = _Budget(remaining, started, timeout)
        callbacks: list[Callable[..., Any]] = [counted, *ev.callbacks]
        if remaining is None or remaining > 0:
            study.optimize(
                run,
                n_trials=None if remaining is None else remaining,
                runtime=None if timeout is None else max(timeout - (time.time() - started), 1e-3),
                callbacks=callbacks,
                progress=any(isinstance(c, TqdmCallback) for c in ev.callbacks) or self.verbose > 0,
                n_trials_mode="increment",
                max_consecutive_failures=None,
                **ev.optimize_kwargs(),
            )
        df = self.history()
        if self.checkpoint_history_to_csv and df is not None:
            self._write_csv(df)
        return df

    def _evaluator(self, evaluator: Any) -> Evaluator:
        ev = evaluator if evaluator is not None else self.evaluator
        if ev is None:
            raise ValueError(
                "search() needs an evaluator: search(evaluator, max_evals=...) (an Evaluator or "
                "a run function), or one given to the constructor."
            )
        if isinstance(ev, Evaluator):
            return ev
        if callable(ev):
            method = "serial" if inspect.iscoroutinefunction(ev) else "thread"
            return Evaluator.create(ev, method=method)
        raise TypeError(
            f"The evaluator must be an Evaluator or a run function. Got {describe(ev)} instead."
        )

    def _n_finished(self) -> int:
        if self.study is None:
            return 0
        return sum(1 for t in self.study.trials if t.state.is_finished)

    def _start(self, run: RunFunction) -> tuple[hh.Study, int]:
        """Create (or reopen) the study; a fresh one learns the number of objectives from
        its first job, run here (with a stopper: one objective, as DeepHyper's stoppers
        take). Returns the study and the number of jobs run here (0 or 1)."""
        space = self.problem.to_space()
        n_obj = self._n_objectives() or (1 if self.stopper is not None else None)
        pruner = self.stopper.pruner() if self.stopper else None
        kw: dict[str, Any] = {
            "storage": self.storage,
            "name": self.study_name,
            "seed": self.seed,
            "pruner": pruner,
            "load_if_exists": self.checkpoint_restart,
        }
        if self.storage is not None and not self.checkpoint_restart:
            kw["name"] = f"{self.study_name}-{time.strftime('%Y%m%d-%H%M%S')}"
        if self.storage is not None and self.checkpoint_restart:
            info = _stored_directions(self.storage, self.study_name, space)
            if info is not None:
                n_obj = info
        first: tuple[dict[str, Any], Any] | None = None
        if n_obj is None:
            rng = np.random.default_rng(self.seed)
            points = self._initial_points()
            config = points[0] if points else space.to_config(space.sample_assignment(rng))
            try:
                result: Any = run(config, None)
            except Exception as e:  # noqa: BLE001 - a failing first job is a failed trial
                result = e
            n_obj = len(result["values"]) if isinstance(result, dict) and "values" in result else 1
            first = (config, result)
        study = hh.Study(space, directions=["max"] * n_obj, algo=self._sampler(n_obj), **kw)
        self.study = study
        if first is not None:
            study.enqueue(first[0], key=None)
            study.tell(study.ask(), first[1])  # the queued job comes first
        for point in self._initial_points()[1 if first else 0 :]:
            study.enqueue(point, key=None)
        return study, int(first is not None)

    # ----------------------------------------------------------------- results
    def history(self) -> Any:
        """DeepHyper's results DataFrame of every job so far (None before the first)."""
        if self.study is None:
            return None
        return results_frame(self.study, self.problem.hyperparameter_names, self._t0)

    def _write_csv(self, df: Any) -> None:
        os.makedirs(self.log_dir, exist_ok=True)
        path = os.path.join(self.log_dir, "results.csv")
        if not self._csv_checked and os.path.exists(path) and not self.checkpoint_restart:
            os.replace(path, os.path.join(self.log_dir, f"results_{int(time.time())}.csv"))
        self._csv_checked = True
        df.to_csv(path, index=False)

    # ----------------------------------------------------------------- ask / tell
    def ask(self, n: int = 1) -> list[dict[str, Any]]:
        """``n`` configurations to evaluate (tell their objectives with :meth:`tell`)."""
        if self.study is None:
            space = self.problem.to_space()
            n_obj = self._n_objectives() or 1
            self.study = hh.Study(
                space, directions=["max"] * n_obj, algo=self._sampler(n_obj), seed=self.seed,
                storage=self.storage, name=self.study_name, load_if_exists=self.checkpoint_restart,
            )  # fmt: skip
        self._asked = getattr(self, "_asked", [])
        out = []
        for _ in range(n):
            t = self.study.ask()
            self._asked.append(t)
            out.append(dict(t.config))
        return out

    def tell(self, results: list[tuple[dict[str, Any], Any]]) -> None:
        """The objectives of configurations from :meth:`ask`: ``[(config, objective), ...]``."""
        if self.study is None:
            raise ValueError("tell() comes after ask().")
        for config, objective in results:
            for i, t in enumerate(self._asked):
                if dict(t.config) == dict(config):
                    self.study.tell(self._asked.pop(i), to_result(objective))
                    break
            else:
                raise ValueError(f"tell() got a configuration that ask() did not give: {config!r}.")

    def get_params(self) -> dict[str, Any]:
        return {"search": type(self).__name__, "random_state": self.seed, "log_dir": self.log_dir}


class _Budget:
    """Stops the study once ``remaining`` more jobs finished (failures included, as
    DeepHyper counts them) or the timeout passed."""

    def __init__(self, remaining: int | None, started: float, timeout: float | None) -> None:
        self.count = 0
        self.remaining = remaining
        self.deadline = math.inf if timeout is None else started + float(timeout)

    def __call__(self, study: hh.Study, trial: Any) -> None:
        if trial.state is TrialState.RUNNING:
            return
        self.count += 1
        if (
            self.remaining is not None and self.count >= self.remaining
        ) or time.time() >= self.deadline:
            study.stop()


def _stored_directions(storage: Any, name: str, space: Any) -> int | None:
    try:
        return len(hh.load_study(storage, name, space=space).directions)
    except Exception:  # noqa: BLE001 - no stored study yet: learn it from the first job
        return None
