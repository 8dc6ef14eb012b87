"""Targeted SPARQL rules give the same answers as a full OWL 2 RL closure (owlrl) for what queries
rely on: the types of instance nodes and the inverse / super-property edges between them."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF

from goalgraph.namespaces import DEFAULT_DATA_BASE, GG
from goalgraph.ontology import load_ontology, ontology_ntriples
from goalgraph.reason import materialize, owlrl_closure, property_entailments, rules, superclasses
from goalgraph.store import GraphStore

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "ontology" / "instance.ttl"
DATA_GRAPH = f"{DEFAULT_DATA_BASE}graph/demo-2022"
CLASS_NAMESPACES = ("https://w3id.org/goalgraph/ontology#", "http://www.w3.org/ns/org#", "http://www.w3.org/ns/prov#",
                    "http://data.europa.eu/eli/ontology#", "http://www.w3.org/2004/02/skos/core#")
ORG_DEPT = URIRef(f"{DEFAULT_DATA_BASE}org/370600/205")
PROJECT = URIRef(f"{DEFAULT_DATA_BASE}project/37060022P050005100037")


def is_instance(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(DEFAULT_DATA_BASE)


def answers(triples) -> tuple[set, set]:
    """(types of instance nodes in the class namespaces, edges between instance nodes)."""
    types, edges = set(), set()
    for s, p, o in triples:
        if p == RDF.type and is_instance(s) and str(o).startswith(CLASS_NAMESPACES):
            types.add((s, o))
        elif p not in (OWL.sameAs, OWL.differentFrom) and is_instance(s) and is_instance(o):
            edges.add((s, p, o))
    return types, edges


def store_answers(store: GraphStore) -> tuple[set, set]:
    query = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{DATA_GRAPH}> {{ ?s ?p ?o FILTER(isIRI(?o)) }} }}"
    rows = store.select(query, union=False)
    return answers((URIRef(r["s"].value), URIRef(r["p"].value), URIRef(r["o"].value)) for r in rows)


@pytest.fixture(scope="module")
def ontology_graph() -> Graph:
    return load_ontology()


def instance(drop_types: bool = False) -> Graph:
    g = Graph().parse(FIXTURE, format="turtle")
    if drop_types:
        g.remove((None, RDF.type, None))
    return g


def loaded_store(data: Graph) -> GraphStore:
    store = GraphStore()
    store.load(ontology_ntriples(), fmt="ntriples")
    store.load(data.serialize(format="nt"), fmt="ntriples", graph=DATA_GRAPH)
    return store


# -- the rules themselves -------------------------------------------------------------------------
def test_hierarchies_are_computed_from_the_ontology(ontology_graph):
    supers = superclasses(ontology_graph)
    assert supers[GG.Department] >= {URIRef("http://www.w3.org/ns/org#FormalOrganization"),
                                     URIRef("http://www.w3.org/ns/org#Organization")}
    entailed = property_entailments(ontology_graph)
    assert (GG.indicatorOf, True) in entailed[GG.hasIndicator]
    assert (GG.hasIndicator, True) in entailed[GG.indicatorOf]


def test_materialize_adds_the_entailments_into_the_data_graph(ontology_graph):
    store = loaded_store(instance())
    added = materialize(store, ontology_graph)
    assert added > 0
    types, edges = store_answers(store)
    assert (ORG_DEPT, URIRef("http://www.w3.org/ns/org#Organization")) in types
    assert (URIRef(f"{PROJECT}/indicator/1"), GG.indicatorOf, PROJECT) in edges
    assert (PROJECT, GG.hasIndicator, URIRef(f"{PROJECT}/indicator/2")) in edges
    default = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", union=False)[0]["n"].value
    assert int(default) == len(Graph().parse(data=ontology_ntriples(), format="nt")), "default graph untouched"


def test_materialize_is_idempotent(ontology_graph):
    store = loaded_store(instance())
    assert materialize(store, ontology_graph) > 0
    assert materialize(store, ontology_graph) == 0


def test_rules_are_a_few_updates(ontology_graph):
    assert 1 <= len(rules(ontology_graph)) <= 10


# -- equivalence with owlrl ---------------------------------------------------------------------
def owlrl_answers(ontology_graph: Graph, data: Graph) -> tuple[set, set]:
    return answers(owlrl_closure(ontology_graph + data))


def test_rules_agree_with_owlrl_on_types_and_links(ontology_graph):
    data = instance()
    store = loaded_store(data)
    materialize(store, ontology_graph)
    expected_types, expected_edges = owlrl_answers(ontology_graph, data)
    types, edges = store_answers(store)
    assert types == expected_types
    assert edges == expected_edges
    assert len(edges) > len(answers(data)[1]), "the fixture leaves inverse links for reasoning to add"


def test_with_domain_and_range_rules_untyped_data_gets_the_owlrl_types(ontology_graph):
    data = instance(drop_types=True)
    store = loaded_store(data)
    materialize(store, ontology_graph, domain_range=True)
    expected_types, expected_edges = owlrl_answers(ontology_graph, data)
    types, edges = store_answers(store)
    assert expected_types, "owlrl finds types from domains and ranges"
    assert types == expected_types
    assert edges == expected_edges


def test_owlrl_closure_leaves_its_input_alone(ontology_graph):
    data = instance()
    before = len(data)
    closed = owlrl_closure(data)
    assert len(data) == before and len(closed) >= before
    assert not any(isinstance(s, BNode) for s in data.subjects())


# -- the seed document (slow: owlrl takes about 20 s on its ~24k triples) ----------------------------
SEED = Path(__file__).resolve().parents[1] / "data" / "raw" / "yantai-2022-performance-targets.txt"


@pytest.fixture(scope="module")
def seed():
    read = pytest.importorskip("goalgraph.read")
    convert = pytest.importorskip("goalgraph.convert")
    converted = convert.convert_document(read.read_document(SEED))
    return converted.graph, converted.text()


def seed_answers(ontology_graph: Graph, graph_name: str, text: str, domain_range: bool):
    store = GraphStore()
    store.load(ontology_ntriples(), fmt="ntriples")
    store.load(text, fmt="ntriples", graph=graph_name)
    materialize(store, ontology_graph, domain_range=domain_range)
    rows = store.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph_name}> {{ ?s ?p ?o FILTER(isIRI(?o)) }} }}",
                        union=False)
    return answers((URIRef(r["s"].value), URIRef(r["p"].value), URIRef(r["o"].value)) for r in rows)


@pytest.mark.slow
def test_on_the_seed_rules_agree_with_owlrl_and_the_data_is_consistent(ontology_graph, seed):
    graph_name, text = seed
    closed = owlrl_closure(ontology_graph + Graph().parse(data=text, format="nt"))
    assert list(closed.objects(None, URIRef("http://www.daml.org/2002/03/agents/agent-ont#error"))) == []
    assert list(closed.subjects(RDF.type, OWL.Nothing)) == []
    expected_types, expected_edges = answers(closed)
    # with domain/range typing: exactly owlrl's answers
    assert seed_answers(ontology_graph, graph_name, text, True) == (expected_types, expected_edges)
    # default rules: the same links; types a subset (only what domains/ranges alone would add is missing)
    types, edges = seed_answers(ontology_graph, graph_name, text, False)
    assert edges == expected_edges
    assert types <= expected_types


# -- the Python entailer adds exactly what the SPARQL rules add ----------------------------------
def _sparql_added(ontology_graph: Graph, graph_name: str, lines: list[str]) -> set:
    import pyoxigraph as ox

    store = GraphStore()
    store.load("".join(lines), fmt="ntriples", graph=graph_name)
    before = set(store.store)
    materialize(store, ontology_graph)
    return set(store.store) - before


def _parsed(graph_name: str, lines: list[str]) -> set:
    import pyoxigraph as ox

    g = ox.NamedNode(graph_name)
    return {ox.Quad(t.subject, t.predicate, t.object, g)
            for t in ox.parse("".join(lines), format=ox.RdfFormat.N_TRIPLES)}


def test_entailer_adds_what_the_rules_add_on_the_fixture(ontology_graph):
    from goalgraph.reason import Entailer

    lines = instance().serialize(format="nt").splitlines(keepends=True)
    lines = [ln for ln in lines if ln.strip()]
    added = Entailer(ontology_graph).entail(lines)
    assert added and added == sorted(set(added)) and not set(added) & set(lines)
    assert _parsed(DATA_GRAPH, added) == _sparql_added(ontology_graph, DATA_GRAPH, lines)


def test_entailer_adds_what_the_rules_add_on_the_seed(ontology_graph, seed):
    from goalgraph.reason import Entailer

    graph_name, text = seed
    lines = text.splitlines(keepends=True)
    added = Entailer(ontology_graph).entail(lines)
    assert len(added) > 1000
    assert _parsed(graph_name, added) == _sparql_added(ontology_graph, graph_name, lines)


def test_entailer_skips_literal_subjects_and_existing_lines(ontology_graph):
    from goalgraph.reason import Entailer

    e = Entailer(ontology_graph)
    inverse = next((p, q) for p, found in e.properties.items() for q, inv in found if inv)
    p, q = inverse
    lines = [f'<http://x/a> {p} "text" .\n', f"<http://x/a> {p} <http://x/b> .\n",
             f"<http://x/b> {q} <http://x/a> .\n"]
    assert e.entail(lines) == []
