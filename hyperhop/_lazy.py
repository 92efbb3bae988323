"""Import optional dependencies where they are needed, with an error that names the extra."""

from __future__ import annotations

import importlib
from types import ModuleType

from hyperhop.exceptions import MissingDependencyError


def require(module: str, extra: str, feature: str) -> ModuleType:
    """Import ``module`` or raise :class:`MissingDependencyError` saying how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise MissingDependencyError(
            f"{feature} needs the optional package {module!r}: pip install 'hyperhop[{extra}]'"
        ) from e
