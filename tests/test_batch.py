"""Batch self-assessment: one sheet per unit, a report per unit, a league table with ties."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook

import kit
from kit.batch import assess_batch, league_display, league_table, run_batch
from kit.indicators import IndicatorError

HEADER = ["一级指标", "三级指标", "分值", "评分方法", "年度指标值", "实际完成值", "偏差原因分析及改进措施"]


def _workbook(tmp_path, units: dict[str, str]):
    wb = Workbook()
    wb.remove(wb.active)
    for name, actual in units.items():
        ws = wb.create_sheet(name)
        ws.append(HEADER)
        ws.append(["产出", "完成数", 100, "比例", "10个", actual, None if actual == "10个" else "未完成"])
    path = tmp_path / "units.xlsx"
    wb.save(path)
    (tmp_path / "method.yml").write_text("framework: custom\ntitle: 考核办法\ntotal: 100\n"
                                         "sections: {产出: 100}\n", encoding="utf-8")
    return path


def test_ranks_ties_and_order(tmp_path):
    # 甲 10/10 -> 100; 乙 and 丙 9/10 -> 90 (tied 2nd); 丁 8/10 -> 80 (4th, competition ranking)
    path = _workbook(tmp_path, {"丁": "8个", "乙": "9个", "甲": "10个", "丙": "9个"})
    t = league_table(assess_batch(path, tmp_path / "method.yml"), unit="村")
    assert t["村"].tolist() == ["甲", "丙", "乙", "丁"]           # ties ordered by name
    assert t["rank"].tolist() == [1, 2, 2, 4]
    assert t["tied"].tolist() == [False, True, True, False]
    assert t["total"].tolist() == [100, 90, 90, 80]                # exact Decimals
    shown = league_display(t, "村")
    assert shown["名次"].tolist() == ["1", "2（并列）", "2（并列）", "4"]
    assert shown["等级"].tolist() == ["优", "优", "优", "良"]


def test_bad_sheet_is_named_in_the_error(tmp_path):
    path = _workbook(tmp_path, {"甲": "10个", "乙": "很多"})
    with pytest.raises(IndicatorError) as e:
        assess_batch(path, tmp_path / "method.yml")
    assert "工作表「乙」" in str(e.value) and "第2行" in str(e.value) and "很多" in str(e.value)


@pytest.fixture(scope="module")
def hundred(tmp_path_factory):
    """The 100-village sample run once for this module's tests (about two minutes)."""
    out = tmp_path_factory.mktemp("village-batch")
    return run_batch(kit.load_project("surveys/village-batch"), out, progress=False), out


def test_hundred_village_sample(hundred):
    b, tmp_path = hundred
    assert len(b.assessments) == 100 and len(b.league) == 100
    twins = b.league.set_index("村").loc[["东湖村", "西湖村"]]
    assert twins["rank"].nunique() == 1 and twins["tied"].all()      # planted identical villages
    assert (b.league["rank"].diff().dropna() >= 0).all()
    unit = tmp_path / "units" / "东湖村"
    assert {p.name for p in unit.iterdir()} == {"自评表.xlsx", "自评报告.docx", "summary.json"}
    s = json.loads((unit / "summary.json").read_text(encoding="utf-8"))
    assert s["self_assessment"]["total"] == float(twins["total"].iloc[0])   # the printed total
    from openpyxl import load_workbook
    ws = load_workbook(tmp_path / "排名.xlsx").active
    assert ws["A1"].value == "村得分排名" and ws.freeze_panes == "A3"        # title row, header frozen
    assert [c.value for c in ws[2]][:4] == ["名次", "村", "总分", "等级"] and ws.max_row == 102
    assert all(isinstance(c.value, (int, float)) for c in ws["C"][2:])       # scores stored as numbers


def test_every_unit_workbook_of_the_hundred_villages_prints(hundred, tmp_path, office):
    """All 100 villages' 自评表.xlsx and the league table, printed by LibreOffice in one run
    (copied under unique names so that one start converts them all; about a minute): each
    自评表 prints on at most 2 pages (the bound of tests/test_documents.py) and shows its own
    village and its printed total; the league table prints every one of the 100 villages."""
    import shutil

    from kit.fmt import fmt_points
    from kit.render.pdf import read_pdf

    b, out = hundred
    todo = tmp_path / "print"
    todo.mkdir()
    books = []
    for name, folder in b.folders.items():
        books.append(shutil.copy(out / folder / "自评表.xlsx", todo / f"{Path(folder).name}.xlsx"))
    books.append(shutil.copy(out / "排名.xlsx", todo / "排名.xlsx"))
    pdfs = office(books, tmp_path / "pdf")
    assert len(pdfs) == 101
    totals = b.league.set_index("村")["total"]
    for (name, folder), pdf in zip(b.folders.items(), pdfs):
        pages = read_pdf(pdf)
        text = "".join(p.text for p in pages).replace(" ", "").replace("\n", "")
        assert 1 <= len(pages) <= 2, f"{name}: {len(pages)} pages"
        assert name in text and fmt_points(totals[name]) in text, name
    league = "".join(p.text for p in read_pdf(pdfs[-1])).replace(" ", "").replace("\n", "")
    assert all(name in league for name in b.folders), "a village missing from the printed league table"
