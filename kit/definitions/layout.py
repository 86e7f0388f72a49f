"""Layout files of the official 自评表: the typed model, checked completely on load.

A layout is data, not code (the format is described in :mod:`kit.render.forms`, which draws
it): three ship with the kit in ``kit/layouts/``, and ``method.yml`` names one by name or by a
file beside it (``layout: my-county.yml``). Every key is typed; places (``A1``, ``B3:I3``,
columns ``B`` or ``I:J``) are read and checked for overlap and for the widths; every field is
one the renderer can fill. Errors name the file and the key path, in Chinese.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, model_validator
from pydantic.functional_validators import PlainValidator

from .base import NonNegativeInt, OptText, PositiveInt, Spec, Text, fail, one_of, suggest, type_name

__all__ = ["LayoutSpec", "CellSpec", "BlockSpec", "parse_ref", "column_letter", "shipped_layouts",
           "default_layout", "layout_path", "load_layout_spec", "HEAD_FIELDS", "FUND_PARTS",
           "BLOCK_FIELDS", "KIND_NAMES", "known_field", "fund_sources"]

HEAD_FIELDS = ("project_name", "project_code", "code_name", "department", "implementer", "year",
               "year_line", "method_title", "goals.expected", "goals.achieved", "content",
               "total_points", "total", "grade", "grade_line", "conclusion", "problems", "measures",
               "leader_line", "finance_leader_line", "funding.points", "funding.score", "funding.reason")
FUND_PARTS = ("initial", "budget", "spent", "rate")
BLOCK_FIELDS = ("level1", "level2", "level3", "name", "nature", "target", "target_value", "unit",
                "actual", "actual_value", "points", "score", "reason", "evidence", "explanation")
KIND_NAMES = ("text", "int", "number", "percent", "points", "score", "wan", "pvalue", "date")
TOTAL_SOURCE = "年度资金总额"
DEFAULTS = {"2013": "county-2013", "2020": "national-2020", "2020-self": "national-2020"}

_REF = re.compile(r"^([A-Z]{1,3})([1-9][0-9]*)(?::([A-Z]{1,3})([1-9][0-9]*))?$")


def _col(s: str) -> int:
    n = 0
    for ch in s:
        n = n * 26 + ord(ch) - 64
    return n - 1


def parse_ref(ref: str) -> tuple[int, int, int, int]:
    """An Excel-style reference to (row, col, rows, cols), 0-based.

    >>> parse_ref("B3"), parse_ref("A1:H1"), parse_ref("AA10")
    ((2, 1, 1, 1), (0, 0, 1, 8), (9, 26, 1, 1))
    """
    m = _REF.match(str(ref).strip().upper())
    if not m:
        raise ValueError(ref)
    r1, c1 = int(m.group(2)) - 1, _col(m.group(1))
    r2, c2 = (int(m.group(4)) - 1, _col(m.group(3))) if m.group(3) else (r1, c1)
    if r2 < r1 or c2 < c1:
        raise ValueError(ref)
    return r1, c1, r2 - r1 + 1, c2 - c1 + 1


def column_letter(col: int) -> str:
    """>>> column_letter(0), column_letter(26)
    ('A', 'AA')
    """
    s, col = "", col + 1
    while col:
        col, r = divmod(col - 1, 26)
        s = chr(65 + r) + s
    return s


def _cell_ref(v: Any) -> str:
    if not isinstance(v, str):
        raise fail(f"应为单元格位置，如 A1 或 B1:H1，实为{type_name(v)}")
    try:
        parse_ref(v)
    except ValueError:
        raise fail(f"「{v}」不是单元格位置；应写 A1 或 B1:H1（左上:右下）") from None
    return v.strip().upper()


def _column_ref(v: Any) -> str:
    if not isinstance(v, str) or not re.fullmatch(r"[A-Z]{1,2}(:[A-Z]{1,2})?", v.strip().upper()):
        raise fail(f"应为列字母，如 B 或 I:J，实为{type_name(v)}")
    a, _, b = v.strip().upper().partition(":")
    if b and _col(b) < _col(a):
        raise fail(f"列范围 {v} 颠倒，应从左写到右")
    return v.strip().upper()


CellRef = Annotated[str, PlainValidator(_cell_ref)]
ColumnRef = Annotated[str, PlainValidator(_column_ref)]


def columns_of(ref: str) -> tuple[int, int]:
    """A column ref ("B" or "I:J") -> (first column, number of columns), 0-based."""
    a, _, b = ref.partition(":")
    return _col(a), _col(b or a) - _col(a) + 1


def known_field(f: str) -> bool:
    """A head or foot field the renderer fills: one of :data:`HEAD_FIELDS`, or
    ``funding.<source>.<initial|budget|spent|rate>``."""
    if f in HEAD_FIELDS:
        return True
    parts = f.split(".")
    return len(parts) == 3 and parts[0] == "funding" and parts[2] in FUND_PARTS and bool(parts[1])


def _field(v: Any) -> str:
    if not isinstance(v, str) or not known_field(v):
        allowed = list(HEAD_FIELDS) + ["funding.<资金来源>.initial/budget/spent/rate"]
        raise fail(f"「{v}」不是表头表尾可填的字段。{suggest(v, HEAD_FIELDS)}可用：{'、'.join(allowed)}"
                   if isinstance(v, str) else f"应为字段名，实为{type_name(v)}")
    return v


def _size(v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not 6 <= v <= 16:
        raise fail(f"应为6到16之间的字号（磅），实为{type_name(v)}")
    return v


def _width(v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v <= 100:
        raise fail(f"应为列宽（字数，大于0、不超过100），实为{type_name(v)}")
    return v


class CellSpec(Spec):
    """One cell of the head or foot: ``at`` with ``text`` (a printed label) or ``field``."""

    at: CellRef
    text: OptText | None = None
    field: Annotated[str, PlainValidator(_field)] | None = None
    role: one_of("label", "value", "title", "note", what="角色") | None = None
    limit: PositiveInt | None = None
    kind: one_of(*KIND_NAMES, what="数字格式") | None = None
    digits: NonNegativeInt | None = None
    align: one_of("left", "center", "right", what="对齐方式") | None = None

    @model_validator(mode="after")
    def _text_or_field(self):
        if (self.text is None) == (self.field is None):
            raise fail("每个单元格写 text（表上印好的文字）或 field（由数据填写）二者之一", key="at")
        return self

    @property
    def span(self) -> tuple[int, int, int, int]:
        return parse_ref(self.at)


class LabelSpec(Spec):
    at: ColumnRef
    text: Text


BlockField = one_of(*BLOCK_FIELDS, what="指标区字段")


class BlockSpec(Spec):
    """The indicator block: which field in which column(s), its header, how levels print."""

    label: LabelSpec | None = None
    columns: dict[BlockField, ColumnRef] = Field(min_length=1)
    header: dict[BlockField, OptText] = {}
    level1_text: Text = "{name}"
    level1_names: dict[Text, Text] = {}
    subtotals: Text | None = None

    @model_validator(mode="after")
    def _consistent(self):
        taken: dict[int, str] = {}
        for f, ref in self.columns.items():
            c0, n = columns_of(ref)
            for c in range(c0, c0 + n):
                if c in taken:
                    raise fail(f"与 {taken[c]} 占用同一列 {column_letter(c)}", key=f"columns.{f}")
                taken[c] = f
        if self.label is not None:
            c0, n = columns_of(self.label.at)
            if n != 1 or c0 in taken:
                raise fail("应为一列，且不与 columns 中的列重叠", key="label.at")
        for f in self.header:
            if f not in self.columns:
                raise fail(f"「{f}」不在 columns 中", key=f"header.{f}")
        try:
            self.level1_text.format(name="产出", points="50")
        except (KeyError, IndexError, ValueError):
            raise fail("只能用 {name}（一级指标名称）和 {points}（分值）", key="level1_text") from None
        if self.subtotals is not None:
            if "{name}" not in self.subtotals:
                raise fail("应含 {name}，如 \"{name}小计\"", key="subtotals")
            if not {"points", "score"} <= set(self.columns):
                raise fail("小计行需要 columns 中有 points 和 score", key="subtotals")
        return self

    @property
    def used_columns(self) -> set[int]:
        out = {c for ref in self.columns.values() for c in range(columns_of(ref)[0], sum(columns_of(ref)))}
        if self.label is not None:
            out.add(columns_of(self.label.at)[0])
        return out


class LayoutSpec(Spec):
    """A layout file (see :mod:`kit.render.forms` for the format)."""

    name: Text
    sheet: Text = "自评表"
    orientation: one_of("landscape", "portrait", what="纸张方向") = "landscape"
    font_size: Annotated[float, PlainValidator(_size)] = 10
    widths: list[Annotated[float, PlainValidator(_width)]] = Field(min_length=1)
    head: list[CellSpec] = Field(min_length=1)
    indicators: BlockSpec
    foot: list[CellSpec] = []

    @model_validator(mode="after")
    def _places(self):
        n = len(self.widths)
        for part in ("head", "foot"):
            taken: dict[tuple[int, int], str] = {}
            for i, c in enumerate(getattr(self, part)):
                r, col, nr, nc = c.span
                if col + nc > n:
                    raise fail(f"{c.at} 超出 widths 写明的{n}列", key=f"{part}[{i}].at")
                for rr in range(r, r + nr):
                    for cc in range(col, col + nc):
                        if (rr, cc) in taken:
                            raise fail(f"{c.at} 与 {taken[(rr, cc)]} 重叠", key=f"{part}[{i}].at")
                        taken[(rr, cc)] = c.at
        used = self.indicators.used_columns
        if max(used) >= n:
            raise fail(f"指标区用到第{max(used) + 1}列，但 widths 只写了{n}列", key="indicators.columns")
        free = [column_letter(c) for c in range(n) if c not in used]
        if free:
            raise fail(f"指标区应占满表样的{n}列；{'、'.join(free)} 列没有字段", key="indicators.columns")
        return self

    @property
    def fund_sources(self) -> list[str]:
        return fund_sources(self)


def fund_sources(spec: LayoutSpec) -> list[str]:
    """The fund sources a layout prints a row for (besides 年度资金总额), in order."""
    out = []
    for c in spec.head:
        parts = (c.field or "").split(".")
        if len(parts) == 3 and parts[0] == "funding" and parts[1] != TOTAL_SOURCE and parts[1] not in out:
            out.append(parts[1])
    return out


def shipped_layouts() -> dict[str, Path]:
    """The layouts that ship with the kit: {name: file}."""
    folder = resources.files("kit").joinpath("layouts")
    return {Path(str(p)).stem: Path(str(p)) for p in folder.iterdir() if str(p).endswith(".yml")}


def default_layout(framework: str) -> str:
    """The layout a method without ``layout:`` uses: the national annex (财预〔2020〕10号) for
    both 2020 frameworks, the county form (财预〔2013〕53号) otherwise."""
    return DEFAULTS.get(framework, "county-2013")


def layout_path(name: str | Path, base: str | Path | None = None) -> Path:
    """The file of a shipped layout name, or a file (relative to ``base``)."""
    from ..errors import KitError

    shipped = shipped_layouts()
    if str(name) in shipped:
        return shipped[str(name)]
    path = Path(name)
    if not path.is_absolute() and base is not None:
        path = Path(base) / path
    if not path.is_file():
        raise KitError(f"找不到表样「{name}」：既不是随附表样（{'、'.join(sorted(shipped))}），也不是存在的文件 "
                       f"{path}。{suggest(name, shipped)}")
    return path


def load_layout_spec(name: str | Path, base: str | Path | None = None, error=None) -> tuple[LayoutSpec, Path]:
    """Read and check a layout (a shipped name or a file)."""
    from ..errors import KitError
    from . import load_spec

    path = layout_path(name, base)
    return load_spec(path, LayoutSpec, error or KitError, "找不到表样文件"), path
