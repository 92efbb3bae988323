"""Sphinx configuration for hyperhop's documentation (``make docs``)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

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
# Reference pages of packages that other branches add (hyperhop.sklearn,
# hyperhop.integration): built, and listed in the reference index, once the package is in
# the tree; until then the page is excluded and the index does not name it.
OPTIONAL_PAGES = {"sklearn": "hyperhop.sklearn", "integration": "hyperhop.integration"}
PRESENT_PAGES = [p for p, m in OPTIONAL_PAGES.items() if importlib.util.find_spec(m) is not None]
exclude_patterns += [f"reference/{p}.md" for p in OPTIONAL_PAGES if p not in PRESENT_PAGES]

autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_mock_imports = ["ray", "dask", "distributed", "mpi4py", "sqlalchemy", "psycopg"]
napoleon_google_docstring = True
napoleon_numpy_docstring = False

html_theme = "alabaster"
html_title = f"hyperhop {release}"
html_static_path: list[str] = []


def _list_present_pages(app: Any, docname: str, source: list[str]) -> None:
    if docname == "reference/index":
        entries = "".join(f"{page}\n" for page in PRESENT_PAGES)
        source[0] = source[0].replace("toplevel\n```", f"toplevel\n{entries}```", 1)


def _skip_sklearn_routing(app: Any, what: str, name: str, obj: Any, skip: bool, opts: Any) -> Any:
    """scikit-learn generates ``set_<method>_request`` on every estimator (metadata routing);
    their docstrings point into scikit-learn's own glossary, which this site does not have."""
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def setup(app: Any) -> None:
    app.connect("source-read", _list_present_pages)
    app.connect("autodoc-skip-member", _skip_sklearn_routing)
