"""Artifacts of a study's trials: where a study's store is, how an objective saves to it
(from any executor), how a trial's artifact is loaded, and deleting a study with its files.

An objective that takes the trial (``objective(config, trial)``) is wrapped by the study in
a :class:`BindArtifacts`, which travels with it to threads, processes, Ray, Dask, MPI or a
``hyperhop worker``. ``trial.save_artifact`` writes the file there (atomically, straight into
the shared store) and the references go back with the result, as the result's
``attachments``, which the study stores with the trial when it records the result. A trial
that fails or is killed before returning leaves no reference, so only whole results'
artifacts are ever listed; its files go when the study is deleted.
"""

from __future__ import annotations

import inspect
import logging
import os
import secrets
import shutil
import tempfile
import weakref
from collections.abc import Callable, Generator, Mapping
from typing import Any

import numpy as np

from hyperhop.artifacts.store import REF_PREFIX, ArtifactStore, check_name, dumps_ref, loads_ref
from hyperhop.exceptions import ArtifactNotFoundError
from hyperhop.storage import MemoryStorage, Storage
from hyperhop.trial import Trial

log = logging.getLogger("hyperhop.artifacts")

STORE_ATTR = "artifact_store"
"""The study attribute that records a store chosen with ``artifacts=`` (for the workers)."""

_TEMP: weakref.WeakKeyDictionary[Storage, ArtifactStore] = weakref.WeakKeyDictionary()


def _temp_store(storage: Storage) -> ArtifactStore:
    """A temporary folder for an in-memory storage (made on the first write, private to
    this user), removed with the storage (or at exit)."""
    store = _TEMP.get(storage)
    if store is None:
        name = f"hyperhop-artifacts-{os.getpid()}-{secrets.token_hex(8)}"
        root = os.path.join(tempfile.gettempdir(), name)
        store = _TEMP[storage] = ArtifactStore(root, private=True)
        weakref.finalize(storage, shutil.rmtree, root, True)
    return store


def store_for(
    storage: Storage, attrs: Mapping[str, Any], explicit: str | os.PathLike[str] | None = None
) -> ArtifactStore | None:
    """The artifact store of a study: ``explicit``, else the one recorded with the study,
    else a folder beside a SQLite or journal file (``runs.db`` -> ``runs.db.artifacts/``),
    else a temporary folder for memory storage; None for a database server without one.

    Args:
        storage: the study's storage.
        attrs: the study's attributes (where the store's folder is recorded).
        explicit: a folder given by the user, which wins over the rest.

    Returns:
        The artifact store, or None where there is no folder to use.

    Example:
        >>> import os, tempfile
        >>> from hyperhop.artifacts import store_for
        >>> from hyperhop.storage import get_storage
        >>> with tempfile.TemporaryDirectory() as d:
        ...     storage = get_storage("sqlite:///" + os.path.join(d, "runs.db"))
        ...     print(store_for(storage, {}).root.name)
        ...     storage.close()
        runs.db.artifacts
    """
    if explicit is not None:
        return ArtifactStore(explicit)
    root = attrs.get(STORE_ATTR)
    if isinstance(root, str) and root:
        return ArtifactStore(root)
    path = getattr(storage, "path", None)
    if isinstance(storage, MemoryStorage) or path == ":memory:":
        return _temp_store(storage)
    if isinstance(path, str) and path:
        return ArtifactStore(os.path.abspath(path) + ".artifacts")
    return None


def no_store_message(url: str) -> str:
    return (
        f"The storage {url} keeps no files, so this study has no artifact store: create the "
        "study with artifacts='/a/directory/every/worker/reaches' (recorded with the study, "
        "so workers find it), or pass --artifacts to hyperhop worker."
    )


def resolve_store(
    storage: Storage, study_id: int, attrs: Mapping[str, Any], explicit: Any
) -> ArtifactStore | None:
    """The study's store. An ``explicit`` one is recorded with the study for its workers,
    unless one is recorded already: then this process uses it, with a warning."""
    store = store_for(storage, attrs, explicit)
    if explicit is None or store is None:
        return store
    recorded = attrs.get(STORE_ATTR)
    if recorded is None:
        storage.set_study_attr(study_id, STORE_ATTR, str(store.root))
    elif recorded != str(store.root):
        log.warning(
            "the study's artifacts are recorded at %s; this process uses %s, as given",
            recorded,
            store.root,
        )
    return store


class ArtifactWriter:
    """Saves one running trial's artifacts and remembers their references."""

    def __init__(self, store: ArtifactStore | None, study_id: int, trial_id: int, why: str):
        self.store, self.study_id, self.trial_id, self.why = store, study_id, trial_id, why
        self.refs: dict[str, dict[str, Any]] = {}

    def save(self, name: str, obj: Any, *, pickle: bool = False) -> None:
        check_name(name)
        if self.store is None:
            raise ValueError(self.why)
        self.refs[name] = self.store.write(self.study_id, self.trial_id, name, obj, pickle=pickle)


def with_refs(result: Any, refs: Mapping[str, dict[str, Any]]) -> Any:
    """The objective's result with the artifacts' references as its ``attachments``."""
    if not refs:
        return result
    att = {REF_PREFIX + name: dumps_ref(ref) for name, ref in refs.items()}
    if isinstance(result, Mapping):
        old = result.get("attachments", {})
        if not isinstance(old, Mapping):
            return result  # the study reports the bad 'attachments'
        return {**result, "attachments": {**old, **att}}
    if result is None:
        return result
    key = "values" if isinstance(result, (list, tuple, np.ndarray)) else "value"
    return {key: result, "attachments": att}


def _refs_after(gen: Generator[Any, Any, Any], writer: ArtifactWriter) -> Generator[Any, Any, Any]:
    """The generator's values, then its result (or, as the study reads it, its last value)
    with the references."""
    last: Any = None
    try:
        while True:
            try:
                value = next(gen)
            except StopIteration as stop:
                result = stop.value if stop.value is not None else last
                return with_refs(result, writer.refs)
            last = value
            yield value
    finally:
        gen.close()


class BindArtifacts:
    """An ``objective(config, trial)`` whose trial can ``save_artifact`` to the study's store."""

    def __init__(
        self, objective: Callable[..., Any], store: ArtifactStore | None, study_id: int, why: str
    ) -> None:
        self.objective = objective
        self.store = store
        self.study_id = study_id
        self.why = why
        self.__name__ = getattr(objective, "__name__", "objective")
        self.__doc__ = getattr(objective, "__doc__", None)

    def __call__(self, config: Any, trial: Any, **kwargs: Any) -> Any:
        writer = ArtifactWriter(self.store, self.study_id, trial.id, self.why)
        trial.artifacts = writer
        result = self.objective(config, trial, **kwargs)
        if inspect.isgenerator(result):
            return _refs_after(result, writer)
        return with_refs(result, writer.refs)

    def __repr__(self) -> str:
        return f"BindArtifacts({self.objective!r})"


# ---------------------------------------------------------------- the study's side
def save(
    storage: Storage,
    store: ArtifactStore | None,
    study_id: int,
    trial: Trial,
    name: str,
    obj: Any,
    *,
    pickle: bool = False,
) -> None:
    """Save an artifact for a trial from the study's process (ask/tell)."""
    check_name(name)
    if store is None:
        raise ValueError(no_store_message(storage.url))
    ref = store.write(study_id, trial.id, name, obj, pickle=pickle)
    storage.set_attachment(trial.id, REF_PREFIX + name, dumps_ref(ref))


def names(storage: Storage, trial: Trial) -> list[str]:
    """The names of a trial's artifacts, sorted."""
    return [
        a[len(REF_PREFIX) :] for a in storage.list_attachments(trial.id) if a.startswith(REF_PREFIX)
    ]


def load(
    storage: Storage,
    store: ArtifactStore | None,
    trial: Trial,
    name: str,
    *,
    trusted: bool = False,
    factory: Callable[..., Any] | None = None,
) -> Any:
    """Load a trial's artifact (see :meth:`hyperhop.Study.load_artifact`)."""
    check_name(name)
    try:
        data = storage.get_attachment(trial.id, REF_PREFIX + name)
    except KeyError:
        have = names(storage, trial)
        raise ArtifactNotFoundError(
            f"Trial {trial.number} has no artifact {name!r}"
            + (f"; it has {have}." if have else " (it saved none).")
        ) from None
    if store is None:
        raise ValueError(no_store_message(storage.url))
    config: Any = None
    if factory is not None:
        try:
            config = trial.config
        except AttributeError:
            config = trial.params
    return store.read(loads_ref(data), trusted=trusted, factory=factory, config=config)


def delete_study(storage: Any, name: str, artifacts: str | os.PathLike[str] | None = None) -> None:
    """Delete a study, its trials and its artifacts (what ``hyperhop delete`` does).

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.storage import MemoryStorage
        >>> store = MemoryStorage()
        >>> _ = hh.Study({"x": hh.float(0, 1)}, storage=store, name="gone")
        >>> hh.artifacts.delete_study(store, "gone")
        >>> [s.info.name for s in store.list_studies()]
        []
    """
    from hyperhop.storage import get_storage

    st = get_storage(storage)
    info = st.get_study(name)
    store = store_for(st, info.attrs, artifacts)
    st.delete_study(info.id)
    if store is not None:
        store.delete_study(info.id)
