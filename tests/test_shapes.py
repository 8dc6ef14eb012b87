"""The shapes themselves and their per-rule fixtures (GeoSPARQL-validator style, both directions).

Each ``tests/shapes/GG-R<n>-valid.ttl`` must give no result of rule R<n>; each
``GG-R<n>-invalid-<k>.ttl`` must give a result whose ``sh:sourceShape`` is one of R<n>'s shapes, on
the focus node named in the fixture's first line (``# … expect focus: ggid:…``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from goalgraph.namespaces import DEFAULT_DATA_BASE, GGSH
from goalgraph.validate import load_shapes, local_name, sparql_checks, validate_graph

ROOT = Path(__file__).resolve().parents[1]
SHAPES = ROOT / "shapes"
FIXTURES = Path(__file__).resolve().parent / "shapes"
FIXTURE_RE = re.compile(r"^(GG-R\d+)-(valid|invalid-\d+)\.ttl$")
SHAPE_PREDICATES = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.path, SH.property,
                    SH.sparql, SH.xone, SH["or"], SH["and"], SH["not"], SH.node, SH.qualifiedValueShape)


def fixtures() -> list[Path]:
    return sorted(p for p in FIXTURES.glob("*.ttl") if FIXTURE_RE.match(p.name))


def all_shapes(g: rdflib.Graph) -> set:
    shapes = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    for pred in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.path, SH.sparql):
        shapes |= set(g.subjects(pred, None))
    for pred in (SH.property, SH.node, SH.qualifiedValueShape):
        shapes |= set(g.objects(None, pred))
    for pred in (SH.xone, SH["or"], SH["and"]):
        for lst in g.objects(None, pred):
            shapes |= set(Collection(g, lst))
    shapes |= set(g.objects(None, SH["not"]))
    return shapes


@pytest.fixture(scope="module")
def shapes_graph() -> rdflib.Graph:
    return load_shapes()


# -- the shapes graph --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(SHAPES.glob("*.ttl")), ids=lambda p: p.name)
def test_every_shape_file_parses(path):
    g = rdflib.Graph()
    g.parse(path, format="turtle")
    assert len(g) > 0


def test_every_shape_is_named_and_carries_a_rule_id(shapes_graph):
    shapes = all_shapes(shapes_graph)
    assert len(shapes) > 60
    for s in shapes:
        assert isinstance(s, URIRef), f"anonymous shape: {s}"
        assert str(s).startswith(str(GGSH)), s
        assert re.match(r"^GG-R\d+-[A-Za-z0-9-]+$", local_name(s)), s


def test_every_shape_has_zh_and_en_messages_labels_and_a_severity(shapes_graph):
    for s in all_shapes(shapes_graph):
        msgs = list(shapes_graph.objects(s, SH.message))
        langs = sorted(m.language for m in msgs if isinstance(m, Literal))
        assert langs == ["en", "zh"], f"{local_name(s)}: messages {langs}"
        rule = re.match(r"GG-R\d+", local_name(s)).group(0)
        assert all(str(m).startswith(rule) for m in msgs), f"{local_name(s)}: message must start with {rule}"
        labels = sorted(lab.language for lab in shapes_graph.objects(s, rdflib.RDFS.label))
        assert labels == ["en", "zh"], f"{local_name(s)}: labels {labels}"
        assert shapes_graph.value(s, SH.severity) in (SH.Violation, SH.Warning, SH.Info), local_name(s)


def test_sparql_constraints_are_named_and_start_with_the_shape_target(shapes_graph):
    checks = sparql_checks(shapes_graph)
    assert len(checks) > 30
    for c in checks:
        assert isinstance(c.constraint, URIRef)
        assert local_name(c.constraint) == local_name(c.shape) + "-sparql"
        targets = list(shapes_graph.objects(c.shape, SH.targetClass))
        assert len(targets) == 1, local_name(c.shape)
        # the whole-store query is the shape's query with $this → ?this: the select itself must
        # restrict $this to the shape's target, so no target has to be spliced in
        assert f"$this a gg:{local_name(targets[0])}" in c.select, local_name(c.shape)
        # no core constraints on a SPARQL shape (they run in different engines in fast mode)
        for pred in (SH.path, SH.property, SH.minCount, SH.xone, SH.pattern):
            assert (c.shape, pred, None) not in shapes_graph, local_name(c.shape)


def test_every_sparql_constraint_declares_its_scope_in_the_shapes_and_the_readme(shapes_graph):
    """``ggsh:scope`` is written out on every constraint (absent would mean "corpus"), and the README's
    scope table names every corpus-scope check (the document-scope ones are listed by rule)."""
    readme = (Path(__file__).resolve().parents[1] / "shapes" / "README.md").read_text(encoding="utf-8")
    for constraint in set(shapes_graph.objects(None, SH.sparql)):
        scopes = [str(o) for o in shapes_graph.objects(constraint, GGSH.scope)]
        assert len(scopes) == 1 and scopes[0] in ("document", "corpus"), local_name(constraint)
        if scopes[0] == "corpus":
            assert f"`{local_name(constraint).removesuffix('-sparql')}`" in readme, local_name(constraint)


def test_shapes_readme_lists_every_rule():
    readme = (SHAPES / "README.md").read_text(encoding="utf-8")
    for n in range(1, 66):
        assert re.search(rf"\|\s*R{n}\s*\|", readme), f"R{n} missing from shapes/README.md"


# -- fixtures ----------------------------------------------------------------------------------------


def expected_focus(path: Path) -> str | None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    m = re.search(r"expect focus: ggid:(\S+)", first)
    return DEFAULT_DATA_BASE + m.group(1) if m else None


def test_fixture_files_are_well_formed():
    files = fixtures()
    assert len(files) >= 80
    rules = {FIXTURE_RE.match(p.name).group(1) for p in files}
    for rule in rules:
        assert (FIXTURES / f"{rule}-valid.ttl").exists(), f"{rule} has no valid fixture"
        assert list(FIXTURES.glob(f"{rule}-invalid-*.ttl")), f"{rule} has no invalid fixture"
    for p in files:
        first = p.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# "), p.name
        if "-invalid-" in p.name:
            assert expected_focus(p), f"{p.name}: first line must say 'expect focus: ggid:…'"


def _results_of(path: Path):
    g = rdflib.Graph()
    g.parse(path, format="turtle")
    rule = FIXTURE_RE.match(path.name).group(1)
    outcome = validate_graph(g)
    return rule, [f for f in outcome.results if local_name(f.shape).startswith(rule + "-")]


@pytest.mark.parametrize("path", [p for p in fixtures() if p.name.endswith("-valid.ttl")], ids=lambda p: p.stem)
def test_valid_fixture_conforms_for_its_rule(path):
    rule, found = _results_of(path)
    assert not found, [(f.shape_name, f.focus, f.value) for f in found]


@pytest.mark.parametrize("path", [p for p in fixtures() if "-invalid-" in p.name], ids=lambda p: p.stem)
def test_invalid_fixture_fires_its_rule_on_the_expected_focus(path):
    rule, found = _results_of(path)
    focus = expected_focus(path)
    assert found, f"{path.name}: no result from a {rule} shape"
    assert focus in {f.focus for f in found}, [(f.shape_name, f.focus) for f in found]


def test_valid_base_fixtures_conform_to_every_rule():
    """The valid fixtures of R1 (a complete project) and R47 (a complete department table) are clean."""
    for name in ("GG-R1-valid.ttl", "GG-R47-valid.ttl"):
        g = rdflib.Graph()
        g.parse(FIXTURES / name, format="turtle")
        outcome = validate_graph(g)
        assert outcome.conforms and not outcome.results, [(f.shape_name, f.focus) for f in outcome.results]


# -- negative controls -------------------------------------------------------------------------------


@pytest.mark.parametrize("name, rules", [
    ("GG-R4-valid.ttl", ("GG-R4",)),  # summary 11047 vs sheets 11046.85: rounding, not a defect
    ("GG-R7-valid.ttl", ("GG-R7", "GG-R8", "GG-R9")),  # explicit zeros in a spending plan
    ("GG-R9-valid.ttl", ("GG-R9",)),
    ("GG-R41-valid.ttl", ("GG-R41", "GG-R42", "GG-R43", "GG-R44", "GG-R45", "GG-R38")),  # well-formed 文号
    ("GG-R38-valid.ttl", ("GG-R38", "GG-R41", "GG-R42", "GG-R44")),  # year range inside a title
])
def test_negative_controls(name, rules):
    g = rdflib.Graph()
    g.parse(FIXTURES / name, format="turtle")
    found = [f for f in validate_graph(g).results if f.rule in rules]
    assert not found, [(f.shape_name, f.focus, f.value) for f in found]
