"""Acceptance on the seed (Yantai 2022): counts, every sheet's header exactly, indicator counts per
sheet, line accounting and the hard cases of HAZARDS.md by line number.

The expected table below was written by reading the source file, not from the parser's output.
"""

from decimal import Decimal
from pathlib import Path

import pytest

from goalgraph.read import read_document
from goalgraph.records import LINE_ROLES

SEED = Path(__file__).resolve().parents[1] / "data" / "raw" / "yantai-2022-performance-targets.txt"

# heading line, project code, name in the code cell, 主管部门 code, 项目单位 code, 年度资金总额,
# first and last indicator row
SHEETS = [
    (46, "37060022P050005100037", "现代化产业集群+人工智能", "205", "205000", "800", 56, 62),
    (64, "37060022P32000710002", "龙口-烟台列车运营补贴费用", "266", "266001", "2000", 74, 80),
    (82, "37060022P30000310001U", "保障性住房租金补贴", "253", "253020", "5000", 93, 101),
    (103, "37060022P99004910151K", "五纵五横道路保洁", "254", "254006", "11046.85", 112, 126),
    (128, "37060022P99004910078B", "套子湾二期膜组器更换", "254", "254011", "600", 138, 146),
    (148, "37060022P990048101270", "城市公共安全与应急管理二期", None, None, "3112.36", 158, 173),
    (175, "37060022P99001110119X", "廉政教育基地运行经费", "130", "130003", "6000", 186, 194),
    (196, "37060022P99001210061Q", "热线平台建设运行经费保障", "201", "201001", "2376", 207, 219),
    (221, "37060022P99001110064X", "烟台市总体国家安全观暨人民防空宣传教育展馆", "324", "324001", "1100", 231, 240),
    (242, "37060022P99001110144F", "检察办案区建设", "165", "165001", "900", 253, 260),
    (262, "37060022P05000110002W", "工信领域高质量发展专项资金", "210", "210001", "2600", 272, 286),
    (288, "37060022P22000410001U", "市级猪肉储备专项资金", "281", "281001", "200", 298, 308),
    (310, "37060022P99007610042N", "招商引资工作经费", "282", "282001", "1000", 321, 332),
    (334, "37060022P280018100061", "耕地保护激励资金", "251", "251000", "1200", 344, 352),
    (354, "37060022P28002010009M", "自然保护区内矿业权退出补助资金", "251", "251000", "1000", 364, 371),
    (373, "37060022P29000510017E", "水环境生态补偿资金", "261", "261000", "2000", 383, 394),
    (396, "37060022P16000210003E", "就业补助资金", "236", "236002", "1000", 406, 423),
    (425, "37060022P16000210005M", "就业补助资金", "236", "236000", "5500", 435, 453),
    (455, "37060022P99006610008M", "网络租赁和运维费", "301", "301001", "356.34", 465, 488),
    (490, "37060022P12001610001C", "自主择业军转干部补贴资金", "338", "338008", "8743", 500, 516),
    (518, "37060022P15000310001N", "", "339", "339002", "1625", 528, 539),
    (541, "37060022P990021100013", "网络维护费", "405", "405001", "178.545", 551, 562),
    (564, "37060022P34009910001P", "轨道集团资本金注入", None, "700901", "30000", 574, 581),
    (583, "37060022P34007810001K", "困难企业解困资金（破产困难职工经济补偿金）", None, "700906", "12643", 595, 603),
    (605, "37060022P34009710001C", "破产企业离休人员医疗保险统筹补助费", "339", "339002", "1000", 615, 622),
    (624, "37060022P990058101006", "编制烟台市现代水网建设规划(烟台市水系连通工程建设规划)", "273", "273001", "900", 634, 641),
    (643, "37060022P27000110001R", "现代农机发展资金", "271", "271000", "185", 653, 660),
    (662, "37060022P100001100020", "全民健身器材设备购置维护经费", "293", "293001", "405", 672, 682),
    (684, "37060022P990040100181", "体育公园运行维护费", "293", "293004", "406.04", 697, 708),
    (710, "37060022P20000110003M", "金融业发展专项资金", "400", "400001", "5417.346", 720, 728),
    (730, "37060022P26000110001K", "农业保险保费补贴", "271", "271001", "4139", 740, 751),
]


@pytest.fixture(scope="module")
def doc():
    return read_document(SEED)


@pytest.fixture(scope="module")
def indicators(doc):
    return {i.source.line: i for p in doc.projects for i in p.indicators}


@pytest.fixture(scope="module")
def sheets(doc):
    return {p.source.line: p for p in doc.projects}


def test_counts(doc):
    assert doc.encoding == "utf-8"
    assert doc.year == 2022
    assert doc.title == "2022 年预算项目支出绩效目标情况说明"
    assert len(doc.summary) == 30
    assert len(doc.department_list) == 5
    assert len(doc.projects) == 31
    assert sum(len(p.indicators) for p in doc.projects) == 357


def test_every_sheet_header_exactly(doc):
    got = [(p.source.line, p.code, p.name, p.department.code, p.unit.code, p.annual_budget,
            p.indicators[0].source.line, p.indicators[-1].source.line) for p in doc.projects]
    expected = [(h, c, n, d, u, Decimal(b), first, last) for h, c, n, d, u, b, first, last in SHEETS]
    assert got == expected


def test_indicator_count_per_sheet_matches_source_rows(doc):
    for sheet, (*_, first, last) in zip(doc.projects, SHEETS):
        assert len(sheet.indicators) == last - first + 1, sheet.heading
        assert [i.ordinal for i in sheet.indicators] == list(range(1, last - first + 2))
    assert sum(last - first + 1 for *_, first, last in SHEETS) == 357


def test_employment_subsidy_has_two_sheets_for_one_summary_row(doc):
    row = next(r for r in doc.summary if r.project_name == "就业补助资金")
    assert row.budget == Decimal("6500") and row.source.line == 30
    budgets = [p.annual_budget for p in doc.projects if p.heading_name == "就业补助资金"]
    assert budgets == [Decimal("1000"), Decimal("5500")]


def test_every_line_accounted_for(doc):
    assert doc.line_count == 943
    assert set(doc.line_roles) == set(range(1, 944))
    assert set(doc.line_roles.values()) <= set(LINE_ROLES)
    assert sum(doc.role_counts().values()) == doc.line_count
    quarantined = {q.source.line for q in doc.quarantine}
    assert quarantined == {n for n, role in doc.line_roles.items() if role == "quarantined"}
    # nothing outside the department tables (762…) is quarantined on the seed
    assert all(n >= 762 for n in quarantined)


def test_roles_of_known_lines(doc):
    roles = doc.line_roles
    assert roles[3] == "heading" and roles[5] == "prose" and roles[11] == "heading"
    assert roles[13] == "header" and roles[14] == "record" and roles[42] == "blank"
    assert roles[46] == "heading" and roles[48] == "record" and roles[51] == "header"
    assert roles[52] == "record" and roles[53] == "record" and roles[54] == "header"
    assert roles[55] == "header" and roles[56] == "record" and roles[753] == "heading"
    assert roles[755] == "header" and roles[756] == "record" and roles[762] == "heading"


def test_summary_rows(doc):
    first, last = doc.summary[0], doc.summary[-1]
    assert (first.ordinal, first.department_name, first.project_name, first.budget) == (
        1, "烟台市发展和改革委员会", "现代产业集群+人工智能", Decimal("800"))
    assert (last.ordinal, last.source.line, last.budget) == (30, 44, Decimal("4139"))
    assert [r.ordinal for r in doc.summary] == list(range(1, 31))


def test_department_list_is_not_a_summary(doc):
    assert [(e.ordinal, e.name, e.source.line) for e in doc.department_list] == [
        (1, "烟台市发展和改革委员会", 756), (2, "烟台市行政审批服务局", 757), (3, "烟台市大数据局", 758),
        (4, "烟台市生态环境局", 759), (5, "烟台市地方金融监督管理局", 760)]
    assert all(r.source.line < 45 for r in doc.summary)


# -- project headers ---------------------------------------------------------------------------------


def test_code_variants(sheets):
    assert sheets[103].code_raw == "37060022P99004910151K 五纵五横道路保洁"  # no brackets
    assert sheets[148].name == "城市公共安全与应急管理二期"
    assert sheets[262].name == "工信领域高质量发展专项资金"  # space after ]
    assert sheets[518].code == "37060022P15000310001N" and sheets[518].name == ""  # no name
    assert len(sheets[64].code) == 20
    assert sheets[288].code_label == "项目编号及名称"


def test_names_without_codes(sheets):
    assert (sheets[148].department.code, sheets[148].department.name) == (None, "烟台市应急管理局")
    assert (sheets[148].unit.code, sheets[148].unit.name) == (None, "烟台市应急管理局")
    assert sheets[564].department.name == "烟台市轨道交通集团有限公司"
    assert sheets[583].department.name == "烟台蓝天投资开发集团有限公司"
    assert sheets[46].unit.name == "烟台市发展和改革委员会（系统）"


def test_headings(sheets):
    assert sheets[148].year == 2022 and sheets[148].heading_name == "城市公共安全与应急管理二期"
    assert sheets[221].heading_name == "烟台市总体国家安全观暨人民防空宣传教育 展馆"
    assert sheets[605].heading_name == "破产企业离休人员医疗保险统筹补助费"
    assert sheets[624].heading_name == "编制烟台市现代水网建设规划(烟台市水系连通工程建设规划)"
    assert sheets[128].annual_budget_raw == "600.00000"


# -- spending plan -----------------------------------------------------------------------------------


def plan(sheet):
    return [(m.month, m.amount) for m in sheet.milestones]


def test_plan_amounts_with_wan_yuan(sheets):
    d = Decimal
    assert plan(sheets[148]) == [(3, d("2384.2")), (6, d("2639.325")), (10, d("2923.62")), (12, d("3112.36"))]
    assert sheets[148].milestones[0].amount_raw == "2384.2万元"
    assert sheets[148].milestones[0].source.line == 154


def test_plan_matched_by_column(sheets):
    assert plan(sheets[46]) == [(3, None), (6, None), (10, None), (12, Decimal("800"))]  # line 52
    assert plan(sheets[64]) == [(3, None), (6, Decimal("2000")), (10, Decimal("2000")), (12, Decimal("2000"))]
    assert plan(sheets[396])[-1] == (12, Decimal("1000"))  # 401: 10月底 and 12月底 adjacent
    assert plan(sheets[490]) == [(3, Decimal("2185")), (6, Decimal("4370")), (10, Decimal("6500")),
                                 (12, Decimal("8743"))]


def test_plan_explicit_zero_is_not_blank(sheets):
    assert plan(sheets[373])[0] == (3, Decimal("0"))  # line 379
    assert plan(sheets[710])[0] == (3, Decimal("0"))  # line 716
    assert plan(sheets[46])[0] == (3, None)


def test_plan_non_standard_months(sheets):
    assert [m for m, _ in plan(sheets[518])] == [3, 6, 9]  # 523: 9月底
    assert plan(sheets[624]) == [(3, Decimal("0")), (5, Decimal("449")), (6, Decimal("628.6")), (9, Decimal("900"))]
    assert [m for m, _ in plan(sheets[82])] == [3, 6, 10]  # 87: no 12月底
    assert sheets[128].milestones[0].month_raw == "3 月底"


# -- goals -------------------------------------------------------------------------------------------


def goals(sheet):
    return [(g.ordinal, g.label_raw, g.text) for g in sheet.goals]


def test_template_rows_with_content_on_next_line(sheets):
    g = sheets[82].goals
    assert len(g) == 1 and (g[0].source.line, g[0].source.last_line) == (89, 90)
    assert g[0].text.startswith("市中心区全年完成10030户租赁补贴发放任务 市住房保障中心")
    assert "目标内容" not in g[0].text
    g = sheets[310].goals
    assert len(g) == 1 and (g[0].source.line, g[0].source.last_line) == (317, 318)
    assert g[0].text.startswith("年内引进项目 8 个以上")


def test_label_merged_with_text(sheets):
    assert goals(sheets[103])[0][:2] == (1, "目标1")
    assert goals(sheets[103])[0][2].startswith("根据烟台市人民政府烟政发《2021》11号文件要求")


def test_several_goals(sheets):
    assert [o for o, _, _ in goals(sheets[175])] == [1, 2]
    assert [o for o, _, _ in goals(sheets[583])] == [1, 2, 3]
    assert goals(sheets[684])[3] == (4, "目标 4", "保持达到全国 3A 级景区的要求。")


def test_split_goal_and_html_and_label(sheets):
    g = sheets[518].goals  # 525: text split over two cells
    assert len(g) == 1 and g[0].text.startswith("补充长期护理保险基金收入")
    assert "长期护理保险实行委托管理" in g[0].text and "目标内容" not in g[0].text
    g = sheets[605].goals  # 612: <p>
    assert len(g) == 1 and g[0].label_raw == "目标1" and "<p>" not in g[0].text
    assert g[0].text.startswith("保障离休人员医疗保险统筹基金收支平衡") and "2022年预计征收" in g[0].text
    assert "<p>" in g[0].text_raw
    assert sheets[541].goals[0].row_label == "提高效率目标"  # 548
    assert goals(sheets[148]) == [(1, "目标1", "简单描述")]  # placeholder kept for validation
    assert sheets[46].goals[0].text.startswith("根据《关于推进")  # 目标内容 1： stripped


# -- indicator rows ----------------------------------------------------------------------------------


def test_qualitative_target_shifts(indicators):
    for line, target in [(414, "按照单位为就业困难人员实际缴纳的社会保险费给予补贴(不包含个人应缴纳的部分)"),
                         (415, "公益性岗位参照当地最低工资标准;非公益性岗位按照每人每年1200元"),
                         (99, "有效"), (100, "持续有效"), (59, "匹配"), (60, "有效"), (61, "有效"),
                         (77, "匹配"), (348, "有效")]:
        ind = indicators[line]
        assert (ind.operator, ind.qualitative_target, ind.value) == ("qualitative", target, None), line
    assert indicators[414].basis == "《烟台市就业补助资金管理办法》(烟财社[2019]10号)"
    for line in range(442, 446):
        assert indicators[line].qualitative_target and indicators[line].basis.startswith("《烟台市就业补助")
    assert indicators[59].basis.startswith("《关于推进") and indicators[59].weight == Decimal("10")


def test_lone_text_cell_is_the_basis(indicators):
    assert indicators[368].qualitative_target is None
    assert indicators[368].basis.startswith("《关于下达自然保护区内采矿权退出")
    assert indicators[618].qualitative_target is None
    assert indicators[618].basis == "财政补助专款专用于离休干部医疗保障"


def test_no_operator_at_all(indicators):
    ind = indicators[367]
    assert (ind.operator_raw, ind.operator, ind.qualitative_target) == ("", None, "2022 年 12 月")
    assert ind.basis.startswith("《关于做好") and ind.weight == Decimal("10")


def test_level1_inferred_from_level2(indicators):
    for line in (579, 580):
        assert indicators[line].level1 == "效益指标" and indicators[line].level1_filled
    assert indicators[578].level1 == "产出指标"
    assert indicators[615].level1 == "产出指标" and indicators[615].level1_raw == ""
    assert indicators[619].level1 == "效益指标"


def test_missing_leading_cells(indicators):
    i168, i169, i170 = indicators[168], indicators[169], indicators[170]
    assert (i168.level1_raw, i168.level2_raw, i168.level1, i168.level2) == ("", "时效指标", "产出指标", "时效指标")
    assert (i168.name, i168.description) == ("项目完工及验收及时性", "项目验收及时性达到")
    assert (i169.level2, i169.name, i169.value, i169.unit) == ("成本指标", "严格预算控制", Decimal("3112.36"), "万元")
    assert (i170.level2_raw, i170.level2, i170.level2_filled) == ("", "成本指标", True)
    assert (i170.name, i170.qualitative_target, i170.weight) == ("成本控制有效性", "有效", Decimal("2"))
    assert indicators[418].level2_raw == "时效指标" and indicators[418].level1 == "产出指标"
    assert indicators[113].level2 == "数量指标" and indicators[113].level2_filled


def test_level2_spellings_and_missing_description(indicators):
    assert (indicators[78].level2_raw, indicators[78].level2) == ("社会效益", "社会效益指标")
    assert indicators[79].level2 == "可持续影响指标"
    assert indicators[352].level2 == "服务对象满意度指标"
    ind = indicators[423]
    assert (ind.name, ind.description, ind.operator, ind.value, ind.unit) == (
        "公共就业服务满意度", None, "≥", Decimal("90"), "%")


def test_values_units_operators(indicators):
    assert (indicators[207].value_raw, indicators[207].value) == ("2,200,000.00", Decimal("2200000"))
    assert indicators[699].value == Decimal("300000")
    assert (indicators[194].unit_raw, indicators[194].unit) == ("百分之", "%")
    assert (indicators[167].unit_raw, indicators[167].unit) == ("百分比", "%")
    assert (indicators[723].unit_raw, indicators[723].unit, indicators[723].value) == ("万", "万元", Decimal("800"))
    assert (indicators[740].operator_raw, indicators[740].operator) == (">=", "≥")
    assert indicators[119].operator == "≤" and indicators[121].unit == "万元/座"
    assert indicators[416].basis.startswith("《烟台市市级人力资源服务业") and indicators[416].unit == "万元"
    assert indicators[158].name == "1. 燃气监测仪器及配套安装数量"


def test_weights(indicators):
    cases = {74: "10", 207: "10", 390: "7.5", 158: "4", 186: "7", 528: "10", 273: "5", 272: "5",
             286: "10", 56: "20", 138: "15", 364: "10"}
    for line, weight in cases.items():
        assert indicators[line].weight == Decimal(weight), line
    assert indicators[656].scoring is None and indicators[656].weight is None
    assert indicators[656].qualitative_target == "匹配" and indicators[656].basis == "烟台市级农机购置补贴实施方案"
    assert indicators[659].weight is None and indicators[659].qualitative_target == "促进"


def test_weights_sum_to_90_on_29_sheets(doc):
    sums = [sum(i.weight or 0 for i in p.indicators) for p in doc.projects]
    assert sums.count(90) == 29
