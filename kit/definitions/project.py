"""``project.yml``: the typed model of a survey project.

Every key is declared here with its type; the checks that need another file (question ids in
the codebook, first-level indicators in method.yml, columns of a data file) are made by
:func:`kit.project.load_project` right after this model is validated, and the checks that need
the data by the functions that read it.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Annotated, Any

from pydantic import AliasChoices, Field, ValidationInfo, field_validator, model_validator
from pydantic.functional_validators import BeforeValidator, PlainValidator

from .base import (Bool, ExportFile, File, Identifier, Number, OptText, PositiveInt, Spec, Text,
                   fail, matching, one_of, suggest, type_name)

__all__ = ["ProjectSpec", "WaveSpec", "WeightsSpec", "AppraisalSpec", "CadreAppraisalSpec",
           "MemberAppraisalSpec", "BatchSpec", "PanelSpec", "OutcomeSpec", "StagedTargetsSpec",
           "LedgersSpec", "TargetsSpec", "SurveySpec", "LEDGER_COLUMNS", "SHARE_UNITS", "label_text",
           "FundingSpec", "FundSourceSpec", "GoalsSpec", "FormSpec"]

WaveId = matching(r"^[A-Za-z0-9_-]+$", "应只含英文字母、数字、_ 或 -（如 w2019、baseline）")


def label_text(v: Any) -> str:
    """A label as compared with data cells: text, or a whole number written without quotes."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _label(v: Any) -> str:
    """A label or period value that must match a data cell: text or a number."""
    if isinstance(v, bool) or v is None or isinstance(v, (list, dict)):
        raise fail(f"应为数据中的一个取值（文字或数字），实为{type_name(v)}")
    if isinstance(v, float):
        from .base import _number

        _number(v)
    return v  # as written: compared with data cells through label_text


Label = Annotated[Any, PlainValidator(_label)]


class WaveSpec(Spec):
    id: WaveId
    label: OptText = ""
    export: ExportFile
    codes: ExportFile | None = None
    platform: Text | None = None


class WeightsSpec(Spec):
    cells: Identifier
    population: File
    label_column: Text = "单元"
    count_column: Text = "户数"
    cluster: Identifier | None = None
    strata: Identifier | None = None
    # a stratum with a single sampled cluster: R's survey.lonely.psu (kit.design.LONELY_PSU)
    lonely_psu: one_of("adjust", "average", "remove", "certainty", "fail",
                       what="单群层的处理方式") = "adjust"


class CadreAppraisalSpec(Spec):
    questions: list[Identifier] = Field(min_length=1)
    start: Number = 100
    line: Number = 60
    eligible: PositiveInt | None = None

    @model_validator(mode="after")
    def _line_below_start(self):
        if self.line > self.start:
            raise fail(f"分数线 {self.line:g} 高于起始分 {self.start:g}：所有村干部都会低于分数线", key="line")
        dup = sorted({q for q in self.questions if self.questions.count(q) > 1})
        if dup:
            raise fail(f"题目「{'」「'.join(dup)}」重复列出", key="questions")
        return self


class MemberAppraisalSpec(Spec):
    question: Identifier
    help_bands: PositiveInt = 2


class AppraisalSpec(Spec):
    cadres: CadreAppraisalSpec | None = None
    members: MemberAppraisalSpec | None = None


class BatchSpec(Spec):
    workbook: File
    unit: Text = "单位"


SHARE_UNITS = {"比例": 1, "%": 100}  # a share stored 0-1, or already in percent (0-100)


class OutcomeSpec(Spec):
    """One outcome of a panel: its column, its unit and the name reports give it::

        outcomes:
          - 人均纯收入                          # a column, no unit
          - {column: 贫困户数, unit: 户}
          - {column: 安全饮水覆盖率, unit: 比例}   # a share 0-1: shown as %, changes in 个百分点
          - {column: water_pct, unit: "%", label: 安全饮水覆盖率}   # already in percent (0-100)

    A unit is what the values are counted in (元, 万元, 户, 人, 个); 比例 or % make the outcome a
    share, whose changes are reported in 个百分点 (percentage points)."""

    column: Text
    unit: OptText = ""
    label: OptText = ""

    @field_validator("unit")
    @classmethod
    def _unit(cls, v):
        v = v.strip().replace("％", "%")
        if any(ch.isdigit() for ch in v):
            raise fail(f"单位「{v}」中有数字；单位应为 元、万元、户、人、比例（0-1 的比例）或 %（百分数）等")
        return v

    @property
    def name(self) -> str:
        return self.label or self.column

    @property
    def share_scale(self) -> int | None:
        """100 for a share stored 0-1 (比例), 1 for one stored in percent (%), else None."""
        return {1: 100, 100: 1}.get(SHARE_UNITS.get(self.unit, 0))


def _outcome(v: Any) -> Any:
    """A plain column name is an outcome without a unit."""
    if isinstance(v, str) or (isinstance(v, int) and not isinstance(v, bool)):
        return {"column": v}
    if not isinstance(v, dict) or "column" not in v:
        raise fail(f"应为结果变量的列名，或写明 column: 的映射（如 {{column: 贫困户数, unit: 户}}），实为{type_name(v)}")
    return v


Outcome = Annotated[OutcomeSpec, BeforeValidator(_outcome)]


class PanelSpec(Spec):
    file: File
    unit: Text
    period: Text
    outcomes: list[Outcome] = Field(min_length=1)
    group: Text | None = None
    treated_label: Label | None = None
    comparison_label: Label | None = None
    baseline: Number
    followup: Number
    cluster: Text | None = None

    @field_validator("outcomes")
    @classmethod
    def _unique_outcomes(cls, v):
        cols = [o.column for o in v]
        dup = sorted({x for x in cols if cols.count(x) > 1})
        if dup:
            raise fail(f"结果变量「{'」「'.join(dup)}」重复列出")
        return v

    @property
    def columns(self) -> list[str]:
        """The outcome columns, in order."""
        return [o.column for o in self.outcomes]

    @model_validator(mode="after")
    def _group_labels(self):
        if self.group and self.treated_label is None:
            raise fail("有 group（分组列）时须写明项目组在该列中的名称，如 treated_label: 项目村",
                       key="treated_label")
        if not self.group and (self.treated_label is not None or self.comparison_label is not None):
            raise fail("写了项目组/对照组名称，但没有写分组列 group:", key="group")
        if self.comparison_label is not None and \
                label_text(self.comparison_label) == label_text(self.treated_label):
            raise fail("对照组与项目组的名称相同", key="comparison_label")
        if label_text(self.baseline) == label_text(self.followup):
            raise fail(f"基期和末期都是「{self.baseline}」，应为两个不同的时期", key="followup")
        return self


class StagedTargetsSpec(Spec):
    file: File
    unit: Text
    period: Text
    target: Text
    actual: Text
    total: Text | None = None


class _MemberPointsColumns(Spec):
    member: Text = "党员"
    date: Text = "日期"
    item: Text = "项目"
    points: Text = "积分"


class _CadreColumns(Spec):
    cadre: Text = "村干部"
    post: Text = "岗位"
    quarter: Text = "季度"
    points: Text = "得分"


class _InspectionColumns(Spec):
    branch: Text = "支部"
    round: Text = "轮次"
    score: Text = "得分"


class MemberPointsLedger(Spec):
    file: File
    roster: File
    columns: _MemberPointsColumns = _MemberPointsColumns()


class CadreQuarterlyLedger(Spec):
    file: File
    columns: _CadreColumns = _CadreColumns()


class StarsLedger(Spec):
    branches: File
    members: File | None = None
    branch_column: Text = "支部"


class InspectionLedger(Spec):
    file: File
    columns: _InspectionColumns = _InspectionColumns()


class LedgersSpec(Spec):
    member_points: MemberPointsLedger | None = None
    cadre_quarterly: CadreQuarterlyLedger | None = None
    stars: StarsLedger | None = None
    inspection: InspectionLedger | None = None


LEDGER_COLUMNS = {"member_points": _MemberPointsColumns, "cadre_quarterly": _CadreColumns,
                  "inspection": _InspectionColumns}


def _target(v: Any) -> Fraction:
    from .base import _share

    return _share(v)


class SurveySpec(Spec):
    """How the survey was done, in the evaluator's words, for the 调查概况 of the survey report
    (a report leaves a 【请填写：…】 placeholder for what is not given)::

        survey:
          respondents: 80个贫困村的农户            # 调查对象
          sampling: 按村随机抽取农户电话号码       # 抽样方法（怎样选出受访者）
          mode: 电话回访                           # 调查方式
    """

    respondents: OptText = ""
    sampling: OptText = ""
    mode: OptText = ""


class TargetsSpec(Spec):
    overall_satisfied: Annotated[Fraction, PlainValidator(_target)] = None  # type: ignore[assignment]


def _notebook(v: Any) -> str:
    """Only the kit's own notebooks run, by name: a project folder is data, and a path would make
    ``kit report`` run someone else's code."""
    from ..paths import ROOT
    from .base import _nonempty_text

    s = _nonempty_text(v).strip().removesuffix(".ipynb")
    have = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
    if s not in have:
        raise fail(f"找不到笔记本 notebooks/{s}.ipynb。{suggest(s, have)}可用的笔记本：{'、'.join(have)}")
    return s


# ------------------------------------------------------------------------------ the official form
def _amount(v: Any):
    """An amount of money: a non-negative number (in funding.unit) or text with its own unit
    (100万元, 920000元); kept as written, converted exactly by kit.projectinfo."""
    if isinstance(v, bool) or v is None or isinstance(v, (list, dict)):
        raise fail(f"应为金额，如 100（单位见 funding.unit）或 \"100万元\"，实为{type_name(v)}")
    if isinstance(v, (int, float)):
        from .base import _bounded

        return _bounded(0)(v)
    if isinstance(v, str):
        from ..values import ValueParseError, parse_quantity

        try:
            q = parse_quantity(v)
        except ValueParseError as exc:
            raise fail(exc.message) from None
        if q is None or q.relation is not None or q.unit not in ("", "元") or q.value < 0:
            raise fail(f"应为非负金额，如 100 或 \"100万元\"，实为{type_name(v)}")
        return v
    raise fail(f"应为金额，实为{type_name(v)}")


Amount = Annotated[Any, PlainValidator(_amount)]
TOTAL_SOURCES = ("年度资金总额", "总额", "合计")


class FundSourceSpec(Spec):
    """One fund source: 年初预算数, 全年预算数 (调整后预算数), 全年执行数 (预算执行数)."""

    initial: Amount | None = Field(None, validation_alias=AliasChoices("initial", "年初预算数", "年初预算"))
    budget: Amount | None = Field(None, validation_alias=AliasChoices("budget", "全年预算数", "调整后预算数",
                                                                      "全年预算"))
    spent: Amount | None = Field(None, validation_alias=AliasChoices("spent", "全年执行数", "预算执行数", "执行数"))


class FundingSpec(Spec):
    """``funding:``: the project's funds by source, for the form's head and the budget score."""

    unit: one_of("万元", "元", what="金额单位") = "万元"
    sources: dict[Text, FundSourceSpec] = Field(min_length=1)
    reason: OptText | None = None

    @model_validator(mode="after")
    def _total(self):
        for name in self.sources:
            if name in TOTAL_SOURCES:
                raise fail("年度资金总额由各资金来源相加得出，不用填写；请只列来源（如 当年财政拨款、上年结转资金）",
                           key=f"sources.{name}")
        if not any(s.budget is not None for s in self.sources.values()) or \
                not any(s.spent is not None for s in self.sources.values()):
            raise fail("至少一个来源须写明 budget（全年预算数）和 spent（全年执行数），才能计算执行率",
                       key="sources")
        return self


class GoalsSpec(Spec):
    """``goals:``: 预期目标 (项目年度目标) and 实际完成情况 (年度目标完成情况)."""

    expected: OptText | None = None
    achieved: OptText | None = None


Year = matching(r"^\d{4}$", "应为四位年份，如 2023")


class FormSpec(Spec):
    """``form:``: the header and closing fields of the official 自评表."""

    code: OptText | None = None          # 项目编码
    department: OptText | None = None    # 主管部门
    implementer: OptText | None = None   # 实施单位
    year: Year | None = None             # 年度 (default: from period)
    content: OptText | None = None       # 项目实施内容及过程概述
    conclusion: OptText | None = None    # 评价结论 (default: drafted from the score)
    problems: OptText | None = None      # 存在问题 (default: the points lost, with reasons)
    measures: OptText | None = None      # 改进措施
    leader: OptText | None = None        # 项目负责人
    finance_leader: OptText | None = None  # 财务负责人
def _pepper_id(v: Any) -> str:
    from .base import _nonempty_text

    s = _nonempty_text(v).strip().lower()
    if len(s) != 16 or any(c not in "0123456789abcdef" for c in s):
        raise fail("应为 kit pepper new 写入的16位十六进制编号（编号，不是 pepper 本身）")
    return s


def _expected_value(v: Any, key: str):
    if isinstance(v, bool) or v is None or isinstance(v, (list, dict)) or \
            not isinstance(v, (int, float, str)):
        raise fail(f"应为数字（如 412 或 98.3）或文字（如评价等级），实为{type_name(v)}", key=key)
    if isinstance(v, float):
        from .base import _number

        try:
            _number(v)
        except Exception as exc:  # PydanticCustomError: re-raised with the key
            raise fail(exc.context["msg"], key=key) from None
    return v


def _expected(v: Any) -> dict:
    """``name: value``, or ``wave_id: {name: value}`` (one level)."""
    from .base import _text

    if not isinstance(v, dict):
        raise fail(f"应为“名称: 数字”的映射（如 n_valid: 412），实为{type_name(v)}")
    out: dict = {}
    for k, x in v.items():
        name = _text(k)
        if isinstance(x, dict):
            out[name] = {_text(kk): _expected_value(xx, f"{name}.{kk}") for kk, xx in x.items()}
        else:
            out[name] = _expected_value(x, name)
    return out


def _crosstab(v: Any) -> tuple[str, str]:
    """``[行题目, 列题目]`` or ``{rows: 行题目, columns: 列题目}``: question or matrix row ids."""
    from .base import _nonempty_text

    if isinstance(v, dict):
        if set(v) != {"rows", "columns"}:
            raise fail(f"应写 rows 和 columns 两项，如 {{rows: identity, columns: overall}}，实为{type_name(v)}")
        items = [("rows", v["rows"]), ("columns", v["columns"])]
    elif isinstance(v, list) and len(v) == 2:
        items = [("[0]", v[0]), ("[1]", v[1])]
    else:
        raise fail(f"应为 [行题目, 列题目] 或 {{rows: …, columns: …}}，实为{type_name(v)}")
    pair = []
    for key, x in items:
        try:
            pair.append(_nonempty_text(x))
        except Exception as exc:  # PydanticCustomError: re-raised with the key
            raise fail(exc.context["msg"], key=key) from None
    if pair[0] == pair[1]:
        raise fail(f"行与列是同一题「{pair[0]}」")
    return pair[0], pair[1]


def _codes(v: Any) -> dict:
    """``{题目 id 或 "*": {类别: [关键词, …]}}``."""
    from .base import _nonempty_text

    if not isinstance(v, dict):
        raise fail(f"应为 {{题目 id: {{类别: [关键词, …]}}}}（\"*\" 表示所有开放题），实为{type_name(v)}")
    out: dict = {}
    for qid, cats in v.items():
        q = _nonempty_text(qid)
        if not isinstance(cats, dict) or not cats:
            raise fail(f"应为 {{类别: [关键词, …]}}，实为{type_name(cats)}", key=q)
        clean = {}
        for cat, words in cats.items():
            if not isinstance(words, list) or not words:
                raise fail(f"应为非空的关键词列表，如 [修路, 道路]，实为{type_name(words)}", key=f"{q}.{cat}")
            clean[_nonempty_text(cat)] = []
            for i, w in enumerate(words):
                try:
                    clean[str(cat)].append(_nonempty_text(w))
                except Exception as exc:  # PydanticCustomError: re-raised with the key
                    raise fail(exc.context["msg"], key=f"{q}.{cat}[{i}]") from None
        out[q] = clean
    return out


class ProjectSpec(Spec):
    title: Text
    organisation: OptText = ""
    period: OptText = ""
    synthetic: Bool = False
    description: OptText = ""
    generator: OptText = ""
    report_title: OptText = ""
    questionnaire: File | None = None
    waves: list[WaveSpec] = []
    notebooks: list[Annotated[str, PlainValidator(_notebook)]] = ["01_load_and_check"]
    data_log: File | None = None
    indicators: File | None = None
    method: File | None = None
    expected: Annotated[dict, PlainValidator(_expected)] = {}
    targets: TargetsSpec = TargetsSpec()
    survey: SurveySpec = SurveySpec()
    weights: WeightsSpec | None = None
    appraisal: AppraisalSpec | None = None
    batch: BatchSpec | None = None
    panel: PanelSpec | None = None
    staged_targets: StagedTargetsSpec | None = None
    ledgers: LedgersSpec | None = None
    funding: FundingSpec | None = None
    goals: GoalsSpec | None = None
    form: FormSpec | None = None
    rollup: list[Text] | None = Field(None, min_length=1)   # project folders rolled up into one table
    pepper: Annotated[str, PlainValidator(_pepper_id)] | None = None
    # every question tabulated (kit.descriptives, kit.crosstab, kit.opentext; notebook 07)
    profile: list[Identifier] = []
    crosstabs: list[Annotated[tuple, PlainValidator(_crosstab)]] = []
    codes: Annotated[dict, PlainValidator(_codes)] = {}
    stopwords: list[Text] = []

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo):
        ids = [w.id for w in self.waves]
        for i, w in enumerate(self.waves):
            if w.id in ids[:i]:
                raise fail(f"调查轮次 id「{w.id}」重复（waves[{ids.index(w.id)}] 已用过），每轮应有不同的 id",
                           key=f"waves[{i}].id")
            for j, other in enumerate(self.waves[:i]):
                if w.export == other.export:
                    raise fail(f"与 waves[{j}] 是同一个导出文件，每轮应有自己的导出文件", key=f"waves[{i}].export")
        analyses = [k for k in ("waves", "indicators", "batch", "panel", "staged_targets", "ledgers", "rollup")
                    if getattr(self, k)]
        if not analyses:
            raise fail("项目中没有可分析的内容：问卷调查需要 questionnaire: 和 waves:；绩效自评需要 "
                       "indicators: 和 method:；另可用 batch:、panel:、staged_targets:、ledgers:", key="waves")
        if self.waves and self.questionnaire is None:
            raise fail("有问卷调查（waves:）时须写明问卷定义，如 questionnaire: questionnaire.yml",
                       key="questionnaire")
        if self.questionnaire is not None and not self.waves:
            raise fail("写了问卷定义，但没有调查轮次；请添加 waves:（每轮的 id 和 export）", key="waves")
        for key in ("weights", "appraisal", "profile", "crosstabs", "codes"):
            if getattr(self, key) and self.questionnaire is None:
                raise fail(f"{key} 需要问卷定义 questionnaire:", key=key)
        for key in ("weights", "appraisal"):
            if getattr(self, key) is not None and self.questionnaire is None:
                raise fail(f"{key} 需要问卷定义 questionnaire:", key=key)
        for key in ("indicators", "batch", "ledgers", "rollup"):
            if getattr(self, key) and self.method is None:
                raise fail(f"{key} 需要评价办法文件，如 method: method.yml", key="method")
        if self.rollup and (self.indicators is not None or self.funding is not None):
            raise fail("汇总项目的指标和资金由 rollup: 所列项目相加得出，不要再写 indicators: 或 funding:",
                       key="rollup")
        return self
