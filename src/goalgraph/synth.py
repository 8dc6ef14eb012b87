"""Synthetic performance-target documents in the seed's text layout, for scale tests and round trips.

``write_corpus(out, governments=N, projects_per_gov=M, seed=S)`` writes one ``.txt`` document per
government: a summary table, M project sheets, a department overview list and one department
duty → activity table. The layout is the tab-separated PDF text extraction goalgraph reads
(``goalgraph.read``), and the defect mix follows the rates measured on the Yantai 2022 seed
(:data:`DEFECT_RATES`), so the whole pipeline, reader included, runs on it.

Deterministic: the same arguments give byte-identical files. Each document also has a
``.truth.json`` sidecar with what was generated (counts, codes, amounts), so tests can check the
reader against ground truth rather than against itself.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

#: Defect rates measured on the seed (per project sheet or per indicator row), see docs in README.
DEFECT_RATES = {
    "plan_short_of_total": 3 / 31,  # the last cumulative amount does not reach the annual total (R8)
    "plan_only_year_end": 2 / 31,  # only the 12月底 cell filled (blank ≠ 0)
    "plan_amount_with_unit": 1 / 31,  # "2384.2万元" in the plan row (R10)
    "goal_placeholder": 1 / 31,  # 简单描述 (R12)
    "goal_template_rows": 2 / 31,  # 目标1 / 目标内容1 with the content on the next row
    "code_without_brackets": 2 / 31,
    "dept_without_code": 2 / 31,  # 主管部门 without [code] (R2)
    "missing_level1_cell": 10 / 357,  # level-1 cell empty on a block's first row
    "operator_ascii": 12 / 357,  # ">=" instead of ≥ (R23)
    "unit_percent_word": 19 / 357,  # 百分比 (R24)
    "qualitative_shift_2": 8 / 109,  # qualitative target +2 instead of +3 columns after 文字描述
    "qualitative_empty": 1 / 109,  # 文字描述 with no text (R21)
    "missing_score": 2 / 357,  # no 评分标准 (R30)
    "doc_number_square": 3 / 47,  # 〔〕 written [] (R42)
    "doc_number_lenticular": 12 / 47,  # 【】 (R42)
    "title_only_citation": 12 / 47,  # the title cited without its number (R35)
    "grade_three_cells": 2 / 125,  # only three grade cells (R56)
}

SYLLABLES = "安平宁康泰华兴昌明德盛和丰瑞嘉青云海川林阳江山东西南北".replace(" ", "")
DEPARTMENTS = [
    ("财政局", "财政"), ("交通运输局", "交通"), ("住房和城乡建设局", "住建"), ("农业农村局", "农业"),
    ("生态环境局", "生态"), ("卫生健康委员会", "卫健"), ("教育局", "教育"), ("水利局", "水利"),
    ("体育局", "体育"), ("商务局", "商务"), ("民政局", "民政"), ("文化和旅游局", "文旅"),
]
PROJECT_TOPICS = [
    "道路养护", "污水处理设施运维", "公共租赁住房补贴", "农机购置补贴", "水环境治理", "基层医疗设备购置",
    "校舍维修改造", "河道清淤", "全民健身设施维护", "储备物资管理", "养老服务补贴", "文化惠民演出",
    "信息系统运维", "职业技能培训补贴", "农田水利建设", "公交运营补贴",
]
QUANT_INDICATORS = [
    ("数量指标", "完成{t}数量", "个", (5, 300)), ("数量指标", "覆盖人数", "人", (100, 50000)),
    ("质量指标", "验收合格率", "%", (90, 100)), ("质量指标", "资金使用合规率", "%", (95, 100)),
    ("时效指标", "项目完成及时率", "%", (90, 100)), ("成本指标", "单位成本", "万元", (1, 500)),
    ("社会效益指标", "受益群众人数", "人", (1000, 200000)), ("经济效益指标", "带动投资额", "亿元", (1, 50)),
    ("生态效益指标", "水质达标率", "%", (80, 100)),
    ("服务对象满意度指标", "服务对象满意度", "%", (85, 98)),
]
QUAL_INDICATORS = [
    ("成本指标", "成本控制措施有效性", "有效"), ("社会效益指标", "对社会发展的支持作用", "有效"),
    ("可持续影响指标", "对长效管理的支持", "持续提升"), ("质量指标", "服务规范性", "规范"),
]
LEVEL1 = {"数量指标": "产出指标", "质量指标": "产出指标", "时效指标": "产出指标", "成本指标": "产出指标",
          "经济效益指标": "效益指标", "社会效益指标": "效益指标", "生态效益指标": "效益指标",
          "可持续影响指标": "效益指标", "服务对象满意度指标": "满意度指标"}
GENERIC_BASES = ["根据实际工作需要", "根据年度工作计划", "根据工作实际测算", "合同约定", "满意度调查", "统计年报"]


@dataclass
class ProjectTruth:
    code: str
    name: str
    department_code: str | None
    unit_code: str
    annual_budget: str
    indicators: int
    goals: int
    milestones_filled: int


@dataclass
class DocumentTruth:
    file: str
    division: str
    year: int
    summary_rows: int
    projects: list[ProjectTruth] = field(default_factory=list)
    duties: int = 0
    activities: int = 0
    doc_numbers: list[str] = field(default_factory=list)


class _Doc:
    """Accumulates the lines of one document."""

    def __init__(self) -> None:
        self.lines: list[str] = ["", ""]

    def add(self, *cells: object) -> None:
        self.lines.append("\t".join("" if c is None else str(c) for c in cells))

    def blank(self) -> None:
        self.lines.append("")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _chance(rng: random.Random, defect: str) -> bool:
    return rng.random() < DEFECT_RATES[defect]


def _city_name(rng: random.Random) -> str:
    return "".join(rng.sample(SYLLABLES, 2)) + "市"


def _amount(rng: random.Random) -> Decimal:
    whole = rng.choice([rng.randint(50, 900), rng.randint(1000, 20000)])
    return Decimal(whole) if rng.random() < 0.7 else Decimal(f"{whole}.{rng.randint(1, 99):02d}")


def _policy_documents(rng: random.Random, city: str, year: int) -> list[tuple[str, str, int, int]]:
    """(title, issuer code, year, serial) documents a government's indicators cite."""
    short = city[0]
    return [
        (f"《{city}{topic}管理办法》", f"{short}{code}", rng.randint(year - 6, year - 1), rng.randint(1, 120))
        for topic, code in [("专项资金", "财预"), ("绩效管理", "政办发"), ("补助资金", "财社"), ("项目建设", "政字")]
    ]


def _doc_number(rng: random.Random, issuer: str, year: int, serial: int) -> str:
    if _chance(rng, "doc_number_square"):
        return f"{issuer}[{year}]{serial}号"
    if _chance(rng, "doc_number_lenticular"):
        return f"{issuer}【{year}】{serial}号"
    return f"{issuer}〔{year}〕{serial}号"


def _basis(rng: random.Random, docs, truth: DocumentTruth) -> str:
    if rng.random() < 0.45:
        return rng.choice(GENERIC_BASES)
    title, issuer, year, serial = rng.choice(docs)
    canonical = f"{issuer}〔{year}〕{serial}号"
    if canonical not in truth.doc_numbers:
        truth.doc_numbers.append(canonical)
        return f"{title}（{_doc_number(rng, issuer, year, serial)}）"  # first citation carries the number
    if _chance(rng, "title_only_citation"):
        return title
    return f"{title}（{_doc_number(rng, issuer, year, serial)}）"


def _score(rng: random.Random, weight: int) -> str:
    if _chance(rng, "missing_score"):
        return ""
    return rng.choice([f"{weight}分", f"满分{weight}分", f"{weight}分，未完成按比例扣分", f"{weight}"])


def _weights(n: int) -> list[int]:
    """Integer weights summing to 90 (10 points are reserved for 预算执行率)."""
    base, extra = divmod(90, n)
    return [base + (1 if i < extra else 0) for i in range(n)]


def _indicator_rows(rng: random.Random, topic: str, docs, truth: DocumentTruth) -> list[list[str]]:
    chosen = [QUANT_INDICATORS[0], QUANT_INDICATORS[2], QUANT_INDICATORS[4], QUANT_INDICATORS[5]]
    chosen += rng.sample(QUANT_INDICATORS[6:9], 2) + [QUANT_INDICATORS[9]]
    quals = rng.sample(QUAL_INDICATORS, rng.randint(1, 3))
    items = [("q", c) for c in chosen] + [("t", q) for q in quals]
    order = list(LEVEL1)  # keep the template's level-2 order so level-1 blocks stay contiguous
    items.sort(key=lambda it: order.index(it[1][0]))
    weights = _weights(len(items))
    rows, previous = [], (None, None)
    for (kind, spec), weight in zip(items, weights):
        level2 = spec[0]
        level1 = LEVEL1[level2]
        cell1 = level1 if level1 != previous[0] else ""
        cell2 = level2 if level2 != previous[1] else ""
        if cell1 and previous[0] is not None and _chance(rng, "missing_level1_cell"):
            cell1 = ""  # the level-1 cell lost in extraction (R14 hazard): reader infers it from level 2
        previous = (level1, level2)
        name = spec[1].format(t=topic)
        basis = _basis(rng, docs, truth)
        if kind == "q":
            lo, hi = spec[3]
            value = rng.randint(lo, hi)
            unit = "百分比" if spec[2] == "%" and _chance(rng, "unit_percent_word") else spec[2]
            op = "=" if spec[2] == "%" and value == 100 else ("≤" if level2 == "成本指标" else "≥")
            if op == "≥" and _chance(rng, "operator_ascii"):
                op = ">="
            rows.append([cell1, cell2, name, f"{topic}{name}", op, str(value), unit, basis, _score(rng, weight)])
        else:
            target = "" if _chance(rng, "qualitative_empty") else spec[2]
            gap = 1 if _chance(rng, "qualitative_shift_2") else 2
            row = [cell1, cell2, name, f"{topic}{name}", "文字描述"] + [""] * gap + [target, basis, _score(rng, weight)]
            rows.append(row)
    return rows


def _plan(rng: random.Random, total: Decimal) -> list[str]:
    if _chance(rng, "plan_only_year_end"):
        return ["", "", "", str(total)]
    fractions = sorted(rng.sample([Decimal("0.25"), Decimal("0.5"), Decimal("0.75")], 3))
    amounts = [(total * f).quantize(Decimal("0.01")) for f in fractions] + [total]
    if _chance(rng, "plan_short_of_total"):
        amounts[-1] = amounts[-2]
    cells = [str(a.normalize()) if a == a.to_integral() else str(a) for a in amounts]
    if _chance(rng, "plan_amount_with_unit"):
        cells = [c + "万元" for c in cells]
    return cells


def _project_sheet(doc: _Doc, rng: random.Random, ctx: dict, k: int, truth: DocumentTruth) -> tuple[str, str, Decimal]:
    dept_name, dept_code, dept_abbr = ctx["departments"][k % len(ctx["departments"])]
    topic = PROJECT_TOPICS[(k * 7 + ctx["offset"]) % len(PROJECT_TOPICS)]
    name = f"{dept_abbr}{topic}"
    code = f"{ctx['division']}{ctx['year'] % 100:02d}P{rng.randint(10**11, 10**12 - 1)}"
    unit_code = f"{dept_code}{rng.randint(0, 20):03d}"
    total = _amount(rng)
    code_cell = f"{code} {name}" if _chance(rng, "code_without_brackets") else f"[{code}]{name}"
    dept_cell = ctx["city"] + dept_name if _chance(rng, "dept_without_code") else f"[{dept_code}]{ctx['city']}{dept_name}"
    doc.add(f"{name}年度目标（{ctx['year']}）")
    doc.blank()
    doc.add("项目编码及名称", code_cell, "", "主管部门", dept_cell, "", "", "", "", "")
    doc.add("项目单位", f"[{unit_code}]{ctx['city']}{dept_name}", "", "年度资金总额（万元）", total, "", "", "", "", "")
    doc.add("资金用途", f"用于{name}相关支出", "", "", "", "", "", "", "", "")
    doc.add("资金支出计划（累计支出金额）", "3月底", "", "6月底", "", "10月底", "", "12月底", "", "")
    plan = _plan(rng, total)
    doc.add("", plan[0], "", plan[1], "", plan[2], "", plan[3], "", "")
    goals = 1
    if _chance(rng, "goal_placeholder"):
        doc.add("年度绩效目标", "目标 1", "简单描述", "", "", "", "", "", "", "")
    elif _chance(rng, "goal_template_rows"):
        doc.add("年度绩效目标", "目标1", "目标内容1", "", "", "", "", "", "", "")
        doc.add("", f"完成{name}年度任务", f"按计划实施{name}，资金使用规范高效。", "", "", "", "", "", "", "")
    else:
        goals = rng.randint(1, 2)
        for g in range(1, goals + 1):
            doc.add("年度绩效目标" if g == 1 else "", f"目标 {g}", f"完成{name}第{g}项年度任务，保障资金使用规范高效。",
                    "", "", "", "", "", "", "")
    doc.add("一级指标", "二级指标", "三级指标", "绩效指标描述（指标内容）", "指标值", "", "", "指标确定依据", "评（扣）分标准", "")
    doc.add("", "", "", "", "符号", "值", "单位（文字描述）", "", "", "")
    rows = _indicator_rows(rng, topic, ctx["docs"], truth)
    for row in rows:
        doc.add(*row, "")
    doc.blank()
    truth.projects.append(ProjectTruth(code, name, None if not dept_cell.startswith("[") else dept_code, unit_code,
                                       str(total), len(rows), goals, sum(1 for c in plan if c)))
    return dept_name, name, total


def _department_table(doc: _Doc, rng: random.Random, ctx: dict, truth: DocumentTruth) -> None:
    dept_name, dept_code, _ = ctx["departments"][0]
    full = ctx["city"] + dept_name
    doc.add(f"{full}部门职能职责活动列表")
    doc.blank()
    doc.add("序号", "部门编码", "部门名称", "职责编码", "职责名称", "职责描述", "职责目标", "活动编码", "活动名称", "活动描述",
            "预算年度", "绩效目标", "绩效指标", "指标描述", "指标评价标准", "", "", "")
    doc.add("栏次", *range(1, 14), "优", "良", "中", "差")
    row_no = rng.randint(1, 300)
    for d in range(1, rng.randint(3, 6) + 1):
        truth.duties += 1
        for a in range(1, rng.randint(1, 3) + 1):
            truth.activities += 1
            grades = ["完成率100%", "完成率小于100%,大于等于95%", "完成率小于95%,大于等于90%", "完成率小于90%"]
            if _chance(rng, "grade_three_cells"):
                grades = grades[:3]
            duty_cells = (["", "", ""] if a > 1 else [f"职责{d}", f"负责{full}第{d}项职责", f"完成第{d}项职责年度目标"])
            doc.add(row_no, dept_code if a == 1 else "", full if a == 1 else "", f"{d:02d}" if a == 1 else "",
                    *duty_cells, f"{d:02d}{a:02d}", f"活动{d}-{a}", f"开展第{d}-{a}项活动", ctx["year"],
                    f"按时完成活动{d}-{a}", "完成率", f"活动{d}-{a}完成情况", *grades)
            row_no += 1
    doc.blank()


def generate(rng: random.Random, index: int, projects: int, year: int = 2022,
             taken: set[str] | None = None) -> tuple[str, DocumentTruth]:
    """One government's document: header prose, summary table, sheets, department list and table.

    ``taken``: divisions already used in the corpus. Two governments never share a division code
    (their departments, duties and activities would become the same nodes); a drawn code that is
    taken moves on to the next free county digits (``370600`` → ``370601`` …)."""
    division = f"{rng.randint(11, 65)}{rng.randint(1, 20):02d}00"
    if taken is not None:
        county = 0
        while division in taken:
            county += 1
            if county > 99:
                raise ValueError("no free division code left for this prefix")
            division = f"{division[:4]}{county:02d}"
        taken.add(division)
    city = _city_name(rng)
    departments = [(name, f"{100 + i * 7 + rng.randint(0, 6)}", abbr)
                   for i, (name, abbr) in enumerate(rng.sample(DEPARTMENTS, 5))]
    ctx = {"division": division, "city": city, "year": year, "departments": departments, "offset": index,
           "docs": _policy_documents(rng, city, year)}
    truth = DocumentTruth(file="", division=division, year=year, summary_rows=projects)
    sheets_doc = _Doc()
    sheets_doc.lines = []
    summary = [_project_sheet(sheets_doc, rng, ctx, k, truth) for k in range(projects)]
    doc = _Doc()
    doc.add(f"{year} 年预算项目支出绩效目标情况说明")
    doc.blank()
    doc.add(f"{year} 年，{city}财政将市级项目统一纳入绩效目标管理，绩效目标与部门预算同步申报、同步审核、同步批复。")
    doc.blank()
    doc.add(f"{year} 年市级报人大项目绩效目标")
    doc.blank()
    doc.add("序号", "部门名称", "项目名称", "项目预算 (万元)")
    for k, (dept_name, name, total) in enumerate(summary, 1):
        doc.add(k, city + dept_name, name, int(total.quantize(Decimal("1"))))
    doc.blank()
    doc.lines += sheets_doc.lines
    doc.add(f"{year} 年市级报人大部门整体绩效目标")
    doc.blank()
    doc.add("序号", "部门名称")
    doc.add(1, city + departments[0][0])
    doc.blank()
    _department_table(doc, rng, ctx, truth)
    return doc.text(), truth


def write_corpus(out: str | Path, governments: int, projects_per_gov: int, seed: int = 0,
                 year: int = 2022, progress=None) -> list[Path]:
    """Write ``governments`` documents (and their ``.truth.json``) into ``out``; return the paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    taken: set[str] = set()
    for index in range(governments):
        text, truth = generate(random.Random(rng.getrandbits(64)), index, projects_per_gov, year, taken)
        path = out / f"synth-{seed}-{index + 1:05d}.txt"
        truth.file = path.name
        path.write_text(text, encoding="utf-8")
        path.with_suffix(".truth.json").write_text(json.dumps(asdict(truth), ensure_ascii=False, indent=1),
                                                    encoding="utf-8")
        paths.append(path)
        if progress:
            progress(index + 1)
    return paths


# ---------------------------------------------------------------------------------------------
# Replicating a real document under new codes (scale tests with the real defect mix)

_CODE_TOKEN = r"(?<![0-9A-Za-z]){}(?![0-9A-Za-z])"


def _shift_prefix(code: str, k: int) -> str:
    """Copy ``k`` (0 = the original) of a project code: its 6-digit division prefix + k (mod 10^6);
    a code without a 6-digit prefix is kept."""
    head = code[:6]
    if k == 0 or not head.isdigit():
        return code
    return f"{(int(head) + k) % 10**6:06d}{code[6:]}"


def replicate_seed(n: int, out_dir: str | Path, source: str | Path) -> list[Path]:
    """Write ``n`` copies of the document ``source`` into ``out_dir``, each under its own codes, so
    that building the folder gives ``n`` disjoint copies of the document's graph.

    Identity in the graph comes from the document id (file stem: source, summary and sheet-index
    IRIs), the project code (``project/{code}``) and the division, the 6-digit prefix most project
    codes share (``org/{div}/…``, ``duty/{div}/…``, ``activity/{div}/…``). Copy 1 is the document
    itself, byte for byte and under its own file name; copy ``k`` ≥ 2 is ``{stem}-r{k:05d}`` and
    every project code's division prefix is shifted by ``k - 1`` (``11010022P…`` →
    ``11010122P…``), everywhere the code is written. Nothing else changes: department and unit
    codes, amounts, text and the year digits stay, so every rule sees the same facts in every
    copy (a project code that disagreed with its document's division still disagrees with it).

    Shared between copies, by design: policy documents (``doc/{hash}``, one node per 文号 or title
    across the corpus, placed in the named graph of the first document citing it) and the
    vocabulary. Validation results about a policy document therefore appear once, the rest ``n``
    times. Returns the written paths, copy order. Deterministic.
    """
    from goalgraph.read import read_document

    if n < 1:
        raise ValueError("n must be at least 1")
    src = Path(source)
    text = src.read_text(encoding="utf-8")
    codes = sorted({s.code for s in read_document(src).projects if s.code}, key=len, reverse=True)
    if n > 1 and codes:
        pattern = re.compile("|".join(_CODE_TOKEN.format(re.escape(c)) for c in codes))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(n):
        if k == 0:
            copy, name = text, src.name
        else:
            copy = pattern.sub(lambda m: _shift_prefix(m.group(0), k), text) if codes else text
            name = f"{src.stem}-r{k + 1:05d}{src.suffix}"
        path = out / name
        path.write_text(copy, encoding="utf-8")
        paths.append(path)
    return paths
