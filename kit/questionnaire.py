"""The questionnaire codebook (``questionnaire.yml``): what each question is and how to read it.

A codebook is drafted from an export by ``kit init-questionnaire`` and then corrected by hand:
nobody should type 60 questions. It is validated on load; every error names the file and key.

Example (abridged)::

    title: 党建引领扶贫工程电话回访问卷
    platform: wjx
    quality:
      exclude: [duplicate_id, duplicate_phone, speeder]
      speeder_threshold_s: null        # null: a third of the median duration
    groups: [township, village]
    questions:
      - id: township
        number: 1
        title: 您所在的乡镇
        type: single
        role: group
        options:
          - {code: 1, label: 城关镇}
      - id: phone
        number: 4
        title: 联系电话
        type: text
        personal: phone
      - id: overall
        number: 7
        title: 您对本村党建引领扶贫工作的总体满意度
        type: scale
        satisfied: [4, 5]
        options:
          - {code: 1, label: 非常不满意, score: 1}
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import QuestionnaireError

__all__ = [
    "Option", "Row", "Question", "QualitySettings", "Questionnaire",
    "QUESTION_TYPES", "PERSONAL_KINDS", "QUALITY_REASONS",
    "load_questionnaire", "dump_questionnaire", "normalise_title",
]

QUESTION_TYPES = ("single", "multi", "matrix", "scale", "text", "ranking", "yesno")
PERSONAL_KINDS = ("phone", "id_card", "name", "nickname", "email", "ip", "coordinates",
                  "respondent_id")
QUALITY_REASONS = ("duplicate_id", "duplicate_phone", "duplicate_answers", "shared_ip",
                   "speeder", "straight_lining", "out_of_range", "missing_required")
DEFAULT_EXCLUDE = ("duplicate_id", "duplicate_phone", "speeder")
_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class Option:
    code: int
    label: str
    score: float | None = None


@dataclass
class Row:
    """One row (item) of a matrix question."""
    id: str
    label: str
    dimension: str | None = None
    reverse: bool = False


@dataclass
class Question:
    id: str
    title: str
    type: str
    number: int | None = None
    options: list[Option] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    dimension: str | None = None
    reverse: bool = False
    satisfied: list[int] | None = None  # codes counted as satisfied / aware
    direction: str = "ascending"        # higher score = better
    role: str | None = None             # group | overall | respondent_id
    personal: str | None = None         # see PERSONAL_KINDS
    required: bool = False
    headers: list[str] = field(default_factory=list)  # other spellings seen in exports

    @property
    def has_scores(self) -> bool:
        return any(o.score is not None for o in self.options)

    def option_by_label(self) -> dict[str, Option]:
        return {_norm_label(o.label): o for o in self.options}


@dataclass
class QualitySettings:
    exclude: list[str] = field(default_factory=lambda: list(DEFAULT_EXCLUDE))
    speeder_threshold_s: float | None = None       # None: a third of the median duration
    straight_lining_min_items: int = 5


@dataclass
class Questionnaire:
    title: str
    questions: list[Question]
    platform: str | None = None
    groups: list[str] = field(default_factory=list)
    quality: QualitySettings = field(default_factory=QualitySettings)
    path: Path | None = None

    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def personal_questions(self) -> list[Question]:
        return [q for q in self.questions if q.personal]


# ------------------------------------------------------------------------------ matching
_TYPE_TAG = re.compile(r"\s*[（(]\s*[^()（）]*?题[^()（）]*[)）]\s*$")
_NUM_PREFIX = re.compile(r"^\s*(?:第)?\d+\s*(?:[、.．:：]|题)\s*")


def _norm_label(s: str) -> str:
    return re.sub(r"\s+", "", str(s)).replace("（", "(").replace("）", ")")


def normalise_title(title: str) -> str:
    """Title as compared between codebook and export: no number, no type tag, no spaces.

    >>> normalise_title("13、如下各方面的重要性如何? (矩阵单选题 *必答)")
    '如下各方面的重要性如何?'
    >>> normalise_title(" 3、性别 ")
    '性别'
    """
    t = _NUM_PREFIX.sub("", str(title))
    t = _TYPE_TAG.sub("", t)
    return _norm_label(t)


# --------------------------------------------------------------------------- validation
def _err(path, key, msg):
    return QuestionnaireError(f"键「{key}」：{msg}", path=path)


def _req(d: dict, key: str, path, where: str, kind=str):
    if key not in d or d[key] is None:
        raise _err(path, f"{where}.{key}", f"缺少必填项 (missing required key '{key}')")
    v = d[key]
    if kind is str and not isinstance(v, (str, int)):
        raise _err(path, f"{where}.{key}", f"应为文字 (expected text, got {type(v).__name__})")
    return str(v) if kind is str else v


def _parse_options(raw, path, where) -> list[Option]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise _err(path, where, "应为选项列表 (expected a list of {code, label, score})")
    out, seen = [], set()
    for i, o in enumerate(raw):
        w = f"{where}[{i}]"
        if not isinstance(o, dict):
            raise _err(path, w, "应为 {code, label, score} (expected a mapping)")
        code = o.get("code")
        if isinstance(code, bool) or not isinstance(code, int):
            raise _err(path, f"{w}.code", f"选项编码应为整数 (expected an integer, got {code!r})")
        if code in seen:
            raise _err(path, f"{w}.code", f"选项编码{code}重复 (duplicate option code)")
        seen.add(code)
        label = _req(o, "label", path, w)
        score = o.get("score")
        if score is not None and (isinstance(score, bool) or not isinstance(score, (int, float))):
            raise _err(path, f"{w}.score", f"分值应为数字 (expected a number, got {score!r})")
        out.append(Option(code=code, label=label, score=None if score is None else float(score)))
    return out


def _question_from_dict(d: dict, path, i: int) -> Question:
    where = f"questions[{i}]"
    if not isinstance(d, dict):
        raise _err(path, where, "应为题目定义 (expected a mapping)")
    known = {f for f in Question.__dataclass_fields__}
    extra = set(d) - known
    if extra:
        raise _err(path, f"{where}.{sorted(extra)[0]}",
                   f"未知的键 (unknown key; allowed: {', '.join(sorted(known))})")
    qid = _req(d, "id", path, where)
    if not _ID.match(qid):
        raise _err(path, f"{where}.id", f"题目 id「{qid}」应为英文 snake_case "
                   "(expected letters, digits and _ , not starting with a digit)")
    qtype = _req(d, "type", path, where)
    if qtype not in QUESTION_TYPES:
        raise _err(path, f"{where}.type", f"未知题型「{qtype}」(expected one of "
                   f"{', '.join(QUESTION_TYPES)})")
    personal = d.get("personal")
    if personal is not None and personal not in PERSONAL_KINDS:
        raise _err(path, f"{where}.personal", f"未知的个人信息类别「{personal}」(expected one "
                   f"of {', '.join(PERSONAL_KINDS)})")
    options = _parse_options(d.get("options"), path, f"{where}.options")
    rows = []
    for j, r in enumerate(d.get("rows") or []):
        w = f"{where}.rows[{j}]"
        if not isinstance(r, dict):
            raise _err(path, w, "应为 {id, label} (expected a mapping)")
        rid = _req(r, "id", path, w)
        if not _ID.match(rid):
            raise _err(path, f"{w}.id", f"「{rid}」应为英文 snake_case")
        rows.append(Row(id=rid, label=_req(r, "label", path, w), dimension=r.get("dimension"),
                        reverse=bool(r.get("reverse", False))))
    if qtype == "matrix" and not rows:
        raise _err(path, f"{where}.rows", "矩阵题需要 rows (a matrix question needs rows)")
    if qtype in ("single", "scale", "yesno", "matrix", "multi", "ranking") and not options:
        raise _err(path, f"{where}.options", f"{qtype} 题需要选项 (a {qtype} question needs "
                   "options)")
    if qtype == "scale" and any(o.score is None for o in options):
        raise _err(path, f"{where}.options", "量表题每个选项都需要 score (every option of a "
                   "scale question needs a score)")
    satisfied = d.get("satisfied")
    if satisfied is not None:
        codes = {o.code for o in options}
        if not isinstance(satisfied, list) or any(c not in codes for c in satisfied):
            raise _err(path, f"{where}.satisfied", f"应为该题的选项编码列表 (expected a list of "
                       f"option codes among {sorted(codes)}, got {satisfied!r})")
    direction = d.get("direction", "ascending")
    if direction not in ("ascending", "descending"):
        raise _err(path, f"{where}.direction", "应为 ascending 或 descending")
    number = d.get("number")
    if number is not None and (isinstance(number, bool) or not isinstance(number, int)):
        raise _err(path, f"{where}.number", f"题号应为整数 (expected an integer, got {number!r})")
    return Question(
        id=qid, title=_req(d, "title", path, where), type=qtype, number=number,
        options=options, rows=rows, dimension=d.get("dimension"),
        reverse=bool(d.get("reverse", False)), satisfied=satisfied, direction=direction,
        role=d.get("role"), personal=personal, required=bool(d.get("required", False)),
        headers=[str(h) for h in d.get("headers") or []],
    )


def questionnaire_from_dict(d: Any, path=None) -> Questionnaire:
    if not isinstance(d, dict):
        raise QuestionnaireError("问卷定义应为 YAML 映射 (expected a YAML mapping at top level)",
                                 path=path)
    qs_raw = d.get("questions")
    if not isinstance(qs_raw, list) or not qs_raw:
        raise _err(path, "questions", "缺少题目列表 (expected a non-empty list of questions)")
    questions = [_question_from_dict(q, path, i) for i, q in enumerate(qs_raw)]
    ids: dict[str, str] = {}
    for q in questions:
        for cid in [q.id] + [r.id for r in q.rows]:
            if cid in ids:
                raise _err(path, f"questions.{cid}", f"id「{cid}」重复 (duplicate id)")
            ids[cid] = q.id
    qd = d.get("quality") or {}
    if not isinstance(qd, dict):
        raise _err(path, "quality", "应为映射 (expected a mapping)")
    exclude = qd.get("exclude", list(DEFAULT_EXCLUDE))
    bad = [r for r in exclude if r not in QUALITY_REASONS]
    if bad:
        raise _err(path, "quality.exclude", f"未知的剔除原因 {bad} (expected among "
                   f"{', '.join(QUALITY_REASONS)})")
    thr = qd.get("speeder_threshold_s")
    if thr is not None and (isinstance(thr, bool) or not isinstance(thr, (int, float)) or thr < 0):
        raise _err(path, "quality.speeder_threshold_s", f"应为非负秒数 (expected seconds, got "
                   f"{thr!r})")
    quality = QualitySettings(exclude=list(exclude), speeder_threshold_s=thr,
                              straight_lining_min_items=int(qd.get("straight_lining_min_items", 5)))
    groups = d.get("groups") or []
    for g in groups:
        if g not in ids:
            raise _err(path, "groups", f"分组字段「{g}」不是题目 id (not a question id)")
    return Questionnaire(title=str(d.get("title", "")), questions=questions,
                         platform=d.get("platform"), groups=list(groups), quality=quality,
                         path=Path(path) if path else None)


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and validate a ``questionnaire.yml``."""
    path = Path(path)
    if not path.exists():
        raise QuestionnaireError("问卷定义文件不存在 (file not found)", path=path)
    try:
        d = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise QuestionnaireError(f"YAML 语法错误 (YAML syntax error: {getattr(exc, 'problem', exc)})",
                                 path=path, row=mark.line + 1 if mark else None) from None
    return questionnaire_from_dict(d, path)


def _clean(d):
    if isinstance(d, dict):
        return {k: _clean(v) for k, v in d.items()
                if v not in (None, [], False) or k in ("code", "label")}
    if isinstance(d, list):
        return [_clean(v) for v in d]
    return d


def questionnaire_to_dict(qn: Questionnaire) -> dict:
    qs = []
    for q in qn.questions:
        d = asdict(q)
        if d.get("direction") == "ascending":
            d.pop("direction")
        qs.append(_clean(d))
    out = {"title": qn.title, "platform": qn.platform, "groups": qn.groups,
           "quality": asdict(qn.quality), "questions": qs}
    return {k: v for k, v in out.items() if v not in (None, [])}


def dump_questionnaire(qn: Questionnaire, path: str | Path | None = None) -> str:
    text = yaml.safe_dump(questionnaire_to_dict(qn), allow_unicode=True, sort_keys=False,
                          width=100)
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text
