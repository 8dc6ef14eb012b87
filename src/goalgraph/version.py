"""The one version source: package version, ``owl:versionInfo`` and ``owl:versionIRI`` derive from it."""

__version__ = "0.1.0"

ONTOLOGY_IRI = "https://w3id.org/goalgraph/ontology"
ONTOLOGY_VERSION_IRI = f"{ONTOLOGY_IRI}/{__version__}"
