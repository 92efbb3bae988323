"""``Trials``: Hyperopt's in-memory database of trial documents, in Hyperopt's layout.

Each document is ``{"tid", "state", "spec", "result", "misc", "exp_key", "owner",
"version", "book_time", "refresh_time"}`` with ``misc = {"tid", "cmd", "workdir", "idxs",
"vals"}``; ``vals[label]`` is ``[stored value]`` where the label was active, else ``[]``
(a choice stores the index of its option). ``fmin`` runs hyperhop's study loop and writes
each trial here as it starts and ends.

Example:
    >>> import numpy as np
    >>> from hyperhop.hyperopt import Trials, fmin, hp, rand
    >>> trials = Trials()
    >>> best = fmin(lambda x: (x - 1) ** 2, hp.uniform("x", -3, 3), algo=rand.suggest,
    ...             max_evals=20, trials=trials, rstate=np.random.default_rng(0),
    ...             show_progressbar=False)
    >>> len(trials), sorted(trials.trials[0]["misc"]["vals"]), trials.statuses()[0]
    (20, ['x'], 'ok')
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from typing import Any

import numpy as np

from hyperhop.hyperopt.constants import (
    JOB_STATE_NEW,
    JOB_VALID_STATES,
    STATUS_OK,
    TRIAL_KEYS,
    TRIAL_MISC_KEYS,
)
from hyperhop.hyperopt.docs import (
    Doc,
    SONify,
    miscs_to_idxs_vals,
    pmin_sampled,
)
from hyperhop.hyperopt.exceptions import AllTrialsFailed, InvalidTrial

__all__ = ["Trials", "trials_from_docs"]


class _TrialAttachments(MutableMapping[str, Any]):
    """One trial's attachments, kept in ``trials.attachments`` as ``ATTACH::tid::name``."""

    def __init__(self, trials: Trials, trial: Mapping[str, Any]) -> None:
        self._trials = trials
        self._prefix = f"ATTACH::{trial['tid']}::"

    def __getitem__(self, name: str) -> Any:
        return self._trials.attachments[self._prefix + name]

    def __setitem__(self, name: str, value: Any) -> None:
        self._trials.attachments[self._prefix + name] = value

    def __delitem__(self, name: str) -> None:
        del self._trials.attachments[self._prefix + name]

    def __iter__(self) -> Iterator[str]:
        n = len(self._prefix)
        return iter([k[n:] for k in list(self._trials.attachments) if k.startswith(self._prefix)])

    def __len__(self) -> int:
        return sum(1 for _ in self)


class Trials:
    """Hyperopt's trials database (in memory; pickle it, or use ``trials_save_file``).

    ``trials.trials`` lists the documents of trials that did not raise (``state`` NEW,
    RUNNING or DONE) as of the last :meth:`refresh`; ``fmin`` refreshes after every trial.

    Example:
        >>> import numpy as np
        >>> from hyperhop.hyperopt import Trials, fmin, hp, rand
        >>> trials = Trials()
        >>> _ = fmin(lambda x: x**2, hp.uniform("x", -1, 1), algo=rand.suggest, max_evals=5,
        ...          trials=trials, rstate=np.random.default_rng(0), show_progressbar=False)
        >>> len(trials.trials), trials.best_trial["result"]["status"]
        (5, 'ok')
    """

    asynchronous = False

    def __init__(self, exp_key: str | None = None, refresh: bool = True) -> None:
        self._ids: set[Any] = set()
        self._dynamic_trials: list[Doc] = []
        self._exp_key = exp_key
        self.attachments: dict[str, Any] = {}
        self._trials: list[Doc] = []
        if refresh:
            self.refresh()

    # ------------------------------------------------------------------ views
    def view(self, exp_key: str | None = None, refresh: bool = True) -> Trials:
        """The same documents, restricted to ``exp_key``."""
        rval = object.__new__(type(self))
        rval.__dict__.update(self.__dict__)
        rval._exp_key = exp_key
        if refresh:
            rval.refresh()
        return rval

    def aname(self, trial: Mapping[str, Any], name: str) -> str:
        return f"ATTACH::{trial['tid']}::{name}"

    def trial_attachments(self, trial: Mapping[str, Any]) -> MutableMapping[str, Any]:
        """A dict-like view of one trial's attachments."""
        return _TrialAttachments(self, trial)

    def __iter__(self) -> Iterator[Doc]:
        return iter(self._trials)

    def __len__(self) -> int:
        return len(self._trials)

    def __getitem__(self, item: int) -> Doc:
        return self._trials[item]

    def refresh(self) -> None:
        """Make documents inserted since the last refresh visible."""
        docs = [d for d in self._dynamic_trials if d["state"] in JOB_VALID_STATES]
        if self._exp_key is not None:
            docs = [d for d in docs if d.get("exp_key") == self._exp_key]
        self._trials = docs
        # the tids seen: only the documents added since the last refresh are new
        mark = self.__dict__.get("_hh_seen", (None, 0))
        start = mark[1] if mark[0] is self._dynamic_trials else 0
        self._ids.update(d["tid"] for d in self._dynamic_trials[start:])
        self.__dict__["_hh_seen"] = (self._dynamic_trials, len(self._dynamic_trials))

    @property
    def trials(self) -> list[Doc]:
        return self._trials

    @property
    def tids(self) -> list[Any]:
        return [d["tid"] for d in self._trials]

    @property
    def specs(self) -> list[Any]:
        return [d["spec"] for d in self._trials]

    @property
    def results(self) -> list[Any]:
        return [d["result"] for d in self._trials]

    @property
    def miscs(self) -> list[Any]:
        return [d["misc"] for d in self._trials]

    @property
    def idxs_vals(self) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
        return miscs_to_idxs_vals(self.miscs)

    @property
    def idxs(self) -> dict[str, list[Any]]:
        """label -> tids of the trials where the label was active."""
        return self.idxs_vals[0]

    @property
    def vals(self) -> dict[str, list[Any]]:
        """label -> stored values, in the order of :attr:`idxs`."""
        return self.idxs_vals[1]

    # ------------------------------------------------------------------ documents
    def assert_valid_trial(self, trial: Mapping[str, Any]) -> None:
        """Raise :class:`InvalidTrial` unless the document has Hyperopt's layout."""
        for key in TRIAL_KEYS:
            if key not in trial:
                raise InvalidTrial(f"trial document lacks key {key!r}", trial)
        misc = trial["misc"]
        if not isinstance(misc, Mapping):
            raise InvalidTrial("trial['misc'] must be a dict", trial)
        for key in TRIAL_MISC_KEYS:
            if key not in misc:
                raise InvalidTrial(f"trial['misc'] lacks key {key!r}", trial)
        if trial["tid"] != misc["tid"]:
            raise InvalidTrial("trial['tid'] and trial['misc']['tid'] differ", trial)
        if set(misc["idxs"]) != set(misc["vals"]):
            raise InvalidTrial("misc['idxs'] and misc['vals'] have different labels", trial)
        for label, ids in misc["idxs"].items():
            if len(ids) != len(misc["vals"][label]) or any(i != trial["tid"] for i in ids):
                raise InvalidTrial(f"misc['idxs'][{label!r}] must be [] or [tid]", trial)
        if self._exp_key is not None and trial["exp_key"] != self._exp_key:
            raise InvalidTrial(f"wrong exp_key {trial['exp_key']!r} for {self._exp_key!r}", trial)

    def _insert_trial_docs(self, docs: Iterable[Doc]) -> list[Any]:
        rval = []
        for doc in docs:
            self._dynamic_trials.append(doc)
            rval.append(doc["tid"])
        return rval

    def insert_trial_doc(self, doc: Doc) -> Any:
        """Add one document (visible after :meth:`refresh`); returns its tid."""
        self.assert_valid_trial(SONify(doc))
        return self._insert_trial_docs([doc])[0]

    def insert_trial_docs(self, docs: Iterable[Doc]) -> list[Any]:
        """Add documents (visible after :meth:`refresh`); returns their tids."""
        docs = list(docs)
        for doc in docs:
            self.assert_valid_trial(SONify(doc))
        return self._insert_trial_docs(docs)

    def new_trial_ids(self, n: int) -> list[int]:
        """``n`` unused tids."""
        start = len(self._ids)
        rval = list(range(start, start + n))
        self._ids.update(rval)
        return rval

    def new_trial_docs(
        self,
        tids: Sequence[Any],
        specs: Sequence[Any],
        results: Sequence[Any],
        miscs: Sequence[Any],
    ) -> list[Doc]:
        """NEW documents from parallel lists (not inserted)."""
        if not len(tids) == len(specs) == len(results) == len(miscs):
            raise ValueError("tids, specs, results and miscs must have the same length")
        docs = []
        for tid, spec, result, misc in zip(tids, specs, results, miscs, strict=True):
            doc = {
                "state": JOB_STATE_NEW,
                "tid": tid,
                "spec": spec,
                "result": result,
                "misc": misc,
                "exp_key": self._exp_key,
                "owner": None,
                "version": 0,
                "book_time": None,
                "refresh_time": None,
            }
            docs.append(doc)
        return docs

    def source_trial_docs(
        self,
        tids: Sequence[Any],
        specs: Sequence[Any],
        results: Sequence[Any],
        miscs: Sequence[Any],
        sources: Sequence[Mapping[str, Any]],
    ) -> list[Doc]:
        """Like :meth:`new_trial_docs`, each recording the document it came from."""
        docs = self.new_trial_docs(tids, specs, results, miscs)
        for doc, source in zip(docs, sources, strict=True):
            doc["misc"]["from_tid"] = source["tid"]
            doc["exp_key"] = source["exp_key"]
        return docs

    def delete_all(self) -> None:
        """Forget every document and attachment."""
        self._dynamic_trials = []
        self.attachments = {}
        self.refresh()

    def count_by_state_synced(self, arg: Any, trials: Iterable[Doc] | None = None) -> int:
        """How many visible documents are in a state (or any of several states)."""
        states = set(arg) if isinstance(arg, (list, tuple, set)) else {arg}
        return sum(1 for d in (self._trials if trials is None else trials) if d["state"] in states)

    def count_by_state_unsynced(self, arg: Any) -> int:
        """Like :meth:`count_by_state_synced`, over every document, refreshed or not."""
        docs = self._dynamic_trials
        if self._exp_key is not None:
            docs = [d for d in docs if d.get("exp_key") == self._exp_key]
        return self.count_by_state_synced(arg, trials=docs)

    # ------------------------------------------------------------------ results
    def losses(self, bandit: Any = None) -> list[Any]:
        """Each visible trial's loss (None where there is none)."""
        if bandit is None:
            return [r.get("loss") for r in self.results]
        return [bandit.loss(r, s) for r, s in zip(self.results, self.specs, strict=True)]

    def statuses(self, bandit: Any = None) -> list[Any]:
        """Each visible trial's status string."""
        if bandit is None:
            return [r.get("status") for r in self.results]
        return [bandit.status(r, s) for r, s in zip(self.results, self.specs, strict=True)]

    @property
    def best_trial(self) -> Doc:
        """The document with the lowest loss among those with status ``ok`` (NaN skipped)."""
        candidates = [
            d
            for d in self._trials
            if d["result"].get("status") == STATUS_OK
            and d["result"].get("loss") is not None
            and not np.isnan(float(d["result"]["loss"]))
        ]
        if not candidates:
            raise AllTrialsFailed("No trial has status 'ok' with a loss that is a number.")
        return min(candidates, key=lambda d: float(d["result"]["loss"]))

    @property
    def argmin(self) -> dict[str, Any]:
        """The best trial's stored values (label -> value; a choice's is the index)."""
        vals = self.best_trial["misc"]["vals"]
        return {k: v[0] for k, v in vals.items() if v}

    def average_best_error(self, bandit: Any = None) -> float:
        """The true loss of the best trial; with noisy losses (``loss_variance``), the
        true losses of the trials within 3 sigma of the best, weighted by their chance to
        be the best."""
        ok = [(r, s) for r, s in zip(self.results, self.specs, strict=True)]
        if bandit is None:
            ok = [(r, s) for r, s in ok if r.get("status") == STATUS_OK]
            rows = [
                (
                    float(r["loss"]),
                    float(r.get("loss_variance", 0)),
                    float(r.get("true_loss", r["loss"])),
                )
                for r, _ in ok
            ]
        else:
            ok = [(r, s) for r, s in ok if bandit.status(r, s) == STATUS_OK]
            rows = [
                (
                    float(bandit.loss(r, s)),
                    float(bandit.loss_variance(r, s)),
                    float(bandit.true_loss(r, s)),
                )
                for r, s in ok
            ]
        if not rows:
            raise ValueError("Empty loss vector: no trial has status 'ok'.")
        loss3 = np.asarray(sorted(rows))
        if np.all(loss3[:, 1] == 0):
            return float(loss3[np.argmin(loss3[:, 0]), 2])
        sigma = np.sqrt(loss3[0, 1])
        cutoff = int(np.sum(loss3[:, 0] < loss3[0, 0] + 3 * sigma)) or 1
        pmin = pmin_sampled(loss3[:cutoff, 0], loss3[:cutoff, 1])
        return float((pmin * loss3[:cutoff, 2]).sum())

    # ------------------------------------------------------------------ fmin
    def fmin(self, fn: Callable[..., Any], space: Any, **kwargs: Any) -> Any:
        """``fmin(fn, space, trials=self, ...)``."""
        from hyperhop.hyperopt.fmin import fmin

        kwargs.pop("allow_trials_fmin", None)
        kwargs.pop("trials", None)
        return fmin(fn, space, trials=self, allow_trials_fmin=False, **kwargs)

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_hh_")}

    def __deepcopy__(self, memo: dict[int, Any]) -> Trials:
        rval = object.__new__(type(self))
        rval.__dict__.update(copy.deepcopy(self.__getstate__(), memo))
        return rval


def trials_from_docs(docs: Iterable[Doc], validate: bool = True, **kwargs: Any) -> Trials:
    """A :class:`Trials` holding ``docs`` (checked unless ``validate=False``).

    Example:
        >>> from hyperhop.hyperopt import Trials, fmin, hp, rand, trials_from_docs
        >>> t = Trials()
        >>> _ = fmin(lambda x: x ** 2, hp.uniform("x", -1, 1), algo=rand.suggest, max_evals=3,
        ...          trials=t, rstate=__import__("numpy").random.default_rng(0), show_progressbar=False)
        >>> len(trials_from_docs(t.trials))
        3
    """
    rval = Trials(**kwargs)
    if validate:
        rval.insert_trial_docs(docs)
    else:
        rval._insert_trial_docs(docs)
    rval.refresh()
    return rval
