"""From a :class:`ParsedExport` (and optionally a codebook) to :class:`Responses`.

This is shared by every platform: type inference when there is no codebook, matching a codebook
to the export's columns, turning labels and codes into option codes or scores, keeping the kinds
of missing answers apart, hashing personal fields and masking free text.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd

from .. import missing as M
from ..errors import QuestionnaireError
from ..privacy import hash_series, mask_series
from ..questionnaire import Option, Question, Questionnaire, Row, normalise_title, _norm_label
from .model import META_FIELDS, ParsedExport, ParsedQuestion, Part
from .personal import KIND_ZH, keep_kind, personal_kind

__all__ = ["infer_questionnaire", "build_columns", "match_questionnaire"]

MISSING_TEXT = {"(跳过)": M.SKIPPED, "（跳过）": M.SKIPPED, "(空)": M.EMPTY, "（空）": M.EMPTY,
                "NULL": M.BLANK, "null": M.BLANK, "": M.BLANK}
_OTHER = re.compile(r"〖(.*)〗\s*$", re.S)
_POINTS = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*分\s*$")
SATISFACTION_SCORES = {
    "非常满意": 5, "很满意": 5, "十分满意": 5, "满意": 4, "比较满意": 4, "较满意": 4,
    "基本满意": 3, "一般": 3, "不太满意": 2, "不满意": 2, "较不满意": 2, "比较不满意": 2,
    "非常不满意": 1, "很不满意": 1, "十分不满意": 1,
}
YES_NO = [("是", "否"), ("知道", "不知道"), ("了解", "不了解"), ("有", "没有"), ("有", "无"),
          ("听说过", "没听说过"), ("知晓", "不知晓"), ("yes", "no"), ("Yes", "No")]


# ---------------------------------------------------------------------------- primitives
def _as_text(s: pd.Series) -> pd.Series:
    """Text view of a raw column: numbers that are whole print without '.0'."""
    if s.dtype.kind in "fi":
        out = s.map(lambda v: "" if pd.isna(v) else (str(int(v)) if float(v).is_integer() else str(v)))
        return out.astype(object)
    return s.astype(object).map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v))
                                or v is pd.NA else str(v))


def text_kinds(text: pd.Series, mask: bool = True) -> tuple[pd.Series, np.ndarray]:
    """Answer text with missing markers removed, and the missing kind code of each cell."""
    t = _as_text(text).str.strip()
    kinds = np.full(len(t), M.NONE, dtype=np.int8)
    mapped = t.map(MISSING_TEXT)
    has = mapped.notna().to_numpy()
    if has.any():
        kinds[has] = [M.KINDS.index(k) for k in mapped[has]]
    clean = t.where(~has, None)
    if mask:  # the one place answer text is masked: labels and other-text derive from it
        clean = mask_series(clean).astype(object)
    return clean, kinds


def code_kinds(codes: pd.Series, missing_codes: dict[int, str]) -> tuple[np.ndarray, np.ndarray, pd.Series | None]:
    """Numeric codes (float array, NaN where missing), missing kinds, and any non-numeric text."""
    kinds = np.full(len(codes), M.NONE, dtype=np.int8)
    if codes.dtype.kind in "fi":
        num = codes.to_numpy(dtype="float64", na_value=np.nan, copy=True)
        other = None
    else:
        t = _as_text(codes).str.strip()
        mapped = t.map(MISSING_TEXT)
        has = mapped.notna().to_numpy()
        if has.any():
            kinds[has] = [M.KINDS.index(k) for k in mapped[has]]
        num = pd.to_numeric(t.where(~has, None), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        nonnum = (~has) & np.isnan(num)
        other = mask_series(t.where(nonnum, None)).astype(object) if nonnum.any() else None
    num = np.array(num, dtype="float64")  # writable copy
    for code, kind in missing_codes.items():
        hit = num == code
        if hit.any():
            kinds[hit] = M.KINDS.index(kind)
            num[hit] = np.nan
    blank = np.isnan(num) & (kinds == M.NONE)
    if other is not None:
        blank &= other.isna().to_numpy()
    kinds[blank] = M.KINDS.index(M.BLANK)
    return num, kinds, other


def _strip_other(label: str) -> tuple[str, str | None]:
    m = _OTHER.search(label)
    if not m:
        return label.strip(), None
    return label[: m.start()].strip(), m.group(1)


# ----------------------------------------------------------------------------- inference
def _options_from_labels(labels: list[str], codes_for: dict[str, int] | None = None) -> list[Option]:
    """Options from labels: scores from 'N分' or known satisfaction words, codes as given."""
    pts = [_POINTS.match(lb) for lb in labels]
    if labels and all(pts):
        vals = sorted({float(m.group(1)) for m in pts})
        lab_of = {float(m.group(1)): lb for m, lb in zip(pts, labels)}
        opts = []
        for v in vals:
            lb = lab_of[v]
            code = codes_for.get(lb) if codes_for else (int(v) if float(v).is_integer() else None)
            opts.append(Option(code=int(code) if code is not None else len(opts) + 1, label=lb,
                               score=v))
        return sorted(opts, key=lambda o: o.code)
    sat = all(_norm_label(lb) in SATISFACTION_SCORES for lb in labels) and len(labels) >= 2
    if codes_for is None:
        order = labels
        if sat:  # ascending satisfaction order, codes 1..k as platforms number them
            order = sorted(labels, key=lambda lb: SATISFACTION_SCORES[_norm_label(lb)])
        codes_for = {lb: i + 1 for i, lb in enumerate(order)}
    opts = [Option(code=int(codes_for[lb]), label=lb,
                   score=float(SATISFACTION_SCORES[_norm_label(lb)]) if sat else None)
            for lb in labels]
    return sorted(opts, key=lambda o: o.code)


def _infer_choice_options(parts: list[Part], missing_codes) -> tuple[list[Option], str | None]:
    """Options of a single-choice column (or all rows of a matrix)."""
    pair_counts: dict[int, Counter] = {}
    labels_seen: list[str] = []
    note = None
    for p in parts:
        if p.codes is not None:
            num, _, _ = code_kinds(p.codes, missing_codes)
            if p.text is not None:
                clean, _ = text_kinds(p.text)
                for c, lb in zip(num, clean):
                    if not np.isnan(c) and isinstance(lb, str):
                        pair_counts.setdefault(int(c), Counter())[_strip_other(lb)[0]] += 1
            else:
                for c in np.unique(num[~np.isnan(num)]):
                    pair_counts.setdefault(int(c), Counter())
        elif p.text is not None:
            clean, _ = text_kinds(p.text)
            for lb in clean.dropna():
                lb = _strip_other(lb)[0]
                if lb not in labels_seen:
                    labels_seen.append(lb)
    if pair_counts:
        code_label = {c: (cnt.most_common(1)[0][0] if cnt else f"选项{c}")
                      for c, cnt in sorted(pair_counts.items())}
        if any(not cnt for cnt in pair_counts.values()):
            note = "选项文字未知（只有按序号文件），请在问卷定义中补全"
        labels = list(code_label.values())
        if len(set(labels)) == len(labels):
            return _options_from_labels(labels, {lb: c for c, lb in code_label.items()}), note
        return [Option(code=c, label=lb) for c, lb in code_label.items()], note
    if labels_seen:
        note = "没有按序号文件：选项编码按出现顺序推定，请核对问卷定义"
        return _options_from_labels(labels_seen), note
    return [], None


_FREE_TITLE = re.compile(r"建议|意见|请注明|请填写|请说明|原因|还有什么|其他想法|留言|备注")


def _looks_free_text(parts: list[Part], missing_codes, title: str = "") -> bool:
    p = parts[0]
    if _FREE_TITLE.search(title or ""):
        return True
    if p.codes is not None:
        num, kinds, other = code_kinds(p.codes, missing_codes)
        return other is not None and other.notna().sum() > 0
    clean, _ = text_kinds(p.text)
    vals = clean.dropna()
    if vals.empty:
        return True
    nuniq = vals.nunique()
    if vals.astype(str).str.len().max() > 40 or vals.astype(str).str.contains(r"\d{7}").any():
        return True
    return nuniq > 30 and nuniq > 0.3 * len(vals)


def _joined_labels(src: pd.Series, sep: str) -> list[str]:
    """Option labels of '┋'/'→'-joined answers, in order of first appearance, 〖其他〗 text removed."""
    labels: list[str] = []
    for cell in text_kinds(src)[0].dropna():
        for lb in cell.split(sep):
            lb = _strip_other(lb)[0]
            if lb and lb not in labels:
                labels.append(lb)
    return labels


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


def infer_question(pq: ParsedQuestion, qid: str, missing_codes) -> tuple[Question, list[str]]:
    notes: list[str] = []
    q = Question(id=qid, title=pq.title, type="single", number=pq.number, required=pq.required)
    hint = pq.hint
    if pq.structure == "options":
        rank = hint == "ranking"
        for p in pq.parts:
            if p.codes is not None:
                num, kinds, _ = code_kinds(p.codes, missing_codes)
                if (kinds == M.KINDS.index(M.NOT_RANKED)).any() or np.nanmax(
                        np.append(num, 0)) > 1:
                    rank = True
            if p.text is not None and _as_text(p.text).str.contains("→", regex=False).any():
                rank = True
        q.type = "ranking" if rank else "multi"
        q.options = pq.options or [Option(code=i + 1, label=p.label or f"选项{i + 1}")
                                   for i, p in enumerate(pq.parts)]
        return q, notes
    if pq.structure == "rows":
        q.type = "matrix"
        q.rows = [Row(id=f"{qid}_{i + 1}", label=p.label or f"第{i + 1}行")
                  for i, p in enumerate(pq.parts)]
        opts, note = (_given(pq.options), None) if pq.options else _infer_choice_options(
            pq.parts, missing_codes)
        q.options = opts
        notes += [f"{qid}: {note}"] if note else []
        return q, notes
    if pq.structure == "blanks":
        q.type = "text"
        return q, notes
    if hint in ("number", "date", "cascade"):  # a measurement, a date, a cascading picker
        q.type = hint
        if hint == "cascade":
            q.rows = [Row(id=f"{qid}_{i + 1}", label=p.label or f"第{i + 1}级")
                      for i, p in enumerate(pq.parts)]
        return q, notes
    p = pq.parts[0]
    text = _as_text(p.text) if p.text is not None else None
    src = p.text if p.text is not None else p.codes
    for qtype, sep in (("multi", "┋"), ("ranking", "→")):
        if hint == qtype or (pq.may_be_joined and hint is None and text is not None
                             and p.codes is None and text.str.contains(sep, regex=False).any()):
            q.type = qtype
            q.options = pq.options or [Option(code=i + 1, label=lb)
                                       for i, lb in enumerate(_joined_labels(src, sep))]
            notes.append(f"{qid}: 选项来自答案文字，未被选过的选项不会出现 (options read from the "
                         "answers: an option nobody chose is missing)")
            return q, notes
    if hint == "text" or (hint is None and _looks_free_text(pq.parts, missing_codes, pq.title)):
        q.type = "text"
        q.personal = personal_kind(p.text if p.text is not None else p.codes, pq.title)
        return q, notes
    opts, note = (_given(pq.options), None) if pq.options else _infer_choice_options(
        pq.parts, missing_codes)
    q.options = opts
    notes += [f"{qid}: {note}"] if note else []
    labels = {_norm_label(o.label) for o in opts}
    for yes, no in YES_NO:
        if labels and labels <= {yes, no}:
            q.type = "yesno"
            q.satisfied = [o.code for o in opts if _norm_label(o.label) == yes]
            return q, notes
    if opts and all(o.score is not None for o in opts):
        q.type = "scale"
        top = sorted({o.score for o in opts})
        if all(_norm_label(o.label) in SATISFACTION_SCORES for o in opts):
            q.satisfied = [o.code for o in opts if o.score >= 4]
        elif len(top) >= 2:
            q.satisfied = None
    return q, notes


def _given(options: list[Option]) -> list[Option]:
    """Options the export lists (codes and labels): with scores when they are a known scale."""
    if any(o.score is not None for o in options):
        return options
    return _options_from_labels([o.label for o in options], {o.label: o.code for o in options})


def infer_questionnaire(parsed: ParsedExport, title: str = "") -> tuple[Questionnaire, list[str]]:
    """Draft a codebook from what the export shows."""
    used: set[str] = set(META_FIELDS) | {"ip_hash"}
    questions, notes = [], []
    for pq in parsed.questions:
        q, n = infer_question(pq, _qid(pq, used), parsed.missing_codes)
        if pq.header and pq.header.strip() != pq.title:
            q.headers = [pq.header.strip()]
        for r in q.rows:
            used.add(r.id)
        questions.append(q)
        notes += n
    qn = Questionnaire(title=title, questions=questions, platform=parsed.platform)
    return qn, notes


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
            lines.append("导出文件中这些列在问卷定义里找不到 (export headers not in the codebook): "
                         + "；".join(f"「{pq.header}」" for pq in unmatched))
        if missing_q:
            lines.append("问卷定义中这些题目在导出文件里找不到 (codebook questions not in the "
                         "export): " + "；".join(f"{q.id}「{q.title}」" for q in missing_q))
        raise QuestionnaireError("问卷定义与导出文件的表头不一致。" + " ".join(lines),
                                 path=qn.path or parsed.files[0])
    return pairs


# ---------------------------------------------------------------------------- conversion
def _nullable_int(num: np.ndarray) -> pd.Series:
    """Float codes with NaN for missing -> a nullable Int64 Series."""
    missing = np.isnan(num)
    return pd.Series(pd.arrays.IntegerArray(np.where(missing, 0, num).astype("int64"), missing))


class ColumnSink:
    """Collects output columns, their missing kinds and their rows of ``Responses.questions``."""

    def __init__(self, index: pd.Index):
        self.index = index
        self.data: dict[str, pd.Series] = {}
        self.kinds: dict[str, np.ndarray] = {}
        self.rows: list[dict] = []

    def add(self, name: str, values: pd.Series, kinds: np.ndarray | None, **meta):
        if name in self.data:
            raise QuestionnaireError(f"输出列名「{name}」重复 (duplicate column name)")
        values.index = self.index
        self.data[name] = values
        if kinds is None:
            kinds = np.where(values.isna().to_numpy(), M.KINDS.index(M.BLANK), M.NONE).astype(np.int8)
        self.kinds[name] = kinds
        self.rows.append({"column": name, **meta})


def _choice_values(q: Question, part: Part, missing_codes, scores: bool = False):
    """Codes (or scores) of one single-choice column, its missing kinds and its other-text.

    ``scores``: the cells hold option scores (问卷星 按分数 download); they are turned back into
    codes through the codebook, so a score that no option has is caught as invalid.
    """
    valid_codes = np.array([o.code for o in q.options], dtype="float64")
    other_text = None
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
        if part.text is not None:
            clean, tk = text_kinds(part.text)
            oth = clean.dropna().map(lambda s: _strip_other(s)[1])
            if oth.notna().any():
                other_text = pd.Series(None, index=part.text.index, dtype=object)
                other_text.loc[oth.index] = oth
            # the text file says more precisely why a cell is missing ((空) vs blank)
            same = np.isnan(num) & (tk != M.NONE)
            kinds[same] = tk[same]
    else:
        clean, kinds = text_kinds(part.text)
        lab = clean.map(lambda s: None if not isinstance(s, str) else _strip_other(s))
        oth = lab.map(lambda t: None if not isinstance(t, tuple) else t[1])
        if oth.notna().any():
            other_text = oth
        table = {_norm_label(o.label): o.code for o in q.options}
        # also accept the bare score text such as '4分' and the code itself
        num = lab.map(lambda t: np.nan if not isinstance(t, tuple) else table.get(_norm_label(t[0]), np.nan)).to_numpy(dtype="float64")
        unknown = np.isnan(num) & (kinds == M.NONE)
        if unknown.any():
            kinds[unknown] = M.KINDS.index(M.INVALID)
    ok = ~np.isnan(num)
    bad = ok & ~np.isin(num, valid_codes)
    if bad.any():
        kinds[bad] = M.KINDS.index(M.INVALID)
        num[bad] = np.nan
    if q.has_scores:
        score_of = {float(o.code): (np.nan if o.score is None else o.score) for o in q.options}
        vals = pd.Series(num).map(score_of)
        values = pd.array(vals.to_numpy(dtype="float64"), dtype="Float64")
        values = pd.Series(values)
    else:
        values = _nullable_int(num)
    return values, kinds, other_text


def _opt_meta(q: Question) -> list[dict]:
    return [{"code": o.code, "label": o.label, "score": o.score} for o in q.options]


def build_columns(parsed: ParsedExport, pairs: list[tuple[Question, ParsedQuestion]],
                  sink: ColumnSink) -> list[str]:
    notes: list[str] = []
    mc = parsed.missing_codes
    for q, pq in pairs:
        base = {"question_id": q.id, "title": q.title, "type": q.type,
                "dimension": q.dimension, "reverse": q.reverse}
        if q.personal:
            _personal_question(q, pq, sink, base, notes)
            continue
        if q.type in ("single", "scale", "yesno"):
            part = pq.parts[0]
            vals, kinds, other = _choice_values(q, part, mc,
                                                         scores=parsed.variant == "scores")
            sink.add(q.id, vals, kinds, **base, value="score" if q.has_scores else "code",
                     options=_opt_meta(q), option_label=None, row_label=None)
            if other is not None:
                _add_text(sink, f"{q.id}__other_text", other, {**base, "type": "text"},
                          value="other_text")
        elif q.type == "matrix":
            _same_rows(q, pq, parsed)
            for row, part in zip(q.rows, pq.parts):
                vals, kinds, _ = _choice_values(q, part, mc,
                                                         scores=parsed.variant == "scores")
                sink.add(row.id, vals, kinds, **{**base, "dimension": row.dimension or q.dimension,
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
                clean, kinds = text_kinds(src)
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
    part = pq.parts[0]
    src = part.text if part.text is not None else part.codes
    clean, kinds = text_kinds(src, mask=False)  # hashed below: the raw value is never kept
    if q.personal == "coordinates":
        notes.append(f"{q.id}: 坐标已删除 (coordinates dropped)")
        return
    clean, n_other = keep_kind(clean, q.personal)
    if n_other:
        notes.append(f"{q.id}: {n_other}个答案不像{KIND_ZH.get(q.personal, q.personal)}，"
                     "未参与哈希和重复检查 "
                     f"({n_other} answers not of that kind left out)")
    hashed = hash_series(clean, q.personal)
    sink.add(f"{q.id}_hash", hashed, kinds, **{**base, "type": "text"}, value="hash",
             options=None, option_label=None, row_label=None)


def _option_columns(q: Question, pq: ParsedQuestion, mc, sink: ColumnSink, base, q_path=None):
    rank = q.type == "ranking"
    n = len(sink.index)
    labels = [o.label for o in q.options]
    if pq.structure == "options":
        by_label = {_norm_label(p.label or ""): p for p in pq.parts}
        missing_labels = [lb for lb in labels if _norm_label(lb) not in by_label]
        if missing_labels:
            raise QuestionnaireError(f"{q.id} 的选项 {missing_labels} 在导出文件中没有对应列 "
                                     "(option columns missing)", path=q_path, column=pq.header)
        joined_kinds, others = None, None
        if pq.joined is not None:  # the 按文本 twin: why a cell is missing, and 〖其他〗 text
            jclean, joined_kinds = text_kinds(pq.joined)
            oth = jclean.map(lambda s: None if not isinstance(s, str) else next(
                (t for _, t in (_strip_other(x) for x in s.split("→" if rank else "┋")) if t), None))
            others = oth if oth.notna().any() else None
        for o in q.options:
            part = by_label[_norm_label(o.label)]
            if part.codes is not None:
                num, kinds, _ = code_kinds(part.codes, mc)
            else:
                clean, kinds = text_kinds(part.text)
                num = pd.to_numeric(clean, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
            if joined_kinds is not None:
                said = joined_kinds != M.NONE
                kinds[said] = joined_kinds[said]
                num[said] = np.nan
            bad = ~np.isnan(num) & ((num < 0) | ((num > 1) if not rank else False))
            kinds[bad] = M.KINDS.index(M.INVALID)
            num[bad] = np.nan
            vals = _nullable_int(num)
            name = f"{q.id}__{o.label.strip()}"
            sink.add(name, vals, kinds, **base, value="rank" if rank else "selected",
                     options=None, option_label=o.label, row_label=None)
        if others is not None:
            _add_text(sink, f"{q.id}__other_text", others, {**base, "type": "text"},
                      value="other_text")
        return
    # one text column with '┋' (multi) or '→' (ranking) joined labels
    part = pq.parts[0]
    clean, kinds = text_kinds(part.text if part.text is not None else part.codes)
    sep = "→" if rank else "┋"
    lists = clean.map(lambda s: None if not isinstance(s, str) else [_strip_other(x) for x in s.split(sep) if x.strip()])
    table = {_norm_label(lb): j for j, lb in enumerate(labels)}
    mat = np.zeros((n, len(labels)), dtype="float64")
    unknown = np.zeros(n, dtype=bool)
    others = [None] * n
    answered = clean.notna().to_numpy()
    for i, items in enumerate(lists):
        if not isinstance(items, list):
            continue
        for pos, (lb, oth) in enumerate(items):
            j = table.get(_norm_label(lb))
            if j is None:
                unknown[i] = True
                continue
            mat[i, j] = pos + 1 if rank else 1
            if oth is not None:
                others[i] = oth
    for j, o in enumerate(q.options):
        col = mat[:, j].copy()
        k = kinds.copy()
        if rank:
            nr = answered & (col == 0)
            k[nr] = M.KINDS.index(M.NOT_RANKED)
            col[nr] = np.nan
        col[~answered] = np.nan
        inv = unknown & answered
        k[inv] = M.KINDS.index(M.INVALID)
        col[inv] = np.nan
        vals = _nullable_int(col)
        name = f"{q.id}__{o.label.strip()}"
        sink.add(name, vals, k, **base, value="rank" if rank else "selected", options=None,
                 option_label=o.label, row_label=None)
    if any(x is not None for x in others):
        _add_text(sink, f"{q.id}__other_text", pd.Series(others, dtype=object),
                  {**base, "type": "text"}, value="other_text")

