"""DeepHyper <= 0.7's import path ``deephyper.search``: use :mod:`hyperhop.deephyper.hpo`."""
