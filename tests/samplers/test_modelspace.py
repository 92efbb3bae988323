"""ModelSpace: what the surrogate models (cbo, gp) see of a space."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given

import hyperhop as hh
from hyperhop.samplers.modelspace import ModelSpace

from ..space.strategies import templates
from ..space.test_properties import SETTINGS, seeds


@SETTINGS
@given(templates(exprs=False), seeds)
def test_snap_is_where_the_decoded_point_encodes(template: Any, seed: int) -> None:
    space = hh.Space(template)
    ms = ModelSpace(space)
    rng = np.random.default_rng(seed)
    Z = ms.random(20, rng)
    for z, x in zip(Z, ms.model_matrix(Z), strict=True):
        enc = ms.encode([space.decode(z)])[0]
        on = enc != -1.0
        np.testing.assert_allclose(enc[on], x[on], atol=1e-9)


def test_a_log_int_is_scored_where_its_value_encodes() -> None:
    # The first cell of a log int spans [log 0.5, log 1.5]: 1 encodes at 0.198, and a model
    # scoring 0.0 would see a point no trial can reach (the GP then kept proposing it).
    ms = ModelSpace(hh.Space({"leaf": hh.int(1, 16, log=True), "x": hh.float(0.0, 1.0)}))
    Z = ms.snap(np.array([[0.0, 0.3], [0.05, 0.3], [1.0, 0.3]]))
    one, sixteen = ms.encode([{"leaf": 1, "x": 0.3}, {"leaf": 16, "x": 0.3}])
    np.testing.assert_allclose(Z[0], one)
    np.testing.assert_allclose(Z[1], one)
    np.testing.assert_allclose(Z[2], sixteen)
    assert 0.19 < Z[0, 0] < 0.2
