"""The objective's signature: the trial is passed only where the objective asks for it."""

from __future__ import annotations

import functools
from typing import Any

import pytest

import hyperhop as hh

SPACE = {"x": hh.float(0, 1)}


def test_a_second_argument_named_data_is_an_error_naming_the_signature() -> None:
    def objective(cfg: dict[str, Any], data: list[float]) -> float:
        return cfg["x"] + len(data)

    with pytest.raises(TypeError) as info:
        hh.minimize(objective, SPACE, n_trials=2, progress=False)
    msg = str(info.value)
    assert "The objective objective(cfg, data) needs 'data'" in msg
    assert "'data'" in msg and "named 'trial'" in msg and "kwargs={'data': ...}" in msg
    # nothing ran: the error is raised before the first trial
    study = hh.Study(SPACE)
    with pytest.raises(TypeError):
        study.optimize(objective, n_trials=2, progress=False)
    assert len(study.trials) == 0
    # the fixes the message names work
    study.optimize(objective, n_trials=2, kwargs={"data": [1.0]}, progress=False)
    assert study.best_value >= 1.0
    bound = functools.partial(objective, data=[1.0, 2.0])
    assert hh.minimize(bound, SPACE, n_trials=2, progress=False).best_value >= 2.0


def test_the_trial_reaches_a_parameter_named_trial_or_annotated_trial() -> None:
    seen: list[Any] = []

    def by_name(cfg: dict[str, Any], trial: Any) -> float:
        seen.append(trial.number)
        return cfg["x"]

    def by_annotation(cfg: dict[str, Any], t: hh.Trial) -> float:
        seen.append(t.number)
        return cfg["x"]

    def by_string_annotation(cfg, t: "hh.Trial"):  # type: ignore[no-untyped-def]  # noqa: UP037
        seen.append(t.number)
        return cfg["x"]

    for objective in (by_name, by_annotation, by_string_annotation):
        seen.clear()
        hh.minimize(objective, SPACE, n_trials=2, progress=False)
        assert seen == [0, 1]


def test_plain_objectives_and_defaults_get_the_config_only() -> None:
    def with_default(cfg: dict[str, Any], scale: float = 2.0) -> float:
        return cfg["x"] * scale

    study = hh.minimize(with_default, SPACE, n_trials=3, seed=0, progress=False)
    assert study.best_value == pytest.approx(2 * study.best.config["x"])
    assert hh.minimize(lambda c: c["x"], SPACE, n_trials=1, progress=False).best_value < 1
