"""Parameter importance: which parameters matter to the objective, with uncertainty.

``importance(study, method="fanova" | "ped_anova")`` returns an :class:`Importance`
(shares that sum to 1, most important first, each with a standard deviation). For a
multi-objective study pass ``objective=``; for a subset of trials, ``trials=``.
"""

from __future__ import annotations

from hyperhop.importance._evaluate import METHODS, Importance, importance

__all__ = ["METHODS", "Importance", "importance"]
