"""IRI minting: validated patterns only, hashes otherwise; nothing escapes the base. Plus the
N-Triples term writer (tricky literals round-trip through pyoxigraph and rdflib)."""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox
import pytest
import rdflib

from goalgraph import iris
from goalgraph import ntriples as nt
from goalgraph.errors import UsageError

BASE = "https://w3id.org/goalgraph/id/"
HOSTILE = ["../../etc/passwd", "a b", "<script>alert(1)</script>", "37060022P05/../../x", "", " ", "\n",
           "%2e%2e%2f", "ＡＢＣ", "{}|^`\\\"", "../"]


def safe(iri: str) -> bool:
    rest = iri[len(BASE):]
    return iri.startswith(BASE) and ".." not in rest and all(c.isalnum() or c in "/-" for c in rest)


def test_doc_id_slug_or_hash():
    assert iris.doc_id("data/raw/yantai-2022-performance-targets.txt") == "yantai-2022-performance-targets"
    assert iris.doc_id("My_File v2.txt") == "my-file-v2"
    hashed = iris.doc_id("临江市2023.txt")
    assert hashed.startswith("d") and len(hashed) == 13
    assert iris.doc_id("临江市2023.txt") == hashed != iris.doc_id("临海市2023.txt")
    for bad in HOSTILE:
        assert safe(BASE + iris.doc_id(bad + ".txt"))


def test_codes_validated_else_hashed():
    assert iris.department("205", "x") == "205"
    assert iris.unit("205000", "x") == "205000"
    assert iris.project("37060022P050005100037", "doc", 3) == "37060022P050005100037"
    assert iris.project("3706", "doc", 3) == "doc-s3"
    assert iris.department(None, "烟台市 发展和改革委员会") == iris.department("", "烟台市 发展和改革委员会")
    assert iris.department("2051", "某局").startswith("n")
    assert iris.table_code("0101", 7) == "0101" and iris.table_code("01a", 7) == "L7"


@pytest.mark.parametrize("cell", HOSTILE)
def test_hostile_cells_never_leave_the_base(cell):
    m = iris.Minter(BASE)
    minted = [
        m.org("370600", iris.department(cell, cell)), m.org("370600", iris.unit(cell, cell)),
        m.project(iris.project(cell, iris.doc_id(cell), 1)),
        m.activity(iris.division([cell], "d"), iris.year(None), iris.department(cell, cell),
                   iris.table_code(cell, 3)),
        m.policy_document(cell), m.source_document(iris.doc_id(cell)),
    ]
    for value in minted:
        assert safe(value), value
        nt.iri(value)  # a valid IRIREF


def test_division_majority_prefix():
    codes = ["37060022P050005100037", "37060022P32000710002", "37020022P000000000001", None, "bad"]
    assert iris.division(codes, "doc") == "370600"
    assert iris.division([], "doc") == "xdoc"


def test_year_segment():
    assert iris.year(2022) == "2022" and iris.year(None) == "x" and iris.year(123456) == "x"


@pytest.mark.parametrize("base", ["http://x/a b/", "file:///etc/", "https://x.org/id", "https://x.org/<a>/", ""])
def test_bad_base_rejected(base):
    with pytest.raises(UsageError):
        iris.Minter(base)


def test_base_with_hash_accepted():
    assert iris.Minter("http://example.org/data#").project("X" * 15) == "http://example.org/data#project/" + "X" * 15


# -- N-Triples writer -----------------------------------------------------------------------------

TRICKY = ["plain", 'quote " and \\ backslash', "tab\there\nnewline\r\ncr", "控制\x00\x01\x1f\x7f字符",
          "emoji 🎉 and 〔2019〕", "", "trailing space ", "\u2028line sep", "<script>&amp;"]


@pytest.mark.parametrize("text", TRICKY)
def test_literals_round_trip(text):
    s, p = "https://w3id.org/goalgraph/id/x", "https://w3id.org/goalgraph/ontology#p"
    doc = nt.triple(nt.iri(s), nt.iri(p), nt.literal(text)) + nt.triple(nt.iri(s), nt.iri(p), nt.zh(text + "!"))
    assert doc.count("\n") == 2  # one line per triple, whatever the text holds
    [a, b] = sorted(ox.parse(doc, format=ox.RdfFormat.N_TRIPLES), key=lambda t: t.object.value)
    assert {a.object.value, b.object.value} == {text, text + "!"}
    g = rdflib.Graph().parse(data=doc, format="nt")
    assert {str(o) for o in g.objects()} == {text, text + "!"}
    assert {o.language for o in g.objects()} == {None, "zh"}


def test_typed_literals():
    assert nt.decimal(Decimal("600.00000")) == '"600"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    assert nt.canonical_decimal(Decimal("0.50")) == "0.5"
    assert nt.canonical_decimal(Decimal("-0.0")) == "0"
    assert nt.canonical_decimal(Decimal("1E+3")) == "1000"
    assert nt.gyear(2022) == '"2022"^^<http://www.w3.org/2001/XMLSchema#gYear>'
    assert nt.boolean(True).startswith('"true"')
    with pytest.raises(ValueError):
        nt.decimal(Decimal("NaN"))


@pytest.mark.parametrize("bad", ["relative/path", "http://x/a b", "http://x/<y>", 'http://x/"', "http://x/\n"])
def test_unsafe_iri_raises(bad):
    with pytest.raises(ValueError):
        nt.iri(bad)


def test_with_graph():
    line = nt.triple("<http://a/s>", "<http://a/p>", '"o"')
    assert nt.with_graph(line, "<http://a/g>") == '<http://a/s> <http://a/p> "o" <http://a/g> .\n'
