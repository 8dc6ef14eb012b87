"""`goalgraph build` on the seed: outputs, acceptance facts of issue #3 (SPARQL on the store), re-runs."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from goalgraph import cli
from goalgraph.namespaces import sparql_prologue
from goalgraph.store import GraphStore

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "raw" / "yantai-2022-performance-targets.txt"
MINI = Path(__file__).parent / "fixtures" / "convert" / "mini.txt"


P = sparql_prologue()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    assert cli.main(["build", str(SEED), "--out", str(out), "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def store(built):
    st = GraphStore.open(built / "store", read_only=True)
    yield st
    st.close()


def values(rows, name):
    return sorted(str(r[name].value) for r in rows if name in r)


def test_outputs_written(built):
    for name in ("graph.nq", "graph.ttl"):
        assert (built / name).stat().st_size > 0
    assert not list(built.glob(".*.tmp-*"))
    nq = ox.Store()
    nq.load(path=str(built / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    graphs = {g.value for g in nq.named_graphs()}
    assert graphs == {"https://w3id.org/goalgraph/id/graph/yantai-2022-performance-targets"}
    ttl = ox.Store()
    ttl.load(path=str(built / "graph.ttl"), format=ox.RdfFormat.TURTLE)
    assert len(ttl) == len(nq)  # the Turtle file holds ontology + data in one graph
    assert len(list(nq.quads_for_pattern(None, None, None, ox.DefaultGraph()))) > 100  # the ontology


def test_every_project_indicator_has_one_level2_category_under_its_level1(store):
    rows = store.select(P + """SELECT ?i (COUNT(DISTINCT ?c) AS ?n) WHERE {
        ?i a gg:Indicator ; gg:indicatorOf ?p . ?p a gg:Project .
        OPTIONAL { ?i gg:indicatorCategory ?c . ?c skos:broader ?l1 . ?i gg:level1Category ?l1 } }
        GROUP BY ?i""")
    assert len(rows) > 300
    assert [r for r in rows if int(r["n"].value) != 1] == []


@pytest.mark.parametrize("number, code, year, serial", [
    ("烟财社〔2019〕10号", "烟财社", "2019", "10"),
    ("国转联〔2001〕8号", "国转联", "2001", "8"),
    ("鲁工信创〔2021〕237号", "鲁工信创", "2021", "237"),
])
def test_numbered_documents_are_one_node(store, number, code, year, serial):
    rows = store.select(P + """SELECT ?n ?d ?code ?year ?serial WHERE { ?d a gg:PolicyDocument ; eli:id_local ?n ;
        gg:docIssuerCode ?code ; gg:docYear ?year ; gg:docSerial ?serial }""", {"n": ox.Literal(number)})
    assert len({r["d"].value for r in rows}) == 1
    [r] = rows
    assert (r["code"].value, r["year"].value, r["serial"].value) == (code, year, serial)


def test_title_only_citations_link_to_the_numbered_document(store):
    rows = store.select(P + """SELECT ?b ?id WHERE { ?b a gg:BasisStatement ; gg:hasCitation ?c .
        ?c gg:citedTitle ?t . FILTER(STR(?t) = "关于推进“现代优势产业集群+人工智能”的指导意见")
        FILTER NOT EXISTS { ?c gg:rawDocNumber ?raw }
        OPTIONAL { ?b gg:citesDocument/eli:id_local ?id } }""")
    assert len(rows) >= 7
    assert set(values(rows, "id")) == {"烟政字〔2019〕32号"} and len(values(rows, "id")) == len(rows)


def test_summary_row_sums_two_sheets(store):
    rows = store.select(P + """SELECT ?s (SUM(?b) AS ?total) (COUNT(?p) AS ?n) WHERE {
        ?s a gg:SummaryEntry ; gg:summaryBudget "6500"^^xsd:decimal ; gg:summarises ?p . ?p gg:annualBudget ?b } GROUP BY ?s""")
    assert [(int(r["n"].value), float(r["total"].value)) for r in rows] == [(2, 6500.0)]


def test_rerun_gives_the_same_triple_count(built, store):
    before = store.count()
    store.close()
    assert cli.main(["build", str(SEED), "--out", str(built), "--quiet"]) == 0
    again = GraphStore.open(built / "store", read_only=True)
    try:
        assert again.count() == before
    finally:
        again.close()


def test_summary_printed(tmp_path, capsys):
    assert cli.main(["build", str(MINI), "--out", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "Indicator" in text and "policy documents: 1 numbered, 1 title-only" in text
    assert "mini.txt: 34 lines" in text


@pytest.mark.parametrize("args", [["nothere.txt"], [str(MINI), "--base", "http://x/a b/"]])
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, args):
    assert cli.main(["build", *args, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("goalgraph build: error:")


def test_a_directory_input_reads_its_documents_only(tmp_path):
    from goalgraph.commands.build import input_paths

    corpus = tmp_path / "corpus"
    (corpus / "b").mkdir(parents=True)
    (corpus / ".hidden").mkdir()
    for name in ("z.txt", "b/y.TXT", "a.pdf", "a.truth.json", "notes.md", ".hidden/x.txt"):
        (corpus / name).write_text("x", encoding="utf-8")
    assert [p.relative_to(corpus).as_posix() for p in input_paths([str(corpus)])] == ["a.pdf", "b/y.TXT", "z.txt"]


def test_a_directory_without_documents_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "truth.json").write_text("{}", encoding="utf-8")
    assert cli.main(["build", str(tmp_path / "empty"), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "no documents" in err and "empty" in err


def test_same_document_id_twice_is_refused(tmp_path, capsys):
    other = tmp_path / "in" / "mini.txt"
    other.parent.mkdir()
    other.write_bytes(MINI.read_bytes())
    assert cli.main(["build", str(MINI), str(other), "--out", str(tmp_path / "o")]) == 2


def test_same_input_gives_byte_identical_outputs(tmp_path):
    """graph.nq and graph.ttl are deterministic, ontology blank nodes included."""
    outs = []
    for name in ("a", "b"):
        assert cli.main(["build", str(SEED), "--out", str(tmp_path / name), "--quiet"]) == 0
        outs.append({f: (tmp_path / name / f).read_bytes() for f in ("graph.nq", "graph.ttl")})
    assert outs[0] == outs[1]


def test_cells_the_reader_could_not_place_are_kept(built):
    """Fifth grade cells (seed lines 902, 906) have no column: they stay in the graph as gg:unreadCell."""
    with GraphStore.open(built / "store", read_only=True) as store:
        rows = store.select(P + "SELECT ?a ?cell WHERE { ?a gg:unreadCell ?cell } ORDER BY ?cell")
    assert [r["cell"].value for r in rows] == ["0-60%", "1.2100次以下 2.550次以下"]
