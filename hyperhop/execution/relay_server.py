"""Live reports and pruning decisions for trials that run on remote workers (Ray, Dask,
MPI): a small TCP server in the driver, and the client the workers use.

The protocol is JSON lines, nothing else (no pickle crosses this socket). The server
greets each connection with a random nonce; the client answers with the HMAC-SHA256 of
that nonce under the executor's secret token (which travels to the workers with the
task, never over this socket), and only then may it send::

    {"op": "report", "trial": 12, "step": 3, "value": 0.25}   (no answer)
    {"op": "prune", "trial": 12}                              -> {"prune": false}
    {"op": "sync", "trial": 12}                               -> {"prune": false}

One server thread answers the requests of a connection in order, so once an answer has
come back every report sent before it is in storage: a worker asks (``sync``) before it
returns the result, and the trial never finishes before its last values are recorded.

The server's thread answers through the study's relay, which may be called from any
thread (the thread executor calls it from its workers). A worker that cannot reach the
server (a firewall, a driver on another network) buffers its values and never prunes,
as before: the values are recorded when the trial ends, and a warning says so once.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import json
import logging
import math
import secrets
import select
import selectors
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hyperhop.execution.base import Relay

log = logging.getLogger("hyperhop.execution")

_MAX_LINE = 64 * 1024
"""A longer line is not a message of this protocol: the connection is dropped."""


@dataclass(frozen=True)
class Endpoint:
    """Where a remote trial reaches the driver's relay: addresses to try in order, the
    port, and the secret token (hex) that proves the worker got it with its task."""

    hosts: tuple[str, ...]
    port: int
    token: str = field(repr=False)


def _digest(token: str, nonce: str) -> str:
    return hmac.new(bytes.fromhex(token), nonce.encode(), hashlib.sha256).hexdigest()


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _parse(line: bytes) -> dict[str, Any] | None:
    """A well-formed request, or None (the connection is then dropped)."""
    try:
        msg = json.loads(line)
    except ValueError:
        return None
    if not isinstance(msg, dict) or not _is_int(msg.get("trial")):
        return None
    op = msg.get("op")
    if op in ("prune", "sync"):
        return msg
    if op == "report":
        value = msg.get("value")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        if _is_int(msg.get("step")) and not math.isnan(value):
            return msg
    return None


_AUTH_WITHIN = 3.0
"""Seconds a new connection has to authenticate (a worker answers the greeting at once)."""

MAX_PENDING = 64
"""Connections that have not authenticated yet, at most: past it the server stops
accepting (the kernel's backlog holds the rest) until one authenticates or expires, so a
flood of connections cannot take the driver's file descriptors."""

_PAUSE_ON_EMFILE = 0.5
"""Seconds without accepting after the process ran out of descriptors (no busy loop)."""


class _Conn:
    def __init__(self, sock: socket.socket, nonce: str) -> None:
        self.sock = sock
        self.nonce = nonce
        self.authed = False
        self.buf = b""
        self.since = time.monotonic()


class RelayServer:
    """Serves remote trials' reports and pruning questions through ``relay``.

    ``bind`` is the address to listen on (``"127.0.0.1"`` for a cluster on this machine),
    ``advertise`` the addresses workers try (default: ``bind``). ``accepts(trial_id)``
    says whether a trial is one this executor runs now; requests for any other trial are
    ignored (a pruning question answers False).
    """

    def __init__(
        self,
        relay: Relay,
        bind: str = "127.0.0.1",
        advertise: tuple[str, ...] | None = None,
        accepts: Callable[[int], bool] | None = None,
    ) -> None:
        self.relay = relay
        self.accepts = accepts or (lambda _: True)
        self._token = secrets.token_hex(32)
        self._listener = socket.create_server((bind, 0))
        self._listener.setblocking(False)
        port = self._listener.getsockname()[1]
        self.endpoint = Endpoint(advertise or (bind,), port, self._token)
        self._sel = selectors.DefaultSelector()
        self._sel.register(self._listener, selectors.EVENT_READ, None)
        self._wake_r, self._wake_w = socket.socketpair()
        self._sel.register(self._wake_r, selectors.EVENT_READ, None)
        self._closed = threading.Event()
        self._pending = 0
        self._listening = True
        self._resume_at = 0.0
        self._quiet_until = 0.0
        self._thread = threading.Thread(target=self._serve, name="hyperhop-relay", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------ the server thread
    def _serve(self) -> None:
        try:
            while not self._closed.is_set():
                for key, _ in self._sel.select(timeout=self._timeout()):
                    if key.fileobj is self._listener:
                        self._accept()
                    elif key.fileobj is self._wake_r:
                        continue
                    else:
                        try:
                            self._read(key.data)
                        except Exception:  # one broken connection must not stop the others
                            log.exception("relay: error while serving a connection")
                            self._drop(key.data)
                self._expire()
                self._listen(self._pending < MAX_PENDING and time.monotonic() >= self._resume_at)
        finally:
            for key in list(self._sel.get_map().values()):
                if isinstance(key.data, _Conn):
                    key.data.sock.close()
            self._sel.close()

    def _timeout(self) -> float:
        """How long the next select may wait: until the next expiry or resumption."""
        wait = 1.0
        if not self._listening:
            wait = min(wait, max(self._resume_at - time.monotonic(), 0.0) + 0.01)
        if self._pending:
            wait = min(wait, _AUTH_WITHIN / 4)
        return wait

    def _listen(self, on: bool) -> None:
        """Accept new connections or not (the kernel's backlog holds them meanwhile)."""
        if on == self._listening:
            return
        if on:
            self._sel.register(self._listener, selectors.EVENT_READ, None)
        else:
            self._sel.unregister(self._listener)
        self._listening = on

    def _expire(self) -> None:
        """Drop connections that did not authenticate in time."""
        now = time.monotonic()
        for key in list(self._sel.get_map().values()):
            conn = key.data
            if isinstance(conn, _Conn) and not conn.authed and now - conn.since > _AUTH_WITHIN:
                self._drop(conn, "no authentication in time")

    def _accept(self) -> None:
        try:
            sock, _ = self._listener.accept()
        except BlockingIOError:
            return
        except OSError as e:
            if e.errno in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM):
                # out of descriptors: the listener stays readable, so pause rather than spin
                log.warning("relay: cannot accept a connection (%s); pausing", e)
                self._resume_at = time.monotonic() + _PAUSE_ON_EMFILE
                self._listen(False)
            return
        sock.settimeout(5.0)  # a reply to a client that stops reading drops it, not us
        conn = _Conn(sock, secrets.token_hex(16))
        try:
            sock.sendall(json.dumps({"nonce": conn.nonce}).encode() + b"\n")
        except OSError:
            sock.close()
            return
        self._sel.register(sock, selectors.EVENT_READ, conn)
        self._pending += 1
        if self._pending >= MAX_PENDING:
            self._listen(False)

    def _drop(self, conn: _Conn, why: str | None = None) -> None:
        if why:
            now = time.monotonic()
            if now >= self._quiet_until:  # one warning a minute: a flood must not flood the log
                self._quiet_until = now + 60.0
                log.warning("relay: dropped a connection (%s)", why)
        try:
            self._sel.unregister(conn.sock)
        except (KeyError, ValueError):
            return  # dropped already
        if not conn.authed:
            self._pending -= 1
        conn.sock.close()

    def _read(self, conn: _Conn) -> None:
        try:
            data = conn.sock.recv(65536)
        except OSError:
            data = b""
        if not data:
            self._drop(conn)
            return
        conn.buf += data
        while b"\n" in conn.buf:
            line, conn.buf = conn.buf.split(b"\n", 1)
            if not self._handle(conn, line):
                return
        if len(conn.buf) > _MAX_LINE:
            self._drop(conn, "a message longer than the protocol allows")

    def _handle(self, conn: _Conn, line: bytes) -> bool:
        """Serve one line; False once the connection is dropped."""
        if not conn.authed:
            try:
                auth = json.loads(line).get("auth")
            except (ValueError, AttributeError):
                auth = None
            expected = _digest(self._token, conn.nonce)
            if not isinstance(auth, str) or not hmac.compare_digest(auth, expected):
                self._drop(conn, "failed authentication")
                return False
            conn.authed = True
            self._pending -= 1
            return True
        msg = _parse(line)
        if msg is None:
            self._drop(conn, "a malformed message")
            return False
        trial_id: int = msg["trial"]
        known = self.accepts(trial_id)
        if msg["op"] == "report":
            if known:
                self._call(self.relay.report, trial_id, msg["step"], float(msg["value"]))
            return True
        prune = bool(
            msg["op"] == "prune" and known and self._call(self.relay.should_prune, trial_id)
        )
        try:
            conn.sock.sendall(json.dumps({"prune": prune}).encode() + b"\n")
        except OSError:
            self._drop(conn)
            return False
        return True

    @staticmethod
    def _call(fn: Callable[..., Any], *args: Any) -> Any:
        """The relay's answer; an error there (a trial that ended meanwhile) is logged."""
        try:
            return fn(*args)
        except Exception as e:  # noqa: BLE001 - one bad request must not stop the server
            log.debug("relay: %s%r failed: %s: %s", fn.__name__, args, type(e).__name__, e)
            return None

    def close(self) -> None:
        """Stop serving; open connections are closed (their trials fall back to buffering)."""
        if self._closed.is_set():
            return
        self._closed.set()
        try:
            self._wake_w.send(b"x")
        except OSError:
            pass
        self._thread.join(5.0)
        self._listener.close()
        self._wake_r.close()
        self._wake_w.close()


# ---------------------------------------------------------------- the worker's side
_CLIENTS: dict[Endpoint, _Client] = {}
_CLIENTS_LOCK = threading.Lock()
_WARNED: set[Endpoint] = set()


class _Client:
    """One authenticated connection of this worker process to a driver's relay, shared by
    its threads (one request at a time)."""

    def __init__(self, endpoint: Endpoint, connect_timeout: float = 3.0) -> None:
        self.lock = threading.Lock()
        self.sock: socket.socket | None = None
        self.file: Any = None
        errors = []
        for host in endpoint.hosts:
            try:
                sock = socket.create_connection((host, endpoint.port), timeout=connect_timeout)
            except OSError as e:
                errors.append(f"{host}: {e}")
                continue
            try:
                sock.settimeout(60.0)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                file = sock.makefile("rb")
                hello = json.loads(file.readline(_MAX_LINE))
                auth = _digest(endpoint.token, str(hello["nonce"]))
                sock.sendall(json.dumps({"auth": auth}).encode() + b"\n")
            except (OSError, ValueError, KeyError, TypeError) as e:
                sock.close()
                errors.append(f"{host}: {e}")
                continue
            self.sock, self.file = sock, file
            return
        raise OSError("; ".join(errors) or "no address to try")

    def send(self, msg: dict[str, Any], reply: bool) -> Any:
        assert self.sock is not None
        with self.lock:
            self.sock.sendall(json.dumps(msg).encode() + b"\n")
            if not reply:
                return None
            line = self.file.readline(_MAX_LINE)
            if not line:
                raise OSError("the driver closed the relay connection")
            return json.loads(line)

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()


def _client(endpoint: Endpoint) -> _Client | None:
    """This process's connection to ``endpoint`` (made on first use), or None when the
    driver cannot be reached (warned once)."""
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(endpoint)
        if client is not None:
            return client
        _close_dead()
        try:
            client = _CLIENTS[endpoint] = _Client(endpoint)
        except OSError as e:
            if endpoint not in _WARNED:
                _WARNED.add(endpoint)
                log.warning(
                    "cannot reach the study's relay at %s port %d (%s): intermediate values are "
                    "recorded when the trial ends and trials are not pruned",
                    "/".join(endpoint.hosts),
                    endpoint.port,
                    e,
                )
            return None
        return client


def _close_dead() -> None:
    """Close the connections of relays that have gone (studies that ended): the server
    never speaks first, so an idle connection that reads as ready has been closed."""
    for endpoint, client in list(_CLIENTS.items()):
        if client.sock is None or not client.lock.acquire(blocking=False):
            continue
        try:
            ready, _, _ = select.select([client.sock], [], [], 0)
            gone = bool(ready) and client.sock.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            gone = True
        finally:
            client.lock.release()
        if gone:
            del _CLIENTS[endpoint]
            client.close()


def _forget(endpoint: Endpoint, client: _Client, e: BaseException) -> None:
    with _CLIENTS_LOCK:
        if _CLIENTS.get(endpoint) is client:
            del _CLIENTS[endpoint]
            client.close()
    log.warning(
        "lost the study's relay (%s: %s); buffering intermediate values", type(e).__name__, e
    )


class RemoteRelay:
    """The relay of one remote trial: live through the driver's :class:`RelayServer` when
    it can be reached, else buffered in :attr:`values` (sent back with the result) and
    never pruning."""

    def __init__(self, endpoint: Endpoint | None) -> None:
        self.endpoint = endpoint
        self.values: dict[int, float] = {}
        """What could not be relayed live."""
        self._client = _client(endpoint) if endpoint is not None else None
        self._unconfirmed: int | None = None
        """A trial with reports the driver has not confirmed yet."""

    def _send(self, msg: dict[str, Any], reply: bool) -> tuple[bool, Any]:
        """(whether the driver got it, its answer)."""
        client = self._client
        if client is None or self.endpoint is None:
            return False, None
        try:
            return True, client.send(msg, reply)
        except (OSError, ValueError) as e:
            self._client = None
            _forget(self.endpoint, client, e)
            return False, None

    def report(self, trial_id: int, step: int, value: float) -> None:
        msg = {"op": "report", "trial": trial_id, "step": step, "value": value}
        if self._send(msg, reply=False)[0]:
            self._unconfirmed = trial_id
        else:
            self.values[step] = value

    def should_prune(self, trial_id: int) -> bool:
        sent, answer = self._send({"op": "prune", "trial": trial_id}, reply=True)
        if sent:
            self._unconfirmed = None
        return bool(isinstance(answer, dict) and answer.get("prune") is True)

    def flush(self) -> None:
        """Wait until the driver has recorded every report sent (before the result goes)."""
        if self._unconfirmed is not None:
            self._send({"op": "sync", "trial": self._unconfirmed}, reply=True)
            self._unconfirmed = None
