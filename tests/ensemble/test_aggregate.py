from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hyperhop.ensemble import entropy, mix_categorical, mix_normals


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), st.integers(1, 5), st.integers(0, 2**31 - 1))
def test_normal_mixture_total_is_its_variance(m: int, n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    mu = rng.normal(0, 3, (m, n))
    var = rng.uniform(0.01, 4, (m, n))
    w = rng.uniform(0.1, 1, m)
    mean, u = mix_normals(mu, var, w)
    p = w / w.sum()
    # the mixture's variance from its second moment, computed another way
    second = (p[:, None] * (var + mu**2)).sum(axis=0)
    np.testing.assert_allclose(u.total, second - mean**2, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(u.total, u.aleatoric + u.epistemic, rtol=1e-12)
    np.testing.assert_allclose(u.aleatoric, p @ var)
    assert (u.epistemic >= 0).all()


def test_normal_mixture_matches_sampling() -> None:
    rng = np.random.default_rng(0)
    mu, var, w = np.array([[-1.0], [2.0]]), np.array([[0.5], [2.0]]), np.array([0.3, 0.7])
    which = rng.choice(2, size=400_000, p=w)
    draws = rng.normal(mu[which, 0], np.sqrt(var[which, 0]))
    mean, u = mix_normals(mu, var, w)
    assert abs(draws.mean() - mean[0]) < 0.01
    assert abs(draws.var() - u.total[0]) < 0.02


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), st.integers(1, 4), st.integers(2, 5), st.integers(0, 2**31 - 1))
def test_categorical_epistemic_is_the_mutual_information(m: int, n: int, c: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    P = rng.dirichlet(np.ones(c) * 0.7, size=(m, n))
    w = rng.uniform(0.1, 1, m)
    p, u = mix_categorical(P, w)
    pw = w / w.sum()
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(u.total, entropy(p), atol=1e-12)
    np.testing.assert_allclose(u.total, u.aleatoric + u.epistemic, atol=1e-12)
    # I(y; member) = sum_m w_m KL(p_m || p): independent of the entropy identity
    kl = (P * (np.log(np.clip(P, 1e-300, None)) - np.log(p)[None])).sum(axis=2)
    np.testing.assert_allclose(u.epistemic, pw @ kl, atol=1e-9)


def test_agreeing_members_have_no_epistemic_part() -> None:
    P = np.tile(np.array([[0.2, 0.8]]), (4, 1, 1))
    _, u = mix_categorical(P)
    assert np.allclose(u.epistemic, 0.0) and np.allclose(u.aleatoric, entropy([0.2, 0.8]))
    _, un = mix_normals(np.ones((3, 2)), np.full((3, 2), 0.25))
    assert np.allclose(un.epistemic, 0.0) and np.allclose(un.total, 0.25)


def test_bad_weights_are_refused() -> None:
    import pytest

    for w in ([1.0], [-1.0, 2.0], [0.0, 0.0], [np.nan, 1.0]):
        with pytest.raises(ValueError, match="weights"):
            mix_normals(np.zeros((2, 1)), np.ones((2, 1)), np.array(w))
