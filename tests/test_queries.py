"""Saved queries (issue #5): header syntax, catalogue, parameter binding (injection-proof), every
query's exact rows on a hand-written fixture graph on Oxigraph and rdflib, the CLI, the generated
README, and documented answers on the seed document."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from goalgraph import query as Q
from goalgraph.cli import main
from goalgraph.errors import UsageError
from goalgraph.namespaces import PREFIXES, QB
from goalgraph.store import GraphStore

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "queries" / "fixture.ttl"
SEED = ROOT / "data" / "raw" / "yantai-2022-performance-targets.txt"
GG = "https://w3id.org/goalgraph/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
ID = "https://w3id.org/goalgraph/id/"

P1, P2, P3 = "37060022P16000210003E", "37060022P16000210005M", "37060022P24200110007A"
RS, FG = "烟台市人力资源和社会保障局", "烟台市发展和改革委员会"
JY, JN = "就业补助资金", "节能监察经费"
SB = "按照单位为就业困难人员实际缴纳的社会保险费给予补贴"
DOC_A, TITLE_A, TITLE_B = "烟财社〔2019〕10号", "烟台市就业补助资金管理办法", "烟台市节能监察办法"


@pytest.fixture(scope="module")
def store() -> GraphStore:
    s = GraphStore()
    s.load_file(FIXTURE)
    return s


@pytest.fixture(scope="module")
def rdf() -> Graph:
    g = Graph()
    g.parse(FIXTURE)
    return g


@pytest.fixture(scope="module")
def catalogue() -> dict[str, Q.SavedQuery]:
    return Q.load_catalogue()


def rows(store, name, **params):
    result = Q.run_query(Q.find_query(name), params, store=store)
    return Q.plain_rows(result)


# ------------------------------------------------------------------------------------------------
# expected rows on the fixture, written by hand from tests/fixtures/queries/fixture.ttl
# ------------------------------------------------------------------------------------------------
IND_BY_DOC_A = [
    (DOC_A, TITLE_A, P1, JY, RS, "社会保险补贴发放标准", SB, 11),
    (DOC_A, TITLE_A, P2, JY, RS, "社会保险补贴发放标准", SB, 23),
    (DOC_A, TITLE_A, P2, JY, RS, "就业见习补贴发放标准", "=1200元/年", 24),
]

EXPECTED: list[tuple[str, dict, list[str], list[tuple]]] = [
    ("indicators-by-document", {},
     ["document_number", "document_title", "project_code", "project_name", "department", "indicator", "target",
      "source_line"], IND_BY_DOC_A),
    ("indicators-by-document", {"doc": "烟财社[2019]10号"}, None, IND_BY_DOC_A),
    ("indicators-by-document", {"doc": "烟财社［2019］10号"}, None, IND_BY_DOC_A),
    ("indicators-by-document", {"doc": "《烟台市就业补助资金管理办法》"}, None, IND_BY_DOC_A),
    ("indicators-by-document", {"doc": TITLE_B}, None, [
        (None, TITLE_B, P3, JN, FG, "监察重点用能企业数量", "≥50家", 32),
        (None, TITLE_B, P3, JN, FG, "监察报告质量", "合格", 33),
    ]),
    ("indicators-by-document", {"doc": "烟财社〔2019〕11号"}, None, []),
    # every way of naming the document (issue #7 turned the scan into index lookups of these keys):
    # the title without 《》, 《title》 of a title-only document, a title between 《》 inside longer text
    ("indicators-by-document", {"doc": TITLE_A}, None, IND_BY_DOC_A),
    ("indicators-by-document", {"doc": f"《{TITLE_B}》"}, None, "same-as-title-b"),
    ("indicators-by-document", {"doc": f"关于印发《{TITLE_A}》的通知"}, None, IND_BY_DOC_A),
    ("indicators-by-document", {"doc": "烟台市就业补助资金"}, None, []),  # part of a title: no
    ("indicators-by-document", {"doc": ""}, None, []),
    ("documents-of-project", {},
     ["project_code", "project_name", "document_number", "document_title", "issuer", "document_year", "indicators",
      "first_source_line"],
     [(P2, JY, DOC_A, TITLE_A, "烟财社", "2019", 2, 23)]),
    ("documents-of-project", {"project": JY}, None, [
        (P1, JY, DOC_A, TITLE_A, "烟财社", "2019", 1, 11),
        (P2, JY, DOC_A, TITLE_A, "烟财社", "2019", 2, 23),
    ]),
    ("documents-of-project", {"project": P3}, None, [(P3, JN, None, TITLE_B, None, None, 2, 32)]),
    ("documents-of-project", {"project": JN}, None, [(P3, JN, None, TITLE_B, None, None, 2, 32)]),
    ("documents-of-project", {"project": "37060022P99999999999X"}, None, []),
    ("documents-of-project", {"project": ""}, None, []),
    ("documents-ranked", {},
     ["document_number", "document_title", "issuer", "document_year", "jurisdiction", "indicators", "projects",
      "departments"],
     [(DOC_A, TITLE_A, "烟财社", "2019", "市级", 3, 2, 1),
      (None, TITLE_B, None, None, "未知", 2, 1, 1)]),
    ("non-document-bases", {},
     ["department_code", "department", "basis_kind", "indicators", "example_basis"],
     [("236", RS, "工作计划", 4, "根据年度工作计划"),
      ("236", RS, "测算", 1, "按往年标准测算"),
      ("236", RS, "调查", 1, "满意度问卷调查"),
      ("242", FG, "合同协议", 1, "政府采购合同"),
      ("242", FG, "无依据", 1, ""),  # the activity indicator has no basis at all
      ("242", FG, "未具体说明", 1, "相关规定"),
      ("242", FG, "调查", 1, "问卷调查")]),
    ("titles-without-number", {},
     ["document_title", "citations", "indicators", "first_source_line"],
     [(TITLE_B, 2, 2, 32)]),
    ("nonstandard-doc-numbers", {},
     ["raw_doc_number", "bracket_style", "document_number", "project_code", "indicator", "source_line"],
     [("烟财社[2019]10号", "[]", DOC_A, P1, "社会保险补贴发放标准", 11),
      ("烟财社［2019］10号", "[]", DOC_A, P2, "就业见习补贴发放标准", 24)]),
    ("projects-missing-category", {},
     ["project_code", "project_name", "department", "indicators", "missing_level1", "missing_level2", "source_line"],
     [(P3, JN, FG, 5, 1, 2, 30)]),
    ("indicator-mix", {},
     ["department_code", "department", "level1", "level2", "quantitative", "qualitative", "indicators"],
     [("236", RS, "产出指标", "成本指标", 2, 2, 4),
      ("236", RS, "产出指标", "数量指标", 2, 0, 2),
      ("236", RS, "产出指标", "时效指标", 0, 1, 1),
      ("236", RS, "效益指标", "社会效益指标", 1, 0, 1),
      ("236", RS, "满意度指标", "服务对象满意度指标", 1, 0, 1),
      ("242", FG, "", "", 0, 2, 2),
      ("242", FG, "产出指标", "", 0, 1, 1),
      ("242", FG, "产出指标", "成本指标", 1, 0, 1),
      ("242", FG, "产出指标", "数量指标", 1, 0, 1),
      ("242", FG, "满意度指标", "服务对象满意度指标", 1, 0, 1)]),
    ("budget-by-department", {},
     ["department_code", "department", "projects", "budget", "indicators", "budget_per_indicator"],
     [("236", RS, 2, 6500, 9, Decimal("722.22")),
      ("242", FG, 1, 300, 5, 60)]),
    ("budget-by-project", {},
     ["project_code", "project_name", "department", "budget", "indicators", "budget_per_indicator"],
     [(P2, JY, RS, 5500, 4, 1375),
      (P1, JY, RS, 1000, 5, 200),
      (P3, JN, FG, 300, 5, 60)]),
    ("cost-indicators", {},
     ["project_code", "project_name", "department", "indicator", "operator", "unit_price", "unit",
      "qualitative_target", "source_line"],
     [(P1, JY, RS, "社会保险补贴发放标准", "文字描述", None, "", SB, 11),
      (P1, JY, RS, "人力资源服务产业园创建奖补", "=", 100, "万元", None, 12),
      (P2, JY, RS, "社会保险补贴发放标准", "文字描述", None, "", SB, 23),
      (P2, JY, RS, "就业见习补贴发放标准", "=", 1200, "元/年", None, 24),
      (P3, JN, FG, "单户企业监察成本", "≤", 2, "万元/家", None, 34)]),
    ("cost-indicators", {"dept": "242"}, None, [(P3, JN, FG, "单户企业监察成本", "≤", 2, "万元/家", None, 34)]),
    ("cost-indicators", {"dept": FG}, None, [(P3, JN, FG, "单户企业监察成本", "≤", 2, "万元/家", None, 34)]),
    ("cost-indicators", {"dept": RS}, None, "same-as-236"),
    ("cost-indicators", {"dept": "236"}, None,
     [(P1, JY, RS, "社会保险补贴发放标准", "文字描述", None, "", SB, 11),
      (P1, JY, RS, "人力资源服务产业园创建奖补", "=", 100, "万元", None, 12),
      (P2, JY, RS, "社会保险补贴发放标准", "文字描述", None, "", SB, 23),
      (P2, JY, RS, "就业见习补贴发放标准", "=", 1200, "元/年", None, 24)]),
    ("cost-indicators", {"dept": "999"}, None, []),
    ("satisfaction-targets", {},
     ["project_code", "project_name", "department", "indicator", "surveyed", "target", "basis", "source_line"],
     [(P1, JY, RS, "公共就业服务满意度", "公共就业服务", "≥90%", "满意度问卷调查", 14),
      (P3, JN, FG, "被监察企业满意度", "被监察企业", "≥85%", "问卷调查", 35)]),
    ("spending-plan", {},
     ["project_code", "project_name", "month", "month_label", "cumulative_amount", "budget", "cumulative_share"],
     [(P1, JY, 3, "3月底", 50, 1000, 5),
      (P1, JY, 6, "6月底", 400, 1000, 40),
      (P1, JY, 10, "10月底", 800, 1000, 80),
      (P1, JY, 12, "12月底", 1000, 1000, 100),
      (P2, JY, 3, "3月底", None, 5500, None),  # blank cell: no amount, no share
      (P2, JY, 6, "6月底", 5500, 5500, 100),
      (P2, JY, 10, "10月底", 5500, 5500, 100),
      (P2, JY, 12, "12月底", 5500, 5500, 100),
      (P3, JN, 6, "6月底", 100, 300, Decimal("33.33")),
      (P3, JN, 12, "12月底", 200, 300, Decimal("66.67"))]),
    ("spending-plan", {"project": JN}, None,
     [(P3, JN, 6, "6月底", 100, 300, Decimal("33.33")),
      (P3, JN, 12, "12月底", 200, 300, Decimal("66.67"))]),
    ("spending-plan", {"project": P3}, None, "same-as-jn"),
    ("spending-plan", {"project": JY}, None,  # a name: every project with it
     [(P1, JY, 3, "3月底", 50, 1000, 5),
      (P1, JY, 6, "6月底", 400, 1000, 40),
      (P1, JY, 10, "10月底", 800, 1000, 80),
      (P1, JY, 12, "12月底", 1000, 1000, 100),
      (P2, JY, 3, "3月底", None, 5500, None),
      (P2, JY, 6, "6月底", 5500, 5500, 100),
      (P2, JY, 10, "10月底", 5500, 5500, 100),
      (P2, JY, 12, "12月底", 5500, 5500, 100)]),
    ("spending-plan", {"project": "节能"}, None, []),  # part of a name: no
    ("plans-short-of-budget", {},
     ["project_code", "project_name", "department", "budget", "last_month", "planned", "shortfall", "planned_share"],
     [(P3, JN, FG, 300, 12, 200, 100, Decimal("66.67"))]),
    ("duty-chain", {"dept": "242"},
     ["department", "duty_code", "duty", "activity_code", "activity", "indicator", "grade", "criterion", "source_line"],
     [(FG, "32", "能源综合执法监察", "3201", "节能监察", "节能监察任务完成率", "优", "完成率≥95%", 41),
      (FG, "32", "能源综合执法监察", "3201", "节能监察", "节能监察任务完成率", "良", "85%≤完成率<95%", 41),
      (FG, "32", "能源综合执法监察", "3201", "节能监察", "节能监察任务完成率", "中", "70%≤完成率<85%", 42),
      (FG, "32", "能源综合执法监察", "3201", "节能监察", "节能监察任务完成率", "差", "完成率<70%", 42)]),
    ("duty-chain", {"dept": FG}, None, "same-as-242"),
    ("duty-chain", {"dept": "236"}, None, []),
    ("duty-chain", {"dept": "999"}, None, []),
    ("search-indicators", {},
     ["project_code", "project_name", "department", "indicator", "description", "target", "source_line"],
     [(P1, JY, RS, "享受社会保险补贴及岗位补贴人员数量", "享受社会保险补贴及岗位补贴人员数量", "≥120人", 10),
      (P1, JY, RS, "社会保险补贴发放标准", "社会保险补贴发放标准", SB, 11),
      (P2, JY, RS, "社会保险补贴发放标准", "社会保险补贴发放标准", SB, 23),
      (P2, JY, RS, "就业见习补贴发放标准", "当地最低工资标准的50%", "=1200元/年", 24)]),
    ("search-indicators", {"text": "50%"}, None,
     [(P2, JY, RS, "就业见习补贴发放标准", "当地最低工资标准的50%", "=1200元/年", 24)]),
    ("search-indicators", {"text": "任务完成"}, None,  # an activity indicator: owner = the activity
     [("3201", "节能监察", FG, "节能监察任务完成率", "年度节能监察计划完成比例", "", 41)]),
    ("search-indicators", {"text": "没有这段文字"}, None, []),
]


SAME_AS = {"same-as-242": {"dept": "242"}, "same-as-236": {"dept": "236"}, "same-as-jn": {"project": JN},
           "same-as-title-b": {"doc": TITLE_B}}


def _expected(index):
    name, params, columns, expected = EXPECTED[index]
    if isinstance(expected, str):
        expected = next(e for n, p, _, e in EXPECTED if n == name and p == SAME_AS[expected])
    return name, params, columns, expected


@pytest.mark.parametrize("index", range(len(EXPECTED)),
                         ids=[f"{n}-{'-'.join(f'{k}={v}' for k, v in p.items()) or 'default'}" for n, p, _, _ in EXPECTED])
def test_fixture_rows_oxigraph_and_rdflib(store, rdf, index):
    name, params, columns, expected = _expected(index)
    saved = Q.find_query(name)
    ox_result = Q.run_query(saved, params, store=store)
    if columns is not None:
        assert ox_result.columns == columns
    assert Q.plain_rows(ox_result) == expected
    rdflib_result = Q.run_query(saved, params, graph=rdf)
    assert rdflib_result.columns == ox_result.columns
    assert Q.plain_rows(rdflib_result) == expected


def test_every_query_has_fixture_expectations(catalogue):
    covered = {n for n, *_ in EXPECTED} | {"spending-cube"}
    assert set(catalogue) == covered


def test_every_select_runs_identically_on_both_engines(store, rdf, catalogue):
    for name, saved in catalogue.items():
        a = Q.run_query(saved, store=store)
        b = Q.run_query(saved, graph=rdf)
        if a.graph is None:
            assert Q.plain_rows(a) == Q.plain_rows(b), name


def test_an_unknown_parameter_value_finds_nothing(store, rdf, catalogue):
    """A lookup that misses must give no rows, never fall back to every row (issue #7)."""
    parameterised = {n: q for n, q in catalogue.items() if q.params}
    assert {"documents-of-project", "indicators-by-document", "search-indicators", "duty-chain", "spending-plan",
            "cost-indicators"} <= set(parameterised)
    for name, saved in parameterised.items():
        params = {p.name: "不存在的值 x" for p in saved.params if p.type == "string"}
        assert Q.run_query(saved, params, store=store).rows == [], name
        assert Q.run_query(saved, params, graph=rdf).rows == [], name


def _unbound_scans(node: dict, bound: bool = False) -> list[str]:
    """Triple and path patterns of an Oxigraph plan that are read with nothing bound from a join (a
    scan of a whole predicate or class), i.e. not on the right of a for-loop join."""
    name, kids = node.get("name", ""), node.get("children", [])
    out = [name] if name.startswith(("QuadPattern", "Path")) and not bound else []
    if name.startswith(("Lateral", "ForLoopJoin", "ForLoopLeftJoin")) and len(kids) == 2:
        return out + _unbound_scans(kids[0], bound) + _unbound_scans(kids[1], True)
    return out + [s for k in kids for s in _unbound_scans(k, bound)]


def _oxigraph_cli() -> str:
    """The oxigraph CLI of the same version as pyoxigraph (the same engine and planner), or skip."""
    import pyoxigraph
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).exists():
        pytest.skip("the oxigraph CLI is not installed (pip install oxigraph)")
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.split()[-1]
    if version != pyoxigraph.__version__:
        pytest.skip(f"oxigraph CLI {version} is not pyoxigraph {pyoxigraph.__version__}")
    return binary


def test_parameter_lookups_are_index_seeks(catalogue, tmp_path):
    """Issue #7: every parameterised query starts from the parameter (its VALUES block) and reaches
    the rest through for-loop joins, so no pattern is read unbound: milliseconds whatever the size of
    the store (a substring search scans the name and description literals, bound to the properties
    by its VALUES). Checked on the plan of the oxigraph CLI, the same engine as pyoxigraph: its
    planner uses no statistics, so the fixture gives the plan of any store."""
    binary = _oxigraph_cli()
    location = tmp_path / "store"
    subprocess.run([binary, "load", "--location", str(location), "--file", str(FIXTURE)], check=True,
                   capture_output=True)
    checked = 0
    for name, saved in catalogue.items():
        if not saved.params:
            continue
        for given in ({}, {p.name: "x" for p in saved.params if p.type == "string"}):  # defaults, then a value
            query_file, plan_file = tmp_path / "q.rq", tmp_path / "plan.json"
            query_file.write_text(Q.with_values(saved.text, Q.bind_params(saved, given)), encoding="utf-8")
            subprocess.run([binary, "query", "--location", str(location), "--query-file", str(query_file),
                            "--union-default-graph", "--results-format", "tsv", "--explain-file", str(plan_file)],
                           check=True, capture_output=True)
            plan = json.loads(plan_file.read_text(encoding="utf-8"))["plan"]
            assert _unbound_scans(plan) == [], (name, given)
            checked += 1
    assert checked >= 12



#: what each query may read whole when the store has its summaries (predicate IRI, or class for
#: rdf:type): the summary table it lists, or the nodes a listing lists; nothing else
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
GG_NS, DCT_NS = "https://w3id.org/goalgraph/ontology#", "http://purl.org/dc/terms/"
DRIVING_SCANS = {
    "budget-by-department": {"projectCount"},
    "budget-by-project": {"indicatorCount", DCT_NS + "identifier"},
    "documents-ranked": {"citingIndicatorCount"},
    "indicator-mix": {"summaryOf", "level1Label", "level2Label", "quantitativeCount", "qualitativeCount",
                      "indicatorCount", "http://www.w3.org/ns/org#identifier"},
    "non-document-bases": {"summaryOf", "http://www.w3.org/ns/org#identifier"},
    "nonstandard-doc-numbers": {"bracketStyle"},
    "plans-short-of-budget": {"hasSpendingMilestone", "cumulativeAmount", "month", "annualBudget"},
    "projects-missing-category": {"missingLevel1Count"},
    "satisfaction-targets": {"http://www.w3.org/2004/02/skos/core#prefLabel"},
    "spending-cube": {"Project"},
    "titles-without-number": {"PolicyDocument"},
}


def _executed_scans(node: dict, bound: bool = False) -> list[str]:
    """The predicate (or, for rdf:type, the class) of each pattern of an Oxigraph plan run with
    ``--stats`` that was read with nothing bound and returned something."""
    name, kids = node.get("name", ""), node.get("children", [])
    out = []
    if name.startswith("QuadPattern") and not bound and node.get("number of results", 0) > 0:
        iris = re.findall(r"<([^<>]*)>", name)
        out.append(iris[1] if iris[0] == RDF_TYPE and len(iris) > 1 else iris[0])
    if name.startswith(("Lateral", "ForLoopJoin", "ForLoopLeftJoin")) and len(kids) == 2:
        return out + _executed_scans(kids[0], bound) + _executed_scans(kids[1], True)
    return out + [s for k in kids for s in _executed_scans(k, bound)]


def test_queries_read_whole_only_what_they_list(catalogue, tmp_path):
    """Issue #7: with build-time summaries, no saved query reads a predicate or class of the whole
    store but the table it lists (a summary, or the nodes of a listing): labels, codes, source lines
    and the generic aggregates are reached per row. Oxigraph's planner has no statistics and joins
    a pattern group by hashing it whole (a province's 5 M source records for a query that returns
    nothing: 69 s), so this checks the plans, run with ``--stats``, on the fixture with summaries."""
    binary = _oxigraph_cli()
    from goalgraph import summaries

    location = tmp_path / "store"
    store = GraphStore.open(location)
    store.load_file(FIXTURE)
    summaries.materialize(store)
    store.close()
    for name, saved in catalogue.items():
        query_file, plan_file = tmp_path / "q.rq", tmp_path / "plan.json"
        query_file.write_text(Q.with_values(saved.text, Q.bind_params(saved, {})), encoding="utf-8")
        fmt = "tsv" if saved.form == "SELECT" else "nt"
        subprocess.run([binary, "query", "--location", str(location), "--query-file", str(query_file),
                        "--union-default-graph", "--results-format", fmt, "--explain-file", str(plan_file),
                        "--stats"], check=True, capture_output=True)
        plan = json.loads(plan_file.read_text(encoding="utf-8"))["plan"]
        driving = {p if ":" in p else GG_NS + p for p in DRIVING_SCANS.get(name, ())}
        scans = set(_executed_scans(plan))
        assert scans <= driving | {GG_NS + "SummaryGraph"}, (name, scans - driving)
        assert not driving or scans & driving, (name, "its table was not read: the plan is not the one checked")

def _canonical(graph: Graph) -> set:
    return {(s, p, Q.plain(o) if isinstance(o, Literal) and o.datatype else o) for s, p, o in graph}


def test_spending_cube(store, rdf):
    saved = Q.find_query("spending-cube")
    assert saved.form == "CONSTRUCT"
    g = Q.run_query(saved, store=store).graph
    ds = URIRef(ID + "cube/spending-plans")
    dsd = URIRef(ID + "cube/spending-plans/structure")
    assert (ds, RDF.type, QB.DataSet) in g
    assert (ds, QB.structure, dsd) in g
    assert (dsd, RDF.type, QB.DataStructureDefinition) in g
    dims = {o for c in g.objects(dsd, QB.component) for o in g.objects(c, QB.dimension)}
    measures = {o for c in g.objects(dsd, QB.component) for o in g.objects(c, QB.measure)}
    assert dims == {URIRef(GG + "milestoneOf"), URIRef(GG + "month")}
    assert measures == {URIRef(GG + "cumulativeAmount"), URIRef(GG + "annualBudget")}
    obs = set(g.subjects(RDF.type, QB.Observation))
    observed = {
        (str(g.value(o, URIRef(GG + "milestoneOf"))).rsplit("/", 1)[1], Q.plain(g.value(o, URIRef(GG + "month"))),
         Q.plain(g.value(o, URIRef(GG + "cumulativeAmount"))), Q.plain(g.value(o, URIRef(GG + "annualBudget"))))
        for o in obs
    }
    assert observed == {
        (P1, 3, 50, 1000), (P1, 6, 400, 1000), (P1, 10, 800, 1000), (P1, 12, 1000, 1000),
        (P2, 6, 5500, 5500), (P2, 10, 5500, 5500), (P2, 12, 5500, 5500),  # the blank 3 月底 cell is no observation
        (P3, 6, 100, 300), (P3, 12, 200, 300),
    }
    assert all((o, QB.dataSet, ds) in g for o in obs)
    assert URIRef(ID + f"project/{P1}/plan/m3/observation") in obs
    assert len(g) == 87
    other = Q.run_query(saved, graph=rdf).graph
    assert _canonical(other) == _canonical(g)  # same graph up to lexical forms of numbers


# ------------------------------------------------------------------------------------------------
# header syntax and catalogue
# ------------------------------------------------------------------------------------------------
HEADER = '''#+ summary: Indicators of a document
#+ description: First line
#+   continues here
#+     and here.
#+ tags:
#+   - policy
#+   - indicators
#+ params:
#+   - doc: {type: string, default: "烟财社〔2019〕10号, with a comma", description: "文号 or \\"title\\""}
#+   - year: {type: year, default: 2022, description: "budget year"}
#+   - n: {type: integer, description: "required"}
#+   - x: {type: decimal, default: null}

PREFIX gg: <https://w3id.org/goalgraph/ontology#>
SELECT ?a WHERE { ?a gg:x ?doc }
'''


def test_parse_header():
    h = Q.parse_header(HEADER, "t.rq")
    assert h["summary"] == "Indicators of a document"
    assert h["description"] == "First line continues here and here."
    assert h["tags"] == ["policy", "indicators"]
    assert h["params"] == [
        Q.Param("doc", "string", "烟财社〔2019〕10号, with a comma", '文号 or "title"'),
        Q.Param("year", "year", "2022", "budget year"),
        Q.Param("n", "integer", None, "required"),
        Q.Param("x", "decimal", None, ""),
    ]


@pytest.mark.parametrize("header, message", [
    ("#+ description: no summary\n", "no '#+ summary:'"),
    ("#+ summary: s\n#+ colour: red\n", "unknown header key"),
    ("#+ summary: s\n#+ summary: t\n", "given twice"),
    ("#+ summary: s\n#+ params:\n#+   - a: {type: text}\n", "parameter type must be one of"),
    ("#+ summary: s\n#+ params:\n#+   - a: {type: integer, default: ten}\n", "not an integer"),
    ("#+ summary: s\n#+ params:\n#+   - a: {type: year, default: 22}\n", "four-digit year"),
    ("#+ summary: s\n#+ params:\n#+   - a: {type: string}\n#+   - a: {type: string}\n", "declared twice"),
    ("#+ summary: s\n#+ params:\n#+   - a: {type: string, colour: red}\n", "unknown parameter field"),
    ("#+ summary: s\n#+ params:\n#+   - a: {type: string, default: \"open}\n", "bad quoted string"),
    ("#+ summary: s\n#+ params:\n#+   - just a word\n", "expected '- name:"),
    ("#+ summary: s\n#+ tags: a, b\n", "takes a list"),
    ("#+ summary: s\n#+ tags:\n#+ - not indented enough\n", "expected '  - item'"),
])
def test_parse_header_errors(header, message):
    with pytest.raises(UsageError, match=re.escape(message)):
        Q.parse_header(header + "SELECT * WHERE { ?s ?p ?o }\n", "bad.rq")


def test_header_ends_at_first_non_header_line():
    h = Q.parse_header("#+ summary: s\n# an ordinary comment\n#+ tags:\nSELECT * {}\n")
    assert h["summary"] == "s" and h["tags"] == []


REQUIRED_QUERIES = {
    "indicators-by-document", "documents-of-project", "documents-ranked", "non-document-bases",
    "titles-without-number", "nonstandard-doc-numbers", "projects-missing-category", "indicator-mix",
    "budget-by-department", "budget-by-project", "cost-indicators", "satisfaction-targets", "spending-plan",
    "plans-short-of-budget", "duty-chain", "search-indicators", "spending-cube",
}


def test_catalogue(catalogue):
    assert REQUIRED_QUERIES <= set(catalogue)
    for name, q in catalogue.items():
        assert q.summary and q.description and q.tags, name
        assert q.form in ("SELECT", "CONSTRUCT"), name
        for p in q.params:
            assert f"?{p.name}" in q.text, (name, p.name)
            assert p.description, (name, p.name)
        if q.form == "SELECT":
            assert "ORDER BY" in q.text, name
            assert Q._projection(q.text), name


def test_queries_declare_the_project_prefixes(catalogue):
    for name, q in catalogue.items():
        for prefix, iri in re.findall(r"(?m)^PREFIX\s+([\w-]+):\s*<([^>]*)>", q.text):
            if prefix in PREFIXES:
                assert iri == str(PREFIXES[prefix]), (name, prefix)


def test_queries_use_no_engine_specific_functions(catalogue):
    for name, q in catalogue.items():
        body = "\n".join(line for line in q.text.splitlines() if not line.startswith("#"))
        assert not re.search(r"(?i)\b(bif|sql|ofn|fn|afn|apf|spif|jena|text):", body), name
        assert not re.search(r"(?i)\bGROUP_CONCAT|SAMPLE\s*\(", body), name  # order-dependent results
        assert "SERVICE" not in body.upper().split(), name


def test_find_unknown_query():
    with pytest.raises(UsageError, match="unknown query 'nope'"):
        Q.find_query("nope")


def test_reserved_name_list_is_not_a_query(tmp_path):
    (tmp_path / "list.rq").write_text("#+ summary: s\nSELECT * WHERE { ?s ?p ?o } ORDER BY ?s\n")
    with pytest.raises(UsageError, match="not 'list'"):
        Q.load_catalogue(tmp_path)


# ------------------------------------------------------------------------------------------------
# parameters: types, binding, injection
# ------------------------------------------------------------------------------------------------
def test_param_types():
    assert Q.to_term(Q.Param("a", "string", None, ""), "x") == Literal("x")
    assert Q.to_term(Q.Param("a", "integer", None, ""), "42") == Literal(42, datatype=URIRef(XSD + "integer"))
    assert Q.to_term(Q.Param("a", "decimal", None, ""), "4.50") == Literal(Decimal("4.50"), datatype=URIRef(XSD + "decimal"))
    assert Q.to_term(Q.Param("a", "year", None, ""), "2022") == Literal("2022", datatype=URIRef(XSD + "gYear"))
    assert Q.to_term(Q.Param("a", "iri", None, ""), "https://example.org/x") == URIRef("https://example.org/x")
    assert Q.to_term(Q.Param("a", "iri", None, ""), "ggc:category/cost") == URIRef(
        "https://w3id.org/goalgraph/scheme/category/cost")
    assert Q.to_term(Q.Param("a", "iri", None, ""), "ggid:doc/0ad9b2b29e29") == URIRef(ID + "doc/0ad9b2b29e29")


@pytest.mark.parametrize("ptype, value", [
    ("integer", "4.5"), ("integer", "ten"), ("decimal", "1e5"), ("decimal", "x"), ("year", "22"),
    ("year", "二〇二二"), ("iri", "not an iri"), ("iri", "https://e.org/a> } ; DROP ALL #"),
    ("iri", "relative/path"), ("iri", 'https://e.org/"x"'),
])
def test_bad_param_values(ptype, value):
    with pytest.raises(UsageError):
        Q.to_term(Q.Param("a", ptype, None, ""), value)


def test_bind_params_errors():
    saved = Q.find_query("indicators-by-document")
    with pytest.raises(UsageError, match="unknown parameter"):
        Q.bind_params(saved, {"document": "x"})
    with pytest.raises(UsageError, match="NAME=VALUE"):
        Q.parse_param_args(["doc"])
    assert Q.parse_param_args(["doc=a=b"]) == {"doc": "a=b"}
    required = Q.SavedQuery("r", "s", "", [], [Q.Param("n", "integer", None, "")], "SELECT * WHERE {} ORDER BY ?n")
    with pytest.raises(UsageError, match="required"):
        Q.bind_params(required, {})


HOSTILE = [
    'x" } ; DROP ALL #',
    '烟财社〔2019〕10号" } UNION { ?document a gg:PolicyDocument } #',
    "x' } ; DROP ALL ; INSERT DATA { <urn:a> <urn:b> <urn:c> } #",
    '"""} DROP ALL',
    'a\\" } ; DROP ALL',
    "line1\nline2\" } ; CLEAR DEFAULT",
    "}}}{{{",
    "<urn:x>",
    "?document",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_injection_is_just_a_value(store, rdf, value):
    before = store.count()
    saved = Q.find_query("indicators-by-document")
    text = Q.with_values(saved.text, Q.bind_params(saved, {"doc": value}))
    assert Q.query_form(text) == "SELECT"
    assert Q.run_query(saved, {"doc": value}, store=store).rows == []
    assert Q.run_query(saved, {"doc": value}, graph=rdf).rows == []
    assert store.count() == before == len(rdf)


def test_injected_values_block_holds_the_escaped_term():
    saved = Q.find_query("indicators-by-document")
    text = Q.with_values(saved.text, {"doc": Literal('x" } ; DROP ALL #')})
    assert 'VALUES (?doc) { ("x\\" } ; DROP ALL #") }' in text
    # the block sits at the start of the outermost WHERE group
    assert text.index("VALUES (?doc)") > text.index("WHERE {")
    assert text.index("VALUES (?doc)") < text.index("?document a gg:PolicyDocument")


def test_values_go_into_the_where_group_of_a_construct():
    text = ("PREFIX ex: <urn:ex:>\nCONSTRUCT { ?s ex:p \"{ WHERE }\" } # WHERE {\nWHERE {\n  ?s ex:p ?x\n}\n")
    out = Q.with_values(text, {"x": Literal(1)})
    assert out.index("VALUES (?x)") > out.index("WHERE {\n")
    assert Q.query_form(out) == "CONSTRUCT"


def test_string_param_matches_exact_value_with_quotes(tmp_path):
    g = Graph()
    g.add((URIRef("urn:a"), URIRef("urn:p"), Literal('say "hi" } ; DROP ALL')))
    s = GraphStore()
    s.load(g.serialize(format="nt"), fmt="ntriples")
    saved = Q.SavedQuery("t", "s", "", [], [Q.Param("v", "string", None, "")],
                         "SELECT ?s WHERE { ?s <urn:p> ?o FILTER(STR(?o) = ?v) } ORDER BY ?s")
    assert Q.plain_rows(Q.run_query(saved, {"v": 'say "hi" } ; DROP ALL'}, store=s)) == [("urn:a",)]
    assert Q.plain_rows(Q.run_query(saved, {"v": 'say "hi" } ; DROP ALL'}, graph=g)) == [("urn:a",)]


@pytest.mark.parametrize("text", [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "PREFIX ex: <urn:ex:>\nDELETE WHERE { ?s ?p ?o }",
    "DROP ALL",
    "clear default",
    "LOAD <http://example.org/x.ttl>",
    "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
])
def test_updates_are_refused(store, text):
    assert Q.is_update(text)
    with pytest.raises(UsageError, match="update"):
        Q.query_form(text)
    with pytest.raises(UsageError):
        Q.run_on_store(store, text)


@pytest.mark.parametrize("text", [
    'SELECT ?s WHERE { ?s ?p "DROP ALL" } ORDER BY ?s',
    "# INSERT DATA in a comment\nSELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s",
    "PREFIX add: <urn:add:>\nSELECT ?drop WHERE { ?drop add:load <urn:clear> } ORDER BY ?drop",
    "SELECT ?s WHERE { ?s <urn:x/DELETE> ?o } ORDER BY ?s",
])
def test_words_in_strings_iris_comments_variables_are_not_updates(text):
    assert not Q.is_update(text)
    assert Q.query_form(text) == "SELECT"


def test_update_in_a_query_file_is_refused(tmp_path):
    f = tmp_path / "evil.rq"
    f.write_text("#+ summary: evil\nDELETE WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(UsageError, match="update"):
        Q.find_query(str(f))
    assert main(["query", str(f), "--graph", str(FIXTURE)]) == 2


class FakeEndpoint:
    """Stands in for goalgraph.endpoint.SparqlEndpoint: records the text, answers from a store."""

    def __init__(self, store):
        self.store, self.sent = store, []

    def select(self, query):
        self.sent.append(query)
        return Q.run_on_store(self.store, query).rows

    def construct(self, query):
        self.sent.append(query)
        return Q.run_on_store(self.store, query).graph


def test_endpoint_gets_values_block_not_spliced_text(store):
    ep = FakeEndpoint(store)
    saved = Q.find_query("indicators-by-document")
    result = Q.run_query(saved, {"doc": 'x" } ; DROP ALL #'}, endpoint=ep)
    assert result.rows == [] and result.columns[0] == "document_number"
    assert '("x\\" } ; DROP ALL #")' in ep.sent[0]
    result = Q.run_query(saved, {}, endpoint=ep)
    assert Q.plain_rows(result) == IND_BY_DOC_A
    assert Q.run_query(Q.find_query("spending-cube"), endpoint=ep).graph is not None


def test_projection():
    assert Q._projection("SELECT ?a (COUNT(?b) AS ?n) ?c\nWHERE { }") == ["a", "n", "c"]
    assert Q._projection("SELECT DISTINCT ?a {}") == ["a"]


# ------------------------------------------------------------------------------------------------
# output
# ------------------------------------------------------------------------------------------------
def test_display_width():
    assert Q.display_width("abc") == 3
    assert Q.display_width("烟台") == 4
    assert Q.display_width("〔2019〕") == 8
    assert Q.display_width("（公益性）") == 10


def test_table_aligns_cjk(store):
    result = Q.run_query(Q.find_query("budget-by-project"), store=store)
    lines = Q.format_table(result).splitlines()
    assert lines[-1] == "(3 rows)"
    header, rule, *body = lines[:-1]
    starts = [i for i, ch in enumerate(rule) if ch == "-" and (i == 0 or rule[i - 1] == " ")]
    for line in [header] + body:
        # every cell starts at the same display column as its rule segment
        cols, col = [], 0
        for i, ch in enumerate(line):
            if ch != " " and (i == 0 or line[i - 1] == " "):
                cols.append(col)
            col += Q.display_width(ch)
        assert set(starts[:2]) <= set(cols)
    assert Q.display_width(body[0]) == Q.display_width(rule)  # the numeric last column is right-aligned


def test_csv_json_markdown(store):
    result = Q.run_query(Q.find_query("plans-short-of-budget"), store=store)
    assert Q.format_csv(result) == (
        "project_code,project_name,department,budget,last_month,planned,shortfall,planned_share\n"
        f"{P3},{JN},{FG},300,12,200,100,66.67\n")
    assert json.loads(Q.format_json(result)) == [{
        "project_code": P3, "project_name": JN, "department": FG, "budget": 300, "last_month": 12,
        "planned": 200, "shortfall": 100, "planned_share": 66.67}]
    md = Q.format_markdown(result).splitlines()
    assert md[0].startswith("| project_code | project_name |") and md[1].startswith("|---|")
    assert md[2] == f"| {P3} | {JN} | {FG} | 300 | 12 | 200 | 100 | 66.67 |"
    with pytest.raises(UsageError):
        Q.format_result(result, "turtle")


# ------------------------------------------------------------------------------------------------
# CLI
# ------------------------------------------------------------------------------------------------
def test_cli_list(capsys):
    assert main(["query", "list"]) == 0
    out = capsys.readouterr().out
    for name in REQUIRED_QUERIES:
        assert name in out
    assert "doc=烟财社〔2019〕10号" in out


def test_cli_select_formats(capsys, tmp_path):
    assert main(["query", "indicators-by-document", "--graph", str(FIXTURE), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "document_number,document_title,project_code,project_name,department,indicator,target,source_line"
    assert len(lines) == 4
    assert main(["query", "indicators-by-document", "--graph", str(FIXTURE), "--engine", "rdflib",
                 "--param", f"doc={TITLE_B}", "-f", "json"]) == 0
    assert [r["indicator"] for r in json.loads(capsys.readouterr().out)] == ["监察重点用能企业数量", "监察报告质量"]
    out = tmp_path / "out.md"
    assert main(["query", "spending-plan", "--graph", str(FIXTURE), "-p", f"project={P3}", "-f", "markdown",
                 "--out", str(out)]) == 0
    assert capsys.readouterr().out == ""
    assert out.read_text(encoding="utf-8").count("\n") == 4
    assert main(["query", "budget-by-department", "--graph", str(FIXTURE)]) == 0
    assert "(2 rows)" in capsys.readouterr().out


def test_cli_construct(capsys):
    assert main(["query", "spending-cube", "--graph", str(FIXTURE)]) == 0
    g = Graph().parse(data=capsys.readouterr().out, format="turtle")
    assert len(g) == 87
    assert main(["query", "spending-cube", "--graph", str(FIXTURE), "--format", "ntriples"]) == 0
    assert len(Graph().parse(data=capsys.readouterr().out, format="nt")) == 87
    assert main(["query", "spending-cube", "--graph", str(FIXTURE), "--format", "csv"]) == 2


def test_cli_store_dir(tmp_path, capsys):
    with GraphStore.open(tmp_path / "store") as s:
        s.load_file(FIXTURE)
    assert main(["query", "titles-without-number", "--store", str(tmp_path / "store"), "-f", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == f"{TITLE_B},2,2,32"


@pytest.mark.parametrize("argv, message", [
    (["query", "nope", "--graph", str(FIXTURE)], "unknown query"),
    (["query", "indicators-by-document", "--graph", str(FIXTURE), "-p", "nope=1"], "unknown parameter"),
    (["query", "indicators-by-document", "--graph", str(FIXTURE), "-p", "doc"], "NAME=VALUE"),
    (["query", "indicators-by-document", "--graph", str(FIXTURE), "-f", "turtle"], "--format must be"),
    (["query", "indicators-by-document", "--engine", "rdflib"], "needs --graph"),
    (["query", "indicators-by-document", "--graph", "/nonexistent.ttl"], "no such file"),
    (["query", "indicators-by-document", "--store", "/nonexistent-store"], "no store here"),
])
def test_cli_usage_errors(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_cli_default_source_missing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["query", "documents-ranked"]) == 2
    assert "build/store does not exist" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------------
# README
# ------------------------------------------------------------------------------------------------
def test_readme_is_generated_from_headers(catalogue):
    readme = ROOT / "queries" / "README.md"
    assert readme.read_text(encoding="utf-8") == Q.render_catalogue_markdown(catalogue), (
        "queries/README.md is stale: run  .venv/bin/python -m goalgraph.query --write-readme")
    text = readme.read_text(encoding="utf-8")
    for name in catalogue:
        assert f"### {name}" in text


# ------------------------------------------------------------------------------------------------
# seed document (built with the converter in a temporary directory)
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seed_store(tmp_path_factory):
    out = tmp_path_factory.mktemp("seed")
    if main(["build", str(SEED), "--out", str(out), "--quiet"]) != 0 or not (out / "store").exists():
        pytest.skip("'goalgraph build' did not produce build/store yet")
    s = GraphStore.open(out / "store", read_only=True)
    yield s
    s.close()


def test_seed_indicators_justified_by_yancaishe_2019_10(seed_store):
    rows_ = rows(seed_store, "indicators-by-document", doc="烟财社〔2019〕10号")
    # source lines 414–415 (sheet 37060022P16000210003E) and 442–445 (sheet 37060022P16000210005M)
    assert [(r[2], r[5], r[7]) for r in rows_] == [
        ("37060022P16000210003E", "社会保险补贴发放标准", 414),
        ("37060022P16000210003E", "岗位补贴发放标准", 415),
        ("37060022P16000210005M", "社会保险补贴发放标准", 442),
        ("37060022P16000210005M", "（公益性）岗位补贴发放标准", 443),
        ("37060022P16000210005M", "就业见习补贴发放标准", 444),
        ("37060022P16000210005M", "职业技能鉴定补贴发放标准", 445),
    ]
    assert {(r[0], r[1], r[3], r[4]) for r in rows_} == {
        ("烟财社〔2019〕10号", "烟台市就业补助资金管理办法", "就业补助资金", "烟台市人力资源和社会保障局")}
    # written with [] in the source: the same answer by the number as written, and by title
    assert rows(seed_store, "indicators-by-document", doc="烟财社[2019]10号") == rows_
    assert rows(seed_store, "indicators-by-document", doc="《烟台市就业补助资金管理办法》") == rows_


def test_seed_documents_of_project(seed_store):
    assert rows(seed_store, "documents-of-project", project="37060022P16000210005M") == [
        ("37060022P16000210005M", "就业补助资金", "烟财社〔2019〕10号", "烟台市就业补助资金管理办法", "烟财社", "2019", 4, 442)]


def test_seed_lookup_keys_have_the_literal_forms_the_queries_look_up(seed_store):
    """The parameterised queries look a parameter up as a plain string (codes, 文号 as normalised or
    as written) and as @zh (names, titles): the converter must keep writing those forms."""
    forms = seed_store.select(
        "PREFIX dct: <http://purl.org/dc/terms/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>"
        " PREFIX org: <http://www.w3.org/ns/org#> PREFIX eli: <http://data.europa.eu/eli/ontology#>"
        " PREFIX gg: <https://w3id.org/goalgraph/ontology#>"
        " SELECT DISTINCT ?class ?property ?datatype ?lang WHERE {"
        "  VALUES (?class ?property) { (gg:Project dct:identifier) (gg:Project skos:prefLabel)"
        "    (gg:Department org:identifier) (gg:Department skos:prefLabel) (gg:PolicyDocument eli:id_local)"
        "    (gg:PolicyDocument gg:rawDocNumber) (gg:PolicyDocument dct:title) }"
        "  ?x a ?class ; ?property ?value . BIND(DATATYPE(?value) AS ?datatype) BIND(LANG(?value) AS ?lang) }")
    found = {(r["property"].value.rsplit("/", 1)[-1].rsplit("#", 1)[-1], r["datatype"].value.rsplit("#", 1)[-1],
              r["lang"].value) for r in forms}
    assert found == {("identifier", "string", ""), ("prefLabel", "langString", "zh"), ("id_local", "string", ""),
                     ("rawDocNumber", "string", ""), ("title", "langString", "zh")}


def test_seed_documents_by_every_spelling(seed_store):
    """烟财社〔2019〕10号 is written 烟财社[2019]10号 in the seed: found by both, by its title with or
    without 《》, and nothing for a spelling that is written nowhere."""
    by_number = rows(seed_store, "indicators-by-document", doc="烟财社〔2019〕10号")
    assert len(by_number) == 6
    for doc in ("烟财社[2019]10号", "烟台市就业补助资金管理办法", "《烟台市就业补助资金管理办法》"):
        assert rows(seed_store, "indicators-by-document", doc=doc) == by_number, doc
    assert rows(seed_store, "indicators-by-document", doc="烟财社〔2019〕99号") == []
    by_name = rows(seed_store, "documents-of-project", project="就业补助资金")
    assert {r[0] for r in by_name} == {"37060022P16000210003E", "37060022P16000210005M"}


def test_seed_ranked_documents_include_yancaishe(seed_store):
    ranked = rows(seed_store, "documents-ranked")
    row = next(r for r in ranked if r[0] == "烟财社〔2019〕10号")
    assert row[2:] == ("烟财社", "2019", "市级", 6, 2, 1)
    counts = [r[5] for r in ranked]
    assert counts == sorted(counts, reverse=True)


def test_seed_employment_subsidy_plans(seed_store):
    plan = rows(seed_store, "spending-plan", project="37060022P16000210003E")
    assert [(r[2], r[4], r[6]) for r in plan] == [(3, 50, 5), (6, 400, 40), (10, 800, 80), (12, 1000, 100)]
    short = {r[0] for r in rows(seed_store, "plans-short-of-budget")}
    assert not short & {"37060022P16000210003E", "37060022P16000210005M"}


def test_seed_cost_indicators_carry_subsidy_standards(seed_store):
    cost = rows(seed_store, "cost-indicators", dept="236")
    names = [r[3] for r in cost if r[0] == "37060022P16000210003E"]
    assert names == ["社会保险补贴发放标准", "岗位补贴发放标准", "人力资源服务产业园创建奖补", "人力资源服务机构培育奖补"]
    assert [(r[5], r[6]) for r in cost if r[0] == "37060022P16000210003E"][2:] == [(100, "万元"), (50, "万元")]


def test_seed_satisfaction_surveyed(seed_store):
    sat = rows(seed_store, "satisfaction-targets")
    assert ("37060022P16000210003E", "公共就业服务满意度", "公共就业服务") in {(r[0], r[3], r[4]) for r in sat}


def test_seed_every_query_runs(seed_store, catalogue):
    for name, saved in catalogue.items():
        result = Q.run_query(saved, store=seed_store)
        if result.graph is None:
            assert result.columns, name
        else:
            assert len(result.graph) > 30, name


# ------------------------------------------------------------------------------------------------
# a real Oxigraph server (started here on 127.0.0.1 when the binary is installed)
# ------------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).exists():
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
    try:
        from goalgraph.endpoint import SparqlEndpoint
    except ImportError:
        pytest.skip("goalgraph.endpoint has not landed yet")
    port = _free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    proc = subprocess.Popen([binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        # the fixture goes into a named graph: queries must see it through the union default graph
        req = urllib.request.Request(base + "/store?graph=" + ID + "graph/fixture-queries",
                                     data=FIXTURE.read_bytes(), method="PUT",
                                     headers={"Content-Type": "text/turtle"})
        urllib.request.urlopen(req, timeout=10)
        yield SparqlEndpoint(base + "/query", server="oxigraph")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.slow
def test_remote_oxigraph_server_gives_identical_rows(oxigraph_server, store):
    for name, params, _, _ in EXPECTED:
        saved = Q.find_query(name)
        remote = Q.run_query(saved, params, endpoint=oxigraph_server)
        local = Q.run_query(saved, params, store=store)
        if local.graph is None:
            assert remote.columns == local.columns, name
            assert Q.plain_rows(remote) == Q.plain_rows(local), (name, params)
    cube = Q.run_query(Q.find_query("spending-cube"), endpoint=oxigraph_server).graph
    assert _canonical(cube) == _canonical(Q.run_query(Q.find_query("spending-cube"), store=store).graph)
    hostile = Q.run_query(Q.find_query("indicators-by-document"), {"doc": HOSTILE[0]}, endpoint=oxigraph_server)
    assert hostile.rows == []


@pytest.mark.integration
@pytest.mark.parametrize("server", ["oxigraph", "virtuoso"])
def test_integration_servers(server, store):
    """Against the servers .ci/servers.sh starts (GOALGRAPH_*_URL); the fixture goes into a named graph."""
    url = os.environ.get(f"GOALGRAPH_{server.upper()}_URL")
    if not url:
        pytest.skip(f"GOALGRAPH_{server.upper()}_URL is not set (source .ci/servers.sh start)")
    from goalgraph.endpoint import SparqlEndpoint
    graph = ID + "graph/test-queries-fixture"
    kwargs = {}
    if server == "virtuoso":
        kwargs["env"] = {"GOALGRAPH_ENDPOINT_USER": os.environ.get("GOALGRAPH_VIRTUOSO_USER", ""),
                         "GOALGRAPH_ENDPOINT_PASSWORD": os.environ.get("GOALGRAPH_VIRTUOSO_PASSWORD", "")}
        if os.environ.get("GOALGRAPH_VIRTUOSO_MAX_ROWS"):
            kwargs["max_rows"] = int(os.environ["GOALGRAPH_VIRTUOSO_MAX_ROWS"])
    ep = SparqlEndpoint.for_server(server, url, graphs=[graph], **kwargs)
    ep.put_graph(graph, FIXTURE.read_text(encoding="utf-8"), fmt="turtle")
    try:
        for name, params, _, _ in EXPECTED:
            saved = Q.find_query(name)
            remote = Q.run_query(saved, params, endpoint=ep)
            local = Q.run_query(saved, params, store=store)
            assert Q.plain_rows(remote) == Q.plain_rows(local), (server, name, params)
        cube = Q.run_query(Q.find_query("spending-cube"), endpoint=ep).graph
        assert _canonical(cube) == _canonical(Q.run_query(Q.find_query("spending-cube"), store=store).graph)
    finally:
        ep.drop_graph(graph)
