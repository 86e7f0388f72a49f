"""What a newcomer sees: the make targets, a quiet install and kernel, the closing summary of
``kit report``, and ``make lab``.

Expected figures are the sample project's published ones (project.yml ``expected:``: 420
answers, 8 excluded, 412 valid, 405 satisfied, 98.3%).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kit.paths import ROOT


def make_n(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("NAME", "PROJECT", "EXPORT")}
    return subprocess.run(["make", "-n", *args], cwd=ROOT, capture_output=True, text=True, env=env)


def test_make_targets_wrap_the_commands():
    py = ".venv/bin/python -m kit"
    cases = {("new", "NAME=my-survey", "EXPORT=downloads"): f"{py} new my-survey downloads",
             ("codebook", "NAME=my-survey"): f"{py} codebook export surveys/my-survey",
             ("codebook-import", "NAME=my-survey"): f"{py} codebook import surveys/my-survey",
             ("check", "NAME=my-survey"): f"{py} check surveys/my-survey",
             ("report", "NAME=my-survey"): f"{py} report surveys/my-survey --out reports/my-survey",
             ("report",): f"{py} report surveys/poverty-alleviation --out reports/poverty-alleviation",
             ("report", "PROJECT=surveys/x"): f"{py} report surveys/x --out reports/x",
             ("indicators", "NAME=my-survey"): f"{py} init-indicators --framework 2020 --project surveys/my-survey",
             ("new", "NAME=a", "EXPORT=d", "INDICATORS=i.xlsx"): f"{py} new a d --indicators i.xlsx",
             ("codebook", "PROJECT=/tmp/elsewhere"): f"{py} codebook export /tmp/elsewhere"}
    for args, want in cases.items():
        p = make_n(*args)
        assert p.returncode == 0 and want in p.stdout, (args, p.stdout, p.stderr)


def test_make_asks_for_what_is_missing():
    env = {k: v for k, v in os.environ.items() if k not in ("NAME", "EXPORT")}
    p = subprocess.run(["make", "new"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert p.returncode != 0 and "请写明项目名称，如：make new NAME=my-survey" in p.stdout
    p = subprocess.run(["make", "new", "NAME=x"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert p.returncode != 0 and "请写明导出文件或文件夹" in p.stdout


def test_install_is_quiet():
    """pip runs quietly, and the build back-end's warnings (setuptools' 「Editable
    installation」 box, printed through the warnings module) are silenced in its subprocess."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    pip = next(line for line in text.splitlines() if line.startswith("PIP "))
    assert "PYTHONWARNINGS=ignore" in pip and "--disable-pip-version-check" in pip
    installs = [line for line in text.splitlines() if "$(PIP) install" in line]
    assert installs and all("--quiet" in line for line in installs)


NB = {"cells": [{"cell_type": "code", "execution_count": None, "id": "a", "metadata": {}, "outputs": [],
                 "source": "print(6 * 7)"}],
      "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
      "nbformat": 4, "nbformat_minor": 5}


def _execute(tmp_path: Path, args: list[str]) -> str:
    src = tmp_path / "in.ipynb"
    src.write_text(json.dumps(NB), encoding="utf-8")
    code = ("import papermill as pm, sys; pm.execute_notebook(sys.argv[1], sys.argv[2], kernel_name='python3', "
            f"progress_bar=False, extra_arguments={args!r})")
    env = {**os.environ, "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]}
    p = subprocess.run([sys.executable, "-c", code, str(src), str(tmp_path / "out.ipynb")],
                       capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, p.stderr
    assert "42" in (tmp_path / "out.ipynb").read_text(encoding="utf-8")
    return p.stderr


def test_kernel_log_is_not_shown(tmp_path):
    from kit.report import KERNEL_ARGS

    quiet = _execute(tmp_path, KERNEL_ARGS)
    assert "without encryption" not in quiet and "KeyboardInterrupt" not in quiet, quiet
    loud = _execute(tmp_path, [])          # the same run without them: the warning this silences
    if "without encryption" not in loud:
        pytest.skip("this ipykernel does not warn about TCP (the check above cannot fail here)")


def test_report_summary_states_files_figures_and_warnings(tmp_path):
    from kit.runsummary import summary_lines

    out = tmp_path / "out"
    (out / "figures").mkdir(parents=True)
    for name in ("满意度分析.xlsx", "自评报告.docx", "自评表.xlsx", "01_load_and_check.ipynb",
                 "figures/a.png", "figures/b.png"):
        (out / name).write_bytes(b"")
    (out / "summary.json").write_text(json.dumps({"self_assessment": {
        "total_points": 100, "total": 98, "grade": "优秀"}}), encoding="utf-8")
    lines = "\n".join(summary_lines(ROOT / "surveys/poverty-alleviation", out))
    assert "Word 文档：自评报告.docx" in lines and "图表：2张（figures/）" in lines
    assert "共回收答卷420份，剔除8份" in lines and "有效答卷412份" in lines
    assert "群众总体满意率为98.3%" in lines
    assert "绩效自评：总分100分，自评得分98分，评价等级优秀。" in lines
    assert "提醒：" in lines and "合成数据" in lines
    assert "同类提醒共" in lines             # one caveat for many group-by-item tables, said once
    # it ends with where the files are: the folder, then what is in it
    tail = lines.split("报告已生成：")[-1]
    assert "主要数字：" in lines.split("报告已生成：")[0] and "提醒：" not in tail
    assert lines.rstrip().endswith("其他：summary.json") and "Word 文档：自评报告.docx" in tail


def test_readme_shows_what_make_report_prints(tmp_path, capsys):
    """README.md shows what make report prints for the sample, and this is checked against a
    real run of it (kit report, as make report calls it): every line the README shows is
    printed (a line with an ellipsis: its beginning), and every step and every line of the
    files written is in the README, so a new notebook, document or chart count cannot go
    unshown. (The earlier check built the output folder from the README's own list and seven
    made-up charts, and skipped the step lines: it could not see 07_questions, 逐题统计.xlsx,
    满意度调查报告.docx or the charts drawn since.)"""
    import re

    from kit.cli import main
    from kit.paths import display_path

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.search(r"^```text\n(生成报告：.*?)^```", readme, re.M | re.S).group(1).splitlines()
    out = tmp_path / "poverty-alleviation"
    assert main(["report", "surveys/poverty-alleviation", "--out", str(out)]) == 0
    printed = capsys.readouterr().out.replace(display_path(out), "reports/poverty-alleviation")
    printed = printed.replace(str(out), "reports/poverty-alleviation").splitlines()
    for line in shown:
        head = line.split("……")[0]
        if "……" not in line:
            assert line in printed, (line, printed)
        elif head.strip():
            assert any(p.startswith(head) for p in printed), (line, printed)
    steps = [p for p in printed if re.match(r"^（\d+/\d+）", p)]
    files = printed[printed.index("报告已生成：reports/poverty-alleviation/"):]
    assert steps and len(files) > 2
    for line in steps + files:
        assert line in shown, f"make report prints 「{line}」 but README.md does not show it"


def test_kernel_stderr_is_kept_off_the_terminal(tmp_path):
    """What a child process (the kernel) writes to standard error inside kernel_stderr_aside()
    does not reach ours; what is written after it does."""
    script = tmp_path / "aside.py"
    script.write_text(
        "import subprocess, sys\n"
        "from kit.report import kernel_stderr_aside\n"
        "child = [sys.executable, '-c', 'import sys; sys.stderr.write(\"KeyboardInterrupt\")']\n"
        "with kernel_stderr_aside():\n"
        "    subprocess.run(child)\n"
        "sys.stderr.write('after')\n", encoding="utf-8")
    p = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120,
                       cwd=ROOT)
    assert p.returncode == 0, p.stderr
    assert p.stderr == "after", p.stderr


def test_progress_bar_only_on_a_terminal(monkeypatch):
    from kit.report import progress_bar

    assert progress_bar(False) is False
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False, raising=False)
    assert progress_bar(True) is False             # a log gets the step lines only
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    bar = progress_bar(True)
    assert bar["file"] is sys.stdout and "单元格" in bar["bar_format"] and bar["leave"] is False


def test_report_prints_its_steps_and_summary(tmp_path, capsys):
    """kit report on a self-assessment sample (one notebook): a step line per notebook, then the
    summary; the exit code is 0."""
    from kit.cli import main

    assert main(["report", "surveys/unit-self-assessment", "--out", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    assert "生成报告：" in out and "共1步" in out
    assert "（1/1）绩效自评：自评表与自评报告：notebooks/03_self_assessment.ipynb" in out
    assert "Executing" not in out and "cell/s" not in out  # no English progress bar in a log
    assert "报告已生成：" in out and "Word 文档：自评报告.docx" in out
    assert "绩效自评：总分100分，自评得分92.3分，评价等级优。" in out


# ------------------------------------------------------------------------------ make lab
def test_make_lab_runs_as_root_in_chinese_at_the_repository_root():
    p = make_n("lab")
    assert p.returncode == 0, p.stderr
    cmd = p.stdout
    assert "--allow-root" in cmd and f'--ServerApp.root_dir="{ROOT}"' in cmd
    assert "notebooks/00_开始.ipynb" in cmd and '"locale": "zh_CN"' in cmd
    lab = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "jupyterlab-language-pack-zh-CN" in lab and "nbconvert" in lab


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_lab_server_serves_chinese_and_exports_html():
    """The command make lab runs (LAB_ARGS adds a port and a token): the Chinese locale, the
    repository root, the start notebook exported to HTML by nbconvert. Needs the lab extra."""
    pytest.importorskip("jupyterlab", reason="make lab installs JupyterLab (pip install -e '.[lab]')")
    pytest.importorskip("nbconvert")
    settings = Path(sys.prefix) / "share/jupyter/lab/settings/overrides.json"
    made = not settings.exists()
    if made:
        settings.parent.mkdir(parents=True, exist_ok=True)
        settings.write_text('{"@jupyterlab/translation-extension:plugin": {"locale": "zh_CN"}}')
    port, token = _free_port(), "newcomer-test"
    cmd = [sys.executable, "-m", "jupyter", "lab", "--allow-root", f"--ServerApp.root_dir={ROOT}",
           "--no-browser", f"--port={port}", f"--IdentityProvider.token={token}", "notebooks/00_开始.ipynb"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"

    def get(path: str) -> bytes:
        sep = "&" if "?" in path else "?"
        with urllib.request.urlopen(f"{base}{path}{sep}token={token}", timeout=30) as r:
            return r.read()
    try:
        for _ in range(120):
            try:
                get("/api/status")
                break
            except OSError:
                time.sleep(1)
        plugin = json.loads(get("/lab/api/settings/@jupyterlab/translation-extension:plugin"))
        assert plugin["schema"]["properties"]["locale"]["default"] == "zh_CN"
        assert json.loads(get("/lab/api/translations/zh_CN"))["data"]
        names = {c["name"] for c in json.loads(get("/api/contents"))["content"]}
        assert {"notebooks", "surveys", "README.md"} <= names
        html = get("/nbconvert/html/notebooks/00_%E5%BC%80%E5%A7%8B.ipynb?download=false").decode()
        assert "00 开始" in html
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
        if made:
            settings.unlink()
