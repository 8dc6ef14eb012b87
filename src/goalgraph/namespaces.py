"""Every namespace goalgraph uses, and one helper to bind them on a graph."""

from rdflib import Graph, Namespace
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, VOID, XSD

GG = Namespace("https://w3id.org/goalgraph/ontology#")
GGSH = Namespace("https://w3id.org/goalgraph/shapes#")
GGC = Namespace("https://w3id.org/goalgraph/scheme/")
GGU = Namespace("https://w3id.org/goalgraph/unit/")
DEFAULT_DATA_BASE = "https://w3id.org/goalgraph/id/"

ORG = Namespace("http://www.w3.org/ns/org#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
QUDT = Namespace("http://qudt.org/schema/qudt/")
UNIT = Namespace("http://qudt.org/vocab/unit/")
CUR = Namespace("http://qudt.org/vocab/currency/")
QB = Namespace("http://purl.org/linked-data/cube#")
DCT = DCTERMS

PREFIXES: dict[str, Namespace] = {
    "gg": GG, "ggsh": GGSH, "ggc": GGC, "ggu": GGU,
    "org": ORG, "prov": PROV, "skos": SKOS, "dct": DCTERMS, "eli": ELI,
    "qudt": QUDT, "unit": UNIT, "cur": CUR, "qb": QB, "dcat": DCAT, "void": VOID,
    "owl": OWL, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "sh": SH,
}


def bind_prefixes(graph: Graph, data_base: str = DEFAULT_DATA_BASE) -> Graph:
    """Bind every goalgraph prefix (and ``ggid:`` for instance data) on ``graph``."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    graph.bind("ggid", Namespace(data_base), override=True)
    return graph


def sparql_prologue(data_base: str = DEFAULT_DATA_BASE) -> str:
    """PREFIX lines for every namespace, for queries assembled in code."""
    lines = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items()]
    lines.append(f"PREFIX ggid: <{data_base}>")
    return "\n".join(lines) + "\n"
