"""Helpers for Hyperopt's trial documents: gathering ``misc`` values, plain-Python
conversion, and the chance of each noisy loss to be the best."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from typing import Any

import numpy as np

from hyperhop.hyperopt.exceptions import InvalidTrial

__all__ = [
    "Doc",
    "SONify",
    "miscs_to_idxs_vals",
    "miscs_update_idxs_vals",
    "now",
    "pmin_sampled",
    "spec_from_misc",
]

Doc = dict[str, Any]


def now() -> datetime.datetime:
    """The time stamps of documents (``book_time``, ``refresh_time``), UTC, millisecond precision."""
    t = datetime.datetime.now(datetime.timezone.utc)
    return t.replace(microsecond=(t.microsecond // 1000) * 1000)


def miscs_to_idxs_vals(
    miscs: Iterable[Mapping[str, Any]], keys: Iterable[str] | None = None
) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    """Gather ``misc["idxs"]`` and ``misc["vals"]`` of many documents by label."""
    miscs = list(miscs)
    if keys is None:
        keys = list(miscs[0]["idxs"]) if miscs else []
    idxs: dict[str, list[Any]] = {k: [] for k in keys}
    vals: dict[str, list[Any]] = {k: [] for k in keys}
    for misc in miscs:
        for k in idxs:
            t_idxs = misc["idxs"].get(k, [])
            t_vals = misc["vals"].get(k, [])
            if len(t_idxs) != len(t_vals):
                raise InvalidTrial(f"misc idxs and vals of {k!r} differ in length", misc)
            idxs[k].extend(t_idxs)
            vals[k].extend(t_vals)
    return idxs, vals


def miscs_update_idxs_vals(
    miscs: Sequence[MutableMapping[str, Any]],
    idxs: Mapping[str, Sequence[Any]],
    vals: Mapping[str, Sequence[Any]],
    assert_all_vals_used: bool = True,
    idxs_map: Mapping[Any, Any] | None = None,
) -> Sequence[MutableMapping[str, Any]]:
    """Write gathered ``idxs``/``vals`` back into the ``misc`` of each document (by tid)."""
    idxs_map = idxs_map or {}
    by_tid = {m["tid"]: m for m in miscs}
    for m in miscs:
        m["idxs"] = {k: [] for k in idxs}
        m["vals"] = {k: [] for k in idxs}
    for k in idxs:
        for tid, val in zip(idxs[k], vals[k], strict=True):
            tid = idxs_map.get(tid, tid)
            if tid not in by_tid:
                if assert_all_vals_used:
                    raise InvalidTrial(f"no document with tid {tid!r} for {k!r}")
                continue
            by_tid[tid]["idxs"][k] = [tid]
            by_tid[tid]["vals"][k] = [val]
    return miscs


def spec_from_misc(misc: Mapping[str, Any]) -> dict[str, Any]:
    """``{label: value}`` of the labels active in a document."""
    return {k: v[0] for k, v in misc["vals"].items() if len(v) == 1}


def SONify(arg: Any) -> Any:
    """Plain Python (dict, list, int, float, str, bool) for nested NumPy values."""
    if isinstance(arg, dict):
        return {SONify(k): SONify(v) for k, v in arg.items()}
    if isinstance(arg, (list, tuple)):
        return type(arg)(SONify(v) for v in arg)
    if isinstance(arg, np.ndarray):
        return [SONify(v) for v in arg.tolist()] if arg.ndim else SONify(arg.item())
    if isinstance(arg, np.generic):
        return arg.item()
    return arg


def pmin_sampled(
    mean: Any, var: Any, n_samples: int = 1000, rng: np.random.Generator | None = None
) -> np.ndarray:
    """The probability that each of several noisy losses is the smallest (by sampling)."""
    rng = rng if rng is not None else np.random.default_rng(232342)
    mean, var = np.asarray(mean, float), np.asarray(var, float)
    draws = rng.standard_normal((n_samples, len(mean))) * np.sqrt(var) + mean
    counts = np.bincount(np.argmin(draws, axis=1), minlength=len(mean))
    return np.asarray(counts / n_samples)
