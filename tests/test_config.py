"""Configuration is typed and validated completely on load (issue 11).

Every mistake an evaluator can make in project.yml, questionnaire.yml or method.yml is one
KitError naming the file and the key path, with what was expected and the fix. The expected
messages are the kit's own Chinese wording; the expected values (0.98 for 98%, the Fraction
49/50) are exact hand computations.
"""

from __future__ import annotations

import shutil
import time
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

import kit
from kit.errors import KitError, ProjectError, QuestionnaireError
from kit.indicators import IndicatorError, load_method
from kit.ledgers import LedgerError, load_ledger_method
from kit.paths import ROOT

from helpers import copy_sample, edit_yaml

SURVEYS = ROOT / "surveys"


def load_error(folder) -> str:
    with pytest.raises(KitError) as e:
        kit.load_project(folder)
    return str(e.value)


# ------------------------------------------------------------------------------ YAML files
def test_project_yml_saved_as_gbk_loads(tmp_path):
    p = copy_sample("unit-self-assessment", tmp_path / "unit-self-assessment")
    text = (p / "project.yml").read_text(encoding="utf-8")
    (p / "project.yml").write_bytes(text.encode("gbk"))
    assert kit.load_project(p).title == "2021年度党建引领乡村治理项目支出绩效自评（单位自评表）"
    (p / "project.yml").write_bytes(text.encode("utf-16"))   # Notepad's "Unicode"
    assert kit.load_project(p).organisation == "xx镇党委"
    (p / "project.yml").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))  # BOM
    assert kit.load_project(p).period == "2021年度"


def test_duplicate_keys_are_refused_naming_both_lines(tmp_path):
    f = tmp_path / "project.yml"
    f.write_text("title: 甲\nperiod: 2019\ntitle: 乙\n", encoding="utf-8")
    with pytest.raises(ProjectError, match=r"第3行.*键「title」在同一层写了两次（第1行和第3行）"):
        kit.load_project(tmp_path)
    q = tmp_path / "q.yml"
    q.write_text("questions:\n- id: a\n  title: x\n  type: text\n  type: single\n", encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="键「type」在同一层写了两次"):
        kit.load_questionnaire(q)


def test_alias_bomb_is_refused_at_once(tmp_path):
    # the "billion laughs": 9 levels of 9 aliases expand to 9**9 = 387,420,489 strings
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, cur in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    f = tmp_path / "method.yml"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    start = time.process_time()
    with pytest.raises(IndicatorError, match="别名炸弹"):
        load_method(f)
    assert time.process_time() - start < 5  # refused while composing, never expanded
    f.write_text("a: &a [1, *a]\n", encoding="utf-8")
    with pytest.raises(IndicatorError, match="循环"):
        load_method(f)


def test_a_few_aliases_for_repeated_options_are_fine(tmp_path):
    f = tmp_path / "q.yml"
    f.write_text("""
questions:
  - id: q1
    title: 甲
    type: scale
    options: &five
      - {code: 1, label: 不满意, score: 1}
      - {code: 2, label: 满意, score: 2}
  - {id: q2, title: 乙, type: scale, options: *five}
""", encoding="utf-8")
    qn = kit.load_questionnaire(f)
    assert [o.label for o in qn.by_id()["q2"].options] == ["不满意", "满意"]


def test_syntax_errors_explain_the_usual_causes(tmp_path):
    f = tmp_path / "project.yml"
    f.write_text("title：党建考核\nperiod：2023年\n", encoding="utf-8")
    assert "第1行用了全角冒号“：”" in load_error(tmp_path)
    f.write_text("title: 甲\n\tperiod: 2019\n", encoding="utf-8")
    msg = load_error(tmp_path)
    assert "第2行" in msg and "制表符（Tab）" in msg
    f.write_text("title: '甲\nperiod: 2019\n", encoding="utf-8")
    assert "引号没有闭合（引号从第1行开始）" in load_error(tmp_path)
    f.write_bytes(b"title: \xff\xfe\xfa\n")
    assert "编码" in load_error(tmp_path)


# ------------------------------------------------------------------------------ project.yml
def test_every_problem_named_with_its_key(tmp_path):
    p = copy_sample("poverty-alleviation", tmp_path / "poverty-alleviation")

    def change(d):
        d["title"] = ["党建", "扶贫"]
        d["synthetic"] = "false"
        d["synthtic"] = True
        d["waves"][0]["id"] = "w 2019"
    edit_yaml(p / "project.yml", change)
    msg = load_error(p)
    assert str(p / "project.yml") in msg and "发现4处问题" in msg
    assert "键「title」：应为一段文字，实为列表（2项）" in msg
    assert "键「synthetic」：应为 true 或 false（不加引号），实为文字「false」" in msg and "请写 false" in msg
    assert "键「synthtic」：未知的键。您是不是要写“synthetic”？" in msg
    assert "键「waves[0].id」" in msg


def test_targets_are_fractions_or_percentages(tmp_path):
    p = copy_sample("poverty-alleviation", tmp_path / "poverty-alleviation")
    py = p / "project.yml"
    text = py.read_text(encoding="utf-8")
    py.write_text(text.replace("overall_satisfied: 0.98", "overall_satisfied: 98"), encoding="utf-8")
    msg = load_error(p)
    assert "键「targets.overall_satisfied」：应为0到1之间的比例，实为98；如指98%，请写 0.98 或 \"98%\"" in msg
    py.write_text(text.replace("overall_satisfied: 0.98", 'overall_satisfied: "98%"'), encoding="utf-8")
    proj = kit.load_project(p)
    assert proj.spec.targets.overall_satisfied == Fraction(49, 50)   # exact: 98/100
    assert proj.targets["overall_satisfied"] == 0.98
    py.write_text(text.replace("overall_satisfied: 0.98", 'overall_satisfied: "99.2%"'), encoding="utf-8")
    assert kit.load_project(p).spec.targets.overall_satisfied == Fraction(124, 125)
    py.write_text(text.replace("overall_satisfied: 0.98", "overall_satisfed: 0.98"), encoding="utf-8")
    msg = load_error(p)
    assert "键「targets.overall_satisfed」：未知的键" in msg and "您是不是要写“overall_satisfied”？" in msg
    py.write_text(text.replace("overall_satisfied: 0.98", 'overall_satisfied: "百分之九十八"'), encoding="utf-8")
    assert "键「targets.overall_satisfied」：应为比例" in load_error(p)


def test_expected_keys_are_known_figures(tmp_path):
    p = copy_sample("poverty-alleviation", tmp_path / "poverty-alleviation")
    py = p / "project.yml"
    text = py.read_text(encoding="utf-8")
    py.write_text(text.replace("n_aware: 406", "n_awre: 406"), encoding="utf-8")
    msg = load_error(p)
    assert "键「expected.n_awre」：「n_awre」不是可核对的数字。您是不是要写“n_aware”？" in msg
    py.write_text(text.replace("self_投入: 15", "self_投人: 15"), encoding="utf-8")
    msg = load_error(p)
    assert "键「expected.self_投人」" in msg and "您是不是要写“self_投入”？" in msg
    py.write_text(text.replace("n_valid: 412", "n_valid: 412.5"), encoding="utf-8")
    assert "键「expected.n_valid」：「有效答卷数」是份数或人数，应为非负整数" in load_error(p)
    py.write_text(text.replace("n_valid: 412", "w2018: {n_valid: 412}"), encoding="utf-8")
    assert "键「expected.w2018」：「w2018」不是调查轮次 id（有：w2019）" in load_error(p)
    py.write_text(text.replace("  - 02_satisfaction\n", ""), encoding="utf-8")
    msg = load_error(p)
    assert "键「expected.n_satisfied」" in msg and "由笔记本 02_satisfaction 计算和核对" in msg


def test_expected_figures_the_project_cannot_compute(tmp_path):
    p = copy_sample("member-appraisal", tmp_path / "member-appraisal")
    edit_yaml(p / "project.yml", lambda d: d["expected"].update(n_below_line=1))
    assert ("键「expected.n_below_line」：本项目算不出「低于分数线的村干部人数」（n_below_line）："
            "project.yml 的 appraisal: 中没有 cadres:") in load_error(p)
    edit_yaml(p / "project.yml", lambda d: (d["expected"].pop("n_below_line"),
                                            d["expected"].update(self_total=90)))
    msg = load_error(p)
    assert "键「expected.self_total」" in msg


def test_files_outside_the_project_folder_are_refused(tmp_path):
    p = copy_sample("unit-self-assessment", tmp_path / "unit-self-assessment")
    (tmp_path / "shared.xlsx").write_bytes((p / "indicators.xlsx").read_bytes())
    edit_yaml(p / "project.yml", lambda d: d.update(indicators="../shared.xlsx"))
    assert "键「indicators」" in load_error(p) and "不在项目文件夹" in load_error(p)


def test_current_wave_is_the_last_and_expected_applies_to_it(tmp_path):
    proj = kit.load_project(SURVEYS / "village-residents")
    assert proj.wave().id == "w2021" == proj.current_wave.id
    assert [w.id for w in proj.baseline_and_current()] == ["w2019", "w2021"]
    assert proj.expected_figures() == {"n_total": 600, "n_excluded": 3, "n_valid": 597}
    assert proj.expected_figures("w2019") == {"n_total": 600, "n_excluded": 3, "n_valid": 597}
    with pytest.raises(ProjectError, match="没有调查轮次「w2022」.*您是不是要写“w2021”？"):
        proj.wave("w2022")
    p = copy_sample("village-residents", tmp_path / "village-residents")
    py = p / "project.yml"
    py.write_text(py.read_text(encoding="utf-8").replace("w2019: {n_total: 600,", "w2019: {n_total: 601,"),
                  encoding="utf-8")
    proj = kit.load_project(p)
    with pytest.raises(ProjectError, match=r"n_total（答卷总数）应为 601，实为 600"):
        proj.check_expected_waves(skip="w2021")


def test_duplicate_wave_ids_refused(tmp_path):
    p = copy_sample("village-residents", tmp_path / "village-residents")
    edit_yaml(p / "project.yml", lambda d: d["waves"][1].update(id="w2019"))
    assert "键「waves[1].id」：调查轮次 id「w2019」重复（waves[0] 已用过）" in load_error(p)


def test_names_checked_against_the_codebook(tmp_path):
    p = copy_sample("poverty-alleviation", tmp_path / "poverty-alleviation")
    edit_yaml(p / "project.yml", lambda d: d["weights"].update(strata="townsip"))
    msg = load_error(p)
    assert "键「weights.strata」：问卷中没有题目「townsip」" in msg and "您是不是要写“township”？" in msg
    p = copy_sample("cadre-appraisal", tmp_path / "cadre-appraisal")
    edit_yaml(p / "project.yml", lambda d: d["appraisal"]["cadres"]["questions"].append("identity"))
    assert "键「appraisal.cadres.questions[8]」：题目「identity」是 single 题，这里需要 matrix 题" in load_error(p)


def test_population_columns_checked_before_any_analysis(tmp_path):
    p = copy_sample("poverty-alleviation", tmp_path / "poverty-alleviation")
    edit_yaml(p / "project.yml", lambda d: d["weights"].update(count_column="户 数"))
    proj = kit.load_project(p)
    with pytest.raises(ProjectError, match=r"键「weights.count_column」：列「户 数」不在 households.csv 中。"
                                           r"您是不是要写“户数”？"):
        proj.check_data()


# ------------------------------------------------------------------------------ panels
def _panel(tmp_path, **changes) -> kit.project.Project:
    p = copy_sample("village-panel", tmp_path / "village-panel")
    edit_yaml(p / "project.yml", lambda d: d["panel"].update(changes))
    return kit.load_project(p)


def test_misspelled_comparison_group_is_an_error_not_a_zero_effect(tmp_path):
    proj = _panel(tmp_path, treated_label="项目组")
    with pytest.raises(ProjectError) as e:
        proj.load_panel()
    msg = str(e.value)
    assert "project.yml" in msg and "键「panel.treated_label」：项目组「项目组」不在 panel.csv 的「组别」列中" in msg
    assert "（该列的取值：项目村、对照村）" in msg and "您是不是要写“项目村”？" in msg


def test_comparison_label_and_periods_checked_against_the_data(tmp_path):
    proj = _panel(tmp_path / "a", comparison_label="对照组")
    with pytest.raises(ProjectError, match="键「panel.comparison_label」：对照组「对照组」不在"):
        proj.load_panel()
    proj = _panel(tmp_path / "b", followup=2017)
    with pytest.raises(ProjectError, match=r"键「panel.followup」：「2017」不是 panel.csv「年份」列中的时期"
                                           r"（有：2013、2014、2015、2016）"):
        proj.load_panel()
    proj = _panel(tmp_path / "c", comparison_label="对照村")
    assert proj.load_panel()["treated"].sum() == 40 * 4   # 40 programme villages x 4 years
    with pytest.raises(ProjectError, match="键「panel.baseline」"):
        _panel(tmp_path / "d", baseline="2013年")


def test_panel_without_comparison_units_or_with_a_third_group(tmp_path):
    p = copy_sample("village-panel", tmp_path / "village-panel")
    f = p / "panel.csv"
    lines = f.read_text(encoding="utf-8").splitlines()
    f.write_text("\n".join([lines[0]] + [x for x in lines[1:] if "对照村" not in x]) + "\n", encoding="utf-8")
    with pytest.raises(ProjectError, match="键「panel.group」：「组别」列中只有项目组「项目村」，没有对照组"):
        kit.load_project(p).load_panel()
    f.write_text("\n".join(lines[:1] + [x.replace("对照村", "退出村", 1) if i % 7 == 0 else x
                                        for i, x in enumerate(lines[1:])]) + "\n", encoding="utf-8")
    with pytest.raises(ProjectError, match=r"键「panel.comparison_label」：「组别」列中除项目组外有2个取值"):
        kit.load_project(p).load_panel()


# ------------------------------------------------------------------------------ questionnaire.yml
def _questionnaire(tmp_path, change) -> str:
    f = tmp_path / "questionnaire.yml"
    shutil.copy(SURVEYS / "poverty-alleviation" / "questionnaire.yml", f)
    edit_yaml(f, change)
    with pytest.raises(QuestionnaireError) as e:
        kit.load_questionnaire(f)
    return str(e.value)


def test_codebook_values_of_the_wrong_kind(tmp_path):
    def nan_score(d):
        q = next(q for q in d["questions"] if q["type"] == "scale")
        q["options"][0]["score"] = float("nan")
    msg = _questionnaire(tmp_path, nan_score)
    assert "options[0].score」：应为有限的数字，实为 .nan" in msg

    def same_label(d):
        q = next(q for q in d["questions"] if q["type"] == "scale")
        q["options"][1]["label"] = q["options"][0]["label"]
    msg = _questionnaire(tmp_path, same_label)
    assert "options[1].label」：选项「" in msg and "与 options[0] 重复" in msg

    msg = _questionnaire(tmp_path, lambda d: d["questions"][0].update(type="singel"))
    assert "键「questions[0].type」：题型「singel」无法识别" in msg and "您是不是要写“single”？" in msg
    msg = _questionnaire(tmp_path, lambda d: d["questions"][0].update(reverse="yes"))
    assert "键「questions[0].reverse」：应为 true 或 false" in msg and "请写 true" in msg
    msg = _questionnaire(tmp_path, lambda d: d["quality"].update(straight_lining_min_items="五"))
    assert "键「quality.straight_lining_min_items」：应为整数" in msg
    msg = _questionnaire(tmp_path, lambda d: d.update(groups=["villag"]))
    assert "键「groups[0]」：分组字段「villag」不是题目 id。您是不是要写“village”？" in msg


# ------------------------------------------------------------------------------ method.yml
def _method(tmp_path, text: str, loader=load_method) -> str:
    f = tmp_path / "method.yml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(KitError) as e:
        loader(f)
    return str(e.value)


SECTIONS = "sections: {投入: 20, 过程: 20, 产出: 30, 效果: 30}\n"


def test_grade_bands_ordered_non_overlapping_distinct(tmp_path):
    assert "键「grades[1].min」：等级应从高到低排列" in _method(
        tmp_path, SECTIONS + "grades: [{name: 良好, min: 80}, {name: 优秀, min: 90}, {name: 差, min: 0}]\n")
    assert "（两档重叠）" in _method(
        tmp_path, SECTIONS + "grades: [{name: 优秀, min: 90}, {name: 良好, min: 90}, {name: 差, min: 0}]\n")
    assert "键「grades[2].name」：等级名称「优秀」与 [0] 重复" in _method(
        tmp_path, SECTIONS + "grades: [{name: 优秀, min: 90}, {name: 良好, min: 80}, {name: 优秀, min: 0}]\n")
    assert "键「grades[1].min」：最低一档「合格」的 min 应为 0" in _method(
        tmp_path, SECTIONS + "grades: [{name: 优秀, min: 90}, {name: 合格, min: 60}]\n")
    assert "键「grades[1].max」：「良好」的 max 85 应等于上一档「优秀」的 min 90" in _method(
        tmp_path, SECTIONS + "grades: [{name: 优秀, min: 90}, {name: 良好, min: 80, max: 85}, {name: 差, min: 0}]\n")
    m = tmp_path / "ok.yml"
    m.write_text(SECTIONS + "grades: [{name: 优秀, min: 90, max: 100}, {name: 良好, min: 80, max: 90}, "
                 "{name: 差, min: 0, max: 80}]\n", encoding="utf-8")
    assert [g["name"] for g in load_method(m).grades] == ["优秀", "良好", "差"]


def test_method_values_of_the_wrong_kind(tmp_path):
    assert "键「sections.产出」：应不小于0，实为-30" in _method(
        tmp_path, "sections: {投入: 20, 过程: 20, 产出: -30, 效果: 90}\n")
    assert "键「total」：应为数字，实为文字「100分」" in _method(tmp_path, SECTIONS + "total: 100分\n")
    assert "键「framework」：评价框架应为" in _method(tmp_path, "framework: 2019\n")
    assert "键「grades[0].min」：应为有限的数字，实为 .nan" in _method(
        tmp_path, SECTIONS + "grades: [{name: 优, min: .nan}]\n")


def test_renamed_ledger_rule_keys_are_errors_on_load(tmp_path):
    p = copy_sample("party-ledgers", tmp_path / "party-ledgers")
    m = p / "method.yml"
    text = m.read_text(encoding="utf-8")
    m.write_text(text.replace("annual_pay: 36000", "quarterly_pay: 9000"), encoding="utf-8")
    msg = load_error(p)   # on load, not when the notebook reaches the ledger
    assert str(m) in msg and "键「cadre_quarterly.quarterly_pay」：未知的键" in msg
    assert "键「cadre_quarterly.annual_pay」：缺少必填项「annual_pay」" in msg
    m.write_text(text.replace("branch_stars:", "stars:"), encoding="utf-8")
    msg = load_error(p)
    assert "键「stars.stars」：未知的键" in msg and "您是不是要写“branch_stars”或“member_stars”？" in msg
    m.write_text(text.replace("{indicator: 人居环境评分, min: 85}", "{indicator: 人居环境评分, least: 85}"),
                 encoding="utf-8")
    assert "键「stars.branch_stars.美丽星.all[0].least」：未知的键" in load_error(p)
    m.write_text(text.replace("basic_share: 0.7", "basic_share: 0.6"), encoding="utf-8")
    assert "键「cadre_quarterly.performance_share」：基本报酬比例与绩效报酬比例之和应为1" in load_error(p)
    m.write_text(text.replace("top_share: 0.10", "top_share: 10"), encoding="utf-8")
    assert "键「member_points.top_share」：应为0到1之间的比例，实为10；如指10%，请写 0.1 或 \"10%\"" in load_error(p)


def test_ledger_rules_read_with_percent_and_defaults(tmp_path):
    f = tmp_path / "method.yml"
    text = (SURVEYS / "party-ledgers" / "method.yml").read_text(encoding="utf-8")
    f.write_text(text.replace("top_share: 0.10", 'top_share: "10%"').replace("书记: 0.10", '书记: "10%"')
                 .replace("    max_stars: 7\n    high: 6\n", ""), encoding="utf-8")
    rules = load_ledger_method(f)
    assert rules["member_points"]["top_share"] == Fraction(1, 10)
    assert rules["cadre_quarterly"]["premium_posts"] == {"书记": Fraction(1, 10)}
    ms = rules["stars"]["member_stars"]
    assert (ms["max_stars"], ms["high"]) == (5, 5)   # default: one star per basic aspect, high = all
    assert rules["inspection"] == {"bottom": 3, "consecutive": 2}


def test_ledger_names_checked_against_the_data(tmp_path):
    p = copy_sample("party-ledgers", tmp_path / "party-ledgers")
    m = p / "method.yml"
    text = m.read_text(encoding="utf-8")
    m.write_text(text.replace("{书记: 0.10}", "{书计: 0.10}"), encoding="utf-8")
    proj = kit.load_project(p)
    with pytest.raises(LedgerError, match=r"method.yml.*键「cadre_quarterly.premium_posts.书计」：岗位「书计」不在 "
                                          r"cadre_quarterly.csv 的「岗位」列中.*您是不是要写“书记”？"):
        proj.check_data()
    m.write_text(text.replace("{indicator: 人居环境评分, min: 85}", "{indicator: 人居环境, min: 85}"),
                 encoding="utf-8")
    with pytest.raises(LedgerError, match=r"键「stars.branch_stars.美丽星.all\[0\]」：列「人居环境」不在 branches.csv 中"):
        kit.load_project(p).check_data()


# ------------------------------------------------------------------------------ every key, wrong type
_PEPPER = "ab" * 32
_PEPPER_ID = "8588d0c1e306fb11"  # kit.privacy.pepper_id(_PEPPER), checked below


def test_maximal_project_pepper_id():
    from kit.privacy import pepper_id

    assert pepper_id(_PEPPER) == _PEPPER_ID


def _maximal_project(root: Path) -> dict:
    """A project.yml using every key, valid for load_project (files created empty)."""
    for name in ("e1.csv", "c1.csv", "log.md", "ind.xlsx", "pop.csv", "b.xlsx", "panel.csv", "st.csv",
                 "mp.csv", "r.csv", "cq.csv", "br.csv", "ms.csv", "i.csv"):
        (root / name).write_text("x\n", encoding="utf-8")
    (root / "q.yml").write_text(yaml.safe_dump(_maximal_questionnaire(), allow_unicode=True), encoding="utf-8")
    (root / "m.yml").write_text(yaml.safe_dump(_maximal_method(), allow_unicode=True), encoding="utf-8")
    return {
        "title": "t", "organisation": "o", "period": "p", "synthetic": True, "description": "d",
        "generator": "g", "report_title": "r", "questionnaire": "q.yml",
        "waves": [{"id": "w1", "label": "l", "export": "e1.csv", "codes": "c1.csv", "platform": "wjx"}],
        "notebooks": ["01_load_and_check", "03_self_assessment"], "data_log": "log.md",
        "indicators": "ind.xlsx", "method": "m.yml", "pepper": _PEPPER_ID,
        "expected": {"n_total": 1, "self_grade": "优", "w1": {"n_valid": 1}},
        "targets": {"overall_satisfied": "98%"},
        "weights": {"cells": "village", "population": "pop.csv", "label_column": "村", "count_column": "户数",
                    "cluster": "village", "strata": "township", "lonely_psu": "adjust"},
        "appraisal": {"cadres": {"questions": ["cadre"], "start": 100, "line": 60, "eligible": 10},
                      "members": {"question": "rating", "help_bands": 1}},
        "batch": {"workbook": "b.xlsx", "unit": "村"},
        "survey": {"respondents": "农户", "sampling": "随机抽取", "mode": "电话回访"},
        "panel": {"file": "panel.csv", "unit": "村", "period": "年份",
                  "outcomes": ["收入", {"column": "户数", "unit": "户", "label": "贫困户数"}], "group": "组别",
                  "treated_label": "项目村", "comparison_label": "对照村", "baseline": 2013, "followup": 2016,
                  "cluster": "村"},
        "staged_targets": {"file": "st.csv", "unit": "县", "period": "年份", "target": "目标", "actual": "实际",
                           "total": "总数"},
        "ledgers": {"member_points": {"file": "mp.csv", "roster": "r.csv", "columns": {
                        "member": "党员", "date": "日期", "item": "项目", "points": "积分"}},
                    "cadre_quarterly": {"file": "cq.csv", "columns": {
                        "cadre": "村干部", "post": "岗位", "quarter": "季度", "points": "得分"}},
                    "stars": {"branches": "br.csv", "members": "ms.csv", "branch_column": "支部"},
                    "inspection": {"file": "i.csv", "columns": {"branch": "支部", "round": "轮次", "score": "得分"}}},
        "funding": {"unit": "万元", "sources": {"当年财政拨款": {"initial": 90, "budget": "100万元", "spent": 92}},
                    "reason": "结转"},
        "goals": {"expected": "目标", "achieved": "完成"},
        "form": {"code": "510000", "department": "组织部", "implementer": "镇党委", "year": 2023, "content": "内容",
                 "conclusion": "结论", "problems": "问题", "measures": "措施", "leader": "张某",
                 "finance_leader": "李某"},
        "profile": ["village"], "crosstabs": [["village", "overall"]],
        "codes": {"overall": {"道路": ["修路"]}}, "stopwords": ["本村"],
    }


def _maximal_questionnaire() -> dict:
    return {"title": "问卷", "platform": "wjx", "groups": ["village"],
            "quality": {"exclude": ["speeder"], "speeder_threshold_s": 60, "straight_lining_min_items": 5},
            "questions": [
                {"id": "village", "number": 1, "title": "村", "type": "single", "role": "group",
                 "options": [{"code": 1, "label": "甲村"}]},
                {"id": "township", "title": "乡镇", "type": "single", "options": [{"code": 1, "label": "城关镇"}]},
                {"id": "cadre", "title": "测评", "type": "matrix", "dimension": "测评", "reverse": False,
                 "required": True, "headers": ["测评题"], "direction": "ascending",
                 "rows": [{"id": "de", "label": "德", "dimension": "德", "reverse": False}],
                 "options": [{"code": 1, "label": "好", "score": 0}, {"code": 2, "label": "差", "score": -20}]},
                {"id": "rating", "title": "评议", "type": "matrix", "rows": [{"id": "m01", "label": "党员01"}],
                 "options": [{"code": 1, "label": "合格"}, {"code": 2, "label": "不合格"}]},
                {"id": "overall", "title": "满意度", "type": "scale", "satisfied": [2], "role": "overall",
                 "options": [{"code": 1, "label": "不满意", "score": 1}, {"code": 2, "label": "满意", "score": 2}]},
                {"id": "phone", "title": "电话", "type": "text", "personal": "phone"},
                {"id": "advice", "title": "建议", "type": "text", "mask": False},
            ]}


def _maximal_method() -> dict:
    return {"framework": "2013", "title": "办法", "total": 100,
            "sections": {"投入": 20, "过程": 20, "产出": 30, "效果": 30},
            "grades": [{"name": "优", "min": 90, "max": 100}, {"name": "差", "min": 0, "max": 90}],
            "member_points": {"period": ["2021-01-01", "2023-12-31"], "monthly_cap": 10, "annual_cap": 120,
                              "unqualified_below": 60, "consecutive_years": 3, "top_share": 0.1,
                              "indices": {"激励": "capped"}, "items": {"三会一课": "激励"},
                              "spend_items": ["兑换"]},
            "cadre_quarterly": {"grades": [{"name": "优秀", "min": 90}, {"name": "称职", "min": 0}],
                                "annual_pay": 36000, "basic_share": 0.7, "performance_share": 0.3,
                                "full_points": 100, "premium_posts": {"书记": 0.1}, "streak": 3},
            "stars": {"prerequisites": ["无违纪"],
                      "branch_stars": {"党建星": {"all": [{"indicator": "达标", "is": "是"},
                                                          {"indicator": "评分", "min": 85},
                                                          {"indicator": "信访", "max": 0},
                                                          {"grew": ["收入2022", "收入2023"]}]}},
                      "member_stars": {"basic": ["学习"], "extra": "贡献", "max_stars": 2, "high": 1,
                                       "target_share": "10%"}},
            "inspection": {"bottom": 3, "consecutive": 2},
            "bands": {"达成": [80, 100], "部分达成": [50, 80], "未达成": [0, 50]},
            "layout": "county-2013", "budget_section": "投入"}


def _leaves(doc, path=()):
    """(path, value) of every key (mappings: each key; lists: each item) in a document."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield path + (k,), v
            yield from _leaves(v, path + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield path + (i,), v
            yield from _leaves(v, path + (i,))


ANY_SCALAR = {("stars", "branch_stars", "党建星", "all", 0, "is")}  # `is:` compares with any value


TEXT_OR_MAPPING = {("panel", "outcomes", 1)}  # an outcome: a column name, or {column:, unit:, label:}


def _wrong_values(path, value):
    if isinstance(value, dict):
        return [[1]] if path in TEXT_OR_MAPPING else ["x", [1]]
    if isinstance(value, list):
        return ["x", 5]
    out = [["a", "b"], {"k": 1}]
    if isinstance(value, bool):
        return out + ["false", 1]
    if isinstance(value, (int, float)):
        return out + ["十", float("nan")]
    if path not in ANY_SCALAR:
        out.append(True)
    return out


def _set(doc, path, value):
    import copy

    doc = copy.deepcopy(doc)
    target = doc
    for p in path[:-1]:
        target = target[p]
    target[path[-1]] = value
    return doc


def _dotted(path) -> str:
    from kit.definitions import key_path

    return key_path(path)


def _model_keys(model, seen=None) -> set[tuple[str, str]]:
    """(model, key) of every field of every model reachable from ``model``."""
    import typing

    from pydantic import BaseModel

    seen = set() if seen is None else seen
    out = set()
    for name, f in model.model_fields.items():
        out.add((model.__name__, f.alias or name))
        stack = [f.annotation]
        while stack:
            tp = stack.pop()
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                if tp not in seen:
                    seen.add(tp)
                    out |= _model_keys(tp, seen)
            else:
                stack += list(typing.get_args(tp))
    return out


def _doc_keys(model, doc) -> set[tuple[str, str]]:
    from kit.definitions.base import _model_at

    out = set()
    for path, _ in _leaves(doc):
        if isinstance(path[-1], str):
            parent = _model_at(model, path[:-1])
            if parent is not None:
                out.add((parent.__name__, path[-1]))
    return out


def _check_every_key(model, doc, load, skip=frozenset()):
    """Every key of ``doc`` (which uses every key of ``model`` but ``skip``) given a value of the
    wrong type is one KitError naming that key."""
    assert _model_keys(model) - skip <= _doc_keys(model, doc), \
        sorted(_model_keys(model) - skip - _doc_keys(model, doc))   # the document covers every key
    load(doc)   # valid as written
    checked = 0
    for path, value in list(_leaves(doc)):
        for wrong in _wrong_values(path, value):
            with pytest.raises(KitError) as e:
                load(_set(doc, path, wrong))
            msg = str(e.value)
            assert f"键「{_dotted(path)}」" in msg, (path, wrong, msg)
            assert "Traceback" not in msg
            checked += 1
    return checked


def test_every_project_key_with_a_wrong_type(tmp_path, monkeypatch):
    from kit.definitions import ProjectSpec

    monkeypatch.setenv("KIT_PEPPER", _PEPPER)  # the pepper: named in project.yml is on this machine
    doc = _maximal_project(tmp_path)

    def load(d):
        (tmp_path / "project.yml").write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
        return kit.load_project(tmp_path)
    # rollup: takes indicators and funding from its projects, so it cannot stand beside them:
    # tests/test_forms.py checks it on a roll-up project of its own
    assert _check_every_key(ProjectSpec, doc, load, skip={("ProjectSpec", "rollup")}) > 250


def test_every_questionnaire_key_with_a_wrong_type(tmp_path):
    from kit.definitions import QuestionnaireSpec

    def load(d):
        f = tmp_path / "questionnaire.yml"
        f.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
        return kit.load_questionnaire(f)
    assert _check_every_key(QuestionnaireSpec, _maximal_questionnaire(), load) > 150


def test_every_method_key_with_a_wrong_type(tmp_path):
    from kit.definitions import MethodSpec

    def load(d):
        f = tmp_path / "method.yml"
        f.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
        load_method(f)
        return load_ledger_method(f)
    assert _check_every_key(MethodSpec, _maximal_method(), load) > 150


def test_every_sample_project_loads():
    for folder in sorted(p for p in SURVEYS.iterdir() if (p / "project.yml").exists()):
        proj = kit.load_project(folder)
        proj.check_data()
        assert proj.spec is not None and proj.title
