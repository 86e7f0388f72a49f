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
from .descriptives import option_label

__all__ = ["use_cjk_font", "set_theme", "FONT_CANDIDATES", "INSTALL_HINT", "plot_cadre_scores",
           "plot_member_ratings", "plot_section_scores", "plot_dumbbell", "plot_group_trends",
           "plot_event_study", "save_figure", "plot_ipa", "ipa_is_noise", "integer_axis", "legend_outside",
           "tall", "rate_title", "label_overlaps"]

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
    raise FontError("找不到中文字体，图表中的汉字会显示为方框。安装方法："
                    + INSTALL_HINT)


def set_theme(**kwargs) -> str:
    """seaborn theme with the CJK font (``sns.set_theme`` resets fonts, so it is set after)."""
    import seaborn as sns

    use_cjk_font.cache_clear()
    sns.set_theme(style=kwargs.pop("style", "whitegrid"), **kwargs)
    return use_cjk_font()


def integer_axis(axis) -> None:
    """Counts on an axis in whole numbers (no 2.5 answers)."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def legend_outside(ax, **kw):
    """The legend to the right of the plotting area, never on the data."""
    kw.setdefault("frameon", False)
    return ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0, **kw)


def tall(n: int, per: float = 0.32, base: float = 1.6, width: float = 7.0) -> tuple[float, float]:
    """A figure size for ``n`` categories, one under the other, each readable."""
    return (width, per * max(n, 1) + base)


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
    integer_axis(ax.yaxis)
    ax.set_title("答题用时分布")
    return ax


def plot_responses_by_group(r, group: str, ax=None):
    """Valid and excluded responses per group (e.g. township), with Chinese option labels:
    bars side by side for a few groups, one under the other for many (20 villages)."""
    import matplotlib.pyplot as plt
    import pandas as pd

    from .questionnaire import short_title

    use_cjk_font()
    q = r.questionnaire.by_id()[group]
    labels = {o.code: option_label(o.label) for o in q.options}
    g = r.data[group].map(labels)
    status = r.excluded.map({False: "有效", True: "剔除"})
    tab = pd.crosstab(g, status).reindex(columns=["有效", "剔除"], fill_value=0)
    tab = tab.reindex([option_label(o.label) for o in q.options]).fillna(0).astype(int)
    many = len(tab) > 8
    if ax is None:
        _, ax = plt.subplots(figsize=tall(len(tab)) if many else (7, 3.6))
    name = short_title(q.title)
    if many:
        tab.iloc[::-1].plot.barh(stacked=True, ax=ax, color=["#4C72B0", "#C44E52"], width=0.75)
        ax.set_ylabel("")
        ax.set_xlabel("答卷数")
        integer_axis(ax.xaxis)
    else:
        tab.plot.bar(stacked=True, ax=ax, color=["#4C72B0", "#C44E52"], rot=0)
        ax.set_xlabel("")
        ax.set_ylabel("答卷数")
        integer_axis(ax.yaxis)
    ax.set_title(f"各{name}答卷数")
    legend_outside(ax, title="")
    return ax


def plot_rates_by_group(res, group_by: str, column: str, ax=None, target: float | None = None):
    """Satisfied (or aware) share per group with its 95% interval as whiskers; groups with
    fewer than 30 answers in red; the target as a dashed line."""
    import matplotlib.pyplot as plt
    import numpy as np

    from .satisfaction import SMALL_N

    use_cjk_font()
    t = res.by_group[(res.by_group["group_by"] == group_by) & (res.by_group["column"] == column)]
    if ax is None:
        _, ax = plt.subplots(figsize=tall(len(t), 0.34, 1.8))
    y = np.arange(len(t))
    p = t["satisfied_share"].to_numpy() * 100
    lo = np.clip(p - t["share_ci_low"].to_numpy() * 100, 0, None)
    hi = np.clip(t["share_ci_high"].to_numpy() * 100 - p, 0, None)
    small = t["small_n"].to_numpy(dtype=bool)
    ax.errorbar(p, y, xerr=[lo, hi], fmt="none", ecolor="#999999", capsize=3)
    if (~small).any():   # a legend entry only for what is drawn
        ax.scatter(p[~small], y[~small], c="#4C72B0", zorder=3, label=f"{SMALL_N}份及以上")
    if small.any():
        ax.scatter(p[small], y[small], c="#C44E52", zorder=3, label=f"不足{SMALL_N}份")
    ax.set_yticks(y, t["group"], fontsize=9 if len(t) > 12 else 10)
    ax.set_ylim(len(t) - 0.5, -0.5)
    if target is not None:
        from .fmt import fmt_threshold

        ax.axvline(float(target) * 100, color="#55A868", linestyle="--",
                   label=f"目标{fmt_threshold(target, percent=True)}")
    ax.set_xlabel("比例（%），线段为95%置信区间")
    ax.set_title(rate_title(res, group_by, column))
    legend_outside(ax, title="有效答卷")
    return ax


def rate_title(res, group_by: str, column: str) -> str:
    """「各乡镇总体满意率」, 「各村“道路硬化”满意率」, 「各乡镇“是否知道本村实施了…”知晓率」."""
    from .questionnaire import short_title

    t = res.by_group[(res.by_group["group_by"] == group_by) & (res.by_group["column"] == column)]
    if not len(t):
        return ""
    group = short_title(t["group_title"].iloc[0])
    aware = len(res.awareness) and column in set(res.awareness["question_id"])
    noun = "知晓率" if aware else "满意率"
    if res.overall.get("column") == column:
        return f"各{group}总体{noun}"
    return f"各{group}“{short_title(t['item'].iloc[0])}”{noun}"


def plot_likert(r, columns: list[str], ax=None):
    """Stacked bars from 0 to 100%: the share of each answer per item, the lowest answer on
    the left and the highest on the right (an evaluator reads it as printed, with no empty half
    and no negative percentages, as a diverging chart has when nearly everyone is satisfied)."""
    import matplotlib.pyplot as plt
    import numpy as np

    from .questionnaire import short_title

    use_cjk_font()
    qs = r.questionnaire.by_id()
    meta = r.questions.set_index("column")
    data = r.valid
    first = qs[meta.loc[columns[0], "question_id"]]
    opts = sorted(first.options, key=lambda o: o.score if o.score is not None else o.code)
    if first.direction == "descending":  # 1 = 非常满意: the worst answer goes to the left
        opts = opts[::-1]
    values = [o.score if first.has_scores else o.code for o in opts]
    labels = [option_label(o.label) for o in opts]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.5 * len(columns) + 1.5))
    palette = ["#C44E52", "#E8A0A0", "#CCCCCC", "#9DB8DA", "#4C72B0"]
    if len(values) != 5:
        palette = [plt.cm.RdBu(i / max(1, len(values) - 1)) for i in range(len(values))]
    names = []
    for i, col in enumerate(columns):
        x = data[col].dropna()
        shares = np.array([(x == v).mean() * 100 for v in values]) if len(x) else np.zeros(len(values))
        left = 0.0
        for j, sh in enumerate(shares):
            ax.barh(i, sh, left=left, color=palette[j], label=labels[j] if i == 0 else None)
            left += sh
        row = meta.loc[col]
        names.append(row["row_label"] if isinstance(row["row_label"], str) else qs[row["question_id"]].title)
    ax.set_yticks(range(len(columns)), [short_title(n) for n in names])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xticks(range(0, 101, 20))
    ax.set_xlabel("答卷比例（%）")
    # right of the plot, clear of the last tick label that reaches past the frame
    ax.legend(loc="upper left", bbox_to_anchor=(1.05, 1.0), borderaxespad=0, frameon=False, title="回答")
    ax.set_title("各题回答分布")
    return ax


IPA_MIN_SPAN = (0.2, 20.0)   # importance (r) and performance (0-100 index): the least span shown


def ipa_is_noise(res) -> bool:
    """Whether the items' performance differs by less than the width of a typical 95%
    interval of an item's index: the quadrants then sort noise, and the chart says so."""
    import numpy as np

    d = res.drivers.dropna(subset=["importance_r", "performance"])
    if len(d) < 2:
        return True
    items = res.items.set_index("column")
    width = (items.loc[d["column"], "index_ci_high"] - items.loc[d["column"], "index_ci_low"]).to_numpy(dtype=float)
    width = float(np.nanmean(width)) if np.isfinite(width).any() else 0.0
    return float(d["performance"].max() - d["performance"].min()) < width


def label_overlaps(texts, ax) -> list[tuple[str, str]]:
    """Pairs of labels whose drawn boxes overlap."""
    import itertools

    fig = ax.figure
    fig.canvas.draw()
    rend = fig.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(rend)) for t in texts]
    return [(a, b) for (a, ba), (b, bb) in itertools.combinations(boxes, 2) if ba.overlaps(bb)]


def _separate(texts, ax, rounds: int = 50) -> None:
    """Whatever overlap adjustText left: move the later label of each overlapping pair up or
    down by the overlap, in display units, until none is left (or ``rounds`` passes)."""
    import itertools

    fig = ax.figure
    for _ in range(rounds):
        fig.canvas.draw()
        rend = fig.canvas.get_renderer()
        moved = False
        for a, b in itertools.combinations(texts, 2):
            ba, bb = a.get_window_extent(rend), b.get_window_extent(rend)
            if not ba.overlaps(bb):
                continue
            up = bb.y0 + bb.height / 2 >= ba.y0 + ba.height / 2
            dy = (ba.y1 - bb.y0 + 2) if up else -(bb.y1 - ba.y0 + 2)
            x, y = ax.transData.transform(b.get_position())
            b.set_position(ax.transData.inverted().transform((x, y + dy)))
            moved = True
        if not moved:
            return


def plot_ipa(res, ax=None, min_span: tuple[float, float] = IPA_MIN_SPAN):
    """Importance-performance quadrants: derived importance (r with the overall item) against
    the 0-100 index, split at the means. The axes span at least ``min_span`` around the means
    (so items a point apart are drawn close together, not spread into four corners); the
    quadrant names are written in the corners; labels are placed so that they do not overlap
    (adjustText); when the items' indices differ by less than a typical 95% interval the chart
    says the quadrants are only indicative."""
    import matplotlib.pyplot as plt
    from adjustText import adjust_text

    from .questionnaire import short_title
    from .satisfaction import QUADRANTS, UNSETTLED, settled_quadrants

    use_cjk_font()
    d = res.drivers.dropna(subset=["importance_r", "performance"])
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 5.5) if len(d) <= 10 else (8.5, 7))
    x, y = d["importance_r"].astype(float), d["performance"].astype(float)
    xm, ym = float(x.mean()), float(y.mean())
    hx = max(min_span[0] / 2, float((x - xm).abs().max()) * 1.25)
    hy = max(min_span[1] / 2, float((y - ym).abs().max()) * 1.25)
    ylo, yhi = ym - hy, ym + hy
    if yhi > 100:   # the index stops at 100
        ylo, yhi = ylo - (yhi - 100), 100.0
    ax.set_xlim(xm - hx, xm + hx)
    ax.set_ylim(ylo, yhi)
    ax.scatter(x, y, color="#4C72B0", zorder=3, s=28)
    ax.axvline(xm, color="#999999", linestyle="--", linewidth=1)
    ax.axhline(ym, color="#999999", linestyle="--", linewidth=1)
    corner = {(True, True): (0.98, 0.97, "right", "top"), (True, False): (0.98, 0.03, "right", "bottom"),
              (False, True): (0.02, 0.97, "left", "top"), (False, False): (0.02, 0.03, "left", "bottom")}
    settled = settled_quadrants(res).reindex(d.index)
    unsure = (settled == UNSETTLED).to_numpy()
    if unsure.any():   # an item whose quadrant is within noise: a hollow grey point, no quadrant claimed
        ax.scatter(x[unsure], y[unsure], facecolors="white", edgecolors="#8C8C8C", zorder=3.5, s=28)
    names = []
    for key, (cx, cy, ha, va) in corner.items():
        if (settled == QUADRANTS[key]).any():   # a quadrant is named only where an item is settled in it
            names.append(ax.text(cx, cy, QUADRANTS[key], transform=ax.transAxes, ha=ha, va=va, fontsize=11,
                                 color="#8C8C8C", fontweight="bold", zorder=1))
    texts = [ax.text(a, b, short_title(t), fontsize=9 if len(d) <= 10 else 8, zorder=4)
             for a, b, t in zip(x, y, d["item"])]
    if texts:
        adjust_text(texts, x=x.to_numpy(), y=y.to_numpy(), objects=names or None, ax=ax,
                    expand=(1.2, 1.6), force_text=(0.3, 0.5), arrowprops=dict(arrowstyle="-", color="#AAAAAA", lw=0.6),
                    iter_lim=2000, ensure_inside_axes=True)
        _separate(texts, ax)
    ax.set_xlabel("重要性（与总体满意度的相关系数）")
    ax.set_ylabel("表现（满意度指数，0–100）")
    ax.set_title("重要性—表现分析")
    if ipa_is_noise(res):
        ax.annotate("各题满意度指数相差不到一个95%置信区间的宽度，不作象限划分", xy=(0.5, -0.16),
                    xycoords="axes fraction", ha="center", va="top", fontsize=9, color="#C44E52")
    elif unsure.any():
        ax.annotate("空心点：与平均值的差距在95%置信区间以内，象限不确定", xy=(0.5, -0.16),
                    xycoords="axes fraction", ha="center", va="top", fontsize=9, color="#8C8C8C")
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
    # room right of the longest bar for its 「30/30」 label, inside the frame
    ax.set_xlim(0, max([float(s["points"]) for s in secs] + [1.0]) * 1.25)
    ax.set_xlabel("分")
    ax.set_title(f"绩效自评得分：{fmt_points(a.total)}分，{a.grade or '不予评级'}")
    legend_outside(ax)
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
    from .questionnaire import short_title

    ax.set_yticks(y, [short_title(i) for i in t["item"]], fontsize=9)
    ax.set_ylim(len(t) - 0.5, -0.5)
    ax.set_xlabel("满意率（%）")
    legend_outside(ax)
    ax.set_title(f"{labels[0]}与{labels[1]}满意率对比")
    return ax


def plot_group_trends(panel, outcome: str, group: str, period: str, ax=None, fmt=None,
                      mean_word: str = "均值"):
    """Mean of an outcome per group and period (村均), with 95% t intervals as whiskers; a share
    in percent (``fmt``: :class:`kit.change.OutcomeFormat`)."""
    import matplotlib.pyplot as plt

    from .stats import mean_ci

    use_cjk_font()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    k_scale = fmt.scale if fmt is not None and fmt.is_share else 1
    for k, (g, part) in enumerate(panel.groupby(group, sort=False)):
        rows = []
        for p, x in part.groupby(period)[outcome]:
            m = mean_ci(x.dropna().astype(float).to_numpy())
            rows.append((p, m.estimate * k_scale, (m.estimate - m.ci_low) * k_scale,
                         (m.ci_high - m.estimate) * k_scale))
        ps, ms, lo, hi = zip(*rows)
        ax.errorbar([float(p) + (k - 0.5) * 0.06 for p in ps], ms, yerr=[lo, hi], marker="o",
                    capsize=3, label=str(g))
    years = sorted({float(p) for p in panel[period].dropna().unique()})
    ax.set_xticks(years, [str(int(p)) for p in years])
    name = fmt.name if fmt is not None else outcome
    unit = ("%" if fmt.is_share else fmt.unit) if fmt is not None else ""
    ax.set_ylabel(f"{name}（{mean_word}{'，' + unit if unit else ''}）")
    ax.set_title(f"{name}：分组{mean_word}及95%置信区间")
    legend_outside(ax)
    return ax


def plot_event_study(es, outcome: str, ax=None, fmt=None, names: tuple[str, str] = ("项目组", "对照组")):
    """Programme-minus-comparison difference per period relative to the base period, with 95%
    intervals (errors clustered by unit)."""
    import matplotlib.pyplot as plt

    use_cjk_font()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    k = fmt.scale if fmt is not None and fmt.is_share else 1
    x = es["period"].astype(float)
    est = es["estimate"] * k
    ax.axhline(0, color="#999999", linewidth=1)
    ax.errorbar(x, est, yerr=[est - es["ci_low"] * k, es["ci_high"] * k - est],
                marker="o", capsize=3, color="#4C72B0")
    ax.set_xticks(x, [str(int(v)) for v in x])
    name = fmt.name if fmt is not None else outcome
    unit = ("个百分点" if fmt.is_share else fmt.unit) if fmt is not None else ""
    ax.set_ylabel(f"{names[0]}与{names[1]}之差（相对基期{'，' + unit if unit else ''}）")
    ax.set_title(f"事件研究：{name}")
    return ax


# ------------------------------------------------------------ every question (issue 18)
_BLUE, _GREY = "#4C72B0", "#555555"
NO_DATA = "本题没有有效回答，不绘制图表。"


def _wrap(text: str, width: int = 16) -> str:
    """Break a label into lines of at most ``width`` display units (a CJK character is two)."""
    from .render.text import display_width

    lines, cur = [], ""
    for ch in str(text):
        if display_width(cur + ch) > width * 2 and cur:
            lines.append(cur)
            cur = ""
        cur += ch
    lines.append(cur)
    return "\n".join(lines[:4]) + ("…" if len(lines) > 4 else "")


def _lines(labels) -> int:
    return sum(str(lb).count("\n") + 1 for lb in labels)


def _new_ax(ax, n_lines: int, width: float = 7.5, extra: float = 1.6):
    import matplotlib.pyplot as plt

    use_cjk_font()
    if ax is None:
        _, ax = plt.subplots(figsize=(width, max(2.2, 0.32 * n_lines + extra)))
    return ax


def _hbars(ax, labels, values, lo=None, hi=None, texts=None, xlabel="", title="", color=_BLUE):
    import numpy as np

    y = np.arange(len(values))
    ax.barh(y, values, color=color, alpha=0.9, height=0.6)
    right = np.asarray(values, dtype="float64")
    if lo is not None and hi is not None:
        lo, hi = np.asarray(lo, dtype="float64"), np.asarray(hi, dtype="float64")
        ax.errorbar(values, y, xerr=[np.clip(values - lo, 0, None), np.clip(hi - values, 0, None)],
                    fmt="none", ecolor=_GREY, capsize=3, linewidth=1)
        right = np.maximum(right, hi)
    top = float(np.nanmax(right)) if len(right) else 1.0
    for yi, x, t in zip(y, right, texts or []):
        ax.text(x + top * 0.02, yi, t, va="center", fontsize=9)
    ax.set_xlim(0, top * 1.32 if top > 0 else 1)
    ax.set_yticks(y, labels)
    ax.set_ylim(len(values) - 0.5, -0.5)        # first category on top, no empty band
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=11)
    ax.grid(axis="y", visible=False)
    return ax


def plot_question(res, ax=None):
    """The chart of one question's table (:class:`kit.descriptives.QuestionResult`): bars
    of the options chosen (share with its Wilson interval; multi-select: 普及率; ranking:
    综合得分), a 100% stacked bar per matrix row, a histogram of a numeric fill-in. Only
    categories with n > 0 are drawn. Returns the Axes, or None when there is nothing to draw
    (:data:`NO_DATA` says so); a text question's chart is :func:`plot_word_frequencies`."""
    from .fmt import fmt_number, fmt_percent

    if res.is_empty or res.kind in ("text", "personal"):
        return None
    title = _wrap(f"{res.label}（{res.kind_zh}）", 26)
    t = res.table
    if res.kind in ("single", "yesno", "scale", "multi"):
        share = "case_share" if res.kind == "multi" else "share"
        t = t[t["n"] > 0]
        labels = [_wrap(x) for x in t["option"]]
        ax = _new_ax(ax, _lines(labels))
        xlabel = (f"选择该项的人数占回答人数的比例（普及率，%）；n={res.base}" if res.kind == "multi"
                  else f"比例（%），线段为95%置信区间；样本量 n={res.base}")
        return _hbars(ax, labels, t[share].to_numpy() * 100, t["ci_low"].to_numpy() * 100,
                      t["ci_high"].to_numpy() * 100,
                      [f"{fmt_percent(p)}（{n}）" for p, n in zip(t[share], t["n"])], xlabel, title)
    if res.kind == "ranking":
        t = t[t["n_ranked"] > 0]
        labels = [_wrap(x) for x in t["option"]]
        ax = _new_ax(ax, _lines(labels))
        return _hbars(ax, labels, t["score"].to_numpy(), texts=[fmt_number(s, 2) for s in t["score"]],
                      xlabel=f"综合得分（权值＝{res.summary['positions']}−名次＋1）；n={res.base}", title=title)
    if res.kind == "matrix":
        return _plot_matrix(res, ax, title)
    if res.kind == "numeric":
        return _plot_numeric(res, ax, title)
    return None


def _rgb(color):
    from matplotlib.colors import to_rgb

    return to_rgb(color)


def _stacked(ax, row_labels, shares, col_labels, counts, legend_title=""):
    """100% stacked horizontal bars: one bar per row, a segment per column with n > 0."""
    import matplotlib.pyplot as plt
    import numpy as np

    from .fmt import fmt_number  # percentages in the segments rounded half up (12.5 -> 13)

    k = len(col_labels)
    palette = [plt.cm.RdYlBu(0.1 + 0.8 * i / max(1, k - 1)) for i in range(k)] if k > 2 else ["#4C72B0", "#DD8452"][:k]
    y = np.arange(len(row_labels))
    used = np.zeros(k, dtype=bool)
    for i in range(len(row_labels)):
        left = 0.0
        for j in range(k):
            if counts[i, j] <= 0:
                continue
            v = shares[i, j] * 100
            ax.barh(i, v, left=left, color=palette[j], height=0.6,
                    label=col_labels[j] if not used[j] else None)
            used[j] = True
            if v >= 8:
                r_, g_, b_ = palette[j][:3] if isinstance(palette[j], tuple) else _rgb(palette[j])
                dark = 0.299 * r_ + 0.587 * g_ + 0.114 * b_ < 0.5
                ax.text(left + v / 2, i, fmt_number(v, 0), ha="center", va="center", fontsize=8,
                        color="white" if dark else "black")
            left += v
    ax.set_yticks(y, row_labels)
    ax.set_ylim(len(row_labels) - 0.5, -0.5)
    ax.set_xlim(0, 100)
    handles, labels = ax.get_legend_handles_labels()
    order = sorted(range(len(labels)), key=lambda i: list(col_labels).index(labels[i]))
    ax.legend([handles[i] for i in order], [_wrap(labels[i], 8) for i in order], loc="upper left",
              bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8, title=legend_title or None,
              title_fontsize=8, alignment="left")   # a wrapped title and its entries aligned
    ax.grid(axis="y", visible=False)
    return ax


def _plot_matrix(res, ax, title):
    import numpy as np

    d = res.distribution
    rows = res.table[res.table["n"] > 0]
    if not len(rows):
        return None
    first = d.drop_duplicates("option")
    if first["score"].notna().all():           # colours run from the lowest score (red) to the highest (blue)
        first = first.sort_values("score", kind="stable")
    opts = list(first["option"])
    counts = np.array([[d[(d["row_id"] == r) & (d["option"] == o)]["n"].sum() for o in opts]
                       for r in rows["row_id"]], dtype="float64")
    shares = counts / counts.sum(axis=1, keepdims=True)
    labels = [_wrap(x) for x in rows["row"]]
    ax = _new_ax(ax, _lines(labels), width=8, extra=1.6)
    _stacked(ax, labels, shares, opts, counts)
    lo, hi = int(rows["n"].min()), int(rows["n"].max())
    ax.set_xlabel("各选项所占比例（%）；" + (f"每行样本量 n={lo}" if lo == hi else f"各行样本量 n={lo}–{hi}"))
    ax.set_title(title, fontsize=11)
    return ax


def _plot_numeric(res, ax, title):
    import numpy as np

    x = _numeric_values(res)
    if not len(x):
        return None
    ax = _new_ax(ax, 6)
    whole = np.all(x == np.round(x))
    span = x.max() - x.min()
    bins = np.arange(x.min() - 0.5, x.max() + 1.5) if whole and span <= 30 else "auto"
    ax.hist(x, bins=bins, color=_BLUE, alpha=0.9, rwidth=0.85 if whole and span <= 30 else None)
    from .fmt import fmt_number

    med = float(np.median(x))
    ax.axvline(med, color="#C44E52", linestyle="--", linewidth=1)
    unit = res.summary.get("unit") or ""
    ax.set_xlabel(f"数值{('（' + unit + '）') if unit else ''}；n={res.base}；红色虚线为中位数（{fmt_number(med, 0 if med == round(med) else 2)}）")
    ax.set_ylabel("人数")
    ax.set_title(title, fontsize=11)
    return ax


def _numeric_values(res):
    import numpy as np

    from .descriptives import numeric_answers

    if res.answers is None:
        return np.array([])
    vals, _, _ = numeric_answers(res.answers)
    return vals.to_numpy(dtype="float64")


def plot_crosstab(ct, ax=None):
    """The chart of a cross-tabulation (:class:`kit.crosstab.CrossTab`): 100% stacked bars of
    the row percentages (one bar per row category with n > 0); multi-select by group: one point
    per group and option chosen (普及率); numeric by group: a box per group. None when empty."""
    import numpy as np

    if ct.is_empty:
        return None
    title = _wrap(f"{ct.rows_title} × {ct.columns_title}", 26)
    if ct.kind == "categorical":
        labels = [_wrap(f"{x}（n={n}）") for x, n in zip(ct.counts.index, ct.counts.sum(axis=1))]
        ax = _new_ax(ax, _lines(labels), width=8, extra=1.6)
        _stacked(ax, labels, ct.row_share.to_numpy(), list(ct.counts.columns), ct.counts.to_numpy(),
                 legend_title=_wrap(ct.columns_title, 8))
        ax.set_xlabel(f"行百分比（%）；共{ct.base}份")
        ax.set_title(title, fontsize=11)
        return ax
    if ct.kind == "multi_by_group":
        import matplotlib.pyplot as plt

        share = ct.row_share if not ct.multi_on_rows else ct.row_share
        counts = ct.counts
        opts = [o for o in counts.columns if counts[o].sum() > 0]
        labels = [_wrap(o) for o in opts]
        ax = _new_ax(ax, _lines(labels), width=8, extra=1.6)
        groups = list(counts.index)
        colors = [plt.cm.tab10(i % 10) for i in range(len(groups))]
        for gi, g in enumerate(groups):
            pts = [(j, share.loc[g, o] * 100) for j, o in enumerate(opts) if counts.loc[g, o] > 0]
            if pts:
                ys, xs = zip(*pts)
                ax.scatter(xs, ys, color=colors[gi], label=f"{g}（n={int(ct.group_base[g])}）", zorder=3, s=28)
        ax.set_yticks(np.arange(len(opts)), labels)
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_xlabel("选择该项的人数占该组回答人数的比例（普及率，%）")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8,
                  title=_wrap(ct.rows_title if not ct.multi_on_rows else ct.columns_title, 8), title_fontsize=8)
        ax.set_title(title, fontsize=11)
        return ax
    if ct.kind == "numeric_by_group":
        s = ct.summary
        if not len(s):
            return None
        ax = _new_ax(ax, _lines(s["group"]) + 1)
        return _plot_numeric_groups(ct, ax, title)
    return None


def _plot_numeric_groups(ct, ax, title):
    labels = [_wrap(f"{g}（n={n}）") for g, n in zip(ct.summary["group"], ct.summary["n"])]
    ax.boxplot([ct.values[g] for g in ct.summary["group"]], orientation="horizontal", widths=0.5,
               medianprops={"color": "#C44E52"})
    ax.set_yticks(range(1, len(labels) + 1), labels)
    ax.invert_yaxis()
    ax.set_xlabel(_wrap(ct.columns_title, 30))
    ax.set_title(title, fontsize=11)
    return ax


def plot_word_frequencies(tr, top: int = 20, ax=None):
    """Bars of the words most answers use (:class:`kit.opentext.TextResult`); None when no
    answer has a word left after stop words."""
    from .descriptives import with_part
    from .fmt import fmt_percent

    w = tr.words.head(top)
    w = w[w["n_answers"] > 0]
    if tr.is_empty or not len(w):
        return None
    ax = _new_ax(ax, len(w))
    return _hbars(ax, list(w["word"]), w["n_answers"].to_numpy(),
                  texts=[f"{n}（{fmt_percent(p)}）" for n, p in zip(w["n_answers"], w["share"])],
                  xlabel=f"提到该词的回答数（共{tr.n_answered}条回答）",
                  title=_wrap(with_part(tr.title, "高频词"), 26))


def plot_wordcloud(tr, ax=None, top: int = 100):
    """A word cloud of the frequency table: an option, needs ``pip install '.[cloud]'``
    (wordcloud, MIT). The bar chart (:func:`plot_word_frequencies`) is the default."""
    import matplotlib.pyplot as plt

    from .descriptives import with_part
    from .errors import KitError

    try:
        from wordcloud import WordCloud
    except ImportError:
        raise KitError("词云需要 wordcloud 包：pip install -e '.[cloud]'（MIT 许可）；"
                       "默认的高频词条形图不需要它") from None
    w = tr.words.head(top)
    w = w[w["n_answers"] > 0]
    if tr.is_empty or not len(w):
        return None
    from matplotlib import font_manager

    font = font_manager.findfont(font_manager.FontProperties(family=use_cjk_font()))
    wc = WordCloud(font_path=font, width=900, height=500, background_color="white", random_state=0,
                   prefer_horizontal=1.0).generate_from_frequencies(dict(zip(w["word"], w["n_answers"])))
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 5))
    ax.imshow(wc, interpolation="bilinear")
    ax.set_axis_off()
    ax.set_title(_wrap(with_part(tr.title, "词云"), 30), fontsize=11)
    return ax


def text_overlaps(fig) -> list[tuple[str, str]]:
    """Pairs of visible texts of a figure whose boxes overlap (tick labels, annotations,
    titles, legend entries): a chart check."""
    from matplotlib.text import Text

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    items, seen = [], set()
    for t in fig.findobj(Text):
        if id(t) in seen or not t.get_visible() or not str(t.get_text()).strip():
            continue
        seen.add(id(t))
        if not t.get_visible():
            continue
        try:
            bb = t.get_window_extent(renderer)
        except (RuntimeError, ValueError):
            continue
        if bb.width > 0 and bb.height > 0:
            items.append((t.get_text(), bb.shrunk(0.97, 0.9)))
    out = []
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if items[i][1].overlaps(items[j][1]):
                out.append((items[i][0], items[j][0]))
    return out


__all__ += ["plot_question", "plot_crosstab", "plot_word_frequencies", "plot_wordcloud", "text_overlaps",
            "NO_DATA"]
