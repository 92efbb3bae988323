"""The storages the scenarios run on: a fresh, empty store per test, dropped afterwards.

``memory`` is in-process only; ``sqlite`` and ``journal`` are files in the test's
``tmp_path``; ``postgres`` and ``mysql`` get a uniquely named database on the local
servers (PostgreSQL 127.0.0.1:5432, user postgres; MariaDB 127.0.0.1:3306, user root),
created for the test and dropped after it. A backend whose module is not written yet, or
whose server is down, skips with the reason.
"""

from __future__ import annotations

import importlib.util
import sqlite3
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from hyperhop.storage import MemoryStorage, Storage, get_storage
from tests.conftest import require_module, require_service

ALL = ("memory", "sqlite", "journal", "postgres", "mysql")
PERSISTENT = ("sqlite", "journal", "postgres", "mysql")

MODULES = {
    "sqlite": "hyperhop.storage.sqlite",
    "journal": "hyperhop.storage.journal",
    "postgres": "hyperhop.storage.rdb",
    "mysql": "hyperhop.storage.rdb",
}
DRIVERS = {"postgres": ("psycopg", "postgres"), "mysql": ("pymysql", "mysql")}

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


def on(*names: str) -> list[Any]:
    """``pytest.param`` for each backend name, with the ``server`` marker where it applies."""
    out = []
    for name in names:
        marks = [pytest.mark.server] if name in DRIVERS else []
        out.append(pytest.param(name, id=name, marks=marks))
    return out


@dataclass
class Backend:
    """A fresh store for one test. ``target`` is what to pass as ``storage=``."""

    name: str
    url: str | None
    folder: Path
    _memory: MemoryStorage | None = None
    _cleanups: list[Callable[[], None]] = field(default_factory=list)
    _opened: list[Storage] = field(default_factory=list)
    dbname: str | None = None

    @property
    def persistent(self) -> bool:
        return self.url is not None

    @property
    def target(self) -> Any:
        return self._memory if self._memory is not None else self.url

    def open(self) -> Storage:
        """A new handle on the store (memory: the one object)."""
        if self._memory is not None:
            return self._memory
        assert self.url is not None
        s = get_storage(self.url)
        self._opened.append(s)
        return s

    def sql(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one statement with the database's own driver (for checks behind the API)."""
        if self.name == "sqlite":
            with sqlite3.connect(self.folder / "study.db", timeout=30) as con:
                return [tuple(r) for r in con.execute(statement, tuple(params)).fetchall()]
        if self.name == "postgres":
            import psycopg

            with psycopg.connect(
                f"host=127.0.0.1 port=5432 user=postgres dbname={self.dbname}"
            ) as con:
                cur = con.execute(statement, tuple(params))  # type: ignore[arg-type]
                return [tuple(r) for r in cur.fetchall()] if cur.description else []
        if self.name == "mysql":
            import pymysql

            con = pymysql.connect(host="127.0.0.1", port=3306, user="root", database=self.dbname)
            try:
                with con.cursor() as cur:
                    cur.execute(statement, tuple(params))
                    return [tuple(r) for r in cur.fetchall()]
            finally:
                con.close()
        raise TypeError(f"{self.name} is not a SQL backend")

    def close(self) -> None:
        for s in self._opened:
            try:
                s.close()
            except Exception:  # noqa: BLE001 - teardown must reach the drops below
                pass
        for fn in reversed(self._cleanups):
            fn()


def _pg_database(name: str) -> Callable[[], None]:
    import psycopg
    from psycopg import sql

    with psycopg.connect(PG_ADMIN, autocommit=True) as con:
        con.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def drop() -> None:
        with psycopg.connect(PG_ADMIN, autocommit=True) as con:
            con.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    return drop


def _mysql_database(name: str) -> Callable[[], None]:
    import pymysql

    assert name.isidentifier()

    def run(statement: str) -> None:
        con = pymysql.connect(host="127.0.0.1", port=3306, user="root", autocommit=True)
        try:
            with con.cursor() as cur:
                cur.execute(statement)
        finally:
            con.close()

    run("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
    return lambda: run("DROP DATABASE IF EXISTS `" + name + "`")


def make_backend(name: str, folder: Path) -> Backend:
    """Skip unless the backend can run here; else a fresh store (call ``close`` after)."""
    if name == "memory":
        return Backend(name, None, folder, _memory=MemoryStorage())
    module = MODULES[name]
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} does not exist yet: the {name} backend is still being written")
    if name == "sqlite":
        return Backend(name, f"sqlite:///{folder / 'study.db'}", folder)
    if name == "journal":
        return Backend(name, f"journal:///{folder / 'study.jsonl'}", folder)
    driver, extra = DRIVERS[name]
    require_module(driver, extra)
    require_module("sqlalchemy", extra)
    require_service(name)
    dbname = f"hh_rel_{uuid.uuid4().hex[:16]}"
    if name == "postgres":
        drop = _pg_database(dbname)
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{dbname}"
    else:
        drop = _mysql_database(dbname)
        url = f"mysql+pymysql://root@127.0.0.1:3306/{dbname}"
    backend = Backend(name, url, folder, dbname=dbname)
    backend._cleanups.append(drop)
    return backend
