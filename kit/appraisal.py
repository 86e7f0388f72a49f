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

import numpy as np
import pandas as pd

from .responses import Responses
from .stats import mean_ci, proportion_ci

__all__ = ["cadre_appraisal", "democratic_appraisal"]


def cadre_appraisal(r: Responses, question_ids: list[str], start: float = 100.0,
                    line: float = 60.0, eligible: int | None = None) -> pd.DataFrame:
    """One row per cadre: respondents, mean score with its t interval, mean per aspect, and
    ``below_line``. ``question_ids`` are the matrix questions, one per cadre (the question title
    names the cadre). With ``eligible`` (party members and villagers entitled to take part),
    ``participation`` says whether more than half took part.

    Examples
    --------
    The hand-computed case in tests/test_appraisal.py: deductions of 0, 2 and 5 points.
    """
    qs = r.questionnaire.by_id()
    data = r.valid
    rows = []
    for qid in question_ids:
        q = qs[qid]
        if q.type != "matrix" or not q.has_scores:
            raise ValueError(f"{qid}: a cadre appraisal needs a matrix question with scored options")
        cols = [row.id for row in q.rows]
        block = data[cols].astype("float64")
        complete = block.notna().all(axis=1)
        person = (start + block[complete].sum(axis=1)).clip(lower=0)
        out = {"question_id": qid, "cadre": q.title, "n_respondents": int(complete.sum()),
               "n_incomplete": int((~complete & block.notna().any(axis=1)).sum())}
        if len(person) >= 2:
            m = mean_ci(person.to_numpy())
            out.update(score=m.estimate, score_ci_low=m.ci_low, score_ci_high=m.ci_high)
        elif len(person) == 1:
            out.update(score=float(person.iloc[0]), score_ci_low=np.nan, score_ci_high=np.nan)
        else:
            out.update(score=np.nan, score_ci_low=np.nan, score_ci_high=np.nan)
        for row in q.rows:
            out[f"mean_{row.id}"] = float(block.loc[complete, row.id].mean()) if complete.any() else np.nan
        out["below_line"] = bool(out["score"] < line) if not np.isnan(out["score"]) else False
        if eligible:
            out["participation"] = out["n_respondents"] / eligible
            out["participation_ok"] = out["n_respondents"] > eligible / 2
        rows.append(out)
    return pd.DataFrame(rows)


def democratic_appraisal(r: Responses, question_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per member and overall: votes in each band and their shares (with Wilson intervals
    overall). Returns ``(per_member, overall)``; bands are the question's options in order."""
    q = r.questionnaire.by_id()[question_id]
    if q.type != "matrix":
        raise ValueError(f"{question_id}: a democratic appraisal needs a matrix question")
    data = r.valid
    bands = [(o.code, o.label) for o in q.options]
    value_of = {o.code: (o.score if q.has_scores else o.code) for o in q.options}
    members = []
    totals = {code: 0 for code, _ in bands}
    for row in q.rows:
        x = data[row.id].dropna()
        n = len(x)
        rec = {"member": row.label, "column": row.id, "n_votes": n}
        for code, label in bands:
            k = int((x == value_of[code]).sum())
            totals[code] += k
            rec[f"n_{code}"] = k
            rec[f"share_{code}"] = k / n if n else np.nan
        members.append(rec)
    per_member = pd.DataFrame(members)
    n_all = sum(totals.values())
    overall = []
    for code, label in bands:
        p = proportion_ci(totals[code], n_all) if n_all else None
        overall.append({"band_code": code, "band": label, "n_votes": totals[code],
                        "share": p.estimate if p else np.nan,
                        "share_ci_low": p.ci_low if p else np.nan,
                        "share_ci_high": p.ci_high if p else np.nan})
    return per_member, pd.DataFrame(overall)
