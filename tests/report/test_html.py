from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

import hyperhop as hh
from hyperhop.report import report_html, write_report
from tests.conftest import require_module

EVIL = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def _matplotlib() -> None:
    require_module("matplotlib", "plot")


def _study(tmp_path: Path) -> hh.Study:
    def objective(c: dict) -> float:
        if c["x"] > 0.9:
            raise ValueError(EVIL)
        return c["x"] + (c[EVIL] == EVIL)

    return hh.minimize(
        objective,
        {"x": hh.float(0, 1), EVIL: hh.choice(EVIL, "plain")},
        n_trials=25,
        seed=0,
        progress=False,
        name=EVIL,
        storage=f"sqlite:///{tmp_path}/r.db",
        catch=(ValueError,),
    )


def test_report_is_self_contained_escaped_and_holds_the_numbers(tmp_path: Path) -> None:
    study = _study(tmp_path)
    path = tmp_path / "report.html"
    write_report(study, path)
    page = path.read_text(encoding="utf-8")
    assert EVIL not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r"(src|href)=['\"]?(https?:)?//", page)  # nothing from a network
    images = re.findall(r"src='data:image/png;base64,([A-Za-z0-9+/=]+)'", page)
    assert len(images) >= 6
    assert all(base64.b64decode(i)[:8] == b"\x89PNG\r\n\x1a\n" for i in images)
    best = study.best
    assert f"<td>{best.value:.6g}</td>" in page
    assert f"<td>{best.number}</td>" in page
    assert "fanova" in page and "ped_anova" in page
    assert "<h2>Failed trials</h2>" in page  # with their errors, escaped
    assert "exception (ValueError): &lt;script&gt;" in page


def test_report_of_a_multi_objective_study_shows_the_front_and_the_hypervolume() -> None:
    s = hh.Study({"x": hh.float(0, 1)}, directions=["min", "min"], seed=0)
    for a, b in [(1, 3), (2, 2), (3, 3)]:
        s.tell(s.ask(), (a, b))
    page = report_html(s, reference_point=[4, 4])
    assert "<h2>Pareto front</h2>" in page
    assert page.count("<tr><td>") >= 2
