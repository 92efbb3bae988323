"""Run PyHopper's own test files on ``hyperhop.pyhopper`` (see ../PYHOPPER_UPSTREAM.md).

Put a ``conftest.py`` holding these two lines beside PyHopper's test files::

    from tests.compat.pyhopper.upstream_shim import install
    install()
"""

from __future__ import annotations

import sys

import numpy as np


def install() -> None:
    """Redirect ``import pyhopper`` (and its sub-modules) to ``hyperhop.pyhopper``."""
    import hyperhop.pyhopper as front

    if not hasattr(np, "NaN"):
        np.NaN = np.nan  # type: ignore[attr-defined]  # PyHopper's tests use NumPy 1's name
    sys.modules["pyhopper"] = front
    for sub in ("utils", "pruners", "callbacks"):
        sys.modules[f"pyhopper.{sub}"] = getattr(front, sub)
