from __future__ import annotations

import json
import struct

import pytest

import hyperhop as hh
from tests.conftest import require_module

_BLOCK = 32768
_HEADER = 7  # W&B's LevelDB-style log: checksum (4, not checked here), length (2), type (1)


def _records(path):
    """The protobuf records of an offline .wandb file (W&B no longer ships a Python reader)."""
    from wandb.proto import wandb_internal_pb2 as pb

    data = path.read_bytes()
    assert data[:4] == b":W&B"
    pos, pending, out = 7, b"", []
    while pos + _HEADER <= len(data):
        left = _BLOCK - pos % _BLOCK
        if left < _HEADER:  # a block's tail too short for a header is padding
            pos += left
            continue
        _, length, kind = struct.unpack("<IHB", data[pos : pos + _HEADER])
        if kind == 0 and length == 0:
            break
        chunk = data[pos + _HEADER : pos + _HEADER + length]
        pos += _HEADER + length
        pending = chunk if kind in (1, 2) else pending + chunk
        if kind in (1, 4):  # FULL or LAST
            rec = pb.Record()
            rec.ParseFromString(pending)
            out.append(rec)
            pending = b""
    return out


def _read_run(run_dir):
    (path,) = run_dir.glob("*.wandb")
    run, history, summary, exit_code = None, [], {}, None
    for rec in _records(path):
        kind = rec.WhichOneof("record_type")
        if kind == "run":
            run = rec.run
        elif kind == "history":
            items = {
                i.key or "/".join(i.nested_key): json.loads(i.value_json) for i in rec.history.item
            }
            history.append(items)
        elif kind == "summary":
            for i in rec.summary.update:
                summary[i.key or "/".join(i.nested_key)] = json.loads(i.value_json)
        elif kind == "exit":
            exit_code = rec.exit.exit_code
    return run, history, summary, exit_code


def test_offline_runs_hold_config_steps_values_and_state(tmp_path, monkeypatch):
    require_module("wandb", "wandb")
    from hyperhop.integration.wandb import WandbCallback

    monkeypatch.setenv("WANDB_SILENT", "true")

    def objective(cfg, trial):
        for step in range(3):
            trial.report(cfg["lr"] * (step + 1), step)
        if cfg["opt"] == "bad":
            raise ValueError("diverged")
        return {"value": cfg["lr"], "note": "ok"}

    study = hh.Study(
        {"lr": hh.float(1e-3, 1.0, log=True), "opt": hh.choice("adam", "bad")}, name="wb", seed=0
    )
    study.enqueue({"lr": 0.2, "opt": "bad"})
    study.enqueue({"lr": 0.1, "opt": "adam"})
    cb = WandbCallback(project="hyperhop-test", mode="offline", dir=tmp_path)
    study.optimize(objective, n_trials=2, progress=False, callbacks=[cb])
    import wandb

    wandb.teardown()  # the offline files are written by W&B's service process: flush it
    runs = {}
    for run_dir in (tmp_path / "wandb").glob("offline-run-*"):
        run, history, summary, exit_code = _read_run(run_dir)
        runs[run.display_name] = (run, history, summary, exit_code)
    assert set(runs) == {"trial-0", "trial-1"}
    run, history, summary, exit_code = runs["trial-1"]
    assert (
        run.run_group == "wb" and run.project == "hyperhop-test" and list(run.tags) == ["COMPLETE"]
    )
    config = {i.key: json.loads(i.value_json) for i in run.config.update}
    assert config["lr"] == pytest.approx(0.1) and config["opt"] == "adam"
    steps = [(h["_step"], h["intermediate"]) for h in history if "intermediate" in h]
    assert steps == [(0, pytest.approx(0.1)), (1, pytest.approx(0.2)), (2, pytest.approx(0.3))]
    assert summary["value"] == pytest.approx(0.1) and summary["state"] == "COMPLETE"
    assert summary["attr.note"] == "ok" and exit_code == 0
    run, _, summary, exit_code = runs["trial-0"]
    assert summary["state"] == "FAILED" and "diverged" in summary["error"] and exit_code == 1
