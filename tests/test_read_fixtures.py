"""A fictional city (青州市, 2023) in the same layout, with other names, codes and numbers: each
layout feature of HAZARDS.md shows up once, so the reader is tested on rules, not on the seed."""

from decimal import Decimal
from pathlib import Path

import pytest

from goalgraph.read import read_document

QINGZHOU = Path(__file__).parent / "fixtures" / "read" / "qingzhou-2023.txt"


@pytest.fixture(scope="module")
def doc():
    return read_document(QINGZHOU)


@pytest.fixture(scope="module")
def ind(doc):
    return {i.source.line: i for p in doc.projects for i in p.indicators}


@pytest.fixture(scope="module")
def sheet(doc):
    return {p.source.line: p for p in doc.projects}


def test_document(doc):
    assert (doc.title, doc.year, doc.line_count) == ("2023 年预算项目支出绩效目标情况说明", 2023, 79)
    assert sum(doc.role_counts().values()) == 79 and set(doc.line_roles) == set(range(1, 80))
    assert doc.line_roles[4] == "prose" and doc.line_roles[6] == "heading"


def test_summary_with_blank_line_and_cut_row(doc):
    assert [(r.ordinal, r.project_name, r.budget) for r in doc.summary] == [
        (1, "数字经济扶持资金", Decimal("1200")), (2, "河道清淤维护", Decimal("3001")),
        (3, "基层医疗设备购置", Decimal("451"))]
    assert doc.line_roles[11] == "blank"
    assert [(q.source.line, q.reason.split(",")[0]) for q in doc.quarantine] == [(13, "summary row has 2 cells")]


def test_department_list(doc):
    assert [(e.ordinal, e.name) for e in doc.department_list] == [(1, "青州市发展和改革局"), (2, "青州市水务局")]


def test_sheet_headers(sheet):
    a, b, c = sheet[15], sheet[38], sheet[53]
    assert (a.code, a.name, a.department.code, a.unit.code, a.annual_budget, a.year) == (
        "37078123P31000110011A", "数字经济扶持资金", "310", "310001", Decimal("1200"), 2023)
    assert a.heading_name == "数字经济扶持资金" and a.funding_purpose == "支持数字经济企业发展"
    assert (b.code_label, b.code, b.name) == ("项目编号及名称", "37078123P52000210005", "河道清淤维护项目")
    assert (b.department.code, b.department.name, b.unit.code) == (None, "青州市水务局", None)
    assert b.heading_name == "河道清淤维护"  # heading "河道清淤维护年度 目标（2023）"
    assert (c.code, c.name, c.department.code, c.department.name) == (
        "37078123P60000310002", "基层医疗设备购置", "320", "青州市卫生健康局")


def test_label_split_by_a_tab_is_joined(sheet):
    c = sheet[53]  # "年度资金总额（万元" | "）" | "450.8"
    assert (c.annual_budget_label, c.annual_budget) == ("年度资金总额（万元）", Decimal("450.8"))


def test_spending_plans(sheet):
    d = Decimal
    assert [(m.month, m.amount) for m in sheet[15].milestones] == [(3, None), (6, None), (10, None), (12, d("1200"))]
    assert [(m.month, m.amount, m.amount_raw) for m in sheet[38].milestones] == [
        (3, d("0"), "0"), (5, d("1500"), "1500万元"), (9, d("3000.5"), "3000.5万")]
    assert [(m.month, m.amount) for m in sheet[53].milestones] == [(3, d("100")), (6, None), (10, d("300")), (12, d("450.8"))]
    assert sheet[53].milestones[0].month_raw == "3 月底"


def test_goals(sheet):
    (g,) = sheet[15].goals  # template row, content on the next line
    assert (g.ordinal, g.label_raw, g.source.line, g.source.last_line) == (1, "目标1", 22, 23)
    assert g.text == "扶持数字经济企业20家 对入选企业给予一次性奖励，推动数字化转型。"
    g1, g2 = sheet[38].goals  # <p> markup, 提高效率目标, label merged with text
    assert (g1.label_raw, g1.text, g1.row_label) == ("目标1", "完成河道清淤12公里 汛期前完成主要河道清淤，保障行洪安全", "提高效率目标")
    assert (g2.ordinal, g2.label_raw, g2.text) == (2, "目标2", "完成堤岸维护3处")
    (g,) = sheet[53].goals  # text split over two cells
    assert g.text == "完成基层医疗设备购置。 为15家卫生院配备检验设备。"


def test_quantitative_rows(ind):
    assert (ind[26].operator_raw, ind[26].operator, ind[26].value, ind[26].unit) == (">=", "≥", Decimal("20"), "家")
    assert (ind[27].value_raw, ind[27].value, ind[27].level2, ind[27].level2_filled) == (
        "2,500.00", Decimal("2500"), "数量指标", True)
    assert (ind[28].unit_raw, ind[28].unit) == ("百分之", "%")
    assert (ind[30].unit_raw, ind[30].unit) == ("万", "万元")  # bare 万 in a cost indicator
    assert (ind[51].unit_raw, ind[51].unit) == ("百分比", "%")


def test_level_cells_missing(ind):
    assert (ind[29].level1_raw, ind[29].level2_raw, ind[29].level1) == ("", "时效指标", "产出指标")
    assert (ind[29].name, ind[29].description) == ("资金拨付及时性", "资金按计划拨付")
    assert (ind[31].name, ind[31].level2, ind[31].level1) == ("成本控制有效性", "成本指标", "产出指标")
    # benefit rows after output rows, level-1 cell empty: inferred from level 2, not inherited
    assert (ind[32].level1, ind[32].level1_filled, ind[32].level2) == ("效益指标", True, "社会效益指标")
    assert ind[48].level1 == "产出指标"  # first row of a sheet without level 1
    assert (ind[50].level2_raw, ind[50].level2) == ("社会效益", "社会效益指标")
    assert (ind[36].level2_raw, ind[36].level2) == ("服务对象满意度", "服务对象满意度指标")


def test_qualitative_rows(ind):
    assert (ind[29].qualitative_target, ind[29].basis) == ("及时", "根据年度工作计划")  # +3 columns
    assert ind[31].qualitative_target == "有效"  # +1
    assert (ind[33].qualitative_target, ind[33].scoring, ind[33].weight) == ("明显", None, None)  # no score
    assert (ind[34].operator, ind[34].qualitative_target) == ("qualitative", "有效降低")  # blank before 文字描述
    assert (ind[35].qualitative_target, ind[35].basis) == (None, "资金全部用于扶持企业")  # lone cell in 依据
    assert (ind[66].qualitative_target, ind[66].basis) == (None, "根据《医疗设备管理规范》")
    assert (ind[64].operator_raw, ind[64].qualitative_target) == ("文字描述", "合格")  # "文字" | "描述"
    assert ind[49].qualitative_target == "2023年5月底前"


def test_weights(ind):
    expected = {26: "6", 27: "10", 28: "10", 29: "7.5", 30: "10", 31: "8", 32: "5", 34: "7.5", 35: "10",
                36: "10", 51: "10", 63: "30"}
    assert {line: ind[line].weight for line in expected} == {k: Decimal(v) for k, v in expected.items()}


def test_header_without_subheader_and_other_description_label(sheet, ind):
    assert len(sheet[38].indicators) == 4 and ind[48].description == "完成清淤的河道长度"


# -- 2024 variants: no preamble, extra summary column, months under the plan label, operator and value
# -- in one cell, notes under tables, title variant 部门职责活动列表 -------------------------------------

VARIANTS = QINGZHOU.parent / "qingzhou-2024-variants.txt"


@pytest.fixture(scope="module")
def variants():
    return read_document(VARIANTS)


def test_variants_document(variants):
    assert (variants.title, variants.year) == ("2024 年市级报人大项目绩效目标", 2024)
    assert variants.quarantine == [] and sum(variants.role_counts().values()) == 29
    assert variants.line_roles[6] == "prose" and variants.line_roles[24] == "prose"  # notes
    assert variants.line_roles[21] == "blank"  # a row of empty cells inside the indicator table
    assert variants.line_roles[26] == "heading" and len(variants.departments) in (0, 1)


def test_summary_with_extra_column(variants):
    assert [(r.ordinal, r.department_name, r.project_name, r.budget) for r in variants.summary] == [
        (1, "青州市教育局", "校舍维修改造", Decimal("2300.5")), (2, "青州市教育局", "学生资助", Decimal("880"))]
    # the extra 备注 column is kept, not dropped
    assert [r.extra for r in variants.summary] == [{"备注": "新增"}, {"备注": "延续"}]


def test_months_on_the_row_under_the_plan_label(variants):
    sheet = variants.projects[0]
    assert [(m.month, m.amount) for m in sheet.milestones] == [
        (3, Decimal("500")), (6, Decimal("1000")), (10, None), (12, Decimal("2300.5"))]
    assert variants.line_roles[13] == variants.line_roles[14] == "header"
    assert sheet.goals[0].ordinal == 1 and sheet.goals[0].label_raw == "目标一"


def test_operator_and_value_in_one_cell(variants):
    by_line = {i.source.line: i for i in variants.projects[0].indicators}
    assert (by_line[19].operator, by_line[19].value, by_line[19].unit, by_line[19].basis) == (
        "≥", Decimal("2"), "所", "年度维修计划")
    assert (by_line[20].operator_raw, by_line[20].value, by_line[20].unit, by_line[20].basis) == (
        ">=", Decimal("95"), "%", "施工合同")
    assert [i.weight for i in variants.projects[0].indicators] == [Decimal(w) for w in ("20", "20", "30", "20")]
