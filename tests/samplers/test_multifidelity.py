"""BOHB's rule in TPE, CBO and GP: while few trials completed, trials are compared at one
budget, so values measured after fewer epochs (worse-biased) do not mislead the model.

GP shares CBO's observations (checked directly below); its suggestions on the Hyperband
history go to the boundary whether or not budgets are mixed, so they show nothing."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

import hyperhop as hh
from hyperhop.samplers import CBOSampler, TPESampler
from hyperhop.samplers.base import History
from hyperhop.samplers.fidelity import budget_values, min_points
from hyperhop.samplers.modelspace import ModelSpace, observe
from hyperhop.samplers.tpe.sampler import linear_gamma
from hyperhop.trial import Trial, TrialState

SPACE = hh.Space({"x": hh.float(0, 1)})
BEST = 0.8


def curve(x: float, epochs: int) -> list[float]:
    """The loss after 1..epochs epochs: ``(x - 0.8)**2 + 2 / epoch``; early values are
    worse-biased, and more so than the configurations differ."""
    return [(x - BEST) ** 2 + 2.0 / e for e in range(1, epochs + 1)]


def make(number: int, x: float, epochs: int, state: TrialState) -> Trial:
    values = curve(x, epochs)
    return Trial(
        id=number + 1,
        number=number,
        study_id=1,
        state=state,
        assignment={"x": x},
        values=(values[-1],),
        intermediate=dict(enumerate(values)),
    )


def early_halving_history(direction: str = "min") -> History:
    """As successive halving on 1..9 epochs leaves a study early on: the two first trials,
    promoted with no competition, completed in the poor region; the good region was
    stopped at the rung of 3 epochs, the rest at 1 epoch."""
    C, P = TrialState.COMPLETE, TrialState.PRUNED
    plan = [(0.1, 9, C), (0.25, 9, C)]
    plan += [(x, 1, P) for x in (0.05, 0.15, 0.2, 0.3, 0.35, 0.4)]
    plan += [(x, 3, P) for x in (0.75, 0.8, 0.85, 0.9)]
    trials = [make(i, x, e, s) for i, (x, e, s) in enumerate(plan)]
    return History(SPACE, (direction,), [flip(t) for t in trials] if direction == "max" else trials)


def test_budget_values_pick_the_largest_budget_enough_trials_reached() -> None:
    history = early_halving_history()
    at = budget_values(history)  # d + 2 = 3 trials needed: 2 reached 9 epochs, 6 reached 3
    assert at is not None
    budget, values = at
    assert budget == 3
    expected = [
        curve(t.assignment["x"], 3)[-1] if max(t.intermediate) >= 2 else math.nan
        for t in history.trials
    ]
    np.testing.assert_allclose(values, expected)
    assert budget_values(history, 2) is None  # two completed: the full budget has enough
    assert budget_values(history, 7)[0] == 1  # type: ignore[index]
    assert budget_values(history, 13) is None  # no budget has 13 trials
    assert min_points(history) == 3


def test_nothing_changes_without_early_stops_or_with_enough_complete_trials() -> None:
    C = TrialState.COMPLETE
    plain = [make(i, x, 9, C) for i, x in enumerate((0.1, 0.5))]
    assert budget_values(History(SPACE, ("min",), plain)) is None  # nothing stopped early
    many = plain + [make(2, 0.7, 9, C), make(3, 0.9, 1, TrialState.PRUNED)]
    assert budget_values(History(SPACE, ("min",), many)) is None  # 3 complete >= d + 2
    running = [make(i, 0.5, 3, TrialState.RUNNING) for i in range(5)]
    assert budget_values(History(SPACE, ("min",), plain[:1] + running)) is None
    stopped = [make(i, 0.5, 1, TrialState.PRUNED) for i in range(1, 5)]
    assert budget_values(History(SPACE, ("min",), plain[:1] + stopped)) is not None
    bare = dataclasses.replace(plain[0], intermediate={})  # a value without a budget
    assert budget_values(History(SPACE, ("min",), [bare, *stopped])) is None
    two = History(SPACE, ("min", "min"), [make(0, 0.5, 1, TrialState.PRUNED)] * 4)
    assert budget_values(two) is None  # one value per step: the first objective's only


def hyperband_history(direction: str = "min") -> History:
    """As Hyperband on 1..9 epochs leaves a study early on: the two trials of the last
    bracket ran 9 epochs without competition (in the poor region, by chance); the first
    bracket's trials, spread over the space, were stopped after 1 epoch, but for the two
    near the optimum that it promoted and that still run."""
    C, P, R = TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING
    plan = [(0.15, 9, C), (0.3, 9, C)]
    for x in np.linspace(0.02, 0.98, 25).tolist():
        plan.append((x, 3, R) if abs(x - BEST) < 0.05 else (x, 1, P))
    trials = [make(i, x, e, s) for i, (x, e, s) in enumerate(plan)]
    return History(SPACE, (direction,), [flip(t) for t in trials] if direction == "max" else trials)


def flip(t: Trial) -> Trial:
    """The same trial in a study that maximizes minus the loss."""
    return dataclasses.replace(
        t,
        values=(-t.values[0],) if t.values else None,
        intermediate={s: -v for s, v in t.intermediate.items()},
    )


SAMPLERS = {
    "tpe": lambda seed: TPESampler(seed, n_startup=0),
    "tpe-linear-gamma": lambda seed: TPESampler(seed, n_startup=0, gamma=linear_gamma),
    "tpe-multivariate": lambda seed: TPESampler(seed, n_startup=0, multivariate=True),
    "cbo": lambda seed: CBOSampler(seed, n_initial_points=1),
}


def share_near_the_optimum(make_sampler, history: History) -> float:  # type: ignore[no-untyped-def]
    xs = [make_sampler(seed).suggest(history)["x"] for seed in range(8)]
    return float(np.mean([x > 0.55 for x in xs]))


@pytest.mark.parametrize("direction", ["min", "max"])
@pytest.mark.parametrize("name", list(SAMPLERS))
def test_worse_biased_low_budget_values_do_not_mislead_the_model(
    name: str, direction: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Compared at 1 epoch, the region near 0.8 is best and the samplers go there.
    Without the per-budget view (the two completed trials alone, or their values after 9
    epochs against the others' after 1) they go to the poor region."""
    history = hyperband_history(direction)
    assert share_near_the_optimum(SAMPLERS[name], history) >= 0.9

    def mixed(history: History, n_min: int | None = None) -> None:
        return None

    for module in ("hyperhop.samplers.tpe.sampler", "hyperhop.samplers.modelspace"):
        monkeypatch.setattr(f"{module}.budget_values", mixed)
    assert share_near_the_optimum(SAMPLERS[name], history) <= 0.1


def test_cbo_and_gp_observe_every_trial_at_one_budget() -> None:
    """The observations of the regression models: values at the chosen budget, and
    trials stopped below it left out (not failed, not pending)."""
    history = early_halving_history()
    obs = observe(history, ModelSpace(SPACE))
    assert sorted(t.assignment["x"] for t in obs.trials) == [0.1, 0.25, 0.75, 0.8, 0.85, 0.9]
    expected = [curve(t.assignment["x"], 3)[-1] for t in obs.trials]
    np.testing.assert_allclose(obs.Y[:, 0], expected)
    assert obs.failed == [] and len(obs.X_pending) == 0
    maxi = observe(early_halving_history("max"), ModelSpace(SPACE))
    np.testing.assert_allclose(maxi.Y[:, 0], expected)  # as minimization
    hb = observe(hyperband_history(), ModelSpace(SPACE))
    assert len(hb.trials) == 25 and len(hb.X_pending) == 2
