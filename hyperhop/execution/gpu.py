"""Which GPUs this process may use, for ``n_jobs="per-gpu"``."""

from __future__ import annotations

import os
import re
import shutil
import subprocess


def visible_gpus() -> list[str]:
    """Device ids from ``CUDA_VISIBLE_DEVICES`` if set, else from ``nvidia-smi -L``; [] if none.

    Example:
        >>> import os
        >>> from unittest import mock
        >>> from hyperhop.execution import visible_gpus
        >>> with mock.patch.dict(os.environ, {"CUDA_VISIBLE_DEVICES": "0,2"}):
        ...     visible_gpus()
        ['0', '2']
    """
    env = os.environ.get("CUDA_VISIBLE_DEVICES")
    if env is not None:
        ids = [d.strip() for d in env.split(",") if d.strip()]
        return [] if ids in ([], ["-1"]) else ids
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return []
    try:
        out = subprocess.run(
            [exe, "-L"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [m.group(1) for m in re.finditer(r"^GPU (\d+):", out, flags=re.M)]


_PER_GPU = re.compile(r"^\s*(?:(\d+)\s*x\s*)?per-gpu\s*$", re.I)


def parse_per_gpu(n_jobs: object) -> int | None:
    """``"per-gpu"`` -> 1, ``"2x per-gpu"`` -> 2 workers per GPU; None for anything else."""
    if not isinstance(n_jobs, str):
        return None
    m = _PER_GPU.match(n_jobs)
    if m is None:
        return None
    return int(m.group(1) or 1)
