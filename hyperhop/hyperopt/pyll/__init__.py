"""Hyperopt's ``pyll``: ``scope``, ``as_apply``, ``Literal``, ``rec_eval`` and ``stochastic``."""

from hyperhop.hyperopt.pyll import stochastic
from hyperhop.hyperopt.pyll.base import Apply, Literal, SymbolTable, as_apply, rec_eval, scope

__all__ = ["Apply", "Literal", "SymbolTable", "as_apply", "rec_eval", "scope", "stochastic"]
