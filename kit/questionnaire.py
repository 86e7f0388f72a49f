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
      - id: advice
        number: 6
        title: 您所在的村名及建议
        type: text
        mask: false                    # names in this text are kept (phones are always masked)
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
    "load_questionnaire", "dump_questionnaire", "normalise_title", "questionnaire_from_dict",
    "short_title",
]

from .definitions.words import (DEFAULT_EXCLUDE, PERSONAL_KINDS, QUALITY_REASONS,  # noqa: E402
                                QUESTION_TYPES)


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
    mask: bool = True                   # false: names in this free text are not masked

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


_ADDRESS = re.compile(r"^(?:请问)?(?:您所在的|您所在|您的|您对于|您对|您)")


def short_title(title: str) -> str:
    """A question's title as a chart or report names it: without the address to the
    respondent (您的、您所在的、您对) and the question mark.

    >>> [short_title(t) for t in ("您所在的乡镇", "您的身份", "您对本村党建引领工作的总体满意程度",
    ...                           "您是否知道本村实施了党建引领扶贫工程？", "村集体经济项目成效")]
    ['乡镇', '身份', '本村党建引领工作的总体满意程度', '是否知道本村实施了党建引领扶贫工程', '村集体经济项目成效']

    A title that ends in the copula of its question (「最高学历是：」「年龄为？」) names the
    group without it, so that 「按最高学历分」 reads right; 「您认为」「作为」 keep theirs:

    >>> [short_title(t) for t in ("您的最高学历是：", "您的年龄为？", "您的性别是 ?", "工作作为", "村民代表大会的作用是否",
    ...                           "您的身份是（ ）", "总体满意度（0–10分）")]
    ['最高学历', '年龄', '性别', '工作作为', '村民代表大会的作用是否', '身份', '总体满意度（0–10分）']
    """
    t = _ADDRESS.sub("", str(title).strip()).strip()
    t = re.sub(r"(?:[\s？?：:。_＿]|（\s*）|\(\s*\))+$", "", t)   # 「是（ ）」: the blank, not a note in brackets
    t = re.sub(r"(?<=[^认以成作称视])[是为]$", "", t) if len(t) > 2 else t
    t = re.sub(r"[\s？?：:。]+$", "", t)
    return t or str(title).strip()


# --------------------------------------------------------------------------- validation
def questionnaire_from_spec(spec, path=None) -> Questionnaire:
    """The codebook dataclasses from a validated :class:`~kit.definitions.QuestionnaireSpec`."""
    questions = [
        Question(id=q.id, title=q.title, type=q.type, number=q.number,
                 options=[Option(code=o.code, label=o.label, score=o.score) for o in q.options],
                 rows=[Row(id=r.id, label=r.label, dimension=r.dimension, reverse=r.reverse)
                       for r in q.rows],
                 dimension=q.dimension, reverse=q.reverse,
                 satisfied=list(q.satisfied) if q.satisfied is not None else None,
                 direction=q.direction, role=q.role, personal=q.personal, required=q.required,
                 headers=list(q.headers), mask=q.mask)
        for q in spec.questions]
    qs = spec.quality
    quality = QualitySettings(exclude=list(qs.exclude), speeder_threshold_s=qs.speeder_threshold_s,
                              straight_lining_min_items=qs.straight_lining_min_items)
    return Questionnaire(title=spec.title, questions=questions, platform=spec.platform,
                         groups=list(spec.groups), quality=quality,
                         path=Path(path) if path else None)


def questionnaire_from_dict(d: Any, path=None) -> Questionnaire:
    """Validate a codebook given as a dict (a parsed questionnaire.yml); every problem is a
    :class:`QuestionnaireError` naming the file and the key path."""
    from .definitions import QuestionnaireSpec, validate

    return questionnaire_from_spec(validate(QuestionnaireSpec, d, path, QuestionnaireError), path)


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and validate a ``questionnaire.yml`` (UTF-8 or GB18030; duplicate keys refused)."""
    from .definitions import read_yaml

    path = Path(path)
    d = read_yaml(path, QuestionnaireError, "问卷定义文件不存在")
    return questionnaire_from_dict(d, path)


def _clean(d):
    if isinstance(d, dict):
        # identity, not equality: a score of 0 (a 0-10 item) is kept, only None/[]/False go
        return {k: _clean(v) for k, v in d.items()
                if not (v is None or v is False or (isinstance(v, list) and not v))
                or k in ("code", "label")}
    if isinstance(d, list):
        return [_clean(v) for v in d]
    return d


def questionnaire_to_dict(qn: Questionnaire) -> dict:
    qs = []
    for q in qn.questions:
        d = asdict(q)
        if d.get("direction") == "ascending":
            d.pop("direction")
        keep_mask = d.pop("mask") is False
        d = _clean(d)
        if keep_mask:
            d["mask"] = False
        qs.append(d)
    out = {"title": qn.title, "platform": qn.platform, "groups": qn.groups,
           "quality": asdict(qn.quality), "questions": qs}
    return {k: v for k, v in out.items() if v not in (None, [])}


def dump_questionnaire(qn: Questionnaire, path: str | Path | None = None) -> str:
    text = yaml.safe_dump(questionnaire_to_dict(qn), allow_unicode=True, sort_keys=False,
                          width=100)
    if path is not None:
        from .atomic import write_text

        write_text(path, text)
    return text
