"""Many units at once: one workbook, one sheet per unit (village, branch), scored with one
method; one 自评表.xlsx, 自评报告.docx and summary.json per unit, and a league table.

``batch:`` in project.yml::

    batch:
      workbook: villages.xlsx   # one sheet per unit; the sheet name is the unit's name
      unit: 村                  # what a unit is called in the league table (default 单位)

The batch calls the kit's functions directly (no notebook per unit). Ranks use competition
ranking (1, 2, 2, 4) on the exact totals each unit's 自评表 prints (sums of scores rounded half
up once): units whose printed totals are equal are tied, share a rank, and the table says so.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .indicators import Assessment, assess, load_method, read_indicators

__all__ = ["BatchResult", "assess_batch", "league_table", "run_batch", "unit_folders", "UNIT_FILES"]

UNIT_FILES = ("自评表.xlsx", "自评报告.docx", "summary.json")


@dataclass
class BatchResult:
    assessments: dict[str, Assessment]
    league: pd.DataFrame
    unit: str = "单位"
    folders: dict[str, str] = field(default_factory=dict)  # unit -> units/<folder>


def _sheet_names(path: Path) -> list[str]:
    from .io.table import sheet_names

    return sheet_names(path)  # a damaged workbook is an ExportFormatError naming the file


def assess_batch(workbook: str | Path, method_path: str | Path) -> dict[str, Assessment]:
    """Score every sheet of ``workbook`` (one unit per sheet) against the method."""
    from .indicators import sheet_label

    workbook = Path(workbook)
    method = load_method(method_path)
    out = {}
    for name in _sheet_names(workbook):
        out[name] = assess(read_indicators(workbook, sheet=name), method,
                           source=sheet_label(workbook, name))
    return out


def league_table(assessments: dict[str, Assessment], unit: str = "单位") -> pd.DataFrame:
    """Units ranked by total (highest first); ties share the rank (competition ranking: one
    plus the number of units with a higher total). Totals are exact Decimals, compared as
    such: no tolerance is needed, and none is used."""
    rows = []
    for name, a in assessments.items():
        row = {unit: name, "total": a.total, "grade": a.grade or "不予评级"}
        for s in a.sections:
            row[s["name"]] = s["score"]
        row["note"] = a.grade_note
        rows.append(row)
    t = pd.DataFrame(rows)
    first: dict = {}
    for k, x in enumerate(sorted(t["total"], reverse=True), start=1):
        first.setdefault(x, k)
    t["rank"] = [first[x] for x in t["total"]]
    t["tied"] = t["rank"].duplicated(keep=False)
    t = t.sort_values(["rank", unit], kind="stable").reset_index(drop=True)
    cols = ["rank", unit, "total", "grade", *[c for c in t.columns
                                             if c not in ("rank", unit, "total", "grade", "tied", "note")],
            "tied", "note"]
    return t[cols]


def league_display(t: pd.DataFrame, unit: str = "单位") -> pd.DataFrame:
    """The league table for people: 名次 (并列 stated), scores rounded half up."""
    from .fmt import fmt_points as _score

    out = pd.DataFrame({"名次": [f"{r}（并列）" if tied else str(r) for r, tied in zip(t["rank"], t["tied"])],
                        unit: t[unit], "总分": t["total"].map(_score), "等级": t["grade"]})
    for c in t.columns:
        if c not in ("rank", unit, "total", "grade", "tied", "note"):
            out[c] = t[c].map(_score)
    out["说明"] = t["note"]
    return out


_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}


def _safe_name(name: str) -> str:
    """The folder name of a unit: characters Windows forbids and control characters replaced,
    spaces and dots trimmed at both ends (Windows drops them)."""
    s = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]', "_", unicodedata.normalize("NFC", str(name)))
    return s.strip(" .\t\u3000")


def unit_folders(names, workbook: str | Path | None = None) -> dict[str, str]:
    """Each unit's folder under ``units/``. Two sheets that would share a folder (names that
    differ only by spaces at the end, by ``<>|:*?`` or by letter case) and names that make no
    folder (``..``, ``CON``) are refused, naming the sheets.

    >>> unit_folders(["东湖村", "西湖村"])
    {'东湖村': '东湖村', '西湖村': '西湖村'}
    """
    from .errors import ProjectError

    out: dict[str, str] = {}
    seen: dict[str, str] = {}
    for name in names:
        folder = _safe_name(name)
        if not folder or folder.split(".")[0].upper() in _RESERVED:
            raise ProjectError(f"工作表「{name}」的名称不能用作单位文件夹名（不能为空，不能全是点或空格，"
                               "不能是 CON、NUL 等系统保留名）：请在工作簿中改名", path=workbook)
        key = folder.casefold()
        if key in seen:
            raise ProjectError(f"工作表「{seen[key]}」与「{name}」会写入同一个单位文件夹 units/{folder}/"
                               "（名称只差末尾空格、大小写或 \\/:*?\"<>| 等不能用于文件名的字符），"
                               "一个单位的结果会覆盖另一个：请在工作簿中把其中一个改名", path=workbook)
        seen[key] = name
        out[name] = folder
    return out


def run_batch(proj, out_dir: str | Path, progress: bool = True) -> BatchResult:
    """Score every unit of the project's batch workbook and write, per unit,
    ``units/<name>/自评表.xlsx``, ``自评报告.docx`` and ``summary.json``, plus ``排名.xlsx``."""
    from tqdm.auto import tqdm

    from .errors import ProjectError
    from .selfassessment import build_summary, write_self_report, write_self_table, write_summary
    from .tables import write_tables

    spec = proj.batch
    if not spec:
        raise ProjectError("project.yml 没有 batch:（批量工作簿）", path=proj.root / "project.yml")
    workbook, unit = proj.root / spec["workbook"], spec.get("unit", "单位")
    out = Path(out_dir)
    folders = unit_folders(_sheet_names(workbook), workbook)  # before anything is scored or written
    assessments = assess_batch(workbook, proj.method)
    from .report import input_names

    inputs = input_names(proj)
    for name, a in tqdm(assessments.items(), desc="逐单位写出", disable=not progress):
        folder = out / "units" / folders[name]
        folder.mkdir(parents=True, exist_ok=True)
        title = f"{name}{proj.extra.get('report_title') or proj.title}"
        write_self_table(a, folder / "自评表.xlsx", title=title)
        write_self_report(a, folder / "自评报告.docx", project_title=title,
                          organisation=name, period=proj.period)
        write_summary(build_summary(a, project=f"{proj.name}/{name}", title=title, inputs=inputs,
                                    synthetic=proj.synthetic), folder / "summary.json")
    league = league_table(assessments, unit)
    write_tables({"排名": league_display(league, unit)}, out / "排名.xlsx",
                 f"{proj.extra.get('report_title') or proj.title}", titles={"排名": f"{unit}得分排名"})
    return BatchResult(assessments=assessments, league=league, unit=unit,
                       folders={n: f"units/{f}" for n, f in folders.items()})
