"""Before-after wording (issue 19, item 3): a share's change in 个百分点, means over villages
labelled 村均, units from ``panel: outcomes:``, and a baseline imbalance (|standardised
difference| > 0.25) stated beside the effect. Hand computations with fractions on a toy panel."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import kit
from kit import change, tables
from kit.change import OutcomeFormat
from kit.errors import ProjectError

from helpers import copy_sample, edit_yaml


def _toy():
    # two comparison villages (9, 11 -> 11, 13) and two programme villages (7, 9 -> 13, 15);
    # coverage as a share 0-1: comparison 0.60, 0.62 -> 0.64, 0.66; programme 0.50, 0.52 -> 0.70, 0.72
    return pd.DataFrame({"村": ["a", "b", "c", "d"] * 2, "年份": [2013] * 4 + [2016] * 4,
                         "treated": [0, 0, 1, 1] * 2, "组别": ["对照村", "对照村", "项目村", "项目村"] * 2,
                         "收入": [9, 11, 7, 9, 11, 13, 13, 15],
                         "覆盖率": [0.60, 0.62, 0.50, 0.52, 0.64, 0.66, 0.70, 0.72]})


def test_units_percentage_points_and_village_means_by_hand():
    d = _toy()
    formats = {"收入": OutcomeFormat("人均纯收入", "元"), "覆盖率": OutcomeFormat("安全饮水覆盖率", "", 100)}
    did = change.did_table(d, ["收入", "覆盖率"], "treated", "年份", 2013, 2016)
    bal = change.balance_table(d[d["年份"] == 2013], "treated", ["收入", "覆盖率"])
    s = change.panel_sentences(did, 4, 2013, 2016, formats=formats, balance=bal, names=("项目村", "对照村"))
    # 收入: programme 8 -> 14 (+6), comparison 10 -> 12 (+2): DiD +4 元; baseline difference 8 − 10 = −2,
    # SDs √2 each: standardised difference −2/√2 = −1.414…, |·| = 1.41 > 0.25
    assert s[0].startswith("人均纯收入：2013—2016年项目村村均变化+6.00元，对照村村均变化+2.00元，双重差分估计的项目效果为+4.00元")
    assert "基期两组不均衡（项目村村均8.00元，对照村村均10.0元，标准化差值的绝对值1.41超过0.25）" in s[0]
    assert abs(bal.iloc[0]["normalized_difference"]) == pytest.approx(2 / math.sqrt(2))
    # 覆盖率: programme 0.51 -> 0.71 (+20 points), comparison 0.61 -> 0.65 (+4 points): DiD +16.0个百分点
    assert s[1].startswith("安全饮水覆盖率：2013—2016年项目村村均变化+20.0个百分点，对照村村均变化+4.0个百分点，"
                           "双重差分估计的项目效果为+16.0个百分点")
    assert "+0.16" not in s[1] and "+0.2" not in s[1]
    t = tables.change_display(change.change_table(d, "村", "年份", ["收入", "覆盖率"], 2013, 2016, group="组别"),
                              formats, "村均")
    row = t[(t["组别"] == "项目村") & (t["指标"] == "安全饮水覆盖率")].iloc[0]
    assert (row["基期（村均）"], row["末期（村均）"], row["变化"], row["变化率"]) == ("51.0%", "71.0%", "+20.0个百分点", "—")


def test_balanced_outcome_gets_no_note():
    bal = pd.DataFrame({"outcome": ["收入"], "normalized_difference": [0.25], "mean_treated": [10.0],
                        "mean_comparison": [9.5]})
    did = pd.DataFrame({"outcome": ["收入"], "change_treated": [3.0], "change_comparison": [1.0], "did": [2.0],
                        "ci_low": [1.0], "ci_high": [3.0], "p_value": [0.01], "p_value_wild": [None]})
    s = change.panel_sentences(did, 40, 2013, 2016, balance=bal)
    assert "不均衡" not in " ".join(s)     # 0.25 is not above 0.25


def test_outcome_units_in_project_yml(tmp_path):
    p = kit.load_project("surveys/village-panel")
    assert [(o.column, o.unit) for o in p.spec.panel.outcomes] == [
        ("人均纯收入", "元"), ("贫困户数", "户"), ("村集体经济收入", "万元"), ("安全饮水覆盖率", "比例")]
    assert p.panel["outcomes"] == ["人均纯收入", "贫困户数", "村集体经济收入", "安全饮水覆盖率"]
    assert p.spec.panel.outcomes[3].share_scale == 100
    # a plain column name still works; a unit with a digit is refused naming the key
    q = copy_sample("village-panel", tmp_path / "p")
    edit_yaml(q / "project.yml", lambda d: d["panel"].update(outcomes=["人均纯收入", {"column": "贫困户数", "unit": "10户"}]))
    with pytest.raises(ProjectError, match=r"键「panel.outcomes\[1\].unit」"):
        kit.load_project(q)
    edit_yaml(q / "project.yml", lambda d: d["panel"].update(outcomes=["人均纯收入", {"column": "贫困户数", "label": "贫困户"}]))
    r = change.analyse_panel(kit.load_project(q), events=False)
    assert r.sentences[1].startswith("贫困户：2013—2016年项目村村均变化−88.4，")


def test_sample_panel_sentences():
    r = change.analyse_panel(kit.load_project("surveys/village-panel"), events=False)
    text = " ".join(r.sentences)
    assert "项目村村均变化+6077元" in text and "双重差分估计的项目效果为+14.1个百分点" in text
    assert text.count("基期两组不均衡") == 3     # 人均纯收入 1.00, 贫困户数 0.27, 安全饮水覆盖率 0.47


def test_one_baseline_one_figure_in_every_table():
    """The 40 comparison villages' 2013 collective income sums to 81.40 万元 exactly: the mean is
    2.035, written 2.04 (四舍五入). The table of changes and the balance table must both say 2.04
    (pandas' two summation orders gave 2.035 and 2.0349999999999997, printed 2.04 and 2.03)."""
    from decimal import Decimal
    from fractions import Fraction

    raw = pd.read_csv(kit.load_project("surveys/village-panel").root / "panel.csv", dtype=str)
    base = raw[(raw["年份"] == "2013") & (raw["组别"] == "对照村")]["村集体经济收入"]
    exact = sum(Fraction(Decimal(v)) for v in base) / len(base)
    assert exact == Fraction(2035, 1000)
    r = change.analyse_panel(kit.load_project("surveys/village-panel"), events=False)
    f = r.formats["村集体经济收入"]
    chg = r.changes[(r.changes["outcome"] == "村集体经济收入") & (r.changes["group"] == "对照村")]["baseline"].iloc[0]
    bal = r.balance.set_index("outcome").loc["村集体经济收入", "mean_comparison"]
    assert f.level(chg) == f.level(bal) == "2.04万元"
