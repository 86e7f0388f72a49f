"""What a newcomer following the README with real 问卷星 exports ran into after issue 20: the
placeholders of the survey report and where to fill them, the end-of-run 提醒 saying what was
written, the layout of a new indicator workbook, and Chinese-only messages.

Expected values are hand-written from the documents as written: the placeholder texts are
those ``kit.survey_report`` writes for a missing ``organisation:`` / ``survey:`` key
(``【请填写：组织单位】`` …), the layouts those ``kit/layouts/*.yml`` name for each framework
(national-2020: 财预〔2020〕10号附件; county-2013: 财预〔2013〕53号).
"""

from __future__ import annotations

import os
import subprocess

import yaml
from test_new_project import _wjx_csv

from kit.newproject import new_project
from kit.paths import ROOT
from kit.project import load_project


def _docx(path, paragraphs, cells=()):
    from docx import Document

    d = Document()
    for p in paragraphs:
        d.add_paragraph(p)
    if cells:
        t = d.add_table(rows=1, cols=len(cells))
        for c, text in zip(t.rows[0].cells, cells):
            c.text = text
    d.save(path)


def _project(tmp_path, scale=True):
    down = tmp_path / "downloads"
    down.mkdir()
    _wjx_csv(down / "export.csv", 2024, 30, scale=scale)
    return new_project(str(tmp_path / "my-survey"), [str(down)], pepper=False)


# ------------------------------------------------------------------------------ 1. project.yml
def test_new_project_yml_asks_for_title_organisation_and_how_the_survey_was_done(tmp_path):
    made = _project(tmp_path)
    text = (made.root / "project.yml").read_text(encoding="utf-8")
    d = yaml.safe_load(text)
    # the file name gives no title: the folder name is not a report title, it is asked for
    assert d["title"] == "【请填写：项目名称】", d["title"]
    assert "title:" in text and "用作报告标题" in text
    # the keys kit.survey_report reads (SurveySpec), each with its Chinese name in a comment
    assert set(d["survey"]) == {"respondents", "sampling", "mode"}
    for key, zh in (("respondents", "调查对象"), ("sampling", "抽样方法"), ("mode", "调查方式")):
        line = next(ln for ln in text.splitlines() if ln.strip().startswith(f"{key}:"))
        assert zh in line, line
    assert "组织单位" in next(ln for ln in text.splitlines() if ln.startswith("organisation:"))
    # form: (the 自评表's head, FormSpec) shown commented, to uncomment for the self-assessment
    for key in ("# form:", "#   department:", "#   implementer:"):
        assert key in text, text
    said = "\n".join(made.lines())   # what make new prints next: this step too
    assert "project.yml 填写标题、组织单位、调查对象、抽样方法、调查方式" in said
    assert "只会有数据质量检查" not in said
    proj = load_project(made.root)
    assert proj.title == "【请填写：项目名称】" and proj.spec.survey.respondents == ""


def test_new_project_keeps_a_title_found_in_the_file_name(tmp_path):
    down = tmp_path / "downloads"
    down.mkdir()
    _wjx_csv(down / "12345678_按文本_村级党建满意度调查_30_30.csv", 2024, 30)
    made = new_project(str(tmp_path / "p"), [str(down)], pepper=False)
    d = yaml.safe_load((made.root / "project.yml").read_text(encoding="utf-8"))
    assert d["title"] == "村级党建满意度调查"


def test_summary_lists_every_placeholder_left_in_the_documents_written(tmp_path):
    from kit.runsummary import summary_lines

    made = _project(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    _docx(out / "满意度调查报告.docx", ["【请填写：组织单位】组织开展了调查。",
                                         "调查对象为【请填写：调查对象】，【请填写：抽样方法】。"],
          cells=["调查方式", "【请填写：调查方式】"])
    _docx(out / "其他.docx", ["没有待填写的内容。"])
    lines = summary_lines(made.root, out)
    tip = [ln for ln in lines if "待填写" in ln]
    assert len(tip) == 1, lines
    for want in ("满意度调查报告.docx", "【请填写：组织单位】", "【请填写：调查对象】", "【请填写：抽样方法】",
                 "【请填写：调查方式】", "project.yml"):
        assert want in tip[0], tip
    assert "其他.docx" not in tip[0]
    at = lines.index("提醒：")
    assert at < lines.index(tip[0]) < lines.index(next(ln for ln in lines if ln.startswith("报告已生成")))


# ------------------------------------------------------------------------------ 3. what was written
def test_summary_for_choice_questions_only_says_what_was_written(tmp_path):
    from kit.runsummary import summary_lines

    made = _project(tmp_path, scale=False)
    out = tmp_path / "out"
    out.mkdir()
    for name in ("质量检查.xlsx", "逐题统计.xlsx", "题目纳入情况.xlsx"):
        (out / name).write_bytes(b"")
    _docx(out / "满意度调查报告.docx", ["调查情况。"])
    text = "\n".join(summary_lines(made.root, out))
    assert "只有数据质量检查" not in text
    line = next(ln for ln in text.splitlines() if "没有满意度题或知晓题" in ln)
    for name in ("满意度调查报告.docx", "逐题统计.xlsx", "质量检查.xlsx"):
        assert name in line, line
    assert "make check" in line


# ------------------------------------------------------------------------------ 4. layout
def test_init_indicators_writes_the_layout_of_its_framework(tmp_path):
    from kit.newproject import attach_indicators

    want = {"2013": "county-2013", "2020": "national-2020", "2020-self": "national-2020"}
    for framework, layout in want.items():
        root = tmp_path / f"p{framework}"
        attach_indicators(str(root), framework)
        method = yaml.safe_load((root / "method.yml").read_text(encoding="utf-8"))
        assert (method["framework"], method["layout"]) == (framework, layout)


# ------------------------------------------------------------------------------ 5. Chinese only
def test_messages_carry_no_english_gloss(tmp_path):
    from kit.errors import KitError

    exc = KitError("文件已存在；用 --force 覆盖 (file exists)", path=tmp_path / "x.yml")
    assert str(exc).endswith("文件已存在；用 --force 覆盖") and exc.message == "文件已存在；用 --force 覆盖"
    exc = KitError("扣分须写明原因 (every lost point needs a reason)")
    assert str(exc) == "扣分须写明原因"
    exc = KitError("下级指标分值之和为9分，上级为10分 (children's points must add up to the parent)")
    assert str(exc) == "下级指标分值之和为9分，上级为10分"
    # a value the user types stays: type: single
    assert str(KitError("题型为单选题 (single)")) == "题型为单选题 (single)"


def test_kit_sources_write_no_english_gloss_in_messages():
    """No user-facing string literal in kit/ ends a Chinese sentence with an English gloss in
    brackets (comments and docstrings may)."""
    import ast
    import re

    gloss = re.compile(r"[\u4e00-\u9fff。）」”]\s*\((?:[A-Za-z][A-Za-z0-9,;/'_.-]*)(?: [A-Za-z0-9,;:/'_.-]+)+\)")
    found = []
    for path in sorted((ROOT / "kit").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = {id(n.body[0].value) for n in ast.walk(tree)
                if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
                if gloss.search(node.value):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:60]}")
    assert not found, "\n".join(found)


def test_make_ends_quietly_with_the_kits_message(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("NAME", "PROJECT", "EXPORT", "MAKEFLAGS")}
    for args in (["check", f"PROJECT={tmp_path / 'nothing'}"], ["new"], ["new", "NAME=x"],
                 ["codebook-import", f"PROJECT={tmp_path / 'nothing'}"]):
        p = subprocess.run(["make", *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)
        said = p.stdout + p.stderr
        assert p.returncode != 0, (args, said)
        assert "make: ***" not in said and "Error" not in said, (args, said)
        assert said.strip(), args
