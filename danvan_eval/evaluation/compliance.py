"""Reporting compliance (plan, section III): who reported, on time or how late, and how completely.

Like DHIS2's reporting rates: every unit expected in the year counts, whether or not anything arrived.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .scoring import Evaluation

COLUMNS = ["year", "unit_code", "name_vi", "kind", "received", "reported", "days_late", "on_time", "completeness_pct"]


def deadline(year: int, month_day: tuple[int, int] = (11, 25)) -> dt.date:
    """The reporting deadline of a year (25 November by the plan)."""
    return dt.date(year, *month_day)


def compliance(evaluation: Evaluation, submissions: pd.DataFrame | None, year: int | None = None) -> pd.DataFrame:
    """One row per unit expected in ``year``: arrival date, days late (≤ 0 is on time), completeness in %.

    Completeness = applicable indicators reported ÷ applicable indicators (not-applicable ones leave both).
    An original report's date counts for timeliness; a later correction does not make a report late.
    """
    year = evaluation.year if year is None else year
    units = evaluation.of_year("units", year)[["year", "unit_code", "name_vi", "kind"]]
    due = deadline(year, tuple(evaluation.framework.deadline))
    received = _first_received(submissions, year)
    out = units.merge(received, on="unit_code", how="left")

    ind = evaluation.of_year("indicators", year)
    applicable = ind[ind["status"] != "not_applicable"]
    done = applicable.assign(ok=applicable["status"] == "reported").groupby("unit_code")["ok"].agg(["sum", "count"])
    out["completeness_pct"] = out["unit_code"].map(100 * done["sum"] / done["count"]).round(1)
    out["reported"] = out["received"].notna() | (out["completeness_pct"] > 0)
    days = (pd.to_datetime(out["received"]) - pd.Timestamp(due)).dt.days
    out["days_late"] = days.astype("Int64")
    out["on_time"] = (days <= 0).where(days.notna(), other=np.nan).astype("boolean")
    return out[COLUMNS]


def _first_received(submissions: pd.DataFrame | None, year: int) -> pd.DataFrame:
    if submissions is None or submissions.empty:
        return pd.DataFrame({"unit_code": pd.Series(dtype=str), "received": pd.Series(dtype=str)})
    sub = submissions[submissions["year"].astype(int) == year].copy()
    if "correction" in sub.columns:
        originals = sub[~sub["correction"].astype(str).str.lower().isin(["true", "1"])]
        sub = originals if not originals.empty else sub
    sub["received"] = pd.to_datetime(sub["received"]).dt.strftime("%Y-%m-%d")
    return sub.groupby("unit_code", as_index=False)["received"].min()


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per peer group and for the province: expected, received, on time, complete (100 %) and their rates."""
    def one(df: pd.DataFrame) -> dict:
        n = len(df)
        counts = {
            "expected": n,
            "received": int(df["reported"].sum()),
            "on_time": int(df["on_time"].fillna(False).sum()),
            "complete": int((df["completeness_pct"] >= 100).sum()),
        }
        rates = {f"{k}_pct": round(100 * v / n, 1) if n else np.nan for k, v in counts.items() if k != "expected"}
        return {**counts, **rates}

    rows = [{"group": kind, **one(df)} for kind, df in table.groupby("kind", sort=True)]
    rows.append({"group": "province", **one(table)})
    return pd.DataFrame(rows)
