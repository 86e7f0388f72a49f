"""``method.yml``: the typed model of an evaluation method (评价办法 / 考核办法).

One file may hold a self-assessment method (framework, total, sections, grades; read by
:func:`kit.indicators.load_method`) and the rules of appraisal ledgers (member_points,
cadre_quarterly, stars, inspection; read by :func:`kit.ledgers.load_ledger_method`).
Grade bands are written highest first, each from its ``min`` (inclusive), and must be ordered,
non-overlapping, with distinct names, down to 0.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator
from pydantic.functional_validators import PlainValidator

from .base import (_integer, Date, NonNegative, Number, OptText, Positive, PositiveInt, Share, Spec, Text,
                   fail, one_of, type_name)

__all__ = ["MethodSpec", "GradeSpec", "FRAMEWORK_NAMES", "MemberPointsRules",
           "CadreQuarterlyRules", "StarsRules", "InspectionRules", "Criterion"]

FRAMEWORK_NAMES = ("2013", "2020", "2020-self", "custom")


def _framework(v: Any) -> str:
    if isinstance(v, int) and not isinstance(v, bool):
        v = str(v)  # framework: 2013 written without quotes
    if not isinstance(v, str) or v not in FRAMEWORK_NAMES:
        from .base import suggest

        raise fail(f"评价框架应为 {'、'.join(FRAMEWORK_NAMES)} 之一（加引号，如 \"2020\"），实为"
                   f"{type_name(v)}。{suggest(v, FRAMEWORK_NAMES)}")
    return v


class GradeSpec(Spec):
    name: Text
    min: NonNegative
    max: NonNegative | None = None   # optional, for readability: must equal the next band's min


def check_bands(grades: list[GradeSpec], top: float | None = None) -> list[GradeSpec]:
    """Ordered highest first, strictly decreasing ``min``, distinct names, lowest from 0."""
    names: dict[str, int] = {}
    for i, g in enumerate(grades):
        if g.name in names:
            raise fail(f"等级名称「{g.name}」与 [{names[g.name]}] 重复", key=f"[{i}].name")
        names[g.name] = i
        if i and g.min >= grades[i - 1].min:
            raise fail(f"等级应从高到低排列，每一档的 min 小于上一档：「{g.name}」的 min {g.min:g} 不小于"
                       f"「{grades[i - 1].name}」的 {grades[i - 1].min:g}"
                       + ("（两档重叠）" if g.min == grades[i - 1].min else ""), key=f"[{i}].min")
        if g.max is not None:
            if i == 0:
                if top is not None and g.max > top:
                    raise fail(f"最高一档的 max {g.max:g} 超过总分 {top:g}", key=f"[{i}].max")
            elif g.max != grades[i - 1].min:
                raise fail(f"「{g.name}」的 max {g.max:g} 应等于上一档「{grades[i - 1].name}」的 min "
                           f"{grades[i - 1].min:g}，否则两档之间重叠或留有空档", key=f"[{i}].max")
        if top is not None and g.min > top:
            raise fail(f"「{g.name}」的 min {g.min:g} 超过总分 {top:g}", key=f"[{i}].min")
    if grades and grades[-1].min != 0:
        raise fail(f"最低一档「{grades[-1].name}」的 min 应为 0，否则低于 {grades[-1].min:g} 分的得分没有等级",
                   key=f"[{len(grades) - 1}].min")
    return grades


Grades = Annotated[list[GradeSpec], Field(min_length=1)]


# ------------------------------------------------------------------------------ ledgers
IndexKind = one_of("capped", "uncapped", what="指数类型")


class MemberPointsRules(Spec):
    period: list[Date] | None = None
    monthly_cap: Positive
    annual_cap: Positive
    unqualified_below: NonNegative
    consecutive_years: PositiveInt = 3
    top_share: Share = Fraction(1, 10)
    indices: dict[Text, IndexKind] = {}
    items: dict[Text, Text] = Field(min_length=1)
    spend_items: list[Text] = []

    @field_validator("period")
    @classmethod
    def _period(cls, v):
        if v is not None:
            if len(v) != 2:
                raise fail(f"考核期应写作 [开始日期, 结束日期]，实有{len(v)}项")
            if v[0] > v[1]:
                raise fail(f"开始日期 {v[0]} 晚于结束日期 {v[1]}")
        return v

    @model_validator(mode="after")
    def _items(self):
        for item, idx in self.items.items():
            if self.indices and idx not in self.indices:
                from .base import suggest

                raise fail(f"指数「{idx}」不在 indices 中（有：{'、'.join(self.indices)}）。"
                           f"{suggest(idx, self.indices)}", key=f"items.{item}")
        for i, s in enumerate(self.spend_items):
            if s in self.items:
                raise fail(f"「{s}」同时列在 items 和 spend_items 中", key=f"spend_items[{i}]")
        if self.annual_cap < self.monthly_cap:
            raise fail(f"年度上限 {self.annual_cap:g} 小于每月上限 {self.monthly_cap:g}", key="annual_cap")
        if self.unqualified_below > self.annual_cap:
            raise fail(f"不合格线 {self.unqualified_below:g} 高于年度上限 {self.annual_cap:g}：所有党员都会不合格",
                       key="unqualified_below")
        return self


class CadreQuarterlyRules(Spec):
    grades: Grades
    annual_pay: Positive
    basic_share: Share = Fraction(7, 10)
    performance_share: Share = Fraction(3, 10)
    full_points: Positive = 100
    premium_posts: dict[Text, Share] = {}
    streak: Annotated[int, PlainValidator(_integer(2))] = 3

    @field_validator("grades")
    @classmethod
    def _bands(cls, v):
        return check_bands(v)

    @model_validator(mode="after")
    def _shares(self):
        if self.basic_share + self.performance_share != 1:
            raise fail(f"基本报酬比例与绩效报酬比例之和应为1（100%），实为"
                       f"{float(self.basic_share + self.performance_share):g}", key="performance_share")
        return self


def _criterion_value(v: Any):
    if isinstance(v, (list, dict)) or v is None:
        raise fail(f"应为一个取值（文字、数字或是非值），实为{type_name(v)}")
    if isinstance(v, float):
        from .base import _number

        _number(v)
    return v


class Criterion(Spec):
    """One condition of a star: ``indicator`` with ``is``, ``min`` or ``max``; or
    ``grew: [from_column, to_column]``."""

    indicator: Text | None = None
    is_: Annotated[Any, PlainValidator(_criterion_value)] = Field(None, alias="is")
    min: Number | None = None
    max: Number | None = None
    grew: list[Text] | None = None

    @model_validator(mode="after")
    def _one_kind(self):
        kinds = [k for k in ("is", "min", "max", "grew")
                 if getattr(self, "is_" if k == "is" else k) is not None]
        if len(kinds) != 1:
            raise fail("每个条件应恰好写一种：indicator 加 is（等于）、min（不低于）或 max（不高于）之一，"
                       f"或 grew: [前一列, 后一列]；实际写了 {', '.join(kinds) or '0种'}")
        if self.grew is not None:
            if len(self.grew) != 2:
                raise fail(f"grew 应为两列 [前一列, 后一列]，实有{len(self.grew)}项", key="grew")
            if self.indicator is not None:
                raise fail("grew 条件不需要 indicator", key="indicator")
        elif self.indicator is None:
            raise fail("缺少 indicator（支部指标表中的列名）", key="indicator")
        return self

    def columns(self) -> list[str]:
        return list(self.grew) if self.grew else [self.indicator]


class StarSpec(Spec):
    all: list[Criterion] = Field(min_length=1)


class MemberStarsRules(Spec):
    basic: list[Text] = Field(min_length=1)
    extra: Text | None = None
    max_stars: PositiveInt | None = None
    high: PositiveInt | None = None
    target_share: Share = Fraction(1, 10)

    @model_validator(mode="after")
    def _counts(self):
        cap = self.max_stars if self.max_stars is not None else len(self.basic)
        if self.max_stars is not None and self.max_stars < len(self.basic):
            raise fail(f"最多星数 {self.max_stars} 少于基本星数 {len(self.basic)}", key="max_stars")
        if self.high is not None and self.high > cap:
            raise fail(f"高星级标准 {self.high} 超过最多星数 {cap}，没有党员能达到", key="high")
        return self


class StarsRules(Spec):
    prerequisites: list[Text] = []
    branch_stars: dict[Text, StarSpec] = {}
    member_stars: MemberStarsRules | None = None

    def columns(self) -> list[tuple[str, str]]:
        """(key, column) for every branch-table column the rules name."""
        out = [(f"prerequisites[{i}]", p) for i, p in enumerate(self.prerequisites)]
        for star, spec in self.branch_stars.items():
            for j, c in enumerate(spec.all):
                out += [(f"branch_stars.{star}.all[{j}]", col) for col in c.columns()]
        return out


class InspectionRules(Spec):
    bottom: PositiveInt = 3
    consecutive: PositiveInt = 2


BAND_NAMES = ("达成", "部分达成", "未达成")


def check_quality_bands(bands: dict) -> dict:
    """The three qualitative bands, each ``[low, high]`` in percent of the points, from 100
    down to 0 without gap or overlap (nationally 80–100 / 60–80 / 0–60; one district 100–80 /
    80–50 / 50–0)."""
    if set(bands) != set(BAND_NAMES):
        missing = [n for n in BAND_NAMES if n not in bands]
        extra = [n for n in bands if n not in BAND_NAMES]
        from .base import suggest

        raise fail("定性三档应为 达成、部分达成、未达成，各写 [下限, 上限]（占分值的百分比），如 {达成: [80, 100], "
                   f"部分达成: [60, 80], 未达成: [0, 60]}}；" + (f"缺少「{'」「'.join(missing)}」" if missing else
                                                         f"「{extra[0]}」不是档名。{suggest(extra[0], BAND_NAMES)}"))
    for name in BAND_NAMES:
        v = bands[name]
        if len(v) != 2 or not 0 <= v[0] < v[1] <= 100:
            raise fail(f"应为 [下限, 上限]，0 ≤ 下限 < 上限 ≤ 100（占分值的百分比），实为 {list(v)}", key=f".{name}")
    if bands["达成"][1] != 100:
        raise fail(f"达成的上限应为100，实为 {bands['达成'][1]:g}", key=".达成")
    if bands["未达成"][0] != 0:
        raise fail(f"未达成的下限应为0，实为 {bands['未达成'][0]:g}", key=".未达成")
    for hi, lo in (("达成", "部分达成"), ("部分达成", "未达成")):
        if bands[lo][1] != bands[hi][0]:
            raise fail(f"「{lo}」的上限 {bands[lo][1]:g} 应等于「{hi}」的下限 {bands[hi][0]:g}，否则两档之间"
                       "重叠或留有空档", key=f".{lo}")
    return bands


class MethodSpec(Spec):
    # self-assessment (自评)
    framework: Annotated[str, PlainValidator(_framework)] = "custom"
    title: OptText | None = None
    total: Positive = 100
    sections: dict[Text, NonNegative] | None = None
    grades: Grades | None = None
    bands: dict[Text, list[NonNegative]] | None = None   # 定性三档, % of the points
    layout: Text | None = None            # the official 自评表 layout: a shipped name or a file
    budget_section: Text | None = None    # the section funding: scores (default 预算执行率 …)
    # appraisal ledgers (考核台账)
    member_points: MemberPointsRules | None = None
    cadre_quarterly: CadreQuarterlyRules | None = None
    stars: StarsRules | None = None
    inspection: InspectionRules | None = None

    @model_validator(mode="after")
    def _bands(self):
        if self.grades is not None:
            try:
                check_bands(self.grades, top=self.total)
            except Exception as exc:
                ctx = getattr(exc, "context", None)
                if ctx is None:
                    raise
                raise fail(ctx["msg"], key="grades" + ctx.get("key", "")) from None
        if self.bands is not None:
            try:
                check_quality_bands(self.bands)
            except Exception as exc:
                ctx = getattr(exc, "context", None)
                if ctx is None:
                    raise
                raise fail(ctx["msg"], key="bands" + ctx.get("key", "")) from None
        if self.sections is not None and self.budget_section is not None \
                and self.budget_section not in self.sections:
            from .base import suggest

            raise fail(f"「{self.budget_section}」不是 sections 中的一级指标（有：{'、'.join(self.sections)}）。"
                       f"{suggest(self.budget_section, self.sections)}", key="budget_section")
        if self.sections is not None:
            if not self.sections:
                raise fail("应至少有一个一级指标", key="sections")
            total = sum(Fraction(str(v)) for v in self.sections.values())
            if total != Fraction(str(self.total)):
                raise fail(f"一级指标分值之和为{float(total):g}分，与总分{self.total:g}分不符；请改正各一级指标的"
                       "分值或 total", key="sections")
        return self

    @property
    def has_self_assessment(self) -> bool:
        return self.sections is not None or self.framework != "custom"

    @property
    def ledgers(self) -> list[str]:
        return [k for k in ("member_points", "cadre_quarterly", "stars", "inspection")
                if getattr(self, k) is not None]

