"""The streaming build pipeline (issue #7): same bytes whatever the worker count and the same as a
whole-corpus conversion, the store swapped in atomically (a killed build leaves the previous build
whole), progress lines, reasoning modes and the validation hook."""

from __future__ import annotations

import copy
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from goalgraph import cli, convert, textindex
from goalgraph import ntriples as nt
from goalgraph.commands import build
from goalgraph.errors import GoalgraphError
from goalgraph.pipeline import Beside
from goalgraph.store import GraphStore

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "raw" / "yantai-2022-performance-targets.txt"
MINI = Path(__file__).parent / "fixtures" / "convert" / "mini.txt"




def synth(out: Path, governments: int, projects: int, seed: int = 0) -> list[Path]:
    from goalgraph.synth import write_corpus

    write_corpus(out, governments, projects, seed=seed)
    return sorted(out.glob("*.txt"))


def gg_build(inputs, out: Path, *extra: str) -> int:
    return cli.main(["build", *map(str, inputs), "--out", str(out), "--quiet", *extra])


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def store_count(out: Path) -> int:
    """Quads in the built store, the build-time summaries graph excepted (it is not in graph.nq)."""
    from goalgraph.summaries import summary_graph

    with GraphStore.open(out / "store", read_only=True) as st:
        return st.count() - st.count(summary_graph())


def store_quads(out: Path) -> tuple[int, list[str]]:
    """The number of quads in a built store and those without blank nodes (in the ontology: their
    labels differ from store to store)."""
    with GraphStore.open(out / "store", read_only=True) as st:
        plain = [str(q) for q in st.store if not any(isinstance(t, ox.BlankNode) for t in q)]
        return len(st.store), sorted(plain)


def index_rows(out: Path) -> list[tuple[str, str]]:
    db = sqlite3.connect(textindex.path_of(out / "store"))
    try:
        return sorted(db.execute("SELECT node, text FROM text"))
    finally:
        db.close()


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    return synth(tmp_path_factory.mktemp("synth"), 5, 3)


# ---------------------------------------------------------------------------------------------
# determinism and equivalence


def test_one_and_two_workers_give_byte_identical_graphs(small_corpus, tmp_path):
    inputs = [SEED, MINI, *small_corpus]
    for w in ("1", "2"):
        assert gg_build(inputs, tmp_path / w, "--workers", w, "--no-validate", "--reason", "none") == 0
    for name in ("graph.nq", "graph.ttl"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name


def test_streamed_conversion_equals_whole_corpus_conversion(small_corpus, tmp_path):
    """Pass 1 keeps only distinct citations and name counts: the triples must not change."""
    from goalgraph.read import read_document

    inputs = [SEED, MINI, *small_corpus]
    assert gg_build(inputs, tmp_path, "--workers", "2", "--no-validate", "--reason", "none") == 0
    docs = [read_document(str(p)) for p in inputs]
    expected = [build.ontology_text()]
    for r in convert.convert_corpus(docs):
        g = nt.iri(r.graph)
        expected.append("".join(nt.with_graph(line, g) for line in r.lines))
    assert (tmp_path / "graph.nq").read_text(encoding="utf-8") == "".join(expected)


def test_store_holds_exactly_graph_nq_without_reasoning(small_corpus, tmp_path):
    assert gg_build(small_corpus, tmp_path, "--no-validate", "--reason", "none") == 0
    nq = ox.Store()
    nq.load(path=str(tmp_path / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    assert store_count(tmp_path) == len(nq)


def test_rules_computed_per_document_equal_materialize_on_the_whole_store(small_corpus, tmp_path):
    from goalgraph.reason import materialize

    inputs = [MINI, *small_corpus[:2]]
    assert gg_build(inputs, tmp_path / "none", "--no-validate", "--reason", "none") == 0
    assert gg_build(inputs, tmp_path / "rules", "--no-validate", "--workers", "2") == 0  # default: rules
    with GraphStore.open(tmp_path / "none" / "store") as st:
        assert materialize(st) > 0
        expected = {str(q) for q in st.store}
    with GraphStore.open(tmp_path / "rules" / "store", read_only=True) as st:
        got = {str(q) for q in st.store}
        rows = st.select("SELECT (COUNT(*) AS ?n) WHERE { ?x a <http://www.w3.org/ns/org#Organization> }")
        assert int(rows[0]["n"].value) > 0
    blank = "_:"  # the ontology's list nodes get fresh blank-node labels in each store
    assert {q for q in got if blank not in q} == {q for q in expected if blank not in q}
    assert len(got) == len(expected)


def test_owlrl_is_refused_on_a_big_graph_without_force(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(build, "OWLRL_LIMIT", 1000)
    assert gg_build([MINI], tmp_path, "--no-validate", "--reason", "owlrl") == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--force" in err
    assert not (tmp_path / "graph.nq").exists()  # nothing committed


# ---------------------------------------------------------------------------------------------
# the store switch


def test_outputs_are_links_into_one_fresh_generation_and_the_old_one_is_removed(small_corpus, tmp_path):
    assert gg_build(small_corpus[:1], tmp_path, "--no-validate") == 0
    first = (tmp_path / "current").resolve()
    assert (tmp_path / "current").is_symlink() and first.parent == (tmp_path / "stores").resolve()
    for name in ("store", "graph.nq", "graph.ttl"):  # every output resolves into the current generation
        assert (tmp_path / name).is_symlink() and (tmp_path / name).resolve() == first / name
    assert gg_build(small_corpus[:2], tmp_path, "--no-validate") == 0
    second = (tmp_path / "current").resolve()
    assert second != first and not first.exists()
    assert [p.name for p in (tmp_path / "stores").iterdir()] == [second.name]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    with GraphStore.open(tmp_path / "store", read_only=True) as st:  # readers follow the link
        assert len([g for g in st.named_graphs() if not g.endswith("/graph/summaries")]) == 2


def test_a_store_directory_from_the_old_layout_is_replaced(tmp_path):
    with GraphStore.open(tmp_path / "store") as st:  # old layout: a real directory
        st.load('<urn:x:s> <urn:x:p> <urn:x:o> <urn:x:g> .\n', fmt="nquads")
    assert gg_build([MINI], tmp_path, "--no-validate", "--reason", "none") == 0
    assert (tmp_path / "store").is_symlink()
    with GraphStore.open(tmp_path / "store", read_only=True) as st:
        assert "urn:x:g" not in st.named_graphs()
    assert len(list((tmp_path / "stores").iterdir())) == 1


def test_store_in_use_is_refused_before_anything_is_written(tmp_path, capsys):
    assert gg_build([MINI], tmp_path, "--no-validate") == 0
    before = sha(tmp_path / "graph.nq")
    held = GraphStore.open(tmp_path / "store")
    try:
        assert gg_build([SEED], tmp_path, "--no-validate") == 2
        assert "store in use" in capsys.readouterr().err
    finally:
        held.close()
    assert sha(tmp_path / "graph.nq") == before


def test_sigkill_during_a_build_leaves_the_previous_build_whole(tmp_path):
    """Kill a build after 0.3 / 0.8 / 1.5 s: the previous graph files and store stay as they were;
    a full rebuild then succeeds and leaves no debris."""
    big = synth(tmp_path / "big", 10, 30, seed=3)
    out = tmp_path / "out"
    assert gg_build([MINI], out, "--no-validate") == 0
    old = {n: sha(out / n) for n in ("graph.nq", "graph.ttl")}
    old_count = store_count(out)
    cmd = [sys.executable, "-m", "goalgraph", "build", *map(str, big), "--out", str(out), "--quiet",
           "--no-validate", "--workers", "2"]
    for delay in (0.3, 0.8, 1.5):
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if proc.poll() is not None:
            pytest.skip(f"the build finished in under {delay} s: nothing to interrupt")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        time.sleep(0.2)  # workers die with their parent (PR_SET_PDEATHSIG)
        assert {n: sha(out / n) for n in old} == old, f"killed after {delay} s"
        assert store_count(out) == old_count, f"killed after {delay} s"
    assert gg_build(big, out, "--no-validate") == 0
    assert store_count(out) > old_count
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    assert len(list((out / "stores").iterdir())) == 1


# ---------------------------------------------------------------------------------------------
# progress and validation


def test_progress_is_one_line_per_step_when_stderr_is_not_a_terminal(tmp_path, capsys):
    assert cli.main(["build", str(MINI), "--out", str(tmp_path), "--no-validate"]) == 0
    err = capsys.readouterr().err.splitlines()
    steps = [line.split(":")[1].strip() for line in err]
    assert steps == ["reading", "converting and loading", "summarising", "indexing texts"], err
    assert all(" in " in line and "/s)" in line for line in err)
    assert cli.main(["build", str(MINI), "--out", str(tmp_path), "--quiet", "--no-validate"]) == 0
    assert capsys.readouterr().err == ""



def test_validation_writes_the_report_unless_skipped(tmp_path):
    assert gg_build([MINI], tmp_path / "v") == 0
    assert (tmp_path / "v" / "report.md").exists() and (tmp_path / "v" / "report.ttl").exists()
    assert gg_build([MINI], tmp_path / "n", "--no-validate") == 0
    assert not (tmp_path / "n" / "report.md").exists()


def _report_keys(path: Path, core_only: bool = False) -> set[tuple]:
    import rdflib
    from rdflib.namespace import SH

    from goalgraph.validate import _canonical

    g = rdflib.Graph().parse(path, format="turtle")
    out = set()
    for res in g.subjects(rdflib.RDF.type, SH.ValidationResult):
        if core_only and g.value(res, SH.sourceConstraintComponent) == SH.SPARQLConstraintComponent:
            continue
        out.add((g.value(res, SH.focusNode), g.value(res, SH.sourceShape), g.value(res, SH.resultPath),
                 _canonical(g.value(res, SH.value)), g.value(res, SH.resultSeverity)))
    return out


def _key(raw: tuple) -> tuple:
    """A raw result as the report graph keeps it (no blank-node paths)."""
    import rdflib

    from goalgraph.validate import _canonical

    path = None if isinstance(raw[2], rdflib.BNode) else raw[2]
    return (raw[0], raw[1], path, _canonical(raw[3]), raw[4])


def test_validated_builds_give_byte_identical_reports_whatever_the_workers(small_corpus, tmp_path):
    """SHACL-Core shapes run in the conversion workers; their results merge in input order."""
    inputs = [SEED, MINI, *small_corpus]
    for w in ("1", "2"):
        assert gg_build(inputs, tmp_path / w, "--workers", w) == 0
    for name in ("graph.nq", "graph.ttl", "report.ttl", "report.md"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name
    # with 2 workers a child process computed the summaries and the text index while this one
    # validated: the same store (summaries included) and the same index, sealed
    assert store_quads(tmp_path / "1") == store_quads(tmp_path / "2")
    for w in ("1", "2"):
        assert textindex.status(tmp_path / w / "store") == "current"
    assert index_rows(tmp_path / "1") == index_rows(tmp_path / "2") != []
    # the workers' Core results = pySHACL Core on each document graph of the store (with what
    # the rules entailed), as validate_graph computes them without the workers
    from goalgraph.summaries import summary_graph
    from goalgraph.validate import core_results

    with GraphStore.open(tmp_path / "2" / "store", read_only=True) as st:
        expected = {_key(r) for name in st.named_graphs() if name != summary_graph()
                    for r in core_results(st, name)}
    actual = _report_keys(tmp_path / "2" / "report.ttl", core_only=True)
    assert len(actual) >= 10
    assert actual == expected


def test_beside_returns_the_childs_result_and_raises_its_errors(tmp_path):
    with Beside(sorted, [3, 1, 2]) as side:
        assert side.result() == [1, 2, 3]
    with Beside(GraphStore.open, str(tmp_path / "nothing"), True) as side:  # a GoalgraphError there
        with pytest.raises(GoalgraphError, match="no store here"):
            side.result()


def test_beside_raises_when_the_child_dies_and_kills_it_when_left_early():
    with Beside(os._exit, 3) as side:
        with pytest.raises(GoalgraphError, match="exit code 3"):
            side.result()
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        with Beside(time.sleep, 60) as side:
            raise KeyboardInterrupt
    assert side._process.poll() is not None and time.monotonic() - start < 30


def test_a_script_without_a_main_guard_builds_once(tmp_path):
    """The process beside validation is a fresh interpreter: multiprocessing's "spawn" would re-run
    a caller's unguarded script in it (a second build, which failed the first)."""
    script = tmp_path / "script.py"
    script.write_text("from goalgraph import cli\n"
                      f"cli.main(['build', {str(MINI)!r}, '--out', {str(tmp_path / 'out')!r}, '--workers', '2'])\n",
                      encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    steps = [line.split(":")[1].strip() for line in done.stderr.splitlines()]
    assert steps == ["reading", "converting and loading", "validating", "summarising", "indexing texts"], done.stderr
    assert textindex.status(tmp_path / "out" / "store") == "current"


def test_worker_core_results_equal_the_store_path_without_reasoning(tmp_path):
    assert gg_build([SEED], tmp_path, "--reason", "none", "--workers", "1") == 0
    from goalgraph.summaries import summary_graph
    from goalgraph.validate import core_results

    with GraphStore.open(tmp_path / "store", read_only=True) as st:
        expected = {_key(r) for name in st.named_graphs() if name != summary_graph()
                    for r in core_results(st, name)}
    assert _report_keys(tmp_path / "report.ttl", core_only=True) == expected


def test_a_bad_document_among_many_exits_2_with_one_line(small_corpus, tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_text("nothing to see here\n", encoding="utf-8")
    assert cli.main(["build", *map(str, small_corpus), str(bad), "--out", str(tmp_path / "o"),
                     "--workers", "2", "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("goalgraph build: error:") and "bad.txt" in err
    assert not (tmp_path / "o" / "graph.nq").exists()
    assert not [p for p in (tmp_path / "o").iterdir() if p.name.startswith(".")]


@pytest.mark.slow
def test_owlrl_closure_on_a_small_graph(tmp_path):
    assert gg_build([MINI], tmp_path / "none", "--no-validate", "--reason", "none") == 0
    assert gg_build([MINI], tmp_path / "owl", "--no-validate", "--reason", "owlrl", "--force") == 0
    assert store_count(tmp_path / "owl") > store_count(tmp_path / "none")


# ---------------------------------------------------------------------------------------------
# document-scope SPARQL checks in the workers (issue #7)


READ_FIXTURES = sorted((Path(__file__).parent / "fixtures" / "read").glob("*.txt"))


def _spied_build(inputs, out: Path, *extra: str) -> set[str]:
    """Build; return the scopes of the SPARQL checks the main process ran on the whole store."""
    import os

    from goalgraph import validate

    main, scopes, real = os.getpid(), set(), validate._run_sparql

    def spy(store, check):
        if os.getpid() == main and store.path is not None:  # the build's on-disk store
            scopes.add(check.scope)
        return real(store, check)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(validate, "_run_sparql", spy)
        assert gg_build(inputs, out, *extra) == 0
    return scopes


def _without_summaries(out: Path) -> GraphStore:
    """The built store as validated (before the summaries graph is added), in memory."""
    from goalgraph.summaries import summary_graph

    mem = GraphStore()
    with GraphStore.open(out / "store", read_only=True) as st:
        mem.store.extend(q for q in st.store.quads_for_pattern(None, None, None, None)
                         if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == summary_graph()))
    return mem


def _assert_report_equals_plain_validation(out: Path) -> None:
    import rdflib
    import rdflib.compare

    from goalgraph.validate import validate_graph

    plain = validate_graph(_without_summaries(out))
    report = rdflib.Graph().parse(out / "report.ttl", format="turtle")
    keys = {(str(f), str(shape), str(path) if path is not None else None, value, str(sev).rsplit("#", 1)[1])
            for f, shape, path, value, sev in _report_keys(out / "report.ttl")}
    assert keys == plain.keys()
    assert rdflib.compare.isomorphic(report, plain.report)


@pytest.fixture(scope="module")
def multi_build(tmp_path_factory):
    corpus = synth(tmp_path_factory.mktemp("synth3"), 3, 10, seed=11)
    out = tmp_path_factory.mktemp("multi")
    results, real = [], build.after_load

    def keep(store, out, result, quiet=True):  # the workers' results, for the context tests
        results.append(copy.copy(result))  # the build frees result.core/local/context afterwards
        return real(store, out, result, quiet)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(build, "after_load", keep)
        scopes = _spied_build([SEED, *READ_FIXTURES, *corpus], out, "--workers", "2")
    multi_results.extend(results)
    return out, scopes


multi_results: list = []  # the build's Result of multi_build


def test_context_read_in_the_workers_gives_the_findings_and_report_of_the_store_path(multi_build):
    """The workers read the context (department, project, indicator, source line) of the findings
    on document-scoped nodes on each document's own store: the findings and both report files are
    exactly those of the context read from the whole store."""
    from goalgraph.report import render
    from goalgraph.validate import validate_graph

    out, _ = multi_build
    (result,) = multi_results
    assert result.local is not None and result.context is not None
    store = _without_summaries(out)
    workers = validate_graph(store, core=result.core, local=result.local, context=result.context)
    plain = validate_graph(store, core=result.core, local=result.local)
    focus = {f.focus for f in plain.results}
    covered = focus & result.context.nodes.keys()
    assert len(covered) >= 0.5 * len(focus) and len(covered) >= 100  # most contexts came from the workers
    assert any(f.path and (f.focus, f.path) in result.context.paths for f in plain.results)
    assert workers.results == plain.results
    for fmt, name in (("turtle", "report.ttl"), ("markdown", "report.md")):
        assert render(workers, fmt) == render(plain, fmt) == (out / name).read_text(encoding="utf-8")


def test_a_department_found_in_a_worker_is_labelled_from_the_store(multi_build):
    """A department is shared by documents: the workers give its IRI, its label (the first over the
    whole corpus) is read from the store."""
    import rdflib

    from goalgraph.validate import validate_graph

    out, _ = multi_build
    (result,) = multi_results
    store = _without_summaries(out)
    plain = validate_graph(store, core=result.core, local=result.local)
    f = next(f for f in plain.results if f.department and f.focus in result.context.nodes)
    assert result.context.nodes[f.focus][2] == f.department and result.context.nodes[f.focus][3] is None
    # a label sorting first, in another graph than the document's: only the store knows it
    store.store.add(ox.Quad(ox.NamedNode(f.department), ox.NamedNode(str(rdflib.SKOS.prefLabel)),
                            ox.Literal("  first label", language="zh"), ox.NamedNode("urn:x-test:other")))
    workers = validate_graph(store, core=result.core, local=result.local, context=result.context)
    plain = validate_graph(store, core=result.core, local=result.local)
    assert workers.results == plain.results
    labels = {g.department_label for g in workers.results if g.department == f.department}
    assert labels == {"  first label"}


def test_worker_sparql_checks_give_the_findings_of_plain_validation(multi_build):
    """Core shapes and document-scope SPARQL checks in the workers, corpus-scope checks on the
    store: the same report as validate_graph(store) running everything on the store."""
    out, scopes = multi_build
    assert scopes == {"corpus"}  # the document-scope checks did not run on the store
    _assert_report_equals_plain_validation(out)
    assert len(_report_keys(out / "report.ttl")) >= 100


def test_document_scope_checks_are_local_on_a_built_multi_document_store(multi_build):
    from test_validate import assert_document_checks_are_local

    out, _ = multi_build
    assert assert_document_checks_are_local(_without_summaries(out)) >= 50


def test_a_project_in_two_documents_runs_the_document_checks_on_the_store(tmp_path):
    """The same project codes in two documents: their triples add up in the store (R31 sums the
    weights of both copies), so the workers' per-document answers would differ; the build notices
    the shared keys and runs every SPARQL check on the store."""
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "yantai-copy.txt").write_bytes(SEED.read_bytes())
    scopes = _spied_build([SEED, copy / "yantai-copy.txt"], tmp_path / "out", "--workers", "1")
    assert scopes == {"corpus", "document"}
    _assert_report_equals_plain_validation(tmp_path / "out")


def test_document_scope_keys_cut_iris_to_their_container():
    from goalgraph.validate import document_scope_keys

    b = "https://example.org/id/"
    text = (f"<{b}project/P1/indicator/2/target> <{b}x> <{b}activity/370000/2030/101/0102/goal/1> .\n"
            f"<{b}duty/370000/2030/101/01> <{b}y> <{b}org/370000/101> .\n"
            f"<{b}source/doc-a/L3> <{b}z> <{b}summary/doc-a/4> .\n"
            f"<{b}doc/abc> <{b}w> <https://other.example/project/P9> .\n")
    assert document_scope_keys(text, b) == {"project/P1", "activity/370000/2030/101/0102",
                                            "duty/370000/2030/101/01", "source/doc-a", "summary/doc-a"}
