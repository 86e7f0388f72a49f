"""Property test (issue 10): random indicator tables, scored by the kit and by exact
arithmetic with fractions.Fraction written out here.

Each table has points that add up to 100 (tenths of a point), rules drawn from pro rata,
lower-is-better, threshold (either direction), deduction, yes/no and the three bands, and
values written the ways evaluators write them (55.3%, an Excel percent cell 0.553, 0.57万元,
5700元, 1320人次). The reference: each indicator's exact score, rounded half up to two
places once (floor(100 x + 1/2) / 100); the total is the sum of those; the grade is the first
of 优 90 / 良 80 / 中 60 / 差 0 that the total reaches.
"""

from __future__ import annotations

import math
import tempfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from kit.indicators import assess, load_method, read_indicators

HEADER = ["一级指标", "三级指标", "分值", "评分方法", "年度指标值", "实际完成值", "得分", "偏差原因分析及改进措施"]
GRADES = [("优", 90), ("良", 80), ("中", 60), ("差", 0)]


def half_up_2(x: Fraction) -> Fraction:
    assert x >= 0
    return Fraction(math.floor(x * 100 + Fraction(1, 2)), 100)


def dec(x: Fraction) -> str:
    """A terminating fraction as decimal text, exactly."""
    d = Decimal(x.numerator) / Decimal(x.denominator)
    assert Fraction(d) == x
    return format(d.normalize(), "f")


@st.composite
def quantity(draw, kind: str):
    """(exact value in base units, how it is written in the cell)."""
    if kind == "percent":
        v = Fraction(draw(st.integers(0, 1200)), 1000)      # 0.0% .. 120.0%
        if v <= 1 and draw(st.booleans()):
            return v, float(dec(v))                         # an Excel percent cell: 0.553
        return v, dec(v * 100) + "%"
    if kind == "money":
        v = Fraction(draw(st.integers(0, 2_000_000)))
        if v % 100 == 0 and draw(st.booleans()):
            return v, dec(v / 10_000) + "万元"               # 0.57万元
        return v, dec(v) + "元"
    v = Fraction(draw(st.integers(0, 3000)))
    return v, dec(v) + "人次"


@st.composite
def indicator(draw, points: Fraction):
    rule = draw(st.sampled_from(["pro_rata", "lower_better", "threshold", "threshold_le", "deduction",
                                 "yes_no", "bands"]))
    score_cell = None
    if rule in ("pro_rata", "lower_better", "threshold", "threshold_le"):
        kind = draw(st.sampled_from(["percent", "money", "count"]))
        t, t_text = draw(quantity(kind))
        if rule in ("pro_rata", "lower_better") and t == 0:
            t, t_text = Fraction(1), ("100%" if kind == "percent" else "1元" if kind == "money" else "1人次")
        if draw(st.integers(0, 3)) == 0:                     # the boundary: actual equal to target
            a, a_text = t, (dec(t * 100) + "%" if kind == "percent" else t_text)
        else:
            a, a_text = draw(quantity(kind))
        if rule == "pro_rata":
            exact = points * min(a / t, 1)
            text = "比例"
        elif rule == "lower_better":
            exact = points if a <= t else points * t / a
            text = "反向比例"
        elif rule == "threshold":
            exact = points if a >= t else Fraction(0)
            text = "阈值"
        else:
            exact = points if a <= t else Fraction(0)
            text = "阈值:<="
        return text, t_text, a_text, None, exact
    if rule == "deduction":
        per = Fraction(draw(st.integers(1, 24)), 8)           # 0.125 .. 3
        n = draw(st.integers(0, 6))
        return f"扣分:{dec(per)}", "0次", str(n), None, max(points - per * n, Fraction(0))
    if rule == "yes_no":
        ok = draw(st.booleans())
        word = draw(st.sampled_from(["是", "√", "达标"] if ok else ["否", "×", "未完成"]))
        return "是否", "是", word, None, points if ok else Fraction(0)
    band, lo, hi = draw(st.sampled_from([("达成", Fraction(4, 5), Fraction(1)),
                                         ("部分达成", Fraction(3, 5), Fraction(4, 5)),
                                         ("未达成", Fraction(0), Fraction(3, 5))]))
    if band == "达成" and draw(st.booleans()):
        return "三档", "达成", band, None, points                # 达成 without a score: full
    j = draw(st.integers(math.ceil(lo * points * 100), math.floor(hi * points * 100)))
    score_cell = Fraction(j, 100)
    return "三档", "达成", band, float(dec(score_cell)), score_cell


@st.composite
def table(draw):
    n = draw(st.integers(1, 10))
    cuts = sorted(draw(st.sets(st.integers(1, 999), min_size=n - 1, max_size=n - 1)))
    tenths = [b - a for a, b in zip([0] + cuts, cuts + [1000])]
    rows = []
    for k, t in enumerate(tenths):
        points = Fraction(t, 10)
        rows.append((k, points, *draw(indicator(points))))
    return rows


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table())
def test_random_tables_total_and_grade_exactly(rows):
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        wb = Workbook()
        ws = wb.active
        ws.append(HEADER)
        for k, points, rule, target, actual, score_cell, _ in rows:
            ws.append(["产出", f"指标{k}", float(dec(points)), rule, target, actual, score_cell, "原因"])
        wb.save(d / "t.xlsx")
        (d / "method.yml").write_text("framework: custom\ntitle: t\ntotal: 100\nsections: {产出: 100}\n",
                                      encoding="utf-8")
        a = assess(read_indicators(d / "t.xlsx"), load_method(d / "method.yml"))
    shown = [half_up_2(exact) for *_, exact in rows]
    assert [Fraction(i.score) for i in a.indicators] == shown
    total = sum(shown, Fraction(0))
    assert Fraction(a.total) == total == Fraction(a.sections[0]["score"])
    assert a.grade == next(name for name, low in GRADES if total >= low)
