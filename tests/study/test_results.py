from __future__ import annotations

import decimal
import math

import numpy as np
import pytest

from hyperhop.study.results import interpret
from hyperhop.trial import TrialState


@pytest.mark.parametrize(
    ("result", "value"),
    [
        (1, 1.0),
        (0.25, 0.25),
        (np.float32(1.5), 1.5),
        (np.array(2.0), 2.0),
        (np.int64(3), 3.0),
        (decimal.Decimal("1"), 1.0),
        (math.inf, math.inf),
        (-math.inf, -math.inf),
        ([4.0], 4.0),
        ({"loss": 0.5}, 0.5),
        ({"value": 2, "status": "ok"}, 2.0),
    ],
)
def test_valid_values(result: object, value: float) -> None:
    out = interpret(result)
    assert out.state is TrialState.COMPLETE and out.values == (value,)


@pytest.mark.parametrize(
    ("result", "fragment"),
    [
        (math.nan, "NaN"),
        (None, "None"),
        ("0.5", "'0.5'"),
        (True, "bool"),
        ((1.0, 2.0), "2 value"),
        (np.array([1.0, 2.0]), "2 value"),
        ({"status": "weird", "loss": 1}, "status"),
        ({"x": 1}, "'loss'"),
        ({"loss": float("nan")}, "NaN"),
        (np.array(["a"]), "expected a number"),
        ({"loss": 1, "attachments": {"a": "txt"}}, "bytes"),
    ],
)
def test_invalid_values_fail_with_a_message(result: object, fragment: str) -> None:
    out = interpret(result)
    assert out.state is TrialState.FAILED
    assert out.error is not None and out.error.reason == "invalid_value"
    assert fragment in out.error.message


def test_result_dict_keeps_extras_and_attachments() -> None:
    out = interpret({"loss": 0.1, "status": "ok", "acc": 0.9, "attachments": {"m": b"\x00"}})
    assert (
        out.values == (0.1,)
        and out.user_attrs == {"acc": 0.9}
        and out.attachments == {"m": b"\x00"}
    )


def test_status_fail_is_a_user_failure() -> None:
    out = interpret({"status": "fail", "failure": "diverged", "epoch": 3})
    assert out.state is TrialState.FAILED and out.error is not None
    assert (
        out.error.reason == "user"
        and out.error.message == "diverged"
        and out.user_attrs == {"epoch": 3}
    )


def test_multi_objective() -> None:
    assert interpret((1, 2.5), 2).values == (1.0, 2.5)
    assert interpret({"values": [1, -math.inf]}, 2).values == (1.0, -math.inf)
    assert interpret(3.0, 2).state is TrialState.FAILED
