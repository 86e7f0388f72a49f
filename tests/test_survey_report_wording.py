"""The wording of the survey report (issue 19, newcomer test): what a document handed in may
say and how it says it.

Every expected value below is a hand count of the small answers written in the test (quoted
in the comments), or the text the codebook itself gives (the options it marks satisfied).
"""

from __future__ import annotations

import re
from types import SimpleNamespace as N

import pandas as pd
import pytest

from kit import survey_report as sr
from kit.eligibility import Instruction, awareness_eligibility
from kit.questionnaire import Option, Question, Questionnaire, short_title
from kit.render import Document
from kit.satisfaction import caveat_note, is_recommendation


def _text(doc: Document) -> str:
    """Every word the document would print: paragraphs, captions, cells and notes."""
    out = []
    for b in doc.blocks:
        b = getattr(b, "table", b)   # a table block holds its Table
        for attr in ("text", "caption"):
            v = getattr(b, attr, None)
            if isinstance(v, str):
                out.append(v)
        for row in getattr(b, "rows", []) or []:
            cells = getattr(row, "cells", row)
            out += [str(c) for c in cells]
        out += [str(n) for n in getattr(b, "notes", []) or []]
    return "\n".join(out)


def _ctx(a=None) -> sr._Context:
    return sr._Context(a or N(project=None, waves=[]), Document("测试报告"), {})


# ------------------------------------------------------------------ 1. no instructions handed in
def test_instructions_to_the_evaluator_never_reach_the_report():
    # q1 a yes/no question without a 知晓项: the awareness analysis leaves it out and tells the
    # evaluator how to fix questionnaire.yml; the report says only that no awareness question was set
    qn = Questionnaire("t", [Question("q1", "您是否知道本村的帮扶政策？", "yesno",
                                      options=[Option(1, "是"), Option(2, "否")])])
    hints = awareness_eligibility(qn).sentences
    assert hints and all(isinstance(s, Instruction) for s in hints)
    assert any("questionnaire.yml" in s for s in hints)     # the hint is there, for the terminal
    shown = sr._handed_in(["总体满意率为90.0%。", *hints])
    assert shown == ["总体满意率为90.0%。", "本次调查未设置政策知晓题。"]
    res = N(by_group=pd.DataFrame(), group_tests=pd.DataFrame(), warnings=list(hints))
    assert caveat_note(res, hints=False) == ""
    assert "questionnaire.yml" in caveat_note(res)          # notebooks keep them


# ------------------------------------------------------------------ 2. 满意率 as the codebook defines it
def _items(*rows):
    return pd.DataFrame([{"question_id": q, "item": t, "column": q, "scale_min": lo, "scale_max": hi}
                         for q, t, lo, hi in rows])


def test_satisfied_definition_from_the_codebook():
    ten = [Option(i, f"{i}分", float(i)) for i in range(11)]
    five = [Option(i, lab, float(i)) for i, lab in enumerate(["非常不满意", "不满意", "一般", "满意", "非常满意"], 1)]
    qn = Questionnaire("t", [Question("a", "您对村务公开的满意程度", "scale", options=ten, satisfied=[8, 9, 10]),
                             Question("b", "您对道路维修的满意程度", "scale", options=ten, satisfied=[8, 9, 10])])
    res = N(items=_items(("a", "村务公开的满意程度", 0, 10), ("b", "道路维修的满意程度", 0, 10)))
    note = sr._index_note(res, qn)
    assert note.startswith("满意率为回答“8分”、“9分”或“10分”的比例；")
    assert "非常满意" not in note
    # per item when the items count different answers
    qn.questions.append(Question("c", "您对党员服务的满意程度", "scale", options=five, satisfied=[4, 5]))
    res = N(items=_items(("a", "村务公开", 0, 10), ("c", "党员服务", 1, 5)))
    d = sr._satisfied_definition(res, qn)
    assert "“村务公开”为“8分”、“9分”或“10分”" in d and "“党员服务”为“满意”或“非常满意”" in d


# ------------------------------------------------------------------ 3. NPS only for a recommendation question
def test_nps_only_for_a_recommendation_question():
    assert is_recommendation("您有多大可能向亲友推荐本村的便民服务？")
    assert is_recommendation("您是否愿意把本村做法介绍给其他村？")
    assert not is_recommendation("您对本村党建工作的总体满意程度（0-10分）")


def test_nps_cells_do_not_break_and_say_no_phrase():
    from kit.tables import nps_table

    # 2 answers, both 0 (detractors): NPS = (0 - 2) / 2 = -100, the interval a point
    t = pd.DataFrame([{"title": "推荐意愿", "n_valid": 2, "n_promoters": 0, "n_passives": 0, "n_detractors": 2,
                       "promoters": 0.0, "passives": 0.0, "detractors": 1.0, "nps_ci_low": -1.0,
                       "nps_ci_high": -1.0, "ci_degenerate": True}])
    shown = nps_table(N(nps=t))
    assert shown["NPS"].iloc[0] == "−100.0"          # the minus sign U+2212, not a hyphen
    table = sr._frame_table(shown, "净推荐值")
    cells = [str(getattr(c, "value", c)) for row in table.rows for c in getattr(row, "cells", row)]
    assert "退化为一点（无法估计）" not in cells and "—" in cells
    assert any("无法估计置信区间" in n for n in table.notes)


# ------------------------------------------------------------------ 4. ties among the respondents
def _responses(qs, data):
    """Real Responses over the answers ``data`` (question id -> codes), none excluded: the report
    counts through kit.descriptives as 逐题统计 does."""
    from kit.responses import Responses

    frame = pd.DataFrame(data).astype("float64")
    frame.insert(0, "response_id", [f"r{i}" for i in range(len(frame))])
    questions = pd.DataFrame({"column": list(data), "question_id": list(data), "title": list(data),
                              "type": "single", "value": "code", "row_label": None})
    r = Responses(frame, frame.isna().replace({True: "empty", False: None}).astype(object),
                  questions, pd.DataFrame(columns=["response_id", "reasons", "detail", "excluded"]),
                  None, Questionnaire("t", qs))
    return r


def test_profile_sentence_names_ties():
    sex = Question("sex", "您的性别是？", "single", options=[Option(1, "男"), Option(2, "女")], role="group")
    r = _responses([sex], {"sex": [1, 2]})                    # 1 man, 1 woman
    s = sr._profile_sentence(r, ["sex"])
    assert s == "受访者中，按性别分，男、女各1人。"
    age = Question("age", "您的年龄为", "single", options=[Option(1, "30岁以下"), Option(2, "30—50岁"),
                                                          Option(3, "50岁以上")])
    r = _responses([age], {"age": [1, 1, 2, 2, 3]})          # 2, 2, 1
    assert sr._profile_sentence(r, ["age"]) == "受访者中，按年龄分，30岁以下、30—50岁最多，各2人。"
    r = _responses([age], {"age": [1, 2, 2, 3]})              # 1, 2, 1
    assert sr._profile_sentence(r, ["age"]) == "受访者中，按年龄分，30—50岁最多。"


def test_most_chosen_answer_names_every_tied_option():
    q = Question("q3", "您最关心的问题", "single", options=[Option(1, "道路维修还需加快"), Option(2, "建议村务公开更及时"),
                                                           Option(3, "其他")])
    r = _responses([q], {"q3": [1] * 9 + [2] * 9 + [3] * 2})
    ctx = _ctx()
    sr._question_items(ctx, N(responses=r, wave=N(id="w")))
    # 9, 9, 2 of 20 answers: both tied answers named, each 9/20 = 45.0%
    assert "选择“道路维修还需加快”和“建议村务公开更及时”的最多，各占45.0%" in _text(ctx.doc)


# ------------------------------------------------------------------ 5. groups too small to compare
def test_groups_too_small_are_not_compared():
    bg = pd.DataFrame({"group_by": ["sex", "sex", "edu", "edu"], "group_title": ["您的性别是？"] * 2 + ["您的最高学历是"] * 2,
                       "n_valid": [1, 1, 1, 1]})
    assert sr._too_few(bg, 30) == {"sex": "性别", "edu": "最高学历"}
    bg.loc[0, "n_valid"] = 30                                  # one group with 30 answers: compared
    assert sr._too_few(bg, 30) == {"edu": "最高学历"}


# ------------------------------------------------------------------ 6. wording
def test_organiser_not_organised_twice():
    assert sr._organised("某县委组织部") == "开展了"
    assert sr._organised("某乡镇党委") == "组织开展了"


def test_group_names_without_the_copula():
    assert [short_title(t) for t in ("您的最高学历是：", "您的年龄为？", "身份是", "您的身份")] == \
        ["最高学历", "年龄", "身份", "身份"]
    assert short_title("总体满意度（0–10分）") == "总体满意度（0–10分）"   # a note in brackets is kept whole


def test_small_groups_of_two_groupings_in_two_clauses():
    # 80 villages all small; of the identities only 村干部 small: two clauses, not one merged sentence
    bg = pd.DataFrame({"group_by": ["v"] * 80 + ["id"] * 2, "group_title": ["您所在的行政村"] * 80 + ["您的身份"] * 2,
                       "group": [f"村{i}" for i in range(80)] + ["村干部", "村民"],
                       "column": "all", "n_valid": [10] * 80 + [12, 200]})
    bg["small_n"] = bg["n_valid"] < 30
    note = caveat_note(N(by_group=bg, group_tests=pd.DataFrame(), warnings=[], overall={"column": "all"}))
    assert "按行政村分的全部80个组，以及身份为“村干部”的组，有效答卷均少于30份" in note
    assert "组，身份为" not in note


def test_weighting_method_said_once():
    ctx = _ctx(N(project=None, waves=[N()]))
    w = pd.DataFrame({"role": ["overall"], "measure": ["share"], "item": ["总体满意度"], "n": [10],
                      "n_strata": [1], "n_clusters": [5], "estimate": [0.9], "se": [0.05],
                      "ci_low": [0.8], "ci_high": [0.97], "deff": [1.2]})
    w.attrs["note"] = "标准误用泰勒线性化计算，权重视为固定，抽样单元按有放回抽取处理。"
    res = N(weighted=w, design="按户数加权", design_units="")
    sr._weighted_appendix(ctx, N(satisfaction=res, wave=N(id="w"), label="本次"))
    text = _text(ctx.doc)
    assert "权重视为固定" in text                       # the table's note is printed
    assert text.count("泰勒线性化") == 1


def test_choice_questions_that_all_describe_the_respondents_are_not_called_missing():
    # the 问卷星 357 pair: 性别、年龄、最高学历, all three grouping questions (shown in 样本基本情况)
    qs = [Question(i, t, "single", options=[Option(1, "甲"), Option(2, "乙")], role="group")
          for i, t in (("q1", "请问您的性别？"), ("q2", "请问您的年龄?"), ("q3", "请问您的最高学历是?"))]
    r = N(questionnaire=Questionnaire("t", qs, groups=["q1", "q2", "q3"]),
          valid=pd.DataFrame({"q1": [1, 2], "q2": [1, 1], "q3": [2, 2]}))
    ctx = _ctx()
    sr._question_items(ctx, N(responses=r, wave=N(id="w")))
    text = _text(ctx.doc)
    assert "没有可以逐项统计的选择题" not in text
    assert "问卷的3道选择题（性别、年龄、最高学历）都是受访者基本情况题" in text


def test_multiple_choice_questions_are_tabulated(tmp_path):
    """village-needs: 「您最希望村党组织提供哪些服务？」 is a multiple-choice question; the report
    gives its table and names the option chosen most often. The expected counts are counted
    here from the 按序号 export (1 = chosen), over the answers the quality check keeps."""
    import kit
    from kit.paths import ROOT

    proj = kit.load_project(ROOT / "surveys" / "village-needs")
    r = proj.load()
    q = r.questionnaire.by_id()["services"]
    # the 按文本 export: options joined by ┋; 「其他【请注明】〖技能培训〗」 names an option that is
    # listed (or says it: 「希望多开展技能培训」), so it counts for that option (once per person) and not
    # for 其他 (the kit's note under the table says so)
    raw = pd.read_excel(proj.waves[0].export, dtype=str)
    dropped = set(r.quality.loc[r.quality["excluded"].astype(bool), "response_id"].astype(str))
    raw = raw[~raw["序号"].isin(dropped)]
    assert len(raw) == 356                                   # 360 answers, 4 speeders dropped
    col = next(c for c in raw.columns if c.startswith("7、"))
    labels = [o.label for o in q.options]
    counts = dict.fromkeys(labels, 0)
    answered = 0
    for cell in raw[col].dropna():
        chosen = set()
        for part in cell.split("┋"):
            m = re.fullmatch(r"(其他【请注明】)〖(.*)〗", part)
            named = [x for x in labels if m and x in m.group(2)]   # 「希望多开展技能培训」 names 技能培训
            chosen.add(named[0] if len(named) == 1 else (m.group(1) if m else part))
        answered += 1
        for x in chosen:
            counts[x] += 1
    best = max(counts.values())
    ctx = _ctx()
    wa = N(responses=r, wave=N(id="w"))
    assert sr._multi_items(ctx, wa, q) == 1
    text = _text(ctx.doc)
    assert "最希望村党组织提供哪些服务（多选题）" in text
    from fractions import Fraction

    share = sr.fmt_percent(Fraction(best, answered))
    top = [c for c, k in counts.items() if k == best]
    assert f"选择{sr._tied(top)}的最多，{'各' if len(top) > 1 else ''}占回答该题人数的{share}" in text


# ------------------------------------------------------------------ small groups as the table counts them
def test_small_group_note_counts_the_groups_the_table_shows():
    """Two villages of 40 and 35 answers to the overall item (the table 「各村总体满意率」 shows
    40 and 35), and a skipped item answered by 12 and 10 of them: no group is small in the table,
    so the note must not call 「全部2个组」 small. With 40 and 25 it names the one village of 25."""
    def res(n1, n2):
        bg = pd.DataFrame({"group_by": ["v"] * 4, "group_title": ["您所在的村"] * 4,
                           "group": ["东村", "西村", "东村", "西村"], "column": ["all", "all", "skip", "skip"],
                           "n_valid": [n1, n2, 12, 10]})
        bg["small_n"] = bg["n_valid"] < 30
        return N(by_group=bg, group_tests=pd.DataFrame(columns=["warning", "group_title"]), warnings=[],
                 overall={"column": "all"})

    assert caveat_note(res(40, 35), hints=False) == ""
    assert caveat_note(res(40, 25), hints=False).startswith("需要说明：村为“西村”的组有效答卷少于30份")
    assert "全部" not in caveat_note(res(40, 25), hints=False)


def test_values_tied_as_printed_are_not_ordered():
    """Dimensions at 73.54 and 73.46 both print 73.5 (四舍五入 to one decimal): named together, not
    one 「最高」 and one lower. Items at 0.6684 and 0.6676 both print 66.8%: when the third lowest
    prints 66.8%, every item printed 66.8% is named."""
    dims = N(dimensions=pd.DataFrame({"dimension": ["甲", "乙", "丙"], "index": [73.54, 73.46, 70.0]}))
    assert sr._dimension_sentence(dims) == "各维度中，满意度指数最高的是“甲”和“乙”（均为73.5），最低的是“丙”（70.0）。"
    items = pd.DataFrame({"role": ["item"] * 6, "column": list("abcdef"), "item": list("ABCDEF"),
                          "satisfied_share": [0.60, 0.65, 0.6684, 0.6676, 0.80, 0.90]})
    s = sr._lowest_items(N(items=items))
    assert s == "各题中满意率最低的是“A”（60.0%）、“B”（65.0%）、“D”（66.8%）和“C”（66.8%），是群众评价相对较低的方面。"
