"""`goalgraph export [--store DIR | --graph FILE] [--format F] [--out FILE]`

Linked-data export of the embedded store (default ``build/store``, opened read-only) or of a graph
file: Turtle, N-Triples, N-Quads, TriG, JSON-LD (compacted with goalgraph's ``@context``) or
RDF/XML; ``--format void`` writes the VoID + DCAT description of the dataset instead
(``--dataset-description FILE`` writes it next to a data export).
"""

from __future__ import annotations

import sys
from pathlib import Path

from goalgraph.errors import UsageError
from goalgraph.namespaces import DEFAULT_DATA_BASE

FORMATS = ("turtle", "ntriples", "nquads", "trig", "jsonld", "xml", "void")


def add_arguments(parser):
    src = parser.add_mutually_exclusive_group()
    src.add_argument("--store", metavar="DIR", help="persistent store to export (default: build/store)")
    src.add_argument("--graph", metavar="FILE", help="export a graph file instead (.nq .trig .ttl .nt .jsonld .rdf)")
    parser.add_argument("--format", choices=FORMATS, default=None,
                        help="output format (default: from --out's suffix, else turtle)")
    parser.add_argument("--out", metavar="FILE", help="write here (default: standard output)")
    parser.add_argument("--named-graph", metavar="IRI", help="export only this named graph")
    parser.add_argument("--context", metavar="FILE", help="JSON-LD @context file (default: the packaged one)")
    parser.add_argument("--dataset-description", metavar="FILE",
                        help="also write the VoID + DCAT description (Turtle) to FILE")
    parser.add_argument("--title", default="goalgraph: budget performance targets (预算绩效目标)",
                        help="dct:title of the dataset description")
    parser.add_argument("--license", metavar="IRI", help="dct:license of the dataset description")
    parser.add_argument("--sparql-endpoint", metavar="URL", help="void:sparqlEndpoint, when published")
    parser.add_argument("--base", default=DEFAULT_DATA_BASE, metavar="IRI", help="base IRI of instance data")


def _format_from(out: str | None) -> str:
    if out:
        from goalgraph.store import guess_format

        try:
            return guess_format(out)
        except Exception:  # noqa: BLE001
            pass
    return "turtle"


def run(args) -> int:
    from goalgraph import export as ex

    fmt = args.format or _format_from(args.out)
    if fmt == "void" and args.dataset_description:
        raise UsageError("give either --format void or --dataset-description, not both")
    store = ex.open_input(args.store, args.graph)
    try:
        dumps = [Path(args.out).resolve().as_uri()] if args.out and fmt != "void" else []
        if fmt == "void" or args.dataset_description:
            desc = ex.dataset_description(store, title=args.title, license=args.license,
                                          sparql_endpoint=args.sparql_endpoint, data_base=args.base,
                                          data_dumps=dumps).serialize(format="turtle").encode("utf-8")
            if fmt == "void":
                _emit(desc, args.out)
                return 0
            Path(args.dataset_description).write_bytes(desc)
        if args.out:
            tmp = Path(args.out + ".part")
            ex.export(store, fmt, tmp, graph=args.named_graph, context=args.context, data_base=args.base)
            tmp.replace(args.out)  # never leave a half-written export under the real name
        else:
            _emit(ex.export(store, fmt, None, graph=args.named_graph, context=args.context,
                            data_base=args.base), None)
    finally:
        store.close()
    return 0


def _emit(data: bytes, out: str | None) -> None:
    if out:
        Path(out).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
