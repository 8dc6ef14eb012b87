"""The embedded store: Oxigraph (pyoxigraph), in memory or persistent on disk.

One small interface for every stage that needs a store (build, query, validate, export, serve).
Data lives in one named graph per source document; the default graph holds the ontology and
concept schemes. Queries see the union of all graphs by default.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox

from goalgraph.errors import GoalgraphError, StoreInUseError

FORMATS = {
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}


class GraphStore:
    """A thin wrapper around :class:`pyoxigraph.Store`.

    ``GraphStore()`` is in memory; ``GraphStore.open(path)`` is persistent (RocksDB directory).
    """

    def __init__(self, store: ox.Store | None = None, path: Path | None = None):
        self.store = store if store is not None else ox.Store()
        self.path = path

    @classmethod
    def open(cls, path: str | Path | None, read_only: bool = False) -> "GraphStore":
        if path is None:
            return cls()
        path = Path(path)
        try:
            if read_only:
                if not path.exists():
                    raise GoalgraphError(f"{path}: no store here (run 'goalgraph build' first)")
                return cls(ox.Store.read_only(str(path)), path)
            path.mkdir(parents=True, exist_ok=True)
            return cls(ox.Store(str(path)), path)
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreInUseError(f"{path}: store in use by another process ({exc})") from exc
            raise GoalgraphError(f"{path}: cannot open store: {exc}") from exc

    # -- loading -------------------------------------------------------------------------------
    def load(self, data: bytes | str, fmt: str = "nquads", graph: str | None = None, bulk: bool = False) -> None:
        """Load serialised RDF; ``graph`` puts triple formats into that named graph."""
        to_graph = ox.NamedNode(graph) if graph else None
        kwargs = {"format": FORMATS[fmt]}
        if to_graph is not None:
            kwargs["to_graph"] = to_graph
        if bulk:
            self.store.bulk_load(data, **kwargs)
        else:
            self.store.load(data, **kwargs)

    def load_file(self, path: str | Path, fmt: str | None = None, graph: str | None = None) -> None:
        fmt = fmt or guess_format(path)
        to_graph = {"to_graph": ox.NamedNode(graph)} if graph else {}
        self.store.bulk_load(path=str(path), format=FORMATS[fmt], **to_graph)

    def replace_graph(self, graph: str, data: bytes | str, fmt: str = "ntriples") -> None:
        """Replace one named graph atomically (one transaction: readers see old or new)."""
        name = ox.NamedNode(graph)
        quads = list(ox.parse(data, format=FORMATS[fmt]))
        update = [ox.Quad(q.subject, q.predicate, q.object, name) for q in quads]
        # pyoxigraph applies `update` DELETE/INSERT in one transaction
        self.store.update(f"DROP SILENT GRAPH <{graph}>")
        self.store.extend(update)

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

    def count(self) -> int:
        return len(self.store)

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs())

    # -- output --------------------------------------------------------------------------------
    def dump(self, fmt: str = "nquads", graph: str | None = None) -> bytes:
        kwargs = {"format": FORMATS[fmt]}
        if graph is not None:
            kwargs["from_graph"] = ox.NamedNode(graph)
        elif fmt not in ("nquads", "trig"):
            kwargs["from_graph"] = ox.DefaultGraph()
        return self.store.dump(**kwargs)

    def flush(self) -> None:
        if self.path is not None:
            self.store.flush()

    def close(self) -> None:
        self.flush()
        self.store = None  # RocksDB is released when the Store is garbage-collected

    def __enter__(self) -> "GraphStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


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
