"""What evaluators type, parsed once into exact values.

Indicator tables, ledgers and project files hold numbers written the way people write them
(``98%``, ``≥7万元``, ``1,500人次``, ``０.５７万元``, Excel percent cells), yes/no words
(``是``, ``√``, ``达标``) and period labels (``第三轮``, ``2023年一季度``, ``下半年``,
dates). Every module reads them through this one place, so that equal values compare equal and
the same word means the same everywhere.

- :func:`parse_quantity` gives a :class:`Quantity`: the value as an exact
  :class:`~fractions.Fraction` in its base unit (percentages as fractions of 1, 万/亿/千
  multiplied out), the unit, the relation written before or after it (``≥``, ``以上``) and the
  number of decimals it was written with.
- :func:`parse_yes_no` reads the one yes/no vocabulary (:data:`YES_WORDS`, :data:`NO_WORDS`).
- :func:`period_key` and :func:`sort_periods` order period labels by meaning, and say which
  labels cannot be ordered.

Binary floats from Excel cells are taken at their shortest decimal representation
(``0.553`` is exactly 553/1000), which is what the cell shows.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .errors import KitError

__all__ = ["Quantity", "ValueParseError", "parse_quantity", "parse_relation", "to_fraction",
           "same_unit", "YES_WORDS", "NO_WORDS", "parse_yes_no", "cn_int", "period_key",
           "period_kind", "parse_quarter", "sort_periods"]


class ValueParseError(KitError):
    """A typed value that cannot be read (the message says what was expected)."""


# ------------------------------------------------------------------------------ numbers
_MULTIPLIERS = {"万": Fraction(10_000), "亿": Fraction(100_000_000), "千": Fraction(1000),
                "百万": Fraction(1_000_000), "千万": Fraction(10_000_000)}
_RELATIONS_BEFORE = [  # longest first
    ("不低于", ">="), ("不少于", ">="), ("不小于", ">="), ("至少", ">="), ("大于等于", ">="),
    ("不高于", "<="), ("不超过", "<="), ("不多于", "<="), ("不大于", "<="), ("至多", "<="),
    ("最多", "<="), ("小于等于", "<="), ("高于", ">"), ("大于", ">"), ("超过", ">"),
    ("低于", "<"), ("小于", "<"), ("少于", "<"), ("等于", "="),
    (">=", ">="), ("≥", ">="), ("⩾", ">="), ("<=", "<="), ("≤", "<="), ("⩽", "<="),
    (">", ">"), ("<", "<"), ("==", "="), ("=", "="),
]
_RELATIONS_AFTER = [("及以上", ">="), ("以上", ">="), ("及以下", "<="), ("以下", "<="),
                    ("以内", "<=")]
_NUMBER = re.compile(r"([-+]?(?:\d+(?:\.\d*)?|\.\d+))")
_PERCENT = {"%": Fraction(1, 100), "‰": Fraction(1, 1000), "百分点": Fraction(1, 100)}


@dataclass(frozen=True)
class Quantity:
    """A number as written: exact value in the base unit, the unit, the relation, decimals.

    ``unit`` is ``"%"`` for a percentage (``value`` is then the fraction of 1), the base unit
    otherwise (``元`` for ``万元``), or ``""`` for a bare number. ``decimals`` counts the digits
    written after the point, in the unit as written (``99.2%`` has 1), so a figure can be shown
    with its own precision.
    """

    value: Fraction
    unit: str = ""
    relation: str | None = None
    decimals: int = 0
    text: str = ""

    def __float__(self) -> float:
        return float(self.value)

    @property
    def plain_text(self) -> str:
        """The text as typed without its relation words: ``≥7万元`` -> ``7万元``.

        >>> parse_quantity("≥7万元").plain_text, parse_quantity("98%以上").plain_text
        ('7万元', '98%')
        """
        s = unicodedata.normalize("NFKC", self.text).strip()
        for word, _ in _RELATIONS_BEFORE:
            if s.startswith(word):
                s = s[len(word):].lstrip()
                break
        for word, _ in _RELATIONS_AFTER:
            if s.endswith(word):
                s = s[: -len(word)].rstrip()
                break
        return s

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"

    @property
    def written(self) -> tuple[Decimal, str]:
        """The number and the unit as typed, without the relation (the 指标值 and 度量单位 of a
        form that prints them apart): ``≥7万元`` -> (7, '万元'), ``95%`` -> (95, '%'). A cell
        read as a number (an Excel percent cell 0.95) has no unit of its own.

        >>> parse_quantity("≥7万元").written, parse_quantity("95%").written, parse_quantity("1,500人次").written
        ((Decimal('7'), '万元'), (Decimal('95'), '%'), (Decimal('1500'), '人次'))
        """
        s = _normalise_text(self.plain_text).replace(",", "")
        m = _NUMBER.match(s)
        if not m:
            return Decimal(self.value.numerator) / Decimal(self.value.denominator), self.unit
        return Decimal(m.group(1)), s[m.end():]


def to_fraction(x) -> Fraction:
    """An exact fraction from an int, a float (its shortest decimal form), a Decimal or a
    Fraction.

    >>> to_fraction(0.553), to_fraction(89.99999999999999) == Fraction(8999999999999999, 10**14)
    (Fraction(553, 1000), True)
    """
    if isinstance(x, bool):
        raise TypeError("a yes/no value is not a number")
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int):
        return Fraction(x)
    if isinstance(x, Decimal):
        return Fraction(x)
    f = float(x)
    if not math.isfinite(f):
        raise ValueError(f"not a finite number: {x!r}")
    return Fraction(Decimal(repr(f)))


def _decimals_of(s: str) -> int:
    return len(s.split(".", 1)[1]) if "." in s else 0


def _normalise_text(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)  # full-width digits, ％, ＞, ，and spaces
    s = s.replace("，", ",").replace("、", ",")
    return re.sub(r"\s+", "", s)


def parse_quantity(v, *, where: str = "") -> Quantity | None:
    """Read a number as evaluators write it; None for an empty cell.

    Raises :class:`ValueParseError` (its message names ``where``) when the text is not a number.

    >>> q = parse_quantity("55.3%"); q.value, q.unit, q.decimals
    (Fraction(553, 1000), '%', 1)
    >>> parse_quantity(0.553).value == parse_quantity("55.3%").value
    True
    >>> parse_quantity("0.57万元").value == parse_quantity("5700元").value
    True
    >>> q = parse_quantity("≥7万元"); q.value, q.unit, q.relation
    (Fraction(70000, 1), '元', '>=')
    >>> parse_quantity("１，５００人次").value, parse_quantity("98%以上").relation
    (Fraction(1500, 1), '>=')
    >>> parse_quantity(" "), parse_quantity(None)
    (None, None)
    """
    if v is None:
        return None
    if isinstance(v, bool):
        raise ValueParseError(f"{where}「{v}」是是/否值，不是数字")
    if isinstance(v, (int, float, Decimal, Fraction)):
        if isinstance(v, float) and math.isnan(v):
            return None
        try:
            frac = to_fraction(v)
        except ValueError:
            raise ValueParseError(f"{where}「{v}」不是有限的数字") from None
        text = repr(float(v)) if isinstance(v, float) else str(v)
        return Quantity(frac, "", None, _decimals_of(text.rstrip("0")) if "." in text else 0, text)
    raw = str(v)
    s = _normalise_text(raw)
    if s == "":
        return None
    relation = None
    for word, rel in _RELATIONS_BEFORE:
        if s.startswith(word):
            relation, s = rel, s[len(word):]
            break
    for word, rel in _RELATIONS_AFTER:
        if s.endswith(word):
            if relation is not None and relation != rel:
                raise ValueParseError(f"{where}「{raw}」前后写了相反的比较关系")
            relation, s = rel, s[: -len(word)]
            break
    s = s.replace(",", "")
    m = _NUMBER.match(s)
    if not m:
        raise ValueParseError(f"{where}「{raw}」不是数字；请填写如 98%、7万元、1500人次")
    num_text, unit = m.group(1), s[m.end():]
    value = Fraction(Decimal(num_text))
    decimals = _decimals_of(num_text)
    if unit and (not re.fullmatch(r"[%‰A-Za-z\u4e00-\u9fff/·²³()]+", unit)
                 or (re.search("[%‰]", unit) and unit not in _PERCENT)):
        raise ValueParseError(f"{where}「{raw}」的单位「{unit}」无法识别 (expected a number with a "
                          "unit such as %, 万元, 人次)")
    if unit in _PERCENT:
        return Quantity(value * _PERCENT[unit], "%" if unit != "‰" else "%", relation,
                        decimals if unit != "‰" else decimals + 1, raw)
    for prefix in sorted(_MULTIPLIERS, key=len, reverse=True):
        if unit.startswith(prefix) and (len(unit) > len(prefix) or prefix in ("万", "亿")):
            # 万元, 万人, 亿元; a bare 万 / 亿 multiplies a plain number. 千克/千米 are units.
            rest = unit[len(prefix):]
            if prefix == "千" and rest in ("克", "米", "瓦", "瓦时"):
                break
            return Quantity(value * _MULTIPLIERS[prefix], rest, relation, decimals, raw)
    return Quantity(value, unit, relation, decimals, raw)


RELATION_WORDS = {">=": "不低于", ">": "高于", "<=": "不高于", "<": "低于", "=": "等于"}


def parse_relation(v, *, where: str = "") -> str | None:
    """A comparison written on its own (``≥``, ``<=``, ``不低于``, ``以上``): one of ``>=``,
    ``>``, ``<=``, ``<``, ``=``; None for an empty cell; any other text is an error.

    >>> [parse_relation(x) for x in ("≥", "<=", "不高于", "以下", "＞", None)]
    ['>=', '<=', '<=', '<=', '>', None]
    """
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    s = _normalise_text(str(v))
    if s == "":
        return None
    for word, rel in _RELATIONS_BEFORE + _RELATIONS_AFTER:
        if s == word:
            return rel
    raise ValueParseError(f"{where}「{v}」不是比较关系；应为 ≥、≤、>、<（也可写 不低于、不高于）")


def same_unit(a: Quantity, b: Quantity, *, where: str = "") -> tuple[Fraction, Fraction]:
    """The two values on one scale, or an error when their units cannot be compared.

    A bare number beside a percentage is read as a fraction of 1 (an Excel percent cell holds
    0.553 for 55.3%), but only when it is at most 1 in size; a bare 98 beside 97% is refused
    because one of the two was mistyped.

    >>> same_unit(parse_quantity(0.553), parse_quantity("55.3%"))
    (Fraction(553, 1000), Fraction(553, 1000))
    >>> same_unit(parse_quantity("90万元"), parse_quantity("800000"))
    (Fraction(900000, 1), Fraction(800000, 1))
    """
    if a.unit == b.unit or ("" in (a.unit, b.unit) and "%" not in (a.unit, b.unit)):
        return a.value, b.value
    if {a.unit, b.unit} == {"", "%"}:
        bare = a if a.unit == "" else b
        if abs(bare.value) <= 1:
            return a.value, b.value
        raise ValueParseError(f"{where}「{a.text}」与「{b.text}」一个是百分数、一个不是，无法比较；请都写成百分数，"
                          f"如 {bare.text}%（百分比格式的单元格存的是小数，如 105% 存为 1.05；这样的单元格请改为"
                          "输入文本“105%”）")
    raise ValueParseError(f"{where}「{a.text}」与「{b.text}」的单位不同（{a.unit or '无单位'}、"
                      f"{b.unit or '无单位'}），无法比较；请改为同一单位")


# ------------------------------------------------------------------------------ yes / no
# One vocabulary for every yes/no cell the kit reads (indicators, veto and prerequisite rows,
# star-rating prerequisites and member aspects, project files). 部分达成 is a band word only.
YES_WORDS = frozenset({"是", "有", "√", "✓", "✔", "☑", "达标", "通过", "达成", "完成", "已完成",
                       "满足", "符合", "合格", "1", "yes", "y", "true", "t"})
NO_WORDS = frozenset({"否", "无", "没有", "×", "✗", "✘", "☒", "未达标", "不达标", "未通过", "不通过",
                      "未达成", "未完成", "不满足", "未满足", "不符合", "不合格", "0", "no", "n",
                      "false", "f"})


def parse_yes_no(v, *, where: str = "", missing_ok: bool = True) -> bool | None:
    """True, False, or None for an empty cell; any other text is an error naming ``where``.

    >>> [parse_yes_no(x) for x in ("是", "√", "达标", 1, 1.0, "未通过", "×", 0, "", None)]
    [True, True, True, True, True, False, False, False, None, None]
    """
    if v is None or (isinstance(v, float) and math.isnan(v)):
        if missing_ok:
            return None
        raise ValueParseError(f"{where}未填写；应为 是 或 否")
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)) and v in (0, 1):
        return bool(v)
    s = unicodedata.normalize("NFKC", str(v)).strip().lower()
    if s == "":
        if missing_ok:
            return None
        raise ValueParseError(f"{where}未填写；应为 是 或 否")
    if s in YES_WORDS:
        return True
    if s in NO_WORDS:
        return False
    raise ValueParseError(f"{where}「{v}」应为 是/否（也可写 √/×、有/无、达标/未达标、通过/未通过、1/0）")


# ------------------------------------------------------------------------------ periods
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}


def cn_int(s: str) -> int | None:
    """An integer written in Arabic digits or Chinese numerals up to 9999; None otherwise.

    >>> [cn_int(x) for x in ("3", "三", "十", "十二", "二十", "二十三", "一百零五", "两千零二十三", "x")]
    [3, 3, 10, 12, 20, 23, 105, 2023, None]
    """
    s = unicodedata.normalize("NFKC", str(s)).strip()
    if s.isdigit():
        return int(s)
    if not s or any(c not in _CN_DIGITS and c not in "十百千" for c in s):
        return None
    if all(c in _CN_DIGITS for c in s) and len(s) > 1:  # 二〇二三
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    total, digit = 0, None
    for c in s:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        else:
            unit = {"十": 10, "百": 100, "千": 1000}[c]
            total += (1 if digit is None else digit) * unit
            digit = None
    return total + (digit or 0)


_NUM = r"(\d+|[零〇一二两三四五六七八九十百千]+)"
_YEAR = r"(?:(\d{4}|[零〇一二三四五六七八九]{4})\s*年(?:度)?\s*)?"
_PERIOD_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("round", re.compile(rf"^第?\s*{_NUM}\s*(?:轮|次|期|批)(?:次)?(?:督查|检查|考核|评比)?$")),
    ("quarter", re.compile(rf"^{_YEAR}第?\s*{_NUM}\s*季(?:度)?$")),
    ("quarter", re.compile(r"^(?:(\d{4})\s*)?[-_ ]?Q\s*([1-4])$", re.I)),
    ("half", re.compile(rf"^{_YEAR}(上|下)半年(?:度)?$")),
    ("month", re.compile(rf"^{_YEAR}{_NUM}\s*月(?:份)?$")),
    ("year", re.compile(r"^(\d{4})\s*(?:年(?:度)?)?$")),
]
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")


def _period(label) -> tuple[str, tuple] | None:
    """(granularity, sort key) of a period label, or None. Granularity is one of ``round``,
    ``number``, ``year``, ``half``, ``quarter``, ``month``, ``date``."""
    if label is None or (isinstance(label, float) and math.isnan(label)):
        return None
    if isinstance(label, (dt.date, dt.datetime)):
        return "date", ("calendar", label.year, (label.month, label.day))
    if hasattr(label, "to_pydatetime"):  # pandas Timestamp
        d = label.to_pydatetime()
        return "date", ("calendar", d.year, (d.month, d.day))
    if isinstance(label, (int, float)) and not isinstance(label, bool):
        if float(label).is_integer() and 1900 <= label <= 2200:
            return "year", ("calendar", int(label), (1, 1))
        return "number", ("ordinal", None, (to_fraction(label),))
    s = unicodedata.normalize("NFKC", str(label)).strip()
    m = _DATE.match(s)
    if m:
        y, mo, d = (int(x) for x in m.groups())
        try:
            dt.date(y, mo, d)
        except ValueError:
            return None
        return "date", ("calendar", y, (mo, d))
    for kind, rx in _PERIOD_PATTERNS:
        m = rx.match(s)
        if not m:
            continue
        if kind == "round":
            n = cn_int(m.group(1))
            return ("round", ("ordinal", None, (n,))) if n is not None else None
        if kind == "year":
            return "year", ("calendar", int(m.group(1)), (1, 1))
        year = cn_int(m.group(1)) if m.group(1) else None
        if kind == "half":
            return "half", ("calendar", year, (1 if m.group(2) == "上" else 7, 1))
        n = cn_int(m.group(2))
        if n is None:
            return None
        if kind == "quarter":
            return ("quarter", ("calendar", year, (3 * n - 2, 1))) if 1 <= n <= 4 else None
        return ("month", ("calendar", year, (n, 1))) if 1 <= n <= 12 else None
    try:
        return "number", ("ordinal", None, (Fraction(Decimal(s)),))
    except ArithmeticError:
        return None


def period_key(label) -> tuple | None:
    """A sort key for a period label, or None when its meaning cannot be read.

    The key is ``(kind, year, position)``: ``kind`` is ``"ordinal"`` for rounds (第N轮, N次)
    and bare numbers, ``"calendar"`` for years, halves, quarters, months and dates, whose
    position is the first day of the period as (month, day).

    >>> period_key("第十二轮"), period_key("2023年一季度"), period_key("2023Q3")
    (('ordinal', None, (12,)), ('calendar', 2023, (1, 1)), ('calendar', 2023, (7, 1)))
    >>> period_key("下半年"), period_key("2023年3月"), period_key("2023/02/30")
    (('calendar', None, (7, 1)), ('calendar', 2023, (3, 1)), None)
    """
    p = _period(label)
    return p[1] if p else None


def period_kind(label) -> str | None:
    """What a period label names: ``round``, ``number``, ``year``, ``half``, ``quarter``,
    ``month`` or ``date``; None when its meaning cannot be read.

    >>> [period_kind(x) for x in ("第三轮", "2023年一季度", "2023年3月", "下半年", 2023, "x")]
    ['round', 'quarter', 'month', 'half', 'year', None]
    """
    p = _period(label)
    return p[0] if p else None


def parse_quarter(label) -> tuple[int | None, int] | None:
    """(year or None, quarter 1-4) of a quarter label, None for anything else (a month, a
    half year, text).

    >>> [parse_quarter(x) for x in ("2022Q1", "2022年第二季度", "2022年三季度", "四季度", "2022年3月")]
    [(2022, 1), (2022, 2), (2022, 3), (None, 4), None]
    """
    p = _period(label)
    if not p or p[0] != "quarter":
        return None
    _, year, (month, _) = p[1]
    return year, (month + 2) // 3


def sort_periods(labels, *, where: str = "") -> list:
    """The distinct labels in order of meaning. Labels whose meaning cannot be read, or that
    mix kinds (rounds with dates, some with a year and some without), raise
    :class:`ValueParseError` naming them.

    >>> sort_periods(["第十轮", "第二轮", "第一轮"])
    ['第一轮', '第二轮', '第十轮']
    >>> sort_periods(["2023年下半年", "2024年上半年", "2023年上半年"])
    ['2023年上半年', '2023年下半年', '2024年上半年']
    """
    distinct = list(dict.fromkeys(x for x in labels if x is not None and not (
        isinstance(x, float) and math.isnan(x))))
    keys = {x: period_key(x) for x in distinct}
    bad = [x for x, k in keys.items() if k is None]
    if bad:
        raise ValueParseError(f"{where}无法判断这些期次的先后：{'、'.join(f'「{x}」' for x in bad[:5])}；请写成"
                          "第1轮、2023年第一季度、2023年上半年、2023-03-01 或数字")
    kinds = {k[0] for k in keys.values()}
    with_year = {k[1] is not None for k in keys.values() if k[0] == "calendar"}
    if len(kinds) > 1 or len(with_year) > 1:
        raise ValueParseError(f"{where}期次写法不一致（{'、'.join(f'「{x}」' for x in distinct[:6])}），无法排序；"
                          "请统一写法，如都写成“第N轮”或都写明年份")
    order = sorted(distinct, key=lambda x: (keys[x][1] or 0, keys[x][2]))
    seen: dict = {}
    for x in order:
        k = keys[x]
        if k in seen:
            raise ValueParseError(f"{where}「{seen[k]}」与「{x}」是同一期，请统一写法")
        seen[k] = x
    return order
