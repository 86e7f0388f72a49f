"""Weighted, design-based estimates (kit.design) against published survey-software output."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kit
from kit.design import design_estimates, design_mean, load_population, poststratify
from kit.errors import ProjectError

REF = Path(__file__).parent / "fixtures" / "reference"


@pytest.fixture(scope="module")
def nhanes2():
    d = pd.read_csv(REF / "nhanes2.csv")
    d["psu"] = d["stratid"] * 10 + d["psuid"]  # PSUs are numbered within strata
    return d


def test_stratified_cluster_mean_matches_stata_manual(nhanes2):
    # Stata Survey Data Reference Manual, [SVY] svy estimation / [SVY] svy, example
    # `svyset psuid [pweight=finalwgt], strata(stratid)` then `svy: mean zinc`:
    #   Number of strata = 31, Number of PSUs = 62, Number of obs = 9,189, Design df = 31
    #   zinc | Mean 87.18207  Linearized Std. Err. .4944827  [95% CI 86.17356, 88.19057]
    d = nhanes2.dropna(subset=["zinc"])
    r = design_mean(d["zinc"], d["finalwgt"], cluster=d["psu"], strata=d["stratid"])
    assert r.estimate == pytest.approx(87.18207, abs=5e-6)
    assert r.se == pytest.approx(0.4944827, abs=5e-8)
    assert (r.ci_low, r.ci_high) == pytest.approx((86.17356, 88.19057), abs=5e-6)
    assert (r.n, r.df) == (9189, 31)


def test_missing_values_stay_in_the_design(nhanes2):
    # the same estimate when zinc's missing rows are kept: they leave the estimate, not the
    # design (Stata drops them the same way for svy: mean), so df stays 31
    r = design_mean(nhanes2["zinc"], nhanes2["finalwgt"], cluster=nhanes2["psu"],
                    strata=nhanes2["stratid"])
    assert r.se == pytest.approx(0.4944827, abs=5e-8)


def test_design_effect_is_kish_deft_squared(nhanes2):
    # deff = var_design / var_SRS-with-replacement, var_SRS = s_w^2 / n with the weighted
    # variance s_w^2 = n/(n-1) * sum w (y - ybar)^2 / sum w (Kish 1965; Stata's estat effects
    # with srssubpop off reports DEFT^2 on the same footing)
    d = nhanes2.dropna(subset=["zinc"])
    r = design_mean(d["zinc"], d["finalwgt"], cluster=d["psu"], strata=d["stratid"])
    w, y, n = d["finalwgt"].to_numpy(), d["zinc"].to_numpy(), len(d)
    m = (w * y).sum() / w.sum()
    s2 = n / (n - 1) * (w * (y - m) ** 2).sum() / w.sum()
    assert r.deff == pytest.approx(r.se**2 / (s2 / n), rel=1e-9)
    assert r.deff > 5  # NHANES II's large PSUs: a design effect the SRS formula would hide


def test_one_stage_cluster_sample_lohr():
    # Lohr, Sampling: Design and Analysis, Example 5.2 (GPA of 20 students in 5 suites of 4);
    # the R session of Lu & Lohr's companion prints the suite totals 12.16 11.36 8.96 12.96
    # 11.08 and var(totals) = s_t^2 = 2.25568. Mean 2.826; with-replacement
    # SE = sqrt(s_t^2 / (n * M^2)) = sqrt(2.25568 / 80) = 0.167917.
    gpa = [3.08, 2.60, 3.44, 3.04, 2.36, 3.04, 3.28, 2.68, 2.00, 2.56, 2.52, 1.88,
           3.00, 2.88, 3.44, 3.64, 2.68, 1.92, 3.28, 3.20]
    suite = np.repeat([1, 2, 3, 4, 5], 4)
    r = design_mean(gpa, np.full(20, 20.0), cluster=suite)
    assert r.estimate == pytest.approx(2.826)
    assert r.se == pytest.approx((2.25568 / 80) ** 0.5, rel=1e-6)
    assert r.df == 4  # clusters - 1


def test_share_interval_stays_inside_0_1():
    y = np.r_[np.ones(97), np.zeros(3)]
    r = design_mean(y, np.ones(100), cluster=np.arange(100) // 5, share=True)
    assert r.estimate == pytest.approx(0.97)
    assert 0 < r.ci_low < 0.97 < r.ci_high < 1


def test_poststratification_weights_add_up_to_the_population():
    cells = pd.Series(["甲村", "甲村", "乙村", "乙村", "乙村", None])
    w, notes = poststratify(cells, {"甲村": 100, "乙村": 300, "丙村": 50})
    assert w.iloc[:5].tolist() == [50.0, 50.0, 100.0, 100.0, 100.0]
    assert np.isnan(w.iloc[5])
    assert w.sum() == 400  # 丙村 had no answers: its 50 households are unrepresented …
    assert any("丙村" in n for n in notes) and any("1份" in n for n in notes)  # … and said so


def test_unknown_cell_is_an_error():
    with pytest.raises(ProjectError, match="丁村"):
        poststratify(pd.Series(["丁村"]), {"甲村": 100}, source="households.csv")


def test_population_file_errors_name_row_and_column(tmp_path):
    f = tmp_path / "households.csv"
    f.write_text("村,户数\n甲村,100\n乙村,很多\n", encoding="utf-8")
    with pytest.raises(ProjectError) as e:
        load_population(f, "村", "户数")
    assert "第3行" in str(e.value) and "户数" in str(e.value) and "households.csv" in str(e.value)
    f.write_text("村,户数\n甲村,100\n甲村,50\n", encoding="utf-8")
    with pytest.raises(ProjectError, match="重复"):
        load_population(f, "村", "户数")
    with pytest.raises(ProjectError, match="缺少列"):
        load_population(f, "行政村", "户数")


def test_equal_weights_unclustered_reduce_to_the_srs_mean():
    # with equal weights and no clusters the design SE is the ordinary s / sqrt(n)
    rng = np.random.default_rng(1)
    y = rng.normal(size=200)
    r = design_mean(y, np.ones(200))
    assert r.se == pytest.approx(y.std(ddof=1) / np.sqrt(200), rel=1e-9)
    assert r.deff == pytest.approx(1.0)


def test_poverty_alleviation_weighted_estimates():
    proj = kit.load_project("surveys/poverty-alleviation")
    r = proj.load()
    design = proj.survey_design(r)
    assert design.weights.sum() == pytest.approx(
        pd.read_csv(proj.root / "households.csv")["户数"].sum())
    res = kit.analyse_satisfaction(r, design=design, rank_tests=False)
    top = res.weighted[(res.weighted["role"] == "overall") & (res.weighted["measure"] == "share")].iloc[0]
    # every village of households.csv has answers: villages are strata, not sampled clusters
    assert top["n"] == 412 and top["n_strata"] == 80 and design.cluster is None
    assert design.units == ("总体中的80个行政村都有答卷，行政村不是抽出来的样本，"
                            "因此按行政村分层（而不是以行政村为群）计算标准误。")
    assert top["ci_low"] < top["estimate"] < top["ci_high"] <= 1
    # the weighted share is the household-weighted mean of village shares, by hand:
    v = r.valid
    sat = v["overall"].isin([4, 5])
    labels = v["village"].map({o.code: o.label for o in proj.questionnaire.by_id()["village"].options})
    hh = pd.read_csv(proj.root / "households.csv").set_index("村")["户数"]
    by_village = sat.groupby(labels).mean()
    assert top["estimate"] == pytest.approx((by_village * hh[by_village.index]).sum()
                                            / hh[by_village.index].sum())
    assert any("加权后的总体满意率" in s and "设计效应" in s for s in res.sentences)
    # the published unweighted figures are untouched
    assert (res.overall["n_valid"], res.overall["n_satisfied"]) == (412, 405)


def test_weights_key_is_validated(tmp_path):
    import shutil

    src = Path(kit.load_project("surveys/poverty-alleviation").root)
    dst = tmp_path / "p"
    shutil.copytree(src, dst)
    y = (dst / "project.yml").read_text(encoding="utf-8")
    (dst / "project.yml").write_text(y.replace("cluster: village", "cluster: hamlet"), encoding="utf-8")
    with pytest.raises(ProjectError, match="weights.cluster"):
        kit.load_project(dst)


def test_design_estimates_many_columns_in_one_pass(nhanes2):
    d = nhanes2.copy()
    out = design_estimates(d, ["zinc", "highbp"], weight="finalwgt", cluster="psu",
                           strata="stratid", shares=["highbp"])
    assert list(out["column"]) == ["zinc", "highbp"]
    assert out.loc[0, "se"] == pytest.approx(0.4944827, abs=5e-8)
    assert 0 < out.loc[1, "ci_low"] < out.loc[1, "estimate"] < out.loc[1, "ci_high"] < 1


# ------------------------------------------------------------------ issue 10, item 10
# Strata with a single PSU. R's survey::svyCprod documents the rules ("adjust": the lonely
# PSU is centred at the grand mean rather than the stratum mean; "average": its contribution
# replaced by the average of the other strata, i.e. the sum scaled by strata / strata-with-
# variance; "remove"/"certainty": contributes 0); Stata's singleunit(centered|scaled|certainty)
# are the same. The hand computation below writes the linearised variance of a weighted mean
# out: z_i = w_i (y_i - ybar) / sum(w), V = sum_h n_h/(n_h - 1) sum_i (z_hi - zbar_h)^2.
LONELY_Y = [3, 5, 4, 2, 5, 1, 4]
LONELY_W = [10, 10, 20, 20, 15, 15, 30]
LONELY_S = ["A", "A", "B", "B", "C", "C", "D"]      # stratum D holds one PSU


def _lonely_by_hand():
    y, w, s = np.array(LONELY_Y, float), np.array(LONELY_W, float), np.array(LONELY_S)
    ybar = (w * y).sum() / w.sum()                   # 205/60 = 3.41667
    z = w * (y - ybar) / w.sum()
    v = sum(2 * ((z[s == h] - z[s == h].mean()) ** 2).sum() for h in "ABC")
    return ybar, v, z[s == "D"][0]


@pytest.mark.parametrize("rule", ["adjust", "average", "remove", "certainty"])
def test_lonely_psu_rules_by_hand(rule):
    ybar, v, z_d = _lonely_by_hand()
    expected = {"adjust": v + z_d ** 2, "average": v * 4 / 3, "remove": v, "certainty": v}[rule]
    r = design_mean(LONELY_Y, LONELY_W, cluster=np.arange(7), strata=LONELY_S, lonely_psu=rule)
    assert r.estimate == pytest.approx(205 / 60)
    assert r.se == pytest.approx(np.sqrt(expected), rel=1e-9)


def test_lonely_psu_default_is_adjust_and_fail_is_a_chinese_error():
    ybar, v, z_d = _lonely_by_hand()
    r = design_mean(LONELY_Y, LONELY_W, cluster=np.arange(7), strata=LONELY_S)
    assert r.se == pytest.approx(np.sqrt(v + z_d ** 2), rel=1e-9)    # svy's SingletonError before
    from kit.errors import KitError
    with pytest.raises(KitError, match="层「D」中只有一个群.*lonely_psu: fail.*adjust"):
        design_mean(LONELY_Y, LONELY_W, cluster=np.arange(7), strata=LONELY_S, lonely_psu="fail")


def _sampled_villages(r, proj):
    """Keep the answers of a sample of villages: all of 城关镇's but one, two elsewhere."""
    q = proj.questionnaire.by_id()
    town = r.valid["township"].map({o.code: o.label for o in q["township"].options})
    keep = []
    for t, part in r.valid.groupby(town):
        villages = sorted(part["village"].unique())
        keep += list(part.index[part["village"].isin(villages[:1] if t == "城关镇" else villages[:2])])
    import dataclasses
    return dataclasses.replace(r, data=r.data.loc[keep], missing=r.missing.loc[keep],
                               quality=r.quality[r.quality.index.isin(keep)])


def test_township_with_one_sampled_village_is_adjusted_and_said(tmp_path):
    proj = kit.load_project("surveys/poverty-alleviation")
    r = _sampled_villages(proj.load(), proj)
    design = proj.survey_design(r)
    assert (design.cluster, design.strata, design.lonely_psu) == ("village", "township", "adjust")
    assert design.units == "总体80个行政村中有11个有答卷，是抽出来的样本，因此以行政村为群计算标准误。"
    res = kit.analyse_satisfaction(r, design=design, rank_tests=False)   # SingletonError before
    note = res.weighted.attrs["note"]
    assert '只有一个行政村的层（城关镇）以总体均值为中心计算其方差（R survey包 lonely.psu = "adjust"' in note
    from kit import tables
    assert tables.weighted_table(res).attrs["note"] == note
    from openpyxl import load_workbook
    wb = load_workbook(tables.write_satisfaction_workbook(res, tmp_path / "满意度分析.xlsx"))
    ws = wb["加权估计"]
    # the note names R and Stata: under the table a pointer, the note itself on 方法说明, the
    # method in plain Chinese first and the software settings after
    assert ws.cell(ws.max_row, 1).value == "注：计算方法见「方法说明」工作表第1条。"
    method = [c.value for c in wb["方法说明"][3]]
    assert method[1] == "加权估计" and "只有一个行政村的层（城关镇）以总体均值为中心计算其方差。" in method[2]
    assert "Stata" not in method[2] and 'R survey包 lonely.psu = "adjust"' in method[3]
    assert design.units in res.sentences
    from helpers import copy_sample, edit_yaml

    from kit.errors import KitError
    p = copy_sample("poverty-alleviation", tmp_path / "p")
    edit_yaml(p / "project.yml", lambda d: d["weights"].update(lonely_psu="fail"))
    failing = kit.load_project(p)
    with pytest.raises(KitError, match="城关镇.*lonely_psu: fail"):
        kit.analyse_satisfaction(r, design=failing.survey_design(r), rank_tests=False)


def test_lonely_psu_key_is_validated(tmp_path):
    from helpers import copy_sample, edit_yaml

    p = copy_sample("poverty-alleviation", tmp_path / "p")
    edit_yaml(p / "project.yml", lambda d: d["weights"].update(lonely_psu="centre"))
    with pytest.raises(ProjectError, match="weights.lonely_psu.*centre.*adjust"):
        kit.load_project(p)
    edit_yaml(p / "project.yml", lambda d: d["weights"].update(lonely_psu="average"))
    proj = kit.load_project(p)
    assert proj.survey_design(proj.load()).lonely_psu == "average"
    from kit.design import LONELY_PSU
    from kit.definitions.project import WeightsSpec
    assert WeightsSpec.model_fields["lonely_psu"].default == "adjust" and len(LONELY_PSU) == 5


def test_villages_as_strata_by_hand_on_the_sample():
    # every village surveyed: strata = villages, each answer its own PSU; the linearised
    # variance of the weighted share written out (formula above) against the kit's SE.
    proj = kit.load_project("surveys/poverty-alleviation")
    r = proj.load()
    design = proj.survey_design(r)
    res = kit.analyse_satisfaction(r, design=design, rank_tests=False)
    top = res.weighted[(res.weighted["role"] == "overall") & (res.weighted["measure"] == "share")].iloc[0]
    v = r.valid
    w = design.weights.reindex(v.index).to_numpy()
    y = v["overall"].isin([4, 5]).to_numpy(float)
    z = w * (y - (w * y).sum() / w.sum()) / w.sum()
    var = 0.0
    for _, idx in pd.Series(range(len(v)), index=v.index).groupby(v["village"].to_numpy()):
        zh = z[idx.to_numpy()]
        var += len(zh) / (len(zh) - 1) * ((zh - zh.mean()) ** 2).sum()
    assert top["se"] == pytest.approx(np.sqrt(var), rel=1e-9)
    # treating the villages as sampled clusters (within townships) gave a smaller SE: the
    # old note's 「偏保守」 was not true of this sample
    old = design_mean(y, w, cluster=v["village"], strata=v["township"], share=True)
    assert old.se < top["se"]
