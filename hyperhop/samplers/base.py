"""The sampler interface: what to try next, as a pure function of the study's history."""

from __future__ import annotations

import abc
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hyperhop.space import Assignment, Space
from hyperhop.trial import Trial


@dataclass(frozen=True)
class History:
    """What a sampler may look at: the space, the directions, and every trial so far
    (completed, failed, pruned, queued and still running), ordered by number.

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.samplers import History
        >>> h = History(space=hh.Space({"x": hh.float(0, 1)}), directions=("min",), trials=())
        >>> h.n, h.progress
        (0, None)
    """

    space: Space
    directions: tuple[str, ...]
    trials: Sequence[Trial]
    progress: float | None = None
    """The fraction of the budget used so far (trials or runtime, whichever is further),
    or None outside a budgeted ``optimize`` call (e.g. under ask/tell)."""
    goal: int | None = None
    """The number of trials the study holds when the ``optimize`` call's ``n_trials`` are
    done (a runtime or a target may end it sooner), or None without ``n_trials``."""

    @property
    def n(self) -> int:
        return len(self.trials)


class Sampler(abc.ABC):
    """Proposes flat assignments. Owns no bookkeeping: everything comes from the history,
    plus its own seeded random state, so a study can rebuild it after a restart.

    A subclass implements ``suggest(history)``, returning a flat assignment (label -> raw
    value); it draws its randomness from :meth:`rng_for` so that a seed reproduces a run.

    Args:
        seed: the seed; ``None`` draws one.

    Example:
        >>> import hyperhop as hh
        >>> class Lowest(hh.Sampler):
        ...     name = "lowest"
        ...     def suggest(self, history):
        ...         return {"x": 0.0}
        >>> study = hh.Study({"x": hh.float(0, 1)}, algo=Lowest(seed=0))
        >>> _ = study.optimize(lambda c: c["x"], n_trials=2, progress=False)
        >>> [t.value for t in study.trials]
        [0.0, 0.0]
    """

    name: str = "sampler"
    resume_deterministic: bool = False
    """Whether a resumed study proposes the same trials as an uninterrupted one."""

    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed
        self._entropy: int = seed if seed is not None else secrets.randbits(63)
        self._key0: int = self._entropy
        self._stream = 0
        self._scratch = threading.local()

    @property
    def stream(self) -> int:
        """Which family of streams the draws come from (0: the seed's own). The study gives
        each worker process its own once other workers share the study, so workers started
        with the same seed do not propose the same configurations."""
        return self._stream

    @stream.setter
    def stream(self, value: int) -> None:
        self._stream = int(value)
        self._key0 = (self._entropy + self._stream * _GOLDEN) & _MASK64 if value else self._entropy

    def rng_for(self, index: int) -> np.random.Generator:
        """A generator for the ``index``-th proposal: the same seed and index give the same draws."""
        # Philox is counter-based: keying it by (seed, index) is cheap and gives independent streams.
        return np.random.Generator(np.random.Philox(key=_philox_key(self._key0, index)))

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.pop("_scratch", None)  # a thread-local generator cache: rebuilt on demand
        state.pop("_lock", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._scratch = threading.local()

    def scratch_rng(self, index: int) -> np.random.Generator:
        """Like :meth:`rng_for` (the same draws), but reuses this thread's generator: about
        three times cheaper, and valid only until the next ``scratch_rng`` call in this
        thread. For samplers that draw from one stream per suggestion."""
        local = self._scratch
        state = getattr(local, "state", None)
        if state is None:
            local.gen = np.random.Generator(np.random.Philox(key=[self._entropy, 0]))
            local.key = _philox_key(self._entropy, 0)
            state = local.state = {
                "bit_generator": "Philox",
                "state": {"counter": np.zeros(4, dtype=np.uint64), "key": local.key},
                "buffer": np.zeros(4, dtype=np.uint64),
                "buffer_pos": 4,
                "has_uint32": 0,
                "uinteger": 0,
            }
        # the setter copies these arrays into the generator, so one dict serves every call
        local.key[0] = self._key0 & _MASK64
        local.key[1] = index & _MASK64
        gen: np.random.Generator = local.gen
        gen.bit_generator.state = state
        return gen

    @abc.abstractmethod
    def suggest(self, history: History) -> Assignment:
        """The next assignment to evaluate."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(seed={self.seed!r})"


_MASK64 = 0xFFFFFFFFFFFFFFFF
_GOLDEN = 0x9E3779B97F4A7C15  # an odd constant that spreads consecutive streams apart


def _philox_key(entropy: int, index: int) -> np.ndarray:
    return np.array([entropy & 0xFFFFFFFFFFFFFFFF, index & 0xFFFFFFFFFFFFFFFF], dtype=np.uint64)


class SerialSampler(Sampler):
    """A sampler whose caches are updated in :meth:`suggest`: calls run one at a time
    (``optimize(n_jobs=...)`` asks from several threads). Subclasses implement
    :meth:`_suggest`."""

    def __init__(self, seed: int | None = None) -> None:
        super().__init__(seed)
        self._lock = threading.Lock()

    def suggest(self, history: History) -> Assignment:
        with self._lock:
            return self._suggest(history)

    @abc.abstractmethod
    def _suggest(self, history: History) -> Assignment:
        """The next assignment (called under the lock)."""

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        self._lock = threading.Lock()
