"""Checks of a written .docx or .xlsx against the rules of the rendering layer, read from
the file's XML (what Word and Excel will see). Each returns a list of problems in Chinese,
empty when the file is hand-in ready. Used by the tests on every document of every sample
project, together with the rendered PDF (:mod:`kit.render.pdf`).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .text import halfwidth_marks, heading_punctuation, is_cjk, longest_word, looks_numeric

__all__ = ["check_docx", "check_xlsx", "check_file", "docx_tables", "sheet_layout_problems", "header_cells",
           "printed_font_size", "ASCII_HEADERS_OK", "MIN_PRINTED_PT", "broken_numbers"]

_INTERNAL_ID = re.compile(r"[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+")  # township_item_1

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MM = 1440 / 25.4


def _xml(z: zipfile.ZipFile, name: str):
    from lxml import etree

    return etree.fromstring(z.read(name))


def _text(el) -> str:
    return "".join(t.text or "" for t in el.iter(W + "t"))


def _style_ids(styles) -> dict[str, str]:
    return {s.get(W + "styleId"): s.find(W + "name").get(W + "val")
            for s in styles.iter(W + "style") if s.find(W + "name") is not None}


def docx_tables(path: str | Path) -> list[list[list[str]]]:
    """The text of every table of a .docx: tables → rows → cells."""
    with zipfile.ZipFile(path) as z:
        doc = _xml(z, "word/document.xml")
    return [[[_text(tc) for tc in tr.iter(W + "tc")] for tr in tbl.iter(W + "tr")]
            for tbl in doc.iter(W + "tbl")]


def check_docx(path: str | Path, *, signed: bool = False) -> list[str]:
    """Problems of a Word file against GB/T 9704 as the layer writes it: page and margins,
    East Asian fonts named everywhere, zh-CN, no rule under the title, odd/even footers with
    page numbers, full-width punctuation in headings and no sentence mark at a heading's end
    or before its closing bracket, no 「」 in the text, tables with their header repeated,
    rows kept whole, no column narrower than its longest word, one font size per table by
    the one rule (五号; 小五 over six columns or when the words do not fit), captioned
    figures; with ``signed``, a date (2024年3月1日) right-aligned near the end."""
    out: list[str] = []
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        doc = _xml(z, "word/document.xml")
        styles = _xml(z, "word/styles.xml")
        settings = _xml(z, "word/settings.xml")
        footers = {n: _xml(z, n) for n in names if re.match(r"word/footer\d*\.xml$", n)}
        xml_parts = {n: z.read(n) for n in names if n.endswith(".xml")}
    # page: A4, top 37 mm, left 28 mm, text block 156 x 225 mm
    for sect in doc.iter(W + "sectPr"):
        sz, mar = sect.find(W + "pgSz"), sect.find(W + "pgMar")
        w, h = int(sz.get(W + "w")), int(sz.get(W + "h"))
        if sz.get(W + "orient") == "landscape":
            w, h = h, w
        if abs(w - 210 * _MM) > 3 or abs(h - 297 * _MM) > 3:
            out.append(f"纸张不是A4：{w / _MM:.1f}×{h / _MM:.1f} mm")
        t, l_, r, b = (int(mar.get(W + k)) for k in ("top", "left", "right", "bottom"))
        if sz.get(W + "orient") != "landscape":
            if abs(t - 37 * _MM) > 3 or abs(l_ - 28 * _MM) > 3:
                out.append(f"页边距应为上37 mm、左28 mm，而是上{t / _MM:.1f}、左{l_ / _MM:.1f} mm")
            if abs((w - l_ - r) - 156 * _MM) > 6 or abs((h - t - b) - 225 * _MM) > 6:
                out.append(f"版心应为156×225 mm，而是{(w - l_ - r) / _MM:.1f}×{(h - t - b) / _MM:.1f} mm")
    for part, root in (("document.xml", doc), ("styles.xml", styles), *footers.items()):
        out += _order_problems(part, root)
    # language and fonts
    for name, blob in xml_parts.items():
        if b"en-US" in blob and name.startswith("word/"):
            out.append(f"{name} 中的语言标为 en-US")
    lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    if lang is None or lang.get(W + "eastAsia") != "zh-CN":
        out.append("默认语言不是 zh-CN")
    for part, root in (("styles.xml", styles), ("document.xml", doc), *footers.items()):
        for rf in root.iter(W + "rFonts"):
            if not rf.get(W + "eastAsia"):
                out.append(f"{part}：字体没有设置中文字体（w:eastAsia）")
                break
            if any(a.endswith(("Theme", "theme")) for a in rf.attrib):
                out.append(f"{part}：字体引用主题字体，Word 会换成西文主题字体")
                break
    ids = _style_ids(styles)
    title_style = next((s for s in styles.iter(W + "style") if s.get(W + "styleId") == "Title"), None)
    if title_style is not None and title_style.find(f"{W}pPr/{W}pBdr") is not None:
        out.append("标题样式带有下划线（python-docx 默认的蓝色横线）")
    # page numbers in odd and even footers
    if settings.find(W + "evenAndOddHeaders") is None:
        out.append("没有设置奇偶页不同的页脚")
    kinds = {ref.get(W + "type") for ref in doc.iter(W + "footerReference")}
    if not {"default", "even"} <= kinds:
        out.append("页脚不全：应有奇数页和偶数页页脚")
    for name, root in footers.items():
        instr = " ".join((t.text or "") for t in root.iter(W + "instrText"))
        if "PAGE" not in instr and not any("PAGE" in (f.get(W + "instr") or "") for f in root.iter(W + "fldSimple")):
            out.append(f"{name} 中没有页码")
        elif "—" not in _text(root):
            out.append(f"{name} 的页码不是「— 1 —」式")
    # paragraphs: headings in full-width punctuation, no corner quotes anywhere
    body = doc.find(W + "body")
    paras = list(body.iter(W + "p"))
    for p in paras:
        sid = p.find(f"{W}pPr/{W}pStyle")
        style = ids.get(sid.get(W + "val"), "") if sid is not None else ""
        text = _text(p)
        if style.lower().startswith("heading") or style == "Title":
            bad = halfwidth_marks(text)
            if bad:
                out.append(f"标题「{text}」中有半角标点 {''.join(bad)}")
            if style.lower().startswith("heading") and heading_punctuation(text):
                out.append(f"标题「{text}」在末尾或右括号前有句末标点，或标点重复：{''.join(heading_punctuation(text))}")
        elif "「" in text or "」" in text:
            out.append(f"正文「{text[:20]}…」用了「」引号，应为“”")
    # figures have a caption 图N right after them
    for i, p in enumerate(paras):
        if p.find(f".//{W}drawing") is not None:
            nxt = _text(paras[i + 1]) if i + 1 < len(paras) else ""
            if not re.match(r"^图\d+", nxt):
                out.append("有图片没有图题（图1 …）")
    # tables
    sizes = _style_sizes(styles)
    for k, tbl in enumerate(body.iter(W + "tbl"), start=1):
        out += [f"第{k}张表：{m}" for m in _table_problems(tbl, sizes)]
    if signed:
        tail = [(_text(p), p) for p in paras if _text(p).strip()][-8:]
        dates = [p for t, p in tail if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", t.strip())]
        if not dates:
            out.append("文末没有成文日期（如2024年3月1日）")
        elif dates[-1].find(f"{W}pPr/{W}jc") is None or dates[-1].find(f"{W}pPr/{W}jc").get(W + "val") != "right":
            out.append("成文日期没有右对齐")
    return out


_ORDER = {
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr "
           "shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN "
           "bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
           "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    "rPr": "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
           "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd "
           "fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath",
    "tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign "
            "hideMark",
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
             "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription",
}
_RANK = {k: {name: i for i, name in enumerate(v.split())} for k, v in _ORDER.items()}


def _order_problems(part: str, root) -> list[str]:
    """Children of pPr, rPr, tcPr and tblPr out of the schema's order: Word refuses such a
    file as unreadable, LibreOffice does not mind, so only this check finds it."""
    out = []
    for tag, rank in _RANK.items():
        for el in root.iter(W + tag):
            seq = [rank.get(c.tag.replace(W, ""), -1) for c in el if c.tag.startswith(W)]
            known = [x for x in seq if x >= 0]
            if known != sorted(known):
                names = [c.tag.replace(W, "") for c in el]
                out.append(f"{part}：w:{tag} 的子元素顺序不合 Word 的规定（{' '.join(names)}）")
                break
    return out


def _style_sizes(styles) -> dict[str, float]:
    out = {}
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}sz")
    base = int(default.get(W + "val")) / 2 if default is not None else 10.5
    for s in styles.iter(W + "style"):
        sz = s.find(f"{W}rPr/{W}sz")
        out[s.get(W + "styleId")] = int(sz.get(W + "val")) / 2 if sz is not None else base
    out[""] = base
    return out


def _table_problems(tbl, sizes: dict[str, float]) -> list[str]:
    out: list[str] = []
    rows = tbl.findall(W + "tr")
    if not rows:
        return ["没有行"]
    cap = tbl.find(f"{W}tblPr/{W}tblCaption")
    form = cap is not None and (cap.get(W + "val") or "").startswith("表样")
    if rows[0].find(f"{W}trPr/{W}tblHeader") is None and not form:  # a form has its own layout
        out.append("表头行没有设置在每页重复（w:tblHeader）")
    split = [i for i, tr in enumerate(rows, start=1) if tr.find(f"{W}trPr/{W}cantSplit") is None]
    if split:
        out.append(f"第{split[0]}行等{len(split)}行允许跨页断开（缺 w:cantSplit）")
    grid = [int(g.get(W + "w")) for g in tbl.iter(W + "gridCol")]
    mar = tbl.find(f"{W}tblPr/{W}tblCellMar")
    pad = sum(int(m.get(W + "w")) for m in mar if m.tag in (W + "left", W + "right")) if mar is not None else 216
    out += _size_problems(tbl, rows, grid, pad, sizes)
    reported = set()
    for tr in rows:
        col = 0
        for tc in tr.findall(W + "tc"):
            span_el = tc.find(f"{W}tcPr/{W}gridSpan")
            span = int(span_el.get(W + "val")) if span_el is not None else 1
            if span == 1 and col < len(grid) and col not in reported:
                for p in tc.findall(W + "p"):
                    text = _text(p)
                    if not text:
                        continue
                    size = _para_size(p, sizes)
                    need = longest_word(text) * size * 20
                    if need > grid[col] - pad + size * 4:  # a fifth of a character of tolerance
                        out.append(f"第{col + 1}列宽{(grid[col] - pad) / 20 / size:.1f}字，"
                                   f"窄于其中的词「{_widest(text)}」")
                        reported.add(col)
                        break
            col += span
    return out


def _size_problems(tbl, rows, grid: list[int], pad: int, sizes: dict[str, float]) -> list[str]:
    """One font size in a table, by the rule every document follows (:func:`kit.render.word.table_size`):
    五号, or 小五 for a table of more than six columns or whose longest words do not fit at 五号."""
    from .word import SLACK, TABLE_SIZES, table_size

    found, widest = set(), [0.0] * len(grid)
    for tr in rows:
        col = 0
        for tc in tr.findall(W + "tc"):
            span_el = tc.find(f"{W}tcPr/{W}gridSpan")
            span = int(span_el.get(W + "val")) if span_el is not None else 1
            for p in tc.findall(W + "p"):
                text = _text(p)
                if text.strip():
                    found.add(_para_size(p, sizes))
                    if span == 1 and col < len(grid):
                        widest[col] = max(widest[col], longest_word(text))
            col += span
    if not found:
        return []
    if len(found) > 1:
        return [f"表内字号不一：{'、'.join(f'{x:g}' for x in sorted(found))}磅"]
    size = found.pop()
    avail = 156 * _MM  # the text block's width in twips
    want = table_size(len(grid), sum(max(w, 1) + SLACK for w in widest), avail)
    if size not in TABLE_SIZES or size != want:
        return [f"表格字号为{size:g}磅，按统一规则应为{want:g}磅（五号10.5磅；多于6列或五号排不下时小五9磅）"]
    return []


def _para_size(p, sizes: dict[str, float]) -> float:
    szs = [int(s.get(W + "val")) / 2 for s in p.iter(W + "sz")]
    if szs:
        return max(szs)
    sid = p.find(f"{W}pPr/{W}pStyle")
    return sizes.get(sid.get(W + "val") if sid is not None else "Normal", sizes[""])


def _widest(text: str) -> str:
    from .text import display_width, words

    return max(words(text), key=display_width, default="")


def broken_numbers(docx_path: str | Path, pages) -> list[str]:
    """Numbers that the printed document breaks across two lines (「9」 at the end of a line,
    「8.3%」 at the start of the next; 「96.5%–99.2」 and 「%」): for each pair of lines of the
    PDF (``pages``: :func:`kit.render.pdf.read_pdf`) whose junction lies inside one paragraph
    of the document (its text on both sides of the break is found there), whether the break
    falls inside a number token or a Latin word (:data:`kit.render.word.UNBROKEN_TOKEN`: sign,
    digits, decimals, %, a range a–b, P=0.018, Holm). Tokens are found in the paragraph's own
    text, spaces included (「Welch」 and 「t检验」 are two words), then located in its text
    without spaces, as the PDF's lines are compared. Returns 「第N页：98|3%」 for each.

    >>> from types import SimpleNamespace as NS
    >>> import docx, tempfile, pathlib
    >>> d = docx.Document(); _ = d.add_paragraph("经Holm校正后P=0.018，Welch t检验")
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "x.docx"; d.save(f)
    >>> page = lambda *ls: NS(index=0, lines=lambda: list(ls))
    >>> broken_numbers(f, [page("经H", "olm校正后P=0.018，Welch t检验")])
    ['第1页：经H|olm校正后P=']
    >>> broken_numbers(f, [page("经Holm校正后P=0.018，Welch", "t检验")])
    []
    """
    from docx import Document as _Docx

    from .word import UNBROKEN_TOKEN

    def tokens(t: str) -> tuple[str, list[tuple[int, int]]]:
        """The text without spaces, and its tokens' spans in that text."""
        t = t.replace("\u2060", "")
        kept = [0]
        for ch in t:
            kept.append(kept[-1] + (not ch.isspace()))
        return (re.sub(r"\s+", "", t),
                [(kept[m.start()], kept[m.end()]) for m in UNBROKEN_TOKEN.finditer(t)])

    d = _Docx(str(docx_path))
    raw = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            for cell in row.cells:
                raw += [p.text for p in cell.paragraphs]
    texts = [tokens(t) for t in set(raw) if re.search(r"[0-9A-Za-z]", t)]
    out = []
    for page in pages:
        lines = [re.sub(r"\s+", "", ln.replace("\u2060", "")) for ln in page.lines()]
        for a, b in zip(lines, lines[1:]):
            if not a or not b:
                continue
            tail, head = a[-8:], b[:8]
            for t, spans in texts:
                k = t.find(tail + head)
                if k < 0:
                    continue
                cut = k + len(tail)
                if any(s < cut < e for s, e in spans):
                    out.append(f"第{page.index + 1}页：{tail}|{head}")
                break
    return out


# ---------------------------------------------------------------------------- workbooks
def check_xlsx(path: str | Path) -> list[str]:
    """Problems of a workbook: a number stored as text, no frozen header, no print area, not
    fitted to the page width, paper not A4, a missing title row, a sheet name that is too
    long, has characters Excel forbids or is not Chinese, a formula (the kit writes none),
    a code left unlabelled (a lowercase identifier such as speeder); on a sheet of tables (not
    an official form) a merged cell inside the tables, a header that is an internal name or
    has no Chinese, print smaller than 7 points (:func:`sheet_layout_problems`)."""
    from openpyxl import load_workbook

    out: list[str] = []
    wb = load_workbook(path)
    for ws in wb.worksheets:
        where = f"工作表「{ws.title}」"
        if len(ws.title) > 31 or re.search(r"[\[\]:*?/\\]", ws.title):
            out.append(f"{where}：名称超过31字或含非法字符")
        if not any(is_cjk(c) for c in ws.title) or _INTERNAL_ID.search(ws.title):
            out.append(f"{where}：名称不是中文或含内部代号")
        if not isinstance(ws.cell(1, 1).value, str) or not ws.cell(1, 1).value.strip():
            out.append(f"{where}：第1行没有说明本表内容的标题")
        data_rows = ws.max_row > 3
        form = "表样" in ws.defined_names   # an official form: fixed layout, nothing to freeze
        if data_rows and ws.freeze_panes is None and ws.title != "说明" and not form:
            out.append(f"{where}：表头没有冻结")
        if not ws.print_area:
            out.append(f"{where}：没有设置打印区域")
        ps = ws.page_setup
        if not ws.sheet_properties.pageSetUpPr or not ws.sheet_properties.pageSetUpPr.fitToPage \
                or ps.fitToWidth not in (1, "1") or ps.fitToHeight not in (0, "0"):
            out.append(f"{where}：打印没有设置为“宽度调整为1页”")
        if str(ps.paperSize) != str(ws.PAPERSIZE_A4):
            out.append(f"{where}：打印纸张不是A4")
        if data_rows and not ws.print_title_rows and ws.title != "说明":
            out.append(f"{where}：没有设置打印标题行（每页重复表头）")
        numeric_text, codes = [], []
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if c.data_type == "f":
                    out.append(f"{where}：{c.coordinate} 是公式")
                elif isinstance(v, str):
                    if looks_numeric(v):
                        numeric_text.append(f"{c.coordinate}「{v}」")
                    elif re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)+|[a-z]{4,}", v.strip()):
                        codes.append(f"{c.coordinate}「{v}」")
        if numeric_text:
            out.append(f"{where}：{len(numeric_text)}个数字存成了文本，如 {'、'.join(numeric_text[:3])}")
        if codes:
            out.append(f"{where}：{len(codes)}个代码没有中文标签，如 {'、'.join(codes[:3])}")
        if not form:
            out += [f"{where}：{p}" for p in sheet_layout_problems(ws)]
    return out


#: Header texts without a Chinese character that an evaluator reads as they are (none so far:
#: a statistic is named in Chinese with its abbreviation in brackets, 「净推荐值（NPS）」).
ASCII_HEADERS_OK: dict[str, str] = {}
MIN_PRINTED_PT = 7.0   # the smallest type a printed page may show once fitted to its width
_IDENTIFIER = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+")  # ip_hash, phone_2_hash


def _print_box(ws) -> tuple[int, int, int, int] | None:
    """(first row, first column, last row, last column) of the print area."""
    from openpyxl.utils.cell import range_boundaries

    area = ws.print_area
    if not area:
        return None
    ref = (area[0] if isinstance(area, (list, tuple)) else str(area).split(",")[0]).split("!")[-1]
    c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
    return r1, c1, r2, c2


def header_cells(ws) -> list:
    """The header cells of a sheet of tables: the rows repeated on printed pages and the row
    above the frozen panes, below the title row; on a sheet of several tables (逐题统计: the
    title row repeated) the row under each table's caption (a bold text alone in column A)."""
    from openpyxl.utils.cell import coordinate_from_string

    rows = set()
    if ws.print_title_rows:
        a, b = (int(x.lstrip("$")) for x in str(ws.print_title_rows).split(":"))
        rows.update(range(a, b + 1))
    if ws.freeze_panes:
        rows.add(coordinate_from_string(ws.freeze_panes)[1] - 1)
    if rows <= {0, 1}:
        for row in ws.iter_rows(min_row=2):
            filled = [c for c in row if c.value not in (None, "")]
            if len(filled) == 1 and filled[0].column == 1 and filled[0].font is not None and filled[0].font.b:
                rows.add(filled[0].row + 1)
    return [c for r in sorted(rows - {0, 1}) for c in ws[r] if isinstance(c.value, str)]


def printed_font_size(ws) -> float | None:
    """The point size of the sheet's body text once the page is fitted to its width (as
    Excel and LibreOffice scale it: the print area's columns over the page width between the
    margins), or None when the sheet is not fitted to the width."""
    from collections import Counter

    from openpyxl.utils import get_column_letter

    from .excel import column_pt

    box = _print_box(ws)
    pr = ws.sheet_properties.pageSetUpPr
    if box is None or not pr or not pr.fitToPage or ws.page_setup.fitToWidth not in (1, "1"):
        return None
    r1, c1, r2, c2 = box
    width_pt = 0.0
    for j in range(c1, c2 + 1):
        d = ws.column_dimensions.get(get_column_letter(j))
        w = d.width if d is not None and d.width else 8.43
        width_pt += column_pt(w)
    landscape = ws.page_setup.orientation == "landscape"
    page = 842 if landscape else 595
    m = ws.page_margins
    scale = min(1.0, (page - 72 * ((m.left or 0.7) + (m.right or 0.7))) / max(width_pt, 1.0))
    sizes = Counter(float(c.font.sz) for row in ws.iter_rows(min_row=max(r1, 2), max_row=r2)
                    for c in row if c.value not in (None, "") and c.font is not None and c.font.sz)
    if not sizes:
        return None
    return round(sizes.most_common(1)[0][0] * scale, 1)


def sheet_layout_problems(ws) -> list[str]:
    """A sheet of tables that cannot be sorted, filtered or read page by page: a merged cell
    inside the tables (a title or note row may span the whole width; nothing spans rows), a
    header that is an internal name or has no Chinese, type smaller than
    :data:`MIN_PRINTED_PT` once printed fitted to the page width."""
    out = []
    box = _print_box(ws)
    last_col = box[3] if box else ws.max_column
    for rng in sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        if rng.max_row > rng.min_row:
            out.append(f"{rng.coord} 上下合并了单元格（数据表不合并行：每行重复分组标签，便于打印、排序和筛选）")
        elif not (rng.min_col == 1 and rng.max_col >= last_col):
            out.append(f"{rng.coord} 在表格中合并了单元格（只有标题行、注释行可跨整个表宽合并）")
    for c in header_cells(ws):
        text = " ".join(str(c.value).split())
        if _IDENTIFIER.search(text):
            out.append(f"{c.coordinate} 表头「{text}」是程序内部名称，应为中文")
        elif not any(is_cjk(ch) for ch in text) and text not in ASCII_HEADERS_OK:
            out.append(f"{c.coordinate} 表头「{text}」没有中文（缩写请写在中文名称后的括号里）")
    size = printed_font_size(ws)
    if size is not None and size < MIN_PRINTED_PT:
        out.append(f"打印时缩到约{size:g}磅字，小于{MIN_PRINTED_PT:g}磅（列太多：分到第二个工作表或减少列）")
    return out


def check_file(path: str | Path, **kw) -> list[str]:
    """:func:`check_docx` or :func:`check_xlsx`, by the file's suffix."""
    suffix = Path(path).suffix.lower()
    if suffix == ".docx":
        return check_docx(path, **kw)
    if suffix == ".xlsx":
        return check_xlsx(path)
    raise ValueError(f"not a .docx or .xlsx: {path}")
