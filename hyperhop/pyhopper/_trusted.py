"""The one place of the PyHopper front end that unpickles: only with ``trusted=True``."""

from __future__ import annotations

import os
import pickle
from typing import Any


def is_pickle(data: bytes) -> bool:
    """Whether ``data`` starts like a pickle (protocol 2 or later)."""
    return data[:1] == b"\x80"


def load_trusted(data: bytes, where: str | os.PathLike[str], *, trusted: bool) -> Any:
    """Unpickle ``data`` read from ``where``, or refuse unless ``trusted``."""
    if not trusted:
        raise ValueError(
            f"{os.fspath(where)!r} is a pickle (PyHopper's format): loading it runs any code "
            "its writer chose. If you wrote it yourself, pass trusted=True."
        )
    return pickle.loads(data)  # noqa: S301 - the caller passed trusted=True
