"""The matplotlib figures shared by the notebooks, the dashboard and the .docx report.

Every function takes the tables of ``outputs.read_year`` (``scores``, ``trend``) and, where areas or bands are
named, the ``Framework``; it draws on ``ax`` when given, else on a new figure, and returns the ``Figure``.
Figures are ``ReportFigure``s, a ``matplotlib.figure.Figure`` that displays itself as a PNG, built without pyplot
so that no global state leaks between the units of a run or the views of the dashboard, and nothing is shown
twice in a notebook. A missing score (insufficient data) is drawn grey and hatched with its label, never as 0.
Labels go through ``messages.tr``; DejaVu Sans, matplotlib's default font, has every Vietnamese glyph.
"""

from __future__ import annotations

import io
import pickle
import textwrap
from dataclasses import dataclass

import matplotlib.image
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text

from ..errors import DanvanEvalError
from ..evaluation.comparison import group_mean
from ..evaluation.narrative import group_name
from ..formatting import number
from ..messages import tr
from ..model import groups

# Best band first: green → red, the reading order of a traffic light.
BAND_PALETTE = ("#1a9850", "#91cf60", "#fdae61", "#d73027")
MISSING_STYLE = {"facecolor": "#e0e0e0", "edgecolor": "#9e9e9e", "hatch": "///"}
UNIT_COLOUR, PEER_COLOUR = "#1f4e9c", "#8c8c8c"
PEER_LINE = {"color": PEER_COLOUR, "linestyle": "--"}  # the peer group's mean over areas or years
PEER_MARKER = {"color": "black", "marker": "D", "linestyle": "none", "markersize": 5}  # … beside a unit's bar
DPI = 90  # sharp enough on screen, small enough for a report of many figures
HEATMAP_CMAP = "viridis"  # sequential, perceptually uniform, colour-blind safe (purple → yellow)
GROUP_HATCHES = ("", "//", "..", "xx", "\\\\", "++")  # one per peer group on the band distribution
HEATMAP_ROW_IN = 0.22  # inches per row: 7-point labels stay readable at 150 units


# ---------------------------------------------------------------- helpers
class ReportFigure(Figure):
    """A Figure that shows itself as a PNG wherever IPython displays it (notebook, Voila, widget output),
    without pyplot or ``%matplotlib inline``, described by its titles or legend (the ``alt`` of the page's image).

    A figure drawn for many units alike names its shared parts with a key (``frame_key``): the axes, ticks and
    labels are then laid out and drawn once per process and key, and each unit's figure only draws its own
    artists (``own_artists``) over a copy of them (matplotlib's blitting), a fraction of a full draw.
    """

    frame_key: tuple | None = None  # key of the parts shared with other figures (same key, same pixels)
    own_artists: tuple = ()  # the unit's own artists, drawn over the shared parts

    def _repr_png_(self) -> tuple[bytes, dict]:
        """The PNG at ``DPI`` and its ``alt`` text. Drawn once instead of twice (``savefig`` draws a figure with a
        layout engine a first time without output to lay it out; ``FigureCanvasAgg.draw`` lays it out and draws
        it in one pass), or on its shared frame."""
        dpi, self.dpi = self.dpi, DPI
        try:
            canvas = FigureCanvasAgg(self)
            if self.frame_key is None:
                canvas.draw()
            else:
                _draw_on_frame(self, canvas)
            buf = io.BytesIO()
            matplotlib.image.imsave(buf, canvas.buffer_rgba(), format="png", origin="upper", dpi=DPI,
                                  pil_kwargs={"compress_level": 1})  # half the time of the default 6, as small
        finally:
            self.dpi = dpi
        return buf.getvalue(), {"alt": self.description()}

    def description(self) -> str:
        """What the figure shows, in its own words: the axes' titles, else their legends' labels."""
        titles = [a.get_title() for a in self.axes if a.get_title()]
        if titles:
            return " — ".join(titles)
        legends = [a.get_legend() for a in self.axes if a.get_legend()] + self.legends
        return "; ".join(t.get_text() for legend in legends for t in legend.get_texts())


@dataclass
class _Frame:
    """What figures of one key share: the pickled figure holding only the frame (copied in a few ms instead of
    built), and once a figure of the key is drawn, the axes' positions and the frame's pixels."""

    figure: bytes
    positions: list | None = None
    pixels: object | None = None
    titles: list | None = None  # where the layout put each axes' title (it moves clear of the tick labels)


_FRAMES: dict[tuple, _Frame] = {}
# A unit's texts while its key's frame is laid out: as tall as any name's (stacked marks above, ``ỵ``, brackets
# below), so that the frame is the key's alone, whichever unit comes first in a process.
LAYOUT_TEXT = "ẪỖẶ(|)gjpqỵ"
_FRAMES_KEPT = 32


def _framed(ax: Axes | None, key: tuple, size: tuple[float, float], build, polar: bool = False
            ) -> tuple[Figure, Axes]:
    """The figure and axes a unit's figure is drawn on. With ``ax`` given, ``build(ax)`` draws the frame (axes,
    ticks, labels, limits) on it; else a new figure of ``size`` whose frame is built once per process and ``key``
    (everything the frame shows depends on ``key`` alone), then copied. ``share_frame`` names the unit's own
    artists once they are drawn."""
    if ax is not None:
        build(ax)
        return ax.figure, ax
    key = (*key, size)
    if key not in _FRAMES:
        fig, ax = _axes(None, size, polar)
        build(ax)
        if len(_FRAMES) >= _FRAMES_KEPT:
            _FRAMES.pop(next(iter(_FRAMES)))
        _FRAMES[key] = _Frame(pickle.dumps(fig))
    fig = pickle.loads(_FRAMES[key].figure)  # this process's own pickle, never read from outside
    fig.frame_key = key
    return fig, fig.axes[0]


def share_frame(fig: Figure, *extra) -> None:
    """Name the unit's own artists of ``fig`` (made by ``_framed`` without ``ax``), drawn over its key's frame:
    its lines, patches and texts, and ``extra`` ones (e.g. a title naming the unit); the legend is the frame's."""
    if getattr(fig, "frame_key", None) is not None:
        ax = fig.axes[0]
        fig.own_artists = (*ax.patches, *ax.collections, *ax.lines, *ax.texts, *extra)


def _draw_on_frame(fig: ReportFigure, canvas: FigureCanvasAgg) -> None:
    """Draw ``fig``: its frame from the cache (laid out and drawn now when new), then its own artists."""
    frame = _FRAMES.get(fig.frame_key)
    if frame is None or frame.pixels is None:
        texts = {a: a.get_text() for a in fig.own_artists if isinstance(a, Text)}
        for text in texts:  # laid out for the key, not for this unit: the same frame whichever unit comes first
            text.set_text(LAYOUT_TEXT)
        canvas.draw()  # laid out with the unit's own artists, as a figure drawn alone
        fig.set_layout_engine("none")
        placed = {text: text.get_position() for text in texts}  # a title moves when alone
        for artist in fig.own_artists:
            artist.set_visible(False)
        canvas.draw()
        for artist in fig.own_artists:
            artist.set_visible(True)
        for text, xy in placed.items():
            text.set_text(texts[text])
            text.set_position(xy)
        pixels = canvas.copy_from_bbox(fig.bbox)
        if frame is not None:  # None only when evicted since the figure was made
            frame.positions, frame.pixels = [a.get_position(original=False).frozen() for a in fig.axes], pixels
            frame.titles = [a.title.get_position() for a in fig.axes]
    else:
        fig.set_layout_engine("none")
        for ax, position, title in zip(fig.axes, frame.positions, frame.titles):
            ax.set_position(position)
            ax.title.set_position(title)
        pixels = frame.pixels
    renderer = canvas.get_renderer()
    renderer.restore_region(pixels)
    for artist in sorted(fig.own_artists, key=lambda a: a.get_zorder()):
        artist.draw(renderer)
    for ax in fig.axes:  # the axis lines stay over the bars that start on them, as in a full draw
        for spine in ax.spines.values():
            spine.draw(renderer)


def _axes(ax: Axes | None, size: tuple[float, float], polar: bool = False) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax
    fig = ReportFigure(figsize=size, layout="constrained")
    return fig, fig.add_subplot(projection="polar" if polar else None)


def _require(df: pd.DataFrame, columns: tuple[str, ...] | list[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DanvanEvalError(f"Bảng {what} thiếu cột {missing} / the {what} table lacks columns {missing}")


def _unit_row(scores: pd.DataFrame, unit_code: str) -> pd.Series:
    rows = scores[scores["unit_code"].astype(str) == str(unit_code)]
    if rows.empty:
        raise DanvanEvalError(f"{tr('error.unknown_unit_code', 'vi', unit=unit_code)} / "
                              f"{tr('error.unknown_unit_code', 'en', unit=unit_code)}")
    return rows.iloc[0]


def _areas(framework) -> list[str]:
    return [a for a in framework.areas.index]


def _area_label(framework, area: str, lang: str) -> str:
    row = framework.areas.loc[area]
    short = row.get(f"short_{lang}")
    return str(short) if isinstance(short, str) and short else str(row[f"label_{lang}"])


def band_colours(bands: pd.DataFrame) -> dict[str, str]:
    """Band code → colour, best band green to worst red (interpolated when there are not four bands)."""
    codes = list(bands.sort_values("min", ascending=False)["code"])
    if len(codes) == len(BAND_PALETTE):
        return dict(zip(codes, BAND_PALETTE))
    cmap = LinearSegmentedColormap.from_list("bands", BAND_PALETTE)
    steps = np.linspace(0, 1, len(codes)) if len(codes) > 1 else [0.0]
    return {c: cmap(float(s)) for c, s in zip(codes, steps)}


def _bands(framework) -> pd.DataFrame:
    """Bands best first; without a framework, the default one's (the bands of Decree 335 in every version)."""
    if framework is None:
        from ..model.framework import default_framework_path, load_framework

        framework = load_framework(default_framework_path())
    return framework.bands.sort_values("min", ascending=False).reset_index(drop=True)


def _kind_sorted(scores: pd.DataFrame, by: str, ascending: bool) -> pd.DataFrame:
    order = {k: i for i, k in enumerate(groups.order(scores["kind"]))}
    out = scores.assign(_k=scores["kind"].map(order).fillna(len(order)))
    return out.sort_values(["_k", by, "unit_code"], ascending=[True, ascending, True], na_position="last",
                           kind="stable").drop(columns="_k")


def _names(df: pd.DataFrame, lang: str) -> list[str]:
    """Unit names in ``lang``: ``name_en`` when asked for English and present, else ``name_vi``."""
    names = df["name_vi"]
    if lang == "en" and "name_en" in df.columns:
        names = df["name_en"].fillna(names)
    return [str(n) for n in names]


def _missing_legend(lang: str) -> Patch:
    return Patch(label=tr("label.insufficient_data", lang), **MISSING_STYLE)


def _group_lines(ax: Axes, data: pd.DataFrame, y: np.ndarray) -> None:
    """A line between consecutive peer groups of rows ``data`` drawn at heights ``y`` (sorted by group)."""
    kinds = data["kind"].to_numpy()
    for i in np.flatnonzero(kinds[1:] != kinds[:-1]):
        ax.axhline((y[i] + y[i + 1]) / 2, color="black", linewidth=0.8)


def _titled(title: str, data: pd.DataFrame, lang: str) -> str:
    """``title``, naming the peer group when the rows are of one group."""
    kinds = data["kind"].unique()
    return f"{title} — {groups.label(kinds[0], lang)}" if len(kinds) == 1 else title


def _peer_median(scores: pd.DataFrame, kind: str, areas: list[str]) -> pd.Series:
    """The peer group's statistic of each area: the mean (``comparison.STATISTIC``), as in every report."""
    return scores.loc[scores["kind"] == kind, areas].apply(group_mean)


# ---------------------------------------------------------------- figures
def ranking_chart(scores: pd.DataFrame, lang: str = "vi", ax: Axes | None = None, framework=None,
                  ranked: bool = True) -> Figure:
    """Horizontal bars of the composite score by unit, best at the top of each peer group, coloured by band; with
    ``ranked`` False (a year without ranks) the units in code order and titled as levels, not a ranking.

    A unit without a composite (insufficient data) gets a hatched grey bar spanning the axis and its label.
    ``framework`` gives the band colours and names; the default framework's when None.
    """
    _require(scores, ["unit_code", "name_vi", "kind", "composite", "band"], "scores")
    data = _kind_sorted(scores, "composite" if ranked else "unit_code", ascending=not ranked).reset_index(drop=True)
    bands = _bands(framework)
    colours = band_colours(bands)
    fig, ax = _axes(ax, (8, 0.32 * len(data) + 1.4))
    y = np.arange(len(data))[::-1]
    missing = data["composite"].isna().to_numpy()
    scored = data[~missing]  # one call for all bars, not one per unit (a call per bar was most of the chart)
    ax.barh(y[~missing], scored["composite"], color=[colours.get(b, PEER_COLOUR) for b in scored["band"]])
    if missing.any():
        ax.barh(y[missing], 100, **MISSING_STYLE)
    for yi, value in zip(y, data["composite"]):
        if pd.isna(value):
            ax.text(2, yi, tr("label.insufficient_data", lang), va="center", fontsize=8)
        else:
            ax.text(value + 1, yi, number(value, lang), va="center", fontsize=8)
    ax.set_yticks(y, _names(data, lang), fontsize=8)
    _group_lines(ax, data, y)  # the peer groups are ranked separately
    ax.set_ylim(-0.6, len(data) - 0.4)  # no margin above the first bar, however many
    ax.set_xlim(0, 105)
    ax.set_xlabel(tr("label.composite", lang))
    ax.set_title(_titled(tr("plot.ranking_title" if ranked else "plot.levels_title", lang), data, lang))
    handles = [Patch(color=colours[c], label=_band_label(b, lang)) for c, (_, b) in
               zip(bands["code"], bands.iterrows()) if c in set(data["band"].dropna())]
    if data["composite"].isna().any():
        handles.append(_missing_legend(lang))
    # beside the bars, not over them: with no margin the last bars reach the corner (and 80 units score alike)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, title=tr("label.band", lang),
              title_fontsize=7)
    return fig


def _band_label(band: pd.Series, lang: str) -> str:
    label = band.get(f"label_{lang}")
    return str(label) if isinstance(label, str) and label else str(band["code"])


def rank_interval_chart(scores: pd.DataFrame, lang: str = "vi", ax: Axes | None = None) -> Figure:
    """Caterpillar plot: median rank of each unit (dot) and its 90 % interval p05–p95 (line), per peer group."""
    _require(scores, ["unit_code", "name_vi", "kind", "rank_median", "rank_p05", "rank_p95"], "scores")
    data = _kind_sorted(scores.dropna(subset=["rank_median"]), "rank_median", ascending=True).reset_index(drop=True)
    fig, ax = _axes(ax, (8, 0.32 * len(data) + 1.4))
    y = np.arange(len(data))[::-1]
    ax.hlines(y, data["rank_p05"], data["rank_p95"], color=PEER_COLOUR, linewidth=2.5,
              label=tr("plot.rank_interval", lang))
    ax.plot(data["rank_median"], y, "o", color=UNIT_COLOUR, label=tr("plot.rank_median", lang))
    if "rank" in data:
        ax.plot(data["rank"], y, "|", color="black", markersize=10, label=tr("label.rank", lang))
    ax.set_yticks(y, _names(data, lang), fontsize=8)
    _group_lines(ax, data, y)
    ax.set_ylim(-0.6, len(data) - 0.4)
    ax.set_xlim(0.5, max(1.0, float(data["rank_p95"].max())) + 0.5)
    ax.invert_xaxis()  # rank 1 on the right: better is further along, as on the ranking chart
    ax.set_xlabel(tr("label.rank", lang))
    ax.set_title(textwrap.fill(_titled(tr("plot.rank_interval_title", lang), data, lang), 70))
    legend_below(ax)
    return fig


def legend_below(ax: Axes, ncol: int = 3) -> None:
    """The legend under the plot, outside the axes, so that it never hides a unit's marker: under the whole
    figure when the plot is alone in it (whatever its height), else just below the axes."""
    alone = all(a is ax or a.get_label() == "<colorbar>" for a in ax.figure.axes)
    if alone:
        ax.figure.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=ncol, fontsize=7,
                         frameon=False)
    else:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=ncol, fontsize=7, frameon=False)


def rank_interval_charts(scores: pd.DataFrame, lang: str = "vi") -> list[Figure]:
    """One caterpillar chart per peer group (the registry's order) that has rank intervals: each group is ranked
    on its own, and 80 units on one chart would not be read."""
    _require(scores, ["kind", "rank_median"], "scores")
    return [rank_interval_chart(scores[scores["kind"] == k], lang) for k in groups.order(scores["kind"])
            if scores.loc[scores["kind"] == k, "rank_median"].notna().any()]


def area_heatmap(scores: pd.DataFrame, framework, lang: str = "vi", ax: Axes | None = None,
                 sizes: dict[str, int] | None = None) -> Figure:
    """Units × (composite, areas), grouped by peer group and sorted by composite within each group, best first
    (a unit without one last); a header row names each group and its size. Colours on a colour-blind-safe scale
    (viridis) 0–100 with the value written in each cell; a missing score is a hatched grey cell, never 0. The
    height grows with the rows so that 150 units keep readable labels. ``sizes`` gives each group's number of units
    when ``scores`` holds only part of it (a page of the .docx)."""
    areas = _areas(framework)
    _require(scores, ["unit_code", "name_vi", "kind", "composite", *areas], "scores")
    data = _kind_sorted(scores, "composite", ascending=False).reset_index(drop=True)
    columns = ["composite", *areas]
    layout = heatmap_rows(data)
    values = np.full((len(layout), len(columns)), np.nan)
    units = [i for i, r in enumerate(layout) if r is not None]
    values[units] = data.loc[[layout[i] for i in units], columns].to_numpy(float)
    height = HEATMAP_ROW_IN * len(layout) + 2.0
    fig, ax = _axes(ax, (0.95 * len(columns) + 4.2, height))
    cmap = colormaps[HEATMAP_CMAP].with_extremes(bad="white")
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=0, vmax=100, aspect="auto",
                      interpolation="nearest")
    for i in units:
        for j, v in enumerate(values[i]):
            if np.isnan(v):
                ax.add_patch(_cell_patch(j, i))
            else:  # light text on the dark (low) end of the scale
                ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=7, color="white" if v < 55 else "black")
    names = dict(zip(units, _names(data.loc[[layout[i] for i in units]], lang)))
    ax.set_yticks(range(len(layout)), [names.get(i, "") for i in range(len(layout))], fontsize=7)
    for i, r in enumerate(layout):
        if r is None:  # the group's header row, a line above it between groups
            kind = data.at[layout[i + 1], "kind"]
            n = (sizes or {}).get(kind, int((data["kind"] == kind).sum()))
            ax.text(-0.45, i + 0.1, f"{groups.label(kind, lang)} ({n})", ha="left", va="center", fontsize=8,
                    fontweight="bold")
            if i:
                ax.axhline(i - 0.5, color="black", linewidth=1.0)
    ax.axvline(0.5, color="black", linewidth=1.0)  # the composite apart from the areas
    ax.set_xticks(range(len(columns)), [tr("label.composite", lang)] +
                  [_area_label(framework, a, lang) for a in areas], fontsize=7, rotation=30, ha="left")
    ax.xaxis.tick_top()  # the column names stay in view above a long table
    ax.tick_params(axis="y", length=0)
    # a colour bar of fixed size whatever the height of the table
    fig.colorbar(image, ax=ax, location="bottom", label=tr("label.score", lang), fraction=0.35 / height,
                 pad=0.25 / height, aspect=25, shrink=0.6)
    if np.isnan(values[units]).any():
        fig.legend(handles=[_missing_legend(lang)], loc="outside lower right", fontsize=7)
    ax.set_title(tr("plot.heatmap_title", lang))
    return fig


def page_parts(scores: pd.DataFrame, rows: int) -> list[tuple[str | None, pd.DataFrame, int, int]]:
    """``scores`` cut for printed pages (a heatmap, a ranking): all of it when it has at most ``rows`` units,
    else each peer group in parts of at most ``rows`` units, best composite first:
    ``(group or None, part, k, of parts)``."""
    if len(scores) <= rows:
        return [(None, scores, 1, 1)]
    out = []
    for kind in groups.order(scores["kind"]):
        mine = _kind_sorted(scores[scores["kind"] == kind], "composite", ascending=False)
        parts = -(-len(mine) // rows)
        size = -(-len(mine) // parts)  # even parts: 80 units as 40 + 40, not 45 + 35
        out += [(kind, mine.iloc[i * size:(i + 1) * size], i + 1, parts) for i in range(parts)]
    return out


def heatmap_rows(data: pd.DataFrame) -> list[int | None]:
    """The heatmap's rows: for each peer group in turn, a header (None) then its units' positions in ``data``
    (already sorted by group)."""
    out: list[int | None] = []
    for _, mine in data.groupby("kind", sort=False):
        out += [None, *mine.index]
    return out


def _cell_patch(x: float, y: float) -> Rectangle:
    return Rectangle((x - 0.5, y - 0.5), 1, 1, **MISSING_STYLE)


def radar(scores: pd.DataFrame, unit_code: str, framework, lang: str = "vi", ax: Axes | None = None) -> Figure:
    """The unit's six area scores against its peer group's mean; a missing area leaves a gap."""
    areas = _areas(framework)
    unit = _unit_row(scores, unit_code)
    median = _peer_median(scores, unit["kind"], areas)
    angles = np.linspace(0, 2 * np.pi, len(areas), endpoint=False)
    closed = np.append(angles, angles[0])
    labels = [_area_label(framework, a, lang) + ("\n" + tr("label.insufficient_data", lang)
                                                  if pd.isna(unit[a]) else "") for a in areas]
    peer_label = tr("plot.peer_median", lang, group=_kind(unit, lang))
    fig, ax = _framed(ax, ("radar", lang, unit["kind"], *labels), (5.5, 5.5), lambda ax: (
        _radar_frame(ax, labels, angles),
        _peer_legend(ax, PEER_LINE, peer_label, loc="upper center", bbox_to_anchor=(0.5, -0.08))), polar=True)
    peer = np.append(median.to_numpy(float), median.iloc[0])
    ax.plot(closed, peer, **PEER_LINE)
    mine = np.append(unit[areas].to_numpy(float), unit[areas].iloc[0])
    ax.plot(closed, mine, "o-", color=UNIT_COLOUR)  # NaN breaks the line
    if not np.isnan(mine).any():
        ax.fill(closed, mine, color=UNIT_COLOUR, alpha=0.15)
    ax.title.set_text(_names(unit.to_frame().T, lang)[0])  # set_title would compose its transforms again
    share_frame(fig, ax.title)
    return fig


def _radar_frame(ax: Axes, labels: list[str], angles: np.ndarray) -> None:
    """The radar's spokes, each labelled beside it away from the circle, and its rings 0–100."""
    ax.set_xticks(angles, [textwrap.fill(label, 14, break_long_words=False) for label in labels], fontsize=8)
    for label, angle in zip(ax.get_xticklabels(), angles):
        label.set_horizontalalignment("left" if np.cos(angle) > 0.1 else "right" if np.cos(angle) < -0.1 else "center")
        label.set_verticalalignment("bottom" if np.sin(angle) > 0.1 else "top" if np.sin(angle) < -0.1 else "center")
    ax.tick_params(axis="x", pad=4)
    ax.set_ylim(0, 100)
    ax.set_yticks([25, 50, 75, 100], ["25", "50", "75", "100"], fontsize=7)
    ax.set_title("", pad=18)  # the unit's name, clear of the top spokes' labels
    ax.set_rlabel_position(float(np.degrees(angles[1] / 2)) if len(angles) > 1 else 0)  # between two spokes


def _peer_legend(ax: Axes, style: dict, label: str, **where) -> None:
    """The legend of a unit figure, part of its frame: the peer group's mean drawn in ``style``; the unit's own
    bars or line are named by the figure's title."""
    ax.legend(handles=[Line2D([], [], **style)], labels=[label], fontsize=7, **where)


def _kind(unit: pd.Series, lang: str) -> str:
    return group_name(unit["kind"], lang)


def area_bars(scores: pd.DataFrame, unit_code: str, framework, lang: str = "vi", ax: Axes | None = None) -> Figure:
    """The unit's area scores as bars, the peer-group mean as a marker; a missing score is a hatched bar."""
    areas = _areas(framework)
    unit = _unit_row(scores, unit_code)
    median = _peer_median(scores, unit["kind"], areas)
    labels = [_area_label(framework, a, lang) for a in areas]
    y = np.arange(len(areas))[::-1]
    peer_label = tr("plot.peer_median", lang, group=_kind(unit, lang))
    fig, ax = _framed(ax, ("area_bars", lang, unit["kind"], *labels), (7.5, 3.8), lambda ax: (
        _bars_frame(ax, y, labels, lang),  # the legend below the axes, never over a bar
        _peer_legend(ax, PEER_MARKER, peer_label, loc="upper center", bbox_to_anchor=(0.5, -0.2), frameon=False)))
    values = unit[areas].to_numpy(float)
    missing = np.isnan(values)
    ax.barh(y[~missing], values[~missing], color=UNIT_COLOUR)  # one call for all bars: a fifth of one per bar
    if missing.any():
        ax.barh(y[missing], 100, **MISSING_STYLE)
    for yi, value in zip(y, values):
        if np.isnan(value):
            ax.text(2, yi, tr("label.insufficient_data", lang), va="center", fontsize=8)
        else:  # clear of the marker
            ax.text(2, yi, number(value, lang), va="center", color="white", fontsize=8)
    ax.plot(median.to_numpy(float), y, **PEER_MARKER)
    ax.title.set_text(_names(unit.to_frame().T, lang)[0])
    share_frame(fig, ax.title)
    return fig


def _bars_frame(ax: Axes, y: np.ndarray, labels: list[str], lang: str) -> None:
    """Horizontal bars' frame: one row per area (labelled), scores 0–110 (room for the peer marker)."""
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_ylim(-0.6, len(y) - 0.4)
    ax.set_xlim(0, 110)
    ax.set_xlabel(tr("label.score", lang))


def trend_chart(trend: pd.DataFrame, unit_code: str, lang: str = "vi", ax: Axes | None = None) -> Figure:
    """The unit's composite score over the years, with its peer group's mean; a missing year is marked."""
    _require(trend, ["year", "unit_code", "kind", "composite"], "trend")
    mine = trend[trend["unit_code"].astype(str) == str(unit_code)].sort_values("year")
    if mine.empty:
        raise DanvanEvalError(f"{tr('error.unknown_unit_code', 'vi', unit=unit_code)} / "
                              f"{tr('error.unknown_unit_code', 'en', unit=unit_code)}")
    kind = mine["kind"].iloc[-1]
    peers = trend[trend["kind"] == kind].groupby("year")["composite"].apply(group_mean)
    years = sorted(set(trend["year"].astype(int)))
    peer_label = tr("plot.peer_median", lang, group=group_name(kind, lang))
    fig, ax = _framed(ax, ("trend", lang, kind, *years), (7, 3.5), lambda ax: (
        _trend_frame(ax, years, lang),  # the legend below the axes, never over a year's point
        _peer_legend(ax, PEER_LINE, peer_label, loc="upper center", bbox_to_anchor=(0.5, -0.22), frameon=False)))
    ax.plot(peers.index, peers.to_numpy(), **PEER_LINE)
    ax.plot(mine["year"], mine["composite"], "o-", color=UNIT_COLOUR)
    for _, row in mine[mine["composite"].isna()].iterrows():
        ax.axvspan(row["year"] - 0.3, row["year"] + 0.3, **MISSING_STYLE)
        ax.text(row["year"], 50, tr("label.insufficient_data", lang), rotation=90, ha="center", va="center",
                fontsize=7)
    name = _names(mine, lang)[-1] if "name_vi" in mine else str(unit_code)
    ax.title.set_text(f"{tr('plot.trend_title', lang)} — {name}")
    share_frame(fig, ax.title)
    return fig


def _trend_frame(ax: Axes, years: list[int], lang: str) -> None:
    """The years on x (each one ticked), the composite 0–100 on y, titled."""
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlim(min(years) - 0.5, max(years) + 0.5)
    ax.set_ylim(0, 100)
    ax.set_xlabel(tr("label.year", lang))
    ax.set_ylabel(tr("label.composite", lang))


def band_distribution(scores: pd.DataFrame, framework, lang: str = "vi", ax: Axes | None = None) -> Figure:
    """Number of units in each band, per peer group, with "insufficient data" as a category of its own."""
    _require(scores, ["kind", "band"], "scores")
    bands = _bands(framework)
    colours = band_colours(bands)
    kinds = groups.order(scores["kind"])
    cats = [*bands["code"], None]
    fig, ax = _axes(ax, (7.5, 3.8))
    width = 0.8 / max(1, len(kinds))
    x = np.arange(len(cats))
    for i, kind in enumerate(kinds):
        mine = scores[scores["kind"] == kind]["band"]
        counts = [int((mine == c).sum()) if c is not None else int(mine.isna().sum()) for c in cats]
        style = {"color": [colours[c] for c in bands["code"]] + [MISSING_STYLE["facecolor"]],
                 "edgecolor": "black", "hatch": GROUP_HATCHES[i % len(GROUP_HATCHES)]}
        bars = ax.bar(x + (i - (len(kinds) - 1) / 2) * width, counts, width, **style)
        ax.bar_label(bars, fontsize=7)
    labels = [_band_label(b, lang) for _, b in bands.iterrows()] + [tr("label.insufficient_data", lang)]
    ax.set_xticks(x, [textwrap.fill(label, 16) for label in labels], fontsize=8)
    ax.set_ylabel(tr("plot.n_units", lang))
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(tr("plot.band_distribution_title", lang))
    # the peer groups differ by hatch, so their legend shows the hatch alone
    ax.legend(handles=[Patch(facecolor="white", edgecolor="black", hatch=GROUP_HATCHES[i % len(GROUP_HATCHES)],
                             label=groups.label(k, lang)) for i, k in enumerate(kinds)], fontsize=7)
    return fig
