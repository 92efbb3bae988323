"""Hyperopt's MongoTrials model on a hyperhop storage: many workers share one study.

``MongoTrials("postgresql://user@db/hpo", exp_key="exp1")`` is a :class:`Trials` whose
documents are read from the study ``exp1`` of that storage (any hyperhop storage URL:
PostgreSQL, MySQL, SQLite, a journal file). ``fmin`` with it queues nothing itself and
waits until outside workers have run ``max_evals`` trials, as Hyperopt's does; start them
with::

    hyperhop worker --storage postgresql://user@db/hpo --study exp1 \\
        --objective mymodule:objective --space mymodule:space --algo hyperopt_tpe

(``--algo hyperopt_anneal`` or ``random`` for the other algorithms). Set
``trials.asynchronous = False`` to evaluate in the calling process instead.

``trials_save_file="run.jsonl"`` in ``fmin`` uses :class:`FileTrials`, the same on a
journal file that the calling process writes as each trial ends.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from typing import Any

import hyperhop as hh
from hyperhop.exceptions import StudyNotFoundError
from hyperhop.hyperopt.docs import Doc
from hyperhop.hyperopt.domain import Domain
from hyperhop.hyperopt.engine import doc_from_trial
from hyperhop.hyperopt.trials import Trials
from hyperhop.samplers import Sampler
from hyperhop.storage import Storage, get_storage

__all__ = ["FileTrials", "MongoTrials", "StoredTrials"]

_PICKLE_MAGIC = b"\x80"


class StoredTrials(Trials):
    """A :class:`Trials` whose documents live in a hyperhop storage (the study named
    ``exp_key``, default ``"hyperopt"``); :meth:`refresh` reads them back."""

    def __init__(self, storage: str, exp_key: str | None = None, refresh: bool = True) -> None:
        self.storage_url = str(storage)
        self.study_name = exp_key or "hyperopt"
        super().__init__(exp_key=exp_key, refresh=refresh)

    def _hh_store(self) -> Storage:
        store = self.__dict__.get("_hh_storage")
        if store is None:
            store = self.__dict__["_hh_storage"] = get_storage(self.storage_url)
        return store

    def _hh_open_study(self, domain: Domain, sampler: Sampler) -> hh.Study:
        study = hh.Study(domain.space, storage=self._hh_store(), name=self.study_name, algo=sampler)
        self.__dict__["_hh_study"] = study
        return study

    def refresh(self) -> None:
        """Read the study's trials from the storage as documents."""
        if not hasattr(self, "storage_url"):
            return super().refresh()
        store = self._hh_store()
        try:
            info = store.get_study(self.study_name)
        except StudyNotFoundError:
            self._dynamic_trials = []
        else:
            # incremental: only the trials changed since the last read are converted
            study_id, seq, docs, ids = self.__dict__.get("_hh_read", (None, 0, {}, {}))
            if study_id != info.id:
                seq, docs, ids = 0, {}, {}
            labels = tuple(p["label"] for p in (info.space or {}).get("params", []))
            found, seq = store.get_trials(info.id, since=seq)
            for t in found:
                docs[t.number] = doc_from_trial(t, t.number, labels, self._exp_key)
                ids[t.number] = t.id
            self.__dict__["_hh_read"] = (info.id, seq, docs, ids)
            self.__dict__["_hh_trial_ids"] = ids
            if found or len(self._dynamic_trials) != len(docs):
                self._dynamic_trials = [docs[n] for n in sorted(docs)]
        super().refresh()

    def trial_attachments(self, trial: Mapping[str, Any]) -> MutableMapping[str, Any]:
        """A trial's attachments, read from and written to the storage (bytes)."""
        trial_id = self.__dict__.get("_hh_trial_ids", {}).get(trial["tid"])
        if trial_id is None:
            return super().trial_attachments(trial)
        return _StoredAttachments(self._hh_store(), trial_id)

    def _insert_trial_docs(self, docs: Iterable[Doc]) -> list[Any]:
        raise NotImplementedError(
            "Documents cannot be inserted into a stored Trials; pass points_to_evaluate to "
            "fmin, or enqueue configurations with hh.load_study(...).enqueue(config)."
        )

    def delete_all(self) -> None:
        """Delete the study (its trials and attachments) from the storage."""
        store = self._hh_store()
        try:
            store.delete_study(store.get_study(self.study_name).id)
        except StudyNotFoundError:
            pass
        self.attachments = {}
        self.refresh()


class _StoredAttachments(MutableMapping[str, Any]):
    """One stored trial's attachments (``study.attachment(trial, name)`` natively)."""

    def __init__(self, store: Storage, trial_id: int) -> None:
        self._store = store
        self._id = trial_id

    def __getitem__(self, name: str) -> bytes:
        return self._store.get_attachment(self._id, name)

    def __setitem__(self, name: str, value: Any) -> None:
        if not isinstance(value, (bytes, bytearray)):
            raise TypeError(
                f"A stored trial's attachment must be bytes, got {type(value).__name__} for "
                f"{name!r}; encode it first (e.g. json.dumps(value).encode())."
            )
        self._store.set_attachment(self._id, name, bytes(value))

    def __delitem__(self, name: str) -> None:
        raise NotImplementedError("Stored attachments are kept; overwrite one instead.")

    def __iter__(self) -> Iterator[str]:
        return iter(self._store.list_attachments(self._id))

    def __len__(self) -> int:
        return len(self._store.list_attachments(self._id))


class FileTrials(StoredTrials):
    """Trials kept in a file as each trial ends: a journal (JSON lines) by default, SQLite
    for a path ending in ``.db``. An existing file resumes the search."""

    def __init__(self, path: str | os.PathLike[str], exp_key: str | None = None) -> None:
        path = os.fspath(path)
        if os.path.exists(path) and os.path.getsize(path) > 0:
            with open(path, "rb") as f:
                if f.read(1) == _PICKLE_MAGIC:
                    raise ValueError(
                        f"{path!r} is a pickle (Hyperopt's trials_save_file format). hyperhop "
                        "never loads pickles from files, which could run code; give a new file "
                        "name and the search restarts in hyperhop's journal format."
                    )
        lower = path.lower()
        url = (
            path
            if lower.endswith((".db", ".sqlite", ".sqlite3", ".jsonl")) or "://" in path
            else ("journal:///" + os.path.abspath(path).lstrip("/"))
        )
        super().__init__(url, exp_key=exp_key)


class MongoTrials(StoredTrials):
    """Hyperopt's ``MongoTrials`` on a SQL (or any hyperhop) storage URL; see the module
    docstring for the workers.

    Example:
        >>> import numpy as np, tempfile, os
        >>> from hyperhop.hyperopt import fmin, hp, rand
        >>> from hyperhop.hyperopt.mongoexp import MongoTrials
        >>> url = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "hpo.db")
        >>> trials = MongoTrials(url, exp_key="exp1")
        >>> trials.asynchronous = False          # evaluate here instead of in workers
        >>> _ = fmin(lambda x: x ** 2, hp.uniform("x", -1, 1), algo=rand.suggest, max_evals=5,
        ...          trials=trials, rstate=np.random.default_rng(0), show_progressbar=False)
        >>> len(MongoTrials(url, exp_key="exp1"))
        5
    """

    asynchronous = True
    poll_interval_secs = 1.0

    def __init__(
        self,
        arg: str,
        exp_key: str | None = None,
        cmd: Any = None,
        workdir: str | None = None,
        refresh: bool = True,
    ) -> None:
        if not isinstance(arg, str) or arg.startswith("mongo://"):
            raise ValueError(
                f"MongoTrials takes a hyperhop storage URL (postgresql://user@host/db, "
                f"mysql://user@host/db, sqlite:///path.db), not {arg!r}: hyperhop keeps trials "
                "in SQL databases, not MongoDB."
            )
        self.workdir = workdir
        super().__init__(arg, exp_key=exp_key, refresh=refresh)

    def fmin(self, fn: Callable[..., Any], space: Any, **kwargs: Any) -> Any:
        """``fmin`` on this storage: with ``asynchronous`` (the default) outside workers
        evaluate and this call waits until ``max_evals`` trials have finished."""
        if not self.asynchronous:
            return super().fmin(fn, space, **kwargs)
        from hyperhop.hyperopt import algo as algos
        from hyperhop.hyperopt.fmin import _check_max_evals
        from hyperhop.samplers import RandomSampler

        domain = Domain(fn, space, pass_expr_memo_ctrl=kwargs.get("pass_expr_memo_ctrl"))
        sampler = algos.sampler_for(kwargs.get("algo"), 0) or RandomSampler(0)
        study = self._hh_open_study(domain, sampler)
        for point in self.__dict__.pop("_hh_points", None) or ():
            study.storage.create_trial(
                study.id,
                state=hh.TrialState.QUEUED,
                assignment=domain.space.complete(dict(point)),
            )
        study.optimize(
            fn,
            n_trials=_check_max_evals(kwargs.get("max_evals")),
            runtime=kwargs.get("timeout"),
            n_jobs=0,
            progress=bool(kwargs.get("show_progressbar", True)) and kwargs.get("verbose", True),
        )
        self.refresh()
        if kwargs.get("return_argmin", True):
            return self.argmin
        from hyperhop.hyperopt.fmin import space_eval

        return space_eval(space, self.argmin) if len(self) else None
