"""``algo="auto"``: pick a sampler from the space, and switch as the history grows.

With the rules below, ``auto`` has the best average rank of the eleven optimizers in
benchmarks/quality.py on its eight synthetic problems (10 seeds): 1.81 at 50 evaluations
and 1.38 at 100, where Nevergrad's NGOpt, second, has 2.69 and 3.38. On its three
scikit-learn problems, among fifteen optimizers (DeepHyper, SMAC3, scikit-optimize and
Optuna's GP included), it has 3.17 at 50 (Optuna's CMA-ES next, 6.00) and 2.33 at 100
(DeepHyper's CBO 2.67, Optuna's GP 3.67).

The rules (logged at INFO when a choice is made or changes):

- array-valued or custom parameters, or more than 100 parameters: ``anneal`` (local search
  scales to millions of entries; models do not);
- a box of 5 to 40 linear floats (no log scale, integer, category, condition or
  constraint: a black-box function) with a budget (``n_trials``; the rule needs it) of
  at most 20 trials per parameter up to 10 parameters, 3 beyond: ``cobyla``, as
  Nevergrad's NGOpt picks it there. In benchmarks/quality.py (normalized regret at 50 evaluations, 10
  seeds) it beat the rules below on Hartmann-6 (0.017 against 0.021), Rosenbrock-10
  (2.9e-4 against 0.019), Ackley-10 (0.180 against 0.724), Levy-10 (2.3e-3 against
  0.094) and Styblinski-Tang-20 (0.502 against 0.524), and at 100 on the four in 10
  dimensions or fewer, but not on Styblinski-Tang-20 (0.447 against 0.40, 5 trials per
  parameter); on Branin (2 parameters) the GP is better;
- up to 10 parameters (categories and conditions included): ``gp`` for the first 200
  trials, then ``tpe`` (a GP's cost grows with n^3); in the last 30% of a budget (and
  from trial 70), ``anneal``'s local search from the best trials, except on boxes of
  linear floats, where the GP refines better (Branin at 50 evaluations: 5.9e-6 without
  the local search, 2.5e-4 with it). In benchmarks/quality.py (10 seeds, eleven
  optimizers), the local search lifted ``auto`` from an average rank of 4.00 (second to
  ``tpe``) to 3.67 (first) on the scikit-learn problems at 100 evaluations. Where
  integers outnumber floats, that last phase is ``cbo`` instead: the GP relaxes
  integers to a continuum, trees split on them (the random forest's space, 3 integers
  and 1 float: normalized regret at 100 from 0.047 to 0.028, 10 seeds, no seed worse;
  with ``cbo`` there the mixed and conditional problems, more floats, were worse:
  0.011 against 0.0089 and 0.014 against 5.4e-4);
- up to 40 parameters: ``tpe`` for the first half of the budget, then ``anneal`` (local
  search from the best trials) for the second half (from trial 30); ``tpe`` alone
  without a budget (ask and tell). Measured on Styblinski-Tang in 20 dimensions (10 seeds, normalized regret
  at 50 / 100 evaluations): ``cbo`` 0.614 / 0.486, ``tpe`` 0.524 / 0.444, this rule
  0.524 / 0.40 (PyHopper 0.621 / 0.435, Optuna's TPE 0.568 / 0.460);
- anything else: ``tpe`` (it models conditional parameters only where they are active).

``anneal`` runs here with PyHopper's temperatures, 1.0 to 0.2 over the budget (0.44 to 0.2
in the last 30 %), with which these rules were measured; ``AnnealSampler`` alone now
starts at 0.8.

With several objectives (:func:`choose_multi`), the model-based samplers scalarize them
afresh for each suggestion, and ``nsga2`` takes over where a model would cost too much:

- array-valued or custom parameters, or more than 100 parameters: ``nsga2``;
- conditional parameters: ``tpe`` for the first 1,000 trials, then ``nsga2``;
- up to 32 parameters, none categorical: ``gp`` for the first 200 trials (measured the
  best per evaluation on ZDT1-3, DTLZ2 and the constrained SRN at 100 evaluations, see
  benchmarks/multiobjective.py), then ``nsga2``;
- up to 40 parameters with categories: ``cbo`` for the first 1,000 trials, then ``nsga2``;
- anything else: ``nsga2``.
"""

from __future__ import annotations

import logging
from typing import Any

from hyperhop.samplers.anneal import AnnealSampler
from hyperhop.samplers.base import History, Sampler
from hyperhop.samplers.cbo import CBOSampler
from hyperhop.samplers.cobyla import CobylaSampler
from hyperhop.samplers.gp import GPSampler
from hyperhop.samplers.modelspace import is_linear_box
from hyperhop.samplers.nsga2 import NSGA2Sampler
from hyperhop.samplers.tpe import TPESampler
from hyperhop.space import Assignment, Space

log = logging.getLogger("hyperhop.samplers")

GP_MAX_DIM = 10
GP_MAX_TRIALS = 200
GP_LOCAL_FROM = 0.7
LOCAL_MIN_TRIALS = 30
"""The local search starts from the best trials of a model phase, so never before this
many trials. It also keeps short runs bit-for-bit the same inline and in parallel (the
progress counts finished trials, which differ there) and resumed or not."""
GP_LOCAL_MIN_TRIALS = 70
"""After a GP, the local search waits for this many trials: at a budget of 50 the GP,
still improving, runs to the end (benchmarks/quality.py, 10 seeds, normalized regret at
50 with the switch at 70% against the GP alone: mixed .039 against .022, conditional
.086 against .042; on the scikit-learn problems svc .055 against .064, forest .110 both,
sgd .276 against .271, average rank among 14 optimizers 3.33 against 3.00)."""
MID_MAX_DIM = 40
COBYLA_MIN_DIM = 5
COBYLA_TRIALS_PER_PARAM = 20
COBYLA_TRIALS_PER_PARAM_MID = 3
MID_LOCAL_FROM = 0.5
CBO_MAX_DIM = 40
CBO_MAX_TRIALS = 1000
ANNEAL_MIN_DIM = 100
SAMPLER_OPTIONS: dict[str, dict[str, Any]] = {
    "anneal": {"start_temperature": 1.0},
}
"""Options of the samplers ``auto`` switches between, where they differ from the defaults."""
MO_GP_MAX_DIM = 32
MO_TPE_MAX_TRIALS = 1000


def choose(
    space: Space, n_trials: int, progress: float | None = None, goal: int | None = None
) -> tuple[str, str]:
    """The sampler name ``auto`` uses for ``space`` after ``n_trials`` trials, at
    ``progress`` (the fraction of the budget used, None without a budget) of a budget
    that ends at ``goal`` trials (None: not a trial count), and why."""
    kinds = [s.param.kind for s in space.params]
    arrays = any(s.param.shape is not None for s in space.params)
    if arrays or "custom" in kinds:
        return "anneal", "the space has array-valued or custom parameters"
    n = len(space.params)
    if n > ANNEAL_MIN_DIM:
        return "anneal", f"the space has {n} parameters (> {ANNEAL_MIN_DIM})"
    box = is_linear_box(space) and not space.constraints
    per_param = COBYLA_TRIALS_PER_PARAM if n <= GP_MAX_DIM else COBYLA_TRIALS_PER_PARAM_MID
    if goal is not None and COBYLA_MIN_DIM <= n <= MID_MAX_DIM and goal <= per_param * n and box:
        return "cobyla", (
            f"a box of {n} linear floats and a budget of {goal} trials "
            f"(<= {per_param} per parameter)"
        )
    if n <= GP_MAX_DIM:
        local_from, local_min = (None if box else GP_LOCAL_FROM), GP_LOCAL_MIN_TRIALS
    else:
        local_from = MID_LOCAL_FROM if n <= MID_MAX_DIM else None
        local_min = LOCAL_MIN_TRIALS
    if (
        local_from is not None
        and progress is not None
        and progress >= local_from
        and n_trials >= local_min
    ):
        if n <= GP_MAX_DIM and kinds.count("int") > kinds.count("float"):
            return "cbo", (
                f"{progress:.0%} of the budget used, more integers than floats: "
                "a forest of trees splits on them"
            )
        return "anneal", f"{n} parameters, {progress:.0%} of the budget used: local search"
    if n <= GP_MAX_DIM:
        if n_trials < GP_MAX_TRIALS:
            return "gp", f"{n} parameters, {n_trials} trials so far"
        return "tpe", f"{n_trials} trials: past {GP_MAX_TRIALS}, a GP costs too much per suggestion"
    return "tpe", f"{n} parameters"


def choose_multi(space: Space, n_trials: int) -> tuple[str, str]:
    """The sampler name ``auto`` uses with several objectives, and why.

    Example:
        >>> import hyperhop as hh
        >>> choose_multi(hh.Space({"x": hh.float(0, 1)}), 10)[0], choose_multi(hh.Space({"x": hh.float(0, 1)}), 500)[0]
        ('gp', 'nsga2')
    """
    kinds = [s.param.kind for s in space.params]
    n = len(space.params)
    if any(s.param.shape is not None for s in space.params) or "custom" in kinds:
        return "nsga2", "several objectives; the space has array-valued or custom parameters"
    if n > ANNEAL_MIN_DIM:
        return "nsga2", f"several objectives; the space has {n} parameters (> {ANNEAL_MIN_DIM})"
    if any(s.conditional for s in space.params):
        if n_trials < MO_TPE_MAX_TRIALS:
            return "tpe", "several objectives, scalarized; the space has conditional parameters"
        return "nsga2", f"several objectives; {n_trials} trials: past {MO_TPE_MAX_TRIALS}"
    if n <= MO_GP_MAX_DIM and "categorical" not in kinds:
        if n_trials < GP_MAX_TRIALS:
            return "gp", f"several objectives, scalarized; {n} parameters without categories"
        return "nsga2", f"several objectives; {n_trials} trials: past {GP_MAX_TRIALS}"
    if n <= CBO_MAX_DIM and n_trials < CBO_MAX_TRIALS:
        return "cbo", f"several objectives, scalarized; {n} mixed parameters"
    return "nsga2", f"several objectives; {n} parameters, {n_trials} trials"


class AutoSampler(Sampler):
    """Delegates each suggestion to the sampler :func:`choose` names (all seeded alike).

    Example:
        >>> import hyperhop as hh
        >>> study = hh.Study({"x": hh.float(0, 1), "y": hh.float(0, 1)}, algo="auto", seed=0)
        >>> type(study.sampler).__name__
        'AutoSampler'
    """

    name = "auto"

    def __init__(self, seed: int | None = None) -> None:
        super().__init__(seed)
        self._samplers: dict[str, Sampler] = {}
        self._current: str | None = None

    def _get(self, name: str) -> Sampler:
        if name not in self._samplers:
            cls = {
                "gp": GPSampler,
                "cbo": CBOSampler,
                "cobyla": CobylaSampler,
                "tpe": TPESampler,
                "anneal": AnnealSampler,
                "nsga2": NSGA2Sampler,
            }[name]
            kwargs = SAMPLER_OPTIONS.get(name, {})
            self._samplers[name] = cls(self._entropy, **kwargs)
            self._samplers[name].stream = self.stream
        return self._samplers[name]

    @Sampler.stream.setter  # type: ignore[attr-defined]
    def stream(self, value: int) -> None:
        Sampler.stream.fset(self, value)  # type: ignore[attr-defined]
        for sampler in self._samplers.values():
            sampler.stream = value

    @property
    def current(self) -> str | None:
        """The name of the sampler used for the last suggestion."""
        return self._current

    def suggest(self, history: History) -> Assignment:
        if len(history.directions) == 1:
            name, why = choose(history.space, history.n, history.progress, history.goal)
        else:
            name, why = choose_multi(history.space, history.n)
        if name != self._current:
            log.info("algo='auto' uses %r from trial %d: %s", name, history.n, why)
            self._current = name
        return self._get(name).suggest(history)
