"""Loading questionnaire exports: one entry point, one registered reader per platform.

Readers (:mod:`kit.io.platforms`) recognise a layout and hand over a
:class:`~kit.io.model.ParsedExport`; everything after that is shared: metadata columns
(times in UTC beside local clock time, durations, places), personal columns hashed or
dropped (and said so in the notes), codebook matching or inference (:mod:`kit.io.convert`),
quality flags, repeat groups.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .. import missing as M
from ..background import in_thread
from ..errors import ExportFormatError, QuestionnaireError
from ..privacy.names import warm_up as warm_up_names
from ..privacy import (blank_personal_numbers, contains_personal, hash_series, looks_personal,
                       mask_filename, mask_questionnaire_labels, mask_series)
from ..quality import assess_quality
from ..questionnaire import Questionnaire, load_questionnaire
from ..responses import ExportInfo, Responses
from .convert import ColumnSink, build_columns, infer_questionnaire, match_questionnaire
from .model import META_FIELDS, ParsedExport
from .personal import KIND_ZH, keep_kind
from .registry import (detect_platform, get_platform, platform_names, register_platform,
                       signatures)
from .table import answers_look_like_text, read_table
from .times import duration_seconds, parse_times
from . import wjx

__all__ = ["load_export", "parse_export", "detect_platform", "register_platform",
           "platform_names"]


def __getattr__(name):
    if name == "PLATFORMS":  # the registered platform names (kept for older callers)
        return platform_names()
    raise AttributeError(name)


def parse_export(path, *, platform: str | None = None, variant: str | None = None,
                 questionnaire: Questionnaire | None = None, while_reading=None) -> ParsedExport:
    """Recognise the platform of ``path`` (or use ``platform``) and run its reader. A title
    row above the header is skipped (and said); merged cells and 合计 rows are handled by
    :func:`~kit.io.table.read_table` (``export=True``)."""
    path = Path(path)
    table = read_table(path, header_rows=1, export=True, while_reading=while_reading)
    at = _header_below_title(table, platform)
    if at is not None:
        title = next((h.strip() for h in table.header[0] if h.strip()), "")
        table = read_table(path, header_rows=1, header_row=at, export=True)
        table.notes.insert(0, f"表头上方的{at - 1}行是标题（「{title[:40]}」），已跳过，表头在第{at}行")
    name = platform or detect_platform(_probe(table))
    if name is None:
        if questionnaire is None:
            raise ExportFormatError(
                "无法识别为问卷导出文件：表头中没有这些平台的特征：" + signatures()
                + "。其他格式请提供问卷定义（--questionnaire）说明各列，或指定 platform=\"generic\"。"
                f"表头前几列为：{first_cells(table.header[0])}",
                path=path, row=table.first_data_row - 1)
        name = "generic"
    reader = get_platform(name)
    if reader.header_rows != 1:
        table = read_table(path, header_rows=reader.header_rows, header_row=at, export=True)
    if len(table.body) == 0:
        raise ExportFormatError("只有表头，没有答卷", path=path)
    if variant is not None and "variant" in inspect.signature(reader.parse).parameters:
        return reader.parse(table, variant=variant)
    return reader.parse(table)


def _probe(table, start: int = -1) -> list[list[str]]:
    """The header row (start=-1) or body row ``start`` and the two rows after it, as text."""
    rows = [table.header[0]] if start < 0 else []
    first = max(start, 0)
    for i in range(first, min(first + 3 - len(rows), len(table.body))):
        rows.append(["" if pd.isna(v) else str(v) for v in table.body.iloc[i].tolist()])
    return rows


def _header_below_title(table, platform: str | None) -> int | None:
    """The file row of the real header when the first row is a title (one cell of text over
    the table, often merged across it) and a header follows within the next rows."""
    first = [h for h in table.header[0] if h.strip()]
    if len(first) > 1 or not len(table.body):
        return None
    for i in range(min(10, len(table.body))):
        probe = _probe(table, i)
        if detect_platform(probe) or (platform and sum(bool(c.strip()) for c in probe[0]) > 1):
            return table.file_row(i)
    # no platform recognised: the first row with several cells (a codebook names its headers)
    for i in range(min(10, len(table.body))):
        if sum(bool(c.strip()) for c in _probe(table, i)[0]) > 1:
            return table.file_row(i)
    return None


def first_cells(h: list[str], k: int = 5) -> str:
    return "、".join(f"「{x}」" for x in h[:k]) + ("…" if len(h) > k else "")


def load_export(path, *, codes=None, questionnaire=None, platform: str | None = None) -> Responses:
    """Load a questionnaire export into a checked :class:`~kit.responses.Responses`.

    Parameters
    ----------
    path : path-like
        The export: for 问卷星 the 按文本 file, or a 按序号 file alone; any other platform's CSV
        or workbook (腾讯问卷, 问卷网, KoboToolbox, Qualtrics, SurveyMonkey).
    codes : path-like, optional
        The 按序号 twin of a 问卷星 按文本 file; the two are joined on 序号.
    questionnaire : Questionnaire or path-like, optional
        The codebook. Without it question types and options are inferred from the export.
    platform : str, optional
        Force a platform (one of :func:`platform_names`) instead of recognising it.

    Examples
    --------
    >>> from kit import load_export
    >>> r = load_export(EXPORTS / "wjx_reportgen_2016_readable.xls",
    ...                 codes=EXPORTS / "wjx_reportgen_2016_original.xls")
    >>> float(r.data.loc[1, "duration_s"]), "ip" in r.data, r.data.loc[1, "region"]
    (136.0, False, '上海-上海')
    >>> r.missing.loc[0, "q2"]
    'skipped'
    """
    qn = questionnaire
    if qn is not None and not isinstance(qn, Questionnaire):
        qn = load_questionnaire(qn)
    # the 按序号 twin is read at the same time as the 按文本 file (fastexcel releases the GIL);
    # the 按文本 file's errors come first
    codes_parsed = None if codes is None else in_thread(
        lambda: parse_export(Path(codes), platform="wjx", variant="codes"), name="kit-read-codes")
    parsed = parse_export(path, platform=platform, questionnaire=qn,
                          variant="text" if codes is not None else None,
                          while_reading=_names_warm_up(path))
    if codes_parsed is not None:
        if parsed.platform != "wjx":
            raise ExportFormatError("按序号文件只用于问卷星导出 (codes= is for 问卷星 pairs)",
                                    path=path)
        parsed = wjx.pair_wjx(parsed, codes_parsed())
    return assemble(parsed, qn)


_WARM_UP_BYTES = 1 << 21  # a file this large takes a second or more to read


def _names_warm_up(path):
    """Answers written as labels (按文本) are looked through for personal names (option labels
    drafted from them, 来源详情, fill-ins), which needs jieba's dictionary (about 1.5 s of CPU
    to load): for a large file, what starts that load in a background thread while fastexcel,
    which releases the GIL, parses the sheet. None otherwise."""
    try:
        large = Path(path).stat().st_size >= _WARM_UP_BYTES
    except (OSError, TypeError, ValueError):
        return None
    return warm_up_names if large and answers_look_like_text(path) else None


# ---------------------------------------------------------------------------- metadata
_TEXT_META = ("source", "source_detail", "status", "region", "province", "city", "country",
              "browser", "os", "submission_uuid", "parent_table")
_NUMBER_META = ("kobo_index", "repeat_index", "parent_index")


def _meta_columns(parsed: ParsedExport, sink: ColumnSink, notes: list[str]) -> None:
    def add(name, values, title, kind="meta", kinds=None, invalid=None):
        sink.add(name, values, kinds, invalid=invalid, question_id=None, title=title, type="meta",
                 dimension=None, reverse=False, value=kind, options=None, option_label=None,
                 row_label=None)

    m = parsed.meta
    head = lambda name: parsed.meta_headers.get(name, META_FIELDS.get(name, name))  # noqa: E731
    hashed: list[str] = []
    if "response_id" in m and contains_personal(m["response_id"]):
        # an ID column holding phone or 身份证 numbers: keep it only as a hash
        add("response_id", hash_series(m["response_id"]), head("response_id")
            + "（含个人信息，已加盐哈希）", kind="hash")
        hashed.append(f"{head('response_id')}→response_id")
    elif "response_id" in m:
        add("response_id", _response_ids(parsed), head("response_id"))
    else:
        add("response_id", pd.Series(np.arange(1, parsed.n_rows + 1)).astype("Int64"), "编号（行号）")
    times = {}
    for name in ("submitted_at", "started_at", "received_at"):
        if name in m:
            t, local, bad = parse_times(m[name])
            if local is not None and local.equals(t.dt.tz_localize(None)):
                local = None  # written in UTC already (a server's clock): no second column
            unread = t.isna().to_numpy() & _has_text(m[name])
            add(name, t, head(name) + ("（UTC）" if local is not None else ""),
                **_meta_invalid(m[name], t, unread, "无法识别的日期时间（不存在的日期或写法）"))
            if local is not None:
                add(f"{name}_local", local, head(name) + "（当地时间）")
            if bad:
                notes.append(f"「{head(name)}」有{bad}个时间无法识别，记为无效并保留原文 "
                             f"({bad} unreadable times marked invalid)")
            times[name] = t
    dur = None
    if "duration_s" in m:
        raw_dur = m["duration_s"]
        secs = duration_seconds(raw_dur)
        given = raw_dur.notna() & ~raw_dur.astype(str).str.strip().isin(["", "NULL", "null"])
        unread_dur = (given & secs.isna()).to_numpy(dtype=bool)
        if (bad := int(unread_dur.sum())):
            notes.append(f"「{head('duration_s')}」有{bad}个值无法识别为时长，记为无效并保留原文 "
                         f"({bad} unreadable durations marked invalid)")
        dur = blank_personal_numbers(secs)
        dtitle = head("duration_s")
    elif "started_at" in times and "submitted_at" in times and (
            isinstance(times["started_at"].dtype, pd.DatetimeTZDtype)
            == isinstance(times["submitted_at"].dtype, pd.DatetimeTZDtype)):
        dur = (times["submitted_at"] - times["started_at"]).dt.total_seconds()
        dtitle = f"答题用时（秒，由{head('started_at')}与{head('submitted_at')}推算）"
        notes.append(f"答题用时由「{head('started_at')}」与「{head('submitted_at')}」相减得到")
    if dur is not None:
        neg = dur < 0
        if neg.any():
            notes.append(f"{int(neg.sum())}份答卷的结束时间早于开始时间（设备时钟有误），答题用时置空")
            dur = dur.mask(neg)
        extra = ({} if "duration_s" not in m else
                 _meta_invalid(m["duration_s"], dur, unread_dur, "无法识别的答题用时"))
        add("duration_s", dur.astype("Float64"), dtitle, **extra)
    for name in _TEXT_META:
        if name in m:  # 来源详情 may carry a nickname; regions and statuses are not names
            v = mask_series(m[name], names=name not in ("region", "province", "city", "country",
                                                         "status"))
            add(name, v.mask(v.isin(["NULL", ""]).fillna(False)), head(name))
    for name in _NUMBER_META:
        if name in m:
            add(name, pd.to_numeric(m[name], errors="coerce").astype("Int64"), head(name))
    if "ip" in m:
        ip, region = wjx.split_ip(m["ip"])
        if region.notna().any() and "region" not in m:
            add("region", region.astype("string"), "IP所在地区")
        add("ip_hash", hash_series(ip, "ip"), f"{head('ip')}（已加盐哈希）", kind="hash")
        hashed.append(f"{head('ip')}→ip_hash")
    if "total_score" in m:
        add("total_score", blank_personal_numbers(pd.to_numeric(m["total_score"], errors="coerce"))
            .astype("Float64"), "总分")
    done = {"response_id", "submitted_at", "started_at", "received_at", "duration_s", "ip",
            "total_score", *_TEXT_META, *_NUMBER_META}
    for name, col in m.items():  # a reader's further standard fields
        if name not in done:
            add(name, col if col.dtype.kind in "fi" else mask_series(col), head(name))
    for name, (header, col, kind) in parsed.personal_meta.items():
        if kind == "coordinates":
            parsed.dropped_reasons[header] = "定位坐标"
            continue
        col, n_bad = keep_kind(col, kind)
        add(name, hash_series(col, kind), f"{header}（已加盐哈希）", kind="hash")
        hashed.append(f"{header}→{name}")
        if n_bad:
            notes.append(f"「{header}」有{n_bad}个值不像{KIND_ZH.get(kind, kind)}，未参与哈希和重复检查 "
                         f"({n_bad} values not of that kind left out)")
    for name, (header, col) in parsed.custom_meta.items():
        # custom fields (户主姓名, 家庭住址, 联系电话...) by their title, then by their values
        kind = looks_personal(col, header)
        if kind or contains_personal(col):
            add(f"{name}_hash", hash_series(col, kind), f"{header}（含个人信息，已加盐哈希）", kind="hash")
            hashed.append(f"{header}→{name}_hash")
            continue
        vals = blank_personal_numbers(col) if col.dtype.kind in "fi" else mask_series(col)
        add(name, vals, header)
    if hashed:
        notes.append("个人信息列已加盐哈希（原值不保留）：" + "、".join(hashed))
    dropped = {**{h: "定位信息" for h in parsed.dropped_meta}, **parsed.dropped_reasons}
    if dropped:
        notes.append("已删除的列：" + "；".join(
            f"{h}（{why}）" for h, why in dropped.items()))
        if any("定位" in why for why in dropped.values()):
            notes.append("已删除定位信息列：" + "、".join(
                h for h, why in dropped.items() if "定位" in why))


def _rename_labels(sink: ColumnSink, changes: dict[str, dict[str, str]]) -> None:
    """Carry masked option and row labels into the columns and their descriptions."""
    if not changes:
        return
    renames = {}
    for row in sink.rows:
        mapping = changes.get(row.get("question_id"))
        if not mapping:
            continue
        for key in ("option_label", "row_label"):
            if row.get(key) in mapping:
                row[key] = mapping[row[key]]
        if row.get("options"):
            row["options"] = [{**o, "label": mapping.get(o["label"], o["label"])}
                              for o in row["options"]]
        qid, _, label = row["column"].partition("__")
        if label and label in {k.strip() for k in mapping}:
            new = f"{qid}__{next(v for k, v in mapping.items() if k.strip() == label).strip()}"
            renames[row["column"]] = new
            row["column"] = new
    sink.data = {renames.get(k, k): v for k, v in sink.data.items()}
    sink.kinds = {renames.get(k, k): v for k, v in sink.kinds.items()}
    for cell in sink.invalid:
        cell["column"] = renames.get(cell["column"], cell["column"])


def _has_text(s: pd.Series) -> np.ndarray:
    """Cells that hold something other than blank or NULL."""
    empty = ["", "NULL", "null"]
    if s.dtype.kind in "fiub":
        return s.notna().to_numpy(dtype=bool)
    if pd.api.types.is_string_dtype(s.dtype) and s.dtype != object:  # vectorised
        return (s.notna() & ~s.str.strip().isin(empty)).to_numpy(dtype=bool)
    codes, uniq = pd.factorize(s, use_na_sentinel=True)  # each distinct value once
    keep = np.array([str(v).strip() not in empty for v in uniq] + [False], dtype=bool)
    return keep[codes]


def _meta_invalid(raw: pd.Series, values: pd.Series, bad: np.ndarray, why: str) -> dict:
    """Missing kinds of a metadata column (blank, or invalid where text could not be read)
    and the raw text of the invalid cells."""
    kinds = np.where(pd.isna(values).to_numpy(), M.code_of(M.BLANK), M.NONE).astype(np.int8)
    if not bad.any():
        return {"kinds": kinds}
    kinds[bad] = M.code_of(M.INVALID)
    return {"kinds": kinds, "invalid": (mask_series(raw.astype(object).where(raw.notna(), None)
                                                    .map(lambda v: None if v is None else str(v))), why)}


def _response_ids(parsed: ParsedExport) -> pd.Series:
    """序号 / respondent numbers as integers. A number with a fraction (10.5) is not an ID to
    truncate, nor is a word among 问卷星's whole-number 序号 (a row typed in by hand): both are
    errors naming the row. A column of text IDs (A001, an edited file's own 编号) stays text."""
    rid = parsed.meta["response_id"]
    num = pd.to_numeric(rid, errors="coerce")
    has = _has_text(rid)
    header = parsed.meta_headers.get("response_id", "编号")
    numeric = num.notna().to_numpy() & has
    fraction = numeric & (num.fillna(0) % 1 != 0).to_numpy()
    word = has & ~numeric
    serial = parsed.platform == "wjx" and header.strip() == "序号" and numeric.sum() >= 0.9 * has.sum()
    bad = fraction | (word if serial else np.zeros(len(rid), dtype=bool))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        value = str(rid.iloc[i])
        why = ("是没有保存计算结果的公式：请在 Excel 中打开、重新计算并保存后再导入" if value.startswith("=")
               else "；序号是答卷的编号，不能有小数或文字。请核对该行是否为手工插入或改动的行")
        raise ExportFormatError(f"{header}应为整数，实际为「{value}」{why}",
                                path=parsed.files[0], row=int(parsed.file_rows.iloc[i]), column=header)
    if not word.any():
        return num.astype("Float64").astype("Int64")
    return mask_series(rid).astype("string")


def _frame(parsed: ParsedExport, qn: Questionnaire | None):
    """Data, missing kinds, question rows, notes and codebook of one table."""
    index = pd.RangeIndex(parsed.n_rows)
    for pq in parsed.questions:
        for p in pq.parts:
            for s in (p.codes, p.text):
                if s is not None:
                    s.index = index
        if pq.joined is not None:
            pq.joined.index = index
    for s in parsed.meta.values():
        s.index = index
    for _, s, _ in parsed.personal_meta.values():
        s.index = index
    for _, s in parsed.custom_meta.values():
        s.index = index
    ahead = _factorize_ahead(parsed)
    sink = ColumnSink(index)
    notes = list(parsed.notes)
    try:
        _meta_columns(parsed, sink, notes)
    finally:
        if ahead is not None:
            ahead()
    inferred = qn is None
    if inferred:
        qn, inf_notes = infer_questionnaire(parsed)
        notes += inf_notes
        pairs = list(zip(qn.questions, parsed.questions))
    else:
        pairs = match_questionnaire(parsed, qn)
        for old, new in _check_id_collisions(qn, sink, parsed).items():
            notes = [n.replace(f"→{old}", f"→{new}") for n in notes]
    notes += build_columns(parsed, pairs, sink)
    if inferred:  # labels drafted from the data: a name or phone as an option label is masked
        _rename_labels(sink, mask_questionnaire_labels(qn))
    # the sink's columns are new and its own (copy-on-write guards any shared with the export)
    data = pd.DataFrame(sink.data, index=index, copy=False)
    missing = pd.DataFrame({c: M.kinds_series(k, index) for c, k in sink.kinds.items()}, index=index,
                           copy=False)
    questions = pd.DataFrame(sink.rows)
    hashed_q = questions[(questions["value"] == "hash") & questions["question_id"].notna()] \
        if len(questions) else questions
    if len(hashed_q):
        notes.append("填写个人信息的题目已加盐哈希（原值不保留）：" + "、".join(
            f"{t}→{c}" for t, c in zip(hashed_q["title"], hashed_q["column"])))
    invalid = sink.invalid_table(data["response_id"], pd.Series(np.asarray(parsed.file_rows),
                                                                index=index))
    return data, missing, questions, notes, qn, invalid


_AHEAD_CELLS = 500_000  # below this, answers are factorised quicker than a thread starts


def _factorize_ahead(parsed: ParsedExport):
    """For a large export, the answer columns factorised in the background while the metadata
    are worked out (:func:`kit.io.convert.factorize_ahead`); None for a small one."""
    from .convert import factorize_ahead

    columns = [s for pq in parsed.questions for p in pq.parts for s in (p.text, p.codes)
               if s is not None] + [pq.joined for pq in parsed.questions if pq.joined is not None]
    if parsed.n_rows * len(columns) < _AHEAD_CELLS:
        return None
    return factorize_ahead(columns)


def _staff_note(data: pd.DataFrame) -> list[str]:
    staff = [c for c in data.columns if c.split("_")[0] in ("enumerator", "device", "supervisor")
             and c.endswith("_hash")]
    if not staff:
        return []
    return ["调查员与设备信息（" + "、".join(staff) + "）标识的是调查员和手机，不是受访者：不作受访者编号、"
            "不据此判重剔除；可用 kit.fieldwork.enumerator_checks 按调查员核查每日访问量和用时过短"]


def _link_repeats(parsed: ParsedExport, data: pd.DataFrame, notes: list[str]):
    """Each repeat group's table, with ``response_row``: the row of ``data`` it belongs to
    (through its parent repeat when nested). Returns (tables, missing kinds, question rows)."""
    repeats: dict[str, pd.DataFrame] = {}
    missing: dict[str, pd.DataFrame] = {}
    questions: dict[str, pd.DataFrame] = {}
    if not parsed.repeats:
        return repeats, missing, questions
    main_key = (data["kobo_index"] if "kobo_index" in data else
                pd.Series(np.arange(1, len(data) + 1), index=data.index))
    main_pos = pd.Series(data.index, index=pd.Index(main_key.astype("Int64")))
    main_pos = main_pos[~main_pos.index.duplicated()]
    for name, rp in parsed.repeats.items():
        rdata, rmissing, rquestions, rnotes, _, _ = _frame(rp, None)
        parent = rdata["parent_table"] if "parent_table" in rdata else pd.Series(
            pd.NA, index=rdata.index, dtype="string")
        pidx = rdata["parent_index"] if "parent_index" in rdata else pd.Series(
            pd.NA, index=rdata.index, dtype="Int64")
        row = pd.Series(pd.NA, index=rdata.index, dtype="Int64")
        for k in rdata.index:
            pt, pi = parent.iat[k], pidx.iat[k]
            if pd.isna(pi):
                continue
            up = next((r for n, r in repeats.items() if not pd.isna(pt) and (
                n == pt or str(pt).startswith(n) or n.startswith(str(pt)))), None)
            if up is not None:  # nested: the parent is another repeat's instance
                hit = up.loc[up["repeat_index"] == pi, "response_row"] if "repeat_index" in up else []
                row.iat[k] = hit.iat[0] if len(hit) else pd.NA
            else:
                row.iat[k] = main_pos.get(int(pi), pd.NA)
        rdata.insert(0, "response_row", row)
        unlinked = int(row.isna().sum())
        if unlinked:
            notes.append(f"重复组「{name}」有{unlinked}行找不到所属答卷（_parent_index 无对应）"
                         f"({unlinked} repeat rows without a parent)")
        rmissing.insert(0, "response_row", pd.Series(pd.NA, index=rdata.index, dtype=rmissing[
            rmissing.columns[0]].dtype) if len(rmissing.columns) else None)
        repeats[name], missing[name], questions[name] = rdata, rmissing, rquestions
        notes += [f"[{name}] {n}" for n in rnotes if not n.startswith("末尾空白列")]
    return repeats, missing, questions


def assemble(parsed: ParsedExport, qn: Questionnaire | None) -> Responses:
    if "ip" in parsed.meta or parsed.personal_meta:  # hashed for sure
        from ..privacy import derive_key_ahead

        derive_key_ahead()  # scrypt without the GIL, while the times are read
    data, missing, questions, notes, qn, invalid = _frame(parsed, qn)
    notes += _staff_note(data)
    repeats, rmissing, rquestions = _link_repeats(parsed, data, notes)
    quality, used = assess_quality(data, missing, questions, qn, row_flags=parsed.row_flags,
                                   file_rows=pd.Series(np.asarray(parsed.file_rows), index=data.index),
                                   invalid=invalid)
    notes += used.pop("notes", [])
    info = ExportInfo(platform=parsed.platform, variant=parsed.variant, era=parsed.era,
                      files=[mask_filename(Path(f).name) for f in parsed.files], n_rows=parsed.n_rows,
                      notes=notes, quality_settings=used)
    return Responses(data=data, missing=missing, questions=questions, quality=quality, info=info,
                     questionnaire=qn, repeats=repeats, repeat_missing=rmissing,
                     repeat_questions=rquestions, invalid=invalid)


def _check_id_collisions(qn: Questionnaire, sink: ColumnSink, parsed: ParsedExport) -> dict:
    """A codebook question whose id (or the hashed column it makes) is already the name of a
    metadata column: a personal metadata hash moves aside (``phone_2_hash``; the renames are
    returned); a standard metadata name cannot, so the codebook must change."""
    planned = {}
    renamed: dict[str, str] = {}
    for q in qn.questions:
        names = [f"{q.id}_hash"] if q.personal else [q.id] + [r.id for r in q.rows]
        for n in names:
            planned[n] = q
    for name in list(sink.data):
        q = planned.get(name)
        if q is None:
            continue
        m = re.fullmatch(r"(\w+?)(?:_(\d+))?_hash", name)
        if m and name in parsed.personal_meta:
            i = 2
            while f"{m.group(1)}_{i}_hash" in sink.data or f"{m.group(1)}_{i}_hash" in planned:
                i += 1
            sink.rename(name, f"{m.group(1)}_{i}_hash")
            renamed[name] = f"{m.group(1)}_{i}_hash"
            continue
        i = next(k for k, x in enumerate(qn.questions) if x is q)
        title = next((r["title"] for r in sink.rows if r["column"] == name), name)
        raise QuestionnaireError(
            f"题目 id「{q.id}」与导出文件的元数据列「{title}」（{name}）重名，两者无法区分：请在问卷"
            f"定义中把 questions[{i}].id 改为别的名字（如 q_{q.id}）", path=qn.path or parsed.files[0])
    return renamed
