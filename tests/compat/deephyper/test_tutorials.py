"""DeepHyper's tutorials (the HPO quick start, black-box optimization with constraints,
multi-objective optimization), with the imports changed from ``deephyper`` to
``hyperhop.deephyper`` and nothing else but smaller budgets (the suite stays fast).

Written from DeepHyper's public documentation (0.9 to 0.13), in both API generations.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def test_hpo_quick_start() -> None:
    from hyperhop.deephyper.hpo import HpProblem

    problem = HpProblem()
    problem.add_hyperparameter((-10.0, 10.0), "x")

    def run(job):
        x = job.parameters["x"]
        return -(x**2)

    from hyperhop.deephyper.evaluator import Evaluator
    from hyperhop.deephyper.evaluator.callback import TqdmCallback

    evaluator = Evaluator.create(
        run,
        method="thread",
        method_kwargs={"num_workers": 4, "callbacks": [TqdmCallback()]},
    )

    from hyperhop.deephyper.hpo import CBO

    search = CBO(problem, random_state=42)
    results = search.search(evaluator, max_evals=40)

    from hyperhop.deephyper.analysis.hpo import parameters_at_max

    parameters, objective = parameters_at_max(results)
    assert len(results) == 40
    assert list(results.columns[:3]) == ["p:x", "objective", "job_id"]
    assert {"job_status", "m:timestamp_submit", "m:timestamp_gather"} <= set(results.columns)
    assert objective == results["objective"].max()
    assert abs(parameters["x"]) < 1.5
    assert pd.read_csv("results.csv").shape == results.shape


def test_hpo_quick_start_before_0_11() -> None:
    # DeepHyper <= 0.10: the evaluator goes to the constructor, search(max_evals)
    from hyperhop.deephyper.evaluator import Evaluator
    from hyperhop.deephyper.hpo import CBO, HpProblem

    problem = HpProblem()
    problem.add_hyperparameter((-10.0, 10.0), "x")

    def run(config):
        return -(config["x"] ** 2)

    evaluator = Evaluator.create(run, method="thread", method_kwargs={"num_workers": 2})
    search = CBO(problem, evaluator, random_state=42, kappa=1.96, n_initial_points=5)
    results = search.search(max_evals=20)
    assert len(results) == 20
    results = search.search(max_evals=5)  # a second call continues the search
    assert len(results) == 25
    assert sorted(results["job_id"]) == list(range(25))


def test_black_box_with_constraints() -> None:
    from hyperhop.deephyper.evaluator import Evaluator
    from hyperhop.deephyper.hpo import CBO, HpProblem

    problem = HpProblem()
    problem.add_hyperparameter((0.0, 10.0), "x")
    problem.add_hyperparameter((0.0, 10.0), "y")

    # a known constraint, checked before evaluation
    def constraint_fn(df: pd.DataFrame) -> pd.Series:
        return df["x"] + df["y"] <= 10

    problem.set_constraint_fn(constraint_fn)

    # an unknown constraint, discovered by evaluation: a failure is a string starting with "F"
    def run(job):
        x, y = job.parameters["x"], job.parameters["y"]
        if x > 8:
            return "F_x_too_large"
        return x * y

    evaluator = Evaluator.create(run, method="thread", method_kwargs={"num_workers": 2})
    search = CBO(problem, random_state=42)
    results = search.search(evaluator, max_evals=50)

    assert len(results) == 50
    assert (results["p:x"] + results["p:y"] <= 10).all()
    failed = results["objective"].map(lambda v: isinstance(v, str))
    assert (results.loc[failed, "objective"] == "F_x_too_large").all()
    assert (results.loc[failed, "p:x"] > 8).all() and (results.loc[~failed, "p:x"] <= 8).all()

    from hyperhop.deephyper.analysis.hpo import parameters_at_max

    parameters, objective = parameters_at_max(results)
    assert objective > 20  # the optimum is 25 at x = y = 5
    assert parameters["x"] <= 8


def test_multi_objective() -> None:
    from hyperhop.deephyper.evaluator import Evaluator
    from hyperhop.deephyper.hpo import CBO, HpProblem

    problem = HpProblem()
    problem.add_hyperparameter((0.0, 1.0), "x")

    def run(job):
        x = job.parameters["x"]
        return -(x**2), -((x - 1) ** 2)  # two objectives, both maximized

    evaluator = Evaluator.create(run, method="thread", method_kwargs={"num_workers": 1})
    search = CBO(problem, random_state=42, moo_scalarization_strategy="Chebyshev")
    results = search.search(evaluator, max_evals=25)

    assert {"objective_0", "objective_1", "pareto_efficient"} <= set(results.columns)
    assert "objective" not in results.columns
    front = results[results["pareto_efficient"]]
    Y = results[["objective_0", "objective_1"]].to_numpy(float)
    for _, row in front.iterrows():
        y = row[["objective_0", "objective_1"]].to_numpy(float)
        assert not ((Y >= y).all(axis=1) & (Y > y).any(axis=1)).any()
    # every x in [0, 1] is Pareto optimal here
    assert results["pareto_efficient"].all()
    assert np.ptp(front["p:x"]) > 0.5


def test_import_paths_before_0_8() -> None:
    # DeepHyper <= 0.7: deephyper.problem and deephyper.search.hps
    from hyperhop.deephyper.evaluator import Evaluator
    from hyperhop.deephyper.problem import HpProblem
    from hyperhop.deephyper.search.hps import CBO

    problem = HpProblem()
    problem.add_hyperparameter((-10.0, 10.0), "x")

    def run(config: dict) -> float:
        return -(config["x"] ** 2)

    evaluator = Evaluator.create(run, method="thread", method_kwargs={"num_workers": 1})
    results = CBO(problem, evaluator, n_initial_points=3).search(max_evals=6)
    assert len(results) == 6 and results["objective"].max() <= 0
