"""`goalgraph serve [--store DIR] [--port N]`

A read-only SPARQL 1.1 endpoint on 127.0.0.1 over the embedded store, by running the Oxigraph
server binary (PyPI ``oxigraph``, the same engine and directory format as pyoxigraph):

    oxigraph serve-read-only --location DIR --bind 127.0.0.1:N --union-default-graph

``--union-default-graph``: queries see every document's named graph and the ontology without
``GRAPH``, as the embedded store does. Endpoints: ``/query`` (GET/POST), ``/store`` (GSP, read);
updates answer 403. The server has no authentication, so it binds to the loopback only.

The directory must not be open in another process (a build, a Python session): reading while
another process writes is undefined behaviour in Oxigraph, so ``serve`` checks the lock first.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from goalgraph.errors import GoalgraphError, StoreInUseError, UsageError


def add_arguments(parser):
    parser.add_argument("--store", default="build/store", metavar="DIR",
                        help="persistent store to serve (default: build/store)")
    parser.add_argument("--port", type=int, default=7878, help="port on 127.0.0.1 (default 7878)")
    parser.add_argument("--timeout-s", type=int, default=None, help="per-query timeout in seconds")
    parser.add_argument("--no-union-default-graph", action="store_true",
                        help="default graph = the store's default graph only (ontology)")


def find_oxigraph() -> str:
    """The ``oxigraph`` binary next to this Python (venv) or on PATH."""
    here = Path(sys.executable).parent / ("oxigraph.exe" if os.name == "nt" else "oxigraph")
    if here.is_file() and os.access(here, os.X_OK):
        return str(here)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise GoalgraphError("the Oxigraph server binary is missing: pip install 'goalgraph[server]' "
                         "(it provides the 'oxigraph' command)")


def check_store_free(path: Path) -> None:
    """Raise unless ``path`` is a store that no other process holds open."""
    if not (path / "CURRENT").is_file():
        raise GoalgraphError(f"{path}: no store here (run 'goalgraph build' first)")
    from goalgraph.store import refuse_if_in_use

    refuse_if_in_use(path)  # without opening it: a read-write open may compact the store


def command(binary: str, store: Path, port: int, union: bool = True, timeout_s: int | None = None) -> list[str]:
    cmd = [binary, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}"]
    if union:
        cmd.append("--union-default-graph")
    if timeout_s:
        cmd += ["--timeout-s", str(timeout_s)]
    return cmd


def run(args) -> int:
    if not 0 < args.port < 65536:
        raise UsageError(f"--port {args.port}: not a TCP port")
    store = Path(args.store)
    binary = find_oxigraph()
    try:
        check_store_free(store)
    except StoreInUseError as exc:
        raise StoreInUseError(f"{exc}. 'serve' needs the store closed by every other process") from None
    cmd = command(binary, store, args.port, not args.no_union_default_graph, args.timeout_s)
    print(f"goalgraph serve: SPARQL endpoint http://127.0.0.1:{args.port}/query (read-only) over {store}; "
          "Ctrl-C stops", flush=True)
    proc = subprocess.Popen(cmd)

    def _stop(signum, frame):  # SIGTERM to us stops the server too (no orphan)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
