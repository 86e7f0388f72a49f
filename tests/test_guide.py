"""``kit check`` as a guide: what the kit will do with each question, why, and the fix.

The expected uses are the analyses' own results on the same codebook: a question is called a
satisfaction item exactly when :func:`kit.analyse_satisfaction` reports it, an awareness item
exactly when it is in the awareness table, a group exactly when the group breakdown uses it.
"""

from __future__ import annotations

import shutil

import pytest

import kit
from kit.cli import main
from kit.guide import guide_frame, guide_lines, question_uses
from kit.paths import ROOT
from kit.questionnaire import Option, Question, Questionnaire


@pytest.mark.parametrize("name", ["poverty-alleviation", "village-residents", "cadre-appraisal"])
def test_uses_agree_with_what_the_analyses_take(name):
    r = kit.load_project(ROOT / "surveys" / name).load()
    res = kit.analyse_satisfaction(r, rank_tests=False)
    uses = {u.question_id: u for u in question_uses(r.questionnaire, r.valid)}
    taken = set(res.items["question_id"]) if len(res.items) else set()
    aware = set(res.awareness["question_id"]) if len(res.awareness) else set()
    grouped = set(res.by_group["group_by"]) if len(res.by_group) else set()
    for qid, u in uses.items():
        assert (("satisfaction" in u.uses) or ("overall" in u.uses)) == (qid in taken), qid
        assert ("awareness" in u.uses) == (qid in aware), qid
        if taken or aware:
            assert ("group" in u.uses) == (qid in grouped), qid


def test_poverty_sample_reads_as_an_evaluator_would_say_it():
    qn = kit.load_project(ROOT / "surveys/poverty-alleviation").questionnaire
    uses = {u.question_id: u for u in question_uses(qn)}
    assert uses["overall"].uses == ["overall"] and "满意项为“满意、非常满意”" in uses["overall"].reason
    assert uses["items"].uses == ["satisfaction"] and "4行分别计算" in uses["items"].reason
    assert uses["aware_programme"].uses == ["awareness"] and "知晓项为“知道”" in uses["aware_programme"].reason
    assert uses["township"].uses == ["group"] and "（第1个分组）" in uses["township"].reason
    assert uses["phone"].uses == ["personal"] and "加盐哈希" in uses["phone"].reason
    assert uses["suggestion"].uses == ["text"]
    frame = guide_frame(list(uses.values()))
    assert list(frame.columns)[:7] == ["题号", "编号", "题干", "题型", "用途", "原因", "建议修改"]


def _q(qid, title, qtype, labels, scores=None, **kw):
    opts = [Option(i + 1, lb, None if scores is None else scores[i]) for i, lb in enumerate(labels)]
    return Question(qid, title, qtype, options=opts, **kw)


SAT = ["非常不满意", "不满意", "一般", "满意", "非常满意"]


@pytest.mark.parametrize("q, reason, fix, yaml_fix", [
    (_q("a", "您对村务公开的评价", "single", SAT), "题型为单选题 (single)",
     "在「题型」列改为“量表题”，在「分值」列填写每个选项的分值（建议：非常不满意=1、不满意=2、一般=3、满意=4、"
     "非常满意=5），在「满意/知晓项」列为“满意、非常满意”填“是”", "type: scale"),
    (_q("b", "总体满意度", "scale", SAT, [1, 2, 3, 4, 5]), "没有列出满意项",
     "在「满意/知晓项」列为“满意、非常满意”填“是”", "satisfied:\n  - 4\n  - 5"),
    (_q("c", "各项工作", "matrix", SAT), "选项没有分值", "在「分值」列填写每个选项的分值", "score: 1"),
    (_q("d", "您是否知道驻村工作队", "yesno", ["知道", "不知道"]), "没有列出知晓项",
     "在「满意/知晓项」列为“知道”填“是”", "satisfied:\n  - 1"),
    (_q("e", "您所在的乡镇", "single", ["城关镇", "河口镇"]), "不作分组", "在「分组顺序」列填写顺序号", ""),
    (_q("f", "您关注哪些方面", "multi", ["产业", "环境"]), "不进入满意度分析", "", ""),
    (_q("g", "您是否为党员", "yesno", ["是", "否"]), "身份类问题", "", ""),
])
def test_each_idle_question_gets_its_reason_and_fix(q, reason, fix, yaml_fix):
    """The reasons and the entries are kit.eligibility's (the analyses' rules); the fix is the
    same change said as the workbook's columns."""
    u = question_uses(Questionnaire("示例", [q]))[0]
    assert u.uses == [] and u.use_text == "暂不分析"
    assert reason in u.reason
    assert (fix in u.fix) if fix else u.fix == ""
    assert (yaml_fix in u.fix_yaml and u.fix_file == "questionnaire.yml") if yaml_fix else u.fix_yaml == ""


def test_nothing_countable_is_said_first_thing(tmp_path, exports, capsys):
    lines = "\n".join(guide_lines(question_uses(Questionnaire("x", [_q("f", "关注", "multi", ["甲", "乙"])]))))
    assert "目前没有计入满意度或知晓率的题目" in lines
    from kit.newproject import new_project

    made = new_project(str(tmp_path / "p"), [str(exports / "wjx_reportgen_800_800_0_text.xls"),
                                             str(exports / "wjx_reportgen_800_800_2_codes.xls")])
    assert main(["check", str(made.root)]) == 0
    out = capsys.readouterr().out
    assert "题目用途（kit 将如何使用每道题）" in out and "分组字段（3）：q3「性别」" in out
    assert "q6「兴趣爱好」、q8「关注资讯」：多选题" in out
    assert "目前没有计入满意度或知晓率的题目" in out


def test_check_says_which_notebook_the_content_now_supports(tmp_path, capsys):
    proj = tmp_path / "p"
    shutil.copytree(ROOT / "surveys/poverty-alleviation", proj)
    from helpers import edit_yaml

    def drop_02(d):
        d["notebooks"].remove("02_satisfaction")
        d.pop("expected")

    edit_yaml(proj / "project.yml", drop_02)
    assert main(["check", str(proj)]) == 0
    assert "支持笔记本 02_satisfaction" in capsys.readouterr().out


def test_check_shows_no_empty_rows(exports, capsys):
    """A 问卷星 download whose 提交答卷时间 column says NULL on every row (the public 357 file,
    read here with fastexcel) does not date itself: no 「版本：」 line with nothing after it."""
    import fastexcel

    path = exports / "wjx_reportgen_357_357_0_text.xls"
    times = fastexcel.read_excel(str(path)).load_sheet(0).to_pandas()["提交答卷时间"]
    assert set(times.astype(str)) == {"NULL"}
    assert main(["check", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "  版本：" not in [ln.rstrip() for ln in lines] and "  平台：问卷星" in lines, lines[:12]
    # the loader's note on the IP column, without its English gloss for developers
    assert "  说明：个人信息列已加盐哈希（原值不保留）：来自IP→ip_hash" in lines, lines[:12]
    from kit.tables import recognition_table

    table = recognition_table(kit.load_export(path))
    assert not (table["内容"].astype(str).str.strip() == "").any(), table
    assert "  版本：答卷提交于2019年11月" in _check_lines(ROOT / "surveys/poverty-alleviation", capsys)


def _check_lines(target, capsys) -> list[str]:
    assert main(["check", str(target)]) == 0
    return capsys.readouterr().out.splitlines()


@pytest.fixture(autouse=True)
def _own_config(tmp_path, monkeypatch):
    """kit new keeps each project's pepper under $XDG_CONFIG_HOME: the test's own folder."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
