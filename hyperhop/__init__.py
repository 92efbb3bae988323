"""hyperhop: hyperparameter and black-box optimization.

Example:
    >>> import hyperhop as hh
    >>> space = {"lr": hh.float(1e-4, 1e-1, log=True), "opt": hh.choice("adam", "sgd")}
    >>> sorted(hh.sample(space, seed=0))
    ['lr', 'opt']
"""

from hyperhop import _deprecated, artifacts, ensemble, exceptions, pruning
from hyperhop import space as _space
from hyperhop import verbosity as _verbosity
from hyperhop.exceptions import (
    HyperhopError,
    InfeasibleSpaceError,
    InvalidAssignmentError,
    InvalidSpaceError,
)
from hyperhop.execution import DaskExecutor, MPIExecutor, RayExecutor
from hyperhop.execution.evaluate import Pruned
from hyperhop.pruning import Fidelity, Pruner, repeat
from hyperhop.samplers import RandomSampler, Sampler
from hyperhop.space import (
    Expr,
    Parameter,
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
from hyperhop.verbosity import set_verbosity

__version__ = "0.1.0"

# Warnings reach stderr until the application configures logging itself (then it decides).
_verbosity.install()

__getattr__ = _deprecated.module_getattr(
    "hyperhop",
    {
        "InvalidSearchSpaceError": ("hyperhop.InvalidSpaceError", lambda: InvalidSpaceError),
        "ParamSpec": (
            "hyperhop.space.ParamSpec (a labelled entry of a compiled Space; hh.Parameter "
            "is a parameter's type)",
            lambda: _space.ParamSpec,
        ),
    },
    {
        "create_study": "hh.Study(space, direction=..., storage=..., name=...)",
        "TPESampler": "algo='tpe'",
        "fmin": "hh.minimize(objective, space, n_trials=...)",
        "hp": "hh.float / hh.int / hh.choice (or hh.uniform, hh.loguniform... by Hyperopt's names)",
    },
)

# `float` and `int` are left out of __all__ so that `from hyperhop import *` cannot shadow
# the built-ins; use them as `hh.float` and `hh.int`.
__all__ = [
    "Expr",
    "HyperhopError",
    "InfeasibleSpaceError",
    "InvalidAssignmentError",
    "InvalidSpaceError",
    "Parameter",
    "Space",
    "choice",
    "const",
    "custom",
    "artifacts",
    "ensemble",
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
    "set_verbosity",
]
