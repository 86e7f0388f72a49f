"""Every document the kit writes, for every sample project, as the evaluator receives it.

``kit report`` (:func:`kit.report.run_report`: the project's notebooks, then its batch of
units) is run on each bundled sample; every Word and Excel file it writes is checked in its
XML (:func:`kit.render.checks.check_file`: GB/T 9704 page, fonts, page-number footers,
full-width punctuation in headings, no 「」 in text, table header rows repeated, rows kept
whole, no column narrower than its longest word; workbooks: no number stored as text, header
frozen, print area, A4 fitted to the page width, title row, Chinese sheet names and labels),
then printed to PDF by LibreOffice headless and checked page by page: page numbers 「— n —」
on every page of a report (odd right, even left), no empty page, no number broken across
two lines (:func:`kit.render.checks.broken_numbers`), no page starting with a table's note
(注：…, 资料来源) or ending with a caption, every printed page of a
workbook carrying a whole header row (first and last column: the header is repeated and no
column is pushed to a page of its own), and a page count within the bound stated below.

The bounds are what the samples print today (measured with this test, ``pytest -s``, on
2026-11-26; in brackets) with some room, so that a change that makes a document much longer
fails here and is looked at:

=================  =====  ==============================================================
document           bound  printed today
=================  =====  ==============================================================
自评报告.docx        10    4 (a batch unit) to 8 (poverty-alleviation, with its 附件)
考核台账报告.docx     8    5
自评表.xlsx           2    1 (表样A and C), 2 (表样B, the roll-up)
质量检查.xlsx         8    3 to 5
满意度分析.xlsx      45    23 (village-residents), 36 (poverty: 80 villages, pairwise tests)
题目纳入情况.xlsx     5    2 to 3
前后对比.xlsx         6    4
测评结果.xlsx         5    1 to 3
ledger workbooks     20    3 to 15 (积分台账: 345 over-cap member-months listed)
排名.xlsx             5    3 (100 villages)
=================  =====  ==============================================================

The village batch writes 100 units: all their files are checked in XML and all are printed,
with the league table, in one LibreOffice run (files of the same name from the units' folders
are converted under numbered names: :func:`kit.render.pdf.to_pdf`). Measured on 2026-11-26 on
the shared 2-core machine: 200 unit files in 82 s, where one LibreOffice start per file took
about 4 s a file (3 units, 6 files: 21.6 s).
"""

from __future__ import annotations

import re

import pytest

from kit.paths import ROOT

SAMPLES = sorted(p.name for p in (ROOT / "surveys").iterdir() if (p / "project.yml").exists())
PAGES = {"自评报告.docx": 10, "考核台账报告.docx": 8, "自评表.xlsx": 2, "质量检查.xlsx": 8,
         "满意度分析.xlsx": 45, "题目纳入情况.xlsx": 5, "前后对比.xlsx": 6, "测评结果.xlsx": 5,
         "积分台账.xlsx": 20, "村干部绩效.xlsx": 20, "星级评定.xlsx": 20, "巡查排名.xlsx": 20,
         "排名.xlsx": 5, "调查报告.docx": 20, "满意度调查报告.docx": 20, "测评情况通报.docx": 20,
         "前后对比分析.docx": 20, "逐题统计.xlsx": 60}


def _flat(text: str) -> str:
    return text.replace("\n", "").replace(" ", "")


def _headers(path) -> list[tuple[str, str]]:
    """(first, last) label of the repeated header row of each sheet that has one."""
    from openpyxl import load_workbook

    out = []
    for ws in load_workbook(path).worksheets:
        rows = ws.print_title_rows
        if not rows or "表样" in ws.defined_names:     # official forms: tests/test_forms.py
            continue
        r = int(rows.split(":")[-1].lstrip("$"))
        labels = [str(c.value) for c in ws[r] if c.value not in (None, "")]
        if labels:
            out.append((_flat(labels[0]), _flat(labels[-1])))
    return out


@pytest.mark.parametrize("name", SAMPLES)
def test_every_document_is_hand_in_ready(name, tmp_path, office):
    from kit.render.checks import broken_numbers, check_file
    from kit.render.pdf import page_number_problems, read_pdf
    from kit.report import run_report

    out = run_report(ROOT / "surveys" / name, tmp_path / "out", progress=False)
    docs = sorted(p for p in out.rglob("*") if p.suffix in (".docx", ".xlsx"))
    if name == "party-ledgers" or (ROOT / "surveys" / name / "indicators.xlsx").exists():
        assert docs, f"{name}: no document written"
    problems = {str(p.relative_to(out)): check_file(p) for p in docs}
    assert {k: v for k, v in problems.items() if v} == {}
    printed = docs   # every unit of a batch too: one LibreOffice run
    if not printed:
        return
    pdfs = office(printed, tmp_path / "pdf")
    for doc, pdf in zip(printed, pdfs):
        pages = read_pdf(pdf)
        what = f"{name}/{doc.relative_to(out)}"
        # a survey with several waves writes one workbook per wave: 满意度分析（2019年基线调查）.xlsx
        bound = PAGES.get(re.sub(r"（[^（）]*）(?=\.\w+$)", "", doc.name))
        assert bound is not None, f"{what}: a document this test does not know; state its page bound"
        print(f"{what}: {len(pages)} pages")                  # shown with pytest -s
        assert 1 <= len(pages) <= bound, f"{what}: {len(pages)} pages (bound {bound})"
        if doc.suffix == ".docx":
            assert page_number_problems(pages) == [], what
            assert all(p.lines() for p in pages), f"{what}: an empty page"
            assert broken_numbers(doc, pages) == [], f"{what}: a number broken across two lines"
            for p in pages:   # a table's note never starts a page, a caption never ends one
                lines = [_flat(ln) for ln in p.lines()]
                assert not re.match(r"^(注|资料来源)[：:]", lines[0]), f"{what}: page {p.index + 1} starts with a note"
                assert not re.match(r"^表\d+", lines[-1]), f"{what}: page {p.index + 1} ends with a caption"
        else:
            heads = _headers(doc)
            for p in pages:
                flat = _flat(p.text)
                if not heads or "说明" in flat[:40]:
                    continue
                assert any(a in flat and b in flat for a, b in heads), f"{what}: page {p.index + 1} has no whole header"
