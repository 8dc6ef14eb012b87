"""Project sheets (项目支出绩效目标表): header fields, spending plan, goals and indicator rows.

A sheet is read row by row. Rows are recognised by content, not by line position:

- field rows carry labels (项目编码及名称, 主管部门, 项目单位, 年度资金总额, 资金用途) anywhere in the
  row, each followed by its value in the next non-empty cell;
- the spending plan (资金支出计划) header names months in some columns; the next row holds the
  cumulative amounts, matched to months by COLUMN (a blank cell is unknown, an explicit 0 is zero);
- goal rows start with a row label containing 目标 (年度绩效目标, 提高效率目标 …) and continue on rows
  whose first cell is empty, up to the indicator header;
- the indicator header starts with 一级指标; an optional sub-header names 符号/值/单位;
- indicator rows are split around the operator cell (≥, =, 文字描述 …); cells before it are levels,
  name and description, cells after it are classified by content (number, unit, text target,
  basis, score).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from goalgraph import vocab
from goalgraph.read.normalize import (
    parse_amount, parse_coded_name, parse_month, parse_number, parse_project_code, parse_weight,
    split_value_unit, strip_markup, year_from_project_code,
)
from goalgraph.read.text import Row, is_blank, is_one_cell, non_empty
from goalgraph.records import (
    CodedName, Goal, Indicator, ProjectSheet, Quarantined, SourceRef, SpendingMilestone,
)

# -- labels of the sheet header -------------------------------------------------------------------
_FIELD_LABELS = (
    ("code", re.compile(r"^项目(编码|编号|代码)")),
    ("department", re.compile(r"^主管部门")),
    ("unit", re.compile(r"^项目单位")),
    ("budget", re.compile(r"^年度资金总额")),
    ("purpose", re.compile(r"^资金用途")),
    ("plan", re.compile(r"^资金支出计划")),
)


def field_label(cell: str) -> str | None:
    """The field a header label cell names ("code", "department" …), or None."""
    key = vocab.fold(cell)
    for name, pattern in _FIELD_LABELS:
        if pattern.match(key):
            return name
    return None


def is_goal_label_row(row: list[str]) -> bool:
    """年度绩效目标 / 提高效率目标 / 绩效目标 …: a row label with 目标 but not 指标."""
    key = vocab.fold(row[0]) if row else ""
    return "目标" in key and "指标" not in key and len(key) <= 12


def is_indicator_header(row: list[str]) -> bool:
    return bool(row) and vocab.fold(row[0]) == "一级指标"


def is_indicator_subheader(row: list[str]) -> bool:
    keys = {vocab.fold(c) for c in row if c}
    return "符号" in keys or ("值" in keys and "单位" in " ".join(keys))


@dataclass
class SheetResult:
    sheet: ProjectSheet | None
    roles: dict[int, str]
    quarantine: list[Quarantined] = field(default_factory=list)


@dataclass
class _Columns:
    """Column positions named by the indicator header (fallbacks only: cells are read by content)."""

    operator: int | None = None
    basis: int | None = None


@dataclass
class _Field:
    line: int
    label: str
    value: str


class _SheetReader:
    def __init__(self, file: str, heading_line: int | None, heading: str):
        self.file, self.heading_line, self.heading = file, heading_line, heading
        self.roles: dict[int, str] = {}
        self.quarantine: list[Quarantined] = []
        self.fields: dict[str, _Field] = {}
        self.plan_header: Row | None = None
        self.plan_values: Row | None = None
        self.goal_rows: list[Row] = []
        self.columns = _Columns()
        self.indicators: list[Indicator] = []
        self.level1: vocab.Concept | None = None
        self.level2: vocab.Concept | None = None
        self.phase = "fields"  # fields → plan → goals → indicators

    # -- row dispatch ------------------------------------------------------------------------------
    def read(self, rows: list[Row]) -> SheetResult:
        if self.heading_line:
            self.roles[self.heading_line] = "heading"
        for line, row in rows:
            self.dispatch(line, row)
        return self.finish(rows)

    def dispatch(self, line: int, row: list[str]) -> None:
        if is_blank(row):
            self.roles[line] = "blank"
        elif self.phase != "indicators" and any(field_label(c) for c in row):
            self.field_row(line, row)
        elif self.phase == "plan" and self.plan_months_missing() and _month_cells(row):
            self.plan_header = (line, row)  # months on the row under the label
            self.roles[line] = "header"
        elif self.phase == "plan" and not is_goal_label_row(row) and not is_indicator_header(row):
            self.plan_values = (line, row)
            self.roles[line] = "record"
            self.phase = "fields"
        elif is_indicator_header(row):
            self.header_row(line, row)
        elif self.phase == "indicators" and is_indicator_subheader(row):
            self.subheader_row(line, row)
        elif self.phase == "indicators" and len(non_empty(row)) >= 2:
            self.indicator_row(line, row)
        elif self.phase != "indicators" and is_goal_label_row(row):
            self.goal_rows.append((line, row))
            self.roles[line] = "record"
            self.phase = "goals"
        elif self.phase == "goals" and not row[0]:
            self.goal_rows.append((line, row))
            self.roles[line] = "record"
        elif is_one_cell(row):
            self.roles[line] = "prose"
        else:
            self.reject(line, row, f"unexpected row in project sheet ({self.phase} part)")

    def reject(self, line: int, row: list[str], reason: str) -> None:
        self.roles[line] = "quarantined"
        self.quarantine.append(Quarantined(SourceRef(self.file, line), reason, "\t".join(row)))

    # -- header fields and spending plan -----------------------------------------------------------
    def field_row(self, line: int, row: list[str]) -> None:
        self.roles[line] = "record"
        for i, cell in enumerate(row):
            name = field_label(cell)
            if name is None:
                continue
            if name == "plan":
                self.plan_header = (line, row)
                self.roles[line] = "header"
                self.phase = "plan"
            elif name == "purpose":
                self.fields[name] = _Field(line, cell, " ".join(_values_after(row, i)))
            else:
                values = _values_after(row, i)
                self.fields[name] = _Field(line, cell, values[0] if values else "")

    def plan_months_missing(self) -> bool:
        return self.plan_header is not None and not _month_cells(self.plan_header[1])

    def milestones(self) -> list[SpendingMilestone]:
        if self.plan_header is None:
            return []
        header_line, header = self.plan_header
        months = _month_cells(header)
        line, values = self.plan_values or (header_line, [])
        by_col = _match_columns([col for col, _, _ in months], values)
        return [
            SpendingMilestone(SourceRef(self.file, line), month, raw, parse_amount(by_col.get(col, "")),
                              by_col.get(col, ""))
            for col, month, raw in months
        ]

    # -- goals -------------------------------------------------------------------------------------
    def goals(self) -> list[Goal]:
        return assemble_goals(self.file, self.goal_rows)

    # -- indicators --------------------------------------------------------------------------------
    def header_row(self, line: int, row: list[str]) -> None:
        self.roles[line] = "header"
        self.phase = "indicators"
        for col, cell in enumerate(row):
            key = vocab.fold(cell)
            if "指标值" in key and self.columns.operator is None:
                self.columns.operator = col
            if "依据" in key:
                self.columns.basis = col

    def subheader_row(self, line: int, row: list[str]) -> None:
        self.roles[line] = "header"
        for col, cell in enumerate(row):
            if vocab.fold(cell) == "符号":
                self.columns.operator = col

    def indicator_row(self, line: int, row: list[str]) -> None:
        parsed = parse_indicator_row(row, self.columns)
        if isinstance(parsed, str):
            self.reject(line, row, parsed)
            return
        self.fill_levels(parsed)
        parsed.source = SourceRef(self.file, line)
        parsed.ordinal = len(self.indicators) + 1
        self.indicators.append(parsed)
        self.roles[line] = "record"

    def fill_levels(self, ind: Indicator) -> None:
        """Forward-fill level 1/2 within this table; infer level 1 from level 2's parent when the
        level-1 cell is empty and the inherited class is not level 2's parent (R14/R15)."""
        l1 = vocab.category(ind.level1_raw)
        l2 = vocab.category(ind.level2_raw)
        if l1 is not None:
            self.level1 = l1
            if self.level2 is not None and vocab.parent(self.level2) != l1:
                self.level2 = None  # a new level-1 block does not inherit the old level 2
        if l2 is not None:
            self.level2 = l2
        if l1 is None and self.level2 is not None and vocab.parent(self.level2) != self.level1:
            self.level1 = vocab.parent(self.level2)
        ind.level1 = self.level1.zh if self.level1 else None
        ind.level1_filled = l1 is None and self.level1 is not None
        ind.level2 = self.level2.zh if self.level2 else None
        ind.level2_filled = l2 is None and self.level2 is not None

    # -- the sheet ---------------------------------------------------------------------------------
    def finish(self, rows: list[Row]) -> SheetResult:
        if not self.indicators:
            return self.cut_off(rows)
        code_field = self.fields.get("code", _Field(0, "", ""))
        code, name = parse_project_code(code_field.value)
        budget_field = self.fields.get("budget", _Field(0, "", ""))
        purpose = self.fields.get("purpose")
        lines = [ln for ln, _ in rows] + ([self.heading_line] if self.heading_line else [])
        last = max(ln for ln, role in self.roles.items() if role != "blank")
        sheet = ProjectSheet(
            source=SourceRef(self.file, min(lines), last),
            heading=self.heading,
            heading_name=heading_name(self.heading),
            year=heading_year(self.heading) or year_from_project_code(code),
            code_label=code_field.label,
            code_raw=code_field.value,
            code=code,
            name=name,
            department=self._coded("department"),
            unit=self._coded("unit"),
            annual_budget_label=budget_field.label,
            annual_budget_raw=budget_field.value,
            annual_budget=parse_amount(budget_field.value),
            funding_purpose=(purpose.value or None) if purpose else None,
            milestones=self.milestones(),
            goals=self.goals(),
            indicators=self.indicators,
        )
        return SheetResult(sheet, self.roles, self.quarantine)

    def _coded(self, name: str) -> CodedName:
        f = self.fields.get(name)
        return parse_coded_name(f.value) if f else CodedName("", None, "")

    def cut_off(self, rows: list[Row]) -> SheetResult:
        """A sheet without indicator rows (file or table cut off): quarantine all its lines."""
        reason = "project sheet cut off: no indicator rows"
        if self.phase == "indicators":
            reason = "project sheet cut off after the indicator header: no indicator rows"
        quarantine = []
        numbered = ([(self.heading_line, [self.heading])] if self.heading_line else []) + rows
        for line, row in numbered:
            if is_blank(row):
                continue
            self.roles[line] = "quarantined"
            quarantine.append(Quarantined(SourceRef(self.file, line), reason, "\t".join(row)))
        return SheetResult(None, self.roles, quarantine)


def _month_cells(row: list[str]) -> list[tuple[int, int, str]]:
    """(column, month, text) of the month labels in a row ("3月底" …)."""
    return [(col, parse_month(c), c) for col, c in enumerate(row) if parse_month(c)]


def _values_after(row: list[str], i: int) -> list[str]:
    """Non-empty cells after label *i*, up to the next label."""
    out = []
    for cell in row[i + 1 :]:
        if field_label(cell):
            break
        if cell:
            out.append(cell)
    return out


def _match_columns(month_cols: list[int], values: list[str]) -> dict[int, str]:
    """Value cells by month column. A value in a column without a month label (header spacing
    drift) goes to the nearest month column whose own cell is empty, the left one first."""
    by_col = {col: values[col] for col in month_cols if col < len(values) and values[col]}
    for col, cell in enumerate(values):
        if not cell or col in month_cols or not month_cols:
            continue
        free = [m for m in month_cols if m not in by_col]
        if free:
            best = min(free, key=lambda m: (abs(m - col), m > col))
            by_col[best] = cell
    return by_col


# -- headings ----------------------------------------------------------------------------------------
_HEADING_YEAR = re.compile(r"[（(]\s*(\d{4})\s*[)）]\s*$")
_HEADING_SUFFIX = re.compile(r"\s*(年\s*度\s*)?(目\s*标)?\s*[（(]\s*\d{4}\s*[)）]\s*$")


def heading_year(heading: str) -> int | None:
    m = _HEADING_YEAR.search(heading or "")
    return int(m.group(1)) if m else None


_SPACE_RUN = re.compile(r"\s{2,}")


def heading_name(heading: str) -> str:
    """"现代产业集群+人工智能年度目标（2022）" → "现代产业集群+人工智能"."""
    # whitespace runs collapsed first: the suffix regex backtracks cubically on long runs
    return _HEADING_SUFFIX.sub("", _SPACE_RUN.sub(" ", heading or "")).strip()


# -- goals -------------------------------------------------------------------------------------------
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_GOAL_LABEL = re.compile(r"^(目标\s*([0-9]+|[一二三四五六七八九十]))\s*[:：、.．]?\s*(.*)$", re.S)
_TEMPLATE_LABEL = re.compile(r"^目标内容\s*[0-9一二三四五六七八九十]*\s*[:：、.．]?\s*", re.S)


@dataclass
class _GoalDraft:
    first: int
    last: int
    row_label: str
    label: str = ""
    ordinal: int = 0
    pieces: list[str] = field(default_factory=list)  # content with labels stripped
    raw: list[str] = field(default_factory=list)  # cells as written

    def has_content(self) -> bool:
        return any(self.pieces)


def assemble_goals(file: str, rows: list[Row]) -> list[Goal]:
    """Goals from the goal rows: a ``目标N`` label (own cell, merged with the text, or inside
    ``<p>``) starts a goal; ``目标内容N`` template labels are stripped; a row without a label
    continues the current goal while that goal has no content yet (template row, content on the
    next row) and starts a new goal otherwise."""
    drafts: list[_GoalDraft] = []
    row_label = ""
    for line, row in rows:
        row_label = row[0] or row_label
        new_row = True
        for cell in row[1:]:
            if not cell:
                continue
            for piece in strip_markup(cell) or [cell]:
                m = _GOAL_LABEL.match(piece)
                current = drafts[-1] if drafts else None
                if m:
                    current = _GoalDraft(line, line, row_label, m.group(1), _ordinal(m.group(2)))
                    drafts.append(current)
                    piece = m.group(3)
                elif current is None or (new_row and current.has_content()):
                    current = _GoalDraft(line, line, row_label, "", len(drafts) + 1)
                    drafts.append(current)
                new_row = False
                current.last = line
                if cell not in current.raw:
                    current.raw.append(cell)
                text = _TEMPLATE_LABEL.sub("", piece).strip()
                if text:
                    current.pieces.append(text)
    return [
        Goal(SourceRef(file, d.first, d.last if d.last != d.first else None), d.ordinal or i + 1,
             d.label, " ".join(d.pieces), " ".join(d.raw), d.row_label)
        for i, d in enumerate(drafts)
    ]


def _ordinal(text: str) -> int:
    return int(text) if text.isdigit() else _CN_DIGITS.get(text, 0)


# -- indicator rows ------------------------------------------------------------------------------------
_BASIS_START = ("《", "根据", "依据", "按照", "参照")
_BASIS_WORDS = ("办法", "方案", "通知", "意见", "规定", "文件", "合同", "协议", "计划", "标准", "调查", "测算")
_SCORE_WORDS = re.compile(r"得分|扣分|不得分|满分|评分|分值|按比例|\d\s*分")
_BARE_NUMBER = re.compile(r"^\d+(\.\d+)?$")


def looks_like_basis(text: str) -> bool:
    """A basis cell (指标确定依据): a 《title》, 根据…/依据…, or a document word."""
    t = text.strip()
    return t.startswith(_BASIS_START) or any(w in t for w in _BASIS_WORDS)


def looks_like_score(text: str) -> bool:
    """A scoring cell (评（扣）分标准): a bare number, "N分", 满分/得分/扣分 …"""
    t = text.strip()
    return bool(_BARE_NUMBER.match(t) or parse_weight(t) is not None or _SCORE_WORDS.search(t))


def parse_indicator_row(row: list[str], columns: _Columns) -> Indicator | str:
    """One indicator row → an :class:`Indicator` (levels not yet filled), or a quarantine reason."""
    k = _operator_index(row)
    merged = _merged_operator(row) if k is None else None
    if merged is not None:
        k, op_raw, value = merged
        tail = [(k, value)] + list(enumerate(row))[k + 1 :]
    elif k is None:
        if columns.operator is None:
            return "indicator row without an operator cell and no 指标值 column to place it"
        k, op_raw, tail = columns.operator, "", list(enumerate(row))[columns.operator :]
    else:
        op_raw, tail = row[k], list(enumerate(row))[k + 1 :]
    level1_raw, level2_raw, texts = _split_prefix(row[:k])
    if not texts:
        return "indicator row without a name (三级指标)"
    tail = [(col, c) for col, c in tail if c]
    if not tail and not op_raw:
        return "indicator row cut off: no target, basis or scoring"
    concept = vocab.operator(op_raw)
    ind = Indicator(
        source=SourceRef("", 0), ordinal=0, level1_raw=level1_raw, level1=None, level1_filled=False,
        level2_raw=level2_raw, level2=None, level2_filled=False, name=texts[0],
        description=" ".join(texts[1:]) or None, operator_raw=op_raw,
        operator=vocab.operator_symbol(concept) if concept else None, value_raw="", value=None,
        unit_raw="", unit=None, qualitative_target=None, basis=None, scoring=None, weight=None,
    )
    qualitative = concept.slug == "qualitative" if concept else not _starts_with_number(tail)
    if qualitative:
        _read_qualitative_tail(ind, tail, columns)
    else:
        _read_quantitative_tail(ind, tail)
    ind.weight = parse_weight(ind.scoring)
    return ind


_MERGED_OPERATOR = re.compile(r"^(>=|<=|≥|≤|≧|≦|＞＝|＜＝|==|=|＝|>|<|＞|＜)\s*(\d[\d,]*(\.\d+)?\s*\S{0,6})$")


def _merged_operator(row: list[str]) -> tuple[int, str, str] | None:
    """An operator written together with its value in one cell ("≥90", ">= 95%"): (column,
    operator, value text)."""
    for i, cell in enumerate(row[2:], start=2):
        m = _MERGED_OPERATOR.match(cell)
        if m:
            return i, m.group(1), m.group(2).strip()
    return None


def _operator_index(row: list[str]) -> int | None:
    for i, cell in enumerate(row[1:], start=1):
        if cell and vocab.operator(cell) is not None:
            return i
    return None


def _split_prefix(prefix: list[str]) -> tuple[str, str, list[str]]:
    """Level 1, level 2 and the remaining texts (name, description) of the cells before the
    operator. Leading cells are levels only when they are categories (or empty): level 2 may sit in
    column 0 when the level-1 cell is missing, and level 3 in column 1 when both are."""
    level1 = level2 = ""
    consumed = 0
    for cell in prefix[:2]:
        concept = vocab.category(cell) if cell else None
        if cell and concept is None:
            break
        if concept is not None and concept.level == 1 and not level1 and not level2:
            level1 = cell
        elif concept is not None and concept.level == 2 and not level2:
            level2 = cell
        elif concept is not None:
            break
        consumed += 1
    return level1, level2, non_empty(prefix[consumed:])


def _starts_with_number(tail: list[tuple[int, str]]) -> bool:
    """Without an operator cell: is the first cell a number ("100", "95%"), not a date or score?"""
    if not tail or looks_like_score(tail[0][1]):
        return False
    value, unit = split_value_unit(tail[0][1])
    return value is not None and not re.search(r"\d", unit) and len(unit) <= 4


def _is_unit_cell(rest: list[tuple[int, str]], vcol: int) -> bool:
    """Is the first remaining cell the unit? Right after the value when unit-like; one column
    further (a blank or merged cell between) only when it is a known unit or a basis still follows."""
    col, text = rest[0]
    if col == vcol + 1:
        return _looks_like_unit(text)
    if col == vcol + 2 and _looks_like_unit(text):
        later = [c for _, c in rest[1:] if not looks_like_score(c)]
        return vocab.unit(text) is not None or bool(later)
    return False


def _looks_like_unit(text: str) -> bool:
    """A unit cell: short, no digits, not a basis ("合同", "文件" are bases, not units)."""
    return len(text) <= 8 and not re.search(r"\d", text) and not looks_like_basis(text)


def _pop_scoring(texts: list[tuple[int, str]]) -> str | None:
    if texts and looks_like_score(texts[-1][1]):
        return texts.pop()[1]
    return None


def _read_quantitative_tail(ind: Indicator, tail: list[tuple[int, str]]) -> None:
    """符号 | 值 | 单位 | 依据 | 评分: the value is the first cell, the unit the cell right after it
    (by column: a blank unit cell is no unit), then basis and scoring."""
    rest = list(tail)
    if rest and not (looks_like_basis(rest[0][1]) and parse_number(rest[0][1]) is None):
        vcol, ind.value_raw = rest.pop(0)
        ind.value = parse_number(ind.value_raw)
        unit_inline = ""
        if ind.value is None:
            ind.value, unit_inline = split_value_unit(ind.value_raw)
        if unit_inline:
            ind.unit_raw = unit_inline
        elif rest and _is_unit_cell(rest, vcol):
            ind.unit_raw = rest.pop(0)[1]
    ind.unit = _normalize_unit(ind)
    ind.scoring = _pop_scoring(rest)
    ind.basis = " ".join(c for _, c in rest) or None


def _read_qualitative_tail(ind: Indicator, tail: list[tuple[int, str]], columns: _Columns) -> None:
    """文字描述 | target (+1…+3 columns on) | 依据 | 评分. Cells are classified by content: the last
    score-like cell is the scoring, the text before it the basis, and anything before that the
    target. A lone text cell is the basis when it looks like one or sits in the 依据 column."""
    rest = list(tail)
    ind.scoring = _pop_scoring(rest)
    if len(rest) >= 2:
        ind.qualitative_target = " ".join(c for _, c in rest[:-1])
        ind.basis = rest[-1][1]
    elif rest:
        col, text = rest[0]
        in_basis_column = columns.basis is not None and col >= columns.basis
        if looks_like_basis(text) or in_basis_column:
            ind.basis = text
        else:
            ind.qualitative_target = text


_MONEY_HINTS = ("元", "金额", "资金", "补助", "补贴", "费", "投资", "预算")


def _normalize_unit(ind: Indicator) -> str | None:
    """vocab.normalize_unit, plus R24: a bare 万 in a money context (成本 or a money word in the
    name/description) means 万元; the raw text is kept in unit_raw."""
    unit = vocab.normalize_unit(ind.unit_raw)
    if unit == "万":
        context = f"{ind.level2_raw}{ind.name}{ind.description or ''}"
        if "成本" in context or any(h in context for h in _MONEY_HINTS):
            return "万元"
    return unit


def parse_project_sheet(file: str, heading_line: int | None, heading: str, rows: list[Row]) -> SheetResult:
    """Read one project sheet: *rows* are every line after the heading up to the next section."""
    return _SheetReader(file, heading_line, heading).read(rows)
