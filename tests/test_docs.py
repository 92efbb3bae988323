"""Every ```python block of the documentation runs, page by page, in a temporary directory.

Blocks of one page share a namespace, in order, as a reader runs them. The build itself
(``make docs``: Sphinx with warnings as errors) is part of ``make test``.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "_build" not in p.parts)
# A page that starts with this documents a package another branch adds (see docs/conf.py).
REQUIRES = re.compile(r"\A<!-- requires: ([\w.]+) -->")
FENCE = re.compile(r"^```python\n(.*?)^```", flags=re.S | re.M)


def _blocks(page: Path) -> list[str]:
    return FENCE.findall(page.read_text(encoding="utf-8"))


def test_every_section_of_the_docs_has_pages() -> None:
    for section in ("tutorials", "how-to", "explanation", "reference"):
        assert len(list((DOCS / section).glob("*.md"))) >= 3, section


@pytest.mark.parametrize(
    "page",
    [p for p in PAGES if _blocks(p)],
    ids=lambda p: str(p.relative_to(DOCS)),
)
def test_page_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    requires = REQUIRES.match(page.read_text(encoding="utf-8"))
    if requires and importlib.util.find_spec(requires[1]) is None:
        pytest.skip(f"{requires[1]} is not in this tree (docs/conf.py leaves the page out)")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for code in _blocks(page):
        exec(compile(code, str(page), "exec"), namespace)


# The top level, its public modules, and every public subpackage (found, so that a new
# package needs its docstrings and a reference page before it merges).
PUBLIC_PACKAGES = ["hyperhop", "hyperhop.exceptions", "hyperhop.trial"] + sorted(
    f"hyperhop.{m.name}"
    for m in pkgutil.iter_modules(importlib.import_module("hyperhop").__path__)
    if m.ispkg and not m.name.startswith("_")
)


def _own_doc(obj: object) -> str:
    """A class's own docstring (not one inherited from its base), else ``__doc__``."""
    doc = obj.__dict__.get("__doc__") if inspect.isclass(obj) else obj.__doc__
    return doc if isinstance(doc, str) else ""


def _public_names(package: str) -> dict[str, object]:
    """The names of ``__all__``; for a namespace of modules without one (such as
    ``hyperhop.integration``), each public module and the names of its ``__all__``."""
    module = importlib.import_module(package)
    if hasattr(module, "__all__"):
        return {f"{package}.{n}": getattr(module, n) for n in module.__all__}
    names: dict[str, object] = {}
    for sub in pkgutil.iter_modules(getattr(module, "__path__", [])):
        if not sub.name.startswith("_"):
            names[f"{package}.{sub.name}"] = importlib.import_module(f"{package}.{sub.name}")
            names.update(_public_names(f"{package}.{sub.name}"))
    return names


@pytest.mark.parametrize("package", PUBLIC_PACKAGES)
def test_every_public_name_has_a_docstring(package: str) -> None:
    names = _public_names(package)
    assert names, f"{package} declares its public names in __all__"
    missing = []
    for name, obj in names.items():
        documentable = inspect.isclass(obj) or inspect.isroutine(obj) or inspect.ismodule(obj)
        if (documentable or callable(obj)) and not _own_doc(obj).strip():
            missing.append(name)
    assert not missing, f"no docstring for {missing}"


def test_every_public_package_has_a_reference_page() -> None:
    reference = "\n".join(p.read_text(encoding="utf-8") for p in (DOCS / "reference").glob("*.md"))
    documented = set(re.findall(r"\.\. automodule:: ([\w.]+)", reference))
    assert not set(PUBLIC_PACKAGES) - {"hyperhop"} - documented
