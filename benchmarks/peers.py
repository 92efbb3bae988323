"""The optimizers of benchmarks/quality.py: hyperhop's samplers and the peers, each run as
its users would run it (defaults, seeded) on a problem's hyperhop template translated to
the peer's own space.

A hyperhop template here is a dict whose values are ``hh.float``, ``hh.int``,
``hh.choice`` (of constants, or of dicts with their own parameters: conditional branches),
nested dicts or constants. Each translation keeps log scales and integer types; where a
peer lacks a type the nearest one is used and the value rounded back (PyHopper has no
log-scaled int: a log-scaled float, rounded). Peers that return nested values (Hyperopt,
PyHopper, Nevergrad) carry the index of the chosen branch in a marker key that
:func:`conform` strips; peers with flat spaces (ConfigSpace for SMAC and DeepHyper,
scikit-optimize) name each parameter by its path (``model.C``) and :func:`build` rebuilds
the config.
"""

from __future__ import annotations

import math
import os
import tempfile
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from hyperhop.space import Choice, Float, Int, Parameter

Objective = Callable[[dict[str, Any]], float]
OPTION = "__option__"  # the chosen branch's index, in nested peer values


@dataclass(frozen=True)
class Optimizer:
    """An entry of the benchmark: its runner and what it needs installed."""

    name: str
    needs: tuple[str, ...]  # distributions
    run: Callable[[dict[str, Any], Objective, int, int], None]  # template, f, seed, budget
    conditional: bool = True  # can it express conditional spaces?


# --------------------------------------------------------------------- walking a template
def _nested(option: Any) -> bool:
    return isinstance(option, Mapping) and any(
        isinstance(v, (Parameter, Mapping)) for v in option.values()
    )


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def leaves(
    node: Any, prefix: str = "", parent: tuple[str, int] | None = None
) -> Iterator[tuple[str, Parameter, tuple[str, int] | None]]:
    """(label, parameter, (choice label, option index) it depends on, or None) in order."""
    if isinstance(node, Mapping):
        for k, v in node.items():
            yield from leaves(v, _join(prefix, k), parent)
    elif isinstance(node, Choice):
        yield prefix, node, parent
        for i, opt in enumerate(node.options):
            if _nested(opt):
                yield from leaves(opt, prefix, (prefix, i))
    elif isinstance(node, (Float, Int)):
        if node.shape is not None:
            raise ValueError(f"{prefix}: array parameters are not translated")
        yield prefix, node, parent
    elif isinstance(node, Parameter):
        raise ValueError(f"{prefix}: {type(node).__name__} is not translated to peers")


def _clamp(p: Float | Int, v: Any) -> Any:
    if isinstance(p, Int):
        return int(min(max(round(float(v)), p.low), p.high))
    return float(min(max(float(v), p.low), p.high))


def build(node: Any, flat: Mapping[str, Any], prefix: str = "") -> Any:
    """The nested config from flat values by label (a choice's value: its option index)."""
    if isinstance(node, Mapping):
        return {k: build(v, flat, _join(prefix, k)) for k, v in node.items()}
    if isinstance(node, Choice):
        opt = node.options[int(flat[prefix])]
        return build(opt, flat, prefix) if _nested(opt) else opt
    if isinstance(node, (Float, Int)):
        return _clamp(node, flat[prefix])
    return node


def conform(node: Any, value: Any) -> Any:
    """A peer's nested value as hyperhop's config: ints rounded, bounds kept, markers gone."""
    if isinstance(node, Mapping):
        return {k: conform(v, value[k]) for k, v in node.items()}
    if isinstance(node, Choice):
        if isinstance(value, Mapping) and OPTION in value:
            return conform(node.options[int(value[OPTION])], value)
        return value
    if isinstance(node, (Float, Int)):
        return _clamp(node, value)
    return node


def is_conditional(template: Mapping[str, Any]) -> bool:
    return any(parent is not None for _, _, parent in leaves(template))


# ------------------------------------------------------------------------------- hyperhop
def _hyperhop(algo: str) -> Callable[[dict[str, Any], Objective, int, int], None]:
    def run(template: dict[str, Any], f: Objective, seed: int, budget: int) -> None:
        import hyperhop as hh

        study = hh.Study(template, direction="min", algo=algo, seed=seed)
        study.optimize(f, n_trials=budget, progress=False)

    return run


# --------------------------------------------------------------------------------- optuna
def _optuna_suggest(trial: Any, node: Any, prefix: str = "") -> Any:
    if isinstance(node, Mapping):
        return {k: _optuna_suggest(trial, v, _join(prefix, k)) for k, v in node.items()}
    if isinstance(node, Choice):
        i = trial.suggest_categorical(prefix, list(range(len(node.options))))
        opt = node.options[i]
        return _optuna_suggest(trial, opt, prefix) if _nested(opt) else opt
    if isinstance(node, Float):
        return trial.suggest_float(prefix, node.low, node.high, log=node.log)
    if isinstance(node, Int):
        return trial.suggest_int(prefix, node.low, node.high, log=node.log)
    return node


def _optuna(kind: str) -> Callable[[dict[str, Any], Objective, int, int], None]:
    def run(template: dict[str, Any], f: Objective, seed: int, budget: int) -> None:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.ERROR)
        sampler = {
            "tpe": lambda: optuna.samplers.TPESampler(seed=seed),
            "gp": lambda: optuna.samplers.GPSampler(seed=seed),
            "cmaes": lambda: optuna.samplers.CmaEsSampler(seed=seed),
        }[kind]()
        study = optuna.create_study(direction="minimize", sampler=sampler)
        study.optimize(lambda t: f(_optuna_suggest(t, template)), n_trials=budget)

    return run


# ------------------------------------------------------------------------------- hyperopt
def _hyperopt_space(node: Any, prefix: str = "") -> Any:
    from hyperopt import hp

    if isinstance(node, Mapping):
        return {k: _hyperopt_space(v, _join(prefix, k)) for k, v in node.items()}
    if isinstance(node, Choice):
        options = [
            {OPTION: i, **_hyperopt_space(o, prefix)} if _nested(o) else o
            for i, o in enumerate(node.options)
        ]
        return hp.choice(prefix, options)
    if isinstance(node, Float):
        if node.log:
            return hp.loguniform(prefix, math.log(node.low), math.log(node.high))
        return hp.uniform(prefix, node.low, node.high)
    if isinstance(node, Int):  # rounded by conform; each integer gets an equal share
        if node.log:
            return hp.qloguniform(prefix, math.log(node.low - 0.5), math.log(node.high + 0.5), 1)
        return hp.quniform(prefix, node.low - 0.5, node.high + 0.5, 1)
    return node


def _hyperopt_tpe(template: dict[str, Any], f: Objective, seed: int, budget: int) -> None:
    import numpy as np
    from hyperopt import Trials, fmin, tpe

    fmin(
        lambda v: f(conform(template, v)),
        _hyperopt_space(template),
        algo=tpe.suggest,
        max_evals=budget,
        trials=Trials(),
        rstate=np.random.default_rng(seed),
        show_progressbar=False,
    )


# ------------------------------------------------------------------------------- pyhopper
def _pyhopper_space(node: Any) -> Any:
    import pyhopper

    if isinstance(node, Mapping):
        return {k: _pyhopper_space(v) for k, v in node.items()}
    if isinstance(node, Choice):
        return pyhopper.choice(
            *[
                {OPTION: i, **_pyhopper_space(o)} if _nested(o) else o
                for i, o in enumerate(node.options)
            ]
        )
    if isinstance(node, Float):
        return pyhopper.float(node.low, node.high, log=node.log)
    if isinstance(node, Int):  # no log-scaled int in PyHopper: a log-scaled float, rounded
        if node.log:
            return pyhopper.float(node.low, node.high, log=True)
        return pyhopper.int(node.low, node.high)
    return node


def _pyhopper(template: dict[str, Any], f: Objective, seed: int, budget: int) -> None:
    import numpy as np
    import pyhopper

    # PyHopper draws from a fresh np.random.default_rng() everywhere: seed that stream.
    stream = np.random.default_rng(seed)
    original = np.random.default_rng

    def seeded(seed_arg: Any = None) -> np.random.Generator:
        return original(stream.integers(2**63) if seed_arg is None else seed_arg)

    np.random.default_rng = seeded
    try:
        search = pyhopper.Search(_pyhopper_space(template))
        search.run(lambda v: f(conform(template, v)), "minimize", steps=budget, quiet=True)
    finally:
        np.random.default_rng = original


# ------------------------------------------------------------------------------ nevergrad
def _nevergrad_space(node: Any) -> Any:
    import nevergrad as ng

    if isinstance(node, Mapping):
        return ng.p.Dict(**{k: _nevergrad_space(v) for k, v in node.items()})
    if isinstance(node, Choice):
        return ng.p.Choice(
            [
                ng.p.Dict(**{OPTION: i}, **{k: _nevergrad_space(v) for k, v in o.items()})
                if _nested(o)
                else o
                for i, o in enumerate(node.options)
            ]
        )
    if isinstance(node, (Float, Int)):
        if node.log:
            p = ng.p.Log(lower=float(node.low), upper=float(node.high))
        else:
            p = ng.p.Scalar(lower=float(node.low), upper=float(node.high))
        return p.set_integer_casting() if isinstance(node, Int) else p
    return node


def _nevergrad(template: dict[str, Any], f: Objective, seed: int, budget: int) -> None:
    import nevergrad as ng
    import numpy as np

    param = _nevergrad_space(template)
    param.random_state = np.random.RandomState(seed)
    opt = ng.optimizers.NGOpt(parametrization=param, budget=budget, num_workers=1)
    for _ in range(budget):
        cand = opt.ask()
        opt.tell(cand, f(conform(template, cand.value)))


# -------------------------------------------------------------------- ConfigSpace (flat)
def _configspace(template: dict[str, Any], seed: int) -> Any:
    from ConfigSpace import (
        CategoricalHyperparameter,
        ConfigurationSpace,
        EqualsCondition,
        UniformFloatHyperparameter,
        UniformIntegerHyperparameter,
    )

    cs = ConfigurationSpace(seed=seed)
    hps: dict[str, Any] = {}
    conditions = []
    for label, p, parent in leaves(template):
        if isinstance(p, Choice):
            hps[label] = CategoricalHyperparameter(label, [str(i) for i in range(len(p.options))])
        elif isinstance(p, Float):
            hps[label] = UniformFloatHyperparameter(label, p.low, p.high, log=p.log)
        else:
            hps[label] = UniformIntegerHyperparameter(label, p.low, p.high, log=p.log)
        cs.add(hps[label])
        if parent is not None:
            conditions.append(EqualsCondition(hps[label], hps[parent[0]], str(parent[1])))
    if conditions:
        cs.add(*conditions)
    return cs


def _smac(template: dict[str, Any], f: Objective, seed: int, budget: int) -> None:
    from smac import HyperparameterOptimizationFacade, Scenario

    with tempfile.TemporaryDirectory() as tmp:
        scenario = Scenario(
            _configspace(template, seed),
            deterministic=True,
            n_trials=budget,
            seed=seed,
            output_directory=os.path.join(tmp, "smac"),
        )

        def train(config: Any, seed: int = 0) -> float:
            return f(build(template, dict(config)))

        smac = HyperparameterOptimizationFacade(scenario, train, overwrite=True, logging_level=40)
        smac.optimize()


def _deephyper(template: dict[str, Any], f: Objective, seed: int, budget: int) -> None:
    from deephyper.hpo import CBO, HpProblem

    cs = _configspace(template, seed)
    problem = HpProblem()
    for hp in cs.values():
        problem.add_hyperparameter(hp)
    for cond in cs.conditions:
        problem.add_condition(cond)

    def run(job: Any) -> float:
        params = {k: v for k, v in job.parameters.items() if k in cs}
        return -f(build(template, params))  # DeepHyper maximizes

    with tempfile.TemporaryDirectory() as tmp:
        search = CBO(problem, random_state=seed, log_dir=tmp, checkpoint_history_to_csv=False)
        search.search(run, max_evals=budget, max_evals_strict=True)


def _skopt(template: dict[str, Any], f: Objective, seed: int, budget: int) -> None:
    from skopt import gp_minimize
    from skopt.space import Categorical, Integer, Real

    dims, labels = [], []
    for label, p, _ in leaves(template):
        labels.append(label)
        if isinstance(p, Choice):
            dims.append(Categorical([str(i) for i in range(len(p.options))], name=label))
        elif isinstance(p, Float):
            dims.append(
                Real(p.low, p.high, prior="log-uniform" if p.log else "uniform", name=label)
            )
        else:
            dims.append(
                Integer(p.low, p.high, prior="log-uniform" if p.log else "uniform", name=label)
            )
    gp_minimize(
        lambda x: f(build(template, dict(zip(labels, x, strict=True)))),
        dims,
        n_calls=budget,
        random_state=seed,
    )


# ------------------------------------------------------------------------------ the list
OPTIMIZERS: dict[str, Optimizer] = {
    o.name: o
    for o in [
        Optimizer("hh-auto", (), _hyperhop("auto")),
        Optimizer("hh-tpe", (), _hyperhop("tpe")),
        Optimizer("hh-hyperopt-tpe", (), _hyperhop("hyperopt_tpe")),  # Hyperopt's defaults
        Optimizer("hh-cbo", (), _hyperhop("cbo")),
        Optimizer("hh-gp", (), _hyperhop("gp")),
        Optimizer("hh-cobyla", (), _hyperhop("cobyla")),
        Optimizer("hh-anneal", (), _hyperhop("anneal")),
        Optimizer("hh-random", (), _hyperhop("random")),
        Optimizer("hh-sobol", (), _hyperhop("sobol")),
        Optimizer("optuna-tpe", ("optuna",), _optuna("tpe")),
        Optimizer("optuna-gp", ("optuna", "torch"), _optuna("gp")),
        Optimizer("optuna-cmaes", ("optuna", "cmaes"), _optuna("cmaes")),
        Optimizer("hyperopt-tpe", ("hyperopt",), _hyperopt_tpe),
        Optimizer("pyhopper", ("pyhopper",), _pyhopper),
        Optimizer("nevergrad-ngopt", ("nevergrad",), _nevergrad),
        Optimizer("smac-hpo", ("smac",), _smac),
        # DeepHyper 0.13.2 fails on conditional spaces with log-scaled floats: its acquisition
        # search proposes exp(log(low)), a hair below low, which ConfigSpace then rejects
        # (IllegalValueError in deactivate_inactive_dimensions), whatever the bounds.
        Optimizer("deephyper-cbo", ("deephyper",), _deephyper, conditional=False),
        Optimizer("skopt-gp", ("scikit-optimize",), _skopt, conditional=False),
    ]
}


def quiet() -> None:
    """Silence the peers' warnings (convergence, fallbacks to random sampling)."""
    warnings.simplefilter("ignore")
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
