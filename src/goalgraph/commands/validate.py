"""`goalgraph validate` (not built yet)."""

from goalgraph.errors import UsageError


def add_arguments(parser):
    parser.add_argument("args", nargs="*")


def run(args) -> int:
    raise UsageError("'validate' is not available in this version yet")
