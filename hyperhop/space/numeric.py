"""Numeric parameters: bounded floats, integers and the normal family.

Each keeps a *latent* scale (log for log parameters) on which it samples, moves and
encodes; quantization and rounding happen after, so every encoded point decodes to a
valid value.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from hyperhop._validation import check_label, describe, fail, integer, positive, real
from hyperhop.space.base import Parameter, Raw, reflect_unit


def _check_shape(shape: Any, func: str, label: str | None) -> tuple[int, ...] | None:
    if shape is None:
        return None
    try:
        dims = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    except TypeError:
        raise fail(
            func,
            "shape",
            "a positive int or a non-empty tuple of them",
            describe(shape),
            label=label,
        ) from None
    if not dims:
        raise fail(
            func,
            "shape",
            "a positive int or a non-empty tuple of them",
            describe(shape),
            label=label,
        )
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d <= 0:
            raise fail(
                func,
                "shape",
                "made of positive integers",
                describe(shape),
                label=label,
                fix="Every dimension must be at least 1.",
            )
    return tuple(int(d) for d in dims)


def round_significant(v: np.ndarray, digits: int) -> np.ndarray:
    """Round to ``digits`` significant digits (0 stays 0)."""
    v = np.asarray(v, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mag = np.floor(np.log10(np.abs(v)))
    mag = np.where(np.isfinite(mag), mag, 0.0)
    decimals = digits - 1 - mag
    up = np.power(10.0, np.maximum(decimals, 0.0))
    down = np.power(10.0, np.maximum(-decimals, 0.0))
    return np.where(decimals >= 0, np.round(v * up) / up, np.round(v / down) * down)


class _Numeric(Parameter):
    """Shared moves for parameters with a unit-cube encoding."""

    def _step(self, value: Raw, temperature: float, rng: np.random.Generator) -> Raw:
        e = self.encode(value)
        step = max(float(temperature), 0.0) * rng.uniform(-0.5, 0.5, size=e.shape)
        return self.decode(reflect_unit(e + step))

    def local_step(self, value: Raw, temperature: float, rng: np.random.Generator) -> Raw:
        """One move of up to ``temperature`` x half the range, as PyHopper mutates: unlike
        :meth:`mutate`, a quantized value (an int) may round back onto itself, so a small
        temperature leaves it where it is most of the time (temperature 1: a fresh sample).
        """
        if temperature >= 1.0:
            return self.sample(rng)
        return self._step(value, temperature, rng)

    def mutate(self, value: Raw, temperature: float, rng: np.random.Generator) -> Raw:
        out = self.local_step(value, temperature, rng)
        if temperature >= 1.0:
            return out
        # A quantized value (or an int array) can round back onto itself: widen the step
        # until it moves (a continuous value moves at the first try).
        t = max(float(temperature), 1e-6)
        for _ in range(64):
            if (out != value) if self.shape is None else not np.array_equal(out, value):
                break
            t = min(2.0 * t, 2.0)
            out = self._step(value, t, rng)
        return out

    def _pack(self, v: np.ndarray) -> Raw:
        return v.reshape(self.shape) if self.shape is not None else float(v.reshape(-1)[0])

    @property
    def rounds(self) -> bool:
        """Whether decoding rounds (a grid or a precision), so that encoding the decoded
        value can give another encoding than the one decoded."""
        return False

    def round_trip(self, x: np.ndarray) -> np.ndarray:
        """The encodings of the values that the encodings ``x`` decode to (what decode
        then encode gives, entry by entry, for any shape of ``x``).

        A surrogate model must be scored where the values it proposes encode, not where
        its optimizer left them: a log-scaled int decodes the whole cell around a value
        to it, but that value encodes at one point of the cell.
        """
        return np.asarray(x, dtype=float)

    @property
    def n_columns(self) -> int:
        return 1 if self.shape is None else int(np.prod(self.shape))


class Float(_Numeric):
    """A float in ``[low, high]``, optionally on a log scale, quantized or rounded.

    ``q_mode='grid'`` (native) keeps values on ``low + k*q`` inside the bounds;
    ``q_mode='round'`` is Hyperopt's ``round(x / q) * q``, which may leave the bounds.

    Made by :func:`hyperhop.float` and Hyperopt's forms (:func:`hyperhop.uniform`, ...).

    Example:
        >>> import numpy as np
        >>> from hyperhop.space import Float
        >>> lr = Float(1e-4, 1e-1, log=True)
        >>> 1e-4 <= lr.sample(np.random.default_rng(0)) <= 1e-1
        True
    """

    kind: ClassVar[str] = "float"

    def __init__(
        self,
        low: float,
        high: float,
        *,
        log: bool = False,
        q: float | None = None,
        q_mode: str = "grid",
        precision: int | None = None,
        shape: Any = None,
        label: str | None = None,
        as_int: bool = False,
        func: str = "hh.float()",
    ) -> None:
        self.label = None if label is None else check_label(label, func)
        self.as_int = bool(as_int)
        self.low = real(low, func, "low", label=label)
        self.high = real(high, func, "high", label=label)
        if not self.low < self.high:
            raise fail(
                func, "low", "< high", f"low={describe(low)}, high={describe(high)}", label=label
            )
        self.log = bool(log)
        if self.log and self.low <= 0:
            raise fail(
                func,
                "low",
                "> 0 when log=True",
                describe(low),
                label=label,
                fix="A log scale cannot include 0 or negative values; raise low or drop log=True.",
            )
        self.q = None if q is None else positive(q, func, "q", label=label)
        self.q_mode = q_mode
        if self.q is not None and q_mode == "grid":
            steps = (self.high - self.low) / self.q
            if abs(steps - round(steps)) > 1e-9 * max(1.0, steps):
                raise fail(
                    func,
                    "q",
                    "a divisor of high - low",
                    f"q={describe(q)} for range [{self.low}, {self.high}]",
                    label=label,
                    fix=f"Try high={self.low + math.floor(steps) * self.q:.12g}.",
                )
            self._n_steps = round(steps)
        if precision is not None:
            precision = integer(precision, func, "precision", label=label)
            if precision < (1 if self.log else 0):
                raise fail(
                    func,
                    "precision",
                    ">= 1 on a log scale, >= 0 otherwise",
                    describe(precision),
                    label=label,
                )
        self.precision = precision
        self.shape = _check_shape(shape, func, label)
        self._a = math.log(self.low) if self.log else self.low
        self._b = math.log(self.high) if self.log else self.high

    def _finish(self, v: np.ndarray) -> np.ndarray:
        if self.q is not None:
            if self.q_mode == "grid":
                k = np.clip(np.round((v - self.low) / self.q), 0, self._n_steps)
                v = np.minimum(self.low + k * self.q, self.high)
            else:
                return np.round(v / self.q) * self.q
        if self.precision is not None:
            v = round_significant(v, self.precision) if self.log else np.round(v, self.precision)
        return np.clip(v, self.low, self.high, out=v)  # v is always a fresh array here

    def _from_latent(self, u: np.ndarray) -> np.ndarray:
        return self._finish(np.exp(u) if self.log else u)

    def sample(self, rng: np.random.Generator) -> Raw:
        if self.shape is None and self.precision is None:
            # Scalar fast path (plain Python floats; same draws as the array path).
            v = rng.uniform(self._a, self._b)
            if self.log:
                v = math.exp(v)
            q = self.q
            if q is not None:
                if self.q_mode != "grid":
                    return float(round(v / q) * q)
                k = min(max(round((v - self.low) / q), 0), self._n_steps)
                v = min(self.low + k * q, self.high)
            return float(min(max(v, self.low), self.high))
        size = self.shape if self.shape is not None else 1
        return self._pack(self._from_latent(rng.uniform(self._a, self._b, size=size)))

    def default(self) -> Raw:
        mid = np.full(self.shape if self.shape is not None else 1, 0.5 * (self._a + self._b))
        return self._pack(self._from_latent(mid))

    def encode(self, value: Raw) -> np.ndarray:
        v = np.asarray(value, dtype=float).reshape(-1)
        if self.log:
            with np.errstate(divide="ignore"):
                v = np.log(np.maximum(v, 0.0))
        return np.clip((v - self._a) / (self._b - self._a), 0.0, 1.0)

    def decode(self, x: np.ndarray) -> Raw:
        return self._pack(self._decoded(np.asarray(x, dtype=float)))

    def _decoded(self, x: np.ndarray) -> np.ndarray:
        """The values of the encodings ``x``, unpacked; 0 and 1 decode to the exact bounds
        (the arithmetic alone gives ``exp(log(1e-6))``, not ``1e-6``)."""
        u = self._a + x * (self._b - self._a)
        v = np.exp(u) if self.log else u
        return self._finish(np.where(x <= 0.0, self.low, np.where(x >= 1.0, self.high, v)))

    @property
    def rounds(self) -> bool:
        return self.q is not None or self.precision is not None

    def round_trip(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        if not self.rounds:
            return x
        return self.encode(self._decoded(x.reshape(-1))).reshape(x.shape)

    def contains(self, value: Raw) -> bool:
        if self.shape is not None:
            if not isinstance(value, np.ndarray) or value.shape != self.shape:
                return False
            v = value.astype(float, copy=False)
        else:
            if isinstance(value, bool) or not isinstance(
                value, (int, float, np.floating, np.integer)
            ):
                return False
            v = np.array([float(value)])
        if not np.all(np.isfinite(v)):
            return False
        if self.q is not None and self.q_mode == "round":
            k = v / self.q
            lo, hi = np.round(self.low / self.q) * self.q, np.round(self.high / self.q) * self.q
            return bool(
                np.all(np.abs(k - np.round(k)) < 1e-6)
                and np.all((v >= lo - 1e-9) & (v <= hi + 1e-9))
            )
        if np.any(v < self.low) or np.any(v > self.high):
            return False
        if self.q is not None:
            k = (v - self.low) / self.q
            return bool(np.all(np.abs(k - np.round(k)) < 1e-6))
        return True

    def to_value(self, value: Raw) -> Any:
        if self.shape is not None:
            return value.astype(np.int64) if self.as_int else value
        return int(value) if self.as_int else float(value)

    def display_values(self, values: list[Raw]) -> list[Any]:
        if self.shape is None and not self.as_int:
            return values
        return super().display_values(values)

    def from_value(self, value: Any) -> Raw:
        if self.shape is not None:
            return np.asarray(value, dtype=float)
        return float(value) if isinstance(value, (int, float, np.integer, np.floating)) else value

    def definition(self) -> dict[str, Any]:
        return {
            "type": "float",
            "low": self.low,
            "high": self.high,
            "log": self.log,
            "q": self.q,
            "q_mode": self.q_mode if self.q is not None else None,
            "precision": self.precision,
            "shape": list(self.shape) if self.shape else None,
            "as_int": self.as_int,
        }


class Int(_Numeric):
    """An integer in ``[low, high]`` (both included) on a grid: a step, multiples or powers.

    Made by :func:`hyperhop.int`.

    Example:
        >>> import numpy as np
        >>> from hyperhop.space import Int
        >>> Int(16, 256, power_of=2).sample(np.random.default_rng(0)) in (16, 32, 64, 128, 256)
        True
    """

    kind: ClassVar[str] = "int"

    def __init__(
        self,
        low: int,
        high: int,
        *,
        log: bool = False,
        step: int = 1,
        multiple_of: int | None = None,
        power_of: int | None = None,
        shape: Any = None,
        label: str | None = None,
        func: str = "hh.int()",
    ) -> None:
        self.label = None if label is None else check_label(label, func)
        self.low = integer(low, func, "low", label=label)
        self.high = integer(high, func, "high", label=label)
        if not self.low < self.high:
            raise fail(
                func, "low", "< high", f"low={describe(low)}, high={describe(high)}", label=label
            )
        self.step = integer(step, func, "step", label=label)
        if self.step <= 0:
            raise fail(func, "step", ">= 1", describe(step), label=label)
        n_special = (self.step != 1) + (multiple_of is not None) + (power_of is not None)
        if n_special > 1:
            raise fail(
                func,
                "step",
                "the only grid option (use one of step, multiple_of, power_of)",
                f"step={step}, multiple_of={multiple_of}, power_of={power_of}",
                label=label,
            )
        self.multiple_of = (
            None if multiple_of is None else integer(multiple_of, func, "multiple_of", label=label)
        )
        self.power_of = (
            None if power_of is None else integer(power_of, func, "power_of", label=label)
        )
        self.log = bool(log) or self.power_of is not None
        self.shape = _check_shape(shape, func, label)
        self._power = self.power_of is not None
        if self.power_of is not None:
            p = self._p = self.power_of
            if p < 2:
                raise fail(func, "power_of", ">= 2", describe(power_of), label=label)
            if self.high < 1:
                raise fail(
                    func,
                    "power_of",
                    "used with a range that holds a power",
                    f"range [{self.low}, {self.high}]",
                    label=label,
                )
            e0 = 0
            while p**e0 < self.low:
                e0 += 1
            e1 = e0
            while p ** (e1 + 1) <= self.high:
                e1 += 1
            if p**e0 > self.high:
                raise fail(
                    func,
                    "power_of",
                    f"used with a range that holds a power of {p}",
                    f"range [{self.low}, {self.high}]",
                    label=label,
                    fix=f"The nearest powers are {p ** max(e0 - 1, 0)} and {p**e0}.",
                )
            self._e0, self._n = e0, e1 - e0 + 1
            self._base, self._s = 0, 1
        elif self.multiple_of is not None:
            m = self.multiple_of
            if m <= 0:
                raise fail(func, "multiple_of", ">= 1", describe(multiple_of), label=label)
            base = -(-self.low // m) * m
            top = (self.high // m) * m
            if base > top:
                raise fail(
                    func,
                    "multiple_of",
                    f"used with a range that holds a multiple of {m}",
                    f"range [{self.low}, {self.high}]",
                    label=label,
                )
            self._base, self._s, self._n = base, m, (top - base) // m + 1
        else:
            if (self.high - self.low) % self.step:
                raise fail(
                    func,
                    "step",
                    "a divisor of high - low",
                    f"step={self.step} for range [{self.low}, {self.high}]",
                    label=label,
                    fix=f"Try high={self.low + (self.high - self.low) // self.step * self.step}.",
                )
            self._base, self._s, self._n = (
                self.low,
                self.step,
                (self.high - self.low) // self.step + 1,
            )
        if self.log and not self._power:
            if self._base <= 0:
                raise fail(
                    func,
                    "low",
                    "> 0 when log=True",
                    describe(low),
                    label=label,
                    fix="A log scale cannot include 0 or negative values.",
                )
            # The first value's cell reaches half a step down, or half-way to 0 when that is
            # closer (low=1, step=4 would otherwise start the cell at -1).
            self._la = math.log(max(self._base - 0.5 * self._s, 0.5 * self._base))
            self._lb = math.log(self._base + (self._n - 0.5) * self._s)

    @property
    def n_values(self) -> int:
        """How many values the grid holds."""
        return self._n

    def _values(self, k: np.ndarray) -> np.ndarray:
        if self._power:
            return np.power(np.int64(self._p), (k + self._e0).astype(np.int64))
        return (self._base + k * self._s).astype(np.int64)

    def _index(self, v: np.ndarray) -> np.ndarray:
        v = np.asarray(v, dtype=np.int64).reshape(-1)
        if self._power:
            k = np.round(np.log(np.maximum(v, 1)) / math.log(self._p)).astype(np.int64) - self._e0
        else:
            k = (v - self._base) // self._s
        return np.clip(k, 0, self._n - 1)

    def _pack_int(self, v: np.ndarray) -> Raw:
        return v.reshape(self.shape) if self.shape is not None else int(v.reshape(-1)[0])

    def sample(self, rng: np.random.Generator) -> Raw:
        if self.shape is None:
            # Scalar fast path (plain Python ints; same draws as the array path).
            if self.log and not self._power:
                v = math.exp(self._la + rng.uniform(0.0, 1.0) * (self._lb - self._la))
                k = min(max(round((v - self._base) / self._s), 0), self._n - 1)
            else:
                k = int(rng.integers(0, self._n))
            return int(self._p ** (k + self._e0)) if self._power else self._base + k * self._s
        size = self.shape
        if self.log and not self._power:
            return self.decode(rng.uniform(0.0, 1.0, size=size).reshape(-1))
        return self._pack_int(self._values(rng.integers(0, self._n, size=size)))

    def default(self) -> Raw:
        if self.log and not self._power:
            return self.decode(np.full(self.n_columns, 0.5))
        return self._pack_int(self._values(np.full(self.shape or 1, (self._n - 1) // 2)))

    def encode(self, value: Raw) -> np.ndarray:
        if self.log and not self._power:
            v = np.asarray(value, dtype=float).reshape(-1)
            return np.clip(
                (np.log(np.maximum(v, 1e-300)) - self._la) / (self._lb - self._la), 0.0, 1.0
            )
        return (self._index(value) + 0.5) / self._n

    def decode(self, x: np.ndarray) -> Raw:
        return self._pack_int(self._values(self._cells(np.asarray(x, dtype=float))))

    def _cells(self, x: np.ndarray) -> np.ndarray:
        """The grid index each encoding decodes to."""
        if self.log and not self._power:
            v = np.exp(self._la + x * (self._lb - self._la))
            return np.clip(np.round((v - self._base) / self._s), 0, self._n - 1).astype(np.int64)
        return np.clip(np.floor(x * self._n), 0, self._n - 1).astype(np.int64)

    @property
    def rounds(self) -> bool:
        return True

    def round_trip(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return self.encode(self._values(self._cells(x.reshape(-1)))).reshape(x.shape)

    def mutate(self, value: Raw, temperature: float, rng: np.random.Generator) -> Raw:
        if self._n == 1:
            return value
        if self.shape is not None or temperature >= 1.0:
            return super().mutate(value, temperature, rng)
        out = self.local_step(value, temperature, rng)
        if out == value:
            k = int(self._index(np.array([value]))[0])
            k = k + 1 if k == 0 else k - 1 if k == self._n - 1 else k + int(rng.choice((-1, 1)))
            out = int(self._values(np.array([k]))[0])
        return out

    def contains(self, value: Raw) -> bool:
        if self.shape is not None:
            if (
                not isinstance(value, np.ndarray)
                or value.shape != self.shape
                or value.dtype.kind not in "iu"
            ):
                return False
            v = value.reshape(-1).astype(np.int64)
        else:
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                return False
            v = np.array([int(value)], dtype=np.int64)
        return bool(np.array_equal(self._values(self._index(v)), v))

    def to_value(self, value: Raw) -> Any:
        return value if self.shape is not None else int(value)

    def display_values(self, values: list[Raw]) -> list[Any]:
        return values if self.shape is None else super().display_values(values)

    def from_value(self, value: Any) -> Raw:
        if self.shape is not None:
            return np.asarray(value, dtype=np.int64)
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            return int(value)
        if isinstance(value, np.integer):
            return int(value)
        return value

    def definition(self) -> dict[str, Any]:
        return {
            "type": "int",
            "low": self.low,
            "high": self.high,
            "log": self.log,
            "step": self.step,
            "multiple_of": self.multiple_of,
            "power_of": self.power_of,
            "shape": list(self.shape) if self.shape else None,
        }


class Normal(_Numeric):
    """A normally (or, with ``log=True``, log-normally) distributed float, as Hyperopt's.

    Quantized with ``q`` by ``round(x / q) * q``; unbounded, so never clipped.

    Made by :func:`hyperhop.normal`, :func:`hyperhop.lognormal` and their ``q`` forms.

    Example:
        >>> import numpy as np
        >>> from hyperhop.space import Normal
        >>> Normal(0.0, 1.0, log=True).sample(np.random.default_rng(0)) > 0
        True
    """

    kind: ClassVar[str] = "float"

    def __init__(
        self,
        mu: float,
        sigma: float,
        *,
        q: float | None = None,
        log: bool = False,
        label: str | None = None,
        func: str = "hh.normal()",
    ) -> None:
        self.label = None if label is None else check_label(label, func)
        self.mu = real(mu, func, "mu", label=label)
        self.sigma = positive(sigma, func, "sigma", label=label)
        self.q = None if q is None else positive(q, func, "q", label=label)
        self.log = bool(log)
        self.shape = None

    def _finish(self, u: np.ndarray) -> np.ndarray:
        v = np.exp(u) if self.log else u
        return np.round(v / self.q) * self.q if self.q is not None else v

    def sample(self, rng: np.random.Generator) -> Raw:
        v = rng.normal(self.mu, self.sigma)
        if self.log:
            v = float(np.exp(v))
        return float(v if self.q is None else round(v / self.q) * self.q)

    def default(self) -> Raw:
        return float(self._finish(np.array(self.mu)))

    def encode(self, value: Raw) -> np.ndarray:
        v = np.asarray(value, dtype=float).reshape(-1)
        if self.log:
            with np.errstate(divide="ignore"):
                v = np.log(np.maximum(v, 0.0))
        from scipy import special  # imported here: scipy.special costs 0.4 s at import

        return np.asarray(special.ndtr((v - self.mu) / self.sigma), dtype=float)

    def decode(self, x: np.ndarray) -> Raw:
        return float(self._decoded(np.asarray(x, dtype=float)).reshape(-1)[0])

    def _decoded(self, x: np.ndarray) -> np.ndarray:
        """The values of the encodings ``x``, unpacked."""
        from scipy import special

        e = np.clip(x, 1e-15, 1.0 - 1e-15)
        return np.asarray(self._finish(self.mu + self.sigma * special.ndtri(e)))

    @property
    def rounds(self) -> bool:
        return self.q is not None

    def round_trip(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        if not self.rounds:
            return x
        return self.encode(self._decoded(x.reshape(-1))).reshape(x.shape)

    def contains(self, value: Raw) -> bool:
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
            return False
        v = float(value)
        if not math.isfinite(v) or (self.log and v < 0) or (self.log and self.q is None and v == 0):
            return False
        return self.q is None or abs(v / self.q - round(v / self.q)) < 1e-6

    def to_value(self, value: Raw) -> Any:
        return float(value)

    def display_values(self, values: list[Raw]) -> list[Any]:
        return values

    def from_value(self, value: Any) -> Raw:
        return float(value) if isinstance(value, (int, float, np.integer, np.floating)) else value

    def definition(self) -> dict[str, Any]:
        return {
            "type": "lognormal" if self.log else "normal",
            "mu": self.mu,
            "sigma": self.sigma,
            "q": self.q,
        }
