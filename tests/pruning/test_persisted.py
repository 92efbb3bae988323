"""The pruner and fidelity stored with a study: JSON data, read back by every process that
opens the study; an explicit one wins, with a warning when it differs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import hyperhop as hh
from hyperhop.pruning import (
    AnyPruner,
    CurveHalvingPruner,
    HyperbandPruner,
    LCEPruner,
    MedianPruner,
    NopPruner,
    PatiencePruner,
    PercentilePruner,
    Pruner,
    QuantilePruner,
    SuccessiveHalvingPruner,
    ThresholdPruner,
    TopKPruner,
)
from hyperhop.pruning.serialize import (
    NotSerializable,
    parse_fidelity,
    parse_pruner,
    pruner_from_dict,
)
from hyperhop.storage import MemoryStorage, codec

SPACE = {"x": hh.float(0, 1)}
EPOCHS = hh.Fidelity("epochs", 1, 27)

PRUNERS: list[Pruner] = [
    NopPruner(),
    MedianPruner(n_startup_trials=2, n_warmup_steps=1),
    PercentilePruner(10.0, interval_steps=2),
    TopKPruner(3),
    QuantilePruner(0.7, warmup=2),
    ThresholdPruner(upper=2.5, n_warmup_steps=1),
    PatiencePruner(2, min_delta=0.1, wrapped=MedianPruner(n_startup_trials=1)),
    SuccessiveHalvingPruner(min_resource=2, reduction_factor=2, max_resource=64),
    HyperbandPruner(reduction_factor=4),
    LCEPruner(families=("pow3",), prob_threshold=0.1, outlier_iqr=None),
    AnyPruner((SuccessiveHalvingPruner(), LCEPruner())),
    CurveHalvingPruner(min_resource=2, prob_threshold=0.1, n_reference_trials=5),
]


class StopAll(Pruner):
    def should_prune(self, trial, history):  # type: ignore[no-untyped-def]
        return True


@pytest.mark.parametrize("pruner", PRUNERS, ids=lambda p: type(p).__name__)
def test_every_built_in_pruner_round_trips_through_json(pruner: Pruner) -> None:
    data = codec.loads(codec.dumps(pruner.to_dict()))
    back = Pruner.from_dict(data)
    assert back == pruner and type(back) is type(pruner)
    assert back.to_dict() == data


def test_bad_stored_pruners_are_refused_clearly() -> None:
    with pytest.raises(NotSerializable, match="not a built-in"):
        StopAll().to_dict()
    with pytest.raises(ValueError, match="must be one of"):
        pruner_from_dict({"name": "os.system", "params": {}})
    with pytest.raises(ValueError, match="does not take"):
        pruner_from_dict({"name": "sha", "params": {"command": "rm"}})
    with pytest.raises(ValueError, match="'reduction_factor' parameter"):
        pruner_from_dict({"name": "sha", "params": {"reduction_factor": 1}})
    with pytest.raises(ValueError, match="with a 'name'"):
        pruner_from_dict(["sha"])


def test_a_reopened_study_prunes_with_the_stored_pruner_and_fidelity(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    hh.Study(SPACE, storage=url, name="s", pruner="hyperband", fidelity=EPOCHS)
    for study in (
        hh.load_study(url, "s"),
        hh.Study(SPACE, storage=url, name="s"),
        hh.Study(SPACE, storage=url, name="s", fidelity=EPOCHS),
    ):
        assert study.fidelity == EPOCHS
        assert study.pruner == HyperbandPruner(min_resource=1, max_resource=27)
        trial = study.ask()
        assert study._task_config(trial)["epochs"] == 27  # the objective gets the budget


def test_the_default_pruner_of_a_fidelity_follows_a_new_fidelity() -> None:
    store = MemoryStorage()
    hh.Study(SPACE, storage=store, name="s", fidelity=EPOCHS)
    assert hh.load_study(store, "s").pruner == SuccessiveHalvingPruner(1, 3, 27)
    wider = hh.Fidelity("epochs", 3, 81)
    study = hh.load_study(store, "s", fidelity=wider)
    assert study.fidelity == wider and study.pruner.levels() == [3, 9, 27]  # type: ignore[attr-defined]


def test_an_explicit_pruner_wins_with_a_warning_when_it_differs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = MemoryStorage()
    hh.Study(SPACE, storage=store, name="s", pruner=MedianPruner(n_startup_trials=3))
    with caplog.at_level(logging.WARNING, "hyperhop.study"):
        same = hh.load_study(store, "s", pruner="median")
    assert same.pruner == MedianPruner()
    assert "do not prune alike" in caplog.text  # n_startup_trials differs
    caplog.clear()
    with caplog.at_level(logging.WARNING, "hyperhop.study"):
        again = hh.load_study(store, "s", pruner=MedianPruner(n_startup_trials=3))
        other = hh.load_study(store, "s", pruner="sha", fidelity=EPOCHS)
    assert again.pruner == MedianPruner(n_startup_trials=3)
    assert isinstance(other.pruner, SuccessiveHalvingPruner) and other.fidelity == EPOCHS
    assert caplog.text.count("do not prune alike") == 1  # only the one that differs


def test_a_pruner_that_prunes_the_same_is_no_disagreement(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Stored: successive halving with the fidelity's range; given: the same range spelt out."""
    store = MemoryStorage()
    hh.Study(SPACE, storage=store, name="s", fidelity=EPOCHS)
    hh.Study(SPACE, storage=store, name="t", pruner="sha", fidelity=EPOCHS)
    with caplog.at_level(logging.WARNING, "hyperhop.study"):
        for name in ("s", "t"):
            study = hh.load_study(store, name, pruner=SuccessiveHalvingPruner(1, 3, 27))
            assert study.pruner == SuccessiveHalvingPruner(1, 3, 27)
    assert caplog.text == ""
    with caplog.at_level(logging.WARNING, "hyperhop.study"):
        hh.load_study(store, "t", pruner=SuccessiveHalvingPruner(1, 2, 27))
    assert "do not prune alike" in caplog.text


def test_a_different_fidelity_is_used_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    store = MemoryStorage()
    hh.Study(SPACE, storage=store, name="s", pruner="sha", fidelity=EPOCHS)
    with caplog.at_level(logging.WARNING, "hyperhop.study"):
        study = hh.load_study(store, "s", fidelity=hh.Fidelity("epochs", 1, 9))
    assert study.pruner.levels() == [1, 3]  # type: ignore[attr-defined]
    assert "Fidelity(name='epochs', min=1, max=27)" in caplog.text


def test_a_study_without_a_recorded_pruner_takes_the_given_one(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Studies created without a pruner (or before pruners were recorded) have none to
    disagree with."""
    store = MemoryStorage()
    hh.Study(SPACE, storage=store, name="new")
    legacy = hh.Space(SPACE).definition()
    store.create_study("old", ["min"], legacy)
    with caplog.at_level(logging.WARNING, "hyperhop.study"):
        for name in ("new", "old"):
            assert isinstance(hh.load_study(store, name).pruner, NopPruner)
            assert hh.load_study(store, name, pruner="median").pruner == MedianPruner()
    assert caplog.text == ""


def test_a_pruner_of_your_own_is_not_stored_as_code(caplog: pytest.LogCaptureFixture) -> None:
    store = MemoryStorage()
    created = hh.Study(SPACE, storage=store, name="s", pruner=StopAll())
    assert isinstance(created.pruner, StopAll)
    record = store.get_study("s").space["pruning"]
    assert record["pruner"] == {"name": "custom", "repr": "StopAll()"}
    with caplog.at_level(logging.WARNING, "hyperhop.study"):
        study = hh.load_study(store, "s")
    assert isinstance(study.pruner, NopPruner) and "does not prune" in caplog.text
    assert isinstance(hh.load_study(store, "s", pruner=StopAll()).pruner, StopAll)


def test_a_record_of_a_newer_format_is_refused() -> None:
    store = MemoryStorage()
    store.create_study("s", ["min"], {**hh.Space(SPACE).definition(), "pruning": {"version": 99}})
    with pytest.raises(ValueError, match="reads version 1"):
        hh.load_study(store, "s")


def test_bad_arguments_create_no_study() -> None:
    store = MemoryStorage()
    with pytest.raises(ValueError, match="'pruner' parameter"):
        hh.Study(SPACE, storage=store, name="s", pruner="nope")
    with pytest.raises(ValueError, match="also a parameter"):
        hh.Study(SPACE, storage=store, name="s", fidelity=hh.Fidelity("x", 1, 3))
    assert store.list_studies() == []


def test_command_line_spellings() -> None:
    assert parse_pruner("sha:min_resource=1,reduction_factor=3") == SuccessiveHalvingPruner(1, 3)
    assert parse_pruner(" median ") == MedianPruner()
    assert parse_pruner("threshold:upper=1e+3") == ThresholdPruner(upper=1000.0)
    assert parse_pruner('lce:families=["pow3","exp3"]').families == ("pow3", "exp3")  # type: ignore[attr-defined]
    both = parse_pruner("sha:reduction_factor=2+lce:min_points=5")
    assert both == AnyPruner((SuccessiveHalvingPruner(reduction_factor=2), LCEPruner(min_points=5)))
    assert parse_fidelity("epochs:1:81") == hh.Fidelity("epochs", 1, 81)
    for bad in ("sha:reduction_factor", "sha:=3", ""):
        with pytest.raises(ValueError, match="NAME|key=value"):
            parse_pruner(bad)
    for bad in ("epochs", "epochs:1:x", "epochs:1:2:3"):
        with pytest.raises(ValueError, match="NAME:MIN:MAX|whole numbers"):
            parse_fidelity(bad)


def test_hyperhop_show_names_the_stored_pruner(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from hyperhop.cli import main

    url = f"sqlite:///{tmp_path / 's.db'}"
    hh.Study(SPACE, storage=url, name="halving", fidelity=EPOCHS)
    hh.Study(SPACE, storage=url, name="plain")
    hh.Study(SPACE, storage=url, name="own", pruner=StopAll())
    outs = {}
    for name in ("halving", "plain", "own"):
        assert main(["show", "--storage", url, "--study", name]) == 0
        outs[name] = capsys.readouterr().out
    assert (
        "Pruner: SuccessiveHalvingPruner(min_resource=1, reduction_factor=3, max_resource=27"
        in outs["halving"]
    )
    assert "fidelity epochs from 1 to 27" in outs["halving"]
    assert "Pruner" not in outs["plain"]
    assert "Pruner: StopAll() (code: not rebuilt from storage)" in outs["own"]
