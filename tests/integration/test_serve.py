"""`goalgraph serve`: a read-only Oxigraph server over the embedded store, on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from goalgraph.cli import main
from goalgraph.endpoint import SparqlEndpoint
from goalgraph.errors import EndpointError, GoalgraphError
from goalgraph.store import GraphStore

from .conftest import FIXTURES, free_port


@pytest.fixture
def store_dir(tmp_path) -> Path:
    with GraphStore.open(tmp_path / "store") as s:
        s.load_file(FIXTURES / "small.trig")
    return tmp_path / "store"


def test_serve_answers_queries_over_every_graph_and_refuses_updates(store_dir):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "goalgraph", "serve", "--store", str(store_dir),
                             "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        ep = SparqlEndpoint(f"http://127.0.0.1:{port}/query", f"http://127.0.0.1:{port}/update",
                            env={}, retries=0, timeout=5)
        deadline = time.monotonic() + 30
        while True:
            try:
                ep.ask("ASK {}")
                break
            except EndpointError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
        assert ep.count() == 36  # union default graph: ontology + both documents, no GRAPH needed
        rows = ep.select("SELECT ?l WHERE { ?p <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } ORDER BY ?l")
        assert len(rows) == 3
        with pytest.raises(EndpointError, match="403"):
            ep.update("INSERT DATA { GRAPH <http://x/g> { <http://x/a> <http://x/b> <http://x/c> } }")
    finally:
        proc.terminate()
        out = proc.communicate(timeout=15)[0].decode()
    assert f"http://127.0.0.1:{port}/query" in out


def test_serve_refuses_a_store_held_by_another_process(store_dir, capsys):
    holder = GraphStore.open(store_dir)
    try:
        assert main(["serve", "--store", str(store_dir), "--port", str(free_port())]) == 2
        assert "store in use" in capsys.readouterr().err
    finally:
        holder.close()


def test_serve_without_a_store_is_clear(tmp_path, capsys):
    assert main(["serve", "--store", str(tmp_path / "none"), "--port", str(free_port())]) == 2
    assert "no store here" in capsys.readouterr().err


def test_missing_binary_suggests_the_server_extra(monkeypatch, tmp_path):
    from goalgraph.commands import serve

    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GoalgraphError, match=r"pip install 'goalgraph\[server\]'"):
        serve.find_oxigraph()


def test_serve_command_line():
    from goalgraph.commands.serve import command

    cmd = command("oxigraph", Path("d"), 7000)
    assert cmd == ["oxigraph", "serve-read-only", "--location", "d", "--bind", "127.0.0.1:7000",
                   "--union-default-graph"]
    assert os.path.basename(sys.executable)
