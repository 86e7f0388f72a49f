"""The Word report of a survey project: 满意度调查报告, 测评情况通报, 前后对比分析 or 调查报告.

What an evaluator hands in after a survey, written through the rendering layer
(:mod:`kit.render`, GB/T 9704) from the results the notebooks show:

一、调查概况   who was asked, when, how many, how they were chosen, valid sample and exclusions
二、主要结论   the findings first: the headline sentences of the analyses, each citing the
              table or chart it comes from (every number in it is in that table)
三、样本基本情况
四、分项结果   dimensions and items (tables and charts with captions), appraisal results
五、分组比较   only differences with a Holm-adjusted p below 0.05 and at least 5 percentage
              points (:mod:`kit.groupdiff`); the rest in one sentence, the caveats in one note
六、意见建议   the open answers coded by :mod:`kit.opentext` (categories from ``codes:``, else
              the most frequent words and a few masked typical answers)
then the baseline wave and the comparison of waves (two or more waves: the current wave — the
last of ``waves:`` — comes first, the baseline after, the comparison last), 落款 and date, and
附表 (the long tables; survey-method terms such as 事后分层 and 设计效应 appear only there, the
body says it in one plain sentence).

A project with a village panel or staged targets and no questionnaire gets a 前后对比分析
(changes, baseline balance, difference-in-differences, staged targets).

Which document a project gets is a registry (:data:`REPORT_KINDS`): the first kind whose test
accepts the project. :func:`write_survey_report` is called by ``kit report`` for every project
that has survey waves, a panel or staged targets.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from .descriptives import option_label
from .fmt import fmt_number, fmt_percent
from .render import Column, Document, Row, Table, render_docx
from .render.word import Paragraph
from .render.text import cn_text

__all__ = ["ReportKind", "REPORT_KINDS", "register_kind", "report_kind", "report_title",
           "WaveAnalysis", "SurveyAnalysis", "analyse_survey", "build_report", "write_survey_report",
           "SECTIONS", "draw_charts", "Chart", "report_date", "chart_file"]

MAX_BODY_GROUPS = 30   # a grouping question with more options: its chart and table go to 附表
MAX_BODY_ROWS = 25     # a longer table goes to 附表, the body says where


# ------------------------------------------------------------------------------ kinds
@dataclass(frozen=True)
class ReportKind:
    """A kind of survey report: its key, the file it is written to, the noun that ends its
    title and the test that says whether a project gets it."""

    key: str
    file: str
    noun: str
    applies: Callable


REPORT_KINDS: list[ReportKind] = []


def register_kind(kind: ReportKind, before: str | None = None) -> ReportKind:
    """Add a kind of report; ``before`` puts it ahead of an existing kind (the first kind
    that applies is used)."""
    keys = [k.key for k in REPORT_KINDS]
    REPORT_KINDS.insert(keys.index(before) if before in keys else len(REPORT_KINDS), kind)
    return kind


def _is_satisfaction_item(q) -> bool:
    return bool(q.satisfied and (q.type == "yesno" or (q.type in ("scale", "matrix") and q.has_scores)))


def _has_satisfaction(proj) -> bool:
    """A satisfaction (or awareness) survey, by what the codebook says: a question marked as the
    overall satisfaction (``role: overall``, 用途「总体满意度」), or satisfaction items at least as
    many as its other questions about the matter surveyed (a matrix counts each row; questions
    about the respondents, personal data and open questions are not counted). A needs survey
    with one satisfaction question among its needs questions is a 调查报告 in which that
    question is one finding, not a 满意度调查报告.

    >>> from kit.questionnaire import Option, Question, Questionnaire
    >>> from types import SimpleNamespace as N
    >>> sat = Question("s", "您对志愿服务满意吗", "scale", satisfied=[4, 5],
    ...                options=[Option(i, str(i), score=i) for i in range(1, 6)])
    >>> need = Question("n", "您最希望提供哪些服务", "multi", options=[Option(1, "A"), Option(2, "B")])
    >>> sex = Question("g", "性别", "single", options=[Option(1, "男"), Option(2, "女")], role="group")
    >>> _has_satisfaction(N(questionnaire=Questionnaire("t", [sex, sat]), profile=[]))
    True
    >>> _has_satisfaction(N(questionnaire=Questionnaire("t", [sex, sat, need, need]), profile=[]))
    False
    >>> sat.role = "overall"   # the evaluator marked it 总体满意度: the survey is about satisfaction
    >>> _has_satisfaction(N(questionnaire=Questionnaire("t", [sex, sat, need, need]), profile=[]))
    True
    """
    qn = proj.questionnaire
    if qn is None:
        return False
    about_them = set(qn.groups) | set(getattr(proj, "profile", None) or [])

    def size(q) -> int:
        return max(len(q.rows or []), 1) if q.type == "matrix" else 1

    if any(_is_satisfaction_item(q) and getattr(q, "role", None) == "overall" for q in qn.questions):
        return True
    sat = sum(size(q) for q in qn.questions if _is_satisfaction_item(q))
    other = sum(size(q) for q in qn.questions if not _is_satisfaction_item(q) and q.type != "text"
                and q.id not in about_them and getattr(q, "role", None) not in ("group", "profile")
                and not getattr(q, "personal", None))
    return sat > 0 and sat >= other


def _as_satisfaction(a) -> bool:
    """Whether the report reads the satisfaction analysis as its subject (not a 调查报告)."""
    return a.kind is not None and a.kind.key != "survey"


register_kind(ReportKind("appraisal", "测评情况通报.docx", "测评情况通报",
                         lambda p: bool(p.waves and p.appraisal)))
register_kind(ReportKind("satisfaction", "满意度调查报告.docx", "满意度调查报告",
                         lambda p: bool(p.waves) and _has_satisfaction(p)))
register_kind(ReportKind("before_after", "前后对比分析.docx", "前后对比分析",
                         lambda p: bool(p.panel or p.staged_targets or len(p.waves) >= 2)))
register_kind(ReportKind("survey", "调查报告.docx", "调查报告", lambda p: bool(p.waves)))


def report_kind(proj) -> ReportKind | None:
    """The report a project gets (None: nothing surveyed, e.g. a self-assessment only)."""
    return next((k for k in REPORT_KINDS if k.applies(proj)), None)


def report_title(proj, kind: ReportKind) -> str:
    """The document's title from ``report_title:`` (else the project's title without its
    bracketed note), ending in the kind's noun without saying a word twice.

    >>> from types import SimpleNamespace as N
    >>> k = {x.key: x for x in REPORT_KINDS}
    >>> report_title(N(extra={}, title="村民满意度调查（基线与跟踪两轮）"), k["satisfaction"])
    '村民满意度调查报告'
    >>> report_title(N(extra={"report_title": "党建引领扶贫工程"}, title="x"), k["satisfaction"])
    '党建引领扶贫工程群众满意度调查报告'
    >>> report_title(N(extra={}, title="2023年度群众测评村干部（驾照式扣分）"), k["appraisal"])
    '2023年度群众测评村干部情况通报'
    >>> report_title(N(extra={}, title="项目村与对照村前后对比（2013—2016年）"), k["before_after"])
    '项目村与对照村前后对比分析'
    """
    base = (proj.extra.get("report_title") or re.sub(r"[（(][^（）()]*[)）]\s*$", "", proj.title)).strip()
    noun = kind.noun
    if kind.key == "satisfaction":
        if base.endswith("调查"):
            return base + "报告"
        return base + ("调查报告" if base.endswith("满意度") else "群众满意度调查报告")
    if kind.key == "appraisal":
        return base + ("情况通报" if re.search("测评|评议", base) else noun)
    if kind.key == "before_after":
        return base + ("分析" if base.endswith("前后对比") else noun)
    return base + ("报告" if base.endswith("调查") else noun)


def report_date() -> dt.date:
    """The date of the report: today, or ``SOURCE_DATE_EPOCH`` (seconds) for reproducible runs."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()


# ------------------------------------------------------------------------------ analysis
@dataclass
class WaveAnalysis:
    """One survey wave and what the kit computed from it."""

    wave: object                      # kit.project.Wave
    responses: object                 # kit.responses.Responses
    current: bool
    satisfaction: object | None = None
    appraisal: object | None = None
    differences: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def label(self) -> str:
        return self.wave.label


@dataclass
class SurveyAnalysis:
    """Everything a survey report needs, waves in report order (the current wave first)."""

    project: object
    kind: ReportKind
    waves: list[WaveAnalysis] = field(default_factory=list)
    comparison: object | None = None  # kit.change.WaveComparison (baseline -> current)
    panel: object | None = None       # kit.change.PanelResults
    staged: object | None = None      # kit.change.StagedResults

    @property
    def current(self) -> WaveAnalysis | None:
        return self.waves[0] if self.waves else None


def analyse_survey(proj, kind: ReportKind | None = None, waves: list[str] | None = None,
                   compare: bool = True, panel: bool = True) -> SurveyAnalysis:
    """Analyse every wave of a project (or the waves named in ``waves``), the current wave
    first (then the others from the most recent back to the baseline), then compare the
    baseline with the current wave; the panel and staged targets when the project has them
    (``compare`` and ``panel`` turn those off, for a notebook that shows one part)."""
    from .appraisal import analyse_appraisal
    from .change import analyse_panel, analyse_staged, compare_waves
    from .groupdiff import group_differences
    from .satisfaction import analyse_satisfaction

    kind = kind or report_kind(proj)
    out = SurveyAnalysis(proj, kind)
    loaded = {}
    for w in proj.report_waves():
        if waves is not None and w.id not in waves:
            continue
        r = proj.load(w.id)
        loaded[w.id] = r
        wa = WaveAnalysis(w, r, current=w.id == proj.current_wave.id)
        if proj.appraisal:
            wa.appraisal = analyse_appraisal(r, proj.appraisal)
        else:   # also when nothing counts as satisfaction: the analysis says why (kit.eligibility)
            wa.satisfaction = analyse_satisfaction(r, target=proj.targets.get("overall_satisfied"),
                                                   design=proj.survey_design(r))
            wa.differences = group_differences(wa.satisfaction.by_group)
        out.waves.append(wa)
    if compare and len(proj.waves) >= 2 and not proj.appraisal:
        w0, w1 = proj.baseline_and_current()
        before = loaded.get(w0.id) or proj.load(w0.id)
        after = loaded.get(w1.id) or proj.load(w1.id)
        out.comparison = compare_waves(before, after, labels=(w0.label, w1.label))
    if panel and proj.panel:
        out.panel = analyse_panel(proj)
    if panel and proj.staged_targets:
        out.staged = analyse_staged(proj)
    return out


# ------------------------------------------------------------------------------ charts
@dataclass
class Chart:
    key: str
    path: Path
    caption: str


def _save(fig, path: Path) -> Path:
    """Save a chart whole or not at all (:func:`kit.atomic.save_figure`) and close it."""
    import matplotlib.pyplot as plt

    from .atomic import save_figure

    path.parent.mkdir(parents=True, exist_ok=True)
    save_figure(fig, path)
    plt.close(fig)
    return path


def _suffix(a: SurveyAnalysis, wa: WaveAnalysis) -> str:
    """A wave's charts carry its label when the project has several waves."""
    return f"（{wa.label}）" if len(a.waves) > 1 else ""


def _body_groups(wa: WaveAnalysis) -> list[str]:
    """The grouping questions whose charts go into the body (not too many options)."""
    qn = wa.responses.questionnaire
    qs = qn.by_id()
    return [g for g in qn.groups if g in qs and len(qs[g].options) <= MAX_BODY_GROUPS]


def draw_charts(a: SurveyAnalysis, folder: str | Path) -> dict[str, Chart]:
    """Draw and save every chart of the report (PNG, 150 dpi) under Chinese file names in
    ``folder``; returns them by key. Each chart is drawn once (no two files of one chart)."""
    import matplotlib

    if matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
        matplotlib.use("Agg")
    from . import plots

    plots.set_theme()
    folder = Path(folder)
    charts: dict[str, Chart] = {}

    def add(key: str, ax, name: str, caption: str) -> None:
        if ax is None:
            return
        ax.set_title("")   # the caption under the picture (图N　…) is its title: not written twice
        path = _save(ax.figure, chart_file(folder, name))
        charts[key] = Chart(key, path, caption)

    for wa in a.waves[:1]:   # the current wave; earlier waves are compared in one chart below
        sfx, wid = _suffix(a, wa), wa.wave.id
        r = wa.responses
        groups = _body_groups(wa)
        if groups:
            g = groups[0]
            ax = plots.plot_responses_by_group(r, g)
            title = ax.get_title()
            add(f"responses:{wid}", ax, title + sfx, title + sfx)
        res = wa.satisfaction
        if res is not None and len(res.items) and _as_satisfaction(a):
            cols = list(res.items["column"])
            import matplotlib.pyplot as plt

            _, ax = plt.subplots(figsize=(8, 0.45 * len(cols) + 1.8))
            plots.plot_likert(r, cols, ax=ax)
            add(f"likert:{wid}", ax, "各题回答分布" + sfx, "各题回答分布" + sfx)
            col = res.overall.get("column")
            if col:
                for g in groups:
                    ax = plots.plot_rates_by_group(res, g, col, target=a.project.targets.get("overall_satisfied"))
                    title = plots.rate_title(res, g, col)
                    add(f"rates:{wid}:{g}", ax, title + sfx, title + sfx)
            if len(res.drivers):
                ax = plots.plot_ipa(res)
                add(f"ipa:{wid}", ax, "重要性—表现分析" + sfx, "重要性—表现分析" + sfx)
        ap = wa.appraisal
        if ap is not None and len(ap.cadres):
            add(f"cadres:{wid}", plots.plot_cadre_scores(ap), "村干部测评得分" + sfx, "群众测评村干部得分" + sfx)
        if ap is not None and len(ap.members):
            add(f"members:{wid}", plots.plot_member_ratings(ap), "民主评议党员" + sfx, "民主评议党员评议票分布" + sfx)
    c = a.comparison
    if c is not None and len(c.items):
        w0, w1 = a.project.baseline_and_current()
        ax = plots.plot_dumbbell(c, labels=(w0.label, w1.label))
        add("comparison", ax, f"{w0.label}与{w1.label}满意率对比", f"{w0.label}与{w1.label}各题满意率对比")
    p = a.panel
    if p is not None and p.has_comparison:
        spec_group = a.project.panel.get("group")
        for y in p.outcomes:
            f = p.formats[y]
            ax = plots.plot_group_trends(p.frame, y, spec_group, p.period, fmt=f, mean_word=p.mean_word)
            add(f"trend:{y}", ax, f"{f.name}分组趋势", f"{f.name}：{p.names[0]}与{p.names[1]}{p.mean_word}及95%置信区间")
    return charts


def _file_name(name: str) -> str:
    """A chart title as a file name: Chinese words, no characters file systems refuse."""
    return re.sub(r'[\\/:*?"<>|\s“”]+', "", name) or "图"


def chart_file(folder: str | Path, title: str) -> Path:
    """Where the chart titled ``title`` is saved (the survey report and the self-assessment
    share one file per chart)."""
    return Path(folder) / f"{_file_name(title)}.png"


# ------------------------------------------------------------------------------ the document
@dataclass
class _Context:
    """What the section writers share while the document is built."""

    a: SurveyAnalysis
    doc: Document
    charts: dict[str, Chart]
    findings: list[tuple[str, list[str]]] = field(default_factory=list)   # (sentence, table/figure keys)
    appendix: list[Callable] = field(default_factory=list)               # writers of 附表 parts
    keys: set = field(default_factory=set)
    conclusions_at: int = 0

    notes_seen: dict = field(default_factory=dict)                     # a table's note -> that table's key

    def table(self, t: Table, key: str) -> str:
        t.key = key
        self.keys.add(key)
        if t.caption and not t.is_empty():   # a note already printed under an earlier table is referred to
            t.notes = [(f"注释同{self.doc.ref(self.notes_seen[n])}。" if n in self.notes_seen else n)
                       for n in t.notes]
            self.notes_seen.update({n: key for n in t.notes if n not in self.notes_seen and len(n) >= 20})
        return self.doc.table(t)

    def figure(self, key: str, fig_key: str | None = None) -> str:
        c = self.charts.get(key)
        if c is None:
            return ""
        self.keys.add(fig_key or key)
        return self.doc.figure(c.path, c.caption, key=fig_key or key, width_mm=_width_mm(c.path))

    def ref(self, *keys: str) -> str:
        """「（见表3、图1）」 for the keys that were placed; '' when none was."""
        placed = [k for k in keys if k in self.keys]
        if not placed:
            return ""
        return "（见" + "、".join(self.doc.ref(k) for k in placed) + "）"

    def finding(self, sentence: str, *keys: str) -> None:
        self.findings.append((sentence, list(keys)))


def _width_mm(path: Path, max_h_mm: float = 170, max_w_mm: float = 150) -> float:
    """The width at which a picture fits the text block: at most 150 mm wide, 170 mm high."""
    from PIL import Image

    with Image.open(path) as im:
        w, h = im.size
    return round(min(max_w_mm, max_h_mm * w / h), 1)


ROUNDING_NOTE = "相差按未经舍入的比例计算，与表中两个比例之差可能相差0.1个百分点。"


def _signed(v) -> str:
    """An end of an interval of changes in percentage points: 6.7, −3.0 (rounded half up)."""
    from .tables import _hundred

    text = _hundred(abs(v))
    return ("−" if v < 0 and text.strip("0.") else "") + text


def _frame_table(df: pd.DataFrame, caption: str, notes=(), **kw) -> Table:
    """A table from a frame; an interval that collapsed to a point (every answer the same) is
    「—」 in its cell and said once in a note, not a phrase in a number column."""
    from .tables import DEGENERATE

    df = df.reset_index(drop=True)
    hit = df.astype(object).eq(DEGENERATE)
    if hit.to_numpy().any():
        df = df.astype(object).mask(hit, "—")
        notes = [*notes, "置信区间为“—”的，全部回答相同，无法估计置信区间。"]
    return Table.from_frame(df, caption=caption, notes=[n for n in notes if n], **kw)


def _item_frame(res) -> pd.DataFrame:
    """The item table as the report shows it: short titles, the interval headed plainly."""
    from . import tables

    t = tables.satisfaction_item_table(res).rename(columns={"满意率95%置信区间": "95%置信区间",
                                                            "满意度指数": "指数"})
    t["题目"] = t["题目"].map(_short)
    t = t.drop(columns="满意人数")
    if (t["维度"] == "—").all():
        t = t.drop(columns="维度")
    return t


def _awareness_frame(res) -> pd.DataFrame:
    from . import tables

    t = tables.awareness_table(res)
    t["题目"] = t["题目"].map(_short)
    if not t["逻辑跳过"].astype(bool).any():
        t = t.drop(columns="逻辑跳过")
    return t


def _reliability_frame(res) -> pd.DataFrame:
    t = res.reliability
    return pd.DataFrame({"维度": t["dimension"], "题目数": t["n_items"], "完整答卷": t["n_complete"],
                         "α系数": t["alpha"].map(lambda v: fmt_number(v, 3)),
                         "α的95%置信区间": [f"{fmt_number(a, 3)}–{fmt_number(b, 3)}"
                                        for a, b in zip(t["alpha_ci_low"], t["alpha_ci_high"])],
                         "KMO": t["kmo"].map(lambda v: "—" if pd.isna(v) else fmt_number(v, 3))})


def _weighted_frame(res) -> pd.DataFrame:
    from . import tables

    t = res.weighted
    w = tables.weighted_table(res)
    aware = t["role"] == "awareness"
    share = t["measure"] == "share"
    w["指标"] = [("知晓率" if a else "满意率") if sh else "平均分" for a, sh in zip(aware, share)]
    w["题目"] = w["题目"].map(_short)
    return w[["题目", "指标", "有效样本", "加权估计", "95%置信区间", "设计效应"]]


def _dates(r) -> str:
    """「2019年11月1日至11月20日」 from the submission times, '' when the export has none."""
    from .render.text import cn_date

    if "submitted_at" not in r.valid or r.valid["submitted_at"].isna().all():
        return ""
    s = pd.to_datetime(r.valid["submitted_at"], errors="coerce").dropna()
    if not len(s):
        return ""
    a, b = s.min().date(), s.max().date()
    if a == b:
        return cn_date(a)
    end = cn_date(b)
    if a.year == b.year:
        end = end.split("年", 1)[1]
    return f"{cn_date(a)}至{end}"


def _handed_in(sentences, only_not_made: bool = False) -> list[str]:
    """The sentences a document handed in may carry: the evaluator's instructions
    (:class:`kit.eligibility.Instruction`: what was left out, how to change the codebook)
    become one neutral sentence per analysis not made (「本次调查未设置政策知晓题。」);
    ``only_not_made`` keeps only those.

    >>> from kit.eligibility import Instruction
    >>> _handed_in(["甲。", Instruction("政策知晓率：考察了1道题，纳入0道。", "awareness"),
    ...             Instruction("未纳入 q1：没有列出知晓项。", "awareness")])
    ['甲。', '本次调查未设置政策知晓题。']
    """
    from .eligibility import NOT_MADE_ZH, Instruction

    out = []
    for s in sentences:
        if isinstance(s, Instruction):
            s = NOT_MADE_ZH.get(s.analysis, "")
        elif only_not_made:
            continue
        if s and s not in out:
            out.append(s)
    return out


def _cite(text: str, ref: str) -> str:
    """「……（见表3）。」: the reference inside the sentence, before its full stop."""
    if not ref:
        return text
    return text[:-1] + ref + "。" if text.endswith("。") else text + ref


def _placeholder(text: str, what: str) -> str:
    return text.strip().rstrip("。；;,.，") if text and text.strip() else f"【请填写：{what}】"


def _year(v) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def _short(title: str) -> str:
    from .questionnaire import short_title

    return short_title(title)


# -- 一、调查概况 -----------------------------------------------------------------
def _overview(ctx: _Context) -> None:
    a, doc, proj = ctx.a, ctx.doc, ctx.a.project
    word = _word(a)
    doc.heading(f"{word}概况" if a.waves else "基本情况")
    if a.waves:
        s = proj.spec.survey
        who = _placeholder(s.respondents, "调查对象" if word == "调查" else "参加测评人员")
        how = _placeholder(s.sampling, "抽样方法（怎样选出受访者）")
        mode = _placeholder(s.mode, f"{word}方式")
        doc.paragraph(f"调查对象为{who}，{how}，调查方式为{mode}。" if word == "调查" else
                      f"参加{word}的为{who}，{how}，{word}方式为{mode}。")
        for wa in a.waves:
            when = _dates(wa.responses)
            tag = "（本次评价的年度）" if wa.current and len(a.waves) > 1 else ""
            doc.paragraph(f"{wa.label}{tag}{'于' + when + '进行，' if when else ''}"
                          f"{wa.responses.exclusion_sentence()}")
        ctx.table(_sample_table(a), "sample")
        cur = a.current
        ctx.finding(f"本次{word}{cur.responses.exclusion_sentence()}", "sample")
        chart = f"responses:{cur.wave.id}"
        ctx.figure(chart)
        cover = _coverage(cur)
        if cover:
            doc.paragraph(_cite(cover, ctx.ref(chart)))
        eligible = (proj.appraisal.get("cadres") or {}).get("eligible") if proj.appraisal else None
        if cur.appraisal is not None and eligible:
            ctx.table(_participation_table(cur, int(eligible)), "participation")
        if cur.satisfaction is not None and len(cur.satisfaction.weighted):
            doc.paragraph("各单元的答卷数与其户数不成比例，为使结果能代表各单元的实际户数，另按户数对答卷加权"
                          "计算了主要比例，计算方法和结果见附表。")
    if a.panel is not None:
        p = a.panel
        years = sorted(p.frame[p.period].dropna().unique())
        span = f"{_year(years[0])}—{_year(years[-1])}年" if len(years) > 1 else f"{_year(years[0])}年"
        if p.has_comparison:
            k1 = int(p.frame.loc[p.frame["treated"] == 1, p.unit].nunique())
            groups = f"其中{p.names[0]}{k1}个、{p.names[1]}{p.n_units - k1}个"
        else:
            groups = "没有对照组"
        names = "、".join(p.formats[y].name for y in p.outcomes)
        doc.paragraph(f"{p.unit}级面板数据覆盖{p.n_units}个{p.unit}（{groups}），逐年记录{span}的{names}；"
                      f"以{_year(p.baseline)}年为基期、{_year(p.followup)}年为末期比较变化。")
    if a.staged is not None:
        st = a.staged.table
        doc.paragraph(f"分阶段目标表列出{st['unit'].nunique()}个{a.staged.unit}"
                      f"{_year(st['period'].min())}—{_year(st['period'].max())}年的目标和实际完成数。")


def _word(a: SurveyAnalysis) -> str:
    """调查, or 测评 for an appraisal."""
    return "测评" if a.kind.key == "appraisal" else "调查"


def _sample_table(a: SurveyAnalysis) -> Table:
    """回收、剔除（按原因）、有效答卷, one column per wave (the current wave first)."""
    from .quality import REASON_LABELS

    waves = a.waves
    reasons: list[str] = []
    counts = []
    for wa in waves:
        r = wa.responses
        c: dict[str, int] = {}
        if r.n_excluded:
            for rs in r.quality[r.quality["excluded"]]["reasons"].str.split(";"):
                first = next(x for x in rs if x in r.questionnaire.quality.exclude)
                c[first] = c.get(first, 0) + 1
        counts.append(c)
        reasons += [x for x in c if x not in reasons]
    cols = [Column("项目")] + [Column(wa.label if len(waves) > 1 else "份数", "int") for wa in waves]
    rows = [Row(["回收答卷"] + [wa.responses.n_total for wa in waves], bold=True),
            ["剔除答卷"] + [wa.responses.n_excluded for wa in waves]]
    rows += [[f"其中：{REASON_LABELS.get(x, x)}"] + [c.get(x, 0) for c in counts] for x in reasons]
    rows.append(Row(["有效答卷"] + [wa.responses.n_valid for wa in waves], bold=True))
    return Table(cols, rows, caption="答卷回收与剔除情况",
                 notes=["剔除的答卷不进入分析；每一份的剔除原因见质量检查工作簿。"])


def _coverage(wa: WaveAnalysis) -> str:
    """「有效答卷覆盖6个乡镇、80个行政村。」 from the grouping questions that name places."""
    qn = wa.responses.questionnaire
    qs = qn.by_id()
    parts = []
    for g in qn.groups:
        if g not in qs or g not in wa.responses.valid:
            continue
        n = int(wa.responses.valid[g].dropna().nunique())
        name = _short(qs[g].title)
        if n and len(name) <= 4 and name.endswith(("镇", "乡", "村", "县", "社区", "街道", "支部", "单位")):
            parts.append(f"{n}个{name}")
    return f"有效答卷覆盖{'、'.join(parts)}。" if parts else ""


def _participation_table(wa: WaveAnalysis, eligible: int) -> Table:
    from fractions import Fraction

    from .fmt import fmt_for_verdict
    from .satisfaction import VERDICT_DIGITS

    share = Fraction(wa.responses.n_valid, eligible)
    text = fmt_for_verdict(share, Fraction(1, 2), 1, percent=True, max_digits=VERDICT_DIGITS)
    return Table([Column("应参加人数", "int"), Column("有效答卷", "int"), Column("参与率"), Column("是否超过半数")],
                 [[eligible, wa.responses.n_valid, text, "是" if share > Fraction(1, 2) else "否"]],
                 caption="测评参与情况", notes=["参与率＝有效答卷÷应参加人数；超过半数时测评有效。"])


# -- 二、主要结论 -------------------------------------------------------------------
def _conclusions(ctx: _Context) -> None:
    """The heading now; the findings are put under it when every section has been written
    (:func:`_insert_findings`), so that each can cite the table it comes from."""
    ctx.doc.heading("主要结论")
    ctx.conclusions_at = len(ctx.doc.blocks)


_CITED = re.compile(r"（见[^（）]*）")


def _sentences(text: str) -> list[str]:
    """A paragraph's sentences, each with its 。 (「（见表3）」 stays with its sentence).

    >>> _sentences("甲为1（见表1）。乙为2。丙")
    ['甲为1（见表1）。', '乙为2。', '丙']
    """
    return re.findall(r"[^。]+。?", text)


def _bare(sentence: str) -> str:
    return _CITED.sub("", sentence).strip()


def _insert_findings(ctx: _Context) -> None:
    """The findings under 主要结论, each said once: a section that wrote the same sentence (so
    that its table or chart could be cited) keeps its tables and the rest of its text, and the
    sentence is read under 主要结论 only (an evaluator reading a report twice the same paragraph
    took it for an error)."""
    at = ctx.conclusions_at
    tail = ctx.doc.blocks[at:]
    del ctx.doc.blocks[at:]
    if not ctx.findings:
        ctx.doc.paragraph("本次没有可以归纳的结论。")
    said = set()
    for sentence, keys in ctx.findings:
        ctx.doc.paragraph(_cite(sentence, ctx.ref(*keys)))
        said.update(_bare(x) for x in _sentences(cn_text(sentence)))
    kept = []
    for b in tail:
        if isinstance(b, Paragraph) and b.is_body and b.text.strip():
            rest = [x for x in _sentences(b.text) if _bare(x) not in said]
            if not rest:
                continue
            b.text = "".join(rest)
        kept.append(b)
    ctx.doc.blocks += kept


# -- 三、样本基本情况 ---------------------------------------------------------------
def _profile(ctx: _Context) -> None:
    """The respondents by the grouping (and profile) questions of the current wave; a question
    with many options goes to 附表."""
    a, doc = ctx.a, ctx.doc
    if not a.waves:
        return
    wa = a.current
    r = wa.responses
    qs = r.questionnaire.by_id()
    ids = _profile_ids(r)
    doc.heading("样本基本情况")
    if not ids:
        doc.paragraph("问卷中没有受访者基本情况的题目（分组题），本节从略。")
        return
    body, long = [], []
    for qid in ids:
        (long if len(qs[qid].options) > MAX_BODY_GROUPS else body).append(qid)
    if body:
        ctx.table(_profile_table(r, body, "受访者基本情况"), "profile")
        doc.paragraph(_cite(_profile_sentence(r, body), ctx.ref("profile")))
    for qid in long:
        name = _short(qs[qid].title)
        key = f"profile:{qid}"
        ctx.appendix.append(lambda c, qid=qid, key=key, name=name:
                            c.table(_profile_table(r, [qid], f"各{name}有效答卷数"), key))
        doc.paragraph(f"按{name}分的有效答卷数见附表。")


def _counts(r, q) -> tuple[list[tuple[str, int]], int]:
    """(option label, count) of a choice question and the number answering it, as 逐题统计 counts
    them (:func:`kit.descriptives.tabulate_question`: a 「其他」 text naming an option counted under
    that option; labels without 【请注明】): the report and the workbook cannot disagree."""
    from .descriptives import tabulate_question

    res = tabulate_question(r, q.id)[0]
    return [(str(o.option), int(o.n)) for o in res.table.itertuples(index=False)], int(res.base)


def _profile_ids(r) -> list[str]:
    """The questions about the respondents that 样本基本情况 shows (and 分项结果 does not repeat)."""
    return [q.id for q in r.questionnaire.questions
            if q.type in ("single", "yesno") and q.id in r.valid and
            (q.id in r.questionnaire.groups or getattr(q, "role", None) in ("group", "profile"))
            and not getattr(q, "personal", None)]


def _profile_table(r, ids: list[str], caption: str) -> Table:
    qs = r.questionnaire.by_id()
    rows = []
    for qid in ids:
        q = qs[qid]
        counts, n = _counts(r, q)
        for label, k in counts:
            rows.append([_short(q.title), label, k, k / n if n else None])
    return Table([Column("题目"), Column("选项"), Column("人数", "int"), Column("比例", "percent")], rows,
                 caption=caption, merge=1, notes=["比例的分母为回答该题的有效答卷。"])


def _profile_sentence(r, ids: list[str]) -> str:
    qs = r.questionnaire.by_id()
    parts = []
    for qid in ids:
        q = qs[qid]
        counts, n = _counts(r, q)
        if not n:
            continue
        m = max(k for _, k in counts)
        tied = [label for label, k in counts if k == m]
        name = f"按{_short(q.title)}分，"
        if len(tied) == 1:
            parts.append(f"{name}{tied[0]}最多")
        elif len(tied) == sum(1 for _, k in counts if k > 0):   # every option answered is as frequent
            parts.append(f"{name}{'、'.join(tied)}各{m}人")
        else:
            parts.append(f"{name}{'、'.join(tied)}最多，各{m}人")
    return ("受访者中，" + "；".join(parts) + "。") if parts else "各题受访者分布见下表。"


# -- 四、分项结果 ---------------------------------------------------------------------
def _items(ctx: _Context) -> None:
    a, doc = ctx.a, ctx.doc
    if not a.waves:
        return
    wa = a.current
    doc.heading("分项结果")
    sat = wa.satisfaction if _as_satisfaction(a) else None
    if sat is not None and (len(sat.items) or len(sat.awareness)):
        _satisfaction_items(ctx, wa)
    elif wa.appraisal is not None:
        _appraisal_items(ctx, wa)
    else:
        _question_items(ctx, wa)
    if sat is not None:   # which analyses were not made, in one neutral sentence each
        for s in _handed_in(sat.warnings, only_not_made=True):
            doc.paragraph(s)


def _satisfaction_items(ctx: _Context, wa: WaveAnalysis, prefix: str = "") -> None:
    from . import tables
    from .plots import ipa_is_noise
    from .satisfaction import SMALL_N

    doc, res, wid = ctx.doc, wa.satisfaction, wa.wave.id
    heads = dict(res.headlines)
    if len(res.items):
        doc.heading("满意度", 2)
        notes = [_index_note(res, wa.responses.questionnaire), _target_note(ctx.a.project)]
        if (res.items["n_valid"] < SMALL_N).any():
            notes.append(f"有效回答少于{SMALL_N}份的题目置信区间很宽，结果仅供参考。")
        key = f"items:{wid}"
        ctx.table(_frame_table(_item_frame(res), f"{prefix}各题满意度", notes), key)
        if "overall" in heads:
            ctx.finding(heads["overall"], key)
        low = _lowest_items(res)
        if low:
            ctx.finding(low, key)
        ctx.figure(f"likert:{wid}")
        doc.paragraph(f"各题的满意率、平均分和满意度指数见{doc.ref(key)}，各题回答的分布见"
                      f"{doc.ref(f'likert:{wid}')}。" if f"likert:{wid}" in ctx.keys else
                      f"各题的满意率、平均分和满意度指数见{doc.ref(key)}。")
    if len(res.dimensions):
        doc.heading("各维度", 2)
        key = f"dims:{wid}"
        ctx.table(_frame_table(tables.dimension_table(res), f"{prefix}各维度满意度",
                               ["维度的平均分为受访者在该维度各题平均分的平均；满意率为各题满意率的平均。"]), key)
        dims = _dimension_sentence(res)
        if dims:
            doc.paragraph(_cite(dims, ctx.ref(key)))
            ctx.finding(dims, key)
        if len(res.reliability):
            good = bool((res.reliability["alpha"] >= 0.7).all())
            doc.paragraph("各维度题目的回答" + ("一致性良好，维度得分可以合并解读" if good else
                                         "一致性一般，维度得分宜结合各题解读") + "（信度分析见附表）。")
            ctx.appendix.append(lambda c, wa=wa: _reliability_appendix(c, wa))
    if len(res.awareness):
        doc.heading("政策知晓情况", 2)
        key = f"aware:{wid}"
        ctx.table(_frame_table(_awareness_frame(res), f"{prefix}政策知晓情况",
                               ["比例为回答该选项的人数占该题有效回答的比例；“逻辑跳过”为按问卷设置无须回答的答卷。"]), key)
        for q in res.awareness.itertuples(index=False):
            s = heads.get(f"awareness:{q.question_id}")
            if s:
                doc.paragraph(_cite(s, ctx.ref(key)))
                ctx.finding(s, key)
    if len(res.nps):
        doc.heading("推荐意愿", 2)
        key = f"nps:{wid}"
        ctx.table(_frame_table(tables.nps_table(res), f"{prefix}净推荐值",
                               ["净推荐值＝推荐者（9–10分）比例－贬损者（0–6分）比例，以−100至100表示。"]), key)
        for q in res.nps.itertuples(index=False):
            s = heads.get(f"nps:{q.question_id}")
            if s:
                ctx.finding(s, key)
    if len(res.drivers):
        from .satisfaction import settled_quadrants

        doc.heading("影响总体满意度的因素", 2)
        key = f"ipa:{wid}"
        ctx.figure(key)
        d = res.drivers
        t = pd.DataFrame({"题目": d["item"], "重要性（相关系数）": d["importance_r"].map(lambda v: fmt_number(v, 3)),
                          "满意度指数": d["performance"].map(lambda v: fmt_number(v, 1)),
                          "象限": settled_quadrants(res)})
        tkey = f"drivers:{wid}"
        ctx.table(_frame_table(t, f"{prefix}各题的重要性与表现",
                               ["重要性为该题得分与总体满意度得分的相关系数；象限以各题重要性和满意度指数的平均值划分，"
                                "题目的重要性或满意度指数与平均值的差距在95%置信区间以内的，记为“象限不确定”。"]),
                  tkey)
        s = _drivers_sentence(res)
        if s:
            doc.paragraph(_cite(s, ctx.ref(key, tkey)))
            if not ipa_is_noise(res):
                ctx.finding(s, key, tkey)
    if res.weighted is not None and len(res.weighted) and "weighted" in heads:
        ctx.appendix.append(lambda c, wa=wa: _weighted_appendix(c, wa))
        s = _weighted_sentence(res)
        if s:
            ctx.finding(s, f"weighted:{wid}")


def _index_note(res, qn=None, same_as: str = "") -> str:
    """The note under an item table; ``same_as`` (「表3」) when an earlier table's note defines
    满意率 and the index: the note then says so instead of printing the definition twice."""
    lo, hi = res.items["scale_min"].min(), res.items["scale_max"].max()
    same = res.items["scale_min"].nunique() == 1 and res.items["scale_max"].nunique() == 1
    scale = (f"本问卷各题最低{fmt_number(lo, 0)}分、满分{fmt_number(hi, 0)}分；" if same else "")
    if same_as:
        return f"{scale}满意率和满意度指数的定义同{same_as}。"
    return (f"{_satisfied_definition(res, qn)}；{scale}指数为满意度指数＝（平均分−最低分）÷（满分−最低分）×100。")


def _or(labels: list[str]) -> str:
    """「“满意”或“非常满意”」, 「“8分”、“9分”或“10分”」."""
    q = [f"“{x}”" for x in labels]
    return q[0] if len(q) == 1 else "、".join(q[:-1]) + "或" + q[-1]


def _satisfied_definition(res, qn) -> str:
    """What 满意率 counts, from the options the codebook marks ``satisfied``: one phrase when
    every item counts the same answers, else item by item."""
    qs = qn.by_id() if qn is not None else {}
    per: dict[tuple, list[str]] = {}
    for it in res.items.itertuples(index=False):
        q = qs.get(it.question_id)
        if q is None or not q.satisfied:
            continue
        labels = tuple(o.label for o in q.options if o.code in q.satisfied)
        if labels:
            per.setdefault(labels, []).append(_short(it.item))
    if not per:
        return "满意率为回答表示满意的选项的比例"
    if len(per) == 1:
        return f"满意率为回答{_or(list(next(iter(per))))}的比例"
    return "满意率为回答表示满意的选项的比例：" + "；".join(
        f"{'、'.join(f'“{i}”' for i in items)}为{_or(list(labels))}" for labels, items in per.items())


def _target_note(proj) -> str:
    from .fmt import fmt_threshold

    t = proj.targets.get("overall_satisfied")
    return f"总体满意率的目标为{fmt_threshold(t, percent=True, max_digits=12)}。" if t is not None else ""


def _lowest_items(res) -> str:
    """「满意率最低的是“A”（61.2%）、“B”（63.0%）和“C”（64.5%）。」 among five or more items."""
    t = res.items[res.items["role"] != "overall"].dropna(subset=["satisfied_share"])
    if len(t) < 5:
        return ""
    t = t.sort_values(["satisfied_share", "column"])
    shown = t["satisfied_share"].map(fmt_percent)
    cut = float(shown.iloc[2][:-1])   # the third lowest as printed: items printed the same are named too
    low = t[shown.map(lambda x: float(x[:-1]) <= cut).to_numpy()]
    parts = [f"“{_short(r.item)}”（{fmt_percent(r.satisfied_share)}）" for r in low.itertuples(index=False)]
    return f"各题中满意率最低的是{'、'.join(parts[:-1])}和{parts[-1]}，是群众评价相对较低的方面。"


def _dimension_sentence(res) -> str:
    """The highest and the lowest dimension by the index as printed (one decimal): dimensions
    that print the same value are named together, never ordered as if they differed.

    >>> from types import SimpleNamespace as N
    >>> _dimension_sentence(N(dimensions=pd.DataFrame({"dimension": ["甲", "乙", "丙"], "index": [73.54, 73.46, 70.0]})))
    '各维度中，满意度指数最高的是“甲”和“乙”（均为73.5），最低的是“丙”（70.0）。'
    >>> _dimension_sentence(N(dimensions=pd.DataFrame({"dimension": ["甲", "乙"], "index": [73.54, 73.46]})))
    '各维度的满意度指数相同，均为73.5。'
    """
    d = res.dimensions.dropna(subset=["index"])
    if len(d) < 2:
        return ""
    shown = d["index"].map(lambda v: fmt_number(v, 1))
    value = shown.map(float)
    if value.nunique() == 1:
        return f"各维度的满意度指数相同，均为{shown.iloc[0]}。"

    def named(v) -> str:
        who = list(d.loc[value == v, "dimension"])
        return f"{_tied(who)}（{'均为' if len(who) > 1 else ''}{fmt_number(v, 1)}）"
    return f"各维度中，满意度指数最高的是{named(value.max())}，最低的是{named(value.min())}。"


def _drivers_sentence(res) -> str:
    from .plots import ipa_is_noise
    from .satisfaction import settled_quadrants

    d = res.drivers
    if ipa_is_noise(res):
        return ("各题的满意度指数相差不到一个95%置信区间的宽度，按重要性和表现划分的象限只是抽样误差造成的，"
                "不据此确定改进重点。")
    quad = d[d["quadrant"] == "重点改进"]
    if not len(quad):
        return "重要性较高的方面满意度也较高，没有落在“重点改进”象限的题目。"
    clear = d[settled_quadrants(res) == "重点改进"]   # both splits beyond the item's own 95% intervals
    names = "、".join(f"“{_short(x)}”" for x in clear["item"])
    if len(clear):
        return f"{names}对总体满意度影响较大而满意度明显低于各题平均水平，应作为改进的重点。"
    return ("重要性较高而满意度较低的题目，与各题平均水平的差距都在抽样误差范围内（象限不确定），"
            "不宜据此认定改进重点；可结合满意率最低的方面确定。")


def _weighted_sentence(res) -> str:
    w = res.weighted
    top = w[(w["role"] == "overall") & (w["measure"] == "share")]
    if not len(top) or pd.isna(top.iloc[0]["estimate"]):
        return ""
    est = top.iloc[0]["estimate"]
    raw = res.overall.get("satisfied_share")
    near = raw is not None and abs(est - raw) < 0.01
    return (f"按户数加权后，总体满意率为{fmt_percent(est)}，" +
            ("与未加权的结果基本一致。" if near else f"{'高' if est > raw else '低'}于未加权的结果。"))


def _appraisal_items(ctx: _Context, wa: WaveAnalysis) -> None:
    from . import tables

    doc, ap, wid = ctx.doc, wa.appraisal, wa.wave.id
    sentences = _handed_in(ap.sentences[1:])  # the first one (answers) is said with 表1
    if len(ap.cadres):
        doc.heading("群众测评村干部", 2)
        key = f"cadres:{wid}"
        ctx.table(_cadre_table(ap), key)
        ctx.figure(f"cadres:{wid}", f"cadres_chart:{wid}")
        doc.paragraph(f"各村干部的平均得分、95%置信区间和各项平均扣分见{doc.ref(key)}"
                      + (f"，得分分布见{doc.ref(f'cadres_chart:{wid}')}" if f"cadres_chart:{wid}" in ctx.keys else "")
                      + "。")
    if len(ap.members):
        doc.heading("民主评议党员", 2)
        counts = ap.members["rating"].value_counts()
        bands = list(ap.member_bands["band"])
        rkey = f"ratings:{wid}"
        ctx.table(Table([Column("评议结果"), Column("党员人数", "int")],
                        [[b, int(counts.get(b, 0))] for b in bands] +
                        [Row(["合计", int(counts.reindex(bands).fillna(0).sum())], bold=True)],
                        caption="党员评议结果汇总", notes=["评议结果为得票最多的等次。"]), rkey)
        bkey = f"bands:{wid}"
        ctx.table(_frame_table(tables.member_band_table(ap), "各等次得票",
                               ["比例为该等次票数占全部有效票的比例；置信区间把同一评议人投出的票视为一个群。"]), bkey)
        need = ap.members[ap.members["needs_help"] | ap.members["tie"]]
        hkey = f"help:{wid}"
        if len(need):
            ctx.table(_member_votes(ap, need, "一对一帮扶对象及票数持平的党员"), hkey)
        ctx.appendix.append(lambda c, ap=ap, wid=wid: c.table(_member_votes(ap, ap.members, "各党员评议票数"),
                                                              f"members_all:{wid}"))
        doc.paragraph(f"评议结果汇总见{doc.ref(rkey)}，各等次得票见{doc.ref(bkey)}，每名党员的得票见附表，"
                      "各党员的得票分布见下图。")
        ctx.figure(f"members:{wid}", f"members_chart:{wid}")
    # the appraisal's sentences, each with the table it comes from
    for s in sentences:
        if "应参加测评" in s:
            ctx.finding(s, "participation")
        elif "名村干部的平均得分" in s or "提请调整" in s or "没有村干部得分低于" in s:
            ctx.finding(s, f"cadres:{wid}")
        elif "共评议党员" in s:
            ctx.finding(s, f"ratings:{wid}")
        elif "一对一帮扶" in s or "持平" in s:
            ctx.finding(s, f"help:{wid}")
        else:
            ctx.finding(s)


def _cadre_table(ap) -> Table:
    """Each cadre's mean score, its interval, the mean deduction per aspect (德、能、勤、绩、廉)
    and whether it is below the line; the numbers as the appraisal's sentences write them."""
    from . import tables

    full = tables.cadre_table(ap)
    aspects = [c for c in full.columns if c.endswith("平均扣分")]
    short = {c: re.split(r"[（(]", c.removesuffix("平均扣分"))[0] for c in aspects}
    line = [c for c in full.columns if c.startswith("低于")]
    t = full[["村干部", "平均得分", "95%置信区间", *aspects, *line]].rename(columns=short)
    n = sorted(set(full["有效测评"]))
    notes = [f"共{len(ap.cadres)}名村干部，每人的有效测评" + (f"均为{n[0]}份" if len(n) == 1 else
                                                       f"为{n[0]}至{n[-1]}份") + "；得分＝起始分＋各项扣分，取平均。",
             f"{'、'.join(short.values())}各列为该项的平均扣分。" if aspects else ""]
    return _frame_table(t, "村干部测评得分", notes, wide=["村干部"])


def _member_votes(ap, members: pd.DataFrame, caption: str) -> Table:
    """Votes per band for each member, the rating and one-to-one help (the shares are in the
    workbook)."""
    bands = ap.member_bands
    rows = []
    for m in members.itertuples(index=False):
        rows.append([m.member, int(m.n_votes), *[int(getattr(m, f"n_{c}")) for c in bands["band_code"]],
                     m.rating + ("（票数持平）" if m.tie else ""), "是" if m.needs_help else ""])
    cols = [Column("党员"), Column("有效票", "int"), *[Column(b, "int") for b in bands["band"]],
            Column("评议结果"), Column("一对一帮扶")]
    return Table(cols, rows, caption=caption, notes=["各等次列为该党员得到的票数；评议结果为得票最多的等次。"])


def _question_items(ctx: _Context, wa: WaveAnalysis) -> None:
    """A survey without satisfaction or appraisal items: each choice question's answers."""
    r, doc = wa.responses, ctx.doc
    groups = set(r.questionnaire.groups) | set(_profile_ids(r))
    n = 0
    for q in r.questionnaire.questions:
        if q.type == "matrix" and q.id not in groups and not getattr(q, "personal", None):
            n += _matrix_items(ctx, wa, q)
            continue
        if q.type == "multi" and q.id not in groups and not getattr(q, "personal", None):
            n += _multi_items(ctx, wa, q)
            continue
        if q.type not in ("single", "yesno", "scale") or q.id in groups or q.id not in r.valid \
                or getattr(q, "personal", None):
            continue
        counts, base = _counts(r, q)
        if not base:
            continue
        n += 1
        key = f"question:{wa.wave.id}:{q.id}"
        rows = [[label, k, k / base] for label, k in counts]
        notes = [f"有效回答{base}份。"]
        if _is_satisfaction_item(q):   # one satisfaction question in a survey about other things
            yes = [o for o, (label, k) in zip(q.options, counts) if o.code in q.satisfied]
            said = _or([option_label(o.label) for o in yes])
            k = sum(counts[q.options.index(o)][1] for o in yes)
            notes = [f"有效回答{base}份，其中回答{said}的{k}人，占{fmt_percent(k / base)}。"]
        ctx.table(Table([Column("选项"), Column("人数", "int"), Column("比例", "percent")], rows,
                        caption=_short(q.title), notes=notes), key)
        m = max(row[1] for row in rows)
        tied = [row for row in rows if row[1] == m]
        if _is_satisfaction_item(q):
            s = f"“{_short(q.title)}”一题，回答{said}的{k}人，占回答该题{base}人的{fmt_percent(k / base)}。"
        else:
            s = (f"“{_short(q.title)}”一题，选择{_tied([row[0] for row in tied])}的最多，"
                 f"{'各' if len(tied) > 1 else ''}占{fmt_percent(tied[0][2])}。")
        doc.paragraph(_cite(s, ctx.ref(key)))
        ctx.finding(s, key)
    if not n:
        doc.paragraph(_nothing_else(ctx, r))


def _nothing_else(ctx: _Context, r) -> str:
    """What 分项结果 says when every choice question is a question about the respondents
    (shown in 样本基本情况), or when there is no choice question at all."""
    asked = [q for q in r.questionnaire.questions if q.type in ("single", "yesno", "scale", "multi", "matrix")
             and not getattr(q, "personal", None) and (q.id in r.valid or q.rows)]
    if not asked:
        return "问卷中没有选择题，本节从略。"
    names = "、".join(_short(q.title) for q in asked)
    return _cite(f"问卷的{len(asked)}道选择题（{names}）都是受访者基本情况题，各选项的人数和比例已在"
                 "“样本基本情况”中列出。", ctx.ref("profile"))


def _multi_items(ctx: _Context, wa: WaveAnalysis, q) -> int:
    """A multiple-choice question: its table (人次, 响应率, 普及率 with intervals) and the
    option chosen by most respondents (every tied one named)."""
    from .descriptives import tabulate_question
    from .question_tables import question_table

    found = tabulate_question(wa.responses, q.id)
    if not found or not found[0].base or not len(found[0].table):
        return 0
    res = found[0]
    t = res.table
    key = f"question:{wa.wave.id}:{q.id}"
    full = question_table(res)   # the workbook's table; the report keeps what a reader needs
    ctx.table(Table([Column("选项"), Column("选择人数", "int"), Column("占回答人数的比例", "percent")],
                    [[str(o.option), int(o.n), o.case_share] for o in t.itertuples(index=False)],
                    caption=f"{_short(q.title)}（多选题）",
                    notes=[res.base_text() + "一人可选多项，各项比例之和可超过100%。", *full.notes[2:]]), key)
    m = t["n"].max()
    tied = t[t["n"] == m]
    s = (f"“{_short(q.title)}”一题（可多选），选择{_tied([str(x) for x in tied['option']])}的最多，"
         f"{'各' if len(tied) > 1 else ''}占回答该题人数的{fmt_percent(tied['case_share'].iloc[0])}。")
    ctx.doc.paragraph(_cite(s, ctx.ref(key)))
    ctx.finding(s, key)
    return 1


def _tied(labels: list[str]) -> str:
    """Every one of the items tied for the top, quoted: 「“A”」「“A”和“B”」「“A”、“B”和“C”」.

    >>> _tied(["道路维修还需加快"]), _tied(["A", "B"]), _tied(["A", "B", "C"])
    ('“道路维修还需加快”', '“A”和“B”', '“A”、“B”和“C”')
    """
    q = [f"“{x}”" for x in labels]
    return q[0] if len(q) == 1 else "、".join(q[:-1]) + "和" + q[-1]


def _answer_values(q) -> dict:
    """option code -> the value stored in the responses (a scale's score, else the code)."""
    scored = q.type in ("scale", "matrix") and q.has_scores
    return {o.code: (o.score if scored else o.code) for o in q.options}


def _matrix_items(ctx: _Context, wa: WaveAnalysis, q) -> int:
    """A matrix question (rows answered on one set of options): one table, a row per item and
    a column per option (the share of that item's answers), and one sentence naming the items
    with the highest and the lowest share of the option chosen most often overall."""
    r = wa.responses
    rows = [row for row in q.rows if row.id in r.valid and r.valid[row.id].notna().any()]
    if not rows:
        return 0
    value = _answer_values(q)
    key = f"question:{wa.wave.id}:{q.id}"
    body, counts = [], {o.code: 0 for o in q.options}
    shares = {}
    for row in rows:
        x = r.valid[row.id].dropna()
        k = {o.code: int((x == value[o.code]).sum()) for o in q.options}
        for c in k:
            counts[c] += k[c]
        shares[row.label] = {c: k[c] / len(x) for c in k}
        body.append([_short(row.label), len(x), *[k[o.code] / len(x) for o in q.options]])
    ctx.table(Table([Column("题目", wide=True), Column("有效回答", "int"),
                     *[Column(option_label(o.label), "percent") for o in q.options]], body, caption=_short(q.title),
                    notes=["各选项列为选择该选项的人数占该题有效回答的比例。"]), key)
    top = max(q.options, key=lambda o: counts[o.code])
    ranked = sorted(shares, key=lambda lab: shares[lab][top.code])
    hi, lo = ranked[-1], ranked[0]
    if len(rows) > 1:
        s = (f"“{_short(q.title)}”各项中，选择“{option_label(top.label)}”的比例最高的是“{_short(hi)}”"
             f"（{fmt_percent(shares[hi][top.code])}），最低的是“{_short(lo)}”（{fmt_percent(shares[lo][top.code])}）。")
    else:
        s = f"“{_short(hi)}”一项，选择“{option_label(top.label)}”的占{fmt_percent(shares[hi][top.code])}。"
    ctx.doc.paragraph(_cite(s, ctx.ref(key)))
    ctx.finding(s, key)
    return 1


# -- 五、分组比较 ---------------------------------------------------------------------
def _groups(ctx: _Context) -> None:
    from .groupdiff import ALPHA, MIN_POINTS, difference_sentences
    from .satisfaction import SMALL_N, caveat_note

    a, doc = ctx.a, ctx.doc
    if not a.waves or a.current.satisfaction is None or not _as_satisfaction(a):
        return
    wa = a.current
    res, wid = wa.satisfaction, wa.wave.id
    if res.by_group is None or not len(res.by_group):
        return
    doc.heading("分组比较")
    rule = fmt_percent(MIN_POINTS, 0)[:-1]
    doc.paragraph(f"按分组题比较各组的满意率和知晓率：经多重比较（Holm法）校正后P值小于{fmt_number(ALPHA, 2)}、"
                  f"且相差{rule}个百分点以上的，才作为差异报告；组数不超过10个时两两比较，组数更多时把每一组与"
                  "其余各组合在一起比较。")
    d = wa.differences
    few = _too_few(res.by_group, SMALL_N)
    if len(d) and few:   # no group large enough to compare: said in one sentence, not tested
        d = d[~d["group_by"].isin(few)]
    hits = d[d["notable"]] if len(d) else d
    key = f"diffs:{wid}"
    if len(hits):
        rows = [[_short(r.item), r.group_a, fmt_percent(r.share_a), r.group_b, fmt_percent(r.share_b),
                 fmt_percent(abs(r.difference))[:-1], r.p_holm] for r in hits.itertuples(index=False)]
        titles = "、".join(dict.fromkeys(_short(t) for t in hits["group_title"]))
        ctx.table(Table([Column("题目", wide=True), Column("组别"), Column("比例"), Column("比较对象"),
                         Column("比较对象比例"), Column("相差（百分点）"), Column("Holm校正P值", "pvalue")], rows,
                        caption=f"按{titles}分组有明显差异的比较",
                        notes=[f"只列出Holm校正P值小于{fmt_number(ALPHA, 2)}且相差{rule}个百分点以上的比较。"
                               + ROUNDING_NOTE]), key)
    sentences = difference_sentences(d)
    for s in sentences:
        notable = key in ctx.keys and "Holm校正后P" in s
        doc.paragraph(_cite(s, ctx.ref(key)) if notable else s)
        if notable:
            ctx.finding(s, key)
    if sentences and not len(hits):
        titles = "、".join(dict.fromkeys(_short(t) for t in d["group_title"]))
        ctx.finding(f"按{titles}分组比较，各组之间没有需要报告的明显差异。")
    if few:
        doc.paragraph(f"按{'、'.join(few.values())}分，各组有效答卷过少（均少于{SMALL_N}份），不作分组比较。")
    col = res.overall.get("column")
    for g in _body_groups(wa):
        ctx.figure(f"rates:{wid}:{g}")
    qs = wa.responses.questionnaire.by_id()
    for g in wa.responses.questionnaire.groups:
        if g in qs and len(qs[g].options) > MAX_BODY_GROUPS and col:
            from . import tables

            name = _short(qs[g].title)
            ctx.appendix.append(lambda c, g=g, name=name: c.table(
                _frame_table(tables.group_table(res, g, col), f"各{name}总体满意率"), f"group:{wid}:{g}"))
            doc.paragraph(f"各{name}的总体满意率见附表。")
    note = caveat_note(res, hints=False)
    if note:
        doc.paragraph(note)


def _too_few(by_group: pd.DataFrame, least: int) -> dict[str, str]:
    """The grouping questions (id -> short title) none of whose groups has ``least`` valid
    answers: too few to compare groups at all.

    >>> bg = pd.DataFrame({"group_by": ["s", "s", "v", "v"], "group_title": ["您的性别是？"] * 2 + ["所在村"] * 2,
    ...                    "n_valid": [1, 1, 40, 3]})
    >>> _too_few(bg, 30)
    {'s': '性别'}
    """
    if by_group is None or not len(by_group):
        return {}
    top = by_group.groupby("group_by", sort=False).agg(n=("n_valid", "max"), title=("group_title", "first"))
    return {g: _short(t) for g, (n, t) in top.iterrows() if n < least}


# -- 六、意见建议 ---------------------------------------------------------------------
MAX_WORDS = 10        # words in the report's frequency table (the questions workbook has 30)
MAX_TYPICAL = 5       # typical answers quoted for a question without codes
TOP_NAMED = 3         # categories or words a sentence names (more when tied with the last)


def _open_questions(wa: WaveAnalysis) -> list:
    """The open questions of a wave as :mod:`kit.descriptives` tabulates them: fill-ins whose
    answers are text (a numeric fill-in such as 常住人口 is not an opinion), personal data left out."""
    from .descriptives import tabulate_question

    r = wa.responses
    out = []
    for q in r.questionnaire.questions:
        if q.type == "text" and not q.personal:
            out += [x for x in tabulate_question(r, q.id) if x.kind == "text"]
    return out


def _top(frame: pd.DataFrame, count: str, k: int = TOP_NAMED) -> pd.DataFrame:
    """The first ``k`` rows with a count above 0 (``frame`` ordered by it) and those tied with
    the last of them, so that a sentence never leaves out an equal one; when more than ``k + 2``
    would be named, only those above the tied count (perhaps none)."""
    f = frame[frame[count] > 0]
    if len(f) <= k:
        return f
    last = f[count].iloc[k - 1]
    top = f[f[count] >= last]
    return top if len(top) <= k + 2 else f[f[count] > last]   # too many tied: only those above them


def _named(pairs: list[tuple[str, int]], n: int) -> str:
    """「“A”（39份，占19.8%）、“B”、“C”（各9份，各占4.6%）和“D”（…）」: names with their counts
    and shares of ``n`` (half up, as the tables show them); equal counts said once.

    >>> _named([("产业", 39), ("养老", 9), ("道路", 9), ("环境", 2)], 197)
    '“产业”（39份，占19.8%）、“养老”、“道路”（各9份，各占4.6%）和“环境”（2份，占1.0%）'
    """
    from itertools import groupby

    parts = []
    for k, group in groupby(pairs, key=lambda p: p[1]):
        names = [f"“{name}”" for name, _ in group]
        pct = fmt_percent(_share(k, n))
        parts.append("、".join(names) + (f"（各{k}份，各占{pct}）" if len(names) > 1 else f"（{k}份，占{pct}）"))
    return parts[0] if len(parts) == 1 else "、".join(parts[:-1]) + "和" + parts[-1]


def _opinions(ctx: _Context) -> None:
    """The open answers of the current wave through :mod:`kit.opentext`: with ``codes:`` for
    the question, the categories with counts and shares (a table and a sentence naming the most
    frequent); without, the most frequent words (stop words removed) and a few typical answers.
    Every quote is masked for personal data and capped; every share is count ÷ the answers to
    the question (the base, stated under the table), rounded half up as the table shows it."""
    from .descriptives import Tabulation
    from .opentext import analyse_open_answers

    a, doc = ctx.a, ctx.doc
    if not a.waves:
        return
    wa = a.current
    questions = _open_questions(wa)
    if not questions:
        return
    doc.heading("意见建议")
    proj = a.project
    texts = analyse_open_answers(Tabulation(None, questions), codes=proj.codes, stopwords=proj.stopwords,
                                 top=MAX_WORDS)
    by_id = {x.question_id: x for x in questions}
    several = len(texts) > 1
    for tr in texts:
        q = by_id[tr.question_id]
        name = _short(tr.title)
        tag = f"（{name}）" if several else ""
        key = f"opinions:{wa.wave.id}:{tr.question_id}"
        n, n_content = tr.n_answered, tr.n_answered - tr.n_no_content
        if not n:
            doc.paragraph(f"“{name}”一题没有人填写。")
            continue
        head = f"“{name}”一题，{n}份答卷填写了内容"
        if not n_content:
            doc.paragraph(f"{head}，都是“无”“没有”等，没有具体的意见建议。")
            continue
        head += f"，其中{n_content}份提出了具体意见建议" if tr.n_no_content else "，都提出了具体意见建议"
        if tr.codes_given:
            s = _coded_opinions(ctx, tr, q, key, tag, head)
            ctx.finding(s, key)
        else:
            _word_opinions(ctx, tr, q, key, tag, head)


def _share(k: int, n: int):
    from fractions import Fraction

    return Fraction(int(k), int(n))


def _coded_opinions(ctx: _Context, tr, q, key: str, tag: str, head: str) -> str:
    """The table of categories (most answers first; 未归类 and 无具体内容 last) and the sentence
    naming the most frequent; returns the sentence (a finding)."""
    from .opentext import NO_CONTENT, UNCODED

    n = tr.n_answered
    coded = tr.coded.reset_index(drop=True)
    cats = coded[~coded["category"].isin([UNCODED, NO_CONTENT])]
    cats = cats.assign(order=range(len(cats))).sort_values(["n", "order"], ascending=[False, True], kind="stable")
    rest = coded[coded["category"].isin([UNCODED, NO_CONTENT])]
    rows = [[r.category, r.keywords, int(r.n), _share(r.n, n)] for r in cats.itertuples(index=False)]
    rows += [[r.category, r.keywords or "—", int(r.n), _share(r.n, n)] for r in rest.itertuples(index=False)
             if r.n or r.category == UNCODED]
    ctx.table(Table([Column("类别"), Column("关键词", wide=True), Column("回答数", "int"), Column("比例", "percent")],
                    rows, caption="意见建议归类" + tag,
                    notes=[q.base_text(),
                           f"比例＝回答数÷填写本题的{n}份答卷（其中有具体内容的{n - tr.n_no_content}份）。回答中含有某一类的任一关键词即归入该类；"
                           "一条回答可归入多个类别，各类别比例之和可超过100%；“未归类”为有具体内容、"
                           "但不含任一关键词的回答。"]), key)
    top = _top(cats, "n")
    uncoded = int(coded.loc[coded["category"] == UNCODED, "n"].sum())
    if not len(top):
        s = f"{head}，都不含所列的关键词，未能归类。"
    else:
        named = _named([(r.category, int(r.n)) for r in top.itertuples(index=False)], n)
        s = f"{head}；按关键词归类，提到较多的是{named}" + (
            f"，另有{uncoded}份未归入所列类别。" if uncoded else "。")
    ctx.doc.paragraph(_cite(s, ctx.ref(key)))
    return s


def _word_opinions(ctx: _Context, tr, q, key: str, tag: str, head: str) -> None:
    """The most frequent words (a table) and a few typical answers (masked, capped)."""
    from .opentext import QUOTE_CHARS

    n = tr.n_answered
    words = tr.words[tr.words["n_answers"] > 0].head(MAX_WORDS)
    wkey, qkey = key + ":words", key + ":quotes"
    if len(words):
        ctx.table(Table([Column("词语"), Column("提到该词的回答数", "int"), Column("比例", "percent")],
                        [[r.word, int(r.n_answers), _share(r.n_answers, n)] for r in words.itertuples(index=False)],
                        caption="意见建议高频词" + tag,
                        notes=[q.base_text(),
                               f"比例＝提到该词的回答数÷填写本题的{n}份答卷（其中有具体内容的{n - tr.n_no_content}份）；一条回答中多次出现的词只计一次。"
                               "回答按词切分，已去除“的”“建议”“希望”等没有实际意义的词。"
                               + (f"表中列出提到最多的{len(words)}个词。" if len(words) == MAX_WORDS else "")]),
                  wkey)
    quotes = tr.quotes.head(MAX_TYPICAL)
    if len(quotes):
        ctx.table(Table([Column("回答（已隐去个人信息）", wide=True), Column("相同回答数", "int")],
                        [[r.quote, int(r.n_same)] for r in quotes.itertuples(index=False)],
                        caption="意见建议典型回答" + tag,
                        notes=[f"按相同回答的份数列出最多{MAX_TYPICAL}条；电话、身份证号、姓名等个人信息已隐去，"
                               f"过长的回答只列出前{QUOTE_CHARS}字。"]), qkey)
    top = _top(words, "n_answers")
    if len(top):
        named = _named([(r.word, int(r.n_answers)) for r in top.itertuples(index=False)], n)
        s = f"{head}，提到较多的词是{named}。"
    else:
        s = f"{head}。"
    ctx.doc.paragraph(_cite(s, ctx.ref(wkey, qkey)))


# -- the baseline wave and the comparison ------------------------------------------------
def _earlier_waves(ctx: _Context) -> None:
    a, doc = ctx.a, ctx.doc
    for wa in a.waves[1:]:
        doc.heading(f"{wa.label}结果")
        res = wa.satisfaction
        if res is not None and len(res.items):
            key = f"items:{wa.wave.id}"
            first = f"items:{a.current.wave.id}"
            same_as = ctx.doc.ref(first) if first in ctx.keys else ""
            ctx.table(_frame_table(_item_frame(res), f"{wa.label}各题满意度",
                                   [_index_note(res, wa.responses.questionnaire, same_as)]), key)
            head = dict(res.headlines).get("overall")
            if head:
                s = f"{wa.label}：{head}"
                doc.paragraph(_cite(s, ctx.ref(key)))
                ctx.finding(s, key)
        elif wa.appraisal is not None:
            for s in _handed_in(wa.appraisal.sentences):
                doc.paragraph(s)


def _comparison(ctx: _Context) -> None:
    from . import tables

    a, doc = ctx.a, ctx.doc
    c = a.comparison
    if c is None:
        return
    w0, w1 = a.project.baseline_and_current()
    doc.heading("前后对比")
    if not len(c.items):   # nothing comparable: said plainly (how to fix it is for the evaluator)
        for s in _handed_in(c.sentences):
            doc.paragraph(s)
        return
    key = "comparison_table"
    t = tables.wave_table(c)
    keep = [k for k in ("题目", "基线满意率", "跟踪满意率", "变化（百分点）", "95%置信区间") if k in t]
    shown = t[keep].rename(columns={"基线满意率": f"{w0.label}", "跟踪满意率": f"{w1.label}"})
    shown["P值"] = [tables._pv(v) for v in c.items.get("share_p", pd.Series([None] * len(c.items)))]
    shown["题目"] = shown["题目"].map(_short)
    if "95%置信区间" in shown:   # 「6.7–17.3」: one unbreakable piece, as the item tables write an interval
        shown["95%置信区间"] = [None if pd.isna(lo) else f"{_signed(lo)}–{_signed(hi)}" for lo, hi in
                             zip(c.items["share_diff_ci_low"], c.items["share_diff_ci_high"])]
    notes = ["变化＝后一轮满意率－前一轮满意率，95%置信区间为Newcombe法，P值为两个比例的z检验；"
             f"{c.n_pairs}名两轮都接受访问者的配对检验见附表。" + ROUNDING_NOTE.replace("相差", "变化", 1)]
    ctx.table(_frame_table(shown, f"{w0.label}与{w1.label}各题满意率", notes), key)
    mkey = "comparison_means"
    means = t[["题目", "基线均分", "跟踪均分", "Welch t检验P", "Cohen's d"]].rename(
        columns={"基线均分": f"{w0.label}平均分", "跟踪均分": f"{w1.label}平均分", "Welch t检验P": "P值",
                 "Cohen's d": "效应量"})
    means["题目"] = means["题目"].map(_short)
    ctx.table(_frame_table(means, f"{w0.label}与{w1.label}各题平均分",
                           ["P值为t检验（Welch法，两轮答卷按独立样本比较）；效应量为Cohen's d，即两轮平均分之差除以"
                            "合并标准差，0.2左右为小、0.5左右为中等。"]),
              mkey)
    if "配对人数" in t:
        paired = t[["题目", "配对人数", "配对均分变化", "配对t检验P", "McNemar检验P"]].rename(
            columns={"McNemar检验P": "配对卡方检验P"})
        paired["题目"] = paired["题目"].map(_short)
        ctx.appendix.append(lambda cx: cx.table(_frame_table(
            paired, "两轮都接受访问者的配对比较",
            ["配对均分变化＝同一受访者后一轮得分－前一轮得分的平均；配对卡方检验（McNemar检验）比较同一受访者前后是否满意。"]),
            "comparison_paired"))
    ctx.figure("comparison", "comparison_chart")
    for s in _handed_in(c.sentences):
        doc.paragraph(s)
    head = next((s for s in c.sentences if s.startswith("总体满意率由")), None)
    if head:
        first = head.split("。")[0] + "。"
        ctx.finding(first, key, mkey, "comparison_chart")


# -- panel and staged targets ---------------------------------------------------------------
def _panel(ctx: _Context) -> None:
    a, doc = ctx.a, ctx.doc
    p = a.panel
    if p is None:
        return
    span = f"{_year(p.baseline)}—{_year(p.followup)}年"
    doc.heading("前后变化")
    ck = "panel_changes"
    rows = []
    for y in p.outcomes:
        f = p.formats[y]
        part = p.changes[p.changes["outcome"] == y]
        for r in part.itertuples(index=False):
            rows.append([f.name, getattr(r, "group", None) or "全部", f.level(r.baseline), f.level(r.followup),
                         f.change(r.change)])
    counts = (p.changes.drop_duplicates("group")[["group", "n_units"]] if p.has_comparison else None)
    who = ("、".join(f"{g}{int(n)}个" for g, n in counts.itertuples(index=False)) if counts is not None
           else f"{int(p.changes['n_units'].max())}个{p.unit}")
    ctx.table(Table([Column("指标", wide=True), Column("组别"), Column(f"{_year(p.baseline)}年{p.mean_word}"),
                     Column(f"{_year(p.followup)}年{p.mean_word}"), Column("变化")], rows,
                    caption=f"{span}各项指标的变化", merge=1,
                    notes=[f"{p.mean_word}为各{p.unit}数值的平均，只计基期和末期都有数据的{p.unit}（{who}）；"
                           "比例类指标的变化以百分点表示。"]), ck)
    if not p.has_comparison:
        for s in p.sentences:
            doc.paragraph(s)
            if "：" in s:
                ctx.finding(s, ck)
        return
    doc.heading("项目效果（双重差分）")
    bk, dk = "panel_balance", "panel_did"
    t, c = p.names
    from .change import IMBALANCE

    brows = []
    for r in p.balance.itertuples(index=False):
        f = p.formats[r.outcome]
        nd = r.normalized_difference
        brows.append([f.name, f.level(r.mean_treated), f.level(r.mean_comparison),
                      fmt_number(abs(nd), 2) if pd.notna(nd) else "—",
                      "不均衡" if pd.notna(nd) and abs(nd) > IMBALANCE else "均衡"])
    ctx.table(Table([Column("指标", wide=True), Column(f"{t}（{p.mean_word}）"), Column(f"{c}（{p.mean_word}）"),
                     Column("标准化差值（绝对值）"), Column("基期是否均衡")], brows,
                    caption=f"{_year(p.baseline)}年基期{t}与{c}的均衡性",
                    notes=[f"标准化差值＝两组均值之差÷两组方差平均值的平方根；绝对值超过{fmt_number(IMBALANCE, 2)}"
                           "视为两组不均衡。"]), bk)
    drows = []
    for r in p.did.itertuples(index=False):
        f = p.formats[r.outcome]
        cells = [f.change(v) for v in (r.change_treated, r.change_comparison, r.did, r.ci_low, r.ci_high)]
        if f.is_share:   # the unit once, beside the name: 「+25.8」 under 「安全饮水覆盖率（个百分点）」
            cells = [c.removesuffix("个百分点") for c in cells]
        drows.append([f.name + ("（个百分点）" if f.is_share else ""), *cells, r.p_value])
    ctx.table(Table([Column("指标", wide=True), Column(f"{t}变化（{p.mean_word}）"),
                     Column(f"{c}变化（{p.mean_word}）"), Column("双重差分"), Column("95%置信区间下限"),
                     Column("95%置信区间上限"), Column("P值", "pvalue")], drows,
                    caption=f"{span}双重差分估计",
                    notes=[f"双重差分＝{t}的变化－{c}的变化；标准误按{p.unit}聚类（{p.n_units}个{p.unit}），"
                           "95%置信区间和P值按“群数−1”自由度的t分布计算。"]), dk)
    for y in p.outcomes:
        ctx.figure(f"trend:{y}")
    doc.paragraph(f"各指标的基期均衡性见{doc.ref(bk)}，双重差分估计见{doc.ref(dk)}，逐年变化见图；"
                  "各指标的结论已列在“主要结论”中。")
    for s in p.sentences:   # the findings go to 主要结论; the body keeps what qualifies them
        if s.startswith(tuple(p.formats[y].name + "：" for y in p.outcomes)):
            ctx.finding(s, dk, bk)
        else:
            doc.paragraph(s)


def _staged(ctx: _Context) -> None:
    from . import tables

    a, doc = ctx.a, ctx.doc
    st = a.staged
    if st is None:
        return
    doc.heading("分阶段目标完成情况")
    at = st.table
    sk, dk = "staged_summary", "staged"
    summary = [[_year(per), len(part), int((~part["behind"]).sum()), int(part["behind"].sum())]
               for per, part in at.groupby("period", sort=True)]
    ctx.table(Table([Column("年份"), Column(f"{st.unit}数", "int"), Column("完成", "int"), Column("未完成", "int")],
                    summary, caption=f"各年完成阶段目标的{st.unit}数"), sk)
    ctx.table(_frame_table(tables.attainment_display(at, st.unit), f"各{st.unit}分阶段目标完成情况",
                           ["完成率＝实际÷目标；实际少于目标（或未报）的为滞后。"
                            + _coverage_note(a.project, at)]), dk)
    doc.paragraph(f"各年完成阶段目标的{st.unit}数见{doc.ref(sk)}，各{st.unit}的目标、实际和完成率见{doc.ref(dk)}。")
    for s in st.sentences:
        ctx.finding(s, sk, dk)


def _coverage_note(proj, at: pd.DataFrame) -> str:
    """What 覆盖率 is, in the words of the staged-target table's own columns."""
    spec = proj.spec.staged_targets
    if "coverage" not in at or spec is None or not spec.total:
        return ""
    return f"覆盖率＝实际÷{spec.total}（目标、实际为{spec.target}、{spec.actual}）。"


# -- 附表 ---------------------------------------------------------------------------------
def _reliability_appendix(ctx: _Context, wa: WaveAnalysis) -> None:
    res = wa.satisfaction
    ctx.doc.paragraph("各维度量表的信度（Cronbach's α，Feldt法95%置信区间）和因子分析适合度（KMO、Bartlett球形检验）"
                      "如下；α不低于0.7说明同一维度的题目回答一致。")
    ctx.table(_frame_table(_reliability_frame(res), f"{_wave_tag(ctx, wa)}各维度信度",
                           ["完整的信度、题目分析和Bartlett球形检验见满意度分析工作簿。"]), f"reliability:{wa.wave.id}")


def _weighted_appendix(ctx: _Context, wa: WaveAnalysis) -> None:
    res = wa.satisfaction
    text = (res.design_units + " " if res.design_units else "") + res.design + "。"
    note = _plain_note(res.weighted.attrs.get("note", ""))
    taylor = "" if "泰勒线性化" in note + text else "标准误用泰勒线性化计算，"   # said once, not twice
    ctx.doc.paragraph("加权方法：" + text + "权重＝该单元户数÷该单元有效答卷数（事后分层）；" + taylor +
                      "设计效应为加权设计下的方差与同样本量简单随机抽样方差之比。")
    ctx.table(_frame_table(_weighted_frame(res), f"{_wave_tag(ctx, wa)}加权估计", [note]), f"weighted:{wa.wave.id}")


def _plain_note(text: str) -> str:
    """A table note for the report: without the software it agrees with (「（与Stata svy、R
    survey包…相同）」), which the workbook keeps for the analyst.

    >>> _plain_note('抽样单元按有放回抽取处理（与Stata svy、R survey包不设有限总体校正时相同）；'
    ...             '只有一个村的层（城关镇）以总体均值为中心计算其方差（R survey包 lonely.psu = "adjust"）。')
    '抽样单元按有放回抽取处理；只有一个村的层（城关镇）以总体均值为中心计算其方差。'
    """
    return re.sub(r"（[^（）]*(?:Stata|R survey)[^（）]*）", "", text)


def _wave_tag(ctx: _Context, wa: WaveAnalysis) -> str:
    return wa.label if len(ctx.a.waves) > 1 else ""


def _appendix(ctx: _Context) -> None:
    if not ctx.appendix:
        return
    ctx.doc.attachment("附表")
    for write in ctx.appendix:
        write(ctx)


SECTIONS: list[Callable] = [_overview, _conclusions, _profile, _items, _groups, _opinions, _earlier_waves,
                            _comparison, _panel, _staged]


def build_report(a: SurveyAnalysis, charts: dict[str, Chart]) -> tuple[Document, dict]:
    """The report as a :class:`~kit.render.Document` and the findings with the keys of the
    tables they cite (``{"findings": [(sentence, [key, ...]), ...]}``)."""
    proj = a.project
    doc = Document(report_title(proj, a.kind))
    ctx = _Context(a, doc, charts)
    org = proj.organisation or "【请填写：组织单位】"
    what = {"appraisal": "测评", "before_after": "对比分析"}.get(a.kind.key, "调查")
    period = proj.period if proj.period and proj.period not in proj.title and len(proj.period) <= 8 \
        and not re.search("[，,、]", proj.period) else ""
    doc.paragraph(f"{org}{_organised(org)}{period}{proj.title}。现将{what}情况报告如下：")
    for section in SECTIONS:
        section(ctx)
    doc.signature(org, report_date())
    _appendix(ctx)
    _insert_findings(ctx)   # last: the tables they cite (附表 too) are placed by now
    return doc, {"findings": ctx.findings}


def _organised(org: str) -> str:
    """「组织开展了」, or 「开展了」 when the organiser's name already ends in 组织 (组织部,
    党组织): never 「组织部组织开展了」.

    >>> _organised("某县委组织部"), _organised("某村党组织"), _organised("某县民政局")
    ('开展了', '开展了', '组织开展了')
    """
    return "开展了" if "组织" in re.sub(r"[（(][^（）()]*[)）]$", "", org.strip())[-4:] else "组织开展了"


def write_survey_report(proj, out_dir: str | Path) -> Path | None:
    """Analyse the project, draw its charts into ``out_dir/figures`` and write its report to
    ``out_dir`` (None when the project has nothing surveyed)."""
    kind = report_kind(proj)
    if kind is None:
        return None
    out = Path(out_dir)
    a = analyse_survey(proj, kind)
    charts = draw_charts(a, out / "figures")
    doc, _ = build_report(a, charts)
    return render_docx(doc, out / kind.file)
