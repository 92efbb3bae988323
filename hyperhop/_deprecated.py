"""Old names kept working, with a DeprecationWarning that names the one to use."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any


def module_getattr(
    module: str,
    renamed: dict[str, tuple[str, Callable[[], Any]]],
    elsewhere: dict[str, str] | None = None,
) -> Any:
    """A module ``__getattr__`` serving ``renamed`` (old name -> (new spelling, getter));
    a name in ``elsewhere`` (another library's) is an AttributeError naming hyperhop's."""

    def __getattr__(name: str) -> Any:
        if name in renamed:
            new, get = renamed[name]
            warnings.warn(
                f"{module}.{name} is deprecated; use {new} (one name for each thing).",
                DeprecationWarning,
                stacklevel=2,
            )
            return get()
        if elsewhere and name in elsewhere:
            raise AttributeError(
                f"module {module!r} has no attribute {name!r}; hyperhop spells it {elsewhere[name]}."
            )
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    return __getattr__
