"""What the reports show across the 1 July 2025 reform, from the continuity tables of a run (from 2025).

A new unit's report shows its former district's 2022–2024 results as the context of its territory, labelled as
the district's, never as the unit's own past; the province report and the .docx show the province series on the
indicators whose definition did not change, with the break at 1 July 2025 marked. Composite scores are never
part of these tables. Each function returns what a notebook displays (nothing when the year has no continuity).
"""

from __future__ import annotations

import functools
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import Markdown

from ..evaluation.continuity import BINH_DINH, FIRST_NEW_YEAR, FORMER_PROVINCE_CODE, GIA_LAI
from ..formatting import MISSING, number, percent
from ..messages import tr
from ..outputs import CONTINUITY, file_stamp, unneutralise
from .views import Table

TEXT_COLUMNS = ("territory", "measure", "unit_code", "unit_name", "former_province_code", "former_district_code",
                "former_district_name", "former_district_codes", "source")
BREAK = "‖"


def read_continuity(outputs_dir: str | Path, year: int) -> dict[str, pd.DataFrame]:
    """The continuity tables a run wrote for ``year`` (codes kept as text); empty when it wrote none.

    Read once per process while the files are unchanged (path, time, size, inode): every unit report of a run
    reads the same tables. Each call gets its own tables (shallow copies: pandas copies on write)."""
    folder = Path(outputs_dir) / str(year)
    try:
        stamps = tuple(file_stamp(folder / f"{name}.csv") for name in CONTINUITY)
    except FileNotFoundError:
        return {}
    return {name: table.copy(deep=False) for name, table in _read(stamps).items()}


@functools.lru_cache(maxsize=2)
def _read(stamps: tuple) -> dict[str, pd.DataFrame]:
    return {name: unneutralise(pd.read_csv(stamp[0], encoding="utf-8-sig", dtype={c: str for c in TEXT_COLUMNS}))
            for name, stamp in zip(CONTINUITY, stamps)}


def former_district_context(tables: dict[str, pd.DataFrame], unit_code: str, lang: str = "vi") -> list:
    """The section of a new unit's report on its former district: heading, table (indicator × year, the break
    marked), notes. A unit of former Gia Lai, or one spanning districts, gets a sentence saying why there is no
    context; a unit not in the crosswalk (a provincial agency) gets nothing."""
    if not tables:
        return []
    units = tables["former_districts"]
    hits = np.flatnonzero(units["unit_code"].to_numpy() == str(unit_code))
    if not len(hits):
        return []
    u = units.iloc[hits[0]]
    if u["former_province_code"] != FORMER_PROVINCE_CODE or bool(u["spans"]):
        key = "continuity.spans" if bool(u["spans"]) else "continuity.not_evaluated"
        return [Markdown(tr(key, lang, unit=u["unit_name"], districts=str(u["former_district_codes"]).replace("|", ", ")))]
    district = str(u["former_district_name"])
    rows = tables["continuity_districts"]
    rows = rows[rows["territory"].to_numpy() == u["former_district_code"]]
    n = int((units["former_district_code"].to_numpy() == u["former_district_code"]).sum())
    heading = Markdown(f"### {tr('report.section_former_district', lang, district=district)}")
    table = _wide(rows, tables["continuity_measures"], lang)
    notes = [tr("continuity.district_note", lang, district=district, n=n, unit=u["unit_name"])]
    return [heading, table, Markdown(" ".join(notes + _notes(rows, table, lang)))]


def province_series(tables: dict[str, pd.DataFrame], lang: str = "vi") -> list:
    """The province report's section: heading, the series 2022→ on the comparable indicators (former Bình Định
    throughout, the new Gia Lai from 2025) as a table of display strings with the break marked, notes."""
    if not tables:
        return []
    series, measures = tables["continuity_province"], tables["continuity_measures"]
    parts = []
    for territory in (BINH_DINH, GIA_LAI):
        wide = _wide(series[series["territory"] == territory], measures, lang)
        wide.index = [f"{tr(f'continuity.territory_{territory}', lang)} — {i}" for i in wide.index]
        parts.append(wide)
    table = pd.concat(parts)
    if BREAK in table.columns:
        table[BREAK] = BREAK
    table = table.fillna("")  # the new province has no value before the reform
    table.index.name = tr("label.indicator", lang)
    last = int(series["year"].max()) if len(series) else FIRST_NEW_YEAR
    notes = [tr("continuity.province_note", lang, n=_n_districts(series)), *_notes(series, table, lang)]
    return [Markdown(f"### {tr('report.section_continuity', lang, year=last)}"), table, Markdown(" ".join(notes))]


def _wide(rows: pd.DataFrame, measures: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Indicator × year of display strings, a break column between 2024 and 2025; an incomplete sum shows
    how many units reported (``k/n``)."""
    about = dict(zip(measures["measure"], zip(measures[f"label_{lang}"], measures[f"unit_{lang}"], measures["kind"])))
    years = sorted(rows["year"].unique())
    columns = [_year_label(y, lang) for y in years if y < FIRST_NEW_YEAR]
    after = [_year_label(y, lang) for y in years if y >= FIRST_NEW_YEAR]
    if columns and after:
        columns.append(BREAK)
    columns += after
    table: dict[str, dict[str, str]] = {}  # built as dicts: setting DataFrame cells one by one is slow
    listed = zip(*(rows[c].tolist() for c in ("measure", "year", "value", "complete", "n_reported", "n_units")))
    # by measure, each measure's rows in the table's order, as groupby("measure") gives them (without a measure:
    # left out)
    by_measure = itertools.groupby(sorted((r for r in listed if not pd.isna(r[0])), key=lambda r: r[0]),
                                   key=lambda r: r[0])
    for measure, of in by_measure:
        label, unit, kind = about[measure]
        table[f"{label} ({unit})"] = row = {c: BREAK if c == BREAK else MISSING for c in columns}
        for _, year, value, complete, n_reported, n_units in of:
            text = percent(value, lang) if kind != "count" else number(value, lang, digits=0)
            if not complete and pd.notna(value):
                text += f" ({int(n_reported)}/{int(n_units)})"
            row[_year_label(year, lang)] = text
    if table:
        out = Table(list(table.values()), index=pd.Index(list(table)), columns=columns)
    else:
        out = Table(index=[], columns=columns, dtype=object)
    out.index.name = tr("label.indicator", lang)
    return out


def _n_districts(series: pd.DataFrame) -> int:
    before = series[(series["territory"] == BINH_DINH) & ~series["after_reform"].astype(bool)]
    return int(before["n_units"].max()) if len(before) else 0


def _year_label(year: int, lang: str) -> str:
    return tr("continuity.partial_year", lang, year=year) if year == FIRST_NEW_YEAR else str(year)


def _notes(rows: pd.DataFrame, table: pd.DataFrame, lang: str) -> list[str]:
    notes = []
    if (rows["year"] == FIRST_NEW_YEAR).any():
        notes.append(tr("continuity.partial_note", lang))
    if (~rows["complete"].astype(bool) & rows["value"].notna()).any():
        notes.append(tr("continuity.incomplete_note", lang))
    if (table.to_numpy() == MISSING).any():
        notes.append(tr("continuity.missing_note", lang, missing=MISSING))
    return notes
