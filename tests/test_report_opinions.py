"""六、意见建议 of the survey report (issue 19): the open answers coded through kit.opentext.

Every expected figure here is counted from the raw export cells, read with fastexcel (not through
the kit), after the exclusions written down in each sample's DATA_LOG.md and applied here by hand:
答题用时 below a third of the median time (问卷星 「所用时间」 「344秒」), and a repeat of an earlier
respondent's phone number (the first call counts). Shares are exact fractions rounded half up
(四舍五入) by hand to tenths of a percent.

- village-needs has ``codes:`` for its suggestion question: each distinct answer was read and given
  the categories whose keywords it contains (HAND below), and the categories are counted over the
  valid responses' cells;
- poverty-alleviation has no ``codes:``: the words table is checked against the number of valid
  answers whose raw cell contains the word, and ten answers with a name and a phone number are
  planted (each a different number, so that only masking makes them the same answer): the
  typical answer shows them masked, and neither the name nor a digit string reaches the .docx or
  its PDF.
"""

from __future__ import annotations

import re
import zipfile
from fractions import Fraction
from pathlib import Path

import fastexcel
import pytest

import kit
from kit.paths import ROOT
from kit.survey_report import write_survey_report

from helpers import copy_sample
from test_survey_report import _blocks, _conclusions, _tables

NEEDS = ROOT / "surveys" / "village-needs"
NEEDS_EXPORT = "raw/27183141_按文本_村级党组织服务需求调查_360_360.xlsx"
POVERTY_EXPORTS = ["raw/56781234_按文本_党建引领扶贫工程电话回访问卷_420_420.xlsx",
                   "raw/56781234_按序号_党建引领扶贫工程电话回访问卷_420_420.xlsx"]

# village-needs' codes: (project.yml) and every distinct suggestion, coded by reading it
CODES = {"道路交通": "道路、修路、路灯、硬化", "产业就业": "产业、就业、技术培训、销售、农产品",
         "环境卫生": "垃圾、卫生、河道、环境", "党务村务公开": "公开、账目、通知", "养老服务": "老人、养老、老年"}
HAND = {
    "留守老人需要有人照顾": {"养老服务"},
    "党员活动可以多通知群众参加": {"党务村务公开"},          # 通知
    "老人多，希望办个老年食堂": {"养老服务"},
    "帮助销售农产品": {"产业就业"},
    "多引进一些产业项目，让年轻人在家门口就业": {"产业就业"},
    "村务公开要更及时，账目要公开": {"党务村务公开"},
    "希望组织种养殖技术培训": {"产业就业"},                   # 技术培训
    "修路的事情请抓紧": {"道路交通"},
    "垃圾清运不及时，环境卫生要加强": {"环境卫生"},
    "村里的路灯坏了好久没人修": {"道路交通"},
    "河道需要清理": {"环境卫生"},
    "希望尽快把进组道路硬化": {"道路交通"},
    "路灯问题请联系我": {"道路交通"},                         # followed by a phone number in the cell
}
NO_CONTENT = {"没有", "没有意见", "暂无", "无"}
EMPTY = {"(空)", ""}

PLANTED = "村支书王建国不作为，请打1391234{:04d}找我"
PLANTED_MASKED = "村支书〔姓名已隐去〕不作为，请打〔电话已隐去〕找我"


# ------------------------------------------------------------------------------ by hand
def _pct(k: int, n: int) -> str:
    """k/n as a percentage with one decimal, half up, exactly."""
    tenths = int(Fraction(1000 * k, n) + Fraction(1, 2))
    return f"{tenths // 10}.{tenths % 10}%"


def _raw(path: Path):
    return fastexcel.read_excel(str(path)).load_sheet(0).to_pandas()


def _valid(df):
    """The rows the DATA_LOG says are kept: not faster than a third of the median time, not a
    repeat of an earlier respondent's phone."""
    secs = df["所用时间"].map(lambda v: int(re.fullmatch(r"(\d+)秒", str(v)).group(1)))
    ok = secs * 3 >= secs.median()                     # time < median / 3 is a speeder
    phone = [c for c in df.columns if "联系电话" in c]
    if phone:
        ok &= ~df[phone[0]].astype(str).duplicated()
    return ok


def _answers(df, prefix: str) -> list[str]:
    col = next(c for c in df.columns if c.startswith(prefix))
    cells = df.loc[_valid(df), col]
    return [str(v).strip() for v in cells if v is not None and str(v).strip() not in EMPTY and str(v) != "nan"]


def _hand_codes(answer: str) -> set[str] | None:
    if answer in NO_CONTENT:
        return None
    key = next((k for k in HAND if answer == k or (k == "路灯问题请联系我" and answer.startswith(k))), None)
    assert key is not None, f"an answer not coded by hand yet: {answer}"
    return HAND[key]


def _table(blocks, caption: str) -> list[list[str]]:
    """The rows of the table whose caption contains ``caption``."""
    i = next(i for i, b in enumerate(blocks) if b[0] == "p" and b[2] == "Caption" and caption in b[1])
    cells = blocks[i + 1][1]
    width = next(k for k in range(1, len(cells) + 1) if cells[k - 1] in ("比例", "相同回答数"))
    return [cells[j:j + width] for j in range(0, len(cells), width)]


def _section(blocks, captions: bool = False) -> list[str]:
    """The paragraphs of 意见建议 (to the next heading or 附表), captions only if asked."""
    start = next(i for i, b in enumerate(blocks) if b[0] == "p" and b[2] == "Heading 1" and b[1].endswith("意见建议"))
    out = []
    for b in blocks[start + 1:]:
        if b[0] == "p" and (b[2].startswith("Heading") or b[2] == "Title"):   # the next section or 附表
            break
        if b[0] == "p" and b[1].strip() and (b[2] == "Caption") == captions:
            out.append(b[1])
    return out


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist() if n.endswith(".xml"))


# ------------------------------------------------------------------------------ reports
@pytest.fixture(scope="module")
def needs(tmp_path_factory):
    out = tmp_path_factory.mktemp("needs")
    path = write_survey_report(kit.load_project(NEEDS), out)
    return {"docx": path, "blocks": _blocks(path), "raw": _raw(NEEDS / NEEDS_EXPORT)}


def _plant(folder: Path, raw_text) -> list[int]:
    """Ten valid respondents without a suggestion get the planted one (a different phone each),
    in both downloads of the copied project; returns their 序号."""
    import openpyxl

    df = raw_text
    col = next(c for c in df.columns if c.startswith("9、"))
    empty = df[_valid(df) & df[col].astype(str).isin(EMPTY)]
    rows = [int(x) for x in empty["序号"].head(10)]
    for name in POVERTY_EXPORTS:
        wb = openpyxl.load_workbook(folder / name)
        ws = wb.worksheets[0]
        head = [c.value for c in ws[1]]
        j, k = head.index(col) + 1, head.index("序号") + 1
        for r in range(2, ws.max_row + 1):
            seq = ws.cell(r, k).value
            if seq is not None and int(seq) in rows:
                ws.cell(r, j).value = PLANTED.format(rows.index(int(seq)))
        wb.save(folder / name)
    return rows


@pytest.fixture(scope="module")
def planted(tmp_path_factory, office):
    from kit.render.pdf import read_pdf

    tmp = tmp_path_factory.mktemp("planted")
    folder = copy_sample("poverty-alleviation", tmp / "poverty")
    rows = _plant(folder, _raw(folder / POVERTY_EXPORTS[0]))
    raw = _raw(folder / POVERTY_EXPORTS[0])            # read back: the planted cells are there
    assert sum(str(v).startswith("村支书王建国") for v in raw[next(c for c in raw.columns if c.startswith("9、"))]) == 10
    path = write_survey_report(kit.load_project(folder), tmp / "out")
    pdf = office([path], tmp / "pdf")[0]
    text = "".join(p.text for p in read_pdf(pdf)).replace("\n", "").replace(" ", "")
    return {"docx": path, "blocks": _blocks(path), "raw": raw, "pdf": text, "rows": rows}


# ------------------------------------------------------------------------------ with codes:
def test_coded_table_counts_from_the_raw_cells(needs):
    answers = _answers(needs["raw"], "12、")
    assert len(needs["raw"]) - int(_valid(needs["raw"]).sum()) == 4        # DATA_LOG: 4 speeders
    n = len(answers)
    codes = [_hand_codes(a) for a in answers]
    none = sum(c is None for c in codes)
    counts = {cat: sum(1 for c in codes if c and cat in c) for cat in CODES}
    uncoded = sum(1 for c in codes if c is not None and not c)
    order = sorted(CODES, key=lambda c: (-counts[c], list(CODES).index(c)))
    expected = [[c, CODES[c], str(counts[c]), _pct(counts[c], n)] for c in order]
    expected += [["未归类", "—", str(uncoded), _pct(uncoded, n)],
                 ["无具体内容", "无、没有、暂无等", str(none), _pct(none, n)]]
    rows = _table(needs["blocks"], "意见建议归类")
    assert rows[0] == ["类别", "关键词", "回答数", "比例"]
    assert rows[1:] == expected
    # the base is stated under the table
    tables = _tables(needs["blocks"])
    label = next(k for k, v in tables.items() if "意见建议归类" in v)
    assert f"回答本题的有效答卷{n}份" in tables[label] and f"有效答卷{int(_valid(needs['raw']).sum())}份" in tables[label]
    assert f"其中有具体内容的{n - none}份" in tables[label]


def test_coded_sentence_names_the_most_frequent_as_the_table_shows(needs):
    answers = _answers(needs["raw"], "12、")
    n = len(answers)
    codes = [_hand_codes(a) for a in answers]
    counts = sorted(((sum(1 for c in codes if c and cat in c), -i, cat) for i, cat in enumerate(CODES)), reverse=True)
    top = [(cat, k) for k, _, cat in counts[:3]]
    assert len({k for _, k in top}) == 3 and counts[3][0] < top[-1][1]    # no ties in this sample
    named = "、".join(f"“{c}”（{k}份，占{_pct(k, n)}）" for c, k in top[:2]) + \
        f"和“{top[2][0]}”（{top[2][1]}份，占{_pct(top[2][1], n)}）"
    none = sum(c is None for c in codes)
    expected = (f"“村党组织的工作还有什么意见或建议”一题，{n}份答卷填写了内容，其中{n - none}份提出了具体意见建议；"
                f"按关键词归类，提到较多的是{named}")
    body = _section(needs["blocks"])
    assert not any(p.startswith(expected) for p in body), body   # said once: under 主要结论, citing the table
    finding = next(s for s in _conclusions(needs["blocks"]) if "按关键词归类" in s)
    assert finding.startswith(expected)
    # every number of the finding is in the table it cites
    ref = re.search(r"（见(表\d+)）", finding).group(1)
    table = _tables(needs["blocks"])[ref]
    for num in re.findall(r"\d+(?:\.\d+)?%?", finding.replace(f"（见{ref}）", "")):
        assert num in table, (num, table)


def test_numeric_fill_in_and_personal_data_not_opinions(needs):
    """常住人口 (a fill-in answered with numbers) is not an opinion; the phone numbers planted in
    two suggestions never reach the document."""
    section = " ".join(_section(needs["blocks"]) + _section(needs["blocks"], captions=True))
    assert "意见建议归类" in section and "常住人口" not in section
    assert not re.search(r"[A-Za-z]", section.replace("xx镇党委", ""))   # plain Chinese (xx: the placeholder 落款)
    col = next(c for c in needs["raw"].columns if c.startswith("12、"))
    phones = {m for v in needs["raw"][col].astype(str) for m in re.findall(r"1\d{10}", v)}
    assert len(phones) == 2
    xml = _docx_text(needs["docx"])
    assert not [p for p in phones if p in xml]


# ------------------------------------------------------------------------------ without codes:
def test_words_counted_from_the_raw_cells(planted):
    assert int(_valid(planted["raw"]).sum()) == 412        # DATA_LOG: 420 received, 5 speeders, 3 repeat calls
    answers = _answers(planted["raw"], "9、")
    n = len(answers)
    rows = _table(planted["blocks"], "意见建议高频词")
    assert rows[0] == ["词语", "提到该词的回答数", "比例"]
    assert 1 <= len(rows) - 1 <= 10
    counts = [int(r[1]) for r in rows[1:]]
    assert counts == sorted(counts, reverse=True)
    for word, k, pct in rows[1:]:
        # each of these words is a whole word wherever it occurs in this sample
        hand = sum(word in a for a in answers)
        assert (int(k), pct) == (hand, _pct(hand, n)), word
    assert rows[1] == ["村支书", "10", _pct(10, n)]     # the planted answer, ten times: the most frequent
    assert not any("建国" in r[0] or re.search(r"\d", r[0]) for r in rows[1:])


def test_typical_answers_masked_and_capped(planted):
    answers = _answers(planted["raw"], "9、")
    rows = _table(planted["blocks"], "意见建议典型回答")
    assert rows[0] == ["回答（已隐去个人信息）", "相同回答数"]
    assert 1 <= len(rows) - 1 <= 5
    assert rows[1] == [PLANTED_MASKED, "10"]       # ten different phones, one answer once masked
    for quote, k in rows[2:]:
        assert int(k) == answers.count(quote), quote   # the others are raw answers without personal data


def test_planted_name_and_phone_never_reach_the_document(planted):
    col = next(c for c in planted["raw"].columns if c.startswith("9、"))
    digits = {m for v in planted["raw"][col].astype(str) for m in re.findall(r"\d{7,}", v)}
    assert len(digits) == 13                         # 10 planted phones, 2 phones and a 身份证 in the sample
    xml = _docx_text(planted["docx"])
    for text in (xml, planted["pdf"]):
        assert "王建国" not in text
        assert not [d for d in digits if d in text]
        assert not re.search(r"1391234\d{4}", text)
    assert PLANTED_MASKED in planted["pdf"]           # the masked answer is printed
    section = " ".join(_section(planted["blocks"]) + _section(planted["blocks"], captions=True))
    assert not re.search(r"[A-Za-z]", section.replace("xx县委组织部", ""))


def test_word_sentence_agrees_with_the_table(planted):
    rows = {r[0]: r for r in _table(planted["blocks"], "意见建议高频词")[1:]}
    s = next(p for p in _section(planted["blocks"]) if "提到较多的词是" in p)
    named = re.findall(r"((?:“[^”]+”、?)+)（各?(\d+)份，各?占(\d+\.\d%)）", s)
    assert named
    for words, k, pct in named:
        for w in re.findall(r"“([^”]+)”", words):
            assert rows[w][1:] == [k, pct], w
    assert named[0][1] == rows[next(iter(rows))][1]   # the most frequent word is named first


# ------------------------------------------------------------------ counts as 逐题统计 counts them
def _rows(blocks, caption: str, width: int) -> list[list[str]]:
    i = next(i for i, b in enumerate(blocks) if b[0] == "p" and b[2] == "Caption" and caption in b[1])
    cells = blocks[i + 1][1]
    return [cells[j:j + width] for j in range(width, len(cells), width)]   # the header row left out


def test_every_category_count_equals_the_question_tables(needs):
    """The respondents' profile in the report counts each option as 逐题统计.xlsx does: a
    「其他【请注明】」 answer whose text names an option (4 raw cells read 「其他【请注明】〖党员〗」) is
    counted under that option, in the report as in the workbook. By hand from the raw export:
    党员 = the cells 「党员」 + the 4 typed ones; 其他 = the cells starting 「其他【请注明】」 − 4."""
    from kit.descriptives import tabulate_questions
    from kit.survey_report import _short

    raw = needs["raw"]
    cells = _answers(raw, "5、")
    typed = sum(1 for c in cells if c == "其他【请注明】〖党员〗")
    assert typed == 4
    hand = {"党员": sum(1 for c in cells if c == "党员") + typed,
            "其他": sum(1 for c in cells if c.startswith("其他【请注明】")) - typed}
    rows = _rows(needs["blocks"], "受访者基本情况", 4)
    title = None
    shown = {}
    for t, label, n, _ in rows:
        title = t or title                      # merged 题目 cells print once
        shown[(title, label)] = int(n)
    assert shown[("身份", "党员")] == hand["党员"] and shown[("身份", "其他")] == hand["其他"]
    proj = kit.load_project(NEEDS)
    tab = tabulate_questions(proj.load()).by_id()
    expected = {(_short(res.title), str(o.option)): int(o.n) for res in tab.values() if res.kind == "single"
                for o in res.table.itertuples(index=False)}
    assert {k: v for k, v in expected.items() if k[0] in {t for t, _ in shown}} == shown


def test_fill_in_markers_never_shown(needs):
    """问卷星's fill-in markers (【请注明】, 〖…〗) belong to the export, not to a printed option."""
    text = _docx_text(needs["docx"])
    assert "请注明" not in text and "〖" not in text and "〗" not in text


def test_one_satisfaction_question_in_a_needs_survey_is_one_finding(needs):
    """village-needs asks about needs (services, ranking, volunteering, a matrix) and has one
    satisfaction question (10、志愿服务活动满意吗, skipped by those who did not volunteer): the
    codebook makes it a 调查报告, not a 满意度调查报告, and that question is one finding. By hand
    from the raw cells of the valid responses: 满意 + 非常满意 over the answers not 「(跳过)」."""
    from kit.survey_report import report_kind

    assert report_kind(kit.load_project(NEEDS)).file == "调查报告.docx" == needs["docx"].name
    cells = [c for c in _answers(needs["raw"], "10、") if c != "(跳过)"]
    k = sum(1 for c in cells if c in ("满意", "非常满意"))
    findings = _conclusions(needs["blocks"])
    assert any(f"志愿服务活动满意吗”一题，回答“满意”或“非常满意”的{k}人，占回答该题{len(cells)}人的"
               f"{_pct(k, len(cells))}" in f for f in findings), findings
    assert not any("满意度指数" in f or "满意率最低" in f for f in findings)   # not written as a satisfaction survey
