from __future__ import annotations

import pytest

from tests.conftest import require_module


@pytest.fixture(autouse=True)
def _configspace_and_tmp_cwd(tmp_path, monkeypatch):  # results.csv lands in log_dir="."
    require_module("ConfigSpace", "deephyper")
    require_module("pandas", "pandas")
    monkeypatch.chdir(tmp_path)
