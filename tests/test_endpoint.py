"""SparqlEndpoint against a scripted stub server on 127.0.0.1: one test per server trap, plus
timeouts, bounded retries and clear errors. The same traps run against real Oxigraph and
Virtuoso servers in tests/integration/."""

import hashlib
import http.server
import inspect
import json
import socket
import threading
import time
import urllib.parse

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from goalgraph.endpoint import ENV_PASSWORD, ENV_USER, SparqlEndpoint, for_server
from goalgraph.errors import EndpointError, UsageError

GP = "https://w3id.org/goalgraph/id/graph/"


def results(vars_, rows):
    return json.dumps({"head": {"vars": vars_}, "results": {"bindings": rows}}).encode()


def uri(v):
    return {"type": "uri", "value": v}


class Stub:
    """A scripted SPARQL server: ``script(req) -> (status, headers, body)``; records requests."""

    def __init__(self):
        self.requests = []
        self.script = lambda req: (200, {}, results([], []))
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                split = urllib.parse.urlsplit(self.path)
                params = urllib.parse.parse_qs(split.query, keep_blank_values=True)
                if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
                    for k, v in urllib.parse.parse_qs(body.decode(), keep_blank_values=True).items():
                        params.setdefault(k, []).extend(v)
                req = {"method": self.command, "path": split.path, "params": params, "body": body,
                       "headers": dict(self.headers)}
                stub.requests.append(req)
                status, headers, out = stub.script(req)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(out)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub():
    s = Stub()
    yield s
    s.close()


def ep(stub, server="generic", **kw):
    kw.setdefault("env", {})
    kw.setdefault("backoff", 0.01)
    kw.setdefault("timeout", 5)
    if server == "generic":
        return SparqlEndpoint(stub.url + "/query", stub.url + "/update", stub.url + "/store", **kw)
    return for_server(server, stub.url, **kw)


# -- basics -------------------------------------------------------------------------------------
def test_presets_derive_the_three_urls():
    o = for_server("oxigraph", "http://127.0.0.1:7878/", env={})
    assert (o.query_url, o.update_url, o.store_url) == (
        "http://127.0.0.1:7878/query", "http://127.0.0.1:7878/update", "http://127.0.0.1:7878/store")
    v = for_server("virtuoso", "http://127.0.0.1:8890", env={})
    assert (v.query_url, v.update_url, v.store_url) == (
        "http://127.0.0.1:8890/sparql", "http://127.0.0.1:8890/sparql-auth",
        "http://127.0.0.1:8890/sparql-graph-crud-auth")
    assert v.auth == "digest" and v.graph_param == "graph-uri"


def test_select_returns_rdflib_terms(stub):
    stub.script = lambda req: (200, {"Content-Type": "application/sparql-results+json"}, results(
        ["a", "b", "c", "d", "e"],
        [{"a": uri("http://x/1"), "b": {"type": "literal", "value": "项目", "xml:lang": "zh"},
          "c": {"type": "typed-literal", "value": "12.5", "datatype": str(XSD.decimal)},
          "d": {"type": "bnode", "value": "b0"}, "e": {"type": "literal", "value": "x", "datatype": str(XSD.string)}},
         {"a": uri("http://x/2")}]))
    rows = ep(stub).select("SELECT * WHERE { ?a ?b ?c }")
    assert rows[0] == {"a": URIRef("http://x/1"), "b": Literal("项目", lang="zh"),
                       "c": Literal("12.5", datatype=XSD.decimal), "d": BNode("b0"), "e": Literal("x")}
    assert rows[1] == {"a": URIRef("http://x/2")}
    assert stub.requests[0]["method"] == "POST" and stub.requests[0]["path"] == "/query"


def test_ask_and_construct(stub):
    def script(req):
        q = req["params"]["query"][0]
        if q.startswith("ASK"):
            return 200, {"Content-Type": "application/sparql-results+json"}, b'{"head":{},"boolean":true}'
        return 200, {"Content-Type": "application/n-triples"}, '<http://x/a> <http://x/p> "值"@zh .\n'.encode()
    stub.script = script
    e = ep(stub)
    assert e.ask("ASK { ?s ?p ?o }") is True
    g = e.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert (URIRef("http://x/a"), URIRef("http://x/p"), Literal("值", lang="zh")) in g


@pytest.mark.parametrize("text", [
    "DROP GRAPH <http://x/g>",
    "PREFIX x: <http://x/>\nINSERT DATA { GRAPH <http://x/g> { x:a x:b x:c } }",
    "# a comment\nDELETE WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o } ; CLEAR ALL",
    "WITH <http://x/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
])
def test_select_refuses_update_text_without_sending_it(stub, text):
    with pytest.raises(UsageError, match="select"):
        ep(stub).select(text)
    assert stub.requests == []


def test_select_allows_update_words_inside_strings_iris_and_variables(stub):
    stub.script = lambda req: (200, {}, results(["drop"], []))
    ep(stub).select('PREFIX ex: <http://x/DROP%20GRAPH/>\n# INSERT DATA\nSELECT ?drop WHERE { ?drop ex:p "DELETE WHERE {" }')
    assert len(stub.requests) == 1


# -- trap: union default graph --------------------------------------------------------------------
def test_virtuoso_queries_get_the_data_graphs_as_dataset(stub):
    def script(req):
        q = req["params"]["query"][0]
        if "STRSTARTS" in q:  # graph discovery
            return 200, {}, results(["g"], [{"g": uri(GP + "a")}, {"g": uri(GP + "ontology")}])
        return 200, {}, results(["n"], [{"n": {"type": "literal", "value": "7"}}])
    stub.script = script
    e = ep(stub, "virtuoso")
    assert e.count() == 7
    discovery, counted = stub.requests
    assert "default-graph-uri" not in discovery["params"]
    assert counted["params"]["default-graph-uri"] == [GP + "a", GP + "ontology"]
    assert counted["params"]["named-graph-uri"] == [GP + "a", GP + "ontology"]
    # a query with its own FROM is left alone
    e.select(f"SELECT ?s FROM <{GP}a> WHERE {{ ?s ?p ?o }}")
    assert "default-graph-uri" not in stub.requests[-1]["params"]


def test_virtuoso_with_no_data_graphs_queries_an_empty_default_graph(stub):
    stub.script = lambda req: (200, {}, results(["g"], []))
    ep(stub, "virtuoso").select("SELECT * WHERE { ?s ?p ?o }")
    assert stub.requests[-1]["params"]["default-graph-uri"] == ["urn:goalgraph:empty"]


def test_oxigraph_queries_ask_for_the_union_default_graph(stub):
    stub.script = lambda req: (200, {}, results(["s"], []))
    ep(stub, "oxigraph").select("SELECT * WHERE { ?s ?p ?o }")
    assert "union-default-graph" in stub.requests[-1]["params"]


# -- trap: updates must name a graph -------------------------------------------------------------
def test_virtuoso_update_without_graph_is_refused_before_sending(stub):
    e = ep(stub, "virtuoso")
    with pytest.raises(UsageError, match="must name a graph"):
        e.update("INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }")
    assert stub.requests == []
    stub.script = lambda req: (200, {}, b"")
    e.update("INSERT DATA { GRAPH <http://x/g> { <http://x/a> <http://x/b> <http://x/c> } }")
    assert stub.requests[-1]["path"] == "/sparql-auth"
    assert "GRAPH" in stub.requests[-1]["params"]["update"][0]


# -- trap: digest auth, credentials from the environment only --------------------------------------
def test_constructor_takes_no_credentials():
    params = inspect.signature(SparqlEndpoint).parameters
    assert not {"user", "username", "password", "credentials"} & set(params)


def _digest_script(user, password, realm="goalgraph"):
    nonce = "abc123"

    def script(req):
        auth = req["headers"].get("Authorization", "")
        if not auth.startswith("Digest "):
            return 401, {"WWW-Authenticate": f'Digest realm="{realm}", nonce="{nonce}", qop="auth", algorithm="MD5"'}, b"auth"
        f = dict(urllib.request.parse_http_list(auth[7:]) and
                 (kv.split("=", 1) for kv in urllib.request.parse_http_list(auth[7:])))
        f = {k.strip(): v.strip().strip('"') for k, v in f.items()}
        md5 = lambda s: hashlib.md5(s.encode()).hexdigest()  # noqa: E731
        ha1 = md5(f"{user}:{realm}:{password}")
        ha2 = md5(f"{req['method']}:{f['uri']}")
        want = md5(f"{ha1}:{nonce}:{f['nc']}:{f['cnonce']}:{f['qop']}:{ha2}")
        if f.get("username") != user or f.get("response") != want:
            return 401, {"WWW-Authenticate": f'Digest realm="{realm}", nonce="{nonce}", qop="auth"'}, b"bad"
        return 200, {}, b""
    return script


import urllib.request  # noqa: E402


def test_digest_auth_with_credentials_from_environment(stub):
    stub.script = _digest_script("dba", "s3cret")
    e = ep(stub, "virtuoso", env={ENV_USER: "dba", ENV_PASSWORD: "s3cret"})
    e.update("DROP SILENT GRAPH <http://x/g>")
    assert stub.requests[0]["headers"].get("Authorization") is None
    assert stub.requests[-1]["headers"]["Authorization"].startswith("Digest ")


def test_wrong_password_is_a_clear_error(stub):
    stub.script = _digest_script("dba", "s3cret")
    e = ep(stub, "virtuoso", env={ENV_USER: "dba", ENV_PASSWORD: "wrong"})
    with pytest.raises(EndpointError, match="401"):
        e.update("DROP SILENT GRAPH <http://x/g>")


def test_missing_credentials_name_the_environment_variables(stub):
    stub.script = _digest_script("dba", "s3cret")
    with pytest.raises(EndpointError, match=f"{ENV_USER}.*{ENV_PASSWORD}"):
        ep(stub, "virtuoso").update("DROP SILENT GRAPH <http://x/g>")


# -- trap: ResultSetMaxRows truncation ------------------------------------------------------------
def test_truncated_select_is_paged_with_order_by_limit_offset(stub):
    data = [{"s": uri(f"http://x/{i}")} for i in range(7)]

    def script(req):
        q = req["params"]["query"][0]
        if "STRSTARTS" in q:
            return 200, {}, results(["g"], [{"g": uri(GP + "a")}])
        if "OFFSET" in q:
            off = int(q.rsplit("OFFSET", 1)[1])
            chunk = data[off:off + 3]
            return 200, ({"X-SPARQL-MaxRows": "3"} if len(chunk) == 3 else {}), results(["s"], chunk)
        return 200, {"X-SPARQL-MaxRows": "3"}, results(["s"], data[:3])  # silently cut
    stub.script = script
    rows = ep(stub, "virtuoso").select("PREFIX x: <http://x/>\nSELECT ?s WHERE { ?s x:p ?o }")
    assert [r["s"] for r in rows] == [URIRef(f"http://x/{i}") for i in range(7)]
    paged = [r["params"]["query"][0] for r in stub.requests if "OFFSET" in r["params"]["query"][0]]
    assert len(paged) == 3
    assert all(q.startswith("PREFIX x: <http://x/>") and "ORDER BY ?s" in q and "LIMIT 3" in q for q in paged)
    assert all(r["params"].get("default-graph-uri") == [GP + "a"] for r in stub.requests[1:])


def test_truncation_at_the_configured_cap_without_header_is_detected(stub):
    two = results(["s"], [{"s": uri("http://x/1")}, {"s": uri("http://x/2")}])

    def script(req):
        q = req["params"]["query"][0]
        return (200, {}, results(["s"], [])) if "OFFSET 2" in q else (200, {}, two)
    stub.script = script
    rows = ep(stub, "generic", max_rows=2).select("SELECT ?s WHERE { ?s ?p ?o }")
    assert len(rows) == 2
    assert [("OFFSET" in r["params"]["query"][0]) for r in stub.requests] == [False, True, True]


def test_truncated_query_that_cannot_be_paged_raises(stub):
    stub.script = lambda req: (200, {"X-SPARQL-MaxRows": "2"}, results(["s"], [{"s": uri("http://x/1")}] * 2))
    with pytest.raises(EndpointError, match="truncated at 2 rows"):
        ep(stub, "virtuoso").select("SELECT ?s FROM <http://x/g> WHERE { ?s ?p ?o }")


# -- trap: partial "anytime" answers ---------------------------------------------------------------
def test_http_206_partial_answer_raises(stub):
    stub.script = lambda req: (206, {}, results(["n"], [{"n": {"type": "literal", "value": "3"}}]))
    with pytest.raises(EndpointError, match="partial result"):
        ep(stub).select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")


def test_x_sql_state_on_http_200_raises(stub):
    stub.script = lambda req: (200, {"X-SQL-State": "S1TAT", "X-SQL-Message": "RC...: Returning incomplete results"},
                               results(["n"], [{"n": {"type": "literal", "value": "3"}}]))
    with pytest.raises(EndpointError, match="S1TAT.*incomplete"):
        ep(stub, "virtuoso", graphs=[GP + "a"], server_timeout_ms=100).select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert stub.requests[-1]["params"]["timeout"] == ["100"]


# -- down, slow, failing ----------------------------------------------------------------------------
def test_5xx_is_retried_with_backoff_then_succeeds(stub):
    calls = []

    def script(req):
        calls.append(time.monotonic())
        return (503, {}, b"busy\nmore") if len(calls) < 3 else (200, {}, results(["s"], []))
    stub.script = script
    assert ep(stub, backoff=0.05).select("SELECT * WHERE { ?s ?p ?o }") == []
    assert len(calls) == 3
    assert calls[2] - calls[1] >= calls[1] - calls[0] >= 0.04


def test_4xx_is_not_retried_and_the_error_names_status_and_first_body_line(stub):
    stub.script = lambda req: (400, {}, b"\nParser error at line 1: unexpected token\nsecond line")
    with pytest.raises(EndpointError) as err:
        ep(stub).select("SELECT * WHERE { ?s ?p ?o }")
    assert "HTTP 400" in str(err.value) and "Parser error at line 1" in str(err.value)
    assert "second line" not in str(err.value)
    assert len(stub.requests) == 1


def test_persistent_5xx_gives_up_after_bounded_retries(stub):
    stub.script = lambda req: (500, {}, b"<html><title>Internal error</title><body>boom</body></html>")
    with pytest.raises(EndpointError, match="HTTP 500.*Internal error"):
        ep(stub, retries=2).select("SELECT * WHERE { ?s ?p ?o }")
    assert len(stub.requests) == 3


def test_update_is_not_retried_on_5xx(stub):
    stub.script = lambda req: (503, {}, b"busy")
    with pytest.raises(EndpointError, match="503"):
        ep(stub).update("DROP SILENT GRAPH <http://x/g>")
    assert len(stub.requests) == 1


def test_down_endpoint_is_a_clear_error_after_bounded_retries():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens here now
    e = SparqlEndpoint(f"http://127.0.0.1:{port}/query", retries=2, backoff=0.01, env={})
    t = time.monotonic()
    with pytest.raises(EndpointError, match="connection refused.*3 attempt"):
        e.select("SELECT * WHERE { ?s ?p ?o }")
    assert time.monotonic() - t < 5


def test_slow_endpoint_times_out(stub):
    def script(req):
        time.sleep(1.0)
        return 200, {}, results(["s"], [])
    stub.script = script
    t = time.monotonic()
    with pytest.raises(EndpointError, match="no answer within 0.3s"):
        ep(stub, timeout=0.3, retries=1).select("SELECT * WHERE { ?s ?p ?o }")
    assert time.monotonic() - t < 4


# -- Graph Store Protocol -----------------------------------------------------------------------------
NT = '<http://x/a> <http://x/p> "值"@zh .\n<http://x/a> <http://x/q> "1.5"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n'


def test_put_graph_uses_gsp_put_on_oxigraph(stub):
    stub.script = lambda req: (204, {}, b"")
    e = ep(stub, "oxigraph")
    assert e.put_graph(GP + "a", NT, "ntriples") == 2
    req = stub.requests[-1]
    assert req["method"] == "PUT" and req["path"] == "/store" and req["params"]["graph"] == [GP + "a"]
    assert req["headers"]["Content-Type"].startswith("application/n-triples")
    assert req["body"] == NT.encode()


def test_put_graph_refuses_invalid_payload_before_sending(stub):
    with pytest.raises(EndpointError, match="not valid ntriples, nothing sent"):
        ep(stub, "oxigraph").put_graph(GP + "a", NT + "garbage\n", "ntriples")
    assert stub.requests == []


def test_virtuoso_put_graph_stages_then_moves(stub):
    state = {"staged": 0}

    def script(req):
        if req["method"] == "PUT":
            state["staged"] = 2
            return 201, {}, b""
        if "update" in req["params"]:
            return 200, {}, b""
        return 200, {}, results(["n"], [{"n": {"type": "literal", "value": "2"}}])
    stub.script = script
    e = ep(stub, "virtuoso", env={ENV_USER: "dba", ENV_PASSWORD: "x"}, auth="basic")
    assert e.put_graph(GP + "a", NT, "ntriples") == 2
    put = next(r for r in stub.requests if r["method"] == "PUT")
    staging = put["params"]["graph-uri"][0]
    assert staging.startswith("urn:goalgraph:staging:") and put["path"] == "/sparql-graph-crud-auth"
    updates = [r["params"]["update"][0] for r in stub.requests if "update" in r["params"]]
    assert updates == [f"MOVE SILENT GRAPH <{staging}> TO GRAPH <{GP}a>"]


def test_virtuoso_failed_staging_upload_leaves_target_untouched(stub):
    def script(req):
        if req["method"] == "PUT":
            return 500, {}, b"Virtuoso 37000 Error SP029: TURTLE RDF loader, line 3: syntax error"
        return 200, {}, b""
    stub.script = script
    e = ep(stub, "virtuoso", env={ENV_USER: "dba", ENV_PASSWORD: "x"}, auth="basic")
    with pytest.raises(EndpointError, match="SP029"):
        e.put_graph(GP + "a", NT, "ntriples")
    updates = [r["params"]["update"][0] for r in stub.requests if "update" in r["params"]]
    assert len(updates) == 1 and updates[0].startswith("DROP SILENT GRAPH <urn:goalgraph:staging:")
    assert not any(GP + "a" in u for u in updates)


def test_digest_body_is_sent_once_after_a_head_probe(stub):
    """Virtuoso closes the socket on an unauthenticated big upload (EPIPE): the adapter gets the
    nonce with a body-less HEAD and sends the body once, authorised."""
    check = _digest_script("dba", "s3cret")

    def script(req):
        status, headers, body = check(req)
        return (201 if status == 200 else status), headers, body
    stub.script = script
    e = ep(stub, "virtuoso", env={ENV_USER: "dba", ENV_PASSWORD: "s3cret"})
    e._request("PUT", e._gsp_url("urn:x"), data=NT.encode() * 1000, authed=True,
               headers={"Content-Type": "text/turtle"})
    assert [r["method"] for r in stub.requests] == ["HEAD", "PUT"]
    assert stub.requests[1]["headers"]["Authorization"].startswith("Digest ")
