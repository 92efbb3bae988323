"""Storages: where studies and trials live, chosen by URL.

===========================  =================================================
``None`` or ``memory://``    in this process only
``sqlite:///path.db``        an SQLite file (the embedded default for anything that
                             must survive a crash); a bare ``*.db`` path works too
``postgresql://...``         PostgreSQL through SQLAlchemy (``hyperhop[postgres]``)
``mysql://...``              MySQL / MariaDB through SQLAlchemy (``hyperhop[mysql]``)
``journal:///path.jsonl``    an append-only, human-readable journal file
===========================  =================================================
"""

from __future__ import annotations

from typing import Any

from hyperhop.storage.base import SCHEMA_VERSION, Storage, StudyInfo, StudySummary
from hyperhop.storage.memory import MemoryStorage

__all__ = ["SCHEMA_VERSION", "MemoryStorage", "Storage", "StudyInfo", "StudySummary", "get_storage"]


def get_storage(storage: Any = None) -> Storage:
    """A storage from a URL, a file path, an existing storage, or None (memory).

    Example:
        >>> from hyperhop.storage import get_storage
        >>> get_storage(None)
        MemoryStorage('memory://')
    """
    if storage is None:
        return MemoryStorage()
    if isinstance(storage, Storage):
        return storage
    import os

    if isinstance(storage, os.PathLike):
        storage = os.fspath(storage)
    if not isinstance(storage, str) or not storage:
        raise ValueError(
            f"The 'storage' parameter must be None, a Storage or a URL such as 'sqlite:///runs.db'. "
            f"Got {storage!r} instead."
        )
    scheme, sep, rest = storage.partition("://")
    if not sep:
        lower = storage.lower()
        if lower.endswith((".db", ".sqlite", ".sqlite3")):
            scheme, rest = "sqlite", "/" + storage
        elif lower.endswith((".jsonl", ".journal", ".log")):
            scheme, rest = "journal", "/" + storage
        else:
            raise ValueError(
                f"Cannot tell the storage from {storage!r}: use a URL such as 'sqlite:///{storage}' or "
                f"'journal:///{storage}', or a path ending in .db or .jsonl."
            )
    base = scheme.split("+", 1)[0].lower()
    if base == "memory":
        return MemoryStorage()
    if base == "sqlite":
        from hyperhop.storage.sqlite import SQLiteStorage

        return SQLiteStorage(storage if sep else f"sqlite://{rest}")
    if base in ("postgresql", "postgres", "mysql", "mariadb"):
        from hyperhop.storage.rdb import RDBStorage

        return RDBStorage(storage)
    if base == "journal":
        from hyperhop.storage.journal import JournalStorage

        return JournalStorage(storage if sep else f"journal://{rest}")
    raise ValueError(
        f"Unknown storage scheme {scheme!r} in {storage!r}; use memory://, sqlite:///, "
        "postgresql://, mysql:// or journal:///."
    )
