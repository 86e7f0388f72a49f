"""The start page (``notebooks/00_开始.ipynb``): which notebook for which task, and the survey
projects with links to their files and reports.

Links are relative to ``notebooks/`` (where JupyterLab opens the start notebook), so they work
in any copy of the repository.
"""

from __future__ import annotations

import json
from pathlib import Path

from .paths import ROOT

__all__ = ["NOTEBOOK_TASKS", "notebooks_markdown", "projects_markdown", "project_rows"]

# what each notebook is for, in the words of the task (a notebook not listed shows its title)
NOTEBOOK_TASKS = {
    "00_开始": "本页：用哪个笔记本做什么，各项目及其报告",
    "01_load_and_check": "读入问卷导出文件，识别每道题，检查数据质量（重复答卷、用时过短、同选一项），说明剔除了哪些、为什么",
    "02_satisfaction": "群众满意度、政策知晓率：各题满意率及置信区间、满意度指数、按乡镇/村/身份分组比较",
    "03_self_assessment": "项目绩效自评：按指标表和评价办法计分，写出自评表（Excel）和自评报告（Word）",
    "04_before_after": "前后对比：两轮调查、村级面板（有对照组时做双重差分）、分阶段目标完成情况",
    "05_appraisal_ledgers": "考核台账：党员积分、村干部季度绩效与报酬、星级评定、巡查排名",
    "06_appraisal_survey": "测评问卷：群众测评村干部（德能勤绩廉）、民主评议党员",
}


def _title(path: Path) -> str:
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown":
                return "".join(cell["source"]).strip().splitlines()[0].lstrip("# ").strip()
    except (OSError, ValueError, KeyError, IndexError):
        pass
    return path.stem


def _cell(text: str) -> str:
    return str(text).replace("|", "｜").replace("\n", " ")


def notebooks_markdown() -> str:
    """A Markdown table: each notebook (linked) and the task it is for."""
    rows = ["| 笔记本 | 做什么 |", "|---|---|"]
    for p in sorted((ROOT / "notebooks").glob("*.ipynb")):
        task = NOTEBOOK_TASKS.get(p.stem) or _title(p)
        rows.append(f"| [{_cell(_title(p))}]({p.name}) | {_cell(task)} |")
    return "\n".join(rows)


def project_rows(only: str | None = None) -> list[dict]:
    """One dict per project folder under ``surveys/`` (or only ``only``): name, title, what it
    holds, its notebooks and the documents in ``reports/<name>/``. A project whose project.yml
    cannot be read is listed with the reason (run ``make check`` for the full message)."""
    import yaml

    from .paths import resolve

    folders = [resolve(only)] if only else sorted(p.parent for p in (ROOT / "surveys").glob("*/project.yml"))
    out = []
    for root in folders:
        row = {"name": root.name, "folder": root, "title": "", "content": "", "notebooks": [],
               "reports": [], "problem": ""}
        try:
            d = yaml.safe_load((root / "project.yml").read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            row["problem"] = f"project.yml 无法读取（{type(exc).__name__}）"
            d = {}
        if isinstance(d, dict):
            row["title"] = str(d.get("title") or "")
            parts = []
            if d.get("waves"):
                parts.append(f"问卷调查{len(d['waves'])}轮")
            for key, what in (("indicators", "绩效自评"), ("panel", "村级面板"), ("staged_targets", "阶段目标"),
                              ("ledgers", "考核台账"), ("batch", "批量单位"), ("appraisal", "测评")):
                if d.get(key):
                    parts.append(what)
            row["content"] = "、".join(parts)
            row["notebooks"] = [str(n) for n in (d.get("notebooks") or [])]
            if d.get("synthetic"):
                row["content"] += "（合成数据）"
        rep = ROOT / "reports" / root.name
        if rep.is_dir():
            row["reports"] = sorted(p for p in rep.iterdir() if p.suffix in (".docx", ".xlsx"))
        out.append(row)
    return out


def _link(path: Path, text: str | None = None) -> str:
    import os

    rel = os.path.relpath(path, ROOT / "notebooks").replace(os.sep, "/")
    return f"[{_cell(text or path.name)}]({rel.replace(' ', '%20')})"


def projects_markdown(only: str | None = None) -> str:
    """A Markdown table of the survey projects with links to project.yml and their reports
    (``make report NAME=项目名`` writes them)."""
    rows = ["| 项目 | 名称 | 内容 | 报告（reports/项目名/） |", "|---|---|---|---|"]
    for r in project_rows(only):
        reports = "、".join(_link(p) for p in r["reports"]) or f"尚未生成：`make report NAME={r['name']}`"
        title = r["title"] or r["problem"]
        rows.append(f"| {_link(r['folder'] / 'project.yml', r['name'])} | {_cell(title)} | {_cell(r['content'])} | "
                    f"{reports} |")
    return "\n".join(rows)
