"""Named figures and targets a project may declare in project.yml.

``expected:`` lists published figures a project must reproduce (``n_valid: 412``); each name is
registered here with the result that owns it and how it is read off that result, so a notebook
passes its results to :meth:`kit.project.Project.check_expected` and never assembles the
figures itself. ``targets:`` lists the targets an analysis compares against.

A new figure is one :func:`register` call; the owner is the result's class name, so this
module imports no analysis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

__all__ = ["Figure", "FIGURES", "PREFIXED", "TARGETS", "register", "find_figure",
           "OWNER_NOTEBOOKS"]


@dataclass(frozen=True)
class Figure:
    name: str
    label: str                       # Chinese, for messages and tables
    owner: str                       # class name of the result that computes it
    compute: Callable[..., Any]      # owner result (and the name's suffix, for prefixed names)
    per_wave: bool = True            # a survey figure: differs between waves
    kind: str = "number"             # number | count | text
    needs: Callable[..., str | None] | None = None  # (project spec, codebook) -> why it cannot be computed


FIGURES: dict[str, Figure] = {}
PREFIXED: dict[str, Figure] = {}     # "self_" + first-level indicator name

# which of the kit's notebooks check the figures of each owner
OWNER_NOTEBOOKS = {
    "Responses": ("01_load_and_check", "02_satisfaction", "06_appraisal_survey", "07_questions"),
    "SatisfactionResults": ("02_satisfaction",),
    "AppraisalResults": ("06_appraisal_survey",),
    "Assessment": ("03_self_assessment",),
}


def register(name: str, label: str, owner: str, compute: Callable, *, per_wave: bool = True,
             kind: str = "number", prefix: bool = False, needs: Callable | None = None) -> Figure:
    f = Figure(name, label, owner, compute, per_wave, kind, needs)
    (PREFIXED if prefix else FIGURES)[name] = f
    return f


def find_figure(name: str) -> tuple[Figure, str | None] | None:
    """The figure a name refers to, and the suffix of a prefixed name."""
    if name in FIGURES:
        return FIGURES[name], None
    for prefix, f in PREFIXED.items():
        if name.startswith(prefix) and len(name) > len(prefix):
            return f, name[len(prefix):]
    return None


def _overall(res, key):
    o = res.overall
    return o.get(key) if o.get("source") == "item" else None


def _first(table, column):
    return table[column].iloc[0] if len(table) else None


def _section(a, name):
    return next((s["score"] for s in a.sections if s["name"] == name), None)


def _needs_overall(spec, qn):
    if qn is None or not any(q.role == "overall" and q.satisfied for q in qn.questions):
        return "问卷定义中没有标为 role: overall 且写明 satisfied 的总体满意度题"


def _needs_appraisal(part):
    def check(spec, qn):
        if spec.appraisal is None or getattr(spec.appraisal, part) is None:
            return f"project.yml 的 appraisal: 中没有 {part}:"
    return check


def _needs_indicators(spec, qn):
    if spec.indicators is None and not spec.rollup:
        return "project.yml 中没有指标表 indicators:（或汇总的 rollup:）"


register("n_total", "答卷总数", "Responses", lambda r: r.n_total, kind="count")
register("n_excluded", "剔除答卷数", "Responses", lambda r: r.n_excluded, kind="count")
register("n_valid", "有效答卷数", "Responses", lambda r: r.n_valid, kind="count")
register("n_satisfied", "总体满意的有效答卷数", "SatisfactionResults",
         lambda s: _overall(s, "n_satisfied"), kind="count", needs=_needs_overall)
register("satisfied_share", "总体满意率", "SatisfactionResults",
         lambda s: _overall(s, "satisfied_share"), needs=_needs_overall)
register("n_aware", "知晓政策的有效答卷数", "SatisfactionResults",
         lambda s: _first(s.awareness, "n_aware"), kind="count")
register("aware_share", "政策知晓率", "SatisfactionResults",
         lambda s: _first(s.awareness, "aware_share"))
register("n_below_line", "低于分数线的村干部人数", "AppraisalResults",
         lambda a: int(a.cadres["below_line"].sum()) if len(a.cadres) else None, kind="count",
         needs=_needs_appraisal("cadres"))
register("n_members", "参加评议的党员人数", "AppraisalResults",
         lambda a: len(a.members) if len(a.members) else None, kind="count",
         needs=_needs_appraisal("members"))
register("n_needs_help", "列为一对一帮扶的党员人数", "AppraisalResults",
         lambda a: int(a.members["needs_help"].sum()) if len(a.members) else None, kind="count",
         needs=_needs_appraisal("members"))
register("self_total", "自评总分", "Assessment", lambda a: a.total, per_wave=False,
         needs=_needs_indicators)
register("self_grade", "评价等级", "Assessment", lambda a: a.grade or "不予评级", per_wave=False,
         kind="text", needs=_needs_indicators)
register("self_", "一级指标自评得分（self_ 加一级指标名称，如 self_投入）", "Assessment", _section,
         per_wave=False, prefix=True, needs=_needs_indicators)

# targets: name -> what it is the target of (the analysis reads proj.targets[name])
TARGETS = {"overall_satisfied": "总体满意率的目标（如 0.98 或 \"98%\"）"}
