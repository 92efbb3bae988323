"""The suggest functions, mirroring Hyperopt's Suggest_API, test_anneal, test_tpe (public
parts) and the mix/atpe/Spark/plotting front doors."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest

from hyperhop.hyperopt import (
    Domain,
    SparkTrials,
    Trials,
    anneal,
    atpe,
    fmin,
    hp,
    mix,
    plotting,
    rand,
    tpe,
    trials_from_docs,
)
from hyperhop.hyperopt.base import miscs_to_idxs_vals

SPACE = {"x": hp.uniform("x", -5, 5), "c": hp.choice("c", [0, hp.randint("r", 3)])}


def domain():
    return Domain(lambda cfg: cfg["x"] ** 2, SPACE)


def idxs_vals(suggest, ids, seed, trials=None):
    docs = suggest(ids, domain(), trials or Trials(), seed)
    return miscs_to_idxs_vals(trials_from_docs(docs).miscs)


@pytest.mark.parametrize("suggest", [rand.suggest, tpe.suggest, anneal.suggest])
def test_ids_do_not_change_the_values_and_the_seed_does(suggest):
    ids_1 = [-2, 0, 7, "a", "007", 66]
    ids_2 = ["a", "b", "c", 1, 0.2, 3]
    i1, v1 = idxs_vals(suggest, ids_1, 45)
    i2, v2 = idxs_vals(suggest, ids_2, 45)
    assert set(sum(i1.values(), [])) == set(ids_1) and set(sum(i2.values(), [])) == set(ids_2)
    assert v1 == v2
    assert idxs_vals(suggest, list(range(20)), 45) != idxs_vals(suggest, list(range(20)), 46)
    assert (
        idxs_vals(suggest, [0, 1], np.random.PCG64(3))[1]
        == idxs_vals(suggest, [0, 1], np.random.PCG64(3))[1]
    )


def test_suggest_sees_the_trials_so_far():
    trials = Trials()
    fmin(
        lambda c: c["x"] ** 2,
        SPACE,
        algo=rand.suggest,
        max_evals=30,
        trials=trials,
        show_progressbar=False,
        rstate=np.random.default_rng(0),
    )
    _, vals = idxs_vals(partial(tpe.suggest, n_startup_jobs=5), list(range(30, 50)), 1, trials)
    assert np.median(np.abs(vals["x"])) < 2.5  # a random draw has median 2.5


@pytest.mark.parametrize(
    "algo",
    [
        partial(tpe.suggest, n_startup_jobs=10, n_EI_candidates=3, gamma=0.2, prior_weight=0.5),
        partial(anneal.suggest, avg_best_idx=3.0, shrink_coef=0.2),
        partial(
            mix.suggest,
            p_suggest=[(0.5, rand.suggest), (0.5, partial(tpe.suggest, n_startup_jobs=3))],
        ),
    ],
)
def test_partial_settings_are_honoured_and_the_search_works(algo):
    trials = Trials()
    space = hp.pchoice("a", [(0.1, 0), (0.2, 1), (0.3, 2), (0.4, 3)])
    fmin(
        lambda a: [1, 1, 1, 0][a],
        space,
        algo=algo,
        max_evals=60,
        trials=trials,
        rstate=np.random.default_rng(4),
        show_progressbar=False,
    )
    counts = np.bincount(trials.vals["a"], minlength=4)
    assert counts[3] > 60 * 0.4


def test_unknown_settings_and_bad_mixes_are_errors():
    with pytest.raises(TypeError, match="n_startup_jobs"):
        fmin(
            lambda x: x, hp.uniform("x", 0, 1), algo=partial(tpe.suggest, n_startup=3), max_evals=1
        )
    with pytest.raises(ValueError, match="sum to 1"):
        fmin(
            lambda x: x,
            hp.uniform("x", 0, 1),
            algo=partial(mix.suggest, p_suggest=[(0.3, rand.suggest)]),
            max_evals=1,
        )


def test_mix_with_a_suggest_of_your_own_runs_the_hyperopt_way():
    calls = []

    def mine(new_ids, domain, trials, seed):
        calls.append(seed)
        return rand.suggest(new_ids, domain, trials, seed)

    trials = Trials()
    fmin(
        lambda x: x,
        hp.uniform("x", 0, 1),
        algo=partial(mix.suggest, p_suggest=[(0.5, mine), (0.5, rand.suggest)]),
        max_evals=20,
        trials=trials,
        show_progressbar=False,
    )
    assert len(trials) == 20 and 0 < len(calls) < 20


def test_atpe_spark_and_plotting_say_what_to_use():
    with pytest.raises(NotImplementedError, match="tpe.suggest"):
        fmin(
            lambda x: x,
            hp.uniform("x", 0, 1),
            algo=atpe.suggest,
            max_evals=2,
            show_progressbar=False,
        )
    with pytest.raises(NotImplementedError, match="executor"):
        SparkTrials(parallelism=4)
    with pytest.raises(NotImplementedError, match="trial_attachments"):
        plotting.main_plot_1D_attachment(Trials(), "log")


def test_plots_draw_the_trials():
    import matplotlib

    matplotlib.use("Agg")
    trials = Trials()
    fmin(
        lambda c: c["x"] ** 2,
        SPACE,
        algo=rand.suggest,
        max_evals=20,
        trials=trials,
        show_progressbar=False,
        rstate=np.random.default_rng(0),
    )
    history = plotting.main_plot_history(trials, do_show=False)
    assert len(history.axes[0].collections[0].get_offsets()) == 20
    assert len(plotting.main_plot_histogram(trials, do_show=False).axes[0].patches) > 0
    panels = [
        ax
        for ax in plotting.main_plot_vars(trials, do_show=False, colorize_best=3).axes
        if ax.get_visible()
    ]
    assert sorted(ax.get_title() for ax in panels) == ["c", "r", "x"]


def test_default_algo_is_tpe_with_a_warning():
    with pytest.warns(UserWarning, match="TPE is being used"):
        fmin(lambda x: x, hp.uniform("x", 0, 1), max_evals=2, show_progressbar=False)
