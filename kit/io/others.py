"""Readers for 腾讯问卷, KoboToolbox/ODK, Qualtrics (three-row and legacy), SurveyMonkey (two-row),
and any other CSV/XLSX described by a codebook.

Each only recognises its layout (header rows, metadata names, how multi-column questions are
spelled) and hands a :class:`ParsedExport` to the shared conversion.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .. import missing as M
from ..errors import ExportFormatError
from .model import ParsedExport, ParsedQuestion, Part
from .table import RawTable, read_table

__all__ = ["detect", "parse", "HEADER_ROWS"]

HEADER_ROWS = {"qualtrics": 3, "qualtrics_legacy": 2, "surveymonkey": 2, "tencent": 1, "kobo": 1,
               "generic": 1}

# metadata names per platform -> standard names; personal ones -> kind; dropped ones
_META = {
    "qualtrics": {"StartDate": "started_at", "EndDate": "submitted_at", "Status": "status",
                  "IPAddress": "ip", "Duration (in seconds)": "duration_s",
                  "ResponseId": "response_id", "ResponseID": "response_id",
                  "DistributionChannel": "source", "RecordedDate": None, "Progress": None,
                  "Finished": None, "UserLanguage": None, "ResponseSet": None,
                  "ExternalReference": None, "ExternalDataReference": None},
    "surveymonkey": {"Respondent ID": "response_id", "Start Date": "started_at",
                     "End Date": "submitted_at", "IP Address": "ip", "Collector": "source",
                     "Collector ID": None, "Custom Data": None, "Custom Data 1": None},
    "tencent": {"编号": "response_id", "开始答题时间": "started_at", "结束答题时间": "submitted_at",
                "答题时长": "duration_s", "IP": "ip", "UA": "user_agent", "Referrer": "source_detail",
                "来源": "source", "用户类型": None, "地理位置国家和地区": "region", "地理位置省": "region",
                "渠道": "source", "答卷状态": "status"},
    "kobo": {"_index": "response_id", "start": "started_at", "end": "submitted_at",
             "_submission_time": None, "_uuid": None, "_id": None, "_status": "status",
             "_validation_status": None, "_submitted_by": None, "today": None, "__version__": None,
             "_version_": None, "meta/instanceID": None, "instanceID": None, "_tags": None,
             "_notes": None, "formhub/uuid": None, "_attachments": None, "_geolocation": "drop"},
    "generic": {"编号": "response_id", "序号": "response_id", "ID": "response_id", "id": "response_id",
                "提交时间": "submitted_at", "提交答卷时间": "submitted_at", "开始时间": "started_at",
                "所用时间": "duration_s", "答题时长": "duration_s", "IP": "ip", "来自IP": "ip"},
}
_PERSONAL = {
    "RecipientLastName": "name", "RecipientFirstName": "name", "RecipientEmail": "email",
    "EmailAddress": "email", "Name": "name", "Email Address": "email", "First Name": "name",
    "Last Name": "name", "phonenumber": "phone", "deviceid": "respondent_id",
    "username": "respondent_id", "simserial": "respondent_id", "subscriberid": "respondent_id",
    "姓名": "name", "手机号": "phone", "手机": "phone", "联系电话": "phone", "身份证号": "id_card",
    "微信昵称": "nickname", "昵称": "nickname", "邮箱": "email", "OpenID": "respondent_id",
}
_DROP = re.compile(r"^(LocationLatitude|LocationLongitude|LocationAccuracy|_geolocation|.*_latitude|"
                   r".*_longitude|.*_altitude|.*_precision|经度|纬度|经纬度|地理位置)$")
_TENCENT_Q = re.compile(r"^\s*(\d+)\s*[.．、]\s*(.*)$", re.S)
_SUB = re.compile(r"^(.*?)\s*(?:[:：]|—|-{1,2}|_)\s*([^:：—]+)$", re.S)


def detect(probe: list[list[str]]) -> str | None:
    first = [h.strip() for h in probe[0]]
    rows = [[c.strip() for c in r] for r in probe]
    if len(rows) >= 3 and sum(c.startswith('{"ImportId"') for c in rows[2]) >= max(1, len(first) // 2):
        return "qualtrics"
    if first[:2] == ["V1", "V2"] and len(rows) > 1 and "ResponseID" in rows[1]:
        return "qualtrics_legacy"
    if "Respondent ID" in first and ("Collector ID" in first or "Start Date" in first):
        return "surveymonkey"
    if "编号" in first and any(h in first for h in ("开始答题时间", "结束答题时间", "答题时长")):
        return "tencent"
    if any(h in first for h in ("_uuid", "_submission_time", "_index")) or \
            (any("/" in h for h in first) and ("start" in first or "end" in first)):
        return "kobo"
    return None


def parse(path: Path, platform: str, table: RawTable | None = None) -> ParsedExport:
    n_header = HEADER_ROWS.get(platform, 1)
    if table is None or n_header != 1:
        table = read_table(path, header_rows=n_header)
    if len(table.body) == 0:
        raise ExportFormatError("只有表头，没有答卷 (no responses below the header)", path=path)
    fn = {"qualtrics": _qualtrics, "qualtrics_legacy": lambda t: _qualtrics(t, legacy=True),
          "surveymonkey": _surveymonkey, "tencent": _tencent, "kobo": _kobo,
          "generic": _generic}[platform]
    return fn(table)


def _new(table: RawTable, platform: str, variant: str, era: str) -> ParsedExport:
    return ParsedExport(platform=platform.split("_")[0], variant=variant, era=era,
                        files=[str(table.path)], n_rows=len(table.body), index=table.body.index,
                        file_rows=pd.Series(table.row_numbers,
                                            index=table.body.index),
                        notes=list(table.notes))


def _take_meta(parsed: ParsedExport, j: int, key: str, title: str, table: RawTable,
               names: dict) -> bool:
    """Assign column j as metadata if its key is known; return True if consumed."""
    col = table.body[j]
    if _DROP.match(key):
        parsed.dropped_meta.append(title or key)
        return True
    if key in _PERSONAL:
        kind = _PERSONAL[key]
        name = f"{kind}_hash" if kind != "respondent_id" else "respondent_id_hash"
        i = 2
        while name in parsed.personal_meta:
            name, i = f"{kind}_{i}_hash", i + 1
        parsed.personal_meta[name] = (title or key, col, kind)
        return True
    if key in names:
        std = names[key]
        if std == "drop":
            parsed.dropped_meta.append(key)
        elif std is None or std in parsed.meta:
            parsed.custom_meta[f"custom_{len(parsed.custom_meta) + 1}"] = (title or key, col)
        else:
            parsed.meta[std] = col
            parsed.meta_headers[std] = title or key
        return True
    return False


def _group_questions(items: list[tuple[int, str, str, str | None]], table: RawTable,
                     values: str) -> list[ParsedQuestion]:
    """items: (col, key, title, sub-label). Consecutive items with the same key form one question."""
    out: list[ParsedQuestion] = []
    for j, key, title, label in items:
        col = table.body[j]
        part = Part(header=table.columns[j], pos=j, label=label,
                    codes=col if values == "codes" or col.dtype.kind in "fi" else None,
                    text=None if values == "codes" or col.dtype.kind in "fi" else col)
        if out and out[-1].key == key:
            out[-1].parts.append(part)
            if out[-1].structure == "single":
                out[-1].structure = "rows"
            continue
        out.append(ParsedQuestion(key=key, title=title, header=table.columns[j], structure="single",
                                  parts=[part], number=None, hint=None))
    for pq in out:
        if pq.structure == "rows" and _looks_checkbox(pq):
            pq.structure = "options"
            for p in pq.parts:
                p.codes = _checkbox_codes(p, pq)
                p.text = None
    return out


def _norm1(v) -> str:
    return re.sub(r"\s+", " ", str(v).replace("\xa0", " ")).strip()


def _norm(s: pd.Series) -> pd.Series:
    return s.astype(object).where(s.notna(), "").map(_norm1)


def _looks_checkbox(pq: ParsedQuestion) -> bool:
    """Option columns of a multi-select: each cell is empty, 0/1, or the column's own label."""
    for p in pq.parts:
        s = p.codes if p.codes is not None else p.text
        vals = set(_norm(pd.Series(s))) - {""}
        if not vals:
            continue
        if not (vals <= {"0", "1", "0.0", "1.0"} or vals == {_norm1(p.label)}):
            return False
    return True


def _checkbox_codes(p: Part, pq: ParsedQuestion) -> pd.Series:
    s = p.codes if p.codes is not None else p.text
    t = _norm(pd.Series(s))
    chosen = t.isin(["1", "1.0", _norm1(p.label)]) & (t != "")
    # a response that ticked none of the options did not answer the question: blank, not 0
    answered = pd.Series(False, index=t.index)
    for q in pq.parts:
        qs = q.codes if q.codes is not None else q.text
        qt = _norm(pd.Series(qs))
        answered |= qt.isin(["1", "1.0", _norm1(q.label)]) | qt.isin(["0", "0.0"])
    return chosen.astype("float64").where(answered)


# ------------------------------------------------------------------------------ Qualtrics
def _split_label(title: str) -> tuple[str, str | None]:
    if " - " in title:
        a, b = title.rsplit(" - ", 1)
        return a.strip(), b.strip()
    return title.strip(), None


def _qualtrics(table: RawTable, legacy: bool = False) -> ParsedExport:
    """Current CSV: export tags, labels, ImportId JSON. Legacy: V1..Vn tags over names, trailing comma."""
    parsed = _new(table, "qualtrics_legacy" if legacy else "qualtrics", "values",
                  "Qualtrics (旧版两行表头)" if legacy else "Qualtrics (三行表头)")
    tags, texts = table.header[0], table.header[1]
    items = []
    for j, (tag, text) in enumerate(zip(tags, texts)):
        tag = tag.strip()
        key = text.strip() if legacy and re.match(r"^V\d+$", tag) else tag
        if _take_meta(parsed, j, key, text.strip() if legacy else tag, table, _META["qualtrics"]):
            continue
        m = re.match(r"^(.*?)_(\d+)(?:_TEXT)?$", tag)
        qkey = m.group(1) if m else tag
        title, label = _split_label(text)
        if not legacy and (tag.endswith("_TEXT") or "Topics" in tag):
            qkey, title, label = tag, text, None
        items.append((j, qkey, title, label))
    parsed.questions = _group_questions(items, table, "auto")
    parsed.missing_codes = {-99: M.SKIPPED}
    return parsed


# --------------------------------------------------------------------------- SurveyMonkey
def _surveymonkey(table: RawTable) -> ParsedExport:
    parsed = _new(table, "surveymonkey", "text", "SurveyMonkey (两行表头，展开格式)")
    top, sub = table.header[0], table.header[1]
    items, current, qn = [], None, 0
    for j, (t, s) in enumerate(zip(top, sub)):
        t, s = t.strip(), s.replace("\xa0", " ").strip()
        if t and _take_meta(parsed, j, t, t, table, _META["surveymonkey"]):
            current = None
            continue
        if t:
            qn += 1
            current = (f"Q{qn}", t.replace("\xa0", " "))
        if current is None:
            raise ExportFormatError("第一行表头为空且不属于任何题目 (a column belongs to no question)",
                                    path=table.path, row=1, column=f"第{j + 1}列")
        label = None if s in ("Response", "Open-Ended Response", "") else s
        key = current[0]
        if s.startswith("Other (please"):
            key, label = f"{current[0]}_other", None
        items.append((j, key, current[1], label))
    parsed.questions = _group_questions(items, table, "text")
    for pq in parsed.questions:
        if pq.key.endswith("_other"):
            pq.hint = "text"
            pq.title = pq.title + "（其他，请注明）"
    return parsed


# ------------------------------------------------------------------------------- 腾讯问卷
def _tencent(table: RawTable) -> ParsedExport:
    parsed = _new(table, "tencent", "text", "腾讯问卷")
    items = []
    for j, h in enumerate(table.columns):
        h = h.strip()
        if _take_meta(parsed, j, h, h, table, _META["tencent"]):
            continue
        m = _TENCENT_Q.match(h)
        if not m:
            parsed.custom_meta[f"custom_{len(parsed.custom_meta) + 1}"] = (h, table.body[j])
            continue
        num, rest = m.group(1), m.group(2)
        title, label = rest, None
        same = [x for x in table.columns if _TENCENT_Q.match(x.strip()) and
                _TENCENT_Q.match(x.strip()).group(1) == num]
        if len(same) > 1:
            sm = _SUB.match(rest)
            if sm:
                title, label = sm.group(1), sm.group(2)
        items.append((j, num, title.strip(), label))
    parsed.questions = _group_questions(items, table, "text")
    for pq in parsed.questions:
        pq.number = int(pq.key)
    return parsed


# ------------------------------------------------------------------------ KoboToolbox/ODK
def _kobo(table: RawTable) -> ParsedExport:
    parsed = _new(table, "kobo", "values", "KoboToolbox / ODK")
    cols = [h.strip() for h in table.columns]
    colset = set(cols)
    items, summaries = [], []
    for j, h in enumerate(cols):
        if _take_meta(parsed, j, h, h, table, _META["kobo"]) or \
                _take_meta(parsed, j, h.rsplit("/", 1)[-1], h, table, _META["kobo"]):
            continue
        if "/" in h and h.rsplit("/", 1)[0] in colset:
            parent, opt = h.rsplit("/", 1)
            items.append((j, parent.rsplit("/", 1)[-1], parent.rsplit("/", 1)[-1], opt))
            continue
        if any(c.startswith(h + "/") for c in cols):
            summaries.append(h)  # select_multiple summary: the 0/1 columns are read instead
            continue
        leaf = h.rsplit("/", 1)[-1]
        items.append((j, leaf, leaf, None))
    parsed.questions = _group_questions(items, table, "auto")
    if summaries:
        parsed.notes.append("多选题汇总列已由逐项0/1列代替 (select_multiple summary columns read "
                            "from their option columns): " + "、".join(summaries))
    return parsed


# ------------------------------------------------------------------------------- generic
def _generic(table: RawTable) -> ParsedExport:
    parsed = _new(table, "generic", "values", "通用表格（按问卷定义读取）")
    items = []
    for j, h in enumerate(table.columns):
        h = h.strip()
        if not h:
            raise ExportFormatError("表头为空白 (a column has no title)", path=table.path, row=1,
                                    column=f"第{j + 1}列")
        if _take_meta(parsed, j, h, h, table, _META["generic"]):
            continue
        items.append((j, f"c{j}", h, None))
    parsed.questions = _group_questions(items, table, "auto")
    return parsed
