"""KoboToolbox / ODK exports (KPI CSV and XLSX, legacy KoBoCAT CSV).

Layout (public exports and the exporter's own tests, see tests/fixtures/kobo/README.md):
fields headed by XML names or labels, with group paths joined by ``/`` (legacy ``.``);
``;`` or ``,`` between fields; a select_multiple as a summary column (``maize rice``) plus
``question/option`` 0/1 columns (legacy: True/False, ``n/a`` where not relevant); a geopoint
as ``"lat lon alt acc"`` plus ``_x_latitude`` ...; ODK metadata ``start, end, today,
deviceid, subscriberid, simserial, phonenumber, username``; system columns ``_id, _uuid,
_submission_time, _validation_status, _notes, _status, _submitted_by, _tags, _index``; an
optional second header row of HXL tags; repeat groups in further sheets of an XLSX, linked
by ``_parent_index`` to the parent's ``_index`` (legacy CSV: ``grp[1]/field`` columns).

``username``, ``deviceid`` and the like say who interviewed on which phone, not who answered:
they are hashed as enumerator/device metadata (``enumerator_hash``, ``device_hash``) and
never taken for a respondent ID.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ...errors import ExportFormatError
from ..model import ParsedExport, ParsedQuestion, Part
from ..times import has_offset
from ..registry import register_platform
from ..table import EXCEL_SUFFIXES, RawTable, read_table
from .common import (SKIPPED_MARK, checkbox_codes, drop_column, looks_checkbox, make_part,
                     new_parsed, not_answers, take_meta, value_hint)

# system and ODK metadata columns, by their last path element
SYSTEM: dict[str, str | None] = {
    "start": "started_at", "end": "submitted_at", "_submission_time": "received_at",
    "_id": "kobo_id", "_uuid": "submission_uuid", "_index": "kobo_index",
    "_status": "status", "_validation_status": None, "today": None, "instanceName": None,
    "instanceID": "drop:提交编号（与 _uuid 相同）", "deprecatedID": "drop:被替换的提交编号",
    "rootUuid": "drop:提交编号（与 _uuid 相同）",
    "__version__": "drop:表单版本号", "_version_": "drop:表单版本号", "_version": "drop:表单版本号",
    "_tags": "drop:平台标签", "_notes": "drop:平台审核备注", "_attachments": "drop:附件列表",
    "_geolocation": "drop:定位坐标", "_xform_id_string": "drop:表单编号",
    "_bamboo_dataset_id": "drop:平台内部编号", "_media_count": "drop:附件数",
    "_total_media": "drop:附件数", "_media_all_received": "drop:附件接收状态",
    "audit": "drop:操作日志附件", "audit_URL": "drop:操作日志附件",
    # repeat-group sheets
    "_parent_index": "parent_index", "_parent_table_name": "parent_table",
    "_submission__uuid": "submission_uuid", "_submission__id": "drop:所属提交编号",
}
# who interviewed, on which phone: hashed, never a respondent ID
PERSONAL = {"username": "enumerator", "_submitted_by": "enumerator",
            "deviceid": "device", "imei": "device", "simserial": "device",
            "subscriberid": "device", "phonenumber": "device", "device_id": "device",
            "sim_imei": "device"}
# a field naming the interviewer ('enumerator', 'EnumeratorName', 'Enumerator ID', '调查员姓名'),
# not a question about one ('您对调查员的评价')
_STAFF_WORD = (r"(?:enumerator|interviewer|surveyor|capturer|data[\s_]*collector|enum|调查员|访问员|访员|"
               r"采集员)")
_ID_WORD = r"(?:[\s_]*(?:name|id|code|no\.?|number|姓名|名字|编号|工号|代码))?"
_STAFF = re.compile(rf"^(?:(?:name|id|code)\s+of\s+(?:the\s+)?)?{_STAFF_WORD}{_ID_WORD}\s*[:?：？]?$",
                    re.I)
_SUPERVISOR = re.compile(rf"^(?:(?:name|id)\s+of\s+(?:the\s+)?)?(?:supervisor|督导){_ID_WORD}\s*[:?：？]?$",
                         re.I)
_XML_PATH = re.compile(r"^[A-Za-z_][\w.\-]*(?:[/.][A-Za-z_][\w.\-]*)*$")
_REPEAT = re.compile(r"^(.*?)\[(\d+)\](?:[/.](.+))?$")
_HXL = re.compile(r"^#[a-z][\w+\-]*$", re.I)
_TOKENS = re.compile(r"^[A-Za-z0-9_.\-]+(?: [A-Za-z0-9_.\-]+)*$")
# XML names of measurement fields (integer/decimal): read as numbers, not as choice codes
_MEASURE = re.compile(r"(?:^|_)(?:size|num|number|nb|count|cnt|age|income|amount|total|how_?many|area|"
                      r"price|cost|value|year|years|days|hours|minutes|weight|height|qty|quantity|"
                      r"members|persons|people|children|acres|hectares|mu|yuan|km|distance)(?:_|$)",
                      re.I)


def detect(rows: list[list[str]]) -> bool:
    first = [_unmangle(h.strip()) for h in rows[0]]
    marks = ("_uuid", "_submission_time", "_index", "meta/instanceID", "meta.instanceID",
             "formhub/uuid", "formhub.uuid", "_parent_index")
    if any(h in first for h in marks):
        return True
    odk = {"deviceid", "subscriberid", "simserial", "today", "username", "instanceID"}
    return "start" in first and "end" in first and bool(odk & {_leaf(h) for h in first})


def _unmangle(h: str) -> str:
    """R's read.csv turns '_uuid' into 'X_uuid': give the export's own name back."""
    if h.startswith("X_") and _leaf(h[1:]) in SYSTEM:
        return h[1:]
    return h


def _leaf(h: str, sep: str = "/") -> str:
    return re.split(r"[/.]" if sep == "." else "/", h)[-1] if h else h


def _separator(cols: list[str]) -> str:
    """'/' (KPI) or '.' (legacy KoBoCAT) between group names, from the XML-name headers."""
    xml = [c for c in cols if _XML_PATH.match(c) and not c.startswith("_")]
    slash = sum("/" in c for c in xml)
    dot = sum("." in c for c in xml)
    return "." if dot > slash else "/"


def _retype(body: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for j in body.columns:
        col = body[j]
        if col.dtype == object or pd.api.types.is_string_dtype(col):
            nn = col.dropna().astype(str).str.strip()
            nn = nn[nn != ""]
            num = pd.to_numeric(nn, errors="coerce")
            if len(nn) and num.notna().all() and not nn.str.match(r"^0\d").any():
                out[j] = pd.to_numeric(col.astype(object).where(col.notna(), None).map(
                    lambda v: v.strip() if isinstance(v, str) else v).replace("", None),
                    errors="coerce").astype("float64")
                continue
        out[j] = col
    return pd.DataFrame(out, index=body.index)


def _drop_hxl_row(table: RawTable) -> tuple[RawTable, bool]:
    """KPI writes HXL hashtags ('#symmetry') as a second header row when the form has them."""
    if len(table.body) == 0:
        return table, False
    first = table.body.iloc[0]
    vals = [str(v).strip() for v in first if v is not None and not (isinstance(v, float)
                                                                   and np.isnan(v))]
    vals = [v for v in vals if v]
    if not vals or not all(_HXL.match(v) for v in vals):
        return table, False
    body = _retype(table.body.iloc[1:].reset_index(drop=True))
    return RawTable(path=table.path, header=table.header, body=body,
                    first_data_row=table.first_data_row + 1, encoding=table.encoding,
                    delimiter=table.delimiter, notes=list(table.notes),
                    row_numbers=np.asarray(table.row_numbers)[1:]), True


def _not_applicable(body: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Legacy exports write 'n/a' where a question was not relevant: the kit's skipped marker."""
    n = 0
    out = {}
    for j in body.columns:
        col = body[j]
        if col.dtype.kind not in "fi":
            hit = col.astype(object).map(lambda v: isinstance(v, str) and v.strip().lower() == "n/a")
            if hit.any():
                n += int(hit.sum())
                col = col.astype(object).mask(hit, SKIPPED_MARK)
        out[j] = col
    return pd.DataFrame(out, index=body.index), n


def parse(table: RawTable, repeat: bool = False) -> ParsedExport:
    table, hxl = _drop_hxl_row(table)
    if hxl and len(table.body) == 0 and not repeat:
        raise ExportFormatError("只有表头和 HXL 标签行，没有答卷",
                                path=table.path)
    body, n_na = _not_applicable(table.body)
    body = _retype(body)
    table = RawTable(path=table.path, header=table.header, body=body,
                     first_data_row=table.first_data_row, encoding=table.encoding,
                     delimiter=table.delimiter, notes=list(table.notes),
                     row_numbers=table.row_numbers)
    cols = [_unmangle(h.strip()) for h in table.columns]
    sep = _separator(cols)
    era = ("KoBoCAT 旧版导出（组名以 . 分隔）" if sep == "." else "KoboToolbox / ODK") + (
        f"，字段以「{table.delimiter}」分隔" if table.delimiter else "")
    parsed = new_parsed(table, "kobo", "values", era)
    if hxl:
        parsed.notes.append("第2行是 HXL 标签行（#…），不是答卷，已跳过")
    if n_na:
        parsed.notes.append(f"{n_na}个单元格为 n/a（按逻辑未显示的题），记为“跳过”")
    _read_columns(parsed, table, cols, sep, repeat)
    _identify(parsed, repeat)
    if not repeat:
        _flattened_repeats(parsed, table, cols)
        _repeat_sheets(parsed, table)
    return parsed


def _identify(parsed: ParsedExport, repeat: bool) -> None:
    """Submission IDs: _id (else _index) numbers the responses, _uuid is kept beside it;
    _submission_time is the server's clock, in UTC."""
    m, hd = parsed.meta, parsed.meta_headers
    if repeat and "kobo_index" in m:
        m["repeat_index"], hd["repeat_index"] = m.pop("kobo_index"), hd.pop("kobo_index")
    if "kobo_id" in m:
        m["response_id"], hd["response_id"] = m.pop("kobo_id"), hd.pop("kobo_id")
    elif "kobo_index" in m:
        m["response_id"], hd["response_id"] = m["kobo_index"], hd["kobo_index"]
    elif "repeat_index" in m:
        m["response_id"], hd["response_id"] = m["repeat_index"], hd["repeat_index"]
    if "received_at" in m:
        s = m["received_at"]
        if pd.api.types.is_datetime64_any_dtype(s) and not isinstance(s.dtype, pd.DatetimeTZDtype):
            m["received_at"] = s.dt.tz_localize("UTC")
        elif not pd.api.types.is_datetime64_any_dtype(s) and s.dtype.kind not in "fi":
            t = s.astype(object).where(s.notna(), None)
            m["received_at"] = t.map(lambda v: v if not isinstance(v, str) or not v.strip()
                                     or has_offset(v) else v.strip() + "+00:00")


def _split_path(h: str, sep: str) -> tuple[str, str]:
    """(parent path, last element) of a header."""
    i = h.rfind(sep)
    return (h[:i], h[i + 1:]) if i > 0 else ("", h)


def _read_columns(parsed: ParsedExport, table: RawTable, cols: list[str], sep: str,
                  repeat: bool) -> None:
    colset = set(cols)
    xml = sum(bool(_XML_PATH.match(c)) for c in cols) >= 0.8 * max(1, len(cols))
    options: dict[str, list[int]] = {}
    skipped_summary, empty, rep = [], [], set()
    singles: list[int] = []
    for j, h in enumerate(cols):
        col = table.body[j]
        leaf = _leaf(h, sep)
        if _REPEAT.match(h) and not repeat:
            rep.add(j)
            continue
        key = "formhub_uuid" if h in ("formhub/uuid", "formhub.uuid") else leaf
        if key == "formhub_uuid":
            drop_column(parsed, h, "表单编号")
            continue
        if take_meta(parsed, col, key, h, SYSTEM, PERSONAL):
            continue
        if repeat and key.startswith("_submission_"):
            drop_column(parsed, h, "所属提交的系统列（主表已有）")
            continue
        parent, last = _split_path(h, sep)
        if parent and parent in colset:
            options.setdefault(parent, []).append(j)
            continue
        if any(c.startswith(h + sep) for c in cols):
            skipped_summary.append(h)  # select_multiple summary: its 0/1 columns are read
            continue
        if _SUPERVISOR.search(leaf):
            take_meta(parsed, col, h, h, {}, {h: "supervisor"})
            continue
        if _STAFF.search(leaf):
            take_meta(parsed, col, h, h, {}, {h: "enumerator"})
            continue
        if not_answers(parsed, h, col, "定位坐标（geopoint：纬度 经度 海拔 精度）"):
            continue
        blank = col.isna() | col.astype(object).map(lambda v: isinstance(v, str) and v.strip() == "")
        if blank.all():
            empty.append(h)
            continue
        singles.append(j)
    order: list[tuple[int, ParsedQuestion]] = []

    def multi(parent: str, parts: list[Part]) -> ParsedQuestion:
        """A select_multiple from its option columns (0/1, True/False)."""
        _, plast = _split_path(parent, sep)
        pq = _question(table, parts[0].pos, parent if not xml else plast, structure="options",
                       key=plast)
        pq.parts, pq.hint = parts, "multi"
        for p in pq.parts:
            p.codes, p.text = checkbox_codes(p, pq), None
        return pq

    for parent, js in options.items():
        order.append((js[0], multi(parent, [_part(table, j, _split_path(cols[j], sep)[1])
                                            for j in js])))
    # consecutive 0/1 columns of one group with no summary column: a select_multiple too
    runs: list[list[int]] = []
    for j in singles:
        parent, _ = _split_path(cols[j], sep)
        if runs and parent and _split_path(cols[runs[-1][-1]], sep)[0] == parent \
                and runs[-1][-1] == j - 1:
            runs[-1].append(j)
        else:
            runs.append([j])
    for run in runs:
        parts = [_part(table, j, _split_path(cols[j], sep)[1]) for j in run]
        if len(run) >= 2 and looks_checkbox(parts) and all(
                set(_vals(table.body[j])) <= {"0", "1", "true", "false", SKIPPED_MARK.lower()}
                for j in run):
            order.append((run[0], multi(_split_path(cols[run[0]], sep)[0], parts)))
            continue
        for j in run:
            h = cols[j]
            title = _leaf(h, sep) if xml else h
            pq = _question(table, j, title, structure="single", key=_leaf(h, sep) if xml else None)
            col = table.body[j]
            toks = _tokens(col)
            if toks is not None:
                pq.structure, pq.hint = "options", "multi"
                pq.parts = [_token_part(table, j, col, t) for t in toks]
                parsed.notes.append(f"「{h}」按空格分开的多选答案读作多选题")
            else:
                pq.hint = value_hint(col, title)
                if pq.hint is None and col.dtype.kind in "fi" and (
                        not xml or _MEASURE.search(_leaf(h, sep))):
                    # a labels export writes choices as their labels, and a field named like a
                    # count or an amount is one: its numbers are measurements
                    pq.hint = "number"
            order.append((j, pq))
    for k, (_, pq) in enumerate(sorted(order, key=lambda t: t[0])):
        if pq.key is None or not xml:
            pq.key = f"q{k + 1}"
        parsed.questions.append(pq)
    if skipped_summary:
        parsed.notes.append("多选题汇总列已由逐项0/1列代替"
                            ": " + "、".join(skipped_summary))
    if empty:
        parsed.notes.append("这些列在所有答卷中都为空，未作为题目读取（多为说明文字 note 字段）："
                            + "、".join(empty))


def _vals(col: pd.Series) -> list[str]:
    v = col.dropna()
    if v.dtype.kind in "fi":
        return [str(int(x)) if float(x).is_integer() else str(x) for x in v.unique()]
    return [str(x).strip().lower() for x in v.unique() if str(x).strip()]


def _part(table: RawTable, j: int, label: str | None = None) -> Part:
    """Column j as a part; numbers beside 'n/a' (read as the skipped marker) are still numbers."""
    col = table.body[j]
    if col.dtype.kind in "fi":
        return make_part(table, j, label)
    t = col.astype(object).where(col.notna(), None)
    vals = t[t.notna() & (t != SKIPPED_MARK)].astype(str).str.strip()
    vals = vals[vals != ""]
    if not (len(vals) and (t == SKIPPED_MARK).any() and pd.to_numeric(vals, errors="coerce").notna().all()):
        return make_part(table, j, label)
    codes = t.map(lambda v: v if v is None or v == SKIPPED_MARK or (isinstance(v, str) and not v.strip())
                  else float(v))
    return Part(header=table.columns[j], pos=j, label=label, codes=codes)


def _question(table: RawTable, j: int, title: str, structure: str, key: str | None) -> ParsedQuestion:
    return ParsedQuestion(key=key, title=title, header=table.columns[j], structure=structure,
                          parts=[_part(table, j)], may_be_joined=False)


def _tokens(col: pd.Series) -> list[str] | None:
    """A select_multiple exported as its summary column only: space-separated choice names."""
    if col.dtype.kind in "fi":
        return None
    v = col.dropna().astype(str).str.strip()
    v = v[(v != "") & (v != SKIPPED_MARK)]
    if v.empty or not v.str.match(_TOKENS).all() or not v.str.contains(" ").any():
        return None
    toks = []
    for cell in v:
        for t in cell.split(" "):
            if t not in toks:
                toks.append(t)
    if len(toks) > 30 or len(toks) > max(3, len(v) // 2) or value_hint(pd.Series(toks)) is not None:
        return None
    return toks


def _token_part(table: RawTable, j: int, col: pd.Series, token: str) -> Part:
    t = col.astype(object).where(col.notna(), None)
    codes = t.map(lambda v: SKIPPED_MARK if v == SKIPPED_MARK else (
        np.nan if v is None or not str(v).strip() else float(token in str(v).split(" "))))
    return Part(header=table.columns[j], pos=j, label=token, codes=codes.astype(object))


def _flattened_repeats(parsed: ParsedExport, table: RawTable, cols: list[str]) -> None:
    """Legacy CSV: a repeat group flattened as 'grp[1]/field', 'grp[2]/field': read as a
    repeat table, one row per filled instance."""
    found: dict[str, dict[int, dict[str, int]]] = {}
    for j, h in enumerate(cols):
        m = _REPEAT.match(h)
        if m:
            found.setdefault(m.group(1), {}).setdefault(int(m.group(2)), {})[m.group(3) or
                                                                             m.group(1)] = j
    for name, inst in found.items():
        fields = list(dict.fromkeys(f for k in sorted(inst) for f in inst[k]))
        parent = (table.body[cols.index("_index")] if "_index" in cols
                  else pd.Series(np.arange(1, len(table.body) + 1), index=table.body.index))
        rows = []
        for i in range(len(table.body)):
            for k in sorted(inst):
                vals = [table.body.iat[i, inst[k][f]] if f in inst[k] else None for f in fields]
                if any(v is not None and not (isinstance(v, float) and np.isnan(v))
                       and str(v).strip() not in ("", SKIPPED_MARK) for v in vals):
                    rows.append(vals + [len(rows) + 1, parent.iat[i], "main"])
        header = fields + ["_index", "_parent_index", "_parent_table_name"]
        body = _retype(pd.DataFrame(rows, columns=range(len(header)), dtype=object))
        rtable = RawTable(path=table.path, header=[header], body=body, first_data_row=2)
        parsed.repeats[_leaf(name)] = parse(rtable, repeat=True)
        parsed.notes.append(f"重复组「{name}」（{len(inst)}组列）读作附表 repeats['{_leaf(name)}']，"
                            f"共{len(rows)}行")


def _repeat_sheets(parsed: ParsedExport, table: RawTable) -> None:
    """XLSX: each further sheet with _parent_index is a repeat group."""
    if table.path.suffix.lower() not in EXCEL_SUFFIXES:
        return
    import fastexcel

    try:
        names = fastexcel.read_excel(str(table.path)).sheet_names
    except Exception:  # the main sheet was read, so this does not happen in practice
        return
    for name in names[1:]:
        rtable = read_table(table.path, header_rows=1, sheet=name)
        heads = {_unmangle(h.strip()) for h in rtable.columns}
        if "_parent_index" not in heads:
            parsed.notes.append(f"工作表「{name}」不是重复组（没有 _parent_index 列），未读取")
            continue
        parsed.repeats[name] = parse(rtable, repeat=True)
        parsed.notes.append(f"重复组「{name}」读作附表 repeats['{name}']，共{len(rtable.body)}行")


register_platform("kobo", label="KoboToolbox / ODK", detect=detect, parse=parse, order=50,
                  signature="_uuid、_submission_time、_index，或 start、end、deviceid")
