"""report.ttl and report.md written in parts (``write_reports``): the same triples as the report
rendered whole, the ``@prefix`` lines once, and the same bytes when the report fits in one part."""

from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import SH

from goalgraph.namespaces import DEFAULT_DATA_BASE
from goalgraph.report import render_markdown, render_turtle, write_markdown, write_turtle
from goalgraph.store import GraphStore
from goalgraph.validate import ValidationOutcome, validate_graph, write_reports

SEED = Path(__file__).resolve().parents[1] / "data" / "raw" / "yantai-2022-performance-targets.txt"


@pytest.fixture(scope="module")
def outcome():
    """The seed's outcome (hundreds of results; about a second)."""
    if not SEED.exists():
        pytest.skip("seed document missing")
    from goalgraph.convert import convert_document
    from goalgraph.read import read_document

    converted = convert_document(read_document(SEED))
    store = GraphStore()
    store.load(converted.text(), fmt="ntriples", graph=converted.graph)
    out = validate_graph(store)
    assert len(out.results) > 100 and out.report_triples() is not None
    return out


def _turtle(outcome, chunk: int) -> bytes:
    fh = io.BytesIO()
    write_turtle(outcome, fh, chunk)
    return fh.getvalue()


def _ntriples(data: bytes) -> set[str]:
    """The triples as N-Triples lines (blank nodes keep their labels, so sets compare)."""
    triples = ox.parse(data, format=ox.RdfFormat.TURTLE)
    return set(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8").splitlines())


@pytest.mark.parametrize("chunk", [1, 7, 100])
def test_parts_hold_the_same_triples_as_the_whole(outcome, chunk):
    whole = render_turtle(outcome).encode("utf-8")
    parts = _turtle(outcome, chunk)
    assert parts != whole  # really written in parts (the report node is split)
    assert _ntriples(parts) == _ntriples(whole)
    assert len(_ntriples(whole)) > 5 * len(outcome.results)
    # the @prefix lines once, at the top
    lines = parts.decode("utf-8").splitlines()
    prefix_lines = [line for line in lines if line.startswith("@prefix")]
    assert prefix_lines and lines[: len(prefix_lines)] == prefix_lines
    assert len(prefix_lines) == len(set(prefix_lines))


def test_one_part_is_the_same_bytes(outcome, tmp_path):
    whole = render_turtle(outcome).encode("utf-8")
    assert _turtle(outcome, len(outcome.results)) == whole
    paths = write_reports(outcome, tmp_path)  # the default part holds the seed's results
    assert paths[0].read_bytes() == whole
    assert paths[1].read_bytes() == render_markdown(outcome).encode("utf-8")
    text = io.StringIO()
    write_markdown(outcome, text)
    assert text.getvalue() == render_markdown(outcome)


def test_a_report_given_as_a_graph_and_a_node_clash_are_written_whole():
    base = DEFAULT_DATA_BASE
    shape = URIRef("https://w3id.org/goalgraph/shapes#GG-R34-BasisSpecific")
    raw = [(rdflib.BNode("result1"), shape, None, Literal("v"), SH.Warning, None, (Literal("m", lang="en"),), None),
           (URIRef(base + "p/1"), shape, None, Literal("w"), SH.Warning, None, (), None)]
    clash = ValidationOutcome(False, [], raw=raw)  # report_triples gives None: the Graph merges the nodes
    assert clash.report_triples(1) is None
    assert _turtle(clash, 1) == render_turtle(clash).encode("utf-8")
    given = ValidationOutcome(False, [], report=clash.report)
    assert _turtle(given, 1) == render_turtle(given).encode("utf-8")


def test_no_results():
    empty = ValidationOutcome(True, [], raw=[])
    assert _turtle(empty, 1) == render_turtle(empty).encode("utf-8")
