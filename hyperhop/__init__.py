"""hyperhop: hyperparameter and black-box optimization.

Example:
    >>> import hyperhop as hh
    >>> space = {"lr": hh.float(1e-4, 1e-1, log=True), "opt": hh.choice("adam", "sgd")}
    >>> sorted(hh.sample(space, seed=0))
    ['lr', 'opt']
"""

import logging as _logging

from hyperhop import exceptions, pruning
from hyperhop.exceptions import (
    HyperhopError,
    InfeasibleSpaceError,
    InvalidAssignmentError,
    InvalidSearchSpaceError,
    InvalidSpaceError,
)
from hyperhop.execution import DaskExecutor, MPIExecutor, RayExecutor
from hyperhop.execution.evaluate import Pruned
from hyperhop.pruning import Fidelity, Pruner, repeat
from hyperhop.samplers import RandomSampler, Sampler
from hyperhop.space import (
    Expr,
    Parameter,
    ParamSpec,
    Space,
    choice,
    const,
    custom,
    expr,
    float,  # noqa: F401 (hh.float, deliberately not in __all__)
    gated,
    int,  # noqa: F401
    lognormal,
    loguniform,
    normal,
    pchoice,
    qlognormal,
    qloguniform,
    qnormal,
    quniform,
    randint,
    ref,
    sample,
    uniform,
    uniformint,
)
from hyperhop.study import Study, TrialList, load_study, maximize, minimize, parse_runtime
from hyperhop.trial import FailReason, Trial, TrialError, TrialState

__version__ = "0.1.0"

# A library logs; the application decides where logs go.
_logging.getLogger("hyperhop").addHandler(_logging.NullHandler())

# `float` and `int` are left out of __all__ so that `from hyperhop import *` cannot shadow
# the built-ins; use them as `hh.float` and `hh.int`.
__all__ = [
    "Expr",
    "HyperhopError",
    "InfeasibleSpaceError",
    "InvalidAssignmentError",
    "InvalidSearchSpaceError",
    "InvalidSpaceError",
    "ParamSpec",
    "Parameter",
    "Space",
    "choice",
    "const",
    "custom",
    "exceptions",
    "expr",
    "gated",
    "lognormal",
    "loguniform",
    "normal",
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
    "Study",
    "TrialList",
    "load_study",
    "maximize",
    "minimize",
    "parse_runtime",
    "RandomSampler",
    "DaskExecutor",
    "MPIExecutor",
    "RayExecutor",
    "Sampler",
    "FailReason",
    "Trial",
    "TrialError",
    "TrialState",
    "Fidelity",
    "Pruned",
    "Pruner",
    "pruning",
    "repeat",
]
