"""``fmin``, ``space_eval`` and ``generate_trials_to_calculate``.

Example:
    >>> import numpy as np
    >>> from hyperhop.hyperopt import fmin, hp, space_eval, tpe
    >>> space = {"x": hp.uniform("x", -5, 5), "act": hp.choice("act", ["relu", "tanh"])}
    >>> def loss(cfg):
    ...     return (cfg["x"] - 1) ** 2 + (cfg["act"] == "tanh")
    >>> best = fmin(loss, space, algo=tpe.suggest, max_evals=30,
    ...             rstate=np.random.default_rng(0), show_progressbar=False)
    >>> space_eval(space, best)["act"], best["act"]        # argmin holds the choice's index
    ('relu', 0)
"""

from __future__ import annotations

import functools
import inspect
import numbers
import os
import sys
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from hyperhop.hyperopt.constants import STATUS_NEW
from hyperhop.hyperopt.domain import Domain
from hyperhop.hyperopt.exceptions import InvalidAnnotatedParameter
from hyperhop.hyperopt.trials import Trials
from hyperhop.space import Expr, Parameter, Space

__all__ = [
    "fmin",
    "fmin_pass_expr_memo_ctrl",
    "generate_trials_to_calculate",
    "partial",
    "space_eval",
]


partial = functools.partial


def fmin_pass_expr_memo_ctrl(f: Callable[..., Any]) -> Callable[..., Any]:
    """Mark ``f`` to be called as ``f(expr=..., memo=..., ctrl=...)`` by ``fmin``.

    Example:
        >>> from hyperhop.hyperopt import fmin_pass_expr_memo_ctrl
        >>> @fmin_pass_expr_memo_ctrl
        ... def f(expr, memo, ctrl):
        ...     return 0.0
        >>> f.fmin_pass_expr_memo_ctrl
        True
    """
    f.fmin_pass_expr_memo_ctrl = True  # type: ignore[attr-defined]
    return f


def validate_timeout(timeout: Any) -> None:
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, numbers.Real) or timeout <= 0
    ):
        raise ValueError(
            f"The timeout argument should be None or a positive value. Given value: {timeout}"
        )


def validate_loss_threshold(loss_threshold: Any) -> None:
    if loss_threshold is not None and (
        isinstance(loss_threshold, bool) or not isinstance(loss_threshold, numbers.Real)
    ):
        raise ValueError(
            "The loss_threshold argument should be None or a numeric value. "
            f"Given value: {loss_threshold}"
        )


def _check_max_evals(max_evals: Any) -> int:
    if max_evals is None:
        return sys.maxsize
    if isinstance(max_evals, bool) or not isinstance(max_evals, numbers.Integral) or max_evals < 0:
        raise ValueError(
            f"The max_evals argument should be None or an int >= 0. Given value: {max_evals}"
        )
    return int(max_evals)


def space_eval(space: Any, hp_assignment: Mapping[str, Any]) -> Any:
    """The config of ``space`` for stored values ``{label: value}`` (choices by index);
    labels the space does not use are ignored.

    Example:
        >>> from hyperhop.hyperopt import hp, space_eval
        >>> space_eval(hp.choice("a", [("one", hp.uniform("c", 0, 1)), ("two", 2)]), {"a": 0, "c": 0.5})
        ('one', 0.5)
    """
    s = Space(space)
    return s.to_config({k: v for k, v in hp_assignment.items() if k in s})


def generate_trials_to_calculate(
    points: list[Mapping[str, Any]], exp_key: str | None = None
) -> Trials:
    """A Trials whose NEW documents ``fmin`` evaluates first (choices given by index).

    Example:
        >>> from hyperhop.hyperopt import fmin, hp, rand
        >>> from hyperhop.hyperopt.fmin import generate_trials_to_calculate
        >>> trials = generate_trials_to_calculate([{"x": 0.5}])
        >>> _ = fmin(lambda x: x, hp.uniform("x", 0, 1), algo=rand.suggest, max_evals=3,
        ...          trials=trials, show_progressbar=False)
        >>> trials.trials[0]["misc"]["vals"]["x"]
        [0.5]
    """
    if not isinstance(points, list) or not all(isinstance(p, Mapping) for p in points):
        raise TypeError("points_to_evaluate must be a list of {label: value} dicts")
    trials = Trials(exp_key=exp_key)
    tids = trials.new_trial_ids(len(points))
    docs = trials.new_trial_docs(
        tids,
        [None] * len(points),
        [{"status": STATUS_NEW} for _ in points],
        [
            {
                "tid": tid,
                "cmd": ("domain_attachment", "FMinIter_Domain"),
                "workdir": None,
                "idxs": {k: [tid] for k in p},
                "vals": {k: [v] for k, v in p.items()},
            }
            for tid, p in zip(tids, points, strict=True)
        ],
    )
    trials.insert_trial_docs(docs)
    trials.refresh()
    return trials


def _annotated(fn: Callable[..., Any]) -> tuple[dict[str, Any], Callable[..., Any]]:
    try:  # annotations are strings under `from __future__ import annotations`
        space = dict(inspect.get_annotations(fn, eval_str=True))
    except Exception as e:
        raise InvalidAnnotatedParameter(
            f"The annotations of {getattr(fn, '__name__', fn)!r} could not be evaluated: {e}"
        ) from e
    space.pop("return", None)
    for name, node in space.items():
        if not isinstance(node, (Parameter, Expr)):
            raise InvalidAnnotatedParameter(
                f'With space="annotated", every argument of the objective must be annotated '
                f"with an hp.* expression; {name!r} is annotated with {node!r}."
            )

    @functools.wraps(fn)
    def wrapper(config: Mapping[str, Any]) -> Any:
        return fn(**config)

    return space, wrapper


def fmin(
    fn: Callable[..., Any],
    space: Any,
    algo: Callable[..., Any] | None = None,
    max_evals: int | None = None,
    timeout: float | None = None,
    loss_threshold: float | None = None,
    trials: Trials | None = None,
    rstate: np.random.Generator | None = None,
    allow_trials_fmin: bool = True,
    pass_expr_memo_ctrl: bool | None = None,
    catch_eval_exceptions: bool = False,
    verbose: bool = True,
    return_argmin: bool = True,
    points_to_evaluate: list[Mapping[str, Any]] | None = None,
    max_queue_len: int = 1,
    show_progressbar: bool | Callable[..., Any] = True,
    early_stop_fn: Callable[..., Any] | None = None,
    trials_save_file: str = "",
) -> Any:
    """Minimize ``fn`` over ``space`` (Hyperopt's ``fmin``, on hyperhop's study loop).

    ``max_evals`` is the total number of trials in ``trials`` (earlier ones and failed
    ones count); the search also stops at ``timeout`` seconds (checked between trials),
    once the best loss is below ``loss_threshold``, or when ``early_stop_fn(trials,
    *state)`` returns ``(True, state)``. ``points_to_evaluate`` (with ``trials=None``)
    run first. ``trials_save_file`` is a hyperhop journal file (JSON lines, written as
    each trial ends, never a pickle): rerun with the same file to resume.

    Returns the best stored values (``return_argmin=True``; a choice's index) or the best
    config (``space_eval(space, argmin)``).

    Raises:
        TypeError: ``rstate`` is not a ``numpy.random.Generator``.
        ValueError: an invalid ``max_evals``, ``timeout``, ``loss_threshold`` or
            ``max_queue_len``.

    Example:
        >>> import numpy as np
        >>> from hyperhop.hyperopt import Trials, fmin, hp, rand
        >>> trials = Trials()
        >>> best = fmin(lambda x: (x - 1) ** 2, hp.uniform("x", -3, 3), algo=rand.suggest,
        ...             max_evals=10, trials=trials, rstate=np.random.default_rng(0),
        ...             show_progressbar=False)
        >>> len(trials.trials), -3 <= best["x"] <= 3
        (10, True)
    """
    max_evals = _check_max_evals(max_evals)
    if rstate is None:
        env = os.environ.get("HYPEROPT_FMIN_SEED", "")
        rstate = np.random.default_rng(int(env)) if env else np.random.default_rng()
    elif not isinstance(rstate, np.random.Generator):
        raise TypeError(
            f"rstate must be a numpy.random.Generator (np.random.default_rng(seed)), got "
            f"{type(rstate).__name__}"
        )
    validate_timeout(timeout)
    validate_loss_threshold(loss_threshold)
    if not isinstance(max_queue_len, numbers.Integral) or max_queue_len < 1:
        raise ValueError(f"max_queue_len must be an int >= 1, got {max_queue_len!r}")
    if isinstance(space, str) and space == "annotated":
        space, fn = _annotated(fn)

    if points_to_evaluate is not None and trials is not None:
        if getattr(trials, "_hh_open_study", None) is not None:
            if len(trials) == 0:  # a new stored study: the points are queued first
                trials._hh_points = list(points_to_evaluate)
        else:
            warnings.warn(
                "points_to_evaluate is used only when trials is None (Hyperopt's rule); pass "
                "trials=generate_trials_to_calculate(points) to evaluate them first.",
                UserWarning,
                stacklevel=2,
            )
        points_to_evaluate = None
    if allow_trials_fmin and trials is not None and hasattr(trials, "fmin"):
        return trials.fmin(
            fn,
            space,
            algo=algo,
            max_evals=max_evals,
            timeout=timeout,
            loss_threshold=loss_threshold,
            max_queue_len=max_queue_len,
            rstate=rstate,
            pass_expr_memo_ctrl=pass_expr_memo_ctrl,
            verbose=verbose,
            catch_eval_exceptions=catch_eval_exceptions,
            return_argmin=return_argmin,
            show_progressbar=show_progressbar,
            early_stop_fn=early_stop_fn,
            trials_save_file=trials_save_file,
            points_to_evaluate=points_to_evaluate,
        )

    if trials_save_file:
        if trials is not None:
            raise ValueError(
                "trials_save_file keeps the trials itself (a hyperhop journal file that "
                "resumes when it exists): pass either trials= or trials_save_file=, not both."
            )
        from hyperhop.hyperopt.mongoexp import FileTrials

        trials = FileTrials(trials_save_file)
        if points_to_evaluate and len(trials) == 0:
            trials._hh_points = list(points_to_evaluate)
    elif trials is None:
        if points_to_evaluate is None:
            trials = Trials()
        else:
            trials = generate_trials_to_calculate(points_to_evaluate)

    domain = Domain(fn, space, pass_expr_memo_ctrl=pass_expr_memo_ctrl)

    if algo is None:
        from hyperhop.hyperopt import tpe

        algo = tpe.suggest
        warnings.warn("TPE is being used as the default algorithm.", UserWarning, stacklevel=2)
    from hyperhop.hyperopt.loop import run

    if not verbose or show_progressbar is False:
        from hyperhop.hyperopt.progress import no_progress_callback as progress
    elif show_progressbar is True:
        from hyperhop.hyperopt.progress import default_callback as progress
    else:
        progress = show_progressbar
    run(
        domain,
        trials,
        algo,
        max_evals=max_evals,
        rstate=rstate,
        timeout=timeout,
        loss_threshold=loss_threshold,
        catch_eval_exceptions=catch_eval_exceptions,
        max_queue_len=int(max_queue_len),
        progress=progress,
        early_stop_fn=early_stop_fn,
    )
    if return_argmin:
        if len(trials.trials) == 0:
            raise Exception("There are no evaluation tasks, cannot return argmin of task losses.")
        return trials.argmin
    if len(trials) > 0:
        return space_eval(space, trials.argmin)
    return None
