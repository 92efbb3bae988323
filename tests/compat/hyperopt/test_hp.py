"""hp.* primitives and pyll expressions, mirroring Hyperopt's test_pchoice, test_randint,
test_domains and test_pyll_utils (public parts)."""

from __future__ import annotations

import numpy as np
import pytest

import hyperhop as hh
from hyperhop.hyperopt import Domain, Trials, base, fmin, hp, rand
from hyperhop.hyperopt.pyll import Apply, Literal, as_apply, rec_eval, scope
from hyperhop.hyperopt.pyll.stochastic import sample


def draws(space, n, seed=123):
    rng = np.random.default_rng(seed)
    return [sample(space, rng=rng) for _ in range(n)]


def test_label_must_be_a_string():
    with pytest.raises(TypeError, match="require string label"):
        hp.uniform(1, 0, 1)
    assert hp.uniform(b"x", 0, 1).label == "x"


def test_pchoice_follows_its_probabilities():
    space = hp.pchoice("t", [(0.14, "gaussian"), (0.02, "multinomial"), (0.84, "bernoulli")])
    counts = {k: 0 for k in ("gaussian", "multinomial", "bernoulli")}
    for v in draws(space, 1000):
        counts[v] += 1
    assert (
        100 < counts["gaussian"] < 180 and counts["multinomial"] < 40 and counts["bernoulli"] > 780
    )


def test_nested_pchoice_multiplies_probabilities():
    space = hp.pchoice(
        "s",
        [
            (0.2, hp.pchoice("n", [(0.8, 2), (0.2, 1)])),
            (0.8, hp.pchoice("m", [(0.7, 5), (0.3, 6)])),
        ],
    )
    vals = draws(space, 2000)
    low = sum(v in (1, 2) for v in vals)
    assert 300 < low < 500 and set(vals) == {1, 2, 5, 6}


@pytest.mark.parametrize(("args", "values"), [((5,), range(5)), ((5, 15), range(5, 15))])
def test_randint_is_uniform_on_its_half_open_range(args, values):
    vals = draws(hp.randint("a", *args), 1000)
    assert set(vals) == set(values)
    assert all(isinstance(v, int) for v in vals)


def test_randint_stores_the_integer_not_an_offset():
    trials = Trials()
    fmin(
        lambda t: t,
        hp.randint("t", 2, 100),
        algo=rand.suggest,
        max_evals=50,
        trials=trials,
        show_progressbar=False,
    )
    assert min(trials.vals["t"]) >= 2 and max(trials.vals["t"]) < 100


@pytest.mark.parametrize(
    ("make", "check"),
    [
        (lambda: hp.quniform("q", 1, 10, 4), lambda v: v in {0.0, 4.0, 8.0}),
        (lambda: hp.quniform("q", 0, 10, 3), lambda v: v in {0.0, 3.0, 6.0, 9.0}),
        (lambda: hp.loguniform("l", -2, 0), lambda v: np.exp(-2) <= v < 1),
        (lambda: hp.uniformint("u", 1, 3), lambda v: v in {1, 2, 3} and isinstance(v, int)),
        (lambda: hp.qlognormal("j", 0, 2, 1), lambda v: v >= 0 and v == round(v)),
        (lambda: hp.qloguniform("f", 0, 3, 2), lambda v: v % 2 == 0),
        (lambda: hp.lognormal("h", -2, 2), lambda v: v > 0),
    ],
)
def test_hyperopt_formulas(make, check):
    assert all(check(v) for v in draws(make(), 300))


def test_choice_stores_the_index_and_nests_spaces():
    space = hp.choice("m", [{"k": "svm", "C": hp.uniform("C", 0, 1)}, {"k": "tree"}])
    trials = Trials()
    fmin(
        lambda c: 0.0 if c["k"] == "tree" else c["C"],
        space,
        algo=rand.suggest,
        max_evals=30,
        trials=trials,
        show_progressbar=False,
    )
    assert set(trials.vals["m"]) == {0, 1}
    assert len(trials.vals["C"]) == trials.vals["m"].count(0)  # conditional: only when active
    assert all(t["misc"]["vals"]["C"] == [] for t in trials.trials if t["misc"]["vals"]["m"] == [1])


def test_arithmetic_indexing_and_scope_functions():
    o_x = hp.choice("o_x", [(-3, hp.uniform("x_neg", -5, 5)), (3, hp.uniform("x_pos", -5, 5))])
    loss = (o_x[0] - o_x[1]) ** 2
    mus = as_apply([-1, 0])
    arm = hp.choice("arm", [0, 1])
    space = {
        "loss": loss,
        "mu": mus[arm],
        "m": scope.min(0.1 * (hp.lognormal("ln", 0, 2) - 10) ** 2, 10),
        "s": scope.switch(hp.randint("i", 2), "a", "b"),
        "f": scope.float(scope.exp(hp.uniform("e", 0, 1)) // 1),
    }
    for cfg in draws(space, 50):
        assert cfg["loss"] >= 0 and cfg["mu"] in (-1, 0) and cfg["m"] <= 10
        assert cfg["s"] in ("a", "b") and cfg["f"] in (1.0, 2.0)
    assert isinstance(o_x, Apply) and isinstance(loss, Apply) and not isinstance(3, Apply)


def test_scope_define_registers_a_function():
    @scope.define
    def hh_test_triple(x):
        return 3 * x

    assert sample(scope.hh_test_triple(hp.uniform("x", 1, 2))) >= 3
    with pytest.raises(AttributeError, match="scope.define"):
        _ = scope.no_such_function_here


def test_noise_nodes_are_drawn_but_not_optimized():
    space = {"x": hp.uniform("x", 0, 1), "noise": scope.normal(0, 1)}
    domain = Domain(lambda c: c["x"] + 0 * c["noise"], space)
    assert domain.space.labels == ("x",)
    noise = {round(sample(space, rng=np.random.default_rng(s))["noise"], 9) for s in range(5)}
    assert len(noise) == 5


def test_literal_and_rec_eval():
    assert rec_eval(Literal([1, 2])[hp.randint("k", 1, 2)]) == 2
    x = hp.uniform("x", 0, 1)
    assert rec_eval({"a": x * 2}, memo={x: 0.25}) == {"a": 0.5}
    assert rec_eval({"a": x * 2}, memo={"x": 0.5}) == {"a": 1.0}


def test_hp_nodes_are_hyperhop_parameters():
    """A Hyperopt space is a hyperhop space: a Study takes it as it is."""
    space = {"lr": hp.loguniform("lr", -5, 0), "act": hp.choice("act", ["relu", "tanh"])}
    study = hh.Study(space, seed=0)
    study.optimize(lambda c: c["lr"] + (c["act"] == "tanh"), n_trials=5, progress=False)
    assert set(study.space.labels) == {"lr", "act"}


def test_domain_evaluates_numbers_and_dicts():
    d = Domain(lambda x: {"loss": x, "status": base.STATUS_OK, "extra": [1]}, hp.uniform("x", 0, 1))
    assert d.evaluate({"x": 0.5}, None) == {"loss": 0.5, "status": "ok", "extra": [1]}
    assert d.loss({"loss": 2.0}) == 2.0 and d.new_result() == {"status": "new"}
    assert d.true_loss({"loss": 2.0, "true_loss": 1.5}) == 1.5
