"""The document reader: a performance-target document (the published PDF, an Excel workbook, a CSV,
or tab-separated text extracted from the PDF) → :class:`goalgraph.records.Document`, with every
line of the row stream given exactly one role. :mod:`goalgraph.read.formats` turns every format into
the same tab-separated lines; for PDF/Excel/CSV every SourceRef also gets a locator ("p3 r12",
"Sheet1!A5:J5", "r5").

Bad input (missing, empty, binary or undecodable file, unknown layout) raises
:class:`goalgraph.errors.InputError` naming the file. A malformed row inside a readable file is
quarantined with a reason and the rest is still read; a project sheet cut off before its indicator
rows (e.g. the file ends inside it) is quarantined as a whole.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from goalgraph.errors import InputError
from goalgraph.read import formats, text
from goalgraph.read.projects import parse_project_sheet
from goalgraph.read.summary import parse_department_list, parse_summary
from goalgraph.records import Document, Quarantined, SourceRef

__all__ = ["read_document"]


def read_document(path: str | Path) -> Document:
    """Read one document; raises :class:`InputError` for a file that cannot be read at all."""
    source = formats.load_any(path)
    rows, sections = text.segment(source.lines)
    if not sections:
        raise InputError("unknown layout: no summary table, project sheet or department table found",
                         source.path)
    doc = Document(path=source.path, sha256=source.sha256, encoding=source.encoding,
                   line_count=len(source.lines), title=None, year=None, lines=source.lines)
    _read_preamble(doc, rows[: sections[0].start - 1])
    for section in sections:
        _read_section(doc, section)
    _check_roles(doc)
    if doc.title is None:  # no preamble: the first non-blank line is still the title
        doc.title = next((" ".join(text.non_empty(r)) for _, r in rows if not text.is_blank(r)), None)
    doc.year = _document_year(doc)
    return formats.attach_locators(doc, source.locators)


def _read_preamble(doc: Document, rows: list[text.Row]) -> None:
    """Lines before the first section: the first non-blank line is the title, the rest prose."""
    for line, row in rows:
        if text.is_blank(row):
            doc.line_roles[line] = "blank"
        elif doc.title is None:
            doc.title = " ".join(text.non_empty(row))
            doc.line_roles[line] = "heading"
        else:
            doc.line_roles[line] = "prose"


def _read_section(doc: Document, section: text.Section) -> None:
    if section.title_line:
        doc.line_roles[section.title_line] = "heading"
    if section.kind == "summary":
        result = parse_summary(doc.path, section.rows)
        doc.summary.extend(result.records)
    elif section.kind == "department_list":
        result = parse_department_list(doc.path, section.rows)
        doc.department_list.extend(result.records)
    elif section.kind == "project":
        result = parse_project_sheet(doc.path, section.title_line, section.title, section.rows)
        if result.sheet is not None:
            doc.projects.append(result.sheet)
    else:
        result = _read_department(doc, section)
    doc.line_roles.update(result.roles)
    doc.quarantine.extend(result.quarantine)


def _read_department(doc: Document, section: text.Section):
    """Department duty/activity tables are read by :mod:`goalgraph.read.departments`."""
    try:
        from goalgraph.read.departments import parse_department_table
    except ImportError:
        return _Unavailable(doc.path, section.rows)
    # the contract: cells split on tab and stripped, nothing joined (that reader realigns by pattern)
    rows = [(line, [c.strip() for c in doc.lines[line - 1].split("\t")]) for line, _ in section.rows]
    result = parse_department_table(doc.path, section.title_line, section.title, rows)
    doc.departments.append(result.table)
    return result


class _Unavailable:
    """Stand-in result while the department reader is missing: its lines are quarantined."""

    def __init__(self, file: str, rows: list[text.Row]):
        reason = "department reader unavailable"
        self.roles = {line: "blank" if text.is_blank(row) else "quarantined" for line, row in rows}
        self.quarantine = [Quarantined(SourceRef(file, line), reason, "\t".join(row))
                           for line, row in rows if not text.is_blank(row)]


def _check_roles(doc: Document) -> None:
    """Every line gets exactly one role; a line a sub-reader left out is quarantined, visibly."""
    for line in range(1, doc.line_count + 1):
        if line not in doc.line_roles:
            doc.line_roles[line] = "quarantined"
            doc.quarantine.append(Quarantined(SourceRef(doc.path, line), "line not accounted for by "
                                              "any reader", doc.lines[line - 1]))
    extra = [line for line in doc.line_roles if not 1 <= line <= doc.line_count]
    for line in extra:
        del doc.line_roles[line]
    doc.line_roles = dict(sorted(doc.line_roles.items()))


def _document_year(doc: Document) -> int | None:
    m = re.search(r"(20\d{2}|19\d{2})\s*年", doc.title or "")
    if m:
        return int(m.group(1))
    years = Counter(p.year for p in doc.projects if p.year)
    return years.most_common(1)[0][0] if years else None
