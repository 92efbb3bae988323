"""Fixtures of the reliability suite: a fresh backend per test, and no leftover process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability_tests._backends import Backend, make_backend
from tests.reliability_tests._harness import kill_leftovers


@pytest.fixture
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """Parametrize indirectly with a name from ``_backends.ALL`` (use ``_backends.on``)."""
    b = make_backend(request.param, tmp_path)
    try:
        yield b
    finally:
        kill_leftovers()
        b.close()


@pytest.fixture(autouse=True)
def _no_leftover_workers() -> Iterator[None]:
    yield
    kill_leftovers()
