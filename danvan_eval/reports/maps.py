"""The boundaries of the reporting units (``data/geo/``, see its README): projected once, drawn as SVG paths by
the dashboard's page and as a matplotlib choropleth for the reports.

Two layers: the 11 former districts of Bình Định (2022–2024) and the 135 communes and wards of Gia Lai (from
2025); ``layer_for`` picks the one that holds a year's unit codes. The projection is equirectangular, scaled by
the cosine of the middle latitude: at this size it is indistinguishable from any other.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath

from ..messages import tr
from ..model import groups
from ..paths import PROJECT_ROOT
from .plots import MISSING_STYLE, ReportFigure, _band_label, _bands

GEO = PROJECT_ROOT / "data" / "geo"
LAYERS = {
    "districts": GEO / "binhdinh_districts_2025-06-30_from_communes.geojson",
    "communes": GEO / "gialai_communes_2025-07-01.geojson",
}
WIDTH = 1000.0  # the SVG's width in its own units; the height follows the layer's shape


def _rings(geometry: dict) -> list[list[list[float]]]:
    polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [ring for poly in polys for ring in poly]


@functools.cache
def layer(name: str) -> dict:
    """``{"width", "height", "shapes": [{"code", "name", "rings": [[(x, y), …], …]}]}`` in SVG units (y down)."""
    data = json.loads(LAYERS[name].read_text(encoding="utf-8"))
    points = [p for f in data["features"] for ring in _rings(f["geometry"]) for p in ring]
    lon0, lon1 = min(p[0] for p in points), max(p[0] for p in points)
    lat0, lat1 = min(p[1] for p in points), max(p[1] for p in points)
    k = math.cos(math.radians((lat0 + lat1) / 2))
    scale = WIDTH / ((lon1 - lon0) * k)
    height = round((lat1 - lat0) * scale, 1)

    def xy(p: list[float]) -> tuple[float, float]:
        return round((p[0] - lon0) * k * scale, 1), round((lat1 - p[1]) * scale, 1)

    shapes = [{"code": str(f["properties"]["code"]), "name": f["properties"]["name"],
               "rings": [[xy(p) for p in ring] for ring in _rings(f["geometry"])]} for f in data["features"]]
    return {"width": WIDTH, "height": height, "shapes": shapes}


def layer_for(codes: Iterable[str]) -> str | None:
    """The layer holding most of ``codes`` (None when no unit has a shape, e.g. the provincial agencies)."""
    codes = set(map(str, codes))
    found = {name: len(codes & {s["code"] for s in layer(name)["shapes"]}) for name in LAYERS}
    best = max(found, key=found.get)
    return best if found[best] else None


def _path(rings: list[list[tuple[float, float]]]) -> str:
    return "".join("M" + "L".join(f"{x:g} {y:g}" for x, y in ring) + "Z" for ring in rings)


@functools.cache
def svg_layer(name: str, lang: str) -> str:
    """A layer as JSON for the page: the view box, one SVG path per unit, and the credits (with the licence
    caveat of ``data/geo/README.md``)."""
    data = layer(name)
    shapes = [{"code": s["code"], "name": s["name"], "d": _path(s["rings"])} for s in data["shapes"]]
    return json.dumps({"layer": name, "width": data["width"], "height": data["height"], "shapes": shapes,
                       "credit": tr(f"map.credit_{name}", lang)}, ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------- the static map of the reports
CMAP = "viridis"  # sequential, colour-blind safe, readable in grey; the dashboard's page uses the same colours
OUTSIDE = "#f2f2f2"  # a shape with no unit of the year


def _measure(measure: str, lang: str) -> str:
    return tr("label.band" if measure == "band" else "label.composite", lang)


def choropleth(scores: pd.DataFrame, framework=None, lang: str = "vi", measure: str = "composite",
               ax: Axes | None = None) -> ReportFigure | None:
    """The year's composite score (``measure="composite"``) or level (``"band"``) of every unit that has a shape,
    on the layer holding the year's units; None when none has one (e.g. the provincial agencies alone).

    Colours: viridis over the observed range (composite) or one step of viridis per level, best brightest; a unit
    without a score is hatched grey, never coloured as 0; a shape without a unit of the year is pale. Each unit is
    one ``PathPatch`` whose ``gid`` is its code. The colour bar and the legend sit outside the map.
    """
    name = layer_for(scores["unit_code"])
    if name is None:
        return None
    data = layer(name)
    shaped = {s["code"] for s in data["shapes"]}
    by_code = scores.assign(unit_code=scores["unit_code"].astype(str)).set_index("unit_code")
    by_code = by_code[by_code.index.isin(shaped)]  # the range and the legend are those of the units drawn
    if ax is None:
        fig = ReportFigure(figsize=(7.5, 7.5 * data["height"] / data["width"] + 0.8), layout="constrained")
        ax = fig.add_subplot()
    fig = ax.figure
    if measure == "band":
        bands = _bands(framework)  # best first
        colours = colormaps[CMAP](np.linspace(0.95, 0.1, len(bands)))
        colour_of = dict(zip(bands["code"], colours))
        value = by_code["band"]
    else:
        value = pd.to_numeric(by_code["composite"], errors="coerce")
        known = value.dropna()
        lo, hi = (math.floor(known.min()), math.ceil(known.max())) if len(known) else (0, 100)
        norm = Normalize(lo, max(hi, lo + 1))
        cmap = colormaps[CMAP]
    missing = False
    for shape in data["shapes"]:
        path = MplPath.make_compound_path(*[MplPath(ring, closed=True) for ring in shape["rings"]])
        code = shape["code"]
        v = value.get(code, np.nan) if code in by_code.index else None
        if v is None:
            style = {"facecolor": OUTSIDE, "edgecolor": "#bdbdbd"}
        elif pd.isna(v) or (measure == "band" and v not in colour_of):
            style, missing = {**MISSING_STYLE}, True
        else:
            style = {"facecolor": colour_of[v] if measure == "band" else cmap(norm(float(v))), "edgecolor": "white"}
        # add_artist, not add_patch: the limits are the layer's (below), and add_patch would walk every curve of
        # every shape to widen them (most of the map's time)
        ax.add_artist(PathPatch(path, linewidth=0.4, gid=code, **style))
    ax.set_xlim(0, data["width"])
    ax.set_ylim(data["height"], 0)  # y grows downwards in the layer
    ax.set_aspect("equal")
    ax.set_axis_off()
    handles = [Patch(label=tr("label.insufficient_data", lang), **MISSING_STYLE)] if missing else []
    if measure == "band":
        present = set(value.dropna())
        handles = [Patch(facecolor=colour_of[c], label=_band_label(b, lang))
                   for c, (_, b) in zip(bands["code"], bands.iterrows()) if c in present] + handles
    else:
        fig.colorbar(ScalarMappable(norm, cmap), ax=ax, label=_measure(measure, lang), shrink=0.7)
    if handles:  # below the map, never over it
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0), ncols=min(len(handles), 3),
                  fontsize=7, frameon=False)
    ax.set_title(tr("map.title", lang, measure=_measure(measure, lang)))
    return fig


def caption(scores: pd.DataFrame, year: int, lang: str = "vi", measure: str = "composite") -> str | None:
    """What the map shows, which units it leaves out (they have no shape: the provincial agencies, the former
    departments) and the boundaries' credits with the licence caveat; None when there is no map."""
    name = layer_for(scores["unit_code"])
    if name is None:
        return None
    shaped = {s["code"] for s in layer(name)["shapes"]}
    off = scores[~scores["unit_code"].astype(str).isin(shaped)]
    text = tr("map.caption", lang, measure=_measure(measure, lang), year=year, layer=tr(f"map.layer_{name}", lang))
    if len(off):
        kinds = "; ".join(f"{groups.label(k, lang)} ({int((off['kind'] == k).sum())})"
                          for k in groups.order(off["kind"]))
        text += " " + tr("map.off_map", lang, units=kinds)
    return f"{text} {tr(f'map.credit_{name}', lang)}"
