"""The seed published to real servers: every saved query gives the same rows remotely as embedded.

Runs on the Oxigraph server and on Virtuoso started by .ci/run (skipped with the reason otherwise).
"""

import pytest
from rdflib.compare import isomorphic

from goalgraph import cli
from goalgraph.query import load_catalogue, plain_rows, run_on_endpoint, run_on_store
from goalgraph.store import GraphStore
from .conftest import publish

SEED = "data/raw/yantai-2022-performance-targets.txt"


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory):
    out = tmp_path_factory.mktemp("seed-remote")
    assert cli.main(["build", SEED, "--out", str(out), "--quiet"]) == 0
    store = GraphStore.open(out / "store", read_only=True)
    yield store
    store.close()


@pytest.fixture
def published(remote_endpoint, seed_store):
    graphs = [g for g, _ in publish(remote_endpoint, seed_store)]
    yield remote_endpoint
    for g in graphs:  # the servers are shared by the whole suite: leave them as found
        remote_endpoint.drop_graph(g)


def test_every_saved_query_gives_the_embedded_rows(published, seed_store):
    catalogue = load_catalogue()
    assert len(catalogue) >= 17
    for name, query in sorted(catalogue.items()):
        local = run_on_store(seed_store, query, _defaults(query))
        remote = run_on_endpoint(published, query, _defaults(query))
        if local.form == "SELECT":
            assert plain_rows(remote) == plain_rows(local), name
        else:
            assert isomorphic(remote.graph, local.graph), name


def _defaults(query):
    from goalgraph.query import bind_params

    return bind_params(query, {})
