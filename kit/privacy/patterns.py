"""Personal numbers and addresses inside text: phones, 身份证 numbers, e-mails, IPs (v4 and v6),
WeChat OpenIDs and GPS coordinates, however they are written.

Full-width characters (１３８００１３８０００, ＠) are read as their ASCII twins; phones may carry
spaces, dashes, dots, ``+86``/``0086`` or an area code in brackets (``(0564)3312301``,
``010 12345678``); 身份证 numbers may be split by spaces. Matching runs on a translated copy of
the same length, so the masks replace exactly the characters that were typed.
"""

from __future__ import annotations

import ipaddress
import re

__all__ = ["MASKS", "find_personal_numbers", "mask_numbers", "is_valid_id_card", "ID18",
           "MOBILE", "EMAIL", "might_hold_numbers"]

MASKS = {
    "id_card": "〔身份证号已隐去〕",
    "phone": "〔电话已隐去〕",
    "email": "〔邮箱已隐去〕",
    "ip": "〔IP已隐去〕",
    "openid": "〔OpenID已隐去〕",
    "coordinates": "〔坐标已隐去〕",
}
# full-width ASCII (U+FF01-FF5E) and the ideographic space, one character for one
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
for _dash in "‐‑‒–—―－﹣":
    _FULLWIDTH[ord(_dash)] = ord("-")

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SEP = r"[ \t\-.]?"
# whole-value patterns (used by contains_personal / looks_personal)
ID18 = re.compile(r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx]")
MOBILE = re.compile(r"(?:(?:\+|00)?86[ -]?)?1[3-9]\d(?:[ \-]?\d){8}")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")

_FIND = [
    # 身份证: 18 characters, optionally split by spaces or dashes; checked below
    ("id_card", re.compile(r"(?<![0-9A-Za-z])[1-9](?:[ \-]?\d){16}[ \-]?[0-9Xx](?![0-9A-Za-z])")),
    ("id_card15", re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
                             r"\d{3}(?![0-9A-Za-z])")),
    ("email", re.compile(r"[A-Za-z0-9._%+-]+\s?@\s?[A-Za-z0-9.-]+\.[A-Za-z]{2,}")),
    ("ip6", re.compile(r"(?<![0-9A-Za-z:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|"
                       r"\d{1,3}(?:\.\d{1,3}){3})?(?![0-9A-Za-z:])")),
    ("phone", re.compile(r"(?<![0-9A-Za-z])(?:(?:\+|00)\s?86\s?[ \-]?|[(（]\+?86[)）]\s?|86[ \-])?"
                         r"1[3-9]\d(?:" + _SEP + r"\d){8}(?![0-9])")),
    ("landline", re.compile(r"(?<![0-9A-Za-z])(?:(?:\+|00)\s?86[ \-]?)?(?:[(（]0?\d{2,3}[)）]\s?|0\d{2,3}"
                            r"[ \-]?)[1-9]\d{2,3}[ \-]?\d{4}(?:\s*(?:转|-|ext\.?|x)\s*\d{1,5})?"
                            r"(?![0-9])")),
    # a number right after a word that says it is a phone: 电话3312301, 座机：3312 301
    ("keyed_phone", re.compile(r"(?:电话|手机|座机|联系方式|联系电话|tel|TEL|Tel|微信|QQ|qq)(?:号码?)?"
                               r"[:：\s]*(\d(?:[ \-]?\d){4,14})")),
    ("ip", re.compile(r"(?<![0-9.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)"
                      r"(?![0-9])(?!\.\d)")),
    ("openid", re.compile(r"(?<![A-Za-z0-9_-])o[A-Za-z0-9_-]{27}(?![A-Za-z0-9_-])")),
    ("coordinates", re.compile(r"(?<![0-9.])-?\d{1,3}\.\d{4,}\s*[,，/ ]\s*-?\d{1,3}\.\d{4,}(?![0-9])")),
]
_KIND = {"id_card15": "id_card", "ip6": "ip", "landline": "phone", "keyed_phone": "phone"}
_ANY = re.compile(r"\d{3}|\d\.\d|@|:.*:|[０-９＠]|[A-Za-z0-9_-]{27}")


def is_valid_id_card(s: str) -> bool:
    """Check an 18-digit 身份证 number's ISO 7064 MOD 11-2 check digit (GB 11643-1999).

    >>> is_valid_id_card("11010519491231002X")   # the standard's own example
    True
    >>> is_valid_id_card("110105194912310021")
    False
    """
    s = re.sub(r"[ \-]", "", str(s).strip().upper())
    if len(s) != 18 or not s[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(s[:17], _WEIGHTS))
    return _CHECK[total % 11] == s[17]


_ID_WORD = re.compile(r"身份|证件|证号|ID", re.I)


def _id_like(s: str, before: str) -> bool:
    """A valid 身份证 number; or, right after a word such as 身份证, one whose birth date is a
    real date (a mistyped check digit is still someone's number). An 18-digit order number
    with a wrong check digit stays."""
    digits = re.sub(r"[ \-]", "", s).upper()
    if is_valid_id_card(digits):
        return True
    return bool(ID18.fullmatch(digits)) and bool(_ID_WORD.search(before[-12:]))


def might_hold_numbers(text: str) -> bool:
    """Cheap test: could ``text`` hold any of the patterns at all?"""
    return bool(_ANY.search(text))


def find_personal_numbers(text: str) -> list[tuple[int, int, str]]:
    """Spans ``(start, end, kind)`` of personal numbers in ``text`` (non-overlapping)."""
    if not text or not might_hold_numbers(text):
        return []
    t = text.translate(_FULLWIDTH)
    taken: list[tuple[int, int, str]] = []

    def free(a, b):
        return all(b <= x or a >= y for x, y, _ in taken)

    for kind, rx in _FIND:
        for m in rx.finditer(t):
            grp = 1 if rx.groups else 0
            a, b = m.span(grp)
            s = m.group(grp)
            if kind == "id_card" and not _id_like(s, t[:a]):
                continue
            if kind == "ip6":
                try:
                    ipaddress.IPv6Address(s)
                except ValueError:
                    continue
            if kind == "keyed_phone" and len(re.sub(r"\D", "", s)) < 5:
                continue
            if free(a, b):
                taken.append((a, b, _KIND.get(kind, kind)))
    return sorted(taken)


def mask_numbers(text: str) -> str:
    """``text`` with every personal number replaced by its mask.

    >>> mask_numbers("电话：138 0013 8000 或 (0564)3312301，IP 2001:db8::1")
    '电话：〔电话已隐去〕 或 〔电话已隐去〕，IP 〔IP已隐去〕'
    """
    spans = find_personal_numbers(text)
    for a, b, kind in reversed(spans):
        text = text[:a] + MASKS[kind] + text[b:]
    return text
