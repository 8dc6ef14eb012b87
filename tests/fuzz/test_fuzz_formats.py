"""Fuzz targets of the PDF/Excel/CSV front end (``goalgraph.read.formats``): random bytes behind a
PDF or ZIP magic, random ZIP archives (some holding ``xl/workbook.xml``), CSV-like text.

Promise: :func:`formats.detect` / :func:`formats.load_any` return lines or raise a GoalgraphError.
Targets whose reader module has not landed yet are skipped with the reason.
"""

from __future__ import annotations

import importlib.util
import io
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goalgraph.errors import GoalgraphError

from fuzzkit import Budget, examples, fuzz_for, fuzzing, save_crash

formats = pytest.importorskip("goalgraph.read.formats", reason="PDF/Excel readers (read/formats.py) not landed")


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


HAVE_PDF = _has("goalgraph.read.pdf")
HAVE_EXCEL = _has("goalgraph.read.excel")


def load(data: bytes, suffix: str, target: str):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"input{suffix}"
        path.write_bytes(data)
        try:
            kind = formats.detect(path)
            if kind == "pdf" and not HAVE_PDF or kind == "xlsx" and not HAVE_EXCEL:
                return None  # that reader has not landed: only detection is fuzzed
            return formats.load_any(path)
        except GoalgraphError as exc:
            assert str(exc)
            return None
        except BaseException:
            save_crash(target, data, suffix.lstrip(".") or "bin")
            raise


@settings(max_examples=examples(40), deadline=None)
@given(magic=st.sampled_from([b"%PDF-1.4\n", b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b""]),
       body=st.binary(max_size=2048), suffix=st.sampled_from([".pdf", ".xlsx", ".xls", ".txt", ".csv", ""]))
def test_magic_prefixed_bytes(magic, body, suffix):
    if Budget.expired("formats_magic"):
        return
    load(magic + body, suffix, "formats")


@st.composite
def zips(draw) -> bytes:
    buf = io.BytesIO()
    names = draw(st.lists(st.sampled_from(["xl/workbook.xml", "xl/worksheets/sheet1.xml", "[Content_Types].xml",
                                           "xl/sharedStrings.xml", "word/document.xml", "xl/_rels/workbook.xml.rels",
                                           "../../evil.txt", "/abs.xml"]), max_size=5, unique=True))
    with zipfile.ZipFile(buf, "w") as z:
        for name in names:
            z.writestr(name, draw(st.binary(max_size=300)))
    data = buf.getvalue()
    if draw(st.booleans()) and data:
        data = data[: draw(st.integers(0, len(data)))]  # truncated archive
    return data


@settings(max_examples=examples(25), deadline=None)
@given(data=zips(), suffix=st.sampled_from([".xlsx", ".zip", ".txt"]))
def test_random_zip_archives(data, suffix):
    if Budget.expired("formats_zip"):
        return
    load(data, suffix, "formats")


@settings(max_examples=examples(25), deadline=None)
@given(rows=st.lists(st.lists(st.text(st.sampled_from('ab1,"序号项目\r\n ;'), max_size=8), max_size=6), max_size=10),
       suffix=st.sampled_from([".csv", ".tsv", ".txt"]))
def test_csv_like_text(rows, suffix):
    if Budget.expired("formats_csv"):
        return
    load("\n".join(",".join(r) for r in rows).encode("utf-8"), suffix, "formats")


@pytest.mark.skipif(not fuzzing(), reason="long random fuzzing runs only with --hypothesis-profile=fuzz (make fuzz)")
@pytest.mark.parametrize("target", [test_magic_prefixed_bytes, test_random_zip_archives, test_csv_like_text], ids=lambda t: t.__name__)
def test_timed_fuzz(target):
    """FUZZ_SECONDS (default 60) of random inputs per target."""
    assert fuzz_for(target) > 0
