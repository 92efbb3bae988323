"""DeepHyper's ``deephyper.analysis.hpo``: reading the results DataFrame."""

from __future__ import annotations

from typing import Any


def _failed(column: Any) -> Any:
    return column.map(lambda v: isinstance(v, str) and v.startswith("F"))


def filter_failed_objectives(df: Any) -> tuple[Any, Any]:
    """``(successful rows, failed rows)`` of a results DataFrame."""
    cols = [c for c in df.columns if c == "objective" or c.startswith("objective_")]
    failed = _failed(df[cols[0]])
    ok = df[~failed].copy()
    for c in cols:
        ok[c] = ok[c].astype(float)
    return ok, df[failed]


def get_mask_of_rows_without_failures(df: Any, column: str) -> tuple[bool, Any]:
    """``(any failure, mask of the rows without one)`` for an objective column."""
    failed = _failed(df[column])
    return bool(failed.any()), (~failed).to_numpy()


def parameters_from_row(row: Any) -> dict[str, Any]:
    """The ``p:`` columns of a row, without the prefix."""
    return {
        k[2:]: v.item() if hasattr(v, "item") else v for k, v in row.items() if k.startswith("p:")
    }


def parameters_at_max(df: Any, column: str = "objective") -> tuple[dict[str, Any], float]:
    """The parameters and objective of the best (largest) successful row.

    Example:
        >>> import pandas as pd
        >>> df = pd.DataFrame({"p:x": [1, 2], "objective": [0.5, "F_fail"]})
        >>> parameters_at_max(df)
        ({'x': 1}, 0.5)
    """
    ok, _ = filter_failed_objectives(df)
    if ok.empty:
        raise ValueError("Every job failed: there is no maximum.")
    row = df.astype(object).loc[ok[column].astype(float).idxmax()]  # keeps each column's type
    return parameters_from_row(row), float(row[column])


def parameters_at_topk(
    df: Any, column: str = "objective", k: int = 5
) -> list[tuple[dict[str, Any], float]]:
    """The ``k`` best successful rows as ``(parameters, objective)`` pairs."""
    ok, _ = filter_failed_objectives(df)
    top = ok[column].astype(float).nlargest(k).index
    rows = df.astype(object).loc[top]
    return [(parameters_from_row(r), float(r[column])) for _, r in rows.iterrows()]


__all__ = [
    "filter_failed_objectives",
    "get_mask_of_rows_without_failures",
    "parameters_at_max",
    "parameters_at_topk",
    "parameters_from_row",
]
