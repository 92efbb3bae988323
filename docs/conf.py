"""Sphinx configuration for hyperhop's documentation (``make docs``)."""

from __future__ import annotations

import importlib.util
import re
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
# A page whose first line is ``<!-- requires: MODULE -->`` documents a package that another
# branch adds (hyperhop.sklearn, hyperhop.integration): it is built, listed at the end of
# its section's index and tested (tests/test_docs.py) only while MODULE is in the tree.
REQUIRES = re.compile(r"\A<!-- requires: ([\w.]+) -->")
OPTIONAL_PAGES: dict[str, str] = {}
for _path in sorted(Path(__file__).parent.rglob("*.md")):
    _match = REQUIRES.match(_path.read_text(encoding="utf-8"))
    if _match and "_build" not in _path.parts:
        OPTIONAL_PAGES[_path.relative_to(Path(__file__).parent).with_suffix("").as_posix()] = (
            _match[1]
        )
PRESENT_PAGES = [p for p, m in OPTIONAL_PAGES.items() if importlib.util.find_spec(m) is not None]
exclude_patterns += [f"{p}.md" for p in OPTIONAL_PAGES if p not in PRESENT_PAGES]

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
    """Add the present optional pages of a section to the end of its index's toctree."""
    section, _, name = docname.rpartition("/")
    if name != "index":
        return
    pages = [p.rpartition("/")[2] for p in PRESENT_PAGES if p.rpartition("/")[0] == section]
    if pages:
        head, fence, tail = source[0].rpartition("\n```")
        source[0] = head + "\n" + "\n".join(pages) + fence + tail


def _skip_sklearn_routing(app: Any, what: str, name: str, obj: Any, skip: bool, opts: Any) -> Any:
    """scikit-learn generates ``set_<method>_request`` on every estimator (metadata routing);
    their docstrings point into scikit-learn's own glossary, which this site does not have."""
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def setup(app: Any) -> None:
    app.connect("source-read", _list_present_pages)
    app.connect("autodoc-skip-member", _skip_sklearn_routing)
