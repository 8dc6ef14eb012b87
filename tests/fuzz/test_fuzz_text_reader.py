"""Fuzz targets of the text reader (``goalgraph.read.read_document``).

Inputs: random bytes; the seed document mutated line-wise (deleted, duplicated, swapped lines),
cell-wise (cells split or merged, random tabs), truncated at a random byte, and re-encoded
(GB18030, UTF-16, Latin-1); synthetic documents (``tests/strategies.py``) mutated the same way.

Promise: the reader returns a Document whose ``line_roles`` cover 1..line_count, or raises a
:class:`goalgraph.errors.GoalgraphError` (an InputError naming the file). Anything else is a bug.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goalgraph.errors import GoalgraphError
from goalgraph.read import read_document
from goalgraph.records import LINE_ROLES

import strategies as S
from fuzzkit import SEED, Budget, examples, fuzz_for, fuzzing, save_crash

SEED_LINES = SEED.read_text(encoding="utf-8").split("\n")[:-1] if SEED.exists() else []
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "latin-1", "cp1252", "big5"]


def read_bytes(data: bytes, target: str, suffix: str = ".txt"):
    """Read ``data`` as a document file; return the Document or None (GoalgraphError)."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"input{suffix}"
        path.write_bytes(data)
        try:
            doc = read_document(path)
        except GoalgraphError as exc:
            assert str(exc), "a GoalgraphError must carry a message"
            return None
        except BaseException:
            save_crash(target, data)
            raise
    assert sorted(doc.line_roles) == list(range(1, doc.line_count + 1)), "line roles must cover every line"
    assert set(doc.line_roles.values()) <= set(LINE_ROLES)
    assert doc.line_count == len(doc.lines)
    return doc


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace") if encoding in ("latin-1", "cp1252", "big5") else text.encode(encoding)


@st.composite
def mutated_lines(draw, lines: list[str]) -> list[str]:
    lines = list(lines)
    for _ in range(draw(st.integers(1, 8))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "split_cell", "merge_cells", "tabs",
                                   "truncate_line", "insert_junk", "blank"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "split_cell":
            cells = lines[i].split("\t")
            c = draw(st.integers(0, len(cells) - 1))
            cut = draw(st.integers(0, len(cells[c])))
            cells[c:c + 1] = [cells[c][:cut], cells[c][cut:]]
            lines[i] = "\t".join(cells)
        elif op == "merge_cells":
            lines[i] = lines[i].replace("\t", draw(st.sampled_from(["", " "])), 1)
        elif op == "tabs":
            pos = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:pos] + "\t" * draw(st.integers(1, 5)) + lines[i][pos:]
        elif op == "truncate_line":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
        elif op == "insert_junk":
            lines.insert(i, draw(st.text(st.sampled_from("\t 0123456789.,%≥=<>〔〕[]【】（）《》万元月底目标指标项目编码主管部门序号文字描述"),
                                         max_size=40)))
        else:
            lines[i] = ""
    return lines


@settings(max_examples=examples(40), deadline=None)
@given(data=st.binary(max_size=4096))
def test_random_bytes(data):
    if Budget.expired("random_bytes"):
        return
    read_bytes(data, "reader")


@settings(max_examples=examples(30), deadline=None)
@given(head=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", "序号\t部门名称\t项目名称\n".encode()]),
       body=st.text(st.characters(codec="utf-8"), max_size=2000),
       encoding=st.sampled_from(["utf-8", "gb18030", "utf-16-le"]))
def test_random_text(head, body, encoding):
    if Budget.expired("random_text"):
        return
    try:
        data = body.encode(encoding)
    except UnicodeEncodeError:
        data = body.encode("utf-8", errors="surrogatepass")
    read_bytes(head + data, "reader")


@pytest.mark.skipif(not SEED_LINES, reason="seed document missing")
@settings(max_examples=examples(6), deadline=None)
@given(data=st.data())
def test_seed_mutations(data):
    if Budget.expired("seed_mutations"):
        return
    # a window of the seed keeps each example fast; the fuzz profile varies the window widely
    start = data.draw(st.integers(0, len(SEED_LINES) - 1))
    length = data.draw(st.integers(1, 300))
    lines = data.draw(mutated_lines(SEED_LINES[start:start + length]))
    text = "\n".join(lines) + data.draw(st.sampled_from(["\n", "", "\r\n"]))
    raw = encode(text, data.draw(st.sampled_from(ENCODINGS)))
    if data.draw(st.booleans()):
        raw = raw[: data.draw(st.integers(0, len(raw)))]  # truncation at a random byte
    read_bytes(raw, "reader")


@settings(max_examples=examples(15), deadline=None)
@given(spec=S.documents(max_projects=2), data=st.data())
def test_synthetic_mutations(spec, data):
    if Budget.expired("synthetic_mutations"):
        return
    lines = S.render(spec).text.split("\n")[:-1]
    lines = data.draw(mutated_lines(lines))
    raw = encode("\n".join(lines) + "\n", data.draw(st.sampled_from(ENCODINGS)))
    if data.draw(st.integers(0, 3)) == 0:
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    read_bytes(raw, "reader")


@pytest.mark.skipif(not fuzzing(), reason="long random fuzzing runs only with --hypothesis-profile=fuzz (make fuzz)")
@pytest.mark.parametrize("target", [test_random_bytes, test_random_text, test_seed_mutations, test_synthetic_mutations], ids=lambda t: t.__name__)
def test_timed_fuzz(target):
    """FUZZ_SECONDS (default 60) of random inputs per target."""
    assert fuzz_for(target) > 0
