"""The actual results (``results.csv``) as tables of display strings: one table per area, a row per indicator,
a column per peer group and the province; used by the annual .docx and the province report.

A cell reads ``28 → 40`` (last year → this year, over the units that reported the figure in both years), with
``(10/11)`` when some units of the group are not among them; without last year, this year's figure over every unit
that reported it. Counts are sums, shares Σ numerator / Σ denominator, a share without its count the range over
the units (``80%–100%``), a yes/no or days-late figure a number of units.
"""

from __future__ import annotations

import pandas as pd

from ..evaluation.results import PROVINCE
from ..formatting import number, percent
from ..messages import tr
from ..model import groups as peer_groups
from ..model.lineage import REFORM_DATE


def figure(how: str, value: float, low: float = float("nan"), high: float = float("nan"), lang: str = "vi") -> str:
    """One figure as it reads: ``1.234``, ``82,5%``, ``80%–100%``, ``9`` (units)."""
    if how == "share":
        return "—" if pd.isna(low) else (percent(low, lang) if low == high else f"{percent(low, lang)}–{percent(high, lang)}")
    if pd.isna(value):
        return "—"
    if how in ("ratio", "weighted"):
        return percent(value, lang)
    return number(value, lang, 0 if float(value).is_integer() else 1)


def cell(row: pd.Series, lang: str = "vi") -> str:
    """A group's figure: ``before → now`` on the same units when last year is known, else this year's."""
    if row["n_paired"] > 0:
        text = (f"{figure(row['how'], row['before'], row['low_before'], row['high_before'], lang)} → "
                f"{figure(row['how'], row['value_paired'], row['low_paired'], row['high_paired'], lang)}")
        n = int(row["n_paired"])
    else:
        text, n = figure(row["how"], row["value"], row["low"], row["high"], lang), int(row["n_reported"])
    return text if n == int(row["n_units"]) or not n else f"{text} ({n}/{int(row['n_units'])})"


def label(framework, indicator: str, how: str, lang: str = "vi") -> str:
    """The indicator's name with what its figure counts: ``Số hội nghị, buổi tuyên truyền (buổi)``."""
    spec = framework.indicators.loc[indicator]
    what = {"yes": tr("results.units_yes", lang), "on_time": tr("results.units_yes", lang),
            "ratio": "%", "weighted": "%", "share": tr("results.share_range", lang)}.get(how, spec[f"unit_{lang}"])
    if how == "count" and spec["direction"] == -1:  # a count named as an achievement: fewer is the achievement
        what = tr("results.fewer_better", lang, unit=what)
    return f"{spec[f'label_{lang}']} ({what})"


def area_tables(table: pd.DataFrame | None, framework, lang: str = "vi") -> dict[str, pd.DataFrame]:
    """``{area: table}``: per area, a row per indicator and a column per peer group, then the province."""
    if table is None or table.empty:
        return {}
    groups = [*peer_groups.order(set(table["group"]) - {PROVINCE}), PROVINCE]
    head = tr("results.figure", lang)
    out = {}
    for area, mine in table.groupby("area", sort=False):
        rows = []
        for ind, r in mine.groupby("indicator_id", sort=False):
            by = r.set_index("group")
            row = {head: label(framework, ind, by["how"].iloc[0], lang)}
            for g in groups:
                name = tr("label.province", lang) if g == PROVINCE else peer_groups.label(g, lang)
                row[name] = cell(by.loc[g], lang) if g in by.index else "—"
            rows.append(row)
        frame = pd.DataFrame(rows).set_index(head)
        frame.index.name, frame.columns.name = None, head
        out[str(area)] = frame
    return {a: out[a] for a in framework.areas.index if a in out}


def note(year: int, lang: str = "vi") -> str:
    """How to read the results tables; when last year is the year of the reform, that its counts cover only the
    months from 1 July."""
    text = tr("results.note", lang, year=year, last=year - 1)
    return text + (" " + tr("results.partial_year", lang, year=year - 1) if year - 1 == REFORM_DATE.year else "")
