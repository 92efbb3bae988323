"""Shared test helpers: real services are used when present; under CI=true a missing one fails."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest

SERVICES = {
    "postgres": ("127.0.0.1", 5432),
    "mysql": ("127.0.0.1", 3306),
    "redis": ("127.0.0.1", 6379),
}


def service_up(name: str) -> bool:
    host, port = SERVICES[name]
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def require_service(name: str) -> None:
    """Skip the test when the service is down, with the reason; fail instead under CI=true."""
    if service_up(name):
        return
    host, port = SERVICES[name]
    msg = f"{name} is not reachable on {host}:{port}"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{msg} (CI=true: every service must be present)")
    pytest.skip(msg)


def require_module(name: str, extra: str) -> None:
    """Skip when an optional module is missing; fail under CI=true (the dev extras have it)."""
    import importlib.util

    if importlib.util.find_spec(name) is not None:
        return
    msg = f"{name} is not installed (pip install hyperhop[{extra}])"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{msg} (CI=true)")
    pytest.skip(msg)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.server)])
def worker_storage(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """A storage URL that separate worker processes can share: a SQLite file, or a fresh
    database on the real PostgreSQL server (dropped afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'study.db'}"
        return
    require_module("psycopg", "postgres")
    require_module("sqlalchemy", "postgres")
    require_service("postgres")
    from tests.execution._harness import pg_database

    with pg_database() as url:
        yield url


@pytest.fixture(scope="module")
def ray_session() -> Iterator[Any]:
    """A local Ray instance of 2 CPUs for a test module, shut down after it."""
    require_module("ray", "ray")
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield ray
    finally:
        ray.shutdown()
