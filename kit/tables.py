"""Tables for people: Chinese column labels added at rendering, never in results."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import chinese_only
from .responses import Responses
from .values import to_fraction

__all__ = ["three_line", "show", "expected_sentence", "MAX_INLINE_ROWS", "recognition_table", "quality_table",
           "quality_summary_table", "write_quality_workbook", "invalid_cells_table",
           "satisfaction_item_table", "dimension_table", "awareness_table", "group_table", "group_sheet",
           "group_test_table", "pairwise_table", "drivers_table", "reliability_table", "item_reliability_table",
           "write_tables", "write_workbook", "write_satisfaction_workbook", "write_coverage_workbook",
           "write_change_workbook", "write_appraisal_workbook"]


def three_line(df: pd.DataFrame, caption: str | None = None):
    """Display a table in three-line style (三线表): a heavy rule above and below the header
    and below the last row, no vertical rules, no index. Returns a pandas Styler."""
    styler = df.style.hide(axis="index").set_table_styles([
        {"selector": "", "props": "border-collapse: collapse; border-top: 2px solid black; "
                                  "border-bottom: 2px solid black; font-family: SimSun, serif;"},
        {"selector": "thead th", "props": "border-bottom: 1px solid black; text-align: center; "
                                          "padding: 4px 10px;"},
        {"selector": "td", "props": "border: none; padding: 3px 10px; text-align: center;"},
    ])
    return styler.set_caption(caption) if caption else styler


MAX_INLINE_ROWS = 25   # a longer table is not shown in a notebook: the workbook has it


def show(df: pd.DataFrame, caption: str | None = None, workbook: str | None = None,
         sheet: str | None = None, max_rows: int = MAX_INLINE_ROWS):
    """Show a table in a notebook (three-line style), or, when it is longer than
    ``max_rows``, one line saying how long it is and where the whole table is (the workbook
    and its sheet, linked). Nothing is shown for an empty table but a sentence."""
    from IPython.display import Markdown, display

    name = caption or sheet or "表格"
    if df is None or not len(df):
        print(f"{name}：没有数据。")
        return None
    if len(df) > max_rows:
        where = f"[{workbook}]({workbook})" + (f"的“{sheet}”工作表" if sheet else "") if workbook else "工作簿"
        display(Markdown(f"**{name}**共{len(df)}行，不在此处列出，完整表格见{where}。"))
        return None
    display(three_line(df, caption=caption))
    return None


def expected_sentence(table: pd.DataFrame) -> str:
    """The result of :meth:`kit.project.Project.check_expected` in one Chinese sentence (a
    mismatch has already raised)."""
    if table is None or not len(table):
        return "project.yml 的 expected: 中没有需要由本笔记本核对的数字。"
    parts = "、".join(f"{r.label}{r.expected}" for r in table.itertuples(index=False))
    return f"已与 project.yml 的 expected: 核对{len(table)}个数字，全部一致：{parts}。"


def recognition_table(r: Responses) -> pd.DataFrame:
    """What the loader recognised, as 项目/内容 rows."""
    counts = r.question_counts()
    type_zh = {"single": "单选", "multi": "多选", "matrix": "矩阵", "scale": "量表", "text": "填空",
               "ranking": "排序", "yesno": "是非", "number": "数值", "date": "日期", "cascade": "级联"}
    rows = [
        ("平台", {"wjx": "问卷星", "tencent": "腾讯问卷", "kobo": "KoboToolbox/ODK", "wenjuanwang": "问卷网",
                "qualtrics": "Qualtrics", "surveymonkey": "SurveyMonkey",
                "generic": "通用表格（按问卷定义）"}.get(r.info.platform, r.info.platform)),
        ("下载格式", {"text": "按选项文本", "codes": "按选项序号", "scores": "按分数",
                  "pair": "按文本 + 按序号（按序号合并）", "values": "数值"}.get(r.info.variant,
                                                                          r.info.variant)),
        ("版本", r.info.era),
        ("文件", "；".join(r.info.files)),
        ("答卷数", r.n_total),
        ("题目数（按题型）", "，".join(f"{type_zh.get(t, t)}{n}" for t, n in counts.items())),
        ("剔除答卷", r.n_excluded),
        ("有效答卷", r.n_valid),
    ]
    rows = [row for row in rows if row[1] != ""]  # 版本 when the file does not date itself
    if "speeder_threshold_s" in r.info.quality_settings:
        rows.append(("用时过短阈值（秒）", round(r.info.quality_settings["speeder_threshold_s"], 1)))
    for n in r.info.notes:
        rows.append(("说明", hashed_names(chinese_only(n))))
    return pd.DataFrame(rows, columns=["项目", "内容"])


def hashed_names(text: str) -> str:
    """A loader's note with the internal names of hashed columns (「来自IP→ip_hash」) said the
    way an evaluator reads it: 「来自IP（已脱敏编码）」; any other internal name after an arrow
    is dropped, the Chinese title before it kept.

    >>> hashed_names("个人信息列已加盐哈希（原值不保留）：来自IP→ip_hash、手机号码→phone_2_hash")
    '个人信息列已加盐哈希（原值不保留）：来自IP（已脱敏编码）、手机号码（已脱敏编码）'
    >>> hashed_names("填写个人信息的题目已加盐哈希（原值不保留）：受访者编号→respondent_hash")
    '填写个人信息的题目已加盐哈希（原值不保留）：受访者编号（已脱敏编码）'
    """
    hashed = "加盐哈希" in text
    return re.sub(r"\s*→\s*[A-Za-z][A-Za-z0-9_]*", "（已脱敏编码）" if hashed else "", text)


def reason_labels(codes) -> str:
    """Quality reason codes (``speeder;duplicate_phone``) as their Chinese labels (用时过短、…)."""
    from .quality import REASON_LABELS

    if not isinstance(codes, str):
        return codes
    return "、".join(REASON_LABELS.get(c, c) for c in codes.split(";") if c)


def quality_table(r: Responses) -> pd.DataFrame:
    """One row per flagged response, Chinese headers and reasons. Holds no personal data."""
    q = r.quality.rename(columns={"response_id": "答卷编号", "row": "文件行号", "reasons": "原因",
                                  "detail": "说明", "excluded": "是否剔除"})
    q["原因"] = q["原因"].map(reason_labels)
    q["是否剔除"] = q["是否剔除"].map({True: "剔除", False: "保留（仅标记）"})
    q = q.reset_index(drop=True)
    q.attrs["empty"] = "没有答卷被质量规则标记。"
    return q


def quality_summary_table(r: Responses) -> pd.DataFrame:
    s = r.quality_summary()
    out = pd.DataFrame({"原因": s["label"], "标记份数": s["n_flagged"],
                        "是否剔除": s["excludes"].map({True: "剔除", False: "仅标记"})})
    out.attrs["empty"] = "没有答卷被质量规则标记。"
    return out


def write_tables(sheets: dict, path: str | Path, title: str, *, titles: dict[str, str] | None = None,
                 labels: dict[str, str] | None = None) -> Path:
    """A workbook of display tables ({sheet name: DataFrame or kit.render Table}) through the
    rendering layer (:mod:`kit.render.excel`): numbers stored as numbers with formats, a title
    row on every sheet (``titles``, default 「<title>：<sheet>」), header frozen and repeated in
    print, A4 fitted to the width, empty tables left out and listed on a 说明 sheet; a frame's
    ``attrs`` carry its note, its sentence when empty and the columns to merge."""
    from .render import Workbook, render_xlsx

    sheets = {k: _chinese_headers(v) for k, v in sheets.items()}
    book = Workbook.from_frames(sheets, title=title, titles=titles, labels=labels)
    return render_xlsx(book, path)


#: headers a notebook or report shows short, as a workbook (read on its own, printed, sorted)
#: says them: the statistic in Chinese, its usual abbreviation in brackets
WORKBOOK_HEADERS = {"NPS": "净推荐值（NPS）", "Cronbach's α": "信度系数（Cronbach's α）",
                    "KMO": "因子分析适合度（KMO）"}


def _chinese_headers(frame):
    """A display frame with :data:`WORKBOOK_HEADERS` applied, its rendering hints (``attrs``)
    kept."""
    if not isinstance(frame, pd.DataFrame):
        return frame
    names = WORKBOOK_HEADERS
    if not any(c in names for c in frame.columns):
        return frame
    out = frame.rename(columns=names)
    out.attrs = dict(frame.attrs)
    return out


def write_workbook(sheets: dict, path: str | Path, title: str | None = None) -> Path:
    """:func:`write_tables` titled by the file's name (满意度分析.xlsx -> 满意度分析): kept for
    notebooks written before the rendering layer."""
    return write_tables(sheets, path, title or Path(path).stem)


def invalid_cells_table(r: Responses) -> pd.DataFrame:
    """One row per cell that could not be read, with its raw text (personal numbers masked)."""
    t = r.invalid
    out = pd.DataFrame({"答卷编号": t["response_id"].to_numpy(), "文件行号": t["row"].to_numpy(),
                        "列": t["column"].to_numpy(), "原文": t["raw"].to_numpy(),
                        "原因": t["reason"].to_numpy()})
    out.attrs["empty"] = "所有单元格都已识别。"
    return out


def write_quality_workbook(r: Responses, path: str | Path) -> Path:
    """质量检查.xlsx: recognition, summary, the flagged responses and the unreadable cells."""
    return write_tables({"识别结果": recognition_table(r), "质量汇总": quality_summary_table(r),
                         "标记答卷": quality_table(r), "无法识别的单元格": invalid_cells_table(r)},
                        path, "质量检查")


def _pct(x):
    from .fmt import fmt_percent

    return None if x is None or pd.isna(x) else fmt_percent(x)


def _num(x, d=2):
    from .fmt import fmt_number

    return None if x is None or pd.isna(x) else fmt_number(x, d)


def _pv(v):
    """A p-value as shown (<0.001, 0.032) that keeps its value for Excel (kit.render.Shown)."""
    from .render.model import Shown

    return Shown.pvalue(v)


def _pvs(values) -> pd.Series:
    """P-values for a display column (:func:`_pv`), kept as :class:`kit.render.Shown` objects:
    pandas would turn them into plain strings (its string dtype) and lose the value."""
    return pd.Series([_pv(v) for v in values], dtype=object, index=getattr(values, "index", None))


DEGENERATE = "退化为一点（无法估计）"


def _ci(lo, hi, pct=True, d=2):
    """An interval as text; one that collapsed to a point (every answer the same) says so."""
    f = _pct if pct else (lambda v: _num(v, d))
    if lo is None or pd.isna(lo):
        return None
    return DEGENERATE if lo == hi else f"{f(lo)}–{f(hi)}"


def _hundred(x, d=1):
    """A share on the -100..100 (or 0..100) scale, scaled by 100 exactly (0.2875 -> 28.8)."""
    from .fmt import fmt_percent

    return None if x is None or pd.isna(x) else fmt_percent(x, d)[:-1]


def _minus(text: str) -> str:
    """「−100.0」: the minus sign (U+2212) that a table cell never breaks after, not the hyphen.

    >>> _minus("-100.0"), _minus("12.5")
    ('−100.0', '12.5')
    """
    return text.replace("-", "−") if isinstance(text, str) else text


def satisfaction_item_table(res) -> pd.DataFrame:
    """Per item: 有效样本, 满意率 with its interval, 平均分, 满意度指数 (displayed, 四舍五入)."""
    t = res.items
    return pd.DataFrame({
        "题目": t["item"], "维度": t["dimension"].fillna("—"), "有效样本": t["n_valid"],
        "满意人数": t["n_satisfied"], "满意率": t["satisfied_share"].map(_pct),
        "满意率95%置信区间": [_ci(a, b) for a, b in zip(t["share_ci_low"], t["share_ci_high"])],
        "平均分": t["mean"].map(_num),
        "满意度指数": t["index"].map(lambda v: _num(v, 1)),
    })


def dimension_table(res) -> pd.DataFrame:
    t = res.dimensions
    if t.empty:
        return pd.DataFrame(columns=["维度", "题目数", "有效样本", "平均分", "满意度指数", "满意率"])
    return pd.DataFrame({
        "维度": t["dimension"], "题目数": t["n_items"], "有效样本": t["n_valid"],
        "平均分": t["mean"].map(_num), "满意度指数": t["index"].map(lambda v: _num(v, 1)),
        "指数95%置信区间": [_ci(a, b, False, 1) for a, b in zip(t["index_ci_low"], t["index_ci_high"])],
        "满意率": t["satisfied_share"].map(_pct),
    })


def awareness_table(res) -> pd.DataFrame:
    t = res.awareness
    if t.empty:
        return pd.DataFrame(columns=["题目", "有效样本", "知晓率"])
    return pd.DataFrame({
        "题目": t["title"], "回答": t["answer"], "有效样本": t["n_valid"], "人数": t["n_aware"],
        "比例": t["aware_share"].map(_pct),
        "95%置信区间": [_ci(a, b) for a, b in zip(t["share_ci_low"], t["share_ci_high"])],
        "逻辑跳过": t["n_skipped"],
    })


def group_table(res, group_by: str, column: str) -> pd.DataFrame:
    t = res.by_group[(res.by_group["group_by"] == group_by) & (res.by_group["column"] == column)]
    return pd.DataFrame({
        "组别": t["group"], "有效样本": t["n_valid"], "比例": t["satisfied_share"].map(_pct),
        "95%置信区间": [_ci(a, b) for a, b in zip(t["share_ci_low"], t["share_ci_high"])],
        "样本不足30": t["small_n"].map({True: "是", False: ""}),
    }).reset_index(drop=True)


def group_sheet(res, group_by: str) -> pd.DataFrame:
    """Every item's rate by the groups of one grouping question (乡镇, 行政村, 身份): one table,
    the item named on each of its groups' rows (in grey after its first), for one worksheet."""
    t = res.by_group[res.by_group["group_by"] == group_by]
    out = pd.DataFrame({
        "题目": t["item"], "组别": t["group"], "有效样本": t["n_valid"],
        "比例": t["satisfied_share"].map(_pct),
        "95%置信区间": [_ci(a, b) for a, b in zip(t["share_ci_low"], t["share_ci_high"])],
        "样本不足30": t["small_n"].map({True: "是", False: ""}),
    }).reset_index(drop=True)
    out.attrs["merge"] = 1
    return out


def group_test_table(res) -> pd.DataFrame:
    t = res.group_tests
    if t.empty:
        return pd.DataFrame(columns=["分组", "题目", "检验", "统计量", "自由度", "P值", "提示"])
    return pd.DataFrame({
        "分组": t["group_title"], "题目": t["item"],
        "检验": t["test"].map({"chi_square": "卡方检验", "kruskal_wallis": "Kruskal-Wallis检验"}),
        "统计量": t["statistic"].map(_num), "自由度": t["df"].map(lambda v: _num(v, 0)),
        "P值": _pvs(t["p_value"]),
        "提示": t["warning"].map({True: "有期望频数<5的格子，仅供参考", False: ""}),
    })


def pairwise_table(res) -> pd.DataFrame:
    t = res.pairwise
    if t.empty:
        return pd.DataFrame(columns=["分组", "题目", "组A", "组B", "检验", "P值", "Holm校正P值"])
    return pd.DataFrame({
        "分组": t["group_title"], "题目": t["item"], "组A": t["group_a"], "组B": t["group_b"],
        "检验": t["test"].map({"chi_square": "卡方检验", "fisher_exact": "Fisher精确检验",
                             "none": "无差异可检验"}),
        "P值": _pvs(t["p_value"]),
        "Holm校正P值": _pvs(t["p_holm"]),
    })


def difference_table(diffs: pd.DataFrame) -> pd.DataFrame:
    """Group comparisons (:func:`kit.groupdiff.group_differences`) for people: each group's
    share, the difference in percentage points, the Holm-adjusted p-value."""
    from .questionnaire import short_title

    if diffs is None or diffs.empty:
        return pd.DataFrame(columns=["分组", "题目", "组别", "比例", "比较对象", "比较对象比例", "相差（百分点）", "Holm校正P值"])
    return pd.DataFrame({"分组": diffs["group_title"].map(short_title), "题目": diffs["item"].map(short_title),
                         "组别": diffs["group_a"], "比例": diffs["share_a"].map(_pct),
                         "比较对象": diffs["group_b"], "比较对象比例": diffs["share_b"].map(_pct),
                         "相差（百分点）": diffs["difference"].map(lambda d: _hundred(abs(d))),
                         "Holm校正P值": _pvs(diffs["p_holm"])}).reset_index(drop=True)


def drivers_table(res) -> pd.DataFrame:
    from .satisfaction import settled_quadrants

    t = res.drivers
    if t.empty:
        return pd.DataFrame(columns=["题目", "重要性r", "标准化回归系数", "满意度指数", "象限"])
    return pd.DataFrame({"题目": t["item"], "重要性r": t["importance_r"].map(lambda v: _num(v, 3)),
                         "r的95%置信区间": [_ci(a, b, False, 3) for a, b in zip(t["r_ci_low"], t["r_ci_high"])],
                         "标准化回归系数": t["beta_std"].map(lambda v: _num(v, 3)),
                         "满意度指数": t["performance"].map(lambda v: _num(v, 1)),
                         "象限": settled_quadrants(res)})   # 象限不确定 within noise, as the report says


def reliability_table(res) -> pd.DataFrame:
    t = res.reliability
    if t.empty:
        return pd.DataFrame(columns=["维度", "题目数", "完整答卷", "Cronbach's α", "95%置信区间"])
    return pd.DataFrame({
        "维度": t["dimension"], "题目数": t["n_items"], "完整答卷": t["n_complete"],
        "Cronbach's α": t["alpha"].map(lambda v: _num(v, 3)),
        "95%置信区间（Feldt）": [_ci(a, b, False, 3) for a, b in zip(t["alpha_ci_low"], t["alpha_ci_high"])],
        "KMO": t["kmo"].map(lambda v: _num(v, 3)),
        "Bartlett球形检验χ²": t["bartlett_chi2"].map(_num),
        "自由度": t["bartlett_df"].map(lambda v: _num(v, 0)),
        "P值": _pvs(t["bartlett_p"]),
    })


def nps_table(res) -> pd.DataFrame:
    """Net Promoter Score (净推荐值) of each 0-10 item, shown on the usual -100..100 scale."""
    t = res.nps
    if t.empty:
        return pd.DataFrame(columns=["题目", "有效样本", "推荐者", "中立者", "贬损者", "NPS", "95%置信区间"])
    return pd.DataFrame({
        "题目": t["title"], "有效样本": t["n_valid"], "推荐者（9–10分）": t["promoters"].map(_pct),
        "中立者（7–8分）": t["passives"].map(_pct), "贬损者（0–6分）": t["detractors"].map(_pct),
        "NPS": [_minus(_hundred(Fraction(int(p) - int(d), int(n)))) for p, d, n in
                zip(t["n_promoters"], t["n_detractors"], t["n_valid"])],
        "95%置信区间": [DEGENERATE if dg else f"{_minus(_hundred(a))}至{_minus(_hundred(b))}"
                     for a, b, dg in zip(t["nps_ci_low"], t["nps_ci_high"], t["ci_degenerate"])],
    })


def item_reliability_table(res) -> pd.DataFrame:
    t = res.item_reliability
    if t.empty:
        return pd.DataFrame(columns=["维度", "题目", "校正题总相关", "删除该题后的α"])
    label = dict(zip(res.items["column"], res.items["item"]))
    return pd.DataFrame({"维度": t["dimension"], "题目": t["item"].map(lambda c: label.get(c, c)),
                         "校正题总相关": t["item_total_r"].map(lambda v: _num(v, 3)),
                         "删除该题后的α": t["alpha_if_deleted"].map(lambda v: _num(v, 3))})


def weighted_table(res) -> pd.DataFrame:
    """Weighted shares and mean scores with design-based intervals and design effects."""
    t = res.weighted
    if t.empty:
        return pd.DataFrame(columns=["题目", "指标", "加权估计", "标准误", "95%置信区间", "设计效应"])
    share = t["measure"] == "share"
    out = pd.DataFrame({
        "题目": t["item"], "指标": share.map({True: "满意率（知晓率）", False: "平均分"}),
        "有效样本": t["n"], "层数": t["n_strata"], "初级抽样单元数": t["n_clusters"],
        "加权估计": [_pct(v) if s else _num(v) for v, s in zip(t["estimate"], share)],
        "标准误": [_pct(v) if s else _num(v, 3) for v, s in zip(t["se"], share)],
        "95%置信区间": [_ci(a, b, s) for a, b, s in zip(t["ci_low"], t["ci_high"], share)],
        "设计效应": t["deff"].map(_num),
    })
    out.attrs["note"] = t.attrs.get("note", "")
    return out


EMPTY = {"维度": "问卷定义中没有维度（dimensions），未计算维度得分。",
         "知晓率": "问卷中没有知晓率题（aware 选项）。",
         "信度": "没有含两道及以上量表题的维度，未计算信度。",
         "题目信度": "没有含两道及以上量表题的维度，未计算题目信度。",
         "分组检验": "没有分组题，或各组答卷不足以检验。",
         "两两比较": "没有需要两两比较的分组差异。",
         "影响因素": "没有总体满意度题，或题目不足以分析影响因素。"}


def write_satisfaction_workbook(res, path: str | Path) -> Path:
    """满意度分析.xlsx: items, dimensions, awareness, reliability, group tests and one sheet
    per grouping question (each item's rate by group); empty tables are listed on 说明."""
    sheets = {"题目满意度": satisfaction_item_table(res), "维度": dimension_table(res),
              "知晓率": awareness_table(res), "信度": reliability_table(res),
              "题目信度": item_reliability_table(res), "分组检验": group_test_table(res),
              "两两比较": pairwise_table(res), "影响因素": drivers_table(res)}
    for name, text in EMPTY.items():
        sheets[name].attrs.setdefault("empty", text)
    if len(res.weighted):
        sheets["加权估计"] = weighted_table(res)
    if len(res.nps):
        sheets["净推荐值"] = nps_table(res)
    titles = {}
    if len(res.by_group):  # one sheet per grouping question, not one per group and item
        for g, t in res.by_group.groupby("group_by", sort=False):
            gt = str(t["group_title"].iloc[0])
            name = f"分组：{gt}"
            sheets[name] = group_sheet(res, g)
            titles[name] = f"满意度分析：各题按“{gt}”分组"
    return write_tables(sheets, path, "满意度分析", titles=titles)


def write_coverage_workbook(coverage: dict, path: str | Path) -> Path:
    """题目纳入情况.xlsx: for each analysis (kit.eligibility), which questions it took, which it
    left and the lines that would let them in."""
    from .eligibility import ANALYSIS_ZH

    sheets = {}
    for k, e in coverage.items():
        # the sheet names the analysis; the question is named by its wording (题干): the fix
        # text (修改为) carries the id that questionnaire.yml uses
        df = e.display_frame().drop(columns=["分析", "题目"])
        df.attrs["empty"] = f"问卷中没有可供{ANALYSIS_ZH[k]}考察的题目。"
        sheets[ANALYSIS_ZH[k]] = df
    return write_tables(sheets, path, "题目纳入情况")


#: 前后对比.xlsx headers an evaluator reads (the test named in brackets), for the columns of
#: :func:`wave_table` whose names in the notebook and the survey report are short
WAVE_HEADERS = {"95%置信区间": "变化的95%置信区间", "Welch t检验P": "差异检验P值（Welch t检验）",
                "Cohen's d": "效应量（Cohen's d）", "配对t检验P": "配对差异检验P值（配对t检验）",
                "McNemar检验P": "满意与否变化检验P值（McNemar检验）"}
#: the columns of :func:`wave_table` printed on its second sheet (the tests), beside 题目
WAVE_TEST_COLUMNS = ("Welch t检验P", "Cohen's d", "配对人数", "配对均分变化", "配对t检验P", "McNemar检验P")


def wave_sheets(t: pd.DataFrame, name: str = "两轮问卷") -> dict[str, pd.DataFrame]:
    """:func:`wave_table` as two sheets that print legibly (at most 7 columns each): the
    shares and mean scores of the two waves, then (「<name>（检验）」) the tests and effect
    sizes, each sheet led by 题目; headers in Chinese with the test named in brackets."""
    tests = [c for c in t.columns if c in WAVE_TEST_COLUMNS]
    first = t[[c for c in t.columns if c not in tests]].rename(columns=WAVE_HEADERS)
    out = {name: first}
    if tests:
        second = t[["题目", *tests]].rename(columns=WAVE_HEADERS)
        second.attrs["note"] = ("差异检验把两轮答卷作为独立样本比较平均分；效应量为两轮平均分之差除以合并标准差"
                                "（约0.2为小、0.5为中、0.8为大）" + ("；配对各列只含两轮都作答的同一受访者。"
                                                            if "配对人数" in tests else "。"))
        out[f"{name}（检验）"] = second
    return out


def write_change_workbook(sheets: dict[str, pd.DataFrame], path: str | Path) -> Path:
    """前后对比.xlsx: the before-after tables notebook 04 shows (两轮问卷, 前后变化, 基期均衡性,
    双重差分, 阶段目标), numbers as numbers and p-values kept as values; the wave comparison
    (:func:`wave_table`) split over two sheets (:func:`wave_sheets`) so that it prints legibly."""
    out: dict[str, pd.DataFrame] = {}
    for name, t in sheets.items():
        if isinstance(t, pd.DataFrame) and "Welch t检验P" in t.columns:
            out.update(wave_sheets(t, name))
        else:
            out[name] = t
    return write_tables(out, path, "前后对比")


def safe_append(ws, values) -> None:
    """Append a row; text that Excel would read as a formula (starting with =, +, - or @)
    is stored as text with Excel's quote prefix, so it shows as typed and never runs."""
    ws.append(values)
    for c in ws[ws.max_row]:
        if isinstance(c.value, str) and c.value[:1] in ("=", "+", "-", "@"):
            c.data_type = "s"
            c.quotePrefix = True


def cadre_table(res) -> pd.DataFrame:
    """群众测评村干部: each cadre's mean score with its interval, mean deduction per aspect."""
    t = res.cadres
    if t.empty:
        return pd.DataFrame(columns=["村干部", "有效测评", "平均得分", "95%置信区间", "是否低于分数线"])
    from .fmt import fmt_for_verdict, fmt_threshold
    from .satisfaction import VERDICT_DIGITS as VD

    line = to_fraction(res.line)
    out = pd.DataFrame({"村干部": t["cadre"], "有效测评": t["n_respondents"],
                        "平均得分": [None if x is None else fmt_for_verdict(x, line, 1, max_digits=VD)
                                 for x in t["score_exact"]],
                        "95%置信区间": [_ci(a, b, False, 1) for a, b in zip(t["score_ci_low"], t["score_ci_high"])]})
    labels = t.attrs.get("aspects") or []
    for k in range(1, len([c for c in t.columns if c.startswith("mean_aspect_")]) + 1):
        name = labels[k - 1] if k <= len(labels) else f"第{k}项"
        out[f"{name}平均扣分"] = t[f"mean_aspect_{k}"].map(lambda v: _num(abs(v), 1))
    out[f"低于{fmt_threshold(line, max_digits=VD)}分"] = t["below_line"].map({True: "是", False: ""})
    return out


def member_table(res) -> pd.DataFrame:
    """民主评议党员: votes per band, the rating (most votes) and who gets one-to-one help."""
    t, bands = res.members, res.member_bands
    if t.empty:
        return pd.DataFrame(columns=["党员", "有效票", "评议结果", "一对一帮扶"])
    out = pd.DataFrame({"党员": t["member"], "有效票": t["n_votes"]})
    for code, band in zip(bands["band_code"], bands["band"]):
        out[f"{band}票"] = t[f"n_{code}"]
        out[f"{band}比例"] = t[f"share_{code}"].map(_pct)
    out["评议结果"] = t["rating"] + t["tie"].map({True: "（票数持平）", False: ""})
    out["一对一帮扶"] = t["needs_help"].map({True: "是", False: ""})
    return out


def member_band_table(res) -> pd.DataFrame:
    t = res.member_bands
    if t.empty:
        return pd.DataFrame(columns=["等次", "票数", "比例", "95%置信区间"])
    return pd.DataFrame({"等次": t["band"], "票数": t["n_votes"], "比例": t["share"].map(_pct),
                         "95%置信区间（按评议人聚类）": [_ci(a, b) for a, b in
                                                 zip(t["share_ci_low"], t["share_ci_high"])]})


def write_appraisal_workbook(res, path: str | Path) -> Path:
    """测评结果.xlsx: cadre scores, member ratings and band shares."""
    sheets = {}
    if len(res.cadres):
        sheets["村干部测评"] = cadre_table(res)
    if len(res.members):
        sheets["民主评议党员"] = member_table(res)
        sheets["评议等次汇总"] = member_band_table(res)
    return write_tables(sheets, path, "测评结果")


def _pp_change(v):
    """A change of shares in percentage points, signed, rounded half up on the exact value
    (0.2875 -> +28.8): +12.1, −3.0."""
    if v is None or pd.isna(v):
        return None
    text = _hundred(abs(v))
    return ("−" if v < 0 and text.strip("0.") else "+") + text


def wave_table(comparison) -> pd.DataFrame:
    """Two survey waves per item: shares, the change in percentage points with its interval,
    mean scores and the tests (independent samples and, for the pairs, paired tests)."""
    t = comparison.items
    pp = _pp_change
    out = pd.DataFrame({
        "题目": t["item"], "基线满意率": t["share_before"].map(_pct), "跟踪满意率": t["share_after"].map(_pct),
        "变化（百分点）": [pp(_share_change(r)) for r in t.itertuples(index=False)],
        "95%置信区间": [None if pd.isna(a) else f"{pp(a)}至{pp(b)}" for a, b in
                     zip(t["share_diff_ci_low"], t["share_diff_ci_high"])],
        "基线均分": t["mean_before"].map(_num), "跟踪均分": t["mean_after"].map(_num),
        "Welch t检验P": _pvs(t["welch_p"]), "Cohen's d": t["cohens_d"].map(_num)})
    if "paired_diff" in t:
        out["配对人数"] = t["n_pairs"]
        out["配对均分变化"] = t["paired_diff"].map(_num)
        out["配对t检验P"] = _pvs(t["paired_t_p"])
        out["McNemar检验P"] = _pvs(t["mcnemar_p"])
    return out


def _share_change(row):
    """after - before as an exact fraction of the counts (NaN when a wave has no answers)."""
    if not row.n_before or not row.n_after:
        return np.nan
    return (Fraction(int(row.k_after), int(row.n_after))
            - Fraction(int(row.k_before), int(row.n_before)))


def _formats(formats, names):
    from .change import OutcomeFormat

    formats = formats or {}
    return {y: formats.get(y) or OutcomeFormat(y) for y in names}


def change_display(t: pd.DataFrame, formats=None, mean_word: str = "均值") -> pd.DataFrame:
    """Baseline and follow-up means over the units (村均), each with its unit; a share's change
    in 个百分点 (``formats``: :func:`kit.change.outcome_formats`)."""
    f = _formats(formats, t["outcome"])
    rows = t.itertuples(index=False)
    out = pd.DataFrame([{"指标": f[r.outcome].name, "单位数": r.n_units,
                         f"基期（{mean_word}）": f[r.outcome].level(r.baseline),
                         f"末期（{mean_word}）": f[r.outcome].level(r.followup),
                         "变化": f[r.outcome].change(r.change),
                         "变化率": "—" if f[r.outcome].is_share else _pct(r.pct_change)} for r in rows],
                       columns=["指标", "单位数", f"基期（{mean_word}）", f"末期（{mean_word}）", "变化", "变化率"])
    if "group" in t:
        out.insert(0, "组别", list(t["group"]))
    return out


def balance_display(t: pd.DataFrame, formats=None, names: tuple[str, str] = ("项目组", "对照组")) -> pd.DataFrame:
    """Baseline balance (as iebaltab): means per group, difference, normalised difference (an
    absolute value above 0.25 marked as unbalanced), p."""
    from .change import IMBALANCE

    f = _formats(formats, t["outcome"])
    tr, co = names
    out = pd.DataFrame([{"指标": f[r.outcome].name, f"{co}样本": r.n_comparison,
                         f"{co}均值": f[r.outcome].level(r.mean_comparison), f"{tr}样本": r.n_treated,
                         f"{tr}均值": f[r.outcome].level(r.mean_treated), "差值": f[r.outcome].number(r.difference),
                         "标准化差值": _num(r.normalized_difference), "P值": _pv(r.p_value),
                         "基期是否均衡": ("不均衡（绝对值>0.25）" if pd.notna(r.normalized_difference)
                                    and abs(r.normalized_difference) > IMBALANCE else "均衡")}
                        for r in t.itertuples(index=False)])
    if len(out):  # p-values kept with their value (pandas would make them plain strings)
        out["P值"] = _pvs(t["p_value"]).set_axis(out.index)
    return out


def did_display(t: pd.DataFrame, formats=None, names: tuple[str, str] = ("项目组", "对照组")) -> pd.DataFrame:
    """Difference-in-differences (as ieddtab): baseline means, changes, DiD with its interval,
    each with its unit (a share's changes in 个百分点)."""
    f = _formats(formats, t["outcome"])
    tr, co = names
    out = pd.DataFrame([{"指标": f[r.outcome].name, f"{co}基期均值": f[r.outcome].level(r.baseline_comparison),
                         f"{tr}基期均值": f[r.outcome].level(r.baseline_treated),
                         f"{co}变化": f[r.outcome].change(r.change_comparison),
                         f"{tr}变化": f[r.outcome].change(r.change_treated),
                         "双重差分": f[r.outcome].change(r.did), "聚类标准误": f[r.outcome].number(r.se),
                         "95%置信区间": (None if pd.isna(r.ci_low) else
                                      f"{f[r.outcome].change(r.ci_low)}至{f[r.outcome].change(r.ci_high)}"),
                         "P值": _pv(r.p_value), "群数": r.n_clusters} for r in t.itertuples(index=False)])
    if len(out):  # p-values kept with their value (pandas would make them plain strings)
        out["P值"] = _pvs(t["p_value"]).set_axis(out.index)
    if t["p_value_wild"].notna().any():
        out["野自助法P值"] = _pvs(t["p_value_wild"]).set_axis(out.index)
    return out


def attainment_display(t: pd.DataFrame, unit_word: str = "单位") -> pd.DataFrame:
    from .change import _num as target_num

    out = pd.DataFrame({"年份": t["period"].map(lambda v: _num(v, 0)), unit_word: t["unit"],
                        "目标": t["target"].map(lambda v: None if pd.isna(v) else target_num(v, threshold=True)),
                        "实际": [None if pd.isna(a) else target_num(a, g if b and pd.notna(g) else None)
                               for a, g, b in zip(t["actual"], t["target"], t["behind"])],
                        "完成率": [_attainment_pct(a, b) for a, b in zip(t["attainment"], t["behind"])],
                        "滞后": t["behind"].map({True: "是", False: ""})})
    if "coverage" in t:
        out["覆盖率"] = t["coverage"].map(_pct)
    return out


def _attainment_pct(share, behind):
    """Attainment beside 滞后: never 100.0% for a unit behind schedule (99.99% stays 99.99%)."""
    from .fmt import fmt_for_verdict
    from .satisfaction import VERDICT_DIGITS

    return None if share is None or pd.isna(share) else \
        fmt_for_verdict(share, 1, 1, percent=True, max_digits=VERDICT_DIGITS)
