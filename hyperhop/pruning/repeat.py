"""Noisy objectives: evaluate a configuration with several seeds, prunable between seeds."""

from __future__ import annotations

import inspect
import statistics
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from hyperhop._validation import describe

_REDUCTIONS: dict[str, Callable[[list[float]], float]] = {
    "mean": statistics.fmean,
    "median": statistics.median,
    "med": statistics.median,
}


def _accepts_keyword(func: Callable[..., Any], name: str) -> bool:
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False
    p = params.get(name)
    return p is not None and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)


def _takes_trial(func: Callable[..., Any], seed_key: str | None) -> bool:
    """Whether ``func`` takes ``(config, trial)``: two required positional parameters, the
    seed's keyword not counted."""
    try:
        params = [
            p
            for p in inspect.signature(func).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            and p.default is p.empty
            and p.name != seed_key
        ]
    except (TypeError, ValueError):
        return False
    return len(params) >= 2


_TRIAL = "\x00trial"
"""The key under which :meth:`Repeated.__call__` carries the trial to each repetition."""


class Repeated:
    """An objective evaluated once per seed; see :func:`repeat`, which makes it.

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.pruning import Repeated
        >>> f = hh.repeat(lambda cfg, seed: cfg["x"] + seed, n=3)
        >>> isinstance(f, Repeated), len(f.seeds)
        (True, 3)
    """

    def __init__(
        self,
        objective: Callable[..., Any],
        seeds: Sequence[Any],
        reduce: Callable[[list[float]], float],
        seed_key: str | None,
        yield_after: int | None,
    ) -> None:
        self.objective = objective
        self.seeds = list(seeds)
        self.reduce = reduce
        self.seed_key = seed_key
        self.yield_after = yield_after
        self._by_keyword = seed_key is not None and _accepts_keyword(objective, seed_key)
        self._pass_trial = _takes_trial(objective, seed_key)
        if self._pass_trial:  # the study then hands over the trial (reports, artifacts)
            P = inspect.Parameter
            self.__signature__ = inspect.Signature(
                [
                    P("config", P.POSITIONAL_OR_KEYWORD),
                    P("trial", P.POSITIONAL_OR_KEYWORD),
                    P("kwargs", P.VAR_KEYWORD),
                ]
            )
        self.__name__ = getattr(objective, "__name__", "objective")
        self.__doc__ = getattr(objective, "__doc__", None)

    def __call__(self, config: Any, *trial: Any, **kwargs: Any) -> Any:
        if trial:
            kwargs = {**kwargs, _TRIAL: trial[0]}
        if self.yield_after is None:
            return self.reduce([self._one(config, i, kwargs) for i in range(len(self.seeds))])
        return self._running(config, kwargs)

    def _running(self, config: Any, kwargs: dict[str, Any]) -> Iterator[float]:
        results: list[float] = []
        for i in range(len(self.seeds)):
            results.append(self._one(config, i, kwargs))
            if i >= (self.yield_after or 0):
                yield float(self.reduce(results))

    def _one(self, config: Any, i: int, kwargs: dict[str, Any]) -> float:
        from hyperhop.study.results import as_number

        seed = self.seeds[i]
        if _TRIAL in kwargs:  # objective(config, trial, ...)
            kwargs = dict(kwargs)
            trial = kwargs.pop(_TRIAL)
            obj: Callable[..., Any] = self.objective
            objective: Callable[..., Any] = lambda cfg, **kw: obj(cfg, trial, **kw)  # noqa: E731
        else:
            objective = self.objective
        if self.seed_key is None:
            r = objective(config, **kwargs)
        elif self._by_keyword:
            r = objective(config, **{**kwargs, self.seed_key: seed})
        elif isinstance(config, Mapping):
            r = objective({**config, self.seed_key: seed}, **kwargs)
        else:
            raise TypeError(
                f"hh.repeat passes the seed as config[{self.seed_key!r}] or as a '{self.seed_key}' "
                f"keyword argument; the config is a {type(config).__name__} and the objective takes "
                f"no '{self.seed_key}' argument. Add one, or pass seed_key=None."
            )
        if inspect.isgenerator(r):
            last: Any = None
            try:
                while True:
                    last = next(r)
            except StopIteration as stop:
                r = stop.value if stop.value is not None else last
        v = as_number(r)
        if v is None:
            raise TypeError(
                f"hh.repeat needs a number from each evaluation (seed {seed!r}); the objective "
                f"returned {describe(r)}." + (" Did it miss a 'return'?" if r is None else "")
            )
        return v

    def __repr__(self) -> str:
        return f"repeat({self.__name__}, n={len(self.seeds)})"


def repeat(
    objective: Callable[..., Any],
    n: int = 5,
    reduce: str | Callable[[list[float]], float] = "mean",
    seed_key: str | None = "seed",
    *,
    seeds: Sequence[Any] | None = None,
    yield_after: int | None = 0,
) -> Repeated:
    """Evaluate each configuration ``n`` times with seeds ``0 .. n-1`` (or ``seeds``) and
    reduce the results (``"mean"``, ``"median"`` or a callable on the list of values).

    An objective that takes the trial (``objective(config, trial)``) gets it in every
    repetition (to save artifacts, for instance).

    The seed goes to the objective as a ``seed_key`` keyword argument when it takes one,
    else as ``config[seed_key]`` in a copy of the config (``seed_key=None``: no seed).
    The running reduction is yielded after each repetition from the ``yield_after``-th
    on (0-based), so a pruner can abandon a configuration after its first seeds;
    ``yield_after=None`` returns the reduction once, unprunable (PyHopper's
    ``wrap_n_times``, whose ``yield_after=None`` lost the result).

    Example:
        >>> import hyperhop as hh
        >>> def noisy(cfg):
        ...     return cfg["x"] + cfg["seed"]
        >>> f = hh.repeat(noisy, n=3)
        >>> list(f({"x": 1.0}))
        [1.0, 1.5, 2.0]
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(
            f"The 'n' parameter of repeat() must be an int >= 1. Got {describe(n)} instead."
        )
    if not callable(objective):
        raise TypeError(
            f"The 'objective' parameter of repeat() must be callable. Got {describe(objective)} instead."
        )
    if seeds is None:
        seeds = list(range(n))
    elif len(seeds) != n:
        raise ValueError(
            f"The 'seeds' parameter of repeat() must hold n={n} seeds. Got {len(seeds)} instead."
        )
    if callable(reduce):
        fn = reduce
    elif isinstance(reduce, str) and reduce.lower() in _REDUCTIONS:
        fn = _REDUCTIONS[reduce.lower()]
    else:
        raise ValueError(
            f"The 'reduce' parameter of repeat() must be 'mean', 'median' or a callable. "
            f"Got {describe(reduce)} instead."
        )
    if yield_after is not None and (
        isinstance(yield_after, bool)
        or not isinstance(yield_after, int)
        or not 0 <= yield_after < n
    ):
        raise ValueError(
            f"The 'yield_after' parameter of repeat() must be None or an int in [0, n). "
            f"Got {describe(yield_after)} instead (n={n})."
        )
    if seed_key is not None and (not isinstance(seed_key, str) or not seed_key):
        raise ValueError(
            f"The 'seed_key' parameter of repeat() must be a non-empty string or None. Got {describe(seed_key)} instead."
        )
    return Repeated(objective, seeds, fn, seed_key, yield_after)
