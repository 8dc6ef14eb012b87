"""The ``goalgraph`` command line. Each subcommand lives in ``goalgraph.commands.<name>`` and
provides ``add_arguments(parser)`` and ``run(args) -> int``; modules are imported lazily so a
command starts fast and one broken command cannot break the others."""

from __future__ import annotations

import argparse
import importlib
import sys

from goalgraph.errors import GoalgraphError
from goalgraph.version import __version__

#: subcommand → one-line help
COMMANDS: dict[str, str] = {
    "read": "read performance-target documents into records and account for every line",
    "build": "read, convert and load documents into the embedded store; write graph and report",
    "validate": "check a graph against the SHACL shapes and report findings",
    "query": "run a saved SPARQL query (or 'query list')",
    "export": "export the graph as Turtle, N-Triples, N-Quads, TriG, JSON-LD or RDF/XML",
    "publish": "publish the graph to a SPARQL 1.1 endpoint (one named graph per document)",
    "serve": "serve the embedded store read-only over SPARQL on 127.0.0.1",
    "site": "write a static HTML site of the graph",
    "index": "(re)build a store's text index, which text searches read instead of scanning",
    "synth": "write synthetic documents in the same layout, for scale tests",
}


def _command_module(name: str):
    return importlib.import_module(f"goalgraph.commands.{name}")


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="goalgraph",
        description="Budget performance targets (预算绩效目标) as a knowledge graph.",
    )
    parser.add_argument("--version", action="version", version=f"goalgraph {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = None
    if argv:
        wanted = next((a for a in argv if not a.startswith("-")), None)
    for name, help_text in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        # only the chosen command's module is imported (fast start, isolated failures)
        if wanted == name:
            _command_module(name).add_arguments(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    try:
        return int(_command_module(args.command).run(args) or 0)
    except GoalgraphError as exc:
        print(f"goalgraph {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"goalgraph {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
