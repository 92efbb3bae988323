"""Rebuilding a stored space, for tools that read a study without its code."""

from __future__ import annotations

import hyperhop as hh
from hyperhop.space.serialize import space_for_reading, space_from_definition


def test_a_stored_space_is_rebuilt_equal() -> None:
    space = hh.Space({"d": hh.choice(4, 8), "m": hh.choice({"k": "a", "x": hh.float(0, 1)}, "b")})
    again = space_from_definition(space.definition())
    assert again.fingerprint() == space.fingerprint()
    assert space_for_reading(space.definition()).values({"d": 1, "m": 0, "m.x": 0.5}) == {
        "d": 8,
        "m": "a",
        "m.x": 0.5,
    }


def test_reading_a_space_with_code_keeps_every_rebuildable_parameter() -> None:
    space = hh.Space(
        {"d": hh.choice(4, 8), "s": hh.expr(lambda a: a * 2, hh.float(0, 1))},
        constraints=[lambda c: c["d"] > 0],
    )
    reader = space_for_reading(space.definition())
    a = space.sample_assignment(seed=0)
    shown = reader.values(a)
    assert shown["d"] == space.to_config(a)["d"] and shown == {**a, "d": shown["d"]}
