"""Charts with Chinese labels: find and register a CJK font, or fail loudly.

A chart whose labels render as empty boxes is worse than no chart, and lax notebook tests
would not notice, so :func:`use_cjk_font` raises :class:`~kit.errors.FontError` (with the
install command) when no CJK font can be found.
"""

from __future__ import annotations

import glob
import os
from functools import lru_cache

from .atomic import save_figure  # charts are written whole or not at all

__all__ = ["use_cjk_font", "set_theme", "FONT_CANDIDATES", "INSTALL_HINT", "plot_cadre_scores",
           "plot_member_ratings", "plot_section_scores", "plot_dumbbell", "plot_group_trends",
           "plot_event_study", "save_figure"]

FONT_CANDIDATES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
                   "WenQuanYi Zen Hei", "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC",
                   "Sarasa Gothic SC")
_FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "C:/Windows/Fonts/msyh.ttc", "C:/Windows/Fonts/simhei.ttf",
    "/System/Library/Fonts/PingFang.ttc", "/Library/Fonts/Arial Unicode.ttf",
)
INSTALL_HINT = ("Debian/Ubuntu: sudo apt-get install fonts-wqy-microhei (或 fonts-noto-cjk)；"
                "Windows/macOS 自带 Microsoft YaHei / PingFang SC；也可设置环境变量 KIT_CJK_FONT "
                "为字体文件路径")


@lru_cache(maxsize=1)
def use_cjk_font() -> str:
    """Register a CJK font with matplotlib and make it the sans-serif default; return its name."""
    import matplotlib as mpl
    from matplotlib import font_manager

    from .errors import FontError

    # A font installed after matplotlib built its cache is not found by name: add files directly.
    paths = [os.environ["KIT_CJK_FONT"]] if os.environ.get("KIT_CJK_FONT") else []
    paths += [p for p in _FONT_FILES if os.path.exists(p)]
    paths += glob.glob("/usr/share/fonts/**/*[Cc][Jj][Kk]*.tt[cf]", recursive=True)[:4]
    for p in paths:
        try:
            font_manager.fontManager.addfont(p)
        except (OSError, RuntimeError, ValueError):
            continue
    names = {f.name for f in font_manager.fontManager.ttflist}
    for cand in FONT_CANDIDATES:
        if cand in names:
            mpl.rcParams["font.family"] = "sans-serif"
            mpl.rcParams["font.sans-serif"] = [cand] + [
                f for f in mpl.rcParams["font.sans-serif"] if f != cand]
            mpl.rcParams["axes.unicode_minus"] = False
            return cand
    raise FontError("找不到中文字体，图表中的汉字会显示为方框 (no CJK font found). 安装方法："
                    + INSTALL_HINT)


def set_theme(**kwargs) -> str:
    """seaborn theme with the CJK font (``sns.set_theme`` resets fonts, so it is set after)."""
    import seaborn as sns

    use_cjk_font.cache_clear()
    sns.set_theme(style=kwargs.pop("style", "whitegrid"), **kwargs)
    return use_cjk_font()


def plot_durations(r, ax=None):
    """Histogram of 所用时间 with the speeder threshold."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    use_cjk_font()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.6))
    d = r.data["duration_s"].astype("float64")
    sns.histplot(d.dropna(), bins=40, ax=ax, color="#4C72B0")
    thr = r.info.quality_settings.get("speeder_threshold_s")
    if thr is not None:
        ax.axvline(thr, color="#C44E52", linestyle="--")
        ax.text(thr, ax.get_ylim()[1] * 0.9, f" 用时过短阈值 {thr:.0f} 秒", color="#C44E52")
    ax.set_xlabel("答题用时（秒）")
    ax.set_ylabel("答卷数")
    ax.set_title("答题用时分布")
    return ax


def plot_responses_by_group(r, group: str, ax=None):
    """Valid and excluded responses per group (e.g. township), with Chinese option labels."""
    import matplotlib.pyplot as plt
    import pandas as pd

    use_cjk_font()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.6))
    q = r.questionnaire.by_id()[group]
    labels = {o.code: o.label for o in q.options}
    g = r.data[group].map(labels)
    status = r.excluded.map({False: "有效", True: "剔除"})
    tab = pd.crosstab(g, status).reindex(columns=["有效", "剔除"], fill_value=0)
    tab = tab.reindex([o.label for o in q.options]).fillna(0)
    tab.plot.bar(stacked=True, ax=ax, color=["#4C72B0", "#C44E52"], rot=0)
    ax.set_xlabel(q.title)
    ax.set_ylabel("答卷数")
    ax.set_title(f"各{q.title.replace('您所在的', '')}答卷数")
    ax.legend(title="")
    return ax


def plot_rates_by_group(res, group_by: str, column: str, ax=None, target: float | None = None):
    """Satisfied (or aware) share per group with its 95% interval as whiskers."""
    import matplotlib.pyplot as plt
    import numpy as np

    use_cjk_font()
    t = res.by_group[(res.by_group["group_by"] == group_by) & (res.by_group["column"] == column)]
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.45 * len(t) + 1.2))
    y = np.arange(len(t))
    p = t["satisfied_share"].to_numpy() * 100
    lo = np.clip(p - t["share_ci_low"].to_numpy() * 100, 0, None)
    hi = np.clip(t["share_ci_high"].to_numpy() * 100 - p, 0, None)
    colors = ["#C44E52" if s else "#4C72B0" for s in t["small_n"]]
    ax.errorbar(p, y, xerr=[lo, hi], fmt="none", ecolor="#999999", capsize=3)
    ax.scatter(p, y, c=colors, zorder=3)
    ax.set_yticks(y, t["group"])
    ax.invert_yaxis()
    if target is not None:
        ax.axvline(target * 100, color="#55A868", linestyle="--")
    ax.set_xlabel("比例（%），线段为95%置信区间；红点为样本不足30的组")
    ax.set_title(f"{t['item'].iloc[0] if len(t) else ''}：按组比较")
    return ax


def plot_likert(r, columns: list[str], ax=None):
    """Diverging stacked bars: share of each answer per item, negatives to the left."""
    import matplotlib.pyplot as plt
    import numpy as np

    use_cjk_font()
    qs = r.questionnaire.by_id()
    meta = r.questions.set_index("column")
    data = r.valid
    first = qs[meta.loc[columns[0], "question_id"]]
    opts = sorted(first.options, key=lambda o: o.score if o.score is not None else o.code)
    if first.direction == "descending":  # 1 = 非常满意: the worst answer goes to the left
        opts = opts[::-1]
    values = [o.score if first.has_scores else o.code for o in opts]
    labels = [o.label for o in opts]
    mid = (len(values) - 1) / 2
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.5 * len(columns) + 1.5))
    palette = ["#C44E52", "#E8A0A0", "#CCCCCC", "#9DB8DA", "#4C72B0"]
    if len(values) != 5:
        palette = [plt.cm.RdBu(i / max(1, len(values) - 1)) for i in range(len(values))]
    names = []
    for i, col in enumerate(columns):
        x = data[col].dropna()
        shares = np.array([(x == v).mean() * 100 for v in values])
        neutral = shares[int(mid)] / 2 if len(values) % 2 else 0.0
        left = -(shares[: int(np.ceil(mid))].sum() + neutral)
        for j, sh in enumerate(shares):
            ax.barh(i, sh, left=left, color=palette[j], label=labels[j] if i == 0 else None)
            left += sh
        row = meta.loc[col]
        names.append(row["row_label"] if isinstance(row["row_label"], str) else qs[row["question_id"]].title)
    ax.set_yticks(range(len(columns)), names)
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("答卷比例（%）")
    ax.legend(ncol=len(values), loc="upper center", bbox_to_anchor=(0.5, -0.18), frameon=False)
    ax.set_title("各题回答分布")
    return ax


def plot_ipa(res, ax=None):
    """Importance-performance quadrant: derived importance (r with the overall item) against
    the 0-100 index, split at the means."""
    import matplotlib.pyplot as plt

    use_cjk_font()
    d = res.drivers
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 5))
    ax.scatter(d["importance_r"], d["performance"], color="#4C72B0", zorder=3)
    for row in d.itertuples(index=False):
        ax.annotate(row.item, (row.importance_r, row.performance), textcoords="offset points",
                    xytext=(4, 4), fontsize=9)
    ax.axvline(d["importance_r"].mean(), color="#999999", linestyle="--")
    ax.axhline(d["performance"].mean(), color="#999999", linestyle="--")
    ax.set_xlabel("重要性（与总体满意度的相关系数）")
    ax.set_ylabel("表现（满意度指数，0–100）")
    ax.set_title("重要性—表现分析（IPA）")
    return ax


def plot_cadre_scores(res, ax=None):
    """Each cadre's mean score with its 95% interval, and the line below which a cadre steps down."""
    import matplotlib.pyplot as plt
    import numpy as np

    use_cjk_font()
    t = res.cadres
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.45 * len(t) + 1.4))
    y = np.arange(len(t))
    s = t["score"].to_numpy()
    err = [np.clip(s - t["score_ci_low"].to_numpy(), 0, None), np.clip(t["score_ci_high"].to_numpy() - s, 0, None)]
    colors = ["#C44E52" if b else "#4C72B0" for b in t["below_line"]]
    ax.barh(y, s, color=colors, alpha=0.85)
    ax.errorbar(s, y, xerr=err, fmt="none", ecolor="#333333", capsize=3)
    ax.axvline(res.line, color="#C44E52", linestyle="--")
    ax.set_yticks(y, t["cadre"])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(f"平均得分（线段为95%置信区间；虚线为{res.line:g}分线，红色为低于分数线）")
    ax.set_title("群众测评村干部得分")
    return ax


def plot_member_ratings(res, ax=None):
    """Stacked shares of the bands per member, best band first; members to help marked in red."""
    import matplotlib.pyplot as plt
    import numpy as np

    use_cjk_font()
    t, bands = res.members, res.member_bands
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.22 * len(t) + 1.6))
    y = np.arange(len(t))
    left = np.zeros(len(t))
    palette = ["#2E7D32", "#8BC34A", "#FFB300", "#C62828", "#6D4C41", "#455A64"]
    for k, (code, band) in enumerate(zip(bands["band_code"], bands["band"])):
        v = t[f"share_{code}"].to_numpy() * 100
        ax.barh(y, v, left=left, color=palette[k % len(palette)], label=band)
        left += v
    ax.set_yticks(y, t["member"], fontsize=7)
    for lbl, need in zip(ax.get_yticklabels(), t["needs_help"]):
        if need:
            lbl.set_color("#C62828")
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("票数比例（%）；红色标注的党员列为一对一帮扶对象")
    ax.legend(ncol=len(bands), loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
    return ax


def plot_section_scores(a, ax=None):
    """Self-assessment: each first-level indicator's score against its points."""
    import matplotlib.pyplot as plt
    import numpy as np

    use_cjk_font()
    secs = a.sections
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.6 * len(secs) + 1.4))
    from .fmt import fmt_points

    y = np.arange(len(secs))
    ax.barh(y, [float(s["points"]) for s in secs], color="#DDDDDD", label="分值")
    ax.barh(y, [float(s["score"]) for s in secs], color="#4C72B0", height=0.5, label="自评得分")
    for i, s in enumerate(secs):   # labels as every table prints them (half up, two places at most)
        ax.text(float(s["points"]), i, f" {fmt_points(s['score'])}/{fmt_points(s['points'])}", va="center")
    ax.set_yticks(y, [s["name"] for s in secs])
    ax.invert_yaxis()
    ax.set_xlabel("分")
    ax.set_title(f"绩效自评得分：{fmt_points(a.total)}分，{a.grade or '不予评级'}")
    ax.legend(loc="lower right", frameon=False)
    return ax


def plot_dumbbell(comparison, labels=("基线", "跟踪"), ax=None):
    """Before/after dumbbells: each item's satisfied share in the two waves."""
    import matplotlib.pyplot as plt
    import numpy as np

    use_cjk_font()
    t = comparison.items
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.35 * len(t) + 1.4))
    y = np.arange(len(t))
    b, a = t["share_before"].to_numpy() * 100, t["share_after"].to_numpy() * 100
    ax.hlines(y, np.minimum(a, b), np.maximum(a, b), color="#BBBBBB", zorder=1)
    ax.scatter(b, y, color="#8C8C8C", label=labels[0], zorder=2)
    ax.scatter(a, y, color="#4C72B0", label=labels[1], zorder=3)
    ax.set_yticks(y, t["item"], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("满意率（%）")
    ax.legend(loc="lower right", frameon=False)
    ax.set_title(f"{labels[0]}与{labels[1]}满意率对比")
    return ax


def plot_group_trends(panel, outcome: str, group: str, period: str, ax=None):
    """Mean of an outcome per group and period, with 95% t intervals as whiskers."""
    import matplotlib.pyplot as plt

    from .stats import mean_ci

    use_cjk_font()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    for k, (g, part) in enumerate(panel.groupby(group, sort=False)):
        rows = []
        for p, x in part.groupby(period)[outcome]:
            m = mean_ci(x.dropna().astype(float).to_numpy())
            rows.append((p, m.estimate, m.estimate - m.ci_low, m.ci_high - m.estimate))
        ps, ms, lo, hi = zip(*rows)
        ax.errorbar([float(p) + (k - 0.5) * 0.06 for p in ps], ms, yerr=[lo, hi], marker="o",
                    capsize=3, label=str(g))
    ax.set_xticks(sorted({float(p) for p in panel[period].dropna().unique()}),
                  [str(int(p)) for p in sorted({float(p) for p in panel[period].dropna().unique()})])
    ax.set_ylabel(outcome)
    ax.set_title(f"{outcome}：分组均值及95%置信区间")
    ax.legend(frameon=False)
    return ax


def plot_event_study(es, outcome: str, ax=None):
    """Programme-minus-comparison difference per period relative to the base period, with 95%
    intervals (errors clustered by unit)."""
    import matplotlib.pyplot as plt

    use_cjk_font()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    x = es["period"].astype(float)
    ax.axhline(0, color="#999999", linewidth=1)
    ax.errorbar(x, es["estimate"], yerr=[es["estimate"] - es["ci_low"], es["ci_high"] - es["estimate"]],
                marker="o", capsize=3, color="#4C72B0")
    ax.set_xticks(x, [str(int(v)) for v in x])
    ax.set_ylabel(f"{outcome}：项目村与对照村之差（相对基期）")
    ax.set_title(f"事件研究：{outcome}")
    return ax
