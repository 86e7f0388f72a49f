"""What several platform readers share: metadata by header, grouping of option and row
columns, and judging a column by its values (checkbox, number, date, free text, coordinates,
attachment file names). Readers know formats; these helpers know what cells look like."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..model import ParsedExport, ParsedQuestion, Part
from ..personal import personal_kind, trusted_kind
from ..table import RawTable

__all__ = ["new_parsed", "take_meta", "drop_column", "not_answers", "make_part", "group_questions", "looks_checkbox",
           "checkbox_codes", "value_hint", "is_coordinates", "is_media", "norm1", "norm",
           "SKIPPED_MARK", "DROP", "strip_letter_options", "finish_parts"]

SKIPPED_MARK = "(跳过)"   # the kit's canonical "not asked" marker (see kit.io.convert)
# columns never kept, whatever the platform: coordinates and their parts
DROP = re.compile(r"^(LocationLatitude|LocationLongitude|LocationAccuracy|_geolocation|.*_latitude|"
                  r".*_longitude|.*_altitude|.*_precision|经度|纬度|经纬度|地理位置|定位|位置坐标)$",
                  re.I)
_CHECK_YES = {"1", "1.0", "true", "√", "✓", "是", "选中", "已选"}
_CHECK_NO = {"0", "0.0", "false", "否", "未选", "未选中"}
_FREE_TITLE = re.compile(r"建议|意见|请注明|请填写|请说明|原因|还有什么|其他想法|留言|备注|补充|"
                         r"(?:^|[/._\s])(?:comments?|remarks?|reasons?|specify|explain|"
                         r"suggestions?|feedback|opinions?|why|notes?|other|other_\w+|\w+_other)$", re.I)
_DATE = re.compile(r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
                   r"(?:Z|[+-]\d{2}(?::?\d{2})?)?$")
_NUM = r"-?\d{1,3}\.\d+"
_COORD = re.compile(rf"^\(?\s*{_NUM}\s*[ ,，;]\s*{_NUM}(?:\s+-?\d+(?:\.\d+)?){{0,2}}\s*\)?"
                    rf"(?:\s*;\s*{_NUM}\s+{_NUM}(?:\s+-?\d+(?:\.\d+)?){{0,2}})*;?$")
_MEDIA = re.compile(r"^(?:https?://\S+|[\w\-. ]+\.(?:jpe?g|png|gif|heic|webp|bmp|mp3|m4a|amr|aac|"
                    r"wav|ogg|3gp|mp4|mov|avi|pdf|docx?|xlsx?|csv))$", re.I)
_LETTER = re.compile(r"^\s*([A-Z])\s*[.．、]\s*(.+?)\s*$", re.S)


def new_parsed(table: RawTable, platform: str, variant: str, era: str) -> ParsedExport:
    return ParsedExport(platform=platform, variant=variant, era=era, files=[str(table.path)],
                        n_rows=len(table.body), index=table.body.index,
                        file_rows=pd.Series(table.row_numbers, index=table.body.index),
                        notes=list(table.notes), row_flags=dict(table.row_flags))


def drop_column(parsed: ParsedExport, header: str, reason: str) -> None:
    """A column that is not kept: said in the notes with its reason."""
    parsed.dropped_reasons[header] = reason


def not_answers(parsed: ParsedExport, header: str, col: pd.Series,
                coordinates: str = "定位坐标") -> bool:
    """Drop (and say so) a column of GPS coordinates or attachment file names: they are never
    kept, whatever the platform calls them. Returns True if dropped."""
    if is_coordinates(col):
        drop_column(parsed, header, coordinates)
        return True
    if is_media(col):
        drop_column(parsed, header, "上传的附件（照片、录音等文件名或链接）")
        return True
    return False


def make_part(table: RawTable, j: int, label: str | None = None) -> Part:
    """Column j as a part: numbers as codes, anything else as text."""
    col = table.body[j]
    numeric = col.dtype.kind in "fi"
    return Part(header=table.columns[j], pos=j, label=label, codes=col if numeric else None,
                text=None if numeric else col)


def _add_personal(parsed: ParsedExport, header: str, col: pd.Series, kind: str) -> None:
    base = {"respondent_id": "respondent_id"}.get(kind, kind)
    name, i = f"{base}_hash", 2
    while name in parsed.personal_meta:
        name, i = f"{base}_{i}_hash", i + 1
    parsed.personal_meta[name] = (header, col, kind)


def take_meta(parsed: ParsedExport, col: pd.Series, key: str, title: str,
              names: dict[str, str | None], personal: dict[str, str]) -> bool:
    """Take a column as metadata if ``key`` is known; return True if it was taken.

    ``names`` maps a header to a standard name (``None``: kept as a custom column; a value
    starting with ``drop:`` drops it with that reason); ``personal`` maps a header to a
    personal kind (hashed at load). A phone/身份证/e-mail title is trusted only when the
    values look like it (:func:`kit.io.personal.trusted_kind`).
    """
    header = title or key
    if DROP.match(key):
        drop_column(parsed, header, "定位坐标")
        return True
    if key in personal:
        kind = trusted_kind(col, personal[key])
        if kind is not None:
            _add_personal(parsed, header, col, kind)
            return True
        return False  # titled like a phone, but not phones: read as a question
    if key in names:
        std = names[key]
        if std is not None and std.startswith("drop:"):
            drop_column(parsed, header, std[5:])
        elif std is None or std in parsed.meta:
            parsed.custom_meta[f"custom_{len(parsed.custom_meta) + 1}"] = (header, col)
        else:
            parsed.meta[std] = col
            parsed.meta_headers[std] = header
        return True
    return False


def norm1(v) -> str:
    return re.sub(r"\s+", " ", str(v).replace("\xa0", " ")).strip()


def norm(s: pd.Series) -> pd.Series:
    """:func:`norm1` of every cell (each distinct value normalised once)."""
    codes, uniq = pd.factorize(s.astype(object).where(s.notna(), ""), use_na_sentinel=False)
    return pd.Series(np.array([norm1(u) for u in uniq] + [""], dtype=object)[codes], index=s.index)


def _cells(p: Part) -> pd.Series:
    s = p.codes if p.codes is not None else p.text
    return norm(pd.Series(s))


def _is_label(v: str, label: str | None) -> bool:
    lb = norm1(label or "")
    m = _LETTER.match(v)
    return bool(lb) and (v == lb or (m is not None and norm1(m.group(2)) == lb))


def looks_checkbox(parts: list[Part]) -> bool:
    """Option columns of a multi-select: each cell is empty, 0/1 (True/False), the column's
    own label, or one mark used alike by every column (such as '√')."""
    marks: set[str] = set()
    seen_any = False
    for p in parts:
        vals = set(_cells(p)) - {"", SKIPPED_MARK}
        if not vals:
            continue
        seen_any = True
        low = {v.lower() for v in vals}
        if low <= _CHECK_YES | _CHECK_NO or all(_is_label(v, p.label) for v in vals):
            continue
        if len(vals) == 1:
            marks |= vals
            continue
        return False
    return seen_any and len(marks) <= 1


def checkbox_codes(p: Part, pq: ParsedQuestion) -> pd.Series:
    """1 where ticked, 0 where the question was answered without this option, blank where
    the question was not answered (no option ticked); the kit's skipped marker is kept."""
    def chosen_of(t: pd.Series) -> pd.Series:
        low = t.str.lower()
        return (t != "") & (t != SKIPPED_MARK) & ~low.isin(_CHECK_NO)

    cells = [_cells(q) for q in pq.parts]
    chosen = chosen_of(_cells(p))
    answered = pd.Series(False, index=chosen.index)
    skipped = pd.Series(False, index=chosen.index)
    for t in cells:
        answered |= chosen_of(t) | t.str.lower().isin(_CHECK_NO)
        skipped |= t == SKIPPED_MARK
    out = chosen.astype("float64").where(answered).astype(object)
    out[skipped & ~answered] = SKIPPED_MARK
    return out


def group_questions(items: list[tuple[int, str, str, str | None]], table: RawTable,
                    values: str = "auto", may_be_joined: bool = False) -> list[ParsedQuestion]:
    """items: (column, key, title, sub-label). Consecutive items with the same key form one
    question: option columns of a multi-select if they look like check boxes, else the rows
    of a matrix."""
    out: list[ParsedQuestion] = []
    for j, key, title, label in items:
        col = table.body[j]
        numeric = values == "codes" or col.dtype.kind in "fi"
        part = Part(header=table.columns[j], pos=j, label=label,
                    codes=col if numeric else None, text=None if numeric else col)
        if out and out[-1].key == key:
            out[-1].parts.append(part)
            if out[-1].structure == "single":
                out[-1].structure = "rows"
            continue
        out.append(ParsedQuestion(key=key, title=title, header=table.columns[j], structure="single",
                                  parts=[part], may_be_joined=may_be_joined))
    for pq in out:
        finish_parts(pq)
    return out


def finish_parts(pq: ParsedQuestion) -> None:
    """A group of columns that look like check boxes is a multi-select."""
    if pq.structure == "rows" and looks_checkbox(pq.parts):
        pq.structure = "options"
        for p in pq.parts:
            p.codes = checkbox_codes(p, pq)
            p.text = None


def _strings(s: pd.Series) -> pd.Series:
    v = s.dropna()
    if v.dtype.kind in "fi":
        return v.map(lambda x: str(int(x)) if float(x).is_integer() else str(x))
    v = v.astype(str).str.strip()
    return v[(v != "") & (v != SKIPPED_MARK)]


def value_hint(s: pd.Series, title: str = "") -> str | None:
    """What the values of one column are: 'number' (measurements: decimals, or more distinct
    integers than a choice list has), 'date', 'text' (free answers) or None (leave it to the
    shared inference: a choice question).

    >>> value_hint(pd.Series([1.5, 2.0, None])), value_hint(pd.Series(["1", "2", "1"]))
    ('number', None)
    >>> value_hint(pd.Series(["2023-05-01", "2023-05-02"])), value_hint(pd.Series(["好"] * 3))
    ('date', None)
    """
    if pd.api.types.is_datetime64_any_dtype(s):
        return "date"
    v = _strings(s)
    if v.empty:
        return None
    if personal_kind(v, title) is not None:  # read as text, then hashed by the shared conversion
        return "text"
    num = pd.to_numeric(v, errors="coerce")
    if num.notna().all():
        whole = (num % 1 == 0).all()
        if not whole or num.nunique() > 12 or num.max() > 100 or num.min() < -9:
            return "number"
        return None
    if v.str.match(_DATE).all():
        return "date"
    n, distinct = len(v), v.nunique()
    if (_FREE_TITLE.search(title or "") or v.str.len().max() > 40 or v.str.contains("\n").any()
            or (distinct > 20 and distinct > 0.3 * n)):
        return "text"
    return None


def is_coordinates(s: pd.Series) -> bool:
    """Most filled cells are GPS coordinates: 'lat lon [alt acc]', 'lat,lon', or a trace."""
    v = _strings(s)
    if v.empty or v.dtype.kind in "fi":
        return False
    hit = v.str.match(_COORD)
    if not hit.mean() >= 0.5:
        return False
    nums = v[hit].str.extract(rf"^\(?\s*({_NUM})\s*[ ,，;]\s*({_NUM})").astype(float)
    return bool(((nums[0].abs() <= 90) & (nums[1].abs() <= 180)).mean() >= 0.5)


def is_media(s: pd.Series) -> bool:
    """Most filled cells are attachment file names or links (photos, recordings)."""
    v = _strings(s)
    return not v.empty and v.dtype.kind not in "fi" and v.str.match(_MEDIA).mean() >= 0.5


def strip_letter_options(pq: ParsedQuestion) -> bool:
    """'A.非常满意', 'B.满意', ...: when every answer of a single-choice or matrix question
    carries a letter prefix and each letter always goes with the same label, the labels lose
    their letters and the letters give the option codes (A=1, B=2, ...), so that known scales
    are recognised by their words. Returns True if it applied."""
    from ...questionnaire import Option

    if pq.structure not in ("single", "rows"):
        return False
    seen: dict[str, str] = {}
    texts = []
    for p in pq.parts:
        if p.text is None:
            return False
        t = p.text.astype(object).where(p.text.notna(), None)
        vals = [v for v in pd.unique(t.dropna()) if isinstance(v, str) and v.strip()
                and v.strip() not in (SKIPPED_MARK, "(空)", "（跳过）", "（空）")]
        for v in vals:
            m = _LETTER.match(v)
            if m is None or seen.get(m.group(1), m.group(2)) != m.group(2):
                return False
            seen[m.group(1)] = m.group(2)
        texts.append(t)
    if not seen or len(set(seen.values())) != len(seen):
        return False
    for p, t in zip(pq.parts, texts):
        p.text = t.map(lambda v: _LETTER.match(v).group(2)
                       if isinstance(v, str) and _LETTER.match(v) else v)
    pq.options = [Option(code=ord(k) - 64, label=lb) for k, lb in sorted(seen.items())]
    return True


def numeric_or_none(s: pd.Series) -> np.ndarray:
    return pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
