"""Activity conditions on other parameters' values: a parameter (or any part of a template)
that exists only when a numeric parent is above a threshold, a choice is not some option,
or several such tests hold (ConfigSpace's ``EqualsCondition``, ``NotEqualsCondition``,
``InCondition``, ``GreaterThanCondition``, ``LessThanCondition``, ``AndConjunction``,
``OrConjunction``).

A choice's options gate their own parameters already; :func:`gated` adds gates that name
their parents by label::

    >>> import hyperhop as hh
    >>> space = hh.Space({
    ...     "depth": hh.int(1, 10),
    ...     "width": hh.gated(hh.int(8, 64), when=hh.ref("depth") > 5),
    ... })
    >>> space.to_config({"depth": 3})
    {'depth': 3}
    >>> space.to_config({"depth": 7, "width": 16})
    {'depth': 7, 'width': 16}

A gate compares the parent's *value* (a choice's option, a number); a parent that is itself
inactive makes every test on it false, so its children are inactive too.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from hyperhop._validation import describe
from hyperhop.exceptions import InvalidSpaceError

_TESTS = ("==", "!=", "in", ">", "<")
_MISSING = object()


@dataclass(frozen=True)
class Gate:
    """A test on parents' values: ``op`` is one of ``==``, ``!=``, ``in``, ``>``, ``<`` (on
    ``label``, against ``operand``) or ``and`` / ``or`` (over ``parts``).

    A gate made by :func:`ref` holds values as the user wrote them; the space *resolves* it to
    raw values (a choice's option index) when it compiles, so that tests on an assignment
    are plain comparisons.

    Example:
        >>> import hyperhop as hh
        >>> gate = (hh.ref("kernel") == "rbf") & (hh.ref("depth") > 5)
        >>> gate.op, [part.op for part in gate.parts]
        ('and', ['==', '>'])
    """

    op: str
    label: str = ""
    operand: Any = None
    parts: tuple[Gate, ...] = ()
    resolved: bool = False

    def __and__(self, other: Gate) -> Gate:
        return Gate("and", parts=(*_flat(self, "and"), *_flat(_check_gate(other), "and")))

    def __or__(self, other: Gate) -> Gate:
        return Gate("or", parts=(*_flat(self, "or"), *_flat(_check_gate(other), "or")))

    def __bool__(self) -> bool:
        raise TypeError(
            "A condition has no truth value of its own; combine conditions with & and |, "
            "not 'and' / 'or'."
        )

    @property
    def labels(self) -> frozenset[str]:
        """The labels of the parameters this gate reads."""
        if self.op in ("and", "or"):
            return frozenset().union(*(p.labels for p in self.parts))
        return frozenset((self.label,))

    def holds(self, assignment: Mapping[str, Any]) -> bool:
        """Whether the test holds on a flat assignment (raw values; a resolved gate)."""
        op = self.op
        if op == "and":
            return all(p.holds(assignment) for p in self.parts)
        if op == "or":
            return any(p.holds(assignment) for p in self.parts)
        v = assignment.get(self.label, _MISSING)
        if v is _MISSING:
            return False
        if op == "==":
            return bool(v == self.operand)
        if op == "!=":
            return bool(v != self.operand)
        if op == "in":
            return v in self.operand
        if op == ">":
            return bool(v > self.operand)
        return bool(v < self.operand)

    def resolve(self, lookup: Callable[[str], Any]) -> Gate:
        """The gate on raw values: ``lookup(label)`` gives the parent's parameter."""
        if self.resolved:
            return self
        if self.op in ("and", "or"):
            return Gate(self.op, parts=tuple(p.resolve(lookup) for p in self.parts), resolved=True)
        param = lookup(self.label)
        if getattr(param, "shape", None) is not None:
            raise InvalidSpaceError(
                f"A condition tests '{self.label}', an array parameter; gate on a scalar "
                "parameter instead."
            )
        index_of = getattr(param, "index_of", None)
        if index_of is None:  # a number: raw values are the numbers themselves
            operand = self.operand
            if self.op == "in":
                operand = tuple(sorted(set(operand), key=repr))
            return Gate(self.op, self.label, operand, resolved=True)
        return Gate("in", self.label, _choice_indices(self, param), resolved=True)

    def definition(self) -> Any:
        """JSON description (for fingerprints and stored spaces)."""
        if self.op in ("and", "or"):
            return [self.op, [p.definition() for p in self.parts]]
        operand = list(self.operand) if self.op == "in" else self.operand
        return [self.op, self.label, json.loads(json.dumps(operand, default=repr))]

    def __repr__(self) -> str:
        if self.op in ("and", "or"):
            return "(" + f" {'&' if self.op == 'and' else '|'} ".join(map(repr, self.parts)) + ")"
        if self.op == "in":
            return f"ref({self.label!r}).isin({list(self.operand)!r})"
        return f"ref({self.label!r}) {self.op} {self.operand!r}"


def gate_from_definition(d: Any) -> Gate:
    """The gate whose :meth:`Gate.definition` is ``d`` (as the user wrote it, unresolved)."""
    op = d[0]
    if op in ("and", "or"):
        return Gate(op, parts=tuple(gate_from_definition(p) for p in d[1]))
    if op not in _TESTS:
        raise InvalidSpaceError(f"A stored condition has an unknown test {op!r}.")
    return Gate(op, d[1], tuple(d[2]) if op == "in" else d[2])


def _check_gate(other: Any) -> Gate:
    if not isinstance(other, Gate):
        raise TypeError(
            f"Combine conditions with conditions (hh.ref(...) == ...); got {describe(other)}."
        )
    return other


def _flat(g: Gate, op: str) -> tuple[Gate, ...]:
    return g.parts if g.op == op else (g,)


def _choice_indices(gate: Gate, param: Any) -> tuple[int, ...]:
    """The option indices of a choice for which ``gate`` (a single test) holds."""
    n = int(param.n_values)

    def index(value: Any) -> int:
        i = param.index_of(value)
        if i is None:
            options = [param.display_value(k) for k in range(n)]
            raise InvalidSpaceError(
                f"A condition tests '{gate.label}' against {describe(value)}, which is not one of "
                f"its options {options}."
            )
        return int(i)

    op = gate.op
    if op == "==":
        return (index(gate.operand),)
    if op == "!=":
        k = index(gate.operand)
        return tuple(i for i in range(n) if i != k)
    if op == "in":
        return tuple(sorted({index(v) for v in gate.operand}))
    if getattr(param, "ordinal", False):  # ordered options compare by position
        k = index(gate.operand)
        return tuple(i for i in range(n) if (i > k if op == ">" else i < k))
    out = []
    for i in range(n):
        opt = param.display_value(i)
        try:
            ok = opt > gate.operand if op == ">" else opt < gate.operand
        except TypeError:
            raise InvalidSpaceError(
                f"A condition compares '{gate.label}' with {op} {describe(gate.operand)}, but its "
                f"option {describe(opt)} does not compare with it; use == or isin() on a "
                "choice, or make it ordinal (hh.choice(..., ordinal=True))."
            ) from None
        if ok:
            out.append(i)
    return tuple(out)


class Ref:
    """A parent parameter named by its label, to build conditions with ``==``, ``!=``,
    ``>``, ``<`` and :meth:`isin` (combined with ``&`` and ``|``).

    Example:
        >>> import hyperhop as hh
        >>> (hh.ref("kind") == "svm") & (hh.ref("C") > 1.0)
        (ref('kind') == 'svm' & ref('C') > 1.0)
    """

    __hash__ = None  # type: ignore[assignment]

    def __init__(self, label: str) -> None:
        if not isinstance(label, str) or not label:
            raise TypeError(
                f"hh.ref() takes a parameter's label (a string); got {describe(label)}."
            )
        self.label = label

    def __eq__(self, value: object) -> Gate:  # type: ignore[override]
        return Gate("==", self.label, value)

    def __ne__(self, value: object) -> Gate:  # type: ignore[override]
        return Gate("!=", self.label, value)

    def __gt__(self, value: Any) -> Gate:
        return Gate(">", self.label, _number(value, self.label, ">"))

    def __lt__(self, value: Any) -> Gate:
        return Gate("<", self.label, _number(value, self.label, "<"))

    def isin(self, values: Iterable[Any]) -> Gate:
        """The parent's value is one of ``values``."""
        if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
            raise TypeError(
                f"isin() takes a list of values for '{self.label}'; got {describe(values)}."
            )
        vals = tuple(values)
        if not vals:
            raise ValueError(f"isin() needs at least one value for '{self.label}'.")
        return Gate("in", self.label, vals)

    def __repr__(self) -> str:
        return f"ref({self.label!r})"


def _number(value: Any, label: str, op: str) -> Any:
    if isinstance(value, bool):
        raise TypeError(f"ref({label!r}) {op} needs a number or an option; got {describe(value)}.")
    return value


def ref(label: str) -> Ref:
    """The parameter labelled ``label``, to write a condition on (see :func:`gated`).

    Compare it with ``==``, ``!=``, ``>``, ``<`` or ``.isin([...])`` to make a :class:`Gate`;
    combine gates with ``&`` and ``|``.

    Args:
        label: the parameter's label (its key path, as ``"model.kernel"``, or its ``label=``).

    Returns:
        A reference whose comparisons build gates.

    Example:
        >>> import hyperhop as hh
        >>> space = {"kernel": hh.choice("linear", "rbf"),
        ...          "gamma": hh.gated(hh.float(0.1, 1.0), when=hh.ref("kernel") == "rbf")}
        >>> cfg = hh.sample(space, seed=0)
        >>> ("gamma" in cfg) == (cfg["kernel"] == "rbf")
        True
    """
    return Ref(label)


class Gated:
    """A template that exists only where ``when`` holds (see :func:`gated`).

    Example:
        >>> import hyperhop as hh
        >>> g = hh.gated(hh.int(1, 4), when=hh.ref("model") == "mlp")
        >>> g.when
        ref('model') == 'mlp'
    """

    def __init__(self, template: Any, when: Gate) -> None:
        self.template = template
        self.when = when

    def __repr__(self) -> str:
        return f"gated({self.template!r}, when={self.when!r})"


def gated(template: Any, *, when: Gate) -> Gated:
    """A parameter (or a part of a template) that is active only where ``when`` holds.

    Where the condition fails, the parameter has no value in the flat assignment and its key
    is left out of the config (``None`` in a list or tuple).

    Example:
        >>> import hyperhop as hh
        >>> space = hh.Space({
        ...     "kind": hh.choice("linear", "rbf", "poly"),
        ...     "gamma": hh.gated(hh.float(0.01, 1.0), when=hh.ref("kind").isin(["rbf", "poly"])),
        ... })
        >>> space.to_config({"kind": 0})
        {'kind': 'linear'}
    """
    if not isinstance(when, Gate):
        raise TypeError(
            "The 'when' parameter of hh.gated() must be a condition such as "
            f"hh.ref('depth') > 3; got {describe(when)}."
        )
    return Gated(template, when)
