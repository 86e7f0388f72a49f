"""Runs that never leave half-written files, and project folders that cannot run code.

* every writer goes through a temporary name and a rename (kit.atomic);
* ``kit report`` locks its output folder, marks it 「未完成」 until the end, removes what the
  previous run wrote and writes manifest.json last;
* runs killed at random points (SIGKILL, SIGTERM, SIGINT to the process group) never leave a
  truncated file under a final name, nor an earlier run's report presented as current;
* two runs into one folder are serialised (the second stops with a clear message);
* batch sheets that would share a unit folder, and ``..``, are refused naming the sheets;
* ``notebooks:`` runs only the kit's own notebooks, by name;
* text such as ``=投入`` is written to Excel as text, never as a formula.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

import kit
from kit.errors import KitError, ProjectError

ROOT = Path(__file__).resolve().parents[1]
SERVICE = {".kit.lock", "manifest.json", "未完成.txt", ".kit-journal"}


# ------------------------------------------------------------------------------- helpers
def _batch_project(folder: Path, units: int = 8, notebooks: tuple = (), title: str = "批量考核") -> Path:
    """A copy of the village-batch sample with ``units`` sheets (and, with ``notebooks``, the
    first village as the project's own indicator workbook)."""
    folder.mkdir(parents=True, exist_ok=True)
    src = ROOT / "surveys" / "village-batch"
    (folder / "method.yml").write_bytes((src / "method.yml").read_bytes())
    wb = load_workbook(src / "villages.xlsx")
    for ws in wb.worksheets[units:]:
        wb.remove(ws)
    wb.save(folder / "villages.xlsx")
    lines = [f"title: {title}", "organisation: xx县委组织部", "period: 2023年度", "synthetic: true",
             "method: method.yml", "report_title: 党建引领工作", "batch:", "  workbook: villages.xlsx",
             "  unit: 村", f"notebooks: [{', '.join(notebooks)}]"]
    if notebooks:
        for ws in wb.worksheets[1:]:
            wb.remove(ws)
        wb.save(folder / "indicators.xlsx")
        lines.append("indicators: indicators.xlsx")
    (folder / "project.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _files(out: Path) -> dict[str, Path]:
    return {p.relative_to(out).as_posix(): p for p in out.rglob("*")
            if p.is_file() and p.name not in SERVICE and ".kit-tmp" not in p.name}


def _is_whole(p: Path) -> bool:
    """A file under a final name is complete: zips test clean, JSON parses, PNGs end."""
    data = p.read_bytes()
    if p.suffix in (".xlsx", ".docx"):
        try:
            with zipfile.ZipFile(p) as z:
                return z.testzip() is None and "[Content_Types].xml" in z.namelist()
        except zipfile.BadZipFile:
            return False
    if p.suffix in (".json", ".ipynb"):
        try:
            json.loads(data.decode("utf-8"))
            return True
        except ValueError:
            return False
    if p.suffix == ".png":
        return data.startswith(b"\x89PNG") and data.rstrip().endswith(b"IEND\xaeB`\x82")
    return True


def _identity(p: Path) -> tuple[int, int]:
    """Which file this is (a file renamed into place is a new inode with a new time)."""
    st = p.stat()
    return st.st_ino, st.st_mtime_ns


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def _check_folder(out: Path, earlier: dict[str, str]) -> str:
    """The invariants after any run, finished or killed; returns the folder's status."""
    from kit.runfolder import file_sha256, folder_status

    files = _files(out)
    broken = [k for k, p in files.items() if not _is_whole(p)]
    assert broken == [], f"truncated files under final names: {broken}"
    status = folder_status(out)
    if status == "complete":
        m = _manifest(out)
        assert m["status"] == "complete" and not (out / "未完成.txt").exists()
        assert set(m["outputs"]) == set(files), "files not written by the run beside a complete manifest"
        assert all(file_sha256(files[k]) == h for k, h in m["outputs"].items())
    else:
        assert (out / "未完成.txt").exists(), "an unfinished run left no 未完成 marker"
        if (out / "manifest.json").exists() and _manifest(out).get("status") == "incomplete":
            # once the run has cleared the folder, no file of an earlier run is left (the same
            # file, not the same content: outputs are deterministic)
            stale = [k for k, p in files.items() if earlier.get(k) == _identity(p)]
            assert stale == [], f"files of an earlier run left beside an unfinished one: {stale}"
    return status


# -------------------------------------------------------------------------------- atomic
def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path):
    from kit.atomic import atomic_path, write_text

    target = write_text(tmp_path / "报告.txt", "旧")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("新的一半")
            raise RuntimeError("killed while writing")
    assert target.read_text(encoding="utf-8") == "旧"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["报告.txt"]


def test_every_writer_leaves_only_final_names(tmp_path):
    import pandas as pd

    from kit.atomic import save_figure, write_json
    from kit.tables import write_tables

    write_tables({"表": pd.DataFrame({"a": [1]})}, tmp_path / "表.xlsx", "表")
    write_json(tmp_path / "s.json", {"a": 1})
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    save_figure(fig, tmp_path / "图.png")
    plt.close(fig)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json", "图.png", "表.xlsx"]
    assert all(_is_whole(p) for p in tmp_path.iterdir())


# ---------------------------------------------------------------------------- lifecycle
def test_failed_rerun_marks_the_folder_and_leaves_no_stale_report(tmp_path):
    from kit.report import run_report
    from kit.runfolder import folder_status

    proj = _batch_project(tmp_path / "proj", units=3)
    out = tmp_path / "out"
    run_report(proj, out, progress=False)
    first = _files(out)
    m = _manifest(out)
    assert folder_status(out) == "complete" and set(m["outputs"]) == set(first)
    assert set(m["units"]) == {p.split("/")[1] for p in first if p.startswith("units/")}
    assert len(m["units"]) == 3 and "排名.xlsx" in first
    # the second run fails: a unit's sheet now holds a value that cannot be scored
    wb = load_workbook(proj / "villages.xlsx")
    ws = wb.worksheets[1]
    col = [c.value for c in ws[1]].index("实际完成值") + 1
    original = ws.cell(2, col).value
    ws.cell(2, col).value = "很多"
    wb.save(proj / "villages.xlsx")
    with pytest.raises(KitError):
        run_report(proj, out, progress=False)
    assert folder_status(out) == "incomplete" and (out / "未完成.txt").exists()
    assert _manifest(out)["status"] == "incomplete"
    assert _files(out) == {}, "the previous run's reports are still presented"
    # a good run afterwards clears the mark
    wb.worksheets[1].cell(2, col).value = original
    wb.save(proj / "villages.xlsx")
    run_report(proj, out, progress=False)
    assert folder_status(out) == "complete" and not (out / "未完成.txt").exists()
    _check_folder(out, {})


def test_two_runs_into_one_folder_are_serialised(tmp_path):
    from filelock import FileLock

    from kit.report import run_report

    proj = _batch_project(tmp_path / "proj", units=2)
    out = tmp_path / "out"
    out.mkdir()
    with FileLock(str(out / ".kit.lock")):  # another run holds the folder
        with pytest.raises(KitError) as e:
            run_report(proj, out, progress=False)
    assert "另一个 kit report 正在向这个文件夹写入结果" in str(e.value) and str(out) in str(e.value)
    assert _files(out) == {}  # the refused run touched nothing
    # two runs started at once: each either finishes or stops with that message; the folder is
    # complete and consistent afterwards
    cmd = [sys.executable, "-m", "kit", "report", str(proj), "--out", str(out), "--quiet"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [(p.wait(timeout=600), p.stderr.read()) for p in procs]
    assert any(rc == 0 for rc, _ in results)
    for rc, err in results:
        assert rc == 0 or (rc == 2 and "另一个 kit report 正在" in err), err
    assert _check_folder(out, {}) == "complete"


def _kill_at(cmd: list[str], delay: float, sig: int) -> int:
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    try:
        p.wait(timeout=delay)
        return p.returncode  # finished before the kill
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, sig)
        p.wait(timeout=120)
        if sig != signal.SIGKILL:  # give kernels a moment, then make sure the group is gone
            time.sleep(1)
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return p.returncode


def test_runs_killed_at_random_points_leave_whole_files_and_a_marked_folder(tmp_path):
    """A report with a notebook and a batch of units, rerun with another title and killed at
    seeded random moments: every file is whole; a finished folder holds exactly its manifest's
    files; an unfinished one is marked and holds nothing of the earlier run once cleared."""
    from kit.runfolder import file_sha256

    proj = _batch_project(tmp_path / "proj", units=6, notebooks=("03_self_assessment",))
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "kit", "report", str(proj), "--out", str(out), "--quiet"]
    t0 = time.monotonic()
    assert subprocess.run(cmd, capture_output=True, timeout=900).returncode == 0
    full = time.monotonic() - t0
    earlier = {k: _identity(p) for k, p in _files(out).items()}
    first_report = file_sha256(out / "自评报告.docx")
    assert {"03_self_assessment.ipynb", "自评报告.docx", "排名.xlsx"} <= set(earlier)
    text = (proj / "project.yml").read_text(encoding="utf-8")
    (proj / "project.yml").write_text(text.replace("report_title: 党建引领工作",
                                                   "report_title: 党建引领工作（重算）"), encoding="utf-8")
    rng = random.Random(20240615)
    statuses = []
    for sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGINT):
        delay = rng.uniform(0.1, 0.6) * full  # early enough to land before a faster rerun ends
        _kill_at(cmd, delay, sig)
        statuses.append(_check_folder(out, earlier))
    assert "incomplete" in statuses
    # a run to the end afterwards leaves a complete folder with nothing stale or temporary
    assert subprocess.run(cmd, capture_output=True, timeout=900).returncode == 0
    assert _check_folder(out, earlier) == "complete"
    assert not [p for p in out.rglob("*") if ".kit-tmp" in p.name]
    assert file_sha256(out / "自评报告.docx") != first_report  # the rerun's, not the first run's


# --------------------------------------------------------------------------- unit names
@pytest.mark.parametrize("names, named", [
    (["东湖村", "东湖村 "], ("「东湖村」", "「东湖村 」")),
    (["甲村<", "甲村>"], ("「甲村<」", "「甲村>」")),
    (["甲村|", "甲村?"], ("「甲村|」", "「甲村?」")),
    (["Alpha", "ALPHA"], ("「Alpha」", "「ALPHA」")),
    ([".."], ("「..」",)),
    (["CON"], ("「CON」",)),
])
def test_unit_names_that_share_or_escape_a_folder_are_refused(names, named):
    from kit.batch import unit_folders

    with pytest.raises(ProjectError) as e:
        unit_folders(names, "villages.xlsx")
    assert all(n in str(e.value) for n in named) and "villages.xlsx" in str(e.value)


def test_batch_refuses_before_writing(tmp_path):
    from kit.batch import run_batch

    wb = Workbook()
    wb.remove(wb.active)
    for name in ("东湖村", "东湖村 "):
        ws = wb.create_sheet(name)
        ws.append(["一级指标", "三级指标", "分值", "评分方法", "年度指标值", "实际完成值"])
        ws.append(["产出", "完成数", 100, "比例", "10个", "10个"])
    wb.save(tmp_path / "units.xlsx")
    (tmp_path / "method.yml").write_text("framework: custom\ntitle: 办法\ntotal: 100\n"
                                         "sections: {产出: 100}\n", encoding="utf-8")
    (tmp_path / "project.yml").write_text("title: t\nmethod: method.yml\nbatch:\n  workbook: "
                                          "units.xlsx\nnotebooks: []\n", encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(ProjectError, match="「东湖村」与「东湖村 」"):
        run_batch(kit.load_project(tmp_path), out, progress=False)
    assert not out.exists() or not any(out.rglob("*.xlsx"))


# ---------------------------------------------------------------------- foreign notebooks
@pytest.mark.parametrize("entry", ["/tmp/evil", "../../tmp/evil", "../notebooks/01_load_and_check",
                                   "notebooks/01_load_and_check", "evil", "~/evil",
                                   "C:\\\\evil\\\\x", "01_load_and_check/../../evil"])
def test_project_naming_a_foreign_notebook_is_refused(tmp_path, entry):
    (tmp_path / "project.yml").write_text(f"title: t\nnotebooks: ['{entry}']\nmethod: m.yml\n"
                                          "indicators: i.xlsx\n", encoding="utf-8")
    (tmp_path / "m.yml").write_text("x: 1\n", encoding="utf-8")
    (tmp_path / "i.xlsx").write_bytes(b"")
    with pytest.raises(ProjectError) as e:
        kit.load_project(tmp_path)
    assert "notebooks[0]" in str(e.value) and "01_load_and_check" in str(e.value)


def test_kit_notebooks_by_name(tmp_path):
    import shutil

    proj = tmp_path / "proj"
    shutil.copytree(ROOT / "surveys" / "department-evaluation", proj)
    text = (proj / "project.yml").read_text(encoding="utf-8")
    (proj / "project.yml").write_text(text.replace("  - 03_self_assessment", "  - 03_self_assessment.ipynb"),
                                      encoding="utf-8")
    assert kit.load_project(proj).notebooks == ["03_self_assessment"]


# ---------------------------------------------------------------------- formulas as text
def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    from kit.indicators import assess, load_method, read_indicators
    from kit.selfassessment import write_indicator_workbook, write_self_table

    write_indicator_workbook(tmp_path / "i.xlsx", {"指标": [
        ("=投入", "=SUM(A1:A9)", "+资金到位", 50, "定量", "比例", "100%", "100%", None, None, "@附件"),
        ("=投入", "-项目立项", "=HYPERLINK(\"http://x\")", 50, "定量", "比例", "100%", "90%", None,
         "=未完成", None)]})
    (tmp_path / "m.yml").write_text("framework: custom\ntitle: 办法\ntotal: 100\n"
                                    "sections: {'=投入': 100}\n", encoding="utf-8")
    a = assess(read_indicators(tmp_path / "i.xlsx"), load_method(tmp_path / "m.yml"))
    write_self_table(a, tmp_path / "自评表.xlsx", title="=标题")
    for book in ("自评表.xlsx", "i.xlsx"):
        wb = load_workbook(tmp_path / book)
        cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
        assert [c.coordinate for c in cells if c.data_type == "f"] == []
        texts = {c.value for c in cells}
        assert "=投入" in texts
    assert "=投入小计" in {c.value for row in load_workbook(tmp_path / "自评表.xlsx").active.iter_rows()
                           for c in row}
