"""Self-assessment (自评) from an indicator workbook and a method file.

The evaluator keeps the indicator table in Excel, one row per scored indicator (the lowest
level: 三级指标, or 二级指标 where there is no third level), with the columns

    一级指标 | 二级指标 | 三级指标 | 分值 | 指标类型 | 评分方法 | 年度指标值 | 实际完成值 | 得分 |
    偏差原因分析及改进措施 | 佐证材料

(merged cells for the levels are fine: a blank level cell continues the one above), or the way
official tables write it: the direction in the target cell (``≥50个``, ``≤90万元``, ``=100%``) or
in a 指标性质 column (≥ ≤ = 定性), the number in 指标值 and the unit in a 度量单位 column, the
result in 完成值, qualitative results as 达成预期指标 / 部分达成预期指标 / 未达成预期指标. The
project's ``method.yml`` says which framework the table follows, the points of each
first-level indicator, the total and the grade bands::

    framework: "2013"              # 2013 | 2020 | 2020-self | custom
    title: 党建引领扶贫工程绩效评价办法
    total: 100
    sections: {投入: 15, 过程: 25, 产出: 30, 效果: 30}
    grades:                        # highest first; a grade applies from its min (inclusive)
      - {name: 优秀, min: 90}
      - {name: 良好, min: 80}
      - {name: 合格, min: 60}
      - {name: 不合格, min: 0}
    bands:                         # qualitative bands, % of the points (default 80/60 as below)
      达成: [80, 100]
      部分达成: [60, 80]
      未达成: [0, 60]
    layout: county-2013            # the official 自评表 layout (kit.render.forms)
    budget_section: 预算执行率      # the section funding: scores (default: 预算执行率/预算执行情况)

The 评分方法 column names the rule (Chinese name or English alias), with an optional
parameter after a colon:

=================  ===========  =========================================================
评分方法            alias        score
=================  ===========  =========================================================
比例                pro_rata     points x min(actual / target, 1)
反向比例            lower_better points x min(target / actual, 1)  (lower is better)
等于                exact        points x min(actual / target, target / actual)  (= target)
三档                bands        达成 80-100% / 部分达成 60-80% / 未达成 0-60% of the points
                                 (cut-points from method.yml ``bands:``);
                                 实际完成值 names the band, 得分 the evaluator's level in it
                                 (达成 without 得分 scores full)
扣分:N              deduction    points - N x occurrences (实际完成值; 0 when none, blank is an
                                 error), not below 0
是否                yes_no       full if 实际完成值 is 是 (达成/完成), else 0
阈值                threshold    full if actual >= target (<= with 阈值:<=; > or < when the
                                 target says 高于/低于), else 0
手工                manual       the 得分 column, which then needs a reason
一票否决            veto         是/否 passed; a failed veto caps the grade at the lowest
前置条件            prerequisite 是/否 met; an unmet prerequisite blocks the rating
=================  ===========  =========================================================

实际完成值 may pull a survey figure instead of a typed number: ``问卷:满意率`` (or
``问卷:overall_satisfied``) takes the share the satisfaction analysis computed, and the
indicator records where it came from.

A blank 评分方法 is read from the row as official tables mean it: a band word in the result
(达成预期指标 …) or 定性 scores in bands, a yes/no result 是否; a number follows its direction:
≥ (or none) 比例, ≤ 反向比例, = 等于. A row whose 实际完成值 (or 得分) reads 不适用 is excluded:
the total is the applicable scores summed and rescaled to the method's total
(「用适用指标得分汇总后按百分制折算」), rounded half up to two places once.

With ``funding:`` in project.yml (:mod:`kit.projectinfo`) the budget-execution section
(预算执行率) is scored from it: points x min(全年执行数 / 全年预算数, 1), exactly; a row for it
in the workbook is then an error.

Numbers are read once, through :func:`kit.values.parse_quantity`, into exact fractions with
their unit normalised (98%, an Excel percent cell 0.98, 0.57万元, 5700元, 1,500人次), so equal
values compare equal; units that cannot be compared are an error naming the row. A target may
carry its relation (≥50个, ≤90万元, =100%); with a named rule, a relation that contradicts it
(≤ under 比例) is an error, never silently scored.

Each indicator's exact score is rounded half up to two places once: that is its score, the one
every table shows. Subtotals, the total and the grade are exact sums of those scores, so every
table adds up as printed. :func:`assess` returns new scored indicators; its input is unchanged.
Scoring knows nothing of Word, Excel or form layouts; :mod:`kit.render.forms` draws the result.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from .errors import KitError
from .fmt import (fmt_for_verdict, fmt_percent, fmt_points, fmt_threshold, quantize_half_up,
                  to_decimal)
from .values import (RELATION_WORDS, Quantity, ValueParseError, parse_quantity, parse_relation,
                     parse_yes_no, same_unit, to_fraction)

__all__ = ["IndicatorError", "Method", "Indicator", "Assessment", "FRAMEWORKS", "load_method",
           "read_indicators", "assess", "default_method"]


class IndicatorError(KitError):
    """The indicator workbook or method file is invalid."""


# ------------------------------------------------------------------------------ frameworks
FRAMEWORKS: dict[str, dict] = {
    "2013": {"label": "投入/过程/产出/效果（财预〔2013〕53号）", "method_title": "项目支出绩效评价办法",
             "sections": {"投入": 20, "过程": 20, "产出": 30, "效果": 30}},
    "2020": {"label": "决策/过程/产出/效益（财预〔2020〕10号，部门评价和财政评价）",
             "method_title": "项目支出绩效评价管理办法",
             "sections": {"决策": 20, "过程": 20, "产出": 30, "效益": 30}},
    "2020-self": {"label": "单位自评（财预〔2020〕10号）：预算执行率、产出、效益、服务对象满意度",
                  "method_title": "项目支出绩效自评办法",
                  "sections": {"预算执行率": 10, "产出": 50, "效益": 30, "服务对象满意度": 10}},
}
DEFAULT_GRADES = [{"name": "优", "min": Decimal(90)}, {"name": "良", "min": Decimal(80)},
                  {"name": "中", "min": Decimal(60)}, {"name": "差", "min": Decimal(0)}]

RULES = {"比例": "pro_rata", "按比例": "pro_rata", "pro_rata": "pro_rata",
         "反向比例": "lower_better", "越低越好": "lower_better", "lower_better": "lower_better",
         "三档": "bands", "定性三档": "bands", "bands": "bands",
         "扣分": "deduction", "驾照式扣分": "deduction", "deduction": "deduction",
         "是否": "yes_no", "yes_no": "yes_no",
         "阈值": "threshold", "达标": "threshold", "threshold": "threshold",
         "手工": "manual", "手工评分": "manual", "manual": "manual",
         "一票否决": "veto", "veto": "veto",
         "前置条件": "prerequisite", "prerequisite": "prerequisite",
         "等于": "exact", "exact": "exact"}
RULE_LABEL = {"pro_rata": "按完成比例计分", "lower_better": "按完成比例计分（越低越好）",
              "bands": "定性三档", "deduction": "扣分制", "yes_no": "是否完成", "threshold": "达标计分",
              "manual": "手工评分", "veto": "一票否决", "prerequisite": "前置条件",
              "exact": "按完成比例计分（等于指标值）", "budget": "预算执行率计分"}
@dataclass(frozen=True)
class RuleGuide:
    """One way of writing a scoring rule in the 评分方法 column: how it is written, the rule it
    is read as, how it scores and an example (the indicator template's 填写说明 sheet), and
    the entries the template's drop-down offers for it (``choices``; none for a blank cell)."""

    written: str
    rule: str | None
    text: str
    example: str
    choices: tuple[str, ...] = ()


#: The registry of written scoring rules: the indicator template's 评分方法 drop-down and its
#: 填写说明 sheet are both generated from it, so they cannot disagree, and every canonical rule
#: of :data:`RULES` has its row (tests/test_indicators.py checks both ways).
RULE_GUIDE: tuple[RuleGuide, ...] = (
    RuleGuide("比例", "pro_rata", "定量：得分 = 分值 × min(实际完成值 ÷ 年度指标值, 1)",
              "年度指标值 100%，实际完成值 95%", ("比例",)),
    RuleGuide("反向比例", "lower_better", "定量，越低越好：得分 = 分值 × min(年度指标值 ÷ 实际完成值, 1)",
              "指标值 5天，完成值 8天", ("反向比例",)),
    RuleGuide("等于", "exact", "定量，应与指标值相等：得分 = 分值 × 较小值 ÷ 较大值（相等得满分）",
              "指标值 =100%，完成值 95%", ("等于",)),
    RuleGuide("阈值", "threshold", "达到指标值（不低于）得满分，否则不得分", "指标值 98%，完成值 问卷:满意率",
              ("阈值",)),
    RuleGuide("阈值:<=", "threshold", "不高于指标值得满分，否则不得分（指标值写 ≤ 时须用“阈值:<=”）",
              "指标值 ≤5%，完成值 3%", ("阈值:<=",)),
    RuleGuide("三档", "bands", "定性：达成 80%–100%、部分达成 60%–80%、未达成 0–60% 的分值（档位可在 method.yml "
              "的 bands: 改）；后两档在“得分”列填写档内得分", "实际完成值 部分达成预期指标，得分 7", ("三档",)),
    RuleGuide("扣分:N", "deduction", "每发生一次扣 N 分，扣完为止；实际完成值填发生次数，没有发生填 0（不能空着）；"
              "下拉列表给出 扣分:1、扣分:2、扣分:5，其他分数直接输入（如 扣分:0.5）", "扣分:2，实际完成值 3",
              ("扣分:1", "扣分:2", "扣分:5")),
    RuleGuide("是否", "yes_no", "实际完成值为“是”得满分，“否”不得分", "是", ("是否",)),
    RuleGuide("手工", "manual", "在“得分”列直接打分，并须在“偏差原因分析及改进措施”列说明理由", "得分 8.5", ("手工",)),
    RuleGuide("一票否决", "veto", "实际完成值为“否”时，无论总分多少，评价等级为最低一档（分值通常为0）", "否",
              ("一票否决",)),
    RuleGuide("前置条件", "prerequisite", "实际完成值为“否”时不予评级（分值通常为0）", "是", ("前置条件",)),
    RuleGuide("（空着）", None, "按官方表样的写法判断：指标值写 ≥ 或不写为比例，≤ 为反向比例，= 为等于（也可写在"
              "“指标性质”列）；完成值写 达成预期指标/部分达成预期指标/未达成预期指标 为三档，写 是/否 为是否",
              "指标值 ≤90万元，完成值 85万元"),
)


def rule_choices() -> list[str]:
    """The 评分方法 drop-down of the indicator template, from :data:`RULE_GUIDE`.

    >>> rule_choices()[:5]
    ['比例', '反向比例', '等于', '阈值', '阈值:<=']
    """
    return [c for g in RULE_GUIDE for c in g.choices]


def split_rule(text: str) -> tuple[str, str]:
    """A written rule as (name, parameter): 「扣分:2」 -> ('扣分', '2'), 「阈值：<=」 -> ('阈值', '<=').

    >>> split_rule("扣分:2"), split_rule("阈值：<="), split_rule("比例")
    (('扣分', '2'), ('阈值', '<='), ('比例', ''))
    """
    name, _, param = re.split(r"([:：])", text, maxsplit=1) if re.search(r"[:：]", text) else (text, "", "")
    return name.strip(), param.strip()


# qualitative bands as shares of the points, highest first (the national 80-100 / 60-80 / 0-60)
BANDS = {"达成": (Fraction(4, 5), Fraction(1)), "部分达成": (Fraction(3, 5), Fraction(4, 5)),
         "未达成": (Fraction(0), Fraction(3, 5))}
BAND_WORDING = {"达成": "达成预期指标", "部分达成": "部分达成预期指标", "未达成": "未达成预期指标"}
_BAND_WORD = re.compile(r"^(未|部分)?达成(?:预期|年度)?(?:指标|目标)?(?:值)?$")
NOT_APPLICABLE = "不适用"
BUDGET_SECTIONS = ("预算执行率", "预算执行情况", "预算执行")
BUDGET_NAME = "预算执行率"
SCORE_DIGITS = 2   # each indicator's score is rounded half up to this many places, once
SURVEY_FIGURES = {"满意率": "overall_satisfied", "总体满意率": "overall_satisfied",
                  "知晓率": "awareness", "政策知晓率": "awareness"}

COLUMNS = {  # field: accepted header texts (after removing spaces and （分）-style suffixes)
    "level1": ["一级指标"], "level2": ["二级指标"], "level3": ["三级指标"],
    "points": ["分值", "权重", "指标分值"], "kind": ["指标类型", "类型"],
    "rule": ["评分方法", "评分标准", "计分方法"], "target": ["年度指标值", "目标值", "指标值"],
    "actual": ["实际完成值", "完成值", "全年实际值"], "score": ["得分", "自评得分"],
    "reason": ["偏差原因分析及改进措施", "偏差原因", "扣分原因", "未完成原因分析"],
    "evidence": ["佐证材料", "佐证", "证明材料", "自评说明"],
    "nature": ["指标性质", "指标方向"], "unit": ["度量单位", "计量单位"],
}
REQUIRED = ("level1", "points")
NATURE_WORDS = {"定性": "qualitative", "定量": None, "正向": ">=", "正向指标": ">=", "反向": "<=",
                "反向指标": "<="}


# ------------------------------------------------------------------------------ method.yml
@dataclass
class Method:
    """A method file: points (exact decimals) of the total and of each first-level indicator,
    and the grades, highest first, each applying from its ``min`` (inclusive)."""

    framework: str
    title: str
    total: Decimal
    sections: dict[str, Decimal]
    grades: list[dict]
    path: Path | None = None
    bands: dict[str, tuple[Fraction, Fraction]] = field(default_factory=lambda: dict(BANDS))
    layout: str | None = None          # the official form's layout (a name or a file)
    budget_section: str | None = None  # the section that funding: scores

    @property
    def budget(self) -> str | None:
        """The first-level indicator scored from ``funding:`` (预算执行率 …), if the method has one."""
        if self.budget_section is not None:
            return self.budget_section
        return next((s for s in self.sections if s in BUDGET_SECTIONS), None)

    def grade(self, total) -> str:
        """The grade of ``total``, compared exactly (a float at its shortest decimal form)."""
        t = to_decimal(total)
        for g in self.grades:
            if t >= g["min"]:
                return g["name"]
        return self.grades[-1]["name"]

    @property
    def lowest_grade(self) -> str:
        return self.grades[-1]["name"]


def default_method(framework: str) -> Method:
    if framework not in FRAMEWORKS:
        raise IndicatorError(f"未知的评价框架「{framework}」(unknown framework; choose one of "
                             f"{', '.join(FRAMEWORKS)})")
    f = FRAMEWORKS[framework]
    return Method(framework=framework, title=f["method_title"], total=Decimal(100),
                  sections={k: Decimal(v) for k, v in f["sections"].items()},
                  grades=[dict(g) for g in DEFAULT_GRADES])


def load_method(path: str | Path) -> Method:
    """Read and check ``method.yml`` (every key typed, grade bands ordered and non-overlapping,
    sections adding up to the total); errors name the file and the key."""
    from .definitions import load_spec
    from .definitions.method import MethodSpec

    path = Path(path)
    spec = load_spec(path, MethodSpec, IndicatorError, "找不到评价办法文件 method.yml (file not found)")
    return method_from_spec(spec, path)


def method_from_spec(spec, path: Path | None = None) -> Method:
    """The :class:`Method` of a validated :class:`~kit.definitions.MethodSpec`."""
    base = default_method(spec.framework) if spec.framework in FRAMEWORKS else None
    if spec.sections is None and base is None:
        raise IndicatorError("键「sections」：缺少一级指标及分值（如 sections: {投入: 15, 过程: 25, 产出: 30, "
                             "效果: 30}）；或用 framework: 选用国家框架的默认分值", path=path)
    sections = {str(k): to_decimal(v) for k, v in spec.sections.items()} if spec.sections is not None \
        else dict(base.sections)
    total = to_decimal(spec.total)
    if spec.sections is None and sum(sections.values()) != total:
        raise IndicatorError(f"键「total」：框架 {spec.framework} 的一级指标分值之和为{fmt_points(sum(sections.values()))}分，"
                             f"与总分{fmt_points(total)}分不符；请写明 sections:", path=path)
    grades = [{"name": g.name, "min": to_decimal(g.min)} for g in spec.grades] if spec.grades is not None \
        else [dict(g) for g in DEFAULT_GRADES]
    title = spec.title if spec.title is not None else (base.title if base else "")
    bands = dict(BANDS) if spec.bands is None else \
        {name: (to_fraction(lo) / 100, to_fraction(hi) / 100) for name, (lo, hi) in spec.bands.items()}
    if spec.budget_section is not None and spec.budget_section not in sections:
        raise IndicatorError(f"键「budget_section」：「{spec.budget_section}」不是一级指标（有："
                             f"{'、'.join(sections)}）", path=path)
    return Method(framework=spec.framework, title=title, total=total, sections=sections,
                  grades=grades, path=path, bands=bands, layout=spec.layout,
                  budget_section=spec.budget_section)


# ------------------------------------------------------------------------------ the table
@dataclass(frozen=True)
class Indicator:
    """One scored row of the indicator table. :func:`read_indicators` gives it unscored;
    :func:`assess` returns scored copies (``score`` is the shown score: the exact score
    rounded half up to two places once)."""

    row: int                      # row number in the workbook, as Excel shows it
    level1: str
    level2: str | None
    level3: str | None
    points: Decimal
    kind: str
    level2_points: Decimal | None  # "项目立项（10分）" in the level-2 cell declares 10
    rule: str                     # canonical rule name (RULES values)
    param: str | None
    target: str | None
    actual: str | None
    manual_score: Decimal | None
    reason: str | None
    evidence: str | None
    score: Decimal | None = None  # the shown score, two places, half up; None before assess()
    exact_score: Fraction | None = None
    explanation: str = ""
    source: str | None = None     # where a pulled value came from
    passed: bool | None = None    # veto / prerequisite outcome
    nature: str | None = None     # the 指标性质 cell as written (≥ ≤ = 定性)
    applicable: bool = True       # False for a row marked 不适用: excluded, the total rescaled
    rule_given: bool = True       # False when the rule was read from the row (blank 评分方法)
    relation: str | None = None   # the direction scored (>=, <=, =, >, <); None for other rules
    target_q: Quantity | None = None  # target and actual as read; a roll-up gives them exactly
    actual_q: Quantity | None = None
    band: str | None = None       # 达成 / 部分达成 / 未达成 of a banded row, once scored

    @property
    def name(self) -> str:
        return self.level3 or self.level2 or self.level1

    @property
    def lost(self) -> Decimal | None:
        """Points lost as printed (points - shown score); None before scoring, 0 when 不适用."""
        if not self.applicable:
            return Decimal(0)
        return None if self.score is None else max(self.points - self.score, Decimal(0))


def sheet_label(path: str | Path, sheet: int | str = 0) -> str:
    """How errors name a workbook: the file, and the sheet when it is not the first."""
    return f"{path}（工作表「{sheet}」）" if isinstance(sheet, str) else str(path)


def _norm_header(h: str) -> str:
    h = re.sub(r"\s+", "", str(h))
    return re.sub(r"[（(][^）)]*[）)]$", "", h)


def read_indicators(path: str | Path, sheet: int | str = 0) -> list[Indicator]:
    """Read the indicator workbook (its first sheet, or ``sheet`` by index or name). Errors
    name the file (and sheet), the row and the column."""
    from .io.table import read_table

    raw = read_table(Path(path), sheet=sheet)
    path = sheet_label(path, sheet)
    header = [_norm_header(h) for h in raw.header[-1]]
    where: dict[str, int] = {}
    for key, names in COLUMNS.items():
        for i, h in enumerate(header):
            if h in names and key not in where:
                where[key] = i
    missing = [COLUMNS[k][0] for k in REQUIRED if k not in where]
    if "rule" not in where and "target" not in where:
        missing.append("评分方法」或「年度指标值")  # a rule, or a target whose direction says it
    if missing:
        raise IndicatorError(f"缺少列「{'」「'.join(missing)}」(missing columns; found: "
                             f"{'、'.join(h for h in header if h)})", path=path)
    body = raw.body
    out: list[Indicator] = []
    last = {"level1": None, "level2": None}
    for i in range(len(body)):
        row = raw.file_row(i)
        cell = {k: _text(body.iat[i, j]) for k, j in where.items()}
        # merged level cells: a blank continues the one above; a new level-1 resets level 2.
        # "投入（15分）" names the section 投入; its points are checked against method.yml
        if cell.get("level1"):
            cell["level1"] = _strip_points(cell["level1"])
            if cell["level1"] != last["level1"]:
                last["level2"] = None
            last["level1"] = cell["level1"]
        if cell.get("level2"):
            last["level2"] = cell["level2"]
        level2 = last["level2"] if "level2" in where else None
        if not cell.get("points") and not cell.get("rule") and not cell.get("level3"):
            continue  # a heading, subtotal or note row, not an indicator
        na = any(_is_na(cell.get(k)) for k in ("actual", "score", "nature"))
        if cell.get("unit"):  # 指标值 50 + 度量单位 个 -> 50个 (a value with its own unit is kept)
            for k in ("target", "actual"):
                if cell.get(k) and _bare_number(cell[k]):
                    cell[k] = cell[k] + cell["unit"]
        if last["level1"] is None:
            raise IndicatorError("缺少一级指标", path=path,
                                 row=row, column=header[where["level1"]])
        points = _points(cell.get("points"), "分值", path, row, header[where["points"]])
        if points is None:
            raise IndicatorError("「」不是有效的分值", path=path, row=row,
                                 column=header[where["points"]])
        rule_text = cell.get("rule") or ""
        name, param = split_rule(rule_text)
        nature = cell.get("nature")
        if nature is not None and not _is_na(nature):
            _nature_relation(nature, path, row, header[where["nature"]])  # checked here, used in scoring
        if rule_text:
            rule = RULES.get(name)
        else:
            rule = _implied_rule(cell, nature)
        if rule is None:
            raise IndicatorError(f"评分方法「{rule_text}」无法识别 (unknown scoring rule; use one of "
                                 + "、".join(g.written for g in RULE_GUIDE if g.rule) + ")",
                                 path=path, row=row, column=header[where["rule"]])
        manual = None if _is_na(cell.get("score")) else _points(
            cell.get("score"), "得分", path, row, header[where["score"]] if "score" in where else "得分")
        out.append(Indicator(
            row=row, level1=last["level1"], level2=_strip_points(level2), level3=cell.get("level3"),
            points=points, kind=cell.get("kind") or "", level2_points=_declared_points(level2),
            rule=rule, param=param.strip() or None, target=cell.get("target"),
            actual=cell.get("actual"), manual_score=manual,
            reason=cell.get("reason"), evidence=cell.get("evidence"),
            nature=None if _is_na(nature) else nature, applicable=not na, rule_given=bool(rule_text)))
    if not out:
        raise IndicatorError("指标表中没有指标行", path=path)
    return out


def _is_na(text) -> bool:
    return isinstance(text, str) and re.sub(r"\s", "", text) == NOT_APPLICABLE


def _bare_number(text: str) -> bool:
    try:
        q = parse_quantity(text)
    except ValueParseError:
        return False
    return q is not None and q.unit == "" and q.written[1] == ""


def band_name(text) -> str | None:
    """The band a qualitative result names, as tables print it: 达成预期指标 -> 达成,
    部分达成预期指标 -> 部分达成, 未达成 -> 未达成; None for anything else.

    >>> band_name("部分达成预期指标"), band_name("达成"), band_name("未达成年度指标"), band_name("良好")
    ('部分达成', '达成', '未达成', None)
    """
    if not isinstance(text, str):
        return None
    m = _BAND_WORD.match(re.sub(r"\s", "", text))
    if not m:
        return None
    return {None: "达成", "部分": "部分达成", "未": "未达成"}[m.group(1)]


def _nature_relation(nature: str, path=None, row=None, column="指标性质") -> str | None:
    """The direction a 指标性质 cell gives: >=, <=, =, > or <; "qualitative" for 定性; None for
    定量 (no direction)."""
    s = re.sub(r"\s", "", str(nature))
    if s in NATURE_WORDS:
        return NATURE_WORDS[s]
    try:
        return parse_relation(s)
    except ValueParseError:
        raise IndicatorError(f"指标性质「{nature}」无法识别；应为 ≥、≤、=（或 定性）",
                             path=path, row=row, column=column) from None


def _implied_rule(cell: dict, nature: str | None) -> str | None:
    """The rule a row without 评分方法 means, read the way official tables are written."""
    actual, target = cell.get("actual"), cell.get("target")
    rel = _nature_relation(nature) if nature and not _is_na(nature) else None
    if band_name(actual):
        return "bands"
    try:
        yes = parse_yes_no(actual)
    except ValueParseError:
        yes = None
    if yes is not None and not _bare_number(str(actual)):
        return "yes_no"
    if rel == "qualitative" or (cell.get("kind") or "").strip() == "定性":
        return "bands"
    try:
        q = parse_quantity(target)
    except ValueParseError:
        return "bands"   # a target in words (全面规范) is qualitative
    if rel is None and q is not None:
        rel = q.relation
    if rel in ("<=", "<"):
        return "lower_better"
    if rel == "=":
        return "exact"
    return "pro_rata"


def _points(text, what: str, path, row: int, column: str) -> Decimal | None:
    """Points (at most two decimals) or a typed score: a non-negative number (``分`` allowed)
    as an exact Decimal; None for an empty cell."""
    bad = IndicatorError(f"「{text}」不是有效的{what} (expected {'points' if what == '分值' else 'a score'} "
                         "as a number, e.g. 10 or 7.5)", path=path, row=row, column=column)
    try:
        q = parse_quantity(text)
    except ValueParseError:
        raise bad from None
    if q is None:
        return None
    if q.unit not in ("", "分") or q.relation is not None or q.value < 0:
        raise bad
    d = to_decimal(q.value)
    if what == "分值" and d != d.quantize(Decimal("0.01")):
        # a typed score may have more places (it is rounded once, like every score); points
        # cannot: a score of 3.333 points could never be shown as full marks
        raise IndicatorError(f"分值「{text}」的小数超过两位；分值最多保留两位小数", path=path, row=row, column=column)
    return d


# ------------------------------------------------------------------------------ scoring
@dataclass
class Assessment:
    """The scored table. ``total`` is the exact sum of the shown scores, or, when some
    indicators are 不适用, that sum over the applicable ones rescaled to the method's total
    and rounded half up to two places once (``raw_total`` and ``applicable_points`` are the
    sums it came from). ``funding`` is the project's funds when they scored the budget
    section (``budget`` is then that indicator)."""

    method: Method
    indicators: list[Indicator]
    total: Decimal                 # exact sum of the shown indicator scores (rescaled if 不适用)
    grade: str | None
    sections: list[dict]
    vetoed: list[Indicator] = field(default_factory=list)
    blocked: list[Indicator] = field(default_factory=list)
    source: Path | None = None
    raw_total: Decimal | None = None          # the sum of the applicable scores
    applicable_points: Decimal | None = None  # the sum of the applicable points
    funding: object | None = None             # kit.projectinfo.Funding
    units: list[str] = field(default_factory=list)  # the projects of a roll-up

    @property
    def not_applicable(self) -> list[Indicator]:
        return [i for i in self.indicators if not i.applicable]

    @property
    def rescaled(self) -> bool:
        return bool(self.not_applicable)

    @property
    def budget(self) -> Indicator | None:
        return next((i for i in self.indicators if i.rule == "budget"), None)

    @property
    def rescale_note(self) -> str:
        """The sentence a table and a report print when indicators were 不适用."""
        if not self.rescaled:
            return ""
        exact = Fraction(self.raw_total) * Fraction(self.method.total) / Fraction(self.applicable_points)
        rounded = "" if Fraction(self.total) == exact else "（四舍五入保留两位小数）"
        names = "」「".join(i.name for i in self.not_applicable)
        return (f"指标「{names}」不适用，不考核该指标；用适用指标得分汇总后按百分制折算计分：适用指标分值合计"
                f"{fmt_points(self.applicable_points)}分，得分合计{fmt_points(self.raw_total)}分，折算得分"
                f"{fmt_points(self.raw_total)}÷{fmt_points(self.applicable_points)}×{fmt_points(self.method.total)}"
                f"={fmt_points(self.total)}分{rounded}。")

    @property
    def grade_note(self) -> str:
        if self.blocked:
            return "前置条件「" + "」「".join(i.name for i in self.blocked) + "」未满足，不予评级。"
        if self.vetoed:
            return (f"按分数应评为{self.method.grade(self.total)}，但一票否决指标「"
                    + "」「".join(i.name for i in self.vetoed)
                    + f"」未通过，评价等级为{self.method.lowest_grade}。")
        return ""


def assess(indicators: list[Indicator], method: Method, survey: dict | None = None,
           source: str | Path | None = None, funding=None, units: list[str] = ()) -> Assessment:
    """Score every indicator, check the table against the method, total and grade it.

    ``survey`` maps survey figure names (``overall_satisfied``, ``awareness``) to
    ``(share, source text)``, for indicators whose 实际完成值 reads ``问卷:满意率``; a share
    given as a :class:`~fractions.Fraction` (``n_satisfied/n_valid``) is used exactly.
    ``funding`` (:class:`kit.projectinfo.Funding`) scores the method's budget section.

    The indicators passed in are not changed: the assessment holds scored copies.
    """
    survey = dict(survey or {})
    indicators = list(indicators)
    budget_section = method.budget
    if funding is not None:
        for ind in indicators:
            if (budget_section is not None and ind.level1 == budget_section) or \
                    BUDGET_NAME in (ind.level3 or "", ind.level2 or ""):
                raise IndicatorError(
                    f"指标「{ind.name}」：project.yml 已写 funding:（项目资金），预算执行率由它计分（分值 × 全年执行数"
                    f" ÷ 全年预算数，最高为分值）；请删去指标表中的这一行",
                    path=source, row=ind.row, column="一级指标")
        if budget_section is not None:
            indicators.insert(0, _budget_indicator(funding, budget_section, method.sections[budget_section]))
    # every row is scored and the whole table checked before anything is refused, so that an
    # evaluator sees all the mistakes of the workbook in one message, not one per run
    scored, errors = [], []
    for ind in indicators:
        try:
            scored.append(_score(ind, survey, source, method))
        except IndicatorError as exc:
            errors.append(exc)
            scored.append(ind)
    errors += _check(scored, method, source, funding)
    if errors:
        raise _all_errors(errors, source)
    applicable = [i for i in scored if i.applicable]
    raw_total = sum((i.score for i in applicable), Decimal(0))
    app_points = sum((i.points for i in applicable), Decimal(0))
    total = raw_total
    if len(applicable) < len(scored):
        if app_points == 0:
            raise IndicatorError("所有计分指标都标为不适用，无法折算得分", path=source)
        total = quantize_half_up(Fraction(raw_total) * Fraction(method.total) / Fraction(app_points),
                                 SCORE_DIGITS)
    vetoed = [i for i in scored if i.rule == "veto" and i.passed is False]
    blocked = [i for i in scored if i.rule == "prerequisite" and i.passed is False]
    grade = None if blocked else (method.lowest_grade if vetoed else method.grade(total))
    sections = []
    for name, pts in method.sections.items():
        inds = [i for i in scored if i.level1 == name]
        subs = []
        for l2 in dict.fromkeys(i.level2 for i in inds if i.level2):
            sub = [i for i in inds if i.level2 == l2]
            subs.append({"name": l2, "points": sum((i.points for i in sub), Decimal(0)),
                         "score": sum((i.score for i in sub), Decimal(0)), "indicators": sub})
        sections.append({"name": name, "points": pts, "score": sum((i.score for i in inds), Decimal(0)),
                         "subsections": subs, "indicators": inds})
    return Assessment(method=method, indicators=scored, total=total, grade=grade,
                      sections=sections, vetoed=vetoed, blocked=blocked,
                      source=Path(source) if source else None, raw_total=raw_total,
                      applicable_points=app_points, funding=funding, units=list(units))


def _wan(x: Fraction) -> str:
    """An amount in 元 as 万元 with its own precision (92万元, 91.35万元)."""
    return fmt_threshold(x / 10_000) + "万元"


def _budget_indicator(funding, section: str, points: Decimal) -> Indicator:
    """The budget-execution row that ``funding:`` scores (not a row of the workbook)."""
    t = funding.total
    return Indicator(row=0, level1=section, level2=None, level3=BUDGET_NAME, points=points, kind="定量",
                     level2_points=None, rule="budget", param=None, target=_wan(t.budget),
                     actual=_wan(t.spent), manual_score=None, reason=funding.reason,
                     evidence=None)


def _fail(ind: Indicator, source, msg: str, column: str) -> IndicatorError:
    return IndicatorError(f"指标「{ind.name}」：{msg}", path=source, row=ind.row, column=column)


def _quantity(ind: Indicator, text, column: str, source) -> Quantity:
    """A number of the row, read once; a blank or unreadable cell is an error naming it."""
    try:
        q = parse_quantity(text)
    except ValueParseError as exc:
        raise _fail(ind, source, f"{column}{exc.message}", column) from None
    if q is None:
        raise _fail(ind, source, f"{column}未填写；应为数字，如 98%、7万元、1500人次",
                    column)
    return q


def _survey_value(ind: Indicator, survey: dict, source) -> tuple[Quantity, str] | None:
    """The survey share an actual value of 问卷:满意率 names, as an exact percentage."""
    text = ind.actual
    if not (text and re.match(r"^(问卷|survey)[:：]", text)):
        return None
    key = re.split(r"[:：]", text, maxsplit=1)[1].strip()
    key = SURVEY_FIGURES.get(key, key)
    if key not in survey:
        raise _fail(ind, source, f"实际完成值「{text}」要取问卷结果，但本项目没有算出"
                    f"「{key}」(no such survey figure; have: {', '.join(survey) or 'none'})",
                    "实际完成值")
    value, src = survey[key]
    share = to_fraction(value)
    return Quantity(share, "%", None, 1, fmt_percent(share, 1)), src


_FAMILY = {">=": "higher", ">": "higher", "<=": "lower", "<": "lower", "=": "equal"}


def _direction(ind: Indicator, t: Quantity, source) -> tuple[str, bool, str | None]:
    """("higher", "lower" or "equal", strict, relation) for a quantitative rule, from the rule,
    its parameter (阈值:<=), the relation written with the target (≥50个) and the 指标性质
    column; a contradiction between any two of them is an error naming the row."""
    rel = t.relation
    nature = _nature_relation(ind.nature, source, ind.row) if ind.nature else None
    if nature == "qualitative":
        raise _fail(ind, source, f"指标性质为「{ind.nature}」（定性），但评分方法是{RULE_LABEL[ind.rule]}；定性指标"
                    "请用「三档」，实际完成值写 达成预期指标 等", "指标性质")
    if nature is not None and rel is not None and _FAMILY[nature] != _FAMILY[rel]:
        raise _fail(ind, source, f"年度指标值「{ind.target}」写明{RELATION_WORDS[rel]}，与指标性质「{ind.nature}」"
                    "相反；请只在一处写明方向 (the target's relation contradicts 指标性质)", "指标性质")
    rel = rel or nature
    where = "年度指标值" if t.relation else "指标性质"
    written = f"年度指标值「{ind.target}」" if t.relation else f"指标性质「{ind.nature}」"
    if ind.rule == "threshold":
        try:
            param = parse_relation(ind.param, where="评分方法参数")
        except ValueParseError as exc:
            raise _fail(ind, source, f"{exc.message}；阈值的写法为「阈值」（不低于）或「阈值:<=」（不高于）",
                        "评分方法") from None
        if param == "=":
            raise _fail(ind, source, "「阈值:=」无法判断方向；请写「阈值」（不低于）或「阈值:<=」（不高于）",
                        "评分方法")
        lower = param in ("<=", "<")
        strict = param in ("<", ">") or rel in ("<", ">")
        family = "lower" if lower else "higher"
    else:
        family = {"lower_better": "lower", "exact": "equal"}.get(ind.rule, "higher")
        strict = False
    allowed = {"higher": (">=", ">", "="), "lower": ("<=", "<"), "equal": ("=",)}[family]
    if rel is not None and rel not in allowed:
        rule_text = {"pro_rata": "比例（越高越好）", "lower_better": "反向比例（越低越好）",
                     "exact": "等于（与指标值相等）",
                     "threshold": "阈值:<=（不高于）" if family == "lower" else "阈值（不低于）"}[ind.rule]
        fix = {"higher": "反向比例" if _FAMILY[rel] == "lower" else "等于",
               "lower": "比例" if _FAMILY[rel] == "higher" else "等于",
               "equal": "比例" if _FAMILY[rel] == "higher" else "反向比例"}[family]
        fix = (f"请把评分方法改为「阈值{'' if family == 'lower' else ':<='}」" if ind.rule == "threshold"
               else f"请把评分方法改为「{fix}」，或清空评分方法，按所写方向计分")
        raise _fail(ind, source, f"{written}写明{RELATION_WORDS[rel]}，与评分方法{rule_text}相矛盾；{fix}", where)
    if rel is None:
        rel = {"higher": ">=", "lower": "<=", "equal": "="}[family]
    return family, strict, rel


def _shown_pair(a: Quantity, t: Quantity, pulled: bool) -> tuple[str, str]:
    """(actual, target) as a sentence shows them: the target with its own precision; the actual
    as typed, or, when computed or written as a bare fraction beside a percentage, with as many
    decimals as the comparison with the target needs (97.96%, never 98.0% below 98%)."""
    percent = "%" in (a.unit, t.unit)

    def own(q: Quantity) -> int:
        return q.decimals if q.unit == "%" or not percent else max(q.decimals - 2, 0)

    if percent and t.unit != "%":
        target = fmt_threshold(t.value, percent=True, max_digits=max(4, own(t)))
    else:
        target = t.plain_text
    if pulled or (percent and a.unit != "%"):
        actual = fmt_for_verdict(a.value, t.value, own(a), percent=percent)
    else:
        actual = a.text.strip()
    return actual, target


def _score(ind: Indicator, survey: dict, source, method: Method | None = None) -> Indicator:
    """A scored copy of ``ind``."""
    # numbers given as floats (an Indicator built by hand) are taken at their decimal value
    ind = replace(ind, points=to_decimal(ind.points),
                  manual_score=None if ind.manual_score is None else to_decimal(ind.manual_score),
                  level2_points=None if ind.level2_points is None else to_decimal(ind.level2_points))
    p, r = Fraction(ind.points), ind.rule
    bands = method.bands if method is not None else BANDS
    if not ind.applicable:
        return replace(ind, score=Decimal(0), exact_score=Fraction(0), explanation="不适用，不考核该指标")
    if r == "budget":
        return _score_budget(ind, source)
    upd: dict = {}
    pulled = _survey_value(ind, survey, source)
    if pulled is not None:
        upd["source"] = pulled[1]
        upd["actual"] = pulled[0].text
    if r in ("pro_rata", "lower_better", "threshold", "exact"):
        t = ind.target_q or _quantity(ind, ind.target, "年度指标值", source)
        a = pulled[0] if pulled else (ind.actual_q or _quantity(ind, ind.actual, "实际完成值", source))
        upd.update(target_q=t, actual_q=a)
        if a.relation is not None:
            raise _fail(ind, source, f"实际完成值「{ind.actual}」应为确定的数值，不要写比较关系 (the actual "
                        "value must not carry ≥ or ≤)", "实际完成值")
        try:
            av, tv = same_unit(a, t)
        except ValueParseError as exc:
            raise _fail(ind, source, f"实际完成值与年度指标值无法比较：{exc.message}", "实际完成值") from None
        direction, strict, rel = _direction(ind, t, source)
        upd["relation"] = rel
        shown_a, shown_t = _shown_pair(a, t, pulled is not None)
        if pulled is not None:
            upd["actual"] = shown_a
        if r == "threshold":
            lower = direction == "lower"
            ok = (av < tv if strict else av <= tv) if lower else (av > tv if strict else av >= tv)
            exact = p if ok else Fraction(0)
            rel = ("<" if strict else "<=") if lower else (">" if strict else ">=")
            upd["relation"] = rel
            explanation = (f"实际完成值{shown_a}{'达到' if ok else '未达到'}指标值{shown_t}"
                           f"（{RELATION_WORDS[rel]}），" + ("得满分" if ok else "不得分"))
        elif direction == "equal":
            ratio = Fraction(1) if av == tv else (min(av / tv, tv / av) if av > 0 and tv > 0 else Fraction(0))
            exact = p * ratio
            explanation = ("实际完成值等于指标值，得满分" if ratio >= 1 else
                           f"实际完成值{shown_a}偏离指标值{shown_t}（应等于），按 较小值÷较大值 = "
                           f"{fmt_for_verdict(ratio, 1, 1, percent=True)}计分，得"
                           f"{fmt_points(quantize_half_up(exact, SCORE_DIGITS))}分")
        else:
            if direction == "higher":
                ratio = Fraction(1) if tv == 0 else av / tv
            else:
                ratio = Fraction(1) if av <= tv else (tv / av if av else Fraction(0))
            ratio = max(Fraction(0), min(ratio, Fraction(1)))
            exact = p * ratio
            how = "指标值÷实际完成值" if direction == "lower" else "实际完成值÷指标值"
            explanation = ("完成年度指标值，得满分" if ratio >= 1 else
                           f"完成指标值的{fmt_for_verdict(ratio, 1, 1, percent=True)}（{how}），按比例得"
                           f"{fmt_points(quantize_half_up(exact, SCORE_DIGITS))}分")
    elif r == "bands":
        written = (ind.actual or "").strip()
        band = band_name(written)
        if band is None:
            raise _fail(ind, source, f"实际完成值「{written}」应为 达成预期指标、部分达成预期指标 或 "
                        "未达成预期指标（也可写 达成、部分达成、未达成）", "实际完成值")
        upd["band"] = band
        lo, hi = bands[band]
        span = f"{fmt_points(lo * p)}–{fmt_points(hi * p)}分"
        if ind.manual_score is None:
            if band != "达成":
                raise _fail(ind, source, f"{band}时须在「得分」列填写档内得分（{span}）", "得分")
            exact = p
        else:
            exact = Fraction(ind.manual_score)
            if not (lo * p <= exact <= hi * p):
                raise _fail(ind, source, f"{band}的得分应在{span}之间，实为{fmt_points(exact)}分", "得分")
        explanation = (f"{BAND_WORDING[band]}（该档为分值的{fmt_threshold(lo, percent=True)}–"
                       f"{fmt_threshold(hi, percent=True)}）")
    elif r == "deduction":
        per = _deduction_per_time(ind, source)
        if ind.actual is None:
            raise _fail(ind, source, "扣分制须在「实际完成值」列填写发生次数，没有发生填0 (a deduction "
                        "rule needs the number of occurrences; write 0 for none)", "实际完成值")
        q = _quantity(ind, ind.actual, "实际完成值", source)
        try:  # the target (0次) as read, for forms that print it apart from its unit
            upd.update(target_q=parse_quantity(ind.target), actual_q=q)
        except ValueParseError:
            pass
        n = q.value
        if n < 0 or n.denominator != 1 or q.relation is not None or q.unit == "%":
            raise _fail(ind, source, f"实际完成值「{ind.actual}」应为发生次数（非负整数）", "实际完成值")
        deducted = min(per * n, p)
        exact = p - deducted
        shown = quantize_half_up(exact, SCORE_DIGITS)
        explanation = ("未发现扣分情形，得满分" if n == 0 else
                       f"发生{n}次，每次扣{_exact_text(per)}分，共扣{_exact_text(deducted)}分"
                       + ("" if shown == exact else f"，得分{_exact_text(exact)}分四舍五入为{fmt_points(shown)}分"))
    elif r in ("yes_no", "veto", "prerequisite"):
        word = band_name(ind.actual)
        if word == "部分达成":
            raise _fail(ind, source, f"实际完成值「{ind.actual}」是定性三档的说法，是否计分只分是/否；请把评分方法"
                        "改为「三档」", "实际完成值")
        try:
            ok = {"达成": True, "未达成": False}[word] if word else parse_yes_no(ind.actual, missing_ok=False)
        except ValueParseError as exc:
            raise _fail(ind, source, f"实际完成值{exc.message}", "实际完成值") from None
        upd["passed"] = ok
        exact = p if ok else Fraction(0)
        what = {"yes_no": ("已完成", "未完成"), "veto": ("通过", "未通过，一票否决"),
                "prerequisite": ("满足", "未满足，不予评级")}[r]
        explanation = what[0] if ok else what[1]
    else:  # manual
        if ind.manual_score is None:
            raise _fail(ind, source, "手工评分须在「得分」列填写得分", "得分")
        if not ind.reason:
            raise _fail(ind, source, "手工评分须在「偏差原因分析及改进措施」列说明理由", "偏差原因分析及改进措施")
        exact = Fraction(ind.manual_score)
        explanation = "手工评分"
    if not (0 <= exact <= p):
        raise _fail(ind, source, f"得分{fmt_points(exact)}超出分值{fmt_points(p)}分的范围", "得分")
    shown = quantize_half_up(exact, SCORE_DIGITS)
    if ind.manual_score is not None and r not in ("manual", "bands") and \
            ind.manual_score not in (shown, exact):
        raise _fail(ind, source, f"「得分」列填写{fmt_points(ind.manual_score)}分，但按{RULE_LABEL[r]}应得"
                    f"{fmt_points(shown)}分；如需手工评分，请把评分方法改为「手工」并说明理由", "得分")
    return replace(ind, score=shown, exact_score=exact, explanation=explanation, **upd)


def _score_budget(ind: Indicator, source) -> Indicator:
    """分值 × min(全年执行数 ÷ 全年预算数, 1), exactly (the national form: 10 × 执行率, capped)."""
    t = ind.target_q or parse_quantity(ind.target)
    a = ind.actual_q or parse_quantity(ind.actual)
    rate = a.value / t.value
    exact = Fraction(ind.points) * min(rate, Fraction(1))
    shown = quantize_half_up(exact, SCORE_DIGITS)
    rate_text = re.sub(r"\.?0+%$", "%", fmt_for_verdict(rate, 1, 2, percent=True))  # 92%, 91.37%
    explanation = (f"全年执行数{ind.actual}÷全年预算数{ind.target}，执行率{rate_text}，"
                   + ("得满分" if rate >= 1 else f"得分{fmt_points(ind.points)}×{rate_text}={fmt_points(shown)}分"))
    return replace(ind, score=shown, exact_score=exact, explanation=explanation, target_q=t, actual_q=a,
                   relation=">=")


def _deduction_per_time(ind: Indicator, source) -> Fraction:
    bad = _fail(ind, source, "扣分制须写明每次扣分，如「扣分:2」",
                "评分方法")
    try:
        q = parse_quantity(ind.param)
    except ValueParseError:
        raise bad from None
    if q is None or q.value <= 0 or q.unit not in ("", "分") or q.relation is not None:
        raise bad
    return q.value


def _exact_text(x: Fraction) -> str:
    """An exact terminating value in full (0.375), or to four places when it does not end."""
    d = to_decimal(x)
    if Fraction(d) != x or d != d.quantize(Decimal("0.0001")):
        return fmt_points(x)
    text = format(d.normalize(), "f")
    return text


def _all_errors(errors: list[IndicatorError], source) -> IndicatorError:
    """One error for all the problems of an indicator table: the only one as it is, several
    numbered in the order of the table's rows, each with its row and column."""
    if len(errors) == 1:
        return errors[0]
    from .errors import where_prefix

    here = str(source) if source is not None else None
    errors = sorted(errors, key=lambda e: (e.row is None, e.row or 0))
    lines = [f"  {i}. " + where_prefix(e.path if e.path != here else None, e.row, e.column) + e.message
             for i, e in enumerate(errors, 1)]
    err = IndicatorError(f"指标表有{len(errors)}处问题，请逐一改正后重新运行：\n" + "\n".join(lines), path=source)
    err.errors = errors
    return err


def _check(indicators: list[Indicator], method: Method, source, funding=None) -> list[IndicatorError]:
    """Every problem of the table as a whole (sections, sums, reasons for lost points)."""
    errors: list[IndicatorError] = []
    names = set(method.sections)
    for ind in indicators:
        if ind.level1 not in names:
            errors.append(IndicatorError(f"一级指标「{ind.level1}」不在评价办法中 (not a section of the "
                                 f"method: {'、'.join(method.sections)})", path=source, row=ind.row,
                                 column="一级指标"))
    if errors:      # sums by section mean nothing while rows sit under unknown sections
        return errors
    for name, pts in method.sections.items():
        got = sum((i.points for i in indicators if i.level1 == name), Decimal(0))
        if got != pts:
            first = next((i.row for i in indicators if i.level1 == name), None)
            hint = ("；预算执行率可在指标表中写一行，或在 project.yml 写 funding:（项目资金）由它计分"
                    if name == method.budget and funding is None and got == 0 else "")
            errors.append(IndicatorError(f"一级指标「{name}」下各指标分值之和为{fmt_points(got)}分，评价办法规定为"
                                 f"{fmt_points(pts)}分{hint}",
                                 path=source, row=first, column="分值"))
    for level2 in dict.fromkeys((i.level1, i.level2) for i in indicators if i.level2):
        declared = next(i.level2_points for i in indicators if (i.level1, i.level2) == level2)
        if declared is not None:
            got = sum((i.points for i in indicators if (i.level1, i.level2) == level2), Decimal(0))
            if got != declared:
                first = next(i.row for i in indicators if (i.level1, i.level2) == level2)
                errors.append(IndicatorError(f"二级指标「{level2[1]}」标明{fmt_points(declared)}分，其下各指标分值之和为"
                                     f"{fmt_points(got)}分",
                                     path=source, row=first, column="分值"))
    for ind in indicators:
        if ind.score is None:       # not scored: its own error is already listed
            continue
        if ind.rule == "budget" and ind.lost > 0 and not ind.reason:
            errors.append(IndicatorError(f"预算执行率未达100%，扣{fmt_points(ind.lost)}分，须在 funding.reason 说明原因", path=getattr(funding, "path", None)))
        elif ind.lost > 0 and not ind.reason:
            errors.append(IndicatorError(f"指标「{ind.name}」扣{fmt_points(ind.lost)}分，须填写偏差原因分析及改进措施", path=source, row=ind.row,
                                 column="偏差原因分析及改进措施"))
    return errors


# ------------------------------------------------------------------------------ helpers
def _text(v) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, float) and v == int(v):
        v = int(v)
    s = str(v).strip()
    return s or None


def _is_number(v) -> bool:
    return isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) and math.isfinite(v)


_POINTS_SUFFIX = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[）)]\s*$")


def _declared_points(level_text: str | None) -> Decimal | None:
    m = _POINTS_SUFFIX.search(level_text or "")
    return Decimal(m.group(1)) if m else None


def _strip_points(level_text: str | None) -> str | None:
    return _POINTS_SUFFIX.sub("", level_text).strip() if level_text else level_text
