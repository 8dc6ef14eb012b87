"""A compiled evaluator for the subset of SHACL Core that the project's shapes use.

Why: the build validates each document graph against the Core shapes in its worker processes
(``validate.core_results_ntriples``). pySHACL needs the document as an rdflib Graph (~0.8 s to
build for a 5,400-indicator document) and spends tens of µs of Python per shape and focus node;
75 % of its time went to the one ``sh:xone`` shape (``GG-R21-QuantitativeXorQualitative``: two
member shapes, five property shapes, for every target). :func:`compile_shapes` turns the Core
shapes graph into plain Python checks once; :meth:`CompiledShapes.evaluate` runs them on the
pyoxigraph terms of the document's in-memory store (an index per predicate) and converts to rdflib
only the terms of results and the literals a value check reads. ``core_results_ntriples`` on that
document: 3.7 s CPU with pySHACL, 0.6 s compiled.

Contract: ``evaluate(store)`` gives exactly the raw result tuples that
``validate._run_pyshacl(validate.store_partition(store, None), core, texts=False)`` gives — the
same multiset of (focusNode, sourceShape, resultPath, value, resultSeverity,
sourceConstraintComponent, messages, sourceConstraint). ``tests/test_shacl_core.py`` checks it per
feature, on random graphs and on every document of the seed.

Supported (anything else raises :class:`Unsupported`; :func:`compiled` then returns None and
``core_results_ntriples`` runs pySHACL, as it does with ``GOALGRAPH_CORE=pyshacl``):

* shapes found as pySHACL 0.40 finds them, targets ``sh:targetClass`` only (instances of
  ``rdfs:subClassOf*`` subclasses declared in the data graph included), ``sh:deactivated``,
  ``sh:severity``, ``sh:message`` (required on every shape whose results are reported: pySHACL's
  generated messages are not reproduced);
* ``sh:path``: one predicate IRI or a sequence of predicate IRIs;
* ``sh:property``, ``sh:xone``, ``sh:qualifiedValueShape`` with ``sh:qualifiedMinCount`` /
  ``sh:qualifiedMaxCount`` / ``sh:qualifiedValueShapesDisjoint``;
* ``sh:minCount``, ``sh:maxCount``, ``sh:datatype``, ``sh:pattern`` (+ ``sh:flags``),
  ``sh:minLength``, ``sh:in``, ``sh:hasValue``, ``sh:minExclusive``.

pySHACL behaviours kept on purpose (where they differ from the SHACL spec, pySHACL is the
reference the build's results are compared with):

* ``sh:flags``: only ``i`` and ``m`` take effect (``"s"`` is ignored: ``.`` stops at a newline);
  ``sh:pattern`` matches anywhere (``re.search``) in the rdflib lexical form;
* a nested shape (an ``sh:xone`` member, a qualified value shape) conforms when it has no
  result, whatever its severity: the spec's rule, and pySHACL's as ``validate._run_pyshacl`` calls
  it (``allow_warnings``/``allow_infos`` off; with them on, a nested shape of severity Warning or
  Info passed whatever its constraints said, so a severity override of GG-R21 turned every target
  into an ``sh:xone`` failure);
* values are rdflib terms: literals compare and deduplicate after rdflib's lexical normalisation
  (``" 5 "^^xsd:integer`` and ``"5"^^xsd:integer`` are one value node), ``sh:datatype`` fails on
  literals rdflib finds ill-typed (``"abc"^^xsd:decimal``), ``sh:minExclusive`` uses pySHACL's own
  ``compare_literal``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import ClassVar

import pyoxigraph as ox
import rdflib
from rdflib import RDF, RDFS, BNode, Literal, URIRef
from rdflib.namespace import OWL, SH, XSD

from goalgraph.store import cached_rdflib_terms


class Unsupported(Exception):
    """The shapes graph uses something outside the compiled subset: pySHACL must run it."""


#: constraint parameters this module implements
PARAMETERS = frozenset({
    SH.property, SH.xone, SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint, SH.minCount, SH.maxCount, SH.datatype, SH.pattern, SH.minLength,
    SH["in"], SH.hasValue, SH.minExclusive,
})
#: other sh: predicates a shape may carry; pySHACL 0.40 (Core, not advanced) reads or ignores them
ANNOTATIONS = frozenset({
    SH.path, SH.targetClass, SH.severity, SH.message, SH.deactivated, SH.flags, SH.name,
    SH.description, SH.order, SH.group, SH.defaultValue,
})
MAX_DEPTH = 10  # pySHACL refuses nesting of 15 shapes; stay well below
XSD_WHOLE_INTEGERS = (XSD.integer, XSD.int, XSD.long, XSD.negativeInteger, XSD.nonNegativeInteger,
                      XSD.nonPositiveInteger, XSD.positiveInteger, XSD.short, XSD.unsignedByte,
                      XSD.unsignedInt, XSD.unsignedLong, XSD.unsignedShort)
RDF_TYPE = ox.NamedNode(str(RDF.type))
RDFS_SUBCLASSOF = ox.NamedNode(str(RDFS.subClassOf))


# ---------------------------------------------------------------------------------------------
# compiled shapes


@dataclass(eq=False)
class Shape:
    """One SHACL shape: what pySHACL's ``Shape`` reads, with its constraints compiled."""

    node: URIRef | BNode
    path: tuple[ox.NamedNode, ...] | None  # the predicates of the path; None for a node shape
    path_node: object  # sh:path as written: pySHACL reports it as sh:resultPath
    severity: object
    messages: tuple  # sh:message as _run_pyshacl returns them (tagged, sorted by str)
    deactivated: bool
    classes: tuple[ox.NamedNode, ...]  # sh:targetClass
    constraints: list = field(default_factory=list)


@dataclass(eq=False)
class ValueConstraint:
    """A test on each value node; a failing value gives a result with it as sh:value."""

    component: ClassVar[URIRef]

    def accepts(self, v) -> bool:  # v: an rdflib term
        raise NotImplementedError

    def passes(self, ev: "Evaluator", v) -> bool:
        """The test on a value node as the store gives it: :meth:`accepts` on its rdflib term."""
        return self.accepts(ev.term(v))

    def check(self, ev: "Evaluator", shape: Shape, focus, values, out: list | None) -> bool:
        ok = True
        for v in values:
            if not self.passes(ev, v):
                if out is None:
                    return False
                ok = False
                out.append(ev.result(shape, focus, v, self.component))
        return ok


@dataclass(eq=False)
class Datatype(ValueConstraint):
    datatype: object
    component: ClassVar[URIRef] = SH.DatatypeConstraintComponent

    def accepts(self, v) -> bool:
        # pySHACL's DatatypeConstraintComponent.evaluate, branch for branch
        rule = self.datatype
        if not isinstance(v, Literal):
            return False
        if v.datatype == rule:
            return getattr(v, "ill_typed", None) is not True and _actual_datatype(v, rule)
        if rule == RDFS.Literal:
            return True
        if rule == RDFS.Datatype and v.datatype:
            return True
        if v.datatype is None and v.language is None and rule == XSD.string:
            return _actual_datatype(v, rule)
        if rule == RDF.langString and v.language:
            return _actual_datatype(v, rule)
        return False


#: DatatypeConstraintComponent._assert_actual_datatype: the Python type rdflib must have parsed
_VALUE_TYPES = {XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int, XSD.float: float,
                XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: date, XSD.time: time, XSD.dateTime: datetime}
_STRING_TYPES = (None, RDF.langString, XSD.string)


def _actual_datatype(v: Literal, rule) -> bool:
    types = _VALUE_TYPES.get(rule)
    return types is None or isinstance(v.value, types)  # other datatypes: pySHACL assumes a pass


def _lexical(v) -> str:
    """pySHACL's StringBasedConstraintBase.value_node_to_string."""
    if isinstance(v, Literal) and v.value is not None and v.datatype in _STRING_TYPES:
        return str(v.value)
    return str(v)


@dataclass(eq=False)
class Pattern(ValueConstraint):
    regex: re.Pattern
    component: ClassVar[URIRef] = SH.PatternConstraintComponent

    def accepts(self, v) -> bool:
        return not isinstance(v, BNode) and self.regex.search(_lexical(v)) is not None


@dataclass(eq=False)
class MinLength(ValueConstraint):
    length: int
    component: ClassVar[URIRef] = SH.MinLengthConstraintComponent

    def accepts(self, v) -> bool:
        if self.length == 0:
            return True
        return not isinstance(v, BNode) and len(_lexical(v)) >= self.length


@dataclass(eq=False)
class In(ValueConstraint):
    members: frozenset
    component: ClassVar[URIRef] = SH.InConstraintComponent

    def accepts(self, v) -> bool:
        return v in self.members


@dataclass(eq=False)
class MinExclusive(ValueConstraint):
    bound: Literal
    compare: Callable  # pySHACL's compare_literal: rdflib's ordering with pySHACL's exceptions
    component: ClassVar[URIRef] = SH.MinExclusiveConstraintComponent

    def accepts(self, v) -> bool:
        if not isinstance(v, Literal):
            return False
        if isinstance(self.bound.value, str) != isinstance(v.value, str):
            return False
        try:
            return self.compare(v, self.bound) > 0
        except (TypeError, NotImplementedError):
            return False


class FocusConstraint:
    """A constraint on the focus node's value set as a whole: one result without sh:value."""

    component: ClassVar[URIRef]

    def holds(self, ev, values) -> bool:
        raise NotImplementedError

    def check(self, ev, shape, focus, values, out) -> bool:
        if self.holds(ev, values):
            return True
        if out is not None:
            out.append(ev.result(shape, focus, None, self.component))
        return False


@dataclass(eq=False)
class MinCount(FocusConstraint):
    count: int
    component: ClassVar[URIRef] = SH.MinCountConstraintComponent

    def holds(self, ev, values) -> bool:
        return len(values) >= self.count


@dataclass(eq=False)
class MaxCount(FocusConstraint):
    count: int
    component: ClassVar[URIRef] = SH.MaxCountConstraintComponent

    def holds(self, ev, values) -> bool:
        return len(values) <= self.count


@dataclass(eq=False)
class HasValue(FocusConstraint):
    value: object
    component: ClassVar[URIRef] = SH.HasValueConstraintComponent

    def holds(self, ev, values) -> bool:
        return any(ev.term(v) == self.value for v in values)


@dataclass(eq=False)
class Property:
    """sh:property: the property shape's results on each value node are this shape's results."""

    shape: Shape

    def check(self, ev, shape, focus, values, out) -> bool:
        ok = True
        for v in values:
            if not ev.validate(self.shape, v, out):
                if out is None:
                    return False
                ok = False
        return ok


@dataclass(eq=False)
class Xone(ValueConstraint):
    members: tuple[Shape, ...]
    component: ClassVar[URIRef] = SH.XoneConstraintComponent

    def passes(self, ev, v) -> bool:  # the value node itself is validated against each member shape
        return sum(ev.validate(m, v) for m in self.members) == 1


@dataclass(eq=False)
class Qualified:
    """sh:qualifiedValueShape with its min/max counts (one constraint per value shape)."""

    value_shape: Shape
    siblings: tuple[Shape, ...]  # with sh:qualifiedValueShapesDisjoint true
    min_count: int | None
    max_count: int | None

    def check(self, ev, shape, focus, values, out) -> bool:
        n = sum(1 for v in values
                if ev.validate(self.value_shape, v) and not any(ev.validate(s, v) for s in self.siblings))
        failed = []
        if self.max_count is not None and n > self.max_count:
            failed.append(SH.QualifiedMaxCountConstraintComponent)
        if self.min_count is not None and n < self.min_count:
            failed.append(SH.QualifiedMinCountConstraintComponent)
        if out is not None:
            out.extend(ev.result(shape, focus, None, c) for c in failed)
        return not failed


@dataclass(eq=False)
class CompiledShapes:
    """The Core shapes as plain checks; :meth:`evaluate` runs them on one graph of a store."""

    targeted: list[Shape]  # shapes with sh:targetClass: the only ones with focus nodes of their own
    predicates: frozenset[ox.NamedNode]  # of every path: what the evaluator indexes

    def evaluate(self, store: ox.Store, graph_name: str | None = None) -> list[tuple]:
        """The raw results (as ``validate._run_pyshacl`` returns them) on one graph of ``store``."""
        ev = Evaluator(store, ox.NamedNode(graph_name) if graph_name else ox.DefaultGraph(), self.predicates)
        out: list[tuple] = []
        for shape in self.targeted:
            if shape.deactivated or not shape.constraints:  # (shapes of SPARQL constraints only)
                continue
            for focus in ev.focus_nodes(shape):
                ev.validate(shape, focus, out)
        return out


# ---------------------------------------------------------------------------------------------
# evaluation


class Evaluator:
    """One graph of a store, indexed by predicate (subject → objects) for the shapes' paths."""

    def __init__(self, store: ox.Store, graph, predicates: Iterable[ox.NamedNode]) -> None:
        self.store, self.graph = store, graph
        self.term = cached_rdflib_terms()
        self.objects = {p: _by_subject(store.quads_for_pattern(None, p, None, graph)) for p in predicates}
        self.subclasses: dict | None = None  # class → its rdfs:subClassOf subjects
        self.instances: dict = {}  # target class → focus nodes

    def focus_nodes(self, shape: Shape) -> set:
        found = set()
        for cls in shape.classes:
            if cls not in self.instances:
                self.instances[cls] = self._instances(cls)
            found |= self.instances[cls]
        return found

    def _instances(self, cls) -> set:
        """Instances of ``cls`` and of its subclasses (rdflib's transitive_subjects, as pySHACL)."""
        if self.subclasses is None:
            self.subclasses = _by_subject((o, p, s) for s, p, o, _ in
                                          self.store.quads_for_pattern(None, RDFS_SUBCLASSOF, None, self.graph))
        found, seen, todo = set(), {cls}, [cls]
        while todo:
            c = todo.pop()
            found.update(q[0] for q in self.store.quads_for_pattern(None, RDF_TYPE, c, self.graph))
            for sub in self.subclasses.get(c, ()):
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
        return found

    def values(self, shape: Shape, focus) -> list | tuple:
        """The value nodes of ``focus`` for ``shape``: distinct as rdflib terms, as pySHACL's sets."""
        if shape.path is None:
            return (focus,)
        first, *rest = shape.path
        nodes = self.objects[first].get(focus, ())
        for p in rest:
            index = self.objects[p]
            nodes = list({o for n in nodes for o in index.get(n, ())})
        if len(nodes) > 1 and sum(isinstance(n, ox.Literal) for n in nodes) > 1:
            # two Oxigraph literals can be one rdflib literal (" 5 "^^xsd:integer, "5"^^xsd:integer)
            nodes = list({self.term(n): n for n in nodes}.values())
        return nodes

    def validate(self, shape: Shape, focus, out: list | None = None) -> bool:
        """pySHACL's ``Shape.validate`` on one focus node: whether it conforms; with ``out``, every
        constraint runs and the results are appended (without, it stops at the first failure)."""
        if shape.deactivated:
            return True
        values = self.values(shape, focus)
        if out is None:
            return all(c.check(self, shape, focus, values, None) for c in shape.constraints)
        ok = True
        for c in shape.constraints:
            if not c.check(self, shape, focus, values, out):
                ok = False
        return ok

    def result(self, shape: Shape, focus, value, component) -> tuple:
        return (self.term(focus), shape.node, shape.path_node, None if value is None else self.term(value),
                shape.severity, component, shape.messages, None)


def _by_subject(quads) -> dict:
    """subject → objects of (subject, predicate, object, …) rows (indexing a Quad is faster than
    its attributes)."""
    index: dict = {}
    for q in quads:
        s, o = q[0], q[2]
        objects = index.get(s)
        if objects is None:
            index[s] = [o]
        else:
            objects.append(o)
    return index


# ---------------------------------------------------------------------------------------------
# compilation


_COMPILED: list[tuple] = []  # [(core graph, CompiledShapes | None)]: the last shapes graph seen


def compiled(core: rdflib.Graph) -> CompiledShapes | None:
    """:func:`compile_shapes` of ``core``, or None when it is unsupported (cached for the last graph)."""
    if not _COMPILED or _COMPILED[0][0] is not core:
        try:
            result = compile_shapes(core)
        except Unsupported:
            result = None
        _COMPILED[:] = [(core, result)]
    return _COMPILED[0][1]


def compile_shapes(g: rdflib.Graph) -> CompiledShapes:
    """Compile a SHACL-Core shapes graph; raises :class:`Unsupported` outside the subset."""
    _check_graph(g)
    compiler = _Compiler(g, _shape_paths(g))
    shapes = [compiler.shape(node) for node in compiler.paths]
    targeted = [s for s in shapes if s.classes]
    _check_messages(targeted)
    predicates = frozenset(p for s in shapes if s.path for p in s.path)
    return CompiledShapes(targeted, predicates)


def _check_graph(g: rdflib.Graph) -> None:
    """What makes pySHACL do more than the shapes' own constraints: custom constraint components
    and implicit class targets (a shape that is also an rdfs:Class or owl:Class)."""
    components = set(g.subjects(RDF.type, SH.ConstraintComponent))
    for sub in g.subjects(RDFS.subClassOf, SH.ConstraintComponent):
        components.update(g.subjects(RDF.type, sub))
    if any(not str(c).startswith(str(SH)) for c in components):
        raise Unsupported("custom constraint components")


def _shape_paths(g: rdflib.Graph) -> dict:
    """Every shape pySHACL 0.40 finds (ShapesGraph._build_node_shape_cache) → its sh:path or None."""
    node_shapes = set(g.subjects(RDF.type, SH.NodeShape))
    prop_shapes = set(g.subjects(RDF.type, SH.PropertyShape))
    if node_shapes & prop_shapes:
        raise Unsupported("a shape typed both sh:NodeShape and sh:PropertyShape")
    found = node_shapes | prop_shapes
    for p in (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf, SH.property, SH.node):
        found.update(g.subjects(p, None))
    for p in (SH.property, SH.node, SH["not"], SH.qualifiedValueShape):
        found.update(g.objects(None, p))
    for p in (SH["and"], SH["or"], SH.xone):
        for lst in g.objects(None, p):
            items = list(g.items(lst))
            if not items:
                raise Unsupported("an empty shape list")
            found.update(items)
    class_types = {RDFS.Class, OWL.Class, *g.subjects(RDFS.subClassOf, RDFS.Class)}
    paths = {}
    for s in found:
        if isinstance(s, Literal):
            raise Unsupported(f"a literal as a shape: {s!r}")
        if class_types & set(g.objects(s, RDF.type)):
            raise Unsupported(f"{s}: implicit class target")
        values = list(g.objects(s, SH.path))
        if len(values) > 1 or (s in node_shapes and values) or (s in prop_shapes and not values):
            raise Unsupported(f"{s}: not a well-formed node or property shape")
        paths[s] = values[0] if values else None
    return paths


def _check_messages(targeted: list[Shape]) -> None:
    """Shapes whose results are reported need sh:message: pySHACL's generated messages (which
    name nodes through the data graph's prefixes) are not reproduced."""
    todo, seen = list(targeted), set()
    while todo:
        shape = todo.pop()
        if id(shape) in seen:
            continue
        seen.add(id(shape))
        if not shape.messages and any(not isinstance(c, Property) for c in shape.constraints):
            raise Unsupported(f"{shape.node}: no sh:message")
        todo.extend(c.shape for c in shape.constraints if isinstance(c, Property))


class _Compiler:
    def __init__(self, g: rdflib.Graph, paths: dict) -> None:
        self.g, self.paths = g, paths
        self.done: dict = {}
        self.open: list = []  # shapes being compiled: a reference back to one is recursion

    def shape(self, node) -> Shape:
        if node in self.done:
            return self.done[node]
        if node not in self.paths:
            raise Unsupported(f"{node}: referenced but not a shape")
        if node in self.open:
            raise Unsupported(f"{node}: recursive shapes")
        if len(self.open) >= MAX_DEPTH:
            raise Unsupported(f"{node}: shapes nested too deep")
        self.open.append(node)
        try:
            shape = self._shape(node)
        finally:
            self.open.pop()
        self.done[node] = shape
        return shape

    def _shape(self, node) -> Shape:
        g = self.g
        predicates = set(g.predicates(node, None))
        for p in predicates:
            if str(p).startswith(str(SH)) and p not in PARAMETERS and p not in ANNOTATIONS:
                raise Unsupported(f"{node}: {p} is not supported")
        path_node = self.paths[node]
        classes = tuple(g.objects(node, SH.targetClass))
        if any(not isinstance(c, URIRef) for c in classes):
            raise Unsupported(f"{node}: sh:targetClass is not an IRI")
        severity = _at_most_one(g, node, SH.severity)
        from goalgraph.validate import _tag  # the message tagging _run_pyshacl applies

        shape = Shape(
            node=node, path=_path(g, path_node) if path_node is not None else None, path_node=path_node,
            severity=severity if severity is not None else SH.Violation,
            messages=tuple(sorted((_tag(m) for m in set(g.objects(node, SH.message))), key=str)),
            deactivated=_deactivated(g, node), classes=tuple(ox.NamedNode(str(c)) for c in classes),
        )
        shape.constraints = self._constraints(shape, predicates)
        return shape

    def _constraints(self, shape: Shape, predicates: set) -> list:
        g, node = self.g, shape.node
        out: list = []
        if SH.property in predicates:
            for p in g.objects(node, SH.property):
                child = self.shape(p)
                if child.path is None:
                    raise Unsupported(f"{p}: sh:property value is not a property shape")
                out.append(Property(child))
        for lst in g.objects(node, SH.xone):
            out.append(Xone(tuple(self.shape(m) for m in g.items(lst))))
        if predicates & {SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount,
                         SH.qualifiedValueShapesDisjoint}:
            out += self._qualified(shape)
        for p, make in ((SH.minCount, MinCount), (SH.maxCount, MaxCount)):
            if p in predicates:
                if shape.path is None:
                    raise Unsupported(f"{node}: {p} on a node shape")
                out.append(make(_count(g, node, p)))
        if SH.datatype in predicates:
            out.append(Datatype(_at_most_one(g, node, SH.datatype)))
        if SH.pattern in predicates:
            flags = _at_most_one(g, node, SH.flags)
            out += [Pattern(_regex(p, flags)) for p in g.objects(node, SH.pattern)]
        if SH.minLength in predicates:
            out.append(MinLength(_min_length(_at_most_one(g, node, SH.minLength))))
        if SH["in"] in predicates:
            out.append(In(frozenset(g.items(_at_most_one(g, node, SH["in"])))))
        out += [HasValue(v) for v in set(g.objects(node, SH.hasValue))]
        for bound in g.objects(node, SH.minExclusive):
            if not isinstance(bound, Literal):
                raise Unsupported(f"{node}: sh:minExclusive is not a literal")
            from pyshacl.rdfutil.compare import compare_literal

            out.append(MinExclusive(bound, compare_literal))
        return out

    def _qualified(self, shape: Shape) -> list[Qualified]:
        g, node = self.g, shape.node
        if shape.path is None:
            raise Unsupported(f"{node}: sh:qualifiedValueShape on a node shape")
        value_shapes = set(g.objects(node, SH.qualifiedValueShape))
        low, high = (_qualified_count(_at_most_one(g, node, p)) for p in (SH.qualifiedMinCount, SH.qualifiedMaxCount))
        if not value_shapes or (low is None and high is None):
            raise Unsupported(f"{node}: incomplete qualified value shape")
        disjoint = any(isinstance(d, Literal) and isinstance(d.value, bool) and d.value
                       for d in g.objects(node, SH.qualifiedValueShapesDisjoint))
        out = []
        for v in value_shapes:
            siblings = set()
            if disjoint:  # sh:property/sh:qualifiedValueShape of the shapes that have this one as sh:property
                for parent in g.subjects(SH.property, node):
                    for s in g.objects(parent, SH.property):
                        siblings.update(x for x in g.objects(s, SH.qualifiedValueShape) if x != v)
            out.append(Qualified(self.shape(v), tuple(self.shape(s) for s in siblings), low, high))
        return out


def _at_most_one(g: rdflib.Graph, node, p):
    values = set(g.objects(node, p))
    if len(values) > 1:
        raise Unsupported(f"{node}: more than one {p}")
    return next(iter(values), None)


def _path(g: rdflib.Graph, path) -> tuple[ox.NamedNode, ...]:
    """A predicate IRI or a well-formed sequence (RDF list) of two or more predicate IRIs."""
    if isinstance(path, URIRef):
        return (ox.NamedNode(str(path)),)
    items, node = [], path
    while node != RDF.nil:
        if not isinstance(node, BNode) or set(g.predicates(node, None)) != {RDF.first, RDF.rest}:
            raise Unsupported(f"path {path}: only predicate IRIs and sequences of them are supported")
        first, rest = _at_most_one(g, node, RDF.first), _at_most_one(g, node, RDF.rest)
        if not isinstance(first, URIRef):
            raise Unsupported(f"path {path}: only predicate IRIs and sequences of them are supported")
        items.append(ox.NamedNode(str(first)))
        node = rest
    if len(items) < 2:
        raise Unsupported(f"path {path}: a sequence needs two items")
    return tuple(items)


def _deactivated(g: rdflib.Graph, node) -> bool:
    d = _at_most_one(g, node, SH.deactivated)
    if d is None:
        return False
    if not isinstance(d, Literal):
        raise Unsupported(f"{node}: sh:deactivated is not a literal")
    return bool(d.value)  # pySHACL's reading


def _count(g: rdflib.Graph, node, p) -> int:
    n = _at_most_one(g, node, p)
    if not (isinstance(n, Literal) and n.datatype == XSD.integer and isinstance(n.value, int) and n.value >= 0):
        raise Unsupported(f"{node}: {p} must be one non-negative xsd:integer")
    return n.value


def _qualified_count(n) -> int | None:
    if n is None:
        return None
    if not (isinstance(n, Literal) and isinstance(n.value, int) and n.value >= 0):
        raise Unsupported(f"qualified count {n!r}: expected a non-negative integer")
    return int(n.value)


def _min_length(n) -> int:
    if not (isinstance(n, Literal) and not getattr(n, "ill_typed", False) and n.datatype in XSD_WHOLE_INTEGERS
            and isinstance(n.value, int) and n.value >= 0):
        raise Unsupported(f"sh:minLength {n!r}: expected a non-negative integer")
    return n.value


def _regex(pattern, flags) -> re.Pattern:
    """pySHACL's PatternConstraintComponent: only the i and m flags, the pattern's value or text."""
    if not isinstance(pattern, Literal) or not (pattern.value is None or isinstance(pattern.value, str)):
        raise Unsupported(f"sh:pattern {pattern!r}: expected a string literal")
    re_flags = 0
    if flags:
        text = str(flags.value).lower()
        re_flags |= (re.I if "i" in text else 0) | (re.M if "m" in text else 0)
    source = str(pattern.value) if pattern.value is not None and len(pattern.value) > 1 else str(pattern)
    try:
        return re.compile(source, re_flags)
    except re.error as exc:
        raise Unsupported(f"sh:pattern {source!r}: {exc}") from exc
