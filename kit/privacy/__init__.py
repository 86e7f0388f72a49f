"""Personal data never leaves the loader in clear.

* Identifiers (phones, 身份证 numbers, IPs, e-mails, names, nicknames, OpenIDs, addresses) are
  replaced at load by keyed hashes: HMAC-SHA256 truncated to 16 hex digits, keyed by a key
  derived once per process with scrypt from the project's pepper, or from the machine salt when
  the project has none (see :mod:`kit.privacy.keys`). The same value gives the same hash, so
  duplicates can still be found and waves matched; coordinates are dropped.
* Free text (open answers, 〖其他〗 texts, fill-in blanks, custom fields, metadata) is masked:
  phones however written, 身份证 numbers, e-mails, IPv4/IPv6, OpenIDs, coordinates
  (:mod:`kit.privacy.patterns`) and Chinese personal names (:mod:`kit.privacy.names`, jieba's
  tagging plus the 百家姓 surnames). A question can opt out of name masking with ``mask: false``
  in questionnaire.yml; personal numbers are masked always.
* Option and row labels that the kit drafts from the data, and file names, are masked before
  they reach a table, a drafted codebook or the manifest.

What the hashes protect: without the key nobody can tell which phone a hash stands for. What
they do not: whoever holds the key material (the project's pepper, or the machine salt for a
project without one) can hash all 10^10 mobile numbers and so reverse a phone hash.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..background import in_thread
from .keys import (MIN_SALT_CHARS, PepperError, active_pepper_id, config_dir, find_pepper,
                   get_salt, hash_key, new_pepper, pepper_id, require_pepper, store_pepper,
                   use_pepper)
from .names import NAME_MASK, looks_like_name, mask_names
from .patterns import (EMAIL, ID18, MASKS as _NUMBER_MASKS, MOBILE, find_personal_numbers,
                       is_valid_id_card, mask_numbers, might_hold_numbers)

__all__ = ["get_salt", "hash_series", "derive_key_ahead", "take_strings", "mask_text", "mask_series",
           "mask_label", "mask_filename",
           "is_valid_id_card", "looks_personal", "contains_personal", "blank_personal_numbers",
           "mask_questionnaire_labels", "masked_aliases", "MASKS", "use_pepper", "active_pepper_id", "pepper_id",
           "new_pepper", "store_pepper", "find_pepper", "require_pepper", "PepperError",
           "config_dir", "MIN_SALT_CHARS", "hash_key"]

MASKS = {**_NUMBER_MASKS, "name": NAME_MASK}
_MASK_TOKEN = re.compile("|".join(re.escape(m) for m in MASKS.values()))
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


# ---------------------------------------------------------------------------------- hashing
def _normalised(s: pd.Series, kind: str | None) -> pd.Series:
    """Text form of each value, so that '139 1234 5678', '+86 13912345678' and 13912345678.0
    hash alike."""
    if s.dtype.kind in "fiu":
        v = s.astype("float64")
        whole = v.notna() & (v % 1 == 0)
        t = s.astype(object).where(s.notna(), None)
        t[whole] = v[whole].astype("int64").astype(str)
        t = t.astype("string")
    else:
        if s.dtype == object:  # a mixed column: 13800138000.0 is the number 13800138000
            s = s.map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else v)
        t = s.astype("string[pyarrow]")
        if not t.str.isascii().fillna(True).all():  # full-width digits: read as ASCII
            t = t.astype("string").str.translate(_FULLWIDTH).astype("string[pyarrow]")
        t = t.str.strip()
    if kind == "phone":
        t = t.str.replace(r"[\s\-.()（）]", "", regex=True).str.replace(
            r"^(?:\+|00)?86(?=1\d{10}$)", "", regex=True)
    elif kind == "id_card":
        t = t.str.replace(r"[\s\-]", "", regex=True).str.upper()
    elif kind in ("email", "respondent_id"):
        t = t.str.lower() if kind == "email" else t
    elif kind in ("name", "nickname", "address"):
        t = t.str.replace(r"\s+", "", regex=True)
    return t.mask(t == "")


def hash_series(s: pd.Series, kind: str | None = None) -> pd.Series:
    """Keyed hash (HMAC-SHA256, 16 hex digits) of each non-missing value; the same value gives
    the same hash. Each distinct value is hashed once.

    >>> import os; os.environ["KIT_SALT"] = "a-doctest-salt-not-secret"
    >>> h = hash_series(pd.Series(["139 1234 5678", "+86 139-1234-5678", "13912345678", None]),
    ...                 "phone")
    >>> h[0] == h[1] == h[2], len(h[0]), h.isna().tolist()
    (True, 16, [False, False, False, True])
    """
    norm = _normalised(s, kind)
    codes, uniq = pd.factorize(norm.array, use_na_sentinel=True)  # each distinct value once
    if not len(uniq):
        return pd.Series(pd.NA, index=s.index, dtype="string")
    return take_strings(codes, _hmac16_all(_key(), _utf8(uniq)), s.index)


_ahead: list = []  # derivations of the key started in the background (derive_key_ahead)


def derive_key_ahead() -> None:
    """Start deriving the hashing key (scrypt: about 60 ms, which runs without the GIL) in the
    background, in the current context (its pepper), for :func:`hash_series` to take up: the
    loader calls it before the work that comes before the first hash. A failure there (no
    pepper, a short salt) is raised again, in Chinese, where the key is needed."""
    _ahead.append(in_thread(hash_key, name="kit-hash-key"))


def _key() -> bytes:
    """The hashing key, once a derivation started ahead has finished (never derived twice)."""
    while True:  # pop, not test-then-pop: another thread may be taking the same one
        try:
            derived = _ahead.pop()
        except IndexError:
            break
        try:
            derived()
        except Exception:  # noqa: BLE001 - raised again by hash_key just below
            pass
    return hash_key()


def take_strings(codes: np.ndarray, values, index) -> pd.Series:
    """A ``string`` column holding ``values[code]`` in each cell (NA where the code is -1 or the
    value None), put together in Arrow (no Python object per cell) when that is where the
    column's strings live: a column worked out once per distinct value, back onto its cells.

    >>> take_strings(np.array([1, -1, 0, 1]), ["a", None], range(4)).tolist()
    [<NA>, <NA>, 'a', <NA>]
    """
    import pyarrow as pa

    values = values if isinstance(values, pa.Array) else pa.array(values, type=pa.string())
    dtype = pd.StringDtype()
    if dtype.storage != "pyarrow":
        return pd.Series(np.append(np.asarray(values.to_pylist(), dtype=object), None)[codes],
                         index=index, dtype=dtype)
    taken = values.take(pa.array(np.maximum(codes, 0), mask=codes < 0))
    return pd.Series(dtype.__from_arrow__(taken), index=index)


def _utf8(uniq) -> list[bytes]:
    """Distinct texts as UTF-8 bytes (Arrow's strings are UTF-8 already: no encoding per value)."""
    if isinstance(uniq, pd.arrays.ArrowStringArray):
        import pyarrow as pa

        return pa.array(uniq).cast(pa.binary()).to_pylist()
    return [str(u).encode("utf-8") for u in uniq]


def _hmac16_all(key: bytes, messages: list[bytes]):
    """HMAC-SHA256 (RFC 2104) of each message, truncated to 16 hex digits, as an Arrow string
    array: the key's inner and outer pads are hashed once (a third of the time of
    ``hmac.digest`` per value, the same result) and the digests turned into hex in one go."""
    import pyarrow as pa

    inner, outer = _pads(key)
    new_inner, new_outer = inner.copy, outer.copy
    first8 = []
    keep = first8.append
    for msg in messages:
        i = new_inner()
        i.update(msg)
        o = new_outer()
        o.update(i.digest())
        keep(o.digest()[:8])
    hexes = b"".join(first8).hex().encode("ascii")
    offsets = np.arange(0, 16 * len(messages) + 1, 16, dtype=np.int32)
    return pa.StringArray.from_buffers(len(messages), pa.py_buffer(offsets), pa.py_buffer(hexes))


@lru_cache(maxsize=4)
def _pads(key: bytes):
    """The SHA-256 states after HMAC's inner and outer key pads (RFC 2104)."""
    block = key.ljust(64, b"\0") if len(key) <= 64 else hashlib.sha256(key).digest().ljust(64, b"\0")
    return (hashlib.sha256(bytes(b ^ 0x36 for b in block)),
            hashlib.sha256(bytes(b ^ 0x5C for b in block)))


# ---------------------------------------------------------------------------------- masking
def mask_text(text, names: bool = True):
    """Mask personal numbers (phones, 身份证, e-mails, IPs, OpenIDs, coordinates) and, unless
    ``names=False``, Chinese personal names inside free text.

    >>> mask_text("请联系13812345678或邮件 a.b@example.com")
    '请联系〔电话已隐去〕或邮件 〔邮箱已隐去〕'
    >>> mask_text("身份证11010519491231002X，订单号110105194912310021")
    '身份证〔身份证号已隐去〕，订单号110105194912310021'
    >>> mask_text("户主张伟反映：电话＋８６ １３８－００１３－８０００")
    '户主〔姓名已隐去〕反映：电话〔电话已隐去〕'
    """
    if not isinstance(text, str) or not text:
        return text
    out = mask_numbers(text) if might_hold_numbers(text) else text
    if names:
        # names are looked for between the masks already placed, never inside them
        parts = _MASK_TOKEN.split(out)
        if len(parts) == 1:
            return mask_names(out)
        tokens = _MASK_TOKEN.findall(out)
        pieces = [mask_names(p) for p in parts]
        out = pieces[0] + "".join(t + p for t, p in zip(tokens, pieces[1:]))
    return out


def mask_series(s: pd.Series, names: bool = True) -> pd.Series:
    """Vectorised :func:`mask_text`: each distinct text is examined once."""
    if s.empty:
        return s.astype("string")
    if isinstance(s.array, pd.arrays.ArrowStringArray):  # fastexcel's text: factorised in Arrow
        codes, uniq = pd.factorize(s.array, use_na_sentinel=True)
    else:
        codes, uniq = pd.factorize(s.astype(object).where(s.notna(), None), use_na_sentinel=True)
    return take_strings(codes, [mask_text(str(u), names=names) for u in uniq], s.index)


def mask_label(label: str) -> str:
    """An option or row label drafted from the data: a label that is, as a whole, a person's
    name (韦春花) becomes 〔姓名已隐去〕; phones and other personal numbers in it are masked.
    The rest of a label is the questionnaire's own wording and stays (城关镇, 苏宁易购)."""
    if not isinstance(label, str):
        return label
    out = mask_numbers(label) if might_hold_numbers(label) else label
    return NAME_MASK if looks_like_name(out) else out


def masked_aliases(labels) -> dict[str, str]:
    """``{label: masked label}`` for the labels (in order) that :func:`mask_label` changes;
    labels masked alike are numbered in order (〔姓名已隐去〕, 〔姓名已隐去〕2, ...), as in a
    drafted codebook, so that the codebook still matches the export it was drafted from."""
    used = set(labels)
    out: dict[str, str] = {}
    for label in labels:
        if label in out:
            continue
        new = mask_label(label)
        if new == label:
            continue
        k, cand = 1, new
        while cand in used:
            k += 1
            cand = f"{new}{k}"
        used.add(cand)
        out[label] = cand
    return out


def mask_filename(name: str | Path) -> str:
    """A file name with its personal parts masked (names, phones, 身份证 numbers): what the kit
    shows and records instead of the name an evaluator gave the file.

    >>> mask_filename("张伟_13800138000_按文本_回访问卷_420_420.xlsx")
    '〔姓名已隐去〕_〔电话已隐去〕_按文本_回访问卷_420_420.xlsx'
    """
    p = Path(str(name))
    stem, suffix = (p.stem, p.suffix) if p.suffix and len(p.suffix) <= 6 else (p.name, "")
    # file names join words with _ - and spaces: look at each piece alone and at the whole
    pieces = re.split(r"([_\s]+)", stem)
    masked = "".join(mask_text(x) if not re.fullmatch(r"[_\s]+", x) else x for x in pieces)
    return mask_text(masked) + suffix


def mask_path(path: str | Path) -> str:
    """A relative path with every part masked by :func:`mask_filename`."""
    parts = Path(str(path)).parts
    return "/".join(mask_filename(x) for x in parts)


def mask_questionnaire_labels(qn) -> dict[str, dict[str, str]]:
    """Mask, in place, the option and row labels and export headers of a codebook the kit
    drafted from the data. Returns ``{question_id: {old_label: new_label}}`` for the labels that
    changed (a label masked like another gets a number: 〔姓名已隐去〕1, 〔姓名已隐去〕2)."""
    changes: dict[str, dict[str, str]] = {}
    for q in qn.questions:
        mapping: dict[str, str] = {}
        for items in (q.options, q.rows):
            aliases = masked_aliases([x.label for x in items])
            for x in items:
                if x.label in aliases:
                    mapping[x.label] = aliases[x.label]
                    x.label = aliases[x.label]
        # an export header can hold an option label (第3题(韦春花)): the same labels are masked
        # there; the rest of a header is the questionnaire's own wording
        headers = []
        for h in q.headers:
            for old in sorted(mapping, key=len, reverse=True):
                h = h.replace(old, mapping[old])
            headers.append(mask_numbers(h) if might_hold_numbers(h) else h)
        q.headers = headers
        if mapping:
            changes[q.id] = mapping
    return changes


# --------------------------------------------------------------------- recognising columns
def blank_personal_numbers(s: pd.Series) -> pd.Series:
    """Numbers that could be a mobile (11 digits from 13…) or a 身份证 (17-18 digits) become NA."""
    v = pd.to_numeric(s, errors="coerce").astype("float64")
    bad = ((v >= 1.3e10) & (v < 2e10)) | (v >= 1e16)
    return s.mask(bad)


def _as_text(vals: pd.Series) -> pd.Series:
    return vals.map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
                    ).str.translate(_FULLWIDTH).str.strip()


def _whole_kind(text: str) -> str | None:
    """The kind of personal number that ``text`` is, as a whole (None: not one)."""
    spans = find_personal_numbers(text)
    if len(spans) == 1 and spans[0][0] == 0 and spans[0][1] == len(text):
        return spans[0][2]
    return None


def contains_personal(s: pd.Series) -> bool:
    """True if any cell is, as a whole, a phone number (mobile or landline, however written),
    a 身份证 number, an e-mail, an IP or an OpenID."""
    vals = s.dropna()
    if vals.empty:
        return False
    if s.dtype.kind in "fiu":  # numbers: only 11-digit mobiles or 17-18 digit IDs could be personal
        v = vals.to_numpy(dtype="float64")
        if not (((v >= 1.3e10) & (v < 2e10)).any() or (v >= 1e16).any()):
            return False
    uniq = pd.unique(_as_text(vals))
    return any(_whole_kind(t) is not None for t in uniq if t)


_HEADER_KINDS = [
    ("id_card", re.compile(r"身份证|证件号|身份号码")),
    ("phone", re.compile(r"手机号|电话号|联系电话|联系方式|联系号码|座机|固定电话|"
                         r"^(?:手机|电话|微信号?|QQ号?)$", re.I)),
    ("email", re.compile(r"邮箱|e-?mail", re.I)),
    ("respondent_id", re.compile(r"openid|unionid|用户ID|微信号", re.I)),
    ("nickname", re.compile(r"昵称")),
    ("address", re.compile(r"住址|地址|居住地|门牌|详细位置")),
    ("name", re.compile(r"姓名|名字|^(?:户主|户名|联系人|填报人|填表人|填写人|负责人|申请人|受访人|"
                        r"受访者|被访人|被访者|访问员|调查员|签名|签字)(?:姓名)?$")),
]


def _bare_header(h: str) -> str:
    """A title without its number, blank number, type tag and blank line: '(2)电话___' -> '电话'."""
    h = re.sub(r"^\s*(?:第?\d+\s*[、.．:：题]\s*)", "", str(h or ""))
    h = re.sub(r"^\s*[(（]\d+[)）]\s*", "", h)
    h = re.sub(r"[_＿\s]+$", "", h)
    h = re.sub(r"\s*[(（][^()（）]*[)）]\s*$", "", h)  # a type tag such as (填空题 *必答)
    return h.strip().rstrip("：:").strip()


def looks_personal(s: pd.Series, header: str = "") -> str | None:
    """Guess whether a fill-in column or a custom field holds personal data: by its title
    (姓名, 户主, 联系电话, 家庭住址, ...), then by its values (phones, 身份证 numbers, e-mails,
    names)."""
    h = _bare_header(header)
    for kind, rx in _HEADER_KINDS:
        if kind in ("name", "address", "phone") and len(h) > 12:
            continue  # a long question title that merely mentions 电话 or 地址 is a question
        if rx.search(h):
            return kind
    vals = s.dropna()
    if len(vals) == 0:
        return None
    t = _as_text(vals)
    t = t[t != ""]
    if len(t) == 0:
        return None
    sample = pd.Series(pd.unique(t.head(500)))
    kinds = sample.map(_whole_kind)
    for kind in ("id_card", "phone", "email", "ip", "openid"):
        if (kinds == kind).mean() >= 0.5:
            return "respondent_id" if kind == "openid" else kind
    if sample.str.len().max() <= 6 and sample.map(looks_like_name).mean() >= 0.5:
        return "name"
    return None
