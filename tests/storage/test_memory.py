from __future__ import annotations

from collections.abc import Iterator

import pytest

from hyperhop.storage import MemoryStorage, get_storage
from hyperhop.storage.base import Storage
from tests.storage.conformance import StorageConformance


class TestMemoryStorage(StorageConformance):
    @pytest.fixture
    def storage(self) -> Iterator[Storage]:
        s = MemoryStorage()
        yield s
        s.close()


def test_get_storage_defaults_to_memory() -> None:
    assert isinstance(get_storage(None), MemoryStorage)
    assert isinstance(get_storage("memory://"), MemoryStorage)
    s = MemoryStorage()
    assert get_storage(s) is s


@pytest.mark.parametrize("bad", ["", "nonsense", "ftp://x", 3])
def test_get_storage_rejects_unknown(bad: object) -> None:
    with pytest.raises(ValueError):
        get_storage(bad)
