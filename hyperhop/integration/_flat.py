"""A trial's config as flat ``{"a.b": value}`` pairs, for trackers that take flat params."""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any


def flat_config(config: Any, prefix: str = "") -> dict[str, Any]:
    """Nested dicts and lists flattened with dotted keys; numbers, bools and strings kept,
    anything else (an estimator, an array) as its ``str``.

    Example:
        >>> flat_config({"lr": 0.1, "model": {"kind": "svm", "C": 2}, "layers": [8, 16]})
        {'lr': 0.1, 'model.kind': 'svm', 'model.C': 2, 'layers.0': 8, 'layers.1': 16}
    """
    if isinstance(config, Mapping):
        out: dict[str, Any] = {}
        for k, v in config.items():
            out.update(flat_config(v, f"{prefix}{k}."))
        return out
    if isinstance(config, Sequence) and not isinstance(config, (str, bytes)):
        out = {}
        for i, v in enumerate(config):
            out.update(flat_config(v, f"{prefix}{i}."))
        return out
    key = prefix[:-1] if prefix else "config"
    if config is None or isinstance(config, (bool, str, numbers.Number)):
        return {key: config}
    return {key: str(config)}


def objective_names(study: Any, n: int) -> list[str]:
    """The study's objective names, or ``value`` (``value_0``, ``value_1``... for several)."""
    names = getattr(study, "objective_names", None)
    if names:
        return list(names)
    return ["value"] if n == 1 else [f"value_{i}" for i in range(n)]
