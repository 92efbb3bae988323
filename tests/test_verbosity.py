"""Warnings reach the terminal without logging set-up; an application's set-up wins."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

import hyperhop as hh

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import logging, sys
import hyperhop as hh
{setup}
def objective(cfg):
    if cfg["x"] > 0.5:
        raise ValueError("diverged at x > 0.5")
    return cfg["x"]
study = hh.Study({{"x": hh.float(0, 1)}}, seed=0)
for x in (0.2, 0.9, 0.3):
    study.enqueue({{"x": x}})
study.optimize(objective, n_trials=3, progress=False)
"""


def run(setup: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", SCRIPT.format(setup=setup)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=True,
    )


def test_a_failed_trial_is_shown_on_stderr_without_logging_setup() -> None:
    out = run("")
    assert "[hyperhop] WARNING" in out.stderr and "diverged at x > 0.5" in out.stderr
    assert "finished with value" not in out.stderr  # INFO stays quiet by default
    assert out.stdout == ""


def test_set_verbosity_info_shows_one_line_per_finished_trial() -> None:
    out = run('hh.set_verbosity("info")')
    assert "trial 0 finished with value 0.2\n" in out.stderr
    assert "trial 2 finished with value 0.3\n" in out.stderr


def test_an_application_that_configured_logging_keeps_control() -> None:
    out = run('logging.basicConfig(stream=sys.stdout, format="APP %(name)s %(message)s")')
    assert "APP hyperhop.study" in out.stdout and "diverged" in out.stdout
    assert "[hyperhop]" not in out.stderr and "diverged" not in out.stderr  # no duplicate


def test_set_verbosity_accepts_names_and_levels() -> None:
    logger = logging.getLogger("hyperhop")
    before = logger.level
    try:
        hh.set_verbosity("ERROR")
        assert logger.level == logging.ERROR
        hh.set_verbosity(logging.DEBUG)
        assert logger.level == logging.DEBUG
        with pytest.raises(ValueError, match="'info'"):
            hh.set_verbosity("loud")
    finally:
        logger.setLevel(before)
