"""The canonical observations table: reading a year's CSV, validating it (lazily, every problem), typing it.

One row per (year, unit, indicator): ``COLUMNS``. Values are read as text first so that "12,5" or "N/A" in a value
cell is reported with its row and cell instead of crashing the reader; ``check`` returns the typed table only when
``validate`` found nothing, so nothing is ever scored from a table that failed validation.
"""

from __future__ import annotations

import csv
import io
import math
import string
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ValidationError
from ..messages import CATALOG, LANGS, tr
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
    if '"' not in text:  # no quoting at all: one line is one record, the C parser reads it (1.5 M rows in ~2 s)
        fast = _read_unquoted(text)
        if fast is not None:
            return fast
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


def _read_unquoted(text: str) -> pd.DataFrame | None:
    """``read_observations`` of a file without quotes, column-wise; None when a row has more cells than the header
    (the line-by-line reader then names them). Repeated texts are held once (categorical, then shared)."""
    try:
        raw = pd.read_csv(io.StringIO(text), header=None, dtype="category", keep_default_na=False, na_values=[],
                          skip_blank_lines=False, quoting=csv.QUOTE_NONE, engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    if raw.empty:
        return None
    header = ["" if pd.isna(c) else str(c).strip() for c in raw.iloc[0]]
    body = raw.iloc[1:]
    df = pd.DataFrame({"row": np.arange(2, len(body) + 2)})
    for position, name in enumerate(header):
        column = body.iloc[:, position]
        stripped = column.cat.rename_categories(column.cat.categories.astype(str).str.strip()) \
            if column.cat.categories.astype(str).str.strip().is_unique else column.astype(str).str.strip()
        values = np.array(stripped, dtype=object)
        values[pd.isna(values)] = ""
        df.insert(len(df.columns), name, values, allow_duplicates=True)
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
    per_kind = active["kind"].value_counts()
    expected = int(sum(n * len(framework.indicator_ids(kind)) for kind, n in per_kind.items()))
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
            # each distinct value stripped once (a million rows hold few distinct years, units, statuses)
            codes, distinct = pd.factorize(obs[col].astype(object), use_na_sentinel=True)
            clean = np.array(["" if pd.isna(v) else str(v).strip() for v in distinct] + [""], dtype=object)
            out[col] = pd.Series(clean.take(codes), index=obs.index, dtype=object)  # -1 (missing) → ""
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
    found: list[pd.DataFrame] = []

    def report(mask: pd.Series, code: str, column: str | None, **fields) -> None:
        """Add problem ``code`` for every row of ``mask``; a field given as a Series is taken per row."""
        if mask.any():
            found.append(_block(t, mask, code, letters.get(column), file, fields))

    # year
    years = _numeric(t["year"])
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
    pairs = [(i, k) for i, kinds in specs["applies_to"].items() if isinstance(kinds, tuple) for k in kinds]
    applies = pd.Series(pd.MultiIndex.from_arrays([ind, kind.fillna("")]).isin(pairs), index=t.index)
    wrong_kind = known_ind & known & ~applies
    report(
        wrong_kind,
        "indicator_not_for_kind",
        "indicator_id",
        kind=kind.map({k: {lang: tr(f"kind.{k}", lang) for lang in LANGS} for k in KINDS}),
    )

    # one row per (year, unit, indicator)
    key = pd.DataFrame({"y": years, "u": t["unit_code"], "i": ind})
    twice = key.duplicated(keep="first")
    if twice.any():
        first = t.groupby([key["y"], key["u"], key["i"]], dropna=False)["row"].transform("first")
        report(twice, "duplicate_row", None, first=first)

    # status and value
    status = t["status"]
    report(~status.isin(STATUSES), "unknown_status", "status", value=status, allowed=", ".join(STATUSES))
    has_value = t["value"] != ""
    values = _numeric(t["value"].where(has_value))
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
    out_of_range = ok & (type_ == "pct") & ((values < 0) | (values > 100))
    negative = ok & type_.isin(["count", "days"]) & (values < 0)
    not_01 = ok & (type_ == "bool") & ~values.isin([0, 1])
    shown = values[out_of_range | negative | not_01].map(_fmt)  # only where a message shows it
    report(out_of_range, "pct_out_of_range", "value", value=shown)
    report(negative, "negative_value", "value", value=shown)
    report(not_01, "bool_not_01", "value", value=shown)

    # sample size: required for a reported survey share, a positive whole number wherever given
    has_n = t["n"] != ""
    n = _numeric(t["n"].where(has_n))
    survey = ind.map(specs["survey"]).fillna(False).astype(bool)
    report(reported & survey & ~has_n, "n_missing", "n")
    report(has_n & ~((n > 0) & (n % 1 == 0)), "n_invalid", "n", value=t["n"])

    if not found:
        return problems_frame()
    # stable: within a row, in the order of the checks
    return problems_frame(pd.concat(found, ignore_index=True).sort_values("row", kind="stable"))


def _numeric(s: pd.Series) -> pd.Series:
    """``pd.to_numeric(s, errors="coerce")``, converting each distinct text once."""
    codes, distinct = pd.factorize(s, use_na_sentinel=True)
    numbers = pd.to_numeric(pd.Series(distinct, dtype=object), errors="coerce").to_numpy(dtype=float)
    return pd.Series(np.append(numbers, np.nan).take(codes), index=s.index)


_FIELDS: dict[str, tuple[str, ...]] = {}


def _template_fields(code: str) -> tuple[str, ...]:
    """The ``{fields}`` the messages of ``problem.<code>`` use, in both languages."""
    if code not in _FIELDS:
        names = {name for lang in LANGS for _, name, _, _ in string.Formatter().parse(CATALOG.texts[lang][f"problem.{code}"])
                 if name}
        _FIELDS[code] = tuple(sorted(names))
    return _FIELDS[code]


def _block(t: pd.DataFrame, mask: pd.Series, code: str, letter: str | None, file: object,
           fields: dict) -> pd.DataFrame:
    """The problems ``code`` of the rows of ``mask`` as a table, built column-wise (a million problems in
    seconds): each distinct combination of the fields a message uses is formatted once."""
    idx = mask.index[mask.to_numpy()]
    rows = t.loc[idx, "row"].astype(int)
    unit = t.loc[idx, "unit_code"]
    ind = t.loc[idx, "indicator_id"]
    values = {"file": None if file is None else str(file), "row": rows, "unit": unit.where(unit != "", None),
              "indicator": ind.where(ind != "", None)}
    values.update({k: v.reindex(idx) if isinstance(v, pd.Series) else v for k, v in fields.items()})
    used = _template_fields(code)
    per_row = [k for k in used if isinstance(values.get(k), pd.Series)]
    if per_row:
        arrays = {k: values[k].to_numpy(dtype=object) for k in per_row}
        keys = pd.DataFrame({k: _hashable(a) for k, a in arrays.items()})
        codes, _ = pd.factorize(pd.util.hash_pandas_object(keys, index=False))
        _, first = np.unique(codes, return_index=True)
    else:
        codes, first = np.zeros(len(idx), dtype=int), np.array([0])
    messages = {lang: [] for lang in LANGS}
    for pos in first:
        own = {k: (arrays[k][pos] if k in per_row else values.get(k)) for k in used}
        for lang in LANGS:
            filled = {k: v[lang] if isinstance(v, dict) and lang in v else v for k, v in own.items()}
            messages[lang].append(tr(f"problem.{code}", lang, **filled))
    return pd.DataFrame({
        "file": values["file"],
        "row": rows.to_numpy(),
        "cell": (letter + rows.astype(str)).to_numpy() if letter else None,
        "unit": values["unit"].to_numpy(),
        "indicator": values["indicator"].to_numpy(),
        "code": code,
        "message_vi": np.asarray(messages["vi"], dtype=object)[codes],
        "message_en": np.asarray(messages["en"], dtype=object)[codes],
    })


def _hashable(values: np.ndarray) -> np.ndarray:
    """Per-language fields (``{"vi": …, "en": …}``) as text, so that rows can be grouped by them."""
    if not any(isinstance(v, dict) for v in values[:1]) and not any(isinstance(v, dict) for v in values[-1:]):
        return values
    return np.array(["\x00".join(map(str, v.values())) if isinstance(v, dict) else v for v in values], dtype=object)


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
