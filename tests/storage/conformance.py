"""The storage conformance suite: every backend's tests inherit :class:`StorageConformance`.

A subclass provides the ``storage`` fixture (a fresh, empty store) and, for persistent
backends, ``reopen`` (a second handle on the same store) with ``persistent = True``.
"""

from __future__ import annotations

import decimal
import math
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hyperhop as hh
from hyperhop.exceptions import (
    BudgetReachedError,
    DuplicateStudyError,
    StaleTrialError,
    StorageError,
    StudyNotFoundError,
    TrialNotFoundError,
    TrialStateError,
    ValueTooLargeError,
)
from hyperhop.storage import codec
from hyperhop.storage.base import Storage, TrialCap
from hyperhop.study.results import as_number
from hyperhop.trial import FailReason, Trial, TrialError, TrialState

HOSTILE_NAMES = [
    "x'); DROP TABLE trials;--",
    '"; DELETE FROM studies; --',
    "../../etc/passwd",
    "مرحبا \u202e RTL",
    "emoji 🚀🔥",
    "percent %s %(x)s {0}",
    "line\nbreak\ttab",
    "a" * 10_000,
]

RUN = TrialState.RUNNING
FAILED = TrialState.FAILED
OWNER = "host:1:abc"


def _study(storage: Storage) -> hh.Study:
    """A study on the backend under test (no heartbeat thread)."""
    return hh.Study(
        {"x": hh.float(0, 1)}, storage=storage, name="results", seed=0, heartbeat_interval=None
    )


_REASONS = frozenset(r.value for r in FailReason)
_RESERVED = ("status", "loss", "value", "values", "attachments", "failure", "constraints")

_texts = st.text(st.characters(codec="utf-8") | st.sampled_from(["\x00", "\ud800", "'", '"']))
_floats = st.floats(allow_nan=True, allow_infinity=True)
_numbers = st.one_of(
    _floats,
    st.integers(min_value=-(2**80), max_value=2**80),
    st.integers().map(lambda i: 10**400 * (1 if i >= 0 else -1)),
    st.booleans(),
    st.floats(width=32).map(np.float32),
    st.integers(-(2**31), 2**31 - 1).map(np.int64),
    _floats.map(np.array),
    st.decimals(allow_nan=True),
    st.just(decimal.Decimal("1e400")),
)
json_values = st.recursive(
    st.none() | st.booleans() | _floats | st.integers(-(2**70), 2**70) | _texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_texts, inner, max_size=4),
    max_leaves=12,
)
"""JSON-like values, with NaN, infinities, big integers, NUL and lone surrogates."""
_odd = st.one_of(
    st.binary(max_size=20),
    st.sets(st.integers(0, 5), max_size=3),
    st.builds(object),
    st.just(np.arange(4.0)),
    st.just(3000).map(lambda n: _deep(n)),
)


@st.composite
def results(draw: st.DrawFn) -> object:
    """What an objective may return, valid or not."""
    number = draw(_numbers)
    kind = draw(st.sampled_from(["number", "tuple", "dict", "junk"]))
    if kind == "number":
        return number
    if kind == "tuple":
        return tuple(draw(st.lists(_numbers, max_size=2)))
    if kind == "junk":
        return draw(st.none() | _texts | json_values)
    result: dict[str, Any] = {draw(st.sampled_from(["loss", "value"])): number}
    result.update(draw(st.dictionaries(_texts, json_values | _odd, max_size=3)))
    if draw(st.booleans()):
        result["status"] = draw(st.sampled_from(["ok", "fail", "maybe"]))
    if draw(st.booleans()):
        names = st.text(st.characters(codec="utf-8") | st.just("\x00"), max_size=8)
        result["attachments"] = draw(st.dictionaries(names, st.binary(max_size=64), max_size=2))
    return result


def _value_of(result: object) -> float:
    """The number a COMPLETE trial must hold for ``result`` (computed apart from the study)."""
    raw: Any = result
    if isinstance(raw, dict):
        raw = raw[next(k for k in ("loss", "value", "values") if k in raw)]
    if isinstance(raw, dict):
        raw = list(raw.values())
    if isinstance(raw, (list, tuple)) or (isinstance(raw, np.ndarray) and raw.ndim == 1):
        raw = raw[0]
    v = as_number(raw)
    assert v is not None, result
    return v


def _is_json(value: object) -> bool:
    try:
        codec.dumps(value)
    except (TypeError, ValueError, RecursionError):
        return False
    return not isinstance(value, (bytes, np.ndarray, set))


def _deep(levels: int) -> list[object]:
    deep: list[object] = []
    for _ in range(levels):
        deep = [deep]
    return deep


def _failed(t: Trial, reason: str, *words: str) -> None:
    """``t`` is FAILED with ``reason`` and a message holding every one of ``words``."""
    assert t.state is FAILED and t.error is not None, t
    assert t.error.reason == reason, t.error
    for w in words:
        assert w in t.error.message, (w, t.error.message)


class StorageConformance:
    persistent = False

    @pytest.fixture
    def reopen(self, storage: Storage) -> Callable[[], Storage]:  # pragma: no cover - overridden
        pytest.skip("not a persistent backend")

    # ------------------------------------------------------------ studies
    def test_create_and_load_study(self, storage: Storage) -> None:
        info, created = storage.create_study("s", ["min"], {"p": 1})
        assert created and info.name == "s" and info.directions == ("min",)
        again, created2 = storage.create_study("s", ["min"])
        assert not created2 and again.id == info.id
        assert storage.get_study("s").space == {"p": 1}
        assert storage.get_study_by_id(info.id).name == "s"
        with pytest.raises(DuplicateStudyError):
            storage.create_study("s", ["min"], load_if_exists=False)

    def test_missing_study(self, storage: Storage) -> None:
        with pytest.raises(StudyNotFoundError, match="nope"):
            storage.get_study("nope")
        with pytest.raises(StudyNotFoundError):
            storage.get_study_by_id(12345)
        with pytest.raises(KeyError):  # also a KeyError
            storage.get_study("nope")

    def test_list_and_delete(self, storage: Storage) -> None:
        a, _ = storage.create_study("a", ["min"])
        b, _ = storage.create_study("b", ["max", "min"])
        for _ in range(3):
            storage.create_trial(a.id, state=RUN, assignment={}, owner=OWNER)
        storage.create_trial(b.id, state=TrialState.QUEUED, assignment={})
        summaries = {s.info.name: s for s in storage.list_studies()}
        assert summaries["a"].counts == {"RUNNING": 3}
        assert summaries["b"].counts == {"QUEUED": 1}
        assert summaries["b"].info.directions == ("max", "min")
        storage.delete_study(a.id)
        assert [s.info.name for s in storage.list_studies()] == ["b"]
        with pytest.raises(StudyNotFoundError):
            storage.get_study("a")
        assert len(storage.get_trials(b.id)[0]) == 1

    def test_study_attrs(self, storage: Storage) -> None:
        info, _ = storage.create_study("s", ["min"])
        storage.set_study_attr(info.id, "k", {"nested": [1, 2.5, "x"]})
        storage.set_study_attr(info.id, "j", 3)
        assert storage.get_study("s").attrs == {"k": {"nested": [1, 2.5, "x"]}, "j": 3}

    def test_hostile_names_round_trip(self, storage: Storage) -> None:
        ids = {}
        for name in HOSTILE_NAMES:
            ids[name] = storage.create_study(name, ["min"])[0].id
        listed = {s.info.name for s in storage.list_studies()}
        assert listed == set(HOSTILE_NAMES)
        for name in HOSTILE_NAMES:
            assert storage.get_study(name).id == ids[name]
        t = storage.create_trial(
            ids[HOSTILE_NAMES[0]], state=RUN, assignment={HOSTILE_NAMES[1]: 1}, owner=OWNER
        )
        t = storage.update_trial(
            t.id, expect_state=RUN, user_attrs={HOSTILE_NAMES[0]: HOSTILE_NAMES[2]}
        )
        assert storage.get_trial(t.id).user_attrs == {HOSTILE_NAMES[0]: HOSTILE_NAMES[2]}
        assert storage.get_trial(t.id).assignment == {HOSTILE_NAMES[1]: 1}

    # ------------------------------------------------------------ trials
    def test_numbers_are_contiguous_and_running_has_lease(self, storage: Storage) -> None:
        s, _ = storage.create_study("s", ["min"])
        trials = [
            storage.create_trial(s.id, state=RUN, assignment={"i": i}, owner=OWNER)
            for i in range(5)
        ]
        assert [t.number for t in trials] == [0, 1, 2, 3, 4]
        assert len({t.id for t in trials}) == 5
        t = trials[0]
        assert t.state is RUN and t.owner == OWNER
        assert t.heartbeat is not None and t.datetime_start is not None
        q = storage.create_trial(s.id, state=TrialState.QUEUED, assignment={})
        assert q.number == 5 and q.owner is None and q.datetime_start is None

    def test_params_and_values_round_trip(self, storage: Storage) -> None:
        s, _ = storage.create_study("s", ["min"])
        params = {
            "f": 0.1 + 0.2,
            "i": 2**53 + 1,
            "s": "ünïcode ✓",
            "b": True,
            "n": None,
            "arr": np.arange(6, dtype=np.float64).reshape(2, 3) / 7,
            "iarr": np.array([1, -2, 3]),
            "nested": {"a": [1, {"b": 2}]},
            "tiny": 5e-324,
            "big": 1.7976931348623157e308,
        }
        t = storage.create_trial(s.id, state=RUN, assignment=params, owner=OWNER)
        for v in (math.inf, -math.inf, 0.1 + 0.2, -0.0):
            t2 = storage.create_trial(s.id, state=RUN, assignment={}, owner=OWNER)
            storage.update_trial(t2.id, expect_state=RUN, state=TrialState.COMPLETE, values=[v])
            got = storage.get_trial(t2.id).values
            assert (
                got is not None and got[0] == v and math.copysign(1, got[0]) == math.copysign(1, v)
            )
        back = storage.get_trial(t.id).assignment
        assert set(back) == set(params)
        for k, v in params.items():
            if isinstance(v, np.ndarray):
                assert isinstance(back[k], np.ndarray) and back[k].dtype == v.dtype
                np.testing.assert_array_equal(back[k], v)
            else:
                assert back[k] == v and type(back[k]) is type(v), k

    def test_multi_objective_values(self, storage: Storage) -> None:
        s, _ = storage.create_study("s", ["min", "max"])
        t = storage.create_trial(s.id, state=RUN, assignment={}, owner=OWNER)
        storage.update_trial(
            t.id, expect_state=RUN, state=TrialState.COMPLETE, values=[1.5, -math.inf]
        )
        assert storage.get_trial(t.id).values == (1.5, -math.inf)

    def test_compare_and_set(self, storage: Storage) -> None:
        s, _ = storage.create_study("s", ["min"])
        t = storage.create_trial(s.id, state=RUN, assignment={}, owner=OWNER)
        with pytest.raises(TrialStateError):
            storage.update_trial(
                t.id, expect_state=TrialState.QUEUED, state=TrialState.COMPLETE, values=[1]
            )
        with pytest.raises(TrialStateError):
            storage.update_trial(
                t.id, expect_state=RUN, expect_owner="other", state=TrialState.COMPLETE, values=[1]
            )
        with pytest.raises(TrialStateError):
            storage.update_trial(
                t.id, expect_state=RUN, expect_heartbeat=-1.0, state=TrialState.FAILED
            )
        unchanged = storage.get_trial(t.id)
        assert unchanged.state is RUN and unchanged.values is None
        done = storage.update_trial(
            t.id,
            expect_state=RUN,
            expect_owner=OWNER,
            expect_heartbeat=t.heartbeat,
            state=TrialState.COMPLETE,
            values=[2.0],
        )
        assert (
            done.state is TrialState.COMPLETE
            and done.value == 2.0
            and done.datetime_complete is not None
        )
        with pytest.raises(TrialStateError):  # finished trials are immutable
            storage.update_trial(t.id, expect_state=RUN, state=TrialState.FAILED)
        assert storage.get_trial(t.id).value == 2.0

    def test_stale_trial_error(self, storage: Storage) -> None:
        s, _ = storage.create_study("s", ["min"])
        t = storage.create_trial(s.id, state=RUN, assignment={}, owner=OWNER)
        storage.update_trial(
            t.id,
            expect_state=RUN,
            expect_heartbeat=t.heartbeat,
            state=TrialState.FAILED,
            error=TrialError("stale", "worker gone"),
        )
        with pytest.raises(StaleTrialError):
            storage.update_trial(
                t.id, expect_state=RUN, expect_owner=OWNER, state=TrialState.COMPLETE, values=[1]
            )

    def test_error_round_trip(self, storage: Storage) -> None:
        s, _ = storage.create_study("s", ["min"])
        t = storage.create_trial(s.id, state=RUN, assignment={}, owner=OWNER)
        err = TrialError(
            "exception", "bad 'thing' \n happened", "ValueError", "Traceback...\n  line 1\n"
        )
        storage.update_trial(t.id, expect_state=RUN, state=TrialState.FAILED, error=err)
        back = storage.get_trial(t.id)
        assert back.error == err and back.state is TrialState.FAILED and back.values is None

    def test_intermediate_and_attrs_merge(self, storage: Storage) -> None:
        s, _ = storage.create_study("s", ["min"])
        t = storage.create_trial(s.id, state=RUN, assignment={}, owner=OWNER, system_attrs={"a": 1})
        storage.update_trial(t.id, expect_state=RUN, intermediate={0: 0.5, 1: 0.25})
        storage.update_trial(
            t.id, expect_state=RUN, intermediate={2: math.inf}, user_attrs={"u": [1]}
        )
        storage.update_trial(t.id, expect_state=RUN, user_attrs={"v": "x"}, system_attrs={"b": 2})
        back = storage.get_trial(t.id)
        assert back.intermediate == {0: 0.5, 1: 0.25, 2: math.inf}
        assert back.user_attrs == {"u": [1], "v": "x"}
        assert back.system_attrs == {"a": 1, "b": 2}

    def test_snapshots_do_not_change(self, storage: Storage) -> None:
        s, _ = storage.create_study("s", ["min"])
        t = storage.create_trial(s.id, state=RUN, assignment={"x": 1}, owner=OWNER)
        storage.update_trial(t.id, expect_state=RUN, user_attrs={"k": 1}, intermediate={0: 1.0})
        storage.update_trial(t.id, expect_state=RUN, state=TrialState.COMPLETE, values=[1.0])
        assert t.state is RUN and t.user_attrs == {} and t.intermediate == {} and t.values is None

    def test_claim_queued_in_order_and_once(self, storage: Storage) -> None:
        s, _ = storage.create_study("s", ["min"])
        assert storage.claim_queued_trial(s.id, OWNER) is None
        for i in range(20):
            storage.create_trial(s.id, state=TrialState.QUEUED, assignment={"i": i})
        first = storage.claim_queued_trial(s.id, OWNER)
        assert first is not None and first.assignment == {"i": 0} and first.state is RUN
        assert first.owner == OWNER and first.datetime_start is not None
        claimed: list[int] = []
        lock = threading.Lock()

        def worker(k: int) -> None:
            while (t := storage.claim_queued_trial(s.id, f"w{k}")) is not None:
                with lock:
                    claimed.append(t.assignment["i"])

        threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert sorted(claimed) == list(range(1, 20))

    def test_enqueue_key_is_unique(self, storage: Storage) -> None:
        s, _ = storage.create_study("s", ["min"])
        a = storage.create_trial(
            s.id, state=TrialState.QUEUED, assignment={"x": 1}, enqueue_key="k1"
        )
        b = storage.create_trial(
            s.id, state=TrialState.QUEUED, assignment={"x": 1}, enqueue_key="k1"
        )
        c = storage.create_trial(
            s.id, state=TrialState.QUEUED, assignment={"x": 2}, enqueue_key="k2"
        )
        assert a.id == b.id and c.id != a.id
        assert len(storage.get_trials(s.id)[0]) == 2
        assert storage.get_trial(a.id).enqueue_key == "k1"

    def test_retried_from(self, storage: Storage) -> None:
        s, _ = storage.create_study("s", ["min"])
        t = storage.create_trial(s.id, state=TrialState.QUEUED, assignment={}, retried_from=7)
        assert storage.get_trial(t.id).retried_from == 7

    def test_incremental_reads(self, storage: Storage) -> None:
        s, _ = storage.create_study("s", ["min"])
        other, _ = storage.create_study("other", ["min"])
        ts = [
            storage.create_trial(s.id, state=RUN, assignment={"i": i}, owner=OWNER)
            for i in range(4)
        ]
        all_trials, seq = storage.get_trials(s.id)
        assert [t.number for t in all_trials] == [0, 1, 2, 3]
        none, seq2 = storage.get_trials(s.id, since=seq)
        assert none == [] and seq2 == seq
        storage.create_trial(other.id, state=RUN, assignment={}, owner=OWNER)  # another study
        assert storage.get_trials(s.id, since=seq)[0] == []
        storage.update_trial(ts[2].id, expect_state=RUN, state=TrialState.COMPLETE, values=[1.0])
        storage.create_trial(s.id, state=RUN, assignment={}, owner=OWNER)
        changed, seq3 = storage.get_trials(s.id, since=seq)
        assert [t.number for t in changed] == [2, 4] and seq3 > seq
        assert changed[0].state is TrialState.COMPLETE

    def test_heartbeat(self, storage: Storage) -> None:
        s, _ = storage.create_study("s", ["min"])
        a = storage.create_trial(s.id, state=RUN, assignment={}, owner=OWNER)
        b = storage.create_trial(s.id, state=RUN, assignment={}, owner="someone-else")
        c = storage.create_trial(s.id, state=RUN, assignment={}, owner=OWNER)
        storage.update_trial(c.id, expect_state=RUN, state=TrialState.COMPLETE, values=[0])
        assert storage.heartbeat([a.id, b.id, c.id], OWNER) == [a.id]
        hb = storage.get_trial(a.id).heartbeat
        assert hb is not None and a.heartbeat is not None and hb >= a.heartbeat
        assert storage.get_trial(b.id).heartbeat == b.heartbeat

    def test_missing_trial(self, storage: Storage) -> None:
        with pytest.raises(TrialNotFoundError):
            storage.get_trial(987654)

    def test_attachments(self, storage: Storage) -> None:
        s, _ = storage.create_study("s", ["min"])
        t = storage.create_trial(s.id, state=RUN, assignment={}, owner=OWNER)
        blob = bytes(range(256)) * 10
        storage.set_attachment(t.id, "model.bin", blob)
        storage.set_attachment(t.id, "a.txt", b"hi")
        storage.set_attachment(t.id, "a.txt", b"hello")
        assert storage.get_attachment(t.id, "model.bin") == blob
        assert storage.get_attachment(t.id, "a.txt") == b"hello"
        assert storage.list_attachments(t.id) == ["a.txt", "model.bin"]
        with pytest.raises(KeyError):
            storage.get_attachment(t.id, "missing")

    def test_threads_share_one_storage(self, storage: Storage) -> None:
        s, _ = storage.create_study("s", ["min"])
        errors: list[BaseException] = []

        def worker(k: int) -> None:
            try:
                for i in range(15):
                    t = storage.create_trial(
                        s.id, state=RUN, assignment={"k": k, "i": i}, owner=f"w{k}"
                    )
                    storage.update_trial(
                        t.id,
                        expect_state=RUN,
                        expect_owner=f"w{k}",
                        state=TrialState.COMPLETE,
                        values=[i],
                    )
            except BaseException as e:  # noqa: BLE001 - collected and re-raised below
                errors.append(e)

        threads = [threading.Thread(target=worker, args=(k,)) for k in range(6)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert not errors, errors
        trials, _ = storage.get_trials(s.id)
        assert sorted(t.number for t in trials) == list(range(90))
        assert all(t.state is TrialState.COMPLETE for t in trials)

    # ------------------------------------------------------------ persistence
    def test_reopen_sees_everything(self, storage: Storage, reopen: Callable[[], Storage]) -> None:
        s, _ = storage.create_study("s", ["max"], {"space": [1, 2]})
        t = storage.create_trial(s.id, state=RUN, assignment={"x": 0.5}, owner=OWNER)
        storage.update_trial(
            t.id,
            expect_state=RUN,
            state=TrialState.COMPLETE,
            values=[math.inf],
            intermediate={3: 1.0},
        )
        storage.set_attachment(t.id, "f", b"\x00\x01")
        other = reopen()
        try:
            info = other.get_study("s")
            assert info.directions == ("max",) and info.space == {"space": [1, 2]}
            back = other.get_trial(t.id)
            assert (
                back.values == (math.inf,)
                and back.intermediate == {3: 1.0}
                and back.assignment == {"x": 0.5}
            )
            assert other.get_attachment(t.id, "f") == b"\x00\x01"
            t2 = other.create_trial(s.id, state=RUN, assignment={}, owner=OWNER)
            assert t2.number == 1
            assert storage.get_trial(t2.id).number == 1
        finally:
            other.close()

    def test_finished_trials_are_immutable_even_when_expected(self, storage: Storage) -> None:
        s, _ = storage.create_study("s", ["min"])
        t = storage.create_trial(s.id, state=RUN, assignment={}, owner=OWNER)
        storage.update_trial(t.id, expect_state=RUN, state=TrialState.COMPLETE, values=[1.0])
        with pytest.raises(TrialStateError):
            storage.update_trial(t.id, expect_state=TrialState.COMPLETE, user_attrs={"late": 1})
        assert storage.get_trial(t.id).user_attrs == {}

    def test_unstorable_value_raises_type_error_and_writes_nothing(self, storage: Storage) -> None:
        s, _ = storage.create_study("s", ["min"])
        with pytest.raises(TypeError):
            storage.create_trial(s.id, state=RUN, assignment={"f": object()}, owner=OWNER)
        assert storage.get_trials(s.id)[0] == []

    def test_heartbeat_read_back_compares_exactly(self, storage: Storage) -> None:
        s, _ = storage.create_study("s", ["min"])
        t = storage.create_trial(s.id, state=RUN, assignment={}, owner=OWNER)
        assert storage.heartbeat([t.id], OWNER) == [t.id]
        read = storage.get_trial(t.id)  # a heartbeat that went through the store and back
        assert read.heartbeat is not None
        done = storage.update_trial(
            t.id,
            expect_state=RUN,
            expect_owner=OWNER,
            expect_heartbeat=read.heartbeat,
            state=TrialState.COMPLETE,
            values=[1.0],
        )
        assert done.state is TrialState.COMPLETE
        assert storage.get_trials(s.id)[0][0].heartbeat == read.heartbeat

    def test_enqueue_key_race_between_threads(self, storage: Storage) -> None:
        s, _ = storage.create_study("s", ["min"])
        ids: list[int] = []
        lock = threading.Lock()
        barrier = threading.Barrier(8)

        def worker() -> None:
            barrier.wait()
            t = storage.create_trial(
                s.id, state=TrialState.QUEUED, assignment={"x": 1}, enqueue_key="same"
            )
            with lock:
                ids.append(t.id)

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert len(ids) == 8 and len(set(ids)) == 1
        trials, _ = storage.get_trials(s.id)
        assert [t.number for t in trials] == [0]

    def test_claim_and_heartbeat_are_incremental_changes(self, storage: Storage) -> None:
        s, _ = storage.create_study("s", ["min"])
        q = storage.create_trial(s.id, state=TrialState.QUEUED, assignment={"i": 0})
        storage.create_trial(s.id, state=TrialState.QUEUED, assignment={"i": 1})
        _, seq = storage.get_trials(s.id)
        claimed = storage.claim_queued_trial(s.id, OWNER)
        assert claimed is not None and claimed.id == q.id
        changed, seq2 = storage.get_trials(s.id, since=seq)
        assert [t.id for t in changed] == [q.id] and changed[0].state is RUN and seq2 > seq
        assert storage.heartbeat([q.id], OWNER) == [q.id]
        changed, seq3 = storage.get_trials(s.id, since=seq2)
        assert [t.id for t in changed] == [q.id] and seq3 > seq2

    def test_delete_study_removes_its_trials_and_attachments(self, storage: Storage) -> None:
        s, _ = storage.create_study("s", ["min"])
        t = storage.create_trial(s.id, state=RUN, assignment={}, owner=OWNER)
        storage.set_attachment(t.id, "a", b"x")
        storage.delete_study(s.id)
        with pytest.raises(TrialNotFoundError):
            storage.get_trial(t.id)
        with pytest.raises(KeyError):
            storage.get_attachment(t.id, "a")
        with pytest.raises(StudyNotFoundError):
            storage.delete_study(s.id)
        s2, created = storage.create_study("s", ["max"])  # the name is free again
        assert created and s2.id != s.id and storage.get_trials(s2.id)[0] == []

    # ------------------------------------------------------------ every result lands or fails
    # The rule: a live process never leaves its own trial RUNNING. Whatever goes wrong while
    # a result is written, the trial ends FAILED with a structured reason and the message;
    # if even that cannot be written, the call raises naming the trial. Same on every backend.

    def test_deeply_nested_result_fails_the_trial_naming_the_key(self, storage: Storage) -> None:
        study = _study(storage)
        t = study.tell(study.ask(), {"loss": 1.0, "deep": _deep(5000)})
        _failed(t, "invalid_value", "'deep'", "nested too deeply", "1.0")
        assert storage.get_trial(t.id).state is FAILED
        assert study.tell(study.ask(), 0.5).state is TrialState.COMPLETE  # still usable

    def test_optimize_survives_unstorable_results(self, storage: Storage) -> None:
        study = _study(storage)
        study.optimize(lambda c: {"loss": c["x"], "deep": _deep(5000)}, n_trials=3, progress=False)
        trials = study.trials
        assert [t.state for t in trials] == [FAILED] * 3
        assert {t.error.reason for t in trials if t.error} == {"invalid_value"}

    def test_attachment_name_with_nul_is_refused_everywhere(self, storage: Storage) -> None:
        s, _ = storage.create_study("s", ["min"])
        t = storage.create_trial(s.id, state=RUN, assignment={}, owner=OWNER)
        with pytest.raises(ValueError, match="NUL"):
            storage.set_attachment(t.id, "a\x00b", b"x")
        assert storage.list_attachments(t.id) == []
        study = _study(storage)
        t = study.tell(study.ask(), {"loss": 1.0, "attachments": {"ok": b"y", "a\x00b": b"x"}})
        _failed(t, "invalid_value", "NUL")
        assert storage.list_attachments(t.id) == []  # checked before anything was written

    def test_a_value_over_the_size_limit_is_refused_before_it_is_sent(
        self, storage: Storage, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        s, _ = storage.create_study("s", ["min"])
        t = storage.create_trial(s.id, state=RUN, assignment={}, owner=OWNER)
        monkeypatch.setattr(storage, "max_value_bytes", 2000)
        with pytest.raises(ValueTooLargeError, match="2,000") as e:
            storage.update_trial(
                t.id,
                expect_state=RUN,
                state=TrialState.COMPLETE,
                values=[1.0],
                user_attrs={"big": "x" * 5000},
            )
        assert isinstance(e.value, StorageError) and "file" in str(e.value)
        with pytest.raises(ValueTooLargeError):
            storage.set_attachment(t.id, "big", b"x" * 5000)
        back = storage.get_trial(t.id)
        assert back.state is RUN and back.user_attrs == {}
        assert storage.list_attachments(t.id) == []

    def test_a_result_over_the_size_limit_fails_the_trial_with_the_limit(
        self, storage: Storage, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        study = _study(storage)
        monkeypatch.setattr(storage, "max_value_bytes", 2000)
        t = study.tell(study.ask(), {"loss": 1.0, "big": "x" * 5000})
        _failed(t, "too_large", "2,000", "file")
        t = study.tell(study.ask(), {"loss": 1.0, "attachments": {"model": b"x" * 5000}})
        _failed(t, "too_large", "2,000")
        assert study.tell(study.ask(), {"loss": 1.0, "small": "x"}).state is TrialState.COMPLETE

    def test_the_storage_refusing_a_result_fails_the_trial(
        self, storage: Storage, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        study = _study(storage)
        real_update, real_attach = storage.update_trial, storage.set_attachment

        def refuse(trial_id: int, **kw: object) -> Trial:
            if kw.get("state") is TrialState.COMPLETE:
                raise StorageError("the database said no")
            return real_update(trial_id, **kw)  # type: ignore[arg-type]

        monkeypatch.setattr(storage, "update_trial", refuse)
        _failed(study.tell(study.ask(), 1.0), "storage_error", "the database said no", "[1.0]")
        monkeypatch.setattr(storage, "update_trial", real_update)

        def refuse_attachment(trial_id: int, name: str, data: bytes) -> None:
            raise StorageError("no room for attachments")

        monkeypatch.setattr(storage, "set_attachment", refuse_attachment)
        t = study.tell(study.ask(), {"loss": 2.0, "attachments": {"a": b"x"}})
        _failed(t, "storage_error", "no room for attachments")
        monkeypatch.setattr(storage, "set_attachment", real_attach)
        assert not [t for t in study.trials if t.state is RUN]

    def test_when_even_the_failure_cannot_be_written_it_raises_naming_the_trial(
        self, storage: Storage, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        study = _study(storage)
        trial = study.ask()
        real_update = storage.update_trial

        def refuse(trial_id: int, **kw: object) -> Trial:
            if kw.get("state") is not None:
                raise StorageError("the database is gone")
            return real_update(trial_id, **kw)  # type: ignore[arg-type]

        monkeypatch.setattr(storage, "update_trial", refuse)
        with pytest.raises(StorageError, match=f"Trial {trial.number} .*the database is gone"):
            study.tell(trial, 1.0)

    # ------------------------------------------------------------ a shared budget (TrialCap)
    def test_a_cap_refuses_a_trial_past_the_budget(self, storage: Storage) -> None:
        s, _ = storage.create_study("s", ["min"])
        cap = TrialCap(3)
        done = storage.create_trial(s.id, state=RUN, assignment={}, owner=OWNER, cap=cap)
        storage.update_trial(done.id, expect_state=RUN, state=TrialState.COMPLETE, values=[1])
        broken = storage.create_trial(s.id, state=RUN, assignment={}, owner=OWNER, cap=cap)
        storage.update_trial(
            broken.id, expect_state=RUN, state=FAILED, error=TrialError("exception", "boom")
        )
        storage.create_trial(s.id, state=TrialState.QUEUED, assignment={})  # fresh: holds nothing
        running = storage.create_trial(s.id, state=RUN, assignment={}, owner=OWNER, cap=cap)
        with pytest.raises(BudgetReachedError, match="3"):
            storage.create_trial(s.id, state=RUN, assignment={}, owner=OWNER, cap=cap)
        assert len(storage.get_trials(s.id)[0]) == 4  # nothing was created
        # failures need not count; a trial failed as stale or interrupted never does
        extra = storage.create_trial(
            s.id, state=RUN, assignment={}, owner=OWNER, cap=TrialCap(3, failed=False)
        )
        storage.update_trial(
            running.id, expect_state=RUN, state=FAILED, error=TrialError("stale", "gone")
        )
        storage.update_trial(
            extra.id, expect_state=RUN, state=FAILED, error=TrialError("interrupted", "Ctrl+C")
        )
        t = storage.create_trial(s.id, state=RUN, assignment={}, owner=OWNER, cap=cap)
        with pytest.raises(BudgetReachedError):
            storage.create_trial(s.id, state=RUN, assignment={}, owner=OWNER, cap=cap)
        storage.update_trial(t.id, expect_state=RUN, state=TrialState.PRUNED)
        storage.create_trial(
            s.id, state=RUN, assignment={}, owner=OWNER, cap=TrialCap(3, pruned=False)
        )

    def test_a_cap_lets_only_a_queued_retry_start_when_full(self, storage: Storage) -> None:
        s, _ = storage.create_study("s", ["min"])
        cap = TrialCap(2)
        done = storage.create_trial(s.id, state=RUN, assignment={}, owner=OWNER)
        storage.update_trial(done.id, expect_state=RUN, state=TrialState.COMPLETE, values=[1])
        dead = storage.create_trial(s.id, state=RUN, assignment={"i": 1}, owner=OWNER)
        fresh = storage.create_trial(s.id, state=TrialState.QUEUED, assignment={"i": 2})
        storage.update_trial(dead.id, expect_state=RUN, state=FAILED, error=TrialError("stale"))
        retry = storage.create_trial(
            s.id, state=TrialState.QUEUED, assignment={"i": 1}, retried_from=dead.number
        )
        with pytest.raises(BudgetReachedError):  # the retry holds the last place
            storage.create_trial(s.id, state=RUN, assignment={}, owner=OWNER, cap=cap)
        claimed = storage.claim_queued_trial(s.id, OWNER, cap)
        assert claimed is not None and claimed.id == retry.id  # not the lower-numbered fresh one
        with pytest.raises(BudgetReachedError):
            storage.claim_queued_trial(s.id, OWNER, cap)
        assert storage.get_trial(fresh.id).state is TrialState.QUEUED
        claimed = storage.claim_queued_trial(s.id, OWNER, TrialCap(4))
        assert claimed is not None and claimed.id == fresh.id

    # ------------------------------------------------------------ fuzzing results (hypothesis)
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,  # one store per test: examples share it
            HealthCheck.too_slow,
            HealthCheck.differing_executors,  # inherited by each backend's test class
        ],
    )
    @given(results=st.lists(results(), min_size=1, max_size=4), attr=json_values)
    def test_any_result_completes_exactly_or_fails_with_a_reason(
        self, storage: Storage, results: list[object], attr: object
    ) -> None:
        """Whatever the objective returns, its trial ends COMPLETE with the value stored
        exactly (and JSON extras as JSON), or FAILED with a known reason; never RUNNING,
        and the study stays usable. A study attribute is stored exactly or refused with
        TypeError/ValueError before anything is written."""
        study = _study(storage)
        for result in results:
            t = study.tell(study.ask(), result)
            back = storage.get_trial(t.id)
            assert back.state in (TrialState.COMPLETE, FAILED), back
            if back.state is FAILED:
                assert back.error is not None and back.error.reason in _REASONS, back.error
                continue
            assert back.values is not None and len(back.values) == 1
            expected = _value_of(result)
            assert back.values[0] == expected, (result, back.values)
            assert math.copysign(1, back.values[0]) == math.copysign(1, expected)
            if isinstance(result, dict):
                extras = {k: v for k, v in result.items() if k not in _RESERVED}
                for key, value in extras.items():
                    if _is_json(value):
                        assert codec.dumps(back.user_attrs[key]) == codec.dumps(
                            codec.loads(codec.dumps(value))
                        ), key
                for name, data in result.get("attachments", {}).items():
                    assert storage.get_attachment(t.id, name) == data
        try:
            storage.set_study_attr(study.id, "fuzz", attr)
        except (TypeError, ValueError):
            pass
        else:
            stored = storage.get_study_by_id(study.id).attrs["fuzz"]
            assert codec.dumps(stored) == codec.dumps(codec.loads(codec.dumps(attr)))
        assert study.tell(study.ask(), 0.25).state is TrialState.COMPLETE
