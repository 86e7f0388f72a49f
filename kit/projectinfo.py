"""What a project says about itself for the official 自评表: funding, goals and header fields.

Three optional blocks of ``project.yml`` feed the head of the official forms (see
:mod:`kit.render.forms`); ``funding:`` also scores the budget-execution indicator
(:func:`kit.indicators.assess`)::

    funding:                      # 项目资金
      unit: 万元                   # the unit of bare numbers below: 万元 (default) or 元
      sources:                    # one line per fund source, as the form names it
        当年财政拨款: {initial: 100, budget: 100, spent: 92}
        上年结转资金: {initial: 0, budget: 10, spent: 8}
      reason: 2个村的阵地改造项目跨年度实施，8万元结转下年。   # why execution fell short
    goals:
      expected: 完成12个村级党群服务中心标准化改造……     # 预期目标 / 项目年度目标
      achieved: 12个服务中心全部改造并验收……             # 实际完成情况 / 年度目标完成情况
    form:                         # header and closing fields of the form (all optional)
      code: "51142523T000000123"  # 项目编码 (printed 「<code>-<name>」 where the form asks)
      department: xx县委组织部     # 主管部门
      implementer: xx镇党委        # 实施单位 (default: organisation)
      year: 2023                  # 年度 (default: the first year in period)
      content: 项目实施内容及过程概述
      conclusion: 评价结论 (default: drafted from the score)
      problems: 存在问题
      measures: 改进措施
      leader: 项目负责人
      finance_leader: 财务负责人

Per source, ``initial`` is 年初预算数, ``budget`` 全年预算数 (调整后预算数), ``spent`` 全年执行数 (预算执行数);
the Chinese names are accepted as keys too. Amounts are numbers in ``unit`` or text with
their own unit (``92万元``, ``920000元``), read exactly through :func:`kit.values.parse_quantity`
and kept in 元 as fractions. The blocks are typed and checked on load by
:mod:`kit.definitions.project` (FundingSpec, GoalsSpec, FormSpec); this module turns them into
values. The total (年度资金总额) is the exact sum of the sources; the
execution rate is 全年执行数 ÷ 全年预算数.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from .errors import ProjectError
from .values import parse_quantity

__all__ = ["FundLine", "Funding", "funding_from_spec", "goals_from_spec", "form_from_spec", "TOTAL_SOURCE"]

TOTAL_SOURCE = "年度资金总额"
UNITS = {"万元": Fraction(10_000), "元": Fraction(1)}


@dataclass(frozen=True)
class FundLine:
    """One fund source: 年初预算数, 全年预算数 and 全年执行数 in 元 (exact; None when not given)."""

    source: str
    initial: Fraction | None = None
    budget: Fraction | None = None
    spent: Fraction | None = None

    @property
    def rate(self) -> Fraction | None:
        """全年执行数 ÷ 全年预算数 (None without a budget)."""
        if self.budget is None or self.spent is None or self.budget == 0:
            return None
        return self.spent / self.budget


@dataclass(frozen=True)
class Funding:
    """The project's funds by source (in 元, exact) and the reason execution fell short."""

    lines: tuple[FundLine, ...]
    unit: str = "万元"
    reason: str | None = None
    path: Path | None = None

    @property
    def total(self) -> FundLine:
        """年度资金总额: each column the exact sum of the sources that give it."""
        def add(key):
            vals = [getattr(ln, key) for ln in self.lines if getattr(ln, key) is not None]
            return sum(vals, Fraction(0)) if vals else None
        return FundLine(TOTAL_SOURCE, add("initial"), add("budget"), add("spent"))

    def line(self, source: str) -> FundLine | None:
        if source == TOTAL_SOURCE:
            return self.total
        return next((ln for ln in self.lines if ln.source == source), None)

    @property
    def sources(self) -> list[str]:
        return [ln.source for ln in self.lines]

    def combine(self, others: list["Funding"]) -> "Funding":
        """Funds of several projects added source by source (a roll-up), in first-seen order."""
        order: dict[str, list[FundLine]] = {}
        for f in [self, *others]:
            for ln in f.lines:
                order.setdefault(ln.source, []).append(ln)

        def add(lines, key):
            vals = [getattr(ln, key) for ln in lines if getattr(ln, key) is not None]
            return sum(vals, Fraction(0)) if vals else None
        return Funding(tuple(FundLine(s, add(ls, "initial"), add(ls, "budget"), add(ls, "spent"))
                             for s, ls in order.items()), unit=self.unit, reason=self.reason,
                       path=self.path)


def _amount(v, unit: str) -> Fraction | None:
    """An amount as validated by :class:`kit.definitions.project.FundingSpec`, in 元, exactly."""
    if v is None:
        return None
    q = parse_quantity(v)
    return q.value * (UNITS[unit] if q.unit == "" else 1)


def funding_from_spec(spec, py: Path | None = None) -> Funding | None:
    """The :class:`Funding` of a validated ``funding:`` block (None when absent)."""
    if spec is None:
        return None
    lines = tuple(FundLine(str(name).strip(), _amount(src.initial, spec.unit), _amount(src.budget, spec.unit),
                           _amount(src.spent, spec.unit)) for name, src in spec.sources.items())
    f = Funding(lines, unit=spec.unit, reason=(spec.reason or "").strip() or None, path=py)
    if f.total.budget == 0:
        raise ProjectError("键「funding.sources」：全年预算数合计为0，无法计算执行率", path=py)
    return f


def goals_from_spec(spec) -> dict:
    """``goals:`` as {expected, achieved} (texts given, stripped)."""
    return _texts(spec)


def form_from_spec(spec) -> dict:
    """``form:`` as {code, department, implementer, year, …} (texts given, stripped)."""
    return _texts(spec)


def _texts(spec) -> dict:
    if spec is None:
        return {}
    out = {}
    for k in type(spec).model_fields:
        v = getattr(spec, k)
        if v is not None and str(v).strip():
            out[k] = str(v).strip()
    return out
