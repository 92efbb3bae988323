"""The compiled search space: a template turned into labelled parameters with conditions.

A template is any nesting of dicts, lists and tuples holding parameters, expressions and
constants. :class:`Space` flattens it once into an ordered list of :class:`ParamSpec`
(label, parameter, activity condition) and a builder that turns a *flat assignment*
(label -> raw value) back into the nested *config* the objective receives.
"""

from __future__ import annotations

import hashlib
import json
import math
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hyperhop._validation import check_label, describe
from hyperhop.exceptions import InfeasibleSpaceError, InvalidAssignmentError, InvalidSpaceError
from hyperhop.space.base import Const, Expr, Parameter, callable_name, init_params, same_constant
from hyperhop.space.categorical import Choice, describe_template
from hyperhop.space.conditions import Gate, Gated
from hyperhop.space.foreign import check_constant
from hyperhop.space.labels import branch_labels as _branch_labels
from hyperhop.space.numeric import Float, _Numeric

Assignment = dict[str, Any]
Atom = tuple[str, int] | Gate
Condition = tuple[Atom, ...]
"""A conjunction of tests: (choice label, option index) pairs for a choice's options, and
:class:`~hyperhop.space.conditions.Gate` tests on parents' values (from :func:`hh.gated
<hyperhop.space.conditions.gated>`); a parameter is active when any of its conditions holds
(no condition at all: always active)."""


def _atom_key(atom: Atom) -> tuple[int, str, int, str]:
    """Sorts (label, index) pairs as before gates existed, gates after them."""
    if isinstance(atom, Gate):
        return (1, "", 0, json.dumps(atom.definition(), sort_keys=True, default=str))
    return (0, atom[0], atom[1], "")


def _atom_definition(atom: Atom) -> Any:
    return atom.definition() if isinstance(atom, Gate) else list(atom)


RngLike = np.random.Generator | int | None


def as_rng(rng: RngLike) -> np.random.Generator:
    """A NumPy generator from a seed, a generator or None (fresh entropy)."""
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of a flat space: its label, definition and activity conditions.

    Example:
        >>> import hyperhop as hh
        >>> space = hh.Space({"m": hh.choice({"k": "a", "c": hh.int(1, 9)}, {"k": "b"})})
        >>> [(s.label, s.conditional) for s in space.params]
        [('m', False), ('m.c', True)]
    """

    label: str
    param: Parameter
    conditions: tuple[Condition, ...]
    columns: slice

    @property
    def conditional(self) -> bool:
        return bool(self.conditions)

    @property
    def gated(self) -> bool:
        """Whether a condition tests a parent's value (not only a choice's option)."""
        return any(isinstance(a, Gate) for c in self.conditions for a in c)

    @property
    def parents(self) -> frozenset[str]:
        """The labels of the parameters whose values decide whether this one is active."""
        return frozenset(lbl for c in self.conditions for atom in c for lbl in _atom_labels(atom))

    def is_active(self, assignment: Mapping[str, Any]) -> bool:
        """Whether this parameter exists given its parents' values in ``assignment``."""
        if not self.conditions:
            return True
        for cond in self.conditions:
            for atom in cond:
                if type(atom) is tuple:
                    if assignment.get(atom[0]) != atom[1]:
                        break
                elif not atom.holds(assignment):  # type: ignore[union-attr]
                    break
            else:
                return True
        return False


def _atom_labels(atom: Atom) -> frozenset[str] | tuple[str]:
    return atom.labels if isinstance(atom, Gate) else (atom[0],)


class _Mismatch(Exception):
    pass


_ABSENT = object()
"""What a gated part of a template builds to where its condition fails (left out)."""


class _Node:
    def build(self, a: Mapping[str, Any]) -> Any:
        raise NotImplementedError

    def extract(self, value: Any, out: Assignment, partial: bool) -> None:
        raise NotImplementedError


class _Const(_Node):
    def __init__(self, value: Any) -> None:
        self.value = value

    def build(self, a: Mapping[str, Any]) -> Any:
        return self.value

    def extract(self, value: Any, out: Assignment, partial: bool) -> None:
        if not same_constant(self.value, value):
            raise _Mismatch(f"expected the constant {describe(self.value)}, got {describe(value)}")


class _Dict(_Node):
    def __init__(self, items: list[tuple[Any, _Node]]) -> None:
        self.items = items
        self._flat: list[tuple[Any, str, Callable[[Any], Any]]] | None = None
        if all(type(n) is _Param for _, n in items):  # a flat dict of parameters
            self._flat = [(k, n.label, n.param.to_value) for k, n in items]  # type: ignore[attr-defined]
        self._gated = any(type(n) is _GatedNode for _, n in items)

    def build(self, a: Mapping[str, Any]) -> Any:
        if self._flat is not None:
            return {k: to_value(a[label]) for k, label, to_value in self._flat}
        out = {k: n.build(a) for k, n in self.items}
        if self._gated:
            out = {k: v for k, v in out.items() if v is not _ABSENT}
        return out

    def extract(self, value: Any, out: Assignment, partial: bool) -> None:
        if not isinstance(value, Mapping):
            raise _Mismatch(f"expected a dict, got {describe(value)}")
        keys = {k for k, _ in self.items}
        extra = [k for k in value if k not in keys]
        if extra:
            raise _Mismatch(f"unknown key {describe(extra[0])}")
        for k, n in self.items:
            if k in value:
                n.extract(value[k], out, partial)
            elif not partial and type(n) is not _GatedNode:
                raise _Mismatch(f"missing key {describe(k)}")


class _Seq(_Node):
    def __init__(self, items: list[_Node], kind: type) -> None:
        self.items = items
        self.kind = kind

    def build(self, a: Mapping[str, Any]) -> Any:
        out = [n.build(a) for n in self.items]
        out = [None if v is _ABSENT else v for v in out]
        return out if self.kind is list else tuple(out)

    def extract(self, value: Any, out: Assignment, partial: bool) -> None:
        if not isinstance(value, (list, tuple)) or len(value) != len(self.items):
            raise _Mismatch(
                f"expected a sequence of {len(self.items)} items, got {describe(value)}"
            )
        for n, v in zip(self.items, value, strict=True):
            n.extract(v, out, partial)


class _Param(_Node):
    def __init__(self, label: str, param: Parameter) -> None:
        self.label = label
        self.param = param

    def build(self, a: Mapping[str, Any]) -> Any:
        return self.param.to_value(a[self.label])

    def extract(self, value: Any, out: Assignment, partial: bool) -> None:
        raw = self.param.from_value(value)
        if not self.param.contains(raw):
            raise _Mismatch(
                f"{describe(value)} is not a valid value of '{self.label}' ({self.param!r})"
            )
        out[self.label] = raw


class _ChoiceNode(_Node):
    def __init__(self, label: str, param: Choice, options: list[_Node]) -> None:
        self.label = label
        self.param = param
        self.options = options

    def build(self, a: Mapping[str, Any]) -> Any:
        return self.options[a[self.label]].build(a)

    def extract(self, value: Any, out: Assignment, partial: bool) -> None:
        idx = self.param.index_of(value)
        if idx is not None:
            out[self.label] = idx
            return
        for i, node in enumerate(self.options):
            if not self.param.nested[i]:
                continue
            trial: Assignment = {}
            try:
                node.extract(value, trial, partial)
            except _Mismatch:
                continue
            out.update(trial)
            out[self.label] = i
            return
        raise _Mismatch(f"{describe(value)} is not one of the options of '{self.label}'")


class _GatedNode(_Node):
    def __init__(self, gate: Gate, inner: _Node) -> None:
        self.gate = gate  # resolved to raw values when the space is finished
        self.inner = inner

    def build(self, a: Mapping[str, Any]) -> Any:
        return self.inner.build(a) if self.gate.holds(a) else _ABSENT

    def extract(self, value: Any, out: Assignment, partial: bool) -> None:
        if value is not None:
            self.inner.extract(value, out, partial)


class _ExprNode(_Node):
    def __init__(
        self, fn: Callable[..., Any], args: list[_Node], kwargs: list[tuple[str, _Node]]
    ) -> None:
        self.fn = fn
        self.args = args
        self.kwargs = kwargs

    def build(self, a: Mapping[str, Any]) -> Any:
        return self.fn(*[n.build(a) for n in self.args], **{k: n.build(a) for k, n in self.kwargs})

    def extract(self, value: Any, out: Assignment, partial: bool) -> None:
        # An expr over a class matches its instances only; an estimator's parameters are
        # read back from its get_params (scikit-learn's convention).
        if isinstance(self.fn, type):
            if not isinstance(value, self.fn):
                raise _Mismatch(f"expected a {callable_name(self.fn)}, got {describe(value)}")
            params = None if self.args else init_params(value)
            if params is not None and all(k in params for k, _ in self.kwargs):
                for k, node in self.kwargs:
                    node.extract(params[k], out, partial)
                return
        if not partial:
            raise _Mismatch(
                f"the parameters inside hh.expr({callable_name(self.fn)}) cannot be recovered from "
                "its result; pass a flat assignment instead"
            )


class Space:
    """A search space compiled from a template, with optional constraints on the config.

    Example:
        >>> import hyperhop as hh
        >>> space = hh.Space({
        ...     "lr": hh.float(1e-4, 1e-1, log=True),
        ...     "model": hh.choice({"kind": "svm", "C": hh.float(0.1, 10)}, {"kind": "tree"}),
        ... }, constraints=[lambda c: c["lr"] < 0.05])
        >>> [p.label for p in space.params]
        ['lr', 'model', 'model.C']
        >>> a = space.sample_assignment(seed=0)
        >>> space.to_config(a)["lr"] < 0.05
        True

    Two different parameters at the same path in different options of a choice get the
    option's index in their labels (``"opt.0.lr"``, ``"opt.1.lr"``); the same parameter
    object in two options is one parameter. ``branch_labels=False`` gives the labels of
    earlier versions (such parameters share one label when their definitions agree), with
    which a study stored by them is opened.
    """

    max_rejections: int = 1000
    """How many samples to draw before giving up on satisfying the constraints."""

    def __init__(
        self,
        template: Any,
        constraints: Sequence[Callable[[Any], bool]] = (),
        *,
        branch_labels: bool = True,
    ) -> None:
        if isinstance(template, Space):
            constraints = tuple(template.constraints) + tuple(constraints)
            template = template.template
        for c in constraints:
            if not callable(c):
                raise InvalidSpaceError(
                    f"The 'constraints' parameter of hh.Space() must be a list of callables "
                    f"(config -> bool). Got {describe(c)} instead."
                )
        self.template: Any = template
        self.constraints: tuple[Callable[[Any], bool], ...] = tuple(constraints)
        self._specs_by_label: dict[str, list[Any]] = {}
        self._label_of: dict[int, str] = {}
        self._paths: dict[str, tuple[str, ...]] = {}
        self._walking: set[int] = set()
        self.branch_labels = branch_labels
        self._auto_labels = _branch_labels(template) if branch_labels else {}
        self._gated_nodes: list[_GatedNode] = []
        self._root = self._compile(template, (), ())
        self._finish()

    # ----------------------------------------------------------------- compilation
    def _compile(
        self, obj: Any, path: tuple[str, ...], cond: Condition, option: bool = False
    ) -> _Node:
        if isinstance(obj, Parameter):
            label = self._register(obj, path, cond)
            if isinstance(obj, Choice):
                if id(obj) in self._walking:
                    raise InvalidSpaceError(
                        f"The choice '{label}' contains itself; a space must be a tree."
                    )
                self._walking.add(id(obj))
                # A parameter (or expression) given directly as an option has no key of its
                # own: it is labelled by the option's index ("m.0"), so that it cannot take
                # the choice's own label.
                options = [
                    self._compile(
                        opt,
                        (*path, str(i)) if isinstance(opt, (Parameter, Expr)) else path,
                        (*cond, (label, i)),
                        option=True,
                    )
                    for i, opt in enumerate(obj.options)
                ]
                self._walking.discard(id(obj))
                return _ChoiceNode(label, obj, options)
            return _Param(label, obj)
        if isinstance(obj, Gated):
            node = _GatedNode(
                obj.when, self._compile(obj.template, path, (*cond, obj.when), option)
            )
            self._gated_nodes.append(node)
            return node
        if isinstance(obj, Expr):
            args = [self._compile(a, (*path, str(i)), cond) for i, a in enumerate(obj.args)]
            kwargs = [(k, self._compile(v, (*path, str(k)), cond)) for k, v in obj.kwargs.items()]
            return _ExprNode(obj.fn, args, kwargs)
        if isinstance(obj, Space):
            return self._compile(obj.template, path, cond)
        if isinstance(obj, dict):
            return _Dict([(k, self._compile(v, (*path, str(k)), cond)) for k, v in obj.items()])
        if isinstance(obj, (list, tuple)):
            return _Seq(
                [self._compile(v, (*path, str(i)), cond) for i, v in enumerate(obj)], type(obj)
            )
        if isinstance(obj, Const):
            return _Const(obj.value)
        check_constant(obj, ".".join(path) or "the space", option=option)
        return _Const(obj)

    def _register(self, param: Parameter, path: tuple[str, ...], cond: Condition) -> str:
        label = self._label_of.get(id(param))
        if label is None:
            label = param.label
            if label is None:
                label = self._auto_labels.get(id(param)) or ".".join(path) or "x"
            check_label(label)
            if param.label is None:
                self._check_path(label, path)
            entry = self._specs_by_label.get(label)
            if entry is not None and entry[0] is not param:
                if entry[0].definition() != param.definition():
                    raise InvalidSpaceError(
                        f"The label '{label}' is given to two different parameters, "
                        f"{entry[0]!r} and {param!r}. Give one of them its own label= "
                        "(or use the same parameter object in both places)."
                    )
            self._label_of[id(param)] = label
        entry = self._specs_by_label.setdefault(label, [param, set()])
        entry[1].add(cond)
        return label

    def _check_path(self, label: str, path: tuple[str, ...]) -> None:
        """Two places whose keys join to the same label (``{"a.b": ...}`` and ``{"a": {"b":
        ...}}``) would silently become one parameter: refuse, naming both."""
        seen = self._paths.setdefault(label, path)
        if seen != path:
            raise InvalidSpaceError(
                f"The space has a parameter at {_place(seen)} and another at {_place(path)}; "
                f"both would be labelled '{label}' and searched as one. Rename a key, or "
                "give one of them its own label=."
            )

    def _resolve(self, gate: Gate) -> Gate:
        def lookup(label: str) -> Parameter:
            entry = self._specs_by_label.get(label)
            if entry is None:
                raise InvalidSpaceError(
                    f"A condition tests {label!r}, which is not a parameter of this space; "
                    f"the labels are {list(self._specs_by_label)}."
                )
            param: Parameter = entry[0]
            return param

        return gate.resolve(lookup)

    def _finish(self) -> None:
        resolved: dict[int, Gate] = {}

        def gate(g: Gate) -> Gate:
            if id(g) not in resolved:
                resolved[id(g)] = self._resolve(g)
            return resolved[id(g)]

        def res(atom: Atom) -> Atom:
            return gate(atom) if isinstance(atom, Gate) else atom

        for node in self._gated_nodes:
            node.gate = gate(node.gate)
        for entry in self._specs_by_label.values():
            entry[1] = {tuple(res(a) for a in c) for c in entry[1]}
        placed: list[str] = []
        pending = list(self._specs_by_label)
        while pending:
            done = set(placed)
            progressed = False
            for label in list(pending):
                conds = self._specs_by_label[label][1]
                parents = {lbl for c in conds for a in c for lbl in _atom_labels(a)}
                if parents <= done:
                    placed.append(label)
                    pending.remove(label)
                    progressed = True
            if not progressed:
                raise InvalidSpaceError(f"Parameters {pending} depend on each other in a cycle.")
        specs: list[ParamSpec] = []
        col = 0
        for label in placed:
            param, conds = self._specs_by_label[label]
            conditions: tuple[Condition, ...] = (
                () if () in conds else tuple(sorted(conds, key=lambda c: [_atom_key(a) for a in c]))
            )
            width = param.n_columns
            specs.append(ParamSpec(label, param, conditions, slice(col, col + width)))
            col += width
        self.params: tuple[ParamSpec, ...] = tuple(specs)
        self._by_label = {s.label: s for s in specs}
        self.dim = col
        self._plan_batches()
        del self._walking

    # ----------------------------------------------------------------- lookups
    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(s.label for s in self.params)

    def __len__(self) -> int:
        return len(self.params)

    def __iter__(self) -> Iterator[ParamSpec]:
        return iter(self.params)

    def __contains__(self, label: object) -> bool:
        return label in self._by_label

    def __getitem__(self, label: str) -> ParamSpec:
        try:
            return self._by_label[label]
        except KeyError:
            raise KeyError(
                f"No parameter labelled {label!r}; the labels are {list(self._by_label)}"
            ) from None

    def __repr__(self) -> str:
        return f"Space({', '.join(f'{s.label}={s.param!r}' for s in self.params)})"

    def definition(self) -> dict[str, Any]:
        """JSON description of the flat space (labels, definitions, conditions)."""
        return {
            "params": [
                {
                    "label": s.label,
                    "def": s.param.definition(),
                    "conditions": [[_atom_definition(a) for a in c] for c in s.conditions],
                }
                for s in self.params
            ],
            "template": describe_template(self.template),
            "constraints": [callable_name(c) for c in self.constraints],
        }

    def fingerprint(self) -> str:
        """A short hash of :meth:`definition`: equal spaces have equal fingerprints."""
        text = json.dumps(self.definition(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    # ----------------------------------------------------------------- sampling
    def _draw(self, rng: np.random.Generator, base: Mapping[str, Any] | None = None) -> Assignment:
        if base is None and self._batch is not None:
            return self._draw_batched(rng)
        a: Assignment = {}
        for spec in self.params:
            if spec.conditions and not spec.is_active(a):
                continue
            if base is not None and spec.label in base:
                a[spec.label] = base[spec.label]
            else:
                a[spec.label] = spec.param.sample(rng)
        return a

    def _plan_batches(self) -> None:
        """Group runs of unconditional plain floats, so one ``rng.random`` call draws a run
        (the same doubles, in the same order, as one ``rng.uniform`` call per parameter)."""
        plan: list[Any] = []
        run: list[ParamSpec] = []

        def close() -> None:
            if len(run) > 1:
                ps = [r.param for r in run]
                plan.append(
                    (
                        [r.label for r in run],
                        [p._a for p in ps],  # type: ignore[attr-defined]
                        [p._b - p._a for p in ps],  # type: ignore[attr-defined]
                        [(p.log, p.low, p.high) for p in ps],  # type: ignore[attr-defined]
                    )
                )
            else:
                plan.extend(run)
            run.clear()

        for spec in self.params:
            p = spec.param
            if (
                not spec.conditions
                and type(p) is Float
                and p.shape is None
                and p.q is None
                and p.precision is None
            ):
                run.append(spec)
            else:
                close()
                plan.append(spec)
        close()
        self._batch = plan if any(type(x) is tuple for x in plan) else None

    def _draw_batched(self, rng: np.random.Generator) -> Assignment:
        a: Assignment = {}
        exp = math.exp
        for item in self._batch or ():
            if type(item) is tuple:
                labels, lo, span, finish = item
                # lo + span * u is what rng.uniform computes, without its broadcasting cost
                us = rng.random(len(labels)).tolist()
                for label, a0, w, u, (log, low, high) in zip(
                    labels, lo, span, us, finish, strict=True
                ):
                    v = a0 + w * u
                    if log:
                        v = exp(v)
                    a[label] = low if v < low else high if v > high else v
            elif not item.conditions or item.is_active(a):
                a[item.label] = item.param.sample(rng)
        return a

    def _feasible_or_retry(self, draw: Callable[[], Assignment], what: str) -> Assignment:
        if not self.constraints:
            return draw()
        for _ in range(self.max_rejections):
            a = draw()
            if self.is_feasible(a):
                return a
        names = ", ".join(callable_name(c) for c in self.constraints)
        raise InfeasibleSpaceError(
            f"No {what} satisfied the constraints ({names}) in {self.max_rejections} attempts. "
            "Check that they can hold together, or widen the ranges."
        )

    def sample(self, rng: RngLike = None, *, seed: int | None = None) -> Assignment:
        """Deprecated: :meth:`sample_assignment` (``hh.sample(space)`` draws a config)."""
        warnings.warn(
            "Space.sample() is renamed Space.sample_assignment() (a flat assignment); "
            "hh.sample(space) draws a config.",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.sample_assignment(rng, seed=seed)

    def sample_assignment(self, rng: RngLike = None, *, seed: int | None = None) -> Assignment:
        """Draw a flat assignment (label -> raw value) from the prior, respecting constraints
        (for samplers; ``hh.sample(space)`` draws the nested config an objective receives)."""
        if self._batch is not None and not self.constraints and type(rng) is np.random.Generator:
            return self._draw_batched(rng)  # the common case, without the general path's calls
        gen = as_rng(seed if rng is None else rng)
        return self._feasible_or_retry(lambda: self._draw(gen), "sample")

    def complete(self, partial: Mapping[str, Any], rng: RngLike = None) -> Assignment:
        """Fill the active parameters missing from ``partial`` by sampling; drop inactive ones."""
        unknown = [k for k in partial if k not in self._by_label]
        if unknown:
            raise InvalidAssignmentError(
                f"Unknown parameter {unknown[0]!r}; the labels are {list(self._by_label)}"
            )
        for k, v in partial.items():
            if not self._by_label[k].param.contains(v):
                raise InvalidAssignmentError(
                    f"{describe(v)} is not a valid value of '{k}' ({self._by_label[k].param!r})"
                )
        gen = as_rng(rng)
        return self._feasible_or_retry(
            lambda: self._draw(gen, partial), "completion of the given values"
        )

    def default(self, rng: RngLike = None) -> Assignment:
        """The central point (each parameter's default; sampled where there is none)."""
        gen = as_rng(rng)
        a: Assignment = {}
        for spec in self.params:
            if spec.is_active(a):
                d = spec.param.default()
                a[spec.label] = spec.param.sample(gen) if d is None else d
        return a

    def perturb(
        self,
        assignment: Mapping[str, Any],
        temperature: float,
        rng: RngLike = None,
        *,
        redraw_choices: bool = False,
        may_stay: bool = False,
    ) -> Assignment:
        """A neighbour for local search: a random subset of about ``temperature`` x the active
        parameters moves (at least one); temperature 1 gives a fresh sample. Parameters that
        become active are sampled; ones that become inactive are dropped.

        ``redraw_choices``: a selected unordered ``choice`` is drawn again from its prior
        (PyHopper's rule: it keeps its option with probability 1/n) instead of always moving
        to another option. ``may_stay``: a selected int (or other quantized number) takes one
        step (:meth:`~hyperhop.space.numeric.Float.local_step`), which may round back onto its value,
        as PyHopper's do, instead of being pushed until it moves."""
        gen = as_rng(rng)
        t = float(temperature)

        def move(spec: ParamSpec, v: Any) -> Any:
            p = spec.param
            if redraw_choices and isinstance(p, Choice) and not p.ordinal:
                return p.sample(gen)
            if may_stay and isinstance(p, _Numeric):
                return p.local_step(v, t, gen)
            return p.mutate(v, t, gen)

        def draw() -> Assignment:
            active = [s.label for s in self.params if s.label in assignment]
            n = len(active)
            k = n if t >= 1.0 else min(n, max(int(round(t * n)), 1))
            chosen = {active[i] for i in gen.choice(n, size=k, replace=False)} if n else set()
            out: Assignment = {}
            for spec in self.params:
                if spec.conditions and not spec.is_active(out):
                    continue
                if spec.label in assignment:
                    v = assignment[spec.label]
                    out[spec.label] = move(spec, v) if spec.label in chosen else v
                else:
                    out[spec.label] = spec.param.sample(gen)
            return out

        return self._feasible_or_retry(draw, "perturbation")

    # ----------------------------------------------------------------- configs
    def to_config(self, assignment: Mapping[str, Any]) -> Any:
        """The nested config the objective receives, built from a flat assignment."""
        try:
            config = self._root.build(assignment)
            return None if config is _ABSENT else config
        except KeyError as e:
            raise InvalidAssignmentError(
                f"The assignment lacks the active parameter {e.args[0]!r}."
            ) from None

    def values(self, assignment: Mapping[str, Any]) -> dict[str, Any]:
        """The assignment as a person reads it: label -> value (a choice's option, not its
        index); labels this space does not know are kept as they are.

        Example:
            >>> import hyperhop as hh
            >>> hh.Space({"depth": hh.choice(4, 8), "scale": hh.choice(True, False)}).values(
            ...     {"depth": 1, "scale": 0})
            {'depth': 8, 'scale': True}
        """
        by_label = self._by_label
        out: dict[str, Any] = {}
        for k, v in assignment.items():
            spec = by_label.get(k)
            out[k] = v if spec is None else spec.param.display_value(v)
        return out

    def from_config(self, config: Any, *, partial: bool = False) -> Assignment:
        """The flat assignment behind a config (``partial``: missing keys are allowed)."""
        out: Assignment = {}
        try:
            self._root.extract(config, out, partial)
        except _Mismatch as e:
            raise InvalidAssignmentError(f"The config does not fit the space: {e}.") from None
        return {s.label: out[s.label] for s in self.params if s.label in out}

    def is_feasible(self, assignment: Mapping[str, Any]) -> bool:
        """Whether the assignment's config satisfies every constraint."""
        if not self.constraints:
            return True
        config = self.to_config(assignment)
        return all(bool(c(config)) for c in self.constraints)

    def validate(self, assignment: Mapping[str, Any]) -> None:
        """Raise :class:`InvalidAssignmentError` unless every active parameter, and only those,
        has a valid value."""
        for k in assignment:
            if k not in self._by_label:
                raise InvalidAssignmentError(
                    f"Unknown parameter {k!r}; the labels are {list(self._by_label)}"
                )
        for spec in self.params:
            active = spec.is_active(assignment)
            if active and spec.label not in assignment:
                raise InvalidAssignmentError(f"The active parameter {spec.label!r} has no value.")
            if not active and spec.label in assignment:
                raise InvalidAssignmentError(
                    f"The parameter {spec.label!r} is inactive here but has a value."
                )
            if active and not spec.param.contains(assignment[spec.label]):
                raise InvalidAssignmentError(
                    f"{describe(assignment[spec.label])} is not a valid value of {spec.label!r} ({spec.param!r})."
                )

    def is_valid(self, assignment: Mapping[str, Any]) -> bool:
        try:
            self.validate(assignment)
        except InvalidAssignmentError:
            return False
        return True

    # ----------------------------------------------------------------- encoding
    def encode(
        self, assignment: Mapping[str, Any], inactive: float = np.nan
    ) -> tuple[np.ndarray, np.ndarray]:
        """Encode to the unit cube: ``(x, mask)`` with ``mask`` False where a parameter is
        inactive (and ``x`` holds ``inactive`` there). Custom parameters take no column."""
        x, m = self.encode_many([assignment], inactive)
        return x[0], m[0]

    def encode_many(
        self, assignments: Sequence[Mapping[str, Any]], inactive: float = np.nan
    ) -> tuple[np.ndarray, np.ndarray]:
        """Encode several assignments into ``(X, M)`` arrays of shape ``(n, dim)``."""
        X = np.full((len(assignments), self.dim), inactive, dtype=float)
        M = np.zeros((len(assignments), self.dim), dtype=bool)
        specs = [s for s in self.params if s.columns.stop > s.columns.start]
        for r, a in enumerate(assignments):
            for s in specs:
                v = a.get(s.label, _MISSING)
                if v is not _MISSING:
                    X[r, s.columns] = s.param.encode(v)
                    M[r, s.columns] = True
        return X, M

    def decode(
        self, x: np.ndarray, rng: RngLike = None, *, fill: Mapping[str, Any] | None = None
    ) -> Assignment:
        """Decode a unit-cube vector to an assignment. Parameters without columns (custom
        types) are taken from ``fill``, else their default, else sampled with ``rng``."""
        x = np.asarray(x, dtype=float).reshape(-1)
        if x.shape[0] != self.dim:
            raise InvalidAssignmentError(
                f"Expected a vector of {self.dim} numbers, got {x.shape[0]}."
            )
        gen: np.random.Generator | None = None
        a: Assignment = {}
        for spec in self.params:
            if spec.conditions and not spec.is_active(a):
                continue
            if spec.columns.stop > spec.columns.start:
                a[spec.label] = spec.param.decode(x[spec.columns])
            elif fill is not None and spec.label in fill:
                a[spec.label] = fill[spec.label]
            else:
                d = spec.param.default()
                if d is None:
                    gen = gen or as_rng(rng)
                    d = spec.param.sample(gen)
                a[spec.label] = d
        return a


_MISSING = object()


def as_space(space: Any) -> Space:
    """A :class:`Space` from a space or a template.

    Args:
        space: a :class:`Space` (returned as it is) or a template: a dict, list or tuple
            holding parameters, or a single parameter.

    Returns:
        The compiled space.

    Raises:
        InvalidSpaceError: the template is invalid (the message names the place and the fix).

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.space import as_space
        >>> space = as_space({"lr": hh.float(1e-4, 1e-1, log=True), "layers": hh.int(1, 3)})
        >>> space.labels, as_space(space) is space
        (('lr', 'layers'), True)
    """
    return space if isinstance(space, Space) else Space(space)


def _place(path: tuple[str, ...]) -> str:
    """A path of keys as a person reads it: ``['a']['b']``."""
    return "".join(f"[{k!r}]" for k in path) or "the top"
