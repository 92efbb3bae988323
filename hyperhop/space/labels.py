"""Path labels for the parameters of a template, with the branch where two would collide.

A parameter is labelled by its path in the template (``"model.C"``). Two different
parameters in different options of a choice can sit at the same path (``{"kind": "svm",
"C": hh.float(...)}`` and ``{"kind": "tree", "C": hh.int(...)}``); each of them then gets
the index of its option after the choice's own path (``"model.0.C"``, ``"model.1.C"``),
as a parameter given directly as an option already does (``"model.0"``). Only the labels
that would collide change, so every other label stays what it was; the same parameter
object in two branches is one parameter, labelled at its first place.
"""

from __future__ import annotations

from typing import Any

from hyperhop.space.base import Const, Expr, Parameter
from hyperhop.space.categorical import Choice
from hyperhop.space.conditions import Gated

Path = tuple[str, ...]
Branch = tuple[int, int, int]
"""(id of the choice, option index, where the index goes in the path)."""


def _walk(
    obj: Any,
    path: Path,
    branches: tuple[Branch, ...],
    out: list[tuple[Parameter, Path, tuple[Branch, ...]]],
    walking: set[int],
) -> None:
    # Mirrors Space._compile's paths, so that a label found here is the one it would give.
    if isinstance(obj, Parameter):
        out.append((obj, path, branches))
        if not isinstance(obj, Choice) or id(obj) in walking:
            return
        walking.add(id(obj))
        for i, opt in enumerate(obj.options):
            if isinstance(opt, (Parameter, Expr)):  # labelled by the index already
                _walk(opt, (*path, str(i)), branches, out, walking)
            else:
                _walk(opt, path, (*branches, (id(obj), i, len(path))), out, walking)
        walking.discard(id(obj))
    elif isinstance(obj, Expr):
        for i, a in enumerate(obj.args):
            _walk(a, (*path, str(i)), branches, out, walking)
        for k, v in obj.kwargs.items():
            _walk(v, (*path, str(k)), branches, out, walking)
    elif isinstance(obj, Const):
        return
    elif isinstance(obj, Gated):
        _walk(obj.template, path, branches, out, walking)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            _walk(v, (*path, str(k)), branches, out, walking)
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            _walk(v, (*path, str(i)), branches, out, walking)
    else:
        template = getattr(obj, "template", None)  # a Space
        if template is not None and type(obj).__name__ == "Space":
            _walk(template, path, branches, out, walking)


def _with_branches(path: Path, branches: list[Branch]) -> Path:
    parts = list(path)
    for _, index, at in sorted(branches, key=lambda b: b[2], reverse=True):
        parts.insert(at, str(index))
    return tuple(parts)


def branch_labels(template: Any) -> dict[int, str]:
    """The label of each parameter (by ``id``) whose path collides with another parameter's
    path in another branch of a choice; the others keep ``".".join(path)``.

    Example:
        >>> import hyperhop as hh
        >>> c_svm, c_tree = hh.float(0.1, 10), hh.int(1, 5)
        >>> labels = branch_labels({"m": hh.choice({"C": c_svm}, {"C": c_tree})})
        >>> labels[id(c_svm)], labels[id(c_tree)]
        ('m.0.C', 'm.1.C')
    """
    found: list[tuple[Parameter, Path, tuple[Branch, ...]]] = []
    _walk(template, (), (), found, set())
    first: dict[int, tuple[Parameter, Path, tuple[Branch, ...]]] = {}
    for entry in found:
        first.setdefault(id(entry[0]), entry)
    groups: dict[Path, list[tuple[Parameter, Path, tuple[Branch, ...]]]] = {}
    for entry in first.values():
        if entry[0].label is None:
            groups.setdefault(entry[1], []).append(entry)
    labels: dict[int, str] = {}
    for path, members in groups.items():
        if len(members) < 2:
            continue
        # A choice separates the members where at least two of them sit in different options.
        seen: dict[int, set[int]] = {}
        for _, _, branches in members:
            for choice, index, _ in branches:
                seen.setdefault(choice, set()).add(index)
        splitting = {c for c, indices in seen.items() if len(indices) > 1}
        if not splitting:
            continue
        for param, _, branches in members:
            mine = [b for b in branches if b[0] in splitting]
            labels[id(param)] = ".".join(_with_branches(path, mine))
    return labels
