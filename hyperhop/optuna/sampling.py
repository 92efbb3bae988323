"""Define-by-run on hyperhop's samplers: the space is learned from what trials suggested.

As in Optuna, a trial starts with a *relative* sample: the study's sampler proposes, jointly,
the parameters that every finished trial suggested with the same distribution (the
intersection space). A parameter outside it is sampled *independently* when the trial
asks for it: a sampler of its own models that one parameter from the trials that used it.
Each suggestion is stored with the trial (``system_attrs``), so a study opened again
from storage knows its space.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import zlib
from collections.abc import Callable, Mapping
from typing import Any

import hyperhop as hh
from hyperhop.optuna import distributions as dist
from hyperhop.samplers import Sampler
from hyperhop.samplers.base import History
from hyperhop.space import Assignment
from hyperhop.trial import Trial, TrialState

PREFIX = "optuna:param:"
FIXED = "optuna:fixed"
FINISHED = (TrialState.COMPLETE, TrialState.PRUNED)


def suggested(trial: Trial) -> dict[str, tuple[Any, dist.Record]]:
    """What a trial suggested: name -> (value, distribution record)."""
    out: dict[str, tuple[Any, dist.Record]] = {}
    for key, item in trial.system_attrs.items():
        if key.startswith(PREFIX) and isinstance(item, Mapping):
            out[key[len(PREFIX) :]] = (item["v"], item["d"])
    return out


def _key(record: dist.Record) -> str:
    return json.dumps(record, sort_keys=True)


class DefineByRun(Sampler):
    """The hyperhop sampler of a define-by-run study: relative samples from ``make(seed)``
    on the intersection space, and independent ones from one ``make`` per parameter."""

    def __init__(
        self, make: Callable[[int | None], Sampler], seed: int | None, relative: bool = True
    ) -> None:
        super().__init__(seed)
        self.make = make
        self.relative = relative
        self._joint: tuple[str, Sampler] | None = None
        self._single: dict[tuple[str, str], Sampler] = {}
        self._lock = threading.Lock()

    def _seed(self, name: str) -> int | None:
        return (
            None
            if self.seed is None
            else (self.seed * 1_000_003 + zlib.crc32(name.encode())) % 2**63
        )

    def intersection(self, trials: list[Trial]) -> dict[str, dist.Record]:
        """The parameters every finished trial suggested, with one distribution each."""
        common: dict[str, dist.Record] | None = None
        for t in trials:
            if t.state not in FINISHED:
                continue
            mine = {k: d for k, (_, d) in suggested(t).items() if not dist.single(d)}
            if common is None:
                common = mine
            else:
                common = {k: d for k, d in common.items() if k in mine and mine[k] == d}
        return dict(sorted((common or {}).items()))

    def suggest(self, history: History) -> Assignment:
        """The relative sample of a new trial (stored as its params)."""
        if not self.relative:
            return {}
        records = self.intersection(list(history.trials))
        if not records:
            return {}
        space = hh.Space({k: dist.to_param(d) for k, d in records.items()})
        key = space.fingerprint()
        with self._lock:
            if self._joint is None or self._joint[0] != key:
                self._joint = (key, self.make(self._seed("relative:" + key)))
            sampler = self._joint[1]
        trials = []
        for t in history.trials:
            mine = suggested(t)
            if t.state is TrialState.RUNNING:  # its relative sample, though not yet asked for
                for k, item in t.assignment.items():
                    if isinstance(item, Mapping) and "d" in item:
                        mine.setdefault(k, (item["v"], item["d"]))
            if all(k in mine and mine[k][1] == d for k, d in records.items()):
                raw = {k: dist.to_raw(d, mine[k][0]) for k, d in records.items()}
                trials.append(dataclasses.replace(t, assignment=raw))
        out = sampler.suggest(dataclasses.replace(history, space=space, trials=trials))
        return {k: {"v": dist.to_value(records[k], v), "d": records[k]} for k, v in out.items()}

    def independent(
        self, name: str, record: dist.Record, trials: list[Trial], directions: tuple[str, ...]
    ) -> Any:
        """A value for one parameter, modelled from the trials that suggested it alike."""
        space = hh.Space({name: dist.to_param(record)})
        rkey = _key(record)
        with self._lock:
            sampler = self._single.get((name, rkey))
            if sampler is None:
                sampler = self._single[(name, rkey)] = self.make(self._seed(name + rkey))
        seen = []
        for t in trials:
            mine = suggested(t).get(name)
            if mine is not None and mine[1] == record:
                seen.append(dataclasses.replace(t, assignment={name: dist.to_raw(record, mine[0])}))
        out = sampler.suggest(History(space, directions, seen))
        return dist.to_value(record, out[name])
