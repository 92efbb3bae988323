"""Digests of flat assignments, and a per-history table of them: how samplers recognize a
configuration that was already tried (arrays of millions of entries included)."""

from __future__ import annotations

import hashlib
import math
import struct
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np

from hyperhop.trial import TrialState


def _feed(h: Any, v: Any) -> None:
    """Feed a canonical byte form of ``v`` (as it would read back from JSON storage)."""
    if isinstance(v, np.ndarray):
        a = v
        if a.dtype.kind == "f":
            a = a.astype(np.float64, copy=False)
        elif a.dtype.kind in "iu":
            a = a.astype(np.int64, copy=False)
        h.update(b"a" + a.dtype.str.encode() + repr(a.shape).encode())
        h.update(
            np.ascontiguousarray(a).tobytes() if a.dtype.hasobject else np.ascontiguousarray(a).data
        )
    elif isinstance(v, (bool, np.bool_)):
        h.update(b"T" if v else b"F")
    elif isinstance(v, (int, np.integer)):
        h.update(b"i" + str(int(v)).encode() + b";")
    elif isinstance(v, (float, np.floating)):
        h.update(b"f" + struct.pack("<d", float(v)))
    elif isinstance(v, str):
        b = v.encode("utf-8", "surrogatepass")
        h.update(b"s" + str(len(b)).encode() + b":" + b)
    elif v is None:
        h.update(b"n")
    elif isinstance(v, (list, tuple)):
        h.update(b"l" + str(len(v)).encode() + b":")
        for x in v:
            _feed(h, x)
    elif isinstance(v, Mapping):
        h.update(b"d" + str(len(v)).encode() + b":")
        for k in sorted(v, key=str):
            _feed(h, str(k))
            _feed(h, v[k])
    elif isinstance(v, (bytes, bytearray)):
        h.update(b"b" + str(len(v)).encode() + b":" + bytes(v))
    else:
        _feed(h, repr(v))


def digest(params: Mapping[str, Any], labels: Collection[str] | None = None) -> bytes:
    """A 16-byte digest of a flat assignment: equal assignments (also after a trip through
    JSON storage) have equal digests. Arrays are hashed from their bytes, so a
    1,000,000-entry array costs a few milliseconds.

    Example:
        >>> digest({"x": 1.0, "n": 3}) == digest({"n": 3, "x": 1.0})
        True
    """
    h = hashlib.blake2b(digest_size=16)
    for k in sorted(params):
        if labels is not None and k not in labels:
            continue
        _feed(h, k)
        _feed(h, params[k])
    return h.digest()


class TrialDigests:
    """Digests, first objective values and states of a history's trials, kept between
    suggestions: a trial is hashed once (again only if the history holds a different
    snapshot object at that position, e.g. after it finished). ``labels``: hash only
    these parameters."""

    def __init__(self, labels: Collection[str] | None = None) -> None:
        self.labels = labels
        self._objs: list[Any] = []
        self._ids = np.zeros(0, dtype=np.int64)
        self.digests: list[bytes] = []
        self.seen: set[bytes] = set()
        self.value = np.zeros(0)
        self.complete = np.zeros(0, dtype=bool)
        self.n = 0

    def update(self, trials: Sequence[Any]) -> bool:
        """Bring the rows in line with ``trials``; False when rows were replaced (not just
        appended or finished), i.e. the history is not a continuation of the last one."""
        trials = list(trials)
        n = len(trials)
        if n > len(self._ids):
            grow = max(n, 2 * len(self._ids), 64) - len(self._ids)
            self._ids = np.concatenate([self._ids, np.zeros(grow, dtype=np.int64)])
            self.value = np.concatenate([self.value, np.zeros(grow)])
            self.complete = np.concatenate([self.complete, np.zeros(grow, dtype=bool)])
            self._objs.extend([None] * grow)
            self.digests.extend([b""] * grow)
        ids = np.fromiter(map(id, trials), dtype=np.int64, count=n)
        continued = n >= self.n
        rebuild = not continued
        for i in np.flatnonzero(ids != self._ids[:n]).tolist():
            t = trials[i]
            old = self._objs[i]
            if old is None or old.assignment is not t.assignment:
                d = digest(t.assignment, self.labels)
                if i < self.n and d != self.digests[i]:
                    rebuild = True
                self.digests[i] = d
            self._objs[i] = t
            done = t.state is TrialState.COMPLETE and bool(t.values)
            self.complete[i] = done
            self.value[i] = t.values[0] if done else math.nan
            if not rebuild:
                self.seen.add(self.digests[i])
        self._ids[:n] = ids
        if n < self.n:
            self._ids[n : self.n] = 0
            self.complete[n : self.n] = False
            for i in range(n, self.n):
                self._objs[i] = None
        self.n = n
        if rebuild:
            self.seen = set(self.digests[:n])
        return not rebuild

    def trial(self, i: int) -> Any:
        """The trial snapshot at row ``i``."""
        return self._objs[i]

    def best(self, direction: str) -> int | None:
        """Position of the best completed trial (ties: the earliest), or None."""
        done = np.flatnonzero(self.complete[: self.n])
        if not len(done):
            return None
        v = self.value[done]
        return int(done[int(np.argmax(v) if direction == "max" else np.argmin(v))])
