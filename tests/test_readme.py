"""Every ```python block in the README runs (in a temporary directory)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_example_runs(code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    exec(compile(code, str(README), "exec"), {"__name__": "__readme__"})


def test_the_first_screen_says_install_commands_results_and_how_to_look() -> None:
    """In order, within the first 40 lines: install, the two commands, where the results
    are, how to look at them."""
    first = "\n".join(README.read_text(encoding="utf-8").splitlines()[:40])
    steps = ["**Install.**", "make demo", "make test", "**Where the results are:**"]
    steps += ["runs/demo.db", "**How to look at them:**", ".venv/bin/hyperhop show"]
    at = 0
    for step in steps:
        found = first.find(step, at)
        assert found >= 0, f"{step!r} is not in the first screen after {first[:at][-60:]!r}"
        at = found + len(step)


def test_every_relative_link_of_the_readme_exists() -> None:
    """The README is the front page: its links into docs/ must lead somewhere."""
    text = README.read_text(encoding="utf-8")
    targets = [t for t in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text) if "://" not in t]
    assert targets, "the README links into the docs"
    missing = [t for t in targets if not (README.parent / t).exists()]
    assert not missing, f"README links to files that do not exist: {missing}"
