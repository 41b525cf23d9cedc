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

from ..messages import tr
from ..paths import PROJECT_ROOT

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
