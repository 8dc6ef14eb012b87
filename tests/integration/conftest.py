"""Fixtures for tests against real SPARQL servers on 127.0.0.1.

* ``oxigraph_endpoint`` / ``virtuoso_endpoint``: the servers ``.ci/run`` starts (via
  ``.ci/servers.sh``), found through ``GOALGRAPH_OXIGRAPH_URL`` and ``GOALGRAPH_VIRTUOSO_URL``
  (+ ``GOALGRAPH_VIRTUOSO_USER`` / ``GOALGRAPH_VIRTUOSO_PASSWORD``). Without them the tests are
  skipped with the reason shown (``pytest -ra``). Start them by hand with
  ``source .ci/servers.sh start`` … ``source .ci/servers.sh stop``.
* ``remote_endpoint``: parametrised over both servers, for "run it on every server" tests.
* ``private_oxigraph``: an Oxigraph server this test starts itself on a temp dir (the binary comes
  with ``goalgraph[server]``/``[dev]``), which it may kill and restart.
* ``publish(endpoint, store)``: publish a :class:`GraphStore` the way ``goalgraph publish`` does.

For the query-catalogue check ("publish the seed, run every saved query remotely, rows equal the
embedded results"): build the seed into a store, ``publish(remote_endpoint, store)``, then compare
``remote_endpoint.select(text)`` with ``store.select(text)`` per saved query (rows are rdflib terms
remotely and pyoxigraph terms embedded: compare via ``str``/``n3`` or convert with
``goalgraph.store.to_rdflib_term``). Virtuoso differences to expect: numeric lexical forms
(both canonicalise, but differently for computed aggregates) and row order without ORDER BY.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from goalgraph.endpoint import ENV_PASSWORD, ENV_USER, SparqlEndpoint
from goalgraph.namespaces import DEFAULT_DATA_BASE

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "export"
ONTOLOGY_GRAPH = DEFAULT_DATA_BASE + "graph/ontology"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/integration/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.integration)


def _need(var: str) -> str:
    value = os.environ.get(var)
    if not value:
        pytest.skip(f"{var} is not set: no real server (run via .ci/run, or 'source .ci/servers.sh start')")
    return value


@pytest.fixture
def oxigraph_endpoint() -> SparqlEndpoint:
    return SparqlEndpoint.for_server("oxigraph", _need("GOALGRAPH_OXIGRAPH_URL"), env={}, timeout=120)


def virtuoso_env() -> dict[str, str]:
    return {ENV_USER: _need("GOALGRAPH_VIRTUOSO_USER"), ENV_PASSWORD: _need("GOALGRAPH_VIRTUOSO_PASSWORD")}


@pytest.fixture
def virtuoso_endpoint() -> SparqlEndpoint:
    url = _need("GOALGRAPH_VIRTUOSO_URL")
    return SparqlEndpoint.for_server("virtuoso", url, env=virtuoso_env(), timeout=300)


@pytest.fixture(params=["oxigraph", "virtuoso"])
def remote_endpoint(request) -> SparqlEndpoint:
    return request.getfixturevalue(f"{request.param}_endpoint")


def publish(endpoint: SparqlEndpoint, store, ontology_graph: str = ONTOLOGY_GRAPH):
    from goalgraph.commands.publish import publish_store

    return publish_store(store, endpoint, ontology_graph)


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class PrivateOxigraph:
    """An Oxigraph server on 127.0.0.1 over ``location``; start/kill/restart at will."""

    def __init__(self, location: Path):
        from goalgraph.commands.serve import find_oxigraph

        self.binary = find_oxigraph()
        self.location = location
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log = location.parent / "oxigraph.log"

    def start(self, timeout: float = 30.0) -> None:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen([self.binary, "serve", "--location", str(self.location),
                                          "--bind", f"127.0.0.1:{self.port}"], stdout=log, stderr=log)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"oxigraph exited with {self.proc.returncode}: {self.log.read_text()[-500:]}")
            try:
                urllib.request.urlopen(f"{self.url}/query?query=ASK%7B%7D", timeout=2).read()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("oxigraph did not answer in time")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def endpoint(self, **kw) -> SparqlEndpoint:
        kw.setdefault("env", {})
        return SparqlEndpoint.for_server("oxigraph", self.url, **kw)


@pytest.fixture
def private_oxigraph(tmp_path):
    try:
        server = PrivateOxigraph(tmp_path / "oxdb")
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"no oxigraph server binary: {exc}")
    server.start()
    yield server
    server.stop()
