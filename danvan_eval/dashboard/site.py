"""What the kernel-free reviewers' page shows, as JSON made once per year and language from ``outputs/<year>/``.

The page (``static/dashboard.js``) draws the ranking, heatmap, map and profiles from this data and recomputes a
composite with other area weights itself: a weighted mean of the six area scores (``scoring.recompose`` with
``amean``: a unit lacking an area has no composite), the level from the framework's bands (``scoring.classify``),
the rank within the peer group (ties share the best rank). Every official figure and every text is made here,
formatted as the library formats it (``formatting``), in the page's language.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pandas as pd
from matplotlib.colors import to_hex

from ..evaluation import narrative
from ..formatting import number
from ..messages import CATALOG, tr
from ..model.units import default_registry_path, load_registry
from ..paths import PROJECT_ROOT
from ..reports import maps, plots
from .data import YearData, band_labels, on_time_text, value_text

# methods the page can recompute; with another aggregation the sliders are not offered (the official table stays)
PAGE_METHODS = ("amean",)
PAGE_TEXTS = (
    "dashboard.title", "dashboard.tab_ranking", "dashboard.tab_areas", "dashboard.tab_profile", "label.rank",
    "label.tied", "label.unit", "label.composite", "label.band", "label.year", "label.area", "label.indicator", "label.raw",
    "label.score", "label.status", "label.clause", "label.insufficient_data", "dashboard.rank_shift",
    "dashboard.composite_change", "dashboard.rank_change_year", "dashboard.on_time", "dashboard.report",
    "dashboard.open", "dashboard.weights_title", "dashboard.weights_help", "dashboard.weights_reset",
    "dashboard.weights_official", "dashboard.weights_modified", "dashboard.weights_zero", "dashboard.download_csv",
    "dashboard.download_excel", "dashboard.indicators_title", "dashboard.no_report", "dashboard.open_report",
    "page.search", "page.group", "page.district", "page.all", "page.year", "page.signout",
    "page.map", "page.map_measure", "page.map_none", "page.print", "page.loading", "page.busy", "page.summary",
    "page.rank_range", "report.level_certainty", "synthetic.banner", "page.strong", "page.weak", "page.widgets", "page.median",
    "page.trend", "page.heat_legend", "page.rank_of", "page.no_outputs",
)


def page_texts(lang: str) -> dict[str, str]:
    """The page's fixed texts in ``lang`` (keys of the locale catalogs), ``{fields}`` left for the page to fill."""
    return {key: CATALOG.texts[lang][key] for key in PAGE_TEXTS}


def _registry(data: YearData):
    """The registry the year was scored with (its manifest's), else the project's."""
    pinned = data.outputs.manifest.get("inputs", {}).get("units", {}).get("path", "")
    path = Path(pinned) if Path(pinned).is_absolute() else PROJECT_ROOT / pinned
    return load_registry(path if path.is_file() else default_registry_path())


FORMER_DISTRICTS = PROJECT_ROOT / "data" / "reference" / "crosswalks" / "gialai_unit_former_district.csv"


@functools.cache
def former_districts() -> dict[str, str]:
    """New unit (from 2025) → the name of its former district; units spanning several have none (never guessed)."""
    if not FORMER_DISTRICTS.is_file():
        return {}
    table = pd.read_csv(FORMER_DISTRICTS, dtype=str, encoding="utf-8-sig").fillna("")
    return {c: n for c, n in zip(table["unit_code"], table["former_district_name"]) if n}


def _num(x: object, digits: int = 2) -> float | None:
    return None if x is None or pd.isna(x) else round(float(x), digits)




def _group_label(kind: str, lang: str) -> str:
    key = f"kind.{kind}"
    return tr(key, lang) if key in CATALOG else kind


def year_payload(data: YearData, lang: str) -> dict:
    """Everything the page needs for one year in one language (see the module's docstring)."""
    fw = data.framework
    scores = data.outputs.scores.sort_values("unit_code", kind="stable")
    reg = _registry(data).units.set_index("code")
    name_col = "name_en" if lang == "en" else "name_vi"
    bands = fw.bands.sort_values("min", ascending=False)
    colours = {c: to_hex(v) for c, v in plots.band_colours(fw.bands).items()}
    labels = band_labels(fw, lang)
    areas = [a for a in data.areas]
    trend = data.outputs.trend if getattr(data.outputs, "trend", None) is not None else None
    history: dict[str, list] = {}
    if trend is not None and not trend.empty:
        for code, rows in trend.sort_values("year").groupby("unit_code", sort=False):
            history[str(code)] = [[int(y), _num(c, 1)] for y, c in zip(rows["year"], rows["composite"])]
    district_col = next((c for c in ("former_district", "district_code", "parent_code") if c in reg.columns), None)
    figures = _figures(data)
    units = []
    for row in scores.to_dict("records"):
        code = str(row["unit_code"])
        meta = reg.loc[code] if code in reg.index else None
        name = str(meta[name_col]) if meta is not None and pd.notna(meta[name_col]) else str(row["name_vi"])
        peer = row.get("peer_group")
        group = str(peer) if peer is not None and pd.notna(peer) and str(peer) else str(row["kind"])
        district = former_districts().get(code)
        if district is None and district_col and meta is not None and pd.notna(meta[district_col]):
            district = str(meta[district_col])
        units.append({
            "code": code, "name": name, "group": group, "district": district,
            "composite": _num(row["composite"], 6), "composite_text": number(row["composite"], lang),
            "band": row["band"] if pd.notna(row["band"]) else None,
            "rank": int(row["rank"]) if pd.notna(row["rank"]) else None,
            "stable": narrative.stable(row["level_stable"]) if pd.notna(row.get("p_level")) else None,
            "stable_text": narrative.level_label(row, lang),
            "p05": round(row["rank_p05"]) if pd.notna(row.get("rank_p05")) else None,
            "p95": round(row["rank_p95"]) if pd.notna(row.get("rank_p95")) else None,
            "change": number(row.get("composite_change"), lang, sign=True),
            "rank_change": int(row["rank_change"]) if pd.notna(row.get("rank_change")) else None,
            "on_time": on_time_text(row, lang),
            "areas": [_num(row.get(a), 6) for a in areas],
            "report": data.report(code),
            "trend": history.get(code, []),
            "figures": figure_texts(figures.get(code), lang),
        })
    groups = []
    for kind in dict.fromkeys(u["group"] for u in units):
        groups.append({"id": kind, "label": _group_label(kind, lang), "n": sum(u["group"] == kind for u in units)})
    ind_meta, values = _indicators(data, lang)
    return {
        "year": data.year, "lang": lang, "method": data.method,
        "synthetic": data.synthetic,
        "recompute": data.method in PAGE_METHODS,
        "areas": [{"id": a, "label": str(fw.areas.loc[a, f"short_{lang}"]),
                   "name": str(fw.areas.loc[a, f"label_{lang}"]) if f"label_{lang}" in fw.areas.columns
                   else str(fw.areas.loc[a, f"short_{lang}"]),
                   "weight": data.weights[a]} for a in areas],
        "bands": [{"code": c, "min": float(m), "label": labels[c], "colour": colours[c]}
                  for c, m in zip(bands["code"], bands["min"])],
        "groups": groups, "units": units, "map": maps.layer_for(u["code"] for u in units), "indicators": ind_meta, "values": values,
    }


def _figures(data: YearData) -> dict[str, pd.DataFrame]:
    """Unit code → its registry figures that are unknown or estimates (``registry_figures.csv``)."""
    table = getattr(data.outputs, "registry_figures", None)
    return {} if table is None else {str(c): rows for c, rows in table.groupby("unit_code")}


def figure_texts(rows: pd.DataFrame | None, lang: str) -> list[str]:
    """One sentence per registry figure of the unit that is unknown (its indicators not scored) or an estimate."""
    if rows is None:
        return []
    out = []
    for r in rows.itertuples(index=False):
        ids = [i for i in str(r.indicators if pd.notna(r.indicators) else "").split(";") if i]
        attribute = tr(f"figures.attribute.{r.attribute}", lang)
        out.append(tr(f"page.figure_{r.status}", lang, attribute=attribute[:1].upper() + attribute[1:], n=len(ids),
                      value="" if pd.isna(r.value) else number(r.value, lang, 0),
                      source=r.source if pd.notna(r.source) else "—"))
    return out


def _indicators(data: YearData, lang: str) -> tuple[list[dict], dict[str, list]]:
    """The framework's indicators (in its order) and, per unit, [value text, score, status text] for each."""
    fw = data.framework
    order = list(fw.indicators.index)
    meta = [{"id": i, "area": str(fw.indicators.loc[i, "area"]), "label": str(fw.indicators.loc[i, f"label_{lang}"]),
             "clause": str(fw.indicators.loc[i, "clause"]) if pd.notna(fw.indicators.loc[i, "clause"]) else ""}
            for i in order]
    ind = data.outputs.indicators
    values: dict[str, list] = {}
    if ind is None:
        return meta, values
    kinds = fw.indicators["type"].to_dict()
    position = {i: n for n, i in enumerate(order)}
    estimated = {(str(c), i) for c, rows in _figures(data).items() for r in rows.itertuples(index=False)
                 if r.status == "estimate" for i in str(r.indicators if pd.notna(r.indicators) else "").split(";")}
    mark = f" ({tr('report.estimate_mark', lang)})"
    for code, rows in ind.groupby("unit_code", sort=True):
        cells: list = [None] * len(order)
        for r in rows.to_dict("records"):
            n = position.get(r["indicator_id"])
            if n is None:
                continue
            status = str(r["status"])
            on_estimate = (str(code), r["indicator_id"]) in estimated  # scored on an estimated denominator
            cells[n] = [value_text(r["raw"], kinds.get(r["indicator_id"], ""), status, lang),
                        _num(r["score"], 1), tr(f"status.{status}", lang) + (mark if on_estimate else ""), status]
        values[str(code)] = cells
    return meta, values


def dumps(payload: dict) -> str:
    """JSON safe inside a page's ``<script type=application/json>`` too (no ``</``)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
