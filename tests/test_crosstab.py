"""Cross-tabs (kit.crosstab): counts from the raw export cells, tests against R's calls as
reconstructed exactly by scipy (named beside each), and the small-expected switch.

References
----------
- R ``chisq.test(x, correct = FALSE)``: Pearson's X² = Σ (O − E)² / E, df = (r − 1)(c − 1);
  scipy ``chi2_contingency(x, correction=False)`` computes the same statistic and p-value.
- R ``fisher.test(x)`` for a 2x2 table = scipy ``fisher_exact`` (conditional exact test, p
  summing tables no more probable than the observed); R's own help example
  ``fisher.test(matrix(c(3, 1, 1, 3), 2))`` gives p = 0.4857.
- R ``fisher.test(Job)`` (the 4x4 job-satisfaction table of ?fisher.test) gives p = 0.7827; the
  kit simulates it (``simulate.p.value = TRUE, B = 1e5``), within Monte Carlo error.
- Agresti (2007), An Introduction to Categorical Data Analysis, Table 2.5: X² = 30.07, df = 2.
- R ``kruskal.test`` = scipy ``kruskal`` (H corrected for ties).
- Holm (1979): p_(i) × (m − i + 1), cumulative maximum, capped at 1.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter

import numpy as np
import pytest
from scipy import stats

import kit
from kit.crosstab import crosstab, independence_test
from kit.errors import KitError
from kit.paths import ROOT
from kit.stats import fisher_exact

from test_questions import _speeders, _wjx_text_export, column, raw_sheet

NEEDS = ROOT / "surveys" / "village-needs"


@pytest.fixture(scope="module")
def needs():
    r = kit.load_project(NEEDS).load()
    header, body = raw_sheet(next((NEEDS / "raw").glob("*按文本*")))
    bad = _speeders(header, body)
    rows = [row for i, row in enumerate(body) if i not in bad]
    return r, header, rows


def test_identity_by_volunteer_counts_and_chi_square_as_r(needs):
    r, header, rows = needs
    ident = [c.split("〖")[0] for c in column(header, rows, "5、")]
    typed = [c for c in column(header, rows, "5、")]
    ident = ["党员" if t == "其他【请注明】〖党员〗" else i for i, t in zip(ident, typed)]
    ident = [i.replace("【请注明】", "") for i in ident]   # printed 「其他」, without 问卷星's fill-in marker
    vol = column(header, rows, "9、")
    ct = crosstab(r, "identity", "volunteer")
    # 其他〖党员〗 is counted under 党员, as in the per-question table, so the totals agree
    raw = Counter(zip(ident, vol))
    for (a, b), k in raw.items():
        assert ct.counts.loc[a, b] == k
    x = ct.counts.to_numpy()
    assert ct.base == x.sum() == len(rows) == 356
    chi = stats.chi2_contingency(x, correction=False)        # R: chisq.test(x, correct = FALSE)
    assert ct.test["method"] == "chi_square"
    assert ct.test["statistic"] == pytest.approx(chi.statistic, rel=1e-12)
    assert ct.test["p_value"] == pytest.approx(chi.pvalue, rel=1e-9)
    assert ct.test["df"] == (x.shape[0] - 1) * (x.shape[1] - 1) == 3
    assert ct.test["cramers_v"] == pytest.approx(math.sqrt(chi.statistic / (x.sum() * 1)), rel=1e-12)
    # row and column percentages by hand
    assert ct.row_share.to_numpy() == pytest.approx(x / x.sum(axis=1, keepdims=True))
    assert ct.col_share.to_numpy() == pytest.approx(x / x.sum(axis=0, keepdims=True))
    from kit.descriptives import tabulate_question

    table = tabulate_question(r, "identity")[0].table.set_index("option")["n"]
    assert ct.counts.sum(axis=1).to_dict() == {k: v for k, v in table.items() if v}
    assert ct.counts.loc["党员"].sum() == Counter(ident)["党员"] == 77     # 73 ticked + 4 typed


def test_small_expected_switches_to_fisher_with_caveat(tmp_path):
    rows = [["1、组别", "2、是否知道"]] + [["甲", "知道"]] * 3 + [["甲", "不知道"]] + \
        [["乙", "知道"]] + [["乙", "不知道"]] * 3
    r = kit.load_export(_wjx_text_export(tmp_path / "small.xlsx", rows))
    ct = crosstab(r, "q1", "q2")
    assert ct.test["method"] == "fisher_exact"
    assert ct.test["p_value"] == pytest.approx(0.4857142857142857, abs=1e-12)   # R: 0.4857
    assert "期望频数小于5" in ct.test["caveat"] and "Fisher" in ct.test["caveat"]


def test_fisher_larger_tables_simulated_as_r_and_deterministic():
    job = [[1, 2, 1, 0], [3, 3, 6, 1], [10, 10, 14, 9], [6, 7, 12, 11]]
    a, b = fisher_exact(job), fisher_exact(job)
    assert a.method == "fisher_monte_carlo" and a.p_value == b.p_value
    se = math.sqrt(0.7827 * (1 - 0.7827) / 1e5)
    assert abs(a.p_value - 0.7827) < 4 * se + 5e-5                  # R fisher.test(Job): 0.7827


def test_cochran_rule_and_agresti_chi_square():
    t = independence_test([[762, 327, 468], [484, 239, 477]])
    assert t["method"] == "chi_square" and round(t["statistic"], 2) == 30.07 and t["df"] == 2
    assert t["caveat"] == ""
    # 3x3 with 4 of 9 cells expected below 5 (44% > 20%): Fisher
    t = independence_test([[8, 2, 1], [3, 6, 2], [2, 1, 9]])
    assert t["method"] == "fisher_monte_carlo" and t["share_small"] > 0.2
    # one row only: no test, said in words
    assert independence_test([[3, 4]])["method"] == "none"


def test_multi_by_group_case_percent_and_per_option_tests(needs):
    r, header, rows = needs
    age = column(header, rows, "4、")
    # 其他〖技能培训〗 and 其他〖希望多开展技能培训〗 count under 技能培训, as in the question's table
    serv = [{"技能培训" if re.search(r"〖(希望多开展)?技能培训〗", x) else x.split("〖")[0].replace("【请注明】", "")
             for x in c.split("┋")}
            for c in column(header, rows, "7、")]
    ct = crosstab(r, "age", "services")
    assert ct.kind == "multi_by_group" and ct.base == len(rows)
    groups = sorted(set(age), key=list(ct.counts.index).index)
    ps = []
    for opt in ct.counts.columns:
        table = []
        for g in groups:
            n_g = sum(1 for a in age if a == g)
            k = sum(1 for a, s in zip(age, serv) if a == g and opt in s)
            assert ct.counts.loc[g, opt] == k and ct.group_base[g] == n_g
            assert ct.row_share.loc[g, opt] == pytest.approx(k / n_g)       # 普及率 within the group
            table.append([k, n_g - k])
        e = stats.contingency.expected_freq(np.array(table))
        if (e < 1).any() or (e < 5).mean() > 0.2:
            continue
        p = stats.chi2_contingency(np.array(table), correction=False).pvalue
        row = ct.tests.set_index("option").loc[opt]
        assert row["method"] == "chi_square" and row["p_value"] == pytest.approx(p, rel=1e-9)
        ps.append(p)
    from kit.descriptives import tabulate_question

    table = tabulate_question(r, "services")[0].table.set_index("option")["n"]
    assert ct.counts.sum(axis=0).to_dict() == {k: v for k, v in table.items() if v}   # as the table
    p_all = ct.tests["p_value"].to_numpy()
    order = np.argsort(p_all)
    m = len(p_all)
    holm = np.minimum(1, np.maximum.accumulate(p_all[order] * (m - np.arange(m))))
    assert ct.tests["p_holm"].to_numpy()[order] == pytest.approx(holm)
    assert ps


def test_numeric_by_group_kruskal_as_r(needs):
    r, header, rows = needs
    ct = crosstab(r, "age", "household")
    age = column(header, rows, "4、")
    size = column(header, rows, "6、")
    groups = {}
    for a, s in zip(age, size):
        if s.rstrip("人").isdigit():
            groups.setdefault(a, []).append(int(s.rstrip("人")))
    s = ct.summary.set_index("group")
    for g, xs in groups.items():
        assert s.loc[g, "n"] == len(xs) and s.loc[g, "mean"] == pytest.approx(statistics.fmean(xs))
        assert s.loc[g, "median"] == statistics.median(xs)
    k = stats.kruskal(*[groups[g] for g in s.index])                   # R: kruskal.test(x ~ g)
    assert ct.test["statistic"] == pytest.approx(k.statistic) and ct.test["p_value"] == pytest.approx(k.pvalue)


def test_cross_tab_refusals_are_kit_errors(needs):
    r, _, _ = needs
    for a, b, word in (("services", "services", "多选题"), ("evaluation", "age", "矩阵题"),
                       ("priorities", "age", "排序题"), ("suggestion", "age", "文字填空题"),
                       ("nosuch", "age", "没有题目")):
        with pytest.raises(KitError, match=word):
            crosstab(r, a, b)


def test_matrix_row_crossed_drops_empty_categories(needs):
    r, _, _ = needs
    ct = crosstab(r, "township", "eval_3")
    assert ct.base == 356 and ct.counts.to_numpy().sum() == 356
    assert all(ct.counts.sum(axis=0) > 0) and all(ct.counts.sum(axis=1) > 0)
