"""Official self-assessment forms (项目支出绩效自评表) drawn from a scored table and a layout.

A layout is a YAML file, not code: the kit ships three (``national-2020``: the 财预〔2020〕10号
annex as counties file it; ``sichuan-510000_0013zp``: the Sichuan provincial form;
``county-2013``: the 2013-framework county form), and a county with another template writes its
own and names it in ``method.yml`` (``layout: my-county.yml``, a path relative to method.yml).
Renderers take the assessment (:class:`kit.indicators.Assessment`, with its funding) and a
layout; scoring knows nothing of layouts, and a new layout touches no scoring code.

The layout format::

    name: 项目支出绩效自评表（某县）       # what the form is (errors and warnings name it)
    sheet: 自评表                          # the worksheet's name
    orientation: landscape                 # or portrait
    font_size: 10                          # points (default 10)
    widths: [6, 8, 9, 14, 10, 10, 5, 8, 18]   # column widths in Chinese characters, A, B, …
    head:                                  # the fixed rows at the top; positions from A1
      - {at: "A1:I1", text: 项目支出绩效自评表, role: title}   # role title: above the frame
      - {at: A3, text: 项目名称}                              # text: a label printed on the form
      - {at: "B3:I3", field: project_name}                   # field: filled from the data
      - {at: "H7:K8", field: goals.achieved, limit: 100}     # limit: 「100字以内」 (a warning)
      - {at: "B17:K17", text: 预算执行率=…, role: note}       # note: plain text inside the frame
    indicators:                            # one row per indicator, below the head
      label: {at: A, text: 绩效指标}        # optional: a label merged down the whole block
      columns: {level1: B, level2: C, level3: D, target: E, actual: F, points: G, score: H,
                reason: "I:J"}             # a field in a column (or columns merged: "I:J")
      header: {level1: 一级指标, …}         # the block's header row, per field
      level1_text: "{name}（{points}分）"   # how a first-level cell prints (default "{name}")
      level1_names: {产出: 产出指标}        # printed names of the method's sections
      subtotals: "{name}小计"               # optional: a subtotal row after each section
    foot:                                  # fixed rows after the block; A1 = its first row
      - {at: "A1:F1", text: 总分}
      - {at: G1, field: total_points}
      - {at: H1, field: total}

A cell is ``at`` (one cell, or a merged range) with ``text`` or ``field``, and optionally
``role`` (label, value, title, note), ``limit`` (characters), ``kind`` (how a number shows:
wan 万元 with two decimals, percent, score with two decimals, points, number, text),
``digits`` and ``align``. Every key is checked on load; an error names the file and the key.

The layout is checked on load by :mod:`kit.definitions.layout` (typed, every key). Fields of
the head and foot: ``project_name``, ``project_code``, ``code_name``
(「<code>-<name>」), ``department`` (主管部门), ``implementer`` (实施单位), ``year``,
``year_line`` (「（2023年度）」), ``method_title``, ``goals.expected`` (预期目标 / 项目年度目标),
``goals.achieved`` (实际完成情况), ``content`` (项目实施内容及过程概述), ``total_points``,
``total``, ``grade``, ``grade_line``, ``conclusion``, ``problems``, ``measures``,
``leader_line``, ``finance_leader_line``, and the funds: ``funding.<source>.initial``
(年初预算数), ``.budget`` (全年预算数 / 调整后预算数), ``.spent`` (全年执行数), ``.rate``
(执行率) for ``年度资金总额`` and each source the form lists, ``funding.points``,
``funding.score`` and ``funding.reason``. A project's fund source that the layout does not
list is an error (its money would vanish from the form).
Fields of the indicator block: ``level1``, ``level2``, ``level3``, ``name``, ``nature``
(指标性质 ≥ ≤ = 定性), ``target`` (年度指标值 as official tables write it: ≥50个),
``target_value`` and ``unit`` (指标值 and 度量单位 apart), ``actual``, ``actual_value`` (in the
target's unit), ``points``, ``score``, ``reason``, ``evidence``, ``explanation``.

A field without a value is printed 【请填写：…】 (the label beside it); an indicator marked
不适用 prints 不适用 and the rescaling note is written under the form, as is the roll-up note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any, Mapping

from ..definitions.layout import columns_of, default_layout, fund_sources, load_layout_spec, shipped_layouts
from ..fmt import fmt_points
from .model import Cell, Grid, LayoutError, grid_from_spec, stack_grids

__all__ = ["Layout", "load_layout", "layout_for_method", "shipped_layouts", "default_layout", "form_grid",
           "form_values", "write_form"]

FIELD_KINDS = {"total_points": ("points", None), "total": ("score", None), "funding.points": ("points", None),
               "funding.score": ("score", None)}
FUND_KINDS = {"initial": ("wan", 2), "budget": ("wan", 2), "spent": ("wan", 2), "rate": ("percent", 2)}
FUND_LABELS = {"initial": "年初预算数", "budget": "全年预算数", "spent": "全年执行数", "rate": "执行率"}
_RELATION_SIGN = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}
NOT_APPLICABLE = "不适用"
TOTAL_SOURCE = "年度资金总额"


@dataclass
class Block:
    """The indicator block of a layout: fields in columns (first column, number of columns)."""

    columns: dict[str, tuple[int, int]]
    header: dict[str, str]
    label: tuple[int, str] | None = None
    level1_text: str = "{name}"
    level1_names: dict[str, str] = field(default_factory=dict)
    subtotals: str | None = None


@dataclass
class Layout:
    """A checked layout (:class:`kit.definitions.layout.LayoutSpec`) ready to draw."""

    name: str
    sheet: str
    head: list[dict]
    block: Block
    foot: list[dict]
    widths: list[float]
    orientation: str = "landscape"
    font_size: float = 10
    fund_sources: list[str] = field(default_factory=list)
    path: Path | None = None

    @property
    def has_funding(self) -> bool:
        return any((c.get("field") or "").startswith("funding.") for c in self.head)


def load_layout(name: str | Path, base: str | Path | None = None) -> Layout:
    """A layout by shipped name (``national-2020``) or by file (relative to ``base``, the folder
    of method.yml), checked completely (:mod:`kit.definitions.layout`); errors name the file
    and the key."""
    spec, path = load_layout_spec(name, base, LayoutError)
    b = spec.indicators
    block = Block({f: columns_of(ref) for f, ref in b.columns.items()}, dict(b.header),
                  (columns_of(b.label.at)[0], b.label.text) if b.label else None, b.level1_text,
                  dict(b.level1_names), b.subtotals)
    cells = {part: [c.to_plain() for c in getattr(spec, part)] for part in ("head", "foot")}
    return Layout(spec.name, spec.sheet, cells["head"], block, cells["foot"], list(spec.widths), spec.orientation,
                  spec.font_size, fund_sources(spec), path)


def layout_for_method(method) -> Layout:
    """The layout ``method.yml`` names (``layout:``, a shipped name or a file beside it), or
    the framework's default."""
    name = method.layout or default_layout(method.framework)
    base = Path(method.path).parent if getattr(method, "path", None) else None
    return load_layout(name, base)


# ------------------------------------------------------------------------------ values
def form_values(a, info: Mapping[str, Any], layout: Layout) -> dict[str, Any]:
    """The head and foot fields of ``layout`` for the assessment ``a``; ``info`` holds what the
    project says (project_name, project_code, department, implementer, year, period,
    organisation, goals.expected, goals.achieved, content, conclusion, problems, measures,
    leader, finance_leader). Amounts are in 万元, exact; rates and scores exact."""
    v: dict[str, Any] = {}
    name = info.get("project_name") or ""
    code = info.get("project_code")
    year = info.get("year") or _year(info.get("period"))
    v.update(project_name=name, project_code=code, code_name=f"{code}-{name}" if code else name,
             department=info.get("department"), implementer=info.get("implementer") or info.get("organisation"),
             year=year, year_line=f"（{year}年度）" if year else "（【请填写：年度】年度）",
             method_title=a.method.title, content=info.get("content"),
             total_points=a.method.total, total=a.total, grade=a.grade or "不予评级")
    v["goals.expected"] = info.get("goals.expected")
    v["goals.achieved"] = info.get("goals.achieved")
    v["grade_line"] = (a.grade or "不予评级") + (f"（{a.grade_note}）" if a.grade_note else "")
    v["conclusion"] = info.get("conclusion") or _conclusion(a)
    v["problems"] = info.get("problems") or _problems(a)
    v["measures"] = info.get("measures")
    v["leader_line"] = f"项目负责人：{info.get('leader') or ''}"
    v["finance_leader_line"] = f"财务负责人：{info.get('finance_leader') or ''}"
    f = a.funding
    if f is None:  # the amounts are the filer's to write
        for src in [TOTAL_SOURCE, *layout.fund_sources]:
            for part, label in FUND_LABELS.items():
                v[f"funding.{src}.{part}"] = f"【请填写：{label}】"
    else:
        known = set(layout.fund_sources)
        if layout.has_funding:
            for src in f.sources:
                if src not in known:
                    raise LayoutError(f"project.yml 的 funding.sources 有「{src}」，表样「{layout.name}」没有这一资金来源"
                                      f"（有：{'、'.join(layout.fund_sources)}）；请按表样的来源填写，或换用相应表样", path=f.path)
        for src in [TOTAL_SOURCE, *layout.fund_sources]:
            line = f.line(src)
            for part in ("initial", "budget", "spent"):
                x = getattr(line, part) if line is not None else Fraction(0)
                v[f"funding.{src}.{part}"] = (x if x is not None else Fraction(0)) / 10_000
            rate = line.rate if line is not None else None
            v[f"funding.{src}.rate"] = rate if rate is not None else "—"
    section = _budget_section(a)
    lost = section is not None and section["score"] < section["points"]
    v["funding.reason"] = (f.reason if f is not None else None) or (None if lost else "—")
    if section is not None:   # the budget section, scored from funding: or from its own rows
        v["funding.points"], v["funding.score"] = section["points"], section["score"]
    else:
        v["funding.points"] = v["funding.score"] = "—"
    return v


def _budget_section(a) -> dict | None:
    name = a.method.budget
    return next((s for s in a.sections if s["name"] == name), None) if name else None


def _year(period) -> str | None:
    m = re.search(r"(\d{4})", str(period or ""))
    return m.group(1) if m else None


def _conclusion(a) -> str:
    """评价结论 as the data gives it: the total, the grade and why it differs, the rescaling."""
    text = f"项目自评得分{fmt_points(a.total)}分，"
    text += a.grade_note or f"评价等级为{a.grade}。"
    if a.rescaled:
        text += a.rescale_note
    return text


def _problems(a) -> str | None:
    """存在问题 from the points lost, with the reasons the table gives."""
    lost = [i for i in a.indicators if i.applicable and i.lost and i.lost > 0]
    if not lost:
        return "无扣分指标。"
    return "；".join(f"{i.name}扣{fmt_points(i.lost)}分：{(i.reason or '').rstrip('。；')}" for i in lost) + "。"


def _nature(ind) -> str:
    if ind.relation:
        return _RELATION_SIGN[ind.relation]
    return "≤" if ind.rule == "deduction" else "定性"


def _with_sign(ind) -> str | None:
    """年度指标值 as official tables write it: the direction in the cell (≥50个, ≤90万元)."""
    if ind.target_q is None or ind.relation is None or ind.rule == "budget":
        return ind.target
    if ind.target_q.relation is not None:
        return ind.target
    return _RELATION_SIGN[ind.relation] + ind.target_q.plain_text


def actual_with_unit(ind) -> str | None:
    """实际完成值 as the form shows it: a bare number written against a target with a unit
    gets the target's unit (「2」 against 「0次」 is 「2次」; 「7」 against 「≥5万元」 is 「7万元」).
    A percentage target is left alone (a bare 95 may mean 95% or 0.95), and so is any text
    that is not a plain number.

    >>> from types import SimpleNamespace as I
    >>> [actual_with_unit(I(actual=a, target=t)) for a, t in
    ...  [("2", "0次"), (2, "0次"), ("7", "≥5万元"), ("95", "90%"), ("2次", "0次"), ("是", "是"), (None, "0次")]]
    ['2次', '2次', '7万元', '95', '2次', '是', None]
    >>> a = actual_with_unit(I(actual="2", target="0次")); a.value, a.fmt   # Excel: the number 2, shown 2次
    (2, '0"次"')
    """
    from ..values import ValueParseError, parse_quantity

    actual = ind.actual
    if actual is None or isinstance(actual, bool):
        return actual
    text = str(actual).strip()
    try:
        a, t = parse_quantity(text), parse_quantity(ind.target)
    except (ValueParseError, TypeError, ValueError):
        return actual if not isinstance(actual, (int, float)) else text
    if a is None or t is None or a.unit or a.relation or not re.fullmatch(r"[+\-−]?[\d.,]+", text):
        return actual
    unit = t.written[1]
    if not unit or unit in ("%", "‰"):
        return text
    from .model import Shown, num_from_text

    num = num_from_text(text)  # Excel keeps the number, shown with the unit: 0"次"
    if num is None:
        return text + unit
    value = int(num.value) if float(num.value).is_integer() else num.value
    return Shown(text + unit, value, f'{num.fmt}"{unit}"' if num.fmt != "General" else f'0"{unit}"')


def _written(q) -> str:
    d, _unit = q.written
    return format(d.normalize(), "f") if d == d.to_integral_value() else format(d, "f")


def _value_in(target, actual) -> str | None:
    """The actual value in the target's written unit (万元 stays 万元; a percentage in %)."""
    if target is None or actual is None:
        return None
    shown, _unit = target.written
    if shown == 0 or target.value == 0:
        return _written(actual)
    factor = target.value / Fraction(shown)
    x = actual.value / factor
    from ..fmt import fmt_threshold

    return fmt_threshold(x, max_digits=4)


def _row_values(ind) -> dict[str, Any]:
    na = not ind.applicable
    t, q = ind.target_q, ind.actual_q
    out = {"level2": ind.level2, "level3": ind.level3 or ind.name, "name": ind.name,
           "nature": _nature(ind), "target": _with_sign(ind) if not na else ind.target,
           "target_value": _written(t) if t is not None else ind.target,
           "unit": t.written[1] if t is not None else "",
           "actual": NOT_APPLICABLE if na else (actual_with_unit(ind) if ind.band is None else _band_text(ind)),
           "actual_value": NOT_APPLICABLE if na else (_value_in(t, q) if t is not None and q is not None
                                                       else (ind.actual if ind.band is None else _band_text(ind))),
           "points": ind.points, "score": NOT_APPLICABLE if na else ind.score,
           "reason": (ind.reason or NOT_APPLICABLE) if na else (ind.reason if ind.lost and ind.lost > 0 else ""),
           "evidence": ind.evidence, "explanation": ind.explanation}
    return out


def _band_text(ind) -> str:
    from ..indicators import BAND_WORDING

    return BAND_WORDING[ind.band]


# ------------------------------------------------------------------------------ the grid
def _spec_cells(cells: list[dict], values: Mapping[str, Any]) -> list[dict]:
    """Layout cells with each field's default number kind."""
    out = []
    for c in cells:
        c = dict(c)
        f = c.get("field")
        if f and "kind" not in c:
            kind = FIELD_KINDS.get(f) or (FUND_KINDS[f.split(".")[2]] if f.startswith("funding.")
                                          and f.count(".") == 2 else None)
            if kind is not None and not isinstance(values.get(f), str):
                c["kind"] = kind[0]
                if kind[1] is not None:
                    c["digits"] = kind[1]
        out.append(c)
    return out


def _block_grid(a, layout: Layout) -> Grid:
    """The indicator block: header row, one row per indicator (level cells merged down),
    subtotal rows when the layout has them, the block label merged down it all."""
    b = layout.block
    # a form with funding rows scores the budget section there, not among the indicators
    skip = a.method.budget if layout.has_funding else None
    cells: list[Cell] = []
    for f, (c0, nc) in b.columns.items():
        cells.append(Cell(0, c0, b.header.get(f, ""), 1, nc, "label"))
    row = 1
    for sec in a.sections:
        if sec["name"] == skip:
            continue
        inds = sec["indicators"]
        if not inds:
            continue
        first = row
        shown = b.level1_names.get(sec["name"], sec["name"])
        level1 = b.level1_text.format(name=shown, points=fmt_points(sec["points"]))
        runs: list[tuple[int, int, str | None]] = []
        for ind in inds:
            vals = _row_values(ind)
            if runs and runs[-1][2] == ind.level2 and ind.level2 is not None:
                runs[-1] = (runs[-1][0], row, ind.level2)
            else:
                runs.append((row, row, ind.level2))
            for f, (c0, nc) in b.columns.items():
                if f in ("level1", "level2"):
                    continue
                if f == "level3" and ind.level2 is None and "level2" in b.columns \
                        and b.columns["level2"][0] + b.columns["level2"][1] == c0:
                    c0, nc = b.columns["level2"][0], nc + b.columns["level2"][1]  # no level 2: name spans it
                cells.append(Cell(row, c0, vals[f], 1, nc, "value", kind=_field_kind(f)))
            row += 1
        if "level1" in b.columns:
            c0, nc = b.columns["level1"]
            cells.append(Cell(first, c0, level1, row - first, nc, "label"))
        if "level2" in b.columns:
            c0, nc = b.columns["level2"]
            for r0, r1, name in runs:
                if name is not None:
                    cells.append(Cell(r0, c0, name, r1 - r0 + 1, nc, "value", align="center"))
        if b.subtotals:
            cells += _subtotal_row(row, b, b.subtotals.format(name=sec["name"]), sec["points"], sec["score"])
            row += 1
    if b.label is not None:
        cells.append(Cell(0, b.label[0], b.label[1], row, 1, "label"))
    return Grid(cells, widths=list(layout.widths))


def _subtotal_row(row: int, b: Block, text: str, points, score) -> list[Cell]:
    """A subtotal: the text over the columns left of 分值, then 分值 and 得分, the rest blank."""
    pc, sc = b.columns["points"][0], b.columns["score"][0]
    first = min(c0 for c0, _ in b.columns.values())
    last = max(c0 + nc for c0, nc in b.columns.values())
    cells = [Cell(row, first, text, 1, pc - first, "label"),
             Cell(row, pc, points, 1, b.columns["points"][1], "label", kind="points"),
             Cell(row, sc, score, 1, b.columns["score"][1], "label", kind="score")]
    taken = {c for c0, nc in ((first, pc - first), b.columns["points"], b.columns["score"])
             for c in range(c0, c0 + nc)}
    for c in range(first, last):
        if c not in taken:
            cells.append(Cell(row, c, "", 1, 1, "value"))
    return cells


def _field_kind(f: str) -> str:
    return {"points": "points", "score": "score"}.get(f, "text")


def form_grid(a, layout: Layout, info: Mapping[str, Any]) -> tuple[Grid, list[str], list[str]]:
    """The filled form: (grid, notes printed under it, warnings: texts over a limit)."""
    values = form_values(a, info, layout)
    head = grid_from_spec({"cells": _spec_cells(layout.head, values)}, where=layout.name)
    head_rows = head.n_rows
    block = _block_grid(a, layout)
    parts = [head, block]
    if layout.foot:
        parts.append(grid_from_spec({"cells": _spec_cells(layout.foot, values)}, where=layout.name))
    grid = stack_grids(*parts)
    # the indicator header row is repeated when the form runs over a page
    grid = replace(grid, widths=list(layout.widths), landscape=layout.orientation == "landscape",
                   title=layout.name, header_rows=0, repeat_rows=(head_rows, head_rows))
    filled, warnings = grid.fill(values)
    notes = []
    if a.rescaled:
        notes.append("注：" + a.rescale_note)
    if a.units:
        from ..rollup import ROLLUP_NOTE

        notes.append("注：" + ROLLUP_NOTE.format(n=len(a.units)) + "汇总项目：" + "、".join(a.units) + "。")
    return filled, notes, [f"{layout.name}：{w}" for w in warnings]


def write_form(a, layout: Layout, info: Mapping[str, Any], path: str | Path) -> tuple[Path, list[str]]:
    """The form as an Excel workbook (one sheet, the form's own title rows, numbers as numbers
    with formats, printed on A4 as the layout orients it); returns the path and the warnings."""
    from .excel import Sheet, Workbook, render_xlsx

    grid, notes, warnings = form_grid(a, layout, info)
    book = Workbook(layout.name)
    book.sheets.append(Sheet(layout.sheet, "", [grid], notes, landscape=layout.orientation == "landscape",
                             form=True, font_size=layout.font_size))
    return render_xlsx(book, path), warnings + book.warnings
