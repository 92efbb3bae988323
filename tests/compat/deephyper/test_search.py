"""The mappings of hyperhop.deephyper: evaluators, run-function returns, the searches and
their arguments, the stoppers, multi-objective scalarization."""

from __future__ import annotations

import asyncio
import os
import warnings

import pandas as pd
import pytest

from hyperhop.deephyper.evaluator import Evaluator, RunningJob
from hyperhop.deephyper.hpo import (
    CBO,
    ExperimentalDesignSearch,
    HpProblem,
    RandomSearch,
    RegularizedEvolution,
)
from hyperhop.deephyper.stopper import (
    ConstantStopper,
    IdleStopper,
    LCModelStopper,
    MedianStopper,
    SuccessiveHalvingStopper,
)
from hyperhop.execution import MPIExecutor, RayExecutor
from hyperhop.pruning import LCEPruner, MedianPruner, NopPruner, SuccessiveHalvingPruner
from hyperhop.samplers.cbo import CBOSampler
from tests.compat.deephyper import _runs


def _problem() -> HpProblem:
    p = HpProblem()
    p.add_hyperparameter((0.0, 1.0), "x")
    return p


def test_serial_takes_coroutines_and_plain_functions() -> None:
    async def run(job):
        await asyncio.sleep(0)
        return job["x"]

    df = RandomSearch(_problem(), random_state=0).search(Evaluator.create(run), max_evals=4)
    assert len(df) == 4 and df["objective"].eq(df["p:x"]).all()
    df = RandomSearch(_problem(), random_state=0).search(run, max_evals=3)  # auto-wrapped
    assert len(df) == 3
    two = Evaluator.create(run, method="serial", method_kwargs={"num_workers": 2})
    assert two.optimize_kwargs() == {"n_jobs": 2}


def test_process_evaluator_runs_in_other_processes() -> None:
    ev = Evaluator.create(_runs.with_metadata, method="process", method_kwargs={"num_workers": 2})
    assert ev.optimize_kwargs() == {"n_jobs": 2, "executor": "process"}
    df = RandomSearch(_problem(), random_state=0).search(ev, max_evals=4)
    assert len(df) == 4
    assert (df["m:loss"] == 1.0 - df["objective"]).all() and (df["m:note"] == "ok").all()


def test_ray_and_mpi_map_to_executors() -> None:
    ray = Evaluator.create(_runs.square, method="ray", method_kwargs={"num_workers": 3})
    ex = ray.optimize_kwargs()["executor"]
    assert isinstance(ex, RayExecutor)
    mpi = Evaluator.create(_runs.square, method="mpicomm", method_kwargs={"num_workers": 2})
    assert isinstance(mpi.optimize_kwargs()["executor"], MPIExecutor)
    with pytest.raises(ValueError, match="'method'"):
        Evaluator.create(_runs.square, method="dask")
    with pytest.raises(ValueError, match="num_workers"):
        Evaluator.create(_runs.square, method="thread", method_kwargs={"num_workers": 0})


def test_failures_keep_deephyper_encoding() -> None:
    def run(job):
        if job["x"] < 0.3:
            return "F_small"
        if job["x"] > 0.7:
            raise RuntimeError("boom")
        return job["x"]

    df = RandomSearch(_problem(), random_state=1).search(run, max_evals=30)
    assert len(df) == 30  # failures count toward max_evals, as in DeepHyper
    small, big = df["p:x"] < 0.3, df["p:x"] > 0.7
    assert (df.loc[small, "objective"] == "F_small").all()
    assert (df.loc[big, "objective"] == "F_RuntimeError").all()
    assert df.loc[~small & ~big, "objective"].map(lambda v: isinstance(v, float)).all()
    with pytest.raises(ValueError, match="start with 'F'"):
        from hyperhop.deephyper.evaluator._job import to_result

        to_result("oops")


def test_running_job_records_and_stops() -> None:
    job = RunningJob({"x": 1}, max_steps=3)
    assert job["x"] == 1 and dict(job) == {"x": 1} and job.id == "0.0"
    job.record(1, 0.5)
    assert not job.stopped()
    job.record(3, 0.7)
    assert job.stopped() and job.objective == 0.7
    failed = RunningJob({"x": 1}, max_steps=10)
    failed.record(1, "F_nan")
    assert failed.stopped()


def test_stoppers_map_to_pruners() -> None:
    sha = SuccessiveHalvingStopper(max_steps=27, reduction_factor=3).pruner()
    assert isinstance(sha, SuccessiveHalvingPruner) and sha.levels() == [1, 3, 9]
    med = MedianStopper(max_steps=10, min_steps=2, min_competing=4).pruner()
    assert isinstance(med, MedianPruner) and med.n_warmup_steps == 1 and med.n_min_trials == 4
    lce = LCModelStopper(max_steps=20, prob_promotion=0.9).pruner()
    assert isinstance(lce, LCEPruner) and lce.prob_threshold == pytest.approx(0.1)
    assert isinstance(IdleStopper(5).pruner(), NopPruner)
    with pytest.raises(ValueError, match="max_steps"):
        IdleStopper(0)


def test_successive_halving_stops_bad_jobs_early() -> None:
    def run(job):
        for budget in range(1, 28):
            job.record(budget, job["x"] * budget)
            if job.stopped():
                break
        return {"objective": job.objective, "metadata": {"epochs": budget}}

    search = RandomSearch(
        _problem(), random_state=0, stopper=SuccessiveHalvingStopper(max_steps=27)
    )
    df = search.search(Evaluator.create(run), max_evals=20)
    assert len(df) == 20
    budgets = df["m:budget"]
    assert budgets.max() == 27 and budgets.min() < 27  # some jobs stopped at a rung
    assert set(budgets) <= {1, 3, 9, 27}
    assert (df["m:epochs"] == budgets).all()  # a stopped job keeps its metadata
    best = df.loc[df["objective"].astype(float).idxmax()]
    assert best["m:budget"] == 27


def test_constant_stopper_stops_every_job_at_its_step() -> None:
    def run(job):
        for budget in range(1, 11):
            job.record(budget, job["x"])
            if job.stopped():
                break
        return job.objective

    df = RandomSearch(_problem(), stopper=ConstantStopper(max_steps=10, stop_step=4)).search(
        run, max_evals=3
    )
    assert (df["m:budget"] == 4).all()


def _sampler(search: CBO) -> CBOSampler:
    sampler = search._sampler(1)
    assert isinstance(sampler, CBOSampler)
    return sampler


def test_cbo_flat_arguments_before_0_10() -> None:
    s = _sampler(CBO(_problem(), kappa=2.5, xi=0.01, filter_failures="min", n_points=500))
    assert s.kappa == 2.5 and s.scheduler == "bandit" and s.n_initial_points == 10
    assert s.filter_failures == "max"  # DeepHyper maps "min" to "max" (its objective is negated)
    s = _sampler(CBO(_problem(), scheduler={"type": "periodic-exp-decay", "period": 5}, kappa=1.0))
    assert (s.scheduler, s.period, s.kappa_final) == ("periodic-exp-decay", 5, 0.1)


def test_cbo_grouped_arguments_from_0_10() -> None:
    s = _sampler(
        CBO(
            _problem(),
            acq_func_kwargs={
                "kappa": 3.0,
                "scheduler": {"type": "periodic-exp-decay", "period": 7, "kappa_final": 0.05},
            },
            acq_optimizer_kwargs={"filter_failures": "mean", "outliers_iqr_factor": 3.0},
            surrogate_model_kwargs={"n_estimators": 20, "min_impurity_decrease": 0.01},
            multi_point_strategy="cl_min",
            n_initial_points=4,
        )
    )
    assert (s.kappa, s.period, s.kappa_final, s.scheduler) == (3.0, 7, 0.05, "periodic-exp-decay")
    assert (s.filter_failures, s.outliers_iqr_factor, s.n_trees) == ("mean", 3.0, 20)
    assert (s.min_impurity_decrease, s.liar, s.n_initial_points) == (0.01, "cl_min", 4)
    default = _sampler(CBO(_problem()))
    assert (default.scheduler, default.kappa_final, default.n_initial_points) == (
        "periodic-exp-decay",
        0.01,
        None,
    )


def test_cbo_rejects_and_warns() -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'kapa'"):
        CBO(_problem(), kapa=1.0)
    with pytest.raises(ValueError, match="moo_scalarization_strategy"):
        CBO(_problem(), moo_scalarization_strategy="Quadratic")
    with pytest.raises(ValueError, match="surrogate_model"):
        CBO(_problem(), surrogate_model="SVM")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        CBO(_problem(), acq_func="EI")
    assert any("UCBd" in str(w.message) for w in caught)


@pytest.mark.parametrize(
    "strategy, name",
    [
        ("Linear", "linear"),
        ("rChebyshev", "chebyshev"),
        ("AugChebyshev", "augmented_chebyshev"),
        ("PBI", "pbi"),
    ],
)
def test_scalarization_options(strategy: str, name: str) -> None:
    search = CBO(
        _problem(), moo_scalarization_strategy=strategy, moo_scalarization_weight=[0.2, 0.8]
    )
    s = search._sampler(2)
    assert isinstance(s, CBOSampler) and s.scalarization == name and s.weights == [0.2, 0.8]


def test_fixed_weights_pull_towards_one_objective() -> None:
    def run(job):
        x = job["x"]
        return -(x**2), -((x - 1) ** 2)

    df = CBO(
        _problem(), random_state=0, moo_scalarization_strategy="Linear",
        moo_scalarization_weight=[0.9, 0.1], n_initial_points=5,
    ).search(run, max_evals=30)  # fmt: skip
    assert df["p:x"].iloc[10:].median() < 0.3


def test_moo_lower_bounds_focus_the_search() -> None:
    def run(job):
        x = job["x"]
        return -(x**2), -((x - 1) ** 2)

    df = CBO(_problem(), random_state=0, moo_lower_bounds=[None, -0.25], n_initial_points=5).search(
        run, max_evals=30
    )
    assert (df["p:x"].iloc[10:] >= 0.5).mean() > 0.7  # objective_1 >= -0.25 means x >= 0.5


def test_other_searches() -> None:
    def run(job):
        return -((job["x"] - 0.3) ** 2)

    df = RegularizedEvolution(_problem(), random_state=0, population_size=8, sample_size=3).search(
        run, max_evals=40
    )
    assert len(df) == 40 and abs(df.loc[df["objective"].idxmax(), "p:x"] - 0.3) < 0.05
    eds = ExperimentalDesignSearch(_problem(), random_state=0, n_points=8, design="sobol")
    df = eds.search(run, max_evals=8)
    assert sorted((df["p:x"] * 8).astype(int)) == list(range(8))  # one point per eighth
    with pytest.raises(ValueError, match="design"):
        ExperimentalDesignSearch(_problem(), design="magic")


def test_initial_points_are_evaluated_first() -> None:
    seen = []

    def run(job):
        seen.append(job["x"])
        return job["x"]

    CBO(_problem(), initial_points=[{"x": 0.125}, {"x": 0.75}]).search(run, max_evals=4)
    assert seen[:2] == [0.125, 0.75]


def test_budgets_and_timeouts() -> None:
    search = RandomSearch(_problem(), random_state=0)
    with pytest.raises(ValueError, match="needs a budget"):
        search.search(_runs.square)
    with pytest.raises(ValueError, match="timeout"):
        search.search(_runs.square, max_evals=2, timeout=-1)
    with pytest.raises(ValueError, match="needs an evaluator"):
        search.search(max_evals=2)
    df = search.search(_runs.square, timeout=0.5)
    assert df is not None and len(df) >= 1


def test_results_csv_is_kept_and_renamed(tmp_path) -> None:
    log_dir = tmp_path / "logs"
    RandomSearch(_problem(), log_dir=str(log_dir)).search(_runs.square, max_evals=3)
    RandomSearch(_problem(), log_dir=str(log_dir)).search(_runs.square, max_evals=2)
    names = sorted(os.listdir(log_dir))
    assert "results.csv" in names and len(names) == 2  # the first one renamed with a timestamp
    assert len(pd.read_csv(log_dir / "results.csv")) == 2


def test_checkpoint_restart_from_a_storage(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'dh.db'}"
    first = CBO(_problem(), random_state=0, storage=url, checkpoint_restart=True)
    first.search(_runs.square, max_evals=5)
    again = CBO(_problem(), random_state=0, storage=url, checkpoint_restart=True)
    df = again.search(_runs.square, max_evals=3)
    assert len(df) == 8


def test_ask_and_tell() -> None:
    search = CBO(_problem(), random_state=0, n_initial_points=3)
    for _ in range(4):
        configs = search.ask(2)
        search.tell([(c, -((c["x"] - 0.5) ** 2)) for c in configs])
    df = search.history()
    assert len(df) == 8 and df["objective"].max() <= 0
    with pytest.raises(ValueError, match="did not give"):
        search.tell([({"x": 0.123456}, 1.0)])


def test_upstream_bugs_fixed() -> None:
    # deephyper#366: the Pareto front was not computed when an objective other than the
    # first failed; deephyper#213: multi-objective with parallel workers (a constant liar)
    def run(job):
        x = job["x"]
        if x > 0.8:
            return "F_too_big"
        return -(x**2), -((x - 1) ** 2)

    ev = Evaluator.create(run, method="thread", method_kwargs={"num_workers": 3})
    df = CBO(_problem(), random_state=0, n_initial_points=4).search(ev, max_evals=20)
    failed = df["objective_1"].map(lambda v: isinstance(v, str))
    assert failed.any() and (df.loc[failed, "objective_0"] == "F_too_big").all()
    assert not df.loc[failed, "pareto_efficient"].any()
    assert df.loc[~failed, "pareto_efficient"].all()  # every x in [0, 0.8] is optimal


def test_stopper_with_process_evaluator() -> None:
    # deephyper#218: job.record failed with the process evaluator and in-memory storage
    ev = Evaluator.create(_runs.staircase, method="process", method_kwargs={"num_workers": 2})
    search = RandomSearch(_problem(), random_state=0, stopper=SuccessiveHalvingStopper(max_steps=9))
    df = search.search(ev, max_evals=8)
    assert len(df) >= 8 and set(df["m:budget"]) <= {1, 3, 9} and df["m:budget"].max() == 9


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_ray_evaluator_runs_jobs_on_ray(monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    from pathlib import Path

    from tests.conftest import require_module

    require_module("ray", "ray")
    # the conftest moved the cwd to a temporary folder: Ray's workers find tests/ through
    # PYTHONPATH, which the cluster started here inherits
    root = str(Path(__file__).resolve().parents[3])
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    )
    ev = Evaluator.create(_runs.with_metadata, method="ray", method_kwargs={"num_workers": 2})
    df = RandomSearch(_problem(), random_state=0).search(ev, max_evals=4)
    assert len(df) == 4 and (df["m:loss"] == 1.0 - df["objective"]).all()
