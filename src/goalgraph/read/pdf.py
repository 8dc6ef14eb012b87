"""PDF → logical rows: ruled tables and the text between them, in reading order (pdfplumber).

- Every ruled table row becomes one row of cells, in its grid columns. A merged cell's text appears
  once, in its first (top-left) column; the cells it covers are empty, exactly like the blank cells
  of the text extraction. Text wrapped inside a cell is joined (no newline inside a cell).
- A table continued on the next page is one table: when a page starts with a table whose columns
  match the table that ended the previous page, its rows are appended, and leading rows repeating
  the table's first rows (a header repeated on the continuation page) are skipped.
- Text outside tables (headings such as "XXX年度目标（2022）", prose) becomes one-cell rows in reading
  order, so headings still anchor sections. Bare page numbers are dropped.
- A blank row separates a table from what comes before and after it.

Locators: ``"p3 r12"`` = page 3, 12th table row drawn on that page (repeated headers counted);
``"p3 l2"`` = 2nd text line outside tables on page 3; ``"p3"`` for separator rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from goalgraph.errors import InputError
from goalgraph.read.formats import clean_cell

Rows = list[tuple[list[str], str]]

_PAGE_NUMBER = re.compile(r"^[-—–·\s]*(第\s*)?\d{1,4}\s*页?(\s*[/／]\s*(共\s*)?\d{1,4}\s*页?)?[-—–·\s]*$")
_COLUMN_TOLERANCE = 3.0  # points: two tables with column edges this close share a grid
_MAX_REPEATED_HEADER = 3  # rows


@dataclass
class _Table:
    rows: list[list[str]]
    locators: list[str]
    columns: list[float]
    page: int


@dataclass
class _Page:
    number: int
    blocks: list = field(default_factory=list)  # (top, "text"|"table", payload) in reading order


def read_rows(path: str | Path) -> Rows:
    """All logical rows of a PDF with their locators; :class:`InputError` for unusable files."""
    name = str(path)
    try:
        import pdfplumber
        from pdfminer.pdfdocument import PDFPasswordIncorrect
    except ImportError as e:  # pragma: no cover - dependency missing
        raise InputError(f"reading PDF needs pdfplumber ({e}); pip install pdfplumber", name) from None
    try:
        with pdfplumber.open(path) as pdf:
            pages = [_read_page(page, i) for i, page in enumerate(pdf.pages, start=1)]
    except InputError:
        raise
    except Exception as e:  # pdfminer raises many types; none of them may escape as a traceback
        if _is_password_error(e, PDFPasswordIncorrect):
            raise InputError("is a password-protected PDF; remove the password (e.g. qpdf "
                             "--decrypt --password=… in.pdf out.pdf), then read the result", name) from None
        raise InputError(f"is a corrupt or truncated PDF ({type(e).__name__}: {_short(e)})", name) from None
    if not pages:
        raise InputError("PDF has no pages", name)
    scanned = [p.number for p in pages if p.blocks == "scanned"]
    if len(scanned) == len(pages) or not any(p.blocks for p in pages):
        raise InputError("PDF has no text layer (scanned?); run OCR first, e.g. ocrmypdf, then read "
                         "the result", name)
    if scanned:
        raise InputError(f"PDF pages {', '.join(map(str, scanned))} have no text layer (scanned?); run "
                         "OCR first, e.g. ocrmypdf, then read the result", name)
    return _assemble(pages)


def _is_password_error(e: BaseException, password_type: type) -> bool:
    seen = set()
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, password_type) or "password" in type(e).__name__.lower():
            return True
        if any(isinstance(a, BaseException) and isinstance(a, password_type) for a in e.args):
            return True
        e = e.__cause__ or e.__context__
    return False


def _short(e: BaseException) -> str:
    msg = " ".join(str(e).split()) or "unreadable"
    return msg[:120]


def _read_page(page, number: int) -> _Page:
    result = _Page(number)
    chars = page.chars
    if not chars:
        if page.images:
            result.blocks = "scanned"
        return result
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    for t in tables:
        rows = [[clean_cell(c) for c in row] for row in t.extract()]
        columns = sorted({round(c[0], 1) for c in t.cells} | {round(t.bbox[2], 1)})
        result.blocks.append((t.bbox[1], "table", (rows, columns)))

    def outside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    for line in page.filter(outside).extract_text_lines(return_chars=False):
        content = clean_cell(line["text"])
        if content and not _PAGE_NUMBER.match(content):
            result.blocks.append((line["top"], "text", content))
    result.blocks.sort(key=lambda b: b[0])
    return result


def _same_frame(a: list[float], b: list[float]) -> bool:
    """Same left and right edge: a table continued on the next page keeps its frame."""
    return abs(a[0] - b[0]) <= _COLUMN_TOLERANCE and abs(a[-1] - b[-1]) <= _COLUMN_TOLERANCE


def _union(a: list[float], b: list[float]) -> list[float]:
    out: list[float] = []
    for x in sorted(a + b):
        if not out or x - out[-1] > _COLUMN_TOLERANCE:
            out.append(x)
    return out


def _regrid(rows: list[list[str]], columns: list[float], grid: list[float]) -> list[list[str]]:
    """Rows whose cells start at ``columns`` → rows over the finer ``grid`` (covered cells empty).

    A page that shows only some rows of a table may lack column edges that only other rows draw
    (the top of a project sheet has merged cells only); on the joined table every row uses every
    column, so cells stay in their columns across the page break.
    """
    if columns == grid:
        return rows
    index = [min(range(len(grid)), key=lambda k: abs(grid[k] - x)) for x in columns[:-1]]
    out = []
    for row in rows:
        cells = [""] * (len(grid) - 1)
        for value, k in zip(row, index):
            cells[k] = value
        out.append(cells)
    return out


def _assemble(pages: list[_Page]) -> Rows:
    """Blocks of all pages → rows; tables continued across a page break are joined."""
    items: list = []  # _Table or (text, locator)
    for page in pages:
        table_row = text_line = 0
        for i, (_, kind, payload) in enumerate(page.blocks):
            if kind == "text":
                text_line += 1
                items.append((payload, f"p{page.number} l{text_line}"))
                continue
            rows, columns = payload
            locators = [f"p{page.number} r{table_row + k}" for k in range(1, len(rows) + 1)]
            table_row += len(rows)
            prev = items[-1] if items else None
            if i == 0 and isinstance(prev, _Table) and prev.page == page.number - 1 \
                    and _same_frame(prev.columns, columns):
                grid = _union(prev.columns, columns)
                prev.rows = _regrid(prev.rows, prev.columns, grid)
                rows = _regrid(rows, columns, grid)
                prev.columns = grid
                skip = 0
                while (skip < min(_MAX_REPEATED_HEADER, len(rows), len(prev.rows))
                       and rows[skip] == prev.rows[skip] and any(rows[skip])):
                    skip += 1
                prev.rows.extend(rows[skip:])
                prev.locators.extend(locators[skip:])
                prev.page = page.number
            else:
                items.append(_Table(rows, locators, columns, page.number))
    out: Rows = []
    for item in items:
        if isinstance(item, _Table):
            page_loc = item.locators[0].split(" ")[0] if item.locators else ""
            if out and any(out[-1][0]):
                out.append(([""], page_loc))
            out.extend(zip(item.rows, item.locators))
            out.append(([""], f"p{item.page}"))
        else:
            out.append(([item[0]], item[1]))
    while out and not any(out[-1][0]):
        out.pop()
    return out
