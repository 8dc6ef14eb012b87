"""A tiny, fast N-Triples term writer (the converter emits text, not rdflib objects).

Strings are escaped per the N-Triples grammar (``STRING_LITERAL_QUOTE``): ``\\`` ``"`` and line
breaks always, other C0 controls and DEL as ``\\uXXXX`` so every line stays one printable line;
everything else is written as UTF-8. IRIs are checked, not escaped: an IRI holding a character that
``IRIREF`` forbids is a bug in the minting code, so it raises instead of writing a broken file.
"""

from __future__ import annotations

import re
from decimal import Decimal

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_DECIMAL = XSD + "decimal"
XSD_INTEGER = XSD + "integer"
XSD_BOOLEAN = XSD + "boolean"
XSD_GYEAR = XSD + "gYear"

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')
# IRIREF excludes controls, space and <>"{}|^`\ ; the IRI must also be absolute (scheme:)
_BAD_IRI_CHAR = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f]')
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_SURROGATE = re.compile("[\ud800-\udfff]")
_IRI_CACHE: dict[str, str] = {}  # value → written term; a node's IRI is written many times
_IRI_CACHE_MAX = 1 << 18


def _escape_char(match: re.Match) -> str:
    ch = match.group(0)
    return _ESCAPES.get(ch) or f"\\u{ord(ch):04X}"


def escape_string(text: str) -> str:
    """The body of a quoted N-Triples string (without the quotes)."""
    # lone surrogates cannot be written as UTF-8: replace them rather than fail mid-file
    if not text.isascii():
        text = text.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(text) else text
    return _NEEDS_ESCAPE.sub(_escape_char, text)


def _has_surrogate(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def iri(value: str) -> str:
    """``<value>``; raises ValueError for a relative IRI or a forbidden character."""
    term = _IRI_CACHE.get(value)
    if term is not None:
        return term
    if not _ABSOLUTE.match(value) or _BAD_IRI_CHAR.search(value):
        raise ValueError(f"not a safe absolute IRI: {value!r}")
    if len(_IRI_CACHE) >= _IRI_CACHE_MAX:  # bounded: a worker converts many documents
        _IRI_CACHE.clear()
    term = _IRI_CACHE[value] = f"<{value}>"
    return term


def literal(text: str, datatype: str | None = None, lang: str | None = None) -> str:
    """A literal: plain (xsd:string), language-tagged or typed."""
    body = f'"{escape_string(text)}"'
    if lang:
        return f"{body}@{lang}"
    if datatype and datatype != XSD + "string":
        return f"{body}^^<{datatype}>"
    return body


def zh(text: str) -> str:
    return literal(text, lang="zh")


def decimal(value: Decimal | int) -> str:
    """xsd:decimal in canonical form: no exponent, no trailing zeros ("600.00000" → "600")."""
    return literal(canonical_decimal(value), XSD_DECIMAL)


def canonical_decimal(value: Decimal | int) -> str:
    d = Decimal(value)
    if not d.is_finite():
        raise ValueError(f"not a finite decimal: {value!r}")
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def integer(value: int) -> str:
    return literal(str(int(value)), XSD_INTEGER)


def boolean(value: bool) -> str:
    return literal("true" if value else "false", XSD_BOOLEAN)


def gyear(year: int) -> str:
    return literal(f"{int(year):04d}", XSD_GYEAR)


def triple(s: str, p: str, o: str) -> str:
    """One N-Triples line (with newline); ``s``/``p``/``o`` are already-written terms."""
    return f"{s} {p} {o} .\n"


def with_graph(line: str, graph_term: str) -> str:
    """Turn an N-Triples line into an N-Quads line in ``graph_term`` (a written IRI)."""
    return f"{line[:-3]} {graph_term} .\n"
