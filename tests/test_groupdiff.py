"""分组比较 (issue 19): only differences with a Holm-adjusted p below 0.05 and at least 5
percentage points are reported, the rest in one sentence; the caveats of all the group tests in
one note.

References, computed here without scipy or statsmodels:
- Pearson's chi-square of a 2x2 table without continuity correction, N(ad - bc)^2 / (r1 r2 c1 c2),
  and its p-value for 1 degree of freedom, erfc(sqrt(chi2 / 2)) (the chi-square survival
  function with df = 1), as R's ``chisq.test(m, correct = FALSE)``;
- Fisher's exact test, two-sided, by enumerating the hypergeometric tables with exact fractions
  and summing those no more likely than the observed one, as R's ``fisher.test``;
- Holm's step-down adjustment by hand (Holm 1979): sort ascending, multiply the i-th by (m - i),
  carry the running maximum, cap at 1, as R's ``p.adjust(p, "holm")``.
"""

from __future__ import annotations

import math
from fractions import Fraction
from math import comb

import pandas as pd
import pytest

import kit
from kit.groupdiff import difference_sentences, group_differences


def chi2_p(a, b, c, d) -> float:
    n = a + b + c + d
    chi2 = Fraction(n * (a * d - b * c) ** 2, (a + b) * (c + d) * (a + c) * (b + d))
    return math.erfc(math.sqrt(float(chi2) / 2))


def fisher_p(a, b, c, d) -> float:
    r1, c1, n = a + b, a + c, a + b + c + d

    def prob(x):
        return Fraction(comb(c1, x) * comb(n - c1, r1 - x), comb(n, r1))
    obs = prob(a)
    lo, hi = max(0, r1 + c1 - n), min(r1, c1)
    return float(sum(prob(x) for x in range(lo, hi + 1) if prob(x) <= obs))


def holm(ps: list[float]) -> list[float]:
    order = sorted(range(len(ps)), key=lambda i: ps[i])
    out, running = [0.0] * len(ps), 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(ps) - rank) * ps[i]))
        out[i] = running
    return out


def _by_group(groups, k, n, title="您的身份", item="总体满意度"):
    m = len(groups)
    return pd.DataFrame({"group_by": ["g"] * m, "group_title": [title] * m, "group": groups,
                         "column": ["q"] * m, "item": [item] * m, "n_valid": n, "n_satisfied": k})


def test_pairs_holm_and_five_points_by_hand():
    d = group_differences(_by_group(["甲", "乙", "丙"], [90, 70, 88], [100, 100, 100])).set_index(["group_a", "group_b"])
    # 甲 vs 乙: chi2 = 200 (90·30 − 10·70)² / (100·100·160·40) = 12.5 exactly; 甲 vs 丙 and 乙 vs 丙 likewise
    raw = {("甲", "乙"): chi2_p(90, 10, 70, 30), ("甲", "丙"): chi2_p(90, 10, 88, 12), ("乙", "丙"): chi2_p(70, 30, 88, 12)}
    assert raw[("甲", "乙")] == pytest.approx(math.erfc(2.5), rel=1e-12)
    adj = dict(zip(raw, holm(list(raw.values()))))
    for pair in raw:
        assert d.loc[pair, "test"] == "chi_square"
        assert d.loc[pair, "p_value"] == pytest.approx(raw[pair], rel=1e-9)
        assert d.loc[pair, "p_holm"] == pytest.approx(adj[pair], rel=1e-9)
    assert d.loc[("甲", "乙"), "difference"] == Fraction(20, 100)           # exact
    assert d["notable"].to_dict() == {("甲", "乙"): True, ("甲", "丙"): False, ("乙", "丙"): True}


def test_small_cells_use_fisher_by_hand():
    d = group_differences(_by_group(["甲", "乙"], [9, 2], [10, 10])).iloc[0]
    # expected counts 5.5/4.5 ... below 5: Fisher's exact test, enumerated exactly
    assert d["test"] == "fisher_exact"
    assert d["p_value"] == pytest.approx(fisher_p(9, 1, 2, 8), rel=1e-9)
    assert d["p_value"] == pytest.approx(0.005477, abs=5e-7)   # R: fisher.test(matrix(c(9, 2, 1, 8), 2))$p.value
    assert d["notable"]


def test_five_points_is_the_line_exactly():
    # 1900/2000 − 1800/2000 = 5 points exactly: reported; 1899/2000 − 1800/2000 = 4.95 points: not
    d = group_differences(pd.concat([_by_group(["甲", "乙"], [1900, 1800], [2000, 2000]),
                                     _by_group(["甲", "乙"], [1899, 1800], [2000, 2000], item="作风").assign(column="r")]))
    d = d.set_index("item")
    assert d.loc["总体满意度", "difference"] == Fraction(1, 20) and d.loc["总体满意度", "notable"]
    assert d.loc["作风", "p_holm"] < 0.05 and not d.loc["作风", "notable"]


def test_many_groups_each_against_the_rest():
    names = [f"{c}村" for c in "东西南北中上下前后左右新"]        # 12 villages
    k = [20] * 11 + [8]
    n = [25] * 12
    d = group_differences(_by_group(names, k, n, title="您所在的村"))
    assert (d["mode"] == "rest").all() and len(d) == 12
    last = d.set_index("group_a").loc["新村"]
    # 新村 8/25 against the other eleven together 220/275
    assert last["group_b"] == "其他各村" and (last["k_b"], last["n_b"]) == (220, 275)
    ps = [chi2_p(20, 5, 208, 67) if g != "新村" else chi2_p(8, 17, 220, 55) for g in names]
    assert d["p_value"].tolist() == pytest.approx(ps, rel=1e-9)
    assert d["p_holm"].tolist() == pytest.approx(holm(ps), rel=1e-9)
    assert d["notable"].tolist() == [False] * 11 + [True]
    text = difference_sentences(d)
    assert text[0].startswith("按村比较：“总体满意度”的满意率，新村（32.0%）比其他各村（80.0%）低48.0个百分点")
    assert text[1] == ("其余11项比较（按村）的差异不足5个百分点，或经多重比较（Holm）校正后没有统计学意义，"
                       "不作为差异报告。")


def test_nothing_to_report_is_one_sentence():
    d = group_differences(pd.concat([_by_group(["甲", "乙"], [90, 88], [100, 100]),
                                     _by_group(["城关镇", "河口镇"], [50, 52], [60, 60], title="您所在的乡镇")
                                     .assign(group_by="h")]))
    assert difference_sentences(d) == ["按身份、乡镇比较，各组的满意率差异不足5个百分点，或经多重比较（Holm）校正后"
                                       "没有统计学意义，可以认为各组之间没有明显差异。"]


def test_caveats_are_one_note_not_one_line_per_test():
    from kit.satisfaction import caveat_note

    proj = kit.load_project("surveys/poverty-alleviation")
    res = kit.analyse_satisfaction(proj.load(), rank_tests=False)
    sparse = res.group_tests[res.group_tests["warning"].astype(bool)]
    assert len(sparse) >= 15                       # the tests with an expected count below 5 ...
    lines = [w for w in res.warnings if "期望频数" in w]
    assert len(lines) == sparse["group_by"].nunique() == 3    # ... said once per grouping question
    note = caveat_note(res)
    assert note.count("需要说明") == 1 and note.count("期望频数小于5") == 1
    assert "按乡镇、行政村、身份分组的部分卡方检验" in note and "按行政村分的全部80个组" in note
    assert "“村干部”" in note          # the only small group of 身份 (23 answers)
    assert all(s not in note for s in res.sentences[:2])


def test_an_item_on_which_two_groups_differ_is_named_once():
    # 12 villages, two of them low on the same item: 西村 8/25 and 新村 9/25 against the rest
    names = [f"{c}村" for c in "东西南北中上下前后左右新"]
    k = [20, 8] + [20] * 9 + [9]
    d = group_differences(_by_group(names, k, [25] * 12, title="您所在的村"))
    assert d["notable"].tolist() == [False, True] + [False] * 9 + [True]
    first = difference_sentences(d)[0]
    # 西村 8/25 = 32.0% vs the other eleven 209/275 = 76.0%: 44.0 points;
    # 新村 9/25 = 36.0% vs 208/275 = 75.6% (75.636...): 39.6 points
    assert first.startswith("按村比较：“总体满意度”的满意率，西村（32.0%）比其他各村（76.0%）低44.0个百分点（Holm校正后")
    assert "，新村（36.0%）比其他各村（75.6%）低39.6个百分点（Holm校正后" in first
    assert first.count("总体满意度") == 1 and first.endswith("）。")
