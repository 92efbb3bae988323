"""MongoTrials on a SQL storage: documents read back from storage, and outside
``hyperhop worker`` processes that evaluate while fmin waits."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

from hyperhop.hyperopt import fmin, hp, rand, tpe
from hyperhop.hyperopt.mongoexp import MongoTrials
from hyperhop.storage import get_storage


def test_mongo_urls_are_refused_with_the_fix():
    with pytest.raises(ValueError, match="postgresql://"):
        MongoTrials("mongo://localhost:1234/db/jobs", exp_key="e")


def test_trials_in_a_database_are_shared_by_every_reader(worker_storage):
    url = worker_storage
    trials = MongoTrials(url, exp_key="exp1")
    trials.asynchronous = False
    space = {"x": hp.uniform("x", -1, 1), "m": hp.choice("m", ["a", "b"])}
    best = fmin(
        lambda c: c["x"] ** 2 + (c["m"] == "b"),
        space,
        algo=tpe.suggest,
        max_evals=8,
        trials=trials,
        rstate=np.random.default_rng(0),
        show_progressbar=False,
    )
    other = MongoTrials(url, exp_key="exp1")
    assert len(other) == 8 and other.argmin == best
    assert other.trials[0]["misc"]["vals"]["m"][0] in (0, 1) and other.tids == list(range(8))
    assert other.statuses() == ["ok"] * 8
    assert len(MongoTrials(url, exp_key="another")) == 0


def test_fmin_waits_for_hyperhop_workers(tmp_path, worker_storage):
    (tmp_path / "hh_mongo_case.py").write_text(
        textwrap.dedent(
            """
            from hyperhop.hyperopt import hp
            space = {"x": hp.uniform("x", -1, 1)}
            def objective(cfg):
                return {"loss": cfg["x"] ** 2, "status": "ok"}
            """
        )
    )
    sys.path.insert(0, str(tmp_path))
    sys.modules.pop("hh_mongo_case", None)
    try:
        import hh_mongo_case  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(tmp_path))
    url = worker_storage
    trials = MongoTrials(url, exp_key="e1")
    out: dict[str, object] = {}

    def driver() -> None:
        out["best"] = fmin(
            hh_mongo_case.objective,
            hh_mongo_case.space,
            algo=rand.suggest,
            max_evals=5,
            trials=trials,
            show_progressbar=False,
        )

    thread = threading.Thread(target=driver, daemon=True)
    thread.start()
    store = get_storage(url)
    deadline = time.monotonic() + 30
    while not any(s.info.name == "e1" for s in store.list_studies()):
        assert time.monotonic() < deadline, "fmin did not create the study"
        time.sleep(0.05)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), *sys.path]))
    worker = subprocess.run(
        [sys.executable, "-m", "hyperhop.cli", "worker", "--storage", url, "--study", "e1",
         "--objective", "hh_mongo_case:objective", "--space", "hh_mongo_case:space",
         "--algo", "random", "--n-trials", "5"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert worker.returncode == 0, worker.stderr
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert len(trials) == 5 and set(out["best"]) == {"x"}  # type: ignore[arg-type]


def test_attachments_of_stored_trials_live_in_the_storage(tmp_path):
    url = f"sqlite:///{tmp_path / 'att.db'}"
    trials = MongoTrials(url, exp_key="a")
    trials.asynchronous = False
    fmin(
        lambda x: {"loss": x, "status": "ok", "attachments": {"log": b"epoch 1"}},
        hp.uniform("x", 0, 1),
        algo=rand.suggest,
        max_evals=2,
        trials=trials,
        show_progressbar=False,
    )
    reader = MongoTrials(url, exp_key="a")
    view = reader.trial_attachments(reader.trials[0])
    assert view["log"] == b"epoch 1" and list(view) == ["log"]
    view["plot"] = b"png"
    assert MongoTrials(url, exp_key="a").trial_attachments(reader.trials[0])["plot"] == b"png"
    with pytest.raises(TypeError, match="bytes"):
        view["bad"] = {"not": "bytes"}


def test_a_stored_trial_warns_about_attachments_that_are_not_bytes(tmp_path):
    trials = MongoTrials(f"sqlite:///{tmp_path / 'w.db'}", exp_key="w")
    trials.asynchronous = False
    with pytest.warns(UserWarning, match=r"\['obj'\] are not bytes"):
        fmin(
            lambda x: {"loss": x, "status": "ok", "attachments": {"obj": [1], "ok": b"1"}},
            hp.uniform("x", 0, 1),
            algo=rand.suggest,
            max_evals=1,
            trials=trials,
            show_progressbar=False,
        )
    assert dict(trials.trial_attachments(trials.trials[0])) == {"ok": b"1"}
