"""Appraisal questionnaires on hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest

import kit
from kit import tables
from kit.appraisal import analyse_appraisal, cadre_appraisal, democratic_appraisal

ASPECTS = ["德", "能", "勤", "绩", "廉"]


def _cadre_survey(tmp_path):
    # two cadres, three respondents; options are deductions (score = minus the points deducted)
    head = "序号,提交答卷时间,所用时间," + ",".join(
        [f"1、村干部01—{ASPECTS[0]}"] + ASPECTS[1:] + [f"2、村干部02—{ASPECTS[0]}"] + ASPECTS[1:])
    rows = [
        "1,2024/1/1 10:00:00,100秒,1,1,1,1,1,1,2,3,4,4",      # c01: 0 deducted; c02: 0+2+5+10+10
        "2,2024/1/1 11:00:00,100秒,2,1,1,1,1,2,2,3,3,4",      # c01: 2;          c02: 2+2+5+5+10
        "3,2024/1/1 12:00:00,100秒,1,1,3,1,1,4,4,4,4,4",      # c01: 5;          c02: 50 -> 50
    ]
    f = tmp_path / "9_按序号_测评_3_3.csv"
    f.write_text(head + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    opts = ("    options:\n      - {code: 1, label: 不扣分, score: 0}\n      - {code: 2, label: 扣2分, score: -2}\n"
            "      - {code: 3, label: 扣5分, score: -5}\n      - {code: 4, label: 扣10分, score: -10}\n")
    q = tmp_path / "q.yml"
    q.write_text("title: 群众测评村干部\nquestions:\n" + "".join(
        f"  - id: cadre_{i}\n    number: {i}\n    title: 村干部0{i}\n    type: matrix\n    rows:\n"
        + "".join(f"      - {{id: c{i}_{j + 1}, label: {a}}}\n" for j, a in enumerate(ASPECTS)) + opts
        for i in (1, 2)), encoding="utf-8")
    return kit.load_export(f, questionnaire=q)


def test_cadre_scores_are_start_minus_deductions(tmp_path):
    r = _cadre_survey(tmp_path)
    t = cadre_appraisal(r, ["cadre_1", "cadre_2"], start=100, line=60, eligible=5).set_index("cadre")
    # 村干部01: respondents 100, 98, 95 -> mean 97.666...
    assert t.loc["村干部01", "score"] == pytest.approx((100 + 98 + 95) / 3)
    # 村干部02: 100-27 = 73, 100-24 = 76, 100-50 = 50 -> mean 66.333...; nobody below 60 on average
    assert t.loc["村干部02", "score"] == pytest.approx((73 + 76 + 50) / 3)
    assert not t["below_line"].any()
    assert t.loc["村干部01", "n_respondents"] == 3 and t.loc["村干部01", "participation_ok"]
    assert t.loc["村干部02", "mean_aspect_4"] == pytest.approx((-10 - 5 - 10) / 3)
    low = cadre_appraisal(r, ["cadre_2"], line=70).set_index("cadre")
    assert low.loc["村干部02", "below_line"]


def _pingyi(tmp_path):
    # 4 raters, 3 members. 党员01: 优秀 3, 合格 1. 党员02: 合格 1, 基本合格 1, 不合格 2.
    # 党员03: 优秀 2, 合格 2 (a tie).
    f = tmp_path / "9_按序号_评议_4_4.csv"
    f.write_text("序号,提交答卷时间,所用时间,1、民主评议党员—党员01,党员02,党员03\n"
                 "1,2024/1/1 10:00:00,100秒,1,2,1\n2,2024/1/1 11:00:00,100秒,1,4,1\n"
                 "3,2024/1/1 12:00:00,100秒,2,4,2\n4,2024/1/1 13:00:00,100秒,1,3,2\n", encoding="utf-8")
    q = tmp_path / "q.yml"
    q.write_text("title: 民主评议\nquestions:\n  - id: pingyi\n    number: 1\n    title: 民主评议党员\n"
                 "    type: matrix\n    rows:\n      - {id: m01, label: 党员01}\n      - {id: m02, label: 党员02}\n"
                 "      - {id: m03, label: 党员03}\n"
                 "    options:\n      - {code: 1, label: 优秀}\n      - {code: 2, label: 合格}\n"
                 "      - {code: 3, label: 基本合格}\n      - {code: 4, label: 不合格}\n", encoding="utf-8")
    return democratic_appraisal(kit.load_export(f, questionnaire=q), "pingyi")


def test_democratic_appraisal_band_shares(tmp_path):
    members, overall = _pingyi(tmp_path)
    m = members.set_index("member")
    assert m.loc["党员01", "share_1"] == 0.75 and m.loc["党员02", "share_4"] == 0.5
    o = overall.set_index("band")
    assert o.loc["优秀", "n_votes"] == 5 and o.loc["不合格", "share"] == 2 / 12
    assert np.isclose(overall["share"].sum(), 1.0)


def test_democratic_rating_tie_and_help(tmp_path):
    # the rating is the band with most votes; a tie is shown at the lower band; the lowest two
    # bands need one-to-one help
    members, overall = _pingyi(tmp_path)
    m = members.set_index("member")
    assert m["rating"].tolist() == ["优秀", "不合格", "合格"]
    assert m["tie"].tolist() == [False, False, True]
    assert m["needs_help"].tolist() == [False, True, False]
    o = overall.set_index("band")
    assert o.loc["优秀", "share"] == 5 / 12
    assert o.loc["优秀", "share_ci_low"] < 5 / 12 < o.loc["优秀", "share_ci_high"]


def _sample(name):
    proj = kit.load_project(f"surveys/{name}")
    r = proj.load()
    return proj, r, analyse_appraisal(r, proj.appraisal)


def test_cadre_sample_project():
    proj, r, res = _sample("cadre-appraisal")
    t = res.cadres.set_index("cadre")
    assert (r.n_total, r.n_excluded, r.n_valid) == (114, 2, 112)       # DATA_LOG.md
    assert t["below_line"].sum() == 1 and t.loc["村干部06（文书）", "below_line"]
    assert (t["n_respondents"] == 112).all()
    assert any("超过半数" in s for s in res.sentences)
    assert any(s.startswith("村干部06（文书）平均得分") and "低于60分" in s for s in res.sentences)
    assert res.cadres.attrs["aspects"][0].startswith("德")
    assert list(tables.cadre_table(res).columns[4:6]) == ["德（思想品德）平均扣分", "能（工作能力）平均扣分"]
    checked = proj.check_expected(r, res)   # the figures project.yml declares, from the results
    assert set(checked["figure"]) == {"n_total", "n_excluded", "n_valid", "n_below_line"}


def test_member_sample_project(tmp_path):
    proj, r, res = _sample("member-appraisal")
    m = res.members.set_index("member")
    assert (r.n_valid, len(m)) == (42, 45) and (m["n_votes"] == 42).all()
    assert sorted(m.index[m["needs_help"]]) == ["党员17", "党员33"]               # DATA_LOG.md
    assert m.loc["党员33", "rating"] == "不合格" and m.loc["党员17", "rating"] == "基本合格"
    assert res.member_bands["n_votes"].sum() == 42 * 45
    assert any("党员17、党员33" in s and "一对一帮扶" in s for s in res.sentences)
    path = tables.write_appraisal_workbook(res, tmp_path / "测评结果.xlsx")
    from openpyxl import load_workbook
    wb = load_workbook(path)
    assert wb.sheetnames == ["民主评议党员", "评议等次汇总"]


@pytest.mark.parametrize("name,planted", [("cadre-appraisal", [75, 112]), ("member-appraisal", 29)])
def test_appraisal_generators_are_reproducible(tmp_path, name, planted, run_script):
    import pandas as pd

    from kit.io.table import read_table
    from kit.paths import ROOT
    sample = ROOT / "surveys" / name
    assert run_script(f"{name}/generate.py", tmp_path) == planted                               # DATA_LOG.md
    for new in sorted((tmp_path / "raw").glob("*.xlsx")):
        pd.testing.assert_frame_equal(read_table(new).body, read_table(sample / "raw" / new.name).body)
    assert (tmp_path / "questionnaire.yml").read_text(encoding="utf-8") == \
        (sample / "questionnaire.yml").read_text(encoding="utf-8")


def test_appraisal_key_is_validated(tmp_path):
    import shutil

    from kit.errors import ProjectError
    from kit.paths import ROOT
    dst = tmp_path / "p"
    shutil.copytree(ROOT / "surveys" / "cadre-appraisal", dst)
    y = (dst / "project.yml").read_text(encoding="utf-8")
    (dst / "project.yml").write_text(y.replace("cadre_08]", "identity]"), encoding="utf-8")
    with pytest.raises(ProjectError, match="appraisal.cadres.questions"):
        kit.load_project(dst)
