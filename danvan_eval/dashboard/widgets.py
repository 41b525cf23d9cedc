"""The reviewers' dashboard: ipywidgets classes that ``notebooks/dashboard.ipynb`` shows and Voila serves.

One page: pick a year and a peer group; see the ranking (one HTML table: a redraw is one message to the browser,
not one per cell), the areas, one unit's profile; move the six area weights and see ranks and ratings recomputed
(``dashboard_data.ranking``). Figures are drawn only when their tab is shown. Elements carry stable ``dv-*`` CSS
classes so that the browser test can find them.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
from collections.abc import Callable, Mapping
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from ..errors import DanvanEvalError
from ..formatting import number
from ..messages import LANGS, tr
from ..model import groups
from ..outputs import available_years
from ..reports import plots
from .data import (
    COLUMNS,
    CSS,
    ENV_OUTPUTS,
    DashboardData,
    YearData,
    band_labels,
    columns,
    download_links,
    indicator_table,
    on_time_text,
    png,
    ranking,
    sort_frame,
    table_html,
)

__all__ = ["ENV_OUTPUTS", "AreaView", "Dashboard", "DashboardData", "RankingTable", "UnitProfile", "WeightPanel",
           "ranking", "serve"]


YEARS_CHECK_S = 30.0  # how often a kernel (a preheated one waiting in the pool too) looks for newly scored years


# ---------------------------------------------------------------- widgets
def _hook(widget: widgets.Widget, name: str) -> widgets.Widget:
    """Give ``widget`` a stable CSS class (``dv-*``): the browser test finds elements by it."""
    widget.add_class(name)
    return widget


def _guard(fn: Callable[[], None], on_error: Callable[[Exception], None] | None) -> Callable[[object], None]:
    """An observer calling ``fn``; a failure goes to ``on_error`` (Voila shows no traceback to the reader)."""

    def observer(_change: object = None) -> None:
        if on_error is None:
            fn()
            return
        try:
            fn()
        except Exception as err:  # noqa: BLE001 - shown on the page instead of lost in the kernel log
            on_error(err)

    return observer


def _image(name: str) -> widgets.Image:
    """A figure's place: shown at its drawn size, narrowed (never stretched) to the page's width."""
    return _hook(widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto")), name)


def _set_options(widget: widgets.Widget, options: list[tuple[str, object]], value: object) -> None:
    """New (label, value) options keeping ``value`` when still offered (ipywidgets resets it to the first)."""
    values = [v for _, v in options]
    widget.options = options
    widget.value = value if value in values else values[0]


def _close(widget: widgets.Widget) -> None:
    """Close ``widget``, its children, layouts and styles (each one a widget the front end holds)."""
    for child in getattr(widget, "children", ()):
        _close(child)
    for part in (getattr(widget, "layout", None), getattr(widget, "style", None)):
        if isinstance(part, widgets.Widget):
            part.close()
    widget.close()


class WeightPanel(widgets.VBox):
    """One slider per area and a reset to the official weights; ``on_change(fn)`` is told of every move."""

    def __init__(self) -> None:
        super().__init__(layout=widgets.Layout(margin="0 0 8px 0"))
        self.add_class("dv-weights")
        self.title = widgets.HTML()
        # sliders in columns above the table, which keeps the whole width
        self.grid = widgets.GridBox(layout=widgets.Layout(grid_template_columns="repeat(auto-fill, minmax(450px, 1fr))"))
        self.reset = _hook(widgets.Button(icon="undo", layout=widgets.Layout(width="auto")), "dv-weights-reset")
        self.status = _hook(widgets.HTML(), "dv-weights-status")
        self.sliders: dict[str, widgets.FloatSlider] = {}
        self.readouts: dict[str, widgets.HTML] = {}  # the weights written the reader's way ("1,5", not "1.5")
        self.lang = "vi"
        self.official: dict[str, float] = {}
        self._callbacks: list = []
        self._quiet = False
        self.reset.on_click(lambda _: self.set(self.official))
        self.children = [self.title, self.grid,
                         widgets.HBox([self.reset, self.status], layout=widgets.Layout(align_items="center"))]

    @property
    def weights(self) -> dict[str, float]:
        return {a: float(s.value) for a, s in self.sliders.items()}

    @property
    def modified(self) -> bool:
        return self.weights != self.official

    def configure(self, data: YearData, lang: str) -> None:
        """Sliders for ``data``'s areas (kept, with their values, when the areas are the same), in ``lang``."""
        self.official = dict(data.weights)
        if list(self.sliders) != data.areas:
            for row in self.grid.children:  # the previous areas' rows: closed, not left open in the kernel
                _close(row)
            top = max(3.0, 3 * max(self.official.values()))
            self.sliders = {
                a: _hook(widgets.FloatSlider(value=self.official[a], min=0, max=top, step=0.1, readout=False,
                                             continuous_update=False, style={"description_width": "15.5em"},
                                             layout=widgets.Layout(width="400px")), f"dv-weight-{a}")
                for a in data.areas
            }
            self.readouts = {a: _hook(widgets.HTML(layout=widgets.Layout(width="3em")), f"dv-weight-value-{a}")
                             for a in data.areas}
            for s in self.sliders.values():
                s.observe(self._moved, "value")
            self.grid.children = [widgets.HBox([self.sliders[a], self.readouts[a]],
                                               layout=widgets.Layout(align_items="center")) for a in self.sliders]
        for a, s in self.sliders.items():
            s.description = str(data.framework.areas.loc[a, f"short_{lang}"])
            s.description_allow_html = False
        self.title.value = f"<b>{html.escape(tr('dashboard.weights_title', lang))}</b> — " \
                           f"{html.escape(tr('dashboard.weights_help', lang))}"
        self.reset.description = tr("dashboard.weights_reset", lang)
        self.lang = lang
        self.describe(lang)

    def describe(self, lang: str) -> None:
        """Say whether the official weights are in use (the table is then the official result), and each weight."""
        self.lang = lang
        for a, s in self.sliders.items():
            self.readouts[a].value = number(s.value, lang)
        key = "dashboard.weights_modified" if self.modified else "dashboard.weights_official"
        if not any(self.weights.values()):
            key = "dashboard.weights_zero"
        self.status.value = f'<span class="dv-status {"dv-notice" if self.modified else ""}">' \
                            f'{html.escape(tr(key, lang))}</span>'

    def set(self, weights: Mapping[str, float]) -> None:
        """Move every slider at once; listeners hear one change."""
        self._quiet = True
        try:
            for a, s in self.sliders.items():
                s.value = float(weights.get(a, s.value))
        finally:
            self._quiet = False
        self._fire()

    def on_change(self, fn) -> None:
        self._callbacks.append(fn)

    def _moved(self, _change) -> None:
        for a, s in self.sliders.items():
            self.readouts[a].value = number(s.value, self.lang)
        if not self._quiet:
            self._fire()

    def _fire(self) -> None:
        for fn in self._callbacks:
            fn()


class RankingTable(widgets.VBox):
    """The ranking of one peer group as a single HTML table, sortable by any column."""

    def __init__(self, on_error: Callable[[Exception], None] | None = None) -> None:
        super().__init__()
        self.add_class("dv-ranking")
        self.summary = _hook(widgets.HTML(), "dv-summary")
        self.sort = _hook(widgets.Dropdown(options=[("", "rank")], style={"description_width": "initial"},
                                           layout=widgets.Layout(width="360px")), "dv-sort")
        self.order = _hook(widgets.ToggleButtons(options=[("", True), (" ", False)]), "dv-order")
        self.order.style.button_width = "7em"
        self.html = _hook(widgets.HTML(), "dv-ranking-table")
        self.downloads = _hook(widgets.HTML(), "dv-downloads")
        self.children = [self.summary, widgets.HBox([self.sort, self.order]), self.html, self.downloads]
        self._args: tuple | None = None
        self.sort.observe(_guard(self._draw, on_error), "value")
        self.order.observe(_guard(self._draw, on_error), "value")

    def show(self, frame: pd.DataFrame, data: YearData, lang: str, weights: Mapping[str, float]) -> None:
        """Draw ``frame`` (a ``ranking`` with ``weights``), keeping the reader's sort column and order."""
        self._args = None  # relabelling the controls must not redraw the previous table
        modified = dict(weights) != data.weights
        shown = [c for c in columns(frame, modified) if COLUMNS[c][1]]
        _set_options(self.sort, [(tr(COLUMNS[c][0], lang), c) for c in shown], self.sort.value)
        self.sort.description = tr("dashboard.sort_by", lang)
        _set_options(self.order, [(tr("dashboard.ascending", lang), True), (tr("dashboard.descending", lang), False)],
                     self.order.value)
        n, ranked = len(frame), int(frame["composite"].notna().sum())
        text = tr("dashboard.summary", lang, year=data.year, n=n, ranked=ranked,
                  kind=groups.label(frame["kind"].iloc[0], lang)) if n else tr("dashboard.no_units", lang, year=data.year)
        if n > ranked:
            text += " " + tr("dashboard.unranked", lang, n=n - ranked)
        self.summary.value = f"<b>{html.escape(text)}</b>"
        self._args = (frame, data, lang, dict(weights))
        self._draw()

    def _draw(self) -> None:
        if self._args is None:
            return
        frame, data, lang, weights = self._args
        sort, ascending = self.sort.value, self.order.value
        self.html.value = table_html(sort_frame(frame, sort, ascending), data, lang, weights != data.weights)
        kind = str(frame["kind"].iloc[0]) if len(frame) else ""
        self.downloads.value = download_links(data.year, kind, lang, weights, sort, ascending, data.synthetic) \
            if kind else ""


class AreaView(widgets.VBox):
    """The heatmap of units × areas, the units per band and, when computed, the rank intervals."""

    def __init__(self) -> None:
        super().__init__()
        self.add_class("dv-areas")
        self.heatmap = _image("dv-heatmap")
        self.bands = _image("dv-bands")
        self.intervals = _image("dv-intervals")
        self._keys: dict[str, object] = {}

    def show(self, frame: pd.DataFrame, data: YearData, lang: str, weights: Mapping[str, float]) -> None:
        """Redraw what changed: the heatmap with year, group or language; the bands with the weights too."""
        key = (data.year, frame["kind"].iloc[0], lang)
        if self._keys.get("heatmap") != key:
            self.heatmap.value = png(plots.area_heatmap(frame, data.framework, lang))
            self._keys["heatmap"] = key
        if self._keys.get("bands") != (key, tuple(weights.items())):
            self.bands.value = png(plots.band_distribution(frame, data.framework, lang))
            self._keys["bands"] = (key, tuple(weights.items()))
        has = {"rank_median", "rank_p05", "rank_p95"} <= set(frame.columns) and frame["rank_median"].notna().any()
        if has and self._keys.get("intervals") != key:
            self.intervals.value = png(plots.rank_interval_chart(frame, lang))
            self._keys["intervals"] = key
        self.children = [self.heatmap, self.bands] + ([self.intervals] if has else [])


class UnitProfile(widgets.VBox):
    """One unit: its result, a radar against its peer group's median, its trend and its indicators."""

    def __init__(self, on_error: Callable[[Exception], None] | None = None) -> None:
        super().__init__()
        self.add_class("dv-profile")
        self.unit = _hook(widgets.Dropdown(layout=widgets.Layout(width="420px")), "dv-profile-unit")
        self.header = _hook(widgets.HTML(), "dv-profile-header")
        self.radar = _image("dv-profile-radar")
        self.trend = _image("dv-profile-trend")
        self.indicators = _hook(widgets.HTML(), "dv-profile-indicators")
        self.children = [self.unit, self.header, widgets.HBox([self.radar, self.trend], layout=widgets.Layout(flex_flow="row wrap")), self.indicators]
        self._args: tuple | None = None
        self._key: object = None
        self.unit.observe(_guard(self._draw, on_error), "value")

    def show(self, frame: pd.DataFrame, data: YearData, lang: str) -> None:
        self._args = None
        _set_options(self.unit, list(zip(frame["name_vi"].astype(str), frame["unit_code"])), self.unit.value)
        self.unit.description = tr("label.unit", lang)
        self._args = (frame, data, lang)
        self._draw()

    def _draw(self) -> None:
        if self._args is None:
            return
        frame, data, lang = self._args
        code = self.unit.value
        row = frame[frame["unit_code"] == code].iloc[0]
        band = band_labels(data.framework, lang).get(row["band"], tr("label.insufficient_data", lang))
        rank = tr("dashboard.rank_of", lang, rank=row["rank"], n=row["n_ranked"]) if pd.notna(row["rank"]) else ""
        link = data.report(code)
        report = (f'<a class="dv-report-link" href="{link}" target="_blank" rel="noopener">'
                  f'{html.escape(tr("dashboard.open_report", lang))}</a>' if link
                  else html.escape(tr("dashboard.no_report", lang)))
        composite = number(row["composite"], lang) if pd.notna(row["composite"]) else tr("label.insufficient_data", lang)
        header = (
            f'<h3>{html.escape(str(row["name_vi"]))}</h3><p>{html.escape(groups.label(row.kind, lang))} · '
            f'{html.escape(tr("label.composite", lang))}: <b>{composite}</b> · {html.escape(str(band))} · '
            f'{html.escape(rank)} · {html.escape(on_time_text(row, lang))} · {report}</p>'
        )
        key = (data.year, code, lang)
        if self._key != key:  # the figures do not depend on the weights
            trend = data.outputs.trend
            radar = png(plots.radar(data.scores(row["kind"]), code, data.framework, lang))
            line = png(plots.trend_chart(trend, code, lang)) if trend is not None else b""
            table = indicator_table(data, code, lang)
            self.radar.value, self.trend.value = radar, line
            self.trend.layout.display = None if line else "none"
            self.indicators.value = f"<h4>{html.escape(tr('dashboard.indicators_title', lang))}</h4>{table}"
            self._key = key
        # last, so that whoever sees the header (or the marker class) sees that unit's figures already sent
        self.header.value = header
        for c in [c for c in self._dom_classes if c.startswith("dv-shows-")]:
            self.remove_class(c)
        self.add_class(f"dv-shows-{code}")


class Dashboard(widgets.VBox):
    """The whole page: language, year, peer group; tabs for the ranking, the areas and one unit's profile."""

    def __init__(self, data: DashboardData, lang: str = "vi") -> None:
        super().__init__()
        self.add_class("dv-dashboard")
        self.data = data
        self._quiet = True  # no redraw while the controls are being (re)labelled
        self.header = _hook(widgets.HTML(), "dv-header")
        self.language = _hook(widgets.ToggleButtons(options=[("Tiếng Việt", "vi"), ("English", "en")], value=lang),
                              "dv-lang")
        self.notice = _hook(widgets.HTML(), "dv-notices")
        self.language.observe(_guard(lambda: self.refresh(relabel=True), self.show_error), "value")
        self.frame = pd.DataFrame()
        if not data.years:
            self.children = [widgets.HTML(CSS), self.header, self.language, self.notice]
            self._quiet = False
            self.refresh()
            return
        years = sorted(data.years, reverse=True)
        self.year = _hook(widgets.Dropdown(options=[(str(y), y) for y in years], value=years[0],
                                           layout=widgets.Layout(width="160px")), "dv-year")
        self.kind = _hook(widgets.ToggleButtons(options=[("", "")]), "dv-kind")
        self.kind.style.button_width = "auto"
        self.language.style.button_width = "7em"
        self.language.layout.margin = "0 0 0 2em"
        self.weights = WeightPanel()
        self.table = RankingTable(self.show_error)
        self.areas = AreaView()
        self.profile = UnitProfile(self.show_error)
        ranking_tab = widgets.VBox([self.weights, self.table])
        self.tabs = _hook(widgets.Tab(children=[ranking_tab, self.areas, self.profile]), "dv-tabs")
        self.children = [widgets.HTML(CSS), self.header, widgets.HBox([self.year, self.kind, self.language]),
                         self.notice, self.tabs]
        self.year.observe(_guard(lambda: self.refresh(relabel=True), self.show_error), "value")
        self.kind.observe(_guard(self.refresh, self.show_error), "value")
        self.weights.on_change(_guard(self.recompute, self.show_error))
        self.tabs.observe(_guard(self._draw_tab, self.show_error), "selected_index")
        self._quiet = False
        self.refresh(relabel=True)
        self.watch_years()

    def watch_years(self) -> None:
        """Take in the years scored since the page was made, now and every ``YEARS_CHECK_S`` seconds while the
        kernel runs: a kernel preheated in Voila's pool may wait long before its page is opened."""
        self.check_years()
        with contextlib.suppress(RuntimeError):  # no running event loop: not in a kernel
            asyncio.get_running_loop().call_later(YEARS_CHECK_S, _guard(self.watch_years, self.show_error))

    def check_years(self) -> bool:
        """Reload the outputs folder when its years changed: the year list follows, the year shown stays (else the
        latest); True when something changed."""
        known = sorted([*self.data.years, *self.data.problems])
        if available_years(self.data.folder) == known:
            return False
        fresh = DashboardData.load(self.data.folder)
        if not fresh.years:
            return False
        self.data = fresh
        years = sorted(fresh.years, reverse=True)
        self._quiet = True
        try:
            _set_options(self.year, [(str(y), y) for y in years], self.year.value)
        finally:
            self._quiet = False
        self.refresh(relabel=True)
        return True

    @classmethod
    def from_folder(cls, folder: Path | str | None = None, lang: str = "vi") -> Dashboard:
        """The dashboard of an outputs folder (default ``$DANVAN_OUTPUTS``, else the project's ``outputs/``)."""
        if lang not in LANGS:
            raise DanvanEvalError(f"Ngôn ngữ không hỗ trợ / unsupported language: {lang!r} ({LANGS})")
        return cls(DashboardData.load(folder), lang)

    @property
    def lang(self) -> str:
        return self.language.value

    @property
    def current(self) -> YearData:
        return self.data.years[self.year.value]

    def show_error(self, err: Exception) -> None:
        """Tell the reader that a part failed, in their language, below the controls."""
        self.notice.value += f'<div class="dv-notice dv-error">{html.escape(tr("dashboard.error", self.lang, error=err))}</div>'

    def refresh(self, relabel: bool = False) -> None:
        """Redraw after a change of language, year or peer group (``relabel``: the controls' texts too)."""
        if self._quiet:
            return
        lang = self.lang
        self.header.value = f"<h2>{html.escape(tr('dashboard.title', lang))}</h2>"
        notes = [tr("dashboard.broken_year", lang, year=y, error=e) for y, e in sorted(self.data.problems.items())]
        if not self.data.years:
            message = "<br>".join(html.escape(tr("dashboard.no_outputs", x, folder=self.data.folder)) for x in LANGS)
            self.notice.value = f'<div class="dv-empty dv-notice">{message}</div>' + _notes(notes)
            return
        data = self.current
        if relabel:
            self._quiet = True
            try:
                present = groups.order(data.outputs.scores["kind"])
                _set_options(self.kind, [(groups.label(k, lang), k) for k in present], self.kind.value)
                self.year.description = tr("label.year", lang)
                for i, key in enumerate(("dashboard.tab_ranking", "dashboard.tab_areas", "dashboard.tab_profile")):
                    self.tabs.set_title(i, tr(key, lang))
                self.weights.configure(data, lang)
            finally:
                self._quiet = False
        scores = data.scores(self.kind.value)
        empty = [str(data.framework.areas.loc[a, f"short_{lang}"]) for a in data.areas if scores[a].isna().all()]
        if empty:
            notes.append(tr("dashboard.area_missing", lang, areas="; ".join(empty)))
        banner = ""
        if data.synthetic:  # a synthetic year never passes for a real one
            banner = f'<div class="dv-synthetic" role="alert">⚠ {html.escape(tr("synthetic.banner", lang))}</div>'
        self.notice.value = banner + _notes(notes)
        self.recompute()

    def recompute(self) -> None:
        """Rank again with the sliders' weights (``scoring.recompose``) and redraw the visible views."""
        if self._quiet:
            return
        data, lang, weights = self.current, self.lang, self.weights.weights
        self.weights.describe(lang)
        if not any(weights.values()):
            return
        self.frame = ranking(data, self.kind.value, weights)
        self.table.show(self.frame, data, lang, weights)
        self._draw_tab()

    def _draw_tab(self) -> None:
        """Draw the figures of the visible tab only: the others are drawn when opened."""
        if self.frame.empty:
            return
        if self.tabs.selected_index == 1:
            self.areas.show(self.frame, self.current, self.lang, self.weights.weights)
        elif self.tabs.selected_index == 2:
            self.profile.show(self.frame, self.current, self.lang)


def _notes(notes: list[str]) -> str:
    return "".join(f'<div class="dv-notice">{html.escape(n)}</div>' for n in notes)


def serve(port: int = 8866, outputs: Path | None = None, open_browser: bool = True) -> int:
    """Serve the dashboard with Voila on 127.0.0.1 (see ``dashboard_server.serve``); returns the exit status."""
    from .server import serve as _serve

    return _serve(port=port, outputs=outputs, open_browser=open_browser)
