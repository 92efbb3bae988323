"""A study's name: the rule that keeps two experiments apart.

A study on a persistent storage is resumed by its name only. Without a name, a new study
with a generated, unique name is started (and the name is logged, so that it can be
resumed); it never joins a study that is already there. The memory storage (nothing to
resume) and PyHopper's ``checkpoint_path=`` (the file is the run) keep the name
``"default"``.
"""

from __future__ import annotations

import datetime
import logging
import os
import secrets
import sys
import warnings
from typing import Any

from hyperhop._validation import describe
from hyperhop.exceptions import StudyNotFoundError
from hyperhop.storage import MemoryStorage, Storage

log = logging.getLogger("hyperhop.study")

DEFAULT_NAME = "default"
MAX_NAME_LENGTH = 10_000


def check_name(name: Any) -> str:
    """``name`` if it is a valid study name, else a ValueError naming the rule."""
    if not isinstance(name, str) or not name:
        raise ValueError(
            f"The 'name' parameter of Study must be a non-empty string. Got {describe(name)} instead."
        )
    if len(name) > MAX_NAME_LENGTH:
        raise ValueError(
            f"The 'name' parameter of Study must be at most {MAX_NAME_LENGTH} characters. Got {len(name)} instead."
        )
    if "\x00" in name:
        raise ValueError("The 'name' parameter of Study must not contain NUL characters.")
    return name


def generated_name() -> str:
    """A new study name, unique and readable: ``study-20261207-175342-3fa9c1``."""
    now = datetime.datetime.now()
    return f"study-{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def users_stacklevel() -> int:
    """The ``stacklevel`` of a warning raised here that points at the first caller outside
    hyperhop (the user's line)."""
    frame, level = sys._getframe(1), 1
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    return level


def study_name(name: Any, storage: Storage, *, checkpoint: bool) -> str:
    """The name a study opens under (see the module's docstring)."""
    if name is not None:
        return check_name(name)
    if checkpoint or isinstance(storage, MemoryStorage):
        return DEFAULT_NAME
    new = generated_name()
    log.warning(
        "The study in %s has no name: started a new study named %r. Pass name=%r to add "
        "trials to it later (a study without a name never joins one already stored).",
        storage.url,
        new,
        new,
    )
    try:
        storage.get_study(DEFAULT_NAME)
    except StudyNotFoundError:
        return new
    warnings.warn(
        f"{storage.url} holds a study named {DEFAULT_NAME!r}: earlier versions of hyperhop resumed it "
        f"when no name was given; this run starts the new study {new!r} instead. "
        f"Pass name={DEFAULT_NAME!r} to go on with the old one.",
        FutureWarning,
        stacklevel=users_stacklevel(),
    )
    return new
