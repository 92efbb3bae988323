from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hyperhop.storage.base import Storage
from hyperhop.storage.sqlite import SQLiteStorage
from tests.storage.conformance import StorageConformance


class TestSQLiteStorage(StorageConformance):
    persistent = True

    @pytest.fixture
    def url(self, tmp_path: Path) -> str:
        return f"sqlite:///{tmp_path / 'study.db'}"

    @pytest.fixture
    def storage(self, url: str) -> Iterator[Storage]:
        s = SQLiteStorage(url)
        yield s
        s.close()

    @pytest.fixture
    def reopen(self, url: str) -> Callable[[], Storage]:
        return lambda: SQLiteStorage(url)
