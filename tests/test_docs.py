"""Every ```python block of the documentation runs, page by page, in a temporary directory.

Blocks of one page share a namespace, in order, as a reader runs them. The build itself
(``make docs``: Sphinx with warnings as errors) is part of ``make test``.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "_build" not in p.parts)
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
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for code in _blocks(page):
        exec(compile(code, str(page), "exec"), namespace)


PUBLIC_PACKAGES = [
    "hyperhop",
    "hyperhop.space",
    "hyperhop.study",
    "hyperhop.trial",
    "hyperhop.samplers",
    "hyperhop.pruning",
    "hyperhop.storage",
    "hyperhop.execution",
    "hyperhop.multiobjective",
    "hyperhop.exceptions",
    "hyperhop.dashboard",
    "hyperhop.plot",
    "hyperhop.importance",
    "hyperhop.report",
    "hyperhop.artifacts",
    "hyperhop.ensemble",
    "hyperhop.hyperopt",
    "hyperhop.pyhopper",
    "hyperhop.optuna",
    "hyperhop.deephyper",
]


def _own_doc(obj: object) -> str:
    """A class's own docstring (not one inherited from its base), else ``__doc__``."""
    doc = obj.__dict__.get("__doc__") if inspect.isclass(obj) else obj.__doc__
    return doc if isinstance(doc, str) else ""


@pytest.mark.parametrize("package", PUBLIC_PACKAGES)
def test_every_public_name_has_a_docstring(package: str) -> None:
    module = importlib.import_module(package)
    names = list(getattr(module, "__all__", []))
    assert names, f"{package} declares its public names in __all__"
    missing = []
    for name in names:
        obj = getattr(module, name)
        documentable = inspect.isclass(obj) or inspect.isroutine(obj) or inspect.ismodule(obj)
        if (documentable or callable(obj)) and not _own_doc(obj).strip():
            missing.append(name)
    assert not missing, f"{package}: no docstring for {missing}"


def test_every_public_package_has_a_reference_page() -> None:
    reference = "\n".join(p.read_text(encoding="utf-8") for p in (DOCS / "reference").glob("*.md"))
    documented = set(re.findall(r"\.\. automodule:: ([\w.]+)", reference))
    assert not set(PUBLIC_PACKAGES) - {"hyperhop"} - documented
