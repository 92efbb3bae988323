"""A stored study's space may change: compatible changes are accepted, the rest refused.

Compatible (the stored values keep their meaning): a range widened or narrowed (or any
other setting of a numeric parameter but its type and shape), a parameter added or removed,
options added at the end of a choice. The study's current space is kept in its attributes
(the one it was created with stays in its definition); old trials stay, and samplers see
only the trials that fit the current space (:class:`Fitting`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from hyperhop.exceptions import InvalidAssignmentError, InvalidSpaceError
from hyperhop.space import Space
from hyperhop.trial import Trial

CURRENT_SPACE_ATTR = "current_space"
"""The study attribute holding the current space's definition, once it has changed."""

_FIXED_KEYS = ("type", "shape", "as_int")


def _params(definition: Any) -> dict[str, Any]:
    if not isinstance(definition, Mapping) or "params" not in definition:
        return {}
    return {p["label"]: p for p in definition["params"]}


def current_definition(original: Any, attrs: Mapping[str, Any]) -> Any:
    """The study's current space definition: the changed one if any, else the original."""
    changed = attrs.get(CURRENT_SPACE_ATTR)
    return changed if isinstance(changed, Mapping) else original


def _show(d: Mapping[str, Any]) -> str:
    if d.get("type") == "choice":
        return f"choice of {d.get('options')}"
    if "low" in d and "high" in d:
        return f"{d['type']} [{d['low']}, {d['high']}]"
    return str(d.get("type"))


def changes(old: Any, new: Any, where: str) -> list[str]:
    """What changed from ``old`` to ``new`` (space definitions), in words; raises
    :class:`InvalidSpaceError` for a change that would give stored values another meaning."""
    before, after = _params(old), _params(new)
    said: list[str] = []
    for label in sorted(set(before) | set(after)):
        if label not in after:
            said.append(f"removed {label!r}")
            continue
        if label not in before:
            said.append(f"added {label!r} ({_show(after[label]['def'])})")
            continue
        a, b = before[label]["def"], after[label]["def"]
        if a == b:
            continue
        fixed = [k for k in _FIXED_KEYS if a.get(k) != b.get(k)]
        if fixed:
            raise InvalidSpaceError(
                f"{where} was created with {label!r} as {_show(a)}, and it is now {_show(b)}: "
                f"its {', '.join(fixed)} changed, so the stored values would mean something "
                f"else. Use a new study name (or give the new parameter a new label), or keep "
                f"{label!r} as it was."
            )
        if a.get("type") == "choice" or "options" in a:
            old_opts, new_opts = list(a.get("options", [])), list(b.get("options", []))
            if new_opts[: len(old_opts)] != old_opts:
                raise InvalidSpaceError(
                    f"{where}: the options of {label!r} changed from {old_opts} to {new_opts}. "
                    "Stored trials record a choice by its position: add new options at the "
                    "end (the old ones keep their order), or use a new study name."
                )
        said.append(f"{label!r} {_show(a)} -> {_show(b)}")
    return said


class Fitting:
    """The trials that fit the current space, as samplers see them (cached per trial):
    parameters the space no longer has are dropped; a trial that lacks an active
    parameter, or holds a value outside its range, is left out."""

    def __init__(self, space: Space) -> None:
        self.space = space
        self._seen: dict[tuple[int, int], Trial | None] = {}

    def fit(self, trial: Trial) -> Trial | None:
        key = (trial.id, trial.seq)
        if key in self._seen:
            return self._seen[key]
        labels = self.space.labels
        params = {k: v for k, v in trial.assignment.items() if k in labels}
        try:
            self.space.validate(params)
            out: Trial | None = (
                trial
                if len(params) == len(trial.assignment)
                else dataclasses.replace(trial, assignment=params)
            )
        except (InvalidAssignmentError, KeyError, TypeError, ValueError):
            out = None
        self._seen[key] = out
        return out

    def view(self, trials: Sequence[Trial]) -> list[Trial]:
        fitted = (self.fit(t) for t in trials)
        return [t for t in fitted if t is not None]
