"""Codebook drafts (`kit init-questionnaire`): known scales in full, satisfied/aware only where
the labels say so, the export's title, no personal value, every guess commented (issue 13)."""

from __future__ import annotations

import re
import subprocess
import sys

import yaml

import kit
from kit.io.draft import draft_codebook, draft_yaml

META = "序号,提交答卷时间,所用时间,来源,来源详情,来自IP"


def _csv(path, header: list[str], rows: list[list]) -> str:
    meta = [[i + 1, f"2024/5/{1 + i % 28} 10:{i % 60:02d}:00", f"{100 + i}秒", "微信", "N/A",
             f"192.0.2.{i + 1}(安徽-合肥)"] for i in range(len(rows))]
    lines = [META + "," + ",".join(header)] + [",".join(map(str, m + r)) for m, r in zip(meta, rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def _opts(q):
    return [(o.code, o.label, o.score) for o in q.options]


HEADER = ["1、您是否为党员", "2、您是否知道本村的“三务”公开栏", "3、您是否参加过村民议事会",
          "4、您对村干部工作作风的满意程度", "5、您对村容村貌的满意程度",
          "6、村里的便民服务让您感到方便", "7、您的情况与以下描述相符：我了解惠民政策",
          "8、以下工作对您的重要性：环境整治", "9、您向亲友推荐本村办事服务的可能性（0-10分）"]
ROWS = [["是", "知道", "是", "满意", "比较满意", "同意", "比较符合", "重要", "8分"],
        ["否", "不知道", "否", "一般", "满意", "非常同意", "完全符合", "重要", "8分"],
        ["是", "知道", "否", "非常满意", "一般", "同意", "比较符合", "重要", "8分"],
        ["否", "知道", "是", "满意", "非常满意", "同意", "完全符合", "重要", "8分"]]


def test_satisfied_and_aware_only_where_the_labels_say_so(tmp_path):
    d = draft_codebook(_csv(tmp_path / "12345678_按文本_村民评价_4_4.csv", HEADER, ROWS))
    qs = d.questionnaire.by_id()
    assert qs["q1"].type == "yesno" and qs["q1"].satisfied is None      # identity question
    assert qs["q2"].type == "yesno" and qs["q2"].satisfied == [          # 知道/不知道
        next(o.code for o in qs["q2"].options if o.label == "知道")]
    assert qs["q3"].type == "yesno" and qs["q3"].satisfied is None      # 是/否: not said
    # 「参加过」 asks what one did, not what one knows: no hint to count it as 知晓 (issue 13b)
    assert not any("satisfied: [" in c for c in d.checks["q3"]), d.checks["q3"]
    assert any("不是知晓题" in c for c in d.checks["q3"])
    for qid in ("q6", "q8", "q9"):   # 同意 without 满意, 重要, 推荐的可能性: no 满意 hint either
        assert not any("satisfied: [" in c for c in d.checks[qid]), (qid, d.checks[qid])
    for qid in ("q6", "q7", "q8", "q9"):                                # 同意/符合/重要/0-10
        assert qs[qid].satisfied is None, qid


def test_known_scales_are_drafted_in_full(tmp_path):
    qs = draft_codebook(_csv(tmp_path / "12345678_按文本_村民评价_4_4.csv", HEADER, ROWS)).questionnaire.by_id()
    # five-point 满意: 满意/一般/非常满意 answered; 非常不满意 and 不满意 were options too
    assert _opts(qs["q4"]) == [(1, "非常不满意", 1.0), (2, "不满意", 2.0), (3, "一般", 3.0),
                               (4, "满意", 4.0), (5, "非常满意", 5.0)]
    assert qs["q4"].type == "scale" and qs["q4"].satisfied == [4, 5]
    # seven-point 满意: 比较满意 and 满意 both answered, so there are seven levels
    assert [o.label for o in qs["q5"].options] == ["非常不满意", "不满意", "比较不满意", "一般",
                                                    "比较满意", "满意", "非常满意"]
    assert qs["q5"].satisfied == [6, 7]                                  # 满意, 非常满意
    assert [o.label for o in qs["q6"].options] == ["非常不同意", "不同意", "一般", "同意", "非常同意"]
    assert [o.label for o in qs["q7"].options] == ["完全不符合", "比较不符合", "一般", "比较符合", "完全符合"]
    assert [o.label for o in qs["q8"].options] == ["非常不重要", "不重要", "一般", "重要", "非常重要"]
    # a 0-10 item with one observed answer (8分) has eleven options, scored 0..10
    assert [o.score for o in qs["q9"].options] == [float(k) for k in range(11)]


def test_codes_come_from_the_codes_file_where_it_shows_them(exports, tmp_path):
    q = tmp_path / "q.yml"
    run = subprocess.run([sys.executable, "-m", "kit", "init-questionnaire",
                          str(exports / "wjx_reportgen_2016_readable.xls"), "--codes",
                          str(exports / "wjx_reportgen_2016_original.xls"), "-o", str(q)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    qs = kit.load_questionnaire(q).by_id()
    # q15 「以0-10分为标准」: one answer in the corpus, code 4 = '3分'; 问卷星 numbers 0分..10分
    # as 1..11, so all eleven options follow (code = score + 1)
    assert [(o.code, o.score) for o in qs["q15"].options] == [(k + 1, float(k)) for k in range(11)]
    # q13 「1分表示非常不重要,5分表示非常重要」 matrix: nobody chose 1分; it is an option
    assert [(o.code, o.label) for o in qs["q13"].options][0] == (1, "1分")
    assert qs["q1"].satisfied is None      # 「是中兴员工吗」 是/否: not an awareness rate
    r = kit.load_export(exports / "wjx_reportgen_2016_readable.xls",
                        codes=exports / "wjx_reportgen_2016_original.xls", questionnaire=q)
    assert r.data.loc[1, "q15"] == 3.0


def test_title_from_the_export_not_the_file_name(tmp_path):
    d = draft_codebook(_csv(tmp_path / "12345678_按文本_村民评价_4_4.csv", HEADER, ROWS))
    assert d.questionnaire.title == "村民评价"


def test_no_personal_value_in_a_draft_with_codes(tmp_path):
    phones = ["13800138001", "13912345678", "15000001111", "18611112222"]
    header = ["1、您的性别", "2、联系电话", "3、方便回访的号码", "4、您对村务公开的满意程度"]
    text = _csv(tmp_path / "12345678_按文本_电话回访_4_4.csv", header,
                [["男", p, p, "满意"] for p in phones])
    codes = _csv(tmp_path / "12345678_按序号_电话回访_4_4.csv", header,
                 [[1, p, p, 4] for p in phones])
    d = draft_codebook(text, codes=codes)
    out = draft_yaml(d)
    qs = d.questionnaire.by_id()
    assert qs["q2"].personal == "phone" and not qs["q2"].options   # by its title
    assert qs["q3"].personal == "phone" and not qs["q3"].options   # by its answers
    assert not re.search(r"1[3-9]\d{9}", out) and "1380013" not in out
    q = tmp_path / "q.yml"
    q.write_text(out, encoding="utf-8")
    r = kit.load_export(text, codes=codes, questionnaire=q)
    assert "q2_hash" in r.data and "q2" not in r.data


def test_every_guess_is_commented_and_the_draft_loads(tmp_path):
    export = _csv(tmp_path / "12345678_按文本_村民评价_4_4.csv", HEADER, ROWS)
    d = draft_codebook(export)
    text = draft_yaml(d)
    blocks = re.split(r"\n(?=\n)", text)
    for q in d.questionnaire.questions:
        block = next(b for b in blocks if f"- id: {q.id}\n" in b)
        comments = [ln for ln in block.splitlines() if ln.strip().startswith(f"# 核对（{q.id}）")]
        # codes without a 按序号 file are a guess: said, with what to check
        assert any("编码" in c for c in comments), (q.id, block)
    assert yaml.safe_load(text)["title"] == "村民评价"
    path = tmp_path / "q.yml"
    path.write_text(text, encoding="utf-8")
    r = kit.load_export(export, questionnaire=path)
    assert r.data["q4"].tolist() == [4.0, 3.0, 5.0, 4.0]
