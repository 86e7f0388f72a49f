"""Issue 16 §1 and done criteria: the official 项目支出绩效自评表 in every shipped layout.

References: ../shared/reference/official-forms.md (A: the national 财预〔2020〕10号 annex as counties
file it; B: the Sichuan form 510000_0013zp; C: the 2013-framework county form of the kit's default
sample, county-self-assessment-report.md). The cell maps below are written by hand from that text,
not from the layout files: each shipped layout is checked against them, and each sample's rendered
form is checked cell by cell, for merges, number formats and, printed by LibreOffice, for its pages.

Snapshots of the rendered forms (cells, merges, number formats) are in tests/snapshots/; refresh
them with ``make snapshots`` (KIT_UPDATE_SNAPSHOTS=1) after a deliberate change, and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from helpers import copy_sample, edit_yaml

import kit
from kit.definitions.layout import column_letter, parse_ref, shipped_layouts
from kit.errors import KitError
from kit.render.checks import check_xlsx
from kit.render.forms import load_layout

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
UPDATE = os.environ.get("KIT_UPDATE_SNAPSHOTS") == "1"

# ------------------------------------------------------------------ the forms, by hand
# Each map: the labels printed on the form at their cells, the merged ranges, the fields the
# filer writes, the indicator block (column -> header) and the last rows (relative: row 1 is the
# first row after the indicator block). Row numbers count the two title rows above the form.
FORM_A = {  # official-forms.md A, rows 1-10 and last
    "labels": {"A1": "项目支出绩效自评表", "A3": "项目名称", "A4": "主管部门", "F4": "实施单位",
               "A5": "项目资金（万元）", "D5": "年初预算数", "E5": "全年预算数（A）", "F5": "全年执行数（B）",
               "G5": "分值", "H5": "执行率（B/A）", "I5": "得分", "B6": "年度资金总额", "B7": "其中：当年财政拨款",
               "B8": "上年结转资金", "B9": "其他资金", "G7": "—", "I7": "—", "G8": "—", "I8": "—", "G9": "—",
               "I9": "—", "A10": "年度总体目标", "B10": "预期目标", "F10": "实际完成情况"},
    "merges": {"A1:I1", "A2:I2", "B3:I3", "B4:E4", "G4:I4", "A5:A9", "B5:C5", "B6:C6", "B7:C7", "B8:C8",
               "B9:C9", "A10:A11", "B10:E10", "F10:I10", "B11:E11", "F11:I11"},
    "fields": {"A2": "year_line", "B3": "project_name", "B4": "department", "G4": "implementer",
               "D6": "funding.年度资金总额.initial", "E6": "funding.年度资金总额.budget",
               "F6": "funding.年度资金总额.spent", "G6": "funding.points", "H6": "funding.年度资金总额.rate",
               "I6": "funding.score", "E7": "funding.当年财政拨款.budget", "F8": "funding.上年结转资金.spent",
               "H9": "funding.其他资金.rate", "B11": "goals.expected", "F11": "goals.achieved"},
    "block": {"label": ("A", "绩效指标"),
              "columns": {"B": "一级指标", "C": "二级指标", "D": "三级指标", "E": "年度指标值（A）",
                          "F": "实际完成值（B）", "G": "分值", "H": "得分", "I": "偏差原因分析及改进措施"}},
    "foot": {"labels": {"A1": "总分"}, "merges": {"A1:F1"}, "fields": {"G1": "total_points", "H1": "total"}},
    "orientation": "landscape", "sources": ["当年财政拨款", "上年结转资金", "其他资金"],
}
FORM_B = {  # official-forms.md B
    "labels": {"A1": "部门预算项目支出绩效自评表", "H3": "报表编号:510000_0013zp", "A4": "项目名称",
               "A5": "主管部门", "F5": "实施单位（盖章）", "A6": "项目基本情况", "B6": "1.项目年度目标完成情况",
               "D6": "项目年度目标", "H6": "年度目标完成情况（对照年度目标，逐条说明完成情况，100字以内）",
               "B9": "2.项目实施内容及过程概述", "A10": "预算执行情况（10分）", "C10": "年度预算数（万元）",
               "G10": "预算执行率", "H10": "权重", "I10": "得分", "J10": "原因", "C11": "年初预算",
               "D11": "调整后预算数", "E11": "预算执行数", "B12": "总额", "B13": "其中：财政资金",
               "B14": "财政专户管理资金", "B15": "单位资金", "B16": "其他资金", "H13": "/", "I13": "/",
               "H16": "/", "I16": "/",
               "B17": "预算执行率=预算执行数/调整后预算数，未达到90%的需说明原因（100字以内）；年中预算调整应单独说明理由"},
    "merges": {"A1:K1", "A2:K2", "H3:K3", "B4:K4", "B5:E5", "F5:G5", "H5:K5", "A6:A9", "B6:C8", "D6:G6", "H6:K6",
               "D7:G8", "H7:K8", "B9:C9", "D9:K9", "A10:A17", "B10:B11", "C10:F10", "G10:G11", "H10:H11", "I10:I11",
               "J10:K11", "E11:F11", "E12:F12", "J12:K16", "B17:K17",
               # 预算执行数 takes two grid columns (E:F), as 指标性质 and 指标值 share them below
               "E13:F13", "E14:F14", "E15:F15", "E16:F16"},
    "fields": {"B4": "code_name", "B5": "department", "H5": "implementer", "D7": "goals.expected",
               "H7": "goals.achieved", "D9": "content", "C12": "funding.年度资金总额.initial",
               "D12": "funding.年度资金总额.budget", "E12": "funding.年度资金总额.spent",
               "G12": "funding.年度资金总额.rate", "H12": "funding.points", "I12": "funding.score",
               "J12": "funding.reason", "D13": "funding.财政资金.budget", "E14": "funding.财政专户管理资金.spent",
               "G15": "funding.单位资金.rate", "C16": "funding.其他资金.initial"},
    "limits": {"H7": 100, "J12": 100},
    "block": {"label": ("A", "绩效指标（90分）"),
              "columns": {"B": "一级指标", "C": "二级指标", "D": "三级指标", "E": "指标性质", "F": "指标值",
                          "G": "度量单位", "H": "完成值", "I": "权重", "J": "得分", "K": "未完成原因分析"}},
    "foot": {"labels": {"A1": "合计", "A2": "评价结论", "A3": "存在问题", "A4": "改进措施"},
             "merges": {"A1:H1", "B2:K2", "B3:K3", "B4:K4"},
             "fields": {"I1": "total_points", "J1": "total", "B2": "conclusion", "B3": "problems",
                        "B4": "measures", "A5": "leader_line", "F5": "finance_leader_line"},
             "limits": {"B2": 200, "B3": 200, "B4": 200}},
    "orientation": "landscape", "sources": ["财政资金", "财政专户管理资金", "单位资金", "其他资金"],
}
FORM_C = {  # official-forms.md C: 投入/过程/产出/效果 with subtotals, the total and the grade
    "labels": {"A1": "项目支出绩效自评表", "A3": "项目名称", "F3": "实施单位", "A4": "主管部门", "F4": "评价办法"},
    "merges": {"A1:H1", "A2:H2", "B3:E3", "G3:H3", "B4:E4", "G4:H4"},
    "fields": {"A2": "year_line", "B3": "project_name", "G3": "implementer", "B4": "department",
               "G4": "method_title"},
    "block": {"label": None,
              "columns": {"A": "一级指标", "B": "二级指标", "C": "三级指标", "D": "分值", "E": "年度指标值",
                          "F": "实际完成值", "G": "得分", "H": "偏差原因分析及改进措施"}},
    "foot": {"labels": {"A1": "合计", "A2": "评价等级"}, "merges": {"A1:C1", "E1:F1", "A2:C2", "D2:H2"},
             "fields": {"D1": "total_points", "G1": "total", "D2": "grade_line"}},
    "orientation": "landscape", "sources": [],
}
FORMS = {"national-2020": FORM_A, "sichuan-510000_0013zp": FORM_B, "county-2013": FORM_C}
SAMPLES = {"national-2020": "unit-self-assessment", "sichuan-510000_0013zp": "village-economy-rollup",
           "county-2013": "poverty-alleviation"}


def _cells(cells: list[dict]) -> dict[str, dict]:
    """Layout cells by their top-left reference."""
    out = {}
    for c in cells:
        r, col, _, _ = parse_ref(c["at"])
        out[f"{column_letter(col)}{r + 1}"] = c
    return out


def _ranges(cells: list[dict]) -> set[str]:
    return {c["at"] for c in cells if ":" in c["at"]}


# ------------------------------------------------------------------ the layout files
def test_every_shipped_layout_has_a_hand_written_map():
    assert set(shipped_layouts()) == set(FORMS)


@pytest.mark.parametrize("name", sorted(FORMS))
def test_layout_matches_the_form(name):
    lay, form = load_layout(name), FORMS[name]
    head = _cells(lay.head)
    labels = {at: c["text"] for at, c in head.items() if "text" in c}
    assert {at: labels.get(at) for at in form["labels"]} == form["labels"]
    assert _ranges(lay.head) == form["merges"]
    assert {at: head[at].get("field") for at in form["fields"]} == form["fields"]
    for at, limit in form.get("limits", {}).items():
        assert head[at]["limit"] == limit
    # the indicator block: a header per column, the block label merged down column A
    b = lay.block
    header = {column_letter(c0) + (f":{column_letter(c0 + n - 1)}" if n > 1 else ""): b.header[f]
              for f, (c0, n) in b.columns.items()}
    assert header == form["block"]["columns"]
    label = form["block"]["label"]
    assert (b.label is None) if label is None else (column_letter(b.label[0]), b.label[1]) == label
    foot = _cells(lay.foot)
    assert {at: foot[at].get("text") for at in form["foot"]["labels"]} == form["foot"]["labels"]
    assert _ranges(lay.foot) >= form["foot"]["merges"]
    assert {at: foot[at].get("field") for at in form["foot"]["fields"]} == form["foot"]["fields"]
    for at, limit in form["foot"].get("limits", {}).items():
        assert foot[at]["limit"] == limit
    assert lay.orientation == form["orientation"] and lay.fund_sources == form["sources"]


def test_layout_errors_name_the_file_and_key(tmp_path):
    good = yaml.safe_load(shipped_layouts()["county-2013"].read_text(encoding="utf-8"))

    def err(change) -> str:
        d = json.loads(json.dumps(good, ensure_ascii=False))
        change(d)
        p = tmp_path / "mine.yml"
        p.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
        with pytest.raises(KitError) as e:
            load_layout("mine.yml", tmp_path)
        assert "mine.yml" in str(e.value)
        return str(e.value)

    assert "键「head[3].at」" in err(lambda d: d["head"][3].update(at="A3:B3"))         # overlaps A3
    assert "键「head[2].field」" in err(lambda d: d["head"][2].update(field="项目名"))     # unknown field
    assert "键「colour」" in err(lambda d: d.update(colour="red"))
    assert "键「indicators.columns」" in err(lambda d: (d["indicators"]["columns"].pop("reason"),
                                                       d["indicators"]["header"].pop("reason")))  # H left empty
    assert "键「indicators.columns.score」" in err(lambda d: d["indicators"]["columns"].update(score="A"))
    assert "键「head[0].role」" in err(lambda d: d["head"][0].update(role="banner"))
    assert "键「widths」" in err(lambda d: d.update(widths="wide"))
    assert "键「indicators.level1_text」" in err(lambda d: d["indicators"].update(level1_text="{名称}"))
    with pytest.raises(KitError, match="找不到表样"):
        load_layout("no-such-layout", tmp_path)


def test_a_county_layout_file_is_named_in_method_yml(tmp_path):
    """A county with another template writes a layout file beside method.yml: no code changes."""
    from kit.selfassessment import assess_project, write_outputs

    root = copy_sample("unit-self-assessment", tmp_path / "p")
    mine = yaml.safe_load(shipped_layouts()["national-2020"].read_text(encoding="utf-8"))
    mine["name"] = "项目支出绩效自评表（某县）"
    mine["head"][0]["text"] = "某县项目支出绩效自评表"
    (root / "某县表样.yml").write_text(yaml.safe_dump(mine, allow_unicode=True), encoding="utf-8")
    edit_yaml(root / "method.yml", lambda d: d.update(layout="某县表样.yml"))
    proj = kit.load_project(root)
    from openpyxl import load_workbook

    ws = load_workbook(write_outputs(proj, assess_project(proj), tmp_path / "out")["table"]).active
    assert ws["A1"].value == "某县项目支出绩效自评表" and ws["A3"].value == "项目名称"
    edit_yaml(root / "method.yml", lambda d: d.update(layout="没有这个.yml"))
    with pytest.raises(KitError, match="找不到表样"):
        kit.load_project(root)


# ------------------------------------------------------------------ the samples' forms
@pytest.fixture(scope="module")
def forms(tmp_path_factory):
    """Each sample's 自评表.xlsx, as `make report` writes it (notebook 03's write_outputs)."""
    from kit.selfassessment import assess_project, write_outputs

    out = {}
    tmp = tmp_path_factory.mktemp("forms")
    for layout, sample in SAMPLES.items():
        proj = kit.load_project(f"surveys/{sample}")
        res = r = None
        if proj.waves:
            r = proj.load()
            res = kit.analyse_satisfaction(r, target=proj.targets.get("overall_satisfied"), rank_tests=False)
        a = assess_project(proj, res, r)
        paths = write_outputs(proj, a, tmp / sample, satisfaction=res, responses=r)
        out[layout] = (paths["table"], a, json.loads(paths["summary"].read_text(encoding="utf-8")))
    return out


def _block_rows(a, layout) -> int:
    """Header row + indicator rows (+ subtotal rows) of the sample's indicator block."""
    lay = load_layout(layout)
    skip = a.method.budget if lay.has_funding else None
    secs = [s for s in a.sections if s["name"] != skip and s["indicators"]]
    return 1 + sum(len(s["indicators"]) for s in secs) + (len(secs) if lay.block.subtotals else 0)


def _sheet(path):
    from openpyxl import load_workbook

    return load_workbook(path).active


@pytest.mark.parametrize("layout", sorted(FORMS))
def test_form_cells_merges_and_number_formats(forms, layout):
    path, a, summary = forms[layout]
    ws, form = _sheet(path), FORMS[layout]
    assert check_xlsx(path) == []
    assert "warnings" not in summary                           # no text over a limit in the samples
    def label(cell):  # a label may break before its bracket (绩效指标\n（90分）): same words
        return cell.value.replace("\n", "") if isinstance(cell.value, str) else cell.value

    for at, text in form["labels"].items():                    # every label in its cell
        assert label(ws[at]) == text, at
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert form["merges"] <= merged
    head_rows = max(parse_ref(c["at"])[0] + parse_ref(c["at"])[2] for c in load_layout(layout).head)
    first_foot = head_rows + _block_rows(a, layout) + 1
    for at, text in form["foot"]["labels"].items():
        r, c, _, _ = parse_ref(at)
        assert label(ws.cell(first_foot + r, c + 1)) == text, at
    for ref in form["foot"]["merges"]:
        r, c, nr, nc = parse_ref(ref)
        assert f"{column_letter(c)}{first_foot + r}:{column_letter(c + nc - 1)}{first_foot + r + nr - 1}" in merged
    # block header row and the block label merged down to the last indicator row
    block_top = head_rows + 1
    for col, text in form["block"]["columns"].items():
        assert label(ws[f"{col.split(':')[0]}{block_top}"]) == text
    if form["block"]["label"]:
        col, text = form["block"]["label"]
        assert label(ws[f"{col}{block_top}"]) == text
        # merged down to the last indicator row, or page by page where the form runs over a page
        parts = sorted((m.min_row, m.max_row) for m in ws.merged_cells.ranges
                       if m.min_col == m.max_col == parse_ref(f"{col}1")[1] + 1 and m.min_row >= block_top
                       and m.max_row <= first_foot - 1)
        assert parts[0][0] == block_top and parts[-1][1] == first_foot - 1
        assert all(b[0] == a[1] + 1 for a, b in zip(parts, parts[1:]))
        breaks = [b.id for b in ws.row_breaks.brk]
        assert [a[1] for a in parts[:-1]] == [k for k in breaks if block_top <= k < first_foot - 1]
        assert all(label(ws.cell(a, parse_ref(f"{col}1")[1] + 1)) == text for a, _ in parts)
    # numbers are numbers: scores 0.00, total 0.00
    total = ws.cell(first_foot, parse_ref(next(k for k, v in form["foot"]["fields"].items() if v == "total"))[1] + 1)
    assert total.value == float(a.total) and total.number_format == "0.00"
    for row in ws.iter_rows(min_row=block_top + 1, max_row=first_foot - 1):
        for cell in row:
            if isinstance(cell.value, str):
                from kit.render.text import looks_numeric
                assert not looks_numeric(cell.value), cell.coordinate


def test_form_a_funding_rows_and_goals(forms):
    path, a, _ = forms["national-2020"]
    ws = _sheet(path)
    # funding: 当年财政拨款 90/90/84, 上年结转资金 10/10/8 (万元): total 100/100/92, 执行率 92%, 得分 9.2
    assert [ws[c].value for c in ("D6", "E6", "F6", "H6", "I6", "G6")] == [100, 100, 92, 0.92, 9.2, 10]
    assert [ws[c].number_format for c in ("D6", "E6", "F6", "H6", "I6")] == ["0.00", "0.00", "0.00", "0.00%", "0.00"]
    assert [ws[c].value for c in ("D7", "F8", "H8")] == [90, 8, 0.8]
    assert ws["H9"].value == "—"                                # 其他资金: no budget, no rate
    assert ws["B11"].value.startswith("完成12个村级党群服务中心") and ws["F11"].value.startswith("12个服务中心")
    assert ws["B3"].value == "党建引领乡村治理项目" and ws["A2"].value == "（2021年度）"
    # the indicator block: official wording and directions, 预算执行率 not repeated there
    rows = {r[3].value: r for r in ws.iter_rows(min_row=13) if r[3].value}
    assert "预算执行率" not in rows
    assert rows["项目平均完成时间"][4].value == "≤90天" and rows["项目平均完成时间"][7].value == 13.5
    assert rows["村级组织规范化建设"][5].value == "部分达成预期指标"
    assert rows["矛盾纠纷村内化解率"][5].value == 0.96 and rows["矛盾纠纷村内化解率"][5].number_format == "0%"
    assert ws["B13"].value.replace("\n", "") == "产出指标（50分）"


def test_form_b_rollup_rescaled_and_split_columns(forms):
    path, a, summary = forms["sichuan-510000_0013zp"]
    ws = _sheet(path)
    assert ws["B4"].value.endswith("-党建引领村级集体经济发展项目")       # <code>-<name>
    # 总额 95/100/93.7 万元, 执行率 93.7%, 权重 10, 得分 9.37 (generate.py, by hand)
    assert [ws[c].value for c in ("C12", "D12", "E12", "G12", "H12", "I12")] == [95, 100, 93.7, 0.937, 10, 9.37]
    assert ws["G14"].value == "—" and ws["H14"].value == "/"
    rows = {r[3].value: r for r in ws.iter_rows(min_row=19) if r[3].value}
    got = rows["项目建设总成本"]
    assert [got[k].value for k in (4, 5, 6, 7, 8, 9)] == ["≤", 100, "万元", 98, 10, 10]
    assert [rows["验收合格率" if "验收合格率" in rows else "项目验收合格率"][k].value for k in (4, 5, 6, 7)] == \
        ["=", 100, "%", 97]
    assert rows["农村人居环境改善"][9].value == "不适用"
    assert ws.cell(ws.max_row - 1, 1).value.startswith("注：")     # the rescaling and roll-up notes
    notes = [ws.cell(r, 1).value for r in range(ws.max_row - 2, ws.max_row + 1)]
    assert any("折算得分91.81÷95×100=96.64分" in (n or "") for n in notes)
    assert any("绝对值直接累加计算，相对值按照资金额度" in (n or "") for n in notes)
    assert summary["self_assessment"]["total"] == 96.64 and summary["self_assessment"]["units"] == \
        ["东林镇", "西坝镇", "南岗乡"]


# ------------------------------------------------------------------ printed
@pytest.fixture(scope="module")
def printed(forms, office, tmp_path_factory):
    from kit.render.pdf import read_pdf

    tmp = tmp_path_factory.mktemp("printed-forms")
    names = sorted(forms)
    pdfs = office([forms[n][0] for n in names], tmp)
    return {n: read_pdf(p) for n, p in zip(names, pdfs)}


def _flat(text: str) -> str:
    return text.replace("\n", "").replace(" ", "")


def test_form_a_prints_on_one_a4_landscape_page(printed):
    pages = printed["national-2020"]
    assert len(pages) == 1
    p = pages[0]
    assert (p.width, p.height) == pytest.approx((842, 595), abs=1)      # A4 landscape, points


@pytest.mark.parametrize("layout", sorted(FORMS))
def test_printed_forms_keep_every_label_and_column(printed, layout):
    pages = printed[layout]
    text = _flat("".join(p.text for p in pages))
    lay = load_layout(layout)
    widths = lay.widths
    from kit.render.text import display_width

    for c in lay.head + lay.foot:
        label = c.get("text") or ""
        if not label or label in ("—", "/"):
            continue
        _, col, _, ncols = parse_ref(c["at"])
        room = int(sum(widths[col:col + ncols])) - 1
        start = label if display_width(label) <= room else label[: max(room - 1, 2)]   # its first line
        assert _flat(start) in text, (layout, label)
    for p in pages:                                             # landscape A4, every column on the page
        assert (p.width, p.height) == pytest.approx((842, 595), abs=1)
        flat = _flat(p.text)
        if "一级指标" in flat:
            last = lay.block.header[max(lay.block.columns, key=lambda f: lay.block.columns[f][0])]
            assert _flat(last) in flat, (layout, p.index)
    assert len(pages) <= 2


# ------------------------------------------------------------------ snapshots
def _snapshot(path) -> dict:
    ws = _sheet(path)
    cells = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is not None:
                cells[c.coordinate] = [c.value, c.number_format]
    return {"sheet": ws.title, "cells": cells, "merges": sorted(str(m) for m in ws.merged_cells.ranges),
            "row_breaks": [b.id for b in ws.row_breaks.brk], "orientation": ws.page_setup.orientation,
            "print_titles": ws.print_title_rows}


@pytest.mark.parametrize("layout", sorted(FORMS))
def test_form_snapshot(forms, layout):
    got = _snapshot(forms[layout][0])
    path = SNAPSHOTS / f"{layout}.json"
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    assert path.exists(), f"no snapshot {path.name}: run `make snapshots` and review it"
    want = json.loads(path.read_text(encoding="utf-8"))
    assert got == want, f"{layout}: the form changed; if deliberate, `make snapshots` and review the diff"
