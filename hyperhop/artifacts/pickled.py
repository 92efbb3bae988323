"""The one place that writes and reads pickles: an artifact saved with ``pickle=True`` and
loaded with ``trusted=True``, both asked for by the user by name (a pickle runs code when it
is loaded: only whoever trusts the writer may ask). hyperhop never loads one on its own."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any


def dump(obj: Any, path: Path) -> None:
    with open(path, "wb") as f:
        pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)


def load_trusted(path: Path) -> Any:
    """Unpickle ``path``; callers check ``trusted=True`` first."""
    with open(path, "rb") as f:
        return pickle.load(f)  # noqa: S301 - only with trusted=True, asked by the caller
