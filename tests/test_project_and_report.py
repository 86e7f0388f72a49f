from __future__ import annotations

import subprocess
import sys
import warnings

import pandas as pd
import pytest

import kit
from kit.paths import ROOT

SAMPLE = ROOT / "surveys" / "poverty-alleviation"


def test_sample_project_reproduces_published_figures():
    proj = kit.load_project("surveys/poverty-alleviation")
    r = proj.load()
    # the county's report: 420 answered calls, 8 excluded, 412 valid, 405 satisfied (98.3%)
    assert (r.n_total, r.n_excluded, r.n_valid) == (420, 8, 412)
    assert int(r.satisfied().sum()) == 405
    assert round(405 / 412 * 100, 1) == 98.3
    ex = r.quality[r.quality["excluded"]]
    assert sorted(ex["response_id"]) == [97, 133, 179, 197, 206, 255, 267, 311]  # DATA_LOG.md
    assert r.data["village"].nunique() == 80 and r.data["township"].nunique() == 6
    assert (r.missing["aware_policy"] == "skipped").sum() == 6


def test_no_personal_data_in_loaded_sample():
    r = kit.load_project(SAMPLE).load()
    text = r.data.astype(str).to_csv()
    import re
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text)        # phones
    assert not re.search(r"\d{17}[\dX]", text)                     # 身份证
    assert not re.search(r"\d+\.\d+\.\d+\.\d+", text)              # IPs
    assert "〔电话已隐去〕" in text and "〔身份证号已隐去〕" in text  # masked, not dropped


def test_generator_is_reproducible(tmp_path, run_script):
    planted = run_script("poverty-alleviation/generate.py", tmp_path)
    assert planted == {"speeders": [133, 179, 197, 267, 311], "duplicate_phones": [97, 206, 255]}
    for kind in ("按文本", "按序号"):
        new = next((tmp_path / "raw").glob(f"*{kind}*"))
        old = next((SAMPLE / "raw").glob(f"*{kind}*"))
        a = kit.io.table.read_table(new).body
        b = kit.io.table.read_table(old).body
        pd.testing.assert_frame_equal(a, b)
    assert (tmp_path / "questionnaire.yml").read_text("utf-8") == \
        (SAMPLE / "questionnaire.yml").read_text("utf-8")


def test_expected_mismatch_fails_loudly():
    proj = kit.load_project(SAMPLE)
    r = proj.load()
    table = proj.check_expected(r)  # the figures Responses owns: 420 / 8 / 412 (DATA_LOG.md)
    assert table.set_index("figure")["computed"].to_dict() == {"n_total": 420, "n_excluded": 8,
                                                               "n_valid": 412}
    r.data = r.data.iloc[1:]  # one answer lost: 419 answers, 411 valid
    with pytest.raises(kit.ProjectError, match=r"n_total（答卷总数）应为 420，实为 419.*n_valid.*应为 412，实为 411"):
        proj.check_expected(r)


def test_project_errors_name_file_and_key(tmp_path):
    (tmp_path / "project.yml").write_text("title: x\nquestionnaire: q.yml\n", encoding="utf-8")
    with pytest.raises(kit.ProjectError, match=r"project.yml.*键「questionnaire」：文件不存在.*q.yml"):
        kit.load_project(tmp_path)
    (tmp_path / "q.yml").write_text("questions: [{id: q1, title: 性别, type: text}]\n", encoding="utf-8")
    with pytest.raises(kit.ProjectError, match=r"project.yml.*键「waves」"):
        kit.load_project(tmp_path)
    with pytest.raises(kit.ProjectError, match="project.yml"):
        kit.load_project(tmp_path / "nowhere")


def test_chart_with_chinese_labels_has_no_missing_glyphs():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from kit import plots

    plots.set_theme()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots()
        ax.bar(["城关镇", "河口镇"], [1, 2])
        ax.set_title("各乡镇满意率（%）")
        fig.canvas.draw()
        plt.close(fig)
    glyph = [w for w in caught if "Glyph" in str(w.message) and "missing" in str(w.message)]
    assert not glyph, [str(w.message) for w in glyph]


def test_cli_check_and_init(tmp_path, exports):
    env_py = sys.executable
    out = subprocess.run([env_py, "-m", "kit", "check", str(SAMPLE)], capture_output=True,
                         text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "有效答卷412份" in out.stdout and "问卷星" in out.stdout
    q = tmp_path / "q.yml"
    out = subprocess.run([env_py, "-m", "kit", "init-questionnaire",
                          str(exports / "wjx_reportgen_2016_readable.xls"), "--codes",
                          str(exports / "wjx_reportgen_2016_original.xls"), "-o", str(q)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    qn = kit.load_questionnaire(q)
    assert qn.by_id()["q13"].type == "matrix" and qn.by_id()["q15"].type == "scale"
    # the drafted codebook loads the same export
    r = kit.load_export(exports / "wjx_reportgen_2016_readable.xls",
                        codes=exports / "wjx_reportgen_2016_original.xls", questionnaire=q)
    assert r.data.loc[1, "q15"] == 3.0
    bad = subprocess.run([env_py, "-m", "kit", "check", str(tmp_path / "q.yml")],
                         capture_output=True, text=True, cwd=tmp_path)
    assert bad.returncode == 2 and "错误" in bad.stderr and "Traceback" not in bad.stderr
