"""Grid search: every combination of a finite space (or of a resolution), in order."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from hyperhop.exceptions import InvalidSpaceError, SearchExhaustedError
from hyperhop.samplers.base import History, SerialSampler
from hyperhop.samplers.digests import TrialDigests, digest
from hyperhop.samplers.tpe.columns import numeric_column
from hyperhop.space import Assignment, Choice, Float, Int, Normal, ParamSpec, RandInt, Space


class GridExhaustedError(SearchExhaustedError):
    """Every point of the grid has been tried (or is running).

    ``optimize`` stops by itself when the grid is done; ``ask`` raises this.

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.samplers import GridExhaustedError
        >>> study = hh.Study({"opt": hh.choice("adam", "sgd")}, algo="grid")
        >>> _ = study.optimize(lambda c: 0.0, n_trials=5, progress=False)
        >>> len(study.trials)
        2
        >>> try:
        ...     study.ask()
        ... except GridExhaustedError:
        ...     print("grid done")
        grid done
    """


MAX_POINTS = 10_000_000
"""Grids larger than this are refused (choose a coarser ``resolution``)."""


def _dedupe(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for v in values:
        if not any(v == w and type(v) is type(w) for w in out):
            out.append(v)
    return out


def _spread(values: list[Any], resolution: int | None) -> list[Any]:
    """At most ``resolution`` values, evenly spread over ``values`` (ends included)."""
    if resolution is None or len(values) <= resolution:
        return values
    idx = np.unique(np.round(np.linspace(0, len(values) - 1, resolution)).astype(int))
    return [values[i] for i in idx]


def param_values(spec: ParamSpec, resolution: int | None) -> list[Any] | None:
    """The raw values a parameter takes in the grid (None: not enumerable, drawn from its
    prior at each point: custom types and arrays).

    Choices and ``randint`` give all their values; integers and quantized floats too, or
    ``resolution`` of them spread evenly (in log scale for log parameters); continuous
    floats need a ``resolution``: that many points from ``low`` to ``high``; normal
    parameters: that many quantiles.

    Example:
        >>> import hyperhop as hh
        >>> param_values(hh.Space({"x": hh.float(0, 1)})["x"], 5)
        [0.0, 0.25, 0.5, 0.75, 1.0]
        >>> param_values(hh.Space({"n": hh.int(1, 1000, log=True)})["n"], 4)
        [1, 10, 100, 1000]
    """
    p = spec.param
    label = spec.label
    if getattr(p, "shape", None) is not None:
        return None
    if isinstance(p, Choice):
        return list(range(p.n_values))
    if isinstance(p, RandInt):
        return list(range(p.low, p.upper))
    if isinstance(p, (Int, Float)) and (isinstance(p, Int) or p.q is not None):
        col = numeric_column(spec)
        assert col is not None and col.step is not None
        n = int(col.kmax - col.kmin) + 1
        if n > MAX_POINTS:
            raise InvalidSpaceError(
                f"Grid search over {label!r} would take {n:,} values; pass resolution=."
            )
        ks = np.arange(col.kmin, col.kmax + 1)
        if resolution is not None and n > resolution:
            if col.int_values is not None:  # the latent is the index
                ks = np.unique(np.round(np.linspace(col.kmin, col.kmax, resolution)))
            else:  # evenly on the latent scale (log for log parameters)
                ends = col.centre(np.array([col.kmin, col.kmax]))
                ks = np.unique(col.grid_index(np.linspace(ends[0], ends[1], resolution)))
        lat = ks if col.int_values is not None else col.centre(ks)
        return _dedupe([col.raw(np.array([u])) for u in lat])
    if isinstance(p, Float):
        if resolution is None:
            raise InvalidSpaceError(
                f"Grid search needs a resolution for the continuous parameter {label!r}: "
                "pass GridSampler(resolution=...) (points per continuous parameter)."
            )
        pts = np.linspace(0.0, 1.0, resolution) if resolution > 1 else np.array([0.5])
        return _dedupe([p.decode(np.array([u])) for u in pts])
    if isinstance(p, Normal):
        if resolution is None:
            raise InvalidSpaceError(
                f"Grid search needs a resolution for the unbounded parameter {label!r}: "
                "pass GridSampler(resolution=...) (quantiles per normal parameter)."
            )
        pts = (np.arange(resolution) + 0.5) / resolution
        return _dedupe([p.decode(np.array([u])) for u in pts])
    return None


class GridSampler(SerialSampler):
    """Every combination of the parameters' values, in order (the first parameter varies
    slowest), skipping combinations already tried or running; conditional parameters are
    enumerated only where they are active, and combinations that break the space's
    constraints are skipped. Parameters that cannot be enumerated (custom types, arrays)
    get a draw from their prior at each point. Raises :class:`GridExhaustedError` when
    nothing is left.

    Args:
        seed: used only with ``shuffle=True``.
        resolution: points per continuous parameter (and at most that many values for
            integers and quantized floats); required when the space has continuous ones.
        shuffle: visit the grid in a seeded pseudo-random order instead (an affine
            permutation of the indices, so no list of the points is ever built).

    Example:
        >>> import hyperhop as hh
        >>> study = hh.Study({"a": hh.choice(1, 2), "b": hh.int(0, 2)}, algo="grid")
        >>> _ = study.optimize(lambda c: c["a"] * c["b"], n_trials=6, progress=False)
        >>> [t.config for t in study.trials][:3]
        [{'a': 1, 'b': 0}, {'a': 1, 'b': 1}, {'a': 1, 'b': 2}]
    """

    name = "grid"
    resume_deterministic = True

    def __init__(
        self, seed: int | None = None, *, resolution: int | None = None, shuffle: bool = False
    ) -> None:
        super().__init__(seed)
        if resolution is not None and (
            isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 1
        ):
            raise ValueError(
                f"The 'resolution' parameter of GridSampler must be an int >= 1 or None. Got {resolution!r} instead."
            )
        self.resolution = resolution
        self.shuffle = bool(shuffle)
        self._space: Space | None = None
        self._values: dict[str, list[Any]] = {}
        self._branching: set[str] = set()
        self._memo: dict[Any, int] = {}
        self._perm: tuple[int, int] | None = None
        self._size = 0
        self._cursor = 0
        self._digests = TrialDigests()

    def __repr__(self) -> str:
        return f"GridSampler(resolution={self.resolution!r}, shuffle={self.shuffle!r})"

    # ------------------------------------------------------------------ the grid
    def _prepare(self, space: Space) -> None:
        self._space = space
        specs = space.params
        values = {s.label: param_values(s, self.resolution) for s in specs}
        self._values = {k: v for k, v in values.items() if v is not None}
        self._free = {k for k, v in values.items() if v is None}
        self._digests = TrialDigests(labels=set(self._values))
        parents = {lbl for s in specs for lbl in s.parents}
        self._branching = {s.label for s in specs if s.label in parents}
        self._memo = {}
        self._size = self._count(0, {})
        if self._size > MAX_POINTS:
            raise InvalidSpaceError(
                f"The grid has {self._size:,} points (more than {MAX_POINTS:,}); "
                "choose a smaller resolution or another sampler."
            )
        self._cursor = 0
        self._perm = None
        if self.shuffle and self._size > 1:
            # an affine permutation of the indices: a random order without a list of them
            rng = self.rng_for(0)
            a = int(rng.integers(1, self._size))
            while math.gcd(a, self._size) != 1:
                a = a % (self._size - 1) + 1
            self._perm = (a, int(rng.integers(0, self._size)))

    def _active_from(self, i: int, partial: dict[str, Any]) -> int:
        specs = self._space.params  # type: ignore[union-attr]
        while i < len(specs) and (specs[i].label in self._free or not specs[i].is_active(partial)):
            i += 1
        return i

    def _count(self, i: int, partial: dict[str, Any]) -> int:
        """Points that complete ``partial`` from parameter ``i`` on: a product over
        parameters without children, a sum over the options of one with children."""
        specs = self._space.params  # type: ignore[union-attr]
        i = self._active_from(i, partial)
        if i == len(specs):
            return 1
        memo_key = (i, tuple(sorted((k, v) for k, v in partial.items() if k in self._branching)))
        hit = self._memo.get(memo_key)
        if hit is not None:
            return hit
        label = specs[i].label
        values = self._values[label]
        if label not in self._branching:
            total = len(values) * self._count(i + 1, partial)
        else:
            total = 0
            for v in values:
                partial[label] = v
                total += self._count(i + 1, partial)
            del partial[label]
        self._memo[memo_key] = total
        return total

    def _at(self, index: int) -> Assignment:
        """The ``index``-th combination in order (random access, no enumeration)."""
        specs = self._space.params  # type: ignore[union-attr]
        partial: dict[str, Any] = {}
        i = self._active_from(0, partial)
        while i < len(specs):
            label = specs[i].label
            values = self._values[label]
            if label not in self._branching:
                rest = self._count(i + 1, partial)
                partial[label] = values[index // rest]
                index %= rest
            else:
                for v in values:
                    partial[label] = v
                    n = self._count(i + 1, partial)
                    if index < n:
                        break
                    index -= n
            i = self._active_from(i + 1, partial)
        return _ordered(self._space, partial)

    def point(self, i: int) -> Assignment | None:
        """The ``i``-th point in visiting order (None past the end)."""
        if i >= self._size:
            return None
        if self._perm is not None:
            a, b = self._perm
            i = (a * i + b) % self._size
        return self._at(i)

    # ------------------------------------------------------------------ suggest
    def _suggest(self, history: History) -> Assignment:
        space = history.space
        if self._space is not space:
            self._prepare(space)
        if not self._digests.update(history.trials):
            self._cursor = 0
        seen = self._digests.seen
        i = self._cursor
        while True:
            a = self.point(i)
            if a is None:
                raise GridExhaustedError(
                    f"All {self._size:,} points of the grid have been tried or are running "
                    f"({history.n} trials). Stop the study, or widen the grid with a larger resolution."
                )
            if digest(a) not in seen:
                full = self._fill(space, a, self.rng_for(history.n + i))
                if space.is_feasible(full):
                    return full
            # tried, running or infeasible: never to be proposed again
            self._cursor = i = i + 1

    def _fill(self, space: Space, a: Assignment, rng: np.random.Generator) -> Assignment:
        """``a`` with prior draws for the parameters the grid does not enumerate."""
        if not self._free:
            return dict(a)
        out: Assignment = {}
        for spec in space.params:
            if spec.conditions and not spec.is_active(out):
                continue
            out[spec.label] = a[spec.label] if spec.label in a else spec.param.sample(rng)
        return out


def _ordered(space: Space | None, a: Assignment) -> Assignment:
    assert space is not None
    return {s.label: a[s.label] for s in space.params if s.label in a}
