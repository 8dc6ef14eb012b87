"""`goalgraph validate --store` one document graph at a time (pipeline.validate_store): the same
outcome as validating the whole store at once and as the build's own report, on the seed and a
synthetic corpus, with settings, with a project shared by two documents, and the layouts that make
it validate the whole store instead."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from goalgraph import cli
from goalgraph.pipeline import SMALL_STORE, validate_store
from goalgraph.report import render
from goalgraph.store import GraphStore
from goalgraph.summaries import summary_graph
from goalgraph.validate import Settings, document_scope_keys, store_documents, validate_graph

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "raw" / "yantai-2022-performance-targets.txt"
SKOS_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"


def build(inputs: list[Path], out: Path, *extra: str) -> Path:
    assert cli.main(["build", *map(str, inputs), "--out", str(out), "--quiet", "--workers", "2", *extra]) in (0, 1)
    return out


def reports(outcome) -> tuple[str, str]:
    return render(outcome, "markdown"), render(outcome, "turtle")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    from goalgraph.synth import write_corpus

    out = tmp_path_factory.mktemp("vs-corpus")
    write_corpus(out, 3, 8, seed=5)
    return [SEED, *sorted(out.glob("*.txt"))]


@pytest.fixture(scope="module")
def built(tmp_path_factory, corpus) -> Path:
    return build(corpus, tmp_path_factory.mktemp("vs-build"))


def test_per_document_equals_whole_store_and_the_build(built):
    with GraphStore.open(built / "store", read_only=True) as store:
        layout = store_documents(store)
        assert layout is not None, "a built store is validated one document at a time"
        base, documents, others = layout
        assert len(documents) == 4 and others == [summary_graph(base)]
        per_document = validate_store(store, workers=2, small=0)
        whole = validate_graph(store)
    assert per_document.results, "the corpus has findings"
    assert reports(per_document) == reports(whole)
    assert render(per_document, "markdown") == (built / "report.md").read_text(encoding="utf-8")


def test_settings_reach_the_workers(built, tmp_path):
    settings_file = tmp_path / "s.toml"
    settings_file.write_text('[severity]\nGG-R34 = "Info"\n[params]\nweightTotal = 90\n', encoding="utf-8")
    settings = Settings.load(settings_file)
    with GraphStore.open(built / "store", read_only=True) as store:
        tuned = validate_store(store, settings, workers=2, small=0)
        default = validate_store(store, workers=2, small=0)
        whole = validate_graph(store, settings)
    assert reports(tuned) == reports(whole)
    assert reports(tuned) != reports(default)
    assert not any(f.rule == "GG-R34" and f.severity != "Info" for f in tuned.results)


def test_a_project_in_two_documents(tmp_path):
    """The same document under two names: its project's nodes are in both graphs, so the
    document-scope checks must read the whole store (as the build does)."""
    twin = tmp_path / "twin.txt"
    shutil.copyfile(SEED, twin)
    out = build([SEED, twin], tmp_path / "out", "--no-validate")
    with GraphStore.open(out / "store", read_only=True) as store:
        base, documents, _ = store_documents(store)
        keys = [document_scope_keys(store.dump("ntriples", graph=g).decode("utf-8"), base) for g in documents]
        assert keys[0] & keys[1], "the twins share their projects' nodes"
        assert reports(validate_store(store, workers=2, small=0)) == reports(validate_graph(store))


def test_layouts_validated_whole(tmp_path):
    base = "https://w3id.org/goalgraph/id/"
    triple = f'<{base}project/P1> <{SKOS_LABEL}> "p" .\n'
    store = GraphStore()
    assert store_documents(store) is None  # no named graphs: a plain graph
    store.store.bulk_load(triple.encode(), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(f"{base}graph/a"))
    assert store_documents(store) == (base, [f"{base}graph/a"], [])
    count = f'<{base}project/P1> <https://w3id.org/goalgraph/ontology#indicatorCount> "3" .\n'
    store.store.bulk_load(count.encode(), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(summary_graph(base)))
    assert store_documents(store) == (base, [f"{base}graph/a"], [summary_graph(base)])
    # a label in the summaries graph could change a document's findings: validated whole
    store.store.bulk_load(triple.encode(), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(summary_graph(base)))
    assert store_documents(store) is None
    other = GraphStore()
    other.store.bulk_load(triple.encode(), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("urn:x:g"))
    assert store_documents(other) is None  # not a build's graph


def test_small_store_validated_whole(built, capsys):
    with GraphStore.open(built / "store", read_only=True) as store:
        assert store.count() < SMALL_STORE
        outcome = validate_store(store, workers=2, quiet=False)
    assert "validating documents" not in capsys.readouterr().err
    assert render(outcome, "markdown") == (built / "report.md").read_text(encoding="utf-8")


def test_cli(tmp_path_factory, capsys):
    from goalgraph.synth import write_corpus

    docs = tmp_path_factory.mktemp("vs-big")
    write_corpus(docs, 3, 150, seed=9)  # above SMALL_STORE quads: validated one document at a time
    built = build(sorted(docs.glob("*.txt")), tmp_path_factory.mktemp("vs-big-build"))
    with GraphStore.open(built / "store", read_only=True) as store:
        assert store.count() > SMALL_STORE
    out = built / "again.md"
    args = ["validate", "--store", str(built / "store"), "-f", "markdown", "-o", str(out)]
    assert cli.main([*args, "--workers", "2", "--quiet"]) == 1
    assert out.read_text(encoding="utf-8") == (built / "report.md").read_text(encoding="utf-8")
    err = capsys.readouterr().err
    assert "validating documents" not in err and "report written to" in err
    assert cli.main([*args, "--workers", "1"]) == 1
    assert "validating documents: 3 documents" in capsys.readouterr().err
    assert cli.main([*args, "--workers", "0"]) == 2
