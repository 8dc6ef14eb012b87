"""The validation tail at scale (issue #7): the findings' context, read in batches
(``validate._Neighbours``: whole-table scans or index lookups), and ``report.ttl`` written straight
from the results (``validate.report_triples``) give exactly what the per-node code they replaced gave.

The reference is that code, kept here as it was (one sorted index lookup per node and predicate,
an rdflib Graph of the report sorted and converted triple by triple), run on stores of several
documents (the seed and synthetic documents with the ontology in the default graph, and every shape
fixture in its own named graph) with the results the fast mode finds in them, and on small random
stores made so that every choice of the context has several candidates; the new code runs in each of
its ways of reading the store.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SH

from goalgraph import validate
from goalgraph.namespaces import DEFAULT_DATA_BASE, GG, bind_prefixes
from goalgraph.report import render
from goalgraph.store import GraphStore
from goalgraph.validate import (
    _CJK_RE, Finding, ValidationOutcome, _canonical, _lex, build_report_graph, local_name, report_triples,
    rule_id, validate_graph,
)

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "raw" / "yantai-2022-performance-targets.txt"
FIXTURES = Path(__file__).resolve().parent / "shapes"
BASE_LINE = f"@base <{DEFAULT_DATA_BASE}> ."


# -- the reference: the per-node code the batched lookups replaced (validate.py before issue #7) -----

_CONTAINERS = {str(GG.Project), str(GG.Activity), str(GG.Duty)}


def _path_lines(store: GraphStore, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, int]]:
    """For results with a path: the first source line of the focus node's own children along it
    (``{project}/plan/m12`` for ``gg:hasSpendingMilestone``), so a finding about a missing or
    wrong part of a table points at that table's rows rather than at the project heading."""
    out: dict[tuple[str, str], tuple[str, int]] = {}
    for x, p in sorted(pairs):
        lines = [(line, file) for o in _objects(store, x, p)
                 if isinstance(o, ox.NamedNode) and o.value.startswith(x + "/")
                 for line, file in _source_lines(store, o.value)]
        if lines:
            line, file = min(lines)
            out[(x, p)] = (file, line)
    return out


# Context lookups walk the graph with index lookups (quads_for_pattern), one focus node at a time:
# a VALUES block joined with UNION/OPTIONAL patterns is not pushed down by Oxigraph's optimiser and
# scanned every indicator of the store (47 s of 68 s at 1.5·10^5 triples).
PROV_DERIVED = rdflib.PROV.wasDerivedFrom
_UP_INDICATOR_VIA = tuple(str(GG[p]) for p in ("hasTarget", "hasBasis", "hasScoringRule", "hasGradeStandard"))
_UP_CONTAINER_VIA = tuple(str(GG[p]) for p in ("indicatorOf", "milestoneOf", "goalOf", "summarises", "activityOf"))
_DEPARTMENT_VIA = tuple(str(GG[p]) for p in ("competentDepartment", "dutyOf", "summaryDepartment")) + (
    "http://www.w3.org/ns/org#subOrganizationOf",)
_DESCRIBED_TYPES = {str(GG[t]) for t in ("Project", "Activity", "Duty", "Department", "Indicator", "SummaryEntry",
                                         "BudgetUnit")}


def _objects(store: GraphStore, s: str, p: str) -> list:
    return sorted({q.object for q in store.store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None, None)},
                  key=str)


def _subjects(store: GraphStore, p: str, o: str) -> list[str]:
    return sorted({q.subject.value for q in store.store.quads_for_pattern(None, ox.NamedNode(p), ox.NamedNode(o), None)
                   if isinstance(q.subject, ox.NamedNode)})


def _source_lines(store: GraphStore, node: str) -> list[tuple[int, str]]:
    out = []
    for r in _objects(store, node, str(PROV_DERIVED)):
        if isinstance(r, ox.NamedNode):
            lines = _objects(store, r.value, str(GG.sourceLine))
            files = _objects(store, r.value, str(GG.sourceFile))
            if lines and files:
                out.append((int(lines[0].value), files[0].value))
    return out


def _row(**terms) -> dict:
    return {k: (v if isinstance(v, (ox.NamedNode, ox.Literal)) else ox.NamedNode(v)) for k, v in terms.items()}


def _up_indicator(store: GraphStore, x: str) -> list[dict]:
    rows = [_row(x=x, up=s) for p in _UP_INDICATOR_VIA for s in _subjects(store, p, x)]
    rows += [_row(x=x, up=s) for b in _subjects(store, str(GG.hasCitation), x)
             for s in _subjects(store, str(GG.hasBasis), b)]
    return rows


def _up_container(store: GraphStore, x: str) -> list[dict]:
    rows = [_row(x=x, up=o) for p in _UP_CONTAINER_VIA for o in _objects(store, x, p) if isinstance(o, ox.NamedNode)]
    rows += [_row(x=x, up=s) for g in _subjects(store, str(GG.hasCitation), x)
             for s in _subjects(store, str(GG.hasGoal), g)]
    return rows


def _department(store: GraphStore, x: str) -> list[dict]:
    rows = [_row(x=x, up=o) for p in _DEPARTMENT_VIA for o in _objects(store, x, p) if isinstance(o, ox.NamedNode)]
    rows += [_row(x=x, up=o) for duty in _objects(store, x, str(GG.activityOf)) if isinstance(duty, ox.NamedNode)
             for o in _objects(store, duty.value, str(GG.dutyOf)) if isinstance(o, ox.NamedNode)]
    return rows


def _describe(store: GraphStore, x: str) -> list[dict]:
    rows = [_row(x=x, type=t) for t in _objects(store, x, str(rdflib.RDF.type)) if t.value in _DESCRIBED_TYPES]
    rows += [_row(x=x, label=label) for label in _objects(store, x, str(rdflib.SKOS.prefLabel))[:1]]
    rows += [_row(x=x, line=ox.Literal(str(line)), file=ox.Literal(file)) for line, file in _source_lines(store, x)]
    return rows


def _lookup(store: GraphStore, query, nodes: set[str]) -> list[dict]:
    return [row for x in sorted(nodes) for row in query(store, x)]


def _context(store: GraphStore, focus_nodes: list) -> dict[str, dict]:
    """Department → container (project / activity / duty) → indicator and source line of each focus
    node, from a few whole-store lookups (VALUES over the nodes involved)."""
    focus = {str(f) for f in focus_nodes if isinstance(f, URIRef)}
    if not focus:
        return {}
    indicator = {r["x"].value: r["up"].value for r in _lookup(store, _up_indicator, focus)}
    desc: dict[str, dict] = {}

    def describe(nodes: set[str]) -> None:
        todo = {n for n in nodes if n not in desc}
        for r in _lookup(store, _describe, todo) if todo else []:
            d = desc.setdefault(r["x"].value, {"types": set()})
            if "type" in r:
                d["types"].add(r["type"].value)
            if "label" in r and "label" not in d:
                d["label"] = r["label"].value
            if "line" in r:
                line = int(r["line"].value)
                if d.get("line") is None or line < d["line"]:
                    d["line"], d["file"] = line, r["file"].value
        for n in todo:
            desc.setdefault(n, {"types": set()})

    level1 = focus | set(indicator.values())
    describe(level1)
    for n in level1:  # a focus node that is itself an indicator
        if str(GG.Indicator) in desc[n]["types"]:
            indicator.setdefault(n, n)
    ups: dict[str, str] = {}
    for r in _lookup(store, _up_container, level1):
        ups.setdefault(r["x"].value, r["up"].value)
    describe(set(ups.values()))

    def container_of(n: str) -> str | None:
        for _ in range(4):
            if desc.get(n, {}).get("types", set()) & _CONTAINERS:
                return n
            nxt = ups.get(n)
            if nxt is None:
                return None
            n = nxt
        return None

    known = {x for x in desc if desc[x]["types"] & _CONTAINERS}
    containers: dict[str, str | None] = {}
    for f in focus:
        c = container_of(indicator.get(f, f)) or container_of(f)
        if c is None:  # hierarchical IRIs: {project}/goal/1/citation/2 → the longest known container prefix
            cut = f.rfind("/")
            while cut > 0 and f[:cut] not in known:
                cut = f.rfind("/", 0, cut)
            c = f[:cut] if cut > 0 else None
        containers[f] = c
    dept_of: dict[str, str] = {}
    for r in _lookup(store, _department, {c for c in containers.values() if c} | focus):
        dept_of.setdefault(r["x"].value, r["up"].value)
    describe(set(dept_of.values()))

    ctx: dict[str, dict] = {}
    for f in focus:
        ind = indicator.get(f)
        c = containers[f]
        dept = (dept_of.get(c) if c else None) or dept_of.get(f)
        if dept is None and str(GG.Department) in desc.get(f, {}).get("types", set()):
            dept = f
        line_src = next((n for n in (f, ind, c) if n and desc.get(n, {}).get("line") is not None), None)
        ctx[f] = {
            "file": desc[line_src]["file"] if line_src else None,
            "line": desc[line_src]["line"] if line_src else None,
            "dept": dept, "deptLabel": desc.get(dept, {}).get("label") if dept else None,
            "container": c, "containerLabel": desc.get(c, {}).get("label") if c else None,
            "indicator": ind, "indicatorLabel": desc.get(ind, {}).get("label") if ind else None,
        }
    return ctx


def reference_findings(raw: list[tuple], store: GraphStore) -> list[Finding]:
    ctx = _context(store, [r[0] for r in raw])
    plines = _path_lines(store, {(str(r[0]), str(r[2])) for r in raw
                                 if isinstance(r[0], URIRef) and isinstance(r[2], URIRef)})
    out = []
    for focus, shape, path, value, sev, comp, msgs, _constraint in raw:
        c = dict(ctx.get(str(focus), {}))
        if isinstance(path, URIRef) and (str(focus), str(path)) in plines:
            c["file"], c["line"] = plines[(str(focus), str(path))]
        zh = next((str(m) for m in msgs if getattr(m, "language", None) == "zh"), "")
        en = next((str(m) for m in msgs if getattr(m, "language", None) == "en"), "")
        for m in msgs:  # pySHACL drops the language tag of SPARQL-based messages
            if getattr(m, "language", None) is None:
                if len(_CJK_RE.findall(str(m))) > len(re.findall(r"[A-Za-z]", str(m))):
                    zh = zh or str(m)
                else:
                    en = en or str(m)
        val, kind = _lex(value)
        out.append(Finding(
            rule=rule_id(str(shape)), shape=str(shape), severity=local_name(str(sev)),
            focus=str(focus), path=str(path) if isinstance(path, URIRef) else None,
            value=val, value_kind=kind, value_key=_canonical(value),
            component=local_name(str(comp)) if comp else None,
            message_zh=zh, message_en=en,
            source_file=c.get("file"), source_line=c.get("line"),
            department=c.get("dept"), department_label=c.get("deptLabel"),
            project=c.get("container"), project_label=c.get("containerLabel"),
            indicator=c.get("indicator"), indicator_label=c.get("indicatorLabel"),
        ))
    return out


def reference_report_graph(raw: list[tuple], conforms: bool) -> rdflib.Graph:
    """A standard ``sh:ValidationReport``; results get deterministic IRIs-free blank nodes."""
    g = rdflib.Graph()
    bind_prefixes(g)
    report = rdflib.BNode("report")
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(conforms)))
    for i, (focus, shape, path, value, sev, comp, msgs, constraint) in enumerate(
            sorted(raw, key=lambda r: tuple(str(x) for x in r[:5]))):
        res = rdflib.BNode(f"result{i + 1}")
        g.add((report, SH.result, res))
        g.add((res, RDF.type, SH.ValidationResult))
        g.add((res, SH.focusNode, focus))
        g.add((res, SH.sourceShape, shape))
        g.add((res, SH.resultSeverity, sev))
        if comp is not None:
            g.add((res, SH.sourceConstraintComponent, comp))
        if isinstance(constraint, URIRef):
            g.add((res, SH.sourceConstraint, constraint))
        if path is not None and not isinstance(path, rdflib.BNode):
            g.add((res, SH.resultPath, path))
        if value is not None:
            g.add((res, SH.value, value))
        for m in msgs:
            g.add((res, SH.resultMessage, m))
    return g


def reference_turtle(g: rdflib.Graph) -> str:
    """report.render_turtle as it was: the Graph's triples sorted and converted one by one."""
    from goalgraph.pipeline import prefixes as vocabulary
    from goalgraph.store import to_ox_term

    used = {str(t) for triple in g for t in triple}

    def order(t):
        s, p, o = t
        return (len(str(s)), str(s), str(p), str(o))

    triples = [ox.Triple(to_ox_term(s), to_ox_term(p), to_ox_term(o)) for s, p, o in sorted(g, key=order)]
    known = dict(vocabulary(), sh=str(SH))
    prefixes = {p: ns for p, ns in sorted(known.items()) if any(u.startswith(ns) for u in used)}
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes).decode("utf-8")


# -- stores of several documents and their results ---------------------------------------------------


def _documents_store() -> GraphStore:
    """The seed and two small synthetic documents, each converted into its named graph, and the
    ontology in the default graph (as ``goalgraph build`` loads them)."""
    try:
        from goalgraph.convert import convert_document
        from goalgraph.ontology import ontology_ntriples
        from goalgraph.read import read_document
        from goalgraph.synth import write_corpus
    except ImportError as exc:  # pragma: no cover - depends on the checkout
        pytest.skip(f"reader, converter, ontology or synth not importable: {exc}")
    import tempfile

    store = GraphStore()
    store.load(ontology_ntriples(), fmt="ntriples")
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_corpus(tmp, governments=2, projects_per_gov=4, seed=7)
        if SEED.exists():
            paths.append(SEED)
        for path in paths:
            converted = convert_document(read_document(path))
            store.load(converted.text(), fmt="ntriples", graph=converted.graph)
    return store


def _fixtures_store() -> GraphStore:
    """Every shape fixture in its own named graph, with its own base IRI: departments, duties,
    activities, summary rows, policy documents and citations, valid and invalid."""
    store = GraphStore()
    for i, path in enumerate(sorted(FIXTURES.glob("GG-R*.ttl"))):
        text = path.read_text(encoding="utf-8").replace(BASE_LINE, f"@base <{DEFAULT_DATA_BASE}c{i}/> .")
        store.load(text, fmt="turtle", graph=f"{DEFAULT_DATA_BASE}graph/c{i}")
    return store


@pytest.fixture(scope="module", params=["documents", "fixtures"])
def case(request):
    store = _documents_store() if request.param == "documents" else _fixtures_store()
    outcome = validate_graph(store)
    raw = outcome._raw
    assert raw and len(raw) == len(outcome.results)
    return store, raw, outcome


@pytest.fixture(params=["scan", "seek", "one-by-one"])
def reading(request, monkeypatch):
    """How _Neighbours reads the store: whole tables, index lookups per node, or quads_for_pattern
    per node (the way for IRIs SPARQL cannot write)."""
    if request.param == "scan":
        monkeypatch.setattr(validate, "_SCAN_RATIO", 10**9)
    elif request.param == "seek":
        monkeypatch.setattr(validate, "_SCAN_RATIO", 0)
    else:
        monkeypatch.setattr(validate, "_NOT_IN_IRIREF", re.compile(r"."))
    return request.param


# -- the findings ----------------------------------------------------------------------------------


def test_findings_equal_the_per_node_reference(case, reading):
    store, raw, _outcome = case
    expected = reference_findings(raw, store)
    assert validate._findings(raw, store) == expected
    # the context is not empty: departments, projects, indicators and lines were found
    assert sum(f.source_line is not None for f in expected) > len(expected) / 2
    assert any(f.department for f in expected) and any(f.project for f in expected)


def test_a_mix_of_sparql_and_one_by_one_reading(case, monkeypatch):
    """Keys SPARQL could not write are read one by one next to the others in the same batch."""
    store, raw, _outcome = case
    monkeypatch.setattr(validate, "_NOT_IN_IRIREF", re.compile(r"[13579]$|/1/"))
    assert validate._findings(raw, store) == reference_findings(raw, store)


def test_validate_graph_findings_carry_the_reference_context(case):
    store, raw, outcome = case
    assert sorted(outcome.results, key=repr) == sorted(reference_findings(raw, store), key=repr)


def _tangled_store(seed: int) -> tuple[GraphStore, list[tuple]]:
    """A small random store where every choice of the context has candidates to choose among:
    several indicators, containers, departments, labels and records per node (lines that sort
    otherwise as text than as numbers, records without a line or a file, blank-node records), links
    through citations and duties, IRIs under other nodes' IRIs, literals and blank nodes where IRIs
    are expected, triples in the default graph and repeated in several graphs; and results on
    random nodes and paths."""
    import random

    rng = random.Random(seed)
    ex = "http://example.org/"
    nodes = [f"{ex}n{i}" for i in range(24)]
    nodes += [f"{rng.choice(nodes)}/c{j}" for j in range(12)]
    nodes += [f"{rng.choice(nodes)}/goal/{j}" for j in range(6)]
    # record IRIs that sort otherwise as text than between <> ("r1" < "r10", "<r10>" < "<r1>")
    records = [f"{ex}r{k}" for k in ("1", "10", "1/0", "1-0", "1.0", "2", "20", "2/0", "3")]
    types = sorted(validate._DESCRIBED_TYPES) + [str(GG.Citation), str(GG.BasisStatement)]
    links = (list(validate._UP_INDICATOR_VIA) + list(validate._UP_CONTAINER_VIA) + list(validate._DEPARTMENT_VIA)
             + [str(GG.hasCitation), str(GG.hasGoal), str(GG.hasIndicator), str(GG.hasSpendingMilestone)])
    graphs = [None, f"{ex}g/1", f"{ex}g/2", f"{ex}g/3"]
    quads = []

    def add(s, p, o):
        for g in rng.sample(graphs, rng.choice((1, 1, 1, 2))):
            quads.append(ox.Quad(s, ox.NamedNode(p), o, ox.NamedNode(g) if g else ox.DefaultGraph()))

    def some_node():
        r = rng.random()
        if r < 0.06:
            return ox.Literal(rng.choice(nodes))
        if r < 0.1:
            return ox.BlankNode(f"x{rng.randrange(3)}")
        return ox.NamedNode(rng.choice(nodes))

    for n in nodes:
        x = ox.NamedNode(n)
        for t in rng.sample(types, rng.choice((0, 1, 1, 2))):
            add(x, str(RDF.type), ox.NamedNode(t))
        for _ in range(rng.choice((0, 1, 1, 2))):
            add(x, str(rdflib.SKOS.prefLabel), rng.choice((ox.Literal(f"L{rng.randrange(5)}", language="zh"),
                                                           ox.Literal(f"L{rng.randrange(5)}"))))
        for _ in range(rng.choice((0, 1, 1, 2))):
            add(x, str(rdflib.PROV.wasDerivedFrom),
                ox.NamedNode(rng.choice(records)) if rng.random() < 0.9 else ox.BlankNode("rec"))
        for _ in range(rng.randrange(5)):
            add(x, rng.choice(links), some_node())
        for _ in range(rng.randrange(3)):  # a child along a path, {n}/…
            children = [m for m in nodes if m.startswith(n + "/")]
            if children:
                add(x, rng.choice(links[-2:] + [str(GG.basisText)]), ox.NamedNode(rng.choice(children)))
    for _ in range(12):  # citations: x ← hasCitation g ← hasGoal / hasBasis s
        x = ox.NamedNode(rng.choice(nodes))
        for g in rng.sample(nodes, rng.choice((1, 2))):
            add(ox.NamedNode(g), str(GG.hasCitation), x)
            for s in rng.sample(nodes, rng.choice((1, 2, 3))):
                add(ox.NamedNode(s), rng.choice((str(GG.hasGoal), str(GG.hasBasis))), ox.NamedNode(g))
    for _ in range(8):  # activities of duties of departments
        duty = ox.NamedNode(rng.choice(nodes))
        add(ox.NamedNode(rng.choice(nodes)), str(GG.activityOf), duty)
        for _ in range(rng.choice((1, 2))):
            add(duty, str(GG.dutyOf), some_node())
    for r in records + ["rec"]:
        subject = ox.NamedNode(r) if r != "rec" else ox.BlankNode("rec")
        for _ in range(rng.choice((0, 1, 1, 2))):
            add(subject, str(GG.sourceLine), ox.Literal(str(rng.choice((9, 10, 100))),
                                                        datatype=ox.NamedNode(str(rdflib.XSD.integer))))
        for _ in range(rng.choice((0, 1, 1, 2))):
            add(subject, str(GG.sourceFile), ox.Literal(rng.choice(("a.txt", "b.txt"))))
    store = GraphStore()
    store.store.extend(quads)
    paths = [None, GG.basisText, GG.hasIndicator, GG.hasSpendingMilestone, GG.hasGoal, rdflib.BNode("p")]
    raw = []
    for k in range(30):
        focus = URIRef(rng.choice(nodes)) if k % 10 else rdflib.BNode(f"f{k}")
        raw.append(_raw(focus, Literal(str(k)), (Literal("m", lang="en"),), path=rng.choice(paths)))
    return store, raw


@pytest.mark.parametrize("seed", range(40))
def test_findings_equal_the_reference_on_tangled_stores(seed, reading):
    store, raw = _tangled_store(seed)
    assert validate._findings(raw, store) == reference_findings(raw, store)


# -- the report ------------------------------------------------------------------------------------


def test_report_ttl_and_md_equal_the_graph_based_reference(case):
    _store, raw, outcome = case
    expected = reference_turtle(reference_report_graph(raw, outcome.conforms))
    assert render(outcome, "turtle") == expected
    # a report handed out as a Graph is written from the Graph: the same bytes
    fresh = ValidationOutcome(outcome.conforms, outcome.results, mode=outcome.mode, raw=raw)
    graph = fresh.report
    assert rdflib.compare.isomorphic(graph, reference_report_graph(raw, outcome.conforms))
    assert fresh.report_triples() is None
    assert render(fresh, "turtle") == expected
    given = ValidationOutcome(outcome.conforms, outcome.results, report=reference_report_graph(raw, outcome.conforms))
    assert render(given, "turtle") == expected
    assert render(given, "markdown") == render(outcome, "markdown")


def _raw(focus, value, msgs, path=GG.basisText, shape="GG-R34-BasisSpecific"):
    shapes = "https://w3id.org/goalgraph/shapes#"
    return (focus, URIRef(shapes + shape), path, value, SH.Warning, SH.SPARQLConstraintComponent, msgs,
            URIRef(shapes + shape + "-sparql"))


def test_report_of_unusual_results():
    """Repeated messages (a Graph holds them once), blank nodes, literals of every kind, no path,
    messages out of order, an IRI value equal to the focus node."""
    base = DEFAULT_DATA_BASE
    raw = [
        _raw(URIRef(base + "p/1"), Literal("a b"), (Literal("同一", lang="zh"), Literal("同一", lang="zh"))),
        _raw(URIRef(base + "p/2"), Literal("90.00", datatype=rdflib.XSD.decimal),
             (Literal("z", lang="en"), Literal("a", lang="en"), Literal("m"))),
        _raw(rdflib.BNode("b0"), rdflib.BNode("b1"), (), path=rdflib.BNode("path")),
        _raw(URIRef(base + "p/3"), URIRef(base + "p/3"), (Literal('line\nbreak "quoted"'),), path=None),
        _raw(URIRef(base + "p/4"), Literal("true", datatype=rdflib.XSD.boolean), (Literal("x", lang="zh-Hant"),),
             shape="GG-R9-CheckpointFilled"),
        _raw(URIRef(base + "p/5"), Literal("2022", datatype=rdflib.XSD.gYear), (), path=RDF.type),
    ]
    for conforms in (True, False):
        outcome = ValidationOutcome(conforms, [], raw=raw)
        assert render(outcome, "turtle") == reference_turtle(reference_report_graph(raw, conforms))
    assert render(ValidationOutcome(True, [], raw=[]), "turtle") == reference_turtle(reference_report_graph([], True))


def test_a_blank_node_named_like_a_report_node_falls_back_to_the_graph():
    raw = [_raw(rdflib.BNode("result1"), Literal("v"), (Literal("m", lang="en"),)),
           _raw(URIRef(DEFAULT_DATA_BASE + "p/1"), rdflib.BNode("report"), ())]
    assert report_triples(raw, False) is None
    outcome = ValidationOutcome(False, [], raw=raw)
    assert render(outcome, "turtle") == reference_turtle(reference_report_graph(raw, False))


def test_the_report_graph_is_made_once_and_is_the_report():
    raw = [_raw(URIRef(DEFAULT_DATA_BASE + "p/1"), Literal("v"), (Literal("m", lang="en"),))]
    outcome = ValidationOutcome(True, [], raw=raw)
    g = outcome.report
    assert outcome.report is g
    assert len(g) == len(build_report_graph(raw, True))
    g.add((rdflib.BNode("report"), RDF.type, URIRef("http://example.org/Extra")))
    assert "Extra" in render(outcome, "turtle")  # written from the (changed) Graph


