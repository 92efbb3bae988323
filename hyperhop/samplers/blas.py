"""BLAS on one thread while a sampler computes a suggestion.

A suggestion's matrices are small (a few hundred rows): OpenBLAS's threads cost more than
they save there, in CPU time above all (idle threads spin), and far more on a machine
whose cores are busy with objectives. OpenBLAS's limit is process-wide, so one thread at a
time owns it: the first to enter sets it and restores it when it leaves; a thread that
enters meanwhile, or a nested block, leaves it alone. (Each thread limiting on its own
can leave the limit at 1 for good: a second thread records 1 as the "original" count.)
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

_lock = threading.Lock()
_owner: threading.Thread | None = None
_controller: Any = None


@contextlib.contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Limit BLAS to one thread for the ``with`` block (reentrant, thread-safe).

    Example:
        >>> import numpy as np
        >>> with single_threaded_blas():
        ...     float((np.ones((2, 2)) @ np.ones(2))[0])
        2.0
    """
    global _owner, _controller
    limiter = None
    with _lock:
        if _owner is None:
            if _controller is None:
                import threadpoolctl

                _controller = threadpoolctl.ThreadpoolController()
            _owner = threading.current_thread()
            limiter = _controller.limit(limits=1, user_api="blas")
            limiter.__enter__()
    try:
        yield
    finally:
        if limiter is not None:
            with _lock:
                limiter.__exit__(None, None, None)
                _owner = None
