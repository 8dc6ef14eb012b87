"""Build-time summaries: per-project, per-department and per-document counts and sums, precomputed
so the aggregate saved queries stay interactive at province scale.

Oxigraph (embedded or server) recomputes ``GROUP BY`` aggregates over the whole graph on every
query (3–11 s over 10^7 triples, TOOLING.md §3.2), so :func:`materialize` computes them once after
the store is loaded and writes them into the named graph ``ggid:graph/summaries``:

* every ``gg:Project``: ``gg:indicatorCount`` (distinct indicators, 0 included); projects with at
  least one indicator lacking a level-1 / level-2 category also get ``gg:missingLevel1Count`` and
  ``gg:missingLevel2Count``;
* every department with projects: ``gg:projectCount``, ``gg:budgetTotal`` (万元, blank budgets as
  0) and, when its projects have indicators, ``gg:projectIndicatorCount``;
* every policy document cited by a basis: ``gg:citingIndicatorCount``, ``gg:citingProjectCount``,
  ``gg:citingDepartmentCount``;
* one node ``{base}summary/mix/{h}`` per (department, level 1, level 2) cell of the indicator mix:
  ``gg:summaryOf`` the department, ``gg:level1Label``, ``gg:level2Label``, ``gg:indicatorCount``,
  ``gg:quantitativeCount``, ``gg:qualitativeCount``;
* one node ``{base}summary/basis/{h}`` per (department, basis kind) of the indicators whose basis cites no document:
  ``gg:summaryOf``, ``gg:basisKindLabel``, ``gg:indicatorCount``, ``gg:exampleBasis``;
* the graph itself: ``<graph/summaries> a gg:SummaryGraph`` — the marker the queries test.

Each value is computed by **the same SPARQL the saved query runs without summaries** (the
``*_SELECT`` texts below are the queries' generic sub-selects), so the two paths agree by
construction; ``tests/test_summaries.py`` checks it on the seed and on a synthetic corpus.

A saved query using a summary has two branches::

    { …read the summary triples… }
    UNION
    { { SELECT (1 AS ?generic) WHERE { FILTER NOT EXISTS { ?sg a gg:SummaryGraph } } }
      …the generic aggregate… }

With the marker present, the guard sub-select is empty and Oxigraph skips the generic aggregate;
without it (a plain Turtle file, a fixture, rdflib) the generic branch answers. Summaries are a
snapshot: whoever replaces document graphs after a build must call :func:`materialize` again
(``goalgraph build`` does it after loading).
"""

from __future__ import annotations

import pyoxigraph as ox

from goalgraph.namespaces import DEFAULT_DATA_BASE

GG = "https://w3id.org/goalgraph/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

PREFIXES = """PREFIX gg: <https://w3id.org/goalgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX qudt: <http://qudt.org/schema/qudt/>
"""

#: terms this module writes (name → (kind, domain, range, zh label, en label)); the ontology declares them
TERMS = {
    "SummaryGraph": ("class", None, None, "汇总图", "summary graph"),
    "indicatorCount": ("datatype", "gg:Project, summary cells", "xsd:integer", "指标数", "indicator count"),
    "missingLevel1Count": ("datatype", "gg:Project", "xsd:integer", "缺一级指标数", "indicators missing level 1"),
    "missingLevel2Count": ("datatype", "gg:Project", "xsd:integer", "缺二级指标数", "indicators missing level 2"),
    "projectCount": ("datatype", "gg:Department", "xsd:integer", "项目数", "project count"),
    "budgetTotal": ("datatype", "gg:Department", "xsd:decimal", "年度资金合计（万元）", "total annual budget (10k CNY)"),
    "projectIndicatorCount": ("datatype", "gg:Department", "xsd:integer", "项目指标数", "indicators of its projects"),
    "citingIndicatorCount": ("datatype", "gg:PolicyDocument", "xsd:integer", "引用指标数", "citing indicators"),
    "citingProjectCount": ("datatype", "gg:PolicyDocument", "xsd:integer", "引用项目数", "citing projects"),
    "citingDepartmentCount": ("datatype", "gg:PolicyDocument", "xsd:integer", "引用部门数", "citing departments"),
    "summaryOf": ("object", "summary cell", "gg:Department", "汇总对象", "summary of"),
    "level1Label": ("datatype", "summary cell", "xsd:string", "一级指标", "level-1 category label"),
    "level2Label": ("datatype", "summary cell", "xsd:string", "二级指标", "level-2 category label"),
    "quantitativeCount": ("datatype", "summary cell", "xsd:integer", "定量指标数", "quantitative indicators"),
    "qualitativeCount": ("datatype", "summary cell", "xsd:integer", "定性指标数", "qualitative indicators"),
    "basisKindLabel": ("datatype", "summary cell", "xsd:string", "依据类型", "basis kind label"),
    "exampleBasis": ("datatype", "summary cell", "xsd:string", "依据示例", "example basis text"),
}

# -- the generic aggregates (kept identical to the saved queries' generic branches) ---------------
PROJECT_INDICATORS_SELECT = """
SELECT ?p (COUNT(DISTINCT ?ind) AS ?indicators)
WHERE { ?p a gg:Project . OPTIONAL { ?p gg:hasIndicator ?ind } }
GROUP BY ?p
"""

MISSING_CATEGORY_SELECT = """
SELECT ?p (COUNT(?ind) AS ?indicators) (SUM(?m1) AS ?missing_level1) (SUM(?m2) AS ?missing_level2)
WHERE {
  SELECT DISTINCT ?p ?ind ?m1 ?m2
  WHERE {
    ?p a gg:Project ; gg:hasIndicator ?ind .
    OPTIONAL { ?ind gg:level1Category ?level1 }
    BIND(IF(BOUND(?level1), 0, 1) AS ?m1)
    OPTIONAL {
      ?ind gg:indicatorCategory ?cat .
      FILTER(?cat IN (<https://w3id.org/goalgraph/scheme/category/quantity>,
                      <https://w3id.org/goalgraph/scheme/category/quality>,
                      <https://w3id.org/goalgraph/scheme/category/timeliness>,
                      <https://w3id.org/goalgraph/scheme/category/cost>,
                      <https://w3id.org/goalgraph/scheme/category/economic>,
                      <https://w3id.org/goalgraph/scheme/category/social>,
                      <https://w3id.org/goalgraph/scheme/category/ecological>,
                      <https://w3id.org/goalgraph/scheme/category/sustainability>,
                      <https://w3id.org/goalgraph/scheme/category/recipient-satisfaction>))
    }
    BIND(IF(BOUND(?cat), 0, 1) AS ?m2)
  }
}
GROUP BY ?p
"""

DEPARTMENT_BUDGET_SELECT = """
SELECT ?org (COUNT(?p) AS ?projects) (SUM(?amount) AS ?budget)
WHERE {
  SELECT DISTINCT ?org ?p ?amount
  WHERE {
    ?p a gg:Project ; gg:competentDepartment ?org .
    OPTIONAL { ?p gg:annualBudget ?b }
    BIND(COALESCE(?b, 0) AS ?amount)
  }
}
GROUP BY ?org
"""

DEPARTMENT_INDICATORS_SELECT = """
SELECT ?org (COUNT(DISTINCT ?ind) AS ?n)
WHERE { ?p a gg:Project ; gg:competentDepartment ?org ; gg:hasIndicator ?ind . }
GROUP BY ?org
"""

DOCUMENT_CITERS_SELECT = """
SELECT ?document (COUNT(DISTINCT ?ind) AS ?indicators) (COUNT(DISTINCT ?p) AS ?projects)
       (COUNT(DISTINCT ?dept) AS ?departments)
WHERE {
  ?basis gg:citesDocument ?document .
  ?ind gg:hasBasis ?basis .
  OPTIONAL { ?ind gg:indicatorOf ?p . ?p a gg:Project . OPTIONAL { ?p gg:competentDepartment ?dept } }
  OPTIONAL { ?ind gg:indicatorOf ?activity . ?activity gg:activityOf ?duty . ?duty gg:dutyOf ?dept }
}
GROUP BY ?document
"""

INDICATOR_MIX_SELECT = """
SELECT ?org ?level1 ?level2 (SUM(?quant) AS ?quantitative) (SUM(?qual) AS ?qualitative) (COUNT(?ind) AS ?indicators)
WHERE {
  SELECT DISTINCT ?org ?ind ?level1 ?level2 ?quant ?qual
  WHERE {
    ?ind a gg:Indicator .
    ?ind gg:indicatorOf ?owner .
    ?owner gg:competentDepartment|(gg:activityOf/gg:dutyOf) ?org .
    OPTIONAL {
      ?ind gg:indicatorCategory ?cat .
      VALUES (?cat ?l1 ?l2) {
        (<https://w3id.org/goalgraph/scheme/category/output> "产出指标" "")
        (<https://w3id.org/goalgraph/scheme/category/benefit> "效益指标" "")
        (<https://w3id.org/goalgraph/scheme/category/satisfaction> "满意度指标" "")
        (<https://w3id.org/goalgraph/scheme/category/quantity> "产出指标" "数量指标")
        (<https://w3id.org/goalgraph/scheme/category/quality> "产出指标" "质量指标")
        (<https://w3id.org/goalgraph/scheme/category/timeliness> "产出指标" "时效指标")
        (<https://w3id.org/goalgraph/scheme/category/cost> "产出指标" "成本指标")
        (<https://w3id.org/goalgraph/scheme/category/economic> "效益指标" "经济效益指标")
        (<https://w3id.org/goalgraph/scheme/category/social> "效益指标" "社会效益指标")
        (<https://w3id.org/goalgraph/scheme/category/ecological> "效益指标" "生态效益指标")
        (<https://w3id.org/goalgraph/scheme/category/sustainability> "效益指标" "可持续影响指标")
        (<https://w3id.org/goalgraph/scheme/category/recipient-satisfaction> "满意度指标" "服务对象满意度指标")
      }
    }
    BIND(COALESCE(?l1, "") AS ?level1)
    BIND(COALESCE(?l2, "") AS ?level2)
    OPTIONAL { ?ind gg:hasTarget ?t . ?t qudt:value ?v }
    BIND(IF(BOUND(?v), 1, 0) AS ?quant)
    BIND(1 - ?quant AS ?qual)
  }
}
GROUP BY ?org ?level1 ?level2
"""

NON_DOCUMENT_BASES_SELECT = """
SELECT ?dept ?basis_kind (COUNT(DISTINCT ?ind) AS ?indicators) (MIN(?text) AS ?example_basis)
WHERE {
  ?ind a gg:Indicator .
  { ?ind gg:indicatorOf ?owner . ?owner gg:competentDepartment ?dept }
  UNION
  { ?ind gg:indicatorOf ?owner . ?owner gg:activityOf ?duty . ?duty gg:dutyOf ?dept }
  OPTIONAL {
    ?ind gg:hasBasis ?basis .
    OPTIONAL { ?basis gg:basisText ?basis_text }
    OPTIONAL {
      ?basis gg:basisKind ?kind .
      OPTIONAL {
        VALUES (?kind ?kind_label) {
          (<https://w3id.org/goalgraph/scheme/basis-kind/contract> "合同协议")
          (<https://w3id.org/goalgraph/scheme/basis-kind/procurement> "政府采购")
          (<https://w3id.org/goalgraph/scheme/basis-kind/survey> "调查")
          (<https://w3id.org/goalgraph/scheme/basis-kind/work-plan> "工作计划")
          (<https://w3id.org/goalgraph/scheme/basis-kind/statistics> "统计数据")
          (<https://w3id.org/goalgraph/scheme/basis-kind/estimate> "测算")
          (<https://w3id.org/goalgraph/scheme/basis-kind/unspecified> "未具体说明")
        }
      }
    }
  }
  OPTIONAL { ?ind gg:hasBasis ?b2 . ?b2 gg:citesDocument ?anything }  # anti-join: faster than FILTER NOT EXISTS
  FILTER(!BOUND(?anything))
  FILTER(!BOUND(?kind) || ?kind NOT IN (<https://w3id.org/goalgraph/scheme/basis-kind/policy-document>,
                                         <https://w3id.org/goalgraph/scheme/basis-kind/law>,
                                         <https://w3id.org/goalgraph/scheme/basis-kind/standard>))
  BIND(IF(BOUND(?basis), COALESCE(?kind_label, "未分类"), "无依据") AS ?basis_kind)
  BIND(COALESCE(STR(?basis_text), "") AS ?text)
}
GROUP BY ?dept ?basis_kind
"""


def summary_graph(base: str = DEFAULT_DATA_BASE) -> str:
    return f"{base}graph/summaries"


def _n(local: str) -> ox.NamedNode:
    return ox.NamedNode(GG + local)


def _cell(base: str, kind: str, *keys) -> ox.NamedNode:
    """A summary cell's IRI: deterministic (no blank nodes in instance data), hashed from its keys."""
    from goalgraph.iris import short_hash

    key = "\x1f".join("" if k is None else k.value for k in keys)
    return ox.NamedNode(f"{base}summary/{kind}/{short_hash(key)}")


def _rows(store, text: str):
    return store.store.query(PREFIXES + text, use_default_graph_as_union=True)


def materialize(store, base: str = DEFAULT_DATA_BASE) -> int:
    """(Re)compute every summary of ``store`` (a :class:`goalgraph.store.GraphStore`) into the named
    graph ``{base}graph/summaries``, replacing what was there. Returns the number of triples written."""
    g = ox.NamedNode(summary_graph(base))
    store.store.remove_graph(g) if store.store.contains_named_graph(g) else None
    quads: list[ox.Quad] = []

    def add(s, p: str, o) -> None:
        quads.append(ox.Quad(s, _n(p), o, g))

    for r in _rows(store, PROJECT_INDICATORS_SELECT):
        add(r["p"], "indicatorCount", r["indicators"])
    for r in _rows(store, MISSING_CATEGORY_SELECT):
        if int(r["missing_level1"].value) > 0 or int(r["missing_level2"].value) > 0:
            add(r["p"], "missingLevel1Count", r["missing_level1"])
            add(r["p"], "missingLevel2Count", r["missing_level2"])
    for r in _rows(store, DEPARTMENT_BUDGET_SELECT):
        add(r["org"], "projectCount", r["projects"])
        add(r["org"], "budgetTotal", r["budget"])
    for r in _rows(store, DEPARTMENT_INDICATORS_SELECT):
        add(r["org"], "projectIndicatorCount", r["n"])
    for r in _rows(store, DOCUMENT_CITERS_SELECT):
        add(r["document"], "citingIndicatorCount", r["indicators"])
        add(r["document"], "citingProjectCount", r["projects"])
        add(r["document"], "citingDepartmentCount", r["departments"])
    for r in _rows(store, INDICATOR_MIX_SELECT):
        cell = _cell(base, "mix", r["org"], r["level1"], r["level2"])
        add(cell, "summaryOf", r["org"])
        add(cell, "level1Label", r["level1"])
        add(cell, "level2Label", r["level2"])
        add(cell, "indicatorCount", r["indicators"])
        add(cell, "quantitativeCount", r["quantitative"])
        add(cell, "qualitativeCount", r["qualitative"])
    for r in _rows(store, NON_DOCUMENT_BASES_SELECT):
        cell = _cell(base, "basis", r["dept"], r["basis_kind"])
        add(cell, "summaryOf", r["dept"])
        add(cell, "basisKindLabel", r["basis_kind"])
        add(cell, "indicatorCount", r["indicators"])
        add(cell, "exampleBasis", r["example_basis"])
    quads.append(ox.Quad(g, ox.NamedNode(RDF_TYPE), _n("SummaryGraph"), g))
    store.store.extend(quads)
    store.flush()
    return len(quads)


def clear(store, base: str = DEFAULT_DATA_BASE) -> None:
    """Drop the summaries (queries fall back to the generic aggregates)."""
    g = ox.NamedNode(summary_graph(base))
    if store.store.contains_named_graph(g):
        store.store.remove_graph(g)
