"""DeepHyper's ``deephyper.analysis`` helpers used in its tutorials."""
