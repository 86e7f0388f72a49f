"""Any other CSV or workbook (paper questionnaires typed into Excel, an unknown platform):
one header row, one column per question, read through a codebook (``questionnaire=``) or
with ``platform="generic"``. Never recognised automatically.

Each column is its own question. What its values are decides how it is read: free text
stays one text column (an answer containing '→' is not a ranking), numbers with decimals or
many values are measurements, a personal-data title is trusted only when the values agree.
"""

from __future__ import annotations

from ...errors import ExportFormatError
from ..model import ParsedExport, ParsedQuestion
from ..registry import register_platform
from ..table import RawTable
from .common import make_part, new_parsed, not_answers, take_meta, value_hint

META = {"编号": "response_id", "序号": "response_id", "答题序号": "response_id", "ID": "response_id",
        "id": "response_id",
        "提交时间": "submitted_at", "提交答卷时间": "submitted_at", "开始时间": "started_at",
        "所用时间": "duration_s", "答题时长": "duration_s", "IP": "ip", "来自IP": "ip",
        "IP地址": "ip"}


def parse(table: RawTable) -> ParsedExport:
    parsed = new_parsed(table, "generic", "values", "通用表格（按问卷定义读取）")
    for j, raw in enumerate(table.columns):
        h = raw.strip()
        if not h:
            raise ExportFormatError("表头为空白", path=table.path, row=1,
                                    column=f"第{j + 1}列")
        col = table.body[j]
        if take_meta(parsed, col, h, h, META, {}):
            continue
        if not_answers(parsed, h, col):
            continue
        parsed.questions.append(ParsedQuestion(
            key=f"c{j}", title=h, header=raw, structure="single", hint=value_hint(col, h),
            parts=[make_part(table, j)], may_be_joined=False))
    return parsed


register_platform("generic", label="通用表格", parse=parse, order=1000)
