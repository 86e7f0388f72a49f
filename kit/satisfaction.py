"""Satisfaction and awareness: rates with intervals, mean scores, 0-100 indices, groups.

Works on :class:`~kit.responses.Responses` only (never on files), uses the non-excluded
responses, and returns tidy DataFrames with snake_case columns; shares are fractions 0-1.
Chinese labels and percentages are added at rendering (:mod:`kit.tables`, :mod:`kit.fmt`).

Definitions
-----------
satisfied share  share of valid answers whose option is in the codebook's ``satisfied`` list
                 (top-two box by default), with a Wilson interval.
mean score       mean of option scores, with a t interval.
index (0-100)    ``(mean - min) / (max - min) x 100`` over the scale's scores, i.e.
                 ``(mean - 1) / (k - 1) x 100`` for a 1..k scale; reverse-coded rows are flipped.
orientation      every score is read "higher is better": a question with
                 ``direction: descending`` (1 = 非常满意) is flipped (``min + max - score``)
                 for means, indices, drivers, group means and changes; its ``satisfied`` codes
                 keep naming the satisfied options.
small samples    with fewer than :data:`SMALL_N` valid answers the headline says so; what
                 cannot be computed (an interval from one answer, correlations from fewer
                 than 3, alpha from fewer than 3 complete answers) is skipped and the
                 ``warnings`` say what and why; an interval of zero width is reported as such.
dimension        per respondent, the mean of the dimension's items that were answered; its
                 mean, index and the mean share of satisfied items, with t intervals.
awareness        yes/no (know / don't know) items: share answering the ``satisfied`` option.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import pandas as pd

from .fmt import fmt_for_verdict, fmt_number, fmt_percent, fmt_threshold
from .design import SurveyDesign, design_estimates, lonely_psu_note
from .descriptives import choice_answers, option_label
from .errors import KitError
from .values import parse_quantity
from .responses import Responses
from .stats import (adjust_p, bartlett_sphericity, chi_square, correlation, cronbach_alpha,
                    expected_counts, item_analysis, kmo, kruskal, mean_ci, nps, proportion_ci,
                    regression, two_by_two_test)

__all__ = ["SatisfactionResults", "analyse_satisfaction", "SMALL_N", "VERDICT_DIGITS", "verdict_sentence",
           "target_share", "small_sample_note", "sparse_caveat", "caveat_note", "findings"]

SMALL_N = 30          # a group with fewer valid answers gets a caveat
# A figure beside a verdict, and the threshold, may need many decimals to show the comparison
# (a target typed as 98.301% stays 98.301%; a share 0.0001 points under it shows that).
VERDICT_DIGITS = 12
MAX_PAIRWISE_GROUPS = 10  # pairwise follow-ups only where they can be read (not 80 villages)
MIN_EXPECTED = 5      # a chi-square cell expected below this gets a caveat
# the items table's columns, also when no question qualifies (see kit.eligibility)
ITEM_COLUMNS = ["column", "question_id", "title", "item", "dimension", "role", "scale_min",
                "scale_max", "n_valid", "n_satisfied", "satisfied_share", "share_ci_low",
                "share_ci_high", "mean", "mean_ci_low", "mean_ci_high", "index", "index_ci_low",
                "index_ci_high"]


@dataclass
class SatisfactionResults:
    items: pd.DataFrame
    dimensions: pd.DataFrame
    awareness: pd.DataFrame
    by_group: pd.DataFrame
    group_tests: pd.DataFrame
    overall: dict
    pairwise: pd.DataFrame = field(default_factory=pd.DataFrame)
    drivers: pd.DataFrame = field(default_factory=pd.DataFrame)
    reliability: pd.DataFrame = field(default_factory=pd.DataFrame)
    item_reliability: pd.DataFrame = field(default_factory=pd.DataFrame)
    weighted: pd.DataFrame = field(default_factory=pd.DataFrame)
    nps: pd.DataFrame = field(default_factory=pd.DataFrame)
    design: str = ""
    design_units: str = ""   # are the villages strata or sampled clusters (one plain sentence)
    sentences: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # the findings of ``sentences`` keyed by where they come from (see _sentences)
    headlines: list[tuple[str, str]] = field(default_factory=list)


def _item_specs(r: Responses):
    """(column, question, row label, dimension, reverse) of every satisfaction item."""
    qs = r.questionnaire.by_id()
    out = []
    for row in r.questions.itertuples(index=False):
        q = qs.get(row.question_id) if isinstance(row.question_id, str) else None
        if q is None or not q.satisfied or not q.has_scores or q.type not in ("scale", "matrix"):
            continue
        out.append((row.column, q, row.row_label if isinstance(row.row_label, str) else None,
                    row.dimension if isinstance(row.dimension, str) else None, bool(row.reverse)))
    return out


def _scores(q, reverse: bool, col: pd.Series) -> tuple[pd.Series, float, float, list[float]]:
    """A scored column oriented so that a higher score is better, with the scale's lowest and
    highest score and the (oriented) scores that count as satisfied.

    ``reverse`` (a negatively worded row) flips the answer first, so that ``satisfied`` keeps
    its meaning (the options that are satisfied on a positively worded row). The question's
    ``direction: descending`` (1 = 非常满意) then flips the scale, so that means, indices,
    correlations and changes read "higher is better" everywhere.
    """
    scores = [o.score for o in q.options]
    lo, hi = min(scores), max(scores)
    sat = [o.score for o in q.options if o.code in (q.satisfied or [])]
    x = col.astype("float64")
    if reverse:  # negatively worded row: flip the answer; "satisfied" keeps its meaning
        x = lo + hi - x
    if q.direction == "descending":  # a lower score is better: orient the scale
        x = lo + hi - x
        sat = [lo + hi - v for v in sat]
    return x, lo, hi, sat


def _mean_index(values: np.ndarray, lo: float, hi: float) -> dict:
    """Mean score and 0-100 index with t intervals; one value gives the mean without an
    interval (NaN), none gives nothing."""
    values = values[~np.isnan(values)]
    if not len(values):
        return {}
    scale = 100 / (hi - lo)
    if len(values) == 1:
        m = float(values[0])
        return {"mean": m, "mean_ci_low": np.nan, "mean_ci_high": np.nan,
                "index": (m - lo) * scale, "index_ci_low": np.nan, "index_ci_high": np.nan}
    m = mean_ci(values)
    return {"mean": m.estimate, "mean_ci_low": m.ci_low, "mean_ci_high": m.ci_high,
            "index": (m.estimate - lo) * scale, "index_ci_low": (m.ci_low - lo) * scale,
            "index_ci_high": (m.ci_high - lo) * scale}


def _share_and_mean(x: pd.Series, sat: list[float], lo: float, hi: float) -> dict:
    x = x.dropna()
    n = len(x)
    k = int(x.isin(sat).sum())
    row = {"n_valid": n, "n_satisfied": k}
    if n:
        p = proportion_ci(k, n)
        row.update(satisfied_share=p.estimate, share_ci_low=p.ci_low, share_ci_high=p.ci_high)
    row.update(_mean_index(x.to_numpy(dtype="float64"), lo, hi))
    return row


def analyse_satisfaction(r: Responses, groups: list[str] | None = None,
                         target: float | None = None, rank_tests: bool = True,
                         design: SurveyDesign | None = None) -> SatisfactionResults:
    """All satisfaction and awareness tables of a survey.

    Parameters
    ----------
    r : Responses
        A loaded survey; excluded responses are left out.
    groups : list of str, optional
        Question ids to break results down by (default: the codebook's ``groups``).
    target : float, optional
        A share the overall satisfaction must reach (e.g. 0.98 for "满意度达98%以上"); the
        verdict compares the unrounded share.
    rank_tests : bool
        Also run a Kruskal-Wallis test of the scores across groups (on by default).
    design : SurveyDesign, optional
        Weights and clusters (``Project.survey_design``); adds the ``weighted`` table:
        weighted shares and means with design-based standard errors and design effects.

    Examples
    --------
    >>> import kit
    >>> res = kit.analyse_satisfaction(kit.load_project("surveys/poverty-alleviation").load())
    >>> res.overall["n_valid"], res.overall["n_satisfied"]
    (412, 405)
    """
    data = r.valid
    warnings: list[str] = []
    skipped: list[str] = []  # what could not be computed, and why (small samples)
    specs = _item_specs(r)
    if not specs:  # never silently empty: which questions were considered, why none counts
        from .eligibility import satisfaction_eligibility

        warnings += satisfaction_eligibility(r.questionnaire, data).sentences
    items = []
    person_scores: dict[str, list[pd.Series]] = {}
    person_sat: dict[str, list[pd.Series]] = {}
    ranges: dict[str, tuple[float, float]] = {}
    for col, q, label, dim, rev in specs:
        x, lo, hi, sat = _scores(q, rev, data[col])
        row = {"column": col, "question_id": q.id, "title": q.title, "item": label or q.title,
               "dimension": dim, "role": q.role, "scale_min": lo, "scale_max": hi,
               **_share_and_mean(x, sat, lo, hi)}
        items.append(row)
        if dim:
            person_scores.setdefault(dim, []).append(x)
            person_sat.setdefault(dim, []).append(x.isin(sat).astype("float64").where(x.notna()))
            ranges[dim] = (lo, hi)
    items_df = pd.DataFrame(items, columns=ITEM_COLUMNS if not items else None)

    dims = []
    for dim, cols in person_scores.items():
        lo, hi = ranges[dim]
        score = pd.concat(cols, axis=1).mean(axis=1)
        share = pd.concat(person_sat[dim], axis=1).mean(axis=1)
        score, share = score.dropna(), share.dropna()
        if not len(score):
            continue
        sh = _mean_index(share.to_numpy(dtype="float64"), 0.0, 1.0)
        dims.append({"dimension": dim, "n_items": len(cols), "n_valid": len(score),
                     **_mean_index(score.to_numpy(dtype="float64"), lo, hi),
                     "satisfied_share": sh["mean"], "share_ci_low": sh["mean_ci_low"],
                     "share_ci_high": sh["mean_ci_high"]})
    dims_df = pd.DataFrame(dims)

    rel, item_rel = [], []
    for dim, cols in person_scores.items():
        if len(cols) < 2:
            continue
        frame = pd.concat(cols, axis=1)
        frame.columns = [c.name for c in cols]
        complete = int(frame.notna().all(axis=1).sum())
        if complete < 3:
            skipped.append(f"维度「{dim}」答全各题的答卷只有{complete}份（至少需要3份），未计算信度系数。")
            continue
        try:
            a = cronbach_alpha(frame)
        except ValueError:
            skipped.append(f"维度「{dim}」各受访者的总分都相同，信度系数无法计算。")
            continue
        rel.append({"dimension": dim, "n_items": len(cols), "n_complete": a.n,
                    "alpha": a.estimate, "alpha_ci_low": a.ci_low, "alpha_ci_high": a.ci_high,
                    **_factorability(frame)})
        ia = item_analysis(frame)
        ia.insert(0, "dimension", dim)
        item_rel.append(ia)
    rel_df = pd.DataFrame(rel)
    item_rel_df = pd.concat(item_rel, ignore_index=True) if item_rel else pd.DataFrame()

    aware = []
    for q in r.questionnaire.questions:
        if q.type != "yesno" or not q.satisfied or q.id not in data:
            continue
        x = data[q.id].dropna()
        k, n = int(x.isin(q.satisfied).sum()), len(x)
        if n == 0:
            continue
        p = proportion_ci(k, n)
        yes = "、".join(o.label for o in q.options if o.code in q.satisfied)
        aware.append({"question_id": q.id, "title": q.title, "answer": yes, "n_valid": n,
                      "n_aware": k, "aware_share": p.estimate, "share_ci_low": p.ci_low,
                      "share_ci_high": p.ci_high,
                      "n_skipped": int((r.missing.loc[data.index, q.id] == "skipped").sum())})
    aware_df = pd.DataFrame(aware)
    if aware_df.empty:
        from .eligibility import awareness_eligibility

        e = awareness_eligibility(r.questionnaire)
        if e.considered:
            warnings += e.sentences

    overall = _overall(items_df, dims_df)
    by_group, tests, pairwise = _groups(r, data, specs, groups, warnings, rank_tests, skipped)
    if len(items_df) and (items_df["n_valid"] == 1).any():
        skipped.append("只有1份有效回答的题目只给出平均分，不计算置信区间。")
    drivers = _drivers(data, specs, items_df, skipped)
    res = SatisfactionResults(items=items_df, dimensions=dims_df, awareness=aware_df,
                              by_group=by_group, group_tests=tests, overall=overall,
                              pairwise=pairwise, reliability=rel_df, item_reliability=item_rel_df,
                              drivers=drivers)
    res.nps = _nps(r, data)
    if design is not None:
        res.weighted = _weighted(r, data, specs, design)
        res.design = design.description
        res.design_units = design.units
        warnings += design.notes
    res.warnings = list(dict.fromkeys(warnings + skipped))  # one caveat per group variable
    res.sentences = _sentences(r, res, target)
    return res


def _factorability(frame: pd.DataFrame) -> dict:
    """KMO and Bartlett's sphericity test of a dimension's items (complete answers)."""
    try:
        k, _ = kmo(frame)
        b = bartlett_sphericity(frame)
    except ValueError:
        return {"kmo": np.nan, "bartlett_chi2": np.nan, "bartlett_df": np.nan, "bartlett_p": np.nan}
    return {"kmo": k, "bartlett_chi2": b.statistic, "bartlett_df": b.df, "bartlett_p": b.p_value}


_RECOMMEND = re.compile(r"推荐|推介|介绍给|介绍到|告诉(?:亲友|朋友|别人|他人)")


def is_recommendation(title: str) -> bool:
    """A recommendation question (「您有多大可能把…推荐给亲友」), the only kind that gets a net
    promoter score: a satisfaction question on a 0-10 scale does not.

    >>> is_recommendation("您向亲友推荐本村服务站的可能性有多大？"), is_recommendation("您是否愿意把村里的做法介绍给外村人")
    (True, True)
    >>> is_recommendation("您对村务公开的满意程度（0–10分）")
    False
    """
    return bool(_RECOMMEND.search(str(title)))


def _nps(r: Responses, data: pd.DataFrame) -> pd.DataFrame:
    """Net Promoter Score of every 0-10 recommendation question (scores 0..10 in the codebook,
    a title that asks 推荐/介绍给, :func:`is_recommendation`); the counts
    are kept so that the score can be shown exactly ((promoters - detractors) / n)."""
    rows = []
    for q in r.questionnaire.questions:
        if q.type != "scale" or q.id not in data or not q.has_scores:
            continue
        if sorted(o.score for o in q.options) != list(range(11)) or not is_recommendation(q.title):
            continue
        x = _scores(q, False, data[q.id])[0].dropna()  # scores (not codes), 10 = best
        if not len(x):
            continue
        res = nps(x)
        n_p, n_d = int((x >= 9).sum()), int((x <= 6).sum())
        rows.append({"question_id": q.id, "title": q.title, "n_valid": res.n,
                     "n_promoters": n_p, "n_passives": res.n - n_p - n_d, "n_detractors": n_d,
                     "promoters": n_p / res.n, "passives": (res.n - n_p - n_d) / res.n,
                     "detractors": n_d / res.n, "nps": res.estimate, "nps_se": res.se,
                     "nps_ci_low": res.ci_low, "nps_ci_high": res.ci_high,
                     "ci_degenerate": res.se == 0})
    return pd.DataFrame(rows)


def _weighted(r: Responses, data: pd.DataFrame, specs, design: SurveyDesign) -> pd.DataFrame:
    """Weighted satisfied shares and mean scores of every item (and awareness shares), with
    Taylor-linearised standard errors over the design's clusters and strata, and deff."""
    frame = pd.DataFrame({"__w__": design.weights.reindex(data.index)}, index=data.index)
    qs = r.questionnaire.by_id()
    for key in (design.cluster, design.strata):
        if key:  # option labels (城关镇), so that a note can name a stratum
            labels = {o.code: option_label(o.label) for o in qs[key].options} if key in qs else {}
            frame[key] = data[key].map(lambda v: labels.get(v, v))
    frame = frame[frame["__w__"].notna()]
    cols, shares, meta = [], [], []
    for col, q, label, _, rev in specs:
        x, lo, hi, sat = _scores(q, rev, data[col])
        x = x.loc[frame.index]
        frame[f"{col}__share"] = x.isin(sat).astype("float64").where(x.notna())
        frame[f"{col}__mean"] = x
        cols += [f"{col}__share", f"{col}__mean"]
        shares.append(f"{col}__share")
        meta.append((col, label or q.title, q.role, "share"))
        meta.append((col, label or q.title, q.role, "mean"))
    for q in r.questionnaire.questions:
        if q.type == "yesno" and q.satisfied and q.id in data:
            x = data.loc[frame.index, q.id].astype("float64")
            frame[f"{q.id}__share"] = x.isin([float(c) for c in q.satisfied]).astype("float64").where(x.notna())
            cols.append(f"{q.id}__share")
            shares.append(f"{q.id}__share")
            meta.append((q.id, q.title, "awareness", "share"))
    est = design_estimates(frame, cols, weight="__w__", cluster=design.cluster,
                           strata=design.strata, shares=shares, lonely_psu=design.lonely_psu)
    unit = (f"一个{qs[design.cluster].title.removeprefix('您所在的')}" if design.cluster in qs
            else "一个群" if design.cluster else "一份答卷")
    note = ("标准误用泰勒线性化计算，权重视为固定，抽样单元按有放回抽取处理（与Stata svy、R survey包"
            "不设有限总体校正时相同）；设计效应为设计方差与有放回简单随机抽样方差之比。")
    if design.strata:
        note += lonely_psu_note(design.lonely_psu, est.attrs["singletons"], unit)
    est.insert(1, "measure", [m[3] for m in meta])
    est.insert(1, "role", [m[2] for m in meta])
    est.insert(1, "item", [m[1] for m in meta])
    est["column"] = [m[0] for m in meta]
    est.attrs["note"] = note
    return est


QUADRANTS = {(True, True): "继续保持", (True, False): "重点改进", (False, True): "维持现状",
             (False, False): "次要改进"}


UNSETTLED = "象限不确定"


def settled_quadrants(res) -> pd.Series:
    """Each driver's quadrant as a document may state it (index as ``res.drivers``): the
    quadrant when the item lies clearly on one side of both splits (its 95% interval of the
    satisfaction index excludes the items' mean index, and the interval of its correlation with
    overall satisfaction excludes the mean correlation), else 「象限不确定」. Every quadrant is
    unsettled when the items' indices differ by less than a typical interval
    (:func:`kit.plots.ipa_is_noise`). The table, the chart and the sentence all read this, so that
    none names a quadrant the others call noise, and two items tied at the precision shown
    (73.5 and 73.5) are never put on two sides of a split."""
    from .plots import ipa_is_noise

    d = res.drivers
    if not len(d):
        return pd.Series(dtype=object)
    placed = d["quadrant"].astype(object).notna()   # an item with a quadrant at all
    if ipa_is_noise(res):
        return pd.Series(UNSETTLED, index=d.index, dtype=object).where(placed, None)
    items = res.items.set_index("column")
    lo = d["column"].map(items["index_ci_low"]).astype(float)
    hi = d["column"].map(items["index_ci_high"]).astype(float)
    perf_mean = float(d["performance"].mean())
    imp_mean = float(d["importance_r"].mean())
    perf_clear = (hi < perf_mean) | (lo > perf_mean)
    r_lo = d.get("r_ci_low", pd.Series(np.nan, index=d.index)).astype(float)
    r_hi = d.get("r_ci_high", pd.Series(np.nan, index=d.index)).astype(float)
    imp_clear = (r_hi < imp_mean) | (r_lo > imp_mean)
    return d["quadrant"].astype(object).where(perf_clear & imp_clear, UNSETTLED).where(placed, None)


def _drivers(data: pd.DataFrame, specs, items: pd.DataFrame, skipped: list[str]) -> pd.DataFrame:
    """What drives overall satisfaction: each item's correlation with the overall item
    (derived importance) and its standardised regression coefficient, against its performance
    (0-100 index); the IPA quadrant splits at the means of importance and performance."""
    overall = [(col, rev, q) for col, q, _, _, rev in specs if q.role == "overall"]
    others = [(col, rev, q) for col, q, _, _, rev in specs if q.role != "overall"]
    if not overall or len(others) < 2:
        return pd.DataFrame()
    frame = pd.DataFrame({col: _scores(q, rev, data[col])[0] for col, rev, q in others})
    col, rev, q = overall[0]
    frame["__overall__"] = _scores(q, rev, data[col])[0]
    pairs = min(int(frame[[c, "__overall__"]].notna().all(axis=1).sum()) for c, _, _ in others)
    if pairs < 3:
        skipped.append(f"同时回答总体满意度和各题的答卷只有{pairs}份（至少需要3份），"
                       "未做影响总体满意度的因素分析（重要性—表现象限）。")
        return pd.DataFrame()
    idx = items.set_index("column")
    rows = []
    for col, _, _ in others:
        c = correlation(frame[col], frame["__overall__"])
        rows.append({"column": col, "item": idx.loc[col, "item"], "importance_r": c.estimate,
                     "r_ci_low": c.ci_low, "r_ci_high": c.ci_high, "performance": idx.loc[col, "index"],
                     "n": c.n})
    out = pd.DataFrame(rows)
    try:
        beta = regression(frame, "__overall__", [c for c, _, _ in others], standardize=True)
        out["beta_std"] = out["column"].map(beta.set_index("term")["estimate"])
    except ValueError:
        out["beta_std"] = np.nan
        skipped.append(f"答全各题的答卷不多于{len(others) + 1}份，未估计标准化回归系数。")
    if out["importance_r"].isna().any():
        skipped.append("有的题目（或总体满意度）所有回答相同，与总体满意度的相关系数无法计算。")
    hi_imp = out["importance_r"] >= out["importance_r"].mean()
    hi_perf = out["performance"] >= out["performance"].mean()
    out["quadrant"] = [QUADRANTS[(a, b)] if pd.notna(r) else None
                       for a, b, r in zip(hi_imp, hi_perf, out["importance_r"])]
    return out


def _plain(v):
    return v.item() if hasattr(v, "item") else v


def _overall(items: pd.DataFrame, dims: pd.DataFrame) -> dict:
    if len(items) and (items["role"] == "overall").any():
        row = items[items["role"] == "overall"].iloc[0]
        return {"source": "item", "column": row["column"], "title": row["title"],
                **{k: _plain(row[k]) for k in ("n_valid", "n_satisfied", "satisfied_share", "share_ci_low",
                                       "share_ci_high", "mean", "mean_ci_low", "mean_ci_high",
                                       "index", "scale_max") if k in row}}
    if len(dims):
        return {"source": "dimensions", "index": float(dims["index"].mean()),
                "satisfied_share": float(dims["satisfied_share"].mean())}
    return {}


def _groups(r: Responses, data: pd.DataFrame, specs, groups, warnings, rank_tests: bool = True,
            skipped: list[str] | None = None):
    """Every satisfaction and awareness item broken down by each grouping question.

    Counts per group come from one ``np.bincount`` per item, so a million responses cost a few
    array passes; the chi-square and the pairwise tests are computed from those counts.
    """
    qs = r.questionnaire.by_id()
    groups = groups if groups is not None else list(r.questionnaire.groups)
    targets = [(col, q, label, rev) for col, q, label, _, rev in specs]
    for q in r.questionnaire.questions:
        if q.type == "yesno" and q.satisfied and q.id in data:
            targets.append((q.id, q, None, False))
    rows, tests, pairs = [], [], []
    for g in groups:
        gq = qs[g]
        codes = [o.code for o in gq.options]
        labels = [option_label(o.label) for o in gq.options]
        pos = {c: i for i, c in enumerate(codes)}
        # the groups as 逐题统计 counts them: a 「其他」 text naming an option is in that option's group
        gval = (choice_answers(r, gq, pd.Series(r.data.index.isin(data.index), index=r.data.index))
                if gq.type == "single" and not gq.has_scores else data[g])
        gidx = gval.reindex(data.index).map(pos).to_numpy(dtype="float64", na_value=np.nan)
        gvalid = ~np.isnan(gidx)
        gi = np.where(gvalid, gidx, 0).astype(np.int64)
        G = len(codes)
        sparse: list[tuple[str, float]] = []  # chi-square tests with a cell expected below 5
        for col, q, label, rev in targets:
            item = label or q.title
            if q.type == "yesno":
                x = data[col].to_numpy(dtype="float64", na_value=np.nan)
                hit = np.isin(x, [float(c) for c in q.satisfied])
            else:
                xs, lo, hi, sat = _scores(q, rev, data[col])
                x = xs.to_numpy(dtype="float64", na_value=np.nan)
                hit = np.isin(x, sat)
            ok = gvalid & ~np.isnan(x)
            n = np.bincount(gi[ok], minlength=G)
            k = np.bincount(gi[ok], weights=hit[ok], minlength=G).round().astype(np.int64)
            sums = np.bincount(gi[ok], weights=x[ok], minlength=G)
            small = []
            for j in np.flatnonzero(n):
                p = proportion_ci(int(k[j]), int(n[j]))
                rows.append({"group_by": g, "group_title": gq.title, "group": labels[j],
                             "column": col, "item": item, "n_valid": int(n[j]),
                             "n_satisfied": int(k[j]), "satisfied_share": p.estimate,
                             "share_ci_low": p.ci_low, "share_ci_high": p.ci_high,
                             "mean": float(sums[j] / n[j]) if q.type != "yesno" else np.nan,
                             "small_n": bool(n[j] < SMALL_N)})
                if n[j] < SMALL_N:
                    small.append(labels[j])
            if small:
                warnings.append(f"按「{gq.title}」分组时，{len(small)}个组的有效答卷少于{SMALL_N}份"
                                f"（如{'、'.join(small[:5])}{'等' if len(small) > 5 else ''}），"
                                "其比例的置信区间较宽，解读时需谨慎。")
            present = np.flatnonzero(n)
            table = np.column_stack([k[present], n[present] - k[present]])
            table = table[:, table.sum(axis=0) > 0]
            if len(present) >= 2 and table.shape[1] == 2:
                c = chi_square(table)
                min_exp = float(expected_counts(table).min())
                tests.append({"group_by": g, "group_title": gq.title, "column": col, "item": item,
                              "test": "chi_square", "statistic": c.statistic, "df": c.df,
                              "p_value": c.p_value, "min_expected": min_exp,
                              "warning": min_exp < MIN_EXPECTED})
                if min_exp < MIN_EXPECTED:
                    sparse.append((item, min_exp))
            if 3 <= len(present) <= MAX_PAIRWISE_GROUPS:
                found = []
                for i, a in enumerate(present):
                    for b in present[i + 1:]:
                        t2 = two_by_two_test([[k[a], n[a] - k[a]], [k[b], n[b] - k[b]]])
                        found.append({"group_by": g, "group_title": gq.title, "column": col,
                                      "item": item, "group_a": labels[a], "group_b": labels[b],
                                      "test": t2.method, "p_value": t2.p_value})
                for f, pa in zip(found, adjust_p([f["p_value"] for f in found])):
                    f["p_holm"] = float(pa)
                pairs += found
            if rank_tests and q.type != "yesno" and len(present) >= 2:
                order = np.argsort(gi[ok], kind="stable")
                xo = x[ok][order]
                bounds = np.cumsum(n)[:-1]
                parts = [p for p in np.split(xo, bounds) if len(p)]
                if np.ptp(xo) == 0:  # every answer the same: nothing to rank
                    if skipped is not None:
                        skipped.append(f"按「{gq.title}」分组时，部分题目所有回答相同，"
                                       "未做Kruskal-Wallis检验。")
                    continue
                kw = kruskal(*parts)
                tests.append({"group_by": g, "group_title": gq.title, "column": col, "item": item,
                              "test": "kruskal_wallis", "statistic": kw.statistic, "df": kw.df,
                              "p_value": kw.p_value, "min_expected": np.nan, "warning": False})
        if sparse:
            warnings.append(sparse_caveat(gq.title, sparse))
    return pd.DataFrame(rows), pd.DataFrame(tests), pd.DataFrame(pairs)


def sparse_caveat(group_title: str, sparse: list[tuple[str, float]]) -> str:
    """One caveat for all the chi-square tests of a grouping question that have a cell
    expected below :data:`MIN_EXPECTED` (not one line per item).

    >>> sparse_caveat("您的身份", [("总体满意度", 0.39), ("工作作风", 2.18)])
    '按「您的身份」分组的2项卡方检验（「总体满意度」「工作作风」）中有期望频数小于5的格子（最小0.39），这些检验结果仅供参考。'
    """
    items = [i for i, _ in sparse]
    low = min(m for _, m in sparse)
    which = f"（「{'」「'.join(items[:2])}」{'等' if len(items) > 2 else ''}）"
    return (f"按「{group_title}」分组的{len(items)}项卡方检验{which}中有期望频数小于{MIN_EXPECTED}的格子"
            f"（最小{fmt_number(low, 2)}），这些检验结果仅供参考。")


_GROUP_WARNING = re.compile(r"^按「[^」]*」分组(时|的\d+项卡方检验)")


def group_sizes(res, part: pd.DataFrame) -> dict:
    """group -> its valid answers, as the group table and chart show them: the overall
    satisfaction item's (「各村总体满意率」 and its chart), else the most any item of the group has.
    The note on small groups counts these, so that it cannot call a group of 40 small because a
    skipped item has 12 answers in it.

    >>> from types import SimpleNamespace as N
    >>> part = pd.DataFrame({"group": ["甲", "乙", "甲", "乙"], "column": ["q1", "q1", "q2", "q2"],
    ...                      "n_valid": [40, 25, 12, 10]})
    >>> group_sizes(N(overall={"column": "q1"}), part), group_sizes(N(overall={}), part)
    ({'甲': 40, '乙': 25}, {'甲': 40, '乙': 25})
    >>> group_sizes(N(overall={"column": "q2"}), part)
    {'甲': 12, '乙': 10}
    """
    col = (getattr(res, "overall", None) or {}).get("column")
    rows = part[part["column"] == col] if col is not None and (part["column"] == col).any() else part
    return {g: int(n) for g, n in rows.groupby("group", sort=False)["n_valid"].max().items()}


def caveat_note(res: "SatisfactionResults", hints: bool = True) -> str:
    """All the caveats of a survey in one note: groups with fewer than :data:`SMALL_N` answers
    and chi-square tests with small expected counts, per grouping question in one clause
    each, then whatever else the analysis could not do. '' when there is nothing to say.

    The findings stay free of them (:func:`findings`), so that a handful of findings are not
    buried under twenty near-identical lines. ``hints=False`` (a document handed in) leaves out
    the evaluator's instructions (:class:`kit.eligibility.Instruction`)."""
    from .eligibility import Instruction

    from .questionnaire import short_title

    parts = []
    bg = res.by_group
    if len(bg):
        per = []
        for g, part in bg.groupby("group_by", sort=False):
            sizes = group_sizes(res, part)
            small = [x for x, n in sizes.items() if n < SMALL_N]
            if not small:
                continue
            title, total = short_title(part["group_title"].iloc[0]), len(sizes)
            if len(small) == total:
                per.append(f"按{title}分的全部{total}个组")
            elif len(small) <= 3:
                per.append(f"{title}为{'、'.join(f'“{x}”' for x in small)}的组")
            else:
                per.append(f"按{title}分的{total}个组中的{len(small)}个")
        if per:   # the groupings listed as such: never 「按村分的全部80个组，身份为…的组有效答卷…」
            who = per[0] if len(per) == 1 else "，".join(per[:-1]) + "，以及" + per[-1] + "，"
            parts.append(f"{who}有效答卷{'均' if len(per) > 1 else ''}少于{SMALL_N}份，比例的置信区间较宽")
    gt = res.group_tests
    if len(gt) and gt["warning"].astype(bool).any():
        titles = [short_title(t) for t in dict.fromkeys(gt.loc[gt["warning"].astype(bool), "group_title"])]
        parts.append(f"按{'、'.join(titles)}分组的部分卡方检验有期望频数小于{MIN_EXPECTED}的格子")
    others = [w for w in res.warnings if not _GROUP_WARNING.match(w) and (hints or not isinstance(w, Instruction))]
    text = ("；".join(parts) + "，这些分组结果仅供参考。") if parts else ""
    return ("需要说明：" + text + "".join(others)) if text or others else ""


def findings(res: "SatisfactionResults", wave_label: str | None = None) -> list[str]:
    """The findings (``res.headlines``) without the caveats; for an earlier wave
    (``wave_label``) the sample sentence names it instead of 「本次调查」."""
    out = [s for _, s in res.headlines]
    if wave_label and out and out[0].startswith("本次调查"):
        out[0] = wave_label + "：" + out[0].removeprefix("本次调查")
    return out


def _ci_text(share, lo, hi) -> str:
    return f"{fmt_percent(share)}（95%置信区间：{fmt_percent(lo)}–{fmt_percent(hi)}）"


def target_share(target) -> Fraction:
    """A satisfaction target as an exact share: 0.98, "98%" or a Fraction.

    >>> target_share(0.992), target_share("98%")
    (Fraction(124, 125), Fraction(49, 50))
    """
    q = parse_quantity(target, where="满意率目标")
    if q is None or not 0 < q.value <= 1:
        raise KitError(f"满意率目标「{target}」应为0到1之间的比例（如0.98）或百分数（如“98%”）")
    return q.value


def verdict_sentence(k: int, n: int, target, noun: str = "满意率") -> str:
    """「满意率98.3%，达到98%的目标。」: the exact share ``k / n`` against the exact target,
    the share shown with as many decimals as the verdict needs, the target with its own
    precision (99.2% stays 99.2%).

    >>> verdict_sentence(99, 100, 0.992), verdict_sentence(247, 250, 0.985)
    ('满意率99.0%，未达到99.2%的目标。', '满意率98.8%，达到98.5%的目标。')
    >>> verdict_sentence(4899, 5000, "98%")
    '满意率97.98%，未达到98%的目标。'
    """
    share, t = Fraction(k, n), target_share(target)
    met = share >= t
    return (f"{noun}{fmt_for_verdict(share, t, 1, percent=True, max_digits=VERDICT_DIGITS)}，"
            f"{'达到' if met else '未达到'}{fmt_threshold(t, percent=True, max_digits=VERDICT_DIGITS)}"
            "的目标。")


def small_sample_note(n: int, what: str = "有效答卷") -> str:
    """The warning a headline carries when fewer than :data:`SMALL_N` answers stand behind it."""
    return (f"注意：{what}仅{n}份（少于{SMALL_N}份），置信区间很宽，以上结果仅供参考，"
            "不宜据此下结论。")


NPS_GROUPS = {"n_promoters": "推荐者", "n_passives": "中立者", "n_detractors": "贬损者"}


def _nps_sentence(t) -> str:
    value = fmt_percent(Fraction(int(t.n_promoters) - int(t.n_detractors), int(t.n_valid)))[:-1].replace("-", "−")
    if t.ci_degenerate:
        who = next(w for c, w in NPS_GROUPS.items() if getattr(t, c) == t.n_valid) \
            if any(getattr(t, c) == t.n_valid for c in NPS_GROUPS) else "同一类"
        ci = f"全部{t.n_valid}份回答都是{who}，无法估计置信区间，不表示这一数值是精确的"
    else:
        ci = (f"95%置信区间：{fmt_percent(t.nps_ci_low)[:-1]}至{fmt_percent(t.nps_ci_high)[:-1]}")
    return (f"「{t.title}」的净推荐值（NPS）为{value}（{ci}），"
            f"推荐者占{fmt_percent(Fraction(int(t.n_promoters), int(t.n_valid)))}，"
            f"贬损者占{fmt_percent(Fraction(int(t.n_detractors), int(t.n_valid)))}。")


def _sentences(r: Responses, res: SatisfactionResults, target) -> list[str]:
    """The findings, each under a key that says which table it comes from (``res.headlines``:
    sample, overall, design_units, weighted, awareness:<question id>, nps:<question id>), then the
    caveats (``res.warnings``)."""
    heads: list[tuple[str, str]] = [("sample", f"本次调查{r.exclusion_sentence()}")]
    o = res.overall
    headline = None
    if o.get("source") == "item" and o.get("n_valid"):
        s = f"群众总体满意率为{_ci_text(o['satisfied_share'], o['share_ci_low'], o['share_ci_high'])}，"
        s += f"总体满意度平均得分{fmt_number(o['mean'], 2)}分（满分{fmt_number(o['scale_max'], 0)}分），"
        s += f"满意度指数为{fmt_number(o['index'], 1)}。"
        if target is not None:
            s += verdict_sentence(int(o["n_satisfied"]), int(o["n_valid"]), target)
        heads.append(("overall", s))
        headline = len(heads) - 1
    elif o.get("source") == "item":
        heads.append(("overall", f"「{o['title']}」没有有效回答，无法计算总体满意率。"))
        headline = len(heads) - 1
    elif o.get("source") == "dimensions":
        s = (f"问卷没有总体满意度题，按{len(res.dimensions)}个维度的平均：满意率为"
             f"{fmt_percent(o['satisfied_share'])}，满意度指数为{fmt_number(o['index'], 1)}。")
        if target is not None:
            t = target_share(target)
            met = Fraction(o["satisfied_share"]) >= t
            s += (f"满意率{fmt_for_verdict(o['satisfied_share'], t, 1, percent=True, max_digits=VERDICT_DIGITS)}，"
                  f"{'达到' if met else '未达到'}"
                  f"{fmt_threshold(t, percent=True, max_digits=VERDICT_DIGITS)}的目标。")
        heads.append(("overall", s))
        headline = len(heads) - 1
    n_head = int(o["n_valid"]) if o.get("source") == "item" else r.n_valid
    if n_head < SMALL_N:
        what = "有效回答" if o.get("source") == "item" and n_head != r.n_valid else "有效答卷"
        i = headline if headline is not None else 0
        heads[i] = (heads[i][0], heads[i][1] + small_sample_note(n_head, what))
    w = res.weighted
    if len(w):
        top = w[(w["role"] == "overall") & (w["measure"] == "share")]
        if len(top) and pd.notna(top.iloc[0]["ci_low"]):
            t = top.iloc[0]
            if res.design_units:
                heads.append(("design_units", res.design_units))
            heads.append(("weighted", f"{res.design}，加权后的总体满意率为{_ci_text(t.estimate, t.ci_low, t.ci_high)}，"
                                      f"设计效应为{fmt_number(t.deff, 2)}。"))
    for a in res.awareness.itertuples(index=False):
        heads.append((f"awareness:{a.question_id}",
                      f"对「{a.title}」回答“{a.answer}”的比例为"
                      f"{_ci_text(a.aware_share, a.share_ci_low, a.share_ci_high)}，有效回答{a.n_valid}份"
                      + (f"（另有{a.n_skipped}份按问卷逻辑跳过）" if a.n_skipped else "") + "。"))
    for t in res.nps.itertuples(index=False):
        heads.append((f"nps:{t.question_id}", _nps_sentence(t)))
    res.headlines = heads
    return [s for _, s in heads] + res.warnings
