"""Word building blocks of a Vietnamese administrative document (Decree 30/2020/NĐ-CP, Appendix I).

A4, margins 20/20/30/15 mm, Times New Roman 14 pt body, page numbers centred at the top from page 2; the header
block as a borderless two-column table (issuing body left, national title and motto right); horizontal rules as
short bordered empty paragraphs, centred under the line they belong to, as the decree asks. Numbers are written
the Vietnamese way: ``85,3`` and ``1.234``.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
TEXT_WIDTH_MM = 165  # A4 210 mm − left 30 − right 15
HEADER_COLUMNS_MM = (62, 103)  # issuing body | national title (its 12 pt line is ~89 mm wide)
FIRST_LINE_INDENT = Mm(12.7)
# Widths of the header's fixed lines in Times New Roman (Liberation Serif has the same metrics), measured once:
# the decree wants the motto's rule as long as the motto, the others a third to a half of their line.
MOTTO_RULE_MM = 59
AGENCY_RULE_MM = 22
TITLE_RULE_MM = 45
# Word rejects a file whose property elements are out of the schema's order: what may follow each one we add
# (ECMA-376 CT_PPr and CT_TblPr sequences).
AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
              "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
              "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
              "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
              "w:rPr", "w:sectPr", "w:pPrChange")
AFTER_TBLCELLMAR = ("w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
AFTER_TBLBORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", *AFTER_TBLCELLMAR)
ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
         "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}


# ---------------------------------------------------------------- document and styles
def new_document(title: str, author: str, draft_mark: str | None = None) -> Document:
    """An empty A4 document with the decree's margins, fonts, Vietnamese proofing and page numbers."""
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(20), Mm(20)
    sec.left_margin, sec.right_margin = Mm(30), Mm(15)
    sec.header_distance, sec.footer_distance = Mm(10), Mm(10)
    _style_font(doc.styles["Normal"], BODY_PT)
    _set_lang(doc.styles["Normal"].element.get_or_add_rPr())
    normal = doc.styles["Normal"].paragraph_format
    normal.space_before, normal.space_after = Pt(0), Pt(6)
    normal.line_spacing_rule = WD_LINE_SPACING.SINGLE
    for name, size, italic in (("Heading 1", BODY_PT, False), ("Heading 2", BODY_PT, False),
                               ("Heading 3", BODY_PT, True), ("Header", 13, False), ("Caption", 13, True)):
        style = doc.styles[name]
        _style_font(style, size, bold=name.startswith("Heading"), italic=italic)
        fmt = style.paragraph_format
        fmt.space_before, fmt.space_after = Pt(6), Pt(6)
        if name.startswith("Heading"):
            fmt.first_line_indent = FIRST_LINE_INDENT
            fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            fmt.keep_with_next = True
    _page_numbers(sec, draft_mark)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by, props.language = title, author, author, "vi-VN"
    # the bundled template carries its own dates from 2013; a draft is created now
    props.created = props.modified = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    props.revision = 1
    return doc


def _style_font(style, size: float, bold: bool | None = None, italic: bool | None = None) -> None:
    """One font for every script slot, black, no theme fonts (they would override the name)."""
    rpr = style.element.get_or_add_rPr()
    for old in rpr.findall(qn("w:rFonts")) + rpr.findall(qn("w:color")):
        rpr.remove(old)
    fonts = rpr.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic


def _set_lang(rpr) -> None:
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")


def _page_numbers(section, draft_mark: str | None) -> None:
    """Page number centred in the top margin, not on page 1 (Decree 30); page 1 carries the draft mark."""
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    p._p.append(field)
    if draft_mark:
        first = section.first_page_header.paragraphs[0]
        first.alignment = WD_ALIGN_PARAGRAPH.CENTER
        first.paragraph_format.left_indent = Mm(TEXT_WIDTH_MM - 28)
        _border(first, ("top", "left", "bottom", "right"))
        r = first.add_run(draft_mark)
        r.bold = True
        r.font.size = Pt(12)


def footer_mark(doc, text: str) -> None:
    """``text`` in bold, centred in the footer of every page (the first page's too) of every section."""
    for section in doc.sections:
        for footer in (section.footer, section.first_page_footer):
            p = footer.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            r = p.add_run(text)
            r.bold = True
            r.font.size = Pt(11)


def _border(paragraph, sides: Sequence[str], size: int = 6) -> None:
    """Single black border (``size`` eighths of a point) on some sides of a paragraph."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in sides:
        b = OxmlElement(f"w:{side}")
        for k, v in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "1"), ("w:color", "000000")):
            b.set(qn(k), v)
        borders.append(b)
    ppr.insert_element_before(borders, *AFTER_PBDR)


# ---------------------------------------------------------------- paragraphs
Runs = str | Sequence[tuple[str, str]]


def add_runs(paragraph, runs: Runs, size: float | None = None) -> None:
    """Text, or ``(text, style)`` pairs where style holds ``b`` bold, ``i`` italic, ``h`` highlighted."""
    for text, style in [(runs, "")] if isinstance(runs, str) else runs:
        r = paragraph.add_run(text)
        r.bold = True if "b" in style else None
        r.italic = True if "i" in style else None
        if "h" in style:
            r.font.highlight_color = WD_COLOR_INDEX.YELLOW
        if size:
            r.font.size = Pt(size)


def paragraph(container, runs: Runs, align: str = "justify", indent: bool = True, size: float | None = None,
              before: float | None = None, after: float | None = None, keep_next: bool = False):
    """A body paragraph: justified, first line indented 1,27 cm, 6 pt after."""
    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = ALIGN[align]
    fmt.first_line_indent = FIRST_LINE_INDENT if indent else Mm(0)
    if before is not None:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    if keep_next:
        fmt.keep_with_next = True
    add_runs(p, runs, size)
    return p


def heading(doc, text: str, level: int):
    """Section heading: ``I. …`` (level 1, capitals), ``1. …`` (level 2), ``a) …`` (level 3, italic)."""
    return doc.add_paragraph(text, style=f"Heading {level}")


def placeholder(container, text: str):
    """A highlighted passage that a person must write, so it cannot be missed or sent as is."""
    return paragraph(container, [(text, "ih")])


def rule(container, length_mm: float, width_mm: float, after: float = 0):
    """A centred horizontal line ``length_mm`` long, drawn as the bottom border of a 1 pt empty paragraph."""
    p = container.add_paragraph()
    fmt = p.paragraph_format
    side = Mm(max(width_mm - length_mm, 0) / 2)
    fmt.left_indent, fmt.right_indent, fmt.first_line_indent = side, side, Mm(0)
    fmt.space_before, fmt.space_after = Pt(2), Pt(after)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(1)
    _border(p, ("bottom",), size=6)
    p.add_run().font.size = Pt(1)
    return p


def page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


# ---------------------------------------------------------------- tables
def _no_borders(table: Table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        b = OxmlElement(f"w:{side}")
        b.set(qn("w:val"), "nil")
        borders.append(b)
    tbl_pr.insert_element_before(borders, *AFTER_TBLBORDERS)


def _zero_cell_margins(table: Table) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), "0")
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    table._tbl.tblPr.insert_element_before(margins, *AFTER_TBLCELLMAR)


def _widths(table: Table, widths_mm: Sequence[float]) -> None:
    """Fixed column widths, in the grid (LibreOffice reads it) and in every cell (Word reads those)."""
    table.autofit = False  # a fixed layout: the widths below are kept
    for col, w in zip(table.columns, widths_mm):
        col.width = Mm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm):
            cell.width = Mm(w)


def layout_table(doc, widths_mm: Sequence[float]) -> Table:
    """A borderless table used for layout (header block, recipients and signature), cell margins 0."""
    table = doc.add_table(rows=1, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    _zero_cell_margins(table)
    _widths(table, widths_mm)
    return table


def cell_line(cell, runs: Runs, size: float, align: str = "center", first: bool = False,
              before: float = 0, after: float = 0):
    """One line of text in a layout cell (the cell's own empty paragraph is used for the first line)."""
    p = cell.paragraphs[0] if first else cell.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = ALIGN[align]
    fmt.first_line_indent = Mm(0)
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    add_runs(p, runs, size)
    return p


def data_table(doc, header: Sequence[str], rows: Sequence[Sequence[str]], widths_mm: Sequence[float],
               align: Sequence[str], size: float = TABLE_PT) -> Table:
    """A ruled table: bold centred header repeated on every page, rows kept whole, ``align`` per column."""
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, widths_mm)
    for i, (row, values) in enumerate(zip(table.rows, [list(header), *rows])):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if i == 0:
            tr_pr.append(OxmlElement("w:tblHeader"))
        for cell, value, how in zip(row.cells, values, align):
            p = cell.paragraphs[0]
            fmt = p.paragraph_format
            fmt.alignment = ALIGN["center" if i == 0 else how]
            fmt.first_line_indent = Mm(0)
            fmt.space_before, fmt.space_after = Pt(2), Pt(2)
            add_runs(p, [(str(value), "b" if i == 0 else "")], size)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return table


# ---------------------------------------------------------------- figures
def figure(doc, fig, caption: str, width_mm: float = TEXT_WIDTH_MM, max_height_mm: float = 200, dpi: int = 170) -> None:
    """A matplotlib figure as a centred PNG printed at ``dpi`` (150–200), its caption below in italics.

    The figure is redrawn at its printed size first, so that its text keeps its point size on paper and the
    picture is neither blurred nor needlessly heavy. Its own title is dropped: the caption says it.
    """
    for ax in fig.axes:
        ax.set_title("")
    w_in, h_in = fig.get_size_inches()
    width_in = min(width_mm, max_height_mm * w_in / h_in) / 25.4
    fig.set_size_inches(width_in, h_in * width_in / w_in)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    buf.seek(0)
    doc.add_picture(buf, width=Mm(width_in * 25.4))
    pic = doc.paragraphs[-1].paragraph_format
    pic.alignment, pic.first_line_indent, pic.keep_with_next = WD_ALIGN_PARAGRAPH.CENTER, Mm(0), True
    pic.space_before = Pt(6)
    cap = doc.add_paragraph(caption, style="Caption")
    cap.alignment = WD_ALIGN_PARAGRAPH.CENTER


# ---------------------------------------------------------------- saving
def save_atomic(doc, out: Path) -> Path:
    """Save beside ``out`` then rename over it: a reader never sees half a document."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    try:
        doc.save(tmp)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def columns_mm(fixed: Sequence[float | None]) -> list[float]:
    """Column widths filling the text width: ``None`` columns share what the fixed ones leave."""
    free = [i for i, w in enumerate(fixed) if w is None]
    rest = TEXT_WIDTH_MM - sum(w for w in fixed if w is not None)
    share = math.floor(10 * rest / max(len(free), 1)) / 10
    return [share if w is None else w for w in fixed]


__all__ = ["add_runs", "cell_line", "columns_mm", "data_table", "figure", "heading", "layout_table",
           "new_document", "page_break", "paragraph", "placeholder", "rule", "save_atomic"]
