"""The bad-input table (RELIABILITY.md scenario 19, issue 2's "Bad input"): each mistake
raises InvalidSpaceError (also a ValueError) where it is made, with a message naming the
argument (or the parameter) and the value; plus the constructors' accepted spellings."""

# The table passes wrong types on purpose.
# mypy: disable-error-code="arg-type, list-item"

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest

import hyperhop as hh

NAN, INF = math.nan, math.inf


def _dup_label() -> Any:
    return hh.Space({"a": hh.float(0, 1, label="lr"), "b": hh.float(0, 2, label="lr")})


def _dup_path_label() -> Any:
    # with the old labels both branches are "m.C" by path, with different definitions
    # (by default they are "m.0.C" and "m.1.C": tests/space/test_labels.py)
    return hh.Space(
        {"m": hh.choice({"k": "svm", "C": hh.float(0.1, 10)}, {"k": "lr", "C": hh.int(1, 9)})},
        branch_labels=False,
    )


def _space_label(label: str) -> Callable[[], Any]:
    return lambda: hh.Space({label: hh.float(0, 1)})


# (id, call, fragments that the message must contain)
BAD: list[tuple[str, Callable[[], Any], tuple[str, ...]]] = [
    ("float low>high", lambda: hh.float(5, 1), ("'low'", "hh.float()", "low=5", "high=1")),
    ("float low==high", lambda: hh.float(1, 1), ("'low'", "< high", "low=1")),
    ("int low>high", lambda: hh.int(9, 3), ("'low'", "hh.int()", "low=9")),
    ("uniform low>high", lambda: hh.uniform(2, 1), ("'low'", "hh.uniform()", "low=2")),
    ("loguniform low>high", lambda: hh.loguniform(3, -1), ("'low'", "hh.loguniform()")),
    ("quniform low==high", lambda: hh.quniform(1, 1, 1), ("'low'", "hh.quniform()")),
    ("float log low=0", lambda: hh.float(0, 1, log=True), ("'low'", "log=True", "Got 0")),
    ("float log low<0", lambda: hh.float(-1, 1, log=True), ("'low'", "> 0", "Got -1")),
    ("int log low=0", lambda: hh.int(0, 10, log=True), ("'low'", "log=True", "Got 0")),
    ("fmt g with low=0", lambda: hh.float(0, 1, "0.1g"), ("'low'", "log", "Got 0")),
    ("float nan low", lambda: hh.float(NAN, 1), ("'low'", "finite", "nan")),
    ("float inf high", lambda: hh.float(0, INF), ("'high'", "finite", "inf")),
    ("int -inf low", lambda: hh.int(-INF, 3), ("'low'", "finite", "-inf")),
    ("normal nan mu", lambda: hh.normal(NAN, 1), ("'mu'", "finite", "nan")),
    ("normal inf sigma", lambda: hh.normal(0, INF), ("'sigma'", "finite", "inf")),
    ("uniform nan", lambda: hh.uniform(0, NAN), ("'high'", "nan")),
    ("loguniform inf", lambda: hh.loguniform(0, INF), ("'high'", "inf")),
    ("loguniform huge", lambda: hh.loguniform(0, 800), ("'high'", "logarithm", "800")),
    ("normal sigma=0", lambda: hh.normal(0, 0), ("'sigma'", "> 0", "Got 0")),
    ("lognormal sigma<0", lambda: hh.lognormal(0, -1), ("'sigma'", "hh.lognormal()", "-1")),
    ("float q=0", lambda: hh.float(0, 1, q=0), ("'q'", "> 0", "Got 0")),
    ("float q<0", lambda: hh.float(0, 1, q=-0.5), ("'q'", "> 0", "-0.5")),
    ("quniform q=0", lambda: hh.quniform(0, 1, 0), ("'q'", "hh.quniform()", "Got 0")),
    ("qloguniform q<0", lambda: hh.qloguniform(0, 1, -1), ("'q'", "hh.qloguniform()", "-1")),
    ("qnormal q=0", lambda: hh.qnormal(0, 1, 0), ("'q'", "hh.qnormal()", "Got 0")),
    ("qlognormal q nan", lambda: hh.qlognormal(0, 1, NAN), ("'q'", "nan")),
    ("float q not dividing", lambda: hh.float(0, 1, q=0.3), ("'q'", "divisor", "0.3")),
    ("int step not dividing", lambda: hh.int(0, 10, step=3), ("'step'", "divisor", "step=3")),
    ("int step=0", lambda: hh.int(0, 10, step=0), ("'step'", ">= 1", "Got 0")),
    ("int step<0", lambda: hh.int(0, 10, step=-2), ("'step'", "Got -2")),
    ("int float low", lambda: hh.int(0.5, 3), ("'low'", "an integer", "0.5", "hh.float()")),
    ("int float high", lambda: hh.int(0, 2.5), ("'high'", "an integer", "2.5")),
    ("int str low", lambda: hh.int("0", 3), ("'low'", "a real number", "'0'")),
    ("float bool high", lambda: hh.float(0, True), ("'high'", "a real number", "True")),
    ("randint upper=0", lambda: hh.randint(0), ("'upper'", "> low", "upper=0")),
    ("randint float", lambda: hh.randint(2.5), ("'upper'", "integer", "2.5")),
    ("uniformint float", lambda: hh.uniformint(0, NAN), ("'high'", "nan")),
    ("empty choice", lambda: hh.choice(), ("'options'", "non-empty", "no options")),
    ("empty choice list", lambda: hh.choice([]), ("'options'", "non-empty")),
    (
        "probs negative",
        lambda: hh.choice("a", "b", probs=[1.5, -0.5]),
        ("'probs'", "non-negative", "-0.5"),
    ),
    (
        "probs sum",
        lambda: hh.choice("a", "b", probs=[0.5, 0.6]),
        ("'probs'", "summing to 1", "1.1"),
    ),
    ("probs length", lambda: hh.choice("a", "b", probs=[1.0]), ("'probs'", "2 probabilities", "1")),
    ("probs nan", lambda: hh.choice("a", "b", probs=[NAN, 1]), ("'probs'", "finite", "nan")),
    ("probs not numbers", lambda: hh.choice("a", "b", probs=["x", "y"]), ("'probs'", "'x'")),
    ("pchoice sum", lambda: hh.pchoice([(0.5, "a"), (0.2, "b")]), ("'probs'", "hh.pchoice()")),
    ("pchoice shape", lambda: hh.pchoice([1, 2]), ("'pairs'", "(probability, option)")),
    ("duplicate options", lambda: hh.choice("a", "b", "a"), ("'options'", "distinct", "'a'")),
    ("duplicate dict options", lambda: hh.choice({"x": 1}, {"x": 1}), ("distinct", "'x'")),
    ("duplicate list options", lambda: hh.choice([1, 2], [1, 2]), ("distinct", "[1, 2]")),
    ("duplicate label", _dup_label, ("'lr'", "two different parameters", "label=")),
    ("duplicate path label", _dup_path_label, ("'m.C'", "two different parameters")),
    (
        "a class as a value",
        lambda: hh.Space({"n": int}),
        ("'n'", "hh.int(low, high)", "hh.const(int)"),
    ),
    ("an uncalled constructor", lambda: hh.Space({"n": hh.int}), ("'n'", "call it")),
    ("unknown fmt", lambda: hh.float(0, 1, "abc"), ("'fmt'", "'0.2f'", "'abc'")),
    ("fmt without digits", lambda: hh.float(0, 1, "f"), ("'fmt'", "digits", "'f'")),
    ("fmt 0 digits g", lambda: hh.float(1, 10, "0.0g"), ("'fmt'", "significant", "'0.0g'")),
    ("fmt not a string", lambda: hh.float(0, 1, 2), ("'fmt'", "Got 2")),
    ("fmt with log", lambda: hh.float(1, 10, "0.1g", log=True), ("'fmt'", "alone", "log=True")),
    ("fmt with precision", lambda: hh.float(0, 1, "0.2f", precision=3), ("'fmt'", "precision=3")),
    ("q with precision", lambda: hh.float(0, 1, q=0.5, precision=1), ("'q'", "precision=1")),
    ("precision<0", lambda: hh.float(0, 1, precision=-1), ("'precision'", "Got -1")),
    ("power_of no power", lambda: hh.int(5, 7, power_of=2), ("'power_of'", "power of 2", "[5, 7]")),
    ("power_of negative range", lambda: hh.int(-9, -2, power_of=2), ("'power_of'", "[-9, -2]")),
    ("power_of=1", lambda: hh.int(1, 10, power_of=1), ("'power_of'", ">= 2", "Got 1")),
    ("multiple_of none", lambda: hh.int(11, 19, multiple_of=10), ("'multiple_of'", "[11, 19]")),
    ("multiple_of=0", lambda: hh.int(0, 10, multiple_of=0), ("'multiple_of'", ">= 1", "Got 0")),
    ("two grids", lambda: hh.int(0, 8, step=2, power_of=2), ("'step'", "power_of=2")),
    ("shape 0", lambda: hh.float(0, 1, shape=0), ("'shape'", "positive", "Got 0")),
    ("shape negative", lambda: hh.float(0, 1, shape=-3), ("'shape'", "positive", "-3")),
    ("shape zero dim", lambda: hh.int(0, 1, shape=(3, 0)), ("'shape'", "(3, 0)")),
    ("shape empty", lambda: hh.float(0, 1, shape=()), ("'shape'", "()")),
    ("shape float", lambda: hh.float(0, 1, shape=2.5), ("'shape'", "2.5")),
    ("shape bool", lambda: hh.float(0, 1, shape=True), ("'shape'", "True")),
    ("empty label", lambda: hh.float(0, 1, label=""), ("'label'", "non-empty", "''")),
    ("long label", lambda: hh.int(0, 1, label="x" * 10_000), ("'label'", "256", "10000", "xxx")),
    ("NUL label", lambda: hh.choice("a", "b", label="a\x00b"), ("'label'", "NUL", "a\\x00b")),
    ("label not str", lambda: hh.normal(0, 1, label=3), ("'label'", "a string", "Got 3")),
    ("custom label", lambda: hh.custom(lambda: 1, label=""), ("'label'", "hh.custom()")),
    ("long key", _space_label("k" * 10_000), ("'label'", "256", "10000")),
    ("NUL key", _space_label("a\x00"), ("'label'", "NUL")),
    ("custom nothing", lambda: hh.custom(), ("'sample'", "init")),
    ("custom not callable", lambda: hh.custom(3), ("'sample'", "callable", "3")),
    ("expr not callable", lambda: hh.expr(3, hh.int(0, 1)), ("'fn'", "callable", "3")),
    ("constraint not callable", lambda: hh.Space({}, constraints=[1]), ("'constraints'", "1")),
]


@pytest.mark.parametrize(("call", "fragments"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_is_reported_where_it_is_made(
    call: Callable[[], Any], fragments: tuple[str, ...]
) -> None:
    with pytest.raises(hh.InvalidSpaceError) as info:
        call()
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, hh.HyperhopError)
    msg = str(info.value)
    for fragment in fragments:
        assert fragment in msg, f"{fragment!r} not in {msg!r}"
    assert len(msg) < 600, "messages stay readable (long values are cut)"


def test_messages_name_the_parameter_by_its_label() -> None:
    with pytest.raises(hh.InvalidSpaceError, match=r"\(parameter 'lr'\)"):
        hh.float(1, 0, label="lr")
    with pytest.raises(hh.InvalidSpaceError, match=r"\(parameter 'units'\)"):
        hh.int(5, 7, power_of=2, label="units")


def test_invalid_search_space_error_is_the_same_class_and_deprecated() -> None:
    with pytest.deprecated_call(match="hyperhop.InvalidSpaceError"):
        assert hh.InvalidSearchSpaceError is hh.InvalidSpaceError  # type: ignore[attr-defined]


# ----------------------------------------------------------------------- accepted spellings
@pytest.mark.parametrize(
    ("fmt", "log", "precision"),
    [
        ("0.2f", False, 2),
        (".3f", False, 3),
        ("0.1g", True, 1),
        (":0.5g", True, 5),
        ("2f", False, 2),
    ],
)
def test_format_strings(fmt: str, log: bool, precision: int) -> None:
    assert hh.space.parse_format(fmt) == (log, precision)
    p = hh.float(1, 10, fmt)
    assert (p.log, p.precision) == (log, precision)


def test_choice_unpacks_a_single_list() -> None:
    assert hh.choice([1, 2, 3]).options == (1, 2, 3)
    assert hh.choice(["a", "b"], "a").options == (["a", "b"], "a")


def test_choice_options_that_differ_in_type_are_distinct() -> None:
    assert hh.choice(1, 1.0, True, "1").n_values == 4


def test_nested_options_are_not_checked_for_duplicates() -> None:
    p = hh.float(0, 1)
    assert hh.choice({"x": p}, {"x": p}).n_values == 2


def test_int_accepts_integral_floats() -> None:
    p = hh.int(0.0, 8.0, step=2.0)
    assert (p.low, p.high, p.step, p.n_values) == (0, 8, 2, 5)


def test_randint_forms() -> None:
    assert (hh.randint(5).low, hh.randint(5).upper) == (0, 5)
    assert (hh.randint(2, 5).low, hh.randint(2, 5).upper) == (2, 5)


def test_pchoice_keeps_the_probabilities() -> None:
    p = hh.pchoice([(0.25, "a"), (0.75, "b")])
    assert p.options == ("a", "b")
    assert p.probs is not None and p.probs.tolist() == [0.25, 0.75]
