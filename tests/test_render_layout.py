"""How a Word document of the rendering layer breaks into lines and pages, read back from
the PDF that LibreOffice prints (what the evaluator sees on paper):

- no number is broken across two lines: 「9」 / 「8.3%」, 「96.5%–99.2」 / 「%」, 「1」 / 「2.5」 in a
  narrow 说明 column (a document written without the layer's number runs does break them:
  the check can fail);
- a table's note (注：…) never starts a page away from its table, a caption never ends a page;
- a long table whose first column groups rows (80 rows, groups of 20) shows each group's
  label on every page that holds rows of the group;
- one font size per table, by one rule (五号; 小五 for more than six columns);
- headings built from data text lose the sentence mark before their closing bracket.

The document is built so that every position at the end of a line meets a number: one
paragraph per offset (0 to 27 leading characters on a 28-character line), and tables with
notes after paragraphs of 1 to 22 lines, so that some of them end at the foot of a page.
"""

from __future__ import annotations

import re

import pytest

SENTENCE = "群众满意率为98.3%，置信区间为96.5%–99.2%，共有1,234人作答，得分9.50分，资金12.5万元，较上年提高+3.2个百分点，扣0.25分。"


def _stress(d):
    from kit.render.model import Column, Table

    d.heading("投入（总分15分，自评得分15分。）")
    d.heading("资金落实（总分5分，自评得分5分。）", 2)
    for k in range(28):
        d.paragraph("测" * k + SENTENCE)
    d.table(Table([Column("序号", "int"), Column("指标"), Column("分值", "points"), Column("得分", "points"),
                   Column("说明", wide=True)],
                  [[i + 1, f"指标{i + 1}", 10, 9.5, "扣" * (i % 9) + f"扣分{i % 3 + 1}次，每次扣0.5分，合计扣{(i % 3 + 1) * 0.5:g}分，"
                    f"完成率{90 + i % 10}.5%（目标值95%–100%）"] for i in range(24)],
                  caption="指标得分说明", key="notes"))
    # the long grouped table: 4 groups of 20 rows (满意度调查报告 表8: 80 rows)
    body = [[f"维度{'甲乙丙丁'[i // 20]}", f"第{i + 1}题满意程度", f"{80 + i % 20}.{i % 10}%", 4.2]
            for i in range(80)]
    d.table(Table([Column("题目"), Column("题项"), Column("满意率"), Column("平均分", "number")], body,
                  caption="各题满意度", key="long", merge=1))
    # tables with a note, after paragraphs of 1 to 22 lines: some end at the foot of a page
    for k in range(1, 23):
        d.paragraph("正文" * (14 * k - 3) + "。")
        d.table(Table([Column("项目"), Column("数值", "number")], [[f"项目{k}-{i}", i + 0.5] for i in range(3)],
                      caption=f"第{k}组数据", notes=[f"注：第{k}组数据来自台账，资料来源：县委组织部。"]))
    d.table(Table([Column(f"第{j}列", "int") for j in range(1, 9)], [[j * i for j in range(1, 9)] for i in range(3)],
                  caption="八列的表"))


@pytest.fixture(scope="module")
def printed(tmp_path_factory, office):
    """The stress document, and the same text written by python-docx alone (the control)."""
    from docx import Document as Docx

    from kit.render.word import Document, render_docx

    tmp = tmp_path_factory.mktemp("layout")
    d = Document("版面检查")
    _stress(d)
    path = render_docx(d, tmp / "版面.docx")
    plain = Docx()
    for k in range(28):
        p = plain.add_paragraph("测" * k + SENTENCE)
        p.alignment = 3  # justified
    plain.save(tmp / "对照.docx")
    pdfs = office([path, tmp / "对照.docx"], tmp / "pdf")
    return path, pdfs, tmp / "对照.docx", d


def test_no_number_is_broken_across_lines(printed):
    from kit.render.checks import broken_numbers
    from kit.render.pdf import read_pdf

    path, pdfs, control, _ = printed
    assert broken_numbers(path, read_pdf(pdfs[0])) == []
    # the control (text in runs as python-docx writes it) breaks numbers: the check can fail
    assert broken_numbers(control, read_pdf(pdfs[1])) != []


def test_numbers_stay_searchable(printed):
    from docx import Document as Docx

    path = printed[0]
    text = "\n".join(p.text for p in Docx(str(path)).paragraphs)
    for token in ("98.3%", "1,234", "9.50", "12.5万元", "+3.2", "96.5%–"):
        assert token in text


def test_notes_stay_with_their_table_and_captions_with_it(printed):
    from kit.render.pdf import read_pdf

    pages = read_pdf(printed[1][0])
    assert len(pages) > 5
    for p in pages:
        lines = [re.sub(r"\s+", "", ln) for ln in p.lines()]
        assert not lines[0].startswith("注："), f"page {p.index + 1} starts with a table note: {lines[0]}"
        assert not re.match(r"^表\d+", lines[-1]), f"page {p.index + 1} ends with a caption: {lines[-1]}"


def test_group_label_on_every_page_of_a_long_table(printed):
    from kit.render.pdf import read_pdf

    pages = read_pdf(printed[1][0])
    seen = 0
    for p in pages:
        flat = re.sub(r"\s+", "", p.text)
        for i, g in enumerate("甲乙丙丁"):
            rows = [n for n in range(20 * i + 1, 20 * i + 21) if f"第{n}题满意程度" in flat]
            if rows:
                seen += 1
                assert f"维度{g}" in flat, f"page {p.index + 1}: rows {rows} of 维度{g} without its label"
    assert seen >= 5  # the table runs over pages: at least one group is on two pages


def test_one_table_size_rule_and_clean_headings(printed):
    from docx import Document as Docx

    from kit.render.checks import check_docx

    path = printed[0]
    assert check_docx(path) == []
    sizes = []
    for t in Docx(str(path)).tables:
        found = {r.font.size.pt for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs
                 if r.text.strip()}
        sizes.append((len(t.columns), found))
    # 五号 (10.5 pt) for tables of up to six columns, 小五 (9 pt) for the eight-column table
    assert all(found == ({9.0} if n > 6 else {10.5}) for n, found in sizes), sizes
    heads = [p.text for p in Docx(str(path)).paragraphs if p.style.name.startswith("Heading")]
    assert heads[:2] == ["一、投入（总分15分，自评得分15分）", "（一）资金落实（总分5分，自评得分5分）"]


def test_files_of_one_name_print_in_one_run(tmp_path, office):
    """A batch's units each write 自评报告.docx: all print in one LibreOffice run, each PDF
    at out/<n>/<name>.pdf in the order given, with its own content."""
    from kit.render.pdf import read_pdf
    from kit.render.word import Document, render_docx

    paths = []
    for unit in ("北岭村", "中山村", "南坪村"):
        d = Document(f"{unit}绩效自评报告")
        d.paragraph(f"{unit}自评得分98分。")
        paths.append(render_docx(d, tmp_path / unit / "自评报告.docx"))
    pdfs = office(paths, tmp_path / "pdf")
    assert [p.relative_to(tmp_path / "pdf").as_posix() for p in pdfs] == \
        ["000/自评报告.pdf", "001/自评报告.pdf", "002/自评报告.pdf"]
    assert [("北岭村" in read_pdf(p)[0].text, "中山村" in read_pdf(p)[0].text) for p in pdfs] == \
        [(True, False), (False, True), (False, False)]


LATIN = "经Holm校正后P=0.018，按Welch检验和Cohen效应量，Cronbach系数为0.91，KMO为0.83。"


def test_no_latin_word_or_test_statistic_is_broken(tmp_path, office, monkeypatch):
    """「（H」 / 「olm校正后」 was printed in a justified paragraph of 满意度调查报告: a Latin word,
    and a statistic with its value (P=0.018), are kept whole like numbers. One paragraph per
    offset puts every character of the sentence at the end of some line. The control is the
    same document written with numbers alone kept whole (the layer before this fix): it breaks
    inside a word or a P=…, so the check can fail."""
    import kit.render.word as word
    from kit.render.checks import broken_numbers
    from kit.render.pdf import read_pdf

    def write(name):
        d = word.Document("版面检查")
        for k in range(28):
            d.paragraph("测" * k + LATIN)
        return word.render_docx(d, tmp_path / name)

    path = write("拉丁.docx")
    monkeypatch.setattr(word, "UNBROKEN_TOKEN", word.NUMBER_TOKEN)
    control_path = write("对照.docx")
    monkeypatch.undo()
    pdfs = office([path, control_path], tmp_path / "pdf")
    assert broken_numbers(path, read_pdf(pdfs[0])) == []
    control = broken_numbers(control_path, read_pdf(pdfs[1]))
    # inside a word (a letter on both sides of the break) or between P= and its value
    assert any(re.search(r"[A-Za-z]\|[A-Za-z]|=\|\d|[A-Za-z]\|=", b) for b in control), control
