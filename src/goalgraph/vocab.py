"""Controlled vocabularies: indicator categories, operators, grades, basis kinds, bracket styles,
jurisdictions and units, with the spellings seen in source documents.

These tables are the single source for label normalisation (reader) and concept IRIs (converter);
``ontology/schemes.ttl`` and ``ontology/units.ttl`` publish the same concepts, and a test keeps the
two in agreement.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from goalgraph.namespaces import CUR, GGC, GGU, UNIT


_WHITESPACE = re.compile(r"\s+")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """NFKC, no whitespace: the key used to compare labels as written (cached: hot in the reader)."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text or ""))


@dataclass(frozen=True)
class Concept:
    scheme: str  # "category", "operator", …
    slug: str  # "social"
    zh: str  # skos:prefLabel@zh, exactly as VOCABULARY.md spells it
    en: str
    hidden: tuple[str, ...] = ()  # source spellings (skos:hiddenLabel)
    broader: str | None = None  # slug of the broader concept (categories)
    notation: str | None = None  # a symbol, e.g. "≥"

    @property
    def iri(self) -> str:
        return f"{GGC}{self.scheme}/{self.slug}"

    @property
    def level(self) -> int:
        return 1 if self.broader is None else 2


def _index(concepts: list[Concept]) -> dict[str, Concept]:
    index: dict[str, Concept] = {}
    for c in concepts:
        for label in (c.zh, *c.hidden, *( [c.notation] if c.notation else [])):
            index[fold(label)] = c
    return index


# -- indicator categories (一级 / 二级指标) ---------------------------------------------------------
CATEGORIES = [
    Concept("category", "output", "产出指标", "Output indicators", ("产出",)),
    Concept("category", "benefit", "效益指标", "Benefit indicators", ("效益",)),
    Concept("category", "satisfaction", "满意度指标", "Satisfaction indicators", ("满意度",)),
    Concept("category", "quantity", "数量指标", "Quantity indicators", ("数量",), "output"),
    Concept("category", "quality", "质量指标", "Quality indicators", ("质量",), "output"),
    Concept("category", "timeliness", "时效指标", "Timeliness indicators", ("时效",), "output"),
    Concept("category", "cost", "成本指标", "Cost indicators", ("成本",), "output"),
    Concept("category", "economic", "经济效益指标", "Economic benefit indicators", ("经济效益",), "benefit"),
    Concept("category", "social", "社会效益指标", "Social benefit indicators", ("社会效益",), "benefit"),
    Concept("category", "ecological", "生态效益指标", "Ecological benefit indicators", ("生态效益",), "benefit"),
    Concept("category", "sustainability", "可持续影响指标", "Sustainable impact indicators",
            ("可持续影响",), "benefit"),
    Concept("category", "recipient-satisfaction", "服务对象满意度指标", "Service recipient satisfaction indicators",
            ("服务对象满意度",), "satisfaction"),
]
CATEGORY_BY_SLUG = {c.slug: c for c in CATEGORIES}
_CATEGORY_INDEX = _index(CATEGORIES)


def category(label: str | None) -> Concept | None:
    """The category concept for a level-1 or level-2 label as written (None if unknown)."""
    return _CATEGORY_INDEX.get(fold(label or "")) if label else None


def parent(concept: Concept) -> Concept | None:
    return CATEGORY_BY_SLUG.get(concept.broader) if concept.broader else None


# -- comparison operators (符号) ----------------------------------------------------------------
OPERATORS = [
    Concept("operator", "ge", "大于等于", "greater than or equal to", (">=", "＞＝", "≧", "›="), notation="≥"),
    Concept("operator", "le", "小于等于", "less than or equal to", ("<=", "＜＝", "≦", "‹="), notation="≤"),
    Concept("operator", "eq", "等于", "equal to", ("＝", "=="), notation="="),
    Concept("operator", "gt", "大于", "greater than", ("＞", "›"), notation=">"),
    Concept("operator", "lt", "小于", "less than", ("＜", "‹"), notation="<"),
    Concept("operator", "qualitative", "文字描述", "qualitative (text target)", ("定性",)),
]
OPERATOR_BY_SLUG = {c.slug: c for c in OPERATORS}
_OPERATOR_INDEX = _index(OPERATORS)


def operator(text: str | None) -> Concept | None:
    """The operator concept for a 符号 cell as written ("&gt;=", "≥", "文字描述" …)."""
    return _OPERATOR_INDEX.get(fold(text or "")) if text else None


def operator_symbol(concept: Concept) -> str:
    """The record form: "≥" … or "qualitative"."""
    return concept.notation or concept.slug


# -- grades (指标评价标准) ------------------------------------------------------------------------
GRADES = [
    Concept("grade", "excellent", "优", "excellent", ("优秀",)),
    Concept("grade", "good", "良", "good", ("良好",)),
    Concept("grade", "fair", "中", "fair", ("中等", "合格")),
    Concept("grade", "poor", "差", "poor", ("较差", "不合格")),
]
GRADE_BY_SLUG = {c.slug: c for c in GRADES}

# -- basis kinds (指标确定依据的类型) -------------------------------------------------------------
BASIS_KINDS = [
    Concept("basis-kind", "policy-document", "政策文件", "policy document"),
    Concept("basis-kind", "law", "法律法规", "law or regulation"),
    Concept("basis-kind", "standard", "标准", "standard"),
    Concept("basis-kind", "contract", "合同协议", "contract or agreement"),
    Concept("basis-kind", "procurement", "政府采购", "procurement"),
    Concept("basis-kind", "survey", "调查", "survey"),
    Concept("basis-kind", "work-plan", "工作计划", "work plan"),
    Concept("basis-kind", "statistics", "统计数据", "statistics"),
    Concept("basis-kind", "estimate", "测算", "estimate"),
    Concept("basis-kind", "unspecified", "未具体说明", "unspecified (generic phrase)"),
]
BASIS_KIND_BY_SLUG = {c.slug: c for c in BASIS_KINDS}

# -- bracket styles around the year of a 文号 -----------------------------------------------------
BRACKETS = [
    Concept("bracket", "hexagonal", "六角括号", "hexagonal brackets 〔〕", ("〔〕",)),
    Concept("bracket", "square", "方括号", "square brackets []", ("[]", "［］")),
    Concept("bracket", "lenticular", "方头括号", "lenticular brackets 【】", ("【】",)),
    Concept("bracket", "round", "圆括号", "round brackets （）", ("（）", "()")),
    Concept("bracket", "book-title", "书名号", "book-title marks 《》", ("《》",)),
    Concept("bracket", "none", "无括号", "no brackets"),
]
BRACKET_BY_SLUG = {c.slug: c for c in BRACKETS}

# -- jurisdictions of issuing authorities ---------------------------------------------------------
JURISDICTIONS = [
    Concept("jurisdiction", "national", "国家", "national"),
    Concept("jurisdiction", "provincial", "省级", "provincial"),
    Concept("jurisdiction", "city", "市级", "city"),
    Concept("jurisdiction", "unknown", "未知", "unknown"),
]
JURISDICTION_BY_SLUG = {c.slug: c for c in JURISDICTIONS}

SCHEMES = {
    "category": ("指标类别", "Indicator categories", CATEGORIES),
    "operator": ("比较符号", "Comparison operators", OPERATORS),
    "grade": ("评价等级", "Grades", GRADES),
    "basis-kind": ("指标确定依据类型", "Basis kinds", BASIS_KINDS),
    "bracket": ("文号年份括号", "Bracket styles of document numbers", BRACKETS),
    "jurisdiction": ("发文层级", "Jurisdictions", JURISDICTIONS),
}


# -- units (单位) ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Unit:
    text: str  # normalised unit text, e.g. "%", "万元"
    iri: str  # a QUDT unit or a local ggu: unit
    en: str
    local: bool  # True when defined in ontology/units.ttl


def _u(text: str, iri: str, en: str) -> Unit:
    return Unit(text, str(iri), en, str(iri).startswith(str(GGU)))


UNITS = [
    _u("%", UNIT.PERCENT, "percent"),
    _u("元", CUR.CNY, "yuan (CNY)"),
    _u("万元", GGU.WanYuan, "10,000 yuan"),
    _u("亿元", GGU.YiYuan, "100 million yuan"),
    _u("亩", GGU.Mu, "mu (1/15 hectare)"),
    _u("万亩", GGU.WanMu, "10,000 mu"),
    _u("平方米", UNIT.M2, "square metre"),
    _u("万平方米", GGU.WanSquareMetre, "10,000 square metres"),
    _u("方", UNIT.M3, "cubic metre"),
    _u("吨", UNIT.TONNE, "tonne"),
    _u("小时", UNIT.HR, "hour"),
    _u("天", UNIT.DAY, "day"),
    _u("年", UNIT.YR, "year"),
    _u("月", UNIT.MO, "month"),
    _u("万人", GGU.WanRen, "10,000 persons"),
    _u("万头", GGU.WanTou, "10,000 head (livestock)"),
    _u("元/平方米", GGU.YuanPerSquareMetre, "yuan per square metre"),
    _u("元/年", GGU.YuanPerYear, "yuan per year"),
    _u("万元/年", GGU.WanYuanPerYear, "10,000 yuan per year"),
    _u("万元/吨", GGU.WanYuanPerTonne, "10,000 yuan per tonne"),
    _u("万元/座", GGU.WanYuanPerUnit, "10,000 yuan per facility"),
]
#: counting words: each a local count unit ggu:Count-<pinyin>
COUNT_WORDS = {
    "个": "Ge", "人": "Ren", "人次": "Renci", "次": "Ci", "台": "Tai", "套": "Tao", "家": "Jia", "户": "Hu",
    "项": "Xiang", "条": "Tiao", "座": "Zuo", "件": "Jian", "组": "Zu", "份": "Fen", "宗": "Zong", "对": "Dui",
    "辆": "Liang", "场": "Chang", "所": "Suo", "处": "Chu", "篇": "Pian", "批": "Pi", "部": "Bu", "张": "Zhang",
}
UNITS += [_u(word, GGU[f"Count-{slug}"], f"count ({word})") for word, slug in COUNT_WORDS.items()]
UNIT_BY_TEXT = {u.text: u for u in UNITS}

#: spellings of units as written → normalised text
UNIT_SPELLINGS = {
    "百分比": "%", "百分之": "%", "％": "%", "百分点": "%",
    "万平米": "万平方米", "平米": "平方米", "㎡": "平方米", "m2": "平方米", "立方米": "方", "m3": "方",
}


def normalize_unit(text: str | None) -> str | None:
    """Unit text as written → normalised text ("百分比" → "%"); None for blank."""
    key = fold(text or "")
    if not key:
        return None
    return UNIT_SPELLINGS.get(key, key)


def unit(text: str | None) -> Unit | None:
    """The unit for a (raw or normalised) unit text, or None when goalgraph has no IRI for it."""
    norm = normalize_unit(text)
    return UNIT_BY_TEXT.get(norm) if norm else None
