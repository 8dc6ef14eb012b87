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

The ``*_SELECT`` texts below are the saved queries' generic sub-selects (what a query runs
without summaries). :func:`materialize` computes the same rows with :func:`compute`, one pass over
the ~15 predicates involved, in Python (2.6× less CPU than running the selects on Oxigraph at 2·10^6
quads). Memory is what limits it at province scale, so each predicate is streamed into a table of
interned term strings (subject → its object, a tuple only when several), read only when first
needed and dropped after its last use: about 7× less Python heap than string dicts of dicts.
``tests/test_summaries.py`` checks compute = the selects term for term on the seed, a
synthetic corpus and the query fixture, and the queries' rows with and without summaries.

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

import re
from decimal import Decimal

import pyoxigraph as ox

from goalgraph.namespaces import DEFAULT_DATA_BASE
from goalgraph.ntriples import canonical_decimal

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


# -- the same aggregates in one pass over a few predicate tables ------------------------------------
# Oxigraph evaluates the *_SELECT texts with an index lookup per row (~9 µs): 7 CPU-s for 2·10^6
# quads, over 3 minutes at province scale. The summaries only need ~15 predicates, so
# :func:`compute` scans each once (a streamed TSV select) and aggregates in dicts — about 10× less.
# It mirrors each SELECT's SPARQL semantics (OPTIONAL, DISTINCT, COALESCE, the shared ?dept of
# DOCUMENT_CITERS' two OPTIONALs); tests/test_summaries.py checks it row for row against them.
SCHEME = "https://w3id.org/goalgraph/scheme/"
XSD = "http://www.w3.org/2001/XMLSchema#"
LEVEL2 = {f"{SCHEME}category/{c}" for c in ("quantity", "quality", "timeliness", "cost", "economic", "social",
                                                "ecological", "sustainability", "recipient-satisfaction")}
MIX_LABELS = {f"{SCHEME}category/{slug}": labels for slug, labels in {
    "output": ("产出指标", ""), "benefit": ("效益指标", ""), "satisfaction": ("满意度指标", ""),
    "quantity": ("产出指标", "数量指标"), "quality": ("产出指标", "质量指标"), "timeliness": ("产出指标", "时效指标"),
    "cost": ("产出指标", "成本指标"), "economic": ("效益指标", "经济效益指标"), "social": ("效益指标", "社会效益指标"),
    "ecological": ("效益指标", "生态效益指标"), "sustainability": ("效益指标", "可持续影响指标"),
    "recipient-satisfaction": ("满意度指标", "服务对象满意度指标")}.items()}
KIND_LABELS = {f"{SCHEME}basis-kind/{slug}": label for slug, label in {
    "contract": "合同协议", "procurement": "政府采购", "survey": "调查", "work-plan": "工作计划",
    "statistics": "统计数据", "estimate": "测算", "unspecified": "未具体说明"}.items()}
DOCUMENT_KINDS = {f"{SCHEME}basis-kind/{slug}" for slug in ("policy-document", "law", "standard")}
QUDT_VALUE = "http://qudt.org/schema/qudt/value"


def _integer(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))


def _string(text: str) -> ox.Literal:
    return ox.Literal(text)


class _Lines:
    """A binary writer for ``QuerySolutions.serialize`` that hands the TSV rows (header dropped, each
    ended by a newline) to ``consume`` as Oxigraph writes them, 8 KB at a time: a result is never
    held whole (memory)."""

    def __init__(self, consume) -> None:
        self.consume, self.rest, self.header = consume, b"", True

    def write(self, chunk: bytes) -> int:
        lines, newline, self.rest = (self.rest + chunk).rpartition(b"\n")
        if newline:
            rows = lines.decode("utf-8").split("\n")
            self.consume(rows[1:] if self.header else rows)
            self.header = False
        return len(chunk)

    def flush(self) -> None:
        pass


class _Tables:
    """Predicate tables read from the store (union of all graphs, duplicates dropped).

    Terms are N-Triples strings, read from a TSV result serialised by Oxigraph and streamed
    (:class:`_Lines`): about 3× faster than a Python object per quad from ``quads_for_pattern``;
    only output terms become objects. To save memory (10^6 indicators at province scale), each
    distinct term is one shared string (``terms`` interns them); a table maps a subject to its object,
    or to a tuple of objects (first-seen order) only when it has several; predicates needed for
    membership only are read as subjects; :func:`compute` drops tables after their last use.
    """

    def __init__(self, store) -> None:
        self.store = store.store
        self.terms: dict[str, str] = {}
        self._cache: dict[str, dict] = {}

    def _scan(self, select: str, consume) -> None:
        result = self.store.query(select, use_default_graph_as_union=True)
        result.serialize(_Lines(consume), format=ox.QueryResultsFormat.TSV)

    def table(self, predicate: str) -> dict:
        """Subject → object, or → a tuple of objects when there are several (see :func:`_objects`)."""
        table: dict = {}
        intern = self.terms.setdefault

        def add(rows) -> None:
            for row in rows:
                s, o = row.split("\t", 1)
                s, o = intern(s, s), intern(o, o)
                old = table.setdefault(s, o)
                if old is not o and (type(old) is str or o not in old):
                    table[s] = (old, o) if type(old) is str else old + (o,)

        self._scan(f"SELECT ?s ?o WHERE {{ ?s <{predicate}> ?o }}", add)
        return table

    def subjects(self, pattern: str, among=None, share: bool = True) -> dict:
        """The distinct ?s of ``pattern`` in first-seen order (a dict: an ordered set); with ``among``,
        only those with an ?o in it; ``share=False`` does not intern them (a throw-away set)."""
        found: dict = {}
        intern = self.terms.setdefault if share else lambda s, _: s

        def add(rows) -> None:
            for row in rows:
                s, _, o = row.partition("\t")
                if among is None or o in among:
                    found[intern(s, s)] = None

        self._scan(f"SELECT ?s {'' if among is None else '?o '}WHERE {{ {pattern} }}", add)
        return found

    def get(self, local: str) -> dict:
        """The table of ``gg:{local}``, kept until :meth:`drop`."""
        if local not in self._cache:
            self._cache[local] = self.table(GG + local)
        return self._cache[local]

    def typed(self, cls: str) -> dict:
        """The instances of ``gg:{cls}`` (an ordered set), kept until :meth:`drop`."""
        if cls not in self._cache:
            self._cache[cls] = self.subjects(f"?s a <{GG}{cls}>")
        return self._cache[cls]

    def drop(self, *names: str) -> None:
        for name in names:
            self._cache.pop(name, None)


def _objects(table: dict, subject: str) -> tuple:
    """The objects of ``subject`` in a :meth:`_Tables.table`."""
    o = table.get(subject)
    return () if o is None else o if type(o) is tuple else (o,)


_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_SIMPLE = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _lexical(term: str) -> str:
    """The lexical form of a literal as TSV writes it (quoted, or a bare Turtle number)."""
    if not term.startswith('"'):
        return term
    body = term[1:term.rindex('"')]
    if "\\" not in body:
        return body
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)) if not m.group(3)
                       else _SIMPLE[m.group(3)], body)


def _is_integer(term: str) -> bool:
    """An xsd:integer literal as TSV writes it: a bare ``600`` (or the quoted typed form)."""
    return term.endswith(f"^^<{XSD}integer>") or (not term.startswith('"') and term.lstrip("+-").isdigit())


def _iri(term: str) -> str:
    return term[1:-1]


def _node(term: str) -> ox.NamedNode:
    return ox.NamedNode(_iri(term))


def compute(store) -> dict[str, list[dict]]:
    """Rows of every ``*_SELECT`` (name → list of {variable: term}), computed in Python.

    Each table is read when first needed and dropped after its last use (memory)."""
    t = _Tables(store)
    rows: dict[str, list[dict]] = {}
    rows["PROJECT_INDICATORS_SELECT"], rows["MISSING_CATEGORY_SELECT"] = _project_rows(t)
    rows["DEPARTMENT_BUDGET_SELECT"] = _budget_rows(t)
    rows["DEPARTMENT_INDICATORS_SELECT"] = _department_indicator_rows(t)
    t.drop("hasIndicator")
    rows["INDICATOR_MIX_SELECT"] = _mix_rows(t)
    t.drop("indicatorCategory")
    rows["DOCUMENT_CITERS_SELECT"] = _citer_rows(t)
    t.drop("Project")
    rows["NON_DOCUMENT_BASES_SELECT"] = _basis_rows(t)
    return rows


def _project_rows(t: _Tables) -> tuple[list[dict], list[dict]]:
    """PROJECT_INDICATORS_SELECT and MISSING_CATEGORY_SELECT."""
    has_ind, category = t.get("hasIndicator"), t.get("indicatorCategory")
    level1 = t.subjects(f"?s <{GG}level1Category> ?o")
    level2 = {f"<{c}>" for c in LEVEL2}
    counts, missing = [], []
    for p in t.typed("Project"):
        inds = _objects(has_ind, p)
        counts.append({"p": _node(p), "indicators": _integer(len(inds))})
        if inds:
            m1 = sum(1 for i in inds if i not in level1)
            m2 = sum(1 for i in inds if level2.isdisjoint(_objects(category, i)))
            missing.append({"p": _node(p), "indicators": _integer(len(inds)), "missing_level1": _integer(m1),
                            "missing_level2": _integer(m2)})
    return counts, missing


def _budget_rows(t: _Tables) -> list[dict]:
    """DEPARTMENT_BUDGET_SELECT."""
    dept_of, budget = t.get("competentDepartment"), t.table(GG + "annualBudget")
    by_org: dict = {}
    for p in t.typed("Project"):
        amounts = _objects(budget, p) or (None,)
        for org in _objects(dept_of, p):
            cell = by_org.setdefault(org, {})
            for a in amounts:
                cell[(p, a)] = None
    rows = []
    for org, pairs in by_org.items():
        decimal = any(a is not None and not _is_integer(a) for _, a in pairs)
        total = sum((Decimal(_lexical(a)) for _, a in pairs if a is not None), Decimal(0))
        value = (ox.Literal(canonical_decimal(total), datatype=ox.NamedNode(XSD + "decimal")) if decimal
                 else _integer(int(total)))
        rows.append({"org": _node(org), "projects": _integer(len(pairs)), "budget": value})
    return rows


def _department_indicator_rows(t: _Tables) -> list[dict]:
    """DEPARTMENT_INDICATORS_SELECT."""
    dept_of, has_ind = t.get("competentDepartment"), t.get("hasIndicator")
    org_inds: dict = {}
    for p in t.typed("Project"):
        for org in _objects(dept_of, p):
            org_inds.setdefault(org, set()).update(_objects(has_ind, p))
    return [{"org": _node(o), "n": _integer(len(i))} for o, i in org_inds.items() if i]


def _departments(t: _Tables):
    """(via_activity, via_any_owner): an indicator's departments through an activity's duty, and
    through any owner (a project's competent department too)."""
    ind_of, dept_of = t.get("indicatorOf"), t.get("competentDepartment")
    activity_of, duty_of = t.get("activityOf"), t.get("dutyOf")

    def via_activity(ind: str) -> set:
        return {d for a in _objects(ind_of, ind) for duty in _objects(activity_of, a) for d in _objects(duty_of, duty)}

    def via_any_owner(ind: str) -> set:
        return {d for o in _objects(ind_of, ind) for d in _objects(dept_of, o)} | via_activity(ind)

    return via_activity, via_any_owner


def _citer_rows(t: _Tables) -> list[dict]:
    """DOCUMENT_CITERS_SELECT."""
    projects, dept_of, ind_of = t.typed("Project"), t.get("competentDepartment"), t.get("indicatorOf")
    has_basis, cites = t.get("hasBasis"), t.get("citesDocument")
    via_activity, _ = _departments(t)
    citers: dict = {}
    for ind in has_basis:
        documents = [doc for b in _objects(has_basis, ind) for doc in _objects(cites, b)]
        if not documents:
            continue
        owners = [p for p in _objects(ind_of, ind) if p in projects]
        left = [(p, d) for p in owners for d in (_objects(dept_of, p) or (None,))] or [(None, None)]
        depts = set()
        for _, d in left:  # the second OPTIONAL binds ?dept only where the first left it unbound
            depts |= {d} if d is not None else via_activity(ind)
        for doc in documents:
            c = citers.setdefault(doc, (set(), set(), set()))
            c[0].add(ind)
            c[1].update(p for p, _ in left if p is not None)
            c[2].update(depts)
    return [{"document": _node(doc), "indicators": _integer(len(i)), "projects": _integer(len(p)),
             "departments": _integer(len(d))} for doc, (i, p, d) in citers.items()]


def _mix_rows(t: _Tables) -> list[dict]:
    """INDICATOR_MIX_SELECT."""
    category, (_, via_any_owner) = t.get("indicatorCategory"), _departments(t)
    with_value = t.subjects(f"?s <{QUDT_VALUE}> ?o", share=False)
    quantitative = t.subjects(f"?s <{GG}hasTarget> ?o", among=with_value)
    del with_value
    mix_labels = {f"<{c}>": labels for c, labels in MIX_LABELS.items()}
    mix: dict = {}
    for ind in t.typed("Indicator"):
        orgs = via_any_owner(ind)
        if not orgs:
            continue
        labels = {mix_labels[c] for c in _objects(category, ind) if c in mix_labels} or {("", "")}
        quant = 1 if ind in quantitative else 0
        for org in orgs:
            for l1, l2 in labels:
                cell = mix.setdefault((org, l1, l2), [0, 0, 0])
                cell[0] += quant
                cell[1] += 1 - quant
                cell[2] += 1
    return [{"org": _node(org), "level1": _string(l1), "level2": _string(l2), "quantitative": _integer(q),
             "qualitative": _integer(ql), "indicators": _integer(n)} for (org, l1, l2), (q, ql, n) in mix.items()]


def _basis_rows(t: _Tables) -> list[dict]:
    """NON_DOCUMENT_BASES_SELECT."""
    has_basis, cites, (_, via_any_owner) = t.get("hasBasis"), t.get("citesDocument"), _departments(t)
    basis_text, basis_kind = t.table(GG + "basisText"), t.table(GG + "basisKind")
    kind_labels = {f"<{k}>": label for k, label in KIND_LABELS.items()}
    document_kinds = {f"<{k}>" for k in DOCUMENT_KINDS}
    kinds: dict = {}
    for ind in t.typed("Indicator"):
        depts = via_any_owner(ind)
        bases = _objects(has_basis, ind)
        if not depts or any(b in cites for b in bases):
            continue
        found: list[tuple[str, str]] = []  # (basis kind label, text) rows that survive the filters
        for b in bases:
            texts = [_lexical(x) for x in _objects(basis_text, b)] or [""]
            for k in _objects(basis_kind, b) or (None,):
                if k not in document_kinds:
                    found += [(kind_labels.get(k, "未分类"), x) for x in texts]
        if not bases:
            found = [("无依据", "")]
        for d in depts:
            for label, text in found:
                cell = kinds.setdefault((d, label), [set(), None])
                cell[0].add(ind)
                cell[1] = text if cell[1] is None or text < cell[1] else cell[1]
    return [{"dept": _node(d), "basis_kind": _string(label), "indicators": _integer(len(inds)),
             "example_basis": _string(text)} for (d, label), (inds, text) in kinds.items()]


def materialize(store, base: str = DEFAULT_DATA_BASE) -> int:
    """(Re)compute every summary of ``store`` (a :class:`goalgraph.store.GraphStore`) into the named
    graph ``{base}graph/summaries``, replacing what was there. Returns the number of triples written."""
    return write(store, summary_quads(store, base), base)


def write(store, quads: list[ox.Quad], base: str = DEFAULT_DATA_BASE) -> int:
    """Replace the summaries graph of ``store`` with ``quads`` (from :func:`summary_quads`,
    perhaps of a read-only open of the same store in another process)."""
    g = ox.NamedNode(summary_graph(base))
    store.store.remove_graph(g) if store.store.contains_named_graph(g) else None
    store.store.extend(quads)
    store.flush()
    return len(quads)


def summary_quads(store, base: str = DEFAULT_DATA_BASE) -> list[ox.Quad]:
    """The quads of the summaries graph of ``store`` (read only)."""
    g = ox.NamedNode(summary_graph(base))
    quads: list[ox.Quad] = []
    rows = compute(store)

    def add(s, p: str, o) -> None:
        quads.append(ox.Quad(s, _n(p), o, g))

    for r in rows["PROJECT_INDICATORS_SELECT"]:
        add(r["p"], "indicatorCount", r["indicators"])
    for r in rows["MISSING_CATEGORY_SELECT"]:
        if int(r["missing_level1"].value) > 0 or int(r["missing_level2"].value) > 0:
            add(r["p"], "missingLevel1Count", r["missing_level1"])
            add(r["p"], "missingLevel2Count", r["missing_level2"])
    for r in rows["DEPARTMENT_BUDGET_SELECT"]:
        add(r["org"], "projectCount", r["projects"])
        add(r["org"], "budgetTotal", r["budget"])
    for r in rows["DEPARTMENT_INDICATORS_SELECT"]:
        add(r["org"], "projectIndicatorCount", r["n"])
    for r in rows["DOCUMENT_CITERS_SELECT"]:
        add(r["document"], "citingIndicatorCount", r["indicators"])
        add(r["document"], "citingProjectCount", r["projects"])
        add(r["document"], "citingDepartmentCount", r["departments"])
    for r in rows["INDICATOR_MIX_SELECT"]:
        cell = _cell(base, "mix", r["org"], r["level1"], r["level2"])
        add(cell, "summaryOf", r["org"])
        add(cell, "level1Label", r["level1"])
        add(cell, "level2Label", r["level2"])
        add(cell, "indicatorCount", r["indicators"])
        add(cell, "quantitativeCount", r["quantitative"])
        add(cell, "qualitativeCount", r["qualitative"])
    for r in rows["NON_DOCUMENT_BASES_SELECT"]:
        cell = _cell(base, "basis", r["dept"], r["basis_kind"])
        add(cell, "summaryOf", r["dept"])
        add(cell, "basisKindLabel", r["basis_kind"])
        add(cell, "indicatorCount", r["indicators"])
        add(cell, "exampleBasis", r["example_basis"])
    quads.append(ox.Quad(g, ox.NamedNode(RDF_TYPE), _n("SummaryGraph"), g))
    return quads


def clear(store, base: str = DEFAULT_DATA_BASE) -> None:
    """Drop the summaries (queries fall back to the generic aggregates)."""
    g = ox.NamedNode(summary_graph(base))
    if store.store.contains_named_graph(g):
        store.store.remove_graph(g)
