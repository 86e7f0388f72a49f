"""The codebook in Excel: export -> import gives back the same codebook, an edit made in Excel
arrives in questionnaire.yml, and every mistake is named by sheet, row and column.

The reference for "the same codebook" is the codebook as the kit loads it from
questionnaire.yml (:func:`kit.load_questionnaire`); rows named in messages are found in the
written workbook by the test itself.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import time

import pytest
import yaml
from openpyxl import load_workbook

from kit.cli import main
from kit.codebook import (QUESTION_SHEET, codebook_workbook, export_codebook, import_codebook,
                          questionnaire_from_workbook)
from kit.errors import QuestionnaireError
from kit.paths import ROOT
from kit.questionnaire import (Option, Question, QualitySettings, Questionnaire, Row,
                               load_questionnaire)

SAMPLES = sorted(ROOT.glob("surveys/*/questionnaire.yml"))


def same(a: Questionnaire, b: Questionnaire) -> bool:
    return dataclasses.replace(a, path=None) == dataclasses.replace(b, path=None)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.parent.name)
def test_every_sample_codebook_round_trips(path, tmp_path):
    qn = load_questionnaire(path)
    book = export_codebook(path, tmp_path / "问卷定义.xlsx")
    assert same(questionnaire_from_workbook(book), qn)


@pytest.mark.parametrize("pair", [("2016_readable", "2016_original"), ("800_800_0_text", "800_800_2_codes"),
                                  ("357_357_0_text", "357_357_2_codes")])
def test_codebooks_drafted_from_real_exports_round_trip(pair, tmp_path, exports):
    from kit.io import parse_export, wjx
    from kit.io.convert import infer_questionnaire
    from kit.io.table import read_table
    from kit.questionnaire import dump_questionnaire

    text, codes = (exports / f"wjx_reportgen_{p}.xls" for p in pair)
    parsed = wjx.pair_wjx(parse_export(text, variant="text"), wjx.parse_wjx(read_table(codes), "codes"))
    qn, _ = infer_questionnaire(parsed, title="草稿")
    yml = tmp_path / "questionnaire.yml"
    dump_questionnaire(qn, yml)
    loaded = load_questionnaire(yml)
    assert same(questionnaire_from_workbook(export_codebook(yml, tmp_path / "b.xlsx")), loaded)


def _every_field() -> Questionnaire:
    """A codebook using every key with a value other than its default, and awkward texts."""
    five = [Option(1, "非常不满意", 1.0), Option(2, "不满意", 2.0), Option(3, "一般", 0.0),
            Option(4, "满意", 4.0), Option(5, "非常满意", 5.5)]
    return Questionnaire(
        title="", platform="tencent", groups=["village", "identity"],
        quality=QualitySettings(exclude=["speeder", "duplicate_answers"], speeder_threshold_s=30.5,
                                straight_lining_min_items=7),
        questions=[
            Question("identity", "=您的身份", "yesno", 1, options=[Option(1, "是"), Option(2, "否")],
                     satisfied=[1], role="group", required=True),
            Question("village", " 您所在的村 ", "single", 2, options=[Option(7, "98.3%"), Option(9, "0012")],
                     headers=["2、您所在的村", "第2题 您所在的村"]),
            Question("phone", "联系电话", "text", personal="phone"),
            Question("overall", "总体满意度", "scale", 4, options=five, satisfied=[4, 5],
                     role="overall", direction="descending", dimension="总体", reverse=True),
            Question("items", "各项工作", "matrix", 5, options=[Option(1, "扣2分", -2.0), Option(2, "不扣分", 0.0)],
                     rows=[Row("items_1", "作风", "工作成效", True), Row("items_2", "成效")]),
            Question("rid", "受访者编号", "text", role="respondent_id"),
            Question("rank", "排序", "ranking", options=[Option(1, "甲"), Option(2, "乙")]),
        ])


def test_every_key_survives_the_round_trip(tmp_path):
    from kit.questionnaire import dump_questionnaire

    yml = tmp_path / "questionnaire.yml"
    dump_questionnaire(_every_field(), yml)
    qn = load_questionnaire(yml)              # valid, and a score of 0 survives the YAML too
    assert qn.by_id()["overall"].options[2].score == 0.0
    back = questionnaire_from_workbook(export_codebook(yml, tmp_path / "b.xlsx"))
    assert same(back, qn)
    assert back.by_id()["village"].options[0].label == "98.3%"   # labels stay text
    assert back.by_id()["village"].title == " 您所在的村 "


def test_satisfied_comes_back_in_option_order(tmp_path):
    qn = load_questionnaire(SAMPLES[0])
    q = next(q for q in qn.questions if q.satisfied and len(q.satisfied) > 1) if any(
        q.satisfied and len(q.satisfied) > 1 for q in qn.questions) else None
    if q is None:
        qn = load_questionnaire(ROOT / "surveys/poverty-alleviation/questionnaire.yml")
        q = qn.by_id()["overall"]
    q.satisfied = list(reversed(q.satisfied))
    book = tmp_path / "b.xlsx"
    export_codebook(qn, book)
    back = questionnaire_from_workbook(book).by_id()[q.id]
    assert back.satisfied == sorted(q.satisfied, key=[o.code for o in q.options].index)


def _sheet(book):
    wb = load_workbook(book)
    ws = wb[QUESTION_SHEET]
    head = next(r for r in range(1, 6) if ws.cell(r, 1).value == "类别")
    col = {ws.cell(head, j).value: j for j in range(1, ws.max_column + 1)}
    return wb, ws, head, col


def _row_of(ws, col, head, kind, text, after=None):
    start = after or head
    return next(r for r in range(start + 1, ws.max_row + 1)
                if ws.cell(r, col["类别"]).value == kind and ws.cell(r, col["文字"]).value == text)


def test_an_edit_in_excel_arrives_in_questionnaire_yml(tmp_path):
    proj = tmp_path / "p"
    shutil.copytree(ROOT / "surveys/poverty-alleviation", proj)
    yml = proj / "questionnaire.yml"
    book = export_codebook(yml, proj / "问卷定义.xlsx")
    wb, ws, head, col = _sheet(book)
    r = _row_of(ws, col, head, "题目", "您的身份")
    ws.cell(r, col["分组顺序"]).value = None                    # no longer a group
    r = _row_of(ws, col, head, "题目", "您对本村党建引领扶贫工作的总体满意程度")
    ws.cell(_row_of(ws, col, head, "选项", "一般", after=r), col["满意/知晓项"]).value = "是"
    ws.insert_rows(r + 6)                                       # a sixth option, typed in
    for k, v in {"类别": "选项", "文字": "说不清", "编码": "9", "分值": 0}.items():
        ws.cell(r + 6, col[k]).value = v
    wb.save(book)
    os.utime(book, (time.time() + 5, time.time() + 5))
    qn = import_codebook(book, yml)
    assert qn.groups == ["township", "village"]
    o = qn.by_id()["overall"]
    assert o.satisfied == [3, 4, 5] and (o.options[-1].code, o.options[-1].label, o.options[-1].score) == (9, "说不清", 0.0)
    d = yaml.safe_load(yml.read_text(encoding="utf-8"))
    assert d["groups"] == ["township", "village"]
    assert (proj / "questionnaire.yml.bak").exists()
    assert same(load_questionnaire(yml), qn)


def test_mistakes_are_named_by_sheet_row_and_column(tmp_path):
    book = export_codebook(ROOT / "surveys/poverty-alleviation/questionnaire.yml", tmp_path / "b.xlsx")
    wb, ws, head, col = _sheet(book)
    r_type = _row_of(ws, col, head, "题目", "您的身份")
    ws.cell(r_type, col["题型"]).value = "单项选择"
    r_q = _row_of(ws, col, head, "题目", "您对本村党建引领扶贫工作的总体满意程度")
    r_opt = _row_of(ws, col, head, "选项", "不满意", after=r_q)
    ws.cell(r_opt, col["分值"]).value = None                    # a scale option without a score
    r_dup = _row_of(ws, col, head, "选项", "一般", after=r_q)
    ws.cell(r_dup, col["编码"]).value = 1                       # the same code as 非常不满意
    ws.cell(r_q, col["必答"]).value = "也许"
    wb.save(book)
    with pytest.raises(QuestionnaireError) as e:
        questionnaire_from_workbook(book)
    msg = str(e.value)
    assert str(book) in msg
    assert f"工作表「题目与选项」第{r_type}行「题型」列：「单项选择」无法识别" in msg
    assert f"第{r_q}行「必答」列：「也许」应填“是”或留空" in msg
    # the cell problems come first; fixed, the model's own checks name their rows
    ws.cell(r_type, col["题型"]).value = "单选题"
    ws.cell(r_q, col["必答"]).value = "是"
    wb.save(book)
    with pytest.raises(QuestionnaireError) as e:
        questionnaire_from_workbook(book)
    msg = str(e.value)
    assert f"第{r_dup}行「编码」列：选项编码1与 options[0] 重复" in msg


def test_unknown_columns_and_orphan_rows_are_refused(tmp_path):
    book = export_codebook(ROOT / "surveys/village-residents/questionnaire.yml", tmp_path / "b.xlsx")
    wb, ws, head, col = _sheet(book)
    ws.cell(head, ws.max_column + 1).value = "备注"
    ws.cell(head + 1, ws.max_column).value = "看一下"
    ws.cell(head + 1, col["类别"]).value = "选项"             # an option before any question
    wb.save(book)
    with pytest.raises(QuestionnaireError) as e:
        questionnaire_from_workbook(book)
    assert "「备注」列：这一列不认识" in str(e.value)
    assert f"第{head + 1}行「类别」列：选项行之前没有题目行" in str(e.value)


def test_drop_downs_and_text_cells(tmp_path):
    book = export_codebook(ROOT / "surveys/poverty-alleviation/questionnaire.yml", tmp_path / "b.xlsx")
    wb, ws, head, col = _sheet(book)
    lists = {}
    for dv in ws.data_validations.dataValidation:
        c = str(dv.sqref).split(":")[0].rstrip("0123456789")
        lists[ws.cell(head, col_index(c)).value] = dv.formula1.strip('"').split(",")
    assert lists["题型"] == ["单选题", "多选题", "矩阵题", "量表题", "填空题", "排序题", "是非题"]
    assert lists["满意/知晓项"] == lists["反向计分"] == lists["必答"] == ["是"]
    assert lists["用途"] == ["分组", "总体满意度", "受访者编号", "样本基本情况"]
    assert "电话号码" in lists["个人信息"] and lists["方向"] == ["越大越好", "越小越好"]
    assert ws.cell(head + 2, col["文字"]).number_format == "@"     # labels typed later stay text
    assert ws.freeze_panes == f"A{head + 1}"
    assert wb.sheetnames == ["题目与选项", "问卷设置", "填写说明"]


def col_index(letters: str) -> int:
    from openpyxl.utils import column_index_from_string

    return column_index_from_string(letters)


def test_import_refuses_to_overwrite_later_yaml_edits(tmp_path):
    yml = tmp_path / "questionnaire.yml"
    shutil.copyfile(ROOT / "surveys/village-residents/questionnaire.yml", yml)
    book = export_codebook(yml, tmp_path / "问卷定义.xlsx")
    os.utime(yml, (time.time() + 10, time.time() + 10))          # edited after the export
    with pytest.raises(QuestionnaireError, match="被修改过"):
        import_codebook(book, yml)
    assert same(import_codebook(book, yml, force=True), load_questionnaire(ROOT / "surveys/village-residents/questionnaire.yml"))


def test_command_line_export_and_import(tmp_path, capsys):
    proj = tmp_path / "p"
    shutil.copytree(ROOT / "surveys/member-appraisal", proj)
    assert main(["codebook", "export", str(proj)]) == 0
    assert (proj / "问卷定义.xlsx").exists() and "make codebook-import" in capsys.readouterr().out
    assert main(["codebook", "export", str(proj)]) == 2              # not overwritten silently
    assert "--force" in capsys.readouterr().err
    os.utime(proj / "问卷定义.xlsx", (time.time() + 5, time.time() + 5))
    assert main(["codebook", "import", str(proj)]) == 0
    out = capsys.readouterr().out
    assert "已读回" in out and "题目用途" in out


def test_workbook_prints(tmp_path, office):
    from kit.render import render_xlsx
    from kit.render.checks import check_xlsx
    from kit.render.pdf import read_pdf

    book = render_xlsx(codebook_workbook(load_questionnaire(ROOT / "surveys/poverty-alleviation/questionnaire.yml")),
                       tmp_path / "问卷定义.xlsx")
    # a form to fill in, not a document to hand in: its 编号 column holds the ids on purpose
    assert [p for p in check_xlsx(book) if "代码没有中文标签" not in p] == []
    pages = read_pdf(office([book], tmp_path / "pdf")[0])
    assert "问卷定义" in pages[0].text and "满意/知晓项" in pages[0].text
    assert all(p.width > p.height for p in pages[:1])                # wide: landscape
    # every header of the 17 columns is on page 1: one page wide, nothing cut off
    assert all(h.replace("/", "") in pages[0].text.replace("/", "").replace("\n", "")
               for h in ("类别", "文字", "分值", "导出表头", "提示"))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.parent.name)
def test_question_sheet_prints_at_seven_points_or_more(path, tmp_path):
    """Fitted to an A4 landscape page, the 11-point text prints at 7 points or more
    (:data:`kit.render.checks.MIN_PRINTED_PT`): the question text and the hint wrap in
    narrower columns, in rows grown to the lines they hold."""
    from kit.render.checks import MIN_PRINTED_PT, printed_font_size

    book = export_codebook(path, tmp_path / "问卷定义.xlsx")
    wb, ws, head, col = _sheet(book)
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert printed_font_size(ws) >= MIN_PRINTED_PT
    # by hand: 17 columns of W units print 5.25 W + 3.75 x 17 pt wide; 11 pt shown at 7 pt or
    # more on the 770 pt between the margins needs 5.25 W + 63.75 <= 770 x 11 / 7, W <= 218.3
    letters = [ws.cell(head, j).column_letter for j in range(1, ws.max_column + 1)]
    assert sum(ws.column_dimensions[c].width for c in letters) <= 218.3
    for name in ("文字", "提示"):
        cells = [ws.cell(r, col[name]) for r in range(head + 1, ws.max_row + 1) if ws.cell(r, col[name]).value]
        assert all(c.alignment.wrap_text for c in cells)
        assert ws.column_dimensions[letters[col[name] - 1]].width >= 16    # still 8 characters a line
    # a hint longer than its column's line (11-point CJK about 0.9 em wide, less 6 pt of cell
    # margins) wraps, and its row is grown to hold two lines at least (2 x 11 x 1.35 pt)
    from kit.render.text import display_width

    line_pt = (ws.column_dimensions[letters[col["提示"] - 1]].width * 7 + 5) * 0.75 - 6
    long = [r for r in range(head + 1, ws.max_row + 1)
            if display_width(ws.cell(r, col["提示"]).value or "") * 11 * 0.9 > line_pt]
    assert long and all((ws.row_dimensions[r].height or 0) >= 2 * 11 * 1.35 for r in long)


@pytest.mark.parametrize("pair", [("2016_readable", "2016_original"), ("800_800_0_text", "800_800_2_codes")])
def test_codebooks_drafted_from_real_exports_print_legibly(pair, tmp_path, exports):
    from kit.io import parse_export, wjx
    from kit.io.convert import infer_questionnaire
    from kit.io.table import read_table
    from kit.render.checks import check_xlsx

    text, codes = (exports / f"wjx_reportgen_{p}.xls" for p in pair)
    parsed = wjx.pair_wjx(parse_export(text, variant="text"), wjx.parse_wjx(read_table(codes), "codes"))
    qn, _ = infer_questionnaire(parsed, title="草稿")
    book = export_codebook(qn, tmp_path / "b.xlsx")
    assert not [p for p in check_xlsx(book) if "磅" in p]


def test_hints_say_what_the_kit_does_and_what_the_draft_guessed(tmp_path, exports):
    from kit.newproject import new_project

    made = new_project(str(tmp_path / "p"), [str(exports / "wjx_reportgen_2016_readable.xls"),
                                             str(exports / "wjx_reportgen_2016_original.xls")])
    yml = made.root / "questionnaire.yml"
    book = export_codebook(yml, made.root / "问卷定义.xlsx")
    wb, ws, head, col = _sheet(book)
    hints = {ws.cell(r, col["编号"]).value: ws.cell(r, col["提示"]).value
             for r in range(head + 1, ws.max_row + 1) if ws.cell(r, col["类别"]).value == "题目"}
    assert set(hints) == {q.id for q in load_questionnaire(yml).questions}
    assert all(h and "：" in h for h in hints.values())
    guessed = [q for q, h in hints.items() if "起草时的推定，请核对" in h]
    from kit.codebook import draft_checks

    assert guessed == list(draft_checks(yml.read_text(encoding="utf-8")))
    # the hints never push a misreading (issue 13b): Q1 「请问您是中兴员工或有家属在中兴通讯工作吗?」
    # is membership, not awareness; Q13 「…重要性如何?」 rates importance, not satisfaction; Q15
    # 「…整体的满意度如何?(以0-10分为标准…)」 is a satisfaction item and is still suggested
    for qid, why in (("q1", "不是知晓题"), ("q13", "不是满意度题")):
        assert why in hints[qid] and "满意/知晓项" not in hints[qid] and "satisfied: [" not in hints[qid], \
            hints[qid]
    assert "在「满意/知晓项」列为“9分、10分”填“是”" in hints["q15"], hints["q15"]


@pytest.fixture(autouse=True)
def _own_config(tmp_path, monkeypatch):
    """kit new keeps each project's pepper under $XDG_CONFIG_HOME: the test's own folder."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
