"""The loop behind ``fmin``: ask the study, evaluate, record, check the stop rules."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable
from timeit import default_timer as timer
from typing import Any

import numpy as np

from hyperhop.hyperopt import algo as algos
from hyperhop.hyperopt.constants import JOB_STATE_DONE, JOB_STATE_NEW
from hyperhop.hyperopt.domain import Ctrl, Domain
from hyperhop.hyperopt.engine import Engine
from hyperhop.hyperopt.pyll.base import noise_rng
from hyperhop.hyperopt.trials import Trials
from hyperhop.samplers import RandomSampler
from hyperhop.trial import TrialState

__all__ = ["run"]

log = logging.getLogger("hyperhop.hyperopt")


def _best_loss(results: Iterable[dict[str, Any]], best: float = math.inf) -> float:
    """The lowest loss among results with status ``ok`` (NaN skipped), at most ``best``."""
    for r in results:
        loss = r.get("loss")
        if r.get("status") == "ok" and loss is not None:
            value = float(loss)
            if value < best:
                best = value
    return best


def run(
    domain: Domain,
    trials: Trials,
    algo: Callable[..., Any],
    *,
    max_evals: int,
    rstate: np.random.Generator,
    timeout: float | None,
    loss_threshold: float | None,
    catch_eval_exceptions: bool,
    max_queue_len: int,
    progress: Callable[..., Any],
    early_stop_fn: Callable[..., Any] | None,
) -> None:
    """Evaluate trials until ``max_evals`` trials exist or a stop rule fires."""
    seed = int(rstate.integers(2**31 - 1))
    sampler = algos.sampler_for(algo, seed)
    custom = sampler is None
    engine = Engine(trials, domain, sampler if sampler is not None else RandomSampler(seed))
    study = engine.study
    points = getattr(trials, "_hh_points", None)
    if points:
        for point in points:
            engine.enqueue(_point_docs(trials, point))
        trials._hh_points = None  # type: ignore[attr-defined]
    trials.refresh()
    start = timer()
    early_state: list[Any] = []
    token = noise_rng.set(np.random.default_rng(int(rstate.integers(2**31 - 1))))
    try:
        with progress(
            initial=trials.count_by_state_unsynced(JOB_STATE_DONE), total=max_evals
        ) as bar:
            best = _best_loss(trials.results)
            started = sum(1 for d in trials._dynamic_trials if d["state"] != JOB_STATE_NEW)
            while True:
                if engine.stored:
                    started = _n_started(engine)
                room = max_evals - started
                if room <= 0:
                    break
                if timeout is not None and timer() - start >= timeout:
                    break
                if loss_threshold is not None and best < loss_threshold:
                    break
                n = min(max_queue_len, room)
                if custom and not _n_queued(engine):
                    new_ids = trials.new_trial_ids(n)
                    trials.refresh()
                    docs = algo(new_ids, domain, trials, int(rstate.integers(2**31 - 1)))
                    if not docs:
                        break
                    if not engine.stored:
                        trials.insert_trial_docs(docs)
                    engine.enqueue(docs)
                    n = min(n, len(docs))
                batch = [study.ask() for _ in range(n)]
                started += len(batch)
                done = 0
                docs = []
                for trial in batch:
                    doc = engine.start(trial)
                    docs.append(doc)
                    ctrl = Ctrl(trials, current_trial=doc)
                    try:
                        result = domain.evaluate(
                            _spec(doc), ctrl, attach_attachments=not engine.stored
                        )
                    except BaseException as e:
                        engine.fail(trial, doc, e)
                        if not catch_eval_exceptions or not isinstance(e, Exception):
                            _cancel_rest(engine, batch, trial)
                            trials.refresh()
                            raise
                        log.error("job exception: %s", e)
                    else:
                        engine.finish(trial, doc, result)
                        done += 1
                trials.refresh()
                best = _best_loss((d["result"] for d in docs), best)
                if best < math.inf:
                    bar.postfix = f"best loss: {best}"
                if done:
                    bar.update(done)
                if early_stop_fn is not None:
                    stop, early_state = early_stop_fn(trials, *early_state)
                    if stop:
                        log.info("Early stop triggered. Stopping iterations as condition is reach.")
                        break
    finally:
        noise_rng.reset(token)


def _spec(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v[0] for k, v in doc["misc"]["vals"].items() if v}


def _n_queued(engine: Engine) -> int:
    return sum(1 for t in engine.study.trials if t.state is TrialState.QUEUED)


def _n_started(engine: Engine) -> int:
    return sum(1 for t in engine.study.trials if t.state is not TrialState.QUEUED)


def _cancel_rest(engine: Engine, batch: list[Any], failed: Any) -> None:
    """Trials asked in the same batch after one that raised are not left RUNNING."""
    rest = batch[batch.index(failed) + 1 :]
    for trial in rest:
        engine.study.tell(trial, TrialState.FAILED)


def _point_docs(trials: Trials, point: dict[str, Any]) -> list[dict[str, Any]]:
    from hyperhop.hyperopt.fmin import generate_trials_to_calculate

    return generate_trials_to_calculate([point], exp_key=trials._exp_key)._dynamic_trials
