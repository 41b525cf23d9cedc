"""The registry figures a year's scores rest on that are not official: unknown (never invented) or estimates.

``registry_figures(evaluation)`` names, for each unit of the evaluated year, every dated attribute (population,
number of communes …) that the registry leaves unknown or gives as an estimate on the year's deadline, and the
indicators it touches: set aside when the figure is unknown (status ``unknown_denominator``: not scored, never 0;
the area rests on the other indicators), scored on the estimate when it is one. The run writes the table as
``registry_figures.csv`` (only when there is such a figure), names the units in its summary and its manifest, and
the reports show it. An evaluator supplies a figure, with its source, in the registry's supplements file.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..formatting import number
from ..messages import tr
from .scoring import REGISTRY_DENOMINATORS, Evaluation

COLUMNS = ["kind", "unit_code", "name_vi", "attribute", "status", "value", "source", "confidence", "indicators",
           "composite_scored"]
STATUSES = ("unknown", "estimate")  # the statuses named; an official figure needs no word
LIMIT = 30  # units listed one by one in a summary; beyond, the table has them


def registry_figures(evaluation: Evaluation) -> pd.DataFrame:
    """One row per unit of the evaluated year and attribute whose figure is unknown or an estimate (``COLUMNS``):
    ``indicators`` the ids (``;``-separated, the framework's order) set aside (unknown) or scored on the estimate,
    ``composite_scored`` whether the unit still has a composite. Peer groups in the registry's order, then codes."""
    ev = evaluation
    figures = ev.registry.figures_on(dt.date(int(ev.year), *ev.framework.deadline))
    units = ev.of_year("units").set_index("unit_code")
    figures = figures[figures["status"].isin(STATUSES) & figures["code"].isin(units.index)]
    ind = ev.of_year("indicators")
    rows = []
    for f in figures.itertuples(index=False):
        group = units.at[f.code, "kind"]
        meta = ev.coins[group].meta
        uses = [i for i, d in meta.loc[meta["level"] == 1, "denominator"].items()
                if REGISTRY_DENOMINATORS.get(d) == f.attribute]
        touched = ("unknown_denominator",) if f.status == "unknown" else ("reported", "imputed")
        mine = ind[(ind["unit_code"] == f.code) & ind["indicator_id"].isin(uses) & ind["status"].isin(touched)]
        rows.append({"kind": group, "unit_code": f.code, "name_vi": units.at[f.code, "name_vi"],
                     "attribute": f.attribute, "status": f.status,
                     "value": pd.NA if pd.isna(f.value) else int(f.value), "source": f.source,
                     "confidence": f.confidence, "indicators": ";".join(mine["indicator_id"]),
                     "composite_scored": bool(pd.notna(units.at[f.code, "composite"]))})
    out = pd.DataFrame(rows, columns=COLUMNS).astype({"value": "Int64"})
    order = {g: i for i, g in enumerate(ev.registry.group_ids())}
    return out.sort_values(["kind", "unit_code", "attribute"], key=lambda s: s.map(order) if s.name == "kind" else s,
                           kind="stable").reset_index(drop=True)


def manifest_entry(table: pd.DataFrame | None) -> list[dict]:
    """The manifest's ``registry_figures``: each unit and figure named, with what it did to the scores."""
    if table is None:
        return []
    return [{"unit": r.unit_code, "name": r.name_vi, "attribute": r.attribute, "status": r.status,
             "value": None if pd.isna(r.value) else int(r.value), "source": r.source,
             "indicators": _ids(r.indicators),
             "composite_scored": bool(r.composite_scored)} for r in table.itertuples(index=False)]


def _ids(cell: object) -> list[str]:
    return [i for i in str(cell if pd.notna(cell) else "").split(";") if i]


def describe(table: pd.DataFrame | None, lang: str = "vi", supply: object = "", limit: int = LIMIT) -> list[str]:
    """Lines for the person who ran the year: the units whose figure is unknown (and which indicators were not
    scored), those scored on an estimate, and where to supply a figure; nothing when every figure is official."""
    if table is None or table.empty:
        return []
    lines = []
    for status in STATUSES:
        mine = table[table["status"] == status]
        if mine.empty:
            continue
        attributes = ", ".join(tr(f"figures.attribute.{a}", lang) for a in dict.fromkeys(mine["attribute"]))
        lines.append(tr(f"figures.{status}", lang, n=mine["unit_code"].nunique(), attributes=attributes))
        # the indicators most units share are named once (14 communes × 8 indicators would bury the names)
        common = mine["indicators"].fillna("").mode().iloc[0] if len(mine) > 1 else ""
        if common:
            lines.append(tr("figures.indicators", lang, indicators=", ".join(_ids(common))))
        for r in mine.head(limit).itertuples(index=False):
            ids = _ids(r.indicators)
            lines.append(tr(f"figures.{status}_unit", lang, unit=r.unit_code, name=r.name_vi,
                            attribute=tr(f"figures.attribute.{r.attribute}", lang), n=len(ids),
                            indicators=(tr("figures.as_above", lang) if common and r.indicators == common
                                        else ", ".join(ids) or "—"),
                            value="" if pd.isna(r.value) else number(r.value, lang, 0), source=r.source or "—",
                            composite=tr("figures.composite_scored" if r.composite_scored
                                         else "figures.composite_not_scored", lang)))
        if len(mine) > limit:
            lines.append(tr("figures.more", lang, n=len(mine) - limit))
    if (table["status"] == "unknown").any():
        lines.append(tr("figures.supply", lang, path=supply))
    return lines
