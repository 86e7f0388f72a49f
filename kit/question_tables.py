"""Chinese tables, workbook and charts for every question (逐题统计), the sample profile, the
cross-tabs and the open answers. Renders the results of :mod:`kit.descriptives`,
:mod:`kit.crosstab` and :mod:`kit.opentext` through :mod:`kit.render` (numbers stay numbers;
Word and the notebook show them rounded half up by :mod:`kit.fmt`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from .descriptives import with_part
from .opentext import MAX_QUOTES, QUOTES_PER_CATEGORY
from .render import Column, Row, Table, Workbook, cell_text, render_xlsx

__all__ = ["chart_file_name", "question_table", "profile_tables", "crosstab_tables", "text_tables", "recode_table",
           "as_frame", "test_sentence", "summary_sentence", "write_questions_workbook", "save_charts",
           "MAX_RANK_COLUMNS"]

MAX_RANK_COLUMNS = 10
_METHOD_ZH = {"chi_square": "卡方检验", "fisher_exact": "Fisher精确检验",
              "fisher_monte_carlo": "Fisher精确检验（蒙特卡洛模拟p值）", "kruskal_wallis": "Kruskal-Wallis检验"}


def as_frame(t: Table) -> pd.DataFrame:
    """A Table as the notebook shows it: every value as text, rounded half up."""
    rows = [[cell_text(v, c) for v, c in zip(r.cells, t.columns)] for r in t.body]
    return pd.DataFrame(rows, columns=[c.label for c in t.columns])


def _caption(res) -> str:
    return f"{res.label}（{res.kind_zh}）"


def summary_sentence(res) -> str:
    """The mean, index and satisfied share of a scored question, in words."""
    from .fmt import fmt_number, fmt_percent

    s = res.summary
    parts = []
    word = "平均数" if res.kind == "numeric" else "平均分"   # a household's size is not a score
    if s.get("mean") is not None and not pd.isna(s.get("mean")):
        ci = (f"（95%置信区间：{fmt_number(s['mean_ci_low'], 2)}–{fmt_number(s['mean_ci_high'], 2)}）"
              if s.get("mean_ci_low") is not None else (f"（{s['no_ci']}）" if s.get("no_ci") else ""))
        parts.append(f"{word}{fmt_number(s['mean'], 2)}{ci}，标准差{fmt_number(s['sd'], 2)}"
                     if s.get("sd") is not None and not pd.isna(s.get("sd")) else f"{word}{fmt_number(s['mean'], 2)}{ci}")
    if s.get("index") is not None:
        parts.append(f"0–100指数{fmt_number(s['index'], 1)}")
    if s.get("satisfied_share") is not None and not pd.isna(s.get("satisfied_share")):
        parts.append(f"满意（或知晓）比例{fmt_percent(s['satisfied_share'])}（{s['n_satisfied']}/{res.base}）")
    return "；".join(parts) + "。" if parts else ""


def question_table(res) -> Table:
    """The table of one question, its base in the notes."""
    t = res.table
    notes = [res.base_text()] + ([summary_sentence(res)] if summary_sentence(res) else []) + list(res.notes)
    cap = _caption(res)
    empty = "本题没有有效回答。"
    if res.kind in ("single", "yesno", "scale"):
        cols = [Column("选项")] + ([Column("分值", "points")] if "score" in t else []) + \
            [Column("人数", "int"), Column("比例", "percent"), Column("95%置信区间下限", "percent"),
             Column("95%置信区间上限", "percent")]
        rows = [[r.option] + ([r.score] if "score" in t else []) + [r.n, r.share, r.ci_low, r.ci_high]
                for r in t.itertuples()]
        total = Row(["合计"] + ([None] if "score" in t else []) + [res.base, 1.0 if res.base else None,
                                                                  None, None], bold=True)
        return Table(cols, rows + [total] if res.base else [], caption=cap, notes=notes, empty=empty)
    if res.kind == "multi":
        cols = [Column("选项"), Column("选择人次", "int"), Column("响应率", "percent"), Column("普及率", "percent"),
                Column("普及率95%置信区间下限", "percent"), Column("普及率95%置信区间上限", "percent")]
        rows = [[r.option, r.n, r.response_share, r.case_share, r.ci_low, r.ci_high] for r in t.itertuples()]
        total = Row(["合计", res.summary["n_selections"], 1.0, res.summary["n_selections"] / res.base
                     if res.base else None, None, None], bold=True)
        notes.insert(1, f"响应率＝选择该项的人次÷所有选择人次（{res.summary['n_selections']}）；普及率＝选择该项的人数÷"
                     f"回答本题的人数（{res.base}），一人可选多项，普及率之和可超过100%（合计行为人均选择项数）。")
        return Table(cols, rows + [total] if res.base else [], caption=cap, notes=notes, empty=empty)
    if res.kind == "ranking":
        P = res.summary.get("positions", 0)
        shown = min(P, MAX_RANK_COLUMNS)
        cols = [Column("综合排序", "int"), Column("选项"), Column("综合得分", "number"), Column("平均排名", "number"),
                Column("排入人数", "int"), Column("排入比例", "percent")] + \
            [Column(f"第{p}位", "int") for p in range(1, shown + 1)]
        rows = []
        for k, r in enumerate(t.itertuples(), start=1):
            rows.append([k, r.option, r.score, r.mean_rank, r.n_ranked, r.share_ranked] +
                        [getattr(r, f"rank_{p}") for p in range(1, shown + 1)])
        if P > shown:
            notes.append(f"本题共有{P}个排序位置，表中列出前{shown}位的人数。")
        return Table(cols, rows if res.base else [], caption=cap, notes=notes, empty=empty)
    if res.kind == "matrix":
        d = res.distribution
        opts = list(dict.fromkeys(d["option"])) if len(d) else []
        cols = [Column("行（项目）"), Column("样本量", "int")] + [Column(o, "percent") for o in opts]
        extra = [c for c in ("mean", "sd", "index", "satisfied_share") if c in t]
        names = {"mean": ("平均分", "number"), "sd": ("标准差", "number"), "index": ("指数", "number"),
                 "satisfied_share": ("满意比例", "percent")}
        cols += [Column(names[c][0], names[c][1], digits=1 if c == "index" else None) for c in extra]
        rows = []
        for r in t.itertuples():
            sh = d[d["row_id"] == r.row_id].set_index("option")["share"]
            rows.append([r.row, r.n] + [sh.get(o) for o in opts] + [getattr(r, c) for c in extra])
        return Table(cols, rows if res.base else [], caption=cap, notes=notes, empty=empty)
    if res.kind == "numeric":
        unit = res.summary.get("unit") or ""
        u = f"（{unit}）" if unit else ""
        cols = [Column("样本量", "int")] + [Column(f"{x}{u}", "number") for x in
                                          ("平均数", "标准差", "最小值", "下四分位数", "中位数", "上四分位数", "最大值")]
        rows = [[r.n, r.mean, r.sd, r.min, r.q1, r.median, r.q3, r.max] for r in t.itertuples()]
        return Table(cols, rows if res.base else [], caption=cap, notes=notes, empty=empty)
    if res.kind == "text":
        cols = [Column("作答份数", "int"), Column("不同答案数", "int"), Column("无具体内容（无、没有等）", "int")]
        rows = [[r.n_answered, r.n_distinct, r.n_none] for r in t.itertuples()]
        return Table(cols, rows, caption=cap, notes=notes + ["词频与关键词归类见开放题分析。"], empty=empty)
    cols = [Column("作答份数", "int")]
    return Table(cols, [[int(t["n_answered"].iloc[0])]], caption=cap, notes=notes)


def profile_tables(profile) -> list[Table]:
    """答卷回收与剔除, 答卷日期, and the profile questions in one table."""
    rows = [Row(["回收答卷", profile.n_total, 1.0 if profile.n_total else None], bold=True)]
    for r in profile.exclusions.itertuples():
        rows.append(["　剔除：" + r.label, r.n, r.n / profile.n_total])
    rows.append(Row(["有效答卷", profile.n_valid, profile.n_valid / profile.n_total if profile.n_total else None],
                    bold=True))
    for r in profile.flagged.itertuples():
        rows.append(["　仅标记未剔除：" + r.label, r.n, r.n / profile.n_total])
    counts = Table([Column("项目"), Column("份数", "int"), Column("占回收答卷比例", "percent")], rows,
                   caption="答卷回收与剔除", notes=list(profile.sentences))
    dates = Table([Column("日期", "date"), Column("回收答卷", "int"), Column("有效答卷", "int")],
                  [[r.date, r.n_received, r.n_valid] for r in profile.dates.itertuples()],
                  caption="答卷提交日期", empty="导出文件中没有提交时间，无法列出答卷日期")
    prow = []
    for q in profile.questions:
        share = "share" if "share" in q.table else "case_share"   # a multi-select: 普及率
        for r in q.table.itertuples():
            prow.append([q.title, r.option, r.n, getattr(r, share)])
    notes = [f"样本基本情况的题目：{profile.source}；比例的分母为回答该题的有效答卷。"] + \
        [f"{q.title}：{q.base_text().removeprefix('样本量：')}" for q in profile.questions
         if any(q.missing.values())]
    prof = Table([Column("题目"), Column("选项"), Column("人数", "int"), Column("比例", "percent")], prow,
                 caption="样本基本情况", merge=1, notes=notes,
                 empty="问卷中没有可作为样本基本情况的题目；可在 project.yml 中用 profile: 指定")
    return [counts, dates, prof]


def test_sentence(ct) -> str:
    """The test of a cross-tab in words, with its caveat."""
    from .fmt import fmt_number

    t = ct.test or {}
    m = t.get("method")
    if not m or m == "none":
        return t.get("caveat", "")
    p = t["p_value"]
    ptxt = "P<0.001" if p < 0.001 else f"P={fmt_number(p, 3)}"
    stat = ""
    if m == "chi_square":
        stat = f"χ²={fmt_number(t['statistic'], 2)}，自由度{fmt_number(t['df'], 0)}，"
    elif m == "kruskal_wallis":
        stat = f"H={fmt_number(t['statistic'], 2)}，自由度{fmt_number(t['df'], 0)}，"
    verdict = "差异有统计学意义（P<0.05）" if p < 0.05 else "差异无统计学意义（P≥0.05）"
    v = f"，Cramér's V={fmt_number(t['cramers_v'], 2)}" if t.get("cramers_v") is not None and m != "kruskal_wallis" else ""
    return f"{_METHOD_ZH.get(m, m)}：{stat}{ptxt}{v}，{verdict}。" + (t.get("caveat") or "")


def crosstab_tables(ct) -> list[Table]:
    """Counts with totals, row and column percentages (or 普及率 and per-option tests, or
    means by group), the base and the test in the notes."""
    cap = f"{ct.rows_title} × {ct.columns_title}"
    base = (f"样本量：两题都有回答的有效答卷{ct.base}份（有效答卷{ct.n_valid}份；「{ct.rows_title}」未回答"
            f"{ct.missing_rows}份，「{ct.columns_title}」未回答{ct.missing_columns}份）。")
    drop = [f"无人选择、未列出的选项：{'、'.join(ct.dropped)}。"] if ct.dropped else []
    empty = "两题没有同时回答的有效答卷"
    if ct.kind == "numeric_by_group":
        s = ct.summary
        cols = [Column(ct.rows_title), Column("样本量", "int"), Column("平均数", "number"), Column("标准差", "number"),
                Column("中位数", "number")]
        return [Table(cols, [[r.group, r.n, r.mean, r.sd, r.median] for r in s.itertuples()], caption=cap,
                      notes=[base, test_sentence(ct)] + ct.notes, empty=empty)]
    c = ct.counts
    first = ct.rows_title if not ct.multi_on_rows else ct.columns_title
    if ct.kind == "multi_by_group":
        head = [Column(first), Column("回答人数", "int")]
        cnt = Table(head + [Column(o, "int") for o in c.columns],
                    [[g, int(ct.group_base[g])] + [int(x) for x in c.loc[g]] for g in c.index],
                    caption=with_part(cap, "选择人数"), notes=[base] + drop, empty=empty)
        pct = Table(head + [Column(o, "percent") for o in c.columns],
                    [[g, int(ct.group_base[g])] + list(ct.row_share.loc[g]) for g in c.index],
                    caption=with_part(cap, "普及率"), notes=list(ct.notes), empty=empty)
        tt = ct.tests
        tests = Table([Column("选项"), Column("检验方法"), Column("统计量", "number"), Column("p值", "pvalue"),
                       Column("Holm校正p值", "pvalue"), Column("说明", wide=True)],
                      [[r.option, _METHOD_ZH.get(r.method, "—"), r.statistic if r.method == "chi_square" else None,
                        r.p_value, getattr(r, "p_holm", None), r.caveat or ""] for r in tt.itertuples()],
                      caption=with_part(cap, "各选项检验"), empty="没有可检验的选项")
        return [cnt, pct, tests]
    cols = [Column(f"{ct.rows_title}"), *[Column(str(x), "int") for x in c.columns], Column("合计", "int")]
    rows = [[g, *[int(x) for x in c.loc[g]], int(c.loc[g].sum())] for g in c.index]
    rows.append(Row(["合计", *[int(x) for x in c.sum(axis=0)], int(c.to_numpy().sum())], bold=True))
    cnt = Table(cols, rows if ct.base else [], caption=with_part(cap, "人数"), notes=[base, test_sentence(ct)] + drop,
                empty=empty)
    pcols = [Column(f"{ct.rows_title}"), *[Column(str(x), "percent") for x in c.columns], Column("合计", "percent")]
    rp = [[g, *list(ct.row_share.loc[g]), 1.0] for g in c.index]
    colsum = c.sum(axis=0)
    rp.append(Row(["合计", *list(colsum / colsum.sum()), 1.0], bold=True) if ct.base else Row(["合计"] + [None] * (len(c.columns) + 1)))
    rowp = Table(pcols, rp if ct.base else [], caption=with_part(cap, "行百分比"), empty=empty,
                 notes=["每行的比例之和为100%（该行受访者中各选项所占比例）。"])
    cp = [[g, *list(ct.col_share.loc[g]), c.loc[g].sum() / c.to_numpy().sum()] for g in c.index]
    cp.append(Row(["合计", *[1.0] * len(c.columns), 1.0], bold=True))
    colp = Table(pcols, cp if ct.base else [], caption=with_part(cap, "列百分比"), empty=empty,
                 notes=["每列的比例之和为100%（该列受访者中各行所占比例）。"])
    return [cnt, rowp, colp]


def text_tables(tr) -> list[Table]:
    """高频词, 关键词归类 (when codes were given) and 典型回答 of one open question."""
    cap = tr.title
    base = f"共{tr.n_answered}条回答" + (f"，其中{tr.n_no_content}条没有具体内容（无、没有等）" if tr.n_no_content else "") + "。"
    words = Table([Column("词语"), Column("提到的回答数", "int"), Column("占回答比例", "percent"), Column("出现次数", "int")],
                  [[r.word, r.n_answers, r.share, r.n_occurrences] for r in tr.words.itertuples()],
                  caption=with_part(cap, "高频词"), notes=[base, "分词：jieba；停用词：Stopwords ISO 中文表（MIT）与本工具的调查用语表；"
                                                  "一条回答中多次出现只计一次（出现次数另列）。"],
                  empty="没有回答或没有可统计的词")
    out = [words]
    if tr.codes_given:
        out.append(Table([Column("类别"), Column("关键词", wide=True), Column("回答数", "int"), Column("占回答比例", "percent")],
                         [[r.category, r.keywords, r.n, r.share] for r in tr.coded.itertuples()],
                         caption=with_part(cap, "关键词归类"), notes=[base] + list(tr.notes), empty="没有回答"))
    coded = tr.codes_given      # without codes: no 类别 column, up to three times as many answers
    cap_note = (f"每类最多列出{QUOTES_PER_CATEGORY}条，全表最多{MAX_QUOTES}条" if coded
                else f"最多列出{min(QUOTES_PER_CATEGORY * 3, MAX_QUOTES)}条")
    out.append(Table(([Column("类别")] if coded else []) + [Column("回答（已隐去个人信息）", wide=True),
                                                          Column("相同回答数", "int")],
                     [([r.category] if coded else []) + [r.quote, r.n_same] for r in tr.quotes.itertuples()],
                     caption=with_part(cap, "典型回答"), notes=[f"{cap_note}；按相同回答的人数、长度和文字排序。"],
                     empty="没有回答"))
    return out


def recode_table(tab) -> Table:
    """Every 「其他」 text counted under an existing option."""
    from .privacy import mask_series

    rows = []
    for q in tab.questions:
        if len(q.recoded):
            texts = mask_series(q.recoded["text"].astype(str)).astype(str)
            for r, text in zip(q.recoded.itertuples(), texts):
                rows.append([q.label, r.response_id, text, r.option])
    return Table([Column("题目", wide=True), Column("答卷编号"), Column("“其他”填写内容", wide=True), Column("归入选项")],
                 rows, caption="“其他”归类", merge=1, empty="没有与已有选项相同的“其他”填写内容",
                 notes=["与某一选项文字相同（或只含该选项文字、没有否定词）的“其他”填写内容归入该选项；原始导出文件不变。"])


def write_questions_workbook(tab, path, crosstabs=(), texts=(), title: str | None = None) -> Path:
    """逐题统计.xlsx: 样本基本情况, 逐题统计 (every question, its base under it), 交叉分析,
    开放题, “其他”归类. ``title`` (the survey's name, project.yml ``title:``) heads every
    sheet: 「<title>：逐题统计」."""
    def head(part: str) -> str:
        return f"{title}：{part}" if title else part

    book = Workbook("逐题统计")
    p = profile_tables(tab.profile)
    book.sheet("样本基本情况", head("样本基本情况"), *p)
    book.sheet("逐题统计", head("逐题统计"), *[question_table(q) for q in tab.questions])
    if crosstabs:
        book.sheet("交叉分析", head("交叉分析"), *[t for ct in crosstabs for t in crosstab_tables(ct)])
    if texts:
        book.sheet("开放题", head("开放题"), *[t for tr in texts for t in text_tables(tr)])
    book.sheet("其他归类", head("“其他”归类"), replace(recode_table(tab), caption=head("“其他”归类")))
    return render_xlsx(book, path)


def _draw(job):
    """Draw and save one chart (in this process or a worker); the sentence when not drawn."""
    import matplotlib.pyplot as plt

    from .plots import NO_DATA, plot_crosstab, plot_question, plot_word_frequencies, use_cjk_font

    kind, obj, path, dpi = job
    use_cjk_font()
    ax = {"question": plot_question, "crosstab": plot_crosstab, "words": plot_word_frequencies}[kind](obj)
    if ax is None:
        return None, {"question": f"{getattr(obj, 'label', '')}：{NO_DATA}",
                      "crosstab": f"{getattr(obj, 'label', '')}：两题没有同时回答的有效答卷，不绘制图表。",
                      "words": f"{getattr(obj, 'title', '')}：没有回答或没有可统计的词，不绘制词频图。"}[kind]
    from .atomic import save_figure

    save_figure(ax.figure, path, dpi=dpi)     # whole or not at all (kit.atomic)
    plt.close(ax.figure)
    return path, None


def _draw_in_worker(job):
    import matplotlib.pyplot as plt

    if plt.get_backend().lower() != "agg":
        plt.switch_backend("Agg")
    return _draw(job)


MAX_FILE_NAME = 60   # characters of a chart's file name, .png included (Windows paths stay short)


def chart_file_name(prefix: str, *titles: str) -> str:
    """A chart's file name from its number and the short titles of its questions: Chinese words
    a reader recognises (「题01_乡镇.png」, 「交叉01_身份×是否参加过志愿服务活动.png」), without the
    characters Windows refuses in a file name (/ \\ : * ? " < > | and control characters), at most
    ``MAX_FILE_NAME`` characters.

    >>> chart_file_name("题01", "您所在的乡镇")
    '题01_乡镇.png'
    >>> chart_file_name("交叉02", "您的身份", "您是否参加过志愿服务？")
    '交叉02_身份×是否参加过志愿服务.png'
    >>> chart_file_name("题03", 'A/B:C*D?"E"<F>|G')
    '题03_ABCDEFG.png'
    >>> len(chart_file_name("题04", "很长的题目" * 30)) <= MAX_FILE_NAME
    True
    """
    from .questionnaire import short_title

    words = "×".join(short_title(t) for t in titles if t)
    words = re.sub(r'[\\/:*?"<>|\x00-\x1f\s“”]+', "", words).rstrip(". ")
    room = MAX_FILE_NAME - len(prefix) - len("_") - len(".png")
    return f"{prefix}_{words[:room]}.png" if words else f"{prefix}.png"


def save_charts(tab, out_dir, crosstabs=(), texts=(), dpi: int = 150,
                workers: int | None = None) -> tuple[list[Path], list[str]]:
    """One PNG per question (题NN_乡镇.png: its number and short title), cross-tab
    (交叉NN_身份×年龄.png) and open question with words (词频NN_意见或建议.png); returns the files and, for each chart not drawn, the sentence saying why.
    Charts are drawn in ``workers`` processes (default: the CPU count, at most 4, when there
    are more than 8 charts); the files do not depend on it."""
    import os

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    jobs = [("question", q, out / chart_file_name(f"题{k:02d}", q.title), dpi)
            for k, q in enumerate(tab.questions, start=1) if q.kind not in ("text", "personal")]
    jobs += [("crosstab", ct, out / chart_file_name(f"交叉{k:02d}", ct.rows_title, ct.columns_title), dpi)
             for k, ct in enumerate(crosstabs, start=1)]
    jobs += [("words", tr, out / chart_file_name(f"词频{k:02d}", tr.title), dpi)
             for k, tr in enumerate(texts, start=1)]
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if len(jobs) > 8 else 1
    if workers > 1:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        method = "fork" if "fork" in mp.get_all_start_methods() else None
        with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context(method)) as pool:
            done = list(pool.map(_draw_in_worker, jobs, chunksize=max(1, len(jobs) // (workers * 4))))
    else:
        done = [_draw(j) for j in jobs]
    files = [Path(f) for f, _ in done if f is not None]
    skipped = [s for _, s in done if s is not None]
    return files, skipped


def show(t: Table) -> None:
    """Display a table in a notebook: its caption, the three-line table, its notes (or the
    sentence an empty table gets)."""
    from IPython.display import display

    from .tables import three_line

    if t.is_empty():
        print(f"{t.caption}：{t.empty or '没有数据'}。")
        return
    display(three_line(as_frame(t), caption=t.caption))
    for n in t.notes:
        if n:
            print(n)


__all__ += ["show"]
