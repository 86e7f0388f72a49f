"""Drafting the self-assessment outputs: 自评表.xlsx, 自评报告.docx and summary.json.

Every number comes from :class:`kit.indicators.Assessment` (and, where the project has a
survey, from :class:`kit.satisfaction.SatisfactionResults`); the report's sentences come from
the kit's Jinja2 templates in ``kit/templates/self_report.zh.yml``. Each indicator's score was
rounded half up (四舍五入) to two places once, in :func:`kit.indicators.assess`; subtotals, the
total and the grade are exact sums of those scores. Every output shows that same value: the
xlsx stores it as a number with a matching number format (9.63 as ``0.00``), the docx prints it,
and summary.json holds it as a JSON number.

The files are deterministic: the same inputs give byte-identical files (fixed document
properties, fixed timestamps inside the zip containers).
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from importlib import resources
from pathlib import Path

import yaml

from .atomic import atomic_path, write_json, write_text
from .fmt import fmt_points, quantize_half_up
from .indicators import FRAMEWORKS, Assessment
from .ooxml import FIXED_TIME, normalise_zip
from .render.forms import actual_with_unit
from .tables import safe_append

__all__ = ["write_self_table", "write_self_report", "build_summary", "write_summary",
           "summary_schema", "survey_figures", "score_table", "assess_project", "write_outputs"]

NUMERALS = "一二三四五六七八九十"


def _numeral(i: int) -> str:
    return NUMERALS[i] if i < len(NUMERALS) else str(i + 1)


def _templates() -> dict:
    from jinja2 import Environment, StrictUndefined

    text = resources.files("kit").joinpath("templates/self_report.zh.yml").read_text(encoding="utf-8")
    env = Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
    return {k: env.from_string(v) for k, v in yaml.safe_load(text).items()}


# ------------------------------------------------------------------------------ 自评表.xlsx
def form_info(proj) -> dict:
    """What a project says for the official form's head and foot (kit.render.forms): its name,
    code, 主管部门, 实施单位, year, goals and closing texts, from ``form:`` and ``goals:``."""
    f, g = proj.form, proj.goals
    return {"project_name": proj.extra.get("report_title") or proj.title, "project_code": f.get("code"),
            "department": f.get("department"), "implementer": f.get("implementer"),
            "organisation": proj.organisation, "year": f.get("year"), "period": proj.period,
            "goals.expected": g.get("expected"), "goals.achieved": g.get("achieved"),
            "content": f.get("content"), "conclusion": f.get("conclusion"), "problems": f.get("problems"),
            "measures": f.get("measures"), "leader": f.get("leader"), "finance_leader": f.get("finance_leader")}


def write_self_table(a: Assessment, path: str | Path, title: str = "", *, layout=None,
                     info: dict | None = None, warnings: list | None = None) -> Path:
    """自评表.xlsx: the official 项目支出绩效自评表 in the layout ``method.yml`` names
    (:mod:`kit.render.forms`; ``layout`` overrides it), its head filled from ``info``
    (:func:`form_info`); texts over a limit are appended to ``warnings``."""
    from .render.forms import layout_for_method, load_layout, write_form

    lay = load_layout(layout) if isinstance(layout, (str, Path)) else (layout or layout_for_method(a.method))
    info = dict(info or {})
    info.setdefault("project_name", title)
    path, warned = write_form(a, lay, info, path)
    if warnings is not None:
        warnings.extend(warned)
    return path


def _save_workbook(wb, path: Path) -> None:
    """Save under a temporary name, fix the zip timestamps, then rename into place."""
    with atomic_path(path) as tmp:
        wb.save(tmp)
        normalise_zip(tmp)


def _merge_runs(ws, col: int, first: int, last: int, within: int | None = None,
                align=None) -> None:
    """Merge each run of equal, non-blank cells of column ``col`` in rows first..last (a run
    also ends where column ``within`` changes: level 2 inside level 1); ``align`` the merged
    cell."""
    def key(row):
        return ws.cell(row, col).value, (ws.cell(row, within).value if within else None)

    start = first
    for row in range(first + 1, last + 2):
        if row > last or key(row) != key(start):
            if row - 1 > start and ws.cell(start, col).value not in (None, ""):
                ws.merge_cells(start_row=start, start_column=col, end_row=row - 1, end_column=col)
                if align is not None:
                    ws.cell(start, col).alignment = align
            start = row


# ------------------------------------------------------------------------------ 自评报告.docx
EFFECT_SECTIONS = ("效果", "效益", "产出效果", "项目效益")


def effect_section(a: Assessment) -> str | None:
    """The first-level indicator where before-after findings belong (效果 or 效益)."""
    return next((s["name"] for s in a.sections if s["name"] in EFFECT_SECTIONS), None)


def _items(evidence: str | None) -> str:
    """佐证材料 as a list for a citation: 「资金拨付凭证。审计报告。」 -> 「资金拨付凭证、审计报告」."""
    import re

    parts = [p.strip() for p in re.split(r"[。；;，,、\n]+", evidence or "") if p.strip()]
    return "、".join(parts)


def _cited(sentence: str, evidence: str | None, tpl) -> str:
    """The sentence with its evidence cited before the closing full stop."""
    items = _items(evidence)
    if not items:
        return sentence
    cite = tpl["cite"].render(items=items)
    return sentence[:-1] + cite + "。" if sentence.endswith("。") else sentence + cite


def _clean_reason(text: str | None) -> str:
    """A reason as the report quotes it: 「同上：」 dropped, ending with a full stop."""
    import re

    t = re.sub(r"^\s*(同上|见上)[：:，,]?\s*", "", str(text or "")).strip()
    return t if not t or t.endswith(("。", "！", "？")) else t + "。"


def _result(i, tpl) -> str:
    """How an indicator scored, each figure once: 得满分10分 / 完成指标值的95.0%，得9.5分（分值10分），扣0.5分."""
    from .fmt import fmt_for_verdict

    if i.score >= i.points:
        return tpl["result_full"].render(points=fmt_points(i.points))
    how = ""
    if i.rule in ("pro_rata", "lower_better", "exact") and i.points:
        ratio = Fraction(i.exact_score) / Fraction(i.points)
        how = tpl["how_ratio"].render(ratio=fmt_for_verdict(ratio, 1, 1, percent=True))
    elif i.rule == "threshold":
        how = tpl["how_threshold"].render()
    if i.score == 0:
        return tpl["result_zero"].render(how=how, points=fmt_points(i.points))
    return tpl["result_part"].render(how=how, score=fmt_points(i.score), points=fmt_points(i.points),
                                     lost=fmt_points(i.lost))


def indicator_sentence(i, tpl=None) -> str:
    """One plain sentence per indicator: its value, what was achieved and the score, its
    evidence cited at the end."""
    tpl = tpl or _templates()
    name = i.name
    if not i.applicable:
        return tpl["ind_na"].render(name=name, reason=_clean_reason(i.reason).rstrip("。") + "。"
                                    if i.reason else "")
    result = _result(i, tpl)
    r = i.rule
    if r == "budget":
        rate = Fraction(i.actual_q.value) / Fraction(i.target_q.value) if i.target_q and i.target_q.value else None
        from .fmt import fmt_for_verdict
        s = tpl["ind_budget"].render(target=i.target, actual=i.actual, result=result,
                                     rate=fmt_for_verdict(rate, 1, 1, percent=True) if rate is not None else "—")
    elif r in ("pro_rata", "lower_better", "threshold", "exact"):
        from .render.forms import _with_sign  # the direction in the target (≥50个, ≤90万元)

        s = tpl["ind_quantity"].render(name=name, target=_with_sign(i) or "", actual=i.actual or "", result=result)
    elif r == "bands":
        from .indicators import BAND_WORDING
        s = tpl["ind_band"].render(name=name, band=BAND_WORDING.get(i.band, i.band or ""), result=result)
    elif r == "deduction":
        n = i.actual_q.value if i.actual_q is not None else 0
        s = tpl["ind_deduction"].render(name=name, n=int(n), per=i.param, result=result)
    elif r in ("yes_no", "veto", "prerequisite"):
        # a veto or prerequisite of 0 points says only whether it passed
        s = tpl[f"ind_{r}"].render(name=name, ok=bool(i.passed), result=result if i.points else "")
    else:
        s = tpl["ind_manual"].render(name=name, result=result)
    return _cited(s, i.evidence, tpl)


def _fund_text(x) -> str:
    return "—" if x is None else f"{fmt_points(quantize_half_up(x / 10_000, 2))}万元"


def funding_table(f, caption: str = "资金投入和使用情况"):
    """资金投入和使用情况 (:class:`kit.render.Table`): each source and the total, amounts in
    万元 (two places), 执行率 as a percentage; all rounded half up once."""
    from .render import Column, Row, Table

    cols = [Column("资金来源"), Column("年初预算数（万元）", "wan"), Column("全年预算数（万元）", "wan"),
            Column("全年执行数（万元）", "wan"), Column("执行率", "percent", 1)]

    def cells(ln):
        wan = [None if x is None else float(Fraction(x) / 10_000) for x in (ln.initial, ln.budget, ln.spent)]
        return [ln.source, *wan, None if ln.rate is None else float(ln.rate)]

    rows = [cells(ln) for ln in f.lines] + [Row(cells(f.total), bold=True)]
    return Table(cols, rows, caption=caption, key="funding")


def self_report_document(a: Assessment, *, project_title: str, organisation: str = "", period: str = "",
                         satisfaction=None, responses=None, figures: list[str | Path] = (),
                         findings: list[str] = (), goals: dict | None = None, form: dict | None = None,
                         date=None):
    """自评报告 as a :class:`kit.render.Document`, in the outline official guidance requires
    (财预〔2011〕285号 第27–28条; the 2020 reference outline): 一、基本情况 (项目概况, 资金投入和使用情况,
    绩效目标); 二、绩效目标完成情况和综合评价结论 (a part per first-level indicator, one sentence
    per indicator with its evidence cited, the conclusion with a failed veto's evidence, the
    score table); 三、存在的问题及原因分析; 四、改进措施和有关建议; 附件 (the survey, the
    before-after findings). What the data does not give is left as 【请填写：…】."""
    from .fmt import fmt_percent
    from .render import Document

    tpl = _templates()
    goals, form = dict(goals or {}), dict(form or {})
    annexes = []
    if satisfaction is not None:
        annexes.append(tpl["survey_annex"].render())
    if findings:
        annexes.append(tpl["findings_annex"].render())
    doc = Document(tpl["title"].render(project_title=project_title))
    doc.paragraph(tpl["opening"].render(organisation=organisation, method_title=a.method.title,
                                        total_points=fmt_points(a.method.total), period=period,
                                        project_title=project_title, total=fmt_points(a.total),
                                        grade=a.grade, grade_note=a.grade_note))
    # 一、基本情况
    doc.heading(tpl["basics_heading"].render())
    doc.heading(tpl["overview_heading"].render(), 2)
    dep, imp = form.get("department"), form.get("implementer")
    if dep or imp:
        doc.paragraph(tpl["overview_who"].render(project_title=project_title, department=dep, implementer=imp))
    if a.units:
        from .rollup import ROLLUP_NOTE

        doc.paragraph(ROLLUP_NOTE.format(n=len(a.units)) + "汇总项目：" + "、".join(a.units) + "。")
    doc.paragraph(form["content"] if form.get("content") else tpl["overview_missing"].render())
    doc.heading(tpl["funding_heading"].render(), 2)
    f = a.funding
    if f is not None and f.total.budget is not None:
        t = f.total
        parts = "，".join(f"{ln.source}{_fund_text(ln.budget)}" for ln in f.lines if ln.budget)
        from .fmt import fmt_for_verdict
        doc.paragraph(tpl["funding_text"].render(
            budget=_fund_text(t.budget), initial=_fund_text(t.initial) if t.initial is not None else "",
            parts=parts if len(f.lines) > 1 else "", spent=_fund_text(t.spent),
            rate="—" if t.rate is None else fmt_for_verdict(t.rate, 1, 1, percent=True)))
        if t.rate is not None and t.rate < 1:
            doc.paragraph(tpl["funding_short"].render(reason=_clean_reason(f.reason) or tpl["reason_missing"].render()))
        doc.table(funding_table(f, tpl["funding_table"].render()))
    else:
        doc.paragraph(tpl["funding_missing"].render())
    doc.heading(tpl["goals_heading"].render(), 2)
    expected = goals.get("expected")
    doc.paragraph(tpl["goals_text"].render(expected=_clean_reason(expected)) if expected
                  else tpl["goals_missing"].render())
    doc.paragraph(tpl["goals_basis"].render())
    doc.paragraph(tpl["goals_indicators"].render(n=sum(1 for i in a.indicators if i.applicable),
                                                 ref=doc.ref("scores")))
    # 二、绩效目标完成情况和综合评价结论
    doc.heading(tpl["results_heading"].render())
    survey_annex = annexes.index(tpl["survey_annex"].render()) + 1 if satisfaction is not None else None
    findings_annex = len(annexes) if findings else None
    for s in a.sections:
        doc.heading(tpl["section_heading"].render(name=s["name"], points=fmt_points(s["points"]),
                                                  score=fmt_points(s["score"])), 2)
        for sub in s["subsections"]:
            doc.heading(tpl["subsection_heading"].render(name=sub["name"], points=fmt_points(sub["points"]),
                                                         score=fmt_points(sub["score"])), 3)
            _indicator_text(doc, tpl, sub["indicators"])
        loose = [i for i in s["indicators"] if not i.level2]
        if loose:
            _indicator_text(doc, tpl, loose)
        if findings and s["name"] == effect_section(a):
            doc.paragraph(tpl["findings_ref"].render(annex=findings_annex))
    if findings and effect_section(a) is None:
        doc.paragraph(tpl["findings_ref"].render(annex=findings_annex))
    doc.heading(tpl["conclusion_heading"].render(), 2)
    achieved = goals.get("achieved")
    doc.paragraph(tpl["achieved_text"].render(achieved=_clean_reason(achieved)) if achieved
                  else tpl["achieved_missing"].render())
    conclusion = tpl["conclusion_text"].render(total=fmt_points(a.total), grade=a.grade, grade_note=a.grade_note)
    if a.rescaled:
        conclusion += a.rescale_note
    doc.paragraph(conclusion)
    for i in a.vetoed:
        doc.paragraph(tpl["veto_evidence"].render(
            name=i.name, evidence=_cited(_clean_reason(i.reason) or tpl["reason_missing"].render(), i.evidence, tpl)))
    if satisfaction is not None:
        o = satisfaction.overall
        n = responses.n_valid if responses is not None else o.get("n_valid")
        rate = fmt_percent(o["satisfied_share"]) if o.get("satisfied_share") is not None else "—"
        doc.paragraph(tpl["survey_plain"].render(n=n, rate=rate, verdict="", annex=survey_annex))
    doc.paragraph(tpl["score_table_ref"].render(ref=doc.ref("scores")))
    doc.table(score_report_table(a, tpl["score_table"].render()))
    # 三、存在的问题及原因分析
    doc.heading(tpl["problems_heading"].render())
    lost = [i for i in a.indicators if i.applicable and i.lost > 0 and i.rule not in ("veto", "prerequisite")]
    failed = [i for i in a.indicators if i.rule in ("veto", "prerequisite") and i.passed is False]
    if not lost and not failed:
        doc.paragraph(tpl["problems_none"].render())
    else:
        if lost:
            doc.paragraph(tpl["problems_lead"].render(n=len(lost), lost=fmt_points(sum(i.lost for i in lost))))
        k = 0
        for i in lost:
            k += 1
            doc.paragraph(tpl["problem_item"].render(k=k, name=i.name, lost=fmt_points(i.lost),
                                                     reason=_clean_reason(i.reason) or tpl["reason_missing"].render()))
        for i in failed:
            k += 1
            doc.paragraph(tpl["problem_veto"].render(k=k, name=i.name,
                                                     reason=_clean_reason(i.reason) or tpl["reason_missing"].render()))
    # 四、改进措施和有关建议
    doc.heading(tpl["measures_heading"].render())
    doc.paragraph(form["measures"] if form.get("measures") else tpl["measures_missing"].render())
    doc.attachment_list(annexes)
    doc.signature(organisation or tpl["organisation_missing"].render(), date or tpl["date_missing"].render())
    # 附件
    if satisfaction is not None:
        doc.attachment(tpl["survey_annex"].render(), survey_annex if len(annexes) > 1 else None)
        doc.paragraph(tpl["survey_annex_intro"].render())
        for sentence in satisfaction.sentences:
            if sentence not in satisfaction.warnings:
                doc.paragraph(sentence)
        for k, fig in enumerate(figures, start=1):
            name = Path(fig).stem
            doc.paragraph(f"{name}见{doc.ref(f'figure{k}')}。")
            doc.figure(fig, name, key=f"figure{k}")
    if findings:
        doc.attachment(tpl["findings_annex"].render(), findings_annex if len(annexes) > 1 else None)
        doc.paragraph(tpl["findings_annex_intro"].render())
        doc.paragraphs(findings)
    return doc


def score_report_table(a: Assessment, caption: str = "绩效自评得分表"):
    """The scores as the report prints them (:class:`kit.render.Table`): level-1 and level-2
    cells merged down their indicators, 小计/合计/评价等级 rows in bold with the label across the
    three level columns, scores as numbers (two places at most, rounded half up once)."""
    from .render import Column, Row, Table

    cols = [Column("一级指标"), Column("二级指标"), Column("三级指标"), Column("分值", "points"),
            Column("得分", "points")]
    rows: list = []
    for s in a.sections:
        for i in s["indicators"]:
            rows.append([s["name"], i.level2 or "", i.level3 or i.name, i.points,
                         i.score if i.applicable else "不适用"])
        rows.append(Row([f"{s['name']}小计", "", "", s["points"], s["score"]], bold=True, span=3))
    rows.append(Row(["合计", "", "", a.method.total, a.total], bold=True, span=3))
    rows.append(Row(["评价等级", "", "", "", a.grade or "不予评级"], bold=True, span=4))
    return Table(cols, rows, caption=caption, key="scores", merge=2)


def write_self_report(a: Assessment, path: str | Path, *, project_title: str,
                      organisation: str = "", period: str = "", satisfaction=None, responses=None,
                      figures: list[str | Path] = (), findings: list[str] = (), goals: dict | None = None,
                      form: dict | None = None, date=None) -> Path:
    """自评报告.docx (:func:`self_report_document`) through the rendering layer (GB/T 9704:
    A4, 仿宋 body, numbered 黑体/楷体 headings, page numbers, 落款 and date)."""
    from .render import render_docx

    doc = self_report_document(a, project_title=project_title, organisation=organisation, period=period,
                               satisfaction=satisfaction, responses=responses, figures=figures,
                               findings=findings, goals=goals, form=form, date=date)
    return render_docx(doc, path)


def _indicator_text(doc, tpl, indicators) -> None:
    for i in indicators:
        s = indicator_sentence(i, tpl)
        if i.source:
            s += tpl["survey_source"].render(source=i.source)
        doc.paragraph(s)


# ------------------------------------------------------------------------------ summary.json
def summary_schema() -> dict:
    """The JSON Schema of summary.json (shipped in the package)."""
    text = resources.files("kit").joinpath("schemas/summary.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def build_summary(a: Assessment | None, *, project: str, title: str, inputs: dict[str, Path],
                  satisfaction=None, responses=None, synthetic: bool = False) -> dict:
    """The key figures as nested JSON with English keys (shares as fractions 0-1), plus
    provenance: the kit version and the sha256 of every input file."""
    from . import __version__
    from .report import file_sha256

    out: dict = {"project": project, "title": title, "synthetic": bool(synthetic)}
    if a is not None:
        out["self_assessment"] = {
            "framework": a.method.framework, "method": a.method.title,
            "total_points": _json_number(a.method.total), "total": _json_number(a.total),
            "grade": a.grade, "grade_note": a.grade_note,
            "sections": [{
                "name": s["name"], "points": _json_number(s["points"]), "score": _json_number(s["score"]),
                "subsections": [{"name": x["name"], "points": _json_number(x["points"]),
                                 "score": _json_number(x["score"])} for x in s["subsections"]],
                "indicators": [{"name": i.name, "level2": i.level2, "points": _json_number(i.points),
                                "score": _json_number(i.score), "rule": i.rule, "target": i.target,
                                "actual": i.actual, "source": i.source, "lost": _json_number(i.lost),
                                "reason": i.reason if i.lost > 0 else None, "row": i.row or None,
                                "applicable": i.applicable}
                               for i in s["indicators"]],
            } for s in a.sections],
            "rescale_note": a.rescale_note, "applicable_points": _json_number(a.applicable_points),
        }
        if a.funding is not None:
            out["self_assessment"]["funding"] = _funding_json(a.funding)
        if a.units:
            out["self_assessment"]["units"] = list(a.units)
    if satisfaction is not None:
        o = satisfaction.overall
        sat: dict = {}
        if responses is not None:
            sat.update(n_total=int(responses.n_total), n_excluded=int(responses.n_excluded),
                       n_valid=int(responses.n_valid))
        if o.get("source") == "item":
            sat["overall_satisfied"] = {"estimate": float(o["satisfied_share"]),
                                        "ci_low": float(o["share_ci_low"]),
                                        "ci_high": float(o["share_ci_high"]),
                                        "n_satisfied": int(o["n_satisfied"]),
                                        "n_valid": int(o["n_valid"])}
            sat["overall_index"] = float(o["index"])
        sat["awareness"] = [{"question_id": r.question_id, "title": r.title,
                             "estimate": float(r.aware_share), "ci_low": float(r.share_ci_low),
                             "ci_high": float(r.share_ci_high), "n_valid": int(r.n_valid)}
                            for r in satisfaction.awareness.itertuples(index=False)]
        out["satisfaction"] = sat
    out["provenance"] = {"kit_version": __version__,
                         "inputs": {k: file_sha256(Path(p)) for k, p in sorted(inputs.items())}}
    return out


def _funding_json(f) -> dict:
    def line(ln):
        def wan(x):
            return None if x is None else _json_number(x / 10_000)
        return {"source": ln.source, "initial": wan(ln.initial), "budget": wan(ln.budget),
                "spent": wan(ln.spent), "rate": None if ln.rate is None else float(quantize_half_up(ln.rate, 4))}
    return {"unit": "万元", "sources": [line(ln) for ln in f.lines], "total": line(f.total)}


def _json_number(x: Decimal) -> int | float:
    """A shown score (an exact decimal of at most two places) as a JSON number: 98 stays an
    integer, 9.63 is the float that prints as 9.63."""
    d = quantize_half_up(x, 2).normalize()
    return int(d) if d == d.to_integral_value() else float(d)


def write_summary(summary: dict, path: str | Path) -> Path:
    """Validate against the shipped schema, then write (UTF-8, sorted keys, stable)."""
    import jsonschema

    jsonschema.validate(summary, summary_schema())
    return write_json(path, summary, sort_keys=True)


# ------------------------------------------------------------------------------ a project
def survey_figures(satisfaction, responses=None) -> dict:
    """The survey figures an indicator can pull (``问卷:满意率``, ``问卷:知晓率``), each with
    the sentence that says where it came from."""
    out = {}
    o = satisfaction.overall
    n = f"有效答卷{responses.n_valid}份" if responses is not None else f"有效回答{o.get('n_valid')}份"
    if o.get("source") == "item":
        out["overall_satisfied"] = (_share(o["satisfied_share"], o["n_satisfied"], o["n_valid"]),
                                    f"问卷调查“{o['title']}”（{n}，其中满意{o['n_satisfied']}份）")
    if len(satisfaction.awareness):
        a = satisfaction.awareness.iloc[0]
        out["awareness"] = (_share(a.aware_share, a.n_aware, a.n_valid),
                            f"问卷调查“{a.title}”（有效回答{a.n_valid}份，其中知晓{a.n_aware}份）")
    return out


def _share(share, k, n):
    """The share exactly as k/n when it is that count ratio (an unweighted share), else as
    computed (a weighted estimate)."""
    try:
        exact = Fraction(int(k), int(n))
    except (TypeError, ValueError, ZeroDivisionError):
        return float(share)
    return exact if float(exact) == float(share) else float(share)


def score_table(a: Assessment):
    """The scores as a display table (Chinese headers, scores rounded half up)."""
    import pandas as pd

    rows = []
    for s in a.sections:
        for i in s["indicators"]:
            na = not i.applicable
            rows.append({"一级指标": s["name"], "二级指标": i.level2 or "", "三级指标": i.level3 or i.name,
                         "分值": fmt_points(i.points), "年度指标值": i.target or "",
                         "实际完成值": "不适用" if na else actual_with_unit(i) or "",
                         "得分": "不适用" if na else fmt_points(i.score), "评分说明": i.explanation,
                         "偏差原因": (i.reason or "") if na else i.reason if i.lost > 0 else ""})
        rows.append({"一级指标": f"{s['name']}小计", "分值": fmt_points(s["points"]), "得分": fmt_points(s["score"])})
    rows.append({"一级指标": "合计", "分值": fmt_points(a.method.total), "得分": fmt_points(a.total)})
    rows.append({"一级指标": "评价等级", "得分": a.grade or "不予评级"})
    return pd.DataFrame(rows).fillna("")


def assess_project(proj, satisfaction=None, responses=None) -> Assessment:
    """Score a project's indicator workbook against its method file, pulling survey figures
    from ``satisfaction`` when given."""
    from .errors import ProjectError
    from .indicators import assess, load_method, read_indicators

    if (proj.indicators is None and not proj.rollup) or proj.method is None:
        raise ProjectError("project.yml 需要 indicators:（指标表）和 method:（评价办法）两个键才能自评",
                           path=proj.root / "project.yml")
    if proj.rollup:  # several projects in one table (kit.rollup)
        from .rollup import rollup_indicators

        method = load_method(proj.method)
        inds, funding, names = rollup_indicators(proj.rollup, method, proj.root / "project.yml")
        return assess(inds, method, source=proj.root / "project.yml", funding=funding, units=names)
    survey = survey_figures(satisfaction, responses) if satisfaction is not None else {}
    return assess(read_indicators(proj.indicators), load_method(proj.method), survey=survey,
                  source=proj.indicators, funding=proj.funding)


def write_outputs(proj, a: Assessment, out_dir: str | Path, satisfaction=None, responses=None,
                  figures: list[str | Path] = (), findings: list[str] = ()) -> dict[str, Path]:
    """自评表.xlsx, 自评报告.docx and summary.json of a project into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report_title = proj.extra.get("report_title") or proj.title
    warnings: list[str] = []
    paths = {"table": write_self_table(a, out / "自评表.xlsx", title=report_title, info=form_info(proj),
                                       warnings=warnings),
             "report": write_self_report(a, out / "自评报告.docx", project_title=report_title,
                                         organisation=proj.organisation, period=proj.period,
                                         satisfaction=satisfaction, responses=responses, figures=figures,
                                         findings=findings, goals=proj.goals, form=proj.form)}
    from .report import input_names

    inputs = input_names(proj)  # file names with personal parts masked
    summary = build_summary(a, project=proj.name, title=proj.title, inputs=inputs,
                            satisfaction=satisfaction, responses=responses,
                            synthetic=proj.synthetic)
    if findings:
        summary["before_after"] = {"sentences": list(findings)}
    if warnings:
        summary["warnings"] = warnings
        for w in warnings:
            print("提示：" + w)
    paths["summary"] = write_summary(summary, out / "summary.json")
    return paths


# ------------------------------------------------------------------------------ templates
def rule_help() -> list[tuple[str, str, str]]:
    """The 填写说明 rows (评分方法, 计分规则, 示例) of the indicator template, from the rule
    registry :data:`kit.indicators.RULE_GUIDE` (its drop-down comes from the same registry)."""
    from .indicators import RULE_GUIDE

    return [(g.written, g.text, g.example) for g in RULE_GUIDE]


def write_indicator_template(framework: str, folder: str | Path, force: bool = False) -> list[Path]:
    """``kit init-indicators``: a blank, formatted indicator workbook for a framework
    (``2013``, ``2020``, ``2020-self``) and its ``method.yml``, in ``folder``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    from .errors import KitError
    from .indicators import COLUMNS, default_method, rule_choices
    from .render.excel import REPEAT_COLOUR

    m = default_method(framework)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    book, meth = folder / "indicators.xlsx", folder / "method.yml"
    for p in (book, meth):
        if p.exists() and not force:
            raise KitError("文件已存在；用 --force 覆盖", path=p)
    head = [COLUMNS[k][0] for k in ("level1", "level2", "level3", "points", "kind", "rule",
                                    "target", "actual", "score", "reason", "evidence")]
    wb = Workbook()
    ws = wb.active
    ws.title = "自评指标"
    safe_append(ws, head)
    thin = Side(style="thin")
    fill = PatternFill("solid", fgColor="DDEBF7")
    for c in ws[1]:
        c.font, c.fill = Font(bold=True), fill
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for name, pts in m.sections.items():  # one block of five rows per first-level indicator
        first = ws.max_row + 1
        for k in range(5):  # the label on every row (not merged: rows can be added, sorted, filtered)
            safe_append(ws, [f"{name}（{pts:g}分）"] + [None] * (len(head) - 1))
            ws.cell(first + k, 1).alignment = Alignment(vertical="center", wrap_text=True)
            if k:
                ws.cell(first + k, 1).font = Font(color=REPEAT_COLOUR)
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=len(head)):
        for c in row:
            c.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    rules = DataValidation(type="list", formula1='"' + ",".join(rule_choices()) + '"',
                           allow_blank=True, showErrorMessage=False)  # 扣分:3 may be typed
    kinds = DataValidation(type="list", formula1='"定量,定性"', allow_blank=True)
    ws.add_data_validation(rules)
    ws.add_data_validation(kinds)
    rules.add(f"F2:F{ws.max_row + 200}")
    kinds.add(f"E2:E{ws.max_row + 200}")
    for letter, width in zip("ABCDEFGHIJK", (12, 16, 22, 7, 9, 12, 14, 14, 7, 40, 50)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    help_ws = wb.create_sheet("填写说明")
    safe_append(help_ws, ["评分方法", "计分规则", "示例"])
    for row in rule_help():
        safe_append(help_ws, list(row))
    safe_append(help_ws, [])
    safe_append(help_ws, ["说明", "每行一个最末级指标；一级、二级指标可合并单元格或每行重复填写，“项目立项（10分）”写法会核对下级分值之和。"
                          "实际完成值可写“问卷:满意率”或“问卷:知晓率”，直接取问卷调查结果。凡扣分须填写偏差原因分析及改进措施。"
                          "实际完成值（或得分）写“不适用”的指标不考核，总分用适用指标得分按百分制折算。"
                          "project.yml 写了 funding:（项目资金）时，预算执行率由它计分，指标表中不要再列预算执行率。", ""])
    for c in help_ws[1]:
        c.font = Font(bold=True)
    for letter, width in zip("ABC", (12, 70, 36)):
        help_ws.column_dimensions[letter].width = width
    wb.properties.creator = "dangjian-eval-kit"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    _save_workbook(wb, book)
    write_text(meth, method_yaml(framework))
    return [book, meth]


def method_yaml(framework: str, sections: dict | None = None) -> str:
    """method.yml for a framework (its first-level indicators and points, or ``sections``
    for a ``custom`` one) with the default grades, commented in Chinese."""
    from .indicators import DEFAULT_GRADES, default_method

    if framework == "custom":
        title, total, label = "本地评价办法", sum(sections.values()), "本地评价办法（一级指标取自指标表）"
    else:
        m = default_method(framework)
        sections, title, total = sections or m.sections, m.title, m.total
        label = FRAMEWORKS[framework]["label"]
    grades = "\n".join(f"  - {{name: {g['name']}, min: {g['min']:g}}}" for g in DEFAULT_GRADES)
    lines = "\n".join(f"  {k}: {float(v):g}" for k, v in sections.items())
    from .definitions.layout import default_layout

    return (f"# 评价办法：由 kit 按 {framework} 框架生成，请按本地评价办法核对分值与等级。\n# {label}\n"
            f"framework: \"{framework}\"\ntitle: {title}\ntotal: {float(total):g}\n"
            f"sections:\n{lines}\n# 等级：从高到低，min 为该等级的最低分（含）；可改为 优秀/良好/合格/不合格 等\n"
            f"grades:\n{grades}\n"
            "# 定性指标三档（占分值的百分比）；本地档位不同时改这里，如 达成: [80, 100]、部分达成: [50, 80]、未达成: [0, 50]\n"
            "bands:\n  达成: [80, 100]\n  部分达成: [60, 80]\n  未达成: [0, 60]\n"
            "# 自评表表样：national-2020（全国通用）、sichuan-510000_0013zp（四川）、county-2013（县级），或本地表样文件\n"
            f"layout: {default_layout(framework)}\n")


INDICATOR_HEADER = ["一级指标", "二级指标", "三级指标", "分值", "指标类型", "评分方法", "年度指标值",
                    "实际完成值", "得分", "偏差原因分析及改进措施", "佐证材料"]


def write_indicator_workbook(path: str | Path, sheets: dict[str, list[tuple]],
                             merge_levels: bool = True, creator: str = "dangjian-eval-kit",
                             header: list[str] | None = None) -> Path:
    """Write an indicator workbook from rows (one tuple per indicator, in the order of
    ``header``, by default :data:`INDICATOR_HEADER`), one sheet per entry of ``sheets``; level
    cells that repeat are merged the way evaluators lay the table out. Used by the sample
    projects' scripts."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        safe_append(ws, header or INDICATOR_HEADER)
        for r in rows:
            safe_append(ws, list(r))
        for c in ws[1]:
            c.font = Font(bold=True)
        if merge_levels:
            for col in (1, 2):
                _merge_runs(ws, col, 2, ws.max_row, within=1, align=Alignment(vertical="center"))
        for letter, width in zip("ABCDEFGHIJK", (10, 16, 22, 6, 8, 10, 14, 12, 6, 40, 50)):
            ws.column_dimensions[letter].width = width
    wb.properties.creator = creator
    wb.properties.created = wb.properties.modified = FIXED_TIME
    _save_workbook(wb, path)
    return path
