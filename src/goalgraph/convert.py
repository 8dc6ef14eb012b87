"""Records → RDF (N-Triples text), per docs/graph-model.md.

Conversion runs in two passes because policy-document resolution is corpus-wide (a title-only
citation in one document resolves to the numbered document cited in another):

1. :meth:`Corpus.register` walks each document once and adds every citation (指标确定依据, goal,
   funding purpose and department texts) to one ``DocumentRegistry``, plus the organisation names
   (for labels and name-only references). Cheap: no triples are built.
2. :meth:`Corpus.convert` emits one document's triples with the resolved policy-document IRIs.
   Documents convert independently, so a corpus streams one document at a time.

Output is a sorted, de-duplicated list of N-Triples lines: the same input gives byte-identical text.
No blank nodes: every node has a minted IRI (:mod:`goalgraph.iris`) and ``prov:wasDerivedFrom`` the
``gg:SourceRecord`` of its line(s); SourceRecords are emitted only for referenced lines.

Literal conventions: labels, names, descriptions and other human text are ``@zh``; cells kept "as
written" (``gg:raw*``, ``gg:sourceText``, ``gg:level1Raw``, ``gg:citationText``, ``gg:goalLabel``) are
plain strings; money and values xsd:decimal (canonical form, raw text kept beside it); years
xsd:gYear; lines, months, ordinals and serials xsd:integer; flags xsd:boolean.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePath

from goalgraph import iris, vocab
from goalgraph import ntriples as nt
from goalgraph.namespaces import DEFAULT_DATA_BASE, DCT, ELI, GG, ORG, PROV, QUDT, RDF, SKOS
from goalgraph.records import (
    Activity, DepartmentTable, Document, Goal, Indicator, ProjectSheet, SourceRef, SummaryRow,
)

try:  # written in parallel; without it no citations are extracted (bases keep their text)
    from goalgraph import citations as _citations
except ImportError:  # pragma: no cover - depends on the checkout
    _citations = None


def _t(ns, name: str) -> str:
    return nt.iri(str(ns) + name)


@lru_cache(maxsize=None)
def g(name: str) -> str:
    """A written ``gg:`` term."""
    return _t(GG, name)


A = _t(RDF, "type")
DERIVED = _t(PROV, "wasDerivedFrom")
PREF, ALT = _t(SKOS, "prefLabel"), _t(SKOS, "altLabel")
DESC, IDENT, TITLE, PART_OF = _t(DCT, "description"), _t(DCT, "identifier"), _t(DCT, "title"), _t(DCT, "isPartOf")
ORG_ID, SUB_ORG = _t(ORG, "identifier"), _t(ORG, "subOrganizationOf")
QUDT_VALUE, QUDT_UNIT = _t(QUDT, "value"), _t(QUDT, "hasUnit")
ELI_ID = _t(ELI, "id_local")

#: inverse pairs emitted in both directions (owl:inverseOf in the ontology)
INVERSE = {
    "hasDuty": "dutyOf", "hasActivity": "activityOf", "hasIndicator": "indicatorOf",
    "hasSpendingMilestone": "milestoneOf", "hasGoal": "goalOf",
}
GRADE_FIELDS = ("excellent", "good", "fair", "poor")  # GradeCriteria fields = ggc:grade slugs


# ---------------------------------------------------------------------------------------------
# Emitting


class Emitter:
    """Collects the N-Triples lines of one document, the source lines they cite and class counts."""

    def __init__(self, mint: iris.Minter, doc: str):
        self.mint, self.doc = mint, doc
        self.lines: set[str] = set()
        self.source_lines: set[int] = set()
        self.types: Counter[str] = Counter()
        self._typed: set[tuple[str, str]] = set()

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.add(nt.triple(nt.iri(s), p, o))

    def link(self, s: str, p: str, o_iri: str) -> None:
        self.add(s, p, nt.iri(o_iri))

    def both(self, s: str, prop: str, o_iri: str) -> None:
        """``s gg:prop o`` and its declared inverse ``o gg:inv s``."""
        self.link(s, g(prop), o_iri)
        self.link(o_iri, g(INVERSE[prop]), s)

    def text(self, s: str, p: str, value: str | None, lang: str | None = "zh") -> None:
        """A text literal, skipped when blank (None or only whitespace)."""
        if value is not None and value.strip():
            self.add(s, p, nt.literal(value, lang=lang))

    def raw(self, s: str, p: str, value: str | None) -> None:
        """A cell as written (plain string), skipped when blank."""
        self.text(s, p, value, lang=None)

    def node(self, s: str, cls: str, lines: Iterable[int]) -> None:
        """``s a gg:cls`` and ``prov:wasDerivedFrom`` each source line."""
        if (s, cls) not in self._typed:
            self._typed.add((s, cls))
            self.types[cls] += 1
            self.link(s, A, str(GG[cls]))
        for n in lines:
            self.source_lines.add(n)
            self.link(s, DERIVED, self.mint.source_line(self.doc, n))


def ref_lines(ref: SourceRef, whole: bool = True) -> range:
    """The lines of a record (all of them for a row, the first only for a whole table)."""
    return ref.lines if whole else range(ref.line, ref.line + 1)


# ---------------------------------------------------------------------------------------------
# Names, matching and citations


def fold(text: str | None) -> str:
    """NFKC without whitespace: how two spellings of one name are compared."""
    return vocab.fold(text or "")


#: trailing words that a summary row may add or drop from a sheet's project name (专项资金 …);
#: longest first, at most one stripped, and never when it would leave fewer than two characters
SUMMARY_SUFFIXES = ("专项资金", "专项经费", "资金", "专项", "经费")


def project_key(name: str | None) -> str:
    """Key used to match a summary row to project sheets: NFKC, no spaces, one trailing 专项/资金 word off."""
    key = fold(name)
    for suffix in SUMMARY_SUFFIXES:
        if key.endswith(suffix) and len(key) - len(suffix) >= 2:
            return key[: -len(suffix)]
    return key


@lru_cache(maxsize=65536)
def parse_basis(text: str):
    """``citations.parse_basis`` (cached: the same basis text repeats across indicators)."""
    return _citations.parse_basis(text) if _citations else None


@lru_cache(maxsize=65536)
def find_citations(text: str) -> tuple:
    return tuple(_citations.find_citations(text)) if _citations and text else ()


def concept_iri(table: dict, value) -> str | None:
    """A concept IRI from a slug, a Concept, or None."""
    if value is None:
        return None
    if hasattr(value, "iri"):
        return value.iri
    concept = table.get(str(value))
    return concept.iri if concept else None


def new_registry():
    return _citations.DocumentRegistry() if _citations else None


# ---------------------------------------------------------------------------------------------
# Per-document layout: every IRI of a document, shared by both passes


@dataclass
class Context:
    """What every mapping of one document needs: its id, division, year and file name."""

    doc: Document
    id: str
    div: str
    year: str
    file: str

    @classmethod
    def of(cls, doc: Document) -> "Context":
        doc_id = iris.doc_id(doc.path)
        div = iris.division((p.code for p in doc.projects), doc_id)
        return cls(doc, doc_id, div, iris.year(doc.year), PurePath(str(doc.path).replace("\\", "/")).name)


def unique_segments(items: Iterable, key) -> list[str]:
    """One IRI segment per item: ``key(item)``, or ``{key}-L{line}`` when that key was already used."""
    seen: set[str] = set()
    out = []
    for item in items:
        seg = key(item)
        if seg in seen:
            seg = f"{seg}-L{item.source.line}"
        seen.add(seg)
        out.append(seg)
    return out


def project_iris(mint: iris.Minter, ctx: Context) -> list[str]:
    """One IRI per sheet; a code repeated within the document gets ``{code}-s{k}``."""
    seen: set[str] = set()
    out = []
    for k, sheet in enumerate(ctx.doc.projects, 1):
        local = iris.project(sheet.code, ctx.id, k)
        if local in seen:
            local = f"{local}-s{k}"
        seen.add(local)
        out.append(mint.project(local))
    return out


def goal_iris(project: str, goals: list[Goal]) -> list[str]:
    return [f"{project}/goal/{s}" for s in unique_segments(goals, lambda x: str(int(x.ordinal)))]


def indicator_iris(project: str, indicators: list[Indicator]) -> list[str]:
    return [f"{project}/indicator/{s}" for s in unique_segments(indicators, lambda x: str(int(x.ordinal)))]


@dataclass
class TableLayout:
    """IRIs of one department table: department, duties (by code) and activities."""

    dept: str
    duties: list[str]
    duty_by_code: dict[str, str]
    activities: list[str]


# ---------------------------------------------------------------------------------------------
# Organisations (departments and budget units), merged by code within a division


@dataclass
class OrgIndex:
    """Organisation names filled in pass 1: corpus-wide preferred labels, per-document name → code.

    A department written by name only (no code) takes the code of the one coded department with the
    same folded name *in the same document*; looking only within the document keeps pass 1 and
    pass 2 IRIs identical whatever order documents come in.
    """

    names: dict[tuple[str, str], Counter] = field(default_factory=lambda: defaultdict(Counter))
    dept_codes_by_name: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, doc: str, div: str, local: str, name: str | None, is_dept: bool, coded: bool) -> None:
        if not name:
            return
        self.names[(div, local)][name] += 1
        if is_dept and coded:
            self.dept_codes_by_name[(doc, fold(name))].add(local)

    def pref_label(self, div: str, local: str, fallback: str) -> str:
        """The most frequent spelling in the corpus (ties: the first seen)."""
        counts = self.names.get((div, local))
        return counts.most_common(1)[0][0] if counts else fallback

    def dept_local(self, doc: str, code: str | None, name: str) -> str:
        """{dept} for a reference: its code; else the one coded department with that name; else a hash."""
        local = iris.department(code, name)
        if not local.startswith("n"):
            return local
        codes = self.dept_codes_by_name.get((doc, fold(name)), set())
        return next(iter(codes)) if len(codes) == 1 else local


# ---------------------------------------------------------------------------------------------
# The corpus: pass 1 (register) and pass 2 (convert)


@dataclass
class Converted:
    """One converted document: sorted N-Triples lines for its named graph, plus counts."""

    doc_id: str
    graph: str
    lines: list[str]
    types: Counter
    policy_documents: Counter

    def text(self) -> str:
        return "".join(self.lines)


@dataclass
class Site:
    """A text that may cite documents, the node that cites, and where its citations' IRIs go."""

    owner: str
    prefix: str  # citation k → prefix + str(k)
    text: str
    lines: range
    basis: bool = False
    start: int = 1  # number of the first citation (texts of one owner are numbered on)

    def citations(self) -> tuple:
        if self.basis:
            parsed = parse_basis(self.text)
            return tuple(parsed.citations) if parsed else ()
        return find_citations(self.text)


class Corpus:
    """Conversion state shared by the documents of one build."""

    def __init__(self, base: str = DEFAULT_DATA_BASE, registry=None):
        self.mint = iris.Minter(base)
        self.registry = registry if registry is not None else new_registry()
        self.orgs = OrgIndex()
        self._cited: list[tuple[str, str, int]] = []  # (where, doc id, line), in registry order
        self._resolution: dict[str, object] | None = None
        self._documents: dict[str, object] = {}
        self._first_cited: dict[str, tuple[str, int]] = {}

    # -- pass 1 --------------------------------------------------------------------------------
    def register(self, doc: Document) -> Context:
        """Pass 1: add the document's citations and organisation names (no triples)."""
        ctx = Context.of(doc)
        self._register_orgs(ctx)
        if self.registry is not None:
            for site in self.sites(ctx):
                for k, cit in enumerate(site.citations(), site.start):
                    where = site.prefix + str(k)
                    self.registry.add(cit, where)
                    self._cited.append((where, ctx.id, site.lines[0]))
        self._resolution = None
        return ctx

    def _register_orgs(self, ctx: Context) -> None:
        for sheet in ctx.doc.projects:
            d = sheet.department
            self.orgs.add(ctx.id, ctx.div, iris.department(d.code, d.name), d.name, True, bool(d.code))
            u = sheet.unit
            self.orgs.add(ctx.id, ctx.div, iris.unit(u.code, u.name), u.name, False, bool(u.code))
        for table in ctx.doc.departments:
            code, name = table.department_code, table.department_name
            self.orgs.add(ctx.id, ctx.div, iris.department(code, name), name, True, bool(code))

    def resolve(self) -> None:
        """Resolve every registered citation (once, after pass 1)."""
        self._resolution, self._first_cited = {}, {}
        if self.registry is None:
            return
        results = self.registry.resolve()
        for (where, doc_id, line), res in zip(self._cited, results):
            self._resolution[where] = res
            key = getattr(res, "document_key", None)
            if key and key not in self._first_cited:
                self._first_cited[key] = (doc_id, line)
        self._documents = {d.key: d for d in self.registry.documents}

    # -- pass 2 --------------------------------------------------------------------------------
    def convert(self, doc: Document) -> Converted:
        """Pass 2: all triples of one document (its named graph)."""
        if self._resolution is None:
            self.resolve()
        ctx = Context.of(doc)
        out = Emitter(self.mint, ctx.id)
        DocumentMapper(self, ctx, out).run()
        policy = self.policy_triples(ctx, out)
        source_triples(self.mint, ctx, out)
        # sorted by UTF-8 bytes: the same order as by code points (UTF-8 keeps it), but compared with
        # memcmp instead of per character (most lines mix ASCII IRIs with CJK text): 1.6× faster
        return Converted(ctx.id, self.mint.graph(ctx.id), sorted(out.lines, key=str.encode), out.types, policy)

    # -- layout shared by both passes ----------------------------------------------------------
    def table_layout(self, ctx: Context, table: DepartmentTable) -> TableLayout:
        dept = self.orgs.dept_local(ctx.id, table.department_code, table.department_name)
        duty_segs = unique_segments(table.duties, lambda d: iris.table_code(d.code, d.source.line))
        duties = [self.mint.duty(ctx.div, ctx.year, dept, s) for s in duty_segs]
        by_code: dict[str, str] = {}
        for duty, duty_iri in zip(table.duties, duties):
            by_code.setdefault(iris.nfkc(duty.code), duty_iri)  # a repeated code links to its first
        act_segs = unique_segments(table.activities, lambda a: iris.table_code(a.code, a.source.line))
        acts = [self.mint.activity(ctx.div, ctx.year, dept, s) for s in act_segs]
        return TableLayout(self.mint.org(ctx.div, dept), duties, by_code, acts)

    def sites(self, ctx: Context) -> Iterator[Site]:
        """Every citing text of a document, in document order (the same in both passes)."""
        for sheet, p in zip(ctx.doc.projects, project_iris(self.mint, ctx)):
            yield from _text_sites(p, f"{p}/purpose/citation/", [sheet.funding_purpose], sheet.source, False)
            for goal, gi in zip(sheet.goals, goal_iris(p, sheet.goals)):
                yield from _text_sites(gi, f"{gi}/citation/", [goal.text], goal.source)
            for ind, ii in zip(sheet.indicators, indicator_iris(p, sheet.indicators)):
                if ind.basis and ind.basis.strip():
                    yield Site(f"{ii}/basis", f"{ii}/basis/citation/", ind.basis, ind.source.lines, True)
        for table in ctx.doc.departments:
            layout = self.table_layout(ctx, table)
            for duty, di in zip(table.duties, layout.duties):
                yield from _text_sites(di, f"{di}/citation/", [duty.description, duty.objective], duty.source)
            for act, ai in zip(table.activities, layout.activities):
                texts = [act.description, act.goal, act.indicator_description]
                yield from _text_sites(ai, f"{ai}/citation/", texts, act.source)

    def resolution(self, where: str):
        return (self._resolution or {}).get(where)

    # -- policy documents ----------------------------------------------------------------------
    def policy_triples(self, ctx: Context, out: Emitter) -> Counter:
        """PolicyDocument nodes first cited in this document (each lives in one named graph)."""
        counts: Counter = Counter()
        for key, (doc_id, line) in sorted(self._first_cited.items()):
            if doc_id != ctx.id or key not in self._documents:
                continue
            counts[policy_document_triples(out, self.mint, self._documents[key], line)] += 1
        return counts


def _text_sites(owner: str, prefix: str, texts: list[str | None], ref: SourceRef,
                whole: bool = True) -> Iterator[Site]:
    """One site per non-blank text; citation numbers continue across the texts of one owner."""
    start = 1
    for text in texts:
        if text and text.strip():
            site = Site(owner, prefix, text, ref_lines(ref, whole), start=start)
            start += len(site.citations())
            yield site


def policy_document_triples(out: Emitter, mint: iris.Minter, doc, line: int) -> str:
    """gg:PolicyDocument: title (longest), 文号 parts, spellings, jurisdiction, kind. Returns its bucket."""
    d = mint.policy_document(doc.key)
    out.node(d, "PolicyDocument", [line])
    titles = sorted(t for t in (doc.titles or []) if t and t.strip())
    if titles:
        out.text(d, TITLE, max(titles, key=len))  # max keeps the first (smallest) among equal lengths
    out.raw(d, ELI_ID, doc.id_local or getattr(doc, "standard", None))
    out.raw(d, g("docIssuerCode"), doc.issuer_code)
    if doc.year:
        out.add(d, g("docYear"), nt.gyear(doc.year))
    if doc.serial is not None:
        out.add(d, g("docSerial"), nt.integer(doc.serial))
    for raw in sorted(set(doc.raw_numbers or [])):
        out.raw(d, g("rawDocNumber"), raw)
    jurisdiction = doc.jurisdiction
    if jurisdiction is None and doc.issuer_code and _citations:
        jurisdiction = _citations.jurisdiction(doc.issuer_code)
    _concept(out, d, g("jurisdiction"), vocab.JURISDICTION_BY_SLUG, jurisdiction)
    _concept(out, d, g("documentKind"), vocab.BASIS_KIND_BY_SLUG, doc.kind)
    return policy_bucket(doc)


def policy_bucket(doc) -> str:
    """numbered / standard / title-only / other (procurement numbers …), for the build summary."""
    if getattr(doc, "standard", None) or doc.kind == "standard":
        return "standard"
    if doc.serial is not None:
        return "numbered"
    return "title-only" if doc.titles and not doc.key.startswith("p:") else "other"


def _concept(out: Emitter, s: str, p: str, table: dict, value) -> None:
    c = concept_iri(table, value)
    if c:
        out.link(s, p, c)


def source_triples(mint: iris.Minter, ctx: Context, out: Emitter) -> None:
    """The SourceDocument and one SourceRecord per referenced line."""
    doc, sd = ctx.doc, mint.source_document(ctx.id)
    out.node(sd, "SourceDocument", [])
    out.text(sd, TITLE, doc.title)
    out.raw(sd, g("sourceFile"), ctx.file)
    out.raw(sd, g("sha256"), doc.sha256)
    out.add(sd, g("lineCount"), nt.integer(doc.line_count))
    if doc.year:
        out.add(sd, g("fiscalYear"), nt.gyear(doc.year))
    out.raw(sd, g("divisionCode"), ctx.div)
    for n in sorted(out.source_lines):
        record = mint.source_line(ctx.id, n)
        out.node(record, "SourceRecord", [])
        out.raw(record, g("sourceFile"), ctx.file)
        out.add(record, g("sourceLine"), nt.integer(n))
        text = doc.lines[n - 1] if 0 < n <= len(doc.lines) else None
        if text is not None:
            out.add(record, g("sourceText"), nt.literal(text))  # kept even when blank
        out.link(record, PART_OF, sd)


# ---------------------------------------------------------------------------------------------
# Pass 2 mappings


class DocumentMapper:
    """Emits the triples of one document; one method per kind of record."""

    def __init__(self, corpus: Corpus, ctx: Context, out: Emitter):
        self.corpus, self.ctx, self.out, self.mint = corpus, ctx, out, corpus.mint
        self.org_uses: dict[str, dict] = {}  # org IRI → {"kind", "id", "names", "line"}
        self.dept_by_name: dict[str, str] = {}  # folded name → department IRI (this document)
        self.sheet_dept: dict[str, str] = {}  # project IRI → its department IRI

    def run(self) -> None:
        project_list = project_iris(self.mint, self.ctx)
        for sheet, p in zip(self.ctx.doc.projects, project_list):
            self.project_triples(sheet, p)
        for table in self.ctx.doc.departments:
            self.table_triples(table)
        self.summary_triples(list(zip(self.ctx.doc.projects, project_list)))
        self.org_triples()

    # -- organisations -------------------------------------------------------------------------
    def use_org(self, kind: str, code: str | None, name: str, line: int) -> str:
        """The IRI of a department or unit referenced on ``line``; remembers names for labels."""
        div = self.ctx.div
        if kind == "Department":
            local = self.corpus.orgs.dept_local(self.ctx.id, code, name)
        else:
            local = iris.unit(code, name)
        o = self.mint.org(div, local)
        use = self.org_uses.setdefault(o, {"kind": kind, "local": local, "names": [], "line": line})
        use["line"] = min(use["line"], line)
        if name and name not in use["names"]:
            use["names"].append(name)
        if kind == "Department" and name:
            self.dept_by_name.setdefault(fold(name), o)
        return o

    def org_triples(self) -> None:
        """gg:Department / gg:BudgetUnit: identifier, preferred label, other spellings."""
        out = self.out
        for o, use in sorted(self.org_uses.items()):
            out.node(o, use["kind"], [use["line"]])
            if not use["local"].startswith("n"):
                out.raw(o, ORG_ID, use["local"])
            fallback = use["names"][0] if use["names"] else ""
            pref = self.corpus.orgs.pref_label(self.ctx.div, use["local"], fallback)
            out.text(o, PREF, pref)
            for name in use["names"]:
                if name != pref:
                    out.text(o, ALT, name)

    # -- project sheets ------------------------------------------------------------------------
    def project_triples(self, sheet: ProjectSheet, p: str) -> None:
        """gg:Project (项目支出绩效目标表) and everything hanging off it."""
        out, line = self.out, sheet.source.line
        out.node(p, "Project", [line])
        out.raw(p, IDENT, sheet.code if iris.PROJECT_CODE.match(sheet.code or "") else None)
        out.text(p, PREF, sheet.name or sheet.heading_name)
        out.text(p, g("headingName"), sheet.heading_name)
        out.raw(p, g("codeLabel"), sheet.code_label)
        dept = self.use_org("Department", sheet.department.code, sheet.department.name, line)
        unit = self.use_org("BudgetUnit", sheet.unit.code, sheet.unit.name, line)
        self.sheet_dept[p] = dept
        out.link(p, g("competentDepartment"), dept)
        out.link(p, g("implementingUnit"), unit)
        if unit != dept:
            out.link(unit, SUB_ORG, dept)
        if sheet.annual_budget is not None:
            out.add(p, g("annualBudget"), nt.decimal(sheet.annual_budget))
        out.raw(p, g("rawAnnualBudget"), sheet.annual_budget_raw)
        out.text(p, g("fundingPurpose"), sheet.funding_purpose)
        year = sheet.year or self.ctx.doc.year
        if year:
            out.add(p, g("fiscalYear"), nt.gyear(year))
        out.raw(p, g("divisionCode"), self.ctx.div)
        out.link(p, g("sourceDocument"), self.mint.source_document(self.ctx.id))
        self.text_citations(p, f"{p}/purpose/citation/", [sheet.funding_purpose], sheet.source, False)
        self.milestone_triples(sheet, p)
        for goal, gi in zip(sheet.goals, goal_iris(p, sheet.goals)):
            self.goal_triples(goal, gi, p)
        for ind, ii in zip(sheet.indicators, indicator_iris(p, sheet.indicators)):
            self.indicator_triples(ind, ii, p)

    def milestone_triples(self, sheet: ProjectSheet, p: str) -> None:
        """gg:SpendingMilestone per 资金支出计划 cell; blank amounts keep rawAmount ""."""
        segs = unique_segments(sheet.milestones, lambda m: f"m{int(m.month)}")
        for m, seg in zip(sheet.milestones, segs):
            mi = f"{p}/plan/{seg}"
            self.out.node(mi, "SpendingMilestone", m.source.lines)
            self.out.add(mi, g("month"), nt.integer(m.month))
            self.out.raw(mi, g("monthLabel"), m.month_raw)
            if m.amount is not None:
                self.out.add(mi, g("cumulativeAmount"), nt.decimal(m.amount))
            self.out.add(mi, g("rawAmount"), nt.literal(m.amount_raw or ""))
            self.out.both(p, "hasSpendingMilestone", mi)

    def goal_triples(self, goal: Goal, gi: str, owner: str) -> None:
        """gg:PerformanceGoal (年度绩效目标)."""
        out = self.out
        out.node(gi, "PerformanceGoal", goal.source.lines)
        out.add(gi, g("ordinal"), nt.integer(goal.ordinal))
        out.text(gi, DESC, goal.text)
        out.raw(gi, g("rawText"), goal.text_raw)
        out.raw(gi, g("goalLabel"), goal.row_label)
        out.both(owner, "hasGoal", gi)
        self.text_citations(gi, f"{gi}/citation/", [goal.text], goal.source)

    def indicator_triples(self, ind: Indicator, ii: str, owner: str) -> None:
        """gg:Indicator (三级指标) with category, target, basis and scoring rule."""
        out = self.out
        out.node(ii, "Indicator", ind.source.lines)
        out.text(ii, PREF, ind.name)
        out.text(ii, DESC, ind.description)
        out.add(ii, g("ordinal"), nt.integer(ind.ordinal))
        self.category_triples(ind, ii)
        out.both(owner, "hasIndicator", ii)
        self.target_triples(ind, ii)
        self.basis_triples(ind, ii)
        self.scoring_triples(ind, ii)

    def category_triples(self, ind: Indicator, ii: str) -> None:
        """gg:indicatorCategory = level 2 (else level 1); gg:level1Category as read; raw cells."""
        level1 = vocab.category(ind.level1)
        level1 = level1 if level1 and level1.level == 1 else None
        level2 = vocab.category(ind.level2)
        category = level2 if level2 and level2.level == 2 else level1
        if category:
            self.out.link(ii, g("indicatorCategory"), category.iri)
        if level1:
            self.out.link(ii, g("level1Category"), level1.iri)
        self.out.raw(ii, g("level1Raw"), ind.level1_raw)
        self.out.raw(ii, g("level2Raw"), ind.level2_raw)
        self.out.add(ii, g("level1Filled"), nt.boolean(ind.level1_filled))
        self.out.add(ii, g("level2Filled"), nt.boolean(ind.level2_filled))

    def target_triples(self, ind: Indicator, ii: str) -> None:
        """gg:Target (指标值): operator, value, unit, qualitative target; none when all blank."""
        cells = (ind.operator_raw, ind.value_raw, ind.unit_raw, ind.qualitative_target)
        if not any(c and str(c).strip() for c in cells) and ind.operator is None and ind.value is None:
            return
        out, t = self.out, f"{ii}/target"
        out.node(t, "Target", ind.source.lines)
        out.link(ii, g("hasTarget"), t)
        op = operator_concept(ind.operator)
        if op:
            out.link(t, g("comparisonOperator"), op.iri)
        out.raw(t, g("rawOperator"), ind.operator_raw)
        if ind.value is not None:
            out.add(t, QUDT_VALUE, nt.decimal(ind.value))
        out.raw(t, g("rawValue"), ind.value_raw)
        out.raw(t, g("unitText"), ind.unit_raw)
        out.raw(t, g("normalizedUnit"), ind.unit)
        unit = vocab.unit(ind.unit or ind.unit_raw)
        if unit:
            out.link(t, QUDT_UNIT, unit.iri)
        out.text(t, g("qualitativeTarget"), ind.qualitative_target)

    def basis_triples(self, ind: Indicator, ii: str) -> None:
        """gg:BasisStatement (指标确定依据): text, kind, citations, cited documents."""
        if not (ind.basis and ind.basis.strip()):
            return
        out, b = self.out, f"{ii}/basis"
        out.node(b, "BasisStatement", ind.source.lines)
        out.link(ii, g("hasBasis"), b)
        out.text(b, g("basisText"), ind.basis)
        parsed = parse_basis(ind.basis)
        if parsed is not None:
            _concept(out, b, g("basisKind"), vocab.BASIS_KIND_BY_SLUG, parsed.kind)
        for doc_iri in self.citation_triples(Site(b, f"{b}/citation/", ind.basis, ind.source.lines, True)):
            out.link(b, g("citesDocument"), doc_iri)

    def scoring_triples(self, ind: Indicator, ii: str) -> None:
        """gg:ScoringRule (评（扣）分标准): weight and text."""
        if not (ind.scoring and ind.scoring.strip()) and ind.weight is None:
            return
        s = f"{ii}/scoring"
        self.out.node(s, "ScoringRule", ind.source.lines)
        self.out.link(ii, g("hasScoringRule"), s)
        if ind.weight is not None:
            self.out.add(s, g("weight"), nt.decimal(ind.weight))
        self.out.text(s, g("ruleText"), ind.scoring)

    # -- citations -----------------------------------------------------------------------------
    def citation_triples(self, site: Site) -> list[str]:
        """gg:Citation nodes of one text; returns the resolved policy-document IRIs."""
        cited = []
        for k, cit in enumerate(site.citations(), site.start):
            c = site.prefix + str(k)
            self.out.node(c, "Citation", site.lines)
            self.out.link(site.owner, g("hasCitation"), c)
            doc_iri = self.one_citation(c, cit)
            if doc_iri and doc_iri not in cited:
                cited.append(doc_iri)
        return cited

    def one_citation(self, c: str, cit) -> str | None:
        out = self.out
        out.raw(c, g("citationText"), cit.text)
        out.text(c, g("citedTitle"), cit.title)
        number = cit.number
        if number is not None:
            out.raw(c, g("rawDocNumber"), number.raw)
            _concept(out, c, g("bracketStyle"), vocab.BRACKET_BY_SLUG, number.bracket_style)
        out.text(c, g("articleReference"), cit.article, lang=None)
        res = self.corpus.resolution(c)
        if res is None:
            return None
        out.raw(c, g("resolution"), res.method)
        out.raw(c, g("resolutionNote"), res.note)
        if not res.document_key:
            return None
        doc_iri = self.mint.policy_document(res.document_key)
        out.link(c, g("citedDocument"), doc_iri)
        return doc_iri

    # -- department tables ---------------------------------------------------------------------
    def table_triples(self, table: DepartmentTable) -> None:
        """部门职能职责活动列表: Department → Duty → Activity (linked by activity-code prefix)."""
        layout = self.corpus.table_layout(self.ctx, table)
        dept = self.use_org("Department", table.department_code, table.department_name, table.source.line)
        for duty, di in zip(table.duties, layout.duties):
            self.duty_triples(duty, di, dept)
        for act, ai in zip(table.activities, layout.activities):
            duty_iri = layout.duty_by_code.get(iris.nfkc(act.duty_code or "")) if act.duty_code else None
            self.activity_triples(act, ai, dept, duty_iri)

    def duty_triples(self, duty, di: str, dept: str) -> None:
        """gg:Duty (职责)."""
        out = self.out
        out.node(di, "Duty", duty.source.lines)
        out.raw(di, IDENT, duty.code)
        out.text(di, PREF, duty.name)
        out.text(di, DESC, duty.description)
        out.text(di, g("dutyObjective"), duty.objective)
        out.both(dept, "hasDuty", di)
        self.text_citations(di, f"{di}/citation/", [duty.description, duty.objective], duty.source)

    def activity_triples(self, act: Activity, ai: str, dept: str, duty_iri: str | None) -> None:
        """gg:Activity (活动) with its goal, indicator and grade standards.

        Linked to its duty by the code prefix (``duty_code``), not by row order. An activity whose
        duty is not declared in the table gets no ``gg:activityOf`` (the shapes report it); every
        activity carries ``gg:department`` so it is never cut off from its department.
        """
        out = self.out
        out.node(ai, "Activity", act.source.lines)
        out.raw(ai, IDENT, act.code)
        out.text(ai, PREF, act.name)
        out.text(ai, DESC, act.description)
        if act.budget_year:
            out.add(ai, g("fiscalYear"), nt.gyear(act.budget_year))
        out.raw(ai, g("rowNumber"), act.row_number_raw)
        out.link(ai, g("department"), dept)
        if duty_iri:
            out.both(duty_iri, "hasActivity", ai)
        if act.realigned:
            out.add(ai, g("realigned"), nt.boolean(True))
        for cell in act.unread_cells:  # kept, never dropped: cells the reader could not place
            out.raw(ai, g("unreadCell"), cell)
        self.activity_goal_triples(act, ai)
        self.activity_indicator_triples(act, ai)
        texts = [act.description, act.goal, act.indicator_description]
        self.text_citations(ai, f"{ai}/citation/", texts, act.source)

    def activity_goal_triples(self, act: Activity, ai: str) -> None:
        if not (act.goal and act.goal.strip()):
            return
        gi = f"{ai}/goal/1"
        self.out.node(gi, "PerformanceGoal", act.source.lines)
        self.out.add(gi, g("ordinal"), nt.integer(1))
        self.out.text(gi, DESC, act.goal)
        self.out.both(ai, "hasGoal", gi)

    def activity_indicator_triples(self, act: Activity, ai: str) -> None:
        grades = [(slug, getattr(act.grades, slug)) for slug in GRADE_FIELDS] if act.grades else []
        grades = [(slug, text) for slug, text in grades if text and text.strip()]
        if not (act.indicator and act.indicator.strip()) and not act.indicator_description and not grades:
            return
        out, ii = self.out, f"{ai}/indicator/1"
        out.node(ii, "Indicator", act.source.lines)
        out.text(ii, PREF, act.indicator)
        out.text(ii, DESC, act.indicator_description)
        out.add(ii, g("ordinal"), nt.integer(1))
        out.both(ai, "hasIndicator", ii)
        for slug, text in grades:
            gs = f"{ii}/grade/{slug}"
            out.node(gs, "GradeStandard", act.source.lines)
            out.link(gs, g("grade"), vocab.GRADE_BY_SLUG[slug].iri)
            out.text(gs, g("criterionText"), text)
            out.link(ii, g("hasGradeStandard"), gs)

    def text_citations(self, owner: str, prefix: str, texts: list[str | None], ref: SourceRef,
                       whole: bool = True) -> None:
        """Citations in the texts of one node (goal, funding purpose, duty, activity)."""
        for site in _text_sites(owner, prefix, texts, ref, whole):
            self.citation_triples(site)

    # -- summary table -------------------------------------------------------------------------
    def summary_triples(self, sheets: list[tuple[ProjectSheet, str]]) -> None:
        """gg:SummaryEntry (报人大项目汇总表 row) linked to every matching project sheet."""
        rows = self.ctx.doc.summary
        segs = unique_segments(rows, lambda r: str(r.ordinal) if r.ordinal is not None else f"L{r.source.line}")
        by_key = sheets_by_key(sheets)
        for row, seg in zip(rows, segs):
            self.summary_row_triples(row, self.mint.summary(self.ctx.id, seg), by_key)

    def summary_row_triples(self, row: SummaryRow, s: str, sheets: dict) -> None:
        out = self.out
        out.node(s, "SummaryEntry", row.source.lines)
        if row.ordinal is not None:
            out.add(s, g("ordinal"), nt.integer(row.ordinal))
        out.text(s, g("departmentName"), row.department_name)
        out.text(s, PREF, row.project_name)
        if row.budget is not None:
            out.add(s, g("summaryBudget"), nt.decimal(row.budget))
        out.raw(s, g("rawBudget"), row.budget_raw)
        dept = self.dept_by_name.get(fold(row.department_name))
        for p in matching_projects(row, sheets, self.sheet_dept, dept):
            out.link(s, g("summarises"), p)
        if dept:
            out.link(s, g("summaryDepartment"), dept)


def operator_concept(symbol: str | None):
    """Record operator ("≥" … or "qualitative") → concept."""
    if not symbol:
        return None
    return vocab.OPERATOR_BY_SLUG.get(symbol) or vocab.operator(symbol)


def sheets_by_key(sheets: list[tuple[ProjectSheet, str]]) -> dict[str, list[tuple[ProjectSheet, str]]]:
    """Project sheets under each of their keys (:func:`project_key` of the code-cell name and of
    the heading name), in document order: a summary row looks up its key instead of scanning
    every sheet (rows × sheets was quadratic in the projects of a document)."""
    index: dict[str, list[tuple[ProjectSheet, str]]] = defaultdict(list)
    for sheet, p in sheets:
        for key in dict.fromkeys((project_key(sheet.name), project_key(sheet.heading_name))):
            if key:
                index[key].append((sheet, p))
    return index


def matching_projects(row: SummaryRow, sheets: dict[str, list[tuple[ProjectSheet, str]]],
                      sheet_dept: dict[str, str] | None = None, row_dept: str | None = None) -> list[str]:
    """Project sheets summed by a summary row: same department and same project key.

    ``sheets`` is :func:`sheets_by_key`. Same department: equal folded names, or the row's name
    names the sheet's department node. The key (:func:`project_key`) compares NFKC names without
    spaces and with one trailing 专项资金/资金/专项/经费 dropped; both the code-cell name and the
    heading name are tried. No match → no link (a row is never guessed onto a sheet).
    """
    dept, key = fold(row.department_name), project_key(row.project_name)
    if not key:
        return []
    found = []
    for sheet, p in sheets.get(key, ()):
        same_node = row_dept is not None and (sheet_dept or {}).get(p) == row_dept
        if fold(sheet.department.name) == dept or same_node:
            found.append(p)
    return found


# ---------------------------------------------------------------------------------------------
# Entry points


def convert_document(doc: Document, base: str = DEFAULT_DATA_BASE, registry=None) -> Converted:
    """Convert one document on its own (both passes over just this document).

    ``registry``: a fresh ``citations.DocumentRegistry`` to use (default: a new one).
    """
    corpus = Corpus(base, registry)
    corpus.register(doc)
    corpus.resolve()
    return corpus.convert(doc)


def convert_corpus(docs: Iterable[Document], base: str = DEFAULT_DATA_BASE) -> Iterator[Converted]:
    """Convert documents with corpus-wide citation resolution; yields one result per document.

    ``docs`` is iterated twice (pass 1, then pass 2): pass a list, or a re-iterable that re-reads.
    """
    corpus = Corpus(base)
    for doc in docs:
        corpus.register(doc)
    corpus.resolve()
    for doc in docs:
        yield corpus.convert(doc)
