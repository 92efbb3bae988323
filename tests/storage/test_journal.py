from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hyperhop.storage.base import Storage
from hyperhop.storage.journal import JournalStorage
from tests.storage.conformance import StorageConformance


class TestJournalStorage(StorageConformance):
    persistent = True

    @pytest.fixture
    def path(self, tmp_path: Path) -> Path:
        return tmp_path / "journal.jsonl"

    @pytest.fixture
    def storage(self, path: Path) -> Iterator[Storage]:
        s = JournalStorage(f"journal:///{path}")
        yield s
        s.close()

    @pytest.fixture
    def reopen(self, path: Path) -> Callable[[], Storage]:
        return lambda: JournalStorage(f"journal:///{path}")
