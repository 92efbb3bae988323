"""D/F. Injection and hostile names through the Study API: RELIABILITY scenario 25."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import hyperhop as hh
from hyperhop.trial import TrialState
from tests.reliability_tests._backends import ALL, Backend, on
from tests.reliability_tests._harness import check_invariants, count

HOSTILE = [
    "x'); DROP TABLE hyperhop_trials;--",
    "x'); DROP TABLE trials;--",
    '"; DELETE FROM hyperhop_studies; --',
    "' OR '1'='1",
    "`; DROP DATABASE x; --",
    "../../etc/passwd",
    "..\\..\\windows\\system32",
    "/absolute/path",
    "مرحبا \u202e RTL \u200f",
    "emoji 🚀🔥 \U0001f9ea",
    "percent %s %(x)s {0} {}",
    "line\nbreak\ttab\r",
    "back\\slash \\x00 \\u0000",
    " leading and trailing ",
    "名前",
    "a" * 10_000,
]

LABELS = ["x'); DROP TABLE hyperhop_trials;--", '"; DELETE FROM x; --', "../../etc/passwd", "🚀"]
ATTR_KEYS = [
    "x'); DROP TABLE hyperhop_trials;--",
    "%s",
    "{0}",
    "../../etc/passwd",
    "مرحبا \u202e",
    "nul\x00inside",
    "k" * 5_000,
]

TABLES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    "postgres": "SELECT table_name FROM information_schema.tables "
    "WHERE table_schema = current_schema() ORDER BY table_name",
    "mysql": "SELECT table_name FROM information_schema.tables "
    "WHERE table_schema = DATABASE() ORDER BY table_name",
}


def _tables(backend: Backend) -> list[tuple[Any, ...]] | None:
    return backend.sql(TABLES[backend.name]) if backend.name in TABLES else None


@pytest.mark.parametrize("backend", on(*ALL), indirect=True)
def test_hostile_study_names_labels_and_attr_keys_round_trip(
    backend: Backend, tmp_path: Path
) -> None:
    """Scenario 25: hostile study names, parameter labels and attribute keys go through the
    Study API and come back exactly; the tables are intact (names, row counts); a file
    backend writes nothing outside its folder."""
    space = {label: hh.float(0.0, 1.0) for label in LABELS}
    attrs = {key: i for i, key in enumerate(ATTR_KEYS)}

    def objective(cfg: dict[str, Any]) -> dict[str, Any]:
        return {"loss": sum(cfg.values()), **attrs}

    control = hh.Study(space, storage=backend.target, name="control", seed=0, algo="random")
    control.optimize(objective, n_trials=2, progress=False)
    tables = _tables(backend)

    for i, name in enumerate(HOSTILE):
        study = hh.Study(space, storage=backend.target, name=name, seed=i, algo="random")
        assert study.name == name
        study.optimize(objective, n_trials=2, progress=False)

    store = backend.open()
    names = [s.info.name for s in store.list_studies()]
    assert names == ["control", *HOSTILE]
    assert {s.info.name: s.counts for s in store.list_studies()} == {
        n: {"COMPLETE": 2} for n in names
    }
    assert _tables(backend) == tables
    if backend.name in TABLES:
        assert backend.sql("SELECT COUNT(*) FROM hyperhop_studies") == [(len(HOSTILE) + 1,)]
        assert backend.sql("SELECT COUNT(*) FROM hyperhop_trials") == [(2 * (len(HOSTILE) + 1),)]
    for name in ["control", *HOSTILE]:
        loaded = hh.load_study(store, name)
        assert loaded.name == name
        trials = check_invariants(store, name)
        assert count(trials, TrialState.COMPLETE) == 2
        for t in trials:
            assert list(t.assignment) == list(space)
            assert t.user_attrs == attrs
        assert set(loaded.best.config) == set(LABELS)

    for name in HOSTILE:  # a name never becomes a path
        for base in (tmp_path, tmp_path / "sub" / "dir"):
            target = base / name if len(name) < 200 else base / name[:200]
            assert not target.exists() and not target.resolve().exists(), target
    if backend.name == "journal":
        assert {p.name for p in tmp_path.iterdir()} <= {"study.jsonl"}
    if backend.name == "sqlite":
        assert {p.name for p in tmp_path.iterdir()} <= {
            "study.db",
            "study.db-wal",
            "study.db-shm",
            "study.db-lock",
        }


BAD_NAMES = ["a" * 10_001, "nul\x00inside", "\x00", "", 42, b"bytes"]


@pytest.mark.parametrize("backend", on(*ALL), indirect=True)
def test_bad_study_names_are_rejected_up_front(backend: Backend) -> None:
    """Scenario 25: a 10,001-character name, one with NUL, an empty one or a non-string is
    a ValueError before any study is written (``None`` means "make one up")."""
    store = backend.open()
    hh.Study({"x": hh.float(0, 1)}, storage=store, name="before")
    for name in BAD_NAMES:
        with pytest.raises(ValueError, match="'name' parameter of Study"):
            hh.Study({"x": hh.float(0, 1)}, storage=store, name=name)
    assert [s.info.name for s in store.list_studies()] == ["before"]
    made = hh.Study({"x": hh.float(0, 1)}, storage=store, name=None)
    assert made.name and len(made.name) <= 10_000 and "\x00" not in made.name


@pytest.mark.parametrize("backend", on("sqlite", "postgres", "mysql"), indirect=True)
def test_names_are_bound_not_spliced(backend: Backend) -> None:
    """Scenario 25: a name that would break out of a quoted SQL literal is stored verbatim
    in the studies table (read back with the database's own driver)."""
    name = "o'brien\"; DROP TABLE hyperhop_studies; --"
    hh.Study({"x": hh.float(0, 1)}, storage=backend.target, name=name)
    placeholder = "?" if backend.name == "sqlite" else "%s"
    rows = backend.sql(f"SELECT name FROM hyperhop_studies WHERE name = {placeholder}", (name,))
    assert rows == [(name,)]
    assert hh.load_study(backend.target, name).name == name
