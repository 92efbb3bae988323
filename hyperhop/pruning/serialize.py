"""Pruners and fidelities as JSON data, and their command-line spellings.

A study stores the pruner it was created with as ``{"name": "sha", "params": {...}}`` and
its fidelity as ``{"name": "epochs", "min": 1, "max": 81}``, so that a worker that opens
the study from storage alone (``hh.load_study``, ``hyperhop worker``) prunes as the
others do. Only the pruners of :data:`hyperhop.pruning.make_pruner`'s registry are
rebuilt, through their constructors: nothing read back is imported or unpickled.

Example:
    >>> from hyperhop.pruning import SuccessiveHalvingPruner
    >>> from hyperhop.pruning.serialize import pruner_from_dict, pruner_to_dict
    >>> d = pruner_to_dict(SuccessiveHalvingPruner(reduction_factor=2))
    >>> d["name"], d["params"]["reduction_factor"]
    ('sha', 2)
    >>> pruner_from_dict(d) == SuccessiveHalvingPruner(reduction_factor=2)
    True
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from typing import Any

from hyperhop._validation import describe
from hyperhop.pruning.base import Fidelity, Pruner

FORMAT_VERSION = 1
"""The version of the stored ``pruning`` record (see :func:`pruning_record`)."""


CUSTOM = "custom"
"""The stored name of a pruner of your own: its repr is kept for messages, not its code."""


class NotSerializable(TypeError):
    """A pruner that is not one of the built-in ones cannot be stored as data."""


def _registry() -> dict[str, type[Pruner]]:
    from hyperhop.pruning import _REGISTRY

    return _REGISTRY


def pruner_to_dict(pruner: Pruner) -> dict[str, Any]:
    """``pruner`` as JSON data: its registry name and its constructor's arguments.

    Raises :class:`NotSerializable` for a pruner class of your own.
    """
    from hyperhop.pruning.combine import AnyPruner

    if isinstance(pruner, AnyPruner):
        return {"name": "any", "pruners": [pruner_to_dict(p) for p in pruner.pruners]}
    cls = type(pruner)
    name = getattr(cls, "name", None)
    if not dataclasses.is_dataclass(pruner) or _registry().get(str(name)) is not cls:
        raise NotSerializable(
            f"The pruner {pruner!r} is not a built-in one and cannot be stored in the study; "
            "workers that open the study need it passed explicitly (pruner=...)."
        )
    params: dict[str, Any] = {}
    for f in dataclasses.fields(pruner):
        if f.init:
            params[f.name] = _param_to_json(getattr(pruner, f.name))
    return {"name": name, "params": params}


def _param_to_json(v: Any) -> Any:
    if isinstance(v, Pruner):
        return {"pruner": pruner_to_dict(v)}
    if isinstance(v, tuple):
        return [_param_to_json(x) for x in v]
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    raise NotSerializable(f"A pruner argument {describe(v)} is not JSON data.")


def _param_from_json(v: Any) -> Any:
    if isinstance(v, Mapping) and set(v) == {"pruner"}:
        return pruner_from_dict(v["pruner"])
    if isinstance(v, list):
        return tuple(_param_from_json(x) for x in v)
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    raise ValueError(f"A stored pruner argument must be JSON data. Got {describe(v)} instead.")


def pruner_from_dict(data: Any) -> Pruner:
    """The pruner that :func:`pruner_to_dict` described (built by its constructor, whose
    checks apply); a ``ValueError`` names what is wrong with bad data."""
    from hyperhop.pruning.combine import AnyPruner

    if not isinstance(data, Mapping) or not isinstance(data.get("name"), str):
        raise ValueError(
            f"A stored pruner must be a dict with a 'name'. Got {describe(data)} instead."
        )
    name = data["name"]
    if name == "any":
        parts = data.get("pruners")
        if not isinstance(parts, list) or not parts:
            raise ValueError("A stored 'any' pruner needs a non-empty list of 'pruners'.")
        return AnyPruner(tuple(pruner_from_dict(p) for p in parts))
    cls = _registry().get(name)
    if cls is None:
        raise ValueError(
            f"A stored pruner must be one of {sorted(_registry())}. Got {name!r} instead."
        )
    params = data.get("params") or {}
    if not isinstance(params, Mapping):
        raise ValueError(f"A stored pruner's 'params' must be a dict. Got {describe(params)}.")
    kwargs = {str(k): _param_from_json(v) for k, v in params.items()}
    try:
        return cls(**kwargs)
    except TypeError as e:
        raise ValueError(f"Pruner {name!r} does not take these arguments: {e}") from None


def fidelity_to_dict(fidelity: Fidelity) -> dict[str, Any]:
    """``{"name": ..., "min": ..., "max": ...}``."""
    return {"name": fidelity.name, "min": fidelity.min, "max": fidelity.max}


def fidelity_from_dict(data: Any) -> Fidelity:
    """The :class:`Fidelity` that :func:`fidelity_to_dict` described."""
    if not isinstance(data, Mapping) or set(data) != {"name", "min", "max"}:
        raise ValueError(
            f"A stored fidelity must be a dict of name, min and max. Got {describe(data)} instead."
        )
    return Fidelity(data["name"], data["min"], data["max"])


# ------------------------------------------------------------------ the study's record
def pruning_record(pruner: Any, fidelity: Fidelity | None) -> dict[str, Any]:
    """What a study stores about pruning: the pruner as given (None: the default, i.e.
    successive halving with a fidelity, else none; a pruner class of your own: its name
    only) and the fidelity.

    Example:
        >>> pruning_record("median", None)["pruner"]["name"]
        'median'
    """
    from hyperhop.pruning import make_pruner

    described: dict[str, Any] | None = None
    if pruner is not None:
        obj = make_pruner(pruner)
        try:
            described = pruner_to_dict(obj)
        except NotSerializable:
            described = {"name": CUSTOM, "repr": repr(obj)[:500]}
    return {
        "version": FORMAT_VERSION,
        "pruner": described,
        "fidelity": None if fidelity is None else fidelity_to_dict(fidelity),
    }


def read_record(record: Any) -> tuple[dict[str, Any] | None, Fidelity | None]:
    """The stored pruner description (None: the default) and fidelity; ``(None, None)``
    for a study stored before pruning was recorded."""
    if record is None:
        return None, None
    if not isinstance(record, Mapping) or record.get("version") != FORMAT_VERSION:
        raise ValueError(
            f"The study's pruning record has format {describe(record)}; this version of "
            f"hyperhop reads version {FORMAT_VERSION}. Upgrade hyperhop, or pass pruner= and fidelity=."
        )
    pruner = record.get("pruner")
    fid = record.get("fidelity")
    return (
        dict(pruner) if isinstance(pruner, Mapping) else None,
        None if fid is None else fidelity_from_dict(fid),
    )


# ------------------------------------------------------------------ command line
def parse_pruner(text: str) -> Pruner:
    """A pruner from its command-line spelling: ``NAME`` or ``NAME:key=value,key=value``
    (values are JSON: numbers, ``true``/``false``/``null``, lists such as
    ``families=["pow3","exp3"]``; anything else is text), and ``A+B`` for either of two
    pruners.

    Example:
        >>> parse_pruner("sha:min_resource=1,reduction_factor=3")
        SuccessiveHalvingPruner(min_resource=1, reduction_factor=3, max_resource=None, min_early_stopping_rate=0)
        >>> parse_pruner("median:n_startup_trials=3").n_startup_trials
        3
    """
    from hyperhop.pruning import make_pruner
    from hyperhop.pruning.combine import AnyPruner

    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"A pruner spelling must be NAME[:key=value,...]. Got {text!r} instead.")
    parts = [p.strip() for p in re.split(r"\+(?=\s*[A-Za-z_])", text)]
    if len(parts) > 1:
        return AnyPruner(tuple(parse_pruner(p) for p in parts))
    name, _, args = parts[0].partition(":")
    kwargs: dict[str, Any] = {}
    items = re.split(r",(?=\s*[A-Za-z_]\w*\s*=)", args)  # a comma that starts a key=
    for item in filter(None, (a.strip() for a in items)):
        key, eq, raw = item.partition("=")
        if not eq or not key.strip():
            raise ValueError(
                f"Pruner arguments are key=value pairs separated by commas, as in "
                f"'sha:min_resource=1,reduction_factor=3'. Got {item!r} in {text!r}."
            )
        kwargs[key.strip()] = _scalar(raw.strip())
    return make_pruner(name.strip(), **kwargs)


def _scalar(raw: str) -> Any:
    try:
        v = json.loads(raw)
    except ValueError:
        return raw
    return tuple(v) if isinstance(v, list) else v


def parse_fidelity(text: str) -> Fidelity:
    """A fidelity from ``NAME:MIN:MAX`` (``epochs:1:81``).

    Example:
        >>> parse_fidelity("epochs:1:27")
        Fidelity(name='epochs', min=1, max=27)
    """
    parts = text.split(":") if isinstance(text, str) else []
    if len(parts) != 3:
        raise ValueError(f"A fidelity is spelt NAME:MIN:MAX, as in 'epochs:1:81'. Got {text!r}.")
    name, lo, hi = parts
    try:
        return Fidelity(name.strip(), int(lo), int(hi))
    except ValueError as e:
        if "Fidelity" in str(e):
            raise
        raise ValueError(
            f"A fidelity's MIN and MAX are whole numbers, as in 'epochs:1:81'. Got {text!r}."
        ) from None
