"""Scratch arrays kept from one suggestion to the next.

With a thousand trials, a suggestion's largest arrays (the non-good kernels' centres and
bandwidths, their standardized forms) hold a few hundred kilobytes each. Allocated and
freed afresh every suggestion, they make the C allocator grow and trim its heap each time,
and the page faults that follow cost about as much as the arithmetic (measured: 190,000
faults, 0.4 s of system time, in a study of 1,000 trials on 40 floats). Kept in a
:class:`Workspace`, the same memory serves every suggestion.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


class Workspace:
    """Named arrays, grown geometrically and reused: :meth:`array` returns a view that
    stays valid until the next request under the same name.

    The convention in tpe: a name with a key prefix (``"0g.mu"``: group 0, non-good set)
    holds a result that outlives the call that made it (the kernels, until the next fit
    of that set); a bare name (``"a"``, ``"flat"``) is scratch within one call.

    Example:
        >>> ws = Workspace()
        >>> a = ws.array("a", (2, 3))
        >>> b = ws.array("a", (3, 2))  # the same memory, reshaped
        >>> np.shares_memory(a, b), b.shape
        (True, (3, 2))
    """

    def __init__(self) -> None:
        self._buffers: dict[str, np.ndarray] = {}

    def array(self, name: str, shape: tuple[int, ...], dtype: Any = float) -> np.ndarray:
        size = math.prod(shape)
        buf = self._buffers.get(name)
        if buf is None or buf.size < size or buf.dtype != dtype:
            grown = 0 if buf is None or buf.dtype != dtype else 2 * buf.size
            buf = self._buffers[name] = np.empty(max(size, grown), dtype=dtype)
        return buf[:size].reshape(shape)


def scratch(
    ws: Workspace | None, name: str, shape: tuple[int, ...], dtype: Any = float
) -> np.ndarray:
    """An uninitialized array: from ``ws`` when given, else a new one."""
    if ws is None:
        return np.empty(shape, dtype=dtype)
    return ws.array(name, shape, dtype)
