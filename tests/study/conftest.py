"""Fixtures shared by the study tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import require_module, require_service


@pytest.fixture(params=["sqlite", "journal", pytest.param("postgres", marks=pytest.mark.server)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A persistent storage URL: an SQLite file, a journal file, or a fresh PostgreSQL
    database (dropped afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'study.db'}"
    elif request.param == "journal":
        yield str(tmp_path / "study.jsonl")
    else:
        require_module("psycopg", "postgres")
        require_module("sqlalchemy", "postgres")
        require_service("postgres")
        from tests.execution._harness import pg_database

        with pg_database() as pg:
            yield pg
