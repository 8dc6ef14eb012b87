"""Linked-data export: every format round-trips to the store's graph (Chinese literals, decimals,
gYears, named graphs); JSON-LD uses the published @context; the VoID/DCAT description counts;
inputs never fetch anything."""

import json
import threading
import http.server
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD

from goalgraph import export as ex
from goalgraph.cli import main
from goalgraph.store import GraphStore, to_rdflib_term

FIX = Path(__file__).parent / "fixtures" / "export"
CONTEXT = FIX / "context.jsonld"
GG = Namespace("https://w3id.org/goalgraph/ontology#")
YANTAI = "https://w3id.org/goalgraph/id/graph/yantai-2022"
OX_FORMAT = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "nquads": ox.RdfFormat.N_QUADS,
             "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML}


@pytest.fixture(scope="module")
def store():
    s = GraphStore()
    s.load_file(FIX / "small.trig")
    return s


def graphs_of(quads) -> dict[str, Graph]:
    """Quads (pyoxigraph) → {graph name: rdflib Graph}, via the store's rdflib bridge."""
    s = GraphStore()
    s.store.extend(quads)
    out = {name: s.to_rdflib(graph=name) for name in s.named_graphs()}
    default = Graph()
    for t in s.to_rdflib().default_graph:
        default.add(t)
    out[""] = default
    return out


def parse(data: bytes, fmt: str):
    items = list(ox.parse(data, format=OX_FORMAT[fmt]))
    return [q if isinstance(q, ox.Quad) else ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
            for q in items]


@pytest.mark.parametrize("fmt", ["nquads", "trig", "jsonld"])
def test_dataset_formats_round_trip_with_named_graphs(store, fmt):
    data = ex.export(store, fmt, context=CONTEXT)
    back = graphs_of(parse(data, fmt))
    want = graphs_of(list(store.store))
    assert set(back) == set(want) == {"", YANTAI, "https://w3id.org/goalgraph/id/graph/weihai-2023"}
    for name in want:
        assert isomorphic(back[name], want[name]), name


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "xml"])
def test_triple_formats_round_trip_as_the_union_graph(store, fmt):
    data = ex.export(store, fmt)
    back = Graph()
    for q in parse(data, fmt):
        back.add((to_rdflib_term(q.subject), to_rdflib_term(q.predicate), to_rdflib_term(q.object)))
    assert len(back) == store.count()  # the fixture has no triple in two graphs
    assert isomorphic(back, store.to_rdflib(union=True))


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "xml", "nquads", "trig", "jsonld"])
def test_rdflib_reads_every_export_back_too(store, fmt):
    data = ex.export(store, fmt, context=CONTEXT)
    rd = {"turtle": "turtle", "ntriples": "nt", "xml": "xml", "nquads": "nquads", "trig": "trig", "jsonld": "json-ld"}[fmt]
    ds = Dataset()
    ds.parse(data=data.decode("utf-8"), format=rd)
    triples = {t for t in ds.triples((None, None, None))} if fmt in ("turtle", "ntriples", "xml") else \
        {(s, p, o) for s, p, o, _ in ds.quads((None, None, None, None))}
    assert (URIRef("https://w3id.org/goalgraph/id/project/370600220000000001"), GG.annualBudget,
            Literal("1250.5", datatype=XSD.decimal)) in triples
    assert any(o == Literal("2022", datatype=XSD.gYear) for _, _, o in triples)
    assert any(o == Literal("群众满意度\"较高\"，含换行\n第二行", lang="zh") for _, _, o in triples)


def test_one_named_graph_export(store):
    data = ex.export(store, "turtle", graph=YANTAI)
    back = Graph().parse(data=data.decode(), format="turtle")
    assert isomorphic(back, store.to_rdflib(graph=YANTAI))
    assert b"@prefix gg:" in data and "农村饮水安全工程".encode() in data


def test_jsonld_is_compacted_with_the_given_context(store):
    doc = json.loads(ex.export(store, "jsonld", context=CONTEXT))
    assert doc["@context"] == json.loads(CONTEXT.read_text())["@context"]
    text = json.dumps(doc, ensure_ascii=False)
    assert '"prefLabel": {"zh": "农村饮水安全工程"}' in text
    assert '"annualBudget": "1250.5"' in text
    graphs = [n["@id"] for n in doc["@graph"] if "@graph" in n]
    assert YANTAI in graphs


def test_default_context_is_the_packaged_file():
    from goalgraph.resources import resource_file

    path = resource_file("ontology", "context.jsonld")
    if not path.exists():
        pytest.skip(f"{path} not written yet")
    ctx = ex.load_context()
    assert isinstance(ctx, dict) and ctx


def test_context_file_must_be_inline(tmp_path):
    f = tmp_path / "ctx.jsonld"
    f.write_text('{"@context": "https://w3id.org/goalgraph/context.jsonld"}')
    with pytest.raises(Exception, match="inline @context"):
        ex.load_context(f)


def test_void_dcat_description(store):
    g = ex.dataset_description(store, license="https://creativecommons.org/licenses/by/4.0/",
                               sparql_endpoint="http://127.0.0.1:7878/query")
    ds = URIRef("https://w3id.org/goalgraph/id/dataset")
    assert (ds, RDF.type, VOID.Dataset) in g and (ds, RDF.type, DCAT.Dataset) in g
    assert g.value(ds, VOID.triples) == Literal(36, datatype=XSD.integer)
    assert g.value(ds, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert g.value(ds, VOID.sparqlEndpoint) == URIRef("http://127.0.0.1:7878/query")
    assert (ds, DCTERMS.conformsTo, URIRef("https://w3id.org/goalgraph/shapes")) in g
    assert (ds, VOID.vocabulary, URIRef("https://w3id.org/goalgraph/ontology")) in g
    assert set(g.objects(ds, DCTERMS.source)) == {URIRef("https://w3id.org/goalgraph/id/source/yantai-2022"),
                                                   URIRef("https://w3id.org/goalgraph/id/source/weihai-2023")}
    parts = {g.value(p, VOID["class"]): g.value(p, VOID.entities).toPython() for p in g.objects(ds, VOID.classPartition)}
    assert parts[GG.Project] == 2 and parts[GG.Indicator] == 1
    subsets = {s: g.value(s, VOID.triples).toPython() for s in g.objects(ds, VOID.subset)}
    assert subsets[URIRef(YANTAI)] == 20
    assert sum(subsets.values()) + 9 == 36  # + the default graph (ontology)


def test_cli_export_every_format_to_files(tmp_path, capsys):
    for fmt in ex.EXPORT_FORMATS:
        out = tmp_path / f"out{ex.SUFFIX[fmt]}"
        args = ["export", "--graph", str(FIX / "small.trig"), "--format", fmt, "--out", str(out)]
        if fmt == "jsonld":
            args += ["--context", str(CONTEXT)]
        assert main(args) == 0
        assert out.stat().st_size > 0 and not Path(str(out) + ".part").exists()
    assert main(["export", "--graph", str(FIX / "small.trig"), "--format", "void"]) == 0
    assert "void:classPartition" in capsys.readouterr().out


def test_cli_export_from_a_persistent_store_with_description(tmp_path):
    with GraphStore.open(tmp_path / "store") as s:
        s.load_file(FIX / "small.trig")
    out, desc = tmp_path / "g.nq", tmp_path / "void.ttl"
    assert main(["export", "--store", str(tmp_path / "store"), "--out", str(out),
                 "--dataset-description", str(desc), "--sparql-endpoint", "http://127.0.0.1:7878/query"]) == 0
    assert len(list(ox.parse(out.read_bytes(), format=ox.RdfFormat.N_QUADS))) == 36
    g = Graph().parse(desc)
    assert (None, VOID.dataDump, URIRef(out.resolve().as_uri())) in g


class _Tracker(http.server.BaseHTTPRequestHandler):
    hits: list = []

    def do_GET(self):  # noqa: N802
        type(self).hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"@context": {"label": "http://www.w3.org/2000/01/rdf-schema#label"}}')

    def log_message(self, *args):
        pass


def test_cli_jsonld_input_with_remote_context_fails_clearly_without_network(tmp_path, capsys):
    _Tracker.hits = []
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Tracker)
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{srv.server_address[1]}"
        f = tmp_path / "remote.jsonld"
        f.write_text((FIX / "remote-context.jsonld").read_text().replace("http://127.0.0.1:PORT", url))
        assert main(["export", "--graph", str(f), "--format", "nquads"]) == 2
        err = capsys.readouterr().err
        assert "remote.jsonld" in err and "context" in err.lower()
        assert _Tracker.hits == []
    finally:
        srv.shutdown()
        srv.server_close()
