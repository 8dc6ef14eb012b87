"""Excel workbook (.xlsx) → logical rows (openpyxl).

- Every visible sheet is read in workbook order (a sheet per project, or everything in one sheet);
  a blank row separates sheets. Blank rows inside a sheet are kept (they separate tables).
- Merged ranges: the value sits in the top-left cell, the covered cells are empty — exactly like
  the blank cells of the text extraction.
- A number cell is rendered as the text Excel shows, from its number format where that format is
  simple (``0.00`` → ``600.00``, ``#,##0.00`` → ``2,200,000.00``, ``0%``), else the shortest form
  (``800``, ``11046.85``; no trailing ``.0``), so records keep the shown text as raw.
- Text cells: line breaks inside a cell (Alt+Enter) are joined, tabs become spaces.
- Each table row is as wide as its table (the contiguous block of non-blank rows), trailing empty
  columns of the sheet are dropped.

Locators: ``"Sheet1!A5:J5"`` (quoted like Excel when the sheet name needs it: ``'项目 1'!A5:J5``).
The workbook is opened in full (not read-only) mode because read-only worksheets do not expose
merged ranges; formulas are read as their cached values.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from goalgraph.errors import InputError
from goalgraph.read.formats import clean_cell

Rows = list[tuple[list[str], str]]


def read_rows(path: str | Path) -> Rows:
    """All logical rows of a workbook with their locators; :class:`InputError` for unusable files."""
    name = str(path)
    try:
        import openpyxl
        from openpyxl.utils import get_column_letter
    except ImportError as e:  # pragma: no cover - dependency missing
        raise InputError(f"reading Excel needs openpyxl ({e}); pip install openpyxl", name) from None
    try:
        with open(path, "rb") as f:  # a file object: openpyxl would refuse names not ending .xlsx
            wb = openpyxl.load_workbook(f, data_only=True)
    except Exception as e:  # zipfile, XML and openpyxl errors: never a traceback
        raise InputError(f"is a corrupt or unreadable Excel workbook ({type(e).__name__}: "
                         f"{' '.join(str(e).split())[:120]})", name) from None
    sheets = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    if not sheets:
        raise InputError("Excel workbook has no visible worksheets", name)
    out: Rows = []
    for ws in sheets:
        rows = _sheet_rows(ws, get_column_letter)
        if not rows:
            continue
        if out:
            out.append(([""], _quote(ws.title)))
        out.extend(rows)
    if not any(any(cells) for cells, _ in out):
        raise InputError("Excel workbook is empty (no cell has a value)", name)
    return out


def _quote(title: str) -> str:
    if re.fullmatch(r"[A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff.]*", title):
        return title
    return "'" + title.replace("'", "''") + "'"


def _sheet_rows(ws, get_column_letter) -> Rows:
    covered: set[tuple[int, int]] = set()  # cells under a merged range, not its top-left
    merge_right: dict[tuple[int, int], int] = {}  # top-left → last column of its range
    for rng in ws.merged_cells.ranges:
        merge_right[(rng.min_row, rng.min_col)] = rng.max_col
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    covered.add((r, c))
    grid: list[list[str]] = []
    extent: list[int] = []  # last used column (incl. merged range) of each row, 0 = blank row
    for r, row in enumerate(ws.iter_rows(), start=1):
        cells = ["" if (r, c) in covered else render(cell)
                 for c, cell in enumerate(row, start=1)]
        last = 0
        for c, value in enumerate(cells, start=1):
            if value:
                last = max(last, merge_right.get((r, c), c))
        grid.append(cells)
        extent.append(last)
    while extent and not extent[-1]:
        grid.pop()
        extent.pop()
    # width of each row = the widest row of its block of contiguous non-blank rows
    widths = [0] * len(grid)
    i = 0
    while i < len(grid):
        if not extent[i]:
            i += 1
            continue
        j = i
        while j < len(grid) and extent[j]:
            j += 1
        width = max(extent[i:j])
        for k in range(i, j):
            widths[k] = width
        i = j
    title = _quote(ws.title)
    out: Rows = []
    for r, (cells, width) in enumerate(zip(grid, widths), start=1):
        if not width:
            out.append(([""], f"{title}!A{r}"))
            continue
        cells = (cells + [""] * width)[:width]
        where = f"A{r}" if width == 1 else f"A{r}:{get_column_letter(width)}{r}"
        out.append((cells, f"{title}!{where}"))
    return out


# ------------------------------------------------------------------------------------------------
# cell values as shown


def render(cell) -> str:
    """The text Excel would show for one cell (simple number formats), as one clean line."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, Decimal)):
        return format_number(value, cell.number_format or "General")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return clean_cell(str(value))


_SIMPLE_FORMAT = re.compile(r"^(?P<comma>#,##)?0(?:\.(?P<dec>0+))?(?P<pct>%)?$")


def format_number(value: int | float | Decimal, number_format: str) -> str:
    """``600`` + ``"0.00"`` → ``"600.00"``; ``2200000`` + ``"#,##0.00"`` → ``"2,200,000.00"``;
    ``0.95`` + ``"0%"`` → ``"95%"``; General or anything complex → the shortest form (``"800"``,
    ``"11046.85"``). Rounding is half away from zero, like Excel."""
    number = _to_decimal(value)
    if number is None:
        return str(value)
    fmt = number_format.split(";")[0].strip().replace('\\', '').replace('"', '')
    m = _SIMPLE_FORMAT.match(fmt)
    if not m:
        return _general(number)
    if m.group("pct"):
        number *= 100
    places = len(m.group("dec") or "")
    q = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    shown = f"{q:,.{places}f}" if m.group("comma") else f"{q:.{places}f}"
    return shown + ("%" if m.group("pct") else "")


def _to_decimal(value) -> Decimal | None:
    try:
        return value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float)
                                                                 else str(value))
    except (InvalidOperation, ValueError):
        return None


def _general(number: Decimal) -> str:
    if not number.is_finite():
        return str(number)
    if number == number.to_integral_value():
        return format(number.to_integral_value(), "f")
    return format(number.normalize(), "f")
