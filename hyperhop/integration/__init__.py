"""Callbacks for training frameworks and experiment trackers, one module per library.

Each module imports its library only when used (``pip install 'hyperhop[xgboost]'`` and so
on): :mod:`~hyperhop.integration.lightning`, :mod:`~hyperhop.integration.keras`,
:mod:`~hyperhop.integration.xgboost`, :mod:`~hyperhop.integration.lightgbm` report a
metric as the trial's intermediate values and stop training the framework's own way when
the study's pruner says so; :mod:`~hyperhop.integration.mlflow`,
:mod:`~hyperhop.integration.tensorboard` and :mod:`~hyperhop.integration.wandb` log
finished trials (study callbacks, ``study.optimize(..., callbacks=[...])``).
"""
