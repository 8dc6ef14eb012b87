"""Replay of the fuzz corpus (``tests/fuzz/corpus/``) in the normal suite.

Every file under ``corpus/reader`` (inputs that found bugs or reach rare paths of the text reader)
either reads — with every line given a role — or raises a :class:`GoalgraphError`; nothing else.
Every line of every file under ``corpus/citations`` goes through the citation parser without an
exception. New crash inputs saved by ``make fuzz`` (``crash-*``) are replayed here automatically.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from goalgraph.errors import GoalgraphError
from goalgraph.records import LINE_ROLES

CORPUS = Path(__file__).parent / "fuzz" / "corpus"
READER = sorted(p for p in (CORPUS / "reader").glob("*") if p.is_file())
CITATIONS = sorted(p for p in (CORPUS / "citations").glob("*") if p.is_file())
FORMATS = sorted(p for p in (CORPUS / "formats").glob("*") if p.is_file()) if (CORPUS / "formats").is_dir() else []


def test_corpus_is_present_and_small():
    assert READER and CITATIONS, "the fuzz corpus is missing"
    for p in READER + CITATIONS + FORMATS:
        assert p.stat().st_size <= 256 * 1024, f"{p.name}: corpus files stay small"


@pytest.mark.parametrize("path", READER, ids=lambda p: p.name)
def test_reader_corpus_reads_or_raises_goalgraph_error(path):
    from goalgraph.read import read_document

    try:
        doc = read_document(path)
    except GoalgraphError as exc:
        assert str(exc) and str(path) in str(exc), "an input error names the file"
        return
    assert sorted(doc.line_roles) == list(range(1, doc.line_count + 1))
    assert set(doc.line_roles.values()) <= set(LINE_ROLES)
    quarantined = {n for n, role in doc.line_roles.items() if role == "quarantined"}
    assert {q.source.line for q in doc.quarantine} <= quarantined


@pytest.mark.parametrize("path", CITATIONS, ids=lambda p: p.name)
def test_citation_corpus_never_raises(path):
    from goalgraph import citations as C

    for text in path.read_text(encoding="utf-8").split("\n"):
        basis = C.parse_basis(text)
        for c in C.find_citations(text) + basis.citations:
            assert 0 <= c.start <= c.end <= len(text)
        C.parse_doc_number(text)


@pytest.mark.parametrize("path", FORMATS, ids=lambda p: p.name)
def test_formats_corpus_loads_or_raises_goalgraph_error(path):
    from goalgraph.read import formats

    try:
        formats.detect(path)
    except GoalgraphError:
        return
    try:
        formats.load_any(path)
    except GoalgraphError:
        pass
