"""The text index (issue #7): a search reads the nodes whose text matches instead of every name and
description in the store, and gives the same rows; a store changed since is scanned until the index
is rebuilt (``goalgraph index``)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest

from goalgraph import cli, textindex
from goalgraph import query as Q
from goalgraph.errors import UsageError
from goalgraph.namespaces import DCT, SKOS
from goalgraph.store import GraphStore, in_use

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "raw" / "yantai-2022-performance-targets.txt"
SEARCH = Q.find_query("search-indicators")
# 2- and 3-character Chinese (the scan and the trigram index), Latin letters in either case, a "%"
# and a quote (no wildcard, no query syntax), a single character, and texts found nowhere
NEEDLES = ["补贴", "满意度", "App", "aPP", "100%", "完成率", "任务完成", "费", '"', "没有这段文字", "服务对象满意",
           'a"b*(c', "掌上安全 app"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    assert cli.main(["build", str(SEED), "--out", str(out), "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def store(built):
    st = GraphStore.open(built / "store", read_only=True)
    yield st
    st.close()


@pytest.fixture
def copy(built, tmp_path):
    """A copy of the built store (the same file names and sizes: its index stays current)."""
    path = tmp_path / "store"
    shutil.copytree(built / "store", path)
    return path


def test_build_writes_a_current_index(built):
    assert textindex.status(built / "store") == "current"


@pytest.mark.parametrize("needle", NEEDLES)
def test_a_search_with_the_index_gives_the_rows_of_the_scan(store, needle):
    bindings = Q.bind_params(SEARCH, {"text": needle})
    text = Q.with_values(SEARCH.text, bindings)
    assert "VALUES ?ind {" in Q._narrowed(store, SEARCH, bindings, text)  # the index is used
    indexed = Q.plain_rows(Q.run_on_store(store, SEARCH, bindings))
    scanned = Q.plain_rows(Q.run_on_store(GraphStore(store.store), SEARCH, bindings))  # no path: no index
    assert indexed == scanned


def test_the_searches_find_something(store):
    """The equality above is not between empty results."""
    found = {n: len(Q.run_on_store(store, SEARCH, Q.bind_params(SEARCH, {"text": n})).rows) for n in NEEDLES}
    assert found["补贴"] > 0 and found["满意度"] > 0 and found["100%"] > 0 and found["完成率"] > 0
    assert found["App"] == found["aPP"] == 1  # "掌上安全 app 完成数量" / "掌上安全 APP 完成数量"
    assert found["没有这段文字"] == 0


def _sparql_matches(store, needle: str) -> set[str]:
    rows = store.select(f"""SELECT DISTINCT ?s WHERE {{
        VALUES ?p {{ <{SKOS.prefLabel}> <{DCT.description}> }}
        ?s ?p ?o FILTER(ISIRI(?s) && CONTAINS(LCASE(STR(?o)), LCASE({ox.Literal(needle)}))) }}""")
    return {r["s"].value for r in rows}


@pytest.mark.parametrize("needle", ["补贴", "满意度", "APP", "完成率", "%", "a"])
def test_the_index_finds_every_node_the_query_would(store, built, needle):
    expected = _sparql_matches(store, needle)
    assert expected
    assert set(textindex.nodes_containing(built / "store", needle)) == expected


def test_a_needle_in_many_texts_is_scanned(store, built):
    """Past SCAN_SHARE of the texts, binding the matches costs more than the scan: none are bound."""
    counts = textindex._meta(textindex.path_of(built / "store"))
    assert len(_sparql_matches(store, "服务")) > textindex.SCAN_SHARE * int(counts["texts"])
    assert textindex.nodes_containing(built / "store", "服务") is None
    bindings = Q.bind_params(SEARCH, {"text": "服务"})
    text = Q.with_values(SEARCH.text, bindings)
    assert Q._narrowed(store, SEARCH, bindings, text) == text
    assert Q.run_on_store(store, SEARCH, bindings).rows


def test_a_written_store_is_scanned_until_it_is_indexed_again(copy, capsys):
    assert textindex.status(copy) == "current"
    with GraphStore.open(copy) as st:
        st.store.add(ox.Quad(ox.NamedNode("urn:x:new"), ox.NamedNode(str(SKOS.prefLabel)), ox.Literal("独一无二的名称"),
                             ox.NamedNode("urn:x:graph")))
    assert textindex.status(copy) == "stale"
    assert textindex.nodes_containing(copy, "独一无二") is None
    with GraphStore.open(copy, read_only=True) as st:
        bindings = Q.bind_params(SEARCH, {"text": "补贴"})
        text = Q.with_values(SEARCH.text, bindings)
        assert Q._narrowed(st, SEARCH, bindings, text) == text  # stale: the query scans
    assert cli.main(["index", "--store", str(copy), "--check", "--quiet"]) == 1
    assert cli.main(["query", "search-indicators", "--store", str(copy), "-p", "text=独一无二", "-f", "csv"]) == 0
    assert "text index of" in capsys.readouterr().err  # the user is told why it scans
    assert cli.main(["index", "--store", str(copy), "--quiet"]) == 0
    assert cli.main(["index", "--store", str(copy), "--check", "--quiet"]) == 0
    assert textindex.nodes_containing(copy, "独一无二") == ["urn:x:new"]


def test_a_missing_or_broken_index_means_a_scan(copy):
    textindex.path_of(copy).write_bytes(b"not a database")
    assert textindex.status(copy) == "stale"
    textindex.path_of(copy).unlink()
    assert textindex.status(copy) == "missing"
    assert textindex.status(None) == "missing"
    assert textindex.nodes_containing(copy, "补贴") is None


def test_texts_of_blank_nodes_make_searches_scan(tmp_path):
    """A blank node cannot be named in a VALUES block: the index would miss it, so it is not used."""
    path, label = tmp_path / "store", ox.NamedNode(str(SKOS.prefLabel))
    with GraphStore.open(path) as st:
        st.store.add(ox.Quad(ox.NamedNode("urn:x:a"), label, ox.Literal("补贴甲"), ox.NamedNode("urn:x:g")))
        st.store.add(ox.Quad(ox.BlankNode("b"), label, ox.Literal("补贴乙"), ox.NamedNode("urn:x:g")))
    assert cli.main(["index", "--store", str(path), "--quiet"]) == 0
    assert textindex.status(path) == "partial"
    assert textindex.nodes_containing(path, "补贴") is None


def test_index_needs_a_store(tmp_path, capsys):
    assert cli.main(["index", "--store", str(tmp_path / "nothing")]) == 2
    assert "nothing: no store here" in capsys.readouterr().err


@pytest.mark.parametrize("field, message", [
    ('{type: string, default: "x", narrows: "?ind"}', "names a variable"),
    ('{type: integer, default: "1", narrows: ind}', "string parameter"),
])
def test_narrows_names_a_variable_of_a_string_parameter(field, message):
    text = f"#+ summary: s\n#+ params:\n#+   - text: {field}\nSELECT ?ind WHERE {{ ?ind ?p ?text }}\n"
    with pytest.raises(UsageError, match=message):
        Q.parse_header(text)


HOLD = """
import sys
from goalgraph.store import GraphStore
s = GraphStore.open(sys.argv[1])
print("open", flush=True)
sys.stdin.read()
s.close()
"""


@contextmanager
def held_elsewhere(path: Path):
    """The store at ``path`` open read-write in another process for the duration of the block."""
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "open"
        yield
    finally:
        child.communicate("", timeout=60)


def test_in_use_probes_without_opening(copy):
    before = textindex.fingerprint(copy)
    assert not in_use(copy)
    assert textindex.fingerprint(copy) == before and textindex.status(copy) == "current"
    with held_elsewhere(copy):
        assert in_use(copy)
    assert not in_use(copy)
    assert not in_use(copy.parent / "nothing")


PROBE = """
import sys
from goalgraph.store import in_use
print(in_use(sys.argv[1]))
"""


def test_in_use_sees_this_process_and_leaves_its_lock(copy):
    holder = GraphStore.open(copy)
    try:
        assert in_use(copy)
        probe = subprocess.run([sys.executable, "-c", PROBE, str(copy)], capture_output=True, text=True, timeout=60)
        assert probe.stdout.strip() == "True", probe.stderr  # the lock is still this process's
    finally:
        holder.close()
    assert not in_use(copy)


def test_no_note_while_the_index_is_current(built, capsys):
    assert cli.main(["query", "search-indicators", "--store", str(built / "store"), "-f", "csv"]) == 0
    out = capsys.readouterr()
    assert "补贴" in out.out and "text index" not in out.err


def test_in_use_without_proc_opens_the_store(copy, monkeypatch):
    """Where /proc cannot tell which files this process holds, RocksDB's own refusal decides."""
    from goalgraph import store as store_module

    monkeypatch.setattr(store_module, "_PROC_FDS", copy / "no-proc-here")
    assert not in_use(copy)
    with held_elsewhere(copy):
        assert in_use(copy)
