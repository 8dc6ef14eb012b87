"""Numbers, amounts, months, weights and coded names as written in the source layout."""

from decimal import Decimal

import pytest

from goalgraph.read.normalize import (
    parse_amount, parse_coded_name, parse_month, parse_number, parse_project_code, parse_weight,
    split_value_unit, strip_markup, year_from_project_code,
)


@pytest.mark.parametrize("text, expected", [
    ("1,200", "1200"), ("2,200,000.00", "2200000"), ("63.6", "63.6"), ("0", "0"), ("600.00000", "600"),
    (" 12 ", "12"), ("", None), ("有效", None), ("2022 年 12 月", None), ("1,20", None),
])
def test_parse_number(text, expected):
    assert parse_number(text) == (Decimal(expected) if expected else None)


@pytest.mark.parametrize("text, expected", [
    ("2384.2万元", "2384.2"), ("2639.325万", "2639.325"), ("800", "800"), ("0", "0"), ("", None),
    ("100元", None),
])
def test_parse_amount(text, expected):
    assert parse_amount(text) == (Decimal(expected) if expected else None)


def test_explicit_zero_is_not_none():
    assert parse_amount("0") == Decimal("0") and parse_amount("0") is not None


@pytest.mark.parametrize("text, expected", [
    ("3月底", 3), ("3 月底", 3), ("12月底", 12), ("9月底", 9), ("５月底", 5), ("13月底", None), ("年底", None),
])
def test_parse_month(text, expected):
    assert parse_month(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("20分", "20"), ("满分4分", "4"), ("共计7分,未达到服务面积,按比例扣分", "7"), ("总分10分。254-264万人9分", "10"),
    ("满分 7.5 分，指标大于等于 63.6%得满分", "7.5"), ("10，开行90%8分，80%7分", "10"), ("10", "10"),
    ("达标的满分，不达标按比例得分。满分 5 分。", "5"), ("得分=覆盖率*指标分值。满分 5 分。", "5"),
    ("10 分, 是否按照市政府要求完成", "10"), ("5分是否小于发生数量", "5"), ("15 分，完成年初目标值的", "15"),
    ("90%-100%扣5分", None), ("", None), (None, None), ("完成指标值的得满分", None),
    ("2022年6月底拨付得满分", None),
])
def test_parse_weight(text, expected):
    assert parse_weight(text) == (Decimal(expected) if expected else None)


@pytest.mark.parametrize("text, code, name", [
    ("[205]烟台市发展和改革委员会", "205", "烟台市发展和改革委员会"),
    ("[310] 青州市发展和改革局", "310", "青州市发展和改革局"),
    ("［310001］青州市发展和改革局（系统）", "310001", "青州市发展和改革局（系统）"),
    ("340 烟台市大数据局", "340", "烟台市大数据局"),
    ("青州市水务局", None, "青州市水务局"),
    ("", None, ""),
])
def test_parse_coded_name(text, code, name):
    coded = parse_coded_name(text)
    assert (coded.raw, coded.code, coded.name) == (text, code, name)


@pytest.mark.parametrize("text, code, name", [
    ("[37078123P31000110011A]数字经济扶持资金", "37078123P31000110011A", "数字经济扶持资金"),
    ("37078123P52000210005 河道清淤维护项目", "37078123P52000210005", "河道清淤维护项目"),
    ("[37078123P60000310002] 基层医疗设备购置", "37078123P60000310002", "基层医疗设备购置"),
    ("[37078123P60000310002]", "37078123P60000310002", ""),
    ("数字经济扶持资金", None, "数字经济扶持资金"),
])
def test_parse_project_code(text, code, name):
    assert parse_project_code(text) == (code, name)


def test_year_from_project_code():
    assert year_from_project_code("37078123P31000110011A") == 2023
    assert year_from_project_code(None) is None


def test_split_value_unit_and_markup():
    assert split_value_unit("95%") == (Decimal("95"), "%")
    assert split_value_unit("有效") == (None, "")
    assert strip_markup("<p>目标1 甲</p> <p>目标内容1 乙</p>") == ["目标1 甲", "目标内容1 乙"]
    assert strip_markup("没有标记") == ["没有标记"]
