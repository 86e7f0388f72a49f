"""``kit check`` as a guide: what the kit will do with each question, why, and the fix.

The expected uses are the analyses' own results on the same codebook: a question is called a
satisfaction item exactly when :func:`kit.analyse_satisfaction` reports it, an awareness item
exactly when it is in the awareness table, a group exactly when the group breakdown uses it.
"""

from __future__ import annotations

import itertools
import shutil

import pytest
import yaml

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
     "在「满意/知晓项」列为“满意、非常满意”填“是”", "satisfied: [4, 5]"),
    (_q("c", "各项工作", "matrix", SAT), "选项没有分值", "在「分值」列填写每个选项的分值", "score: 1"),
    (_q("d", "您是否知道驻村工作队", "yesno", ["知道", "不知道"]), "没有列出知晓项",
     "在「满意/知晓项」列为“知道”填“是”", "satisfied: [1]"),
    (_q("e", "您所在的乡镇", "single", ["城关镇", "河口镇"]), "不作分组", "在「分组顺序」列填写顺序号", ""),
    (_q("f", "您关注哪些方面", "multi", ["产业", "环境"]), "不进入满意度分析", "", ""),
    (_q("g", "您是否为党员", "yesno", ["是", "否"]), "身份类问题", "", ""),
])
def test_each_idle_question_gets_its_reason_and_fix(q, reason, fix, yaml_fix):
    """The reasons and the entries are kit.eligibility's (the analyses' rules); the fix is the
    same change said as the workbook's columns, and as only the YAML lines that change."""
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
    # the loader's note on the IP column, without its English gloss for developers and without
    # the internal column name (ip_hash) an evaluator has no use for
    assert "  说明：个人信息列已加盐哈希（原值不保留）：来自IP（已脱敏编码）" in lines, lines[:12]
    assert not any("ip_hash" in ln for ln in lines)
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


# ----------------------------------------------------------- hints that do not mislead (issue 13b)
# Awareness is suggested only where the question asks whether one knows / has heard of something
# (or its options say 知道/了解/听说过/知晓); satisfaction only where the labels or the text say 满意.
# The real case: the public 问卷星 2016 pair (gasongjian/reportgen, All_Data_Readable.xls /
# All_Data_Original.xls): Q1 「请问您是中兴员工或有家属在中兴通讯工作吗?」 是/否 (membership),
# Q13 「…对您而言重要性如何?(1分表示非常不重要,5分表示非常重要)」 a 1-5 importance matrix,
# Q15 「您对“中兴天机7”整体的满意度如何?(以0-10分为标准…)」 a 0-10 satisfaction item.
IMP = ["非常不重要", "不重要", "一般", "重要", "非常重要"]
AGREE = ["非常不同意", "不同意", "一般", "同意", "非常同意"]


@pytest.fixture()
def zte(exports):
    return kit.load_export(exports / "wjx_reportgen_2016_readable.xls",
                           codes=exports / "wjx_reportgen_2016_original.xls")


def _by_title(qn, start):
    return next(q for q in qn.questions if q.title.startswith(start))


def test_membership_question_is_not_suggested_as_awareness(zte):
    from kit.eligibility import awareness_eligibility

    q1 = _by_title(zte.questionnaire, "请问您是中兴员工")
    assert q1.title == "请问您是中兴员工或有家属在中兴通讯工作吗?"
    c = {c.question_id: c for c in awareness_eligibility(zte.questionnaire).considered}[q1.id]
    assert not c.taken and c.fix == "" and "不是知晓题" in c.reasons[0]
    u = {u.question_id: u for u in question_uses(zte.questionnaire)}[q1.id]
    assert u.fix == "" and u.fix_yaml == "" and "知晓" not in u.fix


def test_importance_matrix_is_not_suggested_as_satisfaction(zte):
    from kit.eligibility import satisfaction_eligibility

    qn = zte.questionnaire
    q13, q15 = _by_title(qn, "如下“中兴天机7”的各方面"), _by_title(qn, "您对“中兴天机7”整体的满意度")
    e = {c.question_id: c for c in satisfaction_eligibility(qn).considered}
    assert e[q13.id].fix == "" and "重要程度" in "；".join(e[q13.id].reasons)
    assert "不是满意度题" in "；".join(e[q13.id].reasons)
    # the 0-10 item whose text asks about 满意度 is still suggested: the top two levels 9分/10分
    sat = yaml.safe_load(e[q15.id].fix)[0]["satisfied"]
    assert [o.label for o in q15.options if o.code in sat] == ["9分", "10分"]
    u = {u.question_id: u for u in question_uses(qn)}
    assert u[q13.id].fix == "" and "满意" not in u[q13.id].fix
    assert "在「满意/知晓项」列为“9分、10分”填“是”" in u[q15.id].fix


@pytest.mark.parametrize("q, suggested", [
    (_q("imp", "以下各项工作对您的重要性", "scale", IMP), False),
    (_q("imp2", "您认为村务公开重要吗", "scale", ["1分", "2分", "3分", "4分", "5分"], [1, 2, 3, 4, 5]), False),
    (_q("agr", "村干部能及时回应群众诉求", "scale", AGREE, [1, 2, 3, 4, 5]), False),
    (_q("freq", "您参加村民议事会的频率（1分=从不，5分=经常）", "scale",
        ["1分", "2分", "3分", "4分", "5分"], [1, 2, 3, 4, 5]), False),
    (_q("agr_sat", "我对村干部回应群众诉求的情况感到满意", "scale", AGREE, [1, 2, 3, 4, 5]), True),
    (_q("sat", "您对村务公开工作的评价", "single", SAT), True),
    (_q("sat10", "您对驻村工作队的总体满意度（0-10分）", "scale",
        [f"{i}分" for i in range(11)], list(range(11))), True),
])
def test_satisfaction_is_suggested_only_where_labels_or_text_say_so(q, suggested):
    from kit.eligibility import satisfaction_eligibility

    qn = Questionnaire("示例", [q])
    e = satisfaction_eligibility(qn)
    fixes = e.fixes
    assert (q.id in fixes) == suggested, e.sentences
    u = question_uses(qn)[0]
    assert ("满意/知晓项" in u.fix) == suggested, u.fix
    if not suggested and e.considered:
        assert "不是满意度题" in u.reason, u.reason


@pytest.mark.parametrize("q, suggested", [
    (_q("a1", "您是否知道本村第一书记是谁", "yesno", ["是", "否"]), True),
    (_q("a2", "您是否听说过“积分超市”", "single", ["有", "没有"]), True),
    (_q("a3", "您对扶贫小额信贷政策是否了解", "yesno", ["是", "否"]), True),
    (_q("a4", "您知道本村党员先锋岗吗", "yesno", ["是", "否"]), True),
    (_q("a5", "驻村工作队", "yesno", ["知道", "不知道"]), True),   # the options say so
    (_q("n1", "请问您是中兴员工或有家属在中兴通讯工作吗?", "yesno", ["是", "否"]), False),
    (_q("n2", "您家是否有在外务工人员", "yesno", ["有", "没有"]), False),
    (_q("n3", "您是否参加过村民代表会议", "yesno", ["是", "否"]), False),
    (_q("n4", "您希望进一步了解哪方面的政策吗", "yesno", ["是", "否"]), False),
    (_q("n5", "您是否为党员", "yesno", ["是", "否"]), False),
])
def test_awareness_is_suggested_only_where_the_question_asks_what_one_knows(q, suggested):
    from kit.eligibility import awareness_eligibility

    e = awareness_eligibility(Questionnaire("示例", [q]))
    assert (q.id in e.fixes) == suggested, [c.reasons for c in e.considered]
    u = question_uses(Questionnaire("示例", [q]))[0]
    assert ("满意/知晓项" in u.fix) == suggested, u.fix


def test_check_speaks_of_the_workbook_and_short_yaml(exports, tmp_path, capsys):
    """The fix is said as the workbook's columns first; the YAML is only the lines that change
    (a few lines, not the 50-70-line entry); questions are named by number and title, not by a
    column of the 按序号 file (the 按文本 file has 33 columns, the 按序号 one 74)."""
    from kit.newproject import new_project

    made = new_project(str(tmp_path / "p"), [str(exports / "wjx_reportgen_2016_readable.xls"),
                                             str(exports / "wjx_reportgen_2016_original.xls")])
    assert main(["check", str(made.root)]) == 0
    out = capsys.readouterr().out
    assert "第74列" not in out and "请选择省份城市与地区" in out
    assert "问卷定义.xlsx" in out and "题目与选项" in out
    lines = out.splitlines()
    starts = [i for i, ln in enumerate(lines) if "questionnaire.yml" in ln and "改动" in ln]
    assert starts, out
    for i in starts:   # each YAML block: at most 6 lines after its heading
        block = list(itertools.takewhile(lambda ln: ln.startswith("      "), lines[i + 1:]))
        assert 0 < len(block) <= 6, lines[i:i + 12]
    assert not any("中兴员工" in ln and "知晓" in ln for ln in lines if "建议" in ln), out

