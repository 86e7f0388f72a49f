"""One readable error surface (issue 11): whatever goes wrong in `kit report` / `make report`
reaches the user as one Chinese message naming the file and key (or row and column), with a
non-zero exit status and never a traceback; an unexpected error is reported as a bug with the
path of a log that holds where it happened but no data."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kit.paths import ROOT

from helpers import copy_sample, edit_yaml

SURVEYS = ROOT / "surveys"


def kit_report(project: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "KIT_LOG_DIR": str(tmp_path / "logs")}
    return subprocess.run([sys.executable, "-m", "kit", "report", str(project), "--out",
                           str(tmp_path / "out"), "--quiet"], capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=900)


def assert_refused(run: subprocess.CompletedProcess, *named: str) -> str:
    out = run.stdout + run.stderr
    assert run.returncode != 0, out
    assert "Traceback" not in out and "PapermillExecutionError" not in out, out
    assert "错误：" in run.stderr and "程序错误" not in out, out
    for text in named:
        assert text in run.stderr, (text, run.stderr)
    return run.stderr


def test_kit_error_raised_inside_a_notebook(tmp_path):
    p = copy_sample("unit-self-assessment", tmp_path / "p")
    py = p / "project.yml"
    py.write_text(py.read_text(encoding="utf-8").replace("self_total: 92.3", "self_total: 93.2"),
                  encoding="utf-8")
    err = assert_refused(kit_report(p, tmp_path), str(py), "self_total（自评总分）应为 93.2，实为 92.3",
                         "notebooks/03_self_assessment.ipynb")
    assert err.count("错误：") == 1


def _small_panel(dst: Path, villages_per_group: int) -> Path:
    p = copy_sample("village-panel", dst)
    rows = list(csv.reader((p / "panel.csv").open(encoding="utf-8")))
    head, body = rows[0], rows[1:]
    unit, group = head.index("村"), head.index("组别")
    keep = set()
    for g in ("项目村", "对照村"):
        keep |= set(list(dict.fromkeys(r[unit] for r in body if r[group] == g))[:villages_per_group])
    with (p / "panel.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([head] + [r for r in body if r[unit] in keep])
    return p


def test_misspelled_comparison_group(tmp_path):
    p = copy_sample("village-panel", tmp_path / "p")
    edit_yaml(p / "project.yml", lambda d: d["panel"].update(treated_label="项目组"))
    assert_refused(kit_report(p, tmp_path), str(p / "project.yml"), "键「panel.treated_label」",
                   "您是不是要写“项目村”？")


def test_linalg_error_case_under_30_villages(tmp_path):
    # 12 villages with the programme group misspelled: on f859c17 the wild-bootstrap DiD raised
    # numpy's LinAlgError("Singular matrix"); now the label is checked before any analysis
    p = _small_panel(tmp_path / "p", 6)
    edit_yaml(p / "project.yml", lambda d: d["panel"].update(treated_label="项目"))
    err = assert_refused(kit_report(p, tmp_path), "键「panel.treated_label」", "（该列的取值：项目村、对照村）")
    assert "LinAlgError" not in err and "Singular" not in err


def test_one_village_township(tmp_path):
    """All answers of one village moved to a township of their own: a stratum with one cluster."""
    import openpyxl

    p = copy_sample("poverty-alleviation", tmp_path / "p")
    export = next((p / "raw").glob("*按序号*"))
    wb = openpyxl.load_workbook(export)
    ws = wb.active
    moved = 0
    for row in ws.iter_rows(min_row=2):
        if row[7].value == 48:     # 2、您所在的行政村 = code 48
            row[6].value = 7       # 1、您所在的乡镇 = a new township
            moved += 1
    wb.save(export)
    assert moved == 5

    def codebook(d):
        d["questions"][0]["options"].append({"code": 7, "label": "新乡镇"})
    edit_yaml(p / "questionnaire.yml", codebook)

    def project(d):
        d["waves"][0] = {"id": "w2019", "label": "2019年电话回访", "export": f"raw/{export.name}"}
        d["notebooks"] = ["02_satisfaction"]
        d["expected"] = {"n_valid": 412}
    edit_yaml(p / "project.yml", project)
    run = kit_report(p, tmp_path)
    out = run.stdout + run.stderr
    assert "Traceback" not in out and "SingletonError" not in out and "程序错误" not in out, out
    # every village still has answers, so villages are strata; a township with one sampled
    # village would be handled as R's lonely.psu = "adjust" (tests/test_design.py)
    assert run.returncode == 0, out


def test_bad_yaml_types(tmp_path):
    p = copy_sample("poverty-alleviation", tmp_path / "p")

    def change(d):
        d["synthetic"] = "false"
        d["title"] = ["党建", "扶贫"]
        d["targets"]["overall_satisfied"] = 98
        d["expected"]["n_valid"] = float("nan")
    edit_yaml(p / "project.yml", change)
    err = assert_refused(kit_report(p, tmp_path), str(p / "project.yml"), "键「synthetic」", "键「title」",
                         "键「targets.overall_satisfied」", "键「expected.n_valid」", "0.98")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    assert "发现4处问题" in err


def test_make_report_on_a_broken_project(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    p = copy_sample("village-batch", tmp_path / "p")
    (p / "method.yml").write_text((p / "method.yml").read_text(encoding="utf-8")
                                  .replace("{name: 良好, min: 80}", "{name: 良好, min: 95}"), encoding="utf-8")
    run = subprocess.run(["make", "-s", "report", f"PROJECT={p}", f"OUT={tmp_path / 'out'}"], cwd=ROOT,
                         capture_output=True, text=True, timeout=900,
                         env={**os.environ, "KIT_LOG_DIR": str(tmp_path / "logs")})
    assert_refused(run, str(p / "method.yml"), "键「grades[1].min」", "从高到低")


def test_gbk_project_yml_runs(tmp_path):
    p = copy_sample("unit-self-assessment", tmp_path / "p")
    py = p / "project.yml"
    py.write_bytes(py.read_text(encoding="utf-8").encode("gbk"))
    run = kit_report(p, tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "out" / "自评报告.docx").exists()


# ------------------------------------------------------------------------------ bugs
def _main(monkeypatch, tmp_path, exc: BaseException, capsys):
    from kit import cli, report

    def boom(*a, **k):
        raise exc
    monkeypatch.setattr(report, "run_report", boom)
    monkeypatch.setenv("KIT_LOG_DIR", str(tmp_path))
    rc = cli.main(["report", "surveys/poverty-alleviation"])
    return rc, capsys.readouterr().err


def test_unexpected_error_is_a_bug_report_with_a_log_without_data(monkeypatch, tmp_path, capsys):
    rc, err = _main(monkeypatch, tmp_path, ValueError("张三 13812345678 不是数字"), capsys)
    assert rc == 3 and "程序错误，请报告" in err and "Traceback" not in err
    log = Path(err.split("已写入 ")[1].split("（")[0])
    text = log.read_text(encoding="utf-8")
    assert log.parent == tmp_path and "ValueError" in text and "cli.py" in text and "boom" in text
    assert "张三" not in text and "13812345678" not in text


def test_non_kit_error_inside_a_notebook_is_a_bug_report(monkeypatch, tmp_path, capsys):
    from papermill.exceptions import PapermillExecutionError

    exc = PapermillExecutionError(3, 3, "x = lookup['张三']", "KeyError", "'张三'",
                                  ["\x1b[0;31mKeyError\x1b[0m Traceback", "Cell In[3], line 1\n----> 1 x = lookup",
                                   "\x1b[0;31mKeyError\x1b[0m: '张三'"])
    rc, err = _main(monkeypatch, tmp_path, exc, capsys)
    assert rc == 3 and "程序错误" in err and "KeyError" in err
    text = next(tmp_path.glob("kit-error-*.log")).read_text(encoding="utf-8")
    assert "Cell In[3]" in text and "\x1b" not in text and "张三" not in text


def test_kit_error_inside_a_notebook_is_that_error(monkeypatch, tmp_path, capsys):
    from papermill.exceptions import PapermillExecutionError

    exc = PapermillExecutionError(2, 2, "a = assess_project(proj)", "IndicatorError",
                                  "文件 indicators.xlsx，第5行，列「实际完成值」：应为数字", ["..."])
    from kit.errors import NotebookError
    from kit.report import raise_notebook_error

    with pytest.raises(NotebookError, match="第5行，列「实际完成值」：应为数字\n（出错的笔记本：notebooks/03_x.ipynb）"):
        raise_notebook_error(exc, "03_x")
    other = PapermillExecutionError(2, 2, "", "ZeroDivisionError", "division by zero", [])
    with pytest.raises(PapermillExecutionError):
        raise_notebook_error(other, "03_x")


def test_error_messages_do_not_show_the_home_folder_name():
    """A home folder is usually named after its user (/home/zhangsan): messages that are copied
    into e-mails show it as ~; files inside the kit are shown relative to it."""
    from pathlib import Path

    from kit.errors import KitError
    from kit.paths import ROOT

    home = Path.home()
    err = KitError("缺少列", path=home / "评估" / "问卷.xlsx", row=3, column="Q1")
    assert str(err) == "文件 ~/评估/问卷.xlsx，第3行，列「Q1」：缺少列"
    assert str(home) not in str(err) or str(home) == "/"
    inside = KitError("缺少列", path=ROOT / "surveys" / "x" / "a.csv")
    assert str(inside) == "文件 surveys/x/a.csv：缺少列"
