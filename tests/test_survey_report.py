"""The Word report of every survey sample (issue 19): written through kit.render, printed to PDF
with LibreOffice, and checked as an evaluator would check it before handing it in.

- the sections of its kind, in order (调查概况 or 测评概况, 主要结论, ... ; 附表 in the 附件);
- every table has its caption 表N and every chart its caption 图N, in the Word file and in the
  printed PDF, numbered 1..N without gaps; every chart file is embedded once, under a Chinese
  file name, and no two chart files are the same picture;
- every number in 主要结论 is in the table (caption, header, cells, notes) that the sentence
  cites (「见表3」): the finding and its table cannot disagree;
- the two-wave sample reports the current wave (the last of ``waves:``, 2021) first, the
  baseline after it and the comparison last.

References: the published figures of the samples (domain.md: 420 answers, 412 valid, 405
satisfied, 405/412 = 98.3%, computed here by hand as a fraction), the sample generators' counts.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest

import kit
from kit.paths import ROOT
from kit.render.checks import check_docx
from kit.survey_report import REPORT_KINDS, report_kind, write_survey_report

from helpers import copy_sample, edit_yaml

SAMPLES = ["poverty-alleviation", "village-residents", "cadre-appraisal", "member-appraisal", "village-panel"]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

SECTIONS = {
    "poverty-alleviation": ["一、调查概况", "二、主要结论", "三、样本基本情况", "四、分项结果", "五、分组比较",
                            "六、意见建议"],
    "village-residents": ["一、调查概况", "二、主要结论", "三、样本基本情况", "四、分项结果", "五、分组比较",
                          "六、2019年基线调查结果", "七、前后对比"],
    "cadre-appraisal": ["一、测评概况", "二、主要结论", "三、样本基本情况", "四、分项结果"],
    "member-appraisal": ["一、测评概况", "二、主要结论", "三、样本基本情况", "四、分项结果"],
    "village-panel": ["一、基本情况", "二、主要结论", "三、前后变化", "四、项目效果（双重差分）",
                      "五、分阶段目标完成情况"],
    "plain-survey": ["一、调查概况", "二、主要结论", "三、样本基本情况", "四、分项结果", "五、意见建议"],
    "village-needs": ["一、调查概况", "二、主要结论", "三、样本基本情况", "四、分项结果", "五、意见建议"],
}
FILES = {"poverty-alleviation": "满意度调查报告.docx", "village-residents": "满意度调查报告.docx",
         "cadre-appraisal": "测评情况通报.docx", "member-appraisal": "测评情况通报.docx",
         "village-panel": "前后对比分析.docx", "plain-survey": "调查报告.docx",
         "village-needs": "调查报告.docx"}   # one satisfaction question among needs questions


def _plain_survey(root: Path) -> Path:
    """The poverty sample with no question marked satisfied or aware: a survey of none of the
    kinds, which gets a 调查报告."""
    p = copy_sample("poverty-alleviation", root / "plain-survey")
    edit_yaml(p / "project.yml", lambda d: [d.pop(k, None) for k in ("indicators", "method", "expected", "targets",
                                                                      "weights")]
              and d.update(notebooks=["01_load_and_check"]))

    def strip(d):
        for q in d["questions"]:
            q.pop("satisfied", None)
    edit_yaml(p / "questionnaire.yml", strip)
    return p


@pytest.fixture(scope="module")
def reports(tmp_path_factory, office):
    """Every survey sample's report written and printed to PDF (one LibreOffice run)."""
    from kit.render.pdf import read_pdf

    tmp = tmp_path_factory.mktemp("survey-reports")
    projects = {name: ROOT / "surveys" / name for name in SAMPLES}
    projects["plain-survey"] = _plain_survey(tmp / "src")
    projects["village-needs"] = ROOT / "surveys" / "village-needs"
    out = {}
    for name, folder in projects.items():
        path = write_survey_report(kit.load_project(folder), tmp / name)
        assert path is not None and path.name == FILES[name], name
        out[name] = {"docx": path, "folder": tmp / name}
    pdfs = office([v["docx"] for v in out.values()], tmp / "pdf")
    for v, pdf in zip(out.values(), pdfs):
        v["pages"] = read_pdf(pdf)
        v["text"] = "".join(p.text for p in v["pages"]).replace("\n", "").replace(" ", "")
        v["blocks"] = _blocks(v["docx"])
    return out


def _blocks(path: Path) -> list[tuple]:
    """The body of a .docx in order: ("p", text, style name) and ("t", [cell texts]); the
    word joiners (U+2060) that hold a range a–b on one line are left out, as in print."""
    import docx

    d = docx.Document(str(path))
    out = []

    def text(el) -> str:
        return "".join(t.text or "" for t in el.iter(W + "t")).replace("\u2060", "")

    for el in d.element.body.iterchildren():
        if el.tag == W + "p":
            sid = el.find(f"{W}pPr/{W}pStyle")
            style = d.styles.get_by_id(sid.get(W + "val"), 1).name if sid is not None else ""
            out.append(("p", text(el), style))
        elif el.tag == W + "tbl":
            out.append(("t", [text(tc) for tc in el.iter(W + "tc")]))
    return out


def _tables(blocks) -> dict[str, str]:
    """表N -> all the text of the table: its caption, its cells and the notes under it."""
    out, i = {}, 0
    while i < len(blocks):
        b = blocks[i]
        if b[0] == "p" and b[2] == "Caption" and re.match(r"表\d+", b[1]) and i + 1 < len(blocks) \
                and blocks[i + 1][0] == "t":
            label = re.match(r"表\d+", b[1]).group()
            text = [b[1], *blocks[i + 1][1]]
            j = i + 2
            while j < len(blocks) and blocks[j][0] == "p" and blocks[j][1].strip():
                text.append(blocks[j][1])
                j += 1
            out[label] = " ".join(text)
            i = j
        else:
            i += 1
    return out


def _headings(blocks, level: int = 1) -> list[str]:
    return [b[1] for b in blocks if b[0] == "p" and b[2] == f"Heading {level}"]


def _conclusions(blocks) -> list[str]:
    heads = [i for i, b in enumerate(blocks) if b[0] == "p" and b[2] == "Heading 1"]
    start = next(i for i in heads if blocks[i][1].endswith("主要结论"))
    end = next(i for i in heads if i > start)
    return [b[1] for b in blocks[start + 1:end] if b[0] == "p" and b[1].strip()]


_NUM = re.compile(r"\d+(?:\.\d+)?%?")
_REF = re.compile(r"（见((?:[表图]\d+、?)+)）")


def _numbers(text: str) -> list[str]:
    return _NUM.findall(text)


# ------------------------------------------------------------------------------ the registry
def test_each_sample_gets_its_kind_of_report():
    kinds = {name: report_kind(kit.load_project(f"surveys/{name}")).file for name in SAMPLES}
    assert kinds == {n: FILES[n] for n in SAMPLES}
    # a self-assessment or ledger project has nothing surveyed: no survey report
    assert report_kind(kit.load_project("surveys/unit-self-assessment")) is None
    assert report_kind(kit.load_project("surveys/party-ledgers")) is None
    assert [k.key for k in REPORT_KINDS] == ["appraisal", "satisfaction", "before_after", "survey"]


def test_waves_are_reported_current_first():
    proj = kit.load_project("surveys/village-residents")
    assert [w.id for w in proj.waves] == ["w2019", "w2021"]            # as project.yml lists them
    assert [w.id for w in proj.report_waves()] == ["w2021", "w2019"]   # the current (last) one first


# ------------------------------------------------------------------------------ printed reports
@pytest.mark.parametrize("name", list(FILES))
def test_sections_in_order(reports, name):
    r = reports[name]
    assert _headings(r["blocks"]) == SECTIONS[name]
    text = r["text"]
    positions = [text.find(h) for h in SECTIONS[name]]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), name   # printed, in order
    # the findings come right after the overview: the second section
    assert _headings(r["blocks"])[1] == "二、主要结论"
    # 落款 and date before the 附件; no placeholder left where the project says it (survey:)
    paras = [b[1] for b in r["blocks"] if b[0] == "p"]
    date = next(i for i, t in enumerate(paras) if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", t.strip()))
    assert paras[date - 1].strip() == kit.load_project(ROOT / "surveys" / name).organisation \
        if name in SAMPLES else True
    if "附件" in paras:
        assert paras.index("附件") > date
    if name in SAMPLES and name != "village-panel":
        assert "【请填写" not in text, name


@pytest.mark.parametrize("name", list(FILES))
def test_nothing_said_twice(reports, name):
    """No paragraph of 20 characters or more, and no sentence of 20 or more (its 「（见表N）」 set
    aside), is printed twice: a finding is read under 主要结论 and its section keeps the tables;
    a table note already printed is referred to (「注释同表3。」). The evaluator found 按村比较, the
    baseline's paragraph and 总体满意率变化 each twice in the two-wave report."""
    paras = [b[1].strip() for b in reports[name]["blocks"] if b[0] == "p" and len(b[1].strip()) >= 20]
    twice = [t for t, k in Counter(paras).items() if k > 1]
    assert not twice, (name, twice)
    sentences = Counter(x for t in paras for x in (_REF.sub("", y).strip() for y in re.findall(r"[^。]+。?", t))
                        if len(x) >= 20)
    assert not [t for t, k in sentences.items() if k > 1], name


@pytest.mark.parametrize("name", list(FILES))
def test_small_group_sentences_agree_with_their_tables(reports, name):
    """「按村分的20个组中的13个有效答卷少于30份」 counts the groups of the table 「各村总体满意率」
    whose 有效样本 is under 30 (the evaluator read 「全部12个组…少于30份」 over a table with groups of
    30 and more): counted here from the printed table's cells."""
    blocks = reports[name]["blocks"]
    paras = [b[1] for b in blocks if b[0] == "p"]
    for text in paras:
        for m in re.finditer(r"按(\w+?)分的(?:全部(\d+)个组|(\d+)个组中的(\d+)个)", text):
            title = m.group(1)
            i = next((i for i, b in enumerate(blocks) if b[0] == "p" and b[2] == "Caption"
                      and b[1].endswith(f"各{title}总体满意率")), None)
            if i is None:   # few groups: drawn as a chart (its counts checked in test_survey_report_wording)
                continue
            cells = blocks[i + 1][1]
            width = cells.index("样本不足30") + 1
            rows = [cells[j:j + width] for j in range(width, len(cells), width)]
            n = [int(r[cells.index("有效样本")]) for r in rows]
            total, small = (int(m.group(2)),) * 2 if m.group(2) else (int(m.group(3)), int(m.group(4)))
            assert (len(n), sum(k < 30 for k in n)) == (total, small), (name, m.group(0), n)


@pytest.mark.parametrize("name", list(FILES))
def test_ipa_table_and_sentence_agree(reports, name):
    """The importance–performance table names a quadrant only where the sentence can: when the
    sentence says the differences are within sampling error, no item is labelled 「重点改进」
    (it reads 「象限不确定」); when it names items as 改进的重点, exactly those rows say 重点改进."""
    blocks = reports[name]["blocks"]
    i = next((i for i, b in enumerate(blocks) if b[0] == "p" and b[2] == "Caption"
              and b[1].endswith("各题的重要性与表现")), None)
    if i is None:
        return
    cells = blocks[i + 1][1]
    rows = [cells[j:j + 4] for j in range(4, len(cells), 4)]
    said = next(b[1] for b in blocks if b[0] == "p" and b[2] != "Caption"    # in 主要结论 or in its section
                and re.search(r"改进的重点|改进重点|没有落在", b[1]))
    allowed = {"继续保持", "重点改进", "维持现状", "次要改进", "象限不确定"}
    assert {r[3] for r in rows} <= allowed, rows
    if "抽样误差" in said or "不作象限" in said or "不据此" in said:
        assert "重点改进" not in {r[3] for r in rows}, (said, rows)
    named = re.findall(r"“([^”]+)”", said.split("对总体满意度影响较大")[0]) if "改进的重点" in said else []
    assert sorted(r[0] for r in rows if r[3] == "重点改进") == sorted(named), (said, rows)


@pytest.mark.parametrize("name", list(FILES))
def test_every_table_and_chart_captioned_and_printed(reports, name):
    r = reports[name]
    blocks = r["blocks"]
    n_tables = sum(1 for b in blocks if b[0] == "t")
    tables = [b[1] for b in blocks if b[0] == "p" and b[2] == "Caption" and b[1].startswith("表")]
    figures = [b[1] for b in blocks if b[0] == "p" and b[2] == "Caption" and b[1].startswith("图")]
    assert [re.match(r"表(\d+)", t).group(1) for t in tables] == [str(i) for i in range(1, n_tables + 1)]
    assert len(_tables(blocks)) == n_tables                              # each caption right above its table
    import docx

    d = docx.Document(str(r["docx"]))
    pictures = d.inline_shapes
    assert [re.match(r"图(\d+)", f).group(1) for f in figures] == [str(i) for i in range(1, len(pictures) + 1)]
    for cap in tables + figures:                                         # printed too
        assert cap.replace(" ", "").replace("　", "") in r["text"].replace("　", ""), cap
    # chart files: Chinese names, each a different picture, each embedded
    files = sorted((r["folder"] / "figures").glob("*.png"))
    assert len(files) == len(pictures)
    assert not [f.name for f in files if re.search(r"[A-Za-z_]", f.stem)]
    digests = [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]
    assert len(set(digests)) == len(digests)
    assert check_docx(r["docx"]) == []
    from kit.render.pdf import page_number_problems

    assert page_number_problems(r["pages"]) == []


@pytest.mark.parametrize("name", list(FILES))
def test_every_number_in_the_findings_is_in_the_table_it_cites(reports, name):
    blocks = reports[name]["blocks"]
    tables = _tables(blocks)
    findings = _conclusions(blocks)
    assert len(findings) >= 2
    checked = 0
    for sentence in findings:
        refs = _REF.findall(sentence)
        cited = [x for ref in refs for x in re.findall(r"表\d+", ref)]
        body = _REF.sub("", sentence)
        nums = _numbers(body)
        if not nums:
            continue
        assert cited, f"{name}: a finding with numbers cites no table: {sentence}"
        have = {n for t in cited for n in _numbers(tables[t])}
        missing = [n for n in nums if n not in have]
        assert not missing, f"{name}: {missing} of 「{sentence}」 not in {cited}"
        checked += len(nums)
    assert checked >= (5 if name == "plain-survey" else 10), name


def test_published_figures_in_the_satisfaction_report(reports):
    findings = " ".join(_conclusions(reports["poverty-alleviation"]["blocks"]))
    # domain.md: 420 answers, 8 excluded, 412 valid; 405 satisfied: 405/412 = 0.98300… -> 98.3%
    assert Fraction(405, 412) > Fraction(983, 1000) and Fraction(405, 412) < Fraction(9835, 10000)
    assert "共回收答卷420份" in findings and "有效答卷412份" in findings
    assert "群众总体满意率为98.3%" in findings and "达到98%的目标" in findings
    # survey-method words only in the 附件, one plain sentence in the body
    text = reports["poverty-alleviation"]["text"]
    body, _, annex = text.partition("附件附表")
    assert annex and "事后分层" in annex and "设计效应" in annex
    assert "事后分层" not in body and "设计效应" not in body and "按户数对答卷加权" in body


def test_two_wave_report_puts_the_current_wave_first(reports):
    r = reports["village-residents"]
    text = r["text"]
    # 调查概况: the 2021 follow-up (the year evaluated) is described before the 2019 baseline
    assert text.index("2021年跟踪调查（本次评价的年度）") < text.index("2019年基线调查于")
    # the answer table lists the current wave in its first column
    first = next(b[1] for b in r["blocks"] if b[0] == "t")
    assert first[:3] == ["项目", "2021年跟踪调查", "2019年基线调查"]
    # findings: the current wave's satisfaction (72.4%) first, the baseline's (60.3%) after,
    # the comparison (变化+12.1个百分点) last
    findings = _conclusions(r["blocks"])
    cur = next(i for i, s in enumerate(findings) if "总体满意率为72.4%" in s)
    base = next(i for i, s in enumerate(findings) if s.startswith("2019年基线调查：群众总体满意率为60.3%"))
    comp = next(i for i, s in enumerate(findings) if s.startswith("总体满意率由2019年基线调查的60.3%变为2021年跟踪调查的72.4%"))
    assert cur < base < comp
    # sections: the current wave's results, then the baseline's, then the comparison
    heads = _headings(r["blocks"])
    assert heads.index("四、分项结果") < heads.index("六、2019年基线调查结果") < heads.index("七、前后对比")


def test_appraisal_and_panel_wording(reports):
    cadre = " ".join(_conclusions(reports["cadre-appraisal"]["blocks"]))
    assert "本次测评共回收答卷114份" in cadre and "参与率62.2%，超过半数" in cadre   # 112/180 = 0.6222…
    panel = " ".join(_conclusions(reports["village-panel"]["blocks"]))
    # units from panel: outcomes:, 村均, a share's change in 个百分点 (not +0.14), imbalance beside the effect
    assert "项目村村均变化+6077元" in panel and "万元" in panel and "个百分点" in panel
    assert "+0.14" not in panel and "+0.26" not in panel
    assert "基期两组不均衡" in panel


def test_report_names_what_the_project_does_not_say(tmp_path):
    """No survey: block: 调查概况 keeps a marked placeholder for what only a person can write."""
    p = copy_sample("cadre-appraisal", tmp_path / "c")
    edit_yaml(p / "project.yml", lambda d: d.pop("survey"))
    from kit.survey_report import analyse_survey, build_report, draw_charts

    a = analyse_survey(kit.load_project(p))
    doc, _ = build_report(a, draw_charts(a, tmp_path / "figures"))
    text = " ".join(getattr(b, "text", "") for b in doc.blocks)
    assert "【请填写：参加测评人员】" in text and "【请填写：测评方式】" in text


def test_kit_report_writes_the_survey_report(tmp_path, monkeypatch):
    """``kit report`` writes the report after the notebooks (here skipped), as the batch does."""
    from kit import report

    monkeypatch.setattr(report, "_execute", lambda *a, **k: None)
    run_report = report.run_report
    out = run_report(ROOT / "surveys" / "village-panel", tmp_path / "out", progress=False)
    assert (out / "前后对比分析.docx").is_file() and (out / "manifest.json").is_file()
    assert sorted(f.name for f in (out / "figures").glob("*.png")) == sorted(
        f"{n}分组趋势.png" for n in ("人均纯收入", "贫困户数", "村集体经济收入", "安全饮水覆盖率"))
    shutil.rmtree(out)


# Latin script a reader of an official report meets only as the names of methods
METHOD_NAMES = {"Holm", "P", "t", "z", "d", "Welch", "Newcombe", "Cohen's", "McNemar", "Cronbach's", "Feldt",
                "KMO", "Bartlett", "xx"}   # xx: the samples' placeholder organisation (xx县委组织部)


@pytest.mark.parametrize("name", list(FILES))
def test_no_english_but_method_names(reports, name):
    blocks = reports[name]["blocks"]
    text = " ".join(b[1] if b[0] == "p" else " ".join(b[1]) for b in blocks)
    words = set(re.findall(r"[A-Za-z][A-Za-z']*", text))
    assert words <= METHOD_NAMES, f"{name}: {sorted(words - METHOD_NAMES)}"
    assert "Stata" not in text and "survey包" not in text


def test_differences_and_intervals_as_the_sentences_write_them(reports):
    """The comparison table writes the interval the finding states (+6.7个百分点至+17.3个百分点 ->
    6.7–17.3, one piece that a line never breaks); each group difference is the two shares'
    difference up to the 0.1 point the note warns of."""
    blocks = reports["village-residents"]["blocks"]
    tables = _tables(blocks)
    finding = next(s for s in _conclusions(blocks) if s.startswith("总体满意率由"))
    lo, hi = re.search(r"95%置信区间：\+(\d+\.\d)个百分点至\+(\d+\.\d)个百分点", finding).groups()
    cite = re.search(r"见(表\d+)", finding).group(1)
    assert f"{lo}–{hi}" in tables[cite].split()
    assert "按未经舍入的比例计算，与表中两个比例之差可能相差0.1个百分点" in tables[cite]
    table = next(b[1] for i, b in enumerate(blocks) if b[0] == "t" and blocks[i - 1][1].endswith("有明显差异的比较"))
    head = table[:7]
    assert head == ["题目", "组别", "比例", "比较对象", "比较对象比例", "相差（百分点）", "Holm校正P值"]
    rows = [table[i:i + 7] for i in range(7, len(table), 7)]
    assert rows
    for r in rows:
        a, b, diff = (Fraction(r[2][:-1]), Fraction(r[4][:-1]), Fraction(r[5]))
        assert abs(abs(a - b) - diff) <= Fraction(1, 10), r


def test_plain_survey_tabulates_matrix_items(reports):
    """A survey of none of the kinds still reports its matrix question: one row per item, the
    share of each option. 驻村工作队工作作风 (item_1): of 412 valid answers 2, 1, 36, 124 and 249
    chose 非常不满意 … 非常满意; 2/412 = 0.49% -> 0.5%, 36/412 = 8.74% -> 8.7%, 249/412 = 60.44% -> 60.4%."""
    blocks = reports["plain-survey"]["blocks"]
    table = next(b[1] for i, b in enumerate(blocks) if b[0] == "t" and blocks[i - 1][1].endswith("以下各项工作的满意程度"))
    assert table[:7] == ["题目", "有效回答", "非常不满意", "不满意", "一般", "满意", "非常满意"]
    counts = [2, 1, 36, 124, 249]
    tenths = [int(Fraction(k * 1000, 412) + Fraction(1, 2)) for k in counts]   # tenths of a percent, half up
    assert tenths == [5, 2, 87, 301, 604]
    assert table[7:14] == ["驻村工作队工作作风", "412", "0.5%", "0.2%", "8.7%", "30.1%", "60.4%"]
    finding = next(s for s in _conclusions(blocks) if "各项中" in s)
    assert finding.startswith("“以下各项工作的满意程度”各项中，选择“非常满意”的比例最高的是“村党组织服务群众”（63.1%）")
