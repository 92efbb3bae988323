"""PyHopper's helpers: runtimes, merging templates, repeated evaluation, checkpoint files.

``store_dict`` writes gzip-compressed JSON (hyperhop's codec: NumPy arrays included), never
a pickle; ``load_dict`` reads it, and reads one of PyHopper's own gzip-pickle files only
with ``trusted=True``, since unpickling a file runs whatever code its writer chose.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Callable
from typing import Any

from hyperhop.pruning import repeat
from hyperhop.pyhopper._trusted import is_pickle, load_trusted
from hyperhop.storage import codec
from hyperhop.study import parse_runtime as _parse_runtime

CHECKPOINT_SUFFIX = ".db"


def parse_runtime(runtime: Any) -> float:
    """Seconds from a number or a string such as ``"1h 30min"``, ``"1:30"`` or ``"2d"``.

    Example:
        >>> from hyperhop.pyhopper.utils import parse_runtime
        >>> parse_runtime("1h 1m 30s"), parse_runtime("1:30")
        (3690.0, 90.0)
    """
    return float(_parse_runtime(runtime, "pyhopper"))


parse_timeout = parse_runtime
"""PyHopper's former name of :func:`parse_runtime`."""


def _same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    try:
        return bool(a == b) and type(a) is type(b)
    except (TypeError, ValueError):
        return False


def merge_dicts(*dicts: dict[str, Any]) -> dict[str, Any]:
    """One dict from several; a key given twice with different values is a ValueError.

    Example:
        >>> from hyperhop.pyhopper import merge_dicts
        >>> merge_dicts({"a": 1}, {"b": 2})
        {'a': 1, 'b': 2}
    """
    out: dict[str, Any] = {}
    for d in dicts:
        if not isinstance(d, dict):
            raise ValueError(f"Search() takes dicts of parameters; got {type(d).__name__}.")
        for k, v in d.items():
            if k in out and not _same(out[k], v):
                raise ValueError(
                    f"The key {k!r} is given twice, with different values ({out[k]!r} and {v!r})."
                )
            out[k] = v
    return out


def wrap_n_times(
    func: Callable[..., Any],
    n: int,
    yield_after: int | None = 0,
    reduction: str | Callable[[list[float]], float] = "mean",
    pass_index_arg: bool = False,
) -> Callable[..., Any]:
    """Evaluate ``func`` ``n`` times per candidate and reduce (``"mean"``, ``"median"`` or
    a function); the running reduction is yielded from the ``yield_after``-th repetition
    on, so a pruner can stop early. ``pass_index_arg``: ``func(param, index)``.
    ``yield_after=None`` returns the reduction once (PyHopper lost it). Built on
    :func:`hyperhop.repeat`.

    Example:
        >>> from hyperhop.pyhopper import wrap_n_times
        >>> f = wrap_n_times(lambda p, i: p["x"] + i, 3, pass_index_arg=True)
        >>> list(f({"x": 1.0}))
        [1.0, 1.5, 2.0]
    """
    if pass_index_arg:

        def indexed(param: Any, index: int, **kwargs: Any) -> Any:
            return func(param, index, **kwargs)

        return repeat(indexed, n, reduction, seed_key="index", yield_after=yield_after)
    return repeat(func, n, reduction, seed_key=None, yield_after=yield_after)


def convert_to_checkpoint_path(path: str | os.PathLike[str]) -> str:
    """A checkpoint file for ``path``: a directory gets the next free
    ``pyhopper_run_XXXXX.db`` inside it; a file path is kept.

    Example:
        >>> import tempfile
        >>> from hyperhop.pyhopper.utils import convert_to_checkpoint_path
        >>> d = tempfile.mkdtemp()
        >>> p = convert_to_checkpoint_path(d)
        >>> p.endswith("pyhopper_run_00000.db") and convert_to_checkpoint_path(p) == p
        True
    """
    path = os.fspath(path)
    if not os.path.isdir(path):
        return path
    i = 0
    while os.path.exists(os.path.join(path, f"pyhopper_run_{i:05d}{CHECKPOINT_SUFFIX}")):
        i += 1
    return os.path.join(path, f"pyhopper_run_{i:05d}{CHECKPOINT_SUFFIX}")


def store_dict(filename: str | os.PathLike[str], obj: dict[str, Any]) -> None:
    """Write a dict as gzip-compressed JSON (NumPy arrays included); read it with
    :func:`load_dict`.

    Args:
        filename: the file to write.
        obj: the dict; values JSON can hold, and NumPy arrays.

    Example:
        >>> import os, tempfile
        >>> import numpy as np
        >>> from hyperhop.pyhopper import load_dict, store_dict
        >>> with tempfile.TemporaryDirectory() as d:
        ...     store_dict(os.path.join(d, "best.json.gz"), {"lr": 0.01, "w": np.arange(3)})
        ...     load_dict(os.path.join(d, "best.json.gz"))
        {'lr': 0.01, 'w': array([0, 1, 2])}
    """
    with gzip.open(filename, "wt", encoding="utf-8") as f:
        f.write(codec.dumps(obj))


def load_dict(filename: str | os.PathLike[str], *, trusted: bool = False) -> Any:
    """Read a dict written by :func:`store_dict`; PyHopper's own pickled files only with
    ``trusted=True`` (unpickling runs code chosen by whoever wrote the file).

    Args:
        filename: the file to read.
        trusted: allow a pickled file (only for files you wrote yourself).

    Returns:
        The dict.

    Raises:
        ValueError: the file is a pickle and ``trusted`` is False.

    Example:
        >>> import os, tempfile
        >>> from hyperhop.pyhopper import load_dict, store_dict
        >>> with tempfile.TemporaryDirectory() as d:
        ...     store_dict(os.path.join(d, "run.gz"), {"best": {"x": 1.5}})
        ...     load_dict(os.path.join(d, "run.gz"))["best"]
        {'x': 1.5}
    """
    with gzip.open(filename, "rb") as f:
        data = f.read()
    if is_pickle(data):  # PyHopper's own format
        return load_trusted(data, filename, trusted=trusted)
    return codec.loads(data)
