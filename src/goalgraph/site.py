"""A static HTML site of the graph: an overview with charts and one page per resource.

Paths mirror IRIs: the resource ``{base}project/X`` is ``SITE/id/project/X.html`` (with ``X.ttl`` and
``X.jsonld`` beside it), so a static host can serve ``…/id/project/X`` as the page for people and,
with content negotiation (``docs/conneg/``), as RDF for machines. Everything opens offline: charts
are inline SVG, there is no script and no CDN, and every text from the data is HTML-escaped.
"""

from __future__ import annotations

import html
import json
import shutil
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

from goalgraph.namespaces import DEFAULT_DATA_BASE, sparql_prologue
from goalgraph.store import GraphStore

PAGE_SIZE = 200  # rows per list page: pages stay small on a province-year corpus
SH = "http://www.w3.org/ns/shacl#"


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


# ------------------------------------------------------------------------------------------------
# Reading the graph


@dataclass
class Indicator:
    iri: str
    ordinal: int
    name: str
    description: str
    category: str
    level1: str
    operator: str
    value: str
    unit: str
    qualitative: str
    basis: str
    basis_kind: str
    weight: str
    line: str
    documents: list[str] = field(default_factory=list)


@dataclass
class Project:
    iri: str
    code: str
    name: str
    department: str
    department_name: str
    unit_name: str
    budget: Decimal | None
    purpose: str
    source: str
    plan: list[tuple[int, Decimal | None]] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)


@dataclass
class PolicyDoc:
    iri: str
    id_local: str
    title: str
    issuer: str
    year: str
    jurisdiction: str
    indicators: list[tuple[str, str, str]] = field(default_factory=list)  # (indicator iri, name, project iri)


@dataclass
class Finding:
    focus: str
    rule: str
    severity: str
    messages: list[str]
    value: str
    shape: str


def _v(row: dict, key: str, default: str = "") -> str:
    term = row.get(key)
    return default if term is None else str(term.value)


def _dec(row: dict, key: str) -> Decimal | None:
    term = row.get(key)
    try:
        return Decimal(term.value) if term is not None else None
    except ArithmeticError:
        return None


class SiteData:
    """Everything the site shows, read with a handful of whole-store queries."""

    def __init__(self, store: GraphStore, report: GraphStore | None, base: str):
        self.store, self.base = store, base
        self.prologue = sparql_prologue(base)
        self.projects = self._projects()
        self.departments = self._departments()
        self.documents = self._documents()
        self.findings = self._findings(report) if report is not None else []
        self.source_lines = self._source_lines()

    def q(self, body: str) -> list[dict]:
        return self.store.select(self.prologue + body)

    def _projects(self) -> dict[str, Project]:
        projects: dict[str, Project] = {}
        for r in self.q("""
            SELECT ?p ?code ?name ?dept ?deptName ?unitName ?budget ?purpose ?file ?line WHERE {
              ?p a gg:Project .
              OPTIONAL { ?p dct:identifier ?code } OPTIONAL { ?p skos:prefLabel ?name }
              OPTIONAL { ?p gg:competentDepartment ?dept OPTIONAL { ?dept skos:prefLabel ?deptName } }
              OPTIONAL { ?p gg:implementingUnit/skos:prefLabel ?unitName }
              OPTIONAL { ?p gg:annualBudget ?budget } OPTIONAL { ?p gg:fundingPurpose ?purpose }
              OPTIONAL { ?p prov:wasDerivedFrom ?s . ?s gg:sourceFile ?file ; gg:sourceLine ?line }
            } ORDER BY ?code ?p"""):
            iri = _v(r, "p")
            if iri in projects:
                continue
            projects[iri] = Project(iri, _v(r, "code"), _v(r, "name"), _v(r, "dept"), _v(r, "deptName"),
                                    _v(r, "unitName"), _dec(r, "budget"), _v(r, "purpose"),
                                    f"{_v(r, 'file')}:{_v(r, 'line')}" if "line" in r else "")
        for r in self.q("""
            SELECT ?p ?month ?amount WHERE { ?p a gg:Project ; gg:hasSpendingMilestone ?m .
              ?m gg:month ?month OPTIONAL { ?m gg:cumulativeAmount ?amount } } ORDER BY ?p ?month"""):
            if _v(r, "p") in projects:
                projects[_v(r, "p")].plan.append((int(_v(r, "month")), _dec(r, "amount")))
        for r in self.q("""
            SELECT ?p ?ord ?text WHERE { ?p a gg:Project ; gg:hasGoal ?g .
              OPTIONAL { ?g gg:ordinal ?ord } OPTIONAL { ?g dct:description ?text } } ORDER BY ?p ?ord"""):
            if _v(r, "p") in projects:
                projects[_v(r, "p")].goals.append(_v(r, "text"))
        indicators: dict[str, Indicator] = {}
        for r in self.q("""
            SELECT ?p ?i ?ord ?name ?desc ?catLabel ?l1Label ?opLabel ?value ?unit ?qual ?basis ?kindLabel ?weight ?line
            WHERE { ?p a gg:Project ; gg:hasIndicator ?i .
              OPTIONAL { ?i gg:ordinal ?ord } OPTIONAL { ?i skos:prefLabel ?name } OPTIONAL { ?i dct:description ?desc }
              OPTIONAL { ?i gg:indicatorCategory/skos:prefLabel ?catLabel FILTER(lang(?catLabel) = "zh") }
              OPTIONAL { ?i gg:level1Category/skos:prefLabel ?l1Label FILTER(lang(?l1Label) = "zh") }
              OPTIONAL { ?i gg:hasTarget ?t
                OPTIONAL { ?t gg:comparisonOperator ?op OPTIONAL { ?op skos:notation ?opLabel } }
                OPTIONAL { ?t qudt:value ?value } OPTIONAL { ?t gg:unitText ?unit } OPTIONAL { ?t gg:qualitativeTarget ?qual } }
              OPTIONAL { ?i gg:hasBasis ?b OPTIONAL { ?b gg:basisText ?basis }
                OPTIONAL { ?b gg:basisKind/skos:prefLabel ?kindLabel FILTER(lang(?kindLabel) = "zh") } }
              OPTIONAL { ?i gg:hasScoringRule/gg:weight ?weight }
              OPTIONAL { ?i prov:wasDerivedFrom/gg:sourceLine ?line }
            } ORDER BY ?p ?ord ?i"""):
            iri = _v(r, "i")
            if iri in indicators or _v(r, "p") not in projects:
                continue
            ind = Indicator(iri, int(_v(r, "ord", "0") or 0), _v(r, "name"), _v(r, "desc"), _v(r, "catLabel"),
                            _v(r, "l1Label"), _v(r, "opLabel"), _v(r, "value"), _v(r, "unit"), _v(r, "qual"),
                            _v(r, "basis"), _v(r, "kindLabel"), _v(r, "weight"), _v(r, "line"))
            indicators[iri] = ind
            projects[_v(r, "p")].indicators.append(ind)
        for r in self.q("SELECT ?i ?doc WHERE { ?i gg:hasBasis/gg:citesDocument ?doc } ORDER BY ?i ?doc"):
            if _v(r, "i") in indicators:
                indicators[_v(r, "i")].documents.append(_v(r, "doc"))
        return projects

    def _departments(self) -> dict[str, dict]:
        depts: dict[str, dict] = {}
        for r in self.q("""
            SELECT ?d ?code ?name WHERE { ?d a gg:Department OPTIONAL { ?d org:identifier ?code }
              OPTIONAL { ?d skos:prefLabel ?name } } ORDER BY ?code ?d"""):
            depts.setdefault(_v(r, "d"), {"iri": _v(r, "d"), "code": _v(r, "code"), "name": _v(r, "name"),
                                          "duties": {}, "projects": []})
        for p in self.projects.values():
            if p.department in depts:
                depts[p.department]["projects"].append(p.iri)
        for r in self.q("""
            SELECT ?d ?duty ?dcode ?dname ?a ?acode ?aname ?goal ?ind ?indName ?grade ?gradeLabel ?criterion WHERE {
              ?d gg:hasDuty ?duty . OPTIONAL { ?duty dct:identifier ?dcode } OPTIONAL { ?duty skos:prefLabel ?dname }
              OPTIONAL { ?duty gg:hasActivity ?a OPTIONAL { ?a dct:identifier ?acode } OPTIONAL { ?a skos:prefLabel ?aname }
                OPTIONAL { ?a gg:hasGoal/dct:description ?goal }
                OPTIONAL { ?a gg:hasIndicator ?ind OPTIONAL { ?ind skos:prefLabel ?indName }
                  OPTIONAL { ?ind gg:hasGradeStandard ?g . ?g gg:grade ?grade ; gg:criterionText ?criterion
                    OPTIONAL { ?grade skos:prefLabel ?gradeLabel FILTER(lang(?gradeLabel) = "zh") } } } }
            } ORDER BY ?d ?dcode ?acode ?grade"""):
            dept = depts.get(_v(r, "d"))
            if dept is None:
                continue
            duty = dept["duties"].setdefault(_v(r, "duty"), {"code": _v(r, "dcode"), "name": _v(r, "dname"),
                                                              "activities": {}})
            if "a" in r:
                act = duty["activities"].setdefault(_v(r, "a"), {"code": _v(r, "acode"), "name": _v(r, "aname"),
                                                                 "goal": _v(r, "goal"), "indicator": _v(r, "indName"),
                                                                 "grades": {}})
                if "grade" in r:
                    act["grades"][_v(r, "grade").rsplit("/", 1)[-1]] = _v(r, "criterion")
        return depts

    def _documents(self) -> dict[str, PolicyDoc]:
        docs: dict[str, PolicyDoc] = {}
        for r in self.q("""
            SELECT ?doc ?id ?title ?issuer ?year ?jurLabel WHERE { ?doc a gg:PolicyDocument
              OPTIONAL { ?doc eli:id_local ?id } OPTIONAL { ?doc dct:title ?title }
              OPTIONAL { ?doc gg:docIssuerCode ?issuer } OPTIONAL { ?doc gg:docYear ?year }
              OPTIONAL { ?doc gg:jurisdiction/skos:prefLabel ?jurLabel FILTER(lang(?jurLabel) = "zh") }
            } ORDER BY ?id ?title ?doc"""):
            docs.setdefault(_v(r, "doc"), PolicyDoc(_v(r, "doc"), _v(r, "id"), _v(r, "title"), _v(r, "issuer"),
                                                    _v(r, "year"), _v(r, "jurLabel")))
        for p in self.projects.values():
            for ind in p.indicators:
                for d in ind.documents:
                    if d in docs:
                        docs[d].indicators.append((ind.iri, ind.name, p.iri))
        return docs

    def _findings(self, report: GraphStore) -> list[Finding]:
        rows = report.select(f"""
            PREFIX sh: <{SH}>
            SELECT ?r ?focus ?shape ?sev ?msg ?value WHERE {{ ?r a sh:ValidationResult ; sh:focusNode ?focus ;
              sh:sourceShape ?shape ; sh:resultSeverity ?sev OPTIONAL {{ ?r sh:resultMessage ?msg }}
              OPTIONAL {{ ?r sh:value ?value }} }} ORDER BY ?shape ?focus ?r ?msg""")
        found: dict[str, Finding] = {}
        for r in rows:
            key = _v(r, "r")
            shape = _v(r, "shape")
            local = shape.rsplit("#", 1)[-1]
            rule = "-".join(local.split("-")[:2]) if local.startswith("GG-R") else local
            f = found.setdefault(key, Finding(_v(r, "focus"), rule, _v(r, "sev").rsplit("#", 1)[-1], [],
                                              _v(r, "value"), shape))
            msg = _v(r, "msg")
            if msg and msg not in f.messages:
                f.messages.append(msg)
        return sorted(found.values(), key=lambda f: (_rule_number(f.rule), f.focus))

    def _source_lines(self) -> dict[str, tuple[str, str, str]]:
        """node IRI → (file, line, text) of the line it was derived from."""
        out = {}
        for r in self.q("""SELECT ?n ?file ?line ?text WHERE { ?n prov:wasDerivedFrom ?s .
              ?s a gg:SourceRecord ; gg:sourceFile ?file ; gg:sourceLine ?line OPTIONAL { ?s gg:sourceText ?text } }
              ORDER BY ?n ?line"""):
            out.setdefault(_v(r, "n"), (_v(r, "file"), _v(r, "line"), _v(r, "text")))
        return out

    def owner_page(self, iri: str) -> str | None:
        """The resource whose page shows ``iri``: itself, or the project/activity it belongs to."""
        for prefix in ("project/", "doc/", "org/"):
            if iri.startswith(self.base + prefix):
                rest = iri[len(self.base) + len(prefix):]
                if prefix == "project/":
                    return self.base + prefix + rest.split("/", 1)[0]
                return iri
        for dept in self.departments.values():
            if iri.startswith(self.base + "duty/") or iri.startswith(self.base + "activity/"):
                parts = iri[len(self.base):].split("/")
                if len(parts) >= 4 and dept["code"] == parts[3]:
                    return dept["iri"]
        return None


def _rule_number(rule: str) -> int:
    digits = "".join(ch for ch in rule[4:] if ch.isdigit())
    return int(digits) if digits else 10**6


# ------------------------------------------------------------------------------------------------
# Paths and page chrome


class Paths:
    """IRI ↔ site path: ``{base}project/X`` → ``id/project/X.html``."""

    def __init__(self, base: str):
        self.base = base

    def path(self, iri: str, ext: str = "html") -> str | None:
        if not iri.startswith(self.base):
            return None
        rest = iri[len(self.base):].strip("/")
        if not rest or ".." in rest.split("/"):
            return None
        return "id/" + "/".join(quote(part, safe="") for part in rest.split("/")) + "." + ext

    def href(self, iri: str, from_path: str, ext: str = "html") -> str | None:
        target = self.path(iri, ext)
        if target is None:
            return None
        depth = from_path.count("/")
        return "../" * depth + target


CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","PingFang SC",sans-serif;margin:0;color:#1d2733;background:#f6f7f9}
header{background:#173b5f;color:#fff;padding:.8em 1.5em}header a{color:#fff;margin-right:1.2em}
main{max-width:1200px;margin:0 auto;padding:1em 1.5em}h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}
.en{color:#607080;font-size:.85em;margin-left:.4em}table{border-collapse:collapse;width:100%;background:#fff;font-size:.9em}
th,td{border:1px solid #dde2e8;padding:.35em .5em;text-align:left;vertical-align:top}th{background:#eef1f5}
.num{text-align:right;font-variant-numeric:tabular-nums}.card{display:inline-block;background:#fff;border:1px solid #dde2e8;
padding:.6em 1em;margin:.3em;min-width:9em}.card b{display:block;font-size:1.5em}.Violation{color:#b3261e}
.Warning{color:#9a6700}.Info{color:#3b6ea5}code,.iri{font-family:ui-monospace,monospace;font-size:.85em;word-break:break-all}
.src{color:#607080;font-size:.85em}svg{background:#fff;border:1px solid #dde2e8}nav.pages a{margin-right:.5em}
.quote{font-family:ui-monospace,monospace;background:#fff;border-left:3px solid #bcc6d2;padding:.3em .6em;white-space:pre-wrap}
"""


def page(title_zh: str, title_en: str, body: str, depth: int) -> str:
    up = "../" * depth
    return f"""<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title_zh)} · {esc(title_en)} — goalgraph</title><link rel="stylesheet" href="{up}style.css"></head>
<body><header><a href="{up}index.html">总览 Overview</a><a href="{up}departments.html">部门 Departments</a>
<a href="{up}projects.html">项目 Projects</a><a href="{up}documents.html">政策文件 Documents</a>
<a href="{up}rules.html">规则 Rules</a></header>
<main><h1>{esc(title_zh)}<span class="en">{esc(title_en)}</span></h1>
{body}</main></body></html>
"""


def _pages(items: list, size: int | None = None) -> list[list]:
    size = size or PAGE_SIZE
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


def _pager(name: str, count: int, current: int) -> str:
    if count <= 1:
        return ""
    links = []
    for k in range(count):
        target = f"{name}.html" if k == 0 else f"{name}-{k + 1}.html"
        links.append(f"<b>{k + 1}</b>" if k == current else f'<a href="{target}">{k + 1}</a>')
    return '<nav class="pages">页 Page: ' + " ".join(links) + "</nav>"


# ------------------------------------------------------------------------------------------------
# Charts (inline SVG)


def bar_chart(items: list[tuple[str, float]], unit: str = "", width: int = 720, chart_id: str = "") -> str:
    """Horizontal bars, one per (label, value)."""
    if not items:
        return "<p>—</p>"
    top = max(v for _, v in items) or 1
    row, label_w = 22, 230
    h = row * len(items) + 10
    bars = []
    for k, (label, value) in enumerate(items):
        w = (width - label_w - 90) * value / top
        y = 5 + k * row
        bars.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">{esc(label[:20])}</text>'
            f'<rect class="bar" x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="#2f6da3">'
            f"<title>{esc(label)}: {value:,.2f} {esc(unit)}</title></rect>"
            f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" font-size="11">{value:,.0f}</text>')
    return (f'<svg id="{esc(chart_id)}" role="img" width="{width}" height="{h}" '
            f'xmlns="http://www.w3.org/2000/svg">{"".join(bars)}</svg>')


def stacked_bar_chart(rows: list[tuple[str, dict[str, float]]], series: list[tuple[str, str]],
                      width: int = 720, chart_id: str = "") -> str:
    """Horizontal 100% stacked bars; ``series`` is (key, colour)."""
    if not rows:
        return "<p>—</p>"
    row, label_w = 22, 230
    h = row * len(rows) + 30
    parts = []
    for k, (label, values) in enumerate(rows):
        total = sum(values.values()) or 1
        x, y = float(label_w), 5 + k * row
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">{esc(label[:20])}</text>')
        for key, colour in series:
            w = (width - label_w - 20) * values.get(key, 0) / total
            if w > 0:
                parts.append(f'<rect class="bar" x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" '
                             f'fill="{colour}"><title>{esc(label)} · {esc(key)}: {values.get(key, 0):g}</title></rect>')
            x += w
    legend_y = 10 + row * len(rows)
    for k, (key, colour) in enumerate(series):
        lx = label_w + k * 120
        parts.append(f'<rect x="{lx}" y="{legend_y}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{lx + 14}" y="{legend_y + 9}" font-size="11">{esc(key)}</text>')
    return (f'<svg id="{esc(chart_id)}" role="img" width="{width}" height="{h}" '
            f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>')


def plan_chart(curves: list[tuple[str, list[tuple[int, float]]]], width: int = 720, height: int = 260,
               chart_id: str = "") -> str:
    """Cumulative spending share (0–100%) by month, one polyline per project."""
    if not curves:
        return "<p>—</p>"
    left, bottom, top, right = 40, 30, 10, 10
    def xy(month: int, share: float) -> tuple[float, float]:
        return (left + (width - left - right) * (month - 1) / 11, top + (height - top - bottom) * (1 - share / 100))
    parts = [f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="#999"/>']
    for m in (1, 3, 6, 9, 12):
        x, _ = xy(m, 0)
        parts.append(f'<text x="{x:.0f}" y="{height - 10}" font-size="11" text-anchor="middle">{m}月</text>')
    for s in (0, 50, 100):
        _, y = xy(1, s)
        parts.append(f'<text x="{left - 4}" y="{y + 4:.0f}" font-size="11" text-anchor="end">{s}%</text>')
    palette = ["#2f6da3", "#c05621", "#2f855a", "#6b46c1", "#b7791f", "#c53030", "#2c7a7b", "#4a5568"]
    for k, (label, points) in enumerate(curves):
        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(m, s) for m, s in [(1, 0.0)] + points))
        parts.append(f'<polyline class="curve" fill="none" stroke="{palette[k % len(palette)]}" stroke-width="1.5" '
                     f'points="{coords}"><title>{esc(label)}</title></polyline>')
    return (f'<svg id="{esc(chart_id)}" role="img" width="{width}" height="{height}" '
            f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>')


def plan_shares(project: Project) -> list[tuple[int, float]]:
    if not project.budget:
        return []
    return [(m, float(a / project.budget * 100)) for m, a in project.plan if a is not None]


# ------------------------------------------------------------------------------------------------
# The site


class SiteWriter:
    def __init__(self, data: SiteData, out: Path):
        self.d, self.out = data, out
        self.paths = Paths(data.base)

    def write(self, rel: str, text: str) -> None:
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def link(self, iri: str, label: str, from_path: str, anchor: str = "") -> str:
        owner = self.d.owner_page(iri) or iri
        href = self.paths.href(owner, from_path)
        if href is None:
            return esc(label)
        return f'<a href="{esc(href)}{esc(anchor)}">{esc(label or iri)}</a>'

    def source(self, iri: str) -> str:
        file, line, _ = self.d.source_lines.get(iri, ("", "", ""))
        return f'<span class="src">{esc(file)}:{esc(line)}</span>' if line else ""

    def resource_header(self, iri: str, rel: str) -> str:
        ttl = self.paths.href(iri, rel, "ttl")
        jsonld = self.paths.href(iri, rel, "jsonld")
        file, line, text = self.d.source_lines.get(iri, ("", "", ""))
        src = (f'<p>来源 Source: <span class="src">{esc(file)}:{esc(line)}</span></p>'
               f'<div class="quote">{esc(text)}</div>') if line else ""
        return (f'<p class="iri">IRI: {esc(iri)}</p><p><a href="{esc(ttl)}">Turtle</a> · '
                f'<a href="{esc(jsonld)}">JSON-LD</a></p>{src}')

    def rdf_files(self, iri: str, rel_html: str) -> None:
        """Turtle and JSON-LD beside the page: the resource's own triples and its sub-nodes' (IRIs under it)."""
        turtle, jsonld = self._describe(iri)
        self.write(rel_html[:-5] + ".ttl", turtle)
        self.write(rel_html[:-5] + ".jsonld", jsonld)

    def _describe(self, iri: str) -> tuple[str, str]:
        import pyoxigraph as ox
        from rdflib import Graph

        if any(ch in iri for ch in '<>"{}|^`\\ '):
            return "", "{}"
        query = ('CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o '
                 f'FILTER(?s = <{iri}> || STRSTARTS(STR(?s), "{iri}/")) }}')
        triples = list(self.d.store.query(query))
        turtle = ox.serialize(triples, format=ox.RdfFormat.TURTLE).decode()
        graph = Graph()
        graph.parse(data=turtle, format="turtle")
        return turtle, graph.serialize(format="json-ld", indent=1)

    # -- pages ---------------------------------------------------------------------------------
    def overview(self) -> None:
        d = self.d
        n_ind = sum(len(p.indicators) for p in d.projects.values())
        total = sum((p.budget or 0) for p in d.projects.values())
        counts = defaultdict(int)
        for f in d.findings:
            counts[f.severity] += 1
        cards = "".join(f'<div class="card"><b>{esc(v)}</b>{esc(k)}</div>' for k, v in [
            ("项目 projects", len(d.projects)), ("指标 indicators", n_ind), ("部门 departments", len(d.departments)),
            ("政策文件 policy documents", len(d.documents)), ("预算 budget (万元)", f"{total:,.2f}"),
            ("问题 findings", len(d.findings))])
        by_dept: dict[str, float] = defaultdict(float)
        for p in d.projects.values():
            by_dept[p.department_name or p.department or "—"] += float(p.budget or 0)
        budget_chart = bar_chart(sorted(by_dept.items(), key=lambda kv: -kv[1]), "万元", chart_id="chart-budget")
        mix: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for p in d.projects.values():
            for i in p.indicators:
                kind = "定性 qualitative" if i.qualitative or i.operator in ("", "文字描述") and not i.value else "定量 quantitative"
                mix[p.department_name or "—"][kind] += 1
        mix_chart = stacked_bar_chart(sorted(mix.items()), [("定量 quantitative", "#2f6da3"), ("定性 qualitative", "#d69e2e")],
                                      chart_id="chart-mix")
        cats: dict[str, float] = defaultdict(float)
        for p in d.projects.values():
            for i in p.indicators:
                cats[i.category or "—"] += 1
        cat_chart = bar_chart(sorted(cats.items(), key=lambda kv: -kv[1]), "", chart_id="chart-categories")
        curves = [(p.name, plan_shares(p)) for p in list(d.projects.values())[:60] if plan_shares(p)]
        top_docs = sorted(d.documents.values(), key=lambda doc: (-len(doc.indicators), doc.id_local))[:15]
        doc_rows = "".join(
            f"<tr><td>{self.link(doc.iri, doc.id_local or '（无文号）', 'index.html')}</td><td>{esc(doc.title)}</td>"
            f'<td class="num">{len(doc.indicators)}</td></tr>' for doc in top_docs)
        rules: dict[tuple[str, str], int] = defaultdict(int)
        for f in d.findings:
            rules[(f.rule, f.severity)] += 1
        rule_rows = "".join(
            f'<tr><td><a href="rules/{esc(rule)}.html">{esc(rule)}</a></td><td class="{esc(sev)}">{esc(sev)}</td>'
            f'<td class="num">{n}</td></tr>' for (rule, sev), n in sorted(rules.items(), key=lambda kv: _rule_number(kv[0][0])))
        body = f"""<div>{cards}</div>
<h2>各部门预算<span class="en">Budget by department (万元)</span></h2>{budget_chart}
<h2>指标类别<span class="en">Indicators by category</span></h2>{cat_chart}
<h2>定量与定性指标<span class="en">Quantitative / qualitative share per department</span></h2>{mix_chart}
<h2>资金支出计划<span class="en">Spending-plan curves (cumulative share of the annual total)</span></h2>{plan_chart(curves, chart_id="chart-plans")}
<h2>引用最多的政策文件<span class="en">Most cited policy documents</span></h2>
<table><tr><th>文号 Number</th><th>标题 Title</th><th>指标数 Indicators</th></tr>{doc_rows}</table>
<h2>合规检查<span class="en">Conformance by rule and severity</span></h2>
<p>{" · ".join(f'<span class="{esc(k)}">{esc(k)}: {v}</span>' for k, v in sorted(counts.items()))}</p>
<table id="rules-summary"><tr><th>规则 Rule</th><th>严重性 Severity</th><th>数量 Findings</th></tr>{rule_rows}</table>"""
        self.write("index.html", page("预算绩效目标总览", "Performance targets overview", body, 0))

    def project_pages(self) -> None:
        d = self.d
        findings_by_page: dict[str, list[Finding]] = defaultdict(list)
        for f in d.findings:
            owner = d.owner_page(f.focus)
            if owner:
                findings_by_page[owner].append(f)
        for p in d.projects.values():
            rel = self.paths.path(p.iri)
            if rel is None:
                continue
            rows = []
            for i in p.indicators:
                target = esc(i.qualitative) if i.qualitative else f"{esc(i.operator)} {esc(i.value)} {esc(i.unit)}"
                docs = " ".join(self.link(doc, d.documents[doc].id_local or d.documents[doc].title, rel)
                                for doc in i.documents if doc in d.documents)
                rows.append(f'<tr id="indicator-{i.ordinal}"><td>{esc(i.level1)}</td><td>{esc(i.category)}</td>'
                            f"<td>{esc(i.name)}</td><td>{esc(i.description)}</td><td>{target}</td>"
                            f"<td>{esc(i.basis)} {docs}</td><td>{esc(i.basis_kind)}</td>"
                            f'<td class="num">{esc(i.weight)}</td><td class="src">{esc(i.line)}</td></tr>')
            plan_rows = "".join(f'<tr><td>{m}月底</td><td class="num">{esc(a if a is not None else "（空 blank）")}</td></tr>'
                                for m, a in p.plan)
            goals = "".join(f"<li>{esc(g)}</li>" for g in p.goals)
            fs = self.findings_table(findings_by_page.get(p.iri, []), rel)
            body = f"""{self.resource_header(p.iri, rel)}
<table><tr><th>项目编码 Code</th><td>{esc(p.code)}</td></tr>
<tr><th>主管部门 Department</th><td>{self.link(p.department, p.department_name or p.department, rel)}</td></tr>
<tr><th>项目单位 Unit</th><td>{esc(p.unit_name)}</td></tr>
<tr><th>年度资金总额 Annual funds (万元)</th><td class="num">{esc(p.budget)}</td></tr>
<tr><th>资金用途 Use of funds</th><td>{esc(p.purpose)}</td></tr></table>
<h2>资金支出计划<span class="en">Spending plan</span></h2>{plan_chart([(p.name, plan_shares(p))], height=200, chart_id="chart-plan")}
<table><tr><th>月份 Month</th><th>累计金额 Cumulative (万元)</th></tr>{plan_rows}</table>
<h2>年度绩效目标<span class="en">Annual goals</span></h2><ol>{goals}</ol>
<h2>绩效指标<span class="en">Indicators</span></h2>
<table id="indicators"><tr><th>一级</th><th>二级</th><th>三级指标 Indicator</th><th>描述 Description</th><th>指标值 Target</th>
<th>依据 Basis</th><th>依据类型 Kind</th><th>分值 Weight</th><th>行 Line</th></tr>{"".join(rows)}</table>
<h2>问题<span class="en">Findings</span></h2>{fs}"""
            self.write(rel, page(p.name or p.code, "Project", body, rel.count("/")))
            self.rdf_files(p.iri, rel)

    def findings_table(self, findings: list[Finding], rel: str) -> str:
        if not findings:
            return "<p>无 None</p>"
        rows = "".join(
            f'<tr class="finding"><td><a href="{"../" * rel.count("/")}rules/{esc(f.rule)}.html">{esc(f.rule)}</a></td>'
            f'<td class="{esc(f.severity)}">{esc(f.severity)}</td><td>{"<br>".join(esc(m) for m in f.messages)}</td>'
            f"<td>{esc(f.value)}</td><td>{self.source(f.focus)}</td></tr>" for f in findings)
        return f'<table class="findings"><tr><th>规则 Rule</th><th>严重性 Severity</th><th>说明 Message</th>' \
               f"<th>值 Value</th><th>来源 Source</th></tr>{rows}</table>"

    def department_pages(self) -> None:
        d = self.d
        for dept in d.departments.values():
            rel = self.paths.path(dept["iri"])
            if rel is None:
                continue
            projects = "".join(f"<li>{self.link(pi, d.projects[pi].name, rel)}</li>" for pi in dept["projects"])
            duties = []
            for duty in sorted(dept["duties"].values(), key=lambda x: x["code"]):
                acts = "".join(
                    f"<tr><td>{esc(a['code'])}</td><td>{esc(a['name'])}</td><td>{esc(a['goal'])}</td>"
                    f"<td>{esc(a['indicator'])}</td>"
                    + "".join(f"<td>{esc(a['grades'].get(g, ''))}</td>" for g in ("excellent", "good", "fair", "poor"))
                    + "</tr>" for a in sorted(duty["activities"].values(), key=lambda x: x["code"]))
                duties.append(f"<h3>{esc(duty['code'])} {esc(duty['name'])}</h3><table><tr><th>活动 Code</th>"
                              f"<th>名称 Activity</th><th>绩效目标 Goal</th><th>绩效指标 Indicator</th><th>优</th><th>良</th>"
                              f"<th>中</th><th>差</th></tr>{acts}</table>")
            body = (f"{self.resource_header(dept['iri'], rel)}<p>部门编码 Code: {esc(dept['code'])}</p>"
                    f"<h2>项目<span class=\"en\">Projects</span></h2><ul>{projects}</ul>"
                    f"<h2>职责 → 活动 → 指标 → 评价标准<span class=\"en\">Duties → activities → indicators → grades</span></h2>"
                    + "".join(duties))
            self.write(rel, page(dept["name"] or dept["code"], "Department", body, rel.count("/")))
            self.rdf_files(dept["iri"], rel)

    def document_pages(self) -> None:
        d = self.d
        for doc in d.documents.values():
            rel = self.paths.path(doc.iri)
            if rel is None:
                continue
            projects = sorted({pi for _, _, pi in doc.indicators})
            rows = "".join(f"<tr><td>{self.link(ii, name, rel, '#indicator-' + ii.rsplit('/', 1)[-1])}</td>"
                           f"<td>{self.link(pi, d.projects[pi].name, rel)}</td></tr>" for ii, name, pi in doc.indicators)
            body = f"""{self.resource_header(doc.iri, rel)}
<table><tr><th>文号 Number</th><td>{esc(doc.id_local)}</td></tr><tr><th>标题 Title</th><td>{esc(doc.title)}</td></tr>
<tr><th>机关代字 Issuer</th><td>{esc(doc.issuer)}</td></tr><tr><th>年份 Year</th><td>{esc(doc.year)}</td></tr>
<tr><th>层级 Jurisdiction</th><td>{esc(doc.jurisdiction)}</td></tr></table>
<h2>引用它的指标<span class="en">Indicators citing it ({len(doc.indicators)}, {len(projects)} projects)</span></h2>
<table><tr><th>指标 Indicator</th><th>项目 Project</th></tr>{rows}</table>"""
            self.write(rel, page(doc.id_local or doc.title, "Policy document", body, rel.count("/")))
            self.rdf_files(doc.iri, rel)

    def list_pages(self) -> None:
        d = self.d
        specs = [
            ("projects", "项目", "Projects", sorted(d.projects.values(), key=lambda p: p.code),
             lambda p, rel: f"<td>{self.link(p.iri, p.code, rel)}</td><td>{esc(p.name)}</td>"
                            f"<td>{esc(p.department_name)}</td><td class=\"num\">{esc(p.budget)}</td>"
                            f"<td class=\"num\">{len(p.indicators)}</td>",
             "<th>编码 Code</th><th>名称 Name</th><th>部门 Department</th><th>预算 Budget</th><th>指标 Indicators</th>"),
            ("departments", "部门", "Departments", sorted(d.departments.values(), key=lambda x: x["code"]),
             lambda x, rel: f"<td>{self.link(x['iri'], x['code'] or '—', rel)}</td><td>{esc(x['name'])}</td>"
                            f"<td class=\"num\">{len(x['projects'])}</td><td class=\"num\">{len(x['duties'])}</td>",
             "<th>编码 Code</th><th>名称 Name</th><th>项目 Projects</th><th>职责 Duties</th>"),
            ("documents", "政策文件", "Policy documents",
             sorted(d.documents.values(), key=lambda x: (-len(x.indicators), x.id_local, x.title)),
             lambda x, rel: f"<td>{self.link(x.iri, x.id_local or '（无文号）', rel)}</td><td>{esc(x.title)}</td>"
                            f"<td>{esc(x.jurisdiction)}</td><td class=\"num\">{len(x.indicators)}</td>",
             "<th>文号 Number</th><th>标题 Title</th><th>层级 Jurisdiction</th><th>指标 Indicators</th>"),
        ]
        for name, zh, en, items, row, head in specs:
            chunks = _pages(items)
            for k, chunk in enumerate(chunks):
                rel = f"{name}.html" if k == 0 else f"{name}-{k + 1}.html"
                body = (_pager(name, len(chunks), k) + f"<table><tr>{head}</tr>"
                        + "".join(f"<tr>{row(x, rel)}</tr>" for x in chunk) + "</table>")
                self.write(rel, page(zh, en, body, 0))

    def rule_pages(self) -> None:
        by_rule: dict[str, list[Finding]] = defaultdict(list)
        for f in self.d.findings:
            by_rule[f.rule].append(f)
        index_rows = []
        for rule, findings in sorted(by_rule.items(), key=lambda kv: _rule_number(kv[0])):
            chunks = _pages(findings)
            for k, chunk in enumerate(chunks):
                rel = f"rules/{rule}.html" if k == 0 else f"rules/{rule}-{k + 1}.html"
                rows = []
                for f in chunk:
                    file, line, text = self.d.source_lines.get(f.focus, ("", "", ""))
                    rows.append(f'<tr class="finding"><td>{self.link(f.focus, f.focus.rsplit("/", 2)[-2] + "/" + f.focus.rsplit("/", 1)[-1], rel)}</td>'
                                f'<td class="{esc(f.severity)}">{esc(f.severity)}</td><td>{"<br>".join(esc(m) for m in f.messages)}</td>'
                                f'<td>{esc(f.value)}</td><td><span class="src">{esc(file)}:{esc(line)}</span>'
                                f'<div class="quote">{esc(text)}</div></td></tr>')
                body = (f'<p class="iri">{esc(chunk[0].shape if chunk else "")}</p>'
                        + _pager(rule, len(chunks), k) +
                        f'<table class="findings"><tr><th>资源 Resource</th><th>严重性 Severity</th><th>说明 Message</th>'
                        f"<th>值 Value</th><th>来源 Source</th></tr>{''.join(rows)}</table>")
                self.write(rel, page(rule, f"{len(findings)} findings", body, 1))
            index_rows.append(f'<tr><td><a href="rules/{esc(rule)}.html">{esc(rule)}</a></td>'
                              f'<td class="num">{len(findings)}</td></tr>')
        self.write("rules.html", page("规则", "Rules", "<table><tr><th>规则 Rule</th><th>数量 Findings</th></tr>"
                                      + "".join(index_rows) + "</table>", 0))

    def conneg(self) -> None:
        conf = Path(__file__).resolve().parents[2] / "docs" / "conneg"
        if conf.is_dir():
            shutil.copytree(conf, self.out / "conneg", dirs_exist_ok=True)

    def write_all(self) -> dict[str, int]:
        self.out.mkdir(parents=True, exist_ok=True)
        self.write("style.css", CSS)
        self.overview()
        self.list_pages()
        self.project_pages()
        self.department_pages()
        self.document_pages()
        self.rule_pages()
        self.conneg()
        return {"projects": len(self.d.projects), "departments": len(self.d.departments),
                "documents": len(self.d.documents), "findings": len(self.d.findings)}


def build_site(store: GraphStore, out: str | Path, report: GraphStore | None = None,
               base: str = DEFAULT_DATA_BASE) -> dict[str, int]:
    """Write the site for ``store`` (and the findings of ``report``, a sh:ValidationReport) into ``out``."""
    return SiteWriter(SiteData(store, report, base), Path(out)).write_all()


def load_report(path: str | Path) -> GraphStore | None:
    path = Path(path)
    if not path.is_file():
        return None
    report = GraphStore()
    report.load(path.read_bytes(), "turtle")
    return report


def summary_json(stats: dict[str, int]) -> str:
    return json.dumps(stats, ensure_ascii=False)


def iter_pages(out: Path) -> Iterable[Path]:
    return sorted(out.rglob("*.html"))
