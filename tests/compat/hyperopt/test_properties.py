"""Properties: the stored values of a trial rebuild the config its objective received,
and importing the front end stays light."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hyperhop.hyperopt import Trials, fmin, hp, rand, space_eval, tpe
from hyperhop.hyperopt.pyll import scope


def make_space(kind: int):
    leaves = [
        hp.uniform("u", -2, 2),
        hp.quniform("q", 0, 10, 3),
        hp.loguniform("l", -3, 1),
        hp.randint("r", 3, 9),
        hp.qlognormal("n", 0, 1, 1),
        hp.pchoice("p", [(0.3, "a"), (0.7, "b")]),
    ]
    nested = hp.choice("m", [{"k": "svm", "C": leaves[2]}, {"k": "tree", "d": leaves[3]}, "none"])
    spaces = [
        {"u": leaves[0], "q": leaves[1]},
        {"m": nested, "s": scope.float(leaves[1]) * 2 + leaves[0]},
        [leaves[4], leaves[5], hp.choice("c", [leaves[0], (leaves[1], "x")])],
    ]
    return spaces[kind]


@settings(max_examples=15, deadline=None)
@given(kind=st.integers(0, 2), seed=st.integers(0, 2**16), use_tpe=st.booleans())
def test_stored_values_rebuild_the_config(kind: int, seed: int, use_tpe: bool) -> None:
    space = make_space(kind)
    seen = []

    def objective(cfg):
        seen.append(cfg)
        return float(np.random.default_rng(len(seen)).random())

    trials = Trials()
    fmin(
        objective,
        space,
        algo=tpe.suggest if use_tpe else rand.suggest,
        max_evals=25,
        trials=trials,
        rstate=np.random.default_rng(seed),
        show_progressbar=False,
    )
    assert len(seen) == len(trials) == 25
    for cfg, doc in zip(seen, trials.trials, strict=True):
        vals = {k: v[0] for k, v in doc["misc"]["vals"].items() if v}
        assert space_eval(space, vals) == cfg
        assert all(doc["misc"]["idxs"][k] == [doc["tid"]] for k in vals)


def test_import_pulls_in_no_optional_dependency() -> None:
    code = (
        "import sys, hyperhop.hyperopt, hyperhop.hyperopt.mongoexp, hyperhop.hyperopt.plotting; "
        "bad = [m for m in ('pandas', 'sqlalchemy', 'matplotlib', 'tqdm', 'ray') if m in sys.modules]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
