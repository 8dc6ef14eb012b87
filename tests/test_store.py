"""The embedded store: persistence, the one-process lock, atomic graph replacement, rdflib bridge,
and inputs that must never reach the network."""

import http.server
import subprocess
import sys
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from goalgraph.errors import GoalgraphError, InputError, StoreInUseError
from goalgraph.store import GraphStore

FIXTURE = Path(__file__).parent / "fixtures" / "export" / "small.trig"
G = "https://w3id.org/goalgraph/id/graph/test"


def nt(n: int, tag: str) -> str:
    return "".join(f'<http://x/s{i}> <http://x/p> "{tag}{i} 值"@zh .\n' for i in range(n))


def test_in_memory_load_count_graphs_dump():
    s = GraphStore()
    s.load_file(FIXTURE)
    assert s.count() == 36
    assert s.named_graphs() == ["https://w3id.org/goalgraph/id/graph/weihai-2023",
                                "https://w3id.org/goalgraph/id/graph/yantai-2022"]
    assert s.count("https://w3id.org/goalgraph/id/graph/yantai-2022") == 20
    assert len(list(ox.parse(s.dump("nquads"), format=ox.RdfFormat.N_QUADS))) == 36


def test_persistent_store_survives_reopen(tmp_path):
    with GraphStore.open(tmp_path / "store") as s:
        s.load_file(FIXTURE)
    with GraphStore.open(tmp_path / "store", read_only=True) as s:
        assert s.count() == 36


def test_read_only_open_of_missing_store_is_clear(tmp_path):
    with pytest.raises(GoalgraphError, match="no store here"):
        GraphStore.open(tmp_path / "nothing", read_only=True)


OPEN_IN_CHILD = """
import sys
from goalgraph.store import GraphStore
from goalgraph.errors import StoreInUseError
try:
    GraphStore.open(sys.argv[1]).close()
    print("OPENED")
except StoreInUseError as exc:
    print("IN USE:", exc)
"""


def test_second_process_gets_store_in_use_and_lock_is_released_on_close(tmp_path):
    path = tmp_path / "store"
    s = GraphStore.open(path)
    s.load(nt(3, "a"), "ntriples", graph=G)
    child = subprocess.run([sys.executable, "-c", OPEN_IN_CHILD, str(path)],
                           capture_output=True, text=True, timeout=60)
    assert child.stdout.startswith("IN USE:"), child.stdout + child.stderr
    assert "store in use by another process" in child.stdout
    s.close()
    child = subprocess.run([sys.executable, "-c", OPEN_IN_CHILD, str(path)],
                           capture_output=True, text=True, timeout=60)
    assert child.stdout.strip() == "OPENED", child.stdout + child.stderr


def test_store_in_use_error_in_process(tmp_path):
    s = GraphStore.open(tmp_path / "store")
    try:
        with pytest.raises(StoreInUseError):
            GraphStore.open(tmp_path / "store")
    finally:
        s.close()


def test_replace_graph_replaces_and_never_duplicates():
    s = GraphStore()
    assert s.replace_graph(G, nt(5, "a")) == 5
    assert s.replace_graph(G, nt(3, "b")) == 3
    assert s.count(G) == 3
    assert s.count() == 3


def test_replace_graph_with_bad_data_keeps_the_old_graph():
    s = GraphStore()
    s.replace_graph(G, nt(5, "a"))
    with pytest.raises(InputError):
        s.replace_graph(G, nt(5, "b") + "this is not n-triples\n")
    assert s.count(G) == 5
    assert {r["o"].value for r in s.select("SELECT ?o WHERE { ?s ?p ?o }")} == {f"a{i} 值" for i in range(5)}


def test_replace_graph_is_atomic_for_concurrent_readers():
    """A reader thread counting the graph while it is replaced over and over sees only the old
    size or the new size: never an empty graph, never a mix."""
    s = GraphStore()
    old, new = nt(2000, "old"), nt(3000, "new")
    s.replace_graph(G, old)
    seen: set[int] = set()
    mixes: list[int] = []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            rows = s.select(f"SELECT (COUNT(*) AS ?n) (SUM(IF(STRSTARTS(STR(?o), 'old'), 1, 0)) AS ?k) "
                            f"WHERE {{ GRAPH <{G}> {{ ?s ?p ?o }} }}", union=False)
            n, k = int(rows[0]["n"].value), int(rows[0]["k"].value)
            seen.add(n)
            if k not in (0, n):
                mixes.append(n)

    t = threading.Thread(target=reader)
    t.start()
    try:
        for i in range(20):
            s.replace_graph(G, new if i % 2 == 0 else old)
    finally:
        stop.set()
        t.join(30)
    assert not mixes
    assert seen <= {2000, 3000}, seen
    assert seen


def test_rdflib_bridge_round_trips_terms():
    g = Graph()
    s, p = URIRef("https://w3id.org/goalgraph/id/project/1"), URIRef("http://x/p")
    g.add((s, p, Literal("农村饮水安全工程", lang="zh")))
    g.add((s, p, Literal("plain")))
    g.add((s, p, Literal("2022", datatype=XSD.gYear)))
    g.add((s, p, Literal("1250.5", datatype=XSD.decimal)))
    store = GraphStore.from_rdflib(g)
    assert store.count() == 4
    assert isomorphic(store.to_rdflib(union=True), g)
    named = GraphStore.from_rdflib(g, graph_name=G)
    assert named.named_graphs() == [G] and isomorphic(named.to_rdflib(graph=G), g)


def test_rdflib_dataset_round_trip_keeps_graphs():
    store = GraphStore()
    store.load_file(FIXTURE)
    ds = store.to_rdflib()
    assert isinstance(ds, Dataset)
    back = GraphStore.from_rdflib(ds)
    assert back.named_graphs() == store.named_graphs()
    assert back.count() == store.count()
    for name in store.named_graphs():
        assert isomorphic(back.to_rdflib(graph=name), store.to_rdflib(graph=name))


class _Tracker(http.server.BaseHTTPRequestHandler):
    hits: list = []

    def do_GET(self):  # noqa: N802
        type(self).hits.append(self.path)
        body = b'{"@context": {"label": "http://www.w3.org/2000/01/rdf-schema#label"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def tracking_server():
    _Tracker.hits = []
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Tracker)
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}", _Tracker.hits
    srv.shutdown()
    srv.server_close()


def test_jsonld_input_with_remote_context_fails_without_a_network_call(tmp_path, tracking_server):
    url, hits = tracking_server
    text = (FIXTURE.parent / "remote-context.jsonld").read_text().replace("http://127.0.0.1:PORT", url)
    f = tmp_path / "remote.jsonld"
    f.write_text(text)
    with pytest.raises(InputError, match="remote.jsonld.*(context|Context)"):
        GraphStore().load_file(f)
    assert hits == []


def test_rdfxml_input_external_entity_is_never_fetched(tmp_path, tracking_server):
    url, hits = tracking_server
    f = tmp_path / "xxe.rdf"
    f.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY ext SYSTEM "{url}/secret.txt"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
  <rdf:Description rdf:about="http://x/a"><rdfs:label>&ext;</rdfs:label></rdf:Description>
</rdf:RDF>""")
    s = GraphStore()
    try:
        s.load_file(f)
    except InputError:
        pass  # refusing the document is fine too
    assert hits == []
    assert all(url not in q.object.value for q in s.store)
