"""`goalgraph validate [GRAPH] [--store DIR]`: check a graph against the SHACL shapes.

Exit status (pySHACL convention): 0 conforms, 1 does not conform, 2 error. Any result makes the
graph non-conforming; with ``--allow-infos`` Infos do not, with ``--allow-warnings`` only Violations do.

A store (``--store``, or ``build/store``) in the build's layout is validated as the build validates:
each document graph alone on ``--workers`` processes, then the corpus-wide checks on the store
(``pipeline.validate_store``; the same outcome as validating it whole, which is what happens for
any other layout and for ``--mode pyshacl``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from goalgraph.errors import UsageError


def add_arguments(parser):
    parser.add_argument("graph", nargs="?", metavar="GRAPH",
                        help="an RDF file (.ttl, .nt, .nq, .trig, .jsonld, .rdf); default: build/store or build/graph.ttl")
    parser.add_argument("--store", metavar="DIR", help="validate an Oxigraph store directory (read-only)")
    parser.add_argument("--format", "-f", default="human", choices=("human", "turtle", "json", "markdown", "html"),
                        help="report format (default: human)")
    parser.add_argument("--out", "-o", metavar="FILE", help="write the report here instead of standard output")
    parser.add_argument("--allow-warnings", action="store_true",
                        help="only Violations make the graph non-conforming")
    parser.add_argument("--allow-infos", action="store_true",
                        help="Info results do not make the graph non-conforming")
    parser.add_argument("--settings", metavar="FILE",
                        help="TOML file with [severity] overrides and [params] (see shapes/README.md)")
    parser.add_argument("--shapes", metavar="DIR", help="use the shapes in DIR instead of the packaged ones")
    parser.add_argument("--mode", choices=("fast", "pyshacl"), default="fast",
                        help="fast: Core per document graph + SPARQL rules on Oxigraph (default); "
                             "pyshacl: plain pyshacl.validate on the whole graph")
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="processes validating a store's document graphs, each alone as the build "
                             "does (default: the number of CPUs)")
    parser.add_argument("--quiet", action="store_true", help="no progress on standard error")


def run(args) -> int:
    from goalgraph.report import render
    from goalgraph.store import GraphStore
    from goalgraph.validate import Settings, load_data, validate_graph

    settings = Settings.load(args.settings) if args.settings else Settings()
    if args.shapes:
        settings.shapes_dir = Path(args.shapes)
    if args.allow_warnings:
        settings.allow_warnings = True
    if args.allow_infos:
        settings.allow_infos = True

    if args.graph and args.store:
        raise UsageError("give either GRAPH or --store, not both")
    if args.workers is not None and args.workers < 1:
        raise UsageError("--workers must be at least 1")
    if args.store:
        data = GraphStore.open(args.store, read_only=True)
    elif args.graph:
        data = load_data(args.graph)
    elif Path("build/store").is_dir():
        data = GraphStore.open("build/store", read_only=True)
    elif Path("build/graph.ttl").is_file():
        data = load_data("build/graph.ttl")
    else:
        raise UsageError("nothing to validate: give GRAPH or --store DIR (or run 'goalgraph build' first)")

    if isinstance(data, GraphStore) and args.mode == "fast":
        from goalgraph.commands.build import default_workers
        from goalgraph.pipeline import validate_store

        workers = default_workers() if args.workers is None else args.workers
        outcome = validate_store(data, settings, workers, quiet=args.quiet)
    else:
        outcome = validate_graph(data, settings, mode=args.mode)
    text = render(outcome, args.format)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text, encoding="utf-8")
        sc = outcome.severity_counts()
        print(f"goalgraph validate: {'conforms' if outcome.conforms else 'does not conform'} "
              f"({sc['Violation']} violations, {sc['Warning']} warnings, {sc['Info']} infos); "
              f"report written to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0 if outcome.conforms else 1
