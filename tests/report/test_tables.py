from __future__ import annotations

import hyperhop as hh
from hyperhop.report.tables import MAX_ROWS

EVIL = "<img src=x onerror=alert(1)>"


def test_study_and_trials_show_as_escaped_tables_with_choice_values() -> None:
    study = hh.minimize(
        lambda c: c["x"], {"x": hh.float(0, 1), "k": hh.choice(EVIL, "b")}, n_trials=6, seed=0,
        progress=False, name=EVIL,
    )  # fmt: skip
    page = study._repr_html_()
    assert EVIL not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert f"{study.best.value:.6g}" in page
    rows = study.trials._repr_html_()
    assert rows.count("<tr>") == 7  # header + 6 trials
    k = study.trials[0].config["k"]
    shown = "&lt;img src=x onerror=alert(1)&gt;" if k == EVIL else "b"
    assert f"<td>{shown}</td>" in rows
    assert "<td>0</td><td>1</td>" not in rows  # the choice shows its value, not its index


def test_a_long_trial_list_shows_its_ends() -> None:
    study = hh.minimize(
        lambda c: c["x"], {"x": hh.float(0, 1)}, n_trials=MAX_ROWS + 10, seed=0, progress=False
    )
    rows = study.trials._repr_html_()
    assert rows.count("<tr>") == MAX_ROWS + 2  # header, first, "…", last
    assert f"<td>{MAX_ROWS + 9}</td>" in rows and "first and last" in rows
