"""Filled templates in: check each is ours and unedited, read it into the canonical tables, report every problem.

``intake(paths, run, out_dir)`` reads every ``.xlsx`` given (folders recursively), and for each file checks, in
order: it opens; it carries our markers, unedited (``templates.marker_sha256``); its framework version is the
run's; it is for the run's year and for a unit expected that year; its layout is the one the current framework
gives that unit's kind; no sheet, row or marker was moved, added or deleted. Only then are the cells read
(``intake_values``: decimal commas, "có/không", ``%``…) and the value rules of ``observations.validate`` applied;
their row numbers are mapped back to sheet cells. The files are read by a pool of processes, one per idle core,
when there are enough of them (the result is the same). Two original files for one unit are refused; a file marked
"bản sửa đổi" (correction) replaces the unit's earlier one, and both are kept in the submissions table.

Writes into ``out_dir``: always ``validation_<Y>.xlsx`` and ``.html`` (the report sent back to the units); and,
only when no problem was found, ``observations_<Y>.csv``, ``submissions_<Y>.csv``, ``free_text_<Y>.csv`` (the units' own
words, sheet ``Nhận xét``) and a byte-for-byte copy of each
accepted file in ``raw/``. Each file is staged then renamed, so a failed intake leaves the previous tables.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import re
import shutil
import tempfile
import unicodedata
import zipfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..evaluation import compliance as compliance_mod
from ..evaluation import plausibility
from ..evaluation.scoring import score
from ..evaluation.year import earlier_observations
from ..messages import tr
from ..model import free_text as free_mod
from ..model import observations as obs_mod
from ..model.framework import Framework
from ..model.plausibility import load_plausibility
from ..model.runs import RunConfig
from ..model.units import Registry, load_registry
from ..outputs import safe_child, sha256, write_csv
from ..problems import PROBLEM_COLUMNS, format_problems, problem, problems_frame
from ..processes import pool_worker
from . import cells
from . import templates as tpl
from .report import write_report
from .values import Unreadable, is_blank, read_date, read_status, read_value, read_yes_no, shown

OBS_COLUMNS = ["year", "unit_code", "indicator_id", "value", "status", "source", "n"]
SUB_COLUMNS = ["year", "unit_code", "received", "source", "correction"]
COLUMNS = ["file", "sheet", *[c for c in PROBLEM_COLUMNS if c != "file"]]
READ_SUFFIXES = {".xlsx", ".xlsm"}  # .xlsm only to say why it is refused (macros)
# a filled template unpacks to well under 1 MB; these bounds refuse a zip bomb before anything is unpacked
MAX_UNPACKED, MAX_ENTRIES, MAX_SHEETS = 32 * 2**20, 200, 20
MAX_STRAY = 20  # stray cells named per sheet
MIN_FILES_PER_WORKER = 8  # fewer files are read in this process: forking would cost more than it saves
OLD_SUFFIXES = {".xls", ".ods", ".xlsb"}  # spreadsheets we cannot read: said so, never ignored
# value-rule codes of observations.validate that concern the sample-size or the status cell, not the value cell
N_CODES = {"n_missing", "n_invalid"}
STATUS_CODES = {"unknown_status", "na_not_allowed"}


@dataclass
class FileRead:
    """What one file gave: who and when, its rows (canonical), and the problems found in it."""

    label: str
    path: Path
    sha256: str
    unit_code: str | None = None
    correction: bool = False
    received: dt.date | None = None
    file_date: dt.date | None = None  # when the file was written here: the cover's date can be typed earlier
    observations: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=OBS_COLUMNS))
    free_text: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=free_mod.COLUMNS))
    problems: list[dict] = field(default_factory=list)
    state: str = "rejected"  # accepted | replaced | rejected
    # while ``observations.validate`` is still to run on the rows read (``validate_reads``): the slot of each
    # row, and where in ``problems`` its findings go (after the cells' own problems, before the free text's)
    placed: list[tpl.Slot] | None = None
    validate_at: int = 0

    def add(self, code: str, *, sheet: str | None = None, cell: str | None = None, row: int | None = None,
            indicator: str | None = None, **fields: object) -> None:
        found = problem(code, file=self.label, cell=cell, row=row, unit=self.unit_code, indicator=indicator,
                        sheet=sheet, **fields)
        self.problems.append({"sheet": sheet, **asdict(found)})


@dataclass(frozen=True)
class IntakeResult:
    """The outcome of one intake; ``ok`` only when every file was read without a problem.

    ``files``: one row per file read (``file, sha256, unit_code, received, correction, state, problems``);
    ``observations`` and ``submissions``: the canonical tables written (empty when not ``ok``); ``problems``:
    ``problems.PROBLEM_COLUMNS`` plus ``sheet``; ``findings``: the plausibility warnings (``cần xác minh``, never
    blocking: ``evaluation.plausibility.FINDING_COLUMNS`` plus ``sheet``); ``compliance``: ``compliance.compliance`` of every expected unit;
    ``report``: the validation report (``.xlsx``, ``.html``); ``written``: raw copies and tables written.
    """

    year: int
    ok: bool
    files: pd.DataFrame
    observations: pd.DataFrame
    submissions: pd.DataFrame
    problems: pd.DataFrame
    compliance: pd.DataFrame
    report: tuple[Path, Path]
    written: tuple[Path, ...] = ()
    findings: pd.DataFrame = field(default_factory=plausibility.empty)

    def describe(self, lang: str = "vi") -> str:
        """A console summary in ``lang``: what was read and written, every problem, who has not reported yet."""
        lines = []
        n_files, n_units = len(self.files), int(self.files.loc[self.files["state"] == "accepted", "unit_code"].nunique())
        if self.ok:
            lines.append("✔ " + tr("intake.ok", lang, year=self.year, files=n_files, units=n_units))
            lines += [f"  {p}" for p in self.written if p.suffix == ".csv"]
        else:
            lines.append("✘ " + tr("intake.failed", lang, year=self.year, n=len(self.problems), files=n_files))
            lines.append(format_problems(problems_frame(_console(self.problems)), lang, limit=30))
        if len(self.findings):
            lines.append("⚠ " + tr("plausibility.to_verify", lang, n=len(self.findings),
                                    units=self.findings["unit"].nunique()))
            lines.append(format_problems(problems_frame(_console(self.findings)), lang, limit=30))
        absent = self.compliance[~self.compliance["reported"].astype(bool)]
        if len(absent):
            names = ", ".join(f"{c} {n}" for c, n in zip(absent["unit_code"], absent["name_vi"]))
            lines.append(tr("intake.not_received", lang, n=len(absent), expected=len(self.compliance), units=names))
        lines.append(tr("intake.report", lang, path=self.report[1]))
        return "\n".join(lines)


def _console(df: pd.DataFrame) -> pd.DataFrame:
    """The places as the console names them, Sheet!G7 (the row is already in the cell)."""
    return df.assign(
        cell=[f"{s}!{c}" if isinstance(s, str) and isinstance(c, str) else (s if isinstance(s, str) else c)
              for s, c in zip(df["sheet"], df["cell"])],
        row=pd.NA,
    )


def intake(paths: list[Path], run: RunConfig, out_dir: Path, *, workers: int | None = None) -> IntakeResult:
    """Read filled templates for ``run.year`` into ``out_dir`` (see the module docstring for what is written).

    Parameters
    ----------
    paths : files and folders (searched recursively for ``.xlsx``; Office lock files ``~$…`` are skipped).
    run : the year's run file (framework, registry, deadline).
    out_dir : where the tables, the validation report and the raw copies go.
    workers : processes reading the files (None: one per idle core; the result is the same).
    """
    framework, registry = run.load_framework(), load_registry(run.units)
    out_dir = Path(out_dir)
    found, loose = collect([Path(p) for p in paths], out_dir)
    reads = _read_all(found, framework, registry, run.year, workers)
    validate_reads(reads, framework, registry, run.year)
    resolve(reads)
    if not found and not loose:
        loose = [_loose("no_files", paths=", ".join(map(str, paths)))]
    problems = _problems(loose + [p for r in reads for p in r.problems])
    ok = problems.empty
    observations = _sorted_obs([r.observations for r in reads if r.state == "accepted"], framework)
    submissions = _submissions(reads, run.year)
    checked = obs_mod.check(observations, framework, registry, run.year) if len(observations) else observations
    comp = _compliance(checked, submissions, framework, registry, run.year)
    to_verify = _to_verify(checked, run, framework, registry)
    files = _files_table(reads)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = write_report(out_dir, run.year, ok=ok, files=files, problems=problems, compliance=comp,
                          summary=compliance_mod.summary(comp), findings=to_verify)
    if not ok:
        return IntakeResult(run.year, False, files, observations.iloc[0:0], submissions.iloc[0:0], problems, comp,
                            report, findings=to_verify)
    free = [r.free_text for r in reads if r.state == "accepted" and len(r.free_text)]
    free_text = (pd.concat(free, ignore_index=True).sort_values(["unit_code"], kind="stable") if free
                 else pd.DataFrame(columns=free_mod.COLUMNS))
    written = _write_tables(out_dir, run.year, reads, observations, submissions, free_text)
    return IntakeResult(run.year, True, files, observations, submissions, problems, comp, report, written,
                        findings=to_verify)


def _to_verify(checked: pd.DataFrame, run: RunConfig, framework: Framework, registry: Registry) -> pd.DataFrame:
    """The plausibility findings of the values read, each placed at its file, sheet and cell (warnings: they
    never stop an intake)."""
    if not len(checked):
        return plausibility.empty().assign(sheet=None)
    rules = load_plausibility(framework, run.plausibility)
    history = earlier_observations(run, framework, registry, run.year)
    found = plausibility.findings(pd.concat([history, checked], ignore_index=True), framework, registry, run.year,
                                  rules)
    source = checked.set_index(["unit_code", "indicator_id"])["source"]
    place = pd.Series([source.get((u, i), "") for u, i in zip(found["unit"], found["indicator"])], dtype=object)
    parts = place.str.extract(r"^\[(?P<file>.*)\](?P<sheet>[^!]*)!(?P<cell>.*)$")
    return found.assign(file=parts["file"].to_numpy(), sheet=parts["sheet"].to_numpy(), cell=parts["cell"].to_numpy())


def _loose(code: str, file: str | None = None, **fields: object) -> dict:
    """A problem that belongs to no template (a path, a file type)."""
    return {"sheet": None, **asdict(problem(code, file=file, **fields))}


# ---------------------------------------------------------------- finding the files
def collect(paths: list[Path], out_dir: Path) -> tuple[list[tuple[str, Path]], list[dict]]:
    """``(label, path)`` of every spreadsheet to read, sorted; problems for paths that cannot be read at all.

    A folder's files are labelled by their path inside it. Anything under ``out_dir`` (the raw copies of earlier
    intakes) is skipped, as are hidden files and Office lock files.
    """
    out_root = out_dir.resolve()
    files, problems = {}, []
    for given in paths:
        if not given.exists():
            problems.append(_loose("path_not_found", file=str(given)))
            continue
        if given.is_file():
            candidates = [(given.name, given)]
        else:
            candidates = [(p.relative_to(given).as_posix(), p) for p in sorted(given.rglob("*")) if p.is_file()]
        for label, path in candidates:
            resolved = path.resolve()
            if out_root == resolved or out_root in resolved.parents or path.name.startswith(("~$", ".")):
                continue
            suffix = path.suffix.lower()
            if suffix in READ_SUFFIXES:
                files.setdefault(resolved, (label, path))
            elif suffix in OLD_SUFFIXES or given.is_file():
                problems.append(_loose("unsupported_file", file=label, suffix=suffix or "—"))
    return sorted(files.values(), key=lambda lp: lp[0]), problems


# ---------------------------------------------------------------- one file
def read_file(path: Path, label: str, framework: Framework, registry: Registry, year: int) -> FileRead:
    """Check and read one filled template; every problem found is in ``.problems`` (nothing is raised)."""
    read = _read_cells(path, label, framework, registry, year)
    validate_reads([read], framework, registry, year)
    return read


def _read_all(found: list[tuple[str, Path]], framework: Framework, registry: Registry, year: int,
              workers: int | None) -> list[FileRead]:
    """``_read_cells`` of every ``(label, path)``, in order; in a pool of forked processes when there are
    enough files for each (they inherit the framework and the libraries instead of loading them again)."""
    workers = min(workers or _cores(), len(found) // MIN_FILES_PER_WORKER)
    forkable = "fork" in multiprocessing.get_all_start_methods() and not multiprocessing.current_process().daemon
    if workers < 2 or not forkable:
        return [_read_cells(path, label, framework, registry, year) for label, path in found]
    _template_cells_of_every_kind(framework, registry, year)  # built once here, not once in each worker
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                             initargs=(framework, registry, year, os.getpid())) as pool:
        return list(pool.map(_read_in_worker, found, chunksize=4))


def _cores() -> int:
    """The cores this process may use that other processes are not already busy on (1-minute load average):
    the pool gains on idle cores only (measured on 2 cores at a load of 4 or more: no gain, 10 % more CPU)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    busy = int(os.getloadavg()[0]) if hasattr(os, "getloadavg") else 0
    return max(1, cores - busy)


_WORKER: tuple = ()


def _init_worker(framework: Framework, registry: Registry, year: int, parent: int) -> None:
    pool_worker(parent)
    global _WORKER
    _WORKER = (framework, registry, year)


def _read_in_worker(found: tuple[str, Path]) -> FileRead:
    label, path = found
    return _read_cells(path, label, *_WORKER)


def _read_cells(path: Path, label: str, framework: Framework, registry: Registry, year: int) -> FileRead:
    """``read_file`` up to ``observations.validate``, which ``validate_reads`` applies to the rows read."""
    read = FileRead(label=label, path=path, sha256=sha256(path), file_date=_file_date(path))
    if not _check_archive(read):
        return read
    try:
        formulas = cells.load(path, data_only=False)
    except Exception as err:  # noqa: BLE001 — any failure to parse (zip, XML, content types) = unreadable
        read.add("file_unreadable", detail=type(err).__name__)
        return read
    identity = _check_markers(read, formulas, framework, registry, year)
    if identity is None:
        return read
    meta, slots = identity
    if not _check_structure(read, formulas, meta, framework, slots, year):
        return read
    # formulas are rare in a filled template: only then read the file again for the values saved with them
    values = cells.load(path, data_only=True) if _has_formulas(formulas, slots) else formulas
    _read_cover(read, values, year)
    _check_stray_cells(read, formulas, slots, framework, registry, year)
    _read_values(read, formulas, values, slots, year)
    _read_free_text(read, values, year)
    return read


def _file_date(path: Path) -> dt.date:
    """The day the file was last written here (received, copied): shown beside the date typed on the cover."""
    return dt.datetime.fromtimestamp(path.stat().st_mtime).date()


def _check_archive(read: FileRead) -> bool:
    """Look inside the .xlsx (a zip) before loading it: no macros, and sizes a filled template can have.

    A workbook of a few MB can unpack to gigabytes (25 million cells in an extra sheet): it is refused from the
    sizes the zip declares, without unpacking anything.
    """
    try:
        with zipfile.ZipFile(read.path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as err:
        read.add("file_unreadable", detail=type(err).__name__)
        return False
    names = [e.filename for e in entries]
    if read.path.suffix.lower() == ".xlsm" or any(n.lower().endswith("vbaproject.bin") for n in names):
        read.add("macro_file")
        return False
    unpacked = sum(e.file_size for e in entries)
    sheets = [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    if unpacked > MAX_UNPACKED or len(entries) > MAX_ENTRIES or len(sheets) > MAX_SHEETS:
        read.add("file_too_large", size=round(unpacked / 2**20, 1), limit=MAX_UNPACKED // 2**20, sheets=len(sheets))
        return False
    return True


def _check_stray_cells(read: FileRead, wb, slots: list[tpl.Slot], framework: Framework, registry: Registry,
                       year: int) -> None:
    """Any non-empty cell where the template has nothing and no value belongs is a problem at its place (a
    value typed beside its cell would otherwise be read as missing)."""
    filled = _template_cells(framework, registry, year, read.unit_code)
    inputs = {(tpl.COVER, f"B{tpl.COVER_ROWS[k]}") for k in tpl.COVER_INPUTS}
    for slot in slots:
        inputs |= {(slot.sheet, slot.cell(c)) for c in (tpl.COL_VALUE, tpl.COL_STATUS, tpl.COL_NOTE)}
        if slot.survey:
            inputs.add((slot.sheet, slot.cell(tpl.COL_N)))
    for name in [tpl.COVER, *tpl.data_sheets(framework)]:
        ws = wb[name]
        stray = []
        for (row, column), cell in sorted(ws.cells.items()):  # only the cells the file holds
            if is_blank(cell.value) or (name, cell.coordinate) in inputs:
                continue
            if (name, row, column) not in filled:
                stray.append(cell)
        for cell in stray[:MAX_STRAY]:
            read.add("value_outside_inputs", sheet=name, cell=cell.coordinate, value=shown(cell.value))


_TEMPLATE_CELLS: dict[tuple, frozenset] = {}


def _template_cells_of_every_kind(framework: Framework, registry: Registry, year: int) -> None:
    active = registry.active(year, framework.deadline)
    for code in active.drop_duplicates("kind")["code"]:
        _template_cells(framework, registry, year, code)


def _template_cells(framework: Framework, registry: Registry, year: int, code: str) -> frozenset:
    """``(sheet, row, column)`` of every cell the template of ``code`` fills (the same for a kind of unit)."""
    kind = str(registry.active(year, framework.deadline).set_index("code").at[code, "kind"])
    key = (framework.sha256, year, kind)
    if key not in _TEMPLATE_CELLS:
        wb = tpl.build_workbook(framework, registry, year, code)
        _TEMPLATE_CELLS[key] = frozenset((ws.title, r, c) for ws in wb.worksheets
                                         for (r, c), cell in ws._cells.items() if not is_blank(cell.value))
    return _TEMPLATE_CELLS[key]


def _has_formulas(wb, slots: list[tpl.Slot]) -> bool:
    refs = [(tpl.COVER, f"B{tpl.COVER_ROWS[k]}") for k in tpl.COVER_INPUTS]
    refs += [(s.sheet, s.cell(c)) for s in slots for c in (tpl.COL_VALUE, tpl.COL_N, tpl.COL_STATUS)]
    return any(isinstance(v, str) and v.startswith("=") for v in (wb[sheet][ref].value for sheet, ref in refs))


def _check_markers(read: FileRead, wb, framework: Framework, registry: Registry,
                   year: int) -> tuple[dict[str, str], list[tpl.Slot]] | None:
    """The template's identity; returns its markers and expected layout, or None when it cannot be trusted."""
    if tpl.META not in wb.sheetnames:
        read.add("not_our_template")
        return None
    meta = {str(k): "" if v is None else str(v) for k, v in wb[tpl.META].rows(max_col=2)
            if k is not None}
    if meta.get("template_id") != tpl.TEMPLATE_ID:
        read.add("not_our_template")
        return None
    if tpl.marker_sha256(meta) != meta.get("marker_sha256"):
        read.add("marker_changed", sheet=tpl.META)
        return None
    read.unit_code = code = meta["unit_code"]  # the unit the template claims: named in every problem below
    if meta["framework_version"] != framework.version:
        read.add("framework_version_mismatch", sheet=tpl.COVER, cell=f"B{tpl.COVER_ROWS['framework']}",
                 found=meta["framework_version"], expected=framework.version)
        return None
    if meta["year"] != str(year):
        read.add("template_other_year", sheet=tpl.COVER, cell=f"B{tpl.COVER_ROWS['year']}", found=meta["year"],
                 year=year)
        return None
    active = registry.active(year, framework.deadline).set_index("code")
    if code not in active.index:
        read.add("template_unit_not_expected", sheet=tpl.COVER, cell=f"B{tpl.COVER_ROWS['unit_code']}",
                 found=code, year=year)
        return None
    kind = str(active.at[code, "kind"])
    if meta["unit_kind"] != kind or meta["layout_sha256"] != tpl.layout_sha256(framework, kind):
        read.add("framework_changed", sheet=tpl.META, version=framework.version)
        return None
    # "mau-bao-cao_2024_540 (1)" or "…_540_final" is 540's file renamed by a browser or a person: accepted
    named = re.match(rf"{tpl.FILE_PREFIX}_(\d{{4}})_([A-Za-z0-9.-]+?)(?=$|[ _(\[]|-?\()", read.path.stem)
    if named and (named[1] != str(year) or named[2] != code):
        read.add("file_name_mismatch", name=read.path.name, found=code, year=year)
    return meta, tpl.layout(framework, kind)


def _check_structure(read: FileRead, wb, meta: dict[str, str], framework: Framework, slots: list[tpl.Slot],
                     year: int) -> bool:
    """True if every sheet, header, label and indicator row is where the template put it."""
    before = len(read.problems)
    expected = [tpl.COVER, *tpl.data_sheets(framework), tpl.META]
    for name in expected:
        if name not in wb.sheetnames:
            read.add("sheet_missing", sheet=name)
    for name in wb.sheetnames:
        if name not in expected and name != tpl.FREE_SHEET:  # the free-text sheet is optional (older templates)
            read.add("extra_sheet", sheet=name)
    if len(read.problems) > before:
        return False
    texts = tpl.expected_texts(meta, tpl.data_sheets(framework))
    wanted = {ref: text for (sheet, ref), text in texts.items() if sheet == tpl.COVER}
    wanted[f"B{tpl.COVER_ROWS['unit_code']}"] = read.unit_code
    wanted[f"B{tpl.COVER_ROWS['year']}"] = str(year)
    _compare(read, wb[tpl.COVER], tpl.COVER, wanted)
    for name in tpl.data_sheets(framework):
        ws, mine = wb[name], [s for s in slots if s.sheet == name]
        wanted = {ref: text for (sheet, ref), text in texts.items() if sheet == name}
        wanted.update({s.cell(tpl.COL_ID): s.indicator_id for s in mine})
        if _compare(read, ws, name, wanted):
            last = tpl.FIRST_ROW + len(mine) - 1
            for row in range(last + 1, ws.max_row + 1):  # nothing may follow the last indicator
                filled = [c for c in (tpl.COL_ID, tpl.COL_VALUE) if not is_blank(ws[f"{c}{row}"].value)]
                if filled:
                    read.add("structure_changed", sheet=name, cell=f"{filled[0]}{row}", expected="",
                             found=shown(ws[f"{filled[0]}{row}"].value))
                    break
    return len(read.problems) == before


def _compare(read: FileRead, ws, sheet: str, wanted: dict[str, str]) -> bool:
    """Add one problem at the first cell that differs from ``wanted`` (in sheet order); True if none differs."""
    for ref in sorted(wanted, key=lambda r: (int(re.sub(r"\D", "", r)), r)):
        value = ws[ref].value
        if ("" if value is None else shown(value)) != wanted[ref]:
            read.add("structure_changed", sheet=sheet, cell=ref, expected=wanted[ref],
                     found="" if value is None else shown(value))
            return False
    return True


def _read_cover(read: FileRead, wb, year: int) -> None:
    ws = wb[tpl.COVER]
    ref = {key: f"B{row}" for key, row in tpl.COVER_ROWS.items()}
    try:
        received = read_date(ws[ref["submitted"]].value)
        if received is None:
            read.add("submitted_missing", sheet=tpl.COVER, cell=ref["submitted"])
        elif not dt.date(year, 1, 1) <= received <= dt.date.today():
            read.add("submitted_out_of_range", sheet=tpl.COVER, cell=ref["submitted"],
                     value=received.strftime("%d/%m/%Y"), year=year)
        else:
            read.received = received
    except Unreadable as err:
        read.add(err.code, sheet=tpl.COVER, cell=ref["submitted"], **err.fields)
    if is_blank(ws[ref["responsible"]].value):
        read.add("responsible_missing", sheet=tpl.COVER, cell=ref["responsible"])
    try:
        read.correction = read_yes_no(ws[ref["correction"]].value)
    except Unreadable as err:
        read.add(err.code, sheet=tpl.COVER, cell=ref["correction"], **err.fields)


def _read_values(read: FileRead, formulas, values, slots: list[tpl.Slot], year: int) -> None:
    """Read each slot's cells into ``read.observations``; unreadable ones become problems (the rest go through
    ``observations.validate`` in ``validate_reads``)."""
    rows, placed = [], []
    for slot in slots:
        parsed = {}
        for key, column, kind in (("value", tpl.COL_VALUE, slot.type), ("status", tpl.COL_STATUS, None),
                                  ("n", tpl.COL_N, "n")):
            if key == "n" and not slot.survey:
                continue  # the cell is locked and greyed: nothing there is read
            try:
                got = _cell(formulas[slot.sheet], values[slot.sheet], slot.cell(column), kind)
                parsed[key] = read_status(got) if key == "status" else got
            except Unreadable as err:
                read.add(err.code, sheet=slot.sheet, cell=slot.cell(column), row=slot.row,
                         indicator=slot.indicator_id, **err.fields)
        if len(parsed) < (3 if slot.survey else 2):
            continue  # a cell was unreadable: already a problem, validate would only repeat it
        value, status = parsed["value"], parsed["status"]
        rows.append({
            "year": year, "unit_code": read.unit_code, "indicator_id": slot.indicator_id,
            "value": float("nan") if value is None else value,
            "status": status or ("missing" if value is None else "reported"),
            "source": f"[{read.label}]{slot.sheet}!{slot.cell(tpl.COL_VALUE)}",
            "n": parsed.get("n"),
        })
        placed.append(slot)
    table = pd.DataFrame(rows, columns=OBS_COLUMNS)
    table["value"] = table["value"].astype(float)
    table["n"] = pd.array(table["n"], dtype="Int64")
    read.observations, read.placed, read.validate_at = table, placed, len(read.problems)


def validate_reads(reads: list[FileRead], framework: Framework, registry: Registry, year: int) -> None:
    """Apply the value rules of ``observations.validate`` to the rows of every file read (their findings placed
    at the sheet cells), then accept each file without a problem.

    The rows of files of distinct units are validated together first: the rules hold row by row, or within a
    unit (one row per indicator), so only a file with a finding there can have one; each such file is then
    validated alone, for findings that name it and its rows.
    """
    pending = [r for r in reads if r.placed is not None]
    flagged = _flagged(pending, framework, registry, year)
    for r in pending:
        if id(r) in flagged:
            found = obs_mod.validate(r.observations, framework, registry, year, file=r.label)
            r.problems[r.validate_at:r.validate_at] = _placed(r, found)
        r.placed = None
    for r in reads:
        if not r.problems:
            r.state = "accepted"


def _flagged(reads: list[FileRead], framework: Framework, registry: Registry, year: int) -> set[int]:
    """``id`` of each read whose rows give a finding when validated together with other units' rows."""
    batches: list[dict[str, FileRead]] = []  # unit → read: no unit twice in a batch
    for r in reads:
        if len(r.observations):
            batch = next((b for b in batches if r.unit_code not in b), None)
            if batch is None:
                batches.append(batch := {})
            batch[r.unit_code] = r
    flagged: set[int] = set()
    for batch in batches:
        members = list(batch.values())
        found = obs_mod.validate(pd.concat([r.observations for r in members], ignore_index=True), framework,
                                 registry, year)
        if found["row"].isna().any():  # a finding about the whole table: validate each alone
            flagged |= {id(r) for r in members}
            continue
        ends = np.cumsum([len(r.observations) for r in members])
        for row in found["row"].astype(int).unique():  # validate counts the header as row 1
            flagged.add(id(members[int(np.searchsorted(ends, row - 2, side="right"))]))
    return flagged


def _placed(read: FileRead, found: pd.DataFrame) -> list[dict]:
    """The findings of ``observations.validate`` on ``read.observations``, at the sheet cells of their rows."""
    out = []
    for _, p in found.iterrows():
        slot = read.placed[int(p["row"]) - 2] if pd.notna(p["row"]) else None  # validate counts the header as row 1
        column = tpl.COL_N if p["code"] in N_CODES else tpl.COL_STATUS if p["code"] in STATUS_CODES else tpl.COL_VALUE
        indicator = p["indicator"] if pd.notna(p["indicator"]) else (slot.indicator_id if slot else None)
        out.append({
            "sheet": slot.sheet if slot else None, "file": read.label, "row": slot.row if slot else None,
            "cell": slot.cell(column) if slot else None, "unit": read.unit_code, "indicator": indicator,
            "code": p["code"], "message_vi": p["message_vi"], "message_en": p["message_en"],
        })
    return out


def _read_free_text(read: FileRead, wb, year: int) -> None:
    """The unit's own words from the optional ``Nhận xét`` sheet: each question's label where the template put it,
    each answer text of at most ``MAX_CHARS`` characters (empty answers are left out)."""
    if tpl.FREE_SHEET not in wb.sheetnames:
        return
    ws, rows = wb[tpl.FREE_SHEET], []
    for field_, row in tpl.free_rows().items():
        label = tr(f"template.free.{field_}", "vi")
        if shown(ws[f"A{row}"].value or "") != label:
            read.add("structure_changed", sheet=tpl.FREE_SHEET, cell=f"A{row}", expected=label,
                     found=shown(ws[f"A{row}"].value or ""))
            continue
        value = ws[f"B{row}"].value
        text = "" if is_blank(value) else str(value).strip()
        if len(text) > free_mod.MAX_CHARS:
            read.add("free_text_length", sheet=tpl.FREE_SHEET, cell=f"B{row}", n=len(text), max=free_mod.MAX_CHARS)
        elif text:
            rows.append({"year": year, "unit_code": read.unit_code, "field": field_, "text": text})
    read.free_text = pd.DataFrame(rows, columns=free_mod.COLUMNS)


def _cell(ws, wsv, ref: str, kind: str | None) -> object:
    """A cell's saved value (a formula counts by the value saved with it), read as ``kind`` when given."""
    formula, value = ws[ref].value, wsv[ref].value
    if isinstance(formula, str) and formula.startswith("=") and value is None:
        raise Unreadable("formula_without_value", value=formula)
    return value if kind is None else read_value(value, kind, ws[ref].number_format)


# ---------------------------------------------------------------- across files
def resolve(reads: list[FileRead]) -> None:
    """One report per unit: two originals are refused; the latest correction replaces the earlier files.

    Files with problems take no part (they are rejected anyway); states are set in place.
    """
    by_unit: dict[str, list[FileRead]] = {}
    for r in reads:
        if r.state == "accepted":
            by_unit.setdefault(r.unit_code, []).append(r)
    for code, group in sorted(by_unit.items()):
        originals = [r for r in group if not r.correction]
        corrections = sorted((r for r in group if r.correction), key=lambda r: (r.received, r.label))
        if len(originals) > 1:
            for r in originals:
                others = ", ".join(o.label for o in originals if o is not r)
                r.add("duplicate_unit", others=others)
                r.state = "rejected"
        if len(corrections) > 1 and corrections[-1].received == corrections[-2].received:
            for r in corrections:
                if r.received == corrections[-1].received:
                    others = ", ".join(o.label for o in corrections if o is not r and o.received == r.received)
                    r.add("duplicate_correction", others=others, date=r.received.strftime("%d/%m/%Y"))
                    r.state = "rejected"
        first = min((r.received for r in originals), default=None)
        for r in corrections:
            if first is not None and r.received < first:
                r.add("correction_before_original", date=r.received.strftime("%d/%m/%Y"),
                      original=first.strftime("%d/%m/%Y"))
                r.state = "rejected"
        if corrections and corrections[-1].state == "accepted":
            for r in group:
                if r is not corrections[-1] and r.state == "accepted":
                    r.state = "replaced"


def _problems(rows: list[dict]) -> pd.DataFrame:
    """The problems table: ``problems.PROBLEM_COLUMNS`` with ``sheet`` after ``file``, by file name."""
    df = pd.DataFrame(rows, columns=COLUMNS).astype(object)
    df = df.where(df.notna(), None)  # an empty place is None, as in problems.problems_frame
    df["row"] = pd.array(df["row"], dtype="Int64")
    return df.sort_values("file", kind="stable", na_position="first").reset_index(drop=True)


def _sorted_obs(frames: list[pd.DataFrame], framework: Framework) -> pd.DataFrame:
    """Rows by unit code, then in framework order (indicators, then auxiliary inputs)."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(OBS_COLUMNS, (int, str, str, float, str, str, "Int64"))})
    order = {iid: i for i, iid in enumerate([*framework.indicators.index, *framework.auxiliary.index])}
    df = pd.concat(frames, ignore_index=True)
    df = df.assign(_o=df["indicator_id"].map(order)).sort_values(["unit_code", "_o"], kind="stable")
    return df.drop(columns="_o").reset_index(drop=True)


def _submissions(reads: list[FileRead], year: int) -> pd.DataFrame:
    """One row per accepted or replaced file: the date on its cover, its raw copy, whether it is a correction."""
    rows = [{"year": year, "unit_code": r.unit_code, "received": r.received.isoformat(),
             "source": f"raw/{raw_name(r)}", "correction": r.correction}
            for r in reads if r.state in ("accepted", "replaced")]
    df = pd.DataFrame(rows, columns=SUB_COLUMNS)
    return df.sort_values(["unit_code", "received", "source"], kind="stable").reset_index(drop=True)


def _compliance(checked: pd.DataFrame, submissions: pd.DataFrame, framework: Framework, registry: Registry,
                year: int) -> pd.DataFrame:
    """``compliance.compliance`` for the year from what could be read: every expected unit, reported or not."""
    evaluation = score(checked, framework, registry, year)
    return compliance_mod.compliance(evaluation, submissions, year).sort_values(
        ["kind", "unit_code"], kind="stable").reset_index(drop=True)


def _files_table(reads: list[FileRead]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"file": r.label, "sha256": r.sha256[:12], "unit_code": r.unit_code,
          "received": r.received.isoformat() if r.received else None,
          "file_date": r.file_date.isoformat() if r.file_date else None, "correction": r.correction,
          "state": r.state, "problems": len(r.problems)} for r in reads],
        columns=["file", "sha256", "unit_code", "received", "file_date", "correction", "state", "problems"],
    )


# ---------------------------------------------------------------- writing
def raw_name(read: FileRead) -> str:
    """Name of the kept copy: ``<sha256 prefix>_<file name in safe characters>``."""
    stem = unicodedata.normalize("NFD", read.path.name.replace("đ", "d").replace("Đ", "D"))
    stem = "".join(c for c in stem if not unicodedata.combining(c))
    stem = re.sub(r"\.{2,}", ".", re.sub(r"[^A-Za-z0-9_.-]+", "_", stem))
    return f"{read.sha256[:12]}_{stem}"


def _write_tables(out_dir: Path, year: int, reads: list[FileRead], observations: pd.DataFrame,
                  submissions: pd.DataFrame, free_text: pd.DataFrame) -> tuple[Path, ...]:
    """Stage the raw copies and the tables (observations, submissions, the units' own words) in a temporary
    folder, then rename each into place."""
    staged: list[tuple[Path, Path]] = []
    tmp = Path(tempfile.mkdtemp(prefix=".intake-", dir=out_dir))
    try:
        for r in reads:
            if r.state in ("accepted", "replaced"):
                final = safe_child(out_dir / "raw", raw_name(r))
                if not final.exists():
                    staged.append((Path(shutil.copyfile(r.path, tmp / final.name)), final))
        for name, df in (("submissions", submissions), ("observations", observations), ("free_text", free_text)):
            final = safe_child(out_dir, f"{name}_{year}", ".csv")
            staged.append((write_csv(df, tmp / final.name), final))
        for src, final in staged:
            final.parent.mkdir(parents=True, exist_ok=True)
            src.replace(final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return tuple(final for _, final in staged)
