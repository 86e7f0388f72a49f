"""The codebook in Excel: ``kit codebook export`` and ``kit codebook import``.

An evaluator reviews a drafted ``questionnaire.yml`` more easily as a workbook: one row per
question, per answer option and per matrix row, with drop-down lists for the type, the use
(分组/总体满意度), personal fields and the yes/no columns. :func:`export_codebook` writes it
(through :mod:`kit.render`), :func:`import_codebook` reads it back and validates it with the same
model as ``questionnaire.yml`` (:class:`kit.definitions.QuestionnaireSpec`), every problem named
by sheet, row and column. The round trip is lossless: every key of the codebook has a column
(keys the workbook does not know by name get a column headed by the key, holding YAML), so
``import(export(q)) == q`` (``satisfied`` is kept in option order; its order carries no meaning).

Sheet 题目与选项 (one row each)::

    类别    题号  编号  题型    文字                 编码 分值 满意/知晓项 维度 反向计分 用途 分组顺序 个人信息 必答 方向 导出表头 提示
    题目    7     overall 量表题 您对……的总体满意程度                                总体满意度
    选项                         非常满意              5    5    是
    矩阵行        item_1         驻村工作队工作作风              工作成效

Sheet 问卷设置: the questionnaire's title, platform and quality rules (设置 / 值 / 说明).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import KitError, QuestionnaireError
from .guide import PERSONAL_ZH, ROLE_ZH, TYPE_ZH, question_uses
from .quality import REASON_LABELS
from .questionnaire import Questionnaire, dump_questionnaire, load_questionnaire, questionnaire_to_dict

__all__ = ["export_codebook", "import_codebook", "codebook_workbook", "read_codebook_workbook",
           "codebook_paths", "QUESTION_SHEET", "SETTINGS_SHEET", "DEFAULT_WORKBOOK"]

QUESTION_SHEET = "题目与选项"
SETTINGS_SHEET = "问卷设置"
HELP_SHEET = "填写说明"
DEFAULT_WORKBOOK = "问卷定义.xlsx"
KINDS = {"question": "题目", "option": "选项", "row": "矩阵行"}
DIRECTION_ZH = {"ascending": "越大越好", "descending": "越小越好"}
PLATFORM_ZH = {"wjx": "问卷星", "tencent": "腾讯问卷", "wenjuanwang": "问卷网", "kobo": "KoboToolbox",
               "qualtrics": "Qualtrics", "surveymonkey": "SurveyMonkey", "generic": "通用表格"}
YES = "是"


@dataclass(frozen=True)
class _Col:
    """A column of the question sheet: the codebook key it holds on each kind of row."""

    header: str
    keys: dict            # row kind -> key in questionnaire.yml
    how: str = "text"     # text | verbatim | int | number | bool | choice | order | lines | satisfied
    labels: dict | None = None   # code -> Chinese (choice columns)
    help: str = ""
    wide: bool = False

    @property
    def choices(self) -> tuple[str, ...]:
        if self.how == "choice":
            return tuple(self.labels.values())
        if self.how in ("bool", "satisfied"):
            return (YES,)
        return ()


def _kinds(*ks: str, key: str) -> dict:
    return {k: key for k in ks}


COLUMNS = [
    _Col("类别", {}, "kind", help="题目、选项或矩阵行；选项和矩阵行属于它上面最近的题目"),
    _Col("题号", _kinds("question", key="number"), "int", help="问卷中的题号（导出文件表头的数字）"),
    _Col("编号", {"question": "id", "row": "id"}, "text",
         help="题目或矩阵行的编号：英文字母、数字和下划线，不以数字开头（如 q7、item_1）；各不相同"),
    _Col("题型", _kinds("question", key="type"), "choice", TYPE_ZH,
         help="单选题、多选题、矩阵题、量表题（选项有分值的单选题）、填空题、排序题、是非题"),
    _Col("文字", {"question": "title", "option": "label", "row": "label"}, "verbatim",
         help="题目行：题干；选项行：选项文字；矩阵行：该行文字（须与导出文件一致）", wide=True),
    _Col("编码", _kinds("option", key="code"), "int", help="选项编码：导出文件“按序号”中的数字"),
    _Col("分值", _kinds("option", key="score"), "number",
         help="选项分值：量表题和矩阵题计算平均分、满意度指数用（如 非常不满意=1 … 非常满意=5）"),
    _Col("满意/知晓项", _kinds("option", key="satisfied"), "satisfied",
         help="选项行填“是”：该选项计为满意（量表题、矩阵题）或知晓（是非题）"),
    _Col("维度", _kinds("question", "row", key="dimension"), "text",
         help="满意度维度名称（如 工作成效）：同一维度的题目合并计算维度指数"),
    _Col("反向计分", _kinds("question", "row", key="reverse"), "bool",
         help="填“是”：反向表述的题或行，计分时翻转"),
    _Col("用途", _kinds("question", key="role"), "choice", ROLE_ZH,
         help="总体满意度：报告首句和自评指标“问卷:满意率”取自此题；分组、受访者编号（两轮配对）；"
              "样本基本情况：列入07笔记本的样本构成表"),
    _Col("分组顺序", {"question": "groups"}, "order",
         help="填 1、2、3…：按此题分组比较满意率的顺序（只用于单选题或是非题，如乡镇、村、身份）；留空不分组"),
    _Col("个人信息", _kinds("question", key="personal"), "choice", PERSONAL_ZH,
         help="电话、身份证号、姓名等：读入时加盐哈希，原文不进入任何输出"),
    _Col("必答", _kinds("question", key="required"), "bool", help="填“是”：未作答时标记为质量问题"),
    _Col("方向", _kinds("question", key="direction"), "choice", DIRECTION_ZH,
         help="分值越大越好（默认，可留空）或越小越好"),
    _Col("导出表头", _kinds("question", key="headers"), "lines",
         help="该题在导出文件中的其他写法，每行一个；用于匹配表头", wide=True),
]
HINT = "提示"   # informational, not read back: what the kit will do with the question now
_BY_KEY = {(kind, key): c for c in COLUMNS for kind, key in c.keys.items()}
# keys a row kind holds in named columns (a question's satisfied codes are marked on its options)
_KNOWN = {kind: {key for (k, key) in _BY_KEY if k == kind}
          | ({"options", "rows", "satisfied"} if kind == "question" else set()) for kind in KINDS}
_SETTINGS = [("问卷标题", "title", "问卷的标题"),
             ("平台", "platform", "导出文件来自哪个平台：" + "、".join(f"{v}（{k}）" for k, v in PLATFORM_ZH.items())),
             ("剔除的质量问题", "quality.exclude",
              "标记后剔除的问题，用顿号分隔；可选：" + "、".join(REASON_LABELS.values())),
             ("用时过短阈值（秒）", "quality.speeder_threshold_s", "答题用时低于此秒数为用时过短；留空为用时中位数的三分之一"),
             ("同选检测的最少矩阵行数", "quality.straight_lining_min_items", "矩阵题至少有这么多行时才检查各行选同一项")]


# ------------------------------------------------------------------------------ export
def _yaml_flow(v: Any) -> str:
    return yaml.safe_dump(v, allow_unicode=True, default_flow_style=True, width=10_000).strip() \
        .removesuffix("...").strip()


def _extra_columns(d: dict) -> list[str]:
    """Keys of the codebook the workbook has no named column for (added by a later version)."""
    keys: list[str] = []
    for q in d["questions"]:
        for kind, items in (("question", [q]), ("option", q.get("options", [])), ("row", q.get("rows", []))):
            for item in items:
                keys += [k for k in item if k not in _KNOWN[kind] and k not in keys]
    return keys


def _cell(col: _Col, kind: str, item: dict, groups: list[str]):
    key = col.keys.get(kind)
    if key is None:
        return None
    if col.how == "order":
        return groups.index(item["id"]) + 1 if item["id"] in groups else None
    v = item.get(key)
    if v is None or v is False or v == []:
        return None
    if col.how == "choice":
        return col.labels.get(v, v)
    if col.how == "bool":
        return YES
    if col.how == "lines":
        return "\n".join(v) if not any("\n" in h for h in v) else _yaml_flow(v)
    return v


_CHECK = re.compile(r"^\s*# 核对（([A-Za-z_][A-Za-z0-9_]*)）：(.*)$", re.M)


def draft_checks(text: str) -> dict[str, list[str]]:
    """The ``# 核对（q3）：…`` comments a drafted questionnaire.yml carries, by question."""
    out: dict[str, list[str]] = {}
    for qid, note in _CHECK.findall(text):
        out.setdefault(qid, []).append(note.strip())
    return out


def codebook_rows(qn: Questionnaire, checks: dict | None = None) -> tuple[list[str], list[list], list[int]]:
    """(headers, rows, question row positions) of the question sheet; ``checks`` (the draft's
    notes per question) go into the hint column beside what the kit will do."""
    d = questionnaire_to_dict(qn)
    groups = list(d.get("groups", []))
    extra = _extra_columns(d)
    uses = {u.question_id: u for u in question_uses(qn)}
    headers = [c.header for c in COLUMNS] + extra + [HINT]
    rows, starts = [], []
    for q in d["questions"]:
        sat = set(q.get("satisfied") or [])
        u = uses[q["id"]]
        hint = f"{u.use_text}：{u.reason}" + (f"。建议：{u.fix}" if u.fix else "")
        if (checks or {}).get(q["id"]):
            hint += "\n起草时的推定，请核对：" + "；".join(checks[q["id"]])
        starts.append(len(rows))
        rows.append(_row("question", q, groups, extra, hint))
        for o in q.get("options", []):
            rows.append(_row("option", {**o, "satisfied": o["code"] in sat}, groups, extra))
        for r in q.get("rows", []):
            rows.append(_row("row", r, groups, extra))
    return headers, rows, starts


def _row(kind: str, item: dict, groups, extra, hint: str | None = None) -> list:
    cells = [KINDS[kind] if c.how == "kind" else _cell(c, kind, item, groups) for c in COLUMNS]
    cells += [_yaml_flow(item[k]) if k in item else None for k in extra]
    return cells + [hint]


def codebook_workbook(qn: Questionnaire, checks: dict | None = None):
    """The codebook as a :class:`kit.render.Workbook` (three sheets)."""
    from .render import Column, Row, Table, Workbook

    headers, rows, starts = codebook_rows(qn, checks)
    rows = [Row(r, bold=True) if i in set(starts) else r for i, r in enumerate(rows)]
    cols = []
    for h in headers:
        c = next((c for c in COLUMNS if c.header == h), None)
        if c is None:  # a key without a named column, or the hint
            cols.append(Column(h, "verbatim", wide=h == HINT))
            continue
        kind = {"int": "text", "number": "text"}.get(c.how, "verbatim")
        cols.append(Column(h, kind, wide=c.wide, choices=c.choices, align="left" if c.wide else None))
    book = Workbook(f"问卷定义：{qn.title}" if qn.title else "问卷定义")
    book.add(Table(cols, rows, caption=QUESTION_SHEET, style="grid"), name=QUESTION_SHEET,
             title=f"问卷定义：{qn.title or '（未填写标题）'}（各列填法见“填写说明”；改完后 make codebook-import 读回）")
    d = questionnaire_to_dict(qn)
    settings = []
    for name, key, help_ in _SETTINGS:
        settings.append([name, _setting_value(d, key), help_])
    for k, v in d.items():  # keys without a named row
        if k not in ("title", "platform", "groups", "quality", "questions"):
            settings.append([k, _yaml_flow(v), "（本版本工作簿没有专门的行，按 YAML 写法填写）"])
    for k, v in (d.get("quality") or {}).items():
        if f"quality.{k}" not in [s[1] for s in _SETTINGS]:
            settings.append([f"quality.{k}", _yaml_flow(v), "（本版本工作簿没有专门的行，按 YAML 写法填写）"])
    book.add(Table([Column("设置"), Column("值", "verbatim"), Column("说明", wide=True)], settings,
                   caption=SETTINGS_SHEET, style="grid"), name=SETTINGS_SHEET,
             title="问卷设置：标题、平台与质量规则")
    helps = [[c.header, c.help, "、".join(c.choices) if c.choices else ""] for c in COLUMNS]
    helps.append([HINT, "kit 目前会如何使用这道题、原因和最可能的修改（导入时不读取，改了也没关系）", ""])
    book.add(Table([Column("列"), Column("填写方法", wide=True), Column("可选值")], helps,
                   caption=HELP_SHEET), name=HELP_SHEET, title="填写说明：每列的含义与可选值",
             notes=["改完后保存（仍为 .xlsx），运行 make codebook-import NAME=项目名 读回 questionnaire.yml；"
                    "读回时按与 questionnaire.yml 相同的规则检查，出错会指出工作表、行和列。",
                    "可以增删选项行和矩阵行；新增题目须与导出文件中的题目对应。"])
    return book


def _setting_value(d: dict, key: str):
    if key == "title":
        return d.get("title") or None
    if key == "platform":
        p = d.get("platform")
        return PLATFORM_ZH.get(p, p) if p else None
    q = d.get("quality") or {}
    name = key.split(".", 1)[1]
    v = q.get(name)
    if name == "exclude":
        return "、".join(REASON_LABELS.get(x, x) for x in (v or [])) or None
    return v


def export_codebook(questionnaire: str | Path | Questionnaire, path: str | Path,
                    force: bool = False) -> Path:
    """Write the codebook ``questionnaire`` (a file or a loaded codebook) as a workbook."""
    from .render import render_xlsx

    checks = None
    if isinstance(questionnaire, Questionnaire):
        qn = questionnaire
    else:
        qn = load_questionnaire(questionnaire)
        checks = draft_checks(Path(questionnaire).read_text(encoding="utf-8", errors="replace"))
    path = Path(path)
    if path.exists() and not force:
        raise KitError("工作簿已存在；如要用 questionnaire.yml 的内容覆盖它（工作簿中未读回的修改会丢失），"
                       "请在命令后加 FORCE=1（make codebook NAME=项目名 FORCE=1；直接用 kit 时加 --force）", path=path)
    return render_xlsx(codebook_workbook(qn, checks), path)


# ------------------------------------------------------------------------------ import
class _Problems:
    def __init__(self, path: Path):
        self.path, self.items = path, []

    def add(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        where = f"工作表「{sheet}」" + (f"第{row}行" if row else "") + (f"「{column}」列" if column else "")
        self.items.append(f"{where}：{message}")

    def raise_if_any(self) -> None:
        if not self.items:
            return
        if len(self.items) == 1:
            raise QuestionnaireError(self.items[0], path=self.path)
        shown = self.items[:15]
        more = f"\n  ……另有{len(self.items) - 15}处" if len(self.items) > 15 else ""
        raise QuestionnaireError(f"发现{len(self.items)}处问题，请在 Excel 中逐一改正后重新导入：\n"
                                 + "\n".join(f"  {i}. {p}" for i, p in enumerate(shown, 1)) + more,
                                 path=self.path)


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and math.isnan(v))


def _number(v):
    """A cell as a number when it is one (numbers typed as text too); else the value as is."""
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return int(v) if isinstance(v, float) and v.is_integer() else v
    if isinstance(v, str):
        s = v.strip().replace("，", ",").replace("－", "-")
        if re.fullmatch(r"[-+]?\d+", s):
            return int(s)
        if re.fullmatch(r"[-+]?(\d+\.\d*|\.\d+)", s):
            x = float(s)
            return int(x) if x.is_integer() else x
    return v


def _text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat()
    return str(v)


def _choice(col: _Col, v, problems: _Problems, sheet: str, row: int):
    s = _text(v).strip()
    back = {zh: code for code, zh in col.labels.items()}
    if s in back:
        return back[s]
    if s in col.labels:
        return s
    from .definitions.base import suggest

    problems.add(sheet, row, col.header, f"「{s}」无法识别，应为 {'、'.join(col.labels.values())} 之一（或留空）。"
                 f"{suggest(s, col.labels.values())}".rstrip("。") + "。")
    return None


def _yes(v, problems: _Problems, sheet: str, row: int, header: str) -> bool:
    from .values import ValueParseError, parse_yes_no

    try:
        return bool(parse_yes_no(v, where=""))
    except ValueParseError:
        problems.add(sheet, row, header, f"「{v}」应填“是”或留空")
        return False


def _header_row(ws, wanted: str, problems: _Problems, sheet: str) -> tuple[int, list[str]] | None:
    for r in range(1, min(ws.max_row, 10) + 1):
        vals = [_text(c.value).strip() if c.value is not None else "" for c in ws[r]]
        if wanted in vals and ("编号" in vals or "值" in vals):
            return r, vals
    problems.add(sheet, None, None, f"找不到表头行（应有「{wanted}」列）；请用 kit codebook export 导出的工作簿修改")
    return None


def read_codebook_workbook(path: str | Path) -> dict:
    """The workbook as the dict ``questionnaire.yml`` would hold (not yet validated); cell
    problems (an unknown type, a yes/no column with other text) raise one QuestionnaireError."""
    from openpyxl import load_workbook

    path = Path(path)
    if not path.exists():
        raise QuestionnaireError("问卷定义工作簿不存在；请先运行 make codebook NAME=项目名 导出",
                                 path=path)
    try:
        wb = load_workbook(path, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException …
        raise QuestionnaireError(f"无法作为 Excel 工作簿打开（{type(exc).__name__}）；请在 Excel 中另存为 .xlsx", path=path) from None
    problems = _Problems(path)
    if QUESTION_SHEET not in wb.sheetnames:
        raise QuestionnaireError(f"找不到工作表「{QUESTION_SHEET}」（有：{'、'.join(wb.sheetnames)}）；"
                                 "请在 kit codebook export 导出的工作簿中修改，不要改工作表名", path=path)
    d: dict = {"questions": []}
    where = _read_questions(wb[QUESTION_SHEET], d, problems)
    if SETTINGS_SHEET in wb.sheetnames:
        _read_settings(wb[SETTINGS_SHEET], d, problems)
    problems.raise_if_any()
    d["_where"] = where
    return d


def _read_questions(ws, d: dict, problems: _Problems) -> dict:
    sheet = QUESTION_SHEET
    found = _header_row(ws, "类别", problems, sheet)
    if found is None:
        return {}
    top, headers = found
    by_header = {c.header: c for c in COLUMNS}
    cols: dict[int, Any] = {}
    for j, h in enumerate(headers):
        if not h or h == HINT:
            continue
        if h in by_header:
            cols[j] = by_header[h]
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", h):
            cols[j] = h  # a codebook key without a named column (YAML in the cell)
        else:
            empty = all(_blank(ws.cell(r, j + 1).value) for r in range(top + 1, ws.max_row + 1))
            if not empty:
                problems.add(sheet, top, h, "这一列不认识，导入时无法读取；说明文字请写在「提示」列"
                             f"（可用的列：{'、'.join(by_header)}）")
    missing = [c.header for c in COLUMNS if c.header not in headers]
    if missing:
        problems.add(sheet, top, None, f"缺少列：{'、'.join(missing)}；请用 kit codebook export 导出的工作簿修改")
        return {}
    where: dict = {}
    groups: list[tuple[int, int, str]] = []
    q = None
    for r in range(top + 1, ws.max_row + 1):
        raw = {j: ws.cell(r, j + 1).value for j in cols}
        if all(_blank(v) for v in raw.values()):
            continue
        kind_cell = next((v for j, v in raw.items() if cols[j] is COLUMNS[0]), None)
        kind = {v: k for k, v in KINDS.items()}.get(_text(kind_cell).strip() if not _blank(kind_cell) else "")
        if kind is None:
            problems.add(sheet, r, "类别", f"「{kind_cell}」应为 题目、选项 或 矩阵行" if not _blank(kind_cell)
                         else "未填写；应为 题目、选项 或 矩阵行")
            continue
        item: dict = {}
        for j, v in raw.items():
            col = cols[j]
            if col is COLUMNS[0] or _blank(v):
                continue
            if isinstance(col, str):
                try:
                    item[col] = yaml.safe_load(_text(v))
                except yaml.YAMLError:
                    problems.add(sheet, r, col, f"「{v}」不是有效的 YAML 值")
                continue
            key = col.keys.get(kind)
            if key is None:
                problems.add(sheet, r, col.header, f"{KINDS[kind]}行不填这一列（{col.help}）")
                continue
            if col.how == "order":
                n = _number(v)
                if isinstance(n, int) and not isinstance(n, bool) and n >= 1:
                    groups.append((n, r, None))
                else:
                    problems.add(sheet, r, col.header, f"「{v}」应为顺序号 1、2、3…（或留空）")
                continue
            if col.how == "choice":
                item[key] = _choice(col, v, problems, sheet, r)
            elif col.how in ("bool", "satisfied"):
                item[key] = _yes(v, problems, sheet, r, col.header)
            elif col.how in ("int", "number"):
                item[key] = _number(v)
            elif col.how == "lines":
                s = _text(v)
                item[key] = yaml.safe_load(s) if s.lstrip().startswith("[") else \
                    [x for x in s.split("\n") if x.strip()]
            else:
                item[key] = _text(v) if key != "id" else _text(v).strip()
        if kind == "question":
            q = {k: item[k] for k in ("id", "title", "type") if k in item}
            q.update({k: v for k, v in item.items() if k not in q})
            d["questions"].append(q)
            qi = len(d["questions"]) - 1
            where[("questions", qi)] = r
            if groups and groups[-1][1] == r:
                groups[-1] = (groups[-1][0], r, q.get("id"))
            continue
        if q is None:
            problems.add(sheet, r, "类别", f"{KINDS[kind]}行之前没有题目行；选项和矩阵行应写在所属题目的下面")
            continue
        qi = len(d["questions"]) - 1
        if kind == "option":
            sat = item.pop("satisfied", False)
            q.setdefault("options", []).append(item)
            where[("questions", qi, "options", len(q["options"]) - 1)] = r
            if sat:
                q.setdefault("satisfied", []).append(item.get("code"))
        else:
            q.setdefault("rows", []).append(item)
            where[("questions", qi, "rows", len(q["rows"]) - 1)] = r
    order = sorted(groups, key=lambda g: (g[0], g[1]))
    for a, b in zip(order, order[1:]):
        if a[0] == b[0]:
            problems.add(sheet, b[1], "分组顺序", f"顺序号 {b[0]} 与第{a[1]}行重复")
    if order:
        d["groups"] = [g[2] for g in order]
        for k, g in enumerate(order):
            where[("groups", k)] = g[1]
    return where


def _read_settings(ws, d: dict, problems: _Problems) -> None:
    sheet = SETTINGS_SHEET
    found = _header_row(ws, "设置", problems, sheet)
    if found is None:
        return
    top, headers = found
    jn, jv = headers.index("设置"), headers.index("值") if "值" in headers else None
    if jv is None:
        problems.add(sheet, top, None, "缺少「值」列")
        return
    names = {name: key for name, key, _ in _SETTINGS}
    quality: dict = {}
    for r in range(top + 1, ws.max_row + 1):
        name, v = ws.cell(r, jn + 1).value, ws.cell(r, jv + 1).value
        if _blank(name):
            continue
        name = _text(name).strip()
        key = names.get(name, name)
        if key not in names.values() and not re.fullmatch(r"(quality\.)?[A-Za-z_][A-Za-z0-9_]*", key):
            problems.add(sheet, r, "设置", f"「{name}」不认识（可用：{'、'.join(names)}）")
            continue
        if _blank(v):
            if key == "title":
                d["title"] = ""
            continue
        if key == "title":
            d["title"] = _text(v)
        elif key == "platform":
            s = _text(v).strip()
            d["platform"] = {zh: code for code, zh in PLATFORM_ZH.items()}.get(s, s)
        elif key == "quality.exclude":
            back = {zh: code for code, zh in REASON_LABELS.items()}
            out = []
            for part in re.split(r"[、,，;；\n]+", _text(v)):
                part = part.strip()
                if part:
                    out.append(back.get(part, part))
            quality["exclude"] = out
        elif key in ("quality.speeder_threshold_s", "quality.straight_lining_min_items"):
            quality[key.split(".", 1)[1]] = _number(v)
        else:
            try:
                val = yaml.safe_load(_text(v))
            except yaml.YAMLError:
                problems.add(sheet, r, "值", f"「{v}」不是有效的 YAML 值")
                continue
            if key.startswith("quality."):
                quality[key.split(".", 1)[1]] = val
            else:
                d[key] = val
    if quality:
        d["quality"] = quality
    if "quality" in d and "exclude" not in d["quality"]:
        d["quality"]["exclude"] = []


def _locate(key: str, where: dict) -> tuple[str, int | None, str | None]:
    """(sheet, row, column) of a key path such as ``questions[3].options[1].score``."""
    m = re.match(r"questions\[(\d+)\](?:\.(options|rows)\[(\d+)\])?(?:\.(\w+))?", key)
    if m:
        qi, part, j, name = int(m.group(1)), m.group(2), m.group(3), m.group(4)
        kind = {"options": "option", "rows": "row"}.get(part, "question")
        row = where.get(("questions", qi, part, int(j))) if part else where.get(("questions", qi))
        if part is None and name in ("options", "rows"):
            kind = {"options": "option", "rows": "row"}[name]
        col = _BY_KEY.get((kind, name)) if name else None
        if name == "satisfied":
            col = _BY_KEY[("option", "satisfied")]
        return QUESTION_SHEET, row, col.header if col else name
    m = re.match(r"groups\[(\d+)\]", key)
    if m:
        return QUESTION_SHEET, where.get(("groups", int(m.group(1)))), "分组顺序"
    names = {k: n for n, k, _ in _SETTINGS}
    for k, n in names.items():
        if key == k or key.startswith(k + "["):
            return SETTINGS_SHEET, None, f"{n}"
    return SETTINGS_SHEET, None, key


def questionnaire_from_workbook(path: str | Path) -> Questionnaire:
    """Read and validate a codebook workbook (the same rules as ``questionnaire.yml``)."""
    from pydantic import ValidationError

    from .definitions import QuestionnaireSpec
    from .definitions.base import _message
    from .questionnaire import questionnaire_from_spec

    path = Path(path)
    d = read_codebook_workbook(path)
    where = d.pop("_where")
    try:
        spec = QuestionnaireSpec.model_validate(d)
    except ValidationError as exc:
        problems = _Problems(path)
        for err in exc.errors(include_url=False):
            key, msg = _message(QuestionnaireSpec, err)
            sheet, row, col = _locate(key, where)
            if sheet == SETTINGS_SHEET and col:
                problems.add(sheet, None, None, f"「{col}」：{msg}")
            else:
                problems.add(sheet, row, col, msg)
        problems.raise_if_any()
        raise  # pragma: no cover (ValidationError always has errors)
    return questionnaire_from_spec(spec, path)


def import_codebook(workbook: str | Path, questionnaire: str | Path, force: bool = False) -> Questionnaire:
    """Read ``workbook`` back into ``questionnaire`` (questionnaire.yml), after validating it.
    Refuses when questionnaire.yml changed after the workbook was last saved (its own
    changes would be lost) unless ``force``; the previous file is kept as ``.bak``."""
    from .atomic import write_text

    workbook, questionnaire = Path(workbook), Path(questionnaire)
    qn = questionnaire_from_workbook(workbook)
    if questionnaire.exists() and not force and \
            questionnaire.stat().st_mtime > workbook.stat().st_mtime + 1:
        raise QuestionnaireError(f"{questionnaire.name} 在工作簿 {workbook.name} 最后一次保存之后被修改过，导入会覆盖"
                                 "这些修改。请先用 make codebook NAME=项目名 FORCE=1 重新导出再改工作簿，或确认覆盖后加 FORCE=1"
                                 "（make codebook-import NAME=项目名 FORCE=1；直接用 kit 时加 --force）",
                                 path=questionnaire)
    text = (f"# 由 kit codebook import 从 {workbook.name} 读回。可以直接修改本文件，或改工作簿后重新导入\n"
            "# （make codebook 导出、make codebook-import 读回）。\n" + dump_questionnaire(qn))
    if questionnaire.exists():
        write_text(questionnaire.with_name(questionnaire.name + ".bak"),
                          questionnaire.read_text(encoding="utf-8", errors="replace"))
    write_text(questionnaire, text)
    qn.path = questionnaire
    return qn


def codebook_paths(target: str | Path, workbook: str | Path | None = None) -> tuple[Path, Path]:
    """(questionnaire.yml, workbook) for a project folder (the codebook its project.yml names,
    the workbook 问卷定义.xlsx beside it) or for a questionnaire.yml file."""
    from .definitions import read_yaml
    from .errors import ProjectError
    from .paths import resolve

    target = resolve(target)
    if target.is_dir():
        pfile = target / "project.yml"
        if not pfile.exists():
            raise ProjectError("这个文件夹中没有 project.yml；请写项目文件夹（如 surveys/项目名）或 "
                               "questionnaire.yml 的路径", path=target)
        d = read_yaml(pfile, ProjectError) or {}
        name = d.get("questionnaire") if isinstance(d, dict) else None
        if not name:
            raise ProjectError("project.yml 中没有 questionnaire:（本项目没有问卷调查）", path=pfile)
        yml = target / str(name)
        book = Path(workbook) if workbook else target / DEFAULT_WORKBOOK
    else:
        yml = target
        book = Path(workbook) if workbook else target.with_name(DEFAULT_WORKBOOK)
    return yml, resolve(book)
