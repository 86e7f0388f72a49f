"""腾讯问卷 (wj.qq.com) CSV/XLSX exports.

Layout (public exports, see tests/fixtures/tencent/README.md): metadata
``编号,开始答题时间,结束答题时间,答题时长`` first; questions headed ``1.题目``; one column per
option of a multi-select (``2.题目:选项``) whose cell is filled when ticked; several blanks as
``3.题目_填空1``; a cascading picker repeats one header (``4.检查日期:请选择`` ×3); options
often carry letters (``A.非常满意``); then ``语言, 清洗数据结果, 智能清洗数据无效概率,
地理位置国家和地区, 地理位置省, 地理位置市, 用户类型, 用户标识, 昵称, 自定义字段, IP, UA,
Referrer`` (or some of them, sometimes before the questions) and a trailing empty column.
"""

from __future__ import annotations

import re

from ..model import ParsedExport, ParsedQuestion
from ..registry import register_platform
from ..table import RawTable
from .common import (finish_parts, make_part, new_parsed, not_answers, strip_letter_options,
                     take_meta, value_hint)

META = {"编号": "response_id", "开始答题时间": "started_at", "结束答题时间": "submitted_at",
        "答题时长": "duration_s", "IP": "ip", "IP地址": "ip",
        "UA": "drop:浏览器标识（设备指纹，不需要）", "Referrer": "source_detail", "来源": "source",
        "渠道": "source", "地理位置国家和地区": "country", "地理位置省": "province",
        "地理位置市": "city", "答卷状态": "status", "审核状态": "status", "用户类型": None,
        "语言": None, "清洗数据结果": None, "智能清洗数据无效概率": None, "自定义字段": None,
        "中奖时间": None, "中奖金额": None}
PERSONAL = {"用户标识": "respondent_id", "OpenID": "respondent_id", "openid": "respondent_id",
            "昵称": "nickname", "微信昵称": "nickname"}
_Q = re.compile(r"^\s*(\d+)\s*[.．、]\s*(.*)$", re.S)
_BLANK = re.compile(r"^(.*?)\s*_填空(\d*)\s*$", re.S)
# the text typed beside an option: '10.医疗保险:其他____{fillblank-1a2b}' (sometimes '[...]' after)
_FILL = re.compile(r"^(.*?)_{2,}\{fillblank-[^}]*\}(?:\[.*\])?\s*$", re.S)


def detect(rows: list[list[str]]) -> bool:
    first = [h.strip() for h in rows[0]]
    return "编号" in first and any(h in first for h in ("开始答题时间", "结束答题时间", "答题时长"))


def _split(rest: str) -> tuple[str, str | None]:
    """'题目:选项' -> ('题目', '选项'), split at the last colon."""
    m = re.match(r"^(.*)[:：]\s*([^:：]*)$", rest, re.S)
    return (m.group(1).strip(), m.group(2).strip()) if m else (rest.strip(), None)


def _question(table: RawTable, num: str, cols: list[tuple[int, str]]) -> list[ParsedQuestion]:
    """One numbered question from its columns (index, text after the number)."""
    def part(j, label=None):
        return make_part(table, j, label)

    j0, rest0 = cols[0]
    if len(cols) == 1:
        m = _BLANK.match(rest0)
        title = m.group(1) if m else rest0.strip()
        pq = ParsedQuestion(key=num, number=int(num), title=title, header=table.columns[j0],
                            structure="single", parts=[part(j0)], may_be_joined=False)
        if m:
            pq.hint = "text"
        elif not strip_letter_options(pq):
            pq.hint = value_hint(table.body[j0], title)
        return [pq]
    blanks = [_BLANK.match(r) for _, r in cols]
    if all(blanks):
        title = blanks[0].group(1).strip()
        return [ParsedQuestion(key=num, number=int(num), title=title, header=table.columns[j0],
                               structure="blanks", hint="text", may_be_joined=False,
                               parts=[part(j, f"填空{m.group(2) or k + 1}")
                                      for k, ((j, _), m) in enumerate(zip(cols, blanks))])]
    out: list[ParsedQuestion] = []
    fills = [_FILL.match(_split(r)[1] or "") for _, r in cols]
    # '其他' blanks of a choice question: their own text questions
    other = [(j, (m.group(1) if m else f.group(1)).strip()) for (j, r), m, f in
             zip(cols, blanks, fills) if m or f]
    cols = [(j, r) for (j, r), m, f in zip(cols, blanks, fills) if not (m or f)]
    if not cols:
        cols, other = [other[0]], other[1:]
    split = [_split(r) for _, r in cols]
    title = split[0][0]
    headers = {table.columns[j].strip() for j, _ in cols}
    if len(headers) == 1 and len(cols) > 1:
        # a cascading picker: one header repeated, one column per level
        pq = ParsedQuestion(key=num, number=int(num), title=title, header=table.columns[j0],
                            structure="cascade", hint="cascade", may_be_joined=False,
                            parts=[part(j, f"第{k + 1}级") for k, (j, _) in enumerate(cols)])
        out.append(pq)
    else:
        pq = ParsedQuestion(key=num, number=int(num), title=title, header=table.columns[j0],
                            structure="rows" if len(cols) > 1 else "single",
                            parts=[part(j, lb) for (j, _), (_, lb) in zip(cols, split)],
                            may_be_joined=False)
        finish_parts(pq)
        strip_letter_options(pq)
        out.append(pq)
    for k, (j, what) in enumerate(other):
        what = _split(what)[1] or ("" if what == title else what)
        out.append(ParsedQuestion(key=f"{num}_other_{k + 1}", number=None,
                                  title=f"{title}（{what or '其他'}，请注明）",
                                  header=table.columns[j], structure="single",
                                  hint="text", parts=[part(j)], may_be_joined=False))
    return out


def parse(table: RawTable) -> ParsedExport:
    parsed = new_parsed(table, "tencent", "text", "腾讯问卷")
    groups: list[tuple[str, list[tuple[int, str]]]] = []
    for j, raw in enumerate(table.columns):
        h = raw.strip()
        col = table.body[j]
        if take_meta(parsed, col, h, h, META, PERSONAL):
            continue
        m = _Q.match(h)
        if not m:
            parsed.custom_meta[f"custom_{len(parsed.custom_meta) + 1}"] = (h, col)
            continue
        if not_answers(parsed, h, col):
            continue
        num, rest = m.group(1), m.group(2)
        if groups and groups[-1][0] == num:
            groups[-1][1].append((j, rest))
        else:
            groups.append((num, [(j, rest)]))
    for num, cols in groups:
        parsed.questions += _question(table, num, cols)
    return parsed


register_platform("tencent", label="腾讯问卷", detect=detect, parse=parse, order=40,
                  signature="编号、开始答题时间、结束答题时间、答题时长，题目列「1.题目」")
