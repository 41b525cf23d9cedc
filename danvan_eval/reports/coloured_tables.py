"""Coloured tables: a heatmap whose cells are text, for the HTML reports.

At 150 units a table reads better on screen than a heatmap picture: a unit is found with the browser's search,
its numbers are text, and the page carries a few kilobytes instead of an image drawn in seconds. The province
report shows every unit's area scores so (``area_scores``; the picture ``plots.area_heatmap`` stays in the
printed .docx and the widget dashboard), the methodology audit its correlations (``audit_plots``).
"""

from __future__ import annotations

from collections.abc import Callable

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
DARK_BELOW = 55  # light text on the dark (low) end of the scores' scale, as in the picture


def styled(frame: pd.DataFrame, css: pd.DataFrame, text: Callable[[float], str], na_rep: str, caption: str,
           name: str) -> Styler:
    """``frame``'s numbers written by ``text`` (``na_rep`` when missing) in cells styled by ``css`` (same shape),
    captioned above; ``name`` names the table's class and CSS ids, so that a page is the same every run."""
    return (Styler(frame, uuid=name, cell_ids=False)
            .format(text, na_rep=na_rep)
            .apply(lambda _: css, axis=None)
            .set_caption(caption)
            .set_table_attributes(f'class="dv-{name}"')
            .set_table_styles([{"selector": "td", "props": "text-align: right; padding: 2px 6px;"},
                               {"selector": "th.row_heading", "props": "text-align: left; vertical-align: top;"},
                               {"selector": "caption", "props": "caption-side: top; text-align: left;"}]))


def cell_css(cmap: str, position: float, dark: bool) -> str:
    """A cell coloured by the colour map ``cmap`` at ``position`` (0–1, clipped), its text white on a ``dark``
    colour, else black."""
    colour = to_hex(colormaps[cmap](min(max(float(position), 0.0), 1.0)))
    return f"background-color: {colour}; color: {'white' if dark else 'black'};"


def score_css(value: float) -> str:
    """The colour of a score's cell: viridis at ``value`` on 0–100, with readable text; hatched grey if missing."""
    return MISSING_CSS if pd.isna(value) else cell_css(plots.HEATMAP_CMAP, value / 100, value < DARK_BELOW)


def scores_frame(scores: pd.DataFrame, framework, lang: str = "vi") -> pd.DataFrame:
    """The area scores' numbers: one row per unit indexed by (peer group with its size, unit name), grouped in
    the registry's order of groups and sorted by composite, best first, as in the picture; columns the composite
    and the areas."""
    areas = list(framework.areas.index)
    data = plots._kind_sorted(scores, "composite", ascending=False)
    sizes = data["kind"].value_counts()
    index = pd.MultiIndex.from_arrays(
        [[f"{groups.label(k, lang)} ({sizes[k]})" for k in data["kind"]], plots._names(data, lang)],
        names=[tr("report.group", lang), tr("label.unit", lang)])
    labels = [tr("label.composite", lang)] + [plots._area_label(framework, a, lang) for a in areas]
    return pd.DataFrame(data[["composite", *areas]].to_numpy(float), index=index, columns=labels)


def area_scores(scores: pd.DataFrame, framework, lang: str = "vi") -> Styler:
    """Every unit's composite and area scores (``scores_frame``) coloured 0–100 on the colour-blind-safe scale
    of the picture (viridis); a missing score is a hatched grey cell saying so, never 0."""
    frame = scores_frame(scores, framework, lang)
    table = styled(frame, frame.map(score_css), lambda v: number(v, lang), tr("label.insufficient_data", lang),
                   tr("report.heatmap_key", lang), "area-scores")
    return table.set_table_styles([  # the group's name narrow beside its rows, a unit's name on one line
        {"selector": "th.row_heading.level0", "props": "max-width: 9em; white-space: normal;"},
        {"selector": "th.row_heading.level1", "props": "white-space: nowrap;"}], overwrite=False)
