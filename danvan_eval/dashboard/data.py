"""What the reviewers' dashboard shows, as data and HTML: the scored years, rankings with other weights, tables.

Nothing here is computed anew: other area weights go through ``scoring.recompose`` and ``scoring.classify``, the
library's own computation, and figures through ``plots``. The widgets of ``dashboard`` only arrange these.
"""

from __future__ import annotations

import functools
import html
import io
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
from matplotlib.colors import to_hex

from ..errors import DanvanEvalError
from ..evaluation import narrative, scoring
from ..formatting import number, percent
from ..messages import LANGS, tr
from ..model.framework import Framework, default_framework_path, load_framework
from ..model.units import load_registry
from ..outputs import YearOutputs, available_years, neutralise, read_year
from ..paths import PROJECT_ROOT
from ..reports import plots

ENV_OUTPUTS = "DANVAN_OUTPUTS"
# served by dashboard.web.ReportHandler; relative, so it follows the page's own address
REPORT_URL = "danvan/reports/{year}/units/{code}.html"
# served by dashboard.web.ExportHandler: the downloads are made on request, not with every redraw
EXPORT_URL = "danvan/export/{year}/{kind}.{fmt}"
EXPORT_FORMATS = {"csv": "text/csv; charset=utf-8",
                  "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
FIGURE_DPI = 110  # the figures' small labels stay readable on screen


def default_outputs() -> Path:
    """The outputs folder: ``$DANVAN_OUTPUTS`` (set by ``serve``), else the project's ``outputs/``."""
    env = os.environ.get(ENV_OUTPUTS)
    return Path(env) if env else PROJECT_ROOT / "outputs"


# ---------------------------------------------------------------- data
@functools.lru_cache(maxsize=8)
def _framework(path: str) -> Framework:
    return load_framework(Path(path))


@dataclass(frozen=True)
class YearData:
    """One scored year with the framework it was scored with, its official weights and aggregation."""

    outputs: YearOutputs
    framework: Framework
    weights: dict[str, float]
    method: str

    @property
    def year(self) -> int:
        return self.outputs.year

    @property
    def areas(self) -> list[str]:
        return list(self.framework.areas.index)

    @property
    def synthetic(self) -> bool:
        """Made from synthetic data (the run's manifest): every view and download of it says so."""
        return bool(self.outputs.manifest.get("synthetic", False))

    def scores(self, kind: str) -> pd.DataFrame:
        """The units of one peer group; an area column absent from the file is NaN (insufficient), never 0."""
        s = self.outputs.scores
        rows = s[s["kind"] == kind].sort_values("unit_code", kind="stable").reset_index(drop=True)
        missing = [a for a in self.areas if a not in rows.columns]
        return rows.assign(**{a: float("nan") for a in missing})

    @cached_property
    def reports(self) -> frozenset[str]:
        """Codes of the units whose HTML report the run wrote (``units/<code>.html``)."""
        return frozenset(p.stem for p in (self.outputs.folder / "units").glob("*.html"))

    def report(self, code: str) -> str | None:
        """The address of the unit's HTML report, or None when the run did not write one."""
        return REPORT_URL.format(year=self.year, code=code) if code in self.reports else None


@functools.lru_cache(maxsize=4)
def _registry(path: str) -> None:
    load_registry(path)


def load_year(outputs_dir: Path, year: int) -> YearData:
    """Read ``outputs_dir/<year>`` and the framework its manifest names (else the default framework)."""
    out = read_year(outputs_dir, year)
    man = out.manifest
    pinned = Path(man.get("inputs", {}).get("framework", {}).get("path", ""))
    version = man.get("framework_version")
    path = pinned if pinned.is_file() else default_framework_path(version) if version else default_framework_path()
    fw = _framework(str(path))
    units = PROJECT_ROOT / man.get("inputs", {}).get("units", {}).get("path", "-")
    if units.is_file():
        _registry(str(units))  # registers the names and order of its peer groups
    options = man.get("options", {})
    weights = {a: float(w) for a, w in fw.areas["weight"].items()}
    weights.update({a: float(w) for a, w in (options.get("area_weights") or {}).items()})
    return YearData(outputs=out, framework=fw, weights=weights, method=options.get("aggregation", "amean"))


@dataclass(frozen=True)
class DashboardData:
    """Every readable year of an outputs folder; ``problems`` holds the years that could not be read."""

    folder: Path
    years: dict[int, YearData]
    problems: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path | str | None = None) -> DashboardData:
        folder = Path(folder) if folder else default_outputs()
        years, problems = {}, {}
        for y in available_years(folder):
            try:
                years[y] = load_year(folder, y)
            except (DanvanEvalError, OSError, ValueError, KeyError) as err:  # one broken year hides no other
                problems[y] = str(err)
        return cls(folder=folder, years=years, problems=problems)


def ranking(data: YearData, kind: str, weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """The peer group's ranking, recomputed with ``weights`` (None = the official weights).

    The official composite, band and rank are the scored files' own; with other weights, composite and rank come
    from ``scoring.recompose`` and the band from ``scoring.classify``. Adds ``rank_official`` and ``rank_shift``
    (official rank − new rank: positive means the unit moves up).
    """
    out = data.scores(kind)
    if "rank_shift" in out.columns:  # a year scored on appraised values: the shift the appraisal caused
        out["appraisal_shift"] = out["rank_shift"].astype("Int64")
    out["rank_official"] = out["rank"].astype("Int64")
    if weights is not None and dict(weights) != data.weights:
        areas = out.set_index("unit_code")[data.areas]
        new = scoring.recompose(areas, weights, data.method)
        out["composite"] = new["composite"].to_numpy()
        out["rank"] = new["rank"].to_numpy()
        out["band"] = scoring.classify(out["composite"], data.framework.bands).to_numpy()
    out["rank"] = out["rank"].astype("Int64")
    out["rank_shift"] = out["rank_official"] - out["rank"]
    out["n_ranked"] = int(out["composite"].notna().sum())
    return out


# ---------------------------------------------------------------- formatting
APPRAISAL_COLUMNS = ["unit_code", "name_vi", "composite_self_assessed", "composite", "rank_self_assessed", "rank",
                     "rank_shift", "n_adjusted"]


def appraised(data: YearData) -> bool:
    """True when the year was scored on the Department's appraised values (both composites are in scores)."""
    return "composite_self_assessed" in data.outputs.scores.columns


def appraisal_comparison(data: YearData, kind: str) -> pd.DataFrame:
    """Self-assessed and appraised composites side by side with the rank shift the appraisal caused, for one peer
    group; no rows when the year was scored on self-assessed values."""
    if not appraised(data):
        return pd.DataFrame(columns=APPRAISAL_COLUMNS)
    return data.scores(kind)[APPRAISAL_COLUMNS].reset_index(drop=True)


def adjusted_cells(data: YearData, code: str) -> pd.DataFrame:
    """The unit's values the appraisal changed (indicator, decision, reported and appraised value, reason), to mark
    them in its indicator table."""
    listed = data.outputs.appraisal
    if listed is None:
        return pd.DataFrame(columns=["indicator_id", "decision", "reported_value", "appraised_value", "reason"])
    mine = listed[listed["unit_code"].astype(str) == str(code)]
    return mine[["indicator_id", "decision", "reported_value", "appraised_value", "reason"]].reset_index(drop=True)


def band_labels(fw: Framework, lang: str) -> dict[str, str]:
    return dict(zip(fw.bands["code"], fw.bands[f"label_{lang}"]))


def on_time_text(row: Mapping, lang: str) -> str:
    """Whether the unit's report arrived by the deadline, as the reader says it."""
    on_time = row.get("on_time")
    if on_time is None or pd.isna(on_time) or str(on_time) == "":
        return tr("compliance.not_received", lang)
    if str(on_time).lower() in ("true", "1"):
        return tr("compliance.on_time", lang)
    days = row.get("days_late")
    return tr("dashboard.late_days", lang, n=int(days)) if pd.notna(days) else tr("compliance.late", lang)


def _arrow(change: object) -> str:
    if change is None or pd.isna(change):
        return "—"
    return "=" if change == 0 else (f"↑{int(change)}" if change > 0 else f"↓{-int(change)}")


def _interval(row: Mapping) -> str:
    lo, hi = row.get("rank_p05"), row.get("rank_p95")
    if pd.isna(lo) or pd.isna(hi):
        return "—"
    return str(round(lo)) if round(lo) == round(hi) else f"{round(lo)}–{round(hi)}"


def _css_name(code: object) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", str(code))


# column key → (header key, sort key); the order is the table's
COLUMNS = {
    "rank": ("label.rank", "rank"),
    "name": ("label.unit", "name_vi"),
    "composite": ("label.composite", "composite"),
    "band": ("label.band", "composite"),
    "stability": ("report.level_certainty", "p_level"),
    "interval": ("dashboard.rank_interval", "rank_p05"),
    "shift": ("dashboard.rank_shift", "rank_shift"),
    "self_assessed": ("label.composite_self_assessed", "composite_self_assessed"),  # a year scored on appraised
    "appraisal_shift": ("report.rank_shift", "appraisal_shift"),                     # values: both side by side
    "change": ("dashboard.composite_change", "composite_change"),
    "rank_change": ("dashboard.rank_change_year", "rank_change"),
    "on_time": ("dashboard.on_time", "days_late"),
    "report": ("dashboard.report", None),
}


OFFICIAL_ONLY = ("stability", "interval", "change", "rank_change")


def columns(frame: pd.DataFrame, modified: bool) -> list[str]:
    """The columns shown: the rank interval when the scores carry it, the shift when the weights differ. With
    other weights the official-only columns (rank interval, year-on-year changes) are left out: beside recomputed
    ranks they would mix two results."""
    has_interval = {"rank_p05", "rank_p95"} <= set(frame.columns)
    has_levels = narrative.has_levels(frame)
    both = "composite_self_assessed" in frame.columns
    return [c for c in COLUMNS if (c != "interval" or has_interval) and (c != "stability" or has_levels)
            and (c != "shift" or modified)
            and (c not in ("self_assessed", "appraisal_shift") or both)
            and not (modified and c in OFFICIAL_ONLY)]


def table_cells(frame: pd.DataFrame, data: YearData, lang: str, modified: bool) -> pd.DataFrame:
    """The table as text, one column per shown column; headers in ``lang`` (the exports' content too)."""
    bands = band_labels(data.framework, lang)
    insufficient = tr("label.insufficient_data", lang)
    records = frame.to_dict("records")  # one pass in Python: iterrows would build a Series per row
    shown = columns(frame, modified)
    cells = {
        "rank": [narrative.rank_label(r, t, lang) for r, t in zip(frame["rank"], narrative.tied(frame))],
        "name": list(frame["name_vi"].astype(str)),
        "composite": [number(v, lang) if pd.notna(v) else insufficient for v in frame["composite"]],
        "band": [bands.get(b, str(b)) if pd.notna(b) else insufficient for b in frame["band"]],
        "stability": [narrative.level_label(r, lang) for r in records] if "stability" in shown else None,
        "interval": [_interval(r) for r in records] if "interval" in shown else None,
        "shift": [_arrow(v) for v in frame["rank_shift"]],
        "self_assessed": ([number(v, lang) if pd.notna(v) else insufficient for v in frame["composite_self_assessed"]]
                          if "self_assessed" in shown else None),
        "appraisal_shift": [_arrow(v) for v in frame["appraisal_shift"]] if "appraisal_shift" in shown else None,
        "change": [number(v, lang, sign=True) for v in frame["composite_change"]],
        "rank_change": [_arrow(v) for v in frame["rank_change"]],
        "on_time": [on_time_text(r, lang) for r in records],
        "report": [tr("dashboard.open", lang) if c in data.reports else "—" for c in frame["unit_code"]],
    }
    return pd.DataFrame({tr(COLUMNS[c][0], lang): cells[c] for c in shown}, index=frame["unit_code"])


def sort_frame(frame: pd.DataFrame, column: str, ascending: bool) -> pd.DataFrame:
    """Rows sorted by a shown column; units without a value come last either way."""
    key = COLUMNS[column][1] or "unit_code"
    return frame.sort_values([key, "unit_code"], ascending=[ascending, True], na_position="last", kind="stable")


def table_html(frame: pd.DataFrame, data: YearData, lang: str, modified: bool) -> str:
    """The ranking as one HTML table; rows carry ``data-unit``, cells ``data-col`` (test hooks)."""
    if frame.empty:
        return ""
    shown = columns(frame, modified)
    cells = table_cells(frame, data, lang, modified)
    colours = "".join(f".dv-band-{_css_name(c)}{{background:{to_hex(v)}}}"
                      for c, v in plots.band_colours(data.framework.bands).items())
    head = "".join(f'<th data-col="{c}">{html.escape(h)}</th>' for c, h in zip(shown, cells.columns))
    rows = []
    for unit, text in zip(frame[["unit_code", "band"]].to_dict("records"), cells.itertuples(index=False)):
        tds = []
        for c, value in zip(shown, text):
            inner = html.escape(value)
            if c == "report" and unit["unit_code"] in data.reports:
                inner = (f'<a class="dv-report-link" href="{data.report(unit["unit_code"])}" target="_blank" '
                         f'rel="noopener">{inner}</a>')
            elif c == "band" and pd.notna(unit["band"]):
                inner = f'<span class="dv-band dv-band-{_css_name(unit["band"])}">{inner}</span>'
            missing = c in ("composite", "band") and value == tr("label.insufficient_data", lang)
            tds.append(f'<td data-col="{c}"{" class=dv-missing" if missing else ""}>{inner}</td>')
        rows.append(f'<tr data-unit="{html.escape(str(unit["unit_code"]))}">{"".join(tds)}</tr>')
    kind = html.escape(str(frame["kind"].iloc[0]))
    return (f'<style>{colours}</style><table class="dv-table" data-year="{data.year}" data-kind="{kind}">'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def export_table(frame: pd.DataFrame, data: YearData, lang: str, modified: bool) -> pd.DataFrame:
    """The current table for download: the shown text plus code, numbers and area scores; formulas neutralised."""
    cells = table_cells(frame, data, lang, modified).drop(columns=tr("dashboard.report", lang))
    areas = frame.set_index("unit_code")[data.areas].round(2)
    areas.columns = [str(data.framework.areas.loc[a, f"short_{lang}"]) for a in data.areas]
    numbers = frame.set_index("unit_code")[["composite"]].round(2)
    numbers.columns = [tr("dashboard.composite_value", lang)]
    out = pd.concat([cells, numbers, areas], axis=1).rename_axis(tr("dashboard.unit_code", lang)).reset_index()
    return neutralise(out)


# ---------------------------------------------------------------- downloads (made by the server, on request)
def export_url(year: int, kind: str, fmt: str, lang: str, weights: Mapping[str, float], sort: str,
               ascending: bool) -> str:
    """The address of the table a reader sees, as a file: everything that defines it is in the address."""
    query = urlencode({"lang": lang, "sort": sort, "order": "asc" if ascending else "desc",
                       "w": ",".join(f"{a}:{float(w)!r}" for a, w in weights.items())})  # repr: exact floats
    return f"{EXPORT_URL.format(year=year, kind=kind, fmt=fmt)}?{query}"


def export_name(year: int, kind: str, fmt: str, lang: str, synthetic: bool = False) -> str:
    """The download's file name; a synthetic year's says so (``_mo-phong``, ``_synthetic``)."""
    mark = ("_mo-phong" if lang == "vi" else "_synthetic") if synthetic else ""
    return f"{'xep-hang' if lang == 'vi' else 'ranking'}_{year}_{kind}{mark}.{fmt}"


def mark_synthetic(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A synthetic year's table for download: a first column saying so on every row, so that a row copied into
    another sheet still does."""
    return table.assign(**{tr("synthetic.column", lang): tr("synthetic.mark", lang)})[
        [tr("synthetic.column", lang), *table.columns]]


def download_links(year: int, kind: str, lang: str, weights: Mapping[str, float], sort: str, ascending: bool,
                   synthetic: bool = False) -> str:
    """Links to the current table as CSV (UTF-8 with BOM, for Excel) and as an Excel workbook."""
    labels = {"csv": tr("dashboard.download_csv", lang), "xlsx": tr("dashboard.download_excel", lang)}
    return " ".join(
        f'<a class="dv-download dv-download-{fmt}" download="{export_name(year, kind, fmt, lang, synthetic)}" '
        f'href="{html.escape(export_url(year, kind, fmt, lang, weights, sort, ascending))}">⬇ {html.escape(label)}</a>'
        for fmt, label in labels.items()
    )


def _bad_request(what: str, value: object) -> DanvanEvalError:
    return DanvanEvalError(f"Yêu cầu tải bảng không hợp lệ: {what} = {value!r} / invalid download request: "
                           f"{what} = {value!r}")


def _weights(text: str, data: YearData) -> dict[str, float]:
    try:
        pairs = dict(item.split(":", 1) for item in text.split(",")) if text else {}
        weights = {a: float(w) for a, w in pairs.items()}
    except ValueError:
        raise _bad_request("w", text) from None
    if list(weights) != data.areas or not all(math.isfinite(w) and w >= 0 for w in weights.values()) \
            or not any(weights.values()):
        raise _bad_request("w", text)
    return weights


def export_file(outputs_dir: Path, year: int, kind: str, fmt: str, query: Mapping[str, str]) -> tuple[bytes, str]:
    """The file behind ``export_url``: the year's ranking with the asked weights, sorted as asked.

    Returns the bytes and the file name. Every parameter is checked; a wrong one raises ``DanvanEvalError``.
    """
    lang, sort, order = query.get("lang", "vi"), query.get("sort", "rank"), query.get("order", "asc")
    if fmt not in EXPORT_FORMATS:
        raise _bad_request("format", fmt)
    if lang not in LANGS:
        raise _bad_request("lang", lang)
    if order not in ("asc", "desc"):
        raise _bad_request("order", order)
    data = load_year(outputs_dir, year)
    if kind not in set(data.outputs.scores["kind"]):
        raise _bad_request("kind", kind)
    weights = _weights(query.get("w", ""), data)
    frame = ranking(data, kind, weights)
    modified = weights != data.weights
    if sort not in columns(frame, modified) or COLUMNS[sort][1] is None:
        raise _bad_request("sort", sort)
    table = export_table(sort_frame(frame, sort, order == "asc"), data, lang, modified)
    if data.synthetic:
        table = mark_synthetic(table, lang)
    name = export_name(year, kind, fmt, lang, data.synthetic)
    if fmt == "csv":
        return table.to_csv(index=False, lineterminator="\n").encode("utf-8-sig"), name
    buf = io.BytesIO()
    table.to_excel(buf, index=False, engine="openpyxl")
    return buf.getvalue(), name


def png(fig) -> bytes:
    """A figure of ``plots`` as PNG bytes (figures are not pyplot's, so nothing needs closing)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=FIGURE_DPI, bbox_inches="tight")  # no label cut at the edge
    return buf.getvalue()


def value_text(raw: object, kind: str, status: str, lang: str) -> str:
    """A reported value as the reader writes it: yes/no, a whole count, a share with %, else one decimal."""
    if status != "reported" or raw is None or pd.isna(raw):
        return tr(f"status.{status}", lang) if status in ("missing", "not_applicable") else "—"
    if kind == "bool":
        return tr("page.yes" if float(raw) >= 0.5 else "page.no", lang)
    if kind in ("count", "days"):
        return number(raw, lang, 0)
    if kind == "pct":
        return percent(raw, lang)
    return number(raw, lang)


def indicator_table(data: YearData, code: str, lang: str) -> str:
    """One unit's indicators: area, indicator, reported value, score, data status, plan clause (HTML)."""
    ind = data.outputs.indicators
    if ind is None:
        return ""
    fw = data.framework
    order = {i: n for n, i in enumerate(fw.indicators.index)}  # the framework's order, area by area
    rows = ind[ind["unit_code"] == code].sort_values("indicator_id", key=lambda s: s.map(order), kind="stable")
    heads = ["label.area", "label.indicator", "label.raw", "label.score", "label.status", "label.clause"]
    changed = adjusted_cells(data, code).drop_duplicates("indicator_id").set_index("indicator_id")
    body = []
    for _, r in rows.iterrows():
        meta = fw.indicators.loc[r["indicator_id"]] if r["indicator_id"] in fw.indicators.index else None
        label = meta[f"label_{lang}"] if meta is not None else r.get("label_vi", r["indicator_id"])
        clause = r.get("clause") if pd.notna(r.get("clause")) else (meta["clause"] if meta is not None else "")
        area = fw.areas.loc[r["area"], f"short_{lang}"] if r["area"] in fw.areas.index else r["area"]
        status = str(r["status"])
        shown_status, mark = tr(f"status.{status}", lang), ""
        if r["indicator_id"] in changed.index:  # a value the appraisal changed: marked, with its reason
            c = changed.loc[r["indicator_id"]]
            decision = tr(f"appraisal.decision.{c['decision']}", lang)
            shown_status = f"{shown_status} — {decision}"
            title = html.escape(f"{decision}: {c['reason']}")
            mark = f' dv-adjusted" title="{title}'
        kind = meta["type"] if meta is not None else ""
        cells = [area, label, value_text(r["raw"], kind, status, lang), number(r["score"], lang), shown_status, clause]
        tds = "".join(f"<td>{html.escape(str(c))}</td>" for c in cells)
        body.append(f'<tr data-indicator="{html.escape(str(r["indicator_id"]))}" class="dv-status-{status}{mark}">'
                    f"{tds}</tr>")
    head = "".join(f"<th>{html.escape(tr(h, lang))}</th>" for h in heads)
    return f'<table class="dv-table dv-indicators"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


CSS = """<style>
.dv-dashboard .widget-html-content{line-height:1.4}
.dv-table{border-collapse:collapse;font-size:13px;margin:4px 0;min-width:60%;line-height:1.35}
.dv-table th{background:#1f4e9c;color:#fff;text-align:left;padding:4px 8px;position:sticky;top:0}
.dv-table td{padding:3px 8px;border-bottom:1px solid #ddd;white-space:nowrap}
.dv-table tbody tr:nth-child(even){background:#f5f7fb}
.dv-table td[data-col=rank],.dv-table td[data-col=composite],.dv-table td[data-col=shift]{text-align:right}
.dv-indicators td:nth-child(2){white-space:normal}
.dv-missing{color:#777;font-style:italic;background:repeating-linear-gradient(45deg,#eee,#eee 4px,#f8f8f8 4px,#f8f8f8 8px)}
.dv-band{padding:1px 6px;border-radius:3px}
.dv-status-missing td{color:#b00020}.dv-status-not_applicable td{color:#777}
.dv-adjusted td{background:#fff2cc}
.dv-download{margin-right:1.5em}
.dv-dashboard a{color:#1f4e9c;text-decoration:underline}
.dv-notice{color:#8a4b00}
.dv-synthetic{background:#b00020;color:#fff;font-weight:bold;padding:6px 10px;margin:4px 0}
</style>"""
