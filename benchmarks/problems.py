"""The problem suite of benchmarks/quality.py, each problem defined once in hyperhop's space
language (peers get a translation of that template, see benchmarks/peers.py).

Every objective takes the nested config hyperhop's objective would receive and returns a
value to minimize. Synthetic problems know their optimum ``f_star``; for the
scikit-learn problems (cross-validated error, fixed model seeds and a fixed CV splitter)
the optimum is unknown, and quality.py uses the best value any run or the reference sample
ever saw.

- ``synthetic``: Branin, Hartmann-6, Rosenbrock-10, Ackley-10, Levy-10 (these three with
  their optima moved away from the centres of their boxes, which several optimizers try
  first), Styblinski-Tang-20, a
  mixed problem (log floats, log and linear ints, categories) and a conditional one (a
  choice among three branches, each with its own parameters, the best branch the
  narrowest);
- ``ml``: an RBF SVC on breast_cancer, a random forest on wine and a linear model trained
  by SGD on digits (3-fold stratified CV error, each evaluation well under 0.3 s).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

import hyperhop as hh


@dataclass(frozen=True)
class Problem:
    """One benchmark problem: a hyperhop template and an objective on its configs."""

    name: str
    family: str  # "synthetic" or "ml"
    template: Callable[[], dict[str, Any]]
    objective: Callable[[dict[str, Any]], float]
    f_star: float | None  # None: unknown (the best value seen is used)
    conditional: bool = False


def _vector(cfg: dict[str, Any], n: int) -> np.ndarray:
    return np.array([cfg[f"x{i}"] for i in range(n)], dtype=float)


def _box(n: int, low: float, high: float) -> Callable[[], dict[str, Any]]:
    return lambda: {f"x{i}": hh.float(low, high) for i in range(n)}


# ------------------------------------------------------------------------ synthetic functions
def branin(cfg: dict[str, Any]) -> float:
    x1, x2 = cfg["x0"], cfg["x1"]
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


_H6_A = np.array(
    [
        [10, 3, 17, 3.5, 1.7, 8],
        [0.05, 10, 17, 0.1, 8, 14],
        [3, 3.5, 1.7, 10, 17, 8],
        [17, 8, 0.05, 10, 0.1, 14],
    ]
)
_H6_P = 1e-4 * np.array(
    [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ]
)
_H6_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def hartmann6(cfg: dict[str, Any]) -> float:
    x = _vector(cfg, 6)
    return float(-np.sum(_H6_ALPHA * np.exp(-np.sum(_H6_A * (x - _H6_P) ** 2, axis=1))))


# Rosenbrock's and Levy's optima, (1, ..., 1), lie close to the centres of their boxes
# (2.5 and 0), which several optimizers evaluate first: both are moved to fixed points
# drawn once, as Ackley's is.
ROSENBROCK_SHIFT = np.random.default_rng(20241).uniform(-5.0, 7.0, size=10).round(3)
LEVY_SHIFT = np.random.default_rng(20242).uniform(-7.0, 7.0, size=10).round(3)


def rosenbrock10(cfg: dict[str, Any]) -> float:
    """0 at x = 1 + ROSENBROCK_SHIFT."""
    x = _vector(cfg, 10) - ROSENBROCK_SHIFT
    return float(np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2))


# Ackley's optimum is the centre of its usual box [-32.768, 32.768]^d; it is moved to a
# fixed point drawn once in [-20, 20]^10, away from the centre and from any grid point.
ACKLEY_SHIFT = np.random.default_rng(20240).uniform(-20.0, 20.0, size=10).round(3)


def ackley10(cfg: dict[str, Any]) -> float:
    z = _vector(cfg, 10) - ACKLEY_SHIFT
    d = z.size
    return float(
        -20 * np.exp(-0.2 * np.sqrt(np.sum(z**2) / d))
        - np.exp(np.sum(np.cos(2 * np.pi * z)) / d)
        + 20
        + math.e
    )


def levy10(cfg: dict[str, Any]) -> float:
    """0 at x = 1 + LEVY_SHIFT."""
    w = 1 + (_vector(cfg, 10) - LEVY_SHIFT - 1) / 4
    head = np.sin(np.pi * w[0]) ** 2
    mid = np.sum((w[:-1] - 1) ** 2 * (1 + 10 * np.sin(np.pi * w[:-1] + 1) ** 2))
    tail = (w[-1] - 1) ** 2 * (1 + np.sin(2 * np.pi * w[-1]) ** 2)
    return float(head + mid + tail)


def styblinski_tang20(cfg: dict[str, Any]) -> float:
    x = _vector(cfg, 20)
    return float(np.sum(x**4 - 16 * x**2 + 5 * x) / 2)


ST_MIN_1D = -39.16616570377142  # min of (x^4 - 16x^2 + 5x) / 2, at x = -2.903534


# ------------------------------------------------------------------- mixed and conditional
def mixed_template() -> dict[str, Any]:
    return {
        "lr": hh.float(1e-5, 1e-1, log=True),
        "weight_decay": hh.float(1e-7, 1e-2, log=True),
        "dropout": hh.float(0.0, 0.6),
        "layers": hh.int(1, 8),
        "units": hh.int(8, 1024, log=True),
        "activation": hh.choice("relu", "tanh", "gelu", "sigmoid"),
        "optimizer": hh.choice("sgd", "adam", "rmsprop"),
    }


_ACTIVATION_COST = {"gelu": 0.0, "relu": 0.15, "tanh": 0.5, "sigmoid": 1.2}
# the best learning rate depends on the optimizer: an interaction a model has to find
_OPTIMIZER = {"adam": (0.0, -3.0), "rmsprop": (0.4, -3.5), "sgd": (0.3, -1.5)}


def mixed(cfg: dict[str, Any]) -> float:
    """0 at adam, gelu, lr=1e-3, weight_decay=1e-4, dropout=0.2, 3 layers of 128 units."""
    cost, best_log_lr = _OPTIMIZER[cfg["optimizer"]]
    return (
        (math.log10(cfg["lr"]) - best_log_lr) ** 2
        + 0.25 * (math.log10(cfg["weight_decay"]) + 4) ** 2
        + 4 * (cfg["dropout"] - 0.2) ** 2
        + 0.25 * (cfg["layers"] - 3) ** 2
        + 0.2 * (math.log2(cfg["units"]) - 7) ** 2
        + 0.3 * abs(cfg["layers"] - 3) * cfg["dropout"]  # deeper nets want other dropout
        + _ACTIVATION_COST[cfg["activation"]]
        + cost
    )


def conditional_template() -> dict[str, Any]:
    return {
        "scale": hh.float(0.0, 1.0),
        "model": hh.choice(
            {
                "kind": "svm",
                "C": hh.float(1e-3, 1e3, log=True),
                "gamma": hh.float(1e-4, 1.0, log=True),
            },
            {
                "kind": "forest",
                "trees": hh.int(10, 500, log=True),
                "depth": hh.int(2, 32),
                "features": hh.float(0.05, 1.0),
            },
            {
                "kind": "mlp",
                "layers": hh.int(1, 4),
                "units": hh.int(16, 1024, log=True),
                "lr": hh.float(1e-5, 1e-1, log=True),
            },
        ),
    }


def conditional(cfg: dict[str, Any]) -> float:
    """0 in the forest branch (the narrowest); the svm branch bottoms out at 0.3, mlp at 0.15."""
    m = cfg["model"]
    base = 2 * (cfg["scale"] - 0.7) ** 2
    if m["kind"] == "svm":
        return (
            base
            + 0.3
            + 0.1 * (math.log10(m["C"]) - 1) ** 2
            + 0.2 * (math.log10(m["gamma"]) + 2) ** 2
        )
    if m["kind"] == "forest":
        return (
            base
            + 2 * (math.log10(m["trees"]) - 2.3) ** 2
            + 0.02 * (m["depth"] - 12) ** 2
            + 8 * (m["features"] - 0.3) ** 2
        )
    return (
        base
        + 0.15
        + 0.3 * (m["layers"] - 2) ** 2
        + 0.3 * (math.log2(m["units"]) - 8) ** 2
        + 0.5 * (math.log10(m["lr"]) + 3) ** 2
    )


# --------------------------------------------------------------------------- scikit-learn
@cache
def _data(name: str) -> tuple[np.ndarray, np.ndarray]:
    from sklearn import datasets

    if name == "breast_cancer":
        return datasets.load_breast_cancer(return_X_y=True)
    if name == "wine":
        return datasets.load_wine(return_X_y=True)
    x, y = datasets.load_digits(return_X_y=True)
    return x[:900] / 16.0, y[:900]


def _cv_error(model: Any, data: str) -> float:
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    x, y = _data(data)
    cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return float(1.0 - cross_val_score(model, x, y, cv=cv).mean())


def svc_template() -> dict[str, Any]:
    return {
        "C": hh.float(1e-2, 1e4, log=True),
        "gamma": hh.float(1e-6, 1.0, log=True),
        "scaler": hh.choice("standard", "minmax", "none"),
    }


def svc_breast_cancer(cfg: dict[str, Any]) -> float:
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MinMaxScaler, StandardScaler
    from sklearn.svm import SVC

    svc = SVC(C=cfg["C"], gamma=cfg["gamma"], random_state=0)
    scaler = {"standard": StandardScaler(), "minmax": MinMaxScaler(), "none": None}[cfg["scaler"]]
    return _cv_error(svc if scaler is None else make_pipeline(scaler, svc), "breast_cancer")


def forest_template() -> dict[str, Any]:
    return {
        "n_estimators": hh.int(4, 24),
        "max_depth": hh.int(1, 12),
        "max_features": hh.float(0.05, 1.0),
        "min_samples_leaf": hh.int(1, 16, log=True),
        "criterion": hh.choice("gini", "entropy"),
        "bootstrap": hh.choice(True, False),
    }


def forest_wine(cfg: dict[str, Any]) -> float:
    from sklearn.ensemble import RandomForestClassifier

    return _cv_error(RandomForestClassifier(**cfg, random_state=0, n_jobs=1), "wine")


def sgd_template() -> dict[str, Any]:
    return {
        "loss": hh.choice("hinge", "log_loss", "modified_huber", "squared_hinge"),
        "penalty": hh.choice("l2", "l1", "elasticnet"),
        "alpha": hh.float(1e-7, 1e-1, log=True),
        "l1_ratio": hh.float(0.0, 1.0),
        "max_iter": hh.int(3, 30),
        "average": hh.choice(False, True),
    }


def sgd_digits(cfg: dict[str, Any]) -> float:
    from sklearn.linear_model import SGDClassifier

    return _cv_error(SGDClassifier(**cfg, tol=None, random_state=0), "digits")


PROBLEMS: dict[str, Problem] = {
    p.name: p
    for p in [
        Problem(
            "branin",
            "synthetic",
            lambda: {"x0": hh.float(-5, 10), "x1": hh.float(0, 15)},
            branin,
            0.39788735772973816,
        ),
        Problem("hartmann6", "synthetic", _box(6, 0.0, 1.0), hartmann6, -3.322368011415515),
        Problem("rosenbrock10", "synthetic", _box(10, -5.0, 10.0), rosenbrock10, 0.0),
        Problem("ackley10", "synthetic", _box(10, -32.768, 32.768), ackley10, 0.0),
        Problem("levy10", "synthetic", _box(10, -10.0, 10.0), levy10, 0.0),
        Problem(
            "styblinski_tang20", "synthetic", _box(20, -5.0, 5.0), styblinski_tang20, 20 * ST_MIN_1D
        ),
        Problem("mixed", "synthetic", mixed_template, mixed, 0.0),
        Problem(
            "conditional", "synthetic", conditional_template, conditional, 0.0, conditional=True
        ),
        Problem("svc_breast_cancer", "ml", svc_template, svc_breast_cancer, None),
        Problem("forest_wine", "ml", forest_template, forest_wine, None),
        Problem("sgd_digits", "ml", sgd_template, sgd_digits, None),
    ]
}
