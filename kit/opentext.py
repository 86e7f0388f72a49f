"""Open answers and 「其他（请注明）」: word frequencies, keyword codes, masked quotes.

Segmentation is jieba's (MIT; its own dictionary, in a tokenizer of the kit's own so that words
another part of the program adds to jieba's global dictionary do not change the tables). Stop
words: the Chinese list of Stopwords ISO (MIT, ``kit/data/stopwords_zh.txt``, source and licence
in the file) and the kit's survey list (``kit/data/stopwords_survey.txt``: 建议, 希望, ...), plus
``stopwords:`` from project.yml. Words shorter than two characters, numbers and punctuation are
left out.

Word frequency
    for each word, the number of answers that use it (an answer counts once) and its share of
    the answers, and how often it occurs in all; ordered by answers, then occurrences, then the
    word itself, so the same input always gives the same table.
Keyword coding
    from the evaluator's codebook (``codes:`` in project.yml, 类别 → 关键词): an answer gets every
    category one of whose keywords it contains (an answer may get several); the count and
    share of answers per category (shares add up to more than 100% when answers get several),
    the answers that got none (未归类) and those with no content (无/没有/暂无 …).
Quotes
    a few answers per category (default 3, at most 20 in all), masked for personal data by
    :func:`kit.privacy.mask_series` and cut at 80 characters; chosen by how many respondents
    gave the same answer, then by length, then by text.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from .descriptives import NONE_ANSWERS, _PUNCT

__all__ = ["TextResult", "analyse_text", "analyse_open_answers", "load_stopwords", "segment",
           "code_answers", "MAX_QUOTES", "QUOTES_PER_CATEGORY", "QUOTE_CHARS", "UNCODED", "NO_CONTENT"]

MAX_QUOTES = 20
QUOTES_PER_CATEGORY = 3
QUOTE_CHARS = 80
UNCODED = "未归类"
NO_CONTENT = "无具体内容"
_MASK = re.compile(r"〔[^〔〕]*〕")          # the privacy masks (〔电话已隐去〕 …): not words
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z]")


@dataclass
class TextResult:
    """The analysis of one open question (or of a question's 「其他」 texts)."""

    question_id: str
    title: str
    n_answered: int
    n_no_content: int
    words: pd.DataFrame                    # word, n_answers, share, n_occurrences
    coded: pd.DataFrame                    # category, keywords, n, share
    quotes: pd.DataFrame                   # category, quote, n_same
    codes_given: bool
    notes: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return self.n_answered == 0


@lru_cache(maxsize=1)
def _tokenizer():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    return tk


@lru_cache(maxsize=1)
def _shipped_stopwords() -> frozenset:
    words = set()
    for name in ("stopwords_zh.txt", "stopwords_survey.txt"):
        text = resources.files("kit").joinpath("data", name).read_text(encoding="utf-8")
        words |= {w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#")}
    return frozenset(words)


def load_stopwords(extra=()) -> frozenset:
    """The shipped stop words (Stopwords ISO zh and the kit's survey list) and ``extra``."""
    return _shipped_stopwords() | {str(w).strip() for w in extra if str(w).strip()}


def segment(text: str, stopwords: frozenset | None = None, min_length: int = 2) -> list[str]:
    """The content words of one answer, in order (privacy masks, stop words, numbers,
    punctuation and words shorter than ``min_length`` left out).

    >>> segment("希望多组织技能培训，道路维修还需加快")
    ['组织', '技能', '培训', '道路', '维修', '加快']
    """
    stop = load_stopwords() if stopwords is None else stopwords
    text = _MASK.sub(" ", str(text))
    return [w for w in _tokenizer().lcut(text) if len(w) >= min_length and w not in stop
            and _WORD.search(w)]


def _none(texts: pd.Series) -> np.ndarray:
    core = texts.map(lambda v: _PUNCT.sub("", str(v)).lower())
    return core.isin(NONE_ANSWERS).to_numpy()


def code_answers(texts: pd.Series, codes: dict[str, list[str]]) -> pd.DataFrame:
    """One 0/1 column per category: whether the answer contains one of its keywords
    (case-insensitive, spaces ignored). An answer may get several categories.

    >>> code_answers(pd.Series(["修路和路灯", "多搞培训", "无"]),
    ...              {"道路交通": ["修路", "路灯"], "技能培训": ["培训"]}).to_numpy().tolist()
    [[1, 0], [0, 1], [0, 0]]
    """
    t = texts.astype(str).str.replace(r"\s+", "", regex=True).str.lower()
    out = {}
    for cat, words in codes.items():
        pat = "|".join(re.escape(re.sub(r"\s+", "", w).lower()) for w in words)
        out[cat] = t.str.contains(pat, regex=True).astype(np.int64).to_numpy() if pat else np.zeros(len(t), np.int64)
    return pd.DataFrame(out, index=texts.index, columns=list(codes))


def _pick_quotes(texts: pd.Series, k: int) -> list[tuple[str, int]]:
    vc = texts.value_counts()
    frame = pd.DataFrame({"text": vc.index.astype(str), "n": vc.to_numpy()})
    frame["len"] = frame["text"].str.len()
    frame = frame.sort_values(["n", "len", "text"], ascending=[False, False, True], kind="stable")
    return list(zip(frame["text"].head(k), frame["n"].head(k)))


def _cut(text: str) -> str:
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…"


def analyse_text(texts: pd.Series, *, question_id: str = "", title: str = "",
                 codes: dict[str, list[str]] | None = None, stopwords=(), top: int = 30,
                 quotes_per_category: int = QUOTES_PER_CATEGORY, max_quotes: int = MAX_QUOTES) -> TextResult:
    """Word frequencies, keyword codes and masked quotes of open answers.

    Parameters
    ----------
    texts : Series of str
        The answers (missing values are ignored).
    codes : dict, optional
        类别 → 关键词 (``codes:`` in project.yml).
    stopwords : iterable of str
        Extra stop words (``stopwords:`` in project.yml).
    top : int
        Words in the frequency table.
    """
    from .privacy import mask_series

    s = texts.dropna().astype(str)
    s = s[s.str.strip() != ""]
    n = len(s)
    none = _none(s) if n else np.zeros(0, dtype=bool)
    content = s[~none]
    masked = mask_series(content).astype(str) if len(content) else content  # words never show personal data
    stop = load_stopwords(stopwords)
    codes_f, uniq = pd.factorize(masked)
    seg = [segment(u, stop) for u in uniq]
    n_answers: dict[str, int] = {}
    n_occ: dict[str, int] = {}
    uses = np.bincount(codes_f, minlength=len(uniq)) if len(codes_f) else []
    for words, k in zip(seg, uses):
        for w in words:
            n_occ[w] = n_occ.get(w, 0) + int(k)
        for w in set(words):
            n_answers[w] = n_answers.get(w, 0) + int(k)
    words = pd.DataFrame({"word": list(n_answers), "n_answers": list(n_answers.values()),
                          "n_occurrences": [n_occ[w] for w in n_answers]},
                         columns=["word", "n_answers", "n_occurrences"])
    words = words.sort_values(["n_answers", "n_occurrences", "word"], ascending=[False, False, True],
                              kind="stable").head(top).reset_index(drop=True)
    words.insert(2, "share", words["n_answers"] / n if n else np.nan)
    coded = pd.DataFrame(columns=["category", "keywords", "n", "share"])
    quotes_rows: list[dict] = []
    notes: list[str] = []
    if codes:
        m = code_answers(content, codes)
        rows = [{"category": c, "keywords": "、".join(codes[c]), "n": int(m[c].sum())} for c in codes]
        uncoded = m.sum(axis=1).to_numpy() == 0 if len(m.columns) else np.ones(len(content), bool)
        rows.append({"category": UNCODED, "keywords": "", "n": int(uncoded.sum())})
        for c in codes:
            hit = m[c].to_numpy() == 1
            for q, k in _pick_quotes(masked[hit], quotes_per_category):
                quotes_rows.append({"category": c, "quote": _cut(q), "n_same": k})
        for q, k in _pick_quotes(masked[uncoded], quotes_per_category):
            quotes_rows.append({"category": UNCODED, "quote": _cut(q), "n_same": k})
        notes.append("一条回答可归入多个类别，各类别比例之和可超过100%。")
    else:
        for q, k in _pick_quotes(masked, quotes_per_category * 3):
            quotes_rows.append({"category": "", "quote": _cut(q), "n_same": k})
    if codes:
        rows.append({"category": NO_CONTENT, "keywords": "无、没有、暂无等", "n": int(none.sum())})
        coded = pd.DataFrame(rows)
        coded["share"] = coded["n"] / n if n else np.nan
    quotes = pd.DataFrame(quotes_rows, columns=["category", "quote", "n_same"]).head(max_quotes)
    if len(quotes):
        quotes["quote"] = mask_series(quotes["quote"]).astype(str)
    if n and none.any():
        notes.append(f"{int(none.sum())}条回答为“无”“没有”等，没有具体内容，不计入词频。")
    return TextResult(question_id, title, n, int(none.sum()), words, coded, quotes, bool(codes), notes)


def analyse_open_answers(tab, *, codes: dict | None = None, stopwords=(), top: int = 30,
                         quotes_per_category: int = QUOTES_PER_CATEGORY,
                         max_quotes: int = MAX_QUOTES) -> list[TextResult]:
    """Every open question of a :class:`~kit.descriptives.Tabulation` and every question's
    「其他」 texts (those not recoded into an option). ``codes`` is project.yml's ``codes:``:
    {question id: {类别: [关键词]}}, with ``"*"`` for every open question."""
    codes = codes or {}
    out = []
    for q in tab.questions:
        qcodes = {**codes.get("*", {}), **codes.get(q.question_id, {})} or None
        if q.kind == "text" and q.answers is not None:
            out.append(analyse_text(q.answers, question_id=q.question_id, title=q.title, codes=qcodes,
                                    stopwords=stopwords, top=top, quotes_per_category=quotes_per_category,
                                    max_quotes=max_quotes))
        elif q.kind in ("single", "yesno", "scale", "multi") and len(q.other_texts):
            out.append(analyse_text(q.other_texts, question_id=f"{q.question_id}__other_text",
                                    title=f"{q.title}（“其他”填写内容）", codes=qcodes, stopwords=stopwords,
                                    top=top, quotes_per_category=quotes_per_category, max_quotes=max_quotes))
    return out
