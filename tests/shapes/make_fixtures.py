"""Regenerate the per-rule fixtures ``tests/shapes/GG-R<n>-{valid,invalid-<k>}.ttl``.

Each fixture is a small graph in the layout of docs/graph-model.md: a complete, valid project
(``templates/project.ttl``) or department table (``templates/department.ttl``) with one defect
written in. The first line of each file says what it shows and, for an invalid fixture, the focus
node the rule must report. Run ``python tests/shapes/make_fixtures.py`` after changing a template;
the generated files are committed (they are the test data).
"""

import pathlib
import re

OUT = pathlib.Path(__file__).resolve().parent
TEMPLATES = OUT / "templates"
HDR = (TEMPLATES / "header.ttl").read_text(encoding="utf-8")
P = (TEMPLATES / "project.ttl").read_text(encoding="utf-8")
D = (TEMPLATES / "department.ttl").read_text(encoding="utf-8")
PR = "<project/37060022P050005100037>"
I = lambda n: f"<project/37060022P050005100037/indicator/{n}>"
ACT = "<activity/370600/2022/205/0101>"

def mk(name, comment, base, repl=(), extra="", drop=()):
    text = base
    for old, new in repl:
        assert old in text, (name, old)
        text = text.replace(old, new, 1)
    for pat in drop:
        n = len(text)
        text = re.sub(pat, "", text, flags=re.M)
        assert len(text) < n, (name, pat)
    assert comment.startswith("# "), name
    (OUT / f"{name}.ttl").write_text(comment + "\n" + HDR + "\n" + text + ("\n" + extra if extra else ""), encoding="utf-8")

F = []
def fx(*a, **k): F.append((a, k))

# ---- A
fx("GG-R1-valid", "# A complete project with a 21-character code and a name conforms to R1.", P)
fx("GG-R1-invalid-1", "# The code cell had no parseable code, so the project has no dct:identifier. expect focus: ggid:project/demo-s1", P,
   [("dct:identifier \"37060022P050005100037\" ;\n", "")], drop=())
fx("GG-R1-invalid-2", "# A 20-character project code breaks the pattern (Warning). expect focus: ggid:project/37060022P050005100037", P,
   [("dct:identifier \"37060022P050005100037\"", "dct:identifier \"37060022P05000510003\"")])
fx("GG-R1-invalid-3", "# The project has no name. expect focus: ggid:project/37060022P050005100037", P,
   [("    skos:prefLabel \"重大项目前期工作经费\"@zh ;\n", "")])
fx("GG-R2-valid", "# Unit code 205000 starts with department code 205: conforms to R2.", P)
fx("GG-R2-invalid-1", "# Unit code 206001 does not start with department code 205. expect focus: ggid:project/37060022P050005100037", P,
   [('org:identifier "205000"', 'org:identifier "206001"')])
fx("GG-R2-invalid-2", "# The competent department has no [code] (主管部门 without code). expect focus: ggid:project/37060022P050005100037", P,
   [('<org/370600/205> a gg:Department ; org:identifier "205" ;', '<org/370600/205> a gg:Department ;')])
fx("GG-R3-valid", "# Annual budget 100.00 万元 is a positive decimal: conforms to R3.", P)
fx("GG-R3-invalid-1", "# The annual budget is missing. expect focus: ggid:project/37060022P050005100037", P,
   [("    gg:annualBudget 100.00 ;\n", "")])
fx("GG-R3-invalid-2", "# The annual budget is 0. expect focus: ggid:project/37060022P050005100037", P,
   [("gg:annualBudget 100.00 ;", "gg:annualBudget 0.00 ;")])

SUMMARY = """<summary/demo/1> a gg:SummaryEntry ; gg:ordinal 1 ; gg:departmentName "烟台市发展和改革委员会"@zh ;
    skos:prefLabel "重大项目前期工作经费"@zh ; gg:summaryBudget {s} ; gg:rawBudget "{s}" ;
    {links}gg:summaryDepartment <org/370600/205> ; prov:wasDerivedFrom <source/demo/L10> .
"""
TWO = """<project/37060022P050005100038> a gg:Project ; dct:identifier "37060022P050005100038" ; skos:prefLabel "重大项目前期工作经费"@zh ;
    gg:annualBudget {b} ; gg:competentDepartment <org/370600/205> ; prov:wasDerivedFrom <source/demo/L20> .
"""
fx("GG-R4-valid", "# Negative control: the summary rounds to whole 万元 (11047 vs sheets 6000.50 + 5046.35 = 11046.85); not flagged by R4.",
   P, [("gg:annualBudget 100.00 ;", "gg:annualBudget 6000.50 ;")],
   extra=SUMMARY.format(s="11047", links=f"gg:summarises {PR}, <project/37060022P050005100038> ;\n    ") + TWO.format(b="5046.35"))
fx("GG-R4-invalid-1", "# The summary says 500 but the sheet's annual budget is 100.00. expect focus: ggid:summary/demo/1", P,
   extra=SUMMARY.format(s="500", links=f"gg:summarises {PR} ;\n    "))
fx("GG-R4-invalid-2", "# A summary row matches no project sheet (Warning). expect focus: ggid:summary/demo/1", P,
   extra=SUMMARY.format(s="500", links=""))
fx("GG-R5-valid", "# Heading name differs only by 专项 and spaces: conforms to R5.", P,
   [('gg:headingName "重大项目前期工作经费"@zh', 'gg:headingName "重大项目前期 工作专项经费"@zh')])
fx("GG-R5-invalid-1", "# The heading names a different project than the code cell (Info). expect focus: ggid:project/37060022P050005100037", P,
   [('gg:headingName "重大项目前期工作经费"@zh', 'gg:headingName "招商引资活动经费"@zh')])
fx("GG-R65-valid", "# Code 37060022P… agrees with division 370600 and budget year 2022: conforms to R65.", P)
fx("GG-R65-invalid-1", "# The code's year digits say 2021 in a 2022 document (Warning). expect focus: ggid:project/37060022P050005100037", P,
   [('dct:identifier "37060022P050005100037"', 'dct:identifier "37060021P050005100037"')])
fx("GG-R65-invalid-2", "# The code's division 370200 differs from the document's 370600 (Warning). expect focus: ggid:project/37060022P050005100037", P,
   [('dct:identifier "37060022P050005100037"', 'dct:identifier "37020022P050005100037"')])

# ---- B
M = lambda m: f"<project/37060022P050005100037/plan/m{m}>"
fx("GG-R6-valid", "# The plan has the 3, 6, 10 and 12 checkpoints: conforms to R6.", P)
fx("GG-R6-invalid-1", "# The plan has no 12月底 checkpoint (Violation). expect focus: ggid:project/37060022P050005100037", P,
   [(",\n        <project/37060022P050005100037/plan/m10>, <project/37060022P050005100037/plan/m12> ;", ",\n        <project/37060022P050005100037/plan/m10> ;")],
   drop=(r"^<project/37060022P050005100037/plan/m12> a gg:SpendingMilestone.*\n.*\n",))
fx("GG-R6-invalid-2", "# Non-standard month 9月底 instead of 10月底 (Warning). expect focus: ggid:project/37060022P050005100037/plan/m9", P,
   [("<project/37060022P050005100037/plan/m10>, <project", "<project/37060022P050005100037/plan/m9>, <project"),
    ("<project/37060022P050005100037/plan/m10> a gg:SpendingMilestone ; gg:month 10 ; gg:monthLabel \"10月底\"",
     "<project/37060022P050005100037/plan/m9> a gg:SpendingMilestone ; gg:month 9 ; gg:monthLabel \"9月底\"")])
fx("GG-R7-valid", "# Negative control: explicit zeros then the total (0, 0, 0, 100) never decrease: conforms to R7.", P,
   [("gg:cumulativeAmount 20.00 ; gg:rawAmount \"20\"", "gg:cumulativeAmount 0.00 ; gg:rawAmount \"0\""),
    ("gg:cumulativeAmount 50.00 ; gg:rawAmount \"50\"", "gg:cumulativeAmount 0.00 ; gg:rawAmount \"0\""),
    ("gg:cumulativeAmount 80.00 ; gg:rawAmount \"80\"", "gg:cumulativeAmount 0.00 ; gg:rawAmount \"0\"")])
fx("GG-R7-invalid-1", "# The cumulative amount drops from 50 (6月底) to 40 (10月底). expect focus: ggid:project/37060022P050005100037/plan/m10", P,
   [("gg:cumulativeAmount 80.00 ; gg:rawAmount \"80\"", "gg:cumulativeAmount 40.00 ; gg:rawAmount \"40\"")])
fx("GG-R8-valid", "# 12月底 cumulative 100.00 equals the annual budget 100.00: conforms to R8.", P)
fx("GG-R8-invalid-1", "# 12月底 cumulative 90.00 differs from the annual budget 100.00. expect focus: ggid:project/37060022P050005100037/plan/m12", P,
   [("gg:cumulativeAmount 100.00 ; gg:rawAmount \"100\"", "gg:cumulativeAmount 90.00 ; gg:rawAmount \"90\"")])
fx("GG-R8-invalid-2", "# No 12月底 checkpoint and the last one (10月底, 80.00) falls short of 100.00. expect focus: ggid:project/37060022P050005100037/plan/m10", P,
   [(",\n        <project/37060022P050005100037/plan/m10>, <project/37060022P050005100037/plan/m12> ;", ",\n        <project/37060022P050005100037/plan/m10> ;")],
   drop=(r"^<project/37060022P050005100037/plan/m12> a gg:SpendingMilestone.*\n.*\n",))
fx("GG-R9-valid", "# Negative control: explicit 0 in the plan is a filled checkpoint, not a blank: conforms to R9.", P,
   [("gg:cumulativeAmount 20.00 ; gg:rawAmount \"20\"", "gg:cumulativeAmount 0.00 ; gg:rawAmount \"0\"")])
fx("GG-R9-invalid-1", "# The 6月底 cell is blank (no gg:cumulativeAmount, raw \"\"). expect focus: ggid:project/37060022P050005100037/plan/m6", P,
   [("gg:cumulativeAmount 50.00 ; gg:rawAmount \"50\"", "gg:rawAmount \"\"")])
fx("GG-R10-valid", "# Raw amounts are bare numbers (20, 50.5 …) or blank: conforms to R10.", P,
   [("gg:rawAmount \"50\"", "gg:rawAmount \"50.00\"")])
fx("GG-R10-invalid-1", "# The raw 3月底 cell says 20万元 (Info). expect focus: ggid:project/37060022P050005100037/plan/m3", P,
   [("gg:rawAmount \"20\"", "gg:rawAmount \"20万元\"")])

# ---- C
G = "<project/37060022P050005100037/goal/1>"
fx("GG-R12-valid", "# A real goal text under the label 年度绩效目标: conforms to R12.", P)
fx("GG-R12-invalid-1", "# The goal is the template placeholder 简单描述. expect focus: ggid:project/37060022P050005100037/goal/1", P,
   [('dct:description "完成5个重大项目前期研究，提升项目储备质量"@zh ; gg:rawText "完成5个重大项目前期研究，提升项目储备质量"',
     'dct:description "简单描述"@zh ; gg:rawText "简单描述"')])
fx("GG-R12-invalid-2", "# The project has no goal at all. expect focus: ggid:project/37060022P050005100037", P,
   [("    gg:hasGoal <project/37060022P050005100037/goal/1> ;\n", "")],
   drop=(r"^<project/37060022P050005100037/goal/1> a gg:PerformanceGoal.*\n.*\n.*\n",))
fx("GG-R12-invalid-3", "# The goal row is labelled 提高效率目标, not 年度绩效目标 (Warning). expect focus: ggid:project/37060022P050005100037/goal/1", P,
   [('gg:goalLabel "年度绩效目标"', 'gg:goalLabel "提高效率目标"')])
fx("GG-R12-invalid-4", "# The goal keeps its template label 目标内容1： before real content (Info). expect focus: ggid:project/37060022P050005100037/goal/1", P,
   [('gg:rawText "完成5个', 'gg:rawText "目标内容1：完成5个')])
fx("GG-R13-valid", "# The goal text has no markup: conforms to R13.", P)
fx("GG-R13-invalid-1", "# The goal as written carries <p> tags (Info). expect focus: ggid:project/37060022P050005100037/goal/1", P,
   [('gg:rawText "完成5个重大项目前期研究，提升项目储备质量"', 'gg:rawText "<p>完成5个重大项目前期研究，提升项目储备质量</p>"')])

# ---- D
fx("GG-R14-valid", "# Every project indicator has a level-1 class; the department indicator needs none: conforms to R14.", P + "\n" + D)
fx("GG-R14-invalid-1", "# A sheet's first indicator row has no level-1 cell (none written, nothing to forward-fill). expect focus: ggid:project/37060022P050005100037/indicator/1", P,
   [("    gg:level1Raw \"产出指标\" ;\n", ""), ("    gg:level1Category cat:output ; gg:indicatorCategory cat:quantity ;", "    gg:indicatorCategory cat:quantity ;")])
fx("GG-R14-invalid-2", "# The first indicator row of the sheet has an empty level-1 cell; level 1 was only inferred from level 2. expect focus: ggid:project/37060022P050005100037/indicator/1", P,
   [("    gg:level1Raw \"产出指标\" ;\n", "")])
fx("GG-R15-valid", "# Each level-2 class sits under its own level-1 class: conforms to R15.", P)
fx("GG-R15-invalid-1", "# 社会效益指标 under 产出指标 (a benefit block wrongly inheriting 产出). expect focus: ggid:project/37060022P050005100037/indicator/5", P,
   [("gg:level1Category cat:benefit ; gg:indicatorCategory cat:social", "gg:level1Category cat:output ; gg:indicatorCategory cat:social")])
fx("GG-R15-invalid-2", "# The level-2 cell is missing, so the category is the level-1 concept (Warning). expect focus: ggid:project/37060022P050005100037/indicator/5", P,
   [("gg:level1Category cat:benefit ; gg:indicatorCategory cat:social", "gg:level1Category cat:benefit ; gg:indicatorCategory cat:benefit")])
fx("GG-R17-valid", "# The project covers 数量, 质量, 时效, 成本, a benefit and 服务对象满意度: conforms to R17.", P)
fx("GG-R17-invalid-1", "# No satisfaction indicator (Violation). expect focus: ggid:project/37060022P050005100037", P,
   [(",\n        <project/37060022P050005100037/indicator/5>, <project/37060022P050005100037/indicator/6> ;", ",\n        <project/37060022P050005100037/indicator/5> ;")],
   drop=(r"^<project/37060022P050005100037/indicator/6.*\n(    .*\n)*",))
fx("GG-R17-invalid-2", "# No timeliness (时效) indicator (Warning). expect focus: ggid:project/37060022P050005100037", P,
   [("gg:level1Category cat:output ; gg:indicatorCategory cat:timeliness", "gg:level1Category cat:output ; gg:indicatorCategory cat:quality")])
fx("GG-R18-valid", "# The satisfaction indicator measures the project units it serves: conforms to R18.", P)
fx("GG-R18-invalid-1", "# The satisfaction indicator measures the competent department (Warning). expect focus: ggid:project/37060022P050005100037/indicator/6", P,
   [('skos:prefLabel "项目单位满意度"@zh', 'skos:prefLabel "主管部门满意度"@zh')])
fx("GG-R19-valid", "# Level-3 names are short and differ from the description: conforms to R19.", P)
fx("GG-R19-invalid-1", "# A level-3 name over 40 characters (the description copied into the name). expect focus: ggid:project/37060022P050005100037/indicator/2", P,
   [('skos:prefLabel "研究报告合格率"@zh', 'skos:prefLabel "前期研究报告通过专家评审并按要求完成修改完善后报送市政府审定同意的报告数量占全部报告数量的比例"@zh')])
fx("GG-R20-valid", "# Level-3 names are unique within the project: conforms to R20.", P)
fx("GG-R20-invalid-1", "# Two indicators of one project are both named 研究经费 (Warning). expect focus: ggid:project/37060022P050005100037/indicator/4", P,
   [('skos:prefLabel "完成时间"@zh', 'skos:prefLabel "研究经费"@zh')])

# ---- E
T = lambda n: f"<project/37060022P050005100037/indicator/{n}/target>"
fx("GG-R21-valid", "# Quantitative (≥ 5 个) and qualitative (文字描述 有效提升) targets: conforms to R21.", P)
fx("GG-R21-invalid-1", "# A quantitative target without a unit. expect focus: ggid:project/37060022P050005100037/indicator/1/target", P,
   [('gg:unitText "个" ; gg:normalizedUnit "个" ; ', '')])
fx("GG-R21-invalid-2", "# No comparator at all, a number and a text (neither kind). expect focus: ggid:project/37060022P050005100037/indicator/5/target", P,
   [('gg:comparisonOperator op:qualitative ; gg:rawOperator "文字描述" ;\n    gg:qualitativeTarget "有效提升"@zh',
     'qudt:value 1.0 ;\n    gg:qualitativeTarget "有效提升"@zh')])
fx("GG-R21-invalid-3", "# An indicator with no target. expect focus: ggid:project/37060022P050005100037/indicator/3", P,
   [("    gg:hasTarget <project/37060022P050005100037/indicator/3/target> ;\n", "")])
fx("GG-R24-valid", "# Money amounts use 万元: conforms to R24.", P)
fx("GG-R24-invalid-1", "# A money target with the bare unit 万 (Warning). expect focus: ggid:project/37060022P050005100037/indicator/4/target", P,
   [('gg:unitText "万元" ; gg:normalizedUnit "万元"', 'gg:unitText "万" ; gg:normalizedUnit "万"')])
fx("GG-R25-valid", "# Percent targets =100% and ≥90% lie in [0, 100]: conforms to R25.", P)
fx("GG-R25-invalid-1", "# ≥100% should be =100% (Info). expect focus: ggid:project/37060022P050005100037/indicator/2/target", P,
   [('gg:comparisonOperator op:eq ; gg:rawOperator "=" ;\n    qudt:value 100.0', 'gg:comparisonOperator op:ge ; gg:rawOperator "≥" ;\n    qudt:value 100.0')])
fx("GG-R26-valid", "# Quantity ≥, cost ≤, satisfaction ≥: conforms to R26.", P)
fx("GG-R26-invalid-1", "# A quantity indicator with ≤ (Warning). expect focus: ggid:project/37060022P050005100037/indicator/1", P,
   [('gg:comparisonOperator op:ge ; gg:rawOperator "≥" ;\n    qudt:value 5.0', 'gg:comparisonOperator op:le ; gg:rawOperator "≤" ;\n    qudt:value 5.0')])
fx("GG-R29-valid", "# Every indicator has a complete description: conforms to R29.", P)
fx("GG-R29-invalid-1", "# The description is truncated (ends in 的). expect focus: ggid:project/37060022P050005100037/indicator/3", P,
   [('dct:description "前期研究完成的时间"@zh', 'dct:description "前期研究完成的"@zh')])
fx("GG-R29-invalid-2", "# The description (指标内容) is missing. expect focus: ggid:project/37060022P050005100037/indicator/6", P,
   [(' dct:description "项目申报单位对前期服务的满意程度"@zh ;', '')])

# ---- F
fx("GG-R30-valid", "# Every indicator carries a weight: conforms to R30.", P)
fx("GG-R30-invalid-1", "# The scoring cell has no parseable weight. expect focus: ggid:project/37060022P050005100037/indicator/3", P,
   [('<project/37060022P050005100037/indicator/3/scoring> a gg:ScoringRule ; gg:weight 10.0 ; gg:ruleText "10分"@zh',
     '<project/37060022P050005100037/indicator/3/scoring> a gg:ScoringRule ; gg:ruleText "按完成情况评分"@zh')])
fx("GG-R31-valid", "# Weights 20+10+10+10+30+10 = 90: conforms to R31.", P)
fx("GG-R31-invalid-1", "# Weights sum to 80, not 90 (Warning). expect focus: ggid:project/37060022P050005100037", P,
   [('<project/37060022P050005100037/indicator/5/scoring> a gg:ScoringRule ; gg:weight 30.0 ; gg:ruleText "30分"@zh', '<project/37060022P050005100037/indicator/5/scoring> a gg:ScoringRule ; gg:weight 20.0 ; gg:ruleText "20分"@zh')])
fx("GG-R31-invalid-2", "# Weights sum to 110, more than 100 (Violation). expect focus: ggid:project/37060022P050005100037", P,
   [('<project/37060022P050005100037/indicator/5/scoring> a gg:ScoringRule ; gg:weight 30.0 ; gg:ruleText "30分"@zh', '<project/37060022P050005100037/indicator/5/scoring> a gg:ScoringRule ; gg:weight 50.0 ; gg:ruleText "50分"@zh')])
fx("GG-R32-valid", "# Level-1 weights 产出 50 (20+10+10+10), 效益 30, 满意度 10 follow the 10号 shares: conforms to R32.", P)
fx("GG-R32-invalid-1", "# Level-1 weights 产出 60, 效益 20, 满意度 10 differ from 50/30/10 (Info). expect focus: ggid:project/37060022P050005100037", P,
   [('<project/37060022P050005100037/indicator/2/scoring> a gg:ScoringRule ; gg:weight 10.0 ; gg:ruleText "10分"@zh', '<project/37060022P050005100037/indicator/2/scoring> a gg:ScoringRule ; gg:weight 20.0 ; gg:ruleText "20分"@zh'), ('<project/37060022P050005100037/indicator/5/scoring> a gg:ScoringRule ; gg:weight 30.0 ; gg:ruleText "30分"@zh', '<project/37060022P050005100037/indicator/5/scoring> a gg:ScoringRule ; gg:weight 20.0 ; gg:ruleText "20分"@zh')])

# ---- G
B = lambda n: f"<project/37060022P050005100037/indicator/{n}/basis>"
fx("GG-R33-valid", "# Every indicator has a basis: conforms to R33.", P)
fx("GG-R33-invalid-1", "# An indicator with no basis. expect focus: ggid:project/37060022P050005100037/indicator/2", P,
   [("    gg:hasBasis <project/37060022P050005100037/indicator/2/basis> ;\n", "")])
fx("GG-R34-valid", "# The bases cite documents, standards, plans and statistics: conforms to R34.", P)
fx("GG-R34-invalid-1", "# A generic basis 根据实际工作需要 (Warning). expect focus: ggid:project/37060022P050005100037/indicator/3/basis", P,
   [('gg:basisText "《2022年市级重大项目计划》"@zh ;\n    gg:basisKind bk:work-plan', 'gg:basisText "根据实际工作需要"@zh ;\n    gg:basisKind bk:unspecified')])
CIT2 = """<project/37060022P050005100037/indicator/4/basis> gg:hasCitation <project/37060022P050005100037/indicator/4/basis/citation/1> ;
    gg:citesDocument <doc/0f0e0d0c0b0a> .
<project/37060022P050005100037/indicator/4/basis/citation/1> a gg:Citation ; gg:citationText "《烟台市市级财政专项资金管理办法》" ;
    gg:citedTitle "烟台市市级财政专项资金管理办法" ; gg:citedDocument <doc/0f0e0d0c0b0a> ; gg:resolution "title-only" ;
    prov:wasDerivedFrom <source/demo/L30> .
<doc/0f0e0d0c0b0a> a gg:PolicyDocument ; dct:title "烟台市市级财政专项资金管理办法"@zh ; gg:documentKind bk:policy-document ;
    prov:wasDerivedFrom <source/demo/L30> .
"""
fx("GG-R35-valid", "# The cited policy document carries its 文号 (烟发改投资〔2021〕3号): conforms to R35.", P)
fx("GG-R35-invalid-1", "# A policy document cited by title only, without 文号 (Info). expect focus: ggid:project/37060022P050005100037/indicator/4/basis/citation/1", P, extra=CIT2)
fx("GG-R35-invalid-2", "# No citation anywhere gives this policy document's 文号 (Warning). expect focus: ggid:doc/0f0e0d0c0b0a", P, extra=CIT2)
fx("GG-R37-valid", "# The bases cite issued documents: conforms to R37.", P)
fx("GG-R37-invalid-1", "# The basis is a document still being drafted (正在制定). expect focus: ggid:project/37060022P050005100037/indicator/4/basis", P,
   [('gg:basisText "《烟台市市级财政专项资金管理办法》"@zh', 'gg:basisText "正在制定的《烟台市市级财政专项资金管理办法》"@zh')])
CIT3 = """<project/37060022P050005100037/indicator/5/basis> gg:hasCitation <project/37060022P050005100037/indicator/5/basis/citation/1> .
<project/37060022P050005100037/indicator/5/basis/citation/1> a gg:Citation ; gg:citationText "《{t}》" ;
    gg:citedTitle "{t}" ; gg:resolution "title-only" ; prov:wasDerivedFrom <source/demo/L30> .
"""
fx("GG-R38-valid", "# Negative control: a year range inside a title (2021-2025年) that covers the budget year; not flagged and not a 文号.", P,
   extra=CIT3.format(t="烟台市重大项目建设规划（2021-2025年）"))
fx("GG-R38-invalid-1", "# The cited plan ran 2013-2015, long before the 2022 budget year (Warning). expect focus: ggid:project/37060022P050005100037/indicator/5/basis/citation/1", P,
   extra=CIT3.format(t="烟台市重大项目建设规划（2013-2015年）"))
fx("GG-R39-valid", "# The bases say more than the indicator name: conforms to R39.", P)
fx("GG-R39-invalid-1", "# The basis merely repeats the indicator name (Info). expect focus: ggid:project/37060022P050005100037/indicator/5/basis", P,
   [('gg:basisText "《烟台市“十四五”重大项目规划》"@zh', 'gg:basisText "项目储备质量"@zh')])

# ---- H
DOC = "<doc/a1b2c3d4e5f6>"
CIT = "<project/37060022P050005100037/indicator/1/basis/citation/1>"
fx("GG-R41-valid", "# Negative control: a well-formed 文号 (烟发改投资〔2021〕3号) and a year range in a title (2020-2022年) that is no 文号: conforms to R41.", P,
   extra=CIT3.format(t="烟台市重大项目建设三年行动计划（2020-2022年）"))
fx("GG-R41-invalid-1", "# The 文号 as written has no year (烟发改投资3号). expect focus: ggid:project/37060022P050005100037/indicator/1/basis/citation/1", P,
   [('gg:rawDocNumber "烟发改投资〔2021〕3号" ; gg:bracketStyle bracket:hexagonal', 'gg:rawDocNumber "烟发改投资3号" ; gg:bracketStyle bracket:none')])
fx("GG-R41-invalid-2", "# A numbered document lacks its serial part. expect focus: ggid:doc/a1b2c3d4e5f6", P,
   [('gg:docSerial 3 ; ', '')])
fx("GG-R42-valid", "# The year is in hexagonal brackets 〔〕: conforms to R42.", P)
fx("GG-R42-invalid-1", "# The year is in square brackets [2021] (Warning). expect focus: ggid:project/37060022P050005100037/indicator/1/basis/citation/1", P,
   [('gg:rawDocNumber "烟发改投资〔2021〕3号" ; gg:bracketStyle bracket:hexagonal', 'gg:rawDocNumber "烟发改投资[2021]3号" ; gg:bracketStyle bracket:square')])
fx("GG-R43-valid", "# Document year 2021 lies between 1949 and the budget year 2022: conforms to R43.", P)
fx("GG-R43-invalid-1", "# Document year 2025 is after the budget year 2022. expect focus: ggid:doc/a1b2c3d4e5f6", P,
   [('gg:docYear "2021"^^xsd:gYear', 'gg:docYear "2025"^^xsd:gYear')])
fx("GG-R44-valid", "# Serial 3 without 第 or leading zero: conforms to R44.", P)
fx("GG-R44-invalid-1", "# The serial carries 第 (烟发改投资〔2021〕第3号) (Warning). expect focus: ggid:project/37060022P050005100037/indicator/1/basis/citation/1", P,
   [('gg:rawDocNumber "烟发改投资〔2021〕3号" ; gg:bracketStyle', 'gg:rawDocNumber "烟发改投资〔2021〕第3号" ; gg:bracketStyle')])
fx("GG-R44-invalid-2", "# The serial has a leading zero (〔2021〕03号) (Warning). expect focus: ggid:project/37060022P050005100037/indicator/1/basis/citation/1", P,
   [('gg:rawDocNumber "烟发改投资〔2021〕3号" ; gg:bracketStyle', 'gg:rawDocNumber "烟发改投资〔2021〕03号" ; gg:bracketStyle')])
fx("GG-R45-valid", "# Issuer code 烟发改投资 of a city authority: conforms to R45.", P)
fx("GG-R45-invalid-1", "# Issuer code 人社 without its locality prefix; jurisdiction unknown (Warning). expect focus: ggid:doc/a1b2c3d4e5f6", P,
   [('gg:docIssuerCode "烟发改投资"', 'gg:docIssuerCode "人社"'), ("gg:jurisdiction jur:city", "gg:jurisdiction jur:unknown")])
DUP = """<doc/ffffffffffff> a gg:PolicyDocument ; dct:title "重大项目前期工作管理办法"@zh ; eli:id_local "{id}" ;
    gg:docIssuerCode "烟发改投资" ; gg:docYear "2021"^^xsd:gYear ; gg:docSerial {n} ; gg:jurisdiction jur:city ;
    prov:wasDerivedFrom <source/demo/L20> .
"""
fx("GG-R46-valid", "# Two policy documents with different 文号: conforms to R46.", P, extra=DUP.format(id="烟发改投资〔2021〕4号", n=4))
fx("GG-R46-invalid-1", "# Two PolicyDocument nodes share 烟发改投资〔2021〕3号 (not deduplicated). expect focus: ggid:doc/ffffffffffff", P,
   extra=DUP.format(id="烟发改投资〔2021〕3号", n=3))

# ---- I
fx("GG-R61-valid", "# Activity name and description differ: conforms to R61.", D)
fx("GG-R61-invalid-1", "# The activity description repeats its name (Warning). expect focus: ggid:activity/370600/2022/205/0101", D,
   [('dct:description "编制年度国民经济和社会发展计划"@zh', 'dct:description "编制年度计划"@zh')])
fx("GG-R62-valid", "# The activity goal names no earlier year: conforms to R62.", D)
fx("GG-R62-invalid-1", "# A 2022 activity goal with the deadline 2020年底 (Warning). expect focus: ggid:activity/370600/2022/205/0101/goal/1", D,
   [('dct:description "按期完成年度计划编制"@zh', 'dct:description "2020年底前完成年度计划编制"@zh')])
A = ACT
fx("GG-R47-valid", "# The department row was read in place: conforms to R47.", D)
fx("GG-R47-invalid-1", "# The row's cells were realigned by pattern (Info). expect focus: ggid:activity/370600/2022/205/0101", D,
   [("gg:realigned false", "gg:realigned true")])
fx("GG-R49-valid", "# Activity 0101 under duty 01, listed after it: conforms to R49.", D)
fx("GG-R49-invalid-1", "# Activity 0201 is linked to duty 01 (no duty 02 declared). expect focus: ggid:activity/370600/2022/205/0101", D,
   [('<activity/370600/2022/205/0101> a gg:Activity ; dct:identifier "0101"', '<activity/370600/2022/205/0101> a gg:Activity ; dct:identifier "0201"')])
fx("GG-R49-invalid-2", "# The activity (line 10) is listed before its duty (line 20) (Warning). expect focus: ggid:activity/370600/2022/205/0101", D,
   [('gg:dutyOf <org/370600/205> ; gg:hasActivity <activity/370600/2022/205/0101> ; prov:wasDerivedFrom <source/demo/L10>',
     'gg:dutyOf <org/370600/205> ; gg:hasActivity <activity/370600/2022/205/0101> ; prov:wasDerivedFrom <source/demo/L20>'),
    ('gg:hasGoal <activity/370600/2022/205/0101/goal/1> ; gg:hasIndicator <activity/370600/2022/205/0101/indicator/1> ;\n    prov:wasDerivedFrom <source/demo/L20>',
     'gg:hasGoal <activity/370600/2022/205/0101/goal/1> ; gg:hasIndicator <activity/370600/2022/205/0101/indicator/1> ;\n    prov:wasDerivedFrom <source/demo/L10>')])
fx("GG-R50-valid", "# The activity has a 4-digit code and a name: conforms to R50.", D)
fx("GG-R50-invalid-1", "# The activity code has 3 digits (101). expect focus: ggid:activity/370600/2022/205/0101", D,
   [('a gg:Activity ; dct:identifier "0101"', 'a gg:Activity ; dct:identifier "101"')])
fx("GG-R50-invalid-2", "# The activity row has no name. expect focus: ggid:activity/370600/2022/205/0101", D,
   [('dct:identifier "0101" ; skos:prefLabel "编制年度计划"@zh ;', 'dct:identifier "0101" ;')])
fx("GG-R51-valid", "# The duty has name, description and objective: conforms to R51.", D)
fx("GG-R51-invalid-1", "# The duty has no description (Warning). expect focus: ggid:duty/370600/2022/205/01", D,
   [('    dct:description "组织拟订国民经济和社会发展规划"@zh ; gg:dutyObjective', '    gg:dutyObjective')])
fx("GG-R52-valid", "# Duty names are unique within the department: conforms to R52.", D)
fx("GG-R52-invalid-1", "# The name 规划编制 appears under duty codes 01 and 02 (Warning). expect focus: ggid:duty/370600/2022/205/02", D,
   extra="""<duty/370600/2022/205/02> a gg:Duty ; dct:identifier "02" ; skos:prefLabel "规划编制"@zh ;
    dct:description "组织拟订专项规划"@zh ; gg:dutyOf <org/370600/205> ; prov:wasDerivedFrom <source/demo/L30> .
""")
fx("GG-R53-valid", "# The activity's 预算年度 2022 equals the document's budget year: conforms to R53.", D)
fx("GG-R53-invalid-1", "# The activity's 预算年度 is 2021 in a 2022 document. expect focus: ggid:activity/370600/2022/205/0101", D,
   [('gg:fiscalYear "2022"^^xsd:gYear ; gg:rowNumber', 'gg:fiscalYear "2021"^^xsd:gYear ; gg:rowNumber')])
fx("GG-R54-valid", "# The activity row has its 序号: conforms to R54.", D)
fx("GG-R54-invalid-1", "# The activity row has no 序号 (Info). expect focus: ggid:activity/370600/2022/205/0101", D,
   [('gg:rowNumber "1" ; ', '')])
fx("GG-R55-valid", "# The activity has goal, indicator name and description: conforms to R55.", D)
fx("GG-R55-invalid-1", "# The 绩效指标 cell holds a threshold (大于95%) instead of a name (Warning). expect focus: ggid:activity/370600/2022/205/0101", D,
   [('skos:prefLabel "计划完成率"@zh', 'skos:prefLabel "大于95%"@zh')])
fx("GG-R55-invalid-2", "# The activity has no 绩效目标 (Warning). expect focus: ggid:activity/370600/2022/205/0101", D,
   [('gg:hasGoal <activity/370600/2022/205/0101/goal/1> ; ', '')])
fx("GG-R56-valid", "# All four grades 优 良 中 差 are present: conforms to R56.", D)
fx("GG-R56-invalid-1", "# Only three grade cells; 差 is missing. expect focus: ggid:activity/370600/2022/205/0101/indicator/1", D,
   [('gg:criterionText "小于80%"@zh', 'gg:criterionText ""@zh')])
fx("GG-R57-valid", "# The four grade texts differ: conforms to R57.", D)
fx("GG-R57-invalid-1", "# 良 and 中 have the same text. expect focus: ggid:activity/370600/2022/205/0101/indicator/1", D,
   [('gg:criterionText "大于等于80%，小于90%"@zh', 'gg:criterionText "大于等于90%，小于95%"@zh')])
fx("GG-R58-valid", "# Closed-open bands 95 / 90 / 80 cover the domain without gaps: conforms to R58.", D)
fx("GG-R58-invalid-1", "# 优 says 大于95% and 良 says 小于95%: 95% itself is in no grade (Info). expect focus: ggid:activity/370600/2022/205/0101/indicator/1/grade/good", D,
   [('gg:criterionText "大于等于95%"@zh', 'gg:criterionText "小于100%，大于95%"@zh'),
    ('gg:criterionText "大于等于90%，小于95%"@zh', 'gg:criterionText "小于95%，大于90%"@zh')])
fx("GG-R58-invalid-2", "# Thresholds 95 / 80 / 90 are not monotonic (Warning). expect focus: ggid:activity/370600/2022/205/0101/indicator/1", D,
   [('gg:criterionText "大于等于90%，小于95%"@zh', 'gg:criterionText "大于等于80%，小于95%"@zh'),
    ('gg:criterionText "大于等于80%，小于90%"@zh', 'gg:criterionText "大于等于90%"@zh')])

if __name__ == "__main__":
    for old in OUT.glob("GG-R*.ttl"):
        old.unlink()
    for a, k in F:
        mk(*a, **k)
    # without a parseable code the project IRI is {doc}-s{k} (docs/graph-model.md)
    r1 = OUT / "GG-R1-invalid-1.ttl"
    r1.write_text(r1.read_text(encoding="utf-8").replace("project/37060022P050005100037", "project/demo-s1"),
                  encoding="utf-8")
    print(f"{len(F)} fixtures written to {OUT}")
