"""What the report notebooks display: a year's tables read back once, shaped into labelled tables and text.

The notebooks stay thin: ``load`` then one call per section. Every function is a pure function of the tables
written by the run (``scores.csv`` …) and the run's framework and registry; numbers are formatted here, the
Vietnamese way (decimal comma) unless ``lang="en"``. Tables are DataFrames of display strings, indexed by
their first column, so that a notebook shows them as they are and tests can read them back.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pandas as pd
from IPython.display import Markdown

from ..errors import DanvanEvalError
from ..evaluation import narrative
from ..evaluation.comparison import group_mean
from ..evaluation.compliance import deadline as deadline_of
from ..evaluation.scoring import REGISTRY_DENOMINATORS
from ..formatting import number, percent
from ..messages import tr
from ..model import groups
from ..model.framework import Framework, load_framework
from ..model.province import default_province_path, load_province
from ..model.runs import RunConfig, default_run_path, load_run
from ..model.units import load_registry
from ..outputs import TABLES, file_stamp, read_year
from . import maps, plots, registry_views, results_views

T = TypeVar("T")


@dataclass(frozen=True)
class ReportData:
    """One year's tables as the reports read them: ``scores`` (with ``name_en``, and the rank interval columns
    ``rank_p05, rank_median, rank_p95`` when the run computed them), ``indicators``, ``trend``, ``compliance``
    (None when absent)."""

    year: int
    framework: Framework
    deadline: tuple[int, int]
    scores: pd.DataFrame
    indicators: pd.DataFrame | None
    trend: pd.DataFrame | None
    compliance: pd.DataFrame | None
    unit_kinds: pd.Series | None = None  # code → kind of unit (which indicators apply), from the registry
    plausibility: pd.DataFrame | None = None  # the values to verify
    appraisal: pd.DataFrame | None = None  # the values the appraisal changed (a year scored on appraised values)
    registry_figures: pd.DataFrame | None = None  # registry figures unknown or estimated (evaluation.registry_figures)
    reported_before: frozenset[str] | None = None  # the units that reported the year before (None: not known)
    synthetic: bool = False  # made from synthetic data (manifest): every page carries the banner
    ranks: bool = True  # the run file's ranks: false gives levels without ranks, with ``ranks_note`` saying why
    ranks_note: dict = field(default_factory=dict)
    province: str = "Bình Định"  # the province profile's name (province_vi) of the run
    results: pd.DataFrame | None = None  # the actual results by peer group and for the province (results.csv)
    # What the reports derive from the tables once per year (``_derived``): shared by the ReportData that ``load``
    # hands out for the same files; a ReportData made otherwise (``dataclasses.replace`` too) starts empty, so that
    # what is derived comes from its own tables (a table changed in place afterwards is not seen: make a new one).
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def has_intervals(self) -> bool:
        return _derived(self, "has_intervals", lambda: narrative.has_intervals(self.scores))


def load(outputs_dir: str | Path, year: int, run_file: str | Path = "") -> ReportData:
    """Read what a run wrote for ``year`` under ``outputs_dir`` (``outputs.read_year``), with the framework and
    registry that ``run_file`` pins (default: ``parameters/runs/<year>.yaml``).

    Read once per process while the files are unchanged (``outputs.file_stamp``): every unit report of a run
    reads the same files, and a warm kernel keeps this module loaded. Each call gets its own tables (shallow copies: pandas
    copies on write, so a change to one reaches no other)."""
    path = Path(run_file) if str(run_file) else default_run_path(int(year))
    stamp = _stamp_if_any(path)
    run = _run(stamp) if stamp else load_run(path)  # without a file, load_run says what is wrong (vi / en)
    # a report shows every row and every word: pandas would cut a table of 135 communes to 10 rows and "…"
    pd.set_option("display.max_rows", None, "display.max_columns", None, "display.max_colwidth", None)
    if run.year != int(year):
        raise DanvanEvalError(f"Tệp tham số {run.path} là của năm {run.year}, không phải {year} /"
                              f" run file {run.path} is for {run.year}, not {year}")
    before = run.submissions.get(run.year - 1)
    shared = _loaded(str(outputs_dir), stamp, _year_stamps(Path(outputs_dir) / str(run.year)),
                     file_stamp(run.framework), file_stamp(run.units),
                     file_stamp(run.province or default_province_path()),
                     _stamp_if_any(before) if before is not None else None)
    out = dataclasses.replace(shared, **{f.name: table.copy(deep=False) for f in dataclasses.fields(shared)
                                         if isinstance(table := getattr(shared, f.name), pd.DataFrame)})
    object.__setattr__(out, "_memo", shared._memo)
    return out


@functools.lru_cache(maxsize=4)
def _run(stamp: tuple) -> RunConfig:
    return load_run(Path(stamp[0]))


@functools.lru_cache(maxsize=2)
def _loaded(outputs_dir: str, run: tuple, tables: tuple, framework: tuple, registry: tuple, province: tuple,
            before: tuple | None) -> ReportData:
    """The ReportData of a run file and a year's tables, each input named by its ``file_stamp``."""
    config = _run(run)
    out = read_year(Path(outputs_dir), config.year)
    framework_, names, kinds = _static_inputs(framework, registry)
    return ReportData(
        year=config.year,
        framework=framework_,
        deadline=(config.deadline.month, config.deadline.day) if config.deadline else tuple(framework_.deadline),
        scores=out.scores.assign(name_en=lambda d: d["unit_code"].map(names)),
        indicators=out.indicators,
        trend=None if out.trend is None else out.trend.assign(name_en=lambda d: d["unit_code"].map(names)),
        compliance=out.compliance,
        unit_kinds=kinds,
        plausibility=out.plausibility,
        appraisal=out.appraisal,
        registry_figures=out.registry_figures,
        reported_before=_reported(Path(before[0])) if before else None,
        synthetic=bool(out.manifest.get("synthetic", False)),
        ranks=config.ranks,
        ranks_note=dict(config.ranks_note),
        province=load_province(province[0]).province_vi,
        results=out.results,
    )


def _year_stamps(folder: Path) -> tuple:
    """The stamps of the files ``read_year`` reads (None for one that is absent)."""
    return tuple(_stamp_if_any(p) for p in (*(folder / f"{t}.csv" for t in TABLES), folder / "manifest.json"))


def _reported(path: Path | None) -> frozenset[str] | None:
    """The unit codes of an arrival table (the run file's ``submissions`` of a year), None without one."""
    if path is None or not Path(path).is_file():
        return None
    return frozenset(pd.read_csv(path, dtype=str, usecols=["unit_code"])["unit_code"].str.strip())


def _stamp_if_any(path: Path) -> tuple[str, int, int, int] | None:
    """``file_stamp``, None for a file that is not there."""
    try:
        return file_stamp(path)
    except FileNotFoundError:
        return None


@functools.lru_cache(maxsize=8)
def _static_inputs(
    framework: tuple, registry: tuple
) -> tuple[Framework, pd.Series, pd.Series]:
    """The framework, the English unit names and the units' kinds, read once per process while the files are
    unchanged. Loading the registry also registers its peer groups' names and order."""
    units = load_registry(registry[0]).units.drop_duplicates("code", keep="last").set_index("code")
    return load_framework(framework[0]), units["name_en"], units["kind"]


def _derived(data: ReportData, key: object, build: Callable[[], T]) -> T:
    """``build()``, made once per ReportData (and shared by the copies ``load`` makes of the same files)."""
    memo = data._memo
    if key not in memo:
        memo[key] = build()
    return memo[key]


# ---------------------------------------------------------------- helpers
def unit(data: ReportData, unit_code: str) -> dict:
    """The unit's row of ``scores`` as a mapping (column → value, to read, not to change); a clear error when the
    code is not among this year's units."""
    rows = _derived(data, "units", lambda: _by_unit(data.scores.to_dict("records"))).get(str(unit_code))
    if not rows:
        raise DanvanEvalError(f"{tr('error.unknown_unit_code', 'vi', unit=unit_code)} ({data.year}) / "
                              f"{tr('error.unknown_unit_code', 'en', unit=unit_code)} ({data.year})")
    return rows[0]  # the first where a code is there twice


def name(row, lang: str) -> str:
    return str(row["name_en"]) if lang == "en" and pd.notna(row.get("name_en")) else str(row["name_vi"])


def band(data: ReportData, code: object, lang: str) -> str:
    if pd.isna(code):
        return tr("label.insufficient_data", lang)
    bands = _derived(data, "bands", lambda: data.framework.bands.set_index("code"))
    return str(bands.at[code, f"label_{lang}"]) if code in bands.index else str(code)


def _int(x: object) -> str:
    return "—" if pd.isna(x) else str(int(x)).replace("-", "−")


def _signed_int(x: object) -> str:
    if pd.isna(x):
        return "—"
    return f"{int(x):+d}".replace("-", "−") if int(x) else "0"


def _ranks(df: pd.DataFrame, lang: str, of_n: bool = False) -> pd.Series:
    """Each row's rank as shown (``3``, ``3/11``), marked "(đồng hạng)" when tied."""
    together = narrative.tied(df)
    return pd.Series([narrative.rank_label(r, t, lang, n if of_n else None)
                      for r, t, n in zip(df["rank"], together, df.get("n_ranked", df["rank"]))], index=df.index)


def _rank(data: ReportData, u: dict, lang: str) -> str:
    """The unit's rank as ``_ranks(data.scores, lang, of_n=True)`` shows it."""
    return narrative.rank_label(u["rank"], narrative.is_tied(data.scores, u), lang, u.get("n_ranked", u["rank"]))


def _interval(row) -> str:
    """``2–5``, or one rank when the interval is one rank wide."""
    if pd.isna(row.get("rank_p05")):
        return "—"
    lo, hi = int(row["rank_p05"]), int(row["rank_p95"])
    return str(lo) if lo == hi else f"{lo}–{hi}"


def _area_label(data: ReportData, area: str, lang: str) -> str:
    return str(data.framework.areas.at[area, f"short_{lang}"])


def _bool(x: object, lang: str) -> str:
    if pd.isna(x):
        return "—"
    yes = str(x).lower() in ("true", "1")
    return tr("compliance.on_time" if yes else "compliance.late", lang)


def _raw(x: object, spec, lang: str) -> str:
    """A reported value as its type reads: yes/no, a whole count, a share in %."""
    if pd.isna(x):
        return "—"
    if spec["type"] == "bool":
        return tr("report.yes" if float(x) >= 0.5 else "report.no", lang)
    if spec["type"] == "pct":
        return percent(x, lang)
    whole = float(x).is_integer()
    return f"{number(x, lang, 0 if whole else 2)} {spec[f'unit_{lang}']}"


def _by_kind(df: pd.DataFrame) -> pd.DataFrame:
    """Districts first, then departments, each by unit code."""
    order = df["kind"].map({k: i for i, k in enumerate(groups.order(df["kind"]))})
    return df.assign(_k=order).sort_values(["_k", "unit_code"], kind="stable").drop(columns="_k")


def _by_unit(rows: list[dict]) -> dict[str, list[dict]]:
    """The rows (mappings) of each ``unit_code``, in their order."""
    out: dict[str, list[dict]] = {}
    for row in rows:
        out.setdefault(str(row["unit_code"]), []).append(row)
    return out


def _in_framework_order(data: ReportData) -> dict[str, list[dict]]:
    """Each unit's rows of ``indicators`` in the framework's order, area by area."""
    order = {ind: i for i, ind in enumerate(data.framework.indicators.index)}
    table = data.indicators.assign(_o=data.indicators["indicator_id"].map(order)).sort_values("_o", kind="stable")
    return _by_unit(table[["unit_code", "indicator_id", "area", "raw", "denominated", "score", "status"]]
                    .to_dict("records"))


def _by_year(trend: pd.DataFrame) -> dict[str, list[dict]]:
    """Each unit's rows of ``trend`` by year, each with ``tied``: sharing its rank within its year and peer group."""
    rows = trend[["unit_code", "year", "composite", "band", "rank"]].assign(tied=narrative.tied(trend))
    return {code: sorted(mine, key=lambda r: r["year"]) for code, mine in _by_unit(rows.to_dict("records")).items()}


def _unit_rows(data: ReportData, table: str, unit_code: str) -> pd.DataFrame | None:
    """The unit's rows of ``indicators`` or ``trend``, in the table's order; None without the table."""
    df = getattr(data, table)
    if df is None:
        return None
    where = _derived(data, ("rows", table), lambda: df.groupby("unit_code", sort=False).indices)
    return df.iloc[where.get(str(unit_code), [])]


class Table(pd.DataFrame):
    """A table of display strings as a report shows it: pandas' HTML (written here for a table of text: pandas'
    writer costs a millisecond a table), and as plain text its cells in aligned columns (pandas' text layout costs
    more than its HTML, and only a console reads it)."""

    @property
    def _constructor(self):
        return pd.DataFrame  # what is computed from a table is a plain DataFrame

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        return {"text/html": html(self), "text/plain": plain_text(self)}


def plain_text(table: pd.DataFrame) -> str:
    """The table's title and columns, then one line per row, each column as wide as its widest cell."""
    lines = [[str(table.columns.name or table.index.name or ""), *map(str, table.columns)],
             *([str(i), *map(str, row)] for i, row in zip(table.index, table.to_numpy().tolist()))]
    widths = [max(map(len, column)) for column in zip(*lines)]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in lines)


# What pandas' notebook HTML of a table begins with, and the options (as ``load`` sets them) under which it shows
# every row, column and character, in one header row.
_HTML_HEAD = """<div>
<style scoped>
    .dataframe tbody tr th:only-of-type {
        vertical-align: middle;
    }

    .dataframe tbody tr th {
        vertical-align: top;
    }

    .dataframe thead th {
        text-align: right;
    }
</style>
<table border="1" class="dataframe">
  <thead>
    <tr style="text-align: right;">
"""
_HTML_OPTIONS = {"display.notebook_repr_html": True, "display.large_repr": "truncate", "display.max_rows": None,
                 "display.max_columns": None, "display.max_colwidth": None, "display.colheader_justify": "right",
                 "display.html.border": 1, "display.html.use_mathjax": True}


def html(table: pd.DataFrame) -> str:
    """``table._repr_html_()``, the same text, written directly for a table of text (any other table, or other
    display options, is left to pandas)."""
    values = table.to_numpy().tolist()
    title = "" if table.columns.name is None else table.columns.name
    texts = [title, *table.index, *table.columns, *(v for row in values for v in row)]
    if (table.index.nlevels > 1 or table.columns.nlevels > 1 or not table.size
            or not all(isinstance(t, str) for t in [*texts, table.index.name or ""])
            or pd.get_option("display.show_dimensions") is True
            or any(pd.get_option(k) != v for k, v in _HTML_OPTIONS.items())):
        return table._repr_html_()
    head = "".join(f"      <th>{_html_cell(c)}</th>\n" for c in [title, *table.columns])
    if table.index.name is not None:  # a second header row naming the index
        head += (f"    </tr>\n    <tr>\n      <th>{_html_cell(table.index.name)}</th>\n"
                 + "      <th></th>\n" * len(table.columns))
    rows = "".join(f"    <tr>\n      <th>{_html_cell(i)}</th>\n"
                   + "".join(f"      <td>{_html_cell(v)}</td>\n" for v in row) + "    </tr>\n"
                   for i, row in zip(table.index, values))
    return f"{_HTML_HEAD}{head}    </tr>\n  </thead>\n  <tbody>\n{rows}  </tbody>\n</table>\n</div>"


def _html_cell(text: str) -> str:
    """A cell's text as pandas writes it: control characters spelled out, ``& < >`` escaped, trimmed, a double space
    kept as two non-breaking ones."""
    for char, shown in (("\t", r"\t"), ("\r", r"\r"), ("\n", r"\n"), ("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        text = text.replace(char, shown)
    return text.strip().replace("  ", "&nbsp;&nbsp;")


def _frame(rows: list[dict], index: str) -> Table:
    """The rows (each with the same keys) indexed by their first column; its title is the columns' name, so that
    the table shows one header row (an index name would add a second, empty one)."""
    columns = [c for c in rows[0] if c != index] if rows else []
    return Table([[r[c] for c in columns] for r in rows], index=pd.Index([r[index] for r in rows]),
                 columns=pd.Index(columns, name=index))


def synthetic_banner(synthetic: bool, lang: str = "vi") -> str:
    """The banner opening every page made from synthetic data (Markdown); "" for real data."""
    return f"> **⚠ {tr('synthetic.banner', lang)}**\n\n" if synthetic else ""


# ---------------------------------------------------------------- the unit report
def section(key: str, lang: str = "vi", kind: str | None = None) -> Markdown:
    """A section heading of a report (``report.section_<key>``), naming the peer group ``kind`` if given."""
    group = narrative.group_name(kind, lang) if kind else ""
    return Markdown(f"### {tr(f'report.section_{key}', lang, group=group)}")


def unit_heading(data: ReportData, unit_code: str, lang: str = "vi") -> Markdown:
    """Title of the unit report: year, unit, peer group."""
    u = unit(data, unit_code)
    group = groups.label(u["kind"], lang)
    return Markdown(f"{synthetic_banner(data.synthetic, lang)}# {tr('report.unit_title', lang, year=data.year)}\n\n"
                    f"## {name(u, lang)} ({u['unit_code']}) — {group}")


def key_figures(data: ReportData, unit_code: str, lang: str = "vi") -> pd.DataFrame:
    """The headline figures of the unit as a two-column table."""
    u = unit(data, unit_code)
    rows = [
        (tr("label.composite", lang), number(u["composite"], lang)),
        (tr("label.band", lang), band(data, u["band"], lang)),
        (tr("label.rank", lang), _rank(data, u, lang)),
    ]
    if _derived(data, "has_levels", lambda: narrative.has_levels(data.scores)):
        rows.append((tr("report.level_certainty", lang), narrative.level_label(u, lang)))
    if data.has_intervals:
        rows.append((tr("report.rank_interval", lang), _interval(u)))
    if "composite_self_assessed" in u:  # a year scored on appraised values: the unit's own figures beside
        rows += [(tr("label.composite_self_assessed", lang), number(u["composite_self_assessed"], lang)),
                 (tr("report.rank_shift", lang), _signed_int(u["rank_shift"])),
                 (tr("report.n_adjusted", lang), _int(u["n_adjusted"]))]
    rows += [
        (tr("label.change", lang), number(u["composite_change"], lang, sign=True)),
        (tr("label.rank_change", lang), _signed_int(u["rank_change"])),
        (tr("label.coverage", lang), percent(100 * u["coverage"], lang, 0)),
    ]
    return _frame([{tr("report.measure", lang): k, tr("label.value", lang): v} for k, v in rows],
                  tr("report.measure", lang))


def area_table(data: ReportData, unit_code: str, lang: str = "vi") -> pd.DataFrame:
    """The six area scores of the unit against its peer group's mean (``comparison.STATISTIC``)."""
    u = unit(data, unit_code)
    areas = list(data.framework.areas.index)
    median = _derived(data, ("mean", u["kind"]), lambda: data.scores.loc[data.scores["kind"] == u["kind"], areas]
                      .apply(group_mean).to_dict())
    area, group = tr("label.area", lang), tr("report.peer_median", lang)
    rows = [{area: f"{a.upper()}. {_area_label(data, a, lang)}",
             tr("label.score", lang): number(u[a], lang) if pd.notna(u[a]) else tr("label.insufficient_data", lang),
             group: number(median[a], lang),
             tr("report.difference", lang): number(u[a] - median[a], lang, sign=True)} for a in areas]
    return _frame(rows, area)


def indicator_table(data: ReportData, unit_code: str, lang: str = "vi") -> pd.DataFrame:
    """Every indicator of the unit: raw value, denominator, value per denominator, score, status, plan clause."""
    u = unit(data, unit_code)
    if data.indicators is None:
        raise DanvanEvalError("Thiếu bảng indicators.csv / indicators.csv is missing")
    fw = data.framework
    kind = data.unit_kinds.get(u["unit_code"], u["kind"]) if data.unit_kinds is not None else u["kind"]
    denominators = _derived(data, ("denominators", kind), lambda: fw.indicator_table(kind)["denominator"].to_dict())
    specs = _derived(data, "specs", lambda: fw.indicators.to_dict("index"))
    estimated = registry_views.estimated(data, u["unit_code"])  # a denominator computed on an estimate says so
    rows = []
    for r in _derived(data, "indicator_records", lambda: _in_framework_order(data)).get(u["unit_code"], []):
        spec = specs[r["indicator_id"]]
        den = denominators.get(r["indicator_id"])
        mark = (f" ({tr('report.estimate_mark', lang)})"
                if REGISTRY_DENOMINATORS.get(den) in estimated and pd.notna(r["denominated"]) else "")
        rows.append({
            tr("label.indicator", lang): f"{spec[f'label_{lang}']} ({r['indicator_id']})",
            tr("label.area", lang): str(r["area"]).upper(),
            tr("label.raw", lang): _raw(r["raw"], spec, lang),
            tr("report.denominator", lang): tr(f"denominator.{den}", lang) + mark if isinstance(den, str) else "—",
            tr("label.denominated", lang): number(r["denominated"], lang, 2) + mark if isinstance(den, str) else "—",
            tr("label.score", lang): number(r["score"], lang),
            tr("label.status", lang): tr(f"status.{r['status']}", lang),
            tr("label.clause", lang): str(spec["clause"]),
        })
    return _frame(rows, tr("label.indicator", lang))


def improve(data: ReportData, unit_code: str, lang: str = "vi") -> Markdown:
    """The indicators the unit should improve (``narrative.to_improve``)."""
    u = unit(data, unit_code)
    mine = _unit_rows(data, "indicators", u["unit_code"])
    return Markdown(narrative.to_improve(mine, u["unit_code"], data.framework, lang))


def to_verify_table(data: ReportData, unit_code: str, lang: str = "vi") -> pd.DataFrame | Markdown:
    """The unit's values to verify ("cần xác minh"): each plausibility finding with what it was compared with."""
    u = unit(data, unit_code)
    found = data.plausibility
    mine = found[found["unit"].astype(str) == u["unit_code"]] if found is not None else pd.DataFrame()
    if mine.empty:
        return Markdown(tr("report.no_findings", lang))
    labels = pd.concat([data.framework.indicators[f"label_{lang}"], data.framework.auxiliary[f"label_{lang}"]])
    rows = [{tr("label.indicator", lang): f"{labels.get(r['indicator'], r['indicator'])} ({r['indicator']})",
             tr("label.raw", lang): number(r["value"], lang, 0 if float(r["value"]).is_integer() else 1),
             tr("report.to_verify", lang): r[f"message_{lang}"]} for _, r in mine.iterrows()]
    return _frame(rows, tr("label.indicator", lang))


def adjustment_table(data: ReportData, unit_code: str, lang: str = "vi") -> pd.DataFrame | Markdown:
    """Each of the unit's values the Department's appraisal changed, with its reason and evidence; or a sentence
    saying that the year was scored on the units' own figures."""
    u = unit(data, unit_code)
    if "composite_self_assessed" not in u:
        return Markdown(tr("report.self_assessed_only", lang))
    listed = data.appraisal if data.appraisal is not None else pd.DataFrame(columns=["unit_code"])
    mine = listed[listed["unit_code"].astype(str) == u["unit_code"]]
    if mine.empty:
        return Markdown(tr("report.no_adjustment", lang))
    labels = pd.concat([data.framework.indicators[f"label_{lang}"], data.framework.auxiliary[f"label_{lang}"]])
    rows = [{tr("label.indicator", lang): f"{labels.get(r['indicator_id'], r['indicator_id'])} ({r['indicator_id']})",
             tr("report.decision", lang): tr(f"appraisal.decision.{r['decision']}", lang),
             tr("label.raw", lang): number(r["reported_value"], lang, 1),
             tr("report.appraised_value", lang): number(r["appraised_value"], lang, 1),
             tr("report.score_self_assessed", lang): number(r["score_self_assessed"], lang),
             tr("label.score", lang): number(r["score_appraised"], lang),
             tr("report.reason", lang): str(r["reason"]) if pd.notna(r["reason"]) else "",
             tr("report.evidence", lang): str(r["evidence"]) if pd.notna(r["evidence"]) else ""}
            for _, r in mine.iterrows()]
    return _frame(rows, tr("label.indicator", lang))


def trend_table(data: ReportData, unit_code: str, lang: str = "vi") -> pd.DataFrame:
    """The unit's composite, band and rank in every year of the trend table."""
    u = unit(data, unit_code)
    if data.trend is None:
        raise DanvanEvalError("Thiếu bảng trend.csv / trend.csv is missing")
    mine = _derived(data, "trend_records", lambda: _by_year(data.trend)).get(u["unit_code"], [])
    rows = [{tr("label.year", lang): str(int(r["year"])), tr("label.composite", lang): number(r["composite"], lang),
             tr("label.band", lang): band(data, r["band"], lang),
             tr("label.rank", lang): narrative.rank_label(r["rank"], r["tied"], lang)} for r in mine]
    return _frame(rows, tr("label.year", lang))


def compliance_table(data: ReportData, unit_code: str | None = None, lang: str = "vi") -> pd.DataFrame:
    """Reporting timeliness (days against the deadline) and completeness, of one unit or of every unit."""
    rows_in = _by_kind(data.scores).to_dict("records") if unit_code is None else [unit(data, unit_code)]
    due = deadline_of(data.year, data.deadline)
    out = []
    for r in rows_in:
        received = pd.notna(r["received"])
        out.append({
            tr("label.unit", lang): name(r, lang),
            tr("report.group", lang): groups.label(r["kind"], lang),
            tr("compliance.deadline", lang): due.strftime("%d/%m/%Y"),
            tr("compliance.received", lang): (pd.Timestamp(r["received"]).strftime("%d/%m/%Y") if received
                                              else tr("compliance.not_received", lang)),
            tr("report.days_vs_deadline", lang): _int(r["days_late"]),
            tr("report.timeliness", lang): _bool(r["on_time"], lang) if received else "—",
            tr("compliance.completeness", lang): percent(r["completeness_pct"], lang),
        })
    return _frame(out, tr("label.unit", lang))


def unit_narrative(data: ReportData, unit_code: str, lang: str = "vi") -> Markdown:
    """The generated paragraphs of the unit report (given the unit's own rows of ``indicators`` and ``trend``:
    all that the narrative reads of them)."""
    paragraphs = narrative.unit_narrative(data.scores, str(unit_code), data.framework,
                                          _unit_rows(data, "indicators", unit_code), _unit_rows(data, "trend", unit_code),
                                          lang, data.reported_before)
    return Markdown("\n\n".join(paragraphs))


# ---------------------------------------------------------------- the province master
def province_heading(data: ReportData, lang: str = "vi") -> Markdown:
    """Title and the generated paragraphs of the province report, one per peer group."""
    lines = [f"{synthetic_banner(data.synthetic, lang)}# {tr('report.province_title', lang, year=data.year, province=data.province)}", ""]
    lines += narrative.province_narrative(data.scores, data.framework, lang)
    return Markdown("\n\n".join(lines))


def peer_group(data: ReportData, kind: str) -> pd.DataFrame:
    """The rows of ``scores`` of one peer group (districts or departments), ranked separately."""
    return data.scores[data.scores["kind"] == kind].reset_index(drop=True)


def ranking_sections(data: ReportData, lang: str = "vi") -> list:
    """For each peer group of the year, in the registry's order: heading, table and chart. A run without ranks
    (``ranks: false``) says why first, lists the units by code and draws no ranking."""
    out = [] if data.ranks else [Markdown(f"> **{tr('report.no_ranks', lang)}** {data.ranks_note.get(lang, '')}")]
    for group in groups.order(data.scores["kind"].unique()):
        out += [section("ranking" if data.ranks else "levels", lang, kind=group), ranking_table(data, group, lang),
                plots.ranking_chart(peer_group(data, group), lang, framework=data.framework, ranked=data.ranks)]
    return out


def ranking_table(data: ReportData, kind: str, lang: str = "vi") -> pd.DataFrame:
    """The ranking of one peer group: rank, unit, composite, band, changes (and rank interval when computed); in a
    run without ranks, the units by code with their scores and levels only."""
    order = ["rank", "unit_code"] if data.ranks else ["unit_code"]
    mine = peer_group(data, kind).sort_values(order, na_position="last", kind="stable")
    rows = []
    ranks = _ranks(mine, lang)
    for i, r in mine.iterrows():
        row = {tr("label.rank", lang): ranks[i]} if data.ranks else {}
        row.update({tr("label.unit", lang): name(r, lang), tr("label.composite", lang): number(r["composite"], lang),
                    tr("label.band", lang): band(data, r["band"], lang)})
        if narrative.has_levels(data.scores):
            row[tr("report.level_certainty", lang)] = narrative.level_label(r, lang)
        if data.has_intervals:
            row[tr("report.rank_interval", lang)] = _interval(r)
        row[tr("label.change", lang)] = number(r["composite_change"], lang, sign=True)
        if data.ranks:
            row[tr("label.rank_change", lang)] = _signed_int(r["rank_change"])
        row[tr("label.coverage", lang)] = percent(100 * r["coverage"], lang, 0)
        rows.append(row)
    return _frame(rows, tr("label.unit", lang))


def changes_table(data: ReportData, lang: str = "vi") -> pd.DataFrame:
    """Every unit's change since last year, largest rise first; units without a comparison last."""
    s = data.scores.sort_values(["composite_change", "unit_code"], ascending=[False, True], na_position="last",
                                kind="stable")
    areas = list(data.framework.areas.index)
    prev = None
    if data.trend is not None:
        prev = data.trend[data.trend["year"] == data.year - 1].set_index("unit_code")
    rows = []
    for _, r in s.iterrows():
        row = {tr("label.unit", lang): name(r, lang), tr("report.group", lang): groups.label(r["kind"], lang),
               tr("label.change", lang): number(r["composite_change"], lang, sign=True),
               tr("label.rank_change", lang): _signed_int(r["rank_change"])}
        for a in areas:
            before = prev.at[r["unit_code"], a] if prev is not None and r["unit_code"] in prev.index else float("nan")
            row[a.upper()] = number(r[a] - before, lang, sign=True)
        rows.append(row)
    return _frame(rows, tr("label.unit", lang))


def results_tables(data: ReportData, lang: str = "vi") -> list:
    """Heading, one table of actual figures per area (a column per peer group and the province) and how to read
    them; nothing when the run wrote no results table."""
    tables = results_views.area_tables(data.results, data.framework, lang)
    if not tables:
        return []
    out: list = [section("results", lang)]
    for area, table in tables.items():
        out += [Markdown(f"**{area.upper()}. {_area_label(data, area, lang)}**"), table]
    return [*out, Markdown(f"*{results_views.note(data.year, lang)}*")]


def rank_intervals(data: ReportData, lang: str = "vi") -> list:
    """Heading and one caterpillar chart of the rank intervals per peer group when the run computed them; nothing
    otherwise."""
    if not data.has_intervals:
        return []
    return [section("intervals", lang), *plots.rank_interval_charts(data.scores, lang)]


def map_view(data: ReportData, lang: str = "vi") -> list:
    """The section, the map of the year's composite scores and its caption (units left off, the boundaries'
    credits and licence caveat); nothing when no unit of the year has a shape."""
    fig = maps.choropleth(data.scores, data.framework, lang)
    if fig is None:
        return []
    return [section("map", lang), fig, Markdown(f"*{maps.caption(data.scores, data.year, lang)}*")]


def band_table(data: ReportData, lang: str = "vi") -> pd.DataFrame:
    """Number of units in each band, per peer group (insufficient data counted apart)."""
    codes = [*data.framework.bands["code"], None]
    rows = []
    for code in codes:
        row = {tr("label.band", lang): band(data, code, lang)}
        for kind in groups.order(data.scores["kind"]):
            mine = data.scores.loc[data.scores["kind"] == kind, "band"]
            row[groups.label(kind, lang)] = str(int(mine.isna().sum() if code is None else (mine == code).sum()))
        rows.append(row)
    return _frame(rows, tr("label.band", lang))
