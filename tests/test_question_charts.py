"""Charts, workbook and project keys of every-question tabulation: one bar or point per
category with n > 0, no overlapping labels, no chart from empty data (a sentence instead),
the workbook rendered with numbers as numbers and printed by LibreOffice, and project.yml keys
validated with errors naming the key."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import yaml  # noqa: E402

import kit  # noqa: E402
from kit import plots  # noqa: E402
from kit.crosstab import crosstab, crosstabs  # noqa: E402
from kit.descriptives import tabulate_questions  # noqa: E402
from kit.opentext import analyse_open_answers  # noqa: E402
from kit.paths import ROOT  # noqa: E402
from kit.question_tables import save_charts, write_questions_workbook  # noqa: E402

NEEDS = ROOT / "surveys" / "village-needs"


@pytest.fixture(scope="module")
def needs():
    plots.set_theme()
    proj = kit.load_project(NEEDS)
    r = proj.load()
    tab = tabulate_questions(r, profile=proj.profile)
    return proj, r, tab, crosstabs(r, proj.crosstabs), analyse_open_answers(tab, codes=proj.codes,
                                                                            stopwords=proj.stopwords)


def _bars(ax):
    return [p for p in ax.patches if p.get_width() > 0 and p.get_height() > 0]


def _expected_marks(q) -> int:
    t = q.table
    if q.kind in ("single", "yesno", "scale", "multi"):
        return int((t["n"] > 0).sum())
    if q.kind == "ranking":
        return int((t["n_ranked"] > 0).sum())
    if q.kind == "matrix":
        return int((q.distribution["n"] > 0).sum())
    return -1


def _check_questions(tab):
    drawn = 0
    for q in tab.questions:
        ax = plots.plot_question(q)
        if q.kind in ("text", "personal"):
            assert ax is None
            continue
        assert ax is not None, q.question_id
        fig = ax.figure
        if q.kind != "numeric":
            assert len(_bars(ax)) == _expected_marks(q), q.question_id
        assert plots.text_overlaps(fig) == [], q.question_id
        plt.close(fig)
        drawn += 1
    return drawn


def test_question_charts_one_bar_per_category_chosen_no_overlaps(needs):
    _, _, tab, _, _ = needs
    assert _check_questions(tab) == 11


def test_800_pair_charts(exports):
    plots.set_theme()
    r = kit.load_export(exports / "wjx_reportgen_800_800_0_text.xls",
                        codes=exports / "wjx_reportgen_800_800_2_codes.xls")
    assert _check_questions(tabulate_questions(r)) == 8


def test_crosstab_and_word_charts(needs):
    _, _, _, cts, texts = needs
    for ct in cts:
        ax = plots.plot_crosstab(ct)
        fig = ax.figure
        if ct.kind == "categorical":
            assert len(_bars(ax)) == int((ct.counts.to_numpy() > 0).sum())
        elif ct.kind == "multi_by_group":
            points = sum(len(c.get_offsets()) for c in ax.collections)
            assert points == int((ct.counts.to_numpy() > 0).sum())
        else:
            assert len(ax.get_yticklabels()) == len(ct.summary)
        assert plots.text_overlaps(fig) == [], ct.label
        plt.close(fig)
    for tr in texts:
        ax = plots.plot_word_frequencies(tr)
        assert len(_bars(ax)) == min(20, int((tr.words["n_answers"] > 0).sum()))
        assert plots.text_overlaps(ax.figure) == []
        plt.close(ax.figure)


def test_no_chart_from_empty_data(needs, tmp_path):
    _, r, _, _, _ = needs
    nobody = r.excluded | True                    # no valid response at all
    from kit.descriptives import tabulate_question

    res = tabulate_question(r, "volunteer_sat", valid=~nobody)[0]
    assert res.base == 0 and plots.plot_question(res) is None
    from kit.descriptives import SampleProfile, Tabulation
    import pandas as pd

    tab = Tabulation(SampleProfile(0, 0, 0, pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), None, None, [], ""),
                     [res])
    files, skipped = save_charts(tab, tmp_path)
    assert files == [] and skipped == [f"{res.label}：{plots.NO_DATA}"]


def test_workbook_numbers_are_numbers_and_prints(needs, tmp_path, office):
    from openpyxl import load_workbook

    from kit.render.checks import check_xlsx
    from kit.render.pdf import read_pdf

    _, _, tab, cts, texts = needs
    path = write_questions_workbook(tab, tmp_path / "逐题统计.xlsx", cts, texts, title="村级党组织服务需求调查")
    assert check_xlsx(path) == []
    wb = load_workbook(path)
    # a note naming statistical software (quartiles as R type 7) moves to a last 方法说明 sheet
    assert wb.sheetnames == ["样本基本情况", "逐题统计", "交叉分析", "开放题", "其他归类", "方法说明"]
    method = [r for r in wb["方法说明"].iter_rows(values_only=True)][2:]
    assert [r[1] for r in method] == ["逐题统计"] and "quantile(type = 7)" in method[0][3]
    ws = wb["逐题统计"]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert 356 in values                                       # counts stored as numbers
    pct = [c for row in ws.iter_rows() for c in row if c.number_format == "0.0%"]
    assert pct and all(isinstance(c.value, (int, float)) for c in pct if c.value is not None)
    text = "".join(str(v) for v in values if isinstance(v, str))
    assert "样本量：回答本题的有效答卷147份（有效答卷356份，其中逻辑跳过209份不计入）。" in text
    import re

    every = " ".join(c.value for s in wb for row in s.iter_rows() for c in row if isinstance(c.value, str))
    assert not re.search(r"1[3-9]\d{9}", every)                  # the planted phone numbers never show
    # a sheet of many tables: every table under its own caption, the first too; what repeats on
    # each printed page is the sheet's title row, never the first table's header
    assert ws["A1"].value == "村级党组织服务需求调查：逐题统计"
    assert ws["A2"].value == "第1题 您所在的乡镇（单选题）" and ws["A3"].value == "选项"
    assert wb["样本基本情况"]["A2"].value == "答卷回收与剔除"
    assert all(wb[s].print_title_rows == "$1:$1" and wb[s].freeze_panes == "A2"
               for s in ["样本基本情况", "逐题统计", "交叉分析", "开放题"])
    assert wb["其他归类"].print_title_rows == "$2:$2"            # one table: its header repeats
    pdf = office([path], tmp_path / "pdf")[0]
    pages = read_pdf(pdf)
    printed = "".join(line for p in pages for line in p.lines())
    assert "逐题统计" in printed and "综合得分" in printed and "第1题 您所在的乡镇（单选题）" in printed
    assert "？：" not in printed and "?：" not in printed      # 「…服务？：选择人数」 reads badly
    # no table cut by a page: each printed page of 逐题统计 goes on from its title row straight
    # to a question's caption (第N题 …), never to the middle of a table
    tops = []
    for page in pages:
        spans = sorted(page.spans, key=lambda t: (-round(t[1]), t[0]))
        if spans[0][2].strip().endswith("：逐题统计"):
            tops.append(spans[1][2].strip())
    assert len(tops) >= 3 and all(t == "第" or t.startswith("第") for t in tops), tops


def test_save_charts_writes_a_png_per_question_crosstab_and_open_question(needs, tmp_path):
    _, _, tab, cts, texts = needs
    files, skipped = save_charts(tab, tmp_path, cts, texts, dpi=60)
    assert skipped == [] and len(files) == 11 + len(cts) + len(texts)


def _project(tmp_path, **keys):
    import shutil

    dst = tmp_path / "p"
    shutil.copytree(NEEDS, dst)
    d = yaml.safe_load((dst / "project.yml").read_text(encoding="utf-8"))
    d.update(keys)
    (dst / "project.yml").write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    return dst


@pytest.mark.parametrize("keys,message", [
    ({"profile": ["gender", "nosuch"]}, r"profile\[1\].*nosuch"),
    ({"profile": ["gender", "suggestion"]}, r"profile\[1\].*suggestion"),
    ({"crosstabs": [["gender", "evaluation"]]}, r"crosstabs\[0\].*矩阵题"),
    ({"crosstabs": [["services", "services"]]}, r"crosstabs\[0\].*同一题"),
    ({"crosstabs": [["gender"]]}, r"crosstabs\[0\]"),
    ({"crosstabs": [{"rows": "gender", "cols": "age"}]}, r"crosstabs\[0\].*rows 和 columns"),
    ({"codes": {"suggestion": {"道路": []}}}, r"codes\.suggestion\.道路"),
    ({"codes": {"nosuch": {"道路": ["路"]}}}, r"codes\.nosuch"),
    ({"stopwords": "本村"}, r"stopwords"),
])
def test_project_keys_validated_naming_the_key(tmp_path, keys, message):
    with pytest.raises(kit.ProjectError, match=message):
        kit.load_project(_project(tmp_path, **keys))


def test_project_keys_read(tmp_path):
    p = kit.load_project(_project(tmp_path, crosstabs=[{"rows": "gender", "columns": "eval_1"}],
                                  codes={"*": {"道路": ["修路"]}}))
    assert p.crosstabs == [("gender", "eval_1")] and p.codes == {"*": {"道路": ["修路"]}}
    assert crosstab(p.load(), *p.crosstabs[0]).base == 356
    assert np.isfinite(crosstab(p.load(), "gender", "eval_1").test["p_value"])


def test_word_cloud_is_an_option_with_a_clear_message(needs, monkeypatch):
    import sys

    _, _, _, _, texts = needs
    monkeypatch.setitem(sys.modules, "wordcloud", None)          # not installed
    with pytest.raises(kit.KitError, match=r"wordcloud.*\[cloud\]"):
        plots.plot_wordcloud(texts[-1])


def test_stacked_segments_rounded_half_up_and_matrix_base_stated(needs):
    """12.5% and 87.5% print as 13 and 88 (四舍五入; Python's format would give 12 and 88);
    the matrix chart states its rows' base."""
    fig, ax = plt.subplots()
    plots._stacked(ax, ["甲"], np.array([[0.125, 0.875]]), ["好", "差"], np.array([[1, 7]]))
    assert sorted(t.get_text() for t in ax.texts) == ["13", "88"]
    plt.close(fig)
    _, _, tab, _, _ = needs
    ax = plots.plot_question(tab.by_id()["evaluation"])
    assert ax.get_xlabel().endswith("每行样本量 n=356")
    plt.close(ax.figure)


def test_workbook_of_a_survey_without_recodes_prints_its_note_sheet_whole(tmp_path, office):
    """poverty-alleviation has no 「其他」 text to recode: the empty table is listed on the 说明
    sheet, once named, and the sheet prints inside the page (no text left of its edge)."""
    from kit.render.pdf import read_pdf

    proj = kit.load_project(ROOT / "surveys" / "poverty-alleviation")
    r = proj.load()
    tab = tabulate_questions(r, profile=proj.profile)
    title = proj.title + "（2019年11月电话回访，受县委组织部委托由第三方评估机构实施）"  # a long line
    path = write_questions_workbook(tab, tmp_path / "逐题统计.xlsx", (), analyse_open_answers(tab),
                                    title=title)
    pages = read_pdf(office([path], tmp_path / "pdf")[0])
    note = [p for p in pages if "逐题统计：说明" in p.text]
    assert len(note) == 1
    text = note[0].text.replace("\n", "")
    assert f"1. {title}：“其他”归类：没有与已有选项相同的“其他”填写内容" in text
    assert all(0 <= x <= note[0].width for x, _, _ in note[0].spans)


def _survey_projects():
    """Every bundled project that has a survey (waves: with an export)."""
    out = []
    for p in sorted((ROOT / "surveys").glob("*/project.yml")):
        d = yaml.safe_load(p.read_text(encoding="utf-8"))
        if d.get("waves"):
            out.append((p.parent.name, d.get("notebooks") or []))
    return out


@pytest.mark.parametrize("name,notebooks", _survey_projects(), ids=[n for n, _ in _survey_projects()])
def test_notebook_07_in_every_survey_project_and_its_outputs_made(name, notebooks, tmp_path):
    """Every bundled survey runs 07_questions, and what 07 writes is made for it: the
    workbook passes the kit's Excel checks, one PNG per question with data, cross-tab and open
    question, a sentence for each chart not drawn."""
    from kit.render.checks import check_xlsx

    assert "07_questions" in notebooks
    proj = kit.load_project(ROOT / "surveys" / name)
    r = proj.load()
    tab = tabulate_questions(r, profile=proj.profile)
    cts = crosstabs(r, proj.crosstabs)
    texts = analyse_open_answers(tab, codes=proj.codes, stopwords=proj.stopwords)
    path = write_questions_workbook(tab, tmp_path / "逐题统计.xlsx", cts, texts, title=proj.title)
    assert check_xlsx(path) == []
    files, skipped = save_charts(tab, tmp_path / "figures", cts, texts, dpi=40, workers=1)
    charted = [q for q in tab.questions if q.kind not in ("text", "personal")]
    assert len(files) + len(skipped) == len(charted) + len(cts) + len(texts)
    assert all(f.stat().st_size > 0 for f in files)


def test_chart_files_named_by_number_and_short_title(needs, tmp_path):
    """逐题统计 charts are named as a reader finds them: the question's number and its short title
    (village-needs' first question 「您所在的乡镇」 -> 题01_乡镇.png), never an internal id
    (题01_township.png); safe as Windows file names (none of / \\ : * ? " < > |), at most 60
    characters, no two the same."""
    _, _, tab, cts, texts = needs
    files, _ = save_charts(tab, tmp_path, cts, texts, dpi=30)
    names = [f.name for f in files]
    assert "题01_乡镇.png" in names
    assert len(set(names)) == len(names)
    ids = {q.question_id for q in tab.questions}
    for name in names:
        assert not set('/\\:*?"<>|') & set(name) and len(name) <= 60, name
        assert re.fullmatch(r"(题|交叉|词频)\d{2}(_[^_]+)?\.png", name), name
        assert not any(re.search(rf"(^|_){re.escape(i)}(_|\.png)", name) for i in ids), name
        assert re.search(r"[\u4e00-\u9fff]", name.split("_", 1)[-1]), name
