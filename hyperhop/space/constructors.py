"""The public constructors of the space language (``hh.float``, ``hh.choice``, ...).

Native forms keep every value inside ``[low, high]``; the Hyperopt forms (``uniform``,
``quniform``, ``loguniform``, ...) follow Hyperopt's formulas exactly, including
``loguniform``'s bounds given in log space and quantization that may leave the range.
"""

from __future__ import annotations

import builtins
import math
import re
from collections.abc import Callable
from typing import Any

from hyperhop._validation import describe, fail
from hyperhop.space.base import Const, Expr, Parameter
from hyperhop.space.categorical import Choice, RandInt
from hyperhop.space.custom import Custom
from hyperhop.space.numeric import Float, Int, Normal
from hyperhop.space.space import RngLike, Space, as_rng, as_space

_FMT = re.compile(r"^:?(\d*)(?:\.(\d+))?([fg])$")


def parse_format(fmt: str, func: str = "hh.float()") -> tuple[bool, builtins.int]:
    """PyHopper's format strings: ``"0.2f"`` -> (linear, 2 decimals); ``"0.1g"`` -> (log, 1 digit).

    Args:
        fmt: the format string, ``"<width>.<digits>f"`` or ``"<width>.<digits>g"``.
        func: the calling constructor, named in the error message.

    Returns:
        ``(log, precision)``: whether the scale is logarithmic, and the number of decimals
        (``f``) or significant digits (``g``).

    Raises:
        InvalidSpaceError: ``fmt`` is not such a format.

    Example:
        >>> from hyperhop.space import parse_format
        >>> parse_format("0.2f"), parse_format("0.1g")
        ((False, 2), (True, 1))
    """
    m = _FMT.match(fmt.strip()) if isinstance(fmt, str) else None
    if m is None:
        raise fail(
            func,
            "fmt",
            "a format such as '0.2f' (linear, 2 decimals) or '0.1g' (log scale, "
            "1 significant digit)",
            describe(fmt),
        )
    whole, frac, kind = m.groups()
    digits = frac if frac is not None else whole
    if not digits:
        raise fail(
            func, "fmt", "a format with a number of digits, such as '0.2f' or '0.1g'", describe(fmt)
        )
    precision = builtins.int(digits)
    if kind == "g" and precision < 1:
        raise fail(func, "fmt", "at least 1 significant digit with 'g'", describe(fmt))
    return kind == "g", precision


def float(
    low: builtins.float,
    high: builtins.float,
    fmt: str | None = None,
    *,
    log: bool = False,
    q: builtins.float | None = None,
    precision: builtins.int | None = None,
    shape: Any = None,
    label: str | None = None,
) -> Float:
    """A float in ``[low, high]``.

    ``fmt`` is PyHopper's format string: ``"0.2f"`` rounds to two decimals, ``"0.1g"``
    samples on a log scale and keeps one significant digit. ``q`` quantizes to the grid
    ``low + k*q``; ``precision`` rounds like ``fmt`` without the string; ``shape`` makes
    an array-valued parameter.

    Example:
        >>> import hyperhop as hh
        >>> hh.sample({"lr": hh.float(1e-5, 1e-1, "0.1g")}, seed=3)
        {'lr': 2e-05}
    """
    if fmt is not None:
        if log or precision is not None:
            raise fail(
                "hh.float()",
                "fmt",
                "used alone (it already sets log and precision)",
                f"fmt={fmt!r} with log={log}, precision={precision}",
                label=label,
            )
        log, precision = parse_format(fmt)
    if q is not None and precision is not None:
        raise fail(
            "hh.float()",
            "q",
            "used without precision (both round the value)",
            f"q={q!r}, precision={precision!r}",
            label=label,
        )
    return Float(low, high, log=log, q=q, precision=precision, shape=shape, label=label)


def int(
    low: builtins.int,
    high: builtins.int,
    *,
    log: bool = False,
    step: builtins.int = 1,
    multiple_of: builtins.int | None = None,
    power_of: builtins.int | None = None,
    shape: Any = None,
    label: str | None = None,
) -> Int:
    """An integer in ``[low, high]``, both included.

    Example:
        >>> import hyperhop as hh
        >>> sorted({hh.sample({"u": hh.int(8, 64, power_of=2)}, seed=s)["u"] for s in range(40)})
        [8, 16, 32, 64]
    """
    return Int(
        low,
        high,
        log=log,
        step=step,
        multiple_of=multiple_of,
        power_of=power_of,
        shape=shape,
        label=label,
    )


def choice(
    *options: Any, probs: Any = None, ordinal: bool = False, label: str | None = None
) -> Choice:
    """One of the options; an option may be a nested space whose parameters then exist only
    when it is chosen. A single list argument is unpacked (``choice([1, 2]) == choice(1, 2)``).

    Example:
        >>> import hyperhop as hh
        >>> space = {"m": hh.choice({"k": "svm", "C": hh.float(0.1, 10)}, {"k": "knn"})}
        >>> sorted(hh.Space(space).labels)
        ['m', 'm.C']
    """
    if len(options) == 1 and isinstance(options[0], list):
        options = tuple(options[0])
    return Choice(options, probs=probs, ordinal=ordinal, label=label)


def pchoice(pairs: list[tuple[builtins.float, Any]], *, label: str | None = None) -> Choice:
    """Hyperopt's ``pchoice``: ``[(probability, option), ...]``.

    Args:
        pairs: ``(probability, option)`` pairs; the probabilities sum to 1.
        label: the parameter's name (by default its place in the template).

    Returns:
        A :class:`~hyperhop.space.Choice` with those probabilities.

    Raises:
        InvalidSpaceError: ``pairs`` is not a list of pairs, or the probabilities are invalid.

    Example:
        >>> import hyperhop as hh
        >>> hh.sample({"opt": hh.pchoice([(0.9, "adam"), (0.1, "sgd")])}, seed=0)
        {'opt': 'adam'}
    """
    try:
        probs = [p for p, _ in pairs]
        options = tuple(o for _, o in pairs)
    except (TypeError, ValueError):
        raise fail(
            "hh.pchoice()",
            "pairs",
            "a list of (probability, option) pairs",
            describe(pairs),
            label=label,
        ) from None
    return Choice(options, probs=probs, label=label, func="hh.pchoice()")


def normal(
    mu: builtins.float,
    sigma: builtins.float,
    q: builtins.float | None = None,
    *,
    label: str | None = None,
) -> Normal:
    """A normal draw ``N(mu, sigma)``, quantized as ``round(x / q) * q`` when ``q`` is given.

    Args:
        mu: the mean.
        sigma: the standard deviation (> 0).
        q: the quantization step, if any.
        label: the parameter's name (by default its place in the template).

    Raises:
        InvalidSpaceError: ``sigma`` or ``q`` is not a positive number.

    Example:
        >>> import hyperhop as hh
        >>> x = hh.sample({"x": hh.normal(0.0, 1.0)}, seed=0)["x"]
        >>> -10.0 < x < 10.0
        True
    """
    return Normal(mu, sigma, q=q, label=label)


def lognormal(
    mu: builtins.float,
    sigma: builtins.float,
    q: builtins.float | None = None,
    *,
    label: str | None = None,
) -> Normal:
    """``exp(N(mu, sigma))``, quantized as ``round(x / q) * q`` when ``q`` is given.

    Args:
        mu: the mean of the logarithm.
        sigma: the standard deviation of the logarithm (> 0).
        q: the quantization step, if any.
        label: the parameter's name (by default its place in the template).

    Example:
        >>> import hyperhop as hh
        >>> hh.sample({"x": hh.lognormal(0.0, 1.0)}, seed=0)["x"] > 0
        True
    """
    return Normal(mu, sigma, q=q, log=True, label=label, func="hh.lognormal()")


def qnormal(
    mu: builtins.float, sigma: builtins.float, q: builtins.float, *, label: str | None = None
) -> Normal:
    """Hyperopt's ``qnormal``: ``round(N(mu, sigma) / q) * q``.

    Args:
        mu: the mean.
        sigma: the standard deviation (> 0).
        q: the quantization step (> 0).
        label: the parameter's name (by default its place in the template).

    Example:
        >>> import hyperhop as hh
        >>> x = hh.sample({"x": hh.qnormal(0.0, 1.0, 0.5)}, seed=0)["x"]
        >>> x % 0.5
        0.0
    """
    return Normal(mu, sigma, q=q, label=label, func="hh.qnormal()")


def qlognormal(
    mu: builtins.float, sigma: builtins.float, q: builtins.float, *, label: str | None = None
) -> Normal:
    """Hyperopt's ``qlognormal``: ``round(exp(N(mu, sigma)) / q) * q`` (may be 0).

    Args:
        mu: the mean of the logarithm.
        sigma: the standard deviation of the logarithm (> 0).
        q: the quantization step (> 0).
        label: the parameter's name (by default its place in the template).

    Example:
        >>> import hyperhop as hh
        >>> x = hh.sample({"x": hh.qlognormal(0.0, 1.0, 1.0)}, seed=0)["x"]
        >>> x >= 0 and x % 1.0 == 0
        True
    """
    return Normal(mu, sigma, q=q, log=True, label=label, func="hh.qlognormal()")


def uniform(low: builtins.float, high: builtins.float, *, label: str | None = None) -> Float:
    """Hyperopt's ``uniform``: a float in ``[low, high]``.

    Args:
        low: the lower bound.
        high: the upper bound.
        label: the parameter's name (by default its place in the template).

    Example:
        >>> import hyperhop as hh
        >>> 0.0 <= hh.sample({"x": hh.uniform(0.0, 1.0)}, seed=0)["x"] <= 1.0
        True
    """
    return Float(low, high, label=label, func="hh.uniform()")


def quniform(
    low: builtins.float, high: builtins.float, q: builtins.float, *, label: str | None = None
) -> Float:
    """Hyperopt's ``quniform``: ``round(U(low, high) / q) * q``; may leave the range
    (``quniform(1, 10, 4)`` yields 0, 4 and 8). Use ``hh.float(..., q=)`` to stay inside.

    Args:
        low: the lower bound.
        high: the upper bound.
        q: the quantization step (> 0).
        label: the parameter's name (by default its place in the template).

    Example:
        >>> import hyperhop as hh
        >>> hh.sample({"x": hh.quniform(1, 10, 4)}, seed=0)["x"] in (0.0, 4.0, 8.0)
        True
    """
    return Float(low, high, q=q, q_mode="round", label=label, func="hh.quniform()")


def loguniform(low: builtins.float, high: builtins.float, *, label: str | None = None) -> Float:
    """Hyperopt's ``loguniform``: ``exp(U(low, high))``; **the bounds are logarithms**.
    ``hh.float(a, b, log=True)`` takes the bounds themselves.

    Args:
        low: the lower bound, as a logarithm.
        high: the upper bound, as a logarithm.
        label: the parameter's name (by default its place in the template).

    Example:
        >>> import hyperhop as hh, math
        >>> x = hh.sample({"lr": hh.loguniform(math.log(1e-4), math.log(1e-1))}, seed=0)["lr"]
        >>> 1e-4 <= x <= 1e-1
        True
    """
    lo, hi = _log_bounds(low, high, "hh.loguniform()", label)
    return Float(lo, hi, log=True, label=label, func="hh.loguniform()")


def qloguniform(
    low: builtins.float, high: builtins.float, q: builtins.float, *, label: str | None = None
) -> Float:
    """Hyperopt's ``qloguniform``: ``round(exp(U(low, high)) / q) * q`` (bounds are logarithms).

    Args:
        low: the lower bound, as a logarithm.
        high: the upper bound, as a logarithm.
        q: the quantization step (> 0).
        label: the parameter's name (by default its place in the template).

    Example:
        >>> import hyperhop as hh
        >>> x = hh.sample({"n": hh.qloguniform(0.0, 3.0, 1.0)}, seed=0)["n"]
        >>> x % 1.0 == 0 and 1.0 <= x <= 20.0
        True
    """
    lo, hi = _log_bounds(low, high, "hh.qloguniform()", label)
    return Float(lo, hi, log=True, q=q, q_mode="round", label=label, func="hh.qloguniform()")


def uniformint(low: builtins.int, high: builtins.int, *, label: str | None = None) -> Float:
    """Hyperopt's ``uniformint``: ``int(round(U(low, high)))``; the end points get half the
    mass of the others. ``hh.int(low, high)`` gives every integer the same chance.

    Args:
        low: the lower bound.
        high: the upper bound.
        label: the parameter's name (by default its place in the template).

    Example:
        >>> import hyperhop as hh
        >>> hh.sample({"k": hh.uniformint(1, 5)}, seed=0)["k"] in range(1, 6)
        True
    """
    return Float(low, high, q=1.0, q_mode="round", as_int=True, label=label, func="hh.uniformint()")


def randint(
    low_or_upper: builtins.int, upper: builtins.int | None = None, *, label: str | None = None
) -> RandInt:
    """Hyperopt's ``randint``: an unordered integer in ``[0, upper)`` or ``[low, upper)``.

    Args:
        low_or_upper: ``upper`` when it is the only bound, else ``low``.
        upper: the exclusive upper bound.
        label: the parameter's name (by default its place in the template).

    Example:
        >>> import hyperhop as hh
        >>> hh.sample({"seed": hh.randint(5)}, seed=0)["seed"] in range(5)
        True
        >>> hh.sample({"seed": hh.randint(3, 5)}, seed=0)["seed"] in (3, 4)
        True
    """
    if upper is None:
        return RandInt(0, low_or_upper, label=label)
    return RandInt(low_or_upper, upper, label=label)


def _log_bounds(
    low: Any, high: Any, func: str, label: str | None
) -> tuple[builtins.float, builtins.float]:
    from hyperhop._validation import real

    a, b = real(low, func, "low", label=label), real(high, func, "high", label=label)
    if not a < b:
        raise fail(
            func, "low", "< high", f"low={describe(low)}, high={describe(high)}", label=label
        )
    if max(abs(a), abs(b)) > 700:
        raise fail(
            func,
            "high",
            "a logarithm within [-700, 700] (the bounds are log values)",
            f"low={a}, high={b}",
            label=label,
        )
    return math.exp(a), math.exp(b)


def custom(
    sample: Callable[..., Any] | None = None,
    mutate: Callable[..., Any] | None = None,
    init: Any = None,
    *,
    label: str | None = None,
) -> Custom:
    """A parameter with your own sampling and mutation functions (PyHopper's ``custom``).

    Example:
        >>> import hyperhop as hh
        >>> p = hh.custom(sample=lambda rng: [10, 20, 30][rng.integers(3)], mutate=lambda v: v + 10)
        >>> hh.sample({"w": p}, seed=0)["w"] in (10, 20, 30)
        True
    """
    return Custom(sample, mutate, init, label=label)


def const(value: Any) -> Const:
    """``value`` passed to the objective as it is, even a class or another library's object.

    Example:
        >>> import hyperhop as hh
        >>> hh.sample({"model": hh.const(dict)}, seed=0)["model"] is dict
        True
    """
    return Const(value)


def expr(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Expr:
    """A deterministic function of parameters, computed when the config is built.

    Args:
        fn: the function; called with the parameters' values in place of the parameters.
        *args: its positional arguments (parameters or constants).
        **kwargs: its keyword arguments (parameters or constants).

    Returns:
        An expression node, usable anywhere in a template.

    Example:
        >>> import hyperhop as hh
        >>> layers = hh.int(1, 3)
        >>> hh.sample({"layers": layers, "units": hh.expr(lambda n: 64 * n, layers)}, seed=0)
        {'layers': 3, 'units': 192}
    """
    return Expr(fn, *args, **kwargs)


def sample(space: Any, seed: builtins.int | None = None, *, rng: RngLike = None) -> Any:
    """Draw one config (the nested structure the objective receives) from a space or template.

    Example:
        >>> import hyperhop as hh
        >>> cfg = hh.sample({"units": hh.int(16, 512, power_of=2), "act": hh.choice("relu", "tanh")}, seed=0)
        >>> sorted(cfg)
        ['act', 'units']
    """
    s = as_space(space)
    return s.to_config(s.sample_assignment(as_rng(seed if rng is None else rng)))


__all__ = [
    "Expr",
    "Parameter",
    "Space",
    "choice",
    "const",
    "custom",
    "expr",
    "float",
    "int",
    "lognormal",
    "loguniform",
    "normal",
    "parse_format",
    "pchoice",
    "qlognormal",
    "qloguniform",
    "qnormal",
    "quniform",
    "randint",
    "sample",
    "uniform",
    "uniformint",
]
