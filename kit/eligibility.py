"""Which questions count for which analysis, why the others do not, and what would make them.

An analysis that finds nothing to analyse must say so, not return empty tables. For each
analysis this module lists the questions it considered, whether each was taken, why not (its
type, options without scores, no ``satisfied`` codes, an identity question, a question missing
from one wave) and the exact ``questionnaire.yml`` entry (or ``project.yml`` lines) that would
make it count. The suggested entry is the question as it stands with only what is missing
added, so pasting it over the question's entry is enough.

Rules (the same as the analyses apply):

satisfaction   a ``scale`` or ``matrix`` question whose options all have a ``score`` and that
               lists ``satisfied`` codes (:func:`kit.satisfaction.analyse_satisfaction`).
awareness      a ``yesno`` question that lists ``satisfied`` codes (the 知道/了解 answer).
appraisal      cadres: matrix questions with scored options (扣分 as negative scores), named in
               ``project.yml`` under ``appraisal: cadres: questions:``; members: a matrix
               question with one row per member (优秀/合格/基本合格/不合格).
before_after   satisfaction items present in both waves.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

import pandas as pd

from .io.draft import question_yaml
from .io.scales import AWARENESS_PAIRS, FAMILY_ZH, YES_NO, is_identity_title, match_scale
from .questionnaire import Question, Questionnaire, _norm_label

__all__ = ["Eligibility", "Consideration", "satisfaction_eligibility", "awareness_eligibility",
           "appraisal_eligibility", "before_after_eligibility", "explain_analyses",
           "ANALYSIS_ZH"]

ANALYSIS_ZH = {"satisfaction": "满意度分析", "awareness": "政策知晓率", "appraisal": "测评分析",
               "before_after": "前后对比"}
TYPE_ZH = {"single": "单选题", "multi": "多选题", "matrix": "矩阵题", "scale": "量表题",
           "text": "填空题", "ranking": "排序题", "yesno": "是非题"}
_DEDUCT = re.compile(r"扣\s*\d+(?:\.\d+)?\s*分|不扣分")
_RATING_TITLE = re.compile(r"满意|评价|程度|认可|同意|符合|重要|打分|评分|好不好|怎么样")
_BANDS = {"优秀", "合格", "基本合格", "不合格", "称职", "基本称职", "不称职"}


@dataclass
class Consideration:
    """One question as one analysis saw it."""
    question_id: str
    title: str
    type: str
    taken: bool
    reasons: list[str] = field(default_factory=list)   # why not (Chinese)
    fix: str = ""                                       # the entry that would make it count
    fix_file: str = "questionnaire.yml"


@dataclass
class Eligibility:
    """What one analysis took and left, with the fixes; ``sentences`` say it in Chinese."""
    analysis: str
    considered: list[Consideration] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def taken(self) -> list[Consideration]:
        return [c for c in self.considered if c.taken]

    @property
    def left(self) -> list[Consideration]:
        return [c for c in self.considered if not c.taken]

    @property
    def fixes(self) -> dict[str, str]:
        """question id -> the suggested entry (only questions a fix would make count)."""
        return {c.question_id: c.fix for c in self.left if c.fix}

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"analysis": self.analysis, "question_id": c.question_id,
                              "title": c.title, "type": c.type, "taken": c.taken,
                              "reasons": "；".join(c.reasons), "fix_file": c.fix_file if c.fix else "",
                              "fix": c.fix} for c in self.considered],
                            columns=["analysis", "question_id", "title", "type", "taken",
                                     "reasons", "fix_file", "fix"])

    def display_frame(self) -> pd.DataFrame:
        """The same with Chinese headers, for notebooks and workbooks."""
        t = self.to_frame()
        return pd.DataFrame({"分析": t["analysis"].map(ANALYSIS_ZH), "题目": t["question_id"],
                             "题干": t["title"], "题型": t["type"].map(lambda x: TYPE_ZH.get(x, x)),
                             "是否纳入": t["taken"].map({True: "纳入", False: "未纳入"}),
                             "未纳入的原因": t["reasons"], "修改文件": t["fix_file"],
                             "修改为（整段替换该题）": t["fix"]})

    @property
    def sentences(self) -> list[str]:
        name = ANALYSIS_ZH[self.analysis]
        if not self.considered:
            return [f"{name}：问卷中没有可供考察的题目。"] + self.notes
        head = (f"{name}：考察了{len(self.considered)}道题，纳入{len(self.taken)}道"
                + (f"（{_ids(self.taken)}）" if self.taken else "") + "。")
        out = [head]
        by_reason: dict[str, list[Consideration]] = {}
        for c in self.left:
            by_reason.setdefault("；".join(c.reasons), []).append(c)
        for reason, cs in by_reason.items():
            out.append(f"未纳入 {_ids(cs)}：{reason}。")
        if self.fixes:
            files = sorted({c.fix_file for c in self.left if c.fix})
            out.append(f"按建议的写法（“修改为”）整段替换{'、'.join(files)}中相应题目（或加入相应行）后，"
                       f"{len(self.fixes)}道题即可纳入{name}。")
        return out + self.notes


def _ids(cs: list[Consideration], k: int = 12) -> str:
    ids = [c.question_id for c in cs]
    return "、".join(ids[:k]) + (f"等{len(ids)}题" if len(ids) > k else "")


# ------------------------------------------------------------------------------ helpers
def _labels(q: Question) -> str:
    shown = [o.label for o in q.options[:5]]
    return "“" + "/".join(shown) + ("/…" if len(q.options) > 5 else "") + "”"


def _with_scores(q: Question, reasons: list[str]) -> Question | None:
    """A copy of ``q`` whose options carry scores: from a recognised scale, else the codes."""
    fixed = copy.deepcopy(q)
    if q.has_scores and all(o.score is not None for o in q.options):
        return fixed
    m = match_scale([o.label for o in q.options], q.title)
    if m is not None and len(m.level_of) == len(q.options):
        for o in fixed.options:
            o.score = m.level_of[o.label]
        reasons.append(f"选项没有分值 (score)（选项是{m.name}，分值按量表顺序给出）")
        return fixed
    if all(re.fullmatch(r"选项\d+", o.label) or o.label.strip().isdigit() for o in q.options):
        for o in fixed.options:  # codes only (按序号 without labels): assume higher = better
            o.score = float(o.code)
        reasons.append("选项没有分值 (score)，也没有选项文字；建议的分值按编码（编码越大越好），"
                       "请与问卷核对")
        return fixed
    return None


def _top_two(q: Question) -> list[int]:
    by = sorted(q.options, key=lambda o: (o.score is None, o.score))
    return sorted(o.code for o in by[-2:])


# ------------------------------------------------------------------------- satisfaction
def _satisfaction_one(q: Question, answered: int | None) -> Consideration | None:
    c = Consideration(q.id, q.title, q.type, taken=False)
    if q.type not in ("single", "scale", "matrix") or not q.options or q.personal:
        return None
    m = match_scale([o.label for o in q.options], q.title)
    scored = all(o.score is not None for o in q.options)
    if q.type == "single" and m is None and not scored:
        unlabelled = all(re.fullmatch(r"选项\d+", o.label) or o.label.strip().isdigit()
                         for o in q.options)
        if (q.role == "group" or is_identity_title(q.title) or len(q.options) < 3
                or not unlabelled or not _RATING_TITLE.search(q.title)):
            return None  # not a rating question (身份、所在的村、…): not considered
    if q.type in ("scale", "matrix") and scored and q.satisfied:
        c.taken = answered is None or answered > 0
        if not c.taken:
            c.reasons.append("没有有效回答")
        return c
    if q.type == "matrix" and not scored and m is None and not _with_scores(q, []):
        c.reasons.append(f"选项{_labels(q)}不是等级量表，不能计算满意度")
        return c
    fixed = _with_scores(q, c.reasons)
    if fixed is None:
        c.reasons.append(f"选项{_labels(q)}不是可识别的等级量表，也没有分值 (score)；请在问卷定义中为"
                         "每个选项写上分值并列出满意项 (satisfied)")
        return c
    if q.type == "single":
        c.reasons.insert(0, "题型为单选题 (single)，满意度只计算量表题 (scale) 与矩阵题 (matrix)")
        fixed.type = "scale"
    if not q.satisfied:
        fixed.satisfied = _top_two(fixed)
        sat = [o.label for o in sorted(fixed.options, key=lambda o: -o.score)
               if o.code in fixed.satisfied]
        if m is not None and m.family != "satisfaction":
            c.reasons.append(f"没有列出满意项 (satisfied)：选项说的是{FAMILY_ZH[m.family]}，不是满意度；"
                             f"如把“{'”“'.join(sat)}”计为满意，用建议的写法")
        else:
            c.reasons.append(f"没有列出满意项 (satisfied)；建议把“{'”“'.join(sat)}”计为满意")
    c.fix = question_yaml(fixed)
    return c


def satisfaction_eligibility(qn: Questionnaire, data: pd.DataFrame | None = None) -> Eligibility:
    """Which questions count as satisfaction items, and the entries that would make the
    others count. ``data`` (valid answers) lets a question without answers be said so."""
    e = Eligibility("satisfaction")
    for q in qn.questions:
        answered = None
        if data is not None:
            cols = [r.id for r in q.rows] if q.type == "matrix" else [q.id]
            present = [c for c in cols if c in data]
            answered = int(data[present].notna().any(axis=1).sum()) if present else 0
        c = _satisfaction_one(q, answered)
        if c is not None:
            e.considered.append(c)
    return e


# ---------------------------------------------------------------------------- awareness
def _yes_no_pair(q: Question) -> tuple[str, str] | None:
    labels = {_norm_label(o.label) for o in q.options}
    return next(((y, n) for y, n in YES_NO if labels and labels <= {y, n}), None)


def awareness_eligibility(qn: Questionnaire) -> Eligibility:
    """Yes/no questions: which give an awareness rate (知晓率), and what would make the others."""
    e = Eligibility("awareness")
    for q in qn.questions:
        pair = _yes_no_pair(q) if q.type in ("single", "yesno") else None
        if pair is None:
            continue
        c = Consideration(q.id, q.title, q.type, taken=q.type == "yesno" and bool(q.satisfied))
        if c.taken:  # the codebook says so: the analysis takes it
            if is_identity_title(q.title):
                e.notes.append(f"{q.id}「{q.title}」像是身份类问题，却列出了知晓项 (satisfied)，"
                               "知晓率表中会出现它的“是”的比例；请核对问卷定义。")
            e.considered.append(c)
            continue
        if is_identity_title(q.title):
            c.reasons.append("身份类问题（如「您是否为党员」），不是知晓题")
            e.considered.append(c)
            continue
        fixed = copy.deepcopy(q)
        yes = next(o.code for o in q.options if _norm_label(o.label) == pair[0])
        if q.type != "yesno":
            c.reasons.append("题型为单选题 (single)，知晓率只计算是非题 (yesno)")
            fixed.type = "yesno"
        if not q.satisfied:
            fixed.satisfied = [yes]
            why = ("选项“知道/不知道”一类，" if pair in AWARENESS_PAIRS else
                   f"选项“{pair[0]}/{pair[1]}”不说明是否知晓；如本题问的是知晓情况（「您是否知道…」），")
            c.reasons.append(f"没有列出知晓项 (satisfied)：{why}把“{pair[0]}”计为知晓")
        c.fix = question_yaml(fixed)
        e.considered.append(c)
    return e


# ---------------------------------------------------------------------------- appraisal
def appraisal_eligibility(qn: Questionnaire, spec: dict | None = None) -> Eligibility:
    """Matrix questions that could be appraised: the ones ``project.yml`` names, and the
    candidates (扣分 options for cadres, 优秀/合格 bands for members) with the lines to add."""
    e = Eligibility("appraisal")
    spec = spec or {}
    named_cadres = set((spec.get("cadres") or {}).get("questions") or [])
    named_member = (spec.get("members") or {}).get("question")
    cadres, members = [], []
    for q in qn.questions:
        if q.type != "matrix":
            continue
        labels = {_norm_label(o.label) for o in q.options}
        deduct = any(_DEDUCT.search(o.label) for o in q.options)
        bands = len(labels & _BANDS) >= 2
        named = q.id in named_cadres or q.id == named_member
        if not (named or deduct or bands):
            continue
        c = Consideration(q.id, q.title, q.type, taken=named, fix_file="project.yml")
        if q.id in named_cadres and not q.has_scores:
            c.taken = False
            c.reasons.append("选项没有分值 (score)：扣分应写成负分（如 扣2分 → score: -2）")
        if not named:
            c.reasons.append("project.yml 的 appraisal: 中没有列出本题")
            (cadres if deduct else members).append(q.id)
        e.considered.append(c)
    lines = []
    if cadres:
        lines += ["appraisal:", "  cadres:", f"    questions: [{', '.join(cadres)}]",
                  "    start: 100", "    line: 60"]
    if members:
        lines += ([] if lines else ["appraisal:"]) + ["  members:", f"    question: {members[0]}"]
    if lines:
        fix = "\n".join(lines) + "\n"
        for c in e.left:
            if c.question_id in cadres + members[:1]:
                c.fix = fix
    if not e.considered:
        e.notes.append("问卷中没有选项为扣分（扣N分）或评议等次（优秀/合格/基本合格/不合格）的矩阵题。")
    return e


# ------------------------------------------------------------------------- before-after
def before_after_eligibility(before, after) -> Eligibility:
    """Satisfaction items of two waves: compared where both waves have them."""
    from .satisfaction import _item_specs

    e = Eligibility("before_after")
    b = {col: q for col, q, *_ in _item_specs(before)}
    a = {col: q for col, q, *_ in _item_specs(after)}
    for col in list(dict.fromkeys([*b, *a])):
        q = b.get(col) or a[col]
        c = Consideration(col, q.title, q.type, taken=col in b and col in a)
        if col not in b:
            c.reasons.append("基线问卷中没有这一满意度题（或未设分值、满意项）")
        elif col not in a:
            c.reasons.append("跟踪问卷中没有这一满意度题（或未设分值、满意项）")
        e.considered.append(c)
    if not b or not a:
        for label, r in (("基线", before), ("跟踪", after)):
            s = satisfaction_eligibility(r.questionnaire, r.valid)
            if not s.taken:
                e.notes.append(f"{label}问卷没有可比较的满意度题。" + "".join(s.sentences[1:]))
                for c in s.left:
                    if c.fix and not any(x.question_id == c.question_id for x in e.considered):
                        e.considered.append(Consideration(c.question_id, c.title, c.type, False,
                                                          [f"{label}问卷：" + "；".join(c.reasons)],
                                                          c.fix))
    return e


def explain_analyses(r, appraisal: dict | None = None) -> dict[str, Eligibility]:
    """Satisfaction, awareness and appraisal eligibility of one loaded survey."""
    qn = r.questionnaire
    return {"satisfaction": satisfaction_eligibility(qn, r.valid),
            "awareness": awareness_eligibility(qn),
            "appraisal": appraisal_eligibility(qn, appraisal)}
