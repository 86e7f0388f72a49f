"""Issue 16 §2: rows scored the way official tables write them.

The conventions printed on local forms (../shared/reference/official-forms.md, A): the direction
in the target cell (≥ higher is better, ≤ lower is better, = exact) or in a 指标性质 column; a
lower-is-better indicator scores 指标值 ÷ 实际值 × 分值, capped at the points; qualitative results
written 达成预期指标 / 部分达成预期指标 / 未达成预期指标 in bands of the points (nationally 80–100 /
60–80 / 0–60; one district 100–80 / 80–50 / 50–0); 「对于不适用部分评价对象的评价指标，不考核该指标，
用适用指标得分汇总后按百分制折算计分」; a roll-up 「绝对值直接累加计算，相对值按照资金额度加权平均计算」;
the budget row 10 × 执行率, capped at 10.

Every expected score is computed by hand and written as a fraction in the test; the shown score
is that fraction rounded half up to two places once.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
import yaml

import kit
from kit.errors import KitError
from kit.fmt import quantize_half_up
from kit.indicators import IndicatorError, assess, load_method, read_indicators
from kit.selfassessment import assess_project, write_indicator_workbook

OFFICIAL = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "分值", "评分方法",
            "得分", "未完成原因分析"]
PLAIN = ["一级指标", "二级指标", "三级指标", "分值", "评分方法", "年度指标值", "实际完成值", "得分",
         "偏差原因分析及改进措施"]


def shown(x: Fraction) -> Decimal:
    return quantize_half_up(x, 2)


def _method(tmp_path, sections: dict, **extra) -> kit.indicators.Method:
    d = {"framework": "custom", "title": "测试办法", "total": sum(sections.values()), "sections": sections,
         **extra}
    p = tmp_path / "method.yml"
    p.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    return load_method(p)


def _table(tmp_path, rows, header=PLAIN, name="指标.xlsx"):
    path = write_indicator_workbook(tmp_path / name, {"指标": rows}, merge_levels=False, header=header)
    return read_indicators(path), path


def _score(tmp_path, rows, header=PLAIN, sections=None, **method):
    inds, path = _table(tmp_path, rows, header)
    sections = sections or {"产出": sum(r[header.index("分值")] for r in rows)}
    return assess(inds, _method(tmp_path, sections, **method), source=path)


def _one(tmp_path, target, actual, rule=None, points=10, score=None, reason="原因"):
    a = _score(tmp_path, [("产出", None, "指标", points, rule, target, actual, score, reason)])
    return a.indicators[0]


# ------------------------------------------------------------------ directions
def test_lower_is_better_written_in_the_target_cell(tmp_path):
    # the case: ≤90万元 against 80万元 is met (80 ≤ 90): full 10, not 10 x 80/90
    assert _one(tmp_path, "≤90万元", "80万元").score == 10
    # over the ceiling: 指标值 ÷ 实际值 × 分值 = 90/100 x 10 = 9
    ind = _one(tmp_path, "≤90万元", "100万元")
    assert ind.exact_score == Fraction(90, 100) * 10 and ind.score == Decimal("9.00")
    assert ind.rule == "lower_better" and ind.relation == "<=" and not ind.rule_given
    # 90/97 x 10 = 900/97 = 9.278.. -> 9.28
    assert _one(tmp_path, "≤90天", "97天").exact_score == Fraction(900, 97)
    assert _one(tmp_path, "≤90天", "97天").score == shown(Fraction(900, 97)) == Decimal("9.28")


def test_higher_is_better_and_exact_targets(tmp_path):
    # ≥50个 against 40个: 10 x 40/50 = 8
    assert _one(tmp_path, "≥50个", "40个").exact_score == Fraction(8)
    # a target without a direction is higher-is-better (national rule): 10 x 1380/1500 = 46/5
    assert _one(tmp_path, "1500人次", "1380人次").exact_score == Fraction(46, 5)
    # = 100% against 95%: 10 x 95/100 = 19/2
    assert _one(tmp_path, "=100%", "95%").exact_score == Fraction(19, 2)
    # = 100% against 105% (over an exact target): 10 x 100/105 = 200/21 = 9.5238.. -> 9.52
    ind = _one(tmp_path, "=100%", "105%")
    assert ind.rule == "exact" and ind.exact_score == Fraction(200, 21) and ind.score == Decimal("9.52")
    assert _one(tmp_path, "=12个", "12个").score == 10


def test_direction_in_a_nature_column_with_value_and_unit_apart(tmp_path):
    # the Sichuan form's columns: 指标性质 ≤, 指标值 90, 度量单位 万元, 完成值 100: 50 x 90/100 = 45
    rows = [("产出", "成本指标", "建设成本", "≤", 90, "万元", 100, 50, None, None, "钢材涨价"),
            ("产出", "数量指标", "项目个数", "≥", 12, "个", 11, 30, None, None, "1个未立项"),
            ("产出", "质量指标", "验收合格率", "=", 100, "%", 97, 20, None, None, "1个复验")]
    a = _score(tmp_path, rows, OFFICIAL)
    got = {i.name: i.exact_score for i in a.indicators}
    assert got == {"建设成本": Fraction(45), "项目个数": Fraction(30 * 11, 12), "验收合格率": Fraction(20 * 97, 100)}
    assert a.total == Decimal("45") + shown(Fraction(55, 2)) + shown(Fraction(97, 5))   # 45 + 27.5 + 19.4
    by = {i.name: i for i in a.indicators}
    assert by["建设成本"].target == "90万元" and by["建设成本"].actual == "100万元"


@pytest.mark.parametrize("rule,nature,target", [
    ("比例", None, "≤90万元"),      # the issue: ≤ under 比例 scored 44.44 of 50 silently; now an error
    ("反向比例", None, "≥50个"),
    ("等于", None, "≥50个"),
    ("比例", "≤", "90万元"),        # the direction in 指标性质 contradicts the rule
    ("反向比例", "≥", "50个"),
    (None, "≥", "≤90万元"),         # 指标性质 and the target cell disagree
])
def test_a_direction_that_contradicts_the_rule_is_an_error(tmp_path, rule, nature, target):
    header = ["一级指标", "三级指标", "指标性质", "分值", "评分方法", "年度指标值", "实际完成值", "偏差原因分析及改进措施"]
    with pytest.raises(IndicatorError) as e:
        _score(tmp_path, [("产出", "指标", nature, 50, rule, target, "80万元" if "万元" in target else "40个", "x")],
               header)
    msg = str(e.value)
    assert "第2行" in msg and "相" in msg and ("评分方法" in msg or "指标性质" in msg)


# ------------------------------------------------------------------ qualitative wording and bands
def test_printed_qualitative_wording_is_read(tmp_path):
    # national bands: 达成 80-100%, 部分达成 60-80%, 未达成 0-60% of the points
    assert _one(tmp_path, "全面规范", "达成预期指标").score == 10               # 达成 without a score: full
    ind = _one(tmp_path, "全面规范", "部分达成预期指标", score=7)
    assert (ind.rule, ind.band, ind.exact_score) == ("bands", "部分达成", Fraction(7))
    assert _one(tmp_path, "全面规范", "未达成预期指标", score=3).exact_score == Fraction(3)
    assert _one(tmp_path, "全面规范", "达成年度指标", score=8.5).exact_score == Fraction(17, 2)
    with pytest.raises(IndicatorError, match="部分达成的得分应在6–8分之间"):
        _one(tmp_path, "全面规范", "部分达成预期指标", score=8.5)
    with pytest.raises(IndicatorError, match="达成预期指标"):
        _one(tmp_path, "全面规范", "基本达成")


def test_local_band_cut_points_from_method_yml(tmp_path):
    district = {"bands": {"达成": [80, 100], "部分达成": [50, 80], "未达成": [0, 50]}}
    row = ("产出", None, "规范运行", 10, None, "规范", "部分达成预期指标", 5, "原因")
    # 5 of 10 = 50%: inside this district's 部分达成 (50-80%), outside the national one (60-80%)
    assert _score(tmp_path, [row], **district).indicators[0].exact_score == Fraction(5)
    with pytest.raises(IndicatorError, match="部分达成的得分应在6–8分之间"):
        _score(tmp_path, [row])
    low = ("产出", None, "规范运行", 10, None, "规范", "未达成预期指标", 5.5, "原因")
    with pytest.raises(IndicatorError, match="未达成的得分应在0–5分之间"):
        _score(tmp_path, [low], **district)


@pytest.mark.parametrize("bands,key", [
    ({"达成": [80, 100], "部分达成": [60, 80]}, "bands"),                           # a band missing
    ({"达成": [80, 100], "部分达成": [50, 70], "未达成": [0, 50]}, "bands.部分达成"),  # a gap at 70-80
    ({"达成": [80, 90], "部分达成": [60, 80], "未达成": [0, 60]}, "bands.达成"),       # not up to 100
    ({"达成": [80, 100], "部分达成": [60, 80], "未达成": [10, 60]}, "bands.未达成"),   # not down to 0
    ({"达成": [100, 80], "部分达成": [60, 80], "未达成": [0, 60]}, "bands.达成"),      # reversed
])
def test_band_cut_points_are_checked(tmp_path, bands, key):
    with pytest.raises(KitError) as e:
        _method(tmp_path, {"产出": 10}, bands=bands)
    assert f"键「{key}」" in str(e.value)


# ------------------------------------------------------------------ 不适用
def test_not_applicable_indicators_are_excluded_and_the_total_rescaled(tmp_path):
    rows = [("产出", None, "甲", 10, "比例", "10个", "9个", None, "差1个"),       # 10 x 9/10 = 9
            ("产出", None, "乙", 20, "比例", "100%", "不适用", None, "本年不涉及"),  # excluded
            ("效益", None, "丙", 70, "比例", "100人", "90人", None, "差10人")]    # 70 x 90/100 = 63
    a = _score(tmp_path, rows, sections={"产出": 30, "效益": 70},
               grades=[{"name": "优", "min": 90}, {"name": "良", "min": 0}])
    na = a.indicators[1]
    assert not na.applicable and na.lost == 0 and na.explanation.startswith("不适用")
    # (9 + 63) / (10 + 70) x 100 = 72/80 x 100 = 90 exactly: 优 (the raw 72 would be 良)
    assert (a.raw_total, a.applicable_points) == (72, 80)
    assert a.total == Fraction(72, 80) * 100 == 90 and a.grade == "优"
    assert "「乙」不适用" in a.rescale_note and "72÷80×100=90分" in a.rescale_note


def test_rescaled_total_is_rounded_half_up_once(tmp_path):
    rows = [("产出", None, "甲", 30, "比例", "3个", "2个", None, "差1个"),         # 30 x 2/3 = 20
            ("产出", None, "乙", 30, None, "是", "不适用", None, None),
            ("产出", None, "丙", 40, "比例", "10个", "10个", None, None)]         # 40
    a = _score(tmp_path, rows)
    # (20 + 40) / 70 x 100 = 6000/70 = 600/7 = 85.714.. -> 85.71
    assert a.total == shown(Fraction(600, 7)) == Decimal("85.71")
    assert "（四舍五入保留两位小数）" in a.rescale_note


def test_not_applicable_marked_in_the_score_or_nature_column(tmp_path):
    rows = [("产出", "生态效益指标", "人居环境", "不适用", None, None, None, 5, None, None, "不涉及"),
            ("产出", "社会效益指标", "就业", "≥", 100, "人", 80, 90, None, None, "差20人"),   # 90 x 80/100 = 72
            ("产出", "社会效益指标", "培训", "≥", 10, "期", 10, 5, None, "不适用", "停办")]   # 得分 不适用
    a = _score(tmp_path, rows, OFFICIAL)
    assert [i.applicable for i in a.indicators] == [False, True, False]
    assert a.total == Fraction(72, 90) * 100 == 80     # total 100: 72 of the 90 applicable points


# ------------------------------------------------------------------ the budget row
def _funding_project(tmp_path, funding: dict, rows, sections=None, name="p"):
    root = tmp_path / name
    root.mkdir()
    write_indicator_workbook(root / "indicators.xlsx", {"指标": rows}, merge_levels=False, header=PLAIN)
    sections = sections or {"预算执行率": 10, "产出": 90}
    (root / "method.yml").write_text(yaml.safe_dump(
        {"framework": "custom", "title": "办法", "total": 100, "sections": sections, "layout": "national-2020"},
        allow_unicode=True, sort_keys=False), encoding="utf-8")
    (root / "project.yml").write_text(yaml.safe_dump(
        {"title": "测试项目", "indicators": "indicators.xlsx", "method": "method.yml", "notebooks": ["03_self_assessment"],
         "funding": funding}, allow_unicode=True), encoding="utf-8")
    return kit.load_project(root)


OUTPUT = [("产出", None, "甲", 90, "比例", "10个", "10个", None, None)]


def test_budget_execution_scored_from_funding(tmp_path):
    f = {"sources": {"当年财政拨款": {"initial": 90, "budget": 90, "spent": 84},
                     "上年结转资金": {"initial": 10, "budget": "100000元", "spent": "8万元"}},
         "reason": "结转下年"}
    a = assess_project(_funding_project(tmp_path, f, OUTPUT))
    b = a.budget
    # 全年执行数 84 + 8 = 92 of 全年预算数 90 + 10 = 100 万元: 10 x 92/100 = 46/5
    assert b.exact_score == Fraction(46, 5) and b.score == Decimal("9.20")
    assert a.funding.total.spent == 920_000 and a.funding.total.budget == 1_000_000   # in 元, exactly
    assert {x["name"]: x["score"] for x in a.sections}["预算执行率"] == Decimal("9.20")
    assert a.total == Decimal("99.20")


def test_budget_execution_is_exact_and_capped(tmp_path):
    f = {"sources": {"当年财政拨款": {"budget": 97.1, "spent": 93.7}}, "reason": "结转"}
    b = assess_project(_funding_project(tmp_path, f, OUTPUT)).budget
    # 10 x 93.7/97.1 = 9370/971 = 9.6498.. -> 9.65 (not the float 9.649845..)
    assert b.exact_score == Fraction(9370, 971) and b.score == Decimal("9.65")
    over = {"sources": {"当年财政拨款": {"budget": 100, "spent": 105}}}
    assert assess_project(_funding_project(tmp_path, over, OUTPUT, name="q")).budget.score == 10   # capped


def test_a_budget_row_beside_funding_is_an_error(tmp_path):
    rows = [("预算执行率", None, "预算执行率", 10, "比例", "100万元", "92万元", None, "结转")] + OUTPUT
    proj = _funding_project(tmp_path, {"sources": {"当年财政拨款": {"budget": 100, "spent": 92}}, "reason": "x"}, rows)
    with pytest.raises(IndicatorError) as e:
        assess_project(proj)
    msg = str(e.value)
    assert "第2行" in msg and "funding" in msg and "预算执行率" in msg


def test_lost_budget_points_need_a_reason(tmp_path):
    proj = _funding_project(tmp_path, {"sources": {"当年财政拨款": {"budget": 100, "spent": 92}}}, OUTPUT)
    with pytest.raises(IndicatorError, match="funding.reason"):
        assess_project(proj)


def test_without_funding_the_budget_row_still_scores(tmp_path):
    # a workbook row (no funding:) is scored as before: 10 x 92/100
    rows = [("预算执行率", None, "预算执行率", 10, "比例", "100万元", "92万元", None, "结转")] + OUTPUT
    a = _score(tmp_path, rows, sections={"预算执行率": 10, "产出": 90})
    assert a.indicators[0].exact_score == Fraction(46, 5) and a.budget is None


def test_funding_errors_name_the_key(tmp_path):
    bad = [({"sources": {"当年财政拨款": {"budget": "≥100万元", "spent": 92}}}, "funding.sources.当年财政拨款.budget"),
           ({"sources": {"当年财政拨款": {"budget": 100, "spent": -1}}}, "funding.sources.当年财政拨款.spent"),
           ({"sources": {"年度资金总额": {"budget": 100, "spent": 90}}}, "funding.sources.年度资金总额"),
           ({"sources": {"当年财政拨款": {"initial": 100}}}, "funding.sources"),
           ({"unit": "千元", "sources": {"当年财政拨款": {"budget": 100, "spent": 90}}}, "funding.unit"),
           ({"sources": {"当年财政拨款": {"全年预算数": 100, "执行": 90}}}, "funding.sources.当年财政拨款.执行"),
           ({"sources": {"财政资金": {"budget": 100, "spent": 90}}}, "funding.sources.财政资金")]  # not on form A
    for k, (f, key) in enumerate(bad):
        with pytest.raises(KitError) as e:
            _funding_project(tmp_path, f, OUTPUT, name=f"b{k}")
        assert f"键「{key}」" in str(e.value), (key, str(e.value))


def test_chinese_key_names_of_funding_are_accepted(tmp_path):
    f = {"sources": {"当年财政拨款": {"年初预算数": 100, "调整后预算数": 100, "预算执行数": 100}}}
    assert assess_project(_funding_project(tmp_path, f, OUTPUT)).budget.score == 10


# ------------------------------------------------------------------ roll-up
def _unit(root, name, budget, spent, rows, reason=None):
    folder = root / "units" / name
    folder.mkdir(parents=True)
    write_indicator_workbook(folder / "indicators.xlsx", {"指标": rows}, merge_levels=False, header=OFFICIAL)
    (folder / "method.yml").write_text((root / "method.yml").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "project.yml").write_text(yaml.safe_dump(
        {"title": name, "organisation": name, "indicators": "indicators.xlsx", "method": "method.yml",
         "notebooks": ["03_self_assessment"],
         "funding": {"sources": {"财政资金": {"initial": budget, "budget": budget, "spent": spent}},
                     "reason": reason}}, allow_unicode=True), encoding="utf-8")


def _rollup(tmp_path, second=None):
    root = tmp_path / "roll"
    root.mkdir()
    (root / "method.yml").write_text(yaml.safe_dump(
        {"framework": "custom", "title": "办法", "total": 100, "sections": {"预算执行情况": 10, "产出指标": 90},
         "layout": "sichuan-510000_0013zp"}, allow_unicode=True), encoding="utf-8")
    _unit(root, "甲镇", 60, 54, [
        ("产出指标", "数量指标", "项目个数", "≥", 5, "个", 4, 30, None, None, "1个未立项"),
        ("产出指标", "质量指标", "验收合格率", "≥", 95, "%", 90, 30, None, None, "1个复验"),
        ("产出指标", "质量指标", "规范运行", "定性", "规范", None, "部分达成预期指标", 20, None, 14, "公开不及时"),
        ("产出指标", "时效指标", "按期完工", "定性", "是", None, "是", 10, None, None, None)], reason="结转")
    _unit(root, "乙镇", 40, 40, second or [
        ("产出指标", "数量指标", "项目个数", "≥", 3, "个", 3, 30, None, None, None),
        ("产出指标", "质量指标", "验收合格率", "≥", 95, "%", 100, 30, None, None, None),
        ("产出指标", "质量指标", "规范运行", "定性", "规范", None, "达成预期指标", 20, None, None, None),
        ("产出指标", "时效指标", "按期完工", "定性", "是", None, "否", 10, None, None, "雨季停工")])
    (root / "project.yml").write_text(yaml.safe_dump(
        {"title": "汇总", "method": "method.yml", "notebooks": ["03_self_assessment"],
         "rollup": ["units/甲镇", "units/乙镇"]}, allow_unicode=True), encoding="utf-8")
    return kit.load_project(root)


def test_rollup_adds_absolute_values_and_weights_ratios_by_funds(tmp_path):
    a = assess_project(_rollup(tmp_path))
    by = {i.name: i for i in a.indicators}
    # weights: 全年预算数 60 and 40 万元
    # 项目个数: targets 5 + 3 = 8, results 4 + 3 = 7 (absolute, added): 30 x 7/8 = 105/4
    assert (by["项目个数"].target, by["项目个数"].actual) == ("8个", "7个")
    assert by["项目个数"].exact_score == Fraction(105, 4)
    # 验收合格率: (60 x 90% + 40 x 100%)/100 = 94%, target 95%: 30 x 94/95 = 564/19 = 29.684.. -> 29.68
    assert by["验收合格率"].actual_q.value == Fraction(94, 100)
    assert by["验收合格率"].exact_score == Fraction(564, 19) and by["验收合格率"].score == Decimal("29.68")
    # 规范运行: scores 14 and 20 of 20, weighted (60 x 14 + 40 x 20)/100 = 16.4 = 82/5 (82%: 达成)
    assert by["规范运行"].exact_score == Fraction(82, 5) and by["规范运行"].actual == "达成预期指标"
    # 按期完工: met only where every project met it (乙镇 否): 0, its township named
    assert by["按期完工"].score == 0 and "乙镇" in by["按期完工"].reason
    # budget: 全年执行数 54 + 40 = 94 of 60 + 40 = 100: 10 x 94/100 = 47/5
    assert a.budget.exact_score == Fraction(47, 5)
    # total = 9.4 + 26.25 + 29.68 + 16.4 + 0 = 81.73, the exact sum of the shown scores
    assert a.total == Decimal("81.73") and a.units == ["甲镇", "乙镇"]
    assert a.funding.line("财政资金").budget == 1_000_000


def test_rollup_needs_the_same_indicators(tmp_path):
    other = [("产出指标", "数量指标", "项目个数", "≥", 3, "个", 3, 30, None, None, None),
             ("产出指标", "质量指标", "合格率", "≥", 95, "%", 100, 30, None, None, None),
             ("产出指标", "质量指标", "规范运行", "定性", "规范", None, "达成预期指标", 20, None, None, None),
             ("产出指标", "时效指标", "按期完工", "定性", "是", None, "是", 10, None, None, None)]
    with pytest.raises(IndicatorError) as e:
        assess_project(_rollup(tmp_path, other))
    assert "乙镇" in str(e.value) and "验收合格率" in str(e.value)


def test_rollup_key_is_checked(tmp_path):
    proj = _rollup(tmp_path)
    py = proj.root / "project.yml"
    d = yaml.safe_load(py.read_text(encoding="utf-8"))
    for wrong, key in (("units/甲镇", "rollup"), ([5], "rollup[0]"), (["units/丙镇"], "rollup[0]"),
                       (["units/甲镇", "units/甲镇"], "rollup[1]"), (["../roll"], "rollup[0]")):
        py.write_text(yaml.safe_dump(dict(d, rollup=wrong), allow_unicode=True), encoding="utf-8")
        with pytest.raises(KitError) as e:
            kit.load_project(proj.root)
        assert f"键「{key}」" in str(e.value), (wrong, str(e.value))
    py.write_text(yaml.safe_dump(dict(d, indicators="units/甲镇/indicators.xlsx"), allow_unicode=True),
                  encoding="utf-8")
    with pytest.raises(KitError, match="rollup"):
        kit.load_project(proj.root)


# ------------------------------------------------------------------ the Sichuan roll-up sample
def test_rollup_sample_by_hand():
    """surveys/village-economy-rollup/generate.py: three townships weighted 40/30/30 万元."""
    a = assess_project(kit.load_project("surveys/village-economy-rollup"))
    by = {i.name: i for i in a.indicators}
    hand = {"预算执行率": Fraction(10 * 937, 1000),                      # 93.7 of 100 万元
            "扶持村集体经济项目": Fraction(10 * 11, 12),                 # 4+4+3 of 4+4+4
            "培训村干部": Fraction(10),                                  # 500 of 500
            "项目验收合格率": Fraction(10 * 97, 100),                    # (40x100 + 30x100 + 30x90)/100 = 97%, = 100%
            "村级集体经济组织规范运行": Fraction(200 + 105 + 135, 100),  # (40x5 + 30x3.5 + 30x4.5)/100
            "资金拨付及时率": Fraction(5),                               # 95.8% >= 95%
            "项目建设总成本": Fraction(10),                              # 98 <= 100 万元
            "村集体经济年收入增加": Fraction(10 * 55, 60),               # 55 of 60 万元
            "带动农户就业": Fraction(10), "长效管理机制建立": Fraction(5), "村民满意度": Fraction(10)}
    assert {k: by[k].exact_score for k in hand} == hand
    assert by["村级集体经济组织规范运行"].actual == "达成预期指标"         # 88% of the points: 达成
    assert not by["农村人居环境改善"].applicable
    raw = sum(shown(x) for x in hand.values())
    assert raw == Decimal("91.81") and a.applicable_points == 95
    assert a.total == shown(Fraction(raw) * 100 / 95) == Decimal("96.64") and a.grade == "优"


def test_rollup_sample_is_reproducible(tmp_path, run_script):
    from kit.paths import ROOT

    run_script("village-economy-rollup/generate.py", tmp_path)
    src = ROOT / "surveys" / "village-economy-rollup"
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert made == sorted(p.relative_to(src) for p in src.rglob("*") if p.is_file() and p.name != "generate.py")
    for rel in made:
        assert (tmp_path / rel).read_bytes() == (src / rel).read_bytes(), rel
