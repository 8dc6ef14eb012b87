"""IRI minting (see docs/graph-model.md, "Identifiers used in IRIs").

Every path segment is either a value that passed a strict pattern (digits, upper-case codes, a
slug) or a hash, so no cell content (``../``, spaces, ``<script>``, quotes …) can ever reach an IRI.
The data base itself is checked once (:func:`check_base`). Minting is pure: the same input always
gives the same IRI.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import PurePath

from goalgraph.errors import UsageError

DEPT_CODE = re.compile(r"^\d{3}$")
UNIT_CODE = re.compile(r"^\d{6}$")
PROJECT_CODE = re.compile(r"^[0-9A-Z]{15,30}$")
#: duty ("01") and activity ("0101", "1617") codes: digits only
TABLE_CODE = re.compile(r"^\d{1,12}$")
YEAR = re.compile(r"^\d{4}$")
DIVISION = re.compile(r"^\d{6}$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_BASE = re.compile(r"^https?://[^\s<>\"{}|\\^`]+[/#]$")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def short_hash(key: str, algorithm: str = "sha1") -> str:
    """12 hex digits of the hash of the NFKC-normalised key ({h})."""
    return hashlib.new(algorithm, nfkc(key).encode("utf-8")).hexdigest()[:12]


def check_base(base: str) -> str:
    """The data base IRI, validated: absolute http(s), no unsafe characters, ends with / or #."""
    if not _BASE.match(base or ""):
        raise UsageError(f"--base must be an http(s) IRI ending with '/' or '#', got {base!r}")
    return base


def doc_id(path: str) -> str:
    """{doc}: the file stem as a slug (lower case; space, '_' and '.' become '-'), else a hash.

    Only a stem made of ASCII letters, digits and those separators is slugified; anything else
    (Chinese names, odd punctuation) is hashed, so two different stems never share a slug by
    dropping characters.
    """
    stem = PurePath(str(path).replace("\\", "/")).stem
    slug = re.sub(r"[\s_.]+", "-", nfkc(stem).lower()).strip("-")
    slug = re.sub(r"-{2,}", "-", slug)
    if _SLUG.match(slug):
        return slug
    return "d" + short_hash(stem, "sha256")


def division(project_codes: Iterable[str | None], doc: str) -> str:
    """{div}: the 6-digit prefix shared by most project codes (ties: smallest), else ``x{doc}``."""
    prefixes = Counter(c[:6] for c in project_codes if c and PROJECT_CODE.match(c) and DIVISION.match(c[:6]))
    if not prefixes:
        return f"x{doc}"
    best = max(prefixes.values())
    return min(p for p, n in prefixes.items() if n == best)


def year(value: int | None) -> str:
    """{year}: 4 digits, or ``x`` when unknown."""
    text = f"{value:04d}" if isinstance(value, int) and 0 < value < 10000 else ""
    return text if YEAR.match(text) else "x"


def name_key(name: str) -> str:
    return "n" + short_hash(name)


def department(code: str | None, name: str) -> str:
    """{dept}: the 3-digit code, else ``n`` + hash of the NFKC name."""
    code = nfkc(code or "")
    return code if DEPT_CODE.match(code) else name_key(name)


def unit(code: str | None, name: str) -> str:
    """{unit}: the 6-digit code, else ``n`` + hash of the NFKC name."""
    code = nfkc(code or "")
    return code if UNIT_CODE.match(code) else name_key(name)


def project(code: str | None, doc: str, sheet_index: int) -> str:
    """{project}: the project code when valid, else ``{doc}-s{k}`` (k = 1-based sheet index)."""
    code = nfkc(code or "")
    return code if PROJECT_CODE.match(code) else f"{doc}-s{sheet_index}"


def table_code(code: str | None, line: int) -> str:
    """A duty or activity code when made of digits, else ``L{line}``."""
    code = nfkc(code or "")
    return code if TABLE_CODE.match(code) else f"L{line}"


class Minter:
    """IRIs for one data base; every method returns a full IRI string."""

    def __init__(self, base: str):
        self.base = check_base(base)

    def _(self, path: str) -> str:
        return self.base + path

    def source_document(self, doc: str) -> str:
        return self._(f"source/{doc}")

    def source_line(self, doc: str, line: int) -> str:
        return self._(f"source/{doc}/L{int(line)}")

    def graph(self, doc: str) -> str:
        return self._(f"graph/{doc}")

    def org(self, div: str, local: str) -> str:
        return self._(f"org/{div}/{local}")

    def project(self, project: str) -> str:
        return self._(f"project/{project}")

    def summary(self, doc: str, local: str) -> str:
        return self._(f"summary/{doc}/{local}")

    def duty(self, div: str, year_: str, dept: str, code: str) -> str:
        return self._(f"duty/{div}/{year_}/{dept}/{code}")

    def activity(self, div: str, year_: str, dept: str, code: str) -> str:
        return self._(f"activity/{div}/{year_}/{dept}/{code}")

    def policy_document(self, key: str) -> str:
        return self._(f"doc/{short_hash(key)}")
