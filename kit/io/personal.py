"""Which columns are personal, judged by title *and* values, via :mod:`kit.privacy`.

A column titled 「手机号」 whose answers are 「好的」 holds no phone numbers: hashing it as a
phone would make every 「好的」 a "duplicate phone" and exclude the responses. A title that
names a checkable kind (phone, 身份证, e-mail) is trusted only when the values look like it;
a title naming a name or nickname is trusted as it stands (names cannot be checked by form,
and hashing a non-name harms nothing). Cells of a phone/身份证/e-mail column that are not of
that kind are not hashed (they would all collide); free-text masking still applies to them.
"""

from __future__ import annotations

import pandas as pd

import re

from ..privacy import looks_personal

__all__ = ["CHECKABLE", "KIND_ZH", "personal_kind", "trusted_kind", "keep_kind"]

CHECKABLE = ("phone", "id_card", "email")
KIND_ZH = {"respondent_id": "用户标识", "nickname": "昵称", "name": "姓名", "phone": "电话号码",
           "id_card": "身份证号", "email": "邮箱", "ip": "IP", "enumerator": "调查员",
           "device": "设备", "supervisor": "督导"}
# field names in English exports (KoboToolbox XML names, Qualtrics tags) that name a person
_EN_NAME = re.compile(r"(?:^|[/._\s])(?:(?:full|first|last|given|family|sur|respondent|resp|member|"
                      r"child|childs|children|head|hhh|hoh|mother|father|spouse|person|interviewee|"
                      r"farmer|owner|participant)[_\s]?)?name$|^surname$", re.I)
_EN_PHONE = re.compile(r"(?:^|[/._\s])(?:phone|mobile|cell|tel|telephone|contact)(?:[_\s]?(?:no|num|"
                       r"number))?$", re.I)
_EN_EMAIL = re.compile(r"(?:^|[/._\s])e[_-]?mail(?:[_\s]?address)?$", re.I)


def _title_kind(values: pd.Series, title: str) -> str | None:
    kind = looks_personal(values.iloc[:0], title)
    if kind is None and title:
        for k, rx in (("name", _EN_NAME), ("phone", _EN_PHONE), ("email", _EN_EMAIL)):
            if rx.search(title.strip()):
                return k
    return kind


def trusted_kind(values: pd.Series, kind: str | None) -> str | None:
    """``kind`` if the values bear it out (or it cannot be checked by form), else None."""
    if kind not in CHECKABLE:
        return kind
    by_values = looks_personal(values.dropna().astype(str), "")
    return kind if by_values == kind else None


def personal_kind(values: pd.Series, title: str = "") -> str | None:
    """The personal kind of a fill-in column: by its values, or by its title when the values
    agree (:func:`trusted_kind`)."""
    by_values = looks_personal(values.dropna().astype(str), "")
    if by_values is not None:
        return by_values
    return trusted_kind(values, _title_kind(values, title))


def keep_kind(values: pd.Series, kind: str | None) -> tuple[pd.Series, int]:
    """Keep only the cells of a phone/身份证/e-mail column that are of that kind (the rest
    become missing, so that they are neither hashed alike nor counted as duplicates).
    Returns the column and how many cells were set aside."""
    if kind not in CHECKABLE:
        return values, 0
    v = values.astype(object).where(values.notna(), None)
    uniq = pd.unique(v.dropna().astype(str))
    ok = {u for u in uniq if looks_personal(pd.Series([u]), "") == kind}
    bad = v.notna() & ~v.astype(str).isin(ok)
    return values.mask(bad), int(bad.sum())
