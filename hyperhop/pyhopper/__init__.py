"""PyHopper's API on hyperhop: change ``import pyhopper`` to
``from hyperhop import pyhopper`` and the same program runs on hyperhop's core (its
``anneal`` sampler with PyHopper's schedule, its storages, executors and pruners).

Example:
    >>> from hyperhop import pyhopper
    >>> search = pyhopper.Search(
    ...     lr=pyhopper.float(1e-5, 1e-1, "0.1g"),
    ...     opt=pyhopper.choice(
    ...         {"type": "adam", "lr": pyhopper.float(1e-5, 1e-2, log=True)},
    ...         {"type": "sgd", "lr": pyhopper.float(1e-4, 1e-1, log=True), "momentum": pyhopper.float(0, 1)},
    ...     ),
    ... )
    >>> best = search.run(lambda p: -abs(p["lr"] - 1e-3), "max", steps=20, quiet=True, seed=0)
    >>> sorted(best)
    ['lr', 'opt']
"""

from hyperhop.pyhopper import callbacks, pruners, utils
from hyperhop.pyhopper.callbacks import CandidateType, ParamInfo
from hyperhop.pyhopper.parameters import (  # noqa: F401 (bool, float, int: not in __all__)
    bool,
    choice,
    custom,
    float,
    int,
    register_bool,
    register_choice,
    register_custom,
    register_float,
    register_int,
)
from hyperhop.pyhopper.run import PruneEvaluation, should_prune
from hyperhop.pyhopper.search import Search
from hyperhop.pyhopper.types import Parameter
from hyperhop.pyhopper.utils import (
    load_dict,
    merge_dicts,
    parse_runtime,
    store_dict,
    wrap_n_times,
)

__all__ = [
    "CandidateType",
    "ParamInfo",
    "Parameter",
    "PruneEvaluation",
    "Search",
    "callbacks",
    "choice",
    "custom",
    "load_dict",
    "merge_dicts",
    "parse_runtime",
    "pruners",
    "register_bool",
    "register_choice",
    "register_custom",
    "register_float",
    "register_int",
    "should_prune",
    "store_dict",
    "utils",
    "wrap_n_times",
]
