"""Citations (政策文件引用): 文号 parsing, splitting basis cells, basis kinds and corpus-wide resolution."""

from pathlib import Path

import pytest

from goalgraph.citations import (
    DocumentRegistry,
    find_citations,
    jurisdiction,
    normalize_title,
    parse_basis,
    parse_doc_number,
)
from goalgraph.vocab import BASIS_KIND_BY_SLUG, BRACKET_BY_SLUG, JURISDICTION_BY_SLUG

FIXTURES = Path(__file__).parent / "fixtures" / "citations"
SEED = Path(__file__).resolve().parents[1] / "data" / "raw" / "yantai-2022-performance-targets.txt"


def _rows(name: str) -> list[list[str]]:
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


# -- 文号 forms (fixtures) -----------------------------------------------------------------------------


@pytest.mark.parametrize("row", _rows("doc_numbers.tsv"), ids=lambda r: r[0])
def test_doc_number_forms(row):
    text, canonical, code, year, serial, bracket, di, zero, prefix = (row + [""])[:9]
    n = parse_doc_number(text)
    assert n is not None
    assert n.canonical == canonical
    assert n.issuer_code == code
    assert n.year == (None if year == "None" else int(year))
    assert n.serial == int(serial)
    assert n.bracket_style == bracket and bracket in BRACKET_BY_SLUG
    assert n.has_di is (di == "true")
    assert n.leading_zero is (zero == "true")
    assert n.trimmed_prefix == prefix
    assert text.endswith(n.raw)


@pytest.mark.parametrize("row", _rows("jurisdictions.tsv"), ids=lambda r: r[0])
def test_jurisdiction(row):
    code, expected = row
    assert jurisdiction(code) == expected
    assert expected in JURISDICTION_BY_SLUG


@pytest.mark.parametrize(
    "text",
    ["《青岛市数字经济发展规划（2021-2025 年）》", "实施方案（2020-2022年）", "项目（2021）12", "2021年预算", "第3号"],
)
def test_not_a_number(text):
    assert parse_doc_number(text) is None
    assert all(c.number is None for c in find_citations(text))


# -- acceptance: the forms the seed uses ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text, canonical, bracket, prefix",
    [
        ("烟财社[2019]10号", "烟财社〔2019〕10号", "square", ""),
        ("国转联【2001】8号", "国转联〔2001〕8号", "lenticular", ""),
        ("鲁工信创〔2021〕237 号", "鲁工信创〔2021〕237号", "hexagonal", ""),
        ("鲁环委办便函【2021】51号", "鲁环委办便函〔2021〕51号", "lenticular", ""),
        ("烟台市人民政府烟政发《2021》11号", "烟政发〔2021〕11号", "book-title", "烟台市人民政府"),
        ("工信部政法函鲁工信创〔2021〕300 号", "鲁工信创〔2021〕300号", "hexagonal", "工信部政法函"),
        ("人社（2021）3号", "人社〔2021〕3号", "round", ""),
    ],
)
def test_seed_number_forms(text, canonical, bracket, prefix):
    n = parse_doc_number(text)
    assert (n.canonical, n.bracket_style, n.trimmed_prefix) == (canonical, bracket, prefix)


def test_book_title_year_is_no_title():
    cits = find_citations("目标1 根据烟台市人民政府烟政发《2021》11号文件要求,理顺管理职责")
    assert len(cits) == 1
    c = cits[0]
    assert c.title is None and c.text == "烟政发《2021》11号"
    assert c.number.canonical == "烟政发〔2021〕11号" and c.number.trimmed_prefix == "根据烟台市人民政府"


def test_number_after_title_belongs_to_it():
    text = "省委、省政府、省军区《关于深入推进人民防空改革发展的实施意见》（鲁发【2015】20号）"
    [c] = parse_basis(text).citations
    assert c.title == "关于深入推进人民防空改革发展的实施意见"
    assert c.number.canonical == "鲁发〔2015〕20号" and c.number.issuer_code == "鲁发"
    assert c.text.startswith("《") and c.text.endswith("）")
    assert jurisdiction(c.number.issuer_code) == "provincial"


def test_several_titles_split():
    text = ("《青岛市城市住房保障办法》《关于做好租赁补贴工作的实施意见》、《关于推进新市民住房保障的意见》"
            "(青建发〔2020〕12号)")
    cits = parse_basis(text).citations
    assert [c.title for c in cits] == [
        "青岛市城市住房保障办法", "关于做好租赁补贴工作的实施意见", "关于推进新市民住房保障的意见"]
    assert [c.number.canonical if c.number else None for c in cits] == [None, None, "青建发〔2020〕12号"]


def test_titles_with_numbers_separated_by_dunhao():
    text = ("《关于开展职工护理保险的意见》(济政办发〔2017〕8号)、《济南市护理保险实施办法》"
            "(济医保发〔2018〕3号)")
    assert [c.number.canonical for c in find_citations(text)] == ["济政办发〔2017〕8号", "济医保发〔2018〕3号"]


def test_bare_number_is_its_own_citation():
    text = "根据国家发展改革委、财政部发改价格[2019]101号文件和冀政办字[2018]45号"
    cits = find_citations(text)
    assert [c.number.canonical for c in cits] == ["发改价格〔2019〕101号", "冀政办字〔2018〕45号"]
    assert cits[0].number.trimmed_prefix == "财政部" and cits[1].number.trimmed_prefix == "文件和"
    assert all(c.title is None for c in cits)


def test_nested_angle_brackets_kept_in_title():
    text = "《印发〈关于加强社区矫正工作的意见〉的通知》（司发【2014】5号）"
    [c] = find_citations(text)
    assert c.title == "印发〈关于加强社区矫正工作的意见〉的通知"
    assert c.number.canonical == "司发〔2014〕5号"


def test_year_range_in_title_is_not_a_number():
    for text in ["《潍坊市卫生信息化发展规划（2016-2018 年）》", "《关于加快发展的实施意见（2020-2022年）》（潍发〔2019〕3号）"]:
        [c] = find_citations(text)
        assert "年" in c.title
        assert c.number is None or c.number.canonical == "潍发〔2019〕3号"


def test_numbers_inside_a_title_are_not_its_number():
    text = ("根据市人社局、市财政局文件《转发苏人社发（2021）1号和苏人社发（2021）2号文件做好调整补助标准工作的通知》"
            "（人社（2021）3号）。")
    cits = find_citations(text)
    outer = [c for c in cits if not c.in_title]
    inner = [c for c in cits if c.in_title]
    assert len(outer) == 1 and outer[0].number.canonical == "人社〔2021〕3号"
    assert jurisdiction(outer[0].number.issuer_code) == "unknown"
    assert [c.number.canonical for c in inner] == ["苏人社发〔2021〕1号", "苏人社发〔2021〕2号"]
    assert [c.number.trimmed_prefix for c in inner] == ["转发", "和"]


def test_two_codes_run_together_inside_title_brackets():
    text = "《工业和信息化部关于公布示范企业名单的通告》（工信部联函浙经信〔2020〕88 号）"
    [c] = find_citations(text)
    assert c.title.endswith("通告")
    assert c.number.canonical == "浙经信〔2020〕88号" and c.number.trimmed_prefix == "工信部联函"


def test_serial_without_hao_before_closing_bracket():
    [c] = find_citations("《关于公布示范名单的通知》（鲁工信创〔2021〕300）")
    assert c.number.canonical == "鲁工信创〔2021〕300号" and c.text.endswith("）")


def test_order_number():
    [c] = find_citations("依据《政府采购非招标采购方式管理办法》（财政部令第74号）")
    assert c.number.canonical == "财政部令第74号" and c.number.year is None and c.number.is_order
    assert c.kind == "law"


# -- standards, laws, procurement ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, standard",
    [
        ("执行《城镇污水处理厂污染物排放标准》(GB18918-2002)一级 A 标准", "GB 18918-2002"),
        ("公文格式按 GB/T 9704-2012 执行", "GB/T 9704-2012"),
        ("《地表水环境质量标准》（GB 3838—2002）", "GB 3838-2002"),
        ("DB37/T 3523-2019", "DB37/T 3523-2019"),
    ],
)
def test_standard(text, standard):
    [c] = find_citations(text)
    assert c.standard == standard and c.kind == "standard" and c.number is None
    assert parse_basis(text).kind == "standard"


def test_law_article_references():
    text = ("经济补偿金测算：根据《劳动合同法》第四十条第三款，第四十四条第四款，第四十六条第三款、第六款，第四十七条；"
            "《企业破产法》第一百一十三条第三款。补偿测算：根据《河北省贯彻〈工伤保险条例〉实施办法》第二十五条。")
    cits = find_citations(text)
    assert [(c.title, c.article, c.kind) for c in cits] == [
        ("劳动合同法", "第四十条第三款，第四十四条第四款，第四十六条第三款、第六款，第四十七条", "law"),
        ("企业破产法", "第一百一十三条第三款", "law"),
        ("河北省贯彻〈工伤保险条例〉实施办法", "第二十五条", "policy-document"),
    ]


def test_law_kinds():
    assert parse_basis("根据《数据安全法》要求").kind == "law"
    assert parse_basis("《山西省社会信用条例》").kind == "law"
    assert parse_basis("《威海市资金管理办法》").kind == "policy-document"


def test_procurement_number_is_not_a_doc_number():
    text = "《威海市政府采购公开招标文件》(项目编号: SDGP371000202101000123, 项目名称: 护理保险经办服务)"
    b = parse_basis(text)
    [c] = b.citations
    assert c.number is None and c.procurement_id == "SDGP371000202101000123"
    assert c.title == "威海市政府采购公开招标文件"
    assert b.kind == "procurement"


# -- basis kinds -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, kind",
    [
        ("根据实际工作需要", "unspecified"),
        ("根据工作实际", "unspecified"),
        ("工作要求", "unspecified"),
        ("文件规定", "unspecified"),
        ("文件", "unspecified"),
        ("市政府文件规定", "unspecified"),
        ("相关文件要求及立项目标", "unspecified"),
        ("根据合同约定", "contract"),
        ("根据合作协议确定", "contract"),
        ("《潍坊市护理保险三方服务协议》", "contract"),
        ("根据政府采购结果", "procurement"),
        ("道路保洁招标单价", "procurement"),
        ("满意度调查", "survey"),
        ("依据服务对象问卷调查", "survey"),
        ("根据年度工作计划", "work-plan"),
        ("项目计划", "work-plan"),
        ("可行性方案", "work-plan"),
        ("农机化统计年报", "statistics"),
        ("依据检测报告", "statistics"),
        ("根据工作实际测算", "estimate"),
        ("根据上年实际情况预估", "estimate"),
        ("质量参考国标或行业标准", "standard"),
        ("《潍坊市资金管理办法》（潍财工〔2021〕5号）", "policy-document"),
        ("潍坊市政府购买服务管理办法", "policy-document"),
        ("关于加快潍坊市农业保险高质量发展的实施方案", "policy-document"),
    ],
)
def test_basis_kind(text, kind):
    assert kind in BASIS_KIND_BY_SLUG
    assert parse_basis(text).kind == kind


def test_bare_document_name():
    [c] = parse_basis("潍坊市耕地保护激励暂行办法(新版正在制定)").citations
    assert c.title == "潍坊市耕地保护激励暂行办法" and not c.quoted


def test_mixed_cell_takes_most_specific_kind():
    text = "测算：根据《劳动合同法》第四十条；根据《关于调整补助标准的通知》（冀人社发〔2018〕56号）。"
    assert parse_basis(text).kind == "policy-document"


# -- titles and resolution -------------------------------------------------------------------------------


def test_normalize_title():
    key = normalize_title("关于推进“优势产业+人工智能”的指导意见")
    assert normalize_title("《关于推进\"优势产业 + 人工智能\"的指导意见》") == key
    assert normalize_title("印发〈关于自主择业问题的意见〉的通知") == normalize_title("关于自主择业问题的意见")
    assert normalize_title("关于印发潍坊市资金管理办法的通知") == normalize_title("潍坊市资金管理办法")
    assert normalize_title("潍坊市资金管理办法（试行）") == normalize_title("潍坊市资金管理办法(试行)")


def _registry(items):
    reg = DocumentRegistry()
    for where, text in items:
        for c in find_citations(text):
            reg.add(c, where)
    return reg


def test_title_only_resolves_to_numbered_document():
    reg = _registry([
        ("goal", "根据《关于推进“现代优势产业集群+人工智能”的指导意见》（烟政字〔2019〕32号）要求，会同市财政局"),
        ("b1", "《关于推进“现代优势产业集群+人工智能”的指导意见》"),
        ("b2", "《关于推进“现代优势产业集群+人工智能”的指导意见》"),
    ])
    res = reg.resolve()
    assert [r.method for r in res] == ["number", "title-match", "title-match"]
    assert {r.document_key for r in res} == {"n:烟政字〔2019〕32号"}
    [doc] = reg.documents
    assert doc.id_local == "烟政字〔2019〕32号" and (doc.issuer_code, doc.year, doc.serial) == ("烟政字", 2019, 32)
    assert doc.jurisdiction == "city"


def test_bracket_variants_are_one_document():
    reg = _registry([("a", "《潍坊市资金管理办法》(潍财社[2019]10号)"),
                     ("b", "《潍坊市资金管理办法》（潍财社〔2019〕10号）"),
                     ("c", "潍财社【2019】10 号")])
    assert {r.document_key for r in reg.resolve()} == {"n:潍财社〔2019〕10号"}
    [doc] = reg.documents
    assert doc.raw_numbers == ["潍财社[2019]10号", "潍财社〔2019〕10号", "潍财社【2019】10 号"]


def test_title_variants_match():
    reg = _registry([("a", "《印发〈关于自主择业问题的意见〉的通知》（国转联【2001】8号）"),
                     ("b", "《关于自主择业问题的意见》")])
    res = reg.resolve()
    assert res[1].method == "title-match" and res[1].document_key == "n:国转联〔2001〕8号"
    assert reg.documents[0].titles[0] == "印发〈关于自主择业问题的意见〉的通知"


def test_title_with_two_numbers_is_ambiguous():
    reg = _registry([("a", "《潍坊市资金管理办法》（潍财社〔2019〕10号）"),
                     ("b", "《潍坊市资金管理办法》（潍财社〔2021〕3号）"),
                     ("c", "《潍坊市资金管理办法》")])
    res = reg.resolve()
    assert res[2].method == "ambiguous" and res[2].document_key is None
    assert "潍财社〔2019〕10号" in res[2].note and "潍财社〔2021〕3号" in res[2].note
    assert len(reg.documents) == 2


def test_title_never_numbered_stays_title_only():
    reg = _registry([("a", "《潍坊市城市住房保障管理办法》"), ("b", "《潍坊市城市住房保障管理办法》")])
    assert [r.method for r in reg.resolve()] == ["title-only", "title-only"]
    [doc] = reg.documents
    assert doc.key == "t:潍坊市城市住房保障管理办法" and doc.id_local is None


def test_standard_resolution():
    reg = _registry([("a", "《城镇污水处理厂污染物排放标准》(GB18918-2002)"), ("b", "GB 18918-2002")])
    assert [(r.method, r.document_key) for r in reg.resolve()] == [("standard", "s:GB 18918-2002")] * 2
    assert reg.documents[0].kind == "standard"


# -- the seed --------------------------------------------------------------------------------------------

#: every distinct 文号 in the seed, read by hand: canonical → (issuer, year, serial, where)
SEED_NUMBERS = {
    "烟政字〔2019〕32号": ("烟政字", 2019, 32),  # 53 goal text
    "烟财建〔2020〕20号": ("烟财建", 2020, 20),  # 53 goal text
    "烟政发〔2021〕11号": ("烟政发", 2021, 11),  # 110 《2021》
    "鲁发〔2015〕20号": ("鲁发", 2015, 20),  # 238 【】
    "鲁工信创〔2021〕237号": ("鲁工信创", 2021, 237),  # 272 "237 号"
    "鲁工信创〔2021〕300号": ("鲁工信创", 2021, 300),  # 273 two codes run together
    "烟财工〔2021〕5号": ("烟财工", 2021, 5),  # 274
    "烟办发电〔2021〕117号": ("烟办发电", 2021, 117),  # 278
    "鲁环委办便函〔2021〕51号": ("鲁环委办便函", 2021, 51),  # 390–393
    "烟财社〔2019〕10号": ("烟财社", 2019, 10),  # 414, 442 []
    "烟人社字〔2020〕93号": ("烟人社字", 2020, 93),  # 416
    "国转联〔2001〕8号": ("国转联", 2001, 8),  # 500–516 【】
    "国转联〔2006〕1号": ("国转联", 2006, 1),  # 511
    "烟医保中心发〔2020〕4号": ("烟医保中心发", 2020, 4),  # 531
    "烟医保中心发〔2021〕6号": ("烟医保中心发", 2021, 6),  # 532
    "烟医保中心发〔2019〕10号": ("烟医保中心发", 2019, 10),  # 534
    "烟政办发〔2018〕58号": ("烟政办发", 2018, 58),  # 535
    "烟医保中心发〔2019〕11号": ("烟医保中心发", 2019, 11),  # 535
    "烟医保发〔2020〕18号": ("烟医保发", 2020, 18),  # 535
    "烟医保发〔2019〕56号": ("烟医保发", 2019, 56),  # 537
    "鲁人社发〔2021〕1号": ("鲁人社发", 2021, 1),  # 597 inside a title, after 转发
    "鲁人社发〔2021〕2号": ("鲁人社发", 2021, 2),  # 597 inside a title, after 和
    "人社〔2021〕3号": ("人社", 2021, 3),  # 597 no locality prefix
    "鲁人社发〔2018〕56号": ("鲁人社发", 2018, 56),  # 597
    "烟发〔2019〕18号": ("烟发", 2019, 18),  # 647 资金用途, title with year range
    "烟政办发〔2019〕15号": ("烟政办发", 2019, 15),  # 721–728
    "烟发〔2021〕10号": ("烟发", 2021, 10),  # 817 department text, "号文"
    "国粮军〔2017〕61号": ("国粮军", 2017, 61),  # 829 department text, after 中央军委后勤保障部
}


def _seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").split("\n")


def test_seed_every_document_number():
    found = {}
    for line in _seed_lines():
        for cell in line.split("\t"):
            for c in find_citations(cell):
                if c.number:
                    found[c.number.canonical] = (c.number.issuer_code, c.number.year, c.number.serial)
    assert found == SEED_NUMBERS


def test_seed_basis_cells_parse():
    """Every basis cell (8th cell of indicator rows 56–751) parses; numbered cells keep their numbers."""
    reg = DocumentRegistry()
    kinds = {}
    for no, line in enumerate(_seed_lines()[55:751], start=56):
        cells = line.split("\t")
        if len(cells) < 8 or not cells[7].strip():
            continue
        b = parse_basis(cells[7])
        kinds[no] = b.kind
        for k, c in enumerate(b.citations, 1):
            reg.add(c, f"L{no}/{k}")
    assert kinds[56] == "policy-document" and kinds[530] == "procurement" and kinds[597] == "policy-document"
    assert kinds[207] == "unspecified" and kinds[158] == "contract" and kinds[145] == "survey"
    resolved = reg.resolve()
    assert all(r.method != "ambiguous" for r in resolved)
    numbered = {d.id_local for d in reg.documents if d.id_local}
    assert numbered <= set(SEED_NUMBERS)


def test_seed_title_only_basis_resolves_through_goal_text():
    lines = _seed_lines()
    reg = DocumentRegistry()
    for no in [53, 56, 57, 58, 62]:
        for k, c in enumerate(find_citations(lines[no - 1]), 1):
            reg.add(c, f"L{no}/{k}")
    by_where = {r.where: r for r in reg.resolve()}
    for no in [56, 57, 58, 62]:
        r = by_where[f"L{no}/1"]
        assert (r.method, r.document_key) == ("title-match", "n:烟政字〔2019〕32号")
