"""The summary table (报人大项目汇总表) and the department overview list (部门整体绩效目标).

Both are simple numbered tables; a row that does not have the expected shape is quarantined with a
reason and the rest of the table is still read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from goalgraph.read.normalize import parse_amount
from goalgraph.read.text import Row, is_blank, is_one_cell, non_empty
from goalgraph.records import DepartmentListEntry, Quarantined, SourceRef, SummaryRow

_ORDINAL = re.compile(r"^\d{1,4}$")


@dataclass
class TableResult:
    """Records of one simple table with a role for every line passed in."""

    records: list = field(default_factory=list)
    roles: dict[int, str] = field(default_factory=dict)
    quarantine: list[Quarantined] = field(default_factory=list)

    def quarantine_line(self, file: str, line: int, reason: str, row: list[str]) -> None:
        self.roles[line] = "quarantined"
        self.quarantine.append(Quarantined(SourceRef(file, line), reason, "\t".join(row)))


def _ordinal(text: str) -> int | None:
    return int(text) if _ORDINAL.match(text) else None


def parse_summary(file: str, rows: list[Row]) -> TableResult:
    """Rows of the summary table: the header row, then 序号 | 部门名称 | 项目名称 | 项目预算."""
    result = TableResult()
    fields = list(_STANDARD_FIELDS)
    for line, row in rows:
        if is_blank(row):
            result.roles[line] = "blank"
        elif row[0] == "序号" or (not result.records and _is_header(row)):
            result.roles[line] = "header"
            fields = _header_fields(row)
        elif is_one_cell(row) and _ordinal(row[0]) is None:
            result.roles[line] = "prose"  # a note under the table
        else:
            _summary_row(file, line, row, fields, result)
    return result


_STANDARD_FIELDS = ("ordinal", "department", "project", "budget")


def _is_header(row: list[str]) -> bool:
    return any("项目名称" in c or "部门名称" in c for c in row)


def _header_fields(row: list[str]) -> list[str]:
    """Field of each non-empty header cell, so a table with an extra column (备注 …) still reads."""
    def field_of(cell: str) -> str:
        if "序号" in cell:
            return "ordinal"
        if "项目名称" in cell or "项目" == cell:
            return "project"
        if "部门" in cell or "单位" in cell:
            return "department"
        if "预算" in cell or "金额" in cell or "万元" in cell:
            return "budget"
        return f"other:{cell}"  # kept as SummaryRow.extra under its header label
    fields = [field_of(c) for c in non_empty(row)]
    return fields if set(_STANDARD_FIELDS) <= set(fields) else list(_STANDARD_FIELDS)


def _summary_row(file: str, line: int, row: list[str], fields: list[str], result: TableResult) -> None:
    cells = non_empty(row)
    if len(cells) != len(fields):
        result.quarantine_line(file, line, f"summary row has {len(cells)} cells, expected {len(fields)} "
                               "(序号, 部门名称, 项目名称, 项目预算)", row)
        return
    value = dict(zip(fields, cells))
    ordinal_raw, department, project, budget_raw = (value[f] for f in _STANDARD_FIELDS)
    budget = parse_amount(budget_raw)
    if budget is None:
        result.quarantine_line(file, line, f"summary budget {budget_raw!r} is not a number", row)
        return
    result.roles[line] = "record"
    result.records.append(SummaryRow(
        source=SourceRef(file, line), ordinal=_ordinal(ordinal_raw), ordinal_raw=ordinal_raw,
        department_name=department, project_name=project, budget=budget, budget_raw=budget_raw,
        extra={f[len("other:"):]: v for f, v in value.items() if f.startswith("other:")},
    ))


def parse_department_list(file: str, rows: list[Row]) -> TableResult:
    """Rows of the two-column list 序号 | 部门名称 (departments with a department-wide target)."""
    result = TableResult()
    for line, row in rows:
        cells = non_empty(row)
        if not cells:
            result.roles[line] = "blank"
        elif cells[0] == "序号":
            result.roles[line] = "header"
        elif len(cells) == 2 and _ordinal(cells[0]) is not None:
            result.roles[line] = "record"
            result.records.append(DepartmentListEntry(SourceRef(file, line), _ordinal(cells[0]), cells[1]))
        elif len(cells) == 1 and _ordinal(cells[0]) is None:
            result.roles[line] = "prose"
        else:
            result.quarantine_line(file, line, f"department list row has {len(cells)} cells, expected "
                                   "2 (序号, 部门名称)", row)
    return result
