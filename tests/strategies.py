"""Hypothesis strategies for random performance-target documents, and a renderer into the seed's
tab-separated text layout (what ``goalgraph.read.read_document`` reads).

A :class:`DocSpec` is the ground truth: what a document *means* (codes, names, amounts, the
spending plan with blank ≠ 0, goals, indicators with operators/values/units/weights). :func:`render`
writes it the way PDF extraction writes such documents — the layout variants of
``/work/shared/brief/HAZARDS.md`` that a reader must handle (brackets of codes, half-width
brackets, spaces in names, month-header spacing, ``3 月底``, amounts with separators and 万元,
operator spellings, 百分比, missing level-1 cells, qualitative targets shifted +1…+3 columns, an
extra blank cell before 文字描述, blank description/basis/score cells …) — and returns, for every
physical line, the role the reader must give it. The expected normalised values are written out
here explicitly (:data:`OPERATORS`, :data:`UNITS`, :data:`SCORES`), never computed with the
reader's own vocabulary, so a test compares the reader against an independent truth.

Only *unambiguous* variants are generated: where a human could not tell two readings apart either
(a lone text cell in the basis column with no basis; a bare number target with no operator), the
generator does not produce it. Such cases belong to fixtures with a documented decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from hypothesis import strategies as st

# -- vocabulary of the generator ---------------------------------------------------------------------

#: CJK characters for names and free text. Excluded on purpose: characters that start labels or
#: categories (目 标 指 项 主 年 资 产 出 数 量 质 时 效 成 本 益 满 意 定), basis words (办 方 通 文 合 协 计
#: 调 测 准 规 依 按 参 根), score words (分 得 扣 评 比), 号/令 (document numbers), 描述 (文字描述).
NAME_CHARS = "安平宁康泰华兴昌明德盛和丰瑞嘉青云海川林阳江山东西南北城乡道路桥水环境治理服务中心建设运维补贴保障设施教育卫生化体农业交公共绿色港湾"
FREE_CHARS = NAME_CHARS + "，、的与对了在为"

#: operator as written → normalised record form
OPERATORS = {
    "≥": "≥", ">=": "≥", "≧": "≥", "＞＝": "≥", "›=": "≥",
    "≤": "≤", "<=": "≤", "≦": "≤", "＜＝": "≤", "‹=": "≤",
    "=": "=", "＝": "=", "==": "=",
    ">": ">", "＞": ">", "<": "<", "＜": "<",
}
QUALITATIVE_OPERATORS = ["文字描述", "定性"]

#: unit as written → normalised unit ("" = no unit cell → None)
UNITS = {
    "%": "%", "百分比": "%", "百分之": "%", "％": "%", "万元": "万元", "元": "元", "个": "个", "人": "人",
    "家": "家", "户": "户", "万平方米": "万平方米", "平方米": "平方米", "元/平方米": "元/平方米",
    "万元/座": "万元/座", "亩": "亩", "天": "天", "": None,
}

#: scoring cell → weight (template; {w} is the weight)
SCORES = [
    ("{w}分", True), ("满分{w}分", True), ("{w}，完成90%得8分，70%以下不得分", True), ("{w}", True),
    ("{w} 分", True), ("完成得分，未完成按比例扣分，满分 {w} 分。", True), ("", False),
]

QUALITATIVE_TARGETS = ["有效", "匹配", "持续提升", "及时", "规范", "显著提升", "逐步改善", "持续有效"]

#: level-1 categories: canonical name → spellings; level-2: canonical → (spellings, parent)
LEVEL1 = {"产出指标": ["产出指标", "产出"], "效益指标": ["效益指标", "效益"], "满意度指标": ["满意度指标", "满意度"]}
LEVEL2 = {
    "数量指标": (["数量指标", "数量"], "产出指标"), "质量指标": (["质量指标", "质量"], "产出指标"),
    "时效指标": (["时效指标", "时效"], "产出指标"), "成本指标": (["成本指标", "成本"], "产出指标"),
    "经济效益指标": (["经济效益指标", "经济效益"], "效益指标"),
    "社会效益指标": (["社会效益指标", "社会效益"], "效益指标"),
    "生态效益指标": (["生态效益指标", "生态效益"], "效益指标"),
    "可持续影响指标": (["可持续影响指标", "可持续影响"], "效益指标"),
    "服务对象满意度指标": (["服务对象满意度指标", "服务对象满意度"], "满意度指标"),
}

#: bracket styles of the year in a 文号
DOC_NUMBER_BRACKETS = [("〔", "〕"), ("[", "]"), ("【", "】"), ("（", "）"), ("(", ")"), ("［", "］")]
ISSUERS = ["烟财预", "烟政办发", "鲁财绩", "财预", "烟人社字", "青政发"]

INDICATOR_HEADER = ["一级指标", "二级指标", "三级指标", "绩效指标描述（指标内容）", "指标值", "", "",
                    "指标确定依据", "评（扣）分标准", ""]
INDICATOR_HEADER_HALF = ["一级指标", "二级指标", "三级指标", "绩效指标描述(指标内容)", "指标值", "", "",
                         "指标确定依据", "评(扣)分标准"]
SUBHEADER = ["", "", "", "", "符号", "值", "单位（文字描述）", "", "", ""]
BASIS_COLUMN = 7  # the 指标确定依据 column of the header above


# -- the ground truth ----------------------------------------------------------------------------------

@dataclass
class IndicatorSpec:
    level2: str  # canonical level-2 category
    name: str
    description: str  # "" = blank cell
    qualitative: bool
    operator_raw: str  # as written ("" = no operator cell)
    operator: str | None  # expected normalised
    value_raw: str
    value: Decimal | None
    unit_raw: str
    unit: str | None
    target: str | None  # qualitative target
    basis: str | None
    scoring: str | None
    weight: Decimal | None
    # layout
    level1_spelling: str
    level2_spelling: str
    shift: int = 1  # qualitative: target this many columns after the operator cell
    blank_before_operator: bool = False
    layout: str = "normal"  # "normal" | "level2_first" (level-1 cell lost) | "level3_second" (both lost)
    value_style: str = "separate"  # "separate" | "merged_operator" ("≥90" in one cell) | "inline_unit" ("95%")


@dataclass
class PlanSpec:
    months: list[tuple[int, str]]  # (month, label as written)
    amounts: list[tuple[Decimal | None, str]]  # (value, raw); None = blank cell
    gap: int  # empty cells between month columns


@dataclass
class GoalSpec:
    text: str
    style: str  # "own_cell" | "merged" | "template" | "unlabelled"
    template_title: str = ""


@dataclass
class ProjectSpec:
    name: str
    heading_style: str  # "full" | "half" | "spaced"
    year: int
    code: str
    code_style: str  # "brackets" | "space" | "brackets_space" | "lenticular" | "code_only"
    department_name: str
    department_code: str | None
    unit_name: str
    unit_code: str | None
    budget: Decimal
    budget_raw: str
    summary_budget_raw: str
    purpose: str | None
    plan: PlanSpec | None
    goal_row_label: str
    goals: list[GoalSpec]
    indicators: list[IndicatorSpec]
    half_width_header: bool = False
    with_subheader: bool = True


@dataclass
class DepartmentTableSpec:
    code: str
    name: str
    duties: list[int]  # activities per duty
    first_row_number: int


@dataclass
class DocSpec:
    year: int
    prose: list[str]
    projects: list[ProjectSpec]
    blank_in_summary: int | None  # index of a summary row preceded by a blank line
    department_list: list[str]
    department_table: DepartmentTableSpec | None
    leading_blanks: int = 2


# -- strategies --------------------------------------------------------------------------------------

def words(min_size: int = 2, max_size: int = 10, chars: str = NAME_CHARS) -> st.SearchStrategy[str]:
    """Text from ``chars`` that starts with a name character (a cell starting with ，or 、 would be
    the continuation of the previous cell in a PDF extraction, and is joined to it)."""
    first = st.sampled_from(NAME_CHARS)
    rest = st.text(st.sampled_from(chars), min_size=max(0, min_size - 1), max_size=max(0, max_size - 1))
    return st.builds(lambda a, b: a + b, first, rest)


@st.composite
def names(draw) -> str:
    """A project/department name: CJK, optionally with brackets or one inner space."""
    base = draw(words(2, 12))
    style = draw(st.sampled_from(["plain", "plain", "full_brackets", "half_brackets", "space"]))
    if style == "full_brackets":
        base = base + "（" + draw(words(2, 6)) + "）" + draw(st.sampled_from(["", draw(words(1, 4))]))
    elif style == "half_brackets":
        base = base + " (" + draw(words(2, 6)) + ")"
    elif style == "space" and len(base) >= 4:
        i = draw(st.integers(1, len(base) - 1))
        base = base[:i] + " " + base[i:]
    return base


@st.composite
def amounts(draw, low: int = 1, high: int = 50000) -> tuple[Decimal, str]:
    """(value in 万元, as written): "800", "600.00000", "2,384.20", "2384.2万元", "11046.85万"."""
    whole = draw(st.integers(low, high))
    cents = draw(st.sampled_from([None, None, draw(st.integers(1, 99))]))
    value = Decimal(whole) if cents is None else Decimal(f"{whole}.{cents:02d}")
    style = draw(st.sampled_from(["plain", "plain", "padded", "grouped", "wanyuan", "wan"]))
    text = f"{value}"
    if style == "padded":
        text = f"{value:.5f}"
    elif style == "grouped":
        text = f"{value:,}" if value >= 1000 else text
    elif style == "wanyuan":
        text += "万元"
    elif style == "wan":
        text += "万"
    return value, text


@st.composite
def doc_number_basis(draw) -> str:
    title = "《" + draw(words(3, 10)) + draw(st.sampled_from(["管理办法", "实施方案", "通知", "指导意见"])) + "》"
    if draw(st.booleans()):
        return title
    lb, rb = draw(st.sampled_from(DOC_NUMBER_BRACKETS))
    number = f"{draw(st.sampled_from(ISSUERS))}{lb}{draw(st.integers(2015, 2023))}{rb}{draw(st.integers(1, 300))}号"
    outer = draw(st.sampled_from([("（", "）"), ("(", ")")]))
    return f"{title}{outer[0]}{number}{outer[1]}"


def bases() -> st.SearchStrategy[str | None]:
    return st.one_of(
        st.just(None),
        st.sampled_from(["根据年度工作计划", "根据实际工作需要", "依据合同约定", "满意度调查", "按照工作实际测算"]),
        doc_number_basis(),
    )


@st.composite
def scorings(draw) -> tuple[str | None, Decimal | None]:
    template, has_weight = draw(st.sampled_from(SCORES))
    if not has_weight:
        return None, None
    w = draw(st.sampled_from([Decimal("5"), Decimal("10"), Decimal("20"), Decimal("7.5"), Decimal("15"), Decimal("3")]))
    text = template.format(w=w)
    return text, w


@st.composite
def indicator_values(draw) -> tuple[Decimal, str]:
    style = draw(st.sampled_from(["int", "int", "decimal", "grouped", "percent100"]))
    if style == "percent100":
        return Decimal("100"), "100"
    if style == "decimal":
        v = Decimal(f"{draw(st.integers(0, 9999))}.{draw(st.integers(1, 99)):02d}")
        return v, str(v)
    if style == "grouped":
        v = Decimal(f"{draw(st.integers(1000, 9_999_999))}.00")
        return v, f"{v:,}"
    v = Decimal(draw(st.integers(0, 100000)))
    return v, str(v)


@st.composite
def indicators(draw, level2: str) -> IndicatorSpec:
    spellings, parent = LEVEL2[level2]
    name = draw(words(2, 14))
    if draw(st.integers(0, 5)) == 0:
        name = f"{draw(st.integers(1, 9))}. {name}"  # numbered level-3 name
    description = draw(st.one_of(st.just(""), words(2, 30, FREE_CHARS)))
    basis = draw(bases())
    scoring, weight = draw(scorings())
    common = dict(level2=level2, name=name, description=description, basis=basis, scoring=scoring,
                  weight=weight, level1_spelling=draw(st.sampled_from(LEVEL1[parent])),
                  level2_spelling=draw(st.sampled_from(spellings)))
    if draw(st.integers(0, 3)) == 0:  # qualitative: 文字描述 | target (+1…+3) | basis | score
        target = draw(st.one_of(st.just(None), st.sampled_from(QUALITATIVE_TARGETS)))
        op_raw = draw(st.sampled_from(QUALITATIVE_OPERATORS + [""] if target else QUALITATIVE_OPERATORS))
        shift = draw(st.integers(1, 3)) if op_raw else draw(st.integers(1, 2))
        blank_before = bool(op_raw) and draw(st.integers(0, 4)) == 0
        return IndicatorSpec(qualitative=True, operator_raw=op_raw,
                             operator="qualitative" if op_raw else None, value_raw="", value=None,
                             unit_raw="", unit=None, target=target, shift=shift,
                             blank_before_operator=blank_before, **common)
    op_raw = draw(st.sampled_from(sorted(OPERATORS)))
    value, value_raw = draw(indicator_values())
    unit_raw = draw(st.sampled_from(sorted(UNITS)))
    return IndicatorSpec(qualitative=False, operator_raw=op_raw, operator=OPERATORS[op_raw],
                         value_raw=value_raw, value=value, unit_raw=unit_raw, unit=UNITS[unit_raw],
                         target=None, **common)


@st.composite
def plans(draw, budget: Decimal) -> PlanSpec | None:
    months = draw(st.sampled_from([[3, 6, 10, 12], [3, 6, 10, 12], [3, 6, 9, 12], [5, 9, 12], [3, 6, 10], [12]]))
    labels = [(m, draw(st.sampled_from([f"{m}月底", f"{m} 月底", f"{m}月末"]))) for m in months]
    cells = []
    for _ in months:
        kind = draw(st.sampled_from(["blank", "zero", "amount", "amount", "wanyuan"]))
        if kind == "blank":
            cells.append((None, ""))
        elif kind == "zero":
            cells.append((Decimal("0"), "0"))
        else:
            v, raw = draw(amounts(0, 20000))
            if kind == "wanyuan" and not raw.endswith("万") and not raw.endswith("万元"):
                raw += "万元"
            cells.append((v, raw))
    return PlanSpec(labels, cells, draw(st.integers(0, 2)))


@st.composite
def goal_lists(draw) -> list[GoalSpec]:
    n = draw(st.integers(1, 3))
    style = draw(st.sampled_from(["own_cell", "merged", "template", "unlabelled"]))
    if style in ("template", "unlabelled"):
        n = 1
    goals = []
    for _ in range(n):
        text = draw(words(4, 40, FREE_CHARS))
        goals.append(GoalSpec(text, style, draw(words(2, 10)) if style == "template" else ""))
    return goals


@st.composite
def projects(draw, year: int, index: int) -> ProjectSpec:
    budget, budget_raw = draw(amounts(1, 50000))
    dept_code = draw(st.sampled_from([None, str(draw(st.integers(100, 999)))]))
    unit_code = draw(st.sampled_from([None, (dept_code or "205") + f"{draw(st.integers(0, 999)):03d}"]))
    division = f"{draw(st.integers(11, 65))}0{draw(st.integers(0, 9))}00"
    digits = draw(st.integers(10, 11))
    tail = f"P{draw(st.integers(0, 10 ** digits - 1)):0{digits}d}{draw(st.sampled_from('0123456789ABKUW'))}"
    code = f"{division}{year % 100:02d}{tail}"
    n_ind = draw(st.integers(1, 8))
    level2s = draw(st.lists(st.sampled_from(sorted(LEVEL2)), min_size=n_ind, max_size=n_ind))
    inds = [draw(indicators(l2)) for l2 in level2s]
    summary_raw = str(budget.quantize(Decimal("1")))
    return ProjectSpec(
        name=draw(names()), heading_style=draw(st.sampled_from(["full", "full", "half", "spaced"])), year=year,
        code=code, code_style=draw(st.sampled_from(["brackets", "brackets", "space", "brackets_space", "lenticular",
                                                    "code_only"])),
        department_name=draw(names()), department_code=dept_code, unit_name=draw(names()), unit_code=unit_code,
        budget=budget, budget_raw=budget_raw, summary_budget_raw=summary_raw,
        purpose=draw(st.one_of(st.just(None), words(3, 30, FREE_CHARS))),
        plan=draw(st.one_of(st.just(None), plans(budget), plans(budget))),
        goal_row_label=draw(st.sampled_from(["年度绩效目标", "年度绩效目标", "提高效率目标", "绩效目标"])),
        goals=draw(goal_lists()), indicators=inds, half_width_header=draw(st.booleans()),
        with_subheader=draw(st.integers(0, 4)) > 0,
    )


@st.composite
def documents(draw, max_projects: int = 4, department_table: bool | None = None) -> DocSpec:
    year = draw(st.integers(2018, 2026))
    n = draw(st.integers(1, max_projects))
    projs = [draw(projects(year, i)) for i in range(n)]
    with_table = draw(st.booleans()) if department_table is None else department_table
    table = None
    if with_table:
        table = DepartmentTableSpec(code=str(draw(st.integers(100, 999))),
                                    name=draw(words(3, 10)) + "局",
                                    duties=draw(st.lists(st.integers(1, 3), min_size=1, max_size=4)),
                                    first_row_number=draw(st.integers(1, 500)))
    return DocSpec(
        year=year, prose=draw(st.lists(words(5, 40, FREE_CHARS), max_size=2)), projects=projs,
        blank_in_summary=draw(st.one_of(st.just(None), st.integers(1, max(1, n - 1)))) if n > 1 else None,
        department_list=draw(st.lists(names(), max_size=3)), department_table=table,
        leading_blanks=draw(st.integers(0, 2)),
    )


# -- rendering -----------------------------------------------------------------------------------------

@dataclass
class Rendered:
    text: str
    roles: list[str]  # expected role of each physical line (index 0 = line 1)
    lines_of: dict[str, list[int]] = field(default_factory=dict)  # tag → 1-based lines (for locating)


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.roles: list[str] = []
        self.tags: dict[str, list[int]] = {}

    def add(self, role: str, cells: list[str] | str, tag: str | None = None) -> None:
        self.lines.append(cells if isinstance(cells, str) else "\t".join(cells))
        self.roles.append(role)
        if tag:
            self.tags.setdefault(tag, []).append(len(self.lines))

    def blank(self, n: int = 1) -> None:
        for _ in range(n):
            self.add("blank", "")


def heading(p: ProjectSpec) -> str:
    if p.heading_style == "half":
        return f"{p.name}年度目标({p.year})"
    if p.heading_style == "spaced":
        return f"{p.name}年度 目标（{p.year}）"
    return f"{p.name}年度目标（{p.year}）"


def code_cell(p: ProjectSpec) -> str:
    return {
        "brackets": f"[{p.code}]{p.name}", "space": f"{p.code} {p.name}", "brackets_space": f"[{p.code}] {p.name}",
        "lenticular": f"【{p.code}】{p.name}", "code_only": f"[{p.code}]",
    }[p.code_style]


def expected_code_name(p: ProjectSpec) -> str:
    return "" if p.code_style == "code_only" else p.name


def coded(code: str | None, name: str) -> str:
    return f"[{code}]{name}" if code else name


def _pad(cells: list[str], width: int = 10) -> list[str]:
    return cells + [""] * max(0, width - len(cells))


def _indicator_cells(ind: IndicatorSpec, cell1: str, cell2: str) -> list[str]:
    if ind.layout == "level2_first":
        prefix = [cell2]
    elif ind.layout == "level3_second":
        prefix = [""]
    else:
        prefix = [cell1, cell2]
    prefix += [ind.name, ind.description]
    if ind.blank_before_operator:
        prefix.append("")
    if ind.qualitative:
        tail = [ind.operator_raw] + [""] * (ind.shift - 1) + [ind.target or ""]
        # the target sits ``shift`` columns after the operator; basis and score follow at once
        cells = prefix + tail + [ind.basis or "", ind.scoring or ""]
    elif ind.value_style == "merged_operator":
        cells = prefix + [ind.operator_raw + ind.value_raw, ind.unit_raw, ind.basis or "", ind.scoring or ""]
    elif ind.value_style == "inline_unit":
        cells = prefix + [ind.operator_raw, ind.value_raw + ind.unit_raw, "", ind.basis or "", ind.scoring or ""]
    else:
        cells = prefix + [ind.operator_raw, ind.value_raw, ind.unit_raw, ind.basis or "", ind.scoring or ""]
    return cells


def _fix_ambiguities(ind: IndicatorSpec, target_col: int) -> None:
    """Avoid layouts no reader can decide: a lone qualitative target in the basis column."""
    if ind.qualitative and ind.target and not ind.basis and target_col >= BASIS_COLUMN:
        ind.basis = "根据年度工作计划"


def render_project(w: _Writer, p: ProjectSpec, k: int) -> None:
    w.add("heading", heading(p), tag=f"p{k}:heading")
    w.blank()
    w.add("record", _pad(["项目编码及名称", code_cell(p), "", "主管部门", coded(p.department_code, p.department_name)]))
    w.add("record", _pad(["项目单位", coded(p.unit_code, p.unit_name), "",
                          "年度资金总额(万元)" if p.half_width_header else "年度资金总额（万元）", p.budget_raw]))
    if p.purpose is not None:
        w.add("record", _pad(["资金用途", p.purpose]))
    if p.plan is not None:
        step = p.plan.gap + 1
        header = ["资金支出计划（累计支出金额）"]
        values = [""]
        for (_, label), (_, raw) in zip(p.plan.months, p.plan.amounts):
            header += [label] + [""] * p.plan.gap
            values += [raw] + [""] * p.plan.gap
        assert len(header) == 1 + step * len(p.plan.months)
        w.add("header", _pad(header))
        any_value = any(raw for _, raw in p.plan.amounts)
        w.add("record" if any_value else "blank", _pad(values), tag=f"p{k}:plan")
    for g, goal in enumerate(p.goals, 1):
        label = p.goal_row_label if g == 1 else ""
        if goal.style == "own_cell":
            w.add("record", _pad([label, f"目标 {g}" if g % 2 else f"目标{g}", goal.text]))
        elif goal.style == "merged":
            w.add("record", _pad([label, f"目标{g} {goal.text}"]))
        elif goal.style == "template":
            w.add("record", _pad([label, f"目标{g}", f"目标内容{g}"]))
            w.add("record", _pad(["", goal.template_title, goal.text]))
        else:
            w.add("record", _pad([label, goal.text]))
    w.add("header", INDICATOR_HEADER_HALF if p.half_width_header else INDICATOR_HEADER)
    if p.with_subheader:
        w.add("header", SUBHEADER)
    prev1 = prev2 = None
    for j, ind in enumerate(p.indicators):
        parent = LEVEL2[ind.level2][1]
        cell1 = ind.level1_spelling if parent != prev1 else ""
        cell2 = ind.level2_spelling if (ind.level2 != prev2 or cell1) else ""
        if ind.layout == "level2_first" and not cell2:
            ind.layout = "normal"
        if ind.layout == "level3_second" and (cell1 or cell2):
            ind.layout = "normal"
        if not ind.operator_raw and ind.layout != "normal":
            ind.layout = "normal"  # no operator: the reader places cells by the 指标值 column
        op_col = {"normal": 4, "level2_first": 3, "level3_second": 3}[ind.layout] + ind.blank_before_operator
        _fix_ambiguities(ind, op_col + ind.shift)
        w.add("record", _pad(_indicator_cells(ind, cell1, cell2)), tag=f"p{k}:ind{j}")
        prev1, prev2 = parent, ind.level2
    w.blank()


def render_department_table(w: _Writer, t: DepartmentTableSpec, year: int) -> None:
    full = t.name
    w.add("heading", f"{full}部门职能职责活动列表")
    w.blank()
    w.add("header", ["序号", "部门编码", "部门名称", "职责编码", "职责名称", "职责描述", "职责目标", "活动编码", "活动名称",
                     "活动描述", "预算年度", "绩效目标", "绩效指标", "指标描述", "指标评价标准", "", "", ""])
    w.add("header", ["栏次", *map(str, range(1, 14)), "优", "良", "中", "差"])
    row_no = t.first_row_number
    grades = ["完成率100%", "完成率小于100%,大于等于95%", "完成率小于95%,大于等于90%", "完成率小于90%"]
    for d, n_act in enumerate(t.duties, 1):
        for a in range(1, n_act + 1):
            duty = [f"职责{d}", f"负责第{d}项职责", f"完成第{d}项职责年度目标"] if a == 1 else ["", "", ""]
            w.add("record", [str(row_no), t.code if a == 1 else "", full if a == 1 else "", f"{d:02d}" if a == 1 else "",
                             *duty, f"{d:02d}{a:02d}", f"活动{d}-{a}", f"开展第{d}-{a}项活动", str(year),
                             f"按时完成活动{d}-{a}", "完成率", f"活动{d}-{a}完成情况", *grades])
            row_no += 1
    w.blank()


def render(doc: DocSpec) -> Rendered:
    """The document as tab-separated text, with the expected role of every line."""
    w = _Writer()
    w.blank(doc.leading_blanks)
    w.add("heading", f"{doc.year} 年预算项目支出绩效目标情况说明")
    for p in doc.prose:
        w.blank()
        w.add("prose", p)
    w.blank()
    w.add("heading", f"{doc.year} 年市级报人大项目绩效目标")
    w.blank()
    w.add("header", ["序号", "部门名称", "项目名称", "项目预算 (万元)"])
    for k, p in enumerate(doc.projects, 1):
        if doc.blank_in_summary == k - 1:
            w.blank()
        w.add("record", [str(k), p.department_name, p.name, p.summary_budget_raw], tag=f"s{k}")
    w.blank()
    for k, p in enumerate(doc.projects):
        render_project(w, p, k)
    if doc.department_list:
        w.add("heading", f"{doc.year} 年市级报人大部门整体绩效目标")
        w.blank()
        w.add("header", ["序号", "部门名称"])
        for k, name in enumerate(doc.department_list, 1):
            w.add("record", [str(k), name])
        w.blank()
    if doc.department_table is not None:
        render_department_table(w, doc.department_table, doc.year)
    return Rendered("\n".join(w.lines) + "\n", w.roles, w.tags)


# -- layout variants drawn per indicator (kept separate so shrinking stays readable) ------------------

@st.composite
def documents_with_layouts(draw, **kwargs) -> DocSpec:
    """:func:`documents` plus per-row layout variants (level-1 cell lost, level 3 in column 1)."""
    doc = draw(documents(**kwargs))
    for p in doc.projects:
        for ind in p.indicators:
            ind.layout = draw(st.sampled_from(["normal", "normal", "normal", "level2_first", "level3_second"]))
            if not ind.qualitative:
                ind.value_style = draw(st.sampled_from(["separate", "separate", "merged_operator", "inline_unit"]))
                if ind.value_style == "merged_operator" and ind.operator_raw not in MERGEABLE_OPERATORS:
                    ind.value_style = "separate"
                if ind.value_style == "inline_unit" and not ind.unit_raw:
                    ind.value_style = "separate"
    return doc


#: operators the reader recognises when written together with the value ("≥90")
MERGEABLE_OPERATORS = {">=", "<=", "≥", "≤", "≧", "≦", "＞＝", "＜＝", "==", "=", "＝", ">", "<", "＞", "＜"}
