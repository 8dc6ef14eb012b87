"""Input formats: detect what a file IS (by content) and turn it into the row stream the text reader
consumes.

Every format becomes the same thing the text path reads: logical table rows rendered as
tab-separated "lines", plus a parallel list of locators saying where each line came from:

- tab-separated text (the PDF text extraction): read by :func:`goalgraph.read.text.load`, no locators;
- PDF (``%PDF-`` magic): ruled tables via pdfplumber, one line per table row, ``"p3 r12"``
  (page 3, 12th table row on that page) or ``"p3 l2"`` (2nd text line outside tables on page 3);
- Excel workbook (a ZIP holding ``xl/workbook.xml``): one line per sheet row, ``"Sheet1!A5:J5"``;
- CSV (``.csv``/``.tsv``, or comma-separated text without tabs): one line per record, ``"r5"``.

The segmentation (:func:`goalgraph.read.text.segment`) and the section parsers then run unchanged;
:func:`attach_locators` writes the locators into every :class:`~goalgraph.records.SourceRef` of the
finished document, so provenance names the page/row or sheet/cell range.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from goalgraph.errors import InputError
from goalgraph.read import text
from goalgraph.records import SourceRef

__all__ = ["FormatSource", "detect", "load_any", "attach_locators", "span_locator", "join_wrapped",
           "clean_cell", "render_line"]

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2 compound file: .xls, or an encrypted .xlsx

_load_text = text.load  # the text reader's own loader (bound at import: callers may wrap text.load)


@dataclass
class FormatSource(text.Source):
    """A decoded input in any format: :class:`text.Source` plus where each line came from.

    ``locators[i]`` belongs to ``lines[i]`` (``None`` for plain text, where the line number is the
    locator). ``format`` is ``"text"``, ``"pdf"``, ``"xlsx"`` or ``"csv"``.
    """

    locators: list[str] | None = None
    format: str = "text"


# ------------------------------------------------------------------------------------------------
# detection


def detect(path: str | Path) -> str:
    """``"pdf"``, ``"xlsx"``, ``"csv"`` or ``"text"``, by content first, extension second.

    Raises :class:`InputError` for a file that claims a format it does not have (a ``.pdf`` without
    ``%PDF-``), a ZIP that is not a workbook, a legacy or password-protected Excel file.
    """
    name = str(path)
    p = text.existing_file(path)
    with open(p, "rb") as f:
        head = f.read(2048)
    ext = p.suffix.lower()
    if PDF_MAGIC in head[:1024]:
        return "pdf"
    if head.startswith(CFB_MAGIC):
        data = p.read_bytes()
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise InputError("is a password-protected (encrypted) Excel workbook; open it in Excel, "
                             "remove the password and save it as .xlsx, then read the result", name)
        raise InputError("is a legacy Excel 97-2003 (.xls) or other OLE file; save it as .xlsx, "
                         "then read the result", name)
    if head.startswith(ZIP_MAGIC) or ext in (".xlsx", ".xlsm"):
        _check_workbook_zip(p, name, head)
        return "xlsx"
    if ext == ".pdf":
        raise InputError("is not a PDF (no %PDF- header): the file is corrupt or wrongly named", name)
    if ext in (".csv", ".tsv"):
        return "csv"
    return "text"


def _check_workbook_zip(p: Path, name: str, head: bytes) -> None:
    if not head.startswith(ZIP_MAGIC):
        raise InputError("is not an Excel workbook (no ZIP header): the file is corrupt or wrongly "
                         "named", name)
    try:
        with zipfile.ZipFile(p) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise InputError(f"is a corrupt or truncated ZIP/Excel file ({e})", name) from None
    if "xl/workbook.xml" in names:
        return
    if any(n.startswith("word/") for n in names):
        raise InputError("is a Word document (.docx), not a workbook; export the tables as PDF or "
                         "Excel", name)
    raise InputError("is a ZIP archive but not an Excel workbook (no xl/workbook.xml)", name)


# ------------------------------------------------------------------------------------------------
# loading


def load_any(path: str | Path) -> FormatSource:
    """Read any supported file into lines (+ locators); :class:`InputError` naming the file if not."""
    kind = detect(path)
    name = str(path)
    if kind == "text":
        data = Path(path).read_bytes()
        if data.strip() and text.NUL not in data and b"\t" not in data and _looks_like_csv(data):
            kind = "csv"
        else:
            src = _load_text(path)
            return FormatSource(src.path, src.sha256, src.encoding, src.lines, None, "text")
    data = Path(path).read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if kind == "pdf":
        from goalgraph.read import pdf

        rows = pdf.read_rows(path)
        encoding = "pdf"
    elif kind == "xlsx":
        from goalgraph.read import excel

        rows = excel.read_rows(path)
        encoding = "xlsx"
    else:
        rows, encoding = read_csv_rows(path)
    if not any(any(cells) for cells, _ in rows):
        raise InputError(f"no text found in this {kind.upper()} file (empty?)", name)
    lines = [render_line(cells) for cells, _ in rows]
    return FormatSource(name, sha, encoding, lines, [loc for _, loc in rows], kind)


def render_line(cells: list[str]) -> str:
    """A row as one tab-separated line; cells must already be clean (see :func:`clean_cell`)."""
    return "\t".join(cells)


# ------------------------------------------------------------------------------------------------
# cell text


_LATIN = re.compile(r"[A-Za-z0-9]")


def join_wrapped(parts: list[str]) -> str:
    """Join the lines of one cell: ``""`` at a CJK boundary, ``" "`` between two Latin/digit chars.

    A PDF or Excel cell wraps its text over several lines; the line breaks are layout, not content.
    """
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if out and _LATIN.match(out[-1]) and _LATIN.match(part[0]):
            out += " "
        out += part
    return out


def clean_cell(value: str | None) -> str:
    """One cell as a single line: wrapped lines joined, tabs → space, outer whitespace stripped."""
    if not value:
        return ""
    value = value.replace("\t", " ").replace("\u00a0", " ")
    return join_wrapped(value.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


# ------------------------------------------------------------------------------------------------
# CSV


def _looks_like_csv(data: bytes) -> bool:
    """Text without tabs whose non-blank lines mostly parse to the same number (≥ 3) of cells."""
    try:
        sample, _ = text.decode(data, "")
    except InputError:
        return False
    lines = [ln for ln in sample.splitlines()[:200] if ln.strip()]
    if len(lines) < 2:
        return False
    counts = [len(r) for r in csv.reader(lines)]
    wide = [c for c in counts if c >= 3]
    return len(wide) >= 0.6 * len(lines)


def read_csv_rows(path: str | Path) -> tuple[list[tuple[list[str], str]], str]:
    """Rows of a CSV (comma or tab, UTF-8 / UTF-8-SIG / GB18030) with ``"r{n}"`` locators."""
    name = str(path)
    data = Path(path).read_bytes()
    if not data.strip():
        raise InputError("empty file", name)
    if text.NUL in data:
        raise InputError(f"binary file (NUL byte at offset {data.index(text.NUL)})", name)
    decoded, encoding = text.decode(data, name)
    first = "\n".join(decoded.splitlines()[:50])
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        records = list(csv.reader(io.StringIO(decoded, newline=""), delimiter=delimiter))
    except csv.Error as e:
        raise InputError(f"malformed CSV ({e})", name) from None
    rows = [([clean_cell(c) for c in rec], f"r{n}") for n, rec in enumerate(records, start=1)]
    return rows, encoding


# ------------------------------------------------------------------------------------------------
# provenance


def span_locator(first: str | None, last: str | None) -> str | None:
    """One locator for a span of lines: ``"p3 r12–r15"``, ``"p3 r12–p4 r2"``, ``"S!A5:J9"``, ``"r5–r9"``."""
    if not first or not last or first == last:
        return first or last
    a, b = _split_sheet(first), _split_sheet(last)
    if a and b and a[0] == b[0]:
        return f"{a[0]}!{a[1]}:{b[2]}"
    pa, pb = first.split(" ", 1), last.split(" ", 1)
    if len(pa) == 2 and len(pb) == 2 and pa[0] == pb[0]:
        return f"{first}–{pb[1]}"
    return f"{first}–{last}"


def _split_sheet(loc: str) -> tuple[str, str, str] | None:
    """``"Sheet1!A5:J5"`` → ("Sheet1", "A5", "J5"); None for other locators."""
    m = re.match(r"^(.*)!([A-Z]+\d+)(?::([A-Z]+\d+))?$", loc)
    return (m.group(1), m.group(2), m.group(3) or m.group(2)) if m else None


def attach_locators(doc, locators: list[str] | None):
    """Set ``locator`` on every :class:`SourceRef` in a finished document (in place; returns it).

    A reference to lines *a…b* gets :func:`span_locator` of the locators of lines *a* and *b*.
    Works on any record tree (dataclasses, lists, dicts), so new record types need no change here.
    """
    if not locators:
        return doc

    def loc(line: int) -> str | None:
        return locators[line - 1] if 1 <= line <= len(locators) else None

    def fix(ref: SourceRef) -> SourceRef:
        if ref.locator or ref.line < 1:
            return ref
        where = span_locator(loc(ref.line), loc(ref.last_line or ref.line))
        return dataclasses.replace(ref, locator=where) if where else ref

    seen: set[int] = set()

    def walk(obj) -> None:
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, list):
            for i, item in enumerate(obj):
                if isinstance(item, SourceRef):
                    obj[i] = fix(item)
                else:
                    walk(item)
        elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            for f in dataclasses.fields(obj):
                value = getattr(obj, f.name)
                if isinstance(value, SourceRef):
                    object.__setattr__(obj, f.name, fix(value))
                elif isinstance(value, (list, tuple)) or dataclasses.is_dataclass(value):
                    walk(value)

    walk(doc)
    return doc
