"""Personal data never leaves the loader in clear.

Phone numbers, 身份证 numbers, IPs, e-mail addresses, names and nicknames are replaced at load
by salted hashes (SipHash-2-4, a keyed pseudo-random function, via ``pandas.util.hash_array``
with a key derived from the salt; 16 hex digits), so duplicates can still be found and waves
matched on the same machine; coordinates are dropped. The same patterns typed into free text are
masked. The salt lives outside the repository: ``$KIT_SALT`` if set, else a random per-machine
salt created once under ``~/.config/dangjian-kit/salt``.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["get_salt", "hash_series", "mask_text", "mask_series", "is_valid_id_card",
           "looks_personal", "contains_personal", "MASKS"]

_SALT_FILE = Path.home() / ".config" / "dangjian-kit" / "salt"

MASKS = {
    "id_card": "〔身份证号已隐去〕",
    "phone": "〔电话已隐去〕",
    "email": "〔邮箱已隐去〕",
    "ip": "〔IP已隐去〕",
}
_ID18 = re.compile(r"(?<![0-9])([1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx])(?![0-9])")
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?![0-9])")
_LANDLINE = re.compile(r"(?<![0-9])0\d{2,3}-\d{7,8}(?![0-9])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_IPV4 = re.compile(r"(?<![0-9.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![0-9.])")
_ANY = re.compile(r"\d{7}|@|\d{1,3}\.\d{1,3}\.\d")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def get_salt() -> bytes:
    """The hashing salt: ``$KIT_SALT``, else a per-machine random salt (created once)."""
    env = os.environ.get("KIT_SALT")
    if env:
        return env.encode("utf-8")
    return _machine_salt()


@lru_cache(maxsize=1)
def _machine_salt() -> bytes:
    try:
        if _SALT_FILE.exists():
            return _SALT_FILE.read_text().strip().encode()
        _SALT_FILE.parent.mkdir(parents=True, exist_ok=True)
        salt = secrets.token_hex(32)
        fd = os.open(_SALT_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(salt)
        return salt.encode()
    except FileExistsError:
        return _SALT_FILE.read_text().strip().encode()
    except OSError:  # read-only home: a per-process salt still never writes data out
        return secrets.token_hex(32).encode()


def is_valid_id_card(s: str) -> bool:
    """Check an 18-digit 身份证 number's ISO 7064 MOD 11-2 check digit (GB 11643-1999).

    >>> is_valid_id_card("11010519491231002X")   # the standard's own example
    True
    >>> is_valid_id_card("110105194912310021")
    False
    """
    s = str(s).strip().upper()
    if len(s) != 18 or not s[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(s[:17], _WEIGHTS))
    return _CHECK[total % 11] == s[17]


def _hash_key() -> str:
    """A 16-character SipHash key derived from the salt (pandas takes the key as 16 characters)."""
    digest = hashlib.sha256(get_salt()).digest()
    return base64.b64encode(digest).decode("ascii")[:16]


def _normalised(s: pd.Series, kind: str | None) -> pd.Series:
    """Text form of each value, so that '139 1234 5678' and 13912345678.0 hash alike."""
    if s.dtype.kind in "fiu":
        v = s.astype("float64")
        whole = v.notna() & (v % 1 == 0)
        t = s.astype(object).where(s.notna(), None)
        t[whole] = v[whole].astype("int64").astype(str)
        t = t.astype("string")
    else:
        t = s.astype("string[pyarrow]").str.strip()
    if kind == "phone":
        t = t.str.replace(r"[\s\-()（）]", "", regex=True).str.replace(r"^\+?86(?=1\d{10}$)", "",
                                                                     regex=True)
    elif kind == "id_card":
        t = t.str.upper()
    elif kind == "email":
        t = t.str.lower()
    return t.mask(t == "")


def hash_series(s: pd.Series, kind: str | None = None) -> pd.Series:
    """Salted hash of each non-missing value (the same value gives the same hash).

    >>> import os; os.environ["KIT_SALT"] = "doc"
    >>> h = hash_series(pd.Series(["139 1234 5678", "13912345678", None]), "phone")
    >>> h[0] == h[1], len(h[0]), h.isna().tolist()
    (True, 16, [False, False, True])
    """
    norm = _normalised(s, kind)
    has = norm.notna().to_numpy()
    out = pd.Series(pd.NA, index=s.index, dtype="string")
    if has.any():
        vals = norm[has].to_numpy(dtype=object)
        h = pd.util.hash_array(vals, encoding="utf8", hash_key=_hash_key(),
                               categorize=len(vals) > 2 * norm[has].nunique())
        hexes = np.frombuffer(h.astype(">u8").tobytes().hex().encode("ascii"), dtype="S16")
        out[has] = hexes.astype("U16")
    return out


def _mask_one(text: str) -> str:
    text = _ID18.sub(lambda m: MASKS["id_card"] if is_valid_id_card(m.group(1)) else m.group(0),
                     text)
    text = _EMAIL.sub(MASKS["email"], text)
    text = _MOBILE.sub(MASKS["phone"], text)
    text = _LANDLINE.sub(MASKS["phone"], text)
    text = _IPV4.sub(MASKS["ip"], text)
    return text


def mask_text(text):
    """Mask phone numbers, valid 身份证 numbers, e-mails and IPs inside free text.

    >>> mask_text("请联系13812345678或邮件 a.b@example.com")
    '请联系〔电话已隐去〕或邮件 〔邮箱已隐去〕'
    >>> mask_text("身份证11010519491231002X，订单号110105194912310021")
    '身份证〔身份证号已隐去〕，订单号110105194912310021'
    """
    if not isinstance(text, str) or not _ANY.search(text):
        return text
    return _mask_one(text)


def mask_series(s: pd.Series) -> pd.Series:
    """Vectorised :func:`mask_text`: each distinct text is examined once."""
    if s.empty:
        return s.astype("string")
    codes, uniq = pd.factorize(s.astype(object).where(s.notna(), None), use_na_sentinel=True)
    masked = np.array([mask_text(str(u)) for u in uniq] + [None], dtype=object)
    out = masked[codes]  # code -1 (missing) takes the trailing None
    return pd.Series(out, index=s.index, dtype="string")


def blank_personal_numbers(s: pd.Series) -> pd.Series:
    """Numbers that could be a mobile (11 digits from 13…) or a 身份证 (17-18 digits) become NA."""
    v = pd.to_numeric(s, errors="coerce").astype("float64")
    bad = ((v >= 1.3e10) & (v < 2e10)) | (v >= 1e16)
    return s.mask(bad)


def contains_personal(s: pd.Series) -> bool:
    """True if any cell is, as a whole, a phone number, a valid 身份证 number or an e-mail."""
    vals = s.dropna()
    if vals.empty:
        return False
    if s.dtype.kind in "fiu":  # numbers: only 11-digit mobiles or 17-18 digit IDs could be personal
        v = vals.to_numpy(dtype="float64")
        if not (((v >= 1.3e10) & (v < 2e10)).any() or (v >= 1e16).any()):
            return False
    t = vals.map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)).str.strip()
    if t.str.fullmatch(_MOBILE.pattern).any() or t.str.fullmatch(_EMAIL.pattern).any():
        return True
    ids = t[t.str.fullmatch(_ID18.pattern)]
    return bool(len(ids)) and bool(ids.map(is_valid_id_card).any())


def looks_personal(s: pd.Series, header: str = "") -> str | None:
    """Guess whether a fill-in column holds personal data: by its title, then its values."""
    h = header
    if re.search(r"身份证|证件号", h):
        return "id_card"
    if re.search(r"手机号|电话号|联系电话|联系方式|手机号码|^\s*(?:\d+[、.．])?\s*(?:手机|电话)\s*$", h):
        return "phone"
    if re.search(r"邮箱|e-?mail", h, re.I):
        return "email"
    if re.search(r"昵称", h):
        return "nickname"
    if re.search(r"姓名|^\s*(?:\d+[、.．])?\s*名字", h):
        return "name"
    vals = s.dropna().astype(str).str.strip()
    vals = vals[vals != ""]
    if len(vals) == 0:
        return None
    sample = vals.head(500)
    for kind, rx in (("id_card", _ID18), ("phone", _MOBILE), ("email", _EMAIL)):
        if sample.str.fullmatch(rx.pattern).mean() >= 0.5:
            return kind
    return None
