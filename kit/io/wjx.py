"""问卷星 (wjx.cn) exports: 按文本 (labels), 按序号 (codes) and 按分数 (scores) downloads.

Recognised from the headers, not from positions: the metadata columns (``序号``,
``提交答卷时间``, ``所用时间``, ``来源``, ``来源详情``, ``来自IP``, ``总分``, custom fields) in any
order; questions headed ``13、题目 (矩阵单选题 *必答)—外观`` with later matrix rows as bare row
labels; option columns ``第3题(选项)`` (2016-18) or ``21、(便利店)`` (current); fill-in blanks
``(1)其中..___``. Missing answers keep their kind: ``(跳过)``/``-3`` skipped by logic, ``(空)``
left empty, ``-2`` not ranked, blank or ``NULL``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .. import missing as M
from ..errors import ExportFormatError
from .model import ParsedExport, ParsedQuestion, Part
from .table import RawTable

__all__ = ["is_wjx", "parse_wjx", "pair_wjx", "guess_variant"]

_Q = re.compile(r"^\s*(\d+)\s*[、.．]\s*(.*)$", re.S)
_OPT_OLD = re.compile(r"^\s*第\s*(\d+)\s*题\s*[(（](.*)[)）]\s*$", re.S)
_OPT_NEW = re.compile(r"^\s*(\d+)\s*、\s*[(（](.*)[)）]\s*$", re.S)
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
MISSING_CODES = {-3: M.SKIPPED, -2: M.NOT_RANKED}
TAG_HINT = {"多选题": "multi", "排序题": "ranking", "填空题": "text", "多项填空题": "text",
            "矩阵单选题": "matrix", "矩阵量表题": "matrix", "量表题": "scale", "单选题": None,
            "下拉框题": None, "判断题": None, "评分单选题": None}


def _meta_name(h: str) -> str | None:
    return META.get(h.strip())


def is_wjx(headers: list[str]) -> bool:
    hs = [h.strip() for h in headers]
    has_meta = "序号" in hs and any(h in hs for h in ("提交答卷时间", "所用时间", "来源", "来自IP"))
    has_q = any(_Q.match(h) or _OPT_OLD.match(h) for h in hs)
    return has_meta and has_q


def guess_variant(path, body: pd.DataFrame | None = None, headers=None) -> str:
    """text, codes or scores, from the file name (问卷星's own naming), else from the content."""
    name = str(getattr(path, "name", path))
    for word, variant in (("按分数", "scores"), ("按序号", "codes"), ("按文本", "text"),
                          ("Original", "codes"), ("Readable", "text")):
        if word in name:
            return variant
    if re.search(r"\d+_\d+_2\.\w+$", name):  # older '{id}_{n}_2.xls' (按序号) / '_0' (按文本)
        return "codes"
    if re.search(r"\d+_\d+_0\.\w+$", name):
        return "text"
    if headers is not None and any(_OPT_OLD.match(h) or _OPT_NEW.match(h) for h in headers):
        return "codes"
    if body is not None:
        qcols = [j for j, h in enumerate(headers or []) if _Q.match(h)]
        if qcols:
            numeric = sum(body[j].dtype.kind in "fi" or pd.to_numeric(
                body[j].dropna().astype(str).head(200), errors="coerce").notna().all()
                for j in qcols)
            return "codes" if numeric >= 0.8 * len(qcols) else "text"
    return "text"


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
    for j, raw_h in enumerate(headers):
        h = raw_h.strip()
        if not started and not (_Q.match(h) or _OPT_OLD.match(h)):
            if h == "":
                raise ExportFormatError("表头为空白 (a column has no title)", path=table.path,
                                        row=1, column=f"第{j + 1}列")
            meta_cols[j] = h
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
                f"列标题重复：与第{seen_titles[h] + 1}列相同 (duplicate column title)",
                path=table.path, row=1, column=h)
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
        if h == "":
            raise ExportFormatError("表头为空白 (a column has no title)", path=table.path, row=1,
                                    column=f"第{j + 1}列")
        cur = ParsedQuestion(key=f"col_{len(questions) + 1}", number=None, title=h, header=raw_h,
                             structure="single", parts=[part])
        questions.append(cur)
        notes.append(f"第{j + 1}列「{h}」没有题号，按无题号题目读取 (unnumbered column read as a "
                     "question)")
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
                raise ExportFormatError("元数据列重复 (duplicate metadata column)",
                                        path=table.path, row=1, column=h)
            parsed.meta[name] = col
            parsed.meta_headers[name] = h
        elif h in PERSONAL_META:
            kind = PERSONAL_META[h]
            parsed.personal_meta[f"{kind}_hash" if kind != "respondent_id" else "respondent_id_hash"] = (h, col, kind)
        elif h in DROP_META:
            parsed.dropped_meta.append(h)
        else:
            parsed.custom_meta[f"custom_{len(parsed.custom_meta) + 1}"] = (h, col)


def parse_wjx(table: RawTable, variant: str | None = None) -> ParsedExport:
    variant = variant or guess_variant(table.path, table.body, table.columns)
    meta_cols, questions, notes = _structure(table, variant)
    if "序号" not in [h.strip() for h in meta_cols.values()]:
        raise ExportFormatError("找不到「序号」列：问卷星导出的第一列应为序号 (no 序号 column)",
                                path=table.path, row=1)
    era = _era(table.columns, meta_cols)
    parsed = ParsedExport(platform="wjx", variant=variant, era=era, files=[str(table.path)],
                          n_rows=len(table.body), index=table.body.index,
                          file_rows=pd.Series(table.row_numbers,
                                              index=table.body.index),
                          questions=questions, notes=notes + table.notes,
                          missing_codes=dict(MISSING_CODES) if variant != "text" else {})
    _meta(table, meta_cols, parsed)
    return parsed


def _era(headers: list[str], meta_cols: dict) -> str:
    hs = [h.strip() for h in headers]
    if any(_OPT_NEW.match(h) for h in hs) or "总分" in hs:
        return "问卷星 2019+ (当前下载格式)"
    order = [h.strip() for h in meta_cols.values()]
    if "来自IP" in order and order.index("来自IP") == len(order) - 1:
        return "问卷星 2017-18"
    return "问卷星 2016-17"


def pair_wjx(text: ParsedExport, codes: ParsedExport) -> ParsedExport:
    """Join a 按文本 export to its 按序号 twin on 序号: codes from one, labels from the other."""
    tid = _ids(text)
    cid = _ids(codes)
    if tid.duplicated().any() or cid.duplicated().any():
        dup = tid[tid.duplicated()].tolist()[:5] or cid[cid.duplicated()].tolist()[:5]
        raise ExportFormatError(f"序号重复：{dup} (duplicate 序号)", path=text.files[0])
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
            raise ExportFormatError(f"按文本文件中没有第{pq.key}题 (question missing from the "
                                    "text file)", path=text.files[0], column=pq.header)
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
                f"第{pq.key}题在按文本文件中有{len(twin.parts)}列，在按序号文件中有{len(pq.parts)}列 "
                "(the two files do not have the same columns)", path=codes.files[0],
                column=pq.header)
        for p, tp in zip(pq.parts, twin.parts):
            p.text = realign(tp.text)
    if tq:
        raise ExportFormatError(
            "按序号文件中缺少这些题：" + "；".join(f"「{q.header}」" for q in tq.values())
            + " (questions missing from the codes file)", path=codes.files[0])
    codes.variant = "pair"
    codes.files = [text.files[0], codes.files[0]]
    for name, col in text.meta.items():
        if name not in codes.meta:
            codes.meta[name] = realign(col)
    return codes


def _ids(p: ParsedExport) -> pd.Series:
    s = p.meta["response_id"]
    num = pd.to_numeric(s, errors="coerce")
    if num.notna().all():
        return num.astype("int64").reset_index(drop=True)
    bad = num.isna()
    row = int(p.file_rows[bad].iloc[0])
    raise ExportFormatError(f"序号应为整数，实际为「{s[bad].iloc[0]}」 (expected an integer 序号)",
                            path=p.files[0], row=row, column="序号")
