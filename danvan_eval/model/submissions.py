"""The submissions table: when each unit's report arrived (``year, unit_code, received, source, correction``).

Written by ``intake`` from the templates' cover sheets, or by hand. Read and validated like the observations:
every problem at once, each with its file and row, in Vietnamese and English.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import ValidationError
from ..problems import Problem
from .units import Registry

COLUMNS = ["year", "unit_code", "received", "source", "correction"]
REQUIRED = ["year", "unit_code", "received"]
TRUE, FALSE = {"true", "1", "có", "yes"}, {"false", "0", "không", "no", ""}


def read_submissions(path: Path, registry: Registry, year: int) -> pd.DataFrame:
    """Read a submissions CSV (UTF-8, with or without BOM) and return it typed, or raise every problem.

    Checks: required columns; rows of the file's year only; a unit of the registry valid that year; ``received``
    an ISO date (``2024-11-20``); ``correction`` yes or no.
    """
    path = Path(path)
    try:
        df = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, OSError) as err:
        detail = type(err).__name__
        raise ValidationError([_problem(path, None, None, "unreadable", f"Không đọc được tệp ({detail})",
                                        f"The file cannot be read ({detail})")], file=path) from None
    problems = [
        _problem(path, 1, None, "missing_column", f"Thiếu cột '{c}'", f"Missing column '{c}'")
        for c in REQUIRED
        if c not in df.columns
    ]
    if problems:
        raise ValidationError(problems, file=path)
    valid = set(registry.active(year)["code"])
    for i, r in enumerate(df.itertuples(index=False), start=2):  # row 1 is the header
        unit = r.unit_code.strip()
        if r.year.strip() != str(year):
            problems.append(_problem(path, i, unit, "wrong_year", f"Dòng của năm '{r.year}', tệp là của năm {year}",
                                     f"Row of year '{r.year}' in the file of {year}"))
        if unit not in valid:
            problems.append(_problem(path, i, unit, "unknown_unit",
                                     f"Đơn vị '{unit}' không có trong danh mục năm {year}",
                                     f"Unit '{unit}' is not in the registry for {year}"))
        if pd.isna(pd.to_datetime(r.received.strip(), format="%Y-%m-%d", errors="coerce")):
            problems.append(_problem(path, i, unit, "bad_date",
                                     f"Ngày nhận '{r.received}' không đúng dạng NĂM-THÁNG-NGÀY (ví dụ 2024-11-20)",
                                     f"Received date '{r.received}' is not YEAR-MONTH-DAY (e.g. 2024-11-20)"))
        flag = str(getattr(r, "correction", "")).strip().lower()
        if flag not in TRUE | FALSE:
            problems.append(_problem(path, i, unit, "bad_bool", f"Cột correction phải là có/không, gặp '{flag}'",
                                     f"Column correction must be yes/no, found '{flag}'"))
    if problems:
        raise ValidationError(problems, file=path)
    out = df.reindex(columns=COLUMNS, fill_value="")
    out["year"] = out["year"].astype(int)
    out["unit_code"] = out["unit_code"].str.strip()
    out["received"] = out["received"].str.strip()
    out["correction"] = out["correction"].str.strip().str.lower().isin(TRUE)
    return out


def _problem(path: Path, row: int | None, unit: str | None, code: str, vi: str, en: str) -> Problem:
    return Problem(file=str(path), row=row, unit=unit or None, code=code, message_vi=vi, message_en=en)
