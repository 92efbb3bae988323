from __future__ import annotations

import numpy as np
import pytest

from hyperhop.importance.ped_anova import pearson_divergence, ped_anova


def test_divergence_is_zero_for_the_same_spread_and_grows_with_concentration() -> None:
    rng = np.random.default_rng(0)
    base = rng.random(5000)
    same = pearson_divergence(rng.random(500), base, None)
    narrow = pearson_divergence(0.3 + 0.05 * rng.random(500), base, None)
    narrower = pearson_divergence(0.3 + 0.01 * rng.random(500), base, None)
    assert same < 0.05 < narrow < narrower


def test_categorical_divergence_counts_options() -> None:
    base = np.repeat([0.25, 0.75], 500)  # two options, half each
    assert pearson_divergence(np.full(100, 0.25), base, 2) > 0.9
    assert pearson_divergence(np.repeat([0.25, 0.75], 50), base, 2) < 1e-3


def test_ranks_parameters_by_how_they_matter_among_the_best() -> None:
    rng = np.random.default_rng(2)
    X = rng.random((3000, 3))
    y = 10 * (X[:, 0] - 0.3) ** 2 + (X[:, 1] - 0.5) ** 2
    v, std = ped_anova(X, y, [None, None, None], seed=0)
    s = v / v.sum()
    assert s[0] > 0.7 and s[1] > s[2] and s[2] < 0.05
    assert np.all(std > 0)


def test_inactive_values_are_left_out_and_bad_quantiles_refused() -> None:
    rng = np.random.default_rng(3)
    X = rng.random((1000, 2))
    X[::2, 1] = np.nan
    y = X[:, 0]
    v, _ = ped_anova(X, y, [None, None], n_bootstrap=0)
    assert np.isfinite(v).all() and v[0] > 10 * v[1]
    with pytest.raises(ValueError, match="0 < gamma < baseline <= 1"):
        ped_anova(X, y, [None, None], gamma=0.5, baseline=0.2)
