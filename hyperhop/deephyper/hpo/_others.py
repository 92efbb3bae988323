"""DeepHyper's other searches: ``RandomSearch``, ``RegularizedEvolution`` and
``ExperimentalDesignSearch``, each a hyperhop sampler behind :class:`Search`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hyperhop.deephyper.hpo._design import check_design, design_points
from hyperhop.deephyper.hpo._search import Search
from hyperhop.samplers import RandomSampler, Sampler
from hyperhop.samplers.evolution import EvolutionSampler


class RandomSearch(Search):
    """Random search (hyperhop's ``random`` sampler).

    Example:
        >>> from hyperhop.deephyper.hpo import HpProblem, RandomSearch
        >>> problem = HpProblem()
        >>> _ = problem.add_hyperparameter((0, 10), "n")
        >>> df = RandomSearch(problem, random_state=0, log_dir="/tmp/hh-rs-doctest").search(
        ...     lambda job: job["n"], max_evals=5)
        >>> list(df.columns[:3])
        ['p:n', 'objective', 'job_id']
    """

    def _sampler(self, n_objectives: int) -> Sampler:
        return RandomSampler(self.seed)


class RegularizedEvolution(Search):
    """Regularized (aging) evolution (:class:`~hyperhop.samplers.evolution.EvolutionSampler`).

    Example:
        >>> import tempfile
        >>> from hyperhop.deephyper.hpo import HpProblem, RegularizedEvolution
        >>> problem = HpProblem()
        >>> _ = problem.add_hyperparameter((-10.0, 10.0), "x")
        >>> with tempfile.TemporaryDirectory() as d:
        ...     search = RegularizedEvolution(problem, random_state=0, log_dir=d,
        ...                                   population_size=4, sample_size=2)
        ...     len(search.search(lambda job: -job["x"] ** 2, max_evals=8))
        8
    """

    def __init__(
        self,
        problem: Any,
        evaluator: Any = None,
        random_state: Any = None,
        log_dir: str = ".",
        verbose: int = 0,
        stopper: Any = None,
        checkpoint_history_to_csv: bool = True,
        solution_selection: Any = None,
        checkpoint_restart: bool = False,
        population_size: int = 100,
        sample_size: int = 10,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            problem, evaluator, random_state, log_dir, verbose, stopper,
            checkpoint_history_to_csv, solution_selection, checkpoint_restart, **kwargs,
        )  # fmt: skip
        EvolutionSampler(population_size=population_size, sample_size=sample_size)  # checks
        self.population_size = population_size
        self.sample_size = sample_size

    def _sampler(self, n_objectives: int) -> Sampler:
        return EvolutionSampler(
            self.seed, population_size=self.population_size, sample_size=self.sample_size
        )


class ExperimentalDesignSearch(Search):
    """A fixed design of ``n_points`` (``"random"``, ``"sobol"``, ``"halton"``,
    ``"hammersly"``, ``"lhs"``, ``"grid"``), evaluated first, then random points.

    Example:
        >>> import tempfile
        >>> from hyperhop.deephyper.hpo import ExperimentalDesignSearch, HpProblem
        >>> problem = HpProblem()
        >>> _ = problem.add_hyperparameter((-10.0, 10.0), "x")
        >>> with tempfile.TemporaryDirectory() as d:
        ...     search = ExperimentalDesignSearch(problem, random_state=0, log_dir=d,
        ...                                       n_points=4, design="sobol")
        ...     len(search.search(lambda job: -job["x"] ** 2, max_evals=6))
        6
    """

    def __init__(
        self,
        problem: Any,
        evaluator: Any = None,
        random_state: Any = None,
        log_dir: str = ".",
        verbose: int = 0,
        stopper: Any = None,
        checkpoint_history_to_csv: bool = True,
        solution_selection: Any = None,
        checkpoint_restart: bool = False,
        n_points: int | None = None,
        design: str = "random",
        initial_points: Sequence[Mapping[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            problem, evaluator, random_state, log_dir, verbose, stopper,
            checkpoint_history_to_csv, solution_selection, checkpoint_restart, **kwargs,
        )  # fmt: skip
        self.design = check_design(design, "ExperimentalDesignSearch")
        self.n_points = n_points
        self.initial_points = [dict(p) for p in initial_points or []]

    def _initial_points(self) -> list[dict[str, Any]]:
        points = list(self.initial_points)
        if self.n_points is not None and self.design != "random":
            space = self.problem.to_space()
            points += design_points(
                space, max(self.n_points - len(points), 0), self.design, self.seed
            )
        return points

    def _sampler(self, n_objectives: int) -> Sampler:
        return RandomSampler(self.seed)
