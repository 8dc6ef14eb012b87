"""`goalgraph index [--store DIR] [--check] [--quiet]`: (re)build the text index of a store.

``goalgraph build`` writes the index; a store written since (``goalgraph load``-style updates, a
SPARQL update through a server, or a compaction by a read-write open) makes it stale, and text
searches then scan every name and description until it is rebuilt (:mod:`goalgraph.textindex`).
``--check`` only tells whether it is current (exit 0) or not (exit 1).
"""

from __future__ import annotations

from pathlib import Path

from goalgraph.errors import UsageError


def add_arguments(parser) -> None:
    parser.add_argument("--store", default="build/store", help="embedded store folder (default: build/store)")
    parser.add_argument("--check", action="store_true", help="only report whether the index is current")
    parser.add_argument("--quiet", action="store_true", help="no progress or summary lines")


def run(args) -> int:
    from goalgraph import textindex
    from goalgraph.commands.build import add_text_index
    from goalgraph.store import GraphStore, refuse_if_in_use

    path = Path(args.store)
    if not (path / "CURRENT").is_file():
        raise UsageError(f"{path}: no store here (run 'goalgraph build' first)")
    if args.check:
        state = textindex.status(path)
        if not args.quiet:
            print(f"{path}: text index {state}")
        return 0 if state == "current" else 1
    refuse_if_in_use(path)  # no writer may change the store while it is indexed
    store = GraphStore.open(path, read_only=True)
    try:
        add_text_index(store, args.quiet, prog="goalgraph index")
    finally:
        store.close()
    textindex.seal(path)
    return 0
