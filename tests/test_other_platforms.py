"""Qualtrics and SurveyMonkey from the corpus; 腾讯问卷, Kobo, current 问卷星 .xlsx and GBK CSVs
from small fixtures written here (the corpus has none of them)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from openpyxl import Workbook

import kit
from kit import load_export

TENCENT = (
    "编号,开始答题时间,结束答题时间,答题时长,1.您的身份,2.您常去的地方:便利店,2.您常去的地方:超市,"
    "3.您对村务公开的满意度,4.您的建议,IP,UA,Referrer,\n"
    "1,2024-05-01 10:00:00,2024-05-01 10:03:00,180,党员,1,0,满意,道路要修,10.1.2.3,Mozilla,wx,\n"
    "2,2024-05-01 11:00:00,2024-05-01 11:02:00,120,群众,0,1,非常满意,,10.1.2.4,Mozilla,wx,\n"
    "3,2024-05-01 12:00:00,2024-05-01 12:04:00,240,群众,1,1,一般,请打13912345678,10.1.2.5,Mozilla,wx,\n"
)
KOBO = (
    "start;end;hh/village;hh/crops;hh/crops/maize;hh/crops/rice;satisfaction;phonenumber;"
    "_geolocation;_uuid;_submission_time;_index\n"
    "2024-05-01T10:00:00;2024-05-01T10:20:00;east;maize rice;1;1;satisfied;13912345678;"
    "31.2 117.1;u1;2024-05-01T10:21:00;1\n"
    "2024-05-01T11:00:00;2024-05-01T11:15:00;west;rice;0;1;very_satisfied;13812345678;"
    "31.3 117.2;u2;2024-05-01T11:16:00;2\n"
)


def test_qualtrics_three_row_and_legacy(exports):
    r = load_export(exports / "qualtrics_sample.csv")
    assert r.info.platform == "qualtrics" and r.n_total == 1
    assert r.data.loc[0, "response_id"] == "R_2YPOQ602ER1jkf1"
    assert r.data.loc[0, "duration_s"] == 38
    text = r.data.astype(str).to_csv()
    assert "130.92.34.66" not in text and "47.115" not in text  # IP hashed, coordinates dropped
    legacy = load_export(exports / "qualtrics_sample_legacy.csv")  # BOM, trailing commas
    assert legacy.n_total == 1 and legacy.info.platform == "qualtrics"
    assert "130.92.34.66" not in legacy.data.astype(str).to_csv()


def test_surveymonkey_two_header_rows(exports):
    r = load_export(exports / "surveymonkey_osposurvey_2018.csv")
    assert r.info.platform == "surveymonkey" and r.n_total == 748  # 750 lines - 2 header rows
    q1 = r.questionnaire.by_id()["q1"]
    assert q1.type == "multi" and len(q1.options) == 6
    # a checkbox column holds its own label when ticked: counted here by reading the raw file
    raw = pd.read_csv(exports / "surveymonkey_osposurvey_2018.csv", header=None, skiprows=2,
                      dtype=str, keep_default_na=False)
    assert int(r.data["q1__Consuming open source code in products or services"].sum()) == \
        int((raw[4].str.strip() != "").sum())
    # Excel serial dates (43290.53487 = 2018-07-09 12:50:13)
    assert r.data.loc[0, "started_at"] == pd.Timestamp("2018-07-09 12:50:13")


def test_tencent_and_its_gbk_twin_load_identically(tmp_path):
    u = tmp_path / "tencent_utf8.csv"
    g = tmp_path / "tencent_gbk.csv"
    u.write_text(TENCENT, encoding="utf-8")
    g.write_bytes(TENCENT.encode("gbk"))
    ru, rg = load_export(u), load_export(g)
    assert ru.info.platform == "tencent" and ru.n_total == 3
    pd.testing.assert_frame_equal(ru.data, rg.data)
    assert ru.questionnaire.by_id()["q2"].type == "multi"
    assert ru.data["q2__超市"].tolist() == [0, 1, 1]
    assert ru.data.loc[2, "q4"] == "请打〔电话已隐去〕"
    assert ru.data["duration_s"].tolist() == [180, 120, 240]
    assert any("末尾空白列" in n for n in ru.info.notes)


def test_kobo_semicolon_groups_and_select_multiple(tmp_path):
    f = tmp_path / "kobo.csv"
    f.write_text(KOBO, encoding="utf-8")
    r = load_export(f)
    assert r.info.platform == "kobo" and r.n_total == 2
    assert r.data["crops__maize"].tolist() == [1, 0] and r.data["crops__rice"].tolist() == [1, 1]
    # ODK's phonenumber is the phone's own number: device metadata, hashed, never a respondent ID
    assert "device_hash" in r.data and "13912345678" not in r.data.astype(str).to_csv()
    assert "31.2" not in r.data.astype(str).to_csv()  # coordinates dropped


def _wjx_current(path, text: bool):
    """A current-style 问卷星 download: 总分 and a custom field, `21、(便利店)` option columns."""
    wb = Workbook()
    ws = wb.active
    head = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "总分", "自定义字段"]
    if text:
        head += ["1、您的性别", "2、您常去哪里买东西？", "3、您家几口人(1)其中劳动力___", "4、其他意见"]
    else:
        head += ["1、您的性别", "2、(便利店)", "2、(超市)", "2、(其他)", "3、您家几口人(1)其中劳动力___",
                 "4、其他意见"]
    ws.append(head)
    rows = [(1, "男", "便利店┋超市", [1, 1, 0], "3", "(空)"), (2, "女", "(跳过)", [-3, -3, -3], "2", "无"),
            (3, "女", "其他〖集市〗", [0, 0, 1], "4", "(空)")]
    for i, sex, multi, codes, blank, other in rows:
        meta = [i, f"2024/5/{i} 10:00:00", f"{100 + i}秒", "手机提交", "微信", f"1.2.3.{i}(安徽-合肥)",
                10, "甲"]
        if text:
            ws.append(meta + [sex, multi, blank, other])
        else:
            ws.append(meta + [1 if sex == "男" else 2, *codes, blank, other])
    wb.properties.created = wb.properties.modified = dt.datetime(2024, 1, 1)
    wb.save(path)


def test_wjx_current_xlsx_pair(tmp_path):
    t, c = tmp_path / "9_按文本_测试_3_3.xlsx", tmp_path / "9_按序号_测试_3_3.xlsx"
    _wjx_current(t, True)
    _wjx_current(c, False)
    r = load_export(t, codes=c)
    assert r.info.era == "答卷提交于2024年5月"  # dated by the answers, not guessed from the layout
    assert r.data["total_score"].tolist() == [10, 10, 10]
    assert r.data["custom_1"].tolist() == ["甲"] * 3
    assert r.data["q2__超市"].tolist()[0] == 1 and r.missing.loc[1, "q2__超市"] == "skipped"
    assert r.data.loc[2, "q2__other_text"] == "集市"
    assert r.missing.loc[0, "q4"] == "empty" and r.data.loc[1, "q4"] == "无"
    alone = load_export(c)
    assert alone.info.variant == "codes" and alone.questionnaire.by_id()["q2"].type == "multi"


def test_generic_csv_through_a_codebook(tmp_path):
    f = tmp_path / "纸质问卷录入.csv"
    f.write_text("编号,村,总体满意度\n1,东桥村,5\n2,西岗村,4\n3,东桥村,9\n", encoding="utf-8")
    q = tmp_path / "q.yml"
    q.write_text(
        "title: 纸质问卷\nquestions:\n"
        "  - {id: village, title: 村, type: single, options: [{code: 1, label: 东桥村}, {code: 2, label: 西岗村}]}\n"
        "  - id: overall\n    title: 总体满意度\n    type: scale\n    satisfied: [4, 5]\n    options:\n"
        + "".join(f"      - {{code: {k}, label: '{k}', score: {k}}}\n" for k in range(1, 6)),
        encoding="utf-8")
    with pytest.raises(kit.ExportFormatError, match="无法识别"):
        load_export(f)
    r = load_export(f, questionnaire=q)
    assert r.info.platform == "generic"
    assert r.data["village"].tolist() == [1, 2, 1]
    assert r.missing.loc[2, "overall"] == "invalid"   # 9 is not an option: set missing and flagged
    assert "out_of_range" in r.quality.loc[2, "reasons"]


def test_wjx_scores_download_maps_scores_back_through_the_codebook(tmp_path):
    """按分数: cells hold option scores (here a 0-10 item: code k is score k-1, as 问卷星 numbers it)."""
    f = tmp_path / "9_按分数_测试_3_3.csv"
    f.write_text("序号,提交答卷时间,所用时间,1、总体满意度(0-10分)\n"
                 "1,2024/5/1 10:00:00,100秒,10\n2,2024/5/1 11:00:00,90秒,0\n3,2024/5/1 12:00:00,80秒,11\n",
                 encoding="utf-8")
    q = tmp_path / "q.yml"
    q.write_text("title: t\nquestions:\n  - id: overall\n    number: 1\n    title: 总体满意度(0-10分)\n"
                 "    type: scale\n    options:\n"
                 + "".join(f"      - {{code: {k + 1}, label: '{k}分', score: {k}}}\n" for k in range(11)),
                 encoding="utf-8")
    r = load_export(f, questionnaire=q)
    assert r.info.variant == "scores"
    assert r.data["overall"].tolist()[:2] == [10.0, 0.0]
    assert r.missing.loc[2, "overall"] == "invalid"  # no option scores 11


def test_wjx_fill_in_blanks_are_columns_of_one_question(tmp_path):
    f = tmp_path / "9_按文本_测试_2_2.csv"
    f.write_text("序号,提交答卷时间,所用时间,1、您家人口情况,(1)其中劳动力___人,(2)其中外出务工___人,2、性别\n"
                 "1,2024/5/1 10:00:00,100秒,5,3,1,男\n2,2024/5/1 11:00:00,90秒,4,(空),2,女\n",
                 encoding="utf-8")
    r = load_export(f)
    q1 = r.questionnaire.by_id()["q1"]
    assert q1.type == "text"
    assert r.data[["q1_1", "q1_2", "q1_3"]].iloc[0].tolist() == ["5", "3", "1"]
    assert r.missing.loc[1, "q1_2"] == "empty"
    assert r.questionnaire.by_id()["q2"].type == "single"
