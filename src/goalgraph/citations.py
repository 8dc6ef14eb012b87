"""Citations of policy documents (政策文件引用) in basis cells and free text — pure functions, no RDF.

A *citation* is one span of text that points at a document: a title in 《》 (书名号), a 发文字号 (文号)
such as ``潍财社〔2020〕5号``, a national standard (``GB 3838-2002``), a law with article references
(``《劳动合同法》第三十九条第二款``) or a procurement project number (项目编号). :func:`parse_basis` also
classifies a whole 指标确定依据 cell into a basis kind (``vocab.BASIS_KINDS`` slug), and
:class:`DocumentRegistry` resolves every citation of a corpus into one node per document.

Decisions (see RULES.md sections G and H):

* **Order numbers** (部门令, ``财政部令第87号``): ``issuer_code`` keeps the 令 ("财政部令"), ``year`` is
  ``None``, ``bracket_style`` is ``"none"``, ``has_di`` is true (the 第 belongs to the form, R44 does not
  apply — see :attr:`DocNumber.is_order`), canonical form ``财政部令第87号``, kind ``law`` (规章).
* **Issuer trimming**: issuer words before the code are cut at the *last* trim word (人民政府, 委员会, 局,
  厅, 部, 办公室, 根据, 转发, 和 …) provided at least two characters of code remain (so 人社部发,
  财政部令 keep their 部) and the rest is still a recognisable code when the whole was (工信部联规).
  Two codes run together (``工信部联函浙经信``) keep the code written next to the year: the earlier
  one is cut where a code suffix (函 发 字 办 …) meets a province / national first character.
  Everything cut is in ``trimmed_prefix``.
* **Jurisdiction** (:func:`jurisdiction`): national, provincial (first character one of the 34 province
  abbreviations), city (locality prefix + organ word), else unknown; title-only documents are unknown.
* **Numbers inside a title** (``《转发苏人社发（2021）1号…的通知》``) are not the citation's number; they
  are returned as separate citations with ``in_title=True`` (the forwarded documents).
* **A 文号 after a title** (optionally in （）/() and optionally followed by 文) belongs to that title; so
  do a standard code and a 项目编号 written there.
* **Bare document names** (no 《》) are recognised only by :func:`parse_basis`, for a whole cell that
  ends with a document word (办法, 通知, 意见, 实施方案, 细则 …); their citation has ``quoted=False``.
* **Kinds**: a citation's kind comes from its form (:func:`_title_kind`); a cell's kind is the first kind
  in :data:`KIND_PRIORITY` among its citations, else the first keyword rule of :data:`KIND_KEYWORDS`
  that matches the text outside citations, else ``unspecified`` (generic phrases,
  :data:`GENERIC_PHRASES`).
  Keyword kinds win over "generic": 根据合同约定 is ``contract`` even though R34 warns about it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from goalgraph.vocab import BASIS_KIND_BY_SLUG, BRACKET_BY_SLUG, JURISDICTION_BY_SLUG, fold

# -- regular expressions ----------------------------------------------------------------------------

#: characters an issuer code (机关代字) may contain: CJK ideographs and Latin letters, never 号/的/第
_CODE_CHAR = r"(?:(?![号的第])[\u4e00-\u9fa5A-Za-z])"

#: a 文号: code, year in any bracket (《》 too), optional 第, serial, 号 (号 may be dropped before a
#: closing bracket or the end). Spaces are allowed anywhere between the parts ("237 号").
# whitespace inside a number is bounded (\s{0,4}): an unbounded \s* backtracks quadratically on a
# long run of spaces in hostile input (tests/fuzz/corpus/slow-inputs)
_DOC_NUMBER = re.compile(
    rf"(?P<code>{_CODE_CHAR}{{1,15}}?)\s{{0,4}}"
    r"(?P<lb>[〔［\[【（(《﹝〘{])\s{0,4}(?P<year>(?:19|20)\d{2})\s{0,4}(?P<rb>[〕］\]】）)》﹞〙}])\s{0,4}"
    r"(?P<di>第)?\s{0,4}(?P<serial>\d{1,5})\s{0,4}(?:(?P<hao>号)|(?=\s{0,4}[）)\]】，,。；;、]|\s{0,4}$))"
)

#: an order number (部门令 / 国务院令): "财政部令第87号", "国务院令第708号"
_ORDER_NUMBER = re.compile(
    rf"(?P<code>{_CODE_CHAR}{{0,14}}令)\s{{0,4}}(?P<di>第)?\s{{0,4}}(?P<serial>\d{{1,5}})\s{{0,4}}号"
)

#: a standard code: GB, GB/T, DB37/T, HJ … then number-year ("GB3838-2002", "GB/T 9704—2012")
_STANDARD = re.compile(
    r"(?<![A-Za-z])(?P<code>(?:GB|DB\d{2}|HJ|JGJ|CJJ|CJ|WS|YY|JT|JTG|SL|DL|NY|QB|GA|MZ|LY|HG|SH)"
    r"(?:\s{0,4}/\s{0,4}[TZ])?)\s{0,4}(?P<num>\d+(?:\.\d+)*)\s{0,4}[-－—–]\s{0,4}(?P<year>\d{4}|\d{2})(?!\d)"
)

#: a procurement project number (项目编号: SDGP371000202101000123)
_PROCUREMENT = re.compile(r"(?:项目编号|采购编号|招标编号)\s*[:：]?\s*(?P<id>[A-Za-z0-9][A-Za-z0-9\-_]{5,})")

#: one law article reference: 第三十九条第二款、第四款 / 第二十五条 / 第3条第2项
_NUM = r"[〇零一二三四五六七八九十百千两\d]+"
_ARTICLE_ONE = rf"第{_NUM}条(?:第{_NUM}[款项])*(?:[、和及]第{_NUM}[款项])*"
#: a run of article references right after a title (separated by ， , 、 和 及)
_ARTICLES = re.compile(rf"\s*(?P<run>{_ARTICLE_ONE}(?:\s*[，,、和及]\s*{_ARTICLE_ONE})*)")
_ARTICLE_SPLIT = re.compile(_ARTICLE_ONE)

#: text between a title and the number/standard/procurement number that belongs to it
_ATTACH_GAP = re.compile(r"\s*[（(]?\s*")

#: issuer words cut before a code, longest first (RULES H: "strip up to the last of …")
TRIM_WORDS = (
    "中华人民共和国", "人民政府", "委员会", "办公室", "办公厅", "根据", "依据", "按照", "参照", "转发", "印发",
    "政府", "市委", "省委", "文件", "执行", "落实", "贯彻", "按", "见", "年",
    "局", "厅", "部", "院", "会", "和", "及", "与",
)

#: document-type characters: they end a code and never begin one (工信部|联规 is not a cut)
_TYPE_CHARS = "联发令函字规电"

#: characters that end one issuer code (used to split two codes run together)
_CODE_SUFFIX = "函发字办令电联通密"

#: the 34 provincial-level abbreviations (省级简称); 青 is Qinghai and also 青岛 — read as provincial
PROVINCE_ABBREVIATIONS = frozenset("京津沪渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤琼川贵黔云滇陕秦甘陇青蒙桂藏宁新港澳台")

#: central (national) code prefixes: 国…/中… (国务院, 中办 …), 财… (财政部: 财预 财社 财教 财建 财农
#: 财行 财税 财库 财会 财金 财资环 …), and ministry codes as written without a locality prefix
NATIONAL_PREFIXES = (
    "国", "中", "财", "发改", "工信", "人社部", "教", "民发", "民函", "农", "商", "建", "交", "环", "卫",
    "公通", "司发", "审", "科", "水", "自然资", "应急", "医保", "退役", "银保监", "银发", "证监", "税总",
)

#: organ words that follow a one-to-three character locality prefix in a local code (潍财社, 潍政字 …)
CITY_ORGAN_WORDS = (
    "政", "财", "发", "办", "人社", "医保", "委", "环", "工信", "教", "卫", "农", "商", "建", "交", "民", "公",
    "司", "审", "统", "水", "科", "应急", "自然", "自规", "住建", "文", "体", "林", "粮", "市监", "国资",
    "金融", "退役", "残", "发改", "编", "组", "宣", "纪", "人防", "城管", "规", "海", "渔", "安", "税", "旅",
)

# -- kinds ---------------------------------------------------------------------------------------------

#: the most specific kind first: a cell's kind is the first of these among its citations/keywords
KIND_PRIORITY = (
    "policy-document", "law", "standard", "procurement", "contract", "statistics", "survey", "estimate",
    "work-plan", "unspecified",
)

#: keyword rules for text outside citations, checked in this order (first match wins)
KIND_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("standard", ("国标", "国家标准", "行业标准", "部标")),
    ("procurement", ("招标", "政府采购", "中标", "采购结果")),
    ("contract", ("合同", "协议")),
    ("statistics", ("统计", "年报", "报表", "测绘", "检测报告", "检验结果", "账簿", "台账", "单据", "决算")),
    ("survey", ("调查", "问卷", "摸底")),
    ("estimate", ("测算", "预估", "估算", "测定")),
    ("work-plan", ("工作计划", "年度计划", "项目计划", "编制计划", "计划", "方案")),
)

#: generic phrases (R34), for :func:`is_generic`; such cells match no keyword rule, so their kind is
#: ``unspecified`` (R34 also lists 合同, 测算, 调查 …: those keep their keyword kind)
GENERIC_PHRASES = (
    "根据实际工作需要", "根据实际工作情况", "根据实际工作要求", "根据工作实际", "根据工作要求", "工作要求",
    "文件", "文件规定", "市政府文件规定", "相关文件要求", "根据社会需求确定", "根据实际情况确定",
)

#: words that end a document name written without 《》 (bare title in a basis cell)
_DOC_SUFFIXES = ("办法", "通知", "意见", "实施方案", "细则", "规定", "规划", "条例", "决定", "批复", "纲要", "政策")
_BARE_LEAD = re.compile(r"^(?:根据|依据|按照|参照|执行)")
_BARE_TAIL = re.compile(r"(?:的?(?:有关)?(?:要求|精神|文件))+$")
# no leading \s*: .sub() would backtrack quadratically over a run of spaces; callers strip()
_TRAILING_NOTE = re.compile(r"[（(][^（）()]*[）)]\s*$")

# -- data ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocNumber:
    """发文字号: 机关代字 + 〔年份〕 + 序号 + 号, or an order number 部门令第N号 (``year`` None)."""

    raw: str
    issuer_code: str
    year: int | None
    serial: int
    bracket_style: str
    has_di: bool
    leading_zero: bool
    trimmed_prefix: str

    @property
    def is_order(self) -> bool:
        """An order number (令第N号): no year, 第 is part of the form."""
        return self.year is None

    @property
    def canonical(self) -> str:
        """eli:id_local: ``潍财社〔2020〕5号`` (brackets 〔〕, no spaces, no 第, no leading zero)."""
        if self.year is None:
            return f"{self.issuer_code}第{self.serial}号"
        return f"{self.issuer_code}〔{self.year}〕{self.serial}号"


@dataclass(frozen=True)
class Citation:
    """One cited document in a text span."""

    text: str
    start: int
    end: int
    title: str | None
    number: DocNumber | None
    standard: str | None
    article: str | None
    kind: str
    procurement_id: str | None = None  # 项目编号 written with (or instead of) a title
    in_title: bool = False  # a 文号 written inside another citation's title (a forwarded document)
    quoted: bool = True  # False for a bare document name (no 《》), see parse_basis


@dataclass
class BasisParse:
    text: str
    kind: str
    citations: list[Citation]


@dataclass
class ResolvedDocument:
    key: str
    id_local: str | None
    issuer_code: str | None
    year: int | None
    serial: int | None
    titles: list[str] = field(default_factory=list)
    raw_numbers: list[str] = field(default_factory=list)
    kind: str = "policy-document"
    jurisdiction: str = "unknown"
    standard: str | None = None


@dataclass
class Resolution:
    where: str
    citation: Citation
    document_key: str | None
    method: str
    note: str = ""


# -- document numbers ----------------------------------------------------------------------------------

_BRACKET_STYLE = {
    "〔": "hexagonal", "﹝": "hexagonal", "〘": "hexagonal", "[": "square", "［": "square", "{": "square",
    "【": "lenticular", "（": "round", "(": "round", "《": "book-title",
}


def _trim_issuer(code: str) -> tuple[str, str]:
    """Cut issuer words before the 机关代字; returns (code, trimmed prefix).

    The cut is at the end of the last trim word that leaves a code of two or more characters, unless
    that code starts with a document-type character (工信部联规 keeps its 部; 发改… is a code) or is
    unrecognisable while the whole is not."""
    cut = 0
    whole_known = jurisdiction(code) != "unknown"
    for word in TRIM_WORDS:
        at = code.rfind(word)
        end = at + len(word)
        if at < 0 or end <= cut or len(code) - end < 2:
            continue
        if code[end] in _TYPE_CHARS and not code[end:].startswith(NATIONAL_PREFIXES):
            continue
        if whole_known and jurisdiction(code[end:]) == "unknown":
            continue
        cut = end
    cut = max(cut, _split_run_together(code, cut))
    return code[cut:], code[:cut]


def _split_run_together(code: str, start: int) -> int:
    """Where a second code starts inside ``code[start:]`` (工信部联函|浙经信), else ``start``."""
    for i in range(len(code) - 2, start + 1, -1):
        if code[i - 1] in _CODE_SUFFIX and (code[i] in PROVINCE_ABBREVIATIONS or code[i] in "国中"):
            return i
    return start


def _doc_number(match: re.Match) -> DocNumber:
    """A DocNumber from a _DOC_NUMBER or _ORDER_NUMBER match (issuer words trimmed)."""
    code, prefix = _trim_issuer(match["code"])
    serial = match["serial"]
    is_order = "year" not in match.re.groupindex
    return DocNumber(
        raw=match.string[match.start("code") + len(prefix):match.end()].strip(),
        issuer_code=code,
        year=None if is_order else int(match["year"]),
        serial=int(serial),
        bracket_style="none" if is_order else _BRACKET_STYLE[match["lb"]],
        has_di=bool(match["di"]),
        leading_zero=len(serial) > 1 and serial.startswith("0"),
        trimmed_prefix=prefix,
    )


def _plausible(match: re.Match) -> bool:
    """A round or 《》 year bracket needs its 号 (otherwise "项目（2021）12" would be a number)."""
    return "lb" not in match.re.groupindex or bool(match["hao"]) or match["lb"] not in "（(《"


def _number_matches(text: str) -> list[re.Match]:
    """Every 文号 and order number in ``text``, by position, without overlaps."""
    found = [m for m in _DOC_NUMBER.finditer(text) if _plausible(m)]
    taken = [(m.start(), m.end()) for m in found]
    for m in _ORDER_NUMBER.finditer(text):
        if not any(s < m.end() and m.start() < e for s, e in taken):
            found.append(m)
    return sorted(found, key=lambda m: m.start())


def parse_doc_number(text: str) -> DocNumber | None:
    """The first 发文字号 in ``text`` (issuer words before it trimmed), or None."""
    matches = _number_matches(text or "")
    return _doc_number(matches[0]) if matches else None


def _number_span(m: re.Match) -> tuple[int, int]:
    """Span of the number without the trimmed issuer words."""
    number = _doc_number(m)
    return m.start("code") + len(number.trimmed_prefix), m.end()


# -- titles --------------------------------------------------------------------------------------------


def _title_spans(text: str, skip: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(start, end) of every outermost 《…》 (nested 《》/〈〉 kept); ``skip`` holds 《YYYY》 year brackets."""
    spans, depth, start = [], 0, -1
    for i, ch in enumerate(text):
        if any(s <= i < e for s, e in skip):
            continue
        if ch == "《":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "》" and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
    return spans


def _title_kind(title: str, standard: str | None) -> str:
    """Kind of a titled document: law (…法, …条例), standard, procurement, contract, policy document."""
    core = _TRAILING_NOTE.sub("", title).strip()
    if standard or re.search(r"(?<!的)标准$", core):
        return "standard"
    if re.search(r"(?:(?<![办方做])法|条例|法典)$", core):
        return "law"
    if re.search(r"招标文件|采购文件|中标通知|招标公告|采购合同", core):
        return "procurement"
    if re.search(r"(?:协议|合同|协议书)$", core):
        return "contract"
    return "policy-document"


def _normalize_standard(m: re.Match) -> str:
    code = re.sub(r"\s+", "", m["code"])
    year = m["year"]
    return f"{code} {m['num']}-{year}"


# -- finding citations ---------------------------------------------------------------------------------


@dataclass
class _Hit:
    """A raw hit (number, standard or procurement id) before grouping with titles."""

    start: int
    end: int
    lead: int  # start including trimmed issuer words (they may sit between a title and its number)
    number: DocNumber | None = None
    standard: str | None = None
    procurement_id: str | None = None


def _hits(text: str) -> list[_Hit]:
    hits = []
    for m in _number_matches(text):
        start, end = _number_span(m)
        hits.append(_Hit(start, end, m.start(), number=_doc_number(m)))
    for m in _STANDARD.finditer(text):
        if not any(h.start < m.end() and m.start() < h.end for h in hits):
            hits.append(_Hit(m.start(), m.end(), m.start(), standard=_normalize_standard(m)))
    for m in _PROCUREMENT.finditer(text):
        hits.append(_Hit(m.start(), m.end(), m.start(), procurement_id=m["id"]))
    return sorted(hits, key=lambda h: h.start)


def _attached(text: str, title_end: int, hits: list[_Hit]) -> list[_Hit]:
    """Hits written right after a title (in （）, one after another): they belong to it.

    At most one 文号: a second number after the first is a citation of its own."""
    out, pos = [], title_end
    for h in hits:
        if h.lead < pos:
            continue
        gap = text[pos:h.lead]
        if not _ATTACH_GAP.fullmatch(gap) and not (out and re.fullmatch(r"[\s,，、;；:：]*", gap)):
            break
        if h.number and any(o.number for o in out):
            break
        out.append(h)
        pos = h.end
    return out


def _citation_end(text: str, title_end: int, stop: int) -> int:
    """Extend a title citation over the bracket closing its 文号 (and a 文 before it)."""
    if not re.search(r"[（(]", text[title_end:stop]):
        return stop
    m = re.match(r"\s*文?\s*[）)]", text[stop:])
    return stop + m.end() if m else stop


def _title_citation(text: str, span: tuple[int, int], hits: list[_Hit]) -> tuple[Citation, list[_Hit]]:
    start, end = span
    title = text[start + 1:end - 1].strip()
    mine = _attached(text, end, hits)
    number = next((h.number for h in mine if h.number), None)
    standard = next((h.standard for h in mine if h.standard), None)
    proc = next((h.procurement_id for h in mine if h.procurement_id), None)
    stop = max([end] + [h.end for h in mine])
    if mine:
        stop = _citation_end(text, end, stop)
    article = None
    arts = _ARTICLES.match(text, stop)
    if arts and not mine:
        article = "，".join(a.group(0) for a in _ARTICLE_SPLIT.finditer(arts["run"]))
        stop = arts.end()
    kind = _title_kind(title, standard)
    if number and number.is_order:
        kind = "law"
    cit = Citation(text[start:stop], start, stop, title, number, standard, article, kind, proc)
    return cit, mine


def _hit_citation(text: str, h: _Hit, in_title: bool) -> Citation:
    if h.number:
        kind = "law" if h.number.is_order else "policy-document"
    else:
        kind = "standard" if h.standard else "procurement"
    return Citation(text[h.start:h.end], h.start, h.end, None, h.number, h.standard, None, kind,
                    h.procurement_id, in_title=in_title)


def find_citations(text: str) -> list[Citation]:
    """Every citation in free text (basis, goal, 资金用途, department cells), by position."""
    text = text or ""
    hits = _hits(text)
    year_brackets = [(h.start, h.end) for h in hits if h.number and h.number.bracket_style == "book-title"]
    titles = _title_spans(text, year_brackets)
    used: set[int] = set()
    out = []
    for span in titles:
        cit, mine = _title_citation(text, span, hits)
        used.update(id(h) for h in mine)
        out.append(cit)
    for h in hits:
        if id(h) in used:
            continue
        inside = any(s < h.start and h.end <= e for s, e in titles)
        out.append(_hit_citation(text, h, inside))
    return sorted(out, key=lambda c: (c.start, c.in_title))


# -- basis cells ---------------------------------------------------------------------------------------


def _outside(text: str, citations: list[Citation]) -> str:
    """The text with citation spans blanked out."""
    chars = list(text)
    for c in citations:
        chars[c.start:c.end] = " " * (c.end - c.start)
    return "".join(chars)


def keyword_kind(text: str) -> str:
    """Kind from the keyword rule table (:data:`KIND_KEYWORDS`), ``unspecified`` when none matches."""
    key = fold(text)
    for kind, words in KIND_KEYWORDS:
        if any(w in key for w in words):
            return kind
    return "unspecified"


def is_generic(text: str) -> bool:
    """True when the text is one of the generic phrases of R34 (after folding)."""
    return fold(text).rstrip("。.") in {fold(p) for p in GENERIC_PHRASES}


def _bare_title(text: str) -> Citation | None:
    """A cell that is one document name without 《》 (潍坊市政府购买服务管理办法)."""
    stripped = text.strip().rstrip("。.；;")
    core = _BARE_TAIL.sub("", _BARE_LEAD.sub("", stripped))
    core = _TRAILING_NOTE.sub("", core).strip()
    if len(core) < 6 or not core.endswith(_DOC_SUFFIXES) or re.search(r"文件|实际|需要|[，,。；;]", core):
        return None
    start = text.find(core)
    kind = _title_kind(core, None)
    return Citation(core, start, start + len(core), core, None, None, None, kind, quoted=False)


def parse_basis(text: str) -> BasisParse:
    """Split a 指标确定依据 cell into citations and classify it (most specific kind found)."""
    text = text or ""
    citations = find_citations(text)
    if not citations:
        bare = _bare_title(text)
        citations = [bare] if bare else []
    kinds = [c.kind for c in citations]
    if not kinds:
        kinds.append(keyword_kind(_outside(text, citations)))
    kind = min(kinds, key=KIND_PRIORITY.index)
    return BasisParse(text, kind, citations)


# -- titles and jurisdictions --------------------------------------------------------------------------

_WRAP_HEAD = re.compile(r"^(?:关于|印发|转发)+")
_WRAP_TAIL = re.compile(r"的通知$")


def normalize_title(title: str) -> str:
    """Matching key for a title: NFKC, no spaces or punctuation (《》〈〉“” …), no leading 关于/印发/转发
    wrappers and no trailing 的通知."""
    text = unicodedata.normalize("NFKC", title or "")
    text = "".join(ch for ch in text if not unicodedata.category(ch)[0] in "PSZ" and not ch.isspace())
    previous = None
    while previous != text:
        previous = text
        text = _WRAP_TAIL.sub("", _WRAP_HEAD.sub("", text))
    return text


def jurisdiction(issuer_code: str) -> str:
    """National / provincial / city / unknown from an issuer code (机关代字).

    national: contains 部 or starts with a central prefix (:data:`NATIONAL_PREFIXES`: 国, 中, 财 …);
    provincial: first character is a province abbreviation; city: a one-to-three character locality
    prefix followed by an organ word (:data:`CITY_ORGAN_WORDS`: 潍财社, 潍政字); else unknown.
    """
    code = fold(issuer_code or "")
    if not code:
        return "unknown"
    if "部" in code or "国务院" in code or code.startswith(NATIONAL_PREFIXES):
        return "national"
    if code[0] in PROVINCE_ABBREVIATIONS:
        return "provincial"
    for n in range(1, 4):
        if len(code) > n and code[n:].startswith(CITY_ORGAN_WORDS):
            return "city"
    return "unknown"


# -- corpus-wide resolution ----------------------------------------------------------------------------


class DocumentRegistry:
    """Resolves citations of a whole corpus into one document per 文号 / standard / title (R46).

    A title-only citation resolves to the numbered document cited anywhere with the same normalised
    title ("title-match"); two different numbers for one title → "ambiguous", linked to none.
    """

    def __init__(self) -> None:
        self._added: list[tuple[Citation, str]] = []
        self._docs: dict[str, ResolvedDocument] = {}
        self._resolutions: list[Resolution] | None = None

    def add(self, citation: Citation, where: str) -> None:
        self._added.append((citation, where))
        self._resolutions = None

    def resolve(self) -> list[Resolution]:
        if self._resolutions is None:
            self._docs = {}
            numbers_by_title = self._numbers_by_title()
            self._resolutions = [self._resolve_one(c, w, numbers_by_title) for c, w in self._added]
        return self._resolutions

    @property
    def documents(self) -> list[ResolvedDocument]:
        self.resolve()
        return [self._docs[k] for k in sorted(self._docs)]

    def _numbers_by_title(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for c, _ in self._added:
            if c.title and c.number:
                keys = found.setdefault(normalize_title(c.title), [])
                if _number_key(c.number) not in keys:
                    keys.append(_number_key(c.number))
        return found

    def _resolve_one(self, c: Citation, where: str, numbers_by_title: dict[str, list[str]]) -> Resolution:
        if c.number:
            return self._link(c, where, _number_key(c.number), "number")
        if c.standard:
            return self._link(c, where, f"s:{c.standard}", "standard")
        if c.title:
            candidates = numbers_by_title.get(normalize_title(c.title), [])
            if len(candidates) == 1:
                return self._link(c, where, candidates[0], "title-match")
            if len(candidates) > 1:
                shown = ", ".join(k[2:] for k in candidates)
                note = f"title matches {len(candidates)} numbered documents: {shown}; kept both"
                return Resolution(where, c, None, "ambiguous", note)
            return self._link(c, where, f"t:{normalize_title(c.title)}", "title-only")
        if c.procurement_id:
            return self._link(c, where, f"p:{c.procurement_id}", "number", "procurement project number")
        return Resolution(where, c, None, "none", "nothing to resolve")

    def _link(self, c: Citation, where: str, key: str, method: str, note: str = "") -> Resolution:
        doc = self._docs.get(key) or self._new_document(key, c)
        _merge(doc, c)
        return Resolution(where, c, key, method, note)

    def _new_document(self, key: str, c: Citation) -> ResolvedDocument:
        n = c.number if key.startswith("n:") else None
        doc = ResolvedDocument(
            key=key,
            id_local=n.canonical if n else None,
            issuer_code=n.issuer_code if n else None,
            year=n.year if n else None,
            serial=n.serial if n else None,
            kind=c.kind,
            jurisdiction=jurisdiction(n.issuer_code) if n else "unknown",
            standard=c.standard if key.startswith("s:") else None,
        )
        self._docs[key] = doc
        return doc


def _number_key(number: DocNumber) -> str:
    return f"n:{number.canonical}"


def _merge(doc: ResolvedDocument, c: Citation) -> None:
    """Add a citation's spellings to its document; a law or standard citation marks its kind."""
    if c.title and c.title not in doc.titles:
        doc.titles.append(c.title)
        doc.titles.sort(key=lambda t: (-len(t), t))
    if c.number and c.number.raw not in doc.raw_numbers:
        doc.raw_numbers.append(c.number.raw)
    if doc.kind == "policy-document" and c.kind in ("law", "standard"):
        doc.kind = c.kind


# every slug used here must exist in the vocabulary
assert set(KIND_PRIORITY) == set(BASIS_KIND_BY_SLUG)
assert set(_BRACKET_STYLE.values()) | {"none"} <= set(BRACKET_BY_SLUG)
assert {"national", "provincial", "city", "unknown"} <= set(JURISDICTION_BY_SLUG)
