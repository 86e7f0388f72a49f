"""Data-quality flags: every flagged response gets its reasons; no row is dropped silently.

Reasons (codes, with the Chinese text evaluators read):

=================== =========================================== ======================
code                meaning                                      excluded by default
=================== =========================================== ======================
incomplete_row      the file's last row was cut short             always
row_length          more or fewer fields than the header (CSV)   always
duplicate_serial    the same 序号 / response number twice         always
duplicate_id        same respondent ID as an earlier response    yes
duplicate_phone     same phone (hash) as an earlier response     yes
duplicate_answers   every answer identical to an earlier one     no
shared_ip           IP hash shared with another response         no (a village shares one network)
speeder             duration below the codebook's threshold      yes
straight_lining     one answer for every row of a matrix block   no
out_of_range        a cell that cannot be read: a code outside   no (the cell is set missing, its
                    the options, text in a code cell, a date      raw text kept in
                    that does not exist                           ``Responses.invalid``)
pair_mismatch       按文本 and 按序号 files disagree on a cell    no (the cell is set missing)
missing_required    a required question left blank               no
=================== =========================================== ======================

The codebook's ``quality.exclude`` lists which reasons exclude a response from analyses; the
first three (damaged rows, a response number used twice) always exclude.

Duplicates: of responses that share a 序号, respondent ID, phone or every answer, the one
submitted **earliest** is kept (ties and missing times by 序号, then by position in the
file) and the others are flagged; so the result does not depend on the order of rows in
the file (:data:`DUPLICATE_RULE`).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from . import missing as M
from .fmt import fmt_number, fmt_points
from .questionnaire import Questionnaire

__all__ = ["REASON_LABELS", "ALWAYS_EXCLUDE", "DUPLICATE_RULE", "assess_quality",
           "quality_summary", "excludes"]

REASON_LABELS = {
    "incomplete_row": "文件末行不完整",
    "row_length": "字段数与表头不符",
    "duplicate_serial": "序号重复",
    "duplicate_id": "受访者编号重复",
    "duplicate_phone": "电话号码重复",
    "duplicate_answers": "答案与另一份答卷完全相同",
    "shared_ip": "与其他答卷IP相同",
    "speeder": "答题用时过短",
    "straight_lining": "矩阵题各行选同一项",
    "out_of_range": "答案无法识别或超出选项范围",
    "pair_mismatch": "按文本与按序号文件不一致",
    "missing_required": "必答题未作答",
}
# rows that are damaged or counted twice are never analysed, whatever the codebook says
ALWAYS_EXCLUDE = ("incomplete_row", "row_length", "duplicate_serial")
DUPLICATE_RULE = ("重复答卷的判定：序号、受访者编号、电话号码或全部答案相同的答卷中，保留提交时间最早的一份"
                  "（时间相同或缺失时保留序号较小的一份），其余标记为重复")


def excludes(reason: str, exclude) -> bool:
    """Whether a reason excludes a response, given the codebook's ``quality.exclude``."""
    return reason in ALWAYS_EXCLUDE or reason in exclude


def _earliest_order(data: pd.DataFrame) -> np.ndarray:
    """Positions of the responses from the earliest submitted to the latest; ties and missing
    times by response number (numerically when it is a number), then by file position."""
    n = len(data)
    keys = []
    if "submitted_at" in data and pd.api.types.is_datetime64_any_dtype(data["submitted_at"]):
        t = data["submitted_at"]
        keys.append(t.isna().to_numpy())  # missing times last
        keys.append(np.where(t.isna(), 0, t.to_numpy(dtype="datetime64[ns]").astype("int64")))
    if "response_id" in data:
        rid = data["response_id"]
        num = pd.to_numeric(rid, errors="coerce")
        if num.notna().all():
            keys.append(num.to_numpy(dtype="float64"))
        else:
            keys.append(pd.factorize(rid.astype(str), sort=True)[0])
    keys.append(np.arange(n))
    return np.lexsort(keys[::-1])


def _dup(keys: pd.Series, ids: pd.Series, label: str, order: np.ndarray):
    """Responses whose key repeats an earlier-submitted response's, with the ID of the response
    kept (the earliest of those sharing the key; said to have none when it has none)."""
    codes = pd.factorize(keys, use_na_sentinel=True)[0]  # equal keys alike, missing -1
    c = codes[order]
    dup_in_order = (c >= 0) & pd.Series(c).duplicated(keep="first").to_numpy()
    at = np.zeros(len(keys), dtype=bool)
    at[order] = dup_in_order
    dup = pd.Series(at, index=keys.index)
    detail = pd.Series(None, index=keys.index, dtype=object)
    if not at.any():
        return dup, detail
    first = (c >= 0) & ~dup_in_order  # the response kept of each key: the earliest
    first_row = np.full(codes.max() + 1, -1)
    first_row[c[first]] = order[first]
    id_values = ids.to_numpy(dtype=object)
    detail[dup] = [f"{label}与答卷{fid}相同（保留较早提交的答卷{fid}）" if not pd.isna(fid) else
                   f"{label}与一份较早提交、没有序号的答卷相同（保留该份）"
                   for fid in id_values[first_row[codes[at]]]]
    return dup, detail


def assess_quality(data: pd.DataFrame, missing: pd.DataFrame, questions: pd.DataFrame,
                   qn: Questionnaire, *, row_flags: dict | None = None,
                   file_rows: pd.Series | None = None,
                   invalid: pd.DataFrame | None = None) -> tuple[pd.DataFrame, dict]:
    """Flag responses. Returns the quality table and the settings actually used (with
    ``notes``: sentences for the report, such as the duplicate rule when it applied).

    ``row_flags``: file row -> (reason, detail) for rows the reader found damaged;
    ``file_rows``: the file row of each response; ``invalid``: the invalid cells with their
    raw text (:meth:`kit.io.convert.ColumnSink.invalid_table`), for the details.
    """
    n = len(data)
    ids = data["response_id"] if "response_id" in data else pd.Series(np.arange(1, n + 1),
                                                                       index=data.index)
    flags: dict[str, tuple[pd.Series, pd.Series]] = {}
    used: dict = {"exclude": list(qn.quality.exclude), "notes": []}
    order = _earliest_order(data)

    if row_flags and file_rows is not None:
        at = pd.Series(data.index, index=np.asarray(file_rows))
        for reason in ("incomplete_row", "row_length"):
            mask = pd.Series(False, index=data.index)
            detail = pd.Series(None, index=data.index, dtype=object)
            for r, (why, text) in row_flags.items():
                if why == reason and r in at.index:
                    mask[at[r]] = True
                    detail[at[r]] = f"文件第{r}行：{text}"
            if mask.any():
                flags[reason] = (mask, detail)

    if "response_id" in data and data["response_id"].notna().any() and (
            "response_id" not in questions["column"].tolist()
            or questions.set_index("column").loc["response_id", "value"] != "hash"):
        rows = file_rows if file_rows is not None else pd.Series(np.arange(n) + 2, index=data.index)
        m, d = _dup(data["response_id"], ids, "序号", order)
        if m.any():
            kept = _kept_rows(data["response_id"], rows, order)
            d[m] = [f"序号{rid}与文件第{kept[rid]}行的答卷重复（保留较早提交的一份），本行为文件第{r}行"
                    for rid, r in zip(data["response_id"][m], rows[m])]
            flags["duplicate_serial"] = (m, d)

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
                m, d = _dup(data[c], ids, label, order)
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
        key = pd.util.hash_pandas_object(answers, index=False).to_numpy()
        key = pd.Series(pd.arrays.IntegerArray(key, ~any_answer.to_numpy()), index=data.index,
                        copy=False)
        flags["duplicate_answers"] = _dup(key, ids, "全部答案", order)

    if "ip_hash" in data:
        codes = pd.factorize(data["ip_hash"], use_na_sentinel=True)[0]
        others = np.append(np.bincount(codes[codes >= 0], minlength=codes.max() + 1), 1)[codes] - 1
        shared = pd.Series(others > 0, index=data.index)  # missing (code -1) counts 1 - 1 = 0
        detail = pd.Series(None, index=data.index, dtype=object)
        if shared.any():
            detail[shared] = _per_distinct(others[shared.to_numpy()],
                                           lambda k: f"IP与另外{k}份答卷相同")
        flags["shared_ip"] = (shared, detail)

    if qn.quality.exclude and "speeder" in qn.quality.exclude and (
            "duration_s" not in data or data["duration_s"].isna().all()):
        used["notes"].append("导出文件中没有答题用时，未能检查“答题用时过短”")
    if "duration_s" in data and data["duration_s"].notna().any():
        dur = data["duration_s"].astype("float64")
        med = float(np.nanmedian(dur.to_numpy(dtype="float64", na_value=np.nan)))
        thr = qn.quality.speeder_threshold_s
        how = "问卷定义中的阈值"
        if thr is None:
            thr, how = med / 3, f"中位数{fmt_number(med, 1)}秒的三分之一"
        used["speeder_threshold_s"] = float(thr)
        used["median_duration_s"] = med
        fast = (dur < thr).fillna(False).astype(bool)
        detail = pd.Series(None, index=data.index, dtype=object)
        detail[fast] = _per_distinct(dur[fast].to_numpy(dtype="float64"),
                                     lambda d: f"用时{fmt_points(d)}秒，低于{fmt_number(thr, 1)}秒（{how}）")
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
        cells = invalid if invalid is not None else pd.DataFrame(columns=["column", "raw", "reason", "code"])
        pair = cells[cells["code"] == "pair_mismatch"] if len(cells) else cells
        if len(pair):
            inv = inv.copy()
            for idx, col in zip(pair.index, pair["column"]):
                inv.loc[idx, col] = False
            mask = pd.Series(data.index.isin(pair.index), index=data.index)
            detail = pd.Series(None, index=data.index, dtype=object)
            for idx, g in pair.groupby(level=0, sort=False):
                detail[idx] = "按文本与按序号不一致：" + "、".join(
                    f"{c}{r}" for c, r in zip(g["column"], g["raw"]))
            flags["pair_mismatch"] = (mask, detail)
        bad = inv.any(axis=1)
        detail = pd.Series(None, index=data.index, dtype=object)
        if bad.any():
            said = {} if not len(cells) else {(i, c): (r, w) for i, c, r, w in zip(
                cells.index, cells["column"], cells["raw"], cells["reason"])}
            sub = inv[bad].to_numpy()
            detail[bad] = ["答案无法识别或超出选项范围：" + "、".join(
                _cell_detail(c, said.get((i, c))) for c in inv.columns[row])
                for i, row in zip(inv.index[bad], sub)]
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
    hit_at = hit[rows_at]
    reasons_of, detail_of = _reason_texts(reasons, hit_at, [
        flags[r][1].to_numpy(dtype=object)[rows_at] for r in reasons])
    excl = np.array([excludes(r, qn.quality.exclude) for r in reasons], dtype=bool)
    quality = pd.DataFrame({
        "response_id": ids.to_numpy()[rows_at] if len(rows_at) else [],
        "reasons": reasons_of,
        "detail": detail_of,
        "excluded": (hit_at & excl).any(axis=1) if len(rows_at) else np.zeros(0, bool),
    }, index=data.index[rows_at])
    quality["excluded"] = quality["excluded"].astype(bool)
    if file_rows is not None:
        quality.insert(1, "row", np.asarray(file_rows)[rows_at].astype("int64"))
    if any(flags[r][0].any() for r in ("duplicate_serial", "duplicate_id", "duplicate_phone",
                                       "duplicate_answers") if r in flags):
        used["duplicate_rule"] = DUPLICATE_RULE
        used["notes"].append(DUPLICATE_RULE + "。")
    return quality, used


def _per_distinct(values: np.ndarray, text) -> np.ndarray:
    """``text(v)`` for each value, written once per distinct value (told apart by their bits,
    so that -0.0 is not written as 0)."""
    key = values.view(np.int64) if values.dtype == np.float64 else values
    _, first, codes = np.unique(key, return_index=True, return_inverse=True)
    return np.array([text(v) for v in values[first]], dtype=object)[codes.ravel()]


def _reason_texts(reasons: list[str], hit: np.ndarray, details: list[np.ndarray]):
    """The ``reasons`` and ``detail`` cells of flagged rows: the codes of the reasons each row
    has, joined by ';', and their details joined by '；' (a reason without a detail of its own
    reads as its label). Rows with the same reasons share one ``reasons`` text; a row with one
    reason takes its detail as it is."""
    if not len(hit):
        return [], []
    bits = hit.astype(np.int64) @ (np.int64(1) << np.arange(len(reasons), dtype=np.int64))
    patterns, first, which = np.unique(bits, return_index=True, return_inverse=True)
    names = np.array(reasons, dtype=object)
    reasons_of = np.array([";".join(names[hit[i]]) for i in first], dtype=object)[which.ravel()]
    detail_of = np.empty(len(hit), dtype=object)
    for k, r in enumerate(reasons):
        d = details[k]
        for i in np.flatnonzero(hit[:, k]):  # only where the reason applies
            if not isinstance(d[i], str):
                d[i] = REASON_LABELS[r]
    n_hit = hit.sum(axis=1)
    for k in range(len(reasons)):
        alone = hit[:, k] & (n_hit == 1)
        detail_of[alone] = details[k][alone]
    for i in np.flatnonzero(n_hit > 1):
        detail_of[i] = "；".join(details[k][i] for k in np.flatnonzero(hit[i]))
    return reasons_of.tolist(), detail_of.tolist()


def _kept_rows(keys: pd.Series, rows: pd.Series, order: np.ndarray) -> dict:
    """Key -> file row of the response kept (the earliest) among those sharing the key."""
    ks = keys.iloc[order]
    first = ~ks.duplicated(keep="first") & ks.notna()
    return dict(zip(ks[first], np.asarray(rows)[order][first.to_numpy()]))


def _cell_detail(column: str, said: tuple[str, str] | None) -> str:
    if said is None:
        return column
    raw, why = said
    return f"{column}「{raw}」（{why}）" if raw else f"{column}（{why}）"


def quality_summary(quality: pd.DataFrame, exclude: list[str]) -> pd.DataFrame:
    """Counts per reason: flagged, and whether that reason excludes."""
    rows = []
    for r, label in REASON_LABELS.items():
        hit = quality["reasons"].str.split(";").map(lambda rs: r in rs) if len(quality) else pd.Series(dtype=bool)
        n = int(hit.sum()) if len(quality) else 0
        if n:
            rows.append({"reason": r, "label": label, "n_flagged": n,
                         "excludes": excludes(r, exclude)})
    return pd.DataFrame(rows, columns=["reason", "label", "n_flagged", "excludes"])
