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

import os
import re
import tomllib
from collections import Counter
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from collections.abc import Iterable
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


@dataclass(frozen=True)
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


@dataclass
class ValidationOutcome:
    conforms: bool
    results: list[Finding]
    report: rdflib.Graph
    mode: str = "fast"

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
    build runs this in its conversion workers and hands the merged results to
    ``validate_graph(..., local=...)``, which then runs only the corpus-scope checks."""
    checks = [c for c in _checks(load_shapes(settings)) if c.scope == "document"]
    data = "".join(lines).encode("utf-8")
    if not checks or not data:
        return []
    store = GraphStore()
    store.store.bulk_load((_default_graph_ntriples() if default_graph is None else default_graph) + data,
                          format=ox.RdfFormat.N_TRIPLES)
    out: list[tuple] = []
    for check in checks:
        out.extend(_run_sparql(store, check))
    return out


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
                   local: list[tuple] | None = None) -> ValidationOutcome:
    """Validate ``data`` against every shape; ``mode`` is ``"fast"`` or ``"pyshacl"``.

    ``core`` (fast mode, a store): the Core-shape results of every document graph, already computed
    with :func:`core_results` (the build does it in its workers); the engine then runs only the
    SPARQL checks and builds the report. ``local`` (fast mode): likewise the results of the
    ``ggsh:scope "document"`` SPARQL checks on every document graph
    (:func:`document_sparql_results`); the engine then runs only the corpus-scope checks."""
    settings = settings or Settings()
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

    findings = _findings(unique, store)
    conforms = not any(
        f.severity == "Violation" or (f.severity == "Warning" and not settings.allow_warnings)
        or (f.severity == "Info" and not settings.allow_infos and not settings.allow_warnings)
        for f in findings
    )
    report = build_report_graph(unique, conforms)
    findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity], _rule_num(f.rule), f.focus, f.shape,
                                 f.path or "", f.value or "", f.message_en, f.message_zh))
    return ValidationOutcome(conforms=conforms, results=findings, report=report, mode=mode)


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


def _core_results_per_graph(store: GraphStore, data, shapes: rdflib.Graph) -> list[tuple]:
    """The Core shapes on each document graph of ``store`` (the default graph when there is none):
    compiled (:mod:`goalgraph.shacl_core`, on the store itself) unless ``GOALGRAPH_CORE=pyshacl`` or
    the shapes leave its subset, else pySHACL on each filtered partition."""
    core_graph, reads = _core(shapes)
    compiled = _compiled_core(core_graph, None)
    if compiled is None:
        return [r for part in _partitions(store, data, reads) for r in _run_pyshacl(part, core_graph, texts=False)]
    return [r for name in store.named_graphs() or [None] for r in compiled.evaluate(store.store, name)]


def _partitions(store: GraphStore, data, reads: CoreReads | None = None):
    """Per document named graph; the default graph when there are none (a plain graph)."""
    if not isinstance(data, GraphStore) and not isinstance(data, rdflib.Dataset):
        yield data
        return
    names = store.named_graphs()
    if not names:
        yield store_partition(store, None, reads)
        return
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
def _tag(msg):
    """pySHACL drops the language tag of SPARQL-based messages; put it back (zh when mostly CJK)."""
    if not isinstance(msg, Literal) or msg.language:
        return msg
    text = str(msg)
    lang = "zh" if len(_CJK_RE.findall(text)) > len(re.findall(r"[A-Za-z]", text)) else "en"
    return Literal(text, lang=lang)


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


def build_report_graph(raw: list[tuple], conforms: bool) -> rdflib.Graph:
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


# ---------------------------------------------------------------------------------------------
# context: department → project → indicator, source file:line

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


def _findings(raw: list[tuple], store: GraphStore) -> list[Finding]:
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


# ---------------------------------------------------------------------------------------------


def write_reports(outcome: ValidationOutcome, out_dir: str | Path) -> list[Path]:
    """Write ``report.ttl`` (the sh:ValidationReport) and ``report.md`` into ``out_dir``."""
    from goalgraph.report import render

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "report.ttl", out / "report.md"]
    paths[0].write_text(render(outcome, "turtle"), encoding="utf-8")
    paths[1].write_text(render(outcome, "markdown"), encoding="utf-8")
    return paths


__all__ = [
    "DEFAULT_PARAMS", "Finding", "SCOPES", "Settings", "SparqlCheck", "ValidationOutcome", "core_shapes",
    "document_scope_keys", "document_sparql_results", "load_data", "load_shapes", "rule_id", "sparql_checks", "validate_graph", "write_reports",
]

_ = (RDFS, GGSH)
