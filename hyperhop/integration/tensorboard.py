"""TensorBoard: each finished trial in the HParams view, its curve in the Scalars view.

``TensorBoardCallback(logdir)`` is a study callback. Each finished trial gets a run
``<logdir>/trial-<number>`` holding the HParams session (the config's values, nested keys
dotted; the trial's state as the session's status: COMPLETE is a success, FAILED a failure,
PRUNED unknown), its objective values as scalars at step 0 (``value``, or the objectives'
names) and its intermediate values as the scalar ``intermediate`` by step. TensorBoard
builds the HParams table from the sessions: ``tensorboard --logdir <logdir>``. Written with
TensorBoard's own event writer: no TensorFlow needed. ``pip install 'hyperhop[tensorboard]'``.

Example:
    >>> import hyperhop as hh, tempfile
    >>> from hyperhop.integration.tensorboard import TensorBoardCallback
    >>> logdir = tempfile.mkdtemp()
    >>> study = hh.Study({"lr": hh.float(1e-4, 1e-1, log=True)}, seed=0)
    >>> _ = study.optimize(lambda c: c["lr"], n_trials=2, progress=False,
    ...                    callbacks=[TensorBoardCallback(logdir)])
"""

from __future__ import annotations

import os
import time
from typing import Any

from hyperhop._lazy import require
from hyperhop.integration._flat import flat_config, objective_names
from hyperhop.trial import Trial, TrialState

__all__ = ["TensorBoardCallback"]


class TensorBoardCallback:
    """Write each finished trial as a TensorBoard HParams session under ``logdir``.

    Args:
        logdir: the directory TensorBoard reads (one run per trial below it).
        intermediate_name: the scalar that holds the intermediate values.
    """

    def __init__(
        self, logdir: str | os.PathLike[str], intermediate_name: str = "intermediate"
    ) -> None:
        require("tensorboard", "tensorboard", "hyperhop.integration.tensorboard")
        self.logdir = os.fspath(logdir)
        self.intermediate_name = intermediate_name

    def __call__(self, study: Any, trial: Trial) -> None:
        from tensorboard.compat.proto import event_pb2, summary_pb2
        from tensorboard.plugins.hparams import api_pb2, metadata, plugin_data_pb2
        from tensorboard.summary.writer.event_file_writer import EventFileWriter

        def hparams_summary(tag: str, data: Any) -> Any:
            value = summary_pb2.Summary.Value(
                tag=tag,
                metadata=metadata.create_summary_metadata(data),
                tensor=metadata.NULL_TENSOR,
            )
            return summary_pb2.Summary(value=[value])

        def scalar(tag: str, v: float) -> Any:
            return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, simple_value=v)])

        start = trial.datetime_start or time.time()
        end = trial.datetime_complete or time.time()
        run = f"trial-{trial.number}"
        begin = plugin_data_pb2.HParamsPluginData(version=metadata.PLUGIN_DATA_VERSION)
        begin.session_start_info.start_time_secs = start
        for k, v in flat_config(_config(trial)).items():
            slot = begin.session_start_info.hparams[k]
            if isinstance(v, bool):
                slot.bool_value = v
            elif isinstance(v, (int, float)):
                slot.number_value = float(v)
            else:
                slot.string_value = "None" if v is None else str(v)
        finish = plugin_data_pb2.HParamsPluginData(version=metadata.PLUGIN_DATA_VERSION)
        finish.session_end_info.status = {
            TrialState.COMPLETE: api_pb2.STATUS_SUCCESS,
            TrialState.FAILED: api_pb2.STATUS_FAILURE,
        }.get(trial.state, api_pb2.STATUS_UNKNOWN)
        finish.session_end_info.end_time_secs = end
        summaries: list[tuple[float, int, Any]] = [
            (start, 0, hparams_summary(metadata.SESSION_START_INFO_TAG, begin))
        ]
        for step, v in sorted(trial.intermediate.items()):
            summaries.append((end, int(step), scalar(self.intermediate_name, float(v))))
        if trial.values is not None:
            names = objective_names(study, len(trial.values))
            for n, v in zip(names, trial.values, strict=True):
                summaries.append((end, 0, scalar(n, float(v))))
        summaries.append((end, 0, hparams_summary(metadata.SESSION_END_INFO_TAG, finish)))
        writer = EventFileWriter(os.path.join(self.logdir, run))
        try:
            for wall, step, summary in summaries:
                writer.add_event(event_pb2.Event(wall_time=wall, step=step, summary=summary))
        finally:
            writer.close()


def _config(trial: Trial) -> Any:
    try:
        return trial.config
    except AttributeError:  # a trial read outside a study: its flat assignment
        return trial.params
