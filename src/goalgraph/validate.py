"""Validation engine: the SHACL shapes in ``shapes/`` run against a graph or a store.

Two modes give the same findings:

``mode="fast"`` (default)
    SHACL-Core shapes run with pySHACL (``inference="none"``) once per document named graph
    (a partition), and every SHACL-SPARQL constraint runs **once** as a whole-store SELECT on
    Oxigraph: the shape's ``sh:select`` with ``$this`` replaced by ``?this`` (each select starts
    with ``$this a gg:Class``, the shape's target, so no target has to be spliced in). pySHACL
    would run the same query once per focus node through rdflib's SPARQL engine, which is the
    bottleneck on large graphs (TOOLING.md, pitfall 13).
``goalgraph build`` (fast mode, split)
    the Core shapes (:func:`core_results_ntriples`) and the SPARQL checks annotated
    ``ggsh:scope "document"`` (:func:`document_sparql_results`, see :data:`SCOPES`) run per document
    in the conversion workers; ``validate_graph(store, core=..., local=...)`` merges their results and
    runs only the corpus-scope SPARQL checks on the store.
``mode="pyshacl"``
    Plain ``pyshacl.validate`` on the whole graph with every shape: the reference semantics.
    ``tests/test_validate.py`` proves both modes give the same set of
    (focusNode, sourceShape, path, value, severity).

Both modes merge into one standard ``sh:ValidationReport`` (an rdflib Graph) and into plain
:class:`Finding` dataclasses carrying the rule id, both messages, and the context the reports
need (department → project → indicator, source file and line).

Configuration (:class:`Settings`, or a TOML file given to ``goalgraph validate --settings``)::

    [severity]            # per rule id ("GG-R31") or per shape ("GG-R31-WeightTotal")
    GG-R31 = "Violation"  # Violation | Warning | Info
    GG-R34 = "Info"

    [params]              # numeric parameters of the shapes (local practice, see shapes/README.md)
    weightTotal = 90      # R31
    roundingTolerance = 0.5

A parameter is declared in a shape's query as ``BIND(90 AS ?weightTotal)`` (SHACL-SPARQL forbids
``VALUES`` in constraints, and pySHACL enforces it); the engine replaces the bound value with the
configured one — a number or boolean formatted by Python, never text taken from the user — in both
modes. ``budgetYear`` 0 (the default) means "the ``gg:fiscalYear`` of each source document".
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
from collections import Counter
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import SH

from goalgraph.errors import GoalgraphError, UsageError
from goalgraph.namespaces import GG, GGSH, bind_prefixes
from goalgraph.resources import resource_dir
from goalgraph.store import GraphStore, cached_rdflib_terms
from goalgraph.store import to_ox_term as _ox_term, to_rdflib_term as _rdflib_term

SEVERITIES = {"Violation": SH.Violation, "Warning": SH.Warning, "Info": SH.Info}
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
RULE_RE = re.compile(r"^(GG-R\d+)-")

#: parameters the shapes declare with ``VALUES ?name { default }`` and their defaults
DEFAULT_PARAMS: dict[str, object] = {
    "roundingTolerance": Decimal("0.5"),  # R4: the summary table rounds to whole 万元
    "planTolerance": Decimal("0.005"),  # R8: 12月底 cumulative amount vs 年度资金总额
    "weightTotal": Decimal("90"),  # R31: Yantai practice (10 points kept for 预算执行率)
    "weightMax": Decimal("100"),  # R31: never more than 100
    "weightTolerance": Decimal("0.001"),  # R31
    "budgetYear": None,  # R38/R43/R53/R65: None = the gg:fiscalYear of each source document
    "minDocYear": 1949,  # R43
    "maxNameLength": 40,  # R19
    "minGoalLength": 8,  # R12
    "accept101Layout": True,
    "outputShare": 50,  # R32 (财预〔2020〕10号 self-evaluation weights, [MEM])
    "benefitShare": 30,
    "satisfactionShare": 10,  # R14: accept 成本指标 as a level-1 class (财预〔2021〕101号)
}


@dataclass
class Settings:
    """Severity overrides, shape parameters and where the shapes live."""

    severity_overrides: dict[str, str] = field(default_factory=dict)
    params: dict[str, object] = field(default_factory=dict)
    shapes_dir: Path | None = None
    # pySHACL convention: any result makes the graph non-conforming; allow_infos lets Infos pass,
    # allow_warnings lets Warnings and Infos pass (only Violations count)
    allow_warnings: bool = False
    allow_infos: bool = False

    def __post_init__(self) -> None:
        for key, sev in self.severity_overrides.items():
            if sev not in SEVERITIES:
                raise UsageError(f"severity for {key}: {sev!r} is not one of {', '.join(SEVERITIES)}")
            if not re.fullmatch(r"GG-R\d+(-[A-Za-z0-9-]+)?", key):
                raise UsageError(f"severity override {key!r}: expected a rule id like GG-R31 or a shape name")
        for key, value in self.params.items():
            if key not in DEFAULT_PARAMS:
                raise UsageError(f"unknown shape parameter {key!r} (known: {', '.join(DEFAULT_PARAMS)})")
            _format_param(key, value)  # raises on a bad type

    @classmethod
    def load(cls, path: str | Path) -> "Settings":
        """Read a TOML settings file (``[severity]`` and ``[params]`` tables)."""
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise UsageError(f"{path}: cannot read settings: {exc}") from exc
        unknown = set(data) - {"severity", "params", "allow_warnings", "allow_infos"}
        if unknown:
            raise UsageError(f"{path}: unknown settings section(s): {', '.join(sorted(unknown))}")
        return cls(
            severity_overrides=dict(data.get("severity", {})),
            params=dict(data.get("params", {})),
            allow_warnings=bool(data.get("allow_warnings", False)),
            allow_infos=bool(data.get("allow_infos", False)),
        )

    def param(self, name: str) -> object:
        return self.params.get(name, DEFAULT_PARAMS[name])


def _format_param(name: str, value: object) -> str:
    """A parameter value as a SPARQL term (numbers and booleans only; None → 0, "not set")."""
    if value is None:
        return "0"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal, float)):
        try:
            d = Decimal(str(value))
        except InvalidOperation as exc:
            raise UsageError(f"parameter {name}: not a number: {value!r}") from exc
        if not d.is_finite():
            raise UsageError(f"parameter {name}: not a finite number: {value!r}")
        if d == d.to_integral_value() and not isinstance(value, float):
            return str(int(d))
        return format(d, "f")
    raise UsageError(f"parameter {name}: expected a number or boolean, got {type(value).__name__}")


# ---------------------------------------------------------------------------------------------
# results


@dataclass(frozen=True, slots=True)  # slots: a large build holds a million of them
class Finding:
    """One validation result, flattened for reports."""

    rule: str  # "GG-R8"
    shape: str  # full shape IRI
    severity: str  # "Violation" | "Warning" | "Info"
    focus: str  # IRI (or blank node id) of the focus node
    path: str | None = None
    value: str | None = None  # lexical value (IRI or literal text)
    value_kind: str | None = None  # "iri" | "literal" | "bnode"
    component: str | None = None
    message_zh: str = ""
    message_en: str = ""
    # context (filled from the graph)
    source_file: str | None = None
    source_line: int | None = None
    department: str | None = None
    department_label: str | None = None
    project: str | None = None  # the project (or activity / duty) the finding sits under
    project_label: str | None = None
    indicator: str | None = None
    indicator_label: str | None = None

    @property
    def shape_name(self) -> str:
        return local_name(self.shape)

    value_key: str | None = None  # canonical form of the value (numbers normalised: 90.00 → 90)

    def key(self) -> tuple:
        """The identity used to compare modes: (focus, shape, path, value, severity)."""
        return (self.focus, self.shape, self.path, self.value_key, self.severity)


class ValidationOutcome:
    """The findings (sorted for reports) and the ``sh:ValidationReport``.

    ``report`` is an rdflib Graph, made on first use from the results the engine merged (``raw``):
    the reports write ``report.ttl`` from them directly (:func:`report_triples`)."""

    def __init__(self, conforms: bool, results: list[Finding], report: rdflib.Graph | None = None,
                 mode: str = "fast", raw: list[tuple] | None = None) -> None:
        self.conforms = conforms
        self.results = results
        self.mode = mode
        self._report = report
        self._raw = raw if report is None else None

    def __repr__(self) -> str:
        return (f"ValidationOutcome(conforms={self.conforms!r}, results=[{len(self.results)} findings], "
                f"mode={self.mode!r})")

    @property
    def report(self) -> rdflib.Graph:
        if self._report is None:
            self._report = build_report_graph(self._raw or [], self.conforms)
            self._raw = None  # the Graph may be changed from now on: it is the report
        return self._report

    @report.setter
    def report(self, graph: rdflib.Graph) -> None:
        self._report, self._raw = graph, None

    def report_triples(self, chunk: int | None = None
                       ) -> tuple[Iterator[list[ox.Triple]], set[str]] | None:
        """:func:`report_triples` of the results, unless the report is (or was handed out as) a Graph."""
        if self._raw is None:
            return None
        return report_triples(self._raw, self.conforms, chunk)

    def counts(self) -> dict[tuple[str, str], int]:
        """(rule id, severity) → number of results."""
        return dict(Counter((f.rule, f.severity) for f in self.results))

    def severity_counts(self) -> dict[str, int]:
        c = Counter(f.severity for f in self.results)
        return {s: c.get(s, 0) for s in SEVERITIES}

    def keys(self) -> set[tuple]:
        return {f.key() for f in self.results}


def local_name(iri: str) -> str:
    iri = str(iri)
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1]
    return iri


def rule_id(shape: str) -> str:
    m = RULE_RE.match(local_name(shape))
    return m.group(1) if m else local_name(shape)


# ---------------------------------------------------------------------------------------------
# shapes


def shape_files(shapes_dir: Path | None = None) -> list[Path]:
    folder = Path(shapes_dir) if shapes_dir else resource_dir("shapes")
    files = sorted(p for p in folder.glob("*.ttl") if p.name != "settings.ttl")
    if not files:
        raise GoalgraphError(f"{folder}: no shape files (*.ttl)")
    return files


_SHAPES_CACHE: dict[tuple, rdflib.Graph] = {}


def load_shapes(settings: Settings | None = None) -> rdflib.Graph:
    """All shapes in one graph, with severity overrides and parameters applied (cached; callers
    must not modify the returned graph)."""
    settings = settings or Settings()
    files = shape_files(settings.shapes_dir)
    key = (tuple((str(p), p.stat().st_mtime_ns) for p in files),
           tuple(sorted(settings.severity_overrides.items())),
           tuple(sorted((k, _format_param(k, settings.param(k))) for k in DEFAULT_PARAMS)))
    if key not in _SHAPES_CACHE:
        _SHAPES_CACHE.clear()
        _SHAPES_CACHE[key] = _load_shapes(files, settings)
    return _SHAPES_CACHE[key]


def _load_shapes(files: list[Path], settings: Settings) -> rdflib.Graph:
    g = rdflib.Graph()
    bind_prefixes(g)
    for path in files:
        try:
            g.parse(path, format="turtle")
        except Exception as exc:  # noqa: BLE001 - any parser error is a broken installation
            raise GoalgraphError(f"{path}: cannot parse shapes: {exc}") from exc
    _apply_severities(g, settings.severity_overrides)
    _apply_params(g, settings)
    return g


def _apply_severities(g: rdflib.Graph, overrides: dict[str, str]) -> None:
    if not overrides:
        return
    for shape, old in list(g.subject_objects(SH.severity)):
        name = local_name(shape)
        sev = overrides.get(name) or overrides.get(rule_id(name))
        if sev:
            g.remove((shape, SH.severity, old))
            g.add((shape, SH.severity, SEVERITIES[sev]))


_PARAM_RE = re.compile(r"BIND\(\s*[^()\s]+\s+AS\s+\?(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\)")


def _apply_params(g: rdflib.Graph, settings: Settings) -> None:
    def substitute(m: re.Match) -> str:
        name = m.group("name")
        if name not in DEFAULT_PARAMS:
            return m.group(0)
        return f"BIND({_format_param(name, settings.param(name))} AS ?{name})"

    for prop in (SH.select, GGSH.wholeStoreSelect):
        for node, text in list(g.subject_objects(prop)):
            new = _PARAM_RE.sub(substitute, str(text))
            if new != str(text):
                g.remove((node, prop, text))
                g.add((node, prop, Literal(new)))


@dataclass(frozen=True)
class SparqlCheck:
    shape: URIRef
    constraint: URIRef | rdflib.BNode
    select: str  # the shape's text, $this kept
    prefixes: str  # PREFIX lines
    messages: tuple[Literal, ...]
    severity: URIRef
    is_property_shape: bool
    scope: str = "corpus"  # "document": may run on each document graph alone (see SCOPES)
    whole_store_select: str | None = None  # ggsh:wholeStoreSelect: the same check for every node at once

    def whole_store_query(self) -> str:
        """The same check for every focus node at once: the constraint's ``ggsh:wholeStoreSelect``
        when it has one, else its ``sh:select`` with ``$this`` → ``?this``.

        ``ggsh:wholeStoreSelect`` is an annotation (pySHACL ignores it) for checks whose
        per-focus-node text, evaluated for all nodes in one query, makes Oxigraph 0.5 join in
        quadratic time (R20: > 12 min on 36k indicators; R6: 8.2 s); it must select the same rows,
        which ``tests/test_validate.py`` checks against the ``sh:select`` form and pySHACL."""
        if self.whole_store_select is not None:
            return self.prefixes + self.whole_store_select
        return self.prefixes + re.sub(r"\$this\b", "?this", self.select)


#: ``ggsh:scope`` on a ``sh:SPARQLConstraint`` (an annotation: pySHACL and the whole-store engine
#: ignore it) says where the check may run:
#:
#: ``"document"``
#:     its result for a focus node depends only on triples of that node's document graph plus the
#:     default graph (ontology, concept schemes, units): the build runs it in its conversion workers
#:     on each document's graph (:func:`document_sparql_results`);
#: ``"corpus"`` (the default when the annotation is absent)
#:     it can relate nodes of different documents (policy documents, departments shared by several
#:     documents): it runs once on the whole store.
#:
#: The classification of every check and why is in ``shapes/README.md``.
SCOPES = ("document", "corpus")


def sparql_checks(shapes: rdflib.Graph) -> list[SparqlCheck]:
    checks = []
    for shape, constraint in sorted(shapes.subject_objects(SH.sparql)):
        select = shapes.value(constraint, SH.select)
        if select is None:
            continue
        prefixes = []
        for decl_node in shapes.objects(constraint, SH.prefixes):
            for decl in shapes.objects(decl_node, SH.declare):
                prefixes.append(f"PREFIX {shapes.value(decl, SH.prefix)}: <{shapes.value(decl, SH.namespace)}>")
        messages = tuple(shapes.objects(constraint, SH.message)) or tuple(shapes.objects(shape, SH.message))
        severity = shapes.value(shape, SH.severity) or SH.Violation
        scopes = {str(o) for o in shapes.objects(constraint, GGSH.scope)} or {"corpus"}
        if len(scopes) > 1 or not scopes <= set(SCOPES):
            raise GoalgraphError(f"{local_name(constraint)}: ggsh:scope must be one of {', '.join(SCOPES)}, "
                                 f"got {', '.join(sorted(scopes))}")
        whole = shapes.value(constraint, GGSH.wholeStoreSelect)
        checks.append(SparqlCheck(
            shape=shape, constraint=constraint, select=str(select),
            whole_store_select=str(whole) if whole is not None else None,
            prefixes="\n".join(sorted(set(prefixes))) + "\n", messages=messages, severity=severity,
            is_property_shape=(shape, SH.path, None) in shapes, scope=scopes.pop(),
        ))
    return checks


_CHECKS_CACHE: list[tuple] = []  # [(shapes, checks)]: the last shapes graph seen


def _checks(shapes: rdflib.Graph) -> list[SparqlCheck]:
    if not _CHECKS_CACHE or _CHECKS_CACHE[0][0] is not shapes:
        _CHECKS_CACHE[:] = [(shapes, sparql_checks(shapes))]
    return _CHECKS_CACHE[0][1]


def core_shapes(shapes: rdflib.Graph) -> rdflib.Graph:
    """The shapes graph without ``sh:sparql`` constraints (those run on Oxigraph)."""
    g = rdflib.Graph()
    for prefix, ns in shapes.namespaces():
        g.bind(prefix, ns)
    for t in shapes:
        if t[1] != SH.sparql:
            g.add(t)
    return g


# ---------------------------------------------------------------------------------------------
# data conversion rdflib ⇄ pyoxigraph


def graph_to_store(graph: rdflib.Graph) -> GraphStore:
    """An in-memory Oxigraph store holding ``graph`` (named graphs kept for a Dataset)."""
    store = GraphStore()
    if isinstance(graph, rdflib.Dataset):
        quads = []
        for s, p, o, c in graph.quads((None, None, None, None)):
            gname = ox.DefaultGraph() if c is None or str(c) == str(rdflib.graph.DATASET_DEFAULT_GRAPH_ID) \
                else ox.NamedNode(str(c.identifier if hasattr(c, "identifier") else c))
            quads.append(ox.Quad(_ox_term(s), _ox_term(p), _ox_term(o), gname))
        store.store.extend(quads)
    else:
        store.store.extend(ox.Quad(_ox_term(s), _ox_term(p), _ox_term(o)) for s, p, o in graph)
    return store


@dataclass(frozen=True)
class CoreReads:
    """What SHACL-Core shapes can read of a data graph: triples whose predicate is in ``predicates``
    (every IRI in a property path, ``sh:targetSubjectsOf`` …, ``rdfs:subClassOf``) and ``rdf:type``
    triples whose class is in ``classes`` (``sh:targetClass``, ``sh:class``, implicit class targets).

    Validating only those triples gives exactly the results of validating the whole graph: a Core
    shape finds its focus nodes through target triples and its value nodes through its paths, and
    ``sh:class`` tests ``rdf:type``/``rdfs:subClassOf*``. On a document graph it is ~40 % of the
    triples (source records, raw cells and labels no Core shape mentions are left out).
    """

    predicates: frozenset[str]
    classes: frozenset[str] | None  # None: every rdf:type triple


_PATH_WRAPPERS = (SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)


def _path_predicates(g: rdflib.Graph, node, out: set[str]) -> bool:
    """Collect the predicate IRIs of a SHACL property path; False when the path is not understood."""
    if isinstance(node, URIRef):
        out.add(str(node))
        return True
    if not isinstance(node, rdflib.BNode):
        return False
    if (node, RDF.first, None) in g:  # sequence path
        return all(_path_predicates(g, item, out) for item in g.items(node))
    for wrapper in _PATH_WRAPPERS:
        inner = g.value(node, wrapper)
        if inner is not None:
            if wrapper == SH.alternativePath:
                return all(_path_predicates(g, item, out) for item in g.items(inner))
            return _path_predicates(g, inner, out)
    return False


def core_reads(core: rdflib.Graph) -> CoreReads | None:
    """The triples ``core`` (a shapes graph without SPARQL constraints) can read; None when the
    shapes may read any triple (``sh:closed``, SPARQL-based targets, a path not understood)."""
    if any(core.subject_objects(SH.closed)) or any(core.subject_objects(SH.target)):
        return None
    predicates: set[str] = {str(RDFS.subClassOf)}
    for path in set(core.objects(None, SH.path)):
        if not _path_predicates(core, path, predicates):
            return None
    for prop in (SH.targetSubjectsOf, SH.targetObjectsOf, SH.equals, SH.disjoint, SH.lessThan,
                 SH.lessThanOrEquals):
        for o in core.objects(None, prop):
            if not isinstance(o, URIRef):
                return None
            predicates.add(str(o))
    classes: set[str] | None = set()
    if str(RDF.type) in predicates:
        classes = None
    else:
        rdfs_class, owl_class = RDFS.Class, URIRef("http://www.w3.org/2002/07/owl#Class")
        for prop in (SH.targetClass, SH["class"]):
            classes.update(str(o) for o in core.objects(None, prop))
        for cls_type in (rdfs_class, owl_class):  # implicit class targets: a shape that is a class
            classes.update(str(s) for s in core.subjects(RDF.type, cls_type))
    return CoreReads(frozenset(predicates), frozenset(classes) if classes is not None else None)


def store_partition(store: GraphStore | ox.Store, graph_name: str | None,
                    reads: CoreReads | None = None) -> rdflib.Graph:
    """One named graph (or the default graph) of the store as an rdflib Graph; with ``reads``, only
    the triples those shapes can read (index lookups per predicate and class, not a scan)."""
    ostore = store.store if isinstance(store, GraphStore) else store
    g = rdflib.Graph()
    gname = ox.NamedNode(graph_name) if graph_name else ox.DefaultGraph()
    term = cached_rdflib_terms()
    if reads is None:
        patterns = [(None, None)]
    else:
        rdf_type = ox.NamedNode(str(RDF.type))
        patterns = [(ox.NamedNode(p), None) for p in sorted(reads.predicates)]
        has_subclass = next(iter(ostore.quads_for_pattern(None, ox.NamedNode(str(RDFS.subClassOf)), None, gname)),
                            None) is not None
        if reads.classes is None or has_subclass:  # a class hierarchy in the data: keep every type
            if str(RDF.type) not in reads.predicates:
                patterns.append((rdf_type, None))
        else:
            patterns += [(rdf_type, ox.NamedNode(c)) for c in sorted(reads.classes)]
    for p, o in patterns:
        for q in ostore.quads_for_pattern(None, p, o, gname):
            g.add((term(q.subject), term(q.predicate), term(q.object)))
    return g


_CORE_CACHE: list[tuple] = []  # [(shapes, core, reads)]: the last shapes graph seen


def _core(shapes: rdflib.Graph) -> tuple[rdflib.Graph, CoreReads | None]:
    """The Core shapes of ``shapes`` and what they read (cached for the last shapes graph)."""
    if not _CORE_CACHE or _CORE_CACHE[0][0] is not shapes:
        core = core_shapes(shapes)
        _CORE_CACHE[:] = [(shapes, core, core_reads(core))]
    return _CORE_CACHE[0][1], _CORE_CACHE[0][2]


def core_results(store: GraphStore | ox.Store, graph_name: str | None,
                 settings: Settings | None = None) -> list[tuple]:
    """Raw results (as :func:`validate_graph` merges them) of the Core shapes on one named graph of
    ``store`` (None: the default graph)."""
    core, reads = _core(load_shapes(settings))
    return _run_pyshacl(store_partition(store, graph_name, reads), core, texts=False)


def core_results_of_graphs(store: GraphStore, names: list[str], settings: Settings | None = None) -> list[tuple]:
    """The raw results of the Core shapes on each of the named graphs ``names`` of ``store``, as
    ``validate_graph`` computes them (compiled where the shapes allow)."""
    return _core_results_per_graph(store, store, load_shapes(settings), names)


def core_results_ntriples(lines: Iterable[str], settings: Settings | None = None,
                          engine: str | None = None) -> list[tuple]:
    """:func:`core_results` of one document graph given as N-Triples lines (each ending in
    ``" .\n"``, no blank nodes split across lines): the build runs this in its worker processes on
    each document's lines plus what the rules entail — exactly that document's named graph in the
    store it validates — and hands the merged results to ``validate_graph(..., core=...)``.

    The lines are filtered by predicate (and class) as :func:`store_partition` filters the store,
    then loaded into an in-memory Oxigraph store, so terms are in the same canonical forms
    (``"90.00"^^xsd:decimal`` → ``90``) as in the build's store.

    ``engine`` (None: the ``GOALGRAPH_CORE`` environment variable, default ``"compiled"``):
    ``"compiled"`` evaluates the shapes with :mod:`goalgraph.shacl_core` (the same results as
    pySHACL, several times faster), or with pySHACL when they use a feature outside its subset;
    ``"pyshacl"`` always runs pySHACL (the reference, for comparisons)."""
    core, reads = _core(load_shapes(settings))
    if reads is None:
        kept = list(lines)
    else:
        predicates = {f"<{p}>" for p in reads.predicates}
        rdf_type, subclass = f"<{RDF.type}>", f"<{RDFS.subClassOf}>"
        keep_types = reads.classes is None or rdf_type in predicates
        classes = {f"<{c}>" for c in reads.classes or ()}
        kept, types = [], []
        for line in lines:
            s_end = line.find(" ")
            p_end = line.find(" ", s_end + 1)
            pred = line[s_end + 1:p_end]
            if pred in predicates:
                kept.append(line)
                keep_types = keep_types or pred == subclass  # a class hierarchy: keep every type
            elif pred == rdf_type:
                types.append((line, line[p_end + 1:-3]))  # the object: up to " .\n"
        kept += [line for line, cls in types if keep_types or cls in classes]
    if not kept:
        return []
    store = ox.Store()
    store.bulk_load("".join(kept).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    compiled = _compiled_core(core, engine)
    if compiled is not None:
        return compiled.evaluate(store)
    return _run_pyshacl(store_partition(store, None), core, texts=False)


CORE_ENGINES = ("compiled", "pyshacl")


def _compiled_core(core: rdflib.Graph, engine: str | None):
    """The compiled Core shapes for :func:`core_results_ntriples`; None: run pySHACL."""
    engine = engine or os.environ.get("GOALGRAPH_CORE") or "compiled"
    if engine not in CORE_ENGINES:
        raise UsageError(f"unknown Core validation engine {engine!r} ({', '.join(CORE_ENGINES)})")
    if engine == "pyshacl":
        return None
    from goalgraph.shacl_core import compiled

    return compiled(core)


_DEFAULT_GRAPH: list[bytes] = []


def _default_graph_ntriples() -> bytes:
    """What the build puts in the default graph (ontology, schemes, units) as N-Triples; empty when
    the ontology module is missing (the build's default graph is empty then too)."""
    if not _DEFAULT_GRAPH:
        try:
            from goalgraph.ontology import ontology_ntriples
        except ImportError:  # pragma: no cover - depends on the checkout
            text = ""
        else:
            text = ontology_ntriples()
        if text and not text.endswith("\n"):
            text += "\n"
        _DEFAULT_GRAPH.append(text.encode("utf-8"))
    return _DEFAULT_GRAPH[0]


def document_sparql_results(lines: Iterable[str], settings: Settings | None = None,
                            default_graph: bytes | None = None) -> list[tuple]:
    """Raw results (as :func:`_run_sparql` gives them) of the ``ggsh:scope "document"`` SPARQL checks
    on one document graph given as N-Triples lines (the document's lines plus what the rules entail:
    exactly its named graph in the store the build validates), together with the default graph
    (``default_graph``, N-Triples; by default the packaged ontology, as the build loads it).

    The lines are loaded into an in-memory Oxigraph store and each check runs as its whole-store
    query there, so terms come back in the same canonical forms as from the build's store; the
    build runs this in its conversion workers (:func:`document_results`) and hands the merged
    results to ``validate_graph(..., local=...)``, which then runs only the corpus-scope checks."""
    return document_results(lines, settings, default_graph)[0]


def document_results(lines: Iterable[str], settings: Settings | None = None,
                     default_graph: bytes | None = None, core: list[tuple] = (), base: str | None = None,
                     keys: Iterable[str] = ()) -> tuple[list[tuple], "WorkerContext | None"]:
    """:func:`document_sparql_results` of one document, and with ``base`` (and ``keys``, the
    document's :func:`document_scope_keys`) the context of the focus nodes of those results and of
    ``core`` (its Core results) that are document-scoped (:func:`document_context`), on the same
    in-memory store, extended with the triples the context reads: ``(results, context)``."""
    checks = [c for c in _checks(load_shapes(settings)) if c.scope == "document"]
    predicates = _read_predicates(tuple(c.whole_store_query() for c in checks))
    rest: list[str] = []  # with ``base``: the lines the checks do not read
    if predicates is not None:  # only the triples the checks can match: a third of a document
        kept = []
        for text in lines:
            for line in text.split("\n"):  # not splitlines: U+2028
                if line[line.find(" ") + 1:line.find(" ", line.find(" ") + 1)] in predicates:
                    kept.append(line + "\n")
                elif base is not None and line:
                    rest.append(line)
        lines = kept
    elif base is not None:
        lines = list(lines)
    data = "".join(lines).encode("utf-8")
    store = None
    out: list[tuple] = []
    if checks and data:
        store = GraphStore()
        store.store.bulk_load((_default_graph_ntriples() if default_graph is None else default_graph) + data,
                              format=ox.RdfFormat.N_TRIPLES)
        for check in checks:
            out.extend(_run_sparql(store, check))
    if base is None:
        return out, None
    raw = list(core) + out
    if store is None:
        store = GraphStore()
        store.store.bulk_load((_default_graph_ntriples() if default_graph is None else default_graph) + data,
                              format=ox.RdfFormat.N_TRIPLES)
    if rest:
        needed = {f"<{p}>" for p in _OUT + _IN + (_D, _L, _F)}
        needed.update(f"<{r[2]}>" for r in raw if isinstance(r[2], URIRef))
        extra = "".join(line + "\n" for line in rest
                        if line[line.find(" ") + 1:line.find(" ", line.find(" ") + 1)] in needed)
        if extra:
            store.store.bulk_load(extra.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return out, document_context(store, raw, base, set(keys))


@dataclass
class DocumentFindings:
    """What one document graph, validated alone, gives the validation of the store it is in
    (``validate_graph(..., core=, local=, context=)``): its Core results, the results of the
    document-scope checks, its :func:`document_scope_keys` (sorted) and the context of those
    findings (:func:`document_results`)."""

    core: list[tuple]
    local: list[tuple]
    keys: list[str]
    context: "WorkerContext"


_LINE_RE = re.compile(r"[^\n]*\n")  # N-Triples lines (not splitlines: U+2028 may be in a literal)


def validate_document(text: str, entailed: str, base: str, settings: Settings | None = None,
                      default_graph: bytes | None = None, lines: Iterable[str] | None = None) -> DocumentFindings:
    """:class:`DocumentFindings` of one document graph: ``text``, its N-Triples, and ``entailed``,
    what the rules entail from it (N-Triples, may be empty): exactly the document's named graph in
    the store. ``lines``: the lines of both, when the caller has them (else ``text`` is split);
    ``default_graph``: as for :func:`document_sparql_results`. The build runs this in its
    conversion workers, ``goalgraph validate --store`` on each document graph of the store."""
    if lines is None:
        lines = _LINE_RE.findall(text) + _LINE_RE.findall(entailed)
    core = core_results_ntriples(lines, settings)
    keys = document_scope_keys(text, base) | document_scope_keys(entailed, base)
    local, context = document_results((text, entailed), settings, default_graph, core=core, base=base, keys=keys)
    return DocumentFindings(core, local, sorted(keys), context)


def store_documents(store: GraphStore, settings: Settings | None = None) -> tuple[str, list[str], list[str]] | None:
    """``(base, document graphs, other graphs)`` of a store the build wrote, so that each document
    graph can be validated alone (:func:`validate_document`), or None when the store's layout does
    not allow it (then it is validated whole). The layout: every named graph is
    ``{base}graph/{name}`` for one ``base``; the only other graph is the summaries graph, whose
    triples (but its description of itself) use none of the predicates that the document-scope
    checks, the Core shapes or the context of findings read, so that no document's results can
    depend on it."""
    from goalgraph.summaries import summary_graph

    names = store.named_graphs()
    cut = names[0].rfind("graph/") if names else -1
    if cut < 0:
        return None
    base = names[0][:cut]
    if not all(n.startswith(f"{base}graph/") for n in names):
        return None
    others = [n for n in names if n == summary_graph(base)]
    if others and not _beside_documents(store, others[0], settings):
        return None
    return base, [n for n in names if n not in others], others


def _beside_documents(store: GraphStore, graph: str, settings: Settings | None) -> bool:
    """Whether no triple of ``graph`` but those about the graph itself has a predicate that the
    document-scope checks, the Core shapes or the context of findings read."""
    shapes = load_shapes(settings)
    checks = [c for c in _checks(shapes) if c.scope == "document"]
    read = _read_predicates(tuple(c.whole_store_query() for c in checks))
    reads = _core(shapes)[1]
    if read is None or reads is None:
        return False
    read = read | {f"<{p}>" for p in (*reads.predicates, *_OUT, *_IN, _D, _L, _F, RDF.type)}
    name = ox.NamedNode(graph)
    query = f"SELECT DISTINCT ?p WHERE {{ GRAPH {name} {{ ?s ?p ?o FILTER(?s != {name}) }} }}"
    used = {f"<{row[0].value}>" for row in store.store.query(query)}
    return not used & read


@functools.lru_cache(maxsize=4)
def _read_predicates(queries: tuple[str, ...]) -> frozenset[str] | None:
    """IRIs (as N-Triples ``<iri>``) that include every predicate the triple patterns and property
    paths of ``queries`` can match; None when one can match any predicate (a variable or a negated
    path in predicate position).

    A query sees the same solutions on the triples with these predicates as on the whole graph.
    To be safe whatever shape rdflib's algebra has (``EXISTS`` bodies stay in parse form), this is
    every IRI the queries mention, a superset; only the predicate positions are inspected."""
    from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, Path, SequencePath
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    out: set[str] = set()

    def path_iris(p) -> bool:
        if isinstance(p, URIRef):
            out.add(f"<{p}>")
            return True
        if isinstance(p, (SequencePath, AlternativePath)):
            return all(path_iris(a) for a in p.args)
        if isinstance(p, InvPath):
            return path_iris(p.arg)
        if isinstance(p, MulPath):
            return path_iris(p.path)
        return False  # a variable, a negated path

    def walk(node) -> bool:
        if isinstance(node, CompValue):
            triples = node.get("triples")
            if isinstance(triples, (list, tuple)) and not all(
                    isinstance(t, (list, tuple)) and len(t) == 3 and path_iris(t[1]) for t in triples):
                return False
            return all(walk(v) for v in node.values())
        if isinstance(node, (list, tuple, set, frozenset)):
            return all(walk(v) for v in node)
        if isinstance(node, dict):
            return all(walk(v) for v in node.values())
        if isinstance(node, NegatedPath):
            return False
        if isinstance(node, (URIRef, Path)):
            path_iris(node)
        return True

    for q in queries:
        if not walk(prepareQuery(q).algebra):
            return None
    return frozenset(out)


def document_scope_keys(text: str, base: str) -> set[str]:
    """The document-scoped node IRIs ``text`` (N-Triples) mentions, cut to their container:
    ``{base}project/{code}``, ``{base}activity/{div}/{year}/{dept}/{code}`` and ``…duty/…``,
    ``{base}source/{doc}``, ``{base}summary/{doc}``. Every node a ``"document"`` check reads (but
    departments, budget units and concept-scheme terms, see shapes/README.md) has an IRI under one of
    them. The build checks that no key occurs in two documents; if one does (e.g. the same project
    code in two documents, whose triples then add up in the store), the document-scope checks run
    on the whole store instead of in the workers."""
    return set(_scope_key_re(base).findall(text))


_SCOPE_KEY_RES: dict[str, re.Pattern] = {}


def _scope_key_re(base: str) -> re.Pattern:
    r = _SCOPE_KEY_RES.get(base)
    if r is None:
        seg = r"[^/>#?]+"
        r = _SCOPE_KEY_RES[base] = re.compile(
            "<" + re.escape(base)
            + rf"((?:project|source|summary)/{seg}|(?:activity|duty)/{seg}/{seg}/{seg}/{seg})(?=[/>#?])")
    return r


def store_union(store: GraphStore) -> rdflib.Graph:
    g = rdflib.Graph()
    for q in store.store.quads_for_pattern(None, None, None, None):
        g.add((_rdflib_term(q.subject), _rdflib_term(q.predicate), _rdflib_term(q.object)))
    return g


def load_data(path: str | Path) -> rdflib.Graph:
    """Read an RDF file (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML) for validation; parsed by
    Oxigraph so remote JSON-LD contexts and external entities are never fetched."""
    from goalgraph.store import read_rdflib

    return read_rdflib(path)


# ---------------------------------------------------------------------------------------------
# the engine


def validate_graph(data: rdflib.Graph | GraphStore, settings: Settings | None = None,
                   mode: str = "fast", core: list[tuple] | None = None,
                   local: list[tuple] | None = None, context: WorkerContext | None = None) -> ValidationOutcome:
    """Validate ``data`` against every shape; ``mode`` is ``"fast"`` or ``"pyshacl"``.

    ``core`` (fast mode, a store): the Core-shape results of every document graph, already computed
    with :func:`core_results` (the build does it in its workers); the engine then runs only the
    SPARQL checks and builds the report. ``local`` (fast mode): likewise the results of the
    ``ggsh:scope "document"`` SPARQL checks on every document graph
    (:func:`document_sparql_results`); the engine then runs only the corpus-scope checks.
    ``context`` (fast mode, with ``local``): the context of findings the workers read on each
    document (:func:`document_results`); the rest is read from the store."""
    settings = settings or Settings()
    if mode != "fast":
        context = None
    if mode not in ("fast", "pyshacl"):
        raise UsageError(f"unknown validation mode {mode!r} (fast, pyshacl)")
    shapes = load_shapes(settings)
    store = data if isinstance(data, GraphStore) else graph_to_store(data)

    raw: list[tuple] = []  # (focus, shape, path, value, severity, component, messages, constraint)
    if mode == "pyshacl":
        whole = store_union(store) if isinstance(data, GraphStore) else _as_graph(data)
        raw.extend(_run_pyshacl(whole, shapes))
    else:
        if core is not None:
            raw.extend(core)
        else:
            raw.extend(_core_results_per_graph(store, data, shapes))
        if local is not None:
            raw.extend(local)
        for check in _checks(shapes):
            if local is None or check.scope != "document":
                raw.extend(_run_sparql(store, check))

    # one result per (focus, shape, path, value, severity, messages): partitions may repeat shared
    # nodes. Results that differ only in their messages are distinct findings, as in pySHACL (R32:
    # two level-1 classes of one project off by the same sum); of copies that differ only in
    # lexical forms, the one kept must not depend on the order the results came in
    best: dict[tuple, tuple] = {}
    for r in raw:
        k = (r[0], r[1], r[2], _canonical(r[3]), r[4], _message_key(r[6]))
        kept = best.get(k)
        if kept is None or (kept is not r and _tiebreak(r) < _tiebreak(kept)):
            best[k] = r
    unique = list(best.values())

    findings = _findings(unique, store, context)
    conforms = not any(
        f.severity == "Violation" or (f.severity == "Warning" and not settings.allow_warnings)
        or (f.severity == "Info" and not settings.allow_infos and not settings.allow_warnings)
        for f in findings
    )
    findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity], _rule_num(f.rule), f.focus, f.shape,
                                 f.path or "", f.value or "", f.message_en, f.message_zh))
    return ValidationOutcome(conforms=conforms, results=findings, mode=mode, raw=unique)


def _message_key(msgs: tuple) -> tuple:
    return tuple(sorted(f"{m}@{getattr(m, 'language', None)}" for m in msgs))


def _tiebreak(r: tuple) -> tuple:
    return (tuple(sorted(f"{m}@{getattr(m, 'language', None)}" for m in r[6])), str(r[3]), str(r[5]), str(r[7]))


def _rule_num(rule: str) -> int:
    m = re.search(r"\d+", rule)
    return int(m.group(0)) if m else 0


def _as_graph(data: rdflib.Graph) -> rdflib.Graph:
    if isinstance(data, rdflib.Dataset):
        g = rdflib.Graph()
        for s, p, o, _ in data.quads((None, None, None, None)):
            g.add((s, p, o))
        return g
    return data


def _core_results_per_graph(store: GraphStore, data, shapes: rdflib.Graph,
                            names: list[str] | None = None) -> list[tuple]:
    """The Core shapes on each document graph of ``store`` (the default graph when there is none;
    ``names``: these named graphs only): compiled (:mod:`goalgraph.shacl_core`, on the store
    itself) unless ``GOALGRAPH_CORE=pyshacl`` or the shapes leave its subset, else pySHACL on each
    filtered partition."""
    core_graph, reads = _core(shapes)
    compiled = _compiled_core(core_graph, None)
    if compiled is None:
        parts = _partitions(store, data, reads, names)
        return [r for part in parts for r in _run_pyshacl(part, core_graph, texts=False)]
    if names is None:
        names = store.named_graphs() or [None]
    return [r for name in names for r in compiled.evaluate(store.store, name)]


def _partitions(store: GraphStore, data, reads: CoreReads | None = None, names: list[str] | None = None):
    """Per document named graph (``names``: these only); the default graph when there are none (a
    plain graph)."""
    if not isinstance(data, GraphStore) and not isinstance(data, rdflib.Dataset):
        yield data
        return
    if names is None:
        names = store.named_graphs() or [None]
    for name in names:
        yield store_partition(store, name, reads)


class _FastContains(list):
    """A list with a set lookup for ``in`` (same members, same order)."""

    def __init__(self, items):
        super().__init__(items)
        self._members = frozenset(items)

    def __contains__(self, item) -> bool:
        return item in self._members


@contextmanager
def _lean_pyshacl():
    """Two pure-cost savings while the fast mode runs pySHACL 0.40 (results unchanged):

    - pySHACL formats a human-readable description of every result it makes — also of the results
      of shapes nested in ``sh:xone``/``sh:node``, which are thrown away — only for the
      ``results_text`` it returns, which the engine never reads (findings come from the report
      graph). That formatting was ~45 % of the Core phase (it also grows the data graph's namespace
      trie by one entry per distinct IRI namespace, quadratic in the number of nodes).
    - every ``Shape.validate`` (once per focus node for nested shapes) tests each predicate of the
      shape with ``in`` on a *list* of ~40 constraint parameters: ~20 % of the Core phase in
      ``URIRef.__eq__``. The list is swapped for one with a set lookup.
    """
    try:
        from pyshacl import shape as shape_module
        from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
        from pyshacl.constraints.constraint_component import ConstraintComponent
    except ImportError:  # pragma: no cover - another pySHACL layout: leave it alone
        yield
        return
    describe = ConstraintComponent.__dict__.get("make_v_result_description")
    params = shape_module.__dict__.get("CONSTRAINT_PARAMS", _FastContains)  # sentinel: absent
    if describe is not None:
        ConstraintComponent.make_v_result_description = lambda self, *args, **kwargs: ""
    shape_module.CONSTRAINT_PARAMS = (_FastContains(ALL_CONSTRAINT_PARAMETERS), CONSTRAINT_PARAMETERS_MAP)
    try:
        yield
    finally:
        if describe is not None:
            ConstraintComponent.make_v_result_description = describe
        if params is _FastContains:
            del shape_module.CONSTRAINT_PARAMS
        else:
            shape_module.CONSTRAINT_PARAMS = params


def _run_pyshacl(data_graph: rdflib.Graph, shapes: rdflib.Graph, texts: bool = True) -> list[tuple]:
    """Raw results of pySHACL on ``data_graph``; ``texts=False`` skips work whose only product is
    pySHACL's results text (:func:`_lean_pyshacl`); ``mode="pyshacl"`` runs it untouched."""
    import pyshacl

    if len(data_graph) == 0:
        return []
    with nullcontext() if texts else _lean_pyshacl():
        conforms, report, text = pyshacl.validate(
            data_graph, shacl_graph=shapes, inference="none", advanced=False, abort_on_first=False,
            # off: with them on, pySHACL counts a nested shape (sh:xone member …) of severity
            # Warning or Info as conforming whatever its results; conformance is decided here
            allow_warnings=False, allow_infos=False, meta_shacl=False,
        )
    if not isinstance(report, rdflib.Graph):
        raise GoalgraphError(f"pySHACL could not run the shapes: {text}")
    out = []
    for res in report.subjects(RDF.type, SH.ValidationResult):
        msgs = tuple(sorted((_tag(m) for m in report.objects(res, SH.resultMessage)), key=str))
        out.append((
            report.value(res, SH.focusNode), report.value(res, SH.sourceShape),
            report.value(res, SH.resultPath), report.value(res, SH.value),
            report.value(res, SH.resultSeverity), report.value(res, SH.sourceConstraintComponent),
            msgs, report.value(res, SH.sourceConstraint),
        ))
    return out


_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
def _language_of(text: str) -> str:
    """The language of an untagged message: zh when it has more CJK characters than Latin letters."""
    return "zh" if len(_CJK_RE.findall(text)) > len(re.findall(r"[A-Za-z]", text)) else "en"


def _tag(msg):
    """pySHACL drops the language tag of SPARQL-based messages; put it back (:func:`_language_of`)."""
    if not isinstance(msg, Literal) or msg.language:
        return msg
    return Literal(str(msg), lang=_language_of(str(msg)))


_MSG_VAR_RE = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")


def _run_sparql(store: GraphStore, check: SparqlCheck) -> list[tuple]:
    try:
        rows = store.select(check.whole_store_query())
    except (SyntaxError, ValueError, OSError) as exc:
        raise GoalgraphError(f"{local_name(check.shape)}: query failed: {exc}") from exc
    out = []
    for row in rows:
        if "failure" in row:
            raise GoalgraphError(f"{local_name(check.shape)}: the check reported a failure")
        this = row.get("this")
        if this is None:
            continue
        focus = _rdflib_term(this)
        value = _rdflib_term(row["value"]) if "value" in row else (None if check.is_property_shape else focus)
        path = _rdflib_term(row["path"]) if "path" in row else None
        bound = {k: _rdflib_term(v) for k, v in row.items()}
        msgs = tuple(sorted((_fill_message(m, bound) for m in check.messages), key=str))
        out.append((focus, check.shape, path, value, check.severity, SH.SPARQLConstraintComponent, msgs,
                    check.constraint))
    return out


def _fill_message(msg: Literal, bound: dict) -> Literal:
    def sub(m: re.Match) -> str:
        v = bound.get(m.group(1))
        return str(v) if v is not None else m.group(0)

    return Literal(_MSG_VAR_RE.sub(sub, str(msg)), lang=msg.language)


def _report_order(raw: list[tuple]) -> list[tuple]:
    """The results in report order (by the text of focus, shape, path, value, severity):
    ``result1``, ``result2`` … are numbered in this order. Sorted one column at a time (stable, last
    column first): the same order as tuple keys, which would hold the text of all five columns at
    once (4× the peak, ~0.5 GB for 1 M results)."""
    order = list(raw)
    for k in range(4, -1, -1):
        order.sort(key=lambda r: str(r[k]))
    return order


def build_report_graph(raw: list[tuple], conforms: bool) -> rdflib.Graph:
    """A standard ``sh:ValidationReport``; results get deterministic IRIs-free blank nodes."""
    g = rdflib.Graph()
    bind_prefixes(g)
    report = rdflib.BNode("report")
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(conforms)))
    for i, (focus, shape, path, value, sev, comp, msgs, constraint) in enumerate(_report_order(raw)):
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


#: the predicates of a result node in the order of their IRIs (the order report.ttl lists them in)
_RESULT_PREDICATE_ORDER = tuple(str(p) for p in (
    RDF.type, SH.focusNode, SH.resultMessage, SH.resultPath, SH.resultSeverity, SH.sourceConstraint,
    SH.sourceConstraintComponent, SH.sourceShape, SH.value))
if list(_RESULT_PREDICATE_ORDER) != sorted(_RESULT_PREDICATE_ORDER):  # pragma: no cover - a changed namespace
    raise AssertionError("report_triples writes the result predicates out of order")
_REPORT_NODE_RE = re.compile(r"report|result\d+")


def report_triples(raw: list[tuple], conforms: bool, chunk: int | None = None
                   ) -> tuple[Iterator[list[ox.Triple]], set[str]] | None:
    """The triples of ``build_report_graph(raw, conforms)`` as Oxigraph triples, in the order
    ``report.ttl`` lists them (the report node, then ``result1``, ``result2`` …; within a node by
    predicate IRI, then by the object's text), and the text of every IRI and literal they use (to
    choose prefixes); made directly, without the rdflib Graph, the sort of all triples and their
    conversion (2.4 s + 2.6 s for 11k results).

    The triples come as an iterator of lists, each made when it is asked for, so a large report is
    never held whole: each list has the triples of up to ``chunk`` results (all of them without
    ``chunk``), led by the report node's ``sh:result`` triples to them (the first also by the report
    node's type and ``sh:conforms``).

    Two messages with the same text (other language tags) keep their order in the result; the
    Graph's order of such ties was its set's. None when a blank node among the results is named like
    a node of the report (``report``, ``result7``): the Graph merges those, so its triples differ."""
    order = _report_order(raw)
    terms: dict = {}  # rdflib term → Oxigraph term (IRIs and values repeat: shapes, paths, "90%")
    # "report", "result1" … and "true"/"false" are left out of ``used``: without a ":" they never
    # start with a namespace IRI
    used: set[str] = {str(RDF.type), str(SH.ValidationReport), str(SH.ValidationResult), str(SH.conforms),
                      str(SH.result), *_RESULT_PREDICATE_ORDER}

    def convert(t):
        if t not in terms:
            if isinstance(t, rdflib.BNode) and _REPORT_NODE_RE.fullmatch(str(t)):
                raise _NodeClash
            used.add(str(t))
            terms[t] = _ox_term(t)

    # a first pass converts every term and fills ``used`` (the prefixes precede the first triple)
    try:
        for focus, shape, path, value, sev, comp, msgs, constraint in order:
            for t in (focus, shape, sev, comp, value):
                if t is not None:
                    convert(t)
            if path is not None and not isinstance(path, rdflib.BNode):
                convert(path)
            if isinstance(constraint, URIRef):
                convert(constraint)
            for m in msgs:
                if isinstance(m, Literal) and (m.language or m.datatype is None):
                    used.add(str(m))  # made per result below: message texts rarely repeat
                else:
                    convert(m)
    except _NodeClash:
        return None

    def message(m):
        if isinstance(m, Literal):
            lang = m.language
            if lang:
                return ox.Literal(str(m), language=lang)
            if m.datatype is None:
                return ox.Literal(str(m))
        return terms[m]

    get = terms.__getitem__
    triple, blank = ox.Triple, ox.BlankNode
    rdf_type, conforms_p, result_p = (ox.NamedNode(str(p)) for p in (RDF.type, SH.conforms, SH.result))
    focus_p, message_p, path_p, severity_p, constraint_p, component_p, shape_p, value_p = (
        ox.NamedNode(p) for p in _RESULT_PREDICATE_ORDER[1:])
    result_class = ox.NamedNode(str(SH.ValidationResult))
    report = blank("report")
    size = chunk or len(order) or 1

    def chunks():
        out = [triple(report, rdf_type, ox.NamedNode(str(SH.ValidationReport))),
               triple(report, conforms_p, _ox_term(Literal(conforms)))]
        for start in range(0, len(order) or 1, size):
            part = order[start:start + size]
            out += [triple(report, result_p, blank(name))
                    for name in sorted(f"result{i}" for i in range(start + 1, start + len(part) + 1))]
            append = out.append
            for i, (focus, shape, path, value, sev, comp, msgs, constraint) in enumerate(part, start + 1):
                res = blank(f"result{i}")
                append(triple(res, rdf_type, result_class))
                append(triple(res, focus_p, get(focus)))
                if msgs:
                    if len(msgs) > 1:
                        msgs = sorted(dict.fromkeys(msgs), key=str)  # a Graph holds a triple once
                    for m in msgs:
                        append(triple(res, message_p, message(m)))
                if path is not None and not isinstance(path, rdflib.BNode):
                    append(triple(res, path_p, get(path)))
                append(triple(res, severity_p, get(sev)))
                if isinstance(constraint, URIRef):
                    append(triple(res, constraint_p, get(constraint)))
                if comp is not None:
                    append(triple(res, component_p, get(comp)))
                append(triple(res, shape_p, get(shape)))
                if value is not None:
                    append(triple(res, value_p, get(value)))
            yield out
            out = []

    return chunks(), used


class _NodeClash(Exception):
    """A result's blank node has the name of a report node."""


# ---------------------------------------------------------------------------------------------
# context: department → project → indicator, source file:line

_CONTAINERS = {str(GG.Project), str(GG.Activity), str(GG.Duty)}
PROV_DERIVED = rdflib.PROV.wasDerivedFrom
_UP_INDICATOR_VIA = tuple(str(GG[p]) for p in ("hasTarget", "hasBasis", "hasScoringRule", "hasGradeStandard"))
_UP_CONTAINER_VIA = tuple(str(GG[p]) for p in ("indicatorOf", "milestoneOf", "goalOf", "summarises", "activityOf"))
_DEPARTMENT_VIA = tuple(str(GG[p]) for p in ("competentDepartment", "dutyOf", "summaryDepartment")) + (
    "http://www.w3.org/ns/org#subOrganizationOf",)
_DESCRIBED_TYPES = {str(GG[t]) for t in ("Project", "Activity", "Duty", "Department", "Indicator", "SummaryEntry",
                                         "BudgetUnit")}

# What the context reads of the store, as indexes into the predicate tuples below: the objects of
# _OUT (per node), the IRI subjects of _IN (per node), and the gg:sourceLine / gg:sourceFile of the
# IRI records a node is prov:wasDerivedFrom.
_OUT = (str(RDF.type), str(rdflib.SKOS.prefLabel)) + _UP_CONTAINER_VIA + _DEPARTMENT_VIA
_IN = _UP_INDICATOR_VIA + (str(GG.hasCitation), str(GG.hasGoal))
_TYPE, _LABEL = 0, 1
_CONTAINER_KS = range(2, 2 + len(_UP_CONTAINER_VIA))
_DEPARTMENT_KS = range(2 + len(_UP_CONTAINER_VIA), len(_OUT))
_ACTIVITY_OF, _DUTY_OF = _OUT.index(str(GG.activityOf)), _OUT.index(str(GG.dutyOf))
_HAS_BASIS, _HAS_CITATION, _HAS_GOAL = _IN.index(str(GG.hasBasis)), _IN.index(str(GG.hasCitation)), len(_IN) - 1
_INDICATOR_KS_LAST_FIRST = tuple(reversed(range(len(_UP_INDICATOR_VIA))))
_KEY = {str(k): k for k in range(max(len(_OUT), len(_IN)))}  # the text of ?k → k
_INDICATOR, _DEPARTMENT, _NO_TYPES = str(GG.Indicator), str(GG.Department), frozenset()


def _key_of(var: str, iris: tuple[str, ...]) -> str:
    """A SPARQL expression: the index of ``var`` in ``iris`` (-1 when absent)."""
    expr = "-1"
    for k in reversed(range(len(iris))):
        expr = f"IF({var} = <{iris[k]}>, {k}, {expr})"
    return expr


def _in_list(iris: tuple[str, ...]) -> str:
    return ", ".join(f"<{p}>" for p in iris)


_D, _L, _F = str(PROV_DERIVED), str(GG.sourceLine), str(GG.sourceFile)
#: what cannot be written between <> in SPARQL: such IRIs are looked up one by one
_NOT_IN_IRIREF = re.compile(r'[\x00-\x20<>"{}|^`\\]')
#: keys per query: Oxigraph holds ~1.5 kB per VALUES row while it runs a query (200k: ~300 MB)
_SEEK_CHUNK, _SCAN_CHUNK = 20_000, 200_000
#: read whole tables when the rdf:type table has fewer than this many triples per key of a query.
#: Measured on a synthetic corpus (300k rdf:type triples, Oxigraph 0.5 on RocksDB), the four
#: queries of a batch cost ~125 µs per key with index lookups, and ~40 µs per key plus ~1.3 µs per
#: rdf:type triple with scans: even at ~65 triples per key.
_SCAN_RATIO = 50


def _context_query(kind: str, values: str, scan: bool, path_predicates: list[str] = ()) -> str:
    """A SELECT of ``kind`` for the nodes in ``values`` (a VALUES block of ``(?i ?x)``: a number and a
    node IRI, or ``(?i ?x ?p)`` for ``"path"``), with rows numbered by ``?i`` (decoding the node's IRI
    again in Python would cost more than the lookup):

    ``out`` (?i ?k ?o)
        the objects ``?o`` of the predicates :data:`_OUT`\\ [``?k``] of each node;
    ``in`` (?i ?k ?o)
        the subjects ``?o`` of the predicates :data:`_IN`\\ [``?k``] to each node;
    ``records`` (?i ?r ?l ?f)
        each record ``?r`` a node is prov:wasDerivedFrom, with a gg:sourceLine ``?l`` and a
        gg:sourceFile ``?f`` of it;
    ``path`` (?i ?o ?r ?l ?f)
        the same for each object ``?o`` of a node along a path.

    Which of these rows count (IRIs only; for ``path`` objects ``{x}/…``, the node's own children) is
    checked by the caller: a FILTER makes Oxigraph give up the hash join of ``scan=True``.

    ``scan=False``: the store is read with index lookups from each node (nested loops from the
    VALUES); ``scan=True``: the tables of the predicates involved are read whole and hash-joined with
    the VALUES (subqueries keep Oxigraph from turning the join into lookups): cheaper when the nodes
    are many for the size of the store."""
    if not scan:
        body = {
            "out": (f"?x ?p ?o . FILTER(?p IN ({_in_list(_OUT)})) BIND({_key_of('?p', _OUT)} AS ?k)"),
            "in": (f"?o ?p ?x . FILTER(?p IN ({_in_list(_IN)})) BIND({_key_of('?p', _IN)} AS ?k)"),
            "records": f"?x <{_D}> ?r . ?r <{_L}> ?l . ?r <{_F}> ?f",
            "path": ('?x ?p ?o . FILTER(isIRI(?o) && STRSTARTS(STR(?o), CONCAT(STR(?x), "/"))) '
                     f"?o <{_D}> ?r . FILTER(isIRI(?r)) ?r <{_L}> ?l . ?r <{_F}> ?f"),
        }[kind]
        head = "(?i ?x ?p)" if kind == "path" else "(?i ?x)"
        select = {"out": "?i ?k ?o", "in": "?i ?k ?o", "records": "?i ?r ?l ?f"}.get(kind, "?i ?o ?r ?l ?f")
        return f"SELECT {select} WHERE {{ VALUES {head} {{ {values} }} {body} }}"
    records = (f"{{ SELECT ?r ?l WHERE {{ ?r <{_L}> ?l }} }} {{ SELECT ?r ?f WHERE {{ ?r <{_F}> ?f }} }}")
    if kind == "out":
        union = " UNION ".join(f"{{ ?x <{p}> ?o BIND({k} AS ?k) }}" for k, p in enumerate(_OUT))
        return (f"SELECT ?i ?k ?o WHERE {{ {{ SELECT ?i ?x WHERE {{ VALUES (?i ?x) {{ {values} }} }} }} "
                f"{{ SELECT ?x ?k ?o WHERE {{ {union} }} }} }}")
    if kind == "in":
        union = " UNION ".join(f"{{ ?o <{p}> ?x BIND({k} AS ?k) }}" for k, p in enumerate(_IN))
        return (f"SELECT ?i ?k ?o WHERE {{ {{ SELECT ?i ?x WHERE {{ VALUES (?i ?x) {{ {values} }} }} }} "
                f"{{ SELECT ?x ?k ?o WHERE {{ {union} }} }} }}")
    if kind == "records":
        return (f"SELECT ?i ?r ?l ?f WHERE {{ {{ SELECT ?i ?x WHERE {{ VALUES (?i ?x) {{ {values} }} }} }} "
                f"{{ SELECT ?x ?r WHERE {{ ?x <{_D}> ?r }} }} {records} }}")
    union = " UNION ".join(f"{{ ?x <{p}> ?o BIND(<{p}> AS ?p) }}" for p in path_predicates)
    return (f"SELECT ?i ?o ?r ?l ?f WHERE {{ {{ SELECT ?i ?x ?p WHERE {{ VALUES (?i ?x ?p) {{ {values} }} }} }} "
            f"{{ SELECT ?x ?p ?o WHERE {{ {union} }} }} {{ SELECT ?o ?r WHERE {{ ?o <{_D}> ?r }} }} {records} }}")


class _Neighbours:
    """The parts of the store the context of findings reads, fetched in batches (one SELECT per
    batch of nodes, :func:`_context_query`) and kept per node. The union of all graphs (the default
    graph too) is read as a set: a triple in two graphs counts once.

    ``expected``: about how many nodes will be asked for at once; when the store's rdf:type table is
    small for that many (fewer than :data:`_SCAN_RATIO` triples per node, found with a count that
    stops there), batches read whole tables instead of looking up each node."""

    def __init__(self, store: GraphStore, expected: int = 0) -> None:
        self.ostore = store.store
        self.out: dict[str, dict[int, list]] = {}  # node → _OUT index → its objects (Oxigraph terms)
        self.inc: dict[str, dict[int, list[str]]] = {}  # node → _IN index → its IRI subjects
        self.labels: dict[str, str | None] = {}
        self.recs: dict[str, list[tuple[int, str]]] = {}  # node → (line, file) per record, records in order
        self.table = None  # triples in the rdf:type table, when below the count's limit
        if expected:
            limit = _SCAN_RATIO * expected
            query = (f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT ?s WHERE {{ ?s <{RDF.type}> ?o }} "
                     f"LIMIT {limit} }} }}")
            n = int(next(iter(self.ostore.query(query, use_default_graph_as_union=True)))[0].value)
            self.table = n if n < limit else None

    def _scan(self, keys: int) -> bool:
        chunks = -(-keys // _SCAN_CHUNK)
        return self.table is not None and self.table * chunks < _SCAN_RATIO * keys

    # -- fetching

    def _select(self, kind: str, keys: list[tuple[str, ...]]):
        """The rows of the query ``kind`` for every key (a node, or a node and a path), in batches;
        a row's first column is the key's index in ``keys`` (a literal). Keys with an IRI SPARQL
        cannot write are looked up one by one (:meth:`_rows_one`)."""
        safe = [n for n, key in enumerate(keys) if not any(_NOT_IN_IRIREF.search(t) for t in key)]
        scan = self._scan(len(safe))
        size = _SCAN_CHUNK if scan else _SEEK_CHUNK
        for start in range(0, len(safe), size):
            chunk = safe[start:start + size]
            if kind == "path":
                values = " ".join(f"({n} <{keys[n][0]}> <{keys[n][1]}>)" for n in chunk)
            else:
                values = " ".join(f"({n} <{keys[n][0]}>)" for n in chunk)
            predicates = sorted({keys[n][1] for n in chunk}) if kind == "path" else ()
            yield self.ostore.query(_context_query(kind, values, scan, predicates), use_default_graph_as_union=True)
        if len(safe) < len(keys):
            for n in sorted(set(range(len(keys))) - set(safe)):
                index = ox.Literal(str(n))
                yield [(index, *row[1:]) for row in self._rows_one(kind, keys[n])]

    def _rows_one(self, kind: str, key: tuple[str, ...]):
        """The rows of :func:`_context_query` ``kind`` for one key, from index lookups (the first
        column left None)."""
        quads = self.ostore.quads_for_pattern

        def values(s, p) -> set:
            return {q.object for q in quads(s, ox.NamedNode(p), None, None)}

        x = ox.NamedNode(key[0])
        if kind == "out":
            for k, p in enumerate(_OUT):
                for o in values(x, p):
                    yield (None, ox.Literal(str(k)), o)
        elif kind == "in":
            for k, p in enumerate(_IN):
                for s in {q.subject for q in quads(None, ox.NamedNode(p), x, None)}:
                    if isinstance(s, ox.NamedNode):
                        yield (None, ox.Literal(str(k)), s)
        else:
            if kind == "records":
                nodes = [x]
            else:
                prefix = key[0] + "/"
                nodes = [o for o in values(x, key[1]) if isinstance(o, ox.NamedNode) and o.value.startswith(prefix)]
            for node in nodes:
                for r in values(node, _D):
                    if isinstance(r, ox.NamedNode):
                        for line in values(r, _L):
                            for file in values(r, _F):
                                yield (None, r, line, file) if kind == "records" else (None, node, r, line, file)

    def fetch_out(self, nodes) -> None:
        todo = sorted(n for n in set(nodes) if n not in self.out)
        got = [{} for _ in todo]
        for rows in self._select("out", [(n,) for n in todo]):
            for i, k, o in rows:
                d = got[int(i.value)]
                k = _KEY[k.value]
                if k in d:
                    d[k].append(o)
                else:
                    d[k] = [o]
        self.out.update(zip(todo, got))

    def fetch_in(self, nodes) -> None:
        todo = sorted(n for n in set(nodes) if n not in self.inc)
        got = [{} for _ in todo]
        named = ox.NamedNode
        for rows in self._select("in", [(n,) for n in todo]):
            for i, k, s in rows:
                if type(s) is named:
                    d = got[int(i.value)]
                    k = _KEY[k.value]
                    if k in d:
                        d[k].append(s.value)
                    else:
                        d[k] = [s.value]
        self.inc.update(zip(todo, got))

    def fetch_records(self, nodes) -> None:
        todo = sorted(n for n in set(nodes) if n not in self.recs)
        for n, lines in zip(todo, _source_lines_of(self._select("records", [(n,) for n in todo]), len(todo))):
            self.recs[n] = lines

    def path_lines(self, pairs: list[tuple[str, str]]) -> list[list[tuple[int, str]]]:
        """Per (node, path): :func:`_source_lines_of` of the node's children along the path (objects
        that are IRIs ``{node}/…``), records of all children together."""
        prefixes = [x + "/" for x, _p in pairs]

        def children(rows):
            for i, o, r, line, file in rows:
                if isinstance(o, ox.NamedNode) and o.value.startswith(prefixes[int(i.value)]):
                    yield i, r, line, file

        return _source_lines_of((children(rows) for rows in self._select("path", pairs)), len(pairs))

    # -- reading (after fetching)

    def objects(self, x: str, k: int) -> list:
        """The objects of ``_OUT[k]`` that are IRIs, in the order of their text (``<iri>``)."""
        return sorted((o for o in self.out[x].get(k, ()) if isinstance(o, ox.NamedNode)), key=str)

    def first_iri(self, x: str, ks) -> str | None:
        """The first IRI object of the first of the predicates ``_OUT[k]`` (k in ``ks``) that has one."""
        out = self.out[x]
        for k in ks:
            objs = out.get(k)
            if objs:
                iris = [o for o in objs if isinstance(o, ox.NamedNode)]
                if iris:
                    return (iris[0] if len(iris) == 1 else min(iris, key=str)).value
        return None

    def label(self, x: str) -> str | None:
        """The first skos:prefLabel of a node (in the order of their text)."""
        got = self.labels.get(x, self)
        if got is self:
            labels = self.out[x].get(_LABEL)
            got = self.labels[x] = (labels[0] if len(labels) == 1 else min(labels, key=str)).value if labels else None
        return got


def _source_lines_of(batches, n: int) -> list[list[tuple[int, str]]]:
    """Per key (0 … n-1): (line, file) of each of its records (records in the order of their text,
    ``<iri>``): the first of the record's gg:sourceLine values and the first of its gg:sourceFile
    values in the order of their text (records lacking either have no rows; records that are not
    IRIs are left out)."""
    per: list[dict] = [{} for _ in range(n)]
    named = ox.NamedNode
    for rows in batches:
        for i, r, line, file in rows:
            if type(r) is named:
                records = per[int(i.value)]
                got = records.get(r.value)
                if got is None:
                    got = records[r.value] = (set(), set())
                got[0].add(line)
                got[1].add(file)
    out = []
    for records in per:
        lines = []
        for r in sorted(records, key=lambda r: f"<{r}>") if len(records) > 1 else records:
            line_terms, file_terms = records[r]
            lines.append((int(min(line_terms, key=str).value), min(file_terms, key=str).value))
        out.append(lines)
    return out


def _path_lines(nb: _Neighbours, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, int]]:
    """For results with a path: the first source line of the focus node's own children along it
    (``{project}/plan/m12`` for ``gg:hasSpendingMilestone``), so a finding about a missing or
    wrong part of a table points at that table's rows rather than at the project heading."""
    keys = sorted(pairs)
    out: dict[tuple[str, str], tuple[str, int]] = {}
    for key, lines in zip(keys, nb.path_lines(keys)):
        if lines:
            line, file = min(lines)
            out[key] = (file, line)
    return out


def _context(store: GraphStore | _Neighbours, focus_nodes: list, seed: "WorkerContext | None" = None,
             trace: "WorkerContext | None" = None, scoped=None) -> dict[str, tuple]:
    """Department → container (project / activity / duty) → indicator and source line of each focus
    node, as (file, line, department, container, indicator, and the labels of these three), read
    level by level for all nodes of a level at once (:class:`_Neighbours`):

    - indicator: the last of the subjects of gg:hasTarget, gg:hasBasis, gg:hasScoringRule,
      gg:hasGradeStandard (in that order, each sorted), then of gg:hasBasis of the nodes that
      gg:hasCitation it; a focus node (or indicator) typed gg:Indicator is its own;
    - container: up from the indicator (else from the node) along the first of gg:indicatorOf,
      gg:milestoneOf, gg:goalOf, gg:summarises, gg:activityOf (else gg:hasGoal of a node that
      gg:hasCitation it) to a project, activity or duty; else the longest IRI prefix of the node that
      is a known container (``{project}/goal/1/citation/2``);
    - department: the first of gg:competentDepartment, gg:dutyOf, gg:summaryDepartment,
      org:subOrganizationOf (else gg:dutyOf of its gg:activityOf) of the container, else of the node;
    - line: the smallest gg:sourceLine of the records the node, else its indicator, else its container
      is prov:wasDerivedFrom.

    Where a link has several candidates: subjects in the order of their IRIs, objects in the order of
    their text (``<iri>``), as the per-node lookups this replaced had them.

    What the context of a node is depends a little on the other nodes of the batch (a node's
    container is found up the links of the nodes described for any of them; ``known`` containers):
    ``seed`` (a :class:`WorkerContext`) adds the described types and up links the workers found for
    the nodes they covered, as if those nodes were in the batch. ``trace`` (with ``scoped``, a test
    for the IRIs whose every triple is in ``store``) records in a :class:`WorkerContext` the context
    of each focus node whose context provably does not depend on the rest of the batch or on
    triples outside ``store`` (see :func:`document_context`)."""
    nb = store if isinstance(store, _Neighbours) else _Neighbours(store)
    focus = {str(f) for f in focus_nodes if isinstance(f, URIRef)}
    if not focus:
        return {}
    nb.fetch_in(focus)
    nb.fetch_in({b for x in focus for b in nb.inc[x].get(_HAS_CITATION, ())})
    indicator: dict[str, str] = {}
    for x in focus:
        inc = nb.inc[x]
        if not inc:
            continue
        up = None
        for b in sorted(inc.get(_HAS_CITATION, ()), reverse=True):  # the last rows: via citations
            bases = nb.inc[b].get(_HAS_BASIS)
            if bases:
                up = max(bases)
                break
        if up is None:
            for k in _INDICATOR_KS_LAST_FIRST:
                subjects = inc.get(k)
                if subjects:
                    up = max(subjects)
                    break
        if up is not None:
            indicator[x] = up
    types: dict[str, frozenset] = {}  # described node → its types among _DESCRIBED_TYPES

    def describe(nodes) -> None:
        todo = [n for n in nodes if n not in types]
        nb.fetch_out(todo)
        for n in todo:
            found = nb.out[n].get(_TYPE)
            types[n] = frozenset(t.value for t in found if t.value in _DESCRIBED_TYPES) if found else _NO_TYPES

    level1 = focus | set(indicator.values())
    describe(level1)
    for n in level1:  # a focus node that is itself an indicator
        if _INDICATOR in types[n]:
            indicator.setdefault(n, n)
    ups: dict[str, str] = {}
    by_citation = []
    for x in level1:
        up = nb.first_iri(x, _CONTAINER_KS)
        if up is not None:
            ups[x] = up
        else:
            by_citation.append(x)
    if by_citation:
        nb.fetch_in(by_citation)
        nb.fetch_in({g for x in by_citation for g in nb.inc[x].get(_HAS_CITATION, ())})
        for x in by_citation:
            for g in sorted(nb.inc[x].get(_HAS_CITATION, ())):
                subjects = nb.inc[g].get(_HAS_GOAL)
                if subjects:
                    ups[x] = min(subjects)
                    break
    describe(set(ups.values()))

    if seed is not None:
        all_types = {**seed.types, **types}
        all_ups = {**seed.ups, **ups}
    else:
        all_types, all_ups = types, ups

    def container_of(n: str) -> str | None:
        for _ in range(4):
            if all_types.get(n, _NO_TYPES) & _CONTAINERS:
                return n
            n = all_ups.get(n)
            if n is None:
                return None
        return None

    known = {x for x, t in all_types.items() if t & _CONTAINERS}
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
    by_duty = []
    nb.fetch_out({c for c in containers.values() if c})  # with ``seed``: containers only the workers described
    for x in {c for c in containers.values() if c} | focus:  # all described: their _OUT objects are read
        dept = nb.first_iri(x, _DEPARTMENT_KS)
        if dept is not None:
            dept_of[x] = dept
        elif _ACTIVITY_OF in nb.out[x]:
            by_duty.append(x)
    if by_duty:
        nb.fetch_out({d.value for x in by_duty for d in nb.objects(x, _ACTIVITY_OF)})
        for x in by_duty:
            for duty in nb.objects(x, _ACTIVITY_OF):
                dept = nb.first_iri(duty.value, (_DUTY_OF,))
                if dept is not None:
                    dept_of[x] = dept
                    break
    describe(set(dept_of.values()))

    # source lines: of the focus node, else of its indicator, else of its container (read only where needed)
    recs = nb.recs
    nb.fetch_records(focus)
    nb.fetch_records({indicator[f] for f in focus if not recs[f] and f in indicator})
    nb.fetch_records({containers[f] for f in focus if not recs[f] and containers[f]
                      and not (f in indicator and recs[indicator[f]])})
    label = nb.label
    ctx: dict[str, tuple] = {}
    for f in focus:
        ind = indicator.get(f)
        c = containers[f]
        dept = (dept_of.get(c) if c else None) or dept_of.get(f)
        if dept is None and _DEPARTMENT in types[f]:
            dept = f
        line = file = None
        lines = recs[f] or (ind and recs[ind]) or (c and recs[c])
        if lines:
            line, file = lines[0]
            for ln, fl in lines[1:]:  # the smallest line, the first record's file on a tie
                if ln < line:
                    line, file = ln, fl
        ctx[f] = (file, line, dept, label(dept) if dept else None, c, label(c) if c else None,
                  ind, label(ind) if ind else None)
    if trace is not None:
        _trace(trace, ctx, focus, nb, indicator, ups, by_citation, types, by_duty, scoped)
    return ctx


def _trace(trace: "WorkerContext", ctx, focus, nb: _Neighbours, indicator, ups, by_citation, types,
           by_duty, scoped) -> None:
    """The part of :func:`_context` for ``trace``: keep the context of each focus node ``f`` whose
    every read is of a ``scoped`` node (so complete in the document's store) and whose container is
    found from ``f`` and its indicator alone (not from the rest of the batch), with the department
    label left for the caller; and the types and up links of those nodes (``seed`` of the caller)."""
    by_citation, by_duty = set(by_citation), set(by_duty)
    for f in focus:
        ind = indicator.get(f)
        own = (f,) if ind is None or ind == f else (f, ind)
        reads = set(own)
        reads.update(nb.inc[f].get(_HAS_CITATION, ()))
        for x in own:
            if x in by_citation:
                reads.update(nb.inc[x].get(_HAS_CITATION, ()))
            if x in ups:
                reads.add(ups[x])

        def walk(n):  # container_of, None when it reads up links of nodes outside ``own``
            for _ in range(4):
                if types.get(n, _NO_TYPES) & _CONTAINERS:
                    return n, True
                if n not in own:
                    return None, False
                n = ups.get(n)
                if n is None:
                    return None, True
            return None, False

        c, ok = walk(ind if ind is not None else f)
        if ok and c is None:
            c, ok = walk(f)
        if not ok or c is None or c != ctx[f][4]:  # not found from ``own``: the IRI-prefix fallback
            continue
        reads.add(c)
        for x in (c, f):
            if x in by_duty:
                reads.update(d.value for d in nb.objects(x, _ACTIVITY_OF))
        if not all(scoped(n) for n in reads):
            continue
        file, line, dept, _dl, c, cl, ind, il = ctx[f]
        trace.nodes[f] = (file, line, dept, None, c, cl, ind, il)
        for x in own:
            trace.types[x] = types[x]
            if x in ups:
                u = trace.ups[x] = ups[x]
                trace.types[u] = types[u]


@dataclass
class WorkerContext:
    """Contexts of findings computed by the build's conversion workers, each on one document's
    in-memory store (:func:`document_context`), for ``validate_graph(..., context=...)``."""

    #: focus IRI → the :func:`_context` tuple, with the department label None (a department is
    #: shared by documents: its label is read from the whole store)
    nodes: dict[str, tuple] = field(default_factory=dict)
    #: (focus IRI, path IRI) → :func:`_path_lines` of it (None: none)
    paths: dict[tuple[str, str], tuple[str, int] | None] = field(default_factory=dict)
    #: described types and up links of the nodes covered (what the batch adds to the others' context)
    types: dict[str, frozenset] = field(default_factory=dict)
    ups: dict[str, str] = field(default_factory=dict)

    def update(self, other: "WorkerContext") -> None:
        self.nodes.update(other.nodes)
        self.paths.update(other.paths)
        self.types.update(other.types)
        self.ups.update(other.ups)


def document_context(store: GraphStore, raw: list[tuple], base: str, keys: set[str]) -> WorkerContext:
    """The context (:func:`_context`, :func:`_path_lines`) of the focus nodes of ``raw`` whose IRI
    falls under one of ``keys`` (the document's :func:`document_scope_keys`), on ``store`` (the
    document's triples and the default graph): when no key is in two documents, every triple about
    such a node is in its document, so the context read here is the one the whole store gives — for
    the nodes where it does not depend on other nodes of the batch or on shared nodes (the build
    checks the keys; nodes left out are read from the whole store)."""
    out = WorkerContext()
    key_re = _scope_key_re(base)

    def scoped(iri: str) -> bool:
        m = key_re.match(f"<{iri}>")
        return m is not None and m.group(1) in keys

    focus = {str(r[0]) for r in raw if isinstance(r[0], URIRef)}
    focus = {f for f in focus if scoped(f)}
    if not focus:
        return out
    # source lines are read from the records nodes are derived from: they must be the document's own
    records = store.store.query(f"SELECT DISTINCT ?r WHERE {{ ?x <{_D}> ?r FILTER(isIRI(?r)) }}",
                                use_default_graph_as_union=True)
    if not all(scoped(row[0].value) for row in records):
        return out
    nb = _Neighbours(store)
    _context(nb, [URIRef(f) for f in sorted(focus)], trace=out, scoped=scoped)
    pairs = {(str(r[0]), str(r[2])) for r in raw if isinstance(r[2], URIRef) and str(r[0]) in focus}
    got = _path_lines(nb, pairs)
    out.paths = {k: got.get(k) for k in pairs}
    return out


_NUMERIC = {str(rdflib.XSD[t]) for t in ("decimal", "integer", "int", "long", "double", "float", "short",
                                           "nonNegativeInteger", "positiveInteger")}


def _canonical(term) -> str | None:
    """A value's identity across stores: Oxigraph canonicalises numbers (90.00 → 90), rdflib keeps
    the lexical form, so numbers compare by value."""
    if term is None:
        return None
    if isinstance(term, Literal) and term.datatype is not None and str(term.datatype) in _NUMERIC:
        try:
            d = Decimal(str(term)).normalize()
            return f"{format(d, 'f')}^^number"
        except InvalidOperation:
            return str(term)
    if isinstance(term, Literal):
        return f"{term}@{term.language}" if term.language else str(term)
    return str(term)


def _lex(term) -> tuple[str | None, str | None]:
    if term is None:
        return None, None
    if isinstance(term, URIRef):
        return str(term), "iri"
    if isinstance(term, rdflib.BNode):
        return str(term), "bnode"
    return str(term), "literal"


def _messages(msgs) -> tuple[str, str]:
    """(Chinese, English) message of a result."""
    zh = next((str(m) for m in msgs if getattr(m, "language", None) == "zh"), "")
    en = next((str(m) for m in msgs if getattr(m, "language", None) == "en"), "")
    for m in msgs:  # pySHACL drops the language tag of SPARQL-based messages
        if getattr(m, "language", None) is None:
            if _language_of(str(m)) == "zh":
                zh = zh or str(m)
            else:
                en = en or str(m)
    return zh, en


@contextmanager
def _gc_paused():
    """Python's cycle collector off for a stretch that makes many objects and no cycles (findings,
    report triples): in the build's large heap its passes cost a third of the work."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _findings(raw: list[tuple], store: GraphStore, context: WorkerContext | None = None) -> list[Finding]:
    with _gc_paused():
        return _make_findings(raw, store, context)


def _make_findings(raw: list[tuple], store: GraphStore, context: WorkerContext | None = None) -> list[Finding]:
    pairs = {(str(r[0]), str(r[2])) for r in raw if isinstance(r[0], URIRef) and isinstance(r[2], URIRef)}
    if context is None:
        nb = _Neighbours(store, expected=len({r[0] for r in raw}))
        ctx = _context(nb, [r[0] for r in raw])
        plines = _path_lines(nb, pairs)
    else:  # the workers' context where they have it, the rest (and department labels) from the store
        covered = context.nodes
        rest = {r[0] for r in raw if isinstance(r[0], URIRef) and str(r[0]) not in covered}
        nb = _Neighbours(store, expected=len(rest))
        ctx = _context(nb, list(rest), seed=context)
        mine = {str(r[0]) for r in raw if isinstance(r[0], URIRef)} & covered.keys()
        nb.fetch_out({covered[f][2] for f in mine if covered[f][2]})
        for f in mine:
            c = covered[f]
            ctx[f] = c[:3] + (nb.label(c[2]) if c[2] else None,) + c[4:]
        paths = context.paths
        plines = _path_lines(nb, {k for k in pairs if k not in paths})
        for k in pairs:
            got = paths.get(k)
            if got is not None:
                plines[k] = got
    names: dict = {}  # shape, severity, component → (rule id / local name): few distinct ones

    def name(kind, term):
        got = names.get((kind, term))
        if got is None:
            got = names[(kind, term)] = rule_id(str(term)) if kind == "rule" else local_name(str(term))
        return got

    no_context = (None,) * 8
    out = []
    for focus, shape, path, value, sev, comp, msgs, _constraint in raw:
        f = str(focus)
        file, line, dept, dept_label, container, container_label, ind, ind_label = ctx.get(f, no_context)
        if isinstance(path, URIRef):
            path = str(path)
            if (f, path) in plines:
                file, line = plines[(f, path)]
        else:
            path = None
        zh, en = _messages(msgs)
        val, kind = _lex(value)
        out.append(Finding(
            rule=name("rule", shape), shape=str(shape), severity=name("local", sev),
            focus=f, path=path,
            value=val, value_kind=kind, value_key=_canonical(value),
            component=name("local", comp) if comp else None,
            message_zh=zh, message_en=en,
            source_file=file, source_line=line,
            department=dept, department_label=dept_label,
            project=container, project_label=container_label,
            indicator=ind, indicator_label=ind_label,
        ))
    return out


# ---------------------------------------------------------------------------------------------


def write_reports(outcome: ValidationOutcome, out_dir: str | Path) -> list[Path]:
    """Write ``report.ttl`` (the sh:ValidationReport) and ``report.md`` into ``out_dir``, streamed:
    neither the report's triples nor the text of either file is held whole (a province has 1 M results)."""
    from goalgraph.report import write_markdown, write_turtle

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "report.ttl", out / "report.md"]
    with _gc_paused():
        with open(paths[0], "wb") as fh:
            write_turtle(outcome, fh)
        with open(paths[1], "w", encoding="utf-8") as fh:
            write_markdown(outcome, fh)
    return paths


__all__ = [
    "DEFAULT_PARAMS", "Finding", "SCOPES", "Settings", "SparqlCheck", "ValidationOutcome", "core_shapes",
    "DocumentFindings", "WorkerContext", "document_results", "document_scope_keys", "document_sparql_results",
    "load_data", "load_shapes", "rule_id", "sparql_checks", "store_documents", "validate_document", "validate_graph",
    "write_reports",
]

_ = (RDFS, GGSH)
