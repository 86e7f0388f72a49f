"""Self-assessment (自评) from an indicator workbook and a method file.

The evaluator keeps the indicator table in Excel, one row per scored indicator (the lowest
level: 三级指标, or 二级指标 where there is no third level), with the columns

    一级指标 | 二级指标 | 三级指标 | 分值 | 指标类型 | 评分方法 | 年度指标值 | 实际完成值 | 得分 |
    偏差原因分析及改进措施 | 佐证材料

(merged cells for the levels are fine: a blank level cell continues the one above). The
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

The 评分方法 column names the rule (Chinese name or English alias), with an optional
parameter after a colon:

=================  ===========  =========================================================
评分方法            alias        score
=================  ===========  =========================================================
比例                pro_rata     points x min(actual / target, 1)
反向比例            lower_better points x min(target / actual, 1)  (lower is better)
三档                bands        达成 80-100% / 部分达成 60-80% / 未达成 0-60% of the points;
                                 实际完成值 names the band, 得分 the evaluator's level in it
                                 (达成 without 得分 scores full)
扣分:N              deduction    points - N x occurrences (实际完成值), not below 0
是否                yes_no       full if 实际完成值 is 是 (达成/完成), else 0
阈值                threshold    full if actual >= target (<= with 阈值:<=), else 0
手工                manual       the 得分 column, which then needs a reason
一票否决            veto         是/否 passed; a failed veto caps the grade at the lowest
前置条件            prerequisite 是/否 met; an unmet prerequisite blocks the rating
=================  ===========  =========================================================

实际完成值 may pull a survey figure instead of a typed number: ``问卷:满意率`` (or
``问卷:overall_satisfied``) takes the share the satisfaction analysis computed, and the
indicator records where it came from.

Totals and grades are decided on unrounded scores; display rounds half up.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import KitError, read_yaml_mapping
from .fmt import fmt_points

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
DEFAULT_GRADES = [{"name": "优", "min": 90.0}, {"name": "良", "min": 80.0},
                  {"name": "中", "min": 60.0}, {"name": "差", "min": 0.0}]

RULES = {"比例": "pro_rata", "按比例": "pro_rata", "pro_rata": "pro_rata",
         "反向比例": "lower_better", "越低越好": "lower_better", "lower_better": "lower_better",
         "三档": "bands", "定性三档": "bands", "bands": "bands",
         "扣分": "deduction", "驾照式扣分": "deduction", "deduction": "deduction",
         "是否": "yes_no", "yes_no": "yes_no",
         "阈值": "threshold", "达标": "threshold", "threshold": "threshold",
         "手工": "manual", "手工评分": "manual", "manual": "manual",
         "一票否决": "veto", "veto": "veto",
         "前置条件": "prerequisite", "prerequisite": "prerequisite"}
RULE_LABEL = {"pro_rata": "按完成比例计分", "lower_better": "按完成比例计分（越低越好）",
              "bands": "定性三档", "deduction": "扣分制", "yes_no": "是否完成", "threshold": "达标计分",
              "manual": "手工评分", "veto": "一票否决", "prerequisite": "前置条件"}
BANDS = {"达成": (0.8, 1.0), "部分达成": (0.6, 0.8), "未达成": (0.0, 0.6)}
YES = {"是", "达成", "完成", "已完成", "通过", "满足", "有", "yes", "y", "true", "1", "√"}
NO = {"否", "未达成", "未完成", "不通过", "未通过", "不满足", "无", "no", "n", "false", "0", "×"}
SURVEY_FIGURES = {"满意率": "overall_satisfied", "总体满意率": "overall_satisfied",
                  "知晓率": "awareness", "政策知晓率": "awareness"}

COLUMNS = {  # field: accepted header texts (after removing spaces and （分）-style suffixes)
    "level1": ["一级指标"], "level2": ["二级指标"], "level3": ["三级指标"],
    "points": ["分值", "权重", "指标分值"], "kind": ["指标类型", "类型"],
    "rule": ["评分方法", "评分标准", "计分方法"], "target": ["年度指标值", "目标值", "指标值"],
    "actual": ["实际完成值", "完成值", "全年实际值"], "score": ["得分", "自评得分"],
    "reason": ["偏差原因分析及改进措施", "偏差原因", "扣分原因", "未完成原因分析"],
    "evidence": ["佐证材料", "佐证", "证明材料", "自评说明"],
}
REQUIRED = ("level1", "points", "rule")


# ------------------------------------------------------------------------------ method.yml
@dataclass
class Method:
    framework: str
    title: str
    total: float
    sections: dict[str, float]
    grades: list[dict]
    path: Path | None = None

    def grade(self, total: float) -> str:
        for g in self.grades:
            if total >= g["min"]:
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
    return Method(framework=framework, title=f["method_title"], total=100.0,
                  sections=dict(f["sections"]), grades=[dict(g) for g in DEFAULT_GRADES])


def load_method(path: str | Path) -> Method:
    """Read and check ``method.yml``; errors name the file and the key."""
    path = Path(path)
    d = read_yaml_mapping(path, IndicatorError, "找不到评价办法文件 method.yml (file not found)")
    allowed = {"framework", "title", "total", "sections", "grades"}
    if set(d) - allowed:
        raise IndicatorError(f"键「{sorted(set(d) - allowed)[0]}」：未知的键 (allowed: "
                             f"{', '.join(sorted(allowed))})", path=path)
    fw = str(d.get("framework", "custom"))
    base = default_method(fw) if fw in FRAMEWORKS else None
    if base is None and fw != "custom":
        raise IndicatorError(f"键「framework」：未知的评价框架「{fw}」(choose one of "
                             f"{', '.join(FRAMEWORKS)} or custom)", path=path)
    sections = d.get("sections", base.sections if base else None)
    if not isinstance(sections, dict) or not sections:
        raise IndicatorError("键「sections」：应为“一级指标: 分值”的映射 (expected a mapping of "
                             "first-level indicators to points)", path=path)
    for k, v in sections.items():
        if not _is_number(v) or float(v) < 0:
            raise IndicatorError(f"键「sections.{k}」：分值应为非负数 (expected a number)", path=path)
    total = d.get("total", 100)
    if not _is_number(total):
        raise IndicatorError("键「total」：应为数字 (expected a number)", path=path)
    grades = d.get("grades", DEFAULT_GRADES)
    if not isinstance(grades, list) or not grades or not all(
            isinstance(g, dict) and g.get("name") and _is_number(g.get("min")) for g in grades):
        raise IndicatorError("键「grades」：应为列表，每项含 name 和 min (expected a list of "
                             "{name, min})", path=path)
    grades = sorted(({"name": str(g["name"]), "min": float(g["min"])} for g in grades),
                    key=lambda g: -g["min"])
    if abs(sum(float(v) for v in sections.values()) - float(total)) > 1e-9:
        raise IndicatorError(f"一级指标分值之和为{fmt_points(sum(float(v) for v in sections.values()))}分，"
                             f"与总分{fmt_points(float(total))}分不符 (sections must add up to total)",
                             path=path, column="sections")
    return Method(framework=fw, title=str(d.get("title", base.title if base else "")),
                  total=float(total), sections={str(k): float(v) for k, v in sections.items()},
                  grades=grades, path=path)


# ------------------------------------------------------------------------------ the table
@dataclass
class Indicator:
    row: int                      # row number in the workbook, as Excel shows it
    level1: str
    level2: str | None
    level3: str | None
    points: float
    kind: str
    level2_points: float | None   # "项目立项（10分）" in the level-2 cell declares 10
    rule: str                     # canonical rule name (RULES values)
    param: str | None
    target: str | None
    actual: str | None
    manual_score: float | None
    reason: str | None
    evidence: str | None
    score: float = math.nan
    explanation: str = ""
    source: str | None = None     # where a pulled value came from
    passed: bool | None = None    # veto / prerequisite outcome

    @property
    def name(self) -> str:
        return self.level3 or self.level2 or self.level1

    @property
    def lost(self) -> float:
        return max(self.points - self.score, 0.0) if not math.isnan(self.score) else math.nan


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
        if last["level1"] is None:
            raise IndicatorError("缺少一级指标 (no level-1 indicator above this row)", path=path,
                                 row=row, column=header[where["level1"]])
        points = _number(cell.get("points"))
        if points is None or points < 0:
            raise IndicatorError(f"「{cell.get('points') or ''}」不是有效的分值 (expected points "
                                 "as a number)", path=path, row=row, column=header[where["points"]])
        rule_text = cell.get("rule") or ""
        name, _, param = re.split(r"([:：])", rule_text, maxsplit=1) if re.search(r"[:：]", rule_text) \
            else (rule_text, "", "")
        rule = RULES.get(name.strip())
        if rule is None:
            raise IndicatorError(f"评分方法「{rule_text}」无法识别 (unknown scoring rule; use one of "
                                 f"比例、反向比例、三档、扣分:N、是否、阈值、手工、一票否决、前置条件)",
                                 path=path, row=row, column=header[where["rule"]])
        manual = cell.get("score")
        out.append(Indicator(
            row=row, level1=last["level1"], level2=_strip_points(level2), level3=cell.get("level3"),
            points=points, kind=cell.get("kind") or "", level2_points=_declared_points(level2),
            rule=rule, param=param.strip() or None, target=cell.get("target"),
            actual=cell.get("actual"), manual_score=_number(manual) if manual else None,
            reason=cell.get("reason"), evidence=cell.get("evidence")))
        if manual and out[-1].manual_score is None:
            raise IndicatorError(f"得分「{manual}」不是数字 (expected a number)", path=path,
                                 row=row, column=header[where["score"]])
    if not out:
        raise IndicatorError("指标表中没有指标行 (no indicator rows)", path=path)
    return out


# ------------------------------------------------------------------------------ scoring
@dataclass
class Assessment:
    method: Method
    indicators: list[Indicator]
    total: float
    grade: str | None
    sections: list[dict]
    vetoed: list[Indicator] = field(default_factory=list)
    blocked: list[Indicator] = field(default_factory=list)
    source: Path | None = None

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
           source: str | Path | None = None) -> Assessment:
    """Score every indicator, check the table against the method, total and grade it.

    ``survey`` maps survey figure names (``overall_satisfied``, ``awareness``) to
    ``(share, source text)``, for indicators whose 实际完成值 reads ``问卷:满意率``.
    """
    survey = survey or {}
    for ind in indicators:
        _score(ind, survey, source)
    _check(indicators, method, source)
    total = sum(i.score for i in indicators)
    vetoed = [i for i in indicators if i.rule == "veto" and i.passed is False]
    blocked = [i for i in indicators if i.rule == "prerequisite" and i.passed is False]
    grade = None if blocked else (method.lowest_grade if vetoed else method.grade(total))
    sections = []
    for name, pts in method.sections.items():
        inds = [i for i in indicators if i.level1 == name]
        subs = []
        for l2 in dict.fromkeys(i.level2 for i in inds if i.level2):
            sub = [i for i in inds if i.level2 == l2]
            subs.append({"name": l2, "points": sum(i.points for i in sub),
                         "score": sum(i.score for i in sub), "indicators": sub})
        sections.append({"name": name, "points": pts, "score": sum(i.score for i in inds),
                         "subsections": subs, "indicators": inds})
    return Assessment(method=method, indicators=indicators, total=total, grade=grade,
                      sections=sections, vetoed=vetoed, blocked=blocked,
                      source=Path(source) if source else None)


def _fail(ind: Indicator, source, msg: str, column: str) -> IndicatorError:
    return IndicatorError(f"指标「{ind.name}」：{msg}", path=source, row=ind.row, column=column)


def _score(ind: Indicator, survey: dict, source) -> None:
    from .fmt import fmt_number

    actual_text = ind.actual
    if actual_text and re.match(r"^(问卷|survey)[:：]", actual_text):
        key = re.split(r"[:：]", actual_text, maxsplit=1)[1].strip()
        key = SURVEY_FIGURES.get(key, key)
        if key not in survey:
            raise _fail(ind, source, f"实际完成值「{actual_text}」要取问卷结果，但本项目没有算出"
                        f"「{key}」(no such survey figure; have: {', '.join(survey) or 'none'})",
                        "实际完成值")
        value, src = survey[key]
        ind.source = src
        actual_text = f"{float(value) * 100:.10g}%"
        ind.actual = _pct_text(value)
    p, r = ind.points, ind.rule
    if r in ("pro_rata", "lower_better", "threshold"):
        t, a = _number(ind.target), _number(actual_text)
        if t is None:
            raise _fail(ind, source, f"年度指标值「{ind.target or ''}」应为数字 (expected a number)",
                        "年度指标值")
        if a is None:
            raise _fail(ind, source, f"实际完成值「{ind.actual or ''}」应为数字 (expected a number)",
                        "实际完成值")
        if r == "threshold":
            lower = bool(ind.param and ind.param.strip().startswith(("<", "≤")))
            ok = a <= t if lower else a >= t
            ind.score = p if ok else 0.0
            ind.explanation = (f"实际完成值{ind.actual}{'达到' if ok else '未达到'}指标值{ind.target}"
                               f"（{'不高于' if lower else '不低于'}），"
                               + ("得满分" if ok else "不得分"))
        else:
            if r == "pro_rata":
                ratio = 1.0 if t == 0 else a / t
            else:
                ratio = 1.0 if a <= t else (t / a if a else 0.0)
            ratio = max(0.0, min(ratio, 1.0))
            ind.score = p * ratio
            ind.explanation = ("完成年度指标值，得满分" if ratio >= 1 else
                               f"完成指标值的{fmt_number(ratio * 100, 1)}%，按比例得"
                               f"{fmt_number(ind.score, 2)}分")
    elif r == "bands":
        band = (actual_text or "").strip()
        if band not in BANDS:
            raise _fail(ind, source, f"实际完成值「{band}」应为 达成、部分达成 或 未达成 (expected a "
                        "band)", "实际完成值")
        lo, hi = BANDS[band]
        if ind.manual_score is None:
            if band != "达成":
                raise _fail(ind, source, f"{band}时须在「得分」列填写档内得分（{fmt_points(lo * p)}–{fmt_points(hi * p)}分）"
                            "(a score within the band is required)", "得分")
            ind.score = p
        else:
            s = ind.manual_score
            if not (lo * p - 1e-9 <= s <= hi * p + 1e-9):
                raise _fail(ind, source, f"{band}的得分应在{fmt_points(lo * p)}–{fmt_points(hi * p)}分之间，实为{fmt_points(s)}分 "
                            "(score outside its band)", "得分")
            ind.score = s
        ind.explanation = f"{band}（该档为分值的{int(lo * 100)}%–{int(hi * 100)}%）"
    elif r == "deduction":
        per = _number(ind.param) if ind.param else None
        if per is None or per <= 0:
            raise _fail(ind, source, "扣分制须写明每次扣分，如「扣分:2」(write the points per "
                        "occurrence)", "评分方法")
        n = _number(actual_text) if actual_text else 0.0
        if n is None or n < 0 or n != int(n):
            raise _fail(ind, source, f"实际完成值「{ind.actual}」应为发生次数（非负整数）(expected a "
                        "count)", "实际完成值")
        ind.score = max(p - per * n, 0.0)
        ind.explanation = ("未发现扣分情形，得满分" if n == 0 else
                           f"发生{int(n)}次，每次扣{fmt_points(per)}分，共扣{fmt_points(min(per * n, p))}分")
    elif r in ("yes_no", "veto", "prerequisite"):
        ok = _yes(actual_text)
        if ok is None:
            raise _fail(ind, source, f"实际完成值「{ind.actual or ''}」应为 是 或 否 (expected yes "
                        "or no)", "实际完成值")
        ind.passed = ok
        ind.score = p if ok else 0.0
        what = {"yes_no": ("已完成", "未完成"), "veto": ("通过", "未通过，一票否决"),
                "prerequisite": ("满足", "未满足，不予评级")}[r]
        ind.explanation = what[0] if ok else what[1]
    elif r == "manual":
        if ind.manual_score is None:
            raise _fail(ind, source, "手工评分须在「得分」列填写得分 (a manual score is required)", "得分")
        if not ind.reason:
            raise _fail(ind, source, "手工评分须在「偏差原因分析及改进措施」列说明理由 (a manual "
                        "score needs a reason)", "偏差原因分析及改进措施")
        ind.score = ind.manual_score
        ind.explanation = "手工评分"
    if not (0 <= ind.score <= p + 1e-9):
        raise _fail(ind, source, f"得分{fmt_points(ind.score)}超出分值{fmt_points(p)}分的范围 (score outside 0..points)",
                    "得分")
    if ind.manual_score is not None and r not in ("manual", "bands") and \
            abs(ind.manual_score - ind.score) > 1e-9:
        raise _fail(ind, source, f"「得分」列填写{fmt_points(ind.manual_score)}分，但按{RULE_LABEL[r]}应得"
                    f"{fmt_points(ind.score)}分；如需手工评分，请把评分方法改为「手工」并说明理由", "得分")


def _check(indicators: list[Indicator], method: Method, source) -> None:
    names = set(method.sections)
    for ind in indicators:
        if ind.level1 not in names:
            raise IndicatorError(f"一级指标「{ind.level1}」不在评价办法中 (not a section of the "
                                 f"method: {'、'.join(method.sections)})", path=source, row=ind.row,
                                 column="一级指标")
    for name, pts in method.sections.items():
        got = sum(i.points for i in indicators if i.level1 == name)
        if abs(got - pts) > 1e-9:
            first = next((i.row for i in indicators if i.level1 == name), None)
            raise IndicatorError(f"一级指标「{name}」下各指标分值之和为{fmt_points(got)}分，评价办法规定为"
                                 f"{fmt_points(pts)}分 (children's points must add up to the parent)",
                                 path=source, row=first, column="分值")
    for level2 in dict.fromkeys((i.level1, i.level2) for i in indicators if i.level2):
        declared = next(i.level2_points for i in indicators if (i.level1, i.level2) == level2)
        if declared is not None:
            got = sum(i.points for i in indicators if (i.level1, i.level2) == level2)
            if abs(got - declared) > 1e-9:
                first = next(i.row for i in indicators if (i.level1, i.level2) == level2)
                raise IndicatorError(f"二级指标「{level2[1]}」标明{fmt_points(declared)}分，其下各指标分值之和为"
                                     f"{fmt_points(got)}分 (children's points must add up to the parent)",
                                     path=source, row=first, column="分值")
    for ind in indicators:
        if ind.lost > 1e-9 and not ind.reason:
            raise IndicatorError(f"指标「{ind.name}」扣{fmt_points(ind.lost)}分，须填写偏差原因分析及改进措施 "
                                 "(every lost point needs a reason)", path=source, row=ind.row,
                                 column="偏差原因分析及改进措施")


# ------------------------------------------------------------------------------ helpers
def _text(v) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, float) and v == int(v):
        v = int(v)
    s = str(v).strip()
    return s or None


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _number(text) -> float | None:
    """A number from a cell as evaluators write it: 98%, 800万元, 1,200, ≥7万元, 0.98, 1500人次.

    A unit after the number is allowed (万/亿 multiply); percentages become fractions. Both
    sides of a ratio are read the same way, so 92万元 / 100万元 is 0.92.
    """
    if text is None:
        return None
    if _is_number(text):
        return float(text)
    s = str(text).strip().replace(",", "").replace("，", "")
    s = re.sub(r"^[≥≤><=]+", "", s)
    m = re.fullmatch(r"([-+]?\d+(?:\.\d+)?)\s*([%％‰]|[\u4e00-\u9fa5A-Za-z/·]+)?", s)
    if not m:
        return None
    v = float(m.group(1))
    unit = m.group(2) or ""
    if unit in ("%", "％"):
        v /= 100
    elif unit == "‰":
        v /= 1000
    elif unit.startswith("万"):      # 万元, 万人, 万亩
        v *= 1e4
    elif unit.startswith("亿"):
        v *= 1e8
    return v


def _yes(text) -> bool | None:
    if text is None:
        return None
    s = str(text).strip().lower()
    if s in YES:
        return True
    if s in NO:
        return False
    return None


_POINTS_SUFFIX = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[）)]\s*$")


def _declared_points(level_text: str | None) -> float | None:
    m = _POINTS_SUFFIX.search(level_text or "")
    return float(m.group(1)) if m else None


def _strip_points(level_text: str | None) -> str | None:
    return _POINTS_SUFFIX.sub("", level_text).strip() if level_text else level_text


def _pct_text(share: float) -> str:
    from .fmt import fmt_percent

    return fmt_percent(share, 1)
