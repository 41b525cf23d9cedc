"""The area scores of every unit as a coloured table: the heatmap of ``province.html``.

At 150 units a table reads better on screen than the heatmap picture (``plots.area_heatmap``, kept for the
printed .docx): a unit is found with the browser's search, its scores are text, and the page is a few kilobytes
instead of a half-megabyte image drawn in two seconds. Rows and colours are the picture's: grouped by peer group
(its name and size spanning its rows), best composite first, the composite then the six areas, coloured 0–100
on the same colour-blind-safe scale (viridis); a missing score is a hatched grey cell, never 0.
"""

from __future__ import annotations

import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import to_hex
from pandas.io.formats.style import Styler

from ..formatting import number
from ..messages import tr
from ..model import groups
from . import plots

MISSING_CSS = ("background: repeating-linear-gradient(45deg, #e0e0e0 0 4px, #9e9e9e 4px 5px); "
               "color: #424242;")  # plots.MISSING_STYLE: grey, hatched
DARK_BELOW = 55  # light text on the dark (low) end of the scale, as in the picture


def cell_css(value: float) -> str:
    """The colour of a score's cell: viridis at ``value`` on 0–100, with readable text; hatched grey if missing."""
    if pd.isna(value):
        return MISSING_CSS
    colour = to_hex(colormaps[plots.HEATMAP_CMAP](min(max(float(value), 0.0), 100.0) / 100))
    return f"background-color: {colour}; color: {'white' if value < DARK_BELOW else 'black'};"


def scores_frame(scores: pd.DataFrame, framework, lang: str = "vi") -> pd.DataFrame:
    """The table's numbers: one row per unit indexed by (peer group with its size, unit name), grouped in the
    registry's order of groups and sorted by composite, best first; columns the composite and the areas."""
    areas = list(framework.areas.index)
    data = plots._kind_sorted(scores, "composite", ascending=False)
    sizes = data["kind"].value_counts()
    index = pd.MultiIndex.from_arrays(
        [[f"{groups.label(k, lang)} ({sizes[k]})" for k in data["kind"]], plots._names(data, lang)],
        names=[tr("report.group", lang), tr("label.unit", lang)])
    labels = [tr("label.composite", lang)] + [plots._area_label(framework, a, lang) for a in areas]
    return pd.DataFrame(data[["composite", *areas]].to_numpy(float), index=index, columns=labels)


def heatmap_table(scores: pd.DataFrame, framework, lang: str = "vi") -> Styler:
    """The coloured table of every unit's composite and area scores (``scores_frame``), for a notebook or page."""
    frame = scores_frame(scores, framework, lang)
    missing = tr("label.insufficient_data", lang)
    return (Styler(frame, uuid="heatmap", cell_ids=False)
            .format(lambda v: number(v, lang), na_rep=missing)
            .map(cell_css)
            .set_caption(tr("report.heatmap_key", lang))
            .set_table_attributes('class="dv-heatmap-table"')
            .set_table_styles([{"selector": "td", "props": "text-align: right; padding: 2px 6px;"},
                               {"selector": "th.row_heading", "props": "text-align: left; vertical-align: top;"},
                               {"selector": "th.row_heading.level0", "props": "max-width: 9em; white-space: normal;"},
                               {"selector": "th.row_heading.level1", "props": "white-space: nowrap;"},
                               {"selector": "caption", "props": "caption-side: top; text-align: left;"}]))
