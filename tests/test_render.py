"""The rendering layer (kit.render): Chinese typography, Word files to GB/T 9704-2012 and
workbooks an evaluator sends on, checked in their XML and printed to PDF with LibreOffice.

References: GB/T 9704-2012 《党政机关公文格式》 (A4 210 × 297 mm; top margin 37 mm, left
28 mm; text block 156 × 225 mm; 22 lines of 28 characters; title 2号 小标宋, body 3号 仿宋;
headings 一、（一）1.（1）; page numbers 4号 「— 1 —」, odd pages right, even pages left;
成文日期 in Arabic digits, 右空二字 / 首字比署名首字右移二字, §7.3.5.2); the Excel limits on sheet
names (31 characters, none of []:*?/\\); hand computations quoted at each assertion.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

from kit.errors import KitError
from kit.render.checks import check_docx, check_xlsx, docx_tables
from kit.render.excel import Workbook, render_xlsx
from kit.render.model import (Column, Row, Table, cell_text, excel_value, grid_from_spec, grid_from_table,
                              stack_grids)
from kit.render.text import (cn_date, cn_text, display_width, fullwidth, halfwidth_marks,
                             longest_word, looks_numeric, sheet_name)
from kit.render.word import Document, render_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MM_PT = 72 / 25.4


# ------------------------------------------------------------------------------ text
def test_full_width_punctuation_in_chinese_text():
    # the county report's headings as copied from the web (domain.md: documents use full width)
    assert fullwidth("一、投入(总分15分,自评得分15分。)") == "一、投入（总分15分，自评得分15分。）"
    assert fullwidth("1、项目立项(总分10分,自评得分10分。)") == "1、项目立项（总分10分，自评得分10分。）"
    assert cn_text("满意率为98.3%(n=412);达到目标:是!") == "满意率为98.3%（n=412）；达到目标：是！"
    assert cn_text("工作完成.") == "工作完成。"


def test_half_width_kept_where_it_belongs():
    # decimals, thousands, times, GB/T 9704's third-level number 「1.」, Latin text, file names
    for text in ("共1,234人", "10:30", "1.资金到位", "Cronbach's alpha (0.81), p < 0.05",
                 "满意度分析.xlsx", "得分98.25分"):
        assert fullwidth(text) == text, text
        assert halfwidth_marks(text) == []


def test_chinese_quotes_in_body_text():
    assert cn_text("严格执行「三不支出」") == "严格执行“三不支出”"
    assert cn_text('即"两核一审一批"制度') == "即“两核一审一批”制度"
    assert halfwidth_marks("「引号」") == ["「", "」"]


def test_heading_numbers_follow_gbt_9704():
    d = Document("标题")
    d.heading("基本情况")
    d.heading("项目概况", 2)
    d.heading("资金到位", 3)
    d.heading("到位率", 4)
    d.heading("到位时间", 4)
    d.heading("资金使用", 2)
    d.heading("绩效目标完成情况")
    d.heading("二、已编号的标题")  # a number in the text is kept, not doubled
    assert [b.text for b in d.blocks] == ["一、基本情况", "（一）项目概况", "1.资金到位", "（1）到位率",
                                          "（2）到位时间", "（二）资金使用", "二、绩效目标完成情况",
                                          "二、已编号的标题"]


def test_dates_in_arabic_digits():
    assert cn_date(dt.date(2024, 3, 1)) == "2024年3月1日"
    assert cn_date("2023-12-31") == "2023年12月31日"


def test_sheet_names_valid_unique_and_short():
    # Excel: at most 31 characters, none of [ ] : * ? / \, unique ignoring case
    assert sheet_name("分组:乡镇/题目[1]") == "分组_乡镇_题目_1_"
    assert sheet_name("维度", ["维度"]) == "维度（2）"
    assert sheet_name("维度", ["维度", "维度（2）"]) == "维度（3）"
    long = sheet_name("按行政村分组的各题满意率及其95%置信区间和组间差异检验结果汇总", [])
    assert len(long) == 31
    assert len(sheet_name("按行政村分组的各题满意率及其95%置信区间和组间差异检验结果汇总", [long])) == 31


def test_numeric_looking_text():
    assert all(map(looks_numeric, ["98.3%", "4.65", "<0.001", "-2", "1,234", "0.5", "100"]))
    # identifiers are not numbers: leading zeros, an 18-digit ID number; words are not
    assert not any(map(looks_numeric, ["007", "110101199003071234", "3（并列）", "第3轮", "—", ""]))


def test_widths_and_unbreakable_words():
    # a CJK character is one cell, a digit half: 「满意率98.3%」 = 3 + 5 × 0.5
    assert display_width("满意率98.3%") == 5.5
    assert longest_word("满意率95%置信区间") == 4      # 置信区间
    assert longest_word("<0.001") == 3                # 6 half-width characters
    assert longest_word("第一党支部") == 5              # a short name is kept whole


# ------------------------------------------------------------------------------ values
def test_numbers_rounded_half_up_for_word_and_excel():
    pct, pts, num = Column("满意率", "percent"), Column("得分", "points"), Column("均值", "number")
    # 405/412 = 0.983009…: 98.3%; stored 0.983 (the shown value)
    assert cell_text(Fraction(405, 412), pct) == "98.3%"
    assert excel_value(Fraction(405, 412), pct) == (0.983, "0.0%")
    # 2.675 is 2.67499999… in binary; the decimal value 2.675 rounds half up to 2.68
    assert cell_text(2.675, num) == "2.68" and excel_value(2.675, num) == (2.68, "0.00")
    # points: two places at most, no trailing zeros: 9.625 -> 9.63, 15 -> 15
    assert cell_text(9.625, pts) == "9.63" and excel_value(Decimal("15.00"), pts) == (15, "General")
    # a p-value below 0.001 keeps its value and displays <0.001
    p = Column("p值", "pvalue")
    assert excel_value(0.00042, p) == (0.00042, '[<0.001]"<0.001";0.000')
    assert excel_value(0.0315, p) == (0.032, '[<0.001]"<0.001";0.000')
    assert cell_text(0.00042, p) == "<0.001" and cell_text(0.0315, p) == "0.032"
    # 万元 with two decimals
    assert excel_value(Fraction(8005, 10), Column("资金", "wan")) == (800.5, "0.00")


def test_codes_get_chinese_labels():
    col = Column("原因", labels={"speeder": "用时过短", "duplicate_phone": "手机号重复"})
    assert cell_text("speeder;duplicate_phone", col) == "用时过短、手机号重复"
    assert excel_value("speeder", col) == ("用时过短", None)


def test_frame_keeps_numbers_written_as_text():
    df = pd.DataFrame({"题目": ["q1"], "满意率": ["98.3%"], "平均分": ["4.65"], "名次": ["3（并列）"],
                       "编号": ["007"]})
    t = Table.from_frame(df, caption="题目满意度")
    v = t.rows[0]
    assert (v[1].value, v[1].fmt, v[2].value, v[2].fmt) == (0.983, "0.0%", 4.65, "0.00")
    assert v[3] == "3（并列）" and v[4] == "007"


# ------------------------------------------------------------------------------ forms
def test_layout_errors_name_the_key():
    with pytest.raises(KitError, match=r"cells\[1\]\.at"):
        grid_from_spec({"cells": [{"at": "A1", "text": "项目名称"}, {"at": "B0", "field": "x"}]})
    with pytest.raises(KitError, match="重叠"):
        grid_from_spec({"cells": [{"at": "A1:B1", "text": "a"}, {"at": "B1", "field": "x"}]})
    with pytest.raises(KitError, match=r"cells\[0\]\.limit"):
        grid_from_spec({"cells": [{"at": "A1", "field": "x", "limit": "100字"}]})
    with pytest.raises(KitError, match="不认识的键 colour"):
        grid_from_spec({"cells": [{"at": "A1", "text": "a", "colour": "red"}]})
    with pytest.raises(KitError, match="orientation"):
        grid_from_spec({"orientation": "sideways", "cells": [{"at": "A1", "text": "a"}]})


def test_layout_fields_limits_and_placeholders():
    g = grid_from_spec({"cells": [{"at": "A1", "text": "评价结论"}, {"at": "B1:D1", "field": "conclusion", "limit": 10},
                                  {"at": "A2", "text": "存在问题"}, {"at": "B2:D2", "field": "problems"}]})
    text = "项目总体完成较好，资金使用规范，群众满意。"  # 21 characters, punctuation included
    filled, warnings = g.fill({"conclusion": text})
    assert filled.cells[1].value == text                  # written all the same
    assert warnings == ["「评价结论」21字，超过表样限定的10字；已照写，请压缩"]
    assert filled.cells[3].value == "【请填写：存在问题】"


# ------------------------------------------------------------------------------ Word
def _report(tmp_path, rows: int = 40):
    """A report with every element of the layer: headings of four levels, a long paragraph,
    a long table with merged level-1 cells and a prose column, a figure, references, the
    附件 note, 落款 and date, an attachment."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig_path = tmp_path / "图.png"
    fig, ax = plt.subplots(figsize=(4, 2))
    ax.bar([1, 2, 3], [3, 1, 2])
    fig.savefig(fig_path, dpi=80)
    plt.close(fig)
    d = Document("党建引领扶贫工程绩效自评报告")
    d.paragraph("xx县委组织部依据《党建引领扶贫工程绩效评价办法》,开展自评,得分98分,评价等级为「优秀」。现将自评情况报告如下:")
    d.heading("基本情况")
    d.heading("项目概况", 2)
    d.paragraph("项目实施情况良好，各项指标完成情况见" + d.ref("scores") + "，满意率见" + d.ref("fig") + "。")
    d.heading("资金投入和使用情况", 2)
    d.heading("资金到位", 3)
    d.heading("到位率", 4)
    d.paragraph("资金到位率100%。" + "项目实施过程规范。" * 60)
    body = []
    sections = ("投入", "过程", "产出", "效果")
    for i in range(rows):
        sec = sections[i * len(sections) // rows]
        body.append([sec, f"二级指标{i // 3 + 1}", f"指标{i + 1}", 10, 9.625 if i % 2 else 10,
                     f"〔起{i + 1}〕" + "资金拨付凭证；审计发现问题清单；审计报告。" * (1 + i % 3) + f"〔止{i + 1}〕"])
    body.append(Row(["合计", "", "", 400, 392.5, ""], bold=True, span=3))
    d.table(Table([Column("一级指标"), Column("二级指标"), Column("三级指标"), Column("分值", "points"),
                   Column("得分", "points"), Column("说明", wide=True)], body, caption="绩效自评得分表",
                  key="scores", merge=2, style="grid", notes=["注：得分四舍五入，保留两位小数。"]))
    d.figure(fig_path, "各题满意率", key="fig", width_mm=100)
    d.heading("存在的问题及原因分析")
    d.paragraph("扣分情况见" + d.ref("scores") + "。")
    d.attachment_list(["满意度调查方法说明"])
    d.signature("中共xx县委组织部", dt.date(2024, 3, 1))
    d.attachment("满意度调查方法说明")
    d.paragraph("采用事后分层加权，设计效应1.2。")
    path = render_docx(d, tmp_path / "报告.docx")
    return path, d


def test_docx_follows_gbt_9704(tmp_path):
    path, d = _report(tmp_path)
    assert check_docx(path, signed=True) == []
    assert d.warnings == []
    from docx import Document as Docx

    doc = Docx(str(path))
    sec = doc.sections[0]
    # GB/T 9704 §5.2.1-5.2.2 in twips (1 mm = 56.69 twips): 210 × 297, top 37, left 28,
    # right 210 − 28 − 156 = 26, bottom 297 − 37 − 225 = 35
    assert (sec.page_width.mm, sec.page_height.mm) == pytest.approx((210, 297), abs=0.05)
    assert (sec.top_margin.mm, sec.left_margin.mm, sec.right_margin.mm, sec.bottom_margin.mm) == \
        pytest.approx((37, 28, 26, 35), abs=0.05)
    st = doc.styles
    assert (st["Title"].font.size.pt, st["Normal"].font.size.pt) == (22, 16)     # 2号, 3号
    fonts = {name: st[name].element.rPr.rFonts.get(W + "eastAsia")
             for name in ("Title", "Normal", "Heading 1", "Heading 2", "Heading 3", "Heading 4")}
    assert fonts == {"Title": "方正小标宋简体", "Normal": "仿宋_GB2312", "Heading 1": "黑体",
                     "Heading 2": "楷体_GB2312", "Heading 3": "仿宋_GB2312", "Heading 4": "仿宋_GB2312"}
    assert not st["Heading 1"].font.bold and st["Title"].element.pPr.find(W + "pBdr") is None
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        font_table = z.read("word/fontTable.xml").decode()
        assert b"en-US" not in z.read("word/styles.xml") + z.read("word/settings.xml")
    assert "docProps/thumbnail.jpeg" not in names
    assert '<w:altName w:val="仿宋"/>' in font_table  # Windows Word without 仿宋_GB2312 uses 仿宋
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "党建引领扶贫工程绩效自评报告"
    assert "开展自评，得分98分，评价等级为“优秀”。现将自评情况报告如下：" in texts[1]
    assert "表1　绩效自评得分表" in texts and "图1　各题满意率" in texts
    assert any("各项指标完成情况见表1，满意率见图1。" in t for t in texts)


def test_signature_follows_gbt_9704(tmp_path):
    path, _ = _report(tmp_path, rows=4)
    from docx import Document as Docx

    paras = Docx(str(path)).paragraphs
    org = next(p for p in paras if p.text == "中共xx县委组织部")
    date = next(p for p in paras if p.text == "2024年3月1日")
    # 右空二字: 2 × 16 pt; the date (6 cells: 2024 = 2, 3 and 1 half each, 年月日 3) starts two
    # characters right of the name (8 cells): its right indent is 8 − 6 = 2 characters as well
    assert org.paragraph_format.right_indent.pt == 32
    assert date.paragraph_format.right_indent.pt == 32
    assert org.alignment == date.alignment == 2  # right


def test_tables_sized_from_content_headers_repeat_rows_whole(tmp_path):
    path, _ = _report(tmp_path)
    from docx import Document as Docx

    t = Docx(str(path)).tables[0]
    tbl = t._tbl
    rows = tbl.tr_lst
    assert rows[0].trPr.find(W + "tblHeader") is not None
    assert all(tr.trPr.find(W + "cantSplit") is not None for tr in rows)
    widths = [int(g.get(W + "w")) for g in tbl.tblGrid.findall(W + "gridCol")]
    assert widths.index(max(widths)) == 5                       # 说明 is the widest column
    assert sum(widths) == pytest.approx(156 * 1440 / 25.4, abs=6)  # the full text block
    # level-1 cells merged: four runs of ten rows (投入 … 效果) become eight cells, not 40: a
    # merged cell holds at most MERGE_MAX = 8 rows (⌈10/8⌉ = 2 pieces of 5), so that no merged
    # cell runs over a page break and every page shows its group's label
    starts = [tc for tr in rows for tc in tr.tc_lst[:1]
              if tc.tcPr is not None and tc.tcPr.find(W + "vMerge") is not None
              and tc.tcPr.find(W + "vMerge").get(W + "val") == "restart"]
    assert [t.cell(rows.index(tc.getparent()), 0).text for tc in starts] == \
        ["投入", "投入", "过程", "过程", "产出", "产出", "效果", "效果"]
    assert [rows.index(tc.getparent()) for tc in starts] == [1, 6, 11, 16, 21, 26, 31, 36]
    assert docx_tables(path)[0][-1][:3] == ["合计", "400", "392.5"]


def test_docx_checks_can_fail(tmp_path):
    """What python-docx writes by itself (and what the kit wrote before this layer) fails."""
    from docx import Document as Docx

    doc = Docx()
    doc.add_paragraph("自评报告", style="Title")
    doc.add_heading("一、投入(总分15分,自评得分15分。)", level=1)
    doc.add_paragraph("「资金使用合规性」扣2分")
    t = doc.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "一级指标", "说明"
    t.cell(1, 0).text, t.cell(1, 1).text = "投入", "资金拨付凭证。审计发现问题清单。"
    path = tmp_path / "plain.docx"
    doc.save(path)
    problems = "\n".join(check_docx(path, signed=True))
    for expected in ("纸张不是A4", "页边距", "en-US", "w:eastAsia", "标题样式带有下划线", "奇偶页",
                     "半角标点 (,)", "「」引号", "w:tblHeader", "w:cantSplit", "成文日期"):
        assert expected in problems, expected


def test_docx_deterministic_and_references_checked(tmp_path):
    a, _ = _report(tmp_path)
    b = tmp_path / "again"
    b.mkdir()
    (tmp_path / "图.png").rename(b / "图.png")
    c, _ = _report(b)
    assert a.read_bytes() == c.read_bytes()
    d = Document("x")
    d.paragraph("见" + d.ref("nowhere"))
    with pytest.raises(KitError, match="nowhere"):
        render_docx(d, tmp_path / "x.docx")


def test_empty_table_in_word_is_a_sentence(tmp_path):
    d = Document("台账")
    label = d.table(Table([Column("支部"), Column("说明")], [], caption="连续靠后", empty="没有支部连续两轮排名靠后。"))
    d.table(Table([Column("支部")], [["第一支部"]], caption="各轮排名"))
    assert label == ""
    path = render_docx(d, tmp_path / "t.docx")
    from docx import Document as Docx

    texts = [p.text for p in Docx(str(path)).paragraphs]
    assert "没有支部连续两轮排名靠后。" in texts and "表1　各轮排名" in texts


# ------------------------------------------------------------------------------ Excel
def _workbook(tmp_path, n: int = 60):
    wb = Workbook("满意度分析", labels={"speeder": "用时过短", "duplicate_phone": "手机号重复"})
    items = [[f"您对村里第{i + 1}项工作（道路硬化、环境整治、便民服务）的满意程度", "服务", 400 + i,
              Fraction(380 + i, 400 + i), 4.2 + i / 40, 0.00042 if i % 2 else 0.0315, Fraction(8005 + i, 10)]
             for i in range(n)]
    wb.add(Table([Column("题目", wide=True), Column("维度"), Column("有效样本", "int"),
                  Column("满意率", "percent"), Column("平均分", "number"), Column("p值", "pvalue"),
                  Column("资金（万元）", "wan")], items, caption="各题满意度",
                 notes=["注：满意率为“满意”与“非常满意”之和占有效答卷的比例。"]), name="题目满意度")
    wb.add(Table([Column("答卷编号"), Column("原因"), Column("说明", wide=True)],
                 [["007", "speeder;duplicate_phone", "=SUM(A1)"], ["R12", "speeder", "-3分"]],
                 caption="标记答卷"), name="分组:标记/答卷")
    wb.add(Table([Column("题目"), Column("净推荐值", "number")], [], caption="净推荐值",
                 empty="问卷中没有推荐意愿题"))
    return render_xlsx(wb, tmp_path / "满意度分析.xlsx"), wb


def test_workbook_numbers_are_numbers_with_formats(tmp_path):
    from openpyxl import load_workbook

    path, book = _workbook(tmp_path)
    assert check_xlsx(path) == [] and book.warnings == []
    wb = load_workbook(path)
    ws = wb["题目满意度"]
    assert ws["A1"].value == "各题满意度"                         # the title row
    assert [c.value for c in ws[2]] == ["题目", "维度", "有效样本", "满意率", "平均分", "p值", "资金（万元）"]
    r = ws[3]
    # 380/400 = 0.95 exactly; 4.2; p 0.0315 -> 0.032 (half up); 800.5 万元
    assert [(c.value, c.number_format) for c in r[2:]] == [
        (400, "0"), (0.95, "0.0%"), (4.2, "0.00"), (0.032, '[<0.001]"<0.001";0.000'), (800.5, "0.00")]
    assert (ws["F4"].value, ws["F4"].number_format) == (0.00042, '[<0.001]"<0.001";0.000')
    assert ws.freeze_panes == "A3" and ws.print_title_rows == "$2:$2"
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_area == "'题目满意度'!$A$1:$G$63"   # title, header, 60 rows, the note


def test_workbook_text_is_safe_and_codes_are_labelled(tmp_path):
    from openpyxl import load_workbook

    path, _ = _workbook(tmp_path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["题目满意度", "分组_标记_答卷", "说明"]
    ws = wb["分组_标记_答卷"]
    assert [c.value for c in ws[3]] == ["007", "用时过短、手机号重复", "=SUM(A1)"]
    assert ws["C3"].data_type == "s" and ws["C3"].quotePrefix   # shown as typed, never run
    assert ws["C4"].value == "-3分" and ws["C4"].quotePrefix
    note = wb["说明"]
    assert [c.value for c in note["A"]] == ["满意度分析：说明", "以下表格没有数据，未列出：",
                                           "1. 净推荐值：问卷中没有推荐意愿题"]


def test_workbook_checks_can_fail(tmp_path):
    """A workbook written the way the kit wrote them before this layer fails the checks."""
    from openpyxl import Workbook as WB

    wb = WB()
    ws = wb.active
    ws.title = "分组_township_item_1"
    ws.append(["题目", "满意率", "p值", "原因"])
    ws.append(["q1", "98.3%", "<0.001", "speeder"])
    ws.append(["q2", "91.0%", "0.215", "duplicate_phone"])
    ws.append(["q3", "91.0%", "0.215", "straightline"])
    path = tmp_path / "old.xlsx"
    wb.save(path)
    problems = "\n".join(check_xlsx(path))
    for expected in ("数字存成了文本", "表头没有冻结", "打印区域", "宽度调整为1页", "A4", "打印标题行",
                     "代码没有中文标签", "内部代号"):
        assert expected in problems, expected


def test_workbook_deterministic(tmp_path):
    a, _ = _workbook(tmp_path)
    (tmp_path / "b").mkdir()
    b, _ = _workbook(tmp_path / "b")
    assert a.read_bytes() == b.read_bytes()


def _form():
    """A 自评表-like form: a fixed head from a layout, indicator rows from a table, a fixed
    foot with a character-limited field."""
    head = grid_from_spec({"title": "项目支出绩效自评表", "widths": [8, 10, 14, 6, 6, 20], "header_rows": 0,
                           "cells": [{"at": "A1", "text": "项目名称"}, {"at": "B1:F1", "field": "name"},
                                     {"at": "A2", "text": "主管部门"}, {"at": "B2:C2", "field": "dept"},
                                     {"at": "D2", "text": "实施单位"}, {"at": "E2:F2", "field": "unit"}]})
    rows = grid_from_table(Table(
        [Column("一级指标"), Column("二级指标"), Column("三级指标"), Column("分值", "points"),
         Column("得分", "points"), Column("偏差原因分析及改进措施", wide=True)],
        [["产出指标（50分）", "数量指标", "帮扶村数", 20, 20, ""],
         ["产出指标（50分）", "质量指标", "项目验收合格率", 30, 27.5, "2个项目未按期验收，已督促整改"],
         ["效益指标（30分）", "社会效益指标", "集体收入增长", 30, 30, ""],
         Row(["总分", "", "", 80, 77.5, ""], bold=True, span=3)], merge=2))
    foot = grid_from_spec({"cells": [{"at": "A1", "text": "评价结论"},
                                     {"at": "B1:F1", "field": "conclusion", "limit": 200}]})
    form = stack_grids(head, rows, foot)
    return form.fill({"name": "党建引领扶贫工程", "dept": "县委组织部", "unit": "各乡镇党委",
                      "conclusion": "项目总体完成较好。"})


def test_form_renders_in_word_and_excel(tmp_path):
    from openpyxl import load_workbook

    form, warnings = _form()
    assert warnings == [] and form.n_rows == 8 and form.n_cols == 6
    d = Document("项目支出绩效自评表")
    d.table(form)
    docx = render_docx(d, tmp_path / "自评表.docx")
    assert check_docx(docx) == []
    cells = docx_tables(docx)[0]
    assert cells[0] == ["项目名称", "党建引领扶贫工程"]                      # B1:F1 merged
    assert cells[3][:3] == ["产出指标（50分）", "数量指标", "帮扶村数"]
    assert cells[4][0] == ""  # the level-1 cell continues (vertically merged) into row 5
    book = Workbook("自评表")
    book.add(form, name="自评表", title="项目支出绩效自评表")
    xlsx = render_xlsx(book, tmp_path / "自评表.xlsx")
    ws = load_workbook(xlsx)["自评表"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"B2:F2", "A5:A6", "A8:C8", "B9:F9"} <= merged   # title row 1, the form from row 2
    assert (ws["E6"].value, ws["E8"].value) == (27.5, 77.5)


# ------------------------------------------------------------------------------ printed
def _flat(text: str) -> str:
    """PDF text without line breaks and the gaps drawn between Chinese and digits."""
    return text.replace("\n", "").replace(" ", "")


@pytest.fixture(scope="module")
def printed(tmp_path_factory, office):
    tmp = tmp_path_factory.mktemp("printed")
    docx, _ = _report(tmp)
    text = Document("全文")
    text.paragraph("一二三四五六七八九十" * 200)
    text_path = render_docx(text, tmp / "全文.docx")
    xlsx, _ = _workbook(tmp)
    from kit.render.pdf import read_pdf

    pdfs = office([docx, text_path, xlsx], tmp / "pdf")
    return {name: read_pdf(p) for name, p in zip(("report", "text", "book"), pdfs)}


def test_printed_page_is_a4_with_22_lines_of_28_characters(printed):
    pages = printed["text"]
    assert all((p.width, p.height) == pytest.approx((210 * MM_PT, 297 * MM_PT), abs=0.5) for p in pages)
    full = pages[1].lines()                      # page 2: body text only
    assert len(full) == 22
    assert [len(line) for line in full] == [28] * 22


def test_printed_page_numbers_odd_right_even_left(printed):
    from kit.render.pdf import page_number_problems

    for name in ("report", "text"):
        pages = printed[name]
        assert len(pages) >= 2
        assert page_number_problems(pages) == [], name
        assert all(p.lines() for p in pages), "an empty page"   # no page left blank by a break


def test_printed_title_centred_and_body_indented(printed):
    page = printed["report"][0]
    title = next(s for s in page.spans if s[2].startswith("党建引领"))
    # 14 characters of 22 pt = 308 pt, centred on the text block (28 mm + 78 mm from the left)
    assert title[0] + 14 * 22 / 2 == pytest.approx(106 * MM_PT, abs=3)
    body = next(s for s in page.spans if s[2].startswith("xx"))
    assert body[0] == pytest.approx(28 * MM_PT + 2 * 16, abs=2)  # left margin + two characters


def test_printed_table_header_on_every_page_rows_whole(printed):
    pages = printed["report"]
    with_rows = [p for p in pages if "〔起" in p.text or "〔止" in p.text]
    assert len(with_rows) >= 2                                   # the table runs over pages
    for p in with_rows:
        assert "一级指标" in p.text and "说明" in p.text, p.index + 1
    for i in range(1, 41):                                       # no row is split
        start = [p.index for p in pages if f"〔起{i}〕" in _flat(p.text)]
        end = [p.index for p in pages if f"〔止{i}〕" in _flat(p.text)]
        assert start == end and len(start) == 1, i
    assert 4 <= len(pages) <= 9                                  # 40 rows, text, figure, 附件


def test_printed_workbook_fits_width_and_repeats_header(printed):
    pages = printed["book"]
    items = [p for p in pages if "各题满意度" in p.text or "您对村里" in p.text]
    assert all(p.width > p.height for p in items)               # landscape
    for p in items:                                             # every column on every page
        assert all(h in p.text for h in ("题目", "有效样本", "满意率", "p值", "资金（万元）")), p.index
    assert "<0.001" in items[0].text and "95.0%" in items[0].text and "800.50" in items[0].text
    assert 2 <= len(items) <= 4                                 # 60 rows
    assert any("问卷中没有推荐意愿题" in p.text for p in pages)
