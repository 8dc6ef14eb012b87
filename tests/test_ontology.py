"""The ontology itself: one header with the package version, every contract term declared and
documented, concept schemes and units identical to vocab.py, a usable JSON-LD context, OWL 2 RL
consistency with a small document, and the packaged copies equal to the top-level files."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from goalgraph import ontology, vocab
from goalgraph.namespaces import GG
from goalgraph.reason import owlrl_closure
from goalgraph.resources import resource_dir
from goalgraph.version import ONTOLOGY_IRI, ONTOLOGY_VERSION_IRI, __version__

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ontology"
VOCABULARY_MD = ROOT.parent / "shared" / "brief" / "VOCABULARY.md"
GRAPH_MODEL_MD = ROOT / "docs" / "graph-model.md"
ERRNS = "http://www.daml.org/2002/03/agents/agent-ont#"


@pytest.fixture(scope="module")
def onto() -> Graph:
    return ontology.load_ontology()


@pytest.fixture(scope="module")
def core() -> Graph:
    return Graph().parse(ONTOLOGY / "goalgraph.ttl", format="turtle")


def gg_tokens(text: str) -> set[URIRef]:
    return {GG[name] for name in re.findall(r"\bgg:([A-Za-z0-9]+)", text)}


def contract_terms() -> set[URIRef]:
    terms = gg_tokens(GRAPH_MODEL_MD.read_text(encoding="utf-8"))
    if VOCABULARY_MD.exists():
        terms |= gg_tokens(VOCABULARY_MD.read_text(encoding="utf-8"))
    return terms


def langs(graph: Graph, s: URIRef, p: URIRef) -> set[str | None]:
    return {o.language for o in graph.objects(s, p) if isinstance(o, Literal)}


# -- header ---------------------------------------------------------------------------------
def test_ontology_parses_and_has_exactly_one_header(onto):
    assert list(onto.subjects(RDF.type, OWL.Ontology)) == [URIRef(ONTOLOGY_IRI)]


def test_version_iri_and_info_come_from_version_py(onto):
    header = URIRef(ONTOLOGY_IRI)
    assert onto.value(header, OWL.versionIRI) == URIRef(ONTOLOGY_VERSION_IRI)
    assert str(onto.value(header, OWL.versionInfo)) == __version__


def test_header_has_titles_creator_licence_dates_and_no_remote_imports(core):
    from rdflib.namespace import DCTERMS as DCT

    header = URIRef(ONTOLOGY_IRI)
    assert {"zh", "en"} <= langs(core, header, DCT.title)
    assert {"zh", "en"} <= langs(core, header, DCT.description)
    for p in (DCT.creator, DCT.license, DCT.issued, DCT.modified):
        assert core.value(header, p) is not None, p
    assert list(core.objects(header, OWL.imports)) == []


# -- terms ----------------------------------------------------------------------------------
def test_the_contract_lists_are_not_empty():
    terms = contract_terms()
    assert GG.Project in terms and GG.hasIndicator in terms and len(terms) > 80


@pytest.mark.parametrize("term", sorted(contract_terms()), ids=lambda t: t[len(GG):])
def test_every_contract_term_is_declared_and_documented(onto, term):
    assert term in ontology.declared_terms(onto), f"{term} is not declared"
    assert {"zh", "en"} <= langs(onto, term, RDFS.label), "needs rdfs:label @zh and @en"
    assert "en" in langs(onto, term, SKOS.definition), "needs skos:definition @en"
    assert onto.value(term, RDFS.isDefinedBy) == URIRef(ONTOLOGY_IRI)


def test_every_declared_gg_term_is_documented(onto):
    for term in ontology.declared_terms(onto):
        assert {"zh", "en"} <= langs(onto, term, RDFS.label), term
        assert (term, SKOS.definition, None) in onto, term


def test_every_gg_term_used_in_the_ontology_is_declared(core):
    used = {t for triple in core for t in triple if isinstance(t, URIRef) and t.startswith(str(GG))}
    assert used <= ontology.declared_terms(core)


def test_properties_have_a_range_and_object_properties_point_at_classes(core):
    props = set(core.subjects(RDF.type, OWL.ObjectProperty)) | set(core.subjects(RDF.type, OWL.DatatypeProperty))
    for p in (p for p in props if p.startswith(str(GG))):
        assert core.value(p, RDFS.range) is not None, p
    for p in (p for p in core.subjects(RDF.type, OWL.ObjectProperty) if p.startswith(str(GG))):
        rng = core.value(p, RDFS.range)
        assert (rng, RDF.type, OWL.Class) in core, p


def test_inverse_pairs_of_the_graph_model_are_declared(core):
    pairs = re.findall(r"`gg:(\w+)`/`gg:(\w+)`", GRAPH_MODEL_MD.read_text(encoding="utf-8"))
    assert len(pairs) >= 5
    for a, b in pairs:
        assert (GG[a], OWL.inverseOf, GG[b]) in core or (GG[b], OWL.inverseOf, GG[a]) in core


def test_reused_classes_are_superclasses_as_the_contract_says(core):
    from goalgraph.namespaces import ELI, ORG, PROV

    expected = {GG.Department: ORG.Organization, GG.BudgetUnit: ORG.Organization,
                GG.PolicyDocument: ELI.LegalResource, GG.SourceRecord: PROV.Entity, GG.SourceDocument: PROV.Entity}
    for sub, sup in expected.items():
        assert sup in set(core.transitive_objects(sub, RDFS.subClassOf)), (sub, sup)


def test_external_terms_are_declared_offline(core):
    used = {t for triple in core for t in triple if isinstance(t, URIRef)}
    builtin = ("https://w3id.org/goalgraph/", "http://www.w3.org/2002/07/owl#", "http://www.w3.org/2001/XMLSchema#",
               "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2000/01/rdf-schema#")
    external = {t for t in used if not str(t).startswith(builtin)}  # URIRef.startswith ignores tuples
    external -= set(core.objects(None, RDFS.isDefinedBy)) | set(core.objects(None, RDFS.seeAlso))
    external -= set(core.objects(None, URIRef("http://purl.org/dc/terms/license")))
    undeclared = {t for t in external if (t, RDF.type, None) not in core}
    assert not undeclared, sorted(undeclared)


# -- generated files ------------------------------------------------------------------------
@pytest.mark.parametrize("name, build", [("schemes.ttl", ontology.schemes_graph), ("units.ttl", ontology.units_graph)])
def test_generated_turtle_equals_the_graph_built_from_vocab(name, build):
    on_disk = Graph().parse(ONTOLOGY / name, format="turtle")
    generated = build()
    if not isomorphic(on_disk, generated):
        _, only_file, only_code = graph_diff(to_isomorphic(on_disk), to_isomorphic(generated))
        pytest.fail(f"{name} is stale (run `python -m goalgraph.ontology`):\n"
                    f"only in file: {sorted(only_file)[:5]}\nonly in vocab: {sorted(only_code)[:5]}")


def test_generated_files_are_byte_identical():
    for name, text in ontology.generated_files(ONTOLOGY).items():
        assert (ONTOLOGY / name).read_text(encoding="utf-8") == text, f"{name} is stale (python -m goalgraph.ontology)"


def test_every_vocab_concept_is_in_the_schemes(onto):
    for slug, (zh, en, concepts) in vocab.SCHEMES.items():
        scheme = URIRef(f"https://w3id.org/goalgraph/scheme/{slug}")
        assert (scheme, RDF.type, SKOS.ConceptScheme) in onto
        for c in concepts:
            node = URIRef(c.iri)
            assert (node, SKOS.inScheme, scheme) in onto
            assert Literal(c.zh, lang="zh") in set(onto.objects(node, SKOS.prefLabel))
            assert {Literal(h, lang="zh") for h in c.hidden} <= set(onto.objects(node, SKOS.hiddenLabel))


def test_category_hierarchy_follows_the_contract(onto):
    output, quantity = (URIRef(vocab.CATEGORY_BY_SLUG[s].iri) for s in ("output", "quantity"))
    assert (quantity, SKOS.broader, output) in onto and (output, SKOS.narrower, quantity) in onto
    tops = set(onto.objects(URIRef("https://w3id.org/goalgraph/scheme/category"), SKOS.hasTopConcept))
    assert {str(t) for t in tops} == {c.iri for c in vocab.CATEGORIES if c.level == 1}


def test_every_unit_is_declared_with_labels(onto):
    qudt_unit = URIRef("http://qudt.org/schema/qudt/Unit")
    for u in vocab.UNITS:
        node = URIRef(u.iri)
        assert (node, RDF.type, qudt_unit) in onto, u.text
        assert Literal(u.text, lang="zh") in set(onto.objects(node, RDFS.label)), u.text
    wan_yuan = URIRef(vocab.UNIT_BY_TEXT["万元"].iri)
    assert float(onto.value(wan_yuan, URIRef("http://qudt.org/schema/qudt/conversionMultiplier"))) == 10000


# -- JSON-LD context --------------------------------------------------------------------------
def test_context_is_valid_json_with_the_domain_words():
    ctx = json.loads((ONTOLOGY / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert ctx["@version"] == 1.1
    assert ctx["indicators"]["@id"] == "gg:hasIndicator" and ctx["indicators"]["@type"] == "@id"
    assert ctx["annualBudget"]["@type"] == "xsd:decimal"
    assert ctx["Project"] == "gg:Project"


def test_context_covers_every_gg_property(core):
    ctx = json.loads((ONTOLOGY / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    mapped = {v["@id"] if isinstance(v, dict) else v for v in ctx.values() if isinstance(v, (dict, str))}
    for term in ontology.declared_terms(core):
        assert f"gg:{term[len(GG):]}" in mapped, term


JSONLD_DOC = {
    "@id": "ggid:project/P1",
    "type": "Project",
    "name": "城乡居民医疗保险市级补助",
    "annualBudget": "1200.50",
    "fiscalYear": "2022",
    "indicators": [{"@id": "ggid:project/P1/indicator/1", "type": "Indicator", "ordinal": 1,
                    "indicatorCategory": "ggc:category/quantity",
                    "target": {"@id": "ggid:project/P1/indicator/1/target", "type": "Target",
                               "value": "95", "unitOfMeasure": "unit:PERCENT"}}],
}


@pytest.mark.parametrize("how", ["inline", "file-url"])
def test_rdflib_parses_a_jsonld_document_with_the_local_context(how):
    context_file = ONTOLOGY / "context.jsonld"
    ctx = json.loads(context_file.read_text(encoding="utf-8"))["@context"] if how == "inline" else context_file.as_uri()
    g = Graph().parse(data=json.dumps({"@context": ctx, **JSONLD_DOC}), format="json-ld")
    expected = Graph().parse(format="turtle", data="""
        @prefix gg: <https://w3id.org/goalgraph/ontology#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix qudt: <http://qudt.org/schema/qudt/> .
        @prefix ggid: <https://w3id.org/goalgraph/id/> .
        ggid:project\\/P1 a gg:Project ; skos:prefLabel "城乡居民医疗保险市级补助"@zh ;
            gg:annualBudget "1200.50"^^xsd:decimal ; gg:fiscalYear "2022"^^xsd:gYear ;
            gg:hasIndicator ggid:project\\/P1\\/indicator\\/1 .
        ggid:project\\/P1\\/indicator\\/1 a gg:Indicator ; gg:ordinal 1 ;
            gg:indicatorCategory <https://w3id.org/goalgraph/scheme/category/quantity> ;
            gg:hasTarget ggid:project\\/P1\\/indicator\\/1\\/target .
        ggid:project\\/P1\\/indicator\\/1\\/target a gg:Target ; qudt:value "95"^^xsd:decimal ;
            qudt:hasUnit <http://qudt.org/vocab/unit/PERCENT> .
    """)
    assert isomorphic(g, expected), sorted(g)


# -- OWL 2 RL consistency -----------------------------------------------------------------------
def inconsistencies(graph: Graph) -> list[str]:
    closed = owlrl_closure(graph)
    problems = [str(m) for m in closed.objects(None, URIRef(ERRNS + "error"))]
    problems += [f"{s} a owl:Nothing" for s in closed.subjects(RDF.type, OWL.Nothing)]
    problems += [f"{s} sameAs {o}" for s, o in closed.subject_objects(OWL.sameAs) if s != o]
    return problems


def test_ontology_alone_is_consistent_under_owl_rl(onto):
    assert inconsistencies(onto) == []


def test_ontology_and_a_small_document_are_consistent_under_owl_rl(onto):
    instance = Graph().parse(FIXTURES / "instance.ttl", format="turtle")
    assert inconsistencies(onto + instance) == []


def test_a_node_typed_as_two_disjoint_classes_is_reported(onto):
    bad = Graph().parse(format="turtle", data="""
        @prefix gg: <https://w3id.org/goalgraph/ontology#> .
        <https://w3id.org/goalgraph/id/project/X> a gg:Project, gg:Indicator .""")
    assert inconsistencies(onto + bad)


# -- packaging ----------------------------------------------------------------------------------
def test_resource_dir_finds_the_top_level_ontology_in_a_source_checkout():
    found = resource_dir("ontology")
    for name in (*ontology.FILES, "context.jsonld"):
        assert (found / name).read_bytes() == (ONTOLOGY / name).read_bytes(), name


def test_ontology_ntriples_is_sorted_and_complete(onto):
    lines = ontology.ontology_ntriples().splitlines()
    assert lines == sorted(lines)
    assert len(Graph().parse(data="\n".join(lines), format="nt")) == len(onto)


@pytest.mark.slow
def test_the_wheel_ships_copies_equal_to_the_top_level_files(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(ROOT)], check=True, timeout=600)
    wheel = next(tmp_path.glob("goalgraph-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        for path in sorted(ONTOLOGY.iterdir()):
            if path.is_file():
                packaged = f"goalgraph/resources/ontology/{path.name}"
                assert packaged in names, packaged
                assert zf.read(packaged) == path.read_bytes(), packaged


def test_ontology_ntriples_is_the_same_in_every_process():
    code = ("import hashlib; from goalgraph.ontology import ontology_ntriples as o; "
            "print(hashlib.sha256(o().encode()).hexdigest())")
    run = [sys.executable, "-c", code]
    runs = {subprocess.run(run, capture_output=True, text=True, check=True).stdout for _ in range(2)}
    assert len(runs) == 1
