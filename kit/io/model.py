"""What a platform reader hands over: questions as the export shows them, before any codebook.

Each platform reader (``wjx``, ``tencent``, ``qualtrics``, ...) only recognises its layout and
produces a :class:`ParsedExport`; :mod:`kit.io.convert` does the rest the same way for all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..questionnaire import Option

__all__ = ["Part", "ParsedQuestion", "ParsedExport", "META_FIELDS"]

# Standard metadata names (snake_case), in display order, with what they hold.
META_FIELDS = {
    "response_id": "答卷编号",
    "submitted_at": "提交答卷时间",
    "started_at": "开始答题时间",
    "duration_s": "所用时间（秒）",
    "source": "来源",
    "source_detail": "来源详情",
    "region": "IP所在地区",
    "ip": "来自IP",  # hashed into ip_hash, never kept
    "total_score": "总分",
    "status": "状态",
    "user_agent": "浏览器标识",
    "province": "省份",
    "city": "城市",
    "country": "国家和地区",
    "browser": "浏览器",
    "os": "操作系统",
    "received_at": "服务器收到时间",
    "submission_uuid": "提交编号（UUID）",
}


@dataclass
class Part:
    """One export column belonging to a question.

    ``label`` is the option label (one column per option) or the matrix row label.
    ``codes`` holds numeric codes (a 按序号 file, or a platform's numeric values) and ``text``
    the answer text (a 按文本 file); a text/codes pair fills both.
    """

    header: str
    pos: int
    label: str | None = None
    codes: pd.Series | None = None
    text: pd.Series | None = None


@dataclass
class ParsedQuestion:
    key: str                      # platform key, e.g. "13" for 问卷星 question 13, "Q2" for Qualtrics
    title: str                    # title without number and type tag
    header: str                   # the first column title as in the export
    structure: str                # "single" | "options" | "rows" | "blanks" | "cascade"
    parts: list[Part]
    number: int | None = None
    tag: str | None = None        # the platform's type tag (多选题, 矩阵单选题, ...)
    hint: str | None = None       # a type the platform states (multi, ranking, text, number, date,
    #                               cascade, single) or that its reader recognised
    required: bool = False
    options: list[Option] | None = None  # options the export itself lists (code -> label)
    joined: pd.Series | None = None      # 问卷星 按文本 twin of option columns: '┋'/'→' joined text
    # whether a single text column may hold '┋'/'→'-joined answers (问卷星 only): on other
    # platforms a free-text answer containing '→' stays text
    may_be_joined: bool = True


@dataclass
class ParsedExport:
    platform: str
    variant: str                  # text | codes | scores | pair | values
    era: str
    files: list[str]
    n_rows: int
    index: pd.Index               # row positions
    file_rows: pd.Series          # 1-based row in the (primary) file, for messages
    meta: dict[str, pd.Series] = field(default_factory=dict)
    meta_headers: dict[str, str] = field(default_factory=dict)
    personal_meta: dict[str, tuple[str, pd.Series, str]] = field(default_factory=dict)
    custom_meta: dict[str, tuple[str, pd.Series]] = field(default_factory=dict)
    dropped_meta: list[str] = field(default_factory=list)
    questions: list[ParsedQuestion] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    missing_codes: dict[int, str] = field(default_factory=dict)  # e.g. 问卷星 -3 skipped
    # repeat groups (KoboToolbox extra sheets): name -> their own ParsedExport, whose meta holds
    # the link columns repeat_index, parent_table, parent_index
    repeats: dict[str, "ParsedExport"] = field(default_factory=dict)
    # hashed (personal_meta) or dropped columns, said in the notes: header -> why
    dropped_reasons: dict[str, str] = field(default_factory=dict)
    # file row -> (quality reason, detail) for rows the reader found damaged (kit.io.table)
    row_flags: dict[int, tuple[str, str]] = field(default_factory=dict)
