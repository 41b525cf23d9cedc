"""Excel templates handed to the units: one workbook per unit and year, in Vietnamese, read back by ``intake``.

Layout (the contract with ``intake``; a change here needs a new ``TEMPLATE_ID``):

- sheet ``Bìa`` (cover): unit, year, framework version, deadline, then four inputs in column B — submission
  date, person responsible, contact, and "bản sửa đổi" (a correction replacing a report already sent);
- sheets ``LV1`` … ``LV6``, one per area, and ``Bổ trợ`` for auxiliary inputs (``d_dossiers_received``): a
  header on row 4, then one row per indicator that applies to the unit's kind; columns A–F describe it (column B
  holds the indicator id, which intake reads back to check that no row moved), G is the value, H the sample size
  (survey shares only), I the status (``không áp dụng`` where the framework allows N/A), J a free note;
- a very hidden sheet ``_danvan`` with the markers: template id, framework version and sha256, year, unit code
  and kind, the layout checksum (which cells hold which indicator), the cover labels and column headings as
  written (intake compares each cell with them, so rewording them later refuses no template already sent out),
  and a checksum over all the markers (a hand-edited marker no longer matches it).

Only the input cells are unlocked; sheets and the workbook structure are protected *without a password*
(protection prevents accidents; the checksums, not the protection, prove that the structure was not edited).
Files are byte-identical for the same inputs (fixed timestamps inside the zip).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ..errors import DanvanEvalError
from ..messages import tr
from ..model.framework import Framework
from ..model.free_text import FIELDS, MAX_CHARS
from ..model.runs import RunConfig
from ..model.units import Registry, load_registry
from ..outputs import FORMULA_START, safe_child

TEMPLATE_ID = "danvan-eval/dv33-template/1"
FILE_PREFIX = "mau-bao-cao"
COVER = "Bìa"
META = "_danvan"
AUX_SHEET = "Bổ trợ"
# the units' own words: one row per question (model.free_text.FIELDS), label in A, answer in B (unlocked); an
# optional sheet (templates sent out before it existed are read without it), outside the layout checksum
FREE_SHEET = "Nhận xét"
FREE_FIRST_ROW = 3
HEADER_ROW, FIRST_ROW = 4, 5
# column letters of a data sheet
COL_ID, COL_VALUE, COL_N, COL_STATUS, COL_NOTE = "B", "G", "H", "I", "J"
COLUMNS = ("no", "id", "label", "measure", "unit", "clause", "value", "n", "status", "note")
WIDTHS = (5, 26, 34, 60, 14, 12, 14, 12, 16, 30)
# the words offered in the drop-down lists (and accepted back by intake)
YES, NO, NOT_APPLICABLE = "có", "không", "không áp dụng"
# cover rows: key → row; the input cells are column B of the last four
COVER_ROWS = {
    "unit_code": 4, "unit_name": 5, "year": 6, "framework": 7, "deadline": 8,
    "submitted": 10, "responsible": 11, "contact": 12, "correction": 13,
}
COVER_INPUTS = ("submitted", "responsible", "contact", "correction")
INSTRUCTIONS_ROW = 15
# prefixes of the markers holding the texts intake checks cell by cell: ``label:Bìa!A4``, ``header:G``
LABEL, HEADER = "label:", "header:"
# fixed zip and document timestamps: the same template is the same bytes
FIXED_TIME = dt.datetime(2022, 1, 1)

_INPUT = PatternFill("solid", fgColor="FFF2CC")
_OFF = PatternFill("solid", fgColor="D9D9D9")
_HEAD = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Slot:
    """One input row of a data sheet: where it is and what the indicator expects."""

    sheet: str
    row: int
    indicator_id: str
    type: str
    survey: bool
    allow_na: bool
    auxiliary: bool

    def cell(self, column: str) -> str:
        return f"{column}{self.row}"


def area_sheet(position: int) -> str:
    """Tab name of the ``position``-th area (1-based): ``LV1`` … (``LV`` = lĩnh vực)."""
    return f"LV{position}"


def layout(framework: Framework, kind: str) -> list[Slot]:
    """Every input row of a template for a unit of ``kind``, area sheets in framework order, then ``Bổ trợ``."""
    ind = framework.indicators
    per_area: dict[str, list[tuple]] = {area: [] for area in framework.areas.index}
    for iid, area, type_, survey, allow_na, kinds in zip(ind.index, ind["area"], ind["type"], ind["survey"],
                                                          ind["allow_na"], ind["applies_to"]):
        if kind in kinds:
            per_area[area].append((str(iid), str(type_), bool(survey), bool(allow_na)))
    slots = [Slot(area_sheet(pos), FIRST_ROW + k, iid, type_, survey, allow_na, False)
             for pos, rows in enumerate(per_area.values(), start=1) for k, (iid, type_, survey, allow_na) in enumerate(rows)]
    aux = framework.auxiliary
    mine = [(str(aid), str(t)) for aid, t, kinds in zip(aux.index, aux["type"], aux["applies_to"]) if kind in kinds]
    slots += [Slot(AUX_SHEET, FIRST_ROW + k, aid, type_, False, False, True) for k, (aid, type_) in enumerate(mine)]
    return slots


def data_sheets(framework: Framework) -> list[str]:
    """Tab names of the data sheets, in order."""
    return [area_sheet(i) for i in range(1, len(framework.areas) + 1)] + [AUX_SHEET]


def layout_sha256(framework: Framework, kind: str) -> str:
    """Checksum of what intake relies on: tab names, and which row holds which indicator with which rules."""
    data = {
        "template": TEMPLATE_ID,
        "sheets": [COVER, *data_sheets(framework)],
        "cover": COVER_ROWS,
        "slots": [[s.sheet, s.row, s.indicator_id, s.type, s.survey, s.allow_na] for s in layout(framework, kind)],
    }
    return _sha(data)


def marker_sha256(markers: dict[str, str]) -> str:
    """Checksum over every other marker: a hand-edited year, unit code or label no longer matches it."""
    return _sha({k: str(v) for k, v in markers.items() if k != "marker_sha256"})


def _sha(data: object) -> str:
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def markers(framework: Framework, year: int, unit_code: str, kind: str) -> dict[str, str]:
    """The hidden markers of a template (all text)."""
    out = {
        "template_id": TEMPLATE_ID,
        "framework_version": framework.version,
        "framework_sha256": framework.sha256,
        "year": str(year),
        "unit_code": str(unit_code),
        "unit_kind": kind,
        "layout_sha256": layout_sha256(framework, kind),
    }
    out.update({f"{LABEL}{COVER}!A{row}": tr(f"template.cover.{key}", "vi") for key, row in COVER_ROWS.items()})
    out.update({f"{HEADER}{get_column_letter(i)}": tr(f"template.col.{c}", "vi")
                for i, c in enumerate(COLUMNS, start=1)})
    out["marker_sha256"] = marker_sha256(out)
    return out


def expected_texts(markers: dict[str, str], data_sheets: list[str]) -> dict[tuple[str, str], str]:
    """``(sheet, cell) → text`` that a template with these markers shows: cover labels and column headings."""
    out = {}
    for key, text in markers.items():
        if key.startswith(LABEL):
            sheet, ref = key[len(LABEL):].rsplit("!", 1)
            out[(sheet, ref)] = text
        elif key.startswith(HEADER):
            out.update({(name, f"{key[len(HEADER):]}{HEADER_ROW}"): text for name in data_sheets})
    return out


def template_name(year: int, unit_code: str) -> str:
    """File stem of a unit's template: ``mau-bao-cao_<year>_<code>``."""
    return f"{FILE_PREFIX}_{year}_{unit_code}"


def write_templates(run: RunConfig, out_dir: Path, units: list[str] | None = None) -> list[Path]:
    """Write one template per unit for ``run.year`` into ``out_dir``; returns the paths, in unit-code order.

    Parameters
    ----------
    run : the year's run file (framework and registry are read from it).
    out_dir : folder for the ``.xlsx`` files (created).
    units : unit codes; None = every unit active in the year. A code not active in the year is an error.
    """
    framework, registry = run.load_framework(), load_registry(run.units)
    active = registry.active(run.year, framework.deadline).set_index("code")
    codes = sorted(active.index) if units is None else list(units)
    unknown = [c for c in codes if c not in active.index]
    if unknown:
        raise DanvanEvalError("\n".join(
            f"{tr('error.unknown_unit_code', 'vi', unit=c)} ({tr('label.year', 'vi')} {run.year}) / "
            f"{tr('error.unknown_unit_code', 'en', unit=c)} ({tr('label.year', 'en')} {run.year})" for c in unknown
        ))
    # the templates of one kind differ only in the cells naming the unit: each kind is built and serialised once,
    # then each of its units re-addressed and only the cover and the markers serialised again
    built: dict[str, tuple[Workbook, dict[str, bytes]]] = {}
    out = []
    for code in codes:
        path = safe_child(Path(out_dir), template_name(run.year, code), ".xlsx")
        kind = str(active.at[code, "kind"])
        if kind not in built:
            wb = build_workbook(framework, registry, run.year, code)
            built[kind] = (wb, _members(wb))
            members = built[kind][1]
        else:
            wb, members = built[kind]
            _address(wb, framework, run.year, code, active.loc[code])
            members = {**members, **_sheet_members(wb, (COVER, META))}
        out.append(_write_atomic(path, _zip(members)))
    return out


def build_workbook(
    framework: Framework, registry: Registry, year: int, unit_code: str, *, deadline: dt.date | None = None
) -> Workbook:
    """The template of one unit (not saved). ``registry`` must know ``unit_code`` in ``year``."""
    due = deadline or dt.date(year, *framework.deadline)
    unit = registry.active(year, (due.month, due.day)).set_index("code").loc[unit_code]
    kind = str(unit["kind"])
    wb = Workbook()
    wb.properties.creator = "danvan-eval"
    _cover(wb.active, unit_code, unit, year, framework, due)
    slots = layout(framework, kind)
    titles = [f"{tr('template.area', 'vi', n=pos)}: {spec['label_vi']} ({spec['clause']})"
              for pos, (_, spec) in enumerate(framework.areas.iterrows(), start=1)]
    for name, title in zip(data_sheets(framework), [*titles, tr("template.aux_title", "vi")]):
        _data_sheet(wb.create_sheet(name), title, framework, [s for s in slots if s.sheet == name])
    _free_sheet(wb.create_sheet(FREE_SHEET))
    meta = wb.create_sheet(META)
    _address(wb, framework, year, unit_code, unit)
    meta.sheet_state = "veryHidden"  # not listed by Excel's "Unhide"; intake reads it
    meta.protection.sheet = True
    wb.security = WorkbookProtection(lockStructure=True)
    return wb


def _address(wb: Workbook, framework: Framework, year: int, unit_code: str, unit: pd.Series) -> None:
    """Write the cells that name the unit: the cover's code and name (styled by ``_cover``) and the markers.

    Every other cell of a template is the same for all units of a kind, so this turns the template of one unit
    into that of another unit of the same kind.
    """
    cover = wb[COVER]
    cover[f"B{COVER_ROWS['unit_code']}"].value = _text(unit_code)
    cover[f"B{COVER_ROWS['unit_name']}"].value = _text(unit["name_vi"])
    meta = wb[META]
    for i, (key, value) in enumerate(markers(framework, year, unit_code, str(unit["kind"])).items(), start=1):
        meta.cell(i, 1, key)
        meta.cell(i, 2, value)


def _text(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets an apostrophe (as ``outputs.neutralise``)."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def _put(ws: Worksheet, ref: str, value: object, *, bold: bool = False, fill: PatternFill | None = None) -> None:
    cell = ws[ref]
    cell.value = _text(value)
    cell.alignment = _WRAP
    if bold:
        cell.font = Font(bold=True)
    if fill is not None:
        cell.fill = fill


def _unlock(ws: Worksheet, ref: str) -> None:
    ws[ref].protection = Protection(locked=False)
    ws[ref].fill = _INPUT
    ws[ref].border = _BOX


def _protect(ws: Worksheet) -> None:
    ws.protection.sheet = True
    # let people widen columns and rows to read long texts: it changes no cell
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _validation(ws: Worksheet, kind: str, ref: str, *, title: str, prompt: str, lo: object = None,
                hi: object = None, choices: tuple[str, ...] = ()) -> None:
    """Attach one Excel data validation (Vietnamese prompt shown on entry, error on a refused value) to ``ref``."""
    error = tr(f"template.error.{kind}", "vi")
    if choices:
        dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
    elif kind == "text":
        dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(hi), allow_blank=True)
    elif kind == "date":
        dv = DataValidation(type="date", operator="between", formula1=str(lo), formula2=str(hi), allow_blank=True)
    elif hi is None:
        dv = DataValidation(type="whole" if kind != "pct" else "decimal", operator="greaterThanOrEqual",
                            formula1=str(lo), allow_blank=True)
    else:
        dv = DataValidation(type="decimal", operator="between", formula1=str(lo), formula2=str(hi), allow_blank=True)
    dv.promptTitle, dv.prompt = title[:32], prompt[:255]
    dv.errorTitle, dv.error, dv.errorStyle = tr("template.error.title", "vi")[:32], error[:255], "stop"
    dv.showInputMessage = dv.showErrorMessage = True
    dv.add(ref)
    ws.add_data_validation(dv)


def _cover(ws: Worksheet, code: str, unit: pd.Series, year: int, fw: Framework, due: dt.date) -> None:
    ws.title = COVER
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 48, 60  # instructions span 108
    for ref, text, height in (("A1", tr("template.title", "vi", year=year), 36), ("A2", fw.title["vi"], 48)):
        _put(ws, ref, text, bold=ref == "A1")
        ws.merge_cells(f"{ref}:B{ref[1:]}")
        ws.row_dimensions[int(ref[1:])].height = height
    values = {"unit_code": code, "unit_name": unit["name_vi"], "year": year, "framework": fw.version,
              "deadline": due.strftime("%d/%m/%Y")}
    for key, row in COVER_ROWS.items():
        _put(ws, f"A{row}", tr(f"template.cover.{key}", "vi"), bold=key in COVER_INPUTS)
        if key in values:
            _put(ws, f"B{row}", values[key])
            ws[f"B{row}"].alignment = Alignment(horizontal="left")
        else:
            _unlock(ws, f"B{row}")
    date_ref = f"B{COVER_ROWS['submitted']}"
    ws[date_ref].number_format = "dd/mm/yyyy"
    _validation(ws, "date", date_ref, title=tr("template.cover.submitted", "vi"),
                prompt=tr("template.prompt.submitted", "vi", deadline=due.strftime("%d/%m/%Y")),
                lo=f"DATE({year},1,1)", hi=f"DATE({year + 1},12,31)")
    corr = f"B{COVER_ROWS['correction']}"
    ws[corr] = NO
    _validation(ws, "bool", corr, title=tr("template.cover.correction", "vi"),
                prompt=tr("template.prompt.correction", "vi"), choices=(YES, NO))
    lines = tr("template.instructions", "vi", deadline=due.strftime("%d/%m/%Y"), yes=YES, no=NO,
               na=NOT_APPLICABLE).split("\n")
    for i, line in enumerate(lines):
        row = INSTRUCTIONS_ROW + i
        ws.merge_cells(f"A{row}:B{row}")
        _put(ws, f"A{row}", line, bold=i == 0)
        ws.row_dimensions[row].height = _height(line, 108)
    _print_setup(ws)
    _protect(ws)


def free_rows() -> dict[str, int]:
    """Row of each free-text question on the ``Nhận xét`` sheet."""
    return {f: FREE_FIRST_ROW + i for i, f in enumerate(FIELDS)}


def _free_sheet(ws: Worksheet) -> None:
    """The unit's own words: five questions, a large unlocked cell each."""
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 30, 90
    _put(ws, "A1", tr("template.free.sheet_title", "vi", max=MAX_CHARS), bold=True)
    ws.merge_cells("A1:B1")
    for field_, row in free_rows().items():
        _put(ws, f"A{row}", tr(f"template.free.{field_}", "vi"), bold=True)
        _unlock(ws, f"B{row}")
        ws[f"B{row}"].alignment = _WRAP
        ws.row_dimensions[row].height = 120
        _validation(ws, "text", f"B{row}", title=tr(f"template.free.{field_}", "vi"),
                    prompt=tr("template.free.prompt", "vi"), lo=0, hi=MAX_CHARS)
    _protect(ws)


def _data_sheet(ws: Worksheet, title: str, fw: Framework, slots: list[Slot]) -> None:
    _put(ws, "A1", title, bold=True)
    ws.merge_cells("A1:J1")
    ws.row_dimensions[1].height = 32
    _put(ws, "A2", tr("template.sheet_help", "vi", yes=YES, no=NO, na=NOT_APPLICABLE))
    ws.merge_cells("A2:J2")
    ws.row_dimensions[2].height = 32
    ws.row_dimensions[HEADER_ROW].height = 32
    for i, (name, width) in enumerate(zip(COLUMNS, WIDTHS), start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = width
        _put(ws, f"{letter}{HEADER_ROW}", tr(f"template.col.{name}", "vi"), bold=True, fill=_HEAD)
        ws[f"{letter}{HEADER_ROW}"].border = _BOX
    for k, slot in enumerate(slots, start=1):
        table = fw.auxiliary if slot.auxiliary else fw.indicators
        spec = table.loc[slot.indicator_id]
        measure = spec["measure_vi"]
        if isinstance(spec["help_vi"], str) and spec["help_vi"]:
            measure = f"{measure}\n{tr('template.how', 'vi')}: {spec['help_vi']}"
        cells = {"A": k, "B": slot.indicator_id, "C": spec["label_vi"], "D": measure, "E": spec["unit_vi"],
                 "F": spec.get("clause", "")}  # auxiliary inputs have no plan clause
        for col, value in cells.items():
            _put(ws, f"{col}{slot.row}", value)
            ws[f"{col}{slot.row}"].border = _BOX
        _value_input(ws, slot, spec)
        for col, wanted in ((COL_N, slot.survey), (COL_STATUS, slot.allow_na)):
            if not wanted:
                ws[slot.cell(col)].fill = _OFF
                ws[slot.cell(col)].border = _BOX
        _unlock(ws, slot.cell(COL_NOTE))
        # spreadsheets do not grow a row to fit wrapped text written by openpyxl: size it from the longest text
        ws.row_dimensions[slot.row].height = max(_height(str(cells["C"]), WIDTHS[2]), _height(measure, WIDTHS[3]))
    ws.freeze_panes = f"A{FIRST_ROW}"
    _print_setup(ws, landscape=True)
    _protect(ws)


def _height(text: str, width: float) -> float:
    """Row height (points) that shows ``text`` wrapped in a column ``width`` characters wide."""
    lines = sum(max(1, -(-len(part) // max(1, int(width * 0.95)))) for part in text.split("\n"))
    return 15.0 * lines


def _print_setup(ws: Worksheet, landscape: bool = False) -> None:
    """A4, one page wide, so that a printed template is readable."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _value_input(ws: Worksheet, slot: Slot, spec: pd.Series) -> None:
    """Unlock and validate the value cell (and the n and status cells where they apply)."""
    ref, label = slot.cell(COL_VALUE), str(spec["label_vi"])
    _unlock(ws, ref)
    help_vi = spec["help_vi"] if isinstance(spec["help_vi"], str) else tr(f"template.prompt.{slot.type}", "vi")
    if slot.type == "bool":
        _validation(ws, "bool", ref, title=label, prompt=help_vi, choices=(YES, NO))
    elif slot.type == "pct":
        _validation(ws, "pct", ref, title=label, prompt=help_vi, lo=0, hi=100)
    else:
        _validation(ws, "count", ref, title=label, prompt=help_vi, lo=0)
    if slot.survey:
        _unlock(ws, slot.cell(COL_N))
        _validation(ws, "n", slot.cell(COL_N), title=tr("template.col.n", "vi"),
                    prompt=tr("template.prompt.n", "vi"), lo=1)
    if slot.allow_na:
        _unlock(ws, slot.cell(COL_STATUS))
        _validation(ws, "status", slot.cell(COL_STATUS), title=tr("template.col.status", "vi"),
                    prompt=tr("template.prompt.status", "vi", na=NOT_APPLICABLE), choices=(NOT_APPLICABLE,))


def workbook_bytes(wb: Workbook) -> bytes:
    """The ``.xlsx`` bytes of ``wb`` with fixed timestamps, so that the same workbook is the same bytes.

    Text cells starting like a formula must already be neutralised (``_text``): openpyxl would store them as
    formulas.
    """
    return _zip(_members(wb))


def save_workbook(wb: Workbook, path: Path) -> Path:
    """Write ``workbook_bytes(wb)`` to ``path`` through a temporary sibling, so no reader sees half a file."""
    return _write_atomic(Path(path), workbook_bytes(wb))


def _write_atomic(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


class _Parts:
    """Stands in for the zip openpyxl's writer fills: keeps each part's bytes, in order (openpyxl would stamp the
    zip entries with the clock)."""

    def __init__(self) -> None:
        self.parts: dict[str, bytes] = {}

    def writestr(self, name: str, data: bytes | str) -> None:
        self.parts[name] = data.encode("utf-8") if isinstance(data, str) else data

    def write(self, filename: str, arcname: str) -> None:
        self.parts[arcname] = Path(filename).read_bytes()

    def namelist(self) -> list[str]:
        return list(self.parts)

    def close(self) -> None:
        pass


def _members(wb: Workbook) -> dict[str, bytes]:
    """Every part of the ``.xlsx`` of ``wb`` (path in the zip → bytes), dated ``FIXED_TIME``."""
    wb.properties.created = wb.properties.modified = FIXED_TIME
    parts = _Parts()
    ExcelWriter(wb, parts).save()
    return parts.parts


def _sheet_members(wb: Workbook, names: tuple[str, ...]) -> dict[str, bytes]:
    """The parts of the sheets ``names`` alone, serialised again (``wb`` went through ``_members`` before)."""
    out = {}
    for name in names:
        ws = wb[name]
        ws.column_dimensions.max_outline = None  # as before the first serialisation, which sets it
        writer = WorksheetWriter(ws, out=io.BytesIO())
        writer.write()
        out[ws.path[1:]] = writer.read()
    return out


def _zip(parts: dict[str, bytes]) -> bytes:
    """The zip of ``parts``, every entry dated ``FIXED_TIME``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items():
            entry = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, data)
    return out.getvalue()
