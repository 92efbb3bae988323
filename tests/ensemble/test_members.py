from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Ridge

from hyperhop.ensemble.members import TorchModel, predict_all, regression_output
from tests.conftest import require_module


def test_predict_all_keeps_the_order_and_reports_a_failing_member() -> None:
    X, y = load_diabetes(return_X_y=True)
    models = [Ridge(alpha=a).fit(X, y) for a in (0.01, 1.0, 100.0)]
    outs = predict_all(models, X[:5], regression_output, n_jobs=2)
    for m, (mean, var) in zip(models, outs, strict=True):
        np.testing.assert_allclose(mean, m.predict(X[:5]))
        assert var is None
    with pytest.raises(RuntimeError, match="member 1 failed"):
        predict_all([models[0], Ridge()], X[:5], regression_output)


def test_torch_regression_member_gives_mean_and_variance() -> None:
    require_module("torch", "torch")
    import torch

    lin = torch.nn.Linear(3, 2)
    with torch.no_grad():
        lin.weight.zero_()
        lin.bias.copy_(torch.tensor([1.5, np.log(0.25)]))
    mean, var = regression_output(TorchModel(lin, "regression"), np.zeros((4, 3)))
    np.testing.assert_allclose(mean, 1.5)
    np.testing.assert_allclose(var, 0.25, rtol=1e-6)
    mean_only = regression_output(TorchModel(torch.nn.Linear(3, 1), "regression"), np.zeros((2, 3)))
    assert mean_only[1] is None and mean_only[0].shape == (2,)
