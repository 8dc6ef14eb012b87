"""A substring index of the store's names and descriptions (issue #7).

SPARQL has no text index: a search such as ``search-indicators`` reads every ``skos:prefLabel`` and
``dct:description`` literal in the store (3.6 s at province scale, with no match). This index is an
SQLite file inside the store directory, written by ``goalgraph build`` (or ``goalgraph index``): one
row per (node, text), lower-cased, with an FTS5 trigram index. A saved query's text parameter may
declare ``narrows: VAR``; with a current index, the nodes whose text contains the value are bound to
``?VAR`` (a ``VALUES`` block) before the query runs, so it reads those nodes instead of scanning.

The index only narrows. The query still tests the text itself, so the index may hold more than any
query asks for (every node's names and descriptions, whatever its class; case folded more widely),
never less. It is used only while the store's data files are those it was built from
(:func:`fingerprint`); a store written since (or compacted by a read-write open) is scanned, as
without an index, until the index is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

from goalgraph.errors import GoalgraphError
from goalgraph.namespaces import DCT, SKOS

#: the index file, inside the store directory (RocksDB leaves files it does not name alone)
FILE = "goalgraph-text-index.sqlite"
#: the predicates whose literals are indexed
PREDICATES = (str(SKOS.prefLabel), str(DCT.description))
#: the FTS5 trigram index answers needles of at least this many characters; shorter ones are scanned
TRIGRAM = 3
#: above this share of the indexed texts, the matching nodes are not bound: a VALUES block that big
#: costs more than the scan it replaces (10^5 indicators, 补贴 in 30 % of them: 8.0 s bound, 7.1 s scanned)
SCAN_SHARE = 0.05
_BATCH = 50_000


def path_of(store_dir: str | Path) -> Path:
    return Path(store_dir) / FILE


def _unsealed(store_dir: str | Path, sealer: int | None = None) -> Path:
    """Where :func:`build` writes the index and :func:`seal`, in process ``sealer`` (default: this
    one), finds it."""
    return Path(store_dir) / f"{FILE}.tmp-{sealer or os.getpid()}"


def fingerprint(store_dir: str | Path) -> dict:
    """What tells whether the store's data changed: the names and sizes of RocksDB's table files,
    and of its non-empty write-ahead logs (a write lands in a log, later in a new table file)."""
    tables, logs = [], {}
    for entry in os.scandir(store_dir):
        if entry.name.endswith(".sst"):
            tables.append(f"{entry.name} {entry.stat().st_size}")
        elif entry.name.endswith(".log") and entry.stat().st_size:
            logs[entry.name] = entry.stat().st_size
    return {"tables": hashlib.sha256("\n".join(sorted(tables)).encode()).hexdigest(), "logs": logs}


def _unchanged(recorded: dict, now: dict) -> bool:
    """The same table files, and no log that is new or has grown. A recorded log may be gone: the
    next read-write open deletes logs whose writes are already in table files. A compaction
    rewrites table files without changing the data: the index then counts as stale (safe)."""
    return now["tables"] == recorded.get("tables") and all(
        recorded.get("logs", {}).get(name) == size for name, size in now["logs"].items())


def build(store, sealer: int | None = None) -> int:
    """Index the texts of ``store`` (a :class:`goalgraph.store.GraphStore` on disk) into
    ``FILE`` in its directory, unsealed; :func:`seal` it, in process ``sealer`` (default: this
    one), once the store is closed. Returns the number of texts."""
    if store.path is None:
        raise GoalgraphError("a text index belongs to a store on disk")
    tmp = _unsealed(store.path, sealer)
    try:
        tmp.unlink(missing_ok=True)
        return _write(store, tmp)
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        raise GoalgraphError(f"{path_of(store.path)}: cannot write the text index: {exc}") from exc


def _write(store, tmp: Path) -> int:
    import pyoxigraph as ox

    from goalgraph.summaries import _lexical, _Lines  # the streamed TSV reader of the summaries

    db = sqlite3.connect(tmp)
    count = 0
    try:
        db.executescript("""
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE text (node TEXT NOT NULL, text TEXT NOT NULL);
            """)
        batch: list[tuple[str, str]] = []
        blank = 0

        def add(rows) -> None:
            nonlocal count, blank
            for row in rows:
                node, literal = row.split("\t", 1)
                if node.startswith("<"):
                    batch.append((node[1:-1], _lexical(literal).lower()))
                else:
                    blank += 1
            if len(batch) >= _BATCH:
                db.executemany("INSERT INTO text VALUES (?, ?)", batch)
                count += len(batch)
                batch.clear()

        for predicate in PREDICATES:
            result = store.store.query(f"SELECT ?s ?o WHERE {{ ?s <{predicate}> ?o FILTER(ISLITERAL(?o)) }}",
                                       use_default_graph_as_union=True)
            result.serialize(_Lines(add), format=ox.QueryResultsFormat.TSV)
        db.executemany("INSERT INTO text VALUES (?, ?)", batch)
        count += len(batch)
        # a blank node cannot be bound from outside a query: with one among the texts, searches scan
        db.execute("INSERT INTO meta VALUES ('blank_nodes', ?)", (str(blank),))
        db.execute("INSERT INTO meta VALUES ('texts', ?)", (str(count),))
        db.executescript("""
            CREATE VIRTUAL TABLE trigram USING fts5(text, tokenize = 'trigram', content = 'text',
                                                   content_rowid = 'rowid');
            INSERT INTO trigram (trigram) VALUES ('rebuild');
            """)
        db.commit()
    finally:
        db.close()
    return count


def seal(store_dir: str | Path) -> None:
    """Record the (closed) store's :func:`fingerprint` in the index built by :func:`build` and put
    it in place."""
    tmp = _unsealed(store_dir)
    if not tmp.is_file():
        raise GoalgraphError(f"{tmp}: no text index to seal (textindex.build first)")
    db = sqlite3.connect(tmp)
    try:
        db.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (json.dumps(fingerprint(store_dir)),))
        db.commit()
    finally:
        db.close()
    os.replace(tmp, path_of(store_dir))


def status(store_dir: str | Path | None) -> str:
    """``"current"``, ``"stale"`` (the store changed since), ``"partial"`` (texts of blank nodes,
    which no ``VALUES`` block can name) or ``"missing"``."""
    return _state(store_dir)[0]


def _state(store_dir: str | Path | None) -> tuple[str, dict[str, str]]:
    """:func:`status` and the index's meta table."""
    if store_dir is None or not path_of(store_dir).is_file():
        return "missing", {}
    meta = _meta(path_of(store_dir))
    try:
        recorded = json.loads(meta["fingerprint"])
    except (KeyError, ValueError):
        return "stale", meta
    if not _unchanged(recorded, fingerprint(store_dir)):
        return "stale", meta
    return ("current" if meta.get("blank_nodes") == "0" else "partial"), meta


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)


def _meta(path: Path) -> dict[str, str]:
    """The index's meta table (empty: unsealed, or not an index)."""
    try:
        db = _read_only(path)
        try:
            return dict(db.execute("SELECT key, value FROM meta"))
        finally:
            db.close()
    except sqlite3.Error:
        return {}


def nodes_containing(store_dir: str | Path | None, needle: str) -> list[str] | None:
    """The IRIs of the nodes with an indexed text containing ``needle`` (case-insensitive), in IRI
    order; None (then the query scans) unless the store has a current index and they are at most
    :data:`SCAN_SHARE` of its texts."""
    state, meta = _state(store_dir)
    if state != "current":
        return None
    needle = needle.lower()
    db = _read_only(path_of(store_dir))
    try:
        if len(needle) >= TRIGRAM:
            phrase = '"' + needle.replace('"', '""') + '"'
            rows = db.execute("SELECT DISTINCT node FROM text WHERE rowid IN "
                              "(SELECT rowid FROM trigram WHERE trigram MATCH ?) ORDER BY node", (phrase,))
        else:
            rows = db.execute("SELECT DISTINCT node FROM text WHERE instr(text, ?) > 0 ORDER BY node", (needle,))
        nodes = [node for (node,) in rows]
    finally:
        db.close()
    return nodes if len(nodes) <= SCAN_SHARE * int(meta.get("texts", 0)) else None
