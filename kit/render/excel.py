"""Excel workbooks an evaluator sends on without fixing them first.

Build a :class:`Workbook` of :class:`Sheet` s holding :class:`~kit.render.model.Table` s
(or :class:`~kit.render.model.Grid` forms), then :func:`render_xlsx` writes it:

- numbers stored as numbers with number formats (percent 0.0%, decimals, 万元 0.00, a p-value
  below 0.001 kept as its value and shown <0.001), rounded half up to what they show; text
  that reads as a number (98.3%, 4.65) written by older tables is turned into the number;
- a title row saying what the sheet is; the header row frozen and repeated on every printed
  page (on a sheet of several tables, each under its caption, the title row instead); no
  cell of a table merged down its rows: a group label (level-1 indicator, question) is
  repeated on every row, in grey after its first, so that each printed page and each sorted
  or filtered row says which group it belongs to (a 小计 label runs over the empty cells to
  its right, unmerged); Chinese sheet names, unique, at most 31 characters;
- print set-up on every sheet: A4, landscape where the table is wide, fitted to the page
  width, print area set, page numbers in the footer; a table too wide to print at 7 points
  narrows its prose columns (``wide``), their text wrapping in taller rows;
- Chinese labels for codes (per column, or for the whole workbook);
- empty tables left out, with a note on a 说明 sheet saying which and why;
- a note that names statistical software (R survey包, Stata svy …) is not printed under its
  table: it goes to a last sheet 方法说明, the method in plain Chinese first and the software
  it agrees with after, and the table's note points to its number there;
- every text cell written through one text-safe writer: a text starting with = + - @ stays
  text (quote prefix) and never runs as a formula; characters XML cannot hold are dropped;
- fixed properties and zip timestamps: the same content gives the same bytes;
- a form (``Sheet(form=True)``, an official 自评表 from :mod:`kit.render.forms`) starts at A1
  with its own title rows, draws rules only inside its frame, grows its rows to the text they
  hold (merged cells too, which Excel does not), repeats its indicator header on printed pages
  and is named by a sheet-level defined name 表样 over its range (how the checks know it).
"""

from __future__ import annotations

from copy import copy

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from .checks import MIN_PRINTED_PT
from .model import REPEAT_GREY, Column, Grid, LayoutError, Row, Table, _map_codes, excel_value, merge_runs
from .text import clean_xml_text, display_width, is_cjk, longest_word, sheet_name

__all__ = ["Sheet", "Workbook", "render_xlsx", "write_text", "split_method_note", "FONT", "PORTRAIT_WIDTH",
           "FORM_NAME", "METHOD_SHEET", "REPEAT_COLOUR"]

FONT = "宋体"
PORTRAIT_WIDTH = 95      # Excel width units that fit an A4 portrait page at 100%
MAX_WIDTH = {"text": 40, "wide": 60}
FORMULA_START = ("=", "+", "-", "@")
FORM_NAME = "表样"   # the sheet-level defined name over an official form
REPEAT_COLOUR = "FF" + REPEAT_GREY   # a group label repeated on the rows under its first (instead of a merge)
UNIT_PT = 5.25       # points in one Excel width unit (a digit of the default 11-point font: 7 px)
LANDSCAPE_PT = 842 - 72   # an A4 landscape page between the 0.5-inch margins of :func:`_print_setup`
LEGIBLE_PT = MIN_PRINTED_PT + 0.3   # the printed size a shrunk table aims at (a little above the floor)
MIN_WIDE = 16        # a prose column is not made narrower than this (8 CJK characters a line)


def column_pt(units: float) -> float:
    """The printed width in points of a column ``units`` Excel width units wide: (7w + 5)
    pixels of 0.75 pt (a unit is a digit of the default 11-point font, 7 px, plus 5 px of
    padding), before any fit-to-page scaling.

    >>> column_pt(12), column_pt(60)   # 89 px and 425 px
    (66.75, 318.75)
    """
    return (units * 7 + 5) * 0.75


@dataclass
class Sheet:
    """One worksheet: a ``title`` row saying what it is, then its tables (usually one), then
    ``notes``. ``landscape`` None means decided by the width."""

    name: str
    title: str
    blocks: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    landscape: bool | None = None
    form: bool = False              # an official form: no title row of its own, no frozen panes
    font_size: float | None = None  # points (default 11)

    def is_empty(self) -> bool:
        return all(isinstance(b, Table) and b.is_empty() for b in self.blocks)


@dataclass
class Workbook:
    """Sheets to write. ``labels`` maps codes to Chinese labels in every text cell of the
    workbook (quality reason codes, platform names …); a column's own labels come first.

    >>> wb = Workbook("满意度分析")
    >>> _ = wb.add(Table([Column("题目"), Column("满意率", "percent")], [["q1", 0.983]],
    ...                  caption="题目满意度"))
    >>> [s.name for s in wb.sheets]
    ['题目满意度']
    """

    title: str = ""
    sheets: list[Sheet] = field(default_factory=list)
    labels: Mapping[str, str] | None = None
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def from_frames(cls, sheets: Mapping, title: str = "", labels: Mapping[str, str] | None = None,
                    titles: Mapping[str, str] | None = None, **frame_kw) -> "Workbook":
        """A workbook of one table a sheet from {sheet name: DataFrame or Table} (the shape
        the kit's writers already build); ``titles`` gives each sheet's title row (default:
        the workbook title and the sheet name); ``frame_kw`` goes to
        :meth:`Table.from_frame` (kinds, digits, wide, labels).

        >>> import pandas as pd
        >>> wb = Workbook.from_frames({"维度": pd.DataFrame({"维度": ["服务"], "满意率": ["92.2%"]})},
        ...                           title="满意度分析")
        >>> wb.sheets[0].title, wb.sheets[0].blocks[0].rows[0][1].value
        ('满意度分析：维度', 0.922)
        """
        book = cls(title, labels=labels)
        for name, frame in sheets.items():
            t = frame if isinstance(frame, (Table, Grid)) else Table.from_frame(frame, caption=name, **frame_kw)
            head = (titles or {}).get(name) or (f"{title}：{name}" if title else name)
            book.add(t, name=name, title=head)
        return book

    def sheet(self, name: str, title: str | None = None, *blocks, notes=(), landscape=None) -> Sheet:
        s = Sheet(name, title or name, list(blocks), list(notes), landscape)
        self.sheets.append(s)
        return s

    def add(self, table: Table | Grid, name: str | None = None, title: str | None = None,
            notes=(), landscape=None) -> Sheet:
        """One table on a sheet of its own, named after its caption unless ``name`` is given."""
        name = name or table.caption or f"表{len(self.sheets) + 1}"
        return self.sheet(name, title or table.caption or name, table, notes=notes, landscape=landscape)


def write_text(cell, text) -> None:
    """The text-safe writer every text cell goes through: stored as a string, never as a
    formula (a leading = + - @ gets Excel's quote prefix, so it shows as typed), without the
    control characters XML cannot hold."""
    text = clean_xml_text(str(text))
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True


def _put(ws, row: int, col: int, value, column: Column | None, labels) -> object:
    cell = ws.cell(row, col)
    if column is not None and column.kind == "verbatim":
        cell.number_format = "@"  # what is typed here later stays text too
    if isinstance(value, str) and labels and column is not None and column.labels is None:
        value = _map_codes(value, labels)
    v, fmt = excel_value(value, column)
    if v is None:
        return cell
    if isinstance(v, str):
        write_text(cell, v)
    else:
        cell.value = v
        if fmt:
            cell.number_format = fmt
    return cell


def _styles(size: float = 11):
    from openpyxl.styles import Alignment, Border, Font, Side

    thin, thick = Side(style="thin"), Side(style="medium")
    return {
        "size": size,
        "title": Font(name=FONT, size=size + 3, bold=True),
        "head": Font(name=FONT, size=size, bold=True),
        "body": Font(name=FONT, size=size),
        "bold": Font(name=FONT, size=size, bold=True),
        "note": Font(name=FONT, size=size - 1),
        "repeat": Font(name=FONT, size=size, color=REPEAT_COLOUR),
        "repeat_bold": Font(name=FONT, size=size, bold=True, color=REPEAT_COLOUR),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "left": Alignment(horizontal="left", vertical="center", wrap_text=True),
        "right": Alignment(horizontal="right", vertical="center", wrap_text=True),
        "note_align": Alignment(horizontal="left", vertical="top", wrap_text=True),
        "spill": Alignment(horizontal="left", vertical="center", wrap_text=False),
        "box": Border(left=thin, right=thin, top=thin, bottom=thin),
        "thin": thin, "thick": thick, "Border": Border,
    }


def _col_units(texts: list[str], col: Column) -> float:
    """Excel width (units of a digit) for a column: at least its longest word, at most a
    readable line; a CJK character is two units."""
    lw = max((longest_word(t) for t in texts), default=1)
    mx = max((max((display_width(x) for x in t.split("\n")), default=0) for t in texts), default=1)
    cap = MAX_WIDTH["wide" if col.wide else "text"]
    lo = lw * 2 + 2
    if col.wide:
        lo = max(lo, min(mx * 2 + 2, 30))
    return max(6.0, min(max(mx * 2 + 2, lo), max(cap, lo)))


def _fit_wide_columns(cols: list[Column], widths: dict[int, float], size: float = 11) -> None:
    r"""Narrow the prose columns (``wide``) of a table too wide to print legibly, so that fitted
    to an A4 landscape page its ``size``-point text prints at :data:`LEGIBLE_PT` or more; the
    text in them wraps (rows grow to it). Each prose column gives up the same share of its width
    above :data:`MIN_WIDE` (and never its longest word); a table whose narrow columns alone are
    too wide is left as it is (:func:`kit.render.checks.printed_font_size` names it).

    A column of w units prints (7w + 5) x 0.75 pt wide (:func:`column_pt`),
    so n columns of W units in all fit the page at LEGIBLE_PT / size when
    5.25 W + 3.75 n <= 770 x size / LEGIBLE_PT: for 11 points (7.3 aimed at) and 3 columns,
    W <= (770 x 11 / 7.3 - 11.25) / 5.25 = 218.86. Below, 270 units are 51.14 too many; the
    prose columns have 184 + 44 = 228 units above 16, so each gives 51.14 / 228 = 22.43 % of
    that: 200 - 184 x 0.2243 = 158.7 and 60 - 44 x 0.2243 = 50.1 (218.8 units in all).

    >>> w = {1: 10.0, 2: 200.0, 3: 60.0}
    >>> _fit_wide_columns([Column("甲"), Column("乙", wide=True), Column("丙", wide=True)], w); w
    {1: 10.0, 2: 158.7, 3: 50.1}
    >>> w = {1: 300.0, 2: 20.0}
    >>> _fit_wide_columns([Column("甲"), Column("乙", wide=True)], w); w
    {1: 300.0, 2: 20.0}
    """
    n = len(widths)
    budget = (LANDSCAPE_PT * size / LEGIBLE_PT - 3.75 * n) / UNIT_PT
    excess = sum(widths.values()) - budget
    wide = {j + 1: MIN_WIDE for j, c in enumerate(cols) if c.wide and widths.get(j + 1, 0) > MIN_WIDE}
    room = sum(widths[j] - lo for j, lo in wide.items())
    if excess <= 0 or room <= 0 or excess > room:
        return
    share = excess / room
    for j, lo in wide.items():
        widths[j] = math.floor((widths[j] - (widths[j] - lo) * share) * 10) / 10


def _wrapped_lines(text: str, units: float, size: float = 11) -> int:
    r"""Lines a cell's text takes in a column ``units`` wide, in ``size``-point type.

    A column of w units is (7w + 5) px = (7w + 5) x 0.75 pt, less about 6 pt of cell margins;
    LibreOffice prints a CJK character of 11 pt about 0.9 em wide there (measured: a 60-unit
    column holds the 31 characters of 「您对村里第60项工作（道路硬化、环境整治、便民服务）的满意
    程度」 on one line and wraps the 33 of 「填写个人信息的题目已加盐哈希（原值不保留）：受访者编号
    （已脱敏编码）」).

    >>> _wrapped_lines("第一支部", 10), _wrapped_lines("未获党建星：“三会一课达标”不符合", 12), _wrapped_lines("甲\n乙", 10)
    (1, 3, 2)
    >>> _wrapped_lines("您对村里第60项工作（道路硬化、环境整治、便民服务）的满意程度", 60)
    1
    >>> _wrapped_lines("填写个人信息的题目已加盐哈希（原值不保留）：受访者编号（已脱敏编码）", 60)
    2
    """
    per_line = max((column_pt(units) - 6) / (size * 0.9), 1)
    return sum(max(1, math.ceil(display_width(line) / per_line)) for line in (text or "").split("\n"))


def _display(v, col: Column, labels) -> str:
    from .model import cell_text

    if isinstance(v, str) and labels and col.labels is None:
        v = _map_codes(v, labels)
    return cell_text(v, col, missing="")


def _write_table(ws, t: Table, top: int, st, labels, widths: dict[int, float]) -> tuple[int, int]:
    """Write a table with its header at row ``top``; returns (header row, last row)."""
    from openpyxl.utils import get_column_letter

    cols = t.columns
    n = len(cols)
    body = t.body
    for j, c in enumerate(cols, start=1):
        cell = ws.cell(top, j)
        write_text(cell, c.label)
        cell.font, cell.alignment = st["head"], st["center"]
    texts = [[_display(v, c, labels) for v, c in zip(r.cells, cols)] for r in body]
    for j, c in enumerate(cols):
        col_texts = [c.label] + [tx[j] for tx, r in zip(texts, body) if r.span <= j or r.span == 1]
        widths[j + 1] = max(widths.get(j + 1, 0), _col_units(col_texts, c))
    _fit_wide_columns(cols, widths, st["size"])
    for i, r in enumerate(body):
        row = top + 1 + i
        for j, (v, c) in enumerate(zip(r.cells, cols), start=1):
            if 1 < j <= r.span:
                continue
            cell = _put(ws, row, j, v, c, labels)
            cell.font = st["bold"] if r.bold else st["body"]
            if c.align:
                cell.alignment = st[c.align]
            elif r.span > 1 and j == 1:
                cell.alignment = st["center"]
            elif c.kind != "text" or isinstance(cell.value, (int, float)):
                cell.alignment = st["center"]
            else:
                cell.alignment = st["left"] if c.wide or display_width(texts[i][j - 1]) > 12 else st["center"]
        if r.span > 1:   # 小计, 合计: the label runs over the empty cells to its right, unmerged
            ws.cell(row, 1).alignment = st["spill"]
        # a row as tall as its wrapped text: LibreOffice prints a row of default height and
        # lets a long 说明 run over the rows below
        lines = max([1] + [_wrapped_lines(tx, widths[j + 1], st["size"]) for j, tx in enumerate(texts[i])
                           if not 0 < j < r.span])
        if lines > 1:
            ws.row_dimensions[row].height = round(lines * st["size"] * 1.35 + 4, 1)
    last = top + len(body)
    _drop_downs(ws, cols, top + 1, last)
    # runs of the level columns (a run of column j ends where columns < j change) are not
    # merged: every row keeps its label, so that a printed page, a sorted or a filtered row
    # still says which group it belongs to; the repeats are in a lighter colour
    for (s, j), e in merge_runs(texts, [r.span for r in body], min(t.merge, n)).items():
        for k in range(s + 1, e + 1):
            cell = ws.cell(top + 1 + k, j + 1)
            cell.font = st["repeat_bold"] if body[k].bold else st["repeat"]
    _rules(ws, t.style, top, last, n, st)
    return top, last


OPEN_ROWS = 200  # rows below a form's last row that keep its drop-downs (for rows added in Excel)


def _drop_downs(ws, cols: list[Column], first: int, last: int) -> None:
    """A drop-down list (Excel data validation) on the cells of each column with ``choices``,
    down to :data:`OPEN_ROWS` rows below the table so that added rows get it too; a value not in
    the list is refused with a message in Chinese."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    for j, c in enumerate(cols, start=1):
        if not c.choices:
            continue
        formula = '"' + ",".join(c.choices) + '"'
        if len(formula) > 255 or any(ch in x for x in c.choices for ch in ',"'):
            raise LayoutError(f"列「{c.label}」的下拉选项太长或含逗号、引号，Excel 无法作为下拉列表：{c.choices}")
        dv = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False,
                            showErrorMessage=True, errorTitle="请从下拉列表中选择",
                            error=f"「{c.label}」可选：" + "、".join(c.choices) + "（也可留空）",
                            promptTitle=c.label, prompt="可选：" + "、".join(c.choices),
                            showInputMessage=True)
        letter = get_column_letter(j)
        dv.add(f"{letter}{first}:{letter}{max(last, first) + OPEN_ROWS}")
        ws.add_data_validation(dv)


def _rules(ws, style: str, top: int, last: int, n: int, st) -> None:
    B, thin, thick = st["Border"], st["thin"], st["thick"]
    if style == "grid":
        for r in range(top, last + 1):
            for c in range(1, n + 1):
                ws.cell(r, c).border = st["box"]
        return
    for c in range(1, n + 1):  # three-line: above and below the header, below the last row
        ws.cell(top, c).border = B(top=thick, bottom=thin)
        if last > top:
            ws.cell(last, c).border = B(bottom=thick)


def _write_grid(ws, g: Grid, top: int, st, labels, widths: dict[int, float],
                form: bool = False) -> tuple[int, int]:
    from .model import cell_text

    texts = {}
    for c in g.cells:
        value = c.value
        if form and c.role == "label" and isinstance(value, str) and c.col + c.cols <= len(g.widths):
            value = _label_lines(value, sum(g.widths[c.col:c.col + c.cols]))
        cell = _put(ws, top + c.row, c.col + 1, value, c.column, labels)
        big_title = form and c.role == "title" and c.row == 0
        cell.font = st["title"] if big_title else st["head"] if c.role in ("label", "title") else st["body"]
        text = cell_text(c.value, c.column, missing="")
        texts[(c.row, c.col)] = text
        align = c.align or ("left" if c.role == "note" else
                            "center" if c.role in ("label", "title") or c.kind != "text"
                            or display_width(text) <= 12 else "left")
        cell.alignment = st[align]
        if c.rows > 1 or c.cols > 1:
            ws.merge_cells(start_row=top + c.row, start_column=c.col + 1,
                           end_row=top + c.row + c.rows - 1, end_column=c.col + c.cols)
    for j in range(g.n_cols):
        if j < len(g.widths) and form:  # a form's widths in characters of its font size
            w = g.widths[j] * st["size"] / UNIT_PT + 1.5
        elif j < len(g.widths):
            w = g.widths[j] * 2 + 2
        else:
            w = max([longest_word(cell_text(c.value, c.column, missing="")) * 2 + 2
                     for c in g.cells if c.col == j and c.cols == 1] + [6])
        widths[j + 1] = max(widths.get(j + 1, 0), w)
    last = top + g.n_rows - 1
    if form:  # rules inside the frame only: not around the title rows above it
        for c in g.cells:
            if c.role == "title":
                continue
            for r in range(c.row, c.row + c.rows):
                for k in range(c.col, c.col + c.cols):
                    ws.cell(top + r, k + 1).border = st["box"]
        _row_heights(ws, g, top, texts, widths, st["size"])
    else:
        for r in range(top, last + 1):
            for c in range(1, g.n_cols + 1):
                ws.cell(r, c).border = st["box"]
    return top + max(g.header_rows - 1, 0), last


def _label_lines(text: str, room: float) -> str:
    r"""A form label too wide for its cell breaks before its bracketed part, so that the bracket
    is not left alone on a line: 「绩效指标（90分）」 -> 「绩效指标\n（90分）」.

    >>> _label_lines("绩效指标（90分）", 5), _label_lines("绩效指标（90分）", 12)
    ('绩效指标\n（90分）', '绩效指标（90分）')
    """
    m = re.search(r"^(\S.*?)(（[^（）]*）)$", text)
    if "\n" in text or not m or display_width(m[2]) > min(room, 6) or display_width(text) <= room - 0.5:
        return text
    return f"{m[1]}\n{m[2]}"


def _row_heights(ws, g: Grid, top: int, texts: dict, widths: dict[int, float], size: float) -> None:
    """Rows as tall as the wrapped text of their cells needs: Excel and LibreOffice do not grow
    a row for a merged cell, so a form's long texts (目标, 原因) would be cut off in print."""
    line = size * 1.4
    need = {r: line + 4 for r in range(g.n_rows)}
    multi = []
    for c in g.cells:
        text = texts.get((c.row, c.col), "")
        units = sum(widths.get(k + 1, 8.43) for k in range(c.col, c.col + c.cols))
        chars = max((column_pt(units) - 2) / size, 1)   # a Chinese character is `size` pt
        if c.role == "title" and c.row == 0:
            size_here, chars = size + 3, chars * size / (size + 3)
        else:
            size_here = size
        lines = sum(max(1, math.ceil(display_width(t) / chars)) for t in (text.split("\n") if text else [""]))
        h = lines * size_here * 1.4 + 4
        if c.rows == 1:
            need[c.row] = max(need[c.row], h)
        else:
            multi.append((c, h))
    for c, h in multi:
        rows = range(c.row, c.row + c.rows)
        have = sum(need[r] for r in rows)
        if h > have:
            for r in rows:
                need[r] += (h - have) / c.rows
    for r, h in need.items():
        ws.row_dimensions[top + r].height = round(h, 1)


def _note_rows(ws, row: int, notes: list[str], ncols: int, total_units: float, st) -> int:
    for note in notes:
        cell = ws.cell(row, 1)
        write_text(cell, note)
        cell.font, cell.alignment = st["note"], st["note_align"]
        if ncols > 1:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
        lines = max(1, math.ceil(display_width(note) * 2 / max(total_units, 10)))
        ws.row_dimensions[row].height = 14 * lines + 2  # merged cells do not grow by themselves
        row += 1
    return row


METHOD_SHEET = "方法说明"
# a reference to statistical software in a note: R survey包, survey::svymean, Stata svy, SPSS …
SOFTWARE = re.compile(r"(?<![A-Za-z])R\s*(?:survey|包|的|语言|软件)|[A-Za-z]+::[A-Za-z]|(?<![A-Za-z])(?:Stata|SPSS|SAS|"
                      r"statsmodels|scipy|Excel\s*的|QUARTILE|lonely\.psu|singleunit)")


def split_method_note(note: str) -> tuple[str, str]:
    """A table note as (what it says in plain Chinese, the statistical software it agrees
    with): bracketed references and clauses naming R, Stata, SPSS … go to the second part.

    >>> split_method_note("注：四分位数按线性插值（与 Excel 的 QUARTILE.INC、R 的 quantile(type = 7) 相同）。")
    ('四分位数按线性插值。', '与 Excel 的 QUARTILE.INC、R 的 quantile(type = 7) 相同')
    >>> split_method_note("标准误用泰勒线性化计算，同 R survey::svymean。")
    ('标准误用泰勒线性化计算。', '同 R survey::svymean')
    >>> split_method_note("比例的分母为回答该题的有效答卷。")
    ('比例的分母为回答该题的有效答卷。', '')
    """
    text = re.sub(r"^注[:：]\s*", "", note.strip())
    refs: list[str] = []

    def take(m):
        if SOFTWARE.search(m[0]):
            refs.append(m[0][1:-1].strip())
            return ""
        return m[0]

    text = re.sub(r"（[^（）]*）|\([^()]*(?:\([^()]*\)[^()]*)*\)", take, text)
    kept = []
    for clause in re.findall(r"[^，；。]+[，；。]?", text):   # an unbracketed clause: 同 R survey::svymean
        if SOFTWARE.search(clause):
            refs.append(clause.strip().rstrip("，；。"))
            if kept and clause.endswith("。"):
                kept[-1] = kept[-1].rstrip("，；") + "。"
        else:
            kept.append(clause)
    plain = "".join(kept).strip()
    plain = re.sub(r"[，；]$", "。", plain)
    return plain, "；".join(r for r in refs if r)


def _method_notes(book: Workbook) -> tuple[list[Sheet], Table | None]:
    """The sheets with every note that names statistical software taken out of the tables'
    notes (a pointer 「计算方法见「方法说明」工作表第N条」 left in its place), and the 方法说明
    table they go to: plain Chinese first, the software it agrees with after."""
    from dataclasses import replace

    entries: dict[tuple[str, str], list] = {}   # (plain, refs) -> [number, [sheet names]]

    def move(notes: list[str], where: str) -> list[str]:
        out = []
        for n in notes:
            if not SOFTWARE.search(n):
                out.append(n)
                continue
            key = split_method_note(n)
            e = entries.setdefault(key, [len(entries) + 1, []])
            if where not in e[1]:
                e[1].append(where)
            pointer = f"注：计算方法见「{METHOD_SHEET}」工作表第{e[0]}条。"
            if pointer not in out:
                out.append(pointer)
        return out

    sheets = []
    for sh in book.sheets:
        if sh.form:
            sheets.append(sh)
            continue
        blocks = [replace(b, notes=move(b.notes, sh.name)) if isinstance(b, Table) else b for b in sh.blocks]
        sheets.append(replace(sh, blocks=blocks, notes=move(sh.notes, sh.name)))
    if not entries:
        return sheets, None
    rows = [[k, "、".join(names), plain, refs or "—"] for (plain, refs), (k, names) in entries.items()]
    table = Table([Column("序号", "int"), Column("适用的工作表"), Column("计算方法", wide=True),
                   Column("与统计软件的对应", wide=True)], rows, caption=METHOD_SHEET)
    return sheets, table


def render_xlsx(book: Workbook, path: str | Path) -> Path:
    """Write ``book`` to ``path`` (.xlsx); returns the path. Empty tables are left out and
    listed on a 说明 sheet; warnings (a sheet name that is not Chinese) go to
    ``book.warnings``."""
    from openpyxl import Workbook as _WB
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    from .files import save_xlsx

    wb = _WB()
    wb.remove(wb.active)
    taken: list[str] = [METHOD_SHEET]
    omitted: list[str] = []
    sheets, methods = _method_notes(book)
    for sh in sheets:
        empties = [b for b in sh.blocks if isinstance(b, Table) and b.is_empty()]
        for b in empties:
            omitted.append(f"{sh.title}：{b.empty or '没有数据'}" if not b.caption or b.caption in sh.title
                           else f"{sh.title}（{b.caption}）：{b.empty or '没有数据'}")
        blocks = [b for b in sh.blocks if b not in empties]
        if not blocks:
            continue
        name = sheet_name(sh.name, taken)
        if not any(is_cjk(ch) for ch in name) or re.search(r"[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+", name):
            book.warnings.append(f"工作表名「{name}」不是中文或含内部代号")
        taken.append(name)
        ws = wb.create_sheet(name)
        _render_sheet(ws, sh, blocks, _styles(sh.font_size or 11), book.labels)
    if omitted or not wb.sheetnames:
        st = _styles()
        ws = wb.create_sheet(sheet_name("说明", taken))
        ncols = 1
        cell = ws.cell(1, 1)
        write_text(cell, f"{book.title}：说明" if book.title else "说明")
        cell.font = st["title"]
        lines = (["以下表格没有数据，未列出："] + [f"{k}. {o}" for k, o in enumerate(omitted, start=1)]) \
            if omitted else ["本工作簿没有可列出的数据。"]
        ws.column_dimensions["A"].width = 80   # 90 runs off an A4 portrait page in LibreOffice
        _note_rows(ws, 2, lines, ncols, 80, st)
        _print_setup(ws, f"A1:A{len(lines) + 1}", None, False)
    if methods is not None:   # the last sheet: how the figures were computed
        ws = wb.create_sheet(METHOD_SHEET)
        head = f"{book.title}：{METHOD_SHEET}" if book.title else METHOD_SHEET
        _render_sheet(ws, Sheet(METHOD_SHEET, head), [methods], _styles(), None)
    return save_xlsx(wb, path, book.title)


def _render_sheet(ws, sh: Sheet, blocks, st, labels) -> None:
    from openpyxl.utils import get_column_letter

    widths: dict[int, float] = {}
    ncols = max(len(b.columns) if isinstance(b, Table) else b.n_cols for b in blocks)
    row = 1
    if sh.title or not sh.form:  # a form carries its own title rows
        title = ws.cell(1, 1)
        write_text(title, sh.title)
        title.font = st["title"]
        title.alignment = st["center"]
        if ncols > 1:
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
        ws.row_dimensions[1].height = 24
        row = 2
    first_header = None
    repeat = None
    # a sheet of several tables (逐题统计): each under its own caption, the first too, and the
    # sheet's title row (not the first table's header) frozen and repeated on printed pages
    many = sum(isinstance(b, Table) for b in blocks) > 1 and not sh.form and row == 2
    spans: list[tuple[int, int]] = []  # rows of each table (caption to notes), kept on one page
    for k, b in enumerate(blocks):
        if k:
            row += 1  # a blank row between tables
        start = row
        if isinstance(b, Table) and b.caption and (k or (many and b.caption != sh.title)):
            cell = ws.cell(row, 1)
            write_text(cell, b.caption)
            cell.font = st["bold"]
            row += 1
        if isinstance(b, Table):
            head, last = _write_table(ws, b, row, st, labels, widths)
            notes = b.notes
        else:
            head, last = _write_grid(ws, b, row, st, labels, widths, form=sh.form)
            head = head if b.header_rows else None
            if b.repeat_rows is not None and repeat is None:
                repeat = (row + b.repeat_rows[0], row + b.repeat_rows[1])
            notes = []
        if first_header is None and head is not None:
            first_header = (row, head)
        row = last + 1
        total = sum(widths.values())
        row = _note_rows(ws, row, notes, ncols, total, st)
        spans.append((start, row - 1))
    total = sum(widths.values())
    row = _note_rows(ws, row, sh.notes, ncols, total, st)
    for j, w in widths.items():
        ws.column_dimensions[get_column_letter(j)].width = round(w, 1)
    if many:
        first_header = (1, 1)
    if first_header is not None and not sh.form:
        ws.freeze_panes = ws.cell(first_header[1] + 1, 1).coordinate
    grid_land = next((b.landscape for b in blocks if isinstance(b, Grid) and b.landscape is not None), None)
    landscape = sh.landscape if sh.landscape is not None else grid_land if grid_land is not None \
        else total > PORTRAIT_WIDTH
    last_col = get_column_letter(ncols)
    titles = f"{repeat[0]}:{repeat[1]}" if repeat else \
        (f"{first_header[0]}:{first_header[1]}" if first_header else None)
    _print_setup(ws, f"A1:{last_col}{row - 1}", titles, landscape, form=sh.form)
    if many:
        _keep_together(ws, spans, widths, landscape)
    if sh.form:
        from openpyxl.workbook.defined_name import DefinedName

        ref = f"'{ws.title}'!$A$1:${last_col}${row - 1}"
        ws.defined_names[FORM_NAME] = DefinedName(FORM_NAME, attr_text=ref)
        grid = next(b for b in blocks if isinstance(b, Grid))
        _page_breaks(ws, grid, 1, row - 1, widths, landscape, repeat)


def _page_breaks(ws, g: Grid, top: int, last: int, widths: dict[int, float], landscape: bool,
                 repeat: tuple[int, int] | None) -> None:
    """Page breaks for a form that runs over a page, placed between rows where no merged
    cell (a level-1 or level-2 group) would be cut, as far as the page allows: the printed
    page height is known from the row heights the form set and the width scaling."""
    from openpyxl.styles import Alignment
    from openpyxl.worksheet.pagebreak import Break

    room = _page_room(ws, widths, landscape)

    def height(r: int) -> float:
        h = ws.row_dimensions[r].height
        return h if h else 15.0

    # boundaries inside a merged block that is smaller than half a page are not cut
    bad = set()
    for c in g.cells:
        if c.rows > 1:
            span = sum(height(top + r) for r in range(c.row, c.row + c.rows))
            if span < room / 2:
                bad.update(top + r for r in range(c.row, c.row + c.rows - 1))  # no break after r
    repeated = sum(height(r) for r in range(repeat[0], repeat[1] + 1)) if repeat else 0.0
    used, start = 0.0, top
    cuts = []
    r = top
    while r <= last:
        used += height(r)
        if used > room:
            cut = r - 1
            while cut >= start and cut in bad:
                cut -= 1
            if cut < start:
                cut = r - 1
            ws.row_breaks.append(Break(id=cut))
            cuts.append(cut)
            start = cut + 1
            used = repeated + sum(height(k) for k in range(start, r + 1))
        r += 1
    # a merged cell the breaks cut (the 绩效指标 label down the indicator rows) is merged again
    # page by page, its text repeated in each part: a label centred across a break is clipped
    for c in g.cells:
        first, end = top + c.row, top + c.row + c.rows - 1
        inside = [k for k in cuts if first <= k < end]
        if not inside:
            continue
        src = ws.cell(first, c.col + 1)
        value, font, align = src.value, copy(src.font), src.alignment
        ws.unmerge_cells(start_row=first, start_column=c.col + 1, end_row=end, end_column=c.col + c.cols)
        bounds = [first] + [k + 1 for k in inside]
        for a, b in zip(bounds, [k for k in inside] + [end]):
            cell = ws.cell(a, c.col + 1)
            cell.value, cell.font = value, copy(font)
            cell.alignment = Alignment(horizontal=align.horizontal, vertical="center", wrap_text=True)
            if b > a or c.cols > 1:
                ws.merge_cells(start_row=a, start_column=c.col + 1, end_row=b, end_column=c.col + c.cols)


def _page_room(ws, widths: dict[int, float], landscape: bool) -> float:
    """The height (points, before scaling) a printed page holds once the sheet is fitted to
    the page width."""
    page_w, page_h = (842, 595) if landscape else (595, 842)
    inch = 72
    width_pt = sum(column_pt(w) for w in widths.values()) or 1.0
    scale = min(1.0, (page_w - inch * (ws.page_margins.left + ws.page_margins.right)) / width_pt)
    return (page_h - inch * (ws.page_margins.top + ws.page_margins.bottom) - 6) / scale


def _keep_together(ws, spans: list[tuple[int, int]], widths: dict[int, float], landscape: bool) -> None:
    """Page breaks on a sheet of several tables so that a table that fits on a page is not
    cut (its caption, header, rows and notes printed together); a table longer than a page
    has pages of its own (where it runs over is the program's choice, so the next table
    starts on a new page rather than after a guess). A row whose height is not set is taken as 13.5 points
    (LibreOffice prints 12.8, Excel 13.5-14.25 in 宋体 11), and a twentieth of the page is
    left for rows made taller by wrapped text."""
    from openpyxl.worksheet.pagebreak import Break

    room = _page_room(ws, widths, landscape) * 0.95

    def height(r: int) -> float:
        h = ws.row_dimensions[r].height
        return h if h else 13.5

    repeated = height(1)             # the title row printed on every page
    used = repeated + sum(height(r) for r in range(2, spans[0][0])) if spans else 0.0
    for k, (a, b) in enumerate(spans):
        h = sum(height(r) for r in range(a, b + 1))
        gap = height(a - 1) if k else 0.0
        if k and used + gap + h > room and used > repeated:
            ws.row_breaks.append(Break(id=a - 1))
            used = repeated
            gap = 0.0
        used += gap + h
        if used > room and k + 1 < len(spans):   # ran over a page: the next table on a new one
            ws.row_breaks.append(Break(id=b + 1))
            used = repeated


def _print_setup(ws, area: str, title_rows: str | None, landscape: bool, form: bool = False) -> None:
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.5 if form else 0.75
    ws.print_area = area
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.font = FONT
