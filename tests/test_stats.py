"""kit.stats against published values; each expected number names its source."""

from __future__ import annotations

import numpy as np
import pytest

from kit.fmt import fmt_percent, round_half_up
from kit.stats import Result, mean_ci, proportion_ci

# Newcombe RG (1998), Statistics in Medicine 17:857-872, Table II: 95% intervals for
# 81/263, 15/148, 0/20 and 1/29. Method 3 = Wilson score without continuity correction,
# method 5 = Clopper-Pearson "exact".
NEWCOMBE = {
    (81, 263): {"wilson": (0.2553, 0.3662), "clopper_pearson": (0.2527, 0.3676)},
    (15, 148): {"wilson": (0.0624, 0.1605), "clopper_pearson": (0.0578, 0.1617)},
    (0, 20): {"wilson": (0.0000, 0.1611), "clopper_pearson": (0.0000, 0.1684)},
    (1, 29): {"wilson": (0.0061, 0.1718), "clopper_pearson": (0.0009, 0.1776)},
}


@pytest.mark.parametrize("kn", NEWCOMBE)
@pytest.mark.parametrize("method", ["wilson", "clopper_pearson"])
def test_proportion_ci_matches_newcombe_1998_table_ii(kn, method):
    r = proportion_ci(*kn, method=method)
    assert (round(r.ci_low, 4), round(r.ci_high, 4)) == NEWCOMBE[kn][method]
    assert r.estimate == kn[0] / kn[1] and r.n == kn[1] and r.method == method


def test_wald_upper_limits_match_newcombe_1998():
    # Table II, method 1 (Wald): upper limits 0.3638, 0.1500, 0.1009 (lower limits of the
    # small samples are aberrations below 0 there; statsmodels clips them to 0)
    assert round(proportion_ci(81, 263, "wald").ci_high, 4) == 0.3638
    assert round(proportion_ci(15, 148, "wald").ci_high, 4) == 0.1500
    assert round(proportion_ci(1, 29, "wald").ci_high, 4) == 0.1009


def test_proportion_ci_rejects_impossible_counts():
    with pytest.raises(ValueError, match="0 <= k <= n"):
        proportion_ci(5, 4)
    with pytest.raises(ValueError, match="method"):
        proportion_ci(1, 4, method="bogus")


def test_mean_ci_matches_r_t_test_on_student_sleep_data():
    # R: t.test(sleep$extra) -> t = 3.413, df = 19, p-value = 0.002918,
    # 95 percent confidence interval 0.5955845 2.4844155, mean 1.54 (Student 1908 data)
    extra = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0,
             1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
    r = mean_ci(extra)
    assert isinstance(r, Result)
    assert round(r.estimate, 2) == 1.54 and r.n == 20
    assert (round(r.ci_low, 7), round(r.ci_high, 7)) == (0.5955845, 2.4844155)
    assert round(r.statistic, 3) == 3.413 and round(r.p_value, 6) == 0.002918


def test_display_rounds_half_up_not_to_even():
    # 四舍五入 as in Excel's ROUND: ROUND(2.675, 2) = 2.68, ROUND(0.125, 2) = 0.13
    assert round_half_up(2.675, 2) == 2.68 and round_half_up(0.125, 2) == 0.13
    assert fmt_percent(0.9825) == "98.3%"   # Python: f"{98.25:.1f}" gives '98.2'
    assert fmt_percent(405 / 412) == "98.3%"


def test_chi_square_matches_agresti_party_identification_table():
    # Agresti A (2007) An Introduction to Categorical Data Analysis, 2nd ed., Table 2.5
    # (gender x party identification): X^2 = 30.07, df = 2, P < 0.001
    from kit.stats import chi_square
    r = chi_square([[762, 327, 468], [484, 239, 477]])
    assert round(r.statistic, 2) == 30.07 and r.df == 2 and r.p_value < 0.001
    assert r.n == 2757


def test_kruskal_matches_r_documentation_example():
    # R ?kruskal.test, Hollander & Wolfe (1973) p. 116:
    # Kruskal-Wallis chi-squared = 0.77143, df = 2, p-value = 0.68
    from kit.stats import kruskal
    r = kruskal([2.9, 3.0, 2.5, 2.6, 3.2], [3.8, 2.7, 4.0, 2.4], [2.8, 3.4, 3.7, 2.2, 2.0])
    assert round(r.statistic, 5) == 0.77143 and r.df == 2 and round(r.p_value, 2) == 0.68


def test_holm_adjustment_matches_r_p_adjust():
    # R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") -> 0.03 0.06 0.06 0.02
    from kit.stats import adjust_p
    assert adjust_p([0.01, 0.04, 0.03, 0.005]).round(6).tolist() == [0.03, 0.06, 0.06, 0.02]


# Shrout PE, Fleiss JL (1979). Intraclass correlations: uses in assessing rater reliability.
# Psychological Bulletin 86:420-428, Table 2 (6 targets x 4 judges). Their Table 3 ANOVA gives
# BMS = 11.24, EMS = 1.02, and Table 4 ICC(3,4) = .91; Cronbach's alpha with judges as items
# equals ICC(3,k) = (BMS - EMS) / BMS.
SHROUT_FLEISS = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]


def test_cronbach_alpha_equals_shrout_fleiss_icc3k():
    from kit.stats import cronbach_alpha
    r = cronbach_alpha(SHROUT_FLEISS)
    assert round(r.estimate, 2) == 0.91
    assert r.statistic == pytest.approx(11.24 / 1.02, rel=2e-3)   # F = BMS / EMS
    assert r.n == 6 and r.df == 5
    assert r.ci_low < r.estimate < r.ci_high < 1


def test_item_analysis_alpha_if_deleted_is_alpha_of_the_rest():
    import pandas as pd
    from kit.stats import cronbach_alpha, item_analysis
    frame = pd.DataFrame(SHROUT_FLEISS, columns=["j1", "j2", "j3", "j4"])
    t = item_analysis(frame).set_index("item")
    assert t.loc["j4", "alpha_if_deleted"] == pytest.approx(
        cronbach_alpha(frame[["j1", "j2", "j3"]]).estimate)
    assert -1 <= t["item_total_r"].min() and t["item_total_r"].max() <= 1


def test_two_by_two_uses_fisher_for_small_tables():
    # R ?fisher.test, Fisher's tea-tasting example: fisher.test(TeaTasting) two-sided
    # p-value = 0.4857 (the documented one-sided "greater" p is 0.2429)
    from kit.stats import two_by_two_test
    r = two_by_two_test([[3, 1], [1, 3]])
    assert r.method == "fisher_exact" and round(r.p_value, 4) == 0.4857
    big = two_by_two_test([[762, 468], [484, 477]])  # all expected counts >= 5: chi-square
    assert big.method == "chi_square"


def test_correlation_matches_anscombe_1973():
    # Anscombe FJ (1973) Graphs in statistical analysis. Am Stat 27:17-21: set I has r = 0.816
    from kit.stats import correlation
    x = [10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5]
    y = [8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68]
    r = correlation(x, y)
    assert round(r.estimate, 3) == 0.816 and r.n == 11 and r.ci_low < 0.816 < r.ci_high


def test_regression_matches_nist_longley_certified_values():
    # NIST StRD, Longley (1967) data, certified OLS coefficients (statsmodels ships the data)
    import statsmodels.api as sm
    from kit.stats import regression
    d = sm.datasets.longley.load_pandas()
    frame = d.exog.assign(TOTEMP=d.endog)
    t = regression(frame, "TOTEMP", list(d.exog.columns)).set_index("term")["estimate"]
    certified = {"const": -3482258.63459582, "GNPDEFL": 15.0618722713733,
                 "GNP": -0.358191792925910e-01, "UNEMP": -2.02022980381683,
                 "ARMED": -1.03322686717359, "POP": -0.511041056535807e-01,
                 "YEAR": 1829.15146461355}
    for term, value in certified.items():
        assert t[term] == pytest.approx(value, rel=1e-6)


# ------------------------------------------------------------------ KMO and Bartlett's test
# psych's Thurstone matrix (9 ability tests, Bechtoldt 1961 via McDonald 1999; ships with R's
# psych as `Thurstone`). `str(Thurstone)` prints its first column 1 .828 .776 .439 .432 .447
# .447 .541 .38.
THURSTONE_LOWER = """1
.828 1
.776 .779 1
.439 .493 .460 1
.432 .464 .425 .674 1
.447 .489 .443 .590 .541 1
.447 .432 .401 .381 .402 .288 1
.541 .537 .534 .350 .367 .320 .555 1
.380 .358 .359 .424 .446 .325 .598 .452 1"""


def _thurstone():
    r = np.zeros((9, 9))
    for i, line in enumerate(THURSTONE_LOWER.splitlines()):
        for j, v in enumerate(line.split()):
            r[i, j] = r[j, i] = float(v)
    return r


def test_kmo_matches_psych_thurstone():
    from kit.stats import kmo

    # R: psych::KMO(Thurstone) -> "Overall MSA = 0.88"; MSA for each item: Sentences 0.86,
    # Vocabulary 0.86, Sent.Completion 0.90, First.Letters 0.86, Four.Letter.Words 0.88,
    # Suffixes 0.92, Letter.Series 0.85, Pedigrees 0.93, Letter.Group 0.87
    overall, items = kmo(_thurstone())
    assert round(overall, 2) == 0.88
    assert np.round(items, 2).tolist() == [0.86, 0.86, 0.90, 0.86, 0.88, 0.92, 0.85, 0.93, 0.87]


def test_kmo_from_item_data_equals_kmo_of_their_correlations():
    from kit.stats import kmo

    rng = np.random.default_rng(3)
    f = rng.normal(size=(300, 1))
    x = f + rng.normal(size=(300, 4))
    assert kmo(x)[0] == pytest.approx(kmo(np.corrcoef(x, rowvar=False))[0])


def test_bartlett_sphericity_formula_and_identity():
    from kit.stats import bartlett_sphericity

    # psych::cortest.bartlett documents chi2 = -ln|R| (n - 1 - (2p+5)/6), df = p(p-1)/2
    # (Bartlett 1951). Thurstone with n = 213: |R| = 0.02094 (numpy), so chi2 = 3.866 * 206.17
    r = _thurstone()
    b = bartlett_sphericity(r, n=213)
    assert b.df == 36
    assert b.statistic == pytest.approx(-np.log(np.linalg.det(r)) * (213 - 1 - 23 / 6))
    assert b.p_value < 1e-100
    # an identity matrix: chi2 = 0, p = 1
    ident = bartlett_sphericity(np.eye(4), n=100)
    assert ident.statistic == pytest.approx(0) and ident.p_value == pytest.approx(1)
    with pytest.raises(ValueError, match="n"):
        bartlett_sphericity(r)


def test_bartlett_rejects_on_correlated_items_only():
    from kit.stats import bartlett_sphericity

    rng = np.random.default_rng(42)
    # under independence the test rejects at its nominal 5% level (Bartlett's chi-square
    # approximation): 400 random data sets of 100 x 5
    rate = np.mean([bartlett_sphericity(rng.normal(size=(100, 5))).p_value < 0.05
                    for _ in range(400)])
    assert 0.025 < rate < 0.08
    noise = rng.normal(size=(100, 10))
    f = rng.normal(size=(100, 1))
    assert bartlett_sphericity(noise[:, :5] + f).p_value < 1e-6


# ------------------------------------------------------------------ NPS
def test_nps_hand_computed():
    from kit.stats import nps

    # Reichheld (2003): NPS = % promoters (9-10) - % detractors (0-6). 200 answers: 100
    # promoters, 60 passives, 40 detractors -> 0.50 - 0.20 = 0.30; multinomial variance
    # (0.5 + 0.2 - 0.09) / 200 = 0.00305, SE 0.05523, 95% Wald 0.30 ± 1.96 x 0.05523
    scores = [10] * 60 + [9] * 40 + [8] * 30 + [7] * 30 + [6] * 20 + [0] * 20
    r = nps(scores)
    assert r.estimate == pytest.approx(0.30)
    assert r.se == pytest.approx(0.0552268, rel=1e-5)
    assert (r.ci_low, r.ci_high) == pytest.approx((0.30 - 0.108243, 0.30 + 0.108243), abs=1e-5)
    with pytest.raises(ValueError, match="0-10"):
        nps([11, 5])
