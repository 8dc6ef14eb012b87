"""Publish to real servers: graphs land as named graphs, query back, re-publish never duplicates,
and a killed server holds the old graph or the new one, never a mix."""

from __future__ import annotations

import threading
import time

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from goalgraph.cli import main
from goalgraph.errors import EndpointError
from goalgraph.store import GraphStore

from .conftest import FIXTURES, ONTOLOGY_GRAPH, publish, virtuoso_env

YANTAI = "https://w3id.org/goalgraph/id/graph/yantai-2022"
WEIHAI = "https://w3id.org/goalgraph/id/graph/weihai-2023"
LABEL_Q = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX gg: <https://w3id.org/goalgraph/ontology#>
SELECT ?p ?label ?budget WHERE { ?p a gg:Project ; skos:prefLabel ?label ; gg:annualBudget ?budget } ORDER BY ?p"""


@pytest.fixture
def fixture_store():
    s = GraphStore()
    s.load_file(FIXTURES / "small.trig")
    return s


def check_published(ep):
    assert ep.count(YANTAI) == 20
    assert ep.count(WEIHAI) == 7
    assert ep.count(ONTOLOGY_GRAPH) == 9
    rows = ep.select(LABEL_Q)
    assert [r["label"] for r in rows] == [Literal("农村饮水安全工程", lang="zh"), Literal("城市道路维护", lang="zh")]
    assert float(rows[0]["budget"]) == 1250.5


def test_publish_query_back_and_republish_without_duplicates(remote_endpoint, fixture_store):
    first = publish(remote_endpoint, fixture_store)
    assert sorted(g for g, _ in first) == sorted([YANTAI, WEIHAI, ONTOLOGY_GRAPH])
    check_published(remote_endpoint)
    publish(remote_endpoint, fixture_store)
    check_published(remote_endpoint)
    ask = remote_endpoint.ask(f"ASK {{ GRAPH <{YANTAI}> {{ ?s ?p \"烟台市2022年预算绩效目标\"@zh }} }}")
    assert ask is True


def test_cli_publish_to_oxigraph(private_oxigraph, capsys):
    args = ["publish", "--graph", str(FIXTURES / "small.trig"), "--endpoint", private_oxigraph.url,
            "--server", "oxigraph"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert f"<{YANTAI}>: 20 triples" in out and "published 3 graph(s), 36 triples" in out
    assert main(args + ["--quiet"]) == 0
    assert capsys.readouterr().out == ""
    ep = private_oxigraph.endpoint()
    check_published(ep)
    assert ep.count() == 36  # union default graph, no duplicates after the re-run


def test_cli_publish_to_virtuoso(monkeypatch, capsys):
    import os

    url = os.environ.get("GOALGRAPH_VIRTUOSO_URL") or pytest.skip("GOALGRAPH_VIRTUOSO_URL is not set: no Virtuoso")
    for k, v in virtuoso_env().items():
        monkeypatch.setenv(k, v)
    args = ["publish", "--graph", str(FIXTURES / "small.trig"), "--endpoint", url + "/sparql", "--server", "virtuoso"]
    assert main(args) == 0 and main(args) == 0
    assert "published 3 graph(s), 36 triples" in capsys.readouterr().out
    from goalgraph.endpoint import SparqlEndpoint

    check_published(SparqlEndpoint.for_server("virtuoso", url))


def test_cli_publish_from_a_persistent_store(private_oxigraph, tmp_path):
    with GraphStore.open(tmp_path / "store") as s:
        s.load_file(FIXTURES / "small.trig")
    assert main(["publish", "--store", str(tmp_path / "store"), "--endpoint", private_oxigraph.url + "/query",
                 "--server", "oxigraph", "--quiet"]) == 0
    check_published(private_oxigraph.endpoint())


def test_a_removed_document_is_reported_stale_and_pruned_on_request(private_oxigraph, tmp_path, capsys):
    full = ["publish", "--graph", str(FIXTURES / "small.trig"), "--endpoint", private_oxigraph.url,
            "--server", "oxigraph", "--quiet"]
    assert main(full) == 0
    one_doc = tmp_path / "one.trig"  # the corpus without the Weihai document
    with GraphStore() as s:
        s.load_file(FIXTURES / "small.trig")
        s.store.remove_graph(ox.NamedNode(WEIHAI))
        one_doc.write_bytes(s.dump("trig"))
    smaller = full[:2] + [str(one_doc)] + full[3:]
    assert main(smaller) == 0
    err = capsys.readouterr().err
    assert "holds 1 graph(s)" in err and f"<{WEIHAI}>" in err and "--prune" in err
    ep = private_oxigraph.endpoint()
    assert ep.count(WEIHAI) == 7  # kept: not pruning is the default
    assert main(smaller + ["--prune"]) == 0
    assert ep.count(WEIHAI) == 0 and ep.count(YANTAI) == 20
    assert capsys.readouterr().err == ""


def test_stale_graphs_and_prune_on_each_server(remote_endpoint, fixture_store):
    from goalgraph.commands.publish import prune, stale_graphs

    publish(remote_endpoint, fixture_store)
    stale = stale_graphs(remote_endpoint, [YANTAI, ONTOLOGY_GRAPH])
    assert WEIHAI in stale and YANTAI not in stale and ONTOLOGY_GRAPH not in stale
    prune(remote_endpoint, [WEIHAI])
    assert remote_endpoint.count(WEIHAI) == 0 and WEIHAI not in remote_endpoint.named_graphs()
    publish(remote_endpoint, fixture_store)
    check_published(remote_endpoint)


def test_cli_publish_to_a_down_endpoint_is_a_clear_error(tmp_path, capsys):
    from .conftest import free_port

    port = free_port()
    rc = main(["publish", "--graph", str(FIXTURES / "small.trig"), "--endpoint", f"http://127.0.0.1:{port}",
               "--server", "oxigraph", "--timeout", "2"])
    assert rc == 2
    err = capsys.readouterr().err
    assert "connection refused" in err and "re-running publish is safe" in err


def big_ntriples(n: int, tag: str) -> bytes:
    return "".join(f'<http://x/s{i}> <http://x/p> "{tag} 第{i}条" .\n' for i in range(n)).encode()


def test_kill_oxigraph_mid_put_leaves_old_or_new_graph_never_a_mix(private_oxigraph):
    """SIGKILL the server during a large PUT, restart it on the same directory: the graph is
    entirely the old one or entirely the new one."""
    g = "https://w3id.org/goalgraph/id/graph/crash-test"
    old_n, new_n = 1000, 100_000
    private_oxigraph.endpoint().put_graph(g, big_ntriples(old_n, "old"), "ntriples")
    new = big_ntriples(new_n, "new")
    outcomes = []
    for delay in (0.2, 1.0, 2.0, None):  # None: kill right after the PUT returned (durability)
        ep = private_oxigraph.endpoint(timeout=60, retries=0)
        errors: list[Exception] = []
        t0 = time.monotonic()

        def put():
            try:
                ep.put_graph(g, new, "ntriples")
            except EndpointError as exc:
                errors.append(exc)

        th = threading.Thread(target=put)
        th.start()
        if delay is None:
            th.join(120)
        else:
            time.sleep(delay)
        finished_before_kill = not th.is_alive()
        private_oxigraph.kill()
        th.join(60)
        private_oxigraph.start()
        ep = private_oxigraph.endpoint()
        rows = ep.select(f"""SELECT (COUNT(*) AS ?n) (SUM(IF(STRSTARTS(STR(?o), "old"), 1, 0)) AS ?old)
                             WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}""")
        n, n_old = int(rows[0]["n"]), int(rows[0]["old"])
        assert (n, n_old) in ((old_n, old_n), (new_n, 0)), (delay, n, n_old)
        outcomes.append(("new" if n == new_n else "old", round(time.monotonic() - t0, 2), finished_before_kill,
                         bool(errors)))
        if n == new_n:  # reset to the old graph for the next round
            ep.put_graph(g, big_ntriples(old_n, "old"), "ntriples")
    print("kill outcomes (graph seen after restart, seconds, PUT finished before kill, client error):", outcomes)
    assert any(o[0] == "old" and o[3] for o in outcomes), outcomes  # at least one kill hit a PUT in flight
    assert outcomes[-1][0] == "new" and not outcomes[-1][3]  # an acknowledged PUT survives SIGKILL


def test_bad_payload_never_reaches_the_server(remote_endpoint, fixture_store):
    publish(remote_endpoint, fixture_store)
    with pytest.raises(EndpointError, match="nothing sent"):
        remote_endpoint.put_graph(YANTAI, b'<http://x/a> <http://x/p> "unterminated .\n', "ntriples")
    assert remote_endpoint.count(YANTAI) == 20


def test_oxigraph_put_is_atomic_on_a_bad_body(oxigraph_endpoint, fixture_store, monkeypatch):
    """Server-side check (local validation bypassed): Oxigraph answers 400 and keeps the graph."""
    import goalgraph.endpoint as endpoint_mod

    publish(oxigraph_endpoint, fixture_store)
    monkeypatch.setattr(endpoint_mod, "_count_triples", lambda payload, fmt, graph: 5001)
    bad = big_ntriples(5000, "bad") + b"this is not n-triples\n"
    with pytest.raises(EndpointError, match="HTTP 400"):
        oxigraph_endpoint.put_graph(YANTAI, bad, "ntriples")
    assert oxigraph_endpoint.count(YANTAI) == 20
    assert URIRef("http://x/s1") not in {r["s"] for r in oxigraph_endpoint.select(
        f"SELECT ?s WHERE {{ GRAPH <{YANTAI}> {{ ?s ?p ?o }} }}")}
