"""The compiled SHACL-Core evaluator (goalgraph.shacl_core) gives exactly pySHACL's raw results.

"Exactly" is the multiset of the tuples ``validate._run_pyshacl(store_partition(store, None), core,
texts=False)`` returns, both engines reading the same Oxigraph store (so blank node ids and the
canonical forms of literals are the same). Feature by feature on small graphs, on random data
graphs against the project's shapes and against random shapes, on the seed document and the rule
fixtures; and a shapes graph outside the subset falls back to pySHACL.
"""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, URIRef
from rdflib.namespace import SH

from goalgraph.shacl_core import Unsupported, compile_shapes, compiled
from goalgraph.validate import (
    Settings, _core, _run_pyshacl, core_results_ntriples, load_shapes, shape_files, store_partition)

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <http://example.org/> .
"""
EX = "http://example.org/"


def shapes_graph(ttl: str) -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(data=PREFIXES + ttl, format="turtle")
    return g


def data_store(ttl: str) -> ox.Store:
    store = ox.Store()
    store.load((PREFIXES + ttl).encode("utf-8"), format=ox.RdfFormat.TURTLE)
    return store


def both(core: rdflib.Graph, store: ox.Store, graph_name: str | None = None) -> tuple[Counter, Counter]:
    """(compiled, pySHACL) results on one graph of ``store``, as multisets."""
    got = compile_shapes(core).evaluate(store, graph_name)
    want = _run_pyshacl(store_partition(store, graph_name), core, texts=False)
    return Counter(got), Counter(want)


def assert_same(shapes_ttl: str, data_ttl: str) -> Counter:
    got, want = both(shapes_graph(shapes_ttl), data_store(data_ttl))
    assert got == want, (got - want, want - got)
    return got


def components(results: Counter) -> Counter:
    return Counter(str(r[5]).rsplit("#", 1)[1] for r in results.elements())


# -- (1) each feature: positive and negative nodes, compiled == pySHACL ----------------------------

#: (shapes, data, expected results per constraint component): every case has results, so a
#: feature that silently did nothing in both engines would fail here
FEATURES = {
    "min-max-count": ("""
        ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:minCount 1 ; sh:maxCount 2 ;
            sh:message "p: one or two"@en .""", """
        ex:ok a ex:C ; ex:p 1 .
        ex:none a ex:C .
        ex:three a ex:C ; ex:p 1, 2, "3" .
        ex:other a ex:D .""", {"MinCountConstraintComponent": 1, "MaxCountConstraintComponent": 1}),
    "datatype-decimal-ill-typed": ("""
        ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:datatype xsd:decimal ;
            sh:message "decimal"@en .""", """
        ex:a a ex:C ; ex:p 1.5, "90.00"^^xsd:decimal, "abc"^^xsd:decimal, "1.5", 3, ex:iri, [ ex:q 1 ],
            "1.5"@en, "1e0"^^xsd:double .""", {"DatatypeConstraintComponent": 7}),
    "datatype-strings": ("""
        ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:datatype xsd:string ;
            sh:message "string"@en .
        ex:L a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:datatype rdf:langString ;
            sh:message "langString"@en .""", """
        ex:a a ex:C ; ex:p "plain", "typed"^^xsd:string, "zh"@zh, 1, ex:iri .""",
        {"DatatypeConstraintComponent": 7}),
    "pattern-flags": ("""
        ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:pattern "^ab" ; sh:flags "i" ;
            sh:message "ab"@en .
        ex:T a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:pattern "^(?!.*<b).*$" ;
            sh:flags "s" ; sh:message "no markup"@en .
        ex:U a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:r ; sh:pattern "^a.b$" ; sh:flags "s" ;
            sh:message "dot"@en .
        ex:V a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:r ; sh:pattern "^b" ; sh:flags "M" ;
            sh:message "line starts with b"@en .""", """
        ex:a a ex:C ; ex:p "ABc", "xab", "ab\\n<b>", ex:abx, [ ex:q 1 ], 12, "x<b"@zh ; ex:r "a\\nb", "axb" .""",
        # pySHACL ignores "s" ("." stops at a newline: "a" newline "b" fails ex:U) and honours "M" (ex:V)
        {"PatternConstraintComponent": 10}),
    "min-length": ("""
        ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:minLength 2 ;
            sh:message "short"@en .
        ex:Z a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:minLength 0 ;
            sh:message "never"@en .""", """
        ex:a a ex:C ; ex:p "", "x", "xy", "名"@zh, 7, 10, [ ex:q 1 ], <urn:x> .""",
        {"MinLengthConstraintComponent": 5}),
    "in": ("""
        ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:in ( 3 6 ex:ok "x" ) ;
            sh:message "not in"@en .""", """
        ex:a a ex:C ; ex:p 3, " 6 "^^xsd:integer, "03"^^xsd:integer, 3.0, "3", ex:ok, ex:bad, "x", "x"@en .""",
        {"InConstraintComponent": 4}),
    "has-value": ("""
        ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:hasValue 12 ;
            sh:message "no 12"@en .""", """
        ex:ok a ex:C ; ex:p 12, 3 .
        ex:decimal a ex:C ; ex:p 12.0 .
        ex:none a ex:C .""", {"HasValueConstraintComponent": 2}),
    "min-exclusive": ("""
        ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:minExclusive 0 ;
            sh:message "not positive"@en .""", """
        ex:a a ex:C ; ex:p 1.5, 0.0, -2, "abc"^^xsd:decimal, "5", ex:iri, [ ex:q 1 ], "2022"^^xsd:gYear, 7 .""",
        {"MinExclusiveConstraintComponent": 7}),
    "xone": ("""
        ex:X a sh:NodeShape ; sh:targetClass ex:C ; sh:xone ( ex:A ex:B ) ; sh:message "one of A, B"@en .
        ex:A a sh:NodeShape ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .
        ex:B a sh:NodeShape ; sh:property [ sh:path ex:q ; sh:minCount 1 ; sh:datatype xsd:string ] .""", """
        ex:a a ex:C ; ex:p 1 .
        ex:b a ex:C ; ex:q "x" .
        ex:both a ex:C ; ex:p 1 ; ex:q "x" .
        ex:neither a ex:C ; ex:q 1 .""", {"XoneConstraintComponent": 2}),
    # a nested shape's severity does not matter: it conforms when it has no result (ex:a, ex:b)
    "xone-warning-member-counts-its-results": ("""
        ex:X a sh:NodeShape ; sh:targetClass ex:C ; sh:xone ( ex:A ex:B ) ; sh:message "one of A, B"@en .
        ex:A a sh:NodeShape ; sh:severity sh:Warning ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .
        ex:B a sh:NodeShape ; sh:property [ sh:path ex:q ; sh:minCount 1 ; sh:severity sh:Info ] .""", """
        ex:a a ex:C ; ex:p 1 .
        ex:b a ex:C ; ex:q "x" .
        ex:both a ex:C ; ex:p 1 ; ex:q "x" .
        ex:neither a ex:C .""", {"XoneConstraintComponent": 2}),
    "xone-on-property-shape": ("""
        ex:X a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:xone ( ex:A ex:B ) ;
            sh:message "one of A, B"@en .
        ex:A a sh:NodeShape ; sh:property [ sh:path ex:q ; sh:hasValue 1 ] .
        ex:B a sh:PropertyShape ; sh:path ex:q ; sh:maxCount 1 .""", """
        ex:a a ex:C ; ex:p ex:v1, ex:v2, ex:v3, "lit" .
        ex:v1 ex:q 1 , 2 .
        ex:v2 ex:q 1 .
        ex:v3 ex:q 2 .""", {"XoneConstraintComponent": 1}),  # ex:v2 conforms to both
    "qualified": ("""
        ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:m ; sh:qualifiedMinCount 1 ;
            sh:qualifiedMaxCount 1 ; sh:qualifiedValueShape ex:Dec ; sh:message "one December"@en .
        ex:Dec a sh:NodeShape ; sh:property [ sh:path ex:month ; sh:hasValue 12 ] .""", """
        ex:ok a ex:C ; ex:m [ ex:month 12 ], [ ex:month 3 ] .
        ex:none a ex:C ; ex:m [ ex:month 3 ] .
        ex:empty a ex:C .
        ex:two a ex:C ; ex:m [ ex:month 12 ], [ ex:month 12 ; ex:x 1 ] .""",
        {"QualifiedMinCountConstraintComponent": 2, "QualifiedMaxCountConstraintComponent": 1}),
    "qualified-disjoint": ("""
        ex:P a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:Q1, ex:Q2 .
        ex:Q1 a sh:PropertyShape ; sh:path ex:m ; sh:qualifiedValueShape ex:Big ; sh:qualifiedMinCount 1 ;
            sh:qualifiedValueShapesDisjoint true ; sh:message "no big-only value"@en .
        ex:Q2 a sh:PropertyShape ; sh:path ex:m ; sh:qualifiedValueShape ex:Odd ; sh:qualifiedMinCount 1 ;
            sh:qualifiedValueShapesDisjoint true ; sh:message "no odd-only value"@en .
        ex:Big a sh:PropertyShape ; sh:path ex:v ; sh:minExclusive 10 .
        ex:Odd a sh:PropertyShape ; sh:path ex:v ; sh:in ( 1 3 11 ) .""", """
        ex:a a ex:C ; ex:m [ ex:v 11 ] .
        ex:b a ex:C ; ex:m [ ex:v 12 ], [ ex:v 3 ] .""", {"QualifiedMinCountConstraintComponent": 2}),
    "nested-property-severity-messages": ("""
        ex:N a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:P ; sh:severity sh:Info ;
            sh:message "unused"@en .
        ex:P a sh:PropertyShape ; sh:path ex:p ; sh:minCount 1 ; sh:severity sh:Warning ;
            sh:message "缺少"@zh, "missing"@en, "no language tag" ; sh:property ex:Q .
        ex:Q a sh:PropertyShape ; sh:path ex:q ; sh:datatype xsd:integer ; sh:message "q"@en .""", """
        ex:a a ex:C .
        ex:b a ex:C ; ex:p ex:v .
        ex:v ex:q "x" .""", {"MinCountConstraintComponent": 1, "DatatypeConstraintComponent": 1}),
    "deactivated": ("""
        ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:minCount 1 ; sh:deactivated true ;
            sh:message "off"@en .
        ex:T a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:maxCount 0 ; sh:deactivated false ;
            sh:message "on"@en .
        ex:X a sh:NodeShape ; sh:targetClass ex:C ; sh:xone ( ex:A ex:B ) ; sh:message "xone"@en .
        ex:A a sh:NodeShape ; sh:deactivated true ; sh:property [ sh:path ex:zz ; sh:minCount 1 ] .
        ex:B a sh:NodeShape ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .""", """
        ex:a a ex:C .
        ex:b a ex:C ; ex:p 1 .""", {"MaxCountConstraintComponent": 1, "XoneConstraintComponent": 1}),
    "subclass-targets-and-multiple-types": ("""
        ex:S a sh:PropertyShape ; sh:targetClass ex:C, ex:D ; sh:path ex:p ; sh:minCount 1 ;
            sh:message "p"@en .""", """
        ex:Sub rdfs:subClassOf ex:C . ex:SubSub rdfs:subClassOf ex:Sub . ex:C rdfs:subClassOf ex:SubSub .
        ex:a a ex:C . ex:b a ex:SubSub . ex:c a ex:C, ex:D, ex:Sub . _:d a ex:D .
        ex:e a ex:Other .""", {"MinCountConstraintComponent": 4}),
    "sequence-path": ("""
        ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ( ex:p ex:q ) ; sh:minCount 2 ;
            sh:pattern "^[a-z]+$" ; sh:message "p/q"@en .""", """
        ex:a a ex:C ; ex:p ex:x, ex:y, "lit" . ex:x ex:q "ab" . ex:y ex:q "ab", "B" .
        ex:b a ex:C ; ex:p [ ex:q "c" ] .""", {"MinCountConstraintComponent": 1, "PatternConstraintComponent": 1}),
    "literals-equal-after-rdflib-normalisation": ("""
        ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:maxCount 1 ; sh:datatype xsd:integer ;
            sh:message "one integer"@en .""", """
        ex:one a ex:C ; ex:p " 5 "^^xsd:integer, "5"^^xsd:integer .
        ex:two a ex:C ; ex:p "5"^^xsd:integer, "x"^^xsd:integer .""",
        {"MaxCountConstraintComponent": 1, "DatatypeConstraintComponent": 1}),
    "blank-node-focus-and-values": ("""
        ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:minLength 1 ; sh:maxCount 1 ;
            sh:message "p"@en .""", """
        [ a ex:C ; ex:p [ ex:q 1 ], [ ex:q 2 ] ] .""",
        {"MinLengthConstraintComponent": 2, "MaxCountConstraintComponent": 1}),
}


@pytest.mark.parametrize("name", sorted(FEATURES))
def test_each_feature_gives_pyshacls_results(name):
    shapes, data, expected = FEATURES[name]
    assert components(assert_same(shapes, data)) == Counter(expected)


def test_no_focus_nodes_and_an_empty_graph_give_nothing():
    shapes, data, _ = FEATURES["min-max-count"]
    assert assert_same(shapes, "ex:x a ex:Other .") == Counter()
    assert compile_shapes(shapes_graph(shapes)).evaluate(ox.Store()) == []


def test_a_named_graph_of_a_store():
    shapes, data, _ = FEATURES["min-max-count"]
    store = data_store(data)
    named = ox.Store()
    named.extend(ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(EX + "g")) for q in store)
    got, want = both(shapes_graph(shapes), named, EX + "g")
    assert got == want and len(got) == 2


# -- (4) outside the subset: Unsupported, and core_results_ntriples falls back to pySHACL -----------

UNSUPPORTED = {
    "node-kind": "ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:nodeKind sh:IRI .",
    "closed": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true .",
    "target-node": "ex:S a sh:PropertyShape ; sh:targetNode ex:a ; sh:path ex:p ; sh:minCount 1 .",
    "target-subjects-of": "ex:S a sh:PropertyShape ; sh:targetSubjectsOf ex:p ; sh:path ex:p ; sh:maxCount 1 .",
    "inverse-path": "ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path [ sh:inversePath ex:p ] ; sh:minCount 1 .",
    "alternative-path": "ex:S sh:targetClass ex:C ; sh:path [ sh:alternativePath ( ex:p ex:q ) ] ; sh:minCount 1 .",
    "node": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:node ex:T . ex:T a sh:NodeShape .",
    "or": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:or ( ex:T ) . ex:T a sh:NodeShape .",
    "recursion": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:P . "
                 "ex:P a sh:PropertyShape ; sh:path ex:p ; sh:xone ( ex:S ) .",
    "no-message": "ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:minCount 1 .",
    "implicit-class-target": "ex:C a sh:NodeShape, rdfs:Class ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
    "two-severities": "ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:minCount 1 ; "
                      "sh:severity sh:Warning, sh:Info .",
    "min-count-on-node-shape": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:minCount 1 .",
    "custom-component": "ex:CC a sh:ConstraintComponent ; sh:parameter [ sh:path ex:param ] .",
}


@pytest.mark.parametrize("name", sorted(UNSUPPORTED))
def test_shapes_outside_the_subset_are_refused(name):
    g = shapes_graph(UNSUPPORTED[name] + ' ex:S sh:message "m"@en .' * (name != "no-message"))
    with pytest.raises(Unsupported):
        compile_shapes(g)
    assert compiled(g) is None


@pytest.fixture()
def nodekind_settings(tmp_path):
    """The project's shapes plus one with sh:nodeKind (outside the subset) on gg:Target."""
    for f in shape_files():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    (tmp_path / "extra.ttl").write_text(PREFIXES + """
        @prefix gg: <https://w3id.org/goalgraph/ontology#> .
        @prefix qudt: <http://qudt.org/schema/qudt/> .
        ex:ValueIsLiteral a sh:PropertyShape ; sh:targetClass gg:Target ; sh:path qudt:value ;
            sh:nodeKind sh:Literal ; sh:message "value is a literal"@en .""", encoding="utf-8")
    return Settings(shapes_dir=tmp_path)


def test_core_results_ntriples_falls_back_to_pyshacl_outside_the_subset(nodekind_settings, seed_documents):
    core, _ = _core(load_shapes(nodekind_settings))
    assert compiled(core) is None
    lines = seed_documents[0][:4000] + [
        "<urn:t> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/goalgraph/ontology#Target> .\n",
        "<urn:t> <http://qudt.org/schema/qudt/value> <urn:iri> .\n"]
    got = core_results_ntriples(lines, nodekind_settings)
    assert any(str(r[1]) == EX + "ValueIsLiteral" for r in got)
    assert Counter(got) == Counter(core_results_ntriples(lines, nodekind_settings, engine="pyshacl"))


def test_the_engine_can_be_forced_to_pyshacl(monkeypatch, seed_documents):
    from goalgraph import shacl_core
    from goalgraph.errors import UsageError

    lines = seed_documents[0]
    expected = Counter(core_results_ntriples(lines))
    monkeypatch.setattr(shacl_core, "compiled", lambda core: pytest.fail("compiled engine used"))
    monkeypatch.setenv("GOALGRAPH_CORE", "pyshacl")
    assert Counter(core_results_ntriples(lines)) == expected
    with pytest.raises(UsageError):
        core_results_ntriples(lines, engine="fast")


# -- (3) the project's shapes on the seed document and on the rule fixtures -------------------------


@pytest.fixture(scope="module")
def seed_documents() -> list[list[str]]:
    """Each document of the seed as the build's workers validate it: its lines plus what the rules
    entail."""
    from goalgraph import convert
    from goalgraph.commands.build import reasoning_rules
    from goalgraph.read import read_document

    from test_validate import SEED

    rules = reasoning_rules()
    return [list(r.lines) + rules.entail(r.lines) for r in convert.convert_corpus([read_document(str(SEED))])]


def test_project_shapes_compile():
    core, _ = _core(load_shapes())
    shapes = compile_shapes(core)
    assert compiled(core) is not None
    assert len([s for s in shapes.targeted if s.constraints]) >= 25


def test_every_seed_document_gives_pyshacls_results(seed_documents):
    core, _ = _core(load_shapes())
    for lines in seed_documents:
        store = ox.Store()
        store.bulk_load("".join(lines).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        got, want = both(core, store)
        assert got == want
        assert len(got) >= 50
        # the worker path: lines filtered to what Core shapes read, then either engine (no blank
        # node in these results, so two separate stores compare)
        worker = Counter(core_results_ntriples(lines, engine="compiled"))
        assert not any(isinstance(t, BNode) for r in worker for t in (r[0], r[3]))
        assert worker == got == Counter(core_results_ntriples(lines, engine="pyshacl"))


def test_severity_overrides_reach_the_compiled_shapes(seed_documents):
    settings = Settings(severity_overrides={"GG-R21": "Info", "GG-R1-ProjectName": "Warning"})
    lines = seed_documents[0]
    got = core_results_ntriples(lines, settings)
    assert {r[4] for r in got if "GG-R21" in str(r[1])} == {SH.Info}
    assert Counter(got) == Counter(core_results_ntriples(lines, settings, engine="pyshacl"))


def test_every_rule_fixture_graph_gives_pyshacls_results():
    from test_validate import corpus_names, corpus_store

    core, _ = _core(load_shapes())
    store = corpus_store(corpus_names()).store
    total = 0
    for name in sorted(g.value for g in store.named_graphs()):
        got, want = both(core, store, name)
        assert got == want, name
        total += len(got)
    assert total >= 25


# -- (2) randomized differential tests ---------------------------------------------------------------

XSD = "http://www.w3.org/2001/XMLSchema#"
LITERALS = [
    '""', '"x"', '"年度绩效目标"', '"ab\\ncd"', '"<b>text</b>"', '"目标内容1：提高"', '"12345678P0000000000A1"',
    '"210000"', '"万元"', '"财预〔2020〕10号"', '"财预[2020]第010号"', '"正在制定的办法"', '" 12 "', '"x"@zh',
    '"满意度"@zh', '"en"@en', f'"1.5"^^<{XSD}decimal>', f'"0"^^<{XSD}decimal>', f'"-3"^^<{XSD}decimal>',
    f'"abc"^^<{XSD}decimal>', f'"90.00"^^<{XSD}decimal>', f'"12"^^<{XSD}decimal>', f'"12"^^<{XSD}integer>',
    f'" 12 "^^<{XSD}integer>', f'"03"^^<{XSD}integer>', f'"3"^^<{XSD}integer>', f'"6"^^<{XSD}integer>',
    f'"x"^^<{XSD}integer>', f'"false"^^<{XSD}boolean>', f'"1"^^<{XSD}boolean>', f'"true"^^<{XSD}boolean>',
    f'"2022"^^<{XSD}gYear>', f'"1e3"^^<{XSD}double>', f'"x"^^<{XSD}string>',
]
RANDOM_TEXT = st.text(alphabet="ab目标<>/\n 0123〔〕号", max_size=6).map(
    lambda t: '"' + t.replace("\\", "").replace('"', "").replace("\n", "\\n") + '"')


def shape_iris(core: rdflib.Graph) -> list[str]:
    """IRIs the shapes compare values with (sh:in, sh:hasValue), as N-Triples terms."""
    terms = set(core.objects(None, SH.hasValue))
    for lst in core.objects(None, SH["in"]):
        terms.update(core.items(lst))
    return sorted(f"<{t}>" for t in terms if isinstance(t, URIRef))


def class_predicates(core: rdflib.Graph) -> dict[str, list[str]]:
    """Target class → the path predicates of the shapes that target it (and of the shapes they
    reach), as N-Triples terms: random data gets values where some shape reads them."""
    out: dict[str, set[str]] = {}
    for shape, cls in core.subject_objects(SH.targetClass):
        found, seen, todo = out.setdefault(f"<{cls}>", set()), set(), [shape]
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for path in core.objects(node, SH.path):
                found.update(f"<{p}>" for p in ([path] if isinstance(path, URIRef) else core.items(path)))
            todo.extend(o for o in core.objects(node, None) if isinstance(o, (URIRef, BNode)))
            todo.extend(i for o in core.objects(node, SH.xone) for i in core.items(o))
    return {c: sorted(ps) for c, ps in out.items() if ps}


@st.composite
def data_graphs(draw, predicates: dict[str, list[str]], iris: list[str]) -> str:
    """N-Triples: a few IRI and blank nodes of random target classes (maybe through a subclass)
    with random values (missing, extra, ill-typed, language-tagged, IRIs, blank nodes) for the
    predicates the shapes of their classes read, and a few random triples."""
    nodes = [f"<{EX}n{i}>" for i in range(draw(st.integers(1, 4)))]
    nodes += [f"_:b{i}" for i in range(draw(st.integers(0, 2)))]
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    classes, every = dict(predicates), sorted({p for ps in predicates.values() for p in ps})
    lines = []
    if draw(st.booleans()):
        sup = draw(st.sampled_from(sorted(predicates)))
        classes[f"<{EX}Sub>"] = predicates[sup]
        lines.append(f"<{EX}Sub> <http://www.w3.org/2000/01/rdf-schema#subClassOf> {sup}")
    values = st.one_of(st.sampled_from(nodes), st.sampled_from(iris), st.sampled_from(LITERALS), RANDOM_TEXT)
    for n in nodes:
        types = draw(st.lists(st.sampled_from(sorted(classes)), max_size=2))
        lines += [f"{n} {rdf_type} {c}" for c in types]
        read = sorted({p for c in types for p in classes[c]}) or every
        for p in draw(st.lists(st.sampled_from(read), max_size=6, unique=True)):
            lines += [f"{n} {p} {v}" for v in draw(st.lists(values, min_size=1, max_size=2))]
    for _ in range(draw(st.integers(0, 4))):
        lines.append(f"{draw(st.sampled_from(nodes))} {draw(st.sampled_from(every))} {draw(values)}")
    return "".join(line + " .\n" for line in lines)


def store_of(ntriples: str) -> ox.Store:
    store = ox.Store()
    store.bulk_load(ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


_PROJECT = _core(load_shapes())[0]


@settings(max_examples=150)
@given(data=data_graphs(class_predicates(_PROJECT), [*shape_iris(_PROJECT), f"<{EX}iri>"]))
def test_random_data_against_the_project_shapes(data):
    got, want = both(_PROJECT, store_of(data))
    assert got == want, (got - want, want - got)


# random shapes: a property shape with random constraints, and an sh:xone / qualified node shape
# whose members have random severities, over ex:p (values), ex:q (values of values), ex:m

_CONSTRAINTS = st.sampled_from([
    "sh:minCount 1", "sh:minCount 2", "sh:maxCount 0", "sh:maxCount 1", "sh:datatype xsd:decimal",
    "sh:datatype xsd:integer", "sh:datatype xsd:string", "sh:datatype rdf:langString", "sh:datatype xsd:boolean",
    'sh:pattern "^[a-z]+$"', 'sh:pattern "^A" ; sh:flags "i"', 'sh:pattern "^.*$" ; sh:flags "s"',
    'sh:pattern "b$" ; sh:flags "m"', "sh:minLength 2", "sh:minLength 0", "sh:in ( 3 6 ex:n0 \"x\" )",
    "sh:hasValue 3", "sh:hasValue ex:n1", "sh:minExclusive 0", "sh:minExclusive 1.5", 'sh:minExclusive "b"',
])
_SEVERITY = st.sampled_from(["", "sh:severity sh:Violation ;", "sh:severity sh:Warning ;", "sh:severity sh:Info ;"])
_PATH = st.sampled_from(["ex:p", "ex:q", "( ex:p ex:q )"])


@st.composite
def random_shapes(draw) -> str:
    def prop(name: str) -> str:
        body = " ; ".join(draw(st.lists(_CONSTRAINTS, min_size=1, max_size=3, unique_by=lambda c: c.split()[0])))
        return (f"ex:{name} a sh:PropertyShape ; sh:path {draw(_PATH)} ; {draw(_SEVERITY)} {body} ; "
                f'sh:message "{name}"@en .\n')
    ttl = prop("P1") + prop("P2") + prop("P3") + prop("P4")
    ttl += "ex:P1 sh:targetClass ex:C .\n"
    ttl += f'ex:A a sh:NodeShape ; {draw(_SEVERITY)} sh:property ex:P2 ; sh:message "A" .\n'
    ttl += f'ex:B a sh:NodeShape ; {draw(_SEVERITY)} sh:property ex:P3 ; sh:message "B" .\n'
    ttl += f'ex:X a sh:NodeShape ; sh:targetClass ex:C ; sh:xone ( ex:A ex:B ) ; {draw(_SEVERITY)} sh:message "X" .\n'
    low, high = draw(st.sampled_from(["1", "0", "2"])), draw(st.sampled_from(["", "sh:qualifiedMaxCount 1 ;"]))
    disjoint = draw(st.sampled_from(["", "sh:qualifiedValueShapesDisjoint true ;"]))
    ttl += (f"ex:Q a sh:PropertyShape ; sh:path ex:m ; sh:qualifiedValueShape ex:P4 ; {disjoint} {high} "
            f'sh:qualifiedMinCount {low} ; sh:message "Q"@en .\n'
            f"ex:Q2 a sh:PropertyShape ; sh:path ex:m ; sh:qualifiedValueShape ex:A ; {disjoint} "
            f'sh:qualifiedMinCount 1 ; sh:message "Q2"@en .\n'
            f"ex:N a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:Q, ex:Q2 .\n")
    return ttl


@settings(max_examples=150)
@given(shapes=random_shapes(),
       data=data_graphs({f"<{EX}C>": [f"<{EX}p>", f"<{EX}q>", f"<{EX}m>"]}, [f"<{EX}n1>", f"<{EX}iri>"]))
def test_random_shapes_on_random_data(shapes, data):
    got, want = both(shapes_graph(shapes), store_of(data))
    assert got == want, (got - want, want - got)
