"""问卷网 (wenjuan.com) exports.

Layout (a public export, see tests/fixtures/wenjuanwang/README.md): ``答题序号,来源`` first,
then the questions, then ``开始时间,提交时间,答题时长,IP省份,IP城市,IP地址,浏览器,操作系统``.
Questions are headed by their code (``Q1``), by code and title (``Q1:题目``, ``Q1.题目``) or by
number and title (``1、题目``); a part of a question is ``Q3|A2`` (option 2) and the text
typed beside an option ``Q3|A2|open``. Files are often GB18030 and free-text cells span lines.
"""

from __future__ import annotations

import re

from ..model import ParsedExport, ParsedQuestion
from ..registry import register_platform
from ..table import RawTable
from .common import (finish_parts, make_part, new_parsed, not_answers, strip_letter_options,
                     take_meta, value_hint)

META = {"答题序号": "response_id", "序号": "response_id", "来源": "source", "开始时间": "started_at",
        "提交时间": "submitted_at", "结束时间": "submitted_at", "答题时长": "duration_s",
        "IP省份": "province", "IP城市": "city", "IP地址": "ip", "IP": "ip", "浏览器": "browser",
        "操作系统": "os", "来源渠道": None, "设备": None, "答卷状态": "status", "填写设备": None}
PERSONAL = {"微信昵称": "nickname", "昵称": "nickname", "用户ID": "respondent_id",
            "OpenID": "respondent_id", "手机号": "phone", "手机号码": "phone", "邮箱": "email",
            "姓名": "name"}
_Q = re.compile(r"^\s*[Qq](\d+)\s*(?:([|:：.．、])\s*(.*))?$", re.S)
_NUM = re.compile(r"^\s*(\d+)\s*[.．、]\s*(.*)$", re.S)
_OPT = re.compile(r"^[Aa](\d+)$")


def detect(rows: list[list[str]]) -> bool:
    first = [h.strip() for h in rows[0]]
    return "答题序号" in first and any(h in first for h in (
        "提交时间", "开始时间", "答题时长", "IP地址", "IP省份", "IP城市"))


def _key(h: str) -> tuple[str, str, str | None] | None:
    """(question number, title, part) of a question header, else None."""
    m = _Q.match(h)
    if m:
        num, sep, rest = m.group(1), m.group(2), (m.group(3) or "").strip()
        if sep == "|":
            return num, f"Q{num}", rest
        return num, rest or f"Q{num}", None
    m = _NUM.match(h)
    if m:
        return m.group(1), m.group(2).strip(), None
    return None


def parse(table: RawTable) -> ParsedExport:
    parsed = new_parsed(table, "wenjuanwang", "values", "问卷网")
    groups: list[tuple[str, str, list[tuple[int, str | None]]]] = []
    for j, raw in enumerate(table.columns):
        h = raw.strip()
        col = table.body[j]
        if take_meta(parsed, col, h, h, META, PERSONAL):
            continue
        k = _key(h)
        if k is None:
            parsed.custom_meta[f"custom_{len(parsed.custom_meta) + 1}"] = (h, col)
            continue
        if not_answers(parsed, h, col):
            continue
        num, title, sub = k
        if groups and groups[-1][0] == num:
            groups[-1][2].append((j, sub))
        else:
            groups.append((num, title, [(j, sub)]))
    for num, title, cols in groups:
        parsed.questions += _questions(table, num, title, cols)
    return parsed


def _questions(table: RawTable, num: str, title: str, cols) -> list[ParsedQuestion]:
    out: list[ParsedQuestion] = []
    opens = [(j, s) for j, s in cols if s and s.lower().endswith("|open")]
    main = [(j, s) for j, s in cols if not (s and s.lower().endswith("|open"))]
    if main:
        labels = []
        for j, s in main:
            m = _OPT.match(s or "")
            labels.append(f"选项{m.group(1)}" if m else s)
        pq = ParsedQuestion(key=num, number=int(num), title=title, header=table.columns[main[0][0]],
                            structure="single" if len(main) == 1 else "rows",
                            parts=[make_part(table, j, lb) for (j, _), lb in zip(main, labels)],
                            may_be_joined=False)
        finish_parts(pq)
        if not strip_letter_options(pq) and pq.structure == "single":
            pq.hint = value_hint(table.body[main[0][0]], title)
        out.append(pq)
    for j, s in opens:
        opt = s.split("|")[0]
        m = _OPT.match(opt)
        label = f"选项{m.group(1)}" if m else opt
        out.append(ParsedQuestion(key=f"{num}_{opt}_open", number=None,
                                  title=f"{title}（{label}，请注明）", header=table.columns[j],
                                  structure="single", hint="text", parts=[make_part(table, j, None)],
                                  may_be_joined=False))
    return out


register_platform("wenjuanwang", label="问卷网", detect=detect, parse=parse, order=45,
                  signature="答题序号、来源…开始时间、提交时间、答题时长、IP省份、IP城市")
