"""Build-time summaries (issue #7): ``summaries.materialize`` writes counts and sums that equal what
the generic aggregates compute, and the saved queries give the same rows with and without them."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from goalgraph import query as Q
from goalgraph import summaries
from goalgraph.cli import main
from goalgraph.store import GraphStore, to_rdflib_term

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "raw" / "yantai-2022-performance-targets.txt"
GG = summaries.GG

#: the saved queries that read summaries when present
SUMMARISED = ["budget-by-department", "budget-by-project", "documents-ranked", "indicator-mix", "non-document-bases",
              "projects-missing-category"]


def _build(out: Path, inputs: list[Path]) -> GraphStore:
    if main(["build", *map(str, inputs), "--out", str(out), "--quiet"]) != 0:
        pytest.skip("'goalgraph build' failed")
    store = GraphStore.open(out / "store")
    summaries.clear(store)  # in case the build already materialises them
    return store


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory):
    store = _build(tmp_path_factory.mktemp("seed"), [SEED])
    yield store
    store.close()


@pytest.fixture(scope="module")
def synth_store(tmp_path_factory):
    from goalgraph.synth import write_corpus
    corpus = tmp_path_factory.mktemp("corpus")
    write_corpus(corpus, governments=2, projects_per_gov=12, seed=7)
    store = _build(tmp_path_factory.mktemp("synth"), sorted(corpus.glob("*.txt")))
    yield store
    store.close()


def _rows(store, name):
    return Q.plain_rows(Q.run_query(Q.find_query(name), {}, store=store))


def _values(store, prop: str) -> dict[str, int]:
    rows = store.select(f"SELECT ?s ?v WHERE {{ ?s <{GG}{prop}> ?v }}")
    return {r["s"].value: Q.plain(to_rdflib_term(r["v"])) for r in rows}


def _generic(store, text: str, key: str, value: str) -> dict[str, object]:
    rows = store.select(summaries.PREFIXES + text)
    return {r[key].value: Q.plain(to_rdflib_term(r[value])) for r in rows if value in r}


@pytest.mark.parametrize("which", ["seed_store", "synth_store"])
def test_queries_same_rows_with_and_without_summaries(which, request):
    store = request.getfixturevalue(which)
    summaries.clear(store)
    generic = {name: _rows(store, name) for name in SUMMARISED}
    assert any(generic[n] for n in SUMMARISED)
    written = summaries.materialize(store)
    assert written > 0
    try:
        for name in SUMMARISED:
            assert _rows(store, name) == generic[name], name
        # every other query is untouched by the summary graph
        for name in Q.load_catalogue():
            if name not in SUMMARISED and Q.find_query(name).form == "SELECT":
                _rows(store, name)
    finally:
        summaries.clear(store)


@pytest.mark.parametrize("which", ["seed_store", "synth_store"])
def test_summary_values_equal_generic_aggregates(which, request):
    store = request.getfixturevalue(which)
    summaries.materialize(store)
    try:
        projects = _generic(store, summaries.PROJECT_INDICATORS_SELECT, "p", "indicators")
        counts = _values(store, "indicatorCount")
        assert {k: counts[k] for k in projects} == projects
        assert _values(store, "projectCount") == _generic(store, summaries.DEPARTMENT_BUDGET_SELECT, "org", "projects")
        assert _values(store, "budgetTotal") == _generic(store, summaries.DEPARTMENT_BUDGET_SELECT, "org", "budget")
        assert _values(store, "projectIndicatorCount") == _generic(
            store, summaries.DEPARTMENT_INDICATORS_SELECT, "org", "n")
        for prop, col in (("citingIndicatorCount", "indicators"), ("citingProjectCount", "projects"),
                          ("citingDepartmentCount", "departments")):
            assert _values(store, prop) == _generic(store, summaries.DOCUMENT_CITERS_SELECT, "document", col)
        assert sum(_values(store, "projectCount").values()) <= len(projects)
    finally:
        summaries.clear(store)


def test_queries_read_the_summaries_when_present(seed_store):
    """With the marker present the generic branch is skipped: a doctored summary shows through."""
    summaries.materialize(seed_store)
    try:
        g = ox.NamedNode(summaries.summary_graph())
        row = seed_store.select(f"SELECT ?p ?n WHERE {{ GRAPH {g} {{ ?p <{GG}indicatorCount> ?n FILTER(CONTAINS(STR(?p), '/project/')) }} }} LIMIT 1",
                                union=False)[0]
        seed_store.store.remove(ox.Quad(row["p"], ox.NamedNode(GG + "indicatorCount"), row["n"], g))
        seed_store.store.add(ox.Quad(row["p"], ox.NamedNode(GG + "indicatorCount"), ox.Literal(
            "9999", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), g))
        assert 9999 in [r[4] for r in _rows(seed_store, "budget-by-project")]
    finally:
        summaries.clear(seed_store)
    assert 9999 not in [r[4] for r in _rows(seed_store, "budget-by-project")]


def test_materialize_replaces_and_clear_drops(seed_store):
    a = summaries.materialize(seed_store)
    b = summaries.materialize(seed_store)
    assert a == b == seed_store.count(summaries.summary_graph())
    summaries.clear(seed_store)
    assert summaries.summary_graph() not in seed_store.named_graphs()


def _term_rows(rows) -> list:
    return sorted(tuple(sorted((k, str(v)) for k, v in r.items())) for r in rows)


@pytest.mark.parametrize("which", ["seed_store", "synth_store", "fixture_store", "multi_store"])
def test_compute_gives_the_rows_of_every_generic_select(which, request):
    """summaries.compute (one pass over predicate tables, in Python) = the SPARQL texts, term for term."""
    store = request.getfixturevalue(which)
    summaries.clear(store)
    computed = summaries.compute(store)
    names = [n for n in dir(summaries) if n.endswith("_SELECT")]
    assert sorted(computed) == sorted(names)
    for name in names:
        solutions = summaries._rows(store, getattr(summaries, name))
        variables = [v.value for v in solutions.variables]
        expected = [{v: s[v] for v in variables if s[v] is not None} for s in solutions]
        assert _term_rows(computed[name]) == _term_rows(expected), name


@pytest.fixture(scope="module")
def fixture_store():
    """The hand-written query fixture (odd cases: blank budgets, shared documents, activity chains)."""
    store = GraphStore()
    store.load_file(ROOT / "tests" / "fixtures" / "queries" / "fixture.ttl", graph="https://w3id.org/goalgraph/id/graph/fixture")
    yield store


MULTI_TRIG = """
@prefix gg: <https://w3id.org/goalgraph/ontology#> .
@prefix id: <https://w3id.org/goalgraph/id/> .
@prefix cat: <https://w3id.org/goalgraph/scheme/category/> .
@prefix kind: <https://w3id.org/goalgraph/scheme/basis-kind/> .
@prefix qudt: <http://qudt.org/schema/qudt/> .
id:graph\\/a {
  id:p1 a gg:Project ; gg:competentDepartment id:d1, id:d2 ; gg:annualBudget 10, 2.5 ;
        gg:hasIndicator id:i1, id:i2, id:i3 .
  id:p2 a gg:Project ; gg:competentDepartment id:d1 ; gg:hasIndicator id:i4 .
  id:i1 a gg:Indicator ; gg:indicatorOf id:p1 ; gg:indicatorCategory cat:output, cat:quantity ;
        gg:level1Category cat:output ; gg:hasBasis id:b1, id:b2 ; gg:hasTarget id:t1 .
  id:t1 qudt:value 5 .
  id:b1 gg:basisKind kind:survey, kind:contract ; gg:basisText "乙", "甲" .
  id:b2 gg:basisKind kind:law .
  id:i2 a gg:Indicator ; gg:indicatorOf id:p1 ; gg:hasBasis id:b3 .
  id:b3 gg:citesDocument id:doc1, id:doc2 .
  id:i3 a gg:Indicator ; gg:indicatorOf id:p1, id:act1 .
  id:act1 gg:activityOf id:duty1 . id:duty1 gg:dutyOf id:d3 .
  id:i4 a gg:Indicator ; gg:indicatorOf id:p2 .
}
id:graph\\/b {
  id:p1 gg:competentDepartment id:d2, id:d1 ; gg:annualBudget 10 ; gg:hasIndicator id:i2, id:i1 .
  id:p2 gg:hasIndicator id:i4 .
  id:i1 gg:indicatorCategory cat:quantity ; gg:hasBasis id:b1 .
  id:i3 gg:indicatorOf id:act1 .
  id:b1 gg:basisText "乙" .
  id:b3 gg:citesDocument id:doc1 .
}
"""


@pytest.fixture(scope="module")
def multi_store():
    """Subjects with several objects for one predicate, and triples repeated in two graphs."""
    store = GraphStore()
    store.store.load(MULTI_TRIG, format=ox.RdfFormat.TRIG)
    yield store
