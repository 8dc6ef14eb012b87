"""The embedded store: Oxigraph (pyoxigraph), in memory or persistent on disk.

One small interface for every stage that needs a store (build, query, validate, export, serve).
Data lives in one named graph per source document; the default graph holds the ontology and
concept schemes. Queries see the union of all graphs by default.

* ``GraphStore()`` is an in-memory Oxigraph store (tests, small runs).
* ``GraphStore.open(path)`` is the persistent default: a RocksDB directory that the Oxigraph server
  (``goalgraph serve``) can open too. A directory is held by **one process** at a time; a second
  process gets :class:`~goalgraph.errors.StoreInUseError`. ``read_only=True`` opens without the
  lock (safe only while no other process writes).
* ``GraphStore.from_rdflib(graph)`` / ``store.to_rdflib()`` move small graphs between Oxigraph and
  rdflib (SHACL, reports, odd formats). rdflib stays the in-memory model for *small* graphs only.

Note: Oxigraph stores ``xsd:decimal`` (and other numeric types) as values, so lexical forms are
canonicalised on load (``"12.50"^^xsd:decimal`` comes back as ``"12.5"``).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox

from goalgraph.errors import GoalgraphError, InputError, StoreInUseError

FORMATS = {
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}
QUAD_FORMATS = ("nquads", "trig", "jsonld")

IN_USE = ("store in use by another process (a build, a Python session or 'goalgraph serve'/'oxigraph serve'); "
          "close it first")

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class GraphStore:
    """A thin wrapper around :class:`pyoxigraph.Store`.

    ``GraphStore()`` is in memory; ``GraphStore.open(path)`` is persistent (RocksDB directory).
    """

    def __init__(self, store: ox.Store | None = None, path: Path | None = None, read_only: bool = False):
        self.store = store if store is not None else ox.Store()
        self.path = path
        self.read_only = read_only

    @classmethod
    def open(cls, path: str | Path | None, read_only: bool = False) -> "GraphStore":
        if path is None:
            return cls()
        path = Path(path)
        try:
            if read_only:
                if not (path / "CURRENT").exists():
                    raise GoalgraphError(f"{path}: no store here (run 'goalgraph build' first)")
                return cls(ox.Store.read_only(str(path)), path, read_only=True)
            path.mkdir(parents=True, exist_ok=True)
            return cls(ox.Store(str(path)), path)
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreInUseError(f"{path}: {IN_USE}") from exc
            raise GoalgraphError(f"{path}: cannot open store: {exc}") from exc

    # -- rdflib bridge -------------------------------------------------------------------------
    @classmethod
    def from_rdflib(cls, graph, graph_name: str | None = None) -> "GraphStore":
        """An in-memory store holding an rdflib ``Graph`` (into ``graph_name`` or the default
        graph) or ``Dataset``/``ConjunctiveGraph`` (each context into its named graph)."""
        store = cls()
        store.add_rdflib(graph, graph_name)
        return store

    def add_rdflib(self, graph, graph_name: str | None = None) -> None:
        from rdflib import ConjunctiveGraph

        quads: list[ox.Quad] = []
        if isinstance(graph, ConjunctiveGraph):  # Dataset is a ConjunctiveGraph
            for s, p, o, c in graph.quads((None, None, None, None)):
                ident = getattr(c, "identifier", c)
                quads.append(ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o), _graph_to_ox(ident)))
        else:
            g = ox.NamedNode(graph_name) if graph_name else ox.DefaultGraph()
            for s, p, o in graph:
                quads.append(ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o), g))
        self.store.extend(quads)

    def to_rdflib(self, graph: str | None = None, union: bool = False):
        """An rdflib copy (small graphs only): a ``Dataset`` of every graph, or a ``Graph`` of one
        named graph (``graph``) or of the union of all graphs (``union=True``)."""
        from rdflib import Dataset, Graph
        from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

        if graph is not None or union:
            out = Graph()
            if graph is not None:
                triples = ((q.subject, q.predicate, q.object)
                           for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
            else:
                triples = ((t.subject, t.predicate, t.object)
                           for t in self.store.query("CONSTRUCT {?s ?p ?o} WHERE {?s ?p ?o}",
                                                     use_default_graph_as_union=True))
            for s, p, o in triples:
                out.add((_to_rdflib(s), _to_rdflib(p), _to_rdflib(o)))
            return out
        ds = Dataset()
        for q in self.store:
            if isinstance(q.graph_name, ox.DefaultGraph):
                ctx = ds.graph(DATASET_DEFAULT_GRAPH_ID)
            else:
                ctx = ds.graph(_to_rdflib(q.graph_name))
            ctx.add((_to_rdflib(q.subject), _to_rdflib(q.predicate), _to_rdflib(q.object)))
        return ds

    # -- loading -------------------------------------------------------------------------------
    def load(self, data: bytes | str, fmt: str = "nquads", graph: str | None = None, bulk: bool = False) -> None:
        """Load serialised RDF; ``graph`` puts triple formats into that named graph."""
        to_graph = ox.NamedNode(graph) if graph else None
        kwargs = {"format": FORMATS[fmt]}
        if to_graph is not None:
            kwargs["to_graph"] = to_graph
        try:
            if bulk:
                self.store.bulk_load(data, **kwargs)
            else:
                self.store.load(data, **kwargs)
        except SyntaxError as exc:
            raise InputError(f"cannot parse {fmt}: {_first_line(exc)}") from exc

    def load_file(self, path: str | Path, fmt: str | None = None, graph: str | None = None) -> None:
        """Bulk-load a file. Parsing is Oxigraph's: JSON-LD remote ``@context`` URLs and RDF/XML
        external entities are never fetched (the parse fails instead)."""
        fmt = fmt or guess_format(path)
        to_graph = {"to_graph": ox.NamedNode(graph)} if graph else {}
        try:
            self.store.bulk_load(path=str(path), format=FORMATS[fmt], **to_graph)
        except SyntaxError as exc:
            raise InputError(f"cannot parse as {fmt}: {_first_line(exc)}", file=str(path)) from exc
        except OSError as exc:
            raise InputError(f"cannot read: {exc}", file=str(path)) from exc

    def replace_graph(self, graph: str, data: bytes | str, fmt: str = "ntriples") -> int:
        """Replace one named graph atomically: the drop and the insert run as **one** SPARQL
        update, which Oxigraph applies in a single transaction, so readers see the old graph or
        the new one, never a mix or an empty graph. Returns the number of triples written."""
        name = ox.NamedNode(graph)
        try:
            parsed = ox.parse(data, format=FORMATS[fmt])
            lines = []
            for q in parsed:
                if isinstance(q, ox.Quad) and not isinstance(q.graph_name, ox.DefaultGraph):
                    raise InputError(f"replace_graph({graph}): data names graph {q.graph_name}; give triples")
                lines.append(f"{q.subject} {q.predicate} {q.object} .")
        except SyntaxError as exc:
            raise InputError(f"replace_graph({graph}): cannot parse {fmt}: {_first_line(exc)}") from exc
        body = "\n".join(lines)
        self.store.update(f"DROP SILENT GRAPH {name} ;\nINSERT DATA {{ GRAPH {name} {{\n{body}\n}} }}")
        return len(lines)

    # -- querying ------------------------------------------------------------------------------
    def query(self, sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
              union: bool = True):
        """Run a SPARQL query; ``bindings`` substitute variables with RDF terms (never text splicing)."""
        subs = {ox.Variable(k): v for k, v in (bindings or {}).items()}
        return self.store.query(sparql, use_default_graph_as_union=union, substitutions=subs or None)

    def select(self, sparql: str, bindings=None, union: bool = True) -> list[dict[str, object]]:
        """SELECT rows as dicts of variable name → pyoxigraph term (absent when unbound)."""
        solutions = self.query(sparql, bindings, union)
        names = [v.value for v in solutions.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in solutions]

    def count(self, graph: str | None = None) -> int:
        """Quads in the store, or triples in one named graph."""
        if graph is None:
            return len(self.store)
        name = ox.NamedNode(graph)  # validates the IRI, so it is safe to write into the query
        rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {name} {{ ?s ?p ?o }} }}", union=False)
        return int(rows[0]["n"].value)

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs())

    # -- output --------------------------------------------------------------------------------
    def dump(self, fmt: str = "nquads", graph: str | None = None, output=None,
             prefixes: Mapping[str, str] | None = None) -> bytes | None:
        """Serialise the dataset (quad formats) or one graph (``graph``; the default graph when
        a triple format is asked without ``graph``)."""
        kwargs = {"format": FORMATS[fmt]}
        if graph is not None:
            kwargs["from_graph"] = ox.NamedNode(graph)
        elif fmt not in ("nquads", "trig"):
            kwargs["from_graph"] = ox.DefaultGraph()
        if prefixes and fmt in ("turtle", "trig", "xml", "jsonld"):
            kwargs["prefixes"] = dict(prefixes)
        return self.store.dump(output, **kwargs)

    def flush(self) -> None:
        if self.path is not None and self.store is not None and not self.read_only:
            self.store.flush()

    def close(self) -> None:
        """Flush and release the directory (the RocksDB lock goes with the last reference)."""
        if self.store is None:
            return
        self.flush()
        self.store = None
        gc.collect()  # drop query iterators that may still reference the store

    def __enter__(self) -> "GraphStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def refuse_if_in_use(path: str | Path) -> None:
    """Raise :class:`StoreInUseError` when a process holds the store at ``path`` (:func:`in_use`)."""
    if in_use(path):
        raise StoreInUseError(f"{path}: {IN_USE}")


def in_use(path: str | Path) -> bool:
    """Whether a process (this one included) holds the store at ``path`` open for writing, found
    without opening it: a read-write open may compact the store, which changes its files (and so
    makes its text index stale). RocksDB holds an ``fcntl`` lock on ``LOCK`` while it is open."""
    import fcntl
    import os

    lock = Path(path) / "LOCK"
    if not lock.is_file():
        return False  # no store: nobody holds it
    here = _open_in_this_process(lock)
    if here is None:  # not Linux: open the store itself (RocksDB refuses a held one)
        return _open_refused(path)
    if here:
        # never open the file here: closing any descriptor of it drops this process's lock
        return True
    try:
        fd = os.open(lock, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # also releases the probe's own lock
    return False


def _open_refused(path: str | Path) -> bool:
    """Whether RocksDB refuses to open the store for its lock (a read-write open: it may compact)."""
    try:
        held = ox.Store(str(path))
    except OSError as exc:
        return "lock" in str(exc).lower()
    del held
    gc.collect()
    return False


_PROC_FDS = Path("/proc/self/fd")


def _open_in_this_process(path: Path) -> bool | None:
    """Whether this process has ``path`` open (Linux ``/proc``; None elsewhere: it cannot tell)."""
    if not _PROC_FDS.is_dir():
        return None
    target = path.resolve()
    for fd in _PROC_FDS.iterdir():
        try:
            if fd.resolve() == target:
                return True
        except OSError:  # a descriptor closed while listing
            continue
    return False


def guess_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    for fmt, suffixes in {
        "ntriples": (".nt",), "nquads": (".nq",), "turtle": (".ttl",), "trig": (".trig",),
        "jsonld": (".jsonld", ".json"), "xml": (".rdf", ".owl", ".xml"),
    }.items():
        if suffix in suffixes:
            return fmt
    raise GoalgraphError(f"{path}: cannot tell the RDF format from the file name")


def terms_to_python(row: Mapping[str, object]) -> dict[str, object]:
    """pyoxigraph terms → plain Python values (IRIs and literals as their lexical value)."""
    return {k: getattr(v, "value", v) for k, v in row.items()}


def quads(items: Iterable[ox.Quad]) -> list[ox.Quad]:
    return list(items)


# -- term conversion ----------------------------------------------------------------------------
def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _to_ox(term):
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise GoalgraphError(f"cannot store RDF term {term!r}")


def _graph_to_ox(ident):
    from rdflib import BNode
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    if ident is None or ident == DATASET_DEFAULT_GRAPH_ID:
        return ox.DefaultGraph()
    if isinstance(ident, BNode):
        return ox.DefaultGraph()  # rdflib's anonymous default contexts
    return ox.NamedNode(str(ident))


def _to_rdflib(term):
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt))
    raise GoalgraphError(f"cannot convert RDF term {term!r} to rdflib (RDF-star triple terms are not supported)")


to_rdflib_term = _to_rdflib
to_ox_term = _to_ox


def cached_rdflib_terms():
    """:func:`to_rdflib_term` with a per-call-site cache: copying many quads into rdflib meets the
    same subjects, predicates and classes over and over."""
    cache: dict = {}

    def term(t):
        r = cache.get(t)
        if r is None:
            r = cache[t] = _to_rdflib(t)
        return r

    return term


def read_rdflib(path: str | Path):
    """Parse an RDF file into rdflib *through Oxigraph*: a JSON-LD remote ``@context`` or an RDF/XML
    external entity is never fetched (rdflib's own JSON-LD parser would download contexts).
    Quad formats give a ``Dataset``; triple formats a ``Graph``."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", file=str(path))
    fmt = guess_format(path)
    store = GraphStore()
    store.load_file(path, fmt)
    return store.to_rdflib() if fmt in ("nquads", "trig") else store.to_rdflib(union=True)
