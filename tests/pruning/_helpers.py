"""Hand-built histories and a simulated clock for pruner tests (no wall time anywhere)."""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import hyperhop as hh
from hyperhop.samplers.base import History
from hyperhop.trial import Trial, TrialState

SPACE = hh.Space({"x": hh.float(0, 1)})


def trial(
    number: int,
    values: Sequence[float] | dict[int, float],
    state: str = "COMPLETE",
    value: float | None = None,
) -> Trial:
    """A trial snapshot: ``values`` are its intermediate values (a list means steps 0, 1, ...);
    a COMPLETE trial's value defaults to its last intermediate value."""
    inter = dict(values) if isinstance(values, dict) else dict(enumerate(values))
    st = TrialState[state]
    if value is None and st is TrialState.COMPLETE and inter:
        value = inter[max(inter)]
    return Trial(
        id=number + 1,
        number=number,
        study_id=1,
        state=st,
        assignment={"x": 0.5},
        values=None if value is None else (float(value),),
        intermediate={int(k): float(v) for k, v in inter.items()},
    )


def history(trials: Sequence[Trial], direction: str = "min") -> History:
    return History(SPACE, (direction,), list(trials))


def decide(
    pruner: hh.Pruner, running: Trial, others: Sequence[Trial], direction: str = "min"
) -> bool:
    return pruner.should_prune(running, history([*others, running], direction))


@dataclass
class SimResult:
    epochs: int = 0
    """Resource spent: one per reported value."""
    clock: float = 0.0
    """Simulated seconds until the last trial ended."""
    events: list[tuple[float, int, int, str]] = field(default_factory=list)
    """(time, trial number, step, what happened) in simulated-time order."""


def simulate(
    study: hh.Study,
    curve: Callable[[dict[str, Any], int], float],
    *,
    n_trials: int,
    n_workers: int,
    max_steps: int,
    epoch_seconds: Callable[[dict[str, Any]], float] = lambda cfg: 1.0,
) -> SimResult:
    """Run ``n_trials`` on ``n_workers`` simulated workers: each epoch of a trial takes
    ``epoch_seconds(config)`` simulated seconds, then its value is reported and the pruner
    asked (Syne Tune's simulator idea: hours of asynchronous scheduling in milliseconds)."""
    out = SimResult()
    queue: list[tuple[float, int, int, Trial]] = []  # (time, tie-break, step, trial)
    started = 0
    tie = 0

    def launch(now: float) -> None:
        nonlocal started, tie
        t = study.ask()
        started += 1
        tie += 1
        heapq.heappush(queue, (now + epoch_seconds(t.config), tie, 0, t))

    for _ in range(min(n_workers, n_trials)):
        launch(0.0)
    while queue:
        now, _, step, t = heapq.heappop(queue)
        v = curve(t.config, step)
        study.report(t, v, step)
        out.epochs += 1
        if step + 1 >= max_steps:
            study.tell(t, v)
            out.events.append((now, t.number, step, "complete"))
        elif study.should_prune(t):
            study.tell(t, TrialState.PRUNED)
            out.events.append((now, t.number, step, "pruned"))
        else:
            tie += 1
            heapq.heappush(queue, (now + epoch_seconds(t.config), tie, step + 1, t))
            continue
        out.clock = now
        if started < n_trials:
            launch(now)
    return out


def saturating(final: float, rate: float, start: float = 0.0) -> Callable[[int], float]:
    """A rising curve ``final - (final - start) * (step + 1) ** -rate``."""
    return lambda step: final - (final - start) * (step + 1) ** (-rate)


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
