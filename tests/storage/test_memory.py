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


def test_fast_snapshots_have_every_trial_field() -> None:
    """The hot-path constructors build the same snapshot as the dataclass itself."""
    import dataclasses

    from hyperhop.storage.memory import _evolve, _new_trial
    from hyperhop.trial import Trial, TrialState

    fields = {"id": 3, "number": 1, "study_id": 2, "state": TrialState.RUNNING, "assignment": {}}
    fast, slow = _new_trial(**fields), Trial(**fields)
    assert dataclasses.asdict(fast) == dataclasses.asdict(slow)
    fast.attach(None)  # type: ignore[arg-type]
    moved = _evolve(fast, state=TrialState.COMPLETE, values=(1.0,))
    assert "_space" not in moved.__dict__
    assert dataclasses.asdict(moved) == dataclasses.asdict(
        dataclasses.replace(slow, state=TrialState.COMPLETE, values=(1.0,))
    )
    assert fast.state is TrialState.RUNNING  # the original snapshot is untouched
