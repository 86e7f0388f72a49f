"""``kit new``: a survey project folder from downloaded exports, ready for ``kit report``.

``kit new NAME EXPORT [EXPORT ...] [--indicators FILE]`` (``make new NAME=… EXPORT=…``):

1. reads every export (a folder stands for the files in it) and groups them into survey
   waves: a 问卷星 按文本 / 按序号 pair with the same 序号 (and the same questions) is one wave,
   joined on 序号; a 按分数 download of the same answers is left aside (kit uses 按文本 +
   按序号); downloads of different surveys or years are separate waves, ordered by their
   submission times (without times: in the order given, and said so);
2. copies them to ``raw/`` unchanged and read-only, and records them in ``DATA_LOG.md``;
3. drafts ``questionnaire.yml`` from the current (last) wave, proposes the profile questions
   (性别, 年龄, 乡镇, 村, 身份 …) as grouping fields, and checks every wave loads with it;
4. writes a minimal ``project.yml`` with comments in Chinese, valid against
   :class:`kit.definitions.ProjectSpec`, naming the notebooks the content supports
   (:func:`choose_notebooks`);
5. says what to review next.

``kit init-indicators --project`` and ``kit codebook import`` keep ``notebooks:`` in step with
the content through :func:`sync_notebooks` (adding, never removing).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .atomic import write_text
from .errors import ExportFormatError, KitError, ProjectError
from .paths import ROOT, display_path, resolve
from .privacy import mask_filename
from .runfolder import file_sha256

__all__ = ["new_project", "plan_waves", "choose_notebooks", "sync_notebooks", "attach_indicators",
           "missing_notebooks", "project_folder",
           "Download", "WavePlan", "NewProject", "EXPORT_SUFFIXES", "NOTEBOOK_RULES"]

EXPORT_SUFFIXES = (".xlsx", ".xls", ".xlsm", ".csv")
VARIANT_ZH = {"text": "按文本", "codes": "按序号", "scores": "按分数", "values": "数值"}
PLATFORM_ZH = {"wjx": "问卷星", "tencent": "腾讯问卷", "wenjuanwang": "问卷网", "kobo": "KoboToolbox",
               "qualtrics": "Qualtrics", "surveymonkey": "SurveyMonkey", "generic": "通用表格"}
TITLE_WANTED = "【请填写：项目名称】"
_NAME = re.compile(r"^[\w\-\u4e00-\u9fff]+$")


# ------------------------------------------------------------------------------ waves
@dataclass
class Download:
    """One file given to ``kit new``: a survey export (parsed) or an indicator workbook."""

    path: Path
    parsed: object | None = None   # kit.io.model.ParsedExport
    ids: frozenset | None = None   # 问卷星 序号
    titles: tuple = ()             # (question key, title) pairs
    times: tuple = ()              # submission times (sorted), when the export has them
    variant: str | None = None     # as downloaded (pairing later marks the parsed export "pair")

    def __post_init__(self):
        self.variant = self.variant or getattr(self.parsed, "variant", None)

    @property
    def shown(self) -> str:
        """The file name as messages and logs show it (a phone or a name in it masked)."""
        return mask_filename(self.path.name)

    @property
    def platform(self) -> str | None:
        return getattr(self.parsed, "platform", None)

    @property
    def n(self) -> int:
        return int(getattr(self.parsed, "n_rows", 0))

    def describe(self) -> str:
        fmt = PLATFORM_ZH.get(self.platform, self.platform or "")
        if self.platform == "wjx":
            fmt += " " + VARIANT_ZH.get(self.variant, self.variant or "")
        return f"{fmt}，{self.n}份答卷"


@dataclass
class WavePlan:
    """A survey wave: its export (the 按文本 file for 问卷星), the 按序号 twin, and the files
    holding the same answers in another format (not used)."""

    export: Download
    codes: Download | None = None
    same: list[Download] = field(default_factory=list)
    id: str = ""
    label: str = ""

    @property
    def start(self) -> dt.datetime | None:
        return self.export.times[0] if self.export.times else None

    @property
    def end(self) -> dt.datetime | None:
        return self.export.times[-1] if self.export.times else None


def collect_exports(items) -> list[Path]:
    """Files named on the command line; a folder stands for the exports directly in it
    (hidden files and Excel's ``~$`` lock files left out), sorted by name."""
    out: list[Path] = []
    for item in items:
        p = resolve(item)
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in EXPORT_SUFFIXES
                           and not f.name.startswith((".", "~$")))
            if not found:
                raise KitError(f"文件夹中没有问卷导出文件（{'、'.join(EXPORT_SUFFIXES)}）；请把问卷星等平台下载的"
                               "文件放进去，或直接写文件名", path=p)
            out += found
        elif p.exists():
            out.append(p)
        else:
            raise KitError("文件不存在；请检查文件名（相对路径从仓库根目录算起），文件名含空格时请加引号", path=item)
    if not out:
        raise KitError("没有给出问卷导出文件：make new NAME=项目名 EXPORT=文件或文件夹")
    dup = sorted({p.name for p in out if [q.name for q in out].count(p.name) > 1})
    if dup:
        raise KitError(f"有同名的文件：{'、'.join(dup)}；它们都要复制到 raw/，请先改名其中一个")
    return list(dict.fromkeys(out))


def looks_like_indicators(path: Path) -> bool:
    """An indicator workbook (自评指标表): its header names 一级指标 and 分值 or 评分方法."""
    from .io.table import read_table

    try:
        raw = read_table(path)
    except KitError:
        return False
    head = {re.sub(r"\s+", "", str(h)) for row in raw.header for h in row}
    return "一级指标" in head and bool(head & {"分值", "评分方法", "权重"})


def read_download(path: Path) -> Download:
    """Parse one export (an error names the file when it is neither an export nor an
    indicator workbook)."""
    from .io import parse_export
    from .io.times import parse_times
    from .questionnaire import normalise_title

    parsed = parse_export(path)
    # question number -> title (None for option columns, whose 按序号 header has no title)
    d = Download(path, parsed, titles=tuple(
        (q.key, None if q.structure == "options" else normalise_title(q.title)) for q in parsed.questions))
    rid = parsed.meta.get("response_id")
    if parsed.platform == "wjx" and rid is not None:
        import pandas as pd

        num = pd.to_numeric(rid, errors="coerce")
        if num.notna().all():
            d.ids = frozenset(int(x) for x in num)
    sub = parsed.meta.get("submitted_at")
    if sub is not None:
        t = parse_times(sub)[0].dropna()
        if len(t) and t.dt.tz is not None:
            t = t.dt.tz_localize(None)
        d.times = tuple(sorted(t.dt.to_pydatetime())) if len(t) else ()
    return d


def _same_answers(a: Download, b: Download) -> bool:
    """Two 问卷星 downloads of the same responses (按文本/按序号/按分数 of one survey)."""
    if a.platform != "wjx" or b.platform != "wjx" or a.ids is None or a.ids != b.ids:
        return False
    ta, tb = dict(a.titles), dict(b.titles)
    if set(ta) != set(tb) or any(ta[k] and tb[k] and ta[k] != tb[k] for k in ta):
        return False
    return not (a.times and b.times and a.times != b.times)


_RANK = {"text": 0, "codes": 1, "scores": 2}


def plan_waves(downloads: list[Download]) -> tuple[list[WavePlan], list[str]]:
    """Group downloads into waves and order them (see the module docstring); notes say what
    was decided and why."""
    notes: list[str] = []
    groups: list[list[Download]] = []
    for d in downloads:
        for g in groups:
            if _same_answers(g[0], d):
                g.append(d)
                break
        else:
            groups.append([d])
    waves = []
    for g in groups:
        g = sorted(g, key=lambda d: _RANK.get(d.variant, 3))
        w = WavePlan(export=g[0])
        rest = g[1:]
        if w.export.variant == "text":
            twin = next((d for d in rest if d.variant == "codes"), None)
            if twin is not None:
                w.codes = twin
                rest.remove(twin)
                notes.append(f"{twin.shown} 与 {w.export.shown} 的序号和题目相同：按“序号”逐份配对为同一轮"
                             "调查（按文本给选项文字，按序号给编码）")
        for d in rest:
            w.same.append(d)
            notes.append(f"{d.shown} 与 {w.export.shown} 是同一批答卷的另一种下载格式"
                         f"（{VARIANT_ZH.get(d.variant, d.variant)}），已复制到 raw/ 但不使用")
        if w.export.platform == "wjx" and w.codes is None and w.export.variant == "text":
            notes.append(f"{w.export.shown} 只有“按文本”文件：选项编码按出现顺序推定；最好在问卷星同时下载"
                         "“按序号”文件一起给出")
        waves.append(w)
    if len(waves) > 1:
        if all(w.start for w in waves):
            waves.sort(key=lambda w: w.start)
            notes.append("各轮调查按提交答卷时间排序：" + "；".join(
                f"{w.export.shown}（{w.start:%Y-%m-%d}起）" for w in waves) + "；最后一轮为本轮（当前）")
        else:
            notes.append("无法从提交答卷时间判断各轮先后，按给出的顺序排列："
                         + "、".join(w.export.shown for w in waves)
                         + "；最后一轮为本轮（当前）。顺序不对时请调整 project.yml 中 waves: 的顺序")
    years = [w.start.year if w.start else None for w in waves]
    distinct = None not in years and len(set(years)) == len(years)
    for i, w in enumerate(waves, start=1):
        if distinct:
            w.id, w.label = f"w{years[i - 1]}", f"{years[i - 1]}年调查"
        else:
            w.id = f"w{i}"
            w.label = f"第{i}轮调查" if len(waves) > 1 else "问卷调查"
    return waves, notes


# ------------------------------------------------------------------------------ notebooks
def _has_items(qn) -> bool:
    from .guide import awareness_items, satisfaction_items

    return qn is not None and bool(satisfaction_items(qn) or awareness_items(qn))


# (notebook stem or prefix, what it needs, why in Chinese): the content that makes a notebook
# worth running. A notebook not in notebooks/ is skipped, so the list may name future ones.
NOTEBOOK_RULES = [
    ("01_load_and_check", lambda c: c["waves"] >= 1, "数据载入与质量检查"),
    ("02_satisfaction", lambda c: c["waves"] >= 1 and c["items"], "满意度与知晓率"),
    ("03_self_assessment", lambda c: c["indicators"], "绩效自评：自评表与自评报告"),
    ("04_before_after", lambda c: c["waves"] >= 2 and c["items"], "两轮调查前后对比"),
    ("07_", lambda c: c["waves"] >= 1, "逐题统计"),
]


def _available() -> list[str]:
    return sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))


def choose_notebooks(qn, n_waves: int, has_indicators: bool) -> list[tuple[str, str]]:
    """(notebook, what it gives) for the content: the survey's waves → 01 (and any 07
    question-by-question notebook); satisfaction or awareness items → 02; an indicator
    workbook → 03; two waves with such items → 04."""
    content = {"waves": n_waves, "items": _has_items(qn), "indicators": has_indicators}
    have = _available()
    out = []
    for stem, needs, what in NOTEBOOK_RULES:
        if not needs(content):
            continue
        for name in have:
            if name == stem or (stem.endswith("_") and name.startswith(stem)):
                out.append((name, what))
    return out


def missing_notebooks(proj) -> list[tuple[str, str]]:
    """Notebooks a loaded project's content supports that its ``notebooks:`` does not list."""
    wanted = choose_notebooks(proj.questionnaire, len(proj.waves), proj.indicators is not None)
    return [(n, w) for n, w in wanted if n not in proj.notebooks]


_NB_BLOCK = re.compile(r"^notebooks:[ \t]*(?:#[^\n]*)?\n((?:[ \t]+-[^\n]*\n|[ \t]+#[^\n]*\n)*)", re.M)
_NB_FLOW = re.compile(r"^notebooks:[ \t]*\[([^\]\n]*)\][^\n]*\n", re.M)


def sync_notebooks(project: str | Path) -> list[str]:
    """Add to ``notebooks:`` in project.yml the notebooks the project's content now supports
    (e.g. 02 once the codebook marks satisfaction items), keeping its comments and the
    notebooks already listed; returns the notebooks added (none when the key is not in a
    form that can be edited safely, then nothing is written)."""
    from .definitions import read_yaml
    from .questionnaire import load_questionnaire

    root = resolve(project)
    pfile = root / "project.yml"
    d = read_yaml(pfile, ProjectError) or {}
    if not isinstance(d, dict):
        return []
    qn = None
    if d.get("questionnaire"):
        try:
            qn = load_questionnaire(root / str(d["questionnaire"]))
        except KitError:
            return []
    wanted = choose_notebooks(qn, len(d.get("waves") or []), bool(d.get("indicators")))
    listed = d.get("notebooks")
    if listed is None:
        listed = ["01_load_and_check"]
    if not isinstance(listed, list):
        return []
    listed = [str(x).removesuffix(".ipynb") for x in listed]
    missing = [(n, w) for n, w in wanted if n not in listed]
    if not missing:
        return []
    text = pfile.read_text(encoding="utf-8")
    order = [n for n, _ in wanted] + [n for n in listed if n not in [m for m, _ in wanted]]
    names = sorted(set(listed) | {n for n, _ in missing}, key=lambda n: (order.index(n), n))
    what = dict(wanted)
    block = "notebooks:\n" + "".join(f"  - {n}" + (f"  # {what[n]}" if n in what else "") + "\n"
                                      for n in names)
    m = _NB_BLOCK.search(text) or _NB_FLOW.search(text)
    if m is None:
        if "notebooks" in d:
            return []
        new = text.rstrip("\n") + "\n" + block
    else:
        new = text[:m.start()] + block + text[m.end():]
    check = yaml.safe_load(new)
    if [str(x) for x in check.get("notebooks", [])] != names:
        return []
    write_text(pfile, new)
    return [n for n, _ in missing]


# ------------------------------------------------------------------------------ writing
def _y(v) -> str:
    """A YAML scalar, quoted where needed."""
    return yaml.safe_dump(v, allow_unicode=True, default_flow_style=True, width=10_000).strip() \
        .removesuffix("...").strip()


def _copy_read_only(src: Path, dest: Path, force: bool) -> None:
    if dest.exists():
        if file_sha256(dest) == file_sha256(src):
            return
        if not force:
            raise KitError("raw/ 中已有同名但内容不同的文件；原始数据不会被覆盖。请换一个项目名称，或加 --force",
                           path=dest)
        dest.unlink()
    shutil.copyfile(src, dest)
    os.chmod(dest, 0o444)


def _draft_header(groups: list[str], overall: str | None) -> str:
    """What kit new adds to the draft, said at its top (the draft's own checks follow)."""
    lines = []
    if groups:
        lines.append(f"# kit new 推定的分组字段 groups（样本特征题）：{'、'.join(groups)}；不需要分组比较时删去。")
    if overall:
        lines.append(f"# kit new 推定的总体满意度题 (role: overall，题干含“总体/整体”)：{overall}；不对时删去该题的 role。")
    return "".join(line + "\n" for line in lines)


def _period(waves: list[WavePlan]) -> str:
    last = waves[-1] if waves else None
    return f"{last.start.year}年度" if last and last.start else ""


def project_yml_text(title: str, waves: list[WavePlan], notebooks: list[tuple[str, str]],
                     indicators: str | None = None, method: str | None = None, period: str = "",
                     questionnaire: bool = True) -> str:
    """A minimal project.yml with comments in Chinese (every key as ProjectSpec reads it)."""
    out = [f"# 调查项目：由 kit new 于 {dt.date.today():%Y年%m月%d日} 创建。文件路径都相对于本文件夹。",
           "# 改完后运行 make check NAME=项目名 检查，make report NAME=项目名 生成报告。",
           f"title: {_y(title)}  # 项目名称，用作报告标题（如 2024年度xx镇党建引领基层治理群众满意度调查）",
           "organisation: \"\"  # 组织单位（评估单位），如 xx县委组织部：写入报告第一句和落款",
           f"period: {_y(period)}  # 评估期间，如 2024年度"]
    if questionnaire and waves:
        out += ["questionnaire: questionnaire.yml  # 问卷定义（make codebook 导出为 Excel 核对）",
                "# 调查轮次：最后一轮为本轮（当前）。问卷星的“按文本”“按序号”两个文件是同一轮，按“序号”配对。",
                "waves:"]
        for w in waves:
            out += [f"  - id: {w.id}", f"    label: {_y(w.label)}",
                    f"    export: {_y('raw/' + w.export.path.name)}  # {w.export.describe()}"]
            if w.codes is not None:
                out.append(f"    codes: {_y('raw/' + w.codes.path.name)}  # {w.codes.describe()}")
        out += ["# 调查概况（写入调查报告；空着时报告中留“【请填写：…】”，make report 最后会列出）：",
                "survey:",
                "  respondents: \"\"  # 调查对象，如 全镇12个村的村民",
                "  sampling: \"\"  # 抽样方法（怎样选出受访者），如 按村随机抽取农户",
                "  mode: \"\"  # 调查方式，如 入户面访、电话回访、问卷星线上填答",
                "# 满意率的目标（0–1 的比例，如县考评办法要求98%以上写 0.98）；报告据此判断是否达标：",
                "# targets:", "#   overall_satisfied: 0.9"]
    out += ["# 自评表表头（做绩效自评时去掉下面各行的 # 并填写）：", "# form:",
            "#   department: \"\"  # 主管部门，如 xx县委组织部",
            "#   implementer: \"\"  # 实施单位，如 xx县委组织部、各乡镇党委",
            "#   year: 2024  # 年度（不写时取 period）",
            "#   leader: \"\"  # 项目负责人", "#   finance_leader: \"\"  # 财务负责人"]
    if indicators:
        out += ["# 绩效自评：指标表（Excel，逐行填写最末级指标）与评价办法（分值、等级）",
                f"indicators: {_y(indicators)}", f"method: {_y(method or 'method.yml')}"]
    out.append("# 要运行的笔记本（make report 按顺序运行，输出到 reports/项目名/）：")
    out.append("notebooks:")
    out += [f"  - {n}  # {what}" for n, what in notebooks] or ["  - 01_load_and_check"]
    if waves:
        out.append("data_log: DATA_LOG.md  # 原始数据记录")
    return "\n".join(out) + "\n"


def _data_log(rows: list[tuple[Download, str]]) -> str:
    lines = ["# 数据记录（DATA_LOG）", "",
             "原始导出文件由 kit new 原样复制到 raw/，设为只读；kit 从不修改它们。来源路径未记录"
             "（其中可能有个人文件夹名）。", "",
             "| 文件 | 平台与格式 | 答卷数 | 提交答卷时间 | 用途 | SHA-256 |", "|---|---|---|---|---|---|"]
    for d, use in rows:
        span = (f"{d.times[0]:%Y-%m-%d} 至 {d.times[-1]:%Y-%m-%d}" if d.times else "（无）")
        lines.append(f"| raw/{d.shown} | {d.describe().rsplit('，', 1)[0]} | {d.n} | {span} | {use} | "
                     f"`{file_sha256(d.path)[:16]}…` |")
    lines += ["", f"创建：{dt.date.today():%Y-%m-%d}（kit new）", ""]
    return "\n".join(lines)


@dataclass
class NewProject:
    """What ``kit new`` made, and what to say about it."""

    root: Path
    waves: list[WavePlan]
    notebooks: list[tuple[str, str]]
    questionnaire: object | None
    notes: list[str]
    warnings: list[str]
    groups: list[str]
    indicators: Path | None = None
    overall: str | None = None
    pepper: str | None = None

    def lines(self) -> list[str]:
        from .guide import awareness_items, satisfaction_items

        rel, arg = display_path(self.root), make_arg(self.root)
        out = [f"已创建调查项目 {rel}/"]
        for w in self.waves:
            out.append(f"  调查轮次 {w.id}（{w.label}）：raw/{w.export.shown}（{w.export.describe()}）"
                       + (f" + raw/{w.codes.shown}（{VARIANT_ZH.get(w.codes.variant)}）" if w.codes else ""))
        if self.indicators:
            out.append(f"  绩效自评指标表：{self.indicators.name}；评价办法 method.yml（请核对分值与等级）")
        for n in self.notes:
            out.append(f"  说明：{n}")
        qn = self.questionnaire
        if qn is not None:
            sat, aware = satisfaction_items(qn), awareness_items(qn)
            out.append(f"  问卷定义 questionnaire.yml：{len(qn.questions)}道题；满意度题{len(sat)}道、知晓题{len(aware)}道"
                       + (f"、分组字段{len(self.groups)}个（{'、'.join(_named(qn, g) for g in self.groups)}）"
                          if self.groups else "")
                       + (f"；总体满意度题推定为 {_named(qn, self.overall)}" if self.overall else ""))
        out.append("  要运行的笔记本：" + "、".join(n for n, _ in self.notebooks))
        if self.pepper:
            out.append(f"  已为本项目生成哈希密钥 pepper（编号 {self.pepper}），只保存在本机：电话、IP 等按它加密。"
                       f"要在别的电脑上运行本项目，先用 .venv/bin/python -m kit pepper export {rel}"
                       "（Windows：python -m kit pepper export …）显示密钥，另行交给同事导入")
        for w in self.warnings:
            out.append(f"  注意：{w}")
        out.append("下一步：")
        steps = []
        if qn is not None:
            steps += [f"make codebook {arg}          导出问卷定义为 Excel（{rel}/问卷定义.xlsx），逐题核对："
                      "满意度题的题型选“量表题”、填分值、在满意项填“是”；总体满意度题的用途选“总体满意度”",
                      f"make codebook-import {arg}   把改好的工作簿读回 questionnaire.yml",
                      f"make check {arg}             看 kit 将如何使用每道题，以及还需要改什么"]
            if not _has_items(qn):
                steps[0] += "（目前还没有满意度题：报告照样有质量检查、逐题统计和调查报告，但不计算满意率）"
            steps.append(f"在 {rel}/project.yml 填写标题、组织单位、调查对象、抽样方法、调查方式（title、organisation、"
                         "survey:），它们写入调查报告；没有填写的在报告中留作【请填写：…】")
        if self.indicators is None:
            steps.append(f"（可选）make indicators {arg}  加上绩效自评指标表，生成自评表和自评报告（Word）")
        steps.append(f"make report {arg}            生成报告，写入 reports/{self.root.name}/")
        out += [f"  {i}. {s}" for i, s in enumerate(steps, start=1)]
        return out


def make_arg(root: Path) -> str:
    """How make names the project: NAME=… for surveys/<name>, PROJECT=… for any other folder."""
    if root.resolve() == (ROOT / "surveys" / root.name).resolve():
        return f"NAME={root.name}"
    return f"PROJECT={display_path(root)}"


def _named(qn, qid: str) -> str:
    q = qn.by_id().get(qid)
    return f"{qid} {q.title}" if q is not None else qid


def project_folder(name: str) -> Path:
    """surveys/<name> for a plain name; a path as given (relative to the repository root)."""
    name = str(name).strip()
    if not name:
        raise KitError("请给出项目名称：make new NAME=项目名 EXPORT=文件或文件夹")
    if "/" in name or os.sep in name:
        return resolve(name)
    if not _NAME.match(name):
        raise KitError(f"项目名称「{name}」只能用字母、数字、汉字、- 和 _（不能有空格），如 my-survey、2024满意度")
    return ROOT / "surveys" / name


def new_project(name: str, exports: list, indicators: str | Path | None = None,
                title: str | None = None, force: bool = False, pepper: bool = True) -> NewProject:
    """Create the project folder (see the module docstring). Nothing is written until every
    file has been read; a project folder that already has project.yml is refused unless
    ``force``. A survey project gets its own hashing key (``kit pepper new``) unless
    ``pepper`` is false."""
    from .guide import suggested_groups, suggested_overall
    from .io import load_export
    from .io.convert import draft_questionnaire
    from .io.draft import draft_yaml
    from .questionnaire import load_questionnaire

    root = project_folder(name)
    kept_pepper = None
    if (root / "project.yml").exists() and force:
        old = yaml.safe_load((root / "project.yml").read_text(encoding="utf-8", errors="replace"))
        kept_pepper = old.get("pepper") if isinstance(old, dict) else None
    if (root / "project.yml").exists() and not force:
        raise ProjectError("项目已存在；请换一个名称，或加 --force 重新生成 project.yml 和 questionnaire.yml", path=root / "project.yml")
    files = collect_exports(exports)
    downloads, workbooks = [], []
    for p in files:
        try:
            downloads.append(read_download(p))
        except ExportFormatError:
            if looks_like_indicators(p):
                workbooks.append(p)
                continue
            raise
    if indicators:
        workbooks.append(resolve(indicators))
    if len(workbooks) > 1:
        raise KitError("给出了多个指标表：" + "、".join(p.name for p in workbooks) + "；每个项目只用一个")
    if not downloads and not workbooks:
        raise KitError("没有可用的问卷导出文件或指标表")
    waves, notes = plan_waves(downloads)
    warnings: list[str] = []
    qn = groups = overall = None
    text, found_title = "", None
    if waves:
        cur = waves[-1]
        parsed = cur.export.parsed
        if cur.codes is not None:
            from .io import wjx

            parsed = wjx.pair_wjx(cur.export.parsed, cur.codes.parsed)
        draft = draft_questionnaire(parsed, title)   # the title in a 问卷星 file name, else none
        qn = draft.questionnaire
        found_title = qn.title
        qn.title = qn.title or root.name
        groups = suggested_groups(qn)
        qn.groups = list(groups)
        overall = suggested_overall(qn)
        if overall:
            qn.by_id()[overall].role = "overall"
        text = _draft_header(groups, overall) + draft_yaml(draft)
    root.mkdir(parents=True, exist_ok=True)
    raw = root / "raw"
    log_rows = []
    if downloads:
        raw.mkdir(exist_ok=True)
        for w in waves:
            for d, use in [(w.export, f"{w.id} 导出文件"), *([(w.codes, f"{w.id} 按序号")] if w.codes else []),
                           *[(d, f"{w.id} 同一批答卷的另一种格式（不使用）") for d in w.same]]:
                _copy_read_only(d.path, raw / d.path.name, force)
                log_rows.append((d, use))
                d.path = raw / d.path.name
        gi = root / ".gitignore"
        if not gi.exists():
            write_text(gi, "# 原始导出文件含个人信息（电话、IP等），默认不提交到 git；确需提交时删去下一行。\nraw/\n")
    book = None
    if workbooks:
        book = _attach_workbook(root, workbooks[0], force)
    if qn is not None:
        yml = root / "questionnaire.yml"
        write_text(yml, text)
        qn = load_questionnaire(yml)  # what the kit will read
        for w in waves:
            try:
                load_export(w.export.path, codes=w.codes.path if w.codes else None, questionnaire=qn)
            except KitError as exc:
                warnings.append(f"{w.id}（{w.export.shown}）与起草的问卷定义不一致：{exc}。两份问卷的题目不同"
                                "时不能放在同一个项目中，请分别用 make new 建两个项目")
        write_text(root / "DATA_LOG.md", _data_log(log_rows))
    notebooks = choose_notebooks(qn, len(waves), book is not None)
    # a folder name is no report title: without one in the file names, it is asked for
    pyml = project_yml_text(title or found_title or TITLE_WANTED, waves, notebooks,
                            indicators=book.name if book else None, period=_period(waves))
    pid = kept_pepper
    if pid is not None:  # a project made again keeps its key: earlier hashes still match
        pyml += f"# 哈希密钥 pepper 的编号（不是密钥本身）：沿用原来的项目\npepper: {pid}\n"
    write_text(root / "project.yml", pyml)
    if waves and pepper and pid is None:
        from .pepper import add_pepper

        pid = add_pepper(root / "project.yml")  # real answers: hashes keyed by the project's own key
    from .project import load_project

    load_project(root)  # the written project is valid, or this is a bug
    return NewProject(root, waves, notebooks, qn, notes, warnings, groups or [], book, overall, pid)


# ------------------------------------------------------------------------------ indicators
def _framework_of(path: Path) -> tuple[str, dict]:
    """The framework whose first-level indicators the workbook uses, else ("custom",
    sections with their points from 投入（15分）-style labels)."""
    from .indicators import FRAMEWORKS, _declared_points, _strip_points
    from .io.table import read_table

    raw = read_table(path)
    head = [re.sub(r"\s+", "", str(h)) for h in raw.header[-1]]
    if "一级指标" not in head:
        raise KitError("指标表中没有“一级指标”列；请用 make indicators 生成的模板填写", path=path)
    j = head.index("一级指标")
    labels = [str(v) for v in raw.body[j].dropna() if str(v).strip()]
    names = list(dict.fromkeys(_strip_points(x) for x in labels))
    for key, f in FRAMEWORKS.items():
        if names and set(names) == set(f["sections"]):
            return key, dict(f["sections"])
    points = {}
    for x in labels:
        p = _declared_points(x)
        if p is not None:
            points[_strip_points(x)] = float(p)
    if names and all(n in points for n in names):
        return "custom", {n: points[n] for n in names}
    raise KitError("无法从指标表的一级指标判断评价框架（" + "、".join(names or ["（没有一级指标）"]) + "）："
                   "请在一级指标后写明分值，如“投入（15分）”，或用 make indicators NAME=项目名 FRAMEWORK=2020 "
                   "生成模板", path=path)


def _attach_workbook(root: Path, workbook: Path, force: bool) -> Path:
    """Copy an indicator workbook into the project and write a method.yml for it."""
    from .selfassessment import method_yaml

    dest = root / workbook.name
    if dest.resolve() != workbook.resolve():
        if dest.exists() and not force:
            raise KitError("项目中已有同名的指标表；加 --force 覆盖", path=dest)
        shutil.copyfile(workbook, dest)
    meth = root / "method.yml"
    if not meth.exists() or force:
        framework, sections = _framework_of(dest)
        write_text(meth, method_yaml(framework, sections))
    return dest


def attach_indicators(project: str | Path, framework: str, force: bool = False) -> tuple[list[Path], list[str]]:
    """``kit init-indicators --project``: a blank indicator workbook and method.yml in the
    project folder, ``indicators:``/``method:`` added to its project.yml (which is created when
    the folder has none) and 03 to its notebooks. Returns (files written, notebooks added)."""
    from .selfassessment import write_indicator_template

    root = project_folder(str(project))
    root.mkdir(parents=True, exist_ok=True)
    pfile = root / "project.yml"
    paths = write_indicator_template(framework, root, force=force)
    if not pfile.exists():
        write_text(pfile, project_yml_text(root.name, [], [("03_self_assessment", "绩效自评：自评表与自评报告")],
                                            indicators=paths[0].name, method=paths[1].name,
                                            questionnaire=False))
        return paths + [pfile], ["03_self_assessment"]
    text = pfile.read_text(encoding="utf-8")
    d = yaml.safe_load(text) or {}
    for key, value in (("indicators", paths[0].name), ("method", paths[1].name)):
        if key in d and str(d[key]) != value:
            raise ProjectError(f"project.yml 中已有 {key}: {d[key]}；如要改用新生成的 {value}，请手动修改这一行",
                               path=pfile)
    add = [f"{k}: {v}" for k, v in (("indicators", paths[0].name), ("method", paths[1].name)) if k not in d]
    if add:
        text = text.rstrip("\n") + "\n# 绩效自评：指标表（Excel，逐行填写最末级指标）与评价办法（分值、等级）\n" \
            + "\n".join(add) + "\n"
        write_text(pfile, text)
    added = sync_notebooks(root)
    return paths + ([pfile] if add or added else []), added
