"""cloudpickle, for handing the user's own objective and configs to the user's own workers.

Never used on anything read from storage. It comes with scikit-learn (through joblib,
which depends on it since 1.5 and vendored it before).
"""

from __future__ import annotations

try:
    import cloudpickle
except ImportError:  # pragma: no cover - older joblib
    from joblib.externals import cloudpickle

dumps = cloudpickle.dumps
loads = cloudpickle.loads
