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
           "regression", "kmo", "bartlett_sphericity", "nps"]


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
