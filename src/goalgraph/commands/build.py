"""`goalgraph build [INPUT...] [--out DIR] [--base IRI] [--quiet]`

Reads each input, converts the corpus (two passes: citations are resolved corpus-wide), and writes

- ``DIR/graph.nq``: one named graph ``ggid:graph/{doc}`` per source document; the ontology, concept
  schemes and units in the default graph;
- ``DIR/graph.ttl``: ontology + schemes + data in one Turtle file, loadable alone into any store;
- ``DIR/store``: the persistent embedded store; each document's named graph is replaced, so a
  re-run never duplicates triples.

Files are written atomically (temporary file + rename). Bad input ends with exit 2 and one line.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from goalgraph import iris
from goalgraph import ntriples as nt
from goalgraph.convert import Converted, convert_corpus
from goalgraph.errors import InputError, UsageError
from goalgraph.namespaces import DEFAULT_DATA_BASE, PREFIXES
from goalgraph.records import LINE_ROLES, Document
from goalgraph.store import GraphStore

DEFAULT_INPUT_DIR = Path("data/raw")


def add_arguments(parser) -> None:
    parser.add_argument("inputs", nargs="*", metavar="INPUT",
                        help=f"documents to read (default: every file under {DEFAULT_INPUT_DIR}/)")
    parser.add_argument("--out", default="build", metavar="DIR", help="output directory (default: build/)")
    parser.add_argument("--base", default=DEFAULT_DATA_BASE, metavar="IRI",
                        help=f"base IRI of instance data (default: {DEFAULT_DATA_BASE})")
    parser.add_argument("--quiet", action="store_true", help="print nothing on success")


def run(args) -> int:
    base = iris.check_base(args.base)
    paths = input_paths(args.inputs)
    docs = read_all(paths)
    results = list(convert_corpus(docs, base))
    ontology = ontology_text()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "graph.nq", nquads(ontology, results))
    write_atomic(out / "graph.ttl", turtle(ontology, results))
    with GraphStore.open(out / "store") as store:
        load_store(store, ontology, results)
        after_load(store, out, results)
    if not args.quiet:
        print(summary(docs, results, out))
    return 0


# ---------------------------------------------------------------------------------------------
# inputs


def input_paths(inputs: list[str]) -> list[Path]:
    """The files to read: the arguments, or every non-hidden file under data/raw/ (sorted)."""
    if inputs:
        paths = [Path(p) for p in inputs]
    else:
        if not DEFAULT_INPUT_DIR.is_dir():
            raise InputError(f"no INPUT given and no {DEFAULT_INPUT_DIR}/ directory here")
        paths = sorted(p for p in DEFAULT_INPUT_DIR.rglob("*")
                       if p.is_file() and not any(part.startswith(".") for part in p.parts))
        if not paths:
            raise InputError(f"no input files under {DEFAULT_INPUT_DIR}/")
    for p in paths:
        if not p.is_file():
            raise InputError("no such file" if not p.exists() else "not a file", str(p))
    check_distinct_ids(paths)
    return paths


def check_distinct_ids(paths: list[Path]) -> None:
    """Two inputs with the same {doc} id would overwrite each other's named graph."""
    seen: dict[str, Path] = {}
    for p in paths:
        doc = iris.doc_id(str(p))
        if doc in seen and seen[doc].resolve() != p.resolve():
            raise InputError(f"same document id '{doc}' as {seen[doc]}: rename one of them", str(p))
        seen[doc] = p


def read_all(paths: list[Path]) -> list[Document]:
    try:
        from goalgraph.read import read_document
    except ImportError as exc:  # pragma: no cover - the reader ships with the package
        raise UsageError(f"the document reader is not available: {exc}") from exc
    return [read_document(str(p)) for p in paths]


def ontology_text() -> str:
    """Ontology + schemes + units as N-Triples ("" with a warning if the module is missing)."""
    try:
        from goalgraph.ontology import ontology_ntriples
    except ImportError:  # pragma: no cover - depends on the checkout
        print("goalgraph build: warning: ontology not available; the default graph stays empty",
              file=sys.stderr)
        return ""
    return ontology_ntriples()


# ---------------------------------------------------------------------------------------------
# outputs


def nquads(ontology: str, results: list[Converted]) -> Iterator[str]:
    """Default graph: the ontology; one named graph per document (streamed, one document at a time)."""
    if ontology:
        yield ontology if ontology.endswith("\n") else ontology + "\n"
    for r in results:
        g = nt.iri(r.graph)
        yield "".join(nt.with_graph(line, g) for line in r.lines)


def prefixes() -> dict[str, str]:
    """Vocabulary prefixes only: instance IRIs stay whole (a ggid: prefix would need ``\\/`` escapes)."""
    return {p: str(ns) for p, ns in PREFIXES.items()}


def turtle(ontology: str, results: list[Converted]) -> bytes:
    """Everything in one graph, serialised by Oxigraph (fast) with the goalgraph prefixes.

    Triples are streamed in the sorted order of the N-Triples (so subjects stay grouped) and parsed
    without a store, which keeps the ontology's canonical blank-node labels: same input, same bytes.
    """
    def triples() -> Iterator[ox.Triple]:
        if ontology:
            yield from (q.triple for q in ox.parse(ontology, format=ox.RdfFormat.N_TRIPLES))
        for r in results:
            yield from (q.triple for q in ox.parse(r.text(), format=ox.RdfFormat.N_TRIPLES))

    return ox.serialize(triples(), format=ox.RdfFormat.TURTLE, prefixes=prefixes())


def write_atomic(path: Path, data: str | bytes | Iterable[str]) -> None:
    """Write to a temporary file next to ``path``, then rename over it."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    chunks = [data] if isinstance(data, (str, bytes)) else data
    try:
        with open(tmp, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def load_store(store: GraphStore, ontology: str, results: list[Converted]) -> None:
    """Replace the default graph (ontology) and each document's named graph."""
    store.store.update("DROP SILENT DEFAULT")
    if ontology:
        store.load(ontology, fmt="ntriples")
    for r in results:
        store.replace_graph(r.graph, r.text(), fmt="ntriples")
    store.flush()


def after_load(store: GraphStore, out: Path, results: list[Converted]) -> None:
    """Hook run once the store holds the new graphs: SHACL validation goes here.

    To be wired by the lead, e.g. ``write_reports(validate_graph(store), out)`` from
    :mod:`goalgraph.validate` (writes ``report.ttl`` and ``report.md``). Does nothing yet.
    """


# ---------------------------------------------------------------------------------------------
# the summary printed at the end


def summary(docs: list[Document], results: list[Converted], out: Path) -> str:
    types: Counter = Counter()
    policy: Counter = Counter()
    for r in results:
        types.update(r.types)
        policy.update(r.policy_documents)
    triples = sum(len(r.lines) for r in results)
    lines = [f"built {out}/graph.nq, graph.ttl, store: {len(docs)} document(s), {triples} data triples"]
    lines.append("nodes by class:")
    lines += [f"  {cls:<20} {n:>8}" for cls, n in sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))]
    lines.append("policy documents: " + ", ".join(
        f"{policy.get(k, 0)} {k}" for k in ("numbered", "title-only", "standard", "other")))
    lines.append("line accounting:")
    for doc in docs:
        counts = doc.role_counts()
        parts = ", ".join(f"{counts[role]} {role}" for role in LINE_ROLES)
        lines.append(f"  {Path(doc.path).name}: {doc.line_count} lines = {parts}")
    return "\n".join(lines)
