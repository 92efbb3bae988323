"""Trials documents, mirroring Hyperopt's tests/test_base.py (public parts)."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

from hyperhop.hyperopt import Trials, fmin, hp, rand, trials_from_docs
from hyperhop.hyperopt.base import (
    JOB_STATE_DONE,
    JOB_STATE_NEW,
    STATUS_OK,
    TRIAL_KEYS,
    TRIAL_MISC_KEYS,
    SONify,
    miscs_to_idxs_vals,
)
from hyperhop.hyperopt.exceptions import AllTrialsFailed, InvalidTrial


def doc(tid, loss=None, status=STATUS_OK, state=JOB_STATE_DONE):
    return {
        "tid": tid,
        "result": {"status": status, "loss": loss} if loss is not None else {"status": status},
        "spec": {"a": 1},
        "misc": {"tid": tid, "cmd": ("c",), "idxs": {"z": [tid]}, "vals": {"z": [1]}},
        "extra": "kept",
        "owner": None,
        "state": state,
        "version": 0,
        "book_time": None,
        "refresh_time": None,
        "exp_key": None,
    }


def test_a_document_missing_a_key_is_invalid():
    trials = Trials()
    trials.insert_trial_doc(doc("ok", state=JOB_STATE_NEW))
    for key in TRIAL_KEYS:
        bad = copy.deepcopy(doc("a"))
        del bad[key]
        with pytest.raises(InvalidTrial):
            trials.insert_trial_doc(bad)
    for key in TRIAL_MISC_KEYS:
        bad = copy.deepcopy(doc("a"))
        del bad["misc"][key]
        with pytest.raises(InvalidTrial):
            trials.insert_trial_doc(bad)


def test_inserted_documents_show_after_refresh():
    trials = Trials()
    trials.insert_trial_doc(doc("a", state=JOB_STATE_NEW))
    trials.insert_trial_docs([doc(4, state=JOB_STATE_NEW), doc(9, state=JOB_STATE_NEW)])
    assert len(trials) == 0
    trials.refresh()
    assert len(trials) == 3 == len(trials.specs) == len(trials.results) == len(trials.miscs)
    new = trials.new_trial_docs(
        ["i0", "i1"],
        [{}, {}],
        [{"status": "new"}] * 2,
        [{"tid": t, "idxs": {}, "vals": {}, "cmd": None} for t in ("i0", "i1")],
    )
    trials.insert_trial_docs(new)
    assert len(trials) == 3
    trials.refresh()
    assert len(trials) == 5 and trials.count_by_state_synced(JOB_STATE_NEW) == 5


def test_best_trial_skips_nan_and_raises_without_ok_trials():
    trials = Trials()
    trials.insert_trial_doc(doc(0, loss=np.nan))
    trials.refresh()
    with pytest.raises(AllTrialsFailed):
        _ = trials.best_trial
    for tid, loss in ((1, 1.0), (2, np.nan), (3, 0.5)):
        trials.insert_trial_doc(doc(tid, loss=loss))
    trials.refresh()
    assert trials.best_trial["tid"] == 3 and trials.argmin == {"z": 1}


def test_fmin_documents_have_hyperopts_layout():
    trials = Trials()
    fmin(
        lambda c: c["x"] if c["m"] == "a" else 1.0,
        {"x": hp.uniform("x", 0, 1), "m": hp.choice("m", ["a", "b"])},
        algo=rand.suggest,
        max_evals=12,
        trials=trials,
        rstate=np.random.default_rng(2),
        show_progressbar=False,
    )
    t = trials.trials[0]
    assert set(TRIAL_KEYS) <= set(t) and set(TRIAL_MISC_KEYS) <= set(t["misc"])
    assert t["tid"] == 0 and t["state"] == JOB_STATE_DONE and t["result"]["status"] == "ok"
    assert t["misc"]["idxs"] == {"x": [0], "m": [0]} and t["misc"]["vals"]["m"][0] in (0, 1)
    assert trials.tids == list(range(12)) and trials.statuses() == ["ok"] * 12
    assert trials.losses() == [d["result"]["loss"] for d in trials.trials]
    assert trials.idxs["x"] == list(range(12)) and len(trials.vals["m"]) == 12
    assert trials.argmin == {k: v[0] for k, v in trials.best_trial["misc"]["vals"].items()}
    assert isinstance(t["book_time"], type(t["refresh_time"]))


def test_extra_result_keys_and_attachments_are_kept():
    class Model:
        pass

    model = Model()
    trials = Trials()
    fmin(
        lambda x: {"loss": x, "status": "ok", "model": model, "attachments": {"log": b"hi"}},
        hp.uniform("x", 0, 1),
        algo=rand.suggest,
        max_evals=2,
        trials=trials,
        show_progressbar=False,
    )
    assert trials.best_trial["result"]["model"] is model
    assert trials.trial_attachments(trials.trials[1])["log"] == b"hi"
    assert "ATTACH::1::log" in trials.attachments
    assert "attachments" not in trials.trials[0]["result"]


def test_average_best_error_with_and_without_noise():
    trials = trials_from_docs([doc(0, loss=2.0), doc(1, loss=1.0), doc(2, loss=3.0)])
    assert trials.average_best_error() == 1.0
    noisy = []
    for tid, (loss, true) in enumerate([(1.0, 1.5), (1.05, 0.5), (9.0, 9.0)]):
        d = doc(tid, loss=loss)
        d["result"].update(loss_variance=0.04, true_loss=true)
        noisy.append(d)
    avg = trials_from_docs(noisy).average_best_error()
    assert 0.5 < avg < 1.5  # a mix of the two close ones, not the far one


def test_miscs_to_idxs_vals_and_sonify():
    trials = trials_from_docs([doc(0, loss=1.0), doc(1, loss=2.0)])
    idxs, vals = miscs_to_idxs_vals(trials.miscs)
    assert idxs == {"z": [0, 1]} and vals == {"z": [1, 1]}
    out = SONify({"a": np.arange(3), "b": np.float32(1.5), "c": [np.int64(2)], "d": True})
    assert out == {"a": [0, 1, 2], "b": 1.5, "c": [2], "d": True}
    assert type(out["c"][0]) is int


def test_trials_pickle_and_resume_a_search():
    trials = Trials()
    kw = {"algo": rand.suggest, "show_progressbar": False}
    fmin(lambda x: x, hp.uniform("x", 0, 1), max_evals=3, trials=trials, **kw)
    again = pickle.loads(pickle.dumps(trials))  # noqa: S301 - our own bytes, as users do
    fmin(lambda x: x, hp.uniform("x", 0, 1), max_evals=5, trials=again, **kw)
    assert len(again) == 5 and again.vals["x"][:3] == trials.vals["x"]
    assert len(copy.deepcopy(again)) == 5


def test_delete_all_and_view():
    trials = trials_from_docs([doc(0, loss=1.0)])
    assert len(trials.view(exp_key="other")) == 0 and len(trials) == 1
    trials.delete_all()
    assert len(trials) == 0
