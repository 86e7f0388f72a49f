"""问卷星 (wjx.cn) exports: 按文本 (labels), 按序号 (codes) and 按分数 (scores) downloads.

Recognised from the headers, not from positions: the metadata columns (``序号``,
``提交答卷时间``, ``所用时间``, ``来源``, ``来源详情``, ``来自IP``, ``总分``, custom fields) in any
order; questions headed ``13、题目 (矩阵单选题 *必答)—外观`` with later matrix rows as bare row
labels; option columns ``第3题(选项)`` (2016-18) or ``21、(便利店)`` (current); fill-in blanks
``(1)其中..___``. Missing answers keep their kind: ``(跳过)``/``-3`` skipped by logic, ``(空)``
left empty, ``-2`` not ranked, blank or ``NULL`` (``N/A`` is a value: 问卷星 writes it in
来源详情 when there is none to give).

Files as people pass them on are read too: metadata columns deleted and the sheet re-saved in
Excel or WPS (questions headed ``1、题目`` or ``1.题目``, sometimes the header row repeated as
the first data row), with a note naming the metadata that are absent. ``总分`` (and any other
metadata column) is metadata wherever it stands, also after the last question.

The download variant comes from the file name where 问卷星's naming says it
(``{vid}_按文本_{title}_{N}_{M}.xlsx``; ``{vid}_0_{title}…`` / ``{N}_{M}_0.xls`` for 按文本 and
``…_2…`` for 按序号, both checked on public files), else from the contents. The era is the
months in which the answers were submitted, or is left empty: a file's layout does not date it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import missing as M
from ..errors import ExportFormatError
from .model import ParsedExport, ParsedQuestion, Part
from .table import RawTable

__all__ = ["is_wjx", "parse_wjx", "pair_wjx", "guess_variant", "parse_filename", "WjxFileName",
           "META", "STANDARD_META"]

_Q = re.compile(r"^\s*(\d+)\s*[、.．]\s*(.*)$", re.S)
_OPT_OLD = re.compile(r"^\s*第\s*(\d+)\s*题\s*[(（](.*)[)）]\s*$", re.S)
_OPT_NEW = re.compile(r"^\s*(\d+)\s*[、.．]\s*[(（](.*)[)）]\s*$", re.S)
_BLANK = re.compile(r"^\s*[(（](\d+)[)）](.*)$", re.S)
_TAG = re.compile(r"\s*[(（]\s*([^()（）]*?题)\s*(\*必答)?\s*[)）]\s*$")
_MATRIX_ROW = re.compile(r"^(.*?[(（][^()（）]*矩阵[^()（）]*[)）])\s*—(.*)$", re.S)

META = {
    "序号": "response_id", "答卷序号": "response_id", "编号": "response_id",
    "提交答卷时间": "submitted_at", "提交时间": "submitted_at",
    "开始答题时间": "started_at", "开始时间": "started_at",
    "所用时间": "duration_s", "答题时长": "duration_s", "作答时长": "duration_s",
    "来源": "source", "来源详情": "source_detail", "来自IP": "ip", "IP": "ip", "IP地址": "ip",
    "总分": "total_score",
}
PERSONAL_META = {
    "姓名": "name", "真实姓名": "name", "填写人": "name", "微信昵称": "nickname", "昵称": "nickname",
    "手机": "phone", "手机号": "phone", "手机号码": "phone", "联系电话": "phone",
    "身份证号": "id_card", "身份证": "id_card", "邮箱": "email", "电子邮箱": "email",
    "用户ID": "respondent_id", "OpenID": "respondent_id", "微信OpenID": "respondent_id",
}
DROP_META = {"经度", "纬度", "经纬度", "地理位置", "坐标", "定位"}
# what a current download has before the questions, and what is lost when a column is deleted
STANDARD_META = {
    "序号": "答卷编号按行号生成，不能与按序号文件配对",
    "提交答卷时间": "不能确定答卷的提交时间",
    "所用时间": "不能检查答题用时过短的答卷",
    "来源": "没有答卷来源",
    "来源详情": "没有答卷来源详情",
    "来自IP": "不能检查同一IP重复作答，也没有IP所在地区",
}
# metadata only other platforms write (腾讯问卷's 结束答题时间/UA/Referrer, Qualtrics, SurveyMonkey,
# Kobo): a file that has them is not an edited 问卷星 file. 编号 alone is not among them: people
# add their own 编号 column to a 问卷星 file.
_OTHER_META = {"结束答题时间", "UA", "Referrer", "ResponseId", "ResponseID", "Respondent ID",
               "_uuid", "_submission_time", "StartDate"}
MISSING_CODES = {-3: M.SKIPPED, -2: M.NOT_RANKED}
TAG_HINT = {"多选题": "multi", "排序题": "ranking", "填空题": "text", "多项填空题": "text",
            "矩阵单选题": "matrix", "矩阵量表题": "matrix", "量表题": "scale", "单选题": None,
            "下拉框题": None, "判断题": None, "评分单选题": None}


def _meta_name(h: str) -> str | None:
    return META.get(h.strip())


def _is_meta_header(h: str) -> bool:
    return h in META or h in PERSONAL_META or h in DROP_META


def is_wjx(headers: list[str]) -> bool:
    """A 问卷星 export as downloaded (序号 and its metadata, numbered questions), or as passed
    on after its metadata columns were deleted: no other platform's metadata, and the first
    column that is not 问卷星 metadata is a numbered question (``1、题目``, ``1.题目``)."""
    hs = [h.strip() for h in headers]
    numbered = [h for h in hs if _Q.match(h) or _OPT_OLD.match(h)]
    if not numbered:
        return False
    if "序号" in hs and any(h in hs for h in ("提交答卷时间", "所用时间", "来源", "来自IP")):
        return True
    if any(h in _OTHER_META for h in hs):
        return False
    first = next((h for h in hs if h and not _is_meta_header(h)), "")
    return bool(_Q.match(first) or _OPT_OLD.match(first)) and (
        len(numbered) >= 2 or len(hs) <= 2 or "—" in first)  # '1、题目—第一行': a matrix


@dataclass
class WjxFileName:
    """What a 问卷星 download's file name says: ``{vid}_{variant}_{title}_{N}_{M}``."""
    vid: str | None = None
    variant: str | None = None   # text | codes | scores, when the name says it
    marker: str | None = None    # the part of the name that said it: 按文本, 0, Readable, ...
    title: str | None = None     # the questionnaire title as 问卷星 wrote it into the name


_VARIANT_WORDS = {"按文本": "text", "按序号": "codes", "按分数": "scores"}
# Digit markers, as checked on public files: 0 = 按文本 ('108397328_0_大学生消费情况调查问卷.xlsx',
# read by its author's script as '┋'-joined labels; reportgen's '800_800_0.xls' and
# '357_357_0.xls', text labels), 2 = 按序号 (reportgen's '800_800_2.xls', '357_357_2.xls',
# numeric codes). No public file with the marker 1 was found: the contents decide.
_DIGIT_VARIANT = {"0": "text", "2": "codes"}
_NAME_WORD = re.compile(r"(?:(\d+)_)?(按文本|按序号|按分数)(?:_(.+?))?(?:_(\d+)_(\d+))?$")
_NAME_DIGIT = re.compile(r"(\d{5,})_([012])_(.+?)(?:_(\d+)_(\d+))?$")
_NAME_OLD = re.compile(r"(\d+)_(\d+)_([012])$")
_COPY_SUFFIX = re.compile(r"\s*(?:[(（]\d+[)）]|-?\s*副本|\s*-\s*copy)\s*$", re.I)


def parse_filename(path) -> WjxFileName:
    """Read a 问卷星 download's file name.

    >>> parse_filename("56781234_按文本_党建引领扶贫工程电话回访问卷_420_420.xlsx")
    WjxFileName(vid='56781234', variant='text', marker='按文本', title='党建引领扶贫工程电话回访问卷')
    >>> parse_filename("108397328_2_大学生消费情况调查问卷 (1).xlsx").variant
    'codes'
    >>> parse_filename("[问卷星数据]800_800_0.xls").variant
    'text'
    >>> parse_filename("114514191_1_测评_30_30.xlsx")
    WjxFileName(vid='114514191', variant=None, marker='1', title='测评')
    """
    stem = _COPY_SUFFIX.sub("", Path(str(getattr(path, "name", path))).stem)
    m = _NAME_WORD.search(stem)
    if m:
        return WjxFileName(m.group(1), _VARIANT_WORDS[m.group(2)], m.group(2),
                           (m.group(3) or "").strip() or None)
    for word, variant in _VARIANT_WORDS.items():
        if word in stem:
            return WjxFileName(None, variant, word, None)
    m = _NAME_DIGIT.search(stem)
    if m:
        return WjxFileName(m.group(1), _DIGIT_VARIANT.get(m.group(2)), m.group(2), m.group(3).strip())
    m = _NAME_OLD.search(stem)
    if m:
        return WjxFileName(None, _DIGIT_VARIANT.get(m.group(3)), m.group(3), None)
    for word, variant in (("Original", "codes"), ("Readable", "text")):
        if word in stem:
            return WjxFileName(None, variant, word, None)
    return WjxFileName()


def _numeric_share(body: pd.DataFrame, cols: list[int]) -> float:
    """Share of columns whose answers (markers such as (空) and (跳过) aside) are all numbers."""
    from .convert import MISSING_TEXT

    numeric = 0
    for j in cols:
        col = body[j]
        if col.dtype.kind in "fi":
            numeric += 1
            continue
        vals = col.dropna().head(300).astype(str).str.strip()  # a sample, not the column
        vals = vals[~vals.isin(list(MISSING_TEXT))]
        if len(vals) and vals.str.contains("┋", regex=False).any():
            return 0.0  # '┋'-joined labels only occur in 按文本 downloads
        # nine in ten: one 满意 typed into a code cell does not make a column text (nor,
        # with few questions, the whole file 按文本)
        numeric += not len(vals) or pd.to_numeric(vals, errors="coerce").notna().mean() >= 0.9
    return numeric / len(cols) if cols else 0.0


def detect_variant(path, body: pd.DataFrame | None = None, headers=None) -> tuple[str, str | None]:
    """text, codes or scores: from the file name where 问卷星's naming says it, else from the
    contents; with a note when the name was not enough."""
    name = parse_filename(path)
    if name.variant:
        return name.variant, None
    variant = "text"
    if headers is not None and any(_OPT_OLD.match(h) or _OPT_NEW.match(h) for h in headers):
        variant = "codes"
    elif body is not None and headers is not None:
        qcols = [j for j, h in enumerate(headers) if _Q.match(h)]
        variant = "codes" if qcols and _numeric_share(body, qcols) >= 0.8 else "text"
    what = "按选项序号" if variant == "codes" else "按选项文本"
    if name.marker:
        return variant, (f"文件名中的下载格式标记「{name.marker}」未经核实，已按文件内容判断为"
                         f"「{what}」下载；如为按分数下载，请在问卷定义中核对各选项分值")
    return variant, None


def guess_variant(path, body: pd.DataFrame | None = None, headers=None) -> str:
    """text, codes or scores, from the file name (问卷星's own naming), else from the content."""
    return detect_variant(path, body, headers)[0]


def content_variant(columns: list[pd.Series]) -> str:
    """codes or text from the answers of some columns alone (:func:`_numeric_share`).

    >>> col = pd.Series(["1", "2", "满意"] + ["3"] * 17)
    >>> content_variant([col] * 4 + [pd.Series(["很好的建议"] * 20)])
    'codes'
    """
    body = pd.concat([c.reset_index(drop=True) for c in columns], axis=1, ignore_index=True) \
        if columns else pd.DataFrame()
    return "codes" if columns and _numeric_share(body, list(body.columns)) >= 0.8 else "text"


def _split_title(rest: str) -> tuple[str, str | None, bool, str | None]:
    """(title, type tag, required, matrix row label) of a numbered header's text."""
    row = None
    m = _MATRIX_ROW.match(rest)
    if m:
        rest, row = m.group(1), m.group(2).strip()
    t = _TAG.search(rest)
    tag, required = None, False
    if t:
        tag, required = t.group(1).strip(), bool(t.group(2))
        rest = rest[: t.start()]
    return rest.strip(), tag, required, row


def _structure(table: RawTable, variant: str) -> tuple[dict, list[ParsedQuestion], list[str]]:
    headers = table.columns
    meta_cols: dict = {}
    questions: list[ParsedQuestion] = []
    notes: list[str] = []
    started = False
    cur: ParsedQuestion | None = None
    seen_titles: dict[str, int] = {}
    hrow = table.first_data_row - 1  # the header's row in the file (a title may sit above)
    for j, raw_h in enumerate(headers):
        h = raw_h.strip()
        if h == "" and table.body[j].isna().all():
            notes.append(f"第{j + 1}列没有标题也没有内容，已忽略")
            continue
        if h == "":
            # a blank title would make the column a row of the matrix before it, or metadata
            raise ExportFormatError("表头为空白：该列有内容却没有标题，无法判断它属于哪一题；请补上"
                                    "问卷星导出时的列标题", path=table.path,
                                    row=hrow, column=f"第{j + 1}列")
        if not started and not (_Q.match(h) or _OPT_OLD.match(h)):
            meta_cols[j] = h
            continue
        if started and not (_Q.match(h) or _OPT_OLD.match(h)) and _is_meta_header(h):
            meta_cols[j] = h  # 总分 after the last question, custom fields: metadata wherever
            continue
        started = True
        col = table.body[j]
        part = Part(header=raw_h, pos=j,
                    codes=col if variant in ("codes", "scores") else None,
                    text=col if variant == "text" else None)
        mo = _OPT_OLD.match(h) or _OPT_NEW.match(h)
        mq = _Q.match(h)
        if (mo or mq) and h in seen_titles:
            raise ExportFormatError(
                f"列标题重复：与第{seen_titles[h] + 1}列相同",
                path=table.path, row=hrow, column=h)
        if mo or mq:
            seen_titles[h] = j
        if mo:
            num, label = int(mo.group(1)), mo.group(2).strip()
            part.label = label
            if cur is not None and cur.number == num and cur.structure == "options":
                cur.parts.append(part)
            else:
                cur = ParsedQuestion(key=str(num), number=num, title=f"第{num}题", header=raw_h,
                                     structure="options", parts=[part])
                questions.append(cur)
            continue
        if mq:
            num, rest = int(mq.group(1)), mq.group(2)
            mb = _BLANK.match(rest)
            if cur is not None and cur.number == num and mb:
                part.label = rest.strip()
                cur.structure = "blanks"
                cur.parts.append(part)
                continue
            title, tag, required, row = _split_title(rest)
            if cur is not None and cur.number == num:
                part.label = row or title
                if cur.structure == "single":
                    if "—" in cur.title and not cur.parts[0].label:
                        # current downloads: '6、题目—第一行', then '6、第二行', ...
                        head, _, first_row = cur.title.rpartition("—")
                        cur.title, cur.parts[0].label = head.strip(), first_row.strip()
                    cur.structure = "rows"
                    cur.parts[0].label = cur.parts[0].label or cur.title
                cur.parts.append(part)
                continue
            if mb:
                part.label = rest.strip()
            elif row is not None:
                part.label = row
            key = str(num)
            cur = ParsedQuestion(key=key, number=num, title=title, header=raw_h,
                                 structure="rows" if row is not None else ("blanks" if mb else "single"),
                                 parts=[part], tag=tag, hint=TAG_HINT.get(tag or ""),
                                 required=required)
            questions.append(cur)
            continue
        # a bare header: a matrix row, a fill-in blank, or an unnumbered question
        if cur is not None and _BLANK.match(h) and cur.structure in ("single", "blanks"):
            part.label = h
            if cur.structure == "single":
                cur.parts[0].label = cur.parts[0].label or cur.title
            cur.structure = "blanks"
            cur.parts.append(part)
            continue
        if cur is not None and cur.structure == "single" and "—" in cur.title:
            # current downloads: '8、题目—第一行' then bare row labels, no type tag
            title, _, first_row = cur.title.rpartition("—")
            cur.title, cur.parts[0].label, cur.structure = title.strip(), first_row.strip(), "rows"
        if cur is not None and (cur.structure == "rows" or (cur.tag or "").startswith("矩阵")):
            part.label = h
            cur.structure = "rows"
            cur.parts.append(part)
            continue
        before = next((pq.number for pq in reversed(questions) if pq.number is not None), None)
        cur = ParsedQuestion(key=f"col_{len(questions) + 1}", number=None, title=h, header=raw_h,
                             structure="single", parts=[part])
        questions.append(cur)
        # named by its title and place among the questions, not by a column number: the 按文本
        # and 按序号 files of one download have different numbers of columns
        place = f"（在第{before}题之后）" if before is not None else ""
        notes.append(f"「{h}」一列没有题号{place}，按无题号题目读取")
    return meta_cols, questions, notes


_DUR = re.compile(r"^\s*(?:(\d+)\s*小时)?\s*(?:(\d+)\s*分(?:钟)?)?\s*(?:(\d+(?:\.\d+)?)\s*秒)?\s*$")


def parse_duration(s: pd.Series) -> pd.Series:
    """所用时间 to seconds: '136秒', '2分5秒', '1小时2分', plain numbers; NULL/blank missing.

    >>> parse_duration(pd.Series(["136秒", "2分5秒", "NULL", None, 40.0])).tolist()
    [136.0, 125.0, nan, nan, 40.0]
    """
    if s.dtype.kind in "fi":
        return s.astype("float64")
    t = s.astype("string[pyarrow]").fillna("").str.strip()
    # fast path: '136秒' and plain numbers
    out = pd.to_numeric(t.str.removesuffix("秒"), errors="coerce")
    rest = out.isna() & (t != "") & ~t.isin(["NULL", "null"])
    if rest.any():
        parts = t[rest].str.extract(_DUR)
        secs = (pd.to_numeric(parts[0], errors="coerce").fillna(0) * 3600
                + pd.to_numeric(parts[1], errors="coerce").fillna(0) * 60
                + pd.to_numeric(parts[2], errors="coerce").fillna(0))
        out[rest] = secs.where(parts.notna().any(axis=1))
    return out.astype("float64")


def split_ip(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """'183.192.16.69(上海-上海)' -> ('183.192.16.69', '上海-上海').

    >>> [x.tolist() for x in split_ip(pd.Series(["1.2.3.4(上海-上海)", "NULL", "5.6.7.8", None]))]
    [['1.2.3.4', <NA>, '5.6.7.8', <NA>], ['上海-上海', <NA>, <NA>, <NA>]]
    """
    if isinstance(s.array, pd.arrays.ArrowStringArray):  # fastexcel's strings: RE2 in Arrow
        import pyarrow as pa
        import pyarrow.compute as pc

        arr = pa.array(s, type=pa.string())
        arr = pc.replace_substring(pc.replace_substring(arr, "（", "("), "）", ")")
        arr = pc.if_else(pc.is_in(pc.utf8_trim_whitespace(arr), pa.array(["NULL", "null"])),
                         pa.scalar(None, pa.string()), arr)
        # append "()" so that every cell splits in two: 'ip(region)()' / 'ip()'
        parts = pc.split_pattern(pc.binary_join_element_wise(arr, pa.scalar("()"), ""), "(",
                                 max_splits=1)
        fields = {"ip": pc.utf8_trim_whitespace(pc.list_element(parts, 0)),
                  "region": pc.utf8_trim_whitespace(pc.utf8_rtrim(
                      pc.utf8_slice_codeunits(pc.list_element(parts, 1), 0, -2), ")"))}

        def keep(field):
            f = fields[field]
            f = pc.if_else(pc.equal(f, ""), pa.scalar(None, pa.string()), f)
            return pd.Series(pd.array(f, dtype="string[pyarrow]"), index=s.index)

        return keep("ip"), keep("region")
    codes, uniq = pd.factorize(s.astype(object).where(s.notna(), None), use_na_sentinel=True)
    ips, regions = [], []
    for u in uniq:  # each distinct value once: plain str methods beat vectorised regex here
        t = str(u).strip().replace("（", "(").replace("）", ")")
        if t in ("NULL", "null", ""):
            ips.append(np.nan)
            regions.append(np.nan)
            continue
        a, _, b = t.partition("(")
        ips.append(a.strip() or np.nan)
        regions.append(b.removesuffix(")").strip() or np.nan)
    ip = pd.Series(np.array(ips + [np.nan], dtype=object)[codes], index=s.index, dtype="string")
    region = pd.Series(np.array(regions + [np.nan], dtype=object)[codes], index=s.index,
                       dtype="string")
    return ip, region


def _meta(table: RawTable, meta_cols: dict, parsed: ParsedExport):
    for j, h in meta_cols.items():
        col = table.body[j]
        name = _meta_name(h)
        if name is not None:
            if name in parsed.meta:
                raise ExportFormatError("元数据列重复",
                                        path=table.path, row=table.first_data_row - 1, column=h)
            parsed.meta[name] = col
            parsed.meta_headers[name] = h
        elif h in PERSONAL_META:
            kind = PERSONAL_META[h]
            parsed.personal_meta[f"{kind}_hash" if kind != "respondent_id" else "respondent_id_hash"] = (h, col, kind)
        elif h in DROP_META:
            parsed.dropped_meta.append(h)
        else:
            parsed.custom_meta[f"custom_{len(parsed.custom_meta) + 1}"] = (h, col)


def _drop_repeated_header(table: RawTable) -> tuple[RawTable, list[str]]:
    """A sheet re-saved after copying may repeat the header row as its first data row."""
    if len(table.body) == 0:
        return table, []
    heads = [h.strip() for h in table.columns]
    first = ["" if pd.isna(v) else str(v).strip() for v in table.body.iloc[0].tolist()]
    named = [(h, v) for h, v in zip(heads, first) if h]
    if not named or sum(h == v for h, v in named) < 0.8 * len(named):
        return table, []
    from .table import _type_columns

    body = _type_columns(table.body.iloc[1:].reset_index(drop=True).astype(object))
    rows = np.asarray(table.row_numbers)[1:]
    note = (f"文件第{int(table.row_numbers[0])}行与表头相同（表头重复一遍），已忽略该行")
    return RawTable(path=table.path, header=table.header, body=body,
                    first_data_row=table.first_data_row + 1, encoding=table.encoding,
                    delimiter=table.delimiter, notes=list(table.notes), row_numbers=rows), [note]


def _absent_meta_note(meta_cols: dict) -> list[str]:
    present = {h.strip() for h in meta_cols.values()}
    absent = [h for h in STANDARD_META if h not in present]
    if not absent:
        return []
    return ["文件中没有问卷星的元数据列「" + "」「".join(absent) + "」（下载后在 Excel/WPS 中删除过？）："
            + "；".join(STANDARD_META[h] for h in absent)
            + " (metadata columns absent: " + ", ".join(absent) + ")"]


def parse_wjx(table: RawTable, variant: str | None = None) -> ParsedExport:
    table, notes = _drop_repeated_header(table)
    variant_note = None
    if variant is None:
        variant, variant_note = detect_variant(table.path, table.body, table.columns)
    meta_cols, questions, snotes = _structure(table, variant)
    if not questions:
        raise ExportFormatError("表头中没有带题号的题目（如「1、题目」或「1.题目」）", path=table.path, row=1)
    notes += _absent_meta_note(meta_cols) + ([variant_note] if variant_note else [])
    parsed = ParsedExport(platform="wjx", variant=variant, era=_era(table, meta_cols),
                          files=[str(table.path)], n_rows=len(table.body), index=table.body.index,
                          file_rows=pd.Series(table.row_numbers,
                                              index=table.body.index),
                          questions=questions, notes=notes + snotes + table.notes,
                          row_flags=dict(table.row_flags),
                          missing_codes=dict(MISSING_CODES) if variant != "text" else {})
    _meta(table, meta_cols, parsed)
    return parsed


_YM = re.compile(r"((?:19|20)\d{2})\s*[-/年.]\s*(\d{1,2})")


def _era(table: RawTable, meta_cols: dict) -> str:
    """When the answers were submitted ('答卷提交于2026年9月'), or '' when the file does not say:
    a layout alone does not date a file (the 2017-18 layout is today's without 总分)."""
    j = next((j for j, h in meta_cols.items() if META.get(h.strip()) == "submitted_at"), None)
    if j is None:
        return ""
    col = table.body[j].dropna()
    if pd.api.types.is_datetime64_any_dtype(col):
        months = sorted({(t.year, t.month) for t in (col.min(), col.max())})
    else:
        if col.dtype.kind == "f":  # Excel serial dates
            col = pd.to_datetime(col, unit="D", origin="1899-12-30", errors="coerce").dropna()
            months = sorted({(t.year, t.month) for t in (col.min(), col.max())}) if len(col) else []
        else:
            ym = pd.Series(pd.unique(col.astype(str))).str.extract(_YM).dropna().astype(int)
            months = sorted(map(tuple, ym.drop_duplicates().to_numpy().tolist()))
            months = [months[0], months[-1]] if months else []
    if not months:
        return ""
    a, b = months[0], months[-1]
    text = f"{a[0]}年{a[1]}月" + (f"至{b[0]}年{b[1]}月" if b != a else "")
    return f"答卷提交于{text}"


def pair_wjx(text: ParsedExport, codes: ParsedExport) -> ParsedExport:
    """Join a 按文本 export to its 按序号 twin on 序号: codes from one, labels from the other."""
    _check_twin(text, codes)
    tid = _ids(text)
    cid = _ids(codes)
    for p, ids in ((text, tid), (codes, cid)):
        dup = ids.duplicated(keep=False)
        if dup.any():
            rows = p.file_rows.reset_index(drop=True)[dup.to_numpy()]
            first = ids[dup].iloc[0]
            at = rows[(ids[dup] == first).to_numpy()].tolist()
            raise ExportFormatError(
                f"序号{first}出现了{len(at)}次（文件第{'、'.join(map(str, at))}行）；按文本与按序号两个文件"
                f"按序号一一对应，序号不能重复（共{int(ids.duplicated().sum())}个重复）。请删除重复的行后"
                "另存一份再导入，或只导入其中一个文件 (duplicate 序号)", path=p.files[0],
                row=int(at[1]), column="序号")
    only_t = sorted(set(tid) - set(cid))
    only_c = sorted(set(cid) - set(tid))
    if only_t or only_c:
        raise ExportFormatError(
            "按文本与按序号两个文件的序号不一致 (序号 differ between the text and codes files): "
            f"只在按文本文件中 {only_t[:10]}{'…' if len(only_t) > 10 else ''}；"
            f"只在按序号文件中 {only_c[:10]}{'…' if len(only_c) > 10 else ''}",
            path=codes.files[0], column="序号")
    # text row for each codes row
    pos_of = pd.Series(np.arange(len(tid)), index=tid.to_numpy())
    take = pos_of.loc[cid.to_numpy()].to_numpy()

    def realign(s: pd.Series) -> pd.Series:
        out = s.iloc[take]
        out.index = codes.index
        return out

    tq = {pq.key: pq for pq in text.questions}
    for pq in codes.questions:
        twin = tq.pop(pq.key, None)
        if twin is None:
            raise ExportFormatError(f"按文本文件中没有第{pq.key}题", path=text.files[0], column=pq.header)
        if pq.structure == "options":
            if twin.structure == "options":
                for p, tp in zip(pq.parts, twin.parts):
                    p.text = realign(tp.text)
            else:
                pq.joined = realign(twin.parts[0].text)
            pq.title, pq.header = twin.title, twin.header
            pq.tag, pq.hint, pq.required = twin.tag, twin.hint or pq.hint, twin.required
            continue
        if len(twin.parts) != len(pq.parts):
            raise ExportFormatError(
                f"第{pq.key}题在按文本文件中有{len(twin.parts)}列，在按序号文件中有{len(pq.parts)}列", path=codes.files[0],
                column=pq.header)
        for p, tp in zip(pq.parts, twin.parts):
            p.text = realign(tp.text)
    if tq:
        raise ExportFormatError(
            "按序号文件中缺少这些题：" + "；".join(f"「{q.header}」" for q in tq.values()),
            path=codes.files[0])
    codes.variant = "pair"
    codes.files = [text.files[0], codes.files[0]]
    for name, col in text.meta.items():
        if name not in codes.meta:
            codes.meta[name] = realign(col)
    return codes


def _check_twin(text: ParsedExport, codes: ParsedExport) -> None:
    """The 按序号 file must be another file, and hold codes: the 按文本 file passed as its own
    twin (or a second 按文本 download) would pair labels with labels."""
    from pathlib import Path

    t, c = Path(text.files[0]), Path(codes.files[0])
    same = t.resolve() == c.resolve() or (t.stat().st_size == c.stat().st_size
                                          and t.read_bytes() == c.read_bytes())
    if same:
        raise ExportFormatError(
            f"按序号文件与按文本文件是同一个文件（{t.name}）：codes 应指定按序号（按选项序号）下载的"
            "另一个文件；没有按序号文件时，只导入按文本文件即可", path=c)
    # the columns where the 按文本 file holds choice labels: the 按序号 file must hold numbers
    twin = {pq.key: pq for pq in text.questions}
    pairs = [(tp.text, cp.codes) for pq in codes.questions if pq.key in twin
             and pq.structure in ("single", "rows") and len(twin[pq.key].parts) == len(pq.parts)
             for tp, cp in zip(twin[pq.key].parts, pq.parts)
             if tp.text is not None and cp.codes is not None]
    choice = [(t, c) for t, c in pairs if content_variant([t]) == "text"
              and t.dropna().astype(str).nunique() <= 30]
    if choice and sum(content_variant([c]) == "text" for _, c in choice) >= 0.8 * len(choice):
        raise ExportFormatError(
            "作为按序号文件导入的这个文件，答案是选项文字而不是数字编码：它看来是按文本下载。请在问卷星"
            "“下载答卷数据”中选择“按选项序号”下载，作为按序号文件", path=c)


def _ids(p: ParsedExport) -> pd.Series:
    if "response_id" not in p.meta:
        raise ExportFormatError("按文本与按序号两个文件靠「序号」列逐份配对，本文件没有「序号」列（可能已被删除）；"
                                "请使用问卷星下载的原文件 (the 序号 column is needed to join the "
                                "two files)", path=p.files[0], row=1)
    s = p.meta["response_id"]
    num = pd.to_numeric(s, errors="coerce")
    if num.notna().all() and (num % 1 == 0).all():
        return num.astype("int64").reset_index(drop=True)
    bad = num.isna() | (num % 1 != 0)
    row = int(p.file_rows[bad].iloc[0])
    raise ExportFormatError(f"序号应为整数，实际为「{s[bad].iloc[0]}」 (expected an integer 序号)",
                            path=p.files[0], row=row, column="序号")
