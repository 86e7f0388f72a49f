"""Several projects rolled up into one self-assessment table (``rollup:`` in project.yml).

Local forms print a roll-up the way the rule reads: 「绝对值直接累加计算，相对值按照资金额度加权
平均计算」. Each project listed under ``rollup:`` is an ordinary project folder with its own
indicator workbook and ``funding:``; the projects must list the same indicators (the same
levels, points and rule). Row by row:

- an absolute value (个, 万元, 人次 …; targets and results alike) is the exact sum over the
  projects; a relative value (a percentage) is their mean weighted by each project's funds
  (全年预算数), exactly;
- a deduction count is the sum of the counts; a yes/no row (是否, 一票否决, 前置条件) is met
  only when every project met it;
- a banded or hand-scored row scores the funds-weighted mean of the projects' scores (as a
  share of the points), and a banded row prints the band that share falls in;
- a row 不适用 in every project is 不适用; otherwise the projects where it applies count;
- reasons and evidence are kept, each after its project's name;
- the funds add up source by source, so the budget-execution rate is 全年执行数 ÷ 全年预算数 of
  the sum.

The combined rows are then scored by :func:`kit.indicators.assess` like any table.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from pathlib import Path

from .errors import ProjectError
from .fmt import fmt_threshold, to_decimal
from .indicators import BAND_WORDING, Indicator, IndicatorError, Method, assess, read_indicators
from .values import Quantity, ValueParseError, parse_quantity, same_unit

__all__ = ["rollup_indicators", "ROLLUP_NOTE"]

ROLLUP_NOTE = "本表由{n}个项目汇总：绝对值直接累加计算，相对值按照资金额度（全年预算数）加权平均计算。"
QUANTITATIVE = ("pro_rata", "lower_better", "threshold", "exact")


def _key(ind: Indicator) -> tuple:
    return ind.level1, ind.level2, ind.name


def _label(key: tuple) -> str:
    return "/".join(k for k in key if k)


def rollup_indicators(projects: list, method: Method, where: Path) -> tuple[list[Indicator], object, list[str]]:
    """The combined indicator rows, the combined funding and the projects' names.

    ``projects`` are loaded :class:`kit.project.Project` s; ``where`` (the roll-up's
    project.yml) is named by errors that concern the roll-up as a whole."""
    if not projects:
        raise ProjectError("键「rollup」：应列出至少一个项目文件夹", path=where)
    names, tables, scored, weights, fundings = [], [], [], [], []
    for p in projects:
        name = p.organisation or p.name
        if p.indicators is None:
            raise ProjectError(f"键「rollup」：项目「{p.name}」没有指标表（其 project.yml 缺 indicators:）",
                               path=where)
        if p.funding is None:
            raise ProjectError(f"键「rollup」：项目「{p.name}」没有 funding:（项目资金）；汇总时相对值按资金额度"
                               "加权，资金也要逐项相加", path=p.root / "project.yml")
        inds = read_indicators(p.indicators)
        for ind in inds:
            if ind.actual and str(ind.actual).startswith(("问卷:", "问卷：", "survey:")):
                raise IndicatorError(f"指标「{ind.name}」：汇总表不能取问卷结果「{ind.actual}」；请在各项目的指标表中"
                                     "填写数值", path=p.indicators, row=ind.row,
                                     column="实际完成值")
        a = assess(inds, method, source=p.indicators, funding=p.funding)
        names.append(name)
        tables.append((p, inds))
        scored.append({_key(i): i for i in a.indicators if i.rule != "budget"})
        weights.append(p.funding.total.budget)
        fundings.append(p.funding)
    if len(set(names)) < len(names):
        raise ProjectError(f"键「rollup」：项目名称重复（{'、'.join(names)}）；请在各项目的 project.yml 写明不同的 "
                           "organisation", path=where)
    first_p, first = tables[0]
    keys = [_key(i) for i in first]
    for p, inds in tables[1:]:
        other = [_key(i) for i in inds]
        if other != keys:
            missing = [k for k in keys if k not in other] + [k for k in other if k not in keys]
            detail = f"「{_label(missing[0])}」只在一方" if missing else "顺序不同"
            raise IndicatorError(f"汇总的各项目指标应相同：与「{first_p.name}」相比，{detail}", path=p.indicators)
    out = []
    for k, rows in enumerate(zip(*(inds for _, inds in tables))):
        base = rows[0]
        for (p, _), ind in zip(tables, rows):
            if (ind.points, ind.rule, ind.param) != (base.points, base.rule, base.param):
                raise IndicatorError(f"指标「{ind.name}」：分值或评分方法与「{first_p.name}」不同，无法汇总", path=p.indicators, row=ind.row, column="评分方法")
        out.append(_combine(rows, [s[keys[k]] for s in scored], names, weights, [p for p, _ in tables],
                            method.bands))
    funding = fundings[0].combine(fundings[1:])
    reasons = [f"{n}：{_clause(f.reason)}" for n, f in zip(names, fundings) if f.reason]
    funding = replace(funding, reason="；".join(reasons) + "。" if reasons else None, path=where)
    return out, funding, names


def _joined(rows, names, attr: str) -> str | None:
    """The projects' texts, each after its name: 「甲镇：…；乙镇：…。」"""
    parts = [f"{n}：{_clause(getattr(r, attr))}" for r, n in zip(rows, names) if getattr(r, attr)]
    return "；".join(parts) + "。" if parts else None


def _clause(text: str) -> str:
    return str(text).strip().rstrip("。；;.")


def _combine(rows, scored, names, weights, projects, bands) -> Indicator:
    base = rows[0]
    live = [i for i, r in enumerate(rows) if r.applicable]
    common = dict(reason=_joined(rows, names, "reason"), evidence=_joined(rows, names, "evidence"),
                  manual_score=None, row=base.row)
    if not live:
        return replace(base, **common)
    common["applicable"] = True
    rows = [rows[i] for i in live]
    scored = [scored[i] for i in live]
    weights = [weights[i] for i in live]
    names_live = [names[i] for i in live]
    projects = [projects[i] for i in live]
    if base.rule in QUANTITATIVE:
        t = _sum_or_mean([r.target_q or parse_quantity(r.target) for r in rows], weights, rows, projects, "年度指标值")
        a = _sum_or_mean([r.actual_q or parse_quantity(r.actual) for r in rows], weights, rows, projects, "实际完成值")
        return replace(base, target=t.text, actual=a.text, target_q=t, actual_q=a, **common)
    if base.rule == "deduction":
        total = sum((parse_quantity(r.actual).value for r in rows), Fraction(0))
        return replace(base, actual=fmt_threshold(total), **common)
    if base.rule in ("yes_no", "veto", "prerequisite"):
        failed = [n for n, s in zip(names_live, scored) if not s.passed]
        if failed:
            common["reason"] = (common["reason"] or "") + f"未达到的项目：{'、'.join(failed)}。"
        return replace(base, actual="否" if failed else "是", **common)
    # bands and hand scores: the funds-weighted mean of the scores, as a share of the points
    points = Fraction(base.points)
    share = (sum((w * Fraction(s.score) for w, s in zip(weights, scored)), Fraction(0))
             / sum(weights, Fraction(0)) / points) if points else Fraction(0)
    common["manual_score"] = to_decimal(share * points)
    if base.rule == "bands":
        band = next((name for name, (lo, _) in bands.items() if share >= lo), "未达成")
        return replace(base, actual=BAND_WORDING[band], **common)
    common["reason"] = common["reason"] or "各项目手工评分按资金额度加权平均"
    return replace(base, **common)


def _sum_or_mean(qs: list[Quantity | None], weights, rows, projects, column: str) -> Quantity:
    """Absolute values summed, percentages averaged with the weights, exactly; the text in the
    unit the first project wrote (万元 stays 万元)."""
    for q, r, p in zip(qs, rows, projects):
        if q is None:
            raise IndicatorError(f"指标「{r.name}」：{column}未填写，无法汇总", path=p.indicators, row=r.row,
                                 column=column)
    first = qs[0]
    rels = {q.relation for q in qs}
    if len(rels) > 1:
        raise IndicatorError(f"指标「{rows[0].name}」：各项目{column}的比较关系不同（"
                             f"{'、'.join(q.text for q in qs)}），无法汇总", path=projects[0].indicators,
                             row=rows[0].row, column=column)
    values = []
    for q, r, p in zip(qs, rows, projects):
        try:
            values.append(same_unit(q, first)[0])
        except ValueParseError as exc:
            raise IndicatorError(f"指标「{r.name}」：{column}与第一个项目的单位不同，无法汇总：{exc.message}",
                                 path=p.indicators, row=r.row, column=column) from None
    if first.unit == "%":
        value = sum((w * v for w, v in zip(weights, values)), Fraction(0)) / sum(weights, Fraction(0))
        text = fmt_threshold(value, percent=True, max_digits=2)
    else:
        value = sum(values, Fraction(0))
        shown, unit = first.written
        factor = first.value / Fraction(shown) if shown else Fraction(1)
        text = fmt_threshold(value / factor, max_digits=2) + unit
    prefix = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}.get(first.relation, "")
    return Quantity(value, first.unit, first.relation, first.decimals, prefix + text)
