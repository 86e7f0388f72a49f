"""Issue 10, items 5-7 and 11 for surveys: sentences that never contradict their figures,
percentages scaled by 100 exactly, ``direction: descending`` honoured, and small samples.

Every expected value is an exact hand computation with fractions, written out beside it.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

import kit
from kit import change, tables
from kit.appraisal import analyse_appraisal


def _options(labels, scores=None) -> str:
    scores = scores or list(range(1, len(labels) + 1))
    return "".join(f"      - {{code: {i + 1}, label: '{lab}', score: {s}}}\n"
                   for i, (lab, s) in enumerate(zip(labels, scores)))


LIKERT = ["非常不满意", "不满意", "一般", "满意", "非常满意"]
LIKERT_DESC = LIKERT[::-1]                     # 1 = 非常满意 … 5 = 非常不满意


def _survey(tmp_path, name: str, questionnaire: str, headers: list[str], rows: list[list]):
    """A 问卷星 按序号 export (CSV) with these answer columns, loaded with this codebook."""
    f = tmp_path / f"9_按序号_{name}_{len(rows)}_{len(rows)}.csv"
    lines = ["序号,提交答卷时间,所用时间," + ",".join(headers)]
    for i, row in enumerate(rows):
        lines.append(f"{i + 1},2024/1/1 10:00:00,100秒," + ",".join("" if v is None else str(v)
                                                                    for v in row))
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    q = tmp_path / f"{name}.yml"
    q.write_text(questionnaire, encoding="utf-8")
    return kit.load_export(f, questionnaire=q)


def _overall_only(tmp_path, answers, name="s", direction=""):
    qn = ("title: t\nquestions:\n  - id: overall\n    number: 1\n    title: 总体满意度\n"
          f"    type: scale\n    role: overall\n{direction}    satisfied: "
          + ("[1, 2]" if direction else "[4, 5]") + "\n    options:\n"
          + _options(LIKERT_DESC if direction else LIKERT))
    return _survey(tmp_path, name, qn, ["1、总体满意度"], [[a] for a in answers])


def _first(r, k):
    """The first ``k`` valid responses of a loaded survey, as a survey of their own."""
    idx = r.valid.index[:k]
    return dataclasses.replace(r, data=r.data.loc[idx], missing=r.missing.loc[idx],
                               quality=r.quality[r.quality.index.isin(idx)])


# ------------------------------------------------------------------ item 5: verdicts
@pytest.mark.parametrize("k, n, target, expected", [
    # 99/100 = 99.0% against 99.2%: not met, and the target is shown as 99.2%, not "99%"
    (99, 100, 0.992, "满意率99.0%，未达到99.2%的目标。"),
    # 247/250 = 98.8% against 98.5%: met; "达到99%的目标" would misquote the target
    (247, 250, 0.985, "满意率98.8%，达到98.5%的目标。"),
    # 4899/5000 = 97.98% against 98%: 98.0% would contradict 未达到
    (4899, 5000, 0.98, "满意率97.98%，未达到98%的目标。"),
    # exactly on the target is met: 49/50 = 98% = 0.98
    (49, 50, "98%", "满意率98.0%，达到98%的目标。"),
])
def test_satisfaction_verdict_shows_figure_and_target_as_compared(tmp_path, k, n, target, expected):
    r = _overall_only(tmp_path, [5] * k + [2] * (n - k))
    res = kit.analyse_satisfaction(r, target=target, rank_tests=False)
    assert (res.overall["n_satisfied"], res.overall["n_valid"]) == (k, n)
    assert res.sentences[1].endswith(expected)


def _cadre_survey(tmp_path, answers, line=60, eligible=None, name="c"):
    # one cadre, one aspect: 不扣分 keeps 100, 扣40分 leaves 60, 扣41分 leaves 59
    qn = ("title: t\nquestions:\n  - id: cadre_01\n    number: 1\n    title: 村干部01\n"
          "    type: matrix\n    rows:\n      - {id: c1_de, label: 德}\n    options:\n"
          + _options(["不扣分", "扣40分", "扣41分"], [0, -40, -41]))
    r = _survey(tmp_path, name, qn, ["1、村干部01—德"], [[a] for a in answers])
    spec = {"cadres": {"questions": ["cadre_01"], "start": 100, "line": line}}
    if eligible:
        spec["cadres"]["eligible"] = eligible
    return analyse_appraisal(r, spec)


@pytest.mark.parametrize("n60, n59, shown", [
    (24, 1, "59.96"),     # (24 x 60 + 59) / 25 = 1499/25 = 59.96, not "60.0分，低于60分"
    (19, 1, "59.95"),     # (19 x 60 + 59) / 20 = 1199/20 = 59.95, not "60.0分"
])
def test_cadre_below_line_is_shown_below_the_line(tmp_path, n60, n59, shown):
    res = _cadre_survey(tmp_path, [2] * n60 + [3] * n59)
    text = "".join(res.sentences)
    assert f"村干部01平均得分{shown}分（" in text and "），低于60分，按规定提请调整。" in text
    assert f"平均得分在{shown}分至{shown}分之间" in text        # the range agrees with the verdict
    row = res.cadres.iloc[0]
    assert row["score_exact"] == Fraction(60 * n60 + 59 * n59, n60 + n59) and row["below_line"]
    t = tables.cadre_table(res).iloc[0]
    assert t["平均得分"] == shown and t["低于60分"] == "是"


def test_cadre_exactly_on_the_line_is_not_below(tmp_path):
    # 25 x 60 / 25 = 60: not below 60
    res = _cadre_survey(tmp_path, [2] * 25)
    assert not res.cadres.iloc[0]["below_line"]
    assert "没有村干部得分低于60分。" in res.sentences


def test_cadre_line_is_shown_with_its_own_precision(tmp_path):
    # line 59.5: a mean of 59.04 = (24 x 59 + 60) / 25 ... below 59.5, and "低于60分" would misquote
    res = _cadre_survey(tmp_path, [3] * 24 + [2], line=59.5)
    assert any(s.endswith("），低于59.5分，按规定提请调整。") for s in res.sentences), res.sentences
    assert res.cadres.iloc[0]["score_exact"] == Fraction(24 * 59 + 60, 25)
    assert "低于59.5分" in tables.cadre_table(res).columns


def test_participation_over_half_is_shown_over_half(tmp_path):
    # 501 of 1001 = 50.04995%: 超过半数, shown 50.05%, never "50.0%，超过半数"
    res = _cadre_survey(tmp_path, [1] * 501, eligible=1001)
    assert "参与率50.05%，超过半数，测评有效。" in res.sentences[1]


def test_attainment_behind_schedule_never_shows_the_target():
    # 9.999 of 10 is behind: shown 9.999 and 99.99%, never "10.00" or "100.0%" beside 滞后
    t = pd.DataFrame({"县": ["甲", "乙"], "年份": [2021, 2021], "目标": [10, 10000],
                      "实际": [9.999, 9999]})
    a = change.attainment(t, "县", "年份", "目标", "实际")
    (line,) = change.attainment_sentences(a, "县")
    assert line == "2021年：0/2个县完成阶段目标；未完成的有甲（目标10，实际9.999）、乙（目标10000，实际9999）。"
    d = tables.attainment_display(a, "县").set_index("县")
    assert d.loc["甲", "完成率"] == "99.99%" and d.loc["乙", "完成率"] == "99.99%"
    assert (d["滞后"] == "是").all()


# ------------------------------------------------------------------ item 6: x 100 exactly
def test_change_of_28_75_points_prints_28_8(tmp_path):
    # baseline 20 of 40 satisfied (50%), follow-up 63 of 80 (78.75%): +28.75 points -> +28.8
    # (0.2875 * 100 == 28.749999999999996 printed 28.7 before)
    b = _overall_only(tmp_path, [5] * 20 + [1] * 20, name="b")
    a = _overall_only(tmp_path, [5] * 63 + [1] * 17, name="a")
    c = change.compare_waves(b, a)
    assert "总体满意率由基线的50.0%变为跟踪的78.8%，变化+28.8个百分点" in c.sentences[1]
    assert tables.wave_table(c).iloc[0]["变化（百分点）"] == "+28.8"


def _nps_survey(tmp_path, scores, name="n"):
    qn = ("title: t\nquestions:\n  - id: recommend\n    number: 1\n    title: 推荐可能性\n"
          "    type: scale\n    options:\n" + _options([str(k) for k in range(11)], list(range(11))))
    return _survey(tmp_path, name, qn, ["1、推荐可能性"], [[s + 1] for s in scores])


def test_nps_of_28_75_prints_28_8(tmp_path):
    # 80 answers: 23 promoters, 57 passives, 0 detractors -> NPS = 23/80 = 28.75 -> 28.8
    res = kit.analyse_satisfaction(_nps_survey(tmp_path, [10] * 23 + [8] * 57), rank_tests=False)
    assert any("净推荐值（NPS）为28.8（95%置信区间：" in s for s in res.sentences)
    assert tables.nps_table(res).iloc[0]["NPS"] == "28.8"


# ------------------------------------------------------------------ item 7: direction
def test_descending_scale_gives_the_index_by_hand(tmp_path):
    # 1 = 非常满意: 8 of 10 answer 1 (非常满意), 2 answer 5 (非常不满意). Oriented so that
    # higher is better, the scores are 5 (x8) and 1 (x2): mean 42/10 = 4.2,
    # index (4.2 - 1) / 4 x 100 = 80.0 (the ascending reading gave 20.0); satisfied 8/10.
    r = _overall_only(tmp_path, [1] * 8 + [5] * 2, direction="    direction: descending\n")
    res = kit.analyse_satisfaction(r, rank_tests=False)
    o = res.overall
    assert o["n_satisfied"] == 8 and o["mean"] == pytest.approx(4.2)
    assert o["index"] == pytest.approx(80.0)
    assert "满意度指数为80.0" in res.sentences[1]


MATRIX_ROWS = ("    rows:\n      - {id: a, label: 服务态度, dimension: 服务}\n"
               "      - {id: b, label: 办事效率, dimension: 服务}\n"
               "      - {id: c, label: 办事拖拉, dimension: 服务, reverse: true}\n")


def _codebook(descending: bool) -> str:
    d = "    direction: descending\n" if descending else ""
    sat = "[1, 2]" if descending else "[4, 5]"
    opts = _options(LIKERT_DESC if descending else LIKERT)
    return ("title: t\ngroups: [town]\nquestions:\n"
            "  - id: town\n    number: 1\n    title: 乡镇\n    type: single\n    role: group\n"
            "    options:\n      - {code: 1, label: 甲镇}\n      - {code: 2, label: 乙镇}\n"
            f"  - id: overall\n    number: 2\n    title: 总体满意度\n    type: scale\n    role: overall\n"
            f"{d}    satisfied: {sat}\n    options:\n{opts}"
            f"  - id: m\n    number: 3\n    title: 请评价\n    type: matrix\n{d}    satisfied: {sat}\n"
            f"{MATRIX_ROWS}    options:\n{opts}")


def test_descending_codebook_reads_like_its_ascending_mirror(tmp_path):
    # The same answers coded both ways (descending code c is ascending code 6 - c) must give
    # the same shares, means, indices, dimension figures, drivers, group figures and changes.
    rng = np.random.default_rng(10)
    asc = [[int(rng.integers(1, 3))] + [int(v) for v in rng.integers(1, 6, 4)] for _ in range(40)]
    desc = [[row[0]] + [6 - v for v in row[1:]] for row in asc]
    headers = ["1、乡镇", "2、总体满意度", "3、请评价—服务态度", "办事效率", "办事拖拉"]
    ra = _survey(tmp_path, "asc", _codebook(False), headers, asc)
    rd = _survey(tmp_path, "desc", _codebook(True), headers, desc)
    a, d = (kit.analyse_satisfaction(x) for x in (ra, rd))
    cols = ["n_valid", "n_satisfied", "satisfied_share", "mean", "mean_ci_low", "index"]
    pd.testing.assert_frame_equal(a.items[cols], d.items[cols])
    pd.testing.assert_frame_equal(a.dimensions, d.dimensions)
    pd.testing.assert_frame_equal(a.drivers, d.drivers)
    pd.testing.assert_frame_equal(a.by_group, d.by_group)
    pd.testing.assert_frame_equal(a.group_tests, d.group_tests)
    assert a.sentences[1] == d.sentences[1]
    # hand check of one figure: item a's mean on the ascending codes
    assert a.items.set_index("column").loc["a", "mean"] == pytest.approx(np.mean([r[2] for r in asc]))
    ca, cd = change.compare_waves(ra, _survey(tmp_path, "asc2", _codebook(False), headers, asc[::-1])), \
        change.compare_waves(rd, _survey(tmp_path, "desc2", _codebook(True), headers, desc[::-1]))
    pd.testing.assert_frame_equal(ca.items, cd.items)


def test_descending_change_goes_up_when_people_grow_more_satisfied(tmp_path):
    # before: everyone 一般 (3 on either coding, score 3); after: 8 非常满意 (1), 2 非常不满意 (5)
    # oriented mean after = (8 x 5 + 2 x 1) / 10 = 4.2: the mean score rose by 1.2
    desc = "    direction: descending\n"
    b = _overall_only(tmp_path, [3] * 10, name="b", direction=desc)
    a = _overall_only(tmp_path, [1] * 8 + [5] * 2, name="a", direction=desc)
    row = change.compare_waves(b, a).items.iloc[0]
    assert (row["mean_before"], row["mean_after"]) == pytest.approx((3.0, 4.2))
    assert row["mean_diff"] == pytest.approx(1.2)


# ------------------------------------------------------------------ item 11: small samples
SMALL = "少于30份"


@pytest.fixture(scope="module")
def poverty():
    return kit.load_project("surveys/poverty-alleviation").load()


@pytest.mark.parametrize("k", [1, 2, 3, 29])
def test_satisfaction_with_few_answers_reports_what_it_can(poverty, k):
    res = kit.analyse_satisfaction(_first(poverty, k), target=0.98)
    o = res.overall
    assert o["n_valid"] == k
    assert o["n_satisfied"] == int(poverty.valid["overall"].iloc[:k].isin([4, 5]).sum())
    head = res.sentences[1]
    assert head.startswith("群众总体满意率为") and f"有效答卷仅{k}份（{SMALL}）" in head
    if k < 3:   # correlations need 3 pairs, alpha 3 complete answers: said, not raised
        assert any("未做影响总体满意度的因素分析" in s for s in res.sentences)
        assert any("未计算信度系数" in s for s in res.sentences)
    if k == 1:
        assert any("只有1份有效回答" in s for s in res.sentences)


def test_satisfaction_with_thirty_answers_has_no_small_sample_warning(poverty):
    res = kit.analyse_satisfaction(_first(poverty, 30), target=0.98)
    assert SMALL not in res.sentences[1]


def test_degenerate_nps_interval_is_reported_as_such(tmp_path):
    # three detractors: NPS = (0 - 3) / 3 = -100; the Wald interval has zero width
    res = kit.analyse_satisfaction(_nps_survey(tmp_path, [0, 3, 6]), rank_tests=False)
    (s,) = [s for s in res.sentences if "净推荐值" in s]
    assert "为−100.0（全部3份回答都是贬损者，无法估计置信区间" in s and "−100.0至−100.0" not in s
    assert "-100.0至-100.0" not in s
    assert tables.nps_table(res).iloc[0]["95%置信区间"] == tables.DEGENERATE


@pytest.mark.parametrize("k", [1, 2, 3, 29])
def test_cadre_appraisal_with_few_answers(k):
    p = kit.load_project("surveys/cadre-appraisal")
    res = analyse_appraisal(_first(p.load(), k), p.appraisal)
    assert f"有效答卷仅{k}份（{SMALL}）" in res.sentences[1]
    assert len(res.cadres) == 8 and (res.cadres["n_respondents"] == k).all()
    if k == 1:
        assert res.cadres["score_ci_low"].isna().all()
        assert all("（95%置信区间" not in s for s in res.sentences)   # no interval invented


@pytest.mark.parametrize("k", [1, 2, 29])
def test_member_appraisal_with_few_answers(k):
    p = kit.load_project("surveys/member-appraisal")
    res = analyse_appraisal(_first(p.load(), k), p.appraisal)
    assert f"有效答卷仅{k}份（{SMALL}）" in res.sentences[1]
    assert (res.members["n_votes"] <= k).all()


@pytest.mark.parametrize("k", [1, 2, 3, 29])
def test_wave_comparison_with_few_answers(k):
    p = kit.load_project("surveys/village-residents")
    c = change.compare_waves(_first(p.load("w2019"), k), _first(p.load("w2021"), k))
    assert (c.n_before, c.n_after) == (k, k)
    assert f"仅{k}份（{SMALL}）" in c.sentences[1]
    if c.n_pairs < 2:
        assert any("未做配对检验" in s for s in c.sentences)
    assert "nan" not in "".join(c.sentences).lower()
    assert c.sentences[-1] == change.CHANGE_NOT_EFFECT
