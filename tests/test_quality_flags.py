"""Quality flags worked out by hand on a small table (issue 13, the work after the sheet is
read): duplicates keep the earliest submitted response and name it, shared IPs count the other
responses, speeders state their time, and a response with several reasons lists them in the
order of REASON_LABELS with their details joined by '；'."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from kit import missing as M
from kit.quality import _dup, _per_distinct, assess_quality
from kit.questionnaire import QualitySettings, Question, Questionnaire


def _table():
    """Seven responses. Submitted (earliest first): row 5 09:59, 4 10:00, 1 10:01, 2 10:02,
    3 10:03, 0 10:05, 6 10:10. Row 6 repeats 序号 2 (row 1's)."""
    idx = pd.RangeIndex(7)
    data = pd.DataFrame({
        "response_id": pd.array([1, 2, 3, 4, 5, 6, 2], dtype="Int64"),
        "submitted_at": pd.to_datetime(["2024-05-01 10:05", "2024-05-01 10:01", "2024-05-01 10:02",
                                        "2024-05-01 10:03", "2024-05-01 10:00", "2024-05-01 09:59",
                                        "2024-05-01 10:10"]),
        "duration_s": pd.array([100, 20, 25, None, 25, 200, 31], dtype="Float64"),
        "ip_hash": pd.array(["A", "A", "B", "A", None, "C", "C"], dtype="string"),
        "phone_hash": pd.array(["P", None, "P", None, "P", None, None], dtype="string"),
        "q1": pd.array([1, 1, 3, None, 3, 4, 4], dtype="Float64"),
        "q2": pd.array([2, 2, None, None, None, 4, 4], dtype="Float64"),
    }, index=idx)
    kinds = {c: np.where(data[c].isna(), M.code_of(M.BLANK), M.NONE).astype(np.int8)
             for c in ("q1", "q2")}
    missing = pd.DataFrame({c: M.kinds_series(k, idx) for c, k in kinds.items()}, index=idx)
    questions = pd.DataFrame({
        "column": ["response_id", "submitted_at", "duration_s", "ip_hash", "phone_hash", "q1", "q2"],
        "question_id": [None, None, None, None, None, "q1", "q2"],
        "value": ["meta", "meta", "meta", "hash", "hash", "code", "code"],
        "type": ["meta", "meta", "meta", "meta", "meta", "single", "single"],
    })
    qn = Questionnaire("t", [Question("q1", "甲", "single"), Question("q2", "乙", "single")],
                       quality=QualitySettings(exclude=["speeder", "duplicate_phone"],
                                               speeder_threshold_s=30))
    return data, missing, questions, qn


def test_flags_and_their_details_worked_out_by_hand():
    data, missing, questions, qn = _table()
    quality, used = assess_quality(data, missing, questions, qn,
                                   file_rows=pd.Series(np.arange(7) + 2, index=data.index))
    ip2, ip1 = "IP与另外2份答卷相同", "IP与另外1份答卷相同"
    fast = "用时{}秒，低于30.0秒（问卷定义中的阈值）"
    # answers: rows 0,1 alike (earliest row 1, 答卷2); rows 2,4 alike (earliest row 4, 答卷5);
    # rows 5,6 alike (earliest row 5, 答卷6); row 3 answered nothing. Phone P: rows 0, 2, 4
    # (earliest row 4, 答卷5). IP A: rows 0, 1, 3; B: row 2; C: rows 5, 6. Under 30 s: rows 1, 2, 4.
    want = {
        0: ("duplicate_phone;duplicate_answers;shared_ip",
            "电话号码与答卷5相同（保留较早提交的答卷5）；全部答案与答卷2相同（保留较早提交的答卷2）；" + ip2, True),
        1: ("shared_ip;speeder", ip2 + "；" + fast.format(20), True),
        2: ("duplicate_phone;duplicate_answers;speeder",
            "电话号码与答卷5相同（保留较早提交的答卷5）；全部答案与答卷5相同（保留较早提交的答卷5）；"
            + fast.format(25), True),
        3: ("shared_ip", ip2, False),
        4: ("speeder", fast.format(25), True),
        5: ("shared_ip", ip1, False),
        6: ("duplicate_serial;duplicate_answers;shared_ip",
            "序号2与文件第3行的答卷重复（保留较早提交的一份），本行为文件第8行；"
            "全部答案与答卷6相同（保留较早提交的答卷6）；" + ip1, True),
    }
    assert quality.index.tolist() == list(want)
    assert quality["response_id"].tolist() == [1, 2, 3, 4, 5, 6, 2]
    assert quality["row"].tolist() == [2, 3, 4, 5, 6, 7, 8]
    got = {i: (r, d, bool(e)) for i, r, d, e in zip(quality.index, quality["reasons"],
                                                     quality["detail"], quality["excluded"])}
    assert got == want
    # durations given: 20, 25, 25, 31, 100, 200: median (25 + 31) / 2 = 28
    assert used["speeder_threshold_s"] == 30.0 and used["median_duration_s"] == 28.0
    assert "duplicate_rule" in used


def test_nothing_flagged_gives_an_empty_table():
    data, missing, questions, qn = _table()
    data = data.iloc[[3]].reset_index(drop=True)  # one response, no duration, no answers
    missing = missing.iloc[[3]].reset_index(drop=True)
    quality, _ = assess_quality(data, missing, questions, qn)
    assert len(quality) == 0 and list(quality.columns) == ["response_id", "reasons", "detail",
                                                           "excluded"]


def _dup_cell_by_cell(keys, ids, label, order):
    """The rule read literally, one response at a time in order of submission: a response whose
    key was seen before is a duplicate of the first response seen with that key, the one kept,
    named by its 序号, or said to have none."""
    dup = pd.Series(False, index=keys.index)
    detail = pd.Series(None, index=keys.index, dtype=object)
    kept_id: dict = {}
    for pos in order:
        k, i = keys.iloc[pos], ids.iloc[pos]
        if pd.isna(k):
            continue
        if k in kept_id:
            dup.iloc[pos] = True
            fid = kept_id[k]
            detail.iloc[pos] = (f"{label}与答卷{fid}相同（保留较早提交的答卷{fid}）" if not pd.isna(fid)
                                else f"{label}与一份较早提交、没有序号的答卷相同（保留该份）")
        else:
            kept_id[k] = i
    return dup, detail


def test_the_response_kept_is_named_even_without_a_serial():
    # submitted: row 2 (no 序号) first, then row 0 (序号5), then row 1 (序号6); one phone.
    # Row 2 is kept; rows 0 and 1 repeat it. The old wording named 答卷5 as kept, row 0 itself.
    keys = pd.Series(["P", "P", "P"], dtype="string")
    ids = pd.Series(pd.array([5, 6, None], dtype="Int64"))
    dup, detail = _dup(keys, ids, "电话号码", np.array([2, 0, 1]))
    assert dup.tolist() == [True, True, False]
    assert detail[:2].tolist() == ["电话号码与一份较早提交、没有序号的答卷相同（保留该份）"] * 2
    assert pd.isna(detail[2])


def test_the_speeder_line_is_rounded_half_up():
    # durations 5, 28, 28.5, 40: median (28 + 28.5) / 2 = 28.25, written 28.3 (half up; Python's
    # format gives 28.2); the line is 28.25 / 3 = 9.41666..., written 9.4; 5 s is under it
    data, missing, questions, qn = _table()
    data = data.iloc[:4].copy()
    data["duration_s"] = pd.array([5, 28, 28.5, 40], dtype="Float64")
    qn.quality.speeder_threshold_s = None
    quality, used = assess_quality(data, missing.iloc[:4], questions, qn)
    assert used["median_duration_s"] == 28.25
    line = quality.set_index("response_id").loc[1, "detail"]
    assert "用时5秒，低于9.4秒（中位数28.3秒的三分之一）" in line


@pytest.mark.parametrize("seed", range(20))
def test_duplicates_found_at_once_are_those_found_one_by_one(seed):
    rng = random.Random(seed)
    n = rng.randint(1, 60)
    keys = pd.Series([rng.choice([None, "a", "b", "c", "d", 1, 2]) for _ in range(n)], dtype=object)
    if seed % 2:
        keys = pd.Series(pd.array([rng.choice([None, 1, 2, 3]) for _ in range(n)], dtype="Int64"))
    ids = pd.Series(pd.array([rng.choice([None, *range(1, 9)]) for _ in range(n)], dtype="Int64"))
    order = np.array(rng.sample(range(n), n))
    dup, detail = _dup(keys, ids, "电话号码", order)
    want_dup, want_detail = _dup_cell_by_cell(keys, ids, "电话号码", order)
    assert dup.tolist() == want_dup.tolist()
    assert detail.tolist() == want_detail.tolist()


def test_texts_written_once_per_distinct_value_stay_with_their_cell():
    d = np.array([20.0, 0.0, -0.0, 20.0, 1e-7, 0.0])
    assert _per_distinct(d, lambda v: f"{v:g}").tolist() == ["20", "0", "-0", "20", "1e-07", "0"]
    k = np.array([2, 1, 2, 5])
    assert _per_distinct(k, lambda v: f"另外{v}份").tolist() == ["另外2份", "另外1份", "另外2份", "另外5份"]
