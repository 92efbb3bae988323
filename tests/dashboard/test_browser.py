"""The dashboard end to end in a real headless browser (Debian's Chromium through Selenium).

Each page is loaded and checked against the study's numbers; a screenshot of each is kept
in ``build/screenshots/`` (a test artifact). Without a browser the tests skip with the
reason, and fail under CI=true (``scripts/setup-system.sh`` installs Chromium).
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import hyperhop as hh
from tests.conftest import require_module
from tests.dashboard.conftest import HOSTILE

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("HYPERHOP_SCREENSHOTS", ROOT / "build" / "screenshots"))


def _browser_paths() -> tuple[str, str] | None:
    chrome = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (chrome, driver) if chrome and driver else None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_module("selenium", "dev")
    paths = _browser_paths()
    if paths is None:
        msg = "Chromium and chromedriver are not installed (bash scripts/setup-system.sh)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(msg + " (CI=true)")
        pytest.skip(msg)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = paths[0]
    # WebGL in software (SwiftShader): plotly draws parallel coordinates with it
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--window-size=1400,1000",
        "--disable-dev-shm-usage",
        "--use-angle=swiftshader",
        "--enable-unsafe-swiftshader",
    ):
        opts.add_argument(arg)
    driver = webdriver.Chrome(options=opts, service=Service(paths[1]))
    driver.set_page_load_timeout(30)
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(what: Callable[[], Any], timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = what()
            if last:
                return last
        except Exception:  # noqa: BLE001 - the page is still filling in
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s (last: {last!r})")


def _shot(browser: Any, name: str) -> None:
    """A screenshot of the whole page (the window stretched to its height)."""
    height = browser.execute_script("return document.body.scrollHeight;")
    browser.set_window_size(1400, min(max(int(height), 600), 6000))
    time.sleep(0.3)  # charts resize to the new window
    browser.save_screenshot(str(SHOTS / f"{name}.png"))
    browser.set_window_size(1400, 1000)


def _card(browser: Any, name: str) -> str:
    from selenium.webdriver.common.by import By

    return browser.find_element(By.CSS_SELECTOR, f'.card[data-name="{name}"] .card-value').text


def _study_id(server: Any, name: str) -> int:
    store = server.dashboard.storage
    return store.get_study(name).id


def test_studies_page_lists_the_studies_and_escapes_names(browser: Any, server: Any) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    browser.get(server.url)
    rows = _wait(lambda: browser.find_elements(By.CSS_SELECTOR, "#studies tbody tr"))
    texts = [r.text for r in rows]
    assert any(t.startswith("demo") for t in texts)
    assert any(HOSTILE in t for t in texts)  # shown as text
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert  # noqa: B018 - the property raises when no alert is up
    _shot(browser, "studies")


def test_study_page_charts_show_the_study(browser: Any, server: Any) -> None:
    study_id = _study_id(server, "demo")
    view = server.dashboard.view(study_id)
    scored = [t for t in view.trials.values() if t.values]
    browser.get(server.url + f"study/{study_id}")
    assert _wait(lambda: _card(browser, "trials")) == str(len(view.trials))
    n_points = _wait(
        lambda: browser.execute_script(
            "const d = document.getElementById('plot-history').data;"
            "return d && d.filter(t => t.mode === 'markers').reduce((a, t) => a + t.x.length, 0);"
        )
    )
    assert n_points == len(scored)
    best_line = browser.execute_script(
        "const d = document.getElementById('plot-history').data;"
        "return d.find(t => t.name === 'best so far').y;"
    )
    assert best_line[-1] == pytest.approx(
        min(t.values[0] for t in scored if t.state.name == "COMPLETE")
    )
    dims = browser.execute_script(
        "return document.getElementById('plot-parallel').data[0].dimensions.map(d => d.label);"
    )
    assert dims[-1] == "value" and set(view.labels) <= set(dims)
    bars = browser.execute_script(
        "return document.getElementById('plot-timeline').data.reduce((a, t) => a + t.x.length, 0);"
    )
    assert bars == sum(1 for t in view.trials.values() if t.datetime_start is not None)
    _shot(browser, "study")


def test_trials_table_sorts_pages_and_jumps(browser: Any, server: Any) -> None:
    from selenium.webdriver.common.by import By

    study_id = _study_id(server, "demo")
    view = server.dashboard.view(study_id)
    browser.get(server.url + f"study/{study_id}/trials")
    _wait(lambda: browser.find_elements(By.CSS_SELECTOR, "#trials tbody tr"))
    assert f"({len(view.trials)} trials)" in browser.find_element(By.ID, "pageinfo").text
    browser.find_element(By.CSS_SELECTOR, '#trials th[data-key="value"]').click()
    best = min(t.values[0] for t in view.trials.values() if t.values)
    _wait(
        lambda: (
            float(browser.find_element(By.CSS_SELECTOR, "#trials tbody tr td:nth-child(3)").text)
            == pytest.approx(best, rel=1e-5)
        )
    )
    _shot(browser, "trials")


def test_trial_page_shows_config_and_error(browser: Any, server: Any) -> None:
    from selenium.webdriver.common.by import By

    study_id = _study_id(server, "demo")
    view = server.dashboard.view(study_id)
    failed = next(t for t in view.trials.values() if t.state.name == "FAILED")
    browser.get(server.url + f"study/{study_id}/trial/{failed.number}")
    error = _wait(lambda: browser.find_element(By.ID, "trial-error").text)
    assert "diverged at x > 1.5" in error and "Traceback" in error
    params = browser.find_element(By.ID, "trial-params").text
    assert "x" in params and str(round(failed.params["x"], 3))[:4] in params
    assert _card(browser, "state") == "FAILED"
    _shot(browser, "trial")


def test_new_trials_appear_live_without_reloading(browser: Any, server: Any, db: str) -> None:
    study_id = _study_id(server, "demo")
    browser.get(server.url + f"study/{study_id}")
    before = int(_wait(lambda: _card(browser, "trials")))
    browser.execute_script("window.__marker = 42;")  # gone if the page reloads

    def worker() -> None:
        study = hh.load_study(db, "demo")
        for _ in range(3):
            t = study.ask()
            study.tell(t, 0.123)

    thread = threading.Thread(target=worker)
    start = time.monotonic()
    thread.start()
    thread.join()
    assert (
        int(_wait(lambda: _card(browser, "trials") == str(before + 3) and _card(browser, "trials")))
        == before + 3
    )
    seen_after = time.monotonic() - start
    assert browser.execute_script("return window.__marker;") == 42
    assert seen_after < 10  # polled every second; a bound, not a benchmark
