"""Tables for people: Chinese column labels added at rendering, never in results."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .responses import Responses

__all__ = ["recognition_table", "quality_table", "quality_summary_table", "write_quality_workbook"]


def recognition_table(r: Responses) -> pd.DataFrame:
    """What the loader recognised, as 项目/内容 rows."""
    counts = r.question_counts()
    type_zh = {"single": "单选", "multi": "多选", "matrix": "矩阵", "scale": "量表", "text": "填空",
               "ranking": "排序", "yesno": "是非"}
    rows = [
        ("平台", {"wjx": "问卷星", "tencent": "腾讯问卷", "kobo": "KoboToolbox/ODK",
                "qualtrics": "Qualtrics", "surveymonkey": "SurveyMonkey",
                "generic": "通用表格（按问卷定义）"}.get(r.info.platform, r.info.platform)),
        ("下载格式", {"text": "按选项文本", "codes": "按选项序号", "scores": "按分数",
                  "pair": "按文本 + 按序号（按序号合并）", "values": "数值"}.get(r.info.variant,
                                                                          r.info.variant)),
        ("版本", r.info.era),
        ("文件", "；".join(r.info.files)),
        ("答卷数", r.n_total),
        ("题目数（按题型）", "，".join(f"{type_zh.get(t, t)}{n}" for t, n in counts.items())),
        ("剔除答卷", r.n_excluded),
        ("有效答卷", r.n_valid),
    ]
    if "speeder_threshold_s" in r.info.quality_settings:
        rows.append(("用时过短阈值（秒）", round(r.info.quality_settings["speeder_threshold_s"], 1)))
    for n in r.info.notes:
        rows.append(("说明", n))
    return pd.DataFrame(rows, columns=["项目", "内容"])


def quality_table(r: Responses) -> pd.DataFrame:
    """One row per flagged response, Chinese headers. Holds no personal data."""
    q = r.quality.rename(columns={"response_id": "答卷编号", "reasons": "原因代码",
                                  "detail": "说明", "excluded": "是否剔除"})
    q["是否剔除"] = q["是否剔除"].map({True: "剔除", False: "保留（仅标记）"})
    return q.reset_index(drop=True)


def quality_summary_table(r: Responses) -> pd.DataFrame:
    s = r.quality_summary()
    return pd.DataFrame({"原因": s["label"], "标记份数": s["n_flagged"],
                         "是否剔除": s["excludes"].map({True: "剔除", False: "仅标记"})})


def write_quality_workbook(r: Responses, path: str | Path) -> Path:
    """质量检查.xlsx: recognition, summary and the flagged responses (text written as text)."""
    from openpyxl import Workbook
    from openpyxl.styles import Border, Font, Side

    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin")
    for title, df in (("识别结果", recognition_table(r)), ("质量汇总", quality_summary_table(r)),
                      ("标记答卷", quality_table(r))):
        ws = wb.create_sheet(title)
        ws.append(list(df.columns))
        for row in df.itertuples(index=False):
            ws.append([_safe(v) for v in row])
        for c in ws[1]:
            c.font = Font(bold=True)
            c.border = Border(top=thin, bottom=thin)
        for c in ws[ws.max_row]:
            c.border = Border(bottom=thin)
        for col in ws.columns:
            width = max(len(str(c.value or "")) for c in col)
            ws.column_dimensions[col[0].column_letter].width = min(60, max(10, width * 1.6))
    import datetime as dt
    fixed = dt.datetime(2000, 1, 1)
    wb.properties.created = wb.properties.modified = fixed
    wb.save(path)
    return path


def _safe(v):
    """Text that Excel would read as a formula is written as text."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v
    if v is pd.NA or (isinstance(v, float) and pd.isna(v)):
        return None
    if hasattr(v, "item"):
        return v.item()
    return v
