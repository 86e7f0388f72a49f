"""``kit check`` as a guide: what the kit will do with each question, why, and what to change.

For each question of a codebook the guide says which analyses take it (满意度题, 知晓题, 测评题,
分组字段, 开放题, 个人信息 …) or that none does, the reason, and the most likely fix, written for
the Excel codebook (``make codebook``: the column to change and the value to put there), with
the few ``questionnaire.yml`` lines that change beside it. Which questions count, why the others do not
and the entries that would make them count come from :mod:`kit.eligibility` (the analyses'
own rules); this module adds the questions no analysis considers (profile questions,
multi-select, free text, personal fields) and says it all per question.

>>> from kit.questionnaire import Question, Option, Questionnaire
>>> opts = [Option(1, "不满意", 1.0), Option(2, "一般", 2.0), Option(3, "满意", 3.0)]
>>> qn = Questionnaire("示例", [Question("q1", "总体满意度", "scale", 1, options=opts)])
>>> u = question_uses(qn)[0]
>>> u.uses, u.reason
([], '没有列出满意项 (satisfied)；建议把“满意”“一般”计为满意')
>>> print(u.fix)
在「满意/知晓项」列为“一般、满意”填“是”
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from .eligibility import (SHEET, TYPE_ZH, WORKBOOK, appraisal_eligibility, awareness_eligibility,
                          question_name, satisfaction_eligibility)
from .questionnaire import Question, Questionnaire

__all__ = ["QuestionUse", "question_uses", "guide_frame", "guide_lines", "USE_ZH", "TYPE_ZH",
           "PERSONAL_ZH", "ROLE_ZH", "satisfaction_items", "awareness_items",
           "suggested_groups", "suggested_overall"]

ROLE_ZH = {"group": "分组", "overall": "总体满意度", "respondent_id": "受访者编号",
           "profile": "样本基本情况"}
PERSONAL_ZH = {"phone": "电话号码", "id_card": "身份证号", "name": "姓名", "nickname": "昵称",
               "email": "电子邮箱", "ip": "IP地址", "coordinates": "地理坐标",
               "respondent_id": "受访者编号", "address": "住址"}
USE_ZH = {"satisfaction": "满意度题", "overall": "总体满意度题", "awareness": "知晓题",
          "appraisal": "测评题", "group": "分组字段", "text": "开放题", "personal": "个人信息",
          "respondent_id": "受访者编号"}
_PROFILE_TITLE = re.compile(r"性别|年龄|学历|文化程度|职业|身份|收入|民族|政治面貌|所在|所属|户籍|"
                            r"是否为?(中共)?党员")
_RATING_WORDS = re.compile(r"满意|评价|认可|同意|打分|评分|好不好|怎么样|知道|了解|知晓")
_OVERALL_TITLE = re.compile(r"总体|整体|综合|总的来说|总的看")


@dataclass
class QuestionUse:
    """One question as the kit will use it. ``uses`` lists the analyses that take it (keys of
    :data:`USE_ZH`); empty means none does, and ``reason``/``fix`` say why and what to change
    in the Excel codebook; ``fix_yaml`` is the same change as the lines of the question's
    questionnaire.yml entry that change (or the lines to add to project.yml, ``fix_file``)."""

    question_id: str
    number: int | None
    title: str
    type: str
    uses: list[str] = field(default_factory=list)
    reason: str = ""
    fix: str = ""
    fix_yaml: str = ""
    fix_file: str = ""
    answered: int | None = None

    @property
    def use_text(self) -> str:
        return "、".join(USE_ZH[u] for u in self.uses) if self.uses else "暂不分析"


def satisfaction_items(qn: Questionnaire) -> list[Question]:
    """Questions the satisfaction analysis takes (scale/matrix, scored options, ``satisfied``)."""
    return [q for q in qn.questions if q.type in ("scale", "matrix") and q.has_scores
            and q.satisfied and not q.personal]


def awareness_items(qn: Questionnaire) -> list[Question]:
    """Yes/no questions that give an awareness rate (``satisfied`` lists the 知道 answer)."""
    return [q for q in qn.questions if q.type == "yesno" and q.satisfied and not q.personal]


def suggested_groups(qn: Questionnaire, limit: int = 3) -> list[str]:
    """Single-choice profile questions (性别, 年龄, 乡镇, 村, 身份 …) a draft may compare
    satisfaction by, at most ``limit``, in questionnaire order."""
    rated = {c.question_id for c in satisfaction_eligibility(qn).considered}
    out = [q.id for q in qn.questions
           if q.type in ("single", "yesno") and q.options and len(q.options) >= 2 and not q.personal
           and q.role is None and q.id not in rated and _PROFILE_TITLE.search(q.title)
           and not _RATING_WORDS.search(q.title)]
    return out[:limit]


def suggested_overall(qn: Questionnaire) -> str | None:
    """The satisfaction item a draft may mark as the overall question (``role: overall``):
    the only scale item whose title says 总体/整体/综合, when no question is marked yet."""
    if any(q.role == "overall" for q in qn.questions):
        return None
    hits = [q.id for q in satisfaction_items(qn) if q.type == "scale" and _OVERALL_TITLE.search(q.title)]
    return hits[0] if len(hits) == 1 else None


def _answered(q: Question, data: pd.DataFrame | None) -> int | None:
    if data is None:
        return None
    cols = [r.id for r in q.rows] if q.type == "matrix" else [q.id]
    cols = [c for c in cols if c in data] or [c for c in data.columns if str(c).startswith(q.id + "__")]
    return int(data[cols].notna().any(axis=1).sum()) if cols else 0


def _why_not(q: Question) -> tuple[str, str]:
    """(reason, fix) for a question no analysis considers."""
    kind = TYPE_ZH.get(q.type, q.type)
    if q.type == "single" and q.options and len(q.options) >= 2:
        return ("单选题：保存每人的选择，不作分组",
                "如需按本题分组比较满意率（如乡镇、村、身份），在「分组顺序」列填写顺序号 1、2…"
                "（questionnaire.yml：groups）")
    if q.type in ("multi", "ranking"):
        return f"{kind}：保存每个选项是否选中（或名次），不进入满意度分析", ""
    if q.type == "yesno":
        return "是非题：保存每人的回答", ""
    if q.type in ("scale", "matrix") and not q.options:
        return f"{kind}没有选项", "补全选项（编码、文字、分值）"
    return kind, ""


def question_uses(qn: Questionnaire, data: pd.DataFrame | None = None,
                  appraisal: dict | None = None) -> list[QuestionUse]:
    """What the kit will do with each question of ``qn``; ``data`` (the valid answers of a
    loaded survey) adds how many answered each; ``appraisal`` is project.yml's
    ``appraisal:`` (which matrices are appraised)."""
    analyses = {"satisfaction": satisfaction_eligibility(qn, data), "awareness": awareness_eligibility(qn),
                "appraisal": appraisal_eligibility(qn, appraisal)}
    seen: dict[str, list[tuple[str, object]]] = {}
    for name, e in analyses.items():
        for c in e.considered:
            seen.setdefault(c.question_id, []).append((name, c))
    out = []
    for q in qn.questions:
        u = QuestionUse(q.id, q.number, q.title, q.type, answered=_answered(q, data))
        out.append(u)
        if q.personal:
            u.uses.append("personal")
            u.reason = (f"标为个人信息（{PERSONAL_ZH.get(q.personal, q.personal)}）：读入时加盐哈希，"
                        "原文不进入任何输出")
            continue
        if q.role == "respondent_id":
            u.uses.append("respondent_id")
            u.reason = "受访者编号：两轮调查按它配对"
            continue
        reasons, left = [], []
        for name, c in seen.get(q.id, []):
            if not c.taken:
                left.append(c)
                continue
            if name == "satisfaction":
                u.uses.append("overall" if q.role == "overall" else "satisfaction")
                sat = "、".join(o.label for o in q.options if o.code in (q.satisfied or []))
                rows = f"，{len(q.rows)}行分别计算" if q.type == "matrix" else ""
                reasons.append(f"{TYPE_ZH.get(q.type, q.type)}{rows}，满意项为“{sat}”")
                if q.role != "overall" and not any(x.role == "overall" for x in qn.questions):
                    u.fix = ("如本题是总体满意度题，在「用途」列选“总体满意度”（questionnaire.yml：role: overall），"
                             "报告的第一句和自评指标“问卷:满意率”取自它")
            elif name == "awareness":
                u.uses.append("awareness")
                sat = "、".join(o.label for o in q.options if o.code in (q.satisfied or []))
                reasons.append(f"是非题，知晓项为“{sat}”")
            else:
                u.uses.append("appraisal")
                reasons.append("project.yml 的 appraisal: 中列出的测评题")
        if q.id in qn.groups:
            u.uses.append("group")
            reasons.append(f"按它的{len(q.options)}个选项分组比较满意率（第{qn.groups.index(q.id) + 1}个分组）")
        if q.type == "text":
            u.uses.append("text")
            reasons.append("填空题：文字答案隐去个人信息后保存")
        if u.uses:
            u.reason = "；".join(reasons) + ("；但没有有效回答" if u.answered == 0 else "")
            continue
        if not left:
            u.reason, u.fix = _why_not(q)
            continue
        u.reason = "；".join(r for c in left for r in c.reasons)
        c = next((c for c in left if c.fix), None)
        if c is not None:
            u.fix_file = c.fix_file
            if c.fix_file == "questionnaire.yml":
                u.fix, u.fix_yaml = c.excel, c.patch
            else:
                u.fix, u.fix_yaml = f"在 {c.fix_file} 中加上下面的写法", c.fix
    return out


def guide_frame(uses: list[QuestionUse]) -> pd.DataFrame:
    """The guide as a table with Chinese headers (for notebooks and workbooks)."""
    return pd.DataFrame({
        "题号": [u.number for u in uses], "编号": [u.question_id for u in uses],
        "题干": [u.title for u in uses], "题型": [TYPE_ZH.get(u.type, u.type) for u in uses],
        "用途": [u.use_text for u in uses], "原因": [u.reason for u in uses],
        "建议修改": [u.fix for u in uses], "修改文件": [u.fix_file for u in uses],
        "改动的行": [u.fix_yaml for u in uses]})


def guide_lines(uses: list[QuestionUse], analyses: list[str] = (), width: int = 24) -> list[str]:
    """The guide for the terminal: ``analyses`` (each analysis's headline, e.g. from
    :attr:`kit.eligibility.Eligibility.sentences`), one line per use, each question no analysis
    takes with its reason and fix (questions with the same reason and fix together), the
    entries to paste, and a warning when nothing feeds a satisfaction or awareness table."""
    def name(u: QuestionUse) -> str:
        return question_name(u.question_id, u.number, u.title, width)

    def where(u: QuestionUse) -> str:
        if u.fix_file and u.fix_file != "questionnaire.yml":
            return ""
        return f"（{WORKBOOK} 工作表「{SHEET}」中该题及其选项行）"

    out = ["题目用途（kit 将如何使用每道题）："] + [f"  {a}" for a in analyses]
    for key in USE_ZH:
        hit = [u for u in uses if key in u.uses]
        if hit:
            out.append(f"  {USE_ZH[key]}（{len(hit)}）：" + "、".join(name(u) for u in hit))
    idle = [u for u in uses if not u.uses]
    if idle:
        out.append(f"  暂不分析（{len(idle)}）：")
        same: dict[tuple[str, str], list[QuestionUse]] = {}
        for u in idle:
            same.setdefault((u.reason, u.fix), []).append(u)
        for (reason, fix), us in same.items():
            out.append(f"    {'、'.join(name(u) for u in us)}：{reason}。"
                       + (f"\n      建议{where(us[0])}：{fix}。" if fix else ""))
    if not any(k in u.uses for u in uses for k in ("overall", "satisfaction", "awareness")):
        out.append("  注意：目前没有计入满意度或知晓率的题目，make report 只会给出数据质量检查。请按上面的"
                   "建议在问卷定义中标出满意度题（make codebook 导出 Excel 修改后 make codebook-import）。")
    for u in uses:
        if u.fix and u.uses:
            out.append(f"  提示：{name(u)}{u.fix}。")
    pasted = set()
    for u in uses:
        if u.fix_yaml and (u.fix_file, u.fix_yaml) not in pasted:
            pasted.add((u.fix_file, u.fix_yaml))
            if u.fix_file == "questionnaire.yml":
                out.append(f"  {name(u)}：不用 Excel、直接改 questionnaire.yml 时，该题改动的行（其余不变）：")
            else:
                out.append(f"  {name(u)}：在 {u.fix_file} 中加上：")
            out += [f"      {ln}" for ln in u.fix_yaml.splitlines()]
    return out
