from __future__ import annotations

import time

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.metrics import check_scoring
from sklearn.model_selection import KFold
from sklearn.tree import DecisionTreeClassifier

import hyperhop as hh
from hyperhop.sklearn._folds import FoldObjective


class _Trial:
    def __init__(self, number):
        self.number = number
        self.reported = []

    def report(self, value, step):
        self.reported.append((step, value))

    def should_prune(self):
        return False


def _objective(**kw):
    X, y = load_iris(return_X_y=True)
    est = DecisionTreeClassifier(random_state=0)
    splits = list(KFold(3, shuffle=True, random_state=0).split(X, y))
    return FoldObjective(est, X, y, splits, check_scoring(est), {}, False, prune=False, **kw)


def test_a_trial_running_past_the_deadline_stops_after_its_fold_once_one_completed():
    objective = _objective(deadline=time.time() - 1)
    first = _Trial(0)
    result = objective({"max_depth": 2}, first)  # no trial completed yet: it runs every fold
    assert [s for s, _ in first.reported] == [0, 1, 2]
    assert result["value"] == pytest.approx(np.mean(result["split_test_score"]))
    late = _Trial(1)
    with pytest.raises(hh.Pruned):
        objective({"max_depth": 3}, late)
    assert [s for s, _ in late.reported] == [0]
    assert len(objective.records[1].test) == 1


def test_a_config_that_is_not_a_dict_is_refused_naming_the_rule():
    with pytest.raises(TypeError, match="dict of the estimator's parameters"):
        _objective()(3, _Trial(0))
