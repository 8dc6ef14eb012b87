"""Rendering of a :class:`~goalgraph.validate.ValidationOutcome`: human text, Markdown, HTML, JSON
and Turtle (the standard ``sh:ValidationReport``).

The human, Markdown and HTML reports group findings by department → project (or activity / duty)
→ indicator; findings not under a project or activity form a separate group at the end. Every row
shows the rule id, severity, the message in Chinese and English, the offending value and the
source file:line; the report ends with counts per rule and severity. HTML escapes every value
taken from the data.
"""

from __future__ import annotations

import bisect
import html
import io
import json
from collections import Counter, defaultdict
from dataclasses import asdict

from goalgraph.validate import SEVERITIES, SEVERITY_ORDER, Finding, ValidationOutcome, local_name

FORMATS = ("human", "turtle", "json", "markdown", "html")
NO_DEPT = "(no department)"
NO_PROJECT = "Findings not under a project or activity"


def render(outcome: ValidationOutcome, fmt: str = "human") -> str:
    if fmt == "turtle":
        return render_turtle(outcome)
    if fmt == "json":
        return render_json(outcome)
    if fmt == "markdown":
        return render_markdown(outcome)
    if fmt == "html":
        return render_html(outcome)
    if fmt == "human":
        return render_human(outcome)
    raise ValueError(f"unknown report format {fmt!r}")


def render_turtle(outcome: ValidationOutcome) -> str:
    """The ``sh:ValidationReport`` as Turtle (:func:`write_turtle` in one part, as a string)."""
    buf = io.BytesIO()
    write_turtle(outcome, buf, chunk=None)
    return buf.getvalue().decode("utf-8")


#: results per part when report.ttl is written in parts (each part's triples and Turtle are held at once)
TURTLE_CHUNK = 5_000


def write_turtle(outcome: ValidationOutcome, fh, chunk: int | None = TURTLE_CHUNK) -> None:
    """Write the ``sh:ValidationReport`` as Turtle to the binary file ``fh``, written by Oxigraph
    (rdflib's serialiser took 88 s CPU for 39k results): the report node first, then ``result1``,
    ``result2`` … each with its properties sorted, so the bytes depend only on the results.

    The triples come straight from the results
    (:meth:`~goalgraph.validate.ValidationOutcome.report_triples`), ``chunk`` results at a time
    (None: all at once), or, for a report given as an rdflib Graph, from the Graph. In one part the
    file is the Turtle of the whole report; in several, the same triples, the report node's
    ``sh:result`` triples split between the parts and the ``@prefix`` lines written once."""
    import pyoxigraph as ox

    from goalgraph.pipeline import _strip_prefixes, prefix_block

    made = outcome.report_triples(chunk) if hasattr(outcome, "report_triples") else None
    parts, used = made if made is not None else _graph_triples(outcome.report)
    prefixes = _prefixes(used)
    block = prefix_block(prefixes)  # Oxigraph writes these lines before every part: kept in the first only
    for k, triples in enumerate(parts):
        body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
        fh.write(body if k == 0 else _strip_prefixes(body, block))


def _graph_triples(g) -> tuple[list[list], set[str]]:
    """A report Graph's triples as one part (report node first, then by subject, predicate, object)
    and the text of its terms."""
    import pyoxigraph as ox

    from goalgraph.store import to_ox_term

    def order(t):
        s, p, o = t
        return (len(str(s)), str(s), str(p), str(o))

    triples = [ox.Triple(to_ox_term(s), to_ox_term(p), to_ox_term(o)) for s, p, o in sorted(g, key=order)]
    return [triples], {str(t) for triple in g for t in triple}


def _prefixes(used: set[str]) -> dict[str, str]:
    """The vocabulary prefixes whose namespace starts some text in ``used``, sorted (instance IRIs
    stay whole, as in graph.ttl)."""
    from rdflib.namespace import SH as SH_NS

    from goalgraph.pipeline import prefixes as vocabulary

    known = dict(vocabulary(), sh=str(SH_NS))
    ordered = sorted(used)

    def uses(ns: str) -> bool:  # some text starts with ns: then the first text >= ns does
        i = bisect.bisect_left(ordered, ns)
        return i < len(ordered) and ordered[i].startswith(ns)

    return {p: ns for p, ns in sorted(known.items()) if uses(ns)}


# -- grouping --------------------------------------------------------------------------------------


def grouped(findings: list[Finding]):
    """[(dept key, dept label, [(container key, container label, [(indicator key, label, [findings])])])];
    the last group (dept key None, container None) holds findings not under a project or activity."""
    tree: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    labels: dict = {}
    loose: list[Finding] = []
    for f in findings:
        if not f.project:
            loose.append(f)
            continue
        d = f.department or ""
        tree[d][f.project][f.indicator or ""].append(f)
        labels[("d", d)] = f.department_label or (local_name(d) if d else NO_DEPT)
        labels[("p", f.project)] = f.project_label or local_name(f.project)
        if f.indicator:
            labels[("i", f.indicator)] = f.indicator_label or local_name(f.indicator)
    out = []
    for d in sorted(tree, key=lambda k: (k == "", labels[("d", k)], k)):
        projects = []
        for p in sorted(tree[d], key=lambda k: (labels[("p", k)], k)):
            inds = []
            for i in sorted(tree[d][p], key=lambda k: (k != "", _ordinal(k), k)):
                inds.append((i or None, labels.get(("i", i)) if i else None, _sorted(tree[d][p][i])))
            projects.append((p, labels[("p", p)], inds))
        out.append((d or None, labels[("d", d)], projects))
    if loose:
        out.append((None, NO_PROJECT, [(None, None, [(None, None, _sorted(loose))])]))
    return out


def _ordinal(iri: str) -> int:
    tail = iri.rstrip("/").rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _sorted(fs: list[Finding]) -> list[Finding]:
    return sorted(fs, key=lambda f: (f.source_line or 0, SEVERITY_ORDER[f.severity], f.rule, f.shape, f.value or ""))


def _where(f: Finding) -> str:
    if f.source_file and f.source_line:
        return f"{f.source_file}:{f.source_line}"
    return f.source_file or "-"


def _value(f: Finding) -> str:
    if f.value is None:
        return ""
    if f.value_kind == "iri" and f.value == f.focus:
        return ""
    return f.value if f.value_kind != "iri" else f"<{f.value}>"


def _counts(outcome: ValidationOutcome) -> list[tuple[str, str, int]]:
    c = outcome.counts()
    return sorted(((r, s, n) for (r, s), n in c.items()),
                  key=lambda t: (int(t[0][4:]) if t[0][4:].isdigit() else 0, SEVERITY_ORDER[t[1]]))


def _summary_line(outcome: ValidationOutcome) -> str:
    sc = outcome.severity_counts()
    verdict = "conforms" if outcome.conforms else "does not conform"
    return (f"{verdict}: {len(outcome.results)} result(s) — "
            + ", ".join(f"{n} {s}" for s, n in sc.items()))


# -- human -----------------------------------------------------------------------------------------


def render_human(outcome: ValidationOutcome) -> str:
    lines = [f"Validation report ({outcome.mode}): {_summary_line(outcome)}", ""]
    for _d, dlabel, projects in grouped(outcome.results):
        lines.append(f"== {dlabel}")
        for p, plabel, inds in projects:
            if p:
                lines.append(f"  -- {plabel}  <{p}>")
            for i, ilabel, fs in inds:
                indent = "    "
                if i:
                    lines.append(f"    * {ilabel}  <{i}>")
                    indent = "      "
                for f in fs:
                    lines.append(f"{indent}[{f.severity}] {f.rule} {f.shape_name}  ({_where(f)})")
                    lines.append(f"{indent}  {f.message_zh}")
                    lines.append(f"{indent}  {f.message_en}")
                    v = _value(f)
                    lines.append(f"{indent}  focus: <{f.focus}>" + (f"  value: {v}" if v else "")
                                 + (f"  path: <{f.path}>" if f.path else ""))
        lines.append("")
    lines.append("Counts per rule and severity:")
    for r, s, n in _counts(outcome):
        lines.append(f"  {r:8} {s:9} {n}")
    lines.append(f"Total: {len(outcome.results)}")
    return "\n".join(lines) + "\n"


# -- markdown --------------------------------------------------------------------------------------


def _md(text: str | None) -> str:
    """Text safe inside a Markdown table cell (no markup from the data is interpreted)."""
    if not text:
        return ""
    text = html.escape(str(text), quote=False)
    for ch in "\\`*_[]|":
        text = text.replace(ch, "\\" + ch)
    return text.replace("\r", " ").replace("\n", " ")


def render_markdown(outcome: ValidationOutcome) -> str:
    return "\n".join(_markdown_lines(outcome))


def write_markdown(outcome: ValidationOutcome, fh) -> None:
    """Write :func:`render_markdown` of ``outcome`` to the text file ``fh`` line by line (a report of
    a million results is never held as one string)."""
    lines = _markdown_lines(outcome)
    fh.write(next(lines))
    fh.writelines("\n" + line for line in lines)


def _markdown_lines(outcome: ValidationOutcome):
    """The lines of the Markdown report, without their newlines (the last is "")."""
    yield from ["# Validation report", "", f"**{_md(_summary_line(outcome))}** (mode: {outcome.mode})", ""]
    for _d, dlabel, projects in grouped(outcome.results):
        yield f"## {_md(dlabel)}"
        yield ""
        for p, plabel, inds in projects:
            if p:
                yield from [f"### {_md(plabel)}", "", f"`{_md(p)}`", ""]
            yield "| indicator | rule | severity | message | value | source |"
            yield "|---|---|---|---|---|---|"
            for i, ilabel, fs in inds:
                for f in fs:
                    msg = f"{_md(f.message_zh)}<br>{_md(f.message_en)}"
                    yield (f"| {_md(ilabel) if i else ''} | {_md(f.rule)} ({_md(f.shape_name)}) | "
                           f"{f.severity} | {msg} | {_md(_value(f))} | {_md(_where(f))} |")
            yield ""
    yield from ["## Counts per rule and severity", "", "| rule | severity | count |", "|---|---|---|"]
    yield from (f"| {r} | {s} | {n} |" for r, s, n in _counts(outcome))
    yield from (f"| **total** | | {len(outcome.results)} |", "")


# -- html ------------------------------------------------------------------------------------------


def _h(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def render_html(outcome: ValidationOutcome) -> str:
    out = [
        "<!DOCTYPE html>", '<html lang="zh"><head><meta charset="utf-8">',
        "<title>goalgraph validation report</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}"
        "td,th{border:1px solid #ccc;padding:.3em;vertical-align:top;text-align:left}"
        ".Violation{color:#a00}.Warning{color:#a60}.Info{color:#06a}</style></head><body>",
        "<h1>Validation report</h1>", f"<p><strong>{_h(_summary_line(outcome))}</strong> (mode: {_h(outcome.mode)})</p>",
    ]
    for _d, dlabel, projects in grouped(outcome.results):
        out.append(f"<h2>{_h(dlabel)}</h2>")
        for p, plabel, inds in projects:
            if p:
                out.append(f"<h3>{_h(plabel)} <small><code>{_h(p)}</code></small></h3>")
            out.append("<table><tr><th>indicator</th><th>rule</th><th>severity</th><th>message</th>"
                       "<th>value</th><th>source</th></tr>")
            for i, ilabel, fs in inds:
                for f in fs:
                    out.append(
                        f"<tr><td>{_h(ilabel) if i else ''}</td><td>{_h(f.rule)}<br><small>{_h(f.shape_name)}</small></td>"
                        f'<td class="{_h(f.severity)}">{_h(f.severity)}</td>'
                        f'<td lang="zh">{_h(f.message_zh)}<br><span lang="en">{_h(f.message_en)}</span></td>'
                        f"<td>{_h(_value(f))}</td><td>{_h(_where(f))}</td></tr>")
            out.append("</table>")
    out.append("<h2>Counts per rule and severity</h2><table><tr><th>rule</th><th>severity</th><th>count</th></tr>")
    out += [f"<tr><td>{_h(r)}</td><td>{_h(s)}</td><td>{n}</td></tr>" for r, s, n in _counts(outcome)]
    out.append(f"<tr><td><strong>total</strong></td><td></td><td>{len(outcome.results)}</td></tr></table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


# -- json ------------------------------------------------------------------------------------------


def render_json(outcome: ValidationOutcome) -> str:
    counts = Counter()
    for f in outcome.results:
        counts[f"{f.rule} {f.severity}"] += 1
    doc = {
        "conforms": outcome.conforms,
        "mode": outcome.mode,
        "counts": {s: n for s, n in outcome.severity_counts().items()},
        "countsPerRule": [{"rule": r, "severity": s, "count": n} for r, s, n in _counts(outcome)],
        "results": [{**asdict(f), "rule": f.rule, "shapeName": f.shape_name} for f in outcome.results],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


__all__ = ["FORMATS", "SEVERITIES", "TURTLE_CHUNK", "grouped", "render", "render_html", "render_human",
           "render_json", "render_markdown", "write_markdown", "write_turtle"]
