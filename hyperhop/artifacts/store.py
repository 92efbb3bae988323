"""The artifact store: files kept beside a storage, one folder per study and trial.

Layout: ``<root>/study-<study id>/trial-<trial id>/<name>.<ext>``. Every file is written to a
temporary name in the same folder, flushed to disk (fsync) and renamed into place, so a
reader (or a worker killed mid-write) never sees half a file. The trial refers to each file
through a small JSON reference kept in the storage as the attachment ``artifact:<name>``
(format, file, size and SHA-256, checked on load).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hyperhop._validation import describe

REF_PREFIX = "artifact:"
"""Attachments whose name starts with this hold an artifact's reference (JSON)."""
REF_VERSION = 1
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,127}")


def check_name(name: Any) -> str:
    """An artifact name: 1-128 letters, digits, ``_``, ``-`` or ``.``, not starting with a
    dot (no path separator, no NUL, no ``..``), so that it names one file in a trial's folder.

    Args:
        name: the proposed name.

    Returns:
        ``name``, when it is valid.

    Raises:
        ValueError: ``name`` is not such a name (the message gives valid ones).

    Example:
        >>> from hyperhop.artifacts import check_name
        >>> check_name("val_predictions")
        'val_predictions'
        >>> check_name("../model")
        Traceback (most recent call last):
        ...
        ValueError: An artifact name must be 1-128 letters, digits, ...
    """
    if not isinstance(name, str) or not _NAME.fullmatch(name) or ".." in name:
        raise ValueError(
            "An artifact name must be 1-128 letters, digits, '_', '-' or '.', not starting "
            f"with '.' and without '..' (e.g. 'model' or 'val_predictions'). Got {describe(name)} instead."
        )
    return name


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class ArtifactStore:
    """A folder of artifacts (for a storage's studies); see the module docstring.

    Example:
        >>> import tempfile, numpy as np
        >>> from hyperhop.artifacts import ArtifactStore
        >>> store = ArtifactStore(tempfile.mkdtemp())
        >>> ref = store.write(1, 7, "weights", np.arange(3.0))
        >>> ref["format"], store.read(ref).tolist()
        ('npy', [0.0, 1.0, 2.0])
    """

    def __init__(self, root: str | os.PathLike[str], *, private: bool = False) -> None:
        text = os.fspath(root)
        if text.startswith("file://"):
            text = text[len("file://") :]
        if not text or "\x00" in text:
            raise ValueError(
                f"The artifact store must be a directory path or a file:// URL. Got {root!r} instead."
            )
        self.root = Path(text).expanduser().absolute()
        self.private = private
        """Whether the root is made on the first write, readable by this user only."""

    def study_dir(self, study_id: int) -> Path:
        return self.root / f"study-{int(study_id)}"

    def trial_dir(self, study_id: int, trial_id: int) -> Path:
        return self.study_dir(study_id) / f"trial-{int(trial_id)}"

    def write(
        self, study_id: int, trial_id: int, name: str, obj: Any, *, pickle: bool = False
    ) -> dict[str, Any]:
        """Write ``obj`` atomically in the trial's folder; returns its reference."""
        from hyperhop.artifacts.formats import encoder_for

        check_name(name)
        fmt, ext, write = encoder_for(obj, pickle=pickle)
        folder = self.trial_dir(study_id, trial_id)
        if self.private:
            self.root.mkdir(mode=0o700, exist_ok=True)
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / f"{name}.{ext}"
        tmp = folder / f".{name}.{secrets.token_hex(6)}.tmp"
        try:
            meta = write(tmp) or {}
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
            digest = sha256_of(tmp)
            size = tmp.stat().st_size
            os.replace(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        _fsync_dir(folder)
        return {
            "version": REF_VERSION,
            "name": name,
            "study": int(study_id),
            "format": fmt,
            "file": f"trial-{int(trial_id)}/{final.name}",
            "size": size,
            "sha256": digest,
            "meta": meta,
        }

    def path_of(self, study_id: int, ref: dict[str, Any]) -> Path:
        """The file a reference points to (checked to stay inside the study's folder)."""
        rel = str(ref.get("file", ""))
        parts = rel.split("/")
        if len(parts) != 2 or not parts[0].startswith("trial-") or parts[1].startswith("."):
            raise ValueError(f"A damaged artifact reference: file {rel!r}.")
        check_name(parts[1])
        return self.study_dir(study_id) / parts[0] / parts[1]

    def read(
        self,
        ref: dict[str, Any],
        *,
        trusted: bool = False,
        factory: Callable[..., Any] | None = None,
        config: Any = None,
    ) -> Any:
        """Load the artifact a reference points to (safe formats only, unless ``trusted``)."""
        from hyperhop.artifacts.formats import decode

        path = self.path_of(int(ref.get("study", -1)), ref)
        if not path.exists():
            raise FileNotFoundError(
                f"The artifact {ref.get('name')!r} should be at {path}, which does not exist: "
                "the artifact store was moved or deleted (pass artifacts=... with its new place)."
            )
        if ref.get("sha256") and sha256_of(path) != ref["sha256"]:
            raise ValueError(
                f"The artifact file {path} does not match the SHA-256 recorded with its trial: "
                "it was changed or damaged after it was written."
            )
        return decode(ref, path, trusted=trusted, factory=factory, config=config)

    def delete_study(self, study_id: int) -> None:
        """Remove a study's artifacts (moved aside first, so a half-deleted folder is never
        mistaken for the study's)."""
        folder = self.study_dir(study_id)
        if not folder.exists():
            return
        doomed = self.root / f".deleted-{folder.name}-{secrets.token_hex(4)}"
        os.replace(folder, doomed)
        shutil.rmtree(doomed, ignore_errors=True)

    def __repr__(self) -> str:
        return f"ArtifactStore({str(self.root)!r})"


def dumps_ref(ref: dict[str, Any]) -> bytes:
    return json.dumps(ref, sort_keys=True).encode()


def loads_ref(data: bytes) -> dict[str, Any]:
    ref = json.loads(data.decode())
    if not isinstance(ref, dict) or ref.get("version") != REF_VERSION:
        raise ValueError(
            f"An artifact reference of an unknown format version {ref.get('version') if isinstance(ref, dict) else ref!r} "
            f"(this hyperhop reads version {REF_VERSION}); upgrade hyperhop."
        )
    return ref
