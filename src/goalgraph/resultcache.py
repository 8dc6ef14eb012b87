"""Saved query results kept beside the store, for as long as the store does not change (issue #7).

A listing of every satisfaction indicator or citation in a province-year returns 10^5 rows. Oxigraph
reads them at 10–20 index seeks a row, 40–100 s, whatever the plan. Researchers run the same listing
again (another format, a pipe into another tool), and the store of a build never changes after it.
So ``goalgraph query`` keeps the output of a query that took at least :data:`MIN_SECONDS` in a
directory inside the store (RocksDB leaves what it does not name alone) and answers the same query
from there while the store's data files are those it was computed on.

The key is the query text as run (parameters bound), the output format and the code that runs and
formats queries (:mod:`goalgraph.query`). The entries live in a subdirectory named by the store's
:func:`goalgraph.textindex.fingerprint` (RocksDB's table files and non-empty write-ahead logs): a
store written since, or compacted by a read-write open, has another fingerprint, so its old entries
are never read. They are deleted at the next write. Entries are written to a temporary file and
renamed into place; a store directory that cannot be written to is simply not cached.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import time
from pathlib import Path

from goalgraph import textindex

#: the cache directory, inside the store directory
DIR = "goalgraph-query-cache"
#: queries that answer faster than this are not kept: running them again is as quick
MIN_SECONDS = 1.0
#: the entries of one store may take this much disk; the least recently used go first
LIMIT_BYTES = 512 * 2**20


def fingerprint_id(store_dir: str | Path) -> str:
    """A short name for the store's current data files (:func:`textindex.fingerprint`)."""
    text = json.dumps(textindex.fingerprint(store_dir), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def entry_name(query_text: str, fmt: str) -> str:
    key = hashlib.sha256("\0".join((_code_id(), fmt, query_text)).encode()).hexdigest()
    return f"{key}.{fmt}"


@functools.lru_cache(maxsize=1)
def _code_id() -> str:
    """The code that runs and formats queries: output kept by another goalgraph is not read."""
    from goalgraph import query

    return hashlib.sha256(Path(query.__file__).read_bytes()).hexdigest()


def get(store_dir: str | Path, fingerprint: str, query_text: str, fmt: str) -> str | None:
    """The kept output of ``query_text`` in ``fmt`` on the store as ``fingerprint`` names it, or
    None."""
    path = Path(store_dir) / DIR / fingerprint / entry_name(query_text, fmt)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    try:
        os.utime(path)  # recently used: evicted last
    except OSError:
        pass
    return text


def put(store_dir: str | Path, fingerprint: str, query_text: str, fmt: str, output: str) -> bool:
    """Keep ``output``; False when the store directory cannot be written to or the output alone
    exceeds a quarter of :data:`LIMIT_BYTES`. Entries of other fingerprints are deleted."""
    data = output.encode("utf-8")
    if len(data) > LIMIT_BYTES // 4:
        return False
    root = Path(store_dir) / DIR
    folder = root / fingerprint
    path = folder / entry_name(query_text, fmt)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:  # a read-only store directory, a full disk: run the query next time
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        return False
    try:  # another process may be tidying up at the same time: the entry is kept either way
        _drop_others(root, fingerprint)
        _evict(folder)
    except OSError:
        pass
    return True


def _drop_others(root: Path, fingerprint: str) -> None:
    for entry in os.scandir(root):
        if entry.name != fingerprint and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)


def _evict(folder: Path) -> None:
    """Delete the least recently used entries until the folder is within :data:`LIMIT_BYTES`, and
    temporary files an interrupted write left an hour ago or more."""
    entries, now = [], time.time()
    for entry in os.scandir(folder):
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            st = entry.stat()
        except FileNotFoundError:  # deleted by another process since the scan
            continue
        if not entry.name.startswith("."):
            entries.append((st.st_mtime, entry.path, st.st_size))
        elif now - st.st_mtime >= 3600:
            Path(entry.path).unlink(missing_ok=True)
    total = sum(size for _, _, size in entries)
    for _, path, size in sorted(entries):
        if total <= LIMIT_BYTES:
            break
        Path(path).unlink(missing_ok=True)
        total -= size
