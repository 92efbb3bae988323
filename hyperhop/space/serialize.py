"""Rebuild a space from its stored JSON description (for tools that open a study without
the script that defined it: the command line, dashboards, shared-database workers)."""

from __future__ import annotations

from typing import Any

from hyperhop.exceptions import InvalidSpaceError
from hyperhop.space.base import Parameter
from hyperhop.space.categorical import Choice, RandInt
from hyperhop.space.conditions import gate_from_definition, gated
from hyperhop.space.numeric import Float, Int, Normal
from hyperhop.space.space import Space


def _param(d: dict[str, Any]) -> Parameter:
    kind = d.get("type")
    label = d.get("label")
    if kind == "float":
        return Float(
            d["low"],
            d["high"],
            log=d.get("log", False),
            q=d.get("q"),
            q_mode=d.get("q_mode") or "grid",
            precision=d.get("precision"),
            shape=d.get("shape"),
            as_int=d.get("as_int", False),
            label=label,
        )
    if kind == "int":
        return Int(
            d["low"],
            d["high"],
            log=d.get("log", False) and d.get("power_of") is None,
            step=d.get("step", 1),
            multiple_of=d.get("multiple_of"),
            power_of=d.get("power_of"),
            shape=d.get("shape"),
            label=label,
        )
    if kind == "choice":
        return Choice(
            tuple(_template(o) for o in d["options"]),
            probs=d.get("probs"),
            ordinal=d.get("ordinal", False),
            label=label,
        )
    if kind == "randint":
        return RandInt(d["low"], d["upper"], label=label)
    if kind in ("normal", "lognormal"):
        return Normal(d["mu"], d["sigma"], q=d.get("q"), log=kind == "lognormal", label=label)
    raise InvalidSpaceError(
        f"A stored parameter of type {kind!r} cannot be rebuilt without the code that defined it; "
        "pass the space to load_study()."
    )


def _template(d: Any) -> Any:
    if isinstance(d, dict):
        kind = d.get("type")
        if kind == "dict":
            return {k: _template(v) for k, v in d["items"].items()}
        if kind == "list":
            return [_template(v) for v in d["items"]]
        if kind == "tuple":
            return tuple(_template(v) for v in d["items"])
        if kind == "gated":
            return gated(_template(d["template"]), when=gate_from_definition(d["when"]))
        return _param(d)
    return d


def space_from_definition(definition: Any) -> Space:
    """A :class:`Space` equal to the one whose :meth:`Space.definition` is given; raises
    :class:`InvalidSpaceError` for expressions, custom types and constraints."""
    if not isinstance(definition, dict) or "template" not in definition:
        raise InvalidSpaceError("The study stores no space description; pass the space explicitly.")
    if definition.get("constraints"):
        raise InvalidSpaceError(
            "The stored space has constraints (code); pass the space to load_study()."
        )
    return Space(_template(definition["template"]))


def space_for_reading(definition: Any) -> Space:
    """A space that shows a stored study's trials as values (``trial.params``) without the
    code that defined it: the stored space itself when it can be rebuilt, else one with every
    parameter that can be (a parameter that cannot keeps its raw value; ``trial.config``
    needs the full space, so use this for reading only)."""
    try:
        return space_from_definition(definition)
    except (InvalidSpaceError, KeyError, TypeError, ValueError):
        pass
    entries = definition.get("params", []) if isinstance(definition, dict) else []
    flat: dict[str, Parameter] = {}
    for i, entry in enumerate(entries):
        try:
            flat[str(i)] = _param({**entry["def"], "label": entry["label"]})
        except (InvalidSpaceError, KeyError, TypeError, ValueError):
            continue
    return Space(flat)
