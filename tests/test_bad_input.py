"""Every refusal is a KitError naming the file (and row/column where it applies), never a bare
traceback; raw exports are left untouched."""

from __future__ import annotations

import hashlib
import io

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

import kit
from kit import KitError, load_export
from kit.paths import ROOT

SAMPLE_RAW = ROOT / "surveys" / "poverty-alleviation" / "raw"


def _codes_file():
    return next(SAMPLE_RAW.glob("*按序号*"))


def test_not_a_survey_export(tmp_path):
    f = tmp_path / "预算表.csv"
    f.write_text("科目,金额\n办公费,3000\n", encoding="utf-8")
    with pytest.raises(kit.ExportFormatError, match=r"预算表\.csv.*无法识别.*「科目」"):
        load_export(f)


def test_encrypted_workbook(tmp_path):
    f = tmp_path / "加密.xlsx"  # an encrypted .xlsx is an OLE container with an EncryptionInfo stream
    f.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 120 + "EncryptionInfo".encode("utf-16-le")
                  + b"\0" * 400)
    with pytest.raises(kit.ExportFormatError, match="加密"):
        load_export(f)


def test_truncated_workbook(tmp_path):
    f = tmp_path / "截断.xlsx"
    f.write_bytes(_codes_file().read_bytes()[:3000])
    with pytest.raises(kit.ExportFormatError, match=r"截断\.xlsx.*被截断"):
        load_export(f)


def test_empty_sheet_and_empty_file(tmp_path):
    f = tmp_path / "空.xlsx"
    Workbook().save(f)
    with pytest.raises(kit.ExportFormatError, match="空"):
        load_export(f)
    e = tmp_path / "空.csv"
    e.write_bytes(b"")
    with pytest.raises(kit.ExportFormatError, match="文件为空"):
        load_export(e)


def test_duplicate_column_titles(tmp_path):
    f = tmp_path / "dup.csv"
    f.write_text("序号,提交答卷时间,1、性别,1、性别\n1,2024/1/1 10:00:00,男,男\n", encoding="utf-8")
    with pytest.raises(kit.ExportFormatError, match=r"列「1、性别」.*重复"):
        load_export(f)


def test_codebook_that_does_not_match_lists_unmatched_headers(exports):
    q = ROOT / "surveys" / "poverty-alleviation" / "questionnaire.yml"
    with pytest.raises(kit.QuestionnaireError) as err:
        load_export(exports / "wjx_reportgen_357_357_0_text.xls", questionnaire=q)
    msg = str(err.value)
    assert "questionnaire.yml" in msg and "请问您的性别" in msg and "您所在的乡镇" in msg


def test_codes_file_whose_ids_do_not_match(tmp_path, exports):
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "1、请问您的性别？ "])
    ws.append([999, "NULL", "NULL", "手机提交", "直接访问", "NULL", 1])
    f = tmp_path / "codes_2.xlsx"
    wb.save(f)
    with pytest.raises(kit.ExportFormatError, match=r"序号不一致.*999"):
        load_export(exports / "wjx_reportgen_357_357_0_text.xls", codes=f)


def test_undetectable_encoding(tmp_path):
    f = tmp_path / "乱码.csv"
    f.write_bytes(bytes(range(128, 256)) * 20)
    with pytest.raises(kit.EncodingError, match=r"乱码\.csv.*编码"):
        load_export(f)


def test_codebook_errors_name_file_and_key(tmp_path):
    q = tmp_path / "questionnaire.yml"
    q.write_text("title: x\nquestions:\n  - {id: 1bad, title: t, type: single, options: []}\n",
                 encoding="utf-8")
    with pytest.raises(kit.QuestionnaireError, match=r"questionnaire\.yml.*questions\[0\]\.id"):
        kit.load_questionnaire(q)
    q.write_text("title: x\nquestions:\n  - {id: a, title: t, type: scale, options: [{code: 1, label: x}]}\n",
                 encoding="utf-8")
    with pytest.raises(kit.QuestionnaireError, match=r"questions\[0\]\.options.*score"):
        kit.load_questionnaire(q)
    q.write_text("title: [x\n", encoding="utf-8")
    with pytest.raises(kit.QuestionnaireError, match="YAML"):
        kit.load_questionnaire(q)


BASE = [["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "1、您的身份", "2、您的满意度",
         "3、您常去哪里(多选题)", "4、意见"]]
BASE += [[str(i), f"2024/5/{i} 10:00:00", f"{60 + i}秒", "手机提交", "微信", f"1.2.3.{i}(安徽-合肥)",
          ["党员", "群众"][i % 2], ["满意", "非常满意", "一般"][i % 3], "便利店┋超市" if i % 2 else "(跳过)",
          "(空)"] for i in range(1, 9)]
cell = st.one_of(st.text(max_size=12), st.sampled_from(["(跳过)", "(空)", "NULL", "-3", "", "┋", "→",
                                                      "〖", "13912345678", "1e309", "=SUM(A1)"]))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.integers(0, 8), st.integers(0, 9), cell), max_size=12),
       drop_col=st.one_of(st.none(), st.integers(0, 9)),
       cut=st.one_of(st.none(), st.integers(0, 400)),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
       sep=st.sampled_from([",", ";"]))
def test_mangled_exports_load_correctly_or_raise_kit_error(tmp_path, edits, drop_col, cut,
                                                           encoding, sep):
    rows = [list(r) for r in BASE]
    for i, j, v in edits:
        rows[i][j] = v
    if drop_col is not None:
        rows = [r[:drop_col] + r[drop_col + 1:] for r in rows]
    buf = io.StringIO()
    pd.DataFrame(rows).to_csv(buf, header=False, index=False, sep=sep)
    try:
        data = buf.getvalue().encode(encoding)
    except UnicodeEncodeError:
        return
    if cut is not None:
        data = data[:cut]
    f = tmp_path / "mangled.csv"
    f.write_bytes(data)
    before = hashlib.sha256(data).hexdigest()
    try:
        r = load_export(f)
    except KitError as exc:
        assert str(exc).startswith("文件 ")  # names the file
    else:
        # a correct load: one row per data line, every cell's missing kind known
        import csv
        lines = list(csv.reader(io.StringIO(data.decode(encoding, "replace").lstrip("\ufeff"),
                                            newline=""), delimiter=sep))
        n_lines = len([ln for ln in lines[1:] if any(c.strip() for c in ln)])
        assert r.n_total == n_lines
        assert r.missing.shape == r.data.shape
        assert "13912345678" not in r.data.astype(str).to_csv()
    assert hashlib.sha256(f.read_bytes()).hexdigest() == before


def test_blank_rows_are_dropped_with_a_recorded_reason(tmp_path):
    f = tmp_path / "blank.csv"
    f.write_text("序号,提交答卷时间,1、性别\n1,2024/1/1 10:00:00,男\n,,\n2,2024/1/1 11:00:00,女\n",
                 encoding="utf-8")
    r = load_export(f)
    assert r.n_total == 2 and any("空白行" in n and "第3行" in n for n in r.info.notes)
    x = tmp_path / "blank.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "提交答卷时间", "1、性别"])
    ws.append([1, "2024/1/1 10:00:00", "男"])
    ws.append([None, None, None])
    ws.append([2, "2024/1/1 11:00:00", "女"])
    wb.save(x)
    r = load_export(x)
    assert r.n_total == 2 and any("空白行" in n for n in r.info.notes)


def test_row_numbers_survive_blank_rows(tmp_path):
    # a blank row inside the data must not shift the row an error points at
    from kit.indicators import IndicatorError, read_indicators

    f = tmp_path / "指标.csv"
    f.write_text("一级指标,三级指标,分值,评分方法\n产出,甲,10,比例\n,,,\n产出,乙,十,比例\n", encoding="utf-8")
    with pytest.raises(IndicatorError, match="第4行"):
        read_indicators(f)
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    for r in (["一级指标", "三级指标", "分值", "评分方法"], ["产出", "甲", 10, "比例"], [None] * 4,
              ["产出", "乙", "十", "比例"]):
        ws.append(r)
    wb.save(tmp_path / "指标.xlsx")
    with pytest.raises(IndicatorError, match="第4行"):
        read_indicators(tmp_path / "指标.xlsx")
