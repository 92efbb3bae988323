"""Exports of a study's trials, from the user's side: pandas, CSV and JSON say the same."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pytest

import hyperhop as hh

pd = pytest.importorskip("pandas")

SPACE = {
    "depth": hh.choice(4, 8, 16),
    "scale": hh.choice(True, False),
    "lr": hh.float(1e-3, 1.0, log=True),
    "model": hh.choice({"kind": "svm", "C": hh.float(0.1, 10.0)}, {"kind": "tree"}),
}


def objective(cfg: dict) -> dict:
    if cfg["lr"] > 0.5:
        raise ValueError("lr too high")
    return {"loss": cfg["lr"], "fold": 3}


@pytest.fixture(scope="module")
def study() -> hh.Study:
    s = hh.Study(SPACE, seed=0)
    s.optimize(objective, n_trials=25, progress=False)
    assert {t.state.name for t in s.trials} == {"COMPLETE", "FAILED"}
    return s


def test_to_pandas_has_typed_columns_and_values(study: hh.Study) -> None:
    df = study.trials.to_pandas()
    assert list(df["number"]) == list(range(len(study.trials)))
    assert str(df["datetime_start"].dt.tz) == "UTC" and str(df["datetime_complete"].dt.tz) == "UTC"
    assert df["duration"].dtype.kind == "m"
    assert (df["duration"] == df["datetime_complete"] - df["datetime_start"]).all()
    assert set(df["params.depth"]) <= {4, 8, 16} and set(df["params.scale"]) <= {True, False}
    assert set(df["params.model"]) <= {"svm", "tree"}
    svm = df["params.model"] == "svm"
    assert (
        df.loc[svm, "params.model.C"].notna().all() and df.loc[~svm, "params.model.C"].isna().all()
    )
    failed = df["state"] == "FAILED"
    assert df.loc[failed, "value"].isna().all() and (df.loc[failed, "error"] == "exception").all()
    assert (df.loc[~failed, "attrs.fold"] == 3).all()
    for t, (_, row) in zip(study.trials, df.iterrows(), strict=True):
        assert row["params.depth"] == t.params["depth"] and row["state"] == t.state.name


def test_csv_and_json_agree_with_pandas(study: hh.Study, tmp_path: Path) -> None:
    df = study.trials.to_pandas()
    study.trials.to_csv(tmp_path / "t.csv")
    csv = pd.read_csv(tmp_path / "t.csv")
    assert list(csv.columns) == list(df.columns)
    for name in ("datetime_start", "datetime_complete"):
        assert (pd.to_datetime(csv[name], utc=True) == df[name]).all()
    assert csv["duration"].to_numpy() == pytest.approx(df["duration"].dt.total_seconds().to_numpy())
    for name in ("params.depth", "params.model", "state", "number"):
        assert list(csv[name]) == list(df[name])
    assert list(csv["params.scale"]) == list(df["params.scale"])
    data = json.loads(study.trials.to_json())
    for d, (_, row) in zip(data, df.iterrows(), strict=True):
        assert pd.Timestamp(d["datetime_start"]) == row["datetime_start"]
        assert d["duration"] == pytest.approx(row["duration"].total_seconds())
        assert (
            d["params"]["depth"] == row["params.depth"]
            and d["params"]["model"] == row["params.model"]
        )
        assert ("C" in str(d["params"])) == (row["params.model"] == "svm")
        if d["state"] == "FAILED":
            assert d["values"] is None and "lr too high" in d["error"]["message"]
            assert math.isnan(row["value"])


def test_several_objectives_and_an_empty_list() -> None:
    s = hh.Study({"x": hh.float(0, 1)}, directions=["min", "max"], seed=0)
    s.optimize(lambda c: (c["x"], 1 - c["x"]), n_trials=3, progress=False)
    df = s.trials.to_pandas()
    assert (df["value_0"] + df["value_1"]).tolist() == pytest.approx([1.0] * 3)
    empty = hh.Study({"x": hh.float(0, 1)}).trials
    assert empty.to_pandas().empty and json.loads(empty.to_json()) == []
    buf = io.StringIO()
    empty.to_csv(buf)
    assert buf.getvalue().strip() == ""
