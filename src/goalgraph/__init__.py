"""goalgraph: budget performance targets (预算绩效目标) as a knowledge graph.

Data flow, one module per stage: read (documents → records) → convert (records → triples)
→ store (Oxigraph) → validate / query / export.
"""

from goalgraph.version import __version__

__all__ = ["__version__"]
