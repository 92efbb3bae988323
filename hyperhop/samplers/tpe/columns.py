"""How TPE sees each parameter: a *latent* axis for numeric ones, categories for the rest.

A numeric parameter becomes one latent column per entry (arrays of up to
:data:`MAX_ARRAY_SIZE` entries are modelled entry by entry), on which the Parzen estimators
live, as in Hyperopt:

- ``float``: the value, or its log for ``log=True``; truncated to ``[low, high]``; the
  prior is centred with sigma = the range width.
- ``float(q=)``, ``quniform``, ``qloguniform``, ``uniformint``, ``int(log=True)``,
  ``qnormal``, ``qlognormal``: the same axis, plus a grid ``base + k * step``; a sampled
  latent is rounded onto the grid and scored by the mass of its bin (CDF differences).
- ``int`` (linear or ``power_of``): the index of the value, each value a unit-wide bin.
- ``normal`` / ``lognormal``: unbounded, with the given ``mu``/``sigma`` as the prior.

``choice`` and ``randint`` are categorical. Custom parameters and larger arrays are not
modelled: TPE draws them from their prior.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hyperhop.space import Choice, Float, Int, Normal, ParamSpec, RandInt, Space

MAX_ARRAY_SIZE = 64
"""Array parameters with more entries than this are drawn from the prior, not modelled."""


@dataclass
class NumericColumn:
    """A numeric parameter's latent axis (``m`` columns for an array of ``m`` entries)."""

    spec: ParamSpec
    m: int
    lo: float
    hi: float
    prior_mu: float
    prior_sigma: float
    log: bool = False
    """Whether the latent is the log of the grid value."""
    step: float | None = None
    """Grid step on the value scale (None: continuous)."""
    base: float = 0.0
    kmin: float = -math.inf
    kmax: float = math.inf
    vlo: float = -math.inf
    """Lower edge of the first bin, on the value scale (upper: :attr:`vhi`)."""
    vhi: float = math.inf
    int_values: tuple[str, int, int] | None = None
    """For ``int``s modelled by index: ("linear", first, step) or ("power", power_of, e0)."""
    cols: slice = field(default_factory=lambda: slice(0, 0))
    kind: str = "normal"
    """'plain' (scalar float, no grid or rounding), 'float', 'int' or 'normal'."""

    @property
    def quantized(self) -> bool:
        return self.step is not None

    # -------------------------------------------------------------- grid <-> latent
    def _latent_of_value(self, v: np.ndarray) -> np.ndarray:
        if not self.log:
            return v
        with np.errstate(divide="ignore"):
            return np.log(np.maximum(v, 0.0))

    def bins(self, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Latent edges of the bins of grid indices ``k``."""
        assert self.step is not None
        v = self.base + k * self.step
        lo = np.maximum(v - 0.5 * self.step, self.vlo)
        hi = np.minimum(v + 0.5 * self.step, self.vhi)
        return self._latent_of_value(lo), self._latent_of_value(hi)

    def grid_index(self, u: np.ndarray) -> np.ndarray:
        """The grid index whose bin holds latent ``u``."""
        assert self.step is not None
        v = np.exp(u) if self.log else u
        return np.clip(np.round((v - self.base) / self.step), self.kmin, self.kmax)

    def centre(self, k: np.ndarray) -> np.ndarray:
        """The latent of grid value ``k``, kept inside its bin (the log of 0 is -inf)."""
        assert self.step is not None
        lo, hi = self.bins(k)
        c = self._latent_of_value(self.base + k * self.step)
        with np.errstate(invalid="ignore"):
            mid = np.where(np.isfinite(lo) & np.isfinite(hi), 0.5 * (lo + hi), hi)
            return np.where((c >= lo) & (c <= hi) & np.isfinite(c), c, mid)

    # -------------------------------------------------------------- raw <-> latent
    def latent(self, raw: Any) -> np.ndarray | float:
        """The observation (``m`` latents) for a raw value."""
        if self.kind == "plain" and not self.log and type(raw) is float:
            return min(max(raw, self.lo), self.hi)
        v = np.asarray(raw, dtype=float).reshape(-1)
        iv = self.int_values
        if iv is not None:
            if iv[0] == "power":
                k = np.round(np.log(np.maximum(v, 1.0)) / math.log(iv[1])) - iv[2]
            else:
                k = np.round((v - iv[1]) / iv[2])
            return np.clip(k, self.kmin, self.kmax)
        if self.step is not None:
            return self.centre(np.clip(np.round((v - self.base) / self.step), self.kmin, self.kmax))
        return np.clip(self._latent_of_value(v), self.lo, self.hi)

    def raw(self, u: np.ndarray) -> Any:
        """The raw value for ``m`` latents (rounded onto the grid where there is one)."""
        p = self.spec.param
        kind = self.kind
        if kind == "plain":  # a scalar float without grid or rounding: no decode needed
            v = float(u[0])
            if v <= self.lo or v >= self.hi:  # the ends are the exact bounds
                return p.low if v <= self.lo else p.high  # type: ignore[attr-defined]
            v = math.exp(v) if self.log else v
            return min(max(v, p.low), p.high)  # type: ignore[attr-defined]
        u = np.asarray(u, dtype=float).reshape(-1)
        if kind == "int":
            assert isinstance(p, Int)
            k = self.grid_index(u).astype(np.int64)
            iv = self.int_values
            if iv is None:
                vals = int(self.base) + k * int(self.step or 1)
            elif iv[0] == "power":
                vals = np.power(np.int64(iv[1]), k + iv[2])
            else:
                vals = iv[1] + k * iv[2]
            vals = np.asarray(vals, dtype=np.int64)
            return vals.reshape(p.shape) if p.shape is not None else int(vals[0])
        if kind == "float":
            assert isinstance(p, Float)
            if self.step is not None:
                u = self.centre(self.grid_index(u))
            unit = (u - self.lo) / (self.hi - self.lo)
            return p.decode(np.clip(unit, 0.0, 1.0))
        if self.step is not None:
            return float(self.grid_index(u)[0] * self.step)
        return float(np.exp(u[0]) if self.log else u[0])


@dataclass
class CategoricalColumn:
    """A ``choice`` or ``randint``: ``n`` categories with prior probabilities ``p``."""

    spec: ParamSpec
    n: int
    p: np.ndarray
    weighted: bool
    """True for a ``pchoice`` (pseudo-counts ``n * prior_weight * p``); else ``prior_weight``."""
    offset: int = 0
    col: int = 0

    def latent(self, raw: Any) -> np.ndarray:
        return np.array([float(int(raw) - self.offset)])

    def raw(self, k: int) -> int:
        return int(k) + self.offset


def numeric_column(spec: ParamSpec) -> NumericColumn | None:
    """The latent axis of a numeric parameter, or None when TPE does not model it."""
    p = spec.param
    shape = getattr(p, "shape", None)
    m = 1 if shape is None else int(np.prod(shape))
    if m > MAX_ARRAY_SIZE:
        return None
    if isinstance(p, Float):
        a = math.log(p.low) if p.log else p.low
        b = math.log(p.high) if p.log else p.high
        col = NumericColumn(spec, m, a, b, 0.5 * (a + b), b - a, log=p.log)
        if p.q is not None:
            q = p.q
            col.step = q
            col.vlo, col.vhi = p.low, p.high
            if p.q_mode == "grid":
                col.base, col.kmin, col.kmax = p.low, 0.0, float(round((p.high - p.low) / q))
            else:
                col.base = 0.0
                col.kmin, col.kmax = float(round(p.low / q)), float(round(p.high / q))
        plain = p.q is None and p.precision is None and p.shape is None
        col.kind = "plain" if plain else "float"
        return col
    if isinstance(p, Int):
        n = p.n_values
        s = p.multiple_of if p.multiple_of is not None else p.step
        first = -(-p.low // s) * s if p.multiple_of is not None else p.low
        if p.log and p.power_of is None:
            # the value's log, rounded at the midpoints between values (as Int samples)
            vlo = max(first - 0.5 * s, 0.5 * first)
            vhi = first + (n - 0.5) * s
            a, b = math.log(vlo), math.log(vhi)
            return NumericColumn(
                spec,
                m,
                a,
                b,
                0.5 * (a + b),
                b - a,
                kind="int",
                log=True,
                step=float(s),
                base=float(first),
                kmin=0.0,
                kmax=float(n - 1),
                vlo=vlo,
                vhi=vhi,
            )
        # the index of the value: every value a unit-wide bin (powers: uniform in exponent)
        if p.power_of is not None:
            e0 = 0
            while p.power_of**e0 < p.low:
                e0 += 1
            values: tuple[str, int, int] = ("power", p.power_of, e0)
        else:
            values = ("linear", int(first), int(s))
        return NumericColumn(
            spec,
            m,
            -0.5,
            n - 0.5,
            0.5 * (n - 1),
            float(n),
            step=1.0,
            base=0.0,
            kmin=0.0,
            kmax=float(n - 1),
            vlo=-0.5,
            vhi=n - 0.5,
            int_values=values,
            kind="int",
        )
    if isinstance(p, Normal):
        col = NumericColumn(spec, 1, -math.inf, math.inf, p.mu, p.sigma, log=p.log)
        if p.q is not None:
            col.step = p.q
            col.vlo = 0.0 if p.log else -math.inf
            col.kmin = 0.0 if p.log else -math.inf
        return col
    return None


def categorical_column(spec: ParamSpec) -> CategoricalColumn | None:
    p = spec.param
    if isinstance(p, Choice):
        n = p.n_values
        probs = p.probs if p.probs is not None else np.full(n, 1.0 / n)
        return CategoricalColumn(spec, n, np.asarray(probs, float), p.probs is not None)
    if isinstance(p, RandInt):
        n = p.n_values
        return CategoricalColumn(spec, n, np.full(n, 1.0 / n), False, offset=p.low)
    return None


@dataclass
class Plan:
    """A space compiled for TPE: columns, and groups of co-active parameters."""

    space: Space
    numeric: list[NumericColumn]
    categorical: list[CategoricalColumn]
    unmodelled: list[ParamSpec]
    groups: list[Group]
    width: int
    """Columns of the latent matrix."""
    encoders: list[tuple[str, slice, Any]]
    """(label, columns, latent function) for every modelled parameter, in space order."""


@dataclass
class Group:
    """Modelled parameters that are active in exactly the same trials (same conditions).

    The numeric members' columns are stacked, so one group is fitted with one batch of
    NumPy calls; ``lo``, ``hi``, ``prior_mu``, ``prior_sigma`` hold one entry per column.
    """

    first: ParamSpec
    numeric: list[NumericColumn]
    categorical: list[CategoricalColumn]
    cols: np.ndarray
    """The latent columns of the numeric members, in order."""
    probe: int
    """A column that is NaN exactly when the group is inactive."""
    lo: np.ndarray = field(init=False)
    hi: np.ndarray = field(init=False)
    prior_mu: np.ndarray = field(init=False)
    prior_sigma: np.ndarray = field(init=False)
    continuous: np.ndarray = field(init=False)
    """Positions (in ``cols``) of the continuous columns."""
    quantized: list[tuple[NumericColumn, np.ndarray]] = field(init=False)
    """Each quantized member with its positions in ``cols``."""
    slices: list[tuple[NumericColumn, slice]] = field(init=False)
    """Each numeric member with its positions in ``cols``."""

    def __post_init__(self) -> None:
        def per_col(attr: str) -> np.ndarray:
            return np.array([getattr(c, attr) for c in self.numeric for _ in range(c.m)], float)

        self.lo, self.hi = per_col("lo"), per_col("hi")
        self.prior_mu, self.prior_sigma = per_col("prior_mu"), per_col("prior_sigma")
        self.slices, self.quantized = [], []
        cont: list[int] = []
        pos = 0
        for c in self.numeric:
            sl = slice(pos, pos + c.m)
            self.slices.append((c, sl))
            if c.quantized:
                self.quantized.append((c, np.arange(sl.start, sl.stop)))
            else:
                cont.extend(range(sl.start, sl.stop))
            pos = sl.stop
        self.continuous = np.array(cont, dtype=np.intp)

    @property
    def dim(self) -> int:
        """How many parameters the group models (arrays count once per entry)."""
        return len(self.cols) + len(self.categorical)

    def active(self, assignment: dict[str, Any]) -> bool:
        return self.first.is_active(assignment)


def compile_plan(space: Space) -> Plan:
    numeric: list[NumericColumn] = []
    categorical: list[CategoricalColumn] = []
    unmodelled: list[ParamSpec] = []
    encoders: list[tuple[str, slice, Any]] = []
    by_cond: dict[Any, list[Any]] = {}
    width = 0
    for spec in space.params:
        col: NumericColumn | CategoricalColumn | None = categorical_column(spec)
        if col is None:
            col = numeric_column(spec)
        if col is None:
            unmodelled.append(spec)
            continue
        if isinstance(col, CategoricalColumn):
            col.col = width
            sl = slice(width, width + 1)
            categorical.append(col)
        else:
            sl = col.cols = slice(width, width + col.m)
            numeric.append(col)
        width = sl.stop
        encoders.append((spec.label, sl, col.latent))
        by_cond.setdefault(spec.conditions, []).append(col)
    groups: list[Group] = []
    for members in by_cond.values():
        nums = [c for c in members if isinstance(c, NumericColumn)]
        cats = [c for c in members if isinstance(c, CategoricalColumn)]
        cols = (
            np.concatenate([np.arange(c.cols.start, c.cols.stop) for c in nums])
            if nums
            else np.zeros(0, int)
        )
        probe = cats[0].col if cats else int(cols[0])
        groups.append(Group(members[0].spec, nums, cats, cols.astype(np.intp), probe))
    return Plan(space, numeric, categorical, unmodelled, groups, width, encoders)
