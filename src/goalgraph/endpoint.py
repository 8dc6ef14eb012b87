"""A remote SPARQL 1.1 endpoint (Protocol + Graph Store Protocol), with every server trap
handled in this one adapter.

    ep = SparqlEndpoint.for_server("virtuoso", "http://127.0.0.1:8890")
    ep.put_graph("https://w3id.org/goalgraph/id/graph/doc", turtle_text)
    rows = ep.select("SELECT ?p WHERE { ?p a gg:Project }")   # list of {var: rdflib term}

Plain ``urllib`` on purpose: the traps below live in status codes and response headers, which
one small HTTP layer sees directly (SPARQLWrapper hides some of them).

Traps and what the adapter does (each has a test in ``tests/test_endpoint.py`` against a stub
server and, with real servers, in ``tests/integration/``):

* **Union default graph (Virtuoso).** Virtuoso's default graph is the union of *every* graph,
  system graphs (``virtrdf:`` …) included. For ``server="virtuoso"`` a query without its own
  ``FROM`` gets the goalgraph data graphs (IRIs under ``graph_prefix``, found once with a
  ``GRAPH ?g`` query and cached; the ontology is published as ``ggid:graph/ontology``) as
  ``default-graph-uri`` *and* ``named-graph-uri`` parameters, so the default graph is the union
  of our graphs and ``GRAPH ?g`` ranges over them only — the same dataset the embedded store
  shows. Oxigraph gets ``union-default-graph`` (its protocol extension); a generic server gets
  the query unchanged. Pass ``graphs=[…]`` to pin the list.
* **Updates must name a graph (Virtuoso).** ``update()`` refuses an ``INSERT``/``DELETE``
  without ``GRAPH``/``WITH``/``INTO`` before sending it (Virtuoso would answer SP031).
* **Digest auth.** ``/sparql-auth`` and ``/sparql-graph-crud-auth`` need HTTP DIGEST; the
  credentials come only from ``GOALGRAPH_ENDPOINT_USER`` / ``GOALGRAPH_ENDPOINT_PASSWORD``.
* **ResultSetMaxRows truncation (Virtuoso).** Virtuoso silently cuts a result at
  ``ResultSetMaxRows`` (and at 2^20 rows per response) and marks it with ``X-SPARQL-MaxRows``.
  When a SELECT hits the cap the adapter pages it: ``SELECT * { { SELECT … ORDER BY all vars } }
  LIMIT cap OFFSET k·cap`` (the sub-select form avoids Virtuoso's sorted-TOP limit, SR353). A
  query it cannot page (with ``FROM``, not a SELECT) raises :class:`EndpointError`.
* **Partial "anytime" answers (Virtuoso).** HTTP 206 or an ``X-SQL-State`` header means the
  server stopped early and sent what it had (even as HTTP 200): the adapter raises, never
  returning partial rows.
* **Non-atomic graph replace (Virtuoso, measured).** A GSP ``PUT`` whose body fails to parse
  half-way leaves the *first part of the new data* in the graph, and multi-operation updates are
  not rolled back. So for Virtuoso ``put_graph`` parses the payload locally first, PUTs it into a
  private staging graph (outside ``graph_prefix``, invisible to queries), checks its triple count
  and only then ``MOVE``\\s it onto the target, dropping the staging graph on any failure; the
  final count is checked too. The target is never touched by a failed upload; the remaining
  window is the server-side ``MOVE`` itself. Oxigraph's ``PUT`` is one transaction (a bad body
  answers 400 and leaves the old graph), so it is used directly.
* **Down, slow or failing servers.** Every request has a timeout; connection errors and 5xx
  are retried a bounded number of times with exponential backoff (4xx never; updates only when
  the connection was refused, since they are not idempotent); then :class:`EndpointError` with
  the status and the first line of the body.
"""

from __future__ import annotations

import html
import http.client
import json
import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Mapping, Sequence

from rdflib import BNode, Graph, Literal, URIRef

from goalgraph.errors import EndpointError, UsageError
from goalgraph.namespaces import DEFAULT_DATA_BASE

ENV_USER = "GOALGRAPH_ENDPOINT_USER"
ENV_PASSWORD = "GOALGRAPH_ENDPOINT_PASSWORD"
DEFAULT_GRAPH_PREFIX = DEFAULT_DATA_BASE + "graph/"
STAGING_PREFIX = "urn:goalgraph:staging:"
EMPTY_GRAPH = "urn:goalgraph:empty"
HARD_ROW_LIMIT = 1 << 20  # Virtuoso never sends more rows than this in one response
SERVERS = ("generic", "oxigraph", "virtuoso")

PRESETS = {
    "oxigraph": ("/query", "/update", "/store"),
    "virtuoso": ("/sparql", "/sparql-auth", "/sparql-graph-crud-auth"),
}

_RDF_CONTENT = {
    "application/n-triples": "nt", "text/plain": "nt", "text/turtle": "turtle",
    "application/x-turtle": "turtle", "application/rdf+xml": "xml",
}


class SparqlEndpoint:
    """One SPARQL endpoint: query URL, optional update URL and Graph Store Protocol URL."""

    def __init__(self, query_url: str, update_url: str | None = None, store_url: str | None = None,
                 server: str = "generic", *, auth: str | None = None, timeout: float = 60.0,
                 retries: int = 3, backoff: float = 0.5, graph_prefix: str = DEFAULT_GRAPH_PREFIX,
                 graphs: Sequence[str] | None = None, dataset: str | None = None,
                 max_rows: int | None = None, server_timeout_ms: int | None = None,
                 env: Mapping[str, str] | None = None):
        if server not in SERVERS:
            raise UsageError(f"unknown SPARQL server kind {server!r} (one of {', '.join(SERVERS)})")
        for url in (query_url, update_url, store_url):
            if url is not None and urllib.parse.urlsplit(url).scheme not in ("http", "https"):
                raise UsageError(f"{url}: not an http(s) endpoint URL")
        self.query_url, self.update_url, self.store_url = query_url, update_url, store_url
        self.server = server
        self.timeout, self.retries, self.backoff = float(timeout), max(0, int(retries)), float(backoff)
        self.graph_prefix = graph_prefix
        self._graphs = list(graphs) if graphs is not None else None
        self.dataset = dataset or {"virtuoso": "data-graphs", "oxigraph": "union"}.get(server, "server")
        if self.dataset not in ("data-graphs", "union", "server"):
            raise UsageError(f"unknown dataset mode {self.dataset!r}")
        self.max_rows = max_rows if max_rows is not None else (10000 if server == "virtuoso" else None)
        self.server_timeout_ms = server_timeout_ms
        self.graph_param = "graph-uri" if server == "virtuoso" else "graph"
        env = os.environ if env is None else env
        self._user, self._password = env.get(ENV_USER), env.get(ENV_PASSWORD)
        self.auth = auth or ("digest" if server == "virtuoso" else ("basic" if self._user else "none"))
        if self.auth not in ("none", "basic", "digest"):
            raise UsageError(f"unknown auth scheme {self.auth!r}")
        self._plain = urllib.request.build_opener()
        self._authed = self._build_auth_opener()

    # -- construction ---------------------------------------------------------------------------
    @classmethod
    def for_server(cls, server: str, base_url: str, **kwargs) -> "SparqlEndpoint":
        """Derive the three URLs from a server's base URL (``oxigraph``: /query /update /store;
        ``virtuoso``: /sparql, /sparql-auth, /sparql-graph-crud-auth with DIGEST)."""
        if server not in PRESETS:
            raise UsageError(f"no preset for server {server!r} (oxigraph or virtuoso)")
        base = base_url.rstrip("/")
        q, u, s = PRESETS[server]
        return cls(base + q, base + u, base + s, server=server, **kwargs)

    def __repr__(self) -> str:
        return f"SparqlEndpoint({self.query_url!r}, server={self.server!r})"

    def _build_auth_opener(self):
        if self.auth == "none" or not self._user:
            return None
        mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        for url in (self.query_url, self.update_url, self.store_url):
            if url:
                mgr.add_password(None, url, self._user, self._password or "")
        handler = (urllib.request.HTTPDigestAuthHandler(mgr) if self.auth == "digest"
                   else urllib.request.HTTPBasicAuthHandler(mgr))
        return urllib.request.build_opener(handler)

    # -- queries ---------------------------------------------------------------------------------
    def select(self, query: str) -> list[dict[str, object]]:
        """SELECT rows as dicts of variable → rdflib term (absent when unbound). Never partial:
        truncated results are paged, partial (anytime) results raise."""
        _require_form(query, ("SELECT",), "select")
        variables, rows, capped = self._select_once(query)
        if not capped:
            return rows
        return self._select_paged(query, variables, capped)

    def ask(self, query: str) -> bool:
        _require_form(query, ("ASK",), "ask")
        body, _ = self._query(query, "application/sparql-results+json")
        try:
            return bool(json.loads(body)["boolean"])
        except (ValueError, KeyError) as exc:
            raise EndpointError(f"{self.query_url}: ASK answer is not SPARQL JSON: {_first_line(body)}") from exc

    def construct(self, query: str) -> Graph:
        """CONSTRUCT/DESCRIBE → an rdflib Graph (N-Triples or Turtle on the wire)."""
        _require_form(query, ("CONSTRUCT", "DESCRIBE"), "construct")
        body, headers = self._query(query, "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5")
        ctype = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        fmt = _RDF_CONTENT.get(ctype)
        if fmt is None:
            raise EndpointError(f"{self.query_url}: CONSTRUCT answered {ctype or 'no content type'}, not RDF")
        g = Graph()
        try:
            g.parse(data=body.decode("utf-8"), format=fmt)
        except Exception as exc:  # noqa: BLE001 - parser errors of every kind
            raise EndpointError(f"{self.query_url}: cannot parse CONSTRUCT answer ({ctype}): {exc}") from exc
        return g

    def count(self, graph: str | None = None) -> int:
        """Triples in one named graph, or in the (union) default graph."""
        if graph is not None:
            q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {_iri(graph)} {{ ?s ?p ?o }} }}"
            _, rows, _ = self._select_once(q, use_dataset=False)
        else:
            _, rows, _ = self._select_once("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(rows[0]["n"]) if rows else 0

    def named_graphs(self, prefix: str | None = None) -> list[str]:
        """Named graphs whose IRI starts with ``prefix`` (default ``graph_prefix``), sorted."""
        prefix = self.graph_prefix if prefix is None else prefix
        q = ("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
             f"FILTER(STRSTARTS(STR(?g), {json.dumps(prefix, ensure_ascii=False)})) }} ORDER BY ?g")
        variables, rows, capped = self._select_once(q, use_dataset=False)
        if capped:
            rows = self._select_paged(q, variables, capped, use_dataset=False)
        return sorted(str(r["g"]) for r in rows if "g" in r)

    def data_graphs(self, refresh: bool = False) -> list[str]:
        if self._graphs is None or refresh:
            self._graphs = self.named_graphs()
        return list(self._graphs)

    # -- writes ------------------------------------------------------------------------------------
    def update(self, text: str) -> None:
        """Run a SPARQL update on the update URL (never on the query URL)."""
        if not self.update_url:
            raise UsageError(f"{self.query_url}: no update endpoint configured")
        if _query_form(text) in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            raise UsageError("update() was given a query; use select/ask/construct")
        if self.server == "virtuoso" and not _names_graph(text):
            raise UsageError("Virtuoso updates must name a graph (GRAPH <g> { … }, WITH <g> or INTO <g>); "
                             "its default graph is the union of all graphs")
        data = urllib.parse.urlencode({"update": text}).encode("utf-8")
        self._request("POST", self.update_url, data=data, authed=True, idempotent=False,
                      headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        self._graphs = None

    def drop_graph(self, graph: str) -> None:
        """Remove one named graph (no error when it does not exist)."""
        if self.update_url:
            self.update(f"DROP SILENT GRAPH {_iri(graph)}")
        elif self.store_url:
            try:
                self._request("DELETE", self._gsp_url(graph), authed=True)
            except EndpointError as exc:
                if getattr(exc, "status", None) != 404:
                    raise
        else:
            raise UsageError(f"{self.query_url}: no update or graph store endpoint configured")
        self._graphs = None

    def put_graph(self, graph: str, data: bytes | str, fmt: str = "turtle") -> int:
        """Replace one named graph with ``data`` (Turtle or N-Triples) through the Graph Store
        Protocol; returns the number of triples. The payload is parsed locally first, so a
        syntax error never reaches the server. Virtuoso: staged + MOVE (see module doc)."""
        if not self.store_url:
            raise UsageError(f"{self.query_url}: no graph store (GSP) endpoint configured")
        payload = data.encode("utf-8") if isinstance(data, str) else data
        expected = _count_triples(payload, fmt, graph)
        ctype = "application/n-triples" if fmt == "ntriples" and self.server != "virtuoso" else "text/turtle"
        if self.server != "virtuoso":
            self._request("PUT", self._gsp_url(graph), data=payload, authed=True,
                          headers={"Content-Type": f"{ctype}; charset=utf-8"})
            self._graphs = None
            return expected
        staging = f"{STAGING_PREFIX}{uuid.uuid4().hex}"
        try:
            self._request("PUT", self._gsp_url(staging), data=payload, authed=True,
                          headers={"Content-Type": f"{ctype}; charset=utf-8"})
            staged = self.count(staging)
            if staged != expected:
                raise EndpointError(f"{graph}: staging graph holds {staged} triples, expected {expected}; "
                                    "target left unchanged")
            if expected == 0:
                self.update(f"DROP SILENT GRAPH {_iri(graph)}")
            else:
                self.update(f"MOVE SILENT GRAPH {_iri(staging)} TO GRAPH {_iri(graph)}")
        except BaseException:
            try:
                self.update(f"DROP SILENT GRAPH {_iri(staging)}")
            except EndpointError:
                pass
            raise
        final = self.count(graph)
        if final != expected:
            raise EndpointError(f"{graph}: holds {final} triples after publishing, expected {expected}")
        self._graphs = None
        return expected

    # -- internals -------------------------------------------------------------------------------
    def _digest_header(self, req: urllib.request.Request) -> str | None:
        probe = urllib.request.Request(req.full_url, method="HEAD")
        try:
            with self._plain.open(probe, timeout=self.timeout):
                return None  # no auth asked for
        except urllib.error.HTTPError as exc:
            challenge = exc.headers.get("WWW-Authenticate", "") if exc.code == 401 else ""
        if not challenge.lower().startswith("digest "):
            return None
        handler = next(h for h in self._authed.handlers if isinstance(h, urllib.request.HTTPDigestAuthHandler))
        chal = urllib.request.parse_keqv_list(urllib.request.parse_http_list(challenge[7:]))
        value = handler.get_authorization(req, chal)
        return f"Digest {value}" if value else None

    def _gsp_url(self, graph: str) -> str:
        return f"{self.store_url}?{urllib.parse.urlencode({self.graph_param: graph})}"

    def _dataset_params(self, query: str) -> list[tuple[str, str]]:
        if _has_dataset_clause(query) or self.dataset == "server":
            return []
        if self.dataset == "union":
            return [("union-default-graph", "")]
        graphs = self.data_graphs() or [EMPTY_GRAPH]
        return [("default-graph-uri", g) for g in graphs] + [("named-graph-uri", g) for g in graphs]

    def _query(self, query: str, accept: str, use_dataset: bool = True):
        params = [("query", query)]
        if use_dataset:
            params += self._dataset_params(query)
        if self.server_timeout_ms and self.server == "virtuoso":
            params.append(("timeout", str(int(self.server_timeout_ms))))
        data = urllib.parse.urlencode(params).encode("utf-8")
        body, headers = self._request(
            "POST", self.query_url, data=data, accept=accept, authed=self.server == "generic",
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        return body, headers

    def _select_once(self, query: str, use_dataset: bool = True):
        body, headers = self._query(query, "application/sparql-results+json", use_dataset)
        try:
            doc = json.loads(body)
            variables = list(doc["head"].get("vars", []))
            rows = [{k: _term(v) for k, v in b.items()} for b in doc["results"]["bindings"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise EndpointError(f"{self.query_url}: answer is not SPARQL JSON results: {_first_line(body)}") from exc
        cap = _int(headers.get("X-SPARQL-MaxRows")) or self.max_rows
        capped = 0
        if cap and len(rows) >= cap:
            capped = cap
        elif len(rows) >= HARD_ROW_LIMIT:
            capped = HARD_ROW_LIMIT
        return variables, rows, capped

    def _select_paged(self, query: str, variables: list[str], cap: int, use_dataset: bool = True,
                      max_pages: int = 10000) -> list[dict[str, object]]:
        prologue, body = _split_prologue(query)
        if _query_form(query) != "SELECT" or _has_dataset_clause(query) or not variables:
            raise EndpointError(
                f"{self.query_url}: result truncated at {cap} rows (server row cap, e.g. Virtuoso "
                "ResultSetMaxRows) and this query cannot be paged; add LIMIT/OFFSET or raise the cap")
        order = " ".join(f"?{v}" for v in variables)
        proj = " ".join(f"?{v}" for v in variables)
        rows: list[dict[str, object]] = []
        deadline = time.monotonic() + max(self.timeout, 1.0) * 50
        for page in range(max_pages):
            paged = (f"{prologue}\nSELECT {proj} WHERE {{ {{ SELECT {proj} WHERE {{ {{ {body} }} }} "
                     f"ORDER BY {order} }} }} LIMIT {cap} OFFSET {page * cap}")
            _, chunk, _ = self._select_once(paged, use_dataset)
            rows.extend(chunk)
            if len(chunk) < cap:
                return rows
            if time.monotonic() > deadline:
                break
        raise EndpointError(f"{self.query_url}: paging stopped after {len(rows)} rows (limit on pages/time)")

    def _request(self, method: str, url: str, data: bytes | None = None, accept: str | None = None,
                 headers: Mapping[str, str] | None = None, authed: bool = False,
                 idempotent: bool = True):
        hdrs = dict(headers or {})
        if accept:
            hdrs["Accept"] = accept
        opener = self._authed if (authed and self._authed is not None) else self._plain
        preemptive = authed and self._authed is not None and self.auth == "digest" and bool(data)
        where = f"{method} {url.split('?')[0]}"
        last = "no attempt"
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(min(self.backoff * (2 ** (attempt - 1)), 10.0))
            req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
            try:
                if preemptive:
                    # Digest needs a server nonce. Sending a big body unauthenticated first makes
                    # Virtuoso answer 401 and close the socket mid-upload (EPIPE), so fetch the
                    # challenge with a body-less HEAD and send the body once, authorised.
                    auth_header = self._digest_header(req)
                    if auth_header:
                        req.add_unredirected_header("Authorization", auth_header)
                with opener.open(req, timeout=self.timeout) as resp:
                    body = resp.read()
                    status, rh = resp.status, resp.headers
            except urllib.error.HTTPError as exc:
                body = _safe_read(exc)
                status = exc.code
                last = f"HTTP {status} {exc.reason}: {_first_line(body)}"
                if status == 401 and not self._user:
                    raise _err(f"{where}: HTTP 401 (authentication required): set {ENV_USER} and "
                               f"{ENV_PASSWORD}", status) from None
                deterministic = body.lstrip().startswith(b"Virtuoso ") and b"Error" in body[:200]
                if status >= 500 and idempotent and not deterministic and attempt < self.retries:
                    continue
                raise _err(f"{where}: {last}", status) from None
            except ValueError as exc:  # urllib: the server's 401 asks for a scheme we were not set up for
                if "does not support the following scheme" in str(exc):
                    raise _err(f"{where}: HTTP 401: the server wants another auth scheme than "
                               f"{self.auth!r} ({exc})", 401) from None
                raise
            except (urllib.error.URLError, ConnectionError, TimeoutError, socket.timeout,
                    http.client.HTTPException, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                refused = isinstance(reason, ConnectionRefusedError)
                if isinstance(reason, (TimeoutError, socket.timeout)):
                    last = f"no answer within {self.timeout:g}s (endpoint slow or hung)"
                elif refused:
                    last = "connection refused (endpoint down?)"
                else:
                    last = f"connection failed: {reason}"
                if (idempotent or refused) and attempt < self.retries:
                    continue
                raise EndpointError(f"{where}: {last} (after {attempt + 1} attempt(s))") from None
            state = rh.get("X-SQL-State")
            if status == 206 or state:
                msg = rh.get("X-SQL-Message") or ""
                raise _err(f"{where}: partial result (HTTP {status}, X-SQL-State {state or '-'}: "
                           f"{_first_line(msg.encode())}); the server stopped early (anytime query "
                           "timeout) — rows were NOT returned; raise the timeout or simplify the query",
                           status)
            return body, rh
        raise EndpointError(f"{where}: {last}")


def for_server(server: str, base_url: str, **kwargs) -> SparqlEndpoint:
    return SparqlEndpoint.for_server(server, base_url, **kwargs)


# -- helpers ---------------------------------------------------------------------------------------
def _err(message: str, status: int | None) -> EndpointError:
    exc = EndpointError(message)
    exc.status = status
    return exc


def _safe_read(exc) -> bytes:
    try:
        return exc.read() or b""
    except Exception:  # noqa: BLE001
        return b""


def _first_line(body: bytes | str) -> str:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if "<" in text and re.search(r"</?(html|head|body|title|h1|p|pre)\b", text, re.I):
        text = html.unescape(re.sub(r"<[^>]+>", "\n", text))
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line[:300]
    return "(empty body)"


def _int(value) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _iri(value: str) -> str:
    if not value or re.search(r'[\s<>"{}|^`\\]', value):
        raise UsageError(f"not a valid IRI: {value!r}")
    return f"<{value}>"


def _term(b: Mapping[str, str]):
    kind = b.get("type")
    value = b.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        lang = b.get("xml:lang")
        dt = b.get("datatype")
        if lang:
            return Literal(value, lang=lang)
        if dt and dt != "http://www.w3.org/2001/XMLSchema#string":
            return Literal(value, datatype=URIRef(dt))
        return Literal(value)
    raise EndpointError(f"unknown term type in SPARQL results: {kind!r}")


# Lexical analysis just good enough to find keywords outside IRIs, strings and comments.
_STRIP = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'" r"|<[^<>\s\"{}|^`\\]*>" r"|#[^\n]*", re.S)


def _clean(text: str) -> str:
    def repl(m):
        s = m.group(0)
        return " " if s.startswith("#") else ("<>" if s.startswith("<") else '""')
    return _STRIP.sub(repl, text)


_PROLOGUE = re.compile(r"\s*(?:(?:PREFIX\s+[\w.-]*:\s*<>|BASE\s+<>|DEFINE\s+\S+\s+(?:\"\"|<>|\S+))\s*)*", re.I)
_UPDATE_OPS = re.compile(
    r"(?<![?$:\w])(?:(?:INSERT|DELETE)\s+(?:DATA\b|WHERE\b|\{)|(?:LOAD|CLEAR|DROP|CREATE|COPY|MOVE|ADD)"
    r"\s+(?:SILENT\s+)?(?:GRAPH\b|DEFAULT\b|NAMED\b|ALL\b|<)|WITH\s+<)", re.I)


def _query_form(text: str) -> str:
    cleaned = _clean(text)
    m = _PROLOGUE.match(cleaned)
    rest = cleaned[m.end():] if m else cleaned
    word = re.match(r"\s*([A-Za-z]+)", rest)
    return word.group(1).upper() if word else ""


def _require_form(query: str, forms: tuple[str, ...], method: str) -> None:
    form = _query_form(query)
    if _UPDATE_OPS.search(_clean(query)) or form not in forms:
        raise UsageError(f"{method}() takes a {'/'.join(forms)} query, not {form or 'this text'} "
                         "(updates go through update(); queries never send updates)")


def _names_graph(update: str) -> bool:
    cleaned = _clean(update)
    if re.search(r"(?<![?$:\w])(INSERT|DELETE)\b", cleaned, re.I):
        return bool(re.search(r"(?<![?$:\w])(GRAPH|WITH|INTO)\b", cleaned, re.I))
    return True  # DROP/CLEAR/CREATE/MOVE/COPY/ADD name their graphs by syntax


def _has_dataset_clause(query: str) -> bool:
    return bool(re.search(r"(?<![?$:\w])FROM\s+(?:NAMED\s+)?(?:<>|[\w.-]*:)", _clean(query), re.I))


def _split_prologue(query: str) -> tuple[str, str]:
    """(PREFIX/BASE lines, the rest), splitting the original text at the cleaned prologue end."""
    pro = re.compile(r"\s*(?:(?:PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s+<[^>]*>|#[^\n]*)\s*)*", re.I)
    m2 = pro.match(query)
    end = m2.end() if m2 else 0
    return query[:end], query[end:]


def _count_triples(payload: bytes, fmt: str, graph: str) -> int:
    import pyoxigraph as ox

    oxfmt = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}.get(fmt)
    if oxfmt is None:
        raise UsageError(f"put_graph takes turtle or ntriples, not {fmt!r}")
    try:
        return len(set(ox.parse(payload, format=oxfmt)))  # the server keeps a set
    except SyntaxError as exc:
        raise EndpointError(f"{graph}: payload is not valid {fmt}, nothing sent: {_first_line(str(exc))}") from exc
