"""RDBStorage on the real MySQL/MariaDB server (a fresh database per module, wiped per test)."""

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

SERVER = "mysql://root@127.0.0.1:3306"

pytestmark = pytest.mark.server


def _engine(url: str) -> Any:
    import sqlalchemy as sa

    return sa.create_engine(
        url.replace("mysql://", "mysql+pymysql://"), isolation_level="AUTOCOMMIT"
    )


def _sql(engine: Any, statement: str) -> None:
    import sqlalchemy as sa

    with engine.connect() as c:
        c.execute(sa.text(statement))


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    require_service("mysql")
    require_module("sqlalchemy", "mysql")
    require_module("pymysql", "mysql")
    admin = _engine(f"{SERVER}/")
    name = f"hyperhop_test_{uuid.uuid4().hex[:12]}"
    _sql(admin, f"CREATE DATABASE {name}")
    try:
        yield f"{SERVER}/{name}"
    finally:
        _sql(admin, f"DROP DATABASE IF EXISTS {name}")
        admin.dispose()


@pytest.fixture
def db_engine(database: str) -> Iterator[Any]:
    engine = _engine(database)
    yield engine
    engine.dispose()


class TestMySQLStorage(StorageConformance):
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


def test_mariadb_url_and_newer_schema_version(database: str, db_engine: Any) -> None:
    get_storage(database.replace("mysql://", "mariadb://")).close()
    _sql(db_engine, "UPDATE hyperhop_meta SET value = '99' WHERE name = 'schema_version'")
    try:
        with pytest.raises(IncompatibleFormatError) as e:
            get_storage(database)
        assert "99" in str(e.value) and str(SCHEMA_VERSION) in str(e.value)
    finally:
        _sql(db_engine, f"UPDATE hyperhop_meta SET value = '{SCHEMA_VERSION}'")


def test_missing_driver_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    require_module("sqlalchemy", "mysql")
    monkeypatch.setitem(sys.modules, "pymysql", None)  # makes `import pymysql` fail
    with pytest.raises(MissingDependencyError, match=r"pip install hyperhop\[mysql\]"):
        get_storage("mysql://nobody@127.0.0.1:1/none")


def test_a_result_over_max_allowed_packet_fails_at_once_with_the_limit(database: str) -> None:
    """Issue 18 item 3: a result larger than the server's max_allowed_packet used to be
    retried as a dropped connection for 20-30 s, then raise with the trial left RUNNING.
    Now it is measured before it is sent: FAILED(too_large), at once, naming the limit.
    JSON quotes count twice (the driver escapes them), so a value that fits as text but
    not once escaped is refused too."""
    import time

    import hyperhop as hh

    storage = get_storage(database)
    try:
        with _engine(database).connect() as c:
            import sqlalchemy as sa

            packet = int(c.execute(sa.text("SELECT @@max_allowed_packet")).scalar_one())
        assert storage.max_value_bytes is not None
        assert packet - 100_000 < storage.max_value_bytes < packet
        study = hh.Study(
            {"x": hh.float(0, 1)}, storage=storage, name=uuid.uuid4().hex, heartbeat_interval=None
        )
        limit = f"{storage.max_value_bytes:,}"
        quoted = ["a"] * (storage.max_value_bytes // 5)  # '"a",': 4 bytes each, 6 escaped
        for big in ("x" * (packet + 1_000_000), quoted):
            t0 = time.monotonic()
            t = study.tell(study.ask(), {"loss": 1.0, "big": big})
            assert time.monotonic() - t0 < 10.0  # no retry storm (it used to take 20-30 s)
            assert t.state is hh.TrialState.FAILED and t.error is not None
            assert t.error.reason == "too_large" and limit in t.error.message, t.error
            assert "max_allowed_packet" in t.error.message
        fits = study.tell(study.ask(), {"loss": 1.0, "big": "x" * 1_000_000})
        assert fits.state is hh.TrialState.COMPLETE
        assert study.trials[-1].user_attrs["big"] == "x" * 1_000_000
    finally:
        storage.close()
