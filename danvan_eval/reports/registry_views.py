"""What the reports say about registry figures that are unknown or estimates (``registry_figures.csv``).

A unit whose population is unknown has the indicators computed from it set aside: its report says so in words,
naming them, and the province report lists every such unit; a figure that is an estimate is called an estimate
("ước tính") wherever a score rests on it. Nothing is shown when every figure is official (2022–2024).
"""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from ..formatting import number
from ..messages import tr
from ..model import groups


def _ids(cell: object) -> list[str]:
    return [i for i in str(cell if pd.notna(cell) else "").split(";") if i]


def _rows(data, unit_code: str | None = None) -> pd.DataFrame:
    table = getattr(data, "registry_figures", None)
    if table is None:
        return pd.DataFrame()
    return table if unit_code is None else table[table["unit_code"].astype(str) == str(unit_code)]


def estimated(data, unit_code: str) -> set[str]:
    """The registry attributes of the unit that are estimates (``population`` …), as the indicator table marks them."""
    mine = _rows(data, unit_code)
    return set(mine.loc[mine["status"] == "estimate", "attribute"]) if len(mine) else set()


def _indicators(data, cell: object, lang: str) -> str:
    labels = data.framework.indicators[f"label_{lang}"]
    return "; ".join(f"{labels.get(i, i)} ({i})" for i in _ids(cell)) or "—"


def unit_figures(data, unit_code: str, lang: str = "vi") -> list:
    """Heading and one paragraph per figure of the unit that is unknown or an estimate; nothing otherwise."""
    mine = _rows(data, unit_code)
    if mine.empty:
        return []
    paragraphs = []
    for r in mine.itertuples(index=False):
        attribute = tr(f"figures.attribute.{r.attribute}", lang)
        paragraphs.append(tr(
            f"report.figure_{r.status}", lang, attribute=attribute, attribute_cap=attribute[:1].upper() + attribute[1:],
            value="" if pd.isna(r.value) else number(r.value, lang, 0), source=r.source if pd.notna(r.source) else "—",
            n=len(_ids(r.indicators)), indicators=_indicators(data, r.indicators, lang),
            composite=tr("figures.composite_scored" if r.composite_scored else "figures.composite_not_scored", lang)))
    if (mine["status"] == "unknown").any():
        paragraphs.append(tr("report.figure_supply", lang))
    return [Markdown(f"### {tr('report.section_registry_figures', lang)}"), Markdown("\n\n".join(paragraphs))]


def province_figures(data, lang: str = "vi") -> list:
    """Heading, one sentence and a table of every unit whose figure is unknown or an estimate; nothing
    otherwise."""
    table = _rows(data)
    if table.empty:
        return []
    scores = data.scores.set_index("unit_code")
    rows = []
    for r in table.itertuples(index=False):
        name = scores["name_en" if lang == "en" else "name_vi"].get(r.unit_code, r.name_vi)
        composite = scores["composite"].get(r.unit_code)
        rows.append({  # the sources, often long, are in each unit's report and in registry_figures.csv
            tr("label.unit", lang): f"{name} ({r.unit_code})",
            tr("report.group", lang): groups.label(r.kind, lang),
            tr("report.figure", lang): tr(f"figures.attribute.{r.attribute}", lang),
            tr("report.figure_status", lang): tr(f"report.figure_status_{r.status}", lang),
            tr("label.value", lang): "—" if pd.isna(r.value) else number(r.value, lang, 0),
            tr("report.figure_indicators", lang): str(len(_ids(r.indicators))),  # named in the unit's report
            tr("label.composite", lang): (tr("label.insufficient_data", lang) if pd.isna(composite)
                                          else number(composite, lang)),
        })
    counts = table.groupby("status")["unit_code"].nunique()
    intro = " ".join([*(tr(f"report.figures_{status}_intro", lang, n=int(counts[status]))
                        for status in ("unknown", "estimate") if status in counts.index),
                      tr("report.figures_sources", lang)])
    return [Markdown(f"### {tr('report.section_registry_figures', lang)}\n\n{intro}"),
            pd.DataFrame(rows).set_index(tr("label.unit", lang))]
