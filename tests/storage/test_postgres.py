"""RDBStorage on the real PostgreSQL server (a fresh database per module, wiped per test)."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from hyperhop.exceptions import IncompatibleFormatError, MissingDependencyError
from hyperhop.storage import get_storage
from hyperhop.storage.base import SCHEMA_VERSION, Storage
from tests.conftest import require_module, require_service
from tests.storage import test_sqlite
from tests.storage.conformance import StorageConformance

SERVER = "postgresql://postgres@127.0.0.1:5432"

pytestmark = pytest.mark.server


def _admin(url: str) -> Any:
    import sqlalchemy as sa

    return sa.create_engine(
        url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )


def _sql(engine: Any, statement: str) -> None:
    import sqlalchemy as sa

    with engine.connect() as c:
        c.execute(sa.text(statement))


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    require_service("postgres")
    require_module("sqlalchemy", "postgres")
    require_module("psycopg", "postgres")
    admin = _admin(f"{SERVER}/postgres")
    name = f"hyperhop_test_{uuid.uuid4().hex[:12]}"
    _sql(admin, f"CREATE DATABASE {name}")
    try:
        yield f"{SERVER}/{name}"
    finally:
        _sql(admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


@pytest.fixture
def db_engine(database: str) -> Iterator[Any]:
    engine = _admin(database)
    yield engine
    engine.dispose()


class TestPostgresStorage(StorageConformance):
    persistent = True

    @pytest.fixture
    def storage(self, database: str, db_engine: Any) -> Iterator[Storage]:
        s = get_storage(database)
        _sql(db_engine, "DELETE FROM hyperhop_studies")  # cascades to trials, attachments
        yield s
        s.close()

    @pytest.fixture
    def reopen(self, database: str) -> Callable[[], Storage]:
        return lambda: get_storage(database)


def test_storage_survives_fork(database: str) -> None:
    with get_storage(database) as storage:
        test_sqlite.check_fork(storage)


def test_eight_processes_race_on_one_new_study(database: str) -> None:
    test_sqlite.run_race(database, f"race {uuid.uuid4().hex}")


def test_newer_schema_version_is_refused(database: str, db_engine: Any) -> None:
    get_storage(database).close()
    _sql(db_engine, "UPDATE hyperhop_meta SET value = '99' WHERE name = 'schema_version'")
    try:
        with pytest.raises(IncompatibleFormatError) as e:
            get_storage(database)
        assert "99" in str(e.value) and str(SCHEMA_VERSION) in str(e.value)
    finally:
        _sql(db_engine, f"UPDATE hyperhop_meta SET value = '{SCHEMA_VERSION}'")


def test_tables_survive_hostile_names(database: str, db_engine: Any) -> None:
    import sqlalchemy as sa

    with get_storage(database) as s:
        for name in ("x'); DROP TABLE hyperhop_trials;--", '"; DELETE FROM hyperhop_studies; --'):
            sid = s.create_study(name, ["min"])[0].id
            s.create_trial(sid, state=test_sqlite.RUN, assignment={name: name}, owner=name)
    with db_engine.connect() as c:
        tables = c.execute(
            sa.text(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            )
        ).scalars()
        assert {"hyperhop_meta", "hyperhop_studies", "hyperhop_trials"} <= set(tables)


def test_url_is_normalized_and_password_hidden() -> None:
    from hyperhop.storage.rdb import normalize_url

    assert normalize_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("postgres+psycopg2://u@h/db") == "postgresql+psycopg2://u@h/db"
    assert normalize_url("mysql://u@h/db") == "mysql+pymysql://u@h/db"
    assert normalize_url("mariadb://u@h/db") == "mysql+pymysql://u@h/db"
    assert normalize_url("mysql+mysqldb://u@h/db") == "mysql+mysqldb://u@h/db"
    with pytest.raises(ValueError):
        normalize_url("sqlite:///x.db")


def test_password_is_not_shown(database: str) -> None:
    with get_storage(database.replace("postgres@", "postgres:secret@")) as s:
        assert "secret" not in repr(s) and "secret" not in s.url


def test_missing_driver_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    require_module("sqlalchemy", "postgres")
    monkeypatch.setitem(sys.modules, "psycopg", None)  # makes `import psycopg` fail
    with pytest.raises(MissingDependencyError, match=r"pip install hyperhop\[postgres\]"):
        get_storage("postgresql://nobody@127.0.0.1:1/none")
