"""Analyses are never silently empty: which questions were considered, why each was not taken,
and the codebook lines that make it count (issue 13).

The newcomer's survey below is written out row by row, so every expected count is a hand count
of the rows (given beside each assertion)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
import yaml

import kit
from kit.appraisal import analyse_appraisal
from kit.change import compare_waves
from kit.eligibility import (appraisal_eligibility, awareness_eligibility,
                             before_after_eligibility, satisfaction_eligibility)
from kit.io.draft import draft_codebook, draft_yaml

# q3-q5 are 同意 scales on statements about satisfaction (「我对…感到满意」): counted as
# satisfaction only because the text says 满意 (an agreement scale on 「村干部能及时回应群众诉求」
# is not a satisfaction question: tests/test_guide.py)
HEADER = ["1、您的身份", "2、您是否为党员", "3、我对村干部回应群众诉求的情况感到满意",
          "4、我对村务公开的及时、真实感到满意", "5、我对村里矛盾纠纷的化解感到满意",
          "6、您是否知道本村第一书记是谁"]
ROWS = [  # 同意-scale answers; 是/否 for the two yes/no questions
    ["村民", "否", "同意", "非常同意", "一般", "是"],
    ["党员", "是", "非常同意", "同意", "同意", "是"],
    ["村民", "否", "一般", "同意", "不同意", "否"],
    ["村民代表", "否", "同意", "一般", "同意", "是"],
    ["村民", "否", "不同意", "同意", "非常同意", "否"],
    ["党员", "是", "同意", "非常同意", "同意", "是"],
    ["村民", "否", "非常同意", "不同意", "一般", "是"],
    ["村民", "否", "同意", "同意", "同意", "否"],
    ["村民代表", "否", "一般", "非常不同意", "同意", "是"],
    ["村民", "否", "同意", "同意", "一般", "是"],
]
# hand counts of 同意 or 非常同意: q3 5+2 = 7, q4 5+2 = 7, q5 5+1 = 6 of 10; 是 in q6: 7 of 10


def _export(folder):
    meta = "序号,提交答卷时间,所用时间,来源,来源详情,来自IP"
    lines = [meta + "," + ",".join(HEADER)] + [
        f"{i + 1},2024/6/{i + 1} 10:00:00,{120 + 7 * i}秒,微信,N/A,192.0.2.{i + 1}(湖南-长沙)," + ",".join(r)
        for i, r in enumerate(ROWS)]
    raw = folder / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    path = raw / "20240601_按文本_村级治理评价_10_10.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture()
def newcomer(tmp_path):
    """A newcomer's project: the export, the drafted codebook as drafted, project.yml."""
    folder = tmp_path / "newcomer"
    export = _export(folder)
    (folder / "questionnaire.yml").write_text(draft_yaml(draft_codebook(export)), encoding="utf-8")
    (folder / "project.yml").write_text(
        "title: 村级治理评价（新手）\nquestionnaire: questionnaire.yml\n"
        f"waves:\n  - id: w1\n    export: raw/{export.name}\n"
        "notebooks: [01_load_and_check, 02_satisfaction]\n", encoding="utf-8")
    return folder


def _apply(folder, fixes: dict[str, str]) -> None:
    """Replace each question's entry by the suggested one, as an evaluator would paste it."""
    path = folder / "questionnaire.yml"
    d = yaml.safe_load(path.read_text(encoding="utf-8"))
    d["questions"] = [yaml.safe_load(fixes[q["id"]])[0] if q["id"] in fixes else q
                      for q in d["questions"]]
    path.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_no_satisfaction_item_is_said_with_reasons_and_fixes(newcomer):
    r = kit.load_project(newcomer).load()
    res = kit.analyse_satisfaction(r)
    assert res.items.empty and list(res.items.columns)[:4] == ["column", "question_id", "title", "item"]
    text = "\n".join(res.sentences)
    assert "满意度分析：考察了3道题，纳入0道" in text
    assert "q3、q4、q5" in text and "同意程度" in text and "satisfied" in text
    e = satisfaction_eligibility(r.questionnaire, r.valid)
    assert sorted(e.fixes) == ["q3", "q4", "q5"]
    assert "q1" not in {c.question_id for c in e.considered}   # 身份: not a rating question


def test_applying_the_suggested_lines_makes_the_items_count(newcomer):
    r = kit.load_project(newcomer).load()
    _apply(newcomer, satisfaction_eligibility(r.questionnaire, r.valid).fixes
           | awareness_eligibility(r.questionnaire).fixes)
    r2 = kit.load_project(newcomer).load()
    res = kit.analyse_satisfaction(r2)
    items = res.items.set_index("column")
    assert items.loc[["q3", "q4", "q5"], "n_satisfied"].tolist() == [7, 7, 6]
    assert items.loc[["q3", "q4", "q5"], "n_valid"].tolist() == [10, 10, 10]
    from kit.tables import satisfaction_item_table
    assert satisfaction_item_table(res)["满意率"].tolist() == ["70.0%", "70.0%", "60.0%"]
    # the yes/no question about 第一书记 now gives an awareness rate; 「是否为党员」 never does
    aware = res.awareness.set_index("question_id")
    assert list(aware.index) == ["q6"] and aware.loc["q6", "n_aware"] == 7
    assert not satisfaction_eligibility(r2.questionnaire, r2.valid).left


def test_awareness_identity_questions_are_explained_not_fixed(newcomer):
    qn = kit.load_project(newcomer).questionnaire
    e = awareness_eligibility(qn)
    by = {c.question_id: c for c in e.considered}
    assert not by["q2"].taken and not by["q2"].fix and "身份类" in by["q2"].reasons[0]
    assert not by["q6"].taken and "satisfied:\n  - 1" in by["q6"].fix


def test_report_on_a_newcomers_survey_runs_and_says_what_it_left(newcomer, tmp_path):
    from kit.report import run_report

    out = run_report(newcomer, tmp_path / "out", progress=False)
    assert (out / "题目纳入情况.xlsx").exists()
    nb = json.loads((out / "02_satisfaction.ipynb").read_text(encoding="utf-8"))
    printed = "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))
    assert "满意度分析：考察了3道题，纳入0道" in printed
    assert "没有计入满意度的题目" in printed
    # each fix as the workbook's columns, then only the YAML lines that change (not the entry)
    assert ("# q3「我对村干部回应群众诉求的情况感到满意」：在问卷定义.xlsx（工作表「题目与选项」）中在「满意/知晓项」"
            "列为“同意、非常同意”填“是”；或在 questionnaire.yml 中改动该题的这几行：\n- id: q3\n"
            "  satisfied: [4, 5]\n") in printed, printed
    assert "title:" not in printed.split("满意度分析：考察了")[-1].split("知晓率")[0]


def test_kit_check_prints_what_counts(newcomer):
    run = subprocess.run([sys.executable, "-m", "kit", "check", str(newcomer)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "满意度分析：考察了3道题，纳入0道" in run.stdout
    # the fix as the workbook's columns first, then only the YAML lines that change
    assert re.search(r"q3「我对村干部回应群众诉求的情况感到满意」：不用 Excel、直接改 questionnaire.yml 时，"
                     r"该题改动的行（其余不变）：\n +- id: q3\n +satisfied: \[4, 5\]\n +q4", run.stdout)
    assert "建议（问卷定义.xlsx 工作表「题目与选项」中该题及其选项行）：在「满意/知晓项」列为“同意、非常同意”填“是”" \
        in run.stdout


def test_before_after_says_which_wave_lacks_the_items(newcomer, tmp_path):
    before = kit.load_project(newcomer).load()
    _apply(newcomer, satisfaction_eligibility(before.questionnaire, before.valid).fixes)
    after = kit.load_project(newcomer).load()
    e = before_after_eligibility(before, after)
    assert not e.taken
    assert any("基线问卷没有可比较的满意度题" in n for n in e.notes)
    assert {c.question_id for c in e.left} >= {"q3", "q4", "q5"}
    empty = compare_waves(before, after)   # said, not an empty table or a KeyError
    assert empty.items.empty and empty.sentences[0] == "前后对比：考察了3道题，纳入0道。"
    assert any("基线问卷中没有这一满意度题" in s for s in empty.sentences)
    comp = compare_waves(after, after)
    assert len(comp.items) == 3
    assert {c.question_id for c in before_after_eligibility(after, after).taken} == {"q3", "q4", "q5"}


def test_appraisal_candidates_get_project_lines(tmp_path):
    header = ["1、村干部甲—德", "1、能", "1、勤"]
    rows = [["不扣分", "扣2分", "不扣分"], ["扣5分", "不扣分", "扣2分"]]
    lines = ["序号,提交答卷时间,所用时间," + ",".join(header)] + [
        f"{i + 1},2024/6/1 10:0{i}:00,100秒," + ",".join(r) for i, r in enumerate(rows)]
    f = tmp_path / "1_按文本_测评_2_2.csv"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = kit.load_export(f)
    assert r.questionnaire.by_id()["q1"].type == "matrix"
    e = appraisal_eligibility(r.questionnaire, {})
    assert e.fixes["q1"].startswith("appraisal:\n  cadres:\n    questions: [q1]")
    assert any("没有列出本题" in c.reasons[0] for c in e.left)
    # scored as deductions: 不扣分 0, 扣2分 -2, 扣5分 -5; applying the lines gives the scores
    q1 = r.questionnaire.by_id()["q1"]
    for o in q1.options:
        o.score = 0.0 if o.label == "不扣分" else -float(o.label[1])
    res = analyse_appraisal(kit.load_export(f, questionnaire=r.questionnaire),
                            yaml.safe_load(e.fixes["q1"])["appraisal"])
    # respondent 1: 100 - 2 = 98; respondent 2: 100 - 5 - 2 = 93; mean 95.5
    assert res.cadres.loc[0, "score"] == pytest.approx(95.5)
