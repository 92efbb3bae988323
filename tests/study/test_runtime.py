from __future__ import annotations

import pytest

from hyperhop.study.runtime import parse_runtime


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        (90, 90.0),
        (1.5, 1.5),
        ("90s", 90.0),
        ("1723", 1723.0),
        ("1:30", 90.0),
        ("1:1:30", 3690.0),
        ("1h 30min", 5400.0),
        ("2d 4h", 187200.0),
        ("1 h 1 min 30s", 3690.0),
        ("5 days 24h", 6 * 86400.0),
        ("1w", 604800.0),
        ("0.5h", 1800.0),
        ("3 minutes", 180.0),
        ("10 sec", 10.0),
        ("2hours", 7200.0),
    ],
)
def test_parses_pyhopper_forms(text: object, seconds: float) -> None:
    assert parse_runtime(text) == seconds


@pytest.mark.parametrize(
    "bad", ["", "soon", "h", "1 parsec", "1:2:3:4", -5, 0, float("inf"), True, None, "1:x"]
)
def test_rejects_bad_runtimes(bad: object) -> None:
    with pytest.raises(ValueError, match="runtime"):
        parse_runtime(bad)
