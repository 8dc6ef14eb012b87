"""``goalgraph read FILE... [--json]``: read documents, print counts and the line accounting (or
the records as JSON), list quarantined lines. Exit 0 when every file was read (quarantined lines
included), 2 when a file could not be read at all."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from decimal import Decimal

from goalgraph.errors import InputError
from goalgraph.records import LINE_ROLES, Document


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="performance-target document(s)")
    parser.add_argument("--json", action="store_true", help="print the records as JSON")


def run(args: argparse.Namespace) -> int:
    from goalgraph.read import read_document

    docs, failed = [], False
    for path in args.files:
        try:
            docs.append(read_document(path))
        except InputError as exc:
            print(f"goalgraph read: error: {exc}", file=sys.stderr)
            failed = True
    if args.json:
        json.dump([document_dict(d) for d in docs], sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        for doc in docs:
            print(report(doc))
    return 2 if failed else 0


def counts(doc: Document) -> dict[str, int]:
    """Record counts of one document, in the order the report prints them."""
    return {
        "summary rows": len(doc.summary),
        "department list entries": len(doc.department_list),
        "project sheets": len(doc.projects),
        "indicators": sum(len(p.indicators) for p in doc.projects),
        "goals": sum(len(p.goals) for p in doc.projects),
        "milestones": sum(len(p.milestones) for p in doc.projects),
        "department tables": len(doc.departments),
        "duties": sum(len(t.duties) for t in doc.departments),
        "activities": sum(len(t.activities) for t in doc.departments),
        "quarantined lines": len({q.source.line for q in doc.quarantine}),
    }


def report(doc: Document) -> str:
    """The human-readable report of one document."""
    lines = [f"{doc.path} ({doc.encoding}, {doc.line_count} lines, sha256 {doc.sha256[:12]})"]
    lines += [f"  {name}: {n}" for name, n in counts(doc).items()]
    roles = doc.role_counts()
    accounting = " + ".join(f"{role} {roles[role]}" for role in LINE_ROLES)
    total = sum(roles.values())
    check = "" if total == doc.line_count else f"  MISMATCH (file has {doc.line_count})"
    lines.append(f"  lines: {accounting} = {total}{check}")
    for q in doc.quarantine:
        lines.append(f"  {q.source}: {q.reason}")
    return "\n".join(lines)


def document_dict(doc: Document) -> dict:
    """A JSON-ready dict: dataclasses → dicts, Decimal → str; raw line texts left out."""
    data = _jsonable(dataclasses.asdict(doc))
    data.pop("lines", None)
    return data


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value
