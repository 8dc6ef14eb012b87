"""Each Virtuoso trap, shown on the real server (raw HTTP) and handled by SparqlEndpoint."""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

import goalgraph.endpoint as endpoint_mod
from goalgraph.endpoint import ENV_PASSWORD, ENV_USER, SparqlEndpoint
from goalgraph.errors import EndpointError, UsageError
from goalgraph.store import GraphStore

from .conftest import FIXTURES, publish, virtuoso_env

YANTAI = "https://w3id.org/goalgraph/id/graph/yantai-2022"
PAGING_PREFIX = "https://w3id.org/goalgraph/test/paging/graph/"


def raw_query(base: str, query: str, **params) -> tuple[int, dict, dict]:
    data = urllib.parse.urlencode({"query": query, **params}).encode()
    req = urllib.request.Request(base + "/sparql", data=data,
                                 headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=120) as resp:
        return resp.status, dict(resp.headers), json.loads(resp.read())


@pytest.fixture
def vurl() -> str:
    return os.environ.get("GOALGRAPH_VIRTUOSO_URL") or pytest.skip(
        "GOALGRAPH_VIRTUOSO_URL is not set: no Virtuoso (run via .ci/run)")


@pytest.fixture
def published(virtuoso_endpoint):
    s = GraphStore()
    s.load_file(FIXTURES / "small.trig")
    publish(virtuoso_endpoint, s)
    return virtuoso_endpoint


def test_union_default_graph_system_graphs_do_not_leak(published, vurl):
    _, _, doc = raw_query(vurl, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    raw = int(doc["results"]["bindings"][0]["n"]["value"])
    ours = published.count()
    assert raw > ours + 1000, (raw, ours)  # Virtuoso's default graph includes virtrdf: system graphs
    assert ours == sum(published.count(g) for g in published.data_graphs())
    leaked = published.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert all(str(r["g"]).startswith(published.graph_prefix) for r in leaked)


def test_update_must_name_a_graph(published, vurl):
    req = urllib.request.Request(vurl + "/sparql-auth", data=urllib.parse.urlencode(
        {"update": "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }"}).encode())
    env = virtuoso_env()
    mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    mgr.add_password(None, vurl, env[ENV_USER], env[ENV_PASSWORD])
    opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(mgr))
    with pytest.raises(urllib.error.HTTPError) as raw:
        opener.open(req, timeout=60)
    assert raw.value.code in (400, 500) and b"SP031" in raw.value.read()  # the trap, raw
    with pytest.raises(UsageError, match="must name a graph"):
        published.update("INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }")
    g = published.graph_prefix + "update-test"
    published.update(f"INSERT DATA {{ GRAPH <{g}> {{ <http://x/a> <http://x/b> \"值\"@zh }} }}")
    assert published.count(g) == 1
    published.drop_graph(g)
    assert published.count(g) == 0


def test_digest_auth_and_credentials(vurl):
    env = virtuoso_env()
    good = SparqlEndpoint.for_server("virtuoso", vurl, env=env)
    good.update("DROP SILENT GRAPH <urn:goalgraph:auth-test>")
    wrong = SparqlEndpoint.for_server("virtuoso", vurl, env={ENV_USER: env[ENV_USER], ENV_PASSWORD: "nope"},
                                      retries=0)
    with pytest.raises(EndpointError, match="401"):
        wrong.update("DROP SILENT GRAPH <urn:goalgraph:auth-test>")
    none = SparqlEndpoint.for_server("virtuoso", vurl, env={}, retries=0)
    with pytest.raises(EndpointError, match=ENV_USER):
        none.update("DROP SILENT GRAPH <urn:goalgraph:auth-test>")
    basic = SparqlEndpoint.for_server("virtuoso", vurl, env=env, auth="basic", retries=0)
    with pytest.raises(EndpointError, match="401"):  # Virtuoso does not do Basic on /sparql-auth
        basic.update("DROP SILENT GRAPH <urn:goalgraph:auth-test>")


def test_result_set_max_rows_truncation_is_paged(vurl):
    cap = int(os.environ.get("GOALGRAPH_VIRTUOSO_MAX_ROWS") or 10000)
    n = cap * 2 + cap // 2
    ep = SparqlEndpoint.for_server("virtuoso", vurl, env=virtuoso_env(), graph_prefix=PAGING_PREFIX, timeout=300)
    g = PAGING_PREFIX + "big"
    if ep.count(g) != n:
        data = "".join(f'<http://x/s{i}> <http://x/p> "第{i}行" .\n' for i in range(n))
        ep.put_graph(g, data, "ntriples")
    status, headers, doc = raw_query(vurl, f"SELECT ?s ?o WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")
    assert len(doc["results"]["bindings"]) == cap  # the trap: silently cut, only a header says so
    assert int(headers.get("X-SPARQL-MaxRows", 0)) == cap
    rows = ep.select("SELECT ?s ?o WHERE { ?s ?p ?o }")
    assert len(rows) == n and len({(r["s"], r["o"]) for r in rows}) == n
    distinct = ep.select("PREFIX x: <http://x/>\nSELECT DISTINCT ?s WHERE { ?s x:p ?o } ORDER BY DESC(?s)")
    assert len(distinct) == n
    with pytest.raises(EndpointError, match="truncated"):
        ep.select(f"SELECT ?s FROM <{g}> WHERE {{ ?s ?p ?o }}")


def test_partial_anytime_answer_raises(vurl):
    ep = SparqlEndpoint.for_server("virtuoso", vurl, env=virtuoso_env(), graph_prefix=PAGING_PREFIX,
                                   server_timeout_ms=200)
    setup = SparqlEndpoint.for_server("virtuoso", vurl, env=virtuoso_env(), graph_prefix=PAGING_PREFIX)
    if setup.count(PAGING_PREFIX + "big") == 0:
        setup.put_graph(PAGING_PREFIX + "big", "".join(f"<http://x/s{i}> <http://x/p> <http://x/o{i}> .\n"
                                                   for i in range(5000)), "ntriples")
    # a join inside one graph: long enough to pass the 200 ms anytime limit, small enough that
    # Virtuoso's up-front estimate stays under MaxQueryExecutionTime whatever else the server holds
    # (a 3-way cross product over every graph was refused before running: "estimated execution time")
    heavy = (f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{PAGING_PREFIX}big> "
             "{ ?a ?p ?b . ?c ?q ?d FILTER(STR(?b) < STR(?d)) } }")
    # Under load Virtuoso sometimes cancels instead (SR203 "Async statement killed by SQLCancel",
    # an HTTP error): that must raise too, and a later attempt shows the partial-result trap
    errors = []
    for _ in range(5):
        with pytest.raises(EndpointError) as exc:
            ep.select(heavy)
        errors.append(str(exc.value))
        if re.search("partial result.*S1TAT", errors[-1]):
            break
    else:
        pytest.fail(f"no partial (anytime) answer in 5 attempts: {errors}")


def test_virtuoso_put_is_not_atomic_but_put_graph_is_safe(published, vurl, monkeypatch):
    """Raw GSP PUT with a body that fails half-way leaves a partial graph (the trap); put_graph
    stages the upload, so the same failure leaves the target graph as it was."""
    env = virtuoso_env()
    scratch = "urn:goalgraph:test:raw-put"
    good = "".join(f"<http://x/s{i}> <http://x/p> \"{i}\" .\n" for i in range(3000)).encode()
    bad = good + b"this is not turtle\n"
    mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    mgr.add_password(None, vurl, env[ENV_USER], env[ENV_PASSWORD])
    opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(mgr))

    def raw_put(body):
        req = urllib.request.Request(f"{vurl}/sparql-graph-crud-auth?graph-uri={scratch}", data=body,
                                     method="PUT", headers={"Content-Type": "text/turtle"})
        try:
            return opener.open(req, timeout=120).status
        except urllib.error.HTTPError as exc:
            return exc.code

    assert raw_put(good + b"<http://x/extra> <http://x/p> \"x\" .\n") in (200, 201, 204)
    assert raw_put(bad) >= 400
    partial = published.count(scratch)
    published.drop_graph(scratch)
    assert partial not in (0, 3001), partial  # neither the old graph nor nothing: a partial new one

    before = published.count(YANTAI)
    monkeypatch.setattr(endpoint_mod, "_count_triples", lambda payload, fmt, graph: 3000)
    with pytest.raises(EndpointError):
        published.put_graph(YANTAI, bad, "ntriples")
    assert published.count(YANTAI) == before
    staging = published.named_graphs(prefix="urn:goalgraph:staging:")
    assert staging == []
