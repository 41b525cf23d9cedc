"""The cells of a filled template as intake reads them: each cell's value and number format, read fast.

openpyxl's full load builds an object for every cell, style, merged cell and data validation of a template
(~40 ms each); intake needs the values and number formats alone. Here openpyxl reads the workbook's parts as
always (content types, shared strings, styles, date system, sheet names: its ``ExcelReader``) and
its own row parser reads each sheet's rows, so every value is the one the full load gives; a merged range keeps
only its first cell's value, as there. The sheets' other parts (validations, views, page setup, comments,
drawings, defined names) are not parsed: one that openpyxl could not parse no longer makes a file unreadable. A
sheet with hyperlinks (openpyxl writes a link's target into an empty linked cell) is read by the full load.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.child import INVALID_TITLE_REGEX
from openpyxl.worksheet._reader import HYPERLINK_TAG, MERGE_TAG, ROW_TAG, WorkSheetParser
from openpyxl.worksheet.merge import MergeCells
from openpyxl.xml.functions import iterparse


@dataclass(frozen=True)
class Cell:
    row: int
    column: int
    value: object = None
    number_format: str = "General"

    @property
    def coordinate(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}"


class Sheet:
    """The cells a sheet holds, by ``(row, column)``; ``sheet["G7"]`` is an empty cell where it holds none."""

    def __init__(self, cells: dict[tuple[int, int], Cell]):
        self.cells = cells

    def __getitem__(self, ref: str) -> Cell:
        column, row, _, _ = range_boundaries(ref)
        return self.cells.get((row, column)) or Cell(row, column)

    @property
    def max_row(self) -> int:
        return max(self.cells)[0] if self.cells else 1

    def rows(self, max_col: int) -> list[tuple]:
        """The values of columns 1…``max_col`` of each row from 1 to ``max_row`` (openpyxl's ``iter_rows``)."""
        return [tuple(self.cells.get((r, c), Cell(r, c)).value for c in range(1, max_col + 1))
                for r in range(1, self.max_row + 1)]


class Book:
    """The sheets of a workbook: ``sheetnames`` in tab order, ``book[name]`` (the first of a repeated name)."""

    def __init__(self, sheets: list[tuple[str, Sheet]]):
        self.sheetnames = [name for name, _ in sheets]
        self._sheets = dict(reversed(sheets))

    def __getitem__(self, name: str) -> Sheet:
        return self._sheets[name]


class _Hyperlinks(Exception):
    """A sheet has hyperlinks: read by the full load."""


def load(path: Path, *, data_only: bool) -> Book:
    """The cells of the workbook at ``path``: formulas as text (``=…``), or with ``data_only`` the values saved
    with them. Raises what openpyxl raises on a file it cannot read."""
    reader = ExcelReader(path, read_only=True, data_only=data_only)
    try:
        # openpyxl's ExcelReader.read up to the sheets, whose read-only objects would each parse their sheet once
        # more to size it
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        reader.read_properties()
        reader.read_custom()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = []
        for sheet, rel in reader.parser.find_sheets():
            if rel.target not in reader.valid_files:
                continue
            if not sheet.name or INVALID_TITLE_REGEX.search(sheet.name):
                raise ValueError("invalid sheet title")  # as openpyxl's sheets refuse it
            if "chartsheet" in rel.Type:
                sheets.append((sheet.name, Sheet({})))
                continue
            with reader.archive.open(rel.target) as src:
                sheets.append((sheet.name, _sheet(src, reader.wb, reader.shared_strings, data_only)))
        return Book(sheets)
    except _Hyperlinks:
        return _full(path, data_only)
    finally:
        reader.archive.close()


def _sheet(src, wb, shared_strings: list, data_only: bool) -> Sheet:
    parser = WorkSheetParser(src, shared_strings, data_only=data_only, epoch=wb.epoch,
                             date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
    styles, formats = wb._cell_styles, wb._number_formats
    cells, merged = {}, []
    for _, element in iterparse(src):
        if element.tag == ROW_TAG:
            for c in parser.parse_row(element)[1]:
                fmt_id = styles[c["style_id"]].numFmtId  # an unknown style fails as in the full load
                fmt = BUILTIN_FORMATS.get(fmt_id, "General") if fmt_id < BUILTIN_FORMATS_MAX_SIZE else \
                    formats[fmt_id - BUILTIN_FORMATS_MAX_SIZE]
                cells[(c["row"], c["column"])] = Cell(c["row"], c["column"], c["value"], fmt)
            element.clear()
        elif element.tag == MERGE_TAG:
            merged = [m.ref for m in MergeCells.from_tree(element).mergeCell]
        elif element.tag == HYPERLINK_TAG:
            raise _Hyperlinks
    for ref in merged:  # the full load replaces every cell of a merged range but the first by an empty one
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        for row in range(min_row, max_row + 1):
            for column in range(min_col, max_col + 1):
                if (row, column) != (min_row, min_col):
                    cells[(row, column)] = Cell(row, column)
    return Sheet(cells)


def _full(path: Path, data_only: bool) -> Book:
    wb = openpyxl.load_workbook(path, data_only=data_only)
    return Book([(ws.title, _cells_of(ws)) for ws in wb._sheets])


def _cells_of(ws) -> Sheet:
    """The cells of a sheet of openpyxl's full load (none in a chart sheet)."""
    return Sheet({key: Cell(*key, c.value, getattr(c, "number_format", "General"))  # a merged cell has no style
                  for key, c in getattr(ws, "_cells", {}).items()})
