"""scikit-learn integration: ``SearchCV``, ready-made ``spaces`` and ``AutoEstimator``.

Example:
    >>> import hyperhop as hh
    >>> from hyperhop.sklearn import SearchCV
    >>> from sklearn.svm import SVC
    >>> SearchCV(SVC(), {"C": hh.float(1e-2, 1e2, log=True)}, n_trials=20).get_params()["n_trials"]
    20
"""

from __future__ import annotations

from hyperhop.sklearn import spaces
from hyperhop.sklearn.auto import AutoEstimator
from hyperhop.sklearn.search import SearchCV

__all__ = ["AutoEstimator", "SearchCV", "spaces"]
