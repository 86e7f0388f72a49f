"""The loader's quicker paths give what the plain paths give (issue 13, loader speed).

Each quick path is checked against values written out by hand: the per-distinct-value reading
of 答题时长, the look at the first rows that decides whether jieba's dictionary is loaded while
a large file is read, and names found while that load is still running.
"""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest

from kit import missing as M
from kit.io.table import answers_look_like_text
from kit.io.times import duration_seconds, parse_times
from kit.paths import ROOT
from kit.privacy import names


@pytest.mark.parametrize("dtype", [object, "str"])
def test_durations_read_once_per_distinct_text_are_read_per_cell(dtype):
    # 136秒 = 136; 2分5秒 = 2*60+5 = 125; 00:02:05 = 125; 1小时2分 = 3600+120 = 3720;
    # NULL, blank and words are missing
    cells = ["136秒"] * 6 + ["2分5秒", "00:02:05", "1小时2分", "NULL", None, "说不清"] + ["136秒"] * 6
    want = [136.0] * 6 + [125.0, 125.0, 3720.0, np.nan, np.nan, np.nan] + [136.0] * 6
    s = pd.Series(cells, dtype=dtype, index=range(100, 118))
    got = duration_seconds(s)
    assert got.index.tolist() == list(range(100, 118))
    np.testing.assert_array_equal(got.to_numpy(), np.array(want))
    # every cell distinct: the per-cell path, same values
    np.testing.assert_array_equal(duration_seconds(pd.Series(cells[5:13], dtype=dtype)).to_numpy(),
                                  np.array(want[5:13]))


@pytest.mark.parametrize("dtype", [object, "str"])
def test_times_with_spaces_and_nulls(dtype):
    s = pd.Series([" 2019/11/01 09:17:39 ", "NULL", None, "(跳过)", "2019/02/30 00:00:00"], dtype=dtype)
    t, local, bad = parse_times(s)
    assert str(t.iloc[0]) == "2019-11-01 09:17:39" and t.iloc[1:].isna().all()
    assert local is None and bad == 1  # 30 February does not exist: the one unreadable cell


def test_answers_as_labels_are_told_from_codes_by_the_first_rows(tmp_path, exports):
    raw = ROOT / "surveys" / "poverty-alleviation" / "raw"
    assert answers_look_like_text(next(raw.glob("*按文本*")))      # 您的身份: 群众, 满意, ...
    assert not answers_look_like_text(next(raw.glob("*按序号*")))  # 1, 4, 4, ...
    csv = tmp_path / "t.csv"
    csv.write_text("序号,身份,满意度\n1,群众,满意\n2,党员,一般\n", encoding="utf-8")
    assert answers_look_like_text(csv)
    csv.write_text("序号,身份,满意度\n1,2,4\n2,1,3\n", encoding="gb18030")
    assert not answers_look_like_text(csv)
    assert not answers_look_like_text(exports / "wjx_reportgen_800_800_0_text.xls")  # not told
    bad = tmp_path / "cut.xlsx"
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert not answers_look_like_text(bad)


def test_names_are_found_while_the_dictionary_loads_in_the_background():
    names.warm_up()
    found = []
    t = threading.Thread(target=lambda: found.append(names.find_names("户主张伟反映路灯坏了")))
    t.start()
    t.join()
    text = "户主张伟反映路灯坏了，村民王秀英说联系人是赵铁柱"
    assert [text[a:b] for a, b in names.find_names(text)] == ["张伟", "王秀英", "赵铁柱"]
    assert found == [[(2, 4)]]
    assert names._jieba() is names._jieba() and len(names._ready) == 1


@pytest.mark.parametrize("char", [chr(c) for c in (*range(0x20), 0x7F, 0x200B, 0x200C, 0x200D, 0x2060,
                                                    0xFEFF, 0x200E, 0x2014, 0x201C, 0x2026, 0xFF0C)])
def test_columns_passed_over_by_the_byte_check_hold_no_control_character(char):
    from kit.io.table import _CTRL, _surely_clean

    # the reference is the cell-by-cell pattern itself: tab, newline and carriage return, the
    # marks U+200E, —, “, …, ， are not removed; every other character here is
    col = pd.Series(["非常满意", f"一般{char}", None, "36.1.2.3(安徽-合肥)"] * 3, dtype="str")
    has = bool(_CTRL.search(char))
    assert has == (char not in "\t\n\r\u200e\u2014\u201c\u2026\uff0c")
    assert not (has and _surely_clean(col))
    if char in "\t\n\u2014":
        assert _surely_clean(col)  # ordinary text is passed over


def test_the_dictionary_is_loaded_while_a_large_text_workbook_is_read(monkeypatch):
    import kit.io as kio
    from kit.io.table import read_table

    raw = ROOT / "surveys" / "poverty-alleviation" / "raw"
    text, codes = next(raw.glob("*按文本*")), next(raw.glob("*按序号*"))
    assert kio._names_warm_up(text) is None  # 420 responses: read in no time, nothing to overlap
    monkeypatch.setattr(kio, "_WARM_UP_BYTES", 0)
    assert kio._names_warm_up(text) is names.warm_up and kio._names_warm_up(codes) is None
    calls = []
    table = read_table(text, export=True, while_reading=lambda: calls.append(len(calls)))
    assert calls == [0] and len(table.body) == 420


def test_offsets_are_found_in_arrow_as_the_python_patterns_find_them():
    """Whether a column of times carries UTC offsets is decided in Arrow (RE2) for ASCII cells:
    the same cells as Python's OFFSET and _ISO_LIKE patterns, checked by hand on the forms
    platforms write and against the Python patterns on random text."""
    import random

    from kit.io.times import _ISO_LIKE, OFFSET, _offset_cells

    by_hand = {
        "2023-05-01T10:00:00.000+02:00": True,   # KoboToolbox, with milliseconds
        "2023-05-01T10:00:00-04:00": True,
        "2023-05-01 10:00+02": True,             # hours only
        "2023-05-01T10:00:00 +0200": True,       # a space, no colon in the offset
        "2023-05-01T10:00:00Z": True,
        "2023-05-01T10:00:00+02:00\n": True,     # Python's $ before a final newline
        "２０２３-05-01T10:00+02": True,          # full-width digits are digits to Python
        "2023-05-01T10:00:00\u3000+02": True,    # an ideographic space is a space to Python
        "2023-05-01T10:00:00\x1c+02": True,      # so is the file separator
        "2024-05-06": False,                     # a bare date's -06 is not an offset
        "2024/5/1 8:00:00": False,               # 问卷星
        "10:00:00+02:00": False,                 # no date before it
        "2023/05/01 10:00+02": False,            # not an ISO date
        "2023-05-01T10:00:00+2": False,          # one digit is not an offset
        "2023-05-01T10:00:00+02:00 x": False,
        "2023-05-01T10:00+02\n\n": False,
    }
    got = _offset_cells(pd.Series(list(by_hand), dtype=object))
    assert got.tolist() == list(by_hand.values())
    rng = random.Random(13)
    pieces = [["2023-05-01", "2023-5-1", "２０２３-05-01", "2023/05/01", "23-05-01", ""],
              ["T", " ", "", "\u3000"],
              ["10:00", "10:00:00", "1:00:00.5", "10:0", "10:00:", "１0:00"],
              ["", " ", "\x0b", "\x1c", "\x85", "\u3000", "\n", "x"],
              ["Z", "+02", "-04:00", "+0200", "+2", "+02:0", "", "z", "+٠٢"],
              ["", "", "", "\n", " ", "\n\n", "0", "年"]]
    cells = ["".join(rng.choice(p) for p in pieces) for _ in range(3000)]
    want = [bool(OFFSET.match(c) and _ISO_LIKE.match(c)) for c in cells]
    assert 100 < sum(want) < 2900  # both answers are well represented
    assert _offset_cells(pd.Series(cells, dtype=object)).tolist() == want
    lone = pd.Series(["2023-05-01T10:00+02", "\ud800 2023-05-01T10:00+02"], dtype=object)
    assert _offset_cells(lone).tolist() == [True, False]  # not UTF-8: Python decides


@pytest.mark.parametrize("dtype", [object, "str", "string[python]"])
def test_answers_factorised_in_arrow_as_cell_by_cell(dtype):
    """A text column's codes and distinct texts, worked out by hand: codes in order of first
    appearance, -1 for an empty cell, texts stripped (so ' 满意' and '满意' are two codes with the
    same text, as the codebook matching expects)."""
    from kit.io.convert import _factorize_now

    cells = ["满意", " 满意", None, "一般", "满意", None, "(跳过)", "一般", ""]
    codes, texts = _factorize_now(pd.Series(cells, dtype=dtype))
    assert codes.tolist() == [0, 1, -1, 2, 0, -1, 3, 2, 4]
    assert texts == ["满意", "满意", "一般", "(跳过)", ""]
    assert codes.dtype == np.intp
    empty_codes, empty_texts = _factorize_now(pd.Series([None, None], dtype=dtype))
    assert empty_codes.tolist() == [-1, -1] and empty_texts == []


def test_answers_in_several_arrow_chunks_share_one_set_of_codes():
    import pyarrow as pa

    from kit.io.convert import _factorize_now

    arr = pa.chunked_array([["满意", None, "一般"], ["一般", "满意", "不满意"]], type=pa.large_string())
    codes, texts = _factorize_now(pd.Series(pd.arrays.ArrowStringArray(arr)))
    assert codes.tolist() == [0, -1, 1, 1, 0, 2] and texts == ["满意", "一般", "不满意"]


@pytest.mark.parametrize("dtype", [object, "str", "string[python]"])
def test_times_read_alike_whatever_holds_the_text(dtype):
    """Times worked out by hand, read from Python objects, Arrow text or Python strings alike:
    Excel day 43831 is 2020-01-01 (day 1 = 1900-01-01, with Excel's phantom 1900-02-29)."""
    cells = [" 2019年11月1日 09:17:39", "２０１９/11/1 9:17", "43831", "NULL", "n/a", "(空)", None,
             "next week"]
    t, local, bad = parse_times(pd.Series(cells, dtype=dtype))
    assert [None if pd.isna(x) else str(x) for x in t] == [
        "2019-11-01 09:17:39", "2019-11-01 09:17:00", "2020-01-01 00:00:00", None, None, None, None,
        None]
    assert local is None and bad == 1  # 'next week' is the one unreadable cell
    t, local, bad = parse_times(pd.Series(["2023-05-01T10:00:00+02:00", "NULL",
                                           "2023-05-01T10:00:00-04:00"], dtype=dtype))
    assert [None if pd.isna(x) else str(x) for x in t] == [
        "2023-05-01 08:00:00+00:00", None, "2023-05-01 14:00:00+00:00"]
    assert [None if pd.isna(x) else str(x) for x in local] == [
        "2023-05-01 10:00:00", None, "2023-05-01 10:00:00"] and bad == 0
    t, _, bad = parse_times(pd.Series(["2024/5/1 8:00:00", " 2024/5/2 18:30:05 ", None], dtype=dtype))
    assert [None if pd.isna(x) else str(x) for x in t] == [
        "2024-05-01 08:00:00", "2024-05-02 18:30:05", None] and bad == 0


@pytest.mark.parametrize("dtype", [object, "str"])
@pytest.mark.parametrize("scored", [False, True])
def test_labels_read_once_per_distinct_answer_give_each_cell_its_code(dtype, scored):
    """A 按文本 single-choice column read per distinct answer, worked out by hand: each label
    its option's code (or score), a label no option has is invalid with its text kept, (跳过)
    is skipped, a blank cell or NULL is blank, and an 〖其他〗 fill-in is kept apart."""
    from kit.io.convert import _choice_values
    from kit.io.model import Part
    from kit.questionnaire import Option, Question

    opts = [Option(1, "不满意", 1.0 if scored else None), Option(2, "一般", 3.0 if scored else None),
            Option(3, "满意", 5.0 if scored else None), Option(4, "其他", None)]
    q = Question("q1", "您对村里的服务是否满意", "single", options=opts)
    cells = ["满意", "说不清", None, "(跳过)", " 一般", "满意", "NULL", "其他〖集市〗", "说不清", "不满意"]
    part = Part(header="1、您对村里的服务是否满意", pos=0, text=pd.Series(cells, dtype=dtype))
    values, kinds, other, (raw, why) = _choice_values(q, part, {})
    want = [3, None, None, None, 2, 3, None, 4, None, 1]
    if scored:  # scores, not codes; 其他 has none
        want = [5.0, None, None, None, 3.0, 5.0, None, None, None, 1.0]
    assert [None if pd.isna(v) else v for v in values] == want
    kind = [None if k < 0 else M.KINDS[k] for k in kinds]
    assert kind == [None, "invalid", "blank", "skipped", None, None, "blank", None, "invalid", None]
    assert [None if pd.isna(v) else v for v in other] == [None] * 7 + ["集市", None, None]
    assert raw.iloc[1] == "说不清" and why == "不是问卷定义中的选项"


def test_answers_factorised_in_the_background_load_as_in_the_foreground(monkeypatch):
    """A large export's answer columns are factorised in a thread while the metadata are read;
    forcing that path on a small 按文本 export gives the same tables as the plain path, and the
    thread's codes are those worked out by hand."""
    import kit.io as kio
    from kit import load_export
    from kit.io.convert import _factorize, factorize_ahead

    col = pd.Series(["满意", None, "一般", "满意", " 满意"], dtype="str")
    factorize_ahead([col, pd.Series([1.0, 2.0])])()  # numbers are left to the foreground
    assert factorize_ahead([pd.Series([1.0, 2.0])]) is None
    assert [c.tolist() if isinstance(c, np.ndarray) else c for c in _factorize(col)] == [
        [0, -1, 1, 0, 2], ["满意", "一般", "满意"]]
    path = next((ROOT / "surveys" / "poverty-alleviation" / "raw").glob("*按文本*"))
    monkeypatch.setattr(kio, "_AHEAD_CELLS", 10 ** 12)
    plain = load_export(path)
    monkeypatch.setattr(kio, "_AHEAD_CELLS", 0)
    ahead = load_export(path)
    for name in ("data", "missing", "questions", "quality", "invalid"):
        pd.testing.assert_frame_equal(getattr(plain, name), getattr(ahead, name))
    assert plain.info.notes == ahead.info.notes
