"""问卷星 files as downloaded and as people pass them on (issue 13).

The fixtures under tests/fixtures/wjx/ copy the layouts of public files (see their README for
repository, path and commit); the values are synthetic, so every expected value below is
counted by hand from the fixture rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
import sys

import pytest
from openpyxl import Workbook

import kit
from kit import load_export
from kit.io.wjx import parse_filename

WJX = "wjx"


def _fixture(fixtures, name):
    return fixtures / WJX / name


def _rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _to_xlsx(rows, path):
    """Re-save rows as an .xlsx, as Excel or WPS does (numbers as numbers)."""
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append([int(c) if c.isdigit() else c for c in r])
    wb.properties.created = wb.properties.modified = dt.datetime(2024, 1, 1)
    wb.save(path)
    return path


# ---------------------------------------------------------------------- 2026 edited CSV
def test_2026_csv_with_metadata_deleted_loads_with_a_note(fixtures):
    r = load_export(_fixture(fixtures, "2026_edited_text.csv"))
    assert (r.info.platform, r.info.variant) == ("wjx", "text")
    # dated by its answers (2026/9/18 ... 2026/9/20), not labelled 「问卷星 2016-17」
    assert r.info.era == "答卷提交于2026年9月"
    note = next(n for n in r.info.notes if "没有问卷星的元数据列" in n)
    for absent in ("所用时间", "来源", "来源详情", "来自IP"):
        assert f"「{absent}」" in note
    assert "「序号」" not in note and "「提交答卷时间」" not in note
    assert r.data["response_id"].tolist() == [307, 308, 309, 310, 311, 312, 313, 314]
    assert r.n_total == 8 and r.n_excluded == 0


def test_multiselect_keeps_the_fill_ins_of_both_options(fixtures):
    r = load_export(_fixture(fixtures, "2026_edited_text.csv"))
    d = r.data
    # row 307: 有独卫〖老房一半是公厕〗┋有独浴〖太阳能热水器，冬天不够用〗
    assert d.loc[0, "q7__other_text"] == "有独卫：老房一半是公厕；有独浴：太阳能热水器，冬天不够用"
    assert d.loc[0, "q7__有独卫"] == 1 and d.loc[0, "q7__有独浴"] == 1
    # row 310: one fill-in alone is kept as written
    assert d.loc[3, "q7__other_text"] == "在院子里"
    # row 314: (空) is left empty, not "none chosen"
    assert r.missing.loc[7, "q7__有独卫"] == "empty"


def test_quoted_cells_skips_and_personal_nicknames(fixtures):
    r = load_export(_fixture(fixtures, "2026_edited_text.csv"))
    d = r.data
    assert d.loc[2, "q9"] == "建议把村务公开栏\n挪到文化广场，方便大家看"
    assert d.loc[4, "q9"] == "垃圾清运还行, 就是周末没人收"
    assert r.missing.loc[1, "q9"] == "skipped"
    assert d.loc[5, "q9"] == "N/A"          # N/A is an answer, kept as written
    q1 = r.questionnaire.by_id()["q1"]       # 网名/代号: personal, kept only as a hash
    assert q1.personal == "nickname" and "q1" not in d and "q1_hash" in d
    assert not d.astype(str).apply(lambda s: s.str.contains("青山客")).any().any()


def test_values_decide_a_title_with_yijian_is_a_satisfaction_item(fixtures):
    r = load_export(_fixture(fixtures, "2026_edited_text.csv"))
    q6 = r.questionnaire.by_id()["q6"]     # 「…听取群众意见的情况是否满意」 answered 满意/一般/…
    assert q6.type == "scale" and q6.satisfied == [4, 5]
    # 满意,非常满意,一般,满意,满意,非常满意,不满意,满意: 6 of 8 satisfied (hand count)
    res = kit.analyse_satisfaction(r)
    row = res.items.set_index("column").loc["q6"]
    assert (row["n_valid"], row["n_satisfied"]) == (8, 6)
    # the codes file: the same title, codes 1-5, is a choice question, not free text
    c = load_export(_fixture(fixtures, "2024_codes_total.csv"))
    assert c.questionnaire.by_id()["q7"].type == "single"
    # a title with 意见/建议 whose answers are sentences stays free text
    assert r.questionnaire.by_id()["q9"].type == "text"


# ------------------------------------------------------------------- 2024 codes CSV
def test_2024_codes_csv_total_score_na_and_null(fixtures):
    r = load_export(_fixture(fixtures, "2024_codes_total.csv"))
    assert r.info.variant == "codes"            # decided from the numbers, (空) aside
    assert r.info.era == "答卷提交于2024年12月"
    d = r.data
    assert d["total_score"].tolist() == [4260, 5703, 3273, 4800, 3889, 4109, 5678, 3834]
    assert "total_score" not in set(r.questions["question_id"].dropna())
    assert d.loc[0, "source_detail"] == "N/A"   # N/A is a value
    assert d["source_detail"].isna().tolist() == [False] * 7 + [True]  # NULL is missing
    assert r.missing.loc[7, "source_detail"] == "blank"


def test_numbered_matrix_rows_and_typed_numbers(fixtures):
    r = load_export(_fixture(fixtures, "2024_codes_total.csv"))
    qs = r.questionnaire.by_id()
    q6 = qs["q6"]  # 6、…偏好是—步行, 6、骑电动车, ...: rows of one question, 0-100 sliders
    assert q6.title == "情景一：周六上午村里要召开党员大会，您对以下出行方式的偏好是"
    assert r.questions.set_index("column").loc[["q6_1", "q6_2"], "row_label"].tolist() == ["步行", "骑电动车"]
    assert q6.type == "text" and r.data.loc[0, "q6_1"] == "40" and r.missing.loc[0, "q6_2"] == "empty"
    assert qs["q5"].type == "text"            # money typed in, not option codes
    assert qs["q4"].type == "single"          # village codes


def test_total_score_as_the_last_column_of_an_xlsx(fixtures, tmp_path):
    rows = _rows(_fixture(fixtures, "2024_codes_total.csv"))
    j = rows[0].index("总分")
    moved = [r[:j] + r[j + 1:] + [r[j]] for r in rows]
    r = load_export(_to_xlsx(moved, tmp_path / "24680135_按序号_村民出行调查_8_8.xlsx"))
    assert r.data["total_score"].tolist()[:3] == [4260, 5703, 3273]
    assert r.questionnaire.questions[-1].id == "q7"  # 总分 is not a question
    assert not any(q.title == "总分" for q in r.questionnaire.questions)


# ------------------------------------------------------------- edited and re-saved
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_dot_headers_repeated_header_and_no_metadata(fixtures, tmp_path, suffix):
    src = _fixture(fixtures, "edited_dot_headers_repeated.csv")
    path = tmp_path / f"村民意见（整理后）{suffix}"
    if suffix == ".csv":
        shutil.copy(src, path)
    else:
        _to_xlsx(_rows(src), path)
    r = load_export(path)
    assert r.info.platform == "wjx" and r.n_total == 6  # the repeated header is not an answer
    assert any("表头重复" in n for n in r.info.notes)
    assert any("「序号」「提交答卷时间」「所用时间」" in n for n in r.info.notes)
    assert r.info.era == ""                        # nothing dates it: no label at all
    assert r.data["response_id"].tolist() == [1, 2, 3, 4, 5, 6]
    q3 = r.questionnaire.by_id()["q3"]
    assert q3.type == "scale" and r.data["q3"].tolist() == [4, 5, 3, 4, 4, 5]


def test_init_questionnaire_accepts_an_edited_file(fixtures, tmp_path):
    out = tmp_path / "questionnaire.yml"
    run = subprocess.run([sys.executable, "-m", "kit", "init-questionnaire",
                          str(_fixture(fixtures, "edited_dot_headers_repeated.csv")), "-o", str(out)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    r = load_export(_fixture(fixtures, "edited_dot_headers_repeated.csv"), questionnaire=out)
    assert r.n_total == 6 and r.questionnaire.by_id()["q3"].satisfied == [4, 5]


# ------------------------------------------------------------------------ file names
@pytest.mark.parametrize("name,variant,title", [
    ("56781234_按文本_党建引领扶贫工程电话回访问卷_420_420.xlsx", "text", "党建引领扶贫工程电话回访问卷"),
    ("56781234_按序号_党建引领扶贫工程电话回访问卷_420_420.xlsx", "codes", "党建引领扶贫工程电话回访问卷"),
    ("56781234_按分数_党建引领扶贫工程电话回访问卷_420_420.xlsx", "scores", "党建引领扶贫工程电话回访问卷"),
    ("108397328_0_大学生消费情况调查问卷.xlsx", "text", "大学生消费情况调查问卷"),
    ("331954276_2_村民满意度调查_469_469.xlsx", "codes", "村民满意度调查"),
    ("331954276_2_村民满意度调查_469_469 (1).xlsx", "codes", "村民满意度调查"),
    ("331954276_1_村民满意度调查_469_469.xlsx", None, "村民满意度调查"),
    ("[问卷星数据]800_800_0.xls", "text", None),
    ("357_357_2.xls", "codes", None),
])
def test_file_names(name, variant, title):
    n = parse_filename(name)
    assert (n.variant, n.title) == (variant, title)


@pytest.mark.parametrize("k,expected", [("0", "text"), ("2", "codes"), ("1", "codes")])
def test_digit_variant_in_the_file_name(fixtures, tmp_path, k, expected):
    rows = _rows(_fixture(fixtures, "2024_codes_total.csv"))
    r = load_export(_to_xlsx(rows, tmp_path / f"24680135_{k}_村民出行调查_8_8.xlsx"))
    assert r.info.variant == expected
    # 1 is not a marker anyone has verified: the contents decide, and the note says so
    assert any("「1」未经核实" in n for n in r.info.notes) == (k == "1")


def test_a_wide_export_shows_its_progress(tmp_path, capsys):
    from kit.io.convert import WIDE

    n = WIDE + 10
    head = ["序号", "提交答卷时间", "所用时间"] + [f"{k + 1}、第{k + 1}题" for k in range(n)]
    lines = [",".join(head)] + [",".join([str(i + 1), f"2024/5/1 10:0{i}:00", "100秒"]
                                         + [str(1 + (i + k) % 5) for k in range(n)]) for i in range(3)]
    f = tmp_path / "1_按序号_宽表_3_3.csv"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = load_export(f)
    assert r.data.shape[1] == n + 3
    err = capsys.readouterr().err
    assert "推定题型" in err and "转换各列" in err
    narrow = tmp_path / "1_按序号_窄表_3_3.csv"
    narrow.write_text("\n".join(",".join(ln.split(",")[:13]) for ln in lines) + "\n",
                      encoding="utf-8")
    load_export(narrow)
    assert "转换各列" not in capsys.readouterr().err   # narrow files stay quiet


def test_an_edited_file_with_its_own_number_column(fixtures, tmp_path):
    """People add their own 编号 before sending a file on; 腾讯问卷's 编号 comes with
    结束答题时间/UA/Referrer, which this file does not have."""
    rows = _rows(_fixture(fixtures, "edited_dot_headers_repeated.csv"))
    rows = [["编号"] + rows[0]] + [[f"A{i:03d}"] + r for i, r in enumerate(rows[2:], start=1)]
    f = tmp_path / "村民意见.csv"
    f.write_text("\n".join(",".join(f'"{c}"' for c in r) for r in rows) + "\n", encoding="utf-8")
    r = load_export(f)
    assert r.info.platform == "wjx" and r.data["response_id"].tolist()[:2] == ["A001", "A002"]
