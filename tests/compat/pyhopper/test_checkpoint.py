"""Checkpoints in hyperhop's storage; PyHopper's pickles only on request (utils.py, search.py)."""

from __future__ import annotations

import gzip
import pickle
import sqlite3

import numpy as np
import pytest

from hyperhop import pyhopper
from hyperhop.pyhopper.utils import convert_to_checkpoint_path, load_dict, store_dict


def objective(p: dict) -> float:
    return -((p["x"] - 0.3) ** 2)


def test_a_checkpoint_is_a_hyperhop_storage_and_resumes(tmp_path) -> None:
    path = tmp_path / "run.ckpt"
    search = pyhopper.Search(x=pyhopper.float(0, 1))
    search.run(objective, "max", steps=8, checkpoint_path=path, quiet=True, seed=0)
    assert search.checkpoint_path == str(path)
    with sqlite3.connect(path) as db:  # SQLite, not a pickle
        assert db.execute("select count(*) from sqlite_master").fetchone()[0] > 0
    again = pyhopper.Search(x=pyhopper.float(0, 1))
    again.run(objective, "max", steps=4, checkpoint_path=path, quiet=True, seed=1)
    assert len(again.study.trials) == 12
    assert again.best_f >= search.best_f and len(again.history) == 12


def test_overwrite_starts_again(tmp_path) -> None:
    path = tmp_path / "run.db"
    pyhopper.Search(x=pyhopper.float(0, 1)).run(
        objective, "max", steps=5, checkpoint_path=path, quiet=True
    )
    search = pyhopper.Search(x=pyhopper.float(0, 1))
    search.run(
        objective, "max", steps=3, checkpoint_path=path, overwrite_checkpoint=True, quiet=True
    )
    assert len(search.study.trials) == 3


def test_a_directory_gets_numbered_files(tmp_path) -> None:
    first = convert_to_checkpoint_path(tmp_path)
    assert first.endswith("pyhopper_run_00000.db") and convert_to_checkpoint_path(first) == first
    pyhopper.Search(x=pyhopper.float(0, 1)).run(
        objective, "max", steps=2, checkpoint_path=tmp_path, quiet=True
    )
    assert convert_to_checkpoint_path(tmp_path).endswith("pyhopper_run_00001.db")


def test_save_and_load(tmp_path) -> None:
    search = pyhopper.Search(x=pyhopper.float(0, 1))
    search.run(objective, "max", steps=6, quiet=True, seed=0)
    path = search.save(tmp_path)
    other = pyhopper.Search(x=pyhopper.float(0, 1))
    pruner = pyhopper.pruners.TopKPruner(2)
    other.load(path, pruner=pruner)
    assert other.best_f == search.best_f and other.best == search.best


def _pyhopper_checkpoint(path) -> None:
    state = {"history": {"log_candidate": [{"x": 0.1}, {"x": 0.35}], "log_f": [-0.04, -0.0025]}}
    with gzip.open(path, "wb") as f:
        f.write(pickle.dumps(state))


def test_pyhoppers_pickles_need_trust(tmp_path) -> None:
    path = tmp_path / "old.ckpt"
    _pyhopper_checkpoint(path)
    search = pyhopper.Search(x=pyhopper.float(0, 1))
    with pytest.raises(ValueError, match="trusted=True"):
        search.run(objective, "max", steps=2, checkpoint_path=path, quiet=True)
    with pytest.raises(ValueError, match="trusted=True"):
        search.import_pyhopper_checkpoint(path)
    with pytest.raises(ValueError, match="trusted=True"):
        load_dict(path)
    assert search.import_pyhopper_checkpoint(path, trusted=True) == 2
    assert search.best == {"x": 0.35} and search.best_f == -0.0025


def test_store_and_load_dict_without_pickle(tmp_path) -> None:
    path = tmp_path / "d.gz"
    store_dict(path, {"a": 1, "b": np.array([0.1, 0.2])})
    with gzip.open(path, "rb") as f:
        assert f.read(1) == b"{"  # JSON
    out = load_dict(path)
    assert out["a"] == 1 and np.allclose(out["b"], [0.1, 0.2])


def test_load_keeps_the_direction(tmp_path) -> None:
    search = pyhopper.Search(x=pyhopper.float(0, 1))
    search.run(lambda p: p["x"], "min", steps=6, quiet=True, seed=0)
    other = pyhopper.Search(x=pyhopper.float(0, 1))
    other.load(search.save(tmp_path / "min.db"))
    assert other.best_f == min(search.history.fs)
