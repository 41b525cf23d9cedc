"""The intake's validation report, in Excel and HTML, Vietnamese and English: what to send back to the units.

Five parts: a summary (result, files, and the province's reporting rates of ``compliance.summary``), every
problem with its file, sheet, cell, unit and indicator, the values to verify (plausibility warnings, not errors), the files read and what became of them, and the reporting
compliance of every expected unit (who has not sent anything yet). Text is neutralised against formulas in
Excel and escaped in HTML; both files are the same bytes for the same intake.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from ..messages import LANGS, tr
from ..model import groups
from ..outputs import neutralise, safe_child
from .templates import save_workbook

PROBLEM_FIELDS = ("file", "sheet", "cell", "unit", "indicator", "code", "message_vi", "message_en")
FILE_FIELDS = ("file", "sha256", "unit_code", "received", "file_date", "correction", "state", "problems")
FINDING_FIELDS = ("file", "sheet", "cell", "unit", "indicator", "rule", "value", "finding_vi", "finding_en")
COMPLIANCE_FIELDS = ("unit_code", "name_vi", "kind", "received", "days_late", "on_time", "completeness_pct")
SUMMARY_FIELDS = ("group", "expected", "received", "received_pct", "on_time", "on_time_pct", "complete",
                  "complete_pct")  # headed ``sum_<field>``: "received" here counts units, elsewhere it is a date
_HEAD = PatternFill("solid", fgColor="DDEBF7")
_STYLE = (
    "<style>body{font-family:'DejaVu Sans',Arial,sans-serif;margin:1.5em;}"
    "table{border-collapse:collapse;margin-bottom:1.5em;font-size:0.9em}"
    "th,td{border:1px solid #999;padding:3px 6px;vertical-align:top;text-align:left}"
    "th{background:#ddebf7}tr.alert td{background:#f8cbad}.verdict{font-weight:bold}</style>"
)
_ALERT = PatternFill("solid", fgColor="F8CBAD")


def head(key: str) -> str:
    """A bilingual column heading: ``Tệp / File``."""
    return " / ".join(tr(f"intake_report.col.{key}", lang) for lang in LANGS)


def _both(key: str, **fields: object) -> str:
    return " / ".join(tr(key, lang, **fields) for lang in LANGS)


def _tables(files: pd.DataFrame, problems: pd.DataFrame, compliance: pd.DataFrame,
            summary: pd.DataFrame, findings: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The report's tables with readable values (states, kinds, on time) and bilingual headings."""
    files = files.copy()
    files["state"] = files["state"].map(lambda s: _both(f"intake_report.state.{s}"))
    files["correction"] = files["correction"].map(lambda c: _both("intake_report.yes" if c else "intake_report.no"))
    comp = compliance.copy()
    comp["kind"] = comp["kind"].map(lambda k: f"{groups.label(k, 'vi')} / {groups.label(k, 'en')}")
    comp["on_time"] = [_on_time(rep, ot) for rep, ot in zip(comp["reported"].astype(bool), comp["on_time"])]
    summ = summary.copy()
    summ["group"] = summ["group"].map(
        lambda g: _both("label.province") if g == "province" else f"{groups.label(g, 'vi')} / {groups.label(g, 'en')}")
    out = {
        "summary": summ[list(SUMMARY_FIELDS)].rename(columns=lambda c: c if c == "group" else f"sum_{c}"),
        "problems": problems[list(PROBLEM_FIELDS)],
        "findings": _findings(findings),
        "files": files[list(FILE_FIELDS)],
        "compliance": comp[list(COMPLIANCE_FIELDS)],
    }
    return {name: neutralise(df.astype(object).where(df.notna(), None)).set_axis(
        [head(c) for c in df.columns], axis=1) for name, df in out.items()}


def _findings(findings: pd.DataFrame | None) -> pd.DataFrame:
    """The "cần xác minh" list: one row per plausibility finding, by unit."""
    if findings is None:
        return pd.DataFrame(columns=list(FINDING_FIELDS))
    out = findings.reindex(columns=[*FINDING_FIELDS[:5], "code", "value", "message_vi", "message_en"])
    return out.set_axis(list(FINDING_FIELDS), axis=1)


def _on_time(reported: bool, on_time: object) -> str:
    if not reported:
        return _both("compliance.not_received")
    return "" if pd.isna(on_time) else _both("compliance.on_time" if on_time else "compliance.late")


def write_report(out_dir: Path, year: int, *, ok: bool, files: pd.DataFrame, problems: pd.DataFrame,
                 compliance: pd.DataFrame, summary: pd.DataFrame,
                 findings: pd.DataFrame | None = None) -> tuple[Path, Path]:
    """Write ``validation_<year>.xlsx`` and ``validation_<year>.html`` into ``out_dir``; returns both paths.
    ``findings``: the plausibility warnings (``evaluation.plausibility``), listed apart from the problems."""
    tables = _tables(files, problems, compliance, summary, findings)
    verdict = _both("intake_report.ok" if ok else "intake_report.failed", n=len(problems), files=len(files))
    absent = (~compliance["reported"].astype(bool)).tolist()  # units that sent nothing: highlighted
    xlsx = save_workbook(_workbook(year, verdict, tables, absent), safe_child(out_dir, f"validation_{year}", ".xlsx"))
    page = safe_child(out_dir, f"validation_{year}", ".html")
    tmp = page.with_name(f".{page.name}.tmp")
    tmp.write_text(_html(year, verdict, tables, absent), encoding="utf-8", newline="\n")
    tmp.replace(page)
    return xlsx, page


def _workbook(year: int, verdict: str, tables: dict[str, pd.DataFrame], absent: list[bool]) -> Workbook:
    wb = Workbook()
    wb.properties.creator = "danvan-eval"
    first = True
    for name, df in tables.items():
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = tr(f"intake_report.sheet.{name}", "vi")
        ws["A1"] = _both("intake_report.title", year=year)
        ws["A1"].font = Font(bold=True, size=13)
        ws["A2"] = verdict if name == "summary" else _both(f"intake_report.part.{name}")
        start = 4
        for j, col in enumerate(df.columns, start=1):
            c = ws.cell(start, j, col)
            c.font, c.fill = Font(bold=True), _HEAD
            c.alignment = Alignment(wrap_text=True, vertical="top")
            ws.column_dimensions[c.column_letter].width = 60 if "message" in col or "Mô tả" in col else 18
        for i, rec in enumerate(df.itertuples(index=False), start=start + 1):
            for j, value in enumerate(rec, start=1):
                ws.cell(i, j, value).alignment = Alignment(wrap_text=True, vertical="top")
            if name == "compliance" and absent[i - start - 1]:
                for j in range(1, len(rec) + 1):
                    ws.cell(i, j).fill = _ALERT
        if len(df):
            ws.auto_filter.ref = f"A{start}:{ws.cell(start + len(df), len(df.columns)).coordinate}"
        ws.freeze_panes = f"A{start + 1}"
        if name == "compliance":
            ws.cell(start + len(df) + 2, 1, _both("intake_report.missing", n=sum(absent)))
    return wb


def _html(year: int, verdict: str, tables: dict[str, pd.DataFrame], absent: list[bool]) -> str:
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="vi"><head><meta charset="utf-8">',
        f"<title>{esc(_both('intake_report.title', year=year))}</title>",
        _STYLE,
        "</head><body>",
        f"<h1>{esc(_both('intake_report.title', year=year))}</h1>",
        f'<p class="verdict">{esc(verdict)}</p>',
    ]
    for name, df in tables.items():
        parts.append(f"<h2>{esc(_both(f'intake_report.part.{name}'))}</h2>")
        if name == "compliance":
            parts.append(f"<p>{esc(_both('intake_report.missing', n=sum(absent)))}</p>")
        if df.empty:
            parts.append(f"<p>{esc(_both('intake_report.none'))}</p>")
            continue
        parts.append("<table><thead><tr>" + "".join(f"<th>{esc(str(c))}</th>" for c in df.columns) + "</tr></thead><tbody>")
        for k, rec in enumerate(df.itertuples(index=False)):
            alert = name == "compliance" and absent[k]
            cells = "".join(f"<td>{'' if v is None else esc(str(v))}</td>" for v in rec)
            parts.append(f'<tr class="alert">{cells}</tr>' if alert else f"<tr>{cells}</tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
