"""Charts fit to hand in (issue 19, item 5): IPA labels that do not overlap, quadrant names and
axes that do not turn noise into quadrants; legends off the data; whole-number count axes;
long category lists readable; titles without 「您的/您所在的」."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import kit  # noqa: E402
from kit import plots  # noqa: E402
from kit.satisfaction import QUADRANTS, settled_quadrants  # noqa: E402


@pytest.fixture(scope="module")
def samples():
    plots.set_theme()
    out = {}
    for name in ("poverty-alleviation", "village-residents"):
        proj = kit.load_project(f"surveys/{name}")
        r = proj.load()
        out[name] = (proj, r, kit.analyse_satisfaction(r, target=proj.targets.get("overall_satisfied"),
                                                       rank_tests=False))
    yield out
    plt.close("all")


def _labels(ax):
    return [t for t in ax.texts if t.get_text() not in QUADRANTS.values() and t.get_position()[1] is not None
            and not t.get_text().startswith(("各题满意度指数", "空心点"))]


@pytest.mark.parametrize("name", ["poverty-alleviation", "village-residents"])
def test_ipa_labels_do_not_overlap_and_quadrants_are_named(samples, name):
    _, _, res = samples[name]
    ax = plots.plot_ipa(res)
    labels = _labels(ax)
    assert len(labels) == len(res.drivers)                      # every item labelled
    assert plots.label_overlaps(labels, ax) == []
    names = {t.get_text() for t in ax.texts} & set(QUADRANTS.values())
    # a quadrant is named where an item is settled in it (继续保持 重点改进 维持现状 次要改进), never
    # where every item is within noise of the split
    assert names == set(settled_quadrants(res)) & set(QUADRANTS.values())
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    assert x1 - x0 >= 0.2 - 1e-9 and y1 - y0 >= 20 - 1e-9      # noise is not spread over the corners
    assert y1 <= 100
    assert "您" not in "".join(t.get_text() for t in labels) + ax.get_title()
    plt.close(ax.figure)


def test_ipa_says_when_quadrants_are_noise(samples):
    # poverty-alleviation: the four items' indices span 87.4-88.4, less than one item's 95% interval
    _, _, res = samples["poverty-alleviation"]
    items = res.items.set_index("column").loc[res.drivers["column"]]
    assert res.drivers["performance"].max() - res.drivers["performance"].min() < \
        (items["index_ci_high"] - items["index_ci_low"]).mean()
    assert plots.ipa_is_noise(res)
    ax = plots.plot_ipa(res)
    assert any("不作象限划分" in t.get_text() for t in ax.texts)
    assert not {t.get_text() for t in ax.texts} & set(QUADRANTS.values())   # no quadrant asserted
    assert set(settled_quadrants(res)) == {"象限不确定"}
    plt.close(ax.figure)


def test_ipa_quadrant_settled_only_beyond_both_intervals():
    """Three items, mean index (70 + 80 + 75)/3 = 75 and mean r (0.3 + 0.6 + 0.45)/3 = 0.45:
    A (r 0.3 [0.2, 0.4], index 70 [66, 74]) lies clearly below both means -> 次要改进;
    B (r 0.6 [0.5, 0.7], index 80 [76, 84]) clearly above both -> 继续保持;
    C (r 0.45, index 75 [71, 79]) straddles both means -> 象限不确定, though the split by the
    means alone would call it 继续保持 (75 ≥ 75, 0.45 ≥ 0.45)."""
    drivers = pd.DataFrame({"column": ["a", "b", "c"], "item": ["A", "B", "C"],
                            "importance_r": [0.3, 0.6, 0.45], "r_ci_low": [0.2, 0.5, 0.35],
                            "r_ci_high": [0.4, 0.7, 0.55], "performance": [70.0, 80.0, 75.0],
                            "quadrant": ["次要改进", "继续保持", "继续保持"]})
    items = pd.DataFrame({"column": ["a", "b", "c"], "index_ci_low": [66.0, 76.0, 71.0],
                          "index_ci_high": [74.0, 84.0, 79.0]})
    res = type("R", (), {"drivers": drivers, "items": items})()
    assert list(settled_quadrants(res)) == ["次要改进", "继续保持", "象限不确定"]
    ax = plots.plot_ipa(res)
    names = {t.get_text() for t in ax.texts} & set(QUADRANTS.values())
    assert names == {"次要改进", "继续保持"}
    plt.close(ax.figure)


def test_crowded_labels_are_separated():
    """Twenty items within a point of each other: still no two labels on top of each other."""
    rng = np.random.default_rng(1)
    n = 20
    drivers = pd.DataFrame({"column": [f"c{i}" for i in range(n)], "item": [f"第{i + 1}项村务工作" for i in range(n)],
                            "importance_r": 0.5 + rng.normal(0, 0.01, n), "performance": 73 + rng.normal(0, 0.5, n),
                            "quadrant": "继续保持"})
    items = pd.DataFrame({"column": drivers["column"], "index_ci_low": 70.0, "index_ci_high": 76.0})
    res = type("R", (), {"drivers": drivers, "items": items})()
    ax = plots.plot_ipa(res)
    assert plots.label_overlaps(_labels(ax), ax) == []
    plt.close(ax.figure)


def _legend_off_axes(ax) -> bool:
    fig = ax.figure
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    leg = ax.get_legend()
    return leg is None or not leg.get_window_extent(r).overlaps(ax.get_window_extent(r))


def _integer_ticks(axis) -> bool:
    ticks = [t for t in axis.get_majorticklocs() if t >= 0]
    return all(float(t).is_integer() for t in ticks)


@pytest.mark.parametrize("name", ["poverty-alleviation", "village-residents"])
def test_counts_legends_and_titles(samples, name):
    proj, r, res = samples[name]
    group = proj.questionnaire.groups[0]
    ax = plots.plot_responses_by_group(r, group)
    many = len(proj.questionnaire.by_id()[group].options) > 8
    assert _integer_ticks(ax.xaxis if many else ax.yaxis)
    assert _legend_off_axes(ax) and "您" not in ax.get_title()
    if many:   # 20 villages: one under the other, every name shown
        assert [t.get_text() for t in ax.get_yticklabels()][::-1][:3] == \
            [o.label for o in proj.questionnaire.by_id()[group].options][:3]
    plt.close(ax.figure)
    ax = plots.plot_durations(r)
    assert _integer_ticks(ax.yaxis)
    plt.close(ax.figure)
    ax = plots.plot_rates_by_group(res, group, res.overall["column"], target=proj.targets.get("overall_satisfied"))
    assert _legend_off_axes(ax) and ax.get_title().startswith("各") and "您" not in ax.get_title()
    assert len(ax.get_yticklabels()) == len(proj.questionnaire.by_id()[group].options)
    h = ax.figure.get_size_inches()[1]
    assert h >= 0.3 * len(ax.get_yticklabels())          # about a third of an inch per category
    plt.close(ax.figure)


def test_panel_charts_carry_units(tmp_path):
    from kit import change

    p = change.analyse_panel(kit.load_project("surveys/village-panel"))
    ax = plots.plot_group_trends(p.frame, "安全饮水覆盖率", "组别", p.period, fmt=p.formats["安全饮水覆盖率"],
                                 mean_word=p.mean_word)
    assert ax.get_ylabel() == "安全饮水覆盖率（村均，%）" and _legend_off_axes(ax)
    assert max(ax.get_ylim()) > 50          # a share drawn in percent, not 0-1
    plt.close(ax.figure)


@pytest.mark.parametrize("answers", [[3], [0, 10, 10, 7], [5, 5]])
def test_likert_axis_is_0_to_100_and_legend_apart(answers):
    """各题回答分布 (newcomer's 0-10 question answered 3分 by its only respondent; an evaluator found
    the diverging chart's left half empty when nearly all are satisfied): stacked from 0 to 100%,
    every bar adds to 100, ticks carry no minus sign, and no text overlaps (the axis title and
    the legend used to)."""
    from types import SimpleNamespace

    from kit.questionnaire import Option, Question, Questionnaire

    opts = [Option(code=i, label=f"{i}分", score=i) for i in range(11)]
    q = Question(id="q1", type="scale", title="整体满意度如何？", options=opts, satisfied=[8, 9, 10])
    qn = Questionnaire(title="t", questions=[q])
    r = SimpleNamespace(questionnaire=qn, valid=pd.DataFrame({"q1": pd.array(answers, dtype="Int64")}),
                        questions=pd.DataFrame({"column": ["q1"], "question_id": ["q1"], "row_label": [None]}))
    plots.set_theme()
    ax = plots.plot_likert(r, ["q1"])
    assert ax.get_xlim() == (0, 100)
    ends = [p.get_x() + p.get_width() for p in ax.patches]
    assert abs(max(ends) - 100) < 1e-9 and min(p.get_x() for p in ax.patches) == 0
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks and not any(t.startswith(("-", "−")) for t in ticks), ticks
    assert plots.text_overlaps(ax.figure) == []
    plt.close(ax.figure)


def test_rates_by_group_legend_names_only_what_is_drawn(samples):
    """A legend entry 「30份及以上」 when no group has 30 answers misleads (newcomer, 2 answers):
    with every group small only 「不足30份」 is listed; the sample's 身份 has both kinds."""
    import dataclasses

    _, _, res = samples["poverty-alleviation"]
    by, col = res.by_group, res.overall["column"]
    sel = by[by["column"] == col].groupby("group_by")["small_n"].agg(["any", "all"])
    g = sel[sel["any"] & ~sel["all"]].index[0]
    ax = plots.plot_rates_by_group(res, g, col)
    assert sorted(t.get_text() for t in ax.get_legend().get_texts()) == ["30份及以上", "不足30份"]
    plt.close(ax.figure)
    all_small = dataclasses.replace(res, by_group=by.assign(small_n=True))
    ax = plots.plot_rates_by_group(all_small, g, col)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["不足30份"]
    plt.close(ax.figure)


def test_section_score_labels_stay_inside_the_frame():
    """自评得分.png: the 「30/30」 label of the longest bar overran the plot frame (evaluator's look).
    The default sample's sections: 投入 15/15, 过程 23/25, 产出 30/30, 效果 30/30 (98分, 优秀)."""
    from decimal import Decimal
    from types import SimpleNamespace

    secs = [{"name": n, "points": Decimal(p), "score": Decimal(sc)}
            for n, p, sc in (("投入", 15, 15), ("过程", 25, 23), ("产出", 30, 30), ("效果", 30, 30))]
    a = SimpleNamespace(sections=secs, total=Decimal(98), grade="优秀")
    plots.set_theme()
    ax = plots.plot_section_scores(a)
    fig = ax.figure
    fig.canvas.draw()
    frame = ax.get_window_extent()
    labels = [t for t in ax.texts if "/" in t.get_text()]
    assert [t.get_text().strip() for t in labels] == ["15/15", "23/25", "30/30", "30/30"]
    assert all(t.get_window_extent().x1 <= frame.x1 for t in labels)
    plt.close(fig)
