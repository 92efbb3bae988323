"""The bridge between Hyperopt's trial documents and a hyperhop study.

``fmin`` and the ``suggest`` functions run hyperhop's core: a :class:`~hyperhop.Study`
asks its sampler for a flat assignment, stores the trial and its outcome. This module
opens that study for a :class:`~hyperhop.hyperopt.Trials` (in memory, importing the
documents it already holds so the sampler sees them) and turns study trials into
documents and back.
"""

from __future__ import annotations

import json
import logging
import math
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

import hyperhop as hh
from hyperhop.exceptions import InvalidAssignmentError
from hyperhop.hyperopt.constants import (
    JOB_STATE_DONE,
    JOB_STATE_ERROR,
    JOB_STATE_NEW,
    JOB_STATE_RUNNING,
    STATUS_FAIL,
    STATUS_NEW,
    STATUS_OK,
    STATUS_RUNNING,
)
from hyperhop.hyperopt.docs import Doc, now, spec_from_misc
from hyperhop.hyperopt.domain import Domain
from hyperhop.hyperopt.trials import Trials
from hyperhop.samplers import Sampler
from hyperhop.trial import FailReason, Trial, TrialState

log = logging.getLogger("hyperhop.hyperopt")

__all__ = ["Engine", "assignment_of", "doc_from_trial", "payload"]

_CORE_KEYS = ("loss", "status", "attachments", "value", "values", "constraints", "failure")


def assignment_of(trial: Trial) -> dict[str, Any]:
    """A trial's flat assignment with choices as option indices (Hyperopt's stored values)."""
    return dict(trial.assignment)


def _plain(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def misc_of(tid: Any, assignment: Mapping[str, Any], labels: tuple[str, ...]) -> dict[str, Any]:
    """Hyperopt's ``misc``: ``vals[label] = [value]`` where active, ``[]`` elsewhere."""
    return {
        "tid": tid,
        "cmd": ("domain_attachment", "FMinIter_Domain"),
        "workdir": None,
        "idxs": {k: [tid] if k in assignment else [] for k in labels},
        "vals": {k: [_plain(assignment[k])] if k in assignment else [] for k in labels},
    }


def _jsonable(v: Any) -> bool:
    try:
        json.dumps(v)
    except (TypeError, ValueError):
        return False
    return True


def payload(result: Mapping[str, Any]) -> dict[str, Any]:
    """What the study is told for a Hyperopt result: the loss and status, bytes
    attachments, and the extra keys that are JSON (others stay in the document only)."""
    extras = {
        k: v
        for k, v in result.items()
        if k not in _CORE_KEYS and isinstance(k, str) and _jsonable(v)
    }
    if result.get("status") == STATUS_OK:
        return {"loss": result["loss"], "status": "ok", **extras}
    return {
        "status": "fail",
        "failure": f"the objective returned status {result.get('status')!r}",
        **extras,
    }


def doc_from_trial(trial: Trial, tid: Any, labels: tuple[str, ...], exp_key: str | None) -> Doc:
    """The Hyperopt document of a study trial (a FAILED trial whose objective raised is
    ``JOB_STATE_ERROR``; one that returned status ``fail`` is DONE)."""
    result: dict[str, Any]
    error = None
    if trial.state is TrialState.QUEUED:
        state, result = JOB_STATE_NEW, {"status": STATUS_NEW}
    elif trial.state is TrialState.RUNNING:
        state, result = JOB_STATE_RUNNING, {"status": STATUS_RUNNING}
    elif trial.state is TrialState.COMPLETE or (
        trial.state is TrialState.PRUNED and trial.value is not None
    ):
        state, result = JOB_STATE_DONE, {"loss": trial.value, "status": STATUS_OK}
        result.update(trial.user_attrs)
    elif trial.error is not None and trial.error.reason not in (
        FailReason.USER.value,
        FailReason.INVALID_VALUE.value,
    ):
        state, result = JOB_STATE_ERROR, {"status": STATUS_NEW}
        error = (trial.error.type or trial.error.reason, trial.error.message)
    else:
        state, result = JOB_STATE_DONE, {"status": STATUS_FAIL, **trial.user_attrs}
    misc = misc_of(tid, assignment_of(trial), labels)
    if error is not None:
        misc["error"] = error
    return {
        "state": state,
        "tid": tid,
        "spec": None,
        "result": result,
        "misc": misc,
        "exp_key": exp_key,
        "owner": trial.owner,
        "version": 0,
        "book_time": _stamp(trial.datetime_start),
        "refresh_time": _stamp(trial.datetime_complete or trial.datetime_start),
    }


def _stamp(t: float | None) -> Any:
    import datetime

    if t is None:
        return None
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc)


class Engine:
    """A hyperhop study serving one ``fmin`` (or one ``suggest``) call on a Trials.

    In memory, the study is new and the documents already in ``trials`` are imported
    (finished ones as finished trials, NEW ones queued, so they run first); a Trials on
    a storage (:class:`~hyperhop.hyperopt.mongoexp.MongoTrials`) opens its stored study.
    """

    def __init__(self, trials: Trials, domain: Domain, sampler: Sampler) -> None:
        self.trials = trials
        self.domain = domain
        self.labels = domain.space.labels
        self.doc_of: dict[int, Doc] = {}
        opener = getattr(trials, "_hh_open_study", None)
        if opener is not None:
            self.study: hh.Study = opener(domain, sampler)
            self.stored = True
        else:
            self.study = hh.Study(domain.space, algo=sampler, heartbeat_interval=None)
            self.stored = False
            self._import(trials._dynamic_trials)

    # ------------------------------------------------------------------ import
    def _import(self, docs: list[Doc]) -> None:
        study, space = self.study, self.domain.space
        rng = np.random.default_rng(0)
        for doc in docs:
            if doc.get("exp_key") != self.trials._exp_key and self.trials._exp_key is not None:
                continue
            given = spec_from_misc(doc["misc"])
            if doc["state"] == JOB_STATE_NEW:
                a = _complete(space, given, rng)
                t = study.storage.create_trial(study.id, state=TrialState.QUEUED, assignment=a)
                self.doc_of[t.id] = doc
                misc = misc_of(doc["tid"], a, self.labels)
                doc["misc"]["idxs"], doc["misc"]["vals"] = misc["idxs"], misc["vals"]
                continue
            try:
                space.validate(given)
            except InvalidAssignmentError:
                continue  # a document of another space: kept, but not shown to the sampler
            if doc["state"] == JOB_STATE_DONE:
                t = study.storage.create_trial(
                    study.id, state=TrialState.RUNNING, assignment=given, owner=study.owner
                )
                study.tell(t, payload(_valid_result(doc["result"])))
            elif doc["state"] == JOB_STATE_ERROR:
                t = study.storage.create_trial(
                    study.id, state=TrialState.RUNNING, assignment=given, owner=study.owner
                )
                study.tell(t, RuntimeError(str(doc["misc"].get("error", "error"))))

    def enqueue(self, docs: list[Doc]) -> None:
        """Queue the NEW documents that a custom ``algo`` proposed."""
        self._import([d for d in docs if d["state"] == JOB_STATE_NEW])

    # ------------------------------------------------------------------ documents
    def start(self, trial: Trial) -> Doc:
        """The RUNNING document of a trial just asked for (the queued one, or a new one)."""
        doc = self.doc_of.get(trial.id)
        a = assignment_of(trial)
        if doc is None:
            tid = trial.number if self.stored else self.trials.new_trial_ids(1)[0]
            doc = {
                "state": JOB_STATE_RUNNING,
                "tid": tid,
                "spec": None,
                "result": {"status": STATUS_NEW},
                "misc": misc_of(tid, a, self.labels),
                "exp_key": self.trials._exp_key,
                "owner": trial.owner,
                "version": 0,
                "book_time": now(),
                "refresh_time": now(),
            }
            self.doc_of[trial.id] = doc
            if self.stored:  # so that ctrl.attachments reaches this trial in the storage
                self.trials.__dict__.setdefault("_hh_trial_ids", {})[tid] = trial.id
            else:
                self.trials._insert_trial_docs([doc])
        else:
            doc["state"] = JOB_STATE_RUNNING
            doc["owner"] = trial.owner
            doc["book_time"] = doc["refresh_time"] = now()
        return doc

    def finish(self, trial: Trial, doc: Doc, result: Mapping[str, Any]) -> None:
        """Record a result in the study and the document."""
        body = payload(result)
        attachments = result.get("attachments")
        if isinstance(attachments, Mapping):
            kept = {
                str(k): bytes(v)
                for k, v in attachments.items()
                if isinstance(v, (bytes, bytearray))
            }
            body["attachments"] = kept
            dropped = sorted(str(k) for k in attachments if str(k) not in kept)
            if dropped:
                warnings.warn(
                    f"attachments {dropped} are not bytes and were not stored (a storage keeps "
                    "bytes; encode them, e.g. json.dumps(value).encode())",
                    UserWarning,
                    stacklevel=2,
                )
        self.study.tell(trial, body)
        doc["result"] = {k: v for k, v in result.items() if k != "attachments"}
        doc["state"] = JOB_STATE_DONE
        doc["refresh_time"] = now()
        doc["version"] = doc.get("version", 0) + 1

    def fail(self, trial: Trial, doc: Doc, exc: BaseException) -> None:
        """Record an objective that raised: the trial FAILED, the document ERROR."""
        self.study.tell(trial, exc)
        doc["state"] = JOB_STATE_ERROR
        doc["misc"]["error"] = (str(type(exc)), str(exc))
        doc["refresh_time"] = now()


def _complete(space: hh.Space, given: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """A point to evaluate: the missing labels drawn from the prior. Hyperopt evaluates a
    point outside a parameter's range as given, and so does this (with a warning)."""
    try:
        return space.complete(given, rng)
    except InvalidAssignmentError as e:
        log.warning("evaluating a point outside the space as given (%s)", e)
    inside = {k: v for k, v in given.items() if k in space and space[k].param.contains(v)}
    a = space.complete(inside, rng)
    a.update({k: v for k, v in given.items() if k in space})
    return a


def _valid_result(result: Mapping[str, Any]) -> Mapping[str, Any]:
    if result.get("status") == STATUS_OK:
        loss = result.get("loss")
        try:
            if loss is None or math.isnan(float(loss)):
                return {**result, "status": STATUS_FAIL}
        except (TypeError, ValueError):
            return {**result, "status": STATUS_FAIL}
    return result
