"""Linked-data export of the store, and a VoID + DCAT description of the dataset.

* N-Quads and TriG carry the whole dataset: the ontology in the default graph and one named graph
  per source document. They are written by pyoxigraph's ``dump`` (fast: about 0.6 s per 1M triples).
* Turtle, N-Triples and RDF/XML hold one graph: the **union** of every graph (duplicates merged),
  or a single named graph with ``graph=``. Also pyoxigraph.
* JSON-LD goes through rdflib, compacted with goalgraph's published ``@context``
  (``ontology/context.jsonld``, embedded inline so readers never fetch it). Named graphs become
  ``@graph`` objects. rdflib is slow on big graphs (about 30k triples/s): fine for documents,
  not for a 10M-triple store.

Round trips are exact up to Oxigraph's canonical lexical forms of numbers (``"12.50"^^xsd:decimal``
is stored and exported as ``"12.5"``).

Inputs are parsed by pyoxigraph only (see :meth:`GraphStore.load_file`): a JSON-LD remote
``@context`` or an RDF/XML external entity is never fetched.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD

from goalgraph.errors import GoalgraphError, UsageError
from goalgraph.namespaces import DEFAULT_DATA_BASE, GG, GGSH, PREFIXES, bind_prefixes
from goalgraph.store import FORMATS, GraphStore

EXPORT_FORMATS = ("turtle", "ntriples", "nquads", "trig", "jsonld", "xml")
TRIPLE_FORMATS = ("turtle", "ntriples", "xml")
SUFFIX = {"turtle": ".ttl", "ntriples": ".nt", "nquads": ".nq", "trig": ".trig", "jsonld": ".jsonld",
          "xml": ".rdf", "void": ".ttl"}
SHAPES_IRI = URIRef(str(GGSH).rstrip("#"))
ONTOLOGY_IRI = URIRef(str(GG).rstrip("#"))
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")


def prefixes(data_base: str = DEFAULT_DATA_BASE) -> dict[str, str]:
    out = {p: str(ns) for p, ns in PREFIXES.items()}
    out["ggid"] = data_base
    return out


def load_context(path: str | Path | None = None) -> dict:
    """The ``@context`` object of goalgraph's JSON-LD context file (packaged, or ``path``)."""
    if path is None:
        from goalgraph.resources import resource_file

        path = resource_file("ontology", "context.jsonld")
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise GoalgraphError(f"{path}: JSON-LD context file is missing") from exc
    except ValueError as exc:
        raise GoalgraphError(f"{path}: not valid JSON: {exc}") from exc
    ctx = doc.get("@context", doc) if isinstance(doc, dict) else None
    if not isinstance(ctx, dict):
        raise GoalgraphError(f"{path}: expected an object with an inline @context (no remote contexts)")
    return ctx


def export(store: GraphStore, fmt: str, output=None, graph: str | None = None,
           context: str | Path | Mapping | None = None, data_base: str = DEFAULT_DATA_BASE) -> bytes | None:
    """Serialise ``store`` as ``fmt`` into ``output`` (a path or binary file) or return bytes."""
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"unknown export format {fmt!r} (one of {', '.join(EXPORT_FORMATS)})")
    if graph is not None and graph not in store.named_graphs():
        raise UsageError(f"no named graph <{graph}> in the store")
    pre = prefixes(data_base)
    if fmt == "jsonld":
        data = _jsonld(store, graph, context)
        return _write(data, output)
    if fmt in ("nquads", "trig") and graph is None:
        kwargs = {"prefixes": pre} if fmt == "trig" else {}
        return _write_ox(lambda out: store.store.dump(out, format=FORMATS[fmt], **kwargs), output)
    if graph is not None:
        if fmt in ("nquads", "trig"):
            quads = store.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
            kwargs = {"prefixes": pre} if fmt == "trig" else {}
            return _write_ox(lambda out: ox.serialize(quads, out, FORMATS[fmt], **kwargs), output)
        kwargs = {"prefixes": pre} if fmt != "ntriples" else {}
        return _write_ox(lambda out: store.store.dump(out, format=FORMATS[fmt], from_graph=ox.NamedNode(graph),
                                                       **kwargs), output)
    # triple format of the whole dataset: the union of all graphs, each triple once
    triples = store.store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    kwargs = {"prefixes": pre} if fmt != "ntriples" else {}
    return _write_ox(lambda out: ox.serialize(triples, out, FORMATS[fmt], **kwargs), output)


def _write_ox(fn, output):
    if output is None:
        return fn(None)
    fn(str(output) if isinstance(output, (str, Path)) else output)
    return None


def _write(data: bytes, output):
    if output is None:
        return data
    if isinstance(output, (str, Path)):
        Path(output).write_bytes(data)
    else:
        output.write(data)
    return None


def _jsonld(store: GraphStore, graph: str | None, context) -> bytes:
    """JSON-LD compacted with ``context`` (inline). The default graph's nodes sit at the top of
    ``@graph``; each named graph is a ``{"@id": graph, "@graph": [...]}`` object. (rdflib's own
    Dataset serialisation puts the default graph in an anonymous graph object, which parsers read
    back as a blank-node *named* graph, so the dataset is assembled here.)"""
    ctx = dict(context) if isinstance(context, Mapping) else load_context(context)
    if graph is not None:
        nodes = _jsonld_nodes(store.to_rdflib(graph=graph), ctx)
        doc = {"@context": ctx, "@graph": nodes}
    else:
        default = Graph()
        for s, p, o in store.to_rdflib(union=False).default_graph:
            default.add((s, p, o))
        items = _jsonld_nodes(default, ctx)
        for name in store.named_graphs():
            items.append({"@id": name, "@graph": _jsonld_nodes(store.to_rdflib(graph=name), ctx)})
        doc = {"@context": ctx, "@graph": items}
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


def _jsonld_nodes(graph: Graph, ctx: dict) -> list:
    if len(graph) == 0:
        return []
    out = json.loads(graph.serialize(format="json-ld", context=ctx, auto_compact=False))
    if isinstance(out, list):
        return out
    out.pop("@context", None)
    if "@graph" in out and len(out) == 1:
        return list(out["@graph"])
    return [out]


# -- VoID + DCAT ----------------------------------------------------------------------------------
def dataset_description(store: GraphStore, *, title: str = "goalgraph: budget performance targets (预算绩效目标)",
                        license: str | None = None, sparql_endpoint: str | None = None,
                        data_base: str = DEFAULT_DATA_BASE, data_dumps: Sequence[str] = ()) -> Graph:
    """A VoID + DCAT description: title, sources, license, triple and class-partition counts,
    vocabularies used, the shapes it conforms to, one subset per named graph, and the SPARQL
    endpoint and dumps when known."""
    g = bind_prefixes(Graph(), data_base)
    g.bind("void", VOID)
    ds = URIRef(data_base + "dataset")
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal(title)))
    g.add((ds, DCTERMS.description, Literal(
        "Government budget performance-target documents converted to RDF: projects, goals, "
        "indicators, targets and cited policy documents, one named graph per source document.", lang="en")))
    g.add((ds, VOID.uriSpace, Literal(data_base)))
    g.add((ds, DCTERMS.conformsTo, SHAPES_IRI))
    g.add((ds, DCTERMS.conformsTo, ONTOLOGY_IRI))
    if license:
        g.add((ds, DCTERMS.license, URIRef(license)))
    if sparql_endpoint:
        g.add((ds, VOID.sparqlEndpoint, URIRef(sparql_endpoint)))
    for dump in data_dumps:
        g.add((ds, VOID.dataDump, URIRef(dump)))

    g.add((ds, VOID.triples, Literal(store.count(), datatype=XSD.integer)))
    for row in store.select("SELECT DISTINCT ?doc WHERE { ?doc a <%s> }" % GG.SourceDocument):
        g.add((ds, DCTERMS.source, URIRef(row["doc"].value)))
    n_entities = store.select("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c }")[0]["n"].value
    g.add((ds, VOID.entities, Literal(int(n_entities), datatype=XSD.integer)))

    rows = store.select("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c")
    for row in rows:
        cls = row["c"].value
        part = URIRef(f"{data_base}dataset/class/{hashlib.sha1(cls.encode()).hexdigest()[:12]}")
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, Literal(int(row["n"].value), datatype=XSD.integer)))

    used = {r["t"].value for r in store.select(
        "SELECT DISTINCT ?t WHERE { { ?s ?t ?o } UNION { ?s a ?t } }")}
    for ns in sorted({str(ns) for ns in PREFIXES.values()}):
        if any(t.startswith(ns) for t in used):
            g.add((ds, VOID.vocabulary, URIRef(ns.rstrip("#") if ns.endswith("#") else ns)))

    for name in store.named_graphs():
        sub = URIRef(name)
        g.add((ds, VOID.subset, sub))
        g.add((sub, RDF.type, VOID.Dataset))
        g.add((sub, SD.name, URIRef(name)))
        g.add((sub, VOID.triples, Literal(store.count(name), datatype=XSD.integer)))
    return g


def open_input(store_dir: str | Path | None, graph_file: str | Path | None) -> GraphStore:
    """The store to export/publish: a persistent store (read-only) or a graph file loaded in memory."""
    if graph_file is not None:
        path = Path(graph_file)
        if not path.is_file():
            raise GoalgraphError(f"{path}: no such file")
        store = GraphStore()
        store.load_file(path)
        return store
    return GraphStore.open(store_dir or "build/store", read_only=True)
