"""Satisfaction tables on the sample project and on hand-computed cases."""

from __future__ import annotations

import pytest

import kit
from kit.fmt import fmt_for_verdict
from kit.stats import proportion_ci


@pytest.fixture(scope="module")
def res():
    r = kit.load_project("surveys/poverty-alleviation").load()
    return kit.analyse_satisfaction(r, target=0.98)


def test_overall_reproduces_the_published_rate(res):
    o = res.overall
    assert (o["n_valid"], o["n_satisfied"]) == (412, 405)          # DATA_LOG.md
    ref = proportion_ci(405, 412)                                   # checked in test_stats
    assert (o["share_ci_low"], o["share_ci_high"]) == (ref.ci_low, ref.ci_high)
    assert res.sentences[1].startswith("群众总体满意率为98.3%（95%置信区间：96.5%–99.2%）")
    assert "有效答卷412份" in res.sentences[0] and "达到98%的目标" in res.sentences[1]


def test_index_is_mean_rescaled_to_0_100(res):
    items = res.items.set_index("column")
    m = items.loc["overall", "mean"]
    assert items.loc["overall", "index"] == pytest.approx((m - 1) / 4 * 100)


def test_awareness_counts_and_skips(res):
    a = res.awareness.set_index("question_id")
    assert (a.loc["aware_programme", "n_aware"], a.loc["aware_programme", "n_valid"]) == (406, 412)
    assert a.loc["aware_policy", "n_skipped"] == 6 and a.loc["aware_policy", "n_valid"] == 406


def test_groups_add_up_and_small_groups_are_flagged(res):
    g = res.by_group
    town = g[(g["group_by"] == "township") & (g["column"] == "overall")]
    assert town["n_valid"].sum() == 412 and town["n_satisfied"].sum() == 405
    village = g[(g["group_by"] == "village") & (g["column"] == "overall")]
    assert village["small_n"].all() and len(village) == 80
    assert any("少于30份" in w for w in res.warnings)
    chi = res.group_tests[(res.group_tests["test"] == "chi_square")]
    assert chi["warning"].any() and any("期望频数" in w for w in res.warnings)


def test_verdict_never_contradicted_by_rounding():
    assert fmt_for_verdict(0.97996, 0.98, percent=True) == "97.996%"    # 未达到: not shown as 98.0%
    assert fmt_for_verdict(0.98, 0.98, percent=True) == "98.0%"
    assert fmt_for_verdict(0.9795, 0.98, percent=True) == "97.95%"      # 98.0% would contradict


def test_reverse_coded_row_is_flipped(tmp_path):
    # row B is worded negatively: a 1 on B means satisfied (score 5 after flipping)
    f = tmp_path / "9_按序号_t_3_3.csv"
    f.write_text("序号,提交答卷时间,所用时间,1、请评价—A,B\n1,2024/1/1 10:00:00,100秒,5,1\n"
                 "2,2024/1/1 11:00:00,100秒,4,2\n3,2024/1/1 12:00:00,100秒,5,1\n", encoding="utf-8")
    q = tmp_path / "q.yml"
    opts = "".join(f"      - {{code: {k}, label: '{k}', score: {k}}}\n" for k in range(1, 6))
    q.write_text("title: t\nquestions:\n  - id: m\n    number: 1\n    title: 请评价\n    type: matrix\n"
                 "    satisfied: [4, 5]\n    rows:\n      - {id: a, label: A, dimension: d}\n"
                 "      - {id: b, label: B, dimension: d, reverse: true}\n    options:\n" + opts,
                 encoding="utf-8")
    res = kit.analyse_satisfaction(kit.load_export(f, questionnaire=q))
    items = res.items.set_index("column")
    # hand computation: A scores 5, 4, 5 -> mean 14/3; B 1, 2, 1 flipped to 5, 4, 5 -> 14/3
    assert items.loc["a", "mean"] == pytest.approx(14 / 3)
    assert items.loc["b", "mean"] == pytest.approx(14 / 3)
    assert items.loc["b", "n_satisfied"] == 3
    assert res.dimensions.loc[0, "index"] == pytest.approx((14 / 3 - 1) / 4 * 100)


def test_reliability_per_dimension(res):
    from kit.stats import cronbach_alpha
    rel = res.reliability.set_index("dimension")
    r = kit.load_project("surveys/poverty-alleviation").load()
    direct = cronbach_alpha(r.valid[["item_1", "item_2", "item_3", "item_4"]])
    assert rel.loc["工作成效", "alpha"] == pytest.approx(direct.estimate)
    assert rel.loc["工作成效", "n_complete"] == 412
    assert len(res.item_reliability) == 4


def test_pairwise_follow_ups_are_holm_adjusted_and_skip_many_groups(res):
    pw = res.pairwise
    town = pw[(pw["group_by"] == "township") & (pw["column"] == "overall")]
    assert len(town) == 15                                   # 6 townships: 6*5/2 pairs
    assert (town["p_holm"] >= town["p_value"]).all() and (town["p_holm"] <= 1).all()
    assert not (pw["group_by"] == "village").any()           # 80 villages: no 3160 pairs


def test_every_item_is_broken_down_by_group(res):
    g = res.by_group[res.by_group["group_by"] == "township"]
    assert set(g["column"]) == {"overall", "item_1", "item_2", "item_3", "item_4",
                                "aware_programme", "aware_policy"}
    item1 = g[g["column"] == "item_1"]
    assert item1["n_satisfied"].sum() == int(res.items.set_index("column").loc["item_1", "n_satisfied"])
    kw = res.group_tests[(res.group_tests["test"] == "kruskal_wallis") & (res.group_tests["group_by"] == "township")]
    assert set(kw["column"]) == {"overall", "item_1", "item_2", "item_3", "item_4"}


def test_drivers_and_ipa_quadrants(res):
    d = res.drivers.set_index("column")
    assert set(d.index) == {"item_1", "item_2", "item_3", "item_4"}
    r = kit.load_project("surveys/poverty-alleviation").load()
    from kit.stats import correlation
    direct = correlation(r.valid["item_1"], r.valid["overall"]).estimate
    assert d.loc["item_1", "importance_r"] == pytest.approx(direct)
    assert set(d["quadrant"]) <= {"继续保持", "重点改进", "维持现状", "次要改进"}


def test_three_line_table_renders_rules_and_no_index(res):
    from kit import tables
    html = tables.three_line(tables.satisfaction_item_table(res), caption="表1").to_html()
    assert "border-top: 2px solid black" in html and "表1" in html and "98.3%" in html


def test_nps_for_a_0_to_10_question(tmp_path):
    # 10 answers: 10 10 9 | 8 7 | 6 5 0 | 9 10 -> 5 promoters, 2 passives, 3 detractors
    scores = [10, 10, 9, 8, 7, 6, 5, 0, 9, 10]
    f = tmp_path / "9_按序号_t_10_10.csv"
    f.write_text("序号,提交答卷时间,所用时间,1、您向亲友推荐本村办事服务的可能性\n" + "".join(
        f"{i + 1},2024/1/1 10:{i:02d}:00,100秒,{s + 1}\n" for i, s in enumerate(scores)),
        encoding="utf-8")
    q = tmp_path / "q.yml"
    opts = "".join(f"      - {{code: {k + 1}, label: '{k}', score: {k}}}\n" for k in range(11))
    q.write_text("title: t\nquestions:\n  - id: recommend\n    number: 1\n"
                 "    title: 您向亲友推荐本村办事服务的可能性\n    type: scale\n    options:\n" + opts,
                 encoding="utf-8")
    res = kit.analyse_satisfaction(kit.load_export(f, questionnaire=q))
    row = res.nps.iloc[0]
    assert (row["n_valid"], row["promoters"], row["passives"], row["detractors"]) == (10, 0.5, 0.2, 0.3)
    assert row["nps"] == pytest.approx(0.2)
    assert any("净推荐值（NPS）为20.0" in s for s in res.sentences)
    from kit.tables import nps_table
    assert nps_table(res).iloc[0]["NPS"] == "20.0"


def test_reliability_reports_kmo_and_bartlett(res):
    from kit.stats import bartlett_sphericity, kmo
    r = kit.load_project("surveys/poverty-alleviation").load()
    rel = res.reliability.iloc[0]
    frame = r.valid[["item_1", "item_2", "item_3", "item_4"]].astype(float)
    assert rel["kmo"] == pytest.approx(kmo(frame)[0])
    assert rel["bartlett_df"] == 6 and rel["bartlett_p"] == pytest.approx(
        bartlett_sphericity(frame).p_value)
