"""Every row read ends up in the analysis or in the quality table with a reason; every cell
that cannot be read is ``invalid`` in ``.missing`` with its raw text kept; every bad file is
one KitError naming the file, row and column (issue 14).

Expected values are exact hand counts on the bundled sample (its DATA_LOG: 420 calls, 8
excluded, 412 valid, 405 satisfied = 98.3%) and on files built here cell by cell.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

import kit
from kit import KitError, load_export
from kit.paths import ROOT

PROJ = ROOT / "surveys" / "poverty-alleviation"
RAW = PROJ / "raw"
TEXT = next(RAW.glob("*按文本*"))
CODES = next(RAW.glob("*按序号*"))
QN = PROJ / "questionnaire.yml"


def edit(src: Path, dst: Path, fn) -> Path:
    wb = load_workbook(src)
    fn(wb.active)
    wb.save(dst)
    return dst


def as_csv(src: Path, dst: Path) -> Path:
    pd.read_excel(src, dtype=str).to_csv(dst, index=False, lineterminator="\r\n")
    return dst


def satisfied_share(r) -> Fraction:
    s = r.satisfied()
    return Fraction(int(s.sum()), int(s.notna().sum()))


# ------------------------------------------------------------------------ duplicates' rule
def test_reversed_codes_file_gives_the_same_headline(tmp_path):
    """The sample's 405 of 412 (98.3%, 达到98%) must not depend on row order: with the first
    call of each repeated phone kept by submission time, reversing the 按序号 file keeps the
    same three calls (序号 35, 16, 45) and drops the same three repeats (97, 206, 255)."""
    def reverse(ws):
        rows = list(ws.values)
        ws.delete_rows(2, ws.max_row)
        for r in rows[1:][::-1]:
            ws.append(r)

    rev = edit(CODES, tmp_path / "rev_按序号.xlsx", reverse)
    for r in (load_export(TEXT, codes=CODES, questionnaire=QN),
              load_export(TEXT, codes=rev, questionnaire=QN),
              load_export(rev, questionnaire=QN)):
        assert (r.n_total, r.n_excluded, r.n_valid) == (420, 8, 412)
        assert satisfied_share(r) == Fraction(405, 412)
        dup = r.quality[r.quality["reasons"].str.contains("duplicate_phone")]
        assert sorted(dup["response_id"].tolist()) == [97, 206, 255]
        assert any("提交时间最早" in n for n in r.info.notes)


def test_duplicates_keep_the_earliest_submission_not_the_first_row(tmp_path):
    # 序号 5 was submitted first but stands last in the file: it is kept, 序号 2 is the repeat
    f = tmp_path / "dup.csv"
    f.write_text("序号,提交答卷时间,所用时间,1、您的性别,2、联系电话\n"
                 "2,2024/5/2 10:00:00,100秒,男,13912345678\n"
                 "3,2024/5/2 11:00:00,100秒,女,13900000001\n"
                 "5,2024/5/1 09:00:00,100秒,男,13912345678\n", encoding="utf-8")
    r = load_export(f)
    q = r.quality[r.quality["reasons"].str.contains("duplicate_phone")]
    assert q["response_id"].tolist() == [2] and bool(q["excluded"].iloc[0])
    assert "答卷5" in q["detail"].iloc[0]


def test_duplicate_serial_in_one_file_is_flagged_with_both_rows(tmp_path):
    f = edit(CODES, tmp_path / "dup_按序号.xlsx", lambda ws: ws.__setitem__("A11", 9))
    r = load_export(f, questionnaire=QN)
    q = r.quality[r.quality["reasons"].str.contains("duplicate_serial")]
    # rows 10 and 11 both say 9; both were submitted on 1 November, row 10 earlier
    assert q["row"].tolist() == [11] and bool(q["excluded"].iloc[0])
    assert "文件第10行" in q["detail"].iloc[0]
    assert (r.n_total, r.n_excluded) == (420, 9)
    with pytest.raises(kit.ExportFormatError, match=r"第11行.*序号9出现了2次（文件第10、11行）"):
        load_export(TEXT, codes=f, questionnaire=QN)


# -------------------------------------------------------------------------- CSV damage
@pytest.fixture
def codes_csv(tmp_path):
    return as_csv(CODES, tmp_path / "c_按序号.csv")


def test_unbalanced_quote_is_read_literally_with_a_note(codes_csv, tmp_path):
    lines = codes_csv.read_bytes().decode("utf-8").split("\r\n")
    f = lines[5].split(",")
    f[17] = '"好的'  # the suggestion column of file line 6
    lines[5] = ",".join(f)
    bad = tmp_path / "q_按序号.csv"
    bad.write_bytes("\r\n".join(lines).encode("utf-8"))
    r = load_export(bad, questionnaire=QN)
    assert (r.n_total, r.n_valid) == (420, 412)
    assert any("第6行" in n and "引号" in n for n in r.info.notes)


def test_unbalanced_quote_that_cannot_be_read_names_the_line(tmp_path):
    f = tmp_path / "q.csv"
    # line 2 has five fields if the quote is a character, two if it opens a field: neither fits
    f.write_text('序号,提交答卷时间,1、性别,2、建议\n1,"2024/1/1 10:00:00,男,好,的\n'
                 '2,2024/1/1 11:00:00,女,"多来村里"\n3,2024/1/1 12:00:00,男,无\n', encoding="utf-8")
    with pytest.raises(kit.ExportFormatError, match=r"q\.csv，第2行：.*引号"):
        load_export(f)


def test_csv_cut_mid_row_flags_the_partial_response(codes_csv, tmp_path):
    data = codes_csv.read_bytes()
    cut = tmp_path / "cut_按序号.csv"
    cut.write_bytes(data[: len(data) - 40])  # inside the last row (file line 421)
    r = load_export(cut, questionnaire=QN)
    q = r.quality[r.quality["row"] == 421]
    assert r.n_total == 420 and "incomplete_row" in q["reasons"].iloc[0]
    assert bool(q["excluded"].iloc[0]) and "文件末行不完整" in q["detail"].iloc[0]
    assert r.n_valid == 411  # 412 less the cut response


def test_csv_cut_inside_a_character_keeps_the_rows_before_it(tmp_path):
    f = tmp_path / "cut.csv"
    text = "序号,提交答卷时间,1、性别\n1,2024/1/1 10:00:00,男\n2,2024/1/1 11:00:00,女\n"
    f.write_bytes(text.encode("utf-8")[:-2])  # the last 女 loses a byte
    r = load_export(f)
    assert r.n_total == 2 and r.n_excluded == 1
    assert r.quality.loc[1, "reasons"].startswith("incomplete_row")


def test_short_and_long_rows_are_flagged_the_same_way(codes_csv, tmp_path):
    lines = codes_csv.read_bytes().decode("utf-8").split("\r\n")
    lines[10] = ",".join(lines[10].split(",")[:-3])   # file line 11: 15 fields of 18
    lines[20] += ",多出的字段"                          # file line 21: 19 fields
    f = tmp_path / "sl_按序号.csv"
    f.write_bytes("\r\n".join(lines).encode("utf-8"))
    r = load_export(f, questionnaire=QN)
    q = r.quality[r.quality["reasons"].str.contains("row_length")]
    assert q["row"].tolist() == [11, 21] and q["excluded"].all()
    assert "15个字段" in q["detail"].iloc[0] and "19个字段" in q["detail"].iloc[1]
    assert (r.n_total, r.n_valid) == (420, 410)


# ------------------------------------------------------------------- cells that cannot be read
@pytest.mark.parametrize("word", ["满意", "４", "4分"])
def test_text_in_a_code_cell_is_invalid_with_its_raw_text(tmp_path, word):
    f = edit(CODES, tmp_path / "t_按序号.xlsx", lambda ws: ws.__setitem__("M5", word))
    renamed = tmp_path / "renamed.xlsx"
    shutil.copy(f, renamed)
    for path in (f, renamed):
        r = load_export(path, questionnaire=QN)
        assert r.info.variant == "codes"
        assert r.missing.loc[3, "overall"] == "invalid" and pd.isna(r.data.loc[3, "overall"])
        cell = r.invalid[r.invalid["column"] == "overall"]
        assert cell[["row", "raw"]].values.tolist() == [[5, word]]
        assert "out_of_range" in r.quality.loc[3, "reasons"] and word in r.quality.loc[3, "detail"]
        # 序号 4 answered 5 (非常满意): it no longer counts as answered, nor as satisfied
        assert satisfied_share(r) == Fraction(404, 411)


def test_a_total_row_under_the_data_is_not_a_response(tmp_path):
    def total(ws):
        ws.append(["合计", None, None, None, None, None, 1400, 16000, 420, None, 418, 414, 1800])

    r = load_export(edit(CODES, tmp_path / "sum_按序号.xlsx", total), questionnaire=QN)
    assert (r.n_total, r.n_valid) == (420, 412)
    assert any("第422行" in n and "合计" in n for n in r.info.notes)


def test_merged_body_cells_take_their_value(tmp_path):
    def merge(ws):
        ws["G6"] = ws["G7"] = None
        ws.merge_cells("G5:G7")

    r = load_export(edit(CODES, tmp_path / "m_按序号.xlsx", merge), questionnaire=QN)
    assert r.data.loc[3:5, "township"].tolist() == [4, 4, 4]  # G5 holds 4
    assert any("G5:G7" in n for n in r.info.notes)


def test_formula_without_a_value_is_invalid_not_blank(tmp_path):
    r = load_export(edit(CODES, tmp_path / "f_按序号.xlsx", lambda ws: ws.__setitem__("M5", "=4+1")),
                    questionnaire=QN)
    cell = r.invalid[r.invalid["column"] == "overall"]
    assert cell[["row", "raw"]].values.tolist() == [[5, "=4+1"]]
    assert "公式" in cell["reason"].iloc[0] and any("M5" in n for n in r.info.notes)


def test_excel_error_value_is_invalid_not_blank(tmp_path):
    """#DIV/0! in a code cell (fastexcel reads an error value as blank): invalid, raw kept;
    the cell at M5 is the response on file row 5 (hand count: header on row 1)."""
    r = load_export(edit(CODES, tmp_path / "e_按序号.xlsx", lambda ws: ws.__setitem__("M5", "#DIV/0!")),
                    questionnaire=QN)
    cell = r.invalid[r.invalid["column"] == "overall"]
    assert cell[["row", "raw", "code"]].values.tolist() == [[5, "#DIV/0!", "out_of_range"]]
    assert any("M5" in n and "错误值" in n for n in r.info.notes)
    # the response is flagged, not excluded (out_of_range only marks): the sample's 412 stay
    assert (r.n_total, r.n_valid) == (420, 412)
    q = r.quality[r.quality["row"] == 5]
    assert "out_of_range" in q["reasons"].iloc[0] and not bool(q["excluded"].iloc[0])


def test_dates_written_by_hand(tmp_path):
    def dates(ws):
        ws["B5"] = "2019年11月1日 09:17:39"
        ws["B6"] = "2019/02/30 10:00:00"

    r = load_export(edit(CODES, tmp_path / "d_按序号.xlsx", dates), questionnaire=QN)
    assert r.data.loc[3, "submitted_at"] == pd.Timestamp("2019-11-01 09:17:39")
    assert r.missing.loc[4, "submitted_at"] == "invalid"
    cell = r.invalid[r.invalid["column"] == "submitted_at"]
    assert cell[["row", "raw"]].values.tolist() == [[6, "2019/02/30 10:00:00"]]


def test_fractional_serial_is_refused_not_truncated(tmp_path):
    f = edit(CODES, tmp_path / "x_按序号.xlsx", lambda ws: ws.__setitem__("A11", 10.5))
    for kwargs in ({"questionnaire": QN}, {"codes": f, "questionnaire": QN}):
        path = f if "codes" not in kwargs else TEXT
        with pytest.raises(kit.ExportFormatError, match=r"x_按序号\.xlsx，第11行，列「序号」：.*10\.5"):
            load_export(path, **kwargs)


# ------------------------------------------------------------------------------- pairs
def test_pair_that_disagrees_is_reported_with_the_row(tmp_path):
    f = edit(TEXT, tmp_path / "t_按文本.xlsx", lambda ws: ws.__setitem__("M5", "非常不满意"))
    for qn in (QN, None):
        r = load_export(f, codes=CODES, questionnaire=qn)
        cell = r.invalid[r.invalid["code"] == "pair_mismatch"]
        assert cell[["row", "raw"]].values.tolist() == [[5, "按文本「非常不满意」，按序号「5」"]]
        assert "pair_mismatch" in r.quality.loc[3, "reasons"]


def test_text_file_as_its_own_codes_twin_is_refused(tmp_path):
    with pytest.raises(kit.ExportFormatError, match="同一个文件"):
        load_export(TEXT, codes=TEXT)
    copy = tmp_path / "copy_按序号.xlsx"
    shutil.copy(edit(TEXT, tmp_path / "t.xlsx", lambda ws: ws.__setitem__("R2", "无")), copy)
    with pytest.raises(kit.ExportFormatError, match=r"copy_按序号\.xlsx.*按文本下载"):
        load_export(TEXT, codes=copy)


# ------------------------------------------------------------------------ damaged workbooks
def test_truncated_xls_that_panics_the_reader_is_a_kit_error(tmp_path, exports):
    # calamine panics on this cut ("slice index starts at 205824 but ends at 205379")
    f = tmp_path / "cut.xls"
    f.write_bytes((exports / "wjx_reportgen_800_800_2_codes.xls").read_bytes()[:205891])
    with pytest.raises(kit.ExportFormatError, match=r"cut\.xls.*损坏"):
        load_export(f)


def test_a_stray_cell_at_xfd1048576_is_refused_before_reading(tmp_path):
    f = edit(CODES, tmp_path / "far.xlsx", lambda ws: ws.__setitem__("XFD1048576", "x"))
    assert f.stat().st_size < 100_000
    with pytest.raises(kit.ExportFormatError,
                       match=r"第1048576行，列「XFD」.*A1:XFD1048576.*XFD1048576"):
        load_export(f)


def test_dimension_element_is_not_trusted(tmp_path):
    # the <dimension> says A1:XFD1048576 but no cell is out there: read normally
    f = edit(CODES, tmp_path / "dim.xlsx", lambda ws: None)
    z = zipfile.ZipFile(f)
    out = tmp_path / "dim2_按序号.xlsx"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
        for it in z.infolist():
            data = z.read(it.filename)
            if it.filename.endswith("sheet1.xml"):
                data = data.replace(b'<dimension ref="A1:R421"/>', b'<dimension ref="A1:XFD1048576"/>')
            w.writestr(it, data)
    assert load_export(out, questionnaire=QN).n_valid == 412


@pytest.mark.parametrize("src,name", [(CODES, "wrong_按序号.csv"), (CODES, "wrong_按序号.xls")])
def test_workbook_with_the_wrong_extension_is_read_by_its_bytes(tmp_path, src, name):
    f = tmp_path / name
    shutil.copy(src, f)
    r = load_export(f, questionnaire=QN)
    assert r.n_valid == 412 and any("扩展名" in n for n in r.info.notes)


def test_csv_named_xlsx_and_xls_named_xlsx(tmp_path, exports, codes_csv):
    f = tmp_path / "c_按序号.xlsx"
    shutil.copy(codes_csv, f)
    assert load_export(f, questionnaire=QN).n_valid == 412
    g = tmp_path / "original.xlsx"
    shutil.copy(exports / "wjx_reportgen_2016_original.xls", g)
    assert load_export(g).n_total == 4


# ----------------------------------------------------------------------------- headers
def test_title_row_above_the_header(tmp_path):
    def title(ws):
        ws.insert_rows(1)
        ws["A1"] = "党建引领扶贫工程电话回访问卷"
        ws.merge_cells("A1:R1")

    r = load_export(edit(CODES, tmp_path / "t_按序号.xlsx", title), questionnaire=QN)
    assert r.n_valid == 412 and any("标题" in n and "第2行" in n for n in r.info.notes)
    # rows are counted in the file: the repeat of 序号 35 (序号 97) now stands on row 99
    assert r.quality.loc[r.quality["response_id"] == 97, "row"].tolist() == [99]


def test_bom_in_the_first_header_cell(tmp_path):
    r = load_export(edit(CODES, tmp_path / "b_按序号.xlsx", lambda ws: ws.__setitem__("A1", "\ufeff序号")),
                    questionnaire=QN)
    assert r.n_valid == 412


def test_only_serial_left_of_the_metadata(tmp_path):
    r = load_export(edit(CODES, tmp_path / "o_按序号.xlsx", lambda ws: ws.delete_cols(2, 5)),
                    questionnaire=QN)
    # no durations: the 5 speeders cannot be found, and the report says so
    assert (r.n_total, r.n_excluded) == (420, 3)
    assert any("答题用时" in n for n in r.info.notes)


def test_question_ids_that_collide_with_metadata(tmp_path):
    import yaml

    d = yaml.safe_load(QN.read_text(encoding="utf-8"))
    # a 手机 metadata column beside a codebook question whose id is phone
    for q in d["questions"]:
        if q["id"] == "phone":
            break
    else:
        pytest.skip("sample codebook has no phone question")
    f = edit(CODES, tmp_path / "p_按序号.xlsx",
             lambda ws: (ws.insert_cols(2), ws.__setitem__("B1", "手机"),
                         [ws.cell(i, 2, f"1390000{i:04d}") for i in range(2, 422)]))
    qn = tmp_path / "questionnaire.yml"
    qn.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    r = load_export(f, questionnaire=qn)
    assert {"phone_hash", "phone_2_hash"} <= set(r.data.columns)
    d["questions"][0]["id"] = "submitted_at"
    d["groups"] = [g for g in d.get("groups", []) if g != "township"]
    qn.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KitError, match=r"questionnaire\.yml.*「submitted_at」.*元数据列"):
        load_export(CODES, questionnaire=qn)


# ------------------------------------------------------------------ control characters
def test_control_characters_from_word_are_cleaned_in_indicator_tables(tmp_path):
    """An evidence cell pasted from Word (\x0b line break, \x07 cell mark) no longer breaks
    the Word and Excel writers."""
    from helpers import copy_sample

    from kit.indicators import read_indicators
    from kit.selfassessment import assess_project, write_outputs

    proj = copy_sample("unit-self-assessment", tmp_path / "proj")
    # Excel writes a control character in a cell as _x000B_; calamine reads it back as \x0b
    edit(proj / "indicators.xlsx", proj / "indicators.xlsx",
         lambda ws: ws.__setitem__("J3", "第一条_x000B_第二条_x0007_"))
    inds = read_indicators(proj / "indicators.xlsx")
    text = " ".join(str(i.__dict__) for i in inds)
    assert "第一条" in text and "\x0b" not in text and "\x07" not in text
    p = kit.load_project(proj)
    paths = write_outputs(p, assess_project(p), tmp_path / "out")
    assert paths["table"].exists() and paths["report"].exists()


def test_control_characters_in_exports_are_cleaned_and_noted(tmp_path):
    f = tmp_path / "c.csv"
    f.write_text("序号,提交答卷时间,1、性别,2、建议\n1,2024/1/1 10:00:00,男,加强\x0b宣传\x07\n",
                 encoding="utf-8")
    r = load_export(f)
    assert r.data.loc[0, "q2"] == "加强\n宣传" and any("D2" in n for n in r.info.notes)


# ----------------------------------------------------------- exports outside the project
def _outside_project(tmp_path: Path) -> Path:
    """The sample project with its raw exports on another drive (the privacy-friendly layout:
    the project folder can be shared without personal data)."""
    from helpers import copy_sample, edit_yaml

    proj = copy_sample("poverty-alleviation", tmp_path / "proj")
    secure = tmp_path / "secure"
    secure.mkdir()
    for f in (TEXT, CODES):
        shutil.move(proj / "raw" / f.name, secure / f.name)

    def change(d):
        d["waves"][0].update(export=str(secure / TEXT.name), codes=str(secure / CODES.name))
        d["notebooks"] = []
        d.pop("expected", None)

    edit_yaml(proj / "project.yml", change)
    return proj


def test_exports_kept_outside_the_project_folder(tmp_path):
    from kit.report import run_report
    from kit.selfassessment import assess_project, write_outputs

    proj = kit.load_project(_outside_project(tmp_path))
    r = proj.load()
    res = kit.analyse_satisfaction(r, target=0.98, rank_tests=False)
    a = assess_project(proj, res, r)
    paths = write_outputs(proj, a, tmp_path / "out", satisfaction=res, responses=r)
    import json

    inputs = json.loads(paths["summary"].read_text(encoding="utf-8"))["provenance"]["inputs"]
    # inside the project: relative path; outside it: the file name (never the private folder)
    assert {"project.yml", "indicators.xlsx", TEXT.name, CODES.name} <= set(inputs)
    out = run_report(proj.root, tmp_path / "report", progress=False)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["inputs"]) == set(inputs)
    assert "secure" not in json.dumps(manifest, ensure_ascii=False)


# ------------------------------------------------------------ cells after the sampled rows
def _long_codes(tmp_path: Path, name: str, fn) -> Path:
    """The sample's 420 responses three times over (序号 1-1260, file rows 2-1261): longer than
    the 1,000 rows that fastexcel looks at to type a column by default."""
    def grow(ws):
        rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
        for k in (1, 2):
            for r in rows:
                ws.append([r[0] + 420 * k] + r[1:])
        fn(ws)
    return edit(CODES, tmp_path / name, grow)


def test_text_after_the_first_thousand_rows_is_invalid_not_blank(tmp_path):
    f = _long_codes(tmp_path, "late_按序号.xlsx", lambda ws: ws.__setitem__("M1250", "满意"))
    r = load_export(f, questionnaire=QN)
    assert r.n_total == 1260
    # file row 1250 is body row 1248 (序号 1249): invalid with its text, not silently blank
    assert r.missing.loc[1248, "overall"] == "invalid" and pd.isna(r.data.loc[1248, "overall"])
    assert r.invalid[r.invalid["column"] == "overall"][["row", "raw"]].values.tolist() == [[1250, "满意"]]


def test_a_column_blank_in_the_first_thousand_rows_is_typed_by_its_later_cells(tmp_path):
    def late(ws, four):
        ws["N1251"] = four        # a code saved as text is the same answer as the number 4
        for r in range(2, 1002):  # 村党组织服务群众 blank in the first 1,000 responses
            ws[f"Q{r}"] = None

    f = _long_codes(tmp_path, "late_按序号.xlsx", lambda ws: late(ws, "4"))
    # as read: numbers (what a look at every row says), not text
    assert kit.io.table.read_table(f).body[16].dtype == "float64"
    r = load_export(f, questionnaire=QN)
    # Q1002..Q1261 are the third copy's file rows 162..421 of the sample, each a code 1-5
    src = load_workbook(CODES).active
    expected = [src[f"Q{162 + i}"].value for i in range(260)]
    assert r.missing["item_4"].iloc[:1000].eq("blank").all()
    assert r.data["item_4"].iloc[1000:].tolist() == expected
    r4 = load_export(_long_codes(tmp_path, "num_按序号.xlsx", lambda ws: late(ws, 4)), questionnaire=QN)
    pd.testing.assert_frame_equal(r.data, r4.data)
    pd.testing.assert_frame_equal(r.missing, r4.missing)
