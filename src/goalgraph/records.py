"""Plain typed records read from performance-target documents.

The reader (``goalgraph.read``) produces these; the converter (``goalgraph.convert``) turns them into
triples. Every record keeps where it came from (:class:`SourceRef`) and, for every normalised value,
the raw text as written, so a report can show both ("normalised OK" and "format Info").

Conventions:
- ``None`` means "blank in the source" (unknown), never zero: an explicit ``0`` is ``Decimal("0")``.
- ``*_raw`` fields hold the cell text exactly as read (tabs inside words already joined, outer
  whitespace stripped); the field without suffix holds the normalised value.
- Money is in 万元 (10k CNY) as :class:`~decimal.Decimal`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class SourceRef:
    """A span of 1-based physical lines in one input file (源行号)."""

    file: str  # the path as given to the reader
    line: int  # first line, 1-based (for PDF/Excel: the row's position in the extracted row stream)
    last_line: int | None = None  # last line when the record spans several lines
    locator: str | None = None  # where in a PDF/workbook: "p3 r12" (page, table row), "Sheet1!A5:J5"

    @property
    def lines(self) -> range:
        return range(self.line, (self.last_line or self.line) + 1)

    def __str__(self) -> str:
        if self.locator:
            return f"{self.file}:{self.locator}"
        if self.last_line and self.last_line != self.line:
            return f"{self.file}:{self.line}-{self.last_line}"
        return f"{self.file}:{self.line}"


@dataclass
class CodedName:
    """A cell like ``[310]青州市交通运输局``: an optional code and a name."""

    raw: str
    code: str | None  # "205", "205000"; None when the cell has no [code]
    name: str  # the name with the code (and brackets) removed


# ---------------------------------------------------------------------------------------------
# Summary table (报人大项目汇总表) and the department overview list


@dataclass
class SummaryRow:
    """One row of the summary table: 序号, 部门名称, 项目名称, 项目预算（万元）."""

    source: SourceRef
    ordinal: int | None
    ordinal_raw: str
    department_name: str
    project_name: str
    budget: Decimal | None  # 万元
    budget_raw: str
    extra: dict[str, str] = field(default_factory=dict)  # further columns (备注 …) by header label


@dataclass
class DepartmentListEntry:
    """One row of the list of departments with a department-wide target (部门整体绩效目标)."""

    source: SourceRef
    ordinal: int | None
    name: str


# ---------------------------------------------------------------------------------------------
# Project sheets (项目支出绩效目标表)


@dataclass
class SpendingMilestone:
    """One cell of the cumulative spending plan (资金支出计划（累计支出金额）)."""

    source: SourceRef  # the line holding the amount
    month: int  # 3, 6, 10, 12 … (from "3月底")
    month_raw: str  # "3月底", "3 月底"
    amount: Decimal | None  # cumulative, 万元; None = blank (unknown, not zero)
    amount_raw: str  # "2384.2万元", "", "0"


@dataclass
class Goal:
    """One annual performance goal (年度绩效目标 / 目标N)."""

    source: SourceRef
    ordinal: int  # 1-based, from the label ("目标 2") or the position
    label_raw: str  # "目标 1", "目标1", "" when the text carries no label
    text: str  # content with template labels ("目标内容1：") and markup stripped
    text_raw: str  # the cells as written, joined with a single space
    row_label: str  # the row label as written: "年度绩效目标", "提高效率目标", …


@dataclass
class Indicator:
    """One indicator row (三级指标) of a project sheet, with its target, basis and scoring."""

    source: SourceRef
    ordinal: int  # 1-based position within the sheet
    # Category levels. ``*_raw`` is the cell as written ("" when the cell is empty); the normalised
    # value is the canonical label ("产出指标", "社会效益指标", …) after forward-filling within the
    # table, or inferring level 1 from level 2 when the level-1 cell is missing.
    level1_raw: str
    level1: str | None
    level1_filled: bool  # True when level1 came from a previous row or from level 2
    level2_raw: str
    level2: str | None
    level2_filled: bool
    name: str  # 三级指标, as written (numbering like "1. " kept)
    description: str | None  # 绩效指标描述（指标内容） / 指标说明
    # Target (指标值)
    operator_raw: str  # ">=", "≥", "文字描述", ""
    operator: str | None  # one of "≥", "≤", "=", ">", "<", "qualitative"; None when missing
    value_raw: str  # "2,200,000.00", ""
    value: Decimal | None
    unit_raw: str  # "百分比", "万平方米", ""
    unit: str | None  # normalised: "%", "万元", "万平方米", … (None when no unit)
    qualitative_target: str | None  # "有效", "匹配", "2022 年 12 月 21 日前" …
    basis: str | None  # 指标确定依据, as written
    scoring: str | None  # 评（扣）分标准, as written
    weight: Decimal | None  # points parsed from the scoring text ("20分", "满分 7.5 分", "10，…")


@dataclass
class ProjectSheet:
    """One project performance-target table (项目支出绩效目标表)."""

    source: SourceRef  # heading line … last row of the table
    heading: str  # "现代产业集群+人工智能年度目标（2022）"
    heading_name: str  # the project name from the heading: "现代产业集群+人工智能"
    year: int | None  # budget year from the heading ("（2022）") or the code
    code_label: str  # "项目编码及名称" / "项目编号及名称" as written
    code_raw: str  # the whole code cell: "[37078122P000000000001]道路养护"
    code: str | None  # "37078122P000000000001"
    name: str  # the name from the code cell ("" when the cell has none)
    department: CodedName  # 主管部门
    unit: CodedName  # 项目单位
    annual_budget_label: str  # "年度资金总额（万元）" as written
    annual_budget_raw: str
    annual_budget: Decimal | None  # 万元
    funding_purpose: str | None  # 资金用途
    milestones: list[SpendingMilestone] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Department duty → activity tables (部门职能职责活动列表)


@dataclass
class GradeCriteria:
    """The four grade texts of an indicator (指标评价标准 优/良/中/差); None when the cell is missing."""

    excellent: str | None  # 优
    good: str | None  # 良
    fair: str | None  # 中
    poor: str | None  # 差


@dataclass
class Duty:
    """A duty (职责) of a department."""

    source: SourceRef
    department_code: str | None
    code: str  # "01"
    name: str | None  # 职责名称
    description: str | None  # 职责描述
    objective: str | None  # 职责目标


@dataclass
class Activity:
    """An activity (活动) with its goal, indicator and grade criteria."""

    source: SourceRef
    row_number_raw: str  # 序号 as written ("194", "1015", "" …)
    department_code: str | None
    duty_code: str | None  # first two digits of the activity code (linked by prefix, not row order)
    code: str | None  # "0101"; None when the row has content but no code
    name: str | None  # 活动名称
    description: str | None  # 活动描述
    budget_year_raw: str
    budget_year: int | None  # 预算年度
    goal: str | None  # 绩效目标
    indicator: str | None  # 绩效指标 (an indicator name)
    indicator_description: str | None  # 指标描述
    grades: GradeCriteria
    realigned: bool = False  # True when cells were moved back into their columns by pattern
    unread_cells: list[str] = field(default_factory=list)  # cells the reader could not place (a 5th grade cell …)


@dataclass
class DepartmentTable:
    """The duty → activity table of one department (部门职能职责活动列表)."""

    source: SourceRef  # title line … last row
    title: str  # "青州市交通运输局部门职能职责活动列表"
    department_code: str | None  # "205"
    department_name: str  # "青州市交通运输局"
    duties: list[Duty] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# The document and its line accounting


@dataclass
class Quarantined:
    """A line that could not be read into a record, with the reason."""

    source: SourceRef
    reason: str
    text: str


#: Roles a physical line can play; every line of a document gets exactly one.
LINE_ROLES = ("blank", "heading", "prose", "header", "record", "quarantined")


@dataclass
class Document:
    """Everything read from one input file."""

    path: str
    sha256: str
    encoding: str  # "utf-8", "gb18030", …
    line_count: int
    title: str | None  # first non-blank line, e.g. "2022 年预算项目支出绩效目标情况说明"
    year: int | None  # budget year of the document
    summary: list[SummaryRow] = field(default_factory=list)
    department_list: list[DepartmentListEntry] = field(default_factory=list)
    projects: list[ProjectSheet] = field(default_factory=list)
    departments: list[DepartmentTable] = field(default_factory=list)
    quarantine: list[Quarantined] = field(default_factory=list)
    #: line number → role (one of LINE_ROLES); covers every line 1..line_count
    line_roles: dict[int, str] = field(default_factory=dict)
    #: line number → the raw line text (without the newline), for provenance quotes
    lines: list[str] = field(default_factory=list, repr=False)

    def role_counts(self) -> dict[str, int]:
        counts = {role: 0 for role in LINE_ROLES}
        for role in self.line_roles.values():
            counts[role] += 1
        return counts
