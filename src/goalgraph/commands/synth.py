"""`goalgraph synth`: write synthetic documents in the seed's layout (and defect mix)."""

from __future__ import annotations

import sys

from goalgraph.errors import UsageError


def add_arguments(parser):
    parser.add_argument("--governments", type=int, required=True, help="number of documents (one per government)")
    parser.add_argument("--projects-per-gov", type=int, default=30, help="project sheets per document")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed → same files)")
    parser.add_argument("--year", type=int, default=2022, help="budget year")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--quiet", action="store_true")


def run(args) -> int:
    from goalgraph.synth import write_corpus

    if args.governments < 1 or args.projects_per_gov < 1:
        raise UsageError("--governments and --projects-per-gov must be at least 1")

    def progress(done: int) -> None:
        if not args.quiet and (done == args.governments or done % 100 == 0):
            print(f"\rsynth: {done}/{args.governments} documents", end="", file=sys.stderr, flush=True)

    paths = write_corpus(args.out, args.governments, args.projects_per_gov, args.seed, args.year, progress)
    if not args.quiet:
        print(file=sys.stderr)
        print(f"wrote {len(paths)} documents ({args.projects_per_gov} project sheets each) to {args.out}")
    return 0
