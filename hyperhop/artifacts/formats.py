"""How each kind of object becomes a file, and comes back: safe formats first.

=================  ==============  ==========================================================
object             format (ext)    read back as
=================  ==============  ==========================================================
scikit-learn model ``skops``       the model (skops' secure loader; scikit-learn's own
                                   classes are trusted, other types need ``trusted=True``)
``torch.nn.Module`` ``safetensors`` its weights, loaded into ``factory(trial.config)``
dict of tensors    ``safetensors`` the dict of tensors
NumPy array        ``npy``         the array (``allow_pickle=False``)
dict of arrays     ``npz``         a dict of arrays (``allow_pickle=False``)
bytes              ``bin``         bytes
a ``pathlib.Path`` ``file``        the stored copy's path
JSON value         ``json``        the value
anything else      ``pickle``      only with ``save_artifact(..., pickle=True)``, and read
                                   back only with ``trusted=True``
=================  ==============  ==========================================================
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from hyperhop._lazy import require
from hyperhop._validation import describe
from hyperhop.exceptions import UntrustedArtifactError

Writer = Callable[[Path], "dict[str, Any] | None"]


def _torch() -> Any:
    return sys.modules.get("torch")


def _is_json(obj: Any, depth: int = 0) -> bool:
    if depth > 100:
        return False
    if obj is None or isinstance(obj, (bool, int, str)):
        return True
    if isinstance(obj, float):
        return math.isfinite(obj)
    if isinstance(obj, (list, tuple)):
        return all(_is_json(x, depth + 1) for x in obj)
    if isinstance(obj, Mapping):
        return all(isinstance(k, str) and _is_json(v, depth + 1) for k, v in obj.items())
    return False


def _plain_array(x: Any) -> bool:
    return isinstance(x, np.ndarray) and x.dtype.kind in "biufcmMSUV" and not x.dtype.hasobject


def encoder_for(obj: Any, *, pickle: bool = False) -> tuple[str, str, Writer]:
    """``(format, extension, write)`` for an object; ``write(path)`` returns extra metadata."""
    torch = _torch()
    if isinstance(obj, os.PathLike):
        src = Path(obj)
        if not src.is_file():
            raise FileNotFoundError(f"save_artifact() got the path {src}, which is not a file.")
        suffix = re.sub(r"[^A-Za-z0-9]", "", src.suffix)[:16] or "bin"

        def copy(path: Path) -> dict[str, Any]:
            shutil.copyfile(src, path)
            return {"filename": src.name}

        return "file", suffix, copy
    if isinstance(obj, (bytes, bytearray, memoryview)):
        data = bytes(obj)
        return "bytes", "bin", lambda path: path.write_bytes(data) and None
    if _plain_array(obj):

        def npy(path: Path) -> None:
            with open(path, "wb") as f:
                np.save(f, obj, allow_pickle=False)

        return "npy", "npy", npy
    if (
        isinstance(obj, Mapping)
        and obj
        and all(isinstance(k, str) and _plain_array(v) for k, v in obj.items())
    ):
        arrays = dict(obj)

        def npz(path: Path) -> None:
            with open(path, "wb") as f:
                np.savez(f, **arrays)

        return "npz", "npz", npz
    if torch is not None and isinstance(obj, torch.nn.Module):
        st = require("safetensors.torch", "ensemble", "Saving a PyTorch model")

        def module(path: Path) -> dict[str, Any]:
            st.save_model(obj, str(path))
            return {"class": f"{type(obj).__module__}.{type(obj).__qualname__}"}

        return "safetensors", "safetensors", module
    if (
        torch is not None
        and isinstance(obj, Mapping)
        and obj
        and all(isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in obj.items())
    ):
        st = require("safetensors.torch", "ensemble", "Saving PyTorch tensors")
        tensors = {k: v.detach().cpu().contiguous() for k, v in obj.items()}
        return "tensors", "safetensors", lambda path: st.save_file(tensors, str(path))
    if _is_sklearn(obj):
        sio = require("skops.io", "ensemble", "Saving a scikit-learn model")

        def skops(path: Path) -> dict[str, Any]:
            sio.dump(obj, str(path))
            return {"class": f"{type(obj).__module__}.{type(obj).__qualname__}"}

        return "skops", "skops", skops
    if _is_json(obj):
        text = json.dumps(obj)
        return "json", "json", lambda path: path.write_text(text) and None
    if pickle:
        from hyperhop.artifacts import pickled as pickled_format

        def pickled(path: Path) -> dict[str, Any]:
            pickled_format.dump(obj, path)
            return {"class": f"{type(obj).__module__}.{type(obj).__qualname__}"}

        return "pickle", "pkl", pickled
    raise TypeError(
        f"save_artifact() keeps scikit-learn models, PyTorch modules and tensors, NumPy arrays, "
        f"bytes, files (pathlib.Path) and JSON values in safe formats; {describe(obj)} of type "
        f"{type(obj).__name__} is none of them. Convert it, or pass pickle=True (it can then "
        "be loaded only with trusted=True, by whoever trusts who wrote it)."
    )


def _is_sklearn(obj: Any) -> bool:
    if "sklearn" not in sys.modules:
        return False
    from sklearn.base import BaseEstimator

    return isinstance(obj, BaseEstimator)


_SKLEARN_CLASS = re.compile(r"sklearn(\.[A-Za-z_][A-Za-z0-9_]*)+\.[A-Z][A-Za-z0-9]*")


def _sklearn_class(name: str) -> bool:
    """Whether ``name`` names a class of scikit-learn itself (trees, optimizers, kernels,
    distance metrics: a CapWords name in a ``sklearn.`` module): skops rebuilds those from
    data, so hyperhop trusts them beside skops' own defaults. Judged from the name alone
    (nothing is imported for it); a function, or a type of any other package, still needs
    ``trusted=True``."""
    return bool(_SKLEARN_CLASS.fullmatch(name)) and not name.startswith(
        ("sklearn.externals.", "sklearn.utils._testing.")
    )


def decode(
    ref: Mapping[str, Any],
    path: Path,
    *,
    trusted: bool = False,
    factory: Callable[..., Any] | None = None,
    config: Any = None,
) -> Any:
    """Read one artifact file written by :func:`encoder_for`'s writer."""
    fmt = ref.get("format")
    name = ref.get("name")
    if fmt == "npy":
        return np.load(path, allow_pickle=False)
    if fmt == "npz":
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    if fmt == "json":
        return json.loads(path.read_text())
    if fmt == "bytes":
        return path.read_bytes()
    if fmt == "file":
        return path
    if fmt == "skops":
        sio = require("skops.io", "ensemble", "Loading a scikit-learn model")
        listed = sio.get_untrusted_types(file=str(path))
        untrusted = [t for t in listed if not _sklearn_class(t)]
        if untrusted and not trusted:
            raise UntrustedArtifactError(
                f"The artifact {name!r} holds types that skops does not trust by default "
                f"({', '.join(untrusted)}); load it with trusted=True if you trust whoever wrote it."
            )
        return sio.load(str(path), trusted=listed or None)
    if fmt == "tensors":
        st = require("safetensors.torch", "ensemble", "Loading PyTorch tensors")
        return st.load_file(str(path))
    if fmt == "safetensors":
        st = require("safetensors.torch", "ensemble", "Loading a PyTorch model")
        if factory is None:
            cls = (ref.get("meta") or {}).get("class", "a torch.nn.Module")
            raise TypeError(
                f"The artifact {name!r} holds the weights of {cls}; pass factory=... (a function "
                "that builds the untrained module from the trial's config) to load them."
            )
        module = factory(config)
        st.load_model(module, str(path))
        module.eval()
        return module
    if fmt == "pickle":
        if not trusted:
            raise UntrustedArtifactError(
                f"The artifact {name!r} is a pickle, which runs code when loaded; hyperhop loads "
                "it only with trusted=True, if you trust whoever wrote it."
            )
        from hyperhop.artifacts import pickled as pickled_format

        return pickled_format.load_trusted(path)
    raise ValueError(f"The artifact {name!r} has an unknown format {fmt!r}; upgrade hyperhop.")
