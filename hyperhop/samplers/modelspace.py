"""What the model-based samplers (``cbo``, ``gp``) see: trials as unit-cube matrices, and
one number per trial to minimize.

Every parameter with a numeric encoding takes its columns of :attr:`Space.dim`; custom
parameters take none and are carried over from a reference assignment when decoding.
Inactive columns (conditional parameters whose branch is not taken) hold :data:`INACTIVE`
in a *model matrix*; a *latent matrix* keeps a valid value in every column, so a mutation
that switches a branch on finds its parameters ready.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from hyperhop.multiobjective.constraints import violations
from hyperhop.samplers.base import History
from hyperhop.samplers.fidelity import budget_values
from hyperhop.space import Assignment, Float, Gate, Int, Space
from hyperhop.trial import Trial, TrialState

log = logging.getLogger("hyperhop.samplers")

INACTIVE = -1.0
"""The value of an inactive column in a model matrix (outside the unit cube on purpose)."""

CONTINUOUS, DISCRETE, CATEGORICAL = 0, 1, 2
"""Column kinds: continuous; ordered with ``n`` cells (ints, ordinal choices); unordered."""

_MISSING = object()


def is_linear_box(space: Space) -> bool:
    """Whether every parameter is a scalar float on a linear scale, always active: the
    box of a black-box function rather than a hyperparameter space."""
    return bool(space.params) and all(
        s.param.kind == "float"
        and s.param.shape is None
        and not getattr(s.param, "log", False)
        and not s.conditional
        for s in space.params
    )


class ModelSpace:
    """Vectorized views of a :class:`Space` for surrogate models.

    Example:
        >>> import hyperhop as hh
        >>> ms = ModelSpace(hh.Space({"x": hh.float(0, 1), "k": hh.choice("a", "b")}))
        >>> ms.kinds.tolist(), ms.n_cells.tolist()
        ([0, 2], [0, 2])
    """

    def __init__(self, space: Space) -> None:
        self.space = space
        self.dim = space.dim
        self.kinds = np.zeros(self.dim, dtype=np.int8)
        self.n_cells = np.zeros(self.dim, dtype=np.int64)
        self._encoders: list[tuple[str, Any, slice, str]] = []
        self._tables: dict[str, dict[Any, float]] = {}
        self._rounding: list[tuple[slice, Any]] = []
        conditional: list[tuple[slice, list[list[tuple[int, int, int]]]]] = []
        self._gated = False  # conditions on numbers or several parents: tested row by row
        for spec in space.params:
            cols = spec.columns
            if cols.stop <= cols.start:
                continue
            p = spec.param
            kind = p.kind
            n = int(getattr(p, "n_values", 0) or 0)
            if kind in ("categorical", "ordinal") and cols.stop - cols.start == 1 and n:
                self.kinds[cols] = CATEGORICAL if kind == "categorical" else DISCRETE
                self.n_cells[cols] = n
                mode = "table"
                self._tables[spec.label] = {}
            elif (
                kind == "int"
                and n
                and not (getattr(p, "log", False) and getattr(p, "power_of", None) is None)
            ):
                self.kinds[cols] = DISCRETE
                self.n_cells[cols] = n
                mode = "vector" if p.shape is None else "rows"
            else:
                mode = "vector" if p.shape is None and cols.stop - cols.start == 1 else "rows"
                if getattr(p, "rounds", False):
                    self._rounding.append((cols, p))
            self._encoders.append((spec.label, p, cols, mode))
            if spec.conditions and spec.gated:
                self._gated = True
            elif spec.conditions:
                conds = [
                    [
                        (
                            space[lbl].columns.start,
                            int(getattr(space[lbl].param, "n_values", 0)),
                            idx,
                        )
                        for lbl, idx in cast("tuple[tuple[str, int], ...]", cond)
                    ]
                    for cond in spec.conditions
                ]
                conditional.append((cols, conds))
        self._conditional = conditional
        self.discrete = self.kinds != CONTINUOUS
        self.categorical = self.kinds == CATEGORICAL

    # ------------------------------------------------------------------ encoding
    def encode(self, assignments: Sequence[Mapping[str, Any]]) -> np.ndarray:
        """A model matrix ``(n, dim)``: each parameter encoded in one vectorized call where it
        can be, :data:`INACTIVE` where a parameter is absent."""
        n = len(assignments)
        X = np.full((n, self.dim), INACTIVE)
        for label, p, cols, mode in self._encoders:
            vals = [a.get(label, _MISSING) for a in assignments]
            rows = [i for i, v in enumerate(vals) if v is not _MISSING]
            if not rows:
                continue
            if mode == "table":
                table = self._tables[label]
                out = np.empty(len(rows))
                for j, i in enumerate(rows):
                    v = vals[i]
                    e = table.get(v)
                    if e is None:
                        e = table[v] = float(p.encode(v)[0])
                    out[j] = e
                X[rows, cols.start] = out
                continue
            if mode == "vector":
                try:
                    enc = np.asarray(p.encode(np.asarray([vals[i] for i in rows], dtype=float)))
                except (TypeError, ValueError):
                    enc = np.empty(0)
                if enc.shape == (len(rows),):
                    X[rows, cols.start] = enc
                    continue
            X[rows, cols] = np.stack([np.asarray(p.encode(vals[i])).reshape(-1) for i in rows])
        return X

    def active(self, Z: np.ndarray) -> np.ndarray:
        """Which columns of a latent matrix are active, given its (snapped) choice columns."""
        if self._gated:
            return self._active_rows(Z)
        M = np.ones(Z.shape, dtype=bool)
        if not self._conditional:
            return M
        idx_cache: dict[int, np.ndarray] = {}
        for cols, conds in self._conditional:
            on = np.zeros(Z.shape[0], dtype=bool)
            for cond in conds:
                ok = np.ones(Z.shape[0], dtype=bool)
                for col, n, want in cond:
                    k = idx_cache.get(col)
                    if k is None:
                        k = np.clip(np.floor(Z[:, col] * n), 0, n - 1).astype(np.int64)
                        k[~M[:, col]] = -1
                        idx_cache[col] = k
                    ok &= k == want
                on |= ok
            M[:, cols] = on[:, None]
        return M

    def _active_rows(self, Z: np.ndarray) -> np.ndarray:
        """Activity from the parents' decoded values, parameter by parameter in the space's
        order (gates test values, not cells)."""
        n = Z.shape[0]
        M = np.ones(Z.shape, dtype=bool)
        on: dict[str, np.ndarray] = {}
        vals: dict[str, np.ndarray] = {}
        parents = {lbl for spec in self.space.params for lbl in spec.parents}
        for spec in self.space.params:
            act = np.ones(n, dtype=bool)
            if spec.conditions:
                act = np.zeros(n, dtype=bool)
                for cond in spec.conditions:
                    ok = np.ones(n, dtype=bool)
                    for atom in cond:
                        if isinstance(atom, tuple):
                            ok &= on[atom[0]] & (vals[atom[0]] == atom[1])
                        else:
                            ok &= _gate_rows(atom, vals, on)
                    act |= ok
            on[spec.label] = act
            cols = spec.columns
            if spec.label in parents:
                vals[spec.label] = self._decoded(spec, Z, act)
            if cols.stop > cols.start:
                M[:, cols] = act[:, None]
        return M

    def _decoded(self, spec: Any, Z: np.ndarray, act: np.ndarray) -> np.ndarray:
        """A parent's raw values on the active rows (NaN elsewhere)."""
        p, cols = spec.param, spec.columns
        out = np.full(Z.shape[0], np.nan)
        if cols.stop <= cols.start:
            return out
        k = int(getattr(p, "n_values", 0) or 0)
        if p.kind in ("categorical", "ordinal") and k:
            idx = np.clip(np.floor(Z[:, cols.start] * k), 0, k - 1)
            return np.where(act, idx, np.nan)
        col = Z[:, cols.start]
        if cols.stop - cols.start == 1 and type(p).decode is Float.decode:
            vec = p._decoded(col)  # the same numbers as decode, for every row at once
        elif cols.stop - cols.start == 1 and type(p).decode is Int.decode:
            vec = p._values(p._cells(col)).astype(float)
        else:
            vec = np.array([float(p.decode(Z[r, cols])) for r in range(Z.shape[0])])
        return np.where(act, vec, np.nan)

    def snap(self, Z: np.ndarray) -> np.ndarray:
        """What decode + encode would give: discrete columns to the centre of their cell,
        rounded ones (log-scaled ints, quantized floats) to their value's encoding."""
        Z = np.clip(Z, 0.0, 1.0)
        d = self.discrete
        if d.any():
            n = self.n_cells[d]
            Z[:, d] = (np.clip(np.floor(Z[:, d] * n), 0, n - 1) + 0.5) / n
        for cols, p in self._rounding:
            Z[:, cols] = p.round_trip(Z[:, cols])
        return Z

    def model_matrix(self, Z: np.ndarray) -> np.ndarray:
        """The model matrix of a snapped latent matrix (inactive columns set to INACTIVE)."""
        if not self._conditional and not self._gated:
            return Z
        return np.where(self.active(Z), Z, INACTIVE)

    def latent(self, X: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """A latent matrix from a model matrix: inactive columns get random values."""
        Z = X.copy()
        off = Z == INACTIVE
        if off.any():
            Z[off] = rng.random(int(off.sum()))
        return self.snap(Z)

    def random(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` uniform points of the unit cube (the prior, seen through the encoding)."""
        return self.snap(rng.random((n, self.dim)))

    def mutate(
        self,
        Z: np.ndarray,
        rng: np.random.Generator,
        scales: Sequence[float] = (0.02, 0.08, 0.25),
    ) -> np.ndarray:
        """Neighbours of the rows of a latent matrix: each active column moves with
        probability 1/(active columns), at least one per row; ordered columns by a reflected
        Gaussian step (scale drawn per row), categorical ones to another category."""
        n, d = Z.shape
        if n == 0 or d == 0:
            return Z.copy()
        act = self.active(Z)
        n_act = np.maximum(act.sum(axis=1, keepdims=True), 1)
        move = (rng.random((n, d)) < 1.0 / n_act) & act
        # force one active column per row
        w = rng.random((n, d)) * act
        move[np.arange(n), np.argmax(w, axis=1)] = True
        sigma = np.asarray(scales, dtype=float)[rng.integers(0, len(scales), size=n)][:, None]
        step = Z + sigma * rng.standard_normal((n, d))
        step = np.abs(step) % 2.0
        step = np.where(step > 1.0, 2.0 - step, step)
        out = np.where(move, step, Z)
        c = self.categorical
        if c.any():
            nc = self.n_cells[c]
            k = np.clip(np.floor(Z[:, c] * nc), 0, nc - 1)
            shift = 1 + np.floor(rng.random(k.shape) * np.maximum(nc - 1, 1))
            new = np.where(nc > 1, (k + shift) % nc, k)
            out[:, c] = np.where(move[:, c], (new + 0.5) / nc, Z[:, c])
        return self.snap(out)

    # ------------------------------------------------------------------ decoding
    def decode(
        self, z: np.ndarray, rng: np.random.Generator, fill: Mapping[str, Any] | None = None
    ) -> Assignment:
        """The assignment of a latent row (custom parameters from ``fill``, else sampled)."""
        return self.space.decode(z, rng, fill=fill)

    @staticmethod
    def keys(X: np.ndarray) -> list[bytes]:
        """Hashable row keys (rounded), to spot proposals already tried or pending."""
        R = np.ascontiguousarray(np.round(X, 9))
        return [r.tobytes() for r in R]


@dataclass
class Observations:
    """A history split for a model. ``Y`` holds the objectives as minimization (maximized
    ones negated); failed trials and those with a non-finite value are in ``X_failed``;
    ``violation`` is each completed trial's outcome-constraint violation (0: feasible)."""

    X: np.ndarray
    Y: np.ndarray
    X_failed: np.ndarray
    X_pending: np.ndarray
    trials: list[Trial]
    failed: list[Trial]
    violation: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def n(self) -> int:
        return int(self.X.shape[0])


def observe(history: History, ms: ModelSpace) -> Observations:
    """Encode the history. A pruned trial counts with its value, else its last intermediate
    value (single objective), else as failed. Queued and running trials are pending.

    While fewer than ``d + 2`` trials completed in a study whose pruner stopped some early,
    every finished trial counts with its value at one budget instead, the largest that
    ``d + 2`` of them reached, and those stopped before it are left out (BOHB's rule, see
    :mod:`hyperhop.samplers.fidelity`): values measured after different numbers of epochs
    are not compared."""
    signs = np.array([1.0 if d == "min" else -1.0 for d in history.directions])
    n_obj = len(signs)
    done: list[Trial] = []
    values: list[tuple[float, ...]] = []
    failed: list[Trial] = []
    pending: list[Trial] = []
    at = budget_values(history)
    for i, t in enumerate(history.trials):
        s = t.state
        if at is not None and (s is TrialState.COMPLETE or s is TrialState.PRUNED):
            v = float(at[1][i])
            if v == v:  # reached the budget: its value there
                done.append(t)
                values.append((v,))
                continue
            if s is TrialState.PRUNED and t.intermediate:
                continue  # stopped below the budget: not observed there
        if s is TrialState.COMPLETE or s is TrialState.PRUNED:
            vals = t.values
            if (vals is None or len(vals) != n_obj) and s is TrialState.PRUNED and n_obj == 1:
                if t.intermediate:
                    vals = (float(t.intermediate[max(t.intermediate)]),)
            if vals is not None and len(vals) == n_obj:
                done.append(t)
                values.append(tuple(vals))
            else:
                failed.append(t)
        elif s is TrialState.FAILED:
            failed.append(t)
        else:
            pending.append(t)
    Y = np.array(values, dtype=float).reshape(len(done), n_obj) * signs
    finite = np.isfinite(Y).all(axis=1)
    if not finite.all():
        # -inf (as minimization) is clipped to the best finite value; +inf and NaN fail
        good = np.isfinite(Y) | (Y == -np.inf)
        keep = good.all(axis=1)
        failed.extend(t for t, k in zip(done, keep, strict=True) if not k)
        done = [t for t, k in zip(done, keep, strict=True) if k]
        Y = Y[keep]
        if Y.size and np.isfinite(Y).any():
            lo = np.nanmin(np.where(np.isfinite(Y), Y, np.nan), axis=0)
            Y = np.where(Y == -np.inf, lo, Y)
        Y = np.nan_to_num(Y, nan=0.0, neginf=0.0)
    X = ms.encode([t.assignment for t in done])
    X_failed = ms.encode([t.assignment for t in failed])
    X_pending = ms.encode([t.assignment for t in pending])
    return Observations(X, Y, X_failed, X_pending, done, failed, violations(done))


def _gate_rows(
    gate: Gate, vals: Mapping[str, np.ndarray], on: Mapping[str, np.ndarray]
) -> np.ndarray:
    """Where a (resolved) gate holds, row by row, given its parents' values and activity."""
    if gate.op in ("and", "or"):
        parts = [_gate_rows(g, vals, on) for g in gate.parts]
        return np.logical_and.reduce(parts) if gate.op == "and" else np.logical_or.reduce(parts)
    v, m = vals[gate.label], on[gate.label]
    with np.errstate(invalid="ignore"):
        if gate.op == "==":
            hit = v == gate.operand
        elif gate.op == "!=":
            hit = v != gate.operand
        elif gate.op == "in":
            hit = np.isin(v, np.asarray(gate.operand, dtype=float))
        elif gate.op == ">":
            hit = v > gate.operand
        else:
            hit = v < gate.operand
    return np.asarray(m & hit, dtype=bool)


def scalarize(Y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One column to minimize. Several objectives: each scaled to [0, 1], then the
    Chebyshev scalarization ``max_i w_i y_i`` with weights uniform on the simplex (new
    weights for every suggestion, as DeepHyper draws them)."""
    if Y.shape[1] == 1:
        return Y[:, 0].copy()
    lo, hi = Y.min(axis=0), Y.max(axis=0)
    # halves first: (hi - lo) of two finite extremes (1e308, -1e308) would overflow to inf
    S = (Y / 2 - lo / 2) / np.where(hi > lo, hi / 2 - lo / 2, 1.0)
    w = -np.log1p(-rng.random(Y.shape[1]))
    w /= w.sum()
    return np.asarray((S * w).max(axis=1))


def minmax(y: np.ndarray) -> np.ndarray:
    """Scale to [0, 1] (DeepHyper's ``objective_scaler="minmax"``); constant -> zeros."""
    if y.size == 0:
        return y
    lo, hi = float(y.min()), float(y.max())
    # halves first: (hi - lo) of two finite extremes (1e308, -1e308) would overflow to inf
    return (y / 2 - lo / 2) / (hi / 2 - lo / 2) if hi > lo else np.zeros_like(y)


def fallback(
    history: History, ms: ModelSpace, rng: np.random.Generator, n: int, who: str, limit: int
) -> list[Assignment]:
    """Proposals without a model, for spaces with no numeric columns or more than
    ``limit`` of them (large arrays): half perturb the best trial so far, half are random."""
    if ms.dim and not getattr(ms, "warned", False):
        ms.warned = True  # type: ignore[attr-defined]
        log.warning(
            "%s models at most %d encoded columns and this space has %d (array parameters?); "
            "it proposes perturbations of the best trial and random samples instead. "
            "algo='anneal' is made for such spaces.",
            who,
            limit,
            ms.dim,
        )
    sign = 1.0 if history.directions[0] == "min" else -1.0
    best: Trial | None = None
    for t in history.trials:
        if t.state is TrialState.COMPLETE and t.values and not math.isnan(t.values[0]):
            if best is None or sign * t.values[0] < sign * (best.values or (0.0,))[0]:
                best = t
    space = history.space
    return [
        space.perturb(best.assignment, 0.1, rng) if best is not None and rng.random() < 0.5
        else space.sample_assignment(rng)
        for _ in range(n)
    ]  # fmt: skip
