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
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .indicators import Assessment, assess, load_method, read_indicators

__all__ = ["BatchResult", "assess_batch", "league_table", "run_batch"]


@dataclass
class BatchResult:
    assessments: dict[str, Assessment]
    league: pd.DataFrame
    unit: str = "单位"


def _sheet_names(path: Path) -> list[str]:
    import fastexcel

    from .errors import ProjectError

    try:
        return list(fastexcel.read_excel(str(path)).sheet_names)
    except Exception as exc:  # fastexcel's own error types for damaged files
        raise ProjectError(f"无法读取批量工作簿 ({type(exc).__name__})", path=path) from None


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


def _safe_name(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|]', "_", name).strip() or "unit"


def run_batch(proj, out_dir: str | Path, progress: bool = True) -> BatchResult:
    """Score every unit of the project's batch workbook and write, per unit,
    ``units/<name>/自评表.xlsx``, ``自评报告.docx`` and ``summary.json``, plus ``排名.xlsx``."""
    from tqdm.auto import tqdm

    from .errors import ProjectError
    from .selfassessment import build_summary, write_self_report, write_self_table, write_summary
    from .tables import write_workbook

    spec = proj.batch
    if not spec:
        raise ProjectError("project.yml 没有 batch:（批量工作簿）", path=proj.root / "project.yml")
    workbook, unit = proj.root / spec["workbook"], spec.get("unit", "单位")
    out = Path(out_dir)
    assessments = assess_batch(workbook, proj.method)
    inputs = {str(p.relative_to(proj.root)): p for p in proj.input_files()}
    for name, a in tqdm(assessments.items(), desc="逐单位写出", disable=not progress):
        folder = out / "units" / _safe_name(name)
        folder.mkdir(parents=True, exist_ok=True)
        title = f"{name}{proj.extra.get('report_title') or proj.title}"
        write_self_table(a, folder / "自评表.xlsx", title=title)
        write_self_report(a, folder / "自评报告.docx", project_title=title,
                          organisation=name, period=proj.period)
        write_summary(build_summary(a, project=f"{proj.name}/{name}", title=title, inputs=inputs,
                                    synthetic=proj.synthetic), folder / "summary.json")
    league = league_table(assessments, unit)
    write_workbook({"排名": league_display(league, unit)}, out / "排名.xlsx")
    return BatchResult(assessments=assessments, league=league, unit=unit)
