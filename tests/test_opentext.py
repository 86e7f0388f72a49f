"""Open answers (kit.opentext): keyword coding checked on a small hand-coded set, word counts
by hand, the same table whatever the order of the answers, masked and capped quotes."""

from __future__ import annotations

import pandas as pd
import pytest

from kit.opentext import (MAX_QUOTES, NO_CONTENT, UNCODED, analyse_text, code_answers, load_stopwords,
                          segment)

CODES = {"道路交通": ["修路", "道路", "路灯"], "产业就业": ["产业", "就业", "培训"], "养老服务": ["老人", "养老"]}
# ten answers coded by hand (a person read each and ticked the categories it mentions)
HAND = [
    ("村里的路灯坏了，希望尽快修路", {"道路交通"}),
    ("多搞技能培训，帮助年轻人就业", {"产业就业"}),
    ("留守老人没人照顾", {"养老服务"}),
    ("道路硬化和养老服务都要抓", {"道路交通", "养老服务"}),
    ("发展产业，再把进村道路修好", {"道路交通", "产业就业"}),
    ("村务公开要及时", set()),
    ("无", None),                       # no content
    ("没有意见。", None),
    ("建议多开会", set()),
    ("老人食堂、产业项目、路灯，都希望解决", {"养老服务", "产业就业", "道路交通"}),
]


def test_keyword_coding_matches_hand_coding():
    texts = pd.Series([t for t, _ in HAND])
    m = code_answers(texts, CODES)
    for i, (_, cats) in enumerate(HAND):
        got = {c for c in CODES if m.iloc[i][c] == 1}
        assert got == (cats or set()), HAND[i][0]
    res = analyse_text(texts, codes=CODES)
    coded = res.coded.set_index("category")
    content = [c for _, c in HAND if c is not None]
    for cat in CODES:
        assert coded.loc[cat, "n"] == sum(cat in c for c in content)
        assert coded.loc[cat, "share"] == pytest.approx(coded.loc[cat, "n"] / 10)
    assert coded.loc[UNCODED, "n"] == sum(1 for c in content if not c) == 2
    assert coded.loc[NO_CONTENT, "n"] == res.n_no_content == 2 and res.n_answered == 10
    assert coded.loc[list(CODES), "n"].sum() > len(content) - 2     # several categories per answer


def test_word_counts_by_answer_and_occurrence():
    res = analyse_text(pd.Series(["道路道路要修", "道路维修", "维修路灯", None, "  "]))
    w = res.words.set_index("word")
    assert res.n_answered == 3
    assert w.loc["道路", "n_answers"] == 2 and w.loc["道路", "n_occurrences"] == 3
    assert w.loc["维修", "n_answers"] == 2 and w.loc["道路", "share"] == pytest.approx(2 / 3)
    assert list(res.words["word"])[:2] == ["道路", "维修"]          # ties broken by occurrences, then text


def test_same_input_same_tables_whatever_the_order():
    texts = pd.Series([t for t, _ in HAND] * 3)
    a = analyse_text(texts, codes=CODES)
    b = analyse_text(texts.sample(frac=1, random_state=7).reset_index(drop=True), codes=CODES)
    for x, y in ((a.words, b.words), (a.coded, b.coded), (a.quotes, b.quotes)):
        pd.testing.assert_frame_equal(x.reset_index(drop=True), y.reset_index(drop=True))


def test_quotes_are_masked_and_capped():
    texts = pd.Series([f"第{k}组路灯坏了请打13912345{k:03d}联系" for k in range(60)] + ["修路" * 60])
    res = analyse_text(texts, codes={"道路交通": ["路灯", "修路"]}, quotes_per_category=50)
    assert len(res.quotes) == MAX_QUOTES
    joined = "".join(res.quotes["quote"])
    assert "13912345" not in joined and "〔电话已隐去〕" in joined
    assert res.quotes["quote"].str.len().max() <= 80
    # the same answer once masked (a phone number each) is one quote with its count
    same = analyse_text(pd.Series([f"路灯坏了请打13912345{k:03d}" for k in range(5)]))
    assert same.quotes[["quote", "n_same"]].values.tolist() == [["路灯坏了请打〔电话已隐去〕", 5]]
    words = set(res.words["word"])
    assert not words & {"电话", "隐去"}                           # privacy masks are not words


def test_stop_words_shipped_with_licence():
    from importlib import resources

    stop = load_stopwords(["本村"])
    assert {"的", "了", "我们", "建议", "希望", "本村"} <= stop
    lic = resources.files("kit").joinpath("data", "STOPWORDS_LICENSE").read_text(encoding="utf-8")
    assert "MIT" in lic and "Gene Diaz" in lic
    assert segment("我们希望本村道路更好", load_stopwords(["本村"])) == ["道路", "更好"]


def test_no_answers_no_tables():
    res = analyse_text(pd.Series([None, ""]), codes=CODES)
    assert res.is_empty and res.words.empty and res.quotes.empty
