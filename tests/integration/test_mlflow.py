from __future__ import annotations

import pytest

import hyperhop as hh
from tests.conftest import require_module


@pytest.fixture
def client(tmp_path, monkeypatch):
    require_module("mlflow", "mlflow")
    from mlflow.tracking import MlflowClient

    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")  # MLflow 3's local file store
    uri = (tmp_path / "mlruns").as_uri()
    return uri, MlflowClient(tracking_uri=uri)


def _objective(cfg, trial):
    for step in range(3):
        trial.report(cfg["x"] * (3 - step), step)
        if trial.should_prune():
            raise hh.Pruned()
    if cfg["model"]["kind"] == "bad":
        raise ValueError("diverged")
    return {"value": cfg["x"], "note": "ok"}


SPACE = {
    "x": hh.float(0, 1),
    "model": hh.choice({"kind": "svm", "C": hh.float(1, 10)}, {"kind": "bad"}),
}


def test_each_finished_trial_is_a_run_with_params_values_steps_state_and_attributes(client):
    from hyperhop.integration.mlflow import MLflowCallback

    uri, mc = client
    study = hh.Study(
        SPACE, name="mlflow-study", seed=0, pruner=hh.pruning.ThresholdPruner(upper=2.0)
    )
    study.enqueue({"x": 0.1, "model": {"kind": "bad"}})  # fails
    study.enqueue({"x": 0.5, "model": {"kind": "svm", "C": 2.0}})  # complete
    study.enqueue({"x": 0.9, "model": {"kind": "svm", "C": 3.0}})  # 2.7 > 2: pruned at step 0
    study.optimize(_objective, n_trials=3, progress=False, callbacks=[MLflowCallback(uri)])
    exp = mc.get_experiment_by_name("mlflow-study")
    runs = {r.info.run_name: r for r in mc.search_runs([exp.experiment_id])}
    assert set(runs) == {"trial-0", "trial-1", "trial-2"}
    failed, done, pruned = runs["trial-0"], runs["trial-1"], runs["trial-2"]
    assert done.data.params == {"x": "0.5", "model.kind": "svm", "model.C": "2.0"}
    assert done.data.metrics["value"] == 0.5
    assert done.data.tags["hyperhop.state"] == "COMPLETE" and done.info.status == "FINISHED"
    assert done.data.tags["attr.note"] == '"ok"'
    steps = mc.get_metric_history(done.info.run_id, "intermediate")
    assert [(m.step, m.value) for m in steps] == [(0, 1.5), (1, 1.0), (2, 0.5)]
    assert pruned.info.status == "KILLED" and pruned.data.tags["hyperhop.state"] == "PRUNED"
    assert pruned.data.metrics["value"] == pytest.approx(2.7)  # its last intermediate value
    assert (
        failed.info.status == "FAILED" and failed.data.tags["hyperhop.fail_reason"] == "exception"
    )
    assert "diverged" in failed.data.tags["hyperhop.error"]
    assert "value" not in failed.data.metrics


def test_runs_nest_under_a_parent_run_and_a_second_study_gets_its_own_experiment(client):
    from hyperhop.integration.mlflow import MLflowCallback

    uri, mc = client
    exp = mc.create_experiment("sweeps")
    parent = mc.create_run(exp).info.run_id
    cb = MLflowCallback(uri, experiment_name="sweeps", parent_run_id=parent)
    hh.Study({"x": hh.float(0, 1)}, name="a", seed=0).optimize(
        lambda c: c["x"], n_trials=2, progress=False, callbacks=[cb]
    )
    children = mc.search_runs([exp], filter_string=f"tags.mlflow.parentRunId = '{parent}'")
    assert len(children) == 2
    other = MLflowCallback(uri)
    hh.Study({"x": hh.float(0, 1)}, name="b", seed=0).optimize(
        lambda c: c["x"], n_trials=1, progress=False, callbacks=[other]
    )
    assert len(mc.search_runs([mc.get_experiment_by_name("b").experiment_id])) == 1
