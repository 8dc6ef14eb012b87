"""Saved SPARQL queries: catalogue, parameter binding, execution and output.

A saved query is a ``queries/<name>.rq`` file whose first comment lines form a header in the grlc
decorator style (the exact syntax is documented in ``queries/README.md``, which
:func:`render_catalogue_markdown` generates)::

    #+ summary: one line
    #+ description: text that may continue
    #+   on indented lines
    #+ tags:
    #+   - policy
    #+ params:
    #+   - doc: {type: string, default: "烟财社〔2019〕10号", description: "文号 or title"}

Parameters are bound as RDF terms, never spliced as text: on Oxigraph and remote endpoints a
``VALUES`` block built from ``term.n3()`` is injected at the start of the outermost ``WHERE``
group and of every sub-select ``WHERE`` group that uses the parameter (so a parameter can be
applied inside the sub-select that selects the few rows a query decorates); on rdflib they are
passed as ``initBindings`` (which rdflib applies inside sub-selects too).

``python -m goalgraph.query --write-readme`` regenerates ``queries/README.md``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from goalgraph.errors import GoalgraphError, UsageError
from goalgraph.namespaces import DEFAULT_DATA_BASE, PREFIXES

PARAM_TYPES = ("iri", "string", "integer", "decimal", "year")
SELECT_FORMATS = ("table", "csv", "json", "markdown")
GRAPH_FORMATS = ("turtle", "ntriples")
RESERVED_NAMES = ("list",)

_NUMERIC = {str(XSD[t]) for t in (
    "integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong",
    "unsignedShort", "unsignedByte")}


# ------------------------------------------------------------------------------------------------
# catalogue
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None
    description: str
    #: a text parameter's ``narrows: VAR``: with the store's text index (:mod:`goalgraph.textindex`),
    #: the nodes whose name or description contains the value are bound to ``?VAR`` first
    narrows: str | None = None


@dataclass
class SavedQuery:
    name: str
    summary: str
    description: str
    tags: list[str]
    params: list[Param]
    text: str
    path: Path | None = None
    form: str = "SELECT"

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


_HEADER_LINE = re.compile(r"^#\+(.*)$")
_KEY_LINE = re.compile(r"^ ([a-z_]+):(.*)$")
_ITEM_LINE = re.compile(r"^ {2,}- (.*)$")
_CONT_LINE = re.compile(r"^ {2,}(\S.*)$")
_PARAM_ITEM = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):\s*\{(.*)\}\s*$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_HEADER_KEYS = ("summary", "description", "tags", "params")


def _parse_flow_mapping(body: str, where: str) -> dict[str, str | None]:
    """``type: string, default: "x, y", description: "…"`` → dict (JSON-style double-quoted
    strings, or bare words; ``null`` / missing default = required)."""
    out: dict[str, str | None] = {}
    i, n = 0, len(body)
    while i < n:
        m = re.compile(r"\s*([a-z_]+)\s*:\s*").match(body, i)
        if not m:
            raise UsageError(f"{where}: cannot read parameter mapping near {body[i:]!r}")
        key, i = m.group(1), m.end()
        if i < n and body[i] == '"':
            try:
                value, end = json.JSONDecoder().raw_decode(body, i)
            except json.JSONDecodeError as exc:
                raise UsageError(f"{where}: bad quoted string for {key!r}: {exc}") from exc
            if not isinstance(value, str):
                raise UsageError(f"{where}: {key!r} must be a string")
            i = end
        else:
            end = body.find(",", i)
            end = n if end < 0 else end
            raw = body[i:end].strip()
            value = None if raw in ("null", "~", "") else raw
            i = end
        if key in out:
            raise UsageError(f"{where}: {key!r} given twice")
        out[key] = value
        m = re.compile(r"\s*(,|$)").match(body, i)
        if not m:
            raise UsageError(f"{where}: expected ',' near {body[i:]!r}")
        i = m.end()
    return out


def parse_header(text: str, name: str = "<query>") -> dict[str, Any]:
    """Parse the ``#+`` header of a saved query → {summary, description, tags, params}."""
    lines = []
    for line in text.splitlines():
        if not line.strip():
            if lines:
                break
            continue
        m = _HEADER_LINE.match(line)
        if not m:
            break
        lines.append(m.group(1).rstrip())
    header: dict[str, Any] = {"summary": "", "description": "", "tags": [], "params": []}
    seen: set[str] = set()
    key: str | None = None
    for number, line in enumerate(lines, 1):
        where = f"{name}: header line {number}"
        if not line.strip():
            continue
        km = _KEY_LINE.match(line)
        if km:
            key, rest = km.group(1), km.group(2).strip()
            if key not in _HEADER_KEYS:
                raise UsageError(f"{where}: unknown header key {key!r} (known: {', '.join(_HEADER_KEYS)})")
            if key in seen:
                raise UsageError(f"{where}: {key!r} given twice")
            seen.add(key)
            if key in ("summary", "description"):
                header[key] = rest
            elif rest not in ("", "[]"):
                raise UsageError(f"{where}: {key!r} takes a list on the following lines")
            continue
        if key is None:
            raise UsageError(f"{where}: expected 'key:' first, got {line!r}")
        im = _ITEM_LINE.match(line)
        if key in ("tags", "params"):
            if not im:
                raise UsageError(f"{where}: expected '  - item' under {key!r}, got {line!r}")
            item = im.group(1).strip()
            if key == "tags":
                header["tags"].append(item)
            else:
                pm = _PARAM_ITEM.match(item)
                if not pm:
                    raise UsageError(f"{where}: expected '- name: {{type: …, default: …, description: …}}'")
                fields = _parse_flow_mapping(pm.group(2), where)
                unknown = set(fields) - {"type", "default", "description", "narrows"}
                if unknown:
                    raise UsageError(f"{where}: unknown parameter field(s) {sorted(unknown)}")
                ptype = fields.get("type")
                if ptype not in PARAM_TYPES:
                    raise UsageError(f"{where}: parameter type must be one of {', '.join(PARAM_TYPES)}, got {ptype!r}")
                narrows = fields.get("narrows")
                if narrows is not None and (ptype != "string" or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", narrows)):
                    raise UsageError(f"{where}: 'narrows' names a variable (without ?) and needs a string parameter")
                param = Param(pm.group(1), ptype, fields.get("default"), fields.get("description") or "", narrows)
                if param.default is not None:
                    to_term(param, param.default)  # a bad default is a bug in the query file
                if any(p.name == param.name for p in header["params"]):
                    raise UsageError(f"{where}: parameter {param.name!r} declared twice")
                header["params"].append(param)
            continue
        cm = _CONT_LINE.match(line)
        if key == "description" and cm:
            header["description"] = (header["description"] + " " + cm.group(1).strip()).strip()
            continue
        raise UsageError(f"{where}: cannot read {line!r}")
    if not header["summary"]:
        raise UsageError(f"{name}: header has no '#+ summary:'")
    return header


def query_form(text: str) -> str:
    """SELECT, CONSTRUCT, ASK or DESCRIBE; anything else (updates included) → UsageError."""
    if is_update(text):
        raise UsageError("update operations are not allowed in 'goalgraph query'")
    stripped = _strip_lexical(text)
    prologue = re.compile(r"\s*(?:(?i:BASE)\s*<>|(?i:PREFIX)\s*[A-Za-z0-9_.\-\u00c0-\uffff]*:\s*<>)")
    i = 0
    while m := prologue.match(stripped, i):
        i = m.end()
    m = re.compile(r"\s*([A-Za-z]+)").match(stripped, i)
    form = m.group(1).upper() if m else ""
    if form in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
        return form
    raise UsageError("not a SPARQL query (expected SELECT, CONSTRUCT, ASK or DESCRIBE)")


_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}


_IRI_REF = re.compile(r"<[^<>\"{}|^`\\\s]*>")
_VAR = re.compile(r"[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+")
#: what _strip_lexical puts in place of each kind of span
_PLACEHOLDER = {"comment": " ", "string": ' "" ', "iri": " <> ", "var": " ?v "}


def _lexical_spans(text: str):
    """(start, end, kind) of every comment, string literal, IRI and variable, in order: the one
    SPARQL scanner behind :func:`_strip_lexical` and :func:`_strip_lexical_same_length`."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            end = n if j < 0 else j
            yield i, end, "comment"
        elif c in "\"'":
            q3 = text[i:i + 3]
            if q3 in ('"""', "'''"):
                j = i + 3
                while j < n and text[j:j + 3] != q3:
                    j += 2 if text[j] == "\\" else 1
                end = min(n, j + 3)
            else:
                j = i + 1
                while j < n and text[j] != c and text[j] != "\n":
                    j += 2 if text[j] == "\\" else 1
                end = min(n, j + 1)
            yield i, end, "string"
        elif c == "<" and (m := _IRI_REF.match(text, i)):
            end = m.end()
            yield i, end, "iri"
        elif c in "?$":
            m = _VAR.match(text, i)
            end = m.end() if m else i + 1
            yield i, end, "var"
        else:
            end = i + 1
        i = end


def _strip_lexical(text: str) -> str:
    """Blank out comments, string literals, IRIs and variables so keywords can be found safely."""
    out, last = [], 0
    for start, end, kind in _lexical_spans(text):
        out += [text[last:start], _PLACEHOLDER[kind]]
        last = end
    out.append(text[last:])
    return "".join(out)


def _keywords(text: str) -> list[str]:
    # words not part of prefixed names (no ':' on either side)
    stripped = _strip_lexical(text)
    return [m.group(0) for m in re.finditer(r"(?<![\w:.\-])[A-Za-z_]+(?![\w:.\-])", stripped)]


def is_update(text: str) -> bool:
    """True when ``text`` contains a SPARQL Update operation keyword outside strings/IRIs/comments."""
    return any(w.upper() in _UPDATE_WORDS for w in _keywords(text))


def load_query_file(path: str | Path, name: str | None = None) -> SavedQuery:
    path = Path(path)
    name = name or path.stem
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read query: {exc}") from exc
    header = parse_header(text, path.name)
    form = query_form(text)
    return SavedQuery(name, header["summary"], header["description"], header["tags"], header["params"],
                      text, path, form)


def queries_dir() -> Path:
    from goalgraph.resources import resource_dir
    return resource_dir("queries")


def load_catalogue(directory: str | Path | None = None) -> dict[str, SavedQuery]:
    """Every ``*.rq`` in the queries folder, by name (file stem), sorted."""
    directory = Path(directory) if directory is not None else queries_dir()
    catalogue: dict[str, SavedQuery] = {}
    for path in sorted(directory.glob("*.rq")):
        if not _NAME.match(path.stem) or path.stem in RESERVED_NAMES:
            raise UsageError(f"{path}: query names are lower-case words joined by '-' (and not 'list')")
        catalogue[path.stem] = load_query_file(path)
    return catalogue


def find_query(name: str, directory: str | Path | None = None) -> SavedQuery:
    """A saved query by name, or a ``.rq`` file by path."""
    if name.endswith(".rq") and Path(name).is_file():
        return load_query_file(name)
    catalogue = load_catalogue(directory)
    if name not in catalogue:
        close = [n for n in catalogue if name in n or n in name]
        hint = f" (did you mean: {', '.join(close)}?)" if close else " ('goalgraph query list' shows them)"
        raise UsageError(f"unknown query {name!r}{hint}")
    return catalogue[name]


# ------------------------------------------------------------------------------------------------
# parameters
# ------------------------------------------------------------------------------------------------
_BAD_IRI = re.compile(r"[\s<>\"{}|^`\\]")
_ABS_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def to_term(param: Param, value: str, data_base: str = DEFAULT_DATA_BASE):
    """A parameter value as written → an RDF term of the parameter's type (UsageError when bad)."""
    what = f"parameter {param.name!r} ({param.type})"
    if param.type == "string":
        return Literal(value)
    if param.type == "iri":
        prefix, sep, local = value.partition(":")
        namespaces = {p: str(ns) for p, ns in PREFIXES.items()} | {"ggid": data_base}
        if sep and prefix in namespaces and not local.startswith("//"):
            value = namespaces[prefix] + local
        if not _ABS_IRI.match(value) or _BAD_IRI.search(value):
            raise UsageError(f"{what}: not an absolute IRI: {value!r}")
        return URIRef(value)
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?\d+", value.strip()):
            raise UsageError(f"{what}: not an integer: {value!r}")
        return Literal(int(value), datatype=XSD.integer)
    if param.type == "decimal":
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", value.strip()):
            raise UsageError(f"{what}: not a decimal number: {value!r}")
        return Literal(Decimal(value.strip()), datatype=XSD.decimal)
    if param.type == "year":
        if not re.fullmatch(r"\d{4}", value.strip()):
            raise UsageError(f"{what}: not a four-digit year: {value!r}")
        return Literal(value.strip(), datatype=XSD.gYear)
    raise UsageError(f"{what}: unknown type")


def bind_params(query: SavedQuery, given: dict[str, str] | None = None,
                data_base: str = DEFAULT_DATA_BASE) -> dict[str, Any]:
    """Values given (``name → text``) plus defaults → ``name → RDF term``; unknown or missing → UsageError."""
    given = dict(given or {})
    unknown = sorted(set(given) - {p.name for p in query.params})
    if unknown:
        known = ", ".join(p.name for p in query.params) or "none"
        raise UsageError(f"query {query.name!r}: unknown parameter(s) {', '.join(unknown)} (known: {known})")
    bound: dict[str, Any] = {}
    for p in query.params:
        value = given.get(p.name, p.default)
        if value is None:
            raise UsageError(f"query {query.name!r}: parameter {p.name!r} is required (--param {p.name}=…)")
        bound[p.name] = to_term(p, value, data_base)
    return bound


def parse_param_args(items: list[str] | None) -> dict[str, str]:
    """``["k=v", …]`` → dict; a malformed item → UsageError."""
    out: dict[str, str] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--param expects NAME=VALUE, got {item!r}")
        out[name.strip()] = value
    return out


def _where_brace(text: str) -> int:
    """Index just after the opening brace of the outermost WHERE group."""
    stripped = _strip_lexical_same_length(text)
    depth, form_seen, last_where, form = 0, False, False, ""
    for m in re.finditer(r"[{}]|(?<![\w:.\-])[A-Za-z_]+(?![\w:.\-])", stripped):
        tok = m.group(0)
        if tok == "{":
            if depth == 0 and form_seen and (last_where or form != "CONSTRUCT"):
                return m.end()
            depth += 1
        elif tok == "}":
            depth -= 1
        elif depth == 0:
            up = tok.upper()
            if up in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE") and not form_seen:
                form_seen, form = True, up
            elif up == "WHERE":
                last_where = True
    raise UsageError("cannot find the WHERE group of the query to bind parameters")


def _strip_lexical_same_length(text: str) -> str:
    """Like :func:`_strip_lexical` but keeps every character position (blanks replace content)."""
    out = list(text)
    for start, end, _ in _lexical_spans(text):
        out[start:end] = " " * (end - start)
    return "".join(out)


def with_values(text: str, bindings: dict[str, Any]) -> str:
    """``text`` with ``VALUES (?a ?b) { (t1 t2) }`` injected at the start of the outermost WHERE
    group; each term is serialised with rdflib's ``n3()`` (escaped), never spliced raw."""
    if not bindings:
        return text
    for name in bindings:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise UsageError(f"bad parameter name {name!r}")
    return _inject_values(text, bindings, outermost=True)


def _inject_values(text: str, bindings: dict[str, Any], outermost: bool) -> str:
    if not bindings:
        return text
    for name in bindings:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise UsageError(f"bad parameter name {name!r}")
    names = " ".join(f"?{n}" for n in bindings)
    terms = " ".join(_n3(t) for t in bindings.values())
    return _inject_block(text, f"\n  VALUES ({names}) {{ ({terms}) }}\n", set(bindings), outermost)


def _narrowed(store, query: SavedQuery | str, bindings: dict[str, Any], text: str) -> str:
    """``text`` with, for each parameter declared ``narrows: VAR``, ``VALUES ?VAR { … }`` of the
    nodes the store's text index finds for the parameter's value, at the start of the sub-selects
    that use ``?VAR`` (else of the outermost group); unchanged without a current index."""
    if not isinstance(query, SavedQuery) or getattr(store, "path", None) is None:
        return text
    from goalgraph import textindex

    for p in query.params:
        if p.narrows and p.name in bindings:
            nodes = textindex.nodes_containing(store.path, str(bindings[p.name]))
            if nodes is not None:
                iris = "\n    ".join(f"<{iri}>" for iri in nodes)
                text = _inject_block(text, f"\n  VALUES ?{p.narrows} {{\n    {iris}\n  }}\n", {p.narrows},
                                     outermost=not _subselect_braces(text, {p.narrows}))
    return text


def _inject_block(text: str, block: str, names: set[str], outermost: bool) -> str:
    """``block`` at the start of the outermost WHERE group (``outermost``) and of every sub-select
    group that mentions one of ``names``."""
    at = _where_brace(text)
    spots = ([at] if outermost else []) + [i for i in _subselect_braces(text, names) if i != at]
    for i in sorted(spots, reverse=True):
        text = text[:i] + block + text[i:]
    return text


def _subselect_braces(text: str, names: set[str]) -> list[int]:
    """Index just after the opening brace of every nested ``WHERE`` group (a sub-select's) that
    mentions one of the variables ``names``: a sub-select does not see the bindings of the groups
    around it, so a parameter used inside one is bound there too (SPARQL 1.1 scoping)."""
    stripped = _strip_lexical_same_length(text)
    variables = [(start, text[start + 1:end]) for start, end, kind in _lexical_spans(text) if kind == "var"]
    out = []
    for m in re.finditer(r"(?<![\w:.\-])(?i:WHERE)(?![\w:.\-])\s*\{", stripped):
        open_at = m.end()
        depth, j = 1, open_at
        while j < len(stripped) and depth:
            depth += {"{": 1, "}": -1}.get(stripped[j], 0)
            j += 1
        if any(open_at <= pos < j and name in names for pos, name in variables):
            out.append(open_at)
    return out


def _n3(term) -> str:
    if isinstance(term, URIRef):
        if _BAD_IRI.search(str(term)):
            raise UsageError(f"not an IRI: {str(term)!r}")
        return term.n3()
    if isinstance(term, Literal):
        return term.n3()
    raise UsageError(f"cannot bind {term!r}")


# ------------------------------------------------------------------------------------------------
# execution
# ------------------------------------------------------------------------------------------------
@dataclass
class QueryResult:
    form: str
    columns: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)  # name → rdflib term (absent = unbound)
    graph: Graph | None = None
    boolean: bool | None = None


def _new_graph(text: str = "") -> Graph:
    """An empty rdflib Graph with goalgraph's prefixes and those the query declares."""
    from goalgraph.namespaces import bind_prefixes
    g = bind_prefixes(Graph())
    for m in re.finditer(r"(?im)^\s*PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>", text):
        if m.group(1):
            g.bind(m.group(1), m.group(2), override=False)
    return g


def run_on_store(store, query: SavedQuery | str, bindings: dict[str, Any] | None = None) -> QueryResult:
    """Run on a :class:`goalgraph.store.GraphStore` (Oxigraph; union default graph)."""
    import pyoxigraph as ox
    text = query.text if isinstance(query, SavedQuery) else query
    form = query_form(text)
    text = _narrowed(store, query, bindings or {}, with_values(text, bindings or {}))
    try:
        res = store.query(text)
    except (SyntaxError, ValueError, OSError) as exc:
        raise GoalgraphError(f"query failed: {exc}") from exc
    from goalgraph.store import cached_rdflib_terms

    if isinstance(res, ox.QuerySolutions):
        # rows repeat terms (labels, codes, categories): each converted once (10x less time at 10^4 rows)
        columns, term = [v.value for v in res.variables], cached_rdflib_terms()
        rows = [{c: term(v) for c in columns if (v := s[c]) is not None} for s in res]
        return QueryResult("SELECT", columns, rows)
    if isinstance(res, ox.QueryBoolean):
        return QueryResult("ASK", boolean=bool(res))
    g, term = _new_graph(text), cached_rdflib_terms()
    for t in res:
        g.add((term(t.subject), term(t.predicate), term(t.object)))
    return QueryResult(form, graph=g)


def run_on_rdflib(graph: Graph, query: SavedQuery | str, bindings: dict[str, Any] | None = None) -> QueryResult:
    """Run with rdflib's own engine (small graphs only); parameters go in as ``initBindings``."""
    text = query.text if isinstance(query, SavedQuery) else query
    form = query_form(text)
    # initBindings do not reliably reach a FILTER EXISTS inside a sub-select (rdflib 7.6): bind the
    # parameters used in sub-selects with a VALUES block there as well
    text = _inject_values(text, bindings or {}, outermost=False)
    try:
        res = graph.query(text, initBindings=bindings or {})
    except Exception as exc:  # rdflib raises many kinds
        raise GoalgraphError(f"query failed: {exc}") from exc
    if res.type == "SELECT":
        columns = [str(v) for v in res.vars]
        rows = [{c: row[i] for i, c in enumerate(columns) if row[i] is not None} for row in res]
        return QueryResult("SELECT", columns, rows)
    if res.type == "ASK":
        return QueryResult("ASK", boolean=bool(res.askAnswer))
    g = _new_graph(text)
    for t in res.graph if res.graph is not None else res:
        g.add(t)
    return QueryResult(form, graph=g)


def run_on_endpoint(endpoint, query: SavedQuery | str, bindings: dict[str, Any] | None = None) -> QueryResult:
    """Run on a remote SPARQL 1.1 endpoint (``goalgraph.endpoint.SparqlEndpoint``)."""
    text = query.text if isinstance(query, SavedQuery) else query
    form = query_form(text)
    text = with_values(text, bindings or {})
    if form == "SELECT":
        rows = endpoint.select(text)
        columns = _projection(text) or sorted({k for r in rows for k in r})
        return QueryResult("SELECT", columns, [{k: v for k, v in r.items() if v is not None} for r in rows])
    if form in ("CONSTRUCT", "DESCRIBE"):
        g = _new_graph(text)
        for t in endpoint.construct(text):
            g.add(t)
        return QueryResult(form, graph=g)
    if hasattr(endpoint, "ask"):
        return QueryResult("ASK", boolean=bool(endpoint.ask(text)))
    raise UsageError("this endpoint client cannot run ASK queries")


def _projection(text: str) -> list[str]:
    """Projected variable names of a SELECT (``?x`` and ``(… AS ?x)``), in order; [] for ``*``."""
    stripped = _strip_lexical_same_length(text)
    m = re.search(r"(?i)(?<![\w:])SELECT(?![\w:])", stripped)
    if not m:
        return []
    end = re.compile(r"(?i)(?<![\w:])(WHERE|FROM)(?![\w:])|\{").search(stripped, m.end())
    clause = text[m.end(): end.start() if end else len(text)]
    names, depth = [], 0
    for tok in re.finditer(r"\(|\)|[?$]([A-Za-z0-9_]+)", clause):
        if tok.group(0) == "(":
            depth += 1
        elif tok.group(0) == ")":
            depth -= 1
        elif depth == 0 or re.search(r"(?i)AS\s*$", clause[:tok.start()]):
            if tok.group(1) not in names and not re.fullmatch(r"(?i)distinct|reduced", tok.group(1)):
                names.append(tok.group(1))
    return names


def run_query(query: SavedQuery, params: dict[str, str] | None = None, *, store=None, graph: Graph | None = None,
              endpoint=None, data_base: str = DEFAULT_DATA_BASE) -> QueryResult:
    """Bind ``params`` (text) and run ``query`` on exactly one of store / rdflib graph / endpoint."""
    bindings = bind_params(query, params, data_base)
    if sum(x is not None for x in (store, graph, endpoint)) != 1:
        raise UsageError("give exactly one data source (store, graph or endpoint)")
    if store is not None:
        return run_on_store(store, query, bindings)
    if graph is not None:
        return run_on_rdflib(graph, query, bindings)
    return run_on_endpoint(endpoint, query, bindings)


# ------------------------------------------------------------------------------------------------
# output
# ------------------------------------------------------------------------------------------------
def plain(term) -> Any:
    """A term as a plain Python value: numbers → int/Decimal (canonical), everything else → str."""
    if term is None:
        return None
    if isinstance(term, Literal) and term.datatype is not None and str(term.datatype) in _NUMERIC:
        try:
            d = Decimal(str(term))
        except InvalidOperation:
            return str(term)
        if d == d.to_integral_value():
            return int(d)
        return d.normalize()
    return str(term)


def text_of(term) -> str:
    value = plain(term)
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def plain_rows(result: QueryResult) -> list[tuple]:
    """Rows as tuples of plain values in column order (what tests and engine comparisons use)."""
    return [tuple(plain(r.get(c)) for c in result.columns) for r in result.rows]


def display_width(text: str) -> int:
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    if display_width(text) <= width:
        return text
    out, w = [], 0
    for ch in text:
        cw = display_width(ch)
        if w + cw > width - 1:
            break
        out.append(ch)
        w += cw
    return "".join(out) + "…"


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


def format_table(result: QueryResult, max_width: int = 60) -> str:
    cols = result.columns
    cells = [[_clip(text_of(r.get(c)), max_width) for c in cols] for r in result.rows]
    numeric = [all(isinstance(plain(r.get(c)), (int, Decimal)) or r.get(c) is None for r in result.rows)
               and any(r.get(c) is not None for r in result.rows) for c in cols]
    widths = [max([display_width(c)] + [display_width(row[i]) for row in cells]) for i, c in enumerate(cols)]
    lines = ["  ".join(_pad(c, widths[i]) for i, c in enumerate(cols)).rstrip(),
             "  ".join("-" * w for w in widths)]
    for row in cells:
        lines.append("  ".join(_pad(v, widths[i], numeric[i]) for i, v in enumerate(row)).rstrip())
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines) + "\n"


def format_csv(result: QueryResult) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(result.columns)
    for r in result.rows:
        w.writerow([text_of(r.get(c)) for c in result.columns])
    return buf.getvalue()


def format_json(result: QueryResult) -> str:
    def conv(term):
        v = plain(term)
        if isinstance(v, Decimal):
            return float(v)
        return v
    rows = [{c: conv(r.get(c)) for c in result.columns} for r in result.rows]
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def format_markdown(result: QueryResult) -> str:
    def cell(t):
        return text_of(t).replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")
    lines = ["| " + " | ".join(result.columns) + " |", "|" + "---|" * len(result.columns)]
    for r in result.rows:
        lines.append("| " + " | ".join(cell(r.get(c)) for c in result.columns) + " |")
    return "\n".join(lines) + "\n"


def format_result(result: QueryResult, fmt: str | None = None) -> str:
    if result.form == "ASK":
        return ("true" if result.boolean else "false") + "\n"
    if result.graph is not None:
        fmt = fmt or "turtle"
        if fmt not in GRAPH_FORMATS:
            raise UsageError(f"{result.form} results print as {' or '.join(GRAPH_FORMATS)}, not {fmt!r}")
        return result.graph.serialize(format="nt" if fmt == "ntriples" else "turtle")
    fmt = fmt or "table"
    if fmt not in SELECT_FORMATS:
        raise UsageError(f"SELECT results print as {', '.join(SELECT_FORMATS)}, not {fmt!r}")
    return {"table": format_table, "csv": format_csv, "json": format_json, "markdown": format_markdown}[fmt](result)


# ------------------------------------------------------------------------------------------------
# README
# ------------------------------------------------------------------------------------------------
README_INTRO = """\
# Saved queries

<!-- generated by `python -m goalgraph.query --write-readme` from the query headers; do not edit -->

Saved SPARQL queries for policy researchers. Run one with

    goalgraph query list
    goalgraph query NAME [--param k=v]... [--format table|csv|json|markdown] [--graph FILE | --store DIR | --endpoint URL] [--out FILE] [--no-cache]

CONSTRUCT queries print Turtle (or N-Triples with `--format ntriples`). Without a source,
`build/store` is used. On an embedded store, the output of a query that took a second or more is
kept inside the store directory and printed again (with a note on stderr) while the store is
unchanged; `--no-cache` runs the query anyway.

Every query runs unchanged on the embedded Oxigraph store, on rdflib
(`--graph FILE --engine rdflib`, small graphs only) and on remote SPARQL 1.1 servers (Oxigraph
server, Virtuoso with its union default graph): only standard SPARQL 1.1 functions, labels of
concepts written into the query (no dependence on the concept schemes being loaded), numbers never
turned into text, and an `ORDER BY` that fixes the order of every row.

## Header syntax

Each `.rq` file starts with comment lines beginning `#+` (the grlc decorator style), before any
blank line or SPARQL:

```sparql
#+ summary: One line saying what the query answers
#+ description: Longer text; it may continue on following lines
#+   that are indented by at least two spaces after `#+`.
#+ tags:
#+   - policy-documents
#+   - indicators
#+ params:
#+   - doc: {type: string, default: "烟财社〔2019〕10号", description: "文号 or title of the document"}
```

* Keys: `summary` (required, one line), `description` (optional; continuation lines are indented
  two or more spaces), `tags` and `params` (lists: one `  - item` per line, indented two or more
  spaces).
* A parameter item is `- NAME: {type: T, default: V, description: D}`. `NAME` is the SPARQL
  variable `?NAME` the query uses. `T` is one of `iri`, `string`, `integer`, `decimal`, `year`.
  Values are bare words or JSON double-quoted strings (use quotes for anything with a comma);
  a missing `default` (or `default: null`) makes the parameter required. `""` is a valid default
  (several queries read an empty string as "no filter").
* Types become RDF terms: `iri` → an IRI (absolute, or a prefixed name with a goalgraph prefix
  such as `ggid:` or `ggc:`), `string` → a plain literal (labels in the data are `@zh`: see
  *Looking up a parameter* below), `integer` → `xsd:integer`, `decimal` → `xsd:decimal`, `year` →
  `xsd:gYear`.
* Binding: the term is serialised with rdflib's `n3()` and injected as
  `VALUES (?NAME …) { (term …) }` at the start of the outermost `WHERE` group and of every
  sub-select `WHERE` group that mentions `?NAME` (Oxigraph and remote servers), or passed as
  `initBindings` (rdflib). A value is never spliced into the query text, so a value such as
  `x" } ; DROP ALL #` is just a string that matches nothing. Apply a selective parameter inside the
  sub-select that picks the rows, as a triple pattern (below); pyoxigraph's `substitutions` are not
  used: in 0.5.13 they do not reach sub-selects.
* A `string` parameter may add `narrows: VAR` (a variable name, without `?`): on a store with a
  current text index (`goalgraph build` writes it; `goalgraph index` rebuilds it), the nodes whose
  `skos:prefLabel` or `dct:description` contains the value (case-insensitive) are bound as
  `VALUES ?VAR { … }` at the start of the sub-selects that use `?VAR` (else of the outermost
  group), unless they are more than 5 % of the indexed texts (then the scan is cheaper). The index
  only narrows: the query must still test the text itself, and give the same
  rows without the index (as on rdflib, a server, or a stale index), reading `?VAR`'s other
  properties per row (`search-indicators`).
* `goalgraph query` only runs queries (SELECT, CONSTRUCT, ASK, DESCRIBE); text containing an update
  operation is refused.

Columns use researcher names (`project_code`, `project_name`, `department`, `indicator`, `target`,
`source_line` = the line of the source document the row was read from).

## Writing portable queries

Every query here is tested to give the same rows on pyoxigraph, rdflib, an Oxigraph server and
Virtuoso 7 (`tests/test_queries.py`). Rules that keep it so:

* `ORDER BY` on every SELECT, down to a unique key (`STR(?node)` as the last key); never sort on a
  variable that may be unbound (wrap it in `COALESCE(…, "")`).
* Never write a label as a `"…"@zh` constant in a triple pattern (rdflib's join order, TOOLING.md
  §5.2); a parameter looked up as below is a variable. Wrap string-function arguments in `STR()`.
* Never turn numbers into text: Oxigraph canonicalises `1000.00000` to `1000`, rdflib keeps it.
* Write decimal constants in arithmetic (`* 100.0`, `/ 100.0`): Virtuoso divides two integers as
  integers. Guard a zero numerator before dividing (`IF(?x = 0, 0, …)`): pyoxigraph 0.5.13 fails on
  `0 / 5417.346`.
* Concept labels (categories, operators, grades …) come from `VALUES` tables in the query, so the
  queries do not depend on the concept schemes being loaded, nor count them twice on a server whose
  default graph is the union of all graphs; aggregates count `DISTINCT` nodes for the same reason.
* Match a parameter against several properties with a path alternative in one triple pattern
  (below), not with `STR(?a) = ?param || STR(?b) = ?param` (Virtuoso 7.2 returns no rows for the
  latter), and avoid `CONCAT` inside such filters (same bug).
* Never put a `UNION` inside an `OPTIONAL` (Oxigraph evaluates that `UNION` unbound: 1 s instead of
  0.07 s on the seed).
* No engine-specific functions (`bif:`, `ofn:` …), no `SAMPLE` or `GROUP_CONCAT` (order-dependent).

## Looking up a parameter (issue #7)

A query with a parameter should cost milliseconds whatever the size of the store, so the parameter
must reach the store's indexes:

* Find the subject with a triple pattern whose object is the parameter, not with
  `FILTER(STR(?key) = ?param)`: Oxigraph tests such a filter on every candidate after the joins (a
  scan of the store), while a bound object is an index seek. Codes, 文号 and other identifiers are
  plain strings in the data, names and titles are `@zh`, so look up both forms:

  ```sparql
  VALUES ?as_name { false true }
  BIND(COALESCE(IF(?as_name, STRLANG(?param, "zh"), ?param), "") AS ?key)
  ?x dct:identifier|skos:prefLabel ?key .
  ```

  Put this at the start of the group (usually a sub-select's) that selects the rows: the `VALUES`,
  the `BIND` and the injected parameter then form one group element, which Oxigraph's planner joins
  first, and the rest of the group is joined per match. `COALESCE(…, "")` only tells the planner that
  `?key` is always bound; without it the lookup is not joined first. Further keys derived from the
  parameter (the title between 《》) are more rows of the same `VALUES` table.
* A node found twice (by its code and by its name) must not double a row: aggregate (`GROUP BY`), or
  look up in a `SELECT DISTINCT` sub-select.
* Keep IRI constants out of that `BIND`: Virtuoso 7 returns no rows when an `IF` in it mixes an
  IRI constant with a value from the parameter and the sub-select is followed by an `OPTIONAL`.
  Put the IRI in a column of the `VALUES` table instead
  (`VALUES (?as_name ?every) { (false gg:Project) (true "") }`, as `spending-plan` does).
* An empty parameter meaning "every …": a key that reaches the class or category itself, or a
  `UNION` with a sub-select `{ SELECT ?x WHERE { ?x a C . FILTER(?param = "") } }`, which Oxigraph
  skips without reading `C` when the parameter is not empty.
* pyoxigraph 0.5.13 evaluates an `OPTIONAL` per row (index seeks) only when its group is small: one
  or two triple patterns and nested `OPTIONAL`s. A larger group, or a property path with another
  pattern, is hash-joined over the whole store. Nest instead (a required third pattern becomes a
  nested `OPTIONAL` plus `FILTER(BOUND(…))`); the first source line of a node computed by a `BIND`
  is an `OPTIONAL` + `MIN` for the same reason (`duty-chain`).
* Check a plan with `oxigraph query --explain` on any store (the planner uses no statistics): a
  triple pattern that is not on the right of a `Lateral` / `ForLoopJoin` / `ForLoopLeftJoin` is
  read unbound, i.e. scanned. `test_parameter_lookups_are_index_seeks` checks every parameterised
  query so.
* The same holds for listings and summaries: join codes, names, labels and source lines to the
  selective side per row (`OPTIONAL` + `FILTER(BOUND(…))` gives the rows of the join), select the
  few nodes first in a sub-select (`titles-without-number`), and keep a generic branch's aggregates
  in one group joined to its guard: an `OPTIONAL { SELECT … }` directly in the branch is built
  before the guard is seen (`budget-by-department`: 6.9 s at province scale, 0.1 s now).
  `test_queries_read_whole_only_what_they_list` runs every plan with `--stats` on the fixture with
  summaries and allows each query to read whole only the table it lists.
* A listing selects its rows from the pattern that picks them, not from its class: a seek costs
  ~15 µs at province scale, a triple read in a scan ~0.3 µs. The category values
  (`VALUES ?cat {…} ?ind gg:indicatorCategory ?cat`, an index range), the values of a property
  read once and filtered as read (`nonstandard-doc-numbers`), a label scan (`satisfaction-targets`:
  97 s at province scale, 40 s now); the class is then tested per match
  (`OPTIONAL { ?x a ?c . FILTER(?c = C) }` + `BOUND`). Patterns joined after a `UNION` are read whole:
  put them in each branch or in `OPTIONAL` + `BOUND`, and keep a node the outer `OPTIONAL`s start
  from (`?owner`) bound by a required pattern, or they are hash-joined over the whole store.
* When every node of the table is needed (every milestone, every summary cell), read each of its
  properties whole in its own sub-select (`{ SELECT ?m ?amount WHERE { ?m gg:cumulativeAmount ?amount } }`),
  which Oxigraph hash-joins, where a group of triple patterns costs one seek per node and property
  (`plans-short-of-budget`: 15 s at province scale, 5 s now).
* A `VALUES` table in one group with a triple pattern is read first (a seek per row of the table):
  look the symbol of a value up in a nested `OPTIONAL { VALUES … }` + `FILTER(BOUND(…))`.
* A substring search starts from the store's text index when it is current (`narrows: ind`: a
  `VALUES` block of the matching nodes); without one, `search-indicators` reads every name and
  description literal once (`VALUES` of the two properties and a `BIND` of the needle as one group
  element, so the scan comes first and tests each literal as it is read). Either way the rest is
  read per match, as `OPTIONAL` + `BOUND`: joined as triple patterns to a `VALUES`-bound node,
  Oxigraph's planner reads every indicator first.

## Queries
"""


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def render_catalogue_markdown(catalogue: dict[str, SavedQuery] | None = None) -> str:
    catalogue = catalogue if catalogue is not None else load_catalogue()
    out = [README_INTRO]
    out.append("| query | form | summary |")
    out.append("|---|---|---|")
    for q in catalogue.values():
        out.append(f"| [`{q.name}`](#{q.name}) | {q.form} | {_md(q.summary)} |")
    out.append("")
    for q in catalogue.values():
        out.append(f"### {q.name}")
        out.append("")
        out.append(f"**{q.summary}**")
        out.append("")
        if q.description:
            out.append(q.description)
            out.append("")
        if q.tags:
            out.append("Tags: " + ", ".join(f"`{t}`" for t in q.tags))
            out.append("")
        if q.params:
            out.append("| parameter | type | default | description |")
            out.append("|---|---|---|---|")
            for p in q.params:
                default = "(required)" if p.default is None else (f"`{p.default}`" if p.default else '`""`')
                out.append(f"| `{p.name}` | {p.type} | {default} | {_md(p.description)} |")
            out.append("")
        if q.form == "SELECT":
            cols = _projection(q.text)
            if cols:
                out.append("Columns: " + ", ".join(f"`{c}`" for c in cols))
                out.append("")
        example = f"goalgraph query {q.name}"
        for p in q.params:
            if p.default:
                example += f" --param {p.name}={p.default}"
        out.append(f"    {example}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def readme_path() -> Path:
    return queries_dir() / "README.md"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    text = render_catalogue_markdown()
    if "--write-readme" in argv:
        readme_path().write_text(text, encoding="utf-8")
        print(f"wrote {readme_path()}")
    elif "--check-readme" in argv:
        current = readme_path().read_text(encoding="utf-8") if readme_path().exists() else ""
        if current != text:
            print(f"{readme_path()} is out of date: run python -m goalgraph.query --write-readme", file=sys.stderr)
            return 1
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
