"""`goalgraph site`: a static HTML site of the graph (overview, charts, resource pages)."""

from __future__ import annotations

from pathlib import Path

from goalgraph.errors import UsageError
from goalgraph.namespaces import DEFAULT_DATA_BASE


def add_arguments(parser):
    src = parser.add_mutually_exclusive_group()
    src.add_argument("--store", help="embedded store folder (default: build/store)")
    src.add_argument("--graph", help="an RDF file instead of a store")
    parser.add_argument("--report", help="a sh:ValidationReport (Turtle) with the findings (default: beside the store)")
    parser.add_argument("--out", default="build/site", help="output folder (default: build/site)")
    parser.add_argument("--base", default=DEFAULT_DATA_BASE, help="instance IRI base")
    parser.add_argument("--quiet", action="store_true")


def run(args) -> int:
    from goalgraph.site import build_site, load_report
    from goalgraph.store import GraphStore

    if args.graph:
        store = GraphStore()
        store.load_file(args.graph)
        default_report = Path(args.graph).with_name("report.ttl")
    else:
        path = Path(args.store or "build/store")
        if not path.exists():
            raise UsageError(f"{path}: no store here; run 'goalgraph build' first or pass --graph FILE")
        store = GraphStore.open(path, read_only=True)
        default_report = path.parent / "report.ttl"
    report = load_report(args.report or default_report)
    stats = build_site(store, args.out, report, args.base)
    if not args.quiet:
        print(f"site: {stats['projects']} projects, {stats['departments']} departments, "
              f"{stats['documents']} policy documents, {stats['findings']} findings → {args.out}/index.html")
    return 0
