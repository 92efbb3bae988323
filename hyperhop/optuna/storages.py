"""Optuna's storages by name: URLs and storage objects, each one of hyperhop's storages."""

from __future__ import annotations

import os
from typing import Any

from hyperhop.storage import MemoryStorage, Storage


class InMemoryStorage(MemoryStorage):
    """Trials in this process's memory (Optuna's default)."""


class RDBStorage:
    """A SQL database by URL (``sqlite:///x.db``, ``postgresql://...``, ``mysql://...``)."""

    def __init__(self, url: str, **ignored: Any) -> None:
        self.url = url


class JournalFileBackend:
    """An append-only file (hyperhop's journal storage)."""

    def __init__(self, file_path: str | os.PathLike[str], **ignored: Any) -> None:
        self.file_path = os.fspath(file_path)


JournalFileStorage = JournalFileBackend
"""Optuna's former name of :class:`JournalFileBackend`."""


class JournalStorage:
    """Optuna's journal storage over a :class:`JournalFileBackend`."""

    def __init__(self, backend: JournalFileBackend) -> None:
        self.url = f"journal:///{os.path.abspath(backend.file_path)}"


def resolve(storage: Any) -> Any:
    """A hyperhop storage (or URL) for an Optuna storage (or URL)."""
    if storage is None or isinstance(storage, (str, Storage)):
        return storage
    if isinstance(storage, (RDBStorage, JournalStorage)):
        return storage.url
    raise TypeError(
        f"storage must be a URL such as 'sqlite:///example.db' or one of "
        f"hyperhop.optuna.storages' classes; got {storage!r}."
    )


__all__ = [
    "InMemoryStorage",
    "JournalFileBackend",
    "JournalFileStorage",
    "JournalStorage",
    "RDBStorage",
]
