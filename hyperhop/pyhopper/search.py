"""PyHopper's ``Search`` on a hyperhop study: the template, guesses, runs and checkpoints.

Each ``run`` is one ``Study.optimize`` call with PyHopper's annealing schedule. The study
lives as long as the template does: ``search["a"] = 5`` makes a new one, into which the
evaluations that fit the new template are copied (and the best, with the new constant).
"""

from __future__ import annotations

import os
import uuid
from typing import Any

import hyperhop as hh
from hyperhop.exceptions import InvalidAssignmentError, InvalidSpaceError
from hyperhop.pruning import NopPruner
from hyperhop.pyhopper import run as _run
from hyperhop.pyhopper.callbacks import Callback, CandidateType, History, ParamInfo
from hyperhop.pyhopper.pruners import Pruner
from hyperhop.pyhopper.template import fill, fill_params, translate
from hyperhop.pyhopper.utils import convert_to_checkpoint_path, merge_dicts
from hyperhop.storage import get_storage
from hyperhop.trial import Trial, TrialState

STUDY_NAME = "pyhopper"


class Search:
    """PyHopper's search: ``Search({...})`` or ``Search(lr=..., units=...)``.

    Example:
        >>> from hyperhop import pyhopper
        >>> search = pyhopper.Search(x=pyhopper.float(-5, 5), kind="quadratic")
        >>> search += {"x": 1.5}
        >>> best = search.run(lambda p: -(p["x"] - 1) ** 2, "max", steps=40, quiet=True, seed=0)
        >>> abs(best["x"] - 1) < 0.5, best["kind"]
        (True, 'quadratic')
    """

    def __init__(self, *params: dict[str, Any], **kwargs: Any) -> None:
        self._params: dict[str, Any] = merge_dicts(*params, kwargs)
        self._queue: list[dict[str, Any]] = []
        self._history = History()
        self._study: hh.Study | None = None
        self._key: tuple[Any, ...] | None = None
        self._best_f: float | None = None
        self._best: dict[str, Any] = self._initial()
        self._checkpoint: str | None = None
        self._pruner: Pruner | None = None

    # ------------------------------------------------------------------ the template
    def _space(self) -> hh.Space:
        return hh.Space(translate(self._params))

    def _initial(self) -> dict[str, Any]:
        space = self._space()
        config: dict[str, Any] = space.to_config(space.default(0))
        return config

    def __setitem__(self, key: str, value: Any) -> None:
        self._params[key] = value
        if self._best_f is None:
            self._best = self._initial()

    def __iadd__(self, other: dict[str, Any]) -> Search:
        self.enqueue(other)
        return self

    def enqueue(self, candidate: dict[str, Any]) -> None:
        """Queue a guess, evaluated before anything sampled; missing keys are taken from
        the current best."""
        guess = fill(self._best, candidate, "")
        try:
            self._space().from_config(guess)
        except InvalidAssignmentError as e:
            raise ValueError(
                f"{e} A constant in the template takes no guesses: register it as a dummy "
                "parameter with None (Search(lr=None)) to pass values for it."
            ) from None
        self._queue.append(guess)

    @property
    def manual_queue_count(self) -> int:
        return len(self._queue)

    @property
    def free_param_count(self) -> int:
        return len(self._space())

    @property
    def best(self) -> dict[str, Any]:
        """The best candidate so far (before any run: the initial solution)."""
        return self._best

    @property
    def best_f(self) -> float | None:
        return self._best_f

    @property
    def history(self) -> History:
        return self._history

    @property
    def checkpoint_path(self) -> str | None:
        return self._checkpoint

    @property
    def study(self) -> hh.Study | None:
        """The hyperhop study behind the last run (trials, storage, dashboard...)."""
        return self._study

    def sample_solution(self) -> Any:
        space = self._space()
        return space.to_config(space.sample_assignment())

    # ------------------------------------------------------------------ the study
    def _open(self, direction: str, storage: str | None, seed: int | None) -> hh.Study:
        space = self._space()
        key = (space.fingerprint(), direction, storage)
        if self._study is not None and self._key == key:
            return self._study
        old = self._study
        try:
            study = hh.Study(
                space, direction=direction, storage=storage, name=STUDY_NAME, seed=seed
            )
        except InvalidSpaceError as e:
            raise ValueError(
                f"{e} The checkpoint {storage!r} holds another search; pass overwrite_checkpoint=True "
                "or another checkpoint_path."
            ) from None
        self._study, self._key = study, key
        if old is not None and not study.trials:
            self._carry_over(old, study)
        elif study.trials and self._best_f is None:
            self._history.clear()
            for t in study.trials:
                self._record(t, None, CandidateType.LOCAL_SAMPLING)
        return study

    def _carry_over(self, old: hh.Study, new: hh.Study) -> None:
        """Copy the evaluations that fit the new template (and the best, projected)."""
        copied_best = False
        for t in old.trials:
            if t.state is not TrialState.COMPLETE or t.value is None:
                continue
            try:
                new.space.from_config(t.config)
            except InvalidAssignmentError:
                continue
            _tell(new, t.config, t.value)
            copied_best = copied_best or t.config == self._best
        if not copied_best and self._best_f is not None:
            projected = fill(self._initial(), fill_params(self._best, self._params), "")
            try:
                _tell(new, projected, self._best_f)
            except (InvalidAssignmentError, ValueError):
                pass

    def _record(self, trial: Trial, dispatch: Any, kind: CandidateType) -> None:
        """A finished trial as PyHopper's history, best and callbacks see it."""
        config = trial.config
        nan = dispatch is not None and trial.number in dispatch.nan
        info = ParamInfo(
            kind,
            sampled_at=trial.datetime_start,
            finished_at=trial.datetime_complete,
            is_pruned=trial.state is TrialState.PRUNED and not nan,
            is_nan=nan,
        )
        callbacks: list[Callback] = [self._history, *(dispatch.callbacks if dispatch else [])]
        if (
            self._pruner is not None
            and trial.state in (TrialState.COMPLETE, TrialState.PRUNED)
            and not nan
        ):
            self._pruner.append(list(trial.intermediate.values()), trial.state is TrialState.PRUNED)
        if trial.state is TrialState.PRUNED:
            for c in callbacks:
                (c.on_evaluate_nan if nan else c.on_evaluate_pruned)(config, info)
            return
        if trial.state is not TrialState.COMPLETE or trial.value is None:
            return
        f = trial.value
        for c in callbacks:
            c.on_evaluate_end(config, f, info)
        direction = self._history.direction
        if self._best_f is None or (f > self._best_f if direction == "max" else f < self._best_f):
            self._best, self._best_f = config, f
            for c in callbacks:
                c.on_new_best(config, f, info)

    # ------------------------------------------------------------------ running
    def run(
        self,
        objective_function: Any,
        direction: str = "maximize",
        runtime: float | str | None = None,
        steps: int | None = None,
        endless_mode: bool = False,
        seeding_steps: int | None = None,
        seeding_runtime: float | str | None = None,
        seeding_ratio: float | None = 0.25,
        pruner: Pruner | None = None,
        n_jobs: int | str = 1,
        quiet: bool = False,
        ignore_nans: bool = False,
        mp_backend: str = "auto",
        enable_rejection_cache: bool = True,
        callbacks: Callback | list[Callback] | None = None,
        start_temperature: float = 1,
        end_temperature: float = 0.2,
        kwargs: dict[str, Any] | None = None,
        checkpoint_path: str | os.PathLike[str] | None = None,
        overwrite_checkpoint: bool = False,
        keep_history: bool = True,
        *,
        seed: int | None = None,
        **legacy: Any,
    ) -> dict[str, Any]:
        """Search for ``steps`` evaluations, for ``runtime`` (``"1h 30min"``), or until
        Ctrl+C (``endless_mode``), and return the best candidate.

        hyperhop's additions: ``seed`` makes the run reproducible. Checkpoints are
        hyperhop storages (SQLite unless the path ends in ``.jsonl``).
        """
        names = _run.legacy_arguments(legacy)
        steps = names.get("steps", steps)
        runtime = names.get("runtime", runtime)
        seeding_steps = names.get("seeding_steps", seeding_steps)
        seeding_runtime = names.get("seeding_runtime", seeding_runtime)
        d = _run.direction_of(direction)
        n, seconds, ratio = _run.budget(
            steps, runtime, endless_mode, seeding_steps, seeding_runtime, seeding_ratio
        )
        storage = self._storage(checkpoint_path, overwrite_checkpoint)
        self._history.direction = d
        study = self._open(d, storage, seed)
        fresh = not study.trials and not self._queue
        for guess in self._queue:
            study.enqueue(guess, key=f"pyhopper:{uuid.uuid4()}")  # a key marks it MANUALLY_ADDED
        self._queue.clear()
        study.sampler = _run.make_sampler(
            seed, ratio, start_temperature, end_temperature, endless_mode, fresh
        )
        self._pruner = pruner
        if pruner is not None:
            pruner.direction = d
        study.pruner = pruner.core if pruner is not None else NopPruner()
        hooks = _run.callback_list(callbacks)
        executor = _run.executor_for(mp_backend)
        dispatch = _run.Dispatcher(
            self,
            hooks,
            None if n is None else int(ratio * n),
            self._initial() if fresh else None,
        )
        objective = _run.Objective(
            objective_function,
            ignore_nans,
            dispatch.started if executor is None else None,
            dispatch.nan,
            pruned=pruner is not None,
        )
        for c in hooks:
            c.on_search_start(self)
        try:
            study.optimize(
                objective,
                n_trials=n,
                runtime=seconds if not endless_mode else 10.0**9,
                n_jobs=_run.n_workers(n_jobs),
                callbacks=[dispatch],
                progress=not quiet,
                n_trials_mode="increment",
                kwargs=kwargs,
                executor=executor,
            )
        except _run.NaNAbort:
            raise ValueError(
                "The objective returned NaN. To treat NaN as a pruned evaluation, pass "
                "ignore_nans=True to run()."
            ) from None
        except _run.SilentObjective:
            raise ValueError(
                "A pruner was given, but the objective reported no intermediate value: yield "
                "the estimates (a generator), or call pyhopper.should_prune(value) as it goes."
            ) from None
        except KeyboardInterrupt:
            if not endless_mode:
                raise
        finally:
            for c in hooks:
                c.on_search_end()
        if not quiet:
            print(f"pyhopper (hyperhop): best {self._best_f} after {len(study.trials)} evaluations")
        return self._best

    def _storage(self, path: Any, overwrite: bool) -> str | None:
        if path is None:
            self._checkpoint = None
            return None
        target = convert_to_checkpoint_path(path)
        if overwrite and os.path.exists(target):
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(target + suffix):
                    os.remove(target + suffix)
        self._checkpoint = target
        if os.path.exists(target) and _is_gzip(target):
            raise ValueError(
                f"{target!r} is a PyHopper checkpoint (a gzip pickle); hyperhop does not load it "
                "by default. Import it once with search.import_pyhopper_checkpoint(path, trusted=True), "
                "or pass another checkpoint_path."
            )
        lower = target.lower()
        if lower.endswith((".jsonl", ".journal", ".log")):
            return f"journal:///{os.path.abspath(target)}"
        return f"sqlite:///{os.path.abspath(target)}"

    # ------------------------------------------------------------------ files
    def save(self, path: str | os.PathLike[str], pruner: Pruner | None = None) -> str:
        """Copy this search's evaluations into a checkpoint file; returns its path."""
        target = convert_to_checkpoint_path(path)
        study = hh.Study(
            self._space(),
            direction=self._history.direction,
            storage=f"sqlite:///{os.path.abspath(target)}",
            name=STUDY_NAME,
        )
        if self._study is not None:
            for t in self._study.trials:
                if t.state is TrialState.COMPLETE and t.value is not None:
                    _tell(study, t.config, t.value)
        return target

    def load(self, path: str | os.PathLike[str], pruner: Pruner | None = None) -> None:
        """Continue from a checkpoint file (its evaluations become this search's)."""
        self._study, self._key, self._best_f = None, None, None
        self._history.clear()
        self._pruner = pruner
        storage = self._storage(path, False)
        self._history.direction = get_storage(storage).get_study(STUDY_NAME).directions[0]
        study = self._open(self._history.direction, storage, None)
        if pruner is not None:
            for t in study.trials:
                if t.state in (TrialState.COMPLETE, TrialState.PRUNED):
                    pruner.append(list(t.intermediate.values()), t.state is TrialState.PRUNED)

    def import_pyhopper_checkpoint(
        self, path: str | os.PathLike[str], *, trusted: bool = False
    ) -> int:
        """Read a checkpoint written by PyHopper itself (a gzip pickle) once, into this
        search; returns how many evaluations were imported. Unpickling runs any code the
        file's writer chose, so it needs ``trusted=True``; save with a checkpoint_path
        afterwards to keep them in hyperhop's format."""
        from hyperhop.pyhopper.utils import load_dict

        state = load_dict(path, trusted=trusted)
        log = (state.get("history") or {}) if isinstance(state, dict) else {}
        candidates, fs = log.get("log_candidate", []), log.get("log_f", [])
        study = self._open(self._history.direction, None, None)
        n = 0
        for config, f in zip(candidates, fs, strict=False):
            try:
                _tell(study, config, float(f))
            except (InvalidAssignmentError, ValueError):
                continue
            n += 1
            self._record(study.trials[-1], None, CandidateType.MANUALLY_ADDED)
        return n

    def forget_cached(self, candidate: dict[str, Any]) -> None:
        """Accepted for compatibility: hyperhop never re-proposes a trial it holds."""

    def clear_cache(self) -> None:
        """Accepted for compatibility: hyperhop never re-proposes a trial it holds."""


def _tell(study: hh.Study, config: Any, value: float) -> None:
    study.enqueue(config, key=None)
    trial = study.ask()
    study.tell(trial, value)


def _is_gzip(path: str) -> bool:
    with open(path, "rb") as f:
        return f.read(2) == b"\x1f\x8b"
