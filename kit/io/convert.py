"""From a :class:`ParsedExport` (and optionally a codebook) to :class:`Responses`.

This is shared by every platform: type inference when there is no codebook, matching a codebook
to the export's columns, turning labels and codes into option codes or scores, keeping the kinds
of missing answers apart, hashing personal fields and masking free text.

Text columns are handled per *distinct value*, not per cell: a column is factorised once
(``pd.factorize``: Arrow's dictionary encoding for fastexcel's strings) and every label, marker,
fill-in and mask is worked out on the distinct values, then taken back to the cells with one
array index. A 100,000-row 按文本 download has a few hundred distinct labels per column.
"""

from __future__ import annotations

import math
import re
import weakref
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import missing as M
from ..background import in_thread
from ..errors import QuestionnaireError
from ..privacy import contains_personal, hash_series, mask_text, take_strings
from ..questionnaire import Option, Question, Questionnaire, Row, normalise_title, _norm_label
from .model import META_FIELDS, ParsedExport, ParsedQuestion, Part
from .personal import KIND_ZH, keep_kind, personal_kind
from .scales import (AWARENESS_PAIRS, FAMILY_ZH, SCALE_WORDS, YES_NO, ScaleMatch,
                     is_identity_title, match_scale)

__all__ = ["infer_questionnaire", "draft_questionnaire", "Draft", "build_columns",
           "match_questionnaire", "MISSING_TEXT"]

MISSING_TEXT = {"(跳过)": M.SKIPPED, "（跳过）": M.SKIPPED, "(空)": M.EMPTY, "（空）": M.EMPTY,
                "NULL": M.BLANK, "null": M.BLANK, "": M.BLANK}
_KIND = {k: M.KINDS.index(k) for k in M.KINDS}
_BLANK = _KIND[M.BLANK]
_OTHER = re.compile(r"〖(.*?)〗", re.S)
WIDE = 1000  # an export with this many columns or more shows its progress while it converts
SATISFACTION_SCORES = {
    "非常满意": 5, "很满意": 5, "十分满意": 5, "满意": 4, "比较满意": 4, "较满意": 4,
    "基本满意": 3, "一般": 3, "不太满意": 2, "不满意": 2, "较不满意": 2, "比较不满意": 2,
    "非常不满意": 1, "很不满意": 1, "十分不满意": 1,
}


# ---------------------------------------------------------------------------- primitives
def _progress(items, n_columns: int, desc: str):
    """Wide exports (thousands of columns) say how far they are; narrow ones stay quiet."""
    if n_columns < WIDE:
        return items
    from tqdm import tqdm

    return tqdm(items, total=len(items), desc=desc, unit="题", leave=False, mininterval=0.5)


def _n_columns(parsed: ParsedExport) -> int:
    return sum(len(pq.parts) for pq in parsed.questions)


def _cell_text(v) -> str:
    """A cell as text: whole numbers without '.0', missing as ''."""
    if v is None or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        return str(int(v)) if v.is_integer() else str(v)
    return str(v).strip()


_FACTORIZED: dict[int, tuple] = {}


def _forget(key: int):
    return lambda _ref: _FACTORIZED.pop(key, None)


def _factorize(s: pd.Series) -> tuple[np.ndarray, list[str]]:
    """``codes`` (one per cell, -1 where the cell is empty) and the distinct texts, stripped.

    A column is factorised once per load, however many steps read it (inference, conversion):
    the result is kept while the column lives (a weak reference drops it with the column).

    >>> _factorize(pd.Series(["满意", " 满意", None, 3.0]))
    (array([ 0,  1, -1,  2]), ['满意', '满意', '3'])
    """
    hit = _FACTORIZED.get(id(s))
    if hit is not None and hit[0]() is s:
        return hit[1], hit[2]
    codes, texts = _factorize_now(s)
    try:
        _FACTORIZED[id(s)] = (weakref.ref(s, _forget(id(s))), codes, texts)
    except TypeError:  # not weak-referenceable: no caching
        pass
    return codes, texts


def factorize_ahead(columns: list[pd.Series]):
    """Factorise Arrow text columns in a background thread; returns what waits for it (call it
    before the columns are read; None when no column is Arrow text): Arrow's hashing runs
    without the GIL, beside work that holds it (the metadata's keyed hashes). The results land
    in the cache :func:`_factorize` reads; a column that fails here is simply factorised again,
    and its error raised, where it is used."""
    todo = [s for s in columns if isinstance(s.array, pd.arrays.ArrowStringArray)]
    if not todo:
        return None

    def run():
        for s in todo:
            try:
                _factorize(s)
            except Exception:  # noqa: BLE001 - read again where the column is used
                return

    return in_thread(run, name="kit-factorize-ahead")


def _factorize_now(s: pd.Series) -> tuple[np.ndarray, list[str]]:
    if s.dtype.kind in "fiub":
        codes, uniq = pd.factorize(s.to_numpy(dtype="float64", na_value=np.nan),
                                   use_na_sentinel=True)
    elif isinstance(s.array, pd.arrays.ArrowStringArray):  # fastexcel's text: Arrow's own hashing
        import pyarrow as pa
        import pyarrow.compute as pc

        arr = pa.array(s.array)
        enc = pc.dictionary_encode(arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr)
        codes = enc.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.intp)
        return codes, [_cell_text(u) for u in enc.dictionary.to_pylist()]
    else:
        codes, uniq = pd.factorize(s, use_na_sentinel=True)
    return np.asarray(codes), [_cell_text(u) for u in np.asarray(uniq, dtype=object)]


def _take(values: list, codes: np.ndarray, fill=None) -> np.ndarray:
    """Per-distinct-value results back onto the cells (code -1 takes ``fill``)."""
    arr = np.empty(len(values) + 1, dtype=object)
    arr[:-1] = values
    arr[-1] = fill
    return arr[codes]


def _as_text(s: pd.Series) -> pd.Series:
    """Text view of a raw column: numbers that are whole print without '.0'; '' where empty."""
    codes, texts = _factorize(s)
    return pd.Series(_take(texts, codes, ""), index=s.index, dtype=object)


def _per_distinct(s: pd.Series, value_fn, missing: int = _BLANK):
    """Work a column out once per distinct text: ``codes`` into the distinct texts, each
    distinct text's missing kind (markers such as ``(跳过)``; an empty cell is ``missing``) and
    ``value_fn(text)`` for the others."""
    fc, texts = _factorize(s)
    kinds_u = np.full(len(texts) + 1, missing, dtype=np.int8)
    values_u: list = [None] * len(texts)
    for i, t in enumerate(texts):
        mk = MISSING_TEXT.get(t)
        if mk is None:
            kinds_u[i] = M.NONE
            values_u[i] = value_fn(t)
        else:
            kinds_u[i] = _KIND[mk]
    return fc, kinds_u, values_u


def text_kinds(text: pd.Series, mask: bool = True, names: bool = False) -> tuple[pd.Series, np.ndarray]:
    """Answer text with missing markers removed, and the missing kind code of each cell.

    Personal numbers are masked in every answer; ``names=True`` (free text) masks personal
    names too. Choice answers keep names so that they still match their option labels; what is
    kept of them as text (〖其他〗 answers) is masked with names by :func:`_text_labels`."""
    fc, kinds_u, clean_u = _per_distinct(
        text, (lambda t: mask_text(t, names=names)) if mask else str)
    return pd.Series(_take(clean_u, fc), index=text.index, dtype=object), kinds_u[fc]


_PLAIN_NUMBER = re.compile(r"\s*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*")


def _number_or_text(t: str):
    """A code as written in a 按序号 cell (ASCII digits: ``４`` and ``4分`` are text)."""
    if not _PLAIN_NUMBER.fullmatch(t):
        return mask_text(t)
    v = float(t)
    return v if math.isfinite(v) else mask_text(t)


def code_kinds(codes: pd.Series, missing_codes: dict[int, str]) -> tuple[np.ndarray, np.ndarray, pd.Series | None]:
    """Numeric codes (float array, NaN where missing), missing kinds, and any non-numeric text
    (masked), whose cells are of kind ``invalid``: text in a code cell (满意, ４, 4分, =SUM(…))
    is an answer that cannot be read, not answered and not silently blank.

    >>> num, kinds, other = code_kinds(pd.Series(["4", "满意", "４", "-3", None]), {-3: "skipped"})
    >>> num.tolist()[:1], [M.KINDS[k] if k >= 0 else None for k in kinds], other.dropna().tolist()
    ([4.0], [None, 'invalid', 'invalid', 'skipped', 'blank'], ['满意', '４'])
    """
    other = None
    if codes.dtype.kind in "fi":
        num = codes.to_numpy(dtype="float64", na_value=np.nan, copy=True)
        kinds = np.full(len(codes), M.NONE, dtype=np.int8)
    else:
        fc, kinds_u, vals_u = _per_distinct(codes, _number_or_text, missing=M.NONE)
        num_u = np.array([v if isinstance(v, float) else np.nan for v in vals_u] + [np.nan])
        other_u = [v if isinstance(v, str) else None for v in vals_u]
        num, kinds = num_u[fc], kinds_u[fc]
        if any(o is not None for o in other_u):
            other = pd.Series(_take(other_u, fc), index=codes.index, dtype=object)
            kinds[other.notna().to_numpy()] = _KIND[M.INVALID]
    num = np.array(num, dtype="float64")  # writable copy
    for code, kind in missing_codes.items():
        hit = num == code
        if hit.any():
            kinds[hit] = M.KINDS.index(kind)
            num[hit] = np.nan
    blank = np.isnan(num) & (kinds == M.NONE)
    if other is not None:
        blank &= other.isna().to_numpy()
    kinds[blank] = _BLANK
    return num, kinds, other


def _strip_other(label: str) -> tuple[str, str | None]:
    """'有独卫〖一半一半〗' -> ('有独卫', '一半一半'); the fill-in text of one option.

    >>> _strip_other("其他〖集市〗")
    ('其他', '集市')
    >>> _strip_other("满意")
    ('满意', None)
    """
    m = _OTHER.search(label)
    if not m:
        return label.strip(), None
    return (label[: m.start()] + label[m.end():]).strip(), m.group(1).strip() or None


def _join_others(found: list[tuple[str, str]]) -> str | None:
    """Fill-ins of one answer: one alone as written, several each after its option's label.

    >>> _join_others([("有独卫", "一半一半"), ("有独浴", "公浴在本层")])
    '有独卫：一半一半；有独浴：公浴在本层'
    """
    if not found:
        return None
    if len(found) == 1:
        return found[0][1]
    return "；".join(f"{lb}：{t}" for lb, t in found)


def _split_joined(cell: str, sep: str) -> tuple[list[str], str | None]:
    """A '┋'/'→'-joined answer: its option labels in order, and its fill-ins."""
    labels, found = [], []
    for x in cell.split(sep):
        if not x.strip():
            continue
        lb, oth = _strip_other(x)
        labels.append(lb)
        if oth:
            found.append((lb, oth))
    return labels, _join_others(found)


# ----------------------------------------------------------------------------- inference
_FREE_TITLE = re.compile(r"建议|意见|请注明|请填写|请说明|原因|还有什么|其他想法|留言|备注|补充")
_PERSONAL_TITLE = (("nickname", re.compile(r"网名|昵称|代号")),
                   ("respondent_id", re.compile(r"微信号|QQ号|学号|工号|用户ID|OpenID", re.I)))
_DIGITS7 = re.compile(r"\d{7}")
_YES_NO_WORDS = {_norm_label(w) for pair in YES_NO for w in pair}


@dataclass
class _Answers:
    """What one question's answers show, all its columns pooled."""
    labels: list[str] = field(default_factory=list)    # distinct labels, fill-ins removed
    counts: Counter = field(default_factory=Counter)
    n: int = 0                                         # answered cells
    pairs: dict[int, Counter] = field(default_factory=dict)  # code -> labels seen with it
    numbers: set[float] = field(default_factory=set)   # distinct codes/numbers (codes file)
    has_codes: bool = False
    words_in_codes: bool = False                       # a codes column holding words: free text
    n_words: int = 0                                   # answered cells of a codes column in words
    samples: list[str] = field(default_factory=list)   # distinct raw texts (personal checks)

    def add_label(self, lb: str, k: int) -> None:
        if lb not in self.counts:
            self.labels.append(lb)
        self.counts[lb] += k


def _answers(parts: list[Part], missing_codes) -> _Answers:
    a = _Answers()
    for p in parts:
        if p.codes is not None:
            a.has_codes = True
            num, _, other = code_kinds(p.codes, missing_codes)
            ok = ~np.isnan(num)
            a.n += int(ok.sum())
            a.numbers |= set(np.unique(num[ok]).tolist())
            a.samples += [_cell_text(v) for v in list(a.numbers)[:500]]
            if other is not None:
                a.words_in_codes = True
                words = other.dropna().unique().tolist()
                a.samples += words[:500]
                a.n += int(other.notna().sum())
                a.n_words += int(other.notna().sum())
            if p.text is not None:  # a 按文本 twin: which label goes with which code
                fc, texts = _factorize(p.text)
                both = ok & (fc >= 0)
                pairs = pd.DataFrame({"c": num[both].astype(np.int64), "t": fc[both]}).value_counts()
                for (c, t), k in pairs.items():
                    lb = _strip_other(mask_text(texts[t], names=False))[0]
                    if texts[t] not in MISSING_TEXT and lb:
                        a.pairs.setdefault(int(c), Counter())[lb] += int(k)
                        a.add_label(lb, int(k))
            for c in np.unique(num[ok]):
                a.pairs.setdefault(int(c), Counter())
        elif p.text is not None:
            fc, texts = _factorize(p.text)
            counts = np.bincount(fc + 1, minlength=len(texts) + 1)[1:]  # code -1 (empty) first
            for t, k in zip(texts, counts):
                if k and t not in MISSING_TEXT:
                    a.samples.append(t)
                    lb = _strip_other(mask_text(t, names=False))[0]
                    if lb:
                        a.add_label(lb, int(k))
                        a.n += int(k)
    a.samples = a.samples[:1000]
    return a


def _numbers(labels: list[str]) -> list[float] | None:
    out = []
    for lb in labels:
        try:
            v = float(lb)
        except ValueError:
            return None
        out.append(v)
    return out


def _code_like(values) -> bool:
    """Option codes: whole numbers from 0 to 60 (a province list has 34); sliders, money and
    counts beyond that are numbers typed or dragged, not options."""
    return bool(values) and all(float(v).is_integer() and 0 <= v <= 60 for v in values)


def _choice_words(labels: list[str], title: str) -> bool:
    norm = [_norm_label(lb) for lb in labels]
    return bool(norm) and (all(n in SCALE_WORDS or n in _YES_NO_WORDS for n in norm)
                           or match_scale(labels, title) is not None)


def _free_text(a: _Answers, title: str) -> tuple[bool, str]:
    """Free text or a choice: the answers decide; the title only breaks a tie."""
    if a.n == 0:
        return True, "没有任何回答，按填空题起草；请核对题型"
    if a.words_in_codes and 2 * a.n_words >= a.n:
        # half the answers words: free text; a few words typed into a code column do not make
        # it one (they are invalid cells of a choice question)
        return True, "按序号文件中本题的答案是文字，是填空题"
    if a.has_codes:  # a 按序号 column: codes are options, other numbers were typed in
        if not _code_like(a.numbers):
            return True, "答案是数值（不像选项编码），按数值填空题起草；请核对"
        return False, ""
    if _choice_words(a.labels, title):
        return False, ""
    nums = _numbers(a.labels)
    if nums is not None:
        if _code_like(nums):
            return False, "答案都是较小的整数，按选项起草；如为数值填空题，请把 type 改为 text 并删去 options"
        return True, "答案是数值，按数值填空题起草"
    if max(len(lb) for lb in a.labels) > 40 or any(_DIGITS7.search(lb) for lb in a.labels):
        return True, "答案是较长的文字，是填空题"
    k = len(a.labels)
    if (k > 30 and k > 0.3 * a.n) or (a.n >= 8 and k >= 0.9 * a.n):
        return True, "答案几乎各不相同，是填空题"
    if _FREE_TITLE.search(title or ""):
        return True, "答案不足以判断题型；题目中有「" + _FREE_TITLE.search(title).group(0) + \
            "」，按填空题起草；如是选择题，请改为 single 并列出选项"
    return False, "答案不足以判断题型，按单选题起草；请核对"


def _personal(a: _Answers, title: str) -> str | None:
    """Personal data (:func:`kit.io.personal.personal_kind`: by the answers, or by a title the
    answers bear out), unless the answers are choice words (「您是否知道第一书记的姓名」 is a
    yes/no question); 网名/代号 and account numbers by their titles."""
    if a.labels and _choice_words(a.labels, title):
        return None  # 满意, 知道, 8分: never a phone number or a name
    digits = any(_DIGITS7.search(t) or "@" in t for t in a.samples)
    kind = personal_kind(pd.Series(a.samples if digits else [], dtype=object), title)
    if kind:
        return kind
    return next((k for k, rx in _PERSONAL_TITLE if rx.search(title or "")), None)


def _given(options: list[Option], title: str) -> tuple[list[Option], ScaleMatch | None]:
    """Options the export lists (codes and labels): with scores when they are a known scale."""
    if any(o.score is not None for o in options):
        return options, None
    m = match_scale([o.label for o in options], title)
    if m is None or len(m.level_of) != len(options):
        return options, None
    return [Option(code=o.code, label=o.label, score=m.level_of[o.label]) for o in options], m


def _fit_codes(observed: dict[float, int]) -> tuple[int, int] | None:
    """code = a * level + b (a = +1 or -1) through every observed (level, code), if one does."""
    if len(observed) < 2:
        return None
    for a in (1, -1):
        bs = {c - a * lv for lv, c in observed.items()}
        if len(bs) == 1 and float(next(iter(bs))).is_integer():
            return a, int(next(iter(bs)))
    return None


def _scale_options(m: ScaleMatch, code_of: dict[str, int] | None, checks: list[str]) -> list[Option]:
    """Every level of a recognised scale; codes from the export where it shows them."""
    label_at = {lv: lb for lb, lv in m.level_of.items()}
    if code_of is None:  # text only: codes in scale order (points: the points themselves)
        codes = {lv: (int(lv) if m.family == "points" else i + 1) for i, lv in enumerate(m.levels)}
        checks.append("没有按序号文件：选项编码按量表顺序推定（" + (
            "编码即分数" if m.family == "points" else "从最差到最好为1、2、3…") +
            "），请与问卷星「按序号」下载核对")
    else:
        seen = {m.level_of[lb]: c for lb, c in code_of.items() if lb in m.level_of}
        fit = _fit_codes(seen)
        if fit is None and len(seen) == 1 and m.family == "points":
            lv, c = next(iter(seen.items()))
            fit = (1, int(c - lv))  # 问卷星 numbers a points item's options in order (0分 is 1)
        codes = dict(seen)
        if fit is not None:
            for lv in m.levels:
                codes.setdefault(lv, int(fit[0] * lv + fit[1]))
        nxt = max(codes.values(), default=0) + 1
        for lv in m.levels:
            if lv not in codes:
                codes[lv], nxt = nxt, nxt + 1
        if m.completed and fit is None:
            checks.append("未出现的选项的编码无法从答卷推出，暂按顺序编号，请与问卷核对")
    opts = [Option(code=int(codes[lv]), label=label_at.get(lv, m.canonical[i]), score=lv)
            for i, lv in enumerate(m.levels)]
    if len({o.code for o in opts}) < len(opts):  # a clash: keep the observed codes, renumber the rest
        used, nxt = {codes[lv] for lv in label_at}, max(codes.values()) + 1
        for o in opts:
            if o.label not in m.level_of and o.code in used:
                o.code, nxt = nxt, nxt + 1
            used.add(o.code)
    if m.completed:
        added = "、".join(f"“{o.label}”" for o in opts if o.score in m.completed)
        checks.append(f"按{m.name}补全了答卷中没有出现的选项 {added}，请核对选项文字")
    return sorted(opts, key=lambda o: o.code)


def _choice_options(a: _Answers, title: str, checks: list[str]) -> tuple[list[Option], ScaleMatch | None]:
    """Options of a single-choice column (or all rows of a matrix), known scales in full."""
    code_of: dict[str, int] | None = None
    if a.pairs:
        code_label = {c: (cnt.most_common(1)[0][0] if cnt else None) for c, cnt in sorted(a.pairs.items())}
        if any(lb is None for lb in code_label.values()):
            checks.append("只有按序号文件：选项文字未知，请在问卷定义中补全选项文字" +
                          ("与分值" if code_label else ""))
            return [Option(code=c, label=lb or f"选项{c}") for c, lb in code_label.items()], None
        labels = list(code_label.values())
        if len(set(labels)) == len(labels):
            code_of = {lb: c for c, lb in code_label.items()}
        else:
            checks.append("同一选项文字对应多个编码，请核对")
            return [Option(code=c, label=lb) for c, lb in code_label.items()], None
    else:
        labels = list(a.labels)
    m = match_scale(labels, title)
    if m is not None:
        return _scale_options(m, code_of, checks), m
    if code_of is None:
        checks.append("没有按序号文件：选项编码按答案出现的顺序推定，请与问卷星「按序号」下载核对")
        code_of = {lb: i + 1 for i, lb in enumerate(labels)}
    return sorted((Option(code=c, label=lb) for lb, c in code_of.items()), key=lambda o: o.code), None


def _yes_no(opts: list[Option]) -> tuple[str, str] | None:
    labels = {_norm_label(o.label) for o in opts}
    return next(((y, n) for y, n in YES_NO if labels and labels <= {y, n}), None)


def _complete_pair(opts: list[Option], pair: tuple[str, str], checks: list[str]) -> list[Option]:
    have = {_norm_label(o.label) for o in opts}
    for word in pair:
        if word not in have:
            code = max((o.code for o in opts), default=0) + 1
            opts = opts + [Option(code=code, label=word)]
            checks.append(f"补全了答卷中没有出现的选项“{word}”（编码{code}为推定），请核对")
    return opts


def _mark_satisfied(q: Question, m: ScaleMatch | None, checks: list[str]) -> None:
    """satisfied only where the labels say 满意 (the top two levels) or 知道/了解 (awareness);
    the comment says how to count it only where the text asks for it (:mod:`kit.eligibility`'s
    word lists): never an importance rating as 满意, never a membership question as 知晓."""
    from ..eligibility import asks_awareness, satisfaction_basis

    if q.type == "yesno":
        pair = _yes_no(q.options)
        yes = next(o.code for o in q.options if _norm_label(o.label) == pair[0])
        if pair in AWARENESS_PAIRS:
            q.satisfied = [yes]
            checks.append(f"按“{pair[0]}”计为知晓（satisfied: [{yes}]），请核对")
        elif asks_awareness(q.title):
            checks.append(f"选项“{pair[0]}/{pair[1]}”不说明是否知晓，未设 satisfied；题干问的是是否知道"
                          f"（了解、听说过）某事：如计知晓率，加上 satisfied: [{yes}]")
        elif is_identity_title(q.title):
            checks.append("身份类问题：不计知晓率，不设 satisfied")
        else:
            checks.append("题干没有问是否知道、了解或听说过某事：不是知晓题，不设 satisfied")
        return
    if m is None:
        return
    by_score = sorted(q.options, key=lambda o: o.score)
    if m.family == "satisfaction":
        top = by_score[-1:] if m.points == 2 else by_score[-2:]
        q.satisfied = sorted(o.code for o in top)
        checks.append("满意项按“" + "”“".join(o.label for o in top) + f"”计（satisfied: {q.satisfied}），请核对")
    else:
        top = sorted(o.code for o in by_score[-2:])
        why_not = satisfaction_basis(q, m)
        if why_not:
            checks.append(f"{why_not}：未设 satisfied")
        else:
            checks.append(f"选项是{m.name}，题干说的是满意：未设 satisfied；如计入满意率，加上 "
                          f"satisfied: {top}（最高两档）")


@dataclass
class Draft:
    """A drafted codebook: the questionnaire, what to check for each question, and notes."""
    questionnaire: Questionnaire
    checks: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _infer(pq: ParsedQuestion, qid: str, missing_codes) -> tuple[Question, list[str]]:
    """One question's draft and the things an evaluator should check about it."""
    checks: list[str] = []
    q = Question(id=qid, title=pq.title, type="single", number=pq.number, required=pq.required)
    hint = pq.hint
    if pq.structure == "options":
        rank = hint == "ranking"
        for p in pq.parts:
            if p.codes is not None:
                num, kinds, _ = code_kinds(p.codes, missing_codes)
                if (kinds == M.KINDS.index(M.NOT_RANKED)).any() or np.nanmax(np.append(num, 0)) > 1:
                    rank = True
            if p.text is not None and any("→" in t for t in _factorize(p.text)[1]):
                rank = True
        q.type = "ranking" if rank else "multi"
        q.options = pq.options or [Option(code=i + 1, label=p.label or f"选项{i + 1}")
                                   for i, p in enumerate(pq.parts)]
        return q, checks
    if hint in ("number", "date", "cascade"):  # a measurement, a date, a cascading picker
        q.type = hint
        if hint == "cascade":
            q.rows = [Row(id=f"{qid}_{i + 1}", label=p.label or f"第{i + 1}级")
                      for i, p in enumerate(pq.parts)]
        return q, checks
    if pq.structure == "blanks" or hint == "text":
        q.type = "text"
        if pq.structure == "single":
            q.personal = _personal(_answers(pq.parts, missing_codes), pq.title)
        return q, checks
    if pq.structure == "rows":
        a = _answers(pq.parts, missing_codes)
        text, why = False, ""
        if not pq.options:  # any row typed in (a place, a number): the question is fill-ins
            text, why = next((r for r in (_free_text(_answers([p], missing_codes), "")
                                          for p in pq.parts) if r[0]), (False, ""))
        if text:
            q.type = "text"
            checks.append(why.replace("是填空题", "按多项填空题起草"))
            return q, checks
        q.type = "matrix"
        q.rows = [Row(id=f"{qid}_{i + 1}", label=p.label or f"第{i + 1}行")
                  for i, p in enumerate(pq.parts)]
        q.options, m = _given(pq.options, pq.title) if pq.options else _choice_options(
            a, pq.title, checks)
        _mark_satisfied(q, m, checks)
        return q, checks
    p = pq.parts[0]
    if p.codes is None or p.text is not None:
        words = _factorize(p.text)[1] if p.text is not None else []
        for qtype, sep in (("multi", "┋"), ("ranking", "→")):
            if hint == qtype or (pq.may_be_joined and hint is None and p.codes is None
                                 and any(sep in t for t in words)):
                q.type = qtype
                labels: list[str] = []
                for t in words:
                    if t not in MISSING_TEXT:
                        for lb in _split_joined(mask_text(t, names=False), sep)[0]:
                            if lb not in labels:
                                labels.append(lb)
                q.options = pq.options or [Option(code=i + 1, label=lb) for i, lb in enumerate(labels)]
                checks.append("选项来自答案文字：没有人选过的选项不会出现，请补全（编码按出现顺序推定）")
                return q, checks
    a = _answers(pq.parts, missing_codes)
    kind = _personal(a, pq.title)
    if kind:
        q.type, q.personal = "text", kind
        checks.append(f"个人信息（{kind}）：载入时只保留加盐哈希；问卷定义中不列出任何答案")
        return q, checks
    text, why = (False, "") if pq.options else _free_text(a, pq.title)
    if why:
        checks.append(why)
    if text:
        q.type = "text"
        return q, checks
    if pq.options:
        q.options, m = _given(pq.options, pq.title)
    else:
        q.options, m = _choice_options(a, pq.title, checks)
    pair = _yes_no(q.options)
    if pair is not None:
        q.type = "yesno"
        q.options = _complete_pair(q.options, pair, checks)
    elif q.options and all(o.score is not None for o in q.options):
        q.type = "scale"
    _mark_satisfied(q, m, checks)
    # never a personal value in a codebook, however the question was classified
    labels = [o.label for o in q.options]
    if any(_DIGITS7.search(lb) or "@" in lb for lb in labels) and contains_personal(
            pd.Series(labels, dtype=object)):
        q.type, q.options, q.satisfied, q.personal = "text", [], None, "phone"
        checks[:] = ["选项中出现电话、身份证号或邮箱：按个人信息处理，问卷定义中不列出任何答案"]
    return q, checks


def infer_question(pq: ParsedQuestion, qid: str, missing_codes) -> tuple[Question, list[str]]:
    q, checks = _infer(pq, qid, missing_codes)
    return q, [f"{qid}: {c}" for c in checks]


def _qid(pq: ParsedQuestion, used: set[str]) -> str:
    base = f"q{pq.number}" if pq.number is not None else (
        re.sub(r"[^A-Za-z0-9_]", "_", pq.key).strip("_").lower() or "q")
    if not re.match(r"^[A-Za-z_]", base):
        base = "q" + base
    qid, i = base, 2
    while qid in used:
        qid, i = f"{base}_{i}", i + 1
    used.add(qid)
    return qid


def _export_title(parsed: ParsedExport) -> str:
    """The questionnaire's title as the export names it (问卷星: the title part of the file name)."""
    if parsed.platform == "wjx" and parsed.files:
        from .wjx import parse_filename

        return parse_filename(parsed.files[0]).title or ""
    return ""


def draft_questionnaire(parsed: ParsedExport, title: str | None = None) -> Draft:
    """Draft a codebook from what the export shows, with what to check for each question."""
    used: set[str] = set(META_FIELDS) | {"ip_hash"}
    questions, checks = [], {}
    for pq in _progress(parsed.questions, _n_columns(parsed), "推定题型"):
        q, c = _infer(pq, _qid(pq, used), parsed.missing_codes)
        if pq.header and pq.header.strip() != pq.title:
            q.headers = [pq.header.strip()]
        for r in q.rows:
            used.add(r.id)
        questions.append(q)
        checks[q.id] = c
    from ..privacy import mask_filename, mask_questionnaire_labels

    # a draft holds no personal data: the title taken from a file name, and option labels that
    # are names or phone numbers, are masked (build_columns still matches them to the export)
    qn = Questionnaire(title=title or mask_filename(_export_title(parsed)), questions=questions,
                       platform=parsed.platform)
    mask_questionnaire_labels(qn)
    return Draft(qn, checks, list(parsed.notes))


def infer_questionnaire(parsed: ParsedExport, title: str = "") -> tuple[Questionnaire, list[str]]:
    """Draft a codebook from what the export shows (see :func:`draft_questionnaire`)."""
    d = draft_questionnaire(parsed, title or None)
    notes = [f"{qid}: {c}" for qid, cs in d.checks.items() for c in cs
             if "编码按" in c or "选项文字未知" in c]
    if len(notes) > 5:
        notes = notes[:5] + [f"另有{len(notes) - 5}题的选项编码为推定（kit init-questionnaire 可起草问卷定义逐题核对）"]
    return d.questionnaire, notes

# ------------------------------------------------------------------------------ matching
def _similar(a: str, b: str) -> bool:
    from difflib import SequenceMatcher

    return bool(a and b) and (a in b or b in a or SequenceMatcher(None, a, b).ratio() >= 0.6)


def match_questionnaire(parsed: ParsedExport, qn: Questionnaire) -> list[tuple[Question, ParsedQuestion]]:
    """Pair each codebook question with the export's question: by title, then by number."""
    by_title: dict[str, list[ParsedQuestion]] = {}
    for pq in parsed.questions:
        by_title.setdefault(normalise_title(pq.title), []).append(pq)
        if pq.header:
            by_title.setdefault(normalise_title(pq.header), []).append(pq)
    taken: set[int] = set()
    pairs, missing_q = [], []
    for q in qn.questions:
        found = None
        for t in [q.title] + q.headers:
            for pq in by_title.get(normalise_title(t), []):
                if id(pq) not in taken and (q.number is None or pq.number in (None, q.number)):
                    found = pq
                    break
            if found:
                break
        if found is None and q.number is not None:
            # same number and a similar title (an evaluator may shorten titles); never number alone
            cands = [pq for pq in parsed.questions if pq.number == q.number and id(pq) not in taken
                     and _similar(normalise_title(pq.title), normalise_title(q.title))]
            if len(cands) == 1:
                found = cands[0]
        if found is None:
            missing_q.append(q)
            continue
        taken.add(id(found))
        pairs.append((q, found))
    unmatched = [pq for pq in parsed.questions if id(pq) not in taken]
    if missing_q or unmatched:
        lines = []
        if unmatched:
            lines.append("导出文件中这些列在问卷定义里找不到："
                         + "；".join(f"「{pq.header}」" for pq in unmatched))
        if missing_q:
            lines.append("问卷定义中这些题目在导出文件里找不到"
                         ": " + "；".join(f"{q.id}「{q.title}」" for q in missing_q))
        raise QuestionnaireError("问卷定义与导出文件的表头不一致。" + " ".join(lines),
                                 path=qn.path or parsed.files[0])
    return pairs


# ---------------------------------------------------------------------------- conversion
def _nullable_int(num: np.ndarray) -> pd.Series:
    """Float codes with NaN for missing -> a nullable Int64 Series."""
    return pd.Series(pd.arrays.IntegerArray(*_int_codes(num)), copy=False)


def _int_codes(num: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Float codes with NaN for missing -> whole codes (0 where missing) and the NA mask."""
    missing = np.isnan(num)
    return np.where(missing, 0, num).astype("int64"), missing


class ColumnSink:
    """Collects output columns, their missing kinds and their rows of ``Responses.questions``,
    and the raw text of every invalid cell with the reason it could not be read."""

    def __init__(self, index: pd.Index):
        self.index = index
        self.data: dict[str, pd.Series] = {}
        self.kinds: dict[str, np.ndarray] = {}
        self.rows: list[dict] = []
        self.invalid: list[dict] = []

    def add(self, name: str, values: pd.Series, kinds: np.ndarray | None, invalid=None, **meta):
        """``invalid``: ``(raw, why)``, the column's raw cells (a Series) and the reason, one
        string or one per cell, kept for the cells whose kind is ``invalid``."""
        if name in self.data:
            raise QuestionnaireError(f"输出列名「{name}」重复")
        values.index = self.index
        self.data[name] = values
        if kinds is None:
            kinds = np.where(values.isna().to_numpy(), M.KINDS.index(M.BLANK), M.NONE).astype(np.int8)
        self.kinds[name] = kinds
        self.rows.append({"column": name, **meta})
        at = np.flatnonzero(kinds == _KIND[M.INVALID])
        if len(at):
            raw, why = invalid if invalid is not None else (None, "无法识别")
            texts = [""] * len(at) if raw is None else [
                mask_text(_cell_text(v)) for v in raw.iloc[at].tolist()]
            for text, i in zip(texts, at):
                reason = (why if isinstance(why, str) else why[i]) or "无法识别"
                self.invalid.append({"position": int(i), "column": name, "raw": text,
                                     "reason": reason,
                                     "code": "pair_mismatch" if reason == PAIR_MISMATCH
                                     else "out_of_range"})

    def rename(self, old: str, new: str) -> None:
        self.data = {(new if k == old else k): v for k, v in self.data.items()}
        self.kinds = {(new if k == old else k): v for k, v in self.kinds.items()}
        for r in self.rows + self.invalid:
            if r["column"] == old:
                r["column"] = new

    def invalid_table(self, response_id: pd.Series, file_rows: pd.Series) -> pd.DataFrame:
        """One row per invalid cell: response, file row, column, raw text (masked), reason."""
        cols = ["response_id", "row", "column", "raw", "reason", "code"]
        if not self.invalid:
            return pd.DataFrame(columns=cols).astype({"row": "int64"})
        t = pd.DataFrame(self.invalid)
        pos = t.pop("position").to_numpy()
        t.insert(0, "response_id", response_id.to_numpy()[pos])
        t.insert(1, "row", np.asarray(file_rows)[pos].astype("int64"))
        t.index = self.index[pos]
        return t[cols]


PAIR_MISMATCH = "按文本与按序号两个文件不一致"


def _why_code_cells(raw: pd.Series, kinds: np.ndarray, valid_codes: np.ndarray) -> np.ndarray:
    """Why each invalid cell of a code column could not be read."""
    why = np.full(len(kinds), None, dtype=object)
    at = np.flatnonzero(kinds == _KIND[M.INVALID])
    shown = "、".join(str(int(c)) for c in valid_codes[:12]) + ("…" if len(valid_codes) > 12 else "")
    for i, v in zip(at, raw.iloc[at].tolist()):
        t = _cell_text(v)
        if t.startswith("="):
            why[i] = "公式没有保存计算结果"
        elif _PLAIN_NUMBER.fullmatch(t):
            why[i] = f"超出选项范围（选项编码为{shown}）"
        else:
            why[i] = "不是选项编码：按序号下载的单元格应为数字"
    return why


def _with_pair_text(codes: pd.Series, text: pd.Series, where: np.ndarray) -> pd.Series:
    """The raw cells, with both files' values written out where they disagree."""
    raw = pd.Series([_cell_text(v) for v in codes.tolist()], index=codes.index, dtype=object)
    at = np.flatnonzero(where)
    ttext = [_cell_text(v) for v in text.iloc[at].tolist()]
    raw.iloc[at] = [f"按文本「{t}」，按序号「{c}」" for t, c in zip(ttext, raw.iloc[at])]
    return raw


def _off_majority(num: np.ndarray, label: np.ndarray) -> np.ndarray:
    """Cells of a 按序号/按文本 pair whose label is not the one the other answers with that code
    carry (code 5 is 非常满意 in 400 rows and 非常不满意 in one): the two files disagree there.
    A code whose labels tie has no majority, so nothing to compare."""
    both = ~np.isnan(num) & np.array([lb is not None for lb in label], dtype=bool)
    out = np.zeros(len(num), dtype=bool)
    if not both.any():
        return out
    pairs = pd.DataFrame({"code": num[both], "label": label[both]})
    counts = pairs.value_counts()
    top = counts.groupby(level=0).idxmax().map(lambda t: t[1])
    tied = counts.groupby(level=0).apply(lambda c: bool((c == c.max()).sum() > 1))
    expected = pairs["code"].map(top).where(~pairs["code"].map(tied).astype(bool))
    out[np.flatnonzero(both)] = (expected.notna() & (pairs["label"] != expected)).to_numpy()
    return out


def _text_labels(text: pd.Series, sep: str | None = None, names: bool = True):
    """A text column, worked out per distinct value: the cells' codes into the distinct values,
    and for each distinct value its missing kind, its option label(s) (a list when ``sep``
    joins several) and its fill-in text. Personal numbers are masked everywhere; names only in
    the fill-in (〖其他〗) text, unless ``names=False`` (the question says ``mask: false``):
    labels keep their wording so that they match the codebook's options."""
    split = (lambda t: _split_joined(mask_text(t, names=False), sep)) if sep else (
        lambda t: _strip_other(mask_text(t, names=False)))
    fc, kinds_u, pairs_u = _per_distinct(text, split)
    labels_u = [None if p is None else p[0] for p in pairs_u]
    others_u = [None if p is None or p[1] is None else (mask_text(p[1]) if names else p[1])
                for p in pairs_u]
    return fc, kinds_u, labels_u, others_u


MASKED_MARK = "已隐去〕"  # every mask ends so: 〔姓名已隐去〕, 〔电话已隐去〕


def _with_masked_labels(table: dict, export_labels) -> dict:
    """``table`` (normalised codebook label -> value) also reached from an export label through
    its masked form: a codebook drafted by the kit lists 〔姓名已隐去〕 where the export has the
    name, and must still read that export."""
    if not any(MASKED_MARK in k for k in table):
        return table
    from ..privacy import masked_aliases

    out = dict(table)
    for raw, masked in masked_aliases(list(dict.fromkeys(export_labels))).items():
        if _norm_label(masked) in table and _norm_label(raw) not in table:
            out[_norm_label(raw)] = table[_norm_label(masked)]
    return out


def _others_series(others_u: list, fc: np.ndarray, index) -> pd.Series | None:
    if not any(o is not None for o in others_u):
        return None
    return take_strings(fc, others_u, index)


def _choice_values(q: Question, part: Part, missing_codes, scores: bool = False):
    """Codes (or scores) of one single-choice column, its missing kinds, its other-text and
    ``(raw, why)`` for its invalid cells.

    ``scores``: the cells hold option scores (问卷星 按分数 download); they are turned back into
    codes through the codebook, so a score that no option has is caught as invalid.
    With both a 按序号 and a 按文本 column, a cell where the two disagree (text 非常不满意,
    code 5; an answer in one file and (跳过) or nothing in the other) is invalid, both values
    kept.
    """
    valid_codes = np.array([o.code for o in q.options], dtype="float64")
    other_text = None
    raw, why = part.codes if part.codes is not None else part.text, "不是问卷定义中的选项"
    if part.codes is not None:
        num, kinds, _ = code_kinds(part.codes, missing_codes)
        if scores and q.has_scores:
            by_score: dict[float, float] = {}
            for o in q.options:
                by_score[o.score] = np.nan if o.score in by_score else float(o.code)
            known = ~np.isnan(num)
            mapped = pd.Series(num[known]).map(by_score).to_numpy(dtype="float64")
            num = num.copy()
            num[known] = np.where(np.isnan(mapped), -1e18, mapped)  # -1e18: caught below
        bad = ~np.isnan(num) & ~np.isin(num, valid_codes)
        kinds[bad] = _KIND[M.INVALID]
        num[bad] = np.nan
        why = _why_code_cells(part.codes, kinds, valid_codes)
        if scores and q.has_scores:
            why[bad] = "不是任何选项的分值"
        if part.text is not None:
            fc, kinds_u, labels_u, others_u = _text_labels(part.text, names=q.mask)
            other_text = _others_series(others_u, fc, part.text.index)
            tk = kinds_u[fc]
            invalid = kinds == _KIND[M.INVALID]
            # the text file says more precisely why a cell is missing ((空) vs blank)
            same = np.isnan(num) & (tk != M.NONE) & ~invalid
            kinds[same] = tk[same]
            mismatch = _pair_mismatch(q, num, kinds, tk, labels_u, fc)
            if mismatch.any():
                raw = _with_pair_text(part.codes, part.text, mismatch)
                why[mismatch] = PAIR_MISMATCH
                kinds[mismatch] = _KIND[M.INVALID]
                num[mismatch] = np.nan
    else:
        fc, kinds_u, labels_u, others_u = _text_labels(part.text, names=q.mask)
        other_text = _others_series(others_u, fc, part.text.index)
        table = _with_masked_labels({_norm_label(o.label): o.code for o in q.options},
                                    [lb for lb in labels_u if lb is not None])
        num_u = np.array([np.nan if lb is None else table.get(_norm_label(lb), np.nan)
                          for lb in labels_u] + [np.nan], dtype="float64")
        # each distinct answer once: a label no option has, or a code outside the options
        bad_u = ~np.isnan(num_u) & ~np.isin(num_u, valid_codes)
        kinds_u[(np.isnan(num_u) & (kinds_u == M.NONE)) | bad_u] = M.KINDS.index(M.INVALID)
        num_u[bad_u] = np.nan
        data_u, mask_u = _code_values(q, num_u)
        values = _values_series(q, data_u[fc], mask_u[fc])
        return values, kinds_u[fc], other_text, (raw, why)
    # (a code outside the options was made invalid above)
    return _values_series(q, *_code_values(q, num)), kinds, other_text, (raw, why)


def _code_values(q: Question, num: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes (NaN: none) -> the column's values and their NA mask: the options' scores when the
    codebook gives scores, else the codes as integers."""
    if q.has_scores:
        score_of = {float(o.code): (np.nan if o.score is None else o.score) for o in q.options}
        lo, hi = min(score_of), max(score_of)
        if hi - lo <= 1 << 16:  # codes are small integers: a lookup array, no hashing per cell
            lut = np.full(int(hi - lo) + 2, np.nan)
            for c, v in score_of.items():
                lut[int(c - lo)] = v
            vals = lut[np.where(np.isnan(num), len(lut) - 1, num - lo).astype(np.int64)]
        else:
            vals = pd.Series(num).map(score_of).to_numpy(dtype="float64")
        return vals, np.isnan(vals)
    return _int_codes(num)


def _values_series(q: Question, data: np.ndarray, mask: np.ndarray) -> pd.Series:
    """A Float64 (scores) or Int64 (codes) column that takes over two new arrays (no copy)."""
    if q.has_scores:
        return pd.Series(pd.arrays.FloatingArray(data, mask), copy=False)
    return pd.Series(pd.arrays.IntegerArray(data, mask), copy=False)


def _pair_mismatch(q: Question, num, kinds, tk, labels_u, fc) -> np.ndarray:
    """Cells where a 按序号 code and its 按文本 label disagree: the label names another
    option, or is not the label the other answers with that code carry, or one file has an
    answer where the other has (跳过)/(空)/nothing."""
    label = _take([None if lb is None else _norm_label(lb) for lb in labels_u], fc)
    seen = Counter(_norm_label(o.label) for o in q.options)
    table = {_norm_label(o.label): float(o.code) for o in q.options
             if seen[_norm_label(o.label)] == 1}  # a masked or repeated label names no option
    tcode = np.array([np.nan if lb is None else table.get(lb, np.nan) for lb in label],
                     dtype="float64")
    answered_c = ~np.isnan(num)
    answered_t = tk == M.NONE
    said_missing = np.isin(tk, [_KIND[M.SKIPPED], _KIND[M.EMPTY]])
    code_missing = (kinds != M.NONE) & (kinds != _KIND[M.INVALID])
    return ((answered_c & ~np.isnan(tcode) & (num != tcode)) | (answered_c & said_missing)
            | (answered_t & ~np.isnan(tcode) & code_missing) | _off_majority(num, label))


def _opt_meta(q: Question) -> list[dict]:
    return [{"code": o.code, "label": o.label, "score": o.score} for o in q.options]


def build_columns(parsed: ParsedExport, pairs: list[tuple[Question, ParsedQuestion]],
                  sink: ColumnSink) -> list[str]:
    notes: list[str] = []
    mc = parsed.missing_codes
    for q, pq in _progress(pairs, _n_columns(parsed), "转换各列"):
        base = {"question_id": q.id, "title": q.title, "type": q.type,
                "dimension": q.dimension, "reverse": q.reverse}
        if q.personal:
            _personal_question(q, pq, sink, base, notes)
            continue
        if q.type in ("single", "scale", "yesno"):
            part = pq.parts[0]
            vals, kinds, other, invalid = _choice_values(q, part, mc,
                                                         scores=parsed.variant == "scores")
            sink.add(q.id, vals, kinds, invalid=invalid, **base,
                     value="score" if q.has_scores else "code",
                     options=_opt_meta(q), option_label=None, row_label=None)
            if other is not None:
                _add_text(sink, f"{q.id}__other_text", other, {**base, "type": "text"},
                          value="other_text")
        elif q.type == "matrix":
            _same_rows(q, pq, parsed)
            for row, part in zip(q.rows, pq.parts):
                vals, kinds, _, invalid = _choice_values(q, part, mc,
                                                         scores=parsed.variant == "scores")
                sink.add(row.id, vals, kinds, invalid=invalid, **{**base, "dimension": row.dimension or q.dimension,
                                                 "reverse": row.reverse or q.reverse},
                         value="score" if q.has_scores else "code", options=_opt_meta(q),
                         option_label=None, row_label=row.label)
        elif q.type in ("multi", "ranking"):
            _option_columns(q, pq, mc, sink, base, parsed.files[0])
        elif q.type in ("number", "date"):
            from .measures import date_values, number_values

            vals, kinds = (number_values if q.type == "number" else date_values)(pq.parts[0], mc)
            sink.add(q.id, vals, kinds, **base, value=q.type, options=None, option_label=None,
                     row_label=None)
        elif q.type == "cascade":
            _same_rows(q, pq, parsed)
            for row, part in zip(q.rows, pq.parts):
                clean, kinds = text_kinds(part.text if part.text is not None else part.codes)
                _add_text(sink, row.id, clean, base, kinds=kinds, value="level",
                          row_label=row.label)
        elif q.type == "text":
            for i, part in enumerate(pq.parts):
                name = q.id if len(pq.parts) == 1 else f"{q.id}_{i + 1}"
                src = part.text if part.text is not None else part.codes
                # a fill-in blank of several (姓名___ 电话___) is personal by its own label
                kind = personal_kind(src, part.label or "") if len(pq.parts) > 1 else None
                if kind:
                    _hash_part(sink, f"{name}_hash", src, kind, base, part.label, notes, q.id)
                    continue
                clean, kinds = text_kinds(src, names=q.mask)
                _add_text(sink, name, clean, base, kinds=kinds, value="text",
                          row_label=part.label)
    return notes


def _same_rows(q: Question, pq: ParsedQuestion, parsed: ParsedExport) -> None:
    """A matrix's rows (a cascade's levels) in the codebook match the export's columns."""
    if len(pq.parts) != len(q.rows):
        what = "级" if q.type == "cascade" else "行"
        raise QuestionnaireError(
            f"{'级联题' if q.type == 'cascade' else '矩阵题'} {q.id} 在问卷定义中有{len(q.rows)}{what}，"
            f"导出文件中有{len(pq.parts)}列 ({q.type} rows do not match the export's columns)",
            path=parsed.files[0], column=pq.header)


def _add_text(sink: ColumnSink, name, values: pd.Series, base: dict, kinds=None, value="text",
              row_label=None):
    """A text column. Its values come from :func:`text_kinds`, so they are already masked."""
    sink.add(name, values.astype("string"), kinds, **base, value=value, options=None,
             option_label=None, row_label=row_label)


def _personal_question(q: Question, pq: ParsedQuestion, sink: ColumnSink, base, notes):
    if q.personal == "coordinates":
        notes.append(f"{q.id}: 坐标已删除")
        return
    for i, part in enumerate(pq.parts):  # every blank: 姓名___ 电话___ both kept only as hashes
        src = part.text if part.text is not None else part.codes
        name = f"{q.id}_hash" if len(pq.parts) == 1 else f"{q.id}_{i + 1}_hash"
        kind = (personal_kind(src, part.label or "") if len(pq.parts) > 1 else None) or q.personal
        _hash_part(sink, name, src, kind, base, part.label if len(pq.parts) > 1 else None,
                   notes, q.id)


def _hash_part(sink: ColumnSink, name: str, src: pd.Series, kind: str, base: dict, row_label=None,
               notes=None, qid=""):
    clean, kinds = text_kinds(src, mask=False)  # hashed here: the raw value is never kept
    clean, n_other = keep_kind(clean, kind)
    if n_other and notes is not None:
        notes.append(f"{qid}: {n_other}个答案不像{KIND_ZH.get(kind, kind)}，未参与哈希和重复检查 "
                     f"({n_other} answers not of that kind left out)")
    sink.add(name, hash_series(clean, kind), kinds, **{**base, "type": "text"}, value="hash",
             options=None, option_label=None, row_label=row_label)


def _positions(lists_u: list, labels: list[str], rank: bool) -> list[dict | None]:
    """For each distinct '┋'/'→'-joined answer: option index -> rank (or 1 if chosen); None
    where the answer is missing or names a label the options lack (nothing to compare)."""
    table = {_norm_label(lb): j for j, lb in enumerate(labels)}
    out: list[dict | None] = []
    for items in lists_u:
        if items is None:
            out.append(None)
            continue
        pos: dict | None = {}
        for k, lb in enumerate(items):
            j = table.get(_norm_label(lb))
            if j is None:
                pos = None
                break
            pos[j] = k + 1 if rank else 1
        out.append(pos)
    return out


def _option_columns(q: Question, pq: ParsedQuestion, mc, sink: ColumnSink, base, q_path=None):
    rank = q.type == "ranking"
    sep = "→" if rank else "┋"
    n = len(sink.index)
    labels = [o.label for o in q.options]
    if pq.structure == "options":
        by_label = {_norm_label(p.label or ""): p for p in pq.parts}
        if any(MASKED_MARK in lb for lb in labels):  # a drafted codebook: labels masked
            from ..privacy import masked_aliases

            aliases = masked_aliases([p.label or "" for p in pq.parts])
            for p in pq.parts:
                if p.label in aliases:
                    by_label.setdefault(_norm_label(aliases[p.label]), p)
        missing_labels = [lb for lb in labels if _norm_label(lb) not in by_label]
        if missing_labels:
            raise QuestionnaireError(f"{q.id} 的选项 {missing_labels} 在导出文件中没有对应列", path=q_path, column=pq.header)
        joined_kinds, others, said_pos = None, None, None
        if pq.joined is not None:  # the 按文本 twin: why a cell is missing, and 〖其他〗 text
            fc, kinds_u, lists_u, others_u = _text_labels(pq.joined, sep, names=q.mask)
            joined_kinds = kinds_u[fc]
            others = _others_series(others_u, fc, pq.joined.index)
            said_pos = _take(_positions(lists_u, labels, rank), fc)
        for j, o in enumerate(q.options):
            part = by_label[_norm_label(o.label)]
            if part.codes is not None:
                num, kinds, _ = code_kinds(part.codes, mc)
            else:
                num, kinds, _ = code_kinds(part.text, mc)
            raw = part.codes if part.codes is not None else part.text
            bad = ~np.isnan(num) & ((num < 0) | ((num > 1) if not rank else False))
            kinds[bad] = M.KINDS.index(M.INVALID)
            num[bad] = np.nan
            why = _why_code_cells(raw, kinds, np.array([0.0, 1.0]))
            if rank:
                why[bad] = "不是有效的名次"
            if joined_kinds is not None:
                said = joined_kinds != M.NONE
                # the text file's answer for this option: its rank / 1 if chosen, 0 if not
                expect = np.array([np.nan if ps is None else float(ps.get(j, 0)) for ps in said_pos])
                valid = kinds != _KIND[M.INVALID]
                if rank:
                    mismatch = ~said & valid & ~np.isnan(num) & ~np.isnan(expect) & (num != expect)
                else:
                    mismatch = ~said & valid & ~np.isnan(expect) & (np.nan_to_num(num) != expect)
                mismatch |= said & ~np.isnan(num) & (num > 0)  # (跳过) in one file, chosen in the other
                kinds[said] = joined_kinds[said]
                num[said] = np.nan
                if mismatch.any():
                    raw = _with_pair_text(raw, pq.joined, mismatch)
                    why[mismatch] = PAIR_MISMATCH
                    kinds[mismatch] = _KIND[M.INVALID]
                    num[mismatch] = np.nan
            vals = _nullable_int(num)
            name = f"{q.id}__{o.label.strip()}"
            sink.add(name, vals, kinds, invalid=(raw, why), **base,
                     value="rank" if rank else "selected",
                     options=None, option_label=o.label, row_label=None)
        if others is not None:
            _add_text(sink, f"{q.id}__other_text", others, {**base, "type": "text"},
                      value="other_text")
        return
    # one text column with '┋' (multi) or '→' (ranking) joined labels, read per distinct answer
    part = pq.parts[0]
    src = part.text if part.text is not None else part.codes
    fc, kinds_u, lists_u, others_u = _text_labels(src, sep, names=q.mask)
    table = _with_masked_labels({_norm_label(lb): j for j, lb in enumerate(labels)},
                                [lb for items in lists_u if items for lb in items])
    k = len(labels)
    mat_u = np.zeros((len(lists_u) + 1, k), dtype="float64")
    unknown_u = np.zeros(len(lists_u) + 1, dtype=bool)
    for i, items in enumerate(lists_u):
        if items is None:
            continue
        for pos, lb in enumerate(items):
            j = table.get(_norm_label(lb))
            if j is None:
                unknown_u[i] = True
            else:
                mat_u[i, j] = pos + 1 if rank else 1
    kinds = kinds_u[fc]
    answered = kinds == M.NONE
    mat = mat_u[fc]
    unknown = unknown_u[fc] & answered
    for j, o in enumerate(q.options):
        col = mat[:, j].copy()
        kk = kinds.copy()
        if rank:
            nr = answered & (col == 0)
            kk[nr] = M.KINDS.index(M.NOT_RANKED)
            col[nr] = np.nan
        col[~answered] = np.nan
        kk[unknown] = M.KINDS.index(M.INVALID)
        col[unknown] = np.nan
        name = f"{q.id}__{o.label.strip()}"
        sink.add(name, _nullable_int(col), kk, invalid=(src, "含有问卷定义中没有的选项"), **base,
                 value="rank" if rank else "selected",
                 options=None, option_label=o.label, row_label=None)
    others = _others_series(others_u, fc, src.index)
    if others is not None:
        _add_text(sink, f"{q.id}__other_text", others.reset_index(drop=True),
                  {**base, "type": "text"}, value="other_text")
