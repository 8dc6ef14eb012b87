"""Packaged ontology, shapes and queries, loaded offline.

In a wheel they live in ``goalgraph/resources/<kind>``; in a source checkout (editable install,
tests) they are read from the top-level ``ontology/``, ``shapes/`` and ``queries/`` folders.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

KINDS = ("ontology", "shapes", "queries")


def resource_dir(kind: str) -> Path:
    """The folder holding the packaged files of ``kind`` (one of :data:`KINDS`)."""
    if kind not in KINDS:
        raise ValueError(f"unknown resource kind {kind!r}")
    packaged = Path(str(resources.files("goalgraph"))) / "resources" / kind
    if packaged.is_dir():
        return packaged
    source_tree = Path(__file__).resolve().parents[2] / kind
    if source_tree.is_dir():
        return source_tree
    raise FileNotFoundError(f"goalgraph resources '{kind}' are missing from this installation")


def resource_file(kind: str, name: str) -> Path:
    return resource_dir(kind) / name
