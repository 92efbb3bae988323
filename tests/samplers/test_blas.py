"""single_threaded_blas: one BLAS thread inside, and the original count back afterwards,
whatever the order in which threads leave."""

from __future__ import annotations

import threading

import pytest
import threadpoolctl

from hyperhop.samplers.blas import single_threaded_blas


def blas_threads() -> list[int]:
    return [i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]


def set_from_a_passing_thread(n: int) -> None:
    # threadpoolctl lets one live thread at a time own OpenBLAS's process-wide limit; a
    # thread that has ended owns nothing, so the tests' own settings get in no one's way
    t = threading.Thread(
        target=threadpoolctl.threadpool_limits, args=(n,), kwargs={"user_api": "blas"}
    )
    t.start()
    t.join()


@pytest.fixture
def two_threads():
    before = blas_threads()
    if not before:
        pytest.skip("NumPy reports no BLAS library to threadpoolctl")
    set_from_a_passing_thread(2)
    assert set(blas_threads()) == {2}
    yield
    set_from_a_passing_thread(before[0])


def test_limits_to_one_thread_and_restores(two_threads) -> None:
    with single_threaded_blas():
        assert set(blas_threads()) == {1}
        with single_threaded_blas():  # nested: still one, and the outer block keeps it
            assert set(blas_threads()) == {1}
        assert set(blas_threads()) == {1}
    assert set(blas_threads()) == {2}


def test_restores_after_an_exception(two_threads) -> None:
    with pytest.raises(RuntimeError), single_threaded_blas():
        raise RuntimeError("boom")
    assert set(blas_threads()) == {2}


def test_threads_leaving_out_of_order_restore_the_original(two_threads) -> None:
    # A enters, B enters, A leaves, B leaves. B must not take A's limit for the original
    # count (threads that each limit on their own leave one thread for good).
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, list[int]] = {}

    def a() -> None:
        with single_threaded_blas():
            a_in.set()
            b_in.wait(10)
            seen["both in"] = blas_threads()
        a_out.set()

    def b() -> None:
        a_in.wait(10)
        with single_threaded_blas():
            b_in.set()
            a_out.wait(10)

    ts = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(20)
    assert set(seen["both in"]) == {1}
    assert set(blas_threads()) == {2}
    with single_threaded_blas():  # and the next holder, in another thread, still limits
        assert set(blas_threads()) == {1}
    assert set(blas_threads()) == {2}
