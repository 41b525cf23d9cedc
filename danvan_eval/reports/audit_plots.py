"""Figures, labelled and coloured tables of the methodology audit (``notebooks/methodology_audit.ipynb``).

Each figure takes the audit's tables (``evaluation.audit.AuditData``, read back from ``outputs/<Y>/``) and draws on
``ax`` when given, else on a new ``plots.ReportFigure`` (no pyplot state); each ``*_section`` returns what a
notebook cell displays, in order.
Labels go through ``messages.tr``, Vietnamese first.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from IPython.display import Markdown
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from pandas.io.formats.style import Styler

from ..engine.sensitivity import removal_summary
from ..evaluation import narrative
from ..evaluation.audit import AuditData
from ..formatting import number
from ..messages import CATALOG, tr
from ..model import groups
from . import coloured_tables, plots, views

S1_COLOUR, INTERACTION_COLOUR = "#1f4e9c", "#9ecae1"
AREA_COLOUR, INDICATOR_COLOUR = S1_COLOUR, INTERACTION_COLOUR


def _axes(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax
    fig = plots.ReportFigure(figsize=size, layout="constrained")
    return fig, fig.add_subplot()


def _title(ax: Axes, text: str) -> None:
    """The title, wrapped; above the whole figure when the plot is alone in it, so that long tick labels pushing
    the plot aside never push the title past the figure's edge."""
    alone = all(a is ax or a.get_label() == "<colorbar>" for a in ax.figure.axes)
    if alone:
        ax.figure.suptitle(textwrap.fill(text, 70), fontsize=10)
    else:
        ax.set_title(textwrap.fill(text, 70), fontsize=10)


def factor_label(name: str, lang: str = "vi") -> str:
    """The label of a factor of the analysis (its code when it has none)."""
    key = f"uncertainty.factor.{name}"
    return tr(key, lang) if key in CATALOG else name


def code_label(framework, code: str, lang: str = "vi") -> str:
    """Short label of an area, label of an indicator, "composite" for the index."""
    if code in framework.areas.index:
        return str(framework.areas.at[code, f"short_{lang}"])
    if code in framework.indicators.index:
        return str(framework.indicators.at[code, f"label_{lang}"])
    return tr("label.composite", lang)


def _group(kind: str, lang: str) -> str:
    return groups.label(kind, lang)


def _names(df: pd.DataFrame, lang: str) -> list[str]:
    col = "name_en" if lang == "en" and "name_en" in df.columns else "name_vi"
    return [str(n) for n in df[col].fillna(df["unit_code"])]


# ---------------------------------------------------------------- figures
def sobol_chart(sens: pd.DataFrame, kind: str, lang: str = "vi", ax: Axes | None = None) -> Figure:
    """Stacked bars per factor: main effect S1 and interactions ST − S1 (negative estimates drawn as 0, as COINr
    does), with the bootstrap 5–95 % interval of ST."""
    rows = sens[sens["kind"] == kind].reset_index(drop=True)
    fig, ax = _axes(ax, (7.5, 0.45 * len(rows) + 1.4))
    y = np.arange(len(rows))[::-1]
    s1 = rows["S1"].clip(0, 1).fillna(0).to_numpy()
    st = rows["ST"].clip(0, 1).fillna(0).to_numpy()
    ax.barh(y, s1, color=S1_COLOUR, label=tr("uncertainty.s1", lang))
    ax.barh(
        y,
        np.maximum(st - s1, 0),
        left=s1,
        color=INTERACTION_COLOUR,
        label=tr("uncertainty.interactions", lang),
    )
    if {"ST_p05", "ST_p95"} <= set(rows.columns):
        lo = np.clip(rows["ST_p05"].to_numpy(float), 0, 1)
        hi = np.clip(rows["ST_p95"].to_numpy(float), 0, 1)
        ax.errorbar(
            st,
            y,
            xerr=[np.maximum(st - lo, 0), np.maximum(hi - st, 0)],
            fmt="none",
            ecolor="black",
            capsize=3,
            linewidth=0.8,
            label=tr("uncertainty.st", lang) + " 5–95 %",
        )
    ax.set_yticks(y, [factor_label(f, lang) for f in rows["factor"]], fontsize=8)
    ax.set_xlim(0, 1.05)
    ax.set_xlabel(tr("uncertainty.sobol_axis", lang))
    _title(ax, tr("uncertainty.title.sobol", lang, group=_group(kind, lang)))
    plots.legend_below(ax)
    return fig


def band_share_chart(
    uncertainty: pd.DataFrame, framework, kind: str, lang: str = "vi", ax: Axes | None = None
) -> Figure:
    """Share of the draws in which each unit gets each rating (one stacked bar per unit, best median rank
    on top)."""
    rows = uncertainty[uncertainty["kind"] == kind].sort_values(
        ["rank_median", "unit_code"], ascending=[False, True]
    )
    bands = framework.bands.sort_values("min", ascending=False)
    colours = plots.band_colours(bands)
    fig, ax = _axes(ax, (8, 0.32 * len(rows) + 1.6))
    y = np.arange(len(rows))
    left = np.zeros(len(rows))
    for code, label in zip(
        [*bands["code"], "insufficient"], [*bands[f"label_{lang}"], tr("uncertainty.p_insufficient", lang)]
    ):
        share = rows[f"p_{code}"].to_numpy(float)
        style = {"color": colours.get(code, plots.MISSING_STYLE["facecolor"])}
        if code == "insufficient":
            style.update(hatch=plots.MISSING_STYLE["hatch"], edgecolor=plots.MISSING_STYLE["edgecolor"])
        ax.barh(y, share, left=left, label=label, **style)
        left += share
    ax.set_yticks(y, _names(rows, lang), fontsize=8)
    ax.set_ylim(-0.6, len(rows) - 0.4)  # no margin, however many units
    ax.set_xlim(0, 1)
    ax.set_xlabel(tr("uncertainty.share_of_draws", lang))
    _title(ax, tr("uncertainty.title.bands", lang, group=_group(kind, lang), year=int(rows["year"].iloc[0])))
    plots.legend_below(ax, ncol=5)
    return fig


def removal_chart(
    removal: pd.DataFrame, framework, kind: str, lang: str = "vi", top: int = 15, ax: Axes | None = None
) -> Figure:
    """Mean absolute rank shift when each area or indicator is removed (the ``top`` largest), largest first."""
    summary = removal_summary(removal[removal["kind"] == kind].drop(columns="kind"))
    summary = summary.sort_values(["mean_abs_shift", "removed"], ascending=[False, True]).head(top)
    fig, ax = _axes(ax, (8, 0.32 * len(summary) + 1.4))
    y = np.arange(len(summary))[::-1]
    colours = [AREA_COLOUR if level == 2 else INDICATOR_COLOUR for level in summary["level"]]
    ax.barh(y, summary["mean_abs_shift"], color=colours)
    labels = [f"{code_label(framework, c, lang)} ({c})" for c in summary["removed"]]
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlabel(tr("uncertainty.mean_abs_shift", lang))
    ax.legend(
        handles=[
            Patch(color=AREA_COLOUR, label=tr("label.area", lang)),
            Patch(color=INDICATOR_COLOUR, label=tr("label.indicator", lang)),
        ],
        fontsize=7,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.06 - 0.45 / max(fig.get_figheight(), 1)),
        ncol=2,
        frameon=False,
    )
    _title(ax, tr("uncertainty.title.removal", lang, group=_group(kind, lang)))
    return fig


def correlation_table(matrix: pd.DataFrame, framework, kind: str, year: int, lang: str = "vi") -> Styler:
    """Indicators (rows) against the areas and the composite (columns): Pearson correlations as a coloured
    table, −1 red to +1 blue; an indicator's own area is framed; an empty cell means the correlation is undefined
    (no variation)."""
    own = framework.indicators["area"]
    css = matrix.map(correlation_css)
    for code in matrix.index:
        if code in own.index and own[code] in matrix.columns:
            css.at[code, own[code]] += " outline: 2px solid black; outline-offset: -2px;"
    labels = {c: code_label(framework, c, lang) for c in [*matrix.index, *matrix.columns]}
    if len(set(labels.values())) < len(labels):  # a table's cells are found by their labels: make them unique
        labels = {c: f"{label} ({c})" for c, label in labels.items()}
    labelled = matrix.rename(index=labels, columns=labels).rename_axis(index=tr("label.indicator", lang), columns=None)
    css.index, css.columns = labelled.index, labelled.columns
    caption = f"{tr('uncertainty.title.correlation', lang, group=_group(kind, lang), year=year)}. " \
              f"{tr('audit.correlation_key', lang)}"
    return coloured_tables.styled(labelled, css, lambda v: number(v, lang, 2), "", caption, f"correlations-{kind}")


def correlation_css(value: float) -> str:
    """A correlation's cell: red (−1) to blue (+1) on a diverging scale, light text on the dark ends; blank if
    undefined."""
    return "" if pd.isna(value) else coloured_tables.cell_css("RdBu", (value + 1) / 2, abs(value) > 0.6)


# ---------------------------------------------------------------- labelled tables
def _number(x: float, lang: str, digits: int = 2) -> str:
    return number(x, lang, digits)


def sobol_table(sens: pd.DataFrame, kind: str, lang: str = "vi") -> pd.DataFrame:
    """The Sobol indices of one peer group with their bootstrap intervals, one row per factor."""
    rows = sens[sens["kind"] == kind]
    out = pd.DataFrame(
        {
            tr("uncertainty.s1", lang): [
                f"{_number(r.S1, lang)} [{_number(r.S1_p05, lang)}; {_number(r.S1_p95, lang)}]"
                for r in rows.itertuples()
            ],
            tr("uncertainty.st", lang): [
                f"{_number(r.ST, lang)} [{_number(r.ST_p05, lang)}; {_number(r.ST_p95, lang)}]"
                for r in rows.itertuples()
            ],
        },
        index=pd.Index([factor_label(f, lang) for f in rows["factor"]], name=tr("uncertainty.factor", lang)),
    )
    return out


def coherence_table(data: AuditData, kind: str, lang: str = "vi") -> pd.DataFrame:
    """Per area: Cronbach's alpha, correlation with the composite, indicators correlating negatively."""
    fw = data.framework
    rows = data.coherence_areas[
        (data.coherence_areas["kind"] == kind) & (data.coherence_areas["year"] == data.year)
    ]
    return pd.DataFrame(
        {
            tr("uncertainty.alpha", lang): [_number(v, lang) for v in rows["alpha"]],
            tr("uncertainty.r_index", lang): [_number(v, lang) for v in rows["r_index"]],
            tr("uncertainty.negative", lang): [str(int(v)) for v in rows["n_negative"]],
        },
        index=pd.Index([code_label(fw, a, lang) for a in rows["area"]], name=tr("label.area", lang)),
    )


def flagged_table(data: AuditData, lang: str = "vi") -> pd.DataFrame:
    """Indicators that correlate negatively with their own area, in either peer group."""
    fw = data.framework
    rows = data.coherence_indicators[data.coherence_indicators["negative"]]
    return pd.DataFrame(
        {
            tr("uncertainty.group", lang): [_group(k, lang) for k in rows["kind"]],
            tr("label.area", lang): [code_label(fw, a, lang) for a in rows["area"]],
            tr("uncertainty.r_area", lang): [_number(v, lang) for v in rows["r_area"]],
        },
        index=pd.Index(
            [code_label(fw, c, lang) for c in rows["indicator"]], name=tr("label.indicator", lang)
        ),
    )


# ---------------------------------------------------------------- notebook sections
def _kinds(data: AuditData) -> list[str]:
    return data.kinds


def heading(data: AuditData, lang: str = "vi") -> Markdown:
    """Title and how the analysis was run (draws, seed), or why there are no intervals."""
    s = data.settings
    text = f"{views.synthetic_banner(data.synthetic, lang)}# {tr('audit.title', lang, year=data.year)}\n\n"
    if data.uncertainty is None:
        return Markdown(text + tr("audit.no_uncertainty", lang, year=data.year))
    return Markdown(text + tr("audit.intro", lang, draws=s.draws, seed=s.seed))


def _in_sentence(kind: str, lang: str) -> str:
    """The peer group inside a sentence: "khối huyện, thị xã, thành phố" / "districts, towns and city"."""
    name = narrative.group_name(kind, lang)
    return f"khối {name}" if lang == "vi" else name


def sobol_reading(sens: pd.DataFrame, lang: str = "vi") -> str:
    """How to read the Sobol indices, and why an index estimated below zero is read as zero (naming each)."""
    text = tr("audit.read.sobol", lang)
    parts = []
    for col in ("S1", "ST"):
        for r in sens[sens[col] < 0].itertuples():
            parts.append(f"{_in_sentence(r.kind, lang)}: {factor_label(r.factor, lang)}"
                         f" ({col} = {_number(getattr(r, col), lang)})")
    return text + (" " + tr("audit.read.sobol_negative", lang, list="; ".join(parts)) if parts else "")


def coherence_reading(data: AuditData, lang: str = "vi") -> str:
    """How to read the coherence tables; a negative Cronbach's alpha explained and the indicators without any
    variation named, where they occur."""
    fw = data.framework
    n = int(data.scores.groupby("kind")["composite"].count().min())
    parts = [tr("audit.read.coherence", lang, n=n)]
    areas = data.coherence_areas[data.coherence_areas["year"] == data.year]
    negative = areas[areas["alpha"] < 0]
    if len(negative):
        names = [f"{_in_sentence(r.kind, lang)} — {code_label(fw, r.area, lang)} (alpha = {_number(r.alpha, lang)})"
                 for r in negative.itertuples()]
        parts.append(tr("audit.read.alpha_negative", lang, list="; ".join(names)))
    inds = data.coherence_indicators[data.coherence_indicators["year"] == data.year]
    constant = inds[inds["r_area"].isna() & inds["r_index"].isna()]
    if len(constant):
        names = [f"{_in_sentence(r.kind, lang)} — {code_label(fw, r.indicator, lang)}" for r in constant.itertuples()]
        parts.append(tr("audit.read.constant", lang, list="; ".join(names)))
    return "\n\n".join(parts)


def intervals_section(data: AuditData, lang: str = "vi") -> list:
    """Per peer group, the caterpillar chart of the rank intervals and the shares of draws in each rating."""
    if data.uncertainty is None:
        return []
    out: list = [Markdown(f"## {tr('audit.section.intervals', lang)}\n\n{tr('audit.read.intervals', lang)}")]
    unc = data.uncertainty.join(data.scores.set_index("unit_code")[["name_vi", "name_en"]], on="unit_code")
    out.append(levels_paragraph(data, lang))
    for k in _kinds(data):
        mine = data.scores[data.scores["kind"] == k]
        if mine["rank_median"].notna().any():
            out.append(plots.rank_interval_chart(mine, lang))
        out.append(band_share_chart(unc, data.framework, k, lang))
    return out


def levels_paragraph(data: AuditData, lang: str = "vi") -> Markdown:
    """In plain words: level probabilities count the absolute-scale draws only (min-max draws inform the rank
    intervals), what "stable" means, and which units' levels are not stable."""
    unc = data.uncertainty
    n = int(unc["n_level_draws"].max()) if "n_level_draws" in unc.columns else 0
    threshold = number(100 * data.framework.level_stability, lang, 0)
    if n == 0:
        return Markdown(tr("audit.levels_none", lang))
    named = data.scores.drop(columns=["p_level", "level_stable"], errors="ignore").merge(
        unc[["unit_code", "p_level", "level_stable"]], on="unit_code", how="left")
    return Markdown(f"{tr('audit.levels', lang, n=n, threshold=threshold)} "
                    f"{narrative.unstable_levels(named, data.framework, lang)}")


def sobol_section(data: AuditData, lang: str = "vi") -> list:
    """Per peer group, the Sobol chart and table."""
    if data.sensitivity is None:
        return []
    out: list = [Markdown(f"## {tr('audit.section.sobol', lang)}\n\n{sobol_reading(data.sensitivity, lang)}")]
    for k in _kinds(data):
        out += [sobol_chart(data.sensitivity, k, lang), sobol_table(data.sensitivity, k, lang)]
    return out


def removal_section(data: AuditData, lang: str = "vi") -> list:
    """Per peer group, the rank shift when one area or indicator is removed."""
    fw = data.framework
    return [
        Markdown(f"## {tr('audit.section.removal', lang)}\n\n{tr('audit.read.removal', lang)}"),
        *[removal_chart(data.removal, fw, k, lang) for k in _kinds(data)],
    ]


def coherence_section(data: AuditData, lang: str = "vi") -> list:
    """Per peer group, the correlation heatmap and the alpha table; then the flagged indicators."""
    fw = data.framework
    out: list = [Markdown(f"## {tr('audit.section.coherence', lang)}\n\n{coherence_reading(data, lang)}")]
    for k in _kinds(data):
        out += [
            correlation_table(data.correlations[k], fw, k, data.year, lang),
            coherence_table(data, k, lang),
        ]
    return out + [flagged_table(data, lang)]
