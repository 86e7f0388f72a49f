"""Times as platforms write them: offsets per phone, Excel serials, English month names.

KoboToolbox writes ``start``/``end`` with each phone's own UTC offset (``+02:00`` beside
``-04:00`` in one file, or ``+02`` with no minutes); pandas refuses such a column ("Mixed
timezones detected"). Here a column with offsets becomes UTC (timezone-aware) and the clock
time the respondent saw is kept beside it; a column without offsets stays as written.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["parse_times", "duration_seconds", "OFFSET", "has_offset"]

# an offset after a clock time ('...T10:00:00.000+02:00', '...10:00+02', '...Z'); a bare date's
# '-06' is not one
OFFSET = re.compile(r"^(?P<clock>.*\d:\d\d(?::\d\d)?(?:\.\d+)?)\s*(?P<off>Z|[+-]\d{2}(?::?\d{2})?)$")
_ISO_LIKE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}")
_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S",     # 问卷星, 腾讯问卷, 问卷网
            "%d-%b-%Y %H:%M:%S",                           # 腾讯问卷 2021 ('02-Feb-2021 20:28:09')
            "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S")
_NULLS = ("NULL", "null", "", "n/a", "(跳过)", "(空)")


def has_offset(v) -> bool:
    """Whether a time written as text carries a UTC offset.

    >>> has_offset("2023-05-01T10:00:00+02"), has_offset("2024-05-06")
    (True, False)
    """
    return isinstance(v, str) and OFFSET.match(v.strip()) is not None


def parse_times(s: pd.Series) -> tuple[pd.Series, pd.Series | None, int]:
    """A column of times -> (times, local clock times or None, number of unreadable cells).

    When cells carry UTC offsets, ``times`` is timezone-aware UTC and ``local`` the naive
    clock time as written; otherwise ``times`` is naive as written and ``local`` is None.

    >>> t, local, bad = parse_times(pd.Series(["2023-05-01T10:00:00.000+02:00",
    ...                                         "2023-05-01T10:00:00-04:00", None]))
    >>> [str(x) for x in t[:2]], [str(x) for x in local[:2]], bad
    (['2023-05-01 08:00:00+00:00', '2023-05-01 14:00:00+00:00'], ['2023-05-01 10:00:00', '2023-05-01 10:00:00'], 0)
    >>> parse_times(pd.Series(["02-Feb-2021 20:28:09"]))[0].iloc[0]
    Timestamp('2021-02-02 20:28:09')
    """
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return s.dt.tz_convert("UTC"), s.dt.tz_localize(None), 0
    if pd.api.types.is_datetime64_any_dtype(s):
        return s, None, 0
    if s.dtype.kind in "fi":  # Excel serial dates (CSV re-saved by Excel)
        out = pd.to_datetime(s, unit="D", origin="1899-12-30", errors="coerce").dt.round("s")
        return out, None, int((out.isna() & s.notna()).sum())
    if pd.api.types.is_string_dtype(s.dtype) and s.dtype != object:  # fastexcel's text: vectorised
        t = s.str.strip()
        t = t.where(~t.isin(_NULLS))
    else:
        t = s.astype(object).where(s.notna(), None)
        t = t.map(lambda v: v.strip() if isinstance(v, str) else v)
        t = t.where(~t.isin(_NULLS), None)
    has = t.notna()
    if not has.any():
        return pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]"), None, 0
    text = t[has].astype(str)
    if _offset_cells(text).any():
        utc = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns, UTC]")
        utc[has] = pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce")
        local = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
        # the clock time the phone showed: the same text without its offset
        local[has] = pd.to_datetime(text.str.replace(OFFSET, r"\g<clock>", regex=True),
                                    format="ISO8601", errors="coerce")
        return utc, local, int(utc[has].isna().sum())
    for fmt in _FORMATS:  # fast exact parse
        out = pd.to_datetime(t, errors="coerce", format=fmt)
        if out.notna().sum() == has.sum():
            return out, None, 0
    t = t.astype(object).where(has, None)
    # cell by cell: dates typed by hand ('2019年11月1日 09:17:39', '２０１９/11/1 9:17') read
    # exactly, so that '2019/02/30' is unreadable rather than guessed; Excel serial numbers
    # written as text (a column that one damaged cell made text); anything else by the general
    # parser
    norm = t.map(_norm_date)
    out = pd.to_datetime(norm, errors="coerce", format="%Y/%m/%d %H:%M:%S")
    num = pd.to_numeric(t.where(norm.isna() & has).map(
        lambda v: v if isinstance(v, str) and _SERIAL.fullmatch(v) else None), errors="coerce")
    serial = num.notna()
    if serial.any():
        out[serial] = pd.to_datetime(num[serial], unit="D", origin="1899-12-30").dt.round("s")
    rest = has & norm.isna() & ~serial
    if rest.any():
        out[rest] = pd.to_datetime(t[rest], errors="coerce", format="mixed")
    return out, None, int((out.isna() & has).sum())


# OFFSET and _ISO_LIKE for ASCII text, in RE2 (Arrow): Python's \d is [0-9] there and its \s the
# ASCII whitespace Python itself matches (tab to carriage return, \x1c-\x1f, space); Python's $
# also matches before a final newline
_ASCII_WS = "[" + "".join(f"\\x{c:02x}" for c in range(128) if re.match(r"\s", chr(c))) + "]"
_OFFSET_RE2 = (r"^.*[0-9]:[0-9][0-9](?::[0-9][0-9])?(?:\.[0-9]+)?" + _ASCII_WS
               + r"*(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)\n?$")
_ISO_LIKE_RE2 = r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"


def _offset_cells(text: pd.Series) -> np.ndarray:
    """Which cells of a column of text hold a date with a clock time and a UTC offset (both
    :data:`OFFSET` and ``_ISO_LIKE`` match). ASCII cells are matched in Arrow (RE2, no Python
    per cell); a cell with any other character by the Python patterns themselves.

    >>> _offset_cells(pd.Series(["2023-05-01T10:00+02", "2024/5/1 8:00:00", "２０２３-05-01 10:00Z"]))
    array([ True, False,  True])
    """
    by_python = lambda v: bool(OFFSET.match(v) and _ISO_LIKE.match(v))  # noqa: E731
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        if isinstance(text.array, pd.arrays.ArrowStringArray):  # already Arrow's
            arr = pa.array(text.array)
            arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
        else:
            arr = pa.array(text.to_numpy(dtype=object), type=pa.string())
    except (ImportError, UnicodeError, ValueError, TypeError):  # lone surrogates, not text
        return np.array([by_python(str(v)) for v in text], dtype=bool)
    hit = pc.match_substring_regex(arr, _ISO_LIKE_RE2)  # fails at once on 2024/5/1 ...
    if pc.any(hit).as_py():
        hit = pc.and_(hit, pc.match_substring_regex(arr, _OFFSET_RE2))
    hit = hit.fill_null(False).to_numpy(zero_copy_only=False).copy()
    other = np.flatnonzero(~pc.string_is_ascii(arr).fill_null(True).to_numpy(zero_copy_only=False))
    if len(other):
        hit[other] = [by_python(v) for v in text.iloc[other]]
    return hit


_SERIAL = re.compile(r"[2-7][0-9]{4}(?:\.[0-9]+)?")  # Excel day numbers 20000-79999: 1954-2119


_CN_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?\s*(.*)$", re.S)
_YMD = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?$")


def _norm_date(v) -> str | None:
    """'2019年11月1日 9:17' / '2019-11-01' / '２０１９/11/1' -> '2019/11/01 09:17:00'; None when
    the text is not a plain date (left to the general parser).

    >>> _norm_date("2019年11月1日 09:17:39"), _norm_date("2019/02/30"), _norm_date("next week")
    ('2019/11/01 09:17:39', '2019/02/30 00:00:00', None)
    """
    if not isinstance(v, str):
        return None
    import unicodedata

    v = unicodedata.normalize("NFKC", v).strip()
    m = _CN_DATE.match(v)
    if m:
        v = f"{m.group(1)}/{m.group(2)}/{m.group(3)} {m.group(4)}".strip()
    m = _YMD.match(v)
    if not m:
        return None
    y, mo, d, hh, mm, ss = (int(x) if x else 0 for x in m.groups())
    return f"{y:04d}/{mo:02d}/{d:02d} {hh:02d}:{mm:02d}:{ss:02d}"


_HMS = re.compile(r"^\s*(\d+):(\d{1,2})(?::(\d{1,2}))?\s*$")


def duration_seconds(s: pd.Series) -> pd.Series:
    """答题时长 to seconds: '136秒', '2分5秒', plain seconds, and '00:02:05' clock form.

    >>> duration_seconds(pd.Series(["00:02:05", "136秒", 40, None])).tolist()
    [125.0, 136.0, 40.0, nan]
    """
    from ..io.wjx import parse_duration

    if s.dtype.kind in "fi":
        return s.astype("float64")
    codes, uniq = pd.factorize(s, use_na_sentinel=True)
    if 2 * len(uniq) < len(s):  # '136秒' repeats: each distinct text is read once
        secs = duration_seconds(pd.Series(np.asarray(uniq, dtype=object))).to_numpy(dtype="float64")
        return pd.Series(np.append(secs, np.nan)[codes], index=s.index, dtype="float64")
    t = s.astype(object).where(s.notna(), None)
    hms = t.map(lambda v: _HMS.match(v) if isinstance(v, str) else None)
    out = parse_duration(t.where(hms.isna(), None).map(lambda v: v if v is None or isinstance(
        v, str) else str(v)).astype(object))
    if hms.notna().any():
        secs = hms.dropna().map(lambda m: (int(m.group(1)) * 3600 + int(m.group(2)) * 60
                                           + int(m.group(3))) if m.group(3) is not None
                                else int(m.group(1)) * 60 + int(m.group(2)))
        out = out.astype("float64")
        out[secs.index] = secs.astype("float64")
    return out.astype("float64").where(~np.isinf(out.astype("float64")))
