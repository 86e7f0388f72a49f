"""Every question tabulated (kit.descriptives): checked against numbers counted from the raw
export cells in this file (fastexcel on the raw sheet, no kit code), and against 问卷星's
published definitions of the multi-select and ranking statistics.

References
----------
- 问卷星 multi-select statistics: 响应率 = 该选项被选次数 ÷ 所有选项被选总次数; 普及率 = 该选项被选
  次数 ÷ 本题有效填写人次 (the definitions SPSS calls "percent of responses" and "percent of
  cases", IBM SPSS Statistics, MULT RESPONSE).
- 问卷星 ranking 综合得分 = Σ(频数 × 权值) ÷ 本题填写人次, 权值 = 排序位置数 − 名次 + 1 (issue 18);
  问卷星 help 「排序题综合排名规则」 (helpid=674): 综合排名 = Σ 名次 × 在此名次上的比例, with its
  worked example 1×20% + 2×10% + 3×30% + 4×0% + 5×10% + 6×30% = 3.6.
- Wilson (1927) score interval: centre (k + z²/2)/(n + z²), half-width
  z·√(k(n−k)/n + z²/4)/(n + z²), z = 1.959963984540054 (written out below).
- Quartiles: R quantile(type = 7) = Excel QUARTILE.INC = Python statistics.quantiles(method="inclusive").
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from fractions import Fraction

import pandas as pd
import pytest

import kit
from kit.descriptives import match_other, tabulate_questions

from kit.paths import ROOT

NEEDS = ROOT / "surveys" / "village-needs"
Z = 1.959963984540054
PAIR_800 = ("wjx_reportgen_800_800_0_text.xls", "wjx_reportgen_800_800_2_codes.xls")


def raw_sheet(path):
    """The raw cells: header list and body rows (strings or None), read with fastexcel only."""
    import fastexcel

    df = fastexcel.read_excel(str(path)).load_sheet(0, header_row=None).to_pandas()
    cells = [[None if (isinstance(v, float) and math.isnan(v)) or v is pd.NA else str(v) for v in row]
             for row in df.itertuples(index=False)]
    return [str(h) for h in cells[0]], cells[1:]


def column(header, body, start):
    j = next(i for i, h in enumerate(header) if h.strip().startswith(start))
    return [row[j] for row in body]


def wilson(k, n):
    centre = (k + Z * Z / 2) / (n + Z * Z)
    half = Z * math.sqrt(k * (n - k) / n + Z * Z / 4) / (n + Z * Z)
    return centre - half, centre + half


@pytest.fixture(scope="module")
def t800(exports):
    text, codes = PAIR_800
    r = kit.load_export(exports / text, codes=exports / codes)
    return r, tabulate_questions(r)


@pytest.fixture(scope="module")
def needs():
    proj = kit.load_project(NEEDS)
    r = proj.load()
    return proj, r, tabulate_questions(r, profile=proj.profile)


# --------------------------------------------------------------------------- 800 pair
def test_800_every_question_in_the_tables_with_its_base(t800, exports):
    r, tab = t800
    ids = [q.question_id for q in tab.questions]
    assert ids == [q.id for q in r.questionnaire.questions] == [f"q{k}" for k in range(1, 9)]
    header, body = raw_sheet(exports / PAIR_800[0])
    for q in tab.questions:
        cells = column(header, body, f"{q.number}、")
        answered = sum(1 for c in cells if c not in (None, "", "(跳过)", "(空)"))
        assert q.base == answered == 800, q.question_id
        assert f"回答本题的有效答卷{answered}份" in q.base_text()


def test_800_single_choice_counts_shares_and_wilson_from_raw_cells(t800, exports):
    _, tab = t800
    header, body = raw_sheet(exports / PAIR_800[0])
    for qid, start in (("q3", "3、"), ("q4", "4、"), ("q5", "5、"), ("q7", "7、")):
        counts = Counter(column(header, body, start))
        t = tab.by_id()[qid].table.set_index("option")
        n = sum(counts.values())
        for label, k in counts.items():
            assert t.loc[label, "n"] == k
            assert t.loc[label, "share"] == pytest.approx(k / n, abs=1e-12)
            lo, hi = wilson(k, n)
            assert (t.loc[label, "ci_low"], t.loc[label, "ci_high"]) == pytest.approx((lo, hi), abs=1e-9)
        assert t["n"].sum() == n == 800
    # 性别: 427 男, 373 女 (counted in the raw text cells above)
    assert tab.by_id()["q3"].table.set_index("option")["n"].to_dict() == {"男": 427, "女": 373}


@pytest.mark.parametrize("qid,number", [("q6", 6), ("q8", 8)])
def test_800_multi_select_response_and_case_percent_from_raw_cells(t800, exports, qid, number):
    """响应率 and 普及率 from the 0/1 columns of the 按序号 file, and the same counts from the
    '┋'-joined cells of the 按文本 file."""
    _, tab = t800
    header, body = raw_sheet(exports / PAIR_800[1])
    cols = [(i, re.match(rf"第{number}题\((.*)\)$", h.strip()).group(1)) for i, h in enumerate(header)
            if re.match(rf"第{number}题\(", h.strip())]
    chosen = {lb: sum(1 for row in body if row[i] == "1") for i, lb in cols}
    respondents = sum(1 for row in body if any(row[i] == "1" for i, _ in cols))
    total = sum(chosen.values())
    res = tab.by_id()[qid]
    t = res.table.set_index("option")
    assert res.base == respondents and res.summary["n_selections"] == total
    for lb, k in chosen.items():
        shown = lb.replace("【请注明】", "")    # the table prints 「其他」, not the export's fill-in marker
        assert t.loc[shown, "n"] == k
        assert t.loc[shown, "response_share"] == pytest.approx(k / total, abs=1e-12)   # 响应率
        assert t.loc[shown, "case_share"] == pytest.approx(k / respondents, abs=1e-12)  # 普及率
    assert t["response_share"].sum() == pytest.approx(1.0)
    assert t["case_share"].sum() == pytest.approx(total / respondents)
    th, tb = raw_sheet(exports / PAIR_800[0])
    words = Counter(re.sub(r"〖.*?〗", "", x) for cell in column(th, tb, f"{number}、") for x in cell.split("┋"))
    for lb, k in chosen.items():
        assert words.get(lb, 0) == k


def test_800_profile_found_by_titles(t800):
    _, tab = t800
    p = tab.profile
    assert [q.question_id for q in p.questions] == ["q3", "q4", "q5"]   # 性别, 年龄, 月收入
    assert (p.n_total, p.n_excluded, p.n_valid) == (800, 0, 800)
    assert "没有提交时间" in p.sentences[1] and p.dates.empty            # metadata blanked in this file


# ------------------------------------------------------------------------- rankings
def _wjx_text_export(path, rows):
    """A small 问卷星 按文本 workbook: 序号, 提交答卷时间, 所用时间, then the given question columns."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "提交答卷时间", "所用时间"] + list(rows[0]))
    for i, row in enumerate(rows[1:], start=1):
        ws.append([i, f"2024/5/{i % 28 + 1} 10:00:00", "300秒"] + list(row))
    wb.save(path)
    return path


def test_ranking_score_by_hand_with_fractions(tmp_path):
    """Four respondents rank options A, B, C: A→B→C, B→A, A→C, A. Three positions, so the
    weights are 3, 2, 1 (P − p + 1 with P = 3)."""
    path = _wjx_text_export(tmp_path / "rank.xlsx", [
        ["1、请排序 (排序题)", "2、说明 (填空题)"],
        ["A→B→C", "x"], ["B→A", "x"], ["A→C", "x"], ["A", "x"]])
    r = kit.load_export(path)
    res = tabulate_questions(r).by_id()["q1"]
    t = res.table.set_index("option")
    assert res.base == 4 and res.summary["positions"] == 3 and res.summary["weights"] == [3, 2, 1]
    expected = {  # option: (score, mean rank, times ranked) by hand
        "A": (Fraction(3 * 3 + 1 * 2, 4), Fraction(1 + 2 + 1 + 1, 4), 4),
        "B": (Fraction(1 * 3 + 1 * 2, 4), Fraction(2 + 1, 2), 2),
        "C": (Fraction(1 * 2 + 1 * 1, 4), Fraction(3 + 2, 2), 2),
    }
    for opt, (score, mean_rank, n) in expected.items():
        assert t.loc[opt, "score"] == pytest.approx(float(score), abs=1e-12)
        assert t.loc[opt, "mean_rank"] == pytest.approx(float(mean_rank), abs=1e-12)
        assert t.loc[opt, "n_ranked"] == n
    assert list(res.table["option"]) == ["A", "B", "C"]            # ordered by 综合得分


def test_ranking_mean_rank_reproduces_wjx_help_example(tmp_path):
    """问卷星's help: an option at positions 1-6 with shares 20%, 10%, 30%, 0%, 10%, 30% has
    综合排名 1×20% + 2×10% + 3×30% + 4×0% + 5×10% + 6×30% = 3.6."""
    positions = [1, 1, 2, 3, 3, 3, 5, 6, 6, 6]          # ten respondents: shares as in the help
    others = ["B", "C", "D", "E", "F"]
    rows = [["1、请排序 (排序题)"]]
    for p in positions:
        order = others[: p - 1] + ["A"] + others[p - 1:]
        rows.append(["→".join(order)])
    res = tabulate_questions(kit.load_export(_wjx_text_export(tmp_path / "help.xlsx", rows))).by_id()["q1"]
    assert res.table.set_index("option").loc["A", "mean_rank"] == pytest.approx(3.6, abs=1e-12)


def test_2016_ranking_from_raw_codes(exports):
    """The 2016 pair's ranking question: frequencies per position counted from the raw rank
    cells (-2: not ranked) of the valid responses. Valid: the two responses not under a third
    of the median time (所用时间 5, 136, 8, 60 秒: median 34, threshold 11.3 s)."""
    header, body = raw_sheet(exports / "wjx_reportgen_2016_original.xls")
    dur = [int(x.rstrip("秒")) for x in column(header, body, "所用时间")]
    cut = statistics.median(dur) / 3
    valid = [i for i, d in enumerate(dur) if d >= cut]
    assert valid == [1, 3]
    cols = [(i, re.match(r"第12题\((.*)\)$", h.strip()).group(1)) for i, h in enumerate(header)
            if h.strip().startswith("第12题(")]
    ranks = {lb: [int(body[v][i]) for v in valid if int(body[v][i]) > 0] for i, lb in cols}
    P = max(max(x) for x in ranks.values() if x)
    respondents = sum(1 for v in valid if any(int(body[v][i]) > 0 for i, _ in cols))
    r = kit.load_export(exports / "wjx_reportgen_2016_readable.xls", codes=exports / "wjx_reportgen_2016_original.xls")
    res = tabulate_questions(r).by_id()["q12"]
    t = res.table.set_index("option")
    assert res.summary["positions"] == P == 24 and res.base == respondents == 2
    for lb, rs in ranks.items():
        score = Fraction(sum(P - p + 1 for p in rs), respondents)
        assert t.loc[lb, "score"] == pytest.approx(float(score), abs=1e-12), lb
        assert t.loc[lb, "n_ranked"] == len(rs)


# ------------------------------------------------------------------- village-needs
def _speeders(header, body):
    dur = [int(x.rstrip("秒")) for x in column(header, body, "所用时间")]
    cut = statistics.median(dur) / 3
    return {i for i, d in enumerate(dur) if d < cut}


def test_needs_skip_logic_left_out_of_the_base(needs):
    _, r, tab = needs
    header, body = raw_sheet(next((NEEDS / "raw").glob("*按序号*")))
    bad = _speeders(header, body)
    assert len(bad) == 4
    cells = [c for i, c in enumerate(column(header, body, "10、")) if i not in bad]
    skipped = sum(1 for c in cells if c == "-3")
    res = tab.by_id()["volunteer_sat"]
    assert res.base == len(cells) - skipped and res.missing["skipped"] == skipped == 209
    assert "逻辑跳过209份" in res.base_text()
    counts = Counter(c for c in cells if c != "-3")
    assert res.table.set_index("option_code")["n"].to_dict() == {k: counts.get(str(k), 0) for k in range(1, 6)}
    sat = counts["4"] + counts["5"]
    assert res.summary["n_satisfied"] == sat
    scores = [int(c) for c in cells if c != "-3"]
    assert res.summary["mean"] == pytest.approx(statistics.fmean(scores), abs=1e-12)
    assert res.summary["index"] == pytest.approx((statistics.fmean(scores) - 1) / 4 * 100, abs=1e-9)


def test_needs_other_texts_naming_an_option_are_recoded_and_listed(needs):
    _, r, tab = needs
    header, body = raw_sheet(next((NEEDS / "raw").glob("*按文本*")))
    bad = _speeders(header, body)
    cells = [c for i, c in enumerate(column(header, body, "5、")) if i not in bad]
    typed_party = sum(1 for c in cells if c == "其他【请注明】〖党员〗")
    res = tab.by_id()["identity"]
    t = res.table.set_index("option")
    assert typed_party == 4 and len(res.recoded) == typed_party
    assert t.loc["党员", "n"] == sum(1 for c in cells if c == "党员") + typed_party
    assert t.loc["其他", "n"] == sum(1 for c in cells if c.startswith("其他【请注明】")) - typed_party
    assert set(res.recoded["option"]) == {"党员"}
    assert "不是党员，是入党积极分子" in set(res.other_texts)          # a negation is not recoded
    # multi-select: 技能培训 typed under 其他 counts once under 技能培训
    cells7 = [c for i, c in enumerate(column(header, body, "7、")) if i not in bad]
    chosen = sum(1 for c in cells7 if "技能培训" in [x for x in c.split("┋")])
    typed = [c for c in cells7 if re.search(r"〖(技能培训|希望多开展技能培训)〗", c)]
    both = sum(1 for c in typed if "技能培训" in c.split("┋"))
    m = tab.by_id()["services"].table.set_index("option")
    assert m.loc["技能培训", "n"] == chosen + len(typed) - both


def test_needs_numeric_fill_in_from_raw_cells(needs):
    _, _, tab = needs
    header, body = raw_sheet(next((NEEDS / "raw").glob("*按文本*")))
    bad = _speeders(header, body)
    cells = [c for i, c in enumerate(column(header, body, "6、")) if i not in bad]
    nums = [int(m.group(1)) for c in cells if (m := re.fullmatch(r"(\d+)人?", c))]
    res = tab.by_id()["household"]
    assert res.kind == "numeric" and res.base == len(nums) == len(cells) - 1
    assert res.missing["not_numeric"] == 1
    row = res.table.iloc[0]
    q1, med, q3 = statistics.quantiles(nums, n=4, method="inclusive")
    assert (row["mean"], row["median"], row["q1"], row["q3"]) == pytest.approx(
        (statistics.fmean(nums), med, q1, q3), abs=1e-12)
    assert row["sd"] == pytest.approx(statistics.stdev(nums), abs=1e-12)
    assert res.summary["unit"] == "人"
    from kit.question_tables import summary_sentence

    from decimal import ROUND_HALF_UP, Decimal

    mean = Decimal(sum(nums)) / Decimal(len(nums))            # exact, then 四舍五入 to 2 places
    assert summary_sentence(res).startswith(f"平均数{mean.quantize(Decimal('0.01'), ROUND_HALF_UP)}")  # not 平均分


def test_needs_profile_and_sample_accounting(needs):
    proj, r, tab = needs
    p = tab.profile
    assert (p.n_total, p.n_excluded, p.n_valid) == (360, 4, 356)
    assert p.exclusions.set_index("reason")["n"].to_dict() == {"speeder": 4}
    assert [q.question_id for q in p.questions] == proj.profile == ["township", "gender", "age", "identity"]
    assert p.dates["n_received"].sum() == 360 and p.dates["n_valid"].sum() == 356
    assert str(p.first.date()) == "2024-06-03" and p.sentences[0] == r.exclusion_sentence()


def test_profile_defaults_to_groups_and_role_profile(needs):
    _, r, _ = needs
    tab = tabulate_questions(r)
    assert [q.question_id for q in tab.profile.questions] == ["township", "village", "gender", "age", "identity"]


@pytest.mark.parametrize("name", ["poverty-alleviation", "village-residents", "cadre-appraisal",
                                  "member-appraisal", "village-needs"])
def test_every_question_of_every_bundled_survey_is_tabulated(name):
    r = kit.load_project(ROOT / "surveys" / name).load()
    tab = tabulate_questions(r)
    ids = [x.question_id for x in tab.questions]
    for q in r.questionnaire.questions:
        assert any(i == q.id or i.startswith(q.id + "_") for i in ids), (name, q.id)
    for q in tab.questions:
        assert q.n_valid == r.n_valid and 0 <= q.base <= q.n_valid, (name, q.question_id)
        _every_response_in_the_base_or_missing(q)
        assert q.base_text().startswith("样本量：")


def _every_response_in_the_base_or_missing(q):
    """Every valid response is in the base or counted once as missing by kind (skipped, empty,
    blank, invalid, nothing selected, not a number), for every kind of question; a matrix's
    rows each the same way."""
    assert q.base + sum(q.missing.values()) == q.n_valid, (q.question_id, q.kind, q.missing)
    if q.kind == "matrix":
        for row in q.table.itertuples():
            assert row.n + row.skipped + row.empty + row.blank + row.invalid == q.n_valid, (q.question_id, row)


def test_match_other_rules():
    labels = ["政策宣传解读", "技能培训", "其他【请注明】"]
    assert match_other(" 技能培训 ", labels) == "技能培训"
    assert match_other("希望多开展技能培训", labels) == "技能培训"
    assert match_other("不要技能培训", labels) is None
    assert match_other("其他", labels) is None
    assert match_other("", labels) is None


@pytest.mark.parametrize("text,codes", [PAIR_800, ("wjx_reportgen_357_357_0_text.xls", "wjx_reportgen_357_357_2_codes.xls"),
                                        ("wjx_reportgen_2016_readable.xls", "wjx_reportgen_2016_original.xls")])
def test_every_wjx_pair_of_the_corpus_tabulated(exports, text, codes):
    r = kit.load_export(exports / text, codes=exports / codes)
    tab = tabulate_questions(r)
    assert [q.question_id for q in tab.questions] == [q.id for q in r.questionnaire.questions]
    for q in tab.questions:
        assert q.n_valid == r.n_valid
        _every_response_in_the_base_or_missing(q)


def test_village_needs_generator_is_reproducible(tmp_path, run_script):
    assert run_script("village-needs/generate.py", tmp_path) == {"n": 360, "speeders": 4}
    for kind in ("按文本", "按序号"):
        new = next((tmp_path / "raw").glob(f"*{kind}*"))
        old = next((NEEDS / "raw").glob(f"*{kind}*"))
        pd.testing.assert_frame_equal(kit.io.table.read_table(new).body, kit.io.table.read_table(old).body)
    assert (tmp_path / "questionnaire.yml").read_text("utf-8") == (NEEDS / "questionnaire.yml").read_text("utf-8")


@pytest.mark.parametrize("answers, why", [([3.0], "仅1份回答，无法计算置信区间"),
                                          ([3.0, 3.0, 3.0], "全部3份回答相同，无法估计置信区间")])
def test_mean_of_one_or_identical_answers_has_no_interval(answers, why):
    """A t interval needs n ≥ 2 and some spread (s > 0): one answer 3 (or three answers 3) is the
    mean 3.00 with the reason there is no interval, never 「95%置信区间：3.00–3.00」."""
    import numpy as np

    from kit.descriptives import QuestionResult, _mean_summary
    from kit.question_tables import summary_sentence

    s = _mean_summary(np.array(answers), 1, 5)
    assert "mean_ci_low" not in s and "index_ci_low" not in s and s["mean"] == 3.0
    res = QuestionResult("q", "满意吗", "scale", 1, len(answers), len(answers), {}, pd.DataFrame(), s)
    text = summary_sentence(res)
    assert text.startswith(f"平均分3.00（{why}）") and "3.00–3.00" not in text


def test_mean_with_spread_keeps_its_t_interval():
    """[4, 5, 5, 3, 4]: mean 21/5 = 4.2, s = √0.7, t(0.975, 4) = 2.776445 (R: qt(0.975, 4)),
    half-width 2.776445·√0.7/√5 = 1.0388 -> 3.16–5.24."""
    import numpy as np

    from kit.descriptives import QuestionResult, _mean_summary
    from kit.question_tables import summary_sentence

    s = _mean_summary(np.array([4.0, 5, 5, 3, 4]), 1, 5)
    res = QuestionResult("q", "满意吗", "scale", 1, 5, 5, {}, pd.DataFrame(), s)
    assert summary_sentence(res).startswith("平均分4.20（95%置信区间：3.16–5.24）")
