"""A fork server for the process executor: worker processes in milliseconds, not seconds.

A fresh interpreter per worker costs about 0.3 s of CPU (Python, NumPy and hyperhop's
imports), so 64 workers took 10 s to start on two cores, and longer on a busy machine.
The zygote is one fresh interpreter (``python -c "...zygote import main; main()" FD``) that
imports the worker's code once and then forks a worker on each request. It never imports
the user's ``__main__`` nor the objective (that comes to each worker afterwards, as
before), starts no threads, and initializes no GPU, so a fork of it is as clean as a fresh
interpreter: only hyperhop's own modules are shared.

Protocol, over a ``SOCK_SEQPACKET`` pair (one message per packet): the driver sends a JSON
object of environment overrides with the worker's end of a new socket pair attached; the
zygote replies ``{"pid": N}``. When a worker ends, the zygote (its parent) reaps it and
sends ``{"exit": pid, "code": C}``, C as ``subprocess.Popen.returncode`` has it (minus the
signal number for a signal). Workers die with the zygote, and the zygote with the driver.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
import traceback
from typing import Any

_MAX = 65536
_MAIN = "from hyperhop.execution.zygote import main; main()"


def _packet(sock: socket.socket, fd: int | None, obj: dict[str, Any]) -> None:
    data = json.dumps(obj).encode()
    if fd is None:
        sock.send(data)
    else:
        socket.send_fds(sock, [data], [fd])


class Zygote:
    """The driver's handle on one fork server; ``spawn`` gives a worker's process and socket."""

    def __init__(self, env: dict[str, str]) -> None:
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        # -c rather than -m: the package imports this module, and runpy warns about that
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _MAIN, str(child.fileno())],
            pass_fds=(child.fileno(),),
            env=env,
            stdin=subprocess.DEVNULL,
        )
        child.close()
        self.sock = parent
        self.exits: dict[int, int] = {}

    def spawn(self, env: dict[str, str]) -> tuple[ForkedProcess, socket.socket]:
        mine, theirs = socket.socketpair()
        try:
            _packet(self.sock, theirs.fileno(), {"env": env})
        finally:
            theirs.close()
        while True:
            msg = self._read(timeout=None)
            if msg is None:
                mine.close()
                code = self.proc.wait()
                raise OSError(f"the process executor's fork server exited with code {code}")
            if "pid" in msg:
                return ForkedProcess(self, int(msg["pid"])), mine

    def _read(self, timeout: float | None) -> dict[str, Any] | None:
        """One message (exit notices are filed as they pass); None at EOF, {} on timeout."""
        if self.sock.fileno() < 0:
            return None
        ready, _, _ = select.select([self.sock], [], [], timeout)
        if not ready:
            return {}
        data = self.sock.recv(_MAX)
        if not data:
            return None
        msg: dict[str, Any] = json.loads(data)
        if "exit" in msg:
            self.exits[int(msg["exit"])] = int(msg["code"])
        return msg

    def drain(self) -> bool:
        """File every exit notice already sent; False once the zygote is gone."""
        while msg := self._read(0.0):
            pass
        return msg is not None

    def close(self) -> None:
        self.sock.close()  # the zygote sees EOF and exits; its workers die with it
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class ForkedProcess:
    """The subset of ``subprocess.Popen`` the process executor uses, for a zygote's child."""

    def __init__(self, zygote: Zygote, pid: int) -> None:
        self.zygote = zygote
        self.pid = pid

    @property
    def returncode(self) -> int | None:
        return self.zygote.exits.get(self.pid)

    def poll(self) -> int | None:
        if self.returncode is None and not self.zygote.drain():
            return -signal.SIGKILL  # the zygote died, and its workers with it
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while self.returncode is None:
            left = None if end is None else end - time.monotonic()
            if left is not None and left <= 0:
                raise subprocess.TimeoutExpired(f"pid {self.pid}", timeout or 0.0)
            if self.zygote._read(left) is None:
                return -signal.SIGKILL
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:  # never signal a reaped pid (it may be reused)
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


# --------------------------------------------------------------------- the zygote itself


def _child(fd: int, env: dict[str, str]) -> None:
    from hyperhop.execution import _worker

    os.environ.update(env)
    if "numpy.random" in sys.modules:  # the legacy global state would be the same in all
        sys.modules["numpy.random"].seed()
    code = 0
    try:
        _worker.run(fd)
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    except BaseException:  # noqa: BLE001 - the exit code tells the driver
        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


def _reap(sock: socket.socket) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        _packet(sock, None, {"exit": pid, "code": os.waitstatus_to_exitcode(status)})


def main() -> None:
    from hyperhop.execution import _worker  # the point: imported once, shared by every fork

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker.die_with_parent()
    sock = socket.socket(fileno=int(sys.argv[1]))
    fd = sock.fileno()
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    while True:
        ready, _, _ = select.select([fd, wake_r], [], [])
        if wake_r in ready:
            os.read(wake_r, 4096)
            _reap(sock)
        if fd in ready:
            data, fds, _, _ = socket.recv_fds(sock, _MAX, 1)
            if not data:
                return  # the driver is gone
            env = json.loads(data)["env"]
            pid = os.fork()
            if pid == 0:
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                for f in (sock.fileno(), wake_r, wake_w):
                    os.close(f)
                _child(fds[0], env)
            for f in fds:
                os.close(f)
            _packet(sock, None, {"pid": pid})
            _reap(sock)
