"""Input checks, decoding, lines → cells, and segmentation of a document into sections.

A document is tab-separated text extracted from a PDF: one physical line per table row, cells split
on tabs. Sections (小节) are found by their anchor rows, not by line numbers:

- summary table (报人大项目汇总表): a header row ``序号 | 部门名称 | 项目名称 | 项目预算…``;
- department overview list (部门整体绩效目标): a two-cell header ``序号 | 部门名称``;
- project sheet (项目支出绩效目标表): a row whose first cell is ``项目编码及名称``/``项目编号及名称``;
- department duty/activity table (部门职能职责活动列表): a one-cell title line whose next non-blank
  line is a ``序号 …`` header naming 职责/活动 columns.

An anchor's title is the nearest preceding one-cell line with only blank lines in between. A section
runs to the line before the next section's first line.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from goalgraph import vocab
from goalgraph.errors import InputError

NUL = b"\x00"
Row = tuple[int, list[str]]  # (1-based line number, stripped cells)


@dataclass
class Source:
    """A decoded input file."""

    path: str
    sha256: str
    encoding: str
    lines: list[str]


# ------------------------------------------------------------------------------------------------
# decoding and input checks


def existing_file(path: str | Path) -> Path:
    """``path`` as a Path; :class:`InputError` naming it when it is missing or a directory."""
    p = Path(path)
    if not p.exists():
        raise InputError("no such file", str(path))
    if p.is_dir():
        raise InputError("is a directory, not a document", str(path))
    return p


def load(path: str | Path) -> Source:
    """Read and decode one file; raise :class:`InputError` naming the file for unusable input."""
    name = str(path)
    data = existing_file(path).read_bytes()
    if not data.strip():
        raise InputError("empty file", name)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with BOM: NUL bytes are expected
        text = _decode_utf16(data, name)
        return Source(name, hashlib.sha256(data).hexdigest(), "utf-16", split_lines(text))
    if NUL in data:
        raise InputError(f"binary file (NUL byte at offset {data.index(NUL)})", name)
    text, encoding = decode(data, name)
    return Source(name, hashlib.sha256(data).hexdigest(), encoding, split_lines(text))


def decode(data: bytes, name: str) -> tuple[str, str]:
    """UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK/GB2312). UTF-16 is
    accepted only with a byte-order mark (see :func:`load`)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            break
        return text, "utf-8" if encoding == "utf-8-sig" else encoding
    raise InputError("binary or undecodable file (neither UTF-8 nor GB18030 text)", name)


def _decode_utf16(data: bytes, name: str) -> str:
    try:
        text = data.decode("utf-16")
    except UnicodeDecodeError:
        raise InputError("binary or undecodable file (bad UTF-16)", name) from None
    if _looks_binary(text):
        raise InputError("binary file (control characters in UTF-16 text)", name)
    return text


def _looks_binary(text: str) -> bool:
    """Control characters other than tab/newline/CR/form feed mean this is no text export."""
    bad = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    return bad > max(2, len(text) // 1000)


def split_lines(text: str) -> list[str]:
    """Physical lines; a final newline does not start an extra line. CR/CRLF endings are accepted."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


# ------------------------------------------------------------------------------------------------
# lines → cells


def cells(line: str) -> list[str]:
    """Cells of one line: split on tab, stripped, continuation fragments joined (see
    :func:`join_split_words`). Always at least one cell ("" for a blank line)."""
    return join_split_words([c.strip() for c in line.split("\t")])


# Punctuation that never starts a cell of its own: a cell beginning with it is the rest of the
# previous cell, cut by a PDF cell boundary ("（万元" | "）"). "%" is not in the list: a unit cell "%"
# legitimately follows a value cell.
_CONTINUATION_START = tuple("）)」』》〉】〕，,。、；;：:？！?!")

_KNOWN_LABELS = {
    vocab.fold(s)
    for s in (
        "项目编码及名称", "项目编号及名称", "主管部门", "项目单位", "年度资金总额", "年度资金总额（万元）",
        "资金用途", "资金支出计划", "资金支出计划（累计支出金额）", "年度绩效目标", "一级指标", "二级指标",
        "三级指标", "绩效指标描述", "绩效指标描述（指标内容）", "指标说明", "指标值", "指标确定依据",
        "评（扣）分标准", "单位（文字描述）", "序号", "部门名称", "项目名称", "项目预算（万元）",
    )
}


_MONTH_LABEL = re.compile(r"^\d{1,2}月(底|末)$")  # "3月底"; not "12月" (a value and its unit)


def is_known_term(text: str) -> bool:
    """A label, category, operator or month as written in the layout."""
    key = vocab.fold(text)
    return bool(key) and (
        key in _KNOWN_LABELS
        or vocab.category(key) is not None
        or vocab.operator(key) is not None
        or _MONTH_LABEL.match(key) is not None
    )


def join_split_words(row: list[str]) -> list[str]:
    """Join cells that a PDF cell boundary cut out of one word.

    Rule (conservative, so real columns are never merged): cell *i* is the continuation of the
    directly preceding non-empty cell *i-1* when (a) it starts with closing punctuation
    (``年度资金总额（万元`` | ``）``), or (b) the two together form a known term (label, category,
    operator, month) that cell *i* alone is not (``文字`` | ``描述``, ``社会效益`` | ``指标``,
    ``3`` | ``月底``). Free text split inside a sentence cannot be told from two real cells and is
    left as is. The joined text goes to cell *i-1* and cell *i* is left empty, so every other cell
    keeps its column.
    """
    out = list(row)
    for i in range(1, len(out)):
        prev, cur = out[i - 1], out[i]
        if not prev or not cur:
            continue
        if cur.startswith(_CONTINUATION_START) or (is_known_term(prev + cur) and not is_known_term(cur)):
            out[i - 1], out[i] = prev + cur, ""
    return out


def non_empty(row: list[str]) -> list[str]:
    return [c for c in row if c]


def is_blank(row: list[str]) -> bool:
    return not any(row)


def is_one_cell(row: list[str]) -> bool:
    """A title or prose line: exactly one non-empty cell, in the first column."""
    return bool(row and row[0]) and len(non_empty(row)) == 1


# ------------------------------------------------------------------------------------------------
# segmentation


@dataclass
class Section:
    """A part of a document: its kind, optional title line and the rows after it."""

    kind: str  # "summary", "department_list", "project", "department"
    title_line: int | None  # 1-based line of the one-cell title, if any
    title: str
    start: int  # first line of the section (title line or anchor)
    end: int  # last line (inclusive)
    rows: list[Row]  # every line after the title (anchor included), blank lines included


def _fold_cells(row: list[str]) -> list[str]:
    return [vocab.fold(c) for c in row]


def is_summary_header(row: list[str]) -> bool:
    f = _fold_cells(row)
    return bool(f) and f[0] == "序号" and any("项目名称" in c for c in f)


def is_department_list_header(row: list[str]) -> bool:
    f = non_empty(_fold_cells(row))
    return len(f) == 2 and f[0] == "序号" and "部门名称" in f[1]


def is_project_anchor(row: list[str]) -> bool:
    return bool(re.match(r"^项目(编码|编号|代码)", vocab.fold(row[0]) if row else ""))


def is_department_header(row: list[str]) -> bool:
    f = _fold_cells(row)
    return bool(f) and f[0] == "序号" and any("职责" in c or "活动" in c for c in f[1:])


def _anchor_kind(rows: list[list[str]], i: int) -> str | None:
    row = rows[i]
    if is_summary_header(row):
        return "summary"
    if is_department_list_header(row):
        return "department_list"
    if is_project_anchor(row):
        return "project"
    if is_one_cell(row):
        nxt = _next_non_blank(rows, i)
        if nxt is not None and is_department_header(rows[nxt]):
            return "department"
    return None


def _next_non_blank(rows: list[list[str]], i: int) -> int | None:
    for j in range(i + 1, len(rows)):
        if not is_blank(rows[j]):
            return j
    return None


def _title_before(rows: list[list[str]], i: int, floor: int) -> int | None:
    """Index of the one-cell title line before anchor *i* (only blank lines between), or None."""
    j = i - 1
    while j >= floor and is_blank(rows[j]):
        j -= 1
    return j if j >= floor and is_one_cell(rows[j]) else None


def segment(lines: list[str]) -> tuple[list[Row], list[Section]]:
    """All rows (line number, cells) and the sections found in them, in document order."""
    rows = [cells(line) for line in lines]
    numbered = [(n + 1, r) for n, r in enumerate(rows)]
    starts: list[tuple[int, int | None, str]] = []  # (first index, title index, kind)
    floor = 0
    for i in range(len(rows)):
        kind = _anchor_kind(rows, i)
        if kind is None:
            continue
        if kind == "department":
            starts.append((i, i, kind))
        else:
            t = _title_before(rows, i, floor)
            starts.append((t if t is not None else i, t, kind))
        floor = i + 1
    sections = []
    for k, (first, title, kind) in enumerate(starts):
        last = (starts[k + 1][0] - 1) if k + 1 < len(starts) else len(rows) - 1
        body_from = (title + 1) if title is not None else first
        sections.append(
            Section(
                kind=kind,
                title_line=title + 1 if title is not None else None,
                title=rows[title][0] if title is not None else "",
                start=first + 1,
                end=last + 1,
                rows=numbered[body_from : last + 1],
            )
        )
    return numbered, sections
