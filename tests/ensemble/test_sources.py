"""from_study on real studies: model families of a conditional space, saved predictions,
a PyTorch MLP loaded through a factory, several workers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

import hyperhop as hh
from hyperhop.ensemble import EnsembleClassifier
from hyperhop.ensemble.metrics import log_loss
from tests.conftest import require_module

X, Y = load_breast_cancer(return_X_y=True)
IDX = np.random.default_rng(0).permutation(len(Y))
X, Y = X[IDX], Y[IDX]
XT, YT, XV, YV, XS, YS = X[:300], Y[:300], X[300:440], Y[300:440], X[440:], Y[440:]

SPACE = {
    "model": hh.choice(
        {"kind": "tree", "depth": hh.int(1, 8)},
        {"kind": "knn", "k": hh.int(1, 40)},
        {"kind": "logreg", "C": hh.float(1e-4, 1e2, log=True)},
    )
}


def build(cfg: dict[str, Any]) -> Any:
    m = cfg["model"]
    if m["kind"] == "tree":
        return DecisionTreeClassifier(max_depth=m["depth"], random_state=0)
    if m["kind"] == "knn":
        return make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=m["k"]))
    return make_pipeline(StandardScaler(), LogisticRegression(C=m["C"], max_iter=1000))


def objective(cfg: dict[str, Any], trial: Any) -> float:
    model = build(cfg).fit(XT, YT)
    proba = model.predict_proba(XV)
    trial.save_artifact("model", model)
    trial.save_artifact("val_proba", proba)
    return log_loss(YV, proba)


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> hh.Study:
    url = f"sqlite:///{tmp_path_factory.mktemp('ens') / 'runs.db'}"
    s = hh.Study(SPACE, storage=url, name="families", algo="random", seed=0)
    s.optimize(objective, n_trials=16, n_jobs=2, progress=False)  # two workers
    return s


def test_from_study_mixes_families_and_is_no_worse_than_the_best_trial(study: hh.Study) -> None:
    ens = hh.ensemble.from_study(study, XV, YV, k=5)
    assert isinstance(ens, EnsembleClassifier)
    kinds = {t.config["model"]["kind"] for t in ens.trials_}
    assert len(ens.trials_) == len(ens.member_weights_) > 1 and len(kinds) > 1
    assert ens.validation_loss_ <= study.best_value + 1e-12
    assert ens.score(XS, YS) > 0.9
    u = ens.predict_uncertainty(XS)
    np.testing.assert_allclose(u.total, u.aleatoric + u.epistemic)


def test_saved_predictions_choose_the_same_members(study: hh.Study) -> None:
    a = hh.ensemble.from_study(study, XV, YV, k=4)
    b = hh.ensemble.from_study(study, None, YV, k=4, predictions="val_proba")
    assert [t.number for t in a.trials_] == [t.number for t in b.trials_]
    np.testing.assert_allclose(a.predict_proba(XS), b.predict_proba(XS))
    c = hh.ensemble.from_study(study, None, YV, predictions="val_proba", artifact=None, top=3)
    assert len(c.trials_) <= 3


def test_topk_and_errors(study: hh.Study) -> None:
    # the trials' values are their raw validation NLL: rank without the members' temperatures
    ens = hh.ensemble.from_study(study, XV, YV, selector="topk", k=3, calibrate=False)
    best3 = sorted(study.trials, key=lambda t: (t.value, t.number))[:3]
    assert sorted(t.number for t in ens.trials_) == sorted(t.number for t in best3)
    np.testing.assert_allclose(ens.member_weights_, 1 / 3)
    with pytest.raises(ValueError, match="saved 'weights'"):
        hh.ensemble.from_study(study, XV, YV, artifact="weights")
    with pytest.raises(ValueError, match="'kind' parameter"):
        hh.ensemble.from_study(study, XV, YV, kind="ranking")


def test_a_small_torch_mlp_study(tmp_path: Path) -> None:
    require_module("torch", "torch")
    import torch

    Xw, yw = load_wine(return_X_y=True)
    order = np.random.default_rng(1).permutation(len(yw))
    Xw = StandardScaler().fit_transform(Xw[order]).astype(np.float32)
    yw = yw[order]
    xt, ytr, xv, yv = Xw[:100], yw[:100], Xw[100:], yw[100:]

    def factory(cfg: dict[str, Any]) -> torch.nn.Module:
        return torch.nn.Sequential(
            torch.nn.Linear(13, cfg["hidden"]), torch.nn.Tanh(), torch.nn.Linear(cfg["hidden"], 3)
        )

    def train(cfg: dict[str, Any], trial: Any) -> float:
        torch.manual_seed(trial.number)
        net = factory(cfg)
        opt = torch.optim.Adam(net.parameters(), lr=cfg["lr"])
        xb, yb = torch.as_tensor(xt), torch.as_tensor(ytr)
        for _ in range(30):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(net(xb), yb).backward()
            opt.step()
        trial.save_artifact("model", net)
        with torch.no_grad():
            return float(
                torch.nn.functional.cross_entropy(net(torch.as_tensor(xv)), torch.as_tensor(yv))
            )

    space = {"hidden": hh.int(4, 16), "lr": hh.float(1e-3, 3e-2, log=True)}
    study = hh.Study(space, storage=f"sqlite:///{tmp_path / 't.db'}", seed=0, algo="random")
    study.optimize(train, n_trials=5, progress=False)
    ens = hh.ensemble.from_study(study, xv, yv, k=3, factory=factory)
    assert isinstance(ens, EnsembleClassifier) and ens.classes_.tolist() == [0, 1, 2]
    assert ens.validation_loss_ <= study.best_value + 1e-6
    assert ens.score(xv, yv) > 0.8
    u = ens.predict_uncertainty(xv)
    np.testing.assert_allclose(u.total, u.aleatoric + u.epistemic)
