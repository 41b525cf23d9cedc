"""The canonical observations table: reading a year's CSV, validating it (lazily, every problem), typing it.

One row per (year, unit, indicator): ``COLUMNS``. Values are read as text first so that "12,5" or "N/A" in a value
cell is reported with its row and cell instead of crashing the reader; ``check`` returns the typed table only when
``validate`` found nothing, so nothing is ever scored from a table that failed validation.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ValidationError
from ..messages import LANGS, tr
from ..problems import printable, problem, problems_frame
from .framework import Framework
from .units import KINDS, Registry

__all__ = ["COLUMNS", "REQUIRED", "STATUSES", "check", "problem", "read_observations", "validate"]

COLUMNS = ["year", "unit_code", "indicator_id", "value", "status", "source", "n"]
REQUIRED = ["year", "unit_code", "indicator_id", "value", "status"]  # source and n may be left out
STATUSES = ("reported", "missing", "not_applicable")


def read_observations(path: str | Path) -> pd.DataFrame:
    """Read an observations CSV (UTF-8, with or without BOM) as text, keeping each row's number in ``row``.

    Every cell is a stripped string ("" when empty); rows are numbered as a spreadsheet shows them (the header is
    row 1, so the first data row is row 2). Blank rows are dropped but keep the numbering; a short row leaves its
    last cells empty.

    Raises
    ------
    ValidationError
        The file is not UTF-8 (e.g. saved in a Windows Vietnamese code page), or a row has more cells than the
        header (pandas would silently turn the extra cells into an index).
    """
    path = Path(path)
    if not path.is_file():
        raise ValidationError([problem("not_a_file", file=path)], file=path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        row = raw[: err.start].count(b"\n") + 1
        raise ValidationError([problem("not_utf8", file=path, row=row)], file=path) from None
    header, body = _records(text, path)
    too_long = [
        problem("too_many_cells", file=path, row=i, expected=len(header), got=len(r))
        for i, r in body
        if any(c.strip() for c in r[len(header) :])  # trailing empty cells (a stray comma) are harmless
    ]
    if too_long:
        raise ValidationError(too_long, file=path)
    cells = [[c.strip() for c in r[: len(header)]] + [""] * (len(header) - len(r)) for _, r in body]
    df = pd.DataFrame(cells, columns=header, dtype=str)
    df.insert(0, "row", [i for i, _ in body])
    blank = (df.drop(columns="row") == "").all(axis=1)
    return df[~blank].reset_index(drop=True)


def _records(text: str, path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and ``(line, cells)`` of every record; a quote left open, a quoted field running over several
    lines, text after a closing quote or a field over the csv module's limit is refused with its line."""
    header: list[str] = []
    body: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    found, line = [], 0
    while True:
        start = line + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            if "end of data" in str(err):  # strict mode: the file ended inside quotes
                found.append(problem("quote_unclosed", file=path, row=start))
            else:
                code = "field_too_long" if "field limit" in str(err) else "csv_syntax"
                found.append(problem(code, file=path, row=start, detail=printable(str(err))))
            break
        line = reader.line_num
        if line > start:  # one record over several lines: a quote that never closed, or a line break in quotes
            found.append(problem("quote_spans_lines", file=path, row=start, last=line))
            if len(found) >= 20:
                break
        if start == 1 and not header:
            header = [c.strip() for c in record]
        else:
            body.append((start, record))
    if found:
        raise ValidationError(found, file=path)
    return header, body


def row_count_problems(
    obs: pd.DataFrame, framework: Framework, registry: Registry, year: int, file: object = None
) -> pd.DataFrame:
    """A whole file's problems: no row for ``year``, or fewer than half the rows the registry expects (every
    unit valid that year × the indicators of its kind). Not for a single unit's table (the intake's)."""
    years = pd.to_numeric(obs["year"], errors="coerce") if "year" in obs.columns else pd.Series(dtype=float)
    rows = int((years == year).sum())
    active = registry.active(year, framework.deadline)
    expected = int(sum(len(framework.indicator_ids(kind)) for kind in active["kind"]))
    if rows == 0:
        return problems_frame([problem("no_rows", file=file, year=year, expected=expected)])
    if rows < expected / 2:
        return problems_frame([problem("too_few_rows", file=file, year=year, rows=rows, expected=expected,
                                       units=len(active))])
    return problems_frame()


def _text(obs: pd.DataFrame) -> pd.DataFrame:
    """Every column of ``COLUMNS`` present as stripped text ("" for missing), plus ``row``."""
    out = pd.DataFrame(index=obs.index)
    out["row"] = obs["row"].to_numpy() if "row" in obs.columns else np.arange(2, len(obs) + 2)
    for col in COLUMNS:
        if col in obs.columns:
            s = obs[col].astype(object)
            out[col] = s.where(s.notna(), "").astype(str).str.strip()
        else:
            out[col] = ""
    return out


def _letter(position: int) -> str:
    """Spreadsheet column letter of a 0-based position (0 → A, 26 → AA)."""
    name = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        name = chr(65 + rest) + name
    return name


def _fmt(x: float) -> str:
    return str(int(x)) if math.isfinite(x) and x == int(x) else str(x)


def validate(
    obs: pd.DataFrame, framework: Framework, registry: Registry, year: int, file: object = None
) -> pd.DataFrame:
    """Every problem of an observations table for ``year``, in one pass.

    Parameters
    ----------
    obs : as read by ``read_observations`` (text), or an already typed table.
    framework, registry : the loaded framework and registry of units.
    year : the year under evaluation; units must be valid on its deadline.
    file : the file name shown in the problems.

    Returns
    -------
    DataFrame
        A problems table (``problems.PROBLEM_COLUMNS``), sorted by row; empty if the table is valid.
    """
    header = [c for c in obs.columns if c != "row"]
    missing = [c for c in REQUIRED if c not in header]
    twice = [c for c in COLUMNS if header.count(c) > 1]
    if missing or twice:  # the row checks need each column once: report the header alone
        if len(header) == 1 and ";" in str(header[0]):  # saved with semicolons (a Vietnamese Excel's "CSV")
            return problems_frame([problem("semicolon_separator", file=file, row=1)])
        return problems_frame(
            [problem("missing_column", file=file, row=1, column=printable(str(c))) for c in missing]
            + [problem("duplicate_column", file=file, row=1, column=c) for c in twice]
        )
    t = _text(obs)
    letters = {c: _letter(header.index(c)) for c in COLUMNS if c in header}
    found = []

    def report(mask: pd.Series, code: str, column: str | None, **fields) -> None:
        """Add problem ``code`` for every row of ``mask``; a field given as a Series is taken per row."""
        for i in mask[mask].index:
            own = {k: (v[i] if isinstance(v, pd.Series) else v) for k, v in fields.items()}
            row = int(t.at[i, "row"])
            cell = f"{letters[column]}{row}" if column in letters else None
            unit, ind = t.at[i, "unit_code"] or None, t.at[i, "indicator_id"] or None
            found.append((row, problem(code, file=file, row=row, cell=cell, unit=unit, indicator=ind, **own)))

    # year
    years = pd.to_numeric(t["year"], errors="coerce")
    bad_year = years.isna() | (years % 1 != 0)
    report(bad_year, "bad_year", "year", value=t["year"])
    report(~bad_year & (years != year), "other_year", "year", value=t["year"], year=year)

    # unit: known, and valid on the year's deadline
    units = registry.units.set_index("code")
    active = set(registry.active(year, framework.deadline)["code"])
    known = t["unit_code"].isin(units.index)
    report(~known, "unknown_unit", "unit_code")
    inactive = known & ~t["unit_code"].isin(active)
    if inactive.any():
        spans = units.loc[t.loc[inactive, "unit_code"], ["valid_from", "valid_to"]].set_axis(
            t.index[inactive]
        )
        report(
            inactive,
            "unit_inactive",
            "unit_code",
            date=f"{year}-{framework.deadline[0]:02d}-{framework.deadline[1]:02d}",
            valid_from=spans["valid_from"].dt.date.astype(str),
            valid_to=spans["valid_to"].dt.date.astype(str).replace("NaT", "…"),
        )

    # indicator: known (scored or auxiliary), and applying to the unit's kind
    specs = pd.concat(
        [
            framework.indicators[["type", "allow_na", "survey", "applies_to"]],
            framework.auxiliary[["type", "applies_to"]].assign(allow_na=False, survey=False),
        ]
    )
    ind = t["indicator_id"]
    known_ind = ind.isin(specs.index)
    report(~known_ind, "unknown_indicator", "indicator_id", version=framework.version)
    kind = t["unit_code"].map(units["kind"])
    kinds = ind.map(specs["applies_to"])  # a tuple, NaN for an unknown indicator
    applies = pd.Series(
        [isinstance(a, tuple) and k in a for a, k in zip(kinds, kind)], index=t.index, dtype=bool
    )
    wrong_kind = known_ind & known & ~applies
    report(
        wrong_kind,
        "indicator_not_for_kind",
        "indicator_id",
        kind=kind.map({k: {lang: tr(f"kind.{k}", lang) for lang in LANGS} for k in KINDS}),
    )

    # one row per (year, unit, indicator)
    key = pd.DataFrame({"y": years, "u": t["unit_code"], "i": ind})
    first = t.groupby([key["y"], key["u"], key["i"]], dropna=False)["row"].transform("first")
    report(key.duplicated(keep="first"), "duplicate_row", None, first=first)

    # status and value
    status = t["status"]
    report(~status.isin(STATUSES), "unknown_status", "status", value=status, allowed=", ".join(STATUSES))
    has_value = t["value"] != ""
    values = pd.to_numeric(t["value"].where(has_value), errors="coerce")
    numeric = values.notna() & np.isfinite(values.fillna(0))
    reported = status == "reported"
    report(reported & ~has_value, "value_missing", "value")
    report(reported & has_value & ~numeric, "not_numeric", "value", value=t["value"])
    report(
        status.isin(["missing", "not_applicable"]) & has_value,
        "value_not_expected",
        "value",
        status=status,
        value=t["value"],
    )
    allow_na = ind.map(specs["allow_na"]).fillna(True).astype(bool)  # unknown indicators are reported above
    report((status == "not_applicable") & known_ind & ~allow_na, "na_not_allowed", "status")

    # the value must fit the indicator's type
    type_ = ind.map(specs["type"])
    ok = reported & numeric
    shown = values.map(lambda v: _fmt(v) if pd.notna(v) else "")
    report(ok & (type_ == "pct") & ((values < 0) | (values > 100)), "pct_out_of_range", "value", value=shown)
    report(ok & type_.isin(["count", "days"]) & (values < 0), "negative_value", "value", value=shown)
    report(ok & (type_ == "bool") & ~values.isin([0, 1]), "bool_not_01", "value", value=shown)

    # sample size: required for a reported survey share, a positive whole number wherever given
    has_n = t["n"] != ""
    n = pd.to_numeric(t["n"].where(has_n), errors="coerce")
    survey = ind.map(specs["survey"]).fillna(False).astype(bool)
    report(reported & survey & ~has_n, "n_missing", "n")
    report(has_n & ~((n > 0) & (n % 1 == 0)), "n_invalid", "n", value=t["n"])

    found.sort(key=lambda pair: pair[0])  # stable: within a row, in the order of the checks
    return problems_frame(p for _, p in found)


def check(
    obs: pd.DataFrame, framework: Framework, registry: Registry, year: int, file: object = None
) -> pd.DataFrame:
    """The typed observations (``year`` int, ``value`` float, ``status`` categorical, ``n`` Int64).

    Raises
    ------
    ValidationError
        With every problem ``validate`` found; nothing is returned from an invalid table.
    """
    found = validate(obs, framework, registry, year, file=file)
    if len(found):
        raise ValidationError(found, file=file)
    t = _text(obs)
    out = pd.DataFrame(
        {
            "year": pd.to_numeric(t["year"]).astype(int),
            "unit_code": t["unit_code"],
            "indicator_id": t["indicator_id"],
            "value": pd.to_numeric(t["value"].where(t["value"] != "")).astype(float),
            "status": pd.Categorical(t["status"], categories=STATUSES),
            "source": t["source"],
            "n": pd.to_numeric(t["n"].where(t["n"] != ""), errors="coerce").astype("Int64"),
        },
        columns=COLUMNS,
    )
    return out.reset_index(drop=True)
