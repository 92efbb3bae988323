"""Make the README's picture of the dashboard: docs/images/dashboard.png.

Runs a small study with pruning in a temporary SQLite file, serves it with the dashboard
and photographs the study page in headless Chromium (installed by scripts/setup-system.sh;
Selenium comes with the dev extras).

    .venv/bin/python scripts/dashboard_screenshot.py
"""

from __future__ import annotations

import math
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import hyperhop as hh
from hyperhop.dashboard import make_server

OUT = Path(__file__).resolve().parents[1] / "docs" / "images" / "dashboard.png"


def train(cfg: dict[str, Any]) -> Any:
    """Stands in for training: a learning curve whose level depends on the config."""
    lr, width = cfg["lr"], cfg["width"]
    level = 0.95 - 0.1 * abs(math.log10(lr) + 2.5) - (0.03 if cfg["opt"] == "sgd" else 0.0)
    level -= 0.02 * abs(math.log2(width) - 6)
    for epoch in range(cfg["epochs"]):
        yield level * (1 - math.exp(-(epoch + 1) / 3))


def main() -> None:
    space = {
        "lr": hh.float(1e-5, 1e-1, log=True),
        "width": hh.int(8, 512, power_of=2),
        "opt": hh.choice("adam", "sgd"),
    }
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/demo.db"
        study = hh.Study(
            space,
            direction="max",
            storage=url,
            name="mlp-digits",
            seed=0,
            pruner="sha",
            fidelity=hh.Fidelity("epochs", min=1, max=27),
        )
        study.optimize(train, n_trials=80, n_jobs=2, progress=False)
        srv = make_server(url, port=0)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        opts = webdriver.ChromeOptions()
        opts.binary_location = "/usr/bin/chromium"
        for arg in (
            "--headless=new",
            "--no-sandbox",
            "--window-size=1300,1250",
            "--use-angle=swiftshader",
            "--enable-unsafe-swiftshader",
        ):
            opts.add_argument(arg)
        driver = webdriver.Chrome(options=opts, service=Service("/usr/bin/chromedriver"))
        try:
            driver.get(srv.url + f"study/{study.storage.get_study('mlp-digits').id}")
            time.sleep(4)  # the page fetches its data and draws the charts
            OUT.parent.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(OUT))
        finally:
            driver.quit()
            srv.shutdown()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
