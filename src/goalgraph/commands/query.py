"""`goalgraph query list` and `goalgraph query NAME [--param k=v]... [--format F]
[--graph FILE | --store DIR | --endpoint URL] [--out FILE]`.

Runs a saved query (``queries/NAME.rq``, or a ``.rq`` file given by path). The data source is one
of: ``--graph FILE`` (loaded into an in-memory Oxigraph store; rdflib's engine only with
``--engine rdflib``), ``--store DIR`` (an embedded store, opened read-only), ``--endpoint URL`` (a
remote SPARQL 1.1 query endpoint); without one, ``build/store`` when it exists.

On an embedded store, the output of a query that took a second or more is kept inside the store
directory and given again while the store is unchanged (:mod:`goalgraph.resultcache`; ``--no-cache``
runs the query anyway).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from goalgraph import query as Q
from goalgraph import resultcache
from goalgraph.errors import GoalgraphError, UsageError

DEFAULT_STORE = Path("build/store")


def add_arguments(parser) -> None:
    parser.add_argument("name", metavar="NAME", help="a saved query name, 'list', or a path to a .rq file")
    parser.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE",
                        help="bind a query parameter (repeatable)")
    parser.add_argument("--format", "-f", choices=Q.SELECT_FORMATS + Q.GRAPH_FORMATS, default=None,
                        help="output format: table (default), csv, json, markdown for SELECT; "
                             "turtle (default) or ntriples for CONSTRUCT")
    src = parser.add_mutually_exclusive_group()
    src.add_argument("--graph", metavar="FILE", help="RDF file to query (Turtle, N-Triples, N-Quads, TriG …)")
    src.add_argument("--store", metavar="DIR", help=f"embedded store directory (default: {DEFAULT_STORE} if present)")
    src.add_argument("--endpoint", metavar="URL", help="remote SPARQL 1.1 query endpoint URL")
    parser.add_argument("--engine", choices=("oxigraph", "rdflib"), default="oxigraph",
                        help="engine for --graph: oxigraph (default) or rdflib (small graphs only)")
    parser.add_argument("--server", default="generic", metavar="KIND",
                        help="kind of the --endpoint server: generic (default), oxigraph or virtuoso")
    parser.add_argument("--out", "-o", metavar="FILE", help="write the result to FILE instead of stdout")
    parser.add_argument("--no-cache", action="store_true",
                        help="run the query on the store even when its result is kept from an earlier run")


def run(args) -> int:
    if args.name == "list":
        _write(_list_text(), args.out)
        return 0
    saved = Q.find_query(args.name)
    params = Q.parse_param_args(args.param)
    bindings = Q.bind_params(saved, params)
    if args.format is not None:
        wanted = Q.GRAPH_FORMATS if saved.form in ("CONSTRUCT", "DESCRIBE") else Q.SELECT_FORMATS
        if saved.form != "ASK" and args.format not in wanted:
            raise UsageError(f"{saved.name} is a {saved.form} query: --format must be one of {', '.join(wanted)}")
    if args.engine == "rdflib" and not args.graph:
        raise UsageError("--engine rdflib needs --graph FILE")
    directory = _store_directory(args)
    if directory is None or args.no_cache:
        text = Q.format_result(_execute(saved, bindings, args, directory), args.format)
    else:
        text = _kept_or_run(saved, bindings, args, directory)
    _write(text, args.out)
    return 0


def _kept_or_run(saved: Q.SavedQuery, bindings, args, directory: Path) -> str:
    """The output kept from an earlier run on the unchanged store, else the query's (kept when it
    took :data:`resultcache.MIN_SECONDS` or more and the store did not change meanwhile)."""
    fmt, text_run = args.format or "default", Q.with_values(saved.text, bindings)
    before = resultcache.fingerprint_id(directory)
    kept = resultcache.get(directory, before, text_run, fmt)
    if kept is not None:
        print(f"goalgraph query: {saved.name}: the output kept from an earlier run (the store has not changed "
              "since; --no-cache runs the query)", file=sys.stderr)
        return kept
    start = time.monotonic()
    text = Q.format_result(_execute(saved, bindings, args, directory), args.format)
    took = time.monotonic() - start
    if took >= resultcache.MIN_SECONDS and resultcache.fingerprint_id(directory) == before \
            and resultcache.put(directory, before, text_run, fmt, text):
        print(f"goalgraph query: {saved.name} took {took:.1f} s; its output is kept for the next run on "
              "this store while it is unchanged", file=sys.stderr)
    return text


def _store_directory(args) -> Path | None:
    """The embedded store the query runs on (None for --endpoint or --graph)."""
    if args.endpoint or args.graph:
        return None
    directory = Path(args.store) if args.store else DEFAULT_STORE
    if not directory.exists():
        if args.store:
            raise UsageError(f"{directory}: no store here (run 'goalgraph build' first)")
        raise UsageError(f"no data: {DEFAULT_STORE} does not exist; run 'goalgraph build' or give "
                         "--graph FILE, --store DIR or --endpoint URL")
    return directory


def _execute(saved: Q.SavedQuery, bindings, args, directory: Path | None) -> Q.QueryResult:
    """Run on the source ``args`` names; ``directory`` is the embedded store's (:func:`_store_directory`)."""
    if args.endpoint:
        try:
            from goalgraph.endpoint import SparqlEndpoint
        except ImportError as exc:  # pragma: no cover - the endpoint module ships with goalgraph
            raise UsageError(f"remote endpoints are not available in this installation ({exc})") from exc
        endpoint = SparqlEndpoint(args.endpoint, server=args.server)
        return Q.run_on_endpoint(endpoint, saved, bindings)
    if args.graph:
        path = Path(args.graph)
        if not path.is_file():
            raise UsageError(f"{path}: no such file")
        if args.engine == "rdflib":
            return Q.run_on_rdflib(_rdflib_graph(path), saved, bindings)
        from goalgraph.store import GraphStore
        store = GraphStore()
        try:
            store.load_file(path)
        except GoalgraphError:
            raise
        except (SyntaxError, ValueError, OSError) as exc:
            raise UsageError(f"{path}: cannot load: {exc}") from exc
        return Q.run_on_store(store, saved, bindings)
    from goalgraph.store import GraphStore
    _note_text_index(saved, directory)
    store = GraphStore.open(directory, read_only=True)
    try:
        return Q.run_on_store(store, saved, bindings)
    finally:
        store.close()


def _note_text_index(saved: Q.SavedQuery, directory: Path) -> None:
    """Say on stderr why a text search scans the store when its index is not current."""
    from goalgraph import textindex

    if any(p.narrows for p in saved.params):
        state = textindex.status(directory)
        if state != "current":
            print(f"goalgraph query: the text index of {directory} is {state}: {saved.name} reads every "
                  f"name and description (goalgraph index --store {directory} rebuilds it)", file=sys.stderr)


def _rdflib_graph(path: Path):
    """The file as an rdflib graph for ``--engine rdflib`` (parsed by Oxigraph: nothing is fetched)."""
    from goalgraph.store import read_rdflib

    return read_rdflib(path)


def _list_text() -> str:
    catalogue = Q.load_catalogue()
    rows = []
    for q in catalogue.values():
        params = " ".join(f"{p.name}={p.default if p.default is not None else '?'}" if p.default
                          else (f"{p.name}=\"\"" if p.default == "" else f"{p.name}=(required)")
                          for p in q.params)
        rows.append((q.name, q.form, q.summary, params))
    from rdflib import Literal
    result = Q.QueryResult("SELECT", ["name", "form", "summary", "params"],
                           [{c: Literal(v) for c, v in zip(["name", "form", "summary", "params"], r) if v}
                            for r in rows])
    return Q.format_table(result, max_width=90)


def _write(text: str, out: str | None) -> None:
    if out:
        try:
            Path(out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"{out}: cannot write: {exc}") from exc
    else:
        sys.stdout.write(text)
