from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestClassifier
from sklearn.preprocessing import FunctionTransformer

from hyperhop.artifacts import ArtifactStore, UntrustedArtifactError
from tests.conftest import require_module


@pytest.fixture
def store(tmp_path: Path) -> ArtifactStore:
    return ArtifactStore(tmp_path / "art")


class Custom:
    def __init__(self, v: int) -> None:
        self.v = v


def roundtrip(store: ArtifactStore, obj: Any, **kw: Any) -> tuple[str, Any]:
    ref = store.write(1, 1, "a", obj)
    return ref["format"], store.read(ref, **kw)


def test_numpy_json_and_bytes(store: ArtifactStore) -> None:
    fmt, back = roundtrip(store, np.arange(6.0).reshape(2, 3))
    assert fmt == "npy" and back.shape == (2, 3)
    fmt, back = roundtrip(store, {"mean": np.zeros(2), "var": np.ones(2)})
    assert fmt == "npz" and back["var"].tolist() == [1.0, 1.0]
    fmt, back = roundtrip(store, {"acc": 0.5, "tags": ["a", "b"]})
    assert fmt == "json" and back == {"acc": 0.5, "tags": ["a", "b"]}
    fmt, back = roundtrip(store, b"\x00\x01")
    assert fmt == "bytes" and back == b"\x00\x01"


def test_a_file_is_copied(store: ArtifactStore, tmp_path: Path) -> None:
    src = tmp_path / "notes.txt"
    src.write_text("hello")
    fmt, back = roundtrip(store, src)
    src.unlink()
    assert fmt == "file" and back.read_text() == "hello" and back.suffix == ".txt"


def test_scikit_learn_models_go_through_skops(store: ArtifactStore) -> None:
    X, y = load_iris(return_X_y=True)
    model = RandomForestClassifier(n_estimators=3, random_state=0).fit(X, y)
    fmt, back = roundtrip(store, model)
    assert fmt == "skops"
    np.testing.assert_array_equal(back.predict_proba(X), model.predict_proba(X))


def test_a_skops_file_with_foreign_types_needs_trust(store: ArtifactStore) -> None:
    model = FunctionTransformer(func=pickle.loads)  # a function no one should trust
    ref = store.write(1, 1, "t", model)
    with pytest.raises(UntrustedArtifactError, match="trusted=True"):
        store.read(ref)
    assert store.read(ref, trusted=True).func is pickle.loads


def test_pickle_only_when_asked_and_loaded_only_when_trusted(store: ArtifactStore) -> None:
    with pytest.raises(TypeError, match="pickle=True"):
        store.write(1, 1, "c", Custom(3))
    with pytest.raises(TypeError, match="pickle=True"):
        store.write(1, 1, "c", np.array([Custom(3)], dtype=object))
    ref = store.write(1, 1, "c", Custom(3), pickle=True)
    with pytest.raises(UntrustedArtifactError, match="trusted=True"):
        store.read(ref)
    assert store.read(ref, trusted=True).v == 3


def test_torch_weights_as_safetensors_with_a_factory(store: ArtifactStore) -> None:
    require_module("torch", "torch")
    import torch

    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    ref = store.write(1, 1, "net", net)
    assert ref["format"] == "safetensors"
    with pytest.raises(TypeError, match="factory"):
        store.read(ref)

    def factory(cfg: Any) -> torch.nn.Module:
        return torch.nn.Sequential(
            torch.nn.Linear(4, cfg["h"]), torch.nn.ReLU(), torch.nn.Linear(cfg["h"], 3)
        )

    back = store.read(ref, factory=factory, config={"h": 8})
    x = torch.randn(5, 4)
    assert torch.equal(back(x), net(x))
    fmt, tensors = roundtrip(store, {"w": torch.ones(2)})
    assert fmt == "tensors" and tensors["w"].tolist() == [1.0, 1.0]
