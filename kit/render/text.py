"""Chinese typography for documents: full-width punctuation, “ ” quotes, dates, numerals,
widths of text in characters, unbreakable words, sheet names, numeric-looking text.

Every text the rendering layer writes goes through :func:`cn_text` (Word) or the text-safe
cell writer (Excel); the checks in :mod:`kit.render.checks` use the same predicates, so what
the writer produces and what the checks accept cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

__all__ = ["is_cjk", "fullwidth", "cn_quotes", "cn_text", "heading_text", "heading_punctuation", "halfwidth_marks", "cn_date",
           "cn_numeral", "display_width", "words", "longest_word", "looks_numeric",
           "sheet_name", "clean_xml_text"]

# half-width mark -> full-width form used in Chinese running text
_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）", ".": "。"}
_CLOSE_NO_LEAD = "，。；：？！）》”’、"


def is_cjk(ch: str) -> bool:
    """A Han character, or a CJK / full-width punctuation mark.

    >>> [is_cjk(c) for c in "得，A1（"]
    [True, True, False, False, True]
    """
    if not ch:
        return False
    o = ord(ch)
    return (0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF
            or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF or 0x2E80 <= o <= 0x2FDF
            or 0x20000 <= o <= 0x2FA1F or ch in "“”‘’…—·")


def _han(ch: str) -> bool:
    o = ord(ch) if ch else 0
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FA1F


def _paren_pairs(text: str) -> dict[int, int]:
    """Matching half-width parentheses: index of '(' -> index of ')'."""
    stack, pairs = [], {}
    for i, c in enumerate(text):
        if c == "(":
            stack.append(i)
        elif c == ")" and stack:
            pairs[stack.pop()] = i
    return pairs


def _in_cjk_context(text: str, i: int) -> bool:
    """Whether the half-width mark at ``i`` (not a parenthesis) sits in Chinese text: after a
    CJK character, or before one unless it separates digits (1,234; 10:30; 3.5)."""
    c = text[i]
    prev = text[i - 1] if i > 0 else ""
    j = i + 1
    while j < len(text) and text[j] == " ":
        j += 1
    nxt = text[j] if j < len(text) else ""
    if is_cjk(prev) and prev not in "“‘":
        if c == "." and nxt and not (is_cjk(nxt) or nxt == " "):
            return False  # 第3.5 … "版本.docx": not a sentence end
        return True
    if c == ".":
        return False  # "1." heading numbers, decimals, file names stay
    if prev.isdigit() and nxt.isdigit():
        return False
    return bool(nxt) and _han(nxt)


def _marks_to_convert(text: str) -> list[int]:
    """Indices of the half-width marks of ``text`` that sit in Chinese text."""
    convert: set[int] = set()
    chinese = any(_han(ch) for ch in text)
    for o, c in _paren_pairs(text).items():
        inner = text[o + 1:c]
        before = text[o - 1] if o else ""
        after = text[c + 1] if c + 1 < len(text) else ""
        if (any(_han(ch) for ch in inner) or is_cjk(before) or is_cjk(after)
                or (chinese and (before.isdigit() or before in "%‰"))):
            convert.update((o, c))
    convert.update(i for i, ch in enumerate(text)
                   if ch in _FULL and ch not in "()" and _in_cjk_context(text, i))
    return sorted(convert)


def fullwidth(text: str) -> str:
    """Half-width punctuation in Chinese text to its full-width form: ``, ; : ? ! ( ) .``
    next to Chinese characters. Decimals, thousands separators, times, heading numbers
    (「1.」) and Latin text keep theirs; a pair of parentheses becomes full width when it
    encloses or touches Chinese text. Spaces around a converted mark are dropped.

    >>> fullwidth("一、投入(总分15分,自评得分15分。)")
    '一、投入（总分15分，自评得分15分。）'
    >>> fullwidth("满意率: 98.3%(n=412),达到目标.")
    '满意率：98.3%（n=412），达到目标。'
    >>> fullwidth("1.项目立项; 10:30 开会, 共1,234人")
    '1.项目立项；10:30 开会，共1,234人'
    >>> fullwidth("Cronbach's alpha (0.81), p < 0.05")
    "Cronbach's alpha (0.81), p < 0.05"
    """
    convert = set(_marks_to_convert(text))
    out: list[str] = []
    skip_space = False
    for i, ch in enumerate(text):
        if skip_space and ch == " ":
            continue
        skip_space = False
        if i in convert:
            if ch != "(":
                while out and out[-1] == " ":
                    out.pop()
            out.append(_FULL[ch])
            skip_space = ch != "("
        else:
            out.append(ch)
    return "".join(out)


def cn_quotes(text: str) -> str:
    """Corner brackets and straight double quotes to Chinese quotation marks: 「」 → “”,
    『』 → ‘’, and "…" → “…” in text that holds Chinese.

    >>> cn_quotes("「资金到位率」为100%，即\\"三不支出\\"")
    '“资金到位率”为100%，即“三不支出”'
    """
    text = text.translate(str.maketrans({"「": "“", "」": "”", "『": "‘", "』": "’"}))
    if '"' in text and any(_han(c) for c in text):
        parts = text.split('"')
        if len(parts) % 2 == 1:  # balanced
            text = "".join(p + ("“" if k % 2 == 0 else "”") if k < len(parts) - 1 else p
                           for k, p in enumerate(parts))
    return text


def cn_text(text: str) -> str:
    """Running text as a Chinese document prints it: full-width punctuation and “ ” quotes.

    >>> cn_text("「一票否决」指标未通过,等级为较差.")
    '“一票否决”指标未通过，等级为较差。'
    """
    return cn_quotes(fullwidth(str(text)))


# sentence punctuation that a heading never ends with, nor puts before a closing bracket
_SENTENCE_END = "。，；：、．.,;:"
_CLOSERS = "）)》」”’】］"
_BAD_HEAD = re.compile(rf"[{re.escape(_SENTENCE_END)}]+(?=[{re.escape(_CLOSERS)}])"
                       rf"|[{re.escape(_SENTENCE_END)}]+$|([，。；：、！？])(?=[，。；：、])")


def heading_text(text: str) -> str:
    """A heading built from data text, as a heading is printed: no sentence punctuation at
    its end or before a closing bracket (「（总分15分，自评得分15分。）」 → 「（总分15分，自评得分15分）」),
    no doubled punctuation (「。，」). A question or exclamation mark at the end stays.

    >>> heading_text("（一）投入（总分15分，自评得分15分。）")
    '（一）投入（总分15分，自评得分15分）'
    >>> heading_text("1.项目立项。"), heading_text("存在的问题，，原因"), heading_text("为什么？")
    ('1.项目立项', '存在的问题，原因', '为什么？')
    """
    prev = None
    while prev != text:
        prev, text = text, _BAD_HEAD.sub("", text)
    return text


def heading_punctuation(text: str) -> list[str]:
    """What :func:`heading_text` would remove from a heading (empty when the heading is clean).

    >>> heading_punctuation("（一）投入（总分15分。）"), heading_punctuation("一、基本情况")
    (['。'], [])
    """
    return [m.group() for m in _BAD_HEAD.finditer(text)]


def halfwidth_marks(text: str) -> list[str]:
    """The half-width punctuation marks in Chinese context that :func:`fullwidth` converts,
    and any corner-bracket quotes (empty when the text is clean).

    >>> halfwidth_marks("二、过程(总分25分,自评得分23分。)")
    ['(', ',', ')']
    >>> halfwidth_marks("（一）项目管理（总分15分）"), halfwidth_marks("「引号」")
    ([], ['「', '」'])
    """
    return [text[i] for i in _marks_to_convert(text)] + [c for c in text if c in "「」『』"]


def cn_date(d: dt.date | str) -> str:
    """A date as an office writes it, Arabic digits: 2024年3月1日.

    >>> cn_date(dt.date(2024, 3, 1)), cn_date("2024-03-01")
    ('2024年3月1日', '2024年3月1日')
    """
    if isinstance(d, str):
        d = dt.date.fromisoformat(d.strip()[:10])
    return f"{d.year}年{d.month}月{d.day}日"


_DIGITS = "零一二三四五六七八九"


def cn_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (heading numbers).

    >>> [cn_numeral(n) for n in (1, 9, 10, 12, 20, 21, 99)]
    ['一', '九', '十', '十二', '二十', '二十一', '九十九']
    """
    if not 1 <= n <= 99:
        raise ValueError(f"heading number {n} out of range 1-99")
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _DIGITS[tens]) + "十" if tens else "") + (_DIGITS[ones] if ones else "")


def display_width(text: str) -> float:
    """Width of a line of text in character cells: a Chinese character or full-width mark is
    1, a Latin letter, digit or half-width mark 0.5.

    >>> display_width("满意率98.3%"), display_width("“是”")
    (5.5, 3.0)
    """
    w = 0.0
    for ch in str(text):
        if unicodedata.combining(ch) or ch == "\u2060":  # a word joiner has no width
            continue
        w += 1.0 if unicodedata.east_asian_width(ch) in ("W", "F", "A") or is_cjk(ch) else 0.5
    return w


_TERM = 6        # a run of up to this many Chinese characters is kept whole (a name, a label)
_WORD = 4        # longer Chinese prose breaks anywhere; count words of this many characters
_LATIN = re.compile(r"[0-9A-Za-z%‰.+\-−–/<>≥≤=_@#&:,\u2060]+")  # U+2060: a word joiner holds a range  # – : an interval 96.5%–99.2% stays whole


def words(text: str) -> list[str]:
    """The pieces of a cell's text that a column must not break: runs of Latin letters and
    digits (with their signs, decimals and % — 98.3%, <0.001, 2024-03-01), short Chinese
    terms (up to six characters: a name, a grade, a label), and, in longer Chinese prose,
    four-character words. Full-width punctuation may end a line, never start one, so it
    joins the piece before it.

    >>> words("偏差原因分析及改进措施")
    ['偏差原因', '分析及改', '进措施']
    >>> words("满意率95%置信区间"), words("第一党支部（并列）")
    (['满意率', '95%', '置信区间'], ['第一党支部', '（并列）'])
    """
    out: list[str] = []
    for chunk in re.split(r"\s+", str(text).strip()):
        if not chunk:
            continue
        pieces: list[str] = []
        pos = 0
        for m in _LATIN.finditer(chunk):
            pieces += _cjk_pieces(chunk[pos:m.start()])
            pieces.append(m.group())
            pos = m.end()
        pieces += _cjk_pieces(chunk[pos:])
        for p in pieces:  # a closing mark may not start a line: it joins the previous piece
            if out and p and p[0] in _CLOSE_NO_LEAD and not _LATIN.fullmatch(p):
                out[-1] += p[0]
                p = p[1:]
            if p:
                out.append(p)
    return out


def _cjk_pieces(run: str) -> list[str]:
    if not run:
        return []
    parts = [p for p in re.split(r"(?<=[，。；：？！、）》”])|(?=[（《“])", run) if p]
    out = []
    for p in parts:
        han = sum(1 for c in p if not c in _CLOSE_NO_LEAD + "（《“")
        if han <= _TERM:
            out.append(p)
        else:
            out += [p[i:i + _WORD] for i in range(0, len(p), _WORD)]
    return out


def longest_word(text: str) -> float:
    """Display width of the widest unbreakable piece of ``text`` (see :func:`words`).

    >>> longest_word("说明"), longest_word("审计发现问题清单，资金拨付凭证")
    (2.0, 6.0)
    """
    return max((display_width(w) for w in words(text)), default=0.0)


_NUMERIC = re.compile(r"^[+\-−]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?[%‰]?$")
_PVALUE = re.compile(r"^[<＜≤]\s*0?\.\d+$")


def looks_numeric(text) -> bool:
    """Text that a spreadsheet user would take for a number: 98.3%, 4.65, -2, 1,234, <0.001.
    Identifiers are not numbers: a leading zero (007), 16 digits or more (an ID number).

    >>> [looks_numeric(s) for s in ("98.3%", "4.65", "-2", "1,234", "<0.001", "007", "0.5",
    ...                               "1234567890123456", "3（并列）", "第3轮", ".", "")]
    [True, True, True, True, True, False, True, False, False, False, False, False]
    """
    if not isinstance(text, str):
        return False
    s = text.strip()
    if _PVALUE.match(s):
        return True
    if not s or not _NUMERIC.match(s) or not any(c.isdigit() for c in s):
        return False
    digits = re.sub(r"\D", "", s.split(".")[0])
    if len(digits) > 1 and digits.startswith("0") and "," not in s:
        return False
    return len(re.sub(r"\D", "", s)) <= 15


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_name(name: str, taken=()) -> str:
    """A valid, unique Excel sheet name: the characters Excel forbids (``[]:*?/\\``) replaced,
    no leading or trailing apostrophe, at most 31 characters, and a number added when the
    name is taken (case-insensitive, as Excel compares).

    >>> sheet_name("分组:乡镇/题目[1]"), sheet_name("维度", taken=["维度"])
    ('分组_乡镇_题目_1_', '维度（2）')
    >>> len(sheet_name("很长" * 20))
    31
    """
    base = _SHEET_BAD.sub("_", str(name)).strip().strip("'") or "表"
    if base.lower() == "history":
        base = "History表"
    seen = {t.lower() for t in taken}
    cand, k = base[:31], 1
    while cand.lower() in seen:
        k += 1
        suffix = f"（{k}）"
        cand = base[:31 - len(suffix)] + suffix
    return cand


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_xml_text(text: str) -> str:
    """Text without the control characters that XML (and so Word and Excel) cannot hold.

    >>> clean_xml_text("a\\x07b\\tc")
    'ab\\tc'
    """
    return _ILLEGAL.sub("", text)
