"""What a document's tables are made of, independent of Word or Excel.

A :class:`Table` is data in rows under typed :class:`Column` s: numbers stay numbers until a
renderer shows them (Word: text rounded half up through :mod:`kit.fmt`; Excel: the rounded
value with a number format). A :class:`Grid` is a form: cells at fixed places with merges,
labels, fields filled from data and character limits, as an official 自评表 layout is; a
layout file (YAML) becomes a Grid through :func:`grid_from_spec`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any, Mapping, Sequence

from ..definitions.layout import parse_ref
from ..errors import KitError
from .text import display_width, looks_numeric

__all__ = ["KINDS", "Column", "Row", "Table", "Cell", "Grid", "Num", "Shown", "LayoutError", "grid_from_spec",
           "grid_from_table", "stack_grids", "merge_runs", "cell_text", "excel_value", "parse_ref",
           "REPEAT_GREY"]

# A group's label repeated on the rows under its first (where a merged cell would be too tall),
# in grey in Word and Excel alike: RGB hex.
REPEAT_GREY = "808080"

# kind -> (default decimals, Excel number format; "{d}" is replaced by the decimals)
KINDS: dict[str, tuple[int | None, str]] = {
    "text": (None, "@"),
    "verbatim": (None, "@"),     # text kept exactly as typed, never read as a number (labels to edit)
    "int": (0, "0"),
    "number": (2, "0{d}"),
    "percent": (1, "0{d}%"),
    "points": (2, "General"),    # up to two decimals, no trailing zeros (as fmt_points shows them)
    "score": (2, "0.00"),        # a form's 得分: always two decimals (9.20)
    "wan": (2, "0{d}"),          # 万元, two decimals
    "pvalue": (3, '[<0.001]"<0.001";0{d}'),
    "date": (None, 'yyyy"年"m"月"d"日"'),
}


class LayoutError(KitError):
    """A layout (form) specification that cannot be rendered."""


@dataclass(frozen=True)
class Column:
    """A table column. ``kind`` says how values are shown: text, int, number, percent (a share
    0-1 shown as 98.3%), points (up to two decimals, no trailing zeros), wan (万元, two
    decimals), pvalue (below 0.001 shown as <0.001), date. ``wide`` marks a prose column
    (说明, 偏差原因分析及改进措施) that takes the width left over; ``labels`` maps codes to
    Chinese labels (several codes in one cell, separated by ; or ,, are each mapped)."""

    label: str
    kind: str = "text"
    digits: int | None = None
    wide: bool = False
    labels: Mapping[str, str] | None = None
    align: str | None = None  # left | center | right; default by kind and content
    choices: tuple[str, ...] = ()  # Excel: a drop-down list on the column's cells (a form to fill in)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise LayoutError(f"列「{self.label}」的类型 {self.kind!r} 不认识；可用：{', '.join(KINDS)}")

    @property
    def decimals(self) -> int | None:
        return self.digits if self.digits is not None else KINDS[self.kind][0]

    def number_format(self) -> str:
        d = self.decimals
        return KINDS[self.kind][1].replace("{d}", ("." + "0" * d) if d else "")


@dataclass(frozen=True)
class Num:
    """A number that arrived as text (98.3%, 4.65): its value, the Excel format that shows it
    the same way, and the text itself (for Word)."""

    value: float
    fmt: str
    text: str


class Shown(str):
    """A number as a display table shows it (``<0.001``, ``+12.1``) that keeps the value
    behind the text: it is the text wherever a string is expected (notebooks, sentences,
    tests), Word prints the text, and Excel stores ``value`` with the number format ``fmt``.

    >>> p = Shown.pvalue(0.00042)
    >>> p, p.value, p.fmt
    ('<0.001', 0.00042, '[<0.001]"<0.001";0.000')
    >>> Shown.pvalue(0.0315), Shown.pvalue(0.0315).value
    ('0.032', 0.032)
    """

    value: float
    fmt: str

    def __new__(cls, text: str, value, fmt: str):
        obj = super().__new__(cls, text)
        obj.value = float(value) if not isinstance(value, int) else value
        obj.fmt = fmt
        return obj

    def __getnewargs__(self):  # pickled with its value (batch runs in processes)
        return str(self), self.value, self.fmt

    @classmethod
    def pvalue(cls, p, digits: int = 3) -> "Shown | None":
        """A p-value: below 0.001 shown <0.001 and stored as its value; otherwise rounded half
        up to ``digits`` places (stored as shown). None for a missing value."""
        if _is_missing(p):
            return None
        col = Column("P值", "pvalue", digits)
        value, fmt = excel_value(p, col)
        return cls(cell_text(p, col), value, fmt)


@dataclass
class Row:
    """A table row with emphasis (``bold``) or a label cell spanning the first ``span``
    columns (小计, 合计)."""

    cells: list
    bold: bool = False
    span: int = 1


@dataclass
class Table:
    """Rows of values under columns. ``merge`` is the number of leading columns whose runs of
    equal values are merged into one cell (level-1 and level-2 indicators), a run of a later
    column ending where an earlier one changes. ``key`` lets text refer to the table (表1)."""

    columns: list[Column]
    rows: list = field(default_factory=list)
    caption: str = ""
    key: str | None = None
    merge: int = 0
    notes: list[str] = field(default_factory=list)
    style: str = "three_line"      # or "grid" (all rules)
    empty: str = ""                # said instead of an empty table

    def __post_init__(self):
        if self.style not in ("three_line", "grid"):
            raise LayoutError(f"表格「{self.caption}」的样式 {self.style!r} 不认识：应为 three_line 或 grid")
        n = len(self.columns)
        for i, r in enumerate(self.rows):
            cells = r.cells if isinstance(r, Row) else r
            if len(cells) != n:
                raise LayoutError(f"表格「{self.caption}」第{i + 1}行有{len(cells)}个值，应为{n}个（列：" +
                                  "、".join(c.label for c in self.columns) + "）")

    @property
    def body(self) -> list[Row]:
        return [r if isinstance(r, Row) else Row(list(r)) for r in self.rows]

    def is_empty(self) -> bool:
        return not self.rows

    @classmethod
    def from_frame(cls, df, *, caption: str = "", kinds: Mapping[str, str] | None = None,
                   digits: Mapping[str, int] | None = None, wide: Sequence[str] = (),
                   labels: Mapping[str, Mapping[str, str]] | None = None, **kw) -> "Table":
        """A table from a DataFrame (Chinese column names). Kinds are taken from ``kinds``,
        else from the dtype (integers, decimals); a text column whose cells are numbers
        written as text (98.3%, 4.65) keeps them as numbers (:class:`Num`), and a
        :class:`Shown` cell (<0.001) keeps its value. A display frame may carry its own
        rendering hints in ``df.attrs``: ``note`` (printed under the table), ``empty`` (what
        is said instead of an empty table), ``merge`` (leading columns whose runs are merged),
        ``kinds``, ``wide`` and ``labels``; arguments given here come first."""
        import pandas as pd

        hints = getattr(df, "attrs", {}) or {}
        kinds = {**dict(hints.get("kinds") or {}), **dict(kinds or {})}
        labels = {**dict(hints.get("labels") or {}), **dict(labels or {})}
        digits = dict(digits or {})
        wide = list(wide) + list(hints.get("wide") or [])
        if hints.get("note") and "notes" not in kw:
            note = str(hints["note"])
            kw["notes"] = [note if note.startswith("注") else "注：" + note]
        if hints.get("empty") and "empty" not in kw:
            kw["empty"] = str(hints["empty"])
        if hints.get("merge") and "merge" not in kw:
            kw["merge"] = int(hints["merge"])
        cols = []
        for name in df.columns:
            s = df[name]
            kind = kinds.get(name)
            if kind is None:
                if pd.api.types.is_bool_dtype(s):
                    kind = "text"
                elif pd.api.types.is_integer_dtype(s):
                    kind = "int"
                elif pd.api.types.is_float_dtype(s):
                    vals = s.dropna()
                    kind = "int" if len(vals) and (vals == vals.round()).all() else "number"
                else:
                    kind = "text"
            long_text = kind == "text" and s.map(lambda v: display_width(str(v)) if isinstance(v, str)
                                                  else 0).max() > 16 if len(s) else False
            cols.append(Column(str(name), kind, digits.get(name), wide=name in wide or bool(long_text),
                               labels=labels.get(name)))
        rows = [[_plain(v) for v in row] for row in df.itertuples(index=False)]
        return cls(cols, rows, caption=caption, **kw)


def _plain(v):
    """NA to None, numpy scalars to Python, numbers written as text to :class:`Num`."""
    try:
        import pandas as pd

        if v is pd.NA or v is pd.NaT:
            return None
    except ImportError:  # pragma: no cover
        pass
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if isinstance(v, str) and not isinstance(v, Shown) and looks_numeric(v):
        return num_from_text(v) or v
    return v


def num_from_text(text: str) -> Num | None:
    """A number written as text, with the Excel format that shows it as written; None for
    a bound such as <0.001, whose value the text does not give (pass the value instead).

    A signed change keeps its sign in the format (+12.1 shows as +12.1, −3.0 as −3.0).

    >>> num_from_text("98.3%"), num_from_text("1,234").fmt, num_from_text("<0.001")
    (Num(value=0.983, fmt='0.0%', text='98.3%'), '#,##0', None)
    >>> num_from_text("+12.1").fmt, num_from_text("−3.0").value
    ('+0.0;"−"0.0;0.0', -3.0)
    """
    s = text.strip()
    if not looks_numeric(s) or s[:1] in "<＜≤":
        return None
    body = s.replace(",", "").replace("−", "-")
    core = body.rstrip("%‰")
    d = len(core.split(".")[1].rstrip("%‰")) if "." in core else 0
    digits = ("." + "0" * d) if d else ""
    if body.endswith("‰"):
        return Num(float(Decimal(core)), "0" + digits + '"‰"', s)
    pct = body.endswith("%")
    value = float(Decimal(core) / 100) if pct else float(Decimal(core))
    fmt = ("#,##0" if "," in s else "0") + digits + ("%" if pct else "")
    if s[:1] in "+−":  # a change written with its sign: the sign is part of what it shows
        fmt = f'+{fmt};"−"{fmt};{fmt}'
    return Num(value, fmt, s)


def merge_runs(texts: list[list[str]], spans: list[int], depth: int) -> dict[tuple[int, int], int]:
    """Runs of equal, non-blank text in the first ``depth`` columns of body rows ``texts``,
    a run of column j ending where an earlier column changes (level 2 inside level 1) and at
    a row whose label spans columns (小计). Returns {(first row, column): last row}.

    >>> merge_runs([["投入", "立项"], ["投入", "立项"], ["过程", "立项"], ["过程", "管理"]], [1] * 4, 2)
    {(0, 0): 1, (2, 0): 3, (0, 1): 1}
    """
    out: dict[tuple[int, int], int] = {}
    n = len(texts)
    for j in range(depth):
        def key(k):
            return tuple(texts[k][:j + 1]) if k < n and spans[k] == 1 else None
        start = 0
        for i in range(1, n + 1):
            if i == n or key(i) != key(start) or key(start) is None:
                if i - 1 > start and key(start) is not None and texts[start][j] not in ("", "—"):
                    out[(start, j)] = i - 1
                start = i
    return out


def _is_missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())


def _map_codes(v, labels: Mapping[str, str] | None):
    if labels is None or not isinstance(v, str):
        return labels.get(v, v) if labels is not None and not isinstance(v, (list, dict)) else v
    if v in labels:
        return labels[v]
    parts = re.split(r"\s*[;,；，]\s*", v)
    if len(parts) > 1 and any(p in labels for p in parts):
        return "、".join(labels.get(p, p) for p in parts if p)
    return v


def cell_text(v, col: Column | None = None, missing: str = "—") -> str:
    """A value as Word shows it: numbers rounded half up by the column's kind.

    >>> cell_text(0.98245, Column("满意率", "percent")), cell_text(0.0004, Column("p值", "pvalue"))
    ('98.2%', '<0.001')
    >>> cell_text(9.625, Column("得分", "points")), cell_text(None), cell_text("speeder",
    ...     Column("原因", labels={"speeder": "用时过短"}))
    ('9.63', '—', '用时过短')
    """
    from ..fmt import fmt_number, fmt_percent, fmt_points
    from .text import cn_date

    col = col or Column("")
    if isinstance(v, Shown):
        return str(v)
    v = _map_codes(v, col.labels)
    if isinstance(v, Num):
        return v.text
    if _is_missing(v):
        return missing
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, (dt.date, dt.datetime)):
        return cn_date(v)
    if isinstance(v, (int, float, Decimal, Fraction)):
        k, d = col.kind, col.decimals
        if k == "percent":
            return fmt_percent(v, d)
        if k == "points":
            return fmt_points(v)
        if k == "score":
            return fmt_number(v, 2)
        if k == "pvalue":
            return "<0.001" if v < Fraction(1, 1000) else fmt_number(v, d)
        if k == "int":
            return fmt_number(v, 0)
        if k in ("number", "wan"):
            return fmt_number(v, d)
        # a number in a text column: as it is, without float noise
        return fmt_number(v, 0) if v == int(v) else _short(v)
    return str(v)


def _short(v) -> str:
    from ..fmt import to_decimal

    return format(to_decimal(v).normalize(), "f")


def excel_value(v, col: Column | None = None) -> tuple[Any, str | None]:
    """A value as Excel stores it, with its number format (None for text and blanks).
    Numbers are rounded half up to the decimals shown, so a cell holds what it shows;
    a p-value below 0.001 keeps its value and shows <0.001.

    >>> excel_value(0.98245, Column("满意率", "percent")), excel_value(0.0004, Column("p", "pvalue"))
    ((0.982, '0.0%'), (0.0004, '[<0.001]"<0.001";0.000'))
    >>> excel_value(2.675, Column("均值", "number")), excel_value("4.65")
    ((2.68, '0.00'), (4.65, '0.00'))
    """
    from ..fmt import round_half_up

    col = col or Column("")
    if isinstance(v, Shown):
        return v.value, v.fmt
    v = _map_codes(v, col.labels)
    if col.kind == "verbatim" and isinstance(v, str):
        return (v if v.strip() else None), None
    if isinstance(v, str) and looks_numeric(v):
        v = num_from_text(v) or v
    if isinstance(v, Num):
        return v.value, v.fmt
    if _is_missing(v):
        return None, None
    if isinstance(v, bool):
        return ("是" if v else "否"), None
    if isinstance(v, dt.datetime):
        return v, KINDS["date"][1]
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day), KINDS["date"][1]
    if isinstance(v, (int, float, Decimal, Fraction)):
        k, d = col.kind, col.decimals
        if k in ("text", "verbatim"):  # a number in a text column: keep it a number, shown as it is
            x = float(v) if not isinstance(v, int) else v
            return x, "General"
        if k == "pvalue":
            return (float(v) if v < Fraction(1, 1000) else round_half_up(v, d)), col.number_format()
        if k == "percent":
            return round_half_up(v, d + 2), col.number_format()
        if k == "int":
            return int(round_half_up(v, 0)), col.number_format()
        if k == "points":
            x = round_half_up(v, 2)
            return (int(x) if x == int(x) else x), col.number_format()
        return round_half_up(v, d), col.number_format()
    return str(v), None


# ------------------------------------------------------------------------------ forms
@dataclass
class Cell:
    """One cell of a form: at ``row``, ``col`` (0-based), spanning ``rows`` × ``cols``.
    ``role``: label (printed on the form, bold and centred), value, title, note.
    ``field`` names the value filled from data; ``limit`` is the form's character limit
    (「100字以内」): a longer text is still written, and a warning is recorded."""

    row: int
    col: int
    value: Any = None
    rows: int = 1
    cols: int = 1
    role: str = "value"
    field: str | None = None
    limit: int | None = None
    kind: str = "text"
    digits: int | None = None
    align: str | None = None

    @property
    def column(self) -> Column:
        return Column(self.field or "", self.kind, self.digits, align=self.align)


@dataclass
class Grid:
    """A form laid out cell by cell (an official 自评表): merges, labels, fields, limits.
    ``widths`` are column widths in characters; ``header_rows`` are repeated on every page;
    ``landscape`` None means decided by width."""

    cells: list[Cell]
    widths: list[float] = field(default_factory=list)
    caption: str = ""
    key: str | None = None
    header_rows: int = 0
    landscape: bool | None = None
    title: str = ""
    repeat_rows: tuple[int, int] | None = None  # rows (first, last) repeated on printed pages

    @property
    def n_rows(self) -> int:
        return max((c.row + c.rows for c in self.cells), default=0)

    @property
    def n_cols(self) -> int:
        return max([c.col + c.cols for c in self.cells] + [len(self.widths)], default=0)

    def fill(self, values: Mapping[str, Any], placeholder: str = "【请填写：{label}】") -> tuple["Grid", list[str]]:
        """A copy with every field cell filled from ``values``; a field without a value
        gets the placeholder (naming the label to its left or above); the second item lists
        the warnings (texts over a cell's character limit; the text is written all the same)."""
        warnings: list[str] = []
        cells = []
        for c in self.cells:
            if c.field is not None:
                v = values.get(c.field)
                if _is_missing(v):
                    v = placeholder.format(label=self._label_for(c) or c.field)
                text = cell_text(v, c.column, missing="")
                if c.limit is not None and len(text) > c.limit and not text.startswith("【请填写"):
                    warnings.append(f"「{self._label_for(c) or c.field}」{len(text)}字，超过表样限定的"
                                    f"{c.limit}字；已照写，请压缩")
                c = replace(c, value=v)
            cells.append(c)
        return replace(self, cells=cells), warnings

    def _label_for(self, cell: Cell) -> str:
        left = [c for c in self.cells if c.role == "label" and c.row <= cell.row < c.row + c.rows
                and c.col + c.cols <= cell.col]
        if left:
            return str(max(left, key=lambda c: c.col).value or "")
        above = [c for c in self.cells if c.role == "label" and c.col <= cell.col < c.col + c.cols
                 and c.row + c.rows <= cell.row]
        return str(max(above, key=lambda c: c.row).value or "") if above else ""


_CELL_KEYS = {"at", "text", "field", "role", "limit", "kind", "digits", "align"}
_GRID_KEYS = {"title", "caption", "widths", "header_rows", "orientation", "cells"}


def grid_from_spec(spec: Mapping, where: str = "layout") -> Grid:
    """A :class:`Grid` from a layout mapping (as read from a layout YAML file)::

        title: 项目支出绩效自评表
        orientation: landscape        # or portrait; omitted: decided by width
        widths: [10, 12, 14, 14, 14, 8, 8, 30]
        header_rows: 1
        cells:
          - {at: A1, text: 项目名称, role: label}
          - {at: "B1:H1", field: project_name}
          - {at: "B9:H9", field: conclusion, limit: 200}

    Every key is checked; an error names the key and what was expected.

    >>> g = grid_from_spec({"cells": [{"at": "A1", "text": "项目名称", "role": "label"},
    ...                               {"at": "B1:D1", "field": "name"}]})
    >>> (g.n_rows, g.n_cols), g.fill({"name": "党建引领扶贫工程"})[0].cells[1].value
    ((1, 4), '党建引领扶贫工程')
    """
    if not isinstance(spec, Mapping):
        raise LayoutError(f"{where}：表样应为键值对（title、widths、cells …）")
    unknown = set(spec) - _GRID_KEYS
    if unknown:
        raise LayoutError(f"{where}：不认识的键 {', '.join(sorted(map(str, unknown)))}；可用：{', '.join(sorted(_GRID_KEYS))}")
    raw_cells = spec.get("cells")
    if not isinstance(raw_cells, list) or not raw_cells:
        raise LayoutError(f"{where}.cells：应为单元格列表，每项写 at（如 A1 或 B1:H1）和 text 或 field")
    orient = spec.get("orientation")
    if orient not in (None, "landscape", "portrait"):
        raise LayoutError(f"{where}.orientation：应为 landscape（横向）或 portrait（纵向），而不是 {orient!r}")
    cells: list[Cell] = []
    taken: dict[tuple[int, int], str] = {}
    for i, rc in enumerate(raw_cells):
        w = f"{where}.cells[{i}]"
        if not isinstance(rc, Mapping):
            raise LayoutError(f"{w}：应为键值对，如 {{at: A1, text: 项目名称}}")
        bad = set(rc) - _CELL_KEYS
        if bad:
            raise LayoutError(f"{w}：不认识的键 {', '.join(sorted(map(str, bad)))}；可用：{', '.join(sorted(_CELL_KEYS))}")
        try:
            r, c, nr, nc = parse_ref(rc.get("at", ""))
        except ValueError:
            raise LayoutError(f"{w}.at：{rc.get('at')!r} 不是单元格位置；应写 A1 或 B1:H1") from None
        for rr in range(r, r + nr):
            for cc in range(c, c + nc):
                if (rr, cc) in taken:
                    raise LayoutError(f"{w}.at：{rc['at']} 与 {taken[(rr, cc)]} 重叠")
                taken[(rr, cc)] = str(rc["at"])
        if "text" in rc and "field" in rc:
            raise LayoutError(f"{w}：text 和 field 只能写一个")
        role = rc.get("role", "label" if "text" in rc else "value")
        if role not in ("label", "value", "title", "note"):
            raise LayoutError(f"{w}.role：应为 label、value、title 或 note，而不是 {role!r}")
        limit = rc.get("limit")
        if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit <= 0):
            raise LayoutError(f"{w}.limit：应为正整数（字数），而不是 {limit!r}")
        kind = rc.get("kind", "text")
        if kind not in KINDS:
            raise LayoutError(f"{w}.kind：{kind!r} 不认识；可用：{', '.join(KINDS)}")
        align = rc.get("align")
        if align not in (None, "left", "center", "right"):
            raise LayoutError(f"{w}.align：应为 left、center 或 right")
        cells.append(Cell(r, c, rc.get("text"), nr, nc, role, rc.get("field"), limit, kind,
                          rc.get("digits"), align))
    widths = spec.get("widths") or []
    if not isinstance(widths, list) or not all(isinstance(x, (int, float)) and x > 0 for x in widths):
        raise LayoutError(f"{where}.widths：应为各列宽度（字数）的列表，如 [10, 12, 30]")
    hr = spec.get("header_rows", 0)
    if not isinstance(hr, int) or hr < 0:
        raise LayoutError(f"{where}.header_rows：应为非负整数（每页重复的表头行数）")
    g = Grid(cells, [float(x) for x in widths], caption=str(spec.get("caption", "")),
             header_rows=hr, landscape=None if orient is None else orient == "landscape",
             title=str(spec.get("title", "")))
    if widths and len(widths) < g.n_cols:
        raise LayoutError(f"{where}.widths：写了{len(widths)}列的宽度，表样有{g.n_cols}列")
    return g


def grid_from_table(t: Table, header: bool = True) -> Grid:
    """A :class:`Table` as form cells (its header as labels, its level runs and spanning
    labels merged), to be stacked with the fixed parts of a form (:func:`stack_grids`):
    the indicator rows of an official 自评表 between its head and its 总分 row.

    >>> g = grid_from_table(Table([Column("一级指标"), Column("得分", "points")],
    ...                           [["产出", 9.5], ["产出", 10]], merge=1))
    >>> [(c.row, c.col, c.rows, c.value) for c in g.cells]
    [(0, 0, 1, '一级指标'), (0, 1, 1, '得分'), (1, 0, 2, '产出'), (1, 1, 1, 9.5), (2, 1, 1, 10)]
    """
    cells = [Cell(0, j, c.label, role="label") for j, c in enumerate(t.columns)] if header else []
    r0 = 1 if header else 0
    body = t.body
    texts = [[cell_text(v, c, missing="") for v, c in zip(r.cells, t.columns)] for r in body]
    runs = merge_runs(texts, [r.span for r in body], min(t.merge, len(t.columns)))
    covered = {(i, j) for (s, j), e in runs.items() for i in range(s + 1, e + 1)}
    for i, r in enumerate(body):
        for j, (v, c) in enumerate(zip(r.cells, t.columns)):
            if (i, j) in covered or 0 < j < r.span:
                continue
            cells.append(Cell(r0 + i, j, _map_codes(v, c.labels), runs.get((i, j), i) - i + 1,
                              r.span if j == 0 else 1, "label" if r.bold else "value",
                              kind=c.kind, digits=c.digits, align=c.align))
    return Grid(cells, caption=t.caption, key=t.key, header_rows=r0)


def stack_grids(*grids: Grid) -> Grid:
    """Grids one under the other, as one form: the first grid's caption, title, widths,
    header rows and orientation.

    >>> head = grid_from_spec({"cells": [{"at": "A1", "text": "项目名称"}, {"at": "B1", "field": "name"}]})
    >>> stack_grids(head, head).n_rows
    2
    """
    if not grids:
        raise LayoutError("没有要拼接的表样")
    cells, top = [], 0
    for g in grids:
        cells += [replace(c, row=c.row + top) for c in g.cells]
        top += g.n_rows
    first = grids[0]
    widths = next((g.widths for g in grids if g.widths), [])
    return replace(first, cells=cells, widths=list(widths))
