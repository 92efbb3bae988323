"""Random search: independent draws from the space's prior."""

from __future__ import annotations

from hyperhop.samplers.base import History, Sampler
from hyperhop.space import Assignment


class RandomSampler(Sampler):
    """Independent samples from the prior. The draw for trial k depends only on the seed and
    k, so a resumed study proposes exactly what an uninterrupted one would.

    Args:
        seed: the seed; ``None`` draws one.

    Example:
        >>> import hyperhop as hh
        >>> study = hh.Study({"x": hh.float(0, 1)}, algo=hh.RandomSampler(seed=0))
        >>> _ = study.optimize(lambda c: c["x"], n_trials=5, progress=False)
        >>> len(study.trials), 0.0 <= study.best.value <= 1.0
        (5, True)
    """

    name = "random"
    resume_deterministic = True

    def suggest(self, history: History) -> Assignment:
        return history.space.sample_assignment(self.scratch_rng(history.n))
