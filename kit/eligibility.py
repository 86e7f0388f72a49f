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

A fix is suggested only where the question is what the analysis measures, decided from its
text and option labels with the small word lists below (a hint must not push an evaluator to
count an importance rating as 满意 or a membership question as 知晓):

satisfaction   the option labels are a 满意 scale (:mod:`kit.io.scales`), or the text says 满意
               (an agreement/符合 scale or a points/codes scale on 「我对…感到满意」,
               「整体的满意度如何（0-10分）」) and names no other topic (:data:`OTHER_TOPICS`:
               重要, 频率, 可能/推荐, 了解, 期望, 信任, 难度, 需要). Importance scales never.
awareness      the option labels say 知道/了解/听说过/知晓, or the text asks whether the respondent
               knows or has heard of something (:data:`AWARENESS_WORDS`: 知道、了解、听说、知晓、
               知悉…), not whether one wishes to (:data:`NOT_AWARENESS`: 希望了解、想知道…).
               Identity and membership questions (「您是否为党员」,「您是中兴员工吗」) never.

The fix is said first as the Excel codebook's columns (问卷定义.xlsx, sheet 题目与选项, which
``make codebook`` writes: :attr:`Consideration.excel`), then as the few ``questionnaire.yml``
lines that change (:attr:`Consideration.patch`); :attr:`Consideration.fix` keeps the whole
entry for programs that replace it.
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
from .io.scales import AWARENESS_PAIRS, YES_NO, is_identity_title, match_scale
from .questionnaire import Question, Questionnaire, _norm_label

__all__ = ["Eligibility", "Consideration", "Instruction", "NOT_MADE_ZH", "satisfaction_eligibility", "awareness_eligibility",
           "appraisal_eligibility", "before_after_eligibility", "explain_analyses",
           "ANALYSIS_ZH"]

ANALYSIS_ZH = {"satisfaction": "满意度分析", "awareness": "政策知晓率", "appraisal": "测评分析",
               "before_after": "前后对比"}
TYPE_ZH = {"single": "单选题", "multi": "多选题", "matrix": "矩阵题", "scale": "量表题",
           "text": "填空题", "ranking": "排序题", "yesno": "是非题"}
_DEDUCT = re.compile(r"扣\s*\d+(?:\.\d+)?\s*分|不扣分")
_RATING_TITLE = re.compile(r"满意|评价|程度|认可|同意|符合|重要|打分|评分|好不好|怎么样")
_BANDS = {"优秀", "合格", "基本合格", "不合格", "称职", "基本称职", "不称职"}

WORKBOOK = "问卷定义.xlsx"       # kit.codebook.DEFAULT_WORKBOOK (not imported: codebook imports us)
SHEET = "题目与选项"            # kit.codebook.QUESTION_SHEET
# A rating question's text that says it is about satisfaction.
SATISFACTION_WORDS = re.compile(r"满意")
# What else a rating question's text may be about (first match named in the reason): such a
# question is not a satisfaction question even if its text also says 满意.
OTHER_TOPICS = [("重要程度", re.compile(r"重要")),
                ("频率", re.compile(r"频率|频次|次数|多久|经常|常不常")),
                ("可能性", re.compile(r"可能|推荐|愿意|意愿")),
                ("了解程度", re.compile(r"了解|知道|熟悉|知晓|听说")),
                ("期望", re.compile(r"期望|期待|希望")),
                ("信任程度", re.compile(r"信任|信心|相信")),
                ("难易程度", re.compile(r"难度|困难|难易|容易")),
                ("需求", re.compile(r"需要|需求"))]
# Text that asks whether the respondent knows or has heard of something.
AWARENESS_WORDS = re.compile(r"知道|了解|听说|听过|知晓|知悉|晓得|清楚|熟悉|获悉")
# ... but not whether one wishes to know it.
NOT_AWARENESS = re.compile(r"(希望|想|需要|愿意|打算)(进一步|更多|更|多)?(了解|知道|知晓|熟悉)")


def asks_awareness(title: str) -> bool:
    """The text asks whether the respondent knows or has heard of something.

    >>> asks_awareness("您是否知道本村第一书记是谁"), asks_awareness("您是否听说过积分超市")
    (True, True)
    >>> asks_awareness("请问您是中兴员工或有家属在中兴通讯工作吗?")
    False
    >>> asks_awareness("您希望进一步了解哪方面的政策")
    False
    """
    t = title or ""
    return bool(AWARENESS_WORDS.search(t)) and not NOT_AWARENESS.search(t)


def _other_topic(title: str) -> tuple[str, str] | None:
    """(topic, word) of the first :data:`OTHER_TOPICS` the text names."""
    for topic, rx in OTHER_TOPICS:
        m = rx.search(title or "")
        if m:
            return topic, m.group(0)
    return None


def satisfaction_basis(q: Question, m) -> str:
    """Why ``q`` (with its recognised scale ``m``, or None) is not a satisfaction question;
    empty when its labels or text say it is one.

    >>> from kit.questionnaire import Option
    >>> imp = Question("q13", "各方面对您而言重要性如何?(1分表示非常不重要,5分表示非常重要)", "scale",
    ...                options=[Option(i, f"{i}分", float(i)) for i in range(1, 6)])
    >>> satisfaction_basis(imp, None)
    '题干问的是重要程度（“重要”），不是满意度题，不计入满意度分析'
    """
    family = m.family if m is not None else None
    if family == "satisfaction":
        return ""
    other = _other_topic(q.title)
    if family == "importance":
        why = f"选项是{m.name}，问的是重要程度"
    elif SATISFACTION_WORDS.search(q.title or "") and other is None:
        return ""
    elif other is not None:
        why = f"题干问的是{other[0]}（“{other[1]}”）"
    elif family in ("agreement", "fit"):
        why = f"选项是{m.name}，题干没有说满意（如「我对……感到满意」）"
    else:
        why = "题干和选项都没有说满意"
    return why + "，不是满意度题，不计入满意度分析"


# what a document handed in says, neutrally, of an analysis that was not made
NOT_MADE_ZH = {"satisfaction": "本次调查未设置满意度评价题，未计算满意率。",
               "awareness": "本次调查未设置政策知晓题。",
               "appraisal": "本次测评没有可以统计的测评题。",
               "before_after": "两轮调查没有可以比较的满意度题目，未作前后对比。"}


class Instruction(str):
    """A sentence to the evaluator (what an analysis left out and how to change the codebook):
    for the terminal, ``make check``, notebooks and 题目纳入情况.xlsx, never for a document that
    is handed in, which says at most :data:`NOT_MADE_ZH` of its ``analysis``.

    >>> s = Instruction("政策知晓率：考察了1道题，纳入0道。", "awareness")
    >>> s == "政策知晓率：考察了1道题，纳入0道。", s.analysis, isinstance(s, str)
    (True, 'awareness', True)
    """

    def __new__(cls, text: str, analysis: str = ""):
        obj = super().__new__(cls, text)
        obj.analysis = analysis
        return obj


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
    excel: str = ""     # the same fix said as the columns of 问卷定义.xlsx to fill in
    patch: str = ""     # the same fix as only the lines of the entry that change
    number: int | None = None

    @property
    def name(self) -> str:
        return question_name(self.question_id, self.number, self.title)


def question_name(qid: str, number: int | None, title: str, width: int = 24) -> str:
    """A question as the evaluator finds it: its number (the export's 题号, the workbook's 题号
    column), its id (编号) and its title, never a column number of one of the files.

    >>> question_name("q3", 3, "性别"), question_name("overall", 7, "总体满意度")
    ('q3「性别」', '第7题 overall「总体满意度」')
    >>> question_name("col_11", None, "请选择省份城市与地区:")
    'col_11「请选择省份城市与地区:」（无题号）'
    """
    t = title if len(title) <= width else title[:width] + "…"
    if number is None:
        return f"{qid}「{t}」（无题号）"
    return f"{qid}「{t}」" if qid == f"q{number}" else f"第{number}题 {qid}「{t}」"


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
                              "fix": c.fix, "excel": c.excel, "patch": c.patch or c.fix}
                             for c in self.considered],
                            columns=["analysis", "question_id", "title", "type", "taken",
                                     "reasons", "fix_file", "fix", "excel", "patch"])

    def display_frame(self) -> pd.DataFrame:
        """The same with Chinese headers, for notebooks and workbooks: the fix as the columns of
        问卷定义.xlsx to fill in, and as the lines that change (not the whole entry)."""
        t = self.to_frame()
        return pd.DataFrame({"分析": t["analysis"].map(ANALYSIS_ZH), "题目": t["question_id"],
                             "题干": t["title"], "题型": t["type"].map(lambda x: TYPE_ZH.get(x, x)),
                             "是否纳入": t["taken"].map({True: "纳入", False: "未纳入"}),
                             "未纳入的原因": t["reasons"], f"建议修改（{WORKBOOK}）": t["excel"],
                             "修改文件": t["fix_file"], "改动的行": t["patch"]})

    @property
    def advice(self) -> list[str]:
        """Each fix for the reader: the workbook's columns first, then the lines that change."""
        out = []
        for c in self.left:
            if not c.fix:
                continue
            if c.excel:
                out.append(f"# {c.name}：在{WORKBOOK}（工作表「{SHEET}」）中{c.excel}；"
                           "或在 questionnaire.yml 中改动该题的这几行：")
                out.append(c.patch.rstrip("\n"))
            else:
                out.append(f"# {c.name}：在 {c.fix_file} 中加上：")
                out.append(c.fix.rstrip("\n"))
        return out

    @property
    def sentences(self) -> list[str]:
        name = ANALYSIS_ZH[self.analysis]
        if not self.considered:
            return [Instruction(x, self.analysis) for x in [f"{name}：问卷中没有可供考察的题目。"] + self.notes]
        head = (f"{name}：考察了{len(self.considered)}道题，纳入{len(self.taken)}道"
                + (f"（{_ids(self.taken)}）" if self.taken else "") + "。")
        out = [head]
        by_reason: dict[str, list[Consideration]] = {}
        for c in self.left:
            by_reason.setdefault("；".join(c.reasons), []).append(c)
        for reason, cs in by_reason.items():
            out.append(f"未纳入 {_ids(cs)}：{reason}。")
        if self.fixes:
            if any(c.excel for c in self.left):
                how = (f"按建议在{WORKBOOK}（工作表「{SHEET}」，make codebook 导出）中修改、"
                       "make codebook-import 读回后（或在 questionnaire.yml 中改动相应的行），")
            else:
                files = sorted({c.fix_file for c in self.left if c.fix})
                how = f"按建议的写法在{'、'.join(files)}中加入相应行后，"
            out.append(f"{how}{len(self.fixes)}道题即可纳入{name}。")
        return [Instruction(x, self.analysis) for x in out + self.notes]


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


def excel_fix(q: Question, fixed: Question) -> str:
    """The change from ``q`` to ``fixed``, said as the columns of the Excel codebook.

    >>> from kit.questionnaire import Option
    >>> q = Question("q6", "您是否知道本村第一书记是谁", "single", options=[Option(1, "是"), Option(2, "否")])
    >>> f = copy.deepcopy(q); f.type, f.satisfied = "yesno", [1]
    >>> excel_fix(q, f)
    '在「题型」列改为“是非题”，在「满意/知晓项」列为“是”填“是”'
    """
    parts = []
    if fixed.type != q.type:
        parts.append(f"在「题型」列改为“{TYPE_ZH.get(fixed.type, fixed.type)}”")
    scores = {o.code: o.score for o in fixed.options}
    if any(o.score is None for o in q.options) and all(v is not None for v in scores.values()):
        shown = "、".join(f"{o.label}={scores[o.code]:g}" for o in q.options[:6])
        parts.append(f"在「分值」列填写每个选项的分值（建议：{shown}{'…' if len(q.options) > 6 else ''}）")
    sat = fixed.satisfied or []
    if sat and sat != (q.satisfied or []):
        labels = "、".join(o.label for o in q.options if o.code in sat)
        parts.append(f"在「满意/知晓项」列为“{labels}”填“是”")
    return "，".join(parts)


def _flow(v) -> str:
    import yaml

    return yaml.safe_dump(v, allow_unicode=True, default_flow_style=True, width=10_000).strip()


def yaml_patch(q: Question, fixed: Question) -> str:
    """Only the lines of ``q``'s questionnaire.yml entry that change (the rest stays as it is).

    >>> from kit.questionnaire import Option
    >>> q = Question("q6", "您是否知道本村第一书记是谁", "single", options=[Option(1, "是"), Option(2, "否")])
    >>> f = copy.deepcopy(q); f.type, f.satisfied = "yesno", [1]
    >>> print(yaml_patch(q, f), end="")
    - id: q6
      type: yesno
      satisfied: [1]
    """
    lines = [f"- id: {q.id}"]
    if fixed.type != q.type:
        lines.append(f"  type: {fixed.type}")
    if [o.score for o in fixed.options] != [o.score for o in q.options]:
        lines.append("  options: " + _flow([{"code": o.code, "label": o.label, "score": o.score}
                                            for o in fixed.options]))
    if (fixed.satisfied or []) != (q.satisfied or []):
        lines.append(f"  satisfied: {_flow(list(fixed.satisfied or []))}")
    return "\n".join(lines) + "\n"


def _advise(c: Consideration, q: Question, fixed: Question) -> None:
    """The fix three ways: the whole entry, the workbook's columns, the lines that change."""
    c.fix = question_yaml(fixed)
    c.excel = excel_fix(q, fixed)
    c.patch = yaml_patch(q, fixed)


def _top_two(q: Question) -> list[int]:
    by = sorted(q.options, key=lambda o: (o.score is None, o.score))
    return sorted(o.code for o in by[-2:])


# ------------------------------------------------------------------------- satisfaction
def _satisfaction_one(q: Question, answered: int | None) -> Consideration | None:
    c = Consideration(q.id, q.title, q.type, taken=False, number=q.number)
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
    why_not = satisfaction_basis(q, m)
    if why_not and not q.satisfied:
        c.reasons.append(why_not)
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
            c.reasons.append(f"没有列出满意项 (satisfied)：选项是{m.name}，"
                             f"题干说的是满意；建议把“{'”“'.join(sat)}”计为满意（最高两档，请按评估方案核对）")
        else:
            c.reasons.append(f"没有列出满意项 (satisfied)；建议把“{'”“'.join(sat)}”计为满意")
    _advise(c, q, fixed)
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
        c = Consideration(q.id, q.title, q.type, taken=q.type == "yesno" and bool(q.satisfied),
                          number=q.number)
        about = pair in AWARENESS_PAIRS or asks_awareness(q.title)
        if c.taken:  # the codebook says so: the analysis takes it
            if not about:
                kind = "身份类问题" if is_identity_title(q.title) else "不是问是否知道某事的题目"
                e.notes.append(f"{c.name}像是{kind}，却列出了知晓项 (satisfied)，知晓率表中会出现它的"
                               f"“{pair[0]}”的比例；请核对问卷定义。")
            e.considered.append(c)
            continue
        if not about:
            if is_identity_title(q.title):
                c.reasons.append("身份类问题（如「您是否为党员」），不是知晓题，不计知晓率")
            else:
                c.reasons.append(f"题干没有问是否知道、了解或听说过某事（如「您是否知道……」），选项"
                                 f"“{pair[0]}/{pair[1]}”也不说明是否知晓：不是知晓题，不计知晓率")
            e.considered.append(c)
            continue
        fixed = copy.deepcopy(q)
        yes = next(o.code for o in q.options if _norm_label(o.label) == pair[0])
        if q.type != "yesno":
            c.reasons.append("题型为单选题 (single)，知晓率只计算是非题 (yesno)")
            fixed.type = "yesno"
        if not q.satisfied:
            fixed.satisfied = [yes]
            why = (f"选项“{pair[0]}/{pair[1]}”说的是是否知晓，" if pair in AWARENESS_PAIRS else
                   "题干问的是受访者是否知道（了解、听说过）某事，")
            c.reasons.append(f"没有列出知晓项 (satisfied)：{why}建议把“{pair[0]}”计为知晓")
        _advise(c, q, fixed)
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
