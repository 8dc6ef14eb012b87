"""Benchmark steps. Each function runs inside a fresh process (``benchmarks.measure.measure``) and
returns a dict of facts; wall time and peak RSS are taken by the runner around the call."""

from __future__ import annotations

import gc
import os
import resource
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

GG = "https://w3id.org/goalgraph/ontology#"
BIN = Path(sys.executable).parent
SEED = Path(__file__).resolve().parents[1] / "data" / "raw" / "yantai-2022-performance-targets.txt"


# -- corpus and pipeline ------------------------------------------------------------------------
def synth(out: str, governments: int, projects_per_gov: int, seed: int = 0) -> dict:
    from goalgraph.synth import write_corpus
    write_corpus(out, governments=governments, projects_per_gov=projects_per_gov, seed=seed)
    return {"documents": len(list(Path(out).glob("*.txt")))}


def replicate(out: str, copies: int) -> dict:
    """The seed document ``copies`` times under new codes (:func:`goalgraph.synth.replicate_seed`)."""
    from goalgraph.synth import replicate_seed
    return {"documents": len(replicate_seed(copies, out, SEED))}


def tree_rss(pid: int) -> int:
    """Bytes resident in process ``pid`` and its descendants (Linux /proc; 0 elsewhere)."""
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return 0
    rss: dict[int, int] = {}
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        children.setdefault(int(fields[1]), []).append(int(entry))  # fields[1]: the parent
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")  # fields[21]: rss in pages
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, ()))
    return total


def build(corpus: str, out: str, validate: bool = True) -> dict:
    """`goalgraph build` as a subprocess. Its peak memory is the peak of the summed RSS of its
    processes (sampled every 0.2 s: the workers, and the process beside validation, run at the same
    time as the main one), and at least the largest one's peak RSS (RUSAGE_CHILDREN)."""
    shutil.rmtree(out, ignore_errors=True)
    exe = BIN / "goalgraph"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "goalgraph"]
    flags = ["--quiet"] + ([] if validate else ["--no-validate"])
    with open(os.devnull, "wb") as null, subprocess.Popen(cmd + ["build", corpus, "--out", out, *flags],
                                                         stdout=null, stderr=subprocess.PIPE) as proc:
        err: list[bytes] = []
        peak_sum = 0
        while proc.poll() is None:
            ready, _, _ = select.select([proc.stderr], [], [], 0.2)
            if ready:
                err.append(os.read(proc.stderr.fileno(), 1 << 16))
            peak_sum = max(peak_sum, tree_rss(proc.pid))
        err.append(proc.stderr.read())
    if proc.returncode != 0:
        raise RuntimeError(f"goalgraph build failed ({proc.returncode}): {b''.join(err).decode()[-2000:]}")
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    facts = {"child_peak_mb": round(max(child_peak, peak_sum) / 2**20)}
    facts.update(store_counts(str(Path(out) / "store")))
    facts["nq_mb"] = round((Path(out) / "graph.nq").stat().st_size / 2**20, 1)
    return facts


def store_counts(store_dir: str) -> dict:
    import pyoxigraph as ox
    s = ox.Store.read_only(store_dir)
    q = ("SELECT (COUNT(*) AS ?n) WHERE { ?i a <%sIndicator> }" % GG)
    n = int(next(iter(s.query(q, use_default_graph_as_union=True)))["n"].value)
    facts = {"indicators": n, "quads": len(s)}
    del s
    gc.collect()
    return facts


def floor_load(nq: str, store_dir: str) -> dict:
    """The floor: pyoxigraph parsing and bulk-loading the same N-Quads into a fresh on-disk store."""
    import pyoxigraph as ox
    shutil.rmtree(store_dir, ignore_errors=True)
    s = ox.Store(store_dir)
    s.bulk_load(path=nq, format=ox.RdfFormat.N_QUADS)
    s.flush()
    n = len(s)
    del s
    gc.collect()
    shutil.rmtree(store_dir, ignore_errors=True)
    return {"quads": n}


# -- validation ---------------------------------------------------------------------------------
def _keys_file(path: str, keys) -> None:
    import json
    Path(path).write_text(json.dumps(sorted([list(k) for k in keys], key=str), ensure_ascii=False),
                          encoding="utf-8")


def _store_copy(store_dir: str, copy_dir: str):
    """A read-only open of a fresh copy of the built store (the build's own stays untouched)."""
    from goalgraph.store import GraphStore
    shutil.rmtree(copy_dir, ignore_errors=True)
    shutil.copytree(store_dir, copy_dir)
    return GraphStore.open(copy_dir, read_only=True)


def validate_fast(store_dir: str, copy_dir: str, keys_out: str) -> dict:
    """goalgraph's validator (``mode="fast"``) on a copy of the built store."""
    from goalgraph.validate import validate_graph
    outcome = validate_graph(_store_copy(store_dir, copy_dir), mode="fast")
    _keys_file(keys_out, outcome.keys())
    return {"results": len(outcome.results), "conforms": outcome.conforms}


def validate_by_document(store_dir: str, copy_dir: str, keys_out: str, workers: int = 2) -> dict:
    """``goalgraph validate --store``: each document graph alone on ``workers`` processes, then the
    corpus-scope checks (``pipeline.validate_store``), on a copy of the built store."""
    import resource

    from goalgraph.pipeline import validate_store
    outcome = validate_store(_store_copy(store_dir, copy_dir), workers=workers, small=0)  # the per-document path at any size
    _keys_file(keys_out, outcome.keys())
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"results": len(outcome.results), "conforms": outcome.conforms,
            "cpu_s": round(me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime, 1),
            "worker_peak_mb": round(kids.ru_maxrss / 1024)}


def validate_pyshacl(nq: str, keys_out: str) -> dict:
    """Plain ``pyshacl.validate`` on an rdflib Graph of the same data (all graphs merged) and the same
    shapes, ``inference="none"``; results keyed like ``Finding.key()`` (focus, shape, path, value, severity)."""
    import pyshacl
    import rdflib
    from rdflib.namespace import RDF, SH

    from goalgraph.validate import _canonical, load_shapes, local_name

    ds = rdflib.Dataset()
    t0 = time.perf_counter()
    ds.parse(nq, format="nquads")
    g = rdflib.Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    del ds
    gc.collect()
    parse_s = time.perf_counter() - t0
    shapes = load_shapes()
    t1 = time.perf_counter()
    _conforms, report, _text = pyshacl.validate(
        g, shacl_graph=shapes, inference="none", advanced=False, abort_on_first=False,
        allow_warnings=False, allow_infos=False, meta_shacl=False)
    validate_s = time.perf_counter() - t1
    keys = set()
    for res in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(res, SH.resultPath)
        keys.add((str(report.value(res, SH.focusNode)), str(report.value(res, SH.sourceShape)),
                  str(path) if isinstance(path, rdflib.URIRef) else None,
                  _canonical(report.value(res, SH.value)), local_name(str(report.value(res, SH.resultSeverity)))))
    _keys_file(keys_out, keys)
    return {"results": len(keys), "parse_s": round(parse_s, 2), "validate_s": round(validate_s, 2),
            "triples": len(g)}


# -- queries ------------------------------------------------------------------------------------
def summarise(store_dir: str, copy_dir: str) -> dict:
    """A copy of the built store with build-time summaries (``goalgraph.summaries.materialize``),
    unless the build already wrote them, and a current text index. The copy is opened read-write
    only to write summaries (a read-write open may compact it, which makes its text index stale)."""
    from goalgraph import summaries, textindex
    from goalgraph.store import GraphStore
    shutil.rmtree(copy_dir, ignore_errors=True)
    shutil.copytree(store_dir, copy_dir)
    with GraphStore.open(copy_dir, read_only=True) as store:
        had = summaries.summary_graph() in store.named_graphs()
    written = 0
    if not had:
        with GraphStore.open(copy_dir) as store:
            written = summaries.materialize(store)
            textindex.build(store)
        textindex.seal(copy_dir)
    return {"already_built": had, "triples": written, "text_index": textindex.status(copy_dir)}


def _rows_digest(result) -> tuple[int, str]:
    import hashlib
    from goalgraph import query as Q
    if result.graph is not None:
        lines = sorted(result.graph.serialize(format="nt").splitlines())
        return len(lines), hashlib.sha1("\n".join(lines).encode()).hexdigest()[:12]
    rows = Q.plain_rows(result)
    return len(rows), hashlib.sha1(repr(rows).encode()).hexdigest()[:12]


def _time_queries(names: list[str], repeat: int, **source) -> dict:
    """Each saved query ``repeat`` times on one data source (``store=`` or ``endpoint=``): seconds per
    run, row count and digest; an error is reported for that query, not raised."""
    from goalgraph import query as Q
    cat = Q.load_catalogue()
    out = {}
    for name in names:
        times = []
        try:
            for _ in range(repeat):
                t0 = time.perf_counter()
                res = Q.run_query(cat[name], {}, **source)
                times.append(time.perf_counter() - t0)
            n, digest = _rows_digest(res)
            out[name] = {"s": times, "rows": n, "digest": digest}
        except Exception as exc:  # noqa: BLE001 - reported, not fatal
            out[name] = {"error": str(exc)[:200]}
    return out


def queries_oxigraph(store_dir: str, names: list[str], repeat: int = 2) -> dict:
    """Every saved query on the embedded on-disk store (opened read-only): first and repeat run."""
    from goalgraph.store import GraphStore
    return _time_queries(names, repeat, store=GraphStore.open(store_dir, read_only=True))


def queries_oxigraph_scan(store_dir: str, names: list[str], repeat: int = 2) -> dict:
    """The same on the same store without its text index: text searches scan every name."""
    from goalgraph.store import GraphStore
    return _time_queries(names, repeat, store=GraphStore(GraphStore.open(store_dir, read_only=True).store))


def queries_kept(store_dir: str, names: list[str]) -> dict:
    """``goalgraph query NAME --store DIR -f csv`` twice, as a user runs it: the first run keeps a slow
    query's output inside the store (:mod:`goalgraph.resultcache`), the second prints it again.
    Wall seconds of each (interpreter start included), whether the second was the kept output, and
    whether the bytes are the same."""
    out = {}
    for name in names:
        runs = []
        for _ in range(2):
            t0 = time.perf_counter()
            p = subprocess.run([sys.executable, "-m", "goalgraph", "query", name, "--store", store_dir, "-f", "csv"],
                               capture_output=True)
            runs.append((time.perf_counter() - t0, p))
        if any(p.returncode for _, p in runs):
            out[name] = {"error": runs[-1][1].stderr.decode(errors="replace")[-200:]}
            continue
        out[name] = {"s": [t for t, _ in runs], "kept": b"kept from an earlier run" in runs[1][1].stderr,
                     "same": runs[0][1].stdout == runs[1][1].stdout}
    return out


def queries_endpoint(url: str, names: list[str], server: str = "oxigraph", repeat: int = 2) -> dict:
    from goalgraph.endpoint import SparqlEndpoint
    return _time_queries(names, repeat, endpoint=SparqlEndpoint.for_server(server, url, timeout=600))


def rdflib_worker() -> None:
    """Parse graph.nq once into an rdflib Dataset (union), then time each query named on stdin in a
    forked child (copy-on-write view of the parsed graph), killed at the cap.

    Forking per query keeps one parse for the whole run: a query that passes the cap costs its cap,
    not a re-parse (~70 s for 2·10^6 quads), and it cannot leave the parent's graph half-indexed.
    """
    import json
    import signal

    import rdflib

    from goalgraph import query as Q
    nq = sys.stdin.readline().strip()
    cap = float(sys.stdin.readline())
    t0 = time.perf_counter()
    ds = rdflib.Dataset(default_union=True)
    ds.parse(nq, format="nquads")
    g = rdflib.ConjunctiveGraph(store=ds.store)
    print(json.dumps({"parsed": time.perf_counter() - t0,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), flush=True)
    cat = Q.load_catalogue()
    for line in sys.stdin:
        name = line.strip()
        if not name:
            break
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: run one query, report, exit without running the parent's cleanup
            os.close(read_end)
            try:
                t0 = time.perf_counter()
                res = Q.run_query(cat[name], {}, graph=g)
                n, digest = _rows_digest(res)
                msg = {"name": name, "s": time.perf_counter() - t0, "rows": n, "digest": digest}
            except Exception as exc:  # noqa: BLE001
                msg = {"name": name, "error": str(exc)[:200]}
            os.write(write_end, (json.dumps(msg) + "\n").encode())
            os._exit(0)
        os.close(write_end)
        with os.fdopen(read_end) as pipe:
            ready, _, _ = select.select([pipe], [], [], cap)
            reply = pipe.readline() if ready else ""
        if not reply:
            os.kill(pid, signal.SIGKILL)
            reply = json.dumps({"name": name, "capped": True}) + "\n"
        os.waitpid(pid, 0)
        print(reply, end="", flush=True)


def queries_rdflib(nq: str, names: list[str], cap: float = 60.0, parse_cap: float = 900.0) -> dict:
    """rdflib in memory: one worker parses once and times each query in a forked child killed at
    ``cap`` seconds (reported as ``>cap``)."""
    import json

    proc = subprocess.Popen([sys.executable, "-c", "from benchmarks.tasks import rdflib_worker; rdflib_worker()"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
                            cwd=str(Path(__file__).resolve().parents[1]))
    try:
        proc.stdin.write(f"{nq}\n{cap}\n")
        proc.stdin.flush()
        ready, _, _ = select.select([proc.stdout], [], [], parse_cap)
        if not ready:
            return {"_parse": {"error": f"rdflib parse over {parse_cap:.0f} s"}, **{n: {"capped": True} for n in names}}
        out: dict = {"_parse": json.loads(proc.stdout.readline())}
        for name in names:
            proc.stdin.write(name + "\n")
            proc.stdin.flush()
            out[name] = json.loads(proc.stdout.readline())  # the worker always answers within cap
        proc.stdin.write("\n")
        proc.stdin.flush()
        proc.wait(timeout=120)
        return out
    finally:
        stop(proc)


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_oxigraph_server(store_dir: str, copy_dir: str):
    """``oxigraph serve-read-only`` on a copy of the store, 127.0.0.1 only → (process, url) or None."""
    import urllib.request
    exe = shutil.which("oxigraph", path=str(BIN)) or shutil.which("oxigraph")
    if not exe:
        return None
    shutil.rmtree(copy_dir, ignore_errors=True)
    shutil.copytree(store_dir, copy_dir)
    port = free_port()
    proc = subprocess.Popen([exe, "serve-read-only", "--location", copy_dir, "--bind", f"127.0.0.1:{port}",
                             "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):  # bounded: 60 s
        if proc.poll() is not None:
            return None
        try:
            urllib.request.urlopen(url + "/", timeout=1)
            return proc, url
        except Exception:  # noqa: BLE001
            time.sleep(0.2)
    proc.terminate()
    proc.wait(timeout=30)
    return None


def stop(proc) -> None:
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


