"""Data-quality flags: every flagged response gets its reasons; no row is dropped silently.

Reasons (codes, with the Chinese text evaluators read):

=================== =========================================== ======================
code                meaning                                      excluded by default
=================== =========================================== ======================
duplicate_id        same respondent ID as an earlier response    yes
duplicate_phone     same phone (hash) as an earlier response     yes
duplicate_answers   every answer identical to an earlier one     no
shared_ip           IP hash shared with another response         no (a village shares one network)
speeder             duration below the codebook's threshold      yes
straight_lining     one answer for every row of a matrix block   no
out_of_range        a code outside the question's options        no (the cell is set missing)
missing_required    a required question left blank               no
=================== =========================================== ======================

The codebook's ``quality.exclude`` lists which reasons exclude a response from analyses.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from . import missing as M
from .questionnaire import Questionnaire

__all__ = ["REASON_LABELS", "assess_quality", "quality_summary"]

REASON_LABELS = {
    "duplicate_id": "受访者编号重复",
    "duplicate_phone": "电话号码重复",
    "duplicate_answers": "答案与另一份答卷完全相同",
    "shared_ip": "与其他答卷IP相同",
    "speeder": "答题用时过短",
    "straight_lining": "矩阵题各行选同一项",
    "out_of_range": "答案超出选项范围",
    "missing_required": "必答题未作答",
}


def _dup(keys: pd.Series, ids: pd.Series, label: str):
    """Later occurrences of a repeated key, with the first occurrence's response ID."""
    k = keys.astype(object).where(keys.notna(), None)
    has = k.notna()
    dup = has & k.duplicated(keep="first")
    if not dup.any():
        return dup, pd.Series(None, index=keys.index, dtype=object)
    first_id = ids.groupby(k[has]).transform("first")
    detail = pd.Series(None, index=keys.index, dtype=object)
    detail[dup] = [f"{label}与答卷{fid}相同" for fid in first_id[dup]]
    return dup, detail


def assess_quality(data: pd.DataFrame, missing: pd.DataFrame, questions: pd.DataFrame,
                   qn: Questionnaire) -> tuple[pd.DataFrame, dict]:
    """Flag responses. Returns the quality table and the settings actually used."""
    n = len(data)
    ids = data["response_id"] if "response_id" in data else pd.Series(np.arange(1, n + 1),
                                                                       index=data.index)
    flags: dict[str, tuple[pd.Series, pd.Series]] = {}
    used: dict = {"exclude": list(qn.quality.exclude)}

    # respondent IDs and phones (hashed at load): a question's hash column takes its codebook
    # kind; a metadata hash is named after its kind ('phone_hash', 'phone_2_hash', ...)
    by_id = qn.by_id()
    qid_of = questions.set_index("column")["question_id"]
    hash_kind = {}
    for c in data.columns:
        if c.endswith("_hash"):
            q = by_id.get(qid_of.get(c)) if isinstance(qid_of.get(c), str) else None
            hash_kind[c] = q.personal if q else re.sub(r"(_\d+)?_hash$", "", c)
    id_cols = [c for c, k in hash_kind.items() if k == "respondent_id"]
    phone_cols = [c for c, k in hash_kind.items() if k == "phone"]
    for reason, cols, label in (("duplicate_id", id_cols, "受访者编号"),
                                ("duplicate_phone", phone_cols, "电话号码")):
        if cols:
            mask = pd.Series(False, index=data.index)
            detail = pd.Series(None, index=data.index, dtype=object)
            for c in cols:
                m, d = _dup(data[c], ids, label)
                if m.any():
                    detail = detail.where(~(m & ~mask), d)
                    mask |= m
            flags[reason] = (mask, detail)

    answer_cols = questions.loc[questions["question_id"].notna()
                                & questions["value"].isin(["code", "score", "selected", "rank", "number",
                                                           "date", "level"]),
                                "column"].tolist()
    if answer_cols:
        answers = data[answer_cols]
        any_answer = answers.notna().any(axis=1)
        key = pd.util.hash_pandas_object(answers, index=False)
        key = key.where(any_answer, None)
        flags["duplicate_answers"] = _dup(key, ids, "全部答案")

    if "ip_hash" in data:
        ip = data["ip_hash"]
        shared = ip.notna() & ip.duplicated(keep=False)
        detail = pd.Series(None, index=data.index, dtype=object)
        if shared.any():
            sip = ip[shared]
            cnt = sip.map(sip.value_counts()).astype("int64")
            detail[shared] = "IP与另外" + (cnt - 1).astype(str) + "份答卷相同"
        flags["shared_ip"] = (shared, detail)

    if "duration_s" in data and data["duration_s"].notna().any():
        dur = data["duration_s"].astype("float64")
        med = float(np.nanmedian(dur.to_numpy(dtype="float64", na_value=np.nan)))
        thr = qn.quality.speeder_threshold_s
        how = "问卷定义中的阈值"
        if thr is None:
            thr, how = med / 3, f"中位数{med:.1f}秒的三分之一"
        used["speeder_threshold_s"] = float(thr)
        used["median_duration_s"] = med
        fast = (dur < thr).fillna(False).astype(bool)
        detail = pd.Series(None, index=data.index, dtype=object)
        detail[fast] = [f"用时{d:g}秒，低于{thr:.1f}秒（{how}）" for d in dur[fast]]
        flags["speeder"] = (fast, detail)

    min_items = qn.quality.straight_lining_min_items
    sl_mask = pd.Series(False, index=data.index)
    sl_detail = pd.Series(None, index=data.index, dtype=object)
    for qid, grp in questions[questions["type"] == "matrix"].groupby("question_id", sort=False):
        cols = [c for c in grp["column"] if c in data]
        if len(cols) < min_items:
            continue
        arr = data[cols].to_numpy(dtype="float64", na_value=np.nan)
        full = ~np.isnan(arr).any(axis=1)
        same = pd.Series(full & (arr == arr[:, :1]).all(axis=1), index=data.index)
        new = same & ~sl_mask
        sl_detail[new] = f"矩阵题{qid}的{len(cols)}行全部选同一项"
        sl_mask |= same
    flags["straight_lining"] = (sl_mask, sl_detail)

    inv = missing.eq(M.INVALID) if len(missing.columns) else pd.DataFrame(index=data.index)
    if len(inv.columns):
        bad = inv.any(axis=1)
        detail = pd.Series(None, index=data.index, dtype=object)
        if bad.any():
            sub = inv[bad].to_numpy()
            detail[bad] = ["答案超出选项范围：" + "、".join(inv.columns[row]) for row in sub]
        flags["out_of_range"] = (bad, detail)

    req = [q for q in qn.questions if q.required and not q.personal]
    if req:
        qcols = questions.groupby("question_id")["column"].apply(list)
        mask = pd.Series(False, index=data.index)
        detail = pd.Series(None, index=data.index, dtype=object)
        for q in req:
            cols = [c for c in qcols.get(q.id, []) if c in missing]
            if not cols:
                continue
            kinds = missing[cols]
            unanswered = kinds.isin([M.BLANK, M.EMPTY]).all(axis=1)
            new = unanswered & ~mask
            detail[new] = f"必答题{q.id}未作答"
            detail[unanswered & mask & detail.notna()] += f"、{q.id}"
            mask |= unanswered
        flags["missing_required"] = (mask, detail)

    reasons = [r for r in REASON_LABELS if r in flags]
    if reasons:
        hit = np.column_stack([flags[r][0].fillna(False).to_numpy(dtype=bool) for r in reasons])
    else:
        hit = np.zeros((n, 0), dtype=bool)
    rows_at = np.flatnonzero(hit.any(axis=1))
    det = np.empty((len(rows_at), len(reasons)), dtype=object)
    for k, r in enumerate(reasons):  # details only for flagged rows
        d = flags[r][1].to_numpy(dtype=object)[rows_at]
        det[:, k] = [x if isinstance(x, str) else REASON_LABELS[r] for x in d]
    hit_at = hit[rows_at]
    names = np.array(reasons, dtype=object)
    excl = np.array([r in qn.quality.exclude for r in reasons], dtype=bool)
    quality = pd.DataFrame({
        "response_id": ids.to_numpy()[rows_at] if len(rows_at) else [],
        "reasons": [";".join(names[h]) for h in hit_at],
        "detail": ["；".join(d[h]) for d, h in zip(det, hit_at)],
        "excluded": (hit_at & excl).any(axis=1) if len(rows_at) else np.zeros(0, bool),
    }, index=data.index[rows_at])
    quality["excluded"] = quality["excluded"].astype(bool)
    return quality, used


def quality_summary(quality: pd.DataFrame, exclude: list[str]) -> pd.DataFrame:
    """Counts per reason: flagged, and whether that reason excludes."""
    rows = []
    for r, label in REASON_LABELS.items():
        hit = quality["reasons"].str.split(";").map(lambda rs: r in rs) if len(quality) else pd.Series(dtype=bool)
        n = int(hit.sum()) if len(quality) else 0
        if n:
            rows.append({"reason": r, "label": label, "n_flagged": n, "excludes": r in exclude})
    return pd.DataFrame(rows, columns=["reason", "label", "n_flagged", "excludes"])
