"""One name for each thing: the old names still work, with a DeprecationWarning."""

from __future__ import annotations

import warnings

import pytest

import hyperhop as hh
from hyperhop import space as hh_space


def test_old_names_warn_and_still_work() -> None:
    with pytest.deprecated_call(match="use hyperhop.InvalidSpaceError"):
        from hyperhop.exceptions import InvalidSearchSpaceError  # type: ignore[attr-defined]
    assert InvalidSearchSpaceError is hh.InvalidSpaceError
    with pytest.deprecated_call(match="hyperhop.space.ParamSpec"):
        assert hh.ParamSpec is hh_space.ParamSpec  # type: ignore[attr-defined]
    space = hh.Space({"x": hh.float(0, 1)})
    with pytest.deprecated_call(match="sample_assignment"):
        assert space.sample(seed=3) == space.sample_assignment(seed=3)
    study = hh.minimize(lambda c: c["x"], space, n_trials=1, progress=False)
    with pytest.deprecated_call(match="trial.owner"):
        assert study.best.worker == study.best.owner == study.owner
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        hh.nothing  # type: ignore[attr-defined]  # noqa: B018
    assert "ParamSpec" not in hh.__all__ and "InvalidSearchSpaceError" not in hh.__all__


@pytest.mark.parametrize("algo", ["random", "tpe", "anneal", "sobol", "cbo", "gp", "nsga2"])
def test_hyperhop_itself_uses_no_deprecated_name(algo: str) -> None:
    space = {"x": hh.float(0, 1), "m": hh.choice({"c": hh.int(1, 5)}, "plain")}
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        study = hh.Study(space, algo=algo, seed=0)
        study.optimize(lambda c: c["x"], n_trials=12, progress=False)
        cfg = hh.sample(space, seed=1)
    assert len(study.trials) == 12 and set(cfg) == {"x", "m"}
