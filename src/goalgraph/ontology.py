"""The packaged ontology: loading it offline, and generating its concept schemes and units.

``ontology/goalgraph.ttl`` is written by hand. ``ontology/schemes.ttl`` and ``ontology/units.ttl``
are generated from :mod:`goalgraph.vocab` (the single source) by :func:`schemes_graph` and
:func:`units_graph`, and ``ontology/context.jsonld`` from goalgraph.ttl by :func:`context_document`;
``python -m goalgraph.ontology`` rewrites all three, and tests check the files equal what the
code generates.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from goalgraph import vocab
from goalgraph.namespaces import CUR, DEFAULT_DATA_BASE, GG, GGC, GGU, PREFIXES, QUDT, UNIT, bind_prefixes
from goalgraph.resources import resource_dir
from goalgraph.version import ONTOLOGY_IRI

QK = Namespace("http://qudt.org/vocab/quantitykind/")
FILES = ("goalgraph.ttl", "schemes.ttl", "units.ttl")
GENERATED_HEADER = (
    "# GENERATED from src/goalgraph/vocab.py by `python -m goalgraph.ontology` -- do not edit by hand.\n"
    "# {what}\n"
)


# -- loading ----------------------------------------------------------------------------------
def ontology_dir() -> Path:
    return resource_dir("ontology")


def load_ontology() -> Graph:
    """goalgraph.ttl + schemes.ttl + units.ttl as one rdflib graph (read from packaged files)."""
    graph = bind_prefixes(Graph())
    for name in FILES:
        graph.parse(ontology_dir() / name, format="turtle")
    return graph


@functools.lru_cache(maxsize=1)
def ontology_ntriples() -> str:
    """The whole ontology as sorted N-Triples (cached; what a store loads into its default graph).

    Blank nodes (unions, the disjointness axiom) get canonical labels, so the text is the same in
    every run.
    """
    lines = to_canonical_graph(load_ontology()).serialize(format="nt").splitlines()
    return "\n".join(sorted(line for line in lines if line.strip())) + "\n"


def declared_terms(graph: Graph | None = None) -> set[URIRef]:
    """Every ``gg:`` IRI the ontology declares (given an rdf:type)."""
    graph = graph if graph is not None else load_ontology()
    return {s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef) and s.startswith(str(GG))}


# -- concept schemes --------------------------------------------------------------------------
#: per scheme: (English, Chinese) definition templates over the concept's {zh}, {en}, {sym} and {sym_zh}
_DEFINITIONS = {
    "category": ("Indicator category {zh} ({en}).", "绩效指标类别“{zh}”。"),
    "operator": ("Comparison operator{sym} ({en}, {zh}) between an indicator's actual value and its target.",
                 "指标实际值与指标值之间的比较关系：{zh}{sym_zh}。"),
    "grade": ("Evaluation grade {zh} ({en}).", "评价等级“{zh}”。"),
    "basis-kind": ("Kind of basis for an indicator target, or kind of cited document: {en} ({zh}).",
                   "指标值确定依据或被引文件的类型：{zh}。"),
    "bracket": ("Brackets written around the year of a document number (文号): {en}.",
                "文号中年份所用的括号：{zh}。"),
    "jurisdiction": ("Level of the authority that issued a document: {en} ({zh}).", "发文机关层级：{zh}。"),
}
_LEVEL = {1: ("Level-1", "一级指标"), 2: ("Level-2", "二级指标")}


def _concept_definitions(c: vocab.Concept) -> tuple[str, str]:
    sym, sym_zh = (f" {c.notation}", f"（{c.notation}）") if c.notation else ("", "")
    en, zh = (t.format(zh=c.zh, en=c.en, sym=sym, sym_zh=sym_zh) for t in _DEFINITIONS[c.scheme])
    if c.scheme == "category":
        level_en, level_zh = _LEVEL[c.level]
        en = f"{level_en} {en[0].lower()}{en[1:]}"
        zh = f"{level_zh}：{zh}"
        if c.broader:
            top = vocab.CATEGORY_BY_SLUG[c.broader]
            en, zh = en[:-1] + f", under {top.zh}.", zh[:-1] + f"，属于“{top.zh}”。"
    return en, zh


def _add_concept(g: Graph, c: vocab.Concept, scheme: URIRef) -> None:
    node = URIRef(c.iri)
    en_def, zh_def = _concept_definitions(c)
    g.add((node, RDF.type, SKOS.Concept))
    g.add((node, SKOS.inScheme, scheme))
    g.add((node, SKOS.prefLabel, Literal(c.zh, lang="zh")))
    g.add((node, SKOS.prefLabel, Literal(c.en, lang="en")))
    g.add((node, SKOS.definition, Literal(en_def, lang="en")))
    g.add((node, SKOS.definition, Literal(zh_def, lang="zh")))
    for label in c.hidden:
        g.add((node, SKOS.hiddenLabel, Literal(label, lang="zh")))
    if c.notation:
        g.add((node, SKOS.notation, Literal(c.notation)))
    if c.broader:
        top = URIRef(vocab.CATEGORY_BY_SLUG[c.broader].iri)
        g.add((node, SKOS.broader, top))
        g.add((top, SKOS.narrower, node))
    else:
        g.add((node, SKOS.topConceptOf, scheme))
        g.add((scheme, SKOS.hasTopConcept, node))


def schemes_graph() -> Graph:
    """Every concept scheme of :data:`goalgraph.vocab.SCHEMES` as SKOS."""
    g = bind_prefixes(Graph())
    for slug in vocab.SCHEMES:  # short prefixes for readable Turtle: category:social, operator:ge …
        g.bind(slug, Namespace(f"{GGC}{slug}/"))
    for slug, (zh, en, concepts) in vocab.SCHEMES.items():
        scheme = GGC[slug]
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        g.add((scheme, SKOS.prefLabel, Literal(zh, lang="zh")))
        g.add((scheme, SKOS.prefLabel, Literal(en, lang="en")))
        g.add((scheme, RDFS.isDefinedBy, URIRef(ONTOLOGY_IRI)))
        for concept in concepts:
            _add_concept(g, concept, scheme)
    return g


# -- units ------------------------------------------------------------------------------------
#: normalised unit text → (quantity kind, unit it scales, multiplier relative to that unit; for
#: currencies relative to cur:CNY, otherwise to the SI unit). Decimal lexical forms are written as
#: the Turtle serializer prints them ("10000.0") so the generated file round-trips exactly.
_UNIT_FACTS: dict[str, tuple[URIRef | None, URIRef | None, str | None]] = {
    "%": (QK.DimensionlessRatio, None, None),
    "元": (QK.Currency, None, None),
    "万元": (QK.Currency, CUR.CNY, "10000.0"),
    "亿元": (QK.Currency, CUR.CNY, "100000000.0"),
    "亩": (QK.Area, UNIT.M2, "666.6666666667"),
    "万亩": (QK.Area, UNIT.M2, "6666666.666667"),
    "平方米": (QK.Area, None, None),
    "万平方米": (QK.Area, UNIT.M2, "10000.0"),
    "方": (QK.Volume, None, None),
    "吨": (QK.Mass, None, None),
    "小时": (QK.Time, None, None),
    "天": (QK.Time, None, None),
    "年": (QK.Time, None, None),
    "月": (QK.Time, None, None),
    "万人": (QK.Count, GGU["Count-Ren"], "10000.0"),
    "万头": (QK.Count, None, "10000.0"),
}
_COUNT = (QK.Count, None, "1.0")


def _spellings(text: str) -> list[str]:
    return sorted(s for s, norm in vocab.UNIT_SPELLINGS.items() if norm == text)


def _add_unit(g: Graph, u: vocab.Unit) -> None:
    node = URIRef(u.iri)
    kind, scaling_of, multiplier = _UNIT_FACTS.get(u.text, _COUNT if u.text in vocab.COUNT_WORDS else (None,) * 3)
    g.add((node, RDF.type, QUDT.Unit))
    g.add((node, RDFS.label, Literal(u.text, lang="zh")))
    g.add((node, RDFS.label, Literal(u.en, lang="en")))
    for spelling in _spellings(u.text):
        g.add((node, SKOS.hiddenLabel, Literal(spelling, lang="zh")))
    if kind is not None:
        g.add((node, QUDT.hasQuantityKind, kind))
    if not u.local:
        return  # a QUDT unit: declared with labels only, its facts belong to QUDT
    g.add((node, RDFS.isDefinedBy, URIRef(ONTOLOGY_IRI)))
    if scaling_of is not None:
        g.add((node, QUDT.scalingOf, scaling_of))
    if multiplier is not None:
        g.add((node, QUDT.conversionMultiplier, Literal(multiplier, datatype=XSD.decimal)))


def units_graph() -> Graph:
    """Every unit of :data:`goalgraph.vocab.UNITS`: local ``ggu:`` units and the QUDT units used."""
    g = bind_prefixes(Graph())
    g.bind("quantitykind", QK)
    for u in vocab.UNITS:
        _add_unit(g, u)
    for kind in sorted({k for k, _, _ in [*_UNIT_FACTS.values(), _COUNT] if k is not None}):
        g.add((kind, RDF.type, QUDT.QuantityKind))
        g.add((kind, RDFS.label, Literal(kind.rsplit("/", 1)[-1], lang="en")))
    return g


# -- JSON-LD context ---------------------------------------------------------------------------
#: keys for the link properties, read as the domain words a JSON-LD reader expects
_JSONLD_KEYS = {
    "hasDuty": "duties", "hasActivity": "activities", "hasIndicator": "indicators", "hasGoal": "goals",
    "hasSpendingMilestone": "spendingMilestones", "hasTarget": "target", "hasBasis": "basis",
    "hasScoringRule": "scoringRule", "hasGradeStandard": "gradeStandards", "hasCitation": "citations",
    "citesDocument": "citedDocuments",
}
_SETS = {"hasDuty", "hasActivity", "hasIndicator", "hasGoal", "hasSpendingMilestone", "hasGradeStandard",
         "hasCitation", "citesDocument", "summarises", "rawDocNumber", "unreadCell"}
#: reused (non-gg) properties under friendly keys
_JSONLD_REUSED = {
    "name": {"@id": "skos:prefLabel", "@language": "zh"},
    "altNames": {"@id": "skos:altLabel", "@language": "zh", "@container": "@set"},
    "identifier": {"@id": "dct:identifier"},
    "orgIdentifier": {"@id": "org:identifier"},
    "description": {"@id": "dct:description", "@language": "zh"},
    "title": {"@id": "dct:title", "@language": "zh"},
    "docNumber": {"@id": "eli:id_local"},
    "subOrganizationOf": {"@id": "org:subOrganizationOf", "@type": "@id"},
    "derivedFrom": {"@id": "prov:wasDerivedFrom", "@type": "@id", "@container": "@set"},
    "isPartOf": {"@id": "dct:isPartOf", "@type": "@id"},
    "value": {"@id": "qudt:value", "@type": "xsd:decimal"},
    "unitOfMeasure": {"@id": "qudt:hasUnit", "@type": "@id"},
    "broader": {"@id": "skos:broader", "@type": "@id"},
    "inScheme": {"@id": "skos:inScheme", "@type": "@id"},
}


def _jsonld_term(graph: Graph, prop: URIRef) -> dict[str, str]:
    local = prop[len(GG):]
    term: dict[str, str] = {"@id": f"gg:{local}"}
    rng = graph.value(prop, RDFS.range)
    if (prop, RDF.type, OWL.ObjectProperty) in graph:
        term["@type"] = "@id"
    elif rng == RDF.langString:
        term["@language"] = "zh"
    elif isinstance(rng, URIRef) and rng.startswith(str(XSD)) and rng != XSD.string:
        term["@type"] = f"xsd:{rng[len(str(XSD)):]}"
    if local in _SETS:
        term["@container"] = "@set"
    return term


def context_document(graph: Graph | None = None) -> dict:
    """The JSON-LD 1.1 context published as ``ontology/context.jsonld``, derived from goalgraph.ttl."""
    graph = graph if graph is not None else Graph().parse(ontology_dir() / "goalgraph.ttl", format="turtle")
    ctx: dict[str, object] = {"@version": 1.1, "id": "@id", "type": "@type"}
    ctx.update({p: str(ns) for p, ns in PREFIXES.items() if p not in ("sh", "ggsh")})
    ctx["ggid"] = DEFAULT_DATA_BASE
    terms = sorted(t for t in declared_terms(graph))
    ctx.update({t[len(GG):]: f"gg:{t[len(GG):]}" for t in terms if (t, RDF.type, OWL.Class) in graph})
    for prop in (t for t in terms if (t, RDF.type, OWL.Class) not in graph):
        ctx[_JSONLD_KEYS.get(prop[len(GG):], prop[len(GG):])] = _jsonld_term(graph, prop)
    clash = set(ctx) & set(_JSONLD_REUSED)
    if clash:
        raise ValueError(f"JSON-LD keys defined twice: {sorted(clash)}")
    ctx.update(_JSONLD_REUSED)
    return {"@context": ctx}


def context_text(graph: Graph | None = None) -> str:
    return json.dumps(context_document(graph), ensure_ascii=False, indent=2) + "\n"


# -- writing the generated files --------------------------------------------------------------
def _turtle(graph: Graph, what: str) -> str:
    body = graph.serialize(format="turtle")
    return GENERATED_HEADER.format(what=what) + "\n" + body


def source_ontology_dir() -> Path:
    """The top-level ``ontology/`` folder of a source checkout (where generated files are written)."""
    return Path(__file__).resolve().parents[2] / "ontology"


def generated_files(folder: Path | None = None) -> dict[str, str]:
    """File name → text of every generated file (the context is derived from ``folder``/goalgraph.ttl)."""
    folder = folder or ontology_dir()
    return {
        "schemes.ttl": _turtle(schemes_graph(), "SKOS concept schemes: indicator categories, operators, grades, "
                                                "basis kinds, bracket styles, jurisdictions."),
        "units.ttl": _turtle(units_graph(), "Units: local ggu: units and minimal declarations of the QUDT units used."),
        "context.jsonld": context_text(Graph().parse(folder / "goalgraph.ttl", format="turtle")),
    }


def write_generated(folder: Path | None = None) -> list[Path]:
    folder = folder or source_ontology_dir()
    written = []
    for name, text in generated_files(folder).items():
        (folder / name).write_text(text, encoding="utf-8")
        written.append(folder / name)
    return written


if __name__ == "__main__":  # pragma: no cover
    for path in write_generated(Path(sys.argv[1]) if len(sys.argv) > 1 else None):
        print(path)
