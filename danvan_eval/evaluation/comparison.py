"""Changes since last year, like for like: a group's change is computed on the units scored in both years.

A group mean over this year's units minus a mean over last year's units compares two different sets of units
whenever one unit lacks a score in either year, and can get the sign wrong. Every change of a group (peer group,
province, area) in the reports goes through ``paired_change``; the group statistic is the mean (``STATISTIC``),
the same in every output.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

STATISTIC = "mean"  # the one statistic of every group comparison (the reports say "bình quân" / "mean")


@dataclass(frozen=True)
class PairedChange:
    """A group's mean this year and last year over the ``n`` units scored in both years."""

    n: int
    now: float
    before: float

    @property
    def change(self) -> float:
        return self.now - self.before if self.n else float("nan")


def group_mean(values: pd.Series) -> float:
    """The group statistic of every comparison (the mean of the scored units; NaN when none is scored)."""
    return float(pd.to_numeric(values, errors="coerce").mean())


def paired_change(now: pd.DataFrame, before: pd.DataFrame | None, column: str) -> PairedChange:
    """Mean of ``column`` this year and last year over the units (``unit_code``) scored in both years.

    ``now`` and ``before`` hold the same group's units of each year (any other rows are the caller's filter);
    a unit counts only when ``column`` has a value in both tables.
    """
    if before is None or column not in before.columns or column not in now.columns:
        return PairedChange(0, float("nan"), float("nan"))
    a = now.dropna(subset=[column]).drop_duplicates("unit_code").set_index("unit_code")[column]
    b = before.dropna(subset=[column]).drop_duplicates("unit_code").set_index("unit_code")[column]
    both = a.index.intersection(b.index)
    if both.empty:
        return PairedChange(0, float("nan"), float("nan"))
    return PairedChange(len(both), group_mean(a[both]), group_mean(b[both]))
