"""`goalgraph publish [--store DIR | --graph FILE] --endpoint URL [--server oxigraph|virtuoso]`

Publishes the graph to a SPARQL 1.1 endpoint with the Graph Store Protocol: every named graph
(one per source document) is **replaced** with PUT, so a re-run never duplicates triples, and
the default graph (ontology, schemes, units) goes into the named graph ``ggid:graph/ontology``
(the default graph is not PUT: on Virtuoso it is the union of every graph, system graphs
included, so replacing it is unsafe; on every server a named graph is addressable the same way).

Each graph is replaced atomically on Oxigraph (one transaction). Virtuoso's PUT is not atomic,
so the adapter stages each graph and moves it into place (see ``goalgraph.endpoint``). A failure
stops the run with the list of graphs already published; re-running is always safe.

Graphs on the endpoint under the data base (``BASE graph/…``) that this run did not publish — a
document removed from the corpus since the last publish, or another corpus published to the same
endpoint — are listed as stale; ``--prune`` drops them, so the endpoint mirrors the store. Pruning
is not the default because the endpoint may hold other corpora under the same base.

Credentials come only from GOALGRAPH_ENDPOINT_USER / GOALGRAPH_ENDPOINT_PASSWORD.
"""

from __future__ import annotations

import sys
import time

from goalgraph.errors import EndpointError, UsageError
from goalgraph.namespaces import DEFAULT_DATA_BASE


def add_arguments(parser):
    src = parser.add_mutually_exclusive_group()
    src.add_argument("--store", metavar="DIR", help="persistent store to publish (default: build/store)")
    src.add_argument("--graph", metavar="FILE", help="publish a graph file instead (.nq/.trig keep their graphs)")
    parser.add_argument("--endpoint", required=True, metavar="URL",
                        help="SPARQL query URL, or the server's base URL with --server")
    parser.add_argument("--update-endpoint", metavar="URL", help="SPARQL update URL")
    parser.add_argument("--store-endpoint", metavar="URL", help="Graph Store Protocol URL")
    parser.add_argument("--server", choices=("oxigraph", "virtuoso", "generic"), default="generic",
                        help="server kind: derives missing URLs from --endpoint's base and handles its quirks")
    parser.add_argument("--base", default=DEFAULT_DATA_BASE, metavar="IRI",
                        help=f"base IRI of instance data (default: {DEFAULT_DATA_BASE})")
    parser.add_argument("--ontology-graph", metavar="IRI",
                        help="named graph for the default graph's triples (default: BASE + 'graph/ontology')")
    parser.add_argument("--prune", action="store_true",
                        help="drop the endpoint's graphs under BASE graph/ that this store does not have")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per request (default 300)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")


def make_endpoint(args):
    from goalgraph.endpoint import PRESETS, SparqlEndpoint

    url = args.endpoint.rstrip("/")
    query_url, update_url, store_url = url, args.update_endpoint, args.store_endpoint
    if args.server in PRESETS:
        q, u, s = PRESETS[args.server]
        base = url[: -len(q)] if url.endswith(q) else url
        query_url = base + q
        update_url = update_url or base + u
        store_url = store_url or base + s
    if not store_url:
        raise UsageError("no Graph Store Protocol URL: give --store-endpoint or --server oxigraph|virtuoso")
    return SparqlEndpoint(query_url, update_url, store_url, server=args.server, timeout=args.timeout,
                          graph_prefix=args.base + "graph/")


def publish_store(store, endpoint, ontology_graph: str, say=lambda msg: None) -> list[tuple[str, int]]:
    """PUT every named graph of ``store`` and its default graph (into ``ontology_graph``) to
    ``endpoint``; returns ``[(graph, triples)]``. Used by the CLI and by integration tests."""
    names = store.named_graphs()
    jobs = [(name, name) for name in names if name != ontology_graph]
    in_default = store.count() - sum(store.count(n) for n in names)
    if in_default > 0 or ontology_graph in names:
        jobs.append((ontology_graph, None))
    if not jobs:
        raise UsageError("nothing to publish: the store is empty")
    done: list[tuple[str, int]] = []
    for i, (target, source) in enumerate(jobs, 1):
        t0 = time.monotonic()
        if source is None:  # default graph (+ an existing ontology graph) -> ggid:graph/ontology
            data = store.dump("ntriples")
            if ontology_graph in names:
                data += store.dump("ntriples", graph=ontology_graph)
        else:
            data = store.dump("ntriples", graph=source)
        try:
            n = endpoint.put_graph(target, data, "ntriples")
        except EndpointError as exc:
            published = ", ".join(f"<{g}>" for g, _ in done) if done else "none"
            raise EndpointError(f"{exc}\n  graph <{target}> was not replaced; published before the failure: "
                                f"{published}; re-running publish is safe") from exc
        done.append((target, n))
        say(f"[{i}/{len(jobs)}] <{target}>: {n} triples in {time.monotonic() - t0:.2f}s")
    return done


def stale_graphs(endpoint, published: list[str]) -> list[str]:
    """The endpoint's graphs under its data-graph prefix that are not in ``published``."""
    keep = set(published)
    return [g for g in endpoint.named_graphs() if g not in keep]


def prune(endpoint, stale: list[str], say=lambda msg: None) -> None:
    for graph in stale:
        endpoint.drop_graph(graph)
        say(f"dropped stale graph <{graph}>")


def run(args) -> int:
    from goalgraph.export import open_input

    endpoint = make_endpoint(args)
    ontology_graph = args.ontology_graph or args.base + "graph/ontology"
    say = (lambda msg: None) if args.quiet else (lambda msg: print(msg, flush=True))
    started = time.monotonic()
    store = open_input(args.store, args.graph)
    try:
        done = publish_store(store, endpoint, ontology_graph, say)
    finally:
        store.close()
    say(f"published {len(done)} graph(s), {sum(n for _, n in done)} triples to {endpoint.store_url} "
        f"in {time.monotonic() - started:.2f}s")
    stale = stale_graphs(endpoint, [g for g, _ in done])
    if stale and args.prune:
        prune(endpoint, stale, say)
    elif stale:
        print(f"warning: the endpoint holds {len(stale)} graph(s) under {endpoint.graph_prefix} that this store "
              f"does not have (removed documents or another corpus): "
              + ", ".join(f"<{g}>" for g in stale[:5]) + (" …" if len(stale) > 5 else "")
              + "; --prune drops them", file=sys.stderr)
    return 0
