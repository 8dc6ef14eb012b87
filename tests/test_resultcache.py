"""Query results kept beside the store (issue #7): a slow query's output is given again, byte for
byte, while the store is unchanged; a written store, another format or parameter, or --no-cache
runs the query."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from goalgraph import cli, resultcache
from goalgraph.store import GraphStore

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "queries" / "fixture.ttl"
THING = "urn:x:Thing"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "store"
    with GraphStore.open(path) as s:
        s.load_file(FIXTURE)
    return path


@pytest.fixture
def things(tmp_path):
    """A query file listing the instances of ``urn:x:Thing`` (none in the fixture)."""
    path = tmp_path / "things.rq"
    path.write_text(f"#+ summary: things\n\nSELECT ?s WHERE {{ ?s a <{THING}> }} ORDER BY ?s\n", encoding="utf-8")
    return path


@pytest.fixture
def keep_all(monkeypatch):
    monkeypatch.setattr(resultcache, "MIN_SECONDS", 0.0)


def query(capsys, *argv) -> tuple[str, str]:
    assert cli.main(["query", *map(str, argv)]) == 0
    out = capsys.readouterr()
    return out.out, out.err


def entries(store: Path) -> list[Path]:
    return sorted(p for p in (store / resultcache.DIR).rglob("*") if p.is_file())


def test_a_kept_result_is_given_again_while_the_store_is_unchanged(store, keep_all, capsys):
    first, err = query(capsys, "titles-without-number", "--store", store, "-f", "csv")
    assert "output is kept for the next run" in err and "from an earlier run" not in err
    [entry] = entries(store)
    assert entry.read_text(encoding="utf-8") == first
    entry.write_text("from the cache\n", encoding="utf-8")  # what the next run prints, if it reads it
    again, err = query(capsys, "titles-without-number", "--store", store, "-f", "csv")
    assert again == "from the cache\n" and "kept from an earlier run" in err
    fresh, err = query(capsys, "titles-without-number", "--store", store, "-f", "csv", "--no-cache")
    assert fresh == first and "kept" not in err


def test_each_format_and_parameter_has_its_own_entry(store, keep_all, capsys):
    runs = [("-f", "csv"), ("-f", "json"), (), ("-f", "csv", "-p", "dept=100")]
    firsts = [query(capsys, "cost-indicators", "--store", store, *a)[0] for a in runs]
    assert len(entries(store)) == len(runs) and len(set(firsts)) == len(runs)
    for a, first in zip(runs, firsts):
        out, err = query(capsys, "cost-indicators", "--store", store, *a)
        assert out == first and "kept from an earlier run" in err


def test_a_written_store_runs_the_query_again(store, things, keep_all, capsys):
    empty, _ = query(capsys, things, "--store", store, "-f", "csv")
    assert empty.splitlines() == ["s"]
    [old] = entries(store)
    with GraphStore.open(store) as s:
        s.store.add(ox.Quad(ox.NamedNode("urn:x:a"), ox.NamedNode(RDF_TYPE), ox.NamedNode(THING)))
    out, err = query(capsys, things, "--store", store, "-f", "csv")
    assert out.splitlines() == ["s", "urn:x:a"] and "from an earlier run" not in err
    assert not old.exists() and len(entries(store)) == 1  # the entries of the old data are gone


def test_a_fast_query_is_not_kept(store, monkeypatch, capsys):
    monkeypatch.setattr(resultcache, "MIN_SECONDS", 1e9)
    _, err = query(capsys, "titles-without-number", "--store", store, "-f", "csv")
    assert not (store / resultcache.DIR).exists() and "kept" not in err


def test_no_cache_neither_reads_nor_writes(store, keep_all, capsys):
    query(capsys, "titles-without-number", "--store", store, "--no-cache")
    assert not (store / resultcache.DIR).exists()


def test_a_store_directory_that_cannot_take_the_cache_still_answers(store, keep_all, capsys):
    (store / resultcache.DIR).write_text("not a directory", encoding="utf-8")
    first, _ = query(capsys, "titles-without-number", "--store", store, "-f", "csv")
    again, err = query(capsys, "titles-without-number", "--store", store, "-f", "csv")
    assert again == first and first.count("\n") > 1 and "kept" not in err  # neither kept nor said to be


def test_graphs_and_endpoints_are_not_cached(store, tmp_path, keep_all, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    query(capsys, "titles-without-number", "--graph", FIXTURE)
    assert not any(tmp_path.rglob(resultcache.DIR))


def test_the_least_recently_used_entries_go_first(tmp_path, monkeypatch):
    monkeypatch.setattr(resultcache, "LIMIT_BYTES", 1000)
    fp = resultcache.fingerprint_id(tmp_path)
    for k, name in enumerate("abc"):
        assert resultcache.put(tmp_path, fp, name, "csv", "x" * 240)
        os.utime(Path(tmp_path) / resultcache.DIR / fp / resultcache.entry_name(name, "csv"),
                 (1000 + k, 1000 + k))
    assert resultcache.get(tmp_path, fp, "a", "csv") is not None  # used: now the most recent
    assert resultcache.put(tmp_path, fp, "d", "csv", "y" * 240) and resultcache.put(tmp_path, fp, "e", "csv", "z" * 240)
    kept = {n for n in "abcde" if resultcache.get(tmp_path, fp, n, "csv") is not None}
    assert kept == {"a", "c", "d", "e"}  # 4 × 240 bytes fit; b was the least recently used
    assert not resultcache.put(tmp_path, fp, "f", "csv", "w" * 251)  # over a quarter of the limit
    assert resultcache.get(tmp_path, fp, "f", "csv") is None


def test_a_write_interrupted_an_hour_ago_is_cleaned_up(tmp_path):
    fp = resultcache.fingerprint_id(tmp_path)
    folder = tmp_path / resultcache.DIR / fp
    folder.mkdir(parents=True)
    old, fresh = folder / ".x.csv.tmp-1", folder / ".y.csv.tmp-2"  # another process may be writing y
    for path in (old, fresh):
        path.write_text("part", encoding="utf-8")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    assert resultcache.put(tmp_path, fp, "q", "csv", "rows")
    assert not old.exists() and fresh.exists()
