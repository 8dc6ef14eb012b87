"""Department duty → activity tables (部门职能职责活动列表): the Yantai seed and small fixtures, one per
layout phenomenon (see tests/fixtures/read/departments/README.md).

Expected counts were made by reading the source lines 762–943, not by running the reader:
205 发改委 has duties 01–43 except 26 (42) and 62 activity rows (63 data rows minus the duty-only row
799; the code-less row 816 counts); 403 has 6 duties / 15 activities, 340 7 / 15, 261 11 / 24 (911 is
an empty row), 400 8 / 8.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from goalgraph.read.departments import department_from_title, parse_department_table
from goalgraph.records import LINE_ROLES

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "raw" / "yantai-2022-performance-targets.txt"
FIXTURES = ROOT / "tests" / "fixtures" / "read" / "departments"
FIRST_TABLE_LINE = 762


def split(line: str) -> list[str]:
    return [c.strip() for c in line.split("\t")]


def seed_sections() -> list[tuple[int, str, list[tuple[int, list[str]]]]]:
    """(title line, title, rows) for each department table, split at the one-cell title lines."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    sections: list[tuple[int, str, list]] = []
    for n in range(FIRST_TABLE_LINE, len(lines) + 1):
        cells = split(lines[n - 1])
        if [c for c in cells if c] == [cells[0]] and "职责活动列表" in cells[0]:
            sections.append((n, cells[0], []))
        else:
            sections[-1][2].append((n, cells))
    return sections


@pytest.fixture(scope="module")
def seed():
    """Department code → (result, rows passed)."""
    out = {}
    for title_line, title, rows in seed_sections():
        result = parse_department_table(str(SEED), title_line, title, rows)
        out[result.table.department_code] = (result, rows)
    return out


def fixture(name: str):
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    rows = [(n, split(line)) for n, line in enumerate(lines[1:], start=2)]
    return parse_department_table(name, 1, lines[0], rows), rows


def by_line(result, line: int):
    return next(a for a in result.table.activities if a.source.line == line)


def duty(result, code: str):
    [d] = [d for d in result.table.duties if d.code == code]
    return d


def grades(activity) -> tuple:
    g = activity.grades
    return g.excellent, g.good, g.fair, g.poor


# ------------------------------------------------------------------------------------------------
# the seed


def test_seed_has_five_tables_in_order():
    codes = [parse_department_table(str(SEED), t, title, rows).table.department_code
             for t, title, rows in seed_sections()]
    assert codes == ["205", "403", "340", "261", "400"]


@pytest.mark.parametrize("code, name, duties, activities", [
    ("205", "烟台市发展和改革委员会", 42, 62),
    ("403", "烟台市行政审批服务局", 6, 15),
    ("340", "烟台市大数据局", 7, 15),
    ("261", "烟台市生态环境局", 11, 24),
    ("400", "烟台市地方金融监督管理局", 8, 8),
])
def test_seed_counts(seed, code, name, duties, activities):
    table = seed[code][0].table
    assert table.department_name == name
    assert len(table.duties) == duties
    assert len(table.activities) == activities
    assert len({d.code for d in table.duties}) == duties  # no duty twice


def test_seed_every_line_gets_exactly_one_role(seed):
    for result, rows in seed.values():
        assert set(result.roles) == {n for n, _ in rows}
        assert set(result.roles.values()) <= set(LINE_ROLES)
        quarantined = {q.source.line for q in result.quarantine}
        assert quarantined == {n for n, r in result.roles.items() if r == "quarantined"}


def test_seed_role_counts(seed):
    roles = Counter(r for result, _ in seed.values() for r in result.roles.values())
    # 177 lines after the five titles: 124 activity rows + the duty-only row 799 = 125 records
    assert roles == {"record": 125, "header": 26, "blank": 25, "quarantined": 1}


def test_seed_activities_link_to_declared_duties_by_prefix(seed):
    for result, _ in seed.values():
        declared = {d.code for d in result.table.duties}
        for a in result.table.activities:
            assert a.duty_code in declared, a.source
            if a.code:
                assert a.duty_code == a.code[:2]
            assert a.budget_year == 2022 and a.department_code == result.table.department_code


def test_seed_code_in_duty_column_788(seed):
    a = by_line(seed["205"][0], 788)
    assert (a.code, a.duty_code, a.realigned) == ("1617", "16", True)
    assert a.name == "10千伏高压新装企业用户补贴资金"
    assert grades(a) == ("完成率100%", "完成率小于100%，大于95%", "完成率小于95%，大于90%", "完成率小于90%")


@pytest.mark.parametrize("line, code, duty_code", [(791, "1819", "18"), (792, "1820", "18"), (827, "3346", "33"),
                                                   (828, "3347", "33"), (836, "3652", "36"), (768, "0203", "02")])
def test_seed_codes_in_other_columns(seed, line, code, duty_code):
    a = by_line(seed["205"][0], line)
    assert (a.code, a.duty_code, a.realigned) == (code, duty_code, True)
    assert a.name and a.budget_year == 2022


def test_seed_activity_before_its_duty(seed):
    result = seed["205"][0]
    assert by_line(result, 814).code == "2737" and by_line(result, 814).duty_code == "27"
    assert duty(result, "27").source.line == 815
    assert [by_line(result, n).duty_code for n in range(795, 799)] == ["19"] * 4
    d19 = duty(result, "19")
    assert (d19.source.line, d19.name, d19.description) == (799, "价格管理", "价格监测预警专项经费")
    assert result.roles[799] == "record"
    assert all(a.source.line != 799 for a in result.table.activities)


def test_seed_duty_declared_twice_is_one_duty(seed):
    result = seed["205"][0]
    assert duty(result, "23").source.line == 807
    assert [a.code for a in result.table.activities if a.duty_code == "23"] == ["2330", "2331", "2332"]
    d02 = duty(seed["340"][0], "02")  # declared at 880 (no 职责目标) and again at 884
    assert d02.source.line == 880 and d02.objective.startswith("推动全市政务服务平台")


def test_seed_one_name_under_two_codes(seed):
    result = seed["205"][0]
    assert duty(result, "03").name == duty(result, "04").name == "动员潜力调查"


def test_seed_codeless_activity_816_takes_the_current_duty(seed):
    a = by_line(seed["205"][0], 816)
    assert (a.code, a.name, a.duty_code, a.row_number_raw) == (None, None, "27", "237")
    assert a.description == "完成走访对接企业目标，落实好年度招引任务。"


def test_seed_department_code_in_name_column_821(seed):
    result = seed["205"][0]
    assert duty(result, "30").department_code == "205"
    assert by_line(result, 821).realigned


def test_seed_merged_department_893(seed):
    result = seed["340"][0]
    a = by_line(result, 893)
    assert (a.code, a.duty_code, a.department_code, a.row_number_raw) == ("1101", "11", "340", "1037")
    assert a.realigned and duty(result, "11").source.line == 894


def test_seed_activity_code_in_column_zero(seed):
    r340, r261 = seed["340"][0], seed["261"][0]
    assert [(by_line(r340, n).code, by_line(r340, n).row_number_raw) for n in (877, 878, 879)] == [
        ("0102", ""), ("0103", ""), ("0104", "")]
    assert by_line(r340, 876).row_number_raw == "1015"  # a 4-digit 序号 is not an activity code
    assert [by_line(r261, n).code for n in (901, 902, 904, 905, 907, 908, 910)] == [
        "0102", "0201", "0203", "0301", "0303", "0401", "0403"]
    assert duty(r340, "02").name == "负责全市电子政务工作"  # duty code in column 0 (880)


def test_seed_shifted_left_865(seed):
    a = by_line(seed["403"][0], 865)
    assert (a.code, a.duty_code, a.name, a.realigned) == ("0511", "05", "工商企业档案查询服务", True)


def test_seed_three_grade_cells_778(seed):
    a = by_line(seed["205"][0], 778)
    assert grades(a) == ("完成率 < 100%, 大于 95%", "完成率 < 95%, 大于 90%", "完成率 < 90%", None)


def test_seed_merged_grades_783_to_786(seed):
    result = seed["205"][0]
    assert grades(by_line(result, 783)) == (
        "2个及以上区市入选省表彰名单", "1个区市入选省表彰名单", "无区市入选省表彰名单", "未开展工作")
    assert grades(by_line(result, 785)) == ("政策落实到位", "政策落实到位", "少量政策落实到位", "政策完全未落实")
    assert all(by_line(result, n).grades.poor for n in range(783, 787))


def test_seed_wide_rows_keep_empty_grades(seed):
    result = seed["261"][0]
    a = by_line(result, 914)
    assert (a.grades.good, a.grades.fair, a.realigned) == (None, None, False)
    shifted = by_line(result, 920)
    assert (shifted.code, shifted.realigned, shifted.grades.poor) == ("0601", True, "发生一般以上辐射事故")
    assert duty(result, "06").source.line == 920


def test_seed_empty_row_911_is_quarantined(seed):
    result = seed["261"][0]
    assert result.roles[911] == "quarantined"
    [q] = result.quarantine
    assert q.source.line == 911 and "nothing to read" in q.reason


def test_seed_table_source_spans_title_to_last_row(seed):
    assert str(seed["400"][0].table.source).endswith(":930-943")


# ------------------------------------------------------------------------------------------------
# titles


@pytest.mark.parametrize("title, expected", [
    ("烟台市发展和改革委员会部门职能职责活动列表", (None, "烟台市发展和改革委员会")),
    ("烟台市生态环境局部门职责活动列表", (None, "烟台市生态环境局")),
    ("[512]青州市水务局 部门职能职责活动列表", ("512", "青州市水务局")),
])
def test_department_from_title(title, expected):
    assert department_from_title(title) == expected


# ------------------------------------------------------------------------------------------------
# fixtures: a fictional department, one phenomenon per file


def test_fixture_shifted_rows():
    result, _ = fixture("shifted_rows.tsv")
    acts = result.table.activities
    assert [(a.code, a.duty_code, a.row_number_raw) for a in acts] == [
        ("0101", "01", "31"), ("0102", "01", "32"), ("0201", "02", "33"), ("0202", "02", "34"),
        ("0301", "03", "35"), ("0203", "02", ""), ("0401", "04", "")]
    assert [a.realigned for a in acts] == [False] + [True] * 6
    assert all(grades(a) == ("完成率100%", "完成率小于100%，大于95%", "完成率小于95%，大于90%", "完成率小于90%")
               for a in acts)
    assert all(a.budget_year == 2023 and a.goal == "按时完成年度任务" for a in acts)
    assert [(d.code, d.name, d.objective) for d in result.table.duties] == [
        ("01", "供水保障", "供水安全达标"), ("02", "排水管理", "排水通畅无内涝"), ("03", "节水管理", "用水总量受控"),
        ("04", "水价管理", None)]
    assert (result.table.department_code, result.table.department_name) == ("512", "青州市水务局")


def test_fixture_code_in_wrong_column():
    result, _ = fixture("code_in_wrong_column.tsv")
    acts = {a.code: a for a in result.table.activities}
    assert list(acts) == ["0501", "0502", "0503", "0504", "0601", "0701", "0702"]
    assert [a.realigned for a in acts.values()] == [False, True, True, True, True, True, False]
    assert (acts["0503"].name, acts["0503"].description) == ("地下水监测", "监测地下水位")
    assert (acts["0504"].name, acts["0504"].duty_code) == ("水源地保护", "05")
    assert acts["0701"].duty_code == "07" and acts["0701"].department_code == "512"
    d06 = duty(result, "06")
    assert (d06.department_code, d06.description, d06.objective) == ("512", None, "落实河湖长制")
    assert result.table.department_name == "青州市水务局"  # from the 部门职责活动列表 title variant


def test_fixture_activity_before_duty():
    result, _ = fixture("activity_before_duty.tsv")
    acts = result.table.activities
    assert [(a.code, a.duty_code) for a in acts] == [
        ("0101", "01"), ("0201", "02"), ("0202", "02"), ("0303", "03"), ("0304", "03"), (None, "03"),
        ("0305", "03"), ("0406", "04")]
    assert [(d.code, d.source.line) for d in result.table.duties] == [("01", 4), ("02", 7), ("03", 9), ("04", 14)]
    assert duty(result, "03").description == "监督水土流失治理"  # the first declaration wins
    assert duty(result, "03").name == duty(result, "04").name == "水土保持"
    assert result.roles[7] == "record" and result.roles[15] == "quarantined"
    assert [q.source.line for q in result.quarantine] == [15]


def test_fixture_repeated_header():
    result, rows = fixture("repeated_header.tsv")
    roles = result.roles
    assert {n for n, r in roles.items() if r == "header"} == {3, 4, 7, 10, 11, 12}
    assert {n for n, r in roles.items() if r == "blank"} == {2, 6, 9, 14}
    assert {n for n, r in roles.items() if r == "record"} == {5, 8, 13}
    assert len(roles) == len(rows)
    assert [(a.row_number_raw, a.code, a.duty_code) for a in result.table.activities] == [
        ("1203", "1201", "12"), ("1204", "1202", "12"), ("1205", "1301", "13")]
    assert not result.quarantine


def test_fixture_merged_grades():
    result, _ = fixture("merged_grades.tsv")
    a, b, c, d = result.table.activities
    assert grades(a) == ("抽检合格率达到100%", "抽检合格率达到95%", "抽检合格率达到90%", "未开展抽检工作")
    assert grades(b) == ("完成率100%", "完成率小于100%，大于95%", "完成率小于95%，大于90%", "完成率小于90%")
    assert grades(c) == ("完成率 < 100%, 大于 95%", "完成率 < 95%, 大于 90%", "完成率 < 90%", None)
    assert grades(d) == ("水质达标 水质基本达标", "水质不达标", None, None)  # kept as written, never invented
    assert (a.realigned, b.realigned, c.realigned, d.realigned) == (True, True, False, False)


def test_fixture_wide_rows():
    result, _ = fixture("wide_rows.tsv")
    acts = result.table.activities
    assert [(a.code, a.duty_code, a.realigned) for a in acts] == [
        ("1001", "10", False), ("1002", "10", False), ("1101", "11", True), ("1102", "11", True)]
    assert [grades(a) for a in acts] == [
        ("调度及时无事故", None, None, "调度不及时造成损失"), ("预警及时准确", None, None, "预警不及时"),
        ("无安全事故", None, None, "发生安全事故"), ("隐患全部整改", None, None, "隐患未整改")]
    assert (duty(result, "11").name, duty(result, "11").objective) == ("水利安全生产", "无较大安全事故")


def test_fixture_ambiguous_rows_are_quarantined_with_a_reason():
    result, rows = fixture("ambiguous_rows.tsv")
    assert [a.code for a in result.table.activities] == ["1401"]
    reasons = {q.source.line: q.reason for q in result.quarantine}
    assert set(reasons) == {5, 6, 7, 8, 9}
    assert "without a duty code" in reasons[5]
    assert "4 duty text cells" in reasons[6]
    assert "no budget year" in reasons[7]
    assert "3 activity text cells" in reasons[8]
    assert "nothing to read" in reasons[9]
    assert all(q.text for q in result.quarantine)
    assert {n for n, r in result.roles.items() if r == "quarantined"} == set(reasons)
    assert len(result.roles) == len(rows)


def test_department_from_title_drops_a_leading_year():
    assert department_from_title("2022年烟台市大数据局部门职能职责活动列表") == (None, "烟台市大数据局")
