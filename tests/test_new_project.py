"""``kit new``: a project folder from downloaded exports, and the steps that keep it runnable.

Expected values come from the files themselves: the 800 pair has 800 rows in each file with
the same 序号 (read with fastexcel here), the 357 pair 204 rows; the small 问卷星 files written
below hold the dates and answers the assertions name.
"""

from __future__ import annotations

import os
import shutil

import pytest
import yaml

from kit.errors import KitError, ProjectError
from kit.newproject import new_project, sync_notebooks
from kit.project import load_project


def _wjx_csv(path, year: int, n: int, scale=True) -> None:
    """A 问卷星 按文本 download in its current CSV layout (synthetic answers)."""
    labels = ["非常满意", "满意", "一般", "不满意", "非常不满意"]
    head = "序号,提交答卷时间,所用时间,来源,来源详情,来自IP,1、您的身份,2、您对本村党建工作的总体满意度"
    rows = [f"{i},{year}/5/{1 + i % 28} 10:00:00,{100 + i}秒,手机提交,直接访问,(北京-北京),"
            f"{'党员' if i % 3 else '群众'},{labels[i % 5] if scale else ('经常', '偶尔', '从不')[i % 3]}"
            for i in range(1, n + 1)]
    path.write_text("\n".join([head] + rows) + "\n", encoding="utf-8")


def test_a_wjx_pair_is_one_wave_copied_read_only(tmp_path, exports):
    import fastexcel

    down = tmp_path / "downloads"
    down.mkdir()
    for f in ("wjx_reportgen_800_800_0_text.xls", "wjx_reportgen_800_800_2_codes.xls"):
        shutil.copyfile(exports / f, down / f)
    made = new_project(str(tmp_path / "p800"), [str(down)])
    assert len(made.waves) == 1
    w = made.waves[0]
    assert (w.export.path.name, w.codes.path.name) == ("wjx_reportgen_800_800_0_text.xls",
                                                      "wjx_reportgen_800_800_2_codes.xls")
    raw = sorted((made.root / "raw").iterdir())
    assert [os.stat(f).st_mode & 0o777 for f in raw] == [0o444, 0o444]
    assert [f.read_bytes() for f in raw] == [(down / f.name).read_bytes() for f in raw]
    proj = load_project(made.root)               # valid against kit.definitions
    assert proj.pepper == made.pepper and len(made.pepper) == 16   # real data: its own hashing key
    r = proj.load()
    assert not any("pepper" in n for n in r.info.notes)
    n = len(fastexcel.read_excel(str(exports / "wjx_reportgen_800_800_2_codes.xls")).load_sheet(0).to_pandas())
    assert r.n_total == n == 800 and r.info.variant == "pair"
    assert proj.notebooks == ["01_load_and_check"] + [x for x in proj.notebooks if x.startswith("07_")]
    text = (made.root / "project.yml").read_text(encoding="utf-8")
    assert "# 调查轮次" in text and "按“序号”配对" in text          # comments in Chinese
    assert "raw/" in (made.root / ".gitignore").read_text(encoding="utf-8")
    assert "wjx_reportgen_800_800_0_text.xls" in (made.root / "DATA_LOG.md").read_text(encoding="utf-8")
    lines = "\n".join(made.lines())
    # outside surveys/, make names the folder with PROJECT=
    assert f"make codebook PROJECT={made.root}" in lines and "目前还没有满意度题" in lines
    # the profile questions are proposed as groups
    assert [made.questionnaire.by_id()[g].title for g in made.groups] == ["性别", "年龄", "月收入"]


def test_two_surveys_are_two_waves_ordered_by_submission_dates(tmp_path):
    a, b = tmp_path / "later_按文本_调查_30_30.csv", tmp_path / "earlier_按文本_调查_20_20.csv"
    _wjx_csv(a, 2024, 30)
    _wjx_csv(b, 2022, 20)
    made = new_project(str(tmp_path / "two"), [str(a), str(b)])     # given later first
    assert [(w.id, w.export.n) for w in made.waves] == [("w2022", 20), ("w2024", 30)]
    assert any("按提交答卷时间排序" in n for n in made.notes)
    proj = load_project(made.root)
    assert [w.label for w in proj.waves] == ["2022年调查", "2024年调查"]
    assert proj.current_wave.id == "w2024"
    # a recognised satisfaction scale: 02 (and 04 for two waves) chosen
    assert {"01_load_and_check", "02_satisfaction", "04_before_after"} <= set(proj.notebooks)
    q = proj.questionnaire.by_id()["q2"]
    assert q.role == "overall" and made.overall == "q2"          # its title says 总体
    assert q.type == "scale" and sorted(o.label for o in q.options if o.code in q.satisfied) == sorted(["非常满意", "满意"])


def test_without_dates_the_order_given_is_kept_and_said(tmp_path, exports):
    files = [exports / "wjx_reportgen_357_357_0_text.xls", exports / "wjx_reportgen_800_800_0_text.xls"]
    made = new_project(str(tmp_path / "x"), [str(f) for f in files])
    assert [(w.id, w.export.path.name, w.export.n) for w in made.waves] == [
        ("w1", files[0].name, 204), ("w2", files[1].name, 800)]
    assert any("无法从提交答卷时间判断各轮先后" in n for n in made.notes)
    # two different questionnaires cannot share the codebook drafted from the current wave
    assert len(made.warnings) == 1 and made.warnings[0].startswith("w1（") and "分别用 make new" in made.warnings[0]


def test_a_scores_download_of_the_same_answers_is_kept_but_not_used(tmp_path):
    text = tmp_path / "1_按文本_调查_10_10.csv"
    _wjx_csv(text, 2024, 10)
    codes = tmp_path / "1_按序号_调查_10_10.csv"
    src = text.read_text(encoding="utf-8").splitlines()
    code_of = {"党员": 1, "群众": 2, "非常满意": 5, "满意": 4, "一般": 3, "不满意": 2, "非常不满意": 1}
    out = [src[0]] + [",".join(c if j < 6 else str(code_of[c]) for j, c in enumerate(r.split(",")))
                      for r in src[1:]]
    codes.write_text("\n".join(out) + "\n", encoding="utf-8")
    scores = tmp_path / "1_按分数_调查_10_10.csv"
    scores.write_text("\n".join(out) + "\n", encoding="utf-8")
    made = new_project(str(tmp_path / "p"), [str(scores), str(codes), str(text)])
    assert len(made.waves) == 1
    w = made.waves[0]
    assert (w.export.variant, w.codes.variant, [d.variant for d in w.same]) == ("text", "codes", ["scores"])
    assert len(list((made.root / "raw").iterdir())) == 3
    assert load_project(made.root).load().n_total == 10


def test_refusals_name_what_to_do(tmp_path):
    with pytest.raises(KitError, match="只能用字母、数字、汉字"):
        new_project("my survey", [str(tmp_path)])
    with pytest.raises(KitError, match="文件不存在"):
        new_project(str(tmp_path / "p"), [str(tmp_path / "nothing.xlsx")])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(KitError, match="文件夹中没有问卷导出文件"):
        new_project(str(tmp_path / "p"), [str(empty)])
    f = tmp_path / "a_按文本_x_5_5.csv"
    _wjx_csv(f, 2024, 5)
    new_project(str(tmp_path / "p"), [str(f)])
    with pytest.raises(ProjectError, match="项目已存在"):
        new_project(str(tmp_path / "p"), [str(f)])
    first = load_project(tmp_path / "p").pepper
    new_project(str(tmp_path / "p"), [str(f)], force=True)  # the same raw file again is fine
    assert load_project(tmp_path / "p").pepper == first     # made again, the key is kept


def test_sync_adds_notebooks_keeping_comments(tmp_path):
    f = tmp_path / "a_按文本_x_12_12.csv"
    _wjx_csv(f, 2024, 12, scale=False)
    made = new_project(str(tmp_path / "p"), [str(f)])
    assert "02_satisfaction" not in load_project(made.root).notebooks
    yml = made.root / "questionnaire.yml"
    d = yaml.safe_load(yml.read_text(encoding="utf-8"))
    q2 = next(q for q in d["questions"] if q["id"] == "q2")
    for o in q2["options"]:
        o["score"] = {"经常": 3, "偶尔": 2, "从不": 1}[o["label"]]
    q2.update(type="scale", satisfied=[next(o["code"] for o in q2["options"] if o["label"] == "经常")])
    yml.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    assert sync_notebooks(made.root) == ["02_satisfaction"]
    text = (made.root / "project.yml").read_text(encoding="utf-8")
    assert "# 调查轮次" in text and "  - 02_satisfaction  # 满意度与知晓率" in text
    assert sync_notebooks(made.root) == []   # nothing more to add


def test_indicator_workbook_in_the_downloads_and_init_indicators_project(tmp_path):
    from kit.newproject import attach_indicators
    from kit.runsummary import pending_notebooks

    root = tmp_path / "sa"
    paths, added = attach_indicators(str(root), "2013")
    assert added == ["03_self_assessment"] and (root / "project.yml") in paths
    proj = load_project(root)                 # a project kit report runs
    assert proj.notebooks == ["03_self_assessment"] and proj.indicators.name == "indicators.xlsx"
    assert "还没有填写指标" in pending_notebooks(proj)["03_self_assessment"]
    # the same blank workbook given to kit new beside a survey export is recognised as indicators
    f = tmp_path / "d" / "a_按文本_x_8_8.csv"
    f.parent.mkdir()
    _wjx_csv(f, 2024, 8)
    shutil.copyfile(root / "indicators.xlsx", f.parent / "指标表.xlsx")
    made = new_project(str(tmp_path / "both"), [str(f.parent)])
    proj = load_project(made.root)
    assert proj.indicators.name == "指标表.xlsx" and "03_self_assessment" in proj.notebooks
    meth = yaml.safe_load((made.root / "method.yml").read_text(encoding="utf-8"))
    assert meth["framework"] == "2013" and meth["sections"] == {"投入": 20, "过程": 20, "产出": 30, "效果": 30}


@pytest.fixture(autouse=True)
def _own_config(tmp_path, monkeypatch):
    """kit new keeps each project's pepper under $XDG_CONFIG_HOME: the test's own folder."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
