"""Reader for department duty → activity tables (部门职能职责活动列表).

The table has 18 logical columns (:data:`COLUMNS`): 序号, 部门编码, 部门名称, 职责编码, 职责名称, 职责描述,
职责目标, 活动编码, 活动名称, 活动描述, 预算年度, 绩效目标, 绩效指标, 指标描述, 优, 良, 中, 差. PDF text
extraction gives 17–22 cells per row, drops empty cells, shifts rows and moves codes into other columns,
so a data row is read by *anchors*, not by position (R47):

- activity code (活动编码): 4 digits whose first two are a duty code declared anywhere in the table
  (activities may come before their duty); the last such cell before the year;
- budget year (预算年度): the table's budget year (its most common year-like cell); the last one;
- in the cells before the activity code: 序号 (a leading number), department code (3 digits, or
  ``"340 名称"`` merged with the name), duty code (2 digits, preferably equal to the activity prefix)
  and, after the duty code, 职责名称/职责描述/职责目标;
- between activity code and year: 活动名称, 活动描述; after the year: 绩效目标, 绩效指标, 指标描述 and
  the four grades 优/良/中/差.

A row without an activity code is read from the year backwards (code slot = year − 3). A row with a
duty code and duty text but no activity declares only the duty. Activities link to duties by code prefix
(R49), never by row order; a code-less activity takes the duty of the last duty row before it (§4.2).

Grades: positional after the indicator description, ``None`` for a missing cell. When fewer than four
grade cells are present with no gap and splitting them on whitespace gives exactly four grade-like
pieces, the cells were merged by the extraction and are split (text is never invented). More than
four grade cells: the first four are kept. Rows that cannot be read unambiguously are quarantined
with the reason, including empty rows holding only numbers (R50 is then reported from the quarantine).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from goalgraph import vocab
from goalgraph.records import Activity, DepartmentTable, Duty, GradeCriteria, Quarantined, SourceRef

Row = tuple[int, list[str]]  # (1-based line number, stripped cells)

#: The 18 logical columns, in order.
COLUMNS = (
    "序号", "部门编码", "部门名称", "职责编码", "职责名称", "职责描述", "职责目标", "活动编码", "活动名称",
    "活动描述", "预算年度", "绩效目标", "绩效指标", "指标描述", "优", "良", "中", "差",
)
# Nominal column of each anchor; a row whose anchors sit elsewhere is marked realigned.
_NOMINAL = {"row_number": 0, "department_code": 1, "duty_code": 3, "activity_code": 7, "year": 10}

_CODE2 = re.compile(r"^\d{2}$")
_CODE3 = re.compile(r"^\d{3}$")
_CODE4 = re.compile(r"^\d{4}$")
_ROW_NUMBER = re.compile(r"^\d{1,4}$")
_NUMBER = re.compile(r"^\d+$")  # not str.isdigit(): that also accepts "①"
_YEAR = re.compile(r"^(19|20)\d{2}$")
_DEPT_MERGED = re.compile(r"^(\d{3})\s+(\S.*)$")  # "512 青州市水务局": code and name in one cell
_TITLE_CODE = re.compile(r"^[\[［【]?(\d{3})(?!\d)[\]］】]?\s*")  # "[512]青州市水务局…"
_TITLE_YEAR = re.compile(r"^(19|20)\d{2}年度?")  # "2022年…" before the name
_TITLE_SUFFIX = re.compile(r"(部门)?(职能)?职责活动列表.*$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_HEADER_FIRST = {"序号"}
_INDEX_FIRST = {"栏次", "档"}  # column-index row: 栏次 1 2 … 13 优 良 中 差
_INDEX_CELLS = {str(n) for n in range(1, 19)} | {"优", "良", "中", "差", "指标评价标准"}


@dataclass
class DepartmentTableResult:
    table: DepartmentTable
    roles: dict[int, str]  # line number -> role (one of records.LINE_ROLES), every line passed
    quarantine: list[Quarantined]


class _Unreadable(Exception):
    """A data row that cannot be read unambiguously; the message is the quarantine reason."""


@dataclass
class _Head:
    """The cells before the activity code: 序号, department, duty (职责)."""

    row_number: str = ""
    department_code: str | None = None
    department_name: str | None = None
    duty_code: str | None = None
    duty_texts: list[str | None] = field(default_factory=lambda: [None, None, None])  # 名称, 描述, 目标
    nominal: bool = True


@dataclass
class _ActivityCells:
    code: str | None
    name: str | None
    description: str | None
    year_raw: str
    goal: str | None
    indicator: str | None
    indicator_description: str | None
    grades: list[str | None]
    nominal: bool
    unread: list[str]


@dataclass
class _Context:
    """Table-wide facts found in a first pass."""

    declared: set[str]  # duty codes declared somewhere in the table
    year: str | None  # the budget year as written, e.g. "2022"


# ------------------------------------------------------------------------------------------------
# entry point


def parse_department_table(file: str, title_line: int, title: str, rows: list[Row]) -> DepartmentTableResult:
    """Read one department table: its title line and every line after it up to the next section."""
    code, name = department_from_title(title)
    roles: dict[int, str] = {}
    quarantine: list[Quarantined] = []
    data: list[Row] = []
    for line, cells in rows:
        kind = _line_kind(cells)
        if kind == "data":
            data.append((line, cells))
        else:
            roles[line] = kind
    year = _budget_year(data)
    ctx = _Context(_declared_duty_codes(data, year), year)
    read: list[tuple[int, _Head, _ActivityCells | None]] = []
    for line, cells in data:
        try:
            head, act = _read_row(cells, ctx)
        except _Unreadable as e:
            roles[line] = "quarantined"
            quarantine.append(Quarantined(SourceRef(file, line), str(e), "\t".join(cells)))
            continue
        roles[line] = "record"
        read.append((line, head, act))
    table = _build_table(file, title_line, title, code, name, read, rows)
    return DepartmentTableResult(table, roles, quarantine)


def department_from_title(title: str) -> tuple[str | None, str]:
    """(code, name) from a title like ``青州市水务局部门职责活动列表`` (code only if written)."""
    text = re.sub(r"\s+", "", title or "")
    m = _TITLE_CODE.match(text)
    code = m.group(1) if m else None
    name = _TITLE_SUFFIX.sub("", text[m.end():] if m else text)
    return code, _TITLE_YEAR.sub("", name)


# ------------------------------------------------------------------------------------------------
# line kinds and table-wide facts


def _line_kind(cells: list[str]) -> str:
    """"blank", "header" (header and column-index rows) or "data"."""
    folded = [vocab.fold(c) for c in cells if vocab.fold(c)]
    if not folded:
        return "blank"
    if folded[0] in _HEADER_FIRST or folded[0] in _INDEX_FIRST:
        return "header"
    if all(c in _INDEX_CELLS for c in folded) and any(not _NUMBER.match(c) for c in folded):
        return "header"  # a column-index or grade-label row whose first cell was lost
    return "data"


def _declared_duty_codes(data: list[Row], year: str | None) -> set[str]:
    """Duty codes declared in the table: a 2-digit cell in the 职责编码 column, equal to the prefix of
    an activity code in its row, or leading duty text in a row without any 4-digit code."""
    codes: set[str] = set()
    for _, cells in data:
        prefixes = {c[:2] for c in cells if _CODE4.match(c) and c != year}
        for i, c in enumerate(cells):
            if not _CODE2.match(c):
                continue
            duty_only = not prefixes and any(_is_text(x) for x in cells[i + 1:])
            if i == _NOMINAL["duty_code"] or c in prefixes or duty_only:
                codes.add(c)
    return codes


def _budget_year(data: list[Row]) -> str | None:
    """The most common year-like cell of the table (预算年度 is repeated on every activity row)."""
    years = Counter(c for _, cells in data for c in cells if _YEAR.match(c))
    return years.most_common(1)[0][0] if years else None


def _is_text(cell: str) -> bool:
    return bool(cell) and not _NUMBER.match(cell)


# ------------------------------------------------------------------------------------------------
# one data row


def _read_row(cells: list[str], ctx: _Context) -> tuple[_Head, _ActivityCells | None]:
    cells = _trim(cells)
    year_i = _find_year(cells, ctx)
    code_i = _find_activity_code(cells, year_i, ctx)
    if year_i is None:
        if code_i is not None:
            raise _Unreadable(f"activity code {cells[code_i]} but no budget year (预算年度) in the row")
        return _duty_only(cells), None
    if code_i is None and year_i >= 3 and _CODE4.match(cells[year_i - 3]):
        code_i = year_i - 3  # a code whose duty is not declared, in its nominal place (R49 reports it)
    head_end = code_i if code_i is not None else max(year_i - 3, 0)
    head = _read_head(cells[:head_end], cells[code_i][:2] if code_i is not None else None)
    return head, _read_activity(cells, code_i, year_i)


def _trim(cells: list[str]) -> list[str]:
    out = list(cells)
    while out and not out[-1]:
        out.pop()
    return out


def _find_year(cells: list[str], ctx: _Context) -> int | None:
    """The 预算年度 cell: the last cell equal to the table's year, else the last year-like cell
    that is not an activity code of a declared duty."""
    hits = [i for i, c in enumerate(cells) if ctx.year and c == ctx.year]
    if not hits:
        hits = [i for i, c in enumerate(cells) if _YEAR.match(c) and c[:2] not in ctx.declared]
    return hits[-1] if hits else None


def _find_activity_code(cells: list[str], year_i: int | None, ctx: _Context) -> int | None:
    """The last 4-digit cell before the year whose prefix is a declared duty code (a 4-digit 序号
    such as 1015 comes first in the row, so the last candidate is the code)."""
    end = year_i if year_i is not None else len(cells)
    hits = [i for i in range(end) if _CODE4.match(cells[i]) and cells[i][:2] in ctx.declared]
    return hits[-1] if hits else None


def _duty_only(cells: list[str]) -> _Head:
    """A row that declares a duty but no activity (the activities may be listed before it)."""
    head = _read_head(cells, None)
    if head.duty_code is None or not any(head.duty_texts):
        raise _Unreadable("no activity code, budget year or duty text: nothing to read")
    return head


def _read_head(cells: list[str], prefix: str | None) -> _Head:
    """序号, department code/name, duty code and duty texts from the cells before the activity code."""
    head = _Head()
    cells = list(cells)
    merged = _split_merged_department(cells, head)
    duty_i = _pick_duty_code(cells, prefix)
    row_i = _pick_row_number(cells, duty_i)
    dept_i = next((i for i, c in enumerate(cells) if _CODE3.match(c) and i != row_i), None)
    if dept_i is None:
        dept_i = merged
    if duty_i is None:
        duty_i = next((i for i, c in enumerate(cells) if _CODE2.match(c) and i not in (row_i, dept_i)), None)
    taken = {i for i in (row_i, dept_i, duty_i) if i is not None}
    stray = [c for i, c in enumerate(cells) if _NUMBER.match(c) and i not in taken]
    if stray:
        raise _Unreadable(f"unplaced number(s) {', '.join(stray)} before the activity code")
    head.row_number = cells[row_i] if row_i is not None else ""
    if dept_i is not None and dept_i != merged:
        head.department_code = cells[dept_i]
    head.duty_code = cells[duty_i] if duty_i is not None else None
    _read_head_texts(cells, head, duty_i, taken)
    head.nominal = merged is None and all(
        i is None or i == _NOMINAL[k]
        for k, i in (("row_number", row_i), ("department_code", dept_i), ("duty_code", duty_i))
    )
    return head


def _split_merged_department(cells: list[str], head: _Head) -> int | None:
    """``512 青州市水务局`` in one cell: take code and name, blank the cell; return its index."""
    for i, c in enumerate(cells):
        m = _DEPT_MERGED.match(c)
        if m:
            head.department_code, head.department_name = m.group(1), m.group(2).strip()
            cells[i] = ""
            return i
    return None


def _pick_duty_code(cells: list[str], prefix: str | None) -> int | None:
    """The 2-digit cell equal to the activity prefix (last one, so a 序号 like 05 before it stays 序号)."""
    hits = [i for i, c in enumerate(cells) if prefix and c == prefix]
    return hits[-1] if hits else None


def _pick_row_number(cells: list[str], duty_i: int | None) -> int | None:
    """序号: the first non-empty cell when it is a number in column 0 or 1 (shifted right by one)."""
    first = next((i for i, c in enumerate(cells) if c), None)
    if first is None or first > 1 or first == duty_i or not _ROW_NUMBER.match(cells[first]):
        return None
    return first


def _read_head_texts(cells: list[str], head: _Head, duty_i: int | None, taken: set[int]) -> None:
    """Text before the duty code is the department name; text after it is 职责名称/描述/目标."""
    limit = duty_i if duty_i is not None else _NOMINAL["duty_code"]
    before = [c for i, c in enumerate(cells[:limit]) if c and i not in taken]
    if len(before) > 1:
        raise _Unreadable(f"{len(before)} text cells before the duty code; expected only 部门名称")
    if before and head.department_name is None:
        head.department_name = before[0]
    after = cells[limit + 1:] if duty_i is not None else cells[limit:]
    if duty_i is None:
        if any(after):
            raise _Unreadable("duty text (职责名称/描述/目标) without a duty code (职责编码)")
        return
    head.duty_texts = _fit(after, 3, "duty text cells (职责名称/职责描述/职责目标)")


def _fit(cells: list[str], width: int, what: str) -> list[str | None]:
    """Cells into *width* fields: by position when exactly *width* cells, else the non-empty cells in
    order (a repeat of the previous cell is an extraction duplicate and dropped; the first is kept)."""
    cells = _trim(cells)
    if len(cells) == width:
        return [c or None for c in cells]
    texts: list[str] = []
    for c in cells:
        if c and not (texts and _same_text(texts[-1], c)):
            texts.append(c)
    if len(texts) > width:
        raise _Unreadable(f"{len(texts)} {what} for {width} columns; cannot tell which is which")
    return texts + [None] * (width - len(texts))


def _same_text(a: str, b: str) -> bool:
    """Equal, or nearly: the extraction sometimes repeats a cell with a word changed ("和" / " and ")."""
    a, b = vocab.fold(a), vocab.fold(b)
    return a == b or (min(len(a), len(b)) >= 20 and SequenceMatcher(None, a, b).ratio() >= 0.95)


def _read_activity(cells: list[str], code_i: int | None, year_i: int) -> _ActivityCells:
    """活动编码/名称/描述 before the year, then 绩效目标, 绩效指标, 指标描述 and the grades after it."""
    start = code_i + 1 if code_i is not None else max(year_i - 2, 0)
    name, description = _fit(cells[start:year_i], 2, "activity text cells (活动名称/活动描述)")
    tail = cells[year_i + 1:] + [""] * 3
    grades, split = _read_grades(cells[year_i + 4:])
    # grade cells beyond the fourth have no column: keep them as unread rather than drop them
    unread = [c for c in _trim(cells[year_i + 4:])[4:] if c] if not split else []
    nominal = year_i == _NOMINAL["year"] and code_i in (None, _NOMINAL["activity_code"]) and not split
    return _ActivityCells(
        code=cells[code_i] if code_i is not None else None,
        name=name,
        description=description,
        year_raw=cells[year_i],
        goal=tail[0] or None,
        indicator=tail[1] or None,
        indicator_description=tail[2] or None,
        grades=grades,
        nominal=nominal,
        unread=unread,
    )


def _read_grades(cells: list[str]) -> tuple[list[str | None], bool]:
    """优/良/中/差 by position; merged cells split when that gives exactly four grade-like pieces.
    Returns the four grades and whether cells were split."""
    slots = _trim(cells)
    if 0 < len(slots) < 4 and all(slots):
        pieces = [p for c in slots for p in c.split()]
        if len(pieces) == 4 and all(_grade_like(p) for p in pieces):
            return list(pieces), True
    out: list[str | None] = [c or None for c in slots[:4]]
    return out + [None] * (4 - len(out)), False


def _grade_like(piece: str) -> bool:
    """A piece that can stand alone as a grade text: at least two Chinese characters, so splitting
    never cuts "完成率 < 100%" or "1.2100次 2.550次" into fragments."""
    return len(_CJK.findall(piece)) >= 2


# ------------------------------------------------------------------------------------------------
# records


def _build_table(
    file: str,
    title_line: int,
    title: str,
    code: str | None,
    name: str,
    read: list[tuple[int, _Head, _ActivityCells | None]],
    rows: list[Row],
) -> DepartmentTable:
    dept_code = code or next((h.department_code for _, h, _ in read if h.department_code), None)
    dept_name = name or next((h.department_name for _, h, _ in read if h.department_name), "")
    last = max((line for line, cells in rows if any(cells)), default=title_line)
    table = DepartmentTable(SourceRef(file, title_line, last), title, dept_code, dept_name)
    duties: dict[str, Duty] = {}
    current: str | None = None  # duty code of the last duty row (forward fill for code-less activities)
    for line, head, act in read:
        if head.duty_code:
            _add_duty(duties, file, line, dept_code, head)
            current = head.duty_code
        if act is not None:
            table.activities.append(_activity(file, line, dept_code, head, act, current))
    table.duties = list(duties.values())
    return table


def _add_duty(duties: dict[str, Duty], file: str, line: int, dept_code: str | None, head: _Head) -> None:
    """One Duty per code: the first declaration wins; a repeat only fills fields the first left blank."""
    name, description, objective = head.duty_texts
    duty = duties.get(head.duty_code)
    if duty is None:
        duties[head.duty_code] = Duty(
            SourceRef(file, line), head.department_code or dept_code, head.duty_code, name, description, objective
        )
        return
    duty.name = duty.name or name
    duty.description = duty.description or description
    duty.objective = duty.objective or objective


def _activity(
    file: str, line: int, dept_code: str | None, head: _Head, act: _ActivityCells, current: str | None
) -> Activity:
    duty_code = act.code[:2] if act.code else (head.duty_code or current)
    return Activity(
        source=SourceRef(file, line),
        row_number_raw=head.row_number,
        department_code=head.department_code or dept_code,
        duty_code=duty_code,
        code=act.code,
        name=act.name,
        description=act.description,
        budget_year_raw=act.year_raw,
        budget_year=int(act.year_raw) if _NUMBER.match(act.year_raw) else None,
        goal=act.goal,
        indicator=act.indicator,
        indicator_description=act.indicator_description,
        grades=GradeCriteria(*act.grades),
        realigned=not (act.nominal and head.nominal),
        unread_cells=act.unread,
    )
