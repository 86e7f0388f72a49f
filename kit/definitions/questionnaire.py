"""``questionnaire.yml``: the typed model of a codebook (see :mod:`kit.questionnaire`)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator
from pydantic.functional_validators import PlainValidator

from .base import (Bool, Identifier, OptText, PositiveInt, Spec, Text, fail, one_of,
                   type_name)
from .words import DEFAULT_EXCLUDE, PERSONAL_KINDS, QUALITY_REASONS, QUESTION_TYPES, ROLES

__all__ = ["QuestionnaireSpec", "QuestionSpec", "OptionSpec", "RowSpec", "QualitySpec",
           "QUESTION_TYPES", "PERSONAL_KINDS", "QUALITY_REASONS", "ROLES", "DEFAULT_EXCLUDE"]

_NEEDS_OPTIONS = ("single", "scale", "yesno", "matrix", "multi", "ranking")
QualityReason = one_of(*QUALITY_REASONS, what="剔除原因")
QuestionType = one_of(*QUESTION_TYPES, what="题型")
Direction = one_of("ascending", "descending", what="方向")
Role = one_of(*ROLES, what="用途")
PersonalKind = one_of(*PERSONAL_KINDS, what="个人信息类别")


def _score(v: Any):
    from .base import _number

    if v is None:
        return None
    return float(_number(v))


def _code(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        hint = f"；请写作 {int(v)}" if isinstance(v, float) and v.is_integer() else ""
        raise fail(f"选项编码应为整数（导出文件“按序号”中的数字），实为{type_name(v)}{hint}")
    return v


class OptionSpec(Spec):
    code: Annotated[int, PlainValidator(_code)]
    label: Text
    score: Annotated[float | None, PlainValidator(_score)] = None


class RowSpec(Spec):
    id: Identifier
    label: Text
    dimension: Text | None = None
    reverse: Bool = False


def _nullable_seconds(v: Any):
    from .base import _bounded

    return None if v is None else _bounded(0)(v)


class QualitySpec(Spec):
    exclude: list[QualityReason] = list(DEFAULT_EXCLUDE)
    speeder_threshold_s: Annotated[float | None, PlainValidator(_nullable_seconds)] = None
    straight_lining_min_items: PositiveInt = 5


class QuestionSpec(Spec):
    id: Identifier
    title: Text
    type: QuestionType
    number: PositiveInt | None = None
    options: list[OptionSpec] = []
    rows: list[RowSpec] = []
    dimension: Text | None = None
    reverse: Bool = False
    satisfied: list[Annotated[int, PlainValidator(_code)]] | None = None
    direction: Direction = "ascending"
    role: Role | None = None
    personal: PersonalKind | None = None
    required: Bool = False
    headers: list[Text] = []
    mask: Bool = True  # false: names in this question's text are kept (numbers always masked)

    @field_validator("options")
    @classmethod
    def _distinct_options(cls, options):
        codes: dict = {}
        labels: dict = {}
        for i, o in enumerate(options):
            if o.code in codes:
                raise fail(f"选项编码{o.code}与 options[{codes[o.code]}] 重复，每个选项应有不同的编码",
                           key=f"[{i}].code")
            key = "".join(o.label.split())
            if key in labels:
                raise fail(f"选项「{o.label}」与 options[{labels[key]}] 重复：两个选项同名时答卷无法区分，"
                           "请改正其中一个", key=f"[{i}].label")
            codes[o.code], labels[key] = i, i
        return options

    @model_validator(mode="after")
    def _consistent(self):
        t = self.type
        if t == "matrix" and not self.rows:
            raise fail("矩阵题需要 rows（每行一个 id 和 label）", key="rows")
        if t == "cascade" and not self.rows:
            raise fail("级联题需要 rows（每一级一个 id 和 label）", key="rows")
        if t in _NEEDS_OPTIONS and not self.options:
            raise fail(f"{t} 题需要选项 options（每项 code、label，量表题另加 score）", key="options")
        if t == "scale":
            for i, o in enumerate(self.options):
                if o.score is None:
                    raise fail("量表题每个选项都需要 score（分值）", key=f"options[{i}].score")
        if self.satisfied is not None:
            codes = [o.code for o in self.options]
            bad = [c for c in self.satisfied if c not in codes]
            if not self.satisfied or bad:
                raise fail(f"应为本题选项编码的列表（可选 {codes}），"
                           + (f"编码 {bad} 不是本题的选项" if bad else "不能为空"), key="satisfied")
        row_ids = [r.id for r in self.rows]
        for i, r in enumerate(row_ids):
            if r in row_ids[:i]:
                raise fail(f"行 id「{r}」重复", key=f"rows[{i}].id")
        return self


class QuestionnaireSpec(Spec):
    title: OptText = ""
    platform: Text | None = None
    groups: list[Identifier] = []
    quality: QualitySpec = QualitySpec()
    questions: list[QuestionSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids(self):
        seen: dict[str, str] = {}
        for i, q in enumerate(self.questions):
            for j, cid in enumerate([q.id] + [r.id for r in q.rows]):
                if cid in seen:
                    key = f"questions[{i}].id" if j == 0 else f"questions[{i}].rows[{j - 1}].id"
                    raise fail(f"id「{cid}」与{seen[cid]}重复，每个题目和矩阵行的 id 应各不相同", key=key)
                seen[cid] = f"questions[{i}]" + ("" if j == 0 else f".rows[{j - 1}]")
        ids = {q.id: q for q in self.questions}
        for i, g in enumerate(self.groups):
            if g not in ids:
                from .base import suggest

                raise fail(f"分组字段「{g}」不是题目 id。{suggest(g, ids)}", key=f"groups[{i}]")
            if ids[g].type not in ("single", "yesno") or not ids[g].options:
                raise fail(f"分组字段「{g}」应为带选项的单选题（如乡镇、村、身份），实为 {ids[g].type} 题",
                           key=f"groups[{i}]")
        return self
