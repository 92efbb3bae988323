from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hyperhop.artifacts import ArtifactStore, check_name


@pytest.mark.parametrize(
    "bad", ["", "../x", "a/b", "a\\b", ".hidden", "a\x00b", "x" * 129, "a..b", 5, None]
)
def test_bad_names_are_refused_with_the_rule(bad: object) -> None:
    with pytest.raises(ValueError, match="artifact name must be"):
        check_name(bad)


@pytest.mark.parametrize("good", ["model", "val_predictions", "fold-3.weights", "A1"])
def test_good_names(good: str) -> None:
    assert check_name(good) == good


def test_write_is_atomic_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path)
    ref = store.write(3, 11, "x", np.arange(4))
    folder = tmp_path / "study-3" / "trial-11"
    assert sorted(p.name for p in folder.iterdir()) == ["x.npy"]
    assert ref["file"] == "trial-11/x.npy" and ref["study"] == 3
    assert store.read(ref).tolist() == [0, 1, 2, 3]


def test_a_write_that_fails_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = ArtifactStore(tmp_path)
    store.write(1, 1, "x", np.zeros(2))

    def broken(f: object, arr: object, allow_pickle: bool) -> None:
        f.write(b"half")  # type: ignore[attr-defined]
        raise OSError("disk full")

    monkeypatch.setattr(np, "save", broken)
    with pytest.raises(OSError, match="disk full"):
        store.write(1, 1, "x", np.ones(2))
    monkeypatch.undo()
    folder = tmp_path / "study-1" / "trial-1"
    assert [p.name for p in folder.iterdir()] == ["x.npy"]  # the old one, whole
    assert np.load(folder / "x.npy").tolist() == [0.0, 0.0]


def test_a_changed_file_is_detected(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path)
    ref = store.write(1, 2, "x", np.zeros(3))
    (tmp_path / "study-1" / "trial-2" / "x.npy").write_bytes(b"tampered")
    with pytest.raises(ValueError, match="SHA-256"):
        store.read(ref)


def test_a_reference_cannot_point_outside_its_study(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path)
    ref = store.write(1, 2, "x", np.zeros(3))
    for bad in ("../../etc/passwd", "trial-2/../../x", "/etc/passwd", "trial-2/.x.tmp"):
        with pytest.raises(ValueError):
            store.read({**ref, "file": bad})


def test_delete_study_removes_only_that_study(tmp_path: Path) -> None:
    store = ArtifactStore(f"file://{tmp_path}")
    store.write(1, 1, "x", b"a")
    store.write(2, 5, "x", b"b")
    store.delete_study(1)
    store.delete_study(7)  # none: nothing to do
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study-2"]
