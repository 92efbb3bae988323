"""The progress bar from the user's side: in a real terminal (a pty) of 60 columns it never
wraps; in a notebook it redraws without escape codes; in a log it writes plain lines."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time

from hyperhop.study.progress import ProgressBar

SCRIPT = """
import time, hyperhop as hh
def objective(cfg):
    time.sleep(0.03)
    return cfg["x"] ** 2
hh.minimize(objective, {"x": hh.float(-1, 1)}, n_trials=40, seed=0, max_consecutive_failures=None)
"""


def run_in_terminal(columns: int) -> bytes:
    """What the study writes to a terminal ``columns`` wide (its standard error is the pty)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT], stdin=slave, stdout=slave, stderr=slave, env=env
    )
    os.close(slave)
    out = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            out += chunk
        elif proc.poll() is not None:
            break
    proc.wait(timeout=30)
    os.close(master)
    assert proc.returncode == 0, out.decode(errors="replace")
    return out


def screen_lines(out: bytes, columns: int) -> list[str]:
    """The lines a terminal ``columns`` wide shows for ``out`` (carriage returns, newlines,
    erase-to-end-of-line, and wrapping at the right margin)."""
    text = out.decode().replace("\r\n", "\n")
    lines, cur, col = [], [" "] * columns, 0
    i = 0
    while i < len(text):
        c = text[i]
        if text.startswith("\x1b[K", i):
            cur[col:] = [" "] * (columns - col)
            i += 3
            continue
        if c == "\r":
            col = 0
        elif c == "\n":
            lines.append("".join(cur).rstrip())
            cur, col = [" "] * columns, 0
        else:
            if col == columns:  # the terminal wraps onto a new line
                lines.append("".join(cur).rstrip())
                cur, col = [" "] * columns, 0
            cur[col] = c
            col += 1
        i += 1
    if any(ch != " " for ch in cur):
        lines.append("".join(cur).rstrip())
    return lines


def test_a_60_column_terminal_shows_one_line_that_never_wraps() -> None:
    out = run_in_terminal(60)
    assert out.count(b"\r") >= 3  # redrawn in place several times
    drawn = [s for s in out.decode().replace("\x1b[K", "").split("\r") if s.strip()]
    assert drawn and all(len(s.rstrip("\n")) < 60 for s in drawn)
    bars = [line for line in screen_lines(out, 60) if "40/40" in line or "best" in line]
    assert len(bars) == 1 and "40/40" in bars[0]


def test_a_wide_terminal_gets_the_full_bar() -> None:
    out = run_in_terminal(150)
    last = screen_lines(out, 150)[-1]
    assert "[########################] 100%" in last and "elapsed" in last


def test_the_line_shrinks_to_the_width() -> None:
    bar = ProgressBar(True, total=1000, runtime=3600.0, stream=io.StringIO())
    full = bar.line(500, 0.123456, failed=3)
    assert "[" in full and "elapsed" in full and "3 failed" in full
    for width in (100, 60, 40, 25, 12):
        assert len(bar.line(500, 0.123456, failed=3, width=width)) <= width
    assert "500/1000" in bar.line(500, 0.123456, failed=3, width=40)


def test_a_notebook_gets_a_line_redrawn_without_escape_codes() -> None:
    out_stream = type("OutStream", (io.StringIO,), {"__module__": "ipykernel.iostream"})()
    bar = ProgressBar(True, total=10, runtime=None, stream=out_stream)
    assert bar.mode == "notebook"
    bar.update(3, 1.5, failed=2, force=True)
    bar.update(4, 1.25, force=True)
    bar.close()
    text = out_stream.getvalue()
    first, second = text.split("\r")[1:]
    assert "\x1b" not in text and "4/10" in second and second.endswith("\n")
    assert len(second.rstrip("\n")) >= len(first)  # padded over the longer line before


def test_a_log_gets_plain_periodic_lines_and_short_runs_stay_quiet() -> None:
    log = io.StringIO()
    bar = ProgressBar(True, total=10, runtime=None, stream=log, every=0.0)
    for done in range(1, 4):
        bar.update(done, float(done))
    bar.update(10, 0.5, force=True)
    bar.close()
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue() and len(lines) == 4
    assert lines[0].startswith("[") and "1/10" in lines[0] and "10/10" in lines[-1]
    quiet = io.StringIO()
    short = ProgressBar(True, total=3, runtime=None, stream=quiet)  # every 30 s
    for done in range(3):
        short.update(done, None)
    short.close()
    assert quiet.getvalue() == ""
