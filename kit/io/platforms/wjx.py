"""问卷星 (wjx.cn): registration of the reader in :mod:`kit.io.wjx`.

The reader itself (按文本/按序号/按分数 downloads and their pairing) lives in
:mod:`kit.io.wjx`; an export with no responses below the header is refused here.
"""

from __future__ import annotations

from ...errors import ExportFormatError
from ..registry import register_platform
from ..table import RawTable
from .. import wjx


def detect(rows: list[list[str]]) -> bool:
    return bool(rows) and wjx.is_wjx([h.strip() for h in rows[0]])


def parse(table: RawTable, variant: str | None = None):
    if len(table.body) == 0:
        raise ExportFormatError("只有表头，没有答卷", path=table.path)
    return wjx.parse_wjx(table, variant)


register_platform("wjx", label="问卷星", detect=detect, parse=parse, order=10,
                  signature="序号、提交答卷时间、所用时间，题目列「1、题目」")
