"""``Domain`` (the objective with its space) and ``Ctrl`` (what a running trial may touch)."""

from __future__ import annotations

import logging
import numbers
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from hyperhop.hyperopt.constants import STATUS_NEW, STATUS_OK, STATUS_STRINGS
from hyperhop.hyperopt.exceptions import DuplicateLabel, InvalidLoss, InvalidResultStatus
from hyperhop.space import Expr, Parameter, Space

if TYPE_CHECKING:
    from hyperhop.hyperopt.trials import Trials

__all__ = ["Ctrl", "Domain", "labelled_params"]

log = logging.getLogger("hyperhop.hyperopt")


def labelled_params(expr: Any) -> dict[str, Parameter]:
    """Every ``hp.*`` parameter of a space by label; two different parameters with one
    label raise :class:`DuplicateLabel` (one object used in several places is fine)."""
    found: dict[str, Parameter] = {}
    seen: set[int] = set()
    stack = [expr]
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, Parameter):
            label = obj.label
            if label is not None:
                other = found.get(label)
                if other is not None and other is not obj:
                    raise DuplicateLabel(
                        f"The label {label!r} is given to two different hp.* nodes; give each "
                        "its own label, or reuse one node object in both places."
                    )
                found[label] = obj
            stack.extend(getattr(obj, "options", ()))
        elif isinstance(obj, Expr):
            stack.extend(obj.args)
            stack.extend(obj.kwargs.values())
        elif isinstance(obj, Mapping):
            stack.extend(obj.values())
        elif isinstance(obj, (list, tuple)):
            stack.extend(obj)
    return found


class Ctrl:
    """Handed to an objective called with ``pass_expr_memo_ctrl``: the running trial's
    attachments, ``checkpoint`` and a logger.

    Example:
        >>> from hyperhop.hyperopt import Ctrl, Trials
        >>> ctrl = Ctrl(Trials())
        >>> ctrl.current_trial is None
        True
    """

    def __init__(self, trials: Trials, current_trial: dict[str, Any] | None = None) -> None:
        self.trials = trials
        self.current_trial = current_trial

    @property
    def attachments(self) -> Any:
        """The running trial's attachments (a dict-like view), or the global ones."""
        if self.current_trial is None:
            return self.trials.attachments
        return self.trials.trial_attachments(self.current_trial)

    def checkpoint(self, result: Mapping[str, Any] | None = None) -> None:
        """Record a partial result of the running trial."""
        if self.current_trial is not None and result is not None:
            self.current_trial["result"] = dict(result)

    def inject_results(
        self,
        specs: list[Any],
        results: list[Any],
        miscs: list[Any],
        new_tids: list[Any] | None = None,
    ) -> list[Any]:
        """Add finished trials (e.g. evaluated elsewhere) to the trials."""
        trials = self.trials
        tids = new_tids if new_tids is not None else trials.new_trial_ids(len(specs))
        docs = trials.new_trial_docs(tids, specs, results, miscs)
        for doc in docs:
            doc["state"] = 2
        return trials.insert_trial_docs(docs)

    def info(self, *args: Any, **kwargs: Any) -> None:
        log.info(*args, **kwargs)

    def warn(self, *args: Any, **kwargs: Any) -> None:
        log.warning(*args, **kwargs)

    def error(self, *args: Any, **kwargs: Any) -> None:
        log.error(*args, **kwargs)

    def debug(self, *args: Any, **kwargs: Any) -> None:
        log.debug(*args, **kwargs)


class Domain:
    """An objective with its search space.

    Args:
        fn: called with the config built from the space (or with ``expr``, ``memo``,
            ``ctrl`` when ``pass_expr_memo_ctrl``).
        expr: the space (``hp.*`` nodes inside dicts, lists, expressions).
        loss_target: the best loss known to be reachable (for tests and benchmarks).

    Example:
        >>> from hyperhop.hyperopt import Domain, hp
        >>> d = Domain(lambda x: x ** 2, hp.uniform("x", -1, 1))
        >>> d.evaluate({"x": 0.5}, ctrl=None)
        {'loss': 0.25, 'status': 'ok'}
    """

    def __init__(
        self,
        fn: Callable[..., Any],
        expr: Any,
        workdir: str | None = None,
        pass_expr_memo_ctrl: bool | None = None,
        name: str | None = None,
        loss_target: float | None = None,
    ) -> None:
        self.fn = fn
        if pass_expr_memo_ctrl is None:
            pass_expr_memo_ctrl = bool(getattr(fn, "fmin_pass_expr_memo_ctrl", False))
        self.pass_expr_memo_ctrl = pass_expr_memo_ctrl
        self.expr = expr
        self.params = labelled_params(expr)
        self.space = Space(expr)
        self.workdir = workdir
        self.name = name
        self.loss_target = loss_target

    def assignment(self, config: Mapping[str, Any]) -> dict[str, Any]:
        """The flat assignment (label -> stored value) of a Hyperopt ``spec``."""
        return {k: v for k, v in config.items() if k in self.space}

    def evaluate(
        self, config: Mapping[str, Any], ctrl: Ctrl | None, attach_attachments: bool = True
    ) -> dict[str, Any]:
        """Call the objective on ``config`` (label -> stored value) and return the result
        dict (``attachments`` moved to ``ctrl.attachments`` unless not ``attach_attachments``)."""
        assignment = self.assignment(config)
        if self.pass_expr_memo_ctrl:
            memo = {self.params[k]: v for k, v in assignment.items() if k in self.params}
            rval = self.fn(expr=self.expr, memo=memo, ctrl=ctrl)
        else:
            rval = self.fn(self.space.to_config(assignment))
        result = normalize_result(rval)
        if attach_attachments:
            attachments = result.pop("attachments", {})
            if attachments and ctrl is not None:
                for key, value in attachments.items():
                    ctrl.attachments[key] = value
        return result

    def short_str(self) -> str:
        return f"Domain{{{self.fn}}}"

    def loss(self, result: Mapping[str, Any], config: Any = None) -> float | None:
        """The result's loss (None when absent)."""
        return result.get("loss")

    def loss_variance(self, result: Mapping[str, Any], config: Any = None) -> float:
        return float(result.get("loss_variance", 0.0))

    def true_loss(self, result: Mapping[str, Any], config: Any = None) -> float | None:
        """``true_loss`` when given, else the loss."""
        return result.get("true_loss", self.loss(result, config))

    def true_loss_variance(self, config: Any = None) -> float:
        raise NotImplementedError("true_loss_variance is not known for this domain")

    def status(self, result: Mapping[str, Any], config: Any = None) -> str:
        return str(result["status"])

    def new_result(self) -> dict[str, Any]:
        return {"status": STATUS_NEW}


def normalize_result(rval: Any) -> dict[str, Any]:
    """Hyperopt's rule: a number is ``{'loss': float(x), 'status': 'ok'}``; a dict needs a
    known ``status``, and with ``ok`` a ``loss`` that converts to float."""
    if isinstance(rval, (numbers.Number, np.number)) and not isinstance(rval, bool):
        return {"loss": float(rval), "status": STATUS_OK}  # type: ignore[arg-type]
    if isinstance(rval, np.ndarray) and rval.ndim == 0:
        return {"loss": float(rval), "status": STATUS_OK}
    if not isinstance(rval, Mapping):
        raise InvalidResultStatus(rval)
    result = dict(rval)
    if result.get("status") not in STATUS_STRINGS:
        raise InvalidResultStatus(result)
    if result["status"] == STATUS_OK:
        try:
            result["loss"] = float(result["loss"])
        except (KeyError, TypeError, ValueError):
            raise InvalidLoss(result) from None
    return result
