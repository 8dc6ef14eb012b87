"""`goalgraph build [INPUT...] [--out DIR] [--base IRI] [--workers N] [--reason none|rules|owlrl]
[--force] [--no-validate] [--quiet]`

Reads each input, converts the corpus (two passes: citations are resolved corpus-wide), and writes

- ``DIR/graph.nq``: one named graph ``ggid:graph/{doc}`` per source document; the ontology, concept
  schemes and units in the default graph;
- ``DIR/graph.ttl``: ontology + schemes + data in one Turtle file, loadable alone into any store;
- ``DIR/store``: the persistent embedded store, exactly the graphs of ``graph.nq`` (plus what
  ``--reason`` entails, and the build-time summaries graph), with the text index that searches read
  (:mod:`goalgraph.textindex`) inside it;
- ``DIR/report.ttl`` / ``DIR/report.md``: the SHACL validation report (``--no-validate`` skips it
  and removes an older report, which would describe another graph).

Every build writes a new generation ``DIR/stores/<id>/`` (store, graphs, reports) next to the old
one; ``DIR/current`` links to the generation in use and ``DIR/store``, ``DIR/graph.nq`` … are fixed
links through it. The build ends with one atomic rename of ``current``: an interrupted build leaves
the previous outputs whole, a finished one replaces them all at once, never a mix (and a re-run never
duplicates triples).

Reading and converting stream one document at a time on ``--workers`` processes
(:mod:`goalgraph.pipeline`), and this process bulk-loads each chunk's quads into the store as the
workers finish it; with two or more, validation then runs beside a process that computes the
summaries and the text index from the same store, read-only. The output bytes do not depend on the
number of workers. Files are written to temporaries and renamed into place at the end. Bad input
ends with exit 2 and one line.
Long steps show progress on stderr (a bar on a terminal, one line per step otherwise; none with
``--quiet``).
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from goalgraph import iris, summaries, textindex
from goalgraph.errors import InputError, UsageError
from goalgraph.namespaces import DEFAULT_DATA_BASE
from goalgraph.pipeline import Beside, Pipeline, Result
from goalgraph.progress import Step
from goalgraph.records import LINE_ROLES
from goalgraph.store import GraphStore, refuse_if_in_use

DEFAULT_INPUT_DIR = Path("data/raw")
OWLRL_LIMIT = 200_000  # triples; owlrl takes ~40 s per 10^5 triples here
VALIDATE_WARN = 1_000_000  # quads; above this build warns that validation takes long


def add_arguments(parser) -> None:
    parser.add_argument("inputs", nargs="*", metavar="INPUT",
                        help=f"documents, or directories of documents, to read (default: every file under {DEFAULT_INPUT_DIR}/)")
    parser.add_argument("--out", default="build", metavar="DIR", help="output directory (default: build/)")
    parser.add_argument("--base", default=DEFAULT_DATA_BASE, metavar="IRI",
                        help=f"base IRI of instance data (default: {DEFAULT_DATA_BASE})")
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="processes for reading and converting (default: the number of CPUs)")
    parser.add_argument("--reason", choices=("none", "rules", "owlrl"), default="rules",
                        help="entailments added to the store: none, rules (SPARQL rules, fast; default) "
                             "or owlrl (full OWL 2 RL closure, slow: small graphs only)")
    parser.add_argument("--force", action="store_true",
                        help=f"allow --reason owlrl above {OWLRL_LIMIT:,} triples")
    parser.add_argument("--no-validate", action="store_true", help="skip SHACL validation (no report)")
    parser.add_argument("--quiet", action="store_true", help="print nothing on success")


def run(args) -> int:
    base = iris.check_base(args.base)
    paths = input_paths(args.inputs)
    reason = getattr(args, "reason", "rules")
    workers = args.workers if getattr(args, "workers", None) else default_workers()
    if workers < 1:
        raise UsageError("--workers must be at least 1")
    quiet = bool(args.quiet)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    check_store_free(out / "store")
    clean_stale(out)
    token = f"{time.time_ns():x}-{os.getpid()}"
    work = out / f".work-{token}"
    stores = out / "stores"
    staging = stores / f".tmp-{token}"  # the new generation: store/, graph.nq, graph.ttl, report.*
    final = stores / token
    switched = False
    try:
        pipe = Pipeline(base, work, workers=workers, quiet=quiet)
        infos, jobs = pipe.scan(paths)
        ontology = ontology_text()
        staging.mkdir(parents=True)
        nq_path, ttl_path = staging / "graph.nq", staging / "graph.ttl"
        validate = not getattr(args, "no_validate", False)
        with GraphStore.open(staging / "store") as store:
            with open(nq_path, "wb") as nq, open(ttl_path, "wb") as ttl, open(os.devnull, "wb") as inf:
                # SHACL-Core shapes run per document in the conversion workers, on the document's
                # graph as the store will hold it (owlrl entails in this process, after loading:
                # then the whole validation runs after loading); this process bulk-loads each
                # chunk of quads (and what the rules entailed) while the workers go on
                result = pipe.convert(jobs, ontology, nq, ttl, inf if reason == "rules" else None,
                                      reasoning_rules() if reason == "rules" else None,
                                      validate=validate and reason in ("none", "rules"),
                                      load=lambda path: store.load_file(path, fmt="nquads"))
                for fh in (nq, ttl):
                    fh.flush()
                    os.fsync(fh.fileno())
            result.infos = infos
            del jobs
            store.flush()
            if reason == "owlrl" and result.quads > OWLRL_LIMIT and not getattr(args, "force", False):
                raise UsageError(owlrl_refusal(result.quads))
            if reason != "rules":
                apply_reasoning(store, reason, bool(getattr(args, "force", False)), quiet)
            beside = validate and workers > 1
            if not beside:
                if validate:
                    after_load(store, staging, result, quiet)
                # the workers' raw results and contexts (10^6 tuples at province scale) are in the
                # report now: free them before summarising, the other memory-hungry step
                result.core = result.local = result.context = None
                add_summaries(store, base, quiet)
                add_text_index(store, quiet)
        if beside:
            validate_beside_summaries(staging, base, result, quiet)
        textindex.seal(staging / "store")  # once the store is closed: its files no longer change
        _fsync_dir(staging)
        os.replace(staging, final)
        # commit: ONE atomic rename of the `current` link switches store, graphs and reports together
        switch_generation(out, final)
        switched = True
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
        for tmp in (out / f".current.tmp-{os.getpid()}", out / f".link.tmp-{os.getpid()}"):
            tmp.unlink(missing_ok=True)
        live = (out / "current").resolve() if (out / "current").is_symlink() else None
        for d in (staging, final):
            # interrupted before the switch: drop the new generation (never the one `current` names,
            # e.g. a Ctrl-C landing just after the rename)
            if d.exists() and not switched and d.resolve() != live:
                shutil.rmtree(d, ignore_errors=True)
    if not quiet:
        print(summary(result, out))
    return 0


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


# ---------------------------------------------------------------------------------------------
# inputs


#: what a directory given as INPUT contributes (a synth corpus also holds its .truth.json files)
DOCUMENT_SUFFIXES = (".txt", ".pdf", ".xlsx", ".xlsm", ".csv", ".tsv")


def input_paths(inputs: list[str]) -> list[Path]:
    """The files to read: the arguments (a directory: its documents, by suffix, sorted), or every
    non-hidden file under data/raw/ (sorted)."""
    if inputs:
        paths = []
        for p in map(Path, inputs):
            if not p.is_dir():
                paths.append(p)
                continue
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in DOCUMENT_SUFFIXES
                           and not any(part.startswith(".") for part in f.relative_to(p).parts))
            if not found:
                raise InputError(f"no documents ({', '.join(DOCUMENT_SUFFIXES)}) under this directory", str(p))
            paths.extend(found)
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
# the store: a fresh directory per build, switched in with one atomic rename


def check_store_free(path: Path) -> None:
    """Refuse early (exit 2, nothing touched) when another process holds the current store."""
    if (path / "CURRENT").exists():
        refuse_if_in_use(path)


def _pid_alive(name: str) -> bool:
    try:
        pid = int(name.rsplit("-", 1)[-1])
    except ValueError:
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(out: Path) -> None:
    """Remove what killed builds left: temporaries, work directories, unswitched stores."""
    current = (out / "current").resolve() if (out / "current").is_symlink() else None
    for p in out.glob(".*"):
        if p.name.startswith((".work-", ".graph.nq.tmp-", ".graph.ttl.tmp-", ".store.tmp-", ".current.tmp-",
                              ".link.tmp-")) \
                and not _pid_alive(p.name):
            _remove(p)
    stores = out / "stores"
    if stores.is_dir():
        for p in stores.iterdir():
            if current is not None and p.resolve() == current:
                continue
            if not _pid_alive(p.name):
                _remove(p)


def _remove(p: Path) -> None:
    if p.is_dir() and not p.is_symlink():
        shutil.rmtree(p, ignore_errors=True)
    else:
        p.unlink(missing_ok=True)


#: what a build publishes in ``DIR``: each a fixed symlink into ``DIR/current`` (the generation)
OUTPUTS = ("store", "graph.nq", "graph.ttl", "report.ttl", "report.md")


def switch_generation(out: Path, final: Path) -> None:
    """Point ``out/current`` at ``final`` with one atomic rename, then drop the previous generation.

    ``out/store``, ``out/graph.nq`` … are fixed links to ``current/<name>``, so readers see the old
    generation or the new one whole, never a mix. An output the new generation lacks (a report after
    ``--no-validate``) simply disappears with the switch."""
    current = out / "current"
    old = current.resolve() if current.is_symlink() else None
    for name in OUTPUTS:  # fixed links (created once; replaces files from older layouts)
        link, target = out / name, os.path.join("current", name)
        if link.is_symlink() and os.readlink(link) == target:
            continue
        if link.is_dir() and not link.is_symlink():
            shutil.rmtree(link, ignore_errors=True)
        tmp = out / f".link.tmp-{os.getpid()}"
        tmp.unlink(missing_ok=True)
        os.symlink(target, tmp)
        os.replace(tmp, link)
    tmp = out / f".current.tmp-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    os.symlink(os.path.relpath(final, out), tmp)
    os.replace(tmp, current)
    _fsync_dir(out)
    if old is not None and old.exists() and old != final.resolve():
        shutil.rmtree(old, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def reasoning_rules():
    """:class:`goalgraph.reason.Entailer` (the reasoning rules) for the packaged ontology."""
    from goalgraph.ontology import load_ontology
    from goalgraph.reason import Entailer

    return Entailer(load_ontology())


def apply_reasoning(store: GraphStore, mode: str, force: bool = False, quiet: bool = True) -> int:
    """Add entailments to the store: ``rules`` (SPARQL rules), ``owlrl`` (full closure) or none."""
    if mode == "none":
        return 0
    if mode == "rules":
        from goalgraph.reason import materialize

        with Step("reasoning (rules)", None, "quads added", quiet=quiet) as step:
            added = materialize(store)
            step.update(added)
        return added
    n = store.count()
    if n > OWLRL_LIMIT and not force:
        raise UsageError(owlrl_refusal(n))
    print(f"goalgraph build: warning: --reason owlrl is slow (~40 s per 100,000 triples; {n:,} here)",
          file=sys.stderr)
    with Step("reasoning (owlrl)", None, "quads added", quiet=quiet) as step:
        added = owlrl_into_store(store)
        step.update(added)
    return added


def owlrl_refusal(n: int) -> str:
    return (f"--reason owlrl on {n:,} triples would take very long (~40-190 s per 100,000 here); "
            f"use --reason rules, or add --force")


def owlrl_into_store(store: GraphStore) -> int:
    """The OWL 2 RL closure of ontology + each named graph, new triples added to that graph."""
    import pyoxigraph as ox

    from rdflib import BNode, URIRef

    from goalgraph.reason import owlrl_closure
    from goalgraph.store import _to_ox

    ontology = _default_graph(store)
    added = 0
    for name in store.named_graphs():
        data = store.to_rdflib(graph=name)
        for t in ontology:
            data.add(t)
        closed = owlrl_closure(data)
        g = ox.NamedNode(name)
        new = [ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o), g) for s, p, o in closed
               if isinstance(s, (URIRef, BNode)) and isinstance(p, URIRef)  # owlrl makes literal subjects
               and (s, p, o) not in data]
        before = store.count()
        store.store.extend(new)
        added += store.count() - before
    return added


def _default_graph(store: GraphStore):
    import pyoxigraph as ox
    from rdflib import Graph

    from goalgraph.store import _to_rdflib

    g = Graph()
    for q in store.store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        g.add((_to_rdflib(q.subject), _to_rdflib(q.predicate), _to_rdflib(q.object)))
    return g


def validate_beside_summaries(staging: Path, base: str, result: Result, quiet: bool = True) -> None:
    """Validate the closed store at ``staging/store`` in this process while another process
    computes the summaries and the text index from it; then write the summaries.

    The three only read the store, so two read-only opens keep both cores busy (on the
    province-year the summaries and the index took 124 s after validation's 190 s)."""
    store_dir = staging / "store"
    with Beside(summaries_and_index, str(store_dir), base, os.getpid()) as side:
        with GraphStore.open(store_dir, read_only=True) as store:
            after_load(store, staging, result, quiet)
        result.core = result.local = result.context = None  # in the report now: free them
        nquads, texts, seconds = side.result()
    with GraphStore.open(store_dir) as store:
        triples = summaries.write(store, list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS)), base)
    Step.done_elsewhere("summarising", 1, "graphs", seconds[0], quiet, triples=triples)
    Step.done_elsewhere("indexing texts", texts, "texts", seconds[1], quiet)


def summaries_and_index(store_dir: str, base: str, sealer: int) -> tuple[bytes, int, tuple[float, float]]:
    """In a child process: the summary quads (as N-Quads: pickling 2·10^5 quads took 16× longer)
    and the text index (for process ``sealer`` to seal) of the store at ``store_dir``, opened
    read-only, and the seconds each took."""
    with GraphStore.open(store_dir, read_only=True) as store:
        start = time.perf_counter()
        quads = ox.serialize(summaries.summary_quads(store, base), format=ox.RdfFormat.N_QUADS)
        middle = time.perf_counter()
        texts = textindex.build(store, sealer)
        return quads, texts, (middle - start, time.perf_counter() - middle)


def add_summaries(store: GraphStore, base: str, quiet: bool = True) -> None:
    """Build-time summaries (counts, sums) the aggregate saved queries read (:mod:`goalgraph.summaries`)."""
    with Step("summarising", 1, "graphs", quiet=quiet) as step:
        step.extra["triples"] = summaries.materialize(store, base)
        step.update(1)


def add_text_index(store: GraphStore, quiet: bool = True, prog: str = "goalgraph build") -> None:
    """The substring index of names and descriptions that text searches read
    (:mod:`goalgraph.textindex`); :func:`goalgraph.textindex.seal` it once the store is closed."""
    with Step("indexing texts", None, "texts", quiet=quiet, prog=prog) as step:
        step.update(textindex.build(store))


def after_load(store: GraphStore, out: Path, result: Result, quiet: bool = True) -> None:
    """SHACL validation of the loaded store: ``report.ttl`` and ``report.md`` into ``out``.

    The Core shapes' results and those of the document-scope SPARQL checks come from the conversion
    workers (``result.core``, ``result.local``); here the corpus-scope SPARQL checks (and the
    document-scope ones when ``result.local`` is None) run on the whole store and the report is
    built; the context of findings (department, project, source line) comes from the workers too
    (``result.context``) where they could read it (``GOALGRAPH_NO_WORKER_CONTEXT=1``: all of it from
    the store, the same report: for comparisons). Skipped (with a warning) when :mod:`goalgraph.validate` is not available.
    """
    try:
        from goalgraph.validate import validate_graph, write_reports
    except ImportError as exc:  # pragma: no cover - depends on the checkout
        if not quiet:
            print(f"goalgraph build: warning: validation not available ({exc}); no report written",
                  file=sys.stderr)
        return
    core, local = result.core, result.local
    context = result.context if local is not None else None  # read in the workers (None: collisions)
    if core is not None and not store.named_graphs():  # no document graph: the engine validates
        core = local = context = None                   # the default graph instead
    if core is None and result.quads > VALIDATE_WARN and not quiet:
        print(f"goalgraph build: warning: SHACL validation of {result.quads:,} quads without the "
              f"per-document workers is slow; --no-validate skips it", file=sys.stderr)
    with Step("validating", len(result.infos), "documents", quiet=quiet) as step:
        outcome = validate_graph(store, core=core, local=local,
                                 context=None if os.environ.get("GOALGRAPH_NO_WORKER_CONTEXT") else context)
        write_reports(outcome, out)
        step.update(len(result.infos))
        counts = outcome.severity_counts()
        step.extra.update({f"{k.lower()}s": v for k, v in counts.items()})
        result.findings = dict(counts)


# ---------------------------------------------------------------------------------------------
# outputs


def summary(result: Result, out: Path) -> str:
    types: Counter = result.types
    policy: Counter = result.policy
    lines = [f"built {out}/graph.nq, graph.ttl, store: {len(result.infos)} document(s), "
             f"{result.triples} data triples"]
    lines.append("nodes by class:")
    lines += [f"  {cls:<20} {n:>8}" for cls, n in sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))]
    lines.append("policy documents: " + ", ".join(
        f"{policy.get(k, 0)} {k}" for k in ("numbered", "title-only", "standard", "other")))
    lines.append("line accounting:")
    for info in result.infos:
        counts = info.role_counts
        parts = ", ".join(f"{counts[role]} {role}" for role in LINE_ROLES)
        lines.append(f"  {info.name}: {info.line_count} lines = {parts}")
    findings = result.findings
    if findings is not None:
        counts = ", ".join(f"{n} {sev}" for sev, n in findings.items()) or "none"
        lines.append(f"SHACL findings: {counts} (see {out}/report.md)")
    return "\n".join(lines)
