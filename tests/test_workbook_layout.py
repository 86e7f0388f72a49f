"""Workbooks an evaluator prints, sorts and filters (issue 17, Excel part, wave 3).

- no cell of a data table is merged down its rows: a group label (the question of a
  by-village breakdown, a level-1 indicator) is repeated on every row, grey after its first;
- no header is an internal name (ip_hash) or without Chinese;
- a sheet printed fitted to its width keeps type of at least 7 points (前后对比.xlsx: 14
  columns on one page printed at about 5 points before);
- notes naming statistical software go to one 方法说明 sheet at the end;
- the indicator template's 评分方法 drop-down and its 填写说明 come from one registry.

The checks themselves (:func:`kit.render.checks.sheet_layout_problems`) run on every workbook of
every sample in tests/test_documents.py; here each is shown to fail on the old layout and
to pass on the new one.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kit.render.checks import check_xlsx, printed_font_size, sheet_layout_problems
from kit.render.excel import METHOD_SHEET, REPEAT_COLOUR, Sheet, Workbook, render_xlsx
from kit.render.model import Column, Row, Table


def _load(path):
    from openpyxl import load_workbook

    return load_workbook(path)


# ------------------------------------------------------------------ 1. no vertical merges
def _group_table(n_items: int = 3, n_groups: int = 30) -> Table:
    rows = [[f"第{i + 1}题：您对村里道路硬化的满意程度", f"第{g + 1}村", 20 + g, (g % 10) / 10]
            for i in range(n_items) for g in range(n_groups)]
    return Table([Column("题目", wide=True), Column("组别"), Column("有效样本", "int"),
                  Column("比例", "percent")], rows, caption="各题按行政村分组", merge=1)


def test_group_label_repeated_on_every_row_not_merged(tmp_path):
    book = Workbook("满意度分析")
    book.add(_group_table(), name="分组：行政村")
    path = render_xlsx(book, tmp_path / "满意度分析.xlsx")
    ws = _load(path)["分组：行政村"]
    # only the title row (A1:D1, across the columns) is merged; 90 body rows from row 3
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:D1"]
    labels = [ws.cell(r, 1).value for r in range(3, 93)]
    # 3 questions x 30 villages: each question's text on all 30 of its rows (hand count)
    assert [labels.count(f"第{i}题：您对村里道路硬化的满意程度") for i in (1, 2, 3)] == [30, 30, 30]
    # the first row of each question in black, its repeats grey
    colours = [ws.cell(r, 1).font.color.rgb if ws.cell(r, 1).font.color else None for r in range(3, 93)]
    assert [k for k, c in enumerate(colours) if c != REPEAT_COLOUR] == [0, 30, 60]
    assert sheet_layout_problems(ws) == [] and check_xlsx(path) == []


def test_subtotal_label_is_not_merged_across_columns(tmp_path):
    t = Table([Column("一级指标"), Column("二级指标"), Column("分值", "points"), Column("得分", "points")],
              [["决策", "立项", 10, 9.5], ["决策", "目标", 10, 10],
               Row(["决策小计", "", 20, 19.5], bold=True, span=2)], caption="得分", merge=2)
    book = Workbook("自评得分")
    book.add(t)
    ws = _load(render_xlsx(book, tmp_path / "x.xlsx"))["得分"]
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:D1"]
    assert [c.value for c in ws[5]] == ["决策小计", None, 20, 19.5]
    assert ws["A4"].value == "决策" and ws["A4"].font.color.rgb == REPEAT_COLOUR


def test_merge_checks_can_fail(tmp_path):
    """A sheet laid out as before (the question merged down its 30 villages, a 小计 label merged
    over two columns) is reported by the check every sample's workbooks go through."""
    from openpyxl import Workbook as WB

    wb = WB()
    ws = wb.active
    ws.title = "分组"
    ws.append(["满意度分析：分组", None, None])
    ws.append(["题目", "组别", "比例"])
    for g in range(30):
        ws.append(["第1题" if g == 0 else None, f"第{g + 1}村", 0.5])
    ws.append(["小计", None, 0.5])
    ws.merge_cells("A1:C1")
    ws.merge_cells("A3:A32")
    ws.merge_cells("A33:B33")
    ws.print_area = "A1:C33"
    problems = "\n".join(sheet_layout_problems(ws))
    assert "A3:A32 上下合并" in problems and "A33:B33 在表格中合并" in problems
    assert "A1:C1" not in problems                         # the title row may span the width


# ------------------------------------------------------------------ 2. Chinese headers
def test_internal_and_ascii_headers_are_reported(tmp_path):
    book = Workbook("质量检查")
    book.add(Table([Column("答卷编号"), Column("ip_hash"), Column("Cohen's d", "number")],
                   [["1", "标记", 0.5], ["2", "标记", 0.1]], caption="标记答卷"))
    ws = _load(render_xlsx(book, tmp_path / "q.xlsx"))["标记答卷"]
    problems = "\n".join(sheet_layout_problems(ws))
    assert "表头「ip_hash」是程序内部名称" in problems and "表头「Cohen's d」没有中文" in problems


def test_quality_notes_name_hashed_columns_in_chinese():
    from kit.tables import hashed_names

    note = "个人信息列已加盐哈希（原值不保留）：来自IP→ip_hash、联系电话→phone_hash、身份证号→id_card_2_hash"
    assert hashed_names(note) == ("个人信息列已加盐哈希（原值不保留）：来自IP（已脱敏编码）、联系电话（已脱敏编码）、"
                                  "身份证号（已脱敏编码）")


def test_quality_workbook_has_no_internal_names(tmp_path):
    """质量检查.xlsx of the village-residents sample (its export has 来自IP and a 受访者编号
    question, both hashed): no snake_case name in any cell, every header in Chinese."""
    import re

    import kit
    from kit.tables import write_quality_workbook

    r = kit.load_project("surveys/village-residents").load()
    path = write_quality_workbook(r, tmp_path / "质量检查.xlsx")
    cells = [str(c.value) for ws in _load(path).worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)]
    assert [c for c in cells if re.search(r"[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+", c)] == []
    assert any("来自IP（已脱敏编码）" in c for c in cells)           # said, not hidden
    assert check_xlsx(path) == []


# ------------------------------------------------------------------ 3. legible print
def test_printed_font_size_from_column_widths(tmp_path):
    """14 columns 12 units wide: (12 x 7 + 5) x 0.75 = 66.75 pt each, 934.5 pt in all; a landscape
    A4 page holds 842 - 72 x (0.5 + 0.5) = 770 pt: scale 770/934.5, 11 pt -> 9.06 pt. 28 such
    columns: 11 x 770/1869 = 4.53 pt, reported."""
    from openpyxl import Workbook as WB
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    for n, expected in ((14, 9.1), (28, 4.5)):
        wb = WB()
        ws = wb.active
        ws.append([f"列{j}" for j in range(n)])
        ws.append(list(range(n)))
        for c in ws[2]:
            c.font = Font(size=11)
        for j in range(1, n + 1):
            ws.column_dimensions[get_column_letter(j)].width = 12
        ws.page_setup.orientation = "landscape"
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.print_area = f"A1:{get_column_letter(n)}2"
        assert printed_font_size(ws) == expected
        assert ("小于7磅" in "\n".join(sheet_layout_problems(ws))) == (expected < 7)


def _wave_frame(paired: bool = True) -> pd.DataFrame:
    from kit.render.model import Shown

    t = pd.DataFrame({"题目": ["您对村务公开的满意程度", "您对党员联系户的满意程度"],
                      "基线满意率": ["80.0%", "75.5%"], "跟踪满意率": ["85.0%", "80.0%"],
                      "变化（百分点）": ["+5.0", "+4.5"], "95%置信区间": ["−1.2至+11.2", "−2.0至+11.0"],
                      "基线均分": ["4.10", "3.90"], "跟踪均分": ["4.30", "4.05"],
                      "Welch t检验P": pd.Series([Shown.pvalue(0.0004), Shown.pvalue(0.21)], dtype=object),
                      "Cohen's d": ["0.25", "0.12"]})
    if paired:
        t["配对人数"] = [120, 118]
        t["配对均分变化"] = ["0.20", "0.15"]
        t["配对t检验P"] = pd.Series([Shown.pvalue(0.003), Shown.pvalue(0.3)], dtype=object)
        t["McNemar检验P"] = pd.Series([Shown.pvalue(0.04), Shown.pvalue(0.5)], dtype=object)
    return t


@pytest.mark.parametrize("paired", [True, False])
def test_change_workbook_splits_the_wave_table(tmp_path, paired):
    from kit.tables import write_change_workbook

    path = write_change_workbook({"两轮问卷": _wave_frame(paired)}, tmp_path / "前后对比.xlsx")
    wb = _load(path)
    assert wb.sheetnames == ["两轮问卷", "两轮问卷（检验）"]
    heads = {ws.title: [c.value for c in ws[2]] for ws in wb.worksheets}
    assert heads["两轮问卷"] == ["题目", "基线满意率", "跟踪满意率", "变化（百分点）", "变化的95%置信区间",
                             "基线均分", "跟踪均分"]
    assert heads["两轮问卷（检验）"] == ["题目", "差异检验P值（Welch t检验）", "效应量（Cohen's d）"] + (
        ["配对人数", "配对均分变化", "配对差异检验P值（配对t检验）", "满意与否变化检验P值（McNemar检验）"]
        if paired else [])
    ws = wb["两轮问卷（检验）"]
    assert (ws["B3"].value, ws["B3"].number_format) == (0.0004, '[<0.001]"<0.001";0.000')   # kept as value
    assert check_xlsx(path) == []
    assert all(len(h) <= 9 for h in heads.values())
    assert all(printed_font_size(ws) >= 7 for ws in wb.worksheets)


# ------------------------------------------------------------------ 4. 方法说明
def test_software_notes_move_to_one_method_sheet(tmp_path):
    from kit.design import lonely_psu_note

    soft = ("注：标准误用泰勒线性化计算，抽样单元按有放回抽取处理（与Stata svy、R survey包不设有限总体校正时相同）。"
            + lonely_psu_note("adjust", ["城关镇"], "一个村"))
    quart = "四分位数按线性插值（与 Excel 的 QUARTILE.INC、R 的 quantile(type = 7) 相同）。"
    book = Workbook("满意度分析")
    book.add(Table([Column("题目"), Column("加权估计", "percent")], [["总体", 0.9]], caption="加权估计",
                   notes=[soft, "注：比例的分母为有效答卷。"]))
    book.sheets.append(Sheet("逐题统计", "逐题统计",
                             [Table([Column("统计量"), Column("值", "number")], [["中位数", 3.0]], caption=f"第{k}题",
                                    notes=[quart]) for k in (1, 2)]))
    path = render_xlsx(book, tmp_path / "满意度分析.xlsx")
    wb = _load(path)
    assert wb.sheetnames[-1] == METHOD_SHEET
    texts = {ws.title: [str(c.value) for row in ws.iter_rows() for c in row if c.value] for ws in wb.worksheets}
    for name in ("加权估计", "逐题统计"):
        assert not any(w in t for t in texts[name] for w in ("Stata", "R survey", "R 的", "Excel 的")), name
    assert "注：计算方法见「方法说明」工作表第1条。" in texts["加权估计"]
    assert "注：比例的分母为有效答卷。" in texts["加权估计"]
    assert texts["逐题统计"].count("注：计算方法见「方法说明」工作表第2条。") == 2
    ws = wb[METHOD_SHEET]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    assert [c.value for c in ws[2]] == ["序号", "适用的工作表", "计算方法", "与统计软件的对应"]
    assert rows[0] == [1, "加权估计", "标准误用泰勒线性化计算，抽样单元按有放回抽取处理。只有一个村的层（城关镇）以总体均值为中心"
                       "计算其方差。", '与Stata svy、R survey包不设有限总体校正时相同；R survey包 lonely.psu = "adjust"，'
                       "Stata singleunit(centered)"]
    assert rows[1] == [2, "逐题统计", "四分位数按线性插值。", "与 Excel 的 QUARTILE.INC、R 的 quantile(type = 7) 相同"]
    assert check_xlsx(path) == []


# ------------------------------------------------------------------ 5. rule drop-down
def _template(tmp_path, framework="2020"):
    from kit.selfassessment import write_indicator_template

    book, _ = write_indicator_template(framework, tmp_path)
    return _load(book)


def test_rule_drop_down_and_guide_come_from_the_registry(tmp_path):
    from kit.indicators import RULE_GUIDE, RULES, rule_choices, split_rule

    wb = _template(tmp_path)
    ws = wb["自评指标"]
    (dv,) = [d for d in ws.data_validations.dataValidation if "F2" in str(d.sqref)]
    offered = dv.formula1.strip('"').split(",")
    assert offered == rule_choices()
    # both ways: every canonical rule the reader accepts is offered, every offered entry is read
    assert {RULES[split_rule(c)[0]] for c in offered} == set(RULES.values())
    assert "等于" in offered and "阈值:<=" in offered and "阈值" in offered
    # the 填写说明 sheet explains exactly the registry's entries, in its order
    guide = [r[0] for r in wb["填写说明"].iter_rows(min_row=2, values_only=True) if r[0] and r[0] != "说明"]
    assert guide == [g.written for g in RULE_GUIDE]
    # every drop-down entry is explained by a 填写说明 row (扣分:1 by 扣分:N)
    for c in offered:
        assert any(c in g.choices for g in RULE_GUIDE if g.written in guide), c


def test_every_drop_down_entry_scores(tmp_path):
    """Each drop-down entry typed into the template is read and scored by its rule: exact
    hand computations on 10 points (比例 95/100 -> 9.5; 反向比例 5/8 -> 6.25; 等于 95/100 -> 9.5;
    阈值 96% >= 95% -> 10; 阈值:<= 3% <= 5% -> 10; 三档 达成 -> 10; 扣分:1/2/5 x 1 -> 9/8/5;
    是否 是 -> 10; 手工 8.5; 一票否决 and 前置条件 是, 0 points)."""
    from kit.indicators import assess, load_method, read_indicators, rule_choices
    from kit.selfassessment import method_yaml

    wb = _template(tmp_path, "2020")
    ws = wb["自评指标"]
    filled = {"比例": ("100%", "95%", None, 10, 9.5), "反向比例": ("5天", "8天", None, 10, 6.25),
              "等于": ("=100%", "95%", None, 10, 9.5), "阈值": ("95%", "96%", None, 10, 10),
              "阈值:<=": ("≤5%", "3%", None, 10, 10), "三档": ("达成预期指标", "达成预期指标", None, 10, 10),
              "扣分:1": ("0次", "1", None, 10, 9), "扣分:2": ("0次", "1", None, 10, 8),
              "扣分:5": ("0次", "1", None, 10, 5), "是否": ("是", "是", None, 10, 10),
              "手工": ("完成", "完成", 8.5, 10, 8.5), "一票否决": ("是", "是", None, 0, 0),
              "前置条件": ("是", "是", None, 0, 0)}
    assert set(filled) == set(rule_choices())
    ws.delete_rows(2, ws.max_row)
    for k, (rule, (target, actual, score, points, _)) in enumerate(filled.items()):
        ws.append(["决策（110分）", "指标", f"指标{k + 1}", points, None, rule, target, actual, score,
                   "手工评分理由" if rule in ("手工", "反向比例", "比例", "等于") or str(rule).startswith("扣分")
                   else None, None])
    wb.save(tmp_path / "indicators.xlsx")
    (tmp_path / "method.yml").write_text(method_yaml("custom", {"决策": 110}), encoding="utf-8")
    a = assess(read_indicators(tmp_path / "indicators.xlsx"), load_method(tmp_path / "method.yml"))
    got = {i.level3: i.score for i in a.indicators}
    assert got == {f"指标{k + 1}": v[4] for k, v in enumerate(filled.values())}


def test_template_level_labels_repeat_not_merge(tmp_path):
    ws = _template(tmp_path, "2013")["自评指标"]
    assert list(ws.merged_cells.ranges) == []
    assert [ws.cell(r, 1).value for r in range(2, 7)] == ["投入（20分）"] * 5
    assert ws.cell(3, 1).font.color.rgb == REPEAT_COLOUR


def test_statistics_headers_in_chinese():
    from kit.tables import _chinese_headers

    t = pd.DataFrame({"维度": ["服务"], "Cronbach's α": ["0.812"], "KMO": ["0.734"]})
    t.attrs["note"] = "注：……"
    out = _chinese_headers(t)
    assert list(out.columns) == ["维度", "信度系数（Cronbach's α）", "因子分析适合度（KMO）"]
    assert out.attrs == {"note": "注：……"}


def test_village_residents_satisfaction_workbook(tmp_path):
    """满意度分析.xlsx of the village-residents sample as make report writes it: the 您所在的村
    breakdown has every item on every one of its village rows, no merged cell below the title
    rows, Chinese headers; hand count from the result table: one row per (item, village)."""
    import kit
    from kit.survey_report import analyse_survey
    from kit.tables import write_satisfaction_workbook

    a = analyse_survey(kit.load_project("surveys/village-residents"), compare=False, panel=False)
    res = a.current.satisfaction
    path = write_satisfaction_workbook(res, tmp_path / "满意度分析.xlsx")
    assert check_xlsx(path) == []
    wb = _load(path)
    for ws in wb.worksheets:
        assert all(r.min_row == r.max_row == 1 or r.min_row == r.max_row and r.min_col == 1
                   for r in ws.merged_cells.ranges), ws.title
    by_group = res.by_group
    for g, part in by_group.groupby("group_by", sort=False):
        title = str(part["group_title"].iloc[0])
        ws = next(w for w in wb.worksheets if w.title.startswith("分组") and title[:5] in w.title)
        items = [ws.cell(r, 1).value for r in range(3, 3 + len(part))]
        assert items == list(part["item"]), title   # every row names its item
