"""The appraisal workbook (sổ thẩm định): the Department's decision on every self-assessed value of a year.

``write_workbook`` lists every unit's indicators, the values to verify (plausibility findings) first, with the
inputs of the appraiser: the appraised value, the decision (chấp nhận / điều chỉnh / không chấp nhận), the reason and
the evidence (document number and date), and on top the appraiser's name and the date. Like the units' templates
it is protected (only the yellow cells are open) and carries hidden markers: the year, the framework, and which
row holds which (unit, indicator, reported value), with a checksum over them.

``read_workbook`` checks a filled workbook lazily (every problem, located at its cell, in Vietnamese and English)
and returns the canonical rows (``model.appraisal.COLUMNS``) only when nothing is wrong; ``take_in`` appends them to
the year's appraisal table (append-only: the latest decision per cell wins, the history stays).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl import Workbook
from openpyxl.workbook.protection import WorkbookProtection

from ..errors import tr_error
from ..evaluation import plausibility
from ..evaluation.year import load_inputs
from ..messages import tr
from ..model import appraisal as table_mod
from ..model.framework import Framework
from ..model.plausibility import load_plausibility
from ..model.runs import RunConfig
from ..model.units import load_registry
from ..outputs import FORMULA_START, safe_child, write_csv
from ..problems import PROBLEM_COLUMNS, problem, problems_frame
from . import templates as tpl
from .values import Unreadable, is_blank, plain, read_date, read_value, shown

TEMPLATE_ID = "danvan-eval/appraisal/1"
SHEET, META = "Thẩm định", "_danvan"
APPRAISER, DATE = "D2", "D3"
HEADER_ROW, FIRST_ROW = 6, 7
COLUMNS = ("unit_code", "unit_name", "indicator_id", "label", "to_verify", "reported", "appraised", "decision",
           "reason", "evidence_number", "evidence_date")
WIDTHS = (10, 26, 26, 34, 60, 14, 14, 18, 40, 20, 14)
LETTER = {c: chr(65 + i) for i, c in enumerate(COLUMNS)}
INPUTS = ("appraised", "decision", "reason", "evidence_number", "evidence_date")
WORDS = {"accepted": "chấp nhận", "adjusted": "điều chỉnh", "rejected": "không chấp nhận"}
_READ_WORDS = {"chap nhan": "accepted", "accepted": "accepted", "dieu chinh": "adjusted", "adjusted": "adjusted",
               "khong chap nhan": "rejected", "rejected": "rejected"}


def workbook_name(year: int) -> str:
    return f"tham-dinh_{year}"


def _rows(run: RunConfig) -> tuple[Framework, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The framework, the year's rows to appraise (flagged first), the findings and the decisions in force."""
    framework, registry, observations, _ = load_inputs(run)
    rules = load_plausibility(framework, run.plausibility)
    found = plausibility.findings(observations, framework, registry, run.year, rules)
    year = observations[observations["year"] == run.year]
    order = {i: k for k, i in enumerate([*framework.indicators.index, *framework.auxiliary.index])}
    flagged = list(dict.fromkeys(zip(found["unit"], found["indicator"])))
    rank = {key: k for k, key in enumerate(flagged)}
    year = year.assign(
        _flag=[rank.get(k, len(rank)) for k in zip(year["unit_code"], year["indicator_id"])],
        _order=year["indicator_id"].map(order),
    ).sort_values(["_flag", "unit_code", "_order"], kind="stable").drop(columns=["_flag", "_order"])
    decided = table_mod.latest(table_mod.read_appraisal(run.appraisal, framework, registry, run.year)
                               if run.appraisal else table_mod.empty(), run.year)
    names = registry.units.set_index("code")["name_vi"]
    year = year.assign(unit_name=year["unit_code"].map(names))
    return framework, year.reset_index(drop=True), found, decided


def write_workbook(run: RunConfig, out_dir: Path) -> Path:
    """Write ``tham-dinh_<year>.xlsx`` into ``out_dir`` (decisions already in the appraisal table filled in)."""
    framework, rows, found, decided = _rows(run)
    wb = build_workbook(framework, run.year, rows, found, decided)
    return tpl.save_workbook(wb, safe_child(Path(out_dir), workbook_name(run.year), ".xlsx"))


def _reported(rec) -> str:
    if rec.status == "reported":
        return rec.value
    return tr(f"status.{rec.status}", "vi")


def markers(framework: Framework, year: int, rows: pd.DataFrame) -> dict[str, str]:
    out = {
        "template_id": TEMPLATE_ID, "year": str(year), "framework_version": framework.version,
        "framework_sha256": framework.sha256,
        "rows": json.dumps([[r.unit_code, r.indicator_id, None if pd.isna(r.value) else float(r.value), str(r.status)]
                            for r in rows.itertuples(index=False)], ensure_ascii=False),
    }
    out["marker_sha256"] = tpl.marker_sha256(out)
    return out


def build_workbook(framework: Framework, year: int, rows: pd.DataFrame, found: pd.DataFrame,
                   decided: pd.DataFrame) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    tpl._put(ws, "A1", tr("appraisal.title", "vi", year=year), bold=True)
    for ref, key in ((APPRAISER, "appraiser"), (DATE, "date")):
        tpl._put(ws, f"A{ref[1:]}", tr(f"appraisal.cover.{key}", "vi"), bold=True)
        tpl._unlock(ws, ref)
    ws[DATE].number_format = "dd/mm/yyyy"
    tpl._put(ws, "A4", tr("appraisal.instructions", "vi", **WORDS))
    for i, (col, width) in enumerate(zip(COLUMNS, WIDTHS), start=1):
        letter = LETTER[col]
        tpl._put(ws, f"{letter}{HEADER_ROW}", tr(f"appraisal.col.{col}", "vi"), bold=True, fill=tpl._HEAD)
        ws.column_dimensions[letter].width = width
    labels = framework.indicators["label_vi"].to_dict() | framework.auxiliary["label_vi"].to_dict()
    verify = found.groupby(["unit", "indicator"], sort=False)["message_vi"].agg("\n".join)
    decided = decided.set_index(["unit_code", "indicator_id"]) if len(decided) else None
    for k, rec in enumerate(rows.itertuples(index=False)):
        r = FIRST_ROW + k
        key = (rec.unit_code, rec.indicator_id)
        values = {"unit_code": rec.unit_code, "unit_name": rec.unit_name, "indicator_id": rec.indicator_id,
                  "label": labels.get(rec.indicator_id), "to_verify": verify.get(key), "reported": _reported(rec)}
        for col, value in values.items():
            tpl._put(ws, f"{LETTER[col]}{r}", value)
        if key in verify.index:
            ws[f"{LETTER['to_verify']}{r}"].fill = _FLAG
        for col in INPUTS:
            tpl._unlock(ws, f"{LETTER[col]}{r}")
        ws[f"{LETTER['evidence_date']}{r}"].number_format = "dd/mm/yyyy"
        if decided is not None and key in decided.index:
            d = decided.loc[key]
            ws[f"{LETTER['decision']}{r}"] = WORDS[d["decision"]]
            ws[f"{LETTER['appraised']}{r}"] = None if pd.isna(d["appraised_value"]) else float(d["appraised_value"])
            ws[f"{LETTER['reason']}{r}"] = tpl._text(d["reason"] or None)
            number, _, date = d["evidence"].partition(" | ")
            ws[f"{LETTER['evidence_number']}{r}"] = tpl._text(number or None)
            ws[f"{LETTER['evidence_date']}{r}"] = dt.date.fromisoformat(date) if date else None
    if len(rows):
        last = FIRST_ROW + len(rows) - 1
        tpl._validation(ws, "decision", f"{LETTER['decision']}{FIRST_ROW}:{LETTER['decision']}{last}",
                        title=tr("appraisal.col.decision", "vi"), prompt=tr("appraisal.prompt.decision", "vi", **WORDS),
                        choices=tuple(WORDS.values()))
    ws.freeze_panes = f"A{FIRST_ROW}"
    tpl._protect(ws)
    meta = wb.create_sheet(META)
    for i, (k, v) in enumerate(markers(framework, year, rows).items(), start=1):
        meta.cell(i, 1, k)
        meta.cell(i, 2, v)
    meta.sheet_state = "veryHidden"
    tpl._protect(meta)
    wb.security = WorkbookProtection(lockStructure=True)
    return wb


_FLAG = tpl.PatternFill("solid", fgColor="F8CBAD")


# ---------------------------------------------------------------- reading back
@dataclass(frozen=True)
class AppraisalRead:
    """What a filled workbook gave: the canonical rows (empty unless ``ok``) and every problem (with ``sheet``)."""

    rows: pd.DataFrame
    problems: pd.DataFrame

    @property
    def ok(self) -> bool:
        return self.problems.empty


def read_workbook(path: Path, run: RunConfig) -> AppraisalRead:
    """Check a filled appraisal workbook against the year's current inputs; every problem is located."""
    path = Path(path)
    label = path.name
    found: list[dict] = []

    def add(code: str, cell: str | None = None, sheet: str | None = SHEET, **fields) -> None:
        found.append({"sheet": sheet, **asdict(problem(code, file=label, cell=cell, **fields))})

    def done() -> AppraisalRead:
        return AppraisalRead(table_mod.empty(), _problems(found))

    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as err:  # noqa: BLE001 — any failure to parse = unreadable
        add("file_unreadable", sheet=None, detail=type(err).__name__)
        return done()
    if META not in wb.sheetnames or SHEET not in wb.sheetnames:
        add("not_our_template", sheet=None)
        return done()
    meta = {str(k): "" if v is None else str(v) for k, v, *_ in wb[META].iter_rows(max_col=2, values_only=True)
            if k is not None}
    if meta.get("template_id") != TEMPLATE_ID:
        add("not_our_template", sheet=None)
        return done()
    if tpl.marker_sha256(meta) != meta.get("marker_sha256"):
        add("marker_changed", sheet=META)
        return done()
    framework, current, _, _ = _rows(run)
    if meta["framework_version"] != framework.version:
        add("framework_version_mismatch", found=meta["framework_version"], expected=framework.version)
        return done()
    if meta["year"] != str(run.year):
        add("template_other_year", found=meta["year"], year=run.year)
        return done()
    ws = wb[SHEET]
    listed = json.loads(meta["rows"])
    now = {(r.unit_code, r.indicator_id): (None if pd.isna(r.value) else float(r.value), str(r.status))
           for r in current.itertuples(index=False)}
    types = framework.indicators["type"].to_dict() | framework.auxiliary["type"].to_dict()
    rows, places = [], []
    for k, (unit, indicator, value, status) in enumerate(listed):
        r = FIRST_ROW + k
        who = {"unit": unit, "indicator": indicator, "row": r}
        if ws[f"{LETTER['unit_code']}{r}"].value != unit or ws[f"{LETTER['indicator_id']}{r}"].value != indicator:
            add("appraisal_row_moved", cell=f"{LETTER['unit_code']}{r}", **who)
            continue
        cells = {c: ws[f"{LETTER[c]}{r}"].value for c in INPUTS}
        if all(is_blank(v) for v in cells.values()):
            continue
        if now.get((unit, indicator)) != (value, status):
            add("appraisal_reported_changed", cell=f"{LETTER['reported']}{r}", **who)
            continue
        decision = _READ_WORDS.get(plain(cells["decision"])) if not is_blank(cells["decision"]) else None
        if decision is None:
            add("appraisal_decision", cell=f"{LETTER['decision']}{r}", value=shown(cells["decision"] or ""),
                allowed=", ".join(WORDS.values()), **who)
            continue
        try:
            appraised = read_value(cells["appraised"], types[indicator])
        except Unreadable as err:
            add(err.code, cell=f"{LETTER['appraised']}{r}", **who, **err.fields)
            continue
        try:
            evidence_date = read_date(cells["evidence_date"])
        except Unreadable:
            add("appraisal_date", cell=f"{LETTER['evidence_date']}{r}", value=shown(cells["evidence_date"]), **who)
            continue
        number = _text(cells["evidence_number"])
        rows.append({"year": run.year, "unit_code": unit, "indicator_id": indicator, "reported_value": value,
                     "appraised_value": appraised, "decision": decision, "reason": _text(cells["reason"]),
                     "evidence": f"{number} | {evidence_date.isoformat()}" if evidence_date else number})
        places.append(r)
    for r in range(FIRST_ROW + len(listed), ws.max_row + 1):  # nothing typed below the listed rows
        for c in range(1, len(COLUMNS) + 1):
            cell = ws.cell(r, c)
            if not is_blank(cell.value):
                add("value_outside_inputs", cell=cell.coordinate, value=shown(cell.value))
    appraiser = ws[APPRAISER].value
    try:
        when = read_date(ws[DATE].value)
    except Unreadable:
        when = None
        add("appraisal_date", cell=DATE, value=shown(ws[DATE].value))
    if rows and is_blank(appraiser):
        add("appraisal_appraiser_missing", cell=APPRAISER)
    if rows and when is None and not any(p["cell"] == DATE for p in found):
        add("appraisal_date", cell=DATE, value="")
    new = pd.DataFrame(rows, columns=[c for c in table_mod.COLUMNS if c not in ("appraiser", "date")]).assign(
        appraiser="" if is_blank(appraiser) else str(appraiser).strip(), date=when.isoformat() if when else "")
    text = new.astype(object).where(new.notna(), "").astype(str).replace({"nan": ""})
    checked = table_mod.validate(text, framework, load_registry(run.units), run.year, file=label)
    column_of = {"appraised_value": "appraised", "decision": "decision", "reason": "reason"}
    letters = {chr(65 + i): c for i, c in enumerate(table_mod.COLUMNS)}
    for p in checked.itertuples(index=False):
        column = letters[p.cell[0]]
        if column not in column_of:
            continue  # appraiser and date are checked above, once for the sheet
        r = places[int(p.row) - 2]
        found.append({"sheet": SHEET, **{k: getattr(p, k) for k in PROBLEM_COLUMNS},
                      "row": r, "cell": f"{LETTER[column_of[column]]}{r}"})
    if found:
        return done()
    return AppraisalRead(table_mod.typed(new), _problems(found))


def _text(value: object) -> str:
    """A text cell as typed: stripped, without the apostrophe the workbook put before a formula-like text."""
    if is_blank(value):
        return ""
    text = str(value).strip()
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def _problems(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["sheet", *PROBLEM_COLUMNS]).astype(object)
    df = df.where(df.notna(), None)
    df["row"] = pd.array(df["row"], dtype="Int64")
    return df.reset_index(drop=True)


def take_in(path: Path, run: RunConfig) -> tuple[AppraisalRead, int]:
    """Read a filled workbook and, when it has no problem, append its decisions to the run's appraisal table.

    Returns the read and the number of rows added (0 when the workbook repeats the decisions in force).
    Raises ``DanvanEvalError`` when the run file names no appraisal table.
    """
    if run.appraisal is None:
        raise tr_error("appraisal.no_table", path=run.path)
    read = read_workbook(path, run)
    if not read.ok:
        return read, 0
    framework = run.load_framework()
    existing = table_mod.read_appraisal(run.appraisal, framework, load_registry(run.units), run.year)
    table = table_mod.append(existing, read.rows)
    added = len(table) - len(existing)
    if added:
        write_csv(table, run.appraisal)
    return read, added


def console(problems: pd.DataFrame) -> pd.DataFrame:
    """The problems with their places as the console names them (Sheet!G7), as a problems table."""
    return problems_frame(problems.assign(
        cell=[f"{s}!{c}" if isinstance(s, str) and isinstance(c, str) else c
              for s, c in zip(problems["sheet"], problems["cell"])], row=pd.NA))

