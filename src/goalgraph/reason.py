"""Reasoning: materialise the few entailments queries rely on, with targeted SPARQL rules.

owlrl over the data graph is far too slow (39 s at 100k triples, TOOLING.md §3.4), so
:func:`materialize` computes the class and property hierarchies from the ontology in Python and
runs a handful of ``INSERT … WHERE`` updates on the Oxigraph store:

* ``rdf:type`` of every superclass (``rdfs:subClassOf`` / ``owl:equivalentClass``, transitive);
* every super-property edge (``rdfs:subPropertyOf`` / ``owl:equivalentProperty``, transitive);
* both directions of every ``owl:inverseOf`` pair (combined with super-properties, so
  ``p ⊑ q``, ``q inverseOf r`` gives ``r`` edges from ``p`` edges in one pass);
* optionally (``domain_range=True``) ``rdf:type`` from single-class ``rdfs:domain`` / ``rdfs:range``.

Inferred triples go into the named graph of the triple they follow from, so dropping a document's
graph drops its inferences too. The rules only read named graphs (the default graph holds the
ontology). Running :func:`materialize` twice adds nothing the second time.

:func:`owlrl_closure` is the full OWL 2 RL closure, for small graphs and for ``--reason owlrl``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from goalgraph.store import GraphStore

#: classes that every resource belongs to: never materialised
_TRIVIAL_CLASSES = {OWL.Thing, RDFS.Resource, RDFS.Class, OWL.Class}
_BATCH = 200  # VALUES rows per update


# -- hierarchies (computed in Python from the ontology) ----------------------------------------
def _closure(edges: dict[URIRef, set[URIRef]], start: URIRef) -> set[URIRef]:
    seen: set[URIRef] = set()
    todo = [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    seen.discard(start)
    return seen


def _edges(ontology: Graph, sub: URIRef, equivalent: URIRef) -> dict[URIRef, set[URIRef]]:
    edges: dict[URIRef, set[URIRef]] = defaultdict(set)
    for a, b in ontology.subject_objects(sub):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            edges[a].add(b)
    for a, b in ontology.subject_objects(equivalent):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            edges[a].add(b)
            edges[b].add(a)
    return edges


def superclasses(ontology: Graph) -> dict[URIRef, set[URIRef]]:
    """Class → every strict superclass (transitive, via subClassOf and equivalentClass)."""
    edges = _edges(ontology, RDFS.subClassOf, OWL.equivalentClass)
    table = {c: _closure(edges, c) - _TRIVIAL_CLASSES for c in edges}
    return {c: supers for c, supers in table.items() if supers}


def property_entailments(ontology: Graph) -> dict[URIRef, set[tuple[URIRef, bool]]]:
    """Property p → every (q, inverted) such that ``x p y`` entails ``x q y`` (or ``y q x`` if inverted)."""
    edges: dict[tuple[URIRef, bool], set[tuple[URIRef, bool]]] = defaultdict(set)
    for a, supers in _edges(ontology, RDFS.subPropertyOf, OWL.equivalentProperty).items():
        for b in supers:
            edges[(a, False)].add((b, False))
            edges[(a, True)].add((b, True))
    for a, b in ontology.subject_objects(OWL.inverseOf):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            for x, y in ((a, b), (b, a)):
                edges[(x, False)].add((y, True))
                edges[(x, True)].add((y, False))
    props = {p for p, inverted in edges if not inverted}
    return {p: found for p in props if (found := _closure(edges, (p, False)) - {(p, False)})}


def domain_range_classes(ontology: Graph) -> tuple[dict[URIRef, URIRef], dict[URIRef, URIRef]]:
    """Property → its single named rdfs:domain class, and → its single named rdfs:range class."""
    def single(pred: URIRef) -> dict[URIRef, URIRef]:
        found: dict[URIRef, set] = defaultdict(set)
        for p, c in ontology.subject_objects(pred):
            found[p].add(c)
        return {p: next(iter(cs)) for p, cs in found.items()
                if len(cs) == 1 and isinstance(next(iter(cs)), URIRef) and isinstance(p, URIRef)}
    ranges = {p: c for p, c in single(RDFS.range).items()
              if not str(c).startswith(str(XSD)) and c not in (RDF.langString, RDFS.Literal)}
    return single(RDFS.domain), ranges


# -- SPARQL rules -------------------------------------------------------------------------------
def _values(rows: Iterable[tuple[URIRef, ...]]) -> str:
    return "\n".join("(" + " ".join(f"<{t}>" for t in row) + ")" for row in rows)


def _batched(rows: list[tuple[URIRef, ...]]) -> Iterable[list[tuple[URIRef, ...]]]:
    for i in range(0, len(rows), _BATCH):
        yield rows[i:i + _BATCH]


def _type_rule(rows: list[tuple[URIRef, URIRef]]) -> str:
    return f"""INSERT {{ GRAPH ?g {{ ?x a ?super }} }}
WHERE {{ VALUES (?c ?super) {{ {_values(rows)} }} GRAPH ?g {{ ?x a ?c }} }}"""


def _property_rule(rows: list[tuple[URIRef, URIRef]], inverted: bool) -> str:
    head = "?y ?q ?x" if inverted else "?x ?q ?y"
    guard = " FILTER(!isLiteral(?y))" if inverted else ""
    return f"""INSERT {{ GRAPH ?g {{ {head} }} }}
WHERE {{ VALUES (?p ?q) {{ {_values(rows)} }} GRAPH ?g {{ ?x ?p ?y }}{guard} }}"""


def _typing_rule(rows: list[tuple[URIRef, URIRef]], subject: bool) -> str:
    node, guard = ("?x", "") if subject else ("?y", " FILTER(isIRI(?y) || isBlank(?y))")
    return f"""INSERT {{ GRAPH ?g {{ {node} a ?c }} }}
WHERE {{ VALUES (?p ?c) {{ {_values(rows)} }} GRAPH ?g {{ ?x ?p ?y }}{guard} }}"""


def _with_supers(pairs: dict[URIRef, URIRef], supers: dict[URIRef, set[URIRef]]) -> list[tuple[URIRef, URIRef]]:
    return sorted((p, c) for p, cls in pairs.items() for c in {cls, *supers.get(cls, ())} - _TRIVIAL_CLASSES)


def rules(ontology: Graph, domain_range: bool = False) -> list[str]:
    """The SPARQL updates, in the order they must run (properties, then domain/range, then types)."""
    entailed = property_entailments(ontology)
    updates: list[str] = []
    for inverted in (False, True):
        rows = sorted((p, q) for p, found in entailed.items() for q, inv in found if inv == inverted)
        updates += [_property_rule(batch, inverted) for batch in _batched(rows)]
    supers = superclasses(ontology)
    if domain_range:
        domains, ranges = domain_range_classes(ontology)
        updates += [_typing_rule(b, True) for b in _batched(_with_supers(domains, supers))]
        updates += [_typing_rule(b, False) for b in _batched(_with_supers(ranges, supers))]
    rows = sorted((c, s) for c, found in supers.items() for s in found)
    updates += [_type_rule(batch) for batch in _batched(rows)]
    return updates


def materialize(store: GraphStore, ontology_graph: Graph | None = None, domain_range: bool = False) -> int:
    """Run the rules on every named graph of ``store``; returns the number of quads added.

    ``ontology_graph`` defaults to the packaged ontology. With ``domain_range`` the typing rules
    also type concept nodes (skos:Concept) inside each data graph, as owlrl would.
    """
    if ontology_graph is None:
        from goalgraph.ontology import load_ontology

        ontology_graph = load_ontology()
    before = store.count()
    for update in rules(ontology_graph, domain_range):
        store.store.update(update)
    return store.count() - before


# -- the same rules over one document's N-Triples, in Python ----------------------------------------
RDF_TYPE_NT = f"<{RDF.type}>"


class Entailer:
    """:func:`rules` (without domain/range) applied to one document's N-Triples lines in plain
    Python: the converter already holds the document as text, so loading it into a store to run
    three ``INSERT … WHERE`` updates and diffing two dumps (≈60 % of conversion time) is avoided.

    Built from the ontology once; picklable (dicts of N-Triples term strings), so build workers get
    a copy. ``tests/test_reason.py`` checks it adds exactly what the SPARQL rules add.
    """

    def __init__(self, ontology: Graph) -> None:
        self.properties: dict[str, list[tuple[str, bool]]] = {
            f"<{p}>": sorted((f"<{q}>", inv) for q, inv in found)
            for p, found in property_entailments(ontology).items()}
        self.supers: dict[str, list[str]] = {
            f"<{c}>": sorted(f"<{s}>" for s in found) for c, found in superclasses(ontology).items()}

    def entail(self, lines: Iterable[str]) -> list[str]:
        """The N-Triples lines the rules add to ``lines`` (each ``"s p o .\n"``), sorted; lines
        already present are not repeated."""
        have = set(lines)
        added: set[str] = set()
        types: list[tuple[str, str]] = []
        properties = self.properties
        for line in have:
            i = line.find(" ")  # s and p are IRIs or blank nodes: no space inside
            j = line.find(" ", i + 1)
            p = line[i + 1:j]
            if p == RDF_TYPE_NT:
                types.append((line[:i], line[j + 1:-3]))
                continue
            derived = properties.get(p)
            if derived is None:  # most lines: found without splitting off the (long) object
                continue
            s, o = line[:i], line[j + 1:-3]
            for q, inverted in derived:
                if not inverted:
                    added.add(f"{s} {q} {o} .\n")
                elif not o.startswith('"'):  # a literal cannot be a subject
                    added.add(f"{o} {q} {s} .\n")
        for s, c in types:  # property rules add no rdf:type, so one pass over the types suffices
            for sup in self.supers.get(c, ()):
                added.add(f"{s} {RDF_TYPE_NT} {sup} .\n")
        return sorted(added - have, key=str.encode)  # code point order, compared as bytes (faster)


# -- full OWL 2 RL ---------------------------------------------------------------------------------
def owlrl_closure(graph: Graph) -> Graph:
    """A copy of ``graph`` expanded with the OWL 2 RL closure (owlrl; slow: small graphs only)."""
    import owlrl

    closed = Graph()
    for prefix, ns in graph.namespaces():
        closed.bind(prefix, ns, override=True)
    for triple in graph:
        closed.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closed)
    return closed
