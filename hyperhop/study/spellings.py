"""Other libraries' spellings: an error that names hyperhop's, where a user would try them.

An Optuna user types ``sampler=``, ``timeout=``, ``study.best_params``; a typo is a typo.
Either way the error names the keyword or attribute hyperhop uses, instead of Python's
bare ``unexpected keyword argument``.
"""

from __future__ import annotations

import difflib
import functools
import inspect
from collections.abc import Callable, Iterable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

KEYWORDS = {
    "sampler": "algo= (a name such as 'tpe' or 'auto', or a Sampler)",
    "study_name": "name=",
    "timeout": "runtime= (seconds, or text such as '1h 30min')",
    "show_progress_bar": "progress=",
    "max_evals": "n_trials=",
    "algorithm": "algo=",
    "rstate": "seed=",
    "trials": "storage= (and name=)",
    "checkpoint": "checkpoint_path=",
    "n_workers": "n_jobs=",
}
"""Keywords of Optuna, Hyperopt and PyHopper, and what hyperhop calls them."""

ATTRIBUTES = {
    "best_params": "study.best.config (the nested config; study.best.params is the flat form)",
    "best_trial": "study.best",
    "best_trials": "study.pareto_front()",
    "trials_dataframe": "study.trials.to_pandas()",
    "study_name": "study.name",
    "get_trials": "study.trials",
    "enqueue_trial": "study.enqueue(config)",
    "set_user_attr": "result dicts' extra keys (returned by the objective)",
}
"""Attributes of Optuna's Study, and hyperhop's spelling."""


def keyword_error(where: str, key: str, known: Iterable[str]) -> TypeError:
    """The error for an unknown keyword ``key`` of ``where`` (a call's name)."""
    if key in KEYWORDS:
        return TypeError(f"{where} has no {key}= keyword; hyperhop spells it {KEYWORDS[key]}.")
    close = difflib.get_close_matches(key, list(known), n=1)
    hint = f"; did you mean {close[0]}=?" if close else ""
    return TypeError(f"{where} got an unexpected keyword argument {key!r}{hint}")


def spelled(where: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a function (or ``__init__``) so that an unknown keyword is a TypeError
    naming hyperhop's spelling; the signature that IDEs and type checkers see is kept."""

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        params = inspect.signature(fn).parameters
        if any(p.kind is p.VAR_KEYWORD for p in params.values()):
            return fn
        known = [n for n, p in params.items() if p.kind is not p.POSITIONAL_ONLY]

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            for key in kwargs:
                if key not in params:
                    raise keyword_error(where, key, known)
            return fn(*args, **kwargs)

        return wrapper

    return decorate


def attribute_error(owner: object, name: str) -> AttributeError:
    """The AttributeError for ``owner.name``, naming hyperhop's spelling when known."""
    kind = type(owner).__name__
    if name in ATTRIBUTES:
        return AttributeError(
            f"{kind} has no attribute {name!r}; hyperhop spells it {ATTRIBUTES[name]}."
        )
    return AttributeError(f"{kind!r} object has no attribute {name!r}")
