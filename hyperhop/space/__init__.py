"""The search-space language: parameters, nested and conditional templates, expressions."""

from hyperhop.space.base import Const, Expr, Parameter
from hyperhop.space.categorical import Choice, RandInt
from hyperhop.space.conditions import Gate, Gated, Ref, gated, ref
from hyperhop.space.constructors import (
    choice,
    const,
    custom,
    expr,
    float,
    int,
    lognormal,
    loguniform,
    normal,
    parse_format,
    pchoice,
    qlognormal,
    qloguniform,
    qnormal,
    quniform,
    randint,
    sample,
    uniform,
    uniformint,
)
from hyperhop.space.custom import Custom
from hyperhop.space.numeric import Float, Int, Normal
from hyperhop.space.space import Assignment, ParamSpec, Space, as_space

__all__ = [
    "Assignment",
    "Choice",
    "Const",
    "Custom",
    "Expr",
    "Float",
    "Gate",
    "Gated",
    "Int",
    "Normal",
    "ParamSpec",
    "Parameter",
    "RandInt",
    "Ref",
    "Space",
    "as_space",
    "choice",
    "const",
    "custom",
    "expr",
    "float",
    "gated",
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
    "ref",
    "sample",
    "uniform",
    "uniformint",
]
