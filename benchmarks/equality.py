"""`python -m benchmarks.equality --copies N [N ...]` (``make equality``): goalgraph's validator
against unmodified ``pyshacl.validate`` on the seed document replicated N times.

For each N:

1. ``goalgraph.synth.replicate_seed`` writes N copies of the seed under new project codes and
   divisions (copy 1 is the seed itself), and ``goalgraph build --no-validate`` loads them;
2. ``validate_graph(store, mode="fast")`` validates the built store (Core shapes per document graph
   with pySHACL, SHACL-SPARQL as whole-store queries on Oxigraph);
3. the reference, ``pyshacl.validate`` itself (no goalgraph code in the loop), validates the same
   quads merged into one graph with the same shapes, ``inference="none"``:

   ``--reference oxigraph`` (default)
       the quads in the default graph of a pyoxigraph ``Store`` handed straight to
       ``pyshacl.validate`` (pySHACL ≥ 0.30 accepts a ``pyoxigraph.Store`` as the data graph and
       runs on it: triple patterns by index lookups, each SPARQL constraint once per focus node on
       Oxigraph with ``$this`` given as a substitution). No copy into rdflib memory;
   ``--reference rdflib``
       the quads in an in-memory ``rdflib.Graph`` (what ``mode="pyshacl"`` and
       ``benchmarks.tasks.validate_pyshacl`` do): the classic reference, 9.5–17 min at 1× on this
       2-core box (load-dependent), hopeless at 100×. At 1× both backends give the same 537
       results, with the same multiplicities, as each other and as the fast mode;

4. the result sets must be identical, keyed like ``Finding.key()``: (focus, sourceShape,
   resultPath, value — numbers compared by value —, severity);
5. the fast results at N, with copy k's codes and document id mapped back to copy 1's, must be the
   1× results: each appears N times, except results about nodes the copies share by design
   (policy documents: one node per 文号/title across the corpus), which appear once.

Each step runs in a fresh process (wall time, peak RSS). Prints a table and appends it to
``benchmarks/RESULTS.md`` unless ``--no-save``. Exit status 1 when any comparison fails.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import shutil
import sys
import time
from collections import Counter
from pathlib import Path

from benchmarks.measure import ROOT, machine, measure

SEED = ROOT / "data" / "raw" / "yantai-2022-performance-targets.txt"
RESULTS = ROOT / "benchmarks" / "RESULTS.md"


# -- steps (each runs in a fresh process through benchmarks.measure.measure) ----------------------
def replicate(n: int, out: str, source: str = str(SEED)) -> dict:
    from goalgraph.synth import replicate_seed
    shutil.rmtree(out, ignore_errors=True)
    paths = replicate_seed(n, out, source)
    return {"documents": len(paths)}


def store_dir(build_out: str | Path) -> Path:
    """The Oxigraph store a build wrote (``<out>/store``)."""
    return Path(build_out) / "store"


def _key_rows(keys) -> list[list]:
    return sorted([list(k) for k in keys], key=lambda k: [str(x) for x in k])


def _write_keys(path: str, keys) -> None:
    Path(path).write_text(json.dumps(_key_rows(keys), ensure_ascii=False), encoding="utf-8")


def read_keys(path: str | Path) -> Counter:
    return Counter(tuple(k) for k in json.loads(Path(path).read_text(encoding="utf-8")))


def validate_fast(store: str, copy_dir: str, keys_out: str) -> dict:
    """goalgraph ``validate_graph(mode="fast")`` on a read-only copy of the built store."""
    from goalgraph.store import GraphStore
    from goalgraph.validate import validate_graph
    shutil.rmtree(copy_dir, ignore_errors=True)
    shutil.copytree(store, copy_dir)
    data = GraphStore.open(copy_dir, read_only=True)
    t0 = time.perf_counter()
    outcome = validate_graph(data, mode="fast")
    seconds = time.perf_counter() - t0
    _write_keys(keys_out, [f.key() for f in outcome.results])
    return {"results": len(outcome.results), "keys": len(outcome.keys()), "validate_s": round(seconds, 2),
            "conforms": outcome.conforms}


def reference_keys(report) -> list[tuple]:
    """(focus, shape, path, value, severity) of every result of a pySHACL report graph, as
    ``Finding.key()`` builds them."""
    import rdflib
    from rdflib.namespace import RDF, SH

    from goalgraph.validate import _canonical, local_name
    out = []
    for res in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(res, SH.resultPath)
        out.append((str(report.value(res, SH.focusNode)), str(report.value(res, SH.sourceShape)),
                    str(path) if isinstance(path, rdflib.URIRef) else None,
                    _canonical(report.value(res, SH.value)),
                    local_name(str(report.value(res, SH.resultSeverity)))))
    return out


def load_reference_data(store: str, backend: str, scratch: str | None = None):
    """Every quad of the built store as triples of one graph: a pyoxigraph ``Store`` (default graph;
    on disk in ``scratch`` when given) or an in-memory ``rdflib.Graph``."""
    import pyoxigraph as ox
    src = ox.Store.read_only(store)
    if backend == "oxigraph":
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
            dst = ox.Store(scratch)
        else:
            dst = ox.Store()
        dst.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in src)
        if scratch:
            dst.flush()
        return dst
    if backend == "rdflib":
        import rdflib

        from goalgraph.store import cached_rdflib_terms
        g = rdflib.Graph()
        term = cached_rdflib_terms()
        for q in src:
            g.add((term(q.subject), term(q.predicate), term(q.object)))
        return g
    raise ValueError(f"unknown reference backend {backend!r}")


def oxigraph_data_graph(store):
    """pySHACL's own Oxigraph data graph (what ``pyshacl.validate`` builds for a ``pyoxigraph.Store``)
    with a constant-time truth value.

    pySHACL describes every result with ``stringify_node(datagraph or sg, focus)``: ``datagraph or``
    asks ``bool(datagraph)``, which for a graph without ``__bool__`` is ``len(datagraph) != 0``, and
    ``OxigraphDataGraph.__len__`` counts every distinct triple of the store (a full scan) — twice per
    result, so the time grows with results × triples (85 of 90 s at 1×; quadratic in the copies).
    The data graph is never modified (``inference="none"``, no rules, in place), so its emptiness is
    computed once. Nothing else differs: the same class, the same pySHACL code paths."""
    from pyshacl.graph_abstraction import OxigraphDataGraph

    nonempty = next(iter(store.quads_for_pattern(None, None, None, None)), None) is not None

    class OxigraphDataGraphConstantTruth(OxigraphDataGraph):
        def __bool__(self) -> bool:
            return nonempty

    return OxigraphDataGraphConstantTruth(store)


def run_pyshacl(data) -> list[tuple]:
    """Unmodified ``pyshacl.validate`` with every shape (severity overrides and parameters at their
    defaults, as ``validate_graph`` applies them), ``inference="none"``, in place. A
    ``pyoxigraph.Store`` is wrapped by :func:`oxigraph_data_graph`."""
    import pyoxigraph as ox
    import pyshacl

    from goalgraph.validate import load_shapes
    if isinstance(data, ox.Store):
        data = oxigraph_data_graph(data)
    _conforms, report, text = pyshacl.validate(
        data, shacl_graph=load_shapes(), inference="none", advanced=False, abort_on_first=False,
        allow_warnings=False, allow_infos=False, meta_shacl=False, inplace=True)
    if isinstance(report, (str, bytes)) or report is None:
        raise RuntimeError(f"pyshacl failed: {text}")
    return reference_keys(report)


def validate_reference(store: str, keys_out: str, backend: str = "oxigraph", scratch: str | None = None) -> dict:
    t0 = time.perf_counter()
    data = load_reference_data(store, backend, scratch)
    load_s = time.perf_counter() - t0
    gc.collect()
    t1 = time.perf_counter()
    keys = run_pyshacl(data)
    validate_s = time.perf_counter() - t1
    _write_keys(keys_out, keys)
    n = len(data)
    del data
    if scratch:
        shutil.rmtree(scratch, ignore_errors=True)
    return {"results": len(keys), "keys": len(set(keys)), "triples": n, "load_s": round(load_s, 2),
            "validate_s": round(validate_s, 2)}


# -- comparisons ----------------------------------------------------------------------------------
def diff(a: Counter | set, b: Counter | set, limit: int = 5) -> str:
    """'' when the key sets are equal, else a short description."""
    sa, sb = set(a), set(b)
    if sa == sb:
        return ""
    return (f"{len(sa - sb)} only in the first, {len(sb - sa)} only in the second; e.g. "
            f"{sorted(sa - sb, key=str)[:limit]} / {sorted(sb - sa, key=str)[:limit]}")


_COPY_DOC = re.compile(r"-r\d{5}(?=[/#.]|$)")
_DIV_AFTER = re.compile(r"((?:/org/|/duty/|/activity/|/project/|^)\s*)(\d{6})(?=[/0-9A-Z]|$)")


def normaliser(seed_codes: list[str], n: int):
    """A function mapping a key of copy k back to copy 1's: document id ``{stem}-r{k}`` → ``{stem}``,
    shifted division prefixes → the original ones (see ``replicate_seed``)."""
    from goalgraph.synth import _shift_prefix
    back: dict[str, str] = {}
    for c in seed_codes:
        for k in range(1, n):
            shifted = _shift_prefix(c, k)
            back[shifted[:6]] = c[:6]

    def fix(s):
        if not isinstance(s, str):
            return s
        s = _COPY_DOC.sub("", s)
        return _DIV_AFTER.sub(lambda m: m.group(1) + back.get(m.group(2), m.group(2)), s)

    return lambda key: tuple(fix(x) for x in key)


def scaling(keys_n: Counter, keys_1: Counter, n: int, seed_codes: list[str]) -> dict:
    """Copy-normalised results at n vs at 1×: per-copy results appear n times, shared ones once."""
    norm = normaliser(seed_codes, n)
    mult = Counter(norm(k) for k in keys_n.elements())
    base = set(keys_1)
    bad = {k: m for k, m in mult.items() if m not in (1, n)}
    shared = sorted(k for k, m in mult.items() if m == 1 and n > 1)
    return {"same_set": set(mult) == base, "diff": diff(mult, base), "bad_multiplicity": len(bad),
            "per_copy": sum(1 for m in mult.values() if m == n), "shared": len(shared) if n > 1 else 0,
            "shared_rules": sorted(Counter(re.sub(r"^.*#", "", k[1]).rsplit("-", 1)[0] for k in shared).items())}


def seed_codes(source: Path = SEED) -> list[str]:
    from goalgraph.read import read_document
    return sorted({s.code for s in read_document(source).projects if s.code})


# -- driver ---------------------------------------------------------------------------------------
def fmt(x) -> str:
    if x is None:
        return "–"
    return f"{x:.2f}" if x < 10 else f"{x:.0f}"


def run(n: int, work: Path, backend: str, cap: float, ref_on_disk: bool, skip_reference: bool,
        keep: bool, out) -> dict:
    corpus, build_out = work / f"corpus-{n}", work / f"build-{n}"
    measure(f"replicate {n}", "benchmarks.equality", "replicate", n=n, out=str(corpus))
    b = measure(f"build {n}", "benchmarks.tasks", "build", timeout=4 * 3600, corpus=str(corpus), out=str(build_out),
                validate=False)
    store = store_dir(build_out)
    kf, kr = work / f"keys-fast-{n}.json", work / f"keys-{backend}-{n}.json"
    fast = measure(f"fast {n}", "benchmarks.equality", "validate_fast", timeout=4 * 3600, store=str(store),
                   copy_dir=str(work / "validate-store"), keys_out=str(kf))
    shutil.rmtree(work / "validate-store", ignore_errors=True)
    row = {"n": n, "quads": b.result.get("quads"), "build_s": b.seconds, "fast_s": fast.seconds,
           "fast_mb": fast.peak_mb, "results": fast.result["results"], "ref_s": None, "ref_mb": None,
           "same": None}
    if not skip_reference:
        try:
            ref = measure(f"pyshacl/{backend} {n}", "benchmarks.equality", "validate_reference", timeout=cap,
                          store=str(store), keys_out=str(kr), backend=backend,
                          scratch=str(work / "reference-store") if ref_on_disk else None)
            row.update(ref_s=ref.seconds, ref_mb=ref.peak_mb, ref_validate_s=ref.result["validate_s"],
                       ref_load_s=ref.result["load_s"], ref_results=ref.result["results"])
            d = diff(read_keys(kf), read_keys(kr))
            row["same"] = not d
            if d:
                out(f"**DIFFERENT at {n}×**: {d}")
        except Exception as exc:  # noqa: BLE001 - a timeout is a result
            why = "timed out" if "timed out" in str(exc) else str(exc).splitlines()[-1][:300]
            out(f"reference at {n}×: did not finish ({why}; cap {cap:.0f} s)")
            shutil.rmtree(work / "reference-store", ignore_errors=True)
    k1 = work / "keys-fast-1.json"
    if k1.exists():
        row["scaling"] = scaling(read_keys(kf), read_keys(k1), n, seed_codes())
    if not keep:
        shutil.rmtree(corpus, ignore_errors=True)
        shutil.rmtree(build_out, ignore_errors=True)
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.equality", description=__doc__.split("\n\n")[0])
    ap.add_argument("--copies", type=int, nargs="+", default=[1, 3, 10], help="sizes, in copies of the seed")
    ap.add_argument("--reference", choices=("oxigraph", "rdflib"), default="oxigraph",
                    help="backend of the unmodified pyshacl.validate reference (default: oxigraph)")
    ap.add_argument("--reference-on-disk", action="store_true",
                    help="give pyshacl an on-disk pyoxigraph Store (bounded memory) instead of an in-memory one")
    ap.add_argument("--reference-max", type=int, default=None,
                    help="run the reference only up to this many copies (fast mode and the scaling check run at every size)")
    ap.add_argument("--cap", type=float, default=3 * 3600, help="time cap of one reference run (s)")
    ap.add_argument("--work", default=os.environ.get("GOALGRAPH_BENCH_DIR", "/tmp/goalgraph-bench") + "/equality")
    ap.add_argument("--keep", action="store_true", help="keep corpora and builds")
    ap.add_argument("--no-save", action="store_true", help="do not append to benchmarks/RESULTS.md")
    args = ap.parse_args(argv)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []

    def out(line: str = "") -> None:
        print(line, flush=True)
        lines.append(line)

    sizes = sorted(set(args.copies))
    if sizes[0] != 1:
        sizes = [1] + sizes  # the 1× fast keys anchor the scaling check
    out(f"## {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} — equality: fast vs unmodified "
        f"`pyshacl.validate` ({args.reference}{', on disk' if args.reference_on_disk else ''}), seed × "
        f"{', '.join(map(str, sizes))}")
    out()
    out(f"Machine: {machine()}; load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    out()
    rows, ok = [], True
    for n in sizes:
        skip = args.reference_max is not None and n > args.reference_max
        row = run(n, work, args.reference, args.cap, args.reference_on_disk, skip, args.keep, out)
        rows.append(row)
        sc = row.get("scaling", {})
        print(f"  {n}×: {json.dumps({k: v for k, v in row.items() if k != 'scaling'}, default=str)}", flush=True)
        if row["same"] is False or (sc and (not sc["same_set"] or sc["bad_multiplicity"])):
            ok = False
    out("| copies | quads | build s | fast s | fast peak MB | pyshacl s (load + validate) | pyshacl peak MB | "
        "time ratio | memory ratio | results | fast = pyshacl | n × per-copy + shared |")
    out("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        sc = r.get("scaling") or {}
        same = {True: "identical", False: "**DIFFERENT**", None: "not run"}[r["same"]]
        scal = (f"{r['n']} × {sc['per_copy']} + {sc['shared']}" + ("" if sc["same_set"] and not sc["bad_multiplicity"]
                                                                 else " **MISMATCH**")) if sc else "–"
        ref = (f"{fmt(r['ref_s'])} ({fmt(r['ref_load_s'])} + {fmt(r['ref_validate_s'])})" if r["ref_s"] else "–")
        out(f"| {r['n']} | {r['quads'] or 0:,} | {fmt(r['build_s'])} | {fmt(r['fast_s'])} | {r['fast_mb']:,.0f} | {ref} | "
            f"{'–' if r['ref_mb'] is None else format(r['ref_mb'], ',.0f')} | "
            f"{'–' if not r['ref_s'] else format(r['ref_s'] / r['fast_s'], '.1f') + '×'} | "
            f"{'–' if not r['ref_mb'] else format(r['ref_mb'] / r['fast_mb'], '.1f') + '×'} | {r['results']:,} | {same} | {scal} |")
    out()
    shared = next((r["scaling"]["shared_rules"] for r in rows if r.get("scaling", {}).get("shared")), None)
    if shared:
        out(f"Results the copies share (about policy documents, one node per 文号/title corpus-wide): "
            f"{', '.join(f'{k} ×{v}' for k, v in shared)}.")
        out()
    if not args.no_save:
        if not RESULTS.exists():
            RESULTS.write_text("# Benchmark results\n\n", encoding="utf-8")
        with open(RESULTS, "a", encoding="utf-8") as fh:
            fh.write("\n".join(lines).rstrip() + "\n\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
