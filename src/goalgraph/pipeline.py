"""The streaming build pipeline (issue #7): read → convert → write → load, memory bounded by the
largest document, both cores used where the work is independent.

Pass 1 (:func:`scan`): each worker reads a chunk of documents, pickles every
:class:`~goalgraph.records.Document` into a small on-disk cache (re-reading costs ~6× more than
unpickling) and returns only what corpus-wide resolution needs: the document's *distinct* citations
(with the line of their first use), its organisation names (counted), and the numbers for the
summary. The main process merges them in input order into one citation registry (one entry per
distinct citation, not per use) and one organisation-name count.

Pass 2 (:func:`convert`): each worker gets, per document, the resolutions of its distinct citations,
the corpus-wide preferred labels of its organisations and the policy documents it is first to cite;
it unpickles the document, converts it with :class:`goalgraph.convert.Corpus` (the same code as a
whole-corpus conversion: identical triples), and writes the document's N-Quads and its Turtle body
into part files. The main process appends the parts in input order, so ``graph.nq`` / ``graph.ttl``
are byte-identical whatever the number of workers.

Pass-1 equivalence with :meth:`Corpus.register`: the registry resolves a citation from the citation
alone (plus the corpus-wide title → number map, which repeats do not change) and merging a citation
into its document is idempotent, so registering each distinct citation once, in first-use order,
gives the same resolutions, the same documents and the same "first cited in" document.
"""

from __future__ import annotations

import gc
import itertools
import os
import pickle
import shutil
import signal
import subprocess
import sys
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from goalgraph import convert as cv
from goalgraph import ntriples as nt
from goalgraph.errors import GoalgraphError, InputError
from goalgraph.namespaces import PREFIXES

if TYPE_CHECKING:
    from goalgraph.reason import Entailer


def prefixes() -> dict[str, str]:
    """Vocabulary prefixes only: instance IRIs stay whole (a ggid: prefix would need ``\\/`` escapes)."""
    return {p: str(ns) for p, ns in PREFIXES.items()}


# ---------------------------------------------------------------------------------------------
# what crosses process boundaries


@dataclass
class Scanned:
    """Pass-1 result of one document (small: no triples, no rows)."""

    index: int
    doc_id: str
    name: str
    line_count: int
    role_counts: dict[str, int]
    names: dict[tuple[str, str], Counter]  # (division, org local) → name → uses
    citations: list[tuple[object, int]]  # distinct citations in first-use order, with that line
    cache: str


class Res:
    """What conversion uses of a ``citations.Resolution`` (compact, cheap to pickle)."""

    __slots__ = ("document_key", "method", "note")

    def __init__(self, document_key, method, note):
        self.document_key, self.method, self.note = document_key, method, note

    def __reduce__(self):
        return (Res, (self.document_key, self.method, self.note))


@dataclass
class Job:
    """Pass-2 input of one document."""

    index: int
    cache: str
    labels: dict[tuple[str, str], str]  # preferred label of each organisation it names
    resolutions: list[Res]  # one per distinct citation, in the order of Scanned.citations
    policy: list[tuple[str, int, object]]  # (key, line, ResolvedDocument) first cited here


@dataclass
class Done:
    """Pass-2 result of one chunk: its part files and counts per document."""

    nq: str
    ttl: str
    triples: list[int]
    types: Counter
    policy: Counter
    inferred: str | None = None
    entailed: int = 0
    core: list | None = None  # raw SHACL-Core results of the chunk's documents, in document order
    local: list | None = None  # raw results of the document-scope SPARQL checks, in document order
    keys: list | None = None  # per document: its document-scope keys (validate.document_scope_keys)
    context: object = None  # validate.WorkerContext of the chunk's documents' findings


@dataclass
class Info:
    """What the build keeps per document after pass 1 (for pass 2 and the summary)."""

    doc_id: str
    name: str
    line_count: int
    role_counts: dict[str, int]
    cache: str
    org_keys: list[tuple[str, str]]
    citations: array  # indices into the corpus-wide distinct citations


@dataclass
class Result:
    """Totals of a pipeline run."""

    infos: list[Info]
    triples: int = 0  # data triples (named graphs)
    quads: int = 0  # all quads written to graph.nq (ontology included)
    entailed: int = 0  # quads added by the reasoning rules (written to the inferred file)
    types: Counter = field(default_factory=Counter)
    policy: Counter = field(default_factory=Counter)
    findings: dict[str, int] | None = None  # SHACL results per severity (None: not validated)
    core: list | None = None  # raw SHACL-Core results of every document graph (None: not computed)
    # raw results of the document-scope SPARQL checks on every document graph (None: not computed,
    # or two documents share a document-scoped node: then those checks run on the whole store)
    local: list | None = None
    # the context of findings read in the workers (validate.WorkerContext; None as for ``local``)
    context: object = None


# ---------------------------------------------------------------------------------------------
# workers (module-level functions: picklable)


def _distinct_citations(corpus: "cv.Corpus", ctx: "cv.Context") -> Iterator[tuple[str, object, int]]:
    """(where, citation, line) of every citation use, in document order (as Corpus.register)."""
    if cv._citations is None:
        return
    for site in corpus.sites(ctx):
        for k, cit in enumerate(site.citations(), site.start):
            yield site.prefix + str(k), cit, site.lines[0]


def scan_chunk(items: list[tuple[int, str]], cache_dir: str, base: str) -> list[Scanned]:
    """Pass 1 over a chunk of (index, path)."""
    from goalgraph.read import read_document

    out = []
    for index, path in items:
        doc = read_document(path)
        cache = os.path.join(cache_dir, f"{index}.pkl")
        with open(cache, "wb") as fh:
            pickle.dump(doc, fh, protocol=pickle.HIGHEST_PROTOCOL)
        corpus = cv.Corpus(base, registry=False)
        ctx = cv.Context.of(doc)
        corpus._register_orgs(ctx)
        seen: dict[object, int] = {}
        for _, cit, line in _distinct_citations(corpus, ctx):
            seen.setdefault(cit, line)
        out.append(Scanned(index, ctx.id, Path(doc.path).name, doc.line_count, doc.role_counts(),
                           dict(corpus.orgs.names), list(seen.items()), cache))
    return out


def convert_chunk(jobs: list[Job], part: str, base: str, prefix_block: bytes,
                  rules: "Entailer | None" = None, validate: bool = False) -> Done:
    """Pass 2 over a chunk: writes ``part.nq``, ``part.ttl`` (and with ``rules`` the entailed
    quads into ``part.inf.nq``); returns counts, and with ``validate`` the raw results of the
    SHACL-Core shapes on each document's graph (its triples and what the rules entail: exactly the
    document's named graph in the store the build validates) and of the document-scope SHACL-SPARQL
    checks, with the keys that let the main process verify those were indeed document-local."""
    done = Done(part + ".nq", part + ".ttl", [], Counter(), Counter(), part + ".inf.nq" if rules else None,
                core=[] if validate else None, local=[] if validate else None, keys=[] if validate else None)
    fmt, pre = ox.RdfFormat.TURTLE, prefixes()
    with open(done.nq, "wb") as nq, open(done.ttl, "wb") as ttl, \
            open(done.inferred or os.devnull, "wb") as inf:
        for job in jobs:
            r = convert_one(job, base)
            g = nt.iri(r.graph)
            text = r.text()
            # every line ends with " .\n" and a newline inside a literal is escaped, so this is
            # nt.with_graph on each line, done in one pass
            quads = text.replace(" .\n", f" {g} .\n").encode("utf-8")
            nq.write(quads)
            lines_text, text = text, text.encode("utf-8")
            added = []
            if rules:
                added = rules.entail(r.lines)
                inf.write("".join(added).replace(" .\n", f" {g} .\n").encode("utf-8"))
                done.entailed += len(added)
            if validate:
                from goalgraph.validate import WorkerContext, validate_document

                found = validate_document(lines_text, "".join(added), base, lines=itertools.chain(r.lines, added))
                done.core.extend(found.core)
                done.local.extend(found.local)
                done.keys.append(found.keys)
                if done.context is None:
                    done.context = WorkerContext()
                done.context.update(found.context)
            body = ox.serialize(ox.parse(text, format=ox.RdfFormat.N_TRIPLES), format=fmt, prefixes=pre)
            ttl.write(_strip_prefixes(body, prefix_block))
            done.triples.append(len(r.lines))
            done.types.update(r.types)
            done.policy.update(r.policy_documents)
    return done


def convert_one(job: Job, base: str) -> "cv.Converted":
    with open(job.cache, "rb") as fh:
        doc = pickle.load(fh)
    os.unlink(job.cache)  # each document is converted once; keep the work directory small
    corpus = cv.Corpus(base, registry=False)
    ctx = cv.Context.of(doc)
    corpus._register_orgs(ctx)  # the document's own name → code map (pass 1 and 2 agree)
    corpus.orgs.names = defaultdict(Counter, {k: Counter({label: 1}) for k, label in job.labels.items()})
    resolution: dict[str, object] = {}
    order: dict[object, int] = {}
    for where, cit, _ in _distinct_citations(corpus, ctx):
        i = order.setdefault(cit, len(order))
        resolution[where] = job.resolutions[i]
    corpus._resolution = resolution
    corpus._first_cited = {key: (ctx.id, line) for key, line, _ in job.policy}
    corpus._documents = {key: d for key, _, d in job.policy}
    return corpus.convert(doc)


def _strip_prefixes(body: bytes, block: bytes) -> bytes:
    if not body.startswith(block):  # pragma: no cover - Oxigraph writes every prefix first
        raise GoalgraphError("unexpected Turtle prefix block from the serialiser")
    return body[len(block):]


def prefix_block(known: dict[str, str] | None = None) -> bytes:
    """The ``@prefix`` lines Oxigraph writes before the first triple (for ``known``, by default the
    vocabulary :func:`prefixes`)."""
    one = ox.Triple(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.NamedNode("urn:x:o"))
    text = ox.serialize([one], format=ox.RdfFormat.TURTLE, prefixes=prefixes() if known is None else known)
    return text[: text.index(b"<urn:x:s>")]


# ---------------------------------------------------------------------------------------------
# running chunks in order, inline or on a process pool


def ordered(fn: Callable, tasks: Iterable[tuple], workers: int) -> Iterator:
    """``fn(*task)`` for each task, results in task order; at most ``2·workers + 1`` in flight."""
    if workers <= 1:
        for task in tasks:
            yield fn(*task)
        return
    pending = []
    it = iter(tasks)
    with ProcessPoolExecutor(max_workers=workers, initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
        try:
            for task in it:
                pending.append(pool.submit(fn, *task))
                if len(pending) > 2 * workers:
                    yield _result(pending.pop(0))
            while pending:
                yield _result(pending.pop(0))
        finally:
            for f in pending:
                f.cancel()


def _die_with_parent(parent: int) -> None:
    """Linux: a worker gets SIGKILL when the build dies (a killed build leaves no orphan writing).

    The death signal is armed after the fork, so a build killed in between has already gone: the
    worker checks its parent once armed and leaves at once if it is no longer the build."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux / no glibc
        pass
    if os.getppid() != parent:
        os._exit(1)


class Beside:
    """``fn(*args)`` in a child process while this one goes on::

        with Beside(fn, a, b) as side:
            ...            # this process's work
            x = side.result()

    The child is a fresh interpreter (``python -c``), given ``fn`` and ``args`` pickled (``fn`` by
    reference: a module-level function), not a fork: a forked child shares this process's pages and
    copies them as its garbage collector touches them (gigabytes after a province's conversion).
    Nor is it multiprocessing's "spawn", which re-runs the caller's main script when it has no
    ``if __name__ == "__main__"`` guard. A ``GoalgraphError`` in the child is raised here by
    ``result``; a child that dies raises one too; leaving the block early kills the child."""

    def __init__(self, fn: Callable, *args):
        self._payload = pickle.dumps((os.getpid(), fn, args), protocol=pickle.HIGHEST_PROTOCOL)
        self._process: subprocess.Popen | None = None

    def __enter__(self) -> "Beside":
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}  # as here
        self._process = subprocess.Popen(
            [sys.executable, "-c", "from goalgraph.pipeline import _beside_main; _beside_main()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        try:
            with self._process.stdin as stdin:
                stdin.write(self._payload)
        except BrokenPipeError:  # the child died at once: result() says so, with its exit code
            pass
        return self

    def result(self):
        with self._process.stdout as stdout:
            data = stdout.read()
        code = self._process.wait()
        if code != 0 or not data:
            raise GoalgraphError(f"the process beside this one stopped (exit code {code}) without a result")
        return _unwrap(pickle.loads(data))

    def __exit__(self, *exc) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        if not self._process.stdout.closed:
            self._process.stdout.close()


def _beside_main() -> None:
    """The child of :class:`Beside`: (parent pid, fn, args) pickled on stdin, the pickled result
    on stdout (the one channel: whatever the work prints goes to stderr)."""
    # Ctrl-C reaches the whole process group: the parent stops and kills this child, which would
    # otherwise print a KeyboardInterrupt traceback under the build's one-line message
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    parent, fn, args = pickle.load(sys.stdin.buffer)
    _die_with_parent(parent)
    result = _guard(fn)(*args)
    with channel:
        channel.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))


def _result(future):
    return future.result()


def chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def chunk_size(n: int, workers: int) -> int:
    """Small enough to balance the cores, big enough to keep task overhead low."""
    return max(1, min(8, n // max(1, workers * 6)))


# ---------------------------------------------------------------------------------------------
# the two passes


class Pipeline:
    """One build: ``run(paths, ontology, nq_file, ttl_file)`` writes the two graph files."""

    def __init__(self, base: str, work: Path, workers: int = 1, quiet: bool = True, step=None):
        self.base, self.work, self.workers, self.quiet = base, Path(work), max(1, workers), quiet
        self.step = step  # factory: step(name, total, unit) → progress.Step

    def _step(self, name, total, unit):
        from goalgraph.progress import Step

        return (self.step or Step)(name, total=total, unit=unit, quiet=self.quiet)

    def _workers_for(self, n: int) -> int:
        return self.workers if n > 1 else 1

    # -- pass 1 --------------------------------------------------------------------------------
    def scan(self, paths: list[Path]) -> tuple[list[Info], list[Job]]:
        cache_dir = self.work / "docs"
        cache_dir.mkdir(parents=True, exist_ok=True)
        items = [(i, str(p)) for i, p in enumerate(paths)]
        workers = self._workers_for(len(items))
        size = chunk_size(len(items), workers)
        names: dict[tuple[str, str], Counter] = defaultdict(Counter)
        index: dict[object, int] = {}
        first: list[tuple[int, int]] = []  # per distinct citation: (document, line) of first use
        registry = cv.new_registry()
        infos: list[Info] = []
        with self._step("reading", len(items), "documents") as step:
            tasks = ((chunk, str(cache_dir), self.base) for chunk in chunks(items, size))
            for scanned in ordered(_guard(scan_chunk), tasks, workers):
                for s in _unwrap(scanned):
                    for key, counter in s.names.items():
                        names[key].update(counter)
                    ids = array("q")
                    for cit, line in s.citations:
                        i = index.get(cit)
                        if i is None:
                            i = index[cit] = len(first)
                            first.append((s.index, line))
                            registry.add(cit, "")
                        ids.append(i)
                    infos.append(Info(s.doc_id, s.name, s.line_count, s.role_counts, s.cache,
                                      list(s.names), ids))
                    step.update(1)
        del index
        return infos, self._jobs(infos, names, registry, first)

    def _jobs(self, infos, names, registry, first) -> list[Job]:
        labels = {key: counter.most_common(1)[0][0] for key, counter in names.items() if counter}
        resolutions: list[Res] = []
        policy: dict[int, list] = defaultdict(list)
        if registry is not None:
            documents = {d.key: d for d in registry.documents} if first else {}
            seen: set[str] = set()
            for r, (doc, line) in zip(registry.resolve(), first):
                resolutions.append(Res(r.document_key, r.method, r.note))
                key = r.document_key
                if key and key not in seen:
                    seen.add(key)
                    if key in documents:
                        policy[doc].append((key, line, documents[key]))
        return [Job(i, info.cache, {k: labels[k] for k in info.org_keys if k in labels},
                    [resolutions[c] for c in info.citations], policy.get(i, []))
                for i, info in enumerate(infos)]

    # -- pass 2 --------------------------------------------------------------------------------
    def convert(self, jobs: list[Job], ontology: str, nq_out, ttl_out, inferred_out=None,
                rules: "Entailer | None" = None, validate: bool = False,
                load: Callable[[Path], None] | None = None) -> Result:
        """Convert every document; N-Quads to ``nq_out`` and Turtle to ``ttl_out`` (binary files);
        with ``rules``, what they entail to ``inferred_out``; with ``validate``, the SHACL-Core
        results of each document graph into ``Result.core`` and those of the document-scope SPARQL
        checks into ``Result.local`` (in input order: the same whatever the number of workers;
        ``Result.local`` is None when a document-scoped node occurs in two documents).

        ``load``, when given, is called with every N-Quads file as it is ready (the ontology, then
        each chunk's quads and entailed quads): the build bulk-loads them into its store here, in
        this otherwise idle process, while the workers go on converting, instead of loading one
        big file after the last document (on 2 cores that hid about a third of a province build)."""
        result = Result([], core=[] if validate else None, local=[] if validate else None)
        if validate:
            from goalgraph.validate import WorkerContext

            result.context = WorkerContext()
        owner: dict[str, int] = {}  # document-scope key → the document that mentions it
        doc = 0
        block = prefix_block()
        parts = self.work / "parts"
        parts.mkdir(parents=True, exist_ok=True)
        if ontology:
            text = ontology if ontology.endswith("\n") else ontology + "\n"
            nq_out.write(text.encode("utf-8"))
            result.quads += text.count("\n")
            if load is not None:
                path = parts / "ontology.nq"
                path.write_text(text, encoding="utf-8")
                load(path)
                path.unlink()
        ttl_out.write(block)
        if ontology:  # parsed without a store: canonical blank-node labels, same bytes every run
            body = ox.serialize(ox.parse(ontology, format=ox.RdfFormat.N_TRIPLES),
                                format=ox.RdfFormat.TURTLE, prefixes=prefixes())
            ttl_out.write(_strip_prefixes(body, block))
        workers = self._workers_for(len(jobs))
        size = chunk_size(len(jobs), workers)
        with self._step("converting and loading" if load else "converting", len(jobs), "documents") as step:
            rules = rules if inferred_out is not None else None
            tasks = ((chunk, str(parts / f"{k:06d}"), self.base, block, rules, validate)
                     for k, chunk in enumerate(chunks(jobs, size)))
            for done in ordered(_guard(convert_chunk), tasks, workers):
                done = _unwrap(done)
                for src, dst in ((done.nq, nq_out), (done.ttl, ttl_out), (done.inferred, inferred_out)):
                    if src is None:
                        continue
                    if load is not None and src != done.ttl:
                        load(Path(src))
                    with open(src, "rb") as fh:
                        shutil.copyfileobj(fh, dst, 1 << 20)
                    os.unlink(src)
                result.entailed += done.entailed
                if done.core is not None:
                    result.core.extend(done.core)
                for keys in done.keys or ():
                    if result.local is not None and any(owner.setdefault(k, doc) != doc for k in keys):
                        # a document-scoped node in two documents: the document-scope checks run
                        # on the whole store instead (validate_graph without ``local``)
                        result.local = result.context = None
                        owner.clear()
                    doc += 1
                if result.local is not None and done.local is not None:
                    result.local.extend(done.local)
                if result.context is not None and done.context is not None:
                    result.context.update(done.context)
                n = sum(done.triples)
                result.triples += n
                result.quads += n
                result.types.update(done.types)
                result.policy.update(done.policy)
                step.update(len(done.triples), triples=n, **({"entailed": done.entailed} if rules else {}))
        return result


# errors raised in a worker come back as (class name, message, exit code): custom exceptions with
# extra __init__ arguments do not always survive pickling


class _Failure:
    def __init__(self, exc: GoalgraphError):
        self.message, self.exit_code = str(exc), exc.exit_code


class _guard:
    def __init__(self, fn):
        self.fn = fn

    def __call__(self, *args):
        try:
            return self.fn(*args)
        except GoalgraphError as exc:
            return _Failure(exc)


def _unwrap(value):
    if isinstance(value, _Failure):
        err = InputError(value.message)
        err.exit_code = value.exit_code
        raise err
    return value


# ---------------------------------------------------------------------------------------------
# validating a store the build wrote, one document graph at a time (goalgraph validate --store)


#: below this many quads in named graphs, validating the whole store in one process is faster
#: (the seed, 26,000 quads: 0.5 CPU-s whole, 1.5 one document at a time; 284,000 quads: 6.5 s and 5.7 s)
SMALL_STORE = 200_000


def _named_quads_below(store, n: int) -> bool:
    """Whether the store has fewer than ``n`` quads in named graphs (counted up to ``n`` only)."""
    if n <= 0:
        return False
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT * WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} LIMIT {int(n)} }}"
    return int(next(iter(store.store.query(query)))[0].value) < n


def validate_text(data: bytes, base: str, settings, default_graph: bytes):
    """A worker's part of :func:`validate_store`: one document graph (N-Triples) validated alone."""
    from goalgraph.validate import validate_document

    return validate_document(data.decode("utf-8"), "", base, settings, default_graph)


def validate_store(store, settings=None, workers: int = 1, quiet: bool = True,
                   prog: str = "goalgraph validate", small: int = SMALL_STORE):
    """``validate.validate_graph(store, settings)`` of a store the build wrote, one document graph
    at a time as the build validates (``validate.store_documents``): this process reads each
    document's triples from the store and ``workers`` processes validate them alone, on an
    in-memory store; then the corpus-scope checks run on the whole store. The outcome is the same
    as validating the whole store at once (tested). The whole store is validated at once when its
    layout does not allow this; the document-scope checks run on the whole store when a
    document-scoped node is in two documents (as in the build). A store with fewer than ``small``
    quads in named graphs is validated whole: that is faster at that size."""
    from goalgraph.progress import Step
    from goalgraph.validate import WorkerContext, core_results_of_graphs, store_documents, validate_graph

    # the bounded count first: the layout test scans the summaries graph
    layout = None if _named_quads_below(store, small) else store_documents(store, settings)
    if layout is None:
        return validate_graph(store, settings)
    base, documents, others = layout
    default = store.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    core: list = []
    local: list | None = []
    context: WorkerContext | None = WorkerContext()
    owner: dict[str, int] = {}  # document-scope key → the document that mentions it
    tasks = ((store.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name)), base, settings, default)
             for name in documents)
    # garbage from this thread collected here: pyoxigraph query results must be dropped by the
    # thread that made them, and the pool's result thread may otherwise run the collector (seen
    # once: "PyQuerySolutions is unsendable, but is being dropped on another thread")
    gc.collect()
    with Step("validating documents", total=len(documents), unit="documents", quiet=quiet, prog=prog) as step:
        for doc, found in enumerate(ordered(_guard(validate_text), tasks, workers if len(documents) > 1 else 1)):
            found = _unwrap(found)
            core.extend(found.core)
            if local is not None and any(owner.setdefault(k, doc) != doc for k in found.keys):
                local = context = None  # the document-scope checks run on the whole store instead
            if local is not None:
                local.extend(found.local)
                context.update(found.context)
            step.update(1)
    core.extend(core_results_of_graphs(store, others, settings))
    return validate_graph(store, settings, core=core, local=local, context=context)
