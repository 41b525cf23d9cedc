"""The appraisal table (thẩm định): the Department's decision on each self-assessed value, with its reason.

One row per decision, ``COLUMNS``; append-only: a later appraisal of the same (year, unit, indicator) is a new row,
the latest row wins and the history stays. ``validate`` checks a table lazily (every problem, located);
``latest`` keeps the decision in force per cell; ``apply`` turns the self-assessed observations into the appraised
ones (``adjusted`` → the appraised value; ``rejected`` → no value, "missing"; ``accepted`` → unchanged).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ValidationError
from ..outputs import unneutralise
from ..problems import problem, problems_frame
from .framework import TYPE_RANGE, Framework
from .units import Registry

COLUMNS = ["year", "unit_code", "indicator_id", "reported_value", "appraised_value", "decision", "reason",
           "evidence", "appraiser", "date"]
DECISIONS = ("accepted", "adjusted", "rejected")
KEY = ["year", "unit_code", "indicator_id"]


def empty() -> pd.DataFrame:
    """An appraisal table without rows, typed."""
    return typed(pd.DataFrame(columns=COLUMNS))


def typed(df: pd.DataFrame) -> pd.DataFrame:
    """``year`` int, values float, texts str ("" when empty), in ``COLUMNS`` order."""
    out = df.reindex(columns=COLUMNS).copy()
    out["year"] = pd.to_numeric(out["year"]).astype(int)
    for col in ("reported_value", "appraised_value"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    for col in ("unit_code", "indicator_id", "decision", "reason", "evidence", "appraiser", "date"):
        out[col] = out[col].fillna("").astype(str).str.strip()
    return out.reset_index(drop=True)


def read_appraisal(path: str | Path, framework: Framework, registry: Registry, year: int) -> pd.DataFrame:
    """The appraisal table at ``path`` (empty if the file does not exist yet), validated and typed.

    Raises
    ------
    ValidationError
        With every problem of the table, each at its row and cell.
    """
    path = Path(path)
    if not path.is_file():
        return empty()
    try:
        raw = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise ValidationError([problem("appraisal_unreadable", file=path, detail=type(err).__name__)],
                              file=path) from None
    raw = unneutralise(raw)  # write_csv's guard against formulas
    found = validate(raw, framework, registry, year, file=str(path))
    if len(found):
        raise ValidationError(found, file=path)
    return typed(raw)


def validate(df: pd.DataFrame, framework: Framework, registry: Registry, year: int,
             file: str | None = None) -> pd.DataFrame:
    """Every problem of an appraisal table (text cells) for ``year``: columns, years, units, indicators,
    decisions, values in range, an adjustment or a rejection without a reason."""
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        return problems_frame([problem("missing_column", file=file, row=1, column=c) for c in missing])
    letters = {c: chr(65 + list(df.columns).index(c)) for c in COLUMNS}
    units = set(registry.active(year, framework.deadline)["code"])
    specs = pd.concat([framework.indicators["type"], framework.auxiliary["type"]])
    found = []
    for i, r in enumerate(df[COLUMNS].astype(str).itertuples(index=False), start=2):
        where = {"file": file, "row": i, "unit": r.unit_code.strip() or None, "indicator": r.indicator_id.strip() or None}

        def add(code: str, column: str, **fields) -> None:
            found.append(problem(code, cell=f"{letters[column]}{i}", **where, **fields))  # noqa: B023

        if r.year.strip() != str(year):
            add("other_year", "year", value=r.year, year=year)
        if r.unit_code.strip() not in units:
            add("unknown_unit", "unit_code")
        if r.indicator_id.strip() not in specs.index:
            add("unknown_indicator", "indicator_id", version=framework.version)
        decision = r.decision.strip()
        if decision not in DECISIONS:
            add("appraisal_decision", "decision", value=decision, allowed=", ".join(DECISIONS))
        value = pd.to_numeric(r.appraised_value.strip() or np.nan, errors="coerce")
        if decision == "adjusted":
            kind = specs.get(r.indicator_id.strip())
            if pd.isna(value):
                add("appraisal_value_missing", "appraised_value")
            elif kind is not None and not _in_range(float(value), kind):
                add("appraisal_value_range", "appraised_value", value=r.appraised_value, type=kind)
        elif decision in ("accepted", "rejected") and r.appraised_value.strip():
            reported = pd.to_numeric(r.reported_value.strip() or np.nan, errors="coerce")
            if decision == "rejected" or not (pd.notna(value) and value == reported):
                add("appraisal_value_unexpected", "appraised_value", value=r.appraised_value, decision=decision)
        if decision in ("adjusted", "rejected") and not r.reason.strip():
            add("appraisal_reason_missing", "reason", decision=decision)
        if not r.appraiser.strip():
            add("appraisal_appraiser_missing", "appraiser")
        if pd.isna(pd.to_datetime(r.date.strip(), format="%Y-%m-%d", errors="coerce")):
            add("appraisal_date", "date", value=r.date)
    return problems_frame(found)


def _in_range(value: float, kind: str) -> bool:
    low, high = TYPE_RANGE[kind]
    return low <= value <= high and (kind != "bool" or value in (0, 1)) and (
        kind not in ("count", "days") or float(value).is_integer())


def latest(table: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """The decision in force for each (year, unit, indicator): the last row of the table for it."""
    df = table if year is None else table[table["year"] == year]
    return df.drop_duplicates(KEY, keep="last").reset_index(drop=True)


def append(table: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """``table`` with the rows of ``new`` that change something after it: a row identical to the decision in force
    for its cell (reading the same workbook twice) adds nothing; everything else is a new row."""
    fields = [c for c in COLUMNS if c != "date"]
    current = latest(table).set_index(KEY)[fields[3:]] if len(table) else None
    keep = []
    for rec in new.itertuples(index=False):
        key = (rec.year, rec.unit_code, rec.indicator_id)
        same = current is not None and key in current.index and all(
            _equal(current.at[key, c], getattr(rec, c)) for c in fields[3:])
        keep.append(not same)
    return typed(pd.concat([table, new[np.asarray(keep, dtype=bool)]], ignore_index=True))


def _equal(a: object, b: object) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return (pd.isna(a) and pd.isna(b)) or a == b
    return a == b


def apply(observations: pd.DataFrame, table: pd.DataFrame, year: int) -> pd.DataFrame:
    """The observations with the appraisal of ``year`` applied (other years unchanged)."""
    decided = latest(table, year).set_index(["unit_code", "indicator_id"])
    out = observations.copy()
    key = pd.MultiIndex.from_arrays([out["unit_code"], out["indicator_id"]])
    this_year = (out["year"] == year).to_numpy()
    decision = pd.Series(decided["decision"].reindex(key).to_numpy(), index=out.index).where(this_year)
    value = pd.Series(decided["appraised_value"].reindex(key).to_numpy(), index=out.index)
    adjusted, rejected = decision.eq("adjusted"), decision.eq("rejected")
    out.loc[adjusted, "value"] = value[adjusted]
    status = out["status"].astype(str).where(~adjusted, "reported").where(~rejected, "missing")
    out["status"] = pd.Categorical(status, categories=out["status"].cat.categories
                                   if hasattr(out["status"], "cat") else None)
    out.loc[rejected, "value"] = np.nan
    out.loc[rejected, "n"] = pd.NA
    return out
