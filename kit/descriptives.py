"""Every question tabulated: the sample profile (样本基本情况) and one table per question.

Works on :class:`~kit.responses.Responses` only, on the valid (not excluded) responses, and
returns results with snake_case fields; shares are fractions 0-1 (percentages are for display,
:mod:`kit.fmt`). Chinese tables and charts are made from these results by
:mod:`kit.question_tables` and :mod:`kit.plots`.

The base (样本量) of every table is stated. A cell missing because the questionnaire's logic
skipped the question (问卷星 ``(跳过)`` / ``-3``) is not in the base, nor is one left empty, blank
or invalid; each is counted by kind (:mod:`kit.missing`) in ``missing``.

Definitions
-----------
single choice   n and share of the base for each option, with a Wilson 95% interval.
multi-select    for each option the number of selections; 响应率 (response %) = selections of
                the option ÷ all selections; 普及率 (case %) = selections ÷ respondents who
                answered the question (the base), so case % add up to more than 100%.
                A respondent who selected nothing is not in the base (counted as
                ``none_selected``).
ranking         for each option how often it was put in each position; 平均排名 (mean rank,
                问卷星's 平均综合排名 = Σ position × share at that position) among those who
                ranked it; 问卷星's 综合得分 = Σ (frequency × weight) ÷ respondents, where the
                weight of position p is P − p + 1 and P is the number of ranked positions
                (the highest position anyone used).
scale, matrix   distribution over the options, mean score (t interval), standard deviation,
                0-100 index = (mean − lowest score) ÷ (highest − lowest) × 100, and the satisfied
                share when the codebook lists ``satisfied`` codes.
numeric fill-in a fill-in question whose answers are numbers (at least 80% of them): n, mean,
                standard deviation, minimum, quartiles (linear interpolation, as Excel's
                QUARTILE.INC and R's ``quantile(type = 7)``), median, maximum; answers that are
                not numbers are counted, not silently dropped.
text            answers given, distinct answers, answers with no content (无/没有/暂无);
                word frequencies and keyword codes in :mod:`kit.opentext`.

「其他（请注明）」: a text typed after 其他 that is an existing option (the same words, or the
option's words and nothing that negates them) is counted under that option, and each such
recoding is listed in ``recoded``; the raw export is not changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import missing as M
from .errors import KitError
from .questionnaire import Question
from .responses import Responses

__all__ = ["QuestionResult", "SampleProfile", "Tabulation", "tabulate_question",
           "tabulate_questions", "sample_profile", "profile_questions", "numeric_answers",
           "match_other", "recode_other_choice", "option_label", "choice_answers", "recode_other_multi", "with_part", "is_profile_title", "is_other_label", "KIND_ZH", "MIN_NUMERIC_SHARE", "NONE_ANSWERS"]

KIND_ZH = {"single": "单选题", "yesno": "是非题", "scale": "量表题", "multi": "多选题",
           "ranking": "排序题", "matrix": "矩阵题", "numeric": "数值填空题", "text": "填空题",
           "personal": "个人信息"}
PROFILE_KINDS = ("single", "yesno", "scale", "multi")   # questions the profile table can list
MIN_NUMERIC_SHARE = 0.8       # a fill-in is numeric when at least this share of answers are numbers
# whole answers that say there is nothing to say (after punctuation and spaces are removed)
NONE_ANSWERS = frozenset({"无", "没有", "暂无", "暂时没有", "暂时无", "无意见", "没有意见", "暂无意见",
                          "无建议", "没有建议", "暂无建议", "无意见建议", "无意见和建议", "没意见",
                          "没有什么意见", "没有什么建议", "没什么意见", "没什么建议", "不知道", "不清楚",
                          "说不清", "没", "否", "无无", "nothing", "none", "no", "na", "n/a", "/", "-",
                          "—", "……", "..."})
_PROFILE_WORDS = ("性别|年龄|年龄段|身份|学历|文化程度|受教育程度|职业|政治面貌|民族|乡镇|乡镇街道|街道|社区|村|"
                  "村组|村民小组|收入|户籍|户口|居住地|工作单位|所在单位|单位性质|岗位|职务|党龄|婚姻状况")
_PROFILE_PREFIX = re.compile(r"^(请问|请选择|请填写)?(您|你)?(目前|现在)?(的)?(所在|所属|居住)?(的)?(最高)?")
_PROFILE_TITLE = re.compile(rf"^.{{0,2}}({_PROFILE_WORDS})(情况|类别|类型)?$")
_OTHER = re.compile(r"^\s*(其他|其它)")
_PUNCT = re.compile(r"[\s\u3000,，.。、;；:：!！?？'\"“”‘’()（）\[\]【】〖〗<>《》~～·…—\-_/\\|]+")
_NEGATION = re.compile(r"不|没|无|非|未|别|勿")
_TITLE_END = re.compile(r"[\s？?。.：:；;，,！!]+$")


@dataclass
class QuestionResult:
    """One question's tables. ``table`` holds one row per option (per row for a matrix, one
    row for a numeric fill-in); ``distribution`` a matrix's long table (row x option)."""

    question_id: str
    title: str
    kind: str
    number: int | None
    n_valid: int                       # valid responses in the survey
    base: int                          # responses in this question's base
    missing: dict                      # kind -> count among the valid responses
    table: pd.DataFrame
    summary: dict = field(default_factory=dict)
    distribution: pd.DataFrame = field(default_factory=pd.DataFrame)
    recoded: pd.DataFrame = field(default_factory=pd.DataFrame)
    other_texts: pd.Series = field(default_factory=lambda: pd.Series(dtype="string"))
    answers: pd.Series | None = None   # text answers (masked at load), for kit.opentext
    notes: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)

    @property
    def kind_zh(self) -> str:
        return KIND_ZH.get(self.kind, self.kind)

    @property
    def label(self) -> str:
        """「第7题 您对…（量表题）」 as tables and charts name it."""
        num = f"第{self.number}题 " if self.number is not None else ""
        return f"{num}{self.title}"

    @property
    def is_empty(self) -> bool:
        return self.base == 0

    def base_text(self) -> str:
        """The base in words, e.g. 「样本量：回答本题的有效答卷405份（有效答卷412份，其中逻辑跳过6份、未作答1份不计入）。」"""
        from .fmt import fmt_number

        parts = [f"{_MISSING_ZH[k]}{fmt_number(v, 0)}份" for k, v in self.missing.items() if v]
        if self.kind == "matrix":
            head = f"样本量：回答本题至少一行的有效答卷{self.base}份（各行样本量见“样本量”列"
            tail = "；" + "、".join(parts) + "不计入）" if parts else "）"
            return head + tail + "。"
        inner = f"（有效答卷{self.n_valid}份" + ("，其中" + "、".join(parts) + "不计入" if parts else "") + "）"
        return f"样本量：回答本题的有效答卷{self.base}份{inner}。"


_MISSING_ZH = {M.SKIPPED: "逻辑跳过", M.EMPTY: "未作答", M.BLANK: "空白", M.INVALID: "答案无效",
               "none_selected": "一项未选", "not_numeric": "非数值答案"}


@dataclass
class SampleProfile:
    """样本基本情况: how many responses were received, excluded (by reason) and valid, when they
    came in, and the profile questions' tables."""

    n_total: int
    n_excluded: int
    n_valid: int
    exclusions: pd.DataFrame           # reason, label, n (each excluded response once)
    flagged: pd.DataFrame              # reason, label, n (flagged and kept)
    dates: pd.DataFrame                # date, n_received, n_valid
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    questions: list[QuestionResult]
    source: str                        # where the profile questions came from
    sentences: list[str] = field(default_factory=list)


@dataclass
class Tabulation:
    """All per-question tables of a survey (and the profile)."""

    profile: SampleProfile
    questions: list[QuestionResult]
    notes: list[str] = field(default_factory=list)

    def by_id(self) -> dict[str, QuestionResult]:
        return {q.question_id: q for q in self.questions}


# ------------------------------------------------------------------------------ helpers
def is_other_label(label: str) -> bool:
    """An option that asks for a typed answer: 其他、其它、其他（请注明）…

    >>> is_other_label("其他【请注明】"), is_other_label("其它"), is_other_label("其他人员")
    (True, True, True)
    >>> is_other_label("村干部")
    False
    """
    return bool(_OTHER.match(str(label)))


_FILL_IN = re.compile(r"\s*(?:[(（【\[〖]\s*请?注明[^()（）【】\[\]〖〗]*[)）】\]〗]|〖[^〗]*〗|_{2,})\s*")


def option_label(label) -> str:
    """An option label as tables, charts and the report show it: without 问卷星's fill-in
    markers (【请注明】, （请注明）, 〖…〗, a blank ____), so 「其他【请注明】」 reads 「其他」.

    >>> [option_label(x) for x in ("其他【请注明】", "其他（请注明）", "其它〖〗", "其他____", "党员")]
    ['其他', '其他', '其它', '其他', '党员']
    >>> option_label("其他（如外出务工）")
    '其他（如外出务工）'
    """
    text = str(label)
    return _FILL_IN.sub("", text).strip() or text


def choice_answers(r: Responses, q: Question, valid: pd.Series | None = None) -> pd.Series:
    """A single-choice question's answers (codes, or scores when scored) of the ``valid``
    responses (default: those not excluded), each 「其他」 text that names an option counted under
    that option (:func:`recode_other_choice`): the one count that the per-question tables, the
    report's sample profile and its group comparisons all use (NaN: not answered)."""
    valid = ~r.excluded if valid is None else valid
    x = r.data.loc[valid, q.id].to_numpy(dtype="float64", na_value=np.nan)
    x, _, _ = recode_other_choice(r, q, valid, x)
    return pd.Series(x, index=r.data.index[valid.to_numpy()], name=q.id)


def with_part(title: str, part: str) -> str:
    """A caption naming one part of a question: 「title：part」, without the title's closing
    question mark or stop (「…建议？：高频词」 reads badly).

    >>> with_part("您对村党组织的工作还有什么意见或建议？", "高频词")
    '您对村党组织的工作还有什么意见或建议：高频词'
    >>> with_part("您的年龄 × 您最希望村党组织提供哪些服务?", "普及率")
    '您的年龄 × 您最希望村党组织提供哪些服务：普及率'
    """
    return _TITLE_END.sub("", str(title)) + "：" + part


def _core(label: str) -> str:
    """An option label without 【请注明】 and bracketed examples, punctuation and spaces."""
    s = re.sub(r"[(（【\[〖][^()（）【】\[\]〖〗]*[)）】\]〗]", "", str(label))
    return _PUNCT.sub("", s).lower()


def match_other(text: str, labels: list[str]) -> str | None:
    """The option a 「其他」 text names, or None: the same words as one option (ignoring spaces,
    punctuation and bracketed examples), or one option's words inside the text with nothing
    that negates them (不、没、无、非、未); never an 「其他」 option, never two options.

    >>> labels = ["普通群众", "党员", "村干部", "其他（请注明）"]
    >>> match_other("党员。", labels), match_other("我是村干部", labels)
    ('党员', '村干部')
    >>> match_other("不是党员", labels), match_other("外出务工人员", labels), match_other("党员、村干部", labels)
    (None, None, None)
    """
    if not isinstance(text, str):
        return None
    t = _PUNCT.sub("", text).lower()
    if not t:
        return None
    cands = [lb for lb in labels if not is_other_label(lb) and _core(lb)]
    exact = [lb for lb in cands if _core(lb) == t]
    if len(exact) == 1:
        return exact[0]
    inside = [lb for lb in cands if len(_core(lb)) >= 2 and _core(lb) in t]
    if len(inside) == 1 and not _NEGATION.search(t.replace(_core(inside[0]), "")):
        return inside[0]
    return None


def _count_keys(x: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """How many of ``x`` equal each of ``keys`` (every x is one of the keys; keys may repeat,
    the first takes the count)."""
    uniq, first = np.unique(keys, return_index=True)
    per = np.bincount(np.searchsorted(uniq, x), minlength=len(uniq))[: len(uniq)]
    counts = np.zeros(len(keys), dtype=np.int64)
    counts[first] = per
    return counts


def _kinds_count(kinds: pd.Series) -> dict:
    vc = kinds.value_counts()
    return {k: int(vc.get(k, 0)) for k in (M.SKIPPED, M.EMPTY, M.BLANK, M.INVALID)}


def _wilson(k: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    from statsmodels.stats.proportion import proportion_confint

    if n <= 0:
        nan = np.full(len(k), np.nan)
        return nan, nan
    lo, hi = proportion_confint(np.asarray(k, dtype="float64"), n, method="wilson")
    return np.asarray(lo, dtype="float64"), np.asarray(hi, dtype="float64")


def _shares(k: np.ndarray, n: int) -> np.ndarray:
    return k / n if n else np.full(len(k), np.nan)


def _frame_kinds(r: Responses, cols: list[str], valid: pd.Series) -> pd.DataFrame:
    return r.missing.loc[valid, cols]


def _other_option(q: Question) -> list[int]:
    return [o.code for o in q.options if is_other_label(o.label)]


def _mean_summary(x: np.ndarray, lo: float | None, hi: float | None) -> dict:
    from .stats import mean_ci

    x = x[~np.isnan(x)]
    out: dict = {"n": int(len(x))}
    if len(x) == 0:
        return out
    out["mean"] = float(x.mean())
    out["sd"] = float(x.std(ddof=1)) if len(x) >= 2 else np.nan
    if len(x) < 2:   # a t interval needs two answers: said instead of printing 3.00–3.00
        out["no_ci"] = f"仅{len(x)}份回答，无法计算置信区间"
    elif np.ptp(x) == 0:   # every answer the same: no spread to estimate an interval from
        out["no_ci"] = f"全部{len(x)}份回答相同，无法估计置信区间"
    else:
        m = mean_ci(x)
        out.update(mean_ci_low=m.ci_low, mean_ci_high=m.ci_high)
    if lo is not None and hi is not None and hi > lo:
        scale = 100 / (hi - lo)
        out["index"] = (out["mean"] - lo) * scale
        if "mean_ci_low" in out:
            out.update(index_ci_low=(out["mean_ci_low"] - lo) * scale,
                       index_ci_high=(out["mean_ci_high"] - lo) * scale)
    return out


# ------------------------------------------------------------------ 「其他」 recoded
def recode_other_choice(r: Responses, q: Question, valid: pd.Series, x: np.ndarray,
                        recode: bool = True) -> tuple[np.ndarray, list[tuple], pd.Series]:
    """A single choice's answers (``x``: codes, or scores when the question is scored, for the
    ``valid`` responses) with each 「其他」 text that names an option (:func:`match_other`)
    counted under that option: (answers, [(response_id, text, option)], the 「其他」 texts
    left). The tables (:func:`tabulate_question`) and the cross-tabs (:mod:`kit.crosstab`)
    both count this way."""
    x = x.copy()
    ocol = f"{q.id}__other_text"
    if ocol not in r.data:
        return x, [], pd.Series(dtype="string")
    otext = r.data.loc[valid, ocol]
    keep = otext.notna().to_numpy().copy()
    scored = q.has_scores
    other_keys = [o.score if scored else o.code for o in q.options if o.code in _other_option(q)]
    rows = []
    if recode and keep.any() and other_keys:
        labels = [o.label for o in q.options]
        key_of = {o.label: (o.score if scored else o.code) for o in q.options}
        for i in np.flatnonzero(keep & np.isin(x, other_keys)):
            hit = match_other(otext.iloc[i], labels)
            if hit is not None:
                x[i] = key_of[hit]
                keep[i] = False
                rows.append((r.data.loc[otext.index[i], "response_id"], otext.iloc[i], hit))
    return x, rows, otext[keep].astype("string")


def recode_other_multi(r: Responses, q: Question, valid: pd.Series, mat: np.ndarray,
                       recode: bool = True) -> tuple[np.ndarray, list[tuple], pd.Series]:
    """A multi-select's 0/1 matrix (valid responses x options) with each 「其他」 text that
    names an option moved to that option (counted once when it was also chosen):
    (matrix, [(response_id, text, option)], the 「其他」 texts left)."""
    mat = mat.copy()
    ocol = f"{q.id}__other_text"
    if ocol not in r.data:
        return mat, [], pd.Series(dtype="string")
    labels = [o.label for o in q.options]
    other_j = [j for j, lb in enumerate(labels) if is_other_label(lb)]
    otext = r.data.loc[valid, ocol]
    has = otext.notna().to_numpy()
    keep = has.copy()
    rows = []
    if recode and has.any() and other_j:
        for i in np.flatnonzero(has):
            hit = match_other(otext.iloc[i], labels)
            if hit is not None and (mat[i, other_j] > 0).any():
                mat[i, labels.index(hit)] = 1
                mat[i, other_j] = 0
                keep[i] = False
                rows.append((r.data.loc[otext.index[i], "response_id"], otext.iloc[i], hit))
    return mat, rows, otext[keep].astype("string")


# ------------------------------------------------------------------------ per question
def _choice(r: Responses, q: Question, col: str, valid: pd.Series, recode: bool) -> QuestionResult:
    data = r.data.loc[valid, col]
    kinds = r.missing.loc[valid, col]
    scored = q.has_scores
    opts = list(q.options)
    keys = np.array([o.score if scored else o.code for o in opts], dtype="float64")
    x = data.to_numpy(dtype="float64", na_value=np.nan).copy()
    notes: list[str] = []
    recoded = pd.DataFrame(columns=["response_id", "text", "option"])
    others = pd.Series(dtype="string")
    x, rows, others = recode_other_choice(r, q, valid, x, recode)
    if rows:
        recoded = pd.DataFrame(rows, columns=["response_id", "text", "option"])
        notes.append(f"「其他」中有{len(rows)}条文字与已有选项相同，已归入该选项（见“其他”归类表）。")
    ok = np.isin(x, keys)
    base = int(ok.sum())
    counts = _count_keys(x[ok], keys)
    lo, hi = _wilson(counts, base)
    table = pd.DataFrame({"option_code": [o.code for o in opts], "option": [option_label(o.label) for o in opts],
                          "n": counts, "share": _shares(counts, base), "ci_low": lo, "ci_high": hi})
    kind = "scale" if q.type == "scale" else ("yesno" if q.type == "yesno" else "single")
    summary: dict = {}
    if scored:
        table.insert(2, "score", [o.score for o in opts])
        scores = [o.score for o in opts]
        summary = _mean_summary(x, min(scores), max(scores))
        kind = "scale" if q.type in ("scale", "single") else kind
    if q.satisfied:
        sat = np.isin([o.code for o in opts], q.satisfied)
        k = int(counts[sat].sum())
        summary.update(n_satisfied=k, satisfied_share=k / base if base else np.nan)
        if base:
            from .stats import proportion_ci

            p = proportion_ci(k, base)
            summary.update(satisfied_ci_low=p.ci_low, satisfied_ci_high=p.ci_high)
    if len(others) and not len(recoded):
        notes.append(f"「其他」填写了{len(others)}条文字，见开放题分析。")
    return QuestionResult(q.id, q.title, kind, q.number, int(valid.sum()), base,
                          _kinds_count(kinds), table, summary, recoded=recoded,
                          other_texts=others, notes=notes, columns=[col])


def _multi(r: Responses, q: Question, cols: list[str], valid: pd.Series, recode: bool) -> QuestionResult:
    labels = [o.label for o in q.options]
    mat = r.data.loc[valid, cols].to_numpy(dtype="float64", na_value=np.nan).copy()
    kinds = r.missing.loc[valid, cols]
    answered = ~np.isnan(mat).all(axis=1)
    mat = np.nan_to_num(mat, nan=0.0)
    notes: list[str] = []
    recoded = pd.DataFrame(columns=["response_id", "text", "option"])
    mat, rows, others = recode_other_multi(r, q, valid, mat, recode)
    if rows:
        recoded = pd.DataFrame(rows, columns=["response_id", "text", "option"])
        notes.append(f"「其他」中有{len(rows)}条文字与已有选项相同，已归入该选项"
                     "（已选该选项的不重复计数；见“其他”归类表）。")
    selected = (mat > 0).sum(axis=1)
    in_base = answered & (selected > 0)
    base = int(in_base.sum())
    counts = (mat[in_base] > 0).sum(axis=0).astype(np.int64)
    total = int(counts.sum())
    lo, hi = _wilson(counts, base)
    table = pd.DataFrame({"option_code": [o.code for o in q.options], "option": [option_label(x) for x in labels],
                          "n": counts,
                          "response_share": _shares(counts, total) if total else np.full(len(counts), np.nan),
                          "case_share": _shares(counts, base), "ci_low": lo, "ci_high": hi})
    miss = _kinds_count(kinds.iloc[:, 0]) if cols else {}
    miss["none_selected"] = int((answered & (selected == 0)).sum())
    summary = {"n_selections": total, "mean_selected": total / base if base else np.nan}
    if len(others) and not len(recoded):
        notes.append(f"「其他」填写了{len(others)}条文字，见开放题分析。")
    return QuestionResult(q.id, q.title, "multi", q.number, int(valid.sum()), base, miss, table,
                          summary, recoded=recoded, other_texts=others, notes=notes, columns=cols)


def _ranking(r: Responses, q: Question, cols: list[str], valid: pd.Series) -> QuestionResult:
    labels = [o.label for o in q.options]
    mat = r.data.loc[valid, cols].to_numpy(dtype="float64", na_value=np.nan)
    kinds = r.missing.loc[valid, cols]
    ranked = ~np.isnan(mat)
    in_base = ranked.any(axis=1)
    base = int(in_base.sum())
    P = int(np.nanmax(mat)) if ranked.any() else 0
    freq = np.zeros((len(cols), P), dtype=np.int64)
    for j in range(len(cols)):
        v = mat[in_base, j]
        v = v[~np.isnan(v)].astype(np.int64)
        freq[j] = np.bincount(v - 1, minlength=P)[:P] if len(v) else 0
    n_ranked = freq.sum(axis=1)
    pos = np.arange(1, P + 1)
    weights = P - pos + 1
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_rank = np.where(n_ranked > 0, (freq * pos).sum(axis=1) / np.maximum(n_ranked, 1), np.nan)
    score = (freq * weights).sum(axis=1) / base if base else np.full(len(cols), np.nan)
    table = pd.DataFrame({"option_code": [o.code for o in q.options], "option": [option_label(x) for x in labels],
                          "n_ranked": n_ranked, "share_ranked": _shares(n_ranked, base),
                          "mean_rank": mean_rank, "score": score})
    for p in range(P):
        table[f"rank_{p + 1}"] = freq[:, p]
    table = table.sort_values(["score", "n_ranked"], ascending=False, kind="stable").reset_index(drop=True)
    miss = {k: 0 for k in (M.SKIPPED, M.EMPTY, M.BLANK, M.INVALID)}
    if cols:
        k0 = kinds.iloc[:, 0]
        none = ~in_base
        for kind in miss:  # why a response that ranked nothing is missing (first column's kind)
            miss[kind] = int(((k0 == kind).to_numpy() & none).sum())
    notes = [f"综合得分＝Σ（频数×权值）÷本题填写人次（{base}），权值＝排序位置数（本题{P}）−名次＋1，"
             f"即第1位权值{P}、第{P}位权值1；得分越高，综合排序越靠前。平均排名为把该选项排入名次者的平均名次"
             "（问卷星的“平均综合排名”），越小越靠前。"] if base else []
    return QuestionResult(q.id, q.title, "ranking", q.number, int(valid.sum()), base, miss, table,
                          {"positions": P, "weights": weights.tolist()}, notes=notes, columns=cols)


def _matrix(r: Responses, q: Question, cols: list[str], valid: pd.Series) -> QuestionResult:
    meta = r.questions.set_index("column")
    scored = q.has_scores
    opts = list(q.options)
    keys = np.array([o.score if scored else o.code for o in opts], dtype="float64")
    scores = [o.score for o in opts] if scored else None
    rows, dist = [], []
    any_answer = np.zeros(int(valid.sum()), dtype=bool)
    for col in cols:
        x = r.data.loc[valid, col].to_numpy(dtype="float64", na_value=np.nan)
        ok = np.isin(x, keys)
        any_answer |= ok
        n = int(ok.sum())
        counts = _count_keys(x[ok], keys)
        label = meta.loc[col, "row_label"]
        label = label if isinstance(label, str) else col
        for o, c in zip(opts, counts):
            dist.append({"row_id": col, "row": label, "option_code": o.code, "option": option_label(o.label),
                         "score": o.score, "n": int(c), "share": c / n if n else np.nan})
        row = {"row_id": col, "row": label, "n": n,
               **{k: v for k, v in _kinds_count(r.missing.loc[valid, col]).items()}}
        if scored:
            s = _mean_summary(x, min(scores), max(scores))
            s.pop("n", None)
            row.update(s)
        if q.satisfied:
            sat = np.isin([o.code for o in opts], q.satisfied)
            k = int(counts[sat].sum())
            row.update(n_satisfied=k, satisfied_share=k / n if n else np.nan)
        rows.append(row)
    table = pd.DataFrame(rows)
    kinds = r.missing.loc[valid, cols]
    none = ~any_answer
    miss = {k: int(((kinds.iloc[:, 0] == k).to_numpy() & none).sum()) if cols else 0
            for k in (M.SKIPPED, M.EMPTY, M.BLANK, M.INVALID)}
    notes = []
    if scored:
        notes.append(f"平均分按选项分值计算（{min(scores):g}–{max(scores):g}分）；指数＝（平均分−{min(scores):g}）"
                     f"÷{max(scores) - min(scores):g}×100。")
    return QuestionResult(q.id, q.title, "matrix", q.number, int(valid.sum()), int(any_answer.sum()),
                          miss, table, distribution=pd.DataFrame(dist), notes=notes, columns=cols)


def numeric_answers(s: pd.Series) -> tuple[pd.Series, str, pd.Series]:
    """Numbers in fill-in answers: (values as float, the unit, the answers that are not plain
    numbers). Each distinct answer is read once by :func:`kit.values.parse_quantity`; an answer
    with a relation (以上, ≥) or another unit than the most common one is not a plain number; a
    bare number counts in the most common unit.

    >>> v, unit, bad = numeric_answers(pd.Series(["3", "４人", "2人", "不清楚", None]))
    >>> v.tolist(), unit, bad.tolist()
    ([3.0, 4.0, 2.0], '人', ['不清楚'])
    """
    from .values import ValueParseError, parse_quantity

    t = s.dropna().astype(str).str.strip()
    t = t[t != ""]
    codes, uniq = pd.factorize(t)
    parsed = []
    for u in uniq:
        try:
            qy = parse_quantity(u)
        except (ValueParseError, ValueError, ArithmeticError):
            qy = None
        parsed.append(qy if qy is not None and qy.relation is None else None)
    uses = np.bincount(codes, minlength=len(uniq)) if len(codes) else np.zeros(0, dtype=np.int64)
    weight: dict[str, int] = {}
    for qy, k in zip(parsed, uses):
        if qy is not None:
            weight[qy.unit] = weight.get(qy.unit, 0) + int(k)
    named = {u: k for u, k in weight.items() if u}  # a bare number goes with the unit others wrote
    unit = min(named, key=lambda u: (-named[u], u)) if named else ""
    vals = np.array([float(qy.value) if qy is not None and qy.unit in (unit, "") else np.nan
                     for qy in parsed], dtype="float64")
    per = vals[codes] if len(codes) else np.array([], dtype="float64")
    ok = ~np.isnan(per)
    return pd.Series(per[ok], index=t.index[ok]), unit, t[~ok]


def _text(r: Responses, q: Question, col: str, valid: pd.Series, row_label: str | None) -> QuestionResult:
    s = r.data.loc[valid, col]
    kinds = r.missing.loc[valid, col]
    answered = s.dropna().astype("string")
    answered = answered[answered.str.strip() != ""]
    title = q.title if not row_label or row_label == q.title else f"{q.title}（{row_label}）"
    qid = q.id if col == q.id else col
    vals, unit, bad = numeric_answers(answered) if len(answered) else (pd.Series(dtype=float), "", answered)
    if len(answered) >= 3 and len(vals) >= MIN_NUMERIC_SHARE * len(answered):
        x = vals.to_numpy(dtype="float64")
        q1, med, q3 = np.percentile(x, [25, 50, 75])
        summ = _mean_summary(x, None, None)
        table = pd.DataFrame([{"n": len(x), "mean": summ.get("mean"), "sd": summ.get("sd"),
                               "min": float(x.min()), "q1": float(q1), "median": float(med),
                               "q3": float(q3), "max": float(x.max())}])
        miss = _kinds_count(kinds)
        miss["not_numeric"] = int(len(bad))
        notes = [f"单位：{unit}。" if unit else "", "四分位数按线性插值（与 Excel 的 QUARTILE.INC、"
                 "R 的 quantile(type = 7) 相同）。"]
        if len(bad):
            shown = "、".join(f"「{b}」" for b in sorted(set(bad.astype(str)))[:5])
            notes.append(f"{len(bad)}条答案不是数值（如{shown}），未计入统计。")
        return QuestionResult(qid, title, "numeric", q.number, int(valid.sum()), len(x), miss, table,
                              {**summ, "unit": unit}, answers=answered, notes=[n for n in notes if n],
                              columns=[col])
    core = answered.map(lambda v: _PUNCT.sub("", str(v)).lower())
    n_none = int(core.isin(NONE_ANSWERS).sum())
    table = pd.DataFrame([{"n_answered": len(answered), "n_distinct": int(answered.nunique()),
                           "n_none": n_none}])
    return QuestionResult(qid, title, "text", q.number, int(valid.sum()), len(answered),
                          _kinds_count(kinds), table, {"n_none": n_none}, answers=answered,
                          columns=[col])


def _personal(r: Responses, q: Question, col: str, valid: pd.Series) -> QuestionResult:
    n = int(r.data.loc[valid, col].notna().sum())
    table = pd.DataFrame([{"n_answered": n}])
    return QuestionResult(q.id, q.title, "personal", q.number, int(valid.sum()), n,
                          _kinds_count(r.missing.loc[valid, col]), table,
                          notes=["个人信息（已加盐哈希），只统计作答份数，不列内容。"], columns=[col])


def _columns_by_question(r: Responses) -> dict[str, list[tuple[str, str, str | None]]]:
    out: dict[str, list] = {}
    for row in r.questions.itertuples(index=False):
        qid = row.question_id
        if not isinstance(qid, str) or row.value in ("other_text",):
            continue
        out.setdefault(qid, []).append((row.column, row.value,
                                        row.row_label if isinstance(row.row_label, str) else None))
    return out


def tabulate_question(r: Responses, question_id: str, *, recode_other: bool = True,
                      valid: pd.Series | None = None) -> list[QuestionResult]:
    """The table(s) of one question: usually one; a fill-in with several blanks gives one per
    blank. ``valid`` restricts the responses (default: those not excluded)."""
    qs = r.questionnaire.by_id()
    if question_id not in qs:
        raise KitError(f"问卷中没有题目「{question_id}」(no such question; have {', '.join(list(qs)[:10])} …)")
    q = qs[question_id]
    cols = _columns_by_question(r).get(question_id, [])
    valid = ~r.excluded if valid is None else valid
    if not cols:
        return []
    if any(v == "hash" for _, v, _ in cols):
        return [_personal(r, q, cols[0][0], valid)]
    if q.type in ("single", "scale", "yesno"):
        return [_choice(r, q, cols[0][0], valid, recode_other)]
    if q.type == "multi":
        return [_multi(r, q, [c for c, _, _ in cols], valid, recode_other)]
    if q.type == "ranking":
        return [_ranking(r, q, [c for c, _, _ in cols], valid)]
    if q.type == "matrix":
        return [_matrix(r, q, [c for c, _, _ in cols], valid)]
    return [_text(r, q, c, valid, lab if len(cols) > 1 else None) for c, _, lab in cols]


def tabulate_questions(r: Responses, *, profile: list[str] | None = None, recode_other: bool = True,
                       groups: list[str] | None = None) -> Tabulation:
    """Every question of the survey in questionnaire order, and the sample profile.

    Parameters
    ----------
    r : Responses
    profile : list of str, optional
        Question ids of the 样本基本情况 (``profile:`` in project.yml); default
        :func:`profile_questions`.
    recode_other : bool
        Count 「其他」 texts that name an existing option under that option (listed).

    Examples
    --------
    >>> import kit
    >>> tab = tabulate_questions(kit.load_project("surveys/poverty-alleviation").load())
    >>> [(q.question_id, q.kind, q.base) for q in tab.questions][4:7]
    [('aware_programme', 'yesno', 412), ('aware_policy', 'yesno', 406), ('overall', 'scale', 412)]
    >>> tab.questions[5].missing["skipped"]
    6
    """
    valid = ~r.excluded
    results: list[QuestionResult] = []
    for q in r.questionnaire.questions:
        results += tabulate_question(r, q.id, recode_other=recode_other, valid=valid)
    by_id = {x.question_id: x for x in results}
    ids, source = profile_questions(r, profile, groups)
    chosen = [by_id[i] for i in ids if i in by_id and by_id[i].kind in PROFILE_KINDS]
    prof = sample_profile(r, chosen, source)
    left = [by_id[i].label for i in ids if i in by_id and by_id[i].kind not in PROFILE_KINDS]
    if left:
        prof.sentences.append(f"{'、'.join(left)}不是选择题，未列入样本基本情况（见逐题统计）。")
    return Tabulation(prof, results)


# --------------------------------------------------------------------------- profile
def profile_questions(r: Responses, profile: list[str] | None = None,
                      groups: list[str] | None = None) -> tuple[list[str], str]:
    """The profile questions and where they came from: ``profile:`` as given; else the codebook's
    ``groups`` and questions with ``role: group`` or ``role: profile``; else single-choice
    questions whose titles name a respondent's attributes (性别, 年龄, 身份, 学历, 乡镇, 村 …)."""
    qs = r.questionnaire.questions
    if profile:
        return list(profile), "project.yml 中 profile: 指定的题目"
    ids = list(groups if groups is not None else r.questionnaire.groups)
    ids += [q.id for q in qs if q.role in ("group", "profile") and q.id not in ids]
    if ids:
        order = {q.id: i for i, q in enumerate(qs)}
        return sorted(ids, key=lambda i: order.get(i, 0)), "问卷定义的分组字段（groups、role: group / profile）"
    ids = [q.id for q in qs if q.type in ("single", "yesno") and not q.personal
           and is_profile_title(q.title)]
    return ids, "按题目名称识别（性别、年龄、身份、学历、乡镇、村等）"


def is_profile_title(title: str) -> bool:
    """A title that asks for a respondent's attribute (性别, 年龄, 学历, 乡镇, 村, 月收入 …).

    >>> [is_profile_title(t) for t in ("请问您的最高学历是?", "您所在的行政村", "月收入", "性别 ")]
    [True, True, True, True]
    >>> [is_profile_title(t) for t in ("爱好投入占收入比重", "您对本村工作的满意程度")]
    [False, False]
    """
    t = _PUNCT.sub("", re.sub(r"[(（][^()（）]*[)）]", "", str(title)))
    t = _PROFILE_PREFIX.sub("", t)
    t = re.sub(r"(是|为|是什么|是多少)$", "", t)
    return bool(_PROFILE_TITLE.match(t))


def sample_profile(r: Responses, questions: list[QuestionResult], source: str = "") -> SampleProfile:
    """Received, excluded by reason, valid; response dates; the profile questions' tables."""
    from .quality import REASON_LABELS

    exclude = list(r.questionnaire.quality.exclude)
    ex_counts: dict[str, int] = {}
    flag_counts: dict[str, int] = {}
    if len(r.quality):
        for reasons, excluded in zip(r.quality["reasons"].astype(str).str.split(";"), r.quality["excluded"]):
            if excluded:
                first = next((x for x in reasons if x in exclude), reasons[0])
                ex_counts[first] = ex_counts.get(first, 0) + 1
            else:
                for x in reasons:
                    flag_counts[x] = flag_counts.get(x, 0) + 1
    order = list(REASON_LABELS)
    exclusions = pd.DataFrame([{"reason": k, "label": REASON_LABELS.get(k, k), "n": v}
                               for k, v in sorted(ex_counts.items(), key=lambda kv: order.index(kv[0])
                                                  if kv[0] in order else 99)],
                              columns=["reason", "label", "n"])
    flagged = pd.DataFrame([{"reason": k, "label": REASON_LABELS.get(k, k), "n": v}
                            for k, v in sorted(flag_counts.items(), key=lambda kv: order.index(kv[0])
                                               if kv[0] in order else 99)],
                           columns=["reason", "label", "n"])
    dates = pd.DataFrame(columns=["date", "n_received", "n_valid"])
    first = last = None
    sentences = [r.exclusion_sentence()]
    if "submitted_at" in r.data and r.data["submitted_at"].notna().any():
        t = pd.to_datetime(r.data["submitted_at"], errors="coerce")
        day = t.dt.normalize()
        rec = day.value_counts().sort_index()
        val = day[~r.excluded].value_counts()
        dates = pd.DataFrame({"date": rec.index.date, "n_received": rec.to_numpy(),
                              "n_valid": val.reindex(rec.index, fill_value=0).to_numpy()})
        first, last = t.min(), t.max()
        n_undated = int(t.isna().sum())
        from .render.text import cn_date

        span = (f"答卷提交时间为{cn_date(first.date())}至{cn_date(last.date())}"
                if first.date() != last.date() else f"答卷均于{cn_date(first.date())}提交")
        sentences.append(f"{span}，共{len(dates)}天有答卷" + (f"；{n_undated}份没有提交时间" if n_undated else "")
                         + "。")
    else:
        sentences.append("导出文件中没有提交时间（或已被平台置空），无法列出答卷日期。")
    if not questions:
        sentences.append("问卷中没有可作为样本基本情况的题目（性别、年龄、身份、乡镇、村等）；"
                         "可在 project.yml 中用 profile: 指定。")
    return SampleProfile(r.n_total, r.n_excluded, r.n_valid, exclusions, flagged, dates, first, last,
                         questions, source, sentences)
