"""JSON codec for everything persisted: plain JSON plus a short allow-list of tagged types.

Never pickle: a stored document can only ever become dicts, lists, strings, numbers,
booleans, None, NumPy arrays of a few numeric dtypes, and bytes. ±inf round-trips exactly
(as JSON's ``Infinity``); an unknown tag stays a plain dict.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import numpy as np

_DTYPES = frozenset({"float64", "float32", "int64", "int32", "int16", "int8", "uint8", "bool"})


def _default(obj: Any) -> Any:
    if isinstance(obj, np.ndarray):
        dtype = obj.dtype.name
        if dtype not in _DTYPES:
            obj = obj.astype(np.float64) if obj.dtype.kind == "f" else obj.astype(np.int64)
            dtype = obj.dtype.name
        return {
            "__ndarray__": {
                "dtype": dtype,
                "shape": list(obj.shape),
                "b64": base64.b64encode(np.ascontiguousarray(obj).tobytes()).decode("ascii"),
            }
        }
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, (bytes, bytearray, memoryview)):
        return {"__bytes__": base64.b64encode(bytes(obj)).decode("ascii")}
    if isinstance(obj, (set, frozenset)):
        return sorted(obj, key=repr)
    raise TypeError(
        f"{type(obj).__name__} values cannot be stored (only JSON, NumPy arrays and bytes): {obj!r:.80}"
    )


def _hook(d: dict[str, Any]) -> Any:
    if len(d) == 1:
        if "__ndarray__" in d:
            spec = d["__ndarray__"]
            if isinstance(spec, dict) and spec.get("dtype") in _DTYPES:
                raw = base64.b64decode(spec["b64"])
                return np.frombuffer(raw, dtype=spec["dtype"]).reshape(spec["shape"]).copy()
        elif "__bytes__" in d and isinstance(d["__bytes__"], str):
            return base64.b64decode(d["__bytes__"])
    return d


# one encoder and one decoder: json.dumps/json.loads with options build a new one per call
_ENCODER = json.JSONEncoder(default=_default, allow_nan=True, separators=(",", ":"))
_DECODER = json.JSONDecoder(object_hook=_hook)
_PLAIN = json.JSONDecoder()  # for text without a tag: no Python call per object


def dumps(obj: Any) -> str:
    """Serialize to compact JSON text (raises TypeError naming any value it cannot store)."""
    return _ENCODER.encode(obj)


def loads(text: str | bytes | None) -> Any:
    """Parse text written by :func:`dumps` (None stays None)."""
    if text is None:
        return None
    if not isinstance(text, str):
        raw = bytes(text)
        text = raw.decode(json.detect_encoding(raw), "surrogatepass")
    return (_DECODER if '"__' in text else _PLAIN).decode(text)
