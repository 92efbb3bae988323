"""Every ```python block of the documentation runs, page by page, in a temporary directory.

Blocks of one page share a namespace, in order, as a reader runs them. The build itself
(``make docs``: Sphinx with warnings as errors) is part of ``make test``.
"""

from __future__ import annotations

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
