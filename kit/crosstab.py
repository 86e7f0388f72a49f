"""Cross-tabulation of any two questions (交叉分析), with the right test and its caveats.

``crosstab(r, rows, columns)`` takes two question ids (or a matrix row id) of a loaded survey and
returns counts, row and column percentages, the base, and a test of independence:

categorical x categorical
    (single choice, yes/no, scale, a matrix row) counts of the responses that answered both;
    Pearson's chi-square (R: ``chisq.test(x, correct = FALSE)``) unless expected counts are
    small, then Fisher's exact test (:func:`kit.stats.fisher_exact`; R: ``fisher.test(x)`` for
    2x2, ``fisher.test(x, simulate.p.value = TRUE, B = 1e5)`` for larger tables). Small means,
    for a 2x2 table, a cell expected below 5; for a larger table, Cochran's rule broken (a cell
    expected below 1, or more than 20% of cells below 5). Cramér's V is given with the
    chi-square. Categories nobody chose are left out of the table and the test (listed).
multi-select by group
    (one side a multi-select) per group, how many of the group's respondents chose each option
    (case %, 普及率, of the group's respondents who answered the multi-select); one test per
    option (chosen or not, by group: a 2 x k table, tested as above), p-values Holm-adjusted.
    No single chi-square over the whole table: one respondent gives several selections.
numeric by group
    (one side a numeric fill-in) n, mean, standard deviation and median per group, and a
    Kruskal-Wallis test.

A 「其他」 text that names an existing option is counted under that option, as in the
per-question tables (:func:`kit.descriptives.recode_other_choice`), so a cross-tab's totals
are the tables' counts.

Results keep snake_case fields; percentages are fractions 0-1.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .descriptives import numeric_answers, option_label, recode_other_choice, recode_other_multi
from .errors import KitError
from .responses import Responses
from .stats import adjust_p, chi_square, expected_counts, fisher_exact, kruskal

__all__ = ["CrossTab", "crosstab", "crosstabs", "independence_test", "MIN_EXPECTED"]

MIN_EXPECTED = 5


@dataclass
class CrossTab:
    """One cross-tabulation. ``counts`` has the row question's categories as index and the
    column question's as columns (both in questionnaire order, categories with nobody left
    out); ``row_share``/``col_share`` are the percentages (0-1) within rows / columns."""

    rows_id: str
    columns_id: str
    rows_title: str
    columns_title: str
    kind: str                               # categorical | multi_by_group | numeric_by_group
    counts: pd.DataFrame
    row_share: pd.DataFrame
    col_share: pd.DataFrame
    base: int                               # responses in the table
    n_valid: int
    missing_rows: int = 0                   # valid responses without an answer on the rows question
    missing_columns: int = 0
    test: dict = field(default_factory=dict)
    tests: pd.DataFrame = field(default_factory=pd.DataFrame)   # per option (multi by group)
    group_base: pd.Series = field(default_factory=lambda: pd.Series(dtype="int64"))
    summary: pd.DataFrame = field(default_factory=pd.DataFrame)  # numeric by group
    dropped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    multi_on_rows: bool = False
    values: dict = field(default_factory=dict)                  # numeric by group: group -> values

    @property
    def is_empty(self) -> bool:
        return self.base == 0

    @property
    def label(self) -> str:
        return f"{self.rows_title} × {self.columns_title}"


def independence_test(table) -> dict:
    """Chi-square or Fisher for a contingency table, with the small-expected facts.

    Returns ``method`` (chi_square | fisher_exact | fisher_monte_carlo | none), ``statistic``,
    ``df``, ``p_value``, ``cramers_v``, ``min_expected``, ``share_small`` (cells expected
    below 5) and ``caveat`` (a Chinese sentence, or "").

    >>> t = independence_test([[762, 327, 468], [484, 239, 477]])   # Agresti (2007) Table 2.5
    >>> t["method"], round(t["statistic"], 2), t["df"], t["p_value"] < 1e-6
    ('chi_square', 30.07, 2.0, True)
    >>> independence_test([[3, 1], [1, 3]])["method"]
    'fisher_exact'
    """
    from .fmt import fmt_number, fmt_percent

    t = np.asarray(table, dtype="float64")
    t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0] if t.size else t
    if t.ndim != 2 or min(t.shape, default=0) < 2:
        return {"method": "none", "caveat": "只有一行或一列有数据，无法检验两题是否相关。"}
    e = expected_counts(t)
    small = float((e < MIN_EXPECTED).mean())
    out = {"min_expected": float(e.min()), "share_small": small, "n": int(t.sum())}
    c = chi_square(t)
    out.update(cramers_v=c.estimate)
    use_fisher = (e.min() < MIN_EXPECTED) if t.shape == (2, 2) else (e.min() < 1 or small > 0.2)
    if use_fisher:
        f = fisher_exact(t)
        out.update(method=f.method, statistic=f.statistic, df=None, p_value=f.p_value)
        out["caveat"] = (f"有{fmt_percent(small, 0)}的格子期望频数小于{MIN_EXPECTED}（最小"
                         f"{fmt_number(e.min(), 2)}），卡方检验不适用，改用Fisher精确检验"
                         + ("（蒙特卡洛模拟p值，10万次）" if f.method == "fisher_monte_carlo" else "") + "。")
    else:
        out.update(method="chi_square", statistic=c.statistic, df=c.df, p_value=c.p_value)
        out["caveat"] = (f"有{fmt_percent(small, 0)}的格子期望频数小于{MIN_EXPECTED}（最小"
                         f"{fmt_number(e.min(), 2)}），卡方检验结果仅供参考。" if small > 0 else "")
    return out


# ------------------------------------------------------------------------ variables
@dataclass
class _Var:
    id: str
    title: str
    kind: str                 # categorical | multi | numeric
    labels: list[str]
    codes: np.ndarray | None = None        # per response: category index (-1 missing)
    matrix: np.ndarray | None = None       # multi: responses x options (0/1), NaN rows missing
    values: np.ndarray | None = None       # numeric: float, NaN missing


def _variable(r: Responses, vid: str, valid: pd.Series) -> _Var:
    qs = r.questionnaire.by_id()
    meta = r.questions.set_index("column")
    if vid in qs:
        q = qs[vid]
        if q.type == "matrix":
            raise KitError(f"「{vid}」是矩阵题：请写其中一行的 id（如 {q.rows[0].id}）")
        if q.type == "ranking":
            raise KitError(f"「{vid}」是排序题，不能做交叉分析")
        if q.personal:
            raise KitError(f"「{vid}」是个人信息，不能做交叉分析")
        col, title = vid, q.title
    else:
        row = next((q for q in qs.values() for rw in q.rows if rw.id == vid), None)
        if row is None:
            raise KitError(f"问卷中没有题目或矩阵行「{vid}」")
        q, col = row, vid
        title = f"{q.title}—{next(rw.label for rw in q.rows if rw.id == vid)}"
    if q.type == "multi":
        cols = [c for c in meta.index if meta.loc[c, "question_id"] == q.id and meta.loc[c, "value"] == "selected"]
        m = r.data.loc[valid, cols].to_numpy(dtype="float64", na_value=np.nan)
        answered = ~np.isnan(m).all(axis=1)
        m, _, _ = recode_other_multi(r, q, valid, np.nan_to_num(m, nan=0.0))  # as the tables count
        answered &= m.sum(axis=1) > 0
        m[~answered] = np.nan
        labels = [option_label(meta.loc[c, "option_label"]) for c in cols]
        return _Var(vid, title, "multi", labels, matrix=m)
    if q.type == "text":
        vals, unit, _ = numeric_answers(r.data.loc[valid, col])
        s = r.data.loc[valid, col]
        answered = s.notna().sum()
        if answered == 0 or len(vals) < 0.8 * answered:
            raise KitError(f"「{vid}」是文字填空题，不能做交叉分析；数值填空题（答案为数字）可以")
        v = pd.Series(np.nan, index=s.index)
        v.loc[vals.index] = vals
        return _Var(vid, title + (f"（{unit}）" if unit else ""), "numeric", [], values=v.to_numpy())
    opts = q.options
    keys = np.array([o.score if q.has_scores else o.code for o in opts], dtype="float64")
    x = r.data.loc[valid, col].to_numpy(dtype="float64", na_value=np.nan)
    if col == q.id:  # a 「其他」 text naming an option counts under it, as in the tables
        x, _, _ = recode_other_choice(r, q, valid, x)
    idx = np.full(len(x), -1, dtype=np.int64)
    for j, k in enumerate(keys):
        idx[(x == k) & (idx < 0)] = j
    return _Var(vid, title, "categorical", [option_label(o.label) for o in opts], codes=idx)


# --------------------------------------------------------------------------- tables
def _categorical(a: _Var, b: _Var, n_valid: int) -> CrossTab:
    ok = (a.codes >= 0) & (b.codes >= 0)
    ka, kb = len(a.labels), len(b.labels)
    flat = np.bincount(a.codes[ok] * kb + b.codes[ok], minlength=ka * kb).reshape(ka, kb)
    keep_r, keep_c = flat.sum(axis=1) > 0, flat.sum(axis=0) > 0
    dropped = [f"{a.title}：{lb}" for lb, k in zip(a.labels, keep_r) if not k] + \
              [f"{b.title}：{lb}" for lb, k in zip(b.labels, keep_c) if not k]
    counts = pd.DataFrame(flat[keep_r][:, keep_c], index=[lb for lb, k in zip(a.labels, keep_r) if k],
                          columns=[lb for lb, k in zip(b.labels, keep_c) if k])
    rs = counts.sum(axis=1).replace(0, np.nan)
    cs = counts.sum(axis=0).replace(0, np.nan)
    ct = CrossTab(a.id, b.id, a.title, b.title, "categorical", counts, counts.div(rs, axis=0),
                  counts.div(cs, axis=1), int(ok.sum()), n_valid, int((a.codes < 0).sum()),
                  int((b.codes < 0).sum()), dropped=dropped)
    if ct.base:
        ct.test = independence_test(counts.to_numpy())
    return ct


def _multi_by_group(g: _Var, m: _Var, n_valid: int, multi_on_rows: bool) -> CrossTab:
    answered = ~np.isnan(m.matrix).any(axis=1)
    ok = (g.codes >= 0) & answered
    G, K = len(g.labels), len(m.labels)
    gi = g.codes[ok]
    sel = m.matrix[ok] > 0
    n_group = np.bincount(gi, minlength=G)
    counts = np.zeros((G, K), dtype=np.int64)
    for j in range(K):
        counts[:, j] = np.bincount(gi[sel[:, j]], minlength=G)
    keep_g = n_group > 0
    keep_o = counts.sum(axis=0) > 0
    dropped = [f"{g.title}：{lb}" for lb, k in zip(g.labels, keep_g) if not k] + \
              [f"{m.title}：{lb}" for lb, k in zip(m.labels, keep_o) if not k]
    glabels = [lb for lb, k in zip(g.labels, keep_g) if k]
    olabels = [lb for lb, k in zip(m.labels, keep_o) if k]
    c = pd.DataFrame(counts[keep_g][:, keep_o], index=glabels, columns=olabels)
    ng = pd.Series(n_group[keep_g], index=glabels)
    case = c.div(ng.replace(0, np.nan), axis=0)
    tests = []
    for j, lb in enumerate(olabels):
        yes = c[lb].to_numpy()
        table = np.column_stack([yes, ng.to_numpy() - yes])
        t = independence_test(table)
        tests.append({"option": lb, **{k: t.get(k) for k in ("method", "statistic", "df", "p_value",
                                                              "min_expected", "share_small", "cramers_v",
                                                              "caveat")}})
    tests = pd.DataFrame(tests)
    if len(tests) and tests["p_value"].notna().any():
        has = tests["p_value"].notna()
        tests.loc[has, "p_holm"] = adjust_p(tests.loc[has, "p_value"].to_numpy())
    total_sel = c.sum(axis=1).replace(0, np.nan)
    ct = CrossTab(g.id if not multi_on_rows else m.id, m.id if not multi_on_rows else g.id,
                  g.title if not multi_on_rows else m.title, m.title if not multi_on_rows else g.title,
                  "multi_by_group", c, case, c.div(total_sel, axis=0), int(ok.sum()), n_valid,
                  int((g.codes < 0).sum()), int((~answered).sum()), tests=tests, group_base=ng,
                  dropped=dropped, multi_on_rows=multi_on_rows)
    ct.notes.append(f"比例为各组中选择该项的人数占该组回答「{m.title}」人数的比例（普及率），"
                    "一人可选多项，比例之和可超过100%；每个选项单独检验（是否选择 × 组别），p值经Holm校正。")
    return ct


def _numeric_by_group(g: _Var, v: _Var, n_valid: int) -> CrossTab:
    ok = (g.codes >= 0) & ~np.isnan(v.values)
    rows, parts, values = [], [], {}
    for j, lb in enumerate(g.labels):
        x = v.values[ok & (g.codes == j)]
        if not len(x):
            continue
        parts.append(x)
        values[lb] = x
        rows.append({"group": lb, "n": len(x), "mean": float(x.mean()),
                     "sd": float(x.std(ddof=1)) if len(x) > 1 else np.nan,
                     "median": float(np.median(x))})
    summary = pd.DataFrame(rows, columns=["group", "n", "mean", "sd", "median"])
    counts = summary.set_index("group")[["n"]] if len(summary) else pd.DataFrame()
    ct = CrossTab(g.id, v.id, g.title, v.title, "numeric_by_group", counts, pd.DataFrame(), pd.DataFrame(),
                  int(ok.sum()), n_valid, int((g.codes < 0).sum()), int(np.isnan(v.values).sum()),
                  summary=summary, values=values)
    if len(parts) >= 2:
        k = kruskal(*parts)
        ct.test = {"method": "kruskal_wallis", "statistic": k.statistic, "df": k.df, "p_value": k.p_value,
                   "caveat": ""}
    else:
        ct.test = {"method": "none", "caveat": "只有一组有数据，无法比较。"}
    return ct


def crosstab(r: Responses, rows: str, columns: str) -> CrossTab:
    """Cross-tabulate two questions over the valid responses.

    Parameters
    ----------
    r : Responses
    rows, columns : str
        Question ids (single choice, yes/no, scale, multi-select, numeric fill-in) or matrix
        row ids. At most one may be a multi-select; a numeric fill-in goes with a categorical
        question (means by group).

    Examples
    --------
    >>> import kit
    >>> r = kit.load_project("surveys/poverty-alleviation").load()
    >>> ct = crosstab(r, "identity", "aware_programme")
    >>> ct.base, int(ct.counts.loc["党员", "知道"]), ct.test["method"]
    (412, 86, 'fisher_monte_carlo')
    """
    valid = ~r.excluded
    a, b = _variable(r, rows, valid), _variable(r, columns, valid)
    n_valid = int(valid.sum())
    kinds = (a.kind, b.kind)
    if kinds == ("categorical", "categorical"):
        return _categorical(a, b, n_valid)
    if kinds == ("multi", "multi"):
        raise KitError(f"「{rows}」和「{columns}」都是多选题，不能交叉；请把其中一道换成单选题")
    if "multi" in kinds and "numeric" not in kinds:
        g, m = (b, a) if a.kind == "multi" else (a, b)
        return _multi_by_group(g, m, n_valid, multi_on_rows=a.kind == "multi")
    if "numeric" in kinds and "categorical" in kinds:
        g, v = (b, a) if a.kind == "numeric" else (a, b)
        return _numeric_by_group(g, v, n_valid)
    raise KitError(f"「{rows}」×「{columns}」：两道数值题或数值题与多选题不能交叉；请改用分组题")


def crosstabs(r: Responses, pairs) -> list[CrossTab]:
    """Every pair of ``crosstabs:`` in project.yml."""
    return [crosstab(r, a, b) for a, b in pairs]
