"""Self-assessment scoring rules on hand-computed cases, and every bad-workbook error."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import Workbook

from kit.indicators import (IndicatorError, assess, default_method, load_method, read_indicators)

HEADER = ["一级指标", "二级指标", "三级指标", "分值", "指标类型", "评分方法", "年度指标值", "实际完成值",
          "得分", "偏差原因分析及改进措施", "佐证材料"]


def _book(tmp_path, rows, header=HEADER, name="指标.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(list(r))
    path = tmp_path / name
    wb.save(path)
    return path


def _method(tmp_path, sections, grades=None, total=None):
    import yaml

    d = {"framework": "custom", "title": "测试办法", "total": total or sum(sections.values()),
         "sections": sections}
    if grades:
        d["grades"] = grades
    p = tmp_path / "method.yml"
    p.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    return load_method(p)


def _one(tmp_path, rule, target, actual, points=10, score=None, reason=None, survey=None):
    path = _book(tmp_path, [("产出", None, "指标", points, "定量", rule, target, actual, score, reason, None)])
    a = assess(read_indicators(path), _method(tmp_path, {"产出": points}), survey=survey, source=path)
    return a.indicators[0]


# ---------------------------------------------------------------- rules, by hand
@pytest.mark.parametrize("rule,target,actual,points,expected", [
    ("比例", "100%", "100%", 10, 10),             # target met: full marks
    ("比例", "80个", "60个", 10, 7.5),              # 60/80 of 10
    ("比例", "800万元", "900万元", 10, 10),         # over-achievement capped at the points
    ("反向比例", "5天", "8天", 8, 5),                # lower is better: 5/8 of 8
    ("反向比例", "5天", "4天", 8, 8),
    ("阈值", "98%", "98%", 10, 10),                # >= target: full
    ("阈值", "98%", "97.9%", 10, 0),
    ("阈值:<=", "3%", "2.5%", 6, 6),               # <= for "at most" targets
    ("扣分:2", "0次", "3", 10, 4),                  # 10 - 3 x 2
    ("扣分:4", "0次", "5", 10, 0),                  # never below 0
    ("是否", "是", "是", 5, 5),
    ("是否", "是", "否", 5, 0),
    ("三档", "达成", "达成", 10, 10),                # 达成 without a score: full
])
def test_rules(tmp_path, rule, target, actual, points, expected):
    reason = "原因" if expected < points else None
    ind = _one(tmp_path, rule, target, actual, points=points, reason=reason)
    assert ind.score == pytest.approx(expected)


def test_bands_use_the_evaluators_level_within_the_band(tmp_path):
    ind = _one(tmp_path, "三档", "完成", "部分达成", points=10, score=7, reason="进度滞后")
    assert ind.score == 7
    with pytest.raises(IndicatorError, match="6–8分"):          # 部分达成 is 60-80%
        _one(tmp_path, "三档", "完成", "部分达成", points=10, score=9, reason="x")
    with pytest.raises(IndicatorError, match="档内得分"):
        _one(tmp_path, "三档", "完成", "未达成", points=10, reason="x")


def test_manual_score_needs_a_reason(tmp_path):
    assert _one(tmp_path, "手工", None, None, score=8.5, reason="专家评议").score == 8.5
    with pytest.raises(IndicatorError, match="理由"):
        _one(tmp_path, "手工", None, None, score=8.5)


def test_survey_value_is_pulled_with_its_source(tmp_path):
    ind = _one(tmp_path, "阈值", "98%", "问卷:满意率",
               survey={"overall_satisfied": (405 / 412, "电话回访，有效答卷412份")})
    assert ind.score == 10 and ind.actual == "98.3%" and ind.source == "电话回访，有效答卷412份"
    # 0.97996 displays as 98.0% but is below 98%: the unrounded value decides
    ind = _one(tmp_path, "阈值", "98%", "问卷:满意率", survey={"overall_satisfied": (0.97996, "s")},
               reason="未达标")
    assert ind.score == 0
    with pytest.raises(IndicatorError, match="没有算出"):
        _one(tmp_path, "阈值", "98%", "问卷:满意率")


def test_typed_score_must_agree_with_the_rule(tmp_path):
    with pytest.raises(IndicatorError, match="手工"):
        _one(tmp_path, "比例", "100%", "100%", score=9)


# ---------------------------------------------------------------- totals, grades, veto
def test_grades_decided_on_the_exact_total(tmp_path):
    rows = [("产出", None, "甲", 50, "定量", "比例", "100", "100", None, None, None),
            ("效益", None, "乙", 50, "定量", "比例", "1000", "799", None, "未完成", None)]
    a = assess(read_indicators(_book(tmp_path, rows)), _method(tmp_path, {"产出": 50, "效益": 50}))
    # 50 + 50 x 799/1000 = 89.95 exactly: shown as 90.0 when rounded to one place, but the grade is 良
    assert a.total == Decimal("89.95") and a.grade == "良"


def test_custom_grade_names(tmp_path):
    m = _method(tmp_path, {"产出": 100}, grades=[{"name": "好", "min": 85}, {"name": "较好", "min": 70},
                                                 {"name": "一般", "min": 60}, {"name": "差", "min": 0}])
    assert [m.grade(x) for x in (85, 84.99, 60, 12)] == ["好", "较好", "一般", "差"]


def test_failed_veto_caps_the_grade(tmp_path):
    rows = [("产出", None, "甲", 100, "定量", "比例", "100", "100", None, None, None),
            ("产出", None, "安全生产", 0, "定性", "一票否决", "是", "否", None, "发生安全事故", None)]
    a = assess(read_indicators(_book(tmp_path, rows)), _method(tmp_path, {"产出": 100}))
    assert a.total == 100 and a.grade == "差" and "一票否决" in a.grade_note


def test_unmet_prerequisite_blocks_the_rating(tmp_path):
    rows = [("产出", None, "甲", 100, "定量", "比例", "100", "100", None, None, None),
            ("产出", None, "按时报送自评材料", 0, "定性", "前置条件", "是", "否", None, "逾期未报", None)]
    a = assess(read_indicators(_book(tmp_path, rows)), _method(tmp_path, {"产出": 100}))
    assert a.grade is None and "不予评级" in a.grade_note


def test_frameworks():
    assert default_method("2020-self").sections == {"预算执行率": 10, "产出": 50, "效益": 30,
                                                   "服务对象满意度": 10}
    assert list(default_method("2013").sections) == ["投入", "过程", "产出", "效果"]
    assert list(default_method("2020").sections) == ["决策", "过程", "产出", "效益"]
    with pytest.raises(IndicatorError, match="未知的评价框架"):
        default_method("2099")


# ---------------------------------------------------------------- bad workbooks
def _err(tmp_path, rows, sections=None, header=HEADER):
    path = _book(tmp_path, rows, header=header)
    with pytest.raises(IndicatorError) as e:
        assess(read_indicators(path), _method(tmp_path, sections or {"产出": 10}), source=path)
    return str(e.value)


def test_error_children_do_not_add_up(tmp_path):
    msg = _err(tmp_path, [("产出", None, "甲", 8, "定量", "比例", "1", "1", None, None, None)])
    assert "指标.xlsx" in msg and "第2行" in msg and "分值之和为8分" in msg


def test_error_level2_declared_points(tmp_path):
    msg = _err(tmp_path, [("产出", "数量（6分）", "甲", 5, "定量", "比例", "1", "1", None, None, None),
                          (None, None, "乙", 5, "定量", "比例", "1", "1", None, None, None)])
    assert "数量" in msg and "标明6分" in msg and "第2行" in msg


def test_error_lost_points_without_reason(tmp_path):
    msg = _err(tmp_path, [("产出", None, "甲", 10, "定量", "比例", "100", "50", None, None, None)])
    assert "第2行" in msg and "偏差原因" in msg and "扣5分" in msg


def test_error_non_numeric_actual(tmp_path):
    msg = _err(tmp_path, [("产出", None, "甲", 10, "定量", "比例", "100", "很多", None, None, None)])
    assert "第2行" in msg and "列「实际完成值」" in msg and "很多" in msg


def test_error_missing_target(tmp_path):
    msg = _err(tmp_path, [("产出", None, "甲", 10, "定量", "阈值", None, "5", None, None, None)])
    assert "列「年度指标值」" in msg


def test_error_unknown_rule_and_points(tmp_path):
    assert "无法识别" in _err(tmp_path, [("产出", None, "甲", 10, "定量", "目测", "1", "1", None, None, None)])
    assert "有效的分值" in _err(tmp_path, [("产出", None, "甲", "十", "定量", "比例", "1", "1", None, None, None)])


def test_error_section_not_in_method(tmp_path):
    msg = _err(tmp_path, [("投入", None, "甲", 10, "定量", "比例", "1", "1", None, None, None)])
    assert "「投入」不在评价办法中" in msg


def test_error_missing_columns(tmp_path):
    msg = _err(tmp_path, [("产出", 10)], header=["一级指标", "分值"])
    assert "缺少列「评分方法」" in msg


def test_error_deduction_without_points(tmp_path):
    assert "扣分:2" in _err(tmp_path, [("产出", None, "甲", 10, "定量", "扣分", "0", "1", None, "x", None)])


def test_method_errors(tmp_path):
    p = tmp_path / "method.yml"
    p.write_text("sections: {产出: 40, 效益: 50}\ntotal: 100\n", encoding="utf-8")
    with pytest.raises(IndicatorError, match="与总分100分不符"):
        load_method(p)
    p.write_text("framework: custom\nsections: {产出: 100}\ngrades: [{name: 优}]\n", encoding="utf-8")
    with pytest.raises(IndicatorError, match="grades"):
        load_method(p)
    p.write_text("sections: {产出: 100}\ncolour: red\n", encoding="utf-8")
    with pytest.raises(IndicatorError, match="colour"):
        load_method(p)


# ---------------------------------------------------------------- the county sample
def test_county_sample_reproduces_the_published_scores():
    # ../shared/domain.md, system 1: 投入 15/15 (项目立项 10/10, 资金落实 5/5), 过程 25/23
    # (项目管理 15/15, 财务管理 10/8), 产出 30/30, 效果 30/30, total 98, grade 优秀
    from kit.paths import ROOT

    root = ROOT / "surveys" / "poverty-alleviation"
    a = assess(read_indicators(root / "indicators.xlsx"), load_method(root / "method.yml"),
               survey={"overall_satisfied": (405 / 412, "电话回访"), "awareness": (406 / 412, "电话回访")})
    got = {s["name"]: (s["points"], s["score"]) for s in a.sections}
    assert got == {"投入": (15, 15), "过程": (25, 23), "产出": (30, 30), "效果": (30, 30)}
    subs = {x["name"]: (x["points"], x["score"]) for s in a.sections for x in s["subsections"]}
    assert subs == {"项目立项": (10, 10), "资金落实": (5, 5), "项目管理": (15, 15), "财务管理": (10, 8)}
    assert (a.total, a.grade) == (98, "优秀")
