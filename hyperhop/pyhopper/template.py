"""PyHopper's templates in hyperhop's space language, and guesses filled from the best."""

from __future__ import annotations

import copy
from typing import Any

import hyperhop as hh
from hyperhop.pyhopper.types import Parameter, as_custom
from hyperhop.space.categorical import Choice, has_parameters


class Placeholder(hh.Parameter):
    """A ``None`` in the template: PyHopper's dummy parameter, whose values come only from
    the guesses you queue (``Search(lr=None)``, then ``search += {"lr": 0.1}``)."""

    kind = "custom"

    def sample(self, rng: Any) -> Any:
        return None

    def mutate(self, value: Any, temperature: float, rng: Any) -> Any:
        return value

    def definition(self) -> dict[str, Any]:
        return {"type": "custom", "class": "pyhopper.None"}


def translate(obj: Any, option: bool = False, memo: dict[int, Any] | None = None) -> Any:
    """A hyperhop template from a PyHopper one: your own ``Parameter`` subclasses become
    ``hh.custom``, ``None`` a placeholder, a class a constant (PyHopper passes it through).
    An object used in several places stays one object."""
    memo = {} if memo is None else memo
    if id(obj) in memo:
        return memo[id(obj)]
    out = _translate(obj, option, memo)
    if isinstance(obj, (hh.Parameter, Parameter)):
        memo[id(obj)] = out
    return out


def _translate(obj: Any, option: bool, memo: dict[int, Any]) -> Any:
    if isinstance(obj, Choice):
        options = tuple(translate(o, True, memo) for o in obj.options)
        if all(a is b for a, b in zip(options, obj.options, strict=True)):
            return obj
        twin = copy.copy(obj)
        twin.options = options
        twin._nested = tuple(has_parameters(o) for o in options)
        return twin
    if isinstance(obj, hh.Parameter):
        return obj
    if isinstance(obj, Parameter):
        return as_custom(obj)
    if obj is None and not option:
        return Placeholder()
    if isinstance(obj, dict):
        return {k: translate(v, False, memo) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(translate(v, False, memo) for v in obj)
    if isinstance(obj, type) and not option:
        return hh.const(obj)
    return obj


def fill(best: Any, guess: Any, where: str) -> Any:
    """``guess`` over ``best``: missing keys come from the best; unknown keys are errors."""
    if isinstance(best, dict):
        if not isinstance(guess, dict):
            raise ValueError(
                f"The guess for {where or 'the search'} is {guess!r}, but the template has a dict "
                f"there (keys {list(best)})."
            )
        unknown = [k for k in guess if k not in best]
        if unknown:
            raise ValueError(
                f"The guess names {unknown[0]!r}, which is not in the template. Register it as a "
                f"dummy parameter with Search({unknown[0]}=None, ...) to pass values for it."
            )
        return {
            k: fill(v, guess[k], f"{where}.{k}".lstrip(".")) if k in guess else v
            for k, v in best.items()
        }
    if isinstance(best, list) and isinstance(guess, list):
        return [
            fill(b, guess[i], f"{where}.{i}") if i < len(guess) else b for i, b in enumerate(best)
        ]
    return guess


def fill_params(best: Any, template: Any) -> Any:
    """The best candidate with the template's constants where the template has them now."""
    if isinstance(template, dict) and isinstance(best, dict):
        return {k: fill_params(best.get(k), v) for k, v in template.items()}
    if isinstance(template, (hh.Parameter, Parameter)) or template is None:
        return best
    if isinstance(template, list) and isinstance(best, list):
        return [fill_params(b, t) for b, t in zip(best, template, strict=False)]
    return copy.deepcopy(template)
