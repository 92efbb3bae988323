"""User-defined parameter types from plain functions (PyHopper's ``custom``)."""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from hyperhop._validation import check_label, describe, fail
from hyperhop.space.base import Parameter, Raw, callable_name


def _arity(fn: Callable[..., Any]) -> int:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return 1
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return 99
    return sum(
        p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
        for p in params
    )


class Custom(Parameter):
    """A parameter defined by a sampling and a mutation function.

    ``sample()`` or ``sample(rng)`` draws a value; ``mutate(value)``,
    ``mutate(value, temperature)`` or ``mutate(value, temperature, rng)`` moves one (at
    temperature 1, a fresh sample is drawn instead when there is a sampling function). Values
    should be JSON-serializable so that persistent storages can keep them.

    Made by :func:`hyperhop.custom`.

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.space import Custom
        >>> p = Custom(sample=lambda rng: int(rng.integers(1, 4)), mutate=lambda v: v + 1)
        >>> hh.sample({"n": p}, seed=0)["n"] in (1, 2, 3)
        True
    """

    def __init__(
        self,
        sample: Callable[..., Any] | None = None,
        mutate: Callable[..., Any] | None = None,
        init: Any = None,
        *,
        label: str | None = None,
    ) -> None:
        func = "hh.custom()"
        label = None if label is None else check_label(label, func)
        if sample is None and init is None:
            raise fail(
                func,
                "sample",
                "given (or an init value)",
                "neither sample nor init",
                label=label,
                fix="Pass sample=<function> or init=<value>.",
            )
        for name, fn in (("sample", sample), ("mutate", mutate)):
            if fn is not None and not callable(fn):
                raise fail(func, name, "callable", describe(fn), label=label)
        self.label = label
        self._sample = sample
        self._mutate = mutate
        self._init = init
        self._sample_arity = 0 if sample is None else min(_arity(sample), 1)
        self._mutate_arity = 0 if mutate is None else min(_arity(mutate), 3)

    def sample(self, rng: np.random.Generator) -> Raw:
        if self._sample is None:
            return copy.deepcopy(self._init)
        return self._sample(rng) if self._sample_arity else self._sample()

    def mutate(self, value: Raw, temperature: float, rng: np.random.Generator) -> Raw:
        if self._mutate is None or (temperature >= 1.0 and self._sample is not None):
            return self.sample(rng)
        args = (value, temperature, rng)[: max(self._mutate_arity, 1)]
        return self._mutate(*args)

    def default(self) -> Raw | None:
        return copy.deepcopy(self._init)

    def definition(self) -> dict[str, Any]:
        return {
            "type": "custom",
            "sample": None if self._sample is None else callable_name(self._sample),
            "mutate": None if self._mutate is None else callable_name(self._mutate),
        }
