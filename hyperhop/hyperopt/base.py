"""Hyperopt's ``hyperopt.base`` names: constants, ``Trials``, ``Domain``, ``Ctrl`` and
the document helpers."""

from __future__ import annotations

from hyperhop.hyperopt.constants import (
    JOB_STATE_CANCEL,
    JOB_STATE_DONE,
    JOB_STATE_ERROR,
    JOB_STATE_NEW,
    JOB_STATE_RUNNING,
    JOB_STATES,
    JOB_VALID_STATES,
    STATUS_FAIL,
    STATUS_NEW,
    STATUS_OK,
    STATUS_RUNNING,
    STATUS_STRINGS,
    STATUS_SUSPENDED,
    TRIAL_KEYS,
    TRIAL_MISC_KEYS,
)
from hyperhop.hyperopt.docs import (
    SONify,
    miscs_to_idxs_vals,
    miscs_update_idxs_vals,
    pmin_sampled,
    spec_from_misc,
)
from hyperhop.hyperopt.domain import Ctrl, Domain
from hyperhop.hyperopt.exceptions import AllTrialsFailed, InvalidTrial
from hyperhop.hyperopt.fmin import validate_loss_threshold, validate_timeout
from hyperhop.hyperopt.trials import Trials, trials_from_docs

__all__ = [
    "JOB_STATES",
    "JOB_STATE_CANCEL",
    "JOB_STATE_DONE",
    "JOB_STATE_ERROR",
    "JOB_STATE_NEW",
    "JOB_STATE_RUNNING",
    "JOB_VALID_STATES",
    "STATUS_FAIL",
    "STATUS_NEW",
    "STATUS_OK",
    "STATUS_RUNNING",
    "STATUS_STRINGS",
    "STATUS_SUSPENDED",
    "TRIAL_KEYS",
    "TRIAL_MISC_KEYS",
    "AllTrialsFailed",
    "Ctrl",
    "Domain",
    "InvalidTrial",
    "SONify",
    "Trials",
    "miscs_to_idxs_vals",
    "miscs_update_idxs_vals",
    "pmin_sampled",
    "spec_from_misc",
    "trials_from_docs",
    "validate_loss_threshold",
    "validate_timeout",
]
