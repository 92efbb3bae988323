from __future__ import annotations

import pytest

import hyperhop as hh
from tests.conftest import require_module


def _read(run_dir):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.plugins.hparams import metadata

    acc = EventAccumulator(str(run_dir))
    acc.Reload()
    content = acc.PluginTagToContent(metadata.PLUGIN_NAME)
    start = metadata.parse_session_start_info_plugin_data(content[metadata.SESSION_START_INFO_TAG])
    end = metadata.parse_session_end_info_plugin_data(content[metadata.SESSION_END_INFO_TAG])
    scalars = {tag: [(e.step, e.value) for e in acc.Scalars(tag)] for tag in acc.Tags()["scalars"]}
    return start, end, scalars


def test_trials_are_hparams_sessions_read_back_from_the_event_files(tmp_path):
    require_module("tensorboard", "tensorboard")
    from tensorboard.plugins.hparams import api_pb2

    from hyperhop.integration.tensorboard import TensorBoardCallback

    def objective(cfg, trial):
        for step in range(3):
            trial.report(cfg["lr"] * (step + 1), step)
            if trial.should_prune():
                raise hh.Pruned()
        if cfg["opt"] == "bad":
            raise ValueError("diverged")
        return cfg["lr"]

    space = {
        "lr": hh.float(1e-3, 1.0, log=True),
        "opt": hh.choice("adam", "bad"),
        "deep": hh.choice(True, False),
    }
    study = hh.Study(space, seed=0, pruner=hh.pruning.ThresholdPruner(upper=1.5))
    study.enqueue({"lr": 0.1, "opt": "adam", "deep": True})
    study.enqueue({"lr": 0.9, "opt": "adam", "deep": False})  # 1.8 > 1.5 at step 1: pruned
    study.enqueue({"lr": 0.2, "opt": "bad", "deep": True})
    try:
        study.optimize(
            objective,
            n_trials=3,
            progress=False,
            max_consecutive_failures=1,
            callbacks=[TensorBoardCallback(tmp_path)],
        )
    except hh.exceptions.TooManyFailuresError:
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == ["trial-0", "trial-1", "trial-2"]

    start, end, scalars = _read(tmp_path / "trial-0")
    assert start.hparams["lr"].number_value == pytest.approx(0.1)
    assert start.hparams["opt"].string_value == "adam" and start.hparams["deep"].bool_value is True
    assert end.status == api_pb2.STATUS_SUCCESS
    assert scalars["value"] == [(0, pytest.approx(0.1))]
    assert [s for s, _ in scalars["intermediate"]] == [0, 1, 2]
    assert scalars["intermediate"][2][1] == pytest.approx(0.3)

    _, end, scalars = _read(tmp_path / "trial-1")
    assert end.status == api_pb2.STATUS_UNKNOWN  # pruned
    assert scalars["intermediate"] == [(0, pytest.approx(0.9)), (1, pytest.approx(1.8))]

    _, end, scalars = _read(tmp_path / "trial-2")
    assert end.status == api_pb2.STATUS_FAILURE and "value" not in scalars
