"""Word documents the kit writes: A4, 宋体 body and 黑体 headings with the East Asian font set
(``w:eastAsia``), real heading styles, three-line tables, fixed properties (deterministic)."""

from __future__ import annotations

from pathlib import Path

from .atomic import atomic_path
from .ooxml import FIXED_TIME, normalise_zip

__all__ = ["new_document", "body_paragraph", "three_line_table", "save_document"]


def _east_asian(style, font: str, size_pt: float | None = None, bold: bool | None = None):
    """Set a style's font for Latin and East Asian text alike (w:eastAsia), black."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    f = style.font
    f.name = font
    if size_pt:
        f.size = Pt(size_pt)
    if bold is not None:
        f.bold = bold
    f.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)


def _border(tag: str, size: int):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement(f"w:{tag}")
    el.set(qn("w:val"), "single" if size else "nil")
    if size:
        el.set(qn("w:sz"), str(size))
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
    return el


def three_line_table(doc, header: list[str], rows: list[list[str]]):
    """A 三线表: a thick rule above the header and below the last row, a thin one under the
    header, no vertical rules."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement

    t = doc.add_table(rows=1 + len(rows), cols=len(header))
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for j, h in enumerate(header):
        t.cell(0, j).text = h
        for r in t.cell(0, j).paragraphs[0].runs:
            r.bold = True
    for i, row in enumerate(rows, start=1):
        for j, v in enumerate(row):
            t.cell(i, j).text = v
    borders = OxmlElement("w:tblBorders")
    for edge, size in (("top", 12), ("left", 0), ("bottom", 12), ("right", 0), ("insideH", 0),
                       ("insideV", 0)):
        borders.append(_border(edge, size))
    t._tbl.tblPr.append(borders)
    for cell in t.rows[0].cells:
        b = OxmlElement("w:tcBorders")
        b.append(_border("bottom", 6))
        cell._tc.get_or_add_tcPr().append(b)
    return t


def new_document():
    """An A4 document with 宋体 body text and 黑体 headings (Latin and East Asian fonts set)."""
    from docx import Document
    from docx.shared import Mm

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin = sec.bottom_margin = Mm(25)
    sec.left_margin = sec.right_margin = Mm(28)
    _east_asian(doc.styles["Normal"], "宋体", 12)
    for name, size in (("Title", 18), ("Heading 1", 15), ("Heading 2", 13)):
        _east_asian(doc.styles[name], "黑体", size, bold=name != "Title")
    return doc


def body_paragraph(doc, text: str):
    """A body paragraph: first line indented two characters, 1.5 line spacing."""
    from docx.shared import Pt

    p = doc.add_paragraph(text)
    p.paragraph_format.first_line_indent = Pt(24)
    p.paragraph_format.line_spacing = 1.5
    return p


def save_document(doc, path: str | Path, title: str) -> Path:
    """Save with fixed core properties and zip timestamps: same content, same bytes."""
    path = Path(path)
    cp = doc.core_properties
    cp.author = cp.last_modified_by = "dangjian-eval-kit"
    cp.title = title
    cp.created = cp.modified = FIXED_TIME
    cp.revision = 1
    with atomic_path(path) as tmp:
        doc.save(tmp)
        normalise_zip(tmp)
    return path
