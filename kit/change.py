"""Before and after: survey waves, unit panels with a comparison group, staged targets.

What changed, for whom, and whether the programme can take the credit. The wording follows
the design: without a comparison group the kit reports a *change* (变化), never an *effect*
(效果), and says so; with one it reports a difference-in-differences estimate with standard
errors clustered by unit.

* :func:`compare_waves`: two waves of the same survey; the respondents interviewed twice
  (matched on the hashed respondent ID) are compared as pairs, everybody as independent
  samples.
* :func:`change_table`, :func:`balance_table`, :func:`did_table`, :func:`event_study`: a
  panel of units (villages x years), as the World Bank's ``iebaltab`` and ``ieddtab`` lay
  them out.
* :func:`attainment`: staged targets per unit and year against what was achieved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import math

import numpy as np
import pandas as pd

from .fmt import fmt_for_verdict, fmt_number, fmt_percent, fmt_threshold
from .responses import Responses
from .stats import (chi_square, cohens_d, did, marginal_homogeneity, mann_whitney, paired_test,
                    two_proportions, welch_t)

__all__ = ["WaveComparison", "compare_waves", "change_table", "balance_table", "did_table",
           "event_study", "attainment", "attainment_sentences", "panel_sentences",
           "project_findings", "CHANGE_NOT_EFFECT", "OutcomeFormat", "outcome_formats",
           "PanelResults", "analyse_panel", "StagedResults", "analyse_staged", "IMBALANCE"]

CHANGE_NOT_EFFECT = ("以上是两次调查之间的变化。本调查没有对照组，变化可能来自项目以外的因素，"
                     "不能据此认定为项目效果。")


# ------------------------------------------------------------------------------ survey waves
@dataclass
class WaveComparison:
    items: pd.DataFrame
    n_before: int
    n_after: int
    n_pairs: int
    overall: dict = field(default_factory=dict)
    sentences: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # what could not be computed, and why


def _item_values(r: Responses) -> dict[str, tuple[str, pd.Series, list[float], str]]:
    """column -> (item label, score series of valid answers, satisfied scores, role)."""
    from .satisfaction import _item_specs, _scores

    out = {}
    for col, q, label, _, rev in _item_specs(r):
        x, _, _, sat = _scores(q, rev, r.valid[col])
        out[col] = (label or q.title, x, sat, q.role)
    return out


def compare_waves(before: Responses, after: Responses, key: str = "respondent_hash",
                  labels: tuple[str, str] = ("基线", "跟踪")) -> WaveComparison:
    """Compare every satisfaction item of two waves.

    Per item: valid n, satisfied share and mean score in each wave; the difference in
    percentage points with Newcombe's interval and a z test, Welch's t and Mann-Whitney on the
    scores, Cohen's d (independent samples: all valid answers). For respondents in both waves
    (same ``key``): the paired mean difference with its t test, Wilcoxon signed-rank, McNemar
    on satisfied/not, and dz. The overall item also gets a chi-square test of the answer
    distribution and, for the pairs, Stuart-Maxwell's marginal homogeneity test.
    Differences are after minus before.
    """
    va, vb = _item_values(before), _item_values(after)
    kb = before.valid[key] if key in before.valid else None
    ka = after.valid[key] if key in after.valid else None
    pair_b = pair_a = None
    if kb is not None and ka is not None:
        common = pd.Index(kb.dropna()).intersection(pd.Index(ka.dropna()))
        common = common[~common.duplicated()]
        pair_b = pd.Series(kb.index, index=kb.to_numpy()).loc[common].to_numpy()
        pair_a = pd.Series(ka.index, index=ka.to_numpy()).loc[common].to_numpy()
    n_pairs = 0 if pair_b is None else len(pair_b)
    rows = []
    for col, (label, xb, sat, role) in va.items():
        if col not in vb:
            continue
        xa = vb[col][1]
        b, a = xb.dropna(), xa.dropna()
        kb_, ka_ = int(b.isin(sat).sum()), int(a.isin(sat).sum())
        row = {"column": col, "item": label, "role": role, "n_before": len(b), "n_after": len(a),
               "k_before": kb_, "k_after": ka_,
               "share_before": kb_ / len(b) if len(b) else np.nan,
               "share_after": ka_ / len(a) if len(a) else np.nan,
               "mean_before": b.mean(), "mean_after": a.mean()}
        if len(b) and len(a):
            tp = two_proportions(ka_, len(a), kb_, len(b))
            row.update(share_diff=tp.estimate, share_diff_ci_low=tp.ci_low,
                       share_diff_ci_high=tp.ci_high, share_p=tp.p_value)
        if len(b) > 1 and len(a) > 1:
            w = welch_t(a, b)
            row.update(mean_diff=w.estimate, mean_diff_ci_low=w.ci_low, mean_diff_ci_high=w.ci_high,
                       welch_p=w.p_value, mann_whitney_p=mann_whitney(a, b).p_value,
                       cohens_d=cohens_d(a, b),
                       relative_change=w.estimate / b.mean() if b.mean() else np.nan)
        if n_pairs >= 2:
            pb, pa = xb.loc[pair_b].to_numpy(dtype="float64"), xa.loc[pair_a].to_numpy(dtype="float64")
            ok = ~(np.isnan(pb) | np.isnan(pa))
            if ok.sum() >= 2:
                t = paired_test(pb[ok], pa[ok], "t")
                row.update(n_pairs=int(ok.sum()), paired_diff=t.estimate, paired_ci_low=t.ci_low,
                           paired_ci_high=t.ci_high, paired_t_p=t.p_value,
                           wilcoxon_p=paired_test(pb[ok], pa[ok], "wilcoxon").p_value,
                           dz=cohens_d(pb[ok], pa[ok], paired=True))
                sb, sa = np.isin(pb[ok], sat).astype(float), np.isin(pa[ok], sat).astype(float)
                if (sb != sa).any():
                    m = paired_test(sb, sa, "mcnemar")
                    row.update(paired_share_diff=m.estimate, mcnemar_p=m.p_value)
                else:
                    row.update(paired_share_diff=0.0, mcnemar_p=1.0)
        rows.append(row)
    items = pd.DataFrame(rows)
    res = WaveComparison(items=items, n_before=before.n_valid, n_after=after.n_valid,
                         n_pairs=n_pairs)
    if items.empty:  # never silently empty: which items each wave lacks, and the fix
        from .eligibility import before_after_eligibility

        res.sentences = before_after_eligibility(before, after).sentences
        return res
    top = items[items["role"] == "overall"] if len(items) else items
    if len(top):
        col = top.iloc[0]["column"]
        xb, xa = va[col][1].dropna(), vb[col][1].dropna()
        levels = sorted(set(xb) | set(xa))
        table = np.array([[int((xb == v).sum()) for v in levels], [int((xa == v).sum()) for v in levels]])
        table = table[:, table.sum(axis=0) > 0]
        res.overall = {"column": col}
        if len(xb) and len(xa) and table.shape[1] >= 2:
            res.overall["chi_square"] = chi_square(table).to_dict()
        else:
            res.skipped.append("两轮的总体满意度回答都落在同一个选项（或有一轮没有回答），"
                               "未做回答分布的卡方检验。")
        if n_pairs >= 2:
            pb = va[col][1].loc[pair_b].to_numpy(dtype="float64")
            pa = vb[col][1].loc[pair_a].to_numpy(dtype="float64")
            try:
                res.overall["marginal_homogeneity"] = marginal_homogeneity(pb, pa).to_dict()
            except (ValueError, np.linalg.LinAlgError):
                res.skipped.append("两次都受访者的回答不足以做边际同质性（Stuart-Maxwell）检验。")
        r = top.iloc[0]
        if min(r["n_before"], r["n_after"]) < 2:
            res.skipped.append("有一轮的总体满意度有效回答少于2份，未比较平均得分（Welch t检验）。")
        if n_pairs < 2:
            res.skipped.append(f"两次都受访的只有{n_pairs}人（至少需要2人），未做配对检验。")
    res.sentences = _wave_sentences(res, labels)
    return res


def _p(p: float) -> str:
    if p is None or pd.isna(p):
        return "P值无法计算"
    return "P<0.001" if p < 0.001 else f"P={fmt_number(p, 3)}"


def _pp(x) -> str:
    """Percentage points, signed, from a share difference scaled by 100 exactly."""
    text = fmt_percent(abs(x), 1)[:-1]
    return ("−" if x < 0 and text.strip("0.") else "+") + text + "个百分点"


def _wave_sentences(res: WaveComparison, labels) -> list[str]:
    from .satisfaction import SMALL_N, small_sample_note

    b, a = labels
    sb, sa = ("" if b.endswith("调查") else "调查"), ("" if a.endswith("调查") else "调查")
    out = [f"{b}{sb}有效答卷{res.n_before}份，{a}{sa}有效答卷{res.n_after}份，其中{res.n_pairs}人两次都接受了访问"
           "（按加密后的受访者编号匹配）。"]
    t = res.items
    top = t[t["role"] == "overall"] if len(t) else t
    if len(top):
        r = top.iloc[0]
        if r.n_before and r.n_after:
            diff = Fraction(int(r.k_after), int(r.n_after)) - Fraction(int(r.k_before), int(r.n_before))
            s = (f"总体满意率由{b}的{fmt_percent(Fraction(int(r.k_before), int(r.n_before)))}变为{a}的"
                 f"{fmt_percent(Fraction(int(r.k_after), int(r.n_after)))}，变化{_pp(diff)}"
                 f"（95%置信区间：{_pp(r.share_diff_ci_low)}至{_pp(r.share_diff_ci_high)}，{_p(r.share_p)}）")
        else:
            s = "有一轮调查的总体满意度没有有效回答，无法比较满意率"
        if pd.notna(r.get("welch_p")):
            s += (f"；平均得分由{fmt_number(r.mean_before, 2)}分变为{fmt_number(r.mean_after, 2)}分"
                  f"（t检验{_p(r.welch_p)}，效应量{_num_or_dash(r.cohens_d)}）")
        s += "。"
        if "paired_diff" in r and pd.notna(r.get("paired_diff")):
            s += (f"两次都受访的{int(r.n_pairs)}人平均得分变化{fmt_number(r.paired_diff, 2)}分"
                  f"（配对t检验{_p(r.paired_t_p)}；是否满意的前后变化，配对卡方检验{_p(r.mcnemar_p)}）。")
        n_min, smaller = min((int(r.n_before), b), (int(r.n_after), a))
        if n_min < SMALL_N:
            s += small_sample_note(n_min, f"{smaller}的有效回答")
        elif 0 < res.n_pairs < SMALL_N and "paired_diff" in r and pd.notna(r.get("paired_diff")):
            s += f"两次都受访的只有{res.n_pairs}人（少于{SMALL_N}人），配对比较仅供参考。"
        out.append(s)
    out += res.skipped
    out.append(CHANGE_NOT_EFFECT)
    return out


def _num_or_dash(x) -> str:
    return "无法计算" if x is None or pd.isna(x) or not np.isfinite(x) else fmt_number(x, 2)


# ------------------------------------------------------------------------------ unit panels
def change_table(panel: pd.DataFrame, unit: str, period: str, outcomes: list[str], baseline,
                 followup, group: str | None = None) -> pd.DataFrame:
    """Baseline and follow-up mean of each outcome (over the units observed in both periods),
    with the absolute and the percentage change; per group when ``group`` is given."""
    rows = []
    groups = [(None, panel)] if group is None else list(panel.groupby(group, sort=False))
    for g, part in groups:
        for y in outcomes:
            wide = part.pivot_table(index=unit, columns=period, values=y, aggfunc="mean")
            if baseline not in wide or followup not in wide:
                continue
            both = wide[[baseline, followup]].dropna()
            b, f = _fmean(both[baseline]), _fmean(both[followup])
            rows.append({"group": g, "outcome": y, "n_units": len(both), "baseline": b,
                         "followup": f, "change": f - b,
                         "pct_change": (f - b) / b if b else np.nan})
    out = pd.DataFrame(rows)
    return out.drop(columns="group") if group is None else out


def _fmean(x) -> float:
    """The mean with a correctly rounded sum (``math.fsum``): the same villages give the same
    mean whatever the order of the rows, so a table of changes and the balance table never
    show 2.04 and 2.03 for one baseline (pandas' pairwise sums differ in the last bit).

    >>> _fmean([2.03, 2.04, 2.035, 2.035]), _fmean([])
    (2.035, nan)
    """
    x = [float(v) for v in x]
    return math.fsum(x) / len(x) if x else np.nan


def balance_table(panel: pd.DataFrame, treated: str, outcomes: list[str]) -> pd.DataFrame:
    """Baseline balance, as the World Bank's ``iebaltab``: for each outcome the mean (and n) of
    the comparison and the programme group, their difference, the normalised difference
    (difference over the square root of the mean of the two variances) and Welch's p-value."""
    rows = []
    t = panel[panel[treated] == 1]
    c = panel[panel[treated] == 0]
    for y in outcomes:
        a, b = t[y].dropna().astype(float), c[y].dropna().astype(float)
        w = welch_t(a, b)
        sd = np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2)
        rows.append({"outcome": y, "n_comparison": len(b), "mean_comparison": _fmean(b),
                     "n_treated": len(a), "mean_treated": _fmean(a), "difference": w.estimate,
                     "normalized_difference": w.estimate / sd if sd else np.nan,
                     "p_value": w.p_value})
    return pd.DataFrame(rows)


def did_table(panel: pd.DataFrame, outcomes: list[str], treated: str, period: str, baseline,
              followup, cluster: str | None = None, seed: int = 20240101) -> pd.DataFrame:
    """Difference-in-differences per outcome, as the World Bank's ``ieddtab``: the baseline
    mean of each group, each group's change, and the DiD estimate (OLS on the two periods,
    errors clustered by ``cluster``; a wild-cluster-bootstrap p-value under 30 clusters)."""
    two = panel[panel[period].isin([baseline, followup])].copy()
    two["__post__"] = (two[period] == followup).astype(int)
    rows = []
    for y in outcomes:
        g = two.groupby([treated, "__post__"])[y].mean()
        r = did(two, y, treated=treated, post="__post__", cluster=cluster, seed=seed)
        rows.append({"outcome": y, "baseline_comparison": g.get((0, 0), np.nan),
                     "baseline_treated": g.get((1, 0), np.nan),
                     "change_comparison": g.get((0, 1), np.nan) - g.get((0, 0), np.nan),
                     "change_treated": g.get((1, 1), np.nan) - g.get((1, 0), np.nan),
                     "did": r.estimate, "se": r.se, "ci_low": r.ci_low, "ci_high": r.ci_high,
                     "p_value": r.p_value, "p_value_wild": r.p_value_wild, "n": r.n,
                     "n_clusters": (int(two[cluster].nunique()) if cluster else None)})
    return pd.DataFrame(rows)


def event_study(panel: pd.DataFrame, outcome: str, treated: str, period: str, base,
                cluster: str | None = None, conf_level: float = 0.95) -> pd.DataFrame:
    """Programme-minus-comparison difference in each period relative to the ``base`` period:
    OLS of the outcome on period dummies, the group dummy and their interactions (base period
    left out), errors clustered by ``cluster`` (statsmodels; p-values and intervals on
    t(G - 1), as :func:`kit.stats.did`). One row per period (the base
    row is 0 by construction)."""
    import statsmodels.api as sm

    d = panel[[outcome, treated, period] + ([cluster] if cluster else [])].dropna()
    periods = sorted(d[period].unique())
    X = pd.DataFrame({"treated": d[treated].astype(float)}, index=d.index)
    names = {}
    for p in periods:
        if p == base:
            continue
        X[f"p_{p}"] = (d[period] == p).astype(float)
        X[f"tp_{p}"] = X[f"p_{p}"] * X["treated"]
        names[p] = f"tp_{p}"
    X = sm.add_constant(X, has_constant="add")
    model = sm.OLS(d[outcome].astype(float), X)
    fit = model.fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(d[cluster])[0]},
                    use_t=True) if cluster else model.fit()  # t(G - 1), as kit.stats.did
    ci = fit.conf_int(alpha=1 - conf_level)
    rows = []
    for p in periods:
        if p == base:
            rows.append({"period": p, "estimate": 0.0, "ci_low": 0.0, "ci_high": 0.0, "se": 0.0,
                         "p_value": np.nan})
        else:
            k = names[p]
            rows.append({"period": p, "estimate": fit.params[k], "ci_low": ci.loc[k, 0],
                         "ci_high": ci.loc[k, 1], "se": fit.bse[k], "p_value": fit.pvalues[k]})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------ staged targets
def attainment(table: pd.DataFrame, unit: str, period: str, target: str, actual: str,
               total: str | None = None) -> pd.DataFrame:
    """Staged targets per unit and period against what was achieved: ``attainment`` =
    actual / target, ``behind`` when the actual falls short of the target (or is missing: a
    row with a target but no actual is kept and counted as behind, never dropped), and, with
    ``total`` (e.g. the number of towns), ``coverage`` = actual / total."""
    t = table[[unit, period, target, actual] + ([total] if total else [])].copy()
    t.columns = ["unit", "period", "target", "actual"] + (["total"] if total else [])
    for c in t.columns[2:]:
        t[c] = pd.to_numeric(t[c], errors="coerce").astype("float64")
    t["attainment"] = np.where(t["target"] > 0, t["actual"] / t["target"], np.nan)
    t["behind"] = t["actual"].isna() | (t["actual"] < t["target"])
    if total:
        t["coverage"] = t["actual"] / t["total"]
    return t.sort_values("period", kind="stable").reset_index(drop=True)  # units in table order


def attainment_sentences(t: pd.DataFrame, unit_word: str = "单位") -> list[str]:
    """Per period: how many units met their staged target, and which are behind schedule."""
    out = []
    for period, part in t.groupby("period", sort=True):
        behind = part[part["behind"]]
        p = int(period) if float(period).is_integer() else period
        s = f"{p}年：{len(part) - len(behind)}/{len(part)}个{unit_word}完成阶段目标"
        if len(behind):
            s += "；未完成的有" + "、".join(
                f"{r.unit}（目标{_num(r.target, threshold=True)}，实际"
                f"{_num(r.actual, r.target) if pd.notna(r.actual) else '未报'}）"
                for r in behind.itertuples(index=False))
        out.append(s + "。")
    return out


def _num(x, target=None, threshold: bool = False) -> str:
    """A count as written; a target (``threshold``) with its own precision; beside a
    ``target`` as many decimals as show that it falls short (9.999 against 10 is never shown
    as 10.00)."""
    from .satisfaction import VERDICT_DIGITS

    if threshold:
        return fmt_threshold(x, max_digits=VERDICT_DIGITS)
    if target is not None:
        return fmt_for_verdict(x, target, 0 if float(x).is_integer() else 2,
                               max_digits=VERDICT_DIGITS)
    return fmt_number(x, 0) if float(x).is_integer() else fmt_number(x, 2)


IMBALANCE = 0.25   # |standardised difference| at baseline above which the groups are unbalanced


@dataclass(frozen=True)
class OutcomeFormat:
    """How a panel outcome is written: its name, its unit (元, 户, 万元) and, for a share,
    how to bring it to percent (``scale``: 100 for a share stored 0-1, 1 for one stored in
    percent). A share's level is written 62.0% and its change +14.0个百分点; an amount
    3950元 and +6077元.

    >>> inc, water = OutcomeFormat("人均纯收入", "元"), OutcomeFormat("安全饮水覆盖率", "比例", 100)
    >>> inc.level(3950.4), inc.change(6077.2), water.level(0.62), water.change(0.1449)
    ('3950元', '+6077元', '62.0%', '+14.5个百分点')
    """

    name: str
    unit: str = ""
    scale: int | None = None

    @property
    def is_share(self) -> bool:
        return self.scale is not None

    def _pct(self, x) -> str:
        from .fmt import _exact

        return fmt_number(_exact(x) * self.scale, 1)

    def level(self, x) -> str:
        if x is None or pd.isna(x):
            return "—"
        if self.is_share:
            return self._pct(x) + "%"
        return _amount(x) + (self.unit or "")

    def change(self, x) -> str:
        if x is None or pd.isna(x):
            return "—"
        if self.is_share:
            text = self._pct(abs(x))
            return ("−" if x < 0 and text.strip("0.") else "+") + text + "个百分点"
        return _signed(x) + (self.unit or "")

    def number(self, x) -> str:
        """A difference or estimate without sign rules: −50.5户, 14.0个百分点."""
        if x is None or pd.isna(x):
            return "—"
        if self.is_share:
            return ("−" if x < 0 else "") + self._pct(abs(x)) + "个百分点"
        return ("−" if x < 0 else "") + _amount(abs(x)) + (self.unit or "")


def _amount(x) -> str:
    """An amount at the precision the kit writes changes with: two decimals under 10, one
    under 100, none from 100."""
    a = abs(float(x))
    return fmt_number(x, 2 if a < 10 else 0 if a >= 100 else 1)


def outcome_formats(outcomes) -> dict[str, OutcomeFormat]:
    """column -> :class:`OutcomeFormat` from ``panel.outcomes`` (OutcomeSpec objects from
    project.yml, or plain column names)."""
    out = {}
    for o in outcomes:
        if isinstance(o, str):
            out[o] = OutcomeFormat(o)
        else:
            out[o.column] = OutcomeFormat(o.name, "" if o.share_scale else o.unit, o.share_scale)
    return out


def _fmt(formats, y) -> OutcomeFormat:
    return (formats or {}).get(y) or OutcomeFormat(y)


def _imbalance_note(row, fmt: OutcomeFormat, names: tuple[str, str], mean_word: str) -> str:
    """The baseline imbalance beside an effect: the two groups' baseline means and the
    standardised difference when its absolute value is above :data:`IMBALANCE`."""
    nd = row.normalized_difference
    if nd is None or pd.isna(nd) or abs(nd) <= IMBALANCE:
        return ""
    t, c = names
    return (f"基期两组不均衡（{t}{mean_word}{fmt.level(row.mean_treated)}，{c}{mean_word}"
            f"{fmt.level(row.mean_comparison)}，标准化差值的绝对值{fmt_for_verdict(abs(nd), IMBALANCE, 2)}超过"
            f"{fmt_threshold(IMBALANCE)}），这一效果估计需谨慎解读。")


def panel_sentences(did: pd.DataFrame, units: int, baseline, followup,
                    has_comparison: bool = True, pre_periods: int = 0, formats=None,
                    balance: pd.DataFrame | None = None, names: tuple[str, str] = ("项目村", "对照村"),
                    unit_word: str = "村") -> list[str]:
    """The findings of a panel, worded by design: a DiD effect with a comparison group, a change
    without one. Means over units are labelled as such (村均), amounts carry their unit and a
    share's change is in 个百分点 (``formats``: :func:`outcome_formats`); a baseline imbalance
    (|standardised difference| > 0.25 in ``balance``) is stated beside the effect."""
    out = []
    mean_word = f"{unit_word}均" if len(unit_word) <= 2 else "平均"
    bal = balance.set_index("outcome") if balance is not None and len(balance) else None
    t, c = names
    unbalanced = False
    for r in did.itertuples(index=False):
        f = _fmt(formats, r.outcome)
        if has_comparison:
            wild = (f"，野自助法P={fmt_number(r.p_value_wild, 3)}" if r.p_value_wild is not None
                    and pd.notna(r.p_value_wild) else "")
            s = (f"{f.name}：{baseline}—{followup}年{t}{mean_word}变化{f.change(r.change_treated)}，{c}{mean_word}变化"
                 f"{f.change(r.change_comparison)}，双重差分估计的项目效果为{f.change(r.did)}"
                 f"（95%置信区间：{f.change(r.ci_low)}至{f.change(r.ci_high)}，按{unit_word}聚类的标准误，"
                 f"{_p(r.p_value)}{wild}）。")
            if bal is not None and r.outcome in bal.index:
                note = _imbalance_note(bal.loc[r.outcome], f, names, mean_word)
                s += note
                unbalanced = unbalanced or bool(note)
            out.append(s)
        else:
            out.append(f"{f.name}：{baseline}—{followup}年{mean_word}变化{f.change(r.change_treated)}。")
    if not has_comparison:
        out.append("没有对照组，以上只是前后变化，不能认定为项目效果。")
    else:
        premise = ("见事件研究图中项目前各期的估计" if pre_periods else
                   "本面板没有项目前的多期数据，这一前提无法用数据检验，解读时需说明")
        out.append(f"双重差分以{c}的同期变化代表“没有项目时会发生的变化”，前提是没有项目时两组的变化趋势相同"
                   f"（{premise}）；共{units}个{unit_word}，标准误按{unit_word}聚类。"
                   + ("基期不均衡的指标，双重差分虽已扣除基期水平的差异，但两组本来的变化趋势也可能不同。"
                      if unbalanced else ""))
    return out


def _signed(x: float) -> str:
    s = _amount(abs(x))
    return ("+" if x >= 0 else "−") + s


@dataclass
class PanelResults:
    """Everything the kit computes from ``panel:`` (notebook 04, the survey report and the
    self-assessment's 效果 section read the same results)."""

    frame: pd.DataFrame
    unit: str
    period: str
    baseline: object
    followup: object
    outcomes: list[str]
    formats: dict[str, OutcomeFormat]
    names: tuple[str, str]          # programme group, comparison group
    has_comparison: bool
    changes: pd.DataFrame           # change_table (per group when there is a comparison)
    balance: pd.DataFrame | None = None
    did: pd.DataFrame | None = None
    events: dict = field(default_factory=dict)   # outcome -> event_study table
    sentences: list[str] = field(default_factory=list)

    @property
    def n_units(self) -> int:
        return int(self.frame[self.unit].nunique())

    @property
    def mean_word(self) -> str:
        return f"{self.unit}均" if len(self.unit) <= 2 else "平均"


def analyse_panel(proj, events: bool = True) -> PanelResults:
    """The change table, and with a comparison group the baseline balance, the DiD table, the
    event study of each outcome and the sentences, from a project's ``panel:``."""
    from .definitions.project import label_text

    spec = proj.spec.panel
    c = proj.panel
    frame = proj.load_panel()
    outcomes = spec.columns
    formats = outcome_formats(spec.outcomes)
    group = c.get("group")
    names = (label_text(spec.treated_label) if spec.treated_label is not None else "项目组",
             label_text(spec.comparison_label) if spec.comparison_label is not None else "对照组")
    if group and spec.comparison_label is None:
        others = [label_text(v) for v in frame.loc[frame["treated"] == 0, group].dropna().unique()]
        names = (names[0], others[0] if len(others) == 1 else "对照组")
    res = PanelResults(frame=frame, unit=c["unit"], period=c["period"], baseline=c["baseline"],
                       followup=c["followup"], outcomes=outcomes, formats=formats, names=names,
                       has_comparison=bool(group),
                       changes=change_table(frame, c["unit"], c["period"], outcomes, c["baseline"],
                                            c["followup"], group=group))
    if group:
        base = frame[frame[c["period"]] == c["baseline"]]
        res.balance = balance_table(base, "treated", outcomes)
        res.did = did_table(frame, outcomes, "treated", c["period"], c["baseline"], c["followup"],
                            cluster=c.get("cluster"))
        if events:
            res.events = {y: event_study(frame, y, "treated", c["period"], c["baseline"],
                                         cluster=c.get("cluster")) for y in outcomes}
        pre = int((frame[c["period"]] < c["baseline"]).any())
        res.sentences = panel_sentences(res.did, res.n_units, c["baseline"], c["followup"], pre_periods=pre,
                                        formats=formats, balance=res.balance, names=names, unit_word=res.unit)
    else:
        ct = res.changes
        res.sentences = [f"{formats[r.outcome].name}：{c['baseline']}—{c['followup']}年{res.mean_word}由"
                         f"{formats[r.outcome].level(r.baseline)}变为{formats[r.outcome].level(r.followup)}"
                         f"（变化{formats[r.outcome].change(r.change)}）。" for r in ct.itertuples(index=False)]
        res.sentences.append("没有对照组，以上只是前后变化，不能认定为项目效果。")
    return res


@dataclass
class StagedResults:
    table: pd.DataFrame      # attainment()
    unit: str
    sentences: list[str] = field(default_factory=list)


def analyse_staged(proj) -> StagedResults:
    """Attainment of the staged targets of a project's ``staged_targets:``."""
    s = proj.staged_targets
    at = attainment(proj.load_staged_targets(), s["unit"], s["period"], s["target"], s["actual"],
                    s.get("total"))
    return StagedResults(at, s["unit"], attainment_sentences(at, s["unit"]))


def project_findings(proj) -> list[str]:
    """The before-after sentences of a project, for the 效果/效益 section of its self-assessment
    report: the baseline (first) and current (last) survey waves, the panel (DiD with a comparison group, else the change)
    and the staged targets, whichever the project has."""
    out: list[str] = []
    if len(proj.waves) >= 2:
        w0, w1 = proj.baseline_and_current()
        out += compare_waves(proj.load(w0.id), proj.load(w1.id), labels=(w0.label, w1.label)).sentences
    if proj.panel:
        out += analyse_panel(proj, events=False).sentences
    if proj.staged_targets:
        out += analyse_staged(proj).sentences
    return out
