"""kit.values: one parser for what evaluators type. Expected values are exact hand computations."""

from fractions import Fraction

import pandas as pd
import pytest

from kit.values import (ValueParseError, cn_int, parse_quantity, parse_yes_no, period_key,
                        same_unit, sort_periods)


@pytest.mark.parametrize("text, value, unit, relation", [
    ("55.3%", Fraction(553, 1000), "%", None),
    ("５５．３％", Fraction(553, 1000), "%", None),       # full-width digits and percent
    (0.553, Fraction(553, 1000), "", None),               # an Excel percent cell
    ("0.57万元", Fraction(5700), "元", None),
    ("5700元", Fraction(5700), "元", None),
    ("1,500人次", Fraction(1500), "人次", None),
    ("１，５００人次", Fraction(1500), "人次", None),
    ("≥50个", Fraction(50), "个", ">="),
    ("≤90万元", Fraction(900000), "元", "<="),
    ("=100%", Fraction(1), "%", "="),
    ("98%以上", Fraction(49, 50), "%", ">="),
    ("不低于98%", Fraction(49, 50), "%", ">="),
    ("30天以内", Fraction(30), "天", "<="),
    ("1.2亿元", Fraction(120_000_000), "元", None),
    ("5‰", Fraction(5, 1000), "%", None),
    ("-3.5", Fraction(-7, 2), "", None),
    (1320, Fraction(1320), "", None),
    ("7万元/村", Fraction(70000), "元/村", None),
    ("2千克", Fraction(2), "千克", None),
])
def test_quantities(text, value, unit, relation):
    q = parse_quantity(text)
    assert (q.value, q.unit, q.relation) == (value, unit, relation)


def test_equal_values_written_differently_compare_equal():
    # the cases: an Excel percent cell 0.553 against "55.3%"; 0.57万元 against 5700元
    assert parse_quantity(0.553).value == parse_quantity("55.3%").value
    assert parse_quantity("0.57万元").value == parse_quantity("5700元").value
    # 55.3% as a float is 0.5529999999999999 after /100; exactly 553/1000 here
    assert float(parse_quantity("55.3%").value) == 0.553


@pytest.mark.parametrize("text", ["满意", "N/A", "约98%", "98%-100%", "1.2e3", "≥", "98％以上以下"])
def test_not_numbers_are_errors(text):
    with pytest.raises(ValueParseError):
        parse_quantity(text, where="年度指标值")


def test_empty_cells_are_none():
    assert parse_quantity(None) is None
    assert parse_quantity(float("nan")) is None
    assert parse_quantity("  ") is None


def test_decimals_as_written():
    assert parse_quantity("99.2%").decimals == 1
    assert parse_quantity("98%").decimals == 0
    assert parse_quantity("9.625").decimals == 3


def test_units_must_agree():
    assert same_unit(parse_quantity("90万元"), parse_quantity("800000元")) == (900000, 800000)
    assert same_unit(parse_quantity(0.98), parse_quantity("97%")) == (Fraction(49, 50), Fraction(97, 100))
    with pytest.raises(ValueParseError, match="百分数"):
        same_unit(parse_quantity(98), parse_quantity("97%"))
    with pytest.raises(ValueParseError, match="单位不同"):
        same_unit(parse_quantity("5人"), parse_quantity("5元"))


@pytest.mark.parametrize("word, expected", [
    ("是", True), ("√", True), ("有", True), ("达标", True), ("通过", True), ("1", True), (1, True),
    ("达成", True), ("Yes", True), ("否", False), ("×", False), ("无", False), ("未达标", False),
    ("未通过", False), ("0", False), (0.0, False), ("未达成", False), ("", None), (None, None),
])
def test_yes_no_vocabulary(word, expected):
    assert parse_yes_no(word) is expected


@pytest.mark.parametrize("word", ["部分达成", "可能", "2"])
def test_yes_no_refuses_other_words(word):
    with pytest.raises(ValueParseError, match="是/否"):
        parse_yes_no(word, where="前置条件")


def test_chinese_numerals():
    assert [cn_int(x) for x in ("九", "十一", "九十九", "一百", "一千零一", "二〇二三")] == \
        [9, 11, 99, 100, 1001, 2023]


def test_rounds_ordered_by_meaning_not_text():
    labels = ["第五轮", "第六轮", "第四轮", "第一轮", "第二轮", "第三轮", "第十轮", "第十一轮"]
    assert sort_periods(labels) == ["第一轮", "第二轮", "第三轮", "第四轮", "第五轮", "第六轮",
                                    "第十轮", "第十一轮"]
    assert sort_periods(["第10轮", "第2轮", "第1轮"]) == ["第1轮", "第2轮", "第10轮"]
    assert sort_periods([10, 2, 1]) == [1, 2, 10]


def test_calendar_periods():
    assert sort_periods(["四季度", "一季度", "三季度", "二季度"]) == ["一季度", "二季度", "三季度", "四季度"]
    assert sort_periods(["2024Q1", "2023Q4", "2023年第二季度"]) == ["2023年第二季度", "2023Q4", "2024Q1"]
    assert sort_periods(["2023年11月", "2023年2月", "2024年1月"]) == ["2023年2月", "2023年11月", "2024年1月"]
    assert sort_periods(["2019/11/1", "2019-02-03", pd.Timestamp("2018-12-31")])[0] == pd.Timestamp("2018-12-31")
    assert period_key("2019年11月1日") == ("calendar", 2019, (11, 1))


def test_unorderable_periods_are_errors():
    with pytest.raises(ValueParseError, match="无法判断"):
        sort_periods(["第一轮", "春季检查"])
    with pytest.raises(ValueParseError, match="不一致"):
        sort_periods(["第一轮", "2023年一季度"])
    with pytest.raises(ValueParseError, match="不一致"):
        sort_periods(["一季度", "2023年二季度"])
    with pytest.raises(ValueParseError, match="同一期"):
        sort_periods(["第1轮", "第一轮"])
    assert period_key("2019/02/30") is None
