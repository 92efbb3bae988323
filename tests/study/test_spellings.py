"""Optuna users' spellings get an error naming hyperhop's; minimize shows every option."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

import hyperhop as hh
from hyperhop.study.spellings import ATTRIBUTES, KEYWORDS

SPACE = {"x": hh.float(0, 1)}


def f(cfg: dict[str, Any]) -> float:
    return cfg["x"]


@pytest.mark.parametrize(
    ("call", "hint"),
    [
        (lambda: hh.Study(SPACE, sampler="tpe"), "algo="),
        (lambda: hh.Study(SPACE, study_name="a"), "name="),
        (lambda: hh.Study(SPACE).optimize(f, n_trials=1, timeout=5), "runtime="),
        (lambda: hh.Study(SPACE).optimize(f, n_trials=1, show_progress_bar=False), "progress="),
        (lambda: hh.minimize(f, SPACE, n_trials=1, sampler="tpe"), "algo="),
        (lambda: hh.maximize(f, SPACE, timeout=5), "runtime="),
        (lambda: hh.minimize(f, SPACE, n_trial=1), "did you mean n_trials=?"),
    ],
)
def test_an_optuna_keyword_names_the_hyperhop_spelling(call: Any, hint: str) -> None:
    with pytest.raises(TypeError) as info:
        call()
    assert hint in str(info.value)


@pytest.mark.parametrize(
    ("attribute", "hint"),
    [
        ("best_params", "study.best.config"),
        ("best_trial", "study.best"),
        ("trials_dataframe", "study.trials.to_pandas()"),
    ],
)
def test_an_optuna_attribute_names_the_hyperhop_spelling(attribute: str, hint: str) -> None:
    study = hh.minimize(f, SPACE, n_trials=2, progress=False)
    with pytest.raises(AttributeError) as info:
        getattr(study, attribute)
    assert hint in str(info.value)
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        study.nonsense  # type: ignore[attr-defined]  # noqa: B018
    assert not hasattr(study, "best_params")


def test_a_define_by_run_objective_is_told_about_the_space() -> None:
    def objective(cfg: dict[str, Any], trial: Any) -> float:
        return trial.suggest_float("x", 0, 1)  # type: ignore[no-any-return]

    with pytest.raises(hh.exceptions.TooManyFailuresError) as info:
        hh.minimize(objective, SPACE, n_trials=3, progress=False)
    assert "declared up front" in str(info.value.__cause__)


def test_every_spelling_hint_names_a_real_keyword_or_attribute() -> None:
    study_kw = set(inspect.signature(hh.Study.__init__).parameters)
    run_kw = set(inspect.signature(hh.Study.optimize).parameters)
    for hint in KEYWORDS.values():
        assert hint.split("=")[0] in study_kw | run_kw, hint
    study = hh.minimize(f, SPACE, n_trials=1, progress=False)
    for hint in ATTRIBUTES.values():
        path = hint.split(" ")[0].split("(")[0].split(".")[1:]
        if path:
            obj: Any = study
            for part in path:
                obj = getattr(obj, part)


@pytest.mark.parametrize("shortcut", [hh.minimize, hh.maximize])
def test_minimize_shows_every_option_of_study_and_optimize(shortcut: Any) -> None:
    """The one-call form's signature is the real one (an IDE shows it), with the same
    defaults as Study and optimize, so none can drift apart."""
    mine = inspect.signature(shortcut).parameters
    assert not any(p.kind is p.VAR_KEYWORD for p in mine.values())
    theirs = {
        **inspect.signature(hh.Study.__init__).parameters,
        **inspect.signature(hh.Study.optimize).parameters,
    }
    for name, p in theirs.items():
        if name in ("self", "space", "objective", "direction", "directions"):
            continue
        assert name in mine, f"{shortcut.__name__}() lacks {name}="
        assert mine[name].default == p.default, name
    study = shortcut(f, SPACE, n_trials=3, seed=0, fail_fast=None, progress=False)
    assert len(study.trials) == 3 and study.direction == shortcut.__name__[:3]


def test_minimize_takes_checkpoint_path_and_resumes(tmp_path: Any) -> None:
    path = tmp_path / "run.jsonl"
    hh.minimize(f, SPACE, n_trials=2, checkpoint_path=path, progress=False)
    assert len(hh.minimize(f, SPACE, n_trials=4, checkpoint_path=path, progress=False).trials) == 4


@pytest.mark.parametrize(
    ("name", "hint"), [("create_study", "hh.Study(space"), ("TPESampler", "algo='tpe'")]
)
def test_an_optuna_module_name_names_the_hyperhop_spelling(name: str, hint: str) -> None:
    with pytest.raises(AttributeError) as info:
        getattr(hh, name)
    assert hint in str(info.value)
