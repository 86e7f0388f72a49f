"""Issue 10 (ledgers): ties at the bottom boundary, rounds and quarters ordered by meaning,
one yes/no vocabulary, exact points and sentences that agree with their figures.

Expected values are worked out by hand in the comments.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

import kit
from kit.errors import KitError
from kit.ledgers import LedgerError, cadre_quarterly, inspection_rankings, member_points, run_ledgers, star_ratings

BRANCHES = ["第一支部", "第二支部", "第三支部", "第四支部", "第五支部", "第六支部", "第七支部", "第八支部",
            "第九支部", "第十支部", "第十一支部", "第十二支部"]


def _scores(rounds: dict) -> pd.DataFrame:
    rows = [{"branch": b, "round": r, "score": s} for r, scores in rounds.items() for b, s in zip(BRANCHES, scores)]
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ ties at the bottom boundary
def test_four_branches_tied_last_are_all_in_the_bottom_three():
    # 12 branches; the last four share 60 points in both rounds. By the stated rule (tied units
    # share the boundary place) all four are 倒数第1名, so all four are in the bottom three twice
    # in a row; competition rank "min" would put them at 9th of 12, outside the bottom three.
    top = [95, 94, 93, 92, 91, 90, 89, 88]
    r = inspection_rankings(_scores({1: top + [60] * 4, 2: top + [60] * 4}), bottom=3, consecutive=2)
    last4 = BRANCHES[8:]
    assert sorted(r.flagged["branch"]) == sorted(last4)
    k = r.ranks.set_index(["round", "branch"])
    assert all(k.loc[(1, b), "bottom"] and k.loc[(1, b), "bottom_rank"] == 1 for b in last4)
    assert not k.loc[(1, "第八支部"), "bottom"]                      # 88 points: 5th from the bottom
    note = r.flagged.set_index("branch").loc["第九支部", "note"]
    assert "并列倒数第1名" in note and "连续2轮" in note
    assert any("并列倒数第1名" in s and "计入倒数前3名" in s for s in r.sentences)


def test_a_tie_across_the_boundary_flags_every_tied_branch():
    # scores ... 70, 65, 65, 50: 50 is 倒数第1; the two 65s share 倒数第2; 70 is 倒数第4 -> the bottom
    # three are the 50 and both 65s (three branches); with 65, 60, 60, 60 ... all tie-groups count
    base = [95, 94, 93, 92, 91, 90, 89, 88, 70]
    r = inspection_rankings(_scores({1: base + [65, 65, 50], 2: base[:8] + [66, 60, 60, 60]}),
                            bottom=2, consecutive=2)
    k = r.ranks.set_index(["round", "branch"])
    # round 1, bottom 2: 50 (倒数第1) and both 65s (并列倒数第2) -> three branches
    assert [b for b in BRANCHES if k.loc[(1, b), "bottom"]] == ["第十支部", "第十一支部", "第十二支部"]
    # round 2: 66 is 倒数第4, the three 60s 并列倒数第1
    assert [b for b in BRANCHES if k.loc[(2, b), "bottom"]] == ["第十支部", "第十一支部", "第十二支部"]
    assert set(r.flagged["branch"]) == {"第十支部", "第十一支部", "第十二支部"}


# ------------------------------------------------------------------ rounds ordered by meaning
def _rotating(names, streak):
    """Round i: branch i is last (50 points) so no branch is last twice in a row, except
    第十二支部, which scores 10 in the ``streak`` rounds."""
    rounds = {}
    for i, n in enumerate(names):
        scores = [90] * 12
        scores[i] = 50
        scores[11] = 10 if n in streak else 99
        rounds[n] = scores
    return rounds


def test_chinese_round_labels_are_ordered_by_meaning():
    # 第三轮 and 第四轮 are consecutive; as text the order is 一 三 二 五 六 四 and they are not
    names = ["第五轮", "第一轮", "第二轮", "第三轮", "第四轮", "第六轮"]
    r = inspection_rankings(_scores(_rotating(names, {"第三轮", "第四轮"})), bottom=1, consecutive=2)
    assert r.flagged["branch"].tolist() == ["第十二支部"]
    note = r.flagged.iloc[0]["note"]
    assert note == "第三轮、第四轮均排名倒数前1（第三轮倒数第1名；第四轮倒数第1名）：连续2轮靠后"
    assert "第第" not in " ".join(r.sentences) and "轮轮" not in " ".join(r.sentences)
    assert r.ranks["round"].drop_duplicates().tolist() == ["第一轮", "第二轮", "第三轮", "第四轮", "第五轮",
                                                           "第六轮"]          # the table in meaning order


def test_quarters_and_half_years_are_ordered_by_meaning():
    # as text 一 三 二 四: 三季度 and 四季度 are not adjacent
    q = _rotating(["一季度", "二季度", "三季度", "四季度"], {"三季度", "四季度"})
    assert inspection_rankings(_scores(q), bottom=1, consecutive=2).flagged["branch"].tolist() == ["第十二支部"]
    h = _rotating(["2024年上半年", "2023年下半年", "2023年上半年"], {"2023年下半年", "2024年上半年"})
    r = inspection_rankings(_scores(h), bottom=1, consecutive=2)
    assert r.flagged["branch"].tolist() == ["第十二支部"]
    assert r.flagged.iloc[0]["note"].startswith("2023年下半年、2024年上半年均排名倒数前1")


def test_rounds_that_cannot_be_ordered_are_an_error(tmp_path):
    with pytest.raises(KitError, match="无法判断"):
        inspection_rankings(_scores({"第一轮": list(range(12)), "春季检查": list(range(12))}))
    dst = tmp_path / "p"
    shutil.copytree(kit.paths.ROOT / "surveys" / "party-ledgers", dst)
    rows = ["支部,轮次,得分"] + [f"{b},{r},{80 + i}" for r in ("第一轮", "春季检查") for i, b in enumerate(BRANCHES)]
    (dst / "inspections.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(LedgerError) as e:
        run_ledgers(kit.load_project(dst))
    assert "inspections.csv" in str(e.value) and "轮次" in str(e.value) and "春季检查" in str(e.value)


# ------------------------------------------------------------------ cadre quarters: one period parser
CADRE_RULES = {"grades": [{"name": "优秀", "min": 90}, {"name": "称职", "min": 75},
                          {"name": "基本称职", "min": 60}, {"name": "不称职", "min": 0}],
               "annual_pay": 36000, "basic_share": 0.7, "performance_share": 0.3, "full_points": 100,
               "streak": 3}


def test_cadre_quarters_written_in_chinese_are_read():
    labels = ["2022年一季度", "2022年第二季度", "2022年三季度", "2022Q4"]
    rows = [{"row": i + 2, "cadre": "张三", "post": "委员", "quarter": q, "points": 95} for i, q in enumerate(labels)]
    rows.append({"row": 6, "cadre": "张三", "post": "委员", "quarter": "2022年3月", "points": 95})   # a month
    res = cadre_quarterly(pd.DataFrame(rows), CADRE_RULES)
    assert res.quarters["quarter"].tolist() == [1, 2, 3, 4]
    assert res.flags.iloc[0]["note"] == "2022年第1季度至2022年第4季度连续4个季度优秀：建议表彰"
    assert res.problems["row"].tolist() == [6]


# ------------------------------------------------------------------ yes/no: one vocabulary
STARS = {"prerequisites": ["无违纪违法"],
         "branch_stars": {"党建星": {"all": [{"indicator": "三会一课达标", "is": "是"}]},
                          "美丽星": {"all": [{"indicator": "人居环境评分", "min": 85}]}},
         "member_stars": {"basic": ["学习", "敬业"], "max_stars": 2, "high": 2, "target_share": 0.5}}


def test_a_tick_passes_star_prerequisites_and_member_aspects():
    b = pd.DataFrame([{"branch": "一支部", "无违纪违法": "√", "三会一课达标": "√", "人居环境评分": 90},
                      {"branch": "二支部", "无违纪违法": "×", "三会一课达标": "是", "人居环境评分": 90}])
    m = pd.DataFrame([{"row": 2, "member": "甲", "branch": "一支部", "学习": "✓", "敬业": "达标"},
                      {"row": 3, "member": "乙", "branch": "一支部", "学习": "√", "敬业": "否"}])
    res = star_ratings(b, m, STARS)
    t = res.branches.set_index("branch")
    assert t.loc["一支部", "n_stars"] == 2 and t.loc["二支部", "n_stars"] == 0     # √ passes, × fails
    assert res.members.set_index("member")["n_stars"].to_dict() == {"甲": 2, "乙": 1}


def test_star_sentence_shows_enough_decimals():
    b = pd.DataFrame([{"branch": "一支部", "无违纪违法": "是", "三会一课达标": "是", "人居环境评分": 84.96}])
    note = star_ratings(b, None, STARS).branches.iloc[0]["note"]
    assert "84.96，低于85" in note and "85.0" not in note


# ------------------------------------------------------------------ member points: exact sums
RULES = {"period": ["2021-01-01", "2021-12-31"], "monthly_cap": 10, "annual_cap": 120,
         "unqualified_below": 60, "consecutive_years": 3, "top_share": 0.10,
         "indices": {"激励": "capped"}, "items": {"三会一课": "激励"}}


def test_member_points_are_summed_exactly_and_sentences_agree():
    # 甲: 5.0 + 9.2 + 5.5 + 5.1 + 9.4 + 7.4 + 5.7 + 1.8 + 4.7 + 1.3 + 0.5 + 4.4 = 60 exactly (binary
    # floats: 59.99999999999999) -> qualified, since 60 is not below 60.
    # 乙: 11 x 5 + 4.96 = 59.96 -> unqualified, shown as 59.96 beside 低于60分, never 60.0.
    jia = [5.0, 9.2, 5.5, 5.1, 9.4, 7.4, 5.7, 1.8, 4.7, 1.3, 0.5, 4.4]
    yi = [5] * 11 + [4.96]
    rows = [(m, f"2021-{k + 1:02d}-10", "三会一课", p) for m, ps in (("甲", jia), ("乙", yi))
            for k, p in enumerate(ps)]
    recs = pd.DataFrame([{"row": i + 2, "member": m, "date": d, "item": it, "points": p}
                         for i, (m, d, it, p) in enumerate(rows)])
    a = member_points(recs, ["甲", "乙"], RULES).annual.set_index("member")
    assert a.loc["甲", "score"] == 60 and not a.loc["甲", "unqualified"]
    assert a.loc["乙", "flag"] == "2021年59.96分，低于60分，不合格"
