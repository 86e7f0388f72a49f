"""Qualtrics: the current CSV (export tags, labels, ``{"ImportId": ...}`` JSON: three header
rows) and the legacy CSV (``V1..Vn`` over names: two header rows, a trailing comma)."""

from __future__ import annotations

import re

from ... import missing as M
from ..model import ParsedExport
from ..registry import register_platform
from ..table import RawTable
from .common import group_questions, new_parsed, take_meta

META = {"StartDate": "started_at", "EndDate": "submitted_at", "Status": "status",
        "IPAddress": "ip", "Duration (in seconds)": "duration_s",
        "ResponseId": "response_id", "ResponseID": "response_id",
        "DistributionChannel": "source", "RecordedDate": None, "Progress": None,
        "Finished": None, "UserLanguage": None, "ResponseSet": None,
        "ExternalReference": None, "ExternalDataReference": None}
PERSONAL = {"RecipientLastName": "name", "RecipientFirstName": "name", "RecipientEmail": "email",
            "EmailAddress": "email", "Name": "name"}


def detect(rows: list[list[str]]) -> bool:
    first = [h.strip() for h in rows[0]]
    return len(rows) >= 3 and sum(c.strip().startswith('{"ImportId"') for c in rows[2]) >= max(
        1, len(first) // 2)


def detect_legacy(rows: list[list[str]]) -> bool:
    first = [h.strip() for h in rows[0]]
    return first[:2] == ["V1", "V2"] and len(rows) > 1 and "ResponseID" in [c.strip() for c in rows[1]]


def _split_label(title: str) -> tuple[str, str | None]:
    if " - " in title:
        a, b = title.rsplit(" - ", 1)
        return a.strip(), b.strip()
    return title.strip(), None


def parse(table: RawTable, legacy: bool = False) -> ParsedExport:
    parsed = new_parsed(table, "qualtrics", "values",
                        "Qualtrics (旧版两行表头)" if legacy else "Qualtrics (三行表头)")
    tags, texts = table.header[0], table.header[1]
    items = []
    for j, (tag, text) in enumerate(zip(tags, texts)):
        tag = tag.strip()
        key = text.strip() if legacy and re.match(r"^V\d+$", tag) else tag
        if take_meta(parsed, table.body[j], key, text.strip() if legacy else tag, META, PERSONAL):
            continue
        m = re.match(r"^(.*?)_(\d+)(?:_TEXT)?$", tag)
        qkey = m.group(1) if m else tag
        title, label = _split_label(text)
        if not legacy and (tag.endswith("_TEXT") or "Topics" in tag):
            qkey, title, label = tag, text, None
        items.append((j, qkey, title, label))
    parsed.questions = group_questions(items, table, "auto")
    parsed.missing_codes = {-99: M.SKIPPED}
    return parsed


register_platform("qualtrics", label="Qualtrics", detect=detect, parse=parse, header_rows=3,
                  order=20, signature="三行表头，第三行为 {\"ImportId\": …}")
register_platform("qualtrics_legacy", label="Qualtrics（旧版）", detect=detect_legacy,
                  parse=lambda t: parse(t, legacy=True), header_rows=2, order=21,
                  signature="V1、V2… 之下一行 ResponseID")
