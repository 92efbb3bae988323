"""Ensembles of a tuned study's trials against the study's single best trial.

For each data set a study tunes a conditional space of model families (MLP, k-nearest
neighbours, kernel ridge / logistic regression, extra trees, histogram gradient boosting)
on a train split, every trial saving its model as an artifact; ``hh.ensemble.from_study``
then picks members on a validation split (Caruana's greedy selection on NLL, started from
the 3 best, 20 bags, at most 8 members) and both are scored on a held-out test split:

- regression: RMSE, Gaussian NLL, calibration error (mean gap between nominal and observed
  coverage of central intervals), and for synthetic data the aleatoric estimate (root mean
  aleatoric variance) against the known noise standard deviation;
- classification: accuracy, NLL, expected calibration error (15 bins);
- synthetic data with an out-of-distribution region: AUROC of the ensemble's epistemic
  part for telling OOD inputs from test inputs.

The single best trial is scored as a one-member ensemble (for regression: its validation
residuals' variance as its noise), so the two differ only by the ensemble.

Data sets: regression ``diabetes`` (scikit-learn), ``friedman1`` (synthetic, noise sd 1.0;
OOD: inputs in [1.2, 2]^10 instead of [0, 1]^10), ``sine`` (synthetic 1-D, noise sd 0.3 on
[-3, 3]; OOD: |x| in [4.5, 7]); classification ``breast_cancer``, ``wine``, ``digits``
(scikit-learn) and ``blobs`` (synthetic, three overlapping 2-D blobs; OOD: a ring at radius
9-12 around them).

Targets: the ensemble's NLL below the best single trial's on every data set; OOD AUROC of
the epistemic part >= 0.8 on the synthetic shifts; aleatoric estimate within 20% of the
known noise level.

Run: ``python benchmarks/ensembles.py`` (about 5 minutes on 2 shared cores; ``--n-trials``,
``--datasets``, ``--seeds``).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import hyperhop as hh
from benchmarks._common import format_table
from hyperhop.ensemble import EnsembleClassifier, EnsembleRegressor
from hyperhop.ensemble.metrics import (
    classification_calibration_error,
    gaussian_nll,
    log_loss,
    regression_calibration_error,
)


@dataclass
class Data:
    name: str
    kind: str
    X: np.ndarray
    y: np.ndarray
    noise: float | None = None
    ood: np.ndarray | None = None


def _sine(rng: np.random.Generator) -> Data:
    x = rng.uniform(-3, 3, (900, 1))
    y = np.sin(1.5 * x[:, 0]) + 0.3 * x[:, 0] + rng.normal(0, 0.3, 900)
    far = rng.uniform(4.5, 7, (300, 1)) * rng.choice([-1, 1], (300, 1))
    return Data("sine", "regression", x, y, 0.3, far)


def _friedman(rng: np.random.Generator) -> Data:
    from sklearn.datasets import make_friedman1

    X, y = make_friedman1(4000, noise=1.0, random_state=int(rng.integers(2**31)))
    return Data("friedman1", "regression", X, y, 1.0, rng.uniform(1.2, 2.0, (300, 10)))


def _blobs(rng: np.random.Generator) -> Data:
    from sklearn.datasets import make_blobs

    X, y = make_blobs(
        900,
        centers=[[-2, 0], [2, 0], [0, 2.5]],
        cluster_std=1.1,
        random_state=int(rng.integers(2**31)),
    )
    angle = rng.uniform(0, 2 * np.pi, 300)
    radius = rng.uniform(9, 12, 300)
    far = np.c_[radius * np.cos(angle), radius * np.sin(angle)]
    return Data("blobs", "classification", X, y, None, far)


def _sklearn(name: str, kind: str) -> Callable[[np.random.Generator], Data]:
    def load(rng: np.random.Generator) -> Data:
        from sklearn import datasets

        X, y = getattr(datasets, f"load_{name}")(return_X_y=True)
        return Data(name, kind, X[:1000].astype(float), y[:1000])  # digits: 1000 of 1797

    return load


DATASETS: dict[str, Callable[[np.random.Generator], Data]] = {
    "diabetes": _sklearn("diabetes", "regression"),
    "friedman1": _friedman,
    "sine": _sine,
    "breast_cancer": _sklearn("breast_cancer", "classification"),
    "wine": _sklearn("wine", "classification"),
    "digits": _sklearn("digits", "classification"),
    "blobs": _blobs,
}


def space(kind: str) -> dict[str, Any]:
    kernel = {
        "family": "kernel",
        "ridge": hh.float(1e-3, 10, log=True),
        "gamma": hh.float(1e-3, 1, log=True),
    }
    return {
        "model": hh.choice(
            {
                "family": "mlp",
                "width": hh.int(16, 128, log=True),
                "alpha": hh.float(1e-5, 1e-1, log=True),
                "lr": hh.float(1e-3, 3e-2, log=True),
            },
            {"family": "knn", "k": hh.int(2, 40)},
            kernel,
            {"family": "trees", "leaf": hh.int(1, 20)},
            {"family": "boosting", "rate": hh.float(0.02, 0.3, log=True), "leaves": hh.int(4, 32)},
        )
    }


def build(cfg: dict[str, Any], kind: str, seed: int) -> Any:
    from sklearn import (
        ensemble,
        kernel_approximation,
        kernel_ridge,
        linear_model,
        neighbors,
        neural_network,
    )
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    m, reg = cfg["model"], kind == "regression"
    fam = m["family"]
    if fam == "mlp":
        cls = neural_network.MLPRegressor if reg else neural_network.MLPClassifier
        est = cls(
            hidden_layer_sizes=(m["width"], m["width"]),
            alpha=m["alpha"],
            learning_rate_init=m["lr"],
            max_iter=200,
            early_stopping=True,
            random_state=seed,
        )
    elif fam == "knn":
        est = (neighbors.KNeighborsRegressor if reg else neighbors.KNeighborsClassifier)(m["k"])
    elif fam == "kernel" and reg:
        est = kernel_ridge.KernelRidge(alpha=m["ridge"], kernel="rbf", gamma=m["gamma"])
    elif fam == "kernel":  # logistic regression on RBF features: unsure far from the data
        est = make_pipeline(
            kernel_approximation.Nystroem(gamma=m["gamma"], n_components=150, random_state=seed),
            linear_model.LogisticRegression(C=1.0 / m["ridge"], max_iter=2000),
        )
    elif fam == "trees":
        cls = ensemble.ExtraTreesRegressor if reg else ensemble.ExtraTreesClassifier
        est = cls(n_estimators=60, min_samples_leaf=m["leaf"], random_state=seed, n_jobs=1)
    else:
        cls = (
            ensemble.HistGradientBoostingRegressor
            if reg
            else ensemble.HistGradientBoostingClassifier
        )
        est = cls(
            learning_rate=m["rate"], max_leaf_nodes=m["leaves"], max_iter=100, random_state=seed
        )
    if reg:
        from sklearn.compose import TransformedTargetRegressor

        est = TransformedTargetRegressor(est, transformer=StandardScaler())
    return make_pipeline(StandardScaler(), est)


def auroc(inside: np.ndarray, outside: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    scores = np.r_[inside, outside]
    labels = np.r_[np.zeros(len(inside)), np.ones(len(outside))]
    return float(roc_auc_score(labels, scores))


def scores(model: Any, data: Data, Xs: np.ndarray, ys: np.ndarray) -> dict[str, float]:
    if data.kind == "regression":
        mean, u = model.predict_distribution(Xs)
        out = {
            "acc/rmse": float(np.sqrt(np.mean((mean - ys) ** 2))),
            "nll": gaussian_nll(ys, mean, u.total),
            "cal": regression_calibration_error(ys, mean, u.total),
        }
        if data.noise is not None:
            out["alea_sd"] = float(np.sqrt(np.mean(u.aleatoric)))
    else:
        p, u = model.predict_distribution(Xs)
        yi = np.searchsorted(model.classes_, ys)
        out = {
            "acc/rmse": float(np.mean(p.argmax(axis=1) == yi)),
            "nll": log_loss(yi, p),
            "cal": classification_calibration_error(yi, p),
        }
    if data.ood is not None:
        out["ood_auroc"] = auroc(u.epistemic, model.predict_distribution(data.ood)[1].epistemic)
    return out


def run(data: Data, n_trials: int, k: int, init: int, bagging: int, seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(data.y))
    X, y = data.X[order], data.y[order]
    a, b = len(y) // 2, 3 * len(y) // 4
    Xt, yt, Xv, yv, Xs, ys = X[:a], y[:a], X[a:b], y[a:b], X[b:], y[b:]
    reg = data.kind == "regression"

    def objective(cfg: dict[str, Any], trial: Any) -> float:
        model = build(cfg, data.kind, seed).fit(Xt, yt)
        trial.save_artifact("model", model)
        if reg:
            return float(np.sqrt(np.mean((model.predict(Xv) - yv) ** 2)))
        proba = model.predict_proba(Xv)
        return log_loss(np.searchsorted(model.classes_, yv), proba)

    t0 = time.perf_counter()
    study = hh.Study(space(data.kind), seed=seed)
    study.optimize(objective, n_trials=n_trials, progress=False)
    tuned = time.perf_counter() - t0
    ens = hh.ensemble.from_study(
        study, Xv, yv, k=k, metric="nll", init=init, bagging=bagging, random_state=seed
    )
    best_model = study.load_artifact(study.best, "model")
    single = (EnsembleRegressor if reg else EnsembleClassifier)([best_model], k=1).fit(Xv, yv)
    return {
        "single": scores(single, data, Xs, ys),
        "ensemble": scores(ens, data, Xs, ys),
        "members": len(ens.trials_),
        "families": sorted({t.config["model"]["family"] for t in ens.trials_}),
        "seconds": time.perf_counter() - t0,
        "tune_seconds": tuned,
    }


def _mean(runs: list[dict[str, Any]], who: str) -> dict[str, float]:
    keys = runs[0][who].keys()
    return {key: float(np.mean([r[who][key] for r in runs])) for key in keys}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--datasets", default=",".join(DATASETS), help="comma-separated names")
    p.add_argument("--n-trials", type=int, default=20, help="trials per study (default 20)")
    p.add_argument("--seeds", type=int, default=3, help="seeds 0..N-1, averaged (default 3)")
    p.add_argument("--k", type=int, default=8, help="the ensemble's size limit (default 8)")
    p.add_argument("--init", type=int, default=3, help="greedy's sorted start (default 3)")
    p.add_argument("--bagging", type=int, default=20, help="greedy's bags (default 20)")
    args = p.parse_args(argv)
    warnings.filterwarnings("ignore")
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)  # one thread per model: OpenMP threads thrash a shared machine
    rows, checks = [], []
    t_all = time.perf_counter()
    for name in args.datasets.split(","):
        runs = []
        for seed in range(args.seeds):
            data = DATASETS[name](np.random.default_rng(seed))
            runs.append(run(data, args.n_trials, args.k, args.init, args.bagging, seed))
            r = runs[-1]
            print(
                f"# {name} seed {seed}: {r['seconds']:.1f} s; NLL best trial "
                f"{r['single']['nll']:.4f}, ensemble {r['ensemble']['nll']:.4f} "
                f"({r['members']} members: {r['families']})",
                file=sys.stderr,
                flush=True,
            )
        s, e = _mean(runs, "single"), _mean(runs, "ensemble")
        members = np.mean([r["members"] for r in runs])
        wins = sum(r["ensemble"]["nll"] < r["single"]["nll"] for r in runs)

        def fmt(key: str, d: dict[str, float]) -> str:
            return f"{d[key]:.3f}" if key in d else "-"

        for who, d in (("best trial", s), (f"ensemble ({members:.1f})", e)):
            rows.append(
                [
                    name if who == "best trial" else "",
                    who,
                    "rmse" if data.kind == "regression" else "acc",
                    fmt("acc/rmse", d),
                    fmt("nll", d) + (f" ({wins}/{len(runs)} seeds lower)" if d is e else ""),
                    fmt("cal", d),
                    fmt("ood_auroc", d),
                    fmt("alea_sd", d) + (f" (true {data.noise:g})" if "alea_sd" in d else ""),
                ]
            )
        checks.append(
            (
                f"{name}: ensemble NLL < best trial's (mean of {len(runs)} seeds)",
                e["nll"] < s["nll"],
            )
        )
        if "ood_auroc" in e:
            auc = e["ood_auroc"]
            checks.append(
                (f"{name}: OOD AUROC of the epistemic part >= 0.8 ({auc:.3f})", auc >= 0.8)
            )
        if "alea_sd" in e and data.noise is not None:
            rel = abs(e["alea_sd"] - data.noise) / data.noise
            checks.append(
                (f"{name}: aleatoric sd within 20% of the noise ({rel:.0%} off)", rel <= 0.2)
            )
    headers = [
        "data set",
        "model (members)",
        "metric",
        "value",
        "NLL",
        "calib. err",
        "OOD AUROC",
        "aleatoric sd",
    ]
    print(f"means over seeds 0-{args.seeds - 1}; {time.perf_counter() - t_all:.0f} s in all")
    print(format_table(headers, rows))
    print()
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
