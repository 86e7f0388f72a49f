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
    assert top["n"] == 412 and top["n_clusters"] == 80
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
