"""The validation engine, its reports and `goalgraph validate`.

The harness test proves the fast engine (Core shapes per document graph with pySHACL, SPARQL rules as
whole-store queries on Oxigraph) and plain ``pyshacl.validate`` give the same findings.
"""

from __future__ import annotations

import json
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import SH

from goalgraph.cli import main
from goalgraph.errors import UsageError
from goalgraph.namespaces import DEFAULT_DATA_BASE
from goalgraph.report import grouped, render
from goalgraph.store import GraphStore
from goalgraph.validate import Settings, load_data, validate_graph, write_reports

FIXTURES = Path(__file__).resolve().parent / "shapes"
ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "raw" / "yantai-2022-performance-targets.txt"
BASE_LINE = f"@base <{DEFAULT_DATA_BASE}> ."


def fixture_graph(name: str) -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(FIXTURES / name, format="turtle")
    return g


def corpus_store(names: list[str]) -> GraphStore:
    """Each fixture in its own named graph, with its own base IRI (so fixtures do not merge)."""
    store = GraphStore()
    for i, name in enumerate(names):
        text = (FIXTURES / name).read_text(encoding="utf-8")
        base = f"{DEFAULT_DATA_BASE}c{i}/"
        text = text.replace(BASE_LINE, f"@base <{base}> .")
        store.load(text, fmt="turtle", graph=f"{DEFAULT_DATA_BASE}graph/c{i}")
    return store


def corpus_names() -> list[str]:
    return sorted(p.name for p in FIXTURES.glob("GG-R*.ttl"))


# -- the harness: fast == pyshacl -------------------------------------------------------------------


#: fixtures for the mode-equivalence harness: a project, a department table, a summary row, policy
#: documents, each with defects of Core and SPARQL rules. pySHACL's per-focus-node SPARQL (rdflib
#: parses and evaluates each query once per focus node) makes the reference mode slow, so the default
#: corpus is small; set GOALGRAPH_HARNESS_CORPUS to an RDF file (e.g. build/graph.nq, or a 100× synth
#: corpus) or a store directory to run the same comparison on real data.
HARNESS = ["GG-R4-invalid-1.ttl", "GG-R21-invalid-2.ttl", "GG-R46-invalid-1.ttl", "GG-R58-invalid-1.ttl",
           "GG-R6-invalid-2.ttl"]


def harness_data():
    target = os.environ.get("GOALGRAPH_HARNESS_CORPUS")
    if not target:
        return corpus_store(HARNESS)
    if Path(target).is_dir():
        return GraphStore.open(target, read_only=True)
    return load_data(target)


@pytest.mark.slow
def test_fast_and_pyshacl_modes_agree_on_the_fixture_corpus():
    data = harness_data()
    fast = validate_graph(data, mode="fast")
    reference = validate_graph(data, mode="pyshacl")
    assert len(fast.results) >= 10
    assert fast.keys() == reference.keys(), (
        sorted(fast.keys() - reference.keys())[:5], sorted(reference.keys() - fast.keys())[:5])
    assert fast.conforms == reference.conforms


def test_modes_agree_on_one_graph_and_on_a_store():
    g = fixture_graph("GG-R8-invalid-1.ttl")
    a = validate_graph(g, mode="fast")
    b = validate_graph(g, mode="pyshacl")
    store = GraphStore()
    store.load(g.serialize(format="nt"), fmt="ntriples", graph=f"{DEFAULT_DATA_BASE}graph/demo")
    c = validate_graph(store, mode="fast")
    assert a.keys() == b.keys() == c.keys()
    assert any(f.rule == "GG-R8" for f in a.results)


# -- outcome, report graph -----------------------------------------------------------------------------


def test_outcome_is_plain_dataclasses_with_context():
    out = validate_graph(fixture_graph("GG-R8-invalid-1.ttl"))
    assert not out.conforms
    (f,) = [f for f in out.results if f.rule == "GG-R8"]
    assert f.shape_name == "GG-R8-LastMilestoneEqualsTotal"
    assert f.severity == "Violation"
    assert f.focus == DEFAULT_DATA_BASE + "project/37060022P050005100037/plan/m12"
    assert Decimal(f.value) == Decimal("90.00")
    assert f.message_zh.startswith("GG-R8") and "累计" in f.message_zh
    assert f.message_en.startswith("GG-R8") and "annual budget" in f.message_en
    assert (f.source_file, f.source_line) == ("demo.txt", 20)
    assert f.project == DEFAULT_DATA_BASE + "project/37060022P050005100037"
    assert f.project_label == "重大项目前期工作经费"
    assert f.department_label == "烟台市发展和改革委员会"


def test_target_findings_go_up_to_their_indicator():
    out = validate_graph(fixture_graph("GG-R21-invalid-1.ttl"))
    (f,) = [f for f in out.results if f.rule == "GG-R21"]
    assert f.focus.endswith("/indicator/1/target")
    assert f.indicator == DEFAULT_DATA_BASE + "project/37060022P050005100037/indicator/1"
    assert f.indicator_label == "前期研究项目数"
    assert f.source_line == 30


def test_report_graph_is_a_standard_validation_report():
    out = validate_graph(fixture_graph("GG-R31-invalid-1.ttl"))
    g = rdflib.Graph()
    g.parse(data=render(out, "turtle"), format="turtle")
    (report,) = g.subjects(RDF.type, SH.ValidationReport)
    assert g.value(report, SH.conforms) == Literal(False)
    results = list(g.objects(report, SH.result))
    assert len(results) == len(out.results) >= 1
    for r in results:
        for p in (SH.focusNode, SH.sourceShape, SH.sourceConstraintComponent, SH.resultSeverity):
            assert g.value(r, p) is not None, p
        langs = sorted(m.language for m in g.objects(r, SH.resultMessage))
        assert langs == ["en", "zh"]
    r31 = [r for r in results if str(g.value(r, SH.sourceShape)).endswith("GG-R31-WeightTotal")]
    assert r31 and g.value(r31[0], SH.value).toPython() == Decimal("80.0")
    assert g.value(r31[0], SH.resultPath) == URIRef("https://w3id.org/goalgraph/ontology#hasIndicator")
    assert g.value(r31[0], SH.sourceConstraintComponent) == SH.SPARQLConstraintComponent


def test_conforming_graph():
    out = validate_graph(fixture_graph("GG-R1-valid.ttl"))
    assert out.conforms and out.results == []
    g = out.report
    assert (None, SH.conforms, Literal(True)) in g


# -- settings --------------------------------------------------------------------------------------


def test_severity_override_per_rule_and_per_shape():
    g = fixture_graph("GG-R31-invalid-1.ttl")
    out = validate_graph(g, Settings(severity_overrides={"GG-R31": "Violation"}))
    assert {f.severity for f in out.results if f.rule == "GG-R31"} == {"Violation"}
    out = validate_graph(g, Settings(severity_overrides={"GG-R31-WeightTotal": "Info"}))
    assert {f.severity for f in out.results if f.rule == "GG-R31"} == {"Info"}
    assert not out.conforms  # pySHACL convention: an Info result is a result
    assert validate_graph(g, Settings(severity_overrides={"GG-R31-WeightTotal": "Info"}, allow_infos=True)).conforms


def test_parameters_are_substituted_in_both_modes():
    g = fixture_graph("GG-R31-invalid-1.ttl")  # weights sum to 80
    for mode in ("fast", "pyshacl"):
        out = validate_graph(g, Settings(params={"weightTotal": 80}), mode=mode)
        assert not [f for f in out.results if f.rule == "GG-R31"], mode
    g = fixture_graph("GG-R53-valid.ttl")  # activity year 2022
    out = validate_graph(g, Settings(params={"budgetYear": 2023}))
    assert [f for f in out.results if f.rule == "GG-R53"]


def test_rounding_tolerance_parameter():
    g = fixture_graph("GG-R4-valid.ttl")  # 11047 vs 11046.85
    assert not [f for f in validate_graph(g).results if f.rule == "GG-R4"]
    strict = validate_graph(g, Settings(params={"roundingTolerance": Decimal("0.1")}))
    assert [f for f in strict.results if f.rule == "GG-R4"]


@pytest.mark.parametrize("kwargs", [
    {"params": {"weightTotal": "90 } ; DROP ALL ; {"}},
    {"params": {"noSuchParam": 1}},
    {"severity_overrides": {"GG-R31": "Fatal"}},
    {"severity_overrides": {"<script>": "Info"}},
])
def test_bad_settings_are_rejected(kwargs):
    with pytest.raises(UsageError):
        Settings(**kwargs)


def test_settings_file(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('[severity]\nGG-R31 = "Info"\n\n[params]\nweightTotal = 100\n', encoding="utf-8")
    s = Settings.load(path)
    assert s.severity_overrides == {"GG-R31": "Info"} and s.param("weightTotal") == 100


def test_allow_warnings():
    g = fixture_graph("GG-R31-invalid-1.ttl")  # a Warning only
    assert not validate_graph(g).conforms
    assert validate_graph(g, Settings(allow_warnings=True)).conforms


# -- rendering -------------------------------------------------------------------------------------


def _xss_graph() -> rdflib.Graph:
    g = fixture_graph("GG-R12-invalid-1.ttl")
    goal = URIRef(DEFAULT_DATA_BASE + "project/37060022P050005100037/goal/1")
    g.set((goal, URIRef("http://purl.org/dc/terms/description"), Literal("<script>alert(1)</script>", lang="zh")))
    g.set((URIRef(DEFAULT_DATA_BASE + "project/37060022P050005100037"),
           URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), Literal("<b>项目</b>", lang="zh")))
    return g


def test_html_escapes_everything_from_the_data():
    out = validate_graph(_xss_graph())
    assert any(f.value == "<script>alert(1)</script>" for f in out.results)
    html = render(out, "html")
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    md = render(out, "markdown")
    assert "<script>" not in md


def test_human_report_groups_by_department_project_indicator_and_counts():
    out = validate_graph(fixture_graph("GG-R21-invalid-1.ttl"))
    text = render(out, "human")
    assert "== 烟台市发展和改革委员会" in text
    assert "-- 重大项目前期工作经费" in text
    assert "* 前期研究项目数" in text
    assert "demo.txt:30" in text
    assert "GG-R21" in text and "定量" in text and "quantitative" in text
    assert re.search(r"GG-R21\s+Violation\s+1", text)


def test_findings_not_under_a_project_form_their_own_group():
    out = validate_graph(fixture_graph("GG-R46-invalid-1.ttl"))
    groups = grouped(out.results)
    assert groups[-1][1].startswith("Findings not under a project")
    assert any(f.rule == "GG-R46" for f in groups[-1][2][0][2][0][2])


def test_markdown_and_json_reports():
    out = validate_graph(fixture_graph("GG-R8-invalid-1.ttl"))
    md = render(out, "markdown")
    assert md.startswith("# Validation report") and "## Counts per rule and severity" in md
    assert "| GG-R8 | Violation | 1 |" in md
    doc = json.loads(render(out, "json"))
    assert doc["conforms"] is False
    assert any(r["rule"] == "GG-R8" and r["source_line"] == 20 for r in doc["results"])


def test_write_reports(tmp_path):
    out = validate_graph(fixture_graph("GG-R8-invalid-1.ttl"))
    paths = write_reports(out, tmp_path / "build")
    assert [p.name for p in paths] == ["report.ttl", "report.md"]
    g = rdflib.Graph()
    g.parse(paths[0], format="turtle")
    assert (None, RDF.type, SH.ValidationReport) in g
    assert "GG-R8" in paths[1].read_text(encoding="utf-8")


# -- CLI -------------------------------------------------------------------------------------------


def test_cli_exit_codes(tmp_path, capsys):
    assert main(["validate", str(FIXTURES / "GG-R1-valid.ttl")]) == 0
    assert main(["validate", str(FIXTURES / "GG-R8-invalid-1.ttl")]) == 1
    assert "GG-R8" in capsys.readouterr().out
    assert main(["validate", str(FIXTURES / "GG-R31-invalid-1.ttl")]) == 1
    assert main(["validate", str(FIXTURES / "GG-R31-invalid-1.ttl"), "--allow-warnings"]) == 0
    assert main(["validate", str(tmp_path / "missing.ttl")]) == 2
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    assert main(["validate", str(bad)]) == 2


@pytest.mark.parametrize("fmt", ["human", "turtle", "json", "markdown", "html"])
def test_cli_formats_and_out(tmp_path, fmt):
    out = tmp_path / f"report.{fmt}"
    code = main(["validate", str(FIXTURES / "GG-R8-invalid-1.ttl"), "--format", fmt, "--out", str(out)])
    assert code == 1
    assert "GG-R8" in out.read_text(encoding="utf-8")


def test_cli_store_and_settings(tmp_path):
    store_dir = tmp_path / "store"
    with GraphStore.open(store_dir) as store:
        store.load((FIXTURES / "GG-R31-invalid-1.ttl").read_text(encoding="utf-8"), fmt="turtle",
                   graph=f"{DEFAULT_DATA_BASE}graph/demo")
    settings = tmp_path / "s.toml"
    settings.write_text("[params]\nweightTotal = 80\nbenefitShare = 20\n", encoding="utf-8")
    assert main(["validate", "--store", str(store_dir)]) == 1
    assert main(["validate", "--store", str(store_dir), "--settings", str(settings)]) == 0


# -- the seed --------------------------------------------------------------------------------------


def _seed_store():
    try:
        from goalgraph.convert import convert_document
        from goalgraph.read import read_document
    except ImportError as exc:  # the reader / converter have not landed yet
        pytest.skip(f"reader or converter not importable: {exc}")
    doc = read_document(SEED)
    converted = convert_document(doc)
    store = GraphStore()
    store.load(converted.text(), fmt="ntriples", graph=converted.graph)
    return store


@pytest.fixture(scope="module")
def seed_outcome():
    if not SEED.exists():
        pytest.skip("seed document missing")
    return validate_graph(_seed_store())


def _lines(outcome, shape: str) -> set[int]:
    return {f.source_line for f in outcome.results if f.shape_name == shape}


def test_seed_report_finds_the_known_defects(seed_outcome):
    out = seed_outcome
    file_names = {f.source_file for f in out.results if f.source_file}
    assert file_names and all(n.endswith("yantai-2022-performance-targets.txt") for n in file_names)
    # spending plan (header row + amounts row): no 12月底 (87–88), non-standard months 9月底 (523–524)
    # and 5月底/9月底 (629–630), blanks (52), last amount ≠ total where 12月底 is missing
    assert {87, 88} & _lines(out, "GG-R6-DecemberCheckpoint")
    assert {523, 524} & _lines(out, "GG-R6-StandardMonth") and {629, 630} & _lines(out, "GG-R6-StandardMonth")
    assert 52 in _lines(out, "GG-R9-CheckpointFilled")
    assert {87, 88} & _lines(out, "GG-R8-LastMilestoneEqualsTotal")
    # goal placeholder 简单描述 (155); label 提高效率目标 (548)
    assert 155 in _lines(out, "GG-R12-GoalNotPlaceholder")
    assert 548 in _lines(out, "GG-R12-GoalLabel")
    # empty level 1 on the first rows of a sheet (615)
    assert 615 in _lines(out, "GG-R14-Level1Written")
    # qualitative target that is neither kind (367)
    assert 367 in _lines(out, "GG-R21-QuantitativeXorQualitative")
    # weights: missing scores (656, 659); a sheet not summing to 90
    assert {656, 659} <= _lines(out, "GG-R30-Weight")
    assert _lines(out, "GG-R31-WeightTotal")
    # grade scale: three grade cells (778), identical grades
    assert 778 in _lines(out, "GG-R56-FourGrades")
    assert _lines(out, "GG-R57-DistinctGrades")
    # document numbers: brackets other than 〔〕 ([] 414, 【】 238, （） 597, 《》 110)
    assert {110, 238, 414, 597} <= _lines(out, "GG-R42-HexagonalBrackets")
    # HTML in a goal (612)
    assert 612 in _lines(out, "GG-R13-NoMarkupRaw")
    # negative controls on real data: the summary rounding to whole 万元 is not a defect; explicit
    # zeros (379, 630, 716) are filled checkpoints; well-formed numbers are not malformed
    assert not [f for f in out.results if f.shape_name == "GG-R4-SummaryMatchesSheets"]
    assert not {379, 630, 716} & _lines(out, "GG-R9-CheckpointFilled")
    assert not _lines(out, "GG-R44-SerialForm")


def test_regression_bind_over_bound_variable_in_pyshacl():
    """rdflib lets BIND overwrite a bound variable; a shape relying on BIND to join gave pySHACL a
    spurious R58 result on the seed (优 "小于100%,大于100%"). Both modes must agree, with no result."""
    g = fixture_graph("GG-R58-valid.ttl")
    grade = URIRef(DEFAULT_DATA_BASE + "activity/370600/2022/205/0101/indicator/1/grade/excellent")
    g.set((grade, URIRef("https://w3id.org/goalgraph/ontology#criterionText"), Literal("小于100%,大于100%", lang="zh")))
    fast, reference = validate_graph(g), validate_graph(g, mode="pyshacl")
    assert fast.keys() == reference.keys()
    assert not [f for f in fast.results if f.shape_name == "GG-R58-BoundaryGap"]


# -- ggsh:wholeStoreSelect: linear whole-store forms of checks Oxigraph joins in quadratic time -----


def _whole_store_checks():
    from goalgraph.validate import load_shapes, sparql_checks

    return [c for c in sparql_checks(load_shapes()) if c.whole_store_select is not None]


def test_whole_store_selects_exist_and_agree_with_pyshacl_on_their_fixtures():
    """Each ``ggsh:wholeStoreSelect`` projects what its ``sh:select`` does, and on that rule's
    fixtures the fast mode (which runs it) equals plain pySHACL (which runs ``sh:select``)."""
    from goalgraph.query import _projection
    from goalgraph.validate import local_name

    checks = _whole_store_checks()
    assert {local_name(c.constraint) for c in checks} >= {"GG-R20-UniqueNames-sparql", "GG-R6-StandardCheckpoints-sparql"}
    for check in checks:
        name = local_name(check.constraint)
        assert _projection(check.whole_store_select) == _projection(check.select) != []
        assert check.whole_store_query().endswith(check.whole_store_select)
        rule = name.split("-")[1]
        fixtures = sorted(p.name for p in FIXTURES.glob(f"GG-{rule}-*.ttl"))
        assert any("invalid" in f for f in fixtures)
        store = corpus_store(fixtures)
        fast = validate_graph(store, mode="fast")
        reference = validate_graph(store, mode="pyshacl")
        assert any(f.shape.endswith(name.removesuffix("-sparql")) for f in fast.results), name
        assert fast.keys() == reference.keys(), name


def test_whole_store_selects_equal_the_shape_text_on_the_seed():
    """On the seed, each whole-store form returns the rows of its ``sh:select`` run for every node
    at once ($this → ?this), which the whole-store engine ran before."""
    import dataclasses

    from goalgraph.validate import _run_sparql

    if not SEED.exists():
        pytest.skip("seed document missing")
    store = _seed_store()
    for check in _whole_store_checks():
        plain = dataclasses.replace(check, whole_store_select=None)
        rows, expected = _run_sparql(store, check), _run_sparql(store, plain)
        assert sorted(map(str, rows)) == sorted(map(str, expected)), check.constraint


# -- document-scope SPARQL checks (issue #7: they run per document in the build workers) ------------


def _graph_lines(store: GraphStore, name: str | None) -> list[str]:
    """One graph of ``store`` as N-Triples lines (the default graph for None)."""
    import pyoxigraph as ox

    gname = ox.NamedNode(name) if name else ox.DefaultGraph()
    triples = [ox.Triple(q.subject, q.predicate, q.object)
               for q in store.store.quads_for_pattern(None, None, None, gname)]
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8").splitlines(keepends=True)


def assert_document_checks_are_local(store: GraphStore) -> int:
    """Every ``ggsh:scope "document"`` check, run on each named graph (plus the default graph) alone,
    gives exactly the whole-store results whose focus node is a node of that graph — and no
    whole-store result is left over. Returns the number of results compared."""
    from goalgraph.validate import _run_sparql, document_sparql_results, load_shapes, sparql_checks

    checks = [c for c in sparql_checks(load_shapes()) if c.scope == "document"]
    default = "".join(_graph_lines(store, None)).encode("utf-8")
    whole = {}
    for check in checks:
        for r in _run_sparql(store, check):
            whole.setdefault(str(r[0]), set()).add(_raw_key(r))
    seen = set()
    for name in store.named_graphs():
        lines = _graph_lines(store, name)
        subjects = {line.split(" ", 1)[0][1:-1] for line in lines if line.startswith("<")}
        local = {_raw_key(r) for r in document_sparql_results(lines, default_graph=default)}
        expected = {k for focus in subjects & set(whole) for k in whole[focus]}
        assert local == expected, name
        seen |= subjects & set(whole)
    assert seen == set(whole)
    return sum(len(v) for v in whole.values())


def _raw_key(r: tuple) -> tuple:
    from goalgraph.validate import _canonical

    return (str(r[0]), str(r[1]), str(r[2]), _canonical(r[3]), str(r[4]), tuple(sorted(map(str, r[6]))))


def test_every_sparql_check_is_classified_and_document_scope_is_the_default_exception():
    from goalgraph.validate import load_shapes, local_name, sparql_checks

    checks = sparql_checks(load_shapes())
    scopes = {local_name(c.constraint): c.scope for c in checks}
    assert set(scopes.values()) == {"document", "corpus"}
    # whatever reads or compares policy documents, or compares duties of a (shared) department
    assert {n for n, s in scopes.items() if s == "corpus"} == {
        "GG-R35-CitationWithoutNumber-sparql", "GG-R35-DocumentWithoutNumber-sparql",
        "GG-R41-DocumentNumberParts-sparql", "GG-R43-YearPlausible-sparql", "GG-R45-IssuerCode-sparql",
        "GG-R46-UniqueDocumentNumber-sparql", "GG-R52-DutyNameUnique-sparql"}


def test_an_unannotated_check_is_corpus_scope_and_a_bad_scope_is_refused():
    from goalgraph.errors import GoalgraphError
    from goalgraph.namespaces import GGSH
    from goalgraph.validate import load_shapes, sparql_checks

    shapes = rdflib.Graph()
    for t in load_shapes():
        shapes.add(t)
    constraint = GGSH["GG-R5-NamesAgree-sparql"]
    shapes.remove((constraint, GGSH.scope, None))
    assert {c.scope for c in sparql_checks(shapes) if c.constraint == constraint} == {"corpus"}
    shapes.add((constraint, GGSH.scope, Literal("project")))
    with pytest.raises(GoalgraphError, match="ggsh:scope"):
        sparql_checks(shapes)


def test_document_scope_checks_per_graph_equal_the_whole_store_on_the_rule_fixtures():
    """Each rule fixture (valid and invalid, the defects of every rule) in its own named graph,
    the ontology in the default graph."""
    import pyoxigraph as ox

    from goalgraph.ontology import ontology_ntriples

    store = corpus_store(corpus_names())
    store.store.bulk_load(ontology_ntriples().encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    assert assert_document_checks_are_local(store) >= 40


def test_local_results_merge_into_the_same_outcome():
    """validate_graph(store, local=...) with the per-graph results = validate_graph(store)."""
    import rdflib.compare

    from goalgraph.validate import document_sparql_results

    store = corpus_store(corpus_names())
    local = [r for name in store.named_graphs()
             for r in document_sparql_results(_graph_lines(store, name), default_graph=b"")]
    merged, plain = validate_graph(store, local=local), validate_graph(store)
    assert merged.keys() == plain.keys()
    assert rdflib.compare.isomorphic(merged.report, plain.report)


@pytest.mark.parametrize("mode", ["fast", "pyshacl"])
def test_results_that_differ_only_in_their_message_are_distinct_findings(mode):
    """R32 with 产出 and 效益 both summing to 40: one result per level-1 class, as pySHACL reports
    them, although focus, shape, path, value and severity are the same."""
    g = rdflib.Graph().parse(FIXTURES / "GG-R32-invalid-2.ttl", format="turtle")
    found = [f for f in validate_graph(g, mode=mode).results if f.rule == "GG-R32"]
    assert len({f.key() for f in found}) == 1
    assert sorted(f.message_en.rsplit(": ", 1)[1] for f in found) == [
        "https://w3id.org/goalgraph/scheme/category/benefit", "https://w3id.org/goalgraph/scheme/category/output"]


@pytest.mark.parametrize("mode", ["fast", "pyshacl"])
def test_patterns_read_multi_line_values_whole(mode):
    """pySHACL ignores sh:flags "s", so the negative-lookahead patterns spell "any character" as
    [\\s\\S]: a clean two-line goal passes R13, markup on its second line is still found."""
    g = rdflib.Graph().parse(FIXTURES / "GG-R13-valid.ttl", format="turtle")
    goal = next(g.subjects(RDF.type, URIRef("https://w3id.org/goalgraph/ontology#PerformanceGoal")))
    raw = URIRef("https://w3id.org/goalgraph/ontology#rawText")
    g.set((goal, raw, Literal("完成5个重大项目前期研究，\n提升项目储备质量")))
    assert not [f for f in validate_graph(g, mode=mode).results if f.rule in ("GG-R12", "GG-R13")]
    g.set((goal, raw, Literal("完成5个重大项目前期研究，\n提升<br/>项目储备质量")))
    assert [f.shape_name for f in validate_graph(g, mode=mode).results if f.rule == "GG-R13"] == ["GG-R13-NoMarkupRaw"]


@pytest.mark.parametrize("mode", ["fast", "pyshacl"])
def test_a_severity_override_does_not_change_what_nested_shapes_find(mode):
    """GG-R21's xone members are GG-R21 shapes too: overridden to Warning they must still fail on
    an incomplete target (pySHACL with allow_warnings counted them as passing, and every target
    failed the exactly-one check)."""
    g = rdflib.Graph().parse(FIXTURES / "GG-R21-valid.ttl", format="turtle")
    for settings in (Settings(), Settings(severity_overrides={"GG-R21": "Warning"})):
        found = [f for f in validate_graph(g, settings, mode=mode).results if f.rule == "GG-R21"]
        assert not found, [(f.shape_name, f.focus) for f in found]
    broken = rdflib.Graph().parse(FIXTURES / "GG-R21-invalid-1.ttl", format="turtle")
    default = {(f.shape_name, f.focus) for f in validate_graph(broken, mode=mode).results if f.rule == "GG-R21"}
    warned = validate_graph(broken, Settings(severity_overrides={"GG-R21": "Warning"}), mode=mode).results
    assert default and {(f.shape_name, f.focus) for f in warned if f.rule == "GG-R21"} == default
    assert {f.severity for f in warned if f.rule == "GG-R21"} == {"Warning"}


def test_document_checks_read_only_the_predicates_they_name():
    from goalgraph.validate import _read_predicates

    named = _read_predicates(("SELECT ?s WHERE { ?s a <http://e/C> ; <http://e/p>/^<http://e/q> ?o "
                              "FILTER NOT EXISTS { ?o <http://e/r>* ?x } }",))
    assert named >= {"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", "<http://e/p>", "<http://e/q>", "<http://e/r>"}
    assert "<http://e/other>" not in named
    assert _read_predicates(("SELECT ?s WHERE { ?s a <http://e/C> . MINUS { ?s ?p ?o } }",)) is None
    assert _read_predicates(("SELECT ?s WHERE { ?s !<http://e/p> ?o }",)) is None


def test_document_checks_on_the_filtered_seed_equal_them_on_all_its_triples(monkeypatch):
    from goalgraph import validate as V

    if not SEED.exists():
        pytest.skip("seed document missing")
    store = _seed_store()
    lines = _graph_lines(store, store.named_graphs()[0])
    filtered = sorted(map(_raw_key, V.document_sparql_results(lines)))
    monkeypatch.setattr(V, "_read_predicates", lambda queries: None)
    assert filtered and filtered == sorted(map(_raw_key, V.document_sparql_results(lines)))
