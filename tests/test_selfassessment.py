"""自评表.xlsx, 自评报告.docx and summary.json, read back and checked against golden text."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

import kit
from kit.selfassessment import (assess_project, score_table, summary_schema, write_outputs,
                                write_self_table)


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    proj = kit.load_project("surveys/poverty-alleviation")
    r = proj.load()
    res = kit.analyse_satisfaction(r, target=0.98, rank_tests=False)
    a = assess_project(proj, res, r)
    out = tmp_path_factory.mktemp("out")
    paths = write_outputs(proj, a, out, satisfaction=res, responses=r)
    return proj, r, res, a, out, paths


def test_docx_follows_the_official_outline(county):
    """财预〔2011〕285号 第27–28条 and the 2020 reference outline (official-forms.md): 一、基本情况
    (项目概况, 资金投入和使用情况, 绩效目标), 二、绩效目标完成情况和综合评价结论, 三、存在的问题及原因分析,
    四、改进措施和有关建议, 附件; the figures are the sample's (DATA_LOG.md, indicators.xlsx)."""
    import docx

    *_, paths = county
    d = docx.Document(paths["report"])
    heads = [(p.style.name, p.text) for p in d.paragraphs if p.style.name.startswith("Heading")]
    top = [t for s, t in heads if s == "Heading 1"]
    assert top == ["一、基本情况", "二、绩效目标完成情况和综合评价结论", "三、存在的问题及原因分析",
                   "四、改进措施和有关建议"]
    assert heads[:4] == [("Heading 1", "一、基本情况"), ("Heading 2", "（一）项目概况"),
                         ("Heading 2", "（二）资金投入和使用情况"), ("Heading 2", "（三）绩效目标")]
    i = heads.index(("Heading 1", "二、绩效目标完成情况和综合评价结论"))
    assert heads[i + 1:i + 4] == [("Heading 2", "（一）投入（总分15分，自评得分15分）"),
                                  ("Heading 3", "1.项目立项（总分10分，自评得分10分）"),
                                  ("Heading 3", "2.资金落实（总分5分，自评得分5分）")]
    assert ("Heading 2", "（二）过程（总分25分，自评得分23分）") in heads
    assert ("Heading 2", "（五）综合评价结论") in heads
    paras = [p.text.replace("\u2060", "") for p in d.paragraphs]   # U+2060 holds a range a–b on one line
    opening = paras[1]
    assert opening.startswith("xx县委组织部依据《党建引领扶贫工程绩效评价办法》（满分100分）")
    assert opening.endswith("自评得分98分，评价等级为优秀。现将自评情况报告如下：")   # the form ends with 如下：
    text = "\n".join(paras)
    # one sentence per indicator, each figure once, evidence cited at its end
    assert ("“资金使用合规性”指标发生扣分情形2次（每次扣1分），得4分（分值6分），扣2分（佐证材料：乡镇纪委审核报账凭证、"
            "县委组织部会同财政局专项检查）。") in text
    assert "1.资金使用合规性扣2分：专项检查发现2个村报账凭证附件不全" in text        # 三、存在的问题
    # survey-fed values name their source in words; the body has one plain sentence, the rest in 附件
    assert "该项数据来自问卷调查“您对本村党建引领扶贫工作的总体满意程度”（有效答卷412份，其中满意405份）。" in text
    assert "问卷调查有效答卷412份，总体满意率98.3%。调查方法和详细结果见附件1。" in text
    body = text[:text.index("附件：")]
    assert "群众总体满意率为98.3%（95%置信区间：96.5%–99.2%）" in text[text.index("附件："):]
    for machine in ("事后分层", "设计效应", "=405/412", "为否，应为是", "框架", "「", "」", "9.50分"):
        assert machine not in body, machine
    # what only the evaluator knows is left as a marked placeholder
    assert "【请填写：项目立项依据、主要内容、实施范围和实施过程】" in text
    assert "【请填写：针对上述问题的改进措施和有关建议】" in text
    assert paras[-1] != "" and "xx县委组织部" in paras                                # 落款


def test_docx_page_fonts_and_score_table(county):
    import zipfile

    import docx

    *_, paths = county
    d = docx.Document(paths["report"])
    s = d.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    styles = zipfile.ZipFile(paths["report"]).read("word/styles.xml").decode()
    assert 'w:eastAsia="仿宋_GB2312"' in styles and 'w:eastAsia="黑体"' in styles and "zh-CN" in styles
    t = d.tables[-1]
    assert [c.text for c in t.rows[0].cells] == ["一级指标", "二级指标", "三级指标", "分值", "得分"]
    assert [c.text for c in t.rows[-2].cells][::4] == ["合计", "98"]
    assert t.rows[-1].cells[-1].text == "优秀"
    xml = t._tbl.xml
    assert "w:tblHeader" in xml and "w:cantSplit" in xml and "w:vMerge" in xml


def test_failed_veto_gives_its_evidence_in_the_body(tmp_path):
    """department-evaluation: the veto row of indicators.xlsx says 「1个村挪用专项资金3万元」."""
    import docx

    proj = kit.load_project("surveys/department-evaluation")
    paths = write_outputs(proj, assess_project(proj), tmp_path)
    text = "\n".join(p.text.replace("\u2060", "") for p in docx.Document(paths["report"]).paragraphs)
    assert "一票否决指标“资金使用合规（一票否决）”未通过：1个村挪用专项资金3万元，按办法一票否决（佐证材料：审计报告）。" in text
    assert "同上" not in text


def test_xlsx_has_merged_levels_subtotals_total_grade_and_a4(county):
    from openpyxl import load_workbook

    *_, paths = county
    # the 2013-framework county form (kit/layouts/county-2013.yml, official-forms.md C)
    ws = load_workbook(paths["table"]).active
    assert (ws["A1"].value, ws["A2"].value) == ("项目支出绩效自评表", "（2019年度）")
    assert (ws["A3"].value, ws["B3"].value) == ("项目名称", "党建引领扶贫工程")
    assert [c.value for c in ws[5]] == ["一级指标", "二级指标", "三级指标", "分值", "年度指标值",
                                        "实际完成值", "得分", "偏差原因分析及改进措施"]
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert "A6:A9" in merged and "B6:B7" in merged                  # 投入, 项目立项
    rows = {r[0].value: r for r in ws.iter_rows(min_row=6) if r[0].value}
    assert rows["过程小计"][3].value == 25 and rows["过程小计"][6].value == 23
    assert rows["合计"][3].value == 100 and rows["合计"][6].value == 98
    assert rows["评价等级"][3].value == "优秀"
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"  # 9 = A4


def test_summary_json_validates_and_carries_provenance(county):
    import jsonschema

    proj, r, res, a, out, paths = county
    s = json.loads(paths["summary"].read_text(encoding="utf-8"))
    jsonschema.validate(s, summary_schema())
    sa = s["self_assessment"]
    assert (sa["total"], sa["grade"]) == (98, "优秀")
    assert [(x["name"], x["points"], x["score"]) for x in sa["sections"]] == [
        ("投入", 15, 15), ("过程", 25, 23), ("产出", 30, 30), ("效果", 30, 30)]
    sat = s["satisfaction"]
    assert sat["overall_satisfied"]["estimate"] == pytest.approx(405 / 412)   # a fraction, not %
    assert (sat["n_valid"], sat["overall_satisfied"]["n_satisfied"]) == (412, 405)
    from kit.report import file_sha256
    assert s["provenance"]["inputs"]["indicators.xlsx"] == file_sha256(proj.root / "indicators.xlsx")
    assert set(s["provenance"]["inputs"]) >= {"project.yml", "method.yml", "questionnaire.yml"}
    bad = dict(s, self_assessment=dict(sa, total="98"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, summary_schema())


def test_outputs_are_deterministic(county, tmp_path):
    proj, r, res, a, out, paths = county
    again = write_outputs(proj, a, tmp_path, satisfaction=res, responses=r)
    for key in ("table", "report", "summary"):
        assert again[key].read_bytes() == paths[key].read_bytes(), key


def test_formula_like_text_is_written_as_text(tmp_path):
    from openpyxl import load_workbook

    from openpyxl import Workbook

    from kit.indicators import assess, default_method, read_indicators
    from kit.tables import safe_append

    wb = Workbook()
    ws = wb.active
    safe_append(ws, ["一级指标", "三级指标", "分值", "评分方法", "年度指标值", "实际完成值",
                     "偏差原因分析及改进措施"])
    safe_append(ws, ["产出", "甲", 50, "比例", "100", "50", "=HYPERLINK(\"http://x\")"])
    safe_append(ws, ["效益", "乙", 30, "比例", "1", "1", None])
    safe_append(ws, ["预算执行率", "丙", 10, "比例", "1", "1", None])
    safe_append(ws, ["服务对象满意度", "丁", 10, "比例", "1", "1", None])
    wb.save(tmp_path / "in.xlsx")
    a = assess(read_indicators(tmp_path / "in.xlsx"), default_method("2020-self"))
    assert (a.total, a.grade) == (75, "中")      # 50 x 50/100 + 30 + 10 + 10, default 优良中差
    path = write_self_table(a, tmp_path / "自评表.xlsx")
    cell = next(c for row in load_workbook(path).active.iter_rows() for c in row
                if isinstance(c.value, str) and "HYPERLINK" in c.value)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_score_table_and_missing_indicators(county):
    proj, r, res, a, *_ = county
    t = score_table(a)
    assert t.iloc[-2]["得分"] == "98" and t.iloc[-1]["得分"] == "优秀"
    from kit.errors import ProjectError
    other = kit.load_project("surveys/village-residents")
    with pytest.raises(ProjectError, match="indicators"):
        assess_project(other)


@pytest.mark.parametrize("framework,sections", [
    ("2013", ["投入", "过程", "产出", "效果"]), ("2020", ["决策", "过程", "产出", "效益"]),
    ("2020-self", ["预算执行率", "产出", "效益", "服务对象满意度"])])
def test_init_indicators_writes_a_template_that_reads_back(tmp_path, framework, sections):
    from openpyxl import load_workbook

    from kit.cli import main
    from kit.indicators import IndicatorError, assess, load_method, read_indicators

    assert main(["init-indicators", "--framework", framework, "-o", str(tmp_path)]) == 0
    m = load_method(tmp_path / "method.yml")
    assert list(m.sections) == sections and m.total == 100 and m.framework == framework
    wb = load_workbook(tmp_path / "indicators.xlsx")
    ws = wb["自评指标"]
    assert [c.value for c in ws[1]][:6] == ["一级指标", "二级指标", "三级指标", "分值", "指标类型", "评分方法"]
    assert ws["A2"].value == f"{sections[0]}（{m.sections[sections[0]]:g}分）"
    assert "填写说明" in wb.sheetnames and ws.data_validations.dataValidation
    with pytest.raises(IndicatorError, match="没有指标行"):      # blank: nothing to score yet
        read_indicators(tmp_path / "indicators.xlsx")
    # fill one indicator per section, as an evaluator would, and score it
    for k, name in enumerate(sections):
        r = 2 + 5 * k
        for col, v in zip("CDFGH", (f"{name}指标", m.sections[name], "比例", "100%", "100%")):
            ws[f"{col}{r}"] = v
    wb.save(tmp_path / "indicators.xlsx")
    a = assess(read_indicators(tmp_path / "indicators.xlsx"), m)
    assert (a.total, a.grade) == (100, "优")
    assert main(["init-indicators", "--framework", framework, "-o", str(tmp_path)]) == 2  # no overwrite


def test_unit_self_assessment_sample_by_hand():
    # surveys/unit-self-assessment/make_indicators.py: 9.2 + 46.1 + 27 + 10 = 92.3 -> 优
    a = assess_project(kit.load_project("surveys/unit-self-assessment"))
    got = {s["name"]: s["score"] for s in a.sections}
    assert got == {"预算执行率": Decimal("9.2"), "产出": Decimal("46.1"), "效益": 27, "服务对象满意度": 10}
    assert a.total == Decimal("92.3") and a.grade == "优"                # exactly, no tolerance
    by = {i.name: i for i in a.indicators}
    assert by["项目平均完成时间"].score == Decimal("13.5")              # 15 x 90/100, lower is better
    assert by["村级组织规范化建设"].score == Decimal("5.4")            # 部分达成, evaluator's level
    assert by["信访事项发生"].score == 7                                # 10 - 2 x 1.5


def test_department_sample_failed_veto_caps_the_grade(tmp_path):
    import docx

    proj = kit.load_project("surveys/department-evaluation")
    a = assess_project(proj)
    assert a.total == Decimal("86.5") and a.method.grade(a.total) == "较好"
    assert a.grade == "较差" and [i.name for i in a.vetoed] == ["资金使用合规（一票否决）"]
    paths = write_outputs(proj, a, tmp_path)
    opening = docx.Document(paths["report"]).paragraphs[1].text
    assert "自评得分86.5分，按分数应评为较好，但一票否决指标“资金使用合规（一票否决）”未通过，评价等级为较差。" in opening
    s = json.loads(paths["summary"].read_text(encoding="utf-8"))
    assert s["self_assessment"]["grade"] == "较差" and "satisfaction" not in s


@pytest.mark.parametrize("script", ["poverty-alleviation/make_indicators.py",
                                    "unit-self-assessment/make_indicators.py",
                                    "department-evaluation/make_indicators.py",
                                    "village-batch/generate.py"])
def test_sample_workbooks_are_reproducible(tmp_path, script, run_script):
    from kit.paths import ROOT
    path = ROOT / "surveys" / script
    fresh = run_script(script, tmp_path)
    assert fresh.read_bytes() == (path.parent / fresh.name).read_bytes()   # byte for byte


def test_before_after_findings_flow_into_the_effect_section(tmp_path):
    import shutil

    import docx

    from kit.change import project_findings
    from kit.paths import ROOT

    # the village panel with a self-assessment on the 2020-self table (its 效益 section)
    dst = tmp_path / "p"
    shutil.copytree(ROOT / "surveys" / "village-panel", dst)
    for f in ("indicators.xlsx", "method.yml"):
        shutil.copy(ROOT / "surveys" / "unit-self-assessment" / f, dst / f)
    y = (dst / "project.yml").read_text(encoding="utf-8")
    funding = ("funding:\n  sources:\n    当年财政拨款: {initial: 100, budget: 100, spent: 92}\n"
               "  reason: 结转下年\n")   # the 2020-self table's 预算执行率 comes from funding:
    (dst / "project.yml").write_text(y + "indicators: indicators.xlsx\nmethod: method.yml\n" + funding,
                                     encoding="utf-8")
    proj = kit.load_project(dst)
    findings = project_findings(proj)
    assert any("双重差分估计的项目效果" in f for f in findings)
    assert any(f.startswith("2021年：3/5个县完成阶段目标") for f in findings)
    paths = write_outputs(proj, assess_project(proj), tmp_path / "out", findings=findings)
    paras = [p.text.replace("\u2060", "") for p in docx.Document(paths["report"]).paragraphs]
    start = paras.index(next(p for p in paras if p.startswith("（三）效益")))
    end = paras.index(next(p for p in paras if p.startswith("（四）服务对象满意度")))
    section = "\n".join(paras[start:end])
    assert "项目实施前后的变化情况见附件1。" in section          # the method words stay in 附件
    annex = "\n".join(paras[paras.index("项目实施前后对比情况"):])
    assert "人均纯收入：2013—2016年项目村村均变化+6077元" in annex
    s = json.loads(paths["summary"].read_text(encoding="utf-8"))
    assert s["before_after"]["sentences"] == findings


def test_actual_shows_the_unit_of_its_target(county):
    """资金使用合规性: target 「0次」, actual written 「2」 in the sample's indicators.xlsx
    (surveys/poverty-alleviation/make_indicators.py): the table says 「2次」, not a bare 2."""
    *_, a, _, _ = county
    t = score_table(a).set_index("三级指标")
    assert (t.loc["资金使用合规性", "年度指标值"], t.loc["资金使用合规性", "实际完成值"]) == ("0次", "2次")
    from kit.render.forms import actual_with_unit

    ind = next(i for s in a.sections for i in s["indicators"] if i.name == "资金使用合规性")
    v = actual_with_unit(ind)                   # the 自评表 form's cell
    assert (v, v.value, v.fmt) == ("2次", 2, '0"次"')   # Excel keeps the number 2, displayed 2次
