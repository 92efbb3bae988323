"""fmin's arguments and stop rules, mirroring Hyperopt's tests/unit/test_fmin.py."""

from __future__ import annotations

import time
from functools import partial

import numpy as np
import pytest

from hyperhop.hyperopt import (
    JOB_STATE_ERROR,
    STATUS_FAIL,
    STATUS_OK,
    Trials,
    anneal,
    exceptions,
    fmin,
    fmin_pass_expr_memo_ctrl,
    hp,
    rand,
    space_eval,
    tpe,
)
from hyperhop.hyperopt.early_stop import no_progress_loss
from hyperhop.hyperopt.fmin import generate_trials_to_calculate
from hyperhop.hyperopt.pyll import rec_eval

QUIET = {"show_progressbar": False}


@pytest.mark.parametrize(
    ("algo", "n"), [(rand.suggest, 300), (tpe.suggest, 50), (anneal.suggest, 40)]
)
def test_quadratic_is_minimized_and_max_evals_counts_trials(algo, n):
    trials = Trials()
    best = fmin(
        lambda x: (x - 3) ** 2,
        hp.uniform("x", -5, 5),
        algo=algo,
        max_evals=n,
        trials=trials,
        rstate=np.random.default_rng(123),
        **QUIET,
    )
    assert len(trials) == n
    assert abs(best["x"] - 3) < 0.3


def test_duplicate_label_is_an_error():
    with pytest.raises(exceptions.DuplicateLabel):
        fmin(lambda xy: 0.0, [hp.uniform("x", -5, 5), hp.uniform("x", -5, 5)], max_evals=1)


def test_one_node_used_twice_is_not_a_duplicate():
    x = hp.uniform("x", 0, 1)
    best = fmin(lambda p: p[0] + p[1], [x, x], algo=rand.suggest, max_evals=3, **QUIET)
    assert set(best) == {"x"}


def test_rstate_seeds_the_search_and_must_be_a_generator():
    def run(seed):
        return fmin(
            lambda x: x,
            hp.uniform("x", -5, 5),
            algo=rand.suggest,
            max_evals=3,
            rstate=np.random.default_rng(seed),
            **QUIET,
        )

    assert run(0) == run(0) != run(1)
    with pytest.raises(TypeError, match="Generator"):
        fmin(lambda x: x, hp.uniform("x", 0, 1), max_evals=1, rstate=np.random.RandomState(0))


def test_env_seed_makes_runs_repeatable(monkeypatch):
    monkeypatch.setenv("HYPEROPT_FMIN_SEED", "7")
    a = fmin(lambda x: x, hp.uniform("x", 0, 1), algo=rand.suggest, max_evals=2, **QUIET)
    b = fmin(lambda x: x, hp.uniform("x", 0, 1), algo=rand.suggest, max_evals=2, **QUIET)
    assert a == b


def test_return_argmin_gives_indices_and_return_config_gives_values():
    space = hp.choice("x", [100, 5, 10])
    kw = {"max_evals": 10, "algo": rand.suggest, **QUIET}
    assert fmin(lambda x: x, space, return_argmin=False, rstate=np.random.default_rng(0), **kw) == 5
    assert fmin(lambda x: x, space, rstate=np.random.default_rng(0), **kw) == {"x": 1}


def test_catch_eval_exceptions_records_error_trials_outside_trials_trials():
    def boom(x):
        raise RuntimeError("diverged")

    trials = Trials()
    out = fmin(
        boom,
        hp.uniform("x", 0, 1),
        algo=rand.suggest,
        trials=trials,
        max_evals=2,
        catch_eval_exceptions=True,
        return_argmin=False,
        **QUIET,
    )
    assert out is None and len(trials) == 0
    assert [d["state"] for d in trials._dynamic_trials] == [JOB_STATE_ERROR] * 2
    assert trials._dynamic_trials[0]["misc"]["error"][1] == "diverged"


def test_exception_propagates_after_recording_the_trial():
    def boom(x):
        raise KeyError("x")

    trials = Trials()
    with pytest.raises(KeyError):
        fmin(boom, hp.uniform("x", 0, 1), algo=rand.suggest, trials=trials, max_evals=3, **QUIET)
    assert len(trials) == 0 and len(trials._dynamic_trials) == 1


def test_status_fail_counts_toward_max_evals_and_is_never_best():
    trials = Trials()
    best = fmin(
        lambda x: {"loss": (x - 3) ** 2, "status": STATUS_OK} if x < 0 else {"status": STATUS_FAIL},
        hp.uniform("x", -5, 5),
        algo=tpe.suggest,
        max_evals=40,
        trials=trials,
        rstate=np.random.default_rng(0),
        **QUIET,
    )
    assert len(trials) == 40 and best["x"] < 0
    assert "fail" in trials.statuses()
    assert trials.best_trial["result"]["loss"] >= 9


def test_invalid_results_raise_hyperopt_errors():
    kw = {"max_evals": 1, "algo": rand.suggest, **QUIET}
    with pytest.raises(exceptions.InvalidResultStatus):
        fmin(lambda x: {"loss": 1.0, "status": "great"}, hp.uniform("x", 0, 1), **kw)
    with pytest.raises(exceptions.InvalidLoss):
        fmin(lambda x: {"loss": "high", "status": "ok"}, hp.uniform("x", 0, 1), **kw)


def test_points_to_evaluate_run_first_and_count_toward_max_evals():
    points = [{"x": 0.0, "y": 0.0}, {"x": 1.0, "y": 1.0}]
    trials_seen = []

    def f(cfg):
        trials_seen.append((cfg["x"], cfg["y"]))
        return cfg["x"] ** 2 + cfg["y"] ** 2

    best = fmin(
        f,
        {"x": hp.uniform("x", -10, 10), "y": hp.uniform("y", -10, 10)},
        algo=tpe.suggest,
        max_evals=10,
        points_to_evaluate=points,
        **QUIET,
    )
    assert trials_seen[:2] == [(0.0, 0.0), (1.0, 1.0)] and len(trials_seen) == 10
    assert best == {"x": 0.0, "y": 0.0}


def test_points_give_choices_by_index():
    seen = []
    fmin(
        lambda c: seen.append(c) or 0.0,
        hp.choice("c", ["a", "b", "c"]),
        algo=rand.suggest,
        max_evals=1,
        points_to_evaluate=[{"c": 2}],
        **QUIET,
    )
    assert seen == ["c"]


def test_timeout_stops_between_trials_and_never_interrupts_one():
    finished = []

    def slow(x):
        time.sleep(0.2)
        finished.append(x)
        return x

    trials = Trials()
    fmin(
        slow,
        hp.uniform("x", 0, 1),
        algo=rand.suggest,
        max_evals=100,
        timeout=0.3,
        trials=trials,
        **QUIET,
    )
    # a trial starts only while less than 0.3 s have passed, and runs to its end
    assert 1 <= len(trials) <= 2 and len(finished) == len(trials)
    assert trials.statuses() == ["ok"] * len(trials)


@pytest.mark.parametrize("bad", [-1, 0, True, "1"])
def test_invalid_timeout_message(bad):
    msg = f"The timeout argument should be None or a positive value. Given value: {bad}"
    with pytest.raises(ValueError) as e:
        fmin(lambda x: x, hp.uniform("x", 0, 1), max_evals=1, timeout=bad)
    assert str(e.value) == msg


@pytest.mark.parametrize("bad", ["a", True])
def test_invalid_loss_threshold_message(bad):
    msg = f"The loss_threshold argument should be None or a numeric value. Given value: {bad}"
    with pytest.raises(ValueError) as e:
        fmin(lambda x: x, hp.uniform("x", 0, 1), max_evals=1, loss_threshold=bad)
    assert str(e.value) == msg


def test_loss_threshold_stops_once_the_best_is_below():
    trials = Trials()
    fmin(
        lambda x: x**2,
        hp.uniform("x", -10, 10),
        loss_threshold=0.01,
        algo=rand.suggest,
        trials=trials,
        rstate=np.random.default_rng(0),
        **QUIET,
    )
    losses = trials.losses()
    assert losses[-1] < 0.01 and all(v >= 0.01 for v in losses[:-1])


def test_early_stop_fn_state_is_passed_back():
    trials = Trials()

    def stop(trials, count=0):
        return count + 1 >= 7, [count + 1]

    fmin(
        lambda x: x,
        hp.uniform("x", 0, 1),
        algo=rand.suggest,
        max_evals=50,
        trials=trials,
        early_stop_fn=stop,
        **QUIET,
    )
    assert len(trials) == 7


def test_no_progress_loss_after_an_unbeatable_first_point():
    trials = generate_trials_to_calculate([{"x": -100}])
    fmin(
        lambda x: x,
        hp.uniform("x", -5, 5),
        algo=rand.suggest,
        max_evals=500,
        trials=trials,
        early_stop_fn=no_progress_loss(10),
        **QUIET,
    )
    assert len(trials) == 10 and trials.trials[0]["result"]["loss"] == -100


def test_no_progress_loss_counts_failed_trials_as_no_progress():
    trials = generate_trials_to_calculate([{"x": 0.0}])  # the best, then only failures
    fmin(
        lambda x: {"status": "fail"} if x > 0.0 else x,
        hp.uniform("x", 0, 1),
        algo=rand.suggest,
        max_evals=200,
        trials=trials,
        early_stop_fn=no_progress_loss(4),
        **QUIET,
    )
    assert trials.statuses() == ["ok"] + ["fail"] * 3  # the first trial counts as one


def test_annotated_space():
    def objective(x: hp.uniform("x", -10, 10), y: hp.uniform("y", -10, 10)):
        return (x * y) ** 2

    trials = Trials()
    fmin(objective, space="annotated", algo=tpe.suggest, max_evals=10, trials=trials, **QUIET)
    assert len(trials) == 10 and set(trials.vals) == {"x", "y"}

    def bad(x: hp.uniform("x", -10, 10), y: float):
        return x

    with pytest.raises(exceptions.InvalidAnnotatedParameter):
        fmin(bad, space="annotated", max_evals=1)


def test_max_evals_is_a_total_and_a_rerun_adds_trials():
    trials = Trials()
    kw = {"algo": rand.suggest, "trials": trials, **QUIET}
    fmin(lambda x: x, hp.uniform("x", 0, 1), max_evals=5, **kw)
    fmin(lambda x: x, hp.uniform("x", 0, 1), max_evals=8, **kw)
    assert len(trials) == 8 and trials.tids == list(range(8))


def test_tpe_learns_from_trials_of_an_earlier_run():
    trials = Trials()
    kw = {"trials": trials, "rstate": np.random.default_rng(0), **QUIET}
    fmin(lambda x: (x - 2) ** 2, hp.uniform("x", -10, 10), algo=rand.suggest, max_evals=30, **kw)
    fmin(
        lambda x: (x - 2) ** 2,
        hp.uniform("x", -10, 10),
        algo=partial(tpe.suggest, n_startup_jobs=5),
        max_evals=60,
        **kw,
    )
    late = [v for v in trials.vals["x"][30:]]
    assert np.median(np.abs(np.array(late) - 2)) < np.median(
        np.abs(np.array(trials.vals["x"][:30]) - 2)
    )


def test_max_queue_len_asks_several_trials_per_algo_call():
    calls = []

    def my_algo(new_ids, domain, trials, seed):
        calls.append(len(new_ids))
        return rand.suggest(new_ids, domain, trials, seed)

    trials = Trials()
    fmin(
        lambda x: x,
        hp.uniform("x", 0, 1),
        algo=my_algo,
        max_evals=7,
        max_queue_len=3,
        trials=trials,
        **QUIET,
    )
    assert calls == [3, 3, 1] and len(trials) == 7


def test_a_custom_algo_of_hyperopt_shape_is_run():
    def constant_algo(new_ids, domain, trials, seed):
        docs = rand.suggest(new_ids, domain, trials, seed)
        for d in docs:
            d["misc"]["vals"]["x"] = [0.25]
        return docs

    trials = Trials()
    best = fmin(
        lambda x: x, hp.uniform("x", 0, 1), algo=constant_algo, max_evals=3, trials=trials, **QUIET
    )
    assert best == {"x": 0.25} and trials.vals["x"] == [0.25] * 3


def test_pass_expr_memo_ctrl():
    space = {"x": hp.uniform("x", 0, 1), "k": 2}

    @fmin_pass_expr_memo_ctrl
    def f(expr, memo, ctrl):
        cfg = rec_eval(expr, memo=memo)
        ctrl.attachments["note"] = b"seen"
        return cfg["x"] * cfg["k"]

    trials = Trials()
    fmin(f, space, algo=rand.suggest, max_evals=2, trials=trials, **QUIET)
    assert trials.trial_attachments(trials.trials[0])["note"] == b"seen"
    assert trials.losses()[0] == pytest.approx(2 * trials.vals["x"][0])


def test_space_eval_with_nested_choice():
    space = hp.choice(
        "a", [("case 1", 1 + hp.lognormal("c1", 0, 1)), ("case 2", hp.uniform("c2", -10, 10))]
    )
    assert space_eval(space, {"a": 0, "c1": 1.0}) == ("case 1", 2.0)
    assert space_eval(space, {"a": 1, "c2": 3.5, "unused": 9}) == ("case 2", 3.5)


def test_progress_bar_accepts_a_context_manager_factory():
    import contextlib

    seen = []

    @contextlib.contextmanager
    def bar(initial, total):
        class B:
            postfix = None

            def update(self, n):
                seen.append((n, self.postfix))

        yield B()

    fmin(lambda x: x, hp.uniform("x", 0, 1), algo=rand.suggest, max_evals=3, show_progressbar=bar)
    assert [n for n, _ in seen] == [1, 1, 1] and seen[-1][1].startswith("best loss: ")


def test_trials_save_file_resumes_from_a_journal_and_refuses_pickles(tmp_path):
    path = tmp_path / "trials.jsonl"
    kw = {"algo": rand.suggest, "trials_save_file": str(path), **QUIET}
    fmin(lambda x: x, hp.uniform("x", 0, 1), max_evals=4, **kw)
    assert path.exists() and b"\x80" not in path.read_bytes()[:1]
    best = fmin(lambda x: x, hp.uniform("x", 0, 1), max_evals=6, return_argmin=False, **kw)
    from hyperhop.hyperopt.mongoexp import FileTrials

    resumed = FileTrials(str(path))
    assert len(resumed) == 6 and best == min(resumed.losses())
    pickled = tmp_path / "old.p"
    pickled.write_bytes(b"\x80\x04junk")
    with pytest.raises(ValueError, match="pickle"):
        fmin(
            lambda x: x,
            hp.uniform("x", 0, 1),
            max_evals=1,
            algo=rand.suggest,
            trials_save_file=str(pickled),
        )


def test_allow_trials_fmin_delegates_to_the_trials():
    class Recording(Trials):
        called = False

        def fmin(self, fn, space, **kwargs):
            Recording.called = True
            return super().fmin(fn, space, **kwargs)

    trials = Recording()
    fmin(lambda x: x, hp.uniform("x", 0, 1), algo=rand.suggest, max_evals=1, trials=trials, **QUIET)
    assert Recording.called
    Recording.called = False
    fmin(
        lambda x: x,
        hp.uniform("x", 0, 1),
        algo=rand.suggest,
        max_evals=2,
        trials=trials,
        allow_trials_fmin=False,
        **QUIET,
    )
    assert not Recording.called and len(trials) == 2


def test_points_with_a_trials_object_warn_that_they_are_ignored():
    trials = Trials()
    with pytest.warns(UserWarning, match="generate_trials_to_calculate"):
        fmin(
            lambda x: x,
            hp.uniform("x", 0, 1),
            algo=rand.suggest,
            max_evals=1,
            trials=trials,
            points_to_evaluate=[{"x": 0.5}],
            **QUIET,
        )
    assert trials.vals["x"] != [0.5]


def test_points_are_queued_first_in_a_new_stored_study(tmp_path):
    from hyperhop.hyperopt.mongoexp import MongoTrials

    trials = MongoTrials(f"sqlite:///{tmp_path / 'p.db'}", exp_key="p")
    trials.asynchronous = False
    fmin(
        lambda x: x,
        hp.uniform("x", 0, 1),
        algo=rand.suggest,
        max_evals=3,
        trials=trials,
        points_to_evaluate=[{"x": 0.5}],
        **QUIET,
    )
    assert trials.vals["x"][0] == 0.5 and len(trials) == 3


def test_no_progress_loss_stops_when_every_trial_fails():
    trials = Trials()
    with pytest.raises(exceptions.AllTrialsFailed):  # and no argmin to return
        fmin(
            lambda x: {"status": "fail"},
            hp.uniform("x", 0, 1),
            algo=rand.suggest,
            max_evals=100,
            trials=trials,
            early_stop_fn=no_progress_loss(3),
            **QUIET,
        )
    assert len(trials) == 3
