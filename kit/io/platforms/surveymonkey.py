"""SurveyMonkey "expanded" CSV: two header rows (question text only over the first column of
a multi-column question, option labels in the second row)."""

from __future__ import annotations

from ...errors import ExportFormatError
from ..model import ParsedExport
from ..registry import register_platform
from ..table import RawTable
from .common import group_questions, new_parsed, take_meta

META = {"Respondent ID": "response_id", "Start Date": "started_at",
        "End Date": "submitted_at", "IP Address": "ip", "Collector": "source",
        "Collector ID": None, "Custom Data": None, "Custom Data 1": None}
PERSONAL = {"Email Address": "email", "First Name": "name", "Last Name": "name"}


def detect(rows: list[list[str]]) -> bool:
    first = [h.strip() for h in rows[0]]
    return "Respondent ID" in first and ("Collector ID" in first or "Start Date" in first)


def parse(table: RawTable) -> ParsedExport:
    parsed = new_parsed(table, "surveymonkey", "text", "SurveyMonkey (两行表头，展开格式)")
    top, sub = table.header[0], table.header[1]
    items, current, qn = [], None, 0
    for j, (t, s) in enumerate(zip(top, sub)):
        t, s = t.strip(), s.replace("\xa0", " ").strip()
        if t and take_meta(parsed, table.body[j], t, t, META, PERSONAL):
            current = None
            continue
        if t:
            qn += 1
            current = (f"Q{qn}", t.replace("\xa0", " "))
        if current is None:
            raise ExportFormatError("第一行表头为空且不属于任何题目",
                                    path=table.path, row=1, column=f"第{j + 1}列")
        label = None if s in ("Response", "Open-Ended Response", "") else s
        key = current[0]
        if s.startswith("Other (please"):
            key, label = f"{current[0]}_other", None
        items.append((j, key, current[1], label))
    parsed.questions = group_questions(items, table, "text")
    for pq in parsed.questions:
        if pq.key.endswith("_other"):
            pq.hint = "text"
            pq.title = pq.title + "（其他，请注明）"
    return parsed


register_platform("surveymonkey", label="SurveyMonkey", detect=detect, parse=parse,
                  header_rows=2, order=30, signature="Respondent ID、Collector ID，两行表头")
