"""The loaded survey: one object that analyses receive, whatever the platform was."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .errors import QuestionnaireError
from .questionnaire import Questionnaire
from .quality import REASON_LABELS, excludes, quality_summary

__all__ = ["Responses", "ExportInfo"]


@dataclass
class ExportInfo:
    """What was recognised: platform, download variant, era, files and notes."""
    platform: str
    variant: str
    era: str
    files: list[str]
    n_rows: int
    notes: list[str] = field(default_factory=list)
    quality_settings: dict = field(default_factory=dict)


@dataclass
class Responses:
    """A survey export, loaded and checked.

    Attributes
    ----------
    data : DataFrame
        One row per response. Metadata under snake_case names (``response_id``,
        ``submitted_at``, ``duration_s``, ``source``, ``region``, ``ip_hash``, ...); choice
        questions hold option codes (nullable integers), scale questions their scores;
        multi-select as ``<id>__<option label>`` 0/1 columns; ranking as rank columns.
    missing : DataFrame
        Same shape: the kind of each missing cell (see :mod:`kit.missing`), NA where answered.
    questions : DataFrame
        One row per data column: ``column``, ``question_id``, ``title``, ``type``,
        ``value`` (code, score, selected, rank, text, hash, meta), ``options``, ``dimension``.
    quality : DataFrame
        One row per flagged response: ``response_id``, ``row`` (its row in the file),
        ``reasons``, ``detail``, ``excluded``.
    repeats : dict of DataFrame
        Repeat groups (KoboToolbox extra sheets), by name: one row per repeat instance, with
        ``response_row`` (the row of ``data`` it belongs to), ``repeat_index``,
        ``parent_table`` and ``parent_index``. ``repeat_missing[name]`` and
        ``repeat_questions[name]`` describe its cells and columns as ``missing`` and
        ``questions`` do for ``data``.
    invalid : DataFrame
        One row per cell that could not be read (its kind in ``missing`` is ``invalid``):
        ``response_id``, ``row``, ``column``, ``raw`` (the text as written, personal numbers
        masked), ``reason``, ``code`` (the quality reason it feeds).
    """

    data: pd.DataFrame
    missing: pd.DataFrame
    questions: pd.DataFrame
    quality: pd.DataFrame
    info: ExportInfo
    questionnaire: Questionnaire
    wave: str | None = None  # the project wave it was loaded as (Project.load)
    repeats: dict[str, pd.DataFrame] = field(default_factory=dict)
    repeat_missing: dict[str, pd.DataFrame] = field(default_factory=dict)
    repeat_questions: dict[str, pd.DataFrame] = field(default_factory=dict)
    invalid: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["response_id", "row", "column", "raw", "reason", "code"]))

    @property
    def excluded(self) -> pd.Series:
        """Boolean Series over ``data.index``: True where analyses drop the response."""
        ex = pd.Series(False, index=self.data.index)
        if len(self.quality):
            ex.loc[self.quality.index[self.quality["excluded"].to_numpy()]] = True
        return ex

    @property
    def valid(self) -> pd.DataFrame:
        """The responses analyses use (not excluded)."""
        return self.data.loc[~self.excluded]

    @property
    def n_total(self) -> int:
        return len(self.data)

    @property
    def n_excluded(self) -> int:
        return int(self.excluded.sum())

    @property
    def n_valid(self) -> int:
        return self.n_total - self.n_excluded

    def satisfied(self, question_id: str | None = None) -> pd.Series:
        """Whether each valid response counts as satisfied/aware on a question (the codebook's
        ``satisfied`` codes; default: the question with ``role: overall``). NA where missing."""
        qs = self.questionnaire.by_id()
        if question_id is None:
            question_id = next((q.id for q in self.questionnaire.questions if q.role == "overall"),
                               None)
            if question_id is None:
                raise QuestionnaireError("没有题目标为总体满意度（role: overall），无法计算总体满意率；请在"
                                         "问卷定义中为该题加上 role: overall (no overall question)",
                                         path=self.questionnaire.path)
        if question_id not in qs:
            raise QuestionnaireError(f"问卷定义中没有题目「{question_id}」",
                                     path=self.questionnaire.path)
        q = qs[question_id]
        if not q.satisfied:
            raise QuestionnaireError(f"键「questions.{question_id}.satisfied」：题目「{question_id}」没有写明哪些"
                                     "选项算作满意，如 satisfied: [4, 5] (no satisfied codes)",
                                     path=self.questionnaire.path)
        values = [o.score if q.has_scores else o.code for o in q.options if o.code in q.satisfied]
        col = self.valid[question_id]
        return col.isin(values).astype("boolean").where(col.notna())

    def quality_summary(self) -> pd.DataFrame:
        return quality_summary(self.quality, self.questionnaire.quality.exclude)

    def question_counts(self) -> pd.Series:
        q = self.questions.dropna(subset=["question_id"]).drop_duplicates("question_id")
        return q["type"].value_counts()

    def exclusion_sentence(self) -> str:
        """E.g. 「共回收答卷420份，剔除8份（答题用时过短5份、电话号码重复3份），有效答卷412份。」"""
        parts = []
        if self.n_excluded:
            ex = self.quality[self.quality["excluded"]]
            counts: dict[str, int] = {}
            for rs in ex["reasons"].str.split(";"):
                first = next(r for r in rs if excludes(r, self.questionnaire.quality.exclude))
                counts[first] = counts.get(first, 0) + 1
            parts = [f"{REASON_LABELS[r]}{n}份" for r, n in counts.items()]
        inner = f"，剔除{self.n_excluded}份（{'、'.join(parts)}）" if parts else "，无剔除"
        return f"共回收答卷{self.n_total}份{inner}，有效答卷{self.n_valid}份。"

    def __repr__(self) -> str:
        return (f"<Responses {self.info.platform}/{self.info.variant}: {self.n_total} responses, "
                f"{self.n_excluded} excluded, {self.data.shape[1]} columns>")
