"""The two-wave residents' survey sample: waves, panel share, reproducible generator."""

from __future__ import annotations


import pandas as pd

import kit
from kit.paths import ROOT

SAMPLE = ROOT / "surveys" / "village-residents"


def test_two_waves_with_a_sixty_percent_panel():
    proj = kit.load_project(SAMPLE)
    base, follow = proj.load("w2019"), proj.load("w2021")
    assert (base.n_total, base.n_excluded, follow.n_total, follow.n_excluded) == (600, 3, 600, 3)
    assert sorted(base.quality.loc[base.quality["excluded"], "response_id"]) == [34, 426, 465]
    # same 受访者编号 -> same salted hash on one machine: 360 of 600 follow-up respondents
    both = set(base.data["respondent_hash"]) & set(follow.data["respondent_hash"])
    assert len(both) == 360
    assert "respondent" not in base.data and not base.data["respondent_hash"].str.startswith("R").any()


def test_twenty_items_in_five_dimensions_with_reliability():
    res = kit.analyse_satisfaction(kit.load_project(SAMPLE).load("w2021"))
    assert len(res.items) == 21 and len(res.dimensions) == 5 and len(res.reliability) == 5
    assert (res.reliability["n_items"] == 4).all()
    assert set(res.drivers["quadrant"]) <= {"继续保持", "重点改进", "维持现状", "次要改进"}


def test_generator_is_reproducible(tmp_path, run_script):
    assert run_script("village-residents/generate.py", tmp_path) == {"w2019": [34, 426, 465], "w2021": [222, 279, 444]}
    for new in sorted((tmp_path / "raw").glob("*.xlsx")):
        old = SAMPLE / "raw" / new.name
        pd.testing.assert_frame_equal(kit.io.table.read_table(new).body,
                                      kit.io.table.read_table(old).body)
