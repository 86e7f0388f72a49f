"""Appraisal questionnaires (domain systems 3 and 8).

*Mass appraisal of village cadres* (群众测评村干部): respondents score each cadre on
德、能、勤、绩、廉 by "driving-licence" deductions from a starting score. In the codebook, one
matrix question per cadre (rows: the five aspects) whose options carry the points kept or the
deduction as a negative ``score`` (e.g. 不扣分 0, 扣2分 -2, 扣5分 -5). A respondent's score for a
cadre is ``start + sum of the rows' scores``, floored at 0; the cadre's score is the mean over
respondents who answered every row; a cadre below the line (default 60) is flagged.

*Democratic appraisal of members* (民主评议党员): one matrix question, a row per member, options
优秀/合格/基本合格/不合格; the result is the share of votes in each band per member and overall.

Cadres and members are identified by the row labels the evaluator chose (e.g. 村干部01); names
are personal data and do not belong in an export that leaves the village.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import pandas as pd

from .fmt import fmt_for_verdict, fmt_number, fmt_threshold
from .responses import Responses
from .satisfaction import SMALL_N, VERDICT_DIGITS as VD, small_sample_note
from .stats import mean_ci
from .values import to_fraction

__all__ = ["cadre_appraisal", "democratic_appraisal", "analyse_appraisal", "AppraisalResults"]


def cadre_appraisal(r: Responses, question_ids: list[str], start: float = 100.0,
                    line: float = 60.0, eligible: int | None = None) -> pd.DataFrame:
    """One row per cadre: respondents, mean score with its t interval, the mean score of each
    aspect (``mean_aspect_1`` …, in row order; labels in ``table.attrs["aspects"]``), and
    ``below_line``, decided on the exact mean (``score_exact``, a Fraction: option scores and
    ``start``/``line`` taken at their decimal value, so 59.96 is below 60 and 60 is not). ``question_ids`` are the matrix questions, one per cadre (the question title
    names the cadre). With ``eligible`` (party members and villagers entitled to take part),
    ``participation`` says whether more than half took part.

    Examples
    --------
    The hand-computed case in tests/test_appraisal.py: deductions of 0, 2 and 5 points.
    """
    qs = r.questionnaire.by_id()
    data = r.valid
    start_x, line_x = to_fraction(start), to_fraction(line)
    rows = []
    for qid in question_ids:
        q = qs[qid]
        if q.type != "matrix" or not q.has_scores:
            raise ValueError(f"{qid}: a cadre appraisal needs a matrix question with scored options")
        cols = [row.id for row in q.rows]
        block = data[cols].astype("float64")
        complete = block.notna().all(axis=1)
        # exact: option scores as written (-2.5 stays -2.5), so the mean is decided exactly
        person = [max(Fraction(0), start_x + sum(map(to_fraction, vals)))
                  for vals in block[complete].itertuples(index=False)]
        out = {"question_id": qid, "cadre": q.title, "n_respondents": int(complete.sum()),
               "n_incomplete": int((~complete & block.notna().any(axis=1)).sum())}
        exact = sum(person, Fraction(0)) / len(person) if person else None
        if len(person) >= 2:
            m = mean_ci(np.array([float(v) for v in person]))
            out.update(score=float(exact), score_ci_low=m.ci_low, score_ci_high=m.ci_high)
        elif len(person) == 1:
            out.update(score=float(exact), score_ci_low=np.nan, score_ci_high=np.nan)
        else:
            out.update(score=np.nan, score_ci_low=np.nan, score_ci_high=np.nan)
        out["score_exact"] = exact
        for k, row in enumerate(q.rows, start=1):  # by position: every cadre has 德能勤绩廉
            out[f"mean_aspect_{k}"] = float(block.loc[complete, row.id].mean()) if complete.any() else np.nan
        out["below_line"] = exact is not None and exact < line_x
        if eligible:
            out["participation"] = out["n_respondents"] / eligible
            out["participation_ok"] = out["n_respondents"] > eligible / 2
        rows.append(out)
    table = pd.DataFrame(rows)
    table.attrs["aspects"] = [row.label for row in qs[question_ids[0]].rows] if question_ids else []
    return table


def democratic_appraisal(r: Responses, question_id: str,
                         help_bands: int = 2) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per member and overall: votes in each band and their shares.

    Returns ``(per_member, overall)``; bands are the question's options in order (best first).
    Per member, ``rating`` is the band with the most votes (``tie`` when two bands share the
    most; the rating is then the lower band and the tie is shown so that the branch decides),
    and ``needs_help`` marks a rating in the lowest ``help_bands`` bands (default: 基本合格 and
    不合格), the members a branch gives one-to-one help (一对一帮扶).

    Overall shares pool every vote; their 95% intervals treat each rater's votes as a cluster
    (one rater's votes are not independent), computed by :func:`kit.design.design_mean`.
    """
    from .design import design_mean

    q = r.questionnaire.by_id()[question_id]
    if q.type != "matrix":
        raise ValueError(f"{question_id}: a democratic appraisal needs a matrix question")
    data = r.valid
    bands = [(o.code, o.label) for o in q.options]
    value_of = {o.code: (o.score if q.has_scores else o.code) for o in q.options}
    low = {code for code, _ in bands[-help_bands:]} if help_bands else set()
    members = []
    for row in q.rows:
        x = data[row.id].dropna()
        n = len(x)
        rec = {"member": row.label, "column": row.id, "n_votes": n}
        counts = []
        for code, _ in bands:
            k = int((x == value_of[code]).sum())
            counts.append(k)
            rec[f"n_{code}"] = k
            rec[f"share_{code}"] = k / n if n else np.nan
        top = max(counts) if n else 0
        winners = [i for i, k in enumerate(counts) if k == top] if n else []
        pick = winners[-1] if winners else None
        rec["rating"] = bands[pick][1] if pick is not None else None
        rec["tie"] = len(winners) > 1
        rec["needs_help"] = pick is not None and bands[pick][0] in low
        members.append(rec)
    per_member = pd.DataFrame(members)
    cols = [row.id for row in q.rows]
    votes = data[cols].stack().rename("vote").reset_index()  # one row per (rater, member) vote
    overall = []
    for code, label in bands:
        hit = (votes["vote"] == value_of[code]).astype("float64")
        k = int(hit.sum())
        if len(votes) and 0 < k < len(votes):
            d = design_mean(hit, np.ones(len(votes)), cluster=votes.iloc[:, 0], share=True)
            lo, hi = d.ci_low, d.ci_high
        else:
            lo = hi = np.nan
        overall.append({"band_code": code, "band": label, "n_votes": k,
                        "share": k / len(votes) if len(votes) else np.nan,
                        "share_ci_low": lo, "share_ci_high": hi})
    return per_member, pd.DataFrame(overall)


@dataclass
class AppraisalResults:
    """What :func:`analyse_appraisal` computes: tables (snake_case) and report sentences."""

    cadres: pd.DataFrame = field(default_factory=pd.DataFrame)
    members: pd.DataFrame = field(default_factory=pd.DataFrame)
    member_bands: pd.DataFrame = field(default_factory=pd.DataFrame)
    line: float = 60.0    # as written in project.yml (int, float or Fraction)
    sentences: list[str] = field(default_factory=list)


def analyse_appraisal(r: Responses, spec: dict) -> AppraisalResults:
    """Run the appraisals that ``appraisal:`` in project.yml declares::

        appraisal:
          cadres:                  # 群众测评村干部
            questions: [cadre_01, cadre_02]
            start: 100             # 起始分
            line: 60               # 低于此分数的村干部提请调整
            eligible: 180          # 应参加人数（党员和村民代表）
          members:                 # 民主评议党员
            question: pingyi
            help_bands: 2          # 评议结果落在最低两档的列为一对一帮扶对象

    Every number in the sentences is taken from the returned tables.
    """
    res = AppraisalResults()
    n_valid = len(r.valid)
    out = [f"本次测评{r.exclusion_sentence()}"]
    skipped: list[str] = []
    c = spec.get("cadres")
    if c:
        res.line = c.get("line", 60)
        line = to_fraction(res.line)
        res.cadres = cadre_appraisal(r, list(c["questions"]), start=c.get("start", 100),
                                     line=res.line, eligible=c.get("eligible"))
        t = res.cadres
        if c.get("eligible"):
            share = Fraction(n_valid, int(c["eligible"]))
            ok = share > Fraction(1, 2)
            out.append(f"应参加测评{c['eligible']}人，有效答卷{n_valid}份，参与率"
                       f"{fmt_for_verdict(share, Fraction(1, 2), 1, percent=True, max_digits=VD)}，"
                       + ("超过半数，测评有效。" if ok else "未超过半数，测评结果不能作为调整依据。"))
        scored = t[t["score"].notna()]
        if len(scored):
            lo, hi = min(scored["score_exact"]), max(scored["score_exact"])
            out.append(f"{len(t)}名村干部的平均得分在{fmt_for_verdict(lo, line, 1, max_digits=VD)}分至"
                       f"{fmt_for_verdict(hi, line, 1, max_digits=VD)}分之间。")
        for row in t[t["score"].isna()].itertuples(index=False):
            skipped.append(f"{row.cadre}没有完整的测评答卷（各项都评价的答卷为0份），未计算得分。")
        low = t[t["below_line"]]
        for row in low.itertuples(index=False):
            out.append(f"{row.cadre}平均得分{fmt_for_verdict(row.score_exact, line, 1, max_digits=VD)}分"
                       f"（{_score_ci_text(row)}），低于{fmt_threshold(line, max_digits=VD)}分，按规定提请调整。")
        if not len(low) and len(scored):
            out.append(f"没有村干部得分低于{fmt_threshold(line, max_digits=VD)}分。")
    m = spec.get("members")
    if m:
        res.members, res.member_bands = democratic_appraisal(r, m["question"],
                                                             help_bands=int(m.get("help_bands", 2)))
        t = res.members
        counts = t["rating"].value_counts()
        bands = list(res.member_bands["band"])
        out.append(f"共评议党员{len(t)}名，评议结果为" + "、".join(
            f"{b}{int(counts.get(b, 0))}名" for b in bands) + "。")
        need = t[t["needs_help"]]
        if len(need):
            out.append(f"{'、'.join(need['member'])}的评议结果为基本合格或不合格，列为一对一帮扶对象。"
                       if int(m.get("help_bands", 2)) == 2 else
                       f"{'、'.join(need['member'])}列为一对一帮扶对象。")
        tie = t[t["tie"]]
        if len(tie):
            out.append(f"{'、'.join(tie['member'])}的票数在两个等次间持平，按较低等次列示，"
                       "请党组织研究确定。")
        for row in t[t["n_votes"] == 0].itertuples(index=False):
            skipped.append(f"{row.member}没有得到有效评议票，未确定评议结果。")
    if n_valid < SMALL_N:
        out[1 if len(out) > 1 else 0] += small_sample_note(n_valid)
    res.sentences = out + skipped
    return res


def _score_ci_text(row) -> str:
    """The interval of a cadre's mean score, or why there is none."""
    if row.n_respondents < 2:
        return f"仅{row.n_respondents}人测评，无法计算置信区间"
    if row.score_ci_low == row.score_ci_high:
        return f"{row.n_respondents}人给分全部相同，置信区间退化为一点，无法估计区间"
    return f"95%置信区间：{fmt_number(row.score_ci_low, 1)}–{fmt_number(row.score_ci_high, 1)}分"
