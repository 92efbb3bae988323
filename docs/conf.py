"""Sphinx configuration for hyperhop's documentation (``make docs``)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import hyperhop  # noqa: E402
import hyperhop.ensemble.estimator  # noqa: E402
import hyperhop.ensemble.sources  # noqa: E402
import hyperhop.study  # noqa: E402

# Annotations imported under TYPE_CHECKING reach Sphinx as bare names, and the front ends
# (hyperhop.optuna) have a Study of their own: give autodoc the classes where a bare name
# was ambiguous (a module's hints resolve all together or not at all).
_estimator = hyperhop.ensemble.estimator
for _cls in (hyperhop.study.Study, _estimator.EnsembleClassifier, _estimator.EnsembleRegressor):
    setattr(hyperhop.ensemble.sources, _cls.__name__, _cls)

project = "hyperhop"
author = "hyperhop developers"
copyright = "2026, hyperhop developers"
release = hyperhop.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3
exclude_patterns = ["_build"]

autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_mock_imports = ["ray", "dask", "distributed", "mpi4py", "sqlalchemy", "psycopg"]
napoleon_google_docstring = True
napoleon_numpy_docstring = False

html_theme = "alabaster"
html_title = f"hyperhop {release}"
html_static_path: list[str] = []
