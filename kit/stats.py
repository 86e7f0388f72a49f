"""Statistics with one result type. Each function wraps a well-kept library (statsmodels, scipy);
each is checked in ``tests/test_stats.py`` against a published reference named there.

All shares are fractions 0-1; percentages are for display only (:mod:`kit.fmt`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

__all__ = ["Result", "proportion_ci", "mean_ci", "chi_square", "expected_counts", "kruskal",
           "adjust_p", "cronbach_alpha", "item_analysis", "two_by_two_test", "correlation",
           "regression", "kmo", "bartlett_sphericity", "nps", "paired_test", "marginal_homogeneity",
           "two_proportions", "welch_t", "mann_whitney", "cohens_d", "did", "WILD_MIN_CLUSTERS"]


@dataclass(frozen=True)
class Result:
    """The one result type of :mod:`kit.stats` (identifier-safe snake_case fields)."""

    estimate: float
    ci_low: float | None = None
    ci_high: float | None = None
    se: float | None = None
    n: int | None = None
    p_value: float | None = None
    statistic: float | None = None
    method: str = ""
    df: float | None = None
    deff: float | None = None
    p_value_wild: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


_PROPORTION_METHODS = {"wilson": "wilson", "wald": "normal", "clopper_pearson": "beta",
                       "agresti_coull": "agresti_coull", "jeffreys": "jeffreys"}


def proportion_ci(k: int, n: int, method: str = "wilson", conf_level: float = 0.95) -> Result:
    """A share ``k / n`` with its confidence interval (default: Wilson score).

    Parameters
    ----------
    k, n : int
        Number of responses counted (e.g. 满意 or 非常满意) and valid responses.
    method : {"wilson", "wald", "clopper_pearson", "agresti_coull", "jeffreys"}
    conf_level : float

    Notes
    -----
    Wilson: centre ``(k + z²/2) / (n + z²)``, half-width
    ``z √(k(n-k)/n + z²/4) / (n + z²)`` (Wilson 1927; Newcombe 1998, method 3).
    Computed by ``statsmodels.stats.proportion.proportion_confint``.

    References
    ----------
    Newcombe RG (1998). Two-sided confidence intervals for the single proportion: comparison
    of seven methods. Statistics in Medicine 17:857-872, Table II.

    Examples
    --------
    >>> r = proportion_ci(405, 412)   # the sample project's satisfied share
    >>> round(r.estimate, 4), round(r.ci_low, 4), round(r.ci_high, 4)
    (0.983, 0.9653, 0.9917)
    >>> from kit.fmt import fmt_percent
    >>> f"{fmt_percent(r.estimate)}（95%置信区间：{fmt_percent(r.ci_low)}–{fmt_percent(r.ci_high)}）"
    '98.3%（95%置信区间：96.5%–99.2%）'
    """
    from statsmodels.stats.proportion import proportion_confint

    if method not in _PROPORTION_METHODS:
        raise ValueError(f"method must be one of {sorted(_PROPORTION_METHODS)}, got {method!r}")
    if not (isinstance(k, (int, np.integer)) and isinstance(n, (int, np.integer))):
        raise TypeError("k and n must be whole numbers")
    if n <= 0 or k < 0 or k > n:
        raise ValueError(f"need 0 <= k <= n and n > 0, got k={k}, n={n}")
    low, high = proportion_confint(int(k), int(n), alpha=1 - conf_level,
                                   method=_PROPORTION_METHODS[method])
    p = k / n
    return Result(estimate=p, ci_low=float(low), ci_high=float(high),
                  se=math.sqrt(p * (1 - p) / n), n=int(n), method=method)


def mean_ci(values, conf_level: float = 0.95) -> Result:
    """Mean with a t interval (missing values dropped); ``statistic``/``p_value`` test mean = 0.

    Examples
    --------
    >>> r = mean_ci([4, 5, 5, 3, 4])
    >>> round(r.estimate, 2), r.n
    (4.2, 5)
    """
    from scipy import stats

    x = np.asarray(values, dtype="float64")
    x = x[~np.isnan(x)]
    n = len(x)
    if n < 2:
        raise ValueError(f"need at least 2 values for a t interval, got {n}")
    if np.ptp(x) == 0:  # every answer the same: no spread, the interval is the point
        return Result(estimate=float(x[0]), ci_low=float(x[0]), ci_high=float(x[0]), se=0.0, n=n,
                      method="t")
    res = stats.ttest_1samp(x, 0.0)
    ci = res.confidence_interval(confidence_level=conf_level)
    return Result(estimate=float(x.mean()), ci_low=float(ci.low), ci_high=float(ci.high),
                  se=float(stats.sem(x)), n=n, p_value=float(res.pvalue),
                  statistic=float(res.statistic), method="t")


def chi_square(table) -> Result:
    """Pearson's chi-square test of independence for a contingency table (scipy, no continuity
    correction). ``estimate`` is Cramér's V. Empty rows and columns are left out; check
    :func:`expected_counts` for cells expected below 5.

    Examples
    --------
    >>> r = chi_square([[762, 327, 468], [484, 239, 477]])   # Agresti (2007), Table 2.5
    >>> round(r.statistic, 2), r.df
    (30.07, 2.0)
    """
    from scipy import stats

    t = np.asarray(table, dtype="float64")
    t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]
    if t.ndim != 2 or min(t.shape) < 2:
        raise ValueError("a chi-square test needs at least two non-empty rows and columns")
    res = stats.chi2_contingency(t, correction=False)
    n = t.sum()
    v = math.sqrt(res.statistic / (n * (min(t.shape) - 1)))
    return Result(estimate=v, n=int(n), p_value=float(res.pvalue), statistic=float(res.statistic),
                  method="chi_square", df=float(res.dof))


def two_by_two_test(table) -> Result:
    """Compare two shares in a 2x2 table: Pearson chi-square, or Fisher's exact test when a cell
    is expected below 5 (scipy). ``estimate`` is the difference of the row shares.

    Examples
    --------
    >>> r = two_by_two_test([[3, 1], [1, 3]])     # R: fisher.test(matrix(c(3,1,1,3), 2)) p = 0.4857
    >>> r.method, round(r.p_value, 4)
    ('fisher_exact', 0.4857)
    """
    from scipy import stats

    t = np.asarray(table, dtype="float64")
    if t.shape != (2, 2) or (t.sum(axis=1) == 0).any():
        raise ValueError("need a 2x2 table with both rows non-empty")
    diff = t[0, 0] / t[0].sum() - t[1, 0] / t[1].sum()
    if (t.sum(axis=0) == 0).any():  # everyone in one column: no difference to test
        return Result(estimate=float(diff), n=int(t.sum()), p_value=1.0, method="none")
    if expected_counts(t).min() < 5:
        res = stats.fisher_exact(t.astype(int))
        return Result(estimate=float(diff), n=int(t.sum()), p_value=float(res.pvalue),
                      statistic=float(res.statistic), method="fisher_exact")
    c = chi_square(t)
    return Result(estimate=float(diff), n=int(t.sum()), p_value=c.p_value,
                  statistic=c.statistic, method="chi_square", df=1.0)


def expected_counts(table) -> np.ndarray:
    from scipy.stats.contingency import expected_freq

    t = np.asarray(table, dtype="float64")
    t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]
    return expected_freq(t)


def kruskal(*groups) -> Result:
    """Kruskal-Wallis H test across groups (scipy; ties corrected), missing values dropped.

    Examples
    --------
    >>> r = kruskal([2.9, 3.0, 2.5, 2.6, 3.2], [3.8, 2.7, 4.0, 2.4], [2.8, 3.4, 3.7, 2.2, 2.0])
    >>> round(r.statistic, 5), round(r.p_value, 2)
    (0.77143, 0.68)
    """
    from scipy import stats

    gs = [np.asarray(g, dtype="float64") for g in groups]
    gs = [g[~np.isnan(g)] for g in gs]
    gs = [g for g in gs if len(g)]
    if len(gs) < 2:
        raise ValueError("a Kruskal-Wallis test needs at least two non-empty groups")
    res = stats.kruskal(*gs)
    return Result(estimate=float("nan"), n=int(sum(len(g) for g in gs)),
                  p_value=float(res.pvalue), statistic=float(res.statistic),
                  method="kruskal_wallis", df=float(len(gs) - 1))


def adjust_p(p_values, method: str = "holm") -> np.ndarray:
    """Multiple-comparison adjusted p-values (statsmodels ``multipletests``; default Holm).

    >>> adjust_p([0.01, 0.04, 0.03, 0.005]).round(3).tolist()
    [0.03, 0.06, 0.06, 0.02]
    """
    from statsmodels.stats.multitest import multipletests

    p = np.asarray(p_values, dtype="float64")
    return multipletests(p, method=method)[1]


def _complete_items(items) -> np.ndarray:
    import pandas as pd

    x = pd.DataFrame(items).astype("float64").dropna()  # listwise: respondents who answered all
    if x.shape[1] < 2:
        raise ValueError("Cronbach's alpha needs at least two items")
    if len(x) < 3:
        raise ValueError(f"Cronbach's alpha needs at least 3 complete responses, got {len(x)}")
    return x.to_numpy()


def cronbach_alpha(items, conf_level: float = 0.95) -> Result:
    """Cronbach's alpha of a multi-item scale with Feldt's (1965) F-based interval.

    ``items``: one column per item, one row per respondent; respondents with a missing item
    are left out (listwise). ``n`` is the number of complete respondents.

    Notes
    -----
    ``alpha = k/(k-1) * (1 - sum(s_i^2) / s_T^2)``; it equals the consistency intraclass
    correlation ICC(3,k) of Shrout & Fleiss (1979). Feldt's interval: with
    ``df1 = n-1``, ``df2 = (n-1)(k-1)``, ``[1 - (1-alpha) F(1-a/2; df1, df2),
    1 - (1-alpha) F(a/2; df1, df2)]``.

    Examples
    --------
    >>> judges = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    >>> round(cronbach_alpha(judges).estimate, 2)   # Shrout & Fleiss (1979): ICC(3,4) = .91
    0.91
    """
    from scipy import stats

    x = _complete_items(items)
    n, k = x.shape
    total_var = x.sum(axis=1).var(ddof=1)
    if total_var == 0:
        raise ValueError("every respondent has the same total: alpha is undefined")
    alpha = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total_var)
    df1, df2 = n - 1, (n - 1) * (k - 1)
    a = 1 - conf_level
    low = 1 - (1 - alpha) * stats.f.ppf(1 - a / 2, df1, df2)
    high = 1 - (1 - alpha) * stats.f.ppf(a / 2, df1, df2)
    return Result(estimate=float(alpha), ci_low=float(low), ci_high=float(high), n=int(n),
                  statistic=float(1 / (1 - alpha)) if alpha < 1 else float("inf"),
                  method="cronbach_alpha_feldt", df=float(df1))


def item_analysis(items):
    """Per item: mean, corrected item-total correlation (item vs the sum of the others) and
    alpha if the item is deleted (listwise complete responses)."""
    import pandas as pd

    frame = pd.DataFrame(items).astype("float64").dropna()
    x = frame.to_numpy()
    total = x.sum(axis=1)
    rows = []
    for j, name in enumerate(frame.columns):
        rest = total - x[:, j]
        r = np.corrcoef(x[:, j], rest)[0, 1] if x[:, j].std() > 0 and rest.std() > 0 else np.nan
        others = np.delete(x, j, axis=1)
        a = cronbach_alpha(others).estimate if others.shape[1] >= 2 else np.nan
        rows.append({"item": name, "mean": float(x[:, j].mean()), "item_total_r": float(r),
                     "alpha_if_deleted": float(a)})
    return pd.DataFrame(rows)


def _corr_matrix(data):
    """A correlation matrix from a square correlation matrix or from item data (complete rows)."""
    import pandas as pd

    a = np.asarray(data, dtype="float64")
    if a.ndim == 2 and a.shape[0] == a.shape[1] and np.allclose(np.diag(a), 1) and np.allclose(a, a.T):
        return a, None
    frame = pd.DataFrame(a).dropna()
    if frame.shape[1] < 2 or len(frame) < 3:
        raise ValueError("need at least 2 items and 3 complete rows")
    return np.corrcoef(frame.to_numpy(), rowvar=False), len(frame)


def kmo(data) -> tuple[float, np.ndarray]:
    """Kaiser-Meyer-Olkin measure of sampling adequacy, overall and per item.

    ``data`` is item data (rows = respondents; incomplete rows dropped) or a correlation
    matrix. With ``Q`` the anti-image correlations (``S R⁻¹ S``, ``S² = diag(R⁻¹)⁻¹``),
    KMO = Σr² / (Σr² + Σq²) over the off-diagonal elements (Kaiser & Rice 1974), the form
    used by SPSS and R's ``psych::KMO``. A short implementation, because the packages that
    ship one are GPL; checked against ``psych::KMO(Thurstone)`` in the tests.

    Returns ``(overall, per_item)``.
    """
    r, _ = _corr_matrix(data)
    try:
        inv = np.linalg.inv(r)
    except np.linalg.LinAlgError:
        raise ValueError("correlation matrix is singular (an item is a copy or a sum of others)") from None
    d = np.sqrt(np.diag(inv))
    q = inv / np.outer(d, d)
    off = ~np.eye(len(r), dtype=bool)
    r2, q2 = (r**2) * off, (q**2) * off
    return float(r2.sum() / (r2.sum() + q2.sum())), r2.sum(0) / (r2.sum(0) + q2.sum(0))


def bartlett_sphericity(data, n: int | None = None) -> Result:
    """Bartlett's (1951) test that the items' correlation matrix is an identity matrix.

    ``chi² = -ln|R| (n - 1 - (2p + 5)/6)`` on ``p(p-1)/2`` degrees of freedom, as R's
    ``psych::cortest.bartlett``; ``n`` is needed when ``data`` is a correlation matrix.
    """
    from scipy import stats

    r, rows = _corr_matrix(data)
    n = rows if n is None else n
    if n is None:
        raise ValueError("n (number of respondents) is needed with a correlation matrix")
    p = len(r)
    sign, logdet = np.linalg.slogdet(r)
    if sign <= 0:
        raise ValueError("correlation matrix is singular")
    chi2 = -logdet * (n - 1 - (2 * p + 5) / 6)
    df = p * (p - 1) / 2
    return Result(estimate=float(chi2), statistic=float(chi2), df=float(df), n=int(n),
                  p_value=float(stats.chi2.sf(chi2, df)), method="bartlett_sphericity")


def nps(scores, conf_level: float = 0.95) -> Result:
    """Net Promoter Score of 0-10 answers: share of promoters (9-10) minus share of
    detractors (0-6) (Reichheld 2003), as a fraction -1..1, with a Wald interval from the
    multinomial variance ``(p_P + p_D - (p_P - p_D)²) / n``.

    >>> r = nps([10, 9, 9, 8, 7, 6, 3, 10, 9, 10])
    >>> round(r.estimate, 2)     # 6 promoters, 2 detractors of 10
    0.4
    """
    from scipy import stats

    x = np.asarray(scores, dtype="float64")
    x = x[~np.isnan(x)]
    if ((x < 0) | (x > 10)).any():
        raise ValueError("NPS needs answers on a 0-10 scale")
    n = len(x)
    if n == 0:
        raise ValueError("no answers")
    pp, pd_ = float((x >= 9).mean()), float((x <= 6).mean())
    est = pp - pd_
    se = math.sqrt(max(pp + pd_ - est**2, 0.0) / n)
    z = stats.norm.ppf(1 - (1 - conf_level) / 2)
    return Result(estimate=est, se=se, ci_low=max(-1.0, est - z * se), ci_high=min(1.0, est + z * se),
                  n=n, method="nps_wald")


def correlation(x, y, conf_level: float = 0.95) -> Result:
    """Pearson correlation with a Fisher-z interval (scipy), pairs with a missing value dropped.

    Examples
    --------
    >>> x = [10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5]          # Anscombe (1973), set I
    >>> y = [8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68]
    >>> round(correlation(x, y).estimate, 3)
    0.816
    """
    from scipy import stats

    a = np.asarray(x, dtype="float64")
    b = np.asarray(y, dtype="float64")
    ok = ~(np.isnan(a) | np.isnan(b))
    a, b = a[ok], b[ok]
    if len(a) < 3:
        raise ValueError(f"a correlation needs at least 3 complete pairs, got {len(a)}")
    if a.std() == 0 or b.std() == 0:
        return Result(estimate=float("nan"), n=len(a), method="pearson")
    res = stats.pearsonr(a, b)
    ci = res.confidence_interval(confidence_level=conf_level)
    return Result(estimate=float(res.statistic), ci_low=float(ci.low), ci_high=float(ci.high),
                  n=len(a), p_value=float(res.pvalue), statistic=float(res.statistic),
                  method="pearson")


def regression(data, outcome: str, predictors: list[str], standardize: bool = False,
               conf_level: float = 0.95):
    """OLS of ``outcome`` on ``predictors`` (statsmodels), complete cases; one row per term
    (``term``, ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``p_value``, ``n``). With
    ``standardize`` every variable is z-scored first, giving standardised coefficients (beta).
    """
    import pandas as pd
    import statsmodels.api as sm

    frame = pd.DataFrame(data)[[outcome, *predictors]].astype("float64").dropna()
    if len(frame) <= len(predictors) + 1:
        raise ValueError(f"too few complete cases ({len(frame)}) for {len(predictors)} predictors")
    if standardize:
        sd = frame.std(ddof=1)
        frame = (frame - frame.mean()) / sd.replace(0, np.nan)
    X = sm.add_constant(frame[predictors], has_constant="add")
    fit = sm.OLS(frame[outcome], X).fit()
    ci = fit.conf_int(alpha=1 - conf_level)
    return pd.DataFrame({"term": fit.params.index, "estimate": fit.params.to_numpy(),
                         "se": fit.bse.to_numpy(), "ci_low": ci[0].to_numpy(),
                         "ci_high": ci[1].to_numpy(), "p_value": fit.pvalues.to_numpy(),
                         "n": len(frame)})


# ------------------------------------------------------------------ before and after
def _pairs(before, after):
    b = np.asarray(before, dtype="float64")
    a = np.asarray(after, dtype="float64")
    if b.shape != a.shape:
        raise ValueError("before and after must have one value per respondent (same length)")
    ok = ~(np.isnan(b) | np.isnan(a))
    return b[ok], a[ok]


R_EXACT_BELOW = 50  # R's wilcox.test: exact p-values below 50 observations (without ties)


def _signed_rank_method(d: np.ndarray) -> str:
    """R's choice for the signed-rank test: exact when fewer than 50 non-zero differences,
    no zeros and no tied absolute differences; otherwise the normal approximation."""
    nz = d[d != 0]
    exact = (len(nz) == len(d) and len(nz) < R_EXACT_BELOW
             and len(np.unique(np.abs(nz))) == len(nz))
    return "exact" if exact else "asymptotic"


def paired_test(before, after, method: str = "t", conf_level: float = 0.95) -> Result:
    """The same respondents twice (pairs with a missing side dropped). ``estimate`` is after
    minus before; ``n`` is the number of pairs.

    ``method``:

    * ``"t"``: paired t test (scipy); estimate the mean difference, with its t interval.
    * ``"wilcoxon"``: Wilcoxon signed-rank test (scipy) with R's ``wilcox.test`` defaults
      (``exact = NULL, correct = TRUE``): zero differences dropped; the exact null
      distribution when fewer than 50 differences remain and there are no ties and no zeros,
      otherwise the normal approximation with tie-corrected variance and continuity
      correction. Estimate: the Hodges-Lehmann pseudo-median of the differences.
    * ``"mcnemar"``: McNemar's test of a 0/1 answer (statsmodels; exact binomial when fewer
      than 25 pairs changed, else chi-square with continuity correction, as R's
      ``mcnemar.test``); estimate the difference of the two shares, with a Wald interval for
      paired proportions.

    Examples
    --------
    >>> before = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]   # R's sleep data
    >>> after = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
    >>> r = paired_test(before, after)
    >>> round(r.estimate, 2), round(r.statistic, 4), r.n
    (1.58, 4.0621, 10)
    """
    from scipy import stats

    b, a = _pairs(before, after)
    n = len(b)
    if n < 2:
        raise ValueError("need at least 2 complete pairs")
    z = stats.norm.ppf(1 - (1 - conf_level) / 2)
    if method == "t":
        r = stats.ttest_rel(a, b)
        ci = r.confidence_interval(conf_level)
        d = a - b
        return Result(estimate=float(d.mean()), ci_low=float(ci.low), ci_high=float(ci.high),
                      se=float(d.std(ddof=1) / math.sqrt(n)), n=n, p_value=float(r.pvalue),
                      statistic=float(r.statistic), df=float(r.df), method="paired_t")
    if method == "wilcoxon":
        d = a - b
        r = stats.wilcoxon(a, b, zero_method="wilcox", correction=True,
                           method=_signed_rank_method(d))
        walsh = (d[:, None] + d[None, :])[np.triu_indices(n)] / 2
        return Result(estimate=float(np.median(walsh)), n=n, p_value=float(r.pvalue),
                      statistic=float(r.statistic), method="wilcoxon_signed_rank")
    if method == "mcnemar":
        from statsmodels.stats.contingency_tables import mcnemar

        if not set(np.unique(np.r_[a, b])) <= {0.0, 1.0}:
            raise ValueError("McNemar's test needs 0/1 answers (e.g. satisfied or not)")
        n01 = int(((b == 0) & (a == 1)).sum())   # became 1
        n10 = int(((b == 1) & (a == 0)).sum())   # became 0
        table = [[int(((b == 1) & (a == 1)).sum()), n10], [n01, int(((b == 0) & (a == 0)).sum())]]
        exact = n01 + n10 < 25
        r = mcnemar(table, exact=exact, correction=True)
        est = (n01 - n10) / n
        se = math.sqrt(max((n01 + n10) - (n01 - n10) ** 2 / n, 0.0)) / n
        return Result(estimate=est, ci_low=est - z * se, ci_high=est + z * se, se=se, n=n,
                      p_value=float(r.pvalue), statistic=float(r.statistic),
                      df=None if exact else 1.0,
                      method="mcnemar_exact" if exact else "mcnemar_chi2")
    raise ValueError(f"unknown method {method!r}: use 't', 'wilcoxon' or 'mcnemar'")


def marginal_homogeneity(before, after) -> Result:
    """Stuart-Maxwell test that the answer distribution is the same before and after, for
    ordinal answers of the same respondents (statsmodels ``SquareTable.homogeneity``)."""
    import pandas as pd
    from statsmodels.stats.contingency_tables import SquareTable

    b, a = _pairs(before, after)
    levels = np.unique(np.r_[b, a])
    table = pd.crosstab(pd.Categorical(b, levels), pd.Categorical(a, levels), dropna=False)
    r = SquareTable(table.to_numpy(), shift_zeros=False).homogeneity(method="stuart_maxwell")
    return Result(estimate=float(r.statistic), statistic=float(r.statistic), df=float(r.df),
                  p_value=float(r.pvalue), n=len(b), method="stuart_maxwell")


def two_proportions(k1: int, n1: int, k2: int, n2: int, conf_level: float = 0.95) -> Result:
    """Difference of two independent shares, ``estimate = k1/n1 - k2/n2``, with Newcombe's
    hybrid score interval (method 10 of Newcombe 1998) and the pooled two-sample z test
    (statsmodels).

    >>> r = two_proportions(56, 70, 48, 80)          # Newcombe (1998), example (a)
    >>> round(r.estimate, 4), round(r.ci_low, 4), round(r.ci_high, 4)
    (0.2, 0.0524, 0.3339)
    """
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    if min(n1, n2) <= 0:
        raise ValueError("both samples need at least one answer")
    lo, hi = confint_proportions_2indep(k1, n1, k2, n2, method="newcomb",
                                        alpha=1 - conf_level)
    z, p = proportions_ztest([k1, k2], [n1, n2])
    p1, p2 = k1 / n1, k2 / n2
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    return Result(estimate=p1 - p2, ci_low=float(lo), ci_high=float(hi), se=se, n=n1 + n2,
                  p_value=float(p), statistic=float(z), method="newcombe_hybrid_score")


def welch_t(x, y, conf_level: float = 0.95) -> Result:
    """Welch's two-sample t test (unequal variances; scipy); ``estimate = mean(x) - mean(y)``."""
    from scipy import stats

    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    r = stats.ttest_ind(x, y, equal_var=False)
    ci = r.confidence_interval(conf_level)
    se = math.sqrt(x.var(ddof=1) / len(x) + y.var(ddof=1) / len(y))
    return Result(estimate=float(x.mean() - y.mean()), ci_low=float(ci.low), ci_high=float(ci.high),
                  se=se, n=len(x) + len(y), p_value=float(r.pvalue), statistic=float(r.statistic),
                  df=float(r.df), method="welch_t")


def mann_whitney(x, y) -> Result:
    """Mann-Whitney U (Wilcoxon rank-sum) test, two-sided, with R's ``wilcox.test`` defaults
    (``exact = NULL, correct = TRUE``): the exact null distribution when both samples have
    fewer than 50 values and there are no ties, otherwise the normal approximation with
    tie-corrected variance and continuity correction (scipy's ``mannwhitneyu`` does both;
    its own ``"auto"`` switches at 8, not 50). ``statistic`` is R's W (U of ``x``);
    ``estimate`` is the Hodges-Lehmann shift, the median of all differences x - y."""
    from scipy import stats

    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    if not len(x) or not len(y):
        raise ValueError("a Mann-Whitney test needs at least one value in each sample")
    both = np.r_[x, y]
    exact = len(x) < R_EXACT_BELOW and len(y) < R_EXACT_BELOW and len(np.unique(both)) == len(both)
    r = stats.mannwhitneyu(x, y, alternative="two-sided", use_continuity=True,
                           method="exact" if exact else "asymptotic")
    shift = float(np.median(np.subtract.outer(x, y))) if len(x) * len(y) <= 4_000_000 else \
        float(np.median(x) - np.median(y))
    return Result(estimate=shift, n=len(x) + len(y), p_value=float(r.pvalue),
                  statistic=float(r.statistic),
                  method="mann_whitney_exact" if exact else "mann_whitney_normal_cc")


def cohens_d(x, y=None, paired: bool = False) -> float:
    """Cohen's d: the mean difference over the pooled SD (two groups, ``x - y``), or dz for
    paired data (mean of ``y - x`` over the SD of the differences; ``x`` before, ``y`` after),
    or, with ``y`` None, the mean of ``x`` over its SD (differences already taken).

    >>> round(cohens_d([2, 4, 6], [1, 3, 5]), 3)      # mean difference 1, pooled SD 2
    0.5
    """
    x = np.asarray(x, dtype="float64")
    if y is None or paired:
        d = x if y is None else np.asarray(y, dtype="float64") - x
        d = d[~np.isnan(d)]
        return float(d.mean() / d.std(ddof=1))
    y = np.asarray(y, dtype="float64")
    x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    nx, ny = len(x), len(y)
    pooled = math.sqrt(((nx - 1) * x.var(ddof=1) + (ny - 1) * y.var(ddof=1)) / (nx + ny - 2))
    return float((x.mean() - y.mean()) / pooled)


WILD_MIN_CLUSTERS = 30  # fewer clusters than this: add a wild-cluster-bootstrap p-value


def did(data, outcome: str, treated: str, post: str, cluster: str | None = None,
        controls: list[str] | None = None, conf_level: float = 0.95, seed: int = 20240101,
        reps: int = 9999) -> Result:
    """Difference-in-differences by OLS of ``outcome`` on ``treated``, ``post`` and their
    product (statsmodels); ``estimate`` is the interaction coefficient.

    Standard errors are conventional OLS when ``cluster`` is None, and cluster-robust (CR1,
    statsmodels' default small-sample correction, as Stata's ``vce(cluster)``) when a cluster
    column is given; the p-value and the interval then use the t distribution on G - 1
    degrees of freedom (G clusters), as Stata does (``df`` is G - 1). With fewer than :data:`WILD_MIN_CLUSTERS` clusters, ``p_value_wild`` is
    the wild-cluster-bootstrap p-value (WCR, Rademacher weights, null imposed; ``reps``
    draws, ``seed``) from the *wildboottest* package.

    Checked in ``tests/test_before_after.py`` against Wooldridge's Examples 13.3 (KIELMC)
    and 13.4 (INJURY).
    """
    import pandas as pd
    import statsmodels.api as sm

    cols = [outcome, treated, post] + list(controls or []) + ([cluster] if cluster else [])
    frame = pd.DataFrame(data)[cols].dropna()
    X = pd.DataFrame({"treated": frame[treated].astype("float64"),
                      "post": frame[post].astype("float64")})
    X["did"] = X["treated"] * X["post"]
    for c in controls or []:
        X[c] = frame[c].astype("float64")
    X = sm.add_constant(X, has_constant="add")
    y = frame[outcome].astype("float64")
    model = sm.OLS(y, X)
    if cluster:
        groups = pd.factorize(frame[cluster])[0]
        # use_t: p-values and intervals on t(G - 1), as Stata's vce(cluster) reports them
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
        n_clusters = int(groups.max() + 1)
    else:
        fit = model.fit()
        n_clusters = None
    ci = fit.conf_int(alpha=1 - conf_level).loc["did"]
    wild = None
    if cluster and n_clusters < WILD_MIN_CLUSTERS:
        from wildboottest.wildboottest import wildboottest

        r = wildboottest(model, param="did", cluster=groups, B=reps, seed=seed, show=False)
        wild = float(r["p-value"].iloc[0])
    return Result(estimate=float(fit.params["did"]), ci_low=float(ci[0]), ci_high=float(ci[1]),
                  se=float(fit.bse["did"]), n=int(fit.nobs), p_value=float(fit.pvalues["did"]),
                  statistic=float(fit.tvalues["did"]),
                  df=float(n_clusters - 1) if cluster else float(fit.df_resid),
                  method="did_ols_cr1" if cluster else "did_ols", p_value_wild=wild)


FISHER_RESAMPLES = 100_000   # Monte Carlo draws for a Fisher test of a table larger than 2x2
FISHER_SEED = 20240501       # fixed: the same table always gives the same p-value


def fisher_exact(table, n_resamples: int = FISHER_RESAMPLES, seed: int = FISHER_SEED) -> Result:
    """Fisher's exact test of independence (scipy ``fisher_exact``); empty rows and columns
    are left out.

    * 2x2: the exact conditional test, two-sided, as R's ``fisher.test(x)``; ``statistic`` is
      the sample odds ratio.
    * larger tables (Fisher-Freeman-Halton): the p-value is simulated from ``n_resamples``
      tables with the observed margins (scipy's Monte Carlo method, a fixed seed so the same
      table always gives the same p-value), as R's
      ``fisher.test(x, simulate.p.value = TRUE, B = 1e5)``; its Monte Carlo standard error is
      at most 0.0016. ``statistic`` is the probability of the observed table.

    Examples
    --------
    >>> round(fisher_exact([[3, 1], [1, 3]]).p_value, 4)     # R: fisher.test(matrix(c(3,1,1,3), 2))
    0.4857
    >>> job = [[1, 2, 1, 0], [3, 3, 6, 1], [10, 10, 14, 9], [6, 7, 12, 11]]   # R ?fisher.test, Job
    >>> r = fisher_exact(job); r.method, abs(r.p_value - 0.7827) < 0.005  # R exact: p = 0.7827
    ('fisher_monte_carlo', True)
    """
    from scipy import stats

    t = np.asarray(table, dtype="float64")
    t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0].astype(np.int64)
    if t.ndim != 2 or min(t.shape) < 2:
        raise ValueError("a Fisher test needs at least two non-empty rows and columns")
    n = int(t.sum())
    if t.shape == (2, 2):
        res = stats.fisher_exact(t)
        return Result(estimate=float(res.statistic), n=n, p_value=float(res.pvalue),
                      statistic=float(res.statistic), method="fisher_exact")
    method = stats.MonteCarloMethod(n_resamples=n_resamples, rng=np.random.default_rng(seed))
    res = stats.fisher_exact(t, method=method)
    return Result(estimate=float("nan"), n=n, p_value=float(res.pvalue), statistic=float(res.statistic),
                  method="fisher_monte_carlo")


__all__ += ["fisher_exact", "FISHER_RESAMPLES"]
