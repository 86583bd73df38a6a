"""Markdown tables for the generated sections of docs/statistics.md (no tabulate dependency)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def cell(v) -> str:
    """Numbers with 3 significant digits (0 and NaN as such), everything else as text."""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        if np.isnan(v):
            return "nan"
        if np.isinf(v):
            return "inf" if v > 0 else "-inf"
        return f"{v:.3g}"
    if v is None or v is pd.NA:
        return ""
    return str(v).replace("|", "\\|")


def markdown(df: pd.DataFrame) -> str:
    """A GitHub markdown table of ``df`` (numbers right-aligned)."""
    numeric = [pd.api.types.is_numeric_dtype(df[c]) for c in df.columns]
    head = "| " + " | ".join(str(c) for c in df.columns) + " |"
    rule = "|" + "|".join("---:" if n else ":---" for n in numeric) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([head, rule, *body])
