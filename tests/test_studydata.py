from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import hyperhop as hh
from hyperhop._studydata import column, objective_values, stored_study_data, study_data, value_text

SPACE = {
    "lr": hh.float(1e-4, 1e-1, log=True),
    "m": hh.choice(
        {"kind": "svm", "C": hh.float(0.1, 10)}, {"kind": "tree", "depth": hh.int(1, 9)}
    ),
    "w": hh.float(0, 1, shape=(3,)),
}


def _study(storage: str | None = None) -> hh.Study:
    return hh.minimize(
        lambda c: c["lr"], SPACE, n_trials=12, seed=0, progress=False, storage=storage, name="s", pruner="sha",
        fidelity=hh.Fidelity("epochs", 1, 9),
    )  # fmt: skip


def test_columns_hold_values_with_nan_where_inactive() -> None:
    study = _study()
    data = study_data(study)
    C, depth, m = column(data, "m.C"), column(data, "m.depth"), column(data, "m")
    for i, t in enumerate(study.trials):
        cfg = t.config["m"]
        assert m.categories is not None and m.categories[int(m.values[i])] == f"kind={cfg['kind']}"
        if cfg["kind"] == "svm":
            assert C.values[i] == cfg["C"] and np.isnan(depth.values[i])
        else:
            assert depth.values[i] == cfg["depth"] and np.isnan(C.values[i])
    assert column(data, "lr").log
    np.testing.assert_array_equal(objective_values(data), [t.value for t in study.trials])
    with pytest.raises(ValueError, match="cannot be plotted.*'lr'"):
        column(data, "w")  # an array has no single number per trial


def test_stored_snapshot_reads_without_writing_and_knows_the_rungs(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/s.db"
    study = _study(url)
    from hyperhop.storage import get_storage

    store = get_storage(url)
    _, seq = store.get_trials(study.id)
    data = stored_study_data(store, "s")
    assert data.rungs == (1, 3) and data.directions == ("min",)
    assert [t.number for t in data.trials] == [t.number for t in study.trials]
    a, b = data.trials[0].config, study.trials[0].config
    assert a["m"] == b["m"] and a["lr"] == b["lr"] and np.array_equal(a["w"], b["w"])
    assert store.get_trials(study.id)[1] == seq  # nothing written


def test_value_text_shows_options_and_numbers() -> None:
    data = study_data(_study())
    assert value_text(data, "m", 1) == "kind=tree"
    assert value_text(data, "lr", 0.001234567) == "0.00123457"
    assert value_text(data, "w", np.zeros(3)) == "<array shape=(3,)>"
    with pytest.raises(TypeError, match="Expected a hyperhop Study"):
        study_data(object())
