"""What ``kit report`` says when it ends: the headline figures, the warnings and, last, the
folder and the files written, in Chinese; and which notebooks a project is not ready for yet.

The figures are the report's own: the survey is loaded and analysed with the same functions
and the same codebook as notebook 02, and the self-assessment read from the ``summary.json``
that notebook 03 wrote, so the summary cannot contradict the documents.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .errors import KitError
from .paths import display_path

__all__ = ["summary_lines", "pending_notebooks", "notebook_title"]

MAX_WARNINGS = 6


def notebook_title(name: str) -> str:
    """A notebook's title (its first heading, without the number): 「数据载入与质量检查」."""
    from .paths import ROOT

    try:
        nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown":
                first = "".join(cell["source"]).strip().splitlines()[0]
                return first.lstrip("# ").split(" ", 1)[-1].strip()
    except (OSError, ValueError, KeyError, IndexError):
        pass
    return name


def _blank_template(path: Path) -> bool:
    """An indicator workbook with nothing filled in below the first-level labels."""
    from .io.table import read_table

    try:
        raw = read_table(path)
    except KitError:
        return False
    body = raw.body
    if len(body.columns) < 2:
        return False
    rest = body.iloc[:, 1:]
    return bool(rest.isna().all().all()) or bool(
        rest.astype(str).apply(lambda c: c.str.strip().isin(["", "nan", "None"])).all().all())


def pending_notebooks(proj) -> dict[str, str]:
    """Notebooks of ``proj`` to leave out of this run, with the reason: the self-assessment
    while its indicator workbook is still the blank template (so a project that
    ``kit init-indicators`` just prepared still runs its survey notebooks)."""
    out = {}
    if "03_self_assessment" in proj.notebooks and proj.indicators is not None \
            and _blank_template(proj.indicators):
        out["03_self_assessment"] = (f"指标表 {proj.indicators.name} 还没有填写指标，本次没有生成自评表和自评报告；"
                                     "在 Excel 中逐行填写最末级指标后重新运行 make report")
    return out


def _files(out_dir: Path) -> list[str]:
    groups: dict[str, list[str]] = {"Word 文档": [], "Excel 工作簿": [], "图表": [], "笔记本": [], "其他": []}
    for p in sorted(out_dir.rglob("*")):
        if not p.is_file() or p.name.startswith("."):
            continue
        kind = {".docx": "Word 文档", ".xlsx": "Excel 工作簿", ".png": "图表", ".ipynb": "笔记本"}.get(
            p.suffix.lower(), "其他")
        groups[kind].append(p.relative_to(out_dir).as_posix())
    lines = []
    for kind, names in groups.items():
        if not names:
            continue
        if kind == "图表":
            lines.append(f"  图表：{len(names)}张（figures/）")
        elif kind == "笔记本":
            lines.append(f"  笔记本（含全部表格，可在 JupyterLab 中打开或导出为 HTML）：{'、'.join(names)}")
        else:
            lines.append(f"  {kind}：{'、'.join(names)}")
    return lines


PLACEHOLDER = re.compile(r"【请填写[^【】]*】")
# where a placeholder the kit writes is filled in: the project.yml key it comes from
PLACEHOLDER_KEYS = [(re.compile(r"项目名称"), "title"), (re.compile(r"组织单位"), "organisation"),
                    (re.compile(r"调查对象|参加测评人员"), "survey: respondents"),
                    (re.compile(r"抽样方法"), "survey: sampling"), (re.compile(r"^\w{2}方式$"), "survey: mode")]


def placeholder_key(text: str) -> str | None:
    """The project.yml key that fills a placeholder, if the kit writes it from one.

    >>> placeholder_key("【请填写：抽样方法（怎样选出受访者）】"), placeholder_key("【请填写：测评方式】")
    ('survey: sampling', 'survey: mode')
    >>> placeholder_key("【请填写：年度】") is None
    True
    """
    what = re.sub(r"（[^（）]*）$", "", text.removeprefix("【请填写：").removesuffix("】"))
    return next((key for pat, key in PLACEHOLDER_KEYS if pat.search(what)), None)


def document_placeholders(path: Path) -> list[str]:
    """The 【请填写…】 placeholders in a written .docx, in order, each once: read from the file
    itself (body, tables, headers and footers), each paragraph's runs joined first."""
    import zipfile

    from docx.oxml.ns import qn
    from lxml import etree

    found: list[str] = []
    try:
        with zipfile.ZipFile(path) as z:
            parts = [n for n in z.namelist() if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)]
            for name in sorted(parts, key=lambda n: n != "word/document.xml"):
                root = etree.fromstring(z.read(name))
                for p in root.iter(qn("w:p")):
                    found += PLACEHOLDER.findall("".join(t.text or "" for t in p.iter(qn("w:t"))))
    except (OSError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return []
    return list(dict.fromkeys(found))


def _placeholder_warnings(out_dir: Path) -> list[str]:
    """One 提醒 per set of placeholders left in the documents written (a batch's units with the
    same ones said once): which, and where to fill them."""
    groups: dict[tuple, list[str]] = {}
    for doc in sorted(out_dir.rglob("*.docx")):
        if not doc.name.startswith(("~$", ".")):
            left = document_placeholders(doc)
            if left:
                groups.setdefault((doc.name, tuple(left)), []).append(doc.relative_to(out_dir).as_posix())
    out = []
    for (_, left), docs in groups.items():
        keys = list(dict.fromkeys(k for k in map(placeholder_key, left) if k))
        rest = sum(placeholder_key(x) is None for x in left)
        where = f"在 project.yml 中填写 {'、'.join(keys)} 后重新运行 make report" if keys else ""
        where += ("，其余" if keys else "请") + "在 Word 中直接填写" if rest else ""
        files = docs[0] + (f" 等{len(docs)}个文件" if len(docs) > 1 else "")
        out.append(f"{files} 中还有待填写的内容：{'、'.join(left)}；{where}。")
    return out


def _collapse(warnings: list[str], at: int = 3) -> list[str]:
    """Warnings that differ only in the names and numbers they quote (the same caveat for many
    group-by-item tables) said once, with how many there are."""
    shape = [re.sub(r"「[^」]*」|\d+(?:\.\d+)?|（如[^）]*）", "…", w) for w in warnings]
    out, done = [], set()
    for w, k in zip(warnings, shape):
        n = shape.count(k)
        if n < at:
            out.append(w)
        elif k not in done:
            done.add(k)
            out.append(f"{w}（同类提醒共{n}条，详见笔记本和工作簿）")
    return out


def summary_lines(project, out_dir) -> list[str]:
    """The closing summary of a ``kit report`` run."""
    from . import analyse_satisfaction
    from .guide import awareness_items, satisfaction_items
    from .project import load_project

    proj = load_project(project)
    out_dir = Path(out_dir)
    lines = [""]
    figures, warnings = [], []
    if proj.synthetic:
        warnings.append("本项目的数据为合成数据（project.yml 中写有 synthetic: true），仅供演示。")
    if proj.waves:
        r = proj.load()
        label = proj.current_wave.label or proj.current_wave.id
        figures.append(("问卷调查" if label == "问卷调查" else f"问卷调查（{label}）") + f"：{r.exclusion_sentence()}")
        qn = proj.questionnaire
        if satisfaction_items(qn) or awareness_items(qn):
            res = analyse_satisfaction(r, target=proj.targets.get("overall_satisfied"), rank_tests=False)
            said = [s for s in res.sentences[1:] if s not in res.warnings]
            figures += said[:4]
            if len(res.items) and res.overall.get("source") != "item":
                figures.append(f"满意度题{len(res.items)}道；没有标为总体满意度（用途“总体满意度”）的题，"
                               "报告不给出总体满意率。")
            warnings += res.warnings
        else:
            written = [p.name for p in sorted(out_dir.glob("*")) if p.suffix.lower() in (".docx", ".xlsx")
                       and not p.name.startswith(("~$", "."))]
            warnings.append("问卷定义中没有满意度题或知晓题，没有计算满意率和知晓率；本次写出了"
                            + ("、".join(written) if written else "笔记本") + "。要计算满意率，运行 make check "
                            "看每道题为什么没有计入、怎样修改。")
    summary = out_dir / "summary.json"
    if summary.exists() and "03_self_assessment" in proj.notebooks:
        try:
            sa = json.loads(summary.read_text(encoding="utf-8")).get("self_assessment")
        except ValueError:
            sa = None
        if sa:
            from .fmt import fmt_points

            figures.append(f"绩效自评：总分{fmt_points(sa['total_points'])}分，自评得分{fmt_points(sa['total'])}分，"
                           f"评价等级{sa.get('grade') or '不予评级'}。")
    from .newproject import missing_notebooks

    first = [f"未运行 {name}：{why}。" for name, why in pending_notebooks(proj).items()]
    first += [f"本项目的内容还支持 {name}（{what}），但 project.yml 的 notebooks: 中没有它。"
              for name, what in missing_notebooks(proj)]
    warnings = first + _placeholder_warnings(out_dir) + warnings
    if figures:
        lines.append("主要数字：")
        lines += [f"  {f}" for f in figures]
    warnings = _collapse(warnings)
    if warnings:
        lines.append("提醒：")
        lines += [f"  {w}" for w in warnings[:MAX_WARNINGS]]
        if len(warnings) > MAX_WARNINGS:
            lines.append(f"  ……另有{len(warnings) - MAX_WARNINGS}条提醒，见各笔记本和工作簿。")
    # last, where the files are: what the user opens next
    return lines + [f"报告已生成：{display_path(out_dir)}/"] + _files(out_dir)
