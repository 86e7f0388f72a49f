"""Appraisal ledgers on hand-computed cases, and every bad-record path."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from kit.ledgers import inspection_rankings, member_points

RULES = {"period": ["2021-01-01", "2023-12-31"], "monthly_cap": 10, "annual_cap": 120,
         "unqualified_below": 60, "consecutive_years": 3, "top_share": 0.10,
         "indices": {"激励": "capped", "学习": "uncapped"},
         "items": {"三会一课": "激励", "志愿服务": "激励", "学习强国": "学习"},
         "spend_items": ["积分超市兑换"]}


def _records(rows):
    return pd.DataFrame([{"row": i + 2, "member": m, "date": d, "item": it, "points": p}
                         for i, (m, d, it, p) in enumerate(rows)])


def _ledger():
    rows = [("甲", "2021-03-02", "三会一课", 8), ("甲", "2021-03-20", "志愿服务", 5),   # 13 -> 10
            ("甲", "2021-03-21", "学习强国", 20), ("甲", "2021-06-01", "积分超市兑换", -15)]
    rows += [("乙", f"2021-{m:02d}-10", "三会一课", 5) for m in range(1, 13)]            # 60: qualified
    rows += [("丙", f"{y}-05-10", "志愿服务", 10) for y in (2021, 2022, 2023)]            # 10 a year
    rows += [("X", "2021-05-10", "志愿服务", 3), ("乙", "2024-01-05", "三会一课", 2),     # bad rows
             ("乙", "2021-02-10", "三会一课", "十"), ("乙", "2021-02-11", "打扫卫生", 2),
             ("乙", "二月", "三会一课", 2)]
    return member_points(_records(rows), ["甲", "乙", "丙"], RULES)


def test_monthly_cap_is_flagged_not_rejected():
    res = _ledger()
    m = res.monthly.set_index(["member", "year", "month"]).loc[("甲", 2021, 3)]
    assert (m.raw, m.counted, bool(m.capped)) == (13, 10, True)
    assert m.note == "2021年3月得13分，超过每月10分上限，超出的3分不计入"


def test_annual_scores_uncapped_indices_and_lines():
    a = _ledger().annual.set_index(["member", "year"])
    assert a.loc[("乙", 2021), "score"] == 60 and not a.loc[("乙", 2021), "unqualified"]   # 60 is not < 60
    assert a.loc[("甲", 2021), "score"] == 10 and a.loc[("甲", 2021), "index_学习"] == 20
    assert a.loc[("乙", 2022), "score"] == 0                                            # no records
    assert a.loc[("丙", 2023), "flag"] == "2023年10分，低于60分；2021、2022年同样不合格：连续3年不合格"
    assert a.loc[("丙", 2022), "flag"] == "2022年10分，低于60分，不合格"
    assert bool(a.loc[("丙", 2023), "consecutive_flag"]) and not a.loc[("丙", 2022), "consecutive_flag"]


def test_annual_cap():
    rows = [("甲", f"2021-{m:02d}-{d:02d}", "三会一课", 6) for m in range(1, 13) for d in (1, 2, 3)]
    rules = dict(RULES, annual_cap=100)
    a = member_points(_records(rows), ["甲"], rules).annual.set_index("year")
    assert a.loc[2021, "score"] == 100          # 12 months x 10 counted = 120, capped at 100


def test_bad_records_are_reported_with_their_row():
    p = _ledger().problems.set_index("row")
    # rows: 16 records before the bad ones (4 + 12 + 3 = 19 good), file rows start at 2
    assert list(p["column"]) == ["member", "date", "points", "item", "date"]
    assert "党员不在名册中" in p.iloc[0]["reason"] and "考核期" in p.iloc[1]["reason"]
    assert p.index.tolist() == [21, 22, 23, 24, 25]


def test_exemplary_and_balance():
    res = _ledger()
    ex = res.exemplary[res.exemplary["year"] == 2021]
    assert ex["member"].tolist() == ["乙"]                  # top 10% of 3 members: 1 (ceil)
    b = res.balance.set_index("member")
    # 甲 earned 10 (2021) + 20 (学习, uncapped) and spent 15 at the 积分超市
    assert (b.loc["甲", "earned"], b.loc["甲", "spent"], b.loc["甲", "balance"]) == (30, 15, 15)
    assert any("5条有问题未计入" in s for s in res.sentences)
    assert "丙：2023年10分，低于60分；2021、2022年同样不合格：连续3年不合格。" in res.sentences


def test_inspection_ranks_ties_and_consecutive_bottom():
    s = pd.DataFrame({"branch": ["甲", "乙", "丙", "丁"] * 3, "round": [1] * 4 + [2] * 4 + [3] * 4,
                      "score": [90, 80, 80, 70, 85, 60, 90, 65, 70, 95, 88, 60]})
    r = inspection_rankings(s, bottom=2, consecutive=2)
    r1 = r.ranks[r.ranks["round"] == 1].set_index("branch")
    assert r1["rank"].to_dict() == {"甲": 1, "乙": 2, "丙": 2, "丁": 4}
    # from the bottom: 丁 70 is 倒数第1; 乙 and 丙 (80) share 倒数第2, so by the stated rule both are
    # in the bottom two of round 1. Round 2: 乙 60 倒数第1, 丁 65 倒数第2. Round 3: 丁 60, 甲 70.
    assert r1["bottom_rank"].to_dict() == {"甲": 4, "乙": 2, "丙": 2, "丁": 1}
    assert r1.loc["乙", "tied"] and r1.loc["丙", "tied"] and r1.loc["乙", "bottom"] and r1.loc["丙", "bottom"]
    assert r.flagged["branch"].tolist() == ["丁", "乙"]
    f = r.flagged.set_index("branch")["note"]
    assert f["丁"] == "第1、2、3轮均排名倒数前2（第1轮倒数第1名；第2轮倒数第2名；第3轮倒数第1名）：连续3轮靠后"
    assert f["乙"] == "第1、2轮均排名倒数前2（第1轮与丙并列倒数第2名；第2轮倒数第1名）：连续2轮靠后"
    assert "第1轮：乙、丙并列第2名。" in r.sentences
    assert "第1轮：乙、丙同分，并列倒数第2名，按并列名次均计入倒数前2名（本轮共3个支部计入）。" in r.sentences


CADRE_RULES = {"grades": [{"name": "优秀", "min": 90}, {"name": "称职", "min": 75},
                          {"name": "基本称职", "min": 60}, {"name": "不称职", "min": 0}],
               "annual_pay": 36000, "basic_share": 0.7, "performance_share": 0.3, "full_points": 100,
               "premium_posts": {"书记": 0.10}, "streak": 3}


def test_cadre_grades_pay_and_streaks():
    from kit.ledgers import cadre_quarterly

    pts = {"张书记": [95, 92, 91, 80], "李委员": [50, 55, 58, 59], "王委员": [90, 70, 90, 92]}
    rows = []
    for c, ps in pts.items():
        for q, p in enumerate(ps, start=1):
            rows.append({"row": len(rows) + 2, "cadre": c, "post": "书记" if c == "张书记" else "委员",
                         "quarter": f"2022Q{q}", "points": p})
    rows.append({"row": len(rows) + 2, "cadre": "王委员", "post": "委员", "quarter": "第五季度", "points": 80})
    res = cadre_quarterly(pd.DataFrame(rows), CADRE_RULES)
    q = res.quarters.set_index(["cadre", "quarter"])
    assert q.loc[("张书记", 1), "grade"] == "优秀" and q.loc[("李委员", 4), "grade"] == "不称职"
    assert q.loc[("王委员", 2), "grade"] == "基本称职" and q.loc[("李委员", 1), "grade"] == "不称职"
    # pay by hand: secretary 36,000 x 1.1 = 39,600 a year; basic 70% -> 2,310 a month;
    # performance 30% -> 2,970 a quarter at full points; 95 points -> 2,821.5
    assert q.loc[("张书记", 1), "basic_monthly"] == 2310
    assert q.loc[("张书记", 1), "performance"] == Decimal("2821.5")         # 2970 x 95/100
    assert q.loc[("李委员", 1), "performance"] == 1350                      # 36000 x 0.3 / 4 x 50/100
    assert q.loc[("张书记", 1), "pay_quarter"] == Decimal("9751.5")          # 3 x 2310 + 2821.5
    f = res.flags.set_index("cadre")
    assert f.loc["张书记", "note"] == "2022年第1季度至2022年第3季度连续3个季度优秀：建议表彰"
    assert f.loc["李委员", "note"] == "2022年第1季度至2022年第4季度连续4个季度不称职：建议调整"
    assert "王委员" not in f.index                        # 优秀 twice in a row only
    assert res.problems.iloc[0]["row"] == 14 and "季度无法识别" in res.problems.iloc[0]["reason"]


STAR_RULES = {
    "prerequisites": ["无违纪违法"],
    "branch_stars": {
        "党建星": {"all": [{"indicator": "三会一课达标", "is": "是"}]},
        "富裕星": {"all": [{"grew": ["集体收入2022", "集体收入2023"]},
                          {"grew": ["人均收入2022", "人均收入2023"]}]},
        "和谐星": {"all": [{"indicator": "信访件数", "max": 0}]},
        "美丽星": {"all": [{"indicator": "人居环境评分", "min": 85}]},
    },
    "member_stars": {"basic": ["学习", "敬业", "效能", "服务", "自律"], "extra": "突出贡献",
                     "max_stars": 7, "high": 6, "target_share": 0.10},
}


def test_branch_and_member_stars():
    from kit.ledgers import star_ratings

    b = pd.DataFrame([
        {"branch": "一支部", "无违纪违法": "是", "三会一课达标": "是", "集体收入2022": 10, "集体收入2023": 12,
         "人均收入2022": 9000, "人均收入2023": 9500, "信访件数": 0, "人居环境评分": 90},
        {"branch": "二支部", "无违纪违法": "是", "三会一课达标": "否", "集体收入2022": 10, "集体收入2023": 12,
         "人均收入2022": 9000, "人均收入2023": 8800, "信访件数": 2, "人居环境评分": 85},
        {"branch": "三支部", "无违纪违法": "否", "三会一课达标": "是", "集体收入2022": 10, "集体收入2023": 12,
         "人均收入2022": 9000, "人均收入2023": 9500, "信访件数": 0, "人居环境评分": 95},
    ])
    m = pd.DataFrame([
        {"row": 2, "member": "党员01", "branch": "一支部", "学习": "是", "敬业": "是", "效能": "是", "服务": "是",
         "自律": "是", "突出贡献": 1},                                          # 5 + 1 = 6
        {"row": 3, "member": "党员02", "branch": "一支部", "学习": "是", "敬业": "否", "效能": "是", "服务": "是",
         "自律": "是", "突出贡献": 0},                                          # 4
        {"row": 4, "member": "党员03", "branch": "二支部", "学习": "是", "敬业": "是", "效能": "是", "服务": "是",
         "自律": "是", "突出贡献": 5},                                          # 10, capped at 7
        {"row": 5, "member": "党员04", "branch": "二支部", "学习": "否", "敬业": "否", "效能": "否", "服务": "否",
         "自律": "否", "突出贡献": "很多"},                                     # 0, and a problem row
    ])
    res = star_ratings(b, m, STAR_RULES)
    t = res.branches.set_index("branch")
    assert t.loc["一支部", "n_stars"] == 4
    assert (t.loc["二支部", "党建星"], t.loc["二支部", "富裕星"], t.loc["二支部", "美丽星"]) == (False, False, True)
    assert "「人均收入2023」8800未高于「人均收入2022」9000" in t.loc["二支部", "note"]
    assert t.loc["三支部", "n_stars"] == 0 and t.loc["三支部", "note"] == "前置条件「无违纪违法」未满足，不评星"
    ms = res.members.set_index("member")["n_stars"]
    assert ms.to_dict() == {"党员01": 6, "党员02": 4, "党员03": 7, "党员04": 0}
    sh = res.member_share.set_index("branch")
    assert sh.loc["一支部", "share"] == 0.5 and not sh.loc["一支部", "below_target"]
    assert res.problems.iloc[0]["row"] == 5
    assert res.sentences[0] == "党建星：1个支部达标（一支部）。"


# ------------------------------------------------------------------ the sample project
import kit  # noqa: E402
from kit.ledgers import LedgerError, run_ledgers, write_ledger_outputs  # noqa: E402


@pytest.fixture(scope="module")
def sample():
    proj = kit.load_project("surveys/party-ledgers")
    return proj, run_ledgers(proj)


def test_sample_planted_facts(sample):
    _, res = sample
    mp = res["member_points"]
    flagged = mp.annual[mp.annual["consecutive_flag"]]
    assert flagged["member"].tolist() == ["党员07"] and flagged["year"].tolist() == [2023]   # generate.py
    assert mp.monthly[mp.monthly["member"] == "党员12"]["capped"].sum() >= 12
    assert mp.problems["value"].tolist() == ["党员99", "2024-02-01", "十", "打扫卫生"]
    assert mp.annual["score"].max() <= 120 and mp.annual.groupby("year").size().tolist() == [45] * 3
    cq = res["cadre_quarterly"].flags.set_index("cadre")
    assert cq.loc["村干部03", "action"] == "建议表彰" and cq.loc["村干部15", "action"] == "建议调整"
    assert len(res["cadre_quarterly"].quarters) == 160
    st = res["stars"].branches.set_index("branch")
    assert len(st) == 12 and st.loc["第五支部", "n_stars"] == 0
    assert res["stars"].members["n_stars"].max() <= 7 and len(res["stars"].members) == 45
    ins = res["inspection"]
    assert "第九支部" in ins.flagged["branch"].tolist() and ins.ranks["round"].nunique() == 6
    assert "第1轮：第二支部、第六支部并列第4名。" in ins.sentences


def test_sample_outputs(sample, tmp_path):
    import docx
    from openpyxl import load_workbook

    proj, res = sample
    paths = write_ledger_outputs(res, tmp_path, title=proj.organisation)
    assert {p.name for p in paths.values()} == {"积分台账.xlsx", "村干部绩效.xlsx", "星级评定.xlsx",
                                                "巡查排名.xlsx", "考核台账报告.docx"}
    wb = load_workbook(paths["积分台账"])
    assert wb.sheetnames == ["年度积分", "超上限月份", "党员示范岗", "积分超市", "问题记录"]
    ws = wb["问题记录"]
    assert ws["A1"].value == "积分台账：问题记录" and ws.freeze_panes == "A3"   # title row, header frozen
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    assert [r[0] for r in rows] == mp_rows(res)
    # the column named as the ledger file heads it, the reason in Chinese only
    assert {r[1] for r in rows} <= {"党员", "日期", "项目", "积分"} and not any("(" in r[3] for r in rows)
    heads = [p.text for p in docx.Document(paths["report"]).paragraphs if p.style.name == "Heading 1"]
    assert heads == ["一、积分台账", "二、村干部绩效", "三、星级评定", "四、巡查排名"]


def mp_rows(res):
    return res["member_points"].problems["row"].tolist()


def test_bad_ledger_files(tmp_path):
    import shutil

    from kit.errors import ProjectError
    from kit.paths import ROOT

    dst = tmp_path / "p"
    shutil.copytree(ROOT / "surveys" / "party-ledgers", dst)
    (dst / "inspections.csv").write_text("支部,轮次,得分\n第一支部,1,九十\n", encoding="utf-8")
    with pytest.raises(LedgerError) as e:
        run_ledgers(kit.load_project(dst))
    assert "inspections.csv" in str(e.value) and "第2行" in str(e.value) and "九十" in str(e.value)
    (dst / "cadre_quarterly.csv").write_text("村干部,季度,得分\n村干部01,2022Q1,80\n", encoding="utf-8")
    with pytest.raises(LedgerError, match=r"project.yml.*ledgers.cadre_quarterly.columns.post.*列「岗位」不在 "
                                          r"cadre_quarterly.csv 中"):
        run_ledgers(kit.load_project(dst))
    y = (dst / "project.yml").read_text(encoding="utf-8")
    (dst / "project.yml").write_text(y.replace("inspection: {file: inspections.csv}",
                                               "inspection: {file: nowhere.csv}"), encoding="utf-8")
    with pytest.raises(ProjectError, match="ledgers.inspection.file"):
        kit.load_project(dst)


def test_ledger_generator_is_reproducible(tmp_path, run_script):
    from kit.paths import ROOT
    for f in run_script("party-ledgers/generate.py", tmp_path):
        assert f.read_bytes() == (ROOT / "surveys" / "party-ledgers" / f.name).read_bytes()


def _shop_adds_up(t: pd.DataFrame) -> None:
    """Every row of 积分超市 as shown: 累计获得 = the year columns + the index columns (exact
    decimals from the printed figures), 余额 = 累计获得 − 已兑换."""
    parts = [c for c in t.columns if c.endswith("年度积分") or c.endswith("指数（各年合计）")]
    assert parts
    for _, row in t.iterrows():
        assert sum(Decimal(row[c]) for c in parts) == Decimal(row["累计获得"]), row.to_dict()
        assert Decimal(row["累计获得"]) - Decimal(row["已兑换"]) == Decimal(row["余额"]), row.to_dict()


def test_points_shop_says_how_earned_is_computed():
    """Hand count from _ledger(): 甲 2021 counted 10 (13 capped at 10) + 学习 20 = 30, spent 15;
    乙 60 in 2021; 丙 10 a year for three years = 30. Totals: 120 earned = 100 yearly points
    (10 + 60 + 10 + 10 + 10) + 20 学习; 15 spent; 105 left."""
    from kit.ledgers import ledger_tables

    res = _ledger()
    t = ledger_tables({"member_points": res})["积分台账"]["积分超市"]
    assert list(t.columns) == ["党员", "2021年度积分", "2022年度积分", "2023年度积分", "学习指数（各年合计）",
                               "累计获得", "已兑换", "余额", "说明"]
    jia = t.set_index("党员").loc["甲"]
    assert [jia[c] for c in t.columns[1:-1]] == ["10", "0", "0", "20", "30", "15", "15"]
    assert t.set_index("党员").loc["丙", "累计获得"] == "30"
    _shop_adds_up(t)
    assert t.attrs["note"].startswith("注：累计获得＝2021、2022、2023年度积分")
    assert "积分超市：3名党员累计获得120分（100分年度积分与20分学习指数之和），已兑换15分，余额105分。" in res.sentences


def test_points_shop_of_the_sample_adds_up(sample, tmp_path):
    from openpyxl import load_workbook

    from kit.ledgers import ledger_tables

    proj, res = sample
    _shop_adds_up(ledger_tables(res)["积分台账"]["积分超市"])
    paths = write_ledger_outputs(res, tmp_path, title=proj.organisation)
    ws = load_workbook(paths["积分台账"])["积分超市"]
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert any(v.startswith("注：累计获得＝") for v in cells)   # the note is printed under the table
