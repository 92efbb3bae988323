"""`make demo` from the user's side: it ends with a command that works from the user's shell,
and a second run says that it resumed and how to add trials."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
# the demo's own main(), with a fast objective in place of the cross-validation
RUN = (
    "import sys; sys.path.insert(0, sys.argv.pop(1)); import demo; "
    "demo.objective = lambda c: 0.9 if c['scale'] else 0.8; sys.exit(demo.main(sys.argv[1:]))"
)


def demo(cwd: Path, *args: str, path: str | None = None) -> str:
    env = dict(os.environ)
    if path is not None:
        env["PATH"] = path
    proc = subprocess.run(
        [sys.executable, "-c", RUN, str(EXAMPLES), "--storage", "sqlite:///runs/demo.db", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def command_after(text: str, marker: str) -> str:
    lines = text.splitlines()
    return lines[lines.index(next(line for line in lines if marker in line)) + 1].strip()


def test_the_printed_command_shows_the_results(tmp_path: Path) -> None:
    out = demo(tmp_path, "--trials", "3", path="/usr/bin:/bin")  # no hyperhop on the PATH
    command = command_after(out, "To look at them:")
    argv = shlex.split(command)
    assert argv[0] != "hyperhop" and Path(argv[0]).name in ("hyperhop", "python", "python3")
    assert "Resumed" not in out and "activate" in out
    shown = subprocess.run(
        argv, cwd=tmp_path, capture_output=True, text=True, timeout=60, env=dict(os.environ)
    )
    assert shown.returncode == 0, shown.stderr
    assert "Best 3 trial(s)" in shown.stdout and "breast-cancer" in shown.stdout


def test_plain_hyperhop_when_it_is_this_environments(tmp_path: Path) -> None:
    bindir = os.path.dirname(sys.executable)
    if not os.path.exists(os.path.join(bindir, "hyperhop")):
        return  # hyperhop is not installed as a command here: covered by the test above
    out = demo(tmp_path, "--trials", "2", path=f"{bindir}:/usr/bin:/bin")
    assert command_after(out, "To look at them:").startswith("hyperhop show --storage")


def test_a_second_run_says_it_resumed_and_how_to_add_trials(tmp_path: Path) -> None:
    demo(tmp_path, "--trials", "3")
    again = demo(tmp_path, "--trials", "3")
    assert "Resumed study 'breast-cancer': 3 trials already in" in again
    assert 'make demo ARGS="--more 20"' in again and "Nothing new ran" in again
    more = demo(tmp_path, "--trials", "3", "--more", "2")
    assert "5 trials (2 new)" in more and "Nothing new ran" not in more
