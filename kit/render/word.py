"""Word documents as a county office forwards them (GB/T 9704-2012, 党政机关公文格式).

Build a :class:`Document` (title, numbered headings, paragraphs, tables, figures with
captions and references, 附件, 落款 and date), then :func:`render_docx` writes it:

- A4; top margin 37 mm, left 28 mm; text block 156 × 225 mm, 22 lines a page (exact line
  spacing 28.95 pt);
- title 2号 (22 pt) 方正小标宋简体, centred, no rule under it; body 3号 (16 pt) 仿宋_GB2312,
  first line indented two characters; headings 「一、」 黑体, 「（一）」 楷体_GB2312, 「1.」 and
  「（1）」 仿宋_GB2312, numbered by the layer;
- every font named for East Asian text too (``w:eastAsia``), language zh-CN; the font table
  names 仿宋/楷体/宋体 as the fallback of 仿宋_GB2312/楷体_GB2312/方正小标宋简体, which a
  Windows Word without the GB2312 fonts uses;
- page numbers 4号 宋体 「— 1 —」 in the footer, odd pages right and even pages left, one
  character in from the edge;
- full-width punctuation and “ ” quotes in all text (:func:`kit.render.text.cn_text`);
- tables: column widths from content (no column narrower than its longest word, prose columns
  wide), header rows repeated on every page, rows never split across pages, level-1 cells
  merged, three-line or full-grid rules, captions 表1 above; figures with captions 图1 below;
  :meth:`Document.ref` refers to either (a Word cross-reference field);
- fixed document properties and zip timestamps: the same content gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import KitError
from .model import REPEAT_GREY, Column, Grid, Row, Table, cell_text, merge_runs
from .text import cn_date, cn_numeral, cn_text, clean_xml_text, display_width, heading_text, longest_word

__all__ = ["Document", "Paragraph", "render_docx", "FONTS", "PAGE", "heading_number"]

# ---------------------------------------------------------------------------- the standard
FONTS = {"title": "方正小标宋简体", "body": "仿宋_GB2312", "h1": "黑体", "h2": "楷体_GB2312",
         "h3": "仿宋_GB2312", "h4": "仿宋_GB2312", "page": "宋体", "caption": "黑体"}
# fallback names written in the font table: what Word uses where the first is not installed
ALT_FONTS = {"方正小标宋简体": "宋体", "仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体"}
PAGE = {"width_mm": 210, "height_mm": 297, "top_mm": 37, "left_mm": 28, "block_w_mm": 156,
        "block_h_mm": 225, "lines": 22, "chars": 28}
SIZE = {"title": 22, "body": 16, "page": 14, "caption": 14, "table": 12, "note": 12}
LINE_PT = 28.95            # 225 mm / 22 lines, a hair under so that 22 lines fit
CHAR_SPACING = -5          # twentieths of a point: 16 pt − 0.25 pt pitch puts 28 characters in 156 mm
TABLE_SIZES = (10.5, 9)  # 五号, 小五: the only sizes a table is set in (one rule, table_size)
WIDE_TABLE = 6           # a table of more columns than this is set in 小五
SLACK = 0.6              # characters a column keeps over its longest word: the renderer's rounding
CELL_MARGIN_TW = 85        # 1.5 mm left and right inside a cell
_TW_PER_MM = 1440 / 25.4
_REF = re.compile("\ue000([^\ue001]*)\ue001")


def heading_number(level: int, n: int) -> str:
    """The number of the n-th heading of a level: 一、 （一） 1. （1）

    >>> [heading_number(k, 3) for k in (1, 2, 3, 4)]
    ['三、', '（三）', '3.', '（3）']
    """
    return {1: f"{cn_numeral(n)}、", 2: f"（{cn_numeral(n)}）", 3: f"{n}.", 4: f"（{n}）"}[level]


_NUMBERED = {1: re.compile(r"^[一二三四五六七八九十]+、"), 2: re.compile(r"^[（(][一二三四五六七八九十]+[）)]"),
             3: re.compile(r"^\d+[.．、]"), 4: re.compile(r"^[（(]\d+[）)]")}


# ---------------------------------------------------------------------------- the model
@dataclass
class _Heading:
    text: str
    level: int
    numbered: bool


@dataclass
class Paragraph:
    """A paragraph of a :class:`Document`: body text (``size`` None) or a small-print note."""
    text: str
    align: str = "justify"
    indent: bool = True
    size: float | None = None

    @property
    def is_body(self) -> bool:
        return self.size is None


@dataclass
class _TableBlock:
    table: Table | Grid


@dataclass
class _Figure:
    path: Path
    caption: str
    key: str | None
    width_mm: float


@dataclass
class _Signature:
    organisation: str
    date: str


@dataclass
class _Attachment:
    label: str
    title: str


@dataclass
class _AttachmentList:
    titles: list[str]


class _PageBreak:
    pass


@dataclass
class Document:
    """A document to render. Headings are numbered by level (一、 （一） 1. （1）) unless
    their text already carries the number or ``numbered=False``; all text is set with
    full-width punctuation and “ ” quotes.

    >>> d = Document("党建引领扶贫工程绩效自评报告")
    >>> d.heading("基本情况"); d.heading("项目概况", 2); d.heading("绩效目标完成情况")
    >>> [b.text for b in d.blocks]
    ['一、基本情况', '（一）项目概况', '二、绩效目标完成情况']
    >>> d.table(Table([Column("指标")], [["项目立项"]], caption="得分", key="scores"))
    '表1'
    >>> d.ref("scores") == "\\ue000scores\\ue001"
    True
    """

    title: str
    blocks: list = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    subtitle: str = ""

    def __post_init__(self):
        self._counters = [0, 0, 0, 0]
        self._labels: dict[str, str] = {}
        self._n = {"表": 0, "图": 0}

    # -- text
    def heading(self, text: str, level: int = 1, numbered: bool = True) -> None:
        if level not in (1, 2, 3, 4):
            raise KitError(f"标题级别应为1-4，而不是{level}")
        text = heading_text(cn_text(text).strip())
        if numbered and not _NUMBERED[level].match(text):
            self._counters[level - 1] += 1
            text = heading_number(level, self._counters[level - 1]) + text
        for k in range(level, 4):  # deeper levels start again
            self._counters[k] = 0
        self.blocks.append(_Heading(text, level, numbered))

    def paragraph(self, text: str, *, align: str = "justify", indent: bool = True) -> None:
        """A body paragraph (first line indented two characters)."""
        if align not in ("justify", "left", "center", "right"):
            raise KitError(f"段落对齐方式应为 justify、left、center 或 right，而不是 {align!r}")
        self.blocks.append(Paragraph(cn_text(text), align, indent))

    def paragraphs(self, texts) -> None:
        for t in texts:
            self.paragraph(t)

    def note(self, text: str) -> None:
        """A small-print note (注：…) under a table or figure."""
        self.blocks.append(Paragraph(cn_text(text), "justify", False, SIZE["note"]))

    # -- tables and figures
    def _label(self, kind: str, key: str | None) -> str:
        self._n[kind] += 1
        label = f"{kind}{self._n[kind]}"
        if key is not None:
            if key in self._labels:
                raise KitError(f"引用名「{key}」已用于{self._labels[key]}，请换一个")
            self._labels[key] = label
        return label

    def table(self, table: Table | Grid) -> str:
        """Add a table (captioned 表N above it when it has a caption); returns its label. An
        empty :class:`Table` is not drawn: its ``empty`` sentence (or 「<caption>：无。」) is
        written instead, and it takes no number."""
        if isinstance(table, Table) and table.is_empty():
            text = table.empty or (f"{table.caption}：无。" if table.caption else "")
            if text:
                self.paragraph(text)
            if table.key:
                self._labels[table.key] = f"“{table.caption}”"
            return ""
        label = self._label("表", table.key) if table.caption else ""
        self.blocks.append(_TableBlock(table))
        table._label = label  # type: ignore[attr-defined]
        return label

    def figure(self, path: str | Path, caption: str, key: str | None = None,
               width_mm: float = 150) -> str:
        """Add a picture, centred, with 图N and its caption below; returns the label."""
        p = Path(path)
        if not p.is_file():
            raise KitError(f"图片文件不存在：{p}")
        label = self._label("图", key)
        self.blocks.append(_Figure(p, f"{label}　{cn_text(caption)}", key,
                                   min(width_mm, PAGE["block_w_mm"])))
        return label

    def ref(self, key: str) -> str:
        """A reference to a table or figure (its label, 表1 / 图2, as a Word cross-reference),
        for use inside paragraph text; resolved when the document is rendered."""
        return f"\ue000{key}\ue001"

    # -- closing
    def attachment_list(self, titles: list[str]) -> None:
        """The 附件 note after the body: 「附件：1.…」, later items aligned under the first."""
        if titles:
            self.blocks.append(_AttachmentList([cn_text(t) for t in titles]))

    def signature(self, organisation: str, date: dt.date | str | None) -> None:
        """落款 and date, right-aligned at the end of the body, the date in Arabic digits
        (2024年3月1日) starting two characters right of the organisation's name."""
        if isinstance(date, (dt.date, dt.datetime)) or (isinstance(date, str) and re.match(r"^\d{4}-\d{2}-\d{2}", date)):
            date = cn_date(date)
        self.blocks.append(_Signature(cn_text(organisation or ""), date or ""))

    def attachment(self, title: str, number: int | None = None) -> None:
        """Start an attachment on a new page: 「附件」 (or 「附件1」) at the top left in 黑体,
        then its title; heading numbers start again."""
        self.blocks.append(_PageBreak())
        self.blocks.append(_Attachment(f"附件{number}" if number else "附件", cn_text(title)))
        self._counters = [0, 0, 0, 0]

    def page_break(self) -> None:
        self.blocks.append(_PageBreak())


# ---------------------------------------------------------------------------- rendering
def render_docx(doc: Document, path: str | Path) -> Path:
    """Write ``doc`` to ``path`` (.docx). Returns the path; warnings (a table too wide to
    keep every word whole) are added to ``doc.warnings``."""
    from .files import save_docx

    d = _new_docx()
    labels = dict(doc._labels)
    bookmarks: dict[str, str] = {}
    ids = iter(range(1, 10_000))
    if doc.title:
        _runs(d.add_paragraph(style="Title"), cn_text(doc.title), labels, bookmarks)
        if doc.subtitle:
            sub = d.add_paragraph()
            _para_format(sub, "center", False)
            _runs(sub, cn_text(doc.subtitle), labels, bookmarks)
    body = d.element.body
    new_page = False
    for block in doc.blocks:
        if isinstance(block, _PageBreak):
            new_page = True
            continue
        start = len(body) - 1  # the last child is the section properties
        if isinstance(block, _Heading):
            p = d.add_paragraph(style=f"Heading {block.level}")
            _runs(p, block.text, labels, bookmarks)
        elif isinstance(block, Paragraph):
            p = d.add_paragraph()
            _para_format(p, block.align, block.indent)
            if block.size:  # small print keeps its own spacing
                p.paragraph_format.line_spacing = 1.0
            _runs(p, block.text, labels, bookmarks, size=block.size)
        elif isinstance(block, _TableBlock):
            _add_table(d, block.table, doc, labels, bookmarks, ids)
        elif isinstance(block, _Figure):
            _add_figure(d, block, bookmarks, ids)
        elif isinstance(block, _Signature):
            _keep_with_last(d)
            _add_signature(d, block)
        elif isinstance(block, _AttachmentList):
            _keep_with_last(d)
            _add_attachment_list(d, block.titles)
        elif isinstance(block, _Attachment):
            p = d.add_paragraph()
            _para_format(p, "left", False)
            _set_run_font(p.add_run(block.label), FONTS["h1"])
            t = d.add_paragraph(style="Title")
            _runs(t, block.title, labels, bookmarks)
        if new_page and len(body) - 1 > start:
            _break_before(body[start])
            new_page = False
    return save_docx(d, path, doc.title)


def _break_before(el) -> None:
    """Start ``el`` (a paragraph, or a table: through an empty paragraph before it) on a new
    page, with the paragraph property rather than a break character, so that no empty line
    or empty page is left behind."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if el.tag != qn("w:p"):
        p = OxmlElement("w:p")
        el.addprevious(p)
        el = p
    el.get_or_add_pPr().get_or_add_pageBreakBefore()


def _new_docx():
    """python-docx's template made into a GB/T 9704 page with Chinese styles."""
    from docx import Document as _Docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    d = _Docx()
    _drop_parts(d)
    sec = d.sections[0]
    sec.page_width, sec.page_height = Mm(PAGE["width_mm"]), Mm(PAGE["height_mm"])
    sec.top_margin, sec.left_margin = Mm(PAGE["top_mm"]), Mm(PAGE["left_mm"])
    sec.right_margin = Mm(PAGE["width_mm"] - PAGE["left_mm"] - PAGE["block_w_mm"])
    sec.bottom_margin = Mm(PAGE["height_mm"] - PAGE["top_mm"] - PAGE["block_h_mm"])
    sec.header_distance = Mm(15)
    sec.footer_distance = Mm(24)   # the number's dash line 7 mm below the text block
    styles = d.styles
    # every font in every style: named for East Asian text too, no theme fonts, black
    for el in styles.element.iter(qn("w:rFonts")):
        _fonts(el, FONTS["body"])
    for el in styles.element.iter(qn("w:color")):
        for a in list(el.attrib):
            if "theme" in a.lower():
                del el.attrib[a]
        el.set(qn("w:val"), "000000")
    for el in styles.element.iter(qn("w:lang")):
        el.set(qn("w:val"), "zh-CN")
        el.set(qn("w:eastAsia"), "zh-CN")
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_sz(rpr, SIZE["body"])
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    sp = ppr.find(qn("w:spacing"))
    sp.attrib.clear()
    sp.set(qn("w:after"), "0")
    sp.set(qn("w:line"), "240")
    sp.set(qn("w:lineRule"), "auto")

    normal = styles["Normal"]
    _style_font(normal, FONTS["body"], SIZE["body"])
    _char_spacing(normal.element.get_or_add_rPr(), CHAR_SPACING)  # 28 characters a line
    pf = normal.paragraph_format
    pf.line_spacing = Pt(LINE_PT)
    pf.space_before = pf.space_after = Pt(0)
    pf.first_line_indent = Pt(SIZE["body"] * 2)
    _chars_indent(normal.element.get_or_add_pPr(), 200)
    pf.widow_control = True
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    title = styles["Title"]
    tppr = title.element.get_or_add_pPr()
    for tag in ("w:pBdr", "w:contextualSpacing"):
        for el in tppr.findall(qn(tag)):
            tppr.remove(el)
    trpr = title.element.get_or_add_rPr()
    for tag in ("w:spacing", "w:kern"):
        for el in trpr.findall(qn(tag)):
            trpr.remove(el)
    _style_font(title, FONTS["title"], SIZE["title"], bold=False)
    _char_spacing(trpr, 0)
    tf = title.paragraph_format
    tf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    tf.first_line_indent = Pt(0)
    _chars_indent(tppr, 0)
    tf.line_spacing = Pt(35)
    tf.space_before, tf.space_after = Pt(0), Pt(LINE_PT)
    tf.keep_with_next = True

    for level in (1, 2, 3, 4):
        h = styles[f"Heading {level}"]
        _style_font(h, FONTS[f"h{level}"], SIZE["body"], bold=False)
        hf = h.paragraph_format
        hf.space_before = hf.space_after = Pt(0)
        hf.line_spacing = Pt(LINE_PT)
        hf.keep_with_next = True
        hf.first_line_indent = Pt(SIZE["body"] * 2)
        _chars_indent(h.element.get_or_add_pPr(), 200)
        hf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        h.font.italic = False

    from docx.enum.style import WD_STYLE_TYPE

    cap = styles["Caption"] if "Caption" in styles else styles.add_style("Caption", WD_STYLE_TYPE.PARAGRAPH)
    cap.base_style = normal
    _style_font(cap, FONTS["caption"], SIZE["caption"], bold=False)
    _char_spacing(cap.element.get_or_add_rPr(), 0)
    cf = cap.paragraph_format
    cf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cf.first_line_indent = Pt(0)
    _chars_indent(cap.element.get_or_add_pPr(), 0)
    cf.line_spacing = 1.0
    cf.space_before, cf.space_after = Pt(6), Pt(6)

    cell = styles.add_style("表格文字", WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    _style_font(cell, FONTS["body"], SIZE["table"])
    _char_spacing(cell.element.get_or_add_rPr(), 0)
    cpf = cell.paragraph_format
    cpf.first_line_indent = Pt(0)
    _chars_indent(cell.element.get_or_add_pPr(), 0)
    cpf.line_spacing = 1.0
    cpf.widow_control = False

    _font_table(d)
    _settings(d)
    _footers(d)
    return d


def _drop_parts(d) -> None:
    """Drop the template's thumbnail (an English preview picture) and stylesWithEffects
    (a Word 2010 copy of the styles, en-US)."""
    pkg = d.part.package
    for rid, rel in list(pkg.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del pkg.rels[rid]
    for rid, rel in list(d.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            del d.part.rels[rid]


def _fonts(el, name: str) -> None:
    from docx.oxml.ns import qn

    for a in list(el.attrib):
        if a.endswith("Theme") or a.endswith("theme"):
            del el.attrib[a]
    for a in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        el.set(qn(a), name)


def _set_sz(rpr, pt: float) -> None:
    from docx.oxml.ns import qn

    for tag in ("w:sz", "w:szCs"):
        el = rpr.find(qn(tag))
        if el is None:
            el = rpr.makeelement(qn(tag), {})
            rpr.append(el)
        el.set(qn("w:val"), str(int(round(pt * 2))))


def _style_font(style, name: str, size: float, bold: bool | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    style.font.size = Pt(size)
    style.font.color.rgb = RGBColor(0, 0, 0)
    if bold is not None:
        style.font.bold = bold
    _fonts(style.element.get_or_add_rPr().get_or_add_rFonts(), name)


def _set_run_font(run, name: str, size: float | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    _fonts(run._r.get_or_add_rPr().get_or_add_rFonts(), name)
    if size:
        run.font.size = Pt(size)


_RPR_AFTER_SPACING = ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
                      "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
                      "w:eastAsianLayout", "w:specVanish", "w:oMath")
_TCPR_AFTER_BORDERS = ("w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign",
                       "w:hideMark")
_TBLPR_AFTER_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                        "w:tblDescription")
_TBLPR_AFTER_MAR = ("w:tblLook", "w:tblCaption", "w:tblDescription")


def _char_spacing(rpr, twentieths: int) -> None:
    """Character spacing (w:spacing in a run's properties), in twentieths of a point."""
    from docx.oxml.ns import qn

    for el in rpr.findall(qn("w:spacing")):
        rpr.remove(el)
    el = rpr.makeelement(qn("w:spacing"), {qn("w:val"): str(twentieths)})
    rpr.insert_element_before(el, *_RPR_AFTER_SPACING)


def _chars_indent(ppr, chars100: int) -> None:
    """First-line indent in hundredths of a character (200 = two characters), which Word
    keeps at two characters whatever the font size."""
    from docx.oxml.ns import qn

    ind = ppr.get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(chars100))
    if chars100 == 0:
        ind.set(qn("w:firstLine"), "0")


def _font_table(d) -> None:
    """Name the Chinese fonts in the font table with their Windows fallbacks (altName) and
    the GB2312 character set."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn

    part = d.part.part_related_by(RT.FONT_TABLE)
    from lxml import etree

    root = etree.fromstring(part.blob)
    have = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for name in dict.fromkeys(FONTS.values()):
        if name in have:
            continue
        f = etree.SubElement(root, qn("w:font"), {qn("w:name"): name})
        if name in ALT_FONTS:
            etree.SubElement(f, qn("w:altName"), {qn("w:val"): ALT_FONTS[name]})
        etree.SubElement(f, qn("w:charset"), {qn("w:val"): "86"})
        etree.SubElement(f, qn("w:family"), {qn("w:val"): "modern" if name != "黑体" else "swiss"})
        etree.SubElement(f, qn("w:pitch"), {qn("w:val"): "variable"})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _settings(d) -> None:
    from docx.oxml.ns import qn

    s = d.settings.element
    for el in s.iter(qn("w:themeFontLang")):
        el.set(qn("w:val"), "zh-CN")
        el.set(qn("w:eastAsia"), "zh-CN")
    for el in s.findall(qn("w:rsids")):
        s.remove(el)
    d.settings.odd_and_even_pages_header_footer = True


def _field(run_parent, instr: str, cached: str, size: float | None = None, font: str | None = None):
    """A complex field (PAGE, SEQ, REF) with its cached result."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def run(child):
        r = run_parent.add_run()
        if font:
            _set_run_font(r, font, size)
        r._r.append(child)
        return r

    b = OxmlElement("w:fldChar")
    b.set(qn("w:fldCharType"), "begin")
    run(b)
    it = OxmlElement("w:instrText")
    it.set(qn("xml:space"), "preserve")
    it.text = f" {instr} "
    run(it)
    s = OxmlElement("w:fldChar")
    s.set(qn("w:fldCharType"), "separate")
    run(s)
    r = run_parent.add_run(cached)
    if font:
        _set_run_font(r, font, size)
    e = OxmlElement("w:fldChar")
    e.set(qn("w:fldCharType"), "end")
    run(e)


def _footers(d) -> None:
    """「— n —」 in 4号 宋体: odd pages right, even pages left, one character in."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    sec = d.sections[0]
    for footer, align in ((sec.footer, WD_ALIGN_PARAGRAPH.RIGHT), (sec.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.alignment = align
        f = p.paragraph_format
        f.first_line_indent = Pt(0)
        _chars_indent(p._p.get_or_add_pPr(), 0)
        f.line_spacing = 1.0
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            f.right_indent = Pt(SIZE["page"])
        else:
            f.left_indent = Pt(SIZE["page"])
        _set_run_font(p.add_run("— "), FONTS["page"], SIZE["page"])
        _field(p, "PAGE", "1", SIZE["page"], FONTS["page"])
        _set_run_font(p.add_run(" —"), FONTS["page"], SIZE["page"])


def _para_format(p, align: str, indent: bool) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p.alignment = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "left": WD_ALIGN_PARAGRAPH.LEFT,
                   "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    if not indent:
        p.paragraph_format.first_line_indent = Pt(0)
        _chars_indent(p._p.get_or_add_pPr(), 0)


def _runs(p, text: str, labels: dict, bookmarks: dict, size: float | None = None, bold: bool = False) -> None:
    """Add ``text`` to paragraph ``p``; references become cross-reference fields."""
    from docx.shared import Pt

    pos = 0
    text = clean_xml_text(text)
    for m in _REF.finditer(text):
        if m.start() > pos:
            _run(p, text[pos:m.start()], size, bold)
        key = m.group(1)
        if key not in labels:
            raise KitError(f"正文引用了不存在的表格或图「{key}」；请先用 table()/figure() 加入并给出 key")
        if key in bookmarks:
            _field(p, f"REF {bookmarks[key]} \\h", labels[key], size)
        else:
            _run(p, labels[key], size, bold)
        pos = m.end()
    if pos < len(text):
        _run(p, text[pos:], size, bold)
    if size:
        for r in p.runs:
            r.font.size = Pt(size)


# a number with its sign, thousands separators, decimals and %/‰, and a range or ratio of two
# (96.5%–99.2%, 405/412, 2024-03-01): one token that a line never breaks inside
_NUM = r"[+\-−±]?\d(?:[\d,]*\d)?(?:\.\d+)?[%‰]?"
NUMBER_TOKEN = re.compile(rf"(?:[A-Za-z]\s?[=<>≤≥]\s?)?{_NUM}(?:\s?[–—~～/:\-]\s?{_NUM})*")
# a Latin word (Holm, Welch, Cohen's) is not broken either: 「（H」 / 「olm校正后」
_WORD = r"[A-Za-z]+(?:['’][A-Za-z]+)*"
UNBROKEN_TOKEN = re.compile(rf"{NUMBER_TOKEN.pattern}|{_WORD}")
NUMBER_LANG = "zxx"   # "no linguistic content" (BCP 47): the run is laid out as a Latin word
WORD_JOINER = "\u2060"


def number_runs(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into pieces, each (piece, unbroken): a number, a statistic with its value
    or a Latin word, to be kept whole on one line, or the text between. LibreOffice lays out
    digits inside Chinese text as Chinese, where a line may break between any two characters
    (「9」 at the end of one line, 「8.3%」 on the next); a number in a run of its own with a Western
    language (w:lang w:val="zxx") is kept whole, as Word keeps it. A range's dash still allows
    a break (Unicode line-break class BA after an en dash, B2 on either side of an em dash):
    a word joiner (U+2060, zero width, class WJ) there holds the range together; the numbers
    themselves are left as typed, so that 98.3% and 96.5%– stay searchable (a search for a
    whole range ignores U+2060, or strips it: ``text.replace("\u2060", "")``). A range alone
    in its text (a table cell 「6.7–17.3」, whose column is as wide as the range) is left as
    typed: nothing else shares its line.

    >>> number_runs("满意率为98.3%（96.5%–99.2%），共1,234人")
    [('满意率为', False), ('98.3%', True), ('（', False), ('96.5%–\u206099.2%', True), ('），共', False), ('1,234', True), ('人', False)]
    >>> number_runs("6.7–17.3")
    [('6.7–17.3', True)]

    A statistic with its value (P=0.018, P<0.001) and a Latin word are kept whole the same way:

    >>> number_runs("（Holm校正后P=0.018）")
    [('（', False), ('Holm', True), ('校正后', False), ('P=0.018', True), ('）', False)]
    """
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in UNBROKEN_TOKEN.finditer(text):
        if m.start() > pos:
            out.append((text[pos:m.start()], False))
        token = m.group()
        if token != text.strip():  # alone in its cell or paragraph, a range needs no joiner
            token = re.sub(r"\s?–\s?", "–" + WORD_JOINER, token)             # en dash: break after it
            token = re.sub(r"\s?—\s?", WORD_JOINER + "—" + WORD_JOINER, token)  # em dash: either side
        out.append((token, True))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def _add_text(p, text: str, size: float | None = None, bold: bool = False):
    """Add ``text`` to paragraph ``p`` as runs, each number in a run of its own that no line
    breaks inside (:func:`number_runs`). Returns the runs."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    runs = []
    for piece, unbroken in number_runs(text):
        r = p.add_run(piece)
        if bold:
            r.bold = True
        if size:
            r.font.size = Pt(size)
        if unbroken:
            rpr = r._r.get_or_add_rPr()
            lang = OxmlElement("w:lang")
            lang.set(qn("w:val"), NUMBER_LANG)
            lang.set(qn("w:eastAsia"), "zh-CN")
            rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
        runs.append(r)
    return runs


def _run(p, text: str, size, bold):
    return _add_text(p, text, size, bold)


def _bookmark(p, name: str, bid: int, build) -> None:
    """Wrap what ``build(p)`` adds to ``p`` in a bookmark."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bid))
    start.set(qn("w:name"), name)
    p._p.append(start)
    build(p)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bid))
    p._p.append(end)


def _caption(d, kind: str, label: str, text: str, key: str | None, bookmarks: dict, ids) -> None:
    """「表1　caption」: the label as a SEQ field inside a bookmark that references point to."""
    p = d.add_paragraph(style="Caption")
    number = label[len(kind):]
    bid = next(ids)
    name = f"_Ref{'Tab' if kind == '表' else 'Fig'}{number}"

    def build(par):
        par.add_run(kind)
        _field(par, f"SEQ {kind} \\* ARABIC", number)

    _bookmark(p, name, bid, build)
    _add_text(p, "　" + clean_xml_text(text))
    if key:
        bookmarks[key] = name
    return p


def _add_figure(d, fig: _Figure, bookmarks, ids) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    p = d.add_paragraph()
    _para_format(p, "center", False)
    p.paragraph_format.keep_with_next = True
    p.paragraph_format.line_spacing = 1.0
    p.add_run().add_picture(str(fig.path), width=Mm(fig.width_mm))
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    label, _, text = fig.caption.partition("　")
    _caption(d, "图", label, text, fig.key, bookmarks, ids)


def _keep_with_last(d) -> None:
    """The closing (附件 note, 落款) never stands alone on a page: the body's last
    paragraph moves with it."""
    if d.paragraphs:
        d.paragraphs[-1].paragraph_format.keep_with_next = True


def _add_signature(d, sig: _Signature) -> None:
    """GB/T 9704 7.3.5.2: the organisation right-aligned two characters in, the date below
    it starting two characters to the right of the organisation's first character."""
    from docx.shared import Pt

    d.add_paragraph().paragraph_format.keep_with_next = True  # one blank line under the body
    lo, ld = display_width(sig.organisation), display_width(sig.date)
    ri_org, ri_date = 2.0, lo - ld
    if ri_date < 2:  # the date is the longer: the date two characters in, the name moved left
        ri_date, ri_org = 2.0, ld - lo + 4
    for text, ri in ((sig.organisation, ri_org), (sig.date, ri_date)):
        if not text:
            continue
        p = d.add_paragraph()
        _para_format(p, "right", False)
        p.paragraph_format.right_indent = Pt(SIZE["body"] * ri)
        p.paragraph_format.keep_with_next = text == sig.organisation
        _add_text(p, text)


def _add_attachment_list(d, titles: list[str]) -> None:
    from docx.shared import Pt

    d.add_paragraph().paragraph_format.keep_with_next = True
    one = len(titles) == 1
    for i, t in enumerate(titles, start=1):
        p = d.add_paragraph()
        _para_format(p, "justify", False)
        f = p.paragraph_format
        head = "附件：" if i == 1 else ""
        item = t if one else f"{i}.{t}"
        # first line two characters in; later lines of the note aligned after 「附件：」
        f.left_indent = Pt(SIZE["body"] * 5)
        f.first_line_indent = Pt(-SIZE["body"] * (3 if i == 1 else 0))
        f.keep_with_next = True
        _add_text(p, head + item)


# ---------------------------------------------------------------------------- tables
def _table_cells(table: Table | Grid) -> tuple[list[Column], list[list[str]], list[Row]]:
    if isinstance(table, Grid):
        raise TypeError
    cols = table.columns
    body = table.body
    texts = [[c.label for c in cols]]
    for r in body:
        texts.append([cell_text(v, c) for v, c in zip(r.cells, cols)])
    return cols, texts, body


def _fit_widths(mins: list[float], maxs: list[float], wide: list[bool], avail: float) -> list[float]:
    """Column widths: every column at least its minimum. When all fit at their widest, the
    room left goes to the prose columns (or to all, in proportion). Otherwise the other
    columns get their widest when the prose columns can still have their minimum, and the
    prose columns share the rest; failing that, what is left over the minimums is shared in
    proportion to how much more each column wants (HTML's automatic table layout).

    >>> _fit_widths([2, 4], [2, 40], [False, True], 30)
    [2, 28.0]
    >>> _fit_widths([2, 2], [4, 4], [False, False], 16)
    [8.0, 8.0]
    >>> _fit_widths([4, 4, 10], [6, 6, 80], [False, False, True], 40)
    [6, 6, 28.0]
    """
    smin, smax = sum(mins), sum(maxs)
    if smin >= avail:
        return [m * avail / smin for m in mins] if smin > avail else list(mins)
    if smax <= avail:
        extra = avail - smax
        if any(wide):
            n = sum(1 for w in wide if w)
            return [m + (extra / n if w else 0) for m, w in zip(maxs, wide)]
        return [m * avail / smax for m in maxs]
    narrow = sum(hi for hi, w in zip(maxs, wide) if not w)
    wide_min = sum(lo for lo, w in zip(mins, wide) if w)
    if any(wide) and narrow + wide_min <= avail:
        rest = avail - narrow
        wide_max = sum(hi for hi, w in zip(maxs, wide) if w)
        return [hi if not w else max(lo, rest * hi / wide_max) for lo, hi, w in zip(mins, maxs, wide)]
    share = (avail - smin) / (smax - smin)
    return [lo + (hi - lo) * share for lo, hi in zip(mins, maxs)]


def table_size(n_cols: int, min_chars: float, avail_tw: float) -> float:
    """The one rule for a table's font size, in every document: 五号 (10.5 pt); 小五 (9 pt)
    for a table of more than :data:`WIDE_TABLE` columns, or one whose columns' longest words
    (``min_chars``: their widths in characters with the cell margins' slack, summed) do not
    fit side by side at 五号.

    >>> table_size(4, 30, 8844), table_size(7, 30, 8844), table_size(5, 45, 8844)
    (10.5, 9, 9)
    """
    if n_cols > WIDE_TABLE:
        return TABLE_SIZES[1]
    fits = min_chars * TABLE_SIZES[0] * 20 + n_cols * 2 * CELL_MARGIN_TW <= avail_tw
    return TABLE_SIZES[0] if fits else TABLE_SIZES[1]


def _column_plan(col_texts: list[list[str]], wide: list[bool], avail_tw: float,
                 want: list[float] | None = None):
    """Font size and column widths (twips) for a table from the texts of each column, and
    whether every word fits. The size is :func:`table_size`'s; the widths keep every column's
    longest word whole and give a prose column at least 16 characters where they can.
    ``want`` gives a layout's widths in characters (its proportions are kept where the words
    allow)."""
    slack = SLACK
    lws, mxs = [], []
    for j, texts in enumerate(col_texts):
        lw = max([longest_word(x) for x in texts] + [1])
        mx = max([display_width(line) for x in texts for line in x.split("\n")] + [1])
        if wide[j]:  # a prose column is never squeezed below ten characters
            lw = max(lw, min(mx, 10))
        lws.append(lw)
        mxs.append(max(mx, lw) if want is None else max(want[j], lw))
    words_w = [max([longest_word(x) for x in texts] + [1]) for texts in col_texts]
    size = table_size(len(col_texts), sum(w + SLACK for w in words_w), avail_tw)
    ch = size * 20  # twips per character at this size
    pad = 2 * CELL_MARGIN_TW
    mins = [(lw + slack) * ch + pad for lw in lws]
    maxs = [(mx + slack) * ch + pad for mx in mxs]
    fits = sum(mins) <= avail_tw
    if want is not None and fits:  # a layout: its proportions, each column at least its word
        scale = avail_tw / sum(maxs)
        widths = [max(lo, hi * scale) for lo, hi in zip(mins, maxs)]
        over = sum(widths) - avail_tw
        if over > 0:
            free = [w - lo for w, lo in zip(widths, mins)]
            widths = [w - over * f / sum(free) for w, f in zip(widths, free)]
    else:
        widths = _fit_widths(mins, maxs, wide, avail_tw)
    return size, [int(w) for w in widths], fits


def _borders(parent, edges: dict[str, int], tag: str) -> None:
    """Borders of a table (w:tblBorders) or a cell (w:tcBorders), in schema order."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    box = parent.find(qn(tag))
    if box is None:
        box = OxmlElement(tag)
        parent.insert_element_before(box, *(_TBLPR_AFTER_BORDERS if tag == "w:tblBorders"
                                            else _TCPR_AFTER_BORDERS))
    for edge, sz in edges.items():
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single" if sz else "nil")
        if sz:
            el.set(qn("w:sz"), str(sz))
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        box.append(el)


def _tbl_setup(t, widths: list[int]) -> None:
    """Fixed layout at the planned widths, centred, cell margins."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    tblPr = t._tbl.tblPr
    tblW = tblPr.find(qn("w:tblW"))
    if tblW is None:
        tblW = OxmlElement("w:tblW")
        tblPr.append(tblW)
    tblW.set(qn("w:w"), str(sum(widths)))
    tblW.set(qn("w:type"), "dxa")
    mar = OxmlElement("w:tblCellMar")
    for edge, w in (("left", CELL_MARGIN_TW), ("right", CELL_MARGIN_TW)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(w))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tblPr.insert_element_before(mar, *_TBLPR_AFTER_MAR)
    for gc, w in zip(t._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        gc.set(qn("w:w"), str(w))
    for tr in t._tbl.tr_lst:
        for j, tc in enumerate(tr.tc_lst):
            tcPr = tc.get_or_add_tcPr()
            tcW = tcPr.find(qn("w:tcW"))
            if tcW is None:
                tcW = OxmlElement("w:tcW")
                tcPr.insert(0, tcW)
            tcW.set(qn("w:w"), str(widths[j] if j < len(widths) else widths[-1]))
            tcW.set(qn("w:type"), "dxa")


def _row_props(t, header_rows: int) -> None:
    """Header rows repeated on every page; no row split across pages."""
    from docx.oxml import OxmlElement

    for i, tr in enumerate(t._tbl.tr_lst):
        trPr = tr.get_or_add_trPr()
        trPr.append(OxmlElement("w:cantSplit"))
        if i < header_rows:
            trPr.append(OxmlElement("w:tblHeader"))


def _fill_cell(cell, text: str, size: float, align: str, bold: bool = False, light: bool = False) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import RGBColor

    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    lines = clean_xml_text(text).split("\n")
    p = cell.paragraphs[0]
    for k, line in enumerate(lines):
        if k:
            p = cell.add_paragraph()
        p.style = "表格文字"
        p.alignment = {"left": WD_ALIGN_PARAGRAPH.JUSTIFY, "center": WD_ALIGN_PARAGRAPH.CENTER,
                       "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
        if line:
            for r in _add_text(p, line, size, bold):
                if light:
                    r.font.color.rgb = RGBColor.from_string(REPEAT_GREY)


def _align(col: Column, texts: list[str]) -> str:
    if col.align:
        return col.align
    if col.kind != "text":
        return "center"
    return "left" if col.wide or max((display_width(t) for t in texts), default=0) > 12 else "center"


def _add_table(d, table: Table | Grid, doc: Document, labels, bookmarks, ids) -> None:
    label = getattr(table, "_label", "")
    if table.caption and label:
        cap = _caption(d, "表", label, cn_text(table.caption), table.key, bookmarks, ids)
        cap.paragraph_format.keep_with_next = True
    avail = PAGE["block_w_mm"] * _TW_PER_MM
    if isinstance(table, Grid):
        _add_grid(d, table, avail, doc)
        return
    cols, texts, body = _table_cells(table)
    texts = [[cn_text(x) for x in row] for row in texts]
    spans = [1] + [r.span for r in body]
    col_texts = [[t[j] for i, t in enumerate(texts) if spans[i] <= j or spans[i] == 1] for j in range(len(cols))]
    size, widths, fits = _column_plan(col_texts, [c.wide for c in cols], avail)
    if not fits:
        doc.warnings.append(f"表格「{table.caption or cols[0].label}」列数多，最小字号下仍有词语被折行；"
                            "可考虑拆分为两张表")
    t = d.add_table(rows=len(texts), cols=len(cols))
    _tbl_setup(t, widths)
    aligns = [_align(c, [r[j] for r in texts[1:]]) for j, c in enumerate(cols)]
    merge_to, repeated = _merge_plan(merge_runs(texts[1:], spans[1:], min(table.merge, len(cols))))
    covered = {(i, j) for (s, j), e in merge_to.items() for i in range(s + 1, e + 1)}
    for i, row in enumerate(texts):
        r = body[i - 1] if i else None
        for j, text in enumerate(row):
            if (i, j) in covered or (r is not None and 0 < j < r.span):
                continue
            header = i == 0
            _fill_cell(t.cell(i, j), text, size, "center" if header or (r and j < r.span and r.span > 1)
                       else aligns[j], bold=header or bool(r and r.bold), light=(i, j) in repeated)
    for (s, j), e in merge_to.items():
        t.cell(s, j).merge(t.cell(e, j))
        _keep_rows_together(t, s, e)
    for i, r in enumerate(body, start=1):
        if r.span > 1:
            t.cell(i, 0).merge(t.cell(i, r.span - 1))
    _row_props(t, 1)
    _rules(t, table.style, header_rows=1)
    notes = [cn_text(n) for n in table.notes]
    if notes:
        _keep_last_row_with_next(t)
    for k, note in enumerate(notes):
        p = d.add_paragraph()
        _para_format(p, "justify", False)
        p.paragraph_format.line_spacing = 1.0
        p.paragraph_format.keep_with_next = k < len(notes) - 1  # the notes stay together
        p.paragraph_format.keep_together = True
        _runs(p, note, labels, bookmarks, size=SIZE["note"])
    d.add_paragraph()  # a body line between the table and the text after it


MERGE_MAX = 8   # rows of one merged cell at most: a longer group is merged in pieces


def _merge_plan(runs: dict[tuple[int, int], int]) -> tuple[dict[tuple[int, int], int], set[tuple[int, int]]]:
    """Which runs of equal labels (from :func:`merge_runs`, body rows counted from 0) are merged
    into one cell, as table rows (the header is row 0), and which cells repeat their group's
    label. A merged cell prints its text on its first page only, so no merged cell may run over
    a page break: a group of up to :data:`MERGE_MAX` rows is one cell, a longer group is cut into
    pieces of at most that many rows (as even as can be), each piece a merged cell that
    repeats the label (lighter than the first), and the rows of each piece are kept on one
    page (:func:`_keep_rows_together`). A page therefore starts with a piece and shows its
    label, wherever the page breaks fall. A deeper level's run is cut where the level above it is.

    A group of 17 rows (body rows 3-19) is cut into 6 + 6 + 5 rows (⌈17/8⌉ = 3 pieces):

    >>> merged, repeated = _merge_plan({(0, 0): 2, (3, 0): 19, (3, 1): 6})
    >>> merged
    {(1, 0): 3, (4, 0): 9, (10, 0): 15, (16, 0): 20, (4, 1): 7}
    >>> sorted(repeated)
    [(10, 0), (16, 0)]
    """
    merged, repeated, cuts = {}, set(), set()
    for (s, j), e in sorted(runs.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        bounds = [s] + [c for c in sorted(cuts) if s < c <= e]
        pieces = []
        for a, b in zip(bounds, bounds[1:] + [e + 1]):
            n = -(-(b - a) // MERGE_MAX)
            q, r = divmod(b - a, n)
            for k in range(n):
                size = q + (1 if k < r else 0)
                pieces.append((a, a + size - 1))
                a += size
        for k, (a, b) in enumerate(pieces):
            cuts.add(a)
            if b > a:
                merged[(a + 1, j)] = b + 1
            if k:
                repeated.add((a + 1, j))
    return merged, repeated


def _keep_rows_together(t, first: int, last: int) -> None:
    """Rows ``first``..``last`` of a table on one page (each keeps with the next row)."""
    from docx.oxml.ns import qn

    for tr in t._tbl.tr_lst[first:last]:
        for p in tr.iter(qn("w:p")):
            p.get_or_add_pPr().keepNext_val = True


def _keep_last_row_with_next(t) -> None:
    """A table's notes (注：…, 资料来源) never start a page of their own: the paragraphs of its
    last row keep with the next paragraph (Word and LibreOffice then move the last row, and
    with the repeated header, to the note's page)."""
    from docx.oxml.ns import qn

    for tc in t._tbl.tr_lst[-1].tc_lst:
        for p in tc.iter(qn("w:p")):
            p.get_or_add_pPr().keepNext_val = True


def _rules(t, style: str, header_rows: int) -> None:
    from docx.oxml.ns import qn

    tblPr = t._tbl.tblPr
    for el in tblPr.findall(qn("w:tblBorders")):
        tblPr.remove(el)
    if style == "grid":
        _borders(tblPr, {e: 4 for e in ("top", "left", "bottom", "right", "insideH", "insideV")}, "w:tblBorders")
        return
    _borders(tblPr, {"top": 12, "left": 0, "bottom": 12, "right": 0, "insideH": 0, "insideV": 0},
             "w:tblBorders")
    # the header's rules belong to its cells, so that they repeat with it on every page
    for i, tr in enumerate(t._tbl.tr_lst[:header_rows]):
        for tc in tr.tc_lst:
            edges = {"bottom": 6} if i == header_rows - 1 else {}
            if i == 0:
                edges["top"] = 12
            _borders(tc.get_or_add_tcPr(), edges, "w:tcBorders")


def _add_grid(d, g: Grid, avail: float, doc: Document) -> None:
    """A form: cells at fixed places, merged as the layout says, all rules drawn."""
    n_rows, n_cols = g.n_rows, g.n_cols
    by_pos = {(c.row, c.col): c for c in g.cells}
    texts = {k: cn_text(cell_text(c.value, c.column, missing="")) for k, c in by_pos.items()}
    col_texts = [[texts[(c.row, c.col)] for c in g.cells if c.cols == 1 and c.col == j] for j in range(n_cols)]
    want = (list(g.widths) + [g.widths[-1]] * (n_cols - len(g.widths))) if g.widths else None
    size, widths, fits = _column_plan(col_texts, [False] * n_cols, avail, want)
    if not fits:
        doc.warnings.append(f"表样「{g.title or g.caption}」列数多，最小字号下仍有词语被折行")
    t = d.add_table(rows=n_rows, cols=n_cols)
    _tbl_setup(t, widths)
    for (r, c), cell in sorted(by_pos.items()):
        align = cell.align or ("center" if cell.role in ("label", "title") or cell.kind != "text"
                               or display_width(texts[(r, c)]) <= 12 else "left")
        _fill_cell(t.cell(r, c), texts[(r, c)], size, align, bold=cell.role in ("label", "title"))
    for cell in g.cells:
        if cell.rows > 1 or cell.cols > 1:
            t.cell(cell.row, cell.col).merge(t.cell(cell.row + cell.rows - 1, cell.col + cell.cols - 1))
    _row_props(t, g.header_rows)
    _rules(t, "grid", g.header_rows)
    _form_mark(t, g.title or g.caption)
    d.add_paragraph()


FORM_MARK = "表样"


def _form_mark(t, title: str) -> None:
    """Name a form in the table's alternative text (w:tblCaption 「表样：…」): a form has
    its own layout and repeats no header row unless its layout says so."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    cap = OxmlElement("w:tblCaption")
    cap.set(qn("w:val"), f"{FORM_MARK}：{title}" if title else FORM_MARK)
    t._tbl.tblPr.insert_element_before(cap, "w:tblDescription")
