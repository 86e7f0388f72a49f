"""Every 问卷星 file of the acceptance corpus (../shared/exports) loads, read in place."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from kit import load_export

PAIRS = {
    # text file, codes file, responses (counted in the files: 2016 pair 4 rows, 800 pair, 357 pair 204)
    "2016": ("wjx_reportgen_2016_readable.xls", "wjx_reportgen_2016_original.xls", 4),
    "800": ("wjx_reportgen_800_800_0_text.xls", "wjx_reportgen_800_800_2_codes.xls", 800),
    "357": ("wjx_reportgen_357_357_0_text.xls", "wjx_reportgen_357_357_2_codes.xls", 204),
}


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("name", PAIRS)
def test_pairs_and_singles_load_with_row_counts(exports, name):
    text, codes, n = PAIRS[name]
    before = {f: _sha(exports / f) for f in (text, codes)}
    pair = load_export(exports / text, codes=exports / codes)
    assert pair.n_total == n and pair.info.variant == "pair"
    assert load_export(exports / text).n_total == n
    assert load_export(exports / codes).n_total == n
    assert {f: _sha(exports / f) for f in (text, codes)} == before  # raw exports untouched


@pytest.mark.parametrize("name,qid", [("2016", "q3"), ("800", "q6"), ("800", "q8")])
def test_multiselect_text_equals_codes_columns(exports, name, qid):
    text, codes, _ = PAIRS[name]
    t = load_export(exports / text)
    c = load_export(exports / codes)
    ccols = [col for col in c.data if col.startswith(qid + "__") and not col.endswith("other_text")]
    assert ccols
    for col in ccols:
        # the text file only knows the options somebody chose; an unchosen option is all zeros
        expected = c.data[col]
        got = t.data[col] if col in t.data else pd.Series(
            np.where(expected.isna(), pd.NA, 0), index=expected.index).astype("Int64")
        pd.testing.assert_series_equal(got, expected, check_names=False, check_dtype=False)


def test_2016_pair_details(exports):
    text, codes, _ = PAIRS["2016"]
    r = load_export(exports / text, codes=exports / codes)
    d, m = r.data, r.missing
    # (跳过) / -3: missing of kind skipped
    assert m.loc[0, "q2"] == "skipped" and pd.isna(d.loc[0, "q2"])
    # a ranking question skipped by logic is skipped, not "not ranked", though the codes say -2
    assert m.loc[0, "q12__内存大"] == "skipped"
    assert m.loc[3, "q12__骁龙820处理器"] == "not_ranked"
    assert d.loc[3, "q12__触控流畅,反应快"] == 1 and d.loc[3, "q12__2K超高清屏"] == 5
    # 所用时间 '136秒' is 136 seconds
    assert d.loc[1, "duration_s"] == 136
    # the IP is gone; its region is kept; the hash is not the IP
    assert "ip" not in d and d.loc[1, "region"] == "上海-上海"
    assert not d.astype(str).apply(lambda s: s.str.contains("183.192.16.69", regex=False)).any().any()
    # 0-10 item: 按序号 code 4 is the label '3分', so the score is 3 (a code is never a score)
    q15 = r.questionnaire.by_id()["q15"]
    assert q15.type == "scale" and d.loc[1, "q15"] == 3.0
    # matrix of 1-5: the first column's header carries the title, the rest are bare row labels
    q13 = r.questionnaire.by_id()["q13"]
    assert q13.type == "matrix" and len(q13.rows) == 17 and q13.rows[1].label == "界面美观度"
    # 〖其他〗 fill-ins kept as text
    assert d.loc[1, "q4__other_text"] == "你好好" and d.loc[1, "q3__other_text"] == "柜台"


def test_357_string_cells_and_gaps(exports):
    text, codes, _ = PAIRS["357"]
    r = load_export(exports / text, codes=exports / codes)
    assert r.data["response_id"].iloc[0] == 2  # 序号 starts at 2: kept as is
    assert r.data["submitted_at"].isna().all()  # 'NULL' strings
    assert (r.missing["duration_s"] == "blank").all()
    assert r.data["q1"].dropna().isin([1, 2]).all()
    labels = {o.label for o in r.questionnaire.by_id()["q1"].options}
    assert labels == {"男", "女"}


def test_800_headers_with_trailing_spaces_and_blank_meta(exports):
    text, codes, _ = PAIRS["800"]
    r = load_export(exports / text, codes=exports / codes)
    q3 = r.questionnaire.by_id()["q3"]
    assert q3.title == "性别" and q3.type == "single"
    assert "q6__其他【请注明】" in r.data and r.data["q6__运动"].isin([0, 1]).all()


def test_the_codes_twin_is_read_while_the_text_file_is(monkeypatch):
    """load_export(text, codes=...) reads the two files at the same time: each read below waits
    for the other to have begun, so read one after the other they would time out. The pair
    is what it was (420 responses, the 按序号 codes joined on 序号)."""
    import threading

    import kit.io as kio
    from kit.paths import ROOT

    raw = ROOT / "surveys" / "poverty-alleviation" / "raw"
    text, codes = next(raw.glob("*按文本*")), next(raw.glob("*按序号*"))
    begun = {"text": threading.Event(), "codes": threading.Event()}
    real = kio.parse_export

    def parse(path, **kw):
        mine, other = ("codes", "text") if kw.get("variant") == "codes" else ("text", "codes")
        begun[mine].set()
        assert begun[other].wait(20), f"the {mine} file waited for the {other} file"
        return real(path, **kw)

    monkeypatch.setattr(kio, "parse_export", parse)
    r = load_export(text, codes=codes)
    monkeypatch.undo()
    want = load_export(text, codes=codes)
    assert len(r.data) == 420
    pd.testing.assert_frame_equal(r.data, want.data)


def test_a_pair_read_first_thing_in_a_fresh_process_finds_every_reader(exports):
    """The two files of a pair are parsed in two threads, each asking the platform registry,
    which imports its readers on first use: the second thread must wait for the first's import
    instead of finding an empty registry (「未知的问卷平台「wjx」，可用的有：」 before the lock)."""
    import os
    import subprocess
    import sys

    code = ("import kit, sys; r = kit.load_export(sys.argv[1], codes=sys.argv[2]); "
            "print(len(r.data))")
    for _ in range(3):  # the race was lost about every other time
        out = subprocess.run([sys.executable, "-c", code, str(exports / "wjx_reportgen_2016_readable.xls"),
                              str(exports / "wjx_reportgen_2016_original.xls")], capture_output=True,
                             text=True, env={**os.environ, "KIT_SALT": "a-test-salt-not-secret"})
        assert out.returncode == 0, out.stderr[-2000:]
        assert out.stdout.split() == [str(len(load_export(exports / "wjx_reportgen_2016_original.xls").data))]
