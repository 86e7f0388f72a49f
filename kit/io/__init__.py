"""Loading questionnaire exports: one entry point, one reader per platform."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .. import missing as M
from ..errors import ExportFormatError
from ..privacy import blank_personal_numbers, contains_personal, hash_series, mask_series
from ..quality import assess_quality
from ..questionnaire import Questionnaire, load_questionnaire
from ..responses import ExportInfo, Responses
from .convert import ColumnSink, build_columns, infer_questionnaire, match_questionnaire
from .model import META_FIELDS, ParsedExport
from .table import read_table
from . import wjx

__all__ = ["load_export", "parse_export", "detect_platform"]

PLATFORMS = ("wjx", "tencent", "kobo", "qualtrics", "surveymonkey", "generic")


def detect_platform(header_rows: list[list[str]]) -> str | None:
    """Recognise the platform from the first rows of a file."""
    from . import others

    first = [h.strip() for h in header_rows[0]] if header_rows else []
    if wjx.is_wjx(first):
        return "wjx"
    return others.detect(header_rows)


def parse_export(path, *, platform: str | None = None, variant: str | None = None,
                 questionnaire: Questionnaire | None = None) -> ParsedExport:
    from . import others

    path = Path(path)
    table = read_table(path, header_rows=1)
    probe = [table.header[0]] + [
        ["" if pd.isna(v) else str(v) for v in table.body.iloc[i].tolist()]
        for i in range(min(2, len(table.body)))]
    platform = platform or detect_platform(probe)
    if platform == "wjx":
        if len(table.body) == 0:
            raise ExportFormatError("只有表头，没有答卷 (no responses below the header)", path=path)
        return wjx.parse_wjx(table, variant)
    if platform is None:
        if questionnaire is not None:
            platform = "generic"
        else:
            raise ExportFormatError(
                "无法识别为问卷导出文件：表头中没有问卷星（序号、提交答卷时间、题号）、腾讯问卷、"
                "KoboToolbox、Qualtrics 或 SurveyMonkey 的特征；其他格式请提供问卷定义"
                f"（--questionnaire）说明各列。表头前几列为：{first_cells(table.header[0])} "
                "(not a recognised survey export; give a codebook that maps its headers)",
                path=path, row=1)
    return others.parse(path, platform, table)


def first_cells(h: list[str], k: int = 5) -> str:
    return "、".join(f"「{x}」" for x in h[:k]) + ("…" if len(h) > k else "")


def load_export(path, *, codes=None, questionnaire=None, platform: str | None = None) -> Responses:
    """Load a questionnaire export into a checked :class:`~kit.responses.Responses`.

    Parameters
    ----------
    path : path-like
        The export: for 问卷星 the 按文本 file, or a 按序号 file alone; any other platform's CSV
        or workbook.
    codes : path-like, optional
        The 按序号 twin of a 问卷星 按文本 file; the two are joined on 序号.
    questionnaire : Questionnaire or path-like, optional
        The codebook. Without it question types and options are inferred from the export.
    platform : str, optional
        Force a platform instead of recognising it.

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
    parsed = parse_export(path, platform=platform, questionnaire=qn,
                          variant="text" if codes is not None else None)
    if codes is not None:
        if parsed.platform != "wjx":
            raise ExportFormatError("按序号文件只用于问卷星导出 (codes= is for 问卷星 pairs)",
                                    path=path)
        ctab = read_table(Path(codes), header_rows=1)
        cparsed = wjx.parse_wjx(ctab, "codes")
        parsed = wjx.pair_wjx(parsed, cparsed)
    return assemble(parsed, qn)


def _meta_columns(parsed: ParsedExport, sink: ColumnSink) -> None:
    def add(name, values, title, kind="meta"):
        sink.add(name, values, None, question_id=None, title=title, type="meta",
                 dimension=None, reverse=False, value=kind, options=None, option_label=None,
                 row_label=None)

    m = parsed.meta
    if "response_id" in m and contains_personal(m["response_id"]):
        # an ID column holding phone or 身份证 numbers: keep it only as a hash
        add("response_id", hash_series(m["response_id"]), parsed.meta_headers.get(
            "response_id", "编号") + "（含个人信息，已加盐哈希）", kind="hash")
    elif "response_id" in m:
        rid = m["response_id"]
        num = pd.to_numeric(rid, errors="coerce")
        add("response_id", num.astype("Int64") if num.notna().all() and (num % 1 == 0).all()
            else rid.astype("string"), parsed.meta_headers.get("response_id", "编号"))
    else:
        add("response_id", pd.Series(np.arange(1, parsed.n_rows + 1)).astype("Int64"), "编号（行号）")
    for name in ("submitted_at", "started_at"):
        if name in m:
            add(name, _to_datetime(m[name]), parsed.meta_headers.get(name, META_FIELDS[name]))
    if "duration_s" in m:
        add("duration_s", blank_personal_numbers(wjx.parse_duration(m["duration_s"])).astype("Float64"),
            parsed.meta_headers.get("duration_s", "所用时间"))
    for name in ("source", "source_detail", "status", "region"):
        if name in m:
            s = m[name]
            v = mask_series(s)
            add(name, v.mask(v.isin(["NULL", ""]).fillna(False)),
                parsed.meta_headers.get(name, META_FIELDS[name]))
    if "ip" in m:
        ip, region = wjx.split_ip(m["ip"])
        if region.notna().any() and "region" not in m:
            add("region", region.astype("string"), "IP所在地区")
        add("ip_hash", hash_series(ip, "ip"), "来自IP（已加盐哈希）", kind="hash")
    if "total_score" in m:
        add("total_score", blank_personal_numbers(pd.to_numeric(m["total_score"], errors="coerce"))
            .astype("Float64"), "总分")
    for name, (header, col, kind) in parsed.personal_meta.items():
        if kind == "coordinates":
            continue
        add(name, hash_series(col, kind),
            f"{header}（已加盐哈希）", kind="hash")
    for name, (header, col) in parsed.custom_meta.items():
        if contains_personal(col):
            add(f"{name}_hash", hash_series(col),
                f"{header}（含个人信息，已加盐哈希）", kind="hash")
            continue
        vals = blank_personal_numbers(col) if col.dtype.kind in "fi" else mask_series(col)
        add(name, vals, header)


def _to_datetime(s: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(s):
        return s
    if s.dtype.kind == "f":  # Excel serial dates (CSV re-saved by Excel)
        return pd.to_datetime(s, unit="D", origin="1899-12-30", errors="coerce").dt.round("s")
    t = s.astype(object).where(s.notna(), None)
    t = t.where(~t.isin(["NULL", "null", ""]), None)
    for fmt in ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S"):  # 问卷星, 腾讯问卷: fast exact parse
        out = pd.to_datetime(t, errors="coerce", format=fmt)
        if out.notna().sum() == t.notna().sum():
            return out
    return pd.to_datetime(t, errors="coerce", format="mixed")


def assemble(parsed: ParsedExport, qn: Questionnaire | None) -> Responses:
    index = pd.RangeIndex(parsed.n_rows)
    for pq in parsed.questions:
        for p in pq.parts:
            for s in (p.codes, p.text):
                if s is not None:
                    s.index = index
        if pq.joined is not None:
            pq.joined.index = index
    for d in (parsed.meta,):
        for s in d.values():
            s.index = index
    sink = ColumnSink(index)
    _meta_columns(parsed, sink)
    notes = list(parsed.notes)
    if parsed.dropped_meta:
        notes.append("已删除定位信息列 (location columns dropped): " + "、".join(parsed.dropped_meta))
    if qn is None:
        qn, inf_notes = infer_questionnaire(parsed)
        notes += inf_notes
        pairs = list(zip(qn.questions, parsed.questions))
    else:
        pairs = match_questionnaire(parsed, qn)
    notes += build_columns(parsed, pairs, sink)
    data = pd.DataFrame(sink.data, index=index)
    missing = pd.DataFrame({c: M.kinds_series(k, index) for c, k in sink.kinds.items()}, index=index)
    questions = pd.DataFrame(sink.rows)
    quality, used = assess_quality(data, missing, questions, qn)
    info = ExportInfo(platform=parsed.platform, variant=parsed.variant, era=parsed.era,
                      files=[Path(f).name for f in parsed.files], n_rows=parsed.n_rows,
                      notes=notes, quality_settings=used)
    return Responses(data=data, missing=missing, questions=questions, quality=quality, info=info,
                     questionnaire=qn)
