"""`python -m benchmarks.run [--size small|medium|large|province] [--only NAME]...` (``make bench``).

Every benchmark compares goalgraph with its peer in ONE run (same process tree, same data, each
step in a fresh process via :func:`benchmarks.measure.measure`), prints the ratios and appends a
section to ``benchmarks/RESULTS.md`` with machine, versions and date.

Benchmarks (``--only``, repeatable):

* ``pipeline``  documents → validated store (``goalgraph build`` as a subprocess) at 10^3 … 10^N
  indicators: wall time, peak RSS, growth per 10×;
* ``floor``     build vs pyoxigraph merely bulk-loading the same ``graph.nq`` into a fresh store;
* ``validate``  ``validate_graph(mode="fast")`` vs plain ``pyshacl.validate`` on the same data and
  shapes: time, peak RSS, and the result sets must be identical;
* ``queries``   every saved query: embedded Oxigraph (on-disk) vs rdflib in memory (capped) vs an
  Oxigraph server (``GOALGRAPH_OXIGRAPH_URL`` is not reused: a read-only server is started on
  127.0.0.1 on a copy of the same store, so the data is the same by construction).
* ``copies``    the same query comparison on the seed itself replicated N times under new codes
  (``--seed-copies 100 --seed-copies 1000``, issue #6); rdflib is skipped, with the reason, where
  it would need more than half of this machine's RAM.

Sizes (indicators): small = 10^3; medium (default) = 10^3, 10^4, 10^5; large = … + 3·10^5;
province = … + 10^6 (a province-year). The peer comparisons that need rdflib in memory run at
10^3 indicators (rdflib queries, ``--peer-size``) and ~300 indicators (plain pyshacl,
``--validate-size``): rdflib needs ~1.3 KB per triple and ~30 s per 10^6 triples just to parse
(TOOLING.md §3.1), and plain pyshacl runs the ``sh:sparql`` constraints once per focus node, so at
10^4 these two peers alone take longer than the 15–25 minutes ``make bench`` is meant to take.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import time
from pathlib import Path

from benchmarks.measure import ROOT, Measurement, machine, measure

RESULTS = ROOT / "benchmarks" / "RESULTS.md"
INDICATORS_PER_PROJECT = 9.07  # measured on synth output (907 indicators / 100 project sheets)
SIZES = {
    "small": [10**3],
    "medium": [10**3, 10**4, 10**5],
    "large": [10**3, 10**4, 10**5, 3 * 10**5],
    "province": [10**3, 10**4, 10**5, 10**6],
}
BENCHES = ("pipeline", "floor", "validate", "queries", "copies")


def corpus_shape(indicators: int) -> tuple[int, int]:
    """(governments, projects per government) for about ``indicators`` indicators."""
    projects = max(1, round(indicators / INDICATORS_PER_PROJECT))
    governments = max(2, math.ceil(projects / 600))
    return governments, max(1, round(projects / governments))


def fmt_s(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def ratio(a: float | None, b: float | None) -> str:
    if not a or not b:
        return "–"
    r = a / b
    return f"{r:.1f}×" if r < 100 else f"{r:.0f}×"


class Report:
    def __init__(self, args) -> None:
        self.lines: list[str] = []
        self.args = args

    def out(self, line: str = "") -> None:
        print(line, flush=True)
        self.lines.append(line)

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        self.out("| " + " | ".join(header) + " |")
        self.out("|" + "---|" * len(header))
        for r in rows:
            self.out("| " + " | ".join(str(c) for c in r) + " |")
        self.out()

    def save(self) -> None:
        text = "\n".join(self.lines).rstrip() + "\n\n"
        if not RESULTS.exists():
            RESULTS.write_text("# Benchmark results\n\nAppended by `make bench` (`python -m benchmarks.run`); "
                               "newest last. Single runs; treat differences under ~1.5× as noise.\n\n",
                               encoding="utf-8")
        with open(RESULTS, "a", encoding="utf-8") as fh:
            fh.write(text)


def prepare(work: Path, n: int, report: Report, validate: bool = True) -> dict:
    """Synthesize a corpus of ~n indicators and build it (the pipeline measurement itself)."""
    gov, ppg = corpus_shape(n)
    corpus, out = work / f"corpus-{n}", work / f"build-{n}"
    if not corpus.exists():
        measure(f"synth {n}", "benchmarks.tasks", "synth", out=str(corpus), governments=gov, projects_per_gov=ppg)
    m = measure(f"build {n}", "benchmarks.tasks", "build", timeout=4 * 3600, corpus=str(corpus), out=str(out),
                validate=validate)
    return {"n": n, "gov": gov, "ppg": ppg, "out": out, "build": m}


SEED_INDICATORS = 357  # the seed document's indicators (data/README.md)
RDFLIB_BYTES_PER_QUAD = 1300  # measured: rdflib Dataset in memory (TOOLING.md §3.1)


def prepare_copies(work: Path, copies: int, report: Report, validate: bool = True) -> dict:
    """The seed replicated ``copies`` times under new codes, built (issue #6: "the seed ×100 / ×1000")."""
    corpus, out = work / f"seed-x{copies}", work / f"build-seed-x{copies}"
    if not corpus.exists():
        measure(f"replicate seed ×{copies}", "benchmarks.tasks", "replicate", out=str(corpus), copies=copies)
    m = measure(f"build seed ×{copies}", "benchmarks.tasks", "build", timeout=4 * 3600, corpus=str(corpus),
                out=str(out), validate=validate)
    return {"n": m.result.get("indicators", SEED_INDICATORS * copies), "gov": copies, "ppg": 31, "out": out,
            "build": m, "label": f"seed ×{copies}"}


def rdflib_fits(quads: int) -> tuple[bool, float]:
    """Whether rdflib can hold ``quads`` in memory here (half of RAM at most), and the GB it needs."""
    need = quads * RDFLIB_BYTES_PER_QUAD / 2**30
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return need <= ram / 2, need


def bench_pipeline(builds: list[dict], report: Report) -> None:
    report.out("### pipeline: documents → validated store (`goalgraph build`, subprocess)")
    report.out()
    rows, prev = [], None
    for b in builds:
        m: Measurement = b["build"]
        peak = m.result.get("child_peak_mb", m.peak_mb)
        grow_t = ratio(m.seconds, prev.seconds) if prev else "–"
        grow_m = ratio(peak, prev.result.get("child_peak_mb", prev.peak_mb)) if prev else "–"
        rows.append([f"{b['n']:,}", f"{m.result.get('indicators', 0):,}", f"{m.result.get('quads', 0):,}",
                     f"{b['gov']}×{b['ppg']}", fmt_s(m.seconds), f"{peak:,.0f}", grow_t, grow_m,
                     f"{m.result.get('quads', 0) / m.seconds:,.0f}"])
        prev = m
    report.table(["target", "indicators", "quads", "docs×sheets", "build s", "peak MB", "time ×/10×",
                  "memory ×/10×", "quads/s"], rows)


def bench_floor(builds: list[dict], work: Path, report: Report) -> None:
    report.out("### convert + load vs the floor (pyoxigraph `bulk_load` of the same `graph.nq`, fresh store)")
    report.out()
    rows = []
    for b in builds:
        m: Measurement = b["build"]
        f = measure(f"floor {b['n']}", "benchmarks.tasks", "floor_load", timeout=3600,
                    nq=str(b["out"] / "graph.nq"), store_dir=str(work / "floor-store"))
        rows.append([f"{b['n']:,}", f"{f.result['quads']:,}", fmt_s(m.seconds), fmt_s(f.seconds),
                     ratio(m.seconds, f.seconds), f"{m.result.get('child_peak_mb', m.peak_mb):,.0f}",
                     f"{f.peak_mb:,.0f}"])
    report.table(["target", "quads", "build s", "floor s", "build / floor", "build peak MB", "floor peak MB"], rows)


def bench_validate(b: dict, work: Path, report: Report, cap: float) -> None:
    report.out(f"### validate vs plain pyshacl ({b['n']:,}-indicator corpus, same shapes, `inference=\"none\"`)")
    report.out()
    kf, kp = work / "keys-fast.json", work / "keys-pyshacl.json"
    fast = measure("validate fast", "benchmarks.tasks", "validate_fast", timeout=3600,
                   store_dir=str(b["out"] / "store"), copy_dir=str(work / "validate-store"), keys_out=str(kf))
    try:
        plain = measure("validate pyshacl", "benchmarks.tasks", "validate_pyshacl", timeout=cap,
                        nq=str(b["out"] / "graph.nq"), keys_out=str(kp))
    except Exception as exc:  # noqa: BLE001 - a timeout is a result
        plain = None
        why = "timed out" if "timed out" in str(exc) else str(exc).splitlines()[-1][:200]
        report.out(f"plain pyshacl did not finish: {why} (cap {cap:.0f} s); speed-up > "
                   f"{ratio(cap, fast.seconds)}, result sets not compared.")
        report.out()
    kd = work / "keys-by-document.json"
    by_doc = measure("validate by document", "benchmarks.tasks", "validate_by_document", timeout=3600,
                     store_dir=str(b["out"] / "store"), copy_dir=str(work / "validate-store"), keys_out=str(kd))
    same_doc = "identical" if json.loads(kd.read_text(encoding="utf-8")) == json.loads(kf.read_text(encoding="utf-8")) \
        else "DIFFERENT"
    rows = [["goalgraph `validate_graph(mode=\"fast\")` (store)", fmt_s(fast.seconds), f"{fast.peak_mb:,.0f}",
             fast.result["results"], "–"],
            ["goalgraph `validate --store` (each document alone, 2 workers)", fmt_s(by_doc.seconds),
             f"{by_doc.peak_mb:,.0f}", by_doc.result["results"],
             f"{by_doc.result['cpu_s']} CPU-s; largest worker {by_doc.result['worker_peak_mb']} MB; "
             f"speed-up over the row above {ratio(fast.seconds, by_doc.seconds)}; results {same_doc}"]]
    same = "–"
    if plain is not None:
        a = {tuple(k) for k in json.loads(kf.read_text(encoding="utf-8"))}
        p = {tuple(k) for k in json.loads(kp.read_text(encoding="utf-8"))}
        same = "identical" if a == p else f"DIFFERENT: {len(a - p)} only fast, {len(p - a)} only pyshacl"
        rows.append(["plain `pyshacl.validate` (rdflib Graph; parse + validate)", fmt_s(plain.seconds),
                     f"{plain.peak_mb:,.0f}", plain.result["results"],
                     f"parse {plain.result['parse_s']} s + validate {plain.result['validate_s']} s"])
    else:
        rows.append(["plain `pyshacl.validate`", f">{cap:.0f}", "–", "–", "capped"])
    report.table(["validator", "s", "peak MB", "results", "note"], rows)
    if plain is not None:
        report.out(f"**speed-up {ratio(plain.seconds, fast.seconds)}** (validate step alone: "
                   f"{ratio(plain.result['validate_s'], fast.seconds)}); memory {ratio(plain.peak_mb, fast.peak_mb)} less; "
                   f"result sets: **{same}**")
        report.out()


def bench_queries(b: dict, work: Path, report: Report, names: list[str], rdflib_cap: float,
                  with_rdflib: bool) -> None:
    from benchmarks import tasks
    label = f"{b['label']}, " if b.get("label") else ""
    report.out(f"### saved queries ({label}{b['n']:,}-indicator store, {b['build'].result.get('quads', 0):,} quads; "
               "seconds, first / repeat run)")
    report.out()
    store = work / "query-store"
    summ = measure("summaries", "benchmarks.tasks", "summarise", timeout=3600,
                   store_dir=str(b["out"] / "store"), copy_dir=str(store))
    if summ.result["already_built"]:
        report.out("Summaries: written by `goalgraph build`.")
    else:
        report.out(f"Summaries: `summaries.materialize` on a copy of the built store: {summ.result['triples']:,} "
                   f"triples in {fmt_s(summ.seconds)} s, peak {summ.peak_mb:,.0f} MB (a build step once "
                   "build.py calls it). The Oxigraph columns use them; rdflib reads `graph.nq` without "
                   "them, so equal rows also check summaries = generic aggregates.")
    report.out(f"Text index: {summ.result['text_index']}.")
    report.out()
    ox = measure("queries oxigraph", "benchmarks.tasks", "queries_oxigraph", timeout=7200,
                 store_dir=str(store), names=names).result
    from goalgraph import query as Q
    searches = [n for n in names if any(p.narrows for p in Q.find_query(n).params)]
    scan = measure("queries oxigraph, no text index", "benchmarks.tasks", "queries_oxigraph_scan",
                   timeout=7200, store_dir=str(store), names=searches).result if searches else {}
    srv = None
    server = tasks.start_oxigraph_server(str(store), str(work / "server-store"))
    try:
        if server is not None:
            srv = tasks.queries_endpoint(server[1], names, "oxigraph")
    finally:
        if server is not None:
            tasks.stop(server[0])
    fits, need = rdflib_fits(b["build"].result.get("quads", 0))
    if with_rdflib and not fits:
        report.out(f"rdflib: not run — {b['build'].result.get('quads', 0):,} quads need ~{need:.0f} GB in rdflib "
                   f"({RDFLIB_BYTES_PER_QUAD} bytes per quad), more than half of this machine's RAM.")
        report.out()
        with_rdflib = False
    rl = tasks.queries_rdflib(str(b["out"] / "graph.nq"), names, cap=rdflib_cap) if with_rdflib else None
    rows, slow = [], []
    for n in names:
        o = ox[n]
        if "error" in o:  # the embedded store is the reference: nothing to compare against
            rows.append([f"`{n}`", "–", f"error: {o['error']}"] + ["–"] * ((srv is not None) * 2 + (rl is not None) * 2))
            continue
        row = [f"`{n}`", o["rows"], f"{fmt_s(o['s'][0])} / {fmt_s(o['s'][-1])}"]
        best = min(o["s"])
        if best >= 1.0:
            slow.append(n)
        if srv is not None:
            s = srv.get(n, {})
            if "error" in s:
                row += ["error", "–"]
            else:
                same = "" if s["digest"] == o["digest"] else " ≠rows"
                row += [f"{fmt_s(s['s'][0])} / {fmt_s(s['s'][-1])}{same}", ratio(min(s["s"]), best)]
        if rl is not None:
            r = rl.get(n, {})
            if r.get("capped"):
                row += [f">{rdflib_cap:.0f}", f">{ratio(rdflib_cap, best)}"]
            elif "error" in r:
                row += ["error", "–"]
            else:
                same = "" if r["digest"] == o["digest"] else " ≠rows"
                row += [f"{fmt_s(r['s'])}{same}", ratio(r["s"], best)]
        rows.append(row)
    header = ["query", "rows", "embedded Oxigraph (disk)"]
    if srv is not None:
        header += ["Oxigraph server", "server / embedded"]
    if rl is not None:
        header += [f"rdflib (cap {rdflib_cap:.0f} s)", "rdflib / embedded"]
    report.table(header, rows)
    if rl is not None and rl.get("_parse"):
        p = rl["_parse"]
        report.out(f"rdflib parse of graph.nq: {fmt_s(p.get('parsed'))} s, peak {p.get('peak_mb', 0):,.0f} MB "
                   "(not included above).")
    for n in scan:
        a, o = scan[n], ox.get(n, {})
        if "error" in a or "error" in o:
            continue
        same = "the same rows" if a["digest"] == o["digest"] else "≠rows"
        report.out(f"`{n}` without the text index (a scan of every name and description): "
                   f"{fmt_s(min(a['s']))} s, {ratio(min(a['s']), min(o['s']))} the time with it ({same}).")
    kept = tasks.queries_kept(str(store), slow) if slow else {}
    for n, k in kept.items():
        if "error" in k:
            report.out(f"`{n}` through `goalgraph query`: error: {k['error']}")
            continue
        how = "the output kept by the first run" if k["kept"] else "run again (not kept)"
        report.out(f"`{n}` through `goalgraph query --store`: first run {fmt_s(k['s'][0])} s; again "
                   f"{fmt_s(k['s'][1])} s, {how}, {'the same bytes' if k['same'] else 'OTHER BYTES'}.")
    if srv is None:
        report.out("Oxigraph server: skipped (no `oxigraph` binary in the venv).")
    report.out("Virtuoso: not run by this harness (see benchmarks/README or TOOLING.md §3.2 for the 10M numbers).")
    report.out(f"Queries at or over 1 s (best run): {', '.join(slow) if slow else 'none'}")
    report.out()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", choices=list(SIZES), default="medium")
    ap.add_argument("--only", action="append", choices=BENCHES, help="run only this benchmark (repeatable)")
    ap.add_argument("--peer-size", type=int, default=None,
                    help="indicators for the rdflib/pyshacl comparisons (default: 1000)")
    ap.add_argument("--validate-size", type=int, default=300,
                    help="indicators for the plain-pyshacl comparison (default: 300, about the seed; plain "
                         "pyshacl did not finish 10^3 in 900 s here)")
    ap.add_argument("--seed-copies", type=int, action="append", metavar="N",
                    help="also time every saved query on the seed replicated N times under new codes, embedded "
                         "Oxigraph vs rdflib when rdflib fits in memory (repeatable; issue #6 uses 100 and 1000)")
    ap.add_argument("--query", action="append", help="only this saved query (repeatable)")
    ap.add_argument("--rdflib-cap", type=float, default=60.0, help="per-query cap for rdflib (s)")
    ap.add_argument("--pyshacl-cap", type=float, default=900.0, help="cap for plain pyshacl (s)")
    ap.add_argument("--work", default=os.environ.get("GOALGRAPH_BENCH_DIR", "/tmp/goalgraph-bench"),
                    help="scratch folder (corpora are reused between runs)")
    ap.add_argument("--no-save", action="store_true", help="do not append to benchmarks/RESULTS.md")
    ap.add_argument("--no-validate", action="store_true",
                    help="build the corpora without SHACL validation (for the query benchmark alone)")
    args = ap.parse_args(argv)
    only = set(args.only or [b for b in BENCHES if b != "copies" or args.seed_copies])
    if "copies" in only and not args.seed_copies:
        ap.error("--only copies needs --seed-copies N")
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    sizes = SIZES[args.size]
    peer = args.peer_size or 10**3
    vsize = args.validate_size

    from goalgraph import query as Q
    names = args.query or list(Q.load_catalogue())

    report = Report(args)
    t0 = time.time()
    report.out(f"## {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} — `--size {args.size}`"
               + (f" `--only {' '.join(sorted(only))}`" if args.only else ""))
    report.out()
    report.out(f"Machine: {machine()}")
    import goalgraph
    report.out(f"goalgraph {getattr(goalgraph, '__version__', '?')}; load average at start "
               f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} (other jobs share this box).")
    report.out()

    need_builds = only & {"pipeline", "floor"}
    build_sizes = set(sizes if need_builds else [])
    if "queries" in only:
        build_sizes |= {peer, sizes[-1]}
    if "validate" in only:
        build_sizes.add(vsize)
    build_sizes = sorted(build_sizes)
    builds = [prepare(work, n, report, validate=not args.no_validate) for n in build_sizes]
    by_n = {b["n"]: b for b in builds}
    scaled = [b for b in builds if b["n"] in sizes]
    if "pipeline" in only:
        bench_pipeline(scaled, report)
    if "floor" in only:
        bench_floor(scaled, work, report)
    if "validate" in only:
        bench_validate(by_n[vsize], work, report, args.pyshacl_cap)
    if "queries" in only:
        bench_queries(by_n[peer], work, report, names, args.rdflib_cap, with_rdflib=True)
        if sizes[-1] != peer:
            bench_queries(by_n[sizes[-1]], work, report, names, args.rdflib_cap, with_rdflib=False)
    for copies in (args.seed_copies or []) if "copies" in only else []:
        b = prepare_copies(work, copies, report, validate=not args.no_validate)
        bench_queries(b, work, report, names, args.rdflib_cap, with_rdflib=True)
    report.out(f"(total {time.time() - t0:.0f} s)")
    report.out()
    for d in ("query-store", "server-store", "validate-store", "floor-store"):
        shutil.rmtree(work / d, ignore_errors=True)
    if not args.no_save:
        report.save()
    return 0


if __name__ == "__main__":
    sys.exit(main())
