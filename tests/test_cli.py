from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import hyperhop as hh
from hyperhop.cli import main


@pytest.fixture
def store(tmp_path: Path) -> str:
    url = f"journal:///{tmp_path}/runs.jsonl"
    study = hh.Study(
        {"x": hh.float(0, 1), "k": hh.choice("a", "b")}, storage=url, name="exp1", seed=0
    )
    study.optimize(lambda c: c["x"], n_trials=8, progress=False)
    hh.Study({"y": hh.int(0, 3)}, direction="max", storage=url, name="exp2")
    return url


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def test_studies_lists_every_study(store: str) -> None:
    code, text = run("studies", "--storage", store)
    assert code == 0
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["study", "directions", "trials"]
    assert any(line.split()[:4] == ["exp1", "min", "8", "8"] for line in lines)
    assert any(line.split()[:3] == ["exp2", "max", "0"] for line in lines)


def test_show_lists_best_trials_in_order(store: str) -> None:
    code, text = run("show", "--storage", store, "--study", "exp1", "--top", "3")
    assert code == 0 and "8 complete" in text
    rows = [line.split() for line in text.splitlines() if line[:1].isdigit()]
    values = [float(r[1]) for r in rows]
    assert len(rows) == 3 and values == sorted(values)
    best = hh.load_study(store, "exp1").best
    assert int(rows[0][0]) == best.number


def test_export_csv_and_json(store: str, tmp_path: Path) -> None:
    code, text = run("export", "--storage", store, "--study", "exp1", "--format", "csv")
    assert (
        code == 0
        and text.splitlines()[0].startswith("number,state,value")
        and len(text.splitlines()) == 9
    )
    out = tmp_path / "e.json"
    code, _ = run(
        "export", "--storage", store, "--study", "exp1", "--format", "json", "-o", str(out)
    )
    data = json.loads(out.read_text())
    assert code == 0 and len(data) == 8 and {"x", "k"} == set(data[0]["params"])


def test_delete_needs_yes(store: str) -> None:
    assert run("delete", "--storage", store, "--study", "exp2")[0] == 2
    assert run("delete", "--storage", store, "--study", "exp2", "--yes")[0] == 0
    _, text = run("studies", "--storage", store)
    assert "exp2" not in text and "exp1" in text


def test_errors_are_one_line_and_exit_1(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("show", "--storage", store, "--study", "missing")[0] == 1
    assert "missing" in capsys.readouterr().err
    assert run("studies", "--storage", "nonsense")[0] == 1


def test_console_script_runs_with_core_dependencies(store: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "hyperhop.cli", "show", "--storage", store, "--study", "exp1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Best" in proc.stdout


def test_show_and_exports_give_choices_as_values(store: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "hyperhop.cli", "show", "--storage", store, "--study", "exp1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = proc.stdout.splitlines()
    header = next(line.split() for line in lines if line.startswith("#"))
    rows = [line.split() for line in lines if line[:1].isdigit()]
    assert rows and {r[header.index("k")] for r in rows} <= {"a", "b"}
    _, text = run("export", "--storage", store, "--study", "exp1", "--format", "csv")
    csv_rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["params.k"] for r in csv_rows} <= {"a", "b"} and len(csv_rows) == 8
    _, text = run("export", "--storage", store, "--study", "exp1", "--format", "json")
    assert {t["params"]["k"] for t in json.loads(text)} <= {"a", "b"}


def cli(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hyperhop.cli", *argv], capture_output=True, text=True, timeout=60
    )


def test_version() -> None:
    proc = cli("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"hyperhop {hh.__version__}"


def test_studies_counts_pruned_trials(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/p.db"
    study = hh.Study({"x": hh.float(0, 1)}, storage=url, name="pruned")
    for i in range(5):
        t = study.ask()
        if i < 2:
            study.tell(t, hh.TrialState.PRUNED)
        else:
            study.tell(t, 1.0)
    proc = cli("studies", "--storage", url)
    header, _, row = proc.stdout.splitlines()[:3]
    assert dict(zip(header.split(), row.split(), strict=True))["pruned"] == "2"
    assert dict(zip(header.split(), row.split(), strict=True))["complete"] == "3"


def _broken(cfg: dict) -> float:
    return cfg["lrr"]  # a typo: every trial fails


def test_show_explains_a_study_whose_trials_all_failed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/f.db"
    study = hh.Study({"lr": hh.float(0, 1)}, storage=url, name="broken")
    with pytest.raises(Exception):  # noqa: B017 (how a broken study stops is not tested here)
        study.optimize(_broken, n_trials=3, max_consecutive_failures=3, progress=False)
    n = len(study.trials)
    proc = cli("show", "--storage", url, "--study", "broken")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert "No completed trial yet." in text
    assert f"{n} x exception (KeyError): 'lrr'" in text
    assert f"Traceback of the last failed trial (#{n - 1}):" in text
    assert 'return cfg["lrr"]' in text and text.rstrip().endswith("KeyError: 'lrr'")


def test_report_writes_one_html_file_without_touching_the_study(store: str, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    before = hh.load_study(store, "exp1").trials
    out = tmp_path / "r.html"
    code, text = run("report", "--storage", store, "--study", "exp1", "-o", str(out))
    assert code == 0 and str(out) in text
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Study exp1" in page
    assert "data:image/png;base64," in page
    assert len(hh.load_study(store, "exp1").trials) == len(before)
    code, _ = run("report", "--storage", store, "--study", "nope", "-o", str(out))
    assert code == 1
