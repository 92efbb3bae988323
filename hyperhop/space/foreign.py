"""Objects that the space language does not know, caught where a constant would hide them.

A template's plain values (numbers, strings, ``None``, arrays, your own objects) are
constants. A class, an uncalled constructor such as ``hh.float``, or another library's
parameter object (ConfigSpace, Hyperopt, Optuna, PyHopper, scikit-optimize, Ray Tune,
Nevergrad) is almost always a mistake there: it is an error that names what to write.
"""

from __future__ import annotations

import builtins
from typing import Any

from hyperhop.exceptions import InvalidSpaceError

_LIBRARIES = {
    "ConfigSpace": "ConfigSpace",
    "hyperopt": "Hyperopt",
    "optuna": "Optuna",
    "pyhopper": "PyHopper",
    "skopt": "scikit-optimize",
    "ray.tune": "Ray Tune",
    "nevergrad": "Nevergrad",
    "deephyper": "DeepHyper",
}

_FRONT_ENDS = {
    "hyperopt": "hyperhop.hyperopt",
    "optuna": "hyperhop.optuna",
    "pyhopper": "hyperhop.pyhopper",
}

_EQUIVALENT = {
    "float": "hh.float(low, high) (log=True for a log scale)",
    "real": "hh.float(low, high) (log=True for a log scale)",
    "uniform": "hh.float(low, high) (log=True for a log scale)",
    "loguniform": "hh.float(low, high, log=True)",
    "normal": "hh.normal(mu, sigma)",
    "int": "hh.int(low, high)",
    "integer": "hh.int(low, high)",
    "randint": "hh.int(low, high)",
    "categorical": "hh.choice(*options)",
    "choice": "hh.choice(*options)",
    "ordinal": "hh.choice(*options, ordinal=True)",
    "bool": "hh.choice(True, False)",
    "constant": "the value itself",
}

_BUILTIN_TYPES = {
    builtins.float: "hh.float(low, high)",
    builtins.int: "hh.int(low, high)",
    bool: "hh.choice(True, False)",
    str: "hh.choice('a', 'b', ...)",
}


def _equivalent(name: str) -> str:
    lowered = name.lower()
    for key, hint in _EQUIVALENT.items():
        if key in lowered:
            return hint
    return "hh.float, hh.int or hh.choice"


def check_constant(obj: Any, label: str, *, option: bool = False) -> None:
    """Raise :class:`InvalidSpaceError` unless ``obj`` may stand as a constant at ``label``
    (``option``: it is an option of a choice, where a class is a value to choose).

    Example:
        >>> import hyperhop as hh
        >>> try:
        ...     hh.Space({"units": int})
        ... except hh.InvalidSpaceError as e:
        ...     print(str(e).split(";")[0])
        'units' is the class int, not a value or a parameter
    """
    kind = type(obj) if not isinstance(obj, type) else obj
    module = getattr(kind, "__module__", "") or ""
    root = next((k for k in _LIBRARIES if module == k or module.startswith(k + ".")), None)
    if root is not None:
        name = kind.__name__
        front = _FRONT_ENDS.get(root)
        also = f" (or run your {_LIBRARIES[root]} code through {front})" if front else ""
        raise InvalidSpaceError(
            f"'{label}' is {_LIBRARIES[root]}'s {name}, which hyperhop's space language does not "
            f"read; write {_equivalent(name)} instead{also}."
        )
    if isinstance(obj, type):
        if option:
            return
        hint = _BUILTIN_TYPES.get(obj)
        fix = f"for a parameter write {hint}; " if hint else ""
        raise InvalidSpaceError(
            f"'{label}' is the class {obj.__qualname__}, not a value or a parameter; {fix}"
            f"to pass the class itself to the objective write hh.const({obj.__qualname__}), "
            f"to choose among classes hh.choice({obj.__qualname__}, ...)."
        )
    if callable(obj) and getattr(obj, "__module__", None) == "hyperhop.space.constructors":
        raise InvalidSpaceError(
            f"'{label}' is the function hh.{obj.__name__} itself; call it, e.g. "
            f"hh.{obj.__name__}(...), to make a parameter."
        )
